/*
 * check_config.c - configuration loading (src/util/util_config.c) and CIDR
 * blocks (src/util/util_cidr.c): defaults, the shipped example file, every
 * key, every error class with its exact file:line:col, size units, CIDR
 * edge cases (RFC 4632, RFC 4291) and home-network membership.
 */
#include "imsentry/config.h"
#include "imsentry/err.h"
#include "imsentry/log.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every scalar field of struct config (the string and the CIDR list are compared apart). */
#define CFG_SCALAR_FIELDS(X)                                                                       \
    X(snaplen)                                                                                     \
    X(promisc)                                                                                     \
    X(buffer_size)                                                                                 \
    X(timeout_ms)                                                                                  \
    X(csum_mode)                                                                                   \
    X(defrag_memcap)                                                                               \
    X(defrag_max_trackers)                                                                         \
    X(defrag_max_frags)                                                                            \
    X(defrag_timeout)                                                                              \
    X(stream_memcap)                                                                               \
    X(stream_dir_memcap)                                                                           \
    X(stream_depth)                                                                                \
    X(stream_max_segments)                                                                         \
    X(stream_midstream)                                                                            \
    X(stream_async_oneside)                                                                        \
    X(default_policy)                                                                              \
    X(flow_hash_size)                                                                              \
    X(flow_max)                                                                                    \
    X(flow_memcap)                                                                                 \
    X(to_tcp_new)                                                                                  \
    X(to_tcp_established)                                                                          \
    X(to_tcp_closed)                                                                               \
    X(to_udp_new)                                                                                  \
    X(to_udp_established)                                                                          \
    X(to_other)                                                                                    \
    X(eve_buffer_size)                                                                             \
    X(eve_alert)                                                                                   \
    X(eve_flow)                                                                                    \
    X(eve_stats)                                                                                   \
    X(eve_anomaly)                                                                                 \
    X(anomaly_max_per_type)                                                                        \
    X(stats_interval)                                                                              \
    X(log_level)

/* Asserts a and b agree on every field. */
static void assert_cfg_eq(const struct config *a, const struct config *b)
{
#define X(f)                                                                                       \
    ck_assert_msg(a->f == b->f, "field " #f ": %llu != %llu", (unsigned long long)a->f,            \
                  (unsigned long long)b->f);
    CFG_SCALAR_FIELDS(X)
#undef X
    ck_assert_str_eq(a->eve_filename, b->eve_filename);
    ck_assert_uint_eq(a->n_home_nets, b->n_home_nets);
    for (unsigned i = 0; i < a->n_home_nets; i++) {
        ck_assert_uint_eq(a->home_nets[i].family, b->home_nets[i].family);
        ck_assert_uint_eq(a->home_nets[i].prefix, b->home_nets[i].prefix);
        ck_assert_mem_eq(a->home_nets[i].addr, b->home_nets[i].addr, 16);
    }
    ck_assert_uint_eq(a->n_host_policies, b->n_host_policies);
    for (unsigned i = 0; i < a->n_host_policies; i++) {
        ck_assert_uint_eq(a->host_policies[i].net.family, b->host_policies[i].net.family);
        ck_assert_uint_eq(a->host_policies[i].net.prefix, b->host_policies[i].net.prefix);
        ck_assert_mem_eq(a->host_policies[i].net.addr, b->host_policies[i].net.addr, 16);
        ck_assert_int_eq(a->host_policies[i].policy, b->host_policies[i].policy);
    }
}

/* Asserts a and b differ on every field (so a load that sets all of them is detectable). */
static void assert_cfg_all_differ(const struct config *a, const struct config *b)
{
#define X(f) ck_assert_msg(a->f != b->f, "field " #f " still has its default");
    CFG_SCALAR_FIELDS(X)
#undef X
    ck_assert_str_ne(a->eve_filename, b->eve_filename);
    ck_assert_uint_ne(a->n_home_nets, b->n_home_nets);
    ck_assert_uint_ne(a->n_host_policies, b->n_host_policies);
}

