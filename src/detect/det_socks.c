/*
 * det_socks.c - SOCKS 4, 4a and 5 proxy detector and tunnel.
 *
 * SOCKS4 (Ying-Da Lee, "SOCKS: A protocol for TCP proxy across firewalls"):
 *   request  +----+----+----+----+----+----+----+----+----+....+----+
 *            | 04 | CD | DSTPORT |      DSTIP        | USERID   |NUL |
 *            +----+----+----+----+----+----+----+----+----+....+----+
 *   reply    | 00 | CD | DSTPORT |      DSTIP        |   CD 5A granted, 5B-5D refused
 * SOCKS4a: DSTIP 0.0.0.x (x != 0), then after USERID NUL the host name and NUL.
 *
 * SOCKS5 (RFC 1928), with RFC 1929 user/password sub-negotiation:
 *   greeting  05 NMETHODS METHODS...        -> 05 METHOD (00 none, 02 user/pass, FF none ok)
 *   auth      01 ULEN UNAME PLEN PASSWD     -> 01 STATUS (00 success)
 *   request   05 CMD 00 ATYP DST.ADDR DST.PORT -> 05 REP 00 ATYP BND.ADDR BND.PORT (REP 00 ok)
 *   ATYP 01 IPv4 (4 bytes), 03 domain (length byte + name), 04 IPv6 (16 bytes)
 *
 * The client's first bytes identify the flow by structure (version,
 * command, method list consistency, NUL-terminated printable user id within
 * bounds), or the proxy's reply shapes when only its side is seen.  Logins:
 * RFC 1929 user/password (cleartext) and SOCKS4 user ids.  After a success
 * reply every later byte of both sides goes to the framework's tunnel (the
 * inner stream is detected again); client bytes sent before the reply are
 * held (LIM_SOCKS_HOLD) until it arrives.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* Longest SOCKS4 user id / 4a host name / RFC 1929 field, bytes. */
#define SOCKS_FIELD_MAX 255
/* Most methods a SOCKS5 greeting may offer to count as one (RFC 1928 defines 00-09, 80-FE). */
#define SOCKS5_METHODS_MAX 16

/* Where the client side is. */
enum socks_cstage {
    SOCKS_C_START = 0, /* expecting a SOCKS4 request or a SOCKS5 greeting */
    SOCKS_C_S5_NEXT,   /* after the greeting: RFC 1929 auth or the request */
    SOCKS_C_HOLD,      /* request sent: later bytes held until the reply */
    SOCKS_C_TUNNEL,    /* bytes belong to the tunnel */
    SOCKS_C_DONE       /* refused or not followable: bytes ignored */
};

/* Where the server side is. */
enum socks_sstage {
    SOCKS_S_START = 0, /* expecting a SOCKS4 reply or a SOCKS5 method selection */
    SOCKS_S_S5_AUTH,   /* expecting the RFC 1929 status */
    SOCKS_S_S5_REPLY,  /* expecting the SOCKS5 request reply */
    SOCKS_S_TUNNEL,    /* bytes belong to the tunnel */
    SOCKS_S_DONE       /* refused or not followable: bytes ignored */
};

/* Per-flow state. */
struct socks_state {
    struct det_call *call;                /* framework handle during one callback */
    uint8_t version;                      /* 4 or 5 once known, 0 before */
    uint8_t cstage;                       /* enum socks_cstage */
    uint8_t sstage;                       /* enum socks_sstage */
    bool tunnel_open;                     /* det_tunnel_open() was called */
    bool login_pending;                   /* a login awaits its outcome */
    bool login_v4;                        /* the pending login is a SOCKS4 user id (no password) */
    uint16_t user_len;                    /* bytes in user */
    uint16_t pass_len;                    /* bytes in pass */
    uint16_t target_len;                  /* bytes in target */
    uint16_t buf_len[2];                  /* bytes in buf, per direction */
    uint16_t hold_len;                    /* bytes in hold */
    uint64_t hold_dropped;                /* client bytes beyond hold (a gap for the tunnel) */
    uint8_t user[SOCKS_FIELD_MAX];        /* user name / user id */
    uint8_t pass[SOCKS_FIELD_MAX];        /* RFC 1929 password */
    char target[LIM_PROXY_FIELD_MAX + 1]; /* host:port asked for, NUL-terminated */
    uint8_t buf[2][LIM_SOCKS_MSG_MAX];    /* partial handshake message per direction */
    uint8_t hold[LIM_SOCKS_HOLD];         /* client bytes waiting for the reply */
};

