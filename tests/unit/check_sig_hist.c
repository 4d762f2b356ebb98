/*
 * check_sig_hist.c - the signature matcher's per-direction history ring
 * when it is allocated late (the flow-state memcap refused it while the
 * direction's first bytes went by).  White-box: the test fills the context's
 * memuse to the cap by hand (sig_priv.h) instead of opening 64 MiB of flows.
 *
 * A ring allocated after stream bytes passed without it holds no copy of
 * them; a pattern crossing into that stretch must not be compared with the
 * ring's uninitialised bytes (a false alert, or a miss, depending on what
 * malloc() returned: 0x00 from a fresh heap, 0xbe under ASan).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/config.h"
#include "imsentry/sig.h"
#include "sig/sig_priv.h"

/*
 * 3 bytes the ring might hold by accident, right before "ET!!X" (the longer,
 * fast pattern, found by the automaton in the live chunk; the first content
 * is then verified against the bytes before it, which only the ring holds).
 */
static const char sig_yaml[] =
    "signatures:\n"
    "  - id: 1\n    rev: 1\n    msg: zero\n    category: c\n    severity: 1\n"
    "    match:\n      content:\n        - {pattern: \"|00 00 00|\"}\n"
    "        - {pattern: \"ET!!X\", distance: 0}\n"
    "  - id: 2\n    rev: 1\n    msg: asan\n    category: c\n    severity: 1\n"
    "    match:\n      content:\n        - {pattern: \"|be be be|\"}\n"
    "        - {pattern: \"ET!!X\", distance: 0}\n";

struct counts {
    uint64_t n[3]; /* alerts of sid 1 and 2 (index = sid) */
};

static void count_cb(void *user, uint32_t sid, const char *msg, uint64_t n)
{
    struct counts *c = user;

    (void)msg;
    if (sid < 3)
        c->n[sid] = n;
}

START_TEST(test_late_history_not_read)
{
    char err[256];
    struct sig_engine *se =
        sig_engine_load_buffer("t.yaml", sig_yaml, strlen(sig_yaml), err, sizeof(err));
    struct config cfg;
    struct sig_ctx *sc;
    struct flow f;
    struct sig_flow *fs;
    struct counts c;
    uint64_t saved;

    ck_assert_msg(se != NULL, "load failed: %s", err);
    ck_assert_uint_ge(sig_engine_history(se), 8);
    ck_assert_uint_eq(se->n_sigs, 2);
    config_defaults(&cfg);
    cfg.alerts_max_per_second = 0;
    sc = sig_ctx_new(se, &cfg, NULL, NULL);
    ck_assert_ptr_nonnull(sc);
    memset(&f, 0, sizeof(f));
    f.proto = 6;
    f.cli_ip.family = 4;
    f.srv_ip.family = 4;
    f.cli_port = 40000;
    f.srv_port = 23;

    /* the flow's state exists (first byte), then the memcap is full: no ring for 4 bytes */
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_UNKNOWN, (const uint8_t *)"x", 1, 0, NULL);
    fs = f.sig;
    ck_assert_ptr_nonnull(fs);
    free(fs->d[FLOW_TOSERVER].hist);
    fs->d[FLOW_TOSERVER].hist = NULL;
    fs->bytes -= se->history;
    sc->memuse -= se->history;
    saved = sc->memuse;
    sc->memuse = LIM_SIG_FLOW_MEMCAP;
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_UNKNOWN, (const uint8_t *)"SECR", 4, 0, NULL);
    ck_assert_ptr_null(fs->d[FLOW_TOSERVER].hist);
    /* memory is back: the ring is allocated now, holding nothing of "SECR" */
    sc->memuse = saved;
    sig_stream(sc, &f, FLOW_TOSERVER, APP_PROTO_UNKNOWN, (const uint8_t *)"ET!!X", 5, 0, NULL);
    ck_assert_ptr_nonnull(fs->d[FLOW_TOSERVER].hist);

    /* the stream was "xSECRET!!X": neither pattern is in it */
    memset(&c, 0, sizeof(c));
    sig_ctx_alert_counts(sc, count_cb, &c);
    ck_assert_uint_eq(c.n[1], 0);
    ck_assert_uint_eq(c.n[2], 0);

    sig_flow_end(sc, &f);
    ck_assert_uint_eq(sig_ctx_memuse(sc), 0);
    sig_ctx_free(sc);
    sig_engine_free(se);
}
END_TEST

static Suite *sig_hist_suite(void)
{
    Suite *s = suite_create("sig_hist");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_late_history_not_read);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sig_hist_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
