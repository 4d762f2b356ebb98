/*
 * check_det_oscar.c - unit tests for the AIM/ICQ detectors: OSCAR
 * (det_oscar.c + FLAP framing det_oscar_flap.c), TOC (det_toc.c), ICQ UDP
 * v5/v2 (det_icq5.c) and peer connections (det_oscar_peer.c), driven
 * through the framework's test driver (imsentry/detect_test.h).
 *
 * Messages are built with the small FLAP/TLV writers below so each test
 * reads as the exchange it models.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cred_oscar.h"
#include "imsentry/detect_test.h"

/* A growing message buffer. */
struct msg {
    uint8_t b[4096]; /* bytes */
    size_t n;        /* used */
};

static void put(struct msg *m, const void *p, size_t n)
{
    ck_assert_uint_le(m->n + n, sizeof(m->b));
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void put16(struct msg *m, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(m, b, 2);
}

static void put32(struct msg *m, uint32_t v)
{
    put16(m, (uint16_t)(v >> 16));
    put16(m, (uint16_t)v);
}

static void tlv(struct msg *m, uint16_t type, const void *v, size_t len)
{
    put16(m, type);
    put16(m, (uint16_t)len);
    put(m, v, len);
}

static void tlv_str(struct msg *m, uint16_t type, const char *s)
{
    tlv(m, type, s, strlen(s));
}

/* FLAP: 2A, channel, seq, length, payload. */
static void flap(struct msg *out, uint8_t ch, uint16_t seq, const struct msg *payload)
{
    uint8_t h[2] = {0x2A, ch};
    put(out, h, 2);
    put16(out, seq);
    put16(out, (uint16_t)payload->n);
    put(out, payload->b, payload->n);
}

/* SNAC header: family, subtype, flags 0, request id. */
static void snac(struct msg *m, uint16_t family, uint16_t subtype)
{
    put16(m, family);
    put16(m, subtype);
    put16(m, 0);
    put32(m, 0x00010203);
}

/* The server hello: 2A 01 seq 00 04 00 00 00 01. */
static void hello(struct msg *out, uint16_t seq)
{
    struct msg p = {.n = 0};
    put32(&p, 1);
    flap(out, 1, seq, &p);
}

/* Client channel-1 sign-on with roasted password. */
static void signon_roasted(struct msg *out, uint16_t seq, const char *sn, const char *pw)
{
    struct msg p = {.n = 0};
    uint8_t roasted[64];
    size_t n = oscar_deroast((const uint8_t *)pw, strlen(pw), roasted, sizeof(roasted));

    put32(&p, 1);
    tlv_str(&p, 0x0001, sn);
    tlv(&p, 0x0002, roasted, n);
    tlv_str(&p, 0x0003, "AOL Instant Messenger (SM), version 4.8.2790/WIN32");
    flap(out, 1, seq, &p);
}

/* Server channel-4 reply: success (BOS + cookie) or failure (error 5). */
static void auth_reply(struct msg *out, uint16_t seq, const char *sn, bool ok)
{
    struct msg p = {.n = 0};
    static const uint8_t cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t err[2] = {0x00, 0x05};

    tlv_str(&p, 0x0001, sn);
    if (ok) {
        tlv_str(&p, 0x0005, "205.188.7.80:5190");
        tlv(&p, 0x0006, cookie, sizeof(cookie));
    } else {
        tlv(&p, 0x0008, err, sizeof(err));
    }
    flap(out, 4, seq, &p);
}

static struct det_test *oscar_test(const char *det, uint16_t port, bool from_syn)
{
    struct det_test *t = det_test_new(det, 6, 33000, port);

    ck_assert_ptr_nonnull(t);
    det_test_flow(t)->client_from_syn = from_syn;
    return t;
}

START_TEST(test_roasted_login_success)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg s = {.n = 0}, c = {.n = 0}, r = {.n = 0};
    const struct det_test_event *e;

    hello(&s, 0x1000);
    signon_roasted(&c, 0x2000, "alice99", "hunter2");
    auth_reply(&r, 0x1001, "alice99", true);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_AIM); /* the exact hello claims */
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0); /* waits for the verdict */
    det_test_feed(t, FLOW_TOCLIENT, r.b, r.n);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "alice99");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "hunter2");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "roasted");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "aim");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVER), "205.188.7.80:5190");
    ck_assert_ptr_nonnull(strstr(det_test_fact(e, APP_FACT_CLIENT_VERSION), "4.8.2790"));
    ck_assert_int_eq(e->dir, FLOW_TOSERVER);
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_roasted_login_failure_icq_uin)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg s = {.n = 0}, c = {.n = 0}, r = {.n = 0};
    const struct det_test_event *e;

    hello(&s, 7);
    signon_roasted(&c, 100, "12345678", "s3cr3t");
    auth_reply(&r, 8, "12345678", false);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    det_test_feed(t, FLOW_TOCLIENT, r.b, r.n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_ICQ); /* numeric screen name */
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->proto, APP_PROTO_ICQ);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "icq");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "12345678");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "s3cr3t");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    e = det_test_find(t, APP_EVENT_PROTO_MSG, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_MSG_TYPE), "signon");
    ck_assert_int_eq(e->proto, APP_PROTO_ICQ);
    det_test_free(t);
}
END_TEST

