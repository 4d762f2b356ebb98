/*
 * det_gnutella.c - Gnutella 0.4 / 0.6 servent connections and downloads.
 *
 * Handshakes (text, header blocks ended by an empty line):
 *   0.6: "GNUTELLA CONNECT/0.6" CRLF headers CRLF  ->  "GNUTELLA/0.6 200 OK" CRLF
 *        headers CRLF (or 503 ...)  ->  "GNUTELLA/0.6 200 OK" CRLF headers CRLF
 *   0.4: "GNUTELLA CONNECT/0.4\n\n"  ->  "GNUTELLA OK\n\n"
 * then descriptors (Gnutella Protocol Specification v0.4, section 2.2):
 *
 *    0                   16      17    18     19                 23
 *   +---------------------+-------+-----+------+------------------+--------
 *   | descriptor id GUID  | type  | TTL | hops | payload len LE32 | payload
 *   +---------------------+-------+-----+------+------------------+--------
 *   type 00 ping, 01 pong, 02 bye, 40 push, 80 query, 81 query hit.
 *
 * A descriptor is believed when its type is known, TTL + hops is small and
 * its length bounded; a stream picked up with no handshake needs
 * LIM_GNUTELLA_RESYNC_CHAIN chained valid descriptors, and framing
 * re-synchronises the same way after a gap or garbage.  A side that
 * announced "Content-Encoding: deflate" or Gnutella2 ("application/
 * x-gnutella2") sends nothing we can frame: it is identified, not parsed.
 *
 * Facts: query (0x80) search string, query hit (0x81) file names and the
 * responder's IP:port, push (0x40) and pong (0x01) addresses, the servent's
 * User-Agent.  Downloads are HTTP: http_inspect takes "GET /get/<index>/
 * <name>", "GET /uri-res/N2R?urn:sha1:..." and X-Gnutella-*, X-Queue,
 * X-Alt headers; a push connection opens with "GIV <index>:<guid>/<name>
 * \n\n" and then carries that HTTP request the other way, parsed here.
 */
#include <stdio.h>
#include <string.h>

#include "detect/det_gnutella.h"

#include "detect/cred_util.h"
#include "detect/det_http.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* What a direction's bytes are expected to be. */
enum gnut_mode {
    GNUT_START = 0,  /* nothing seen yet: text or binary decides */
    GNUT_LINES = 1,  /* a handshake / GIV / HTTP header block */
    GNUT_DESC = 2,   /* framed descriptors */
    GNUT_RESYNC = 3, /* looking for a chain of valid descriptors */
    GNUT_OFF = 4     /* compressed, Gnutella2 or closing: not parsed */
};

/* One direction's parser. */
struct gnut_dir {
    enum gnut_mode mode;       /* what comes next */
    uint8_t buf[LIM_P2P_BUF];  /* bytes not yet consumed */
    size_t len;                /* bytes used in buf */
    uint64_t skip;             /* bytes of an oversized descriptor still to discard */
    unsigned blocks;           /* header blocks seen (handshake step) */
    size_t scanned_len;        /* len at the last failed chain search (RESYNC) */
};

/* New bytes a RESYNC search waits for before scanning again (bounds work on tiny segments). */
#define GNUT_RESYNC_STEP 64

/* Per-flow state. */
struct gnut_state {
    struct gnut_dir d[2]; /* by enum flow_dir */
};

static const uint16_t gnut_ports[] = {6346, 6347};

/* ---- descriptor validation ---- */

/* Smallest payload of each known type, or -1 for unknown types. */
static long gnut_min_payload(uint8_t type)
{
    switch (type) {
    case 0x00: return 0;  /* ping */
    case 0x01: return 14; /* pong: port, ip, files, kbytes */
    case 0x02: return 2;  /* bye: code */
    case 0x40: return 26; /* push: guid, index, ip, port */
    case 0x80: return 3;  /* query: speed, NUL-terminated string */
    case 0x81: return 27; /* query hit: header + servent id */
    default: return -1;
    }
}

