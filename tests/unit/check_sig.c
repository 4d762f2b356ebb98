/*
 * check_sig.c - unit tests of the signature engine (src/sig): strict
 * loading with file:line:col errors, Snort content semantics across every
 * chunk split, the automaton against a naive matcher on random input,
 * event matching, once-per-flow and login deduplication, thresholds,
 * suppression, the rate limit, alert metadata read back from eve.json, and
 * the shipped signatures/ directory.
 */
#include <check.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imsentry/app_event.h"
#include "imsentry/config.h"
#include "imsentry/output.h"
#include "imsentry/sig.h"
#include "imsentry/stats.h"
#include "imsentry/stream.h"

/* ---- helpers ---------------------------------------------------------- */

/* Loads YAML text, failing the test with the loader's message on error. */
static struct sig_engine *load_ok(const char *yaml)
{
    char err[512];
    struct sig_engine *se =
        sig_engine_load_buffer("test.yaml", yaml, strlen(yaml), err, sizeof(err));

    ck_assert_msg(se != NULL, "load failed: %s", err);
    return se;
}

/* Writes text to a temporary file (name into path, >= 64 bytes). */
static void write_temp(const char *text, char *path)
{
    FILE *f;
    int fd;

    snprintf(path, 64, "/tmp/check_sig_XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/*
 * Loads text from a file and expects failure with exactly
 * "<path>:<line>:<col>: " followed by a message containing msg.
 */
static void expect_error(const char *yaml, unsigned line, unsigned col, const char *msg)
{
    char path[64], err[512], want[128];
    struct sig_engine *se;

    write_temp(yaml, path);
    se = sig_engine_load(path, err, sizeof(err));
    unlink(path);
    ck_assert_msg(se == NULL, "loaded, expected error \"%s\"", msg);
    snprintf(want, sizeof(want), "%s:%u:%u: ", path, line, col);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\", want prefix \"%s\"", err,
                  want);
    ck_assert_msg(strstr(err, msg) != NULL, "got \"%s\", want \"%s\"", err, msg);
}

/* A TCP flow 10.0.0.1:40000 -> 192.0.2.10:5190. */
static void make_flow(struct flow *f, uint8_t proto)
{
    memset(f, 0, sizeof(*f));
    f->proto = proto;
    f->cli_ip.family = 4;
    memcpy(f->cli_ip.a, "\x0a\x00\x00\x01", 4);
    f->srv_ip.family = 4;
    memcpy(f->srv_ip.a, "\xc0\x00\x02\x0a", 4);
    f->cli_port = 40000;
    f->srv_port = 5190;
    f->flow_id = 1234;
    f->last_us = 1018958400000000; /* 2002-04-16T12:00:00Z */
}

/* Alert counts per sid collected from sig_ctx_alert_counts. */
struct counts {
    uint32_t sid[64]; /* ids */
    uint64_t n[64];   /* alerts */
    unsigned used;    /* entries */
};

static void count_cb(void *user, uint32_t sid, const char *msg, uint64_t n)
{
    struct counts *c = user;

    (void)msg;
    ck_assert_uint_lt(c->used, 64);
    c->sid[c->used] = sid;
    c->n[c->used++] = n;
}

/* Alerts of sid written so far by sc. */
static uint64_t alerts_of(const struct sig_ctx *sc, uint32_t sid)
{
    struct counts c;

    memset(&c, 0, sizeof(c));
    sig_ctx_alert_counts(sc, count_cb, &c);
    for (unsigned i = 0; i < c.used; i++)
        if (c.sid[i] == sid)
            return c.n[i];
    return 0;
}

/* Default settings with no rate limit and no suppression. */
static void test_config(struct config *cfg)
{
    config_defaults(cfg);
    cfg->alerts_max_per_second = 0;
}

/* ---- loader errors ------------------------------------------------------ */

/* A valid signature with one line replaced: used to place errors at known lines. */
#define SIG_HEAD                                                                                   \
    "signatures:\n"                        /* 1 */                                                 \
    "  - id: 9100001\n"                    /* 2 */                                                 \
    "    rev: 1\n"                         /* 3 */                                                 \
    "    msg: \"test\"\n"                  /* 4 */                                                 \
    "    category: \"Policy Violation\"\n" /* 5 */

START_TEST(test_load_valid)
{
    struct sig_engine *se = load_ok(SIG_HEAD "    severity: 2\n"
                                             "    services: [aim]\n"
                                             "    risks: [policy-violation]\n"
                                             "    references: [\"seed:004\"]\n"
                                             "    countermeasure: \"Block 5190\"\n"
                                             "    match:\n"
                                             "      transport: tcp\n"
                                             "      direction: to_server\n"
                                             "      app_proto: [aim, icq]\n"
                                             "      event: login\n"
                                             "      facts: {password_form: roasted,\n"
                                             "              login_outcome: [success, unknown],\n"
                                             "              username: present}\n"
                                             "      tunnel: any\n"
                                             "      ports: [5190, \"5190-5193\"]\n"
                                             "    threshold: {type: limit, track: by_src, "
                                             "count: 1, seconds: 60}\n"
                                             "  - id: 9100002\n"
                                             "    rev: 3\n"
                                             "    msg: \"FLAP\"\n"
                                             "    category: \"Policy Violation\"\n"
                                             "    severity: 4\n"
                                             "    match:\n"
                                             "      content:\n"
                                             "        - {pattern: \"|2A 01|\", depth: 2}\n"
                                             "        - {pattern: \"abc\", distance: 4, "
                                             "within: 10, nocase: yes}\n");

    ck_assert_uint_eq(sig_engine_count(se), 2);
    ck_assert_str_eq(sig_engine_msg(se, 9100002), "FLAP");
    ck_assert_ptr_null(sig_engine_msg(se, 1));
    sig_engine_free(se);

    /* empty file and an empty list load with no signatures */
    se = load_ok("");
    ck_assert_uint_eq(sig_engine_count(se), 0);
    sig_engine_free(se);
    se = load_ok("signatures: []\n");
    ck_assert_uint_eq(sig_engine_count(se), 0);
    sig_engine_free(se);
}
END_TEST

START_TEST(test_load_errors)
{
    /* unknown key */
    expect_error(SIG_HEAD "    severity: 1\n    colour: red\n    match: {event: login}\n", 7, 5,
                 "unknown key \"colour\"");
    /* missing required key: reported at the signature's mapping */
    expect_error("signatures:\n  - id: 1\n    rev: 1\n    msg: m\n    category: c\n"
                 "    match: {event: login}\n",
                 2, 5, "missing required key \"severity\"");
    expect_error("signatures:\n  - id: 1\n    rev: 1\n    msg: m\n    category: c\n"
                 "    severity: 1\n",
                 2, 5, "missing required key \"match\"");
    /* wrong types */
    expect_error(SIG_HEAD "    severity: [1]\n    match: {event: login}\n", 6, 15,
                 "expected a scalar");
    expect_error(SIG_HEAD "    severity: high\n    match: {event: login}\n", 6, 15,
                 "not an integer");
    expect_error(SIG_HEAD "    severity: 1\n    match: [login]\n", 7, 12, "expected a mapping");
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login}\n    services: {a: b}\n", 8,
                 15, "expected a value or a sequence");
    /* bad severity */
    expect_error(SIG_HEAD "    severity: 5\n    match: {event: login}\n", 6, 15,
                 "out of range (1..4)");
    /* duplicate key */
    expect_error(SIG_HEAD "    severity: 1\n    severity: 2\n    match: {event: login}\n", 7, 5,
                 "duplicate key \"severity\"");
    /* duplicate ids across signatures: the second one, naming the first */
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login}\n"
                          "  - id: 9100001\n    rev: 1\n    msg: m\n    category: c\n"
                          "    severity: 1\n    match: {event: login}\n",
                 8, 9, "duplicate id 9100001");
    /* unknown names */
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: logon}\n", 7, 20,
                 "unknown event \"logon\"");
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login, app_proto: [aim, aol]}\n", 7,
                 44, "unknown protocol \"aol\"");
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login, app_proto: any}\n", 7, 38,
                 "unknown protocol \"any\"");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      event: login\n"
                          "      facts: {pasword: present}\n",
                 9, 15, "unknown fact \"pasword\"");
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login, direction: inbound}\n", 7, 38,
                 "unknown value \"inbound\"");
    /* content and event together, and neither */
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      event: login\n"
                          "      content: [{pattern: a}]\n",
                 9, 7, "exclude each other");
    expect_error(SIG_HEAD "    severity: 1\n    match: {transport: tcp}\n", 7, 12,
                 "needs \"event\"");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      facts: {username: present}\n"
                          "      content: [{pattern: a}]\n",
                 8, 7, "\"facts\" need an \"event\"");
    /* bad patterns */
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - pattern: \"|2A 0|\"\n",
                 9, 20, "odd number of hex digits");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - pattern: \"ab|2A\"\n",
                 9, 20, "unterminated |hex| block");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - pattern: \"|zz|\"\n",
                 9, 20, "bad hex digit");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - pattern: \"\"\n",
                 9, 20, "empty pattern");
    /* inconsistent offsets */
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - {pattern: abcd, depth: 3}\n",
                 9, 27, "depth 3 is shorter than the pattern");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - {pattern: ab}\n"
                          "        - {pattern: abcd, within: 2}\n",
                 10, 27, "within 2 is shorter");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - {pattern: ab, distance: 1}\n",
                 9, 25, "first content");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - {pattern: ab}\n"
                          "        - {pattern: cd, depth: 5, distance: 1}\n",
                 10, 35, "cannot be combined");
    expect_error(SIG_HEAD "    severity: 1\n    match:\n      content:\n"
                          "        - {pattern: ab, offset: -1}\n",
                 9, 33, "out of range");
    /* threshold */
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login}\n"
                          "    threshold: {type: limit, track: by_src, count: 1}\n",
                 8, 16, "missing key \"seconds\"");
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login}\n"
                          "    threshold: {type: sometimes, track: by_src, count: 1, seconds: 1}\n",
                 8, 23, "unknown value \"sometimes\"");
    /* ports */
    expect_error(SIG_HEAD "    severity: 1\n    match: {event: login, ports: [\"6000-5000\"]}\n", 7,
                 35, "not a port or range");
    /* structure */
    expect_error("rules: []\n", 1, 1, "unknown key \"rules\"");
    expect_error("signatures: {a: 1}\n", 1, 13, "expected a sequence");
    expect_error("signatures:\n  - {id: &x 1, rev: *x}\n", 2, 21, "aliases");
    expect_error("signatures: [\n", 2, 1, "");
    expect_error("a: 1\n---\nb: 2\n", 1, 1, "unknown key");
}
END_TEST