START_TEST(test_login_unknown_at_end_one_byte_segments)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg s = {.n = 0}, c = {.n = 0};
    const struct det_test_event *e;

    hello(&s, 1);
    signon_roasted(&c, 2, "bob", "pw");
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    for (size_t i = 0; i < c.n; i++)
        det_test_feed(t, FLOW_TOSERVER, c.b + i, 1);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_end(t);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "bob");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "pw");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_md5_login)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg c = {.n = 0}, s = {.n = 0}, p;
    static const uint8_t hash[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                     0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    static const uint8_t key[12] = {0, 10, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
    const struct det_test_event *e;

    hello(&s, 1);
    p.n = 0;
    put32(&p, 1);
    flap(&c, 1, 1, &p); /* client hello */
    p.n = 0;
    snac(&p, 0x17, 0x06);
    tlv_str(&p, 0x0001, "carol");
    flap(&c, 2, 2, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    s.n = 0;
    p.n = 0;
    snac(&p, 0x17, 0x07);
    put(&p, key, sizeof(key));
    flap(&s, 2, 2, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    c.n = 0;
    p.n = 0;
    snac(&p, 0x17, 0x02);
    tlv_str(&p, 0x0001, "carol");
    tlv(&p, 0x0025, hash, sizeof(hash));
    tlv_str(&p, 0x0003, "AOL Instant Messenger, version 5.9.3702/WIN32");
    flap(&c, 2, 3, &p);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    s.n = 0;
    p.n = 0;
    snac(&p, 0x17, 0x03);
    tlv_str(&p, 0x0001, "carol");
    tlv_str(&p, 0x0005, "64.12.25.1:5190");
    tlv(&p, 0x0006, hash, 8);
    flap(&s, 2, 3, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "carol");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "md5-challenge");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "00112233445566778899aabbccddeeff");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVER), "64.12.25.1:5190");
    det_test_free(t);
}
END_TEST

START_TEST(test_bos_cookie_signon)
{
    struct det_test *t = oscar_test("oscar", 443, false);
    struct msg c = {.n = 0}, p = {.n = 0};
    uint8_t cookie[256];
    const struct det_test_event *e;

    memset(cookie, 0xA5, sizeof(cookie));
    put32(&p, 1);
    tlv(&p, 0x0006, cookie, sizeof(cookie));
    tlv_str(&p, 0x0003, "Adium/1.5.10");
    flap(&c, 1, 0x0101, &p); /* one FLAP exactly filling the segment */
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_AIM);
    e = det_test_find(t, APP_EVENT_SESSION_COOKIE, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "Adium/1.5.10");
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_PASSWORD));
    /* SNAC 01/0F self info names the UIN: the flow becomes ICQ */
    struct msg s = {.n = 0};
    p.n = 0;
    snac(&p, 0x01, 0x0F);
    uint8_t snlen = 9;
    put(&p, &snlen, 1);
    put(&p, "987654321", 9);
    put32(&p, 0);
    flap(&s, 2, 5, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_ICQ);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0); /* a cookie is no password */
    det_test_free(t);
}
END_TEST

