/*
 * decode_defrag.c - IPv4 (RFC 791, RFC 815) and IPv6 (RFC 8200 section 4.5,
 * RFC 6946 atomic fragments) fragment reassembly for the decode stage.
 *
 * A datagram under reassembly is a tracker, keyed by (source, destination,
 * identification, protocol) for IPv4 and (source, destination,
 * identification) for IPv6.  A tracker holds:
 *   - the header of the fragment at offset 0 (IPv4 header with options, or
 *     the IPv6 unfragmentable part: IPv6 header plus the extension headers
 *     before the Fragment header), taken from the offset-0 fragment whose
 *     bytes hold offset 0 under the overlap policy;
 *   - the fragmentable data as pieces: non-overlapping byte ranges sorted by
 *     offset, each a copy of (part of) one fragment.  Overlaps are resolved
 *     when a fragment arrives, so reassembly is a plain concatenation;
 *   - the datagram end, known once the fragment with MF = 0 has arrived.
 * When the header, the end and every byte in [0, end) are present the
 * datagram is rebuilt in a buffer owned by the context and returned.
 *
 *   IPv4 header (RFC 791)                 IPv6 Fragment header (RFC 8200)
 *    0      4      8             16  19          31   0        8       16          29  31
 *   +------+------+--------------+--------------+    +--------+--------+-------------+--+-+
 *   |ver=4 | IHL  |     TOS      | total length |    |next hdr|reserved| offset/8    |rs|M|
 *   +------+------+--------------+--+-----------+    +--------+--------+-------------+--+-+
 *   |      identification        |0DM| offset/8 |    |            identification          |
 *   +-------------+--------------+--+-----------+    +------------------------------------+
 *   |    TTL      |   protocol   |  checksum    |
 *   +-------------+--------------+--------------+
 *   | source, destination, options ...          |
 *
 * ---------------------------------------------------------------------------
 * Overlap policies (config host-os-policy; Suricata's target-based policies)
 * ---------------------------------------------------------------------------
 * Overlaps are resolved byte by byte.  Where a new fragment N covers bytes
 * already held from an earlier fragment O, the policy says whose copy the
 * reassembled datagram keeps; the policy is the destination's (config
 * host-os-policy, looked up with config_policy_for() when the datagram's
 * first fragment arrives), as the receiving host is the one reassembling.
 * O and N are compared by the offset and end
 * (offset + length) they arrived with; held bytes keep the bounds of their
 * fragment even after part of it was overwritten.
 *
 *   policy    N's bytes replace O's when                  hosts (Suricata's host-os map)
 *   --------  -------------------------------------------  -------------------------------
 *   first     never: every byte keeps its first copy       first, old Solaris, HP-UX 11,
 *                                                          Mac OS
 *   last      always: every byte takes its latest copy     last
 *   bsd       N starts before O        (N.off <  O.off)    BSD, HP-UX 10, IRIX
 *   linux     N starts at or before O  (N.off <= O.off)    Linux, old Linux
 *   windows   N strictly encloses O    (N.off <  O.off     Windows, Vista, Windows 2003
 *                                       and N.end > O.end)
 *   solaris   N starts before O and reaches at least its   Solaris
 *             end                      (N.off <  O.off
 *                                       and N.end >= O.end)
 *
 * These are the outcomes of Suricata's DefragInsertFrag (src/defrag.c, the
 * version whose Sturges/Novak unit tests expect the results reproduced in
 * tests/unit/check_defrag.c) expressed as one rule per policy; "first",
 * "last", "bsd" and "linux" are the policies of Judy Novak's "Target-Based
 * Fragmentation Reassembly" (2005), "bsd" favouring an original fragment
 * whose offset is less than or equal to the new one's and "linux" one whose
 * offset is strictly less.  Suricata's bsd-right is not offered.
 *
 * Limits.  Bytes held (trackers, headers, pieces, counted at the size
 * actually allocated) stay <= defrag.memcap, trackers <= defrag.max-trackers,
 * fragments accepted per datagram <= defrag.max-frags, and a datagram must
 * fit in 65535 bytes (IPv4 total length; IPv6 payload length, no jumbograms).
 * Fixed costs are outside the memcap: the 64 KiB output buffer, the hash
 * buckets, and freed blocks kept for reuse (at most memcap / 8 bytes).
 * A tracker expires defrag.timeout seconds of packet time after its last
 * fragment, in defrag_timeout() and lazily when fragments arrive.
 * When a new datagram finds max-trackers in use, or a fragment would pass
 * the memcap, the least recently updated datagrams are evicted (counted as
 * defrag.tracker_hard_reuse): an attacker who parks never-completing
 * fragments must then keep flooding, which is loud, instead of blinding the
 * sensor to every fragmented datagram until the timeout.  A fragment past
 * max-frags, or one that still does not fit after evicting every other
 * datagram, is dropped (defrag.max_frags_reached / defrag.memcap_exception,
 * anomaly frag_ignored).
 *
 * Malformed fragments are dropped with an anomaly: data past 65535
 * (frag_pkt_too_large), MF set with a length not a multiple of 8
 * (frag_invalid_length), a second last fragment with another end
 * (frag_ignored).  Any overlap raises frag_overlap (as Suricata does) and is
 * counted in defrag.overlap, and in defrag.overlap_diff_data as well when
 * the overlapping bytes differ.  Data past the end set by the last fragment
 * is discarded.
 */
#include "imsentry/defrag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imsentry/bytes.h"
#include "imsentry/decode.h"
#include "imsentry/err.h"