/* Errors across files name the second file; a directory loads in name order. */
START_TEST(test_load_directory)
{
    char dir[64] = "/tmp/check_sig_dir_XXXXXX", p1[128], p2[128], p3[128], err[512];
    struct sig_engine *se;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(p1, sizeof(p1), "%s/a.yaml", dir);
    snprintf(p2, sizeof(p2), "%s/b.yml", dir);
    snprintf(p3, sizeof(p3), "%s/notes.txt", dir);
    f = fopen(p1, "w");
    fputs(SIG_HEAD "    severity: 1\n    match: {event: login}\n", f);
    fclose(f);
    f = fopen(p3, "w");
    fputs("not yaml: [", f);
    fclose(f);
    se = sig_engine_load(dir, err, sizeof(err));
    ck_assert_msg(se != NULL, "%s", err);
    ck_assert_uint_eq(sig_engine_count(se), 1);
    sig_engine_free(se);

    f = fopen(p2, "w");
    fputs("signatures:\n  - {id: 9100001, rev: 1, msg: x, category: c, severity: 1,\n"
          "     match: {event: presence}}\n",
          f);
    fclose(f);
    se = sig_engine_load(dir, err, sizeof(err));
    ck_assert_ptr_null(se);
    ck_assert_msg(strstr(err, "b.yml:2:10: duplicate id 9100001 (first at ") != NULL, "%s", err);
    ck_assert_msg(strstr(err, "a.yaml:2)") != NULL, "%s", err);
    unlink(p1);
    unlink(p2);
    unlink(p3);
    rmdir(dir);

    se = sig_engine_load("/nonexistent/sigs", err, sizeof(err));
    ck_assert_ptr_null(se);
    ck_assert_msg(strstr(err, "/nonexistent/sigs: cannot open") != NULL, "%s", err);
}
END_TEST

/* ---- content semantics -------------------------------------------------- */

/* One content signature per test, id 1. */
static struct sig_engine *content_sig(const char *contents)
{
    char yaml[2048];

