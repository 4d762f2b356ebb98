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
#include <string.h>

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

/* Appends "key":<v clamped to INT64_MAX>, as eve_set_u64() stores it. */
static bool eve_line_u64(struct eve *ev, const char *key, uint64_t v)
{
    if (v > (uint64_t)INT64_MAX)
        v = (uint64_t)INT64_MAX;
    return eve_line_put(ev, key, strlen(key)) && eve_line_integer(ev, (json_int_t)v);
}

/* Appends key (already quoted, with its ':' and any leading ',') and s as a JSON string. */
static bool eve_line_kstr(struct eve *ev, const char *key, const char *s)
{
    return eve_line_put(ev, key, strlen(key)) && eve_line_ascii(ev, s);
}

/* Appends the "tcp" object of eve_flow_tcp(), comma first. */
static bool eve_line_flow_tcp(struct eve *ev, const struct flow *f)
{
    static const struct {
        uint8_t bit;      /* TCP_* */
        const char *text; /* ,"<Suricata's key>":true */
    } names[] = {
        {TCP_SYN, ",\"syn\":true"}, {TCP_FIN, ",\"fin\":true"}, {TCP_RST, ",\"rst\":true"},
        {TCP_PSH, ",\"psh\":true"}, {TCP_ACK, ",\"ack\":true"}, {TCP_URG, ",\"urg\":true"},
        {TCP_ECE, ",\"ecn\":true"}, {TCP_CWR, ",\"cwr\":true"},
    };
    static const char hex[] = "0123456789abcdef";
    uint8_t all = f->tcp_flags[FLOW_TOSERVER] | f->tcp_flags[FLOW_TOCLIENT];
    const uint8_t v[3] = {all, f->tcp_flags[FLOW_TOSERVER], f->tcp_flags[FLOW_TOCLIENT]};
    static const char *const keys[3] = {",\"tcp\":{\"tcp_flags\":", ",\"tcp_flags_ts\":",
                                        ",\"tcp_flags_tc\":"};

    for (size_t i = 0; i < 3; i++) {
        char q[4] = {'"', hex[v[i] >> 4], hex[v[i] & 0x0F], '"'};

        if (!eve_line_put(ev, keys[i], strlen(keys[i])) || !eve_line_put(ev, q, sizeof(q)))
            return false;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if ((all & names[i].bit) && !eve_line_put(ev, names[i].text, strlen(names[i].text)))
            return false;
    }
    return eve_line_put(ev, "}", 1);
}

/*
 * The flow event written straight into the line buffer: the same bytes as
 * the jansson tree below gives, without building and freeing ~40 jansson
 * values per flow (they were 80% of writing a flow event, and flow events
 * a quarter of the sensor's work on a busy link).  False when a string is
 * not plain ASCII or memory runs out: the caller then takes the tree path.
 */
static bool eve_write_flow_line(struct eve *ev, const struct flow *f)
{
    char ts[EVE_TS_LEN], ip[64], num[8];
    bool ports = f->proto == 6 || f->proto == 17 || f->proto == 132;
    bool icmp = f->proto == 1 || f->proto == 58;
    const char *app = app_proto_name(f->app_proto);
    unsigned nv = f->vlan_count > PKT_MAX_VLANS ? PKT_MAX_VLANS : f->vlan_count;
    bool ok;

    eve_line_reset(ev);
    ok = eve_line_kstr(ev, "{\"timestamp\":", eve_format_ts(f->last_us, ts, sizeof(ts)));
    if (ok && f->flow_id)
        ok = eve_line_u64(ev, ",\"flow_id\":", f->flow_id);
    ok = ok && eve_line_kstr(ev, ",\"event_type\":", "flow");
    for (unsigned i = 0; ok && i < nv; i++)
        ok = eve_line_put(ev, i ? "," : ",\"vlan\":[", i ? 1 : 9) &&
             eve_line_integer(ev, f->vlan[i]);
    if (ok && nv)
        ok = eve_line_put(ev, "]", 1);
    if (ok && f->cli_ip.family) {
        ok = eve_line_kstr(ev, ",\"src_ip\":", ip_addr_str(&f->cli_ip, ip, sizeof(ip)));
        if (ok && ports)
            ok = eve_line_u64(ev, ",\"src_port\":", f->cli_port);
    }
    if (ok && f->srv_ip.family) {
        ok = eve_line_kstr(ev, ",\"dest_ip\":", ip_addr_str(&f->srv_ip, ip, sizeof(ip)));
        if (ok && ports)
            ok = eve_line_u64(ev, ",\"dest_port\":", f->srv_port);
    }
    ok = ok && eve_line_kstr(ev, ",\"proto\":", eve_proto_name(f->proto, num, sizeof(num)));
    if (ok && icmp)
        ok = eve_line_u64(ev, ",\"icmp_type\":", f->cli_port) &&
             eve_line_u64(ev, ",\"icmp_code\":", f->srv_port);
    if (ok && f->community_id[0])
        ok = eve_line_kstr(ev, ",\"community_id\":", f->community_id);
    if (ok && app)
        ok = eve_line_kstr(ev, ",\"app_proto\":", app);
    ok = ok && eve_line_u64(ev, ",\"flow\":{\"pkts_toserver\":", f->pkts[FLOW_TOSERVER]) &&
         eve_line_u64(ev, ",\"pkts_toclient\":", f->pkts[FLOW_TOCLIENT]) &&
         eve_line_u64(ev, ",\"bytes_toserver\":", f->bytes[FLOW_TOSERVER]) &&
         eve_line_u64(ev, ",\"bytes_toclient\":", f->bytes[FLOW_TOCLIENT]) &&
         eve_line_kstr(ev, ",\"start\":", eve_format_ts(f->start_us, ts, sizeof(ts))) &&
         eve_line_kstr(ev, ",\"end\":", eve_format_ts(f->last_us, ts, sizeof(ts))) &&
         eve_line_put(ev, ",\"age\":", 7) &&
         eve_line_integer(ev, eve_secs(f->last_us) - eve_secs(f->start_us)) &&
         eve_line_kstr(ev, ",\"state\":", eve_flow_state(f->state)) &&
         eve_line_kstr(ev, ",\"reason\":", eve_flow_reason(f->end_reason)) &&
         eve_line_put(ev, f->alerted ? ",\"alerted\":true}" : ",\"alerted\":false}",
                      f->alerted ? 16 : 17);
    if (ok && f->proto == 6)
        ok = eve_line_flow_tcp(ev, f);
    return ok && eve_line_put(ev, "}", 1);
}

void eve_write_flow(struct eve *ev, const struct flow *f)
{
    char ts[EVE_TS_LEN];
    const char *app;
    json_t *o, *fl;

    if (!ev || !f || !ev->cfg.eve_flow)
        return;
    if (eve_write_flow_line(ev, f)) {
        eve_line_emit(ev);
        return;
    }
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
