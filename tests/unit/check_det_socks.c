/*
 * check_det_socks.c - unit tests for the SOCKS 4/4a/5 detector
 * (det_socks.c) through the detect test driver: framing variants, RFC 1929
 * logins and outcomes, SOCKS4 user ids, tunnel targets (IPv4, 4a host,
 * domain, IPv6), the inner stream detected again, held client bytes,
 * truncation, one-byte segments, and shapes that must not be SOCKS.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/detect_test.h"

static struct det_test *socks_flow(void)
{
    /* the whole table, so the tunnel's inner stream is detected again */
    struct det_test *t = det_test_new(NULL, 6, 40000, 1080);
    ck_assert_ptr_nonnull(t);
    return t;
}

static void feed(struct det_test *t, enum flow_dir d, const void *p, size_t n)
{
    det_test_feed(t, d, p, n);
}

static void feed_bytes_1(struct det_test *t, enum flow_dir d, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        det_test_feed(t, d, p + i, 1);
}

/* 04 01 | port 80 | 192.0.2.5 | "fd7bcf7b5c9e1d" NUL: SOCKS4 CONNECT with a user id */
static const uint8_t s4_req[] = {0x04, 0x01, 0x00, 0x50, 0xc0, 0x00, 0x02, 0x05, 'f', 'd', '7', 'b',
                                 'c',  'f',  '7',  'b',  '5',  'c',  '9',  'e',  '1', 'd', 0x00};
/* 00 5A | port | ip: request granted */
static const uint8_t s4_ok[] = {0x00, 0x5a, 0x00, 0x50, 0xc0, 0x00, 0x02, 0x05};
/* 00 5B: request rejected */
static const uint8_t s4_rej[] = {0x00, 0x5b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static const char inner_get[] = "GET /inner HTTP/1.1\r\nHost: x\r\n\r\n";
static const char inner_ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

START_TEST(test_socks4_userid_tunnel)
{
    struct det_test *t = socks_flow();
    feed(t, FLOW_TOSERVER, s4_req, sizeof(s4_req));
    feed(t, FLOW_TOCLIENT, s4_ok, sizeof(s4_ok));
    feed(t, FLOW_TOSERVER, inner_get, strlen(inner_get));
    feed(t, FLOW_TOCLIENT, inner_ok, strlen(inner_ok));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_TUNNEL, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL), "socks");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "192.0.2.5:80");
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "fd7bcf7b5c9e1d");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "socks4-userid");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_PASSWORD)); /* a user id is no password */
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_PASSWORD_FORM));
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    /* the inner HTTP was detected again and carries the tunnel */
    int found = 0;
    for (unsigned i = 0; i < det_test_n_events(t); i++) {
        e = det_test_event(t, i);
        if (e->type == APP_EVENT_PRESENCE && e->proto == APP_PROTO_HTTP) {
            ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL), "socks");
            ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "192.0.2.5:80");
            found++;
        }
    }
    ck_assert_int_eq(found, 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_socks4_rejected)
{
    struct det_test *t = socks_flow();
    feed(t, FLOW_TOSERVER, s4_req, sizeof(s4_req));
    feed(t, FLOW_TOCLIENT, s4_rej, sizeof(s4_rej));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_TUNNEL), 0);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_socks4a_hostname_held_data)
{
    struct det_test *t = socks_flow();
    /* 04 01 | 6667 | 0.0.0.1 | "" NUL | "irc.example.net" NUL, then IRC bytes before the reply */
    const uint8_t req[] = {0x04, 0x01, 0x1a, 0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 'i', 'r', 'c', '.',
                           'e',  'x',  'a',  'm',  'p',  'l',  'e',  '.',  'n',  'e', 't', 0x00};
    uint8_t both[sizeof(req) + sizeof(inner_get) - 1];
    memcpy(both, req, sizeof(req));
    memcpy(both + sizeof(req), inner_get, sizeof(inner_get) - 1);
    feed(t, FLOW_TOSERVER, both, sizeof(both));
    feed(t, FLOW_TOCLIENT, s4_ok, sizeof(s4_ok));
    feed(t, FLOW_TOCLIENT, inner_ok, strlen(inner_ok));
    det_test_end(t);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_TUNNEL, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "irc.example.net:6667");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0); /* empty user id: no login */
    int http = 0;
    for (unsigned i = 0; i < det_test_n_events(t); i++)
        if (det_test_event(t, i)->type == APP_EVENT_PRESENCE &&
            det_test_event(t, i)->proto == APP_PROTO_HTTP)
            http++;
    ck_assert_int_eq(http, 1); /* the held GET reached the tunnel */
    det_test_free(t);
}
END_TEST