static const uint16_t socks_ports[] = {1080, 1081, 9050, 8124, 9901};

/* ---- message structure (shared by probe and parse) ---- */

static bool printable(uint8_t ch)
{
    return ch >= 0x20 && ch < 0x7f;
}

/*
 * Length of a NUL-terminated printable string at off (without the NUL):
 * -1 malformed, -2 incomplete.
 */
static long cstring_at(const uint8_t *buf, size_t len, size_t off)
{
    struct bcur c;
    bcur_init(&c, buf, len);
    if (!bcur_skip(&c, off))
        return -2;
    for (size_t i = 0; i <= SOCKS_FIELD_MAX; i++) {
        if (!bcur_remaining(&c))
            return -2;
        uint8_t ch = bcur_u8(&c);
        if (ch == 0)
            return (long)i;
        if (!printable(ch))
            return -1;
    }
    return -1;
}

/*
 * SOCKS4/4a request: total length, -1 malformed, 0 incomplete.  *uid_len
 * and host_off/host_len (4a, else 0) describe the strings.
 */
static long socks4_request(const uint8_t *buf, size_t len, long *uid_len, size_t *host_off,
                           long *host_len)
{
    struct bcur c;
    bcur_init(&c, buf, len);
    uint8_t ver = bcur_u8(&c), cmd = bcur_u8(&c);
    uint16_t port = bcur_be16(&c);
    uint32_t ip = bcur_be32(&c);
    if (!bcur_ok(&c))
        return (len && buf[0] != 4) || (len > 1 && buf[1] != 1 && buf[1] != 2) ? -1 : 0;
    if (ver != 4 || (cmd != 1 && cmd != 2) || ip == 0 || (cmd == 1 && port == 0))
        return -1;
    long u = cstring_at(buf, len, 8);
    if (u < 0)
        return u == -2 ? 0 : -1;
    *uid_len = u;
    *host_off = 0;
    *host_len = 0;
    size_t end = 8 + (size_t)u + 1;
    if (ip < 256) { /* SOCKS4a: 0.0.0.x, the host name follows */
        long h = cstring_at(buf, len, end);
        if (h < 0)
            return h == -2 ? 0 : -1;
        if (h == 0)
            return -1;
        *host_off = end;
        *host_len = h;
        end += (size_t)h + 1;
    }
    return (long)end;
}

static bool s5_method_ok(uint8_t m)
{
    return m <= 0x09 || (m >= 0x80 && m != 0xff);
}

/* SOCKS5 greeting: length, -1 malformed, 0 incomplete. */
static long socks5_greeting(const uint8_t *buf, size_t len)
{
    struct bcur c;
    bcur_init(&c, buf, len);
    uint8_t ver = bcur_u8(&c), n = bcur_u8(&c);
    if (len >= 1 && ver != 5)
        return -1;
    if (!bcur_ok(&c))
        return 0;
    if (n == 0 || n > SOCKS5_METHODS_MAX)
        return -1;
    uint8_t seen[SOCKS5_METHODS_MAX];
    for (unsigned i = 0; i < n; i++) {
        if (!bcur_remaining(&c))
            return 0;
        uint8_t m = bcur_u8(&c);
        if (!s5_method_ok(m))
            return -1;
        for (unsigned k = 0; k < i; k++)
            if (seen[k] == m)
                return -1;
        seen[i] = m;
    }
    return (long)(2 + n);
}

/* RFC 1929 request: length, -1 malformed, 0 incomplete. */
static long socks5_auth(const uint8_t *buf, size_t len)
{
    struct bcur c;
    bcur_init(&c, buf, len);
    uint8_t ver = bcur_u8(&c), ulen = bcur_u8(&c);
    if (len >= 1 && ver != 1)
        return -1;
    if (!bcur_ok(&c))
        return 0;
    if (ulen == 0)
        return -1;
    if (!bcur_skip(&c, ulen))
        return 0;
    uint8_t plen = bcur_u8(&c);
    if (!bcur_ok(&c) || !bcur_skip(&c, plen))
        return 0;
    return (long)(3 + ulen + plen);
}

