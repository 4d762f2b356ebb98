/*
 * check_det_msn.c - unit tests for the MSN detector: MSNP line grammar and
 * scores, MIME fields, MSNSLP contexts (det_msn.h), and whole sessions
 * through the detect stage's test driver (imsentry/detect_test.h): MD5 and
 * TWN logins with their outcomes, switchboard chat from mid-stream, file
 * invitations with addresses, MSNFTP, payload skipping, gaps, 1-byte
 * delivery, and text that only quotes MSNP.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_msn.h"
#include "imsentry/detect_test.h"

static enum msn_score score(const char *line, struct msn_cmd *m)
{
    return msn_parse_line((const uint8_t *)line, strlen(line), 65536, m);
}

START_TEST(test_line_scores)
{
    struct msn_cmd m;

    ck_assert_int_eq(score("VER 1 MSNP8 CVR0", &m), MSN_SCORE_STRONG);
    ck_assert_uint_eq(m.ntok, 4);
    ck_assert_int_eq(score("USR 3 MD5 I alice@hotmail.com", &m), MSN_SCORE_STRONG);
    ck_assert_int_eq(score("USR 178 jujurius@msn.com 246503.1115372323.20879", &m),
                     MSN_SCORE_STRONG);
    ck_assert_int_eq(score("ANS 89 jujurius@msn.com 1115371039.15845 17069658", &m),
                     MSN_SCORE_STRONG);
    ck_assert_int_eq(score("XFR 10 NS 207.46.106.145:1863 0 207.46.104.20:1863", &m),
                     MSN_SCORE_STRONG);
    ck_assert_int_eq(score("VER MSNFTP", &m), MSN_SCORE_STRONG);
    ck_assert_int_eq(score("PNG", &m), MSN_SCORE_WEAK);
    ck_assert_int_eq(score("QNG 45", &m), MSN_SCORE_WEAK);
    ck_assert_int_eq(score("911 4", &m), MSN_SCORE_WEAK);
    ck_assert(m.is_error);
    /* not MSNP: other protocols and broken spacing */
    ck_assert_int_eq(score("EHLO mail.example.com", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("220 mail.example.com ESMTP", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("VER 1  MSNP8", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("VER 1 MSNP8 ", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("USR x MD5 I a@b.c", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("usr 3 MD5 I alice@hotmail.com", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("GET / HTTP/1.1", &m), MSN_SCORE_NONE);
}
END_TEST

START_TEST(test_line_payloads)
{
    struct msn_cmd m;

    ck_assert_int_eq(score("MSG 5 N 120", &m), MSN_SCORE_STRONG);
    ck_assert(m.has_payload);
    ck_assert_uint_eq(m.payload_len, 120);
    ck_assert_int_eq(score("MSG cecile260992@hotmail.com choupi 141", &m), MSN_SCORE_STRONG);
    ck_assert_uint_eq(m.payload_len, 141);
    ck_assert_int_eq(score("UUX 12 0", &m), MSN_SCORE_WEAK);
    ck_assert(m.has_payload);
    ck_assert_uint_eq(m.payload_len, 0);
    /* QRY answer without a payload: its only number is the TrID */
    ck_assert_int_eq(score("QRY 14", &m), MSN_SCORE_WEAK);
    ck_assert(!m.has_payload);
    /* over the cap: not believed */
    ck_assert_int_eq(score("MSG 5 N 99999999", &m), MSN_SCORE_NONE);
    ck_assert_int_eq(score("MSG 5 N 4294967296", &m), MSN_SCORE_NONE);
}
END_TEST

START_TEST(test_mime_helpers)
{
    /* an invitation MSG payload: MIME headers, empty line, invitation fields */
    static const char body[] = "MIME-Version: 1.0\r\n"
                               "Content-Type: text/x-msmsgsinvite; charset=UTF-8\r\n"
                               "\r\n"
                               "Application-Name: File Transfer\r\n"
                               "Application-File: Hello.exe\r\n"
                               "Application-FileSize: 28672\r\n";
    const uint8_t *b = (const uint8_t *)body;
    struct msn_span v;
    size_t off = msn_mime_body_off(b, strlen(body));

    ck_assert(msn_mime_field(b, strlen(body), "content-type", true, &v));
    ck_assert_uint_eq(v.len, strlen("text/x-msmsgsinvite; charset=UTF-8"));
    /* invitation fields are past the headers: not found with headers_only */
    ck_assert(!msn_mime_field(b, strlen(body), "Application-File", true, &v));
    ck_assert_uint_eq(off, strlen("MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; "
                                  "charset=UTF-8\r\n\r\n"));
    ck_assert(msn_mime_field(b + off, strlen(body) - off, "Application-File", false, &v));
    ck_assert_uint_eq(v.len, 9);
    ck_assert(memcmp(v.p, "Hello.exe", 9) == 0);
    /* Application-File must not match the longer Application-FileSize */
    ck_assert(msn_mime_field(b + off, strlen(body) - off, "Application-FileSize", false, &v));
    ck_assert(memcmp(v.p, "28672", 5) == 0);

    ck_assert(msn_file_is_executable((const uint8_t *)"Hello.exe", 9));
    ck_assert(msn_file_is_executable((const uint8_t *)"PIC.SCR", 7));
    ck_assert(!msn_file_is_executable((const uint8_t *)"photo.jpg", 9));
    ck_assert(!msn_file_is_executable((const uint8_t *)".exe", 4));
}
END_TEST

START_TEST(test_base64_context)
{
    /* "Man" -> "TWFu" (RFC 4648 section 9) and "Ma" -> "TWE=" */
    uint8_t out[16];
    ck_assert_int_eq(msn_base64((const uint8_t *)"TWFu", 4, out, sizeof(out)), 3);
    ck_assert(memcmp(out, "Man", 3) == 0);
    ck_assert_int_eq(msn_base64((const uint8_t *)"TWE=", 4, out, sizeof(out)), 2);
    ck_assert_int_eq(msn_base64((const uint8_t *)"TW!u", 4, out, sizeof(out)), -1);

    /*
     * MSNSLP file context: header length 574 (3E 02 00 00), version 2, file
     * size 28672 (00 70 00 00 00 00 00 00), type 0, name "a.exe" UTF-16LE.
     */
    uint8_t ctx[40] = {0x3e, 0x02, 0, 0, 2, 0, 0, 0, 0x00, 0x70, 0, 0, 0, 0, 0, 0,
                       0, 0, 0, 0, 'a', 0, '.', 0, 'e', 0, 'x', 0, 'e', 0, 0, 0};
    static const char b64[] = "PgIAAAIAAAAAcAAAAAAAAAAAAABhAC4AZQB4AGUAAAAAAAAAAAAAAA==";
    char name[32];
    uint64_t size = 0;
    uint8_t dec[64];
    ck_assert_int_eq(msn_base64((const uint8_t *)b64, strlen(b64), dec, sizeof(dec)), 40);
    ck_assert(memcmp(dec, ctx, 40) == 0);
    ck_assert(msn_p2p_context((const uint8_t *)b64, strlen(b64), name, sizeof(name), &size));
    ck_assert_str_eq(name, "a.exe");
    ck_assert_uint_eq(size, 28672);
}
END_TEST

/* ---- whole sessions through the driver ---- */

static struct det_test *msn_new(uint16_t sport)
{
    struct det_test *t = det_test_new("msn", 6, 40000, sport);
    ck_assert_ptr_nonnull(t);
    return t;
}

static void cli(struct det_test *t, const char *s)
{
    det_test_feed(t, FLOW_TOSERVER, s, strlen(s));
}

static void srv(struct det_test *t, const char *s)
{
    det_test_feed(t, FLOW_TOCLIENT, s, strlen(s));
}

#define HASH "0212eaad0876afb8505859ca75d21a78"

static void md5_login(struct det_test *t, const char *answer)
{
    cli(t, "VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0\r\n");
    srv(t, "VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0\r\n");
    cli(t, "CVR 2 0x0409 win 4.10 i386 MSNMSGR 4.6.0082 MSMSGS alice@hotmail.com\r\n");
    srv(t, "CVR 2 4.6.0083 4.6.0083 1.0.0863 http://x/MsnSetup.exe http://x/\r\n");
    cli(t, "USR 3 MD5 I alice@hotmail.com\r\n");
    srv(t, "USR 3 MD5 S 989048851.1851137130\r\n");
    cli(t, "USR 4 MD5 S " HASH "\r\n");
    srv(t, answer);
}

START_TEST(test_md5_login_success)
{
    struct det_test *t = msn_new(1863);
    const struct det_test_event *e;

    md5_login(t, "USR 4 OK alice@hotmail.com Alice\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice@hotmail.com");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "md5-challenge");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), HASH);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "MSNMSGR 4.6.0082");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "msn");
    det_test_free(t);
}
END_TEST