/* 05 01 02: greeting offering user/password; 05 02: chosen */
static const uint8_t s5_greet_up[] = {0x05, 0x01, 0x02};
static const uint8_t s5_choose_up[] = {0x05, 0x02};
/* 01 | 08 "testuser" | 08 "testpass" (RFC 1929) */
static const uint8_t s5_auth[] = {0x01, 0x08, 't', 'e', 's', 't', 'u', 's', 'e', 'r',
                                  0x08, 't',  'e', 's', 't', 'p', 'a', 's', 's'};
/* 05 01 00 03 | 0b "example.com" | port 80 */
static const uint8_t s5_req_dom[] = {0x05, 0x01, 0x00, 0x03, 0x0b, 'e', 'x', 'a',  'm',
                                     'p',  'l',  'e',  '.',  'c',  'o', 'm', 0x00, 0x50};
/* 05 00 00 01 | 0.0.0.0 | 0: succeeded */
static const uint8_t s5_rep_ok[] = {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};

START_TEST(test_socks5_userpass_success)
{
    struct det_test *t = socks_flow();
    feed(t, FLOW_TOSERVER, s5_greet_up, sizeof(s5_greet_up));
    feed(t, FLOW_TOCLIENT, s5_choose_up, sizeof(s5_choose_up));
    feed(t, FLOW_TOSERVER, s5_auth, sizeof(s5_auth));
    feed(t, FLOW_TOCLIENT, (const uint8_t[]){0x01, 0x00}, 2); /* auth status: success */
    feed(t, FLOW_TOSERVER, s5_req_dom, sizeof(s5_req_dom));
    feed(t, FLOW_TOCLIENT, s5_rep_ok, sizeof(s5_rep_ok));
    feed(t, FLOW_TOSERVER, inner_get, strlen(inner_get));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "testuser");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "testpass");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "cleartext");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "socks5-userpass");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "socks");
    e = det_test_find(t, APP_EVENT_TUNNEL, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "example.com:80");
    det_test_free(t);
}
END_TEST

START_TEST(test_socks5_userpass_failure)
{
    struct det_test *t = socks_flow();
    feed(t, FLOW_TOSERVER, s5_greet_up, sizeof(s5_greet_up));
    feed(t, FLOW_TOCLIENT, s5_choose_up, sizeof(s5_choose_up));
    feed(t, FLOW_TOSERVER, s5_auth, sizeof(s5_auth));
    feed(t, FLOW_TOCLIENT, (const uint8_t[]){0x01, 0x01}, 2); /* auth status: failure */
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_TUNNEL), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_socks5_no_reply_unknown)
{
    struct det_test *t = socks_flow();
    /* greeting and auth pipelined in one segment, capture ends before any reply */
    uint8_t both[sizeof(s5_greet_up) + sizeof(s5_auth)];
    memcpy(both, s5_greet_up, sizeof(s5_greet_up));
    memcpy(both + sizeof(s5_greet_up), s5_auth, sizeof(s5_auth));
    feed(t, FLOW_TOSERVER, both, sizeof(both));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_socks5_ipv6_target_one_byte_segments)
{
    struct det_test *t = socks_flow();
    /* 05 01 00: no authentication */
    const uint8_t greet[] = {0x05, 0x01, 0x00};
    /* 05 01 00 04 | 2001:db8::1 | port 6667 */
    const uint8_t req[] = {0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0,    0,
                           0,    0,    0,    0,    0,    0,    0,    0,    1, 0x1a, 0x0b};
    /* 05 00 00 04 | :: | 0 */
    const uint8_t rep[] = {0x05, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0,
                           0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0};
    feed_bytes_1(t, FLOW_TOSERVER, greet, sizeof(greet));
    feed_bytes_1(t, FLOW_TOCLIENT, (const uint8_t[]){0x05, 0x00}, 2);
    feed_bytes_1(t, FLOW_TOSERVER, req, sizeof(req));
    feed_bytes_1(t, FLOW_TOCLIENT, rep, sizeof(rep));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_TUNNEL, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "[2001:db8::1]:6667");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_socks5_refused_request)
{
    struct det_test *t = socks_flow();
    feed(t, FLOW_TOSERVER, (const uint8_t[]){0x05, 0x02, 0x00, 0x02}, 4); /* none or user/pass */
    feed(t, FLOW_TOCLIENT, (const uint8_t[]){0x05, 0x00}, 2);
    feed(t, FLOW_TOSERVER, s5_req_dom, sizeof(s5_req_dom));
    /* 05 05 ...: connection refused */
    feed(t, FLOW_TOCLIENT, (const uint8_t[]){0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, 10);
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_TUNNEL), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_socks5_server_side_only)
{
    struct det_test *t = socks_flow();
    /* only the proxy's side: method 00, then a success reply for an IPv4 bind address */
    const uint8_t srv[] = {0x05, 0x00, 0x05, 0x00, 0x00, 0x01, 10, 0, 0, 1, 0x04, 0x38};
    feed(t, FLOW_TOCLIENT, srv, sizeof(srv));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    det_test_free(t);
}
END_TEST

