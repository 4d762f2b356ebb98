/*
 * check_det_gnutella.c - the Gnutella detector (src/detect/det_gnutella.c):
 * descriptor header checks and chaining, 0.6 / 0.4 handshakes, query,
 * query hit, push, mid-stream pick-up, GIV push connections, compressed
 * links, and near misses (BitTorrent, HTTP).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_gnutella.h"
#include "imsentry/detect_test.h"

/* Builds a descriptor: GUID of 0x11 bytes, type, TTL, hops, payload; returns its length. */
static size_t desc(uint8_t *out, uint8_t type, uint8_t ttl, uint8_t hops, const void *pl,
                   size_t plen)
{
    memset(out, 0x11, 16);
    out[16] = type;
    out[17] = ttl;
    out[18] = hops;
    out[19] = (uint8_t)plen;
    out[20] = (uint8_t)(plen >> 8);
    out[21] = 0;
    out[22] = 0;
    memcpy(out + 23, pl, plen);
    return 23 + plen;
}

/* Query: min speed 0, "beatles mp3" NUL. */
static const uint8_t q_payload[] = {0x00, 0x00, 'b', 'e', 'a', 't', 'l', 'e', 's', ' ', 'm', 'p',
                                    '3', 0x00};

/*
 * Query hit: 2 hits, port 6346 (LE ca 18), ip 192.168.0.5, speed 56;
 * hit 1: index 1, size 1000, "Hello.exe" NUL NUL; hit 2: index 2, size 5,
 * "song.mp3" NUL NUL; then 16 bytes of servent id.
 */
static const uint8_t qh_payload[] = {
    0x02, 0xca, 0x18, 192, 168, 0, 5, 56, 0, 0, 0,
    1, 0, 0, 0, 0xe8, 0x03, 0, 0, 'H', 'e', 'l', 'l', 'o', '.', 'e', 'x', 'e', 0, 0,
    2, 0, 0, 0, 5, 0, 0, 0, 's', 'o', 'n', 'g', '.', 'm', 'p', '3', 0, 0,
    0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22};

/* Push: servent id (16), index 7, ip 10.1.2.3, port 6346. */
static const uint8_t push_payload[] = {0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
                                       0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 7,    0,    0,    0,
                                       10,   1,    2,    3,    0xca, 0x18};

static struct det_test *gn_new(uint16_t port)
{
    struct det_test *t = det_test_new("gnutella", 6, 40000, port);
    ck_assert_ptr_nonnull(t);
    return t;
}

static void feed(struct det_test *t, enum flow_dir dir, const char *s)
{
    det_test_feed(t, dir, s, strlen(s));
}

START_TEST(test_header_checks)
{
    uint8_t b[256];
    size_t n, m;

    desc(b, 0x80, 7, 0, q_payload, sizeof(q_payload));
    ck_assert_int_eq(gnut_header_ok(b), (long)sizeof(q_payload));
    b[16] = 0x55; /* unknown type */
    ck_assert_int_eq(gnut_header_ok(b), -1);
    desc(b, 0x80, 30, 0, q_payload, sizeof(q_payload)); /* TTL too high */
    ck_assert_int_eq(gnut_header_ok(b), -1);
    desc(b, 0x00, 0, 0, "", 0); /* TTL 0 and hops 0 */
    ck_assert_int_eq(gnut_header_ok(b), -1);
    desc(b, 0x01, 7, 0, q_payload, 3); /* pong shorter than 14 */
    ck_assert_int_eq(gnut_header_ok(b), -1);
    desc(b, 0x00, 7, 0, "", 0);
    b[22] = 0x01; /* 16 MiB payload */
    ck_assert_int_eq(gnut_header_ok(b), -1);

    /* Chains: ping + query at offset 5 after garbage. */
    memset(b, 0xee, 5);
    n = 5 + desc(b + 5, 0x00, 7, 0, "", 0);
    m = n + desc(b + n, 0x80, 6, 1, q_payload, sizeof(q_payload));
    ck_assert_int_eq(gnut_find_chain(b, m, 2), 5);
    ck_assert_int_eq(gnut_find_chain(b, n, 2), -1); /* only one header present */
    memset(b, 0, sizeof(b));
    ck_assert_int_eq(gnut_find_chain(b, sizeof(b), 2), -1); /* zeros are not pings */
}
END_TEST

