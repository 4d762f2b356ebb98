/*
 * app_event.c - building application events and the names of event types
 * and facts (app_events.def, app_facts.def) for signatures and output.
 */
#include "imsentry/app_event.h"

#include <string.h>

static const char *const app_event_names[APP_EVENT__COUNT] = {
#define APP_EVENT(id, name) [APP_EVENT_##id] = name,
#include "imsentry/app_events.def"
#undef APP_EVENT
};

static const char *const app_fact_names[APP_FACT__COUNT] = {
#define APP_FACT(id, name) [APP_FACT_##id] = name,
#include "imsentry/app_facts.def"
#undef APP_FACT
};

void app_event_init(struct app_event *ev, enum app_event_type type, enum app_proto proto,
                    enum flow_dir dir)
{
    ev->type = type;
    ev->proto = proto;
    ev->dir = dir;
    ev->ts_us = 0;
    ev->n_facts = 0;
}

bool app_event_add(struct app_event *ev, enum app_fact_key key, const void *val, size_t len)
{
    if (ev->n_facts >= APP_EVENT_MAX_FACTS || (unsigned)key >= APP_FACT__COUNT)
        return false;
    if (!val)
        len = 0;
    ev->facts[ev->n_facts].key = key;
    ev->facts[ev->n_facts].val = len ? val : (const uint8_t *)"";
    ev->facts[ev->n_facts].len = len;
    ev->n_facts++;
    return true;
}

bool app_event_add_str(struct app_event *ev, enum app_fact_key key, const char *val)
{
    return app_event_add(ev, key, val, val ? strlen(val) : 0);
}

const uint8_t *app_event_get(const struct app_event *ev, enum app_fact_key key, size_t *len)
{
    for (unsigned i = 0; i < ev->n_facts && i < APP_EVENT_MAX_FACTS; i++) {
        if (ev->facts[i].key == key) {
            *len = ev->facts[i].len;
            return ev->facts[i].val;
        }
    }
    *len = 0;
    return NULL;
}

const char *app_event_name(enum app_event_type type)
{
    if ((unsigned)type >= APP_EVENT__COUNT)
        return NULL;
    return app_event_names[type];
}

const char *app_fact_name(enum app_fact_key key)
{
    if ((unsigned)key >= APP_FACT__COUNT)
        return NULL;
    return app_fact_names[key];
}

int app_event_lookup(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < APP_EVENT__COUNT; i++) {
        if (strcmp(app_event_names[i], name) == 0)
            return i;
    }
    return -1;
}

int app_fact_lookup(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < APP_FACT__COUNT; i++) {
        if (strcmp(app_fact_names[i], name) == 0)
            return i;
    }
    return -1;
}

enum app_proto app_proto_lookup(const char *name)
{
    if (!name)
        return APP_PROTO_UNKNOWN;
    for (int p = APP_PROTO_UNKNOWN + 1; p < APP_PROTO__COUNT; p++) {
        const char *n = app_proto_name((enum app_proto)p);

        if (n && strcmp(n, name) == 0)
            return (enum app_proto)p;
    }
    return APP_PROTO_UNKNOWN;
}
