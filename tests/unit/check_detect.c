/*
 * check_detect.c - the app-layer framework (src/detect/detect*.c,
 * app_event.c): probing order, claims, replay in arrival order, gaps,
 * probe-buffer bounds, re-orientation, tunnels, HTTP dispatch, internal
 * addresses, brute force, and the test driver itself.  Fake detectors
 * defined here are run through det_test_new_table().
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_http.h"
#include "detect/detector.h"
#include "imsentry/detect_test.h"
#include "imsentry/stream.h"

/* ---- fake detectors ---- */

/* "ECHO": claims a direction starting with "ECHO"; records what parse() saw. */
struct echo_state {
    char seen[256]; /* "<dir><bytes>|" per parse call; gaps as "<dir>#<len>|" */
    size_t n;       /* bytes used */
    int finished;   /* finish() calls */
};

static char g_last_seen[256]; /* echo state copied at finish (state is freed after) */
static int g_finish_calls;    /* finish() calls since the test's start */
static int g_free_calls;      /* free() calls */
static int g_probe_calls;     /* probe() calls of any fake detector */

static void seen_add(struct echo_state *s, const char *p, size_t len)
{
    if (s->n + len < sizeof(s->seen)) {
        memcpy(s->seen + s->n, p, len);
        s->n += len;
        s->seen[s->n] = '\0';
    }
}

static enum probe_result echo_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    g_probe_calls++;
    if (len < 4)
        return memcmp(buf, "ECHO", len) == 0 ? PROBE_MORE : PROBE_NO;
    return memcmp(buf, "ECHO", 4) == 0 ? PROBE_MATCH : PROBE_NO;
}

static void echo_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct echo_state *s = state;
    char d = dir == FLOW_TOSERVER ? '>' : '<';

    seen_add(s, &d, 1);
    if (flags & STREAM_DATA_GAP) {
        char tmp[32];
        int n = snprintf(tmp, sizeof(tmp), "#%zu", len);

        seen_add(s, tmp, (size_t)n);
    } else {
        seen_add(s, (const char *)data, len);
    }
    seen_add(s, "|", 1);
}

static void echo_finish(struct det_call *call, void *state)
{
    struct echo_state *s = state;

    s->finished++;
    g_finish_calls++;
    memcpy(g_last_seen, s->seen, sizeof(g_last_seen));
}

static void echo_free(void *state)
{
    g_free_calls++;
}

static const uint16_t echo_ports[] = {7};
static const struct detector det_fake_echo = {
    .name = "echo", .proto = APP_PROTO_IRC, .ipproto = 6, .ports = echo_ports, .n_ports = 1,
    .probe = echo_probe, .state_size = sizeof(struct echo_state), .parse = echo_parse,
    .finish = echo_finish, .free = echo_free,
};

/* "LATE": MATCH once "CLAIM" is anywhere in the buffer, MORE until then; records lengths. */
struct late_state {
    char seen[256]; /* "<dir><len>|" or "<dir>#<len>|" per parse call */
    size_t n;       /* bytes used */
};

static char g_late_seen[256]; /* late state copied at finish */

static enum probe_result late_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    g_probe_calls++;
    for (size_t i = 0; i + 5 <= len; i++) {
        if (memcmp(buf + i, "CLAIM", 5) == 0)
            return PROBE_MATCH;
    }
    return PROBE_MORE;
}

static void late_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct late_state *s = state;
    int n = snprintf(s->seen + s->n, sizeof(s->seen) - s->n, "%c%s%zu|",
                     dir == FLOW_TOSERVER ? '>' : '<', (flags & STREAM_DATA_GAP) ? "#" : "", len);

    if (n > 0 && (size_t)n < sizeof(s->seen) - s->n)
        s->n += (size_t)n;
}

static void late_finish(struct det_call *call, void *state)
{
    struct late_state *s = state;

    memcpy(g_late_seen, s->seen, sizeof(g_late_seen));
}

static const struct detector det_fake_late = {
    .name = "late", .proto = APP_PROTO_GNUTELLA, .ipproto = 6, .probe = late_probe,
    .state_size = sizeof(struct late_state), .parse = late_parse, .finish = late_finish,
};

/* "ANYE": claims anything starting with 'E' (port hint 21): loses to echo unless hinted. */
static enum probe_result anye_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    return buf[0] == 'E' ? PROBE_MATCH : PROBE_NO;
}

static void noop_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
}

