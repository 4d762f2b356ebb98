/*
 * det_icq5.c - ICQ over UDP (the pre-OSCAR protocol, server port 4000):
 * version 5 with its scrambled client packets, and the older version 2.
 *
 *   v5 client (little-endian; from 0x0A on scrambled, see cred_oscar.h):
 *   0x00 version=5 u16 | 0x02 zero u32 | 0x06 UIN u32 | 0x0A session u32 |
 *   0x0E command u16 | 0x10 seq1 u16 | 0x12 seq2 u16 | 0x14 checkcode u32 |
 *   0x18 parameters
 *
 *   v5 server (not scrambled): 0x00 version=5 u16 | 0x02 zero u8 |
 *   0x03 session u32 | 0x07 command u16 | 0x09 seq1 | 0x0B seq2 |
 *   0x0D UIN u32 | 0x11 checkcode u32 | 0x15 parameters
 *
 *   v2 client: 0x00 version=2 u16 | 0x02 command u16 | 0x04 seq u16 |
 *   0x06 UIN u32 | 0x0A parameters (login: port u32, password length u16,
 *   password at 0x10)
 *
 * Login (command 0x03E8) parameters: time u32, port u32, password length
 * u16, password (NUL-terminated).  The server answers 0x005A (login reply:
 * success) or 0x0064 (bad password: failure).  A v5 client packet is only
 * accepted when its checkcode verifies: Tencent QQ (OICQ, UDP 8000, first
 * byte 0x02) and random datagrams never do.
 */
#include <stdio.h>
#include <string.h>

#include "cred_oscar.h"
#include "det_oscar.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"

#define ICQ_CMD_LOGIN 0x03E8
#define ICQ_SRV_LOGIN_REPLY 0x005A
#define ICQ_SRV_BAD_PASS 0x0064
#define ICQ5_SRV_HDRSIZE 0x15
#define ICQ2_LOGIN_PW 0x10

/* Longest ICQ v5 datagram unscrambled (UDP payload bound). */
#define ICQ5_MAX_PKT 1500

struct icq5_state {
    bool pending;                   /* a login waits for the server's answer */
    enum flow_dir cli;              /* direction of the client's datagrams */
    bool v2;                        /* the pending login was version 2 (cleartext) */
    char user[16];                  /* UIN in decimal */
    uint8_t pw[LIM_OSCAR_PW_MAX];   /* password */
    size_t pw_len;                  /* bytes in pw */
    uint32_t bad_checkcode;         /* v5 client packets whose checkcode failed */
};

static const uint16_t icq5_ports[] = {4000};

/* Server commands accepted as identification when only the server is seen. */
static bool icq5_known_srv_cmd(uint16_t cmd)
{
    switch (cmd) {
    case 0x000A: /* ack */
    case 0x0028: /* go away */
    case ICQ_SRV_LOGIN_REPLY:
    case ICQ_SRV_BAD_PASS:
    case 0x006E: /* user online */
    case 0x0078: /* user offline */
    case 0x00DC: /* message */
    case 0x00FA: /* try again */
    case 0x0212: /* multi */
    case 0x03DE: /* meta user */
        return true;
    default:
        return false;
    }
}

/* A v5 client datagram, unscrambled into out with a verified checkcode. */
static bool icq5_client_ok(const uint8_t *buf, size_t len, uint8_t *out)
{
    uint32_t check;

    if (len <= ICQ5_CL_HDRSIZE || len > ICQ5_MAX_PKT)
        return false;
    if (icq5_unscramble(buf, len, out, ICQ5_MAX_PKT, &check) != 0)
        return false;
    return icq5_checkcode_verify(out, len, check);
}

/* A v5 server datagram header (version 5, zero byte, known command). */
static bool icq5_server_ok(const uint8_t *buf, size_t len, uint16_t *cmd)
{
    struct bcur c;

    bcur_init(&c, buf, len);
    if (len < ICQ5_SRV_HDRSIZE || bcur_le16(&c) != 5 || bcur_u8(&c) != 0)
        return false;
    bcur_skip(&c, 4);
    *cmd = bcur_le16(&c);
    return bcur_ok(&c) && icq5_known_srv_cmd(*cmd);
}

/*
 * A v2 login: version 2, command 0x03E8, password length 1..LIM, the
 * password printable and NUL-terminated inside the datagram.
 */
static bool icq2_login_ok(const uint8_t *buf, size_t len, uint32_t *uin, struct bcur *pw)
{
    struct bcur c;
    uint16_t plen;

    bcur_init(&c, buf, len);
    if (bcur_le16(&c) != 2 || bcur_le16(&c) != ICQ_CMD_LOGIN)
        return false;
    bcur_skip(&c, 2); /* seq */
    *uin = bcur_le32(&c);
    bcur_skip(&c, 4); /* port */
    plen = bcur_le16(&c);
    if (!bcur_ok(&c) || plen < 2 || plen > LIM_OSCAR_PW_MAX || !bcur_has(&c, plen) || *uin == 0)
        return false;
    *pw = bcur_sub(&c, plen - 1u, NULL);
    if (bcur_u8(&c) != 0)
        return false;
    for (size_t i = 0; i < bcur_remaining(pw); i++) {
        uint8_t ch = bcur_peek_u8(pw, i);
        if (ch < 0x20 || ch > 0x7E)
            return false;
    }
    return true;
}

