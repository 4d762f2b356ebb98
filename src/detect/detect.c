/*
 * detect.c - the app-layer framework: per-flow probing of the detectors in
 * detectors.def, the claim, the replay of the probed bytes to the claiming
 * detector's parser in arrival order, signature stream matching of every
 * byte once the protocol is decided, and the flow's end.
 *
 * A flow is one layer (struct det_layer); a proxy tunnel inside it is a
 * layer of its own (detect_svc.c), run by the same code.  While a layer is
 * probed, each direction's first DETECT_PROBE_MAX bytes are kept with a log
 * of (direction, length) in arrival order so that, once a detector claims
 * it, parse() sees request and response interleaved as they came.
 */
#include "detect/detect_int.h"

#include <stdlib.h>
#include <string.h>

#include "imsentry/stream.h"

static const enum stat_id det_flow_stat[APP_PROTO__COUNT] = {
    [APP_PROTO_UNKNOWN] = STAT__COUNT,
    [APP_PROTO_FAILED] = STAT_APP_FLOW_FAILED,
    [APP_PROTO_AIM] = STAT_APP_FLOW_AIM,
    [APP_PROTO_ICQ] = STAT_APP_FLOW_ICQ,
    [APP_PROTO_MSN] = STAT_APP_FLOW_MSN,
    [APP_PROTO_YAHOO] = STAT_APP_FLOW_YAHOO,
    [APP_PROTO_GNUTELLA] = STAT_APP_FLOW_GNUTELLA,
    [APP_PROTO_KAZAA] = STAT_APP_FLOW_KAZAA,
    [APP_PROTO_IRC] = STAT_APP_FLOW_IRC,
    [APP_PROTO_SOCKS] = STAT_APP_FLOW_SOCKS,
    [APP_PROTO_HTTP_PROXY] = STAT_APP_FLOW_HTTP_PROXY,
    [APP_PROTO_FTP] = STAT_APP_FLOW_FTP,
    [APP_PROTO_POP3] = STAT_APP_FLOW_POP3,
    [APP_PROTO_IMAP] = STAT_APP_FLOW_IMAP,
    [APP_PROTO_SMTP] = STAT_APP_FLOW_SMTP,
    [APP_PROTO_HTTP] = STAT_APP_FLOW_HTTP,
    [APP_PROTO_TELNET] = STAT_APP_FLOW_TELNET,
    [APP_PROTO_DNS] = STAT_APP_FLOW_DNS,
};

/* ---- context ---- */

struct detect_ctx *detect_ctx_new(const struct config *cfg, struct stats *st,
                                  struct sig_ctx *sigs)
{
    struct detect_ctx *dc = calloc(1, sizeof(*dc));

    if (!dc)
        return NULL;
    dc->cfg = cfg;
    dc->st = st;
    dc->sigs = sigs;
    detect_ctx_set_table(dc, detector_table, detector_count);
    return dc;
}

void detect_ctx_free(struct detect_ctx *dc)
{
    if (!dc)
        return;
    det_bf_free(dc);
    free(dc);
}

void detect_ctx_set_table(struct detect_ctx *dc, const struct detector *const *table,
                          unsigned n)
{
    dc->table = table;
    dc->n_det = n;
    if (n > LIM_DETECT_MAX_DETECTORS) {
        stats_inc(dc->st, STAT_DETECT_TABLE_TRUNCATED);
        dc->n_det = LIM_DETECT_MAX_DETECTORS;
    }
}

void detect_ctx_set_mem_cb(struct detect_ctx *dc, void (*fn)(void *user, int64_t delta),
                           void *user)
{
    dc->mem_fn = fn;
    dc->mem_user = user;
}

/* Reports detector state bytes taken (delta > 0) or given back to the flow memory budget. */
static void det_mem(struct detect_ctx *dc, int64_t delta)
{
    if (dc->mem_fn)
        dc->mem_fn(dc->mem_user, delta);
}

void detect_ctx_set_event_hook(struct detect_ctx *dc,
                               void (*fn)(void *user, const struct flow *f,
                                          const struct app_event *ev),
                               void *user)
{
    dc->hook = fn;
    dc->hook_user = user;
}