    snprintf(yaml, sizeof(yaml),
             "signatures:\n  - id: 1\n    rev: 1\n    msg: m\n    category: c\n"
             "    severity: 1\n    match:\n      content:\n%s",
             contents);
    return load_ok(yaml);
}

/*
 * Feeds data to a fresh TCP flow as two chunks split at k (and again as one
 * byte per chunk when k == len) and returns the alerts of signature 1.
 */
static uint64_t run_split(const struct sig_engine *se, const void *data, size_t len, size_t k)
{
    struct config cfg;
    struct sig_ctx *sc;
    struct flow f;
    uint64_t n;

    test_config(&cfg);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    ck_assert_ptr_nonnull(sc);
    make_flow(&f, 6);
    if (k == len + 1) {
        for (size_t i = 0; i < len; i++)
            sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, (const uint8_t *)data + i, 1, 0, NULL);
    } else {
        sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, data, k, 0, NULL);
        sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, (const uint8_t *)data + k, len - k, 0,
                   NULL);
    }
    n = alerts_of(sc, 1);
    sig_flow_end(sc, &f);
    ck_assert_uint_eq(sig_ctx_memuse(sc), 0);
    sig_ctx_free(sc);
    return n;
}

/* Asserts the outcome is want at every split point and byte by byte. */
static void expect_stream(const char *contents, const char *data, size_t len, bool want)
{
    struct sig_engine *se = content_sig(contents);

    for (size_t k = 0; k <= len + 1; k++)
        ck_assert_msg(run_split(se, data, len, k) == (want ? 1 : 0),
                      "contents %s data \"%.*s\" split %zu: want %d", contents, (int)len, data, k,
                      want);
    sig_engine_free(se);
}

#define EXPECT(contents, data, want) expect_stream(contents, data, sizeof(data) - 1, want)

START_TEST(test_content_semantics)
{
    /* plain and hex */
    EXPECT("        - pattern: \"USER|20|x\"\n", "xxUSER x", true);
    EXPECT("        - pattern: \"USER |20|x\"\n", "xxUSER x", false); /* two spaces */
    EXPECT("        - pattern: \"|2A 01|\"\n", "\x2a\x01", true);
    EXPECT("        - pattern: \"|2A01|\"\n", "\x2a\x02", false);
    /* case */
    EXPECT("        - pattern: \"USER\"\n", "user", false);
    EXPECT("        - {pattern: \"USER\", nocase: yes}\n", "uSeR", true);
    EXPECT("        - {pattern: \"|41|b\", nocase: true}\n", "aB", true);
    /* offset / depth: start >= offset, end <= offset + depth */
    EXPECT("        - {pattern: abc, offset: 2}\n", "xabc", false);
    EXPECT("        - {pattern: abc, offset: 2}\n", "xxabc", true);
    EXPECT("        - {pattern: abc, depth: 3}\n", "abc", true);
    EXPECT("        - {pattern: abc, depth: 3}\n", "xabc", false);
    EXPECT("        - {pattern: abc, offset: 1, depth: 3}\n", "xabc", true);
    EXPECT("        - {pattern: abc, offset: 1, depth: 4}\n", "xxabcabc", true);
    EXPECT("        - {pattern: abc, offset: 1, depth: 3}\n", "xxabc", false);
    /* a second occurrence inside the window counts */
    EXPECT("        - {pattern: ab, offset: 2, depth: 4}\n", "abxxab", true);
    /* distance / within relative to the previous match end */
    EXPECT("        - pattern: ab\n        - {pattern: cd, distance: 2}\n", "abxxcd", true);
    EXPECT("        - pattern: ab\n        - {pattern: cd, distance: 3}\n", "abxxcd", false);
    EXPECT("        - pattern: ab\n        - {pattern: cd, within: 4}\n", "abxxcd", true);
    EXPECT("        - pattern: ab\n        - {pattern: cd, within: 3}\n", "abxxcd", false);
    EXPECT("        - pattern: ab\n        - {pattern: cd, distance: 1, within: 3}\n", "abxxcd",
           true);
    EXPECT("        - pattern: ab\n        - {pattern: cd, distance: 1, within: 2}\n", "abxxcd",
           false);
    /* negative distance: cd may start before ab ends */
    EXPECT("        - pattern: abc\n        - {pattern: bc, distance: -2, within: 2}\n", "abc",
           true);
    /* backtracking: the first ab is too far from cd, the second is close enough */
    EXPECT("        - pattern: ab\n        - {pattern: cd, within: 3}\n", "abxxxxabxcd", true);
    /* order: a relative content must follow */
    EXPECT("        - pattern: cd\n        - {pattern: ab, distance: 0}\n", "abcd", false);
    /* absolute contents are independent of one another (Snort) */
    EXPECT("        - pattern: cd\n        - pattern: ab\n", "abcd", true);
    /* the fast (longest) pattern last in the chain, shorter one first */
    EXPECT("        - {pattern: x, depth: 1}\n        - {pattern: longer, distance: 0}\n",
           "xlonger", true);
    EXPECT("        - {pattern: x, depth: 1}\n        - {pattern: longer, distance: 0}\n",
           "ylonger", false);
    /* three contents with a chain */
    EXPECT("        - {pattern: \"GET \", depth: 4}\n        - {pattern: \"aim:\", distance: 0}\n"
           "        - {pattern: \"AddGame\", distance: 0, within: 8, nocase: yes}\n",
           "GET /x?aim:addgame?", true);
    EXPECT("        - {pattern: \"GET \", depth: 4}\n        - {pattern: \"aim:\", distance: 0}\n"
           "        - {pattern: \"AddGame\", distance: 0, within: 8}\n",
           "GET /x?aim:xxxxAddGame?", false);
}
END_TEST

