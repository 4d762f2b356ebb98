/*
 * check_det_yahoo.c - unit tests for the Yahoo! detector: YMSG header and
 * key/value parsing (det_yahoo.h), and sessions through the detect stage's
 * test driver: the real capture's lone keep-alive, an AUTH/AUTHRESP login
 * with success and failure, messages, file transfer, resync after junk,
 * text that only quotes "YMSG", and the HTTP login GET.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_yahoo.h"
#include "imsentry/detect_test.h"

/*
 * The keep-alive of yahoo/zeek_smtp_ymsg5050_keepalive.pcap: "YMSG", version
 * 16, vendor 0, body 21 bytes, service 0x8a, status 0, session 0x004037b7,
 * body "0" C0 80 "albertzaharovits" C0 80.
 */
static const uint8_t keepalive[] = {
    'Y', 'M', 'S', 'G', 0x00, 0x10, 0x00, 0x00, 0x00, 0x15, 0x00, 0x8a, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x40, 0x37, 0xb7, '0', 0xc0, 0x80, 'a', 'l', 'b', 'e', 'r',
    't', 'z', 'a', 'h', 'a', 'r', 'o', 'v', 'i', 't', 's', 0xc0, 0x80};

START_TEST(test_header)
{
    struct ymsg_hdr h;
    uint8_t bad[sizeof(keepalive)];

    ck_assert(ymsg_hdr_parse(keepalive, sizeof(keepalive), &h));
    ck_assert_uint_eq(h.version, 16);
    ck_assert_uint_eq(h.body_len, 21);
    ck_assert_uint_eq(h.service, 0x8a);
    ck_assert_uint_eq(h.session, 0x004037b7);
    ck_assert(!ymsg_hdr_parse(keepalive, 19, &h)); /* short */
    memcpy(bad, keepalive, sizeof(bad));
    bad[4] = 0x20; /* version 0x2010: text, not a version */
    ck_assert(!ymsg_hdr_parse(bad, sizeof(bad), &h));
}
END_TEST

START_TEST(test_kv)
{
    struct ymsg_kv_iter it;
    struct ymsg_kv kv;
    const uint8_t *v;
    size_t n;

    ymsg_kv_init(&it, keepalive + 20, 21);
    ck_assert(ymsg_kv_next(&it, &kv));
    ck_assert_uint_eq(kv.key, 0);
    ck_assert_uint_eq(kv.val_len, 16);
    ck_assert(memcmp(kv.val, "albertzaharovits", 16) == 0);
    ck_assert(!ymsg_kv_next(&it, &kv));
    ck_assert(ymsg_body_valid(keepalive + 20, 21));
    ck_assert(!ymsg_body_valid(keepalive + 20, 20)); /* last separator cut */
    ck_assert(ymsg_body_valid(keepalive, 0));
    ck_assert(ymsg_body_get(keepalive + 20, 21, 0, &v, &n));
    ck_assert(!ymsg_body_get(keepalive + 20, 21, 1, &v, &n));
    /* a key that is not a number */
    ck_assert(!ymsg_body_valid((const uint8_t *)"a\xc0\x80" "b\xc0\x80", 6));
}
END_TEST

START_TEST(test_find_frame)
{
    uint8_t buf[64];
    bool complete;

    memset(buf, 'x', sizeof(buf));
    memcpy(buf + 7, keepalive, sizeof(keepalive));
    ck_assert_int_eq(ymsg_find_frame(buf, 7 + sizeof(keepalive), &complete), 7);
    ck_assert(complete);
    /* away from offset 0 an incomplete frame does not count */
    ck_assert_int_eq(ymsg_find_frame(buf, 7 + sizeof(keepalive) - 1, &complete), -1);
    ck_assert_int_eq(ymsg_find_frame(keepalive, 25, &complete), 0);
    ck_assert(!complete);
}
END_TEST

/* Builds a frame: header (version 12) + "k C0 80 v C0 80" for each pair of kvs. */
static size_t frame(uint8_t *out, size_t cap, uint16_t svc, uint32_t status,
                    const char *const *kvs, unsigned n)
{
    size_t len = 20;

    for (unsigned i = 0; i < n; i++) {
        size_t l = strlen(kvs[i]);
        ck_assert(len + l + 2 <= cap);
        memcpy(out + len, kvs[i], l);
        len += l;
        out[len++] = 0xc0;
        out[len++] = 0x80;
    }
    memcpy(out, "YMSG\x00\x0c\x00\x00", 8);
    out[8] = (uint8_t)((len - 20) >> 8);
    out[9] = (uint8_t)(len - 20);
    out[10] = (uint8_t)(svc >> 8);
    out[11] = (uint8_t)svc;
    out[12] = (uint8_t)(status >> 24);
    out[13] = (uint8_t)(status >> 16);
    out[14] = (uint8_t)(status >> 8);
    out[15] = (uint8_t)status;
    memcpy(out + 16, "\x00\x00\x12\x34", 4);
    return len;
}

static void send_frame(struct det_test *t, enum flow_dir dir, uint16_t svc, uint32_t status,
                       const char *const *kvs, unsigned n)
{
    uint8_t buf[512];
    size_t len = frame(buf, sizeof(buf), svc, status, kvs, n);
    det_test_feed(t, dir, buf, len);
}

