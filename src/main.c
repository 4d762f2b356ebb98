/*
 * main.c - command line, start-up and shutdown; wires the stages together.
 *
 *   imsentry -r FILE [-r FILE ...] [-l LOGDIR] [-c CONFIG] [-S SIGNATURES] [-f BPF]
 *   imsentry -i IFACE [-l LOGDIR] [-c CONFIG] [-S SIGNATURES] [-f BPF] [-u USER]
 *   imsentry -T [-c CONFIG] [-S SIGNATURES]
 *
 * Exit status: 0 when the run finished (damaged captures are warnings),
 * 1 for usage, config, signature or start-up errors.  The signal flags
 * below are the only mutable globals: signal handlers can reach nothing else.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "imsentry/capture.h"
#include "imsentry/config.h"
#include "imsentry/log.h"
#include "imsentry/output.h"
#include "imsentry/sig.h"
#include "imsentry/stats.h"

#ifndef IMSENTRY_SIGDIR
#define IMSENTRY_SIGDIR "/usr/share/imsentry/signatures"
#endif

/* Most -r files on one command line. */
#define MAIN_MAX_FILES 4096
/* Packets between looks at the wall clock (progress, live timers). */
#define MAIN_CLOCK_EVERY 4096

static volatile sig_atomic_t g_stop;   /* SIGINT/SIGTERM: finish and exit */
static volatile sig_atomic_t g_reopen; /* SIGHUP: reopen eve.json */

struct options {
    const char *files[MAIN_MAX_FILES]; /* -r, in order */
    unsigned n_files;                  /* -r count */
    const char *iface;                 /* -i */
    const char *logdir;                /* -l */
    const char *config_path;           /* -c */
    const char *sig_path;              /* -S */
    const char *bpf;                   /* -f */
    const char *user;                  /* -u */
    bool test_only;                    /* -T */
    bool quiet;                        /* -q: no progress or summary */
};

/* What the run did, for the closing summary. */
struct run_totals {
    unsigned files_done;      /* files read */
    unsigned files_truncated; /* files that ended in an error */
    double t0;                /* monotonic start */
    double last_progress;     /* monotonic time of the last progress line */
    double last_stats;        /* monotonic time of the last live stats event */
    double last_flush;        /* monotonic time of the last live flush */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: imsentry -r FILE [-r FILE ...] [-l LOGDIR] [-c CONFIG] [-S SIGNATURES] "
            "[-f BPF]\n"
            "       imsentry -i IFACE [-l LOGDIR] [-c CONFIG] [-S SIGNATURES] [-f BPF] "
            "[-u USER]\n"
            "       imsentry -T [-c CONFIG] [-S SIGNATURES]\n"
            "\n"
            "  -r FILE        read a pcap or pcapng file (repeatable, in order)\n"
            "  -i IFACE       capture live on IFACE\n"
            "  -l LOGDIR      directory for eve.json (default: current directory)\n"
            "  -c CONFIG      YAML configuration (default: built-in defaults)\n"
            "  -S SIGNATURES  signature file or directory (default: %s)\n"
            "  -f BPF         capture filter\n"
            "  -u USER        drop root privileges to USER once the capture is open\n"
            "  -T             check the configuration and signatures, then exit\n"
            "  -q             no progress line or closing summary\n"
            "  -V             print the version\n",
            IMSENTRY_SIGDIR);
}

