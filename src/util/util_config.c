/*
 * util_config.c - imsentry's YAML configuration (YAML 1.1 through libyaml's
 * event API; keys and ranges documented in man/imsentry.yaml.5).
 *
 * Every key is one line in a table of struct cfg_key (name, type, field,
 * range); sections are tables of their own, walked by one generic mapping
 * parser.  Adding a key is adding a line to a table (plus the man page and
 * contrib/imsentry.yaml).  The parser is driven by the tables, not by the
 * input: a node of the wrong kind is an error at once, so hostile nesting
 * never recurses.  Anchors are tolerated, aliases refused (no expansion).
 *
 * Loading is all or nothing: values go into a copy of the caller's config,
 * which is written back only when the whole document is valid.  The first
 * problem is reported as "file:line:col: message" (1-based, libyaml marks).
 */
#include "imsentry/config.h"
#include "imsentry/err.h"
#include "imsentry/log.h"
#include "imsentry/yaml_util.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Longest dotted key path in messages ("flow.timeouts.udp-established"). */
#define CFG_PATH_MAX 128
/* Longest excerpt of an offending value quoted in a message. */
#define CFG_QUOTE_MAX 48

/* What a key's value must be. */
enum cfg_type {
    CFG_T_SECTION,  /* a mapping of further keys (cfg_key.sub) */
    CFG_T_UINT,     /* decimal integer */
    CFG_T_SIZE,     /* decimal integer with an optional unit suffix (kb, mb, gb ...) */
    CFG_T_SECONDS,  /* duration: decimal integer seconds */
    CFG_T_BOOL,     /* yes/no, true/false, on/off */
    CFG_T_ENUM,     /* one of cfg_key.names, stored as its index in an int-sized enum */
    CFG_T_FILENAME, /* a plain file name (no '/') in a char array */
    CFG_T_CUSTOM    /* anything else: cfg_key.custom reads the node */
};

struct cfg_parser;
struct cfg_key;

/* Reads the value node that starts with ev (more events if it is a collection). */
typedef int (*cfg_custom_fn)(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                             const yaml_event_t *ev);

/* One config key. */
struct cfg_key {
    const char *name;          /* YAML key; NULL ends a table */
    enum cfg_type type;        /* what the value must be */
    size_t off;                /* offsetof(struct config, field) */
    size_t size;               /* sizeof the field */
    uint64_t min;              /* smallest accepted number (numeric types) */
    uint64_t max;              /* largest accepted number (numeric types) */
    const struct cfg_key *sub; /* CFG_T_SECTION: the section's keys */
    const char *const *names;  /* CFG_T_ENUM: names indexed by value, NULL-terminated */
    cfg_custom_fn custom;      /* CFG_T_CUSTOM: the reader */
};

/* State of one load. */
struct cfg_parser {
    yaml_parser_t yp;         /* libyaml event parser */
    struct config *cfg;       /* the copy being filled */
    const char *name;         /* input name for messages */
    const unsigned char *buf; /* the YAML text (reader errors only give an offset) */
    size_t len;               /* its length */
    char *err;                /* message buffer, may be NULL */
    size_t errlen;            /* its size */
};

/* Size of field f of struct config, failing to compile if hi does not fit in it. */
#define CFG_FSIZE(f) sizeof(((struct config *)0)->f)
#define CFG_FITS(f, hi)                                                                            \
    (CFG_FSIZE(f) +                                                                                \
     0 * sizeof(char[(uint64_t)(hi) <= (UINT64_MAX >> (64 - 8 * CFG_FSIZE(f))) ? 1 : -1]))
#define CFG_NUM(n, t, f, lo, hi)                                                                   \
    {                                                                                              \
        n, t, offsetof(struct config, f), CFG_FITS(f, hi), lo, hi, NULL, NULL, NULL                \
    }
#define CFG_UINT(n, f, lo, hi) CFG_NUM(n, CFG_T_UINT, f, lo, hi)
#define CFG_SIZE(n, f, lo, hi) CFG_NUM(n, CFG_T_SIZE, f, lo, hi)
#define CFG_SECONDS(n, f) CFG_NUM(n, CFG_T_SECONDS, f, LIM_CFG_SECONDS_MIN, LIM_CFG_SECONDS_MAX)
#define CFG_BOOL(n, f)                                                                             \
    {                                                                                              \
        n, CFG_T_BOOL, offsetof(struct config, f), CFG_FSIZE(f), 0, 1, NULL, NULL, NULL            \
    }
#define CFG_ENUM(n, f, names)                                                                      \
    {                                                                                              \
        n, CFG_T_ENUM, offsetof(struct config, f), CFG_FSIZE(f), 0, 0, NULL, names, NULL           \
    }
#define CFG_FILENAME(n, f)                                                                         \
    {                                                                                              \
        n, CFG_T_FILENAME, offsetof(struct config, f), CFG_FSIZE(f), 0, 0, NULL, NULL, NULL        \
    }
#define CFG_SECTION(n, keys)                                                                       \
    {                                                                                              \
        n, CFG_T_SECTION, 0, 0, 0, 0, keys, NULL, NULL                                             \
    }
#define CFG_CUSTOM(n, fn)                                                                          \
    {                                                                                              \
        n, CFG_T_CUSTOM, 0, 0, 0, 0, NULL, NULL, fn                                                \
    }
#define CFG_END                                                                                    \
    {                                                                                              \
        NULL, CFG_T_SECTION, 0, 0, 0, 0, NULL, NULL, NULL                                          \
    }

/* Enum fields are stored as int. */
_Static_assert(sizeof(enum csum_mode) == sizeof(int), "enum csum_mode is not int-sized");
_Static_assert(sizeof(enum overlap_policy) == sizeof(int), "enum overlap_policy is not int-sized");

static const char *const cfg_csum_names[] = {
    [CSUM_MODE_AUTO] = "auto",
    [CSUM_MODE_YES] = "yes",
    [CSUM_MODE_NO] = "no",
    [CSUM_MODE_NO + 1] = NULL,
};

static const char *const cfg_policy_names[] = {
    [OVERLAP_FIRST] = "first",    [OVERLAP_LAST] = "last",       [OVERLAP_BSD] = "bsd",
    [OVERLAP_LINUX] = "linux",    [OVERLAP_WINDOWS] = "windows", [OVERLAP_SOLARIS] = "solaris",
    [OVERLAP_SOLARIS + 1] = NULL,
};

