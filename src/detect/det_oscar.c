/*
 * det_oscar.c - AIM and ICQ over OSCAR (FLAP + SNAC; any port, default
 * 5190, often 443 or 80).  See PROTOCOLS.md and the OSCAR documentation.
 *
 * Identification: FLAP chains (det_oscar_flap.c).  A numeric screen name
 * makes the flow ICQ.  What is reported:
 *   - channel 1 sign-on: TLV 0x0001 screen name, 0x0002 roasted password
 *     (de-roasted -> LOGIN password_form roasted), 0x0003 client id, 0x0006
 *     BOS cookie (-> SESSION_COOKIE: a replayable sign-on);
 *   - channel 4 from the auth server: 0x0005 BOS "host:port" (SERVER),
 *     0x0006 cookie (login success), 0x0008 error code (failure);
 *   - SNAC 17/06, 17/07, 17/02 (TLV 0x0025 MD5 hash -> LOGIN md5-challenge),
 *     17/03 (TLV 5/6 success, 8 failure);
 *   - SNAC 04/06, 04/07 ICBM: MESSAGE (text never reported), the AIM game
 *     request exploit strings, and channel-2 rendezvous proposals (TLV 5:
 *     proposer/client IP 0x0002/0x0003, port 0x0005, file name in 0x2711)
 *     -> DIRECT_CONNECT (embedded_address, internal_address) and
 *     FILE_TRANSFER (file_name, file_size, file_type).
 *
 *   SNAC header (FLAP channel 2 payload):
 *   +--------+---------+-------+------------+----------------------
 *   | family | subtype | flags | request id | [u16 len + data if flags & 0x8000] data
 *   +--------+---------+-------+------------+----------------------
 *      u16       u16      u16       u32
 */
#include <stdio.h>
#include <string.h>

#include "cred_oscar.h"
#include "det_oscar.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"

#define OSCAR_TLV_SN 0x0001
#define OSCAR_TLV_ROASTED 0x0002
#define OSCAR_TLV_CLIENT 0x0003
#define OSCAR_TLV_BOS 0x0005
#define OSCAR_TLV_COOKIE 0x0006
#define OSCAR_TLV_ERROR 0x0008
#define OSCAR_TLV_MD5 0x0025

/* A login attempt waiting for the server's verdict. */
struct oscar_login {
    bool pending;                        /* an attempt was seen, not yet reported */
    bool md5;                            /* md5-challenge (SNAC 17/02), else roasted */
    enum flow_dir dir;                   /* direction of the client's bytes */
    uint8_t user[LIM_OSCAR_SN_MAX];      /* screen name / UIN */
    size_t user_len;                     /* bytes in user */
    uint8_t pw[LIM_OSCAR_PW_MAX];        /* de-roasted password, or the hash in hex */
    size_t pw_len;                       /* bytes in pw */
    char client[LIM_OSCAR_STR_MAX];      /* client id string (TLV 3), NUL-terminated */
};

struct oscar_state {
    struct flap_reader rd[2];            /* FLAP framing per direction */
    struct oscar_login login;            /* the attempt in flight */
    uint8_t user[LIM_OSCAR_SN_MAX];      /* last screen name seen (17/06, sign-on, replies) */
    size_t user_len;                     /* bytes in user */
    bool icq;                            /* a UIN was seen: the service is ICQ */
    bool signon_reported;                /* the sign-on PROTO_MSG was emitted */
    bool exploit_reported[2];            /* aim:AddGame? / aim:AddExternalApp? reported */
    unsigned messages;                   /* ICBMs seen (MESSAGE reported for the first few) */
};

/* MESSAGE events per flow at most (presence of chat is what matters). */
#define OSCAR_MAX_MESSAGE_EVENTS 4

static const uint16_t oscar_ports[] = {5190, 5191, 5192, 5193, 443, 80};

static const char *oscar_service(const struct oscar_state *s)
{
    return s->icq ? "icq" : "aim";
}

static enum app_proto oscar_proto(const struct oscar_state *s)
{
    return s->icq ? APP_PROTO_ICQ : APP_PROTO_AIM;
}

/* Remembers a screen name; a UIN turns the flow into ICQ. */
static void oscar_note_user(struct det_call *call, struct oscar_state *s, const uint8_t *p,
                            size_t len)
{
    if (len == 0)
        return;
    s->user_len = len < sizeof(s->user) ? len : sizeof(s->user);
    memcpy(s->user, p, s->user_len);
    if (!s->icq && oscar_is_uin(p, len)) {
        s->icq = true;
        det_set_proto(call, APP_PROTO_ICQ);
    }
}

