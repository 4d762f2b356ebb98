/*
 * det_msn.c - MSN / .NET Messenger detector: MSNP notification and
 * switchboard sessions (TCP 1863), MSNFTP file transfers (TCP 6891) and the
 * HTTP gateway (gateway.dll, through http_inspect).
 *
 * Framing (det_msn.h): CR LF terminated command lines; payload commands
 * (MSG, UUX, QRY, NOT ...) end with a byte count and exactly that many
 * payload bytes follow.  A capture may start anywhere: every line is parsed
 * on its own and a line that is not a known command is ignored, so the
 * stream re-synchronises at the next command line (the first payload seen
 * after a resync is honoured from its command line on).
 *
 * Logins (draft-movva-msn-messenger-protocol-00 section 7.3, MSNP8+ docs):
 *   MD5 (MSNP2-7): USR n MD5 I <user> / USR n MD5 S <seed> (server) /
 *                  USR n MD5 S <hex md5(seed password)> (client)
 *   TWN (MSNP8-14): USR n TWN I <user> / USR n TWN S <policy> (server) /
 *                   USR n TWN S t=<ticket>&p=<profile> (client)
 *   SSO (MSNP15+):  USR n SSO I <user> / USR n SSO S <policy> <nonce> /
 *                   USR n SSO S <ticket> <response>
 * and the server answers USR n OK <user> ... or an error number ("911 n").
 */
#include "det_msn.h"

#include <stdio.h>
#include <string.h>

#include "detect/det_http.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* Login mechanisms. */
enum msn_mech {
    MSN_MECH_NONE = 0,
    MSN_MECH_MD5,
    MSN_MECH_TWN,
    MSN_MECH_SSO
};

/* What the payload being read belongs to. */
enum msn_pay_kind {
    MSN_PAY_OTHER = 0, /* skipped */
    MSN_PAY_MSG        /* MSG: MIME message to look into */
};

/* One direction's framing state. */
struct msn_dir {
    uint8_t line[LIM_MSN_LINE_MAX]; /* the line being assembled (no LF) */
    uint32_t line_len;              /* bytes in line */
    bool line_drop;                 /* over-long or cut line: drop up to the next LF */
    uint32_t pay_left;              /* payload bytes still to come */
    enum msn_pay_kind pay_kind;     /* what the payload is */
    uint8_t body[LIM_MSN_BODY_MAX]; /* payload prefix kept */
    uint32_t body_len;              /* bytes in body */
    char sender[LIM_MSN_USER_MAX];  /* MSG sender (server form "MSG user nick len"), NUL-term */
    bool ftp_data;                  /* MSNFTP binary blocks follow */
    uint8_t ftp_hdr[3];             /* block header: flag, length LE16 */
    uint8_t ftp_hdr_len;            /* header bytes collected */
    uint32_t ftp_block_left;        /* data bytes of the current block still to come */
    uint64_t ftp_file_left;         /* file bytes still to come */
};

/* Per-flow state. */
struct msn_state {
    struct msn_dir d[2];                 /* by enum flow_dir */
    enum flow_dir client_dir;            /* direction whose sender is the client */
    bool client_known;                   /* client_dir was shown by a USR ... I */
    /* the login in progress */
    enum msn_mech mech;                  /* mechanism of the last USR ... I */
    bool pending;                        /* a secret was sent; outcome not seen yet */
    char user[LIM_MSN_USER_MAX];         /* user of the attempt, NUL-terminated */
    uint8_t secret[LIM_MSN_SECRET_MAX];  /* MD5 response / ticket as sent */
    uint32_t secret_len;                 /* bytes in secret */
    char cver[64];                       /* client version from CVR ("MSNMSGR 6.0.0602") */
    /* MSNFTP */
    bool ftp;                            /* VER MSNFTP seen */
    bool ftp_emitted;                    /* its FILE_TRANSFER was reported */
    enum flow_dir ftp_sender;            /* direction that sent FIL (the file's sender) */
    uint64_t ftp_size;                   /* FIL size */
    char ftp_user[LIM_MSN_USER_MAX];     /* USR of the MSNFTP session */
};

