/*
 * check_det_mail.c - the POP3, IMAP and SMTP detectors (src/detect/
 * det_pop3.c, det_imap.c, det_smtp.c) through the detect test driver:
 * identification, one LOGIN per attempt for every mechanism (USER/PASS,
 * APOP, LOGIN with quoted strings and literals, SASL PLAIN with and without
 * an initial response, SASL LOGIN, CRAM-MD5), outcomes, STARTTLS/STLS, and
 * the whole detector table keeping the three (and FTP) apart.
 *
 * SASL vectors: "AHRpbQB0YW5zdGFhZnRhbnN0YWFm" = base64("\0tim\0tanstaaftanstaaf")
 * (RFC 4616 section 4); CRAM-MD5 from RFC 2195 section 2: challenge
 * "<1896.697170952@postoffice.reston.mci.net>", response
 * "tim b913a602c7eda7a495b4e6e7334d3890" =
 * "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw".
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/detect_test.h"

#define C2S FLOW_TOSERVER
#define S2C FLOW_TOCLIENT

static void feed(struct det_test *t, enum flow_dir dir, const char *s)
{
    det_test_feed(t, dir, s, strlen(s));
}

/* The i-th LOGIN event (NULL when fewer). */
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

/* Asserts the i-th LOGIN's facts. */
static void check_login(const struct det_test *t, unsigned i, const char *user, const char *pass,
                        const char *form, const char *mech, const char *outcome)
{
    const struct det_test_event *e = login(t, i);

    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), user);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), pass);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), form);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), mech);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), outcome);
}

static struct det_test *new_det(const char *name, uint16_t port)
{
    struct det_test *t = det_test_new(name, 6, 40000, port);
    ck_assert_ptr_nonnull(t);
    return t;
}

/* ---- POP3 ---- */

START_TEST(test_pop3_user_pass)
{
    struct det_test *t = new_det("pop3", 110);

    /* sv_pop3-02-bug-7709.pcap's first session, then a retry that works */
    feed(t, S2C, "+OK CMailServer 5.2 POP3 Service Ready\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_POP3);
    feed(t, C2S, "USER test@tt.com\r\n");
    feed(t, S2C, "+OK welcome here\r\n");
    feed(t, C2S, "PASS 123456\r\n");
    feed(t, S2C, "-ERR the password incorrect\r\n");
    feed(t, C2S, "user test\r\n");
    feed(t, S2C, "+OK\r\n");
    feed(t, C2S, "pass pippo zzo\r\n");
    feed(t, S2C, "+OK mailbox has 2 messages\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 2);
    check_login(t, 0, "test@tt.com", "123456", "cleartext", "USER/PASS", "failure");
    check_login(t, 1, "test", "pippo zzo", "cleartext", "USER/PASS", "success");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_SERVICE), "pop3");
    det_test_free(t);
}
END_TEST