/* ICBM 04/06 channel 2 with a rendezvous proposal for a file. */
static void rendezvous(struct msg *out, uint16_t seq, const uint8_t ip[4], const char *file)
{
    static const uint8_t cap[16] = {0x09, 0x46, 0x13, 0x43, 0x4C, 0x7F, 0x11, 0xD1,
                                    0x82, 0x22, 0x44, 0x45, 0x53, 0x54, 0x00, 0x00};
    struct msg p = {.n = 0}, rv = {.n = 0}, ext = {.n = 0};
    uint8_t snlen = 5;
    uint16_t port = 5190;
    uint8_t portb[2] = {(uint8_t)(port >> 8), (uint8_t)port};

    snac(&p, 0x04, 0x06);
    put32(&p, 0x11111111);
    put32(&p, 0x22222222); /* cookie */
    put16(&p, 2);          /* channel 2 */
    put(&p, &snlen, 1);
    put(&p, "dave1", 5);
    put16(&rv, 0); /* propose */
    put32(&rv, 0x11111111);
    put32(&rv, 0x22222222);
    put(&rv, cap, sizeof(cap));
    tlv(&rv, 0x000A, "\x00\x01", 2);
    tlv(&rv, 0x0002, ip, 4);
    tlv(&rv, 0x0003, ip, 4);
    tlv(&rv, 0x0005, portb, 2);
    put16(&ext, 1);
    put16(&ext, 1);
    put32(&ext, 12345);
    put(&ext, file, strlen(file) + 1);
    tlv(&rv, 0x2711, ext.b, ext.n);
    tlv(&p, 0x0005, rv.b, rv.n);
    flap(out, 2, seq, &p);
}

START_TEST(test_rendezvous_internal_exe)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg s = {.n = 0}, c = {.n = 0};
    static const uint8_t lan[4] = {192, 168, 1, 10};
    const struct det_test_event *e;

    hello(&s, 1);
    hello(&c, 1);
    rendezvous(&c, 2, lan, "Hello.exe");
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    e = det_test_find(t, APP_EVENT_DIRECT_CONNECT, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "192.168.1.10:5190");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS), "192.168.1.10:5190");
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_SIZE), "12345");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_TYPE), "executable");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_MESSAGE), 1);
    det_test_free(t);
}
END_TEST

START_TEST(test_rendezvous_public_address_no_internal)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg s = {.n = 0}, c = {.n = 0};
    static const uint8_t pub[4] = {198, 51, 100, 7};
    const struct det_test_event *e;

    hello(&s, 1);
    rendezvous(&c, 2, pub, "notes.txt");
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    e = det_test_find(t, APP_EVENT_DIRECT_CONNECT, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EMBEDDED_ADDRESS), "198.51.100.7:5190");
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_INTERNAL_ADDRESS));
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_null(det_test_fact(e, APP_FACT_FILE_TYPE));
    det_test_free(t);
}
END_TEST

