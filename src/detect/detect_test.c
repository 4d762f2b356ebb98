/*
 * detect_test.c - test support (detect_test.h): drives the detect stage
 * with a fake flow and records the events it reports, for the unit tests
 * and fuzz targets of the framework and of every detector.  Not used by the
 * sensor itself; it is in the core library so that each test executable,
 * which links only imsentry_core, has it.
 */
#include "imsentry/detect_test.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_int.h"
#include "imsentry/stream.h"

/* 2002-04-16T12:00:00Z, the house epoch of the sample captures. */
#define DET_TEST_T0 (1018958400ll * 1000000)

struct det_test {
    struct config cfg;           /* config_defaults() unless the test changes it */
    struct stats st;             /* counters */
    struct detect_ctx *dc;       /* the stage under test */
    struct flow f;               /* the fake flow */
    struct flow f_proto;         /* the flow as created (restored by det_test_end) */
    enum app_proto end_proto;    /* app_proto when the flow last ended */
    bool ended;                  /* det_test_end ran and nothing was fed since */
    int64_t now_us;              /* packet time of the next feed */
    const struct detector *one[1]; /* the single detector asked for by name */
    struct det_test_event *ev;   /* recorded events */
    unsigned n_ev;               /* entries used */
    unsigned cap_ev;             /* entries allocated */
    uint8_t *sbuf[2];            /* bytes handed to signature stream matching, per direction */
    size_t slen[2];              /* bytes in sbuf */
    size_t scap[2];              /* bytes allocated */
    uint64_t sgap[2];            /* hole bytes handed on */
    enum app_proto sproto[2];    /* app_proto of the last piece */
    char stun[2][32];            /* tunnel carrier of the last piece ("" when none) */
};

/* Most stream bytes recorded per direction (the rest are counted as gaps are: not kept). */
#define DET_TEST_STREAM_MAX (1u << 20)

static void det_test_stream_hook(void *user, const struct flow *f, enum flow_dir dir,
                                 enum app_proto proto, const uint8_t *data, size_t len,
                                 unsigned flags, const struct sig_tunnel *tun)
{
    struct det_test *t = user;

    t->sproto[dir] = proto;
    snprintf(t->stun[dir], sizeof(t->stun[dir]), "%s", tun && tun->carrier ? tun->carrier : "");
    if (flags & STREAM_DATA_GAP) {
        t->sgap[dir] += len;
        return;
    }
    if (t->slen[dir] + len > DET_TEST_STREAM_MAX)
        return;
    if (t->slen[dir] + len > t->scap[dir]) {
        size_t cap = t->scap[dir] ? t->scap[dir] : 1024;
        uint8_t *n;

        while (cap < t->slen[dir] + len)
            cap *= 2;
        n = realloc(t->sbuf[dir], cap);
        if (!n)
            return;
        t->sbuf[dir] = n;
        t->scap[dir] = cap;
    }
    memcpy(t->sbuf[dir] + t->slen[dir], data, len);
    t->slen[dir] += len;
}

static void det_test_hook(void *user, const struct flow *f, const struct app_event *ev)
{
    struct det_test *t = user;
    struct det_test_event *e;

    if (t->n_ev == t->cap_ev) {
        unsigned cap = t->cap_ev ? t->cap_ev * 2 : 16;
        struct det_test_event *n = realloc(t->ev, cap * sizeof(*n));

        if (!n)
            return;
        t->ev = n;
        t->cap_ev = cap;
    }
    e = &t->ev[t->n_ev];
    memset(e, 0, sizeof(*e));
    e->type = ev->type;
    e->proto = ev->proto;
    e->dir = ev->dir;
    e->ts_us = ev->ts_us;
    e->flow_proto = f->app_proto;
    for (unsigned i = 0; i < ev->n_facts && i < APP_EVENT_MAX_FACTS; i++) {
        char *v = malloc(ev->facts[i].len + 1);

        if (!v)
            break;
        if (ev->facts[i].len)
            memcpy(v, ev->facts[i].val, ev->facts[i].len);
        v[ev->facts[i].len] = '\0';
        e->facts[e->n_facts].key = ev->facts[i].key;
        e->facts[e->n_facts].val = v;
        e->facts[e->n_facts].len = ev->facts[i].len;
        e->n_facts++;
    }
    t->n_ev++;
}

