/*
 * eve_writer.c - the eve.json file: creation (with its directory and
 * parents), buffered writing of one JSON object per line, flush, reopen on
 * SIGHUP for log rotation, close.
 *
 * The file names people, so it is created mode 0640 whatever the umask
 * (fchmod after an exclusive create); an existing file keeps its mode and
 * is appended to.  A failed write is counted (eve.write_errors) and logged
 * once: losing a line never stops the sensor.
 */
#include "imsentry/output.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eve_private.h"
#include "imsentry/err.h"
#include "imsentry/log.h"

/* Mode of a created eve.json: owner read/write, group read. */
#define EVE_FILE_MODE 0640
/* Mode of a created log directory (and its parents). */
#define EVE_DIR_MODE 0750
/* First size of the reused line buffer; it doubles as events need (most lines are < 1 KB). */
#define EVE_LINE_INIT 4096
/* Deepest nesting the line encoder writes itself; deeper trees go to json_dumps(). */
#define EVE_ENCODE_MAX_DEPTH 32

void eve_count(struct eve *ev, enum stat_id id)
{
    stats_inc(ev->st, id);
}

/* Creates dir and every missing parent ("mkdir -p"); 0 or -errno. */
static int eve_mkdirs(const char *dir)
{
    size_t n = strlen(dir);
    char *tmp;
    struct stat sb;
    int rc = 0;

    if (n == 0)
        return -ENOENT;
    tmp = malloc(n + 1);
    if (!tmp)
        return -ENOMEM;
    memcpy(tmp, dir, n + 1);
    /* each prefix ending before a '/', then the whole path */
    for (size_t i = 1; i <= n; i++) {
        if (i < n && tmp[i] != '/')
            continue;
        tmp[i] = '\0';
        if (mkdir(tmp, EVE_DIR_MODE) != 0 && errno != EEXIST) {
            rc = -errno;
            goto out_free;
        }
        if (i < n)
            tmp[i] = '/';
    }
    if (stat(dir, &sb) != 0)
        rc = -errno;
    else if (!S_ISDIR(sb.st_mode))
        rc = -ENOTDIR;
out_free:
    free(tmp);
    return rc;
}

/*
 * Opens path for appending: created 0640 if missing (regardless of umask),
 * appended to if present.  Returns a buffered stream; *bufp receives the
 * stdio buffer the caller frees after fclose().  NULL with errno set.
 */
static FILE *eve_open_file(const char *path, uint32_t bufsize, char **bufp)
{
    const int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY;
    int fd, saved;
    FILE *fp;
    char *buf = NULL;

    *bufp = NULL;
    fd = open(path, flags | O_CREAT | O_EXCL, EVE_FILE_MODE);
    if (fd >= 0) {
        if (fchmod(fd, EVE_FILE_MODE) != 0)
            goto out_close;
    } else if (errno == EEXIST) {
        fd = open(path, flags);
        if (fd < 0)
            return NULL;
    } else {
        return NULL;
    }
    fp = fdopen(fd, "a");
    if (!fp)
        goto out_close;
    if (bufsize > 0) {
        buf = malloc(bufsize);
        if (!buf || setvbuf(fp, buf, _IOFBF, bufsize) != 0) {
            free(buf);
            buf = NULL;
            setvbuf(fp, NULL, _IOFBF, 0);
        }
    } else {
        setvbuf(fp, NULL, _IONBF, 0);
    }
    *bufp = buf;
    return fp;

out_close:
    saved = errno;
    close(fd);
    errno = saved;
    return NULL;
}

struct eve *eve_open(const char *logdir, const struct config *cfg, struct stats *st, char *err,
                     size_t errlen)
{
    struct eve *ev;
    size_t dlen, flen;
    int rc;

    if (!logdir || !*logdir)
        logdir = ".";
    if (!cfg) {
        snprintf(err, errlen, "EVE output opened without a configuration");
        return NULL;
    }
    ev = calloc(1, sizeof(*ev));
    if (!ev) {
        snprintf(err, errlen, "out of memory opening the EVE output");
        return NULL;
    }
    ev->cfg = *cfg;
    ev->st = st ? st : &ev->own_stats;
    flen = strnlen(ev->cfg.eve_filename, sizeof(ev->cfg.eve_filename));
    if (flen == 0 || flen == sizeof(ev->cfg.eve_filename) ||
        memchr(ev->cfg.eve_filename, '/', flen) || strcmp(ev->cfg.eve_filename, "..") == 0 ||
        strcmp(ev->cfg.eve_filename, ".") == 0) {
        snprintf(err, errlen, "outputs.eve.filename \"%.*s\": must be a plain file name", (int)flen,
                 ev->cfg.eve_filename);
        goto out_free;
    }
    dlen = strlen(logdir);
    ev->path = malloc(dlen + 1 + flen + 1);
    if (!ev->path) {
        snprintf(err, errlen, "out of memory opening the EVE output");
        goto out_free;
    }
    memcpy(ev->path, logdir, dlen);
    ev->path[dlen] = '/';
    memcpy(ev->path + dlen + 1, ev->cfg.eve_filename, flen);
    ev->path[dlen + 1 + flen] = '\0';

    rc = eve_mkdirs(logdir);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot create log directory: %s", logdir, strerror(-rc));
        goto out_free;
    }
    ev->fp = eve_open_file(ev->path, ev->cfg.eve_buffer_size, &ev->buf);
    if (!ev->fp) {
        snprintf(err, errlen, "%s: cannot open: %s", ev->path, strerror(errno));
        goto out_free;
    }
    return ev;

