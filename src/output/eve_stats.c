/*
 * eve_stats.c - the stats event (event_type "stats"): every counter, zeros
 * included, nested by its dotted name the way Suricata's stats log nests
 * them (decoder.event.ipv4.hlen_too_small ->
 * {"decoder":{"event":{"ipv4":{"hlen_too_small":N}}}}), after "uptime".
 */
#include "imsentry/output.h"

#include <string.h>

#include "eve_private.h"

/* Longest dotted counter name handled (longer names are written flat). */
#define EVE_STAT_NAME_MAX 128

/* True for the counters this stage keeps (stats_output.def). */
static bool eve_is_output_stat(enum stat_id id)
{
    switch (id) {
#define STAT(id_, name) case STAT_##id_:
#define ANOMALY(id_, kind, name) case STAT_ANOM_##id_:
#include "imsentry/stats_output.def"
#undef STAT
#undef ANOMALY
        return true;
    default:
        return false;
    }
}

/*
 * Sets root.a.b.c = v for name "a.b.c", creating the objects on the way.
 * Names must not collide (one a leaf, the other a branch: check_output
 * tests the real set).  Should they anyway, a branch met at a leaf keeps
 * the rest of its name as one dotted key there, and a leaf met at a branch
 * is left out rather than written ambiguously.
 */
static void eve_stats_put(json_t *root, const char *name, uint64_t v)
{
    char buf[EVE_STAT_NAME_MAX];
    size_t len = strlen(name);
    char *part, *dot;
    json_t *cur = root;

    if (len >= sizeof(buf)) {
        eve_set_u64(root, name, v);
        return;
    }
    memcpy(buf, name, len + 1);
    part = buf;
    while ((dot = strchr(part, '.')) != NULL) {
        json_t *child;

        *dot = '\0';
        child = json_object_get(cur, part);
        if (!child) {
            child = json_object();
            if (!child || json_object_set_new(cur, part, child) != 0)
                return;
        } else if (!json_is_object(child)) {
            *dot = '.'; /* collision with a leaf: keep the rest of the name whole */
            break;
        }
        cur = child;
        part = dot + 1;
    }
    if (json_object_get(cur, part))
        return;
    eve_set_u64(cur, part, v);
}

void eve_write_stats(struct eve *ev, const struct stats *st, int64_t ts_us, double uptime_s)
{
    json_t *o, *s;

    if (!ev || !st || !ev->cfg.eve_stats)
        return;
    o = eve_event_new(ts_us, 0, "stats");
    s = json_object();
    if (!o || !s)
        goto out_fail;
    json_object_set_new(s, "uptime", json_integer(uptime_s > 0 ? (json_int_t)uptime_s : 0));
    for (int i = 0; i < STAT__COUNT; i++) {
        enum stat_id id = (enum stat_id)i;
        uint64_t v = st->v[i];

        /* this writer's own counters, when they are not kept in st itself */
        if (ev->st != st && eve_is_output_stat(id))
            v += ev->st->v[i];
        eve_stats_put(s, stats_name(id), v);
    }
    json_object_set_new(o, "stats", s);
    eve_emit(ev, o);
    return;

out_fail:
    json_decref(s);
    json_decref(o);
    eve_emit(ev, NULL);
}