START_TEST(test_md5_login_failure)
{
    struct det_test *t = msn_new(1863);
    const struct det_test_event *e;

    md5_login(t, "911 4\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_refused_before_secret)
{
    /* the server refuses the user before any hash was sent: nothing exposed */
    struct det_test *t = msn_new(1863);

    cli(t, "VER 1 MSNP7 CVR0\r\n");
    cli(t, "USR 3 MD5 I alice@hotmail.com\r\n");
    srv(t, "911 3\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_twn_login_one_byte)
{
    /* MSNP8 TWN login delivered one byte at a time; no answer: outcome unknown at the end */
    static const char c2s[] = "VER 1 MSNP8 CVR0\r\n"
                              "USR 2 TWN I bob@passport.com\r\n"
                              "USR 3 TWN S t=53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p&p=7\r\n";
    struct det_test *t = msn_new(1863);
    const struct det_test_event *e;

    srv(t, "VER 1 MSNP8 CVR0\r\n");
    for (size_t i = 0; i < strlen(c2s); i++)
        det_test_feed(t, FLOW_TOSERVER, c2s + i, 1);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "bob@passport.com");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "hashed");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD),
                     "t=53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p&p=7");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "TWN");
    det_test_free(t);
}
END_TEST

/* A text/plain MSG payload from the real switchboard capture's shape (141 bytes). */
static const char chat_body[] =
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "X-MMS-IM-Format: FN=Lucida%20Grande; EF=; CO=C81ABB; CS=0; PF=2\r\n"
    "\r\n"
    "je te comprend";