static const char *const cfg_log_names[] = {
    [LOG_LEVEL_ERR] = "error",   [LOG_LEVEL_WARN] = "warning", [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_DEBUG] = "debug", [LOG_LEVEL_DEBUG + 1] = NULL,
};

/* Default home networks: RFC 1918, RFC 6598 (carrier-grade NAT), RFC 4193 (ULA). */
static const struct cidr cfg_default_home[] = {
    {4, {10}, 8}, {4, {172, 16}, 12}, {4, {192, 168}, 16}, {4, {100, 64}, 10}, {6, {0xfc}, 7},
};

static int cfg_parse_home_nets(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                               const yaml_event_t *ev);
static int cfg_parse_suppress(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                              const yaml_event_t *ev);
static int cfg_parse_credentials(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                                 const yaml_event_t *ev);
static int cfg_parse_hmac_key(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                              const yaml_event_t *ev);
static int cfg_parse_host_os_policy(struct cfg_parser *p, const struct cfg_key *k,
                                    const char *path, const yaml_event_t *ev);

static const struct cfg_key cfg_capture_keys[] = {
    CFG_UINT("snaplen", snaplen, LIM_CFG_SNAPLEN_MIN, LIM_CFG_SNAPLEN_MAX),
    CFG_BOOL("promisc", promisc),
    CFG_SIZE("buffer-size", buffer_size, LIM_CFG_CAPTURE_BUFFER_MIN, LIM_CFG_CAPTURE_BUFFER_MAX),
    CFG_UINT("timeout-ms", timeout_ms, LIM_CFG_CAPTURE_TIMEOUT_MS_MIN,
             LIM_CFG_CAPTURE_TIMEOUT_MS_MAX),
    CFG_ENUM("checksum-validation", csum_mode, cfg_csum_names),
    CFG_END,
};

static const struct cfg_key cfg_defrag_keys[] = {
    CFG_SIZE("memcap", defrag_memcap, LIM_CFG_MEMCAP_MIN, LIM_CFG_MEMCAP_MAX),
    CFG_UINT("max-trackers", defrag_max_trackers, 1, LIM_CFG_ENTRIES_MAX),
    CFG_UINT("max-frags", defrag_max_frags, LIM_CFG_DEFRAG_FRAGS_MIN, LIM_CFG_DEFRAG_FRAGS_MAX),
    CFG_SECONDS("timeout", defrag_timeout),
    CFG_END,
};

static const struct cfg_key cfg_stream_keys[] = {
    CFG_SIZE("memcap", stream_memcap, LIM_CFG_MEMCAP_MIN, LIM_CFG_MEMCAP_MAX),
    CFG_SIZE("stream-memcap", stream_dir_memcap, LIM_CFG_STREAM_DIR_MEMCAP_MIN,
             LIM_CFG_STREAM_DIR_MEMCAP_MAX),
    CFG_SIZE("depth", stream_depth, 0, LIM_CFG_STREAM_DEPTH_MAX),
    CFG_UINT("max-segments", stream_max_segments, LIM_CFG_STREAM_SEGS_MIN,
             LIM_CFG_STREAM_SEGS_MAX),
    CFG_BOOL("midstream", stream_midstream),
    CFG_BOOL("async-oneside", stream_async_oneside),
    CFG_END,
};

static const struct cfg_key cfg_flow_timeout_keys[] = {
    CFG_SECONDS("tcp-new", to_tcp_new),
    CFG_SECONDS("tcp-established", to_tcp_established),
    CFG_SECONDS("tcp-closed", to_tcp_closed),
    CFG_SECONDS("udp-new", to_udp_new),
    CFG_SECONDS("udp-established", to_udp_established),
    CFG_SECONDS("other", to_other),
    CFG_END,
};

static const struct cfg_key cfg_flow_keys[] = {
    CFG_UINT("hash-size", flow_hash_size, 1, LIM_CFG_ENTRIES_MAX),
    CFG_UINT("max-flows", flow_max, 1, LIM_CFG_ENTRIES_MAX),
    CFG_SIZE("memcap", flow_memcap, LIM_CFG_MEMCAP_MIN, LIM_CFG_MEMCAP_MAX),
    CFG_SECTION("timeouts", cfg_flow_timeout_keys),
    CFG_END,
};

static const struct cfg_key cfg_eve_type_keys[] = {
    CFG_BOOL("alert", eve_alert),
    CFG_BOOL("flow", eve_flow),
    CFG_BOOL("stats", eve_stats),
    CFG_BOOL("anomaly", eve_anomaly),
    CFG_END,
};

static const struct cfg_key cfg_eve_keys[] = {
    CFG_FILENAME("filename", eve_filename),
    CFG_SIZE("buffer-size", eve_buffer_size, LIM_CFG_EVE_BUFFER_MIN, LIM_CFG_EVE_BUFFER_MAX),
    CFG_SECTION("types", cfg_eve_type_keys),
    CFG_UINT("anomaly-max-per-type", anomaly_max_per_type, 0, LIM_CFG_ANOMALY_EVENTS_MAX),
    CFG_END,
};

static const struct cfg_key cfg_outputs_keys[] = {
    CFG_SECTION("eve", cfg_eve_keys),
    CFG_END,
};

static const struct cfg_key cfg_stats_keys[] = {
    CFG_SECONDS("interval", stats_interval),
    CFG_END,
};

static const struct cfg_key cfg_logging_keys[] = {
    CFG_ENUM("level", log_level, cfg_log_names),
    CFG_END,
};

/* detect: the app-layer stage (brute-force login tracking). */
static const struct cfg_key cfg_bf_keys[] = {
    CFG_UINT("threshold", bf_threshold, 1, LIM_CFG_BF_THRESHOLD_MAX),
    CFG_SECONDS("window", bf_window),
    CFG_UINT("max-trackers", bf_max_trackers, 1, LIM_CFG_BF_TRACKERS_MAX),
    CFG_END,
};

static const struct cfg_key cfg_detect_keys[] = {
    CFG_SECTION("brute-force", cfg_bf_keys),
    CFG_END,
};

/* alerts: the signature engine's global alert rate limit and suppressions. */
static const struct cfg_key cfg_alerts_keys[] = {
    CFG_UINT("max-per-second", alerts_max_per_second, 0, LIM_CFG_ALERTS_PER_SECOND_MAX),
    CFG_CUSTOM("suppress", cfg_parse_suppress),
    CFG_END,
};