/* Writes len bytes to a fresh temporary file; its name goes to path (>= 64 bytes). */
static void write_temp(const char *text, size_t len, char *path)
{
    int fd;

    snprintf(path, 64, "/tmp/check_config_XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* Loads bytes from a temporary file over cfg (which the caller prepared). */
static int load_bytes(struct config *cfg, const char *text, size_t len, char *path, char *err,
                      size_t errlen)
{
    int rc;

    write_temp(text, len, path);
    rc = config_load(cfg, path, err, errlen);
    unlink(path);
    return rc;
}

/* Loads text over the defaults; asserts success. */
static void load_ok(struct config *cfg, const char *text)
{
    char path[64], err[512];
    int rc;

    config_defaults(cfg);
    rc = load_bytes(cfg, text, strlen(text), path, err, sizeof(err));
    ck_assert_msg(rc == 0, "load failed: %d %s", rc, err);
    ck_assert_str_eq(err, "");
}

/*
 * Loads len bytes over the defaults and asserts the exact error: return code
 * and "path:line:col: msg".  The config must be left untouched.
 */
static void expect_error_n(const char *text, size_t len, int want_rc, unsigned line, unsigned col,
                           const char *msg)
{
    struct config cfg, def;
    char path[64], err[512], want[700];
    int rc;

    config_defaults(&cfg);
    config_defaults(&def);
    rc = load_bytes(&cfg, text, len, path, err, sizeof(err));
    snprintf(want, sizeof(want), "%s:%u:%u: %s", path, line, col, msg);
    ck_assert_msg(rc == want_rc, "rc %d, want %d (%s) for:\n%s", rc, want_rc, err, text);
    ck_assert_str_eq(err, want);
    assert_cfg_eq(&cfg, &def);
}

static void expect_error(const char *text, int want_rc, unsigned line, unsigned col,
                         const char *msg)
{
    expect_error_n(text, strlen(text), want_rc, line, col, msg);
}

/* A YAML document that sets every key to something other than its default. */
static const char nondefault_yaml[] =
    "capture:\n"
    "  snaplen: 1514\n"
    "  promisc: no\n"
    "  buffer-size: 64MB\n"
    "  timeout-ms: 1000\n"
    "  checksum-validation: \"no\"\n"
    "defrag:\n"
    "  memcap: 16mb\n"
    "  max-trackers: 1000\n"
    "  max-frags: 100\n"
    "  timeout: 10\n"
    "stream:\n"
    "  memcap: 128mb\n"
    "  stream-memcap: 512kb\n"
    "  depth: 0\n"
    "  max-segments: 1000\n"
    "  midstream: no\n"
    "  async-oneside: false\n"
    "host-os-policy:\n"
    "  default: windows\n"
    "  linux: [10.0.0.0/8]\n"
    "  solaris: [10.1.0.0/16, \"2001:db8::/32\"]\n"
    "flow:\n"
    "  hash-size: 4096\n"
    "  max-flows: 10000\n"
    "  memcap: 1gb\n"
    "  timeouts: {tcp-new: 11, tcp-established: 12, tcp-closed: 13, udp-new: 14,\n"
    "             udp-established: 15, other: 16}\n"
    "home-networks: [192.0.2.0/24, \"2001:db8::/32\", 198.51.100.7]\n"
    "outputs:\n"
    "  eve:\n"
    "    filename: 'alerts.json'\n"
    "    buffer-size: 8192\n"
    "    types: {alert: False, flow: off, stats: no, anomaly: NO}\n"
    "    anomaly-max-per-type: 0\n"
    "stats:\n"
    "  interval: 5\n"
    "logging:\n"
    "  level: debug\n";

START_TEST(test_defaults)
{
    struct config cfg;

    memset(&cfg, 0xa5, sizeof(cfg));
    config_defaults(&cfg);
    ck_assert_uint_eq(cfg.snaplen, LIM_SNAPLEN);
    ck_assert(cfg.promisc);
    ck_assert_uint_eq(cfg.buffer_size, LIM_CAPTURE_BUFFER);
    ck_assert_uint_eq(cfg.timeout_ms, LIM_CAPTURE_TIMEOUT_MS);
    ck_assert_int_eq(cfg.csum_mode, CSUM_MODE_AUTO);
    ck_assert_uint_eq(cfg.defrag_memcap, LIM_DEFRAG_MEMCAP);
    ck_assert_uint_eq(cfg.defrag_max_trackers, LIM_DEFRAG_MAX_TRACKERS);
    ck_assert_uint_eq(cfg.defrag_max_frags, LIM_DEFRAG_MAX_FRAGS);
    ck_assert_uint_eq(cfg.defrag_timeout, LIM_DEFRAG_TIMEOUT);
    ck_assert_uint_eq(cfg.stream_memcap, LIM_STREAM_MEMCAP);
    ck_assert_uint_eq(cfg.stream_dir_memcap, LIM_STREAM_DIR_MEMCAP);
    ck_assert_uint_eq(cfg.stream_depth, LIM_STREAM_DEPTH);
    ck_assert_uint_eq(cfg.stream_max_segments, LIM_STREAM_MAX_SEGMENTS);
    ck_assert(cfg.stream_midstream && cfg.stream_async_oneside);
    ck_assert_int_eq(cfg.default_policy, OVERLAP_BSD);
    ck_assert_uint_eq(cfg.n_host_policies, 0);
    ck_assert_uint_eq(cfg.flow_hash_size, LIM_FLOW_HASH_SIZE);
    ck_assert_uint_eq(cfg.flow_max, LIM_FLOW_MAX);
    ck_assert_uint_eq(cfg.flow_memcap, LIM_FLOW_MEMCAP);
    ck_assert_uint_eq(cfg.to_tcp_new, LIM_FLOW_TIMEOUT_NEW);
    ck_assert_uint_eq(cfg.to_tcp_established, LIM_FLOW_TIMEOUT_ESTABLISHED);
    ck_assert_uint_eq(cfg.to_tcp_closed, LIM_FLOW_TIMEOUT_CLOSED);
    ck_assert_uint_eq(cfg.to_udp_new, LIM_FLOW_TIMEOUT_UDP_NEW);
    ck_assert_uint_eq(cfg.to_udp_established, LIM_FLOW_TIMEOUT_UDP_ESTABLISHED);
    ck_assert_uint_eq(cfg.to_other, LIM_FLOW_TIMEOUT_OTHER);
    ck_assert_uint_eq(cfg.n_home_nets, 5);
    ck_assert_str_eq(cfg.eve_filename, "eve.json");
    ck_assert_uint_eq(cfg.eve_buffer_size, LIM_EVE_BUFFER);
    ck_assert(cfg.eve_alert && cfg.eve_flow && cfg.eve_stats && cfg.eve_anomaly);
    ck_assert_uint_eq(cfg.anomaly_max_per_type, LIM_ANOMALY_EVENTS_PER_TYPE);
    ck_assert_uint_eq(cfg.stats_interval, LIM_STATS_INTERVAL);
    ck_assert_int_eq(cfg.log_level, LOG_LEVEL_INFO);

    /* Defaults lie inside the ranges the loader accepts. */
    ck_assert(cfg.snaplen >= LIM_CFG_SNAPLEN_MIN && cfg.snaplen <= LIM_CFG_SNAPLEN_MAX);
    ck_assert(cfg.buffer_size >= LIM_CFG_CAPTURE_BUFFER_MIN &&
              cfg.buffer_size <= LIM_CFG_CAPTURE_BUFFER_MAX);
    ck_assert(cfg.defrag_memcap >= LIM_CFG_MEMCAP_MIN && cfg.flow_memcap <= LIM_CFG_MEMCAP_MAX);
    ck_assert(cfg.defrag_max_frags >= LIM_CFG_DEFRAG_FRAGS_MIN &&
              cfg.defrag_max_frags <= LIM_CFG_DEFRAG_FRAGS_MAX);
    ck_assert(cfg.eve_buffer_size >= LIM_CFG_EVE_BUFFER_MIN &&
              cfg.eve_buffer_size <= LIM_CFG_EVE_BUFFER_MAX);
}
END_TEST

/* The shipped example lists every key with its default: loaded over a config where
 * every field differs from the default, it must give back exactly the defaults. */
START_TEST(test_contrib_example_equals_defaults)
{
    struct config cfg, def;
    char err[512];
    int rc;

    config_defaults(&def);
    load_ok(&cfg, nondefault_yaml);
    assert_cfg_all_differ(&cfg, &def);
    rc = config_load(&cfg, IMSENTRY_SOURCE_DIR "/contrib/imsentry.yaml", err, sizeof(err));
    ck_assert_msg(rc == 0, "contrib/imsentry.yaml: %s", err);
    assert_cfg_eq(&cfg, &def);
}
END_TEST

START_TEST(test_every_key_read)
{
    struct config cfg;
    char buf[CIDR_STR_LEN];

    load_ok(&cfg, nondefault_yaml);
    ck_assert_uint_eq(cfg.snaplen, 1514);
    ck_assert(!cfg.promisc);
    ck_assert_uint_eq(cfg.buffer_size, 64u * 1024 * 1024);
    ck_assert_uint_eq(cfg.timeout_ms, 1000);
    ck_assert_int_eq(cfg.csum_mode, CSUM_MODE_NO);
    ck_assert_uint_eq(cfg.defrag_memcap, 16u * 1024 * 1024);
    ck_assert_uint_eq(cfg.defrag_max_trackers, 1000);
    ck_assert_uint_eq(cfg.defrag_max_frags, 100);
    ck_assert_uint_eq(cfg.defrag_timeout, 10);
    ck_assert_uint_eq(cfg.stream_memcap, 128u * 1024 * 1024);
    ck_assert_uint_eq(cfg.stream_dir_memcap, 512u * 1024);
    ck_assert_uint_eq(cfg.stream_depth, 0);
    ck_assert_uint_eq(cfg.stream_max_segments, 1000);
    ck_assert(!cfg.stream_midstream && !cfg.stream_async_oneside);
    ck_assert_int_eq(cfg.default_policy, OVERLAP_WINDOWS);
    ck_assert_uint_eq(cfg.n_host_policies, 3);
    ck_assert_str_eq(cidr_str(&cfg.host_policies[0].net, buf, sizeof(buf)), "10.0.0.0/8");
    ck_assert_int_eq(cfg.host_policies[0].policy, OVERLAP_LINUX);
    ck_assert_str_eq(cidr_str(&cfg.host_policies[2].net, buf, sizeof(buf)), "2001:db8::/32");
    ck_assert_int_eq(cfg.host_policies[2].policy, OVERLAP_SOLARIS);
    ck_assert_uint_eq(cfg.flow_hash_size, 4096);
    ck_assert_uint_eq(cfg.flow_max, 10000);
    ck_assert_uint_eq(cfg.flow_memcap, 1024ull * 1024 * 1024);
    ck_assert_uint_eq(cfg.to_tcp_new, 11);
    ck_assert_uint_eq(cfg.to_tcp_established, 12);
    ck_assert_uint_eq(cfg.to_tcp_closed, 13);
    ck_assert_uint_eq(cfg.to_udp_new, 14);
    ck_assert_uint_eq(cfg.to_udp_established, 15);
    ck_assert_uint_eq(cfg.to_other, 16);
    ck_assert_uint_eq(cfg.n_home_nets, 3);
    ck_assert_str_eq(cidr_str(&cfg.home_nets[0], buf, sizeof(buf)), "192.0.2.0/24");
    ck_assert_str_eq(cidr_str(&cfg.home_nets[1], buf, sizeof(buf)), "2001:db8::/32");
    ck_assert_str_eq(cidr_str(&cfg.home_nets[2], buf, sizeof(buf)), "198.51.100.7/32");
    ck_assert_str_eq(cfg.eve_filename, "alerts.json");
    ck_assert_uint_eq(cfg.eve_buffer_size, 8192);
    ck_assert(!cfg.eve_alert && !cfg.eve_flow && !cfg.eve_stats && !cfg.eve_anomaly);
    ck_assert_uint_eq(cfg.anomaly_max_per_type, 0);
    ck_assert_uint_eq(cfg.stats_interval, 5);
    ck_assert_int_eq(cfg.log_level, LOG_LEVEL_DEBUG);
}
END_TEST

/* Keys not in the file keep the value the caller had; the list replaces, never appends. */
START_TEST(test_partial_and_empty)
{
    struct config cfg, def;

    config_defaults(&def);
    load_ok(&cfg, "");
    assert_cfg_eq(&cfg, &def);
    load_ok(&cfg, "# only a comment\n\n");
    assert_cfg_eq(&cfg, &def);
    load_ok(&cfg, "---\n...\n");
    assert_cfg_eq(&cfg, &def);
    load_ok(&cfg, "capture:\nflow:\n  timeouts: ~\n"); /* empty sections */
    assert_cfg_eq(&cfg, &def);

    load_ok(&cfg, "flow:\n  timeouts:\n    other: 7\n");
    ck_assert_uint_eq(cfg.to_other, 7);
    cfg.to_other = def.to_other;
    assert_cfg_eq(&cfg, &def);

    load_ok(&cfg, "home-networks: []\n");
    ck_assert_uint_eq(cfg.n_home_nets, 0);
    load_ok(&cfg, "home-networks:\n  - 203.0.113.0/24\n");
    ck_assert_uint_eq(cfg.n_home_nets, 1);

    /* Booleans and enum names in any case; anchors are harmless. */
    load_ok(&cfg, "capture: &cap\n  promisc: OFF\n  checksum-validation: YES\n");
    ck_assert(!cfg.promisc);
    ck_assert_int_eq(cfg.csum_mode, CSUM_MODE_YES);
    load_ok(&cfg, "host-os-policy: {default: Solaris}\nlogging: {level: warning}\n");
    ck_assert_int_eq(cfg.default_policy, OVERLAP_SOLARIS);
    ck_assert_int_eq(cfg.log_level, LOG_LEVEL_WARN);
}
END_TEST

/* Sizes: plain bytes or binary units in any case. */
START_TEST(test_size_units)
{
    static const struct {
        const char *text; /* defrag.memcap value */
        uint64_t bytes;   /* what it means */
    } cases[] = {
        {"65536", 65536},
        {"64kb", 64ull * 1024},
        {"64KB", 64ull * 1024},
        {"64KiB", 64ull * 1024},
        {"100k", 100ull * 1024},
        {"32mb", 32ull * 1024 * 1024},
        {"32 MB", 32ull * 1024 * 1024},
        {"1gb", 1024ull * 1024 * 1024},
        {"3G", 3ull * 1024 * 1024 * 1024},
        {"1tb", 1024ull * 1024 * 1024 * 1024},
        {"70000b", 70000},
    };
    struct config cfg;
    char text[128];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "defrag:\n  memcap: %s\n", cases[i].text);
        load_ok(&cfg, text);
        ck_assert_msg(cfg.defrag_memcap == cases[i].bytes, "%s -> %llu", cases[i].text,
                      (unsigned long long)cfg.defrag_memcap);
    }
    /* A 32-bit field takes its maximum exactly (1gb) and refuses one byte more. */
    load_ok(&cfg, "capture:\n  buffer-size: 1GB\n");
    ck_assert_uint_eq(cfg.buffer_size, 1024u * 1024 * 1024);
    expect_error("capture:\n  buffer-size: 1073741825\n", IMS_EINVAL, 2, 16,
                 "capture.buffer-size: 1073741825 is out of range (65536..1073741824)");
    expect_error("defrag:\n  memcap: 32xb\n", IMS_EINVAL, 2, 11,
                 "defrag.memcap: \"32xb\" has an unknown unit (expected b, kb, mb, gb or tb)");
    expect_error("defrag:\n  memcap: 1.5mb\n", IMS_EINVAL, 2, 11,
                 "defrag.memcap: \"1.5mb\" has an unknown unit (expected b, kb, mb, gb or tb)");
    expect_error("defrag:\n  memcap: 2tb\n", IMS_EINVAL, 2, 11,
                 "defrag.memcap: 2tb is out of range (65536..1099511627776)");
    /* 17179869184 tb overflows 64 bits: out of range, not wrapped. */
    expect_error("defrag:\n  memcap: 17179869184tb\n", IMS_EINVAL, 2, 11,
                 "defrag.memcap: \"17179869184tb\" is out of range (65536..1099511627776)");
    /* Units are for sizes only. */
    expect_error("defrag:\n  timeout: 30s\n", IMS_EINVAL, 2, 12,
                 "defrag.timeout: \"30s\" is not a number (expected a number of seconds)");
}
END_TEST

