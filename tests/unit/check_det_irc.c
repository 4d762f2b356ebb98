/*
 * check_det_irc.c - the IRC detector (src/detect/det_irc.c): line
 * classification, probing (whitespace, mid-stream numerics, near misses),
 * PASS / OPER / NickServ IDENTIFY logins with their outcomes, messages and
 * DCC offers, through the detect stage's test driver.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_irc.h"
#include "imsentry/detect_test.h"

#define S(x) (const uint8_t *)(x), strlen(x)

/* Feeds a C string to one direction. */
static void feed(struct det_test *t, enum flow_dir dir, const char *s)
{
    det_test_feed(t, dir, s, strlen(s));
}

/* The n-th (from 0) event of a type, or NULL. */
static const struct det_test_event *nth(const struct det_test *t, enum app_event_type type,
                                        unsigned n)
{
    for (unsigned i = 0; i < det_test_n_events(t); i++) {
        const struct det_test_event *e = det_test_event(t, i);
        if (e->type == type && n-- == 0)
            return e;
    }
    return NULL;
}

static struct det_test *irc_new(uint16_t port)
{
    struct det_test *t = det_test_new("irc", 6, 40000, port);
    ck_assert_ptr_nonnull(t);
    return t;
}

START_TEST(test_classify)
{
    /* client registration commands */
    ck_assert_int_eq(irc_classify(S("NICK tim")), IRC_LINE_CLIENT);
    ck_assert_int_eq(irc_classify(S("USER tim tim 127.0.0.1 :Tim")), IRC_LINE_CLIENT);
    ck_assert_int_eq(irc_classify(S("PASS l0m3za")), IRC_LINE_WEAK);
    ck_assert_int_eq(irc_classify(S("CAP LS")), IRC_LINE_CLIENT);
    /* odd whitespace as real clients send it (zeek irc-whitespace) */
    ck_assert_int_eq(irc_classify(S("    NICK brotest")), IRC_LINE_CLIENT);
    ck_assert_int_eq(irc_classify(S("USER brotest * * * * * ")), IRC_LINE_CLIENT);
    /* server lines */
    ck_assert_int_eq(irc_classify(S(":irc.example 001 tim :Welcome to IRC")), IRC_LINE_SERVER);
    ck_assert_int_eq(irc_classify(S(":hunt3d.devilz.net NOTICE AUTH :*** Looking up")),
                     IRC_LINE_SERVER);
    ck_assert_int_eq(irc_classify(S(":leguin.freenode.net NOTICE * :*** Checking Ident")),
                     IRC_LINE_SERVER);
    /* bare IRC-only numeric (zeek irc-353 starts with "353 ") */
    ck_assert_int_eq(irc_classify(S("353 ")), IRC_LINE_BARE);
    /* FTP / SMTP replies and HTTP are not IRC */
    ck_assert_int_eq(irc_classify(S("220 ftp.example FTP server ready")), IRC_LINE_OTHER);
    ck_assert_int_eq(irc_classify(S("331 Password required")), IRC_LINE_OTHER);
    ck_assert_int_eq(irc_classify(S("250 OK")), IRC_LINE_OTHER);
    ck_assert_int_eq(irc_classify(S("GET / HTTP/1.1")), IRC_LINE_OTHER);
    ck_assert_int_eq(irc_classify(S("USER bob")), IRC_LINE_OTHER); /* FTP/POP3 USER */
    ck_assert_int_eq(irc_classify(S("PASS")), IRC_LINE_OTHER);
    ck_assert_int_eq(irc_classify(S("")), IRC_LINE_OTHER);
}
END_TEST

/* PASS before NICK (sv_irc.pcap's order), welcome = success. */
START_TEST(test_pass_success)
{
    struct det_test *t = irc_new(6667);
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "PASS l0m3za\r\n");
    feed(t, FLOW_TOSERVER, "NICK damn-0262937047\r\nUSER ghm 0 0 :damn-0262937047\r\n");
    feed(t, FLOW_TOCLIENT, ":hunt3d.devilz.net NOTICE AUTH :*** Looking up your hostname...\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0); /* held until the reply */
    feed(t, FLOW_TOCLIENT, ":hunt3d.devilz.net 001 damn-0262937047 :Welcome\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_int_eq(e->proto, APP_PROTO_IRC);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "damn-0262937047");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "l0m3za");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "cleartext");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "PASS");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "irc");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1); /* nothing more at the end */
    det_test_free(t);
}
END_TEST

START_TEST(test_pass_failure_and_unknown)
{
    struct det_test *t = irc_new(7000);
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "NICK bob\r\nPASS wrong\r\nUSER bob 0 * :Bob\r\n");
    feed(t, FLOW_TOCLIENT, ":irc.example 464 bob :Password incorrect\r\n");
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "bob");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);

    /* No reply before the end: unknown, reported at finish. */
    t = irc_new(6667);
    feed(t, FLOW_TOSERVER, "PASS secret\r\nNICK carol\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_end(t);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "carol");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

/* OPER twice as in zeek irc-more-commands: "OPER tim fail" (491), "OPER tim test" (381). */
START_TEST(test_oper)
{
    struct det_test *t = irc_new(6667);
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "CAP LS\r\nPASS test\r\nNICK tim\r\nUSER tim tim 127.0.0.1 :Tim\r\n");
    feed(t, FLOW_TOCLIENT, ":ircd1.local 001 tim :Welcome\r\n");
    feed(t, FLOW_TOSERVER, "OPER tim fail\r\n");
    feed(t, FLOW_TOCLIENT, ":ircd1.local 491 tim :Invalid oper credentials\r\n");
    feed(t, FLOW_TOSERVER, "OPER tim test\r\n");
    feed(t, FLOW_TOCLIENT, ":ircd1.local 381 tim :You are now an IRC operator\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 3);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "PASS");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    e = nth(t, APP_EVENT_LOGIN, 1);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "OPER");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "tim");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "fail");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    e = nth(t, APP_EVENT_LOGIN, 2);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "test");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_identify)
{
    struct det_test *t = irc_new(6667);
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "NICK dave\r\nUSER dave 0 * :Dave\r\n");
    feed(t, FLOW_TOSERVER, "PRIVMSG NickServ :IDENTIFY hunter2\r\n");
    feed(t, FLOW_TOCLIENT, ":NickServ!services@irc.example NOTICE dave :Password accepted - "
                           "you are now recognized.\r\n");
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "dave");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "hunter2");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "IDENTIFY");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_MESSAGE), 0); /* not a chat message */
    /* With an account name, and a failure. */
    feed(t, FLOW_TOSERVER, "NICKSERV IDENTIFY dave_alt sesame\r\n");
    feed(t, FLOW_TOCLIENT, ":NickServ!s@x NOTICE dave :Invalid password for dave_alt.\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 2);
    e = nth(t, APP_EVENT_LOGIN, 1);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "dave_alt");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "sesame");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

