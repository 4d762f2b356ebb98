/*
 * det_irc.c - IRC (RFC 1459, RFC 2812) over TCP, any port.
 *
 * Lines of text ended by CR LF (bare LF tolerated), at most 512 bytes by
 * the RFC (we keep LIM_CRED_LINE_MAX):
 *
 *     [':' prefix SP] command *(SP param) [SP ':' trailing] CR LF
 *
 * Probe: a client command line (NICK x, USER a b c :d, PASS x, CAP LS/REQ)
 * or a server line (":server 001 nick :Welcome", ":x NOTICE AUTH :...",
 * ":x NOTICE * :...", ":x CAP * LS ...") among the first lines; a bare
 * numeric reply known only to IRC ("353 ...") also counts, for captures
 * that start mid-session.  Runs of blanks and leading blanks are tolerated
 * (real clients send them).
 *
 * Credentials (all cleartext):
 *   PASS <password>             connection password; the user name is the
 *                               session's NICK, which may come after PASS,
 *                               so the login is held until the reply
 *                               (001 welcome = success, 464 = failure) or
 *                               the flow's end (unknown);
 *   OPER <name> <password>      381 = success, 491 / 464 = failure;
 *   PRIVMSG NickServ :IDENTIFY [account] <password> (also NICKSERV / NS
 *                               IDENTIFY): NickServ's NOTICE tells the outcome.
 * Other facts: PRIVMSG -> message (no text kept), CTCP
 * "\x01DCC SEND <file> <ip as decimal u32> <port> [size]\x01" -> file
 * transfer + direct connection with the embedded address, DCC CHAT ->
 * direct connection, CTCP VERSION replies -> client version.
 */
#include <stdio.h>
#include <string.h>

#include "detect/det_irc.h"

#include "detect/cred_util.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* Kinds of login an IRC session can carry. */
enum irc_login_kind {
    IRC_LOGIN_PASS = 0,     /* connection password */
    IRC_LOGIN_OPER = 1,     /* operator password */
    IRC_LOGIN_IDENTIFY = 2, /* NickServ IDENTIFY */
    IRC_LOGIN__COUNT
};

/* One pending login attempt (its reply not seen yet). */
struct irc_pending {
    bool active;                  /* an attempt waits for its outcome */
    bool has_user;                /* user[] holds the name given with the attempt */
    uint8_t user[LIM_P2P_FIELD];  /* OPER name / IDENTIFY account (not for PASS) */
    size_t user_len;              /* its length */
    uint8_t pass[LIM_P2P_FIELD];  /* the password as sent */
    size_t pass_len;              /* its length */
};

/* Per-flow state. */
struct irc_state {
    struct cred_line line[2];                  /* partial line per direction */
    uint8_t nick[LIM_P2P_FIELD];               /* the client's current nick (NICK) */
    size_t nick_len;                           /* its length (0: none seen) */
    struct irc_pending login[IRC_LOGIN__COUNT]; /* pending attempts, one per kind */
};

/* Port hints (probe order only). */
static const uint16_t irc_ports[] = {6667, 6666, 6668, 6669, 7000, 194};

/* ---- line splitting ---- */

/* Most parameters kept per line (RFC 2812 allows 15). */
#define IRC_MAX_PARAMS 15

/* One parsed line; spans point into the line buffer. */
struct irc_msg {
    struct cred_span prefix;                   /* without ':' (empty when absent) */
    struct cred_span cmd;                      /* command word or 3-digit numeric */
    struct cred_span param[IRC_MAX_PARAMS];    /* middle params, then the trailing one */
    unsigned n_params;                         /* params used */
    bool has_trailing;                         /* the last param came after " :" */
};

