/*
 * detect.h - the app-layer stage: recognises the protocol of each flow by
 * content and structure (ports only order the probing), parses the messages
 * that matter, and reports application events to the signature engine.
 *
 * TCP data arrives in order from the reassembler (detect_stream_data is a
 * stream_deliver_fn); UDP payloads arrive per packet.  Proxy tunnels (SOCKS
 * 4/4a/5, HTTP CONNECT) are followed: after the proxy's success reply the
 * inner bytes are detected again as a fresh stream, and events on them
 * carry the tunnel.
 */
#ifndef IMSENTRY_DETECT_H
#define IMSENTRY_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "imsentry/config.h"
#include "imsentry/flow.h"
#include "imsentry/packet.h"
#include "imsentry/sig.h"
#include "imsentry/stats.h"

struct detect_ctx;

/* One per worker.  cfg, st and sigs (the worker's matcher, may be NULL) must outlive it. */
struct detect_ctx *detect_ctx_new(const struct config *cfg, struct stats *st,
                                  struct sig_ctx *sigs);
void detect_ctx_free(struct detect_ctx *dc);

/* In-order TCP bytes of one direction (signature of stream_deliver_fn; user is the ctx). */
void detect_stream_data(void *dc, struct flow *f, enum flow_dir dir, const uint8_t *data,
                        size_t len, unsigned flags);

/* One UDP datagram's payload (pkt->payload) of flow f. */
void detect_udp(struct detect_ctx *dc, struct flow *f, enum flow_dir dir,
                const struct packet *pkt);

/* The flow ends: detectors report what is pending (logins with no reply ...), state is freed. */
void detect_flow_end(struct detect_ctx *dc, struct flow *f);

/*
 * Per-flow memory accounting: fn is told the bytes of detector state each
 * claim takes (delta > 0) and each flow end gives back, so the worker can
 * count them in flow.memuse and the flow memcap bounds them.
 */
void detect_ctx_set_mem_cb(struct detect_ctx *dc, void (*fn)(void *user, int64_t delta),
                           void *user);

/* Packet time now (the worker calls this before each packet so events carry its time). */
void detect_set_time(struct detect_ctx *dc, int64_t ts_us);

/*
 * Additions (detect stage).
 *
 * Call sequence expected from the worker, per packet: detect_set_time(ts);
 * TCP: the reassembler's deliveries go to detect_stream_data (user = the
 * ctx), gaps as STREAM_DATA_GAP; UDP with payload: detect_udp; when the flow
 * ends (before sig_flow_end and before the flow is freed): detect_flow_end.
 * f->app is this stage's; f->app_proto is set when a detector claims the
 * flow, APP_PROTO_FAILED when none did and the flow carried payload.
 */

struct app_event;

/*
 * Calls fn(user, f, ev) for every app event reported (after the framework
 * added its facts, before signature matching); NULL removes it.  For tests,
 * fuzzing and debugging.
 */
void detect_ctx_set_event_hook(struct detect_ctx *dc,
                               void (*fn)(void *user, const struct flow *f,
                                          const struct app_event *ev),
                               void *user);

#endif
