/*
 * det_telnet.c - Telnet logins (RFC 854 protocol, RFC 855 options; echo
 * RFC 857; NVT line ends CR LF and CR NUL).
 *
 * Option negotiation is stripped from both directions:
 *
 *   IAC (255) WILL/WONT/DO/DONT (251..254) option      3 bytes
 *   IAC SB (250) option ... IAC SE (240)                sub-negotiation
 *   IAC IAC                                             a data byte 255
 *   IAC other command (NOP, GA, AYT ...)                2 bytes
 *
 * What remains is text.  The server's recent text (a bounded window, reset
 * when the client ends a line) tells what the client is being asked for:
 * when the client starts a line, a window ending in "login:", "Username:"
 * ... makes it the user name, one ending in "Password:" the password.  The
 * client may type one key per segment; the server echoes the user name,
 * not the password (the echo arrives after the line was classified, so it
 * does not matter).  Backspace (0x08) and DEL (0x7F) delete the previous
 * character; CR LF, CR NUL and a bare LF end a line.
 *
 * A password line makes a LOGIN event (password_form cleartext,
 * auth_mechanism login-prompt); the outcome is read from the server's text
 * after it: "incorrect", "failed", "denied", "invalid" or a new login
 * prompt mean failure; "Last login", "Welcome" or a shell prompt ending in
 * $, #, > or % mean success; otherwise unknown at flow end.
 */
#include <string.h>

#include "cred_util.h"
#include "detector.h"
#include "imsentry/bytes.h"
#include "imsentry/stream.h"

/* Telnet commands (RFC 854). */
#define TEL_IAC 255
#define TEL_DONT 254
#define TEL_DO 253
#define TEL_WONT 252
#define TEL_WILL 251
#define TEL_SB 250
#define TEL_SE 240
/* Highest option number accepted in a probe (IANA assigns 0..49; 255 is EXOPL). */
#define TEL_OPT_MAX 50

/* IAC parser state of one direction. */
enum tel_iac {
    TEL_DATA = 0,   /* plain text */
    TEL_CMD = 1,    /* after IAC */
    TEL_OPT = 2,    /* after IAC WILL/WONT/DO/DONT: the option byte */
    TEL_SUB = 3,    /* inside SB ... */
    TEL_SUB_IAC = 4 /* inside SB, after IAC */
};

/* What the line the client is typing answers. */
enum tel_class {
    TEL_LINE_OTHER = 0, /* a command or nothing we know */
    TEL_LINE_USER = 1,  /* after a login prompt */
    TEL_LINE_PASS = 2   /* after a password prompt */
};

/* Per-flow Telnet state (zeroed by the framework). */
struct telnet_state {
    uint8_t iac[2];                           /* enum tel_iac per direction */
    uint8_t text[LIM_TELNET_PROMPT_WINDOW];   /* server text since the client's last line */
    uint16_t text_len;                        /* bytes in text */
    uint8_t line[LIM_CRED_FIELD_MAX];         /* the line the client is typing (edited) */
    uint16_t line_len;                        /* bytes in line */
    bool line_started;                        /* the client typed something on this line */
    uint8_t line_class;                       /* enum tel_class of this line */
    bool after_cr;                            /* the client's last byte was CR */
    uint32_t lines;                           /* client lines seen (bounded use) */
    struct cred_login login;                  /* the attempt in progress */
};

/* Port hints (probe order only). */
static const uint16_t telnet_ports[] = {23, 2323};

/* Prompts asking for the account name (matched at the end of the server's text). */
static const char *const tel_user_prompts[] = {"login:", "username:", "user name:", "user:",
                                               "login as:", "userid:", NULL};

/* Prompts asking for the password. */
static const char *const tel_pass_prompts[] = {"password:", "passwd:", "passcode:", NULL};

/* Server text that says the password was refused. */
static const char *const tel_fail_words[] = {"incorrect", "failed", "denied", "invalid",
                                             "bad password", NULL};

/* Server text that says the login worked. */
static const char *const tel_ok_words[] = {"last login", "welcome", NULL};

/* The server text window with trailing blanks and line ends trimmed. */
static struct cred_span tel_window_trimmed(const struct telnet_state *st)
{
    struct cred_span s = {st->text, st->text_len};
    struct bcur c;

    bcur_init(&c, s.p, s.len);
    while (s.len > 0) {
        uint8_t ch = bcur_peek_u8(&c, s.len - 1);
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' && ch != 0)
            break;
        s.len--;
    }
    return s;
}