static bool irc_blank(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

/* Splits a line (no CR LF) into prefix, command and params; false when no command. */
static bool irc_split(const uint8_t *line, size_t len, struct irc_msg *m)
{
    struct bcur c;
    struct cred_span tok;

    memset(m, 0, sizeof(*m));
    bcur_init(&c, line, len);
    while (bcur_remaining(&c) && irc_blank(bcur_peek_u8(&c, 0)))
        bcur_skip(&c, 1);
    if (bcur_remaining(&c) && bcur_peek_u8(&c, 0) == ':') {
        bcur_skip(&c, 1);
        if (!cred_next_token(&c, &tok))
            return false;
        m->prefix = tok;
    }
    if (!cred_next_token(&c, &m->cmd))
        return false;
    while (m->n_params < IRC_MAX_PARAMS) {
        while (bcur_remaining(&c) && irc_blank(bcur_peek_u8(&c, 0)))
            bcur_skip(&c, 1);
        if (!bcur_remaining(&c))
            break;
        if (bcur_peek_u8(&c, 0) == ':' || m->n_params == IRC_MAX_PARAMS - 1) {
            if (bcur_peek_u8(&c, 0) == ':') {
                bcur_skip(&c, 1);
                m->has_trailing = true;
            }
            m->param[m->n_params].p = bcur_ptr(&c);
            m->param[m->n_params].len = bcur_remaining(&c);
            m->n_params++;
            break;
        }
        cred_next_token(&c, &m->param[m->n_params]);
        m->n_params++;
    }
    /* A trailing CR left by a bare-CR line end or blanks after the last param. */
    if (m->n_params) {
        struct cred_span *l = &m->param[m->n_params - 1];
        while (l->len && (l->p[l->len - 1] == '\r' || (!m->has_trailing && irc_blank(l->p[l->len - 1]))))
            l->len--;
    }
    return true;
}

/* True when the span is a nick/user word: printable, no blanks, not too long. */
static bool irc_word(const struct cred_span *s, size_t max)
{
    if (s->len == 0 || s->len > max)
        return false;
    for (size_t i = 0; i < s->len; i++)
        if (s->p[i] <= 0x20 || s->p[i] >= 0x7f)
            return false;
    return true;
}

/* Value of a 3-digit numeric command, or -1. */
static int irc_numeric(const struct cred_span *cmd)
{
    if (cmd->len != 3)
        return -1;
    for (size_t i = 0; i < 3; i++)
        if (cmd->p[i] < '0' || cmd->p[i] > '9')
            return -1;
    return (cmd->p[0] - '0') * 100 + (cmd->p[1] - '0') * 10 + (cmd->p[2] - '0');
}

/*
 * Numerics that only IRC uses: a bare numeric line (no prefix) is taken as
 * IRC only for these, never for the reply codes of FTP, SMTP or NNTP.
 */
static bool irc_numeric_distinctive(int n)
{
    static const uint16_t codes[] = {1,   2,   3,   4,   5,   253, 254, 255, 265, 266, 301,
                                     303, 305, 306, 311, 312, 313, 315, 317, 318, 319, 321,
                                     322, 323, 324, 329, 333, 341, 352, 353, 366, 367, 368,
                                     372, 375, 376, 381, 401, 403, 404, 405, 431, 432, 433,
                                     436, 442, 443, 461, 462, 464, 465, 471, 473, 474, 475,
                                     481, 482, 491};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i] == n)
            return true;
    return false;
}

/* ---- probe ---- */


enum irc_line_kind irc_classify(const uint8_t *line, size_t len)
{
    struct irc_msg m;
    int num;