static const char *const cfg_cred_password_names[] = {
    [CRED_PASSWORD_REDACTED] = "redacted",
    [CRED_PASSWORD_HMAC] = "hmac",
    [CRED_PASSWORD_CLEAR] = "clear",
    [CRED_PASSWORD_CLEAR + 1] = NULL,
};
_Static_assert(sizeof(enum cred_password_mode) == sizeof(int), "enum cred_password_mode");

/* credentials: how the alert output writes recovered passwords (read by cfg_parse_credentials). */
static const struct cfg_key cfg_credentials_keys[] = {
    CFG_ENUM("password", cred_password, cfg_cred_password_names),
    CFG_CUSTOM("hmac-key", cfg_parse_hmac_key),
    CFG_END,
};

static const struct cfg_key cfg_root_keys[] = {
    CFG_SECTION("capture", cfg_capture_keys), CFG_SECTION("defrag", cfg_defrag_keys),
    CFG_SECTION("flow", cfg_flow_keys),       CFG_CUSTOM("home-networks", cfg_parse_home_nets),
    CFG_SECTION("stream", cfg_stream_keys),
    CFG_CUSTOM("host-os-policy", cfg_parse_host_os_policy),
    CFG_SECTION("outputs", cfg_outputs_keys), CFG_SECTION("stats", cfg_stats_keys),
    CFG_SECTION("logging", cfg_logging_keys),
    CFG_SECTION("detect", cfg_detect_keys),
    CFG_SECTION("alerts", cfg_alerts_keys),
    CFG_CUSTOM("credentials", cfg_parse_credentials),
    CFG_END,
};

/* Multipliers of the size suffixes (binary units, as Suricata reads them). */
static const struct {
    const char *suffix; /* lowercase; matched in any case */
    uint64_t mult;      /* bytes per unit */
} cfg_size_units[] = {
    {"b", 1},
    {"k", 1024ull},
    {"kb", 1024ull},
    {"kib", 1024ull},
    {"m", 1024ull * 1024},
    {"mb", 1024ull * 1024},
    {"mib", 1024ull * 1024},
    {"g", 1024ull * 1024 * 1024},
    {"gb", 1024ull * 1024 * 1024},
    {"gib", 1024ull * 1024 * 1024},
    {"t", 1024ull * 1024 * 1024 * 1024},
    {"tb", 1024ull * 1024 * 1024 * 1024},
    {"tib", 1024ull * 1024 * 1024 * 1024},
};

/* Boolean spellings (any case), as YAML 1.1 has them. */
static const char *const cfg_true_names[] = {"yes", "true", "on", NULL};
static const char *const cfg_false_names[] = {"no", "false", "off", NULL};

void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->snaplen = LIM_SNAPLEN;
    cfg->promisc = true;
    cfg->buffer_size = LIM_CAPTURE_BUFFER;
    cfg->timeout_ms = LIM_CAPTURE_TIMEOUT_MS;
    cfg->csum_mode = CSUM_MODE_AUTO;

    cfg->defrag_memcap = LIM_DEFRAG_MEMCAP;
    cfg->defrag_max_trackers = LIM_DEFRAG_MAX_TRACKERS;
    cfg->defrag_max_frags = LIM_DEFRAG_MAX_FRAGS;
    cfg->defrag_timeout = LIM_DEFRAG_TIMEOUT;

    cfg->stream_memcap = LIM_STREAM_MEMCAP;
    cfg->stream_dir_memcap = LIM_STREAM_DIR_MEMCAP;
    cfg->stream_depth = LIM_STREAM_DEPTH;
    cfg->stream_max_segments = LIM_STREAM_MAX_SEGMENTS;
    cfg->stream_midstream = true;
    cfg->stream_async_oneside = true;
    cfg->default_policy = OVERLAP_BSD; /* Suricata's default */
    cfg->n_host_policies = 0;

    cfg->flow_hash_size = LIM_FLOW_HASH_SIZE;
    cfg->flow_max = LIM_FLOW_MAX;
    cfg->flow_memcap = LIM_FLOW_MEMCAP;
    cfg->to_tcp_new = LIM_FLOW_TIMEOUT_NEW;
    cfg->to_tcp_established = LIM_FLOW_TIMEOUT_ESTABLISHED;
    cfg->to_tcp_closed = LIM_FLOW_TIMEOUT_CLOSED;
    cfg->to_udp_new = LIM_FLOW_TIMEOUT_UDP_NEW;
    cfg->to_udp_established = LIM_FLOW_TIMEOUT_UDP_ESTABLISHED;
    cfg->to_other = LIM_FLOW_TIMEOUT_OTHER;

    _Static_assert(sizeof(cfg_default_home) / sizeof(cfg_default_home[0]) <= LIM_HOME_NETS,
                   "too many default home networks");
    memcpy(cfg->home_nets, cfg_default_home, sizeof(cfg_default_home));
    cfg->n_home_nets = sizeof(cfg_default_home) / sizeof(cfg_default_home[0]);

    memcpy(cfg->eve_filename, CONFIG_EVE_FILENAME, sizeof(CONFIG_EVE_FILENAME));
    cfg->eve_buffer_size = LIM_EVE_BUFFER;
    cfg->eve_alert = true;
    cfg->eve_flow = true;
    cfg->eve_stats = true;
    cfg->eve_anomaly = true;
    cfg->anomaly_max_per_type = LIM_ANOMALY_EVENTS_PER_TYPE;
    cfg->stats_interval = LIM_STATS_INTERVAL;

    cfg->log_level = LOG_LEVEL_INFO;

    cfg->bf_threshold = LIM_BF_THRESHOLD;
    cfg->bf_window = LIM_BF_WINDOW;
    cfg->bf_max_trackers = LIM_BF_MAX_TRACKERS;

    cfg->alerts_max_per_second = LIM_ALERTS_PER_SECOND;
    cfg->n_suppress = 0;
    cfg->cred_password = CRED_PASSWORD_REDACTED;
    cfg->cred_hmac_key[0] = '\0';
}

bool config_is_home(const struct config *cfg, uint8_t family, const uint8_t addr[16])
{
    unsigned n = cfg->n_home_nets < LIM_HOME_NETS ? cfg->n_home_nets : LIM_HOME_NETS;

    for (unsigned i = 0; i < n; i++)
        if (cidr_contains(&cfg->home_nets[i], family, addr))
            return true;
    return false;
}