/* Size classes of held blocks: data capacity DEFRAG_MIN_CAP << class (32 B .. 128 KiB,
 * enough for the largest IPv6 unfragmentable part plus slack). */
#define DEFRAG_CLASSES 13
#define DEFRAG_MIN_CAP 32u
/* Largest IPv4 datagram and largest IPv6 payload (RFC 791, RFC 8200; no jumbograms). */
#define DEFRAG_IP_MAX 65535u
#define IPV4_MIN_HLEN 20u
#define IPV6_HLEN 40u
#define IPV6_FRAG_HLEN 8u
#define IPV6_NH_FRAGMENT 44
/* Output buffer: an IPv6 header plus the largest payload bounds every result. */
#define DEFRAG_OUT_SIZE (IPV6_HLEN + DEFRAG_IP_MAX)
/* Freed blocks kept for reuse: at most memcap / DEFRAG_CACHE_DIVISOR bytes. */
#define DEFRAG_CACHE_DIVISOR 8
/* Freed trackers kept for reuse. */
#define DEFRAG_TRACKER_CACHE 1024
/* Hash buckets: a power of two >= max-trackers, within these bounds. */
#define DEFRAG_MIN_BUCKETS 16u
#define DEFRAG_MAX_BUCKETS (1u << 20)

/* A held byte range (or a tracker's header), stored inline after the struct. */
struct dpiece {
    struct dpiece *next; /* next piece by offset; next free block when cached */
    uint32_t start;      /* first byte held, offset in the fragmentable part */
    uint32_t end;        /* one past the last byte held */
    uint32_t base;       /* offset of buf[0]; start > base after a front trim */
    uint32_t orig_off;   /* offset of the fragment the bytes came from (policies) */
    uint32_t orig_end;   /* end of that fragment (policies) */
    uint8_t cls;         /* size class: capacity DEFRAG_MIN_CAP << cls */
    uint8_t buf[];       /* the bytes */
};

/* What identifies a datagram. */
struct dkey {
    uint8_t family;  /* 4 or 6 */
    uint8_t proto;   /* IPv4 protocol; 0 for IPv6 */
    uint32_t id;     /* IPv4 identification (16 bits) or IPv6 identification */
    uint8_t src[16]; /* source address, IPv4 in the first 4 bytes, rest zero */
    uint8_t dst[16]; /* destination address, same layout */
};

/* One datagram under reassembly. */
struct dtracker {
    struct dtracker *hnext;    /* hash chain; next free tracker when cached */
    struct dtracker *lru_prev; /* toward the least recently updated */
    struct dtracker *lru_next; /* toward the most recently updated */
    uint32_t hash;             /* hash of key */
    struct dkey key;           /* datagram identity */
    int64_t last_us;           /* packet time of the last fragment accepted */
    struct dpiece *pieces;     /* held data, sorted, never overlapping */
    uint32_t npieces;          /* entries in pieces */
    struct dpiece *hdr;        /* header of the offset-0 fragment (buf[0..end)), or NULL */
    uint32_t nfrags;           /* fragments accepted */
    uint32_t end;              /* fragmentable length; valid when seen_last */
    bool seen_last;            /* the MF = 0 fragment arrived */
    uint16_t nh_off;           /* IPv6: where in hdr the next-header byte to patch is */
    uint8_t nh_val;            /* IPv6: the Fragment header's next header */
    enum overlap_policy policy; /* the destination's policy (host-os-policy) */
};

/* One fragment as parsed, for the family-independent insert. */
struct frag_in {
    struct dkey key;     /* datagram identity */
    uint32_t off;        /* byte offset in the fragmentable part */
    uint32_t len;        /* fragment data bytes */
    bool mf;             /* more fragments follow */
    const uint8_t *data; /* len bytes of packet data (bounds checked by the parser) */
    const uint8_t *hdr;  /* IPv4 header / IPv6 unfragmentable part */
    uint32_t hdr_len;    /* bytes at hdr */
    uint16_t nh_off;     /* IPv6: offset in hdr of the next-header byte to patch */
    uint8_t nh_val;      /* IPv6: next header from the Fragment header */
};

/* How one held piece meets the new fragment. */
struct overlap_act {
    struct dpiece *p; /* the held piece */
    uint32_t a;       /* first overlapping byte */
    uint32_t b;       /* one past the last overlapping byte */
    bool wins;        /* the new fragment's bytes replace the held ones */
};

/* A range of the new fragment to store. */
struct keep_range {
    uint32_t start; /* first byte */
    uint32_t end;   /* one past the last byte */
};

struct defrag {
    struct stats *st;           /* counters and anomalies */
    uint64_t memcap;            /* defrag.memcap */
    uint32_t max_trackers;      /* defrag.max-trackers */
    uint32_t max_frags;         /* defrag.max-frags */
    int64_t timeout_us;         /* defrag.timeout in microseconds */
    const struct config *cfg;   /* host-os-policy (config_policy_for()); outlives df */
    uint32_t seed;              /* hash seed */

    struct dtracker **buckets; /* hash table of trackers */
    uint32_t nbuckets;         /* power of two */
    struct dtracker *lru_head; /* least recently updated tracker */
    struct dtracker *lru_tail; /* most recently updated tracker */
    uint32_t ntrackers;        /* trackers in the table */
    size_t memuse;             /* bytes held by trackers, headers and pieces */

