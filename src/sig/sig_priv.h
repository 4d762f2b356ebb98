/*
 * sig_priv.h - what the signature engine's files share: the compiled
 * signature, the multi-pattern automaton, per-flow matching state and the
 * per-worker context.  Not for other stages: they use imsentry/sig.h.
 *
 * Compiled form (man/imsentry-signatures.5 describes the YAML):
 *   struct sig_engine  every signature (struct sig), and one Aho-Corasick
 *                      automaton over every content pattern (case-folded);
 *   struct sig_ctx     per worker: counters, threshold table, rate limit;
 *   struct sig_flow    per flow (f->sig): per direction automaton state,
 *                      stream offset and recent bytes, alerted bitset,
 *                      login attempts seen.
 */
#ifndef IMSENTRY_SIG_PRIV_H
#define IMSENTRY_SIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/sig.h"

/* match.transport */
enum sig_transport {
    SIG_TRANSPORT_ANY = 0, /* any */
    SIG_TRANSPORT_TCP = 6, /* tcp */
    SIG_TRANSPORT_UDP = 17 /* udp */
};

/* match.direction */
enum sig_direction {
    SIG_DIR_ANY = 0,      /* any */
    SIG_DIR_TOSERVER = 1, /* to_server */
    SIG_DIR_TOCLIENT = 2  /* to_client */
};

/* match.tunnel */
enum sig_tunnel_cond {
    SIG_TUNNEL_ANY = 0,       /* any */
    SIG_TUNNEL_NONE = 1,      /* none: not inside a proxy tunnel */
    SIG_TUNNEL_TUNNELED = 2,  /* tunneled: inside any proxy tunnel */
    SIG_TUNNEL_SOCKS = 3,     /* socks */
    SIG_TUNNEL_HTTP_PROXY = 4 /* http-proxy */
};

/* threshold.type (Snort/Suricata semantics) */
enum sig_thr_type {
    SIG_THR_NONE = 0,      /* no threshold */
    SIG_THR_LIMIT = 1,     /* first count matches per period alert */
    SIG_THR_THRESHOLD = 2, /* every count-th match alerts */
    SIG_THR_BOTH = 3       /* one alert per period once count matches were seen */
};

/* threshold.track */
enum sig_thr_track {
    SIG_TRACK_SRC = 0, /* by_src: the alert's source address */
    SIG_TRACK_DST = 1, /* by_dst: the alert's destination address */
    SIG_TRACK_FLOW = 2 /* by_flow: the flow */
};

/* One content entry, Snort semantics (offsets in bytes of one direction's stream). */
struct sig_content {
    uint8_t *pat;     /* pattern bytes (|hex| decoded), owned */
    uint32_t len;     /* pattern length, >= 1 */
    bool nocase;      /* ASCII case-insensitive */
    bool relative;    /* distance or within given: relative to the previous content */
    bool has_depth;   /* depth given (absolute) */
    bool has_within;  /* within given (relative) */
    uint32_t offset;  /* absolute: first byte the match may start at */
    uint32_t depth;   /* absolute: the match ends at most offset+depth */
    int32_t distance; /* relative: start at least previous end + distance */
    uint32_t within;  /* relative: end at most previous end + distance + within */
    uint32_t ac_id;   /* pattern id in the automaton */
};

/* One facts: condition. */
struct sig_fact_cond {
    int key;            /* enum app_fact_key */
    bool present;       /* "present": any value */
    unsigned n_values;  /* accepted values (any of) */
    char **values;      /* NUL-terminated, owned */
    size_t *value_lens; /* their lengths */
};

/* One ports: entry, inclusive. */
struct sig_port_range {
    uint16_t lo; /* first port */
    uint16_t hi; /* last port */
};

/* A compiled signature. */
struct sig {
    uint32_t id;          /* signature id (unique) */
    uint32_t rev;         /* revision */
    char *msg;            /* message, owned */
    char *category;       /* category, owned */
    int severity;         /* 1 .. 4 */
    char **services;      /* services, owned */
    unsigned n_services;  /* entries */
    char **risks;         /* threat-matrix risk categories, owned */
    unsigned n_risks;     /* entries */
    char **refs;          /* references, owned (documentation only) */
    unsigned n_refs;      /* entries */
    char *countermeasure; /* countermeasure or NULL, owned */

    enum sig_transport transport; /* match.transport */
    enum sig_direction direction; /* match.direction */
    uint32_t app_protos;          /* bit per enum app_proto; 0 = any */
    int event;                    /* enum app_event_type, -1 for a content signature */
    struct sig_fact_cond *facts;  /* match.facts, owned */
    unsigned n_facts;             /* entries */
    enum sig_tunnel_cond tunnel;  /* match.tunnel */
    struct sig_port_range *ports; /* match.ports (either endpoint), owned */
    unsigned n_ports;             /* entries; 0 = any */
    struct sig_content *contents; /* match.content, owned */
    unsigned n_contents;          /* entries; 0 for an event signature */
    unsigned fast;                /* index of the fast (prefilter) content: the longest */

