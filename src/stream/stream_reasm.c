/*
 * stream_reasm.c - one direction's segment list: insertion with target-based
 * overlap resolution (Novak & Sturges, "Target-Based TCP Stream Reassembly",
 * 2007, as Suricata implements it), checksum-weak data, in-order release to
 * the app layer with gaps, depth and memory caps.  RFC 9293 section 3.10.7.4
 * (segment text processing).
 *
 * Storage.  Pieces are disjoint and sorted (see stream_priv.h): a byte is
 * held once.  When a new segment N overlaps held bytes, the receiver's
 * policy decides per old segment O (the one whose piece holds the bytes)
 * whether N's bytes replace O's; bytes nobody held are stored as new pieces
 * carrying N's geometry.  Suricata keeps every segment and compares N with
 * each; we compare N with the segment that first brought each byte, which
 * gives the same bytes except when three or more segments overlap the
 * same byte with geometries that disagree.
 *
 * Overlap policies (new segment N = [ns, ne), old segment O = [os, oe),
 * "new" = N's bytes win in the overlap; Suricata's DoHandleDataOverlap()):
 *
 *   N against O                      first  last  bsd  linux  windows  solaris
 *   starts before, ends before oe     old   new   new   new    new      old
 *   starts before, ends at/after oe   old   new   new   new    new      new
 *   same start,    ends before oe     old   new   old   old    old      old
 *   same start,    same end           old   new   old   old    old      new
 *   same start,    ends after oe      old   new   old   new    old      new
 *   starts after,  ends at/before oe  old   new   old   old    old      old
 *   starts after,  ends after oe      old   new   old   old    old      new
 *
 * (BSD and Windows resolve TCP overlaps alike in Suricata; their IP
 * fragment policies differ, which is decode_defrag.c's business.)
 *
 * Bytes already delivered never change: a retransmission overlapping the
 * kept history is only compared (tcp.overlap, tcp.overlap_diff_data and the
 * stream.reassembly_overlap_different_data anomaly when it differs).
 *
 * Checksums.  A piece flagged SEG_WEAK came with a bad checksum in a
 * direction that has shown no good one yet (offload or insertion, we cannot
 * tell yet).  Good data overlapping weak bytes replaces them whatever the
 * policy; if they differed the weak segment was an insertion and is
 * counted in tcp.invalid_checksum.
 *
 * Caps.  A piece needs a pool block (global memcap, counted in
 * tcp.segment_memcap_drop), room in the direction's stream memcap
 * (tcp.stream_memcap_drop) and in max-segments (tcp.segment_limit_drop);
 * history is dropped first to make room.  Bytes past the depth are never
 * stored.  A direction holding more than half its memcap (or of
 * max-segments) releases its oldest data without waiting for an ACK
 * (tcp.reassembly_forced), skipping holes as gaps.
 */
#include "stream_priv.h"

#include <string.h>

static inline uint32_t seg_end(const struct seg *s)
{
    return s->seq + s->len;
}

static void reasm_event(struct stream_ctx *sc, struct flow *f, enum stat_id id)
{
    stats_inc(sc->st, id);
    if (sc->event)
        sc->event(sc->event_user, f, id);
}

void reasm_update_gauges(struct stream_ctx *sc)
{
    sc->memuse = sc->pool.inuse;
    stats_set(sc->st, STAT_TCP_REASSEMBLY_MEMUSE, sc->pool.inuse);
    stats_set(sc->st, STAT_TCP_MEMUSE, sc->pool.slab_bytes);
    reasm_note_memuse_max(sc);
}

void reasm_note_memuse_max(struct stream_ctx *sc)
{
    if (sc->pool.inuse > sc->st->v[STAT_TCP_REASSEMBLY_MEMUSE_MAX])
        stats_set(sc->st, STAT_TCP_REASSEMBLY_MEMUSE_MAX, sc->pool.inuse);
}