    struct dpiece *free_blocks[DEFRAG_CLASSES]; /* cached freed blocks per class */
    size_t cached_bytes;                        /* bytes in free_blocks */
    size_t cache_max;                           /* most bytes cached */
    struct dtracker *free_trackers;             /* cached freed trackers */
    uint32_t n_free_trackers;                   /* entries in free_trackers */

    struct overlap_act *acts; /* scratch: overlaps of the fragment being inserted */
    uint32_t acts_cap;        /* entries allocated */
    struct keep_range *keep;  /* scratch: ranges of it to store */
    uint32_t keep_cap;        /* entries allocated */

    uint8_t *out; /* DEFRAG_OUT_SIZE bytes: the last datagram returned */
};

/* ---- memory: size-class block pool and tracker pool, exactly accounted ---- */

static size_t block_size(unsigned cls)
{
    return sizeof(struct dpiece) + ((size_t)DEFRAG_MIN_CAP << cls);
}

/* Charges n more bytes and keeps the high-water mark (defrag.memuse_max). */
static void defrag_mem_grow(struct defrag *df, size_t n)
{
    df->memuse += n;
    if (df->memuse > df->st->v[STAT_DEFRAG_MEMUSE_MAX])
        stats_set(df->st, STAT_DEFRAG_MEMUSE_MAX, df->memuse);
}

/* Smallest class holding n bytes (the last class if none does: block_alloc refuses). */
static unsigned block_class(uint32_t n)
{
    unsigned cls = 0;
    while (cls + 1 < DEFRAG_CLASSES && ((uint32_t)DEFRAG_MIN_CAP << cls) < n)
        cls++;
    return cls;
}

static size_t block_cost(uint32_t n)
{
    return block_size(block_class(n));
}

