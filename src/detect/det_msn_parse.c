/*
 * det_msn_parse.c - MSNP command lines, MIME payload fields and MSNSLP
 * file contexts (see det_msn.h for the grammar).  Pure parsing: the
 * detector (det_msn.c) decides what the commands mean for a flow.
 *
 * References: draft-movva-msn-messenger-protocol-00 (MSNP2), the unofficial
 * MSNP8-15 documentation (hypothetic.org, msnpiki), Wireshark
 * packet-msnms.c for the line shape.
 */
#include "det_msn.h"

#include <string.h>

#include "imsentry/bytes.h"

/* Command flags. */
#define MSN_F_PAYLOAD 0x01 /* last token is a payload length (when ntok >= min_payload) */

struct msn_cmd_def {
    char name[4];        /* the command */
    uint8_t flags;       /* MSN_F_* */
    uint8_t min_payload; /* tokens a line needs before its last one is a payload length */
};

/* Every command imsentry knows (MSNP2-15, MSNFTP), sorted for reading, searched linearly. */
static const struct msn_cmd_def msn_cmds[] = {
    {"ACK", 0, 0},  {"ADC", 0, 0},  {"ADD", 0, 0},  {"ADG", 0, 0},
    {"ADL", MSN_F_PAYLOAD, 3},      {"ANS", 0, 0},  {"BLP", 0, 0},
    {"BPR", 0, 0},  {"BYE", 0, 0},  {"CAL", 0, 0},  {"CCL", 0, 0},
    {"CHG", 0, 0},  {"CHL", 0, 0},  {"CVR", 0, 0},  {"FIL", 0, 0},
    {"FLN", 0, 0},  {"FQY", MSN_F_PAYLOAD, 3},      {"GCF", MSN_F_PAYLOAD, 4},
    {"GTC", 0, 0},  {"ILN", 0, 0},  {"IPG", MSN_F_PAYLOAD, 2},
    {"IRO", 0, 0},  {"JOI", 0, 0},  {"LSG", 0, 0},  {"LST", 0, 0},
    {"MSG", MSN_F_PAYLOAD, 4},      {"NAK", 0, 0},  {"NLN", 0, 0},
    {"NOT", MSN_F_PAYLOAD, 2},      {"OUT", 0, 0},  {"PNG", 0, 0},
    {"PRP", 0, 0},  {"QNG", 0, 0},  {"QRY", MSN_F_PAYLOAD, 4},
    {"REA", 0, 0},  {"REM", 0, 0},  {"RMG", 0, 0},  {"RML", MSN_F_PAYLOAD, 3},
    {"RNG", 0, 0},  {"SBP", 0, 0},  {"SDC", 0, 0},  {"SDG", MSN_F_PAYLOAD, 3},
    {"SYN", 0, 0},  {"TFR", 0, 0},  {"UBM", MSN_F_PAYLOAD, 4},
    {"UBN", MSN_F_PAYLOAD, 4},      {"UBX", MSN_F_PAYLOAD, 3},
    {"URL", 0, 0},  {"USR", 0, 0},  {"UUM", MSN_F_PAYLOAD, 5},
    {"UUN", MSN_F_PAYLOAD, 4},      {"UUX", MSN_F_PAYLOAD, 3},
    {"VER", 0, 0},  {"XFR", 0, 0},
};

bool msn_span_is(const struct msn_span *s, const char *str)
{
    size_t n = strlen(str);
    return s->len == n && memcmp(s->p, str, n) == 0;
}

static bool msn_span_prefix(const struct msn_span *s, const char *str)
{
    size_t n = strlen(str);
    return s->len >= n && memcmp(s->p, str, n) == 0;
}

static bool msn_is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool msn_is_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