/* Unknown and duplicate keys, wrong node kinds: IMS_EPARSE at the offending node. */
START_TEST(test_structure_errors)
{
    expect_error("bogus: 1\n", IMS_EPARSE, 1, 1, "unknown key \"bogus\"");
    expect_error("capture:\n  snaplen: 100\n  snaplenn: 100\n", IMS_EPARSE, 3, 3,
                 "unknown key \"capture.snaplenn\"");
    expect_error("outputs:\n  eve:\n    types:\n      alerts: yes\n", IMS_EPARSE, 4, 7,
                 "unknown key \"outputs.eve.types.alerts\"");
    /* Keys are case-sensitive. */
    expect_error("Capture: {}\n", IMS_EPARSE, 1, 1, "unknown key \"Capture\"");
    expect_error("capture:\n  snaplen: 100\n  snaplen: 200\n", IMS_EPARSE, 3, 3,
                 "duplicate key \"capture.snaplen\" (first at line 2)");
    expect_error("stats: {interval: 5}\nlogging: {}\nstats: {}\n", IMS_EPARSE, 3, 1,
                 "duplicate key \"stats\" (first at line 1)");
    expect_error("capture:\n  snaplen: {a: 1}\n", IMS_EPARSE, 2, 12,
                 "capture.snaplen: expected an integer, got a mapping");
    expect_error("capture:\n  promisc: [yes]\n", IMS_EPARSE, 2, 12,
                 "capture.promisc: expected a boolean (yes/no, true/false, on/off), got a "
                 "sequence");
    expect_error("flow: [1, 2]\n", IMS_EPARSE, 1, 7, "flow: expected a mapping, got a sequence");
    expect_error("outputs:\n  eve: eve.json\n", IMS_EPARSE, 2, 8,
                 "outputs.eve: expected a mapping, got a scalar");
    expect_error("home-networks: 10.0.0.0/8\n", IMS_EPARSE, 1, 16,
                 "home-networks: expected a sequence of CIDR blocks, got a scalar");
    expect_error("home-networks:\n", IMS_EPARSE, 1, 15,
                 "home-networks: expected a sequence of CIDR blocks, got an empty value");
    expect_error("home-networks:\n  - [10.0.0.0/8]\n", IMS_EPARSE, 2, 5,
                 "home-networks: expected a CIDR block, got a sequence");
    expect_error("- capture\n", IMS_EPARSE, 1, 1, "expected a mapping at the top, got a sequence");
    expect_error("hello\n", IMS_EPARSE, 1, 1, "expected a mapping at the top, got a scalar");
    expect_error("? [a, b]\n: 1\n", IMS_EPARSE, 1, 3, "keys must be scalars, got a sequence");
    expect_error("capture: &c\n  snaplen: 100\ndefrag: *c\n", IMS_EPARSE, 3, 9,
                 "aliases are not supported");
    expect_error("stats: {interval: 5}\n---\nlogging: {level: info}\n", IMS_EPARSE, 2, 1,
                 "only one YAML document is allowed");
}
END_TEST