static const uint16_t anye_ports[] = {21};
static const struct detector det_fake_anye = {
    .name = "anye", .proto = APP_PROTO_FTP, .ipproto = 6, .ports = anye_ports, .n_ports = 1,
    .probe = anye_probe, .parse = noop_parse,
};

/* "CLIENT": "HELLO" comes from the client; re-orients the flow when it came the other way. */
static enum probe_result client_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                      size_t len)
{
    if (len < 5)
        return PROBE_MORE;
    if (memcmp(buf, "HELLO", 5) != 0)
        return PROBE_NO;
    det_set_client(call, dir);
    return PROBE_MATCH;
}

static const struct detector det_fake_client = {
    .name = "client", .proto = APP_PROTO_IRC, .ipproto = 6, .probe = client_probe,
    .state_size = sizeof(struct echo_state), .parse = echo_parse, .finish = echo_finish,
};

/*
 * "PROXY": claims "CONNECT"; the server's "OK\n" opens a tunnel (carrier
 * socks, target "chat.example:7"), everything after it goes into the tunnel.
 */
struct proxy_state {
    bool open; /* tunnel opened */
};

static enum probe_result proxy_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                     size_t len)
{
    if (len < 7)
        return memcmp(buf, "CONNECT", len) == 0 ? PROBE_MORE : PROBE_NO;
    return memcmp(buf, "CONNECT", 7) == 0 ? PROBE_MATCH : PROBE_NO;
}

static void proxy_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                        size_t len, unsigned flags)
{
    struct proxy_state *s = state;

    if (s->open) {
        det_tunnel_data(call, dir, data, len, flags);
        return;
    }
    if (dir == FLOW_TOCLIENT && !(flags & STREAM_DATA_GAP) && len >= 3 &&
        memcmp(data, "OK\n", 3) == 0) {
        s->open = true;
        det_tunnel_open(call, "socks", "chat.example:7");
        if (len > 3)
            det_tunnel_data(call, dir, data + 3, len - 3, 0);
    }
}

static const struct detector det_fake_proxy = {
    .name = "proxy", .proto = APP_PROTO_SOCKS, .ipproto = 6, .probe = proxy_probe,
    .state_size = sizeof(struct proxy_state), .parse = proxy_parse,
};

/*
 * "WEB" hands every chunk to det_http_dispatch as a request whose URI is the
 * chunk; "GW" owns URIs starting with "/gw"; "NEVER" counts its calls.
 */
static int g_gw_calls, g_never_calls;

static enum probe_result web_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                   size_t len)
{
    return len >= 1 && buf[0] == '/' ? PROBE_MATCH : PROBE_NO;
}

static void web_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                      size_t len, unsigned flags)
{
    struct http_msg m;

    if (flags & STREAM_DATA_GAP)
        return;
    memset(&m, 0, sizeof(m));
    m.is_request = dir == FLOW_TOSERVER;
    m.uri.p = data;
    m.uri.len = len;
    det_http_dispatch(call, &m);
}

static bool gw_inspect(struct det_call *call, const struct http_msg *m)
{
    g_gw_calls++;
    return m->uri.len >= 3 && memcmp(m->uri.p, "/gw", 3) == 0;
}

static bool never_inspect(struct det_call *call, const struct http_msg *m)
{
    g_never_calls++;
    return false;
}

static const struct detector det_fake_web = {
    .name = "web", .proto = APP_PROTO_HTTP, .ipproto = 6, .probe = web_probe, .parse = web_parse,
};
static const struct detector det_fake_gw = {
    .name = "gw", .proto = APP_PROTO_MSN, .ipproto = 6, .http_inspect = gw_inspect,
};
static const struct detector det_fake_never = {
    .name = "never", .proto = APP_PROTO_YAHOO, .ipproto = 6, .http_inspect = never_inspect,
};

/* "DGRAM" (UDP): a datagram starting "UDP!" claims. */
static int g_dgram_parses;

static enum probe_result dgram_probe(struct det_call *call, enum flow_dir dir,
                                     const uint8_t *buf, size_t len)
{
    return len >= 4 && memcmp(buf, "UDP!", 4) == 0 ? PROBE_MATCH : PROBE_NO;
}

static void dgram_parse(struct det_call *call, void *state, enum flow_dir dir,
                        const uint8_t *data, size_t len, unsigned flags)
{
    g_dgram_parses++;
    ck_assert_uint_eq(flags, 0);
    ck_assert_uint_ge(len, 1);
}

