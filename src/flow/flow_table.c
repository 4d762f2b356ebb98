/*
 * flow_table.c - the flow table: bidirectional flows found by a keyed hash
 * of a canonical (direction-independent) key, with chaining; per-timeout-
 * class LRU lists for timeouts and eviction; flow records from a pool that
 * grows in chunks (no per-packet allocation); caps on the number of flows
 * and on flow memory, the least recently used flow evicted when one is hit.
 *
 * TCP state follows the handshake (RFC 9293 section 3.5): NEW until the
 * three-way handshake completes, or until both sides have sent a segment
 * without SYN (capture started mid-stream); CLOSED after a FIN from both
 * sides or any RST.  A SYN on a CLOSED or idle-expired flow is a new
 * connection on the same tuple: the old flow ends (reason REUSE).  UDP and
 * other protocols are NEW until both directions have been seen.
 *
 * Timeout classes each keep their own LRU list, ordered by the time each
 * flow was queued.  Packets do not move flows (that would write to three
 * other flows per packet); flow_table_timeout() and eviction look at list
 * heads, end the expired ones and re-queue those touched since they were
 * queued, so neither scans the table.  The least recently used flow
 * overall is the oldest of the list heads.
 */
#include "flow_priv.h"

#include "imsentry/err.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Timeout classes: one LRU list and one idle timeout each. */
enum flow_tclass {
    FLOW_TC_TCP_NEW = 0,
    FLOW_TC_TCP_ESTABLISHED,
    FLOW_TC_TCP_CLOSED,
    FLOW_TC_UDP_NEW,
    FLOW_TC_UDP_ESTABLISHED,
    FLOW_TC_OTHER,
    FLOW_TC__COUNT
};

/* struct flow.dflags bits: what one side has sent. */
#define FLOW_DF_SYN 0x01    /* a SYN without ACK */
#define FLOW_DF_SYNACK 0x02 /* a SYN/ACK */
#define FLOW_DF_NOSYN 0x04  /* a segment without SYN (ACK, data, FIN) */
#define FLOW_DF_FIN 0x08    /* a FIN */

/* A block of flow records; the pool's memory, freed with the table. */
struct flow_chunk {
    struct flow_chunk *next; /* older chunk */
    struct flow flows[];     /* records, threaded on the free list when unused */
};

/* One doubly linked LRU list, least recently used at head. */
struct flow_lru {
    struct flow *head; /* least recently used */
    struct flow *tail; /* most recently used */
};

struct flow_table {
    const struct config *cfg; /* limits and timeouts (caller's, outlives us) */
    struct stats *st;         /* counters (caller's) */
    flow_end_fn end_cb;       /* called for each ending flow, may be NULL */
    void *user;               /* end_cb's argument */

    struct flow **buckets; /* hash chains, 2^n of them */
    uint32_t mask;         /* buckets - 1 */
    uint64_t seed;         /* random key of the bucket hash */

    struct flow_lru lru[FLOW_TC__COUNT]; /* flows by timeout class */
    int64_t to_us[FLOW_TC__COUNT];       /* idle timeout per class, microseconds */

    struct flow *free_list;    /* unused records (linked through hnext) */
    struct flow_chunk *chunks; /* every chunk allocated */
    uint32_t allocated;        /* records in all chunks */

    uint32_t count;   /* flows tracked */
    uint64_t memuse;  /* bytes counted against flow.memcap */
    uint64_t created; /* flows created so far: flow_id input */
};

/* ---- small helpers ---- */

static void flow_gauges(struct flow_table *ft)
{
    stats_set(ft->st, STAT_FLOW_ACTIVE, ft->count);
    stats_set(ft->st, STAT_FLOW_MEMUSE, ft->memuse);
}

static uint8_t flow_tclass_of(const struct flow *f)
{
    switch (f->proto) {
    case FLOW_PROTO_TCP:
        if (f->state == FLOW_STATE_NEW)
            return FLOW_TC_TCP_NEW;
        return f->state == FLOW_STATE_ESTABLISHED ? FLOW_TC_TCP_ESTABLISHED : FLOW_TC_TCP_CLOSED;
    case FLOW_PROTO_UDP:
        return f->state == FLOW_STATE_NEW ? FLOW_TC_UDP_NEW : FLOW_TC_UDP_ESTABLISHED;
    default:
        return FLOW_TC_OTHER;
    }
}