START_TEST(test_addgame_exploit)
{
    struct det_test *t = oscar_test("oscar", 5190, true);
    struct msg s = {.n = 0}, p = {.n = 0};
    static const char txt[] = "<a href=\"aim:AddGame?name=AAAAAAAAAAAAAAAAAAAAAAAAAAAA\">x</a>";
    uint8_t snlen = 5;

    hello(&s, 1);
    snac(&p, 0x04, 0x07);
    put32(&p, 1);
    put32(&p, 2);
    put16(&p, 1);
    put(&p, &snlen, 1);
    put(&p, "evil1", 5);
    put16(&p, 0); /* warning */
    put16(&p, 0); /* no user info TLVs */
    tlv(&p, 0x0002, txt, sizeof(txt) - 1);
    flap(&s, 2, 2, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_EXPLOIT, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_EXPLOIT), "aim-addgame");
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_EXPLOIT), 1);
    e = det_test_find(t, APP_EVENT_MESSAGE, 0);
    ck_assert_ptr_nonnull(e);
    for (unsigned i = 0; i < e->n_facts; i++) /* the text never leaves the detector */
        ck_assert_ptr_null(strstr(e->facts[i].val, "AddGame"));
    det_test_free(t);
}
END_TEST

START_TEST(test_mid_stream_resync)
{
    struct det_test *t = oscar_test("oscar", 5190, false);
    struct msg c = {.n = 0}, p = {.n = 0};
    static const uint8_t junk[] = {0x41, 0x2A, 0x09, 0x00, 0x10, 0x00, 0x33}; /* tail + bad 2A */

    put(&c, junk, sizeof(junk));
    p.n = 0;
    snac(&p, 0x01, 0x06);
    flap(&c, 2, 0x0500, &p);
    p.n = 0;
    snac(&p, 0x02, 0x04);
    flap(&c, 2, 0x0501, &p);
    signon_roasted(&c, 0x0502, "erin", "pa55");
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_AIM);
    /* a gap loses the framing; the next chain is found again */
    det_test_gap(t, FLOW_TOSERVER, 100);
    c.n = 0;
    put(&c, junk, 3);
    p.n = 0;
    snac(&p, 0x01, 0x06);
    flap(&c, 2, 0x0600, &p);
    signon_roasted(&c, 0x0601, "frank", "pw2");
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 2);
    ck_assert_str_eq(det_test_fact(det_test_find(t, APP_EVENT_LOGIN, 0), APP_FACT_USERNAME),
                     "erin");
    unsigned i = 0;
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    for (i = 0; det_test_event(t, i) != e; i++)
        ;
    e = det_test_find(t, APP_EVENT_LOGIN, i + 1);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "frank");
    det_test_free(t);
}
END_TEST

START_TEST(test_negatives)
{
    /* TLS ClientHello start on 5190 */
    static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x2A, 0x01, 0x00, 0x00, 0x26,
                                  0x03, 0x03, 0x2A, 0x01, 0x00, 0x01, 0x00, 0x04};
    struct det_test *t = oscar_test("oscar", 5190, true);
    det_test_feed(t, FLOW_TOSERVER, tls, sizeof(tls));
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_AIM);
    det_test_free(t);

    /* a lone 2A header announcing 16 bytes, followed by something else */
    uint8_t junk[64];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 37 + 11);
    junk[0] = 0x2A;
    junk[1] = 0x02;
    junk[2] = 0;
    junk[3] = 1;
    junk[4] = 0;
    junk[5] = 16;
    t = oscar_test("oscar", 5190, true);
    det_test_feed(t, FLOW_TOSERVER, junk, sizeof(junk));
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_AIM);
    det_test_free(t);

    /* a web page quoting FLAPON and toc_signon */
    static const char page[] = "HTTP/1.0 200 OK\r\n\r\n<pre>FLAPON\r\n\r\ntoc_signon x</pre>";
    t = oscar_test("toc", 80, true);
    det_test_feed(t, FLOW_TOCLIENT, page, sizeof(page) - 1);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_AIM);
    det_test_free(t);
}
END_TEST