/* A gap resets partial matches; offsets continue after it. */
START_TEST(test_content_gap_tunnel_udp)
{
    struct sig_engine *se = content_sig("        - {pattern: abcd, offset: 6, depth: 4}\n");
    struct sig_tunnel tun = {"socks", "login.icq.com:5190"};
    struct config cfg;
    struct sig_ctx *sc;
    struct flow f;

    test_config(&cfg);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    /* "ab" + gap of 2 + "cd": no match across the gap */
    make_flow(&f, 6);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, (const uint8_t *)"xxxxab", 6, 0, NULL);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, NULL, 2, STREAM_DATA_GAP, NULL);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, (const uint8_t *)"cd", 2, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 0);
    sig_flow_end(sc, &f);
    /* gap of 6, then abcd at offset 6: offsets continued after the gap */
    make_flow(&f, 6);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, NULL, 6, STREAM_DATA_GAP, NULL);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, (const uint8_t *)"abcd", 4, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 1);
    sig_flow_end(sc, &f);
    /* the other direction has its own offsets */
    make_flow(&f, 6);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_AIM, (const uint8_t *)"xxxxxx", 6, 0, NULL);
    sig_stream(sc, &f, FLOW_TOCLIENT, APP_PROTO_AIM, (const uint8_t *)"abcd", 4, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 1);
    /* inside a tunnel, offsets restart at the tunnel's first byte */
    sig_stream(sc, &f, FLOW_TOCLIENT, APP_PROTO_AIM, (const uint8_t *)"123456", 6, 0, &tun);
    sig_stream(sc, &f, FLOW_TOCLIENT, APP_PROTO_AIM, (const uint8_t *)"abcd", 4, 0, &tun);
    ck_assert_uint_eq(alerts_of(sc, 1), 2);
    sig_flow_end(sc, &f);
    /* UDP: each datagram on its own */
    make_flow(&f, 17);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_ICQ, (const uint8_t *)"xxxxxx", 6, 0, NULL);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_ICQ, (const uint8_t *)"abcd", 4, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 2);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_ICQ, (const uint8_t *)"xxxxxxabcd", 10, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 3);
    /* once per flow */
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_ICQ, (const uint8_t *)"xxxxxxabcd", 10, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 3);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

/* ---- property test: automaton + verification vs a naive matcher -------- */

/* Deterministic generator (xorshift32). */
static uint32_t rnd_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* A random content as the test sees it. */
struct tc {
    char pat[8];      /* pattern */
    unsigned len;     /* its length */
    bool nocase;      /* nocase */
    bool rel;         /* relative */
    int off, dep;     /* offset, depth (dep 0 = none) */
    int dist, within; /* distance, within (within 0 = none) */
};

struct tsig {
    struct tc c[3]; /* contents */
    unsigned n;     /* count */
};

static bool tc_at(const struct tc *c, const uint8_t *d, size_t len, long s)
{
    if (s < 0 || (size_t)s + c->len > len)
        return false;
    for (unsigned i = 0; i < c->len; i++) {
        uint8_t a = d[s + i], b = (uint8_t)c->pat[i];

        if (c->nocase) {
            a = (uint8_t)((a >= 'A' && a <= 'Z') ? a + 32 : a);
            b = (uint8_t)((b >= 'A' && b <= 'Z') ? b + 32 : b);
        }
        if (a != b)
            return false;
    }
    return true;
}

/* Naive Snort semantics over the whole stream: does contents i.. match after prev_end? */
static bool naive(const struct tsig *t, unsigned i, long prev_end, const uint8_t *d, size_t len)
{
    const struct tc *c;
    long lo, hi;

    if (i == t->n)
        return true;
    c = &t->c[i];
    if (c->rel) {
        lo = prev_end + c->dist;
        hi = c->within ? lo + c->within - (long)c->len : (long)len - (long)c->len;
    } else {
        lo = c->off;
        hi = c->dep ? c->off + c->dep - (long)c->len : (long)len - (long)c->len;
    }
    if (lo < 0)
        lo = 0;
    for (long s = lo; s <= hi; s++)
        if (tc_at(c, d, len, s) && naive(t, i + 1, s + (long)c->len, d, len))
            return true;
    return false;
}

START_TEST(test_prefilter_property)
{
    static const char alpha[] = "abAB";
    uint32_t seed = 0x5eed1234u;

    for (unsigned round = 0; round < 60; round++) {
        struct tsig sigs[24];
        char *yaml = malloc(65536);
        size_t n = 0;
        struct sig_engine *se;
        struct config cfg;
        struct sig_ctx *sc;
        struct flow f;
        uint8_t data[400];
        size_t len = rnd_next(&seed) % sizeof(data);

        n += (size_t)snprintf(yaml + n, 65536 - n, "signatures:\n");
        for (unsigned k = 0; k < 24; k++) {
            struct tsig *t = &sigs[k];

            t->n = 1 + rnd_next(&seed) % 3;
            n += (size_t)snprintf(yaml + n, 65536 - n,
                                  "  - {id: %u, rev: 1, msg: m, category: c, severity: 1, "
                                  "match: {content: [",
                                  k + 1);
            for (unsigned i = 0; i < t->n; i++) {
                struct tc *c = &t->c[i];

                memset(c, 0, sizeof(*c));
                c->len = 1 + rnd_next(&seed) % 4;
                for (unsigned j = 0; j < c->len; j++)
                    c->pat[j] = alpha[rnd_next(&seed) % 4];
                c->nocase = rnd_next(&seed) % 2;
                c->rel = i > 0 && rnd_next(&seed) % 2;
                n += (size_t)snprintf(yaml + n, 65536 - n, "%s{pattern: \"%s\", nocase: %s",
                                      i ? ", " : "", c->pat, c->nocase ? "yes" : "no");
                if (c->rel) {
                    c->dist = (int)(rnd_next(&seed) % 9) - 3;
                    if (rnd_next(&seed) % 2)
                        c->within = (int)c->len + (int)(rnd_next(&seed) % 8);
                    n += (size_t)snprintf(yaml + n, 65536 - n, ", distance: %d", c->dist);
                    if (c->within)
                        n += (size_t)snprintf(yaml + n, 65536 - n, ", within: %d", c->within);
                } else if (rnd_next(&seed) % 2) {
                    c->off = (int)(rnd_next(&seed) % 50);
                    c->dep = (int)c->len + (int)(rnd_next(&seed) % 60);
                    n += (size_t)snprintf(yaml + n, 65536 - n, ", offset: %d, depth: %d", c->off,
                                          c->dep);
                }
                n += (size_t)snprintf(yaml + n, 65536 - n, "}");
            }
            n += (size_t)snprintf(yaml + n, 65536 - n, "]}}\n");
        }
        ck_assert_uint_lt(n, 65536);
        se = load_ok(yaml);
        free(yaml);
        for (size_t i = 0; i < len; i++)
            data[i] = (uint8_t) "abABc"[rnd_next(&seed) % 5];

        test_config(&cfg);
        sc = sig_ctx_new(se, &cfg, NULL, NULL);
        make_flow(&f, 6);
        /* random chunking */
        for (size_t pos = 0; pos < len;) {
            size_t c = 1 + rnd_next(&seed) % 37;

            if (c > len - pos)
                c = len - pos;
            sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_HTTP, data + pos, c, 0, NULL);
            pos += c;
        }
        for (unsigned k = 0; k < 24; k++) {
            bool want = naive(&sigs[k], 0, 0, data, len);

            ck_assert_msg(alerts_of(sc, k + 1) == (want ? 1u : 0u),
                          "round %u sig %u: want %d got %llu", round, k + 1, want,
                          (unsigned long long)alerts_of(sc, k + 1));
        }
        sig_flow_end(sc, &f);
        sig_ctx_free(sc);
        sig_engine_free(se);
    }
}
END_TEST