/* Does N = [ns, ne) win over O = [os, oe) for their common bytes?  See the table above. */
static bool policy_new_wins(enum overlap_policy pol, uint32_t os, uint32_t oe, uint32_t ns,
                            uint32_t ne)
{
    if (pol == OVERLAP_FIRST)
        return false;
    if (pol == OVERLAP_LAST)
        return true;
    if (ns == os) {
        if (SEQ_LT(ne, oe))
            return false;
        if (SEQ_GT(ne, oe))
            return pol == OVERLAP_LINUX || pol == OVERLAP_SOLARIS;
        return pol == OVERLAP_SOLARIS;
    }
    if (SEQ_LT(ns, os)) {
        if (pol == OVERLAP_SOLARIS)
            return SEQ_GEQ(ne, oe);
        return true; /* bsd, linux, windows */
    }
    return pol == OVERLAP_SOLARIS && SEQ_GT(ne, oe);
}

/* ---- list primitives ---- */

static void seg_link_after(struct sdir *d, struct seg *prev, struct seg *s)
{
    s->prev = prev;
    s->next = prev ? prev->next : d->head;
    if (s->next)
        s->next->prev = s;
    else
        d->tail = s;
    if (prev)
        prev->next = s;
    else
        d->head = s;
    d->nseg++;
    d->mem += s->bsize;
}

static void seg_unlink_free(struct stream_ctx *sc, struct sdir *d, struct seg *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        d->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        d->tail = s->prev;
    d->nseg--;
    d->mem -= s->bsize;
    spool_free(&sc->pool, s);
}

/* First piece whose end is after x, searching back from the tail (inserts). */
static struct seg *first_end_after(struct sdir *d, uint32_t x)
{
    struct seg *p = d->tail;

    if (!p || SEQ_LEQ(seg_end(p), x))
        return NULL;
    while (p->prev && SEQ_GT(seg_end(p->prev), x))
        p = p->prev;
    return p;
}

/* First piece not wholly delivered, searching from the head (past the history). */
static struct seg *first_held(struct sdir *d)
{
    struct seg *p = d->head;

    while (p && SEQ_LEQ(seg_end(p), d->base))
        p = p->next;
    return p;
}

/* Frees delivered pieces: all of them, or the oldest while past the history bounds. */
static void hist_prune(struct stream_ctx *sc, struct sdir *d, bool all)
{
    while (d->head && SEQ_LEQ(seg_end(d->head), d->base) &&
           (all || d->hist_bytes > LIM_STREAM_HISTORY || d->hist_segs > LIM_STREAM_HISTORY_SEGS)) {
        struct seg *h = d->head;

        d->hist_bytes -= h->len;
        d->hist_segs--;
        seg_unlink_free(sc, d, h);
    }
}

void reasm_free_all(struct stream_ctx *sc, struct stream_flow *sf, int side)
{
    struct sdir *d = &sf->d[side];

    while (d->head)
        seg_unlink_free(sc, d, d->head);
    d->hist_bytes = 0;
    d->hist_segs = 0;
    reasm_update_gauges(sc);
}

void reasm_drop_flagged(struct stream_ctx *sc, struct stream_flow *sf, int side, uint8_t flags)
{
    struct sdir *d = &sf->d[side];
    struct seg *p = first_held(d);

    while (p) {
        struct seg *n = p->next;

        if ((p->flags & flags) && SEQ_GEQ(p->seq, d->base))
            seg_unlink_free(sc, d, p);
        p = n;
    }
    reasm_update_gauges(sc);
}

/*
 * A new piece for len bytes, within every cap (history is given up first).
 * NULL when a cap holds; the cap is counted.
 */
static struct seg *seg_alloc(struct stream_ctx *sc, struct sdir *d, uint32_t len)
{
    size_t need = sizeof(struct seg) + len;
    uint32_t bsize = 0;
    struct seg *s;

