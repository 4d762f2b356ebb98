/*
 * det_ftp.c - FTP control connections (RFC 959; AUTH TLS: RFC 4217 / 2228).
 *
 * Identification, from either side (captures start mid-session):
 *   server: a "220" greeting naming an FTP server, or replies only FTP uses
 *           (230 logged in, 331 need password, 257 "dir", 227 passive ...);
 *   client: commands only FTP has (SYST, FEAT, PASV, PWD, TYPE, AUTH TLS ...).
 *   USER / PASS alone are shared with POP3: they wait for more.
 *
 * Credentials: "USER name" then "PASS secret" is one login attempt, reported
 * as a LOGIN event (password_form cleartext, auth_mechanism USER/PASS) when
 * the server's final reply to PASS arrives: 2xx success (230, 202), 4xx/5xx
 * failure (530, 503 ...), 332 waits for ACCT.  Replies are matched to
 * commands in order (clients may pipeline).  A second PASS or USER
 * starts another attempt (a pending one is reported with outcome unknown);
 * at flow end a pending attempt is reported unknown.  A USER refused
 * before any PASS exposes nothing and reports nothing.  Anonymous logins
 * (user "anonymous" or "ftp") are logins too, with auth_mechanism
 * "anonymous" so the signatures can give them a low severity.
 *
 * "AUTH TLS" / "AUTH SSL" (or any AUTH) answered 234 means the rest is
 * TLS: parsing stops for good.
 *
 * Reply lines: "ddd text" ends a reply, "ddd-text" starts a multi-line one;
 * only final lines are acted upon.
 */
#include <string.h>

#include "cred_util.h"
#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/stream.h"

/* Commands whose replies matter, queued until their reply arrives. */
enum ftp_cmd {
    FTP_CMD_OTHER = 0, /* any other command */
    FTP_CMD_PASS = 1,  /* PASS (or ACCT completing a login) */
    FTP_CMD_AUTH = 2   /* AUTH: 234 means TLS */
};

/* Commands remembered while awaiting replies (clients may pipeline). */
#define FTP_QUEUE 8

/* Per-flow FTP state (zeroed by the framework). */
struct ftp_state {
    struct cred_line line[2];  /* partial line per direction */
    struct cred_login login;   /* the attempt in progress */
    uint8_t queue[FTP_QUEUE];  /* enum ftp_cmd of commands awaiting replies, oldest first */
    uint8_t q_head;            /* index of the oldest */
    uint8_t q_len;             /* entries queued */
    bool encrypted;            /* AUTH accepted: the rest is TLS, nothing more is parsed */
};

/* Port hints (probe order only). */
static const uint16_t ftp_ports[] = {21, 2121};

/* Commands only FTP uses (not POP3, IMAP or SMTP). */
static const char *const ftp_only_cmds[] = {
    "SYST", "FEAT", "PASV", "EPSV", "PORT", "EPRT", "TYPE", "CWD",  "XCWD", "PWD",
    "XPWD", "CDUP", "MKD",  "XMKD", "RMD",  "STOR", "STOU", "APPE", "NLST", "MLSD",
    "MLST", "SIZE", "MDTM", "ACCT", "OPTS", "SITE", "ABOR", "ALLO", "RNFR", "RNTO",
    "SMNT", "REIN", "STRU", "MODE", "PBSZ", "PROT", "CLNT", NULL};

/* Commands FTP shares with POP3 (and friends): they neither prove nor refute. */
static const char *const ftp_shared_cmds[] = {"USER", "PASS", "QUIT", "LIST", "RETR", "NOOP",
                                              "HELP", "STAT", "DELE", "REST", NULL};

/* Server names seen in FTP greetings that lack the word "FTP". */
static const char *const ftp_banner_words[] = {"ftp", "filezilla", "serv-u", "wu-2.", NULL};

/* Words that make a 220 greeting another protocol's (SMTP, NNTP...). */
static const char *const ftp_not_banner_words[] = {"smtp", "mail", "postfix", "exim",
                                                   "sendmail", "nntp", "news", NULL};

/* Replies only FTP sends (RFC 959 section 4.2.2 and RFC 2428/2389/3659). */
static bool ftp_only_reply(int code)
{
    switch (code) {
    case 110: /* restart marker */
    case 125: /* data connection open */
    case 150: /* file status ok */
    case 202: /* command superfluous */
    case 212: /* directory status */
    case 213: /* file status (SIZE, MDTM) */
    case 215: /* system type */
    case 225: /* data connection open */
    case 226: /* closing data connection */
    case 227: /* entering passive mode */
    case 229: /* extended passive mode */
    case 230: /* user logged in */
    case 234: /* AUTH accepted */
    case 257: /* "path" created */
    case 331: /* need password */
    case 332: /* need account */
    case 350: /* pending further information */
    case 425: /* cannot open data connection */
    case 426: /* transfer aborted */
    case 532: /* need account for storing */
        return true;
    default:
        return false;
    }
}

