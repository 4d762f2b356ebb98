/*
 * util_stats.c - counter names and anomaly metadata, generated from the
 * X-macro .def files listed in imsentry/stats.h.
 */
#include "imsentry/stats.h"

#include <stddef.h>

struct stat_desc {
    const char *name;  /* full dotted counter name */
    const char *event; /* anomaly event name, NULL for plain counters */
    int kind;          /* enum anomaly_kind, -1 for plain counters */
};

/* Counter-name prefix of each anomaly kind, pasted from the kind's enum name. */
#define ANOM_PREFIX_ANOMALY_KIND_DECODE "decoder.event."
#define ANOM_PREFIX_ANOMALY_KIND_STREAM "stream.event."
#define ANOM_PREFIX_ANOMALY_KIND_APPLAYER "app_layer.event."
#define ANOM_PREFIX(kind) ANOM_PREFIX_##kind

static const struct stat_desc stat_descs[STAT__COUNT] = {
#define STAT(id, name) [STAT_##id] = {name, NULL, -1},
#define ANOMALY(id, kind, name) [STAT_ANOM_##id] = {NULL, name, kind},
#include "imsentry/stats_capture.def"
#include "imsentry/stats_decode.def"
#include "imsentry/stats_flow.def"
#include "imsentry/stats_stream.def"
#include "imsentry/stats_detect.def"
#include "imsentry/stats_output.def"
#include "imsentry/anomalies.def"
#undef STAT
#undef ANOMALY
};

/* Full names of anomaly counters, built by string-literal concatenation. */
static const char *const anomaly_names[STAT__COUNT] = {
#define STAT(id, name)
#define ANOMALY(id, kind, name) [STAT_ANOM_##id] = ANOM_PREFIX(kind) name,
#include "imsentry/stats_capture.def"
#include "imsentry/stats_decode.def"
#include "imsentry/stats_flow.def"
#include "imsentry/stats_stream.def"
#include "imsentry/stats_detect.def"
#include "imsentry/stats_output.def"
#include "imsentry/anomalies.def"
#undef STAT
#undef ANOMALY
};

const char *stats_name(enum stat_id id)
{
    if ((unsigned)id >= STAT__COUNT)
        return "invalid";
    if (stat_descs[id].name)
        return stat_descs[id].name;
    return anomaly_names[id] ? anomaly_names[id] : "invalid";
}

int stats_anomaly_info(enum stat_id id, enum anomaly_kind *kind, const char **event)
{
    if ((unsigned)id >= STAT__COUNT || stat_descs[id].kind < 0)
        return 0;
    if (kind)
        *kind = (enum anomaly_kind)stat_descs[id].kind;
    if (event)
        *event = stat_descs[id].event;
    return 1;
}

const char *stats_anomaly_kind_name(enum anomaly_kind kind)
{
    switch (kind) {
    case ANOMALY_KIND_DECODE:
        return "decode";
    case ANOMALY_KIND_STREAM:
        return "stream";
    case ANOMALY_KIND_APPLAYER:
        return "applayer";
    }
    return "decode";
}

void stats_merge(struct stats *dst, const struct stats *src)
{
    for (size_t i = 0; i < STAT__COUNT; i++)
        dst->v[i] += src->v[i];
}
