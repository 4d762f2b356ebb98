/*
 * det_imap.c - IMAP4 (RFC 3501, RFC 9051; SASL-IR: RFC 4959; LITERAL+: RFC 7888).
 *
 * Identification: the server's untagged greeting ("* OK", "* PREAUTH",
 * "* BYE") or other untagged data; or a client line "tag COMMAND" with a
 * known IMAP command.
 *
 * Client commands are "tag SP command [SP args] CRLF" where an argument may
 * be an atom, a quoted string ("a \"b\"") or a literal: "{n}" (or "{n+}")
 * ends the line and n raw octets follow, after which the command goes on.
 * Commands are reassembled here into one bounded buffer in which each
 * literal's octets follow its "{n}" marker directly (the CRLF dropped).
 *
 * Credentials, one LOGIN event per attempt, outcome from the tagged reply
 * with the command's tag (OK success, NO/BAD failure):
 *   tag LOGIN user pass                    cleartext, LOGIN
 *   tag AUTHENTICATE PLAIN [ir] / + / resp base64, PLAIN
 *   tag AUTHENTICATE LOGIN / + / user / pass  base64, LOGIN
 *   tag AUTHENTICATE CRAM-MD5 / + chal / resp md5-challenge, CRAM-MD5
 * "tag STARTTLS" answered "tag OK" means TLS follows: parsing stops.
 * Server literals ({n} at the end of a reply line, e.g. FETCH bodies) are
 * skipped so message contents are never read as replies.
 */
#include <string.h>

#include "cred_util.h"
#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/stream.h"

/* Longest tag remembered to match the tagged reply, bytes. */
#define IMAP_TAG_MAX 64

/* The command whose tagged reply is awaited. */
enum imap_wait {
    IMAP_WAIT_NONE = 0,
    IMAP_WAIT_LOGIN = 1,    /* LOGIN: the reply is the outcome */
    IMAP_WAIT_AUTH = 2,     /* AUTHENTICATE: continuations, then the outcome */
    IMAP_WAIT_STARTTLS = 3  /* STARTTLS: OK means TLS follows */
};

/* Per-flow IMAP state (zeroed by the framework). */
struct imap_state {
    struct cred_line line[2];      /* partial line per direction */
    uint8_t cmd[LIM_CRED_LINE_MAX]; /* client command being reassembled across literals */
    uint16_t cmd_len;              /* bytes in cmd */
    bool cmd_open;                 /* cmd awaits a literal and the rest of the command */
    bool cmd_overflow;             /* cmd did not fit: it is skipped */
    uint32_t lit_left[2];          /* literal octets still to come, per direction */
    struct cred_login login;       /* the attempt in progress */
    struct cred_sasl sasl;         /* AUTHENTICATE exchange in progress */
    enum imap_wait wait;           /* command awaiting its tagged reply */
    uint8_t tag[IMAP_TAG_MAX];     /* its tag */
    uint8_t tag_len;               /* bytes in tag */
    bool encrypted;                /* STARTTLS accepted: nothing more is parsed */
};

/* Port hints (probe order only). */
static const uint16_t imap_ports[] = {143, 220};

/* Client commands (RFC 3501 section 6 and common extensions). */
static const char *const imap_cmds[] = {
    "CAPABILITY", "NOOP",   "LOGOUT",    "STARTTLS",    "AUTHENTICATE", "LOGIN",
    "SELECT",     "EXAMINE", "CREATE",   "DELETE",      "RENAME",       "SUBSCRIBE",
    "UNSUBSCRIBE", "LIST",  "LSUB",      "STATUS",      "APPEND",       "CHECK",
    "CLOSE",      "EXPUNGE", "SEARCH",   "FETCH",       "STORE",        "COPY",
    "UID",        "ID",     "IDLE",      "NAMESPACE",   "ENABLE",       "MOVE",
    "GETQUOTAROOT", "XLIST", NULL};

/* Untagged server data that identifies IMAP ("* LIST ...", "* 3 EXISTS"). */
static const char *const imap_untagged[] = {"OK",     "PREAUTH",   "BYE",   "CAPABILITY",
                                            "LIST",   "LSUB",      "FLAGS", "SEARCH",
                                            "STATUS", "NAMESPACE", "EXISTS", "RECENT",
                                            "FETCH",  "EXPUNGE",   NULL};

static bool imap_in_list(const struct cred_span *tok, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_eq(tok->p, tok->len, list[i]))
            return true;
    }
    return false;
}