/* Bad values: IMS_EINVAL at the value. */
START_TEST(test_value_errors)
{
    expect_error("capture:\n  snaplen: 63\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: 63 is out of range (64..262144)");
    expect_error("capture:\n  snaplen: 262145\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: 262145 is out of range (64..262144)");
    expect_error("capture:\n  snaplen: abc\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: \"abc\" is not a number (expected an integer)");
    expect_error("capture:\n  snaplen: 1500.5\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: \"1500.5\" is not a number (expected an integer)");
    expect_error("capture:\n  snaplen: 0x100\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: \"0x100\" is not a number (expected an integer)");
    expect_error("capture:\n  snaplen: +100\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: \"+100\" is not a number (expected an integer)");
    expect_error("capture:\n  snaplen: \" 100\"\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: \" 100\" is not a number (expected an integer)");
    expect_error("capture:\n  snaplen: 0100\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: \"0100\" has a leading zero (YAML would read it as octal)");
    expect_error("flow:\n  timeouts:\n    other: -5\n", IMS_EINVAL, 3, 12,
                 "flow.timeouts.other: \"-5\" is negative");
    expect_error("flow:\n  timeouts:\n    other: 0\n", IMS_EINVAL, 3, 12,
                 "flow.timeouts.other: 0 is out of range (1..86400)");
    expect_error("flow:\n  max-flows: 99999999999999999999999\n", IMS_EINVAL, 2, 14,
                 "flow.max-flows: \"99999999999999999999999\" is out of range (1..67108864)");
    /* Above 32 bits but inside 64: still refused for a 32-bit field. */
    expect_error("flow:\n  max-flows: 4294967296\n", IMS_EINVAL, 2, 14,
                 "flow.max-flows: 4294967296 is out of range (1..67108864)");
    expect_error("capture:\n  snaplen:\n", IMS_EINVAL, 2, 11,
                 "capture.snaplen: missing value (expected an integer)");
    expect_error("capture:\n  promisc: maybe\n", IMS_EINVAL, 2, 12,
                 "capture.promisc: \"maybe\" is not a boolean (expected yes, no, true, false, "
                 "on or off)");
    expect_error("capture:\n  checksum-validation: sometimes\n", IMS_EINVAL, 2, 24,
                 "capture.checksum-validation: unknown value \"sometimes\" (expected auto, yes "
                 "or no)");
    /* The policy moved to host-os-policy (one choice for fragments and segments). */
    expect_error("defrag:\n  policy: bsd\n", IMS_EPARSE, 2, 3, "unknown key \"defrag.policy\"");
    expect_error("logging:\n  level: verbose\n", IMS_EINVAL, 2, 10,
                 "logging.level: unknown value \"verbose\" (expected error, warning, info or "
                 "debug)");
    expect_error("home-networks:\n  - 10.0.0.0/8\n  - 10.0.0.0/33\n", IMS_EINVAL, 3, 5,
                 "home-networks: \"10.0.0.0/33\" is not a CIDR block (like 10.0.0.0/8 or "
                 "fc00::/7)");
    expect_error("home-networks: [fc00::/129]\n", IMS_EINVAL, 1, 17,
                 "home-networks: \"fc00::/129\" is not a CIDR block (like 10.0.0.0/8 or "
                 "fc00::/7)");
    expect_error("outputs:\n  eve:\n    filename: ../eve.json\n", IMS_EINVAL, 3, 15,
                 "outputs.eve.filename: \"../eve.json\" must be a plain file name (no '/'): it "
                 "is created in the log directory");
    expect_error("outputs:\n  eve:\n    filename: ..\n", IMS_EINVAL, 3, 15,
                 "outputs.eve.filename: \"..\" is not a file name");
    expect_error("outputs:\n  eve:\n    filename: \"a\\tb\"\n", IMS_EINVAL, 3, 15,
                 "outputs.eve.filename: file name contains a control character");
    /* A NUL smuggled in through a YAML escape. */
    expect_error("capture:\n  snaplen: \"100\\0\"\n", IMS_EINVAL, 2, 12,
                 "capture.snaplen: value contains a NUL byte");
}
END_TEST

