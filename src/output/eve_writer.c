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
    free(ev);
}

const char *eve_path(const struct eve *ev)
{
    return ev ? ev->path : "";
}

void eve_emit(struct eve *ev, json_t *obj)
{
    char *line;
    size_t len;

    if (!obj) {
        eve_count(ev, STAT_EVE_ENCODE_ERRORS);
        return;
    }
    /* jansson keeps insertion order; the whole line is built before it reaches the stream */
    line = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!line) {
        eve_count(ev, STAT_EVE_ENCODE_ERRORS);
        return;
    }
    len = strlen(line);
    if (!ev->fp) {
        eve_write_failed(ev, EBADF);
    } else if (fwrite(line, 1, len, ev->fp) != len || putc('\n', ev->fp) == EOF) {
        eve_write_failed(ev, errno);
    } else {
        eve_count(ev, STAT_EVE_EVENTS);
    }
    free(line);
}