/* Payload length of a believable descriptor header at c, or -1. */
long gnut_header_ok(const uint8_t *h)
{
    struct bcur c;
    uint8_t type, ttl, hops;
    uint32_t plen;
    long minp;

    bcur_init(&c, h, GNUT_HDR);
    bcur_skip(&c, 16);
    type = bcur_u8(&c);
    ttl = bcur_u8(&c);
    hops = bcur_u8(&c);
    plen = bcur_le32(&c);
    minp = gnut_min_payload(type);
    if (!bcur_ok(&c) || minp < 0)
        return -1;
    if (ttl + hops == 0 || ttl + hops > LIM_GNUTELLA_HOPS_MAX)
        return -1;
    if (plen < (uint32_t)minp || plen > LIM_GNUTELLA_PAYLOAD_MAX)
        return -1;
    if (type == 0x00 && plen > 1024) /* a ping carries at most a little GGEP */
        return -1;
    return (long)plen;
}

/*
 * Offset of the first place in buf[0..len) where `need` descriptors chain
 * validly (each header fully present), or -1.
 */
long gnut_find_chain(const uint8_t *buf, size_t len, unsigned need)
{
    for (size_t off = 0; off + GNUT_HDR <= len; off++) {
        size_t at = off;
        unsigned n = 0;
        while (n < need && at + GNUT_HDR <= len) {
            long plen = gnut_header_ok(buf + at);
            if (plen < 0)
                break;
            n++;
            at += GNUT_HDR + (size_t)plen;
        }
        if (n >= need)
            return (long)off;
    }
    return -1;
}

/* ---- probe ---- */

/* Bytes at the start of a probe where a mid-stream descriptor chain may begin (a tail). */
#define GNUT_PROBE_SCAN 512

/*
 * Mid-stream pick-up: from some offset below GNUT_PROBE_SCAN, every
 * descriptor to the end of the buffer is valid (the last may be cut short)
 * and at least LIM_GNUTELLA_RESYNC_CHAIN headers are whole, one more when
 * the chain does not start at the first byte.  Stricter than the resync of
 * a claimed flow: a lucky pair of headers inside another protocol's bytes
 * (runs of BitTorrent "have" messages) is not enough.
 */
static bool gnut_probe_chain(const uint8_t *buf, size_t len)
{
    for (size_t off = 0; off < GNUT_PROBE_SCAN && off + GNUT_HDR <= len; off++) {
        size_t at = off;
        unsigned n = 0;
        bool bad = false;
        while (at + GNUT_HDR <= len) {
            long plen = gnut_header_ok(buf + at);
            if (plen < 0) {
                bad = true;
                break;
            }
            n++;
            at += GNUT_HDR + (size_t)plen;
        }
        if (!bad && n >= LIM_GNUTELLA_RESYNC_CHAIN + (off ? 1u : 0u))
            return true;
    }
    return false;
}

static bool gnut_prefix_of(const uint8_t *buf, size_t len, const char *lit)
{
    size_t l = strlen(lit);
    return len < l && memcmp(buf, lit, len) == 0;
}

/* "GIV <digits>:<32 hex>/" */
static enum probe_result gnut_giv(const uint8_t *buf, size_t len)
{
    struct bcur c;
    size_t digits = 0, hex = 0;

    bcur_init(&c, buf, len);
    bcur_skip(&c, 4);
    while (bcur_remaining(&c) && bcur_peek_u8(&c, 0) >= '0' && bcur_peek_u8(&c, 0) <= '9') {
        bcur_skip(&c, 1);
        digits++;
    }
    if (!bcur_remaining(&c))
        return digits <= 10 ? PROBE_MORE : PROBE_NO;
    if (digits == 0 || digits > 10 || bcur_u8(&c) != ':')
        return PROBE_NO;
    while (bcur_remaining(&c) && hex < 32) {
        uint8_t ch = bcur_u8(&c);
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return PROBE_NO;
        hex++;
    }
    if (hex < 32)
        return PROBE_MORE;
    if (!bcur_remaining(&c))
        return PROBE_MORE;
    return bcur_u8(&c) == '/' ? PROBE_MATCH : PROBE_NO;
}