/* SOCKS5 address (atyp at off): total length of atyp+addr+port, -1 malformed, 0 incomplete. */
static long socks5_addr_len(const uint8_t *buf, size_t len, size_t off)
{
    struct bcur c;
    bcur_init(&c, buf, len);
    if (!bcur_skip(&c, off))
        return 0;
    uint8_t atyp = bcur_u8(&c);
    if (!bcur_ok(&c))
        return 0;
    size_t alen;
    if (atyp == 1) {
        alen = 4;
    } else if (atyp == 4) {
        alen = 16;
    } else if (atyp == 3) {
        uint8_t n = bcur_u8(&c);
        if (!bcur_ok(&c))
            return 0;
        if (n == 0)
            return -1;
        alen = 1 + (size_t)n;
    } else {
        return -1;
    }
    return bcur_has(&c, alen - (atyp == 3 ? 1 : 0) + 2) ? (long)(1 + alen + 2) : 0;
}

/* SOCKS5 request (cmd 1-3) or reply (rep 0-8): length, -1 malformed, 0 incomplete. */
static long socks5_msg(const uint8_t *buf, size_t len, bool reply)
{
    struct bcur c;
    bcur_init(&c, buf, len);
    uint8_t ver = bcur_u8(&c), code = bcur_u8(&c), rsv = bcur_u8(&c);
    if (len >= 1 && ver != 5)
        return -1;
    if (len >= 2 && (reply ? code > 8 : (code < 1 || code > 3)))
        return -1;
    if (len >= 3 && rsv != 0)
        return -1;
    if (!bcur_ok(&c))
        return 0;
    long a = socks5_addr_len(buf, len, 3);
    return a <= 0 ? a : 3 + a;
}

/* Formats a SOCKS5 address at off (atyp) as host:port into out. */
static size_t socks5_target(const uint8_t *buf, size_t len, size_t off, char *out, size_t cap)
{
    struct bcur c;
    char host[INET6_ADDRSTRLEN + 2];
    uint8_t a[16];
    int n = 0;

    bcur_init(&c, buf, len);
    bcur_skip(&c, off);
    uint8_t atyp = bcur_u8(&c);
    if (atyp == 1 || atyp == 4) {
        bcur_copy(&c, a, atyp == 1 ? 4 : 16);
        uint16_t port = bcur_be16(&c);
        if (!bcur_ok(&c) || !inet_ntop(atyp == 1 ? AF_INET : AF_INET6, a, host, sizeof(host)))
            return 0;
        n = snprintf(out, cap, atyp == 1 ? "%s:%u" : "[%s]:%u", host, port);
    } else {
        uint8_t nlen = bcur_u8(&c);
        const uint8_t *name = bcur_ptr(&c);
        bcur_skip(&c, nlen);
        uint16_t port = bcur_be16(&c);
        if (!bcur_ok(&c))
            return 0;
        n = snprintf(out, cap, "%.*s:%u", (int)nlen, (const char *)name, port);
    }
    return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

/* ---- events ---- */

static void login_emit(struct socks_state *st, const char *outcome)
{
    struct app_event ev;

    if (!st->login_pending)
        return;
    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_SOCKS, FLOW_TOSERVER);
    app_event_add_str(&ev, APP_FACT_SERVICE, "socks");
    app_event_add(&ev, APP_FACT_USERNAME, st->user, st->user_len);
    if (st->login_v4) {
        app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, "socks4-userid");
    } else {
        app_event_add(&ev, APP_FACT_PASSWORD, st->pass, st->pass_len);
        app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "cleartext");
        app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, "socks5-userpass");
    }
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    det_emit(st->call, &ev);
    st->login_pending = false;
    memset(st->pass, 0, sizeof(st->pass));
    st->pass_len = 0;
}

