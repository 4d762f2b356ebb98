/*
 * det_yahoo.c - Yahoo! Messenger detector: YMSG frames on any port (5050 by
 * default; 23, 25, 80 ... as fallbacks) and the old HTTP login
 * (GET /config/ncclogin?.src=bl&login=<user>&passwd=<password>&n=1, later
 * /config/login?) through http_inspect.
 *
 * Framing (det_yahoo.h): a 20-byte header with the body length at offset
 * 8; frames chain back to back.  A capture may start mid-frame: the parser
 * then scans for the "YMSG" magic and accepts a header only when it is sane
 * (version, vendor), so one frame alone re-synchronises the stream.
 *
 * Login (libyahoo2, libpurple yahoo): the client sends AUTH (0x57, key 1
 * user), the server answers AUTH with the challenge (key 94), the client
 * sends AUTHRESP (0x54) with keys 6 and 96 (responses hashed from the
 * password and the challenge), key 0/1 the user and key 135 its version.
 * Success: the server's LIST (0x55) or LOGON (0x01); failure: the server's
 * AUTHRESP (key 66 = error) or a LOGON with status -1.
 */
#include "det_yahoo.h"

#include <stdio.h>
#include <string.h>

#include "detect/det_http.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* Longest user name / secret kept for a login. */
#define YMSG_FIELD_MAX 256

/* One direction's framing state. */
struct ymsg_dir {
    uint8_t hdr[YMSG_HDR_LEN];        /* header being collected */
    uint8_t hdr_len;                  /* bytes in hdr */
    bool in_body;                     /* hdr is complete and valid: reading the body */
    struct ymsg_hdr h;                /* the decoded header */
    uint32_t body_left;               /* body bytes still to come */
    uint8_t body[LIM_YMSG_BODY_MAX];  /* body prefix kept */
    uint32_t body_len;                /* bytes in body */
};

/* Per-flow state. */
struct ymsg_state {
    struct ymsg_dir d[2];             /* by enum flow_dir */
    enum flow_dir client_dir;         /* direction whose sender is the client */
    bool client_known;                /* client_dir was shown by a client message */
    bool pending;                     /* an AUTHRESP was sent; outcome not seen */
    char user[YMSG_FIELD_MAX];        /* Yahoo ID of the attempt (NUL-terminated) */
    uint8_t secret[YMSG_FIELD_MAX];   /* key 6 (or 96) response as sent */
    uint32_t secret_len;              /* bytes in secret */
    char cver[64];                    /* key 135 client version */
    uint8_t seen[32];                 /* services already reported as protocol_message */
};

static void ymsg_event(struct app_event *ev, enum app_event_type type, enum flow_dir dir)
{
    app_event_init(ev, type, APP_PROTO_YAHOO, dir);
    app_event_add_str(ev, APP_FACT_SERVICE, "yahoo");
}

static void ymsg_copy(char *dst, size_t cap, const uint8_t *p, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\0';
}

static bool ymsg_get(const struct ymsg_dir *d, uint32_t key, const uint8_t **v, size_t *n)
{
    return ymsg_body_get(d->body, d->body_len, key, v, n);
}

static void ymsg_login_emit(struct det_call *call, struct ymsg_state *st, enum flow_dir dir,
                            const char *outcome)
{
    struct app_event ev;

    if (!st->pending)
        return;
    /* the attempt is the client's, whichever side's message settled it */
    ymsg_event(&ev, APP_EVENT_LOGIN, st->client_known ? st->client_dir : dir);
    if (st->user[0])
        app_event_add_str(&ev, APP_FACT_USERNAME, st->user);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "hashed");
    app_event_add(&ev, APP_FACT_PASSWORD, st->secret, st->secret_len);
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "0x54");
    if (st->cver[0])
        app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, st->cver);
    det_emit(call, &ev);
    st->pending = false;
    st->secret_len = 0;
}