START_TEST(test_handshake_06)
{
    struct det_test *t = gn_new(6346);
    uint8_t b[512];
    size_t n;
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/2.4.4\r\n"
                           "X-Ultrapeer: False\r\n\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    e = det_test_find(t, APP_EVENT_PROTO_MSG, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "LimeWire/2.4.4");
    feed(t, FLOW_TOCLIENT, "GNUTELLA/0.6 200 OK\r\nUser-Agent: BearShare 2.6.0\r\n\r\n");
    feed(t, FLOW_TOSERVER, "GNUTELLA/0.6 200 OK\r\n\r\n");
    n = desc(b, 0x80, 7, 0, q_payload, sizeof(q_payload));
    det_test_feed(t, FLOW_TOSERVER, b, n);
    e = det_test_find(t, APP_EVENT_FILE_SHARING, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "query");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_QUERY), "beatles mp3");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "gnutella");
    /* Query hit split over two deliveries. */
    n = desc(b, 0x81, 6, 1, qh_payload, sizeof(qh_payload));
    det_test_feed(t, FLOW_TOCLIENT, b, 30);
    det_test_feed(t, FLOW_TOCLIENT, b + 30, n - 30);
    e = det_test_find(t, APP_EVENT_FILE_SHARING, 0);
    e = det_test_find(t, APP_EVENT_FILE_SHARING, (unsigned)(e - det_test_event(t, 0)) + 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "query_hit");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    ck_assert_uint_eq(e->facts[3].key, APP_FACT_FILE_NAME);
    ck_assert_str_eq(e->facts[3].val, "song.mp3");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_TYPE), "executable");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.168.0.5:6346");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS), "192.168.0.5:6346");
    /* Push. */
    n = desc(b, 0x40, 7, 0, push_payload, sizeof(push_payload));
    det_test_feed(t, FLOW_TOSERVER, b, n);
    e = det_test_find(t, APP_EVENT_DIRECT_CONNECT, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "10.1.2.3:6346");
    det_test_free(t);
}
END_TEST

START_TEST(test_handshake_04_and_reject)
{
    struct det_test *t = gn_new(5555);
    uint8_t b[128];
    size_t n;

    feed(t, FLOW_TOSERVER, "GNUTELLA CONNECT/0.4\n\n");
    feed(t, FLOW_TOCLIENT, "GNUTELLA OK\n\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    n = desc(b, 0x80, 7, 0, q_payload, sizeof(q_payload));
    det_test_feed(t, FLOW_TOSERVER, b, n);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_FILE_SHARING), 1);
    det_test_free(t);

    /* 503 from the server side alone identifies the flow; nothing parsed after. */
    t = gn_new(6346);
    feed(t, FLOW_TOCLIENT, "GNUTELLA/0.6 503 Service unavailable\r\n\r\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    det_test_free(t);
}
END_TEST

/* Compressed links (Content-Encoding: deflate) are identified, not framed. */
START_TEST(test_deflate)
{
    struct det_test *t = gn_new(6346);
    uint8_t b[128];
    size_t n = desc(b, 0x80, 7, 0, q_payload, sizeof(q_payload));

    feed(t, FLOW_TOSERVER, "GNUTELLA CONNECT/0.6\r\nAccept-Encoding: deflate\r\n\r\n");
    feed(t, FLOW_TOCLIENT, "GNUTELLA/0.6 200 OK\r\nContent-Encoding: deflate\r\n\r\n");
    det_test_feed(t, FLOW_TOCLIENT, b, n); /* would be a query if not compressed */
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_FILE_SHARING), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_midstream)
{
    struct det_test *t = gn_new(7777);
    uint8_t b[512];
    size_t n = 0;

    /* Tail of an earlier descriptor, then ping, query, push. */
    memset(b, 0x41, 9);
    n = 9;
    n += desc(b + n, 0x00, 7, 0, "", 0);
    n += desc(b + n, 0x80, 5, 2, q_payload, sizeof(q_payload));
    n += desc(b + n, 0x40, 7, 0, push_payload, sizeof(push_payload));
    det_test_feed(t, FLOW_TOSERVER, b, n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_FILE_SHARING), 1);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_DIRECT_CONNECT), 1);
    det_test_free(t);

    /* One lone descriptor is not enough. */
    t = gn_new(7777);
    n = desc(b, 0x80, 5, 2, q_payload, sizeof(q_payload));
    det_test_feed(t, FLOW_TOSERVER, b, n);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    det_test_free(t);
}
END_TEST

START_TEST(test_giv)
{
    struct det_test *t = gn_new(6346);
    const struct det_test_event *e;

    feed(t, FLOW_TOSERVER, "GIV 12:0123456789abcdef0123456789ABCDEF/Hello.exe\n\n");
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    e = det_test_find(t, APP_EVENT_FILE_SHARING, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "push");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    feed(t, FLOW_TOCLIENT, "GET /get/12/Hello.exe HTTP/1.1\r\nUser-Agent: Gnucleus 1.8\r\n\r\n");
    e = det_test_find(t, APP_EVENT_FILE_SHARING, (unsigned)(e - det_test_event(t, 0)) + 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "download");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "Gnucleus 1.8");
    det_test_free(t);
}
END_TEST

START_TEST(test_near_misses)
{
    struct det_test *t;
    static const uint8_t bt[] = "\x13" "BitTorrent protocol\0\0\0\0\0\0\0\0"
                                "AAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBB";

    t = gn_new(6346);
    det_test_feed(t, FLOW_TOSERVER, bt, sizeof(bt) - 1);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    det_test_free(t);
    t = gn_new(6346);
    feed(t, FLOW_TOSERVER, "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    det_test_free(t);
    t = gn_new(6346);
    feed(t, FLOW_TOSERVER, "GIV x:abc/file\n\n");
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_GNUTELLA);
    det_test_free(t);
}
END_TEST

static Suite *gn_suite(void)
{
    Suite *s = suite_create("det_gnutella");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_header_checks);
    tcase_add_test(tc, test_handshake_06);
    tcase_add_test(tc, test_handshake_04_and_reject);
    tcase_add_test(tc, test_deflate);
    tcase_add_test(tc, test_midstream);
    tcase_add_test(tc, test_giv);
    tcase_add_test(tc, test_near_misses);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gn_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