static void login(struct det_test *t)
{
    static const char *const auth[] = {"1", "alice_y"};
    static const char *const chal[] = {"1", "alice_y", "94", "CHALLENGE.0123abcd", "13", "1"};
    static const char *const resp[] = {"6", "Qk9HVVMtUkVTUE9OU0UtNg--", "96", "SEFTSC05Ng--",
                                       "0", "alice_y", "2", "alice_y", "135", "5, 5, 0, 1246"};
    send_frame(t, FLOW_TOSERVER, 0x57, 0, auth, 2);
    send_frame(t, FLOW_TOCLIENT, 0x57, 1, chal, 6);
    send_frame(t, FLOW_TOSERVER, 0x54, 0xc, resp, 10);
}

START_TEST(test_keepalive_alone)
{
    struct det_test *t = det_test_new("yahoo", 6, 49285, 5050);

    det_test_feed(t, FLOW_TOSERVER, keepalive, sizeof(keepalive));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_YAHOO);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_PROTO_MSG), 1);
    ck_assert_str_eq(det_test_fact(det_test_find(t, APP_EVENT_PROTO_MSG, 0), APP_FACT_MSG_TYPE),
                     "keepalive");
    det_test_free(t);
}
END_TEST

START_TEST(test_login_success)
{
    static const char *const list[] = {"87", "Friends:bob_y", "3", "alice_y"};
    struct det_test *t = det_test_new("yahoo", 6, 40000, 23);
    const struct det_test_event *e;

    login(t);
    send_frame(t, FLOW_TOCLIENT, 0x55, 0, list, 4);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_YAHOO);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice_y");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "hashed");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "Qk9HVVMtUkVTUE9OU0UtNg--");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "5, 5, 0, 1246");
    det_test_free(t);
}
END_TEST

START_TEST(test_login_failure_one_byte)
{
    /* the server refuses with AUTHRESP key 66 = 13 (bad password); fed a byte at a time */
    static const char *const err[] = {"66", "13"};
    uint8_t buf[128];
    struct det_test *t = det_test_new("yahoo", 6, 40000, 5050);
    size_t len = frame(buf, sizeof(buf), 0x54, 0xffffffffu, err, 2);

    login(t);
    for (size_t i = 0; i < len; i++)
        det_test_feed(t, FLOW_TOCLIENT, buf + i, 1);
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    ck_assert_str_eq(det_test_fact(det_test_find(t, APP_EVENT_LOGIN, 0), APP_FACT_LOGIN_OUTCOME),
                     "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_message_and_file)
{
    static const char *const msg[] = {"1", "alice_y", "5", "bob_y", "14", "secret text"};
    static const char *const ft[] = {"1", "alice_y", "5", "bob_y", "265", "tok",
                                     "27", "setup.exe", "28", "28672"};
    struct det_test *t = det_test_new("yahoo", 6, 40000, 5050);
    const struct det_test_event *e;

    /* junk before the first frame (capture started mid-frame) */
    det_test_feed(t, FLOW_TOSERVER, "xx\xc0\x80zz", 6);
    send_frame(t, FLOW_TOSERVER, 0x06, 0, msg, 6);
    send_frame(t, FLOW_TOSERVER, 0xdc, 0, ft, 10);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_YAHOO);
    e = det_test_find(t, APP_EVENT_MESSAGE, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice_y");
    for (unsigned i = 0; i < e->n_facts; i++)
        ck_assert_ptr_null(strstr(e->facts[i].val, "secret"));
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "setup.exe");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_SIZE), "28672");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_TYPE), "executable");
    det_test_free(t);
}
END_TEST

START_TEST(test_quoted_ymsg)
{
    /* a text page that mentions YMSG: never yahoo */
    static const char page[] = "The YMSG protocol: YMSG header, then pairs. YMSG YMSG\r\n";
    struct det_test *t = det_test_new("yahoo", 6, 40000, 5050);

    for (int i = 0; i < 12; i++)
        det_test_feed(t, FLOW_TOCLIENT, page, strlen(page));
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_YAHOO);
    det_test_free(t);
}
END_TEST

START_TEST(test_http_login)
{
    static const char req[] = "GET /config/ncclogin?.src=bl&login=alice_y&passwd=s%65cr%21t&n=1 "
                              "HTTP/1.0\r\nHost: msg.edit.yahoo.com\r\n\r\n";
    static const char proxied[] = "GET http://login.yahoo.com/config/login?login=bob_y&passwd=pw"
                                  " HTTP/1.0\r\nHost: login.yahoo.com\r\n\r\n";
    struct det_test *t = det_test_new(NULL, 6, 40000, 80);
    const struct det_test_event *e;

    det_test_feed(t, FLOW_TOSERVER, req, strlen(req));
    det_test_feed(t, FLOW_TOCLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 38);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_YAHOO);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice_y");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "secr!t");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "cleartext");
    det_test_free(t);

    t = det_test_new(NULL, 6, 40000, 8080);
    det_test_feed(t, FLOW_TOSERVER, proxied, strlen(proxied));
    det_test_end(t);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "bob_y");
    det_test_free(t);
}
END_TEST

static Suite *det_yahoo_suite(void)
{
    Suite *s = suite_create("det_yahoo");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_header);
    tcase_add_test(tc, test_kv);
    tcase_add_test(tc, test_find_frame);
    suite_add_tcase(s, tc);
    tc = tcase_create("sessions");
    tcase_add_test(tc, test_keepalive_alone);
    tcase_add_test(tc, test_login_success);
    tcase_add_test(tc, test_login_failure_one_byte);
    tcase_add_test(tc, test_message_and_file);
    tcase_add_test(tc, test_quoted_ymsg);
    tcase_add_test(tc, test_http_login);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_yahoo_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