static void det_test_addr4(struct ip_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    a->a[0] = b0;
    a->a[1] = b1;
    a->a[2] = b2;
    a->a[3] = b3;
}

struct det_test *det_test_new_table(const struct detector *const *table, unsigned n,
                                    uint8_t ipproto, uint16_t cli_port, uint16_t srv_port)
{
    struct det_test *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    config_defaults(&t->cfg);
    t->dc = detect_ctx_new(&t->cfg, &t->st, NULL);
    if (!t->dc) {
        free(t);
        return NULL;
    }
    if (table)
        detect_ctx_set_table(t->dc, table, n);
    detect_ctx_set_event_hook(t->dc, det_test_hook, t);
    t->dc->stream_hook = det_test_stream_hook;
    det_test_addr4(&t->f.cli_ip, 10, 0, 0, 1);
    det_test_addr4(&t->f.srv_ip, 192, 0, 2, 1);
    t->f.cli_port = cli_port;
    t->f.srv_port = srv_port;
    t->f.proto = ipproto;
    t->f.flow_id = 1;
    t->f.state = FLOW_STATE_ESTABLISHED;
    t->f.start_us = DET_TEST_T0;
    t->f_proto = t->f;
    t->now_us = DET_TEST_T0;
    return t;
}

struct det_test *det_test_new(const char *detector_name, uint8_t ipproto, uint16_t cli_port,
                              uint16_t srv_port)
{
    struct det_test *t;
    const struct detector *found = NULL;

    if (!detector_name)
        return det_test_new_table(NULL, 0, ipproto, cli_port, srv_port);
    for (unsigned i = 0; i < detector_count; i++) {
        if (strcmp(detector_table[i]->name, detector_name) == 0 &&
            detector_table[i]->ipproto == ipproto) {
            found = detector_table[i];
            break;
        }
    }
    for (unsigned i = 0; !found && i < detector_count; i++) {
        if (strcmp(detector_table[i]->name, detector_name) == 0)
            found = detector_table[i];
    }
    if (!found)
        return NULL;
    t = det_test_new_table(NULL, 0, ipproto, cli_port, srv_port);
    if (!t)
        return NULL;
    t->one[0] = found;
    detect_ctx_set_table(t->dc, t->one, 1);
    return t;
}

static bool det_test_parse_addr(const char *s, struct ip_addr *a)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, s, a->a) == 1) {
        a->family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, s, a->a) == 1) {
        a->family = 6;
        return true;
    }
    return false;
}

bool det_test_set_addrs(struct det_test *t, const char *cli, const char *srv)
{
    struct ip_addr c, s;

    if (!det_test_parse_addr(cli, &c) || !det_test_parse_addr(srv, &s))
        return false;
    t->f.cli_ip = c;
    t->f.srv_ip = s;
    t->f_proto.cli_ip = c;
    t->f_proto.srv_ip = s;
    return true;
}

struct config *det_test_config(struct det_test *t)
{
    return &t->cfg;
}

struct stats *det_test_stats(struct det_test *t)
{
    return &t->st;
}

struct flow *det_test_flow(struct det_test *t)
{
    return &t->f;
}

struct detect_ctx *det_test_ctx(struct det_test *t)
{
    return t->dc;
}

void det_test_set_time(struct det_test *t, int64_t ts_us)
{
    t->now_us = ts_us;
}

/* Packet time for the next delivery; a flow that ended starts afresh. */
static void det_test_tick(struct det_test *t)
{
    if (t->ended) {
        t->f = t->f_proto;
        t->ended = false;
    }
    detect_set_time(t->dc, t->now_us);
    t->f.last_us = t->now_us;
    t->now_us += 1000;
}