/* A tag: 1..IMAP_TAG_MAX atom characters, not "*" or "+" (RFC 3501 section 9 "tag"). */
static bool imap_valid_tag(const struct cred_span *t)
{
    struct bcur c;

    if (t->len == 0 || t->len > IMAP_TAG_MAX)
        return false;
    bcur_init(&c, t->p, t->len);
    while (bcur_remaining(&c) > 0) {
        uint8_t ch = bcur_u8(&c);
        if (ch <= 0x20 || ch >= 0x7f || ch == '+' || ch == '(' || ch == ')' || ch == '{' ||
            ch == '%' || ch == '*' || ch == '"' || ch == '\\' || ch == ']')
            return false;
    }
    return true;
}

/* 1..10 decimal digits. */
static bool imap_number(const struct cred_span *t)
{
    struct bcur c;

    if (t->len == 0 || t->len > 10)
        return false;
    bcur_init(&c, t->p, t->len);
    while (bcur_remaining(&c) > 0) {
        uint8_t ch = bcur_u8(&c);
        if (ch < '0' || ch > '9')
            return false;
    }
    return true;
}

static enum flow_dir imap_other(enum flow_dir dir)
{
    return dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
}

static enum probe_result imap_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    struct bcur c, lc;
    struct cred_span line, t1, t2;

    bcur_init(&c, buf, len);
    if (!cred_probe_line(&c, &line))
        return len > 1024 ? PROBE_NO : PROBE_MORE;
    bcur_init(&lc, line.p, line.len);
    if (!cred_next_token(&lc, &t1) || !cred_next_token(&lc, &t2))
        return PROBE_NO;
    if (cred_token_eq(t1.p, t1.len, "*")) {
        struct cred_span t3;
        /* "* 3 EXISTS": a number before the keyword */
        if (imap_number(&t2) && cred_next_token(&lc, &t3))
            t2 = t3;
        if (!imap_in_list(&t2, imap_untagged))
            return PROBE_NO;
        det_set_client(call, imap_other(dir));
        return PROBE_MATCH;
    }
    if (!imap_valid_tag(&t1))
        return PROBE_NO;
    if (imap_in_list(&t2, imap_cmds)) {
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    /* mid-session server: "tag OK ... completed" */
    if ((cred_token_eq(t2.p, t2.len, "OK") || cred_token_eq(t2.p, t2.len, "NO") ||
         cred_token_eq(t2.p, t2.len, "BAD")) &&
        cred_token_contains(line.p, line.len, "completed")) {
        det_set_client(call, imap_other(dir));
        return PROBE_MATCH;
    }
    return PROBE_NO;
}

/*
 * A literal marker "{n}" or "{n+}" at the end of line: returns true with
 * *n set (capped at UINT32_MAX).
 */
static bool imap_literal_at_end(const uint8_t *line, size_t len, uint32_t *n)
{
    struct bcur c;
    size_t i, open;
    uint64_t v = 0;

    bcur_init(&c, line, len);
    if (len < 3 || bcur_peek_u8(&c, len - 1) != '}')
        return false;
    i = len - 1;
    if (bcur_peek_u8(&c, i - 1) == '+')
        i--;
    open = i;
    while (open > 0 && bcur_peek_u8(&c, open - 1) >= '0' && bcur_peek_u8(&c, open - 1) <= '9')
        open--;
    if (open == i || open == 0 || bcur_peek_u8(&c, open - 1) != '{')
        return false;
    for (size_t k = open; k < i; k++) {
        v = v * 10 + (uint64_t)(bcur_peek_u8(&c, k) - '0');
        if (v > UINT32_MAX)
            v = UINT32_MAX;
    }
    *n = (uint32_t)v;
    return true;
}

/*
 * Reads an astring (atom, quoted string or literal as reassembled) into
 * out (capacity cap); *out_len is what was kept.  False when none.
 */
