/*
 * cred_util.c - base64 (RFC 4648), SASL PLAIN (RFC 4616), hex, a bounded
 * line assembler and token helpers for the credential detectors.  See
 * cred_util.h for the contracts.
 *
 * base64 alphabet (RFC 4648 table 1): A-Z = 0..25, a-z = 26..51,
 * 0-9 = 52..61, '+' = 62, '/' = 63, '=' pads.  Four characters carry three
 * octets:
 *
 *   chars   |   c0   |   c1   |   c2   |   c3   |
 *   sextets  aaaaaa   bbbbbb   cccccc   dddddd
 *   octets   aaaaaabb bbbbcccc ccdddddd
 */
#include "cred_util.h"

#include <string.h>

#include "detector.h"
#include "imsentry/app_event.h"
#include "imsentry/err.h"

/* Sextet value of a base64 character; -1 for '=', -2 for blanks, -3 otherwise. */
static int b64_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    if (ch == '=')
        return -1;
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
        return -2;
    return -3;
}

/* Appends one octet to the bounded output; false when full. */
static bool b64_put(uint8_t *out, size_t out_cap, size_t *n, uint8_t v)
{
    if (*n >= out_cap)
        return false;
    out[(*n)++] = v;
    return true;
}

int cred_base64_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                       size_t *out_len, enum cred_b64_mode mode)
{
    struct bcur c;
    uint32_t acc = 0;   /* sextets of the current quantum */
    unsigned nq = 0;    /* sextets in acc */
    unsigned npad = 0;  /* '=' seen */
    size_t n = 0;       /* octets written */
    size_t nchars = 0;  /* significant characters (alphabet and '=') */
    int rc = 0;

    bcur_init(&c, in, in_len);
    while (bcur_remaining(&c) > 0) {
        int v = b64_value(bcur_u8(&c));
        if (v == -2 && mode == CRED_B64_LENIENT)
            continue;
        if (v < -1) {
            rc = IMS_EPARSE;
            goto out;
        }
        nchars++;
        if (v == -1) {
            /* padding: only in the 3rd or 4th place of the final quantum */
            if (nq + npad < 2 || nq + npad >= 4) {
                rc = IMS_EPARSE;
                goto out;
            }
            npad++;
            continue;
        }
        if (npad) { /* data after padding */
            rc = IMS_EPARSE;
            goto out;
        }
        acc = (acc << 6) | (uint32_t)v;
        if (++nq == 4) {
            if (!b64_put(out, out_cap, &n, (uint8_t)(acc >> 16)) ||
                !b64_put(out, out_cap, &n, (uint8_t)(acc >> 8)) ||
                !b64_put(out, out_cap, &n, (uint8_t)acc)) {
                rc = IMS_ELIMIT;
                goto out;
            }
            acc = 0;
            nq = 0;
        }
    }
    if (npad && nq + npad != 4) { /* "QQ=" : padding that does not complete the quantum */
        rc = IMS_EPARSE;
        goto out;
    }
    if (mode == CRED_B64_STRICT && nchars % 4 != 0) {
        rc = IMS_EPARSE;
        goto out;
    }
    if (nq == 1) { /* six bits cannot make an octet */
        rc = IMS_EPARSE;
        goto out;
    }
    if (nq == 2) {
        if (mode == CRED_B64_STRICT && (acc & 0x0f) != 0) {
            rc = IMS_EPARSE;
            goto out;
        }
        if (!b64_put(out, out_cap, &n, (uint8_t)(acc >> 4))) {
            rc = IMS_ELIMIT;
            goto out;
        }
    } else if (nq == 3) {
        if (mode == CRED_B64_STRICT && (acc & 0x03) != 0) {
            rc = IMS_EPARSE;
            goto out;
        }
        if (!b64_put(out, out_cap, &n, (uint8_t)(acc >> 10)) ||
            !b64_put(out, out_cap, &n, (uint8_t)(acc >> 2))) {
            rc = IMS_ELIMIT;
            goto out;
        }
    }
out:
    if (out_len)
        *out_len = n;
    return rc;
}

