/*
 * check_defrag.c - unit tests for the IPv4/IPv6 defragmenter
 * (src/decode/decode_defrag.c; RFC 791, RFC 815, RFC 8200 s4.5, RFC 6946).
 *
 * Fragments are built here byte by byte: a 20-byte IPv4 header (or a 40-byte
 * IPv6 header, optionally a Hop-by-Hop header, and the 8-byte Fragment
 * header) followed by payload.  Payloads are patterns or letters so the
 * reassembled bytes show which fragment each byte came from.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/config.h"
#include "imsentry/decode.h"
#include "imsentry/defrag.h"
#include "imsentry/err.h"
#include "imsentry/stats.h"

#define MAXPKT 70000

/* A test fixture: config, counters, defragmenter, packet. */
struct fx {
    struct config cfg;
    struct stats st;
    struct defrag *df;
    struct packet pkt;
};

static void fx_init(struct fx *f, enum overlap_policy pol)
{
    memset(f, 0, sizeof(*f));
    f->cfg.defrag_memcap = 1024 * 1024;
    f->cfg.defrag_max_trackers = 64;
    f->cfg.defrag_max_frags = 256;
    f->cfg.defrag_timeout = 60;
    f->cfg.default_policy = pol;
}

static void fx_start(struct fx *f)
{
    f->df = defrag_new(&f->cfg, &f->st);
    ck_assert_ptr_nonnull(f->df);
}

static void fx_fini(struct fx *f)
{
    defrag_free(f->df);
    f->df = NULL;
}

static bool pkt_has(const struct packet *pkt, enum stat_id id)
{
    for (unsigned i = 0; i < pkt->n_anomalies; i++)
        if (pkt->anomalies[i] == id)
            return true;
    return false;
}

/* RFC 1071 checksum, to verify the reassembled IPv4 header. */
static uint16_t csum(const uint8_t *b, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        s += (uint32_t)b[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/*
 * IPv4 fragment: 45 00 LLLL IIII FFFF 40 PP CCCC 0a000001 0a000002 | payload
 * (version 4, IHL 5, total length, id, MF|offset/8, TTL 64, protocol,
 * checksum, 10.0.0.1 -> 10.0.0.2).
 */
static size_t build4(uint8_t *buf, uint16_t id, uint32_t off, bool mf, const uint8_t *pl,
                     size_t plen, uint8_t proto)
{
    size_t len = 20 + plen;
    uint16_t fo = (uint16_t)((off / 8) | (mf ? 0x2000 : 0));
    memset(buf, 0, 20);
    buf[0] = 0x45;
    buf[2] = (uint8_t)(len >> 8);
    buf[3] = (uint8_t)len;
    buf[4] = (uint8_t)(id >> 8);
    buf[5] = (uint8_t)id;
    buf[6] = (uint8_t)(fo >> 8);
    buf[7] = (uint8_t)fo;
    buf[8] = 64;
    buf[9] = proto;
    buf[12] = 10, buf[15] = 1;
    buf[16] = 10, buf[19] = 2;
    uint16_t c = csum(buf, 20);
    buf[10] = (uint8_t)(c >> 8);
    buf[11] = (uint8_t)c;
    if (plen)
        memcpy(buf + 20, pl, plen);
    return len;
}

/*
 * IPv6 fragment: 60000000 LLLL NH 40 | src 2001:db8::1 | dst 2001:db8::2
 * [| Hop-by-Hop: 2c 00 01 04 00 00 00 00 (next = Fragment, PadN)]
 * | Fragment: 11 00 OOOM IIIIIIII (next = UDP, offset/8 + M, id) | payload.
 * *frag_off receives the Fragment header's offset.
 */
static size_t build6(uint8_t *buf, uint32_t id, uint32_t off, bool mf, const uint8_t *pl,
                     size_t plen, bool hbh, size_t *frag_off)
{
    size_t fo = hbh ? 48 : 40;
    size_t len = fo + 8 + plen;
    size_t plen6 = len - 40;
    memset(buf, 0, fo + 8);
    buf[0] = 0x60;
    buf[4] = (uint8_t)(plen6 >> 8);
    buf[5] = (uint8_t)plen6;
    buf[6] = hbh ? 0 : 44;
    buf[7] = 64;
    buf[8] = 0x20, buf[9] = 0x01, buf[10] = 0x0d, buf[11] = 0xb8, buf[23] = 1;
    buf[24] = 0x20, buf[25] = 0x01, buf[26] = 0x0d, buf[27] = 0xb8, buf[39] = 2;
    if (hbh) {
        buf[40] = 44; /* next: Fragment */
        buf[41] = 0;  /* 8 bytes */
        buf[42] = 1;  /* PadN, 4 bytes of padding */
        buf[43] = 4;
    }
    uint16_t offlg = (uint16_t)(off | (mf ? 1 : 0));
    buf[fo] = 17;
    buf[fo + 2] = (uint8_t)(offlg >> 8);
    buf[fo + 3] = (uint8_t)offlg;
    buf[fo + 4] = (uint8_t)(id >> 24);
    buf[fo + 5] = (uint8_t)(id >> 16);
    buf[fo + 6] = (uint8_t)(id >> 8);
    buf[fo + 7] = (uint8_t)id;
    if (plen)
        memcpy(buf + fo + 8, pl, plen);
    *frag_off = fo;
    return len;
}

/* A fragment description: offset, length, MF, payload source. */
struct frag {
    uint32_t off;       /* byte offset */
    uint32_t len;       /* payload bytes */
    bool mf;            /* more fragments */
    const uint8_t *src; /* payload bytes */
};

static int feed(struct fx *f, int family, uint32_t id, const struct frag *fr, bool hbh,
                const uint8_t **out, size_t *out_len)
{
    static uint8_t buf[MAXPKT];
    size_t fo;
    f->pkt.n_anomalies = 0;
    if (family == 4) {
        size_t n = build4(buf, (uint16_t)id, fr->off, fr->mf, fr->src, fr->len, 17);
        return defrag_ipv4(f->df, &f->pkt, buf, n, out, out_len);
    }
    size_t n = build6(buf, id, fr->off, fr->mf, fr->src, fr->len, hbh, &fo);
    return defrag_ipv6(f->df, &f->pkt, buf, n, fo, fo, out, out_len);
}

/* Deterministic xorshift32 for permutations. */
static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed);
}

