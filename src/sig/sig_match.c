/*
 * sig_match.c - per-worker matching: stream content through the automaton
 * with per-flow-direction state, and application events against event
 * signatures; once-per-flow and once-per-login-attempt bookkeeping.
 *
 * Per flow (f->sig, allocated on first use, charged against
 * LIM_SIG_FLOW_MEMCAP per worker):
 *   - per direction: the automaton state after the last byte (so patterns
 *     spanning chunks match), the stream offset of the next byte, the first
 *     offset still valid (after a gap), and a ring of the last H bytes,
 *     H = sig_engine_history(): the smallest power of two covering what the
 *     signatures can need to look back from a match point (the longest
 *     pattern for single-content signatures; offset+depth plus
 *     distance+within of bounded chains), at most LIM_SIG_HISTORY (64 KiB)
 *     for chains with an unbounded part.  A chain whose bytes lie further
 *     back than H when it completes does not match.
 *   - an "armed" bitset per direction: the signature's fast (longest)
 *     content has been seen there.  Every content pattern is in the
 *     automaton, so the byte where a chain can complete is always a pattern
 *     end; an armed signature is verified exactly there, with that content
 *     fixed at the match point.
 *   - an "alerted" bitset (once per flow per signature) and the hashes of
 *     login attempts alerted (LOGIN events: once per attempt; identical
 *     repeats, same username/password/password_form/login_outcome, are
 *     deduplicated; LIM_SIG_LOGIN_DEDUP remembered, oldest forgotten).
 * Offsets: a TCP direction's bytes count from the first byte given to
 * sig_stream; a gap (STREAM_DATA_GAP) resets partial matches and offsets
 * continue after it; the first bytes inside a proxy tunnel restart the
 * offsets at 0 (the inner protocol's stream); each UDP payload is matched on
 * its own from offset 0.
 */
#include "sig_priv.h"

#include <stdlib.h>
#include <string.h>

#include "imsentry/err.h"
#include "imsentry/stream.h"

/* Bytes sig_stream() steps between two tests for a match (the steps are written out). */
#define SIG_SCAN_UNROLL 4

struct sig_ctx *sig_ctx_new(const struct sig_engine *se, const struct config *cfg, struct stats *st,
                            struct eve *ev)
{
    struct sig_ctx *sc = calloc(1, sizeof(*sc));

    if (!sc)
        return NULL;
    sc->se = se;
    sc->cfg = cfg;
    sc->st = st ? st : &sc->own_stats;
    sc->ev = ev;
    sc->rate_second = INT64_MIN;
    if (se && se->n_sigs) {
        sc->alert_counts = calloc(se->n_sigs, sizeof(uint64_t));
        if (!sc->alert_counts) {
            free(sc);
            return NULL;
        }
    }
    return sc;
}

void sig_ctx_free(struct sig_ctx *sc)
{
    if (!sc)
        return;
    free(sc->alert_counts);
    free(sc->thr);
    free(sc);
}

uint64_t sig_ctx_memuse(const struct sig_ctx *sc)
{
    return sc ? sc->memuse : 0;
}

void sig_ctx_alert_counts(const struct sig_ctx *sc,
                          void (*fn)(void *user, uint32_t sid, const char *msg, uint64_t n),
                          void *user)
{
    if (!sc || !sc->se || !fn || !sc->alert_counts)
        return;
    for (unsigned i = 0; i < sc->se->n_sigs; i++)
        if (sc->alert_counts[i])
            fn(user, sc->se->sigs[i].id, sc->se->sigs[i].msg, sc->alert_counts[i]);
}

/* Words of one bitset over every signature. */
static size_t sig_words(const struct sig_engine *se)
{
    return (se->n_sigs + 63) / 64;
}

/* The flow's state, allocated on first use; NULL past the memcap (counted). */
static struct sig_flow *sig_flow_get(struct sig_ctx *sc, struct flow *f)
{
    struct sig_flow *fs = f->sig;
    size_t words, bytes;