START_TEST(test_toc_signon)
{
    struct det_test *t = oscar_test("toc", 9898, true);
    struct msg c = {.n = 0}, s = {.n = 0}, p = {.n = 0};
    static const char cmd[] = "toc_signon login.oscar.aol.com 5190 tocuser 0x270c005d311b "
                              "english \"TIC:TiK\"";
    const struct det_test_event *e;

    put(&c, "FLAPON\r\n\r\n", 10);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_AIM);
    hello(&s, 1);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    c.n = 0;
    put32(&p, 1);
    put16(&p, 1);
    put16(&p, 7);
    put(&p, "tocuser", 7);
    flap(&c, 1, 1, &p);
    p.n = 0;
    put(&p, cmd, sizeof(cmd)); /* with the NUL */
    flap(&c, 2, 2, &p);
    det_test_feed(t, FLOW_TOSERVER, c.b, c.n);
    s.n = 0;
    p.n = 0;
    put(&p, "SIGN_ON:TOC1.0", 15);
    flap(&s, 2, 2, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "tocuser");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "secret");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "roasted");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_CLIENT_VERSION), "\"TIC:TiK\"");
    det_test_free(t);
}
END_TEST

START_TEST(test_toc2_error)
{
    struct det_test *t = oscar_test("toc", 80, true);
    struct msg c = {.n = 0}, s = {.n = 0}, p = {.n = 0};
    static const char cmd[] = "toc2_signon login.oscar.aol.com 5190 someone 0x0408105C235F1130 "
                              "english \"TIC:\\$Revision\" 160 12345";
    const struct det_test_event *e;

    put(&c, "FLAPON\r\n\r\n", 10);
    put(&p, cmd, sizeof(cmd));
    flap(&c, 2, 2, &p);
    for (size_t i = 0; i < c.n; i++) /* typed one byte per segment */
        det_test_feed(t, FLOW_TOSERVER, c.b + i, 1);
    p.n = 0;
    put(&p, "ERROR:980", 10);
    flap(&s, 2, 2, &p);
    det_test_feed(t, FLOW_TOCLIENT, s.b, s.n);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "someone");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "Passw0rd");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

/* The tshark-verified ICQ v5 login of check_cred_oscar.c (UIN 1234567, "pa55word"). */
static const uint8_t icq5_login_wire[62] = {
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x87, 0xd6, 0x12, 0x00, 0xdb, 0x46, 0xa4, 0x6a, 0x46, 0x76,
    0x87, 0x7b, 0xc0, 0x75, 0x6c, 0xb6, 0xcc, 0x35, 0xc6, 0x69, 0x23, 0x49, 0x1f, 0x74, 0xb6, 0x75,
    0x8f, 0x7b, 0xc2, 0x14, 0xb3, 0x4e, 0xe1, 0x1a, 0xf4, 0x1f, 0x84, 0xed, 0x86, 0x7b, 0x9d, 0x7f,
    0x87, 0x79, 0xb9, 0x71, 0x86, 0x7b, 0xbf, 0x75, 0x85, 0x7b, 0xa0, 0x75, 0x86, 0x7b,
};

/* v5 server BAD_PASS: version 5, 0, session, command 0x0064, seq, seq, UIN, checkcode. */
static const uint8_t icq5_bad_pass[21] = {
    0x05, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11, 0x64, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x87, 0xd6, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00,
};

START_TEST(test_icq5_login_bad_password)
{
    struct det_test *t = det_test_new("icq5", 17, 3993, 4000);
    const struct det_test_event *e;

    det_test_feed(t, FLOW_TOSERVER, icq5_login_wire, sizeof(icq5_login_wire));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_ICQ);
    det_test_feed(t, FLOW_TOCLIENT, icq5_bad_pass, sizeof(icq5_bad_pass));
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "1234567");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "pa55word");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "roasted");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_icq5_rejects_bad_checkcode_and_oicq)
{
    uint8_t bad[62];
    struct det_test *t;
    /* OICQ (QQ) login start: 02, version 0x0f5f, command 0x0022, seq, QQ number ... 03 */
    static const uint8_t oicq[] = {0x02, 0x0f, 0x5f, 0x00, 0x22, 0x12, 0x34, 0x00, 0x98,
                                   0x96, 0x7f, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
                                   0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x03};

    memcpy(bad, icq5_login_wire, sizeof(bad));
    bad[0x20] ^= 0x40; /* the byte the checkcode samples */
    t = det_test_new("icq5", 17, 3993, 4000);
    det_test_feed(t, FLOW_TOSERVER, bad, sizeof(bad));
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_ICQ);
    det_test_free(t);
    t = det_test_new("icq5", 17, 4000, 8000);
    det_test_feed(t, FLOW_TOSERVER, oicq, sizeof(oicq));
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_ICQ);
    det_test_free(t);
}
END_TEST

