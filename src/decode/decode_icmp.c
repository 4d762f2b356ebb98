/*
 * decode_icmp.c - ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) headers.
 *
 *   |     Type      |     Code      |          Checksum             |
 *   |                 rest of header (4 bytes)                      |
 *
 * The type goes to pkt->sport and the code to pkt->dport (packet.h); the
 * payload is what follows the 8-byte header.  The ICMPv4 checksum covers the
 * message only; ICMPv6 adds the IPv6 pseudo-header.
 */
#include "decode/decode_int.h"

static enum decode_result decode_icmp(struct dstate *ds, struct l4_in *l4, uint8_t proto,
                                      enum stat_id too_small)
{
    struct packet *pkt = ds->pkt;
    struct bcur c = l4->c;
    uint8_t type, code;

    type = bcur_u8(&c);
    code = bcur_u8(&c);
    bcur_skip(&c, 6); /* checksum + rest of header */
    if (!bcur_ok(&c)) {
        ds_anomaly(ds, too_small);
        return DECODE_INVALID;
    }
    pkt->sport = type;
    pkt->dport = code;
    pkt->payload = bcur_ptr(&c);
    pkt->payload_len = (uint32_t)bcur_remaining(&c);
    pkt->l4_csum = decode_csum_l4(pkt, proto, l4, proto == IPPROTO_NUM_ICMPV6);
    pkt->flags |= PKT_HAS_L4;
    return DECODE_L4;
}

enum decode_result decode_icmpv4(struct dstate *ds, struct l4_in *l4)
{
    stats_inc(ds->st, STAT_DECODER_ICMPV4);
    return decode_icmp(ds, l4, IPPROTO_NUM_ICMP, STAT_ANOM_ICMPV4_PKT_TOO_SMALL);
}

enum decode_result decode_icmpv6(struct dstate *ds, struct l4_in *l4)
{
    stats_inc(ds->st, STAT_DECODER_ICMPV6);
    return decode_icmp(ds, l4, IPPROTO_NUM_ICMPV6, STAT_ANOM_ICMPV6_PKT_TOO_SMALL);
}
