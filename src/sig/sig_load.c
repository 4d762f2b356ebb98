/*
 * sig_load.c - parses signature documents (YAML 1.1 through libyaml's event
 * API; format in man/imsentry-signatures.5); sig_engine.c reads the files
 * and compiles what is parsed here.
 *
 * Loading is strict, in the style of src/util/util_config.c: unknown and
 * duplicate keys, missing required keys, values of the wrong kind, unknown
 * event, fact and protocol names, bad patterns and inconsistent
 * offset/depth/distance/within are errors reported as
 * "file:line:col: message" (1-based, libyaml marks).  The parser is driven
 * by the expected structure, so hostile nesting never recurses; aliases
 * are refused.  Duplicate ids are found across every file loaded.
 */
#include "sig_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "imsentry/app_event.h"
#include "imsentry/err.h"
#include "imsentry/yaml_util.h"

/* Longest excerpt of an offending value quoted in a message. */
#define SL_QUOTE_MAX 48

/* State of one file's load. */
struct sl {
    yaml_parser_t yp;         /* libyaml event parser */
    struct sig_engine *se;    /* engine being filled */
    const char *name;         /* input name for messages (engine-owned) */
    const unsigned char *buf; /* the YAML text */
    size_t len;               /* its length */
    char *err;                /* message buffer */
    size_t errlen;            /* its size */
};

/* ---- messages and events (same conventions as util_config.c) ---- */

