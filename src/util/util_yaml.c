/* util_yaml.c - message helpers shared by the config and signature loaders. */
#include "imsentry/yaml_util.h"

#include <stdio.h>
#include <string.h>

#include "imsentry/err.h"

/* ims_yaml_verror with variadic arguments. */
static int ims_yaml_error(char *err, size_t errlen, const char *name, size_t line, size_t col,
                          int rc, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int ims_yaml_error(char *err, size_t errlen, const char *name, size_t line, size_t col,
                          int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = ims_yaml_verror(err, errlen, name, line, col, rc, fmt, ap);
    va_end(ap);
    return rc;
}

int ims_yaml_verror(char *err, size_t errlen, const char *name, size_t line, size_t col, int rc,
                    const char *fmt, va_list ap)
{
    int n;

    if (!err || errlen == 0)
        return rc;
    n = snprintf(err, errlen, "%s:%zu:%zu: ", name, line, col);
    if (n < 0 || (size_t)n >= errlen)
        return rc;
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    return rc;
}

const char *ims_yaml_quote(const yaml_event_t *ev, size_t max, char *out, size_t outlen)
{
    size_t n = 0, len = ev->data.scalar.length;
    const unsigned char *v = ev->data.scalar.value;

    if (!outlen)
        return out;
    for (size_t i = 0; i < len && n + 4 < outlen; i++) {
        if (i == max) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        out[n++] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '?';
    }
    out[n] = '\0';
    return out;
}

const char *ims_yaml_kind(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return "a scalar";
    case YAML_SEQUENCE_START_EVENT:
        return "a sequence";
    case YAML_MAPPING_START_EVENT:
        return "a mapping";
    default:
        return "nothing";
    }
}

int ims_yaml_parser_error(const yaml_parser_t *yp, const unsigned char *buf, size_t len,
                          const char *name, char *err, size_t errlen)
{
    const char *problem = yp->problem ? yp->problem : "YAML error";
    const yaml_mark_t *m = &yp->problem_mark;

    if (yp->error == YAML_MEMORY_ERROR) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", name);
        return IMS_ENOMEM;
    }
    if (yp->error == YAML_READER_ERROR) {
        /* The reader gives a byte offset only: count lines and characters up to it. */
        size_t line = 1, col = 1, end = yp->problem_offset < len ? yp->problem_offset : len;

        for (size_t i = 0; i < end; i++) {
            if (buf[i] == '\n') {
                line++;
                col = 1;
            } else if ((buf[i] & 0xc0) != 0x80) {
                col++;
            }
        }
        if (yp->problem_value != -1)
            return ims_yaml_error(err, errlen, name, line, col, IMS_EPARSE, "%s (#%X)", problem,
                                  (unsigned)yp->problem_value);
        return ims_yaml_error(err, errlen, name, line, col, IMS_EPARSE, "%s", problem);
    }
    if (yp->context)
        return ims_yaml_error(err, errlen, name, m->line + 1, m->column + 1, IMS_EPARSE,
                              "%s (%s)", problem, yp->context);
    return ims_yaml_error(err, errlen, name, m->line + 1, m->column + 1, IMS_EPARSE, "%s",
                          problem);
}

int ims_yaml_next(yaml_parser_t *yp, yaml_event_t *ev, const unsigned char *buf, size_t len,
                  const char *name, char *err, size_t errlen)
{
    yaml_mark_t m;

    if (!yaml_parser_parse(yp, ev))
        return ims_yaml_parser_error(yp, buf, len, name, err, errlen);
    if (ev->type == YAML_ALIAS_EVENT) {
        m = ev->start_mark;
        yaml_event_delete(ev);
        return ims_yaml_error(err, errlen, name, m.line + 1, m.column + 1, IMS_EPARSE,
                              "aliases are not supported");
    }
    return 0;
}

bool ims_yaml_is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;

    if (ev->type != YAML_SCALAR_EVENT || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}
