/*
 * detect_svc.c - the framework services detectors call (detector.h):
 * reporting events (with the tunnel and internal-address facts the
 * framework adds), re-orienting a flow, refining its protocol, proxy
 * tunnels (a nested detection layer) and the dispatch of parsed HTTP
 * messages to the detectors of HTTP-borne protocols.
 */
#include "detect/detect_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "detect/det_http.h"

/*
 * Parses an embedded address "a.b.c.d", "a.b.c.d:port", "[v6]", "[v6]:port"
 * or bare IPv6 text into family/addr.  False when it is none of those.
 */
static bool det_parse_addr(const uint8_t *val, size_t len, uint8_t *family, uint8_t addr[16])
{
    char text[64];
    const char *host = text;
    char *colon;
    struct in_addr a4;
    struct in6_addr a6;

    if (len == 0 || len >= sizeof(text))
        return false;
    memcpy(text, val, len);
    text[len] = '\0';
    if (memchr(text, '\0', len))
        return false;
    if (text[0] == '[') {
        char *close = strchr(text, ']');

        if (!close)
            return false;
        *close = '\0';
        host = text + 1;
    } else if ((colon = strchr(text, ':')) && !strchr(colon + 1, ':')) {
        *colon = '\0'; /* one colon: IPv4 with a port */
    }
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, host, &a4) == 1) {
        *family = 4;
        memcpy(addr, &a4, 4);
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6) == 1) {
        *family = 6;
        memcpy(addr, &a6, 16);
        return true;
    }
    return false;
}

static bool det_has_fact(const struct app_event *ev, enum app_fact_key key)
{
    size_t len;

    return app_event_get(ev, key, &len) != NULL;
}

/* Adds INTERNAL_ADDRESS for every embedded address inside the home networks. */
static void det_add_internal(struct det_call *call, struct app_event *ev)
{
    unsigned n = ev->n_facts;

    if (det_has_fact(ev, APP_FACT_INTERNAL_ADDRESS))
        return; /* the detector judged it itself */
    for (unsigned i = 0; i < n; i++) {
        uint8_t fam, addr[16];

        if (ev->facts[i].key != APP_FACT_EMBEDDED_ADDRESS)
            continue;
        if (det_parse_addr(ev->facts[i].val, ev->facts[i].len, &fam, addr) &&
            config_is_home(call->dc->cfg, fam, addr))
            app_event_add(ev, APP_FACT_INTERNAL_ADDRESS, ev->facts[i].val, ev->facts[i].len);
    }
}

void det_emit(struct det_call *call, struct app_event *ev)
{
    struct detect_ctx *dc = call->dc;
    struct det_layer *l = call->layer;
    struct sig_tunnel tun;
    const struct sig_tunnel *tp = det_layer_tunnel(l, &tun);

    ev->ts_us = dc->now_us;
    if (tp) {
        if (!det_has_fact(ev, APP_FACT_TUNNEL))
            app_event_add_str(ev, APP_FACT_TUNNEL, l->carrier);
        if (!det_has_fact(ev, APP_FACT_TUNNEL_TARGET) && l->target[0])
            app_event_add_str(ev, APP_FACT_TUNNEL_TARGET, l->target);
    }
    det_add_internal(call, ev);
    stats_inc(dc->st, STAT_DETECT_EVENTS);
    if (dc->hook)
        dc->hook(dc->hook_user, call->f, ev);
    if (dc->sigs)
        sig_event(dc->sigs, call->f, ev, tp);
    if (ev->type == APP_EVENT_LOGIN)
        det_bf_login(call, ev);
}

const struct flow *det_flow(const struct det_call *call)
{
    return call->f;
}

int64_t det_now(const struct det_call *call)
{
    return call->dc->now_us;
}

void det_set_client(struct det_call *call, enum flow_dir client_dir)
{
    /* the handshake decided, and a tunnel's client is the proxy's client */
    if (client_dir != FLOW_TOCLIENT || call->f->client_from_syn || call->layer->depth > 0)
        return;
    flow_set_client(call->f, FLOW_TOCLIENT);
    det_layer_swap(&call->df->top);
    sig_flow_swap(call->f); /* the matcher's per-direction state follows its bytes */
    call->df->swaps++;
}

