/*
 * det_kazaa.c - KaZaA / FastTrack peers (KaZaA Media Desktop, Grokster).
 *
 * What can be recognised by content:
 *   - the peers' built-in HTTP file server (TCP 1214 by default, any port):
 *       GET /.hash=<hex> HTTP/1.1
 *       UserAgent: KazaaClient ...   (sic, also User-Agent)
 *       X-Kazaa-Username: <user>     X-Kazaa-Network: KaZaA
 *       X-Kazaa-IP: <ip:port>        X-Kazaa-SupernodeIP: <ip:port>
 *     taken from det_http through http_inspect;
 *   - push: the firewalled peer connects out and sends "GIVE <n>\r\n", then
 *     the other side's HTTP request follows on the same connection (its own
 *     TCP probe and parser here);
 *   - UDP pings between peers and supernodes, which name the network
 *     "KaZaA" (ET Open sid 2001796): det_kazaa_udp.
 * The supernode protocol itself (TCP, between peers and supernodes) is
 * encrypted with a per-connection key exchange since 2002 and offers no
 * stable content to recognise: it is not detected (a 1214 port rule in a
 * firewall is the seeds' countermeasure for it).
 */
#include <stdio.h>
#include <string.h>

#include "detect/cred_util.h"
#include "detect/det_http.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* One direction of a push connection. */
struct kazaa_dir {
    uint8_t buf[LIM_P2P_BUF]; /* header block so far */
    size_t len;               /* bytes in buf */
    bool done;                /* the block was handled: the rest is the file */
};

/* Per-flow state of a push (GIVE) connection. */
struct kazaa_state {
    struct kazaa_dir d[2]; /* by enum flow_dir */
};

static const uint16_t kazaa_ports[] = {1214};

/* True when a file name ends with an executable extension (.exe .com .scr .pif .bat .vbs). */
static bool kazaa_is_executable(const uint8_t *name, size_t len)
{
    static const char *const ext[] = {".exe", ".com", ".scr", ".pif", ".bat", ".vbs"};

    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (len >= 4 && cred_token_eq(name + len - 4, 4, ext[i]))
            return true;
    return false;
}

static void kazaa_ev(struct app_event *ev, enum app_event_type type, enum flow_dir dir,
                     const char *msg_type)
{
    app_event_init(ev, type, APP_PROTO_KAZAA, dir);
    app_event_add_str(ev, APP_FACT_SERVICE, "kazaa");
    if (msg_type)
        app_event_add_str(ev, APP_FACT_MSG_TYPE, msg_type);
}

/* Adds an "ip[:port]" header value as EMBEDDED_ADDRESS (the framework judges home networks). */
static void kazaa_add_addr(struct app_event *ev, const uint8_t *v, size_t n)
{
    if (n)
        app_event_add(ev, APP_FACT_EMBEDDED_ADDRESS, v, n);
}

/* ---- the HTTP file server ---- */

static bool kazaa_http_inspect(struct det_call *call, const struct http_msg *msg)
{
    const struct http_span *user = http_header(msg, "X-Kazaa-Username");
    const struct http_span *ip = http_header(msg, "X-Kazaa-IP");
    const struct http_span *sn = http_header(msg, "X-Kazaa-SupernodeIP");
    const struct http_span *ua = http_header(msg, "UserAgent");
    const struct http_span *server = http_header(msg, "Server");
    bool ours = false, hash = false;
    struct app_event ev;

    if (!ua)
        ua = http_header(msg, "User-Agent");
    for (unsigned i = 0; i < msg->n_headers; i++)
        if (http_span_prefix(&msg->headers[i].name, "X-Kazaa-"))
            ours = true;
    if (ua && cred_token_contains(ua->p, ua->len, "KazaaClient"))
        ours = true;
    if (server && cred_token_contains(server->p, server->len, "KazaaClient"))
        ours = true;
    if (msg->is_request && http_span_prefix(&msg->path, "/.hash=")) {
        ours = true;
        hash = true;
    }
    if (!ours)
        return false;
    if (msg->is_request) {
        kazaa_ev(&ev, APP_EVENT_FILE_SHARING, FLOW_TOSERVER, "download");
        if (!hash && msg->path.len > 1) {
            app_event_add(&ev, APP_FACT_FILE_NAME, msg->path.p + 1, msg->path.len - 1);
            if (kazaa_is_executable(msg->path.p, msg->path.len))
                app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
        }
        else if (hash)
            app_event_add(&ev, APP_FACT_QUERY, msg->path.p + 1, msg->path.len - 1);
    } else {
        kazaa_ev(&ev, APP_EVENT_PROTO_MSG, FLOW_TOCLIENT, "http_response");
    }
    if (user && user->len)
        app_event_add(&ev, APP_FACT_USERNAME, user->p, user->len);
    if (ip)
        kazaa_add_addr(&ev, ip->p, ip->len);
    if (sn)
        kazaa_add_addr(&ev, sn->p, sn->len);
    if (ua && ua->len) {
        app_event_add(&ev, APP_FACT_CLIENT_VERSION, ua->p, ua->len);
        app_event_add(&ev, APP_FACT_USER_AGENT, ua->p, ua->len);
    }
    det_emit(call, &ev);
    return true;
}

