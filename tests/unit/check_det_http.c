/*
 * check_det_http.c - unit tests for the HTTP/1.x parser (det_http_parse.c)
 * and the HTTP detector (det_http.c): start lines, case-insensitive and
 * folded headers, Content-Length and chunked bodies, pipelining, HEAD,
 * percent-decoding, query parameters, absolute-form, garbage resync, line
 * and header caps, gaps, CONNECT hold/tunnel, probing, and the Basic /
 * Digest / NTLM credential handling with outcomes from the response.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_http.h"
#include "imsentry/detect_test.h"

/* ---- a recorder of parsed messages ---- */

#define REC_MAX 16

struct rec_msg {
    bool from_client;    /* side */
    bool is_request;     /* request or response */
    bool absolute_form;  /* target form */
    bool body_complete;  /* whole body kept */
    int status;          /* response status */
    uint32_t seq;        /* request index */
    char method[32];     /* method */
    char req_method[32]; /* response: method answered */
    char uri[256];       /* raw target */
    char path[256];      /* decoded path */
    char query[256];     /* raw query */
    char host[128];      /* host */
    char body[4096];     /* body kept */
    size_t body_len;     /* its length */
    unsigned n_headers;  /* headers kept */
};

struct rec {
    unsigned n;                /* messages */
    struct rec_msg m[REC_MAX]; /* copies */
    unsigned anomalies;        /* anomaly callbacks */
    char param[64];            /* http_query_param("login") of the last request */
    char xlong[128];           /* value of X-Long (folded header) */
    char ctype[64];            /* value of content-type (asked in lower case) */
};

static void span_copy(char *dst, size_t cap, const struct http_span *s)
{
    size_t n = s->len < cap - 1 ? s->len : cap - 1;
    if (n)
        memcpy(dst, s->p, n);
    dst[n] = '\0';
}

static void on_msg(void *user, bool from_client, const struct http_msg *m)
{
    struct rec *r = user;
    if (r->n >= REC_MAX)
        return;
    struct rec_msg *x = &r->m[r->n++];
    memset(x, 0, sizeof(*x));
    x->from_client = from_client;
    x->is_request = m->is_request;
    x->absolute_form = m->absolute_form;
    x->body_complete = m->body_complete;
    x->status = m->status;
    x->seq = m->seq;
    span_copy(x->method, sizeof(x->method), &m->method);
    span_copy(x->req_method, sizeof(x->req_method), &m->req_method);
    span_copy(x->uri, sizeof(x->uri), &m->uri);
    span_copy(x->path, sizeof(x->path), &m->path);
    span_copy(x->query, sizeof(x->query), &m->query);
    span_copy(x->host, sizeof(x->host), &m->host);
    memcpy(x->body, m->body.p, m->body.len < sizeof(x->body) ? m->body.len : sizeof(x->body));
    x->body_len = m->body.len;
    x->n_headers = m->n_headers;
    size_t len;
    if (!http_query_param(m, "login", r->param, sizeof(r->param), &len))
        r->param[0] = '\0';
    const struct http_span *v = http_header(m, "x-long");
    if (v)
        span_copy(r->xlong, sizeof(r->xlong), v);
    v = http_header(m, "content-type");
    if (v)
        span_copy(r->ctype, sizeof(r->ctype), v);
}

static void on_anom(void *user, enum http_anomaly a)
{
    ((struct rec *)user)->anomalies++;
    (void)a;
}

static const struct http_parser_cb cb = {on_msg, on_anom};

static struct http_conn *conn_new(void)
{
    struct http_conn *c = malloc(sizeof(*c));
    ck_assert_ptr_nonnull(c);
    http_conn_init(c);
    return c;
}

static size_t feed(struct http_conn *c, bool cli, const char *s, struct rec *r)
{
    return http_conn_feed(c, cli, (const uint8_t *)s, strlen(s), &cb, r);
}

/* ---- parser ---- */

