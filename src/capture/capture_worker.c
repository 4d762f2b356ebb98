/*
 * capture_worker.c - drives captured packets through the pipeline.
 *
 * A worker owns a decoder, a flow table, a TCP reassembler, the app-layer
 * detectors, a signature matcher and the counters they write; it writes
 * anomaly events for malformed packets and stream anomalies, and flow
 * events as flows end.  Data path: decode -> flow -> stream (TCP) ->
 * detect -> sig -> output; UDP payloads go from the flow to detect.
 * Timers run on packet time so offline runs are reproducible: flow and
 * fragment timeouts are checked once per second of packet time.
 */
#include "imsentry/capture.h"

#include <stdlib.h>

#include "imsentry/decode.h"
#include "imsentry/detect.h"
#include "imsentry/flow.h"
#include "imsentry/sig.h"
#include "imsentry/stream.h"

/* Microseconds of packet time between timeout sweeps. */
#define WORKER_TIMER_US 1000000

struct worker {
    const struct config *cfg; /* settings, not owned */
    struct eve *eve;          /* output, not owned */
    struct stats stats;       /* every counter of this worker's stages */
    struct decode_ctx *dc;    /* decoder (owns the defragmenter) */
    struct flow_table *ft;    /* flows */
    struct stream_ctx *sc;    /* TCP reassembly */
    struct sig_ctx *sig;      /* signature matching (NULL without signatures) */
    struct detect_ctx *det;   /* app-layer detectors */
    int64_t last_ts;          /* newest packet time seen */
    int64_t next_timer;       /* packet time of the next timeout sweep */
    uint64_t pcap_cnt;        /* packets handed to this worker */
};

/* In-order bytes of a TCP direction go to the detectors. */
static void worker_stream_data(void *user, struct flow *f, enum flow_dir dir,
                               const uint8_t *data, size_t len, unsigned flags)
{
    struct worker *w = user;

    detect_stream_data(w->det, f, dir, data, len, flags);
}

/* Detector state counts against flow.memcap, so LRU eviction bounds it. */
static void worker_detect_mem(void *user, int64_t delta)
{
    struct worker *w = user;

    if (w->ft)
        flow_table_mem_add(w->ft, delta);
}

static void worker_stream_event(void *user, struct flow *f, enum stat_id id)
{
    struct worker *w = user;

    eve_write_anomaly_flow(w->eve, f, id);
}

static void worker_flow_end(void *user, struct flow *f)
{
    struct worker *w = user;

    /* the reassembler delivers what it still holds, detectors report what is pending
     * (logins with no reply), then the flow is written with its final app_proto */
    stream_flow_end(w->sc, f);
    detect_flow_end(w->det, f);
    sig_flow_end(w->sig, f);
    eve_write_flow(w->eve, f);
}

/*
 * Reassembly settings from the config (stream keys, host OS policies, checksums).
 * The stream takes the first matching policy entry; copying the config's
 * table longest prefix first makes that the longest-prefix match
 * config_policy_for() gives the defragmenter, so both agree on every host.
 */
static void worker_stream_settings(const struct config *cfg, struct stream_settings *ss)
{
    unsigned n = cfg->n_host_policies;

    _Static_assert(LIM_HOST_POLICIES <= STREAM_MAX_HOST_POLICIES,
                   "stream policy table smaller than host-os-policy");
    stream_settings_defaults(ss);
    ss->memcap = cfg->stream_memcap;
    ss->stream_memcap = cfg->stream_dir_memcap;
    ss->depth = cfg->stream_depth;
    ss->max_segments = cfg->stream_max_segments;
    ss->midstream = cfg->stream_midstream;
    ss->async_oneside = cfg->stream_async_oneside;
    ss->csum_mode = cfg->csum_mode;
    ss->default_policy = cfg->default_policy;
    if (n > LIM_HOST_POLICIES)
        n = LIM_HOST_POLICIES;
    ss->n_policies = 0;
    for (int len = 128; len >= 0; len--) /* by prefix length, longest first; stable */
        for (unsigned i = 0; i < n; i++)
            if (cfg->host_policies[i].net.prefix == len) {
                ss->policies[ss->n_policies].net = cfg->host_policies[i].net;
                ss->policies[ss->n_policies].policy = cfg->host_policies[i].policy;
                ss->n_policies++;
            }
}