void detect_set_time(struct detect_ctx *dc, int64_t ts_us)
{
    dc->now_us = ts_us;
}

/* Hands stream bytes to the signature engine (and the test observer). */
static void det_sig_stream(struct detect_ctx *dc, struct flow *f, enum flow_dir dir,
                           enum app_proto proto, const uint8_t *data, size_t len, unsigned flags,
                           const struct sig_tunnel *tun)
{
    if (dc->stream_hook)
        dc->stream_hook(dc->hook_user, f, dir, proto, data, len, flags, tun);
    if (dc->sigs)
        sig_stream(dc->sigs, f, dir, proto, data, len, flags, tun);
}

/* ---- layers ---- */

static bool det_port_hint(const struct detector *det, uint16_t a, uint16_t b)
{
    for (unsigned i = 0; i < det->n_ports; i++) {
        if ((a && det->ports[i] == a) || (b && det->ports[i] == b))
            return true;
    }
    return false;
}

void det_layer_init(struct detect_ctx *dc, struct det_layer *l, uint8_t ipproto,
                    uint16_t port_a, uint16_t port_b)
{
    memset(l, 0, sizeof(*l));
    l->state = DET_LAYER_PROBING;
    l->proto = APP_PROTO_UNKNOWN;
    l->ipproto = ipproto;
    /* port-hint matches first, then the rest, each in table order */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < dc->n_det; i++) {
            const struct detector *det = dc->table[i];

            if (det->ipproto != ipproto || !det->probe)
                continue;
            if (det_port_hint(det, port_a, port_b) == (pass == 0))
                l->cand[l->n_cand++] = (uint8_t)i;
        }
    }
}

void det_call_init(struct det_call *call, struct detect_ctx *dc, struct flow *f,
                   struct det_flow *df, struct det_layer *l)
{
    memset(call, 0, sizeof(*call));
    call->dc = dc;
    call->f = f;
    call->df = df;
    call->layer = l;
}

const struct sig_tunnel *det_layer_tunnel(const struct det_layer *l, struct sig_tunnel *out)
{
    if (l->depth == 0)
        return NULL;
    out->carrier = l->carrier;
    out->target = l->target;
    return out;
}

void det_layer_set_proto(struct det_call *call, struct det_layer *l, enum app_proto p)
{
    l->proto = p;
    if (l->depth == 0)
        call->f->app_proto = p;
}

static void det_layer_free_bufs(struct det_layer *l)
{
    for (int d = 0; d < 2; d++) {
        free(l->buf[d]);
        l->buf[d] = NULL;
        l->buf_len[d] = 0;
        l->probe_off[d] = 0;
    }
    l->n_log = 0;
}

/* Swaps every per-direction field (the flow's orientation changed). */
void det_layer_swap(struct det_layer *l)
{
#define DET_SWAP(a, b)                                                                             \
    do {                                                                                           \
        __typeof__(a) tmp_ = (a);                                                                  \
        (a) = (b);                                                                                 \
        (b) = tmp_;                                                                                \
    } while (0)
    for (; l; l = l->inner) {
        DET_SWAP(l->buf[0], l->buf[1]);
        DET_SWAP(l->buf_len[0], l->buf_len[1]);
        DET_SWAP(l->probe_off[0], l->probe_off[1]);
        DET_SWAP(l->dir_done[0], l->dir_done[1]);
        DET_SWAP(l->replay_off[0], l->replay_off[1]);
        DET_SWAP(l->replay_pos[0], l->replay_pos[1]);
        DET_SWAP(l->rx[0], l->rx[1]);
        DET_SWAP(l->sig_done[0], l->sig_done[1]);
        for (unsigned i = 0; i < l->n_cand; i++) {
            uint8_t no = l->cand_no[i];

            l->cand_no[i] = (uint8_t)(((no & 1u) << 1) | ((no >> 1) & 1u));
        }
        for (unsigned i = 0; i < l->n_log; i++)
            l->log[i].dir ^= 1u;
    }
#undef DET_SWAP
}

/*
 * Signature stream matching of one piece of direction dir that starts at
 * stream offset start: the part already matched (by this layer or the one
 * carrying it) is skipped.
 */
