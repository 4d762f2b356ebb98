/*
 * stream.h - TCP stream reassembly (RFC 793/9293): hands each direction's
 * bytes, in order and as the receiving host would see them, to the
 * app-layer stage.
 *
 * Segments are queued per direction, overlaps resolved by the target
 * policy of the receiving host's network, retransmissions deduplicated,
 * bad-checksum insertions never trusted over good data, gaps reported, and
 * everything bounded by depth and memory caps (counted when hit).
 */
#ifndef IMSENTRY_STREAM_H
#define IMSENTRY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/config.h"
#include "imsentry/flow.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

/* Wrap-safe sequence comparisons (RFC 1982 serial arithmetic on 32 bits). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* Flags of a delivery to the app layer. */
#define STREAM_DATA_GAP 0x01  /* len bytes were lost before the next data; data is NULL */
#define STREAM_DATA_EOF 0x02  /* this direction ended (FIN, RST or flow end); len is 0 */
#define STREAM_DATA_DEPTH 0x04 /* inspection depth reached: nothing more will come */

/*
 * Receives a direction's bytes in order.  dir is the direction relative to
 * the flow's current client/server orientation.  data is valid only during
 * the call.
 */
typedef void (*stream_deliver_fn)(void *user, struct flow *f, enum flow_dir dir,
                                  const uint8_t *data, size_t len, unsigned flags);

/* Overlap policy for the hosts of one network. */
struct stream_host_policy {
    struct cidr net;            /* receiving hosts */
    enum overlap_policy policy; /* how they resolve overlaps */
};

/* Most per-network policy entries. */
#define STREAM_MAX_HOST_POLICIES 64

struct stream_settings {
    uint64_t memcap;            /* bytes of sessions and segment data held by all streams */
    uint32_t stream_memcap;     /* bytes of segment data held by one direction */
    uint32_t depth;             /* bytes per direction inspected; 0 = unlimited */
    uint32_t max_segments;      /* segments queued per direction */
    bool midstream;             /* pick up flows whose handshake was not seen */
    bool async_oneside;         /* reassemble directions whose peer is never seen */
    enum csum_mode csum_mode;   /* checksum trust (auto: per direction) */
    enum overlap_policy default_policy; /* policy when no entry matches */
    struct stream_host_policy policies[STREAM_MAX_HOST_POLICIES]; /* first match wins */
    unsigned n_policies;        /* entries used */
};

/* Fills s with the built-in defaults (limits.h). */
void stream_settings_defaults(struct stream_settings *s);

/* Policy for a receiving host: first matching entry, else the default. */
enum overlap_policy stream_policy_for(const struct stream_settings *s, const struct ip_addr *host);

struct stream_ctx;

/* One per worker; s is copied, st must outlive the context. */
struct stream_ctx *stream_ctx_new(const struct stream_settings *s, struct stats *st,
                                  stream_deliver_fn deliver, void *user);
void stream_ctx_free(struct stream_ctx *sc);

/* Handles one TCP packet of flow f (dir as flow_table_packet() said). */
void stream_packet(struct stream_ctx *sc, struct flow *f, enum flow_dir dir,
                   const struct packet *pkt);

/* The flow ends: delivers what is still queued (gaps marked), then EOF, and frees f->stream. */
void stream_flow_end(struct stream_ctx *sc, struct flow *f);

/*
 * Bytes currently charged against settings.memcap: per-flow session state
 * plus held segment blocks (0 once every flow has ended).
 */
uint64_t stream_memuse(const struct stream_ctx *sc);

/*
 * Additions (stream stage).
 *
 * Stream anomalies (anomalies.def entries of ANOMALY_KIND_STREAM, e.g.
 * STAT_ANOM_STREAM_OVERLAP_DIFF_DATA) are counted in the stats and, when a
 * callback is set, reported with the flow they were raised on so the
 * caller can write an EVE anomaly event.  The flow is valid only during
 * the call.
 */
typedef void (*stream_event_fn)(void *user, struct flow *f, enum stat_id id);

/* Sets (or, with fn NULL, clears) the anomaly callback. */
void stream_ctx_set_event_cb(struct stream_ctx *sc, stream_event_fn fn, void *user);

#endif
