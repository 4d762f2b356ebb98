/*
 * det_oscar_flap.c - FLAP framing (the OSCAR/TOC transport, see
 * det_oscar.h): header checks, the chained-length fingerprint used by the
 * probes, and a bounded per-direction reassembler that re-synchronises
 * from any offset.
 */
#include "det_oscar.h"

#include <string.h>

#include "imsentry/stream.h"

/* Channels 1 (sign-on) .. 5 (keep-alive). */
#define FLAP_CHAN_MIN 1
#define FLAP_CHAN_MAX 5

bool flap_hdr_read(struct bcur *c, struct flap_hdr *h)
{
    struct bcur t = bcur_rest(c);

    if (bcur_u8(&t) != FLAP_MARKER)
        return false;
    h->channel = bcur_u8(&t);
    h->seq = bcur_be16(&t);
    h->len = bcur_be16(&t);
    if (!bcur_ok(&t) || h->channel < FLAP_CHAN_MIN || h->channel > FLAP_CHAN_MAX)
        return false;
    bcur_skip(c, FLAP_HDR_LEN);
    return true;
}

bool flap_hdr_at(const uint8_t *buf, size_t len, size_t at, struct flap_hdr *h)
{
    struct bcur c;

    bcur_init(&c, buf, len);
    if (!bcur_skip(&c, at))
        return false;
    return flap_hdr_read(&c, h);
}

bool oscar_tlvs_exact(const uint8_t *buf, size_t len)
{
    struct bcur c;

    bcur_init(&c, buf, len);
    while (bcur_remaining(&c) > 0) {
        bcur_be16(&c);
        uint16_t l = bcur_be16(&c);
        if (!bcur_ok(&c) || !bcur_skip(&c, l))
            return false;
    }
    return true;
}

/* The exact server hello: channel 1, payload 00 00 00 01. */
static bool flap_is_hello(const uint8_t *buf, size_t len, size_t at, const struct flap_hdr *h)
{
    struct bcur c;

    if (h->channel != 1 || h->len != 4)
        return false;
    bcur_init(&c, buf, len);
    bcur_skip(&c, at + FLAP_HDR_LEN);
    return bcur_be32(&c) == 1 && bcur_ok(&c);
}

/* One FLAP alone: is its payload plausible OSCAR (sign-on TLVs, a SNAC, sign-off TLVs)? */
static bool flap_plausible(const uint8_t *buf, size_t len, size_t at, const struct flap_hdr *h)
{
    struct bcur c;

    bcur_init(&c, buf, len);
    bcur_skip(&c, at + FLAP_HDR_LEN);
    bcur_limit(&c, h->len);
    if (bcur_remaining(&c) != h->len)
        return false;
    switch (h->channel) {
    case 1:
        if (h->len < 8 || bcur_be32(&c) != 1)
            return false;
        return oscar_tlvs_exact(bcur_ptr(&c), bcur_remaining(&c));
    case 2: {
        uint16_t family = bcur_be16(&c);
        uint16_t subtype = bcur_be16(&c);
        uint16_t flags = bcur_be16(&c);
        bcur_skip(&c, 4);
        if (!bcur_ok(&c) || family == 0 || family > 0x0025 || subtype == 0 || subtype > 0x0040)
            return false;
        if (flags & 0x8000) {
            uint16_t l = bcur_be16(&c);
            return bcur_ok(&c) && bcur_has(&c, l);
        }
        return true;
    }
    case 4:
        return h->len >= 4 && oscar_tlvs_exact(bcur_ptr(&c), bcur_remaining(&c));
    default:
        return false;
    }
}

enum probe_result flap_probe(const uint8_t *buf, size_t len, bool at_start)
{
    struct bcur c;
    bool more = false;

    bcur_init(&c, buf, len);
    if (len >= 2 && bcur_peek_u8(&c, 0) == 0x16 && bcur_peek_u8(&c, 1) == 0x03)
        return PROBE_NO; /* a TLS record */
    for (size_t i = 0; i < len; i++) {
        struct flap_hdr h, h2, h3;
        size_t end, end2;

        if (bcur_peek_u8(&c, i) != FLAP_MARKER)
            goto next;
        if (len - i < FLAP_HDR_LEN) {
            more = true;
            goto next;
        }
        if (!flap_hdr_at(buf, len, i, &h))
            goto next;
        end = i + FLAP_HDR_LEN + h.len;
        if (i == 0 && end <= len && flap_is_hello(buf, len, 0, &h))
            return PROBE_MATCH;
        if (end > len) {
            /* cannot tell yet, unless the FLAP could never fit in a probe */
            if (end - i <= DETECT_PROBE_MAX)
                more = true;
            goto next;
        }
        if (end == len) {
            if (i == 0 && flap_plausible(buf, len, 0, &h))
                return PROBE_MATCH;
            more = true; /* the next FLAP will tell */
            goto next;
        }
        if (len - end < FLAP_HDR_LEN) {
            more = true;
            goto next;
        }
        if (!flap_hdr_at(buf, len, end, &h2))
            goto next;
        if (h2.seq == (uint16_t)(h.seq + 1))
            return PROBE_MATCH; /* two chained FLAPs, consecutive sequence numbers */
        end2 = end + FLAP_HDR_LEN + h2.len;
        if (end2 + FLAP_HDR_LEN <= len) {
            if (flap_hdr_at(buf, len, end2, &h3))
                return PROBE_MATCH; /* three chained FLAPs */
        } else {
            more = true;
        }
    next:
        if (at_start)
            break; /* a stream seen from its start must open with a FLAP */
    }
    return more ? PROBE_MORE : PROBE_NO;
}