/* ---- events ------------------------------------------------------------- */

static const char event_sigs[] =
    "signatures:\n"
    "  - id: 10\n    rev: 1\n    msg: roasted login\n    category: Credential Exposure\n"
    "    severity: 1\n    services: [icq]\n"
    "    match:\n      event: login\n      app_proto: [icq, aim]\n      direction: to_server\n"
    "      facts: {password_form: roasted, login_outcome: [success, unknown],\n"
    "              username: present}\n"
    "  - id: 11\n    rev: 1\n    msg: any login via socks\n    category: Tunnel\n"
    "    severity: 2\n    match: {event: login, tunnel: socks}\n"
    "  - id: 12\n    rev: 1\n    msg: presence untunnelled udp\n    category: Policy Violation\n"
    "    severity: 3\n    match: {event: presence, tunnel: none, transport: udp}\n"
    "  - id: 13\n    rev: 1\n    msg: file on other port\n    category: File Sharing\n"
    "    severity: 3\n    match: {event: file_transfer, ports: [\"6000-6010\", 80]}\n"
    "  - id: 14\n    rev: 1\n    msg: presence tunneled to_client\n    category: Tunnel\n"
    "    severity: 3\n    match: {event: presence, tunnel: tunneled, direction: to_client}\n";

/* An ICQ login event with the given facts. */
static void login_event(struct app_event *ev, const char *user, const char *pw, const char *form,
                        const char *outcome)
{
    app_event_init(ev, APP_EVENT_LOGIN, APP_PROTO_ICQ, FLOW_TOSERVER);
    ev->ts_us = 1018958400000000;
    app_event_add_str(ev, APP_FACT_SERVICE, "icq");
    app_event_add_str(ev, APP_FACT_USERNAME, user);
    if (pw)
        app_event_add_str(ev, APP_FACT_PASSWORD, pw);
    app_event_add_str(ev, APP_FACT_PASSWORD_FORM, form);
    app_event_add_str(ev, APP_FACT_LOGIN_OUTCOME, outcome);
}

START_TEST(test_event_matching)
{
    struct sig_engine *se = load_ok(event_sigs);
    struct sig_tunnel socks = {"socks", "login.icq.com:5190"};
    struct sig_tunnel http = {"http-proxy", "x:1"};
    struct app_event ev;
    struct config cfg;
    struct sig_ctx *sc;
    struct flow f;

    test_config(&cfg);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    make_flow(&f, 6);

    /* facts: a value outside the list does not match */
    login_event(&ev, "1234567", "secret", "roasted", "failure");
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 0);
    /* wrong form */
    login_event(&ev, "1234567", "secret", "cleartext", "success");
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 0);
    /* username "present" required */
    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_ICQ, FLOW_TOSERVER);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "roasted");
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, "success");
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 0);
    /* direction */
    login_event(&ev, "1234567", "secret", "roasted", "success");
    ev.dir = FLOW_TOCLIENT;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 0);
    /* app_proto */
    login_event(&ev, "1234567", "secret", "roasted", "success");
    ev.proto = APP_PROTO_MSN;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 0);
    /* everything right */
    login_event(&ev, "1234567", "secret", "roasted", "success");
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 1);
    ck_assert_uint_eq(alerts_of(sc, 11), 0);
    ck_assert(f.alerted);
    /* unknown outcome is in the list; tunnel socks given by the caller */
    login_event(&ev, "7654321", "secret", "roasted", "unknown");
    sig_event(sc, &f, &ev, &socks);
    ck_assert_uint_eq(alerts_of(sc, 10), 2);
    ck_assert_uint_eq(alerts_of(sc, 11), 1);
    /* http-proxy is not socks */
    login_event(&ev, "1111111", "secret", "roasted", "unknown");
    sig_event(sc, &f, &ev, &http);
    ck_assert_uint_eq(alerts_of(sc, 11), 1);
    /* the event's own tunnel fact counts when no tunnel is given */
    login_event(&ev, "2222222", "secret", "roasted", "unknown");
    app_event_add_str(&ev, APP_FACT_TUNNEL, "socks");
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 11), 2);
    sig_flow_end(sc, &f);

    /* transport udp, tunnel none */
    make_flow(&f, 6);
    app_event_init(&ev, APP_EVENT_PRESENCE, APP_PROTO_ICQ, FLOW_TOSERVER);
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 12), 0);
    sig_flow_end(sc, &f);
    make_flow(&f, 17);
    sig_event(sc, &f, &ev, &socks);
    ck_assert_uint_eq(alerts_of(sc, 12), 0);
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 12), 1);
    /* once per flow */
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 12), 1);
    /* tunneled + to_client */
    sig_event(sc, &f, &ev, &http);
    ck_assert_uint_eq(alerts_of(sc, 14), 0);
    ev.dir = FLOW_TOCLIENT;
    sig_event(sc, &f, &ev, &http);
    ck_assert_uint_eq(alerts_of(sc, 14), 1);
    sig_flow_end(sc, &f);

    /* ports: either endpoint, ranges */
    make_flow(&f, 6);
    app_event_init(&ev, APP_EVENT_FILE_TRANSFER, APP_PROTO_AIM, FLOW_TOSERVER);
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 13), 0);
    f.srv_port = 6005;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 13), 1);
    sig_flow_end(sc, &f);
    make_flow(&f, 6);
    f.cli_port = 80;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 13), 2);
    sig_flow_end(sc, &f);

    ck_assert_uint_eq(sig_ctx_memuse(sc), 0);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