static void oscar_event_init(struct oscar_state *s, struct app_event *ev,
                             enum app_event_type type, enum flow_dir dir)
{
    app_event_init(ev, type, oscar_proto(s), dir);
    app_event_add_str(ev, APP_FACT_SERVICE, oscar_service(s));
}

/* Reports the pending login with an outcome ("success", "failure", "unknown"). */
static void oscar_login_report(struct det_call *call, struct oscar_state *s, const char *outcome,
                               const uint8_t *server, size_t server_len)
{
    struct oscar_login *l = &s->login;
    struct app_event ev;

    if (!l->pending)
        return;
    l->pending = false;
    oscar_event_init(s, &ev, APP_EVENT_LOGIN, l->dir);
    if (l->user_len)
        app_event_add(&ev, APP_FACT_USERNAME, l->user, l->user_len);
    app_event_add(&ev, APP_FACT_PASSWORD, l->pw, l->pw_len);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, l->md5 ? "md5-challenge" : "roasted");
    app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, l->md5 ? "MD5" : "roasted");
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    if (l->client[0])
        app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, l->client);
    if (server_len)
        app_event_add(&ev, APP_FACT_SERVER, server, server_len);
    det_emit(call, &ev);
}

/* Starts a login attempt (a previous one without a verdict is reported as unknown). */
static struct oscar_login *oscar_login_begin(struct det_call *call, struct oscar_state *s,
                                             enum flow_dir dir, bool md5)
{
    struct oscar_login *l = &s->login;

    oscar_login_report(call, s, "unknown", NULL, 0);
    memset(l, 0, sizeof(*l));
    l->pending = true;
    l->md5 = md5;
    l->dir = dir;
    if (s->user_len) {
        memcpy(l->user, s->user, s->user_len);
        l->user_len = s->user_len;
    }
    return l;
}

static void oscar_copy_str(char *dst, size_t cap, const uint8_t *p, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;

    memcpy(dst, p, n);
    dst[n] = '\0';
}

/* The client's sign-on PROTO_MSG (once): tells AIM from ICQ presence. */
static void oscar_signon_msg(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                             const char *client)
{
    struct app_event ev;

    if (s->signon_reported)
        return;
    s->signon_reported = true;
    oscar_event_init(s, &ev, APP_EVENT_PROTO_MSG, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "signon");
    if (s->user_len)
        app_event_add(&ev, APP_FACT_USERNAME, s->user, s->user_len);
    if (client && client[0])
        app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, client);
    det_emit(call, &ev);
}

/* Channel 1 from the client: 00 00 00 01 + TLVs. */
static void oscar_chan1(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                        struct bcur *c)
{
    struct bcur sn = {0}, pw = {0}, client = {0};
    bool has_sn = false, has_pw = false, has_client = false, has_cookie = false;
    char client_str[LIM_OSCAR_STR_MAX] = "";

    if (bcur_be32(c) != 1 || !bcur_ok(c) || bcur_remaining(c) == 0)
        return; /* a bare hello (either side) */
    while (bcur_remaining(c) >= 4) {
        uint16_t type = bcur_be16(c);
        uint16_t len = bcur_be16(c);
        bool cut;
        struct bcur v = bcur_sub(c, len, &cut);
        if (cut)
            break;
        switch (type) {
        case OSCAR_TLV_SN: sn = v; has_sn = true; break;
        case OSCAR_TLV_ROASTED: pw = v; has_pw = true; break;
        case OSCAR_TLV_CLIENT: client = v; has_client = true; break;
        case OSCAR_TLV_COOKIE: has_cookie = bcur_remaining(&v) > 0; break;
        default: break;
        }
    }
    if (!has_sn && !has_pw && !has_cookie && !has_client)
        return;
    det_set_client(call, dir);
    if (has_sn)
        oscar_note_user(call, s, bcur_ptr(&sn), bcur_remaining(&sn));
    if (has_client)
        oscar_copy_str(client_str, sizeof(client_str), bcur_ptr(&client),
                       bcur_remaining(&client));
    oscar_signon_msg(call, s, dir, client_str);
    if (has_pw) {
        struct oscar_login *l = oscar_login_begin(call, s, dir, false);
        l->pw_len = oscar_deroast(bcur_ptr(&pw), bcur_remaining(&pw), l->pw, sizeof(l->pw));
        memcpy(l->client, client_str, sizeof(l->client));
    }
    if (has_cookie) {
        struct app_event ev;
        oscar_event_init(s, &ev, APP_EVENT_SESSION_COOKIE, dir);
        if (s->user_len)
            app_event_add(&ev, APP_FACT_USERNAME, s->user, s->user_len);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "bos-cookie-signon");
        if (client_str[0])
            app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, client_str);
        det_emit(call, &ev);
    }
}