out_free:
    free(ev->path);
    free(ev);
    return NULL;
}

/* Counts and (once) logs a failed write or flush; the stream is usable again afterwards. */
static void eve_write_failed(struct eve *ev, int errnum)
{
    eve_count(ev, STAT_EVE_WRITE_ERRORS);
    if (!ev->warned_write) {
        ev->warned_write = true;
        log_warn("%s: write failed: %s (events are being lost; counted in eve.write_errors)",
                 ev->path, strerror(errnum));
    }
    if (ev->fp)
        clearerr(ev->fp);
}

/* Closes the current stream (its last lines are flushed) and frees its buffer. */
static void eve_close_file(struct eve *ev)
{
    FILE *fp = ev->fp;

    /* the stream is gone whatever fclose() says: never touch it again */
    ev->fp = NULL;
    if (fp && fclose(fp) != 0)
        eve_write_failed(ev, errno);
    free(ev->buf);
    ev->buf = NULL;
}

int eve_reopen(struct eve *ev)
{
    FILE *fp;
    char *buf;

    if (!ev)
        return IMS_EINVAL;
    /* open the new file first: if that fails, keep writing to the old one */
    fp = eve_open_file(ev->path, ev->cfg.eve_buffer_size, &buf);
    if (!fp) {
        log_warn("%s: cannot reopen: %s", ev->path, strerror(errno));
        return IMS_EIO;
    }
    eve_close_file(ev);
    ev->fp = fp;
    ev->buf = buf;
    eve_count(ev, STAT_EVE_REOPENS);
    return IMS_OK;
}

void eve_flush(struct eve *ev)
{
    if (!ev || !ev->fp)
        return;
    if (fflush(ev->fp) != 0)
        eve_write_failed(ev, errno);
}

void eve_close(struct eve *ev)
{
    if (!ev)
        return;
    eve_close_file(ev);
    free(ev->path);
    free(ev->line);
    free(ev);
}

const char *eve_path(const struct eve *ev)
{
    return ev ? ev->path : "";
}

/* Makes room for n more bytes in the line buffer; false when out of memory. */
static bool eve_line_reserve(struct eve *ev, size_t n)
{
    size_t cap = ev->line_cap ? ev->line_cap : EVE_LINE_INIT;
    char *p;

    if (n <= ev->line_cap - ev->line_len)
        return true;
    if (n > SIZE_MAX / 2 - ev->line_len)
        return false;
    while (cap - ev->line_len < n)
        cap *= 2;
    p = realloc(ev->line, cap);
    if (!p)
        return false;
    ev->line = p;
    ev->line_cap = cap;
    return true;
}

/* Appends n bytes to the line buffer. */
bool eve_line_put(struct eve *ev, const char *s, size_t n)
{
    if (!eve_line_reserve(ev, n))
        return false;
    memcpy(ev->line + ev->line_len, s, n);
    ev->line_len += n;
    return true;
}

/*
 * Length of the well-formed UTF-8 sequence that starts s[0] (>= 0x80) of
 * the n bytes left, 0 if it is not one (overlong, surrogate, past U+10FFFF,
 * truncated): the sequences jansson accepts.
 */