/* A client frame carrying a hashed password (AUTHRESP, or an old LOGON with key 6). */
static void ymsg_client_login(struct det_call *call, struct ymsg_state *st, enum flow_dir dir,
                              const struct ymsg_dir *d)
{
    const uint8_t *v;
    size_t n;

    ymsg_login_emit(call, st, dir, "unknown"); /* a new attempt before the last one's answer */
    if (ymsg_get(d, 0, &v, &n) || ymsg_get(d, 1, &v, &n) || ymsg_get(d, 2, &v, &n))
        ymsg_copy(st->user, sizeof(st->user), v, n);
    if (ymsg_get(d, 6, &v, &n) || ymsg_get(d, 96, &v, &n)) {
        if (n > sizeof(st->secret))
            n = sizeof(st->secret);
        memcpy(st->secret, v, n);
        st->secret_len = (uint32_t)n;
    }
    if (ymsg_get(d, 135, &v, &n))
        ymsg_copy(st->cver, sizeof(st->cver), v, n);
    st->pending = true;
    st->client_dir = dir;
    st->client_known = true;
}

static bool ymsg_is_file_service(uint16_t svc)
{
    return svc == YMSG_SVC_FILETRANSFER || svc == YMSG_SVC_P2PFILEXFER ||
           svc == YMSG_SVC_Y7_FILETRANSFER || svc == YMSG_SVC_Y7_FILETRANSFERINFO;
}

static bool ymsg_is_exe(const uint8_t *name, size_t len)
{
    static const char *const ext[] = {".exe", ".com", ".scr", ".pif", ".bat", ".vbs", ".cmd"};

    if (len < 5)
        return false;
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        bool eq = true;
        for (size_t k = 0; k < 4 && eq; k++) {
            uint8_t ch = name[len - 4 + k];
            if (ch >= 'A' && ch <= 'Z')
                ch = (uint8_t)(ch + 32);
            eq = ch == (uint8_t)ext[i][k];
        }
        if (eq)
            return true;
    }
    return false;
}

static const char *ymsg_service_name(uint16_t svc)
{
    switch (svc) {
    case YMSG_SVC_LOGOFF:
        return "logoff";
    case YMSG_SVC_PING:
        return "ping";
    case YMSG_SVC_CONFINVITE:
        return "conference-invite";
    case YMSG_SVC_CONFADDINVITE:
        return "conference-add-invite";
    case YMSG_SVC_NOTIFY:
        return "notify";
    case YMSG_SVC_PEERTOPEER:
        return "peer-to-peer";
    case YMSG_SVC_KEEPALIVE:
        return "keepalive";
    case YMSG_SVC_AUTH:
        return "auth";
    default:
        return NULL;
    }
}