static bool imap_astring(struct bcur *c, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    uint8_t ch;

    while (bcur_remaining(c) > 0 && bcur_peek_u8(c, 0) == ' ')
        bcur_skip(c, 1);
    if (bcur_remaining(c) == 0)
        return false;
    ch = bcur_peek_u8(c, 0);
    if (ch == '"') {
        bcur_skip(c, 1);
        for (;;) {
            if (bcur_remaining(c) == 0)
                return false; /* unterminated */
            ch = bcur_u8(c);
            if (ch == '"')
                break;
            if (ch == '\\') {
                if (bcur_remaining(c) == 0)
                    return false;
                ch = bcur_u8(c);
            }
            if (n < cap)
                out[n++] = ch;
        }
    } else if (ch == '{') {
        uint64_t len = 0;
        bcur_skip(c, 1);
        while (bcur_remaining(c) > 0 && bcur_peek_u8(c, 0) >= '0' && bcur_peek_u8(c, 0) <= '9') {
            len = len * 10 + (uint64_t)(bcur_u8(c) - '0');
            if (len > UINT32_MAX)
                return false;
        }
        if (bcur_remaining(c) > 0 && bcur_peek_u8(c, 0) == '+')
            bcur_skip(c, 1);
        if (bcur_remaining(c) == 0 || bcur_u8(c) != '}' || len > bcur_remaining(c))
            return false;
        n = cred_copy_field(out, cap, bcur_ptr(c), (size_t)len);
        bcur_skip(c, (size_t)len);
    } else {
        while (bcur_remaining(c) > 0 && bcur_peek_u8(c, 0) != ' ') {
            ch = bcur_u8(c);
            if (n < cap)
                out[n++] = ch;
        }
    }
    *out_len = n;
    return true;
}

/* Remembers the tag of the command whose reply decides. */
static void imap_wait_for(struct imap_state *st, enum imap_wait w, const struct cred_span *tag)
{
    st->wait = w;
    st->tag_len = (uint8_t)cred_copy_field(st->tag, sizeof(st->tag), tag->p, tag->len);
}

/* A complete client command (literals inlined). */
static void imap_command(struct det_call *call, struct imap_state *st, const uint8_t *cmd,
                         size_t len)
{
    struct bcur c;
    struct cred_span tag, verb, mech, ir;
    uint8_t user[LIM_CRED_FIELD_MAX], pass[LIM_CRED_FIELD_MAX];
    size_t ulen, plen;

    bcur_init(&c, cmd, len);
    if (!cred_next_token(&c, &tag) || !imap_valid_tag(&tag) || !cred_next_token(&c, &verb))
        return;
    if (cred_token_eq(verb.p, verb.len, "LOGIN")) {
        cred_login_emit(call, &st->login, APP_PROTO_IMAP, "imap", "unknown");
        if (!imap_astring(&c, user, sizeof(user), &ulen) ||
            !imap_astring(&c, pass, sizeof(pass), &plen))
            return;
        cred_login_user(&st->login, user, ulen);
        cred_login_pass(&st->login, pass, plen, "cleartext", "LOGIN");
        memset(pass, 0, sizeof(pass));
        imap_wait_for(st, IMAP_WAIT_LOGIN, &tag);
    } else if (cred_token_eq(verb.p, verb.len, "AUTHENTICATE")) {
        if (!cred_next_token(&c, &mech))
            return;
        cred_login_emit(call, &st->login, APP_PROTO_IMAP, "imap", "unknown");
        cred_next_token(&c, &ir);
        cred_sasl_start(&st->sasl, &st->login, &mech, &ir);
        imap_wait_for(st, IMAP_WAIT_AUTH, &tag);
    } else if (cred_token_eq(verb.p, verb.len, "STARTTLS")) {
        imap_wait_for(st, IMAP_WAIT_STARTTLS, &tag);
    }
}

/* A server line (its literal already noted by the caller). */
static void imap_reply(struct det_call *call, struct imap_state *st, const struct cred_span *ln)
{
    struct bcur c;
    struct cred_span tag, status;
    bool ok;

    if (st->wait == IMAP_WAIT_NONE)
        return;
    bcur_init(&c, ln->p, ln->len);
    if (!cred_next_token(&c, &tag) || !cred_next_token(&c, &status))
        return;
    if (tag.len != st->tag_len || memcmp(tag.p, st->tag, tag.len) != 0)
        return; /* untagged data, continuations, other commands' replies */
    if (cred_token_eq(status.p, status.len, "OK"))
        ok = true;
    else if (cred_token_eq(status.p, status.len, "NO") || cred_token_eq(status.p, status.len, "BAD"))
        ok = false;
    else
        return;
    if (st->wait == IMAP_WAIT_STARTTLS) {
        st->wait = IMAP_WAIT_NONE;
        if (ok) {
            cred_login_emit(call, &st->login, APP_PROTO_IMAP, "imap", "unknown");
            st->encrypted = true;
        }
        return;
    }
    st->wait = IMAP_WAIT_NONE;
    cred_sasl_end(&st->sasl);
    cred_login_emit(call, &st->login, APP_PROTO_IMAP, "imap", ok ? "success" : "failure");
}