    if (fs)
        return fs;
    words = sig_words(sc->se);
    bytes = sizeof(*fs) + 3 * words * sizeof(uint64_t);
    if (sc->memuse + bytes > LIM_SIG_FLOW_MEMCAP) {
        stats_inc(sc->st, STAT_DETECT_SIG_FLOW_STATE_MEMCAP);
        return NULL;
    }
    fs = calloc(1, bytes);
    if (!fs) {
        stats_inc(sc->st, STAT_DETECT_SIG_FLOW_STATE_MEMCAP);
        return NULL;
    }
    fs->alerted = fs->bits;
    fs->armed[0] = fs->bits + words;
    fs->armed[1] = fs->bits + 2 * words;
    fs->bytes = bytes;
    sc->memuse += bytes;
    f->sig = fs;
    return fs;
}

void sig_flow_end(struct sig_ctx *sc, struct flow *f)
{
    struct sig_flow *fs;

    if (!f || !f->sig)
        return;
    fs = f->sig;
    free(fs->d[0].hist);
    free(fs->d[1].hist);
    if (sc)
        sc->memuse -= fs->bytes;
    free(fs);
    f->sig = NULL;
}

void sig_flow_swap(struct flow *f)
{
    struct sig_flow *fs;
    struct sig_dir d;
    uint64_t *a;

    if (!f || !f->sig)
        return;
    fs = f->sig;
    d = fs->d[0];
    fs->d[0] = fs->d[1];
    fs->d[1] = d;
    a = fs->armed[0];
    fs->armed[0] = fs->armed[1];
    fs->armed[1] = a;
}

/* Carrier name of a tunnel, or NULL. */
static const char *sig_carrier(const struct sig_tunnel *tun)
{
    return tun && tun->carrier && tun->carrier[0] ? tun->carrier : NULL;
}

/* The conditions every signature has: transport, direction, app_proto, tunnel, ports. */
static bool sig_conds(const struct sig *s, const struct flow *f, enum flow_dir dir,
                      enum app_proto proto, const char *carrier)
{
    if (s->transport != SIG_TRANSPORT_ANY && f->proto != (uint8_t)s->transport)
        return false;
    if ((s->direction == SIG_DIR_TOSERVER && dir != FLOW_TOSERVER) ||
        (s->direction == SIG_DIR_TOCLIENT && dir != FLOW_TOCLIENT))
        return false;
    if (s->app_protos && ((unsigned)proto >= 32 || !(s->app_protos & (1u << proto))))
        return false;
    switch (s->tunnel) {
    case SIG_TUNNEL_NONE:
        if (carrier)
            return false;
        break;
    case SIG_TUNNEL_TUNNELED:
        if (!carrier)
            return false;
        break;
    case SIG_TUNNEL_SOCKS:
        if (!carrier || strcmp(carrier, "socks") != 0)
            return false;
        break;
    case SIG_TUNNEL_HTTP_PROXY:
        if (!carrier || strcmp(carrier, "http-proxy") != 0)
            return false;
        break;
    default:
        break;
    }
    if (s->n_ports) {
        bool hit = false;

        for (unsigned i = 0; i < s->n_ports && !hit; i++)
            hit = (f->cli_port >= s->ports[i].lo && f->cli_port <= s->ports[i].hi) ||
                  (f->srv_port >= s->ports[i].lo && f->srv_port <= s->ports[i].hi);
        if (!hit)
            return false;
    }
    return true;
}

/* Restarts a direction's matching at stream offset off (gap, tunnel, datagram). */
static void sig_dir_reset(struct sig_flow *fs, enum flow_dir dir, uint64_t off, size_t words)
{
    fs->d[dir].ac_state = 0;
    fs->d[dir].off = off;
    fs->d[dir].valid_from = off;
    memset(fs->armed[dir], 0, words * sizeof(uint64_t));
}