/* Checks a reassembled datagram: header fields and the payload. */
static void check_result(int family, const uint8_t *out, size_t out_len, const uint8_t *payload,
                         size_t plen, bool hbh)
{
    if (family == 4) {
        ck_assert_uint_eq(out_len, 20 + plen);
        ck_assert_uint_eq((size_t)(out[2] << 8 | out[3]), 20 + plen); /* total length */
        ck_assert_uint_eq(out[6] & 0x3f, 0);                          /* MF, offset cleared */
        ck_assert_uint_eq(out[7], 0);
        ck_assert_uint_eq(csum(out, 20), 0); /* header checksum verifies */
        ck_assert_uint_eq(out[9], 17);
        ck_assert_mem_eq(out + 20, payload, plen);
    } else {
        size_t h = hbh ? 48 : 40;
        ck_assert_uint_eq(out_len, h + plen);
        ck_assert_uint_eq((size_t)(out[4] << 8 | out[5]), h - 40 + plen); /* payload length */
        if (hbh) {
            ck_assert_uint_eq(out[6], 0);   /* IPv6 header still names Hop-by-Hop */
            ck_assert_uint_eq(out[40], 17); /* Hop-by-Hop now names UDP, not Fragment */
        } else {
            ck_assert_uint_eq(out[6], 17); /* IPv6 header names UDP */
        }
        ck_assert_mem_eq(out + h, payload, plen);
    }
}

/* Splits plen bytes into fragments of `step` bytes (multiple of 8). */
static size_t split(struct frag *fr, const uint8_t *payload, size_t plen, size_t step)
{
    size_t n = 0;
    for (size_t off = 0; off < plen; off += step) {
        size_t l = plen - off < step ? plen - off : step;
        fr[n++] = (struct frag){(uint32_t)off, (uint32_t)l, off + l < plen, payload + off};
    }
    return n;
}

/* ---- ordering ---- */

static void run_order(int family, bool reverse, bool hbh)
{
    struct fx f;
    uint8_t payload[100];
    struct frag fr[16];
    const uint8_t *out = NULL;
    size_t out_len = 0;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 3);
    size_t n = split(fr, payload, sizeof(payload), 24); /* 24,24,24,24,4 */
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < n; i++) {
        size_t k = reverse ? n - 1 - i : i;
        int rc = feed(&f, family, 77, &fr[k], hbh, &out, &out_len);
        ck_assert_int_eq(rc, i + 1 == n ? 1 : 0);
        if (i + 1 < n)
            ck_assert_uint_gt(defrag_memuse(f.df), 0);
    }
    check_result(family, out, out_len, payload, sizeof(payload), hbh);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MEMUSE], 0);
    ck_assert_uint_eq(f.st.v[family == 4 ? STAT_DEFRAG_IPV4_FRAGMENTS : STAT_DEFRAG_IPV6_FRAGMENTS],
                      5);
    ck_assert_uint_eq(
        f.st.v[family == 4 ? STAT_DEFRAG_IPV4_REASSEMBLED : STAT_DEFRAG_IPV6_REASSEMBLED], 1);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP], 0);
    fx_fini(&f);
}

START_TEST(test_v4_in_order)
{
    run_order(4, false, false);
}
END_TEST

START_TEST(test_v4_reverse)
{
    /* The last fragment arrives first. */
    run_order(4, true, false);
}
END_TEST

START_TEST(test_v6_in_order)
{
    run_order(6, false, false);
}
END_TEST

START_TEST(test_v6_reverse)
{
    run_order(6, true, false);
}
END_TEST

START_TEST(test_v6_hbh_before_fragment)
{
    /* Hop-by-Hop precedes the Fragment header: its next-header byte is patched. */
    run_order(6, false, true);
    run_order(6, true, true);
}
END_TEST