START_TEST(test_simple_get_decoding)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* origin-form target with %20, an encoded slash, a query with %40 and '+' */
    const char *req = "GET /a%20b/c%2Fd?x=1&login=bob%40example.com&passwd=a+b HTTP/1.1\r\n"
                      "HOST: www.example.com\r\n"
                      "Content-Type:   text/plain  \r\n"
                      "\r\n";
    ck_assert_uint_eq(feed(c, true, req, &r), strlen(req));
    ck_assert_uint_eq(r.n, 1);
    ck_assert(r.m[0].is_request);
    ck_assert_str_eq(r.m[0].method, "GET");
    ck_assert_str_eq(r.m[0].path, "/a b/c/d");
    ck_assert_str_eq(r.m[0].query, "x=1&login=bob%40example.com&passwd=a+b");
    ck_assert_str_eq(r.m[0].host, "www.example.com"); /* Host asked for in another case */
    ck_assert_str_eq(r.param, "bob@example.com");
    ck_assert_str_eq(r.ctype, "text/plain"); /* OWS trimmed both sides */
    ck_assert(!r.m[0].absolute_form);
    ck_assert_uint_eq(r.anomalies, 0);
    free(c);
}
END_TEST

START_TEST(test_query_param_plus_and_missing)
{
    struct http_msg m;
    char out[32];
    size_t len = 99;
    const char *q = "a=1&passwd=p%26q+r&login&x=";
    memset(&m, 0, sizeof(m));
    m.query.p = (const uint8_t *)q;
    m.query.len = strlen(q);
    ck_assert(http_query_param(&m, "passwd", out, sizeof(out), &len));
    ck_assert_str_eq(out, "p&q r"); /* %26 decoded, '+' is a space in a query */
    ck_assert_uint_eq(len, 5);
    ck_assert(http_query_param(&m, "login", out, sizeof(out), &len)); /* present, no '=' */
    ck_assert_str_eq(out, "");
    ck_assert(!http_query_param(&m, "logi", out, sizeof(out), &len)); /* no prefix match */
    ck_assert(!http_query_param(&m, "b", out, sizeof(out), &len));
    ck_assert(http_query_param(&m, "a", out, 2, &len)); /* output cut to its size */
    ck_assert_str_eq(out, "1");
}
END_TEST

START_TEST(test_pct_decode_invalid)
{
    uint8_t out[16];
    /* "%zz" and a trailing "%4" are not escapes: kept as they are */
    size_t n = http_pct_decode((const uint8_t *)"%zz%41%4", 8, out, sizeof(out), false);
    ck_assert_uint_eq(n, 6);
    ck_assert_mem_eq(out, "%zzA%4", 6);
    n = http_pct_decode((const uint8_t *)"abcdef", 6, out, 3, false); /* bounded */
    ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(test_folded_header)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* obs-fold: the value continues on lines starting with SP or HTAB */
    const char *req = "POST /f HTTP/1.0\r\n"
                      "X-Long: part one\r\n"
                      "   part two\r\n"
                      "\tpart three  \r\n"
                      "Host: h\r\n"
                      "\r\n";
    feed(c, true, req, &r);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.xlong, "part one part two part three");
    ck_assert_str_eq(r.m[0].host, "h"); /* the header after the fold is intact */
    ck_assert_uint_eq(r.m[0].n_headers, 2);
    free(c);
}
END_TEST

START_TEST(test_pipelined_requests_one_segment)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    const char *reqs = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                       "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                       "POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                       "GET /4 HTTP/1.1\r\n\r\n";
    feed(c, true, reqs, &r);
    ck_assert_uint_eq(r.n, 4);
    ck_assert_str_eq(r.m[0].path, "/1");
    ck_assert_str_eq(r.m[1].path, "/2");
    ck_assert_str_eq(r.m[2].path, "/3");
    ck_assert_uint_eq(r.m[2].body_len, 3);
    ck_assert_mem_eq(r.m[2].body, "abc", 3);
    ck_assert(r.m[2].body_complete);
    ck_assert_str_eq(r.m[3].path, "/4");
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(r.m[i].seq, i);
    /* the responses come back in order and learn which method they answer */
    const char *resps = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                        "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx"
                        "HTTP/1.1 304 Not Modified\r\n\r\n";
    feed(c, false, resps, &r);
    ck_assert_uint_eq(r.n, 8);
    ck_assert_int_eq(r.m[4].status, 200);
    ck_assert_mem_eq(r.m[4].body, "ok", 2);
    ck_assert_int_eq(r.m[5].status, 404);
    ck_assert_int_eq(r.m[6].status, 201);
    ck_assert_str_eq(r.m[6].req_method, "POST");
    ck_assert_uint_eq(r.m[6].seq, 2);
    ck_assert_int_eq(r.m[7].status, 304);
    ck_assert_uint_eq(r.anomalies, 0);
    free(c);
}
END_TEST