static enum probe_result icq5_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    uint8_t plain[ICQ5_MAX_PKT];
    uint16_t cmd;
    uint32_t uin;
    struct bcur pw;

    if (icq5_client_ok(buf, len, plain)) {
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    if (icq2_login_ok(buf, len, &uin, &pw)) {
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    if (icq5_server_ok(buf, len, &cmd)) {
        det_set_client(call, (enum flow_dir)(dir ^ 1));
        return PROBE_MATCH;
    }
    return PROBE_NO;
}

static void icq5_report(struct det_call *call, struct icq5_state *s, const char *outcome)
{
    struct app_event ev;

    if (!s->pending)
        return;
    s->pending = false;
    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_ICQ, s->cli);
    app_event_add_str(&ev, APP_FACT_SERVICE, "icq");
    app_event_add_str(&ev, APP_FACT_USERNAME, s->user);
    app_event_add(&ev, APP_FACT_PASSWORD, s->pw, s->pw_len);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, s->v2 ? "cleartext" : "roasted");
    app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, s->v2 ? "icq-v2" : "icq-v5");
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    det_emit(call, &ev);
}

static void icq5_begin(struct det_call *call, struct icq5_state *s, enum flow_dir dir,
                       uint32_t uin, const struct bcur *pw, bool v2)
{
    icq5_report(call, s, "unknown");
    s->pending = true;
    s->cli = dir;
    s->v2 = v2;
    snprintf(s->user, sizeof(s->user), "%u", (unsigned)uin);
    s->pw_len = bcur_remaining(pw) < sizeof(s->pw) ? bcur_remaining(pw) : sizeof(s->pw);
    memcpy(s->pw, bcur_ptr(pw), s->pw_len);
}

/* v5 client: the login's password from the unscrambled parameters. */
static void icq5_client(struct det_call *call, struct icq5_state *s, enum flow_dir dir,
                        const uint8_t *plain, size_t len)
{
    struct bcur c;
    uint32_t uin;
    uint16_t cmd, plen;
    struct bcur pw;

    bcur_init(&c, plain, len);
    bcur_skip(&c, ICQ5_CL_UIN);
    uin = bcur_le32(&c);
    bcur_skip(&c, 4);
    cmd = bcur_le16(&c);
    bcur_skip(&c, ICQ5_CL_HDRSIZE - ICQ5_CL_CMD - 2);
    if (!bcur_ok(&c) || cmd != ICQ_CMD_LOGIN)
        return;
    bcur_skip(&c, 8); /* time, port */
    plen = bcur_le16(&c);
    if (!bcur_ok(&c) || plen == 0 || !bcur_has(&c, plen))
        return;
    pw = bcur_sub(&c, plen, NULL);
    if (bcur_remaining(&pw) > 0 && bcur_peek_u8(&pw, bcur_remaining(&pw) - 1) == 0)
        bcur_limit(&pw, bcur_remaining(&pw) - 1);
    det_set_client(call, dir);
    icq5_begin(call, s, dir, uin, &pw, false);
}

/* Server answer (v5 header, or v2: command at offset 2). */
static void icq5_server(struct det_call *call, struct icq5_state *s, uint16_t cmd)
{
    if (cmd == ICQ_SRV_LOGIN_REPLY)
        icq5_report(call, s, "success");
    else if (cmd == ICQ_SRV_BAD_PASS)
        icq5_report(call, s, "failure");
}

static void icq5_parse(struct det_call *call, void *state, enum flow_dir dir,
                       const uint8_t *data, size_t len, unsigned flags)
{
    struct icq5_state *s = state;
    uint8_t plain[ICQ5_MAX_PKT];
    uint16_t cmd;
    uint32_t uin;
    struct bcur pw, c;

    (void)flags;
    if (!data || len < 4)
        return;
    if (icq5_client_ok(data, len, plain)) {
        icq5_client(call, s, dir, plain, len);
        return;
    }
    if (icq2_login_ok(data, len, &uin, &pw)) {
        det_set_client(call, dir);
        icq5_begin(call, s, dir, uin, &pw, true);
        return;
    }
    if (s->pending && dir == s->cli)
        return;
    if (icq5_server_ok(data, len, &cmd)) {
        icq5_server(call, s, cmd);
        return;
    }
    bcur_init(&c, data, len);
    if (bcur_le16(&c) == 2) {
        cmd = bcur_le16(&c);
        if (bcur_ok(&c) && s->pending && s->v2)
            icq5_server(call, s, cmd);
        return;
    }
    if (bcur_peek_u8(&c, 0) == 5)
        s->bad_checkcode++;
}

static void icq5_finish(struct det_call *call, void *state)
{
    icq5_report(call, state, "unknown");
}

const struct detector det_icq5 = {
    .name = "icq5",
    .proto = APP_PROTO_ICQ,
    .ipproto = 17,
    .ports = icq5_ports,
    .n_ports = sizeof(icq5_ports) / sizeof(icq5_ports[0]),
    .probe = icq5_probe,
    .state_size = sizeof(struct icq5_state),
    .parse = icq5_parse,
    .finish = icq5_finish,
};
