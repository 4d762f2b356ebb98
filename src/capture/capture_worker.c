/*
 * capture_worker.c - drives captured packets through the pipeline.
 *
 * A worker owns a decoder, a flow table and the counters they write; it
 * writes anomaly events for malformed packets and flow events as flows end.
 * Timers run on packet time so offline runs are reproducible: flow and
 * fragment timeouts are checked once per second of packet time.
 */
#include "imsentry/capture.h"

#include <stdlib.h>

#include "imsentry/decode.h"
#include "imsentry/flow.h"

/* Microseconds of packet time between timeout sweeps. */
#define WORKER_TIMER_US 1000000

struct worker {
    const struct config *cfg; /* settings, not owned */
    struct eve *eve;          /* output, not owned */
    struct stats stats;       /* every counter of this worker's stages */
    struct decode_ctx *dc;    /* decoder (owns the defragmenter) */
    struct flow_table *ft;    /* flows */
    int64_t last_ts;          /* newest packet time seen */
    int64_t next_timer;       /* packet time of the next timeout sweep */
    uint64_t pcap_cnt;        /* packets handed to this worker */
};

static void worker_flow_end(void *user, struct flow *f)
{
    struct worker *w = user;

    eve_write_flow(w->eve, f);
}

struct worker *worker_new(const struct config *cfg, struct eve *ev)
{
    struct worker *w = calloc(1, sizeof(*w));

    if (!w)
        return NULL;
    w->cfg = cfg;
    w->eve = ev;
    w->dc = decode_ctx_new(cfg, &w->stats);
    if (!w->dc)
        goto out_free;
    w->ft = flow_table_new(cfg, &w->stats, worker_flow_end, w);
    if (!w->ft)
        goto out_decode;
    return w;

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
    flow_table_free(w->ft);
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

    pkt->pcap_cnt = ++w->pcap_cnt;
    /* packet time only moves forward: a capture with a clock step back must not stall timers */
    if (pkt->ts_us > w->last_ts)
        w->last_ts = pkt->ts_us;
    worker_timers(w, w->last_ts);

    res = decode_packet(w->dc, pkt);
    for (unsigned i = 0; i < pkt->n_anomalies; i++)
        eve_write_anomaly(w->eve, pkt, (enum stat_id)pkt->anomalies[i]);
    if (res != DECODE_L4)
        return;
    (void)flow_table_packet(w->ft, pkt, &dir);
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