static const char *msn_mech_name(enum msn_mech m)
{
    switch (m) {
    case MSN_MECH_MD5:
        return "MD5";
    case MSN_MECH_TWN:
        return "TWN";
    case MSN_MECH_SSO:
        return "SSO";
    default:
        return "";
    }
}

/* Copies a span into a NUL-terminated field, truncating. */
static void msn_copy_str(char *dst, size_t cap, const struct msn_span *s)
{
    size_t n = s->len < cap - 1 ? s->len : cap - 1;
    if (n)
        memcpy(dst, s->p, n);
    dst[n] = '\0';
}

static void msn_event(struct app_event *ev, enum app_event_type type, enum flow_dir dir)
{
    app_event_init(ev, type, APP_PROTO_MSN, dir);
    app_event_add_str(ev, APP_FACT_SERVICE, "msn");
}

/* Reports the pending login with outcome (success, failure, unknown) and forgets it. */
static void msn_login_emit(struct det_call *call, struct msn_state *st, enum flow_dir dir,
                           const char *outcome)
{
    struct app_event ev;

    if (!st->pending)
        return;
    /* the attempt is the client's, whichever side's message settled it */
    msn_event(&ev, APP_EVENT_LOGIN, st->client_known ? st->client_dir : dir);
    if (st->user[0])
        app_event_add_str(&ev, APP_FACT_USERNAME, st->user);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM,
                      st->mech == MSN_MECH_MD5 ? "md5-challenge" : "hashed");
    app_event_add(&ev, APP_FACT_PASSWORD, st->secret, st->secret_len);
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, msn_mech_name(st->mech));
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "USR");
    if (st->cver[0])
        app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, st->cver);
    det_emit(call, &ev);
    st->pending = false;
    st->secret_len = 0;
}

