/*
 * det_pop3.c - POP3 (RFC 1939; CAPA/STLS: RFC 2449, RFC 2595; AUTH: RFC 5034).
 *
 * Identification: the server's "+OK text" greeting or "-ERR text" replies;
 * or client commands only POP3 has (APOP, UIDL, TOP, CAPA, STLS).  USER,
 * PASS, LIST, RETR ... are shared with FTP and wait for more.
 *
 * Credentials, one LOGIN event per attempt, outcome from the status line
 * that answers it (+OK success, -ERR failure):
 *   USER name / PASS secret      cleartext, USER/PASS
 *   APOP name digest             md5-challenge (the digest as sent), APOP
 *   AUTH PLAIN [ir] / + / resp   base64, PLAIN (RFC 4616 inside)
 *   AUTH LOGIN / + / user / pass base64, LOGIN
 *   AUTH CRAM-MD5 / + chal / resp md5-challenge, CRAM-MD5
 * "STLS" answered "+OK" means TLS follows: parsing stops.
 */
#include <string.h>

#include "cred_util.h"
#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/stream.h"

/* Per-flow POP3 state (zeroed by the framework). */
struct pop3_state {
    struct cred_line line[2]; /* partial line per direction */
    struct cred_login login;  /* the attempt in progress */
    struct cred_sasl sasl;    /* AUTH exchange in progress */
    bool stls_pending;        /* the client sent STLS; waiting for +OK */
    bool encrypted;           /* STLS accepted: nothing more is parsed */
};

/* Port hints (probe order only): pop3, pop3 on alternative ports. */
static const uint16_t pop3_ports[] = {110, 1110};

/* Commands only POP3 has. */
static const char *const pop3_only_cmds[] = {"APOP", "UIDL", "TOP", "CAPA", "STLS", NULL};

/* Commands POP3 shares with FTP or SMTP. */
static const char *const pop3_shared_cmds[] = {"USER", "PASS", "QUIT", "LIST", "RETR", "NOOP",
                                               "STAT", "DELE", "RSET", "AUTH", NULL};

static bool pop3_in_list(const struct cred_span *tok, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_eq(tok->p, tok->len, list[i]))
            return true;
    }
    return false;
}

/* "+OK" or "-ERR" followed by SP or the end of the line. */
static bool pop3_status(const struct cred_span *ln, bool *ok)
{
    struct bcur c;

    bcur_init(&c, ln->p, ln->len);
    if (cred_token_prefix(ln->p, ln->len, "+OK")) {
        *ok = true;
        bcur_skip(&c, 3);
    } else if (cred_token_prefix(ln->p, ln->len, "-ERR")) {
        *ok = false;
        bcur_skip(&c, 4);
    } else {
        return false;
    }
    return bcur_remaining(&c) == 0 || bcur_peek_u8(&c, 0) == ' ';
}

static enum flow_dir pop3_other(enum flow_dir dir)
{
    return dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
}

static enum probe_result pop3_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    struct bcur c;
    struct cred_span line;
    bool ok;

    bcur_init(&c, buf, len);
    if (!cred_probe_line(&c, &line))
        return len > 512 ? PROBE_NO : PROBE_MORE;
    if (pop3_status(&line, &ok)) {
        /* a bare "+OK" (Redis says that too) needs a second status line with text */
        if (line.len > 4) {
            det_set_client(call, pop3_other(dir));
            return PROBE_MATCH;
        }
        while (cred_probe_line(&c, &line)) {
            if (pop3_status(&line, &ok) && line.len > 4) {
                det_set_client(call, pop3_other(dir));
                return PROBE_MATCH;
            }
        }
        return PROBE_MORE;
    }
    do {
        struct bcur lc;
        struct cred_span cmd;
        bcur_init(&lc, line.p, line.len);
        if (!cred_next_token(&lc, &cmd))
            return PROBE_NO;
        if (pop3_in_list(&cmd, pop3_only_cmds)) {
            det_set_client(call, dir);
            return PROBE_MATCH;
        }
        if (!pop3_in_list(&cmd, pop3_shared_cmds))
            return PROBE_NO;
    } while (cred_probe_line(&c, &line));
    return PROBE_MORE;
}

