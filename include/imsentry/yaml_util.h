/*
 * yaml_util.h - message helpers shared by the YAML loaders (config,
 * signatures): "file:line:col: message" errors at libyaml marks, printable
 * excerpts of scalars, and node kinds for "expected X, got Y".
 */
#ifndef IMSENTRY_YAML_UTIL_H
#define IMSENTRY_YAML_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

/*
 * Writes "name:line:col: " plus the formatted message into err (when err is
 * non-NULL and errlen > 0; line and col are 1-based) and returns rc.
 */
int ims_yaml_verror(char *err, size_t errlen, const char *name, size_t line, size_t col, int rc,
                    const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));

/* Copies a scalar for a message: printable ASCII only ('?' otherwise), cut at max with "...". */
const char *ims_yaml_quote(const yaml_event_t *ev, size_t max, char *out, size_t outlen);

/* How a node looks: "a scalar", "a sequence", "a mapping" or "nothing". */
const char *ims_yaml_kind(const yaml_event_t *ev);

/*
 * Describes libyaml's parse failure in err as "name:line:col: problem"
 * (reader errors carry only a byte offset into buf/len, turned into a line
 * and column here) and returns IMS_EPARSE, or IMS_ENOMEM for a memory error.
 */
int ims_yaml_parser_error(const yaml_parser_t *yp, const unsigned char *buf, size_t len,
                          const char *name, char *err, size_t errlen);

/*
 * Next event, refusing aliases (0, or a negative IMS_E* with err filled as
 * above).  On success the caller deletes ev.
 */
int ims_yaml_next(yaml_parser_t *yp, yaml_event_t *ev, const unsigned char *buf, size_t len,
                  const char *name, char *err, size_t errlen);

/* An empty plain scalar, "~", "null", "Null" or "NULL": a key with nothing after it. */
bool ims_yaml_is_null(const yaml_event_t *ev);

#endif