static bool msn_is_hex32(const struct msn_span *s)
{
    if (s->len != 32)
        return false;
    for (size_t i = 0; i < 32; i++) {
        uint8_t ch = s->p[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return true;
}

/* Is "USR n MECH S ..." the client's answer (true) or the server's challenge? */
static bool msn_usr_s_is_client(const struct msn_state *st, enum flow_dir dir,
                                const struct msn_cmd *m, enum msn_mech mech)
{
    const struct msn_span *a = &m->tok[4];

    if (mech == MSN_MECH_MD5)
        return msn_is_hex32(a);
    if (mech == MSN_MECH_TWN)
        return a->len > 2 && a->p[0] == 't' && a->p[1] == '=';
    /* SSO: the server names a policy (MBI_KEY_OLD ...); the client sends a ticket */
    if (a->len >= 3 && memcmp(a->p, "MBI", 3) == 0)
        return false;
    if (st->client_known)
        return dir == st->client_dir;
    return a->len > 2 && a->p[0] == 't' && a->p[1] == '=';
}

static void msn_usr(struct det_call *call, struct msn_state *st, enum flow_dir dir,
                    const struct msn_cmd *m, const uint8_t *line, size_t len)
{
    const struct msn_span *t = m->tok;
    enum msn_mech mech = MSN_MECH_NONE;
    struct app_event ev;

    if (m->ntok == 3 && msn_span_is_email(&t[1])) {
        msn_copy_str(st->ftp_user, sizeof(st->ftp_user), &t[1]); /* MSNFTP */
        return;
    }
    if (m->ntok == 4 && msn_span_is_email(&t[2])) {
        /* switchboard sign-in with the cookie XFR/RNG handed out */
        msn_event(&ev, APP_EVENT_SESSION_COOKIE, dir);
        app_event_add(&ev, APP_FACT_USERNAME, t[2].p, t[2].len);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "USR");
        det_emit(call, &ev);
        return;
    }
    if (m->ntok >= 4 && msn_span_is(&t[2], "OK")) {
        if (!st->user[0])
            msn_copy_str(st->user, sizeof(st->user), &t[3]);
        msn_login_emit(call, st, dir, "success");
        return;
    }
    if (m->ntok < 5)
        return;
    if (msn_span_is(&t[2], "MD5"))
        mech = MSN_MECH_MD5;
    else if (msn_span_is(&t[2], "TWN"))
        mech = MSN_MECH_TWN;
    else if (msn_span_is(&t[2], "SSO"))
        mech = MSN_MECH_SSO;
    else
        return;

    if (msn_span_is(&t[3], "I")) {
        msn_login_emit(call, st, dir, "unknown"); /* a new attempt: the last one got no answer */
        st->mech = mech;
        msn_copy_str(st->user, sizeof(st->user), &t[4]);
        st->client_dir = dir;
        st->client_known = true;
        return;
    }
    if (!msn_span_is(&t[3], "S") || !msn_usr_s_is_client(st, dir, m, mech))
        return;
    /* the client's secret: everything after "S " */
    {
        size_t off = (size_t)(t[4].p - line);
        size_t n = len - off;
        if (st->pending)
            msn_login_emit(call, st, dir, "unknown");
        if (n > sizeof(st->secret))
            n = sizeof(st->secret);
        memcpy(st->secret, t[4].p, n);
        st->secret_len = (uint32_t)n;
        st->mech = mech;
        st->pending = true;
        if (!st->client_known) {
            st->client_dir = dir;
            st->client_known = true;
        }
    }
}

static void msn_proto_msg(struct det_call *call, enum flow_dir dir, const char *type,
                          const struct msn_span *server, const struct msn_span *user)
{
    struct app_event ev;

    msn_event(&ev, APP_EVENT_PROTO_MSG, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, type);
    if (server)
        app_event_add(&ev, APP_FACT_SERVER, server->p, server->len);
    if (user)
        app_event_add(&ev, APP_FACT_USERNAME, user->p, user->len);
    det_emit(call, &ev);
}

static void msn_ftp_file(struct det_call *call, struct msn_state *st, enum flow_dir dir)
{
    struct app_event ev;
    char size[24];

    if (st->ftp_emitted)
        return;
    st->ftp_emitted = true;
    msn_event(&ev, APP_EVENT_FILE_TRANSFER, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "MSNFTP");
    snprintf(size, sizeof(size), "%llu", (unsigned long long)st->ftp_size);
    app_event_add_str(&ev, APP_FACT_FILE_SIZE, size);
    if (st->ftp_user[0])
        app_event_add_str(&ev, APP_FACT_USERNAME, st->ftp_user);
    det_emit(call, &ev);
}

/* One command line of direction dir. */
static void msn_line(struct det_call *call, struct msn_state *st, enum flow_dir dir,
                     const uint8_t *line, size_t len)
{
    struct msn_dir *d = &st->d[dir];
    struct msn_cmd m;
    const struct msn_span *t = m.tok;

    if (msn_parse_line(line, len, LIM_MSN_PAYLOAD_MAX, &m) == MSN_SCORE_NONE)
        return; /* not a command: resynchronising, or a command we do not know */

    if (m.has_payload) {
        d->pay_left = m.payload_len;
        d->body_len = 0;
        d->pay_kind = msn_span_is(&t[0], "MSG") ? MSN_PAY_MSG : MSN_PAY_OTHER;
        d->sender[0] = '\0';
        if (d->pay_kind == MSN_PAY_MSG && msn_span_is_email(&t[1]))
            msn_copy_str(d->sender, sizeof(d->sender), &t[1]);
    }
    if (m.is_error) {
        msn_login_emit(call, st, dir, "failure");
        return;
    }
    if (msn_span_is(&t[0], "USR")) {
        msn_usr(call, st, dir, &m, line, len);
    } else if (msn_span_is(&t[0], "CVR")) {
        if (m.ntok >= 8 && m.tok[2].len >= 2 && memcmp(m.tok[2].p, "0x", 2) == 0) {
            struct app_event ev;
            int n = snprintf(st->cver, sizeof(st->cver), "%.*s %.*s", (int)t[6].len,
                             (const char *)t[6].p, (int)t[7].len, (const char *)t[7].p);
            if (n < 0)
                st->cver[0] = '\0';
            msn_event(&ev, APP_EVENT_PROTO_MSG, dir);
            app_event_add_str(&ev, APP_FACT_MSG_TYPE, "CVR");
            app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, st->cver);
            det_emit(call, &ev);
        }
    } else if (msn_span_is(&t[0], "XFR")) {
        if (m.ntok >= 4)
            msn_proto_msg(call, dir, "XFR", &t[3], NULL);
    } else if (msn_span_is(&t[0], "RNG")) {
        if (m.ntok >= 6)
            msn_proto_msg(call, dir, "RNG", &t[2], &t[5]);
    } else if (msn_span_is(&t[0], "ANS")) {
        if (m.ntok == 5) {
            struct app_event ev;
            msn_event(&ev, APP_EVENT_SESSION_COOKIE, dir);
            app_event_add(&ev, APP_FACT_USERNAME, t[2].p, t[2].len);
            app_event_add_str(&ev, APP_FACT_MSG_TYPE, "ANS");
            det_emit(call, &ev);
        }
    } else if (msn_span_is(&t[0], "VER")) {
        for (unsigned i = 1; i < m.ntok; i++)
            if (msn_span_is(&t[i], "MSNFTP"))
                st->ftp = true;
    } else if (msn_span_is(&t[0], "FIL") && st->ftp) {
        uint32_t sz;
        if (msn_span_u32(&t[1], &sz)) {
            st->ftp_size = sz;
            st->ftp_sender = dir;
            msn_ftp_file(call, st, dir);
        }
    } else if (msn_span_is(&t[0], "TFR") && st->ftp && st->ftp_emitted && dir != st->ftp_sender) {
        struct msn_dir *s = &st->d[st->ftp_sender];
        s->ftp_data = st->ftp_size > 0;
        s->ftp_file_left = st->ftp_size;
        s->ftp_hdr_len = 0;
        s->ftp_block_left = 0;
    }
    if (m.has_payload && m.payload_len == 0)
        d->pay_left = 0;
}