int cred_base64_encode(const uint8_t *in, size_t in_len, char *out, size_t out_cap)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    struct bcur c;
    size_t need = (in_len + 2) / 3 * 4;
    size_t n = 0;

    if (!out || out_cap == 0 || need >= out_cap)
        return IMS_ELIMIT;
    bcur_init(&c, in, in_len);
    while (bcur_remaining(&c) > 0) {
        size_t take = bcur_remaining(&c) < 3 ? bcur_remaining(&c) : 3;
        uint32_t acc = 0;
        for (size_t i = 0; i < 3; i++)
            acc = (acc << 8) | (i < take ? bcur_u8(&c) : 0u);
        out[n++] = alphabet[(acc >> 18) & 0x3f];
        out[n++] = alphabet[(acc >> 12) & 0x3f];
        out[n++] = take > 1 ? alphabet[(acc >> 6) & 0x3f] : '=';
        out[n++] = take > 2 ? alphabet[acc & 0x3f] : '=';
    }
    out[n] = '\0';
    return (int)n;
}

int cred_sasl_plain_split(const uint8_t *msg, size_t len, struct cred_sasl_plain *out)
{
    struct bcur c;
    long nul1, nul2;

    memset(out, 0, sizeof(*out));
    bcur_init(&c, msg, len);
    nul1 = bcur_find(&c, 0);
    if (nul1 < 0)
        return IMS_EPARSE;
    out->authzid = bcur_ptr(&c);
    out->authzid_len = (size_t)nul1;
    bcur_skip(&c, (size_t)nul1 + 1);
    nul2 = bcur_find(&c, 0);
    if (nul2 < 1) /* a second NUL is required and authcid must not be empty */
        return IMS_EPARSE;
    out->authcid = bcur_ptr(&c);
    out->authcid_len = (size_t)nul2;
    bcur_skip(&c, (size_t)nul2 + 1);
    if (bcur_find(&c, 0) >= 0) /* a third NUL: not a PLAIN message */
        return IMS_EPARSE;
    out->passwd = bcur_ptr(&c);
    out->passwd_len = bcur_remaining(&c);
    if (out->authzid_len > LIM_CRED_SASL_FIELD_MAX ||
        out->authcid_len > LIM_CRED_SASL_FIELD_MAX ||
        out->passwd_len > LIM_CRED_SASL_FIELD_MAX)
        return IMS_EPARSE;
    return 0;
}

int cred_hex_encode(const uint8_t *in, size_t in_len, char *out, size_t out_cap)
{
    static const char digits[] = "0123456789abcdef";
    struct bcur c;
    size_t n = 0;

    if (!out || out_cap == 0 || in_len > (out_cap - 1) / 2)
        return IMS_ELIMIT;
    bcur_init(&c, in, in_len);
    while (bcur_remaining(&c) > 0) {
        uint8_t b = bcur_u8(&c);
        out[n++] = digits[b >> 4];
        out[n++] = digits[b & 0x0f];
    }
    out[n] = '\0';
    return (int)n;
}

enum cred_line_result cred_line_feed(struct cred_line *lb, struct bcur *c)
{
    long lf;
    size_t take, room;
    enum cred_line_result res;

    if (lb->done)
        cred_line_reset(lb);
    lf = bcur_find(c, '\n');
    take = lf < 0 ? bcur_remaining(c) : (size_t)lf;
    room = sizeof(lb->buf) - lb->len;
    if (take > room) {
        lb->overflow = true;
        bcur_copy(c, lb->buf + lb->len, room);
        lb->len = (uint16_t)(lb->len + room);
        bcur_skip(c, take - room);
    } else {
        bcur_copy(c, lb->buf + lb->len, take);
        lb->len = (uint16_t)(lb->len + take);
    }
    if (lf < 0)
        return CRED_LINE_NONE;
    bcur_skip(c, 1); /* the LF */
    if (lb->len > 0 && lb->buf[lb->len - 1] == '\r' && !lb->overflow)
        lb->len--;
    res = lb->overflow ? CRED_LINE_OVERFLOW : CRED_LINE_OK;
    lb->done = true;
    return res;
}

void cred_line_reset(struct cred_line *lb)
{
    lb->len = 0;
    lb->overflow = false;
    lb->done = false;
}

/* ASCII lower case (locale-independent). */
static uint8_t cred_lower(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + ('a' - 'A')) : ch;
}

bool cred_token_prefix(const uint8_t *p, size_t len, const char *tok)
{
    size_t tl = strlen(tok);
    struct bcur c;

    if (tl > len)
        return false;
    bcur_init(&c, p, tl);
    for (size_t i = 0; i < tl; i++) {
        if (cred_lower(bcur_u8(&c)) != cred_lower((uint8_t)tok[i]))
            return false;
    }
    return true;
}

