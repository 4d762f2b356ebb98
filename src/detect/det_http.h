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
    bool is_request;          /* request (method, uri) or response (status) */
    struct http_span method;  /* request method, e.g. GET, CONNECT */
    struct http_span uri;     /* request target as sent (absolute-form kept) */
    struct http_span path;    /* percent-decoded path of the target (no query), e.g. /config/login */
    struct http_span query;   /* raw query string after '?', not decoded */
    struct http_span host;    /* Host header, or the authority of an absolute-form target */
    struct http_span version; /* "HTTP/1.0", "HTTP/1.1" */
    int status;               /* response status code, 0 for requests */
    struct http_header headers[HTTP_MAX_HEADERS]; /* headers in order */
    unsigned n_headers;       /* entries used */
    struct http_span body;    /* the body bytes seen (may be partial; bounded) */
    bool absolute_form;       /* request target was absolute-form (forward proxy) */
};

/* First header named name (case-insensitive), or NULL. */
const struct http_span *http_header(const struct http_msg *m, const char *name);

/* Percent-decodes a query parameter's value into out (NUL-terminated); false when absent. */
bool http_query_param(const struct http_msg *m, const char *name, char *out, size_t outlen,
                      size_t *len);

/* True when span equals the C string ignoring ASCII case / starts with it. */
bool http_span_eq(const struct http_span *s, const char *str);
bool http_span_prefix(const struct http_span *s, const char *prefix);

#endif