/* The argument: the rest of the line after the command and one blank. */
static void pop3_arg(struct bcur *c, struct cred_span *arg)
{
    if (bcur_remaining(c) > 0)
        bcur_skip(c, 1);
    arg->p = bcur_ptr(c);
    arg->len = bcur_remaining(c);
}

static void pop3_command(struct det_call *call, struct pop3_state *st, const struct cred_span *ln)
{
    struct bcur c;
    struct cred_span cmd, arg, a1, a2;

    if (st->sasl.mech != CRED_SASL_NONE) {
        cred_sasl_response(&st->sasl, &st->login, ln->p, ln->len);
        return;
    }
    bcur_init(&c, ln->p, ln->len);
    if (!cred_next_token(&c, &cmd))
        return;
    if (cred_token_eq(cmd.p, cmd.len, "USER")) {
        cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", "unknown");
        pop3_arg(&c, &arg);
        cred_span_rtrim(&arg);
        cred_login_user(&st->login, arg.p, arg.len);
    } else if (cred_token_eq(cmd.p, cmd.len, "PASS")) {
        cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", "unknown");
        pop3_arg(&c, &arg); /* RFC 1939: a password may hold spaces */
        cred_login_pass(&st->login, arg.p, arg.len, "cleartext", "USER/PASS");
    } else if (cred_token_eq(cmd.p, cmd.len, "APOP")) {
        cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", "unknown");
        if (cred_next_token(&c, &a1) && cred_next_token(&c, &a2)) {
            cred_login_user(&st->login, a1.p, a1.len);
            cred_login_pass(&st->login, a2.p, a2.len, "md5-challenge", "APOP");
        }
    } else if (cred_token_eq(cmd.p, cmd.len, "AUTH")) {
        /* "AUTH" alone lists mechanisms (RFC 5034 section 4) */
        if (cred_next_token(&c, &a1)) {
            cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", "unknown");
            cred_next_token(&c, &a2);
            cred_sasl_start(&st->sasl, &st->login, &a1, &a2);
        }
    } else if (cred_token_eq(cmd.p, cmd.len, "STLS")) {
        st->stls_pending = true;
    }
}

static void pop3_reply(struct det_call *call, struct pop3_state *st, const struct cred_span *ln)
{
    bool ok;

    if (!pop3_status(ln, &ok))
        return; /* "+ challenge" continuations and multi-line bodies */
    if (st->stls_pending) {
        st->stls_pending = false;
        if (ok) {
            cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", "unknown");
            st->encrypted = true;
            return;
        }
    }
    cred_sasl_end(&st->sasl);
    if (st->login.pending)
        cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", ok ? "success" : "failure");
}

static void pop3_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct pop3_state *st = state;
    struct cred_line *lb = &st->line[dir];
    struct bcur c;
    enum cred_line_result r;

    if (st->encrypted)
        return;
    if (flags & STREAM_DATA_GAP) {
        cred_line_reset(lb);
        return;
    }
    bcur_init(&c, data, len);
    while (!st->encrypted && (r = cred_line_feed(lb, &c)) != CRED_LINE_NONE) {
        struct cred_span ln = {lb->buf, lb->len};
        if (r == CRED_LINE_OVERFLOW)
            continue;
        if (dir == FLOW_TOSERVER)
            pop3_command(call, st, &ln);
        else
            pop3_reply(call, st, &ln);
    }
}

static void pop3_finish(struct det_call *call, void *state)
{
    struct pop3_state *st = state;

    cred_login_emit(call, &st->login, APP_PROTO_POP3, "pop3", "unknown");
    cred_login_clear(&st->login);
}

const struct detector det_pop3 = {
    .name = "pop3",
    .proto = APP_PROTO_POP3,
    .ipproto = 6,
    .ports = pop3_ports,
    .n_ports = sizeof(pop3_ports) / sizeof(pop3_ports[0]),
    .probe = pop3_probe,
    .state_size = sizeof(struct pop3_state),
    .parse = pop3_parse,
    .finish = pop3_finish,
};