/* Storage for the "ip:port" strings of one event (facts point into it until det_emit). */
struct msn_addr_store {
    char a[8][72]; /* formatted addresses */
    unsigned n;    /* entries used */
};

/* Adds "ip:port" for an address value (one address, or a space-separated list). */
static void msn_add_addrs(struct app_event *ev, struct msn_addr_store *as,
                          const struct msn_span *addrs, const struct msn_span *port)
{
    struct bcur c;

    bcur_init(&c, addrs->p, addrs->len);
    while (bcur_remaining(&c) && as->n < 8) {
        long sp = bcur_find(&c, ' ');
        size_t n = sp < 0 ? bcur_remaining(&c) : (size_t)sp;
        char *buf = as->a[as->n];
        if (n > 0 && n < 48) {
            if (port && port->len > 0 && port->len < 8)
                snprintf(buf, sizeof(as->a[0]), "%.*s:%.*s", (int)n,
                         (const char *)bcur_ptr(&c), (int)port->len, (const char *)port->p);
            else
                snprintf(buf, sizeof(as->a[0]), "%.*s", (int)n, (const char *)bcur_ptr(&c));
            app_event_add_str(ev, APP_FACT_EMBEDDED_ADDRESS, buf);
            as->n++;
        }
        bcur_skip(&c, sp < 0 ? n : n + 1);
    }
}

static void msn_file_event(struct det_call *call, struct msn_dir *d, enum flow_dir dir,
                           const uint8_t *name, size_t name_len, const char *size,
                           const struct msn_span *size_span)
{
    struct app_event ev;

    msn_event(&ev, APP_EVENT_FILE_TRANSFER, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "MSG");
    app_event_add(&ev, APP_FACT_FILE_NAME, name, name_len);
    if (size)
        app_event_add_str(&ev, APP_FACT_FILE_SIZE, size);
    else if (size_span)
        app_event_add(&ev, APP_FACT_FILE_SIZE, size_span->p, size_span->len);
    if (msn_file_is_executable(name, name_len))
        app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
    if (d->sender[0])
        app_event_add_str(&ev, APP_FACT_USERNAME, d->sender);
    det_emit(call, &ev);
}