START_TEST(test_one_byte_segments)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    const char *req = "\r\nPUT /up%2e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "4\r\nwiki\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    for (size_t i = 0; i < strlen(req); i++)
        ck_assert_uint_eq(http_conn_feed(c, true, (const uint8_t *)req + i, 1, &cb, &r), 1);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_str_eq(r.m[0].method, "PUT");
    ck_assert_str_eq(r.m[0].path, "/up.");
    ck_assert_uint_eq(r.m[0].body_len, 4);
    ck_assert_mem_eq(r.m[0].body, "wiki", 4);
    ck_assert_str_eq(r.m[1].path, "/");
    ck_assert_uint_eq(r.anomalies, 0);
    free(c);
}
END_TEST

START_TEST(test_chunked_response_with_trailer)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    feed(c, true, "GET /c HTTP/1.1\r\n\r\nGET /d HTTP/1.1\r\n\r\n", &r);
    /* chunk extension, upper-case hex, a trailer field, then a second response */
    const char *resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                       "5;name=val\r\nhello\r\n"
                       "A\r\n world 123\r\n"
                       "0\r\nX-Trailer: y\r\n\r\n"
                       "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n";
    feed(c, false, resp, &r);
    ck_assert_uint_eq(r.n, 4);
    ck_assert_int_eq(r.m[2].status, 200);
    ck_assert_uint_eq(r.m[2].body_len, 15);
    ck_assert_mem_eq(r.m[2].body, "hello world 123", 15);
    ck_assert(r.m[2].body_complete);
    ck_assert_int_eq(r.m[3].status, 500);
    ck_assert_uint_eq(r.anomalies, 0);
    free(c);
}
END_TEST

START_TEST(test_bad_chunk_resync)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* "zz" is no chunk size: the message ends there, the next request is still found */
    feed(c, true,
         "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\njunk\r\n"
         "GET /after HTTP/1.1\r\n\r\n",
         &r);
    ck_assert_uint_eq(r.n, 2);
    ck_assert(!r.m[0].body_complete);
    ck_assert_str_eq(r.m[1].path, "/after");
    ck_assert_uint_ge(r.anomalies, 1);
    struct http_conn *c2 = conn_new();
    struct rec r2 = {0};
    /* a chunk size of 16 hex digits overflows the cap */
    feed(c2, true,
         "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
         "10000000000000000\r\n",
         &r2);
    ck_assert_uint_eq(c2->anomalies[HTTP_ANOM_BAD_CHUNK], 1);
    free(c);
    free(c2);
}
END_TEST

START_TEST(test_content_length_conflict)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    feed(c, true, "POST /a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", &r);
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_BAD_LENGTH], 1);
    ck_assert_uint_eq(r.n, 1);
    /* identical values in a list are fine (RFC 9110 8.6) */
    feed(c, true, "POST /b HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nhiGET /c HTTP/1.1\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_mem_eq(r.m[1].body, "hi", 2);
    ck_assert_str_eq(r.m[2].path, "/c");
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_BAD_LENGTH], 1);
    free(c);
}
END_TEST

START_TEST(test_head_response_has_no_body)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    feed(c, true, "HEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n", &r);
    /* the HEAD response announces 100 bytes but carries none */
    feed(c, false,
         "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
         &r);
    ck_assert_uint_eq(r.n, 4);
    ck_assert_str_eq(r.m[2].req_method, "HEAD");
    ck_assert_uint_eq(r.m[2].body_len, 0);
    ck_assert_str_eq(r.m[3].req_method, "GET");
    ck_assert_mem_eq(r.m[3].body, "ok", 2);
    free(c);
}
END_TEST

START_TEST(test_interim_and_close_delimited)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    feed(c, true, "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz", &r);
    /* 100 Continue does not answer the request; the final response is read until close */
    feed(c, false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nbody until close", &r);
    ck_assert_uint_eq(r.n, 2); /* request + 100; the 200 waits for its end */
    ck_assert_int_eq(r.m[1].status, 100);
    http_conn_eof(c, false, &cb, &r);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_int_eq(r.m[2].status, 200);
    ck_assert_str_eq(r.m[2].req_method, "POST");
    ck_assert_uint_eq(r.m[2].body_len, 16);
    free(c);
}
END_TEST