    enum sig_thr_type thr_type;   /* threshold.type */
    enum sig_thr_track thr_track; /* threshold.track */
    uint32_t thr_count;           /* threshold.count */
    uint32_t thr_seconds;         /* threshold.seconds */

    const char *file; /* file it came from (engine-owned string) */
    unsigned line;    /* line of its id value (of the entry until the id is read) */
    unsigned col;     /* column of its id value */
    unsigned idx;     /* its index in sig_engine.sigs */
};

/* One (signature, content) that ends where an automaton pattern ends. */
struct sig_ac_ref {
    uint32_t sig;     /* index into sig_engine.sigs */
    uint16_t content; /* index into that signature's contents */
    bool fast;        /* it is the signature's fast pattern */
};

/*
 * Aho-Corasick automaton compiled to a full DFA over byte classes: one
 * table lookup per byte whatever the number of patterns.  Patterns are
 * ASCII case-folded; candidates are verified exactly afterwards.
 */
struct sig_ac {
    uint8_t cls[256];        /* byte (folded) -> class */
    unsigned n_cls;          /* classes used */
    uint32_t n_states;       /* states; 0 is the root */
    uint32_t *delta;         /* n_states * n_cls next states */
    uint32_t *out_start;     /* per state: first index into out_refs */
    uint32_t *out_refs;      /* per state: pattern ids ending here (suffixes included) */
    uint32_t n_pats;         /* distinct patterns */
    uint32_t *pat_len;       /* per pattern: length */
    uint32_t *ref_start;     /* per pattern: first index into refs (n_pats + 1 entries) */
    struct sig_ac_ref *refs; /* (signature, content) pairs per pattern */
};

/* Signature files read: names kept for messages. */
struct sig_file {
    char *name;            /* path as given, owned */
    struct sig_file *next; /* next file */
};

struct sig_engine {
    struct sig *sigs;                        /* signatures in load order */
    unsigned n_sigs;                         /* entries */
    unsigned cap_sigs;                       /* allocated */
    struct sig_file *files;                  /* names of files read */
    struct sig_ac ac;                        /* automaton over every content pattern */
    bool has_content;                        /* any content signature at all */
    size_t history;                          /* bytes of each direction kept (power of two, or 0) */
    uint32_t *by_id_sorted;                  /* signature indexes sorted by id (sig_engine_msg) */
    uint32_t *ev_sigs;                       /* event signature indexes grouped by event type */
    uint32_t ev_start[APP_EVENT__COUNT + 1]; /* per event type: first index into ev_sigs */
};

/* Matching state of one direction of a flow. */
struct sig_dir {
    uint32_t ac_state;   /* automaton state after the last byte */
    uint64_t off;        /* stream offset of the next byte */
    uint64_t valid_from; /* first offset whose byte is valid (after the last gap/reset) */
    bool tunneled;       /* bytes come from inside a tunnel (offsets restarted there) */
    uint8_t *hist;       /* ring of the last se->history bytes (NULL: not allocated) */
};

/* Per flow (f->sig). */
struct sig_flow {
    struct sig_dir d[2];                 /* by enum flow_dir */
    uint64_t login[LIM_SIG_LOGIN_DEDUP]; /* hashes of (sid, login attempt) alerted */
    unsigned n_login;                    /* entries used */
    unsigned login_next;                 /* next slot to overwrite when full */
    size_t bytes;                        /* memory charged for this flow */
    uint64_t *alerted;                   /* bitset: signature alerted on this flow */
    uint64_t *armed[2];                  /* bitsets per direction: fast pattern seen */
    uint64_t bits[];                     /* storage of the three bitsets */
};

/* Threshold tracking entry. */
struct sig_thr_entry {
    uint32_t sid;      /* signature id; 0 = free */
    uint8_t key[17];   /* family + address, or flow id bytes */
    uint32_t count;    /* matches in the current period */
    int64_t start_us;  /* start of the period */
    int64_t period_us; /* its length (the signature's seconds) */
    bool alerted;      /* both: alerted in this period */
};