static struct dpiece *block_alloc(struct defrag *df, uint32_t n)
{
    unsigned cls = block_class(n);
    if (n > ((uint32_t)DEFRAG_MIN_CAP << cls))
        return NULL;
    struct dpiece *p = df->free_blocks[cls];
    if (p) {
        df->free_blocks[cls] = p->next;
        df->cached_bytes -= block_size(cls);
    } else {
        p = malloc(block_size(cls));
        if (!p)
            return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->cls = (uint8_t)cls;
    defrag_mem_grow(df, block_size(cls));
    return p;
}

static void block_free(struct defrag *df, struct dpiece *p)
{
    size_t sz = block_size(p->cls);
    df->memuse -= sz;
    if (df->cached_bytes + sz <= df->cache_max) {
        p->next = df->free_blocks[p->cls];
        df->free_blocks[p->cls] = p;
        df->cached_bytes += sz;
    } else {
        free(p);
    }
}

static struct dtracker *tracker_alloc(struct defrag *df)
{
    struct dtracker *t = df->free_trackers;
    if (t) {
        df->free_trackers = t->hnext;
        df->n_free_trackers--;
    } else {
        t = malloc(sizeof(*t));
        if (!t)
            return NULL;
    }
    memset(t, 0, sizeof(*t));
    defrag_mem_grow(df, sizeof(*t));
    return t;
}

static void tracker_release(struct defrag *df, struct dtracker *t)
{
    df->memuse -= sizeof(*t);
    if (df->n_free_trackers < DEFRAG_TRACKER_CACHE) {
        t->hnext = df->free_trackers;
        df->free_trackers = t;
        df->n_free_trackers++;
    } else {
        free(t);
    }
}

/* Grows the scratch arrays to hold n overlaps and n + 1 kept ranges. */
static int scratch_reserve(struct defrag *df, uint32_t n)
{
    if (n + 1 > df->acts_cap) {
        uint32_t cap = df->acts_cap ? df->acts_cap : 16;
        while (cap < n + 1)
            cap *= 2;
        struct overlap_act *a = realloc(df->acts, cap * sizeof(*a));
        if (!a)
            return IMS_ENOMEM;
        df->acts = a;
        df->acts_cap = cap;
    }
    if (n + 1 > df->keep_cap) {
        uint32_t cap = df->keep_cap ? df->keep_cap : 16;
        while (cap < n + 1)
            cap *= 2;
        struct keep_range *k = realloc(df->keep, cap * sizeof(*k));
        if (!k)
            return IMS_ENOMEM;
        df->keep = k;
        df->keep_cap = cap;
    }
    return 0;
}

/* ---- tracker table ---- */

static uint32_t key_hash(const struct defrag *df, const struct dkey *k)
{
    /* FNV-1a over the key fields, seeded, with a final avalanche. */
    uint32_t h = 2166136261u ^ df->seed;
    uint8_t head[6] = {k->family,
                       k->proto,
                       (uint8_t)(k->id >> 24),
                       (uint8_t)(k->id >> 16),
                       (uint8_t)(k->id >> 8),
                       (uint8_t)k->id};
    for (size_t i = 0; i < sizeof(head); i++)
        h = (h ^ head[i]) * 16777619u;
    for (size_t i = 0; i < 16; i++)
        h = (h ^ k->src[i]) * 16777619u;
    for (size_t i = 0; i < 16; i++)
        h = (h ^ k->dst[i]) * 16777619u;
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h;
}

static bool key_eq(const struct dkey *x, const struct dkey *y)
{
    return x->family == y->family && x->proto == y->proto && x->id == y->id &&
           memcmp(x->src, y->src, 16) == 0 && memcmp(x->dst, y->dst, 16) == 0;
}

static void lru_unlink(struct defrag *df, struct dtracker *t)
{
    if (t->lru_prev)
        t->lru_prev->lru_next = t->lru_next;
    else
        df->lru_head = t->lru_next;
    if (t->lru_next)
        t->lru_next->lru_prev = t->lru_prev;
    else
        df->lru_tail = t->lru_prev;
    t->lru_prev = t->lru_next = NULL;
}

static void lru_append(struct defrag *df, struct dtracker *t)
{
    t->lru_prev = df->lru_tail;
    t->lru_next = NULL;
    if (df->lru_tail)
        df->lru_tail->lru_next = t;
    else
        df->lru_head = t;
    df->lru_tail = t;
}

static void tracker_free_data(struct defrag *df, struct dtracker *t)
{
    struct dpiece *p = t->pieces;
    while (p) {
        struct dpiece *next = p->next;
        block_free(df, p);
        p = next;
    }
    t->pieces = NULL;
    t->npieces = 0;
    if (t->hdr) {
        block_free(df, t->hdr);
        t->hdr = NULL;
    }
}

/* Removes a tracker from the table and the LRU list and frees everything it holds. */
static void tracker_destroy(struct defrag *df, struct dtracker *t)
{
    struct dtracker **pp = &df->buckets[t->hash & (df->nbuckets - 1)];
    while (*pp && *pp != t)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = t->hnext;
    lru_unlink(df, t);
    tracker_free_data(df, t);
    df->ntrackers--;
    tracker_release(df, t);
}

static bool tracker_expired(const struct defrag *df, const struct dtracker *t, int64_t now_us)
{
    return now_us > t->last_us && now_us - t->last_us > df->timeout_us;
}

static void tracker_expire(struct defrag *df, struct dtracker *t)
{
    stats_inc(df->st, t->key.family == 4 ? STAT_DEFRAG_IPV4_TIMEOUTS : STAT_DEFRAG_IPV6_TIMEOUTS);
    tracker_destroy(df, t);
}

/* Expires trackers from the old end of the LRU list (ordered by packet time). */
static void expire_old(struct defrag *df, int64_t now_us)
{
    while (df->lru_head && tracker_expired(df, df->lru_head, now_us))
        tracker_expire(df, df->lru_head);
}

/* Evicts the least recently updated tracker other than keep; false if none. */
static bool evict_oldest(struct defrag *df, const struct dtracker *keep)
{
    struct dtracker *t = df->lru_head;
    if (t == keep && t)
        t = t->lru_next;
    if (!t)
        return false;
    stats_inc(df->st, STAT_DEFRAG_TRACKER_HARD_REUSE);
    tracker_destroy(df, t);
    return true;
}

/* Makes room for need more bytes under the memcap, evicting old trackers (not keep). */
static bool make_room(struct defrag *df, size_t need, const struct dtracker *keep)
{
    if (df->memuse + need <= df->memcap)
        return true;
    stats_inc(df->st, STAT_DEFRAG_MEMCAP_EXCEPTION);
    while (df->memuse + need > df->memcap)
        if (!evict_oldest(df, keep))
            return false;
    return true;
}

static struct dtracker *tracker_find(struct defrag *df, const struct dkey *k, uint32_t hash)
{
    struct dtracker *t = df->buckets[hash & (df->nbuckets - 1)];
    while (t && !(t->hash == hash && key_eq(&t->key, k)))
        t = t->hnext;
    return t;
}

static struct dtracker *tracker_create(struct defrag *df, const struct dkey *k, uint32_t hash)
{
    struct dtracker *t = tracker_alloc(df);
    if (!t)
        return NULL;
    t->key = *k;
    t->hash = hash;
    t->policy = config_policy_for(df->cfg, k->family, k->dst);
    struct dtracker **b = &df->buckets[hash & (df->nbuckets - 1)];
    t->hnext = *b;
    *b = t;
    lru_append(df, t);
    df->ntrackers++;
    return t;
}

/* ---- helpers ---- */

static void defrag_anomaly(struct defrag *df, struct packet *pkt, enum stat_id id)
{
    if (pkt)
        decode_anomaly(df->st, pkt, id);
    else
        stats_inc(df->st, id);
}

static void defrag_ignored(struct defrag *df, struct packet *pkt, uint8_t family)
{
    defrag_anomaly(df, pkt,
                   family == 4 ? STAT_ANOM_IPV4_FRAG_IGNORED : STAT_ANOM_IPV6_FRAG_IGNORED);
}

/* n bytes of the fragment's data from offset at (relative to its start), bounds checked. */
static const uint8_t *frag_bytes(const struct frag_in *fi, uint32_t at, uint32_t n)
{
    struct bcur c;
    bcur_init(&c, fi->data, fi->len);
    if (!bcur_skip(&c, at) || !bcur_has(&c, n))
        return NULL;
    return bcur_ptr(&c);
}

static void put_be16(uint8_t *dst, uint16_t v)
{
    dst[0] = (uint8_t)(v >> 8);
    dst[1] = (uint8_t)v;
}

/* RFC 1071 internet checksum of our own buffer. */
static uint16_t inet_csum(const uint8_t *buf, size_t len)
{
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
    if (i < len)
        sum += (uint32_t)buf[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* True when the new fragment [noff, nend) takes the bytes it shares with a held
 * fragment [ooff, oend) under the policy (see the table at the top). */
static bool policy_new_wins(enum overlap_policy pol, uint32_t ooff, uint32_t oend, uint32_t noff,
                            uint32_t nend)
{
    switch (pol) {
    case OVERLAP_FIRST:
        return false;
    case OVERLAP_LAST:
        return true;
    case OVERLAP_BSD:
        return noff < ooff;
    case OVERLAP_LINUX:
        return noff <= ooff;
    case OVERLAP_WINDOWS:
        return noff < ooff && nend > oend;
    case OVERLAP_SOLARIS:
        return noff < ooff && nend >= oend;
    }
    return false;
}

/* ---- insertion ---- */

/* Result of planning an insertion. */
struct plan {
    uint32_t nacts; /* entries in df->acts */
    uint32_t nkeep; /* entries in df->keep */
    size_t need;    /* bytes to allocate at most */
    bool overlap;   /* some held byte was covered */
    bool diff;      /* ... and some of those differed */
    bool take_hdr;  /* store this fragment's header */
};

/*
 * Decides, without changing anything, how the fragment meets the held
 * pieces: which overlaps it wins, which of its ranges to store, and how many
 * bytes that needs.
 */
static int plan_insert(struct defrag *df, const struct dtracker *t, const struct frag_in *fi,
                       struct plan *pl)
{
    uint32_t ns = fi->off;
    uint32_t ne = fi->off + fi->len;
    uint32_t limit = t->seen_last ? t->end : (fi->mf ? UINT32_MAX : ne);
    uint32_t pos = ns;

    memset(pl, 0, sizeof(*pl));
    if (scratch_reserve(df, t->npieces + 1) < 0)
        return IMS_ENOMEM;

    for (struct dpiece *p = t->pieces; p && p->start < ne; p = p->next) {
        uint32_t a = p->start > ns ? p->start : ns;
        uint32_t b = p->end < ne ? p->end : ne;
        if (a >= b) /* before the fragment, or it is empty */
            continue;
        const uint8_t *nb = frag_bytes(fi, a - ns, b - a);
        pl->overlap = true;
        if (nb && memcmp(nb, p->buf + (a - p->base), b - a) != 0)
            pl->diff = true;
        bool wins = policy_new_wins(t->policy, p->orig_off, p->orig_end, ns, ne);
        df->acts[pl->nacts++] = (struct overlap_act){p, a, b, wins};
        if (wins) {
            if (a > p->start && b < p->end) /* split: the tail gets its own block */
                pl->need += block_cost(p->end - b);
        } else {
            if (a > pos)
                df->keep[pl->nkeep++] = (struct keep_range){pos, a};
            pos = b;
        }
    }
    if (ne > pos)
        df->keep[pl->nkeep++] = (struct keep_range){pos, ne};

    /* Clip to the datagram end, dropping what lies beyond. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < pl->nkeep; i++) {
        struct keep_range r = df->keep[i];
        if (r.end > limit)
            r.end = limit;
        if (r.start < r.end) {
            df->keep[n++] = r;
            pl->need += block_cost(r.end - r.start);
        }
    }
    pl->nkeep = n;

    if (ns == 0 && fi->hdr_len) {
        /* The header goes with the bytes at offset 0. */
        pl->take_hdr = !t->hdr || (pl->nkeep && df->keep[0].start == 0);
        if (pl->take_hdr)
            pl->need += block_cost(fi->hdr_len);
    }
    return 0;
}

/* Removes [a, b) from held piece p (at *pp); may split it. */
static void piece_cut(struct defrag *df, struct dtracker *t, struct dpiece **pp, uint32_t a,
                      uint32_t b)
{
    struct dpiece *p = *pp;
    if (a <= p->start && b >= p->end) {
        *pp = p->next;
        block_free(df, p);
        t->npieces--;
    } else if (a <= p->start) {
        p->start = b;
    } else if (b >= p->end) {
        p->end = a;
    } else {
        /* Memory was reserved by plan_insert; a failure here only loses the tail. */
        struct dpiece *q = block_alloc(df, p->end - b);
        if (q) {
            memcpy(q->buf, p->buf + (b - p->base), p->end - b);
            q->start = q->base = b;
            q->end = p->end;
            q->orig_off = p->orig_off;
            q->orig_end = p->orig_end;
            q->next = p->next;
            p->next = q;
            t->npieces++;
        }
        p->end = a;
    }
}

/* Applies a plan: trims the held pieces the fragment wins over, stores its kept ranges. */
static int apply_insert(struct defrag *df, struct dtracker *t, const struct frag_in *fi,
                        const struct plan *pl)
{
    struct dpiece **pp = &t->pieces;
    uint32_t i = 0;
    int rc = 0;

    while (*pp && i < pl->nacts) {
        if (*pp != df->acts[i].p) {
            pp = &(*pp)->next;
            continue;
        }
        const struct overlap_act *act = &df->acts[i++];
        struct dpiece *p = *pp;
        if (act->wins)
            piece_cut(df, t, pp, act->a, act->b);
        if (*pp == p)
            pp = &p->next;
    }

    pp = &t->pieces;
    for (i = 0; i < pl->nkeep; i++) {
        const struct keep_range *r = &df->keep[i];
        const uint8_t *src = frag_bytes(fi, r->start - fi->off, r->end - r->start);
        struct dpiece *q = src ? block_alloc(df, r->end - r->start) : NULL;
        if (!q) {
            rc = IMS_ENOMEM;
            break;
        }
        memcpy(q->buf, src, r->end - r->start);
        q->start = q->base = r->start;
        q->end = r->end;
        q->orig_off = fi->off;
        q->orig_end = fi->off + fi->len;
        while (*pp && (*pp)->start < q->start)
            pp = &(*pp)->next;
        q->next = *pp;
        *pp = q;
        pp = &q->next;
        t->npieces++;
    }

    if (pl->take_hdr) {
        struct dpiece *h = block_alloc(df, fi->hdr_len);
        if (h) {
            memcpy(h->buf, fi->hdr, fi->hdr_len);
            h->end = fi->hdr_len;
            if (t->hdr)
                block_free(df, t->hdr);
            t->hdr = h;
            t->nh_off = fi->nh_off;
            t->nh_val = fi->nh_val;
        } else {
            rc = IMS_ENOMEM;
        }
    }

    if (!fi->mf && !t->seen_last) {
        /* The datagram ends here: drop what earlier fragments placed beyond. */
        t->seen_last = true;
        t->end = fi->off + fi->len;
        pp = &t->pieces;
        while (*pp) {
            struct dpiece *p = *pp;
            if (p->start >= t->end) {
                *pp = p->next;
                block_free(df, p);
                t->npieces--;
                continue;
            }
            if (p->end > t->end)
                p->end = t->end;
            pp = &p->next;
        }
    }
    return rc;
}

static bool tracker_complete(const struct dtracker *t)
{
    if (!t->seen_last || !t->hdr)
        return false;
    uint32_t pos = 0;
    for (const struct dpiece *p = t->pieces; p; p = p->next) {
        if (p->start != pos)
            return false;
        pos = p->end;
    }
    return pos == t->end;
}

/* Rebuilds the datagram into df->out and releases the tracker. */
static int reassemble(struct defrag *df, struct packet *pkt, struct dtracker *t,
                      const uint8_t **out, size_t *out_len)
{
    uint8_t family = t->key.family;
    uint32_t hlen = t->hdr->end;
    size_t total = (size_t)hlen + t->end;
    int rc = 1;

    if ((family == 4 && total > DEFRAG_IP_MAX) ||
        (family == 6 && total - IPV6_HLEN > DEFRAG_IP_MAX)) {
        defrag_anomaly(df, pkt,
                       family == 4 ? STAT_ANOM_IPV4_FRAG_PKT_TOO_LARGE
                                   : STAT_ANOM_IPV6_FRAG_PKT_TOO_LARGE);
        rc = IMS_ELIMIT;
        goto out_destroy;
    }
    memcpy(df->out, t->hdr->buf, hlen);
    for (const struct dpiece *p = t->pieces; p; p = p->next)
        memcpy(df->out + hlen + p->start, p->buf + (p->start - p->base), p->end - p->start);

    if (family == 4) {
        uint16_t fo = (uint16_t)(df->out[6] << 8 | df->out[7]);
        put_be16(df->out + 2, (uint16_t)total);
        put_be16(df->out + 6, fo & 0xc000); /* keep reserved and DF, clear MF and offset */
        put_be16(df->out + 10, 0);
        put_be16(df->out + 10, inet_csum(df->out, hlen));
        stats_inc(df->st, STAT_DEFRAG_IPV4_REASSEMBLED);
    } else {
        put_be16(df->out + 4, (uint16_t)(total - IPV6_HLEN));
        df->out[t->nh_off] = t->nh_val;
        stats_inc(df->st, STAT_DEFRAG_IPV6_REASSEMBLED);
    }
    *out = df->out;
    *out_len = total;

out_destroy:
    tracker_destroy(df, t);
    return rc;
}

/* Feeds one parsed fragment to its tracker. */
static int frag_insert(struct defrag *df, struct packet *pkt, const struct frag_in *fi,
                       const uint8_t **out, size_t *out_len)
{
    int64_t now = pkt ? pkt->ts_us : 0;
    uint32_t hash = key_hash(df, &fi->key);
    bool created = false;
    struct plan pl;
    int rc = 0;

    expire_old(df, now);
    struct dtracker *t = tracker_find(df, &fi->key, hash);
    if (t && tracker_expired(df, t, now)) {
        tracker_expire(df, t);
        t = NULL;
    }
    if (!t) {
        if (df->ntrackers >= df->max_trackers) {
            stats_inc(df->st, STAT_DEFRAG_MAX_TRACKERS_REACHED);
            while (df->ntrackers >= df->max_trackers)
                if (!evict_oldest(df, NULL))
                    break;
        }
        if (df->ntrackers >= df->max_trackers || !make_room(df, sizeof(*t), NULL) ||
            !(t = tracker_create(df, &fi->key, hash))) {
            defrag_ignored(df, pkt, fi->key.family);
            return IMS_ELIMIT;
        }
        created = true;
    }

    if (t->nfrags >= df->max_frags) {
        stats_inc(df->st, STAT_DEFRAG_MAX_FRAGS_REACHED);
        defrag_ignored(df, pkt, fi->key.family);
        rc = IMS_ELIMIT;
        goto out_drop;
    }
    if (!fi->mf && t->seen_last && t->end != fi->off + fi->len) {
        /* A second last fragment that disagrees on the length. */
        defrag_ignored(df, pkt, fi->key.family);
        rc = IMS_EPARSE;
        goto out_drop;
    }
    rc = plan_insert(df, t, fi, &pl);
    if (rc < 0 || !make_room(df, pl.need, t)) {
        defrag_ignored(df, pkt, fi->key.family);
        rc = rc < 0 ? rc : IMS_ENOMEM;
        goto out_drop;
    }
    rc = apply_insert(df, t, fi, &pl);
    if (pl.overlap) {
        stats_inc(df->st, STAT_DEFRAG_OVERLAP);
        if (pl.diff)
            stats_inc(df->st, STAT_DEFRAG_OVERLAP_DIFF_DATA);
        defrag_anomaly(df, pkt,
                       fi->key.family == 4 ? STAT_ANOM_IPV4_FRAG_OVERLAP
                                           : STAT_ANOM_IPV6_FRAG_OVERLAP);
    }
    if (rc < 0) {
        /* Allocation failed midway: the datagram can no longer be trusted. */
        defrag_ignored(df, pkt, fi->key.family);
        tracker_destroy(df, t);
        return rc;
    }
    t->nfrags++;
    t->last_us = now;
    lru_unlink(df, t);
    lru_append(df, t);

    if (tracker_complete(t))
        return reassemble(df, pkt, t, out, out_len);
    return 0;

out_drop:
    if (created && t->nfrags == 0)
        tracker_destroy(df, t);
    return rc;
}

/* ---- public API ---- */

struct defrag *defrag_new(const struct config *cfg, struct stats *st)
{
    struct defrag *df = calloc(1, sizeof(*df));
    if (!df)
        return NULL;
    df->st = st;
    df->memcap = cfg->defrag_memcap;
    df->max_trackers = cfg->defrag_max_trackers;
    df->max_frags = cfg->defrag_max_frags;
    df->timeout_us = (int64_t)cfg->defrag_timeout * 1000000;
    df->cfg = cfg;
    df->cache_max = (size_t)(cfg->defrag_memcap / DEFRAG_CACHE_DIVISOR);
    df->seed = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)df;

    df->nbuckets = DEFRAG_MIN_BUCKETS;
    while (df->nbuckets < df->max_trackers && df->nbuckets < DEFRAG_MAX_BUCKETS)
        df->nbuckets <<= 1;
    df->buckets = calloc(df->nbuckets, sizeof(*df->buckets));
    df->out = malloc(DEFRAG_OUT_SIZE);
    if (!df->buckets || !df->out)
        goto out_free;
    return df;

out_free:
    defrag_free(df);
    return NULL;
}

void defrag_free(struct defrag *df)
{
    if (!df)
        return;
    while (df->lru_head)
        tracker_destroy(df, df->lru_head);
    for (unsigned c = 0; c < DEFRAG_CLASSES; c++) {
        while (df->free_blocks[c]) {
            struct dpiece *p = df->free_blocks[c];
            df->free_blocks[c] = p->next;
            free(p);
        }
    }
    while (df->free_trackers) {
        struct dtracker *t = df->free_trackers;
        df->free_trackers = t->hnext;
        free(t);
    }
    free(df->acts);
    free(df->keep);
    free(df->buckets);
    free(df->out);
    free(df);
}

int defrag_ipv4(struct defrag *df, struct packet *pkt, const uint8_t *ip, size_t len,
                const uint8_t **out, size_t *out_len)
{
    struct frag_in fi;
    struct bcur c;
    int rc;

    memset(&fi, 0, sizeof(fi));
    if (len > DEFRAG_IP_MAX)
        return IMS_EINVAL;
    bcur_init(&c, ip, len);
    uint8_t vihl = bcur_u8(&c);
    bcur_skip(&c, 1); /* TOS */
    uint16_t total = bcur_be16(&c);
    fi.key.id = bcur_be16(&c);
    uint16_t fo = bcur_be16(&c);
    bcur_skip(&c, 1); /* TTL */
    fi.key.proto = bcur_u8(&c);
    bcur_skip(&c, 2); /* checksum */
    bcur_copy(&c, fi.key.src, 4);
    bcur_copy(&c, fi.key.dst, 4);
    uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
    /* total > len: the capture cut the fragment short; its bytes cannot complete anything. */
    if (!bcur_ok(&c) || (vihl >> 4) != 4 || hlen < IPV4_MIN_HLEN || hlen > len || total > len)
        return IMS_EINVAL;
    fi.key.family = 4;
    fi.hdr = ip;
    fi.hdr_len = hlen;
    fi.mf = (fo & 0x2000) != 0;
    fi.off = (uint32_t)(fo & 0x1fff) * 8;
    fi.len = (uint32_t)(len - hlen);
    bcur_init(&c, ip, len);
    bcur_skip(&c, hlen);
    fi.data = bcur_ptr(&c);

    if (!fi.mf && fi.off == 0) {
        /* Not a fragment: the datagram is already whole. */
        memcpy(df->out, ip, len);
        *out = df->out;
        *out_len = len;
        return 1;
    }
    stats_inc(df->st, STAT_DEFRAG_IPV4_FRAGMENTS);
    if (fi.mf && fi.len % 8) {
        defrag_anomaly(df, pkt, STAT_ANOM_IPV4_FRAG_INVALID_LENGTH);
        rc = IMS_EPARSE;
    } else if (hlen + fi.off + fi.len > DEFRAG_IP_MAX) {
        defrag_anomaly(df, pkt, STAT_ANOM_IPV4_FRAG_PKT_TOO_LARGE);
        rc = IMS_ELIMIT;
    } else {
        rc = frag_insert(df, pkt, &fi, out, out_len);
    }
    stats_set(df->st, STAT_DEFRAG_MEMUSE, df->memuse);
    return rc;
}

/*
 * Finds the byte holding the next header that names the Fragment header: the
 * IPv6 header's (offset 6) or that of the last extension header before it.
 */
static int ipv6_prev_nh(const uint8_t *ip, size_t frag_off, size_t *nh_off)
{
    struct bcur c;
    size_t at = 6;
    size_t pos = IPV6_HLEN;

    bcur_init(&c, ip, frag_off);
    bcur_skip(&c, at);
    uint8_t nh = bcur_u8(&c);
    if (!bcur_ok(&c))
        return IMS_EINVAL;
    while (pos < frag_off) {
        bcur_init(&c, ip, frag_off);
        bcur_skip(&c, pos);
        uint8_t next = bcur_u8(&c);
        uint8_t hl = bcur_u8(&c);
        size_t sz;
        if (!bcur_ok(&c))
            return IMS_EINVAL;
        switch (nh) {
        case 0:   /* Hop-by-Hop options */
        case 43:  /* Routing */
        case 60:  /* Destination options */
        case 135: /* Mobility */
        case 139: /* HIP */
        case 140: /* Shim6 */
        case 253: /* experimental */
        case 254:
            sz = ((size_t)hl + 1) * 8;
            break;
        case 51: /* Authentication header: length in 4-byte units, minus 2 */
            sz = ((size_t)hl + 2) * 4;
            break;
        default:
            return IMS_EINVAL;
        }
        at = pos;
        nh = next;
        pos += sz;
    }
    if (pos != frag_off || nh != IPV6_NH_FRAGMENT)
        return IMS_EINVAL;
    *nh_off = at;
    return 0;
}

int defrag_ipv6(struct defrag *df, struct packet *pkt, const uint8_t *ip, size_t len,
                size_t frag_off, size_t unfrag_len, const uint8_t **out, size_t *out_len)
{
    struct frag_in fi;
    struct bcur c;
    size_t nh_off;
    int rc;

    memset(&fi, 0, sizeof(fi));
    if (unfrag_len != frag_off || frag_off < IPV6_HLEN || frag_off > len ||
        len - frag_off < IPV6_FRAG_HLEN || len - frag_off - IPV6_FRAG_HLEN > DEFRAG_IP_MAX)
        return IMS_EINVAL;
    bcur_init(&c, ip, len);
    uint8_t ver = bcur_u8(&c) >> 4;
    bcur_skip(&c, 3); /* class, flow label */
    size_t plen = bcur_be16(&c);
    bcur_skip(&c, 2); /* next header, hop limit */
    bcur_copy(&c, fi.key.src, 16);
    bcur_copy(&c, fi.key.dst, 16);
    bcur_skip(&c, frag_off - IPV6_HLEN);
    fi.nh_val = bcur_u8(&c);
    bcur_skip(&c, 1); /* reserved */
    uint16_t offlg = bcur_be16(&c);
    fi.key.id = bcur_be32(&c);
    /* Payload length 0 would be a jumbogram, which cannot be fragmented (RFC 2675);
     * IPV6_HLEN + plen > len is a fragment the capture cut short. */
    if (!bcur_ok(&c) || ver != 6 || plen == 0 || IPV6_HLEN + plen > len ||
        ipv6_prev_nh(ip, frag_off, &nh_off) < 0)
        return IMS_EINVAL;
    fi.key.family = 6;
    fi.hdr = ip;
    fi.hdr_len = (uint32_t)frag_off;
    fi.nh_off = (uint16_t)nh_off;
    fi.off = offlg & 0xfff8;
    fi.mf = (offlg & 1) != 0;
    fi.len = (uint32_t)(len - frag_off - IPV6_FRAG_HLEN);
    fi.data = bcur_ptr(&c);

    if (!fi.mf && fi.off == 0) {
        /* Atomic fragment (RFC 6946): whole already, just drop the Fragment header. */
        if (frag_off - IPV6_HLEN + fi.len > DEFRAG_IP_MAX) {
            defrag_anomaly(df, pkt, STAT_ANOM_IPV6_FRAG_PKT_TOO_LARGE);
            return IMS_ELIMIT;
        }
        memcpy(df->out, ip, frag_off);
        memcpy(df->out + frag_off, fi.data, fi.len);
        put_be16(df->out + 4, (uint16_t)(frag_off - IPV6_HLEN + fi.len));
        df->out[nh_off] = fi.nh_val;
        *out = df->out;
        *out_len = frag_off + fi.len;
        return 1;
    }
    stats_inc(df->st, STAT_DEFRAG_IPV6_FRAGMENTS);
    if (fi.mf && fi.len % 8) {
        defrag_anomaly(df, pkt, STAT_ANOM_IPV6_FRAG_INVALID_LENGTH);
        rc = IMS_EPARSE;
    } else if (frag_off - IPV6_HLEN + fi.off + fi.len > DEFRAG_IP_MAX) {
        defrag_anomaly(df, pkt, STAT_ANOM_IPV6_FRAG_PKT_TOO_LARGE);
        rc = IMS_ELIMIT;
    } else {
        rc = frag_insert(df, pkt, &fi, out, out_len);
    }
    stats_set(df->st, STAT_DEFRAG_MEMUSE, df->memuse);
    return rc;
}

void defrag_timeout(struct defrag *df, int64_t now_us)
{
    /*
     * The LRU list is in packet-time order, so this stops at the first live
     * tracker; one left behind when time went backwards (a second, older
     * capture) expires on its next lookup or is evicted under the caps.
     */
    expire_old(df, now_us);
    stats_set(df->st, STAT_DEFRAG_MEMUSE, df->memuse);
}

size_t defrag_memuse(const struct defrag *df)
{
    return df->memuse;
}