static void det_layer_sig(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                          const uint8_t *data, size_t len, unsigned flags, uint64_t start)
{
    struct sig_tunnel tun;
    uint64_t end = start + len;

    if (end <= l->sig_done[dir] && len > 0)
        return;
    if (start < l->sig_done[dir]) {
        uint64_t skip = l->sig_done[dir] - start;

        if (skip >= len)
            return; /* nothing new (an empty piece behind what was matched) */
        if (data)
            data += skip;
        len -= (size_t)skip;
    }
    l->sig_done[dir] = end;
    if (len == 0)
        return;
    det_sig_stream(call->dc, call->f, dir, l->proto, data, len, flags, det_layer_tunnel(l, &tun));
}

/*
 * One decided piece: signature matching (unless a tunnel inside this layer
 * does it), then the claiming detector's parse().
 */
static void det_layer_deliver(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                              const uint8_t *data, size_t len, unsigned flags, uint64_t start)
{
    const struct detector *det;
    struct det_call sub;
    bool old;

    if (!l->inner)
        det_layer_sig(call, l, dir, data, len, flags, start);
    if (l->state != DET_LAYER_CLAIMED)
        return;
    det = call->dc->table[l->det_idx];
    det_call_init(&sub, call->dc, call->f, call->df, l);
    sub.det = det;
    old = l->chunk_matched;
    l->chunk_matched = l->sig_done[dir] >= start + len;
    det->parse(&sub, l->det_state, dir, data, len, flags);
    l->chunk_matched = old;
}

/* Hands the probed bytes of both directions, in arrival order, to the decided layer. */
static void det_layer_replay(struct det_call *call, struct det_layer *l)
{
    l->replay_off[0] = l->replay_off[1] = 0;
    l->replay_pos[0] = l->replay_pos[1] = 0;
    for (unsigned i = 0; i < l->n_log; i++) {
        /* read afresh: parse() may re-orient the flow, which swaps the log's dirs */
        enum flow_dir d = (enum flow_dir)l->log[i].dir;
        uint32_t len = l->log[i].len;
        uint64_t pos = l->replay_pos[d];

        l->replay_pos[d] += len;
        if (l->log[i].kind == DET_LOG_GAP) {
            det_layer_deliver(call, l, d, NULL, len, STREAM_DATA_GAP, pos);
        } else {
            const uint8_t *p = l->buf[d] + l->replay_off[d];

            l->replay_off[d] += len;
            det_layer_deliver(call, l, d, p, len, 0, pos);
        }
    }
    det_layer_free_bufs(l);
}

/* No detector recognised the layer: it is matched as "failed" from now on. */
static void det_layer_fail(struct det_call *call, struct det_layer *l)
{
    l->state = DET_LAYER_FAILED;
    det_layer_set_proto(call, l, l->had_data ? APP_PROTO_FAILED : APP_PROTO_UNKNOWN);
    det_layer_replay(call, l);
}

bool det_is_im_p2p(enum app_proto p)
{
    switch (p) {
    case APP_PROTO_AIM:
    case APP_PROTO_ICQ:
    case APP_PROTO_MSN:
    case APP_PROTO_YAHOO:
    case APP_PROTO_GNUTELLA:
    case APP_PROTO_KAZAA:
    case APP_PROTO_IRC:
        return true;
    default:
        return false;
    }
}

/* The PRESENCE event of a claim (SERVICE for IM/P2P protocols). */
static void det_presence(struct det_call *call, const struct detector *det, enum app_proto p,
                         enum flow_dir dir)
{
    struct app_event ev;
    struct det_call sub = *call;

    sub.det = det;
    app_event_init(&ev, APP_EVENT_PRESENCE, p, dir);
    if (det_is_im_p2p(p))
        app_event_add_str(&ev, APP_FACT_SERVICE, app_proto_name(p));
    det_emit(&sub, &ev);
}

/* Detector idx claims the layer on data of direction dir. */
static void det_layer_claim(struct det_call *call, struct det_layer *l, unsigned idx,
                            enum flow_dir dir)
{
    const struct detector *det = call->dc->table[idx];
    struct det_call sub;
    void *state = calloc(1, det->state_size ? det->state_size : 1);

