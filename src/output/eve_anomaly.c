/*
 * eve_anomaly.c - the anomaly event (event_type "anomaly") for malformed
 * input, shaped like Suricata's anomaly log (src/output-json-anomaly.c):
 *
 *   {"timestamp":TS,"event_type":"anomaly","src_ip":..,"src_port":..,
 *    "dest_ip":..,"dest_port":..,"proto":"TCP","pkt_src":"wire/pcap",
 *    "pcap_cnt":N,
 *    "anomaly":{"type":"decode","event":"ipv4.hlen_too_small","layer":"ipv4"}}
 *
 * The addresses are written as far as the decoder got.  A hostile capture
 * can raise the same anomaly on every packet, so each anomaly type writes
 * at most outputs.eve.anomaly-max-per-type events per run (0: none, as
 * imsentry.yaml(5) says); the rest are counted in eve.anomalies_suppressed
 * (the anomaly counter itself, decoder.event.*, counts them all).
 */
#include "imsentry/output.h"

#include <string.h>

#include "eve_private.h"

/* Longest anomaly layer name kept ("ipv4", "tcp", "vxlan" ...). */
#define EVE_LAYER_MAX 32

void eve_write_anomaly(struct eve *ev, const struct packet *pkt, enum stat_id id)
{
    enum anomaly_kind kind;
    const char *event = NULL;
    const char *dot;
    char layer[EVE_LAYER_MAX];
    size_t llen;
    json_t *o, *a;

    if (!ev || !pkt || !ev->cfg.eve_anomaly)
        return;
    if ((unsigned)id >= STAT__COUNT || !stats_anomaly_info(id, &kind, &event) || !event)
        return;
    if (ev->anom_written[id] >= ev->cfg.anomaly_max_per_type) {
        eve_count(ev, STAT_EVE_ANOMALIES_SUPPRESSED);
        return;
    }
    ev->anom_written[id]++;

    o = eve_event_new(pkt->ts_us, 0, "anomaly");
    a = json_object();
    if (!o || !a)
        goto out_fail;
    eve_add_vlan(o, pkt->vlan, pkt->vlan_count);
    if (pkt->ip_version && pkt->src.family && pkt->dst.family)
        eve_add_tuple(o, pkt->ip_proto, &pkt->src, pkt->sport, &pkt->dst, pkt->dport,
                      (pkt->flags & PKT_HAS_L4) != 0);
    json_object_set_new(o, "pkt_src", json_string("wire/pcap"));
    if (pkt->pcap_cnt)
        eve_set_u64(o, "pcap_cnt", pkt->pcap_cnt);

    /* the layer is the event name's first part: "ipv4" of "ipv4.hlen_too_small" */
    dot = strchr(event, '.');
    llen = dot ? (size_t)(dot - event) : strlen(event);
    if (llen >= sizeof(layer))
        llen = sizeof(layer) - 1;
    memcpy(layer, event, llen);
    layer[llen] = '\0';

    json_object_set_new(a, "type", json_string(stats_anomaly_kind_name(kind)));
    json_object_set_new(a, "event", eve_json_text(event));
    json_object_set_new(a, "layer", eve_json_text(layer));
    json_object_set_new(o, "anomaly", a);
    eve_emit(ev, o);
    return;

out_fail:
    json_decref(a);
    json_decref(o);
    eve_emit(ev, NULL);
}

void eve_write_anomaly_flow(struct eve *ev, const struct flow *f, enum stat_id id)
{
    struct packet pkt;

    if (!ev || !f)
        return;
    /* a stream anomaly has no single packet: describe it by the flow, client to server */
    memset(&pkt, 0, sizeof(pkt));
    pkt.ts_us = f->last_us;
    pkt.ip_version = f->cli_ip.family;
    pkt.ip_proto = f->proto;
    pkt.src = f->cli_ip;
    pkt.dst = f->srv_ip;
    pkt.sport = f->cli_port;
    pkt.dport = f->srv_port;
    pkt.flags = PKT_HAS_L4;
    pkt.vlan_count = f->vlan_count;
    memcpy(pkt.vlan, f->vlan, sizeof(pkt.vlan));
    eve_write_anomaly(ev, &pkt, id);
}