static const struct detector det_fake_dgram = {
    .name = "dgram", .proto = APP_PROTO_DNS, .ipproto = 17, .probe = dgram_probe,
    .parse = dgram_parse,
};

static void reset_globals(void)
{
    memset(g_last_seen, 0, sizeof(g_last_seen));
    memset(g_late_seen, 0, sizeof(g_late_seen));
    g_finish_calls = g_free_calls = g_probe_calls = 0;
    g_gw_calls = g_never_calls = g_dgram_parses = 0;
}

/* Asserts that dir's signature stream is exactly want (len bytes). */
static void assert_stream(const struct det_test *t, enum flow_dir dir, const char *want,
                          size_t len)
{
    size_t got;
    const uint8_t *s = det_test_stream(t, dir, &got);

    ck_assert_uint_eq(got, len);
    ck_assert(memcmp(s, want, len) == 0);
}

/* ---- claims, probing order, replay ---- */

START_TEST(test_claim_replay_order)
{
    const struct detector *const tab[] = {&det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);
    const struct det_test_event *e;

    reset_globals();
    ck_assert_ptr_nonnull(t);
    det_test_feed(t, FLOW_TOCLIENT, "EC", 2);  /* server speaks first, too short to tell */
    det_test_feed(t, FLOW_TOSERVER, "xyz", 3); /* client side: not ECHO (NO for this side) */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    ck_assert_uint_eq(det_test_n_events(t), 0);
    /* no signature matching before the decision */
    ck_assert_uint_eq(det_test_stream_gap(t, FLOW_TOSERVER), 0);
    assert_stream(t, FLOW_TOSERVER, "", 0);
    det_test_feed(t, FLOW_TOCLIENT, "HO!", 3); /* "ECHO!" completes: claim */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_feed(t, FLOW_TOSERVER, "live", 4);
    det_test_end(t);
    /* replay in arrival order, then live data */
    ck_assert_str_eq(g_last_seen, "<EC|>xyz|<HO!|>live|");
    ck_assert_int_eq(g_finish_calls, 1);
    ck_assert_int_eq(g_free_calls, 1);
    e = det_test_find(t, APP_EVENT_PRESENCE, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->proto, APP_PROTO_IRC);
    ck_assert_int_eq(e->dir, FLOW_TOCLIENT);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "irc");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_PRESENCE), 1);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_IRC], 1);
    /* every byte matched once, with the decided protocol */
    assert_stream(t, FLOW_TOSERVER, "xyzlive", 7);
    assert_stream(t, FLOW_TOCLIENT, "ECHO!", 5);
    ck_assert_int_eq(det_test_stream_proto(t, FLOW_TOCLIENT), APP_PROTO_IRC);
    ck_assert_ptr_null(det_test_stream_tunnel(t, FLOW_TOCLIENT));
    det_test_free(t);
}
END_TEST

START_TEST(test_port_hint_order)
{
    const struct detector *const tab[] = {&det_fake_echo, &det_fake_anye};
    struct det_test *t;

    /* no hint matches: table order, echo first */
    t = det_test_new_table(tab, 2, 6, 40000, 5000);
    det_test_feed(t, FLOW_TOSERVER, "ECHO", 4);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_free(t);
    /* anye's hint (21) on the server side: anye first */
    t = det_test_new_table(tab, 2, 6, 40000, 21);
    det_test_feed(t, FLOW_TOSERVER, "ECHO", 4);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    det_test_free(t);
    /* a hint on the client side counts too */
    t = det_test_new_table(tab, 2, 6, 21, 40000);
    det_test_feed(t, FLOW_TOSERVER, "ECHO", 4);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    det_test_free(t);
}
END_TEST

START_TEST(test_no_on_both_sides_fails)
{
    const struct detector *const tab[] = {&det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);

    reset_globals();
    det_test_feed(t, FLOW_TOSERVER, "abc", 3);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN); /* the other side may claim */
    det_test_feed(t, FLOW_TOCLIENT, "def", 3);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    /* failed: matched as such, never probed again */
    det_test_feed(t, FLOW_TOSERVER, "ECHO", 4);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    ck_assert_int_eq(g_probe_calls, 2);
    assert_stream(t, FLOW_TOSERVER, "abcECHO", 7);
    ck_assert_int_eq(det_test_stream_proto(t, FLOW_TOSERVER), APP_PROTO_FAILED);
    det_test_end(t);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_FAILED], 1);
    ck_assert_uint_eq(det_test_n_events(t), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_no_payload_stays_unknown)
{
    const struct detector *const tab[] = {&det_fake_late};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);

    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_FAILED], 0);
    det_test_free(t);
    /* bytes but no decision by the end: failed, and the bytes are matched at the end */
    t = det_test_new_table(tab, 1, 6, 40000, 7);
    det_test_feed(t, FLOW_TOSERVER, "hello", 5);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    assert_stream(t, FLOW_TOSERVER, "", 0);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    assert_stream(t, FLOW_TOSERVER, "hello", 5);
    det_test_free(t);
}
END_TEST