/* True when now_us is at least the class timeout past the flow's last packet (no overflow). */
static bool flow_expired(const struct flow_table *ft, const struct flow *f, int64_t now_us)
{
    return now_us >= f->last_us &&
           (uint64_t)now_us - (uint64_t)f->last_us >= (uint64_t)ft->to_us[f->tclass];
}

/* ---- LRU lists ---- */

static void lru_unlink(struct flow_table *ft, struct flow *f)
{
    struct flow_lru *l = &ft->lru[f->tclass];

    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        l->head = f->lru_next;
    if (f->lru_next)
        f->lru_next->lru_prev = f->lru_prev;
    else
        l->tail = f->lru_prev;
    f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct flow_table *ft, struct flow *f)
{
    struct flow_lru *l = &ft->lru[f->tclass];

    f->lru_us = f->last_us;
    f->lru_next = NULL;
    f->lru_prev = l->tail;
    if (l->tail)
        l->tail->lru_next = f;
    else
        l->head = f;
    l->tail = f;
}

/*
 * After a packet: a flow whose timeout class changed moves to its new list.
 * Otherwise it stays put (no writes to its neighbours on the hot path); the
 * timeout walk and eviction re-queue it when they find it touched since.
 */
static void lru_touch(struct flow_table *ft, struct flow *f)
{
    uint8_t tc = flow_tclass_of(f);

    if (tc == f->tclass)
        return;
    lru_unlink(ft, f);
    f->tclass = tc;
    lru_append(ft, f);
}

/* Re-queues a flow at its list's tail with a fresh stamp. */
static void lru_requeue(struct flow_table *ft, struct flow *f)
{
    lru_unlink(ft, f);
    lru_append(ft, f);
}

/* Flow with the oldest queue stamp (a list head), or NULL; stale heads are not refreshed. */
static struct flow *lru_oldest(const struct flow_table *ft)
{
    struct flow *best = NULL;

    for (unsigned c = 0; c < FLOW_TC__COUNT; c++) {
        struct flow *h = ft->lru[c].head;

        if (h && (!best || h->lru_us < best->lru_us))
            best = h;
    }
    return best;
}

/*
 * Least recently used flow of the whole table, or NULL: the oldest head,
 * after re-queuing heads that saw packets since they were queued.  Each
 * re-queue is paid for by a packet, so this is amortised O(1).
 */
static struct flow *lru_victim(struct flow_table *ft)
{
    struct flow *f;

    while ((f = lru_oldest(ft)) != NULL && f->last_us > f->lru_us)
        lru_requeue(ft, f);
    return f;
}

/* ---- hash chains ---- */

static struct flow *hash_find(const struct flow_table *ft, uint32_t h, const uint64_t *w)
{
    for (struct flow *f = ft->buckets[h & ft->mask]; f; f = f->hnext) {
        if (f->hash == h && f->key[0] == w[0] && f->key[1] == w[1] && f->key[2] == w[2] &&
            f->key[3] == w[3] && f->key[4] == w[4] && f->key[5] == w[5])
            return f;
    }
    return NULL;
}

static void hash_unlink(struct flow_table *ft, struct flow *f)
{
    struct flow **pp = &ft->buckets[f->hash & ft->mask];

    while (*pp && *pp != f)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = f->hnext;
    f->hnext = NULL;
}

/* ---- pool ---- */

static int pool_grow(struct flow_table *ft)
{
    uint32_t n = LIM_FLOW_POOL_CHUNK;
    struct flow_chunk *c;

    if (ft->cfg->flow_max - ft->allocated < n)
        n = ft->cfg->flow_max - ft->allocated;
    if (n == 0)
        return IMS_ELIMIT;
    c = malloc(sizeof(*c) + (size_t)n * sizeof(struct flow));
    if (!c)
        return IMS_ENOMEM;
    c->next = ft->chunks;
    ft->chunks = c;
    ft->allocated += n;
    for (uint32_t i = n; i-- > 0;) {
        c->flows[i].hnext = ft->free_list;
        ft->free_list = &c->flows[i];
    }
    return IMS_OK;
}

