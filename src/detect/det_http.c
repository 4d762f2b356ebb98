/*
 * det_http.c - the HTTP/1.x detector (RFC 9112) and the HTTP CONNECT
 * tunnel (RFC 9110 section 9.3.6).
 *
 * Identification: a request line with a registered method and HTTP/1.x,
 * or a status line "HTTP/1.x NNN" (the server's side alone identifies a
 * flow).  Every parsed request and response (det_http_parse.c) is handed
 * to det_http_dispatch() so the detectors of HTTP-borne protocols (MSN
 * gateway, Yahoo web login, Gnutella/KaZaA downloads ...) can claim it.
 *
 * Credentials (RFC 7617 Basic, RFC 7616 Digest) in Authorization and
 * Proxy-Authorization are reported as LOGIN events once the response tells
 * the outcome (401/407 failure, 2xx/3xx success, else unknown; unknown at
 * flow end without a response).  Basic's "user:pass" is split at the first
 * colon (RFC 7617 section 2: the user-id cannot contain one).  NTLM and
 * Negotiate expose no reusable password and are not reported.
 *
 * CONNECT host:port answered 2xx makes the flow app_proto http-proxy, emits
 * TUNNEL and hands every later byte of both sides to the framework's tunnel
 * (the inner stream is detected again).  A forward-proxy request in
 * absolute-form ("GET http://host/ HTTP/1.1") stays app_proto http: only
 * CONNECT opens an opaque tunnel through the proxy, so only it is
 * http-proxy.
 */
#include "det_http.h"

#include <string.h>

#include "cred_util.h"
#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/err.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* One login attempt waiting for the response that tells its outcome. */
struct http_login_rec {
    bool used;                         /* slot holds an attempt */
    bool proxy;                        /* from Proxy-Authorization (else Authorization) */
    bool digest;                       /* Digest (else Basic) */
    bool has_pass;                     /* a password / response was present */
    uint32_t seq;                      /* index of the request that carried it */
    uint16_t user_len;                 /* bytes in user */
    uint16_t pass_len;                 /* bytes in pass */
    uint8_t user[LIM_PROXY_FIELD_MAX]; /* user name as sent (decoded for Basic) */
    uint8_t pass[LIM_PROXY_FIELD_MAX]; /* Basic password, or Digest response hex */
};

/* Per-flow state. */
struct http_state {
    struct http_conn conn;                /* the message parser, both sides */
    struct det_call *call;                /* framework handle during one callback (else NULL) */
    bool tunnel_open;                     /* det_tunnel_open() was called */
    uint16_t target_len;                  /* bytes in target */
    char target[LIM_PROXY_FIELD_MAX + 1]; /* host:port of the last CONNECT, NUL-terminated */
    struct http_login_rec pend[LIM_HTTP_LOGIN_PENDING]; /* attempts awaiting their response */
    bool have_last;                                     /* last_hash is set */
    uint64_t last_hash; /* hash of the last LOGIN reported (identical repeats dropped) */
};

static const uint16_t http_ports[] = {80, 8080, 3128, 8000, 8001, 8002, 8008, 8888};

/* ---- logins ---- */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void login_emit(struct http_state *st, struct http_login_rec *r, const char *outcome)
{
    struct app_event ev;
    enum app_proto proto = r->proxy ? APP_PROTO_HTTP_PROXY : APP_PROTO_HTTP;
    uint64_t h = 1469598103934665603ull;
    uint8_t tag = (uint8_t)(r->proxy << 1 | r->digest);

    h = fnv1a(h, &tag, 1);
    h = fnv1a(h, r->user, r->user_len);
    h = fnv1a(h, "\0", 1);
    h = fnv1a(h, r->pass, r->pass_len);
    h = fnv1a(h, outcome, strlen(outcome));
    if (!(st->have_last && st->last_hash == h)) {
        app_event_init(&ev, APP_EVENT_LOGIN, proto, FLOW_TOSERVER);
        app_event_add_str(&ev, APP_FACT_SERVICE, r->proxy ? "http-proxy" : "http");
        app_event_add(&ev, APP_FACT_USERNAME, r->user, r->user_len);
        if (r->has_pass)
            app_event_add(&ev, APP_FACT_PASSWORD, r->pass, r->pass_len);
        app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, r->digest ? "hashed" : "base64");
        app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, r->digest ? "Digest" : "Basic");
        app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
        det_emit(st->call, &ev);
        st->have_last = true;
        st->last_hash = h;
    }
    memset(r, 0, sizeof(*r)); /* wipes the password */
}