static void tunnel_open(struct socks_state *st)
{
    struct app_event ev;

    login_emit(st, "success");
    st->tunnel_open = true;
    st->sstage = SOCKS_S_TUNNEL;
    if (!st->target_len) {
        st->target_len = (uint16_t)snprintf(st->target, sizeof(st->target), "unknown");
    }
    app_event_init(&ev, APP_EVENT_TUNNEL, APP_PROTO_SOCKS, FLOW_TOCLIENT);
    app_event_add_str(&ev, APP_FACT_SERVICE, "socks");
    app_event_add_str(&ev, APP_FACT_TUNNEL, "socks");
    app_event_add(&ev, APP_FACT_TUNNEL_TARGET, st->target, st->target_len);
    det_emit(st->call, &ev);
    det_tunnel_open(st->call, "socks", st->target);
    if (st->cstage == SOCKS_C_HOLD || st->cstage == SOCKS_C_START ||
        st->cstage == SOCKS_C_S5_NEXT) {
        if (st->hold_len)
            det_tunnel_data(st->call, FLOW_TOSERVER, st->hold, st->hold_len, 0);
        if (st->hold_dropped)
            det_tunnel_data(st->call, FLOW_TOSERVER, NULL, (size_t)st->hold_dropped,
                            STREAM_DATA_GAP);
        st->hold_len = 0;
        st->hold_dropped = 0;
        st->cstage = SOCKS_C_TUNNEL;
    }
}

static void refused(struct socks_state *st)
{
    login_emit(st, "failure");
    st->sstage = SOCKS_S_DONE;
    st->cstage = SOCKS_C_DONE;
    st->hold_len = 0;
}

/* ---- handshake messages ---- */

/* One client message at buf: bytes consumed, 0 incomplete, -1 malformed. */
static long client_msg(struct socks_state *st, const uint8_t *buf, size_t len)
{
    if (st->cstage == SOCKS_C_START && len && buf[0] == 4) {
        long uid, hlen;
        size_t hoff;
        long n = socks4_request(buf, len, &uid, &hoff, &hlen);
        if (n <= 0)
            return n;
        st->version = 4;
        uint16_t port = (uint16_t)(buf[2] << 8 | buf[3]);
        int t;
        if (hlen > 0)
            t = snprintf(st->target, sizeof(st->target), "%.*s:%u", (int)hlen,
                         (const char *)buf + hoff, port);
        else
            t = snprintf(st->target, sizeof(st->target), "%u.%u.%u.%u:%u", buf[4], buf[5], buf[6],
                         buf[7], port);
        st->target_len = (uint16_t)(t < 0 ? 0 : strlen(st->target));
        if (uid > 0) {
            memcpy(st->user, buf + 8, (size_t)uid);
            st->user_len = (uint16_t)uid;
            st->login_pending = true;
            st->login_v4 = true;
        }
        st->cstage = SOCKS_C_HOLD;
        return n;
    }
    if (st->cstage == SOCKS_C_START) {
        long n = socks5_greeting(buf, len);
        if (n > 0) {
            st->version = 5;
            st->cstage = SOCKS_C_S5_NEXT;
        }
        return n;
    }
    /* SOCKS_C_S5_NEXT */
    if (len && buf[0] == 1) {
        long n = socks5_auth(buf, len);
        if (n <= 0)
            return n;
        login_emit(st, "unknown"); /* a previous attempt got no verdict */
        st->user_len = buf[1];
        memcpy(st->user, buf + 2, st->user_len);
        st->pass_len = buf[2 + st->user_len];
        memcpy(st->pass, buf + 3 + st->user_len, st->pass_len);
        st->login_pending = true;
        st->login_v4 = false;
        return n;
    }
    long n = socks5_msg(buf, len, false);
    if (n <= 0)
        return n;
    st->target_len = (uint16_t)socks5_target(buf, (size_t)n, 3, st->target, sizeof(st->target));
    st->cstage = SOCKS_C_HOLD;
    return n;
}