    for (size_t i = 0; i < len; i++)
        if (line[i] < 0x20 && line[i] != '\t' && line[i] != '\r' && line[i] != 0x01)
            return IRC_LINE_OTHER;
    if (!irc_split(line, len, &m))
        return IRC_LINE_OTHER;
    num = irc_numeric(&m.cmd);
    if (m.prefix.len) {
        if (!irc_word(&m.prefix, 128))
            return IRC_LINE_OTHER;
        if (num >= 0 && num < 600 && m.n_params >= 1 && irc_word(&m.param[0], 64))
            return IRC_LINE_SERVER;
        if (cred_token_eq(m.cmd.p, m.cmd.len, "NOTICE") && m.n_params == 2 && m.has_trailing &&
            (cred_token_eq(m.param[0].p, m.param[0].len, "AUTH") ||
             cred_token_eq(m.param[0].p, m.param[0].len, "*")))
            return IRC_LINE_SERVER;
        if (cred_token_eq(m.cmd.p, m.cmd.len, "CAP") && m.n_params >= 3)
            return IRC_LINE_SERVER;
        return IRC_LINE_OTHER;
    }
    if (num >= 0)
        return irc_numeric_distinctive(num) ? IRC_LINE_BARE : IRC_LINE_OTHER;
    if (cred_token_eq(m.cmd.p, m.cmd.len, "NICK") && m.n_params >= 1 && m.n_params <= 2 &&
        irc_word(&m.param[0], 64))
        return IRC_LINE_CLIENT;
    if (cred_token_eq(m.cmd.p, m.cmd.len, "USER") && m.n_params >= 4 && irc_word(&m.param[0], 64))
        return IRC_LINE_CLIENT;
    if (cred_token_eq(m.cmd.p, m.cmd.len, "PASS") && m.n_params == 1 && m.param[0].len > 0 &&
        m.param[0].len <= 128)
        return IRC_LINE_WEAK; /* FTP and POP3 say PASS too: NICK/USER must follow */
    if (cred_token_eq(m.cmd.p, m.cmd.len, "CAP") && m.n_params >= 1 &&
        (cred_token_eq(m.param[0].p, m.param[0].len, "LS") ||
         cred_token_eq(m.param[0].p, m.param[0].len, "REQ")))
        return IRC_LINE_CLIENT;
    return IRC_LINE_OTHER;
}

/* Lines looked at by the probe (one more than the first, for captures starting mid-line). */
#define IRC_PROBE_LINES 2

static enum probe_result irc_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                   size_t len)
{
    struct bcur c;
    unsigned lines = 0;

    bcur_init(&c, buf, len);
    while (lines < IRC_PROBE_LINES) {
        long lf = bcur_find(&c, '\n');
        const uint8_t *p = bcur_ptr(&c);
        size_t n;
        enum irc_line_kind k;

        if (lf < 0) {
            /* No full line yet: text may still become one. */
            for (size_t i = 0; i < bcur_remaining(&c); i++)
                if (p[i] < 0x09 || (p[i] > 0x0d && p[i] < 0x20) || p[i] == 0x7f)
                    return PROBE_NO;
            return bcur_remaining(&c) < LIM_CRED_LINE_MAX ? PROBE_MORE : PROBE_NO;
        }
        n = (size_t)lf;
        bcur_skip(&c, n + 1);
        if (n && p[n - 1] == '\r')
            n--;
        if (lines == 0 && (cred_token_prefix(p, n, "HTTP/") || cred_token_prefix(p, n, "GET ") ||
                           cred_token_prefix(p, n, "POST ")))
            return PROBE_NO;
        k = irc_classify(p, n);
        if (k == IRC_LINE_CLIENT) {
            det_set_client(call, dir);
            return PROBE_MATCH;
        }
        if (k == IRC_LINE_SERVER) {
            det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
            return PROBE_MATCH;
        }
        if (k == IRC_LINE_BARE)
            return PROBE_MATCH;
        if (n == 0 || k == IRC_LINE_WEAK)
            continue; /* an empty line or a PASS decides nothing */
        lines++;
    }
    return PROBE_NO;
}

/* True when a file name ends with an executable extension (.exe .com .scr .pif .bat .vbs). */
static bool irc_is_executable(const uint8_t *name, size_t len)
{
    static const char *const ext[] = {".exe", ".com", ".scr", ".pif", ".bat", ".vbs"};

    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (len >= 4 && cred_token_eq(name + len - 4, 4, ext[i]))
            return true;
    return false;
}

/* ---- events ---- */

static void irc_ev(struct app_event *ev, enum app_event_type type, enum flow_dir dir)
{
    app_event_init(ev, type, APP_PROTO_IRC, dir);
    app_event_add_str(ev, APP_FACT_SERVICE, "irc");
}

static const char *const irc_mech[IRC_LOGIN__COUNT] = {"PASS", "OPER", "IDENTIFY"};

/* Reports a pending attempt with its outcome and forgets it. */
static void irc_login_emit(struct det_call *call, struct irc_state *st, enum irc_login_kind kind,
                           const char *outcome, enum flow_dir dir)
{
    struct irc_pending *pl = &st->login[kind];
    struct app_event ev;

    if (!pl->active)
        return;
    irc_ev(&ev, APP_EVENT_LOGIN, dir);
    if (pl->has_user && pl->user_len)
        app_event_add(&ev, APP_FACT_USERNAME, pl->user, pl->user_len);
    else if (st->nick_len)
        app_event_add(&ev, APP_FACT_USERNAME, st->nick, st->nick_len);
    app_event_add(&ev, APP_FACT_PASSWORD, pl->pass, pl->pass_len);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "cleartext");
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, irc_mech[kind]);
    det_emit(call, &ev);
    memset(pl, 0, sizeof(*pl));
}