START_TEST(test_absolute_form)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* forward proxy request: the authority of the URI wins over Host; userinfo dropped */
    feed(c, true,
         "GET http://user:pw@Example.com:8080/p%41th?q=1 HTTP/1.1\r\n"
         "Host: other.example\r\n\r\n"
         "GET http://example.org HTTP/1.0\r\n\r\n",
         &r);
    ck_assert_uint_eq(r.n, 2);
    ck_assert(r.m[0].absolute_form);
    ck_assert_str_eq(r.m[0].host, "Example.com:8080");
    ck_assert_str_eq(r.m[0].path, "/pAth");
    ck_assert_str_eq(r.m[0].query, "q=1");
    ck_assert_str_eq(r.m[0].uri, "http://user:pw@Example.com:8080/p%41th?q=1");
    ck_assert(r.m[1].absolute_form);
    ck_assert_str_eq(r.m[1].host, "example.org");
    ck_assert_str_eq(r.m[1].path, "/"); /* empty path is "/" */
    free(c);
}
END_TEST

START_TEST(test_garbage_resync)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* a capture starting inside a body, binary junk, a lower-case "get", then a request */
    const uint8_t junk[] = {0x00, 0x01, 0xff, '\n', 'g', 'e', 't', ' ', '/', ' ', 'H', '\n'};
    http_conn_feed(c, true, junk, sizeof(junk), &cb, &r);
    feed(c, true, "ody text</p>\r\n</html>\r\nGET /x HTTP/1.0\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.m[0].path, "/x");
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_GARBAGE], 1); /* once per resync episode */
    /* the server side resyncs on "HTTP/" lines only */
    feed(c, false, "tail of an earlier body\nHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_int_eq(r.m[1].status, 200);
    free(c);
}
END_TEST

START_TEST(test_line_and_head_caps)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    char *big = malloc(LIM_HTTP_LINE_MAX + 200);
    ck_assert_ptr_nonnull(big);
    int n = snprintf(big, 64, "GET /big HTTP/1.1\r\nX-Big: ");
    memset(big + n, 'A', LIM_HTTP_LINE_MAX + 50);
    http_conn_feed(c, true, (const uint8_t *)big, (size_t)n + LIM_HTTP_LINE_MAX + 50, &cb, &r);
    feed(c, true, "\r\n\r\nGET /next HTTP/1.1\r\n\r\n", &r);
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_LINE_TOO_LONG], 1);
    ck_assert_uint_eq(r.n, 1); /* the oversized message is dropped, the next one parsed */
    ck_assert_str_eq(r.m[0].path, "/next");
    /* many short headers: the block cap */
    feed(c, true, "GET /many HTTP/1.1\r\n", &r);
    for (int i = 0; i < 400; i++)
        feed(c, true, "X-Filler: 0123456789\r\n", &r);
    feed(c, true, "\r\nGET /last HTTP/1.1\r\n\r\n", &r);
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_HEAD_TOO_LARGE], 1);
    ck_assert_str_eq(r.m[r.n - 1].path, "/last");
    /* more headers than HTTP_MAX_HEADERS: kept up to the cap, counted once */
    feed(c, true, "GET /hdrs HTTP/1.1\r\n", &r);
    for (int i = 0; i < HTTP_MAX_HEADERS + 5; i++)
        feed(c, true, "A: b\r\n", &r);
    feed(c, true, "\r\n", &r);
    ck_assert_str_eq(r.m[r.n - 1].path, "/hdrs");
    ck_assert_uint_eq(r.m[r.n - 1].n_headers, HTTP_MAX_HEADERS);
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_TOO_MANY_HEADERS], 1);
    free(big);
    free(c);
}
END_TEST

START_TEST(test_bad_header_line)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* a line without a colon and a name with a space are skipped, not fatal */
    feed(c, true, "GET / HTTP/1.1\r\nno colon here\r\nBad Name: x\r\nGood: y\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_uint_eq(r.m[0].n_headers, 1);
    ck_assert_uint_eq(c->anomalies[HTTP_ANOM_BAD_HEADER], 2);
    free(c);
}
END_TEST

