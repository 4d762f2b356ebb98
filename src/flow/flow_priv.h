/*
 * flow_priv.h - internals shared by the flow table files: the canonical,
 * direction-independent flow key and the hash over it.
 *
 * Key layout (FLOW_KEY_WORDS 64-bit words; the "lower" endpoint is the one
 * whose (address words, port) compare smaller as integers, so both
 * directions of a connection build the same key):
 *
 *   w[0] w[1]  lower endpoint address (IPv4: 4 bytes in w[0], w[1] = 0)
 *   w[2] w[3]  higher endpoint address
 *   w[4]       lower port | higher port << 16 | vlan[0] << 32 | vlan[1] << 48
 *   w[5]       protocol | IP version << 8 | VLAN count << 16
 *
 * Ports are 0 for ICMP (all ICMP between two hosts is one flow, as in
 * Suricata; the flow remembers the first packet's type and code) and for
 * protocols without ports.  VLAN ids are the 12-bit ids of the first two
 * tags (priority bits dropped: they may differ per direction).
 */
#ifndef IMSENTRY_FLOW_PRIV_H
#define IMSENTRY_FLOW_PRIV_H

#include "imsentry/flow.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define FLOW_PROTO_ICMP 1
#define FLOW_PROTO_TCP 6
#define FLOW_PROTO_UDP 17
#define FLOW_PROTO_ICMPV6 58
#define FLOW_PROTO_SCTP 132

/* A packet's canonical key and which of its endpoints came out lower. */
struct flow_pkey {
    uint64_t w[FLOW_KEY_WORDS]; /* canonical key, layout above */
    bool src_is_lo;             /* the packet's source is the lower endpoint */
};

/* Fixed key of flow_hash_packet() (worker spreading must agree across tables). */
#define FLOW_HASH_FIXED_SEED 0x6a09e667f3bcc908ull

static inline bool flow_proto_is_icmp(uint8_t proto)
{
    return proto == FLOW_PROTO_ICMP || proto == FLOW_PROTO_ICMPV6;
}

/* Loads an address into two words (byte order irrelevant: only equality and order matter). */
static inline void flow_addr_words(const struct ip_addr *a, uint8_t version, uint64_t out[2])
{
    if (version == 4) {
        uint32_t v;
        memcpy(&v, a->a, sizeof(v));
        out[0] = v;
        out[1] = 0;
    } else {
        memcpy(out, a->a, 16);
    }
}

/*
 * Builds the canonical key of a decoded packet.  False when the packet
 * cannot belong to a flow: no IP layer, or TCP/UDP/ICMP without a usable
 * transport header.
 */
static inline bool flow_key_build(const struct packet *pkt, struct flow_pkey *k)
{
    uint8_t version = pkt->ip_version;
    uint8_t proto = pkt->ip_proto;
    bool has_l4 = (pkt->flags & PKT_HAS_L4) != 0;
    uint64_t s[2], d[2];
    uint16_t sp = 0, dp = 0;
    uint64_t vlans = 0;
    unsigned nvlan = pkt->vlan_count < PKT_MAX_VLANS ? pkt->vlan_count : PKT_MAX_VLANS;

    if (version != 4 && version != 6)
        return false;
    if (!has_l4 &&
        (proto == FLOW_PROTO_TCP || proto == FLOW_PROTO_UDP || flow_proto_is_icmp(proto)))
        return false;
    if (has_l4 && !flow_proto_is_icmp(proto)) {
        sp = pkt->sport;
        dp = pkt->dport;
    }
    flow_addr_words(&pkt->src, version, s);
    flow_addr_words(&pkt->dst, version, d);
    if (nvlan > 0)
        vlans |= (uint64_t)(pkt->vlan[0] & 0x0fffu) << 32;
    if (nvlan > 1)
        vlans |= (uint64_t)(pkt->vlan[1] & 0x0fffu) << 48;

    k->src_is_lo = s[0] < d[0] || (s[0] == d[0] && (s[1] < d[1] || (s[1] == d[1] && sp <= dp)));
    if (k->src_is_lo) {
        k->w[0] = s[0];
        k->w[1] = s[1];
        k->w[2] = d[0];
        k->w[3] = d[1];
        k->w[4] = (uint64_t)sp | (uint64_t)dp << 16 | vlans;
    } else {
        k->w[0] = d[0];
        k->w[1] = d[1];
        k->w[2] = s[0];
        k->w[3] = s[1];
        k->w[4] = (uint64_t)dp | (uint64_t)sp << 16 | vlans;
    }
    k->w[5] = (uint64_t)proto | (uint64_t)version << 8 | (uint64_t)nvlan << 16;
    return true;
}

static inline uint64_t flow_rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

/* MurmurHash3's 64-bit finaliser constants; full avalanche of one word. */
static inline uint64_t flow_fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/*
 * Keyed hash of n words: each word is whitened with a seed-derived lane key
 * (so the per-word mix differs per seed, which defeats MurmurHash3's
 * seed-independent collisions), multiplied and rotated into the state, then
 * the state is finalised.  Not cryptographic; the per-table random seed
 * keeps bucket placement unpredictable to traffic senders.
 */
static inline uint64_t flow_hash_words(const uint64_t *w, unsigned n, uint64_t seed)
{
    uint64_t h = seed ^ 0x9e3779b97f4a7c15ull;
    uint64_t lane = flow_fmix64(seed + 0x3c6ef372fe94f82bull);

    for (unsigned i = 0; i < n; i++) {
        uint64_t m = (w[i] ^ lane) * 0x87c37b91114253d5ull;
        h ^= flow_rotl64(m, 31) * 0x4cf5ad432745937full;
        h = flow_rotl64(h, 27) * 5 + 0x52dce729;
        lane = flow_rotl64(lane, 13) + 0x9e3779b97f4a7c15ull;
    }
    return flow_fmix64(h ^ n);
}

/* Folds a 64-bit hash to 32 bits. */
static inline uint32_t flow_hash_fold(uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32));
}

/* Community ID port equivalents of an ICMP type/code; true when the exchange is one-way. */
bool flow_icmp_ports(uint8_t proto, uint16_t type, uint16_t code, uint16_t *p1, uint16_t *p2);

/* True for ICMP/ICMPv6 reply types (their sender is the server). */
bool flow_icmp_is_reply(uint8_t proto, uint16_t type);

#endif