/* A filename that fills the field exactly is kept; one byte more is refused. */
START_TEST(test_filename_length)
{
    char name[LIM_CFG_FILENAME_MAX + 2], text[LIM_CFG_FILENAME_MAX + 64];
    struct config cfg;

    memset(name, 'e', LIM_CFG_FILENAME_MAX);
    name[LIM_CFG_FILENAME_MAX] = '\0';
    snprintf(text, sizeof(text), "outputs: {eve: {filename: %s}}\n", name);
    load_ok(&cfg, text);
    ck_assert_str_eq(cfg.eve_filename, name);
    name[LIM_CFG_FILENAME_MAX] = 'e';
    name[LIM_CFG_FILENAME_MAX + 1] = '\0';
    snprintf(text, sizeof(text), "outputs: {eve: {filename: %s}}\n", name);
    expect_error(text, IMS_EINVAL, 1, 27,
                 "outputs.eve.filename: file name is longer than 255 bytes");
}
END_TEST

/* Too many home networks: the 65th entry is the error. */
START_TEST(test_home_nets_limit)
{
    char text[LIM_HOME_NETS * 24 + 64], msg[128];
    size_t n = 0;
    struct config cfg;

    n += (size_t)snprintf(text + n, sizeof(text) - n, "home-networks:\n");
    for (unsigned i = 0; i < LIM_HOME_NETS; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "  - 10.%u.0.0/16\n", i);
    load_ok(&cfg, text);
    ck_assert_uint_eq(cfg.n_home_nets, LIM_HOME_NETS);
    snprintf(text + n, sizeof(text) - n, "  - 11.0.0.0/8\n");
    snprintf(msg, sizeof(msg), "home-networks: more than %u networks", (unsigned)LIM_HOME_NETS);
    expect_error(text, IMS_EINVAL, LIM_HOME_NETS + 2, 5, msg);
}
END_TEST

