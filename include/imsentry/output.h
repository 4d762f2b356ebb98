/*
 * output.h - EVE JSON output (Suricata-compatible), one JSON object per
 * line in LOGDIR/eve.json.  See DESIGN.md "EVE output" and man/imsentry-eve.5.
 *
 * Timestamps come from packets.  Every string taken from the wire goes
 * through eve_json_wire_string() so each line is valid UTF-8 whatever the
 * bytes were.  Writes are buffered; eve_flush() and eve_close() push them
 * out, and nothing is lost on a clean exit.
 */
#ifndef IMSENTRY_OUTPUT_H
#define IMSENTRY_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "imsentry/config.h"
#include "imsentry/flow.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

struct eve;

/*
 * Creates logdir (with parents) if missing and opens logdir/<eve_filename>
 * for appending, mode 0640.  On failure returns NULL with a message in err.
 */
struct eve *eve_open(const char *logdir, const struct config *cfg, struct stats *st, char *err,
                     size_t errlen);

/* Reopens the file (log rotation on SIGHUP); 0 or a negative IMS_E*. */
int eve_reopen(struct eve *ev);

/* Pushes buffered lines to the file. */
void eve_flush(struct eve *ev);

/* Flushes and closes. */
void eve_close(struct eve *ev);

/* Path of the open file. */
const char *eve_path(const struct eve *ev);

/* Formats packet time as "2002-04-16T12:00:00.000500+0000" into buf (>= 32 bytes). */
const char *eve_format_ts(int64_t ts_us, char *buf, size_t len);

/*
 * A JSON string for bytes from the wire: valid UTF-8 passes unchanged,
 * every other byte becomes the text "\xNN" (NUL too: "\x00", since many
 * JSON readers refuse "\u0000").  Never NULL (out of memory aside).
 */
json_t *eve_json_wire_string(const uint8_t *bytes, size_t len);

/* One flow event (event_type "flow") for a flow that has ended. */
void eve_write_flow(struct eve *ev, const struct flow *f);

/* One stats event with every counter, nested by dotted name. uptime_s is wall-clock seconds. */
void eve_write_stats(struct eve *ev, const struct stats *st, int64_t ts_us, double uptime_s);

/*
 * One anomaly event (event_type "anomaly") for anomaly id raised on pkt;
 * rate-limited to outputs.eve.anomaly-max-per-type per type.
 */
void eve_write_anomaly(struct eve *ev, const struct packet *pkt, enum stat_id id);

/* An anomaly found on a flow rather than one packet (stream reassembly); same rate limit. */
void eve_write_anomaly_flow(struct eve *ev, const struct flow *f, enum stat_id id);

/* A key of alert.metadata with its values (strings from the wire are escaped). */
struct alert_meta {
    const char *key;        /* metadata key, e.g. "username" */
    const uint8_t *value;   /* bytes of one value */
    size_t value_len;       /* length of value */
};

/* Most metadata values on one alert. */
#define ALERT_MAX_META 32

/* An alert as the signature engine hands it to the output. */
struct alert {
    uint32_t sid;           /* signature id */
    uint32_t rev;           /* signature revision */
    const char *msg;        /* signature message */
    const char *category;   /* classification */
    int severity;           /* 1 (high) .. 4 (low) */
    enum app_proto app_proto; /* protocol the alert is about */
    enum flow_dir dir;      /* direction of the packet/stream that matched */
    int64_t ts_us;          /* time of the match */
    struct alert_meta meta[ALERT_MAX_META]; /* metadata entries; repeated keys form arrays */
    unsigned n_meta;        /* entries used */
};

/*
 * Writes an alert event on flow f (the addresses are those of the
 * direction dir: to_server alerts name the client as src).
 */
void eve_write_alert(struct eve *ev, const struct flow *f, const struct alert *a);

#endif
