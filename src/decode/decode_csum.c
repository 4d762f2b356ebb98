/*
 * decode_csum.c - the internet checksum (RFC 1071) and the TCP/UDP/ICMPv6
 * pseudo-headers of IPv4 (RFC 793 s3.1, RFC 768) and IPv6 (RFC 8200 s8.1).
 *
 * A segment is good when the one's-complement sum of the pseudo-header and
 * the whole segment, checksum field included, is 0xffff.  Verdicts are only
 * recorded: the flow and stream stages decide what a bad checksum means.
 */
#include "decode/decode_int.h"

uint64_t decode_csum_add(uint64_t sum, struct bcur c)
{
    uint64_t acc = 0, w;
    uint16_t part;

    /*
     * RFC 1071 2(B) and 2(C): the one's-complement sum may be taken in host
     * byte order and over 64-bit words (end-around carry; 2^64 = 1 mod
     * 0xffff), then folded and swapped once.  Eight bytes a step instead of
     * a byte-swapped four: checksums were 4% of the sensor's instructions.
     */
    while (bcur_remaining(&c) >= sizeof(w)) {
        bcur_copy(&c, &w, sizeof(w));
        acc += w;
        acc += acc < w; /* end-around carry */
    }
    if (bcur_remaining(&c)) {
        /* the tail, zero-padded: an odd last byte is the high byte of its word */
        w = 0;
        bcur_copy(&c, &w, bcur_remaining(&c));
        acc += w;
        acc += acc < w;
    }
    part = decode_csum_fold(acc);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    part = (uint16_t)((part >> 8) | (part << 8));
#endif
    /* zero data stays zero (part folds nonzero data to 1..0xffff), as before */
    return sum + part;
}

uint16_t decode_csum_fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

uint64_t decode_csum_pseudo(const struct packet *pkt, uint8_t proto, uint32_t len)
{
    size_t alen = pkt->ip_version == 6 ? 16 : 4;
    struct bcur a;
    uint64_t sum = 0;

    bcur_init(&a, pkt->src.a, alen);
    sum = decode_csum_add(sum, a);
    bcur_init(&a, pkt->dst.a, alen);
    sum = decode_csum_add(sum, a);
    sum += proto;
    sum += len >> 16;
    sum += len & 0xffff;
    return sum;
}

enum csum_state decode_csum_l4(const struct packet *pkt, uint8_t proto, const struct l4_in *l4,
                               bool pseudo)
{
    uint64_t sum = 0;

    if (l4->truncated || bcur_remaining(&l4->c) != l4->len)
        return CSUM_UNKNOWN;
    if (pseudo)
        sum = decode_csum_pseudo(pkt, proto, l4->len);
    sum = decode_csum_add(sum, bcur_rest(&l4->c));
    return decode_csum_fold(sum) == 0xffff ? CSUM_OK : CSUM_BAD;
}
