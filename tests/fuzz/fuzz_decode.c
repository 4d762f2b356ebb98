/*
 * fuzz_decode.c - fuzz target for the decode stage (src/decode/decode_*.c).
 *
 * Input layout: the first byte selects the link type (low 4 bits, modulo the
 * supported list below).  Without bit 7 the rest is one packet.  With bit 7
 * the rest is a sequence of packets, each a 2-byte big-endian length and that
 * many bytes, decoded in one context so fragments can reassemble and the
 * reassembled datagram is decoded too.  Each packet is copied to a buffer of
 * its exact size so any over-read trips ASan.
 *
 * Beyond "no crash" it checks the decoder's promises: DECODE_L4 means an IP
 * packet with its transport header; DECODE_INVALID always raised an anomaly;
 * the payload lies inside the captured bytes (or the reassembled datagram).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/config.h"
#include "imsentry/decode.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The link types the decoder supports (DLT numbers). */
static const int fuzz_linktypes[] = {1, 113, 276, 12, 14, 101, 228, 229, 0, 108};
#define FUZZ_NLINKTYPES (sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]))
/* Most packets decoded from one input in sequence mode. */
#define FUZZ_MAX_PACKETS 64

static void fuzz_one(struct decode_ctx *dc, struct stats *st, int linktype, const uint8_t *bytes,
                     size_t len, uint64_t n)
{
    uint8_t *buf = malloc(len ? len : 1);
    struct packet pkt;
    enum decode_result res;
    uint64_t invalid_before = st->v[STAT_DECODER_INVALID];
    volatile uint8_t sink = 0;

    if (!buf)
        return;
    memcpy(buf, bytes, len);
    memset(&pkt, 0x5a, sizeof(pkt));
    pkt.ts_us = (int64_t)n * 1000;
    pkt.data = buf;
    pkt.caplen = (uint32_t)len;
    pkt.wirelen = (uint32_t)len;
    pkt.linktype = linktype;
    pkt.pcap_cnt = n;
    res = decode_packet(dc, &pkt);

    if (res > DECODE_INVALID || pkt.n_anomalies > PKT_MAX_ANOMALIES)
        abort();
    if (res == DECODE_L4 &&
        (!(pkt.flags & PKT_HAS_L4) || (pkt.ip_version != 4 && pkt.ip_version != 6)))
        abort();
    if (res == DECODE_INVALID &&
        (pkt.n_anomalies == 0 || st->v[STAT_DECODER_INVALID] != invalid_before + 1))
        abort();
    if (res == DECODE_L4 && !(pkt.flags & PKT_DEFRAG) && pkt.payload_len &&
        (pkt.payload < buf || pkt.payload_len > len ||
         pkt.payload - buf > (ptrdiff_t)(len - pkt.payload_len)))
        abort();
    if (res == DECODE_L4 && pkt.l4_csum != CSUM_UNKNOWN && (pkt.flags & PKT_TRUNCATED))
        abort();
    for (uint32_t i = 0; res == DECODE_L4 && i < pkt.payload_len; i++)
        sink ^= pkt.payload[i]; /* every payload byte must be readable */
    (void)sink;
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    struct stats *st;
    struct decode_ctx *dc;
    int linktype;
    uint64_t n = 0;

    if (size < 1)
        return 0;
    config_defaults(&cfg);
    st = calloc(1, sizeof(*st));
    if (!st)
        return 0;
    dc = decode_ctx_new(&cfg, st);
    if (!dc)
        goto out_free_st;
    linktype = fuzz_linktypes[(data[0] & 0x0f) % FUZZ_NLINKTYPES];
    if (!(data[0] & 0x80)) {
        fuzz_one(dc, st, linktype, data + 1, size - 1, ++n);
    } else {
        size_t off = 1;

        while (off + 2 <= size && n < FUZZ_MAX_PACKETS) {
            size_t len = ((size_t)data[off] << 8) | data[off + 1];

            off += 2;
            if (len > size - off)
                len = size - off;
            fuzz_one(dc, st, linktype, data + off, len, ++n);
            off += len;
        }
        decode_timeout(dc, (int64_t)(n + 120) * 1000000);
    }
    if (st->v[STAT_DECODER_PKTS] != n)
        abort();
    decode_ctx_free(dc);
out_free_st:
    free(st);
    return 0;
}