/* One whole frame (body possibly cut at LIM_YMSG_BODY_MAX) of direction dir. */
static void ymsg_frame(struct det_call *call, struct ymsg_state *st, enum flow_dir dir,
                       const struct ymsg_dir *d)
{
    uint16_t svc = d->h.service;
    const uint8_t *v;
    size_t n;
    bool from_server = st->client_known && dir != st->client_dir;
    struct app_event ev;

    switch (svc) {
    case YMSG_SVC_AUTH:
        if (ymsg_get(d, 94, &v, &n)) {
            if (!st->client_known) {
                st->client_dir = dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
                st->client_known = true;
            }
        } else if (ymsg_get(d, 1, &v, &n)) {
            ymsg_copy(st->user, sizeof(st->user), v, n);
            st->client_dir = dir;
            st->client_known = true;
        }
        break;
    case YMSG_SVC_AUTHRESP:
        if (ymsg_get(d, 6, &v, &n) || ymsg_get(d, 96, &v, &n))
            ymsg_client_login(call, st, dir, d);
        else if (st->pending && (from_server || ymsg_get(d, 66, &v, &n)))
            ymsg_login_emit(call, st, dir, "failure");
        break;
    case YMSG_SVC_LOGON:
        if (!st->pending && ymsg_get(d, 6, &v, &n) && !from_server)
            ymsg_client_login(call, st, dir, d);
        else if (st->pending && dir != st->client_dir)
            ymsg_login_emit(call, st, dir,
                            d->h.status == YMSG_STATUS_DISCONNECTED ? "failure" : "success");
        break;
    case YMSG_SVC_LIST:
        if (st->pending && dir != st->client_dir)
            ymsg_login_emit(call, st, dir, "success");
        break;
    case YMSG_SVC_MESSAGE:
        ymsg_event(&ev, APP_EVENT_MESSAGE, dir); /* never the text (key 14) */
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "0x06");
        if (ymsg_get(d, 1, &v, &n) || ymsg_get(d, 4, &v, &n) || ymsg_get(d, 0, &v, &n))
            app_event_add(&ev, APP_FACT_USERNAME, v, n);
        det_emit(call, &ev);
        break;
    default:
        break;
    }
    if (ymsg_is_file_service(svc) && ymsg_get(d, 27, &v, &n) && n > 0) {
        const uint8_t *sz, *from;
        size_t szn, fromn;
        char type[8];
        ymsg_event(&ev, APP_EVENT_FILE_TRANSFER, dir);
        snprintf(type, sizeof(type), "0x%02x", (unsigned)svc);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, type);
        app_event_add(&ev, APP_FACT_FILE_NAME, v, n);
        if (ymsg_get(d, 28, &sz, &szn))
            app_event_add(&ev, APP_FACT_FILE_SIZE, sz, szn);
        if (ymsg_is_exe(v, n))
            app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
        if (ymsg_get(d, 4, &from, &fromn) || ymsg_get(d, 1, &from, &fromn))
            app_event_add(&ev, APP_FACT_USERNAME, from, fromn);
        det_emit(call, &ev);
    }
    {
        const char *name = ymsg_service_name(svc);
        if (name && svc < 256 && !(st->seen[svc / 8] & (1u << (svc % 8)))) {
            st->seen[svc / 8] |= (uint8_t)(1u << (svc % 8));
            ymsg_event(&ev, APP_EVENT_PROTO_MSG, dir);
            app_event_add_str(&ev, APP_FACT_MSG_TYPE, name);
            det_emit(call, &ev);
        }
    }
}

/* Drops hdr bytes up to the next possible "YMSG" start (resynchronisation). */
static void ymsg_hdr_shift(struct ymsg_dir *d)
{
    struct bcur c;
    long y;

    bcur_init(&c, d->hdr, d->hdr_len);
    bcur_skip(&c, 1);
    y = bcur_find(&c, 'Y');
    if (y < 0) {
        d->hdr_len = 0;
        return;
    }
    size_t from = 1 + (size_t)y;
    memmove(d->hdr, d->hdr + from, d->hdr_len - from);
    d->hdr_len = (uint8_t)(d->hdr_len - from);
}

/* True while hdr[0..hdr_len) can still begin "YMSG". */
static bool ymsg_magic_prefix(const struct ymsg_dir *d)
{
    size_t n = d->hdr_len < 4 ? d->hdr_len : 4;
    return memcmp(d->hdr, "YMSG", n) == 0;
}

static void ymsg_parse(struct det_call *call, void *state, enum flow_dir dir,
                       const uint8_t *data, size_t len, unsigned flags)
{
    struct ymsg_state *st = state;
    struct ymsg_dir *d = &st->d[dir];
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        d->hdr_len = 0;
        d->in_body = false;
        return;
    }
    if (!data || !len)
        return;
    bcur_init(&c, data, len);
    while (bcur_remaining(&c)) {
        if (d->in_body) {
            size_t n = bcur_remaining(&c);
            if (n > d->body_left)
                n = d->body_left;
            size_t keep = sizeof(d->body) - d->body_len;
            if (keep > n)
                keep = n;
            if (keep)
                memcpy(d->body + d->body_len, bcur_ptr(&c), keep);
            d->body_len += (uint32_t)keep;
            d->body_left -= (uint32_t)n;
            bcur_skip(&c, n);
            if (!d->body_left) {
                d->in_body = false;
                d->hdr_len = 0;
                ymsg_frame(call, st, dir, d);
            }
            continue;
        }
        d->hdr[d->hdr_len++] = bcur_u8(&c);
        while (d->hdr_len && !ymsg_magic_prefix(d))
            ymsg_hdr_shift(d);
        if (d->hdr_len < YMSG_HDR_LEN)
            continue;
        if (!ymsg_hdr_parse(d->hdr, d->hdr_len, &d->h)) {
            ymsg_hdr_shift(d); /* not a sane header: look for the next magic */
            while (d->hdr_len && !ymsg_magic_prefix(d))
                ymsg_hdr_shift(d);
            continue;
        }
        d->body_len = 0;
        d->body_left = d->h.body_len;
        if (!d->body_left) {
            d->hdr_len = 0;
            ymsg_frame(call, st, dir, d);
        } else {
            d->in_body = true;
        }
    }
}