/* True when the trimmed window ends with one of the prompts. */
static bool tel_ends_with(const struct cred_span *w, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        size_t n = strlen(list[i]);
        if (w->len >= n) {
            struct bcur c;
            bcur_init(&c, w->p, w->len);
            bcur_skip(&c, w->len - n);
            if (cred_token_eq(bcur_ptr(&c), n, list[i]))
                return true;
        }
    }
    return false;
}

static bool tel_contains_any(const struct cred_span *w, const char *const *list)
{
    for (unsigned i = 0; list[i]; i++) {
        if (cred_token_contains(w->p, w->len, list[i]))
            return true;
    }
    return false;
}

/* A shell prompt: the last line is short and ends in $, #, > or %. */
static bool tel_shell_prompt(const struct cred_span *w)
{
    struct bcur c;
    uint8_t last;
    size_t start = w->len;

    if (w->len == 0)
        return false;
    bcur_init(&c, w->p, w->len);
    last = bcur_peek_u8(&c, w->len - 1);
    if (last != '$' && last != '#' && last != '>' && last != '%')
        return false;
    while (start > 0 && bcur_peek_u8(&c, start - 1) != '\n')
        start--;
    return w->len - start <= 80;
}

/* After a password: decides the outcome from the server's text, if it can. */
static void tel_check_outcome(struct det_call *call, struct telnet_state *st)
{
    struct cred_span w = tel_window_trimmed(st);

    if (!st->login.pending || w.len == 0)
        return;
    if (tel_contains_any(&w, tel_fail_words) || tel_ends_with(&w, tel_user_prompts))
        cred_login_emit(call, &st->login, APP_PROTO_TELNET, "telnet", "failure");
    else if (tel_contains_any(&w, tel_ok_words) || tel_shell_prompt(&w))
        cred_login_emit(call, &st->login, APP_PROTO_TELNET, "telnet", "success");
}

/* Appends a server text byte to the window (oldest bytes drop out). */
static void tel_text_byte(struct telnet_state *st, uint8_t ch)
{
    if (st->text_len == sizeof(st->text)) {
        /* keep the newer half: prompts and verdicts are at the end */
        memmove(st->text, st->text + sizeof(st->text) / 2, sizeof(st->text) / 2);
        st->text_len = sizeof(st->text) / 2;
    }
    st->text[st->text_len++] = ch;
}

/* The client ended a line. */
static void tel_line_end(struct det_call *call, struct telnet_state *st)
{
    if (st->line_class == TEL_LINE_USER) {
        cred_login_emit(call, &st->login, APP_PROTO_TELNET, "telnet", "unknown");
        cred_login_user(&st->login, st->line, st->line_len);
    } else if (st->line_class == TEL_LINE_PASS) {
        cred_login_emit(call, &st->login, APP_PROTO_TELNET, "telnet", "unknown");
        cred_login_pass(&st->login, st->line, st->line_len, "cleartext", "login-prompt");
    }
    memset(st->line, 0, sizeof(st->line));
    st->line_len = 0;
    st->line_started = false;
    st->line_class = TEL_LINE_OTHER;
    st->text_len = 0; /* prompts and replies that follow start afresh */
    if (st->lines < UINT32_MAX)
        st->lines++;
}

/* A client text byte. */
static void tel_client_byte(struct det_call *call, struct telnet_state *st, uint8_t ch)
{
    bool was_cr = st->after_cr;

    st->after_cr = (ch == '\r');
    if (ch == '\r') {
        tel_line_end(call, st);
        return;
    }
    if (ch == '\n' || ch == 0) {
        if (!was_cr && ch == '\n')
            tel_line_end(call, st); /* a bare LF ends a line too */
        return;
    }
    if (!st->line_started) {
        /* classify the line by the prompt that preceded its first key */
        struct cred_span w = tel_window_trimmed(st);
        st->line_started = true;
        if (tel_ends_with(&w, tel_pass_prompts))
            st->line_class = TEL_LINE_PASS;
        else if (tel_ends_with(&w, tel_user_prompts))
            st->line_class = TEL_LINE_USER;
        else
            st->line_class = TEL_LINE_OTHER;
    }
    if (ch == 0x08 || ch == 0x7f) {
        if (st->line_len > 0)
            st->line[--st->line_len] = 0;
        return;
    }
    if (st->line_len < sizeof(st->line))
        st->line[st->line_len++] = ch;
}

/*
 * Runs one byte through the IAC machine of dir; returns true when it is a
 * data byte (*out), false when it was negotiation.
 */