void det_test_feed(struct det_test *t, enum flow_dir dir, const void *data, size_t len)
{
    det_test_tick(t);
    if (t->f.proto == 17) {
        struct packet pkt;

        memset(&pkt, 0, sizeof(pkt));
        pkt.ts_us = t->dc->now_us;
        pkt.ip_version = t->f.cli_ip.family;
        pkt.ip_proto = 17;
        pkt.src = dir == FLOW_TOSERVER ? t->f.cli_ip : t->f.srv_ip;
        pkt.dst = dir == FLOW_TOSERVER ? t->f.srv_ip : t->f.cli_ip;
        pkt.sport = dir == FLOW_TOSERVER ? t->f.cli_port : t->f.srv_port;
        pkt.dport = dir == FLOW_TOSERVER ? t->f.srv_port : t->f.cli_port;
        pkt.payload = data;
        pkt.payload_len = (uint32_t)len;
        pkt.flags = PKT_HAS_L4;
        t->f.pkts[dir]++;
        detect_udp(t->dc, &t->f, dir, &pkt);
        return;
    }
    t->f.pkts[dir]++;
    detect_stream_data(t->dc, &t->f, dir, data, len, 0);
}

void det_test_gap(struct det_test *t, enum flow_dir dir, size_t len)
{
    det_test_tick(t);
    detect_stream_data(t->dc, &t->f, dir, NULL, len, STREAM_DATA_GAP);
}

void det_test_end(struct det_test *t)
{
    if (t->ended)
        return;
    detect_set_time(t->dc, t->now_us);
    detect_flow_end(t->dc, &t->f);
    t->end_proto = t->f.app_proto;
    t->ended = true;
}

void det_test_emit(struct det_test *t, struct app_event *ev)
{
    struct det_flow *df;
    struct det_call call;

    det_test_tick(t);
    df = det_flow_get(t->dc, &t->f);
    if (!df)
        return;
    det_call_init(&call, t->dc, &t->f, df, &df->top);
    det_emit(&call, ev);
}

unsigned det_test_n_events(const struct det_test *t)
{
    return t->n_ev;
}

const struct det_test_event *det_test_event(const struct det_test *t, unsigned i)
{
    return i < t->n_ev ? &t->ev[i] : NULL;
}

const struct det_test_event *det_test_find(const struct det_test *t, enum app_event_type type,
                                           unsigned from)
{
    for (unsigned i = from; i < t->n_ev; i++) {
        if (t->ev[i].type == type)
            return &t->ev[i];
    }
    return NULL;
}

unsigned det_test_count(const struct det_test *t, enum app_event_type type)
{
    unsigned n = 0;

    for (unsigned i = 0; i < t->n_ev; i++)
        n += t->ev[i].type == type;
    return n;
}

const char *det_test_fact(const struct det_test_event *e, enum app_fact_key key)
{
    if (!e)
        return NULL;
    for (unsigned i = 0; i < e->n_facts; i++) {
        if (e->facts[i].key == key)
            return e->facts[i].val;
    }
    return NULL;
}

enum app_proto det_test_app_proto(const struct det_test *t)
{
    return t->ended ? t->end_proto : t->f.app_proto;
}

void det_test_clear_events(struct det_test *t)
{
    for (unsigned i = 0; i < t->n_ev; i++) {
        for (unsigned j = 0; j < t->ev[i].n_facts; j++)
            free(t->ev[i].facts[j].val);
    }
    t->n_ev = 0;
}

void det_test_free(struct det_test *t)
{
    if (!t)
        return;
    det_test_end(t);
    det_test_clear_events(t);
    free(t->ev);
    free(t->sbuf[0]);
    free(t->sbuf[1]);
    detect_ctx_free(t->dc);
    free(t);
}

const uint8_t *det_test_stream(const struct det_test *t, enum flow_dir dir, size_t *len)
{
    *len = t->slen[dir];
    return t->sbuf[dir] ? t->sbuf[dir] : (const uint8_t *)"";
}

uint64_t det_test_stream_gap(const struct det_test *t, enum flow_dir dir)
{
    return t->sgap[dir];
}

enum app_proto det_test_stream_proto(const struct det_test *t, enum flow_dir dir)
{
    return t->sproto[dir];
}

const char *det_test_stream_tunnel(const struct det_test *t, enum flow_dir dir)
{
    return t->stun[dir][0] ? t->stun[dir] : NULL;
}
