/*
 * check_output.c - unit tests of the EVE output (src/output): timestamps,
 * wire-string escaping, the eve.json file (mode, directories, rotation,
 * flushing, write errors) and the alert, flow, stats and anomaly events,
 * read back with jansson.  One test writes a sample of every event type and
 * validates it with tests/tools/validate_eve.py against the project's
 * schema and, for alert and flow, Suricata's.
 */
#include <check.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imsentry/config.h"
#include "imsentry/output.h"
#include "imsentry/stats.h"

/* ---- helpers ---------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* A fresh directory under /tmp; the caller removes it with rm_tree(). */
static void make_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/check_output.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(buf));
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Settings as the built-in defaults would give them (config.c is not linked here). */
static void test_config(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->eve_filename, sizeof(cfg->eve_filename), "eve.json");
    cfg->eve_buffer_size = 4096;
    cfg->eve_alert = true;
    cfg->eve_flow = true;
    cfg->eve_stats = true;
    cfg->eve_anomaly = true;
    cfg->anomaly_max_per_type = 100;
}

/* Reads every line of path as a JSON object; *n receives the count. */
static json_t **read_lines(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "r");
    json_t **out = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;

    *n = 0;
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    while ((got = getline(&line, &cap, fp)) > 0) {
        json_error_t je;
        json_t *o;

        ck_assert_msg(line[got - 1] == '\n', "line not newline-terminated");
        o = json_loads(line, 0, &je);
        ck_assert_msg(o != NULL, "bad JSON line: %s (%s)", line, je.text);
        ck_assert(json_is_object(o));
        out = realloc(out, (*n + 1) * sizeof(*out));
        ck_assert_ptr_nonnull(out);
        out[(*n)++] = o;
    }
    free(line);
    fclose(fp);
    return out;
}

static void free_lines(json_t **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(lines[i]);
    free(lines);
}

static size_t count_lines(const char *path)
{
    size_t n;
    json_t **l = read_lines(path, &n);

    free_lines(l, n);
    return n;
}

/* Value at a dotted path ("flow.pkts_toserver") or NULL. */
static json_t *jpath(json_t *o, const char *path)
{
    char buf[256];
    char *part = buf, *dot;

    snprintf(buf, sizeof(buf), "%s", path);
    while ((dot = strchr(part, '.')) != NULL) {
        *dot = '\0';
        o = json_object_get(o, part);
        if (!json_is_object(o))
            return NULL;
        part = dot + 1;
    }
    return json_object_get(o, part);
}

static void assert_str(json_t *o, const char *path, const char *want)
{
    json_t *v = jpath(o, path);

    ck_assert_msg(json_is_string(v), "%s: not a string", path);
    ck_assert_str_eq(json_string_value(v), want);
}

static void assert_int(json_t *o, const char *path, long long want)
{
    json_t *v = jpath(o, path);

    ck_assert_msg(json_is_integer(v), "%s: not an integer", path);
    ck_assert_int_eq(json_integer_value(v), want);
}

static void set_ip4(struct ip_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    a->a[0] = b0;
    a->a[1] = b1;
    a->a[2] = b2;
    a->a[3] = b3;
}

/* 2002-04-16T12:00:00 UTC in microseconds. */
#define T_2002 (1018958400LL * 1000000)

/*
 * DESIGN.md's example: client 10.20.30.40:3312 logging in to ICQ through a
 * SOCKS proxy at 192.0.2.10:1080, VLAN 100, closed after 90.5 s.
 */
static void sample_flow(struct flow *f)
{
    memset(f, 0, sizeof(*f));
    set_ip4(&f->cli_ip, 10, 20, 30, 40);
    set_ip4(&f->srv_ip, 192, 0, 2, 10);
    f->cli_port = 3312;
    f->srv_port = 1080;
    f->proto = 6;
    f->vlan_count = 1;
    f->vlan[0] = 100;
    f->flow_id = 1234567890123ULL;
    snprintf(f->community_id, sizeof(f->community_id), "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=");
    f->start_us = T_2002;
    f->last_us = T_2002 + 90500000; /* +90.5 s */
    f->state = FLOW_STATE_CLOSED;
    f->end_reason = FLOW_END_TIMEOUT;
    f->client_from_syn = true;
    f->pkts[FLOW_TOSERVER] = 6;
    f->pkts[FLOW_TOCLIENT] = 5;
    f->bytes[FLOW_TOSERVER] = 900;
    f->bytes[FLOW_TOCLIENT] = 400;
    f->tcp_flags[FLOW_TOSERVER] = TCP_SYN | TCP_ACK | TCP_PSH | TCP_FIN; /* 0x1b */
    f->tcp_flags[FLOW_TOCLIENT] = TCP_SYN | TCP_ACK | TCP_RST;           /* 0x16 */
    f->app_proto = APP_PROTO_ICQ;
}

static void add_meta(struct alert *a, const char *key, const char *val)
{
    ck_assert_uint_lt(a->n_meta, ALERT_MAX_META);
    a->meta[a->n_meta].key = key;
    a->meta[a->n_meta].value = (const uint8_t *)val;
    a->meta[a->n_meta].value_len = strlen(val);
    a->n_meta++;
}

/* DESIGN.md's example alert. */
static void sample_alert(struct alert *a)
{
    memset(a, 0, sizeof(*a));
    a->sid = 9100102;
    a->rev = 1;
    a->msg = "IMSENTRY ICQ login with roasted password";
    a->category = "Credential Exposure";
    a->severity = 1;
    a->app_proto = APP_PROTO_ICQ;
    a->dir = FLOW_TOSERVER;
    a->ts_us = T_2002 + 500;
    add_meta(a, "service", "icq");
    add_meta(a, "username", "1234567");
    add_meta(a, "password_form", "roasted");
    add_meta(a, "password", "[redacted]");
    add_meta(a, "login_outcome", "success");
    add_meta(a, "tunnel", "socks");
    add_meta(a, "tunnel_target", "login.icq.com:5190");
    add_meta(a, "countermeasure", "Deny login.icq.com on TCP 5190");
}

/* An anomaly id other than `except`, or STAT__COUNT when there is none. */
static enum stat_id find_anomaly(enum stat_id except)
{
    for (int i = 0; i < STAT__COUNT; i++) {
        if (i != (int)except && stats_anomaly_info((enum stat_id)i, NULL, NULL))
            return (enum stat_id)i;
    }
    return STAT__COUNT;
}