/* Random permutations with duplicates: the same datagram comes out every time. */
static void run_random(int family, bool hbh)
{
    uint32_t seed = 0x1234567u;
    uint8_t payload[1000];
    struct frag fr[200];
    const uint8_t *out = NULL;
    size_t out_len = 0;

    for (int iter = 0; iter < 60; iter++) {
        struct fx f;
        fx_init(&f, (enum overlap_policy)(iter % 6));
        fx_start(&f);
        size_t plen = 16 + rnd(&seed) % (sizeof(payload) - 16);
        fill_pattern(payload, plen, (uint32_t)iter);
        size_t step = 8 * (1 + rnd(&seed) % 20);
        if (step >= plen) /* at least two fragments */
            step = (plen - 1) / 8 * 8;
        size_t n = split(fr, payload, plen, step);
        /* Duplicate some fragments (identical data), then shuffle; idx[] names the original. */
        size_t idx[200];
        size_t ndup = rnd(&seed) % 4;
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        for (size_t d = 0; d < ndup; d++) {
            idx[n + d] = rnd(&seed) % n;
            fr[n + d] = fr[idx[n + d]];
        }
        size_t total = n + ndup;
        for (size_t i = total - 1; i > 0; i--) {
            size_t j = rnd(&seed) % (i + 1);
            struct frag tmp = fr[i];
            size_t ti = idx[i];
            fr[i] = fr[j];
            idx[i] = idx[j];
            fr[j] = tmp;
            idx[j] = ti;
        }
        /* The datagram completes exactly when its last missing fragment arrives. */
        bool seen[200] = {false};
        size_t nseen = 0;
        bool completed = false;
        for (size_t i = 0; i < total; i++) {
            int rc = feed(&f, family, 1000 + (uint32_t)iter, &fr[i], hbh, &out, &out_len);
            ck_assert_int_ge(rc, 0);
            if (!seen[idx[i]]) {
                seen[idx[i]] = true;
                nseen++;
            }
            if (!completed) {
                ck_assert_int_eq(rc, nseen == n ? 1 : 0);
                completed = rc == 1;
                if (completed)
                    ck_assert_uint_eq(defrag_memuse(f.df), 0);
            }
            /* A duplicate after completion starts over; any later completion is identical. */
            if (rc == 1)
                check_result(family, out, out_len, payload, plen, hbh);
        }
        ck_assert(completed);
        ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP_DIFF_DATA], 0);
        fx_fini(&f);
    }
}

START_TEST(test_v4_random_dups)
{
    run_random(4, false);
}
END_TEST

START_TEST(test_v6_random_dups)
{
    run_random(6, true);
}
END_TEST

START_TEST(test_duplicates_counted)
{
    /* Two fragments, the first sent twice before the last: one overlap, same data. */
    struct fx f;
    uint8_t payload[32];
    struct frag fr[2];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_LINUX);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 9);
    split(fr, payload, sizeof(payload), 16);
    ck_assert_int_eq(feed(&f, 4, 5, &fr[0], false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 5, &fr[0], false, &out, &out_len), 0);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_OVERLAP));
    ck_assert_int_eq(feed(&f, 4, 5, &fr[1], false, &out, &out_len), 1);
    check_result(4, out, out_len, payload, sizeof(payload), false);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP], 1);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP_DIFF_DATA], 0);
    ck_assert_uint_eq(f.st.v[STAT_ANOM_IPV4_FRAG_OVERLAP], 1);
    fx_fini(&f);
}
END_TEST

/* ---- overlap policies ---- */

/*
 * The Sturges/Novak pattern ("Target-Based Fragmentation Reassembly"; the
 * same fragments as Suricata's DefragDoSturgesNovakTest).  Offsets in bytes,
 * each letter 8 bytes of that letter; 24 blocks, 192 bytes in all:
 *
 *   block:  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
 *   orig:   A  A  A  .  B  B  C  C  C  .  D  .  .  E  E  F  F  F  G  G  H  H  I  .
 *   later:  .  J  J  J  J  .  K  K  K  L  L  L  M  M  M  .  N  .  .  O  P  .  Q  Q
 *
 * Sent in this order: A(0,24) B(32,16) C(48,24) D(80,8) E(104,16) F(120,24)
 * G(144,16) H(160,16) I(176,8), then J(8,32) K(48,24) L(72,24) M(96,24)
 * N(128,8) O(152,8) P(160,8), and last Q(176,16, MF=0).
 */
static const struct {
    char letter;
    uint32_t off;
    uint32_t len;
} novak[17] = {
    {'A', 0, 24},   {'B', 32, 16},  {'C', 48, 24}, {'D', 80, 8},  {'E', 104, 16}, {'F', 120, 24},
    {'G', 144, 16}, {'H', 160, 16}, {'I', 176, 8}, {'J', 8, 32},  {'K', 48, 24},  {'L', 72, 24},
    {'M', 96, 24},  {'N', 128, 8},  {'O', 152, 8}, {'P', 160, 8}, {'Q', 176, 16},
};

/*
 * Expected reassembly per policy, one letter per 8-byte block.  Derived from
 * the rules in decode_defrag.c and equal to Suricata's expected results:
 *  - first: every original stays; J, K, L, M, N, O, P, Q only fill holes
 *    (blocks 3, 9, 11, 12, 23), so D survives at block 10.
 *  - last: every later fragment wins: J over A (1-2) and B (4), K over C,
 *    L over D, M over E, N over F (16), O over G (19), P over H (20), Q over I.
 *  - bsd: a later fragment wins only where it starts before the original:
 *    J(8) beats B(32) but not A(0); K(48) vs C(48) same start: C stays;
 *    L(72) beats D(80); M(96) beats E(104); N, O, P, Q start at or after.
 *  - linux: like bsd, plus same-start wins: K replaces C, P replaces H at
 *    block 20 (H keeps 21), Q replaces I.
 *  - windows: a later fragment wins only over an original it strictly
 *    encloses: L(72..96) encloses D(80..88); J ends inside B; M(96..120)
 *    ends where E ends, so E stays.
 *  - solaris: like windows, but reaching the original's end suffices: M
 *    replaces E as well.
 */
