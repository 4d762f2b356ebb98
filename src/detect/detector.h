/*
 * detector.h - what one protocol detector (src/detect/det_<proto>.c) exports
 * and the framework calls it may use.  Detectors are listed once, in
 * detectors.def; a new protocol is one file, one line there, and tests.
 *
 * Life of a flow (each direction separately):
 *   1. probing: the framework hands every candidate detector's probe() the
 *      first bytes of a direction (from the start of the stream, of the
 *      tunnel, or a UDP payload), buffered up to DETECT_PROBE_MAX bytes,
 *      candidates whose port hints match first.  A probe answers
 *      PROBE_MATCH (claims the flow), PROBE_NO (never on this flow) or
 *      PROBE_MORE (needs more bytes).  Either direction may claim: captures
 *      often start mid-session and one side alone must identify a flow.
 *   2. parsing: the claiming detector's parse() then gets every byte of both
 *      directions in order, starting with the bytes already probed (gaps as
 *      STREAM_DATA_GAP with len the hole size and data NULL), and reports
 *      events with det_emit().  Framing must re-synchronise from any offset.
 *   3. finish() at flow end reports what is pending; free() releases state.
 * All parsing goes through the cursor in imsentry/bytes.h.
 */
#ifndef IMSENTRY_DETECTOR_H
#define IMSENTRY_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/app_event.h"
#include "imsentry/flow.h"

/* Bytes per direction a flow is probed with before it is given up (app_proto "failed"). */
#define DETECT_PROBE_MAX 4096

enum probe_result {
    PROBE_NO = 0,    /* not this protocol */
    PROBE_MORE = 1,  /* cannot tell yet */
    PROBE_MATCH = 2  /* this protocol: claim the flow */
};

struct det_call;  /* the framework's handle during one callback */
struct http_msg;  /* a parsed HTTP request or response (det_http.h) */

struct detector {
    const char *name;       /* for counters and debugging: "oscar", "msn" ... */
    enum app_proto proto;   /* app_proto a claim sets (det_set_proto may refine it) */
    uint8_t ipproto;        /* 6 (TCP) or 17 (UDP) */
    const uint16_t *ports;  /* port hints: probe order only, never decisive */
    unsigned n_ports;       /* entries in ports */

    /*
     * Looks at the first len bytes of direction dir (buf never holds more
     * than DETECT_PROBE_MAX bytes).  May call det_set_client() when the
     * bytes show which side is the client.  Must not keep buf.
     */
    enum probe_result (*probe)(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                               size_t len);

    size_t state_size;      /* bytes of per-flow state the framework allocates, zeroed */

    /* Optional: set up state after a claim (0 or a negative IMS_E*). */
    int (*init)(struct det_call *call, void *state);

    /* In-order bytes of a direction after the claim (see the life cycle above). */
    void (*parse)(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                  size_t len, unsigned flags);

    /* Optional: the flow ends; report what is pending. */
    void (*finish)(struct det_call *call, void *state);

    /* Optional: release what state points to (not state itself). */
    void (*free)(void *state);

    /*
     * Optional, for protocols carried in HTTP (gateways, P2P downloads, web
     * logins): called by the HTTP detector for every parsed request and
     * response of an HTTP flow.  Returns true when the message belongs to
     * this protocol; the flow's app_proto then becomes det->proto (or what
     * det_set_proto says) and the detector may det_emit() events.
     */
    bool (*http_inspect)(struct det_call *call, const struct http_msg *msg);
};

/* The detector table, from detectors.def. */
extern const struct detector *const detector_table[];
extern const unsigned detector_count;

/* ---- framework services for detectors ---- */

/* Reports an event (its ts_us is set here; tunnel facts are added when tunnelled). */
void det_emit(struct det_call *call, struct app_event *ev);

/* The flow (read-only for detectors). */
const struct flow *det_flow(const struct det_call *call);

/* Packet time of the data being handled. */
int64_t det_now(const struct det_call *call);

/* The side that sends direction dir's bytes is the client (re-orients the flow if needed). */
void det_set_client(struct det_call *call, enum flow_dir client_dir);

/* Refines the flow's app_proto (e.g. OSCAR with a numeric UIN -> icq). */
void det_set_proto(struct det_call *call, enum app_proto proto);

/* True when an address (family 4 or 6, 16 bytes) is in the configured home networks. */
bool det_is_home(const struct det_call *call, uint8_t family, const uint8_t addr[16]);

/*
 * Tunnels: a proxy detector (SOCKS, HTTP CONNECT) calls det_tunnel_open()
 * once the proxy accepted, naming the carrier ("socks" or "http-proxy") and
 * the target ("host:port"), then hands every later byte of each direction
 * to det_tunnel_data(): the framework detects and parses it as a fresh
 * stream whose events carry tunnel and tunnel_target.  Nesting is bounded.
 */
void det_tunnel_open(struct det_call *call, const char *carrier, const char *target);
void det_tunnel_data(struct det_call *call, enum flow_dir dir, const uint8_t *data, size_t len,
                     unsigned flags);

/* The HTTP detector hands each parsed message to every detector's http_inspect. */
bool det_http_dispatch(struct det_call *call, const struct http_msg *msg);

#endif
