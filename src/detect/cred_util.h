/*
 * cred_util.h - helpers shared by the credential-carrying detectors (FTP,
 * POP3, IMAP, SMTP, Telnet, HTTP, ...):
 *
 *   - base64 decoding (RFC 4648 section 4), strict or tolerant of
 *     whitespace and missing padding, into a caller-bounded buffer;
 *   - the SASL PLAIN message split (RFC 4616 section 2):
 *       message = [authzid] NUL authcid NUL passwd
 *   - lower-case hex encoding (for md5-challenge / hashed password facts);
 *   - a bounded line assembler for line protocols (CRLF or bare LF), with
 *     overflow resynchronisation at the next LF, meant to be embedded in a
 *     detector's per-flow state (no allocation);
 *   - case-insensitive token helpers and the 3-digit reply code reader of
 *     FTP (RFC 959 section 4.2) and SMTP (RFC 5321 section 4.2).
 *
 * All input is read through the cursor in imsentry/bytes.h.  Nothing here
 * logs: the bytes handled may be secrets.
 */
#ifndef IMSENTRY_CRED_UTIL_H
#define IMSENTRY_CRED_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/bytes.h"
#include "imsentry/flow.h"
#include "imsentry/limits.h"

/* ---- base64 (RFC 4648) ---- */

enum cred_b64_mode {
    /*
     * RFC 4648 section 3.3/3.5: only alphabet characters, length a multiple
     * of 4, '=' only as final padding, pad bits zero.
     */
    CRED_B64_STRICT = 0,
    /*
     * What real clients send: SP, HT, CR and LF anywhere are skipped and the
     * final padding may be missing.  Other characters, data after '=' and a
     * lone trailing sextet are still errors.
     */
    CRED_B64_LENIENT = 1
};

/* Bytes that decoding in_len input characters can produce at most. */
#define CRED_B64_DECODED_MAX(in_len) (((in_len) / 4u) * 3u + 3u)

/*
 * Decodes base64 text in[0..in_len) into out (capacity out_cap); *out_len
 * gets the decoded length.  Returns 0, IMS_EPARSE on malformed input or
 * IMS_ELIMIT when out_cap is too small (out then holds a prefix, *out_len
 * how much).  An empty input decodes to nothing (0).
 */
int cred_base64_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                       size_t *out_len, enum cred_b64_mode mode);

/*
 * Encodes in[0..in_len) as padded base64 into out (capacity out_cap, which
 * must hold 4 * ceil(in_len / 3) + 1 bytes for the NUL).  Returns the
 * length written (without the NUL) or IMS_ELIMIT.  For tests and for
 * building expected values; detectors only decode.
 */
int cred_base64_encode(const uint8_t *in, size_t in_len, char *out, size_t out_cap);

/* ---- SASL PLAIN (RFC 4616) ---- */

/* The three fields of a SASL PLAIN message; pointers into the message. */
struct cred_sasl_plain {
    const uint8_t *authzid; /* authorization identity (may be empty) */
    size_t authzid_len;     /* its length */
    const uint8_t *authcid; /* authentication identity: the user name */
    size_t authcid_len;     /* its length (at least 1) */
    const uint8_t *passwd;  /* the password */
    size_t passwd_len;      /* its length (0 tolerated: some clients send none) */
};

/*
 * Splits a decoded SASL PLAIN message.  Exactly two NUL separators, a
 * non-empty authcid, each field at most LIM_CRED_SASL_FIELD_MAX octets.
 * Returns 0 or IMS_EPARSE.
 */
int cred_sasl_plain_split(const uint8_t *msg, size_t len, struct cred_sasl_plain *out);

/* ---- hex ---- */

/*
 * Lower-case hex of in[0..in_len) into out (capacity out_cap >= 2 * in_len
 * + 1, NUL-terminated).  Returns the length written or IMS_ELIMIT.
 */
int cred_hex_encode(const uint8_t *in, size_t in_len, char *out, size_t out_cap);

/* ---- bounded line assembler ---- */

enum cred_line_result {
    CRED_LINE_NONE = 0,    /* all given bytes were taken; no line complete yet */
    CRED_LINE_OK = 1,      /* a complete line is in buf[0..len) (CR LF / LF removed) */
    CRED_LINE_OVERFLOW = 2 /* a line longer than LIM_CRED_LINE_MAX ended; buf holds its start */
};

/*
 * One direction's partial line.  Embed it in per-flow state (zeroed state
 * is a valid empty assembler).  Size is fixed: a line past the cap is kept
 * truncated and flagged; the assembler resynchronises at the next LF.
 */
struct cred_line {
    uint8_t buf[LIM_CRED_LINE_MAX]; /* the line so far (no terminator) */
    uint16_t len;                   /* bytes used in buf */
    bool overflow;                  /* bytes were dropped from this line */
    bool done;                      /* the last call completed a line: next call starts anew */
};

/*
 * Takes bytes from *c up to and including the next LF.  Returns
 * CRED_LINE_OK / CRED_LINE_OVERFLOW when a line ended (the cursor is left
 * just after the LF, so call again for the next line) or CRED_LINE_NONE
 * when the cursor was drained without a line end.  A trailing CR before the
 * LF is removed.  The line stays in lb->buf until the next call.
 */
enum cred_line_result cred_line_feed(struct cred_line *lb, struct bcur *c);

/* Forgets the partial line (after a gap: the next line is unknown). */
void cred_line_reset(struct cred_line *lb);

/* ---- tokens ---- */