static struct flow *pool_get(struct flow_table *ft)
{
    struct flow *f;

    if (!ft->free_list && pool_grow(ft) < 0)
        return NULL;
    f = ft->free_list;
    ft->free_list = f->hnext;
    return f;
}

/* ---- flow end ---- */

static void flow_end(struct flow_table *ft, struct flow *f, enum flow_end_reason reason)
{
    static const enum stat_id end_stat[] = {
        [FLOW_END_TIMEOUT] = STAT_FLOW_END_TIMEOUT,
        [FLOW_END_FORCED] = STAT_FLOW_END_FORCED,
        [FLOW_END_SHUTDOWN] = STAT_FLOW_END_SHUTDOWN,
        [FLOW_END_REUSE] = STAT_FLOW_END_REUSE,
    };

    hash_unlink(ft, f);
    lru_unlink(ft, f);
    ft->count--;
    ft->memuse = ft->memuse >= sizeof(struct flow) ? ft->memuse - sizeof(struct flow) : 0;
    f->end_reason = reason;
    stats_inc(ft->st, end_stat[reason]);
    if (reason == FLOW_END_REUSE)
        stats_inc(ft->st, STAT_FLOW_TCP_REUSE);
    if (ft->end_cb)
        ft->end_cb(ft->user, f);
    f->hnext = ft->free_list;
    ft->free_list = f;
    flow_gauges(ft);
}

/* ---- creation ---- */

/*
 * Makes room for one more flow under flow_max and flow_memcap, evicting
 * least recently used flows.  False when room cannot be made.
 */
static bool flow_make_room(struct flow_table *ft)
{
    bool max_counted = false, mem_counted = false;

    for (unsigned evicted = 0;; evicted++) {
        bool over_max = ft->count >= ft->cfg->flow_max;
        bool over_mem = !flow_table_mem_fits(ft, sizeof(struct flow));
        struct flow *victim;

        if (!over_max && !over_mem)
            return true;
        if (over_max && !max_counted) {
            stats_inc(ft->st, STAT_FLOW_MAX_FLOWS_REACHED);
            max_counted = true;
        }
        if (over_mem && !mem_counted) {
            stats_inc(ft->st, STAT_FLOW_MEMCAP);
            mem_counted = true;
        }
        victim = lru_victim(ft);
        if (!victim || evicted >= LIM_FLOW_EVICT_PER_PACKET)
            return false;
        stats_inc(ft->st, STAT_FLOW_GET_USED);
        flow_end(ft, victim, FLOW_END_FORCED);
    }
}

/*
 * Whether the new flow's client is the packet's source: the SYN's sender,
 * the SYN/ACK's receiver, the ICMP request's sender, else the higher port,
 * else (equal or no ports) the sender.
 */
static bool flow_client_is_src(const struct packet *pkt, uint8_t tflags, bool *from_syn)
{
    *from_syn = false;
    if (pkt->ip_proto == FLOW_PROTO_TCP && (tflags & (TCP_SYN | TCP_RST)) == TCP_SYN) {
        *from_syn = true;
        return !(tflags & TCP_ACK);
    }
    if (flow_proto_is_icmp(pkt->ip_proto))
        return !flow_icmp_is_reply(pkt->ip_proto, pkt->sport);
    if ((pkt->flags & PKT_HAS_L4) && pkt->sport != pkt->dport)
        return pkt->sport > pkt->dport;
    return true;
}

static void flow_count_proto(struct flow_table *ft, uint8_t proto)
{
    stats_inc(ft->st, STAT_FLOW_TOTAL);
    if (proto == FLOW_PROTO_TCP)
        stats_inc(ft->st, STAT_FLOW_TCP);
    else if (proto == FLOW_PROTO_UDP)
        stats_inc(ft->st, STAT_FLOW_UDP);
    else if (proto == FLOW_PROTO_ICMP)
        stats_inc(ft->st, STAT_FLOW_ICMPV4);
    else if (proto == FLOW_PROTO_ICMPV6)
        stats_inc(ft->st, STAT_FLOW_ICMPV6);
}