static const char *const novak_expected[6] = {
    [OVERLAP_FIRST] = "AAAJBBCCCLDLMEEFFFGGHHIQ",   [OVERLAP_LAST] = "AJJJJBKKKLLLMMMFNFGOPHQQ",
    [OVERLAP_BSD] = "AAAJJBCCCLLLMMMFFFGGHHIQ",     [OVERLAP_LINUX] = "AAAJJBKKKLLLMMMFFFGGPHQQ",
    [OVERLAP_WINDOWS] = "AAAJBBCCCLLLMEEFFFGGHHIQ", [OVERLAP_SOLARIS] = "AAAJBBCCCLLLMMMFFFGGHHIQ",
};

static void run_novak(int family, enum overlap_policy pol)
{
    struct fx f;
    uint8_t data[17][32];
    uint8_t expect[192];
    const uint8_t *out = NULL;
    size_t out_len = 0;

    fx_init(&f, pol);
    fx_start(&f);
    for (int i = 0; i < 17; i++) {
        memset(data[i], novak[i].letter, sizeof(data[i]));
        struct frag fr = {novak[i].off, novak[i].len, i != 16, data[i]};
        int rc = feed(&f, family, 1, &fr, false, &out, &out_len);
        ck_assert_int_eq(rc, i == 16 ? 1 : 0);
        enum stat_id ov = family == 4 ? STAT_ANOM_IPV4_FRAG_OVERLAP : STAT_ANOM_IPV6_FRAG_OVERLAP;
        if (i < 9) /* the originals do not overlap each other */
            ck_assert(!pkt_has(&f.pkt, ov));
        else if (i < 16) /* each later fragment overlaps an original */
            ck_assert(pkt_has(&f.pkt, ov));
    }
    for (int b = 0; b < 24; b++)
        memset(expect + 8 * b, novak_expected[pol][b], 8);
    check_result(family, out, out_len, expect, sizeof(expect), false);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP], 8);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP_DIFF_DATA], 8);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}

START_TEST(test_novak_v4)
{
    run_novak(4, (enum overlap_policy)_i);
}
END_TEST

START_TEST(test_novak_v6)
{
    run_novak(6, (enum overlap_policy)_i);
}
END_TEST

/*
 * Two-fragment overlaps, per policy: an original X then a later Y, then the
 * rest of the datagram (Z) to complete it.  Expected letters per 8 bytes.
 */
struct two_case {
    uint32_t xoff, xlen, yoff, ylen; /* X then Y */
    const char *expect[6];           /* per policy, over [0, 24) */
};

static const struct two_case two_cases[] = {
    /* Y encloses X strictly: X(8,8) Y(0,24); every policy but first takes Y. */
    {8, 8, 0, 24, {"YXY", "YYY", "YYY", "YYY", "YYY", "YYY"}},
    /* Same bounds, different data: X(0,16) Y(0,16); Z(16,8) completes. */
    {0, 16, 0, 16, {"XXZ", "YYZ", "XXZ", "YYZ", "XXZ", "XXZ"}},
    /* Y starts before X and ends at X's end: X(8,16) Y(0,24). */
    {8, 16, 0, 24, {"YXX", "YYY", "YYY", "YYY", "YXX", "YYY"}},
    /* Y starts inside X and runs past it: X(0,16) Y(8,16). */
    {0, 16, 8, 16, {"XXY", "XYY", "XXY", "XXY", "XXY", "XXY"}},
    /* Y strictly inside X: X(0,24) Y(8,8): only last lets it in (splits X). */
    {0, 24, 8, 8, {"XXX", "XYX", "XXX", "XXX", "XXX", "XXX"}},
};

START_TEST(test_two_fragment_overlaps)
{
    for (size_t c = 0; c < sizeof(two_cases) / sizeof(two_cases[0]); c++) {
        for (int pol = 0; pol < 6; pol++) {
            const struct two_case *tc = &two_cases[c];
            struct fx f;
            uint8_t x[24], y[24], z[24], expect[24];
            const uint8_t *out = NULL;
            size_t out_len = 0;
            memset(x, 'X', sizeof(x));
            memset(y, 'Y', sizeof(y));
            memset(z, 'Z', sizeof(z));
            fx_init(&f, (enum overlap_policy)pol);
            fx_start(&f);
            struct frag fx_ = {tc->xoff, tc->xlen, true, x};
            struct frag fy = {tc->yoff, tc->ylen, true, y};
            ck_assert_int_eq(feed(&f, 4, 9, &fx_, false, &out, &out_len), 0);
            ck_assert_int_eq(feed(&f, 4, 9, &fy, false, &out, &out_len), 0);
            ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_OVERLAP));
            /* Z fills the blocks neither holds; a zero-length last fragment ends it at 24. */
            uint32_t xe = tc->xoff + tc->xlen, ye = tc->yoff + tc->ylen;
            for (uint32_t off = 0; off < 24; off += 8) {
                struct frag fz = {off, 8, true, z};
                bool held = (off >= tc->xoff && off < xe) || (off >= tc->yoff && off < ye);
                if (!held)
                    ck_assert_int_eq(feed(&f, 4, 9, &fz, false, &out, &out_len), 0);
            }
            struct frag fe = {24, 0, false, z};
            int rc = feed(&f, 4, 9, &fe, false, &out, &out_len);
            ck_assert_int_eq(rc, 1);
            for (int b = 0; b < 3; b++)
                memset(expect + 8 * b, tc->expect[pol][b], 8);
            check_result(4, out, out_len, expect, sizeof(expect), false);
            ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP_DIFF_DATA], 1);
            ck_assert_uint_eq(defrag_memuse(f.df), 0);
            fx_fini(&f);
        }
    }
}
END_TEST