START_TEST(test_probe_buffer_bound)
{
    const struct detector *const tab[] = {&det_fake_late};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);
    uint8_t *junk = malloc(5000);
    size_t got;

    reset_globals();
    memset(junk, 'a', 5000);
    /* 5000 bytes toserver: 4096 buffered, 904 beyond it become a hole */
    det_test_feed(t, FLOW_TOSERVER, junk, 5000);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_PROBE_OVERFLOW], 904);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    /* the full side is not probed again; the other side still can claim */
    g_probe_calls = 0;
    det_test_feed(t, FLOW_TOSERVER, "CLAIM", 5);
    ck_assert_int_eq(g_probe_calls, 0);
    det_test_feed(t, FLOW_TOCLIENT, "xxCLAIM", 7);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    det_test_feed(t, FLOW_TOSERVER, "z", 1);
    det_test_end(t);
    ck_assert_str_eq(g_late_seen, ">4096|>#909|<7|>1|");
    det_test_stream(t, FLOW_TOSERVER, &got);
    ck_assert_uint_eq(got, 4097);
    ck_assert_uint_eq(det_test_stream_gap(t, FLOW_TOSERVER), 909);
    det_test_free(t);

    /* both sides full with no match: failed */
    t = det_test_new_table(tab, 1, 6, 40000, 7);
    det_test_feed(t, FLOW_TOSERVER, junk, 4096);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    det_test_feed(t, FLOW_TOCLIENT, junk, 4095);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    det_test_feed(t, FLOW_TOCLIENT, junk, 2);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    det_test_stream(t, FLOW_TOCLIENT, &got);
    ck_assert_uint_eq(got, 4096);
    ck_assert_uint_eq(det_test_stream_gap(t, FLOW_TOCLIENT), 1);
    det_test_free(t);
    free(junk);
}
END_TEST

START_TEST(test_probe_log_full)
{
    const struct detector *const tab[] = {&det_fake_late};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);

    /* alternating one-byte pieces use one log entry each; past the log the flow is given up */
    for (int i = 0; i < LIM_DETECT_PROBE_LOG; i++)
        det_test_feed(t, (enum flow_dir)(i & 1), "x", 1);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    det_test_feed(t, FLOW_TOSERVER, "x", 1);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_PROBE_LOG_FULL], 1);
    det_test_end(t);
    {
        size_t a, b;

        det_test_stream(t, FLOW_TOSERVER, &a);
        det_test_stream(t, FLOW_TOCLIENT, &b);
        ck_assert_uint_eq(a, LIM_DETECT_PROBE_LOG / 2 + 1);
        ck_assert_uint_eq(b, LIM_DETECT_PROBE_LOG / 2);
    }
    det_test_free(t);
}
END_TEST

START_TEST(test_gap_before_claim)
{
    const struct detector *const tab[] = {&det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);

    reset_globals();
    det_test_feed(t, FLOW_TOSERVER, "garbage", 7); /* mid-message: echo says NO here */
    det_test_gap(t, FLOW_TOSERVER, 10);
    det_test_feed(t, FLOW_TOSERVER, "ECHO hi", 7); /* after the hole: probed afresh */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_gap(t, FLOW_TOCLIENT, 3);             /* a hole after the claim: to parse */
    det_test_end(t);
    ck_assert_str_eq(g_last_seen, ">garbage|>#10|>ECHO hi|<#3|");
    assert_stream(t, FLOW_TOSERVER, "garbageECHO hi", 14);
    ck_assert_uint_eq(det_test_stream_gap(t, FLOW_TOSERVER), 10);
    ck_assert_uint_eq(det_test_stream_gap(t, FLOW_TOCLIENT), 3);
    det_test_free(t);
}
END_TEST