/* Allocates the history ring of a direction if the engine keeps one (memcap permitting). */
static void sig_dir_hist(struct sig_ctx *sc, struct sig_flow *fs, enum flow_dir dir)
{
    size_t h = sc->se->history;

    if (!h || fs->d[dir].hist)
        return;
    if (sc->memuse + h > LIM_SIG_FLOW_MEMCAP) {
        stats_inc(sc->st, STAT_DETECT_SIG_FLOW_STATE_MEMCAP);
        return;
    }
    fs->d[dir].hist = malloc(h);
    if (!fs->d[dir].hist) {
        stats_inc(sc->st, STAT_DETECT_SIG_FLOW_STATE_MEMCAP);
        return;
    }
    fs->bytes += h;
    sc->memuse += h;
    /* the ring holds none of the bytes that passed before it existed */
    fs->d[dir].valid_from = fs->d[dir].off;
}

/* Every (signature, content) whose pattern ends at v->hi: arm, verify, alert. */
static void sig_stream_hits(struct sig_ctx *sc, struct flow *f, struct sig_flow *fs,
                            enum flow_dir dir, enum app_proto proto, const struct sig_tunnel *tun,
                            uint32_t state, const struct sig_view *v)
{
    const struct sig_engine *se = sc->se;
    const struct sig_ac *ac = &se->ac;
    const char *carrier = sig_carrier(tun);

    state = sig_ac_state(ac, state);
    for (uint32_t o = ac->out_start[state]; o < ac->out_start[state + 1]; o++) {
        uint32_t pat = ac->out_refs[o];

        for (uint32_t r = ac->ref_start[pat]; r < ac->ref_start[pat + 1]; r++) {
            const struct sig_ac_ref *ref = &ac->refs[r];
            const struct sig *s = &se->sigs[ref->sig];
            uint64_t steps = 0;

            if (sig_bit_get(fs->alerted, ref->sig))
                continue;
            if (ref->fast)
                sig_bit_set(fs->armed[dir], ref->sig);
            else if (!sig_bit_get(fs->armed[dir], ref->sig))
                continue;
            if (!sig_conds(s, f, dir, proto, carrier))
                continue;
            if (!sig_contents_verify(v, s, ref->content, &steps)) {
                if (steps > LIM_SIG_VERIFY_STEPS)
                    stats_inc(sc->st, STAT_DETECT_SIG_VERIFY_LIMIT);
                continue;
            }
            sig_bit_set(fs->alerted, ref->sig);
            sig_alert_raise(sc, f, s, NULL, dir, proto, tun, f->last_us);
        }
    }
}