/* feed() to another destination: 10.0.0.1 -> 10.0.0.dst, or 10.9.9.9 when dst is 0. */
static int feed4_to(struct fx *f, uint8_t dst, uint32_t off, bool mf, const uint8_t *pl,
                    size_t plen, const uint8_t **out, size_t *out_len)
{
    static uint8_t buf[64];
    size_t n = build4(buf, 5, off, mf, pl, plen, 17);

    if (dst) {
        buf[19] = dst;
    } else {
        buf[17] = 9, buf[18] = 9, buf[19] = 9;
    }
    buf[10] = buf[11] = 0;
    uint16_t c = csum(buf, 20);
    buf[10] = (uint8_t)(c >> 8);
    buf[11] = (uint8_t)c;
    f->pkt.n_anomalies = 0;
    return defrag_ipv4(f->df, &f->pkt, buf, n, out, out_len);
}

/*
 * host-os-policy: the policy is the destination's.  Three datagrams with
 * the same id and source go to 10.0.0.2 (listed under first as a /32 inside
 * a /24 listed under last), 10.0.0.3 (the /24: last) and 10.9.9.9 (no
 * entry: the default, bsd).  Each gets X = bytes 0-15, then Y = bytes 0-23,
 * then an empty last fragment at 24.  Y starts where X does and ends after
 * it: first and bsd keep X for 0-15 (XXY), last takes Y everywhere (YYY).
 */
START_TEST(test_policy_per_destination)
{
    static const struct {
        uint8_t dst;        /* last byte of 10.0.0.x, or 0 for 10.9.9.9 */
        const char *expect; /* 8-byte blocks of the result */
    } dests[] = {{2, "XXY"}, {3, "YYY"}, {0, "XXY"}};
    struct fx f;
    uint8_t x[16], y[24], expect[24];
    const uint8_t *out = NULL;
    size_t out_len = 0, peak = 0;

    fx_init(&f, OVERLAP_BSD);
    ck_assert_int_eq(cidr_parse("10.0.0.0/24", &f.cfg.host_policies[0].net), 0);
    f.cfg.host_policies[0].policy = OVERLAP_LAST;
    ck_assert_int_eq(cidr_parse("10.0.0.2/32", &f.cfg.host_policies[1].net), 0);
    f.cfg.host_policies[1].policy = OVERLAP_FIRST;
    f.cfg.n_host_policies = 2;
    fx_start(&f);
    memset(x, 'X', sizeof(x));
    memset(y, 'Y', sizeof(y));
    /* Interleaved across destinations, so the three trackers coexist. */
    for (size_t d = 0; d < 3; d++)
        ck_assert_int_eq(feed4_to(&f, dests[d].dst, 0, true, x, sizeof(x), &out, &out_len), 0);
    for (size_t d = 0; d < 3; d++) {
        ck_assert_int_eq(feed4_to(&f, dests[d].dst, 0, true, y, sizeof(y), &out, &out_len), 0);
        ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_OVERLAP));
    }
    peak = defrag_memuse(f.df);
    for (size_t d = 0; d < 3; d++) {
        ck_assert_int_eq(feed4_to(&f, dests[d].dst, 24, false, y, 0, &out, &out_len), 1);
        for (int b = 0; b < 3; b++)
            memset(expect + 8 * b, dests[d].expect[b], 8);
        check_result(4, out, out_len, expect, sizeof(expect), false);
        ck_assert_uint_eq(out[19], dests[d].dst ? dests[d].dst : 9); /* that host's datagram */
    }
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_IPV4_REASSEMBLED], 3);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP_DIFF_DATA], 3);
    /* The high-water mark keeps the peak once everything is released. */
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MEMUSE], 0);
    ck_assert_uint_gt(peak, 0);
    ck_assert_uint_ge(f.st.v[STAT_DEFRAG_MEMUSE_MAX], peak);
    fx_fini(&f);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_memcap)
{
    /* 8 KiB memcap, datagrams parked with one 1000-byte fragment each. */
    struct fx f;
    uint8_t payload[1000];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    f.cfg.defrag_memcap = 8192;
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 1);
    for (uint32_t id = 0; id < 20; id++) {
        struct frag fr = {0, 1000, true, payload};
        ck_assert_int_eq(feed(&f, 4, id, &fr, false, &out, &out_len), 0);
        ck_assert_uint_le(defrag_memuse(f.df), 8192);
    }
    ck_assert_uint_gt(f.st.v[STAT_DEFRAG_MEMCAP_EXCEPTION], 0);
    ck_assert_uint_gt(f.st.v[STAT_DEFRAG_TRACKER_HARD_REUSE], 0);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MAX_TRACKERS_REACHED], 0);
    /* The newest datagram survived the evictions and completes. */
    struct frag last = {1000, 8, false, payload};
    ck_assert_int_eq(feed(&f, 4, 19, &last, false, &out, &out_len), 1);
    ck_assert_uint_eq(out_len, 20 + 1008);
    /* The oldest was evicted: its last fragment opens a new, incomplete tracker. */
    ck_assert_int_eq(feed(&f, 4, 0, &last, false, &out, &out_len), 0);

    /* A fragment larger than the whole memcap is dropped and counted. */
    static uint8_t big[9000];
    struct frag huge = {0, 9000, true, big};
    uint64_t before = f.st.v[STAT_DEFRAG_MEMCAP_EXCEPTION];
    ck_assert_int_lt(feed(&f, 4, 500, &huge, false, &out, &out_len), 0);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_IGNORED));
    ck_assert_uint_gt(f.st.v[STAT_DEFRAG_MEMCAP_EXCEPTION], before);
    ck_assert_uint_le(defrag_memuse(f.df), 8192);
    fx_fini(&f);
}
END_TEST

