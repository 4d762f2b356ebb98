/*
 * check_detect.c - the app-layer framework (src/detect/detect*.c,
 * app_event.c): probing order, claims, replay in arrival order, gaps,
 * probe-buffer bounds, re-orientation, tunnels, HTTP dispatch, internal
 * addresses, brute force, and the test driver itself.  Fake detectors
 * defined here are run through det_test_new_table().
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

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

START_TEST(test_smoke_claim_replay)
{
    const struct detector *const tab[] = {&det_fake_echo};
    struct det_test *t = det_test_new_table(tab, 1, 6, 40000, 7);
    const struct det_test_event *e;

    ck_assert_ptr_nonnull(t);
    det_test_feed(t, FLOW_TOCLIENT, "EC", 2);  /* server speaks first, too short to tell */
    det_test_feed(t, FLOW_TOSERVER, "xyz", 3); /* client side: not ECHO */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_UNKNOWN);
    det_test_feed(t, FLOW_TOCLIENT, "HO!", 3); /* "ECHO!" completes: claim */
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_feed(t, FLOW_TOSERVER, "live", 4);
    det_test_end(t);
    /* replay in arrival order, merged per direction run, then live data */
    ck_assert_str_eq(g_last_seen, "<EC|>xyz|<HO!|>live|");
    e = det_test_find(t, APP_EVENT_PRESENCE, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "irc");
    ck_assert_int_eq(det_test_stats(t)->v[STAT_APP_FLOW_IRC], 1);
    det_test_free(t);
}
END_TEST

static Suite *detect_suite(void)
{
    Suite *s = suite_create("detect");
    TCase *tc = tcase_create("framework");

    tcase_add_test(tc, test_smoke_claim_replay);
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