static struct flow *flow_create(struct flow_table *ft, const struct packet *pkt,
                                const struct flow_pkey *k, uint32_t h, uint8_t tflags)
{
    bool has_l4 = (pkt->flags & PKT_HAS_L4) != 0;
    uint16_t sp = has_l4 ? pkt->sport : 0, dp = has_l4 ? pkt->dport : 0;
    bool from_syn, cli_src;
    struct flow *f;

    if (!flow_make_room(ft) || !(f = pool_get(ft))) {
        stats_inc(ft->st, STAT_FLOW_GET_USED_FAILED);
        return NULL;
    }
    memset(f, 0, sizeof(*f));
    cli_src = flow_client_is_src(pkt, tflags, &from_syn);
    f->cli_ip = cli_src ? pkt->src : pkt->dst;
    f->srv_ip = cli_src ? pkt->dst : pkt->src;
    if (pkt->ip_version == 4) {
        memset(f->cli_ip.a + 4, 0, sizeof(f->cli_ip.a) - 4);
        memset(f->srv_ip.a + 4, 0, sizeof(f->srv_ip.a) - 4);
    }
    f->cli_ip.family = f->srv_ip.family = pkt->ip_version;
    if (flow_proto_is_icmp(pkt->ip_proto)) {
        f->cli_port = sp; /* type */
        f->srv_port = dp; /* code */
    } else {
        f->cli_port = cli_src ? sp : dp;
        f->srv_port = cli_src ? dp : sp;
    }
    f->proto = pkt->ip_proto;
    f->vlan_count = (uint8_t)((k->w[5] >> 16) & 0xff);
    f->vlan[0] = (uint16_t)(k->w[4] >> 32);
    f->vlan[1] = (uint16_t)(k->w[4] >> 48);
    memcpy(f->key, k->w, sizeof(f->key));
    f->cli_is_lo = cli_src ? k->src_is_lo : !k->src_is_lo;
    f->hash = h;
    f->client_from_syn = from_syn;
    f->start_us = f->last_us = pkt->ts_us;
    f->state = FLOW_STATE_NEW;
    f->flow_id = flow_id_make(f->key, f->start_us, ft->created++);
    community_id_v1(f->proto, &pkt->src, sp, &pkt->dst, dp, f->community_id,
                    sizeof(f->community_id));

    f->hnext = ft->buckets[h & ft->mask];
    ft->buckets[h & ft->mask] = f;
    f->tclass = flow_tclass_of(f);
    lru_append(ft, f);
    ft->count++;
    ft->memuse += sizeof(struct flow);
    flow_count_proto(ft, f->proto);
    flow_gauges(ft);
    return f;
}

/* ---- per-packet update ---- */

/*
 * TCP: counters of SYN/SYN-ACK/RST, state.  A segment with a bad checksum
 * from a side that has sent good ones is an insertion attempt (the host
 * drops it): it may not close the flow.  Where every checksum of a side is
 * bad (offload on the capturing host) its segments count as usual.
 */
static void flow_tcp_update(struct flow_table *ft, struct flow *f, enum flow_dir d, uint8_t fl,
                            enum csum_state csum)
{
    bool may_close = csum != CSUM_BAD || f->csum_ok[d] == 0;

    if (fl & TCP_RST) {
        stats_inc(ft->st, STAT_TCP_RST);
        if (may_close)
            f->state = FLOW_STATE_CLOSED;
        return;
    }
    if (fl & TCP_SYN) {
        stats_inc(ft->st, (fl & TCP_ACK) ? STAT_TCP_SYNACK : STAT_TCP_SYN);
        f->dflags[d] |= (fl & TCP_ACK) ? FLOW_DF_SYNACK : FLOW_DF_SYN;
    } else {
        f->dflags[d] |= FLOW_DF_NOSYN;
    }
    if (f->state == FLOW_STATE_NEW) {
        bool handshake = d == FLOW_TOSERVER && (fl & (TCP_SYN | TCP_ACK)) == TCP_ACK &&
                         (f->dflags[FLOW_TOCLIENT] & FLOW_DF_SYNACK);
        bool both = (f->dflags[FLOW_TOSERVER] & FLOW_DF_NOSYN) &&
                    (f->dflags[FLOW_TOCLIENT] & FLOW_DF_NOSYN);

        if (handshake || both)
            f->state = FLOW_STATE_ESTABLISHED;
    }
    if ((fl & TCP_FIN) && may_close) {
        f->dflags[d] |= FLOW_DF_FIN;
        if ((f->dflags[FLOW_TOSERVER] & FLOW_DF_FIN) && (f->dflags[FLOW_TOCLIENT] & FLOW_DF_FIN))
            f->state = FLOW_STATE_CLOSED;
    }
}