/* LOGIN: once per attempt; identical repeats in a flow deduplicated. */
START_TEST(test_login_dedup)
{
    struct sig_engine *se = load_ok(event_sigs);
    struct app_event ev;
    struct config cfg;
    struct stats st;
    struct sig_ctx *sc;
    struct flow f;

    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    sc = sig_ctx_new(se, &cfg, &st, NULL);
    make_flow(&f, 6);
    login_event(&ev, "1234567", "secret", "roasted", "success");
    sig_event(sc, &f, &ev, NULL);
    sig_event(sc, &f, &ev, NULL); /* identical repeat */
    ck_assert_uint_eq(alerts_of(sc, 10), 1);
    ck_assert_uint_eq(st.v[STAT_DETECT_SIG_LOGIN_REPEATS], 1);
    login_event(&ev, "1234567", "other", "roasted", "success"); /* another password */
    sig_event(sc, &f, &ev, NULL);
    login_event(&ev, "1234567", "secret", "roasted", "unknown"); /* another outcome */
    sig_event(sc, &f, &ev, NULL);
    login_event(&ev, "7777777", "secret", "roasted", "success"); /* another user */
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 4);
    sig_flow_end(sc, &f);
    /* the same attempt on another flow alerts again */
    make_flow(&f, 6);
    login_event(&ev, "1234567", "secret", "roasted", "success");
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 10), 5);
    ck_assert_uint_eq(st.v[STAT_DETECT_ALERT], 5);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

/* ---- thresholds, suppression, rate limit --------------------------------- */

/* A presence signature with a threshold. */
static struct sig_engine *thr_sig(const char *type, const char *track, unsigned count,
                                  unsigned seconds)
{
    char yaml[512];

    snprintf(yaml, sizeof(yaml),
             "signatures:\n  - {id: 20, rev: 1, msg: m, category: c, severity: 1,\n"
             "     match: {event: message},\n"
             "     threshold: {type: %s, track: %s, count: %u, seconds: %u}}\n",
             type, track, count, seconds);
    return load_ok(yaml);
}

/* Sends one MESSAGE event at time t seconds (from client cli, last octet) and returns the total. */
static uint64_t thr_hit(struct sig_ctx *sc, struct flow *f, uint8_t cli, int64_t t)
{
    struct app_event ev;

    f->cli_ip.a[3] = cli;
    app_event_init(&ev, APP_EVENT_MESSAGE, APP_PROTO_IRC, FLOW_TOSERVER);
    ev.ts_us = 1018958400000000 + t * 1000000;
    sig_event(sc, f, &ev, NULL);
    return alerts_of(sc, 20);
}

START_TEST(test_thresholds)
{
    struct config cfg;
    struct sig_engine *se;
    struct sig_ctx *sc;
    struct flow f;

    test_config(&cfg);
    make_flow(&f, 6);

    /* limit 2 per 60 s by_src: 2 alerts, then none until the period ends */
    se = thr_sig("limit", "by_src", 2, 60);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 0), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 1), 2);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 2), 2);
    ck_assert_uint_eq(thr_hit(sc, &f, 2, 3), 3); /* another source is tracked apart */
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 59), 3);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 60), 4); /* new period */
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    sig_engine_free(se);

    /* threshold 3 per 10 s: every 3rd match */
    se = thr_sig("threshold", "by_src", 3, 10);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 0), 0);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 1), 0);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 2), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 3), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 4), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 5), 2);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 11), 2); /* period over: count restarts */
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 12), 2);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 13), 3);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    sig_engine_free(se);

    /* both 2 per 10 s by_dst: one alert per period at the 2nd match */
    se = thr_sig("both", "by_dst", 2, 10);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    ck_assert_uint_eq(thr_hit(sc, &f, 1, 0), 0);
    ck_assert_uint_eq(thr_hit(sc, &f, 2, 1), 1); /* same destination, other source */
    ck_assert_uint_eq(thr_hit(sc, &f, 3, 2), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 3, 9), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 3, 10), 1);
    ck_assert_uint_eq(thr_hit(sc, &f, 3, 11), 2);
    f.srv_ip.a[3] = 99; /* another destination */
    ck_assert_uint_eq(thr_hit(sc, &f, 3, 12), 2);
    ck_assert_uint_eq(thr_hit(sc, &f, 3, 13), 3);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

START_TEST(test_suppress_and_rate)
{
    struct sig_engine *se = load_ok(
        "signatures:\n"
        "  - {id: 30, rev: 1, msg: m, category: c, severity: 1, match: {event: message}}\n"
        "  - {id: 31, rev: 1, msg: m, category: c, severity: 1, match: {event: message}}\n"
        "  - {id: 32, rev: 1, msg: m, category: c, severity: 1, match: {event: message}}\n");
    struct app_event ev;
    struct config cfg;
    struct stats st;
    struct sig_ctx *sc;
    struct flow f;

    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    /* 30 everywhere; 31 from 10.0.0.0/24; 32 to 192.0.2.99 only */
    cfg.suppress[0].sid = 30;
    cfg.suppress[0].track = ALERT_TRACK_ANY;
    cfg.suppress[1].sid = 31;
    cfg.suppress[1].track = ALERT_TRACK_SRC;
    ck_assert_int_eq(cidr_parse("10.0.0.0/24", &cfg.suppress[1].net), 0);
    cfg.suppress[2].sid = 32;
    cfg.suppress[2].track = ALERT_TRACK_DST;
    ck_assert_int_eq(cidr_parse("192.0.2.99/32", &cfg.suppress[2].net), 0);
    cfg.n_suppress = 3;
    sc = sig_ctx_new(se, &cfg, &st, NULL);
    make_flow(&f, 6);
    app_event_init(&ev, APP_EVENT_MESSAGE, APP_PROTO_IRC, FLOW_TOSERVER);
    ev.ts_us = 1;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 30), 0);
    ck_assert_uint_eq(alerts_of(sc, 31), 0);
    ck_assert_uint_eq(alerts_of(sc, 32), 1);
    ck_assert_uint_eq(st.v[STAT_DETECT_ALERTS_SUPPRESSED], 2);
    sig_flow_end(sc, &f);
    /* to_client: the source is now the server, 10.0.0.1 the destination */
    make_flow(&f, 6);
    ev.dir = FLOW_TOCLIENT;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 31), 1);
    ck_assert_uint_eq(alerts_of(sc, 32), 2);
    sig_flow_end(sc, &f);
    /* server 192.0.2.99 as destination suppresses 32 */
    make_flow(&f, 6);
    f.srv_ip.a[3] = 99;
    ev.dir = FLOW_TOSERVER;
    sig_event(sc, &f, &ev, NULL);
    ck_assert_uint_eq(alerts_of(sc, 32), 2);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);

    /* rate limit: 2 alerts per second of packet time */
    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    cfg.alerts_max_per_second = 2;
    sc = sig_ctx_new(se, &cfg, &st, NULL);
    for (unsigned i = 0; i < 3; i++) { /* 3 flows x 3 signatures in the same second */
        make_flow(&f, 6);
        f.flow_id = 100 + i;
        ev.ts_us = 5000000 + i;
        sig_event(sc, &f, &ev, NULL);
        sig_flow_end(sc, &f);
    }
    ck_assert_uint_eq(st.v[STAT_DETECT_ALERT], 2);
    ck_assert_uint_eq(st.v[STAT_DETECT_ALERTS_RATE_LIMITED], 7);
    make_flow(&f, 6);
    ev.ts_us = 6000000; /* next second */
    sig_event(sc, &f, &ev, NULL);
    sig_flow_end(sc, &f);
    ck_assert_uint_eq(st.v[STAT_DETECT_ALERT], 4);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

