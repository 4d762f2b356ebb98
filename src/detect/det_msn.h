/*
 * det_msn.h - MSN / .NET Messenger (MSNP) line and payload parsing shared by
 * the detector (det_msn.c) and its tests.  Pure functions: no framework
 * calls, no allocation, every byte read through imsentry/bytes.h.
 *
 * MSNP (draft-movva-msn-messenger-protocol-00 and the unofficial MSNP8-15
 * documentation) is a line protocol:
 *
 *   CMD SP TrID [SP arg]* CR LF            e.g. "USR 3 MD5 I alice@hotmail.com"
 *   CMD SP arg* SP length CR LF <length bytes of payload>   (MSG, UUX, QRY ...)
 *   NNN SP TrID CR LF                      a numeric error, e.g. "911 4"
 *
 * Some server commands carry no TrID ("MSG alice@hotmail.com Alice 120",
 * "JOI ...", "NLN ...", "CHL 0 ..."); MSNFTP (TCP 6891) speaks the same
 * shape without TrIDs ("VER MSNFTP", "FIL 1234", "TFR").
 */
#ifndef IMSENTRY_DET_MSN_H
#define IMSENTRY_DET_MSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most space-separated tokens of a command line looked at (the rest stay in the last). */
#define MSN_MAX_TOKENS 12

/* A span of bytes (not NUL-terminated). */
struct msn_span {
    const uint8_t *p; /* first byte */
    size_t len;       /* length */
};

/* A command line split on single spaces. */
struct msn_cmd {
    struct msn_span tok[MSN_MAX_TOKENS]; /* tok[0] is the command ("USR", "911" ...) */
    unsigned ntok;                        /* tokens used */
    bool is_error;                        /* tok[0] is a three-digit error number */
    bool has_payload;                     /* a payload of payload_len bytes follows the line */
    uint32_t payload_len;                 /* its length (last token) */
};

/* How much a line tells that the stream is MSNP. */
enum msn_score {
    MSN_SCORE_NONE = 0,  /* not an MSNP command line */
    MSN_SCORE_WEAK = 1,  /* plausible (PNG, QNG 45, "911 4" ...): two in a row identify */
    MSN_SCORE_STRONG = 2 /* a command with its full grammar (VER n MSNP8, USR n MD5 I u ...) */
};

/*
 * Splits line[0..len) (no CR LF) into cmd and scores it.  Unknown
 * commands, bad TrIDs and malformed arguments score MSN_SCORE_NONE.
 * A payload length over max_payload makes the line invalid too.
 */
enum msn_score msn_parse_line(const uint8_t *line, size_t len, uint32_t max_payload,
                              struct msn_cmd *cmd);

/* True when span equals the C string exactly (case-sensitive: MSNP commands are upper case). */
bool msn_span_is(const struct msn_span *s, const char *str);

/* True when the span is 1..10 decimal digits whose value fits in 32 bits; *out gets it. */
bool msn_span_u32(const struct msn_span *s, uint32_t *out);

/* True when the span looks like an e-mail address (something@something, no control bytes). */
bool msn_span_is_email(const struct msn_span *s);

/*
 * Finds a MIME-style header "Name: value" (name case-insensitive) among the
 * lines of text[0..len) up to the first empty line when headers_only,
 * anywhere otherwise; *val is the value with blanks trimmed.  False when absent.
 */
bool msn_mime_field(const uint8_t *text, size_t len, const char *name, bool headers_only,
                    struct msn_span *val);

/* Offset just after the first empty line (CR LF CR LF or LF LF) of text, or len when none. */
size_t msn_mime_body_off(const uint8_t *text, size_t len);

/* True when the name ends in an extension Windows runs (.exe .com .scr .pif .bat .vbs .cmd). */
bool msn_file_is_executable(const uint8_t *name, size_t len);

/*
 * MSNSLP file-transfer Context (base64 of the MSNP2P file preview header:
 * u32 LE header length, u32 LE version, u64 LE file size at offset 8, u32 LE
 * type at 16, UTF-16LE file name at 20, up to 260 characters).  Writes the
 * name as ASCII (non-ASCII characters become '?') into name (cap bytes,
 * NUL-terminated) and the size into *size.  False when it does not decode.
 */
bool msn_p2p_context(const uint8_t *b64, size_t len, char *name, size_t cap, uint64_t *size);

/* Decodes base64 (RFC 4648, padding optional, no blanks) into out; -1 when malformed. */
long msn_base64(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

#endif