    if (!state) {
        stats_inc(call->dc->st, STAT_DETECT_ALLOC_FAIL);
        det_layer_fail(call, l);
        return;
    }
    det_call_init(&sub, call->dc, call->f, call->df, l);
    sub.det = det;
    if (det->init && det->init(&sub, state) < 0) {
        if (det->free)
            det->free(state);
        free(state);
        stats_inc(call->dc->st, STAT_DETECT_INIT_FAIL);
        det_layer_fail(call, l);
        return;
    }
    l->state = DET_LAYER_CLAIMED;
    l->det_idx = idx;
    l->det_state = state;
    det_mem(call->dc, (int64_t)det->state_size);
    det_layer_set_proto(call, l, det->proto);
    /* presence names the protocol as the probed bytes refine it (an OSCAR sign-on with a
     * numeric UIN is ICQ, not AIM), so it is reported after those bytes are parsed */
    det_layer_replay(call, l);
    if (l->state == DET_LAYER_CLAIMED)
        det_presence(&sub, det, l->proto, dir);
}

/* Every candidate is out (said NO on both sides). */
static bool det_layer_all_out(const struct det_layer *l)
{
    for (unsigned i = 0; i < l->n_cand; i++) {
        if (l->cand_no[i] != 3)
            return false;
    }
    return true;
}

/*
 * Asks the candidates still open on *dir about buf.  Returns the claiming
 * candidate's position in cand, or -1.  *dir follows re-orientations.
 */
static int det_layer_probe(struct det_call *call, struct det_layer *l, enum flow_dir *dir,
                           const uint8_t *const *bufp, const size_t *lenp)
{
    for (unsigned i = 0; i < l->n_cand; i++) {
        const struct detector *det = call->dc->table[l->cand[i]];
        struct det_call sub;
        uint32_t swaps = call->df->swaps;
        enum probe_result r;
        const uint8_t *buf;
        size_t len;

        if (l->cand_no[i] & (1u << *dir))
            continue;
        if (bufp) {
            buf = *bufp;
            len = *lenp;
        } else {
            buf = l->buf[*dir] + l->probe_off[*dir];
            len = l->buf_len[*dir] - l->probe_off[*dir];
        }
        if (len == 0)
            return -1;
        det_call_init(&sub, call->dc, call->f, call->df, l);
        sub.det = det;
        r = det->probe(&sub, *dir, buf, len);
        if ((call->df->swaps - swaps) & 1u)
            *dir = (enum flow_dir)(*dir ^ 1);
        if (r == PROBE_MATCH)
            return (int)i;
        if (r == PROBE_NO)
            l->cand_no[i] |= (uint8_t)(1u << *dir);
    }
    return -1;
}

/* Appends a log entry (merged with the previous one when it continues it). */
static bool det_log_add(struct det_layer *l, enum flow_dir dir, enum det_log_kind kind,
                        uint32_t len)
{
    struct det_log_entry *last = l->n_log ? &l->log[l->n_log - 1] : NULL;

    l->rx[dir] += len;
    if (last && last->dir == dir && last->kind == kind && last->len <= UINT32_MAX - len) {
        last->len += len;
        return true;
    }
    if (l->n_log == LIM_DETECT_PROBE_LOG)
        return false;
    l->log[l->n_log].dir = (uint8_t)dir;
    l->log[l->n_log].kind = (uint8_t)kind;
    l->log[l->n_log].len = len;
    l->n_log++;
    return true;
}

/* True when the next piece of dir needs a new log entry and there is no room. */
static bool det_log_full(const struct det_layer *l, enum flow_dir dir, enum det_log_kind kind)
{
    const struct det_log_entry *last = l->n_log ? &l->log[l->n_log - 1] : NULL;

    if (last && last->dir == dir && last->kind == kind)
        return false;
    return l->n_log == LIM_DETECT_PROBE_LOG;
}

/* Data that arrives after the layer's protocol was decided. */
static void det_layer_live(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                           const uint8_t *data, size_t len, unsigned flags)
{
    uint64_t start = l->rx[dir];

    l->rx[dir] += len;
    det_layer_deliver(call, l, dir, data, len, flags, start);
}

