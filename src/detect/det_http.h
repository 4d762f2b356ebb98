/*
 * det_http.h - a parsed HTTP/1.x message (RFC 9112) as the HTTP detector
 * hands it to the detectors of HTTP-borne protocols (http_inspect).
 *
 * All pointers refer to the HTTP detector's buffers and are valid only
 * during the http_inspect call.  Header names compare case-insensitively.
 */
#ifndef IMSENTRY_DET_HTTP_H
#define IMSENTRY_DET_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most headers kept per message (the rest are skipped, counted). */
#define HTTP_MAX_HEADERS 48

struct http_span {
    const uint8_t *p; /* bytes, not NUL-terminated */
    size_t len;       /* length */
};

struct http_header {
    struct http_span name;  /* as on the wire */
    struct http_span value; /* leading/trailing whitespace trimmed; folded lines joined */
};

struct http_msg {
    bool is_request;         /* request (method, uri) or response (status) */
    struct http_span method; /* request method, e.g. GET, CONNECT */
    struct http_span uri;    /* request target as sent (absolute-form kept) */
    struct http_span path;   /* percent-decoded path of the target (no query), e.g. /config/login */
    struct http_span query;  /* raw query string after '?', not decoded */
    struct http_span host;   /* Host header, or the authority of an absolute-form target */
    struct http_span version;                     /* "HTTP/1.0", "HTTP/1.1" */
    int status;                                   /* response status code, 0 for requests */
    struct http_header headers[HTTP_MAX_HEADERS]; /* headers in order */
    unsigned n_headers;                           /* entries used */
    struct http_span body; /* the body bytes seen (may be partial; bounded) */
    bool absolute_form;    /* request target was absolute-form (forward proxy) */
    /* additions (http engineer) */
    struct http_span req_method; /* response: method of the request it answers ("" unknown) */
    uint32_t seq;       /* 0-based index of the request (for a response: the one it answers) */
    bool body_complete; /* body holds the whole body (not cut at HTTP_BODY_KEEP or a gap) */
    uint64_t body_seen; /* body bytes seen so far (decoded for chunked) */
};

/* First header named name (case-insensitive), or NULL. */
const struct http_span *http_header(const struct http_msg *m, const char *name);

/* Percent-decodes a query parameter's value into out (NUL-terminated); false when absent. */
bool http_query_param(const struct http_msg *m, const char *name, char *out, size_t outlen,
                      size_t *len);

/* True when span equals the C string ignoring ASCII case / starts with it. */
bool http_span_eq(const struct http_span *s, const char *str);
bool http_span_prefix(const struct http_span *s, const char *prefix);

/*
 * ---- the incremental HTTP/1.x parser (det_http_parse.c; RFC 9112) ----
 *
 * One struct http_conn per flow parses both directions: requests on the
 * client side, responses on the server side, pipelined, with bodies
 * delimited per RFC 9112 section 6.3 (Content-Length, chunked, until close,
 * none for HEAD/1xx/204/304) and skipped beyond a kept prefix.  Garbage
 * (a capture starting mid-body, a broken message) is skipped line by line
 * until the next valid start line.  The parser never allocates; every
 * buffer below is bounded by a limit in imsentry/limits.h.
 */
#include "imsentry/limits.h"

/* Malformed-input kinds the parser counts. */
enum http_anomaly {
    HTTP_ANOM_GARBAGE = 0,      /* bytes where a start line was expected (resync) */
    HTTP_ANOM_LINE_TOO_LONG,    /* start/header line over LIM_HTTP_LINE_MAX */
    HTTP_ANOM_HEAD_TOO_LARGE,   /* header block over LIM_HTTP_HEAD_MAX */
    HTTP_ANOM_BAD_HEADER,       /* header line without a valid name and colon */
    HTTP_ANOM_TOO_MANY_HEADERS, /* more than HTTP_MAX_HEADERS headers */
    HTTP_ANOM_BAD_LENGTH,       /* Content-Length not a number or conflicting */
    HTTP_ANOM_BAD_CHUNK,        /* chunk-size line or chunk framing broken */
    HTTP_ANOM_BAD_TE,           /* request Transfer-Encoding without final chunked */
    HTTP_ANOM_HOLD_OVERFLOW,    /* client bytes after CONNECT beyond LIM_HTTP_BODY_KEEP */
    HTTP_ANOM__COUNT
};

/* Parser position in one direction. */
enum http_mode {
    HTTP_MODE_START = 0,  /* before a start line (empty lines skipped) */
    HTTP_MODE_HEAD,       /* collecting the start line and header block */
    HTTP_MODE_SKIP_LINE,  /* discarding a garbage line up to its LF (resync) */
    HTTP_MODE_BODY_LEN,   /* Content-Length body: remain bytes left */
    HTTP_MODE_CHUNK_SIZE, /* chunk-size line (extensions skipped) */
    HTTP_MODE_CHUNK_DATA, /* chunk data: remain bytes left */
    HTTP_MODE_CHUNK_END,  /* the CRLF after chunk data */
    HTTP_MODE_TRAILER,    /* trailer lines after the last chunk */
    HTTP_MODE_BODY_EOF,   /* response body ended by the connection's close */
    HTTP_MODE_HOLD,       /* client bytes after CONNECT, held until the response */
    HTTP_MODE_TUNNEL,     /* CONNECT accepted: bytes are the tunnel's, not parsed */
    HTTP_MODE_OPAQUE      /* after 101 Switching Protocols: bytes ignored */
};