bool cred_token_eq(const uint8_t *p, size_t len, const char *tok)
{
    return strlen(tok) == len && cred_token_prefix(p, len, tok);
}

bool cred_token_contains(const uint8_t *p, size_t len, const char *tok)
{
    size_t tl = strlen(tok);
    struct bcur c;

    if (tl == 0)
        return true;
    bcur_init(&c, p, len);
    while (bcur_remaining(&c) >= tl) {
        if (cred_token_prefix(bcur_ptr(&c), bcur_remaining(&c), tok))
            return true;
        bcur_skip(&c, 1);
    }
    return false;
}

/* SP or HT. */
static bool cred_blank(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

bool cred_next_token(struct bcur *c, struct cred_span *tok)
{
    while (bcur_remaining(c) > 0 && cred_blank(bcur_peek_u8(c, 0)))
        bcur_skip(c, 1);
    tok->p = bcur_ptr(c);
    tok->len = 0;
    while (tok->len < bcur_remaining(c) && !cred_blank(bcur_peek_u8(c, tok->len)))
        tok->len++;
    bcur_skip(c, tok->len);
    return tok->len > 0;
}

void cred_rest(struct bcur *c, struct cred_span *rest)
{
    while (bcur_remaining(c) > 0 && cred_blank(bcur_peek_u8(c, 0)))
        bcur_skip(c, 1);
    rest->p = bcur_ptr(c);
    rest->len = bcur_remaining(c);
    bcur_skip(c, rest->len);
}

void cred_span_rtrim(struct cred_span *s)
{
    struct bcur c;

    bcur_init(&c, s->p, s->len);
    while (s->len > 0 && cred_blank(bcur_peek_u8(&c, s->len - 1)))
        s->len--;
}

int cred_reply_code(const uint8_t *line, size_t len, bool *more)
{
    struct bcur c;
    int code = 0;

    if (more)
        *more = false;
    bcur_init(&c, line, len);
    for (int i = 0; i < 3; i++) {
        uint8_t d = bcur_u8(&c);
        if (!bcur_ok(&c) || d < '0' || d > '9')
            return -1;
        code = code * 10 + (d - '0');
    }
    if (code < 100 || code > 599)
        return -1;
    if (bcur_remaining(&c) > 0) {
        uint8_t sep = bcur_u8(&c);
        if (sep == '-') {
            if (more)
                *more = true;
        } else if (sep != ' ' && sep != '\r') {
            return -1;
        }
    }
    return code;
}

size_t cred_copy_field(uint8_t *dst, size_t cap, const uint8_t *src, size_t len)
{
    size_t n = len < cap ? len : cap;
    struct bcur c;

    bcur_init(&c, src, n);
    if (!bcur_copy(&c, dst, n))
        return 0;
    return n;
}

bool cred_probe_line(struct bcur *c, struct cred_span *line)
{
    long lf = bcur_find(c, '\n');

    if (lf < 0)
        return false;
    line->p = bcur_ptr(c);
    line->len = (size_t)lf;
    bcur_skip(c, (size_t)lf + 1);
    if (line->len > 0) {
        struct bcur l;
        bcur_init(&l, line->p, line->len);
        if (bcur_peek_u8(&l, line->len - 1) == '\r')
            line->len--;
    }
    return true;
}

void cred_login_user(struct cred_login *lg, const uint8_t *user, size_t len)
{
    lg->user_len = (uint16_t)cred_copy_field(lg->user, sizeof(lg->user), user, len);
    lg->has_user = true;
    memset(lg->pass, 0, sizeof(lg->pass));
    lg->pass_len = 0;
    lg->has_pass = false;
    lg->pending = false;
}

void cred_login_pass(struct cred_login *lg, const uint8_t *pass, size_t len, const char *form,
                     const char *mech)
{
    lg->pass_len = (uint16_t)cred_copy_field(lg->pass, sizeof(lg->pass), pass, len);
    lg->has_pass = true;
    lg->form = form;
    lg->mech = mech;
    lg->pending = true;
}

void cred_login_emit(struct det_call *call, struct cred_login *lg, enum app_proto proto,
                     const char *service, const char *outcome)
{
    struct app_event ev;

    if (!lg->pending)
        return;
    app_event_init(&ev, APP_EVENT_LOGIN, proto, FLOW_TOSERVER);
    app_event_add_str(&ev, APP_FACT_SERVICE, service);
    if (lg->has_user)
        app_event_add(&ev, APP_FACT_USERNAME, lg->user, lg->user_len);
    if (lg->has_pass)
        app_event_add(&ev, APP_FACT_PASSWORD, lg->pass, lg->pass_len);
    if (lg->form)
        app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, lg->form);
    if (lg->mech)
        app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, lg->mech);
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    det_emit(call, &ev);
    lg->pending = false;
    memset(lg->pass, 0, sizeof(lg->pass));
    lg->pass_len = 0;
    lg->has_pass = false;
}