static double now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    g_reopen = 1;
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static int parse_args(int argc, char **argv, struct options *o)
{
    int c;

    memset(o, 0, sizeof(*o));
    while ((c = getopt(argc, argv, "r:i:l:c:S:f:u:TqVh")) != -1) {
        switch (c) {
        case 'r':
            if (o->n_files >= MAIN_MAX_FILES) {
                log_err("too many -r files (at most %d)", MAIN_MAX_FILES);
                return -1;
            }
            o->files[o->n_files++] = optarg;
            break;
        case 'i':
            o->iface = optarg;
            break;
        case 'l':
            o->logdir = optarg;
            break;
        case 'c':
            o->config_path = optarg;
            break;
        case 'S':
            o->sig_path = optarg;
            break;
        case 'f':
            o->bpf = optarg;
            break;
        case 'u':
            o->user = optarg;
            break;
        case 'T':
            o->test_only = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'V':
            printf("imsentry %s\n", IMSENTRY_VERSION);
            exit(0);
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        log_err("unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (o->test_only)
        return 0;
    if ((o->n_files > 0) == (o->iface != NULL)) {
        log_err("give either -r FILE or -i IFACE");
        usage(stderr);
        return -1;
    }
    if (o->user && !o->iface) {
        log_err("-u only applies to live capture (-i)");
        return -1;
    }
    if (!o->logdir)
        o->logdir = ".";
    return 0;
}

/* Loads and compiles the signatures; errors name file:line:col. */
static struct sig_engine *load_signatures(const char *path)
{
    struct sig_engine *se;
    struct stat sb;
    char err[1024];

    if (stat(path, &sb) != 0) {
        log_err("%s: signatures not found: %s", path, strerror(errno));
        return NULL;
    }
    se = sig_engine_load(path, err, sizeof(err));
    if (!se)
        log_err("%s", err);
    return se;
}

/* Most directory levels of -l that imsentry creates and hands to the -u user. */
#define MAIN_MAX_NEW_DIRS 32

/* Directories of logdir that do not exist yet, deepest first (imsentry will create them). */
struct new_dirs {
    char path[MAIN_MAX_NEW_DIRS][4096]; /* each missing ancestor of logdir, logdir first */
    unsigned n;                         /* entries used */
};

static void find_new_dirs(const char *logdir, struct new_dirs *nd)
{
    char cur[4096];
    struct stat sb;
    size_t len;

    nd->n = 0;
    snprintf(cur, sizeof(cur), "%s", logdir);
    while (nd->n < MAIN_MAX_NEW_DIRS && cur[0] && stat(cur, &sb) != 0) {
        char *slash;

        snprintf(nd->path[nd->n++], sizeof(nd->path[0]), "%s", cur);
        len = strlen(cur);
        while (len > 1 && cur[len - 1] == '/')
            cur[--len] = '\0';
        slash = strrchr(cur, '/');
        if (!slash)
            break;
        if (slash == cur)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

static int drop_privileges(const char *user, const char *eve_file, const struct new_dirs *nd)
{
    struct passwd *pw = getpwnam(user);

    if (!pw) {
        log_err("-u %s: no such user", user);
        return -1;
    }
    /* the worker must still be able to reopen eve.json after a SIGHUP rotation */
    if (chown(eve_file, pw->pw_uid, pw->pw_gid) != 0)
        log_warn("cannot hand %s to %s: %s", eve_file, user, strerror(errno));
    /* directories imsentry created (0750) must stay traversable and writable for rotation */
    for (unsigned i = 0; i < nd->n; i++)
        if (chown(nd->path[i], pw->pw_uid, pw->pw_gid) != 0)
            log_warn("cannot hand %s to %s: %s", nd->path[i], user, strerror(errno));
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        log_err("cannot drop privileges to %s: %s", user, strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) {
        log_err("privileges were not dropped: still able to become root");
        return -1;
    }
    log_info("running as %s (uid %u)", user, (unsigned)pw->pw_uid);
    return 0;
}

static void write_stats(struct worker *w, struct capture *cap, struct eve *ev, double t0)
{
    struct stats *st = worker_stats(w);

    if (cap)
        capture_kernel_stats(cap, st);
    eve_write_stats(ev, st, worker_last_ts(w), now_mono() - t0);
}

static void progress(const struct options *o, struct run_totals *rt, struct worker *w,
                     unsigned file_idx, bool final)
{
    const struct stats *st = worker_stats(w);

    if (final) {
        fprintf(stderr, "\r\033[K");
        return;
    }
    fprintf(stderr, "\r\033[Kimsentry: file %u/%u: %llu packets, %.1f MB, %u flows", file_idx + 1,
            o->n_files, (unsigned long long)st->v[STAT_DECODER_PKTS],
            (double)st->v[STAT_DECODER_BYTES] / 1e6, worker_flow_count(w));
    rt->last_progress = now_mono();
}

/* Periodic duties between packets: signals, live stats and flushes, progress. */
static void housekeeping(const struct options *o, struct run_totals *rt, struct worker *w,
                         struct capture *cap, struct eve *ev, const struct config *cfg,
                         unsigned file_idx)
{
    double t = now_mono();

    if (g_reopen) {
        g_reopen = 0;
        if (eve_reopen(ev) != 0)
            log_warn("cannot reopen %s", eve_path(ev));
        else
            log_info("reopened %s", eve_path(ev));
    }
    if (capture_is_live(cap)) {
        if (t - rt->last_stats >= cfg->stats_interval) {
            write_stats(w, cap, ev, rt->t0);
            rt->last_stats = t;
        }
        if (t - rt->last_flush >= 1.0) {
            eve_flush(ev);
            rt->last_flush = t;
        }
    } else if (!o->quiet && isatty(STDERR_FILENO) && t - rt->last_progress >= 1.0) {
        progress(o, rt, w, file_idx, false);
    }
}

/* Reads one source to its end (or until a stop signal); true when it ended cleanly. */
static bool run_source(const struct options *o, struct run_totals *rt, struct worker *w,
                       struct capture *cap, struct eve *ev, const struct config *cfg,
                       unsigned file_idx)
{
    struct packet pkt;
    char err[512];
    unsigned n = 0;

    while (!g_stop) {
        enum capture_status cs = capture_next(cap, &pkt, err, sizeof(err));

        if (cs == CAPTURE_PACKET) {
            worker_packet(w, &pkt);
            if (++n % MAIN_CLOCK_EVERY != 0 && !g_reopen)
                continue;
        } else if (cs == CAPTURE_TIMEOUT) {
            struct timespec ts;

            /* an idle link: wall clock stands in for packet time so flows still expire */
            clock_gettime(CLOCK_REALTIME, &ts);
            worker_tick(w, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
        } else if (cs == CAPTURE_EOF) {
            return true;
        } else if (cs == CAPTURE_ERROR) {
            if (capture_is_live(cap)) {
                log_err("%s", err);
                g_stop = 1;
                return false;
            }
            log_warn("%s (rest of the file skipped)", err);
            return false;
        }
        housekeeping(o, rt, w, cap, ev, cfg, file_idx);
    }
    return true;
}

/* One summary line per signature that alerted. */
static void print_sig_count(void *user, uint32_t sid, const char *msg, uint64_t n)
{
    (void)user;
    fprintf(stderr, "              %6llu  [%u] %s\n", (unsigned long long)n, sid, msg ? msg : "");
}

static void print_summary(const struct run_totals *rt, struct worker *w, const char *eve_file)
{
    const struct stats *st = worker_stats(w);
    double el = now_mono() - rt->t0;
    double pkts = (double)st->v[STAT_DECODER_PKTS];
    double bytes = (double)st->v[STAT_DECODER_BYTES];
    unsigned shown = 0;

    if (el <= 0)
        el = 1e-9;
    fprintf(stderr, "imsentry: summary\n");
    if (rt->files_done)
        fprintf(stderr, "  files       %u read, %u truncated or damaged\n", rt->files_done,
                rt->files_truncated);
    fprintf(stderr, "  packets     %llu (%.2f MB)\n", (unsigned long long)st->v[STAT_DECODER_PKTS],
            bytes / 1e6);
    fprintf(stderr, "  flows       %llu\n", (unsigned long long)st->v[STAT_FLOW_TOTAL]);
    fprintf(stderr, "  alerts      %llu\n", (unsigned long long)st->v[STAT_DETECT_ALERT]);
    if (worker_sig(w))
        sig_ctx_alert_counts(worker_sig(w), print_sig_count, NULL);
    for (int id = 0; id < STAT__COUNT; id++) {
        if (!st->v[id] || !stats_anomaly_info((enum stat_id)id, NULL, NULL))
            continue;
        fprintf(stderr, "  %s %s %llu\n", shown++ ? "           " : "anomalies  ",
                stats_name((enum stat_id)id), (unsigned long long)st->v[id]);
    }
    if (!shown)
        fprintf(stderr, "  anomalies   none\n");
    fprintf(stderr, "  elapsed     %.3f s, %.0f packets/s, %.1f Mbit/s\n", el, pkts / el,
            bytes * 8 / el / 1e6);
    fprintf(stderr, "  events      %s\n", eve_file);
}

/* Opens every file first so a bad one fails the run before any output is written. */
static int check_files(const struct options *o)
{
    char err[512];

    for (unsigned i = 0; i < o->n_files; i++) {
        struct capture *cap = capture_open_file(o->files[i], o->bpf, err, sizeof(err));

        if (!cap) {
            log_err("%s", err);
            return -1;
        }
        capture_close(cap);
    }
    return 0;
}

static int run(const struct options *o, const struct config *cfg, const struct sig_engine *se)
{
    struct run_totals rt;
    struct capture *live = NULL;
    struct worker *w = NULL;
    struct eve *ev = NULL;
    static struct new_dirs nd; /* 128 KiB: kept off the stack */
    char err[512];
    int rc = 1;

    memset(&rt, 0, sizeof(rt));
    rt.t0 = now_mono();
    rt.last_stats = rt.last_flush = rt.t0;
    if (o->n_files && check_files(o) != 0)
        return 1;
    if (o->iface) {
        live = capture_open_live(o->iface, cfg, o->bpf, err, sizeof(err));
        if (!live) {
            log_err("%s", err);
            return 1;
        }
    }
    find_new_dirs(o->logdir, &nd);
    ev = eve_open(o->logdir, cfg, NULL, err, sizeof(err));
    if (!ev) {
        log_err("%s", err);
        goto out;
    }
    if (o->user && drop_privileges(o->user, eve_path(ev), &nd) != 0)
        goto out;
    w = worker_new(cfg, ev, se);
    if (!w) {
        log_err("out of memory creating the worker");
        goto out;
    }
    install_signals();

    if (live) {
        log_info("capturing on %s", o->iface);
        run_source(o, &rt, w, live, ev, cfg, 0);
    }
    for (unsigned i = 0; i < o->n_files && !g_stop; i++) {
        struct capture *cap = capture_open_file(o->files[i], o->bpf, err, sizeof(err));

        if (!cap) {
            /* it opened a moment ago: treat like a damaged file, not a failed run */
            log_warn("%s", err);
            rt.files_truncated++;
            stats_inc(worker_stats(w), STAT_CAPTURE_TRUNCATED);
            continue;
        }
        stats_inc(worker_stats(w), STAT_CAPTURE_FILES);
        if (!run_source(o, &rt, w, cap, ev, cfg, i)) {
            rt.files_truncated++;
            stats_inc(worker_stats(w), STAT_CAPTURE_TRUNCATED);
        }
        rt.files_done++;
        capture_close(cap);
    }
    if (!o->quiet && o->n_files && isatty(STDERR_FILENO))
        progress(o, &rt, w, 0, true);

    /* shutdown: every open flow ends, then the final counters, then the file is flushed */
    worker_flush(w);
    write_stats(w, live, ev, rt.t0);
    if (!o->quiet)
        print_summary(&rt, w, eve_path(ev));
    rc = 0;
out:
    worker_free(w);
    if (ev)
        eve_close(ev);
    capture_close(live);
    return rc;
}

int main(int argc, char **argv)
{
    struct sig_engine *se;
    struct options o;
    struct config cfg;
    char err[1024];
    int rc;

    if (parse_args(argc, argv, &o) != 0)
        return 1;
    config_defaults(&cfg);
    if (o.config_path && config_load(&cfg, o.config_path, err, sizeof(err)) != 0) {
        log_err("%s", err);
        return 1;
    }
    log_set_level((enum log_level)cfg.log_level);
    if (!o.sig_path)
        o.sig_path = IMSENTRY_SIGDIR;
    se = load_signatures(o.sig_path);
    if (!se)
        return 1;
    if (o.test_only) {
        printf("configuration %s and %u signatures from %s OK\n",
               o.config_path ? o.config_path : "(built-in defaults)", sig_engine_count(se),
               o.sig_path);
        sig_engine_free(se);
        return 0;
    }
    if (cfg.cred_password == CRED_PASSWORD_CLEAR)
        log_warn("credentials.password is 'clear': recovered passwords will be written to "
                 "eve.json in the clear");
    rc = run(&o, &cfg, se);
    sig_engine_free(se);
    return rc;
}
