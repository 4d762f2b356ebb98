/*
 * check_det_telnet.c - the Telnet detector (src/detect/det_telnet.c)
 * through the detect test driver: option negotiation stripped (WILL/DO,
 * SB ... SE, IAC IAC), login and password prompts, keys typed one per
 * segment with the server echoing the user name, backspace editing, CR LF /
 * CR NUL line ends, outcomes (Last login, shell prompt, Login incorrect),
 * and identification by negotiation or by a bare login prompt.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/detect_test.h"

#define C2S FLOW_TOSERVER
#define S2C FLOW_TOCLIENT

static void feedn(struct det_test *t, enum flow_dir dir, const char *s, size_t n)
{
    det_test_feed(t, dir, s, n);
}

static void feed(struct det_test *t, enum flow_dir dir, const char *s)
{
    det_test_feed(t, dir, s, strlen(s));
}

/* Types s one key per segment, the server echoing each key when echo is set. */
static void type_keys(struct det_test *t, const char *s, size_t n, bool echo)
{
    for (size_t i = 0; i < n; i++) {
        feedn(t, C2S, s + i, 1);
        if (echo)
            feedn(t, S2C, s + i, 1);
    }
}

static const struct det_test_event *login(const struct det_test *t, unsigned i)
{
    unsigned seen = 0;

    for (unsigned j = 0; j < det_test_n_events(t); j++) {
        const struct det_test_event *e = det_test_event(t, j);
        if (e->type == APP_EVENT_LOGIN && seen++ == i)
            return e;
    }
    return NULL;
}

static struct det_test *new_telnet(void)
{
    struct det_test *t = det_test_new("telnet", 6, 40000, 23);
    ck_assert_ptr_nonnull(t);
    return t;
}

START_TEST(test_ndpi_style_linemode)
{
    struct det_test *t = new_telnet();
    const struct det_test_event *e;

    /* ndpi_telnet.pcap: the client opens with IAC DO SGA, IAC WILL TTYPE ... */
    feedn(t, C2S, "\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f", 9);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_TELNET);
    /* server: IAC DO TSPEED, SB TSPEED SEND SE */
    feedn(t, S2C, "\xff\xfd\x20\xff\xfa\x20\x01\xff\xf0", 9);
    /* client: SB TSPEED IS "9600,9600" SE */
    feedn(t, C2S, "\xff\xfa\x20\x00" "9600,9600\xff\xf0", 15);
    feed(t, S2C, "\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\n");
    feed(t, S2C, "login: ");
    feed(t, C2S, "fake\r\n");
    feedn(t, S2C, "\xff\xfb\x01", 3); /* IAC WILL ECHO: the password is not echoed */
    feedn(t, C2S, "\xff\xfd\x01", 3);
    feed(t, S2C, "Password:");
    feed(t, C2S, "user\r\n");
    feed(t, S2C, "\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    feed(t, S2C, "Last login: Sat Nov 27 20:11:43 on ttyp2 from bam.zing.org\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = login(t, 0);
    ck_assert_int_eq(e->proto, APP_PROTO_TELNET);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "telnet");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "fake");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "user");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "cleartext");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    /* shell commands afterwards are no logins */
    feed(t, S2C, "$ ");
    feed(t, C2S, "ls\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_keys_echo_backspace_failure)
{
    struct det_test *t = new_telnet();

    /* server opens: IAC DO TTYPE, IAC WILL ECHO */
    feedn(t, S2C, "\xff\xfd\x18\xff\xfb\x01", 6);
    feed(t, S2C, "Ubuntu 20.04\r\nhost login: ");
    /* "roox", backspace, "t" typed one key at a time with echo; CR NUL ends it */
    type_keys(t, "roox\x08t", 6, true);
    feedn(t, C2S, "\r\0", 2);
    feed(t, S2C, "\r\nPassword: ");
    /* "tox" DEL "or" with an IAC IAC (a 0xFF data byte) inside; no echo */
    type_keys(t, "tox\x7fo\xff\xffr", 8, false);
    feedn(t, C2S, "\r\n", 2);
    feed(t, S2C, "\r\n");
    feed(t, S2C, "Login incorrect\r\nhost login: ");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "root");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "too\xffr");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "failure");
    /* second attempt, ends at a shell prompt */
    type_keys(t, "root", 4, true);
    feed(t, C2S, "\r\n");
    feed(t, S2C, "\r\nPassword: ");
    type_keys(t, "right", 5, false);
    feed(t, C2S, "\r\n");
    feed(t, S2C, "\r\nroot@host:~# ");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 2);
    ck_assert_str_eq(det_test_fact(login(t, 1), APP_FACT_PASSWORD), "right");
    ck_assert_str_eq(det_test_fact(login(t, 1), APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_username_prompt_unknown_outcome)
{
    struct det_test *t = new_telnet();

    /* a router: no negotiation, "Username:" then "Password:", the flow ends */
    feed(t, S2C, "\r\n\r\nUser Access Verification\r\n\r\nUsername: ");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_TELNET);
    feed(t, C2S, "cisco\r\n");
    feed(t, S2C, "Password: ");
    feed(t, C2S, "c1sc0\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "cisco");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "c1sc0");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_not_telnet)
{
    struct det_test *t = new_telnet();

    /* an HTTP page that ends in "login: " is not a Telnet prompt */
    feed(t, S2C, "HTTP/1.1 200 OK\r\n\r\nlogin: ");
    feed(t, C2S, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_TELNET);
    det_test_free(t);

    /* 0xFF then a byte that is no negotiation command */
    t = new_telnet();
    feedn(t, C2S, "\xff\x10\x00\x01", 4);
    feedn(t, S2C, "\xff\xfb\xc8", 3); /* WILL option 200: not an assigned option */
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_TELNET);
    det_test_free(t);
}
END_TEST

START_TEST(test_gap_forgets_line)
{
    struct det_test *t = new_telnet();

    feedn(t, S2C, "\xff\xfd\x18", 3);
    feed(t, S2C, "login: ");
    feed(t, C2S, "bo");
    det_test_gap(t, C2S, 10);
    feed(t, C2S, "b\r\n");
    feed(t, S2C, "Password: ");
    feed(t, C2S, "pw\r\n");
    det_test_end(t);
    /* the user line was cut: only what came after the gap is a line, of no class */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_ptr_null(det_test_fact(login(t, 0), APP_FACT_USERNAME));
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "pw");
    det_test_free(t);
}
END_TEST

static Suite *det_telnet_suite(void)
{
    Suite *s = suite_create("det_telnet");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_ndpi_style_linemode);
    tcase_add_test(tc, test_keys_echo_backspace_failure);
    tcase_add_test(tc, test_username_prompt_unknown_outcome);
    tcase_add_test(tc, test_not_telnet);
    tcase_add_test(tc, test_gap_forgets_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_telnet_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
