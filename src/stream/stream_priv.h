/*
 * stream_priv.h - internals shared by the TCP reassembler's files:
 *
 *   stream_pool.c   slab pool of fixed-size blocks (no per-segment malloc)
 *   stream_reasm.c  per-direction segment list: insert, overlap policy,
 *                   checksum-weak data, in-order release, gaps, depth
 *   stream_tcp.c    context, settings, per-flow TCP state (RFC 9293)
 *
 * Model.  Each direction of a stream (named by its SENDER's endpoint, not
 * by enum flow_dir, since detectors may swap a flow's client and server)
 * keeps a list of pieces sorted by sequence number.  Pieces never overlap:
 * every sequence number is held at most once, so retransmissions and
 * overlaps never add memory.  A piece remembers the geometry (first
 * sequence number and length) of the segment that brought its bytes, so
 * the overlap policies can compare a new segment with the original old
 * one, as Suricata does.  Pieces before `base` were already delivered and
 * are kept as a bounded history to compare retransmissions with.
 */
#ifndef IMSENTRY_STREAM_PRIV_H
#define IMSENTRY_STREAM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/stream.h"

/* ---- pool (stream_pool.c) ---- */

/* Block sizes of the pool's classes, bytes (headers included). */
#define SPOOL_CLASSES 6
#define SPOOL_MAX_BLOCK 2048u

struct spool_slab;

/* One size class: partly used slabs, and at most one empty spare. */
struct spool_class {
    uint32_t bsize;            /* bytes per block */
    struct spool_slab *avail;  /* partly used slabs with a free block (doubly linked) */
    struct spool_slab *spare;  /* one slab with every block free, or NULL */
};

struct spool {
    struct spool_class cls[SPOOL_CLASSES]; /* by ascending block size */
    uint64_t cap;              /* most bytes of blocks in use */
    uint64_t slab_cap;         /* most bytes of slabs allocated (cap + slack) */
    uint64_t inuse;            /* bytes of blocks handed out */
    uint64_t slab_bytes;       /* bytes of slabs allocated */
};

void spool_init(struct spool *p, uint64_t cap);
/* Frees every slab; every block must have been returned. */
void spool_fini(struct spool *p);
/*
 * A block of at least size bytes (<= SPOOL_MAX_BLOCK); *bsize receives its
 * real size, which is what is charged.  NULL when the cap is reached.
 */
void *spool_alloc(struct spool *p, size_t size, uint32_t *bsize);
void spool_free(struct spool *p, void *blk);
/* Size of the block spool_alloc() would hand out for size bytes (0 if too large). */
uint32_t spool_block_size(size_t size);

/* ---- segment pieces (stream_reasm.c) ---- */

/* piece flags */
#define SEG_WEAK 0x01    /* arrived with a bad checksum: good data replaces it */
#define SEG_SYNDATA 0x02 /* data carried by a SYN: dropped if the SYN/ACK does not ACK it */

struct seg {
    struct seg *next;  /* next piece, higher sequence numbers */
    struct seg *prev;  /* previous piece */
    uint32_t seq;      /* sequence number of data[0] */
    uint32_t len;      /* bytes in data */
    uint32_t oseq;     /* first sequence number of the segment these bytes came in */
    uint32_t olen;     /* length of that segment (overlap policy geometry) */
    uint32_t bsize;    /* pool block size charged for this piece */
    uint8_t flags;     /* SEG_* */
    uint8_t data[];    /* payload bytes */
};

/* Largest payload of one piece (segments are split into pieces of this size). */
#define SEG_MAX_DATA (SPOOL_MAX_BLOCK - (uint32_t)sizeof(struct seg))