START_TEST(test_switchboard_midstream)
{
    /* no SYN, no login: ANS/IRO/MSG as in msn/ndpi_msnms.pcap, server side first */
    struct det_test *t = msn_new(1863);
    char line[64];
    const struct det_test_event *e;

    ck_assert_uint_eq(strlen(chat_body), 141);
    srv(t, "IRO 89 1 1 cecile@hotmail.com choupi\r\n");
    cli(t, "ANS 89 jujurius@msn.com 1115371039.15845 17069658\r\n");
    srv(t, "ANS 89 OK\r\n");
    snprintf(line, sizeof(line), "MSG cecile@hotmail.com choupi %zu\r\n", strlen(chat_body));
    srv(t, line);
    srv(t, chat_body);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_MESSAGE), 1);
    e = det_test_find(t, APP_EVENT_MESSAGE, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "cecile@hotmail.com");
    /* the text itself is never a fact */
    for (unsigned i = 0; i < e->n_facts; i++)
        ck_assert_ptr_null(strstr(e->facts[i].val, "comprend"));
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_SESSION_COOKIE), 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_first_line_cut)
{
    /* capture starts inside a MSG payload: the tail line is skipped, then commands */
    struct det_test *t = msn_new(1863);

    cli(t, "ypingUser: jujurius@msn.com\r\n\r\nMSG 77 U 3\r\nabcPNG\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    det_test_free(t);
}
END_TEST

START_TEST(test_invite_hello_exe)
{
    static const char inv[] = "MIME-Version: 1.0\r\n"
                              "Content-Type: text/x-msmsgsinvite; charset=UTF-8\r\n"
                              "\r\n"
                              "Application-Name: File Transfer\r\n"
                              "Application-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}\r\n"
                              "Invitation-Command: INVITE\r\n"
                              "Invitation-Cookie: 4321\r\n"
                              "Application-File: Hello.exe\r\n"
                              "Application-FileSize: 28672\r\n\r\n";
    static const char acc[] = "MIME-Version: 1.0\r\n"
                              "Content-Type: text/x-msmsgsinvite; charset=UTF-8\r\n"
                              "\r\n"
                              "Invitation-Command: ACCEPT\r\n"
                              "Invitation-Cookie: 4321\r\n"
                              "IP-Address: 192.168.1.20\r\n"
                              "Port: 6891\r\n"
                              "AuthCookie: 99887766\r\n\r\n";
    struct det_test *t = msn_new(1863);
    char line[64];
    const struct det_test_event *e;

    snprintf(line, sizeof(line), "MSG mallory@hotmail.com Mal %zu\r\n", strlen(inv));
    srv(t, line);
    srv(t, inv);
    snprintf(line, sizeof(line), "MSG 7 N %zu\r\n", strlen(acc));
    cli(t, line);
    cli(t, acc);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_SIZE), "28672");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_TYPE), "executable");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "mallory@hotmail.com");
    e = det_test_find(t, APP_EVENT_DIRECT_CONNECT, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.168.1.20:6891");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS), "192.168.1.20:6891");
    det_test_free(t);
}
END_TEST