START_TEST(test_body_keep_cap_and_gap)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    char *body = malloc(5000);
    ck_assert_ptr_nonnull(body);
    memset(body, 'b', 5000);
    feed(c, true, "GET /f HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n", &r);
    feed(c, false, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", &r);
    http_conn_feed(c, false, (const uint8_t *)body, 3000, &cb, &r);
    ck_assert_uint_eq(r.n, 3); /* reported as soon as the kept prefix is full */
    ck_assert_uint_eq(r.m[2].body_len, LIM_HTTP_BODY_KEEP);
    ck_assert(!r.m[2].body_complete);
    http_conn_gap(c, false, 1000, &cb, &r); /* a hole inside the body is skipped */
    http_conn_feed(c, false, (const uint8_t *)body, 1000, &cb, &r);
    feed(c, false, "HTTP/1.1 204 No Content\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 4); /* not reported twice; the next response is in step */
    ck_assert_int_eq(r.m[3].status, 204);
    ck_assert_str_eq(r.m[3].req_method, "GET");
    ck_assert_uint_eq(r.anomalies, 0);
    /* a hole in the header block: resync without an anomaly */
    feed(c, true, "GET /part", &r);
    http_conn_gap(c, true, 10, &cb, &r);
    feed(c, true, "al HTTP/1.1\r\n\r\nGET /whole HTTP/1.1\r\n\r\n", &r);
    ck_assert_str_eq(r.m[r.n - 1].path, "/whole");
    ck_assert_uint_eq(r.anomalies, 0);
    free(body);
    free(c);
}
END_TEST

START_TEST(test_connect_tunnel_hold)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* the client sends its TLS hello right behind the CONNECT */
    const char *req = "CONNECT mail.example.com:443 HTTP/1.1\r\nHost: mail.example.com:443\r\n"
                      "\r\n\x16\x03\x01";
    ck_assert_uint_eq(feed(c, true, req, &r), strlen(req));
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.m[0].host, "mail.example.com:443");
    ck_assert(!http_conn_tunnel(c));
    const char *resp = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03";
    size_t used = feed(c, false, resp, &r);
    ck_assert_uint_eq(used, strlen(resp) - 3); /* the rest is the tunnel's */
    ck_assert(http_conn_tunnel(c));
    ck_assert_str_eq(r.m[1].req_method, "CONNECT");
    const uint8_t *held;
    uint64_t dropped;
    size_t n = http_conn_take_hold(c, &held, &dropped);
    ck_assert_uint_eq(n, 3);
    ck_assert_mem_eq(held, "\x16\x03\x01", 3);
    ck_assert_uint_eq(dropped, 0);
    ck_assert_uint_eq(feed(c, true, "GET / HTTP/1.1\r\n\r\n", &r), 0); /* tunnel bytes now */
    ck_assert_uint_eq(r.n, 2);
    free(c);
}
END_TEST

START_TEST(test_connect_refused_replays_held)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    /* 407: the bytes held after the first CONNECT are the retry with credentials */
    feed(c, true,
         "CONNECT h:8000 HTTP/1.1\r\n\r\n"
         "CONNECT h:8000 HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
         &r);
    ck_assert_uint_eq(r.n, 1);
    feed(c, false, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_int_eq(r.m[1].status, 407);
    ck_assert_str_eq(r.m[2].method, "CONNECT");
    ck_assert_uint_eq(r.m[2].seq, 1);
    ck_assert(!http_conn_tunnel(c));
    size_t used = feed(c, false, "HTTP/1.1 200 OK\r\n\r\nSSH-2.0-x\r\n", &r);
    ck_assert(http_conn_tunnel(c));
    ck_assert_uint_eq(used, 19);
    free(c);
}
END_TEST