struct sig_ctx {
    const struct sig_engine *se; /* signatures */
    const struct config *cfg;    /* settings (alerts.*) */
    struct stats *st;            /* counters (own_stats when none given) */
    struct stats own_stats;      /* counters when the caller gave none */
    struct eve *ev;              /* output, may be NULL */
    uint64_t *alert_counts;      /* per signature index: alerts written */
    uint64_t memuse;             /* bytes of per-flow state held */
    struct sig_thr_entry *thr;   /* threshold table (LIM_SIG_THRESHOLD_ENTRIES), lazily */
    int64_t rate_second;         /* packet-time second of the rate-limit bucket */
    uint32_t rate_count;         /* alerts written in that second */
};

/* ---- sig_load.c ---- */

/*
 * Parses one YAML document (name for messages) and appends its signatures
 * to se; 0, or an IMS_E* code with "name:line:col: message" in err.
 */
int sig_parse_text(struct sig_engine *se, const char *name, const char *buf, size_t len, char *err,
                   size_t errlen);

/* Releases what a signature owns. */
void sig_release(struct sig *s);

/* ---- sig_content.c ---- */

/*
 * Decodes a Snort-style pattern ("text|0D 0A|text") into out (malloc'd).
 * Returns 0, or -1 with a message in err.
 */
int sig_pattern_parse(const char *text, size_t len, uint8_t **out, uint32_t *out_len, char *err,
                      size_t errlen);

/* ASCII lower case of a byte. */
static inline uint8_t sig_fold(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Bytes of one direction as verification sees them: history ring + current chunk. */
struct sig_view {
    const uint8_t *hist;  /* ring (may be NULL when hsize is 0) */
    size_t hmask;         /* ring size - 1 */
    uint64_t chunk_off;   /* stream offset of chunk[0] */
    const uint8_t *chunk; /* current chunk */
    uint64_t lo;          /* first offset readable */
    uint64_t hi;          /* one past the last offset readable (the match point) */
};

/* True when content c occurs at stream offset s of the view (bytes in range). */
bool sig_content_at(const struct sig_view *v, const struct sig_content *c, uint64_t s);

/*
 * True when signature s's content chain has a match inside the view with
 * content j fixed to end at v->hi (Snort semantics, with backtracking).
 * *steps counts comparisons against LIM_SIG_VERIFY_STEPS.
 */
bool sig_contents_verify(const struct sig_view *v, const struct sig *s, unsigned j,
                         uint64_t *steps);

/* ---- sig_ac.c ---- */

/* Builds the automaton over every content of every signature; 0 or IMS_E*. */
int sig_ac_build(struct sig_engine *se, char *err, size_t errlen);
void sig_ac_free(struct sig_ac *ac);

/*
 * Automaton states as the matcher carries them: the state's row offset in
 * delta (state number * n_cls), with SIG_AC_OUT set when patterns end there,
 * so one load and one test per byte.
 */
#define SIG_AC_OUT 0x80000000u

/* Next state (one table lookup); st is a row offset, possibly flagged. */
static inline uint32_t sig_ac_step(const struct sig_ac *ac, uint32_t st, uint8_t byte)
{
    return ac->delta[(st & ~SIG_AC_OUT) + ac->cls[byte]];
}

/* State number of a row offset. */
static inline uint32_t sig_ac_state(const struct sig_ac *ac, uint32_t st)
{
    return (st & ~SIG_AC_OUT) / ac->n_cls;
}

/* ---- sig_match.c ---- */

/* Sets bit i of a bitset. */
static inline void sig_bit_set(uint64_t *b, unsigned i)
{
    b[i / 64] |= 1ull << (i % 64);
}

static inline bool sig_bit_get(const uint64_t *b, unsigned i)
{
    return (b[i / 64] >> (i % 64)) & 1;
}

/* ---- sig_alert.c ---- */

/*
 * Builds and writes the alert of signature s on flow f (after suppression,
 * threshold and rate limit): ev is the event (NULL for a content match).
 * Returns true when written.
 */
bool sig_alert_raise(struct sig_ctx *sc, struct flow *f, const struct sig *s,
                     const struct app_event *ev, enum flow_dir dir, enum app_proto proto,
                     const struct sig_tunnel *tun, int64_t ts_us);

/* ---- sig_threshold.c ---- */

/*
 * Applies the signature's threshold to one match from src to dst on flow f
 * at packet time ts_us; true when the match may alert.
 */
bool sig_threshold_pass(struct sig_ctx *sc, const struct sig *s, const struct flow *f,
                        const struct ip_addr *src, const struct ip_addr *dst, int64_t ts_us);

/* True when an alerts.suppress entry matches (counted by the caller). */
bool sig_suppressed(const struct config *cfg, uint32_t sid, const struct ip_addr *src,
                    const struct ip_addr *dst);

/* True when the global rate limit lets one more alert out at ts_us (counts it then). */
bool sig_rate_pass(struct sig_ctx *sc, int64_t ts_us);

#endif