/* One server message at buf: bytes consumed, 0 incomplete, -1 malformed. */
static long server_msg(struct socks_state *st, const uint8_t *buf, size_t len)
{
    struct bcur c;
    bcur_init(&c, buf, len);

    if (st->sstage == SOCKS_S_START) {
        uint8_t v = bcur_peek_u8(&c, 0);
        if (st->version == 4 || (st->version == 0 && (v == 0 || v == 4))) {
            if (len < 8)
                return (v == 0 || v == 4) ? 0 : -1;
            uint8_t cd = buf[1];
            if (cd < 0x5a || cd > 0x5d)
                return -1;
            st->version = 4;
            if (cd == 0x5a)
                tunnel_open(st);
            else
                refused(st);
            return 8;
        }
        if (v != 5)
            return -1;
        if (len < 2)
            return 0;
        st->version = 5;
        if (buf[1] == 0x02) {
            st->sstage = SOCKS_S_S5_AUTH;
        } else if (buf[1] == 0x00) {
            st->sstage = SOCKS_S_S5_REPLY;
        } else if (buf[1] == 0xff) {
            refused(st);
        } else {
            /* GSSAPI or private methods: encapsulated, not followable */
            st->sstage = SOCKS_S_DONE;
            st->cstage = SOCKS_C_DONE;
        }
        return 2;
    }
    if (st->sstage == SOCKS_S_S5_AUTH) {
        if (len < 2)
            return 0;
        if (buf[0] != 1 && buf[0] != 5)
            return -1;
        if (buf[1] == 0) {
            login_emit(st, "success");
            st->sstage = SOCKS_S_S5_REPLY;
        } else {
            refused(st);
        }
        return 2;
    }
    /* SOCKS_S_S5_REPLY */
    long n = socks5_msg(buf, len, true);
    if (n <= 0)
        return n;
    if (buf[1] == 0)
        tunnel_open(st);
    else
        refused(st);
    return n;
}

/* ---- byte routing ---- */

static bool passing(const struct socks_state *st, enum flow_dir dir)
{
    if (dir == FLOW_TOSERVER)
        return st->cstage >= SOCKS_C_HOLD;
    return st->sstage >= SOCKS_S_TUNNEL;
}

/* Bytes after the handshake: held, tunnelled or ignored. */
static void pass_bytes(struct socks_state *st, enum flow_dir dir, const uint8_t *p, size_t n)
{
    if (!n)
        return;
    if (dir == FLOW_TOSERVER && st->cstage == SOCKS_C_HOLD) {
        size_t room = sizeof(st->hold) - st->hold_len;
        size_t take = n < room ? n : room;
        memcpy(st->hold + st->hold_len, p, take);
        st->hold_len = (uint16_t)(st->hold_len + take);
        st->hold_dropped += n - take;
        return;
    }
    if ((dir == FLOW_TOSERVER && st->cstage == SOCKS_C_TUNNEL) ||
        (dir == FLOW_TOCLIENT && st->sstage == SOCKS_S_TUNNEL))
        det_tunnel_data(st->call, dir, p, n, 0);
}

static void side_data(struct socks_state *st, enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct bcur in;
    uint8_t *buf = st->buf[dir];
    uint16_t *blen = &st->buf_len[dir];

    bcur_init(&in, data, len);
    while (bcur_remaining(&in)) {
        if (passing(st, dir)) {
            pass_bytes(st, dir, bcur_ptr(&in), bcur_remaining(&in));
            return;
        }
        size_t room = LIM_SOCKS_MSG_MAX - *blen;
        size_t take = bcur_remaining(&in) < room ? bcur_remaining(&in) : room;
        bcur_copy(&in, buf + *blen, take);
        *blen = (uint16_t)(*blen + take);
        while (*blen && !passing(st, dir)) {
            long n = dir == FLOW_TOSERVER ? client_msg(st, buf, *blen) : server_msg(st, buf, *blen);
            if (n < 0 || (n == 0 && *blen == LIM_SOCKS_MSG_MAX)) {
                /* not SOCKS (any more): stop following this side */
                *blen = 0;
                if (dir == FLOW_TOSERVER)
                    st->cstage = SOCKS_C_DONE;
                else
                    st->sstage = SOCKS_S_DONE;
                return;
            }
            if (n == 0)
                break;
            memmove(buf, buf + n, *blen - (size_t)n);
            *blen = (uint16_t)(*blen - (size_t)n);
        }
        if (passing(st, dir) && *blen) {
            uint8_t rest[LIM_SOCKS_MSG_MAX];
            size_t r = *blen;
            memcpy(rest, buf, r);
            *blen = 0;
            pass_bytes(st, dir, rest, r);
        }
        if (st->cstage == SOCKS_C_DONE && dir == FLOW_TOSERVER)
            return;
        if (st->sstage == SOCKS_S_DONE && dir == FLOW_TOCLIENT)
            return;
    }
}