/* A span of bytes (not NUL-terminated). */
struct cred_span {
    const uint8_t *p; /* first byte */
    size_t len;       /* length */
};

/* True when p[0..len) equals the NUL-terminated tok, ASCII case-insensitively. */
bool cred_token_eq(const uint8_t *p, size_t len, const char *tok);

/* True when p[0..len) starts with tok, ASCII case-insensitively. */
bool cred_token_prefix(const uint8_t *p, size_t len, const char *tok);

/* True when tok occurs anywhere in p[0..len), ASCII case-insensitively. */
bool cred_token_contains(const uint8_t *p, size_t len, const char *tok);

/*
 * Skips SP/HT, then takes the bytes up to the next SP/HT (or the end) as
 * *tok.  Returns false when nothing but blanks remained.
 */
bool cred_next_token(struct bcur *c, struct cred_span *tok);

/* Skips SP/HT and returns the rest of the cursor as *rest (may be empty). */
void cred_rest(struct bcur *c, struct cred_span *rest);

/* Trims trailing SP/HT from a span. */
void cred_span_rtrim(struct cred_span *s);

/*
 * Reads an FTP/SMTP reply line start: three digits then SP, '-' or the end
 * of line.  Returns the code (100..599) and sets *more when the separator is
 * '-' (a multi-line reply continues); -1 when the line is not a reply.
 */
int cred_reply_code(const uint8_t *line, size_t len, bool *more);

/*
 * Copies a span into a fixed field of cap bytes (cap >= 1), truncating,
 * and returns the length kept.  dst is not NUL-terminated.
 */
size_t cred_copy_field(uint8_t *dst, size_t cap, const uint8_t *src, size_t len);

/*
 * Takes the next complete line (up to LF, CR LF removed) from a probe
 * buffer.  Returns false when no LF remains (the cursor then stays on the
 * incomplete line).
 */
bool cred_probe_line(struct bcur *c, struct cred_span *line);

/* ---- login attempts ---- */

struct det_call;

/*
 * One login attempt being assembled by a detector: what the client sent,
 * waiting for the server's verdict.  Fixed size; embed in per-flow state.
 */
struct cred_login {
    uint8_t user[LIM_CRED_FIELD_MAX]; /* user name as on the wire (truncated at the cap) */
    uint16_t user_len;                /* bytes in user */
    bool has_user;                    /* a user name was seen */
    uint8_t pass[LIM_CRED_FIELD_MAX]; /* password / response as on the wire (or decoded) */
    uint16_t pass_len;                /* bytes in pass */
    bool has_pass;                    /* a password was seen */
    const char *form;                 /* password_form (static string) */
    const char *mech;                 /* auth_mechanism (static string) */
    bool pending;                     /* a password was sent; outcome not yet reported */
};

/* Records the user name (starts a new attempt: any password is forgotten). */
void cred_login_user(struct cred_login *lg, const uint8_t *user, size_t len);

/* Records the password, its form and mechanism; the attempt becomes pending. */
void cred_login_pass(struct cred_login *lg, const uint8_t *pass, size_t len, const char *form,
                     const char *mech);

/*
 * Reports the pending attempt as a LOGIN event (service, username when
 * known, password, password_form, auth_mechanism, login_outcome) in
 * direction to_server; the attempt is no longer pending, the user name is
 * kept (a client may retry the same user), the password is wiped.
 * Nothing happens when no attempt is pending.
 */
void cred_login_emit(struct det_call *call, struct cred_login *lg, enum app_proto proto,
                     const char *service, const char *outcome);

/* Forgets everything (user, password, pending), wiping the password. */
void cred_login_clear(struct cred_login *lg);

/* ---- SASL exchanges (RFC 4422) as POP3, IMAP and SMTP carry them ---- */

enum cred_sasl_mech {
    CRED_SASL_NONE = 0,     /* no exchange in progress */
    CRED_SASL_PLAIN = 1,    /* RFC 4616: one response, base64(authzid NUL user NUL pass) */
    CRED_SASL_LOGIN = 2,    /* draft-murchison-sasl-login: base64 user, then base64 pass */
    CRED_SASL_CRAM_MD5 = 3, /* RFC 2195: base64("user hexdigest") answering a challenge */
    CRED_SASL_OTHER = 4     /* any other mechanism: responses are consumed, not decoded */
};

/* The client side of one SASL exchange; embed in per-flow state (zeroed = idle). */
struct cred_sasl {
    enum cred_sasl_mech mech; /* mechanism in progress, NONE when idle */
    uint8_t step;             /* client responses taken so far */
};

/*
 * The client asked for mechanism mech (e.g. "PLAIN"), with an optional
 * initial response ir (NULL or empty: none; "=" is an empty one, RFC 4954).
 * Any IR is decoded into lg as a response.  Report a pending attempt first:
 * a response may replace lg's user.
 */
void cred_sasl_start(struct cred_sasl *s, struct cred_login *lg, const struct cred_span *mech,
                     const struct cred_span *ir);

/*
 * A client response line during the exchange: decoded into lg (user name,
 * password with form base64 or md5-challenge, auth_mechanism).  "*" cancels
 * the exchange (RFC 4422 section 3.5).
 */
void cred_sasl_response(struct cred_sasl *s, struct cred_login *lg, const uint8_t *line,
                        size_t len);

/* The server ended the exchange (success or failure). */
void cred_sasl_end(struct cred_sasl *s);

#endif /* IMSENTRY_CRED_UTIL_H */