/*
 * Server verdict TLVs (channel 4 or SNAC 17/03): SN, BOS address, cookie,
 * error.  Reports the pending login, or a PROTO_MSG when none is pending.
 */
static void oscar_auth_reply(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                             struct bcur *c, const char *msg_type)
{
    struct bcur bos = {0};
    bool has_bos = false, has_cookie = false, has_error = false, any = false;

    while (bcur_remaining(c) >= 4) {
        uint16_t type = bcur_be16(c);
        uint16_t len = bcur_be16(c);
        bool cut;
        struct bcur v = bcur_sub(c, len, &cut);
        if (cut)
            break;
        any = true;
        if (type == OSCAR_TLV_SN)
            oscar_note_user(call, s, bcur_ptr(&v), bcur_remaining(&v));
        else if (type == OSCAR_TLV_BOS) {
            bos = v;
            has_bos = true;
        } else if (type == OSCAR_TLV_COOKIE)
            has_cookie = true;
        else if (type == OSCAR_TLV_ERROR)
            has_error = true;
    }
    if (!any || (!has_bos && !has_cookie && !has_error))
        return;
    if (s->login.pending && s->login.dir != dir) {
        oscar_login_report(call, s, has_error ? "failure" : "success", bcur_ptr(&bos),
                           has_bos ? bcur_remaining(&bos) : 0);
        return;
    }
    if (!s->login.pending) {
        struct app_event ev;
        oscar_event_init(s, &ev, APP_EVENT_PROTO_MSG, dir);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, msg_type);
        if (s->user_len)
            app_event_add(&ev, APP_FACT_USERNAME, s->user, s->user_len);
        if (has_bos)
            app_event_add(&ev, APP_FACT_SERVER, bcur_ptr(&bos), bcur_remaining(&bos));
        app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, has_error ? "failure" : "success");
        det_emit(call, &ev);
    }
}

/* SNAC 17/02: MD5 login (TLV 1 screen name, 0x25 hash, 3 client id). */
static void oscar_md5_login(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                            struct bcur *c)
{
    struct bcur hash = {0}, client = {0};
    bool has_hash = false, has_client = false;
    struct oscar_login *l;

    while (bcur_remaining(c) >= 4) {
        uint16_t type = bcur_be16(c);
        uint16_t len = bcur_be16(c);
        bool cut;
        struct bcur v = bcur_sub(c, len, &cut);
        if (cut)
            break;
        if (type == OSCAR_TLV_SN)
            oscar_note_user(call, s, bcur_ptr(&v), bcur_remaining(&v));
        else if (type == OSCAR_TLV_MD5) {
            hash = v;
            has_hash = true;
        } else if (type == OSCAR_TLV_CLIENT) {
            client = v;
            has_client = true;
        }
    }
    if (!has_hash)
        return;
    det_set_client(call, dir);
    oscar_signon_msg(call, s, dir, NULL);
    l = oscar_login_begin(call, s, dir, true);
    for (size_t i = 0; bcur_remaining(&hash) > 0 && i + 2 < sizeof(l->pw); i += 2) {
        static const char hex[] = "0123456789abcdef";
        uint8_t b = bcur_u8(&hash);
        l->pw[i] = (uint8_t)hex[b >> 4];
        l->pw[i + 1] = (uint8_t)hex[b & 0x0F];
        l->pw_len = i + 2;
    }
    if (has_client)
        oscar_copy_str(l->client, sizeof(l->client), bcur_ptr(&client),
                       bcur_remaining(&client));
}

/* Formats an IPv4 address + port. */
static void oscar_fmt_addr(char *out, size_t cap, const uint8_t ip[4], uint16_t port)
{
    snprintf(out, cap, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], port);
}

/* File-transfer capability 09461343-4C7F-11D1-8222-444553540000. */
static const uint8_t oscar_cap_sendfile[16] = {0x09, 0x46, 0x13, 0x43, 0x4C, 0x7F, 0x11, 0xD1,
                                               0x82, 0x22, 0x44, 0x45, 0x53, 0x54, 0x00, 0x00};