/* text/x-msmsgsinvite: file offers (Application-File) and addresses (IP-Address). */
static void msn_invite(struct det_call *call, struct msn_dir *d, enum flow_dir dir,
                       const uint8_t *p, size_t n)
{
    struct msn_span file, size, ip, ipi, port;
    bool has_size = msn_mime_field(p, n, "Application-FileSize", false, &size);

    if (msn_mime_field(p, n, "Application-File", false, &file) && file.len > 0)
        msn_file_event(call, d, dir, file.p, file.len, NULL, has_size ? &size : NULL);
    bool has_ip = msn_mime_field(p, n, "IP-Address", false, &ip);
    bool has_ipi = msn_mime_field(p, n, "IP-Address-Internal", false, &ipi);
    if (has_ip || has_ipi) {
        struct app_event ev;
        struct msn_addr_store as = {.n = 0};
        bool has_port = msn_mime_field(p, n, "Port", false, &port);
        msn_event(&ev, APP_EVENT_DIRECT_CONNECT, dir);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "MSG");
        if (has_ip)
            msn_add_addrs(&ev, &as, &ip, has_port ? &port : NULL);
        if (has_ipi)
            msn_add_addrs(&ev, &as, &ipi, has_port ? &port : NULL);
        if (d->sender[0])
            app_event_add_str(&ev, APP_FACT_USERNAME, d->sender);
        det_emit(call, &ev);
    }
}

/* application/x-msnmsgrp2p: MSNSLP INVITE bodies with addresses and file contexts. */
static void msn_p2p(struct det_call *call, struct msn_dir *d, enum flow_dir dir, const uint8_t *p,
                    size_t n)
{
    static const char *const af[][2] = {{"IPv4Internal-Addrs", "IPv4Internal-Port"},
                                        {"IPv4External-Addrs", "IPv4External-Port"}};
    struct msn_span a, port, ctx, guid;
    struct app_event ev;
    struct msn_addr_store as = {.n = 0};
    bool any = false;

    msn_event(&ev, APP_EVENT_DIRECT_CONNECT, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "MSNSLP");
    for (size_t i = 0; i < 2; i++) {
        if (msn_mime_field(p, n, af[i][0], false, &a) && a.len > 0) {
            bool hp = msn_mime_field(p, n, af[i][1], false, &port);
            msn_add_addrs(&ev, &as, &a, hp ? &port : NULL);
            any = true;
        }
    }
    if (any) {
        if (d->sender[0])
            app_event_add_str(&ev, APP_FACT_USERNAME, d->sender);
        det_emit(call, &ev);
    }
    /* file transfer: EUF-GUID {5D3E02AB-6190-11D3-BBBB-00C04F795683} + Context */
    if (msn_mime_field(p, n, "EUF-GUID", false, &guid) && guid.len >= 9 &&
        memcmp(guid.p, "{5D3E02AB", 9) == 0 && msn_mime_field(p, n, "Context", false, &ctx)) {
        char name[261], size[24];
        uint64_t sz = 0;
        if (msn_p2p_context(ctx.p, ctx.len, name, sizeof(name), &sz)) {
            snprintf(size, sizeof(size), "%llu", (unsigned long long)sz);
            msn_file_event(call, d, dir, (const uint8_t *)name, strlen(name), size, NULL);
        }
    }
}

/* A whole MSG payload (or its kept prefix) of direction dir. */
static void msn_msg_payload(struct det_call *call, struct msn_state *st, enum flow_dir dir)
{
    struct msn_dir *d = &st->d[dir];
    struct msn_span ct;
    size_t off;

    if (!msn_mime_field(d->body, d->body_len, "Content-Type", true, &ct))
        return;
    off = msn_mime_body_off(d->body, d->body_len);
    if (ct.len >= 10 && memcmp(ct.p, "text/plain", 10) == 0) {
        struct app_event ev;
        msn_event(&ev, APP_EVENT_MESSAGE, dir); /* never the text itself */
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "MSG");
        if (d->sender[0])
            app_event_add_str(&ev, APP_FACT_USERNAME, d->sender);
        det_emit(call, &ev);
    } else if (ct.len >= 19 && memcmp(ct.p, "text/x-msmsgsinvite", 19) == 0) {
        msn_invite(call, d, dir, d->body + off, d->body_len - off);
    } else if (ct.len >= 24 && memcmp(ct.p, "application/x-msnmsgrp2p", 24) == 0) {
        msn_p2p(call, d, dir, d->body + off, d->body_len - off);
    }
}