START_TEST(test_pop3_apop)
{
    struct det_test *t = new_det("pop3", 110);

    /* RFC 1939 section 7 example */
    feed(t, S2C, "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    feed(t, C2S, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
    feed(t, S2C, "+OK maildrop has 1 message (369 octets)\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    check_login(t, 0, "mrose", "c4c9334bac560ecc979e58001b3e22fb", "md5-challenge", "APOP",
                "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_pop3_auth_plain_continuation)
{
    struct det_test *t = new_det("pop3", 110);

    /* zeek_pop3_pop3.pcap's shape: AUTH alone (error), then AUTH PLAIN, "+ ", response */
    feed(t, S2C, "+OK POP server ready H mimap8\r\n");
    feed(t, C2S, "AUTH\r\n");
    feed(t, S2C, "-ERR 1 argument required\r\n");
    feed(t, C2S, "AUTH PLAIN\r\n");
    feed(t, S2C, "+ \r\n");
    feed(t, C2S, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "-ERR authentication failed\r\n");
    /* with an initial response (RFC 5034 section 4) */
    feed(t, C2S, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "+OK mailbox ready\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 2);
    check_login(t, 0, "tim", "tanstaaftanstaaf", "base64", "PLAIN", "failure");
    check_login(t, 1, "tim", "tanstaaftanstaaf", "base64", "PLAIN", "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_pop3_auth_login_and_cancel)
{
    struct det_test *t = new_det("pop3", 110);

    feed(t, S2C, "+OK ready\r\n");
    /* cancelled exchange: nothing sent, nothing reported */
    feed(t, C2S, "AUTH LOGIN\r\n");
    feed(t, S2C, "+ VXNlcm5hbWU6\r\n");
    feed(t, C2S, "*\r\n");
    feed(t, S2C, "-ERR cancelled\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    /* "dXNlcg==" = "user", "cGFzcw==" = "pass" */
    feed(t, C2S, "AUTH LOGIN\r\n");
    feed(t, S2C, "+ VXNlcm5hbWU6\r\n");
    feed(t, C2S, "dXNlcg==\r\n");
    feed(t, S2C, "+ UGFzc3dvcmQ6\r\n");
    feed(t, C2S, "cGFzcw==\r\n");
    feed(t, S2C, "+OK\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    check_login(t, 0, "user", "pass", "base64", "LOGIN", "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_pop3_stls_stops)
{
    struct det_test *t = new_det("pop3", 110);

    feed(t, S2C, "+OK ready\r\n");
    feed(t, C2S, "STLS\r\n");
    feed(t, S2C, "+OK Begin TLS\r\n");
    feed(t, C2S, "USER a\r\nPASS b\r\n");
    feed(t, S2C, "+OK\r\n+OK\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_POP3);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_pop3_client_only_and_redis)
{
    struct det_test *t = new_det("pop3", 110);

    /* client side alone: CAPA is POP3's */
    feed(t, C2S, "CAPA\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_POP3);
    det_test_free(t);

    /* a bare "+OK" (Redis) is not enough */
    t = new_det("pop3", 6379);
    feed(t, S2C, "+OK\r\n");
    feed(t, C2S, "*1\r\n$4\r\nPING\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_POP3);
    det_test_free(t);
}
END_TEST

/* ---- IMAP ---- */

START_TEST(test_imap_login_atoms)
{
    struct det_test *t = new_det("imap", 143);

    /* ndpi_imap.pcap's exchange */
    feed(t, S2C, "* OK IMAP4Rev1 Server Version 4.9.04.012\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IMAP);
    feed(t, C2S, "C00000 CAPABILITY\r\n");
    feed(t, S2C, "* CAPABILITY IMAP4rev1 IDLE AUTH=LOGIN AUTH=PLAIN\r\nC00000 OK CAPABILITY completed\r\n");
    feed(t, C2S, "C00001 LOGIN samir pfres\r\n");
    feed(t, S2C, "C00001 OK LOGIN completed\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    check_login(t, 0, "samir", "pfres", "cleartext", "LOGIN", "success");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_SERVICE), "imap");
    det_test_free(t);
}
END_TEST

START_TEST(test_imap_login_quoted_and_literal)
{
    struct det_test *t = new_det("imap", 143);

    feed(t, S2C, "* OK Dovecot ready.\r\n");
    /* quoted strings with escapes: user "jo \"x\"", password "p\\w d" */
    feed(t, C2S, "a1 LOGIN \"jo \\\"x\\\"\" \"p\\\\w d\"\r\n");
    feed(t, S2C, "* BYE not this tag\r\nb9 OK other\r\na1 NO [AUTHENTICATIONFAILED] bad\r\n");
    /* literals: {4} then 4 octets, the command goes on, {6} with CRLF inside the literal */
    feed(t, C2S, "a2 LOGIN {4}\r\n");
    feed(t, S2C, "+ go ahead\r\n");
    feed(t, C2S, "kate {6}\r\n");
    feed(t, S2C, "+ go ahead\r\n");
    feed(t, C2S, "pw\r\nxy\r\n");
    feed(t, S2C, "a2 OK LOGIN done\r\n");
    /* LITERAL+ ({n+}: no continuation) */
    feed(t, C2S, "a3 LOGIN {3+}\r\nlee {2+}\r\nzz\r\n");
    feed(t, S2C, "a3 BAD syntax\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 3);
    check_login(t, 0, "jo \"x\"", "p\\w d", "cleartext", "LOGIN", "failure");
    check_login(t, 1, "kate", "pw\r\nxy", "cleartext", "LOGIN", "success");
    check_login(t, 2, "lee", "zz", "cleartext", "LOGIN", "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_imap_authenticate)
{
    struct det_test *t = new_det("imap", 143);

    feed(t, S2C, "* OK ready\r\n");
    /* continuation form */
    feed(t, C2S, "A1 AUTHENTICATE PLAIN\r\n");
    feed(t, S2C, "+ \r\n");
    feed(t, C2S, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "A1 NO authentication failed\r\n");
    /* SASL-IR (RFC 4959) */
    feed(t, C2S, "A2 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "A2 OK done\r\n");
    /* LOGIN mechanism: base64 user, then password */
    feed(t, C2S, "A3 AUTHENTICATE LOGIN\r\n");
    feed(t, S2C, "+ VXNlcm5hbWU6\r\n");
    feed(t, C2S, "dXNlcg==\r\n");
    feed(t, S2C, "+ UGFzc3dvcmQ6\r\n");
    feed(t, C2S, "cGFzcw==\r\n");
    feed(t, S2C, "A3 OK done\r\n");
    /* CRAM-MD5 (RFC 2195 section 2) */
    feed(t, C2S, "A4 AUTHENTICATE CRAM-MD5\r\n");
    feed(t, S2C, "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    feed(t, C2S, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
    feed(t, S2C, "A4 OK CRAM authentication successful\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 4);
    check_login(t, 0, "tim", "tanstaaftanstaaf", "base64", "PLAIN", "failure");
    check_login(t, 1, "tim", "tanstaaftanstaaf", "base64", "PLAIN", "success");
    check_login(t, 2, "user", "pass", "base64", "LOGIN", "success");
    check_login(t, 3, "tim", "b913a602c7eda7a495b4e6e7334d3890", "md5-challenge", "CRAM-MD5",
                "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_imap_starttls_and_fetch_literal)
{
    struct det_test *t = new_det("imap", 143);

    /* a FETCH body holding text that looks like a tagged reply is skipped */
    feed(t, S2C, "* OK ready\r\n");
    feed(t, C2S, "x1 LOGIN u p\r\n");
    feed(t, S2C, "* 1 FETCH (BODY[] {12}\r\nx1 OK fake\r\n)\r\nx1 NO real\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    check_login(t, 0, "u", "p", "cleartext", "LOGIN", "failure");
    det_test_free(t);

    /* zeek_tls_imap-starttls.pcap's shape */
    t = new_det("imap", 143);
    feed(t, S2C, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
    feed(t, C2S, ". CAPABILITY\r\n");
    feed(t, S2C, "* CAPABILITY IMAP4rev1\r\n. OK CAPABILITY completed\r\n");
    feed(t, C2S, ". STARTTLS\r\n");
    feed(t, S2C, ". OK Begin TLS negotiation now\r\n");
    feed(t, C2S, ". LOGIN a b\r\n");
    feed(t, S2C, ". OK\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

/* ---- SMTP ---- */

START_TEST(test_smtp_auth_login)
{
    struct det_test *t = new_det("smtp", 25);

    /* zeek_smtp.pcap's exchange, with invented credentials */
    feed(t, S2C, "220-xc90.websitewelcome.com ESMTP Exim 4.69\r\n220 and/or bulk e-mail.\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SMTP);
    feed(t, C2S, "EHLO GP\r\n");
    feed(t, S2C, "250-xc90 Hello\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n");
    feed(t, C2S, "AUTH LOGIN\r\n");
    feed(t, S2C, "334 VXNlcm5hbWU6\r\n");
    feed(t, C2S, "dXNlcg==\r\n");
    feed(t, S2C, "334 UGFzc3dvcmQ6\r\n");
    feed(t, C2S, "cGFzcw==\r\n");
    feed(t, S2C, "235 Authentication succeeded\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    check_login(t, 0, "user", "pass", "base64", "LOGIN", "success");
    ck_assert_str_eq(det_test_fact(login(t, 0), APP_FACT_SERVICE), "smtp");
    det_test_free(t);
}
END_TEST

START_TEST(test_smtp_plain_cram_and_data)
{
    struct det_test *t = new_det("smtp", 587);

    feed(t, S2C, "220 mx.example.com ESMTP\r\n");
    feed(t, C2S, "EHLO localhost\r\n");
    feed(t, S2C, "250-mx\r\n250 AUTH PLAIN CRAM-MD5\r\n");
    feed(t, C2S, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "535 5.7.8 Authentication credentials invalid\r\n");
    feed(t, C2S, "AUTH PLAIN\r\n");
    feed(t, S2C, "334 \r\n");
    feed(t, C2S, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "535 again\r\n");
    feed(t, C2S, "AUTH CRAM-MD5\r\n");
    feed(t, S2C, "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    feed(t, C2S, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
    feed(t, S2C, "235 2.7.0 ok\r\n");
    /* message content that looks like an AUTH is skipped */
    feed(t, C2S, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    feed(t, S2C, "250 ok\r\n250 ok\r\n354 go\r\n");
    feed(t, C2S, "Subject: x\r\n\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n.\r\n");
    feed(t, S2C, "250 queued\r\n535 not really\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 3);
    check_login(t, 0, "tim", "tanstaaftanstaaf", "base64", "PLAIN", "failure");
    check_login(t, 1, "tim", "tanstaaftanstaaf", "base64", "PLAIN", "failure");
    check_login(t, 2, "tim", "b913a602c7eda7a495b4e6e7334d3890", "md5-challenge", "CRAM-MD5",
                "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_smtp_starttls_stops)
{
    struct det_test *t = new_det("smtp", 25);

    /* zeek_tls_smtp-starttls.pcap's shape */
    feed(t, S2C, "220 mx.google.com ESMTP hf10si4097299icc.190 - gsmtp\r\n");
    feed(t, C2S, "EHLO openssl.client.net\r\n");
    feed(t, S2C, "250-mx.google.com at your service\r\n250-STARTTLS\r\n250 CHUNKING\r\n");
    feed(t, C2S, "STARTTLS\r\n");
    feed(t, S2C, "220 2.0.0 Ready to start TLS\r\n");
    feed(t, C2S, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "235 ok\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SMTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_smtp_data_refused_and_bdat)
{
    struct det_test *t = new_det("smtp", 25);

    feed(t, S2C, "220 mail ESMTP\r\n");
    feed(t, C2S, "DATA\r\n");
    feed(t, S2C, "554 no valid recipients\r\n");
    /* DATA was refused: this is a command again */
    feed(t, C2S, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "235 ok\r\n");
    /* a BDAT chunk holding an AUTH line is skipped by its size (41 octets) */
    feed(t, C2S, "BDAT 41 LAST\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    feed(t, S2C, "250 ok\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    det_test_free(t);
}
END_TEST

/* ---- the whole table keeps the protocols apart ---- */

START_TEST(test_table_separates)
{
    static const struct {
        const char *srv; /* server's first bytes */
        const char *cli; /* client's first bytes */
        enum app_proto want;
    } cases[] = {
        {"220 (vsFTPd 3.0.3)\r\n", "USER a\r\n", APP_PROTO_FTP},
        {"+OK POP3 ready\r\n", "USER a\r\n", APP_PROTO_POP3},
        {"* OK IMAP4rev1 ready\r\n", "a1 LOGIN a b\r\n", APP_PROTO_IMAP},
        {"220 mx ESMTP Postfix\r\n", "EHLO x\r\n", APP_PROTO_SMTP},
        {"220 Service ready\r\n", "EHLO x\r\n", APP_PROTO_SMTP},
        {"220 Service ready\r\n", "AUTH TLS\r\n", APP_PROTO_FTP},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct det_test *t = det_test_new(NULL, 6, 40000, 9999); /* an unhinted port */
        ck_assert_ptr_nonnull(t);
        feed(t, S2C, cases[i].srv);
        feed(t, C2S, cases[i].cli);
        det_test_end(t);
        ck_assert_msg(det_test_app_proto(t) == cases[i].want, "case %zu: got %d", i,
                      (int)det_test_app_proto(t));
        det_test_free(t);
    }
}
END_TEST

static Suite *det_mail_suite(void)
{
    Suite *s = suite_create("det_mail");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_pop3_user_pass);
    tcase_add_test(tc, test_pop3_apop);
    tcase_add_test(tc, test_pop3_auth_plain_continuation);
    tcase_add_test(tc, test_pop3_auth_login_and_cancel);
    tcase_add_test(tc, test_pop3_stls_stops);
    tcase_add_test(tc, test_pop3_client_only_and_redis);
    tcase_add_test(tc, test_imap_login_atoms);
    tcase_add_test(tc, test_imap_login_quoted_and_literal);
    tcase_add_test(tc, test_imap_authenticate);
    tcase_add_test(tc, test_imap_starttls_and_fetch_literal);
    tcase_add_test(tc, test_smtp_auth_login);
    tcase_add_test(tc, test_smtp_plain_cram_and_data);
    tcase_add_test(tc, test_smtp_starttls_stops);
    tcase_add_test(tc, test_smtp_data_refused_and_bdat);
    tcase_add_test(tc, test_table_separates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_mail_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