/* YAML syntax and encoding errors carry libyaml's text and position. */
START_TEST(test_syntax_errors)
{
    static const char bad_utf8[] = "capture:\n  snaplen: \xff\n";

    /* libyaml streams: whichever problem comes first in the text is reported. */
    expect_error("stats:\n  interval: 5: 6\n", IMS_EPARSE, 2, 14,
                 "mapping values are not allowed in this context");
    expect_error("capture: snaplen: 5\n", IMS_EPARSE, 1, 10,
                 "capture: expected a mapping, got a scalar");
    expect_error("capture:\n\tsnaplen: 100\n", IMS_EPARSE, 2, 1,
                 "found character that cannot start any token (while scanning for the next "
                 "token)");
    expect_error("home-networks: [10.0.0.0/8\n", IMS_EPARSE, 2, 1,
                 "did not find expected ',' or ']' (while parsing a flow sequence)");
    expect_error("capture:\n  snaplen: \"100\n", IMS_EPARSE, 3, 1,
                 "found unexpected end of stream (while scanning a quoted scalar)");
    expect_error_n(bad_utf8, sizeof(bad_utf8) - 1, IMS_EPARSE, 2, 12,
                   "invalid leading UTF-8 octet (#FF)");
}
END_TEST

/* Loading stops at the first error and leaves the config as it was (checked in
 * expect_error); a file that cannot be read is IMS_EIO naming the file. */
START_TEST(test_io_errors)
{
    struct config cfg;
    char err[512];

    config_defaults(&cfg);
    ck_assert_int_eq(config_load(&cfg, "/nonexistent/imsentry.yaml", err, sizeof(err)), IMS_EIO);
    ck_assert_str_eq(err, "/nonexistent/imsentry.yaml: cannot open: No such file or directory");
    ck_assert_int_eq(config_load(&cfg, "/", err, sizeof(err)), IMS_EIO);
    ck_assert_str_eq(err, "/: cannot read: Is a directory");
    /* A tiny error buffer is cut, never overrun. */
    ck_assert_int_eq(config_load_buffer(&cfg, "x", "bogus: 1", 8, err, 6), IMS_EPARSE);
    ck_assert_str_eq(err, "x:1:1");
    ck_assert_int_eq(config_load_buffer(&cfg, "x", "bogus: 1", 8, NULL, 0), IMS_EPARSE);
    /* In-memory text need not be NUL-terminated. */
    ck_assert_int_eq(config_load_buffer(&cfg, "x", "stats: {interval: 77}XXX", 21, err, 64), 0);
    ck_assert_uint_eq(cfg.stats_interval, 77);
}
END_TEST

/* A file of exactly LIM_CFG_FILE_MAX bytes loads; one byte more is IMS_ELIMIT. */
START_TEST(test_file_size_limit)
{
    char *text = malloc(LIM_CFG_FILE_MAX + 2), path[64], err[512], want[128];
    struct config cfg;

    ck_assert_ptr_nonnull(text);
    /* Comment lines "#...#\n" of 64 bytes, then "stats: {interval: 9}\n" at the end. */
    memset(text, '#', LIM_CFG_FILE_MAX + 1);
    for (size_t i = 63; i < LIM_CFG_FILE_MAX; i += 64)
        text[i] = '\n';
    memcpy(text + LIM_CFG_FILE_MAX - 22, "\nstats: {interval: 9}\n", 22);
    config_defaults(&cfg);
    ck_assert_int_eq(load_bytes(&cfg, text, LIM_CFG_FILE_MAX, path, err, sizeof(err)), 0);
    ck_assert_uint_eq(cfg.stats_interval, 9);
    text[LIM_CFG_FILE_MAX] = '\n';
    ck_assert_int_eq(load_bytes(&cfg, text, LIM_CFG_FILE_MAX + 1, path, err, sizeof(err)),
                     IMS_ELIMIT);
    snprintf(want, sizeof(want), "%s: larger than %u bytes", path, (unsigned)LIM_CFG_FILE_MAX);
    ck_assert_str_eq(err, want);
    free(text);
}
END_TEST

/* Reads a whole text file into a NUL-terminated buffer the caller frees. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);
    size_t n;

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(buf);
    n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Every key of the example file is documented in man/imsentry.yaml.5. */
START_TEST(test_man_page_lists_every_key)
{
    char *yaml = slurp(IMSENTRY_SOURCE_DIR "/contrib/imsentry.yaml");
    char *man = slurp(IMSENTRY_SOURCE_DIR "/man/imsentry.yaml.5");
    char key[64], pat[3][80];
    unsigned keys = 0;

    for (char *line = yaml; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char *p = line;
        size_t n = 0;

        while (*p == ' ')
            p++;
        while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '-')
            n++;
        if (n == 0 || p[n] != ':' || n >= sizeof(key))
            continue;
        memcpy(key, p, n);
        key[n] = '\0';
        snprintf(pat[0], sizeof(pat[0]), "\n.BR %s ", key);
        snprintf(pat[1], sizeof(pat[1]), "\n.B %s\n", key);
        snprintf(pat[2], sizeof(pat[2]), "\n.SS %s\n", key);
        ck_assert_msg(strstr(man, pat[0]) || strstr(man, pat[1]) || strstr(man, pat[2]),
                      "key %s is not in man/imsentry.yaml.5", key);
        keys++;
    }
    ck_assert_uint_ge(keys, 38); /* the 38 keys of the first release at least */
    free(yaml);
    free(man);
}
END_TEST

/* Fills a 16-byte address from text. */
static uint8_t addr_family(const char *text, uint8_t a[16])
{
    memset(a, 0, 16);
    if (inet_pton(AF_INET, text, a) == 1)
        return 4;
    ck_assert_int_eq(inet_pton(AF_INET6, text, a), 1);
    return 6;
}

static bool in_block(const char *cidr, const char *addr)
{
    struct cidr c;
    uint8_t a[16];
    uint8_t fam = addr_family(addr, a);

    ck_assert_int_eq(cidr_parse(cidr, &c), 0);
    return cidr_contains(&c, fam, a);
}

