/*
 * bench_gen.h - pieces shared by the benchmark capture generator's two files: the PRNGs,
 * big-endian writers and the application payload builders (bench_gen_payload.c).
 *
 * Benchmark tooling only: nothing in imsentry includes this.
 */
#ifndef IMSENTRY_BENCH_GEN_H
#define IMSENTRY_BENCH_GEN_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_PREFIX_MAX 1536u     /* largest structured message prefix */
#define GEN_DNS_MAX 512u         /* largest DNS message gen_dns_msg() writes */
#define GEN_BASE_SEC 1018958400u /* packet time zero: 2002-04-16 12:00:00 UTC */
#define GEN_COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/* What a flow carries. */
enum gen_kind {
    KIND_HTTP,     /* TCP 80, HTTP/1.1 keep-alive */
    KIND_TLS,      /* TCP 443, TLS application-data records */
    KIND_OSCAR,    /* TCP 5190, AIM/ICQ FLAP + SNAC */
    KIND_MSN,      /* TCP 1863, MSNP8 notification server */
    KIND_YMSG,     /* TCP 5050, Yahoo! Messenger */
    KIND_GNUTELLA, /* TCP 6346, Gnutella 0.6 */
    KIND_RAW_TCP,  /* TCP high port, random bytes */
    KIND_DNS,      /* UDP 53 queries and answers */
    KIND_NTP,      /* UDP 123 client/server */
    KIND_RTP,      /* UDP high port, 20 ms voice frames */
    KIND_RAW_UDP   /* UDP high port, random sizes and bytes */
};

/* How message bytes after the structured prefix are made. */
enum gen_style {
    STYLE_TEXT,   /* English/HTML-like text */
    STYLE_RANDOM, /* uniformly random bytes */
    STYLE_TLS     /* TLS application-data records of random bytes */
};

/* ---- PRNG: splitmix64 for seeding, xorshift64* for streams --------------------------- */

static inline uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rng_seed(uint64_t a, uint64_t b)
{
    uint64_t s = a ^ (b * 0xd1b54a32d192ed03ULL);
    uint64_t r = splitmix64(&s);

    return r != 0 ? r : 1;
}

static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(((rng_next(s) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [0, 1). */
static inline double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * 0x1p-53;
}

/* Exponential with the given mean, capped at cap. */
static inline uint32_t rng_exp(uint64_t *s, double mean, uint32_t cap)
{
    double v = -mean * log(1.0 - rng_unit(s));

    return v >= (double)cap ? cap : (uint32_t)v;
}

/* ---- byte writers -------------------------------------------------------------------- */

static inline void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Copies n bytes of the sample English/HTML text starting at position pos (wrapping). */
void gen_text_fill(uint8_t *out, size_t n, uint64_t pos);

/* Fills n bytes with random bytes from the xorshift64* state rng. */
void gen_random_fill(uint64_t *rng, uint8_t *out, size_t n);

/*
 * Builds the structured prefix of message (exch, dir) of a flow of the given kind and seed
 * into buf (GEN_PREFIX_MAX bytes) and returns its length; sets *style for the bytes that
 * follow.  Deterministic, so it can be rebuilt for every segment that overlaps it.
 */
size_t gen_msg_prefix(uint32_t kind, uint64_t seed, uint32_t dir, uint32_t exch,
                      uint32_t body_len, uint8_t *buf, uint8_t *style);

/* A DNS query (dir 0) or its answer (dir 1) for exchange exch; out holds GEN_DNS_MAX bytes. */
size_t gen_dns_msg(uint64_t seed, uint32_t dir, uint32_t exch, uint8_t *out);

#endif