/* ---- detector interface ---- */

static enum probe_result socks_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                     size_t len)
{
    if (!len)
        return PROBE_MORE;
    if (buf[0] == 4) {
        long uid, hlen;
        size_t hoff;
        long n = socks4_request(buf, len, &uid, &hoff, &hlen);
        if (n == 0)
            return len < 8 + 2 * (SOCKS_FIELD_MAX + 1) ? PROBE_MORE : PROBE_NO;
        if (n < 0)
            return PROBE_NO;
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    if (buf[0] == 5) {
        long g = socks5_greeting(buf, len);
        if (g > 0) {
            if ((size_t)g == len) {
                det_set_client(call, dir);
                return PROBE_MATCH;
            }
            long next = buf[g] == 1 ? socks5_auth(buf + g, len - (size_t)g)
                                    : socks5_msg(buf + g, len - (size_t)g, false);
            if (next < 0)
                goto server_side;
            det_set_client(call, dir);
            return PROBE_MATCH;
        }
        if (g == 0)
            return PROBE_MORE;
    server_side:
        /* the proxy's method selection followed by its auth status or request reply */
        if (len < 3 && (len < 2 || buf[1] == 0 || buf[1] == 2))
            return PROBE_MORE;
        if (buf[1] == 0 && socks5_msg(buf + 2, len - 2, true) >= 0) {
            det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
            return len >= 6 ? PROBE_MATCH : PROBE_MORE;
        }
        if (buf[1] == 2 && len >= 4 && buf[2] == 1 && buf[3] <= 1) {
            det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
            return PROBE_MATCH;
        }
        return PROBE_NO;
    }
    if (buf[0] == 0) {
        /* SOCKS4 reply: 00 5A-5D port ip */
        if (len >= 2 && (buf[1] < 0x5a || buf[1] > 0x5d))
            return PROBE_NO;
        if (len < 8)
            return PROBE_MORE;
        det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
        return PROBE_MATCH;
    }
    return PROBE_NO;
}

static void socks_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                        size_t len, unsigned flags)
{
    struct socks_state *st = state;

    st->call = call;
    if (flags & STREAM_DATA_GAP) {
        if (passing(st, dir)) {
            if (dir == FLOW_TOSERVER && st->cstage == SOCKS_C_HOLD)
                st->hold_dropped += len;
            else if (st->tunnel_open && (st->cstage == SOCKS_C_TUNNEL || dir == FLOW_TOCLIENT))
                det_tunnel_data(call, dir, NULL, len, STREAM_DATA_GAP);
        } else {
            /* a hole in the handshake: cannot follow it any more */
            st->buf_len[dir] = 0;
            if (dir == FLOW_TOSERVER)
                st->cstage = SOCKS_C_DONE;
            else
                st->sstage = SOCKS_S_DONE;
        }
    } else if (data && len) {
        side_data(st, dir, data, len);
    }
    if ((flags & (STREAM_DATA_EOF | STREAM_DATA_DEPTH)) && st->tunnel_open &&
        ((dir == FLOW_TOSERVER && st->cstage == SOCKS_C_TUNNEL) ||
         (dir == FLOW_TOCLIENT && st->sstage == SOCKS_S_TUNNEL)))
        det_tunnel_data(call, dir, NULL, 0, flags & (STREAM_DATA_EOF | STREAM_DATA_DEPTH));
    st->call = NULL;
}

static void socks_finish(struct det_call *call, void *state)
{
    struct socks_state *st = state;

    st->call = call;
    login_emit(st, "unknown");
    st->call = NULL;
}

static void socks_free(void *state)
{
    struct socks_state *st = state;
    memset(st->pass, 0, sizeof(st->pass));
    memset(st->buf, 0, sizeof(st->buf));
}

const struct detector det_socks = {
    .name = "socks",
    .proto = APP_PROTO_SOCKS,
    .ipproto = 6,
    .ports = socks_ports,
    .n_ports = sizeof(socks_ports) / sizeof(socks_ports[0]),
    .probe = socks_probe,
    .state_size = sizeof(struct socks_state),
    .init = NULL,
    .parse = socks_parse,
    .finish = socks_finish,
    .free = socks_free,
    .http_inspect = NULL,
};
