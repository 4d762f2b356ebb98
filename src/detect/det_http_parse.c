/*
 * det_http_parse.c - bounded, incremental HTTP/1.x message parser for the
 * HTTP detector (RFC 9112 "HTTP/1.1"; RFC 9110 for field syntax).
 *
 *   request-line = method SP request-target SP HTTP-version CRLF
 *   status-line  = HTTP-version SP status-code SP [ reason-phrase ] CRLF
 *   field-line   = field-name ":" OWS field-value OWS CRLF
 *   obs-fold     = CRLF 1*( SP / HTAB )         (joined with one SP)
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *
 * Request targets: origin-form ("/path?query"), absolute-form
 * ("http://host/path", forward proxies), authority-form ("host:port",
 * CONNECT only) and asterisk-form ("*").  Bare LF line endings are
 * accepted (section 2.2).  Message body length follows section 6.3.
 *
 * Both sides are fed independently; the client side's requests are queued
 * (LIM_HTTP_PIPELINE) so each response knows the method it answers (HEAD
 * has no body, a 2xx to CONNECT turns the connection into a tunnel).  Client
 * bytes sent after a CONNECT are held until the response decides whether
 * they are tunnel bytes or more requests.
 *
 * Everything is read through the bcur cursor; the only writes are into the
 * parser's own fixed buffers (header block, body prefix, decoded path).
 */
#include "det_http.h"

#include <string.h>

#include "imsentry/bytes.h"

/* Longest chunk-size or trailer line accepted, bytes. */
#define HTTP_CHUNK_LINE_MAX 1024
/* Most hex digits in a chunk size (60 bits). */
#define HTTP_CHUNK_DIGITS_MAX 15
/* Most decimal digits in a Content-Length (below 2^63). */
#define HTTP_CL_DIGITS_MAX 18
/* Longest method a request line may have. */
#define HTTP_METHOD_LEN_MAX (LIM_HTTP_METHOD_MAX - 1)

/* ---- small helpers ---- */