/* One direction's parser state. */
struct http_half {
    enum http_mode mode;              /* where the parser is */
    bool resyncing;                   /* skipping garbage: count the anomaly once per episode */
    bool msg_open;                    /* msg holds a parsed head whose body is being read */
    bool msg_sent;                    /* msg was already handed to the callback */
    size_t head_len;                  /* bytes used in head */
    size_t line_start;                /* offset in head of the line being collected */
    uint64_t remain;                  /* body / chunk bytes still to come */
    uint64_t chunk_size;              /* chunk-size being read */
    unsigned chunk_digits;            /* hex digits read in the chunk-size line */
    unsigned line_len;                /* bytes of the current chunk-size/trailer line */
    bool chunk_ext;                   /* past the chunk-size digits (extension or whitespace) */
    size_t body_len;                  /* bytes used in body (body prefix, or held CONNECT bytes) */
    uint64_t hold_dropped;            /* held bytes dropped past the body buffer */
    struct http_msg msg;              /* the message being read (spans into head, body, path) */
    uint8_t head[LIM_HTTP_HEAD_MAX];  /* start line + header block as received */
    uint8_t body[LIM_HTTP_BODY_KEEP]; /* body prefix kept (client: bytes held after CONNECT) */
    uint8_t path[LIM_HTTP_PATH_MAX];  /* percent-decoded path of the request target */
};

/* A request waiting for its response (pipelining). */
struct http_pending_req {
    uint32_t seq;                     /* request index */
    uint8_t method_len;               /* bytes in method */
    char method[LIM_HTTP_METHOD_MAX]; /* its method (HEAD and CONNECT change the response) */
};

/* Both directions of one HTTP connection. */
struct http_conn {
    struct http_half half[2]; /* [0] client side (requests), [1] server side (responses) */
    struct http_pending_req fifo[LIM_HTTP_PIPELINE]; /* requests awaiting responses, oldest first */
    unsigned fifo_head;                              /* index of the oldest entry */
    unsigned fifo_len;                               /* entries used */
    uint32_t n_req;                                  /* requests parsed */
    uint32_t n_resp;                                 /* final (non-1xx) responses parsed */
    bool tunnel;                  /* a CONNECT was accepted: both sides are tunnel bytes now */
    bool replay_hold;             /* a CONNECT was refused: re-parse the held client bytes once
                                     its response is over */
    struct http_span resp_method; /* scratch: req_method of the response being built */
    char resp_method_buf[LIM_HTTP_METHOD_MAX]; /* storage for resp_method */
    uint32_t anomalies[HTTP_ANOM__COUNT];      /* malformed-input counts by kind */
};

/* What the parser reports.  Either callback may be NULL. */
struct http_parser_cb {
    /* A message: head parsed, body complete or its kept prefix full (once per message). */
    void (*message)(void *user, bool from_client, const struct http_msg *m);
    /* Malformed input of one kind was seen. */
    void (*anomaly)(void *user, enum http_anomaly a);
};

/* Zeroes a connection's parser (both sides expecting a start line). */
void http_conn_init(struct http_conn *c);

/*
 * Feeds len in-order bytes of one side.  Returns the bytes consumed: less
 * than len only when the side switched to tunnel mode (the rest, and every
 * later byte of the side, belongs to the tunnel; http_conn_tunnel()).
 */
size_t http_conn_feed(struct http_conn *c, bool from_client, const uint8_t *data, size_t len,
                      const struct http_parser_cb *cb, void *user);

/* len bytes of a side were lost: bodies skip them, other states resynchronise. */
void http_conn_gap(struct http_conn *c, bool from_client, uint64_t len,
                   const struct http_parser_cb *cb, void *user);

/* A side ended: a body delimited by close is complete; a pending message is reported. */
void http_conn_eof(struct http_conn *c, bool from_client, const struct http_parser_cb *cb,
                   void *user);

/* True once a CONNECT was accepted (both sides carry tunnel bytes from then on). */
bool http_conn_tunnel(const struct http_conn *c);

/*
 * Client bytes held after the accepted CONNECT's headers (sent before the
 * response was seen): *dropped counts bytes beyond the kept buffer.  The
 * hold is emptied.  Returns the held bytes' length.
 */
size_t http_conn_take_hold(struct http_conn *c, const uint8_t **data, uint64_t *dropped);

/* What the start of a direction looks like (http_probe_start). */
enum http_start_kind {
    HTTP_START_NO = -1,     /* not an HTTP/1.x start line */
    HTTP_START_MORE = 0,    /* a plausible prefix: need more bytes */
    HTTP_START_REQUEST = 1, /* a request line with a known method and HTTP/1.x */
    HTTP_START_RESPONSE = 2 /* a status line "HTTP/1.x NNN" */
};

/*
 * Classifies the first bytes of a direction (leading empty lines skipped):
 * a complete request line whose method is a registered HTTP or WebDAV
 * method, or a complete status line.  Lines over LIM_HTTP_LINE_MAX are no.
 */
enum http_start_kind http_probe_start(const uint8_t *buf, size_t len);

/* Percent-decodes src into out (at most outlen bytes); returns the decoded length. */
size_t http_pct_decode(const uint8_t *src, size_t len, uint8_t *out, size_t outlen,
                       bool plus_is_space);

#endif