START_TEST(test_set_client_swaps)
{
    const struct detector *const tab[] = {&det_fake_client};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 6667);
    const struct det_test_event *e;

    reset_globals();
    /* the assumed server (6667) sends first a reply, then the "client" greeting comes from
     * the side we called the server: the detector turns the flow round */
    det_test_feed(t, FLOW_TOSERVER, "ok", 2);
    det_test_feed(t, FLOW_TOCLIENT, "HELLO", 5);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    ck_assert_uint_eq(det_test_flow(t)->cli_port, 6667);
    ck_assert_uint_eq(det_test_flow(t)->srv_port, 40000);
    ck_assert_uint_eq(det_test_flow(t)->cli_ip.a[0], 192);
    e = det_test_find(t, APP_EVENT_PRESENCE, 0);
    ck_assert_int_eq(e->dir, FLOW_TOSERVER);
    /* later data in the new orientation */
    det_test_feed(t, FLOW_TOSERVER, "more", 4);
    det_test_end(t);
    ck_assert_str_eq(g_last_seen, "<ok|>HELLO|>more|");
    assert_stream(t, FLOW_TOSERVER, "HELLOmore", 9);
    assert_stream(t, FLOW_TOCLIENT, "ok", 2);
    det_test_free(t);

    /* a handshake-decided orientation is kept */
    reset_globals();
    t = det_test_new_table(tab, 1, 6, 40000, 6667);
    det_test_flow(t)->client_from_syn = true;
    det_test_feed(t, FLOW_TOCLIENT, "HELLO", 5);
    ck_assert_uint_eq(det_test_flow(t)->cli_port, 40000);
    det_test_end(t);
    ck_assert_str_eq(g_last_seen, "<HELLO|");
    det_test_free(t);
}
END_TEST

/* "FLIP": claims "F"; parse() decides the other side is the client on the first piece. */
static enum probe_result flip_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    return buf[0] == 'F' ? PROBE_MATCH : PROBE_NO;
}

static void flip_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct late_state *s = state;

    if (s->n == 0)
        det_set_client(call, (enum flow_dir)(dir ^ 1));
    late_parse(call, state, dir, data, len, flags);
}

static const struct detector det_fake_flip = {
    .name = "flip", .proto = APP_PROTO_YAHOO, .ipproto = 6, .probe = flip_probe,
    .state_size = sizeof(struct late_state), .parse = flip_parse, .finish = late_finish,
};

START_TEST(test_set_client_in_parse)
{
    const struct detector *const tab[] = {&det_fake_flip};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 5050);
    uint8_t *big = malloc(4100);

    reset_globals();
    memset(big, 'F', 4100);
    /* one piece larger than the probe buffer: the claim's replay turns the flow round, the
     * 4 bytes beyond the buffer must follow as the same endpoint's (now to-client) bytes */
    det_test_feed(t, FLOW_TOSERVER, big, 4100);
    ck_assert_uint_eq(det_test_flow(t)->cli_port, 5050);
    det_test_end(t);
    ck_assert_str_eq(g_late_seen, ">4096|<4|");
    det_test_free(t);
    free(big);
}
END_TEST

/* ---- tunnels ---- */