struct worker *worker_new(const struct config *cfg, struct eve *ev, const struct sig_engine *se)
{
    struct worker *w = calloc(1, sizeof(*w));
    struct stream_settings ss;

    if (!w)
        return NULL;
    w->cfg = cfg;
    w->eve = ev;
    w->dc = decode_ctx_new(cfg, &w->stats);
    if (!w->dc)
        goto out_free;
    worker_stream_settings(cfg, &ss);
    w->sc = stream_ctx_new(&ss, &w->stats, worker_stream_data, w);
    if (!w->sc)
        goto out_decode;
    stream_ctx_set_event_cb(w->sc, worker_stream_event, w);
    if (se) {
        w->sig = sig_ctx_new(se, cfg, &w->stats, ev);
        if (!w->sig)
            goto out_stream;
    }
    w->det = detect_ctx_new(cfg, &w->stats, w->sig);
    if (!w->det)
        goto out_sig;
    w->ft = flow_table_new(cfg, &w->stats, worker_flow_end, w);
    if (!w->ft)
        goto out_detect;
    detect_ctx_set_mem_cb(w->det, worker_detect_mem, w);
    return w;

out_detect:
    detect_ctx_free(w->det);
out_sig:
    sig_ctx_free(w->sig);
out_stream:
    stream_ctx_free(w->sc);
out_decode:
    decode_ctx_free(w->dc);
out_free:
    free(w);
    return NULL;
}

void worker_flush(struct worker *w)
{
    flow_table_flush(w->ft);
}

void worker_free(struct worker *w)
{
    if (!w)
        return;
    flow_table_free(w->ft); /* ends every flow through stream, detect and sig first */
    w->ft = NULL;
    detect_ctx_free(w->det);
    sig_ctx_free(w->sig);
    stream_ctx_free(w->sc);
    decode_ctx_free(w->dc);
    free(w);
}

static void worker_timers(struct worker *w, int64_t now)
{
    if (now < w->next_timer)
        return;
    flow_table_timeout(w->ft, now);
    decode_timeout(w->dc, now);
    w->next_timer = now + WORKER_TIMER_US;
}

void worker_tick(struct worker *w, int64_t now_us)
{
    if (now_us <= w->last_ts)
        return;
    w->last_ts = now_us;
    worker_timers(w, now_us);
}

void worker_packet(struct worker *w, struct packet *pkt)
{
    enum decode_result res;
    enum flow_dir dir;
    struct flow *f;

    pkt->pcap_cnt = ++w->pcap_cnt;
    /* packet time only moves forward: a capture with a clock step back must not stall timers */
    if (pkt->ts_us > w->last_ts)
        w->last_ts = pkt->ts_us;
    worker_timers(w, w->last_ts);

    detect_set_time(w->det, pkt->ts_us);
    res = decode_packet(w->dc, pkt);
    for (unsigned i = 0; i < pkt->n_anomalies; i++)
        eve_write_anomaly(w->eve, pkt, (enum stat_id)pkt->anomalies[i]);
    if (res != DECODE_L4)
        return;
    f = flow_table_packet(w->ft, pkt, &dir);
    if (!f)
        return;
    if (pkt->ip_proto == 6)
        stream_packet(w->sc, f, dir, pkt);
    else if (pkt->ip_proto == 17 && pkt->payload_len)
        detect_udp(w->det, f, dir, pkt);
}

struct sig_ctx *worker_sig(struct worker *w)
{
    return w->sig;
}

struct stats *worker_stats(struct worker *w)
{
    return &w->stats;
}

int64_t worker_last_ts(const struct worker *w)
{
    return w->last_ts;
}

uint32_t worker_flow_count(const struct worker *w)
{
    return flow_table_count(w->ft);
}