static void det_layer_probe_data(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                                 const uint8_t *data, size_t len)
{
    uint32_t room, n;
    int won;

    if (!l->buf[dir] && !(l->buf[dir] = malloc(DETECT_PROBE_MAX))) {
        stats_inc(call->dc->st, STAT_DETECT_ALLOC_FAIL);
        det_layer_fail(call, l);
        det_layer_live(call, l, dir, data, len, 0);
        return;
    }
    room = DETECT_PROBE_MAX - l->buf_len[dir];
    n = len < room ? (uint32_t)len : room;
    if (n > 0) {
        if (det_log_full(l, dir, DET_LOG_DATA)) {
            stats_inc(call->dc->st, STAT_DETECT_PROBE_LOG_FULL);
            det_layer_fail(call, l);
            det_layer_live(call, l, dir, data, len, 0);
            return;
        }
        memcpy(l->buf[dir] + l->buf_len[dir], data, n);
        l->buf_len[dir] += n;
        det_log_add(l, dir, DET_LOG_DATA, n);
        data += n;
        len -= n;
        if (!l->dir_done[dir]) {
            won = det_layer_probe(call, l, &dir, NULL, NULL);
            if (won >= 0) {
                uint32_t swaps = call->df->swaps;

                det_layer_claim(call, l, l->cand[won], dir);
                if ((call->df->swaps - swaps) & 1u)
                    dir = (enum flow_dir)(dir ^ 1); /* parse() turned the flow round */
                if (len > 0)
                    det_layer_live(call, l, dir, data, len, 0);
                return;
            }
        }
    }
    if (l->buf_len[dir] == DETECT_PROBE_MAX)
        l->dir_done[dir] = true;
    if (len > 0) {
        /* beyond the full buffer: replayed as a hole */
        stats_add(call->dc->st, STAT_DETECT_PROBE_OVERFLOW, len);
        if (det_log_full(l, dir, DET_LOG_GAP)) {
            stats_inc(call->dc->st, STAT_DETECT_PROBE_LOG_FULL);
            det_layer_fail(call, l);
            det_layer_live(call, l, dir, NULL, len, STREAM_DATA_GAP);
            return;
        }
        det_log_add(l, dir, DET_LOG_GAP, (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len));
    }
    if (det_layer_all_out(l) || (l->dir_done[0] && l->dir_done[1]))
        det_layer_fail(call, l);
}

static void det_layer_probe_gap(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                                size_t len)
{
    if (det_log_full(l, dir, DET_LOG_GAP)) {
        stats_inc(call->dc->st, STAT_DETECT_PROBE_LOG_FULL);
        det_layer_fail(call, l);
        det_layer_live(call, l, dir, NULL, len, STREAM_DATA_GAP);
        return;
    }
    det_log_add(l, dir, DET_LOG_GAP, (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len));
    /* the probes look at what follows the hole, afresh */
    l->probe_off[dir] = l->buf_len[dir];
    for (unsigned i = 0; i < l->n_cand; i++)
        l->cand_no[i] &= (uint8_t)~(1u << dir);
}

void det_layer_data(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                    const uint8_t *data, size_t len, unsigned flags)
{
    if (flags & STREAM_DATA_GAP) {
        if (len == 0)
            return;
        if (l->state == DET_LAYER_PROBING)
            det_layer_probe_gap(call, l, dir, len);
        else
            det_layer_live(call, l, dir, NULL, len, STREAM_DATA_GAP);
        return;
    }
    if (len == 0 || !data) {
        /* end of a direction (EOF, depth): nothing more to probe there */
        if (l->state == DET_LAYER_PROBING && (flags & (STREAM_DATA_EOF | STREAM_DATA_DEPTH))) {
            l->dir_done[dir] = true;
            if (l->dir_done[0] && l->dir_done[1] && l->had_data)
                det_layer_fail(call, l);
        }
        return;
    }
    l->had_data = true;
    if (l->state == DET_LAYER_PROBING)
        det_layer_probe_data(call, l, dir, data, len);
    else
        det_layer_live(call, l, dir, data, len, flags & ~(unsigned)STREAM_DATA_EOF);
}

