/* util_yaml.c - message helpers shared by the config and signature loaders. */
#include "imsentry/yaml_util.h"

#include <stdio.h>
#include <string.h>

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