/* One direction of a stream, named by its sender. */
struct sdir {
    struct seg *head;      /* pieces, lowest sequence first (history, then held) */
    struct seg *tail;      /* highest piece */
    uint32_t nseg;         /* pieces on the list */
    uint32_t mem;          /* pool bytes charged for the pieces */
    uint32_t hist_bytes;   /* payload bytes of wholly delivered pieces still kept */
    uint32_t hist_segs;    /* wholly delivered pieces still kept */
    uint64_t pkts;         /* packets accepted from this sender */
    uint64_t offset;       /* stream bytes delivered so far, gaps included (depth) */
    uint32_t isn;          /* initial sequence number (syn_seen) */
    uint32_t base;         /* next sequence number to deliver (base_set) */
    uint32_t max_end;      /* highest seq + len of data seen (base_set) */
    uint32_t fin_seq;      /* sequence number of the FIN (fin_seen) */
    uint32_t last_ack;     /* highest ACK this side sent: the peer's data it has (ack_seen) */
    uint32_t right_edge;   /* highest last_ack + scaled window this side advertised */
    uint16_t win;          /* last window field sent (unscaled) */
    uint8_t wscale;        /* window-scale shift from this side's SYN */
    bool has_wscale;       /* this side's SYN carried the window-scale option */
    bool syn_seen;         /* this side's SYN (or SYN/ACK) was seen */
    bool base_set;         /* base and max_end are known */
    bool ack_seen;         /* last_ack and right_edge are valid */
    bool fin_seen;         /* a FIN was seen (fin_seq valid) */
    bool eof_sent;         /* STREAM_DATA_EOF delivered */
    bool depth_reached;    /* STREAM_DATA_DEPTH delivered: nothing more is buffered */
    bool csum_good;        /* a segment with a good checksum was seen (AUTO mode) */
    enum overlap_policy policy; /* how the RECEIVER of this data resolves overlaps */
};

/* Session states (the receiver-independent view a passive sensor can keep). */
enum stream_state {
    SSN_SYN_SENT = 0,     /* SYN seen, no SYN/ACK yet */
    SSN_SYN_RECV = 1,     /* SYN/ACK seen */
    SSN_ESTABLISHED = 2,  /* handshake completed or picked up mid-stream */
    SSN_CLOSED = 3        /* accepted RST, or both FINs delivered */
};

/* Per-flow state, f->stream. */
struct stream_flow {
    struct ip_addr ep_ip[2];   /* endpoint of side 0 (the first sender) and side 1 */
    uint16_t ep_port[2];       /* their ports */
    struct sdir d[2];          /* data sent by side 0 and by side 1 */
    enum stream_state state;   /* session state */
    bool wscale_ok;            /* both SYNs carried window scaling: windows are scaled */
    bool handshake;            /* SYN and SYN/ACK seen: windows can be trusted */
    uint32_t bsize;            /* pool block size charged for this struct */
};

struct stream_ctx {
    struct stream_settings set; /* copy of the settings */
    struct stats *st;          /* counters, not owned */
    stream_deliver_fn deliver; /* app-layer entry */
    void *user;                /* its argument */
    stream_event_fn event;     /* anomaly callback, may be NULL */
    void *event_user;          /* its argument */
    struct spool pool;         /* sessions and segment pieces */
    uint8_t *buf;              /* LIM_STREAM_DELIVER_BUF bytes coalescing one delivery */
    size_t buf_len;            /* bytes waiting in buf */
    uint64_t memuse;           /* bytes charged against set.memcap (pool.inuse) */
};

/* ---- stream_reasm.c ---- */

/*
 * Inserts len bytes at seq into side's list (overlaps resolved by the
 * receiver's policy, weak data replaced by good, caps enforced and counted).
 * seg_flags: SEG_*.
 */
void reasm_insert(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                  uint32_t seq, const uint8_t *data, uint32_t len, uint8_t seg_flags);

/*
 * Delivers side's held data from base up to (not including) upto.  With
 * gaps, holes below upto are skipped and reported (the receiver has those
 * bytes and we lost them); without, delivery stops at the first hole.
 */
void reasm_release(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side,
                   uint32_t upto, bool gaps);

/* Releases unACKed data (gaps included) while side holds more than its threshold. */
void reasm_check_pressure(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf,
                          int side);

/* Delivers EOF for side once (not after DEPTH). */
void reasm_eof(struct stream_ctx *sc, struct flow *f, struct stream_flow *sf, int side);

/* Drops every piece flagged with `flags` that lies at or after base. */
void reasm_drop_flagged(struct stream_ctx *sc, struct stream_flow *sf, int side, uint8_t flags);

/* Frees every piece of side. */
void reasm_free_all(struct stream_ctx *sc, struct stream_flow *sf, int side);

/* Updates the memory gauges after pool use changed. */
void reasm_update_gauges(struct stream_ctx *sc);

/* Raises tcp.reassembly_memuse_max to the pool's use if that is a new high. */
void reasm_note_memuse_max(struct stream_ctx *sc);

/* Wrap-safe a < b ? a : b on sequence numbers. */
static inline uint32_t seq_min(uint32_t a, uint32_t b)
{
    return SEQ_LT(a, b) ? a : b;
}

static inline uint32_t seq_max(uint32_t a, uint32_t b)
{
    return SEQ_GT(a, b) ? a : b;
}

#endif