/* ---- alert metadata through the output ----------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Runs one login through a signature into eve.json with cfg and returns the alert's object. */
static json_t *alert_through_eve(struct config *cfg, const char *user, const char *pw,
                                 const struct sig_tunnel *tun)
{
    struct sig_engine *se =
        load_ok("signatures:\n"
                "  - id: 40\n    rev: 2\n    msg: \"IMSENTRY ICQ login\"\n"
                "    category: Credential Exposure\n    severity: 1\n    services: [icq, aim]\n"
                "    risks: [credential-theft, policy-violation]\n"
                "    countermeasure: \"Deny login.icq.com on TCP 5190\"\n"
                "    match: {event: login}\n");
    char dir[64] = "/tmp/check_sig_eve_XXXXXX", path[128], err[256], line[8192];
    struct app_event ev;
    struct sig_ctx *sc;
    struct eve *eve;
    json_t *o;
    struct flow f;
    FILE *fp;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    eve = eve_open(dir, cfg, NULL, err, sizeof(err));
    ck_assert_msg(eve != NULL, "%s", err);
    sc = sig_ctx_new(se, cfg, NULL, eve);
    make_flow(&f, 6);
    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_ICQ, FLOW_TOSERVER);
    ev.ts_us = 1018958400000500;
    app_event_add_str(&ev, APP_FACT_USERNAME, user);
    app_event_add_str(&ev, APP_FACT_PASSWORD, pw);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "roasted");
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, "success");
    sig_event(sc, &f, &ev, tun);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    eve_close(eve);
    sig_engine_free(se);

    snprintf(path, sizeof(path), "%s/eve.json", dir);
    fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
    fclose(fp);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    o = json_loads(line, 0, NULL);
    ck_assert_ptr_nonnull(o);
    return o;
}

/* The metadata array of key as one string "a,b" (values joined), or NULL. */
static char *meta_join(json_t *o, const char *key)
{
    json_t *arr = json_object_get(json_object_get(json_object_get(o, "alert"), "metadata"), key);
    static char buf[512];
    size_t n = 0, i;
    json_t *v;

    if (!arr)
        return NULL;
    buf[0] = '\0';
    json_array_foreach(arr, i, v)
    {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "", json_string_value(v));
    }
    return buf;
}

START_TEST(test_alert_metadata)
{
    struct sig_tunnel tun = {"socks", "login.icq.com:5190"};
    struct config cfg;
    json_t *o, *al;

    test_config(&cfg);
    o = alert_through_eve(&cfg, "1234567", "hunter2", &tun);
    ck_assert_str_eq(json_string_value(json_object_get(o, "event_type")), "alert");
    ck_assert_str_eq(json_string_value(json_object_get(o, "app_proto")), "icq");
    ck_assert_str_eq(json_string_value(json_object_get(o, "src_ip")), "10.0.0.1");
    ck_assert_str_eq(json_string_value(json_object_get(o, "direction")), "to_server");
    ck_assert_str_eq(json_string_value(json_object_get(o, "timestamp")),
                     "2002-04-16T12:00:00.000500+0000");
    al = json_object_get(o, "alert");
    ck_assert_int_eq(json_integer_value(json_object_get(al, "signature_id")), 40);
    ck_assert_int_eq(json_integer_value(json_object_get(al, "rev")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(al, "severity")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(al, "signature")), "IMSENTRY ICQ login");
    ck_assert_str_eq(json_string_value(json_object_get(al, "category")), "Credential Exposure");
    ck_assert_str_eq(meta_join(o, "username"), "1234567");
    ck_assert_str_eq(meta_join(o, "password"), "[redacted]");
    ck_assert_str_eq(meta_join(o, "password_form"), "roasted");
    ck_assert_str_eq(meta_join(o, "login_outcome"), "success");
    ck_assert_str_eq(meta_join(o, "service"), "icq,aim"); /* no service fact: the sig's */
    ck_assert_str_eq(meta_join(o, "risk"), "credential-theft,policy-violation");
    ck_assert_str_eq(meta_join(o, "countermeasure"), "Deny login.icq.com on TCP 5190");
    ck_assert_str_eq(meta_join(o, "tunnel"), "socks");
    ck_assert_str_eq(meta_join(o, "tunnel_target"), "login.icq.com:5190");
    json_decref(o);
}
END_TEST

/* credentials.password modes, and the password never inside another value. */
START_TEST(test_password_redaction)
{
    struct config cfg;
    json_t *o;

    /* redacted: another value holding the password has it cut out */
    test_config(&cfg);
    o = alert_through_eve(&cfg, "xhunter2yhunter2", "hunter2", NULL);
    ck_assert_str_eq(meta_join(o, "password"), "[redacted]");
    ck_assert_str_eq(meta_join(o, "username"), "x[redacted]y[redacted]");
    ck_assert_ptr_null(meta_join(o, "tunnel"));
    json_decref(o);

    /* passwords shorter than 3 bytes are not searched for */
    o = alert_through_eve(&cfg, "abc", "ab", NULL);
    ck_assert_str_eq(meta_join(o, "username"), "abc");
    json_decref(o);

    /* hmac: HMAC-SHA256("key", "hunter2"), first 16 bytes in hex */
    cfg.cred_password = CRED_PASSWORD_HMAC;
    snprintf(cfg.cred_hmac_key, sizeof(cfg.cred_hmac_key), "key");
    o = alert_through_eve(&cfg, "1234567", "hunter2", NULL);
    ck_assert_str_eq(meta_join(o, "password"),
                     "hmac-sha256:05d210d8af05129cb4bc04565faa72f9"); /* python3 hmac.new(b"key",
                                                                         b"hunter2", sha256) */
    json_decref(o);

    /* clear */
    cfg.cred_password = CRED_PASSWORD_CLEAR;
    o = alert_through_eve(&cfg, "1234567", "hunter2", NULL);
    ck_assert_str_eq(meta_join(o, "password"), "hunter2");
    json_decref(o);
}
END_TEST

