/*
 * sig_threshold.c - what may stop a signature match from becoming an
 * alert: per-signature thresholds (Snort's threshold / Suricata's
 * threshold keyword: type limit, threshold or both; track by_src, by_dst
 * or by_flow; count per seconds of packet time), the alerts.suppress list
 * and the global alerts.max-per-second rate limit.
 *
 *   limit:     the first count matches of each period alert;
 *   threshold: every count-th match of a period alerts;
 *   both:      one alert per period, at the count-th match.
 * A period starts at the first match of a tracked key and lasts seconds.
 *
 * Thresholds are tracked per worker in a fixed table of
 * LIM_SIG_THRESHOLD_ENTRIES entries (open addressing, expired entries are
 * reused).  When no entry can be had the match alerts (a full table must
 * not hide attacks) and detect.threshold_table_full is counted.
 */
#include "sig_priv.h"

#include <stdlib.h>
#include <string.h>

/* Slots probed for a key before the table counts as full. */
#define SIG_THR_PROBES 32

/* Hash of (sid, key). */
static uint32_t sig_thr_hash(uint32_t sid, const uint8_t key[17])
{
    uint64_t h = 14695981039346656037ull ^ sid;

    for (unsigned i = 0; i < 17; i++) {
        h ^= key[i];
        h *= 1099511628211ull;
    }
    return (uint32_t)(h ^ (h >> 32));
}

bool sig_threshold_pass(struct sig_ctx *sc, const struct sig *s, const struct flow *f,
                        const struct ip_addr *src, const struct ip_addr *dst, int64_t ts_us)
{
    const int64_t period = (int64_t)s->thr_seconds * 1000000;
    struct sig_thr_entry *e = NULL;
    uint8_t key[17] = {0};
    uint32_t h;

    if (s->thr_type == SIG_THR_NONE)
        return true;
    if (!sc->thr) {
        sc->thr = calloc(LIM_SIG_THRESHOLD_ENTRIES, sizeof(*sc->thr));
        if (!sc->thr) {
            stats_inc(sc->st, STAT_DETECT_THRESHOLD_TABLE_FULL);
            return true;
        }
    }
    if (s->thr_track == SIG_TRACK_FLOW) {
        key[0] = 0xff;
        memcpy(key + 1, &f->flow_id, sizeof(f->flow_id));
    } else {
        const struct ip_addr *a = s->thr_track == SIG_TRACK_SRC ? src : dst;

        key[0] = a->family;
        memcpy(key + 1, a->a, 16);
    }
    h = sig_thr_hash(s->id, key);
    for (unsigned i = 0; i < SIG_THR_PROBES; i++) {
        struct sig_thr_entry *c = &sc->thr[(h + i) & (LIM_SIG_THRESHOLD_ENTRIES - 1)];

        if (c->sid == s->id && memcmp(c->key, key, sizeof(key)) == 0) {
            e = c;
            break;
        }
        /* a free or expired slot (expired: its period ended; it would restart anyway) */
        if (!e && (c->sid == 0 || ts_us - c->start_us >= c->period_us || ts_us < c->start_us))
            e = c;
    }
    if (!e) {
        stats_inc(sc->st, STAT_DETECT_THRESHOLD_TABLE_FULL);
        return true;
    }
    if (e->sid != s->id || memcmp(e->key, key, sizeof(key)) != 0 || ts_us - e->start_us >= period ||
        ts_us < e->start_us) {
        e->sid = s->id;
        memcpy(e->key, key, sizeof(key));
        e->start_us = ts_us;
        e->period_us = period;
        e->count = 0;
        e->alerted = false;
    }
    if (e->count < UINT32_MAX)
        e->count++;
    switch (s->thr_type) {
    case SIG_THR_LIMIT:
        return e->count <= s->thr_count;
    case SIG_THR_THRESHOLD:
        if (e->count >= s->thr_count) {
            e->count = 0;
            return true;
        }
        return false;
    default: /* both */
        if (e->count >= s->thr_count && !e->alerted) {
            e->alerted = true;
            return true;
        }
        return false;
    }
}

bool sig_suppressed(const struct config *cfg, uint32_t sid, const struct ip_addr *src,
                    const struct ip_addr *dst)
{
    unsigned n;

    if (!cfg)
        return false;
    n = cfg->n_suppress < LIM_ALERT_SUPPRESS ? cfg->n_suppress : LIM_ALERT_SUPPRESS;
    for (unsigned i = 0; i < n; i++) {
        const struct alert_suppress *e = &cfg->suppress[i];

        if (e->sid != sid)
            continue;
        if (e->track == ALERT_TRACK_ANY)
            return true;
        if (e->track == ALERT_TRACK_SRC && cidr_contains(&e->net, src->family, src->a))
            return true;
        if (e->track == ALERT_TRACK_DST && cidr_contains(&e->net, dst->family, dst->a))
            return true;
    }
    return false;
}

bool sig_rate_pass(struct sig_ctx *sc, int64_t ts_us)
{
    uint32_t max = sc->cfg ? sc->cfg->alerts_max_per_second : 0;
    int64_t second = ts_us >= 0 ? ts_us / 1000000 : -((-ts_us + 999999) / 1000000);

    if (max == 0)
        return true;
    if (second != sc->rate_second) {
        sc->rate_second = second;
        sc->rate_count = 0;
    }
    if (sc->rate_count >= max)
        return false;
    sc->rate_count++;
    return true;
}
