/*
 * flow_id.c - flow identifiers: the 51-bit flow_id written on every EVE
 * event, the direction-independent packet hash for spreading packets over
 * workers, and the Community ID v1 string
 * (https://github.com/corelight/community-id-spec, seed 0).
 *
 * Community ID v1 hash input (all big-endian, 32-bit aligned):
 *
 *   0      2                  2+L                2+2L  +1   +2      +4      +6
 *   +------+------------------+------------------+-----+----+-------+-------+
 *   | seed | lower address    | higher address   |proto| 0  | lower | higher|
 *   | (0)  | (L = 4 or 16)    | (L = 4 or 16)    |     |pad | port  | port  |
 *   +------+------------------+------------------+-----+----+-------+-------+
 *                                            ports only for TCP/UDP/SCTP/ICMP
 *
 * The digest is SHA-1 (nettle), written as "1:" + base64 (RFC 4648).
 * ICMP/ICMPv6 type and code become ports through the spec's tables (taken
 * from Zeek): request/reply types map to (type, counterpart type) and are
 * ordered like ports; any other type is one-way, (type, code), unordered.
 */
#include "flow_priv.h"

#include <nettle/sha1.h>
#include <string.h>

/* Mask of a flow_id: 51 bits, the integer precision of a JavaScript number. */
#define FLOW_ID_MASK ((UINT64_C(1) << 51) - 1)
/* Fixed key of the flow_id hash: ids must not change from one run to the next. */
#define FLOW_ID_SEED 0xbb67ae8584caa73bull

uint64_t flow_id_make(const uint64_t key[FLOW_KEY_WORDS], int64_t start_us, uint64_t counter)
{
    uint64_t w[FLOW_KEY_WORDS + 2];
    uint64_t id;

    memcpy(w, key, FLOW_KEY_WORDS * sizeof(w[0]));
    w[FLOW_KEY_WORDS] = (uint64_t)start_us;
    w[FLOW_KEY_WORDS + 1] = counter;
    id = flow_hash_words(w, FLOW_KEY_WORDS + 2, FLOW_ID_SEED) & FLOW_ID_MASK;
    return id ? id : 1;
}

uint32_t flow_hash_packet(const struct packet *pkt)
{
    struct flow_pkey k;

    if (!flow_key_build(pkt, &k))
        return 0;
    return flow_hash_fold(flow_hash_words(k.w, FLOW_KEY_WORDS, FLOW_HASH_FIXED_SEED));
}

/* One request/reply pair of ICMP types. */
struct icmp_pair {
    uint8_t req;   /* request type (its sender is the client) */
    uint8_t reply; /* reply type */
};

/* ICMPv4 two-way exchanges (echo, timestamp, information, router, mask). */
static const struct icmp_pair icmp4_pairs[] = {
    {8, 0}, {13, 14}, {15, 16}, {10, 9}, {17, 18},
};

/* ICMPv6 two-way exchanges (echo, MLD, router, neighbour, node information, HAAD). */
static const struct icmp_pair icmp6_pairs[] = {
    {128, 129}, {130, 131}, {133, 134}, {135, 136}, {139, 140}, {144, 145},
};

/* Counterpart of type in proto's table; false when the type is one-way. */
static bool icmp_counterpart(uint8_t proto, uint16_t type, uint16_t *counter, bool *is_reply)
{
    const struct icmp_pair *t = proto == FLOW_PROTO_ICMP ? icmp4_pairs : icmp6_pairs;
    size_t n = proto == FLOW_PROTO_ICMP ? sizeof(icmp4_pairs) / sizeof(icmp4_pairs[0])
                                        : sizeof(icmp6_pairs) / sizeof(icmp6_pairs[0]);

    for (size_t i = 0; i < n; i++) {
        if (t[i].req == type) {
            *counter = t[i].reply;
            *is_reply = false;
            return true;
        }
        if (t[i].reply == type) {
            *counter = t[i].req;
            *is_reply = true;
            return true;
        }
    }
    return false;
}

bool flow_icmp_ports(uint8_t proto, uint16_t type, uint16_t code, uint16_t *p1, uint16_t *p2)
{
    uint16_t counter;
    bool is_reply;

    *p1 = type;
    if (icmp_counterpart(proto, type, &counter, &is_reply)) {
        *p2 = counter;
        return false;
    }
    *p2 = code;
    return true;
}

bool flow_icmp_is_reply(uint8_t proto, uint16_t type)
{
    uint16_t counter;
    bool is_reply = false;

    return icmp_counterpart(proto, type, &counter, &is_reply) && is_reply;
}

/* RFC 4648 base64 with padding; out must hold 4 * ceil(n / 3) + 1 bytes. */
static void base64_encode(const uint8_t *in, size_t n, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        size_t left = n - i;

        if (left > 1)
            v |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            v |= in[i + 2];
        out[o++] = alphabet[(v >> 18) & 0x3f];
        out[o++] = alphabet[(v >> 12) & 0x3f];
        out[o++] = left > 1 ? alphabet[(v >> 6) & 0x3f] : '=';
        out[o++] = left > 2 ? alphabet[v & 0x3f] : '=';
    }
    out[o] = '\0';
}

/* True when (x, xp) sorts strictly before (y, yp): address bytes, then port. */
static bool endpoint_lt(const uint8_t *x, uint16_t xp, const uint8_t *y, uint16_t yp, size_t alen)
{
    int c = memcmp(x, y, alen);

    return c < 0 || (c == 0 && xp < yp);
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void community_id_v1(uint8_t proto, const struct ip_addr *a, uint16_t ap, const struct ip_addr *b,
                     uint16_t bp, char *out, unsigned outlen)
{
    /* seed(2) + 2 * 16-byte addresses + proto + pad + 2 ports */
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    uint8_t digest[SHA1_DIGEST_SIZE];
    char b64[4 * ((SHA1_DIGEST_SIZE + 2) / 3) + 1];
    struct sha1_ctx ctx;
    size_t alen, len = 0;
    bool ports = true, one_way = false;
    const uint8_t *lo, *hi;
    uint16_t lop, hip;

    if (!out || outlen == 0)
        return;
    out[0] = '\0';
    if (a->family != b->family || (a->family != 4 && a->family != 6))
        return;
    alen = a->family == 4 ? 4 : 16;

    if (flow_proto_is_icmp(proto))
        one_way = flow_icmp_ports(proto, ap, bp, &ap, &bp);
    else if (proto != FLOW_PROTO_TCP && proto != FLOW_PROTO_UDP && proto != FLOW_PROTO_SCTP)
        ports = false;
    if (!ports)
        ap = bp = 0;

    if (one_way || endpoint_lt(a->a, ap, b->a, bp, alen)) {
        lo = a->a, lop = ap, hi = b->a, hip = bp;
    } else {
        lo = b->a, lop = bp, hi = a->a, hip = ap;
    }

    put_be16(buf, 0); /* seed */
    len = 2;
    memcpy(buf + len, lo, alen);
    len += alen;
    memcpy(buf + len, hi, alen);
    len += alen;
    buf[len++] = proto;
    buf[len++] = 0;
    if (ports) {
        put_be16(buf + len, lop);
        put_be16(buf + len + 2, hip);
        len += 4;
    }

    sha1_init(&ctx);
    sha1_update(&ctx, len, buf);
    sha1_digest(&ctx, SHA1_DIGEST_SIZE, digest);
    base64_encode(digest, sizeof(digest), b64);
    if (outlen < 2 + strlen(b64) + 1)
        return;
    out[0] = '1';
    out[1] = ':';
    memcpy(out + 2, b64, strlen(b64) + 1);
}
