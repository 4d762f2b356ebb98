/*
 * app_event.h - what the detectors tell the signature engine: an event type
 * (app_events.def) with facts (app_facts.def), about one flow.
 *
 * Fact values point into the detector's buffers and are valid only during
 * the call that receives the event; the signature engine copies what it
 * keeps.  A password fact is the recovered secret: only the output decides
 * what of it is written (credentials.password), nothing else may log it.
 */
#ifndef IMSENTRY_APP_EVENT_H
#define IMSENTRY_APP_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/flow.h"

enum app_event_type {
#define APP_EVENT(id, name) APP_EVENT_##id,
#include "imsentry/app_events.def"
#undef APP_EVENT
    APP_EVENT__COUNT
};

enum app_fact_key {
#define APP_FACT(id, name) APP_FACT_##id,
#include "imsentry/app_facts.def"
#undef APP_FACT
    APP_FACT__COUNT
};

/* Most facts on one event. */
#define APP_EVENT_MAX_FACTS 24

struct app_fact {
    enum app_fact_key key; /* which fact */
    const uint8_t *val;    /* its bytes (not NUL-terminated; may hold any byte) */
    size_t len;            /* length of val */
};

struct app_event {
    enum app_event_type type;  /* what happened */
    enum app_proto proto;      /* protocol the event is about (ICQ for a UIN login ...) */
    enum flow_dir dir;         /* direction of the data that showed it */
    int64_t ts_us;             /* packet time (set by the framework) */
    unsigned n_facts;          /* entries used in facts[] */
    struct app_fact facts[APP_EVENT_MAX_FACTS]; /* facts, in the order added; keys may repeat */
};

/* Starts an event with no facts. */
void app_event_init(struct app_event *ev, enum app_event_type type, enum app_proto proto,
                    enum flow_dir dir);

/* Adds a fact (ignored when full; returns false then). */
bool app_event_add(struct app_event *ev, enum app_fact_key key, const void *val, size_t len);

/* Adds a NUL-terminated string fact. */
bool app_event_add_str(struct app_event *ev, enum app_fact_key key, const char *val);

/* First value of a fact, or NULL (then *len is 0). */
const uint8_t *app_event_get(const struct app_event *ev, enum app_fact_key key, size_t *len);

/* Names for signatures and output; NULL when out of range. */
const char *app_event_name(enum app_event_type type);
const char *app_fact_name(enum app_fact_key key);

/* Lookups by name (signature loader); -1 when unknown. */
int app_event_lookup(const char *name);
int app_fact_lookup(const char *name);

/* app_proto by EVE name ("aim", "http-proxy" ...); APP_PROTO_UNKNOWN when unknown. */
enum app_proto app_proto_lookup(const char *name);

#endif