START_TEST(test_tunnel)
{
    const struct detector *const tab[] = {&det_fake_proxy, &det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 2, 6, 40000, 1080);
    const struct det_test_event *e;

    reset_globals();
    det_test_feed(t, FLOW_TOSERVER, "CONNECT chat.example:7\n", 23);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    /* the success reply and the first inner bytes in one piece */
    det_test_feed(t, FLOW_TOCLIENT, "OK\nEC", 5);
    det_test_feed(t, FLOW_TOCLIENT, "HO there", 8);
    det_test_feed(t, FLOW_TOSERVER, "hi", 2);
    /* the flow stays the carrier's; the inner protocol is on the events */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_PRESENCE), 2);
    e = det_test_find(t, APP_EVENT_PRESENCE, 0);
    ck_assert_int_eq(e->proto, APP_PROTO_SOCKS);
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_SERVICE));
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_TUNNEL));
    e = det_test_find(t, APP_EVENT_PRESENCE, 1);
    ck_assert_int_eq(e->proto, APP_PROTO_IRC);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "irc");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL), "socks");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "chat.example:7");
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_TUNNEL_OPENED], 1);
    /* every byte matched once: the tunnel's bytes with the inner protocol and the tunnel */
    assert_stream(t, FLOW_TOSERVER, "CONNECT chat.example:7\nhi", 25);
    assert_stream(t, FLOW_TOCLIENT, "OK\nECHO there", 13);
    ck_assert_int_eq(det_test_stream_proto(t, FLOW_TOCLIENT), APP_PROTO_IRC);
    ck_assert_str_eq(det_test_stream_tunnel(t, FLOW_TOCLIENT), "socks");
    det_test_end(t);
    ck_assert_int_eq(g_finish_calls, 1);
    ck_assert_str_eq(g_last_seen, "<ECHO there|>hi|"); /* probed pieces of one side merge */
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_SOCKS], 1);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_IRC], 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_tunnel_depth)
{
    const struct detector *const tab[] = {&det_fake_proxy};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 1080);

    /* proxy in proxy in proxy: the third tunnel is refused */
    det_test_feed(t, FLOW_TOSERVER, "CONNECT a\n", 10);
    det_test_feed(t, FLOW_TOCLIENT, "OK\n", 3);
    det_test_feed(t, FLOW_TOSERVER, "CONNECT b\n", 10);
    det_test_feed(t, FLOW_TOCLIENT, "OK\n", 3);
    det_test_feed(t, FLOW_TOSERVER, "CONNECT c\n", 10);
    det_test_feed(t, FLOW_TOCLIENT, "OK\nx", 4);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_TUNNEL_OPENED], 2);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_TUNNEL_DEPTH], 1);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_PRESENCE), 3);
    det_test_end(t);
    /* the innermost layer matched its bytes, none twice */
    {
        size_t n;

        det_test_stream(t, FLOW_TOSERVER, &n);
        ck_assert_uint_eq(n, 30);
        det_test_stream(t, FLOW_TOCLIENT, &n);
        ck_assert_uint_eq(n, 10);
    }
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_SOCKS], 3);
    det_test_free(t);
}
END_TEST

/* ---- HTTP dispatch ---- */

START_TEST(test_http_dispatch)
{
    const struct detector *const tab[] = {&det_fake_web, &det_fake_never, &det_fake_gw};
    struct det_test *t = det_test_new_table(tab, 3, 6, 40000, 80);
    const struct det_test_event *e;

    reset_globals();
    det_test_feed(t, FLOW_TOSERVER, "/index.html", 11);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_HTTP);
    ck_assert_int_eq(g_never_calls, 1);
    ck_assert_int_eq(g_gw_calls, 1);
    det_test_feed(t, FLOW_TOSERVER, "/gw?Action=open", 15);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    e = det_test_find(t, APP_EVENT_PRESENCE, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->proto, APP_PROTO_MSN);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "msn");
    /* the owner alone sees later messages */
    det_test_feed(t, FLOW_TOSERVER, "/other", 6);
    ck_assert_int_eq(g_never_calls, 2);
    ck_assert_int_eq(g_gw_calls, 3);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_PRESENCE), 2);
    det_test_free(t);
}
END_TEST

/* ---- UDP ---- */

START_TEST(test_udp)
{
    const struct detector *const tab[] = {&det_fake_dgram, &det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 2, 17, 40000, 53);

    reset_globals();
    det_test_feed(t, FLOW_TOSERVER, "nope", 4); /* NO on this side; each datagram alone */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    det_test_feed(t, FLOW_TOCLIENT, "UDP!", 4);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_DNS);
    ck_assert_int_eq(g_dgram_parses, 1); /* only the claiming datagram, nothing buffered */
    det_test_feed(t, FLOW_TOSERVER, "later", 5);
    ck_assert_int_eq(g_dgram_parses, 2);
    /* every datagram goes to signature matching, decided or not */
    assert_stream(t, FLOW_TOSERVER, "nopelater", 9);
    assert_stream(t, FLOW_TOCLIENT, "UDP!", 4);
    det_test_end(t);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_APP_FLOW_DNS], 1);
    det_test_free(t);

    /* NO on both sides: failed */
    t = det_test_new_table(tab, 2, 17, 40000, 53);
    det_test_feed(t, FLOW_TOSERVER, "a", 1);
    det_test_feed(t, FLOW_TOCLIENT, "b", 1);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    det_test_free(t);
}
END_TEST

/* ---- events ---- */