/* True when tok is one of the NULL-terminated list. */
static bool ftp_in_list(const struct cred_span *tok, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_eq(tok->p, tok->len, list[i]))
            return true;
    }
    return false;
}

static bool ftp_any_word(const struct cred_span *line, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_contains(line->p, line->len, list[i]))
            return true;
    }
    return false;
}

/* The other direction. */
static enum flow_dir ftp_other(enum flow_dir dir)
{
    return dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
}

/*
 * Server side: a greeting or replies.  Returns MATCH, NO, or MORE (a bare
 * 220 greeting: the client's commands or later replies will tell).
 */
static enum probe_result ftp_probe_replies(struct bcur *c, const struct cred_span *first)
{
    struct cred_span line = *first;
    bool more;
    bool first_line = true;

    for (;;) {
        int code = cred_reply_code(line.p, line.len, &more);
        if (code < 0) {
            /* text inside a multi-line reply is fine; anything else at the start is not FTP */
            if (first_line)
                return PROBE_NO;
        } else if (code == 220) {
            if (ftp_any_word(&line, ftp_banner_words))
                return PROBE_MATCH;
            if (ftp_any_word(&line, ftp_not_banner_words))
                return PROBE_NO;
        } else if (ftp_only_reply(code)) {
            return PROBE_MATCH;
        } else if (code == 250 || code == 354 || code == 334 || code == 235) {
            return PROBE_NO; /* SMTP's */
        }
        first_line = false;
        if (!cred_probe_line(c, &line))
            return PROBE_MORE;
    }
}

/*
 * Client side: command lines.  Commands FTP shares with POP3 (USER, PASS,
 * QUIT ...) decide nothing alone; when the server's side is never seen
 * (one-sided capture) a USER then PASS sent to an FTP port hint is taken as
 * FTP: the content fits FTP and the port only breaks the tie with POP3.
 */
static enum probe_result ftp_probe_commands(struct bcur *c, const struct cred_span *first,
                                            bool ftp_port)
{
    struct cred_span line = *first;
    bool seen_user = false;

    for (;;) {
        struct bcur lc;
        struct cred_span cmd, arg;

        bcur_init(&lc, line.p, line.len);
        if (!cred_next_token(&lc, &cmd))
            return PROBE_NO;
        if (ftp_in_list(&cmd, ftp_only_cmds))
            return PROBE_MATCH;
        if (cred_token_eq(cmd.p, cmd.len, "AUTH")) {
            cred_next_token(&lc, &arg);
            /* AUTH TLS/SSL is FTP's; AUTH PLAIN/LOGIN are POP3/SMTP's */
            if (cred_token_eq(arg.p, arg.len, "TLS") || cred_token_eq(arg.p, arg.len, "SSL") ||
                cred_token_eq(arg.p, arg.len, "TLS-C") || cred_token_eq(arg.p, arg.len, "TLS-P"))
                return PROBE_MATCH;
            return PROBE_NO;
        }
        if (!ftp_in_list(&cmd, ftp_shared_cmds))
            return PROBE_NO;
        if (cred_token_eq(cmd.p, cmd.len, "USER"))
            seen_user = true;
        else if (cred_token_eq(cmd.p, cmd.len, "PASS") && seen_user && ftp_port)
            return PROBE_MATCH;
        if (!cred_probe_line(c, &line))
            return PROBE_MORE;
    }
}

/* True when the port the client's commands go to is one of FTP's port hints. */
static bool ftp_dest_is_ftp_port(const struct det_call *call, enum flow_dir dir)
{
    const struct flow *f = det_flow(call);
    uint16_t port = dir == FLOW_TOSERVER ? f->srv_port : f->cli_port;

    for (size_t i = 0; i < sizeof(ftp_ports) / sizeof(ftp_ports[0]); i++)
        if (ftp_ports[i] == port)
            return true;
    return false;
}

static enum probe_result ftp_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                   size_t len)
{
    struct bcur c;
    struct cred_span first;
    enum probe_result r;

    bcur_init(&c, buf, len);
    if (!cred_probe_line(&c, &first))
        return len > 512 ? PROBE_NO : PROBE_MORE; /* no line end in 512 bytes: not FTP */
    if (cred_reply_code(first.p, first.len, NULL) >= 0) {
        r = ftp_probe_replies(&c, &first);
        if (r == PROBE_MATCH)
            det_set_client(call, ftp_other(dir));
    } else {
        r = ftp_probe_commands(&c, &first,
                               !det_flow(call)->pkts[ftp_other(dir)] &&
                                   ftp_dest_is_ftp_port(call, dir));
        if (r == PROBE_MATCH)
            det_set_client(call, dir);
    }
    return r;
}

/* Queues a command awaiting its reply (the oldest is dropped when full). */
static void ftp_push(struct ftp_state *st, enum ftp_cmd cmd)
{
    if (st->q_len == FTP_QUEUE) {
        st->q_head = (uint8_t)((st->q_head + 1) % FTP_QUEUE);
        st->q_len--;
    }
    st->queue[(st->q_head + st->q_len) % FTP_QUEUE] = (uint8_t)cmd;
    st->q_len++;
}

