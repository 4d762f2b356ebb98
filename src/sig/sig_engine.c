/*
 * sig_engine.c - the signature engine's life: reads signature files (one
 * file, or a directory's *.yaml and *.yml files in name order), hands each
 * to the parser (sig_load.c), then compiles: duplicate ids across every
 * file, the per-direction history size, event signatures grouped by event
 * type, and the pattern automaton (sig_ac.c).
 */
#include "sig_priv.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "imsentry/err.h"

void sig_engine_free(struct sig_engine *se)
{
    struct sig_file *f, *next;

    if (!se)
        return;
    for (unsigned i = 0; i < se->n_sigs; i++)
        sig_release(&se->sigs[i]);
    free(se->sigs);
    for (f = se->files; f; f = next) {
        next = f->next;
        free(f->name);
        free(f);
    }
    sig_ac_free(&se->ac);
    free(se->by_id_sorted);
    free(se->ev_sigs);
    free(se);
}

/* Reads a file of at most LIM_SIG_FILE_MAX bytes. */
static int sl_read_file(const char *path, char **out, size_t *out_len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0, cap = 0, got;
    char *buf = NULL, *g;
    int rc = 0;

    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return IMS_EIO;
    }
    do {
        if (len == cap) {
            if (cap > LIM_SIG_FILE_MAX) {
                snprintf(err, errlen, "%s: larger than %u bytes", path, (unsigned)LIM_SIG_FILE_MAX);
                rc = IMS_ELIMIT;
                goto out;
            }
            cap = cap ? cap * 2 : 8192;
            g = realloc(buf, cap + 1);
            if (!g) {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = IMS_ENOMEM;
                goto out;
            }
            buf = g;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        rc = IMS_EIO;
    } else if (len > LIM_SIG_FILE_MAX) {
        snprintf(err, errlen, "%s: larger than %u bytes", path, (unsigned)LIM_SIG_FILE_MAX);
        rc = IMS_ELIMIT;
    }
out:
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

static int sl_load_file(struct sig_engine *se, const char *path, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = sl_read_file(path, &buf, &len, err, errlen);

    if (rc)
        return rc;
    rc = sig_parse_text(se, path, buf, len, err, errlen);
    free(buf);
    return rc;
}

static int sl_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True for "x.yaml" / "x.yml" that is not hidden. */
static bool sl_is_sig_file(const char *n)
{
    size_t l = strlen(n);

    if (n[0] == '.')
        return false;
    return (l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0);
}

/* Loads every .yaml / .yml file of a directory, in name order. */
static int sl_load_dir(struct sig_engine *se, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    unsigned n = 0;
    struct dirent *de;
    int rc = 0;

    if (!d) {
        snprintf(err, errlen, "%s: cannot open: %s", dir, strerror(errno));
        return IMS_EIO;
    }
    names = calloc(LIM_SIG_FILES, sizeof(char *));
    if (!names) {
        closedir(d);
        snprintf(err, errlen, "%s: out of memory", dir);
        return IMS_ENOMEM;
    }
    while ((de = readdir(d)) != NULL) {
        if (!sl_is_sig_file(de->d_name))
            continue;
        if (n == LIM_SIG_FILES) {
            snprintf(err, errlen, "%s: more than %u signature files", dir, (unsigned)LIM_SIG_FILES);
            rc = IMS_ELIMIT;
            goto out;
        }
        if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0) {
            names[n] = NULL;
            snprintf(err, errlen, "%s: out of memory", dir);
            rc = IMS_ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof(char *), sl_cmp_str);
    for (unsigned i = 0; i < n && rc == 0; i++)
        rc = sl_load_file(se, names[i], err, errlen);
out:
    closedir(d);
    for (unsigned i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Sorting signature indexes by (id, load order); arg is the signature array. */
static int sl_cmp_id(const void *a, const void *b, void *arg)
{
    const struct sig *sigs = arg;
    uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
    const struct sig *x = &sigs[ia], *y = &sigs[ib];

    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

/* Bytes of one direction a signature's verification can need to look back (capped). */
static uint64_t sl_lookback(const struct sig *s)
{
    uint64_t absmax = 0, rel = 0;

    if (s->n_contents == 1)
        return s->contents[0].len;
    for (unsigned i = 0; i < s->n_contents; i++) {
        const struct sig_content *c = &s->contents[i];

        if (c->relative) {
            if (!c->has_within)
                return LIM_SIG_HISTORY;
            rel += (uint64_t)(c->distance < 0 ? -(int64_t)c->distance : c->distance) + c->within;
        } else {
            if (!c->has_depth)
                return LIM_SIG_HISTORY;
            if ((uint64_t)c->offset + c->depth > absmax)
                absmax = (uint64_t)c->offset + c->depth;
        }
    }
    return absmax + rel;
}

/* Checks ids, sizes the history and builds the automaton. */
static int sl_compile(struct sig_engine *se, char *err, size_t errlen)
{
    uint64_t need = 0;
    int dup = -1;

    se->by_id_sorted = malloc((se->n_sigs ? se->n_sigs : 1) * sizeof(uint32_t));
    if (!se->by_id_sorted) {
        snprintf(err, errlen, "out of memory");
        return IMS_ENOMEM;
    }
    for (unsigned i = 0; i < se->n_sigs; i++) {
        se->by_id_sorted[i] = i;
        se->sigs[i].idx = i;
    }
    qsort_r(se->by_id_sorted, se->n_sigs, sizeof(uint32_t), sl_cmp_id, se->sigs);
    /* The first duplicate in load order is reported, naming the first of its id. */
    for (unsigned i = 1; i < se->n_sigs; i++) {
        uint32_t a = se->by_id_sorted[i - 1], b = se->by_id_sorted[i];

        if (se->sigs[a].id == se->sigs[b].id && (dup < 0 || b < (unsigned)dup) &&
            (i < 2 || se->sigs[se->by_id_sorted[i - 2]].id != se->sigs[b].id))
            dup = (int)b;
    }
    if (dup >= 0) {
        const struct sig *d = &se->sigs[dup], *first = NULL;

        for (unsigned i = 0; i < se->n_sigs && !first; i++)
            if (se->sigs[i].id == d->id)
                first = &se->sigs[i];
        snprintf(err, errlen, "%s:%u:%u: duplicate id %u (first at %s:%u)", d->file, d->line,
                 d->col, d->id, first->file, first->line);
        return IMS_EINVAL;
    }
    for (unsigned i = 0; i < se->n_sigs; i++) {
        uint64_t lb;

        if (!se->sigs[i].n_contents)
            continue;
        se->has_content = true;
        lb = sl_lookback(&se->sigs[i]);
        if (lb > need)
            need = lb;
    }
    if (need > LIM_SIG_HISTORY)
        need = LIM_SIG_HISTORY;
    /* Event signatures grouped by event type, in load order. */
    se->ev_sigs = malloc((se->n_sigs ? se->n_sigs : 1) * sizeof(uint32_t));
    if (!se->ev_sigs) {
        snprintf(err, errlen, "out of memory");
        return IMS_ENOMEM;
    }
    memset(se->ev_start, 0, sizeof(se->ev_start));
    for (unsigned i = 0; i < se->n_sigs; i++)
        if (se->sigs[i].event >= 0)
            se->ev_start[se->sigs[i].event + 1]++;
    for (unsigned t = 0; t < APP_EVENT__COUNT; t++)
        se->ev_start[t + 1] += se->ev_start[t];
    {
        uint32_t fill[APP_EVENT__COUNT] = {0};

        for (unsigned i = 0; i < se->n_sigs; i++) {
            int t = se->sigs[i].event;

            if (t >= 0)
                se->ev_sigs[se->ev_start[t] + fill[t]++] = i;
        }
    }
    se->history = 0;
    if (need) {
        se->history = 16;
        while (se->history < need)
            se->history *= 2;
    }
    return sig_ac_build(se, err, errlen);
}

static struct sig_engine *sl_finish(struct sig_engine *se, int rc, char *err, size_t errlen)
{
    if (rc == 0)
        rc = sl_compile(se, err, errlen);
    if (rc) {
        sig_engine_free(se);
        return NULL;
    }
    return se;
}

struct sig_engine *sig_engine_load_buffer(const char *name, const char *buf, size_t len, char *err,
                                          size_t errlen)
{
    struct sig_engine *se;
    char dummy[8];

    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    err[0] = '\0';
    if (!buf && len)
        return NULL;
    se = calloc(1, sizeof(*se));
    if (!se) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return sl_finish(se, sig_parse_text(se, name, buf, len, err, errlen), err, errlen);
}

struct sig_engine *sig_engine_load(const char *path, char *err, size_t errlen)
{
    struct sig_engine *se;
    struct stat sb;
    char dummy[8];
    int rc;

    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    err[0] = '\0';
    if (!path) {
        snprintf(err, errlen, "no signature path");
        return NULL;
    }
    if (stat(path, &sb) != 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    se = calloc(1, sizeof(*se));
    if (!se) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (S_ISDIR(sb.st_mode))
        rc = sl_load_dir(se, path, err, errlen);
    else
        rc = sl_load_file(se, path, err, errlen);
    return sl_finish(se, rc, err, errlen);
}

unsigned sig_engine_count(const struct sig_engine *se)
{
    return se ? se->n_sigs : 0;
}

size_t sig_engine_history(const struct sig_engine *se)
{
    return se ? se->history : 0;
}

const char *sig_engine_msg(const struct sig_engine *se, uint32_t sid)
{
    unsigned lo = 0, hi;

    if (!se)
        return NULL;
    hi = se->n_sigs;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const struct sig *s = &se->sigs[se->by_id_sorted[mid]];

        if (s->id == sid)
            return s->msg;
        if (s->id < sid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
