/*
 * check_det_dns.c - the DNS detector (src/detect/det_dns.c): message
 * validation (compression, loops, trailing bytes, NetBIOS), the service
 * login-host table, and dns_lookup events through the test driver.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_dns.h"
#include "imsentry/detect_test.h"

/* Query id 0x1234, RD, one question login.oscar.aol.com A IN. */
static const uint8_t q_aim[] = {
    0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    5, 'l', 'o', 'g', 'i', 'n', 5, 'o', 's', 'c', 'a', 'r', 3, 'a', 'o', 'l', 3, 'c', 'o', 'm', 0,
    0x00, 0x01, 0x00, 0x01};

/*
 * Response to it: QR RD RA, one answer whose name is a pointer to the
 * question (c0 0c), A 64.12.161.153, TTL 60.
 */
static const uint8_t r_aim[] = {
    0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    5, 'l', 'o', 'g', 'i', 'n', 5, 'o', 's', 'c', 'a', 'r', 3, 'a', 'o', 'l', 3, 'c', 'o', 'm', 0,
    0x00, 0x01, 0x00, 0x01,
    0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 64, 12, 161, 153};

/* Query for www.example.com (ordinary; no service). */
static const uint8_t q_www[] = {
    0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
    0x00, 0x01, 0x00, 0x01};

START_TEST(test_service_table)
{
#define SVC(n) dns_service_of(n, strlen(n))
    ck_assert_str_eq(SVC("login.oscar.aol.com"), "aim");
    ck_assert_str_eq(SVC("aimhttp.oscar.aol.com."), "aim");
    ck_assert_str_eq(SVC("login.icq.com"), "icq");
    ck_assert_str_eq(SVC("http.proxy.icq.com"), "icq");
    ck_assert_str_eq(SVC("messenger.hotmail.com"), "msn");
    ck_assert_str_eq(SVC("gateway.messenger.hotmail.com"), "msn");
    ck_assert_str_eq(SVC("baym-cs123.msgr.hotmail.com"), "msn");
    ck_assert_str_eq(SVC("207.46.104.20.messenger.msn.com"), "msn");
    ck_assert_str_eq(SVC("scs.msg.yahoo.com"), "yahoo");
    ck_assert_str_eq(SVC("cs.msg.dcn.yahoo.com"), "yahoo");
    ck_assert_str_eq(SVC("login.yahoo.com"), "yahoo");
    ck_assert_str_eq(SVC("www.kazaa.com"), "kazaa");
    ck_assert_ptr_null(SVC("www.yahoo.com"));
    ck_assert_ptr_null(SVC("notoscar.aol.com"));
    ck_assert_ptr_null(SVC("aol.com"));
    ck_assert_ptr_null(SVC("hotmail.com"));
    ck_assert_ptr_null(SVC("www.example.com"));
    ck_assert_ptr_null(SVC("myicq.com.example.net"));
#undef SVC
}
END_TEST

START_TEST(test_parse)
{
    struct dns_msg m;
    uint8_t b[128];

    ck_assert(dns_parse_msg(q_aim, sizeof(q_aim), &m));
    ck_assert_uint_eq(m.id, 0x1234);
    ck_assert(!m.response);
    ck_assert_str_eq(m.qname, "login.oscar.aol.com");
    ck_assert(dns_parse_msg(r_aim, sizeof(r_aim), &m));
    ck_assert(m.response);
    /* Trailing garbage, truncation, zero questions are not DNS. */
    memcpy(b, q_aim, sizeof(q_aim));
    b[sizeof(q_aim)] = 0;
    ck_assert(!dns_parse_msg(b, sizeof(q_aim) + 1, &m));
    ck_assert(!dns_parse_msg(q_aim, sizeof(q_aim) - 1, &m));
    ck_assert(!dns_parse_msg(q_aim, 11, &m));
    memcpy(b, q_aim, sizeof(q_aim));
    b[5] = 0;
    ck_assert(!dns_parse_msg(b, sizeof(q_aim), &m));
    /* A pointer to itself (loop) and a forward pointer are refused. */
    memcpy(b, r_aim, sizeof(r_aim));
    b[37] = 0xc0;
    b[38] = 37;
    ck_assert(!dns_parse_msg(b, sizeof(r_aim), &m));
    b[38] = 40;
    ck_assert(!dns_parse_msg(b, sizeof(r_aim), &m));
    /* Upper case is folded. */
    memcpy(b, q_aim, sizeof(q_aim));
    b[13] = 'L';
    ck_assert(dns_parse_msg(b, sizeof(q_aim), &m));
    ck_assert_str_eq(m.qname, "login.oscar.aol.com");
}
END_TEST

START_TEST(test_netbios_not_dns)
{
    /* NBNS name query for "WORKGROUP" encoded as 32 letters. */
    uint8_t b[64] = {0x80, 0x01, 0x01, 0x10, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 32};
    struct dns_msg m;

    memset(b + 13, 'E', 32);
    b[45] = 0;
    b[46] = 0x00;
    b[47] = 0x20;
    b[48] = 0x00;
    b[49] = 0x01;
    ck_assert(!dns_parse_msg(b, 50, &m));
}
END_TEST

START_TEST(test_events)
{
    struct det_test *t = det_test_new("dns", 17, 33000, 53);
    const struct det_test_event *e;

    ck_assert_ptr_nonnull(t);
    det_test_feed(t, FLOW_TOSERVER, q_aim, sizeof(q_aim));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_DNS);
    det_test_feed(t, FLOW_TOCLIENT, r_aim, sizeof(r_aim)); /* its response: no second event */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_DNS_LOOKUP), 1);
    e = det_test_find(t, APP_EVENT_DNS_LOOKUP, 0);
    ck_assert_int_eq(e->proto, APP_PROTO_DNS);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "aim");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_QUERY), "login.oscar.aol.com");
    det_test_free(t);

    /* Ordinary names: dns, no event. */
    t = det_test_new("dns", 17, 33001, 53);
    det_test_feed(t, FLOW_TOSERVER, q_www, sizeof(q_www));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_DNS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_DNS_LOOKUP), 0);
    det_test_free(t);

    /* Only the response seen (query lost), on another port. */
    t = det_test_new("dns", 17, 33002, 5353);
    det_test_feed(t, FLOW_TOCLIENT, r_aim, sizeof(r_aim));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_DNS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_DNS_LOOKUP), 1);
    det_test_free(t);

    /* Not DNS. */
    t = det_test_new("dns", 17, 33003, 53);
    det_test_feed(t, FLOW_TOSERVER, "hello world, not dns", 20);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_DNS);
    det_test_free(t);
}
END_TEST

static Suite *dns_suite(void)
{
    Suite *s = suite_create("det_dns");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_service_table);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_netbios_not_dns);
    tcase_add_test(tc, test_events);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dns_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