/* A DCC SEND of Hello.exe from 192.168.1.10 (3232235786) port 5000, 23552 bytes. */
START_TEST(test_dcc_send)
{
    struct det_test *t = irc_new(6667);
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "NICK eve\r\nUSER eve 0 * :Eve\r\n");
    feed(t, FLOW_TOSERVER, "PRIVMSG bob :hi there\r\n");
    feed(t, FLOW_TOSERVER, "PRIVMSG bob :\001DCC SEND Hello.exe 3232235786 5000 23552\001\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_MESSAGE), 1);
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_SIZE), "23552");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_TYPE), "executable");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.168.1.10:5000");
    e = det_test_find(t, APP_EVENT_DIRECT_CONNECT, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.168.1.10:5000");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS), "192.168.1.10:5000");
    /* Quoted name with a blank, received from the server side; bad ip ignored. */
    feed(t, FLOW_TOCLIENT,
         ":x!y@z PRIVMSG eve :\001DCC SEND \"my file.zip\" 3221225985 6000\001\r\n");
    feed(t, FLOW_TOCLIENT, ":x!y@z PRIVMSG eve :\001DCC SEND a.exe 99999999999 6000\001\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_FILE_TRANSFER), 2);
    e = nth(t, APP_EVENT_FILE_TRANSFER, 1);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "my file.zip");
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_FILE_TYPE));
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.0.2.1:6000");
    det_test_free(t);
}
END_TEST

/* One byte per delivery, with the odd whitespace of zeek irc-whitespace. */
START_TEST(test_tiny_segments)
{
    struct det_test *t = irc_new(6667);
    const char *c = "PASS pw\r\n    NICK brotest\r\nUSER brotest * * * * * \r\n";
    const char *s = ":sendak.freenode.net 001 brotest :Welcome\r\n";
    const struct det_test_event *e;

    for (size_t i = 0; c[i]; i++)
        det_test_feed(t, FLOW_TOSERVER, c + i, 1);
    for (size_t i = 0; s[i]; i++)
        det_test_feed(t, FLOW_TOCLIENT, s + i, 1);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "brotest");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_probe)
{
    struct det_test *t;

    /* Mid-stream on 6666: the client side sends a bare 353 (zeek irc-353). */
    t = irc_new(6666);
    feed(t, FLOW_TOSERVER, "353 \n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_free(t);
    /* The server side alone identifies the flow. */
    t = irc_new(7000);
    feed(t, FLOW_TOCLIENT, ":irc.example NOTICE AUTH :*** Looking up your hostname...\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_free(t);
    /* HTTP on the IRC port is not IRC. */
    t = irc_new(6667);
    feed(t, FLOW_TOSERVER, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_free(t);
    /* FTP greeting and login are not IRC. */
    t = irc_new(6667);
    feed(t, FLOW_TOCLIENT, "220 ftp.example ready\r\n");
    feed(t, FLOW_TOSERVER, "USER anonymous\r\nPASS a@b\r\n");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_IRC);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
    /* Binary is not IRC. */
    t = irc_new(6667);
    feed(t, FLOW_TOSERVER, "\x13" "BitTorrent protocol");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_IRC);
    det_test_free(t);
}
END_TEST

/* A gap loses the partial line but later lines parse. */
START_TEST(test_gap)
{
    struct det_test *t = irc_new(6667);

    feed(t, FLOW_TOSERVER, "NICK frank\r\nPASS abc");
    det_test_gap(t, FLOW_TOSERVER, 100);
    feed(t, FLOW_TOSERVER, "def\r\nOPER frank pw\r\n");
    feed(t, FLOW_TOCLIENT, ":s 381 frank :You are now an IRC operator\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(det_test_find(t, APP_EVENT_LOGIN, 0), APP_FACT_PASSWORD), "pw");
    det_test_free(t);
}
END_TEST

static Suite *irc_suite(void)
{
    Suite *s = suite_create("det_irc");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_classify);
    tcase_add_test(tc, test_pass_success);
    tcase_add_test(tc, test_pass_failure_and_unknown);
    tcase_add_test(tc, test_oper);
    tcase_add_test(tc, test_identify);
    tcase_add_test(tc, test_dcc_send);
    tcase_add_test(tc, test_tiny_segments);
    tcase_add_test(tc, test_probe);
    tcase_add_test(tc, test_gap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(irc_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