static enum probe_result gnut_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    enum flow_dir other = dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
    enum probe_result r;

    if (len == 0)
        return PROBE_MORE;
    if (len >= 17 && memcmp(buf, "GNUTELLA CONNECT/", 17) == 0) {
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    if ((len >= 13 && memcmp(buf, "GNUTELLA/0.6 ", 13) == 0) ||
        (len >= 12 && memcmp(buf, "GNUTELLA OK\n", 12) == 0) ||
        (len >= 13 && memcmp(buf, "GNUTELLA OK\r\n", 13) == 0)) {
        det_set_client(call, other);
        return PROBE_MATCH;
    }
    if (gnut_prefix_of(buf, len, "GNUTELLA CONNECT/") || gnut_prefix_of(buf, len, "GNUTELLA/0.6 ") ||
        gnut_prefix_of(buf, len, "GNUTELLA OK\r\n"))
        return PROBE_MORE;
    if (len >= 4 && memcmp(buf, "GIV ", 4) == 0) {
        r = gnut_giv(buf, len);
        if (r == PROBE_MATCH)
            det_set_client(call, dir);
        return r;
    }
    if (gnut_prefix_of(buf, len, "GIV "))
        return PROBE_MORE;
    /* BitTorrent's handshake (its later messages can look like descriptor chains). */
    if (len >= 20 && memcmp(buf, "\x13" "BitTorrent protocol", 20) == 0)
        return PROBE_NO;
    /* Mid-stream descriptors. */
    if (gnut_probe_chain(buf, len))
        return PROBE_MATCH;
    /* Printable text is some other protocol; binary may still chain. */
    for (size_t i = 0; i < len && i < 64; i++)
        if (buf[i] < 0x09 || buf[i] > 0x7e)
            return len < DETECT_PROBE_MAX ? PROBE_MORE : PROBE_NO;
    return PROBE_NO;
}

/* True when a file name ends with an executable extension (.exe .com .scr .pif .bat .vbs). */
static bool gnut_is_executable(const uint8_t *name, size_t len)
{
    static const char *const ext[] = {".exe", ".com", ".scr", ".pif", ".bat", ".vbs"};

    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (len >= 4 && cred_token_eq(name + len - 4, 4, ext[i]))
            return true;
    return false;
}

/* ---- events ---- */

static void gnut_ev(struct app_event *ev, enum app_event_type type, enum flow_dir dir,
                    const char *msg_type)
{
    app_event_init(ev, type, APP_PROTO_GNUTELLA, dir);
    app_event_add_str(ev, APP_FACT_SERVICE, "gnutella");
    if (msg_type)
        app_event_add_str(ev, APP_FACT_MSG_TYPE, msg_type);
}

/* Adds "a.b.c.d:port" as EMBEDDED_ADDRESS (the framework judges home networks). */
static void gnut_add_addr(struct app_event *ev, const uint8_t ip[4], uint16_t port, char *text,
                          size_t cap)
{
    snprintf(text, cap, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], port);
    app_event_add_str(ev, APP_FACT_EMBEDDED_ADDRESS, text);
}

/* Length of the printable, NUL-free prefix of a string field. */
static size_t gnut_strlen(struct bcur *c)
{
    long z = bcur_find(c, 0);
    return z < 0 ? bcur_remaining(c) : (size_t)z;
}

