/*
 * yaml_util.h - message helpers shared by the YAML loaders (config,
 * signatures): "file:line:col: message" errors at libyaml marks, printable
 * excerpts of scalars, and node kinds for "expected X, got Y".
 */
#ifndef IMSENTRY_YAML_UTIL_H
#define IMSENTRY_YAML_UTIL_H

#include <stdarg.h>
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

#endif