START_TEST(test_not_socks)
{
    /* SOCKS4 with port 0, a non-printable user id, a greeting with a duplicate method,
       and TLS: none is SOCKS */
    const uint8_t port0[] = {0x04, 0x01, 0x00, 0x00, 1, 2, 3, 4, 'a', 0x00};
    const uint8_t binuid[] = {0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, 0x01, 0x02, 0x00};
    const uint8_t dup[] = {0x05, 0x02, 0x00, 0x00};
    const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};
    const uint8_t *cases[] = {port0, binuid, dup, tls};
    const size_t lens[] = {sizeof(port0), sizeof(binuid), sizeof(dup), sizeof(tls)};
    for (unsigned i = 0; i < 4; i++) {
        struct det_test *t = det_test_new("socks", 6, 40000, 1080);
        ck_assert_ptr_nonnull(t);
        feed(t, FLOW_TOSERVER, cases[i], lens[i]);
        det_test_end(t);
        ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_SOCKS);
        det_test_free(t);
    }
}
END_TEST

START_TEST(test_truncated_handshake)
{
    /* a request cut before its user id's NUL, then the flow ends: no claim, no crash */
    struct det_test *t = det_test_new("socks", 6, 40000, 1080);
    ck_assert_ptr_nonnull(t);
    feed(t, FLOW_TOSERVER, s4_req, 12);
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_SOCKS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
    /* a claimed flow whose reply is cut short: the login stays unknown */
    t = socks_flow();
    feed(t, FLOW_TOSERVER, s4_req, sizeof(s4_req));
    feed(t, FLOW_TOCLIENT, s4_ok, 5);
    det_test_end(t);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_gap_in_handshake)
{
    struct det_test *t = socks_flow();
    feed(t, FLOW_TOSERVER, s5_greet_up, sizeof(s5_greet_up));
    feed(t, FLOW_TOCLIENT, s5_choose_up, sizeof(s5_choose_up));
    det_test_gap(t, FLOW_TOSERVER, 19); /* the auth message was lost */
    feed(t, FLOW_TOSERVER, s5_req_dom, sizeof(s5_req_dom));
    feed(t, FLOW_TOCLIENT, (const uint8_t[]){0x01, 0x00}, 2);
    feed(t, FLOW_TOCLIENT, s5_rep_ok, sizeof(s5_rep_ok));
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_SOCKS);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0); /* nothing invented */
    det_test_free(t);
}
END_TEST

static Suite *det_socks_suite(void)
{
    Suite *s = suite_create("det_socks");
    TCase *tc = tcase_create("socks");
    tcase_add_test(tc, test_socks4_userid_tunnel);
    tcase_add_test(tc, test_socks4_rejected);
    tcase_add_test(tc, test_socks4a_hostname_held_data);
    tcase_add_test(tc, test_socks5_userpass_success);
    tcase_add_test(tc, test_socks5_userpass_failure);
    tcase_add_test(tc, test_socks5_no_reply_unknown);
    tcase_add_test(tc, test_socks5_ipv6_target_one_byte_segments);
    tcase_add_test(tc, test_socks5_refused_request);
    tcase_add_test(tc, test_socks5_server_side_only);
    tcase_add_test(tc, test_not_socks);
    tcase_add_test(tc, test_truncated_handshake);
    tcase_add_test(tc, test_gap_in_handshake);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_socks_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