/* ICBM channel 2, TLV 5 rendezvous data: DIRECT_CONNECT and FILE_TRANSFER. */
static void oscar_rendezvous(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                             struct bcur *c)
{
    uint8_t cap[16];
    uint8_t ips[2][4];
    bool has_ip[2] = {false, false};
    uint16_t port = 0;
    struct bcur ext = {0};
    bool has_ext = false;
    uint16_t rtype = bcur_be16(c);

    bcur_skip(c, 8); /* cookie */
    if (!bcur_copy(c, cap, sizeof(cap)) || rtype != 0)
        return; /* only proposals carry addresses */
    while (bcur_remaining(c) >= 4) {
        uint16_t type = bcur_be16(c);
        uint16_t len = bcur_be16(c);
        bool cut;
        struct bcur v = bcur_sub(c, len, &cut);
        if (cut)
            break;
        if ((type == 0x0002 || type == 0x0003) && len == 4)
            has_ip[type - 2] = bcur_copy(&v, ips[type - 2], 4);
        else if (type == 0x0005 && len == 2)
            port = bcur_be16(&v);
        else if (type == 0x2711) {
            ext = v;
            has_ext = true;
        }
    }
    if (has_ip[0] || has_ip[1]) {
        struct app_event ev;
        char addr[2][32];
        oscar_event_init(s, &ev, APP_EVENT_DIRECT_CONNECT, dir);
        for (int i = 0; i < 2; i++) {
            if (!has_ip[i] || (i == 1 && has_ip[0] && !memcmp(ips[0], ips[1], 4)))
                continue;
            oscar_fmt_addr(addr[i], sizeof(addr[i]), ips[i], port);
            app_event_add_str(&ev, APP_FACT_EMBEDDED_ADDRESS, addr[i]);
        }
        for (int i = 0; i < 2; i++) {
            uint8_t a16[16] = {0};
            if (!has_ip[i] || (i == 1 && has_ip[0] && !memcmp(ips[0], ips[1], 4)))
                continue;
            memcpy(a16, ips[i], 4);
            if (det_is_home(call, 4, a16))
                app_event_add_str(&ev, APP_FACT_INTERNAL_ADDRESS, addr[i]);
        }
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "rendezvous");
        det_emit(call, &ev);
    }
    if (!memcmp(cap, oscar_cap_sendfile, sizeof(cap)) && has_ext) {
        struct app_event ev;
        char size[16];
        bcur_skip(&ext, 4); /* multiple-files flag, file count */
        uint32_t total = bcur_be32(&ext);
        long nul = bcur_find(&ext, 0);
        size_t nlen = nul >= 0 ? (size_t)nul : bcur_remaining(&ext);
        if (!bcur_ok(&ext) || nlen == 0)
            return;
        if (nlen > LIM_OSCAR_STR_MAX)
            nlen = LIM_OSCAR_STR_MAX;
        oscar_event_init(s, &ev, APP_EVENT_FILE_TRANSFER, dir);
        app_event_add(&ev, APP_FACT_FILE_NAME, bcur_ptr(&ext), nlen);
        snprintf(size, sizeof(size), "%u", (unsigned)total);
        app_event_add_str(&ev, APP_FACT_FILE_SIZE, size);
        if (oscar_is_executable(bcur_ptr(&ext), nlen))
            app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
        det_emit(call, &ev);
    }
}

/* The game-request overflow strings (Snort sids 1393 and 1752). */
static void oscar_exploit_scan(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                               const uint8_t *p, size_t len)
{
    static const char *const pat[2] = {"aim:AddGame?", "aim:AddExternalApp?"};
    static const char *const name[2] = {"aim-addgame", "aim-addexternalapp"};

    for (int i = 0; i < 2; i++) {
        struct app_event ev;
        if (s->exploit_reported[i] || !oscar_contains_ci(p, len, pat[i]))
            continue;
        s->exploit_reported[i] = true;
        oscar_event_init(s, &ev, APP_EVENT_EXPLOIT, dir);
        app_event_add_str(&ev, APP_FACT_EXPLOIT, name[i]);
        det_emit(call, &ev);
    }
}