/* After a client/server swap, per-direction state follows its bytes. */
START_TEST(test_flow_swap)
{
    struct sig_engine *se = content_sig("        - {pattern: abcd, depth: 4}\n");
    struct config cfg;
    struct sig_ctx *sc;
    struct flow f;

    test_config(&cfg);
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    make_flow(&f, 6);
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_UNKNOWN, (const uint8_t *)"ab", 2, 0, NULL);
    sig_flow_swap(&f); /* the sender of "ab" is now the server */
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_UNKNOWN, (const uint8_t *)"cd", 2, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 0);
    sig_stream(sc, &f, FLOW_TOCLIENT, APP_PROTO_UNKNOWN, (const uint8_t *)"cd", 2, 0, NULL);
    ck_assert_uint_eq(alerts_of(sc, 1), 1);
    sig_flow_end(sc, &f);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

/* The alerts: and credentials: config keys. */
START_TEST(test_config_keys)
{
    static const char good[] = "alerts:\n"
                               "  max-per-second: 0\n"
                               "  suppress:\n"
                               "    - {id: 9100001}\n"
                               "    - {id: 9100002, track: by_src, ip: 10.1.2.0/24}\n"
                               "    - {id: 9100003, track: by_dst, ip: \"2001:db8::/32\"}\n"
                               "credentials: {password: hmac, hmac-key: \"s3cret key\"}\n";
    struct {
        const char *yaml; /* document */
        const char *err;  /* expected message start */
    } bad[] = {
        {"alerts: {max-per-second: -1}\n", "c:1:26: alerts.max-per-second"},
        {"alerts: {suppress: [{id: 0}]}\n", "c:1:26: alerts.suppress.id"},
        {"alerts: {suppress: [{track: by_src, ip: 10.0.0.0/8}]}\n", "c:1:21: alerts.suppress: "
                                                                    "missing key \"id\""},
        {"alerts: {suppress: [{id: 1, track: by_src}]}\n", "c:1:21: alerts.suppress: \"track\""},
        {"alerts: {suppress: [{id: 1, track: by_port, ip: 10.0.0.0/8}]}\n",
         "c:1:36: alerts.suppress.track"},
        {"alerts: {suppress: [{id: 1, track: by_src, ip: 10.0.0.300/8}]}\n",
         "c:1:48: alerts.suppress.ip"},
        {"alerts: {suppress: [{id: 1, sid: 2}]}\n", "c:1:29: unknown key"},
        {"alerts: {suppress: {id: 1}}\n", "c:1:20: alerts.suppress: expected a sequence"},
        {"credentials: {password: hmac}\n", "c:1:14: credentials: password is hmac but"},
        {"credentials: {password: plain}\n", "c:1:25: credentials.password: unknown value"},
        {"credentials: [clear]\n", "c:1:14: credentials: expected a mapping"},
    };
    struct config cfg, def;
    char err[256];

    config_defaults(&def);
    ck_assert_uint_eq(def.alerts_max_per_second, LIM_ALERTS_PER_SECOND);
    ck_assert_uint_eq(def.n_suppress, 0);
    ck_assert_int_eq(def.cred_password, CRED_PASSWORD_REDACTED);
    ck_assert_str_eq(def.cred_hmac_key, "");
    cfg = def;
    ck_assert_msg(config_load_buffer(&cfg, "c", good, sizeof(good) - 1, err, sizeof(err)) == 0,
                  "%s", err);
    ck_assert_uint_eq(cfg.alerts_max_per_second, 0);
    ck_assert_uint_eq(cfg.n_suppress, 3);
    ck_assert_uint_eq(cfg.suppress[0].sid, 9100001);
    ck_assert_int_eq(cfg.suppress[0].track, ALERT_TRACK_ANY);
    ck_assert_int_eq(cfg.suppress[1].track, ALERT_TRACK_SRC);
    ck_assert_uint_eq(cfg.suppress[1].net.prefix, 24);
    ck_assert_int_eq(cfg.suppress[2].track, ALERT_TRACK_DST);
    ck_assert_uint_eq(cfg.suppress[2].net.family, 6);
    ck_assert_int_eq(cfg.cred_password, CRED_PASSWORD_HMAC);
    ck_assert_str_eq(cfg.cred_hmac_key, "s3cret key");
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cfg = def;
        ck_assert_int_ne(
            config_load_buffer(&cfg, "c", bad[i].yaml, strlen(bad[i].yaml), err, sizeof(err)), 0);
        ck_assert_msg(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "%s: got \"%s\"",
                      bad[i].yaml, err);
    }
}
END_TEST

/* ---- shipped signatures -------------------------------------------------- */

START_TEST(test_shipped_signatures_load)
{
    char err[512];
    struct sig_engine *se = sig_engine_load(IMSENTRY_SOURCE_DIR "/signatures", err, sizeof(err));

    ck_assert_msg(se != NULL, "signatures/: %s", err);
    sig_engine_free(se);
}
END_TEST

static Suite *sig_suite(void)
{
    Suite *s = suite_create("sig");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_load_valid);
    tcase_add_test(tc, test_load_errors);
    tcase_add_test(tc, test_load_directory);
    tcase_add_test(tc, test_content_semantics);
    tcase_add_test(tc, test_content_gap_tunnel_udp);
    tcase_add_test(tc, test_prefilter_property);
    tcase_add_test(tc, test_event_matching);
    tcase_add_test(tc, test_login_dedup);
    tcase_add_test(tc, test_thresholds);
    tcase_add_test(tc, test_suppress_and_rate);
    tcase_add_test(tc, test_alert_metadata);
    tcase_add_test(tc, test_password_redaction);
    tcase_add_test(tc, test_flow_swap);
    tcase_add_test(tc, test_config_keys);
    tcase_add_test(tc, test_shipped_signatures_load);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sig_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