/* Query hit: count, port, ip, speed, results (index, size, name NUL, ext NUL), trailer. */
static void gnut_query_hit(struct det_call *call, enum flow_dir dir, struct bcur *c)
{
    struct app_event ev;
    uint8_t nhits, ip[4];
    uint16_t port;
    char addr[32];
    unsigned named = 0;
    bool exe = false;

    nhits = bcur_u8(c);
    port = bcur_le16(c);
    bcur_copy(c, ip, 4);
    bcur_skip(c, 4); /* speed */
    if (!bcur_ok(c))
        return;
    gnut_ev(&ev, APP_EVENT_FILE_SHARING, dir, "query_hit");
    for (unsigned i = 0; i < nhits && bcur_remaining(c) > 8; i++) {
        size_t n;
        bcur_skip(c, 8); /* file index, file size */
        n = gnut_strlen(c);
        if (n && named < LIM_GNUTELLA_HIT_NAMES) {
            app_event_add(&ev, APP_FACT_FILE_NAME, bcur_ptr(c), n);
            exe = exe || gnut_is_executable(bcur_ptr(c), n);
            named++;
        }
        bcur_skip(c, n < bcur_remaining(c) ? n + 1 : n);
        n = gnut_strlen(c); /* extension block */
        bcur_skip(c, n < bcur_remaining(c) ? n + 1 : n);
    }
    if (exe)
        app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
    gnut_add_addr(&ev, ip, port, addr, sizeof(addr));
    det_emit(call, &ev);
}

/* One whole (or truncated) descriptor: header at h, payload bytes p[0..plen). */
static void gnut_descriptor(struct det_call *call, enum flow_dir dir, const uint8_t *h,
                            const uint8_t *p, size_t plen)
{
    struct bcur c;
    struct app_event ev;
    uint8_t ip[4];
    uint16_t port;
    char addr[32];
    struct bcur hc;
    uint8_t type;

    bcur_init(&hc, h, GNUT_HDR);
    bcur_skip(&hc, 16);
    type = bcur_u8(&hc);
    bcur_init(&c, p, plen);
    switch (type) {
    case 0x80: { /* query: min speed, search string */
        size_t n;
        bcur_skip(&c, 2);
        n = gnut_strlen(&c);
        if (!bcur_ok(&c))
            return;
        gnut_ev(&ev, APP_EVENT_FILE_SHARING, dir, "query");
        if (n)
            app_event_add(&ev, APP_FACT_QUERY, bcur_ptr(&c), n);
        det_emit(call, &ev);
        return;
    }
    case 0x81:
        gnut_query_hit(call, dir, &c);
        return;
    case 0x40: /* push: servent id, file index, ip, port */
        bcur_skip(&c, 20);
        bcur_copy(&c, ip, 4);
        port = bcur_le16(&c);
        if (!bcur_ok(&c))
            return;
        gnut_ev(&ev, APP_EVENT_DIRECT_CONNECT, dir, "push");
        gnut_add_addr(&ev, ip, port, addr, sizeof(addr));
        det_emit(call, &ev);
        return;
    case 0x01: /* pong: port, ip, files, kbytes */
        port = bcur_le16(&c);
        bcur_copy(&c, ip, 4);
        if (!bcur_ok(&c))
            return;
        gnut_ev(&ev, APP_EVENT_PROTO_MSG, dir, "pong");
        gnut_add_addr(&ev, ip, port, addr, sizeof(addr));
        det_emit(call, &ev);
        return;
    default:
        return; /* ping, bye: nothing to report */
    }
}

/* ---- header blocks (handshake, GIV, the HTTP request of a push) ---- */

/* Value of header `name` in a block of lines, or false. */
static bool gnut_block_header(const uint8_t *blk, size_t len, const char *name,
                              struct cred_span *val)
{
    struct bcur c;
    size_t nl = strlen(name);

    bcur_init(&c, blk, len);
    while (bcur_remaining(&c)) {
        long lf = bcur_find(&c, '\n');
        const uint8_t *p = bcur_ptr(&c);
        size_t n = lf < 0 ? bcur_remaining(&c) : (size_t)lf;
        bcur_skip(&c, lf < 0 ? n : n + 1);
        if (n && p[n - 1] == '\r')
            n--;
        if (n > nl && p[nl] == ':' && cred_token_prefix(p, n, name)) {
            struct bcur v;
            bcur_init(&v, p + nl + 1, n - nl - 1);
            cred_rest(&v, val);
            cred_span_rtrim(val);
            return true;
        }
    }
    return false;
}