static bool tel_iac_byte(struct telnet_state *st, enum flow_dir dir, uint8_t ch, uint8_t *out)
{
    switch (st->iac[dir]) {
    case TEL_DATA:
        if (ch == TEL_IAC) {
            st->iac[dir] = TEL_CMD;
            return false;
        }
        *out = ch;
        return true;
    case TEL_CMD:
        if (ch == TEL_IAC) {
            st->iac[dir] = TEL_DATA;
            *out = ch;
            return true;
        }
        if (ch >= TEL_WILL && ch <= TEL_DONT)
            st->iac[dir] = TEL_OPT;
        else if (ch == TEL_SB)
            st->iac[dir] = TEL_SUB;
        else
            st->iac[dir] = TEL_DATA; /* NOP, GA, DM, AYT ... */
        return false;
    case TEL_OPT:
        st->iac[dir] = TEL_DATA;
        return false;
    case TEL_SUB:
        if (ch == TEL_IAC)
            st->iac[dir] = TEL_SUB_IAC;
        return false;
    default: /* TEL_SUB_IAC */
        st->iac[dir] = (ch == TEL_SE) ? TEL_DATA : TEL_SUB;
        return false;
    }
}

static void telnet_parse(struct det_call *call, void *state, enum flow_dir dir,
                         const uint8_t *data, size_t len, unsigned flags)
{
    struct telnet_state *st = state;
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        st->iac[dir] = TEL_DATA;
        if (dir == FLOW_TOCLIENT) {
            st->text_len = 0;
        } else {
            /* the rest of the line being typed is unknown: ignore it up to its end */
            memset(st->line, 0, sizeof(st->line));
            st->line_len = 0;
            st->line_started = true;
            st->line_class = TEL_LINE_OTHER;
        }
        return;
    }
    bcur_init(&c, data, len);
    while (bcur_remaining(&c) > 0) {
        uint8_t ch;
        if (!tel_iac_byte(st, dir, bcur_u8(&c), &ch))
            continue;
        if (dir == FLOW_TOSERVER)
            tel_client_byte(call, st, ch);
        else
            tel_text_byte(st, ch);
    }
    if (dir == FLOW_TOCLIENT)
        tel_check_outcome(call, st);
}

/* IAC WILL/WONT/DO/DONT option, or IAC SB: negotiation at the start of a direction. */
static bool tel_starts_with_iac(const uint8_t *buf, size_t len)
{
    struct bcur c;
    uint8_t cmd, opt;

    bcur_init(&c, buf, len);
    if (bcur_u8(&c) != TEL_IAC)
        return false;
    cmd = bcur_u8(&c);
    opt = bcur_u8(&c);
    /* options are assigned from 0 to 50ish (IANA telnet-options), 255 is EXOPL */
    return bcur_ok(&c) && ((cmd >= TEL_WILL && cmd <= TEL_DONT) || cmd == TEL_SB) &&
           (opt <= TEL_OPT_MAX || opt == TEL_IAC);
}

static enum probe_result telnet_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                      size_t len)
{
    struct bcur c;
    struct cred_span w;
    static const char *const prompts[] = {"login:", "username:", NULL};

    if (len < 3)
        return PROBE_MORE;
    if (tel_starts_with_iac(buf, len))
        return PROBE_MATCH;
    /* no negotiation: a server whose text (a short banner) ends in a login prompt */
    if (len > 1024 || cred_token_prefix(buf, len, "HTTP/"))
        return PROBE_NO;
    w.p = buf;
    w.len = len;
    {
        /* trailing blanks after the prompt */
        bcur_init(&c, buf, len);
        while (w.len > 0 && (bcur_peek_u8(&c, w.len - 1) == ' ' ||
                             bcur_peek_u8(&c, w.len - 1) == '\t'))
            w.len--;
    }
    if (tel_ends_with(&w, prompts)) {
        det_set_client(call, dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER);
        return PROBE_MATCH;
    }
    /* a line protocol ends its lines; a prompt has no line end yet */
    bcur_init(&c, buf, len);
    return bcur_find(&c, '\n') >= 0 && len > 256 ? PROBE_NO : PROBE_MORE;
}

static void telnet_finish(struct det_call *call, void *state)
{
    struct telnet_state *st = state;

    /* a password typed without its line end yet counts as sent */
    if (st->line_class == TEL_LINE_PASS && st->line_len > 0)
        tel_line_end(call, st);
    cred_login_emit(call, &st->login, APP_PROTO_TELNET, "telnet", "unknown");
    cred_login_clear(&st->login);
    memset(st->line, 0, sizeof(st->line));
}

const struct detector det_telnet = {
    .name = "telnet",
    .proto = APP_PROTO_TELNET,
    .ipproto = 6,
    .ports = telnet_ports,
    .n_ports = sizeof(telnet_ports) / sizeof(telnet_ports[0]),
    .probe = telnet_probe,
    .state_size = sizeof(struct telnet_state),
    .parse = telnet_parse,
    .finish = telnet_finish,
};
