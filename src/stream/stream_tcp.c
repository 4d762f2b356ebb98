/*
 * stream_tcp.c - TCP session tracking for the reassembler (RFC 9293; RST
 * acceptance after RFC 5961 section 3; window scaling RFC 7323): decides
 * which segments a receiving host would accept and when held data may be
 * handed to the app layer.
 *
 * Sides.  A session's two directions are named by their sender's endpoint
 * (side 0 = the source of the packet that created the session), never by
 * enum flow_dir: detectors may swap the flow's client and server, and the
 * delivery direction is computed from the flow's current cli_ip/cli_port
 * at each delivery.
 *
 * When data is handed on.  A passive sensor must deliver what the receiver
 * accepted, so each direction's bytes are held (overlaps resolved while
 * held) and released in order:
 *   - up to the ACK the other side sends (Suricata's IDS "inspect on ACK");
 *     holes below an ACK are bytes the receiver has and we lost: a gap;
 *   - at once when the other side has never been seen (one-sided capture,
 *     settings.async_oneside), stopping at holes;
 *   - at this side's FIN (up to the FIN, stopping at holes);
 *   - when held data passes half the direction's memcap or max-segments
 *     (stream_reasm.c), skipping holes as gaps;
 *   - at an accepted RST and at stream_flow_end(), skipping holes as gaps.
 * An ACK never releases past the highest byte seen from the sender, so a
 * forged ACK cannot make the sensor skip data it has not seen yet.
 *
 * Handshake.  SYN sets the sender's ISN; data on a SYN (after ISN + 1) is
 * held as replaceable and dropped if the SYN/ACK does not ACK it (stacks
 * without TCP Fast Open discard it).  A SYN/ACK whose ACK does not match the
 * SYN is ignored.  Data on a segment without ACK is ignored (RFC 9293
 * 3.10.7.4: "if the ACK bit is off, drop the segment").  A SYN with a new
 * ISN restarts a session that is closed (tuple reuse after RST or FIN) or
 * still waiting for its SYN/ACK; inside a live session it is ignored.
 *
 * Mid-stream pickup (settings.midstream, on by default): a session whose
 * first packet is not a SYN starts from that packet: its sender's data from
 * its sequence number, the other side's from its ACK (counted in
 * tcp.midstream_pickups).  Without the option such flows are not
 * reassembled.
 *
 * Window.  Once both SYNs were seen, a segment starting at or past the
 * right edge of the receiver's largest advertised window (scaled when both
 * SYNs offered scaling) is counted in tcp.segment_outside_window and not
 * used; without a handshake, segments starting LIM_STREAM_MAX_AHEAD or more
 * past the next expected byte are treated the same.
 *
 * RST.  Accepted when its sequence number is the sender's next one or
 * lies in the receiver's window from the receiver's last ACK (older
 * stacks' rule, as Suricata; RFC 5961's challenge ACK cannot be seen from
 * outside), or when it answers a SYN with an acceptable ACK.  Otherwise it
 * is counted in tcp.rst_invalid and ignored.  An accepted RST delivers what
 * both sides hold, then EOF, and the session is closed.
 *
 * FIN.  A FIN is taken when nothing was seen past it; data past an
 * accepted FIN is counted (tcp.data_after_fin) and ignored.
 *
 * Checksums (settings.csum_mode).  YES: a bad-checksum packet is ignored
 * and counted in tcp.invalid_checksum.  NO: checksums are ignored.  AUTO
 * (default), per direction: once a direction showed a good checksum, a bad
 * one is an insertion attempt: counted in tcp.invalid_checksum and ignored
 * entirely (no data, no FIN, no RST, no ACK).  Before that (offloaded
 * direction, or a junk segment sent first) the packet is used but its
 * bytes are weak: good data over the same bytes replaces them.
 *
 * Urgent data is delivered inline, in sequence, like the rest (the default
 * of every current stack, RFC 6093 section 5); the urgent pointer is not
 * interpreted.
 *
 * Timeouts are the flow table's: an idle flow ends and stream_flow_end()
 * delivers what is left.
 */
#include "stream_priv.h"

#include <stdlib.h>
#include <string.h>

/* ---- settings ---- */

void stream_settings_defaults(struct stream_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->memcap = LIM_STREAM_MEMCAP;
    s->stream_memcap = LIM_STREAM_DIR_MEMCAP;
    s->depth = LIM_STREAM_DEPTH;
    s->max_segments = LIM_STREAM_MAX_SEGMENTS;
    s->midstream = true;
    s->async_oneside = true;
    s->csum_mode = CSUM_MODE_AUTO;
    s->default_policy = OVERLAP_BSD; /* Suricata's default */
    s->n_policies = 0;
}