/* A truncated IPv4/TCP packet 198.51.100.7:40000 -> 203.0.113.9:80 in VLAN 10 and 20. */
static void sample_packet(struct packet *p)
{
    memset(p, 0, sizeof(*p));
    p->ts_us = T_2002 + 1;
    p->pcap_cnt = 42;
    p->vlan_count = 2;
    p->vlan[0] = 10;
    p->vlan[1] = 20;
    p->ip_version = 4;
    p->ip_proto = 6;
    set_ip4(&p->src, 198, 51, 100, 7);
    set_ip4(&p->dst, 203, 0, 113, 9);
    p->sport = 40000;
    p->dport = 80;
    p->flags = PKT_HAS_L4;
}

/* ---- timestamps ------------------------------------------------------- */

START_TEST(test_ts_format)
{
    char buf[32];

    ck_assert_str_eq(eve_format_ts(T_2002 + 500, buf, sizeof(buf)),
                     "2002-04-16T12:00:00.000500+0000");
    ck_assert_str_eq(eve_format_ts(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000000+0000");
    ck_assert_str_eq(eve_format_ts(999999, buf, sizeof(buf)), "1970-01-01T00:00:00.999999+0000");
    /* before the epoch the microseconds stay positive: floor, not truncation */
    ck_assert_str_eq(eve_format_ts(-1, buf, sizeof(buf)), "1969-12-31T23:59:59.999999+0000");
    ck_assert_str_eq(eve_format_ts(-1000000, buf, sizeof(buf)), "1969-12-31T23:59:59.000000+0000");
    ck_assert_str_eq(eve_format_ts(-1500000, buf, sizeof(buf)), "1969-12-31T23:59:58.500000+0000");
    /* 2^31 s: the 32-bit time_t rollover */
    ck_assert_str_eq(eve_format_ts(2147483648LL * 1000000 + 7, buf, sizeof(buf)),
                     "2038-01-19T03:14:08.000007+0000");
    /* 2^32 s: past the unsigned pcap seconds field */
    ck_assert_str_eq(eve_format_ts(4294967296LL * 1000000, buf, sizeof(buf)),
                     "2106-02-07T06:28:16.000000+0000");
    /* years that would not fit 4 digits are clamped */
    ck_assert_str_eq(eve_format_ts(INT64_MAX, buf, sizeof(buf)), "9999-12-31T23:59:59.999999+0000");
    ck_assert_str_eq(eve_format_ts(INT64_MIN, buf, sizeof(buf)), "0000-01-01T00:00:00.000000+0000");
    /* a short buffer is truncated and terminated, never overrun */
    memset(buf, 'Z', sizeof(buf));
    eve_format_ts(0, buf, 11);
    ck_assert_str_eq(buf, "1970-01-01");
    ck_assert_int_eq(buf[11], 'Z');
}
END_TEST

/* ---- wire strings ----------------------------------------------------- */

/* Escapes len bytes and checks the resulting string's UTF-8 text and length. */
static void check_wire(const char *in, size_t len, const char *want, size_t want_len)
{
    json_t *s = eve_json_wire_string((const uint8_t *)in, len);

    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(json_string_length(s), want_len);
    ck_assert_mem_eq(json_string_value(s), want, want_len);
    json_decref(s);
}

#define WIRE(in, want) check_wire(in, sizeof(in) - 1, want, sizeof(want) - 1)

START_TEST(test_wire_string)
{
    WIRE("alice", "alice");
    WIRE("", "");
    /* valid multi-byte UTF-8 is kept: e-acute (2), CJK (3), emoji (4), U+10FFFF */
    WIRE("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",
         "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF");
    /* a lone continuation byte */
    WIRE("a\x80z", "a\\x80z");
    /* overlong encodings of NUL and '/' */
    WIRE("\xC0\x80", "\\xC0\\x80");
    WIRE("\xE0\x80\xAF", "\\xE0\\x80\\xAF");
    WIRE("\xF0\x80\x80\xAF", "\\xF0\\x80\\x80\\xAF");
    /* UTF-16 surrogate U+D800 encoded in UTF-8 */
    WIRE("\xED\xA0\x80", "\\xED\\xA0\\x80");
    /* past U+10FFFF */
    WIRE("\xF4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");
    /* a 3-byte sequence truncated at the end of the value */
    WIRE("ok\xE4\xB8", "ok\\xE4\\xB8");
    /* a lead byte followed by ASCII: only the bad byte is escaped, the rest resyncs */
    WIRE("\xC3(x", "\\xC3(x");
    /* bytes never valid in UTF-8 */
    WIRE("\xFF\xFE", "\\xFF\\xFE");
    /* mixed: the valid character survives between escapes */
    WIRE("\xFF\xC3\xA9\xFF", "\\xFF\xC3\xA9\\xFF");
    /* control characters are valid UTF-8: kept (JSON escapes them); NUL becomes \x00 text */
    check_wire("a\0b\x01\x1f", 5, "a\\x00b\x01\x1f", 8);
    check_wire("\0", 1, "\\x00", 4);
    /* NULL with length 0 is the empty string */
    check_wire(NULL, 0, "", 0);
}
END_TEST

START_TEST(test_wire_string_dumps_valid_json)
{
    static const uint8_t nasty[] = {'u', 0x00, '"', '\\', '\n', 0xC0, 0xAF, 0xED, 0xB0, 0x80, 0xFF};
    json_t *o = json_object();
    char *line;
    json_t *back;

    json_object_set_new(o, "v", eve_json_wire_string(nasty, sizeof(nasty)));
    line = json_dumps(o, JSON_COMPACT);
    ck_assert_ptr_nonnull(line);
    /* the newline is a JSON escape: the line stays one line; no \u0000 for strict readers */
    ck_assert_ptr_null(strchr(line, '\n'));
    ck_assert_str_eq(line,
                     "{\"v\":\"u\\\\x00\\\"\\\\\\n\\\\xC0\\\\xAF\\\\xED\\\\xB0\\\\x80\\\\xFF\"}");
    back = json_loads(line, 0, NULL);
    ck_assert_ptr_nonnull(back);
    ck_assert_uint_eq(json_string_length(json_object_get(back, "v")), 4 + 7 * 4);
    json_decref(back);
    free(line);
    json_decref(o);
}
END_TEST

/* ---- the file --------------------------------------------------------- */

START_TEST(test_file_mode_umask0)
{
    char dir[64], path[128], err[256];
    struct config cfg;
    struct stats st;
    struct stat sb;
    struct eve *ev;
    mode_t old = umask(0);

    memset(&st, 0, sizeof(st));
    make_tmpdir(dir, sizeof(dir));
    test_config(&cfg);
    ev = eve_open(dir, &cfg, &st, err, sizeof(err));
    umask(old);
    ck_assert_msg(ev != NULL, "%s", err);
    snprintf(path, sizeof(path), "%s/eve.json", dir);
    ck_assert_str_eq(eve_path(ev), path);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_uint_eq(sb.st_mode & 07777, 0640);
    eve_close(ev);
    rm_tree(dir);
}
END_TEST

START_TEST(test_file_mode_umask077)
{
    char dir[64], path[128], err[256];
    struct config cfg;
    struct stat sb;
    struct eve *ev;
    mode_t old = umask(077);

    make_tmpdir(dir, sizeof(dir));
    test_config(&cfg);
    ev = eve_open(dir, &cfg, NULL, err, sizeof(err));
    umask(old);
    ck_assert_msg(ev != NULL, "%s", err);
    snprintf(path, sizeof(path), "%s/eve.json", dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_uint_eq(sb.st_mode & 07777, 0640);
    eve_close(ev);
    rm_tree(dir);
}
END_TEST

START_TEST(test_existing_file_appended)
{
    char dir[64], path[160], err[256];
    struct config cfg;
    struct flow f;
    struct stat sb;
    struct eve *ev;
    FILE *fp;

    make_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/eve.json", dir);
    fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("{\"event_type\":\"earlier\"}\n", fp);
    fclose(fp);
    ck_assert_int_eq(chmod(path, 0600), 0);

    test_config(&cfg);
    sample_flow(&f);
    ev = eve_open(dir, &cfg, NULL, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_write_flow(ev, &f);
    eve_close(ev);
    ck_assert_uint_eq(count_lines(path), 2);
    /* a file the operator made keeps the mode they chose */
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_uint_eq(sb.st_mode & 07777, 0600);
    rm_tree(dir);
}
END_TEST

START_TEST(test_dir_created_with_parents)
{
    char dir[64], logdir[160], path[192], err[256];
    struct config cfg;
    struct stat sb;
    struct eve *ev;

    make_tmpdir(dir, sizeof(dir));
    snprintf(logdir, sizeof(logdir), "%s/a/b//c/", dir);
    test_config(&cfg);
    ev = eve_open(logdir, &cfg, NULL, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_close(ev);
    snprintf(path, sizeof(path), "%s/a/b/c/eve.json", dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert(S_ISREG(sb.st_mode));
    snprintf(path, sizeof(path), "%s/a/b", dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert(S_ISDIR(sb.st_mode));
    rm_tree(dir);
}
END_TEST

START_TEST(test_open_errors)
{
    char dir[64], logdir[160], path[160], err[256];
    struct config cfg;
    FILE *fp;

    make_tmpdir(dir, sizeof(dir));
    test_config(&cfg);
    /* a regular file in the way of the log directory */
    snprintf(path, sizeof(path), "%s/file", dir);
    fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fclose(fp);
    snprintf(logdir, sizeof(logdir), "%s/file/sub", dir);
    err[0] = '\0';
    ck_assert_ptr_null(eve_open(logdir, &cfg, NULL, err, sizeof(err)));
    ck_assert_msg(strstr(err, logdir) != NULL, "error does not name the directory: %s", err);
    /* a file name with a directory in it is refused */
    snprintf(cfg.eve_filename, sizeof(cfg.eve_filename), "../eve.json");
    ck_assert_ptr_null(eve_open(dir, &cfg, NULL, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "outputs.eve.filename"));
    ck_assert_ptr_null(eve_open(dir, NULL, NULL, err, sizeof(err)));
    rm_tree(dir);
}
END_TEST

START_TEST(test_reopen_after_rename)
{
    char dir[64], path[128], rotated[128], err[256];
    struct config cfg;
    struct stats st;
    struct flow f;
    struct eve *ev;

    memset(&st, 0, sizeof(st));
    make_tmpdir(dir, sizeof(dir));
    test_config(&cfg);
    sample_flow(&f);
    ev = eve_open(dir, &cfg, &st, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_write_flow(ev, &f);
    eve_write_flow(ev, &f);
    snprintf(path, sizeof(path), "%s/eve.json", dir);
    snprintf(rotated, sizeof(rotated), "%s/eve.json.1", dir);
    /* logrotate renames the file, then sends SIGHUP */
    ck_assert_int_eq(rename(path, rotated), 0);
    ck_assert_int_eq(eve_reopen(ev), 0);
    eve_write_flow(ev, &f);
    eve_close(ev);
    /* buffered lines written before the reopen land in the renamed file */
    ck_assert_uint_eq(count_lines(rotated), 2);
    ck_assert_uint_eq(count_lines(path), 1);
    ck_assert_uint_eq(st.v[STAT_EVE_REOPENS], 1);
    ck_assert_uint_eq(st.v[STAT_EVE_EVENTS], 3);
    rm_tree(dir);
}
END_TEST

START_TEST(test_flush_and_close)
{
    char dir[64], path[128], err[256];
    struct config cfg;
    struct flow f;
    struct stat sb;
    struct eve *ev;

    make_tmpdir(dir, sizeof(dir));
    test_config(&cfg);
    cfg.eve_buffer_size = 65536;
    sample_flow(&f);
    ev = eve_open(dir, &cfg, NULL, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_write_flow(ev, &f);
    snprintf(path, sizeof(path), "%s/eve.json", dir);
    /* still in the 64 KiB buffer */
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_size, 0);
    eve_flush(ev);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_gt(sb.st_size, 0);
    eve_write_flow(ev, &f);
    eve_close(ev);
    ck_assert_uint_eq(count_lines(path), 2);
    rm_tree(dir);
}
END_TEST

START_TEST(test_unbuffered)
{
    char dir[64], path[128], err[256];
    struct config cfg;
    struct flow f;
    struct eve *ev;

    make_tmpdir(dir, sizeof(dir));
    test_config(&cfg);
    cfg.eve_buffer_size = 0;
    sample_flow(&f);
    ev = eve_open(dir, &cfg, NULL, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_write_flow(ev, &f);
    snprintf(path, sizeof(path), "%s/eve.json", dir);
    /* no buffer: the line is in the file before any flush */
    ck_assert_uint_eq(count_lines(path), 1);
    eve_close(ev);
    rm_tree(dir);
}
END_TEST

START_TEST(test_write_errors_counted)
{
    char err[256];
    struct config cfg;
    struct stats st;
    struct flow f;
    struct eve *ev;

    if (access("/dev/full", W_OK) != 0)
        return; /* no /dev/full in this environment */
    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    snprintf(cfg.eve_filename, sizeof(cfg.eve_filename), "full");
    sample_flow(&f);
    /* unbuffered: every write hits ENOSPC */
    cfg.eve_buffer_size = 0;
    ev = eve_open("/dev", &cfg, &st, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_write_flow(ev, &f);
    eve_write_flow(ev, &f);
    ck_assert_uint_eq(st.v[STAT_EVE_WRITE_ERRORS], 2);
    ck_assert_uint_eq(st.v[STAT_EVE_EVENTS], 0);
    eve_close(ev);

    /* buffered: the loss shows at flush and at close */
    memset(&st, 0, sizeof(st));
    cfg.eve_buffer_size = 4096;
    ev = eve_open("/dev", &cfg, &st, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    eve_write_flow(ev, &f);
    eve_flush(ev);
    ck_assert_uint_eq(st.v[STAT_EVE_WRITE_ERRORS], 1);
    eve_write_flow(ev, &f);
    eve_close(ev);
    ck_assert_uint_eq(st.v[STAT_EVE_WRITE_ERRORS], 2);
}
END_TEST

START_TEST(test_null_writer_is_harmless)
{
    struct flow f;
    struct alert a;
    struct packet p;
    struct stats st;

    memset(&st, 0, sizeof(st));
    sample_flow(&f);
    sample_alert(&a);
    sample_packet(&p);
    eve_write_flow(NULL, &f);
    eve_write_alert(NULL, &f, &a);
    eve_write_anomaly(NULL, &p, STAT_EVE_EVENTS);
    eve_write_stats(NULL, &st, 0, 0);
    eve_flush(NULL);
    eve_close(NULL);
    ck_assert_int_lt(eve_reopen(NULL), 0);
    ck_assert_str_eq(eve_path(NULL), "");
}
END_TEST

/* ---- events ----------------------------------------------------------- */

/* Opens a writer in a fresh directory; path receives the eve.json path. */
static struct eve *open_tmp(char *dir, size_t dlen, char *path, size_t plen,
                            const struct config *cfg, struct stats *st)
{
    char err[256];
    struct eve *ev;

    make_tmpdir(dir, dlen);
    ev = eve_open(dir, cfg, st, err, sizeof(err));
    ck_assert_msg(ev != NULL, "%s", err);
    snprintf(path, plen, "%s/eve.json", dir);
    return ev;
}

START_TEST(test_flow_event)
{
    char dir[64], path[128];
    struct config cfg;
    struct flow f;
    struct eve *ev;
    json_t **l, *tcp;
    size_t n;

    test_config(&cfg);
    sample_flow(&f);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);
    eve_write_flow(ev, &f);
    eve_close(ev);
    l = read_lines(path, &n);
    ck_assert_uint_eq(n, 1);
    assert_str(l[0], "timestamp", "2002-04-16T12:01:30.500000+0000");
    assert_int(l[0], "flow_id", 1234567890123LL);
    assert_str(l[0], "event_type", "flow");
    ck_assert_uint_eq(json_array_size(jpath(l[0], "vlan")), 1);
    ck_assert_int_eq(json_integer_value(json_array_get(jpath(l[0], "vlan"), 0)), 100);
    assert_str(l[0], "src_ip", "10.20.30.40");
    assert_int(l[0], "src_port", 3312);
    assert_str(l[0], "dest_ip", "192.0.2.10");
    assert_int(l[0], "dest_port", 1080);
    assert_str(l[0], "proto", "TCP");
    assert_str(l[0], "community_id", "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=");
    assert_str(l[0], "app_proto", "icq");
    assert_int(l[0], "flow.pkts_toserver", 6);
    assert_int(l[0], "flow.pkts_toclient", 5);
    assert_int(l[0], "flow.bytes_toserver", 900);
    assert_int(l[0], "flow.bytes_toclient", 400);
    assert_str(l[0], "flow.start", "2002-04-16T12:00:00.000000+0000");
    assert_str(l[0], "flow.end", "2002-04-16T12:01:30.500000+0000");
    assert_int(l[0], "flow.age", 90);
    assert_str(l[0], "flow.state", "closed");
    assert_str(l[0], "flow.reason", "timeout");
    ck_assert(json_is_false(jpath(l[0], "flow.alerted")));
    /* flags: ts SYN|ACK|PSH|FIN = 1b, tc SYN|ACK|RST = 16, together 1f */
    assert_str(l[0], "tcp.tcp_flags", "1f");
    assert_str(l[0], "tcp.tcp_flags_ts", "1b");
    assert_str(l[0], "tcp.tcp_flags_tc", "16");
    tcp = jpath(l[0], "tcp");
    ck_assert(json_is_true(json_object_get(tcp, "syn")));
    ck_assert(json_is_true(json_object_get(tcp, "fin")));
    ck_assert(json_is_true(json_object_get(tcp, "rst")));
    ck_assert(json_is_true(json_object_get(tcp, "psh")));
    ck_assert(json_is_true(json_object_get(tcp, "ack")));
    /* flags never seen are absent, as Suricata writes them */
    ck_assert_ptr_null(json_object_get(tcp, "urg"));
    ck_assert_ptr_null(json_object_get(tcp, "ecn"));
    ck_assert_ptr_null(json_object_get(tcp, "cwr"));
    /* nothing but Suricata's flow keys: no pkt_src on a flow event */
    ck_assert_ptr_null(json_object_get(l[0], "pkt_src"));
    ck_assert_uint_eq(json_object_size(l[0]), 13);
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

/* Reads the whole of a small file into buf (NUL-terminated); returns its length. */
static size_t read_text(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    size_t n;

    ck_assert_ptr_nonnull(fp);
    n = fread(buf, 1, len - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return n;
}

/*
 * The exact bytes of flow events: the direct line writer (plain ASCII
 * values) and the jansson tree it falls back to (a community_id that is not
 * plain ASCII) must both write Suricata's key order, compact separators and
 * jansson's escapes.
 */
START_TEST(test_flow_event_exact_line)
{
    /* sample_flow() with two VLANs, and the same flow as ICMP with an odd community_id */
    static const char want[] =
        "{\"timestamp\":\"2002-04-16T12:01:30.500000+0000\",\"flow_id\":1234567890123,"
        "\"event_type\":\"flow\",\"vlan\":[100,4094],\"src_ip\":\"10.20.30.40\","
        "\"src_port\":3312,\"dest_ip\":\"192.0.2.10\",\"dest_port\":1080,\"proto\":\"TCP\","
        "\"community_id\":\"1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=\",\"app_proto\":\"icq\","
        "\"flow\":{\"pkts_toserver\":6,\"pkts_toclient\":5,\"bytes_toserver\":900,"
        "\"bytes_toclient\":400,\"start\":\"2002-04-16T12:00:00.000000+0000\","
        "\"end\":\"2002-04-16T12:01:30.500000+0000\",\"age\":90,\"state\":\"closed\","
        "\"reason\":\"timeout\",\"alerted\":false},\"tcp\":{\"tcp_flags\":\"1f\","
        "\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"16\",\"syn\":true,\"fin\":true,"
        "\"rst\":true,\"psh\":true,\"ack\":true}}\n"
        /* é (U+00E9) kept as UTF-8, '"' and '\\' escaped, 0xFF as the text \xFF, TAB as \t */
        "{\"timestamp\":\"2002-04-16T12:01:30.500000+0000\",\"flow_id\":1234567890123,"
        "\"event_type\":\"flow\",\"vlan\":[100,4094],\"src_ip\":\"10.20.30.40\","
        "\"dest_ip\":\"192.0.2.10\",\"proto\":\"ICMP\",\"icmp_type\":3312,\"icmp_code\":1080,"
        "\"community_id\":\"1:\xc3\xa9\\\"\\\\\\\\xFF\\t\",\"app_proto\":\"icq\","
        "\"flow\":{\"pkts_toserver\":6,\"pkts_toclient\":5,\"bytes_toserver\":900,"
        "\"bytes_toclient\":400,\"start\":\"2002-04-16T12:00:00.000000+0000\","
        "\"end\":\"2002-04-16T12:01:30.500000+0000\",\"age\":90,\"state\":\"closed\","
        "\"reason\":\"timeout\",\"alerted\":true}}\n";
    char dir[64], path[128], got[4096];
    struct config cfg;
    struct flow f;
    struct eve *ev;

    test_config(&cfg);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);
    sample_flow(&f);
    f.vlan_count = 2;
    f.vlan[1] = 4094;
    eve_write_flow(ev, &f);
    f.proto = 1;
    f.alerted = true;
    /* "1:" U+00E9, a quote, a backslash, an invalid byte 0xFF, a TAB */
    snprintf(f.community_id, sizeof(f.community_id), "1:\xc3\xa9\"\\\xff\t");
    eve_write_flow(ev, &f);
    eve_close(ev);
    read_text(path, got, sizeof(got));
    ck_assert_str_eq(got, want);
    rm_tree(dir);
}
END_TEST

START_TEST(test_flow_event_variants)
{
    char dir[64], path[128];
    struct config cfg;
    struct flow f;
    struct eve *ev;
    json_t **l;
    size_t n;

    test_config(&cfg);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);

    /* UDP over IPv6, no app_proto, still open at shutdown, alerted, no VLAN */
    sample_flow(&f);
    f.proto = 17;
    memset(&f.cli_ip, 0, sizeof(f.cli_ip));
    f.cli_ip.family = 6;
    f.cli_ip.a[0] = 0x20;
    f.cli_ip.a[1] = 0x01;
    f.cli_ip.a[2] = 0x0d;
    f.cli_ip.a[3] = 0xb8;
    f.cli_ip.a[15] = 0x01; /* 2001:db8::1 */
    f.srv_ip = f.cli_ip;
    f.srv_ip.a[15] = 0x35; /* 2001:db8::35 */
    f.vlan_count = 0;
    f.app_proto = APP_PROTO_UNKNOWN;
    f.state = FLOW_STATE_ESTABLISHED;
    f.end_reason = FLOW_END_SHUTDOWN;
    f.alerted = true;
    eve_write_flow(ev, &f);

    /* ICMP echo: type 8 code 0 instead of ports; failed protocol detection; evicted */
    sample_flow(&f);
    f.proto = 1;
    f.cli_port = 8;
    f.srv_port = 0;
    f.app_proto = APP_PROTO_FAILED;
    f.state = FLOW_STATE_NEW;
    f.end_reason = FLOW_END_FORCED;
    eve_write_flow(ev, &f);

    /* GRE: the protocol number, no ports; tuple reuse ends as a timeout */
    sample_flow(&f);
    f.proto = 47;
    f.end_reason = FLOW_END_REUSE;
    f.start_us = T_2002 + 999999; /* 12:00:00.999999 */
    f.last_us = T_2002 + 1000000; /* 12:00:01.000000: whole seconds differ by 1 */
    eve_write_flow(ev, &f);
    eve_close(ev);

    l = read_lines(path, &n);
    ck_assert_uint_eq(n, 3);
    assert_str(l[0], "src_ip", "2001:db8::1");
    assert_str(l[0], "dest_ip", "2001:db8::35");
    assert_str(l[0], "proto", "UDP");
    ck_assert_ptr_null(json_object_get(l[0], "app_proto"));
    ck_assert_ptr_null(json_object_get(l[0], "vlan"));
    ck_assert_ptr_null(json_object_get(l[0], "tcp"));
    assert_str(l[0], "flow.state", "established");
    assert_str(l[0], "flow.reason", "shutdown");
    ck_assert(json_is_true(jpath(l[0], "flow.alerted")));

    assert_str(l[1], "proto", "ICMP");
    assert_int(l[1], "icmp_type", 8);
    assert_int(l[1], "icmp_code", 0);
    ck_assert_ptr_null(json_object_get(l[1], "src_port"));
    ck_assert_ptr_null(json_object_get(l[1], "dest_port"));
    assert_str(l[1], "app_proto", "failed");
    assert_str(l[1], "flow.state", "new");
    assert_str(l[1], "flow.reason", "forced");

    assert_str(l[2], "proto", "47");
    ck_assert_ptr_null(json_object_get(l[2], "src_port"));
    ck_assert_ptr_null(json_object_get(l[2], "icmp_type"));
    assert_str(l[2], "flow.reason", "timeout");
    assert_int(l[2], "flow.age", 1);
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

START_TEST(test_switches_off)
{
    char dir[64], path[128];
    struct config cfg;
    struct stats st;
    struct flow f;
    struct alert a;
    struct packet p;
    struct eve *ev;
    enum stat_id an = find_anomaly(STAT__COUNT);

    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    cfg.eve_alert = cfg.eve_flow = cfg.eve_stats = cfg.eve_anomaly = false;
    sample_flow(&f);
    sample_alert(&a);
    sample_packet(&p);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, &st);
    eve_write_flow(ev, &f);
    eve_write_alert(ev, &f, &a);
    eve_write_stats(ev, &st, T_2002, 1.0);
    if (an != STAT__COUNT)
        eve_write_anomaly(ev, &p, an);
    eve_close(ev);
    ck_assert_uint_eq(count_lines(path), 0);
    ck_assert_uint_eq(st.v[STAT_EVE_EVENTS], 0);
    ck_assert_uint_eq(st.v[STAT_EVE_ANOMALIES_SUPPRESSED], 0);
    rm_tree(dir);
}
END_TEST

START_TEST(test_alert_event)
{
    char dir[64], path[128];
    struct config cfg;
    struct flow f;
    struct alert a;
    struct eve *ev;
    json_t **l, *md, *arr;
    size_t n;
    static const char *const keys[] = {"service",       "username",       "password_form",
                                       "password",      "login_outcome",  "tunnel",
                                       "tunnel_target", "countermeasure", "file_name"};
    static const uint8_t bad_name[] = {'f', 0xFF, '.', 'e', 'x', 'e'}; /* "f\xFF.exe" */

    test_config(&cfg);
    sample_flow(&f);
    sample_alert(&a);
    /* repeated keys form one array in order, wherever they appear */
    add_meta(&a, "service", "aim");
    add_meta(&a, "file_name", "a.txt");
    a.meta[a.n_meta].key = "file_name";
    a.meta[a.n_meta].value = bad_name;
    a.meta[a.n_meta].value_len = sizeof(bad_name);
    a.n_meta++;
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);
    eve_write_alert(ev, &f, &a);
    eve_close(ev);
    /* the writer leaves the flow alone: marking it alerted is the caller's job */
    ck_assert(!f.alerted);

    l = read_lines(path, &n);
    ck_assert_uint_eq(n, 1);
    assert_str(l[0], "timestamp", "2002-04-16T12:00:00.000500+0000");
    assert_int(l[0], "flow_id", 1234567890123LL);
    assert_str(l[0], "event_type", "alert");
    assert_str(l[0], "src_ip", "10.20.30.40");
    assert_int(l[0], "src_port", 3312);
    assert_str(l[0], "dest_ip", "192.0.2.10");
    assert_int(l[0], "dest_port", 1080);
    assert_str(l[0], "proto", "TCP");
    assert_str(l[0], "community_id", "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=");
    assert_str(l[0], "app_proto", "icq");
    assert_str(l[0], "direction", "to_server");
    assert_str(l[0], "pkt_src", "wire/pcap");
    assert_str(l[0], "alert.action", "allowed");
    assert_int(l[0], "alert.gid", 1);
    assert_int(l[0], "alert.signature_id", 9100102);
    assert_int(l[0], "alert.rev", 1);
    assert_str(l[0], "alert.signature", "IMSENTRY ICQ login with roasted password");
    assert_str(l[0], "alert.category", "Credential Exposure");
    assert_int(l[0], "alert.severity", 1);
    assert_int(l[0], "flow.pkts_toserver", 6);
    assert_int(l[0], "flow.pkts_toclient", 5);
    assert_int(l[0], "flow.bytes_toserver", 900);
    assert_int(l[0], "flow.bytes_toclient", 400);
    assert_str(l[0], "flow.start", "2002-04-16T12:00:00.000000+0000");
    ck_assert_uint_eq(json_object_size(jpath(l[0], "flow")), 5);

    md = jpath(l[0], "alert.metadata");
    ck_assert(json_is_object(md));
    ck_assert_uint_eq(json_object_size(md), 9);
    /* keys in order of first appearance */
    {
        size_t i = 0;

        for (void *it = json_object_iter(md); it; it = json_object_iter_next(md, it), i++) {
            ck_assert_str_eq(json_object_iter_key(it), keys[i]);
            ck_assert(json_is_array(json_object_iter_value(it)));
        }
        ck_assert_uint_eq(i, 9);
    }
    arr = json_object_get(md, "service");
    ck_assert_uint_eq(json_array_size(arr), 2);
    ck_assert_str_eq(json_string_value(json_array_get(arr, 0)), "icq");
    ck_assert_str_eq(json_string_value(json_array_get(arr, 1)), "aim");
    arr = json_object_get(md, "file_name");
    ck_assert_uint_eq(json_array_size(arr), 2);
    ck_assert_str_eq(json_string_value(json_array_get(arr, 0)), "a.txt");
    ck_assert_str_eq(json_string_value(json_array_get(arr, 1)), "f\\xFF.exe");
    arr = json_object_get(md, "password");
    ck_assert_str_eq(json_string_value(json_array_get(arr, 0)), "[redacted]");
    arr = json_object_get(md, "tunnel_target");
    ck_assert_str_eq(json_string_value(json_array_get(arr, 0)), "login.icq.com:5190");
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

START_TEST(test_alert_to_client)
{
    char dir[64], path[128];
    struct config cfg;
    struct flow f;
    struct alert a;
    struct eve *ev;
    json_t **l;
    size_t n;

    test_config(&cfg);
    sample_flow(&f);
    memset(&a, 0, sizeof(a));
    a.sid = 1;
    a.rev = 2;
    a.severity = 3;
    a.msg = NULL; /* tolerated: written as "" */
    a.category = "Policy";
    a.app_proto = APP_PROTO_UNKNOWN;
    a.dir = FLOW_TOCLIENT;
    a.ts_us = T_2002 + 2000000;
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);
    eve_write_alert(ev, &f, &a);
    eve_close(ev);
    l = read_lines(path, &n);
    ck_assert_uint_eq(n, 1);
    /* the server spoke: it is the source */
    assert_str(l[0], "src_ip", "192.0.2.10");
    assert_int(l[0], "src_port", 1080);
    assert_str(l[0], "dest_ip", "10.20.30.40");
    assert_int(l[0], "dest_port", 3312);
    assert_str(l[0], "direction", "to_client");
    assert_str(l[0], "alert.signature", "");
    /* no metadata entries: no metadata object; unknown protocol: no app_proto */
    ck_assert_ptr_null(jpath(l[0], "alert.metadata"));
    ck_assert_ptr_null(json_object_get(l[0], "app_proto"));
    /* the flow counters stay oriented client -> server */
    assert_int(l[0], "flow.pkts_toserver", 6);
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

START_TEST(test_stats_nesting)
{
    char dir[64], path[128];
    struct config cfg;
    struct stats st;
    struct eve *ev;
    enum stat_id an = find_anomaly(STAT__COUNT);
    json_t **l, *s;
    size_t n;

    memset(&st, 0, sizeof(st));
    for (int i = 0; i < STAT__COUNT; i++)
        st.v[i] = 1000 + (uint64_t)i; /* a distinct value per counter */
    st.v[STAT_CAPTURE_KERNEL_DROPS] = 0;
    test_config(&cfg);
    /* the writer keeps its own eve.* counters (as main.c does) and merges them in */
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);
    eve_write_stats(ev, &st, T_2002, 12.9);
    eve_write_stats(ev, &st, T_2002 + 1000000, 13.2);
    eve_close(ev);
    l = read_lines(path, &n);
    ck_assert_uint_eq(n, 2);
    assert_str(l[0], "event_type", "stats");
    assert_str(l[0], "timestamp", "2002-04-16T12:00:00.000000+0000");
    ck_assert_ptr_null(json_object_get(l[0], "flow_id"));
    assert_int(l[0], "stats.uptime", 12);
    s = json_object_get(l[0], "stats");
    /* Suricata's names, nested */
    assert_int(s, "capture.kernel_packets", 1000 + STAT_CAPTURE_KERNEL_PACKETS);
    ck_assert(json_is_object(jpath(s, "capture")));
    /* zeros are written */
    assert_int(s, "capture.kernel_drops", 0);
    /* every counter is at its dotted path */
    for (int i = 0; i < STAT__COUNT; i++) {
        long long want = 1000 + i;

        /* eve.events: the writer's own count (0 before the first line) is added */
        if (i == STAT_CAPTURE_KERNEL_DROPS)
            want = 0;
        assert_int(s, stats_name((enum stat_id)i), want);
    }
    if (an != STAT__COUNT) {
        const char *name = stats_name(an);

        ck_assert_msg(strncmp(name, "decoder.event.", 14) == 0 ||
                          strncmp(name, "stream.event.", 13) == 0 ||
                          strncmp(name, "app_layer.event.", 16) == 0,
                      "%s", name);
        ck_assert(json_is_object(jpath(s, "decoder")) || json_is_object(jpath(s, "stream")) ||
                  json_is_object(jpath(s, "app_layer")));
    }
    /* the second event counts the first line */
    assert_int(json_object_get(l[1], "stats"), "eve.events", 1000 + STAT_EVE_EVENTS + 1);
    assert_int(l[1], "stats.uptime", 13);
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

START_TEST(test_stats_names_do_not_collide)
{
    /* a name that is a prefix ("a.b") of another ("a.b.c") cannot nest as JSON */
    for (int i = 0; i < STAT__COUNT; i++) {
        const char *a = stats_name((enum stat_id)i);

        ck_assert_msg(strcmp(a, "invalid") != 0, "counter %d has no name", i);
        ck_assert_msg(strcmp(a, "uptime") != 0, "uptime is reserved");
        ck_assert_msg(a[0] != '.' && a[strlen(a) - 1] != '.' && !strstr(a, ".."),
                      "bad counter name %s", a);
        for (int j = 0; j < STAT__COUNT; j++) {
            const char *b = stats_name((enum stat_id)j);
            size_t la = strlen(a);

            if (i == j)
                continue;
            ck_assert_msg(strcmp(a, b) != 0, "counter name %s used twice", a);
            ck_assert_msg(!(strncmp(a, b, la) == 0 && b[la] == '.'),
                          "counter %s is also a branch of %s", a, b);
        }
    }
}
END_TEST

START_TEST(test_anomaly_event_and_limit)
{
    char dir[64], path[128];
    struct config cfg;
    struct stats st;
    struct packet p;
    struct eve *ev;
    enum stat_id a1 = find_anomaly(STAT__COUNT);
    enum stat_id a2;
    enum anomaly_kind kind;
    const char *event;
    json_t **l;
    size_t n, want;

    ck_assert_msg(a1 != STAT__COUNT, "no anomaly declared in anomalies.def");
    a2 = find_anomaly(a1);
    ck_assert(stats_anomaly_info(a1, &kind, &event));
    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    cfg.anomaly_max_per_type = 3;
    sample_packet(&p);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, &st);
    for (int i = 0; i < 5; i++)
        eve_write_anomaly(ev, &p, a1);
    /* a second type has its own budget */
    if (a2 != STAT__COUNT) {
        for (int i = 0; i < 4; i++)
            eve_write_anomaly(ev, &p, a2);
    }
    /* a plain counter is not an anomaly: nothing written */
    eve_write_anomaly(ev, &p, STAT_EVE_EVENTS);
    eve_close(ev);

    want = 3 + (a2 != STAT__COUNT ? 3 : 0);
    l = read_lines(path, &n);
    ck_assert_uint_eq(n, want);
    ck_assert_uint_eq(st.v[STAT_EVE_ANOMALIES_SUPPRESSED], a2 != STAT__COUNT ? 3 : 2);
    ck_assert_uint_eq(st.v[STAT_EVE_EVENTS], want);
    assert_str(l[0], "event_type", "anomaly");
    assert_str(l[0], "timestamp", "2002-04-16T12:00:00.000001+0000");
    ck_assert_ptr_null(json_object_get(l[0], "flow_id"));
    ck_assert_uint_eq(json_array_size(json_object_get(l[0], "vlan")), 2);
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(l[0], "vlan"), 1)), 20);
    assert_str(l[0], "src_ip", "198.51.100.7");
    assert_int(l[0], "src_port", 40000);
    assert_str(l[0], "dest_ip", "203.0.113.9");
    assert_int(l[0], "dest_port", 80);
    assert_str(l[0], "proto", "TCP");
    assert_str(l[0], "pkt_src", "wire/pcap");
    assert_int(l[0], "pcap_cnt", 42);
    assert_str(l[0], "anomaly.type", stats_anomaly_kind_name(kind));
    assert_str(l[0], "anomaly.event", event);
    {
        /* layer: the event name up to its first dot */
        char layer[64];
        const char *dot = strchr(event, '.');
        size_t ll = dot ? (size_t)(dot - event) : strlen(event);

        snprintf(layer, sizeof(layer), "%.*s", (int)ll, event);
        assert_str(l[0], "anomaly.layer", layer);
    }
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

START_TEST(test_anomaly_limit_zero)
{
    char dir[64], path[128];
    struct config cfg;
    struct stats st;
    struct packet p;
    struct eve *ev;
    enum stat_id a1 = find_anomaly(STAT__COUNT);

    ck_assert(a1 != STAT__COUNT);
    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    cfg.anomaly_max_per_type = 0; /* imsentry.yaml(5): 0 writes none */
    sample_packet(&p);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, &st);
    eve_write_anomaly(ev, &p, a1);
    eve_write_anomaly(ev, &p, a1);
    eve_close(ev);
    ck_assert_uint_eq(count_lines(path), 0);
    ck_assert_uint_eq(st.v[STAT_EVE_ANOMALIES_SUPPRESSED], 2);
    rm_tree(dir);
}
END_TEST

START_TEST(test_anomaly_partial_packet)
{
    char dir[64], path[128];
    struct config cfg;
    struct packet p;
    struct eve *ev;
    enum stat_id a1 = find_anomaly(STAT__COUNT);
    json_t **l;
    size_t n;

    ck_assert(a1 != STAT__COUNT);
    test_config(&cfg);
    cfg.anomaly_max_per_type = 1000000;
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, NULL);
    /* broken before the IP layer: no addresses */
    memset(&p, 0, sizeof(p));
    p.ts_us = T_2002;
    for (int i = 0; i < 150; i++)
        eve_write_anomaly(ev, &p, a1);
    /* IP decoded, transport not: addresses and proto, no ports */
    sample_packet(&p);
    p.flags = 0;
    eve_write_anomaly(ev, &p, a1);
    eve_close(ev);
    l = read_lines(path, &n);
    ck_assert_uint_eq(n, 151);
    ck_assert_ptr_null(json_object_get(l[0], "src_ip"));
    ck_assert_ptr_null(json_object_get(l[0], "proto"));
    ck_assert_ptr_null(json_object_get(l[0], "pcap_cnt"));
    assert_str(l[0], "pkt_src", "wire/pcap");
    assert_str(l[150], "src_ip", "198.51.100.7");
    assert_str(l[150], "proto", "TCP");
    ck_assert_ptr_null(json_object_get(l[150], "src_port"));
    free_lines(l, n);
    rm_tree(dir);
}
END_TEST

/*
 * Writes one event of every type and every variant to a file and runs
 * tests/tools/validate_eve.py over it: the project's schema for all, and
 * Suricata 8.0.6's for alert and flow.  Skipped (with a message) when
 * python3 or its jsonschema module is missing.  With EVE_SAMPLE_KEEP set,
 * the file is left in place and its path printed.
 */
START_TEST(test_schema_validation)
{
    char dir[64], path[128], cmd[1024];
    struct config cfg;
    struct stats st;
    struct flow f;
    struct alert a;
    struct packet p;
    struct eve *ev;
    enum stat_id an = find_anomaly(STAT__COUNT);
    static const uint8_t weird[] = {0xC0, 0x80, 'x', 0x00, 0xED, 0xA0, 0x80};
    const char *suri;
    int rc;

    memset(&st, 0, sizeof(st));
    test_config(&cfg);
    ev = open_tmp(dir, sizeof(dir), path, sizeof(path), &cfg, &st);
    sample_flow(&f);
    sample_alert(&a);
    a.meta[a.n_meta].key = "username";
    a.meta[a.n_meta].value = weird;
    a.meta[a.n_meta].value_len = sizeof(weird);
    a.n_meta++;
    add_meta(&a, "internal_address", "192.168.1.20");
    add_meta(&a, "client_version", "ICQ 2002a");
    add_meta(&a, "file_name", "song.mp3");
    eve_write_alert(ev, &f, &a);
    a.dir = FLOW_TOCLIENT;
    a.n_meta = 0;
    eve_write_alert(ev, &f, &a);
    eve_write_flow(ev, &f);
    f.proto = 1; /* ICMP destination unreachable (3), port unreachable (3) */
    f.cli_port = 3;
    f.srv_port = 3;
    f.app_proto = APP_PROTO_FAILED;
    f.vlan_count = 2;
    f.vlan[1] = 200;
    eve_write_flow(ev, &f);
    f.proto = 17;
    f.app_proto = APP_PROTO_UNKNOWN;
    eve_write_flow(ev, &f);
    sample_packet(&p);
    if (an != STAT__COUNT)
        eve_write_anomaly(ev, &p, an);
    memset(&p, 0, sizeof(p));
    if (an != STAT__COUNT)
        eve_write_anomaly(ev, &p, an);
    st.v[STAT_CAPTURE_KERNEL_PACKETS] = 12345;
    eve_write_stats(ev, &st, T_2002 + 5000000, 5.0);
    eve_close(ev);
    ck_assert_uint_eq(count_lines(path), an != STAT__COUNT ? 8 : 6);

    suri = getenv("IMSENTRY_SURICATA_SCHEMA");
    if (!suri)
        suri = IMSENTRY_SOURCE_DIR "/../shared/eve/suricata-8.0.6-schema.json";
    if (access(suri, R_OK) != 0) {
        fprintf(stderr, "check_output: %s missing: Suricata schema not checked\n", suri);
        suri = NULL;
    }
    snprintf(cmd, sizeof(cmd),
             "python3 '%s/tests/tools/validate_eve.py' '%s' --schema "
             "'%s/schema/imsentry-eve.schema.json' %s%s%s --require-types alert,flow,stats%s",
             IMSENTRY_SOURCE_DIR, path, IMSENTRY_SOURCE_DIR, suri ? "--suricata '" : "",
             suri ? suri : "", suri ? "'" : "", an != STAT__COUNT ? ",anomaly" : "");
    rc = system(cmd);
    ck_assert(rc != -1);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
        fprintf(stderr, "check_output: schema validation skipped (python3 jsonschema missing)\n");
    } else {
        ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "validate_eve.py failed on %s", path);
    }
    if (getenv("EVE_SAMPLE_KEEP"))
        fprintf(stderr, "check_output: sample events kept in %s\n", path);
    else
        rm_tree(dir);
}
END_TEST

static Suite *output_suite(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_ts_format);
    tcase_add_test(tc, test_wire_string);
    tcase_add_test(tc, test_wire_string_dumps_valid_json);
    tcase_add_test(tc, test_file_mode_umask0);
    tcase_add_test(tc, test_file_mode_umask077);
    tcase_add_test(tc, test_existing_file_appended);
    tcase_add_test(tc, test_dir_created_with_parents);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_reopen_after_rename);
    tcase_add_test(tc, test_flush_and_close);
    tcase_add_test(tc, test_unbuffered);
    tcase_add_test(tc, test_write_errors_counted);
    tcase_add_test(tc, test_null_writer_is_harmless);
    tcase_add_test(tc, test_flow_event);
    tcase_add_test(tc, test_flow_event_variants);
    tcase_add_test(tc, test_flow_event_exact_line);
    tcase_add_test(tc, test_switches_off);
    tcase_add_test(tc, test_alert_event);
    tcase_add_test(tc, test_alert_to_client);
    tcase_add_test(tc, test_stats_nesting);
    tcase_add_test(tc, test_stats_names_do_not_collide);
    tcase_add_test(tc, test_anomaly_event_and_limit);
    tcase_add_test(tc, test_anomaly_limit_zero);
    tcase_add_test(tc, test_anomaly_partial_packet);
    tcase_add_test(tc, test_schema_validation);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(output_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