/* Ends a layer and the tunnels inside it: finish(), counters, state freed. */
void det_layer_end(struct det_call *call, struct det_layer *l)
{
    struct detect_ctx *dc = call->dc;

    if (l->inner) {
        struct det_call sub;

        det_call_init(&sub, dc, call->f, call->df, l->inner);
        det_layer_end(&sub, l->inner);
        free(l->inner);
        l->inner = NULL;
    }
    if (l->state == DET_LAYER_PROBING) {
        if (l->had_data)
            det_layer_fail(call, l);
        else
            det_layer_free_bufs(l);
    }
    if (l->state == DET_LAYER_CLAIMED) {
        const struct detector *det = dc->table[l->det_idx];
        struct det_call sub;

        det_call_init(&sub, dc, call->f, call->df, l);
        sub.det = det;
        if (det->finish)
            det->finish(&sub, l->det_state);
        if (det->free)
            det->free(l->det_state);
        free(l->det_state);
        l->det_state = NULL;
        det_mem(dc, -(int64_t)det->state_size);
        l->state = DET_LAYER_FAILED; /* ended: nothing to call any more */
    }
    if ((unsigned)l->proto < APP_PROTO__COUNT && det_flow_stat[l->proto] != STAT__COUNT)
        stats_inc(dc->st, det_flow_stat[l->proto]);
}

/* ---- flows ---- */

struct det_flow *det_flow_get(struct detect_ctx *dc, struct flow *f)
{
    struct det_flow *df = f->app;

    if (df)
        return df;
    df = calloc(1, sizeof(*df));
    if (!df) {
        stats_inc(dc->st, STAT_DETECT_ALLOC_FAIL);
        return NULL;
    }
    det_layer_init(dc, &df->top, f->proto, f->cli_port, f->srv_port);
    f->app = df;
    return df;
}

void detect_stream_data(void *user, struct flow *f, enum flow_dir dir, const uint8_t *data,
                        size_t len, unsigned flags)
{
    struct detect_ctx *dc = user;
    struct det_flow *df = det_flow_get(dc, f);
    struct det_call call;

    if (!df)
        return;
    det_call_init(&call, dc, f, df, &df->top);
    det_layer_data(&call, &df->top, dir, data, len, flags);
}

void detect_udp(struct detect_ctx *dc, struct flow *f, enum flow_dir dir,
                const struct packet *pkt)
{
    struct det_flow *df;
    struct det_layer *l;
    struct det_call call;
    const uint8_t *data = pkt->payload;
    size_t len = pkt->payload_len;

    if (len == 0 || !data || !(df = det_flow_get(dc, f)))
        return;
    l = &df->top;
    det_call_init(&call, dc, f, df, l);
    l->had_data = true;
    if (l->state == DET_LAYER_PROBING) {
        int won = det_layer_probe(&call, l, &dir, &data, &len);

        if (won >= 0) {
            uint32_t swaps = df->swaps;

            det_layer_claim(&call, l, l->cand[won], dir);
            if ((df->swaps - swaps) & 1u)
                dir = (enum flow_dir)(dir ^ 1);
        } else if (++l->udp_probes >= LIM_DETECT_UDP_PROBES || det_layer_all_out(l)) {
            det_layer_fail(&call, l);
        }
    }
    /* each datagram is a stream piece of its own: no sig_done bookkeeping across them */
    if (l->state == DET_LAYER_CLAIMED) {
        const struct detector *det = dc->table[l->det_idx];
        struct det_call sub;

        det_call_init(&sub, dc, f, df, l);
        sub.det = det;
        det->parse(&sub, l->det_state, dir, data, len, 0);
    }
    det_sig_stream(dc, f, dir, l->proto, data, len, 0, NULL);
}

void detect_flow_end(struct detect_ctx *dc, struct flow *f)
{
    struct det_flow *df = f->app;
    struct det_call call;

    if (!df)
        return;
    det_call_init(&call, dc, f, df, &df->top);
    det_layer_end(&call, &df->top);
    free(df);
    f->app = NULL;
}