START_TEST(test_switching_protocols)
{
    struct http_conn *c = conn_new();
    struct rec r = {0};
    feed(c, true, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", &r);
    feed(c, false, "HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello", &r);
    feed(c, true, "\x81\x85GET / HTTP/1.1\r\n\r\n", &r);
    ck_assert_uint_eq(r.n, 2); /* after 101 nothing is HTTP any more */
    ck_assert_uint_eq(r.anomalies, 0);
    free(c);
}
END_TEST

START_TEST(test_probe_start)
{
    ck_assert_int_eq(http_probe_start((const uint8_t *)"GET / HTTP/1.1\r\n", 16),
                     HTTP_START_REQUEST);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"\r\nPROPFIND /d HTTP/1.1\n", 23),
                     HTTP_START_REQUEST);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"GET / HT", 8), HTTP_START_MORE);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"HTTP/1.1 200", 12), HTTP_START_RESPONSE);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"HTTP/1.0 404 Not Found\r\n", 24),
                     HTTP_START_RESPONSE);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"HTTP/1.", 7), HTTP_START_MORE);
    /* unknown method, HTTP/2 preface, Gnutella and RTSP lines are not HTTP/1.x */
    ck_assert_int_eq(http_probe_start((const uint8_t *)"FOO / HTTP/1.1\r\n", 16), HTTP_START_NO);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"PRI * HTTP/2.0\r\n", 16), HTTP_START_NO);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"GNUTELLA CONNECT/0.6\r\n", 22),
                     HTTP_START_NO);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"RTSP/1.0 200 OK\r\n", 17), HTTP_START_NO);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"get / HTTP/1.1\r\n", 16), HTTP_START_NO);
    ck_assert_int_eq(http_probe_start((const uint8_t *)"\x16\x03\x01", 3), HTTP_START_NO);
}
END_TEST

/* ---- the detector through the framework ---- */

static struct det_test *http_flow(uint16_t srv_port)
{
    struct det_test *t = det_test_new("http", 6, 40000, srv_port);
    ck_assert_ptr_nonnull(t);
    return t;
}

static void feed_s(struct det_test *t, enum flow_dir d, const char *s)
{
    det_test_feed(t, d, s, strlen(s));
}

START_TEST(test_det_basic_failure_then_success)
{
    struct det_test *t = http_flow(80);
    /* dGVzdDpmYWlsMg== = "test:fail2", dGVzdDpvaw== = "test:ok" */
    feed_s(t, FLOW_TOSERVER,
           "GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dGVzdDpmYWlsMg==\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    feed_s(t, FLOW_TOSERVER,
           "GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dGVzdDpvaw==\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    /* the browser repeats the same credentials: not another attempt */
    feed_s(t, FLOW_TOSERVER,
           "GET /b HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dGVzdDpvaw==\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_HTTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 2);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "test");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "fail2");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "base64");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "Basic");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "http");
    ck_assert_int_eq(e->proto, APP_PROTO_HTTP);
    unsigned i;
    for (i = 0; i < det_test_n_events(t); i++)
        if (det_test_event(t, i) == e)
            break;
    e = det_test_find(t, APP_EVENT_LOGIN, i + 1);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "ok");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_det_basic_colon_and_spaces)
{
    struct det_test *t = http_flow(8000);
    /* two spaces after Basic; dGVzdDoxOjM0 = "test:1:34": split at the first colon */
    feed_s(t, FLOW_TOSERVER, "GET / HTTP/1.1\r\nAuthorization: Basic  dGVzdDoxOjM0\r\n\r\n");
    det_test_end(t); /* no response: outcome unknown at flow end */
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "test");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "1:34");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "unknown");
    det_test_free(t);
}
END_TEST

START_TEST(test_det_digest_and_ntlm)
{
    struct det_test *t = http_flow(80);
    feed_s(t, FLOW_TOSERVER,
           "GET /dir/index.html HTTP/1.1\r\nHost: h\r\nAuthorization: Digest "
           "username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b\", "
           "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\",\r\n"
           " response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c\"\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    /* NTLM exposes no reusable password: nothing reported */
    feed_s(t, FLOW_TOSERVER,
           "PROPFIND / HTTP/1.1\r\nAuthorization: NTLM TlRMTVNTUAABAAAAB4IIog==\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    det_test_end(t);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 1);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "Mufasa");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD), "6629fae49393a05397450978507c4ef1");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_PASSWORD_FORM), "hashed");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_AUTH_MECHANISM), "Digest");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    det_test_free(t);
}
END_TEST

START_TEST(test_det_connect_tunnel)
{
    struct det_test *t = http_flow(8080);
    /* dTpwYXNz = "u:pass" on the CONNECT: proxy credentials */
    feed_s(t, FLOW_TOSERVER,
           "CONNECT irc.example.net:6667 HTTP/1.0\r\n"
           "Proxy-Authorization: Basic dTpwYXNz\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.0 200 Connection established\r\n\r\n");
    feed_s(t, FLOW_TOSERVER, "NICK someone\r\nUSER a b c :d\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_HTTP_PROXY);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_TUNNEL, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL), "http-proxy");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_TUNNEL_TARGET), "irc.example.net:6667");
    e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_USERNAME), "u");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "success");
    ck_assert_str_eq(det_test_fact(e, APP_FACT_SERVICE), "http-proxy");
    det_test_free(t);
}
END_TEST

