/*
 * det_yahoo_parse.c - YMSG header and key/value body parsing (see
 * det_yahoo.h for the layout; Wireshark packet-ymsg.c, libyahoo2).
 */
#include "det_yahoo.h"

#include <string.h>

#include "imsentry/bytes.h"

bool ymsg_hdr_parse(const uint8_t *buf, size_t len, struct ymsg_hdr *h)
{
    struct bcur c;
    uint8_t magic[4];

    bcur_init(&c, buf, len);
    if (!bcur_copy(&c, magic, sizeof(magic)) || memcmp(magic, "YMSG", 4) != 0)
        return false;
    h->version = bcur_be16(&c);
    h->vendor = bcur_be16(&c);
    h->body_len = bcur_be16(&c);
    h->service = bcur_be16(&c);
    h->status = bcur_be32(&c);
    h->session = bcur_be32(&c);
    if (!bcur_ok(&c))
        return false;
    return h->version <= YMSG_VERSION_MAX && h->vendor <= YMSG_VENDOR_MAX;
}

void ymsg_kv_init(struct ymsg_kv_iter *it, const uint8_t *body, size_t len)
{
    it->body = body;
    it->len = body ? len : 0;
    it->off = 0;
    it->bad = false;
}

/* Distance from the cursor to the next C0 80, or -1. */
static long ymsg_find_sep(const struct bcur *c)
{
    struct bcur s = bcur_rest(c);
    size_t base = 0;

    for (;;) {
        long i = bcur_find(&s, 0xc0);
        if (i < 0)
            return -1;
        bcur_skip(&s, (size_t)i);
        if (bcur_remaining(&s) < 2)
            return -1;
        if (bcur_peek_u8(&s, 1) == 0x80)
            return (long)(base + (size_t)i);
        bcur_skip(&s, 1);
        base += (size_t)i + 1;
    }
}

bool ymsg_kv_next(struct ymsg_kv_iter *it, struct ymsg_kv *kv)
{
    struct bcur c;
    long ks, vs;
    uint64_t key = 0;

    if (it->bad || it->off >= it->len)
        return false;
    bcur_init(&c, it->body, it->len);
    bcur_skip(&c, it->off);

    ks = ymsg_find_sep(&c);
    if (ks <= 0 || ks > 10) {
        it->bad = true;
        return false;
    }
    for (long i = 0; i < ks; i++) {
        uint8_t ch = bcur_u8(&c);
        if (ch < '0' || ch > '9') {
            it->bad = true;
            return false;
        }
        key = key * 10 + (uint64_t)(ch - '0');
    }
    if (key > UINT32_MAX) {
        it->bad = true;
        return false;
    }
    bcur_skip(&c, 2);
    kv->key = (uint32_t)key;
    kv->val = bcur_ptr(&c);
    vs = ymsg_find_sep(&c);
    if (vs < 0) {
        /* the value runs to the end: allowed only for a truncated body */
        kv->val_len = bcur_remaining(&c);
        it->off = it->len;
        it->bad = true;
        return true;
    }
    kv->val_len = (size_t)vs;
    bcur_skip(&c, (size_t)vs + 2);
    it->off = c.off;
    return true;
}

bool ymsg_body_valid(const uint8_t *body, size_t len)
{
    struct ymsg_kv_iter it;
    struct ymsg_kv kv;

    ymsg_kv_init(&it, body, len);
    while (ymsg_kv_next(&it, &kv))
        ;
    return !it.bad && it.off == it.len;
}

bool ymsg_body_get(const uint8_t *body, size_t len, uint32_t key, const uint8_t **val,
                   size_t *val_len)
{
    struct ymsg_kv_iter it;
    struct ymsg_kv kv;

    ymsg_kv_init(&it, body, len);
    while (ymsg_kv_next(&it, &kv)) {
        if (kv.key == key) {
            *val = kv.val;
            *val_len = kv.val_len;
            return true;
        }
    }
    return false;
}

/* A sane header at buf[off] whose frame, when wholly present, has a valid body. */
static bool ymsg_frame_ok(const uint8_t *buf, size_t len, size_t off, bool *complete)
{
    struct bcur c;
    struct ymsg_hdr h;
    struct bcur body;
    bool cut;

    bcur_init(&c, buf, len);
    bcur_skip(&c, off);
    if (!ymsg_hdr_parse(bcur_ptr(&c), bcur_remaining(&c), &h))
        return false;
    bcur_skip(&c, YMSG_HDR_LEN);
    body = bcur_sub(&c, h.body_len, &cut);
    *complete = !cut;
    if (cut)
        return true;
    return ymsg_body_valid(bcur_ptr(&body), bcur_remaining(&body));
}

long ymsg_find_frame(const uint8_t *buf, size_t len, bool *complete)
{
    struct bcur c;

    *complete = false;
    bcur_init(&c, buf, len);
    while (bcur_remaining(&c) >= YMSG_HDR_LEN) {
        long y = bcur_find(&c, 'Y');
        size_t at;
        if (y < 0)
            return -1;
        bcur_skip(&c, (size_t)y);
        at = c.off;
        if (ymsg_frame_ok(buf, len, at, complete)) {
            /* away from offset 0 only a whole frame counts */
            if (at == 0 || *complete)
                return (long)at;
        }
        bcur_skip(&c, 1);
    }
    *complete = false;
    return -1;
}