/* Reports the download named by a request path ("/get/<i>/<name>", "/uri-res/N2R?urn"). */
static bool gnut_download(struct det_call *call, enum flow_dir dir, const uint8_t *path,
                          size_t len, const struct cred_span *ua)
{
    struct app_event ev;
    struct bcur c;
    size_t digits = 0;

    if (cred_token_prefix(path, len, "/get/")) {
        bcur_init(&c, path + 5, len - 5);
        while (bcur_remaining(&c) && bcur_peek_u8(&c, 0) >= '0' && bcur_peek_u8(&c, 0) <= '9') {
            bcur_skip(&c, 1);
            digits++;
        }
        if (digits == 0 || !bcur_remaining(&c) || bcur_u8(&c) != '/' || !bcur_remaining(&c))
            return false;
        gnut_ev(&ev, APP_EVENT_FILE_SHARING, dir, "download");
        app_event_add(&ev, APP_FACT_FILE_NAME, bcur_ptr(&c), bcur_remaining(&c));
        if (gnut_is_executable(bcur_ptr(&c), bcur_remaining(&c)))
            app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
    } else if (cred_token_prefix(path, len, "/uri-res/")) {
        const uint8_t *q = memchr(path, '?', len);
        gnut_ev(&ev, APP_EVENT_FILE_SHARING, dir, "download");
        if (q && (size_t)(q - path) + 1 < len)
            app_event_add(&ev, APP_FACT_FILE_NAME, q + 1, len - (size_t)(q - path) - 1);
    } else {
        return false;
    }
    if (ua && ua->len) {
        app_event_add(&ev, APP_FACT_CLIENT_VERSION, ua->p, ua->len);
        app_event_add(&ev, APP_FACT_USER_AGENT, ua->p, ua->len);
    }
    det_emit(call, &ev);
    return true;
}

/* "GIV <index>:<guid>/<name>" */
static void gnut_giv_line(struct det_call *call, enum flow_dir dir, const uint8_t *p, size_t n)
{
    const uint8_t *slash = memchr(p, '/', n);
    struct app_event ev;

    gnut_ev(&ev, APP_EVENT_FILE_SHARING, dir, "push");
    if (slash && (size_t)(slash - p) + 1 < n) {
        size_t fl = n - (size_t)(slash - p) - 1;
        app_event_add(&ev, APP_FACT_FILE_NAME, slash + 1, fl);
        if (gnut_is_executable(slash + 1, fl))
            app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
    }
    det_emit(call, &ev);
}