/* Appends bytes to the command being reassembled (flags an overflow). */
static void imap_cmd_append(struct imap_state *st, const uint8_t *p, size_t n)
{
    size_t room = sizeof(st->cmd) - st->cmd_len;
    struct bcur c;

    if (n > room) {
        st->cmd_overflow = true;
        return;
    }
    bcur_init(&c, p, n);
    bcur_copy(&c, st->cmd + st->cmd_len, n);
    st->cmd_len = (uint16_t)(st->cmd_len + n);
}

static void imap_cmd_reset(struct imap_state *st)
{
    memset(st->cmd, 0, st->cmd_len);
    st->cmd_len = 0;
    st->cmd_open = false;
    st->cmd_overflow = false;
}

/* Client bytes. */
static void imap_client(struct det_call *call, struct imap_state *st, struct bcur *c)
{
    struct cred_line *lb = &st->line[FLOW_TOSERVER];
    enum cred_line_result r;

    while (!st->encrypted && bcur_remaining(c) > 0) {
        uint32_t lit;
        if (st->lit_left[FLOW_TOSERVER] > 0) {
            size_t take = bcur_remaining(c);
            if (take > st->lit_left[FLOW_TOSERVER])
                take = st->lit_left[FLOW_TOSERVER];
            imap_cmd_append(st, bcur_ptr(c), take);
            bcur_skip(c, take);
            st->lit_left[FLOW_TOSERVER] -= (uint32_t)take;
            continue;
        }
        r = cred_line_feed(lb, c);
        if (r == CRED_LINE_NONE)
            break;
        if (r == CRED_LINE_OVERFLOW) {
            st->cmd_overflow = true;
        } else if (!st->cmd_open && st->sasl.mech != CRED_SASL_NONE) {
            cred_sasl_response(&st->sasl, &st->login, lb->buf, lb->len);
            continue;
        } else {
            imap_cmd_append(st, lb->buf, lb->len);
        }
        if (r == CRED_LINE_OK && imap_literal_at_end(lb->buf, lb->len, &lit)) {
            st->lit_left[FLOW_TOSERVER] = lit;
            st->cmd_open = true;
            continue;
        }
        if (!st->cmd_overflow)
            imap_command(call, st, st->cmd, st->cmd_len);
        imap_cmd_reset(st);
    }
}

/* Server bytes. */
static void imap_server(struct det_call *call, struct imap_state *st, struct bcur *c)
{
    struct cred_line *lb = &st->line[FLOW_TOCLIENT];
    enum cred_line_result r;

    while (!st->encrypted && bcur_remaining(c) > 0) {
        uint32_t lit;
        if (st->lit_left[FLOW_TOCLIENT] > 0) {
            size_t take = bcur_remaining(c);
            if (take > st->lit_left[FLOW_TOCLIENT])
                take = st->lit_left[FLOW_TOCLIENT];
            bcur_skip(c, take);
            st->lit_left[FLOW_TOCLIENT] -= (uint32_t)take;
            continue;
        }
        r = cred_line_feed(lb, c);
        if (r == CRED_LINE_NONE)
            break;
        if (r == CRED_LINE_OVERFLOW)
            continue;
        if (imap_literal_at_end(lb->buf, lb->len, &lit)) {
            st->lit_left[FLOW_TOCLIENT] = lit;
            continue; /* "* 1 FETCH (BODY[] {123}": not a tagged reply */
        }
        struct cred_span ln = {lb->buf, lb->len};
        imap_reply(call, st, &ln);
    }
}

static void imap_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct imap_state *st = state;
    struct bcur c;

    if (st->encrypted)
        return;
    if (flags & STREAM_DATA_GAP) {
        cred_line_reset(&st->line[dir]);
        st->lit_left[dir] = 0;
        if (dir == FLOW_TOSERVER)
            imap_cmd_reset(st);
        return;
    }
    bcur_init(&c, data, len);
    if (dir == FLOW_TOSERVER)
        imap_client(call, st, &c);
    else
        imap_server(call, st, &c);
}

static void imap_finish(struct det_call *call, void *state)
{
    struct imap_state *st = state;

    cred_login_emit(call, &st->login, APP_PROTO_IMAP, "imap", "unknown");
    cred_login_clear(&st->login);
    imap_cmd_reset(st);
}

const struct detector det_imap = {
    .name = "imap",
    .proto = APP_PROTO_IMAP,
    .ipproto = 6,
    .ports = imap_ports,
    .n_ports = sizeof(imap_ports) / sizeof(imap_ports[0]),
    .probe = imap_probe,
    .state_size = sizeof(struct imap_state),
    .parse = imap_parse,
    .finish = imap_finish,
};