/* ---- push connections: "GIVE <n>\r\n" ---- */

static enum probe_result kazaa_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                     size_t len)
{
    struct bcur c;
    size_t digits = 0;

    if (len < 5)
        return memcmp(buf, "GIVE ", len) == 0 ? PROBE_MORE : PROBE_NO;
    if (memcmp(buf, "GIVE ", 5) != 0)
        return PROBE_NO;
    bcur_init(&c, buf, len);
    bcur_skip(&c, 5);
    while (bcur_remaining(&c) && bcur_peek_u8(&c, 0) >= '0' && bcur_peek_u8(&c, 0) <= '9') {
        bcur_skip(&c, 1);
        digits++;
    }
    if (digits == 0 || digits > 10)
        return digits > 10 ? PROBE_NO : (bcur_remaining(&c) ? PROBE_NO : PROBE_MORE);
    if (!bcur_remaining(&c))
        return PROBE_MORE;
    if (bcur_peek_u8(&c, 0) == '\n' ||
        (bcur_peek_u8(&c, 0) == '\r' && (bcur_remaining(&c) == 1 || bcur_peek_u8(&c, 1) == '\n'))) {
        if (bcur_remaining(&c) == 1 && bcur_peek_u8(&c, 0) == '\r')
            return PROBE_MORE;
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    return PROBE_NO;
}

/* Value of header `name` in a header block, or false. */
static bool kazaa_block_header(const uint8_t *blk, size_t len, const char *name,
                               struct cred_span *val)
{
    struct bcur c;
    size_t nl = strlen(name);

    bcur_init(&c, blk, len);
    while (bcur_remaining(&c)) {
        long lf = bcur_find(&c, '\n');
        const uint8_t *p = bcur_ptr(&c);
        size_t n = lf < 0 ? bcur_remaining(&c) : (size_t)lf;
        bcur_skip(&c, lf < 0 ? n : n + 1);
        if (n && p[n - 1] == '\r')
            n--;
        if (n > nl && p[nl] == ':' && cred_token_prefix(p, n, name)) {
            struct bcur v;
            bcur_init(&v, p + nl + 1, n - nl - 1);
            cred_rest(&v, val);
            cred_span_rtrim(val);
            return true;
        }
    }
    return false;
}

/* The GIVE line or the HTTP request/response that follows it. */
static void kazaa_block(struct det_call *call, enum flow_dir dir, const uint8_t *blk, size_t len)
{
    const uint8_t *lf = memchr(blk, '\n', len);
    size_t n = lf ? (size_t)(lf - blk) : len;
    struct cred_span v;
    struct app_event ev;

    if (n && blk[n - 1] == '\r')
        n--;
    if (cred_token_prefix(blk, n, "GIVE ")) {
        kazaa_ev(&ev, APP_EVENT_FILE_SHARING, dir, "push");
        det_emit(call, &ev);
        return;
    }
    if (!cred_token_prefix(blk, n, "GET ") && !cred_token_prefix(blk, n, "HTTP/"))
        return;
    kazaa_ev(&ev, APP_EVENT_FILE_SHARING, dir,
             cred_token_prefix(blk, n, "GET ") ? "download" : "http_response");
    if (cred_token_prefix(blk, n, "GET /")) {
        const uint8_t *path = blk + 5;
        const uint8_t *end = memchr(path, ' ', n - 5);
        size_t pl = end ? (size_t)(end - path) : n - 5;
        if (pl && cred_token_prefix(path, pl, ".hash="))
            app_event_add(&ev, APP_FACT_QUERY, path, pl);
        else if (pl) {
            app_event_add(&ev, APP_FACT_FILE_NAME, path, pl);
            if (kazaa_is_executable(path, pl))
                app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
        }
    }
    if (kazaa_block_header(blk, len, "X-Kazaa-Username", &v) && v.len)
        app_event_add(&ev, APP_FACT_USERNAME, v.p, v.len);
    if (kazaa_block_header(blk, len, "X-Kazaa-IP", &v))
        kazaa_add_addr(&ev, v.p, v.len);
    if (kazaa_block_header(blk, len, "X-Kazaa-SupernodeIP", &v))
        kazaa_add_addr(&ev, v.p, v.len);
    if ((kazaa_block_header(blk, len, "UserAgent", &v) ||
         kazaa_block_header(blk, len, "User-Agent", &v)) &&
        v.len) {
        app_event_add(&ev, APP_FACT_CLIENT_VERSION, v.p, v.len);
        app_event_add(&ev, APP_FACT_USER_AGENT, v.p, v.len);
    }
    det_emit(call, &ev);
}

static void kazaa_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                        size_t len, unsigned flags)
{
    struct kazaa_state *st = state;
    struct kazaa_dir *d = &st->d[dir];
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        d->done = true; /* the header block is lost */
        return;
    }
    bcur_init(&c, data, len);
    while (bcur_remaining(&c) && !d->done) {
        size_t take = sizeof(d->buf) - d->len, end = 0;
        if (take > bcur_remaining(&c))
            take = bcur_remaining(&c);
        bcur_copy(&c, d->buf + d->len, take);
        d->len += take;
        /* GIVE is one line; an HTTP header block ends with an empty line. */
        for (size_t i = 0; i < d->len && !end; i++) {
            if (d->buf[i] != '\n')
                continue;
            if (cred_token_prefix(d->buf, d->len, "GIVE "))
                end = i + 1;
            else if (i + 1 < d->len && d->buf[i + 1] == '\n')
                end = i + 2;
            else if (i + 2 < d->len && d->buf[i + 1] == '\r' && d->buf[i + 2] == '\n')
                end = i + 3;
        }
        if (end) {
            kazaa_block(call, dir, d->buf, end);
            memmove(d->buf, d->buf + end, d->len - end);
            d->len -= end;
            if (!cred_token_prefix(d->buf, d->len, "GET ") &&
                !cred_token_prefix(d->buf, d->len, "HTTP/") &&
                !(d->len < 5 && memcmp(d->buf, "HTTP/", d->len) == 0) &&
                !(d->len < 4 && memcmp(d->buf, "GET ", d->len) == 0))
                d->done = true; /* file bytes follow */
        } else if (d->len == sizeof(d->buf)) {
            d->done = true;
        }
    }
}

