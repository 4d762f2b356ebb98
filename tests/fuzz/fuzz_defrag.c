/*
 * fuzz_defrag.c - fuzz target for the IPv4/IPv6 defragmenter
 * (src/decode/decode_defrag.c).
 *
 * The input is a context selector followed by fragment records, all fed to
 * one defragmenter with small caps so the memcap, max-trackers, max-frags
 * and timeout paths are reached:
 *
 *   byte 0   policy (mod 6)
 *   byte 1   caps: memcap = 512 << (b & 7), max-trackers = 1 + ((b >> 3) & 7),
 *            max-frags = 1 + 5 * (b >> 6)
 *   records, each:
 *     flags  bit 0 IPv6, bit 1 MF, bits 2-3 source address variant,
 *            bit 4 Hop-by-Hop header before the Fragment header (IPv6),
 *            bit 5 advance packet time by 1 s, bit 6 filled payload,
 *            bit 7 run defrag_timeout() first
 *     id     identification (low byte)
 *     off    2 bytes, big endian: offset in 8-byte units (13 bits)
 *     len    payload bytes taken from the input; with bit 6, len * 8 bytes
 *            filled with the next input byte
 *     payload
 *
 * After each call the target checks what the defragmenter promises: held
 * bytes within the memcap and equal to the memuse gauge, and every
 * completed datagram consistent (IPv4 total length, cleared MF/offset and a
 * valid header checksum; IPv6 payload length).  A broken promise aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/bytes.h"
#include "imsentry/config.h"
#include "imsentry/decode.h"
#include "imsentry/defrag.h"
#include "imsentry/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PKT_MAX 4096

static uint16_t fuzz_csum(const uint8_t *b, size_t n)
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

/* Builds an IPv4 fragment (20-byte header) around the payload; returns its length. */
static size_t build4(uint8_t *buf, uint8_t src, uint16_t id, uint16_t fo, const uint8_t *pl,
                     size_t plen)
{
    size_t len = 20 + plen;
    memset(buf, 0, 20);
    buf[0] = 0x45;
    buf[2] = (uint8_t)(len >> 8);
    buf[3] = (uint8_t)len;
    buf[4] = (uint8_t)(id >> 8);
    buf[5] = (uint8_t)id;
    buf[6] = (uint8_t)(fo >> 8);
    buf[7] = (uint8_t)fo;
    buf[8] = 64;
    buf[9] = 17;
    buf[12] = 10;
    buf[15] = src;
    buf[16] = 10;
    buf[19] = 200;
    uint16_t c = fuzz_csum(buf, 20);
    buf[10] = (uint8_t)(c >> 8);
    buf[11] = (uint8_t)c;
    memcpy(buf + 20, pl, plen);
    return len;
}

/* Builds an IPv6 fragment, optionally with a Hop-by-Hop header; *fo gets the Fragment offset. */
static size_t build6(uint8_t *buf, uint8_t src, uint32_t id, uint16_t offlg, bool hbh,
                     const uint8_t *pl, size_t plen, size_t *fo)
{
    size_t f = hbh ? 48 : 40;
    size_t len = f + 8 + plen;
    memset(buf, 0, f + 8);
    buf[0] = 0x60;
    buf[4] = (uint8_t)((len - 40) >> 8);
    buf[5] = (uint8_t)(len - 40);
    buf[6] = hbh ? 0 : 44;
    buf[7] = 64;
    buf[8] = 0xfe, buf[9] = 0x80, buf[23] = src;
    buf[24] = 0xfe, buf[25] = 0x80, buf[39] = 200;
    if (hbh) {
        buf[40] = 44;
        buf[42] = 1;
        buf[43] = 4;
    }
    buf[f] = 6;
    buf[f + 2] = (uint8_t)(offlg >> 8);
    buf[f + 3] = (uint8_t)offlg;
    buf[f + 4] = (uint8_t)(id >> 24);
    buf[f + 5] = (uint8_t)(id >> 16);
    buf[f + 6] = (uint8_t)(id >> 8);
    buf[f + 7] = (uint8_t)id;
    memcpy(buf + f + 8, pl, plen);
    *fo = f;
    return len;
}

static void check_output(bool v6, const uint8_t *out, size_t out_len)
{
    if (!v6) {
        if (out_len < 20 || (size_t)(out[2] << 8 | out[3]) != out_len || (out[6] & 0x3f) ||
            out[7] || fuzz_csum(out, (size_t)(out[0] & 15) * 4) != 0)
            abort();
    } else {
        if (out_len < 40 || (size_t)(out[4] << 8 | out[5]) + 40 != out_len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pkt_buf[FUZZ_PKT_MAX + 64];
    static uint8_t payload[FUZZ_PKT_MAX];
    struct config cfg;
    struct stats st;
    struct packet pkt;
    struct bcur c;

    bcur_init(&c, data, size);
    uint8_t pol = bcur_u8(&c);
    uint8_t caps = bcur_u8(&c);
    if (!bcur_ok(&c))
        return 0;
    memset(&cfg, 0, sizeof(cfg));
    memset(&st, 0, sizeof(st));
    memset(&pkt, 0, sizeof(pkt));
    cfg.default_policy = (enum overlap_policy)(pol % 6);
    cfg.defrag_memcap = 512u << (caps & 7);
    cfg.defrag_max_trackers = 1 + ((caps >> 3) & 7);
    cfg.defrag_max_frags = 1 + 5 * (caps >> 6);
    cfg.defrag_timeout = 2;

    struct defrag *df = defrag_new(&cfg, &st);
    if (!df)
        return 0;
    pkt.ts_us = 1000000;
    while (bcur_remaining(&c) >= 5) {
        uint8_t flags = bcur_u8(&c);
        uint8_t id = bcur_u8(&c);
        uint16_t off = bcur_be16(&c) & 0x1fff;
        uint8_t l = bcur_u8(&c);
        size_t plen;
        if (flags & 0x40) {
            plen = (size_t)l * 8;
            memset(payload, bcur_u8(&c), plen);
        } else {
            plen = l < bcur_remaining(&c) ? l : bcur_remaining(&c);
            bcur_copy(&c, payload, plen);
        }
        bool v6 = flags & 1, mf = flags & 2;
        uint8_t src = (uint8_t)(1 + ((flags >> 2) & 3));
        if (flags & 0x20)
            pkt.ts_us += 1000000;
        if (flags & 0x80)
            defrag_timeout(df, pkt.ts_us);

        const uint8_t *out = NULL;
        size_t out_len = 0, fo = 0;
        int rc;
        pkt.n_anomalies = 0;
        if (!v6) {
            size_t n = build4(pkt_buf, src, id, (uint16_t)(off | (mf ? 0x2000 : 0)), payload, plen);
            rc = defrag_ipv4(df, &pkt, pkt_buf, n, &out, &out_len);
        } else {
            size_t n = build6(pkt_buf, src, id, (uint16_t)(off << 3 | (mf ? 1 : 0)), flags & 0x10,
                              payload, plen, &fo);
            rc = defrag_ipv6(df, &pkt, pkt_buf, n, fo, fo, &out, &out_len);
        }
        if (rc == 1)
            check_output(v6, out, out_len);
        if (defrag_memuse(df) > cfg.defrag_memcap || st.v[STAT_DEFRAG_MEMUSE] != defrag_memuse(df))
            abort();
    }
    defrag_free(df);
    return 0;
}
