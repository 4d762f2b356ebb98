/*
 * sig_alert.c - turns a signature match into an alert on the output:
 * suppression, threshold and rate limit first, then struct alert from the
 * signature and the event's facts (DESIGN.md "EVE output").
 *
 * alert.metadata: every fact of the event, key = fact name (app_facts.def),
 * in the order the detector added them (the password fact passes through
 * raw: the output applies credentials.password); then "service" from the
 * signature's services unless the event had a service fact; "tunnel" and
 * "tunnel_target" from the tunnel the bytes came through unless the event
 * named them; "countermeasure"; "risk" for each risk category.  Entries
 * beyond ALERT_MAX_META are dropped, facts first kept.
 */
#include "sig_priv.h"

#include <string.h>

/* Appends one metadata entry if there is room. */
static void sig_meta_add(struct alert *a, const char *key, const void *val, size_t len)
{
    if (a->n_meta >= ALERT_MAX_META || !key)
        return;
    a->meta[a->n_meta].key = key;
    a->meta[a->n_meta].value = val;
    a->meta[a->n_meta].value_len = len;
    a->n_meta++;
}

bool sig_alert_raise(struct sig_ctx *sc, struct flow *f, const struct sig *s,
                     const struct app_event *ev, enum flow_dir dir, enum app_proto proto,
                     const struct sig_tunnel *tun, int64_t ts_us)
{
    const struct ip_addr *src = dir == FLOW_TOCLIENT ? &f->srv_ip : &f->cli_ip;
    const struct ip_addr *dst = dir == FLOW_TOCLIENT ? &f->cli_ip : &f->srv_ip;
    bool has_service = false, has_tunnel = false, has_target = false;
    struct alert a;

    if (sig_suppressed(sc->cfg, s->id, src, dst)) {
        stats_inc(sc->st, STAT_DETECT_ALERTS_SUPPRESSED);
        return false;
    }
    if (!sig_threshold_pass(sc, s, f, src, dst, ts_us)) {
        stats_inc(sc->st, STAT_DETECT_ALERTS_THRESHOLDED);
        return false;
    }
    if (!sig_rate_pass(sc, ts_us)) {
        stats_inc(sc->st, STAT_DETECT_ALERTS_RATE_LIMITED);
        return false;
    }

    memset(&a, 0, sizeof(a));
    a.sid = s->id;
    a.rev = s->rev;
    a.msg = s->msg;
    a.category = s->category;
    a.severity = s->severity;
    a.app_proto = proto;
    a.dir = dir;
    a.ts_us = ts_us;
    if (ev) {
        unsigned nf = ev->n_facts < APP_EVENT_MAX_FACTS ? ev->n_facts : APP_EVENT_MAX_FACTS;

        for (unsigned i = 0; i < nf; i++) {
            const struct app_fact *fa = &ev->facts[i];

            has_service |= fa->key == APP_FACT_SERVICE;
            has_tunnel |= fa->key == APP_FACT_TUNNEL;
            has_target |= fa->key == APP_FACT_TUNNEL_TARGET;
            sig_meta_add(&a, app_fact_name(fa->key), fa->val, fa->val ? fa->len : 0);
        }
    }
    if (!has_service)
        for (unsigned i = 0; i < s->n_services; i++)
            sig_meta_add(&a, "service", s->services[i], strlen(s->services[i]));
    if (tun && tun->carrier && tun->carrier[0] && !has_tunnel)
        sig_meta_add(&a, "tunnel", tun->carrier, strlen(tun->carrier));
    if (tun && tun->carrier && tun->target && tun->target[0] && !has_target)
        sig_meta_add(&a, "tunnel_target", tun->target, strlen(tun->target));
    if (s->countermeasure)
        sig_meta_add(&a, "countermeasure", s->countermeasure, strlen(s->countermeasure));
    for (unsigned i = 0; i < s->n_risks; i++)
        sig_meta_add(&a, "risk", s->risks[i], strlen(s->risks[i]));

    if (sc->ev)
        eve_write_alert(sc->ev, f, &a);
    f->alerted = true;
    stats_inc(sc->st, STAT_DETECT_ALERT);
    if (sc->alert_counts)
        sc->alert_counts[s->idx]++;
    return true;
}