START_TEST(test_max_trackers)
{
    struct fx f;
    uint8_t payload[16];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    f.cfg.defrag_max_trackers = 4;
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 2);
    struct frag first = {0, 8, true, payload};
    struct frag last = {8, 8, false, payload + 8};
    for (uint32_t id = 1; id <= 6; id++) {
        f.pkt.ts_us = id * 1000;
        ck_assert_int_eq(feed(&f, 6, id, &first, false, &out, &out_len), 0);
    }
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MAX_TRACKERS_REACHED], 2);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_TRACKER_HARD_REUSE], 2);
    /* ids 1 and 2 (the oldest) were evicted; 3..6 complete. */
    for (uint32_t id = 3; id <= 6; id++) {
        ck_assert_int_eq(feed(&f, 6, id, &last, false, &out, &out_len), 1);
        check_result(6, out, out_len, payload, sizeof(payload), false);
    }
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    ck_assert_int_eq(feed(&f, 6, 1, &last, false, &out, &out_len), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_max_frags)
{
    struct fx f;
    uint8_t payload[40];
    struct frag fr[5];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    f.cfg.defrag_max_frags = 3;
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 4);
    ck_assert_uint_eq(split(fr, payload, sizeof(payload), 8), 5);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(feed(&f, 4, 3, &fr[i], false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 3, &fr[3], false, &out, &out_len), IMS_ELIMIT);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_IGNORED));
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MAX_FRAGS_REACHED], 1);
    ck_assert_int_eq(feed(&f, 4, 3, &fr[4], false, &out, &out_len), IMS_ELIMIT);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MAX_FRAGS_REACHED], 2);
    ck_assert_uint_gt(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_timeout)
{
    struct fx f;
    uint8_t payload[16];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    f.cfg.defrag_timeout = 60;
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 5);
    struct frag first = {0, 8, true, payload};
    struct frag last = {8, 8, false, payload + 8};

    /* defrag_timeout(): idle 60 s is still alive, past it expires. */
    f.pkt.ts_us = 1000000;
    ck_assert_int_eq(feed(&f, 4, 1, &first, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 6, 1, &first, false, &out, &out_len), 0);
    defrag_timeout(f.df, 61000000);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_IPV4_TIMEOUTS], 0);
    ck_assert_uint_gt(defrag_memuse(f.df), 0);
    defrag_timeout(f.df, 61000001);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_IPV4_TIMEOUTS], 1);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_IPV6_TIMEOUTS], 1);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_MEMUSE], 0);

    /* Lazily on lookup: the last fragment 100 s later does not complete the stale one. */
    f.pkt.ts_us = 200000000;
    ck_assert_int_eq(feed(&f, 4, 2, &first, false, &out, &out_len), 0);
    f.pkt.ts_us = 300000000;
    ck_assert_int_eq(feed(&f, 4, 2, &last, false, &out, &out_len), 0);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_IPV4_TIMEOUTS], 2);
    /* A fresh first fragment within the timeout completes it. */
    f.pkt.ts_us = 310000000;
    ck_assert_int_eq(feed(&f, 4, 2, &first, false, &out, &out_len), 1);
    check_result(4, out, out_len, payload, sizeof(payload), false);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

/* ---- malformed and evasive fragments ---- */

START_TEST(test_too_large)
{
    struct fx f;
    uint8_t payload[16] = {0};
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    /* IPv4: offset 65512 + 16 bytes + 20-byte header = 65548 > 65535. */
    struct frag fr = {65512, 16, false, payload};
    ck_assert_int_eq(feed(&f, 4, 1, &fr, false, &out, &out_len), IMS_ELIMIT);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_PKT_TOO_LARGE));
    /* IPv6: offset 65528 + 16 bytes of payload > 65535. */
    struct frag fr6 = {65528, 16, false, payload};
    ck_assert_int_eq(feed(&f, 6, 1, &fr6, false, &out, &out_len), IMS_ELIMIT);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV6_FRAG_PKT_TOO_LARGE));
    /* IPv6: 65520 + 8 = 65528 bytes of payload fit; behind an 8-byte Hop-by-Hop, 65536 do not. */
    struct frag fits = {65520, 8, false, payload};
    ck_assert_int_eq(feed(&f, 6, 2, &fits, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 6, 3, &fits, true, &out, &out_len), IMS_ELIMIT);
    ck_assert_uint_eq(f.st.v[STAT_ANOM_IPV6_FRAG_PKT_TOO_LARGE], 2);
    fx_fini(&f);
}
END_TEST