static int sl_error_at(struct sl *p, size_t line, size_t col, int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int sl_error_at(struct sl *p, size_t line, size_t col, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = ims_yaml_verror(p->err, p->errlen, p->name, line, col, rc, fmt, ap);
    va_end(ap);
    return rc;
}

#define sl_error(p, mark, rc, ...)                                                                 \
    sl_error_at(p, (mark).line + 1, (mark).column + 1, rc, __VA_ARGS__)

/* Printable excerpt of a scalar. */
static const char *sl_quote(const yaml_event_t *ev, char *out, size_t outlen)
{
    return ims_yaml_quote(ev, SL_QUOTE_MAX, out, outlen);
}

static const char *sl_kind(const yaml_event_t *ev)
{
    return ims_yaml_kind(ev);
}

/* Next event; aliases refused.  On success the caller deletes ev. */
static int sl_next(struct sl *p, yaml_event_t *ev)
{
    return ims_yaml_next(&p->yp, ev, p->buf, p->len, p->name, p->err, p->errlen);
}

static bool sl_is_null(const yaml_event_t *ev)
{
    return ims_yaml_is_null(ev);
}

/* True when the scalar equals s. */
static bool sl_is(const yaml_event_t *ev, const char *s)
{
    return ev->type == YAML_SCALAR_EVENT && strlen(s) == ev->data.scalar.length &&
           memcmp(ev->data.scalar.value, s, ev->data.scalar.length) == 0;
}

/* Requires a non-empty scalar without NUL bytes. */
static int sl_want_scalar(struct sl *p, const yaml_event_t *ev, const char *what)
{
    if (ev->type != YAML_SCALAR_EVENT)
        return sl_error(p, ev->start_mark, IMS_EPARSE, "%s: expected a scalar, got %s", what,
                        sl_kind(ev));
    if (sl_is_null(ev))
        return sl_error(p, ev->start_mark, IMS_EPARSE, "%s: missing value", what);
    if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
        return sl_error(p, ev->start_mark, IMS_EINVAL, "%s: value contains a NUL byte", what);
    return 0;
}

/* Copies a scalar into a new string. */
static int sl_strdup(struct sl *p, const yaml_event_t *ev, const char *what, char **out)
{
    int rc = sl_want_scalar(p, ev, what);

    if (rc)
        return rc;
    *out = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
    if (!*out)
        return sl_error(p, ev->start_mark, IMS_ENOMEM, "out of memory");
    return 0;
}

/* A decimal integer in [min, max] (plain scalar; a leading '-' only when min < 0). */
static int sl_int(struct sl *p, const yaml_event_t *ev, const char *what, int64_t min, int64_t max,
                  int64_t *out)
{
    const char *s = (const char *)ev->data.scalar.value;
    char q[SL_QUOTE_MAX + 8];
    bool neg = false;
    uint64_t v = 0;
    size_t i = 0;
    int rc = sl_want_scalar(p, ev, what);

    if (rc)
        return rc;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return sl_error(p, ev->start_mark, IMS_EPARSE, "%s: expected an integer, got a string",
                        what);
    if (s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (s[i] < '0' || s[i] > '9')
        return sl_error(p, ev->start_mark, IMS_EPARSE, "%s: \"%s\" is not an integer", what,
                        sl_quote(ev, q, sizeof(q)));
    for (; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9')
            return sl_error(p, ev->start_mark, IMS_EPARSE, "%s: \"%s\" is not an integer", what,
                            sl_quote(ev, q, sizeof(q)));
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > (1ull << 40))
            break;
    }
    if (v > (1ull << 40) || (neg ? -(int64_t)v : (int64_t)v) < min ||
        (neg ? -(int64_t)v : (int64_t)v) > max)
        return sl_error(p, ev->start_mark, IMS_EINVAL, "%s: %s is out of range (%lld..%lld)", what,
                        sl_quote(ev, q, sizeof(q)), (long long)min, (long long)max);
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

/* Index of the scalar in a NULL-terminated list, or an error listing the choices. */
static int sl_enum(struct sl *p, const yaml_event_t *ev, const char *what, const char *const *names,
                   int *out)
{
    char q[SL_QUOTE_MAX + 8], list[160];
    size_t n = 0;
    int rc = sl_want_scalar(p, ev, what);

    if (rc)
        return rc;
    for (int i = 0; names[i]; i++)
        if (sl_is(ev, names[i])) {
            *out = i;
            return 0;
        }
    list[0] = '\0';
    for (int i = 0; names[i] && n < sizeof(list); i++) {
        int w = snprintf(list + n, sizeof(list) - n, "%s%s",
                         i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return sl_error(p, ev->start_mark, IMS_EINVAL, "%s: unknown value \"%s\" (expected %s)", what,
                    sl_quote(ev, q, sizeof(q)), list);
}

/* Calls fn for a scalar value, or for each scalar of a sequence value (at most max). */
typedef int (*sl_item_fn)(struct sl *p, const yaml_event_t *ev, void *user);

static int sl_each(struct sl *p, const yaml_event_t *ev, const char *what, unsigned max,
                   sl_item_fn fn, void *user)
{
    unsigned n = 0;
    yaml_event_t e;
    int rc;

    if (ev->type == YAML_SCALAR_EVENT)
        return fn(p, ev, user);
    if (ev->type != YAML_SEQUENCE_START_EVENT)
        return sl_error(p, ev->start_mark, IMS_EPARSE,
                        "%s: expected a value or a sequence of values, got %s", what, sl_kind(ev));
    for (;;) {
        rc = sl_next(p, &e);
        if (rc)
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            break;
        }
        if (e.type != YAML_SCALAR_EVENT)
            rc = sl_error(p, e.start_mark, IMS_EPARSE, "%s: expected a value, got %s", what,
                          sl_kind(&e));
        else if (n++ == max)
            rc = sl_error(p, e.start_mark, IMS_ELIMIT, "%s: more than %u entries", what, max);
        else
            rc = fn(p, &e, user);
        yaml_event_delete(&e);
        if (rc)
            return rc;
    }
    if (n == 0)
        return sl_error(p, ev->start_mark, IMS_EINVAL, "%s: empty list", what);
    return 0;
}

/* ---- lists of strings ---- */

struct sl_strs {
    char ***v;        /* where the array goes */
    unsigned *n;      /* its count */
    const char *what; /* key name for messages */
};

static int sl_str_item(struct sl *p, const yaml_event_t *ev, void *user)
{
    struct sl_strs *l = user;
    char **grown, *s;
    int rc = sl_strdup(p, ev, l->what, &s);

    if (rc)
        return rc;
    grown = realloc(*l->v, (*l->n + 1) * sizeof(char *));
    if (!grown) {
        free(s);
        return sl_error(p, ev->start_mark, IMS_ENOMEM, "out of memory");
    }
    grown[(*l->n)++] = s;
    *l->v = grown;
    return 0;
}

static int sl_strs(struct sl *p, const yaml_event_t *ev, const char *what, char ***v, unsigned *n)
{
    struct sl_strs l = {v, n, what};

    return sl_each(p, ev, what, LIM_SIG_LIST_MAX, sl_str_item, &l);
}

/* ---- match parts ---- */

static int sl_app_proto_item(struct sl *p, const yaml_event_t *ev, void *user)
{
    struct sig *s = user;
    char q[SL_QUOTE_MAX + 8];
    enum app_proto ap;
    int rc = sl_want_scalar(p, ev, "app_proto");

    if (rc)
        return rc;
    ap = app_proto_lookup((const char *)ev->data.scalar.value);
    if (ap == APP_PROTO_UNKNOWN || (unsigned)ap >= 32)
        return sl_error(p, ev->start_mark, IMS_EINVAL, "app_proto: unknown protocol \"%s\"",
                        sl_quote(ev, q, sizeof(q)));
    s->app_protos |= 1u << ap;
    return 0;
}

static int sl_port_item(struct sl *p, const yaml_event_t *ev, void *user)
{
    struct sig *s = user;
    const char *t = (const char *)ev->data.scalar.value;
    char q[SL_QUOTE_MAX + 8], *end;
    unsigned long lo, hi;
    struct sig_port_range *grown;
    int rc = sl_want_scalar(p, ev, "ports");

    if (rc)
        return rc;
    errno = 0;
    if (t[0] < '0' || t[0] > '9')
        goto bad;
    lo = strtoul(t, &end, 10);
    hi = lo;
    if (*end == '-') {
        if (end[1] < '0' || end[1] > '9')
            goto bad;
        hi = strtoul(end + 1, &end, 10);
    }
    if (*end || errno || lo > 65535 || hi > 65535 || hi < lo)
        goto bad;
    grown = realloc(s->ports, (s->n_ports + 1) * sizeof(*grown));
    if (!grown)
        return sl_error(p, ev->start_mark, IMS_ENOMEM, "out of memory");
    s->ports = grown;
    s->ports[s->n_ports].lo = (uint16_t)lo;
    s->ports[s->n_ports++].hi = (uint16_t)hi;
    return 0;
bad:
    return sl_error(p, ev->start_mark, IMS_EINVAL,
                    "ports: \"%s\" is not a port or range (like 5190 or \"5190-5193\")",
                    sl_quote(ev, q, sizeof(q)));
}

static int sl_fact_value_item(struct sl *p, const yaml_event_t *ev, void *user)
{
    struct sig_fact_cond *fc = user;
    char **gv, *v;
    size_t *gl;
    int rc;

    if (sl_is(ev, "present"))
        return sl_error(p, ev->start_mark, IMS_EINVAL,
                        "facts: \"present\" stands alone, not in a list");
    rc = sl_strdup(p, ev, "facts", &v);
    if (rc)
        return rc;
    gv = realloc(fc->values, (fc->n_values + 1) * sizeof(*gv));
    if (gv)
        fc->values = gv;
    gl = gv ? realloc(fc->value_lens, (fc->n_values + 1) * sizeof(*gl)) : NULL;
    if (!gl) {
        free(v);
        return sl_error(p, ev->start_mark, IMS_ENOMEM, "out of memory");
    }
    fc->value_lens = gl;
    fc->values[fc->n_values] = v;
    fc->value_lens[fc->n_values++] = ev->data.scalar.length;
    return 0;
}

/* match.facts: {fact_name: value | [values] | present}. */
static int sl_facts(struct sl *p, struct sig *s, const yaml_event_t *start)
{
    char q[SL_QUOTE_MAX + 8];
    yaml_event_t kev, vev;
    int rc;

    if (start->type != YAML_MAPPING_START_EVENT)
        return sl_error(p, start->start_mark, IMS_EPARSE, "facts: expected a mapping, got %s",
                        sl_kind(start));
    for (;;) {
        struct sig_fact_cond *fc, *grown;
        int key;

        rc = sl_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        rc = sl_want_scalar(p, &kev, "facts");
        if (rc == 0) {
            key = app_fact_lookup((const char *)kev.data.scalar.value);
            if (key < 0)
                rc = sl_error(p, kev.start_mark, IMS_EINVAL, "facts: unknown fact \"%s\"",
                              sl_quote(&kev, q, sizeof(q)));
        }
        for (unsigned i = 0; rc == 0 && i < s->n_facts; i++)
            if (s->facts[i].key == key)
                rc = sl_error(p, kev.start_mark, IMS_EPARSE, "facts: duplicate fact \"%s\"",
                              sl_quote(&kev, q, sizeof(q)));
        if (rc == 0 && s->n_facts == LIM_SIG_LIST_MAX)
            rc = sl_error(p, kev.start_mark, IMS_ELIMIT, "facts: more than %u facts",
                          (unsigned)LIM_SIG_LIST_MAX);
        yaml_event_delete(&kev);
        if (rc)
            return rc;
        grown = realloc(s->facts, (s->n_facts + 1) * sizeof(*grown));
        if (!grown)
            return sl_error(p, start->start_mark, IMS_ENOMEM, "out of memory");
        s->facts = grown;
        fc = &s->facts[s->n_facts++];
        memset(fc, 0, sizeof(*fc));
        fc->key = key;
        rc = sl_next(p, &vev);
        if (rc)
            return rc;
        if (sl_is(&vev, "present") && vev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            fc->present = true;
        else
            rc = sl_each(p, &vev, "facts", LIM_SIG_LIST_MAX, sl_fact_value_item, fc);
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
    return 0;
}

/* Content keys, in bit order for duplicate detection. */
static const char *const sl_content_keys[] = {"pattern", "offset", "depth", "distance",
                                              "within",  "nocase", NULL};

/* One match.content entry. */
static int sl_content(struct sl *p, struct sig_content *c, const yaml_event_t *start, bool first)
{
    static const char *const bools[] = {"no", "yes", "false", "true", "off", "on", NULL};
    yaml_mark_t marks[6];
    unsigned seen = 0;
    yaml_event_t kev, vev;
    int64_t v;
    int rc, k, b;

    for (;;) {
        rc = sl_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        rc = sl_enum(p, &kev, "content key", sl_content_keys, &k);
        if (rc == 0 && (seen & (1u << k)))
            rc = sl_error(p, kev.start_mark, IMS_EPARSE, "content: duplicate key \"%s\"",
                          sl_content_keys[k]);
        if (rc == 0)
            marks[k] = kev.start_mark;
        seen |= 1u << k;
        yaml_event_delete(&kev);
        if (rc)
            return rc;
        rc = sl_next(p, &vev);
        if (rc)
            return rc;
        switch (k) {
        case 0: {
            char perr[128];

            rc = sl_want_scalar(p, &vev, "pattern");
            if (rc == 0 &&
                sig_pattern_parse((const char *)vev.data.scalar.value, vev.data.scalar.length,
                                  &c->pat, &c->len, perr, sizeof(perr)) != 0)
                rc = sl_error(p, vev.start_mark, IMS_EINVAL, "pattern: %s", perr);
            break;
        }
        case 1:
            rc = sl_int(p, &vev, "offset", 0, LIM_SIG_OFFSET_MAX, &v);
            c->offset = (uint32_t)v;
            break;
        case 2:
            rc = sl_int(p, &vev, "depth", 1, LIM_SIG_OFFSET_MAX, &v);
            c->depth = (uint32_t)v;
            c->has_depth = true;
            break;
        case 3:
            rc = sl_int(p, &vev, "distance", -(int64_t)LIM_SIG_OFFSET_MAX, LIM_SIG_OFFSET_MAX, &v);
            c->distance = (int32_t)v;
            c->relative = true;
            break;
        case 4:
            rc = sl_int(p, &vev, "within", 1, LIM_SIG_OFFSET_MAX, &v);
            c->within = (uint32_t)v;
            c->has_within = true;
            c->relative = true;
            break;
        default:
            rc = sl_enum(p, &vev, "nocase", bools, &b);
            c->nocase = b & 1;
            break;
        }
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
    if (!(seen & 1))
        return sl_error(p, start->start_mark, IMS_EINVAL, "content: missing key \"pattern\"");
    if ((seen & (3u << 1)) && (seen & (3u << 3))) {
        int at = (seen & (1u << 3)) ? 3 : 4;

        return sl_error(p, marks[at], IMS_EINVAL,
                        "content: %s (relative) cannot be combined with offset/depth (absolute)",
                        sl_content_keys[at]);
    }
    if (first && c->relative)
        return sl_error(p, marks[(seen & (1u << 3)) ? 3 : 4], IMS_EINVAL,
                        "content: the first content has no previous match for %s",
                        (seen & (1u << 3)) ? "distance" : "within");
    if (c->has_depth && c->depth < c->len)
        return sl_error(p, marks[2], IMS_EINVAL,
                        "content: depth %u is shorter than the pattern (%u bytes)", c->depth,
                        c->len);
    if (c->has_within && c->within < c->len)
        return sl_error(p, marks[4], IMS_EINVAL,
                        "content: within %u is shorter than the pattern (%u bytes)", c->within,
                        c->len);
    return 0;
}

/* match.content: a sequence of content mappings. */
static int sl_contents(struct sl *p, struct sig *s, const yaml_event_t *start)
{
    yaml_event_t e;
    int rc;

    if (start->type != YAML_SEQUENCE_START_EVENT)
        return sl_error(p, start->start_mark, IMS_EPARSE,
                        "content: expected a sequence of {pattern: ...} entries, got %s",
                        sl_kind(start));
    s->contents = calloc(LIM_SIG_CONTENTS, sizeof(*s->contents));
    if (!s->contents)
        return sl_error(p, start->start_mark, IMS_ENOMEM, "out of memory");
    for (;;) {
        rc = sl_next(p, &e);
        if (rc)
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            break;
        }
        if (e.type != YAML_MAPPING_START_EVENT)
            rc = sl_error(p, e.start_mark, IMS_EPARSE, "content: expected a mapping, got %s",
                          sl_kind(&e));
        else if (s->n_contents == LIM_SIG_CONTENTS)
            rc = sl_error(p, e.start_mark, IMS_ELIMIT, "content: more than %u entries",
                          (unsigned)LIM_SIG_CONTENTS);
        else {
            bool first = s->n_contents == 0;

            s->n_contents++;
            rc = sl_content(p, &s->contents[s->n_contents - 1], &e, first);
        }
        yaml_event_delete(&e);
        if (rc)
            return rc;
    }
    if (s->n_contents == 0)
        return sl_error(p, start->start_mark, IMS_EINVAL, "content: empty list");
    return 0;
}

static const char *const sl_match_keys[] = {"transport", "direction", "app_proto", "event", "facts",
                                            "tunnel",    "ports",     "content",   NULL};
static const char *const sl_transport_names[] = {"any", "tcp", "udp", NULL};
static const char *const sl_direction_names[] = {"any", "to_server", "to_client", NULL};
static const char *const sl_tunnel_names[] = {"any",   "none",       "tunneled",
                                              "socks", "http-proxy", NULL};

/* The match: mapping. */
static int sl_match(struct sl *p, struct sig *s, const yaml_event_t *start)
{
    yaml_mark_t marks[8];
    unsigned seen = 0;
    yaml_event_t kev, vev;
    char q[SL_QUOTE_MAX + 8];
    int rc, k, v;

    if (start->type != YAML_MAPPING_START_EVENT)
        return sl_error(p, start->start_mark, IMS_EPARSE, "match: expected a mapping, got %s",
                        sl_kind(start));
    for (;;) {
        rc = sl_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        rc = sl_want_scalar(p, &kev, "match");
        if (rc == 0 && sl_enum(p, &kev, "match", sl_match_keys, &k) != 0)
            rc = sl_error(p, kev.start_mark, IMS_EPARSE, "match: unknown key \"%s\"",
                          sl_quote(&kev, q, sizeof(q)));
        if (rc == 0 && (seen & (1u << k)))
            rc = sl_error(p, kev.start_mark, IMS_EPARSE, "match: duplicate key \"%s\"",
                          sl_match_keys[k]);
        if (rc == 0 && ((k == 3 && (seen & (1u << 7))) || (k == 7 && (seen & (1u << 3)))))
            rc = sl_error(p, kev.start_mark, IMS_EINVAL,
                          "match: \"content\" and \"event\" exclude each other (a signature "
                          "matches either stream content or an event)");
        if (rc == 0)
            marks[k] = kev.start_mark;
        yaml_event_delete(&kev);
        if (rc)
            return rc;
        seen |= 1u << k;
        rc = sl_next(p, &vev);
        if (rc)
            return rc;
        switch (k) {
        case 0:
            rc = sl_enum(p, &vev, "transport", sl_transport_names, &v);
            s->transport = v == 1   ? SIG_TRANSPORT_TCP
                           : v == 2 ? SIG_TRANSPORT_UDP
                                    : SIG_TRANSPORT_ANY;
            break;
        case 1:
            rc = sl_enum(p, &vev, "direction", sl_direction_names, &v);
            s->direction = (enum sig_direction)v;
            break;
        case 2:
            rc = sl_each(p, &vev, "app_proto", LIM_SIG_LIST_MAX, sl_app_proto_item, s);
            break;
        case 3:
            rc = sl_want_scalar(p, &vev, "event");
            if (rc == 0) {
                s->event = app_event_lookup((const char *)vev.data.scalar.value);
                if (s->event < 0)
                    rc = sl_error(p, vev.start_mark, IMS_EINVAL, "event: unknown event \"%s\"",
                                  sl_quote(&vev, q, sizeof(q)));
            }
            break;
        case 4:
            rc = sl_facts(p, s, &vev);
            break;
        case 5:
            rc = sl_enum(p, &vev, "tunnel", sl_tunnel_names, &v);
            s->tunnel = (enum sig_tunnel_cond)v;
            break;
        case 6:
            rc = sl_each(p, &vev, "ports", LIM_SIG_LIST_MAX, sl_port_item, s);
            break;
        default:
            rc = sl_contents(p, s, &vev);
            break;
        }
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
    if (!(seen & ((1u << 3) | (1u << 7))))
        return sl_error(p, start->start_mark, IMS_EINVAL,
                        "match: needs \"event\" (an event signature) or \"content\" (a stream "
                        "content signature)");
    if ((seen & (1u << 4)) && !(seen & (1u << 3)))
        return sl_error(p, marks[4], IMS_EINVAL, "match: \"facts\" need an \"event\"");
    return 0;
}

static const char *const sl_thr_keys[] = {"type", "track", "count", "seconds", NULL};
static const char *const sl_thr_types[] = {"none", "limit", "threshold", "both", NULL};
static const char *const sl_thr_tracks[] = {"by_src", "by_dst", "by_flow", NULL};

/* threshold: {type, track, count, seconds}, all required. */
static int sl_threshold(struct sl *p, struct sig *s, const yaml_event_t *start)
{
    unsigned seen = 0;
    yaml_event_t kev, vev;
    int64_t n;
    int rc, k, v;

    if (start->type != YAML_MAPPING_START_EVENT)
        return sl_error(p, start->start_mark, IMS_EPARSE, "threshold: expected a mapping, got %s",
                        sl_kind(start));
    for (;;) {
        rc = sl_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        rc = sl_enum(p, &kev, "threshold key", sl_thr_keys, &k);
        if (rc == 0 && (seen & (1u << k)))
            rc = sl_error(p, kev.start_mark, IMS_EPARSE, "threshold: duplicate key \"%s\"",
                          sl_thr_keys[k]);
        seen |= 1u << (k & 3);
        yaml_event_delete(&kev);
        if (rc)
            return rc;
        rc = sl_next(p, &vev);
        if (rc)
            return rc;
        if (k == 0) {
            rc = sl_enum(p, &vev, "threshold.type", sl_thr_types + 1, &v);
            s->thr_type = (enum sig_thr_type)(v + 1);
        } else if (k == 1) {
            rc = sl_enum(p, &vev, "threshold.track", sl_thr_tracks, &v);
            s->thr_track = (enum sig_thr_track)v;
        } else {
            rc = sl_int(p, &vev, k == 2 ? "threshold.count" : "threshold.seconds", 1,
                        k == 2 ? 1000000 : 86400 * 365, &n);
            if (k == 2)
                s->thr_count = (uint32_t)n;
            else
                s->thr_seconds = (uint32_t)n;
        }
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
    for (k = 0; k < 4; k++)
        if (!(seen & (1u << k)))
            return sl_error(p, start->start_mark, IMS_EINVAL, "threshold: missing key \"%s\"",
                            sl_thr_keys[k]);
    return 0;
}

/* ---- one signature ---- */

enum sl_sig_key {
    SK_ID,
    SK_REV,
    SK_MSG,
    SK_CATEGORY,
    SK_SEVERITY,
    SK_SERVICES,
    SK_RISKS,
    SK_REFERENCES,
    SK_COUNTERMEASURE,
    SK_MATCH,
    SK_THRESHOLD,
    SK__COUNT
};

static const char *const sl_sig_keys[] = {
    [SK_ID] = "id",
    [SK_REV] = "rev",
    [SK_MSG] = "msg",
    [SK_CATEGORY] = "category",
    [SK_SEVERITY] = "severity",
    [SK_SERVICES] = "services",
    [SK_RISKS] = "risks",
    [SK_REFERENCES] = "references",
    [SK_COUNTERMEASURE] = "countermeasure",
    [SK_MATCH] = "match",
    [SK_THRESHOLD] = "threshold",
    [SK__COUNT] = NULL,
};

/* Keys every signature must have. */
#define SL_REQUIRED                                                                                \
    ((1u << SK_ID) | (1u << SK_REV) | (1u << SK_MSG) | (1u << SK_CATEGORY) | (1u << SK_SEVERITY) | \
     (1u << SK_MATCH))

static void sl_free_strs(char **v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Releases what a signature owns. */
void sig_release(struct sig *s)
{
    free(s->msg);
    free(s->category);
    sl_free_strs(s->services, s->n_services);
    sl_free_strs(s->risks, s->n_risks);
    sl_free_strs(s->refs, s->n_refs);
    free(s->countermeasure);
    for (unsigned i = 0; i < s->n_facts; i++) {
        sl_free_strs(s->facts[i].values, s->facts[i].n_values);
        free(s->facts[i].value_lens);
    }
    free(s->facts);
    free(s->ports);
    if (s->contents)
        for (unsigned i = 0; i < s->n_contents; i++)
            free(s->contents[i].pat);
    free(s->contents);
    memset(s, 0, sizeof(*s));
}

/* Reads one signature mapping (MAPPING-START in start) into s. */
static int sl_signature(struct sl *p, struct sig *s, const yaml_event_t *start)
{
    char q[SL_QUOTE_MAX + 8];
    unsigned seen = 0;
    yaml_event_t kev, vev;
    int64_t n;
    int rc, k;

    s->event = -1;
    s->file = p->name;
    s->line = (unsigned)start->start_mark.line + 1;
    for (;;) {
        rc = sl_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        rc = sl_want_scalar(p, &kev, "signature");
        if (rc == 0 && sl_enum(p, &kev, "signature", sl_sig_keys, &k) != 0)
            rc = sl_error(p, kev.start_mark, IMS_EPARSE, "unknown key \"%s\" in a signature",
                          sl_quote(&kev, q, sizeof(q)));
        if (rc == 0 && (seen & (1u << k)))
            rc = sl_error(p, kev.start_mark, IMS_EPARSE, "duplicate key \"%s\"", sl_sig_keys[k]);
        yaml_event_delete(&kev);
        if (rc)
            return rc;
        seen |= 1u << k;
        rc = sl_next(p, &vev);
        if (rc)
            return rc;
        switch (k) {
        case SK_ID:
            rc = sl_int(p, &vev, "id", 1, UINT32_MAX, &n);
            s->id = (uint32_t)n;
            s->line = (unsigned)vev.start_mark.line + 1;
            s->col = (unsigned)vev.start_mark.column + 1;
            break;
        case SK_REV:
            rc = sl_int(p, &vev, "rev", 1, UINT32_MAX, &n);
            s->rev = (uint32_t)n;
            break;
        case SK_MSG:
            rc = sl_strdup(p, &vev, "msg", &s->msg);
            break;
        case SK_CATEGORY:
            rc = sl_strdup(p, &vev, "category", &s->category);
            break;
        case SK_SEVERITY:
            rc = sl_int(p, &vev, "severity", 1, 4, &n);
            s->severity = (int)n;
            break;
        case SK_SERVICES:
            rc = sl_strs(p, &vev, "services", &s->services, &s->n_services);
            break;
        case SK_RISKS:
            rc = sl_strs(p, &vev, "risks", &s->risks, &s->n_risks);
            break;
        case SK_REFERENCES:
            rc = sl_strs(p, &vev, "references", &s->refs, &s->n_refs);
            break;
        case SK_COUNTERMEASURE:
            rc = sl_strdup(p, &vev, "countermeasure", &s->countermeasure);
            break;
        case SK_MATCH:
            rc = sl_match(p, s, &vev);
            break;
        default:
            rc = sl_threshold(p, s, &vev);
            break;
        }
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
    for (k = 0; k < SK__COUNT; k++)
        if ((SL_REQUIRED & (1u << k)) && !(seen & (1u << k)))
            return sl_error(p, start->start_mark, IMS_EINVAL,
                            "signature: missing required key \"%s\"", sl_sig_keys[k]);
    /* The fast pattern: the longest content (the first of equal ones). */
    for (unsigned i = 1; i < s->n_contents; i++)
        if (s->contents[i].len > s->contents[s->fast].len)
            s->fast = i;
    return 0;
}

/* signatures: a sequence of signature mappings. */
static int sl_signatures(struct sl *p, const yaml_event_t *start)
{
    struct sig_engine *se = p->se;
    yaml_event_t e;
    int rc;

    if (start->type != YAML_SEQUENCE_START_EVENT)
        return sl_is_null(start)
                   ? 0
                   : sl_error(p, start->start_mark, IMS_EPARSE,
                              "signatures: expected a sequence, got %s", sl_kind(start));
    for (;;) {
        rc = sl_next(p, &e);
        if (rc)
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            return 0;
        }
        if (e.type != YAML_MAPPING_START_EVENT) {
            rc = sl_error(p, e.start_mark, IMS_EPARSE, "signatures: expected a mapping, got %s",
                          sl_kind(&e));
        } else if (se->n_sigs == LIM_SIG_COUNT) {
            rc = sl_error(p, e.start_mark, IMS_ELIMIT, "more than %u signatures",
                          (unsigned)LIM_SIG_COUNT);
        } else {
            if (se->n_sigs == se->cap_sigs) {
                unsigned ncap = se->cap_sigs ? se->cap_sigs * 2 : 64;
                struct sig *g = realloc(se->sigs, ncap * sizeof(*g));

                if (!g) {
                    yaml_event_delete(&e);
                    return sl_error(p, e.start_mark, IMS_ENOMEM, "out of memory");
                }
                se->sigs = g;
                se->cap_sigs = ncap;
            }
            memset(&se->sigs[se->n_sigs], 0, sizeof(struct sig));
            se->n_sigs++; /* counted now so that a failure frees what was read */
            rc = sl_signature(p, &se->sigs[se->n_sigs - 1], &e);
        }
        yaml_event_delete(&e);
        if (rc)
            return rc;
    }
}

/* A document: {signatures: [...]} (or empty). */
static int sl_stream(struct sl *p)
{
    yaml_event_t ev, kev, vev;
    bool seen = false;
    int rc;

    rc = sl_next(p, &ev); /* STREAM-START */
    if (rc)
        return rc;
    yaml_event_delete(&ev);
    rc = sl_next(p, &ev);
    if (rc)
        return rc;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        return 0;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    rc = sl_next(p, &ev);
    if (rc)
        return rc;
    if (ev.type != YAML_MAPPING_START_EVENT) {
        if (!sl_is_null(&ev))
            rc =
                sl_error(p, ev.start_mark, IMS_EPARSE,
                         "expected a mapping with \"signatures\" at the top, got %s", sl_kind(&ev));
        yaml_event_delete(&ev);
        if (rc)
            return rc;
    } else {
        yaml_event_delete(&ev);
        for (;;) {
            char q[SL_QUOTE_MAX + 8];

            rc = sl_next(p, &kev);
            if (rc)
                return rc;
            if (kev.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&kev);
                break;
            }
            if (!sl_is(&kev, "signatures"))
                rc = sl_error(p, kev.start_mark, IMS_EPARSE,
                              kev.type == YAML_SCALAR_EVENT ? "unknown key \"%s\" at the top"
                                                            : "keys must be scalars%s",
                              kev.type == YAML_SCALAR_EVENT ? sl_quote(&kev, q, sizeof(q)) : "");
            else if (seen)
                rc = sl_error(p, kev.start_mark, IMS_EPARSE, "duplicate key \"signatures\"");
            seen = true;
            yaml_event_delete(&kev);
            if (rc)
                return rc;
            rc = sl_next(p, &vev);
            if (rc)
                return rc;
            rc = sl_signatures(p, &vev);
            yaml_event_delete(&vev);
            if (rc)
                return rc;
        }
    }
    rc = sl_next(p, &ev); /* DOCUMENT-END */
    if (rc)
        return rc;
    yaml_event_delete(&ev);
    rc = sl_next(p, &ev);
    if (rc)
        return rc;
    if (ev.type != YAML_STREAM_END_EVENT)
        rc = sl_error(p, ev.start_mark, IMS_EPARSE, "only one YAML document is allowed");
    yaml_event_delete(&ev);
    return rc;
}

/* Remembers a file name for messages; NULL when out of memory. */
static const char *sl_keep_name(struct sig_engine *se, const char *name)
{
    struct sig_file *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    f->name = strdup(name);
    if (!f->name) {
        free(f);
        return NULL;
    }
    f->next = se->files;
    se->files = f;
    return f->name;
}

int sig_parse_text(struct sig_engine *se, const char *name, const char *buf, size_t len, char *err,
                   size_t errlen)
{
    struct sl p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.se = se;
    p.name = sl_keep_name(se, name ? name : "<signatures>");
    p.buf = (const unsigned char *)(buf ? buf : "");
    p.len = len;
    p.err = err;
    p.errlen = errlen;
    if (!p.name) {
        snprintf(err, errlen, "%s: out of memory", name ? name : "<signatures>");
        return IMS_ENOMEM;
    }
    if (!yaml_parser_initialize(&p.yp)) {
        snprintf(err, errlen, "%s: out of memory", p.name);
        return IMS_ENOMEM;
    }
    yaml_parser_set_input_string(&p.yp, p.buf, len);
    rc = sl_stream(&p);
    yaml_parser_delete(&p.yp);
    return rc;
}