void det_set_proto(struct det_call *call, enum app_proto proto)
{
    if ((unsigned)proto >= APP_PROTO__COUNT)
        return;
    call->proto_set = true;
    det_layer_set_proto(call, call->layer, proto);
}

bool det_is_home(const struct det_call *call, uint8_t family, const uint8_t addr[16])
{
    return config_is_home(call->dc->cfg, family, addr);
}

/* Port of "host:port" / "[v6]:port", 0 when none. */
static uint16_t det_target_port(const char *target)
{
    const char *c = strrchr(target, ':');
    unsigned long v = 0;

    if (!c || (strchr(target, ':') != c && target[0] != '['))
        return 0;
    for (c++; *c; c++) {
        if (*c < '0' || *c > '9' || v > 65535)
            return 0;
        v = v * 10 + (unsigned long)(*c - '0');
    }
    return v <= 65535 ? (uint16_t)v : 0;
}

void det_tunnel_open(struct det_call *call, const char *carrier, const char *target)
{
    struct det_layer *l = call->layer;
    struct det_layer *in;

    if (l->depth + 1 > LIM_DETECT_TUNNEL_DEPTH) {
        stats_inc(call->dc->st, STAT_DETECT_TUNNEL_DEPTH);
        return;
    }
    if (l->inner) {
        /* a new tunnel replaces the old one (the old stream is over) */
        struct det_call sub;

        det_call_init(&sub, call->dc, call->f, call->df, l->inner);
        det_layer_end(&sub, l->inner);
        free(l->inner);
        l->inner = NULL;
    }
    in = malloc(sizeof(*in));
    if (!in) {
        stats_inc(call->dc->st, STAT_DETECT_ALLOC_FAIL);
        return;
    }
    if (!target)
        target = "";
    det_layer_init(call->dc, in, 6, det_target_port(target), 0);
    in->depth = l->depth + 1;
    in->outer = l;
    snprintf(in->carrier, sizeof(in->carrier), "%s", carrier ? carrier : "");
    snprintf(in->target, sizeof(in->target), "%s", target);
    l->inner = in;
    stats_inc(call->dc->st, STAT_DETECT_TUNNEL_OPENED);
}

void det_tunnel_data(struct det_call *call, enum flow_dir dir, const uint8_t *data, size_t len,
                     unsigned flags)
{
    struct det_layer *l = call->layer;
    struct det_layer *in = l->inner;
    struct det_call sub;

    if (!in) {
        stats_inc(call->dc->st, STAT_DETECT_TUNNEL_NO_LAYER);
        return;
    }
    if (l->chunk_matched) {
        /* the carrier's layer already matched these bytes: the inner one must not again */
        uint64_t end = in->rx[dir] + len;

        if (in->sig_done[dir] < end)
            in->sig_done[dir] = end;
    }
    det_call_init(&sub, call->dc, call->f, call->df, in);
    det_layer_data(&sub, in, dir, data, len, flags);
}

bool det_http_dispatch(struct det_call *call, const struct http_msg *msg)
{
    struct detect_ctx *dc = call->dc;
    struct det_layer *l = call->layer;
    struct det_call sub;

    if (l->http_owner) {
        const struct detector *det = dc->table[l->http_owner - 1];

        det_call_init(&sub, dc, call->f, call->df, l);
        sub.det = det;
        return det->http_inspect(&sub, msg);
    }
    for (unsigned i = 0; i < dc->n_det; i++) {
        const struct detector *det = dc->table[i];

        if (det == call->det || !det->http_inspect)
            continue;
        det_call_init(&sub, dc, call->f, call->df, l);
        sub.det = det;
        if (!det->http_inspect(&sub, msg))
            continue;
        l->http_owner = i + 1;
        if (!sub.proto_set)
            det_layer_set_proto(&sub, l, det->proto);
        {
            /* the flow is now known to carry det's protocol: report it once */
            struct app_event ev;

            app_event_init(&ev, APP_EVENT_PRESENCE, l->proto, msg->is_request ? FLOW_TOSERVER
                                                                               : FLOW_TOCLIENT);
            if (det_is_im_p2p(l->proto))
                app_event_add_str(&ev, APP_FACT_SERVICE, app_proto_name(l->proto));
            det_emit(&sub, &ev);
        }
        return true;
    }
    return false;
}