/*
 * A handshake packet seen on a NEW flow whose direction was guessed from
 * ports: the SYN's sender (SYN/ACK's receiver) becomes the client.
 */
static enum flow_dir flow_tcp_orient(struct flow *f, enum flow_dir d, uint8_t fl)
{
    enum flow_dir syn_sender_dir;

    if (f->client_from_syn || f->state != FLOW_STATE_NEW || (fl & (TCP_SYN | TCP_RST)) != TCP_SYN)
        return d;
    /* direction of the client's packets, as the flow sees them now */
    syn_sender_dir = (fl & TCP_ACK) ? (d == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER) : d;
    f->client_from_syn = true;
    if (syn_sender_dir == FLOW_TOSERVER)
        return d;
    flow_set_client(f, FLOW_TOCLIENT);
    return d == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
}

struct flow *flow_table_packet(struct flow_table *ft, const struct packet *pkt, enum flow_dir *dir)
{
    struct flow_pkey k;
    struct flow *f;
    uint32_t h;
    uint8_t tflags = 0;
    bool syn_only;
    enum flow_dir d;

    if (!flow_key_build(pkt, &k))
        return NULL;
    if (pkt->ip_proto == FLOW_PROTO_TCP)
        tflags = pkt->tcp.flags;
    syn_only = (tflags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
    h = flow_hash_fold(flow_hash_words(k.w, FLOW_KEY_WORDS, ft->seed));

    f = hash_find(ft, h, k.w);
    if (f) {
        if (flow_expired(ft, f, pkt->ts_us)) {
            flow_end(ft, f, syn_only ? FLOW_END_REUSE : FLOW_END_TIMEOUT);
            f = NULL;
        } else if (syn_only && f->state == FLOW_STATE_CLOSED) {
            flow_end(ft, f, FLOW_END_REUSE);
            f = NULL;
        }
    }
    if (!f && !(f = flow_create(ft, pkt, &k, h, tflags)))
        return NULL;

    d = (k.src_is_lo == f->cli_is_lo) ? FLOW_TOSERVER : FLOW_TOCLIENT;
    if (f->proto == FLOW_PROTO_TCP)
        d = flow_tcp_orient(f, d, tflags);

    f->pkts[d]++;
    f->bytes[d] += pkt->wirelen;
    f->tcp_flags[d] |= tflags;
    if (pkt->l4_csum == CSUM_OK)
        f->csum_ok[d]++;
    else if (pkt->l4_csum == CSUM_BAD)
        f->csum_bad[d]++;
    if (pkt->ts_us > f->last_us)
        f->last_us = pkt->ts_us;

    if (f->proto == FLOW_PROTO_TCP)
        flow_tcp_update(ft, f, d, tflags, pkt->l4_csum);
    else if (f->state == FLOW_STATE_NEW && f->pkts[FLOW_TOSERVER] && f->pkts[FLOW_TOCLIENT])
        f->state = FLOW_STATE_ESTABLISHED;
    lru_touch(ft, f);

    if (dir)
        *dir = d;
    return f;
}

void flow_set_client(struct flow *f, enum flow_dir client_is)
{
    struct ip_addr ip;
    uint16_t port;

    if (client_is != FLOW_TOCLIENT)
        return;
#define FLOW_SWAP(a, b, tmp) ((tmp) = (a), (a) = (b), (b) = (tmp))
    FLOW_SWAP(f->cli_ip, f->srv_ip, ip);
    if (!flow_proto_is_icmp(f->proto))
        FLOW_SWAP(f->cli_port, f->srv_port, port);
    {
        uint64_t u64;
        uint32_t u32;
        uint8_t u8;

        FLOW_SWAP(f->pkts[0], f->pkts[1], u64);
        FLOW_SWAP(f->bytes[0], f->bytes[1], u64);
        FLOW_SWAP(f->tcp_flags[0], f->tcp_flags[1], u8);
        FLOW_SWAP(f->csum_ok[0], f->csum_ok[1], u32);
        FLOW_SWAP(f->csum_bad[0], f->csum_bad[1], u32);
        FLOW_SWAP(f->dflags[0], f->dflags[1], u8);
    }
#undef FLOW_SWAP
    f->cli_is_lo = !f->cli_is_lo;
}

/* ---- table life ---- */

static uint64_t flow_random_seed(const void *salt)
{
    uint64_t seed = 0;
    struct timespec ts;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
        return seed;
    /* no entropy yet (early boot): still differs per run and per table */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return flow_fmix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uintptr_t)salt);
}

