/*
 * detect_int.h - the app-layer framework's internals, shared by
 * detect.c (probing, claiming, per-flow life), detect_svc.c (services
 * detectors call), detect_bf.c (brute-force tracking) and detect_test.c
 * (the test driver).  Not for detectors: they use detector.h.
 */
#ifndef IMSENTRY_DETECT_INT_H
#define IMSENTRY_DETECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detector.h"
#include "imsentry/app_event.h"
#include "imsentry/config.h"
#include "imsentry/detect.h"
#include "imsentry/flow.h"
#include "imsentry/limits.h"
#include "imsentry/sig.h"
#include "imsentry/stats.h"

/* One brute-force tracker: failed logins of one (client, server, service). */
struct det_bf_tracker {
    struct ip_addr cli;      /* client address */
    struct ip_addr srv;      /* server address */
    char service[16];        /* service name (app_proto name or SERVICE fact), NUL-terminated */
    uint32_t failures;       /* failures in the current window */
    int64_t window_start_us; /* packet time of the window's first failure */
    int64_t quiet_until_us;  /* no new event before this packet time */
    int64_t last_us;         /* last use (LRU eviction) */
    bool used;               /* slot holds a tracker */
};

typedef void (*detect_event_hook_fn)(void *user, const struct flow *f,
                                     const struct app_event *ev);

/* Observer of what is handed to sig_stream (tests check every byte goes once). */
typedef void (*detect_stream_hook_fn)(void *user, const struct flow *f, enum flow_dir dir,
                                      enum app_proto proto, const uint8_t *data, size_t len,
                                      unsigned flags, const struct sig_tunnel *tun);

struct detect_ctx {
    const struct config *cfg; /* settings (home networks, brute force) */
    struct stats *st;         /* the worker's counters */
    struct sig_ctx *sigs;     /* signature matcher, may be NULL */
    int64_t now_us;           /* packet time of the data being handled */
    const struct detector *const *table; /* detectors in probe order */
    unsigned n_det;           /* entries in table */
    detect_event_hook_fn hook; /* event observer (tests), may be NULL */
    void *hook_user;          /* its argument */
    detect_stream_hook_fn stream_hook; /* stream observer (tests), may be NULL */
    void (*mem_fn)(void *user, int64_t delta); /* per-flow memory accounting, may be NULL */
    void *mem_user;           /* its argument */
    struct det_bf_tracker *bf; /* brute-force trackers (cfg->bf_max_trackers) */
    uint32_t n_bf;            /* slots in bf */
};

/* Kinds of a probe-log entry. */
enum det_log_kind {
    DET_LOG_DATA = 0, /* len bytes from the direction's probe buffer */
    DET_LOG_GAP = 1   /* a hole of len bytes (lost, or beyond the full buffer) */
};

/* One delivery while probing, in arrival order. */
struct det_log_entry {
    uint32_t len;  /* bytes, or the hole's size */
    uint8_t dir;   /* enum flow_dir at the time (swapped with the flow) */
    uint8_t kind;  /* enum det_log_kind */
};

/* Where a layer is in its life. */
enum det_layer_state {
    DET_LAYER_PROBING = 0, /* detectors are being asked */
    DET_LAYER_CLAIMED = 1, /* a detector parses it */
    DET_LAYER_FAILED = 2   /* none recognised it */
};

/*
 * A detection layer: the flow itself, or the stream inside a proxy tunnel
 * of the layer above it.
 */
struct det_layer {
    enum det_layer_state state;  /* probing, claimed or failed */
    enum app_proto proto;        /* protocol of this layer (the flow's for the outer one) */
    unsigned depth;              /* 0 for the flow, 1 inside one tunnel ... */
    uint8_t ipproto;             /* 6 or 17 */

    /* probing */
    uint8_t cand[LIM_DETECT_MAX_DETECTORS];    /* candidate detectors (table index), in order */
    uint8_t cand_no[LIM_DETECT_MAX_DETECTORS]; /* bit (1 << dir): said PROBE_NO on that side */
    unsigned n_cand;                           /* entries in cand */
    uint8_t *buf[2];             /* probe buffer per direction (DETECT_PROBE_MAX), lazily */
    uint32_t buf_len[2];         /* bytes in buf */
    uint32_t probe_off[2];       /* where the probe's view starts (after the last gap) */
    bool dir_done[2];            /* buffer full or direction ended: no more probing */
    struct det_log_entry log[LIM_DETECT_PROBE_LOG]; /* deliveries in arrival order */
    unsigned n_log;              /* entries in log */
    uint32_t replay_off[2];      /* replay position in buf, per direction */
    uint64_t replay_pos[2];      /* replay position in the direction's stream */
    uint32_t udp_probes;         /* UDP datagrams probed without a decision */
    bool had_data;               /* payload bytes were seen (failed vs unknown) */

    /* claimed */
    unsigned det_idx;            /* claiming detector's index in the table */
    void *det_state;             /* its state (state_size bytes) */
    unsigned http_owner;         /* 1 + index of the detector owning HTTP messages, 0 = none */

    /* signature streaming: bytes of each direction already given to sig_stream (or by the
     * layer above), so every byte is matched exactly once */
    uint64_t rx[2];              /* bytes (and holes) received per direction */
    uint64_t sig_done[2];        /* stream offset up to which bytes were matched */

    /* tunnels */
    char carrier[16];            /* "socks" / "http-proxy" ("" for the flow's own layer) */
    char target[LIM_DETECT_TUNNEL_TEXT + 1]; /* "host:port" asked of the proxy */
    struct det_layer *inner;     /* the tunnel inside this layer, or NULL */
    struct det_layer *outer;     /* the layer carrying this one, or NULL */
    bool chunk_matched;          /* the chunk now being parsed was already sig-matched */
};

/* f->app. */
struct det_flow {
    struct det_layer top;        /* the flow's own layer */
    uint32_t swaps;              /* times the orientation changed (callers re-check dir) */
};

/* struct det_call: what a detector callback runs in. */
struct det_call {
    struct detect_ctx *dc;       /* the stage */
    struct flow *f;              /* the flow */
    struct det_flow *df;         /* its app state */
    struct det_layer *layer;     /* the layer the callback is about */
    const struct detector *det;  /* the detector called (NULL for framework/test emits) */
    bool proto_set;              /* det_set_proto was called during this callback */
};

/* detect.c */
void det_layer_data(struct det_call *call, struct det_layer *l, enum flow_dir dir,
                    const uint8_t *data, size_t len, unsigned flags);
void det_layer_init(struct detect_ctx *dc, struct det_layer *l, uint8_t ipproto,
                    uint16_t port_a, uint16_t port_b);
void det_layer_end(struct det_call *call, struct det_layer *l);
void det_layer_swap(struct det_layer *l);
void det_layer_set_proto(struct det_call *call, struct det_layer *l, enum app_proto p);
struct det_flow *det_flow_get(struct detect_ctx *dc, struct flow *f);
void det_call_init(struct det_call *call, struct detect_ctx *dc, struct flow *f,
                   struct det_flow *df, struct det_layer *l);
bool det_is_im_p2p(enum app_proto p);
const struct sig_tunnel *det_layer_tunnel(const struct det_layer *l, struct sig_tunnel *out);

/* detect_bf.c */
int det_bf_init(struct detect_ctx *dc);
void det_bf_free(struct detect_ctx *dc);
void det_bf_login(struct det_call *call, const struct app_event *ev);

/* detect.c: for the test driver */
void detect_ctx_set_table(struct detect_ctx *dc, const struct detector *const *table,
                          unsigned n);

#endif
