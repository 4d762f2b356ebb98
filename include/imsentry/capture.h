/*
 * capture.h - the capture stage: libpcap sources (pcap/pcapng files, live
 * interfaces) and the worker that drives each packet through the pipeline
 * (decode -> flow -> ... -> output) and runs the timers.
 *
 * A worker and everything it owns (decoder, flow table, counters) is one
 * context: a later change can run one worker per core.
 */
#ifndef IMSENTRY_CAPTURE_H
#define IMSENTRY_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/config.h"
#include "imsentry/output.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

struct capture;

/* Result of capture_next(). */
enum capture_status {
    CAPTURE_PACKET = 0,    /* *pkt holds the next packet */
    CAPTURE_TIMEOUT = 1,   /* live: no packet within the read timeout */
    CAPTURE_EOF = 2,       /* file: no more packets */
    CAPTURE_ERROR = 3      /* truncated/damaged file or device error (message logged) */
};

/*
 * Opens a pcap or pcapng file (bpf may be NULL).  On failure returns NULL
 * with a one-line reason in err.
 */
struct capture *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen);

/* Opens a live interface with cfg's snaplen, promisc, buffer size and timeout. */
struct capture *capture_open_live(const char *iface, const struct config *cfg, const char *bpf,
                                  char *err, size_t errlen);

void capture_close(struct capture *cap);

/*
 * Reads the next packet into pkt (ts_us, data, caplen, wirelen, linktype
 * set; data valid until the next call).  On CAPTURE_ERROR, err holds why.
 */
enum capture_status capture_next(struct capture *cap, struct packet *pkt, char *err,
                                 size_t errlen);

/* Copies kernel counters (live only) into st: capture.kernel_packets/drops/ifdrops. */
void capture_kernel_stats(struct capture *cap, struct stats *st);

/* Link type (DLT) and name of the source. */
int capture_linktype(const struct capture *cap);
const char *capture_name(const struct capture *cap);
bool capture_is_live(const struct capture *cap);

struct worker;

struct sig_engine;
struct sig_ctx;

/*
 * Creates a worker writing to ev (not owned) and matching se's signatures
 * (may be NULL: no alerts); cfg, ev and se must outlive it.  NULL on failure.
 */
struct worker *worker_new(const struct config *cfg, struct eve *ev, const struct sig_engine *se);

/* The worker's signature matcher (NULL without signatures), for the run summary. */
struct sig_ctx *worker_sig(struct worker *w);

/* Ends all flows (flow events written) and frees the worker. */
void worker_free(struct worker *w);

/* Runs one captured packet through the pipeline and the packet-time timers. */
void worker_packet(struct worker *w, struct packet *pkt);

/*
 * Live capture with no traffic: advances packet time to now_us (wall clock)
 * so idle flows still time out.  Ignored when now_us is not ahead.
 */
void worker_tick(struct worker *w, int64_t now_us);

/* Ends every open flow now (flow events written); used at shutdown. */
void worker_flush(struct worker *w);

/* The worker's counters. */
struct stats *worker_stats(struct worker *w);

/* Time of the last packet seen (0 before any). */
int64_t worker_last_ts(const struct worker *w);

/* Flows currently tracked. */
uint32_t worker_flow_count(const struct worker *w);

#endif
