/*
 * det_smtp.c - SMTP and submission (RFC 5321; AUTH: RFC 4954; STARTTLS:
 * RFC 3207; CHUNKING/BDAT: RFC 3030).
 *
 * Identification: a "220" greeting naming a mail server (ESMTP, Postfix,
 * Exim ...) or replies only SMTP sends (354 start mail input, 334 AUTH
 * continuation, 235 authenticated); or client commands only SMTP has
 * (EHLO, HELO, MAIL FROM:, RCPT TO:, STARTTLS, BDAT).
 *
 * Credentials, one LOGIN event per AUTH exchange, outcome from the final
 * reply (235 success; 4xx/5xx such as 535 or 503 failure):
 *   AUTH PLAIN [ir] / 334 / resp           base64, PLAIN
 *   AUTH LOGIN / 334 VXNlcm5hbWU6 / user / 334 UGFzc3dvcmQ6 / pass
 *                                           base64, LOGIN
 *   AUTH CRAM-MD5 / 334 chal / base64("user hexdigest")
 *                                           md5-challenge, CRAM-MD5
 * "STARTTLS" answered 220 means TLS follows: parsing stops.  Message
 * contents (DATA up to the "." line, BDAT chunks) are skipped, never read
 * as commands.
 */
#include <string.h>

#include "cred_util.h"
#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/stream.h"

/* Per-flow SMTP state (zeroed by the framework). */
struct smtp_state {
    struct cred_line line[2]; /* partial line per direction */
    struct cred_login login;  /* the attempt in progress */
    struct cred_sasl sasl;    /* AUTH exchange in progress */
    bool starttls_pending;    /* the client sent STARTTLS; waiting for 220 */
    bool encrypted;           /* STARTTLS accepted: nothing more is parsed */
    bool in_data;             /* client lines are message content until "." */
    uint32_t data_lines;      /* content lines seen since DATA */
    uint32_t bdat_left;       /* BDAT octets still to skip */
};

/* Port hints (probe order only): smtp, submission, smtps-era 465 is TLS. */
static const uint16_t smtp_ports[] = {25, 587, 2525};

/* Client commands only SMTP has. */
static const char *const smtp_only_cmds[] = {"EHLO", "HELO", "STARTTLS", "BDAT", "ETRN", NULL};

/* Client commands SMTP shares with others. */
static const char *const smtp_shared_cmds[] = {"AUTH", "QUIT", "NOOP", "RSET", "VRFY",
                                               "EXPN", "HELP", "DATA", NULL};

/* Words of SMTP greetings. */
static const char *const smtp_banner_words[] = {"smtp",  "mail", "postfix", "exim", "sendmail",
                                                "qmail", "mx",   "mta",     NULL};

/* Words that make a 220 greeting another protocol's. */
static const char *const smtp_not_banner_words[] = {"ftp", "filezilla", "nntp", NULL};

static bool smtp_in_list(const struct cred_span *tok, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_eq(tok->p, tok->len, list[i]))
            return true;
    }
    return false;
}

static bool smtp_any_word(const struct cred_span *line, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_contains(line->p, line->len, list[i]))
            return true;
    }
    return false;
}

static enum flow_dir smtp_other(enum flow_dir dir)
{
    return dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
}

/* Server side: greeting and replies. */
static enum probe_result smtp_probe_replies(struct bcur *c, const struct cred_span *first)
{
    struct cred_span line = *first;

    do {
        int code = cred_reply_code(line.p, line.len, NULL);
        if (code == 220) {
            if (smtp_any_word(&line, smtp_not_banner_words))
                return PROBE_NO;
            if (smtp_any_word(&line, smtp_banner_words))
                return PROBE_MATCH;
        } else if (code == 354 || code == 334 || code == 235) {
            return PROBE_MATCH;
        } else if (code == 250 && (cred_token_contains(line.p, line.len, "PIPELINING") ||
                                   cred_token_contains(line.p, line.len, "8BITMIME") ||
                                   cred_token_contains(line.p, line.len, "AUTH ") ||
                                   cred_token_contains(line.p, line.len, "STARTTLS"))) {
            return PROBE_MATCH; /* EHLO keywords */
        } else if (code == 331 || code == 230 || code == 257 || code == 227 || code == 215) {
            return PROBE_NO; /* FTP's */
        }
    } while (cred_probe_line(c, &line));
    return PROBE_MORE;
}

/* Client side: commands. */
static enum probe_result smtp_probe_commands(struct bcur *c, const struct cred_span *first)
{
    struct cred_span line = *first;

    do {
        struct bcur lc;
        struct cred_span cmd, arg;
        bcur_init(&lc, line.p, line.len);
        if (!cred_next_token(&lc, &cmd))
            return PROBE_NO;
        if (smtp_in_list(&cmd, smtp_only_cmds))
            return PROBE_MATCH;
        if ((cred_token_eq(cmd.p, cmd.len, "MAIL") || cred_token_eq(cmd.p, cmd.len, "RCPT")) &&
            cred_next_token(&lc, &arg) &&
            (cred_token_prefix(arg.p, arg.len, "FROM:") || cred_token_prefix(arg.p, arg.len, "TO:")))
            return PROBE_MATCH;
        if (cred_token_eq(cmd.p, cmd.len, "AUTH") && cred_next_token(&lc, &arg) &&
            (cred_token_eq(arg.p, arg.len, "TLS") || cred_token_eq(arg.p, arg.len, "SSL")))
            return PROBE_NO; /* FTP's AUTH TLS */
        if (!smtp_in_list(&cmd, smtp_shared_cmds))
            return PROBE_NO;
    } while (cred_probe_line(c, &line));
    return PROBE_MORE;
}

