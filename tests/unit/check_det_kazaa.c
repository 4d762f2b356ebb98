/*
 * check_det_kazaa.c - the KaZaA detector (src/detect/det_kazaa.c): the
 * GIVE push connection with the download that follows, the UDP ping, and
 * near misses.  (The HTTP file server path runs through det_http and is
 * covered by the golden cases.)
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/detect_test.h"

static void feed(struct det_test *t, enum flow_dir dir, const char *s)
{
    det_test_feed(t, dir, s, strlen(s));
}

START_TEST(test_give)
{
    struct det_test *t = det_test_new("kazaa", 6, 40000, 1214);
    const struct det_test_event *e;

    ck_assert_ptr_nonnull(t);
    feed(t, FLOW_TOSERVER, "GIVE 1234567\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_KAZAA);
    e = det_test_find(t, APP_EVENT_FILE_SHARING, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "push");
    feed(t, FLOW_TOCLIENT, "GET /.hash=0123456789abcdef0123456789abcdef01234567 HTTP/1.1\r\n"
                           "UserAgent: KazaaClient Jan 26 2002 19:06:50\r\n"
                           "X-Kazaa-Username: alice\r\nX-Kazaa-Network: KaZaA\r\n"
                           "X-Kazaa-IP: 192.168.1.20:1214\r\n"
                           "X-Kazaa-SupernodeIP: 198.51.100.7:1214\r\n\r\n");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_FILE_SHARING), 2);
    e = det_test_find(t, APP_EVENT_FILE_SHARING, (unsigned)(e - det_test_event(t, 0)) + 1);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "download");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.168.1.20:1214");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS), "192.168.1.20:1214");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "KazaaClient Jan 26 2002 19:06:50");
    det_test_free(t);
}
END_TEST

START_TEST(test_give_near_misses)
{
    struct det_test *t = det_test_new("kazaa", 6, 40000, 1214);

    feed(t, FLOW_TOSERVER, "GIVE me the file\r\n");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_KAZAA);
    det_test_free(t);
    t = det_test_new("kazaa", 6, 40000, 1214);
    det_test_feed(t, FLOW_TOSERVER, "\x8f\x21\x07\x99\x00\x01\x02", 7); /* encrypted supernode */
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_KAZAA);
    det_test_free(t);
}
END_TEST

START_TEST(test_udp)
{
    struct det_test *t = det_test_new("kazaa-udp", 17, 3531, 1214);
    /* FastTrack UDP ping: type 0x27, min enc type 0x80, unknown 0x00 0x00 0x00, "KaZaA" NUL. */
    static const uint8_t ping[] = {0x27, 0x00, 0x00, 0x00, 0x80, 'K', 'a', 'Z', 'a', 'A', 0x00};

    ck_assert_ptr_nonnull(t);
    det_test_feed(t, FLOW_TOSERVER, ping, sizeof(ping));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_KAZAA);
    ck_assert_ptr_nonnull(det_test_find(t, APP_EVENT_PROTO_MSG, 0));
    ck_assert_str_eq(det_test_fact(det_test_find(t, APP_EVENT_PROTO_MSG, 0), APP_FACT_MSG_TYPE),
                     "udp_ping");
    det_test_free(t);
    /* "kazaa" in a DNS name is not a ping. */
    t = det_test_new("kazaa-udp", 17, 3531, 53);
    det_test_feed(t, FLOW_TOSERVER, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05kazaa", 18);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_KAZAA);
    det_test_free(t);
}
END_TEST

static Suite *kz_suite(void)
{
    Suite *s = suite_create("det_kazaa");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_give);
    tcase_add_test(tc, test_give_near_misses);
    tcase_add_test(tc, test_udp);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kz_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
