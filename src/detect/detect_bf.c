/*
 * detect_bf.c - brute-force logins: failed LOGIN events counted per
 * (client address, server address, service) over a fixed window of packet
 * time; reaching detect.brute-force.threshold within
 * detect.brute-force.window seconds emits one brute_force event on the flow
 * whose login crossed it, then the triple stays quiet for a window.  The
 * trackers are a table of detect.brute-force.max-trackers slots; when it is
 * full the least recently used tracker is evicted (counted).
 */
#include "detect/detect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/err.h"

int det_bf_init(struct detect_ctx *dc)
{
    uint32_t n = dc->cfg->bf_max_trackers ? dc->cfg->bf_max_trackers : LIM_BF_MAX_TRACKERS;

    if (dc->bf)
        return 0;
    dc->bf = calloc(n, sizeof(*dc->bf));
    if (!dc->bf) {
        stats_inc(dc->st, STAT_DETECT_ALLOC_FAIL);
        return IMS_ENOMEM;
    }
    dc->n_bf = n;
    return 0;
}

void det_bf_free(struct detect_ctx *dc)
{
    free(dc->bf);
    dc->bf = NULL;
    dc->n_bf = 0;
}

/* The tracker of a triple: found, a free slot, or the least recently used one evicted. */
static struct det_bf_tracker *det_bf_find(struct detect_ctx *dc, const struct flow *f,
                                          const char *service)
{
    struct det_bf_tracker *free_slot = NULL, *lru = NULL;

    for (uint32_t i = 0; i < dc->n_bf; i++) {
        struct det_bf_tracker *t = &dc->bf[i];

        if (!t->used) {
            if (!free_slot)
                free_slot = t;
            continue;
        }
        if (ip_addr_cmp(&t->cli, &f->cli_ip) == 0 && ip_addr_cmp(&t->srv, &f->srv_ip) == 0 &&
            strcmp(t->service, service) == 0)
            return t;
        if (!lru || t->last_us < lru->last_us)
            lru = t;
    }
    if (!free_slot) {
        if (!lru)
            return NULL;
        stats_inc(dc->st, STAT_DETECT_BF_EVICTED);
        free_slot = lru;
    }
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->used = true;
    free_slot->cli = f->cli_ip;
    free_slot->srv = f->srv_ip;
    snprintf(free_slot->service, sizeof(free_slot->service), "%s", service);
    return free_slot;
}

void det_bf_login(struct det_call *call, const struct app_event *ev)
{
    struct detect_ctx *dc = call->dc;
    const struct config *cfg = dc->cfg;
    uint32_t threshold = cfg->bf_threshold ? cfg->bf_threshold : LIM_BF_THRESHOLD;
    int64_t window = (int64_t)(cfg->bf_window ? cfg->bf_window : LIM_BF_WINDOW) * 1000000;
    char service[16], count[16];
    struct det_bf_tracker *t;
    struct app_event bf;
    const uint8_t *v;
    size_t len;

    v = app_event_get(ev, APP_FACT_LOGIN_OUTCOME, &len);
    if (!v || len != 7 || memcmp(v, "failure", 7) != 0)
        return;
    v = app_event_get(ev, APP_FACT_SERVICE, &len);
    if (v && len > 0 && len < sizeof(service)) {
        memcpy(service, v, len);
        service[len] = '\0';
    } else {
        const char *n = app_proto_name(ev->proto);

        snprintf(service, sizeof(service), "%s", n ? n : "unknown");
    }
    if (det_bf_init(dc) < 0 || !(t = det_bf_find(dc, call->f, service)))
        return;
    if (t->failures == 0 || dc->now_us - t->window_start_us > window) {
        t->window_start_us = dc->now_us;
        t->failures = 0;
    }
    t->failures++;
    t->last_us = dc->now_us;
    if (t->failures < threshold || dc->now_us < t->quiet_until_us)
        return;

    snprintf(count, sizeof(count), "%u", (unsigned)t->failures);
    t->quiet_until_us = dc->now_us + window;
    t->failures = 0;
    app_event_init(&bf, APP_EVENT_BRUTE_FORCE, ev->proto, ev->dir);
    app_event_add_str(&bf, APP_FACT_SERVICE, service);
    app_event_add_str(&bf, APP_FACT_COUNT, count);
    v = app_event_get(ev, APP_FACT_USERNAME, &len);
    if (v)
        app_event_add(&bf, APP_FACT_USERNAME, v, len);
    stats_inc(dc->st, STAT_DETECT_BF_EVENTS);
    det_emit(call, &bf);
}