static enum probe_result ymsg_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    bool complete;
    long at = ymsg_find_frame(buf, len, &complete);
    struct ymsg_hdr h;
    struct bcur c;

    if (at < 0) {
        /* an incomplete magic at the start, or a short buffer: wait */
        size_t n = len < 4 ? len : 4;
        if (memcmp(buf, "YMSG", n) == 0 || len < 512)
            return PROBE_MORE;
        return PROBE_NO;
    }
    if (!complete)
        return PROBE_MORE;
    bcur_init(&c, buf, len);
    bcur_skip(&c, (size_t)at);
    if (ymsg_hdr_parse(bcur_ptr(&c), bcur_remaining(&c), &h)) {
        const uint8_t *body = bcur_ptr(&c) + YMSG_HDR_LEN;
        const uint8_t *v;
        size_t n;
        bool srv = (h.service == YMSG_SVC_AUTH && ymsg_body_get(body, h.body_len, 94, &v, &n)) ||
                   h.service == YMSG_SVC_LIST;
        bool cli = (h.service == YMSG_SVC_AUTH && !srv) ||
                   (h.service == YMSG_SVC_AUTHRESP &&
                    ymsg_body_get(body, h.body_len, 6, &v, &n));
        if (cli)
            det_set_client(call, dir);
        else if (srv)
            det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
    }
    return PROBE_MATCH;
}

static void ymsg_finish(struct det_call *call, void *state)
{
    struct ymsg_state *st = state;

    ymsg_login_emit(call, st, st->client_known ? st->client_dir : FLOW_TOSERVER, "unknown");
}

/* ---- HTTP login ---- */

static bool ymsg_http_inspect(struct det_call *call, const struct http_msg *msg)
{
    char user[YMSG_FIELD_MAX], pass[YMSG_FIELD_MAX];
    size_t ulen, plen;
    struct app_event ev;

    if (!msg->is_request)
        return false;
    if (!http_span_eq(&msg->path, "/config/ncclogin") && !http_span_eq(&msg->path, "/config/login"))
        return false;
    if (!http_query_param(msg, "login", user, sizeof(user), &ulen) ||
        !http_query_param(msg, "passwd", pass, sizeof(pass), &plen))
        return false;
    ymsg_event(&ev, APP_EVENT_LOGIN, FLOW_TOSERVER);
    app_event_add(&ev, APP_FACT_USERNAME, user, ulen);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "cleartext");
    app_event_add(&ev, APP_FACT_PASSWORD, pass, plen);
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, "unknown");
    app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, "http-get");
    if (msg->host.len)
        app_event_add(&ev, APP_FACT_SERVER, msg->host.p, msg->host.len);
    det_emit(call, &ev);
    explicit_bzero(pass, sizeof(pass)); /* the secret leaves no copy behind on the stack */
    return true;
}

static const uint16_t ymsg_ports[] = {5050};

const struct detector det_yahoo = {
    .name = "yahoo",
    .proto = APP_PROTO_YAHOO,
    .ipproto = 6,
    .ports = ymsg_ports,
    .n_ports = sizeof(ymsg_ports) / sizeof(ymsg_ports[0]),
    .probe = ymsg_probe,
    .state_size = sizeof(struct ymsg_state),
    .parse = ymsg_parse,
    .finish = ymsg_finish,
    .http_inspect = ymsg_http_inspect,
};