/* MSNFTP binary blocks: flag byte (0 data, else end), u16 LE length, data. */
static void msn_ftp_data(struct msn_dir *d, struct bcur *c)
{
    while (bcur_remaining(c) && d->ftp_data) {
        if (d->ftp_block_left) {
            size_t n = bcur_remaining(c);
            if (n > d->ftp_block_left)
                n = d->ftp_block_left;
            bcur_skip(c, n);
            d->ftp_block_left -= (uint32_t)n;
            d->ftp_file_left = d->ftp_file_left > n ? d->ftp_file_left - n : 0;
            if (!d->ftp_block_left && !d->ftp_file_left)
                d->ftp_data = false;
            continue;
        }
        d->ftp_hdr[d->ftp_hdr_len++] = bcur_u8(c);
        if (d->ftp_hdr_len < 3)
            continue;
        d->ftp_hdr_len = 0;
        if (d->ftp_hdr[0] != 0) {
            d->ftp_data = false; /* cancel / end: lines again */
            break;
        }
        d->ftp_block_left = (uint32_t)d->ftp_hdr[1] | ((uint32_t)d->ftp_hdr[2] << 8);
        if (!d->ftp_block_left)
            d->ftp_data = false;
    }
}

static void msn_reset_dir(struct msn_dir *d)
{
    d->line_len = 0;
    d->line_drop = true; /* the next line's start is unknown */
    d->pay_left = 0;
    d->body_len = 0;
    d->ftp_data = false;
    d->ftp_hdr_len = 0;
    d->ftp_block_left = 0;
}

static void msn_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                      size_t len, unsigned flags)
{
    struct msn_state *st = state;
    struct msn_dir *d = &st->d[dir];
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        msn_reset_dir(d);
        return;
    }
    if (!data || !len)
        return;
    bcur_init(&c, data, len);
    while (bcur_remaining(&c)) {
        if (d->ftp_data) {
            msn_ftp_data(d, &c);
            continue;
        }
        if (d->pay_left) {
            size_t n = bcur_remaining(&c);
            if (n > d->pay_left)
                n = d->pay_left;
            size_t keep = sizeof(d->body) - d->body_len;
            if (keep > n)
                keep = n;
            if (keep)
                memcpy(d->body + d->body_len, bcur_ptr(&c), keep);
            d->body_len += (uint32_t)keep;
            bcur_skip(&c, n);
            d->pay_left -= (uint32_t)n;
            if (!d->pay_left && d->pay_kind == MSN_PAY_MSG)
                msn_msg_payload(call, st, dir);
            continue;
        }
        long nl = bcur_find(&c, '\n');
        size_t n = nl < 0 ? bcur_remaining(&c) : (size_t)nl;
        if (!d->line_drop) {
            if (d->line_len + n > sizeof(d->line)) {
                d->line_drop = true;
                d->line_len = 0;
            } else {
                memcpy(d->line + d->line_len, bcur_ptr(&c), n);
                d->line_len += (uint32_t)n;
            }
        }
        bcur_skip(&c, n);
        if (nl < 0)
            break;
        bcur_skip(&c, 1); /* the LF */
        if (!d->line_drop) {
            size_t ll = d->line_len;
            if (ll && d->line[ll - 1] == '\r')
                ll--;
            msn_line(call, st, dir, d->line, ll);
        }
        d->line_len = 0;
        d->line_drop = false;
    }
}