bool msn_span_u32(const struct msn_span *s, uint32_t *out)
{
    struct bcur c;
    uint64_t v = 0;

    if (s->len == 0 || s->len > 10)
        return false;
    bcur_init(&c, s->p, s->len);
    while (bcur_remaining(&c)) {
        uint8_t ch = bcur_u8(&c);
        if (!msn_is_digit(ch))
            return false;
        v = v * 10 + (uint64_t)(ch - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool msn_span_num(const struct msn_span *s)
{
    uint32_t v;
    return msn_span_u32(s, &v);
}

bool msn_span_is_email(const struct msn_span *s)
{
    struct bcur c;
    size_t at = 0;
    unsigned n_at = 0;

    if (s->len < 3 || s->len > 320)
        return false;
    bcur_init(&c, s->p, s->len);
    for (size_t i = 0; i < s->len; i++) {
        uint8_t ch = bcur_u8(&c);
        if (ch <= 0x20 || ch >= 0x7f)
            return false;
        if (ch == '@') {
            at = i;
            n_at++;
        }
    }
    return n_at == 1 && at > 0 && at + 1 < s->len;
}

/* host:port with a dotted host and a numeric port (XFR, RNG addresses). */
static bool msn_span_is_hostport(const struct msn_span *s)
{
    struct bcur c;
    long colon;
    struct msn_span port;

    bcur_init(&c, s->p, s->len);
    colon = bcur_find(&c, ':');
    if (colon <= 0)
        return false;
    port.p = s->p + colon + 1;
    port.len = s->len - (size_t)colon - 1;
    return msn_span_num(&port);
}

/* One of the status codes of CHG / ILN / NLN. */
static bool msn_span_is_status(const struct msn_span *s)
{
    static const char *const st[] = {"NLN", "BSY", "IDL", "BRB", "AWY",
                                     "PHN", "LUN", "HDN", "FLN"};
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
        if (msn_span_is(s, st[i]))
            return true;
    return false;
}

/* One of the contact lists of ADD / ADC / REM / LST. */
static bool msn_span_is_list(const struct msn_span *s)
{
    static const char *const li[] = {"FL", "AL", "BL", "RL", "PL"};
    for (size_t i = 0; i < sizeof(li) / sizeof(li[0]); i++)
        if (msn_span_is(s, li[i]))
            return true;
    return false;
}

static const struct msn_cmd_def *msn_cmd_lookup(const struct msn_span *s)
{
    if (s->len != 3)
        return NULL;
    for (size_t i = 0; i < sizeof(msn_cmds) / sizeof(msn_cmds[0]); i++)
        if (memcmp(s->p, msn_cmds[i].name, 3) == 0)
            return &msn_cmds[i];
    return NULL;
}

/* Splits on single spaces; an empty token (two spaces) makes the line invalid. */
static bool msn_split(const uint8_t *line, size_t len, struct msn_cmd *cmd)
{
    struct bcur c;

    memset(cmd, 0, sizeof(*cmd));
    bcur_init(&c, line, len);
    while (bcur_remaining(&c)) {
        long sp = bcur_find(&c, ' ');
        size_t n = sp < 0 ? bcur_remaining(&c) : (size_t)sp;
        if (cmd->ntok == MSN_MAX_TOKENS - 1)
            n = bcur_remaining(&c);
        if (n == 0)
            return false;
        cmd->tok[cmd->ntok].p = bcur_ptr(&c);
        cmd->tok[cmd->ntok].len = n;
        cmd->ntok++;
        bcur_skip(&c, n);
        if (bcur_remaining(&c)) {
            bcur_skip(&c, 1); /* the space */
            if (!bcur_remaining(&c))
                return false; /* trailing space */
        }
    }
    return cmd->ntok > 0;
}

/* No control bytes in a command line (payloads may hold anything, lines may not). */
static bool msn_line_clean(const uint8_t *line, size_t len)
{
    struct bcur c;
    bcur_init(&c, line, len);
    while (bcur_remaining(&c)) {
        uint8_t ch = bcur_u8(&c);
        if (ch < 0x20 && ch != '\t')
            return false;
        if (ch == 0x7f)
            return false;
    }
    return true;
}

static enum msn_score msn_score_usr(const struct msn_cmd *m)
{
    const struct msn_span *t = m->tok;

    if (m->ntok == 3 && msn_span_is_email(&t[1]))
        return MSN_SCORE_STRONG; /* MSNFTP: USR email cookie */
    if (m->ntok < 3 || !msn_span_num(&t[1]))
        return MSN_SCORE_NONE;
    if (m->ntok >= 5 && (msn_span_is(&t[2], "MD5") || msn_span_is(&t[2], "TWN") ||
                         msn_span_is(&t[2], "SSO")) &&
        (msn_span_is(&t[3], "I") || msn_span_is(&t[3], "S")))
        return MSN_SCORE_STRONG;
    if (m->ntok >= 4 && msn_span_is(&t[2], "OK") && msn_span_is_email(&t[3]))
        return MSN_SCORE_STRONG;
    if (m->ntok == 4 && msn_span_is_email(&t[2]))
        return MSN_SCORE_STRONG; /* switchboard: USR n email cookie */
    return MSN_SCORE_NONE;
}

static enum msn_score msn_score_msg(const struct msn_cmd *m)
{
    const struct msn_span *t = m->tok;

    if (m->ntok != 4 || !m->has_payload)
        return MSN_SCORE_NONE;
    if (msn_span_num(&t[1]) && t[2].len == 1 &&
        (t[2].p[0] == 'U' || t[2].p[0] == 'N' || t[2].p[0] == 'A' || t[2].p[0] == 'D'))
        return MSN_SCORE_STRONG;
    if (msn_span_is_email(&t[1]))
        return MSN_SCORE_STRONG;
    if (msn_span_is(&t[1], "Hotmail") && msn_span_is(&t[2], "Hotmail"))
        return MSN_SCORE_STRONG;
    return MSN_SCORE_NONE;
}

/* Commands of the form "CMD TrID ..." scored by their arguments. */
static enum msn_score msn_score_trid(const struct msn_cmd *m)
{
    const struct msn_span *t = m->tok;
    const struct msn_span *c = &t[0];

    if (m->ntok < 2 || !msn_span_num(&t[1]))
        return MSN_SCORE_NONE;
    if (msn_span_is(c, "VER")) {
        for (unsigned i = 2; i < m->ntok; i++)
            if (msn_span_prefix(&t[i], "MSNP") || msn_span_is(&t[i], "MSNFTP"))
                return MSN_SCORE_STRONG;
        return MSN_SCORE_NONE;
    }
    if (msn_span_is(c, "CVR")) {
        if (m->ntok >= 8 && msn_span_prefix(&t[2], "0x"))
            return MSN_SCORE_STRONG;
        return m->ntok >= 5 ? MSN_SCORE_WEAK : MSN_SCORE_NONE;
    }
    if (msn_span_is(c, "XFR"))
        return m->ntok >= 4 && (msn_span_is(&t[2], "NS") || msn_span_is(&t[2], "SB")) &&
                       msn_span_is_hostport(&t[3])
                   ? MSN_SCORE_STRONG
                   : MSN_SCORE_NONE;
    if (msn_span_is(c, "CHG"))
        return m->ntok >= 3 && msn_span_is_status(&t[2]) ? MSN_SCORE_STRONG : MSN_SCORE_NONE;
    if (msn_span_is(c, "ILN"))
        return m->ntok >= 4 && msn_span_is_status(&t[2]) && msn_span_is_email(&t[3])
                   ? MSN_SCORE_STRONG
                   : MSN_SCORE_NONE;
    if (msn_span_is(c, "ADD") || msn_span_is(c, "ADC") || msn_span_is(c, "REM"))
        return m->ntok >= 3 && msn_span_is_list(&t[2]) ? MSN_SCORE_STRONG : MSN_SCORE_WEAK;
    if (msn_span_is(c, "ANS")) {
        if (m->ntok == 3 && msn_span_is(&t[2], "OK"))
            return MSN_SCORE_STRONG;
        return m->ntok == 5 && msn_span_is_email(&t[2]) ? MSN_SCORE_STRONG : MSN_SCORE_NONE;
    }
    if (msn_span_is(c, "IRO"))
        return m->ntok >= 5 && msn_span_is_email(&t[4]) ? MSN_SCORE_STRONG : MSN_SCORE_NONE;
    if (msn_span_is(c, "CAL")) {
        if (m->ntok == 3 && msn_span_is_email(&t[2]))
            return MSN_SCORE_STRONG;
        return m->ntok == 4 && msn_span_is(&t[2], "RINGING") ? MSN_SCORE_STRONG
                                                              : MSN_SCORE_NONE;
    }
    if (msn_span_is(c, "RNG"))
        return m->ntok >= 6 && msn_span_is_hostport(&t[2]) && msn_span_is(&t[3], "CKI")
                   ? MSN_SCORE_STRONG
                   : MSN_SCORE_NONE;
    if (msn_span_is(c, "BLP"))
        return m->ntok >= 3 && (msn_span_is(&t[m->ntok - 1], "AL") ||
                                msn_span_is(&t[m->ntok - 1], "BL"))
                   ? MSN_SCORE_STRONG
                   : MSN_SCORE_NONE;
    if (msn_span_is(c, "GTC"))
        return m->ntok >= 3 && (msn_span_is(&t[m->ntok - 1], "A") ||
                                msn_span_is(&t[m->ntok - 1], "N"))
                   ? MSN_SCORE_STRONG
                   : MSN_SCORE_NONE;
    if (msn_span_is(c, "QRY"))
        return m->ntok == 4 && m->has_payload && msn_span_is_email(&t[2]) ? MSN_SCORE_STRONG
                                                                           : MSN_SCORE_WEAK;
    return MSN_SCORE_WEAK;
}

enum msn_score msn_parse_line(const uint8_t *line, size_t len, uint32_t max_payload,
                              struct msn_cmd *cmd)
{
    const struct msn_cmd_def *def;
    const struct msn_span *t;

    if (len < 3 || !msn_line_clean(line, len) || !msn_split(line, len, cmd))
        return MSN_SCORE_NONE;
    t = cmd->tok;
    if (t[0].len != 3)
        return MSN_SCORE_NONE;

    if (msn_is_digit(t[0].p[0]) && msn_is_digit(t[0].p[1]) && msn_is_digit(t[0].p[2])) {
        /* "911 4": error number and TrID (MSNP13 errors may add a payload length) */
        uint32_t code;
        if (!msn_span_u32(&t[0], &code) || code < 200 || cmd->ntok < 2 || cmd->ntok > 3 ||
            !msn_span_num(&t[1]))
            return MSN_SCORE_NONE;
        if (cmd->ntok == 3) {
            if (!msn_span_u32(&t[2], &cmd->payload_len) || cmd->payload_len > max_payload)
                return MSN_SCORE_NONE;
            cmd->has_payload = true;
        }
        cmd->is_error = true;
        return MSN_SCORE_WEAK;
    }
    if (!msn_is_upper(t[0].p[0]) || !msn_is_upper(t[0].p[1]) || !msn_is_upper(t[0].p[2]))
        return MSN_SCORE_NONE;
    def = msn_cmd_lookup(&t[0]);
    if (!def)
        return MSN_SCORE_NONE;

    if ((def->flags & MSN_F_PAYLOAD) && cmd->ntok >= def->min_payload &&
        msn_span_u32(&t[cmd->ntok - 1], &cmd->payload_len)) {
        if (cmd->payload_len > max_payload)
            return MSN_SCORE_NONE;
        cmd->has_payload = true;
    }

    /* Forms without a TrID first. */
    if (msn_span_is(&t[0], "MSG"))
        return msn_score_msg(cmd);
    if (msn_span_is(&t[0], "USR"))
        return msn_score_usr(cmd);
    if (msn_span_is(&t[0], "VER") && cmd->ntok == 2 && msn_span_is(&t[1], "MSNFTP"))
        return MSN_SCORE_STRONG;
    if (msn_span_is(&t[0], "PNG") || msn_span_is(&t[0], "TFR") || msn_span_is(&t[0], "CCL"))
        return cmd->ntok == 1 ? MSN_SCORE_WEAK : MSN_SCORE_NONE;
    if (msn_span_is(&t[0], "OUT")) {
        if (cmd->ntok == 1)
            return MSN_SCORE_WEAK;
        return cmd->ntok == 2 && (msn_span_is(&t[1], "OTH") || msn_span_is(&t[1], "SSD"))
                   ? MSN_SCORE_STRONG
                   : MSN_SCORE_NONE;
    }
    if (msn_span_is(&t[0], "QNG") || msn_span_is(&t[0], "FIL"))
        return cmd->ntok == 2 && msn_span_num(&t[1]) ? MSN_SCORE_WEAK : MSN_SCORE_NONE;
    if (msn_span_is(&t[0], "BYE")) {
        if (cmd->ntok == 1)
            return MSN_SCORE_WEAK;
        if (cmd->ntok <= 3 && msn_span_is_email(&t[1]))
            return MSN_SCORE_STRONG;
        return cmd->ntok == 2 && msn_span_num(&t[1]) ? MSN_SCORE_WEAK : MSN_SCORE_NONE;
    }
    if (msn_span_is(&t[0], "JOI"))
        return cmd->ntok >= 3 && msn_span_is_email(&t[1]) ? MSN_SCORE_STRONG : MSN_SCORE_NONE;
    if (msn_span_is(&t[0], "NLN") && cmd->ntok >= 3 && msn_span_is_status(&t[1]))
        return msn_span_is_email(&t[2]) ? MSN_SCORE_STRONG : MSN_SCORE_NONE;
    if (msn_span_is(&t[0], "FLN"))
        return cmd->ntok >= 2 && cmd->ntok <= 3 && msn_span_is_email(&t[1]) ? MSN_SCORE_STRONG
                                                                             : MSN_SCORE_NONE;
    if (msn_span_is(&t[0], "CHL") && cmd->ntok == 3 && msn_span_is(&t[1], "0"))
        return msn_span_num(&t[2]) ? MSN_SCORE_STRONG : MSN_SCORE_WEAK;
    if (msn_span_is(&t[0], "UBX") && cmd->has_payload && msn_span_is_email(&t[1]))
        return MSN_SCORE_STRONG;
    if (msn_span_is(&t[0], "NOT") || msn_span_is(&t[0], "IPG"))
        return cmd->ntok == 2 && cmd->has_payload ? MSN_SCORE_WEAK : MSN_SCORE_NONE;
    if (msn_span_is(&t[0], "LST") && cmd->ntok >= 2 &&
        (msn_span_is_email(&t[1]) || msn_span_prefix(&t[1], "N=")))
        return MSN_SCORE_STRONG;
    return msn_score_trid(cmd);
}

/* Case-insensitive compare of a span with a C string. */
static bool msn_span_ieq(const uint8_t *p, size_t len, const char *str)
{
    size_t n = strlen(str);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = p[i], b = (uint8_t)str[i];
        if (a >= 'A' && a <= 'Z')
            a = (uint8_t)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (uint8_t)(b + 32);
        if (a != b)
            return false;
    }
    return true;
}

static struct msn_span msn_trim(const uint8_t *p, size_t len)
{
    struct msn_span s = {p, len};
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.len--;
    }
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t' || s.p[s.len - 1] == '\r'))
        s.len--;
    return s;
}

bool msn_mime_field(const uint8_t *text, size_t len, const char *name, bool headers_only,
                    struct msn_span *val)
{
    struct bcur c;

    bcur_init(&c, text, len);
    while (bcur_remaining(&c)) {
        long nl = bcur_find(&c, '\n');
        size_t n = nl < 0 ? bcur_remaining(&c) : (size_t)nl;
        const uint8_t *p = bcur_ptr(&c);
        struct msn_span line = msn_trim(p, n);
        struct bcur lc;
        long colon;

        bcur_skip(&c, nl < 0 ? n : n + 1);
        if (line.len == 0) {
            if (headers_only)
                return false;
            continue;
        }
        bcur_init(&lc, line.p, line.len);
        colon = bcur_find(&lc, ':');
        if (colon <= 0)
            continue;
        if (msn_span_ieq(line.p, (size_t)colon, name)) {
            *val = msn_trim(line.p + colon + 1, line.len - (size_t)colon - 1);
            return true;
        }
    }
    return false;
}

size_t msn_mime_body_off(const uint8_t *text, size_t len)
{
    struct bcur c;

    bcur_init(&c, text, len);
    while (bcur_remaining(&c)) {
        long nl = bcur_find(&c, '\n');
        size_t n;
        if (nl < 0)
            return len;
        n = (size_t)nl;
        /* an empty line: nothing or only CR before the LF */
        bool empty = n == 0 || (n == 1 && bcur_peek_u8(&c, 0) == '\r');
        bcur_skip(&c, n + 1);
        if (empty)
            return c.off;
    }
    return len;
}

bool msn_file_is_executable(const uint8_t *name, size_t len)
{
    static const char *const ext[] = {".exe", ".com", ".scr", ".pif", ".bat", ".vbs", ".cmd"};
    struct msn_span s = msn_trim(name, len);

    if (s.len < 5)
        return false;
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (msn_span_ieq(s.p + s.len - 4, 4, ext[i]))
            return true;
    return false;
}

static int msn_b64_val(uint8_t ch)
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
    return -1;
}

