/*
 * bytes.h - bounds-checked byte cursor for parsing hostile input.
 *
 * Every packet and stream byte in imsentry is read through a struct bcur:
 * a base pointer, a length, an offset and a sticky error flag.  Each getter
 * checks that the bytes it needs remain; on short data it returns 0 (or
 * copies nothing), sets the error flag and leaves the offset where it was.
 * Parsers therefore read a whole header and test bcur_ok() once.
 *
 * Lengths are compared, never pointers (p + n > end is undefined when it
 * overflows).  Sub-cursors narrow the view to a declared length so a parser
 * can never read past the structure it is parsing.
 */
#ifndef IMSENTRY_BYTES_H
#define IMSENTRY_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bcur {
    const uint8_t *base; /* first byte of the view; never dereferenced past len */
    size_t len;          /* bytes in the view */
    size_t off;          /* next byte to read, always <= len */
    bool err;            /* sticky: set by any short read, never cleared implicitly */
};

static inline void bcur_init(struct bcur *c, const uint8_t *base, size_t len)
{
    c->base = base;
    c->len = base ? len : 0;
    c->off = 0;
    c->err = false;
}

static inline size_t bcur_remaining(const struct bcur *c)
{
    return c->len - c->off;
}

static inline bool bcur_ok(const struct bcur *c)
{
    return !c->err;
}

static inline bool bcur_has(const struct bcur *c, size_t n)
{
    return n <= c->len - c->off;
}

/* Marks a short read; returns false so callers can write `if (!bcur_need(c, n))`. */
static inline bool bcur_need(struct bcur *c, size_t n)
{
    if (n <= c->len - c->off)
        return true;
    c->err = true;
    return false;
}

/* Pointer to the current position; valid for bcur_remaining() bytes. */
static inline const uint8_t *bcur_ptr(const struct bcur *c)
{
    return c->base ? c->base + c->off : NULL;
}

static inline uint8_t bcur_u8(struct bcur *c)
{
    if (!bcur_need(c, 1))
        return 0;
    return c->base[c->off++];
}

static inline uint16_t bcur_be16(struct bcur *c)
{
    if (!bcur_need(c, 2))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 2;
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint16_t bcur_le16(struct bcur *c)
{
    if (!bcur_need(c, 2))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 2;
    return (uint16_t)((p[1] << 8) | p[0]);
}

static inline uint32_t bcur_be24(struct bcur *c)
{
    if (!bcur_need(c, 3))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 3;
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline uint32_t bcur_be32(struct bcur *c)
{
    if (!bcur_need(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint32_t bcur_le32(struct bcur *c)
{
    if (!bcur_need(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* Copies n bytes to dst; on short data copies nothing and sets the error flag. */
static inline bool bcur_copy(struct bcur *c, void *dst, size_t n)
{
    if (!bcur_need(c, n))
        return false;
    if (n)
        memcpy(dst, c->base + c->off, n);
    c->off += n;
    return true;
}

static inline bool bcur_skip(struct bcur *c, size_t n)
{
    if (!bcur_need(c, n))
        return false;
    c->off += n;
    return true;
}

/* Reads byte at offset `at` from the current position without consuming; 0 + error if absent. */
static inline uint8_t bcur_peek_u8(struct bcur *c, size_t at)
{
    if (at >= bcur_remaining(c)) {
        c->err = true;
        return 0;
    }
    return c->base[c->off + at];
}

static inline uint16_t bcur_peek_be16(struct bcur *c, size_t at)
{
    if (at > bcur_remaining(c) || 2 > bcur_remaining(c) - at) {
        c->err = true;
        return 0;
    }
    const uint8_t *p = c->base + c->off + at;
    return (uint16_t)((p[0] << 8) | p[1]);
}

/*
 * Cuts a sub-cursor of n bytes at the current position and advances past
 * them.  If fewer than n remain the sub-cursor gets what is there (the
 * caller decides whether truncation is fatal via *truncated), and the parent
 * is advanced to its end.
 */
static inline struct bcur bcur_sub(struct bcur *c, size_t n, bool *truncated)
{
    struct bcur s;
    size_t avail = bcur_remaining(c);
    size_t take = n <= avail ? n : avail;
    bcur_init(&s, c->base ? c->base + c->off : NULL, take);
    c->off += take;
    if (truncated)
        *truncated = take < n;
    return s;
}

/* The rest of the view as a fresh cursor; the parent is not advanced. */
static inline struct bcur bcur_rest(const struct bcur *c)
{
    struct bcur s;
    bcur_init(&s, bcur_ptr(c), bcur_remaining(c));
    return s;
}

/* Narrows the view to at most n bytes from the current position (declared length). */
static inline void bcur_limit(struct bcur *c, size_t n)
{
    if (n < bcur_remaining(c))
        c->len = c->off + n;
}

/* Finds byte `b` at or after the current position; returns its distance or -1. */
static inline long bcur_find(const struct bcur *c, uint8_t b)
{
    size_t rem = bcur_remaining(c);
    if (!rem)
        return -1;
    const uint8_t *p = memchr(c->base + c->off, b, rem);
    return p ? (long)(p - (c->base + c->off)) : -1;
}

#endif /* IMSENTRY_BYTES_H */
