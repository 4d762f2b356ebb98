/*
 * decode_udp.c - UDP header (RFC 768), and VXLAN (RFC 7348) on port 4789.
 *
 *   |          Source Port          |       Destination Port        |
 *   |            Length             |           Checksum            |
 *
 * The UDP length bounds the payload (bytes after it in the IP datagram are
 * ignored, as receivers do).  A zero checksum on IPv4 means "none sent"
 * (CSUM_UNKNOWN); on IPv6 the checksum is mandatory (RFC 8200 s8.1).
 */
#include "decode/decode_int.h"

enum decode_result decode_udp(struct dstate *ds, struct l4_in *l4)
{
    struct packet *pkt = ds->pkt;
    struct bcur c = l4->c;
    struct l4_in dgram;
    enum decode_result inner;
    uint16_t sport, dport, ulen, csum;

    stats_inc(ds->st, STAT_DECODER_UDP);
    sport = bcur_be16(&c);
    dport = bcur_be16(&c);
    ulen = bcur_be16(&c);
    csum = bcur_be16(&c);
    if (!bcur_ok(&c)) {
        ds_anomaly(ds, STAT_ANOM_UDP_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (ulen < UDP_HDR_LEN) {
        ds_anomaly(ds, STAT_ANOM_UDP_HLEN_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (ulen > l4->len) {
        ds_anomaly(ds, STAT_ANOM_UDP_HLEN_INVALID);
        return DECODE_INVALID;
    }
    /* the datagram as UDP declares it, cut to what was captured */
    dgram.c = l4->c;
    bcur_limit(&dgram.c, ulen);
    dgram.len = ulen;
    /* a datagram cut short anywhere gets no verdict, even when the UDP part is whole */
    dgram.truncated = l4->truncated || bcur_remaining(&dgram.c) < ulen;
    bcur_limit(&c, (size_t)ulen - UDP_HDR_LEN);

    pkt->sport = sport;
    pkt->dport = dport;
    pkt->payload = bcur_ptr(&c);
    pkt->payload_len = (uint32_t)bcur_remaining(&c);
    if (csum == 0 && pkt->ip_version == 4)
        pkt->l4_csum = CSUM_UNKNOWN;
    else
        pkt->l4_csum = decode_csum_l4(pkt, IPPROTO_NUM_UDP, &dgram, true);
    pkt->flags |= PKT_HAS_L4;

    if (dport == VXLAN_PORT) {
        inner = decode_vxlan(ds, &c);
        if (inner != DECODE_NOT_IP)
            return inner;
    }
    return DECODE_L4;
}
