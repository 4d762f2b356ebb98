/*
 * eve_private.h - what the EVE event writers (eve_*.c) share: the writer
 * object and the builders of the common header every event starts with.
 * Not for other stages: they use imsentry/output.h.
 */
#ifndef IMSENTRY_EVE_PRIVATE_H
#define IMSENTRY_EVE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "imsentry/config.h"
#include "imsentry/output.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

/* Room for one formatted timestamp, "2002-04-16T12:00:00.000500+0000" and its NUL. */
#define EVE_TS_LEN 32

struct eve {
    struct config cfg;      /* copy of the settings at open (switches, limits, file name) */
    struct stats *st;       /* where eve.* counters go: the caller's, or own_stats */
    struct stats own_stats; /* counters kept here when eve_open() was given no stats */
    char *path;             /* logdir/<eve_filename>, owned */
    FILE *fp;               /* the open file; NULL only if a reopen lost it */
    char *buf;              /* stdio buffer of cfg.eve_buffer_size bytes (NULL: unbuffered) */
    bool warned_write;      /* a write error has been logged (logged once per writer) */
    char *line;             /* reused buffer an event's JSON line is encoded into, owned */
    size_t line_len;        /* bytes of the current line in line */
    size_t line_cap;        /* allocated size of line */
    uint32_t anom_written[STAT__COUNT]; /* anomaly events written per anomaly id */
};

/* Adds one to an eve.* counter. */
void eve_count(struct eve *ev, enum stat_id id);

/*
 * Writes obj as one compact JSON line and releases it (the reference is
 * stolen, obj may be NULL after an allocation failure: counted).
 */
void eve_emit(struct eve *ev, json_t *obj);

/*
 * A new event object holding "timestamp", then "flow_id" when flow_id is not
 * 0, then "event_type".  NULL when out of memory.
 */
/*
 * The line buffer, for events written without a jansson tree: reset, append
 * (each append false when out of memory or, for eve_line_ascii, when s is
 * not plain printable ASCII without '"' or '\\', which the caller then
 * leaves to the jansson path), emit.  What they write is what eve_emit()
 * writes for the same values.
 */
void eve_line_reset(struct eve *ev);

bool eve_line_put(struct eve *ev, const char *s, size_t n);

bool eve_line_integer(struct eve *ev, json_int_t v);

bool eve_line_ascii(struct eve *ev, const char *s);

void eve_line_emit(struct eve *ev);

json_t *eve_event_new(int64_t ts_us, uint64_t flow_id, const char *event_type);

/* Suricata's proto text: "TCP", "UDP", "ICMP", "IPv6-ICMP", else the number ("47"). */
const char *eve_proto_name(uint8_t proto, char *buf, size_t len);

/* Appends "vlan":[ids...] when n > 0 (n is clamped to PKT_MAX_VLANS). */
void eve_add_vlan(json_t *o, const uint16_t *vlan, unsigned n);

/*
 * Appends the addressing fields in Suricata's order: src_ip, src_port,
 * dest_ip, dest_port, proto.  TCP, UDP and SCTP carry ports; ICMP and
 * ICMPv6 carry icmp_type (sp) and icmp_code (dp) instead; other protocols
 * carry neither.  has_l4 false omits ports and ICMP fields altogether.
 */
void eve_add_tuple(json_t *o, uint8_t proto, const struct ip_addr *src, uint16_t sp,
                   const struct ip_addr *dst, uint16_t dp, bool has_l4);

/* A JSON string from a C string of ours (signature text, names); invalid UTF-8 is escaped. */
json_t *eve_json_text(const char *s);

/* Appends "key": integer (uint64 values are below 2^63 in practice; larger ones are clamped). */
void eve_set_u64(json_t *o, const char *key, uint64_t v);

#endif