void sig_stream(struct sig_ctx *sc, struct flow *f, enum flow_dir dir, enum app_proto proto,
                const uint8_t *data, size_t len, unsigned flags, const struct sig_tunnel *tun)
{
    const struct sig_engine *se;
    struct sig_flow *fs;
    struct sig_dir *d;
    struct sig_view v;
    const uint32_t *delta;
    const uint8_t *cls;
    size_t words, h, i;
    uint32_t state;

    if (!sc || !f || !sc->se || !sc->se->has_content || (unsigned)dir > FLOW_TOCLIENT)
        return;
    se = sc->se;
    if (!(flags & STREAM_DATA_GAP) && (!data || !len))
        return;
    fs = sig_flow_get(sc, f);
    if (!fs)
        return;
    words = sig_words(se);
    d = &fs->d[dir];
    if (flags & STREAM_DATA_GAP) {
        sig_dir_reset(fs, dir, d->off + len, words);
        return;
    }
    if (sig_carrier(tun) && !d->tunneled) { /* the inner stream starts here */
        d->tunneled = true;
        sig_dir_reset(fs, dir, 0, words);
    }
    if (f->proto == 17) /* each datagram on its own */
        sig_dir_reset(fs, dir, 0, words);
    sig_dir_hist(sc, fs, dir);
    h = d->hist ? se->history : 0;

    v.hist = d->hist;
    v.hmask = h ? h - 1 : 0;
    v.chunk_off = d->off;
    v.chunk = data;
    v.lo = d->off - (d->off - d->valid_from < h ? d->off - d->valid_from : h);
    state = d->ac_state;
    /*
     * The automaton's tables in locals: through se->ac the compiler reloads
     * them for every byte (data may alias them), and this loop runs once per
     * reassembled byte.  Same step as sig_ac_step().
     */
    delta = se->ac.delta;
    cls = se->ac.cls;
    i = 0;
    /*
     * Four steps, then one test: patterns end at few bytes.  When one of
     * the four ends a pattern they are stepped again one at a time, to
     * report each end in order.  (size_t) before the add spares a
     * zero-extension per byte.
     */
    while (len - i >= SIG_SCAN_UNROLL) {
        uint32_t s0 = delta[(size_t)(state & ~SIG_AC_OUT) + cls[data[i]]];
        uint32_t s1 = delta[(size_t)(s0 & ~SIG_AC_OUT) + cls[data[i + 1]]];
        uint32_t s2 = delta[(size_t)(s1 & ~SIG_AC_OUT) + cls[data[i + 2]]];
        uint32_t s3 = delta[(size_t)(s2 & ~SIG_AC_OUT) + cls[data[i + 3]]];

        if (!((s0 | s1 | s2 | s3) & SIG_AC_OUT)) {
            state = s3;
            i += SIG_SCAN_UNROLL;
            continue;
        }
        for (size_t end = i + SIG_SCAN_UNROLL; i < end; i++) {
            state = delta[(size_t)(state & ~SIG_AC_OUT) + cls[data[i]]];
            if (state & SIG_AC_OUT) {
                v.hi = d->off + i + 1;
                sig_stream_hits(sc, f, fs, dir, proto, tun, state, &v);
            }
        }
    }
    for (; i < len; i++) {
        state = delta[(size_t)(state & ~SIG_AC_OUT) + cls[data[i]]];
        if (state & SIG_AC_OUT) {
            v.hi = d->off + i + 1;
            sig_stream_hits(sc, f, fs, dir, proto, tun, state, &v);
        }
    }
    d->ac_state = state;
    /* Keep the last h bytes: ring position = stream offset mod h (h is a power of two). */
    if (h) {
        size_t keep = len < h ? len : h;
        uint64_t off = d->off + len - keep;
        size_t pos = (size_t)(off & (h - 1));
        size_t first = h - pos < keep ? h - pos : keep;

        memcpy(d->hist + pos, data + len - keep, first);
        memcpy(d->hist, data + len - keep + first, keep - first);
    }
    d->off += len;
}

/* ---- events ---- */

