/*
 * eve_alert.c - the alert event (event_type "alert"), shaped like
 * Suricata's alert log (src/output-json-alert.c) and DESIGN.md's example:
 *
 *   {"timestamp":TS,"flow_id":N,"event_type":"alert","src_ip":..,
 *    "src_port":..,"dest_ip":..,"dest_port":..,"proto":"TCP",
 *    "community_id":"1:...","app_proto":"icq","direction":"to_server",
 *    "pkt_src":"wire/pcap",
 *    "alert":{"action":"allowed","gid":1,"signature_id":N,"rev":N,
 *             "signature":"..","category":"..","severity":N,
 *             "metadata":{"username":["1234567"],...}},
 *    "flow":{"pkts_toserver":N,"pkts_toclient":N,"bytes_toserver":N,
 *            "bytes_toclient":N,"start":TS}}
 *
 * src and dest are those of the packets that matched: a to_server alert
 * names the client as src, a to_client alert the server.  Everything
 * imsentry adds lives in alert.metadata, each key an array of strings in
 * the order the detector gave them; values from the wire are escaped.
 * The flow is not touched: the caller marks it alerted.
 */
#include "imsentry/output.h"

#include "eve_private.h"

/* alert.metadata: one array of strings per key, keys in order of first appearance. */
static json_t *eve_alert_metadata(const struct alert *a)
{
    unsigned n = a->n_meta < ALERT_MAX_META ? a->n_meta : ALERT_MAX_META;
    json_t *md = json_object();

    if (!md)
        return NULL;
    for (unsigned i = 0; i < n; i++) {
        const struct alert_meta *m = &a->meta[i];
        json_t *arr;

        if (!m->key || !m->key[0])
            continue;
        arr = json_object_get(md, m->key);
        if (!arr) {
            arr = json_array();
            if (!arr || json_object_set_new(md, m->key, arr) != 0)
                continue;
        }
        json_array_append_new(arr, eve_json_wire_string(m->value, m->value ? m->value_len : 0));
    }
    return md;
}

void eve_write_alert(struct eve *ev, const struct flow *f, const struct alert *a)
{
    char ts[EVE_TS_LEN];
    const char *app;
    bool toserver;
    json_t *o, *al = NULL, *fl = NULL;

    if (!ev || !f || !a || !ev->cfg.eve_alert)
        return;
    toserver = a->dir != FLOW_TOCLIENT;
    o = eve_event_new(a->ts_us, f->flow_id, "alert");
    al = json_object();
    fl = json_object();
    if (!o || !al || !fl)
        goto out_fail;
    eve_add_vlan(o, f->vlan, f->vlan_count);
    if (toserver)
        eve_add_tuple(o, f->proto, &f->cli_ip, f->cli_port, &f->srv_ip, f->srv_port, true);
    else
        eve_add_tuple(o, f->proto, &f->srv_ip, f->srv_port, &f->cli_ip, f->cli_port, true);
    if (f->community_id[0])
        json_object_set_new(o, "community_id", eve_json_text(f->community_id));
    app = app_proto_name(a->app_proto);
    if (app)
        json_object_set_new(o, "app_proto", json_string(app));
    json_object_set_new(o, "direction", json_string(toserver ? "to_server" : "to_client"));
    json_object_set_new(o, "pkt_src", json_string("wire/pcap"));

    json_object_set_new(al, "action", json_string("allowed"));
    json_object_set_new(al, "gid", json_integer(1));
    json_object_set_new(al, "signature_id", json_integer(a->sid));
    json_object_set_new(al, "rev", json_integer(a->rev));
    json_object_set_new(al, "signature", eve_json_text(a->msg));
    json_object_set_new(al, "category", eve_json_text(a->category));
    json_object_set_new(al, "severity", json_integer(a->severity));
    if (a->n_meta)
        json_object_set_new(al, "metadata", eve_alert_metadata(a));
    json_object_set_new(o, "alert", al);
    al = NULL;

    eve_set_u64(fl, "pkts_toserver", f->pkts[FLOW_TOSERVER]);
    eve_set_u64(fl, "pkts_toclient", f->pkts[FLOW_TOCLIENT]);
    eve_set_u64(fl, "bytes_toserver", f->bytes[FLOW_TOSERVER]);
    eve_set_u64(fl, "bytes_toclient", f->bytes[FLOW_TOCLIENT]);
    json_object_set_new(fl, "start", json_string(eve_format_ts(f->start_us, ts, sizeof(ts))));
    json_object_set_new(o, "flow", fl);
    eve_emit(ev, o);
    return;

out_fail:
    json_decref(fl);
    json_decref(al);
    json_decref(o);
    eve_emit(ev, NULL);
}
