/*
 * detect_test.h - a small driver of the detect stage for unit tests and fuzz
 * targets (test support; it lives in the core library so every test
 * executable can use it).  It builds a fake flow (IPv4 10.0.0.1:cli ->
 * 192.0.2.1:srv unless det_test_set_addrs says otherwise), a config from
 * config_defaults(), a detect_ctx without signatures, and records every app
 * event as a deep copy so assertions are easy:
 *
 *   struct det_test *t = det_test_new("ftp", 6, 40000, 21);
 *   det_test_feed(t, FLOW_TOCLIENT, "220 hi\\r\\n", 8);
 *   det_test_feed(t, FLOW_TOSERVER, "USER bob\\r\\n", 10);
 *   det_test_end(t);
 *   ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
 *   e = det_test_find(t, APP_EVENT_LOGIN, 0);
 *   ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "bob");
 *   det_test_free(t);
 *
 * Packet time starts at 2002-04-16T12:00:00Z and advances 1 ms per feed.
 */
#ifndef IMSENTRY_DETECT_TEST_H
#define IMSENTRY_DETECT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/app_event.h"
#include "imsentry/config.h"
#include "imsentry/detect.h"
#include "imsentry/flow.h"
#include "imsentry/stats.h"

struct detector;

/* One recorded fact: val is a NUL-terminated copy of the len bytes (which may hold NULs). */
struct det_test_fact {
    enum app_fact_key key; /* which fact */
    char *val;             /* copy of the value, NUL-terminated */
    size_t len;            /* bytes in val before the terminator */
};

/* One recorded event. */
struct det_test_event {
    enum app_event_type type;  /* event type */
    enum app_proto proto;      /* protocol the event is about */
    enum flow_dir dir;         /* direction of the data that showed it */
    int64_t ts_us;             /* packet time */
    enum app_proto flow_proto; /* the flow's app_proto when it was emitted */
    unsigned n_facts;          /* entries in facts */
    struct det_test_fact facts[APP_EVENT_MAX_FACTS]; /* facts in order (framework ones included) */
};

struct det_test;

/*
 * A driver with the detector named detector_name only (NULL: the whole
 * table) for a flow of ipproto (6 or 17) between the ports.  NULL when the
 * name is unknown or memory is short.
 */
struct det_test *det_test_new(const char *detector_name, uint8_t ipproto, uint16_t cli_port,
                              uint16_t srv_port);

/*
 * Same with an explicit detector table (the framework's own tests use fake
 * detectors); table must outlive the driver, n <= LIM_DETECT_MAX_DETECTORS.
 */
struct det_test *det_test_new_table(const struct detector *const *table, unsigned n,
                                    uint8_t ipproto, uint16_t cli_port, uint16_t srv_port);

/* Replaces the flow's addresses ("10.0.0.1", "2001:db8::1"); false when unparsable. */
bool det_test_set_addrs(struct det_test *t, const char *cli, const char *srv);

/* The config the ctx uses (change it before feeding), stats, flow and ctx. */
struct config *det_test_config(struct det_test *t);
struct stats *det_test_stats(struct det_test *t);
struct flow *det_test_flow(struct det_test *t);
struct detect_ctx *det_test_ctx(struct det_test *t);

/* Sets the packet time of the next feed (later feeds go on 1 ms apart from it). */
void det_test_set_time(struct det_test *t, int64_t ts_us);

/*
 * Bytes of one direction: TCP goes through detect_stream_data as one
 * in-order delivery, UDP as one datagram through detect_udp.
 */
void det_test_feed(struct det_test *t, enum flow_dir dir, const void *data, size_t len);

/* A hole of len bytes in a TCP direction (STREAM_DATA_GAP). */
void det_test_gap(struct det_test *t, enum flow_dir dir, size_t len);

/* Ends the flow (detect_flow_end); later feeds start a new flow with the same addresses. */
void det_test_end(struct det_test *t);

/* Injects an event as a detector of the flow would report it (goes through det_emit). */
void det_test_emit(struct det_test *t, struct app_event *ev);

/* Events recorded so far, and the i-th (NULL when out of range); owned by t. */
unsigned det_test_n_events(const struct det_test *t);
const struct det_test_event *det_test_event(const struct det_test *t, unsigned i);

/* First event of type at index >= from, or NULL; and how many events of type were seen. */
const struct det_test_event *det_test_find(const struct det_test *t, enum app_event_type type,
                                           unsigned from);
unsigned det_test_count(const struct det_test *t, enum app_event_type type);

/* First value of a fact of e, or NULL (e may be NULL). */
const char *det_test_fact(const struct det_test_event *e, enum app_fact_key key);

/* The flow's app_proto now (after det_test_end: as it was when the flow ended). */
enum app_proto det_test_app_proto(const struct det_test *t);

/* Frees events recorded so far (the flow goes on). */
void det_test_clear_events(struct det_test *t);

/*
 * What was handed to signature stream matching (sig_stream) for dir, in the
 * orientation of the time: the bytes (gaps left out; up to 1 MiB kept), the
 * hole bytes, and the app_proto and tunnel carrier (NULL: none) of the last
 * piece.  Every byte fed must show up exactly once after the flow ends.
 */
const uint8_t *det_test_stream(const struct det_test *t, enum flow_dir dir, size_t *len);
uint64_t det_test_stream_gap(const struct det_test *t, enum flow_dir dir);
enum app_proto det_test_stream_proto(const struct det_test *t, enum flow_dir dir);
const char *det_test_stream_tunnel(const struct det_test *t, enum flow_dir dir);

/* Ends the flow if still open and frees everything. */
void det_test_free(struct det_test *t);

#endif