/* True when the event satisfies every facts: condition of s. */
static bool sig_facts_match(const struct sig *s, const struct app_event *ev)
{
    unsigned nf = ev->n_facts < APP_EVENT_MAX_FACTS ? ev->n_facts : APP_EVENT_MAX_FACTS;

    for (unsigned c = 0; c < s->n_facts; c++) {
        const struct sig_fact_cond *fc = &s->facts[c];
        bool ok = false;

        for (unsigned i = 0; i < nf && !ok; i++) {
            const struct app_fact *a = &ev->facts[i];

            if ((int)a->key != fc->key)
                continue;
            if (fc->present) {
                ok = true;
                break;
            }
            for (unsigned k = 0; k < fc->n_values && !ok; k++)
                ok = fc->value_lens[k] == a->len &&
                     (a->len == 0 || memcmp(fc->values[k], a->val, a->len) == 0);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* FNV-1a over bytes. */
static uint64_t sig_fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Hash of (signature, login attempt): username, password, password_form, login_outcome. */
static uint64_t sig_login_hash(uint32_t sid, const struct app_event *ev)
{
    static const enum app_fact_key keys[] = {APP_FACT_USERNAME, APP_FACT_PASSWORD,
                                             APP_FACT_PASSWORD_FORM, APP_FACT_LOGIN_OUTCOME};
    unsigned nf = ev->n_facts < APP_EVENT_MAX_FACTS ? ev->n_facts : APP_EVENT_MAX_FACTS;
    uint64_t h = sig_fnv(14695981039346656037ull, &sid, sizeof(sid));

    for (unsigned k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        for (unsigned i = 0; i < nf; i++) {
            uint64_t len = ev->facts[i].len;

            if (ev->facts[i].key != keys[k])
                continue;
            h = sig_fnv(h, &k, sizeof(k));
            h = sig_fnv(h, &len, sizeof(len));
            h = sig_fnv(h, ev->facts[i].val, ev->facts[i].len);
        }
    return h;
}

/* True (and remembered) when this login attempt is new for signature sid on the flow. */
static bool sig_login_new(struct sig_ctx *sc, struct sig_flow *fs, uint32_t sid,
                          const struct app_event *ev)
{
    uint64_t h = sig_login_hash(sid, ev);

    for (unsigned i = 0; i < fs->n_login; i++)
        if (fs->login[i] == h) {
            stats_inc(sc->st, STAT_DETECT_SIG_LOGIN_REPEATS);
            return false;
        }
    if (fs->n_login < LIM_SIG_LOGIN_DEDUP) {
        fs->login[fs->n_login++] = h;
    } else {
        fs->login[fs->login_next] = h;
        fs->login_next = (fs->login_next + 1) % LIM_SIG_LOGIN_DEDUP;
    }
    return true;
}

/* Without a tunnel argument, the event's own tunnel fact names the carrier (or NULL). */
static const char *sig_event_carrier(const struct app_event *ev)
{
    size_t len = 0;
    const uint8_t *c = app_event_get(ev, APP_FACT_TUNNEL, &len);

    if (!c || len == 0)
        return NULL;
    if (len == 5 && memcmp(c, "socks", 5) == 0)
        return "socks";
    if (len == 10 && memcmp(c, "http-proxy", 10) == 0)
        return "http-proxy";
    return "other";
}

void sig_event(struct sig_ctx *sc, struct flow *f, const struct app_event *ev,
               const struct sig_tunnel *tun)
{
    const struct sig_engine *se;
    enum app_proto proto;
    struct sig_flow *fs;
    const char *carrier;

    if (!sc || !f || !ev || !sc->se || (unsigned)ev->dir > FLOW_TOCLIENT)
        return;
    se = sc->se;
    if ((unsigned)ev->type >= APP_EVENT__COUNT ||
        se->ev_start[ev->type] == se->ev_start[ev->type + 1])
        return;
    proto = ev->proto != APP_PROTO_UNKNOWN ? ev->proto : f->app_proto;
    carrier = sig_carrier(tun) ? sig_carrier(tun) : sig_event_carrier(ev);
    fs = sig_flow_get(sc, f);
    for (uint32_t k = se->ev_start[ev->type]; k < se->ev_start[ev->type + 1]; k++) {
        const struct sig *s = &se->sigs[se->ev_sigs[k]];

        if (!sig_conds(s, f, ev->dir, proto, carrier) || !sig_facts_match(s, ev))
            continue;
        if (fs && ev->type == APP_EVENT_LOGIN) {
            if (!sig_login_new(sc, fs, s->id, ev))
                continue;
        } else if (fs && s->thr_type == SIG_THR_NONE) {
            if (sig_bit_get(fs->alerted, s->idx))
                continue;
            sig_bit_set(fs->alerted, s->idx);
        }
        sig_alert_raise(sc, f, s, ev, ev->dir, proto, sig_carrier(tun) ? tun : NULL,
                        ev->ts_us ? ev->ts_us : f->last_us);
    }
}