enum overlap_policy config_policy_for(const struct config *cfg, uint8_t family,
                                      const uint8_t addr[16])
{
    unsigned n = cfg->n_host_policies < LIM_HOST_POLICIES ? cfg->n_host_policies
                                                          : LIM_HOST_POLICIES;
    enum overlap_policy best = cfg->default_policy;
    int best_prefix = -1;

    for (unsigned i = 0; i < n; i++) {
        const struct host_policy *hp = &cfg->host_policies[i];

        if ((int)hp->net.prefix > best_prefix && cidr_contains(&hp->net, family, addr)) {
            best = hp->policy;
            best_prefix = hp->net.prefix;
        }
    }
    return best;
}

const char *overlap_policy_name(enum overlap_policy p)
{
    if ((unsigned)p > OVERLAP_SOLARIS)
        return "unknown";
    return cfg_policy_names[p];
}

int overlap_policy_parse(const char *name, enum overlap_policy *out)
{
    for (unsigned i = 0; name && cfg_policy_names[i]; i++) {
        if (strcasecmp(name, cfg_policy_names[i]) == 0) {
            *out = (enum overlap_policy)i;
            return 0;
        }
    }
    return IMS_EINVAL;
}

const char *csum_mode_name(enum csum_mode m)
{
    if ((unsigned)m > CSUM_MODE_NO)
        return "unknown";
    return cfg_csum_names[m];
}

/* ---- messages ---- */

/* Writes "name:line:col: message" (line and col 1-based) and returns rc. */
static int cfg_error_at(struct cfg_parser *p, size_t line, size_t col, int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int cfg_error_at(struct cfg_parser *p, size_t line, size_t col, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = ims_yaml_verror(p->err, p->errlen, p->name, line, col, rc, fmt, ap);
    va_end(ap);
    return rc;
}

/* The same at a libyaml mark (0-based). */
#define cfg_error(p, mark, rc, ...)                                                                \
    cfg_error_at(p, (mark).line + 1, (mark).column + 1, rc, __VA_ARGS__)

/* Copies a scalar for a message: printable ASCII only, cut at CFG_QUOTE_MAX. */
static const char *cfg_quote(const yaml_event_t *ev, char *out, size_t outlen)
{
    return ims_yaml_quote(ev, CFG_QUOTE_MAX, out, outlen);
}

/* How a node looks, for "expected X, got Y". */
static const char *cfg_kind(const yaml_event_t *ev)
{
    return ims_yaml_kind(ev);
}

/* What a key wants, for "expected X". */
static const char *cfg_want(enum cfg_type t)
{
    switch (t) {
    case CFG_T_SECTION:
        return "a mapping";
    case CFG_T_UINT:
        return "an integer";
    case CFG_T_SIZE:
        return "a size (bytes, or with a kb/mb/gb suffix)";
    case CFG_T_SECONDS:
        return "a number of seconds";
    case CFG_T_BOOL:
        return "a boolean (yes/no, true/false, on/off)";
    case CFG_T_ENUM:
        return "a name";
    case CFG_T_FILENAME:
        return "a file name";
    default:
        return "a value";
    }
}

/* Next event; aliases are refused.  On success the caller deletes ev. */
static int cfg_next(struct cfg_parser *p, yaml_event_t *ev)
{
    return ims_yaml_next(&p->yp, ev, p->buf, p->len, p->name, p->err, p->errlen);
}

/* An empty plain scalar, "~" or "null": a key with nothing after it. */
static bool cfg_is_null(const yaml_event_t *ev)
{
    return ims_yaml_is_null(ev);
}

/* ---- scalar values ---- */

/* Reads a decimal number, with a unit suffix for CFG_T_SIZE, and checks k's range. */
static int cfg_parse_number(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                            const yaml_event_t *ev, uint64_t *out)
{
    const char *s = (const char *)ev->data.scalar.value;
    char q[CFG_QUOTE_MAX + 8];
    uint64_t v;
    char *end;

    if (s[0] == '-' && s[1] >= '0' && s[1] <= '9')
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: \"%s\" is negative", path,
                         cfg_quote(ev, q, sizeof(q)));
    if (s[0] < '0' || s[0] > '9')
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: \"%s\" is not a number (expected %s)",
                         path, cfg_quote(ev, q, sizeof(q)), cfg_want(k->type));
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        return cfg_error(p, ev->start_mark, IMS_EINVAL,
                         "%s: \"%s\" has a leading zero (YAML would read it as octal)", path,
                         cfg_quote(ev, q, sizeof(q)));
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: \"%s\" is out of range (%llu..%llu)",
                         path, cfg_quote(ev, q, sizeof(q)), (unsigned long long)k->min,
                         (unsigned long long)k->max);
    if (k->type == CFG_T_SIZE && *end) {
        size_t i, n = sizeof(cfg_size_units) / sizeof(cfg_size_units[0]);

        while (*end == ' ')
            end++;
        for (i = 0; i < n; i++)
            if (strcasecmp(end, cfg_size_units[i].suffix) == 0)
                break;
        if (i == n)
            return cfg_error(p, ev->start_mark, IMS_EINVAL,
                             "%s: \"%s\" has an unknown unit (expected b, kb, mb, gb or tb)", path,
                             cfg_quote(ev, q, sizeof(q)));
        if (v > UINT64_MAX / cfg_size_units[i].mult)
            return cfg_error(p, ev->start_mark, IMS_EINVAL,
                             "%s: \"%s\" is out of range (%llu..%llu)", path,
                             cfg_quote(ev, q, sizeof(q)), (unsigned long long)k->min,
                             (unsigned long long)k->max);
        v *= cfg_size_units[i].mult;
    } else if (*end) {
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: \"%s\" is not a number (expected %s)",
                         path, cfg_quote(ev, q, sizeof(q)), cfg_want(k->type));
    }
    if (v < k->min || v > k->max)
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: %s is out of range (%llu..%llu)", path,
                         cfg_quote(ev, q, sizeof(q)), (unsigned long long)k->min,
                         (unsigned long long)k->max);
    *out = v;
    return 0;
}

/* Index of s in a NULL-terminated name list (any case), or -1. */
static int cfg_name_index(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcasecmp(names[i], s) == 0)
            return i;
    return -1;
}