static enum probe_result smtp_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    struct bcur c;
    struct cred_span first;
    enum probe_result r;

    bcur_init(&c, buf, len);
    if (!cred_probe_line(&c, &first))
        return len > 1024 ? PROBE_NO : PROBE_MORE;
    if (cred_reply_code(first.p, first.len, NULL) >= 0) {
        r = smtp_probe_replies(&c, &first);
        if (r == PROBE_MATCH)
            det_set_client(call, smtp_other(dir));
    } else {
        r = smtp_probe_commands(&c, &first);
        if (r == PROBE_MATCH)
            det_set_client(call, dir);
    }
    return r;
}

/* "BDAT n [LAST]": the chunk size, or 0. */
static uint32_t smtp_bdat_size(struct bcur *c)
{
    struct cred_span n;
    struct bcur d;
    uint64_t v = 0;

    if (!cred_next_token(c, &n) || n.len > 10)
        return 0;
    bcur_init(&d, n.p, n.len);
    while (bcur_remaining(&d) > 0) {
        uint8_t ch = bcur_u8(&d);
        if (ch < '0' || ch > '9')
            return 0;
        v = v * 10 + (uint64_t)(ch - '0');
    }
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void smtp_command(struct det_call *call, struct smtp_state *st, const struct cred_span *ln)
{
    struct bcur c;
    struct cred_span cmd, mech, ir;

    if (st->in_data) {
        if (cred_token_eq(ln->p, ln->len, "."))
            st->in_data = false;
        else
            st->data_lines++;
        return;
    }
    if (st->sasl.mech != CRED_SASL_NONE) {
        cred_sasl_response(&st->sasl, &st->login, ln->p, ln->len);
        return;
    }
    bcur_init(&c, ln->p, ln->len);
    if (!cred_next_token(&c, &cmd))
        return;
    if (cred_token_eq(cmd.p, cmd.len, "AUTH")) {
        if (!cred_next_token(&c, &mech))
            return;
        cred_login_emit(call, &st->login, APP_PROTO_SMTP, "smtp", "unknown");
        cred_next_token(&c, &ir);
        cred_sasl_start(&st->sasl, &st->login, &mech, &ir);
    } else if (cred_token_eq(cmd.p, cmd.len, "STARTTLS")) {
        st->starttls_pending = true;
    } else if (cred_token_eq(cmd.p, cmd.len, "DATA")) {
        st->in_data = true;
        st->data_lines = 0;
    } else if (cred_token_eq(cmd.p, cmd.len, "BDAT")) {
        st->bdat_left = smtp_bdat_size(&c);
    }
}

static void smtp_reply(struct det_call *call, struct smtp_state *st, const struct cred_span *ln)
{
    bool more;
    int code = cred_reply_code(ln->p, ln->len, &more);

    if (code < 0 || more)
        return;
    if (st->starttls_pending) {
        st->starttls_pending = false;
        if (code == 220) {
            cred_login_emit(call, &st->login, APP_PROTO_SMTP, "smtp", "unknown");
            st->encrypted = true;
            return;
        }
    }
    /* DATA refused before any content: the client's next lines are commands again */
    if (st->in_data && st->data_lines == 0 && code >= 400)
        st->in_data = false;
    if (st->sasl.mech == CRED_SASL_NONE && !st->login.pending)
        return;
    if (code == 334)
        return; /* continuation: the client answers next */
    cred_sasl_end(&st->sasl);
    if (code == 235)
        cred_login_emit(call, &st->login, APP_PROTO_SMTP, "smtp", "success");
    else if (code >= 400)
        cred_login_emit(call, &st->login, APP_PROTO_SMTP, "smtp", "failure");
}

static void smtp_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct smtp_state *st = state;
    struct cred_line *lb = &st->line[dir];
    struct bcur c;
    enum cred_line_result r;

    if (st->encrypted)
        return;
    if (flags & STREAM_DATA_GAP) {
        cred_line_reset(lb);
        if (dir == FLOW_TOSERVER)
            st->bdat_left = 0;
        return;
    }
    bcur_init(&c, data, len);
    while (!st->encrypted && bcur_remaining(&c) > 0) {
        if (dir == FLOW_TOSERVER && st->bdat_left > 0) {
            size_t take = bcur_remaining(&c);
            if (take > st->bdat_left)
                take = st->bdat_left;
            bcur_skip(&c, take);
            st->bdat_left -= (uint32_t)take;
            continue;
        }
        r = cred_line_feed(lb, &c);
        if (r == CRED_LINE_NONE)
            break;
        struct cred_span ln = {lb->buf, lb->len};
        if (r == CRED_LINE_OVERFLOW) {
            if (dir == FLOW_TOSERVER && st->in_data)
                st->data_lines++;
            continue;
        }
        if (dir == FLOW_TOSERVER)
            smtp_command(call, st, &ln);
        else
            smtp_reply(call, st, &ln);
    }
}

static void smtp_finish(struct det_call *call, void *state)
{
    struct smtp_state *st = state;

    cred_login_emit(call, &st->login, APP_PROTO_SMTP, "smtp", "unknown");
    cred_login_clear(&st->login);
}

const struct detector det_smtp = {
    .name = "smtp",
    .proto = APP_PROTO_SMTP,
    .ipproto = 6,
    .ports = smtp_ports,
    .n_ports = sizeof(smtp_ports) / sizeof(smtp_ports[0]),
    .probe = smtp_probe,
    .state_size = sizeof(struct smtp_state),
    .parse = smtp_parse,
    .finish = smtp_finish,
};