/* A complete header block blk[0..len) of direction dir; sets the mode that follows. */
static void gnut_block(struct det_call *call, struct gnut_dir *d, enum flow_dir dir,
                       const uint8_t *blk, size_t len)
{
    const uint8_t *lf = memchr(blk, '\n', len);
    size_t n = lf ? (size_t)(lf - blk) : len;
    struct cred_span ua, v;
    bool has_ua;
    struct app_event ev;

    if (n && blk[n - 1] == '\r')
        n--;
    d->blocks++;
    has_ua = gnut_block_header(blk, len, "User-Agent", &ua);
    if (cred_token_prefix(blk, n, "GNUTELLA CONNECT/")) {
        gnut_ev(&ev, APP_EVENT_PROTO_MSG, dir, "connect");
        if (has_ua && ua.len)
            app_event_add(&ev, APP_FACT_CLIENT_VERSION, ua.p, ua.len);
        det_emit(call, &ev);
        /* 0.4 goes straight to descriptors; 0.6 waits for the client's final 200. */
        d->mode = cred_token_prefix(blk, n, "GNUTELLA CONNECT/0.4") ? GNUT_DESC : GNUT_LINES;
        return;
    }
    if (cred_token_prefix(blk, n, "GNUTELLA/") || cred_token_prefix(blk, n, "GNUTELLA OK")) {
        bool ok = cred_token_prefix(blk, n, "GNUTELLA OK") ||
                  (n >= 16 && memcmp(blk + 13, "200", 3) == 0);
        char code[4] = "";
        if (n >= 16)
            memcpy(code, blk + 13, 3);
        gnut_ev(&ev, APP_EVENT_PROTO_MSG, dir, code[0] ? code : "ok");
        if (has_ua && ua.len)
            app_event_add(&ev, APP_FACT_CLIENT_VERSION, ua.p, ua.len);
        det_emit(call, &ev);
        if (!ok)
            d->mode = GNUT_OFF;
        else if ((gnut_block_header(blk, len, "Content-Encoding", &v) &&
                  cred_token_contains(v.p, v.len, "deflate")) ||
                 (gnut_block_header(blk, len, "Content-Type", &v) &&
                  cred_token_contains(v.p, v.len, "gnutella2")))
            d->mode = GNUT_OFF;
        else
            d->mode = GNUT_DESC;
        return;
    }
    if (cred_token_prefix(blk, n, "GIV ")) {
        gnut_giv_line(call, dir, blk + 4, n - 4);
        d->mode = GNUT_LINES;
        return;
    }
    if (cred_token_prefix(blk, n, "GET ") || cred_token_prefix(blk, n, "HEAD ")) {
        const uint8_t *sp = memchr(blk, ' ', n);
        const uint8_t *path = sp + 1;
        size_t rest = n - (size_t)(path - blk);
        const uint8_t *end = memchr(path, ' ', rest);
        gnut_download(call, dir, path, end ? (size_t)(end - path) : rest, has_ua ? &ua : NULL);
    }
    /* HTTP traffic of a push connection: the body is not ours to frame. */
    d->mode = GNUT_OFF;
}

/* ---- stream parsing ---- */

/* Drops the first n buffered bytes. */
static void gnut_consume(struct gnut_dir *d, size_t n)
{
    if (n >= d->len) {
        d->len = 0;
        return;
    }
    memmove(d->buf, d->buf + n, d->len - n);
    d->len -= n;
}

/* End of a header block (after the empty line) in buf, or 0 when incomplete. */
static size_t gnut_block_end(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* Runs the buffered bytes of one direction through the parser; returns when it needs more. */
static void gnut_run(struct det_call *call, struct gnut_dir *d, enum flow_dir dir)
{
    for (;;) {
        if (d->mode == GNUT_START) {
            if (d->len < 4)
                return;
            d->mode = (memcmp(d->buf, "GNUT", 4) == 0 || memcmp(d->buf, "GIV ", 4) == 0 ||
                       memcmp(d->buf, "GET ", 4) == 0 || memcmp(d->buf, "HEAD", 4) == 0)
                          ? GNUT_LINES
                          : GNUT_RESYNC;
        } else if (d->mode == GNUT_LINES) {
            size_t end = gnut_block_end(d->buf, d->len);
            if (end == 0) {
                if (d->len == sizeof(d->buf)) {
                    d->len = 0; /* an endless header block: give the bytes up */
                    d->mode = GNUT_RESYNC;
                }
                return;
            }
            gnut_block(call, d, dir, d->buf, end);
            gnut_consume(d, end);
        } else if (d->mode == GNUT_DESC) {
            long plen;
            if (d->len < GNUT_HDR)
                return;
            plen = gnut_header_ok(d->buf);
            if (plen < 0) {
                d->mode = GNUT_RESYNC;
                continue;
            }
            if (GNUT_HDR + (size_t)plen <= d->len) {
                gnut_descriptor(call, dir, d->buf, d->buf + GNUT_HDR, (size_t)plen);
                gnut_consume(d, GNUT_HDR + (size_t)plen);
            } else if (d->len == sizeof(d->buf)) {
                /* Larger than we keep: report what is here, discard the rest. */
                gnut_descriptor(call, dir, d->buf, d->buf + GNUT_HDR, d->len - GNUT_HDR);
                d->skip = GNUT_HDR + (uint64_t)plen - d->len;
                d->len = 0;
                return;
            } else {
                return;
            }
        } else if (d->mode == GNUT_RESYNC) {
            long off;
            if (d->scanned_len && d->len < d->scanned_len + GNUT_RESYNC_STEP &&
                d->len < sizeof(d->buf))
                return;
            off = gnut_find_chain(d->buf, d->len, LIM_GNUTELLA_RESYNC_CHAIN);
            if (off >= 0) {
                gnut_consume(d, (size_t)off);
                d->scanned_len = 0;
                d->mode = GNUT_DESC;
                continue;
            }
            if (d->len == sizeof(d->buf))
                gnut_consume(d, d->len / 2);
            d->scanned_len = d->len;
            return;
        } else {
            d->len = 0;
            return;
        }
    }
}

static void gnut_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct gnut_state *st = state;
    struct gnut_dir *d = &st->d[dir];
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        d->len = 0;
        d->skip = 0;
        d->scanned_len = 0;
        if (d->mode != GNUT_OFF)
            d->mode = GNUT_RESYNC;
        return;
    }
    bcur_init(&c, data, len);
    while (bcur_remaining(&c)) {
        size_t take;
        if (d->mode == GNUT_OFF)
            return;
        if (d->skip) {
            take = d->skip < bcur_remaining(&c) ? (size_t)d->skip : bcur_remaining(&c);
            bcur_skip(&c, take);
            d->skip -= take;
            continue;
        }
        take = sizeof(d->buf) - d->len;
        if (take > bcur_remaining(&c))
            take = bcur_remaining(&c);
        bcur_copy(&c, d->buf + d->len, take);
        d->len += take;
        gnut_run(call, d, dir);
    }
}

