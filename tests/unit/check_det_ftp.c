/*
 * check_det_ftp.c - the FTP detector (src/detect/det_ftp.c) through the
 * detect test driver: identification from either side, one LOGIN per
 * USER/PASS attempt with the outcome of the server's reply (230, 530,
 * multi-line replies, pending at flow end), anonymous logins, AUTH TLS,
 * 1-byte segments, over-long lines, and not claiming SMTP or POP3.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/detect_test.h"

/* Feeds a C string as one delivery. */
static void feed(struct det_test *t, enum flow_dir dir, const char *s)
{
    det_test_feed(t, dir, s, strlen(s));
}

#define C2S FLOW_TOSERVER
#define S2C FLOW_TOCLIENT

/* The i-th LOGIN event (NULL when fewer). */
static const struct det_test_event *login(const struct det_test *t, unsigned i)
{
    const struct det_test_event *e = NULL;
    unsigned from = 0;

    for (unsigned k = 0; k <= i; k++) {
        e = det_test_find(t, APP_EVENT_LOGIN, from);
        if (!e)
            return NULL;
        for (unsigned j = from; j < det_test_n_events(t); j++) {
            if (det_test_event(t, j) == e) {
                from = j + 1;
                break;
            }
        }
    }
    return e;
}

static struct det_test *new_ftp(void)
{
    struct det_test *t = det_test_new("ftp", 6, 40000, 21);
    ck_assert_ptr_nonnull(t);
    return t;
}

START_TEST(test_login_success)
{
    struct det_test *t = new_ftp();
    const struct det_test_event *e;

    feed(t, S2C, "220 (vsFTPd 3.0.3)\r\n");
    feed(t, C2S, "USER alice\r\n");
    feed(t, S2C, "331 Please specify the password.\r\n");
    feed(t, C2S, "PASS s3cr3t\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0); /* no verdict yet */
    feed(t, S2C, "230 Login successful.\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = login(t, 0);
    ck_assert_int_eq(e->proto, APP_PROTO_FTP);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "ftp");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "s3cr3t");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "cleartext");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "USER/PASS");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1); /* nothing pending at the end */
    det_test_free(t);
}
END_TEST

