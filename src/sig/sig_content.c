/*
 * sig_content.c - content patterns: Snort-style pattern text ("USER |20|",
 * "|2A 01|") and the verification of a signature's content chain with
 * Snort's offset/depth/distance/within semantics (Snort 2.9 manual,
 * "Payload Detection Rule Options"), over the stream of one direction.
 *
 * Positions are stream offsets of one direction (0 = first byte the engine
 * saw, or the first byte inside a tunnel, or of a UDP datagram).  For a
 * content c with pattern length L matching at [s, s + L):
 *   absolute (no distance/within): s >= offset; with depth, s + L <= offset + depth;
 *   relative to the previous content's match end e:
 *       s >= e + distance; with within, s + L <= e + distance + within.
 * The chain matches when every content matches with these constraints
 * (relative ones against the previous content's chosen match: the search
 * backtracks as Snort's does).
 */
#include "sig_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/err.h"

/* Value of a hex digit, or -1. */
static int sig_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sig_pattern_parse(const char *text, size_t len, uint8_t **out, uint32_t *out_len, char *err,
                      size_t errlen)
{
    uint8_t *buf;
    size_t n = 0, i = 0;

    *out = NULL;
    *out_len = 0;
    if (len == 0) {
        snprintf(err, errlen, "empty pattern");
        return -1;
    }
    buf = malloc(len); /* decoding never grows the text */
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while (i < len) {
        if (text[i] != '|') {
            buf[n++] = (uint8_t)text[i++];
            continue;
        }
        /* |hex block|: pairs of hex digits, spaces between bytes allowed */
        size_t start = i++;
        int hi = -1;

        for (;;) {
            int v;

            if (i == len) {
                snprintf(err, errlen, "unterminated |hex| block at character %zu", start + 1);
                goto out_fail;
            }
            if (text[i] == '|') {
                i++;
                break;
            }
            if (text[i] == ' ') {
                if (hi >= 0) {
                    snprintf(err, errlen, "odd number of hex digits at character %zu", i + 1);
                    goto out_fail;
                }
                i++;
                continue;
            }
            v = sig_hexval(text[i]);
            if (v < 0) {
                snprintf(err, errlen, "bad hex digit '%c' at character %zu",
                         (text[i] > 0x20 && text[i] < 0x7f) ? text[i] : '?', i + 1);
                goto out_fail;
            }
            if (hi < 0) {
                hi = v;
            } else {
                buf[n++] = (uint8_t)(hi << 4 | v);
                hi = -1;
            }
            i++;
        }
        if (hi >= 0) {
            snprintf(err, errlen, "odd number of hex digits in the |hex| block at character %zu",
                     start + 1);
            goto out_fail;
        }
        if (i == start + 2) {
            snprintf(err, errlen, "empty |hex| block at character %zu", start + 1);
            goto out_fail;
        }
    }
    if (n == 0) {
        snprintf(err, errlen, "empty pattern");
        goto out_fail;
    }
    if (n > LIM_SIG_PATTERN_MAX) {
        snprintf(err, errlen, "pattern longer than %u bytes", (unsigned)LIM_SIG_PATTERN_MAX);
        goto out_fail;
    }
    *out = buf;
    *out_len = (uint32_t)n;
    return 0;
out_fail:
    free(buf);
    return -1;
}

/* Byte at stream offset o of the view (the caller checked lo <= o < hi). */
static inline uint8_t sig_view_byte(const struct sig_view *v, uint64_t o)
{
    if (o >= v->chunk_off)
        return v->chunk[o - v->chunk_off];
    return v->hist[o & v->hmask];
}

bool sig_content_at(const struct sig_view *v, const struct sig_content *c, uint64_t s)
{
    if (s < v->lo || s + c->len > v->hi)
        return false;
    for (uint32_t i = 0; i < c->len; i++) {
        uint8_t b = sig_view_byte(v, s + i);

        if (c->nocase ? sig_fold(b) != sig_fold(c->pat[i]) : b != c->pat[i])
            return false;
    }
    return true;
}

/* Search state of one verification. */
struct sig_verify {
    const struct sig_view *v; /* bytes */
    const struct sig *s;      /* signature */
    unsigned fixed;           /* content whose match ends at v->hi */
    uint64_t *steps;          /* comparisons so far */
};

/* Window [*smin, *smax] of start offsets for content i after a previous match end prev_end. */
static bool sig_window(const struct sig_verify *sv, unsigned i, uint64_t prev_end, uint64_t *smin,
                       uint64_t *smax)
{
    const struct sig_content *c = &sv->s->contents[i];
    const struct sig_view *v = sv->v;
    int64_t lo, hi; /* start bounds, signed for negative distances */

    if (c->relative) {
        lo = (int64_t)prev_end + c->distance;
        hi = c->has_within ? lo + (int64_t)c->within - (int64_t)c->len
                           : (int64_t)v->hi - (int64_t)c->len;
    } else {
        lo = c->offset;
        hi = c->has_depth ? (int64_t)c->offset + (int64_t)c->depth - (int64_t)c->len
                          : (int64_t)v->hi - (int64_t)c->len;
    }
    if (lo < (int64_t)v->lo)
        lo = (int64_t)v->lo;
    if (hi > (int64_t)v->hi - (int64_t)c->len)
        hi = (int64_t)v->hi - (int64_t)c->len;
    if (i == sv->fixed) { /* this content's match ends exactly at the match point */
        int64_t at = (int64_t)v->hi - (int64_t)c->len;

        if (at < lo || at > hi)
            return false;
        lo = hi = at;
    }
    if (hi < lo)
        return false;
    *smin = (uint64_t)lo;
    *smax = (uint64_t)hi;
    return true;
}

/* Depth-first search: can contents i.. match after a previous match ending at prev_end? */
static bool sig_verify_from(struct sig_verify *sv, unsigned i, uint64_t prev_end)
{
    uint64_t smin, smax;

    if (i == sv->s->n_contents)
        return true;
    if (!sig_window(sv, i, prev_end, &smin, &smax))
        return false;
    for (uint64_t s = smin; s <= smax; s++) {
        if (++*sv->steps > LIM_SIG_VERIFY_STEPS)
            return false;
        if (sig_content_at(sv->v, &sv->s->contents[i], s) &&
            sig_verify_from(sv, i + 1, s + sv->s->contents[i].len))
            return true;
        if (*sv->steps > LIM_SIG_VERIFY_STEPS)
            return false;
    }
    return false;
}

bool sig_contents_verify(const struct sig_view *v, const struct sig *s, unsigned j, uint64_t *steps)
{
    struct sig_verify sv = {v, s, j, steps};

    return sig_verify_from(&sv, 0, 0);
}