static bool cidr_match(const struct cidr *c, const struct ip_addr *a)
{
    unsigned bits = c->family == 4 ? 32 : 128;
    unsigned prefix = c->prefix < bits ? c->prefix : bits;
    unsigned full = prefix / 8, rem = prefix % 8;

    if (c->family != a->family || (c->family != 4 && c->family != 6))
        return false;
    if (memcmp(c->addr, a->a, full) != 0)
        return false;
    if (rem) {
        uint8_t mask = (uint8_t)(0xffu << (8 - rem));

        return (c->addr[full] & mask) == (a->a[full] & mask);
    }
    return true;
}

enum overlap_policy stream_policy_for(const struct stream_settings *s, const struct ip_addr *host)
{
    unsigned n = s->n_policies < STREAM_MAX_HOST_POLICIES ? s->n_policies
                                                          : STREAM_MAX_HOST_POLICIES;

    for (unsigned i = 0; i < n; i++)
        if (cidr_match(&s->policies[i].net, host))
            return s->policies[i].policy;
    return s->default_policy;
}

/* ---- context ---- */

struct stream_ctx *stream_ctx_new(const struct stream_settings *s, struct stats *st,
                                  stream_deliver_fn deliver, void *user)
{
    struct stream_ctx *sc;

    if (!s || !st || !deliver)
        return NULL;
    sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    sc->buf = malloc(LIM_STREAM_DELIVER_BUF);
    if (!sc->buf)
        goto out_free;
    sc->set = *s;
    sc->st = st;
    sc->deliver = deliver;
    sc->user = user;
    spool_init(&sc->pool, s->memcap);
    return sc;

out_free:
    free(sc);
    return NULL;
}

void stream_ctx_free(struct stream_ctx *sc)
{
    if (!sc)
        return;
    spool_fini(&sc->pool);
    free(sc->buf);
    free(sc);
}

void stream_ctx_set_event_cb(struct stream_ctx *sc, stream_event_fn fn, void *user)
{
    sc->event = fn;
    sc->event_user = user;
}

uint64_t stream_memuse(const struct stream_ctx *sc)
{
    return sc->pool.inuse;
}

/* ---- sessions ---- */

static void sdir_reset(struct sdir *d)
{
    enum overlap_policy pol = d->policy;

    memset(d, 0, sizeof(*d));
    d->policy = pol;
}

/* Starts a direction at seq (its first stream byte). */
static void sdir_start(struct sdir *d, uint32_t seq)
{
    d->base = seq;
    d->max_end = seq;
    d->base_set = true;
    d->offset = 0;
}

/* The sequence number up to which side's data may exist (FIN or highest byte seen). */
static uint32_t sdir_end(const struct sdir *d)
{
    return d->fin_seen ? d->fin_seq : d->max_end;
}

/* True once side has handed anything to the app layer (it cannot restart silently). */
static bool sdir_used(const struct sdir *d)
{
    return d->offset || d->eof_sent || d->depth_reached;
}

/* Delivers everything side holds (holes as gaps), then EOF. */
static void sdir_finish(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side)
{
    struct sdir *d = &sf->d[side];

    if (d->base_set)
        reasm_release(sc, f, sf, side, sdir_end(d), true);
    reasm_eof(sc, f, sf, side);
    reasm_free_all(sc, sf, side);
}