START_TEST(test_internal_address)
{
    const struct detector *const tab[] = {&det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);
    static const char *const addrs[] = {
        "192.168.1.5:5190", /* RFC 1918 with a port: internal */
        "8.8.8.8:53",       /* public */
        "[fc00::1]:80",     /* unique local v6 with a port: internal */
        "fd12::2",          /* bare v6 text: internal */
        "2001:db8::1",      /* documentation v6: not */
        "10.1.2.3",         /* bare v4: internal */
        "garbage",          /* not an address */
        "10.0.0.1:x:y",     /* not an address */
    };
    static const bool internal[] = {true, false, true, true, false, true, false, false};

    for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
        struct app_event ev;
        const struct det_test_event *e;

        app_event_init(&ev, APP_EVENT_DIRECT_CONNECT, APP_PROTO_AIM, FLOW_TOSERVER);
        app_event_add_str(&ev, APP_FACT_EMBEDDED_ADDRESS, addrs[i]);
        det_test_emit(t, &ev);
        e = det_test_event(t, det_test_n_events(t) - 1);
        ck_assert_int_eq(e->type, APP_EVENT_DIRECT_CONNECT);
        if (internal[i])
            ck_assert_str_eq(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS), addrs[i]);
        else
            ck_assert_ptr_null(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS));
        ck_assert_int_eq(e->ts_us, 1018958400ll * 1000000 + i * 1000);
    }
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_EVENTS], 8);
    det_test_free(t);
}
END_TEST

static void emit_login(struct det_test *t, const char *outcome, const char *user)
{
    struct app_event ev;

    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_FTP, FLOW_TOSERVER);
    app_event_add_str(&ev, APP_FACT_USERNAME, user);
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    det_test_emit(t, &ev);
}

START_TEST(test_brute_force)
{
    struct det_test *t = det_test_new_table(NULL, 0, 6, 40000, 21);
    const struct det_test_event *e;
    int64_t t0 = 1018958400ll * 1000000;

    det_test_set_time(t, t0);
    for (int i = 0; i < 9; i++)
        emit_login(t, "failure", "root");
    emit_login(t, "success", "root"); /* successes do not count */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_BRUTE_FORCE), 0);
    emit_login(t, "failure", "admin"); /* the 10th failure within 60 s */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_BRUTE_FORCE), 1);
    e = det_test_find(t, APP_EVENT_BRUTE_FORCE, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "ftp");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_COUNT), "10");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "admin");
    ck_assert_int_eq(e->proto, APP_PROTO_FTP);
    /* quiet for the window */
    for (int i = 0; i < 20; i++)
        emit_login(t, "failure", "root");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_BRUTE_FORCE), 1);
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_BF_EVENTS], 1);
    det_test_free(t);

    /* failures spread wider than the window never add up */
    t = det_test_new_table(NULL, 0, 6, 40000, 21);
    for (int i = 0; i < 30; i++) {
        det_test_set_time(t, t0 + (int64_t)i * 7 * 1000000); /* one every 7 s */
        emit_login(t, "failure", "root");
    }
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_BRUTE_FORCE), 0);
    det_test_free(t);

    /* configured threshold, and a full tracker table evicts the oldest */
    t = det_test_new_table(NULL, 0, 6, 40000, 21);
    det_test_config(t)->bf_threshold = 2;
    det_test_config(t)->bf_max_trackers = 1;
    emit_login(t, "failure", "a");
    det_test_set_addrs(t, "10.0.0.1", "192.0.2.2"); /* another server: evicts the first */
    emit_login(t, "failure", "b");
    ck_assert_uint_eq(det_test_stats(t)->v[STAT_DETECT_BF_EVICTED], 1);
    det_test_set_addrs(t, "10.0.0.1", "192.0.2.1");
    emit_login(t, "failure", "c"); /* first server afresh: 1 failure */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_BRUTE_FORCE), 0);
    emit_login(t, "failure", "d");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_BRUTE_FORCE), 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_app_event_api)
{
    struct app_event ev;
    const uint8_t *v;
    size_t len;

    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_ICQ, FLOW_TOCLIENT);
    ck_assert_int_eq(ev.n_facts, 0);
    ck_assert(app_event_add(&ev, APP_FACT_PASSWORD, "a\0b", 3)); /* any bytes */
    ck_assert(app_event_add_str(&ev, APP_FACT_USERNAME, "1234567"));
    ck_assert(app_event_add_str(&ev, APP_FACT_USERNAME, "second"));
    v = app_event_get(&ev, APP_FACT_PASSWORD, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert(memcmp(v, "a\0b", 3) == 0);
    v = app_event_get(&ev, APP_FACT_USERNAME, &len); /* the first of repeated keys */
    ck_assert_uint_eq(len, 7);
    ck_assert(memcmp(v, "1234567", 7) == 0);
    ck_assert_ptr_null(app_event_get(&ev, APP_FACT_QUERY, &len));
    ck_assert_uint_eq(len, 0);
    while (ev.n_facts < APP_EVENT_MAX_FACTS)
        ck_assert(app_event_add_str(&ev, APP_FACT_FILE_NAME, "f"));
    ck_assert(!app_event_add_str(&ev, APP_FACT_FILE_NAME, "overflow"));
    ck_assert_uint_eq(ev.n_facts, APP_EVENT_MAX_FACTS);

    ck_assert_str_eq(app_event_name(APP_EVENT_BRUTE_FORCE), "brute_force");
    ck_assert_str_eq(app_event_name(APP_EVENT_PROTO_MSG), "protocol_message");
    ck_assert_ptr_null(app_event_name(APP_EVENT__COUNT));
    ck_assert_str_eq(app_fact_name(APP_FACT_TUNNEL_TARGET), "tunnel_target");
    ck_assert_ptr_null(app_fact_name((enum app_fact_key)-1));
    ck_assert_int_eq(app_event_lookup("direct_connect"), APP_EVENT_DIRECT_CONNECT);
    ck_assert_int_eq(app_event_lookup("Login"), -1);
    ck_assert_int_eq(app_fact_lookup("password_form"), APP_FACT_PASSWORD_FORM);
    ck_assert_int_eq(app_fact_lookup("nope"), -1);
    for (int i = 0; i < APP_EVENT__COUNT; i++)
        ck_assert_int_eq(app_event_lookup(app_event_name((enum app_event_type)i)), i);
    for (int i = 0; i < APP_FACT__COUNT; i++)
        ck_assert_int_eq(app_fact_lookup(app_fact_name((enum app_fact_key)i)), i);
    ck_assert_int_eq(app_proto_lookup("http-proxy"), APP_PROTO_HTTP_PROXY);
    ck_assert_int_eq(app_proto_lookup("aim"), APP_PROTO_AIM);
    ck_assert_int_eq(app_proto_lookup("AIM"), APP_PROTO_UNKNOWN);
    ck_assert_int_eq(app_proto_lookup(NULL), APP_PROTO_UNKNOWN);
}
END_TEST