/* Drops n bytes from the front of the reader's buffer. */
static void flap_drop(struct flap_reader *r, size_t n)
{
    if (n >= r->used) {
        r->used = 0;
        return;
    }
    memmove(r->buf, r->buf + n, r->used - n);
    r->used -= n;
}

/*
 * Hunting: finds the first offset where a FLAP chain starts in the buffer.
 * Returns true with *at set when found; false when more bytes are needed
 * (the bytes before any still-possible start are dropped).
 */
static bool flap_hunt(struct flap_reader *r)
{
    size_t keep_from = r->used > FLAP_HDR_LEN - 1 ? r->used - (FLAP_HDR_LEN - 1) : 0;
    struct bcur c;

    bcur_init(&c, r->buf, r->used);
    for (size_t i = 0; i < r->used; i++) {
        struct flap_hdr h, h2;
        size_t end;

        if (bcur_peek_u8(&c, i) != FLAP_MARKER)
            continue;
        if (r->used - i < FLAP_HDR_LEN) {
            keep_from = i < keep_from ? i : keep_from;
            break;
        }
        if (!flap_hdr_at(r->buf, r->used, i, &h))
            continue;
        end = i + FLAP_HDR_LEN + h.len;
        if (end == r->used || (end + FLAP_HDR_LEN <= r->used &&
                               flap_hdr_at(r->buf, r->used, end, &h2))) {
            flap_drop(r, i);
            return true;
        }
        if (end > r->used && FLAP_HDR_LEN + (size_t)h.len <= sizeof(r->buf)) {
            /* undecided: keep from here and wait */
            keep_from = i;
            break;
        }
        if (end < r->used && end + FLAP_HDR_LEN > r->used) {
            keep_from = i;
            break;
        }
    }
    flap_drop(r, keep_from);
    return false;
}

/* Frames what the buffer holds. */
static void flap_drain(struct flap_reader *r, struct det_call *call, enum flow_dir dir,
                       flap_fn fn, void *ctx)
{
    for (;;) {
        struct flap_hdr h;

        if (r->skip) {
            size_t n = r->skip < r->used ? r->skip : r->used;
            flap_drop(r, n);
            r->skip -= (uint32_t)n;
            if (r->skip)
                return;
        }
        if (r->hunting) {
            if (!flap_hunt(r))
                return;
            r->hunting = false;
            r->resyncs++;
        }
        if (r->used < FLAP_HDR_LEN)
            return;
        if (!flap_hdr_at(r->buf, r->used, 0, &h)) {
            r->hunting = true; /* lost the framing: garbage or a parsing gap */
            continue;
        }
        if (FLAP_HDR_LEN + (size_t)h.len > sizeof(r->buf)) {
            flap_drop(r, FLAP_HDR_LEN);
            r->skip = h.len; /* too big to buffer: skipped unparsed */
            continue;
        }
        if (r->used < FLAP_HDR_LEN + (size_t)h.len)
            return;
        fn(call, ctx, dir, &h, r->buf + FLAP_HDR_LEN, h.len);
        flap_drop(r, FLAP_HDR_LEN + (size_t)h.len);
    }
}

void flap_feed(struct flap_reader *r, struct det_call *call, enum flow_dir dir,
               const uint8_t *data, size_t len, unsigned flags, bool mid_stream, flap_fn fn,
               void *ctx)
{
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        r->used = 0;
        r->skip = 0;
        r->hunting = true;
        r->started = true;
        return;
    }
    if (!r->started) {
        r->started = true;
        r->hunting = mid_stream;
    }
    bcur_init(&c, data, len);
    while (bcur_remaining(&c) > 0) {
        size_t room = sizeof(r->buf) - r->used;
        size_t n = bcur_remaining(&c) < room ? bcur_remaining(&c) : room;

        if (r->skip && r->used == 0) {
            /* drop skipped payload straight from the input */
            size_t s = r->skip < bcur_remaining(&c) ? r->skip : bcur_remaining(&c);
            bcur_skip(&c, s);
            r->skip -= (uint32_t)s;
            continue;
        }
        if (n == 0) {
            /* full and undecided (hunting): forget the oldest half */
            flap_drop(r, sizeof(r->buf) / 2);
            continue;
        }
        bcur_copy(&c, r->buf + r->used, n);
        r->used += n;
        flap_drain(r, call, dir, fn, ctx);
    }
}

bool oscar_is_uin(const uint8_t *p, size_t len)
{
    struct bcur c;

    if (len == 0 || len > 10)
        return false;
    bcur_init(&c, p, len);
    while (bcur_remaining(&c) > 0) {
        uint8_t ch = bcur_u8(&c);
        if (ch < '0' || ch > '9')
            return false;
    }
    return true;
}

/* ASCII lower case. */
static uint8_t lc(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + 32) : ch;
}

bool oscar_contains_ci(const uint8_t *hay, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    struct bcur c;

    if (nl == 0 || nl > len)
        return nl == 0;
    bcur_init(&c, hay, len);
    for (size_t i = 0; i + nl <= len; i++) {
        size_t k = 0;
        while (k < nl && lc(bcur_peek_u8(&c, i + k)) == lc((uint8_t)needle[k]))
            k++;
        if (k == nl)
            return true;
    }
    return false;
}

bool oscar_is_executable(const uint8_t *name, size_t len)
{
    static const char *const ext[] = {".exe", ".com", ".scr", ".pif", ".bat", ".vbs"};
    struct bcur c;

    if (len < 4)
        return false;
    bcur_init(&c, name, len);
    bcur_skip(&c, len - 4);
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        if (oscar_contains_ci(bcur_ptr(&c), 4, ext[i]))
            return true;
    }
    return false;
}

bool oscar_stream_at_start(const struct det_call *call)
{
    const struct flow *f = det_flow(call);

    return f && f->client_from_syn;
}