/* Lists the names "a, b or c" for a message. */
static const char *cfg_name_list(const char *const *names, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; names[i] && n < len; i++) {
        const char *sep = i == 0 ? "" : names[i + 1] ? ", " : " or ";
        int w = snprintf(buf + n, len - n, "%s%s", sep, names[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return buf;
}

/* Checks a plain file name: no directory part, nothing unprintable, fits the field. */
static int cfg_parse_filename(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                              const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    char q[CFG_QUOTE_MAX + 8];

    if (len == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: \"%s\" is not a file name", path,
                         cfg_quote(ev, q, sizeof(q)));
    if (len > LIM_CFG_FILENAME_MAX || len >= k->size)
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: file name is longer than %u bytes",
                         path, (unsigned)LIM_CFG_FILENAME_MAX);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '/')
            return cfg_error(p, ev->start_mark, IMS_EINVAL,
                             "%s: \"%s\" must be a plain file name (no '/'): it is created in "
                             "the log directory",
                             path, cfg_quote(ev, q, sizeof(q)));
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return cfg_error(p, ev->start_mark, IMS_EINVAL,
                             "%s: file name contains a control character", path);
    }
    memcpy((char *)p->cfg + k->off, s, len);
    ((char *)p->cfg + k->off)[len] = '\0';
    return 0;
}

/* Reads one scalar value into the field k describes. */
static int cfg_parse_scalar(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                            const yaml_event_t *ev)
{
    unsigned char *field = (unsigned char *)p->cfg + k->off;
    const char *s = (const char *)ev->data.scalar.value;
    char q[CFG_QUOTE_MAX + 8], names[128];
    uint64_t v = 0;
    int rc, i;

    if (memchr(s, '\0', ev->data.scalar.length))
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: value contains a NUL byte", path);
    switch (k->type) {
    case CFG_T_UINT:
    case CFG_T_SIZE:
    case CFG_T_SECONDS:
        rc = cfg_parse_number(p, k, path, ev, &v);
        if (rc)
            return rc;
        if (k->size == sizeof(uint64_t)) {
            memcpy(field, &v, sizeof(v));
        } else {
            uint32_t v32 = (uint32_t)v;
            assert(k->size == sizeof(uint32_t));
            memcpy(field, &v32, sizeof(v32));
        }
        return 0;
    case CFG_T_BOOL: {
        bool b;
        if (cfg_name_index(cfg_true_names, s) >= 0)
            b = true;
        else if (cfg_name_index(cfg_false_names, s) >= 0)
            b = false;
        else
            return cfg_error(p, ev->start_mark, IMS_EINVAL,
                             "%s: \"%s\" is not a boolean (expected yes, no, true, false, on or "
                             "off)",
                             path, cfg_quote(ev, q, sizeof(q)));
        assert(k->size == sizeof(bool));
        memcpy(field, &b, sizeof(b));
        return 0;
    }
    case CFG_T_ENUM:
        i = cfg_name_index(k->names, s);
        if (i < 0)
            return cfg_error(
                p, ev->start_mark, IMS_EINVAL, "%s: unknown value \"%s\" (expected %s)", path,
                cfg_quote(ev, q, sizeof(q)), cfg_name_list(k->names, names, sizeof(names)));
        assert(k->size == sizeof(int));
        memcpy(field, &i, sizeof(i));
        return 0;
    case CFG_T_FILENAME:
        return cfg_parse_filename(p, k, path, ev);
    default:
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: unsupported key type", path);
    }
}

/* ---- collections ---- */

static int cfg_parse_section(struct cfg_parser *p, const struct cfg_key *keys, const char *path);

/* Reads the value of key k, whose first event is ev (the caller deletes ev). */
static int cfg_parse_value(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                           const yaml_event_t *ev)
{
    if (k->type == CFG_T_SECTION) {
        if (ev->type == YAML_MAPPING_START_EVENT)
            return cfg_parse_section(p, k->sub, path);
        if (cfg_is_null(ev)) /* "capture:" with every key commented out */
            return 0;
        return cfg_error(p, ev->start_mark, IMS_EPARSE, "%s: expected a mapping, got %s", path,
                         cfg_kind(ev));
    }
    if (k->type == CFG_T_CUSTOM)
        return k->custom(p, k, path, ev);
    if (ev->type != YAML_SCALAR_EVENT)
        return cfg_error(p, ev->start_mark, IMS_EPARSE, "%s: expected %s, got %s", path,
                         cfg_want(k->type), cfg_kind(ev));
    if (cfg_is_null(ev))
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: missing value (expected %s)", path,
                         cfg_want(k->type));
    return cfg_parse_scalar(p, k, path, ev);
}

/* Finds a key by name in a table; NULL when unknown. */
static const struct cfg_key *cfg_find_key(const struct cfg_key *keys, const yaml_event_t *ev)
{
    for (const struct cfg_key *k = keys; k->name; k++)
        if (strlen(k->name) == ev->data.scalar.length &&
            memcmp(k->name, ev->data.scalar.value, ev->data.scalar.length) == 0)
            return k;
    return NULL;
}

/* Reads a mapping whose MAPPING-START was just consumed, up to its MAPPING-END. */
static int cfg_parse_section(struct cfg_parser *p, const struct cfg_key *keys, const char *path)
{
    size_t seen_line[LIM_CFG_KEYS_PER_SECTION] = {0}; /* 1-based line of each key seen, 0 = not */
    char child[CFG_PATH_MAX], q[CFG_QUOTE_MAX + 8];
    const struct cfg_key *k;
    yaml_event_t kev, vev;
    size_t idx;
    int rc;

    for (;;) {
        rc = cfg_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            return 0;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE, "%s%skeys must be scalars, got %s", path,
                           *path ? ": " : "", cfg_kind(&kev));
            yaml_event_delete(&kev);
            return rc;
        }
        k = cfg_find_key(keys, &kev);
        snprintf(child, sizeof(child), "%s%s%s", path, *path ? "." : "",
                 k ? k->name : cfg_quote(&kev, q, sizeof(q)));
        if (!k) {
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE, "unknown key \"%s\"", child);
            yaml_event_delete(&kev);
            return rc;
        }
        idx = (size_t)(k - keys);
        assert(idx < LIM_CFG_KEYS_PER_SECTION);
        if (seen_line[idx]) {
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE,
                           "duplicate key \"%s\" (first at line %zu)", child, seen_line[idx]);
            yaml_event_delete(&kev);
            return rc;
        }
        seen_line[idx] = kev.start_mark.line + 1;
        yaml_event_delete(&kev);

        rc = cfg_next(p, &vev);
        if (rc)
            return rc;
        rc = cfg_parse_value(p, k, child, &vev);
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
}