/* ---- the real table ---- */

START_TEST(test_real_table)
{
    struct det_test *t = det_test_new(NULL, 6, 40000, 9);

    ck_assert_ptr_null(det_test_new("no-such-detector", 6, 1, 2));
    ck_assert_ptr_nonnull(t);
    /* bytes no detector can claim: failed by the end, whatever the table holds */
    det_test_feed(t, FLOW_TOSERVER, "\x00\x01\x02\x03", 4);
    det_test_feed(t, FLOW_TOCLIENT, "\xff\xfe\xfd\xfc", 4);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FAILED);
    for (unsigned i = 0; i < detector_count; i++) {
        ck_assert_ptr_nonnull(detector_table[i]->name);
        ck_assert(detector_table[i]->ipproto == 6 || detector_table[i]->ipproto == 17);
    }
    ck_assert_ptr_null(detector_table[detector_count]);
    det_test_free(t);
}
END_TEST

static Suite *detect_suite(void)
{
    Suite *s = suite_create("detect");
    TCase *tc = tcase_create("framework");

    tcase_add_test(tc, test_claim_replay_order);
    tcase_add_test(tc, test_port_hint_order);
    tcase_add_test(tc, test_no_on_both_sides_fails);
    tcase_add_test(tc, test_no_payload_stays_unknown);
    tcase_add_test(tc, test_probe_buffer_bound);
    tcase_add_test(tc, test_probe_log_full);
    tcase_add_test(tc, test_gap_before_claim);
    tcase_add_test(tc, test_set_client_swaps);
    tcase_add_test(tc, test_set_client_in_parse);
    tcase_add_test(tc, test_tunnel);
    tcase_add_test(tc, test_tunnel_depth);
    tcase_add_test(tc, test_http_dispatch);
    tcase_add_test(tc, test_udp);
    tcase_add_test(tc, test_internal_address);
    tcase_add_test(tc, test_brute_force);
    tcase_add_test(tc, test_app_event_api);
    tcase_add_test(tc, test_real_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(detect_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