/* A line of a MIME payload's tail: empty, or "Name: value" with a token name. */
static bool msn_tail_line(const struct msn_span *s)
{
    struct bcur c;
    long colon;

    if (s->len == 0)
        return true;
    bcur_init(&c, s->p, s->len);
    colon = bcur_find(&c, ':');
    if (colon <= 0)
        return false;
    for (long i = 0; i < colon; i++) {
        uint8_t ch = bcur_u8(&c);
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-'))
            return false;
    }
    return true;
}

/*
 * Probe: the first line must be a command (a strong one, or two plausible
 * ones in a row); when the first line is not, it may be the tail of a
 * payload cut by the capture's start, and the next line must then be a
 * strong command.  Payloads are skipped by their counts.
 */
static enum probe_result msn_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                   size_t len)
{
    struct bcur c;
    unsigned weak = 0, lines = 0;
    bool skipped = false;
    uint32_t trid;

    bcur_init(&c, buf, len);
    while (bcur_remaining(&c)) {
        long nl = bcur_find(&c, '\n');
        struct msn_cmd m;
        enum msn_score sc;
        size_t n;

        if (nl < 0) {
            /* an incomplete line: can it still become a command? */
            size_t r = bcur_remaining(&c);
            if (r > LIM_MSN_LINE_MAX)
                return PROBE_NO;
            for (size_t i = 0; i < r && i < 3; i++) {
                uint8_t ch = bcur_peek_u8(&c, i);
                if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) && lines == 0 &&
                    skipped == false && r > 512)
                    return PROBE_NO;
            }
            return PROBE_MORE;
        }
        n = (size_t)nl;
        const uint8_t *line = bcur_ptr(&c);
        size_t ll = n && line[n - 1] == '\r' ? n - 1 : n;
        sc = msn_parse_line(line, ll, LIM_MSN_PAYLOAD_MAX, &m);
        bcur_skip(&c, n + 1);
        if (sc == MSN_SCORE_NONE) {
            struct msn_span s = {line, ll};
            bool http = false;
            for (size_t i = 0; i + 5 <= s.len && !http; i++)
                http = memcmp(s.p + i, "HTTP/", 5) == 0;
            if (lines > 0 || http || (skipped && !msn_tail_line(&s)))
                return PROBE_NO;
            skipped = true;
            continue;
        }
        lines++;
        if (sc == MSN_SCORE_STRONG || (sc == MSN_SCORE_WEAK && weak >= 1 && !skipped)) {
            /* a client-only command tells the orientation */
            const struct msn_span *t = m.tok;
            bool cli = (msn_span_is(&t[0], "USR") && m.ntok >= 5 && msn_span_is(&t[3], "I")) ||
                       (msn_span_is(&t[0], "CVR") && m.ntok >= 8) || msn_span_is(&t[0], "ANS") ||
                       (msn_span_is(&t[0], "CAL") && m.ntok == 3) ||
                       (msn_span_is(&t[0], "MSG") && msn_span_u32(&t[1], &trid)) ||
                       msn_span_is(&t[0], "PNG");
            bool srv = msn_span_is(&t[0], "IRO") || msn_span_is(&t[0], "JOI") ||
                       msn_span_is(&t[0], "RNG") || msn_span_is(&t[0], "QNG") ||
                       msn_span_is(&t[0], "XFR") || msn_span_is(&t[0], "CHL") ||
                       (msn_span_is(&t[0], "MSG") && msn_span_is_email(&t[1])) || m.is_error;
            if (cli)
                det_set_client(call, dir);
            else if (srv)
                det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
            return PROBE_MATCH;
        }
        if (sc == MSN_SCORE_WEAK && skipped)
            return PROBE_NO;
        weak++;
        if (m.has_payload && !bcur_skip(&c, m.payload_len))
            return PROBE_MORE;
    }
    return PROBE_MORE;
}

static void msn_finish(struct det_call *call, void *state)
{
    struct msn_state *st = state;

    msn_login_emit(call, st, st->client_known ? st->client_dir : FLOW_TOSERVER, "unknown");
}

/* ---- HTTP gateway (gateway.dll) ---- */

/*
 * MSNP commands in a gateway body: every message is stateless here (the
 * HTTP detector owns the flow), so a login is reported from the body that
 * shows the client's secret, with the user when the same body names it.
 */