/* home-networks: a sequence of CIDR strings replacing the default list. */
static int cfg_parse_home_nets(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                               const yaml_event_t *ev)
{
    struct cidr nets[LIM_HOME_NETS];
    char q[CFG_QUOTE_MAX + 8];
    unsigned n = 0;
    yaml_event_t e;
    int rc;

    if (ev->type != YAML_SEQUENCE_START_EVENT)
        return cfg_error(p, ev->start_mark, IMS_EPARSE,
                         "%s: expected a sequence of CIDR blocks, got %s", path,
                         cfg_is_null(ev) ? "an empty value" : cfg_kind(ev));
    for (;;) {
        rc = cfg_next(p, &e);
        if (rc)
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            break;
        }
        if (e.type != YAML_SCALAR_EVENT || cfg_is_null(&e))
            rc = cfg_error(p, e.start_mark, IMS_EPARSE, "%s: expected a CIDR block, got %s", path,
                           e.type == YAML_SCALAR_EVENT ? "an empty value" : cfg_kind(&e));
        else if (n == LIM_HOME_NETS)
            rc = cfg_error(p, e.start_mark, IMS_EINVAL, "%s: more than %u networks", path,
                           (unsigned)LIM_HOME_NETS);
        else if (memchr(e.data.scalar.value, '\0', e.data.scalar.length) ||
                 cidr_parse((const char *)e.data.scalar.value, &nets[n]) != 0)
            rc = cfg_error(p, e.start_mark, IMS_EINVAL,
                           "%s: \"%s\" is not a CIDR block (like 10.0.0.0/8 or fc00::/7)", path,
                           cfg_quote(&e, q, sizeof(q)));
        else
            n++;
        yaml_event_delete(&e);
        if (rc)
            return rc;
    }
    memcpy(p->cfg->home_nets, nets, n * sizeof(nets[0]));
    p->cfg->n_home_nets = n;
    return 0;
}

/* Appends one host-os-policy block (scalar event e) under policy pol. */
static int cfg_host_policy_add(struct cfg_parser *p, const char *path, const yaml_event_t *e,
                               enum overlap_policy pol, struct host_policy *list, unsigned *n)
{
    char q[CFG_QUOTE_MAX + 8], a[CIDR_STR_LEN];
    struct cidr c;

    if (e->type != YAML_SCALAR_EVENT || cfg_is_null(e))
        return cfg_error(p, e->start_mark, IMS_EPARSE, "%s: expected a CIDR block, got %s", path,
                         e->type == YAML_SCALAR_EVENT ? "an empty value" : cfg_kind(e));
    if (memchr(e->data.scalar.value, '\0', e->data.scalar.length) ||
        cidr_parse((const char *)e->data.scalar.value, &c) != 0)
        return cfg_error(p, e->start_mark, IMS_EINVAL,
                         "%s: \"%s\" is not a CIDR block (like 10.0.0.0/8 or fc00::/7)", path,
                         cfg_quote(e, q, sizeof(q)));
    for (unsigned i = 0; i < *n; i++)
        if (list[i].net.family == c.family && list[i].net.prefix == c.prefix &&
            memcmp(list[i].net.addr, c.addr, sizeof(c.addr)) == 0)
            return cfg_error(p, e->start_mark, IMS_EINVAL,
                             "%s: %s is already listed under %s", path,
                             cidr_str(&c, a, sizeof(a)), overlap_policy_name(list[i].policy));
    if (*n == LIM_HOST_POLICIES)
        return cfg_error(p, e->start_mark, IMS_EINVAL, "host-os-policy: more than %u networks",
                         (unsigned)LIM_HOST_POLICIES);
    list[*n].net = c;
    list[*n].policy = pol;
    (*n)++;
    return 0;
}

/*
 * host-os-policy: a mapping of "default: NAME" and policy names to
 * sequences of CIDR blocks; replaces the whole table (and the default when
 * given).  A block may appear once across all lists.
 */
static int cfg_parse_host_os_policy(struct cfg_parser *p, const struct cfg_key *k,
                                    const char *path, const yaml_event_t *ev)
{
    struct host_policy list[LIM_HOST_POLICIES];
    size_t seen_line[OVERLAP_SOLARIS + 2] = {0}; /* policies, then "default" */
    enum overlap_policy def = p->cfg->default_policy;
    char child[CFG_PATH_MAX], q[CFG_QUOTE_MAX + 8], names[128];
    yaml_event_t kev, e;
    unsigned n = 0;
    int rc = 0, idx;

    (void)k;
    if (cfg_is_null(ev)) /* "host-os-policy:" with every line commented out: no entries */
        goto out_store;
    if (ev->type != YAML_MAPPING_START_EVENT)
        return cfg_error(p, ev->start_mark, IMS_EPARSE, "%s: expected a mapping, got %s", path,
                         cfg_kind(ev));
    for (;;) {
        rc = cfg_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE, "%s: keys must be scalars, got %s",
                           path, cfg_kind(&kev));
            yaml_event_delete(&kev);
            return rc;
        }
        snprintf(child, sizeof(child), "%s.%s", path, cfg_quote(&kev, q, sizeof(q)));
        if (kev.data.scalar.length == 7 && memcmp(kev.data.scalar.value, "default", 7) == 0)
            idx = OVERLAP_SOLARIS + 1;
        else
            idx = cfg_name_index(cfg_policy_names, (const char *)kev.data.scalar.value);
        if (idx < 0 || memchr(kev.data.scalar.value, '\0', kev.data.scalar.length))
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE,
                           "unknown key \"%s\" (expected default, %s)", child,
                           cfg_name_list(cfg_policy_names, names, sizeof(names)));
        else if (seen_line[idx])
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE,
                           "duplicate key \"%s\" (first at line %zu)", child, seen_line[idx]);
        else
            seen_line[idx] = kev.start_mark.line + 1;
        yaml_event_delete(&kev);
        if (rc)
            return rc;

        rc = cfg_next(p, &e);
        if (rc)
            return rc;
        if (idx == OVERLAP_SOLARIS + 1) {
            int d = e.type == YAML_SCALAR_EVENT && !cfg_is_null(&e)
                        ? cfg_name_index(cfg_policy_names, (const char *)e.data.scalar.value)
                        : -1;
            if (d < 0 && e.type == YAML_SCALAR_EVENT)
                rc = cfg_error(p, e.start_mark, IMS_EINVAL, "%s: unknown value \"%s\" (expected %s)",
                               child, cfg_quote(&e, q, sizeof(q)),
                               cfg_name_list(cfg_policy_names, names, sizeof(names)));
            else if (d < 0)
                rc = cfg_error(p, e.start_mark, IMS_EPARSE, "%s: expected a name, got %s", child,
                               cfg_kind(&e));
            else
                def = (enum overlap_policy)d;
            yaml_event_delete(&e);
            if (rc)
                return rc;
            continue;
        }
        if (e.type == YAML_SCALAR_EVENT && cfg_is_null(&e)) { /* "linux:" with no blocks */
            yaml_event_delete(&e);
            continue;
        }
        if (e.type != YAML_SEQUENCE_START_EVENT) {
            rc = cfg_error(p, e.start_mark, IMS_EPARSE,
                           "%s: expected a sequence of CIDR blocks, got %s", child, cfg_kind(&e));
            yaml_event_delete(&e);
            return rc;
        }
        yaml_event_delete(&e);
        for (;;) {
            rc = cfg_next(p, &e);
            if (rc)
                return rc;
            if (e.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&e);
                break;
            }
            rc = cfg_host_policy_add(p, child, &e, (enum overlap_policy)idx, list, &n);
            yaml_event_delete(&e);
            if (rc)
                return rc;
        }
    }