/* SNAC 04/06 (client -> server) and 04/07 (server -> client): an ICBM. */
static void oscar_icbm(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                       struct bcur *c, uint16_t subtype)
{
    uint16_t channel;
    uint8_t snlen;

    oscar_exploit_scan(call, s, dir, bcur_ptr(c), bcur_remaining(c));
    bcur_skip(c, 8); /* message cookie */
    channel = bcur_be16(c);
    snlen = bcur_u8(c);
    bcur_skip(c, snlen);
    if (subtype == 0x0007) {
        bcur_skip(c, 2); /* warning level */
        uint16_t n = bcur_be16(c);
        for (unsigned i = 0; i < n && bcur_ok(c); i++) {
            bcur_skip(c, 2);
            bcur_skip(c, bcur_be16(c));
        }
    }
    if (!bcur_ok(c))
        return;
    if (s->messages++ < OSCAR_MAX_MESSAGE_EVENTS) {
        struct app_event ev;
        oscar_event_init(s, &ev, APP_EVENT_MESSAGE, dir);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE,
                          subtype == 0x0006 ? "0x0004/0x0006" : "0x0004/0x0007");
        det_emit(call, &ev);
    }
    if (channel != 2)
        return;
    while (bcur_remaining(c) >= 4) {
        uint16_t type = bcur_be16(c);
        uint16_t len = bcur_be16(c);
        bool cut;
        struct bcur v = bcur_sub(c, len, &cut);
        if (type == 0x0005)
            oscar_rendezvous(call, s, dir, &v);
        if (cut)
            break;
    }
}

/* A SNAC on channel 2. */
static void oscar_snac(struct det_call *call, struct oscar_state *s, enum flow_dir dir,
                       struct bcur *c)
{
    uint16_t family = bcur_be16(c);
    uint16_t subtype = bcur_be16(c);
    uint16_t flags = bcur_be16(c);

    bcur_skip(c, 4); /* request id */
    if (flags & 0x8000)
        bcur_skip(c, bcur_be16(c));
    if (!bcur_ok(c))
        return;
    if (family == 0x0017) {
        switch (subtype) {
        case 0x0006: { /* key request: TLV 1 screen name */
            struct bcur t = bcur_rest(c);
            while (bcur_remaining(&t) >= 4) {
                uint16_t type = bcur_be16(&t);
                uint16_t len = bcur_be16(&t);
                bool cut;
                struct bcur v = bcur_sub(&t, len, &cut);
                if (!cut && type == OSCAR_TLV_SN)
                    oscar_note_user(call, s, bcur_ptr(&v), bcur_remaining(&v));
            }
            det_set_client(call, dir);
            break;
        }
        case 0x0002:
            oscar_md5_login(call, s, dir, c);
            break;
        case 0x0003:
            oscar_auth_reply(call, s, dir, c, "0x0017/0x0003");
            break;
        default:
            break;
        }
    } else if (family == 0x0004 && (subtype == 0x0006 || subtype == 0x0007)) {
        oscar_icbm(call, s, dir, c, subtype);
    } else if (family == 0x0001 && subtype == 0x000F) {
        /* self info: screen name (tells ICQ from AIM on a cookie sign-on) */
        uint8_t snlen = bcur_u8(c);
        if (bcur_ok(c) && bcur_has(c, snlen))
            oscar_note_user(call, s, bcur_ptr(c), snlen);
    }
}

static void oscar_on_flap(struct det_call *call, void *ctx, enum flow_dir dir,
                          const struct flap_hdr *h, const uint8_t *payload, size_t len)
{
    struct oscar_state *s = ctx;
    struct bcur c;

    bcur_init(&c, payload, len);
    switch (h->channel) {
    case 1:
        oscar_chan1(call, s, dir, &c);
        break;
    case 2:
        oscar_snac(call, s, dir, &c);
        break;
    case 4:
        oscar_auth_reply(call, s, dir, &c, "auth-reply");
        break;
    default:
        break;
    }
}

static enum probe_result oscar_probe(struct det_call *call, enum flow_dir dir,
                                     const uint8_t *buf, size_t len)
{
    (void)dir;
    return flap_probe(buf, len, oscar_stream_at_start(call));
}

static void oscar_parse(struct det_call *call, void *state, enum flow_dir dir,
                        const uint8_t *data, size_t len, unsigned flags)
{
    struct oscar_state *s = state;

    flap_feed(&s->rd[dir], call, dir, data, len, flags, !oscar_stream_at_start(call),
              oscar_on_flap, s);
}

static void oscar_finish(struct det_call *call, void *state)
{
    oscar_login_report(call, state, "unknown", NULL, 0);
}

const struct detector det_oscar = {
    .name = "oscar",
    .proto = APP_PROTO_AIM,
    .ipproto = 6,
    .ports = oscar_ports,
    .n_ports = sizeof(oscar_ports) / sizeof(oscar_ports[0]),
    .probe = oscar_probe,
    .state_size = sizeof(struct oscar_state),
    .parse = oscar_parse,
    .finish = oscar_finish,
};