static void msn_http_body(struct det_call *call, const struct http_msg *msg)
{
    struct bcur c;
    char user[LIM_MSN_USER_MAX] = "";
    enum flow_dir dir = msg->is_request ? FLOW_TOSERVER : FLOW_TOCLIENT;

    bcur_init(&c, msg->body.p, msg->body.len);
    while (bcur_remaining(&c)) {
        long nl = bcur_find(&c, '\n');
        size_t n = nl < 0 ? bcur_remaining(&c) : (size_t)nl;
        const uint8_t *line = bcur_ptr(&c);
        size_t ll = n && line[n - 1] == '\r' ? n - 1 : n;
        struct msn_cmd m;
        enum msn_score sc = msn_parse_line(line, ll, LIM_MSN_PAYLOAD_MAX, &m);

        bcur_skip(&c, nl < 0 ? n : n + 1);
        if (sc == MSN_SCORE_NONE)
            continue;
        if (m.has_payload)
            bcur_skip(&c, m.payload_len < bcur_remaining(&c) ? m.payload_len
                                                              : bcur_remaining(&c));
        if (!msn_span_is(&m.tok[0], "USR") || m.ntok < 5)
            continue;
        if (msn_span_is(&m.tok[3], "I")) {
            msn_copy_str(user, sizeof(user), &m.tok[4]);
            continue;
        }
        if (msn_span_is(&m.tok[3], "S") && msg->is_request &&
            (msn_is_hex32(&m.tok[4]) ||
             (m.tok[4].len > 2 && m.tok[4].p[0] == 't' && m.tok[4].p[1] == '='))) {
            struct app_event ev;
            bool md5 = msn_span_is(&m.tok[2], "MD5");
            msn_event(&ev, APP_EVENT_LOGIN, dir);
            if (user[0])
                app_event_add_str(&ev, APP_FACT_USERNAME, user);
            app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, md5 ? "md5-challenge" : "hashed");
            app_event_add(&ev, APP_FACT_PASSWORD, m.tok[4].p, (size_t)(line + ll - m.tok[4].p));
            app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, "unknown");
            app_event_add(&ev, APP_FACT_AUTH_MECHANISM, m.tok[2].p, m.tok[2].len);
            app_event_add_str(&ev, APP_FACT_MSG_TYPE, "USR");
            det_emit(call, &ev);
        }
    }
}

static bool msn_http_inspect(struct det_call *call, const struct http_msg *msg)
{
    struct app_event ev;
    char action[64], ip[128];
    size_t alen, ilen;

    if (msg->is_request) {
        if (!http_span_eq(&msg->path, "/gateway/gateway.dll"))
            return false;
    } else {
        const struct http_span *ct = http_header(msg, "Content-Type");
        if (!http_header(msg, "X-MSN-Messenger") &&
            !(ct && http_span_prefix(ct, "application/x-msn-messenger")))
            return false;
    }
    msn_event(&ev, APP_EVENT_HTTP_GATEWAY, msg->is_request ? FLOW_TOSERVER : FLOW_TOCLIENT);
    /* two buffers: facts point into them until det_emit */
    if (msg->is_request && http_query_param(msg, "Action", action, sizeof(action), &alen))
        app_event_add(&ev, APP_FACT_MSG_TYPE, action, alen);
    if (msg->is_request && http_query_param(msg, "IP", ip, sizeof(ip), &ilen))
        app_event_add(&ev, APP_FACT_SERVER, ip, ilen);
    det_emit(call, &ev);
    msn_http_body(call, msg);
    return true;
}

static const uint16_t msn_ports[] = {1863, 6891};

const struct detector det_msn = {
    .name = "msn",
    .proto = APP_PROTO_MSN,
    .ipproto = 6,
    .ports = msn_ports,
    .n_ports = sizeof(msn_ports) / sizeof(msn_ports[0]),
    .probe = msn_probe,
    .state_size = sizeof(struct msn_state),
    .parse = msn_parse,
    .finish = msn_finish,
    .http_inspect = msn_http_inspect,
};