static struct http_login_rec *login_slot(struct http_state *st)
{
    struct http_login_rec *oldest = NULL;
    for (unsigned i = 0; i < LIM_HTTP_LOGIN_PENDING; i++) {
        if (!st->pend[i].used)
            return &st->pend[i];
        if (!oldest || st->pend[i].seq < oldest->seq)
            oldest = &st->pend[i];
    }
    login_emit(st, oldest, "unknown"); /* its response is overdue: report what is known */
    return oldest;
}

/* Basic: base64("user:pass"), split at the first colon. */
static void auth_basic(struct http_state *st, const struct http_msg *m, struct bcur *c, bool proxy)
{
    uint8_t dec[2 * LIM_PROXY_FIELD_MAX + 2];
    size_t n = 0;
    int rc =
        cred_base64_decode(bcur_ptr(c), bcur_remaining(c), dec, sizeof(dec), &n, CRED_B64_LENIENT);
    if ((rc != 0 && rc != IMS_ELIMIT) || n == 0)
        goto out;
    struct bcur d;
    bcur_init(&d, dec, n);
    long colon = bcur_find(&d, ':');
    size_t ulen = colon < 0 ? n : (size_t)colon;
    if (ulen == 0 && colon < 0)
        goto out;
    struct http_login_rec *r = login_slot(st);
    r->used = true;
    r->proxy = proxy;
    r->digest = false;
    r->seq = m->seq;
    r->user_len = (uint16_t)cred_copy_field(r->user, sizeof(r->user), dec, ulen);
    if (colon >= 0) {
        bcur_skip(&d, ulen + 1);
        r->has_pass = true;
        r->pass_len =
            (uint16_t)cred_copy_field(r->pass, sizeof(r->pass), bcur_ptr(&d), bcur_remaining(&d));
    }
out:
    memset(dec, 0, sizeof(dec));
}

/* Reads a Digest auth-param value (token or quoted-string) into out; returns its length. */
static size_t digest_value(struct bcur *c, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (bcur_remaining(c) && bcur_peek_u8(c, 0) == '"') {
        bcur_skip(c, 1);
        while (bcur_remaining(c)) {
            uint8_t ch = bcur_u8(c);
            if (ch == '"')
                break;
            if (ch == '\\' && bcur_remaining(c))
                ch = bcur_u8(c);
            if (n < cap)
                out[n++] = ch;
        }
        return n;
    }
    while (bcur_remaining(c)) {
        uint8_t ch = bcur_peek_u8(c, 0);
        if (ch == ',' || ch == ' ' || ch == '\t')
            break;
        bcur_skip(c, 1);
        if (n < cap)
            out[n++] = ch;
    }
    return n;
}