/* Starts an attempt; a still-pending one of the same kind is reported first (unknown). */
static void irc_login_start(struct det_call *call, struct irc_state *st, enum irc_login_kind kind,
                            const struct cred_span *user, const struct cred_span *pass)
{
    struct irc_pending *pl = &st->login[kind];

    irc_login_emit(call, st, kind, "unknown", FLOW_TOSERVER);
    pl->active = true;
    if (user && user->len) {
        pl->has_user = true;
        pl->user_len = cred_copy_field(pl->user, sizeof(pl->user), user->p, user->len);
    }
    pl->pass_len = cred_copy_field(pl->pass, sizeof(pl->pass), pass->p, pass->len);
}

/* Parses a decimal number of at most max_digits digits; false when not one. */
static bool irc_decimal(const struct cred_span *s, unsigned max_digits, uint64_t *out)
{
    uint64_t v = 0;

    if (s->len == 0 || s->len > max_digits)
        return false;
    for (size_t i = 0; i < s->len; i++) {
        if (s->p[i] < '0' || s->p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s->p[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * A CTCP DCC offer inside a PRIVMSG text: "\x01DCC SEND file ip port [size]\x01"
 * or "\x01DCC CHAT chat ip port\x01".  The file name may be in double quotes.
 */
static void irc_dcc(struct det_call *call, enum flow_dir dir, const struct cred_span *text)
{
    struct bcur c;
    struct cred_span kind, file, ip, port, size;
    uint64_t ipv, portv, sizev = 0;
    char addr[32];
    struct app_event ev;
    bool have_size = false;
    size_t end = text->len;

    if (end && text->p[end - 1] == 0x01)
        end--;
    bcur_init(&c, text->p, end);
    bcur_skip(&c, 5); /* "\x01DCC" + blank, checked by the caller */
    if (!cred_next_token(&c, &kind))
        return;
    while (bcur_remaining(&c) && irc_blank(bcur_peek_u8(&c, 0)))
        bcur_skip(&c, 1);
    if (bcur_remaining(&c) && bcur_peek_u8(&c, 0) == '"') {
        long q;
        bcur_skip(&c, 1);
        q = bcur_find(&c, '"');
        if (q < 0)
            return;
        file.p = bcur_ptr(&c);
        file.len = (size_t)q;
        bcur_skip(&c, (size_t)q + 1);
    } else if (!cred_next_token(&c, &file)) {
        return;
    }
    if (!cred_next_token(&c, &ip) || !cred_next_token(&c, &port))
        return;
    if (cred_next_token(&c, &size))
        have_size = irc_decimal(&size, 20, &sizev);
    if (!irc_decimal(&ip, 10, &ipv) || ipv > 0xffffffffu || !irc_decimal(&port, 5, &portv) ||
        portv > 65535)
        return;
    snprintf(addr, sizeof(addr), "%u.%u.%u.%u:%u", (unsigned)(ipv >> 24) & 0xff,
             (unsigned)(ipv >> 16) & 0xff, (unsigned)(ipv >> 8) & 0xff, (unsigned)ipv & 0xff,
             (unsigned)portv);

    if (cred_token_eq(kind.p, kind.len, "SEND")) {
        irc_ev(&ev, APP_EVENT_FILE_TRANSFER, dir);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "DCC SEND");
        app_event_add(&ev, APP_FACT_FILE_NAME, file.p, file.len);
        if (irc_is_executable(file.p, file.len))
            app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
        if (have_size)
            app_event_add(&ev, APP_FACT_FILE_SIZE, size.p, size.len);
        app_event_add_str(&ev, APP_FACT_EMBEDDED_ADDRESS, addr);
        det_emit(call, &ev);
    } else if (!cred_token_eq(kind.p, kind.len, "CHAT")) {
        return;
    }
    irc_ev(&ev, APP_EVENT_DIRECT_CONNECT, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE,
                      cred_token_eq(kind.p, kind.len, "SEND") ? "DCC SEND" : "DCC CHAT");
    app_event_add_str(&ev, APP_FACT_EMBEDDED_ADDRESS, addr);
    det_emit(call, &ev);
}

/* "IDENTIFY [account] password" given to NickServ; text is the command text. */
static void irc_identify(struct det_call *call, struct irc_state *st, const struct cred_span *text)
{
    struct bcur c;
    struct cred_span w, a, b;

    bcur_init(&c, text->p, text->len);
    if (!cred_next_token(&c, &w) || !cred_token_eq(w.p, w.len, "IDENTIFY"))
        return;
    if (!cred_next_token(&c, &a))
        return;
    if (cred_next_token(&c, &b))
        irc_login_start(call, st, IRC_LOGIN_IDENTIFY, &a, &b);
    else
        irc_login_start(call, st, IRC_LOGIN_IDENTIFY, NULL, &a);
}

static bool irc_is_nickserv(const struct cred_span *target)
{
    return cred_token_eq(target->p, target->len, "NickServ") ||
           cred_token_prefix(target->p, target->len, "NickServ@");
}

/* PRIVMSG / NOTICE text: CTCP DCC and VERSION, NickServ, messages. */
static void irc_privmsg(struct det_call *call, struct irc_state *st, enum flow_dir dir,
                        const struct irc_msg *m, bool notice)
{
    const struct cred_span *text = &m->param[m->n_params - 1];
    struct app_event ev;

    if (m->n_params < 2)
        return;
    if (cred_token_prefix(text->p, text->len, "\x01" "DCC ")) {
        irc_dcc(call, dir, text);
        return;
    }
    if (notice && cred_token_prefix(text->p, text->len, "\x01" "VERSION ")) {
        size_t n = text->len - 9;
        if (n && text->p[text->len - 1] == 0x01)
            n--;
        irc_ev(&ev, APP_EVENT_PROTO_MSG, dir);
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "CTCP VERSION");
        app_event_add(&ev, APP_FACT_CLIENT_VERSION, text->p + 9, n);
        det_emit(call, &ev);
        return;
    }
    if (dir == FLOW_TOSERVER && !notice && irc_is_nickserv(&m->param[0])) {
        irc_identify(call, st, text);
        return;
    }
    if (dir == FLOW_TOCLIENT && notice && st->login[IRC_LOGIN_IDENTIFY].active &&
        cred_token_prefix(m->prefix.p, m->prefix.len, "NickServ")) {
        if (cred_token_contains(text->p, text->len, "incorrect") ||
            cred_token_contains(text->p, text->len, "invalid") ||
            cred_token_contains(text->p, text->len, "denied") ||
            cred_token_contains(text->p, text->len, "failed"))
            irc_login_emit(call, st, IRC_LOGIN_IDENTIFY, "failure", dir);
        else if (cred_token_contains(text->p, text->len, "identified") ||
                 cred_token_contains(text->p, text->len, "accepted") ||
                 cred_token_contains(text->p, text->len, "logged in"))
            irc_login_emit(call, st, IRC_LOGIN_IDENTIFY, "success", dir);
        return;
    }
    if (notice)
        return;
    irc_ev(&ev, APP_EVENT_MESSAGE, dir);
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, "PRIVMSG");
    if (dir == FLOW_TOSERVER && st->nick_len)
        app_event_add(&ev, APP_FACT_USERNAME, st->nick, st->nick_len);
    det_emit(call, &ev);
}

/* A line from the client. */
static void irc_client_line(struct det_call *call, struct irc_state *st, const struct irc_msg *m)
{
    const struct cred_span *cmd = &m->cmd;

    if (cred_token_eq(cmd->p, cmd->len, "NICK") && m->n_params >= 1 &&
        irc_word(&m->param[0], LIM_P2P_FIELD)) {
        st->nick_len = cred_copy_field(st->nick, sizeof(st->nick), m->param[0].p, m->param[0].len);
    } else if (cred_token_eq(cmd->p, cmd->len, "PASS") && m->n_params >= 1) {
        irc_login_start(call, st, IRC_LOGIN_PASS, NULL, &m->param[0]);
    } else if (cred_token_eq(cmd->p, cmd->len, "OPER") && m->n_params >= 2) {
        irc_login_start(call, st, IRC_LOGIN_OPER, &m->param[0], &m->param[1]);
    } else if ((cred_token_eq(cmd->p, cmd->len, "NICKSERV") ||
                cred_token_eq(cmd->p, cmd->len, "NS")) &&
               m->n_params >= 1) {
        struct cred_span all = {m->param[0].p,
                                (size_t)(m->param[m->n_params - 1].p - m->param[0].p) +
                                    m->param[m->n_params - 1].len};
        irc_identify(call, st, &all);
    } else if (cred_token_eq(cmd->p, cmd->len, "PRIVMSG")) {
        irc_privmsg(call, st, FLOW_TOSERVER, m, false);
    } else if (cred_token_eq(cmd->p, cmd->len, "NOTICE")) {
        irc_privmsg(call, st, FLOW_TOSERVER, m, true);
    }
}

/* A line from the server. */
static void irc_server_line(struct det_call *call, struct irc_state *st, const struct irc_msg *m)
{
    int num = irc_numeric(&m->cmd);

    switch (num) {
    case 1: /* RPL_WELCOME: registration (and its PASS) accepted */
        if (!st->nick_len && m->n_params >= 1 && irc_word(&m->param[0], LIM_P2P_FIELD))
            st->nick_len =
                cred_copy_field(st->nick, sizeof(st->nick), m->param[0].p, m->param[0].len);
        irc_login_emit(call, st, IRC_LOGIN_PASS, "success", FLOW_TOCLIENT);
        return;
    case 381: /* RPL_YOUREOPER */
        irc_login_emit(call, st, IRC_LOGIN_OPER, "success", FLOW_TOCLIENT);
        return;
    case 464: /* ERR_PASSWDMISMATCH: the pending OPER if any, else PASS */
        if (st->login[IRC_LOGIN_OPER].active)
            irc_login_emit(call, st, IRC_LOGIN_OPER, "failure", FLOW_TOCLIENT);
        else
            irc_login_emit(call, st, IRC_LOGIN_PASS, "failure", FLOW_TOCLIENT);
        return;
    case 491: /* ERR_NOOPERHOST */
        irc_login_emit(call, st, IRC_LOGIN_OPER, "failure", FLOW_TOCLIENT);
        return;
    default:
        break;
    }
    if (cred_token_eq(m->cmd.p, m->cmd.len, "PRIVMSG"))
        irc_privmsg(call, st, FLOW_TOCLIENT, m, false);
    else if (cred_token_eq(m->cmd.p, m->cmd.len, "NOTICE"))
        irc_privmsg(call, st, FLOW_TOCLIENT, m, true);
}

static void irc_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                      size_t len, unsigned flags)
{
    struct irc_state *st = state;
    struct cred_line *lb = &st->line[dir];
    struct bcur c;
    struct irc_msg m;

    if (flags & STREAM_DATA_GAP) {
        cred_line_reset(lb);
        return;
    }
    bcur_init(&c, data, len);
    while (bcur_remaining(&c)) {
        enum cred_line_result r = cred_line_feed(lb, &c);
        if (r != CRED_LINE_OK)
            continue; /* partial, or an overlong line: dropped */
        if (!irc_split(lb->buf, lb->len, &m))
            continue;
        if (dir == FLOW_TOSERVER)
            irc_client_line(call, st, &m);
        else
            irc_server_line(call, st, &m);
    }
}

static void irc_finish(struct det_call *call, void *state)
{
    struct irc_state *st = state;

    for (int k = 0; k < IRC_LOGIN__COUNT; k++)
        irc_login_emit(call, st, (enum irc_login_kind)k, "unknown", FLOW_TOSERVER);
}

const struct detector det_irc = {
    .name = "irc",
    .proto = APP_PROTO_IRC,
    .ipproto = 6,
    .ports = irc_ports,
    .n_ports = sizeof(irc_ports) / sizeof(irc_ports[0]),
    .probe = irc_probe,
    .state_size = sizeof(struct irc_state),
    .parse = irc_parse,
    .finish = irc_finish,
};