START_TEST(test_invalid_length)
{
    struct fx f;
    uint8_t payload[10] = {0};
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    /* MF set and 10 bytes: not a multiple of 8. */
    struct frag fr = {0, 10, true, payload};
    ck_assert_int_eq(feed(&f, 4, 1, &fr, false, &out, &out_len), IMS_EPARSE);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_INVALID_LENGTH));
    ck_assert_int_eq(feed(&f, 6, 1, &fr, false, &out, &out_len), IMS_EPARSE);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV6_FRAG_INVALID_LENGTH));
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    /* The last fragment may have any length. */
    struct frag last = {8, 10, false, payload};
    ck_assert_int_eq(feed(&f, 4, 1, &last, false, &out, &out_len), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_zero_length)
{
    /* Zero-length fragments (first, middle, and a zero-length last) are harmless. */
    struct fx f;
    uint8_t payload[16];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 6);
    struct frag z0 = {0, 0, true, payload};
    struct frag a = {0, 8, true, payload};
    struct frag zm = {8, 0, true, payload};
    struct frag b = {8, 8, true, payload + 8};
    struct frag zl = {16, 0, false, payload};
    ck_assert_int_eq(feed(&f, 4, 1, &z0, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 1, &zm, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 1, &b, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 1, &zl, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 1, &a, false, &out, &out_len), 1);
    check_result(4, out, out_len, payload, sizeof(payload), false);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP], 0);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_zero_length_inside)
{
    /* A zero-length fragment inside held data neither overlaps nor splits it. */
    struct fx f;
    uint8_t payload[24];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_LAST);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 11);
    struct frag a = {0, 16, true, payload};
    struct frag z = {8, 0, true, payload};
    struct frag b = {16, 8, false, payload + 16};
    ck_assert_int_eq(feed(&f, 6, 1, &a, false, &out, &out_len), 0);
    size_t held = defrag_memuse(f.df);
    ck_assert_int_eq(feed(&f, 6, 1, &z, false, &out, &out_len), 0);
    ck_assert_uint_eq(defrag_memuse(f.df), held);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP], 0);
    ck_assert(!pkt_has(&f.pkt, STAT_ANOM_IPV6_FRAG_OVERLAP));
    ck_assert_int_eq(feed(&f, 6, 1, &b, false, &out, &out_len), 1);
    check_result(6, out, out_len, payload, sizeof(payload), false);
    fx_fini(&f);
}
END_TEST

START_TEST(test_conflicting_last)
{
    /* A second last fragment with another end is ignored; data past the end is dropped. */
    struct fx f;
    uint8_t payload[32];
    const uint8_t *out;
    size_t out_len;

    fx_init(&f, OVERLAP_LAST);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 7);
    struct frag beyond = {24, 8, true, payload + 24}; /* will lie past the end */
    struct frag last = {8, 8, false, payload + 8};    /* end = 16 */
    struct frag last2 = {8, 16, false, payload + 8};  /* end = 24: conflicts */
    struct frag first = {0, 8, true, payload};
    ck_assert_int_eq(feed(&f, 4, 1, &beyond, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 1, &last, false, &out, &out_len), 0);
    ck_assert_int_eq(feed(&f, 4, 1, &last2, false, &out, &out_len), IMS_EPARSE);
    ck_assert(pkt_has(&f.pkt, STAT_ANOM_IPV4_FRAG_IGNORED));
    ck_assert_int_eq(feed(&f, 4, 1, &first, false, &out, &out_len), 1);
    check_result(4, out, out_len, payload, 16, false);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_v6_atomic)
{
    /* Offset 0, M = 0 (RFC 6946): returned at once, Fragment header removed. */
    struct fx f;
    uint8_t payload[13];
    const uint8_t *out = NULL;
    size_t out_len = 0;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 8);
    struct frag fr = {0, 13, false, payload};
    ck_assert_int_eq(feed(&f, 6, 42, &fr, false, &out, &out_len), 1);
    check_result(6, out, out_len, payload, sizeof(payload), false);
    ck_assert_int_eq(feed(&f, 6, 42, &fr, true, &out, &out_len), 1);
    check_result(6, out, out_len, payload, sizeof(payload), true);
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_IPV6_FRAGMENTS], 0);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_v4_header_from_first)
{
    /*
     * The first fragment carries a 24-byte header (IHL 6, one NOP option
     * word 01 01 01 00); the others have 20 bytes.  The result keeps the
     * first fragment's header with its option, length and checksum fixed.
     */
    struct fx f;
    uint8_t payload[16];
    uint8_t buf[64];
    const uint8_t *out = NULL;
    size_t out_len = 0;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    fill_pattern(payload, sizeof(payload), 10);
    struct frag last = {8, 8, false, payload + 8};
    ck_assert_int_eq(feed(&f, 4, 7, &last, false, &out, &out_len), 0);
    build4(buf, 7, 0, true, NULL, 0, 17);
    buf[0] = 0x46;                                      /* IHL 6 */
    buf[3] = 32;                                        /* total length 24 + 8 */
    buf[20] = 1, buf[21] = 1, buf[22] = 1, buf[23] = 0; /* NOP NOP NOP EOL */
    memcpy(buf + 24, payload, 8);
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, 32, &out, &out_len), 1);
    ck_assert_uint_eq(out_len, 24 + 16);
    ck_assert_uint_eq(out[0], 0x46);
    ck_assert_uint_eq(out[3], 40);
    ck_assert_uint_eq(csum(out, 24), 0);
    ck_assert_uint_eq(out[20], 1);
    ck_assert_mem_eq(out + 24, payload, 16);
    fx_fini(&f);
}
END_TEST