long msn_base64(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    struct bcur c;
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    bool pad = false;

    bcur_init(&c, in, len);
    while (bcur_remaining(&c)) {
        uint8_t ch = bcur_u8(&c);
        int v;
        if (ch == '=') {
            pad = true;
            continue;
        }
        v = msn_b64_val(ch);
        if (v < 0 || pad)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap)
                return -1;
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (bits >= 6)
        return -1; /* a lone sextet */
    return (long)n;
}

/* Longest file preview context decoded (the header is 574 bytes; previews follow). */
#define MSN_P2P_CONTEXT_MAX 640

bool msn_p2p_context(const uint8_t *b64, size_t len, char *name, size_t cap, uint64_t *size)
{
    uint8_t buf[MSN_P2P_CONTEXT_MAX];
    size_t in_len = len;
    long n;
    struct bcur c;
    uint32_t hlen, lo, hi;
    size_t k = 0;

    if (cap == 0)
        return false;
    name[0] = '\0';
    /* only the header matters: decode a whole number of quads covering it */
    if (in_len > (MSN_P2P_CONTEXT_MAX / 3) * 4)
        in_len = (MSN_P2P_CONTEXT_MAX / 3) * 4;
    n = msn_base64(b64, in_len, buf, sizeof(buf));
    if (n < 24)
        return false;
    bcur_init(&c, buf, (size_t)n);
    hlen = bcur_le32(&c);
    bcur_skip(&c, 4); /* version */
    lo = bcur_le32(&c);
    hi = bcur_le32(&c);
    bcur_skip(&c, 4); /* type */
    if (!bcur_ok(&c) || hlen < 24 || hlen > 4096)
        return false;
    *size = ((uint64_t)hi << 32) | lo;
    for (unsigned i = 0; i < 260 && bcur_has(&c, 2); i++) {
        uint16_t ch = bcur_le16(&c);
        if (ch == 0)
            break;
        if (k + 1 < cap)
            name[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    name[k] = '\0';
    return k > 0;
}
