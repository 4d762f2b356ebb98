/*
 * stats.h - counters, named as Suricata names them where Suricata has the
 * same counter, dotted so the stats event nests them (decoder.ipv4 ->
 * {"decoder":{"ipv4":N}}).
 *
 * Counters are declared once, in X-macro files, one per stage:
 *   STAT(ID, "dotted.name")              a counter or gauge
 *   ANOMALY(ID, KIND, "layer.what")     a malformed-input anomaly; its
 *                                        counter is "<prefix>.layer.what"
 *                                        (decode -> decoder.event., stream ->
 *                                        stream.event., applayer ->
 *                                        app_layer.event.) and it is also
 *                                        written as an EVE anomaly event.
 * A struct stats belongs to one worker context; nothing here is global.
 */
#ifndef IMSENTRY_STATS_H
#define IMSENTRY_STATS_H

#include <stdint.h>

enum anomaly_kind {
    ANOMALY_KIND_DECODE = 0, /* packet layer (L2-L4) */
    ANOMALY_KIND_STREAM = 1, /* TCP stream reassembly */
    ANOMALY_KIND_APPLAYER = 2 /* application-layer parsers */
};

enum stat_id {
#define STAT(id, name) STAT_##id,
#define ANOMALY(id, kind, name) STAT_ANOM_##id,
#include "imsentry/stats_capture.def"
#include "imsentry/stats_decode.def"
#include "imsentry/stats_flow.def"
#include "imsentry/stats_stream.def"
#include "imsentry/stats_detect.def"
#include "imsentry/stats_output.def"
#include "imsentry/anomalies.def"
#undef STAT
#undef ANOMALY
    STAT__COUNT
};

struct stats {
    uint64_t v[STAT__COUNT]; /* indexed by enum stat_id */
};

static inline void stats_inc(struct stats *s, enum stat_id id)
{
    s->v[id]++;
}

static inline void stats_add(struct stats *s, enum stat_id id, uint64_t n)
{
    s->v[id] += n;
}

static inline void stats_set(struct stats *s, enum stat_id id, uint64_t n)
{
    s->v[id] = n;
}

/* Full dotted counter name ("decoder.event.ipv4.hlen_too_small"); never NULL. */
const char *stats_name(enum stat_id id);

/* True when id is an anomaly; then *kind and *event ("ipv4.hlen_too_small") are set. */
int stats_anomaly_info(enum stat_id id, enum anomaly_kind *kind, const char **event);

/* "decode", "stream" or "applayer": the EVE anomaly.type for a kind. */
const char *stats_anomaly_kind_name(enum anomaly_kind kind);

/* Adds every counter of src into dst (for summing worker contexts). */
void stats_merge(struct stats *dst, const struct stats *src);

#endif