/* One-sided capture: only the client's USER/PASS to port 21 (shared with POP3). */
START_TEST(test_one_sided_on_ftp_port)
{
    struct det_test *t = new_ftp();
    const struct det_test_event *e;

    feed(t, C2S, "USER alice\r\n");
    feed(t, C2S, "PASS s3cret-stream\r\n");
    feed(t, C2S, "QUIT\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = login(t, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

/* The same shared commands to a port that is no FTP hint decide nothing. */
START_TEST(test_one_sided_other_port_not_claimed)
{
    struct det_test *t = det_test_new("ftp", 6, 40000, 110);

    ck_assert_ptr_nonnull(t);
    feed(t, C2S, "USER alice\r\n");
    feed(t, C2S, "PASS s3cret\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_FTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_failure_then_retry)
{
    struct det_test *t = new_ftp();

    /* FileZilla greeting (multi-line, no "FTP" word in its last line) */
    feed(t, S2C, "220-FileZilla Server 1.9.1\r\n220 Please visit https://filezilla-project.org/\r\n");
    feed(t, C2S, "USER Admin\r\n");
    feed(t, S2C, "331 Please, specify the password.\r\n");
    feed(t, C2S, "PASS qwerty\r\n");
    feed(t, S2C, "530 Login incorrect.\r\n");
    feed(t, C2S, "PASS qwerty2\r\n"); /* same user, another password: another attempt */
    feed(t, S2C, "230 Logged on\r\n");
    feed(t, C2S, "USER other\r\n"); /* a second USER: another attempt */
    feed(t, S2C, "331 Password required\r\n");
    feed(t, C2S, "PASS x y\r\n"); /* a space inside the password is kept */
    feed(t, S2C, "503 Bad sequence of commands.\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 3);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "Admin");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "qwerty");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "failure");
    ck_assert_str_eq(det_test_fact(login(t, 1), APP_FACT_USERNAME), "Admin");
    ck_assert_str_eq(det_test_fact(login(t, 1), APP_FACT_PASSWORD), "qwerty2");
    ck_assert_str_eq(det_test_fact(login(t, 1), APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(login(t, 2), APP_FACT_USERNAME), "other");
    ck_assert_str_eq(det_test_fact(login(t, 2), APP_FACT_PASSWORD), "x y");
    ck_assert_str_eq(det_test_fact(login(t, 2), APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_pending_at_end_is_unknown)
{
    struct det_test *t = new_ftp();

    feed(t, S2C, "220 ftp.example.org FTP server ready.\r\n");
    feed(t, C2S, "user carol\r\n"); /* lower-case command */
    feed(t, S2C, "331 Password required for carol.\r\n");
    feed(t, C2S, "pass hunter2\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "carol");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "hunter2");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_user_refused_before_pass)
{
    struct det_test *t = new_ftp();

    /* ndpi_ftp_failed.pcap's exchange: nothing secret was sent */
    feed(t, S2C, "220 (vsFTPd 3.0.3)\r\n");
    feed(t, C2S, "USER hello\r\n");
    feed(t, S2C, "530 This FTP server is anonymous only.\r\n");
    feed(t, C2S, "SYST\r\n");
    feed(t, S2C, "530 Please login with USER and PASS.\r\n");
    feed(t, C2S, "QUIT\r\n");
    feed(t, S2C, "221 Goodbye.\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_anonymous_multiline_230)
{
    struct det_test *t = new_ftp();

    feed(t, S2C, "220 ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.\r\n");
    feed(t, C2S, "USER anonymous\r\n");
    feed(t, S2C, "331 Guest login ok, type your name as password.\r\n");
    feed(t, C2S, "PASS NcFTP@\r\n");
    /* the verdict comes at the final line of a multi-line reply */
    feed(t, S2C, "230-\r\n    The NetBSD Project FTP Server\r\n230-more text\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    feed(t, S2C, "230 Guest login ok, access restrictions apply.\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "anonymous");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "NcFTP@");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_AUTH_MECHANISM), "anonymous");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_auth_tls_stops)
{
    struct det_test *t = new_ftp();

    /* ndpi_ftp-start-tls.pcap: a greeting without FTP words, then AUTH TLS */
    feed(t, S2C, "220 \"Authorized users only. All activity may be monitored\"\r\n");
    feed(t, C2S, "AUTH TLS\r\n");
    feed(t, S2C, "234 Proceed with negotiation.\r\n");
    /* what follows is TLS; even text that looks like a login must be ignored */
    feed(t, C2S, "\x16\x03\x01\x00\x05USER x\r\nPASS y\r\n");
    feed(t, S2C, "230 ok\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_auth_tls_refused_continues)
{
    struct det_test *t = new_ftp();

    feed(t, S2C, "220 FTP ready\r\n");
    feed(t, C2S, "AUTH TLS\r\n");
    feed(t, S2C, "502 AUTH not supported\r\n");
    feed(t, C2S, "USER dave\r\n");
    feed(t, S2C, "331 ok\r\n");
    feed(t, C2S, "PASS pw\r\n");
    feed(t, S2C, "230 ok\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_one_byte_segments)
{
    struct det_test *t = new_ftp();
    static const char cli[] = "USER erin\r\nPASS tiny\r\n";
    static const char srv[] = "331 need password\r\n230 in\r\n";

    feed(t, S2C, "220 FTP\r\n");
    for (size_t i = 0; i < 11; i++) /* "USER erin\r\n" */
        det_test_feed(t, C2S, cli + i, 1);
    for (size_t i = 0; i < 19; i++) /* "331 need password\r\n" */
        det_test_feed(t, S2C, srv + i, 1);
    for (size_t i = 11; i < sizeof(cli) - 1; i++) /* "PASS tiny\r\n" */
        det_test_feed(t, C2S, cli + i, 1);
    for (size_t i = 19; i < sizeof(srv) - 1; i++) /* "230 in\r\n" */
        det_test_feed(t, S2C, srv + i, 1);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "erin");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_PASSWORD), "tiny");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_overlong_line_resync)
{
    struct det_test *t = new_ftp();
    size_t n = 5000;
    char *junk = malloc(n + 3);

    ck_assert_ptr_nonnull(junk);
    feed(t, S2C, "220 FTP\r\n");
    /* "SITE " + 4995 'A' + CRLF: longer than the line cap, skipped */
    memcpy(junk, "SITE ", 5);
    memset(junk + 5, 'A', n - 5);
    memcpy(junk + n, "\r\n", 3);
    feed(t, C2S, junk);
    feed(t, C2S, "USER frank\r\nPASS pw1\r\n");
    feed(t, S2C, "500 too long\r\n331 ok\r\n230 ok\r\n");
    /* replies are matched in order: 500 answers the junk, 331 USER, 230 PASS */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "frank");
    free(junk);
    det_test_free(t);
}
END_TEST

START_TEST(test_mid_session_server_only)
{
    struct det_test *t = new_ftp();

    /* the capture starts after the greeting: an FTP-only reply identifies the flow */
    feed(t, S2C, "257 \"/\" is the current directory\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    det_test_free(t);
}
END_TEST

START_TEST(test_client_side_only)
{
    /* a port that is no FTP hint, so only the content can decide */
    struct det_test *t = det_test_new("ftp", 6, 40000, 2222);

    ck_assert_ptr_nonnull(t);
    /* USER/PASS are shared with POP3; SYST settles it */
    feed(t, C2S, "USER gina\r\nPASS pw\r\n");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_FTP);
    feed(t, C2S, "SYST\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_FTP);
    det_test_end(t);
    /* no server reply was seen: the attempt is reported unknown */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "gina");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_not_smtp_or_pop3)
{
    struct det_test *t = new_ftp();

    feed(t, S2C, "220 mx.example.com ESMTP Postfix\r\n");
    feed(t, C2S, "EHLO client\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_FTP);
    det_test_free(t);

    t = new_ftp();
    feed(t, S2C, "+OK POP3 ready\r\n");
    feed(t, C2S, "USER x\r\n");
    feed(t, S2C, "+OK\r\n");
    feed(t, C2S, "PASS y\r\nSTAT\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_FTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_gap_drops_partial_line)
{
    struct det_test *t = new_ftp();

    feed(t, S2C, "220 FTP\r\n");
    feed(t, C2S, "USER ha");
    det_test_gap(t, C2S, 100); /* the rest of that line and more were lost */
    feed(t, C2S, "nk\r\nUSER ivan\r\nPASS pw\r\n");
    feed(t, S2C, "331 x\r\n331 x\r\n230 ok\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_USERNAME), "ivan");
    det_test_free(t);
}
END_TEST

static Suite *det_ftp_suite(void)
{
    Suite *s = suite_create("det_ftp");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_login_success);
    tcase_add_test(tc, test_one_sided_on_ftp_port);
    tcase_add_test(tc, test_one_sided_other_port_not_claimed);
    tcase_add_test(tc, test_failure_then_retry);
    tcase_add_test(tc, test_pending_at_end_is_unknown);
    tcase_add_test(tc, test_user_refused_before_pass);
    tcase_add_test(tc, test_anonymous_multiline_230);
    tcase_add_test(tc, test_auth_tls_stops);
    tcase_add_test(tc, test_auth_tls_refused_continues);
    tcase_add_test(tc, test_one_byte_segments);
    tcase_add_test(tc, test_overlong_line_resync);
    tcase_add_test(tc, test_mid_session_server_only);
    tcase_add_test(tc, test_client_side_only);
    tcase_add_test(tc, test_not_smtp_or_pop3);
    tcase_add_test(tc, test_gap_drops_partial_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_ftp_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
