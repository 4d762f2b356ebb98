/*
 * stream_pool.c - slab pool for the TCP reassembler: sessions and segment
 * pieces come from fixed-size blocks carved out of LIM_STREAM_SLAB-byte
 * slabs, so no segment costs a malloc() and memory stays bounded.
 *
 * Six classes (128 to 2048-byte blocks; 1536 fits a 1460-byte segment).  A slab is aligned to
 * its own size, so a block finds its slab header by masking its address.
 * Partly used slabs sit on their class's `avail` list; one empty slab
 * per class is kept as a spare and the others go back to the system.
 *
 * Two caps: bytes of blocks in use never exceed `cap` (what the memcap
 * means), and bytes of slabs never exceed `cap` plus one slab per class,
 * so fragmentation cannot grow real memory past the cap either.
 */
#include "stream_priv.h"

#include <stdlib.h>

struct spool_slab {
    struct spool_slab *next; /* next slab on the class's avail list */
    struct spool_slab *prev; /* previous slab on it */
    void *free;              /* first free block (each free block starts with the next) */
    uint32_t nfree;          /* free blocks */
    uint32_t nblocks;        /* blocks in the slab */
    uint8_t cls;             /* class index */
    bool on_avail;           /* linked on the avail list */
};

/* Blocks start after the header, rounded up so any block is 16-byte aligned. */
#define SLAB_HDR ((sizeof(struct spool_slab) + 15u) & ~(size_t)15u)

static const uint32_t spool_sizes[SPOOL_CLASSES] = {128, 256, 512, 1024, 1536, SPOOL_MAX_BLOCK};

uint32_t spool_block_size(size_t size)
{
    for (unsigned i = 0; i < SPOOL_CLASSES; i++)
        if (spool_sizes[i] >= size)
            return spool_sizes[i];
    return 0;
}

void spool_init(struct spool *p, uint64_t cap)
{
    for (unsigned i = 0; i < SPOOL_CLASSES; i++) {
        p->cls[i].bsize = spool_sizes[i];
        p->cls[i].avail = NULL;
        p->cls[i].spare = NULL;
    }
    p->cap = cap;
    p->slab_cap = cap + (uint64_t)SPOOL_CLASSES * LIM_STREAM_SLAB;
    p->inuse = 0;
    p->slab_bytes = 0;
}

static void slab_unlink(struct spool_class *c, struct spool_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->avail = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->on_avail = false;
}

static void slab_push(struct spool_class *c, struct spool_slab *s)
{
    s->prev = NULL;
    s->next = c->avail;
    if (c->avail)
        c->avail->prev = s;
    c->avail = s;
    s->on_avail = true;
}

static void slab_release(struct spool *p, struct spool_slab *s)
{
    p->slab_bytes -= LIM_STREAM_SLAB;
    free(s);
}

void spool_fini(struct spool *p)
{
    for (unsigned i = 0; i < SPOOL_CLASSES; i++) {
        struct spool_slab *s = p->cls[i].avail;

        while (s) {
            struct spool_slab *n = s->next;

            slab_release(p, s);
            s = n;
        }
        if (p->cls[i].spare)
            slab_release(p, p->cls[i].spare);
        p->cls[i].avail = NULL;
        p->cls[i].spare = NULL;
    }
}

/* A slab with every block free, from the spare or the system; NULL at the cap. */
static struct spool_slab *slab_get(struct spool *p, unsigned ci)
{
    struct spool_slab *s = p->cls[ci].spare;
    uint32_t bsize = p->cls[ci].bsize;
    uint8_t *blk;

    if (s) {
        p->cls[ci].spare = NULL;
        return s;
    }
    if (p->slab_bytes + LIM_STREAM_SLAB > p->slab_cap)
        return NULL;
    s = aligned_alloc(LIM_STREAM_SLAB, LIM_STREAM_SLAB);
    if (!s)
        return NULL;
    s->next = s->prev = NULL;
    s->on_avail = false;
    s->nblocks = (uint32_t)((LIM_STREAM_SLAB - SLAB_HDR) / bsize);
    s->nfree = s->nblocks;
    s->cls = (uint8_t)ci;
    s->free = NULL;
    blk = (uint8_t *)s + SLAB_HDR;
    /* thread the free list so the lowest block is handed out first */
    for (uint32_t i = s->nblocks; i-- > 0;) {
        void **b = (void **)(void *)(blk + (size_t)i * bsize);

        *b = s->free;
        s->free = b;
    }
    p->slab_bytes += LIM_STREAM_SLAB;
    return s;
}

void *spool_alloc(struct spool *p, size_t size, uint32_t *bsize)
{
    unsigned ci = 0;
    struct spool_class *c;
    struct spool_slab *s;
    void **b;

    while (ci < SPOOL_CLASSES && spool_sizes[ci] < size)
        ci++;
    if (ci == SPOOL_CLASSES)
        return NULL;
    c = &p->cls[ci];
    if (p->inuse + c->bsize > p->cap)
        return NULL;
    s = c->avail;
    if (!s) {
        s = slab_get(p, ci);
        if (!s)
            return NULL;
        slab_push(c, s);
    }
    b = s->free;
    s->free = *b;
    s->nfree--;
    if (!s->nfree)
        slab_unlink(c, s);
    p->inuse += c->bsize;
    *bsize = c->bsize;
    return b;
}

void spool_free(struct spool *p, void *blk)
{
    struct spool_slab *s;
    struct spool_class *c;
    void **b = blk;

    if (!blk)
        return;
    s = (struct spool_slab *)((uintptr_t)blk & ~(uintptr_t)(LIM_STREAM_SLAB - 1));
    c = &p->cls[s->cls];
    *b = s->free;
    s->free = b;
    s->nfree++;
    p->inuse -= c->bsize;
    if (s->nfree < s->nblocks) {
        if (!s->on_avail)
            slab_push(c, s);
        return;
    }
    /* the slab is empty: keep it as the class's spare, or give it back */
    if (s->on_avail)
        slab_unlink(c, s);
    if (!c->spare)
        c->spare = s;
    else
        slab_release(p, s);
}