void cred_login_clear(struct cred_login *lg)
{
    memset(lg, 0, sizeof(*lg));
}

/* Decodes one base64 SASL response (lenient) into buf; returns its length or -1. */
static long sasl_decode(const uint8_t *line, size_t len, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    struct cred_span sp = {line, len};

    cred_span_rtrim(&sp);
    if (cred_base64_decode(sp.p, sp.len, buf, cap, &n, CRED_B64_LENIENT) != 0)
        return -1;
    return (long)n;
}

/* Decodes the response at the current step into lg. */
static void sasl_take(struct cred_sasl *s, struct cred_login *lg, const uint8_t *line,
                      size_t len)
{
    uint8_t buf[LIM_CRED_LINE_MAX];
    long n = sasl_decode(line, len, buf, sizeof(buf));
    struct cred_sasl_plain sp;

    s->step++;
    if (n < 0)
        return;
    switch (s->mech) {
    case CRED_SASL_PLAIN:
        if (s->step == 1 && cred_sasl_plain_split(buf, (size_t)n, &sp) == 0) {
            cred_login_user(lg, sp.authcid, sp.authcid_len);
            cred_login_pass(lg, sp.passwd, sp.passwd_len, "base64", "PLAIN");
        }
        break;
    case CRED_SASL_LOGIN:
        if (s->step == 1)
            cred_login_user(lg, buf, (size_t)n);
        else if (s->step == 2)
            cred_login_pass(lg, buf, (size_t)n, "base64", "LOGIN");
        break;
    case CRED_SASL_CRAM_MD5:
        if (s->step == 1) {
            /* "user SP digest": the digest is the last word (user names may hold spaces) */
            struct bcur c;
            long last = -1;
            bcur_init(&c, buf, (size_t)n);
            for (size_t i = 0; i < (size_t)n; i++) {
                if (bcur_peek_u8(&c, i) == ' ')
                    last = (long)i;
            }
            if (last > 0) {
                cred_login_user(lg, buf, (size_t)last);
                cred_login_pass(lg, buf + last + 1, (size_t)n - (size_t)last - 1,
                                "md5-challenge", "CRAM-MD5");
            }
        }
        break;
    default:
        break;
    }
    memset(buf, 0, sizeof(buf));
}

void cred_sasl_start(struct cred_sasl *s, struct cred_login *lg, const struct cred_span *mech,
                     const struct cred_span *ir)
{
    s->step = 0;
    if (cred_token_eq(mech->p, mech->len, "PLAIN"))
        s->mech = CRED_SASL_PLAIN;
    else if (cred_token_eq(mech->p, mech->len, "LOGIN"))
        s->mech = CRED_SASL_LOGIN;
    else if (cred_token_eq(mech->p, mech->len, "CRAM-MD5"))
        s->mech = CRED_SASL_CRAM_MD5;
    else
        s->mech = CRED_SASL_OTHER;
    if (ir && ir->len > 0 && !cred_token_eq(ir->p, ir->len, "="))
        sasl_take(s, lg, ir->p, ir->len);
}

void cred_sasl_response(struct cred_sasl *s, struct cred_login *lg, const uint8_t *line,
                        size_t len)
{
    struct cred_span sp = {line, len};

    cred_span_rtrim(&sp);
    if (cred_token_eq(sp.p, sp.len, "*")) {
        s->mech = CRED_SASL_NONE;
        s->step = 0;
        return;
    }
    sasl_take(s, lg, sp.p, sp.len);
}

void cred_sasl_end(struct cred_sasl *s)
{
    s->mech = CRED_SASL_NONE;
    s->step = 0;
}