const struct detector det_kazaa = {
    .name = "kazaa",
    .proto = APP_PROTO_KAZAA,
    .ipproto = 6,
    .ports = kazaa_ports,
    .n_ports = sizeof(kazaa_ports) / sizeof(kazaa_ports[0]),
    .probe = kazaa_probe,
    .state_size = sizeof(struct kazaa_state),
    .parse = kazaa_parse,
    .http_inspect = kazaa_http_inspect,
};

/* ---- UDP pings ("KaZaA" network name; ET Open sid 2001796) ---- */

/* FastTrack UDP message types: 0x27 ping, 0x28 pong, 0x29 pong with load, 0x2a ping with load. */
static bool kazaa_udp_type(uint8_t t)
{
    return t >= 0x27 && t <= 0x2a;
}

/* True when "KaZaA" occurs in buf and the first byte is a FastTrack UDP message type. */
static bool kazaa_udp_match(const uint8_t *buf, size_t len)
{
    if (len < 6 || !kazaa_udp_type(buf[0]))
        return false;
    for (size_t i = 1; i + 5 <= len; i++)
        if (memcmp(buf + i, "KaZaA", 5) == 0)
            return true;
    return false;
}

static enum probe_result kazaa_udp_probe(struct det_call *call, enum flow_dir dir,
                                         const uint8_t *buf, size_t len)
{
    (void)call;
    (void)dir;
    return kazaa_udp_match(buf, len) ? PROBE_MATCH : PROBE_NO;
}

static void kazaa_udp_parse(struct det_call *call, void *state, enum flow_dir dir,
                            const uint8_t *data, size_t len, unsigned flags)
{
    struct app_event ev;

    (void)state;
    if ((flags & STREAM_DATA_GAP) || !kazaa_udp_match(data, len))
        return;
    kazaa_ev(&ev, APP_EVENT_PROTO_MSG, dir, data[0] == 0x27 || data[0] == 0x2a ? "udp_ping"
                                                                               : "udp_pong");
    det_emit(call, &ev);
}

const struct detector det_kazaa_udp = {
    .name = "kazaa-udp",
    .proto = APP_PROTO_KAZAA,
    .ipproto = 17,
    .ports = kazaa_ports,
    .n_ports = sizeof(kazaa_ports) / sizeof(kazaa_ports[0]),
    .probe = kazaa_udp_probe,
    .state_size = 0,
    .parse = kazaa_udp_parse,
};