/* ---- HTTP downloads (det_http hands each message here) ---- */

static bool gnut_http_inspect(struct det_call *call, const struct http_msg *msg)
{
    bool ours = false;

    for (unsigned i = 0; i < msg->n_headers; i++) {
        const struct http_span *n = &msg->headers[i].name;
        if (http_span_prefix(n, "X-Gnutella-") || http_span_eq(n, "X-Queue") ||
            http_span_prefix(n, "X-Alt") || http_span_prefix(n, "X-NAlt"))
            ours = true;
    }
    if (msg->is_request) {
        const struct http_span *ua = http_header(msg, "User-Agent");
        struct cred_span u = {ua ? ua->p : NULL, ua ? ua->len : 0};
        if ((http_span_eq(&msg->method, "GET") || http_span_eq(&msg->method, "HEAD")) &&
            msg->path.len) {
            size_t plen = msg->path.len;
            const uint8_t *path = msg->path.p;
            uint8_t tmp[LIM_P2P_FIELD];
            /* /uri-res/N2R?urn:sha1:... : the URN is in the query. */
            if (cred_token_prefix(path, plen, "/uri-res/") && msg->query.len) {
                size_t k = cred_copy_field(tmp, sizeof(tmp), path, plen);
                if (k < sizeof(tmp))
                    tmp[k++] = '?';
                k += cred_copy_field(tmp + k, sizeof(tmp) - k, msg->query.p, msg->query.len);
                path = tmp;
                plen = k;
            }
            if (cred_token_prefix(path, plen, "/uri-res/N2R") || ours ||
                cred_token_prefix(path, plen, "/get/")) {
                if (gnut_download(call, FLOW_TOSERVER, path, plen, ua ? &u : NULL))
                    ours = true;
            }
        }
    }
    return ours;
}

const struct detector det_gnutella = {
    .name = "gnutella",
    .proto = APP_PROTO_GNUTELLA,
    .ipproto = 6,
    .ports = gnut_ports,
    .n_ports = sizeof(gnut_ports) / sizeof(gnut_ports[0]),
    .probe = gnut_probe,
    .state_size = sizeof(struct gnut_state),
    .parse = gnut_parse,
    .http_inspect = gnut_http_inspect,
};