/*
 * The command a final reply answers; with nothing queued (capture started
 * mid-session) a pending PASS is assumed.
 */
static enum ftp_cmd ftp_pop(struct ftp_state *st)
{
    enum ftp_cmd cmd;

    if (st->q_len == 0)
        return st->login.pending ? FTP_CMD_PASS : FTP_CMD_OTHER;
    cmd = (enum ftp_cmd)st->queue[st->q_head];
    st->q_head = (uint8_t)((st->q_head + 1) % FTP_QUEUE);
    st->q_len--;
    return cmd;
}

/* The user is "anonymous" or "ftp" (RFC 1635 section 2), any case. */
static bool ftp_anonymous(const struct cred_login *lg)
{
    return lg->has_user && (cred_token_eq(lg->user, lg->user_len, "anonymous") ||
                            cred_token_eq(lg->user, lg->user_len, "ftp"));
}

/* A client command line. */
static void ftp_command(struct det_call *call, struct ftp_state *st, const struct cred_span *ln)
{
    struct bcur c;
    struct cred_span cmd, arg;

    bcur_init(&c, ln->p, ln->len);
    if (!cred_next_token(&c, &cmd))
        return;
    /* the argument is the rest of the line after one blank: spaces in passwords survive */
    if (bcur_remaining(&c) > 0)
        bcur_skip(&c, 1);
    arg.p = bcur_ptr(&c);
    arg.len = bcur_remaining(&c);
    if (cred_token_eq(cmd.p, cmd.len, "USER")) {
        cred_login_emit(call, &st->login, APP_PROTO_FTP, "ftp", "unknown");
        cred_span_rtrim(&arg);
        cred_login_user(&st->login, arg.p, arg.len);
        ftp_push(st, FTP_CMD_OTHER);
    } else if (cred_token_eq(cmd.p, cmd.len, "PASS")) {
        cred_login_emit(call, &st->login, APP_PROTO_FTP, "ftp", "unknown");
        /* anonymous FTP (RFC 1635): the signatures give it a low severity */
        cred_login_pass(&st->login, arg.p, arg.len, "cleartext",
                        ftp_anonymous(&st->login) ? "anonymous" : "USER/PASS");
        ftp_push(st, FTP_CMD_PASS);
    } else if (cred_token_eq(cmd.p, cmd.len, "ACCT")) {
        /* RFC 959: after 332 the login completes with ACCT's reply */
        ftp_push(st, st->login.pending ? FTP_CMD_PASS : FTP_CMD_OTHER);
    } else if (cred_token_eq(cmd.p, cmd.len, "AUTH")) {
        ftp_push(st, FTP_CMD_AUTH);
    } else {
        ftp_push(st, FTP_CMD_OTHER);
    }
}

/* A server reply line. */
static void ftp_reply(struct det_call *call, struct ftp_state *st, const struct cred_span *ln)
{
    bool more;
    int code = cred_reply_code(ln->p, ln->len, &more);
    enum ftp_cmd cmd;

    /* only final lines; 1xx are preliminary and 220 is the greeting (or REIN's) */
    if (code < 0 || more || code < 200 || code == 220)
        return;
    cmd = ftp_pop(st);
    if (cmd == FTP_CMD_AUTH) {
        if (code == 234) {
            /* RFC 4217 section 4: TLS starts now; a pending login stays unknown */
            cred_login_emit(call, &st->login, APP_PROTO_FTP, "ftp", "unknown");
            st->encrypted = true;
        }
        return;
    }
    if (cmd != FTP_CMD_PASS || !st->login.pending)
        return;
    if (code == 230 || code == 202)
        cred_login_emit(call, &st->login, APP_PROTO_FTP, "ftp", "success");
    else if (code >= 400)
        cred_login_emit(call, &st->login, APP_PROTO_FTP, "ftp", "failure");
    /* 332: an account is needed; ACCT's reply decides */
}

static void ftp_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                      size_t len, unsigned flags)
{
    struct ftp_state *st = state;
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
        if (r == CRED_LINE_OVERFLOW) {
            /* an over-long line is no command we care about, but it gets a reply */
            if (dir == FLOW_TOSERVER)
                ftp_push(st, FTP_CMD_OTHER);
            continue;
        }
        if (dir == FLOW_TOSERVER)
            ftp_command(call, st, &ln);
        else
            ftp_reply(call, st, &ln);
    }
}

static void ftp_finish(struct det_call *call, void *state)
{
    struct ftp_state *st = state;

    cred_login_emit(call, &st->login, APP_PROTO_FTP, "ftp", "unknown");
    cred_login_clear(&st->login);
}

const struct detector det_ftp = {
    .name = "ftp",
    .proto = APP_PROTO_FTP,
    .ipproto = 6,
    .ports = ftp_ports,
    .n_ports = sizeof(ftp_ports) / sizeof(ftp_ports[0]),
    .probe = ftp_probe,
    .state_size = sizeof(struct ftp_state),
    .parse = ftp_parse,
    .finish = ftp_finish,
};
