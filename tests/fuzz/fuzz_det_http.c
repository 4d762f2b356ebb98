/*
 * fuzz_det_http.c - fuzz target for the HTTP parser (det_http_parse.c) and
 * the HTTP detector (det_http.c).
 *
 * The input is a script of deliveries:
 *   byte    bit 0 side (0 client, 1 server), bit 1 a gap instead of data,
 *           bits 2-7 length (0-63; 63 = the rest of the input)
 *   bytes   the data (absent for a gap; a gap's size is (length + 1) * 7)
 * The script runs twice: against a bare struct http_conn, checking the
 * parser's invariants on every message (abort() on violation: spans inside
 * their buffers, the body within LIM_HTTP_BODY_KEEP, requests numbered in
 * order), and through the detect test driver with the HTTP detector only
 * (probe, parse, CONNECT tunnel, credentials, finish).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/det_http.h"
#include "imsentry/detect_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    const struct http_conn *c; /* the parser (for buffer bounds) */
    uint32_t next_req;         /* seq the next request must carry */
};

static bool inside(const struct http_span *s, const void *base, size_t cap)
{
    const uint8_t *b = base;
    if (!s->len)
        return true;
    return s->p >= b && s->len <= cap && (size_t)(s->p - b) <= cap - s->len;
}

static bool in_half(const struct http_span *s, const struct http_half *h)
{
    return inside(s, h->head, sizeof(h->head)) || inside(s, h->path, sizeof(h->path)) ||
           inside(s, h->body, sizeof(h->body));
}

static void on_msg(void *user, bool from_client, const struct http_msg *m)
{
    struct fz *z = user;
    const struct http_half *h = &z->c->half[from_client ? 0 : 1];
    if (m->body.len > LIM_HTTP_BODY_KEEP || m->n_headers > HTTP_MAX_HEADERS)
        abort();
    if (!in_half(&m->method, h) || !in_half(&m->uri, h) || !in_half(&m->path, h) ||
        !in_half(&m->query, h) || !in_half(&m->host, h) || !in_half(&m->version, h) ||
        !inside(&m->body, h->body, sizeof(h->body)))
        abort();
    for (unsigned i = 0; i < m->n_headers; i++)
        if (!in_half(&m->headers[i].name, h) || !in_half(&m->headers[i].value, h))
            abort();
    if (from_client != m->is_request)
        abort();
    if (m->is_request) {
        if (m->seq != z->next_req)
            abort();
        z->next_req++;
    }
    char out[64];
    size_t len;
    (void)http_query_param(m, "login", out, sizeof(out), &len);
    (void)http_header(m, "Content-Type");
}

static const struct http_parser_cb fz_cb = {on_msg, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_conn *c = malloc(sizeof(*c));
    struct det_test *t = det_test_new("http", 6, 40000, 80);
    struct fz z = {c, 0};

    if (!c || !t)
        goto out;
    http_conn_init(c);
    for (int pass = 0; pass < 2; pass++) {
        size_t off = 0;
        while (off < size) {
            uint8_t op = data[off++];
            bool srv = op & 1;
            size_t n = op >> 2;
            if (op & 2) {
                size_t gap = (n + 1) * 7;
                if (pass == 0)
                    http_conn_gap(c, !srv, gap, &fz_cb, &z);
                else
                    det_test_gap(t, srv ? FLOW_TOCLIENT : FLOW_TOSERVER, gap);
                continue;
            }
            if (n == 63 || n > size - off)
                n = size - off;
            if (pass == 0) {
                size_t used = http_conn_feed(c, !srv, data + off, n, &fz_cb, &z);
                if (used > n || (used < n && !http_conn_tunnel(c)))
                    abort();
                const uint8_t *held;
                uint64_t dropped;
                if (http_conn_tunnel(c) &&
                    http_conn_take_hold(c, &held, &dropped) > LIM_HTTP_BODY_KEEP)
                    abort();
            } else {
                det_test_feed(t, srv ? FLOW_TOCLIENT : FLOW_TOSERVER, data + off, n);
            }
            off += n;
        }
        if (pass == 0) {
            http_conn_eof(c, true, &fz_cb, &z);
            http_conn_eof(c, false, &fz_cb, &z);
        }
    }
    (void)http_probe_start(data, size);
    det_test_end(t);
out:
    free(c);
    if (t)
        det_test_free(t);
    return 0;
}