static int lower(int ch)
{
    return (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch;
}

/* RFC 9110 tchar. */
static bool is_tchar(uint8_t ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
        return true;
    return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static bool is_ows(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

static int hexval(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void anomaly(struct http_conn *c, enum http_anomaly a, const struct http_parser_cb *cb,
                    void *user)
{
    c->anomalies[a]++;
    if (cb && cb->anomaly)
        cb->anomaly(user, a);
}

bool http_span_eq(const struct http_span *s, const char *str)
{
    size_t n = strlen(str);
    if (!s || s->len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s->p[i]) != lower((unsigned char)str[i]))
            return false;
    return true;
}

bool http_span_prefix(const struct http_span *s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (!s || s->len < n)
        return false;
    struct http_span head = {s->p, n};
    return http_span_eq(&head, prefix);
}

const struct http_span *http_header(const struct http_msg *m, const char *name)
{
    for (unsigned i = 0; i < m->n_headers; i++)
        if (http_span_eq(&m->headers[i].name, name))
            return &m->headers[i].value;
    return NULL;
}

size_t http_pct_decode(const uint8_t *src, size_t len, uint8_t *out, size_t outlen,
                       bool plus_is_space)
{
    struct bcur c;
    size_t n = 0;

    bcur_init(&c, src, len);
    while (bcur_remaining(&c) && n < outlen) {
        uint8_t ch = bcur_u8(&c);
        if (ch == '%' && bcur_has(&c, 2)) {
            int hi = hexval(bcur_peek_u8(&c, 0));
            int lo = hexval(bcur_peek_u8(&c, 1));
            if (hi >= 0 && lo >= 0) {
                bcur_skip(&c, 2);
                ch = (uint8_t)(hi << 4 | lo);
            }
        } else if (ch == '+' && plus_is_space) {
            ch = ' ';
        }
        out[n++] = ch;
    }
    return n;
}

bool http_query_param(const struct http_msg *m, const char *name, char *out, size_t outlen,
                      size_t *len)
{
    struct bcur c;
    size_t nlen = strlen(name);

    if (len)
        *len = 0;
    if (!m->query.p || !outlen)
        return false;
    bcur_init(&c, m->query.p, m->query.len);
    while (bcur_remaining(&c)) {
        long amp = bcur_find(&c, '&');
        size_t plen = amp < 0 ? bcur_remaining(&c) : (size_t)amp;
        const uint8_t *pair = bcur_ptr(&c);
        struct bcur pc;
        bcur_init(&pc, pair, plen);
        long eq = bcur_find(&pc, '=');
        size_t klen = eq < 0 ? plen : (size_t)eq;
        if (klen == nlen && memcmp(pair, name, nlen) == 0) {
            size_t vlen = eq < 0 ? 0 : plen - klen - 1;
            const uint8_t *val = pair + (plen - vlen);
            size_t n = http_pct_decode(val, vlen, (uint8_t *)out, outlen - 1, true);
            out[n] = '\0';
            if (len)
                *len = n;
            return true;
        }
        bcur_skip(&c, plen);
        if (amp >= 0)
            bcur_skip(&c, 1);
    }
    return false;
}

/* ---- request FIFO ---- */

static void fifo_push(struct http_conn *c, uint32_t seq, const struct http_span *method)
{
    if (c->fifo_len >= LIM_HTTP_PIPELINE)
        return; /* responses to requests beyond the queue get an unknown method */
    struct http_pending_req *r = &c->fifo[(c->fifo_head + c->fifo_len) % LIM_HTTP_PIPELINE];
    size_t n = method->len < HTTP_METHOD_LEN_MAX ? method->len : HTTP_METHOD_LEN_MAX;
    r->seq = seq;
    memcpy(r->method, method->p, n);
    r->method[n] = '\0';
    r->method_len = (uint8_t)n;
    c->fifo_len++;
}

/* Pops the request the next final response answers into c->resp_method; returns its seq. */
static uint32_t fifo_pop(struct http_conn *c)
{
    uint32_t seq = c->n_resp;
    c->resp_method.p = (const uint8_t *)c->resp_method_buf;
    c->resp_method.len = 0;
    /* drop entries for requests whose responses were missed */
    while (c->fifo_len && c->fifo[c->fifo_head].seq < seq) {
        c->fifo_head = (c->fifo_head + 1) % LIM_HTTP_PIPELINE;
        c->fifo_len--;
    }
    if (c->fifo_len && c->fifo[c->fifo_head].seq == seq) {
        const struct http_pending_req *r = &c->fifo[c->fifo_head];
        memcpy(c->resp_method_buf, r->method, r->method_len);
        c->resp_method.len = r->method_len;
        c->fifo_head = (c->fifo_head + 1) % LIM_HTTP_PIPELINE;
        c->fifo_len--;
    }
    return seq;
}

/* Looks at the pending request without popping (for 1xx interim responses). */
static void fifo_peek(struct http_conn *c)
{
    c->resp_method.p = (const uint8_t *)c->resp_method_buf;
    c->resp_method.len = 0;
    if (c->fifo_len && c->fifo[c->fifo_head].seq == c->n_resp) {
        const struct http_pending_req *r = &c->fifo[c->fifo_head];
        memcpy(c->resp_method_buf, r->method, r->method_len);
        c->resp_method.len = r->method_len;
    }
}

/* ---- start line and header block ---- */

/* Next line of the header block (CR before LF dropped); false at the end. */
static bool next_line(struct bcur *c, struct http_span *line)
{
    if (!bcur_remaining(c))
        return false;
    long lf = bcur_find(c, '\n');
    size_t n = lf < 0 ? bcur_remaining(c) : (size_t)lf;
    line->p = bcur_ptr(c);
    line->len = n;
    bcur_skip(c, lf < 0 ? n : n + 1);
    if (line->len && line->p[line->len - 1] == '\r')
        line->len--;
    return true;
}

static bool is_version(const uint8_t *p, size_t len)
{
    return len == 8 && memcmp(p, "HTTP/1.", 7) == 0 && p[7] >= '0' && p[7] <= '9';
}

/*
 * Could the first len bytes of a line start a request (method chars then SP)
 * or a status line ("HTTP/")?  Used to leave garbage early while resyncing.
 */
static bool start_prefix_ok(bool request, const uint8_t *p, size_t len)
{
    if (!request) {
        size_t n = len < 5 ? len : 5;
        return memcmp(p, "HTTP/", n) == 0;
    }
    for (size_t i = 0; i < len && i <= HTTP_METHOD_LEN_MAX; i++) {
        uint8_t ch = p[i];
        if (ch == ' ')
            return i >= 3;
        if (!((ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_'))
            return false;
    }
    return len <= HTTP_METHOD_LEN_MAX;
}

/* Parses "METHOD SP target SP HTTP/1.x"; fills method, uri, version. */
static bool parse_request_line(const struct http_span *l, struct http_msg *m)
{
    struct bcur c;
    bcur_init(&c, l->p, l->len);
    long sp1 = bcur_find(&c, ' ');
    if (sp1 < 3 || sp1 > HTTP_METHOD_LEN_MAX)
        return false;
    for (long i = 0; i < sp1; i++) {
        uint8_t ch = bcur_peek_u8(&c, (size_t)i);
        if (!((ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_'))
            return false;
    }
    m->method.p = bcur_ptr(&c);
    m->method.len = (size_t)sp1;
    bcur_skip(&c, (size_t)sp1 + 1);
    long sp2 = bcur_find(&c, ' ');
    if (sp2 <= 0)
        return false;
    m->uri.p = bcur_ptr(&c);
    m->uri.len = (size_t)sp2;
    for (size_t i = 0; i < m->uri.len; i++)
        if (m->uri.p[i] <= 0x20 || m->uri.p[i] == 0x7f)
            return false;
    bcur_skip(&c, (size_t)sp2 + 1);
    if (!is_version(bcur_ptr(&c), bcur_remaining(&c)))
        return false;
    m->version.p = bcur_ptr(&c);
    m->version.len = 8;
    m->is_request = true;
    return true;
}

/* Parses "HTTP/1.x SP NNN [SP reason]"; fills version, status. */
static bool parse_status_line(const struct http_span *l, struct http_msg *m)
{
    struct bcur c;
    bcur_init(&c, l->p, l->len);
    if (l->len < 12 || !is_version(l->p, 8))
        return false;
    m->version.p = l->p;
    m->version.len = 8;
    bcur_skip(&c, 8);
    if (bcur_u8(&c) != ' ')
        return false;
    int st = 0;
    for (int i = 0; i < 3; i++) {
        uint8_t d = bcur_u8(&c);
        if (d < '0' || d > '9')
            return false;
        st = st * 10 + (d - '0');
    }
    if (bcur_remaining(&c) && bcur_u8(&c) != ' ')
        return false;
    if (st < 100)
        return false;
    m->status = st;
    m->is_request = false;
    return true;
}

/* Splits the request target into path (decoded), query and, for absolute-form, host. */
static void parse_target(struct http_half *h, struct http_msg *m)
{
    struct bcur c;
    const struct http_span *t = &m->uri;

    bcur_init(&c, t->p, t->len);
    if (http_span_eq(&m->method, "CONNECT")) {
        m->host = *t; /* authority-form */
        return;
    }
    if (t->len && t->p[0] != '/' && t->p[0] != '*') {
        /* absolute-form: scheme "://" authority [path-abempty] ["?" query] */
        size_t i = 0;
        while (i < t->len &&
               ((t->p[i] >= 'a' && t->p[i] <= 'z') || (t->p[i] >= 'A' && t->p[i] <= 'Z') ||
                t->p[i] == '+' || t->p[i] == '-' || t->p[i] == '.' ||
                (i && t->p[i] >= '0' && t->p[i] <= '9')))
            i++;
        if (i && i + 3 <= t->len && memcmp(t->p + i, "://", 3) == 0) {
            bcur_skip(&c, i + 3);
            size_t a = 0;
            size_t rem = bcur_remaining(&c);
            const uint8_t *auth = bcur_ptr(&c);
            while (a < rem && auth[a] != '/' && auth[a] != '?' && auth[a] != '#')
                a++;
            struct http_span host = {auth, a};
            for (size_t k = 0; k < a; k++) /* drop userinfo "user:pass@" */
                if (auth[k] == '@') {
                    host.p = auth + k + 1;
                    host.len = a - k - 1;
                }
            m->host = host;
            m->absolute_form = true;
            bcur_skip(&c, a);
        }
    }
    const uint8_t *ps = bcur_ptr(&c);
    size_t rem = bcur_remaining(&c);
    size_t plen = 0;
    while (plen < rem && ps[plen] != '?' && ps[plen] != '#')
        plen++;
    if (plen < rem && ps[plen] == '?') {
        size_t q = plen + 1, qlen = 0;
        while (q + qlen < rem && ps[q + qlen] != '#')
            qlen++;
        m->query.p = ps + q;
        m->query.len = qlen;
    }
    if (plen == 0 && m->absolute_form) {
        h->path[0] = '/';
        m->path.p = h->path;
        m->path.len = 1;
        return;
    }
    m->path.p = h->path;
    m->path.len = http_pct_decode(ps, plen, h->path, sizeof(h->path), false);
}

/*
 * Parses the header block in h->head into h->msg.  Folded continuation
 * lines are joined in place (the buffer is ours; the moved bytes only ever
 * go left, over the fold's own CRLF and whitespace).
 */
static bool parse_head(struct http_conn *c, struct http_half *h, bool request,
                       const struct http_parser_cb *cb, void *user)
{
    struct bcur cur;
    struct http_span line;
    struct http_msg *m = &h->msg;
    bool last_kept = false;
    bool too_many = false;

    memset(m, 0, sizeof(*m));
    bcur_init(&cur, h->head, h->head_len);
    if (!next_line(&cur, &line))
        return false;
    if (request ? !parse_request_line(&line, m) : !parse_status_line(&line, m))
        return false;
    while (next_line(&cur, &line)) {
        if (line.len == 0)
            break;
        if (is_ows(line.p[0])) {
            /* obs-fold: append to the previous field value with one SP */
            size_t s = 0, e = line.len;
            while (s < e && is_ows(line.p[s]))
                s++;
            while (e > s && is_ows(line.p[e - 1]))
                e--;
            if (!last_kept || s == e)
                continue;
            struct http_span *v = &m->headers[m->n_headers - 1].value;
            size_t at = (size_t)(v->p - h->head) + v->len;
            size_t from = (size_t)(line.p - h->head) + s;
            if (v->len == 0) {
                v->p = h->head + from;
                v->len = e - s;
                continue;
            }
            h->head[at] = ' ';
            memmove(h->head + at + 1, h->head + from, e - s);
            v->len += 1 + (e - s);
            continue;
        }
        last_kept = false;
        size_t colon = 0;
        while (colon < line.len && line.p[colon] != ':')
            colon++;
        bool ok = colon > 0 && colon < line.len;
        for (size_t i = 0; ok && i < colon; i++)
            ok = is_tchar(line.p[i]);
        if (!ok) {
            anomaly(c, HTTP_ANOM_BAD_HEADER, cb, user);
            continue;
        }
        if (m->n_headers >= HTTP_MAX_HEADERS) {
            if (!too_many)
                anomaly(c, HTTP_ANOM_TOO_MANY_HEADERS, cb, user);
            too_many = true;
            continue;
        }
        size_t s = colon + 1, e = line.len;
        while (s < e && is_ows(line.p[s]))
            s++;
        while (e > s && is_ows(line.p[e - 1]))
            e--;
        struct http_header *hd = &m->headers[m->n_headers++];
        hd->name.p = line.p;
        hd->name.len = colon;
        hd->value.p = line.p + s;
        hd->value.len = e - s;
        last_kept = true;
    }
    if (request) {
        parse_target(h, m);
        if (!m->absolute_form && !http_span_eq(&m->method, "CONNECT")) {
            const struct http_span *host = http_header(m, "Host");
            if (host)
                m->host = *host;
        }
    }
    return true;
}

/* Content-Length: -1 when absent, -2 when invalid or conflicting, else the value. */
static int64_t content_length(const struct http_msg *m)
{
    int64_t val = -1;
    for (unsigned i = 0; i < m->n_headers; i++) {
        if (!http_span_eq(&m->headers[i].name, "Content-Length"))
            continue;
        struct bcur c;
        bcur_init(&c, m->headers[i].value.p, m->headers[i].value.len);
        /* a list of identical values ("5, 5") is allowed (RFC 9110 8.6) */
        while (bcur_remaining(&c)) {
            int64_t v = 0;
            unsigned digits = 0;
            while (bcur_remaining(&c) && bcur_peek_u8(&c, 0) >= '0' && bcur_peek_u8(&c, 0) <= '9') {
                if (++digits > HTTP_CL_DIGITS_MAX)
                    return -2;
                v = v * 10 + (bcur_u8(&c) - '0');
            }
            if (!digits)
                return -2;
            while (bcur_remaining(&c) && is_ows(bcur_peek_u8(&c, 0)))
                bcur_skip(&c, 1);
            if (bcur_remaining(&c)) {
                if (bcur_u8(&c) != ',')
                    return -2;
                while (bcur_remaining(&c) && is_ows(bcur_peek_u8(&c, 0)))
                    bcur_skip(&c, 1);
            }
            if (val >= 0 && v != val)
                return -2;
            val = v;
        }
        if (val < 0)
            return -2;
    }
    return val;
}

/* Transfer-Encoding: 0 absent, 1 final coding chunked, -1 present without final chunked. */
static int transfer_chunked(const struct http_msg *m)
{
    int res = 0;
    for (unsigned i = 0; i < m->n_headers; i++) {
        if (!http_span_eq(&m->headers[i].name, "Transfer-Encoding"))
            continue;
        const struct http_span *v = &m->headers[i].value;
        size_t e = v->len;
        while (e && (is_ows(v->p[e - 1]) || v->p[e - 1] == ','))
            e--;
        size_t s = e;
        while (s && v->p[s - 1] != ',' && !is_ows(v->p[s - 1]))
            s--;
        struct http_span last = {v->p + s, e - s};
        res = http_span_eq(&last, "chunked") ? 1 : -1;
    }
    return res;
}

/* ---- message delivery ---- */

static void deliver(struct http_conn *c, struct http_half *h, bool from_client, bool complete,
                    const struct http_parser_cb *cb, void *user)
{
    if (!h->msg_open || h->msg_sent)
        return;
    h->msg.body.p = h->body;
    h->msg.body.len = h->body_len;
    h->msg.body_complete = complete;
    h->msg_sent = true;
    if (cb && cb->message)
        cb->message(user, from_client, &h->msg);
    (void)c;
}

/* The message is over: report it if not yet, then expect the next start line. */
static void release_hold(struct http_conn *c, const struct http_parser_cb *cb, void *user);

static void finish_msg(struct http_conn *c, struct http_half *h, bool from_client,
                       const struct http_parser_cb *cb, void *user)
{
    deliver(c, h, from_client, true, cb, user);
    h->msg_open = false;
    h->msg_sent = false;
    h->body_len = 0;
    h->mode = HTTP_MODE_START;
    if (!from_client && c->replay_hold) {
        c->replay_hold = false;
        release_hold(c, cb, user);
    }
}

static void keep_body(struct http_conn *c, struct http_half *h, bool from_client, const uint8_t *p,
                      size_t n, const struct http_parser_cb *cb, void *user)
{
    size_t room = sizeof(h->body) - h->body_len;
    size_t take = n < room ? n : room;
    if (take) {
        memcpy(h->body + h->body_len, p, take);
        h->body_len += take;
    }
    h->msg.body_seen += n;
    if (h->body_len == sizeof(h->body))
        deliver(c, h, from_client, false, cb, user); /* prefix full: report it now */
}

/* Starts over at the next start line (anomaly counted once per resync episode). */
static void resync(struct http_conn *c, struct http_half *h, enum http_anomaly a,
                   const struct http_parser_cb *cb, void *user)
{
    if (!h->resyncing)
        anomaly(c, a, cb, user);
    h->resyncing = true;
    h->head_len = 0;
    h->line_start = 0;
    h->msg_open = false;
    h->msg_sent = false;
    h->body_len = 0;
}

static size_t feed_half(struct http_conn *c, bool from_client, const uint8_t *data, size_t len,
                        const struct http_parser_cb *cb, void *user);

/* The CONNECT was refused: the held client bytes are requests again. */
static void release_hold(struct http_conn *c, const struct http_parser_cb *cb, void *user)
{
    struct http_half *ch = &c->half[0];
    uint8_t copy[LIM_HTTP_BODY_KEEP];
    size_t n = ch->body_len;

    if (ch->mode != HTTP_MODE_HOLD)
        return;
    memcpy(copy, ch->body, n);
    ch->body_len = 0;
    ch->mode = HTTP_MODE_START;
    if (ch->hold_dropped)
        resync(c, ch, HTTP_ANOM_HOLD_OVERFLOW, cb, user);
    ch->hold_dropped = 0;
    feed_half(c, true, copy, n, cb, user);
}

/* Header block complete: parse it and choose how the body is delimited. */
static void head_done(struct http_conn *c, struct http_half *h, bool from_client,
                      const struct http_parser_cb *cb, void *user)
{
    if (!parse_head(c, h, from_client, cb, user)) {
        resync(c, h, HTTP_ANOM_GARBAGE, cb, user);
        h->mode = HTTP_MODE_START;
        return;
    }
    struct http_msg *m = &h->msg;
    h->resyncing = false;
    h->msg_open = true;
    h->msg_sent = false;
    h->body_len = 0;
    int64_t cl = content_length(m);
    int te = transfer_chunked(m);

    if (from_client) {
        m->seq = c->n_req++;
        fifo_push(c, m->seq, &m->method);
        if (http_span_eq(&m->method, "CONNECT")) {
            finish_msg(c, h, from_client, cb, user);
            if (!c->tunnel)
                h->mode = HTTP_MODE_HOLD;
            return;
        }
        if (te == 1) {
            h->mode = HTTP_MODE_CHUNK_SIZE;
        } else if (te < 0) {
            anomaly(c, HTTP_ANOM_BAD_TE, cb, user);
            finish_msg(c, h, from_client, cb, user);
        } else if (cl == -2) {
            anomaly(c, HTTP_ANOM_BAD_LENGTH, cb, user);
            finish_msg(c, h, from_client, cb, user);
        } else if (cl > 0) {
            h->mode = HTTP_MODE_BODY_LEN;
            h->remain = (uint64_t)cl;
        } else {
            finish_msg(c, h, from_client, cb, user);
        }
        h->chunk_size = 0;
        h->chunk_digits = 0;
        h->chunk_ext = false;
        h->line_len = 0;
        return;
    }

    /* response */
    if (m->status < 200) {
        fifo_peek(c);
        m->req_method = c->resp_method;
        m->seq = c->n_resp;
        finish_msg(c, h, from_client, cb, user);
        if (m->status == 101) {
            c->half[0].mode = HTTP_MODE_OPAQUE;
            h->mode = HTTP_MODE_OPAQUE;
        }
        return;
    }
    m->seq = fifo_pop(c);
    m->req_method = c->resp_method;
    c->n_resp++;
    bool connect = http_span_eq(&m->req_method, "CONNECT");
    if (connect && m->status < 300) {
        c->tunnel = true;
        if (c->half[0].mode != HTTP_MODE_HOLD) {
            c->half[0].mode = HTTP_MODE_TUNNEL;
            c->half[0].body_len = 0;
        }
        finish_msg(c, h, from_client, cb, user);
        h->mode = HTTP_MODE_TUNNEL;
        return;
    }
    if (connect)
        c->replay_hold = true; /* after this response is reported */
    h->chunk_size = 0;
    h->chunk_digits = 0;
    h->chunk_ext = false;
    h->line_len = 0;
    if (http_span_eq(&m->req_method, "HEAD") || m->status == 204 || m->status == 304) {
        finish_msg(c, h, from_client, cb, user);
    } else if (te == 1) {
        h->mode = HTTP_MODE_CHUNK_SIZE;
    } else if (te < 0) {
        h->mode = HTTP_MODE_BODY_EOF;
    } else if (cl == -2) {
        anomaly(c, HTTP_ANOM_BAD_LENGTH, cb, user);
        h->mode = HTTP_MODE_BODY_EOF;
    } else if (cl >= 0) {
        if (cl == 0) {
            finish_msg(c, h, from_client, cb, user);
        } else {
            h->mode = HTTP_MODE_BODY_LEN;
            h->remain = (uint64_t)cl;
        }
    } else {
        h->mode = HTTP_MODE_BODY_EOF;
    }
}

/* Collects start line and header bytes up to the next LF; returns bytes used. */
static size_t feed_head(struct http_conn *c, struct http_half *h, bool from_client, struct bcur *in,
                        const struct http_parser_cb *cb, void *user)
{
    long lf = bcur_find(in, '\n');
    size_t n = lf < 0 ? bcur_remaining(in) : (size_t)lf + 1;
    size_t line_now = h->head_len - h->line_start;
    bool first = h->line_start == 0;

    if (line_now + n > LIM_HTTP_LINE_MAX + 2 || h->head_len + n > sizeof(h->head)) {
        bool line = line_now + n > LIM_HTTP_LINE_MAX + 2;
        resync(c, h,
               first && !start_prefix_ok(from_client, h->head, h->head_len)
                   ? HTTP_ANOM_GARBAGE
                   : (line ? HTTP_ANOM_LINE_TOO_LONG : HTTP_ANOM_HEAD_TOO_LARGE),
               cb, user);
        h->mode = lf < 0 ? HTTP_MODE_SKIP_LINE : HTTP_MODE_START;
        bcur_skip(in, n);
        return n;
    }
    bcur_copy(in, h->head + h->head_len, n);
    h->head_len += n;
    if (first && !start_prefix_ok(from_client, h->head, h->head_len)) {
        resync(c, h, HTTP_ANOM_GARBAGE, cb, user);
        h->mode = lf < 0 ? HTTP_MODE_SKIP_LINE : HTTP_MODE_START;
        return n;
    }
    if (lf < 0)
        return n;
    /* a complete line: the empty line ends the head */
    size_t ll = h->head_len - h->line_start;
    bool empty = ll == 1 || (ll == 2 && h->head[h->line_start] == '\r');
    if (first) {
        struct http_span l = {h->head, ll - 1};
        struct http_msg probe;
        if (l.len && l.p[l.len - 1] == '\r')
            l.len--;
        memset(&probe, 0, sizeof(probe));
        bool ok = from_client ? parse_request_line(&l, &probe) : parse_status_line(&l, &probe);
        if (!ok) {
            resync(c, h, HTTP_ANOM_GARBAGE, cb, user);
            h->mode = HTTP_MODE_START;
            return n;
        }
    }
    if (empty && !first) {
        head_done(c, h, from_client, cb, user);
        h->head_len = 0;
        h->line_start = 0;
        return n;
    }
    h->line_start = h->head_len;
    return n;
}

/* Reads the chunk-size line byte by byte: hex digits, then extensions up to LF. */
static void feed_chunk_size(struct http_conn *c, struct http_half *h, bool from_client,
                            struct bcur *in, const struct http_parser_cb *cb, void *user)
{
    while (bcur_remaining(in)) {
        uint8_t ch = bcur_u8(in);
        if (++h->line_len > HTTP_CHUNK_LINE_MAX)
            goto bad;
        if (ch == '\n') {
            if (!h->chunk_digits)
                goto bad;
            h->line_len = 0;
            if (h->chunk_size == 0) {
                h->mode = HTTP_MODE_TRAILER;
            } else {
                h->remain = h->chunk_size;
                h->mode = HTTP_MODE_CHUNK_DATA;
            }
            h->chunk_size = 0;
            h->chunk_digits = 0;
            h->chunk_ext = false;
            return;
        }
        int v = hexval(ch);
        if (!h->chunk_ext && v >= 0) {
            if (++h->chunk_digits > HTTP_CHUNK_DIGITS_MAX)
                goto bad;
            h->chunk_size = h->chunk_size << 4 | (uint64_t)v;
        } else if (ch == ';' || ch == '\r' || is_ows(ch)) {
            h->chunk_ext = true;
        } else if (!h->chunk_ext) {
            goto bad;
        }
    }
    return;
bad:
    deliver(c, h, from_client, false, cb, user);
    resync(c, h, HTTP_ANOM_BAD_CHUNK, cb, user);
    h->mode = HTTP_MODE_SKIP_LINE;
}

/* Trailer lines after the last chunk; the empty line ends the message. */
static void feed_trailer(struct http_conn *c, struct http_half *h, bool from_client,
                         struct bcur *in, const struct http_parser_cb *cb, void *user)
{
    while (bcur_remaining(in)) {
        uint8_t ch = bcur_u8(in);
        if (ch == '\n') {
            if (h->line_len == 0) {
                finish_msg(c, h, from_client, cb, user);
                return;
            }
            h->line_len = 0;
        } else if (ch != '\r' || h->line_len) {
            if (++h->line_len > HTTP_CHUNK_LINE_MAX) {
                deliver(c, h, from_client, true, cb, user);
                resync(c, h, HTTP_ANOM_LINE_TOO_LONG, cb, user);
                h->mode = HTTP_MODE_SKIP_LINE;
                return;
            }
        }
    }
}

static size_t feed_half(struct http_conn *c, bool from_client, const uint8_t *data, size_t len,
                        const struct http_parser_cb *cb, void *user)
{
    struct http_half *h = &c->half[from_client ? 0 : 1];
    struct bcur in;

    bcur_init(&in, data, len);
    while (bcur_remaining(&in)) {
        switch (h->mode) {
        case HTTP_MODE_START: {
            uint8_t ch = bcur_peek_u8(&in, 0);
            if (ch == '\r' || ch == '\n') {
                bcur_skip(&in, 1); /* empty lines before a start line (RFC 9112 2.2) */
                break;
            }
            h->head_len = 0;
            h->line_start = 0;
            h->mode = HTTP_MODE_HEAD;
            break;
        }
        case HTTP_MODE_HEAD:
            feed_head(c, h, from_client, &in, cb, user);
            break;
        case HTTP_MODE_SKIP_LINE: {
            long lf = bcur_find(&in, '\n');
            if (lf < 0) {
                bcur_skip(&in, bcur_remaining(&in));
            } else {
                bcur_skip(&in, (size_t)lf + 1);
                h->mode = HTTP_MODE_START;
            }
            break;
        }
        case HTTP_MODE_BODY_LEN:
        case HTTP_MODE_CHUNK_DATA: {
            size_t n = bcur_remaining(&in);
            if (n > h->remain)
                n = (size_t)h->remain;
            keep_body(c, h, from_client, bcur_ptr(&in), n, cb, user);
            bcur_skip(&in, n);
            h->remain -= n;
            if (h->remain == 0) {
                if (h->mode == HTTP_MODE_BODY_LEN)
                    finish_msg(c, h, from_client, cb, user);
                else
                    h->mode = HTTP_MODE_CHUNK_END;
            }
            break;
        }
        case HTTP_MODE_CHUNK_END: {
            uint8_t ch = bcur_u8(&in);
            if (ch == '\n') {
                h->mode = HTTP_MODE_CHUNK_SIZE;
                h->line_len = 0;
            } else if (ch != '\r') {
                deliver(c, h, from_client, false, cb, user);
                resync(c, h, HTTP_ANOM_BAD_CHUNK, cb, user);
                h->mode = HTTP_MODE_SKIP_LINE;
            }
            break;
        }
        case HTTP_MODE_CHUNK_SIZE:
            feed_chunk_size(c, h, from_client, &in, cb, user);
            break;
        case HTTP_MODE_TRAILER:
            feed_trailer(c, h, from_client, &in, cb, user);
            break;
        case HTTP_MODE_BODY_EOF: {
            size_t n = bcur_remaining(&in);
            keep_body(c, h, from_client, bcur_ptr(&in), n, cb, user);
            bcur_skip(&in, n);
            break;
        }
        case HTTP_MODE_HOLD: {
            size_t n = bcur_remaining(&in);
            size_t room = sizeof(h->body) - h->body_len;
            size_t take = n < room ? n : room;
            bcur_copy(&in, h->body + h->body_len, take);
            h->body_len += take;
            if (n > take) {
                if (!h->hold_dropped)
                    anomaly(c, HTTP_ANOM_HOLD_OVERFLOW, cb, user);
                h->hold_dropped += n - take;
                bcur_skip(&in, n - take);
            }
            break;
        }
        case HTTP_MODE_TUNNEL:
            return in.off;
        case HTTP_MODE_OPAQUE:
            return len;
        }
    }
    return len;
}

/* ---- public entry points ---- */

void http_conn_init(struct http_conn *c)
{
    memset(c, 0, sizeof(*c));
}

size_t http_conn_feed(struct http_conn *c, bool from_client, const uint8_t *data, size_t len,
                      const struct http_parser_cb *cb, void *user)
{
    if (!data || !len)
        return 0;
    return feed_half(c, from_client, data, len, cb, user);
}

void http_conn_gap(struct http_conn *c, bool from_client, uint64_t len,
                   const struct http_parser_cb *cb, void *user)
{
    struct http_half *h = &c->half[from_client ? 0 : 1];

    switch (h->mode) {
    case HTTP_MODE_BODY_LEN:
    case HTTP_MODE_CHUNK_DATA:
        if (len < h->remain) {
            h->remain -= len;
            h->msg.body_seen += len;
            if (h->body_len < sizeof(h->body))
                deliver(c, h, from_client, false, cb, user); /* kept prefix ends at the hole */
            return;
        }
        break;
    case HTTP_MODE_BODY_EOF:
        deliver(c, h, from_client, false, cb, user);
        return;
    case HTTP_MODE_HOLD:
        h->hold_dropped += len;
        return;
    case HTTP_MODE_TUNNEL:
    case HTTP_MODE_OPAQUE:
        return;
    default:
        break;
    }
    deliver(c, h, from_client, false, cb, user);
    h->resyncing = true; /* a hole is not malformed input: no anomaly */
    resync(c, h, HTTP_ANOM_GARBAGE, cb, user);
    h->mode = HTTP_MODE_START;
}

void http_conn_eof(struct http_conn *c, bool from_client, const struct http_parser_cb *cb,
                   void *user)
{
    struct http_half *h = &c->half[from_client ? 0 : 1];

    if (h->mode == HTTP_MODE_BODY_EOF) {
        finish_msg(c, h, from_client, cb, user);
        return;
    }
    if (h->mode == HTTP_MODE_BODY_LEN || h->mode == HTTP_MODE_CHUNK_DATA ||
        h->mode == HTTP_MODE_CHUNK_SIZE || h->mode == HTTP_MODE_CHUNK_END ||
        h->mode == HTTP_MODE_TRAILER) {
        deliver(c, h, from_client, false, cb, user);
        h->msg_open = false;
        h->mode = HTTP_MODE_START;
    }
}

bool http_conn_tunnel(const struct http_conn *c)
{
    return c->tunnel;
}

size_t http_conn_take_hold(struct http_conn *c, const uint8_t **data, uint64_t *dropped)
{
    struct http_half *h = &c->half[0];
    size_t n = 0;

    *data = h->body;
    *dropped = 0;
    if (c->tunnel && h->mode == HTTP_MODE_HOLD) {
        n = h->body_len;
        *dropped = h->hold_dropped;
        h->mode = HTTP_MODE_TUNNEL;
    }
    h->body_len = 0;
    h->hold_dropped = 0;
    return n;
}

/* ---- probing ---- */

/* Registered methods (RFC 9110, RFC 5789, WebDAV RFC 4918/3253/5323, Exchange B* verbs). */
static const char *const http_methods[] = {"GET",
                                           "HEAD",
                                           "POST",
                                           "PUT",
                                           "DELETE",
                                           "CONNECT",
                                           "OPTIONS",
                                           "TRACE",
                                           "PATCH",
                                           "PROPFIND",
                                           "PROPPATCH",
                                           "MKCOL",
                                           "COPY",
                                           "MOVE",
                                           "LOCK",
                                           "UNLOCK",
                                           "SEARCH",
                                           "REPORT",
                                           "MKACTIVITY",
                                           "CHECKOUT",
                                           "CHECKIN",
                                           "MERGE",
                                           "VERSION-CONTROL",
                                           "MKWORKSPACE",
                                           "LABEL",
                                           "UPDATE",
                                           "UNCHECKOUT",
                                           "BASELINE-CONTROL",
                                           "ACL",
                                           "MKCALENDAR",
                                           "ORDERPATCH",
                                           "SUBSCRIBE",
                                           "UNSUBSCRIBE",
                                           "NOTIFY",
                                           "POLL",
                                           "BCOPY",
                                           "BDELETE",
                                           "BMOVE",
                                           "BPROPFIND",
                                           "BPROPPATCH",
                                           "X-MS-ENUMATTS"};

static bool known_method(const struct http_span *m)
{
    for (size_t i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++) {
        size_t n = strlen(http_methods[i]);
        if (m->len == n && memcmp(m->p, http_methods[i], n) == 0)
            return true;
    }
    return false;
}

enum http_start_kind http_probe_start(const uint8_t *buf, size_t len)
{
    struct bcur c;
    struct http_span line;
    struct http_msg m;

    bcur_init(&c, buf, len);
    while (bcur_remaining(&c) && (bcur_peek_u8(&c, 0) == '\r' || bcur_peek_u8(&c, 0) == '\n'))
        bcur_skip(&c, 1);
    if (!bcur_remaining(&c))
        return HTTP_START_MORE;
    long lf = bcur_find(&c, '\n');
    const uint8_t *p = bcur_ptr(&c);
    size_t rem = bcur_remaining(&c);
    if (lf < 0) {
        if (rem > LIM_HTTP_LINE_MAX)
            return HTTP_START_NO;
        bool req = start_prefix_ok(true, p, rem);
        bool resp = start_prefix_ok(false, p, rem);
        if (resp && rem >= 12) {
            line.p = p;
            line.len = 12;
            memset(&m, 0, sizeof(m));
            if (parse_status_line(&line, &m))
                return HTTP_START_RESPONSE; /* "HTTP/1.x NNN" before the reason arrived */
            return HTTP_START_NO;
        }
        return (req || resp) ? HTTP_START_MORE : HTTP_START_NO;
    }
    if ((size_t)lf > LIM_HTTP_LINE_MAX)
        return HTTP_START_NO;
    next_line(&c, &line);
    memset(&m, 0, sizeof(m));
    if (parse_status_line(&line, &m))
        return HTTP_START_RESPONSE;
    memset(&m, 0, sizeof(m));
    if (parse_request_line(&line, &m) && known_method(&m.method))
        return HTTP_START_REQUEST;
    return HTTP_START_NO;
}
