/*
 * sig.h - the YAML signature engine (man/imsentry-signatures.5).
 *
 * Signatures are loaded and compiled once at start-up (strictly: unknown
 * keys, wrong types and bad patterns are errors with file:line:col), then
 * matched per worker against (a) each direction's reassembled stream and UDP
 * payloads, through a multi-pattern prefilter built at load, across chunk
 * boundaries, and (b) the application events the detectors report.  Matches
 * become alerts on the output, once per flow per signature by default
 * (login events: once per login attempt), with thresholds, rate limits and
 * suppression.
 */
#ifndef IMSENTRY_SIG_H
#define IMSENTRY_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "imsentry/app_event.h"
#include "imsentry/config.h"
#include "imsentry/flow.h"
#include "imsentry/output.h"
#include "imsentry/stats.h"

struct sig_engine;

/*
 * Loads every *.yaml / *.yml file under path (a file or a directory, files
 * in name order).  On error returns NULL with "file:line:col: message" in err.
 */
struct sig_engine *sig_engine_load(const char *path, char *err, size_t errlen);
void sig_engine_free(struct sig_engine *se);

/* Signatures loaded. */
unsigned sig_engine_count(const struct sig_engine *se);

/* Message of signature sid, or NULL (for the run summary). */
const char *sig_engine_msg(const struct sig_engine *se, uint32_t sid);

struct sig_ctx;

/* Per-worker matching state; se, cfg, st and ev (may be NULL in tests) must outlive it. */
struct sig_ctx *sig_ctx_new(const struct sig_engine *se, const struct config *cfg,
                            struct stats *st, struct eve *ev);
void sig_ctx_free(struct sig_ctx *sc);

/* Where stream bytes come from, for signatures' `tunnel` and `inner` conditions. */
struct sig_tunnel {
    const char *carrier; /* "socks" / "http-proxy", or NULL when not tunnelled */
    const char *target;  /* "host:port" asked of the proxy, or NULL */
};

/*
 * Content matching over one direction's in-order bytes (TCP stream chunk or
 * a whole UDP payload when f->proto is UDP).  The detect stage calls this
 * once for every byte, in order, after it has decided the flow's protocol
 * (proto; APP_PROTO_UNKNOWN/FAILED when none), so `app_proto:` conditions
 * hold from the first byte.  Patterns spanning chunk boundaries match.
 * flags: STREAM_DATA_GAP resets partial matches; tun may be NULL.
 */
void sig_stream(struct sig_ctx *sc, struct flow *f, enum flow_dir dir, enum app_proto proto,
                const uint8_t *data, size_t len, unsigned flags, const struct sig_tunnel *tun);

/* Matches an application event from a detector (tun may be NULL). */
void sig_event(struct sig_ctx *sc, struct flow *f, const struct app_event *ev,
               const struct sig_tunnel *tun);

/* The flow ends: frees its matching state (f->sig). */
void sig_flow_end(struct sig_ctx *sc, struct flow *f);

/* Alerts written per signature id so far, for the run summary: calls fn for each. */
void sig_ctx_alert_counts(const struct sig_ctx *sc,
                          void (*fn)(void *user, uint32_t sid, const char *msg, uint64_t n),
                          void *user);

/*
 * Additions (sig engine).
 *
 * sig_engine_load_buffer(): the same as sig_engine_load() for one document
 * already in memory (len bytes, need not be NUL-terminated); name is what
 * messages call it.  Used by the fuzz target and tests.
 */
struct sig_engine *sig_engine_load_buffer(const char *name, const char *buf, size_t len,
                                          char *err, size_t errlen);

/* Bytes of history the engine keeps per flow direction for content verification. */
size_t sig_engine_history(const struct sig_engine *se);

/*
 * The flow's client and server were swapped (flow_set_client): per-direction
 * matching state follows the bytes it was built from.  The detect stage calls
 * this where it swaps its own per-direction state.
 */
void sig_flow_swap(struct flow *f);

/* Matching state bytes held by the flows of this context now (0 once every flow ended). */
uint64_t sig_ctx_memuse(const struct sig_ctx *sc);

#endif