START_TEST(test_keys_separate)
{
    /* Same id, different protocol (IPv4) or family: separate datagrams. */
    struct fx f;
    uint8_t a[16], b[16], buf[64];
    const uint8_t *out = NULL;
    size_t out_len = 0;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    memset(a, 'a', sizeof(a));
    memset(b, 'b', sizeof(b));
    size_t n = build4(buf, 5, 0, true, a, 8, 17); /* UDP */
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, n, &out, &out_len), 0);
    n = build4(buf, 5, 0, true, b, 8, 6); /* TCP, same id */
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, n, &out, &out_len), 0);
    n = build4(buf, 5, 8, false, b, 8, 6);
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, n, &out, &out_len), 1);
    ck_assert_uint_eq(out[9], 6);
    ck_assert_uint_eq(out[20], 'b');
    ck_assert_uint_eq(f.st.v[STAT_DEFRAG_OVERLAP], 0);
    n = build4(buf, 5, 8, false, a, 8, 17);
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, n, &out, &out_len), 1);
    ck_assert_uint_eq(out[9], 17);
    ck_assert_uint_eq(out[27], 'a');
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_bad_arguments)
{
    /* Inconsistent offsets from the caller are refused without crashing. */
    struct fx f;
    uint8_t buf[64] = {0};
    const uint8_t *out = NULL;
    size_t out_len = 0, fo;

    fx_init(&f, OVERLAP_BSD);
    fx_start(&f);
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, 10, &out, &out_len), IMS_EINVAL);
    size_t n = build6(buf, 1, 8, true, buf, 8, false, &fo);
    ck_assert_int_eq(defrag_ipv6(f.df, &f.pkt, buf, n, 48, 48, &out, &out_len), IMS_EINVAL);
    ck_assert_int_eq(defrag_ipv6(f.df, &f.pkt, buf, n, 40, 48, &out, &out_len), IMS_EINVAL);
    ck_assert_int_eq(defrag_ipv6(f.df, &f.pkt, buf, 44, 40, 40, &out, &out_len), IMS_EINVAL);
    /* Cut short by the capture: the IP length says more than was handed over. */
    uint8_t pl[16] = {0};
    size_t n4 = build4(buf, 1, 0, true, pl, 16, 17);
    ck_assert_int_eq(defrag_ipv4(f.df, &f.pkt, buf, n4 - 6, &out, &out_len), IMS_EINVAL);
    ck_assert_uint_eq(f.pkt.n_anomalies, 0);
    n = build6(buf, 1, 8, true, pl, 16, false, &fo);
    ck_assert_int_eq(defrag_ipv6(f.df, &f.pkt, buf, n - 6, fo, fo, &out, &out_len), IMS_EINVAL);
    buf[4] = buf[5] = 0; /* payload length 0: a jumbogram cannot be fragmented */
    ck_assert_int_eq(defrag_ipv6(f.df, &f.pkt, buf, n, fo, fo, &out, &out_len), IMS_EINVAL);
    n = build6(buf, 1, 8, true, pl, 8, false, &fo);
    buf[6] = 17; /* the IPv6 header does not name a Fragment header */
    ck_assert_int_eq(defrag_ipv6(f.df, &f.pkt, buf, n, 40, 40, &out, &out_len), IMS_EINVAL);
    ck_assert_uint_eq(defrag_memuse(f.df), 0);
    fx_fini(&f);
}
END_TEST

static Suite *defrag_suite(void)
{
    Suite *s = suite_create("defrag");
    TCase *tc = tcase_create("reassembly");
    tcase_add_test(tc, test_v4_in_order);
    tcase_add_test(tc, test_v4_reverse);
    tcase_add_test(tc, test_v6_in_order);
    tcase_add_test(tc, test_v6_reverse);
    tcase_add_test(tc, test_v6_hbh_before_fragment);
    tcase_add_test(tc, test_v4_random_dups);
    tcase_add_test(tc, test_v6_random_dups);
    tcase_add_test(tc, test_duplicates_counted);
    tcase_add_test(tc, test_v6_atomic);
    tcase_add_test(tc, test_v4_header_from_first);
    tcase_add_test(tc, test_keys_separate);
    suite_add_tcase(s, tc);

    TCase *tp = tcase_create("policies");
    tcase_add_loop_test(tp, test_novak_v4, 0, 6);
    tcase_add_loop_test(tp, test_novak_v6, 0, 6);
    tcase_add_test(tp, test_two_fragment_overlaps);
    tcase_add_test(tp, test_policy_per_destination);
    suite_add_tcase(s, tp);

    TCase *tl = tcase_create("limits");
    tcase_add_test(tl, test_memcap);
    tcase_add_test(tl, test_max_trackers);
    tcase_add_test(tl, test_max_frags);
    tcase_add_test(tl, test_timeout);
    suite_add_tcase(s, tl);

    TCase *tm = tcase_create("malformed");
    tcase_add_test(tm, test_too_large);
    tcase_add_test(tm, test_invalid_length);
    tcase_add_test(tm, test_zero_length);
    tcase_add_test(tm, test_zero_length_inside);
    tcase_add_test(tm, test_conflicting_last);
    tcase_add_test(tm, test_bad_arguments);
    suite_add_tcase(s, tm);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(defrag_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