START_TEST(test_payload_is_skipped)
{
    /* a chat line that quotes a login must not be taken for one */
    static const char body[] = "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
                               "USR 4 MD5 S " HASH "\r\nUSR 4 OK x@y.z X\r\n";
    struct det_test *t = msn_new(1863);
    char line[64];

    cli(t, "USR 3 MD5 I alice@hotmail.com\r\n");
    snprintf(line, sizeof(line), "MSG 5 N %zu\r\n", strlen(body));
    cli(t, line);
    cli(t, body);
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_MESSAGE), 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_gap_resync)
{
    /* a hole cuts a line: the rest of that line is dropped, the next one parses */
    struct det_test *t = msn_new(1863);

    cli(t, "VER 1 MSNP7 CVR0\r\nUSR 3 MD5 I alice@hotmail.com\r\nUSR 4 MD");
    det_test_gap(t, FLOW_TOSERVER, 10);
    cli(t, "5 S " HASH "\r\nUSR 5 MD5 S " HASH "\r\n");
    srv(t, "USR 5 OK alice@hotmail.com Alice\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(det_test_find(t, APP_EVENT_LOGIN, 0), APP_FACT_LOGIN_OUTCOME),
                     "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_msnftp)
{
    struct det_test *t = msn_new(6891);
    const struct det_test_event *e;
    /* block header: flag 0, length 4 (LE), then 4 file bytes */
    static const uint8_t block[] = {0x00, 0x04, 0x00, 'M', 'Z', 0x90, 0x00};

    cli(t, "VER MSNFTP\r\n");
    srv(t, "VER MSNFTP\r\n");
    cli(t, "USR bob@hotmail.com 99887766\r\n");
    srv(t, "FIL 4\r\n");
    cli(t, "TFR\r\n");
    det_test_feed(t, FLOW_TOCLIENT, block, sizeof(block));
    cli(t, "BYE 16777989\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_MSN);
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_SIZE), "4");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "bob@hotmail.com");
    det_test_free(t);
}
END_TEST

START_TEST(test_negatives)
{
    /* a web page quoting MSNP, and SMTP with USR words: never msn */
    struct det_test *t = msn_new(80);

    cli(t, "GET /msn.html HTTP/1.1\r\nHost: example.com\r\n\r\n");
    srv(t, "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n<pre>\r\nVER 1 MSNP8 CVR0\r\nYMSG\r\n</pre>");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_MSN);
    det_test_free(t);

    t = msn_new(25);
    srv(t, "220 mail.example.com ESMTP\r\n");
    cli(t, "EHLO client\r\nMAIL FROM:<usr@example.com>\r\n");
    srv(t, "250 ok\r\n");
    cli(t, "DATA\r\n");
    cli(t, "USR 3 MD5 I alice@hotmail.com\r\nUSR 4 MD5 S " HASH "\r\n.\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_MSN);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

static Suite *det_msn_suite(void)
{
    Suite *s = suite_create("det_msn");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_line_scores);
    tcase_add_test(tc, test_line_payloads);
    tcase_add_test(tc, test_mime_helpers);
    tcase_add_test(tc, test_base64_context);
    suite_add_tcase(s, tc);
    tc = tcase_create("sessions");
    tcase_add_test(tc, test_md5_login_success);
    tcase_add_test(tc, test_md5_login_failure);
    tcase_add_test(tc, test_refused_before_secret);
    tcase_add_test(tc, test_twn_login_one_byte);
    tcase_add_test(tc, test_switchboard_midstream);
    tcase_add_test(tc, test_first_line_cut);
    tcase_add_test(tc, test_invite_hello_exe);
    tcase_add_test(tc, test_payload_is_skipped);
    tcase_add_test(tc, test_gap_resync);
    tcase_add_test(tc, test_msnftp);
    tcase_add_test(tc, test_negatives);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_msn_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