START_TEST(test_det_connect_refused)
{
    struct det_test *t = http_flow(3128);
    feed_s(t, FLOW_TOSERVER, "CONNECT h:443 HTTP/1.1\r\nProxy-Authorization: Basic dTp4\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT,
           "HTTP/1.1 407 Proxy Authentication Required\r\n"
           "Content-Length: 0\r\n\r\n");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_HTTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_TUNNEL), 0);
    const struct det_test_event *e = det_test_find(t, APP_EVENT_LOGIN, 0);
    ck_assert_str_eq(det_test_fact(e, APP_FACT_LOGIN_OUTCOME), "failure");
    det_test_free(t);
}
END_TEST

START_TEST(test_det_forward_proxy_is_http)
{
    struct det_test *t = http_flow(3128);
    feed_s(t, FLOW_TOSERVER,
           "GET http://www.example.com/ HTTP/1.1\r\nHost: www.example.com\r\n\r\n");
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_HTTP);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_TUNNEL), 0);
    ck_assert_uint_eq(det_test_count(t, APP_EVENT_LOGIN), 0);
    det_test_free(t);
}
END_TEST

START_TEST(test_det_server_side_alone)
{
    struct det_test *t = http_flow(80);
    /* only the response direction is seen (asymmetric capture) */
    feed_s(t, FLOW_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    det_test_end(t);
    ck_assert_int_eq(det_test_app_proto(t), APP_PROTO_HTTP);
    det_test_free(t);
}
END_TEST

START_TEST(test_det_not_http)
{
    struct det_test *t = http_flow(80);
    feed_s(t, FLOW_TOSERVER, "SSH-2.0-OpenSSH_8.9\r\n");
    feed_s(t, FLOW_TOCLIENT, "SSH-2.0-OpenSSH_8.9\r\n");
    det_test_end(t);
    ck_assert_int_ne(det_test_app_proto(t), APP_PROTO_HTTP);
    det_test_free(t);
}
END_TEST

static Suite *det_http_suite(void)
{
    Suite *s = suite_create("det_http");
    TCase *p = tcase_create("parser");
    tcase_add_test(p, test_simple_get_decoding);
    tcase_add_test(p, test_query_param_plus_and_missing);
    tcase_add_test(p, test_pct_decode_invalid);
    tcase_add_test(p, test_folded_header);
    tcase_add_test(p, test_pipelined_requests_one_segment);
    tcase_add_test(p, test_one_byte_segments);
    tcase_add_test(p, test_chunked_response_with_trailer);
    tcase_add_test(p, test_bad_chunk_resync);
    tcase_add_test(p, test_content_length_conflict);
    tcase_add_test(p, test_head_response_has_no_body);
    tcase_add_test(p, test_interim_and_close_delimited);
    tcase_add_test(p, test_absolute_form);
    tcase_add_test(p, test_garbage_resync);
    tcase_add_test(p, test_line_and_head_caps);
    tcase_add_test(p, test_bad_header_line);
    tcase_add_test(p, test_body_keep_cap_and_gap);
    tcase_add_test(p, test_connect_tunnel_hold);
    tcase_add_test(p, test_connect_refused_replays_held);
    tcase_add_test(p, test_switching_protocols);
    tcase_add_test(p, test_probe_start);
    suite_add_tcase(s, p);
    TCase *d = tcase_create("detector");
    tcase_add_test(d, test_det_basic_failure_then_success);
    tcase_add_test(d, test_det_basic_colon_and_spaces);
    tcase_add_test(d, test_det_digest_and_ntlm);
    tcase_add_test(d, test_det_connect_tunnel);
    tcase_add_test(d, test_det_connect_refused);
    tcase_add_test(d, test_det_forward_proxy_is_http);
    tcase_add_test(d, test_det_server_side_alone);
    tcase_add_test(d, test_det_not_http);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(det_http_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
