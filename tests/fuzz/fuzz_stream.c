/*
 * fuzz_stream.c - fuzz target for the TCP reassembler (src/stream).
 *
 * The input is a script of segments for one flow (client 10.0.0.1:40000,
 * server 10.0.0.2:80) run against a context with small caps, so the
 * memcap, stream-memcap, max-segments, depth and forced-release paths are
 * reached:
 *
 *   byte 0   settings: bits 0-2 policy (mod 6), bits 3-4 checksum mode
 *            (mod 3), bit 5 depth 300 (else none), bit 6 midstream off,
 *            bit 7 async-oneside off
 *   byte 1   caps: memcap = 16 KiB << (b & 3), stream-memcap = 2 KiB << ((b >> 2) & 3),
 *            max-segments = 4 << (b >> 4)
 *   records, each 9 bytes then the payload:
 *     op     bit 0 sender (0 client, 1 server), bit 1 end the flow first,
 *            bits 2-3 checksum verdict (mod 3), bit 4 window scale option,
 *            bit 5 filled payload (len bytes of the next input byte),
 *            bit 6 patterned payload: byte = its sequence number & 0xff
 *     flags  TCP flags
 *     seq    2 bytes BE, signed offset from the sender's ISN (0x10 = ISN + 16)
 *     ack    2 bytes BE, signed offset from the receiver's ISN
 *     win    window field (byte << 4)
 *     len    payload bytes (up to 255), from the input unless filled
 *     isn    when non-zero, replaces the sender's ISN base (byte << 24 | ...)
 *   The ISNs start just below 2^32 so scripts cross the wrap.
 *
 * Checked after every packet (abort() on violation): held bytes within the
 * memcap; slab bytes within memcap plus one slab per class; per direction,
 * data bytes delivered never exceed the payload bytes its sender sent; no
 * data after EOF or DEPTH within one session; memory back to 0 after
 * stream_flow_end().  While every payload sent so far was patterned, any
 * overlap resolution yields the same bytes, so each direction's output
 * must count up by one per byte (and by the gap length across a gap):
 * this checks order and gap accounting, not just memory safety.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/bytes.h"
#include "imsentry/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct stats st;       /* counters */
    struct flow f;         /* the flow */
    uint64_t delivered[2]; /* data bytes delivered, by flow_dir */
    bool ended[2];         /* EOF or DEPTH delivered, by flow_dir */
    uint64_t sessions[2];  /* tcp.sessions when ended[dir] was set */
    bool patterned;        /* every payload sent so far was patterned */
    bool have_next[2];     /* next[dir] is known */
    uint8_t next[2];       /* byte the pattern expects next, by flow_dir */
    uint64_t next_ssn[2];  /* tcp.sessions when next[dir] was set */
};

static void fz_deliver(void *user, struct flow *f, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct fz *z = user;

    if (f != &z->f || (dir != FLOW_TOSERVER && dir != FLOW_TOCLIENT))
        abort();
    if (z->have_next[dir] && z->next_ssn[dir] != z->st.v[STAT_TCP_SESSIONS])
        z->have_next[dir] = false; /* a new session on the tuple */
    if (flags & (STREAM_DATA_EOF | STREAM_DATA_DEPTH)) {
        z->ended[dir] = true;
        z->sessions[dir] = z->st.v[STAT_TCP_SESSIONS];
        z->have_next[dir] = false;
    }
    if (flags & STREAM_DATA_GAP)
        z->next[dir] = (uint8_t)(z->next[dir] + len);
    if (flags)
        return;
    if (!data || !len)
        abort();
    /* data after the end of a direction, unless a new session reused the tuple */
    if (z->ended[dir] && z->sessions[dir] == z->st.v[STAT_TCP_SESSIONS])
        abort();
    /* touch every byte so ASan sees a stale pointer */
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++)
        sink ^= data[i];
    (void)sink;
    if (z->patterned) {
        if (!z->have_next[dir])
            z->next[dir] = data[0];
        for (size_t i = 0; i < len; i++)
            if (data[i] != (uint8_t)(z->next[dir] + i))
                abort();
        z->next[dir] = (uint8_t)(z->next[dir] + len);
        z->have_next[dir] = true;
        z->next_ssn[dir] = z->st.v[STAT_TCP_SESSIONS];
    }
    z->delivered[dir] += len;
}