/* Digest: username="..." (the user) and response="..." (the hash). */
static void auth_digest(struct http_state *st, const struct http_msg *m, struct bcur *c, bool proxy)
{
    uint8_t user[LIM_PROXY_FIELD_MAX], resp[LIM_PROXY_FIELD_MAX], junk[16];
    size_t ulen = 0, rlen = 0;
    bool has_user = false, has_resp = false;

    while (bcur_remaining(c)) {
        uint8_t ch = bcur_peek_u8(c, 0);
        if (ch == ',' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            bcur_skip(c, 1);
            continue;
        }
        const uint8_t *name = bcur_ptr(c);
        size_t nlen = 0;
        while (bcur_remaining(c) && bcur_peek_u8(c, 0) != '=' && bcur_peek_u8(c, 0) != ',' &&
               bcur_peek_u8(c, 0) != ' ') {
            bcur_skip(c, 1);
            nlen++;
        }
        while (bcur_remaining(c) && bcur_peek_u8(c, 0) == ' ')
            bcur_skip(c, 1);
        if (!bcur_remaining(c) || bcur_peek_u8(c, 0) != '=')
            continue;
        bcur_skip(c, 1);
        while (bcur_remaining(c) && bcur_peek_u8(c, 0) == ' ')
            bcur_skip(c, 1);
        if (cred_token_eq(name, nlen, "username")) {
            ulen = digest_value(c, user, sizeof(user));
            has_user = true;
        } else if (cred_token_eq(name, nlen, "response")) {
            rlen = digest_value(c, resp, sizeof(resp));
            has_resp = true;
        } else {
            digest_value(c, junk, sizeof(junk));
        }
    }
    if (!has_user)
        return;
    struct http_login_rec *r = login_slot(st);
    r->used = true;
    r->proxy = proxy;
    r->digest = true;
    r->seq = m->seq;
    memcpy(r->user, user, ulen);
    r->user_len = (uint16_t)ulen;
    r->has_pass = has_resp;
    memcpy(r->pass, resp, rlen);
    r->pass_len = (uint16_t)rlen;
}

static void auth_header(struct http_state *st, const struct http_msg *m, const struct http_span *v,
                        bool proxy)
{
    struct bcur c;
    struct cred_span scheme;

    bcur_init(&c, v->p, v->len);
    if (!cred_next_token(&c, &scheme))
        return;
    while (bcur_remaining(&c) && (bcur_peek_u8(&c, 0) == ' ' || bcur_peek_u8(&c, 0) == '\t'))
        bcur_skip(&c, 1);
    if (cred_token_eq(scheme.p, scheme.len, "Basic"))
        auth_basic(st, m, &c, proxy);
    else if (cred_token_eq(scheme.p, scheme.len, "Digest"))
        auth_digest(st, m, &c, proxy);
    /* NTLM, Negotiate, Bearer ...: no recoverable password, nothing reported */
}

/* A final response: settles the logins of the request it answers (and older ones). */
static void logins_settle(struct http_state *st, const struct http_msg *m)
{
    const char *outcome = "unknown";
    if (m->status == 401 || m->status == 407)
        outcome = "failure";
    else if (m->status >= 200 && m->status < 400)
        outcome = "success";
    for (unsigned i = 0; i < LIM_HTTP_LOGIN_PENDING; i++) {
        struct http_login_rec *r = &st->pend[i];
        if (!r->used)
            continue;
        if (r->seq == m->seq)
            login_emit(st, r, outcome);
        else if (r->seq < m->seq)
            login_emit(st, r, "unknown");
    }
}

/* ---- tunnel ---- */

static void tunnel_open(struct http_state *st)
{
    struct app_event ev;
    const uint8_t *held;
    uint64_t dropped;

    st->tunnel_open = true;
    det_set_proto(st->call, APP_PROTO_HTTP_PROXY);
    app_event_init(&ev, APP_EVENT_TUNNEL, APP_PROTO_HTTP_PROXY, FLOW_TOCLIENT);
    app_event_add_str(&ev, APP_FACT_SERVICE, "http-proxy");
    app_event_add_str(&ev, APP_FACT_TUNNEL, "http-proxy");
    app_event_add(&ev, APP_FACT_TUNNEL_TARGET, st->target, st->target_len);
    det_emit(st->call, &ev);
    det_tunnel_open(st->call, "http-proxy", st->target);
    size_t n = http_conn_take_hold(&st->conn, &held, &dropped);
    if (n)
        det_tunnel_data(st->call, FLOW_TOSERVER, held, n, 0);
    if (dropped)
        det_tunnel_data(st->call, FLOW_TOSERVER, NULL, (size_t)dropped, STREAM_DATA_GAP);
}

