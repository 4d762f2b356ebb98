/*
 * eve_flow.c - the flow event (event_type "flow"), written once per flow as
 * it ends, laid out as Suricata's flow log (src/output-json-flow.c) so that
 * EVE consumers and Suricata's schema accept it:
 *
 *   {"timestamp":<end>,"flow_id":N,"event_type":"flow","vlan":[..],
 *    "src_ip":<client>,"src_port":N,"dest_ip":<server>,"dest_port":N,
 *    "proto":"TCP","community_id":"1:...","app_proto":"icq",
 *    "flow":{"pkts_toserver":N,"pkts_toclient":N,"bytes_toserver":N,
 *            "bytes_toclient":N,"start":TS,"end":TS,"age":S,
 *            "state":"closed","reason":"timeout","alerted":false},
 *    "tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b",
 *           "syn":true,"fin":true,"psh":true,"ack":true}}
 */
#include "imsentry/output.h"

#include <stdio.h>

#include "eve_private.h"

/* Suricata's flow state names. */
static const char *eve_flow_state(enum flow_state s)
{
    switch (s) {
    case FLOW_STATE_NEW:
        return "new";
    case FLOW_STATE_ESTABLISHED:
        return "established";
    case FLOW_STATE_CLOSED:
        return "closed";
    }
    return "new";
}

/*
 * Suricata's end reasons.  A flow whose tuple was reused by a new connection
 * ends as "timeout": Suricata lets such a flow time out as well, and its
 * vocabulary has no other word for it.
 */
static const char *eve_flow_reason(enum flow_end_reason r)
{
    switch (r) {
    case FLOW_END_TIMEOUT:
    case FLOW_END_REUSE:
        return "timeout";
    case FLOW_END_FORCED:
        return "forced";
    case FLOW_END_SHUTDOWN:
        return "shutdown";
    }
    return "timeout";
}

/* Whole seconds of a packet time, rounded down (as Suricata's SCTIME_SECS). */
static int64_t eve_secs(int64_t ts_us)
{
    int64_t s = ts_us / 1000000;

    return (ts_us % 1000000 < 0) ? s - 1 : s;
}

/* Two lower-case hex digits, as Suricata writes tcp_flags. */
static json_t *eve_tcp_flags_hex(uint8_t flags)
{
    char hex[3];

    snprintf(hex, sizeof(hex), "%02x", (unsigned)flags);
    return json_string(hex);
}

/* Suricata's "tcp" object: the flags seen each way and, for each set flag, "<name>":true. */
static json_t *eve_flow_tcp(const struct flow *f)
{
    static const struct {
        uint8_t bit;      /* TCP_* */
        const char *name; /* Suricata's key */
    } names[] = {
        {TCP_SYN, "syn"}, {TCP_FIN, "fin"}, {TCP_RST, "rst"}, {TCP_PSH, "psh"},
        {TCP_ACK, "ack"}, {TCP_URG, "urg"}, {TCP_ECE, "ecn"}, {TCP_CWR, "cwr"},
    };
    uint8_t all = f->tcp_flags[FLOW_TOSERVER] | f->tcp_flags[FLOW_TOCLIENT];
    json_t *t = json_object();

    if (!t)
        return NULL;
    json_object_set_new(t, "tcp_flags", eve_tcp_flags_hex(all));
    json_object_set_new(t, "tcp_flags_ts", eve_tcp_flags_hex(f->tcp_flags[FLOW_TOSERVER]));
    json_object_set_new(t, "tcp_flags_tc", eve_tcp_flags_hex(f->tcp_flags[FLOW_TOCLIENT]));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (all & names[i].bit)
            json_object_set_new(t, names[i].name, json_true());
    }
    return t;
}

void eve_write_flow(struct eve *ev, const struct flow *f)
{
    char ts[EVE_TS_LEN];
    const char *app;
    json_t *o, *fl;

    if (!ev || !f || !ev->cfg.eve_flow)
        return;
    o = eve_event_new(f->last_us, f->flow_id, "flow");
    if (!o)
        goto out_fail;
    eve_add_vlan(o, f->vlan, f->vlan_count);
    eve_add_tuple(o, f->proto, &f->cli_ip, f->cli_port, &f->srv_ip, f->srv_port, true);
    if (f->community_id[0])
        json_object_set_new(o, "community_id", eve_json_text(f->community_id));
    app = app_proto_name(f->app_proto);
    if (app)
        json_object_set_new(o, "app_proto", json_string(app));

    fl = json_object();
    if (!fl)
        goto out_fail;
    eve_set_u64(fl, "pkts_toserver", f->pkts[FLOW_TOSERVER]);
    eve_set_u64(fl, "pkts_toclient", f->pkts[FLOW_TOCLIENT]);
    eve_set_u64(fl, "bytes_toserver", f->bytes[FLOW_TOSERVER]);
    eve_set_u64(fl, "bytes_toclient", f->bytes[FLOW_TOCLIENT]);
    json_object_set_new(fl, "start", json_string(eve_format_ts(f->start_us, ts, sizeof(ts))));
    json_object_set_new(fl, "end", json_string(eve_format_ts(f->last_us, ts, sizeof(ts))));
    json_object_set_new(fl, "age", json_integer(eve_secs(f->last_us) - eve_secs(f->start_us)));
    json_object_set_new(fl, "state", json_string(eve_flow_state(f->state)));
    json_object_set_new(fl, "reason", json_string(eve_flow_reason(f->end_reason)));
    json_object_set_new(fl, "alerted", json_boolean(f->alerted));
    json_object_set_new(o, "flow", fl);

    if (f->proto == 6)
        json_object_set_new(o, "tcp", eve_flow_tcp(f));
    eve_emit(ev, o);
    return;

out_fail:
    json_decref(o);
    eve_emit(ev, NULL);
}