out_store:
    memcpy(p->cfg->host_policies, list, n * sizeof(list[0]));
    p->cfg->n_host_policies = n;
    p->cfg->default_policy = def;
    return 0;
}

/* Reads one scalar of a suppress entry; 0 or an error. */
static int cfg_suppress_scalar(struct cfg_parser *p, const char *path, const yaml_event_t *ev)
{
    if (ev->type != YAML_SCALAR_EVENT || cfg_is_null(ev))
        return cfg_error(p, ev->start_mark, IMS_EPARSE, "%s: expected a value, got %s", path,
                         ev->type == YAML_SCALAR_EVENT ? "an empty value" : cfg_kind(ev));
    if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: value contains a NUL byte", path);
    return 0;
}

/* One alerts.suppress entry: {id: N, track: by_src|by_dst, ip: CIDR} (track and ip together). */
static int cfg_parse_suppress_entry(struct cfg_parser *p, const char *path,
                                    const yaml_event_t *start, struct alert_suppress *out)
{
    bool seen_id = false, seen_track = false, seen_ip = false;
    char q[CFG_QUOTE_MAX + 8];
    yaml_event_t kev, vev;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    for (;;) {
        bool *seen;
        char key[16];

        rc = cfg_next(p, &kev);
        if (rc)
            return rc;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE, "%s: keys must be scalars", path);
            yaml_event_delete(&kev);
            return rc;
        }
        cfg_quote(&kev, key, sizeof(key));
        seen = strcmp(key, "id") == 0      ? &seen_id
               : strcmp(key, "track") == 0 ? &seen_track
               : strcmp(key, "ip") == 0    ? &seen_ip
                                           : NULL;
        if (!seen || *seen) {
            rc = cfg_error(p, kev.start_mark, IMS_EPARSE, "%s key \"%s.%s\"",
                           seen ? "duplicate" : "unknown", path, cfg_quote(&kev, q, sizeof(q)));
            yaml_event_delete(&kev);
            return rc;
        }
        *seen = true;
        yaml_event_delete(&kev);
        rc = cfg_next(p, &vev);
        if (rc)
            return rc;
        rc = cfg_suppress_scalar(p, path, &vev);
        if (rc == 0 && seen == &seen_id) {
            const char *s = (const char *)vev.data.scalar.value;
            char *end;
            unsigned long v;

            errno = 0;
            v = strtoul(s, &end, 10);
            if (s[0] < '1' || s[0] > '9' || *end || errno || v > UINT32_MAX)
                rc = cfg_error(p, vev.start_mark, IMS_EINVAL,
                               "%s.id: \"%s\" is not a signature id (1..4294967295)", path,
                               cfg_quote(&vev, q, sizeof(q)));
            out->sid = (uint32_t)v;
        } else if (rc == 0 && seen == &seen_track) {
            const char *s = (const char *)vev.data.scalar.value;

            if (strcmp(s, "by_src") == 0)
                out->track = ALERT_TRACK_SRC;
            else if (strcmp(s, "by_dst") == 0)
                out->track = ALERT_TRACK_DST;
            else
                rc = cfg_error(p, vev.start_mark, IMS_EINVAL,
                               "%s.track: unknown value \"%s\" (expected by_src or by_dst)", path,
                               cfg_quote(&vev, q, sizeof(q)));
        } else if (rc == 0 && cidr_parse((const char *)vev.data.scalar.value, &out->net) != 0) {
            rc = cfg_error(p, vev.start_mark, IMS_EINVAL,
                           "%s.ip: \"%s\" is not a CIDR block (like 10.0.0.0/8 or fc00::/7)", path,
                           cfg_quote(&vev, q, sizeof(q)));
        }
        yaml_event_delete(&vev);
        if (rc)
            return rc;
    }
    if (!seen_id)
        return cfg_error(p, start->start_mark, IMS_EINVAL, "%s: missing key \"id\"", path);
    if (seen_track != seen_ip)
        return cfg_error(p, start->start_mark, IMS_EINVAL,
                         "%s: \"track\" and \"ip\" go together (or neither: suppress "
                         "everywhere)",
                         path);
    return 0;
}

/* alerts.suppress: a sequence of entries replacing the (empty) default list. */
static int cfg_parse_suppress(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                              const yaml_event_t *ev)
{
    unsigned n = 0;
    yaml_event_t e;
    int rc;

    (void)k;
    if (ev->type != YAML_SEQUENCE_START_EVENT)
        return cfg_error(p, ev->start_mark, IMS_EPARSE,
                         "%s: expected a sequence of {id, track, ip} entries, got %s", path,
                         cfg_is_null(ev) ? "an empty value" : cfg_kind(ev));
    for (;;) {
        rc = cfg_next(p, &e);
        if (rc)
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            break;
        }
        if (e.type != YAML_MAPPING_START_EVENT)
            rc = cfg_error(p, e.start_mark, IMS_EPARSE, "%s: expected a mapping, got %s", path,
                           cfg_kind(&e));
        else if (n == LIM_ALERT_SUPPRESS)
            rc = cfg_error(p, e.start_mark, IMS_EINVAL, "%s: more than %u entries", path,
                           (unsigned)LIM_ALERT_SUPPRESS);
        else
            rc = cfg_parse_suppress_entry(p, path, &e, &p->cfg->suppress[n++]);
        yaml_event_delete(&e);
        if (rc)
            return rc;
    }
    p->cfg->n_suppress = n;
    return 0;
}