START_TEST(test_cidr_parse)
{
    static const struct {
        const char *in;  /* text */
        const char *out; /* canonical form, host bits cleared */
    } good[] = {
        {"10.0.0.0/8", "10.0.0.0/8"},
        {"10.1.2.3/8", "10.0.0.0/8"},
        {"172.31.255.255/12", "172.16.0.0/12"},
        {"0.0.0.0/0", "0.0.0.0/0"},
        {"255.255.255.255/0", "0.0.0.0/0"},
        {"192.0.2.1/32", "192.0.2.1/32"},
        {"192.0.2.1", "192.0.2.1/32"},
        {"::/0", "::/0"},
        {"fd12:3456::1/7", "fc00::/7"},
        {"2001:db8::1/128", "2001:db8::1/128"},
        {"2001:db8::1", "2001:db8::1/128"},
        {"2001:db8:ffff::/33", "2001:db8:8000::/33"},
        {"::ffff:192.0.2.1/96", "::ffff:0.0.0.0/96"},
    };
    static const char *const bad[] = {
        "",
        "/8",
        "10.0.0.0/",
        "10.0.0.0/33",
        "10.0.0.0/-1",
        "10.0.0.0/+8",
        "10.0.0.0/08",
        "10.0.0.0/8x",
        "10.0.0.0/ 8",
        "10.0.0.0/8/8",
        "10.0.0/8",
        "10.0.0.256/8",
        "010.0.0.0/8",
        "::/129",
        "::/1000",
        "fc00:::/7",
        "fe80::1%eth0/64",
        "garbage",
        "10.0.0.0 /8",
        "1111:2222:3333:4444:5555:6666:7777:8888:9999/64",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/8",
    };
    struct cidr c;
    char buf[CIDR_STR_LEN];

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(cidr_parse(good[i].in, &c) == 0, "%s refused", good[i].in);
        ck_assert_str_eq(cidr_str(&c, buf, sizeof(buf)), good[i].out);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&c, 0x5a, sizeof(c));
        ck_assert_msg(cidr_parse(bad[i], &c) == IMS_EINVAL, "%s accepted", bad[i]);
        ck_assert_uint_eq(c.family, 0x5a); /* untouched on failure */
    }
    ck_assert_int_eq(cidr_parse(NULL, &c), IMS_EINVAL);
    ck_assert_int_eq(cidr_parse("10.0.0.0/8", &c), 0);
    ck_assert_uint_eq(c.family, 4);
    ck_assert_uint_eq(c.prefix, 8);
}
END_TEST

START_TEST(test_cidr_contains)
{
    /* /0 holds every address of its family, none of the other. */
    ck_assert(in_block("0.0.0.0/0", "255.255.255.255"));
    ck_assert(in_block("0.0.0.0/0", "0.0.0.0"));
    ck_assert(!in_block("0.0.0.0/0", "::1"));
    ck_assert(in_block("::/0", "2001:db8::1"));
    ck_assert(!in_block("::/0", "10.0.0.1"));
    /* /32 and /128 hold exactly one address. */
    ck_assert(in_block("192.0.2.1/32", "192.0.2.1"));
    ck_assert(!in_block("192.0.2.1/32", "192.0.2.0"));
    ck_assert(!in_block("192.0.2.1/32", "192.0.2.2"));
    ck_assert(in_block("2001:db8::1/128", "2001:db8::1"));
    ck_assert(!in_block("2001:db8::1/128", "2001:db8::"));
    /* Prefixes that end inside a byte. */
    ck_assert(in_block("172.16.0.0/12", "172.31.255.255"));
    ck_assert(!in_block("172.16.0.0/12", "172.32.0.0"));
    ck_assert(!in_block("172.16.0.0/12", "172.15.255.255"));
    ck_assert(in_block("fc00::/7", "fdff:ffff::1"));
    ck_assert(!in_block("fc00::/7", "fe00::"));
    ck_assert(!in_block("fc00::/7", "fbff:ffff::"));
    ck_assert(in_block("2001:db8::/33", "2001:db8:7fff::1"));
    ck_assert(!in_block("2001:db8::/33", "2001:db8:8000::"));
    /* An IPv4 block never holds an IPv4-mapped IPv6 address (different family). */
    ck_assert(!in_block("10.0.0.0/8", "::ffff:10.0.0.1"));
}
END_TEST

START_TEST(test_home_default)
{
    static const struct {
        const char *addr; /* address */
        bool home;        /* in the default home networks? */
    } cases[] = {
        {"10.1.2.3", true},    {"100.64.0.1", true},   {"fd00::1", true},
        {"172.16.0.1", true},  {"192.168.1.1", true},  {"100.127.255.255", true},
        {"fc00::", true},      {"8.8.8.8", false},     {"100.128.0.1", false},
        {"172.32.0.1", false}, {"192.169.0.1", false}, {"11.0.0.1", false},
        {"fe80::1", false},    {"2001:db8::1", false}, {"::ffff:10.1.2.3", false},
    };
    struct config cfg;
    uint8_t a[16];

    config_defaults(&cfg);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t fam = addr_family(cases[i].addr, a);
        ck_assert_msg(config_is_home(&cfg, fam, a) == cases[i].home, "%s", cases[i].addr);
    }
    /* A configured list replaces the default. */
    load_ok(&cfg, "home-networks: [8.8.8.0/24]\n");
    ck_assert(config_is_home(&cfg, addr_family("8.8.8.8", a), a));
    ck_assert(!config_is_home(&cfg, addr_family("10.1.2.3", a), a));
}
END_TEST