    for (int attempt = 0; attempt < 2; attempt++) {
        enum stat_id why;

        if (attempt)
            hist_prune(sc, d, true);
        if (d->nseg >= sc->set.max_segments) {
            why = STAT_TCP_SEGMENT_LIMIT_DROP;
        } else if ((uint64_t)d->mem + spool_block_size(need) > sc->set.stream_memcap) {
            why = STAT_TCP_STREAM_MEMCAP_DROP;
        } else {
            s = spool_alloc(&sc->pool, need, &bsize);
            if (s) {
                stats_inc(sc->st, STAT_TCP_SEGMENT_FROM_POOL);
                reasm_note_memuse_max(sc);
                s->bsize = bsize;
                s->flags = 0;
                return s;
            }
            why = STAT_TCP_SEGMENT_MEMCAP_DROP;
        }
        if (attempt)
            stats_inc(sc->st, why);
    }
    return NULL;
}

/*
 * Removes [lo, hi) from the weak pieces it touches (good data will take
 * its place).  Returns false if a split found no memory; then the caller
 * overwrites in place instead.
 */
static bool carve_weak(struct stream_ctx *sc, struct sdir *d, uint32_t lo, uint32_t hi)
{
    struct seg *p = first_end_after(d, lo);

    while (p && SEQ_LT(p->seq, hi)) {
        struct seg *n = p->next;
        uint32_t ps = p->seq, pe = seg_end(p);

        if (!(p->flags & SEG_WEAK)) {
            p = n;
            continue;
        }
        if (SEQ_GEQ(ps, lo) && SEQ_LEQ(pe, hi)) {
            seg_unlink_free(sc, d, p);
        } else if (SEQ_LT(ps, lo) && SEQ_GT(pe, hi)) {
            struct seg *q = seg_alloc(sc, d, pe - hi);

            if (!q)
                return false;
            q->seq = hi;
            q->len = pe - hi;
            q->oseq = p->oseq;
            q->olen = p->olen;
            q->flags = p->flags;
            memcpy(q->data, p->data + (hi - ps), q->len);
            p->len = lo - ps;
            seg_link_after(d, p, q);
            return true;
        } else if (SEQ_LT(ps, lo)) {
            p->len = lo - ps;
        } else {
            memmove(p->data, p->data + (hi - ps), pe - hi);
            p->seq = hi;
            p->len = pe - hi;
        }
        p = n;
    }
    return true;
}

/* Stores [from, to) of the segment (seq, data) as new pieces after prev. */
static bool store_range(struct stream_ctx *sc, struct sdir *d, struct seg *prev, uint32_t from,
                        uint32_t to, uint32_t seq, const uint8_t *data, uint32_t oseq,
                        uint32_t olen, uint8_t flags)
{
    while (SEQ_LT(from, to)) {
        uint32_t n = to - from;
        struct seg *s;

        if (n > SEG_MAX_DATA)
            n = SEG_MAX_DATA;
        s = seg_alloc(sc, d, n);
        if (!s)
            return false;
        s->seq = from;
        s->len = n;
        s->oseq = oseq;
        s->olen = olen;
        s->flags = flags;
        memcpy(s->data, data + (from - seq), n);
        seg_link_after(d, prev, s);
        prev = s;
        from += n;
    }
    return true;
}

/* Sequence number one past the last byte the depth still allows, or false if unbounded. */
static bool depth_limit(const struct stream_ctx *sc, const struct sdir *d, uint32_t *lim)
{
    uint64_t room;

    if (!sc->set.depth)
        return false;
    room = sc->set.depth > d->offset ? sc->set.depth - d->offset : 0;
    if (room >= LIM_STREAM_MAX_AHEAD)
        return false;
    *lim = d->base + (uint32_t)room;
    return true;
}