struct flow_table *flow_table_new(const struct config *cfg, struct stats *st, flow_end_fn end_cb,
                                  void *user)
{
    struct flow_table *ft;
    uint32_t want, nb = 1;

    if (!cfg || !st)
        return NULL;
    ft = calloc(1, sizeof(*ft));
    if (!ft)
        return NULL;
    want = cfg->flow_hash_size;
    if (want > LIM_FLOW_HASH_SIZE_MAX)
        want = LIM_FLOW_HASH_SIZE_MAX;
    while (nb < want)
        nb <<= 1;
    ft->buckets = calloc(nb, sizeof(*ft->buckets));
    if (!ft->buckets)
        goto out_free_ft;
    ft->mask = nb - 1;
    ft->cfg = cfg;
    ft->st = st;
    ft->end_cb = end_cb;
    ft->user = user;
    ft->seed = flow_random_seed(ft);
    ft->to_us[FLOW_TC_TCP_NEW] = (int64_t)cfg->to_tcp_new * 1000000;
    ft->to_us[FLOW_TC_TCP_ESTABLISHED] = (int64_t)cfg->to_tcp_established * 1000000;
    ft->to_us[FLOW_TC_TCP_CLOSED] = (int64_t)cfg->to_tcp_closed * 1000000;
    ft->to_us[FLOW_TC_UDP_NEW] = (int64_t)cfg->to_udp_new * 1000000;
    ft->to_us[FLOW_TC_UDP_ESTABLISHED] = (int64_t)cfg->to_udp_established * 1000000;
    ft->to_us[FLOW_TC_OTHER] = (int64_t)cfg->to_other * 1000000;
    return ft;

out_free_ft:
    free(ft);
    return NULL;
}

void flow_table_flush(struct flow_table *ft)
{
    struct flow *f;

    if (!ft)
        return;
    while ((f = lru_oldest(ft)) != NULL)
        flow_end(ft, f, FLOW_END_SHUTDOWN);
}

void flow_table_free(struct flow_table *ft)
{
    struct flow_chunk *c, *next;

    if (!ft)
        return;
    flow_table_flush(ft);
    for (c = ft->chunks; c; c = next) {
        next = c->next;
        free(c);
    }
    free(ft->buckets);
    free(ft);
}

void flow_table_timeout(struct flow_table *ft, int64_t now_us)
{
    for (unsigned c = 0; c < FLOW_TC__COUNT; c++) {
        struct flow *f;

        while ((f = ft->lru[c].head) != NULL) {
            if (flow_expired(ft, f, now_us))
                flow_end(ft, f, FLOW_END_TIMEOUT);
            else if (f->last_us > f->lru_us)
                lru_requeue(ft, f); /* touched since queued: look behind it */
            else
                break;
        }
    }
}

uint32_t flow_table_count(const struct flow_table *ft)
{
    return ft->count;
}

void flow_table_mem_add(struct flow_table *ft, int64_t delta)
{
    /* magnitude of a negative delta, INT64_MIN included */
    uint64_t dec = delta < 0 ? (uint64_t)(-(delta + 1)) + 1 : 0;

    if (delta >= 0)
        ft->memuse += (uint64_t)delta;
    else
        ft->memuse = dec >= ft->memuse ? 0 : ft->memuse - dec;
    stats_set(ft->st, STAT_FLOW_MEMUSE, ft->memuse);
}

uint64_t flow_table_memuse(const struct flow_table *ft)
{
    return ft->memuse;
}

bool flow_table_mem_fits(const struct flow_table *ft, uint64_t n)
{
    uint64_t cap = ft->cfg->flow_memcap;

    return ft->memuse <= cap && n <= cap - ft->memuse;
}