static struct stream_flow *ssn_start(struct stream_ctx *sc, struct flow *f,
                                     const struct packet *pkt)
{
    const struct tcp_info *t = &pkt->tcp;
    bool syn = (t->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
    struct stream_flow *sf;
    uint32_t bsize = 0;

    if (t->flags & TCP_RST)
        return NULL;
    if (!syn && (!sc->set.midstream || !(t->flags & TCP_ACK)))
        return NULL;
    sf = spool_alloc(&sc->pool, sizeof(*sf), &bsize);
    if (!sf) {
        stats_inc(sc->st, STAT_TCP_SSN_MEMCAP_DROP);
        return NULL;
    }
    memset(sf, 0, sizeof(*sf));
    sf->bsize = bsize;
    sf->ep_ip[0] = pkt->src;
    sf->ep_port[0] = pkt->sport;
    sf->ep_ip[1] = pkt->dst;
    sf->ep_port[1] = pkt->dport;
    /* side 0's data is received by the destination, side 1's by the source */
    sf->d[0].policy = stream_policy_for(&sc->set, &pkt->dst);
    sf->d[1].policy = stream_policy_for(&sc->set, &pkt->src);
    stats_inc(sc->st, STAT_TCP_SESSIONS);
    if (syn) {
        sf->state = SSN_SYN_SENT;
    } else {
        stats_inc(sc->st, STAT_TCP_MIDSTREAM_PICKUPS);
        if (t->flags & TCP_SYN) {
            sf->state = SSN_SYN_RECV; /* SYN/ACK: handle_syn() sets both directions */
        } else {
            sf->state = SSN_ESTABLISHED;
            sdir_start(&sf->d[0], t->seq);
            sdir_start(&sf->d[1], t->ack);
        }
    }
    f->stream = sf;
    reasm_update_gauges(sc);
    return sf;
}

/* A new connection on a closed session's tuple: finish the old one, start afresh. */
static void ssn_reuse(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf)
{
    for (int s = 0; s < 2; s++) {
        sdir_finish(sc, f, sf, s);
        sdir_reset(&sf->d[s]);
    }
    sf->state = SSN_SYN_SENT;
    sf->handshake = false;
    sf->wscale_ok = false;
    stats_inc(sc->st, STAT_TCP_SESSIONS);
}

static int pkt_side(const struct stream_flow *sf, const struct packet *pkt)
{
    if (pkt->sport == sf->ep_port[0] && ip_addr_cmp(&pkt->src, &sf->ep_ip[0]) == 0)
        return 0;
    return 1;
}

/* Applies the checksum mode; false when the packet must be ignored. *weak: use it as weak. */
static bool csum_accept(struct stream_ctx *sc, struct sdir *d, const struct packet *pkt,
                        bool *weak)
{
    *weak = false;
    switch (sc->set.csum_mode) {
    case CSUM_MODE_NO:
        return true;
    case CSUM_MODE_YES:
        if (pkt->l4_csum == CSUM_BAD) {
            stats_inc(sc->st, STAT_TCP_INVALID_CHECKSUM);
            return false;
        }
        return true;
    case CSUM_MODE_AUTO:
    default:
        if (pkt->l4_csum == CSUM_OK) {
            d->csum_good = true;
        } else if (pkt->l4_csum == CSUM_BAD) {
            if (d->csum_good) {
                stats_inc(sc->st, STAT_TCP_INVALID_CHECKSUM);
                return false;
            }
            *weak = true;
        }
        return true;
    }
}

/* Records side's ISN from its SYN or SYN/ACK. */
static void sdir_syn(struct sdir *d, const struct tcp_info *t)
{
    d->syn_seen = true;
    d->isn = t->seq;
    sdir_start(d, t->seq + 1);
    d->has_wscale = t->has_wscale;
    d->wscale = t->wscale > 14 ? 14 : t->wscale; /* RFC 7323 2.3: larger shifts mean 14 */
}

/* A SYN without ACK; false when the packet is to be ignored. */
static bool handle_syn(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                       const struct tcp_info *t)
{
    struct sdir *d = &sf->d[side], *r = &sf->d[!side];

    if (sf->state == SSN_CLOSED || (d->fin_seen && r->fin_seen && d->eof_sent && r->eof_sent)) {
        if (d->syn_seen && t->seq == d->isn)
            return false; /* the old connection's SYN again */
        ssn_reuse(sc, f, sf);
    } else if (d->syn_seen) {
        if (t->seq == d->isn)
            return true; /* retransmitted SYN */
        if (sf->state != SSN_SYN_SENT || sdir_used(d))
            return false; /* new ISN inside a live session: not what the peer accepts */
        reasm_free_all(sc, sf, side); /* a fresh attempt before any SYN/ACK */
        sdir_reset(d);
    } else if (d->base_set) {
        return false; /* picked up mid-stream: a SYN now is not part of this session */
    }
    sdir_syn(d, t);
    return true;
}

/* A SYN/ACK; false when the packet is to be ignored. */
static bool handle_synack(struct stream_ctx *sc, struct stream_flow *sf, int side,
                          const struct tcp_info *t)
{
    struct sdir *d = &sf->d[side], *r = &sf->d[!side];

    if (sf->state == SSN_CLOSED)
        return false;
    /* it must ACK the SYN (and at most the SYN's data) */
    if (r->syn_seen && (SEQ_LT(t->ack, r->isn + 1) || SEQ_GT(t->ack, r->max_end)))
        return false;
    if (d->syn_seen && t->seq == d->isn)
        return true; /* retransmitted SYN/ACK */
    if (d->base_set) {
        /* a different SYN/ACK: only before this side's data went anywhere */
        if (sf->state == SSN_ESTABLISHED || sdir_used(d))
            return false;
        reasm_free_all(sc, sf, side);
        sdir_reset(d);
    }
    sdir_syn(d, t);
    if (!r->base_set)
        sdir_start(r, t->ack);
    if (r->syn_seen && t->ack == r->isn + 1 && SEQ_GT(r->max_end, r->isn + 1)) {
        /* the SYN's data was not accepted */
        stats_inc(sc->st, STAT_TCP_SYN_DATA_DISCARDED);
        reasm_drop_flagged(sc, sf, !side, SEG_SYNDATA);
        r->max_end = r->isn + 1;
    }
    sf->handshake = r->syn_seen;
    sf->wscale_ok = d->has_wscale && r->has_wscale;
    if (sf->state == SSN_SYN_SENT)
        sf->state = SSN_SYN_RECV;
    return true;
}

/* Remembers what side's ACK and window say about the other side's data. */
static void note_ack(struct stream_flow *sf, int side, const struct tcp_info *t)
{
    struct sdir *d = &sf->d[side];
    uint32_t win = t->win, re;

    if (!(t->flags & TCP_SYN) && sf->wscale_ok)
        win <<= d->wscale;
    re = t->ack + win;
    if (!d->ack_seen || SEQ_GT(t->ack, d->last_ack))
        d->last_ack = t->ack;
    if (!d->ack_seen || SEQ_GT(re, d->right_edge))
        d->right_edge = re;
    d->win = t->win;
    d->ack_seen = true;
    if (sf->state == SSN_SYN_RECV && !(t->flags & TCP_SYN))
        sf->state = SSN_ESTABLISHED;
}

static bool rst_valid(const struct stream_flow *sf, int side, const struct tcp_info *t)
{
    const struct sdir *d = &sf->d[side], *r = &sf->d[!side];
    uint32_t lo, win;

    /* the answer to a SYN: seq is meaningless, the ACK must cover the SYN */
    if (!d->syn_seen && r->syn_seen && (t->flags & TCP_ACK) &&
        (sf->state == SSN_SYN_SENT || sf->state == SSN_SYN_RECV))
        return SEQ_GEQ(t->ack, r->isn + 1) && SEQ_LEQ(t->ack, r->max_end);
    if (d->base_set && (t->seq == d->max_end || (d->fin_seen && t->seq == d->fin_seq + 1)))
        return true;
    if (r->ack_seen)
        lo = r->last_ack;
    else if (d->base_set)
        lo = d->base;
    else
        return true; /* nothing known about the sender's sequence space to check against */
    win = (sf->handshake && r->ack_seen) ? r->right_edge - r->last_ack : 65535;
    if (!win)
        win = 1;
    return SEQ_GEQ(t->seq, lo) && SEQ_LT(t->seq, lo + win);
}

static void handle_rst(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                       const struct tcp_info *t)
{
    struct sdir *r = &sf->d[!side];

    if (sf->state == SSN_CLOSED)
        return;
    if (!rst_valid(sf, side, t)) {
        stats_inc(sc->st, STAT_TCP_RST_INVALID);
        return;
    }
    /* a refused SYN: its data never reached the application */
    if (r->syn_seen && (t->flags & TCP_ACK) && t->ack == r->isn + 1 &&
        SEQ_GT(r->max_end, r->isn + 1)) {
        stats_inc(sc->st, STAT_TCP_SYN_DATA_DISCARDED);
        reasm_drop_flagged(sc, sf, !side, SEG_SYNDATA);
        r->max_end = r->isn + 1;
    }
    sdir_finish(sc, f, sf, side);
    sdir_finish(sc, f, sf, !side);
    sf->state = SSN_CLOSED;
}

/* Payload and FIN of side's segment (dseq: sequence number of the first payload byte). */
static void handle_data(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                        const struct packet *pkt, uint32_t dseq, bool weak)
{
    struct sdir *d = &sf->d[side], *r = &sf->d[!side];
    const struct tcp_info *t = &pkt->tcp;
    uint32_t len = pkt->payload ? pkt->payload_len : 0;
    uint32_t end;
    uint8_t seg_flags = weak ? SEG_WEAK : 0;

    if (!len && !(t->flags & TCP_FIN))
        return;
    if (!d->base_set)
        sdir_start(d, dseq); /* this side's SYN/ACK was not seen: start at its first byte */
    end = dseq + len;
    /* outside what the receiver would take */
    if (SEQ_GEQ(dseq, d->base + LIM_STREAM_MAX_AHEAD) ||
        SEQ_LT(end, d->base - LIM_STREAM_MAX_AHEAD) ||
        (sf->handshake && r->ack_seen && len && SEQ_GEQ(dseq, r->right_edge))) {
        stats_inc(sc->st, STAT_TCP_SEGMENT_OUTSIDE_WINDOW);
        return;
    }
    if (d->fin_seen && len && SEQ_GT(end, d->fin_seq)) {
        stats_inc(sc->st, STAT_TCP_DATA_AFTER_FIN);
        if (SEQ_GEQ(dseq, d->fin_seq))
            return;
        end = d->fin_seq;
        len = end - dseq;
    }
    if (len) {
        if (SEQ_GT(end, d->max_end))
            d->max_end = end;
        if (t->flags & TCP_SYN)
            seg_flags |= SEG_SYNDATA | SEG_WEAK;
        reasm_insert(sc, f, sf, side, dseq, pkt->payload, len, seg_flags);
    }
    if ((t->flags & TCP_FIN) && !d->fin_seen && SEQ_GEQ(end, d->max_end)) {
        d->fin_seen = true;
        d->fin_seq = end;
    }
}

/* Hands on what may be released after a packet from side. */
static void release_after(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                          const struct tcp_info *t)
{
    struct sdir *d = &sf->d[side], *r = &sf->d[!side];

    /* the other side's data this packet ACKs (never past what we saw of it) */
    if ((t->flags & TCP_ACK) && r->base_set) {
        reasm_release(sc, f, sf, !side, seq_min(t->ack, sdir_end(r)), true);
        if (r->fin_seen && r->base == r->fin_seq)
            reasm_eof(sc, f, sf, !side);
    }
    /* this side's own data when nobody will ACK it, or up to its FIN */
    if (d->base_set) {
        /* (not on a SYN: its peer may yet answer, and SYN data may be refused) */
        if (!r->pkts && sc->set.async_oneside && !(t->flags & TCP_SYN))
            reasm_release(sc, f, sf, side, d->max_end, false);
        if (d->fin_seen)
            reasm_release(sc, f, sf, side, d->fin_seq, false);
        reasm_check_pressure(sc, f, sf, side);
        if (d->fin_seen && d->base == d->fin_seq)
            reasm_eof(sc, f, sf, side);
    }
    if ((d->eof_sent || d->depth_reached) && (r->eof_sent || r->depth_reached) &&
        d->fin_seen && r->fin_seen)
        sf->state = SSN_CLOSED;
}

void stream_packet(struct stream_ctx *sc, struct flow *f, enum flow_dir dir,
                   const struct packet *pkt)
{
    const struct tcp_info *t;
    struct stream_flow *sf;
    struct sdir *d;
    bool weak;
    int side;

    (void)dir; /* sides are found by endpoint (see the file header) */
    if (!sc || !f || !pkt || pkt->ip_proto != 6 || !(pkt->flags & PKT_HAS_L4))
        return;
    t = &pkt->tcp;
    if (sc->set.csum_mode == CSUM_MODE_YES && pkt->l4_csum == CSUM_BAD) {
        stats_inc(sc->st, STAT_TCP_INVALID_CHECKSUM);
        return;
    }
    sf = f->stream;
    if (!sf) {
        sf = ssn_start(sc, f, pkt);
        if (!sf)
            return;
    }
    side = pkt_side(sf, pkt);
    d = &sf->d[side];
    if (!csum_accept(sc, d, pkt, &weak))
        return;

    if (t->flags & TCP_RST) {
        d->pkts++;
        handle_rst(sc, f, sf, side, t);
        return;
    }
    if (t->flags & TCP_SYN) {
        bool ok = (t->flags & TCP_ACK) ? handle_synack(sc, sf, side, t)
                                       : handle_syn(sc, f, sf, side, t);
        if (!ok)
            return;
    } else if (sf->state == SSN_CLOSED || !(t->flags & TCP_ACK)) {
        return; /* closed; or no ACK: a receiver drops it (RFC 9293 3.10.7.4) */
    }
    d->pkts++;
    if (t->flags & TCP_ACK)
        note_ack(sf, side, t);
    handle_data(sc, f, sf, side, pkt, (t->flags & TCP_SYN) ? t->seq + 1 : t->seq, weak);
    release_after(sc, f, sf, side, t);
}

void stream_flow_end(struct stream_ctx *sc, struct flow *f)
{
    struct stream_flow *sf;

    if (!sc || !f || !f->stream)
        return;
    sf = f->stream;
    sdir_finish(sc, f, sf, 0);
    sdir_finish(sc, f, sf, 1);
    f->stream = NULL;
    spool_free(&sc->pool, sf);
    reasm_update_gauges(sc);
}