void reasm_insert(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                  uint32_t seq, const uint8_t *data, uint32_t len, uint8_t seg_flags)
{
    struct sdir *d = &sf->d[side];
    const bool weak = seg_flags & SEG_WEAK;
    const uint32_t oseq = seq, olen = len;
    uint32_t end = seq + len, lim, cur;
    bool overlap = false, diff = false, weak_insertion = false, carve = false;
    struct seg *p, *prev;

    if (!len || !data || d->depth_reached || !d->base_set)
        return;
    if (depth_limit(sc, d, &lim)) {
        if (SEQ_GEQ(seq, lim))
            return;
        if (SEQ_GT(end, lim))
            end = lim;
    }

    /* pass 1: compare with every held byte; apply the policy where N wins */
    for (p = first_end_after(d, seq); p && SEQ_LT(p->seq, end); p = p->next) {
        uint32_t a = seq_max(seq, p->seq), b = seq_min(end, seg_end(p));
        uint32_t ma = seq_max(a, d->base);
        bool differs = memcmp(p->data + (a - p->seq), data + (a - seq), b - a) != 0;

        overlap = true;
        if ((p->flags & SEG_WEAK) && !weak) {
            /* good data replaces weak bytes (pass 2); differing ones were an insertion */
            if (SEQ_LT(ma, b))
                carve = true;
            if (differs && (p->flags & SEG_SYNDATA))
                diff = true; /* SYN data re-sent differently: not a checksum matter */
            else if (differs)
                weak_insertion = true;
            continue;
        }
        if (!differs)
            continue;
        if (weak && !(p->flags & SEG_WEAK)) {
            weak_insertion = true;
            continue;
        }
        diff = true;
        if (SEQ_LT(ma, b) &&
            policy_new_wins(d->policy, p->oseq, p->oseq + p->olen, oseq, oseq + olen))
            memcpy(p->data + (ma - p->seq), data + (ma - seq), b - ma);
    }

    /* pass 2: weak bytes under good data make room for it */
    cur = seq_max(seq, d->base);
    if (carve && !carve_weak(sc, d, cur, end)) {
        for (p = first_end_after(d, cur); p && SEQ_LT(p->seq, end); p = p->next) {
            uint32_t a = seq_max(cur, p->seq), b = seq_min(end, seg_end(p));

            if (p->flags & SEG_WEAK)
                memcpy(p->data + (a - p->seq), data + (a - seq), b - a);
        }
    }

    /* pass 3: store what nobody held */
    p = first_end_after(d, cur);
    prev = p ? p->prev : d->tail;
    while (SEQ_LT(cur, end)) {
        uint32_t to;

        if (p && SEQ_LEQ(p->seq, cur)) {
            cur = seq_max(cur, seg_end(p));
            prev = p;
            p = p->next;
            continue;
        }
        to = p ? seq_min(p->seq, end) : end;
        if (!store_range(sc, d, prev, cur, to, seq, data, oseq, olen, seg_flags))
            break;
        prev = p ? p->prev : d->tail;
        cur = to;
    }

    if (overlap)
        stats_inc(sc->st, STAT_TCP_OVERLAP);
    if (diff) {
        stats_inc(sc->st, STAT_TCP_OVERLAP_DIFF_DATA);
        reasm_event(sc, f, STAT_ANOM_STREAM_OVERLAP_DIFF_DATA);
    }
    if (weak_insertion)
        stats_inc(sc->st, STAT_TCP_INVALID_CHECKSUM);
    reasm_update_gauges(sc);
}

/* ---- delivery ---- */

/* The flow_dir of data sent by side, from the flow's current orientation. */
static enum flow_dir side_dir(const struct flow *f, const struct stream_flow *sf, int side)
{
    if (sf->ep_port[side] == f->cli_port && ip_addr_cmp(&sf->ep_ip[side], &f->cli_ip) == 0)
        return FLOW_TOSERVER;
    if (sf->ep_port[!side] == f->cli_port && ip_addr_cmp(&sf->ep_ip[!side], &f->cli_ip) == 0)
        return FLOW_TOCLIENT;
    return side == 0 ? FLOW_TOSERVER : FLOW_TOCLIENT;
}