/* credentials.hmac-key: any string without NUL bytes, up to LIM_CFG_HMAC_KEY_MAX bytes. */
static int cfg_parse_hmac_key(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                              const yaml_event_t *ev)
{
    size_t len;

    (void)k;
    if (ev->type != YAML_SCALAR_EVENT)
        return cfg_error(p, ev->start_mark, IMS_EPARSE, "%s: expected a string, got %s", path,
                         cfg_kind(ev));
    len = cfg_is_null(ev) ? 0 : ev->data.scalar.length;
    if (memchr(ev->data.scalar.value, '\0', len))
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: value contains a NUL byte", path);
    if (len > LIM_CFG_HMAC_KEY_MAX)
        return cfg_error(p, ev->start_mark, IMS_EINVAL, "%s: longer than %u bytes", path,
                         (unsigned)LIM_CFG_HMAC_KEY_MAX);
    memcpy(p->cfg->cred_hmac_key, ev->data.scalar.value, len);
    p->cfg->cred_hmac_key[len] = '\0';
    return 0;
}

/* credentials: a section whose password mode hmac needs a non-empty hmac-key. */
static int cfg_parse_credentials(struct cfg_parser *p, const struct cfg_key *k, const char *path,
                                 const yaml_event_t *ev)
{
    int rc;

    (void)k;
    if (cfg_is_null(ev))
        return 0;
    if (ev->type != YAML_MAPPING_START_EVENT)
        return cfg_error(p, ev->start_mark, IMS_EPARSE, "%s: expected a mapping, got %s", path,
                         cfg_kind(ev));
    rc = cfg_parse_section(p, cfg_credentials_keys, path);
    if (rc)
        return rc;
    if (p->cfg->cred_password == CRED_PASSWORD_HMAC && p->cfg->cred_hmac_key[0] == '\0')
        return cfg_error(p, ev->start_mark, IMS_EINVAL,
                         "%s: password is hmac but hmac-key is empty", path);
    return 0;
}

/* stream-start, at most one document whose root is a mapping (or empty), stream-end. */
static int cfg_parse_stream(struct cfg_parser *p)
{
    yaml_event_t ev;
    int rc;

    rc = cfg_next(p, &ev); /* STREAM-START */
    if (rc)
        return rc;
    yaml_event_delete(&ev);
    rc = cfg_next(p, &ev);
    if (rc)
        return rc;
    if (ev.type == YAML_STREAM_END_EVENT) { /* empty file or only comments */
        yaml_event_delete(&ev);
        return 0;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */

    rc = cfg_next(p, &ev);
    if (rc)
        return rc;
    if (ev.type == YAML_MAPPING_START_EVENT)
        rc = cfg_parse_section(p, cfg_root_keys, "");
    else if (!cfg_is_null(&ev))
        rc = cfg_error(p, ev.start_mark, IMS_EPARSE, "expected a mapping at the top, got %s",
                       cfg_kind(&ev));
    yaml_event_delete(&ev);
    if (rc)
        return rc;

    rc = cfg_next(p, &ev); /* DOCUMENT-END */
    if (rc)
        return rc;
    yaml_event_delete(&ev);
    rc = cfg_next(p, &ev);
    if (rc)
        return rc;
    if (ev.type != YAML_STREAM_END_EVENT)
        rc = cfg_error(p, ev.start_mark, IMS_EPARSE, "only one YAML document is allowed");
    yaml_event_delete(&ev);
    return rc;
}

int config_load_buffer(struct config *cfg, const char *name, const char *buf, size_t len, char *err,
                       size_t errlen)
{
    struct cfg_parser p;
    struct config tmp;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    if (!cfg || (!buf && len))
        return IMS_EINVAL;
    memset(&p, 0, sizeof(p));
    tmp = *cfg;
    p.cfg = &tmp;
    p.name = name ? name : "<config>";
    p.buf = (const unsigned char *)(buf ? buf : "");
    p.len = len;
    p.err = err;
    p.errlen = errlen;
    if (!yaml_parser_initialize(&p.yp)) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", p.name);
        return IMS_ENOMEM;
    }
    yaml_parser_set_input_string(&p.yp, p.buf, len);
    rc = cfg_parse_stream(&p);
    yaml_parser_delete(&p.yp);
    if (rc == 0)
        *cfg = tmp;
    return rc;
}

/* First buffer size when reading a config file; it doubles up to LIM_CFG_FILE_MAX + 1. */
#define CFG_READ_CHUNK 4096u

/*
 * Reads a whole file of at most LIM_CFG_FILE_MAX bytes (pipes too) into a
 * new buffer the caller frees.  Errors are written into err.
 */
static int cfg_read_file(FILE *f, const char *path, char **out, size_t *out_len, char *err,
                         size_t errlen)
{
    size_t len = 0, cap = 0, got;
    char *buf = NULL, *grown;
    int rc;

    do {
        if (len == cap) {
            if (cap > LIM_CFG_FILE_MAX) {
                rc = IMS_ELIMIT;
                if (err && errlen)
                    snprintf(err, errlen, "%s: larger than %u bytes", path,
                             (unsigned)LIM_CFG_FILE_MAX);
                goto out_free_buf;
            }
            cap = cap ? cap * 2 : CFG_READ_CHUNK;
            if (cap > LIM_CFG_FILE_MAX + 1)
                cap = LIM_CFG_FILE_MAX + 1;
            grown = realloc(buf, cap);
            if (!grown) {
                rc = IMS_ENOMEM;
                if (err && errlen)
                    snprintf(err, errlen, "%s: out of memory", path);
                goto out_free_buf;
            }
            buf = grown;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f)) {
        rc = IMS_EIO;
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out_free_buf;
    }
    if (len > LIM_CFG_FILE_MAX) {
        rc = IMS_ELIMIT;
        if (err && errlen)
            snprintf(err, errlen, "%s: larger than %u bytes", path, (unsigned)LIM_CFG_FILE_MAX);
        goto out_free_buf;
    }
    *out = buf;
    *out_len = len;
    return 0;
out_free_buf:
    free(buf);
    return rc;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    if (!cfg || !path)
        return IMS_EINVAL;
    f = fopen(path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return IMS_EIO;
    }
    rc = cfg_read_file(f, path, &buf, &len, err, errlen);
    fclose(f);
    if (rc)
        return rc;
    rc = config_load_buffer(cfg, path, buf, len, err, errlen);
    free(buf);
    return rc;
}