/* ---- parser callbacks ---- */

static void on_message(void *user, bool from_client, const struct http_msg *m)
{
    struct http_state *st = user;

    det_http_dispatch(st->call, m);
    if (from_client) {
        const struct http_span *a = http_header(m, "Authorization");
        if (a)
            auth_header(st, m, a, false);
        a = http_header(m, "Proxy-Authorization");
        if (a)
            auth_header(st, m, a, true);
        if (http_span_eq(&m->method, "CONNECT") && !st->tunnel_open) {
            st->target_len = (uint16_t)cred_copy_field(
                (uint8_t *)st->target, sizeof(st->target) - 1, m->uri.p, m->uri.len);
            st->target[st->target_len] = '\0';
        }
        return;
    }
    if (m->status < 200)
        return;
    logins_settle(st, m);
    if (http_conn_tunnel(&st->conn) && !st->tunnel_open && http_span_eq(&m->req_method, "CONNECT"))
        tunnel_open(st);
}

static const struct http_parser_cb http_cb = {on_message, NULL};

/* ---- detector interface ---- */

static enum probe_result http_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    switch (http_probe_start(buf, len)) {
    case HTTP_START_REQUEST:
        det_set_client(call, dir);
        return PROBE_MATCH;
    case HTTP_START_RESPONSE:
        det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
        return PROBE_MATCH;
    case HTTP_START_MORE:
        return PROBE_MORE;
    default:
        return PROBE_NO;
    }
}

static int http_init(struct det_call *call, void *state)
{
    http_conn_init(&((struct http_state *)state)->conn);
    (void)call;
    return 0;
}

static void http_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct http_state *st = state;
    bool cli = dir == FLOW_TOSERVER;

    st->call = call;
    if (flags & STREAM_DATA_GAP) {
        if (st->tunnel_open)
            det_tunnel_data(call, dir, NULL, len, STREAM_DATA_GAP);
        else if (!http_conn_tunnel(&st->conn))
            http_conn_gap(&st->conn, cli, len, &http_cb, st);
    } else if (len && data) {
        size_t used = 0;
        if (!http_conn_tunnel(&st->conn))
            used = http_conn_feed(&st->conn, cli, data, len, &http_cb, st);
        if (used < len && st->tunnel_open)
            det_tunnel_data(call, dir, data + used, len - used, 0);
    }
    if (flags & (STREAM_DATA_EOF | STREAM_DATA_DEPTH)) {
        if (st->tunnel_open)
            det_tunnel_data(call, dir, NULL, 0, flags & (STREAM_DATA_EOF | STREAM_DATA_DEPTH));
        else
            http_conn_eof(&st->conn, cli, &http_cb, st);
    }
    st->call = NULL;
}

static void http_finish(struct det_call *call, void *state)
{
    struct http_state *st = state;

    st->call = call;
    if (!st->tunnel_open) {
        http_conn_eof(&st->conn, true, &http_cb, st);
        http_conn_eof(&st->conn, false, &http_cb, st);
    }
    for (unsigned i = 0; i < LIM_HTTP_LOGIN_PENDING; i++)
        if (st->pend[i].used)
            login_emit(st, &st->pend[i], "unknown");
    st->call = NULL;
}

static void http_free(void *state)
{
    struct http_state *st = state;
    memset(st->pend, 0, sizeof(st->pend)); /* no password left in freed memory */
}

const struct detector det_http = {
    .name = "http",
    .proto = APP_PROTO_HTTP,
    .ipproto = 6,
    .ports = http_ports,
    .n_ports = sizeof(http_ports) / sizeof(http_ports[0]),
    .probe = http_probe,
    .state_size = sizeof(struct http_state),
    .init = http_init,
    .parse = http_parse,
    .finish = http_finish,
    .free = http_free,
    .http_inspect = NULL,
};