static void emit_flush(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side)
{
    if (!sc->buf_len)
        return;
    stats_add(sc->st, STAT_TCP_REASSEMBLED_BYTES, sc->buf_len);
    sc->deliver(sc->user, f, side_dir(f, sf, side), sc->buf, sc->buf_len, 0);
    sc->buf_len = 0;
}

static void emit_data(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                      const uint8_t *data, uint32_t len)
{
    while (len) {
        size_t n = LIM_STREAM_DELIVER_BUF - sc->buf_len;

        if (n > len)
            n = len;
        memcpy(sc->buf + sc->buf_len, data, n);
        sc->buf_len += n;
        data += n;
        len -= (uint32_t)n;
        if (sc->buf_len == LIM_STREAM_DELIVER_BUF)
            emit_flush(sc, f, sf, side);
    }
}

static void emit_flags(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                       size_t len, unsigned flags)
{
    emit_flush(sc, f, sf, side);
    sc->deliver(sc->user, f, side_dir(f, sf, side), NULL, len, flags);
}

void reasm_eof(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side)
{
    struct sdir *d = &sf->d[side];

    if (d->eof_sent || d->depth_reached)
        return;
    d->eof_sent = true;
    emit_flags(sc, f, sf, side, 0, STREAM_DATA_EOF);
}

void reasm_release(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                   uint32_t upto, bool gaps)
{
    struct sdir *d = &sf->d[side];
    struct seg *p;
    uint32_t lim;
    bool limited;

    if (!d->base_set || d->depth_reached)
        return;
    limited = depth_limit(sc, d, &lim);
    if (limited && SEQ_GT(upto, lim))
        upto = lim;
    p = first_held(d);
    while (SEQ_LT(d->base, upto)) {
        uint32_t e;

        if (!p || SEQ_GT(p->seq, d->base)) {
            if (!gaps)
                break;
            e = p ? seq_min(p->seq, upto) : upto;
            stats_inc(sc->st, STAT_TCP_REASSEMBLY_GAP);
            emit_flags(sc, f, sf, side, e - d->base, STREAM_DATA_GAP);
            d->offset += e - d->base;
            d->base = e;
            /* history before a hole is of no use, and must not fall out of seq range */
            hist_prune(sc, d, true);
            continue;
        }
        e = seq_min(seg_end(p), upto);
        emit_data(sc, f, sf, side, p->data + (d->base - p->seq), e - d->base);
        d->offset += e - d->base;
        d->base = e;
        if (e == seg_end(p)) {
            d->hist_bytes += p->len;
            d->hist_segs++;
            p = p->next;
        }
    }
    emit_flush(sc, f, sf, side);
    if (limited && d->base == lim) {
        d->depth_reached = true;
        stats_inc(sc->st, STAT_TCP_STREAM_DEPTH_REACHED);
        emit_flags(sc, f, sf, side, 0, STREAM_DATA_DEPTH);
        reasm_free_all(sc, sf, side);
        return;
    }
    hist_prune(sc, d, false);
    reasm_update_gauges(sc);
}

void reasm_check_pressure(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf,
                          int side)
{
    struct sdir *d = &sf->d[side];
    uint32_t hold = sc->set.stream_memcap / 2, segs = sc->set.max_segments / 2;
    uint32_t mem, nseg, upto;
    struct seg *p;

    if (d->mem <= hold && d->nseg <= segs)
        return;
    hist_prune(sc, d, true);
    if (d->mem <= hold && d->nseg <= segs)
        return;
    /* release the oldest held pieces (holes become gaps) until back under half the threshold */
    stats_inc(sc->st, STAT_TCP_REASSEMBLY_FORCED);
    mem = d->mem;
    nseg = d->nseg;
    upto = d->base;
    for (p = first_held(d); p && (mem > hold / 2 || nseg > segs / 2); p = p->next) {
        mem -= p->bsize;
        nseg--;
        upto = seg_end(p);
    }
    reasm_release(sc, f, sf, side, upto, true);
    hist_prune(sc, d, true);
    reasm_update_gauges(sc);
}