static void addr4(struct ip_addr *a, uint8_t last)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    a->a[0] = 10;
    a->a[3] = last;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum overlap_policy pols[6] = {OVERLAP_FIRST, OVERLAP_LAST,    OVERLAP_BSD,
                                                OVERLAP_LINUX, OVERLAP_WINDOWS, OVERLAP_SOLARIS};
    struct stream_settings set;
    struct stream_ctx *sc;
    struct fz *z;
    struct bcur c;
    uint8_t b0, b1, fill[255], pbuf[255];
    uint32_t isn[2] = {0xffffff00u, 0xfffff000u};
    uint64_t sent[2] = {0, 0};
    uint64_t slab_cap;

    bcur_init(&c, data, size);
    b0 = bcur_u8(&c);
    b1 = bcur_u8(&c);
    if (!bcur_ok(&c))
        return 0;
    stream_settings_defaults(&set);
    set.default_policy = pols[(b0 & 7) % 6];
    set.csum_mode = (enum csum_mode)(((b0 >> 3) & 3) % 3);
    set.depth = (b0 & 0x20) ? 300 : 0;
    set.midstream = !(b0 & 0x40);
    set.async_oneside = !(b0 & 0x80);
    set.memcap = (16u * 1024) << (b1 & 3);
    set.stream_memcap = (2u * 1024) << ((b1 >> 2) & 3);
    set.max_segments = 4u << (b1 >> 4);
    slab_cap = set.memcap + 5u * 32 * 1024;

    z = calloc(1, sizeof(*z));
    if (!z)
        return 0;
    addr4(&z->f.cli_ip, 1);
    addr4(&z->f.srv_ip, 2);
    z->f.cli_port = 40000;
    z->f.srv_port = 80;
    z->f.proto = 6;
    z->patterned = true;
    sc = stream_ctx_new(&set, &z->st, fz_deliver, z);
    if (!sc)
        goto out;

    while (bcur_remaining(&c) >= 9) {
        struct packet p;
        uint8_t op = bcur_u8(&c), flags = bcur_u8(&c);
        int16_t seq = (int16_t)bcur_be16(&c), ack = (int16_t)bcur_be16(&c);
        uint8_t win = bcur_u8(&c), len = bcur_u8(&c), isnb = bcur_u8(&c);
        int side = op & 1;
        const uint8_t *payload = NULL;

        if (isnb)
            isn[side] = ((uint32_t)isnb << 24) | 0xfff000u;
        if (op & 0x40) {
            uint32_t first = isn[side] + (uint32_t)(int32_t)seq + ((flags & 0x02) ? 1 : 0);

            for (unsigned i = 0; i < len; i++)
                pbuf[i] = (uint8_t)(first + i);
            payload = pbuf;
        } else if (op & 0x20) {
            uint8_t v = bcur_u8(&c);

            memset(fill, v, len);
            payload = fill;
        } else if (len) {
            payload = bcur_ptr(&c);
            if (!bcur_skip(&c, len))
                break;
        }
        if (len && !(op & 0x40))
            z->patterned = false;
        if (op & 2) {
            stream_flow_end(sc, &z->f);
            if (stream_memuse(sc) != 0 || z->f.stream)
                abort();
        }
        memset(&p, 0, sizeof(p));
        p.ip_version = 4;
        p.ip_proto = 6;
        p.flags = PKT_HAS_L4;
        addr4(&p.src, side ? 2 : 1);
        addr4(&p.dst, side ? 1 : 2);
        p.sport = side ? 80 : 40000;
        p.dport = side ? 40000 : 80;
        p.tcp.seq = isn[side] + (uint32_t)(int32_t)seq;
        p.tcp.ack = isn[!side] + (uint32_t)(int32_t)ack;
        p.tcp.flags = flags;
        p.tcp.win = (uint16_t)(win << 4);
        p.tcp.has_wscale = op & 0x10;
        p.tcp.wscale = (uint8_t)(win & 15);
        p.l4_csum = (enum csum_state)(((op >> 2) & 3) % 3);
        p.payload = payload;
        p.payload_len = len;
        stream_packet(sc, &z->f, side ? FLOW_TOCLIENT : FLOW_TOSERVER, &p);
        sent[side] += len;
        if (stream_memuse(sc) > set.memcap || z->st.v[STAT_TCP_MEMUSE] > slab_cap)
            abort();
        /* the client is side 0 and the flow never swaps: TOSERVER is side 0's data */
        if (z->delivered[FLOW_TOSERVER] > sent[0] || z->delivered[FLOW_TOCLIENT] > sent[1])
            abort();
    }
    stream_flow_end(sc, &z->f);
    if (stream_memuse(sc) != 0 || z->f.stream)
        abort();
    if (z->delivered[FLOW_TOSERVER] > sent[0] || z->delivered[FLOW_TOCLIENT] > sent[1])
        abort();
    stream_ctx_free(sc);
out:
    free(z);
    return 0;
}
