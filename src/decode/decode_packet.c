/*
 * decode_packet.c - entry point of the decode stage: the decoder context,
 * per-packet reset and counters, anomaly recording, the encapsulation depth
 * guard and the transport-protocol dispatch.
 *
 * The layers below are in decode_link.c (DLT link types), decode_encap.c
 * (VLAN, MPLS, PPPoE, GRE, ERSPAN, VXLAN, IP-in-IP), decode_ipv4.c,
 * decode_ipv6.c, decode_tcp.c, decode_udp.c, decode_icmp.c and
 * decode_csum.c.  Malformed input raises an anomaly and stops at that layer.
 */
#include "imsentry/decode.h"

#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"

struct decode_ctx *decode_ctx_new(const struct config *cfg, struct stats *st)
{
    struct decode_ctx *dc = calloc(1, sizeof(*dc));

    if (!dc)
        return NULL;
    dc->cfg = cfg;
    dc->st = st;
    dc->df = defrag_new(cfg, st);
    if (!dc->df)
        goto out_free_dc;
    return dc;

out_free_dc:
    free(dc);
    return NULL;
}

void decode_ctx_free(struct decode_ctx *dc)
{
    if (!dc)
        return;
    defrag_free(dc->df);
    free(dc);
}

void decode_timeout(struct decode_ctx *dc, int64_t now_us)
{
    if (dc)
        defrag_timeout(dc->df, now_us);
}

void decode_anomaly(struct stats *st, struct packet *pkt, enum stat_id id)
{
    stats_inc(st, id);
    if (pkt && pkt->n_anomalies < PKT_MAX_ANOMALIES)
        pkt->anomalies[pkt->n_anomalies++] = (uint16_t)id;
}

bool decode_enter_layer(struct dstate *ds)
{
    if (ds->depth >= LIM_DECAP_DEPTH) {
        stats_inc(ds->st, STAT_DECODER_TOO_MANY_LAYERS);
        ds_anomaly(ds, STAT_ANOM_DECODER_TOO_MANY_LAYERS);
        return false;
    }
    ds->depth++;
    return true;
}

/* Clears everything decode_packet() fills, keeping what the caller set. */
static void packet_reset(struct packet *pkt)
{
    int64_t ts_us = pkt->ts_us;
    const uint8_t *data = pkt->data;
    uint32_t caplen = pkt->caplen;
    uint32_t wirelen = pkt->wirelen;
    int linktype = pkt->linktype;
    uint64_t pcap_cnt = pkt->pcap_cnt;

    memset(pkt, 0, sizeof(*pkt));
    pkt->ts_us = ts_us;
    pkt->data = data;
    pkt->caplen = caplen;
    pkt->wirelen = wirelen;
    pkt->linktype = linktype;
    pkt->pcap_cnt = pcap_cnt;
}

enum decode_result decode_packet(struct decode_ctx *dc, struct packet *pkt)
{
    struct dstate ds = {.dc = dc, .st = dc->st, .pkt = pkt};
    enum decode_result res;
    struct bcur c;

    packet_reset(pkt);
    stats_inc(dc->st, STAT_DECODER_PKTS);
    stats_add(dc->st, STAT_DECODER_BYTES, pkt->caplen);
    if (pkt->caplen > dc->st->v[STAT_DECODER_MAX_PKT_SIZE])
        stats_set(dc->st, STAT_DECODER_MAX_PKT_SIZE, pkt->caplen);

    bcur_init(&c, pkt->data, pkt->data ? pkt->caplen : 0);
    res = decode_link(&ds, &c);
    if (res == DECODE_INVALID)
        stats_inc(dc->st, STAT_DECODER_INVALID);
    return res;
}

enum decode_result decode_l4(struct dstate *ds, uint8_t proto, struct l4_in *l4)
{
    struct packet *pkt = ds->pkt;

    switch (proto) {
    case IPPROTO_NUM_TCP:
        return decode_tcp(ds, l4);
    case IPPROTO_NUM_UDP:
        return decode_udp(ds, l4);
    case IPPROTO_NUM_ICMP:
        if (pkt->ip_version != 4) {
            ds_anomaly(ds, STAT_ANOM_IPV6_ICMPV4);
            return DECODE_L3;
        }
        return decode_icmpv4(ds, l4);
    case IPPROTO_NUM_ICMPV6:
        if (pkt->ip_version != 6) {
            ds_anomaly(ds, STAT_ANOM_IPV4_ICMPV6);
            return DECODE_L3;
        }
        return decode_icmpv6(ds, l4);
    case IPPROTO_NUM_IPIP:
    case IPPROTO_NUM_IPV6:
        return decode_ip_in_ip(ds, proto, &l4->c);
    case IPPROTO_NUM_GRE:
        return decode_gre(ds, &l4->c);
    default:
        return DECODE_L3;
    }
}