static size_t eve_utf8_len(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;

    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0)
            lo = 0xA0;
        else if (s[0] == 0xED)
            hi = 0x9F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0)
            lo = 0x90;
        else if (s[0] == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

/*
 * Appends s as a JSON string exactly as jansson's dump_string() writes it
 * without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH: '"' and '\' escaped,
 * \b \f \n \r \t, other controls as \u00XX (upper-case hex), the rest
 * (UTF-8 included) as is.  False on invalid UTF-8 (jansson would fail too)
 * or out of memory.
 */
static bool eve_line_string(struct eve *ev, const char *str, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run;
    char esc[6];
    size_t elen;

    /* worst case every byte becomes 6 characters, plus the quotes */
    if (len > (SIZE_MAX - 2) / 6 || !eve_line_reserve(ev, len * 6 + 2))
        return false;
    ev->line[ev->line_len++] = '"';
    while (i < len) {
        run = i;
        while (run < len && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
            run++;
        memcpy(ev->line + ev->line_len, s + i, run - i);
        ev->line_len += run - i;
        i = run;
        if (i >= len)
            break;
        if (s[i] >= 0x80) {
            size_t n = eve_utf8_len(s + i, len - i);

            if (n == 0)
                return false;
            memcpy(ev->line + ev->line_len, s + i, n);
            ev->line_len += n;
            i += n;
            continue;
        }
        esc[0] = '\\';
        elen = 2;
        switch (s[i]) {
        case '"':
        case '\\':
            esc[1] = (char)s[i];
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[s[i] >> 4];
            esc[5] = hex[s[i] & 0x0F];
            elen = 6;
            break;
        }
        memcpy(ev->line + ev->line_len, esc, elen);
        ev->line_len += elen;
        i++;
    }
    ev->line[ev->line_len++] = '"';
    return true;
}

/* Appends a JSON integer in decimal, as jansson's "%" JSON_INTEGER_FORMAT. */
bool eve_line_integer(struct eve *ev, json_int_t v)
{
    char digits[24];
    size_t n = sizeof(digits);
    /* magnitude in unsigned arithmetic: -INT64_MIN does not fit a json_int_t */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        digits[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        digits[--n] = '-';
    return eve_line_put(ev, digits + n, sizeof(digits) - n);
}

/*
 * Appends v as json_dumps(v, JSON_COMPACT) writes it (objects in insertion
 * order, "," and ":" without spaces).  False for what this encoder leaves
 * to jansson (reals, too deep a tree, invalid UTF-8) and on out of memory:
 * the caller then falls back to json_dumps().
 */
static bool eve_line_value(struct eve *ev, json_t *v, unsigned depth)
{
    if (depth > EVE_ENCODE_MAX_DEPTH)
        return false;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        bool first = true;

        if (!eve_line_put(ev, "{", 1))
            return false;
        for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
            const char *key = json_object_iter_key(it);
#if JANSSON_VERSION_HEX >= 0x020e00
            size_t klen = json_object_iter_key_len(it);
#else
            size_t klen = strlen(key);
#endif

            if ((!first && !eve_line_put(ev, ",", 1)) || !eve_line_string(ev, key, klen) ||
                !eve_line_put(ev, ":", 1) ||
                !eve_line_value(ev, json_object_iter_value(it), depth + 1))
                return false;
            first = false;
        }
        return eve_line_put(ev, "}", 1);
    }
    case JSON_ARRAY:
        if (!eve_line_put(ev, "[", 1))
            return false;
        for (size_t i = 0; i < json_array_size(v); i++) {
            if ((i > 0 && !eve_line_put(ev, ",", 1)) ||
                !eve_line_value(ev, json_array_get(v, i), depth + 1))
                return false;
        }
        return eve_line_put(ev, "]", 1);
    case JSON_STRING:
        return eve_line_string(ev, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return eve_line_integer(ev, json_integer_value(v));
    case JSON_TRUE:
        return eve_line_put(ev, "true", 4);
    case JSON_FALSE:
        return eve_line_put(ev, "false", 5);
    case JSON_NULL:
        return eve_line_put(ev, "null", 4);
    case JSON_REAL:
    default:
        return false;
    }
}

bool eve_line_ascii(struct eve *ev, const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];

        if (b < 0x20 || b > 0x7E || b == '"' || b == '\\')
            return false;
    }
    if (!eve_line_reserve(ev, n + 2))
        return false;
    ev->line[ev->line_len++] = '"';
    memcpy(ev->line + ev->line_len, s, n);
    ev->line_len += n;
    ev->line[ev->line_len++] = '"';
    return true;
}

void eve_line_reset(struct eve *ev)
{
    ev->line_len = 0;
}

/* Writes len bytes of line and a newline to the file, counting the event or the failure. */
static void eve_write_line(struct eve *ev, const char *line, size_t len)
{
    if (!ev->fp) {
        eve_write_failed(ev, EBADF);
    } else if (fwrite(line, 1, len, ev->fp) != len || putc('\n', ev->fp) == EOF) {
        eve_write_failed(ev, errno);
    } else {
        eve_count(ev, STAT_EVE_EVENTS);
    }
}

void eve_line_emit(struct eve *ev)
{
    eve_write_line(ev, ev->line, ev->line_len);
}

void eve_emit(struct eve *ev, json_t *obj)
{
    char *line;

    if (!obj) {
        eve_count(ev, STAT_EVE_ENCODE_ERRORS);
        return;
    }
    /*
     * The whole line is built before it reaches the stream, in a buffer kept
     * between events: json_dumps() costs a malloc per growth step and a
     * UTF-8 decode per character, the dominant cost of writing flow events.
     * Its output is reproduced byte for byte; what the fast encoder leaves
     * to it still goes through it.
     */
    ev->line_len = 0;
    if (json_is_object(obj) && eve_line_value(ev, obj, 0)) {
        json_decref(obj);
        eve_write_line(ev, ev->line, ev->line_len);
        return;
    }
    line = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!line) {
        eve_count(ev, STAT_EVE_ENCODE_ERRORS);
        return;
    }
    eve_write_line(ev, line, strlen(line));
    free(line);
}
