/*
 * det_oscar.h - FLAP framing shared by the OSCAR (det_oscar.c) and TOC
 * (det_toc.c) detectors, and small helpers of the AIM/ICQ detectors.
 *
 * FLAP header (OSCAR documentation; PROTOCOLS.md):
 *
 *    0      1      2      3      4      5
 *   +------+------+------+------+------+------+---------------
 *   | 0x2A | chan |  sequence   |   length    | payload ...
 *   +------+------+------+------+------+------+---------------
 *   chan: 1 sign-on, 2 SNAC data, 3 error, 4 sign-off, 5 keep-alive
 *
 * A stream is a chain of FLAPs whose lengths link exactly; one 0x2A byte
 * is no evidence, a chain (or the server's exact hello) is.
 */
#ifndef IMSENTRY_DET_OSCAR_H
#define IMSENTRY_DET_OSCAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"

#define FLAP_HDR_LEN 6
#define FLAP_MARKER 0x2A

/* One FLAP header. */
struct flap_hdr {
    uint8_t channel; /* 1..5 */
    uint16_t seq;    /* sequence number */
    uint16_t len;    /* payload length */
};

/* Reads a FLAP header at the cursor; false (cursor unchanged) when absent or not well-formed. */
bool flap_hdr_read(struct bcur *c, struct flap_hdr *h);

/* Same, at offset `at` of buf[0..len) without a cursor to advance. */
bool flap_hdr_at(const uint8_t *buf, size_t len, size_t at, struct flap_hdr *h);

/* Called for each complete FLAP (payload bytes valid during the call only). */
typedef void (*flap_fn)(struct det_call *call, void *ctx, enum flow_dir dir,
                        const struct flap_hdr *h, const uint8_t *payload, size_t len);

/* One direction's FLAP reassembly (embedded in detector state; zeroed = stream start). */
struct flap_reader {
    uint8_t buf[LIM_OSCAR_FLAP_BUF]; /* bytes not yet framed */
    size_t used;                     /* bytes in buf */
    uint32_t skip;                   /* payload bytes of an oversize FLAP still to drop */
    bool hunting;                    /* framing lost (gap, mid-stream, garbage): resync */
    bool started;                    /* bytes were seen on this direction */
    uint32_t resyncs;                /* times the framing was lost and found again */
};

/*
 * Feeds in-order bytes (or a gap: flags & STREAM_DATA_GAP) to the reader,
 * calling fn for every complete FLAP.  mid_stream tells that the first bytes
 * may not start a FLAP (no handshake seen): the reader then hunts for a
 * chain before trusting a header.
 */
void flap_feed(struct flap_reader *r, struct det_call *call, enum flow_dir dir,
               const uint8_t *data, size_t len, unsigned flags, bool mid_stream, flap_fn fn,
               void *ctx);

/*
 * Probe verdict for the first bytes of a direction.  at_start: buf begins
 * the stream (handshake seen or a tunnel start): a FLAP must begin at 0;
 * otherwise the chain may start anywhere.  TLS records are refused.
 */
enum probe_result flap_probe(const uint8_t *buf, size_t len, bool at_start);

/* True when buf[0..len) (a payload) is a sequence of TLVs ending exactly at len. */
bool oscar_tlvs_exact(const uint8_t *buf, size_t len);

/* True when the span is 1..10 decimal digits (an ICQ UIN). */
bool oscar_is_uin(const uint8_t *p, size_t len);

/* True when needle occurs in hay[0..len) ignoring ASCII case. */
bool oscar_contains_ci(const uint8_t *hay, size_t len, const char *needle);

/* True when a file name ends with an executable extension (.exe .com .scr .pif .bat .vbs). */
bool oscar_is_executable(const uint8_t *name, size_t len);

/* True when the stream of this call started at its beginning (handshake seen). */
bool oscar_stream_at_start(const struct det_call *call);

#endif /* IMSENTRY_DET_OSCAR_H */