/* host-os-policy: lists per policy, the default, longest prefix across lists, and errors. */
START_TEST(test_host_os_policy)
{
    struct config cfg;
    uint8_t a[16];

    load_ok(&cfg, "host-os-policy:\n"
                  "  default: linux\n"
                  "  windows: [192.0.2.0/24]\n"
                  "  first: [192.0.2.128/25]\n" /* more specific, listed after */
                  "  solaris: [192.0.2.200]\n"  /* one host: /32 */
                  "  last: [\"2001:db8::/32\"]\n"
                  "  bsd: [\"2001:db8:1::/48\"]\n"
                  "  linux:\n"); /* an empty list is allowed */
    ck_assert_uint_eq(cfg.n_host_policies, 5);
    ck_assert_int_eq(cfg.default_policy, OVERLAP_LINUX);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("192.0.2.1", a), a), OVERLAP_WINDOWS);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("192.0.2.129", a), a), OVERLAP_FIRST);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("192.0.2.200", a), a), OVERLAP_SOLARIS);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("192.0.3.1", a), a), OVERLAP_LINUX);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("2001:db8::1", a), a), OVERLAP_LAST);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("2001:db8:1::1", a), a), OVERLAP_BSD);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("2001:db9::1", a), a), OVERLAP_LINUX);
    /* An IPv4 block never matches an IPv6 address with the same leading bytes. */
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("c000:0201::", a), a), OVERLAP_LINUX);

    /* The longest prefix wins whatever the order of the lists. */
    load_ok(&cfg, "host-os-policy:\n  last: [10.1.2.0/24]\n  first: [10.0.0.0/8, 0.0.0.0/0]\n");
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("10.1.2.3", a), a), OVERLAP_LAST);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("10.9.9.9", a), a), OVERLAP_FIRST);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("8.8.8.8", a), a), OVERLAP_FIRST);
    ck_assert_int_eq(config_policy_for(&cfg, addr_family("::1", a), a), OVERLAP_BSD);

    /* The section replaces the table; an empty one clears it. */
    load_ok(&cfg, "host-os-policy:\n");
    ck_assert_uint_eq(cfg.n_host_policies, 0);
    ck_assert_int_eq(cfg.default_policy, OVERLAP_BSD);

    expect_error("host-os-policy:\n  macos: [10.0.0.0/8]\n", IMS_EPARSE, 2, 3,
                 "unknown key \"host-os-policy.macos\" (expected default, first, last, bsd, "
                 "linux, windows or solaris)");
    expect_error("host-os-policy:\n  default: vista\n", IMS_EINVAL, 2, 12,
                 "host-os-policy.default: unknown value \"vista\" (expected first, last, bsd, "
                 "linux, windows or solaris)");
    expect_error("host-os-policy:\n  default: [bsd]\n", IMS_EPARSE, 2, 12,
                 "host-os-policy.default: expected a name, got a sequence");
    expect_error("host-os-policy:\n  bsd: [10.0.0.0/8]\n  linux: [10.0.0.1/8]\n", IMS_EINVAL,
                 3, 11, "host-os-policy.linux: 10.0.0.0/8 is already listed under bsd");
    expect_error("host-os-policy:\n  bsd: [10.0.0.0/8]\n  bsd: [10.1.0.0/16]\n", IMS_EPARSE, 3,
                 3, "duplicate key \"host-os-policy.bsd\" (first at line 2)");
    expect_error("host-os-policy:\n  windows:\n    - 10.0.0.0/33\n", IMS_EINVAL, 3, 7,
                 "host-os-policy.windows: \"10.0.0.0/33\" is not a CIDR block (like 10.0.0.0/8 "
                 "or fc00::/7)");
    expect_error("host-os-policy:\n  windows: 10.0.0.0/8\n", IMS_EPARSE, 2, 12,
                 "host-os-policy.windows: expected a sequence of CIDR blocks, got a scalar");
    expect_error("host-os-policy: [bsd]\n", IMS_EPARSE, 1, 17,
                 "host-os-policy: expected a mapping, got a sequence");
    expect_error("stream:\n  depth: 2gb\n", IMS_EINVAL, 2, 10,
                 "stream.depth: 2gb is out of range (0..1073741824)");
    expect_error("stream:\n  midstream: maybe\n", IMS_EINVAL, 2, 14,
                 "stream.midstream: \"maybe\" is not a boolean (expected yes, no, true, false, "
                 "on or off)");
}
END_TEST

/* More blocks than LIM_HOST_POLICIES are refused at the first one too many. */
START_TEST(test_host_os_policy_limit)
{
    char text[4096];
    size_t n = 0;

    n += (size_t)snprintf(text + n, sizeof(text) - n, "host-os-policy:\n  bsd:\n");
    for (unsigned i = 0; i <= LIM_HOST_POLICIES; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "    - 10.%u.0.0/16\n", i);
    ck_assert_uint_lt(n, sizeof(text));
    expect_error(text, IMS_EINVAL, 3 + LIM_HOST_POLICIES, 7,
                 "host-os-policy: more than 64 networks");
}
END_TEST

START_TEST(test_policy_names)
{
    enum overlap_policy p;

    for (int i = OVERLAP_FIRST; i <= OVERLAP_SOLARIS; i++) {
        ck_assert_int_eq(overlap_policy_parse(overlap_policy_name((enum overlap_policy)i), &p), 0);
        ck_assert_int_eq(p, i);
    }
    ck_assert_str_eq(overlap_policy_name(OVERLAP_LINUX), "linux");
    ck_assert_int_eq(overlap_policy_parse("BSD", &p), 0);
    ck_assert_int_eq(p, OVERLAP_BSD);
    ck_assert_int_eq(overlap_policy_parse("vista", &p), IMS_EINVAL);
    ck_assert_int_eq(overlap_policy_parse("", &p), IMS_EINVAL);
    ck_assert_str_eq(overlap_policy_name((enum overlap_policy)42), "unknown");
    ck_assert_str_eq(csum_mode_name(CSUM_MODE_AUTO), "auto");
    ck_assert_str_eq(csum_mode_name(CSUM_MODE_NO), "no");
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_contrib_example_equals_defaults);
    tcase_add_test(tc, test_every_key_read);
    tcase_add_test(tc, test_partial_and_empty);
    tcase_add_test(tc, test_size_units);
    tcase_add_test(tc, test_structure_errors);
    tcase_add_test(tc, test_value_errors);
    tcase_add_test(tc, test_filename_length);
    tcase_add_test(tc, test_home_nets_limit);
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_io_errors);
    tcase_add_test(tc, test_file_size_limit);
    tcase_add_test(tc, test_man_page_lists_every_key);
    tcase_add_test(tc, test_cidr_parse);
    tcase_add_test(tc, test_cidr_contains);
    tcase_add_test(tc, test_home_default);
    tcase_add_test(tc, test_policy_names);
    tcase_add_test(tc, test_host_os_policy);
    tcase_add_test(tc, test_host_os_policy_limit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
