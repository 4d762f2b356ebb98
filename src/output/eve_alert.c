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
 *
 * Passwords (issue 5): the signature engine passes the recovered secret
 * through as metadata "password"; only here is it decided what is written
 * (credentials.password): "[redacted]" (default), "hmac-sha256:" and the
 * first 16 bytes of HMAC-SHA256(credentials.hmac-key, password) in hex
 * (RFC 2104, so analysts can tell equal passwords apart without learning
 * them), or the password itself (clear).  Unless clear, no other value may
 * carry it: every occurrence of a password of 3 bytes or more inside
 * another metadata value is replaced by "[redacted]".
 */
#include "imsentry/output.h"

#include <string.h>

#include <nettle/hmac.h>

#include "eve_private.h"

/* What replaces a password (and its copies inside other values). */
#define EVE_REDACTED "[redacted]"
/* Shortest password searched for inside other values (shorter ones match too much). */
#define EVE_PW_MIN_SCAN 3
/* Bytes of the HMAC written (hex doubles them). */
#define EVE_HMAC_BYTES 16
/* Longest metadata value rewritten with its password copies cut out. */
#define EVE_SCRUB_MAX 8192

/* "hmac-sha256:<32 hex>" for a password. */
static json_t *eve_password_hmac(const struct eve *ev, const uint8_t *pw, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char out[sizeof("hmac-sha256:") + 2 * EVE_HMAC_BYTES];
    uint8_t digest[SHA256_DIGEST_SIZE];
    struct hmac_sha256_ctx ctx;
    size_t n = sizeof("hmac-sha256:") - 1;

    hmac_sha256_set_key(&ctx, strlen(ev->cfg.cred_hmac_key),
                        (const uint8_t *)ev->cfg.cred_hmac_key);
    hmac_sha256_update(&ctx, len, pw);
    hmac_sha256_digest(&ctx, sizeof(digest), digest);
    memcpy(out, "hmac-sha256:", n);
    for (unsigned i = 0; i < EVE_HMAC_BYTES; i++) {
        out[n++] = hex[digest[i] >> 4];
        out[n++] = hex[digest[i] & 15];
    }
    out[n] = '\0';
    return json_string(out);
}

/* The JSON value of a password per credentials.password. */
static json_t *eve_password_value(const struct eve *ev, const uint8_t *pw, size_t len)
{
    switch (ev->cfg.cred_password) {
    case CRED_PASSWORD_CLEAR:
        return eve_json_wire_string(pw, len);
    case CRED_PASSWORD_HMAC:
        return eve_password_hmac(ev, pw, len);
    default:
        return json_string(EVE_REDACTED);
    }
}

/* First occurrence of needle in hay at or after from, or (size_t)-1. */
static size_t eve_find(const uint8_t *hay, size_t hlen, size_t from, const uint8_t *needle,
                       size_t nlen)
{
    for (size_t i = from; nlen <= hlen && i <= hlen - nlen; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            return i;
    return (size_t)-1;
}

/*
 * A value with every copy of the alert's passwords replaced; NULL when it
 * holds none (the caller writes it as is).
 */
static json_t *eve_scrub_value(const struct alert *a, unsigned n, const uint8_t *v, size_t len)
{
    uint8_t cur[EVE_SCRUB_MAX], next[EVE_SCRUB_MAX];
    size_t clen = len;
    bool changed = false;

    if (!v || len == 0)
        return NULL;
    if (len > EVE_SCRUB_MAX) /* too long to rewrite here: refuse to write it at all */
        return json_string(EVE_REDACTED);
    memcpy(cur, v, len);
    for (unsigned p = 0; p < n; p++) {
        const struct alert_meta *m = &a->meta[p];
        size_t at, from = 0, nlen = 0;

        if (!m->key || strcmp(m->key, "password") != 0 || !m->value ||
            m->value_len < EVE_PW_MIN_SCAN)
            continue;
        while ((at = eve_find(cur, clen, from, m->value, m->value_len)) != (size_t)-1) {
            size_t rl = sizeof(EVE_REDACTED) - 1;

            if (nlen + (at - from) + rl > sizeof(next))
                return json_string(EVE_REDACTED);
            memcpy(next + nlen, cur + from, at - from);
            nlen += at - from;
            memcpy(next + nlen, EVE_REDACTED, rl);
            nlen += rl;
            from = at + m->value_len;
            changed = true;
        }
        if (from) {
            if (nlen + (clen - from) > sizeof(next))
                return json_string(EVE_REDACTED);
            memcpy(next + nlen, cur + from, clen - from);
            nlen += clen - from;
            memcpy(cur, next, nlen);
            clen = nlen;
        }
    }
    return changed ? eve_json_wire_string(cur, clen) : NULL;
}

/* alert.metadata: one array of strings per key, keys in order of first appearance. */
static json_t *eve_alert_metadata(const struct eve *ev, const struct alert *a)
{
    bool scrub = ev->cfg.cred_password != CRED_PASSWORD_CLEAR;
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
        if (strcmp(m->key, "password") == 0) {
            json_array_append_new(arr,
                                  eve_password_value(ev, m->value, m->value ? m->value_len : 0));
        } else {
            json_t *v = scrub ? eve_scrub_value(a, n, m->value, m->value_len) : NULL;

            json_array_append_new(
                arr, v ? v : eve_json_wire_string(m->value, m->value ? m->value_len : 0));
        }
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
        json_object_set_new(al, "metadata", eve_alert_metadata(ev, a));
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