START_TEST(test_icq2_login)
{
    /* v2: version 2, CMD_LOGIN 0x03E8, seq 1, UIN 7654321, port 4001, len 6, "mypw!\0", ... */
    static const uint8_t v2[] = {0x02, 0x00, 0xe8, 0x03, 0x01, 0x00, 0xb1, 0xcb, 0x74,
                                 0x00, 0xa1, 0x0f, 0x00, 0x00, 0x06, 0x00, 'm',  'y',
                                 'p',  'w',  '!',  0x00, 0x78, 0x00, 0x00, 0x00};
    struct det_test *t = det_test_new("icq5", 17, 3993, 4000);
    const struct det_test_event *e;

    det_test_feed(t, FLOW_TOSERVER, v2, sizeof(v2));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_ICQ);
    det_test_end(t);
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "7654321");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "mypw!");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "cleartext");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_oft2_file)
{
    uint8_t h[256] = {0};
    struct det_test *t = oscar_test("oscar-peer", 5190, true);
    const struct det_test_event *e;

    memcpy(h, "OFT2", 4);
    h[4] = 0x01; /* header length 256 */
    h[6] = 0x01;
    h[7] = 0x01; /* prompt */
    h[35] = 100; /* size 100 */
    memcpy(h + 68, "Cool FileXfer", 13);
    memcpy(h + 192, "Hello.exe", 9);
    det_test_feed(t, FLOW_TOSERVER, h, sizeof(h));
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_AIM);
    e = det_test_find(t, APP_EVENT_FILE_TRANSFER, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_NAME), "Hello.exe");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_SIZE), "100");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_FILE_TYPE), "executable");
    /* the receiver's ack, then 100 bytes of file data, then the done header */
    h[7] = 0x02;
    det_test_feed(t, FLOW_TOCLIENT, h, sizeof(h));
    uint8_t data[100];
    memset(data, 'Z', sizeof(data));
    det_test_feed(t, FLOW_TOSERVER, data, sizeof(data));
    h[7] = 0x04;
    det_test_feed(t, FLOW_TOCLIENT, h, sizeof(h));
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_FILE_TRANSFER), 1);
    det_test_free(t);
}
END_TEST

static Suite *det_oscar_suite(void)
{
    Suite *s = suite_create("det_oscar");
    TCase *tc = tcase_create("oscar");
    TCase *tt = tcase_create("toc_icq_peer");

    tcase_add_test(tc, test_roasted_login_success);
    tcase_add_test(tc, test_roasted_login_failure_icq_uin);
    tcase_add_test(tc, test_login_unknown_at_end_one_byte_segments);
    tcase_add_test(tc, test_md5_login);
    tcase_add_test(tc, test_bos_cookie_signon);
    tcase_add_test(tc, test_rendezvous_internal_exe);
    tcase_add_test(tc, test_rendezvous_public_address_no_internal);
    tcase_add_test(tc, test_addgame_exploit);
    tcase_add_test(tc, test_mid_stream_resync);
    tcase_add_test(tc, test_negatives);
    tcase_add_test(tt, test_toc_signon);
    tcase_add_test(tt, test_toc2_error);
    tcase_add_test(tt, test_icq5_login_bad_password);
    tcase_add_test(tt, test_icq5_rejects_bad_checkcode_and_oicq);
    tcase_add_test(tt, test_icq2_login);
    tcase_add_test(tt, test_oft2_file);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tt);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_oscar_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
