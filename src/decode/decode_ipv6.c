/*
 * decode_ipv6.c - IPv6 header and extension-header chain (RFC 8200).
 *
 *   +-------+---------------+---------------------------------------+
 *   |Version| Traffic Class |              Flow Label               |
 *   |       Payload Length          |  Next Header  |   Hop Limit   |
 *   |                  Source Address (128 bits)                    |
 *   |               Destination Address (128 bits)                  |
 *   +---------------------------------------------------------------+
 *
 * Extension headers walked (at most LIM_IPV6_EXT_HDRS): hop-by-hop options
 * (0), routing (43), destination options (60): next header, length in
 * 8-octet units not counting the first 8; fragment (44): 8 bytes, handed to
 * the defragmenter; authentication header (51, RFC 4302): length in 4-octet
 * units minus 2.  No next header (59) and ESP (50) end the walk.
 */
#include <string.h>

#include "decode/decode_int.h"

#define IPV6_FRAG_HDR_LEN 8
#define IPV6_FRAG_OFFMASK 0xfff8
#define IPV6_FRAG_MF 0x0001

/* Extension headers already seen in this chain (duplicate checks). */
struct ext_seen {
    bool hop;     /* hop-by-hop options */
    bool route;   /* routing header */
    bool frag;    /* fragment header */
    bool ah;      /* authentication header */
    unsigned dst; /* destination options (two are legal: before and after routing) */
};

/* Walks hop-by-hop / destination options (TLVs after the 2-byte header); false when malformed. */
static bool ipv6_options(struct dstate *ds, struct bcur *e)
{
    bcur_skip(e, 2);
    while (bcur_remaining(e)) {
        uint8_t type = bcur_u8(e);
        uint8_t len;

        if (type == 0) /* Pad1 */
            continue;
        len = bcur_u8(e);
        if (!bcur_ok(e) || !bcur_skip(e, len)) {
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_INVALID_OPTLEN);
            return false;
        }
    }
    return true;
}

/* A fragment: to the defragmenter, and a completed datagram back through the decoder. */
static enum decode_result ipv6_fragment(struct dstate *ds, const uint8_t *ip, size_t len,
                                        size_t frag_off)
{
    struct packet *pkt = ds->pkt;
    uint8_t anomalies = pkt->n_anomalies;
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct bcur r;
    int rc;

    /* the defragmenter's buffer holds the datagram being decoded: only one per packet */
    if (ds->reassembled)
        return DECODE_FRAGMENT;
    rc = defrag_ipv6(ds->dc->df, pkt, ip, len, frag_off, frag_off, &out, &out_len);
    if (rc == 1 && out) {
        ds->reassembled = true;
        pkt->flags |= PKT_DEFRAG;
        pkt->flags &= ~(uint32_t)PKT_TRUNCATED;
        /* flows count the rebuilt datagram behind the last fragment's outer headers, as
         * Suricata counts its reassembled packet; ip lies inside pkt->data (one
         * reassembly per packet) */
        pkt->wirelen = (uint32_t)((size_t)(ip - pkt->data) + out_len);
        bcur_init(&r, out, out_len);
        return decode_ipv6(ds, &r);
    }
    if (rc < 0 && pkt->n_anomalies != anomalies)
        return DECODE_INVALID;
    return DECODE_FRAGMENT;
}

static bool is_ext_header(uint8_t nh)
{
    return nh == IPPROTO_NUM_HOPOPTS || nh == IPPROTO_NUM_ROUTING || nh == IPPROTO_NUM_DSTOPTS ||
           nh == IPPROTO_NUM_FRAGMENT || nh == IPPROTO_NUM_AH;
}

/* Checks one extension header e (whole header); false (anomaly raised) when fatal. */
static bool ipv6_ext_check(struct dstate *ds, uint8_t nh, struct bcur *e, struct ext_seen *seen)
{
    switch (nh) {
    case IPPROTO_NUM_HOPOPTS:
        if (seen->hop)
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_DUPL_HH);
        seen->hop = true;
        return ipv6_options(ds, e);
    case IPPROTO_NUM_DSTOPTS:
        if (++seen->dst == 3)
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_DUPL_DH);
        return ipv6_options(ds, e);
    case IPPROTO_NUM_ROUTING:
        if (seen->route)
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_DUPL_RH);
        seen->route = true;
        if (bcur_peek_u8(e, 2) == 0) /* type 0, deprecated by RFC 5095 */
            ds_anomaly(ds, STAT_ANOM_IPV6_RH_TYPE_0);
        return true;
    case IPPROTO_NUM_AH:
        if (seen->ah)
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_DUPL_AH);
        seen->ah = true;
        return true;
    default:
        return true;
    }
}

/* Length of the extension header at the cursor, or 0 when its fixed part is cut. */
static size_t ipv6_ext_len(uint8_t nh, struct bcur *b)
{
    uint8_t hl = bcur_peek_u8(b, 1);

    if (!bcur_ok(b))
        return 0;
    if (nh == IPPROTO_NUM_FRAGMENT)
        return IPV6_FRAG_HDR_LEN;
    if (nh == IPPROTO_NUM_AH)
        return ((size_t)hl + 2) * 4;
    return ((size_t)hl + 1) * 8;
}

/*
 * Walks the chain in b (the payload as declared by the IPv6 header and cut to
 * what was captured) from next header nh, then hands the rest to L4.
 */
static enum decode_result ipv6_chain(struct dstate *ds, const uint8_t *ip, uint8_t nh,
                                     struct bcur *b, uint32_t plen, bool truncated)
{
    struct ext_seen seen = {0};
    struct l4_in l4;
    unsigned n;

    for (n = 0; is_ext_header(nh); n++) {
        size_t start = b->off;
        size_t len;
        uint8_t next;
        struct bcur e;

        if (n >= LIM_IPV6_EXT_HDRS) {
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_TOO_MANY);
            return DECODE_INVALID;
        }
        len = ipv6_ext_len(nh, b);
        if (!len || !bcur_has(b, len)) {
            ds_anomaly(ds, STAT_ANOM_IPV6_TRUNC_EXTHDR);
            return DECODE_INVALID;
        }
        e = bcur_sub(b, len, NULL);
        next = bcur_peek_u8(&e, 0);
        if (!ipv6_ext_check(ds, nh, &e, &seen))
            return DECODE_INVALID;
        if (nh == IPPROTO_NUM_FRAGMENT) {
            uint16_t offlg = bcur_peek_be16(&e, 2);

            if (seen.frag) {
                ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_DUPL_FH);
                return DECODE_INVALID;
            }
            seen.frag = true;
            if ((offlg & IPV6_FRAG_OFFMASK) || (offlg & IPV6_FRAG_MF)) {
                ds->pkt->ip_proto = next;
                return ipv6_fragment(ds, ip, IPV6_HDR_LEN + b->len, IPV6_HDR_LEN + start);
            }
            /* an atomic fragment (RFC 6946): offset 0, no more fragments */
            ds_anomaly(ds, STAT_ANOM_IPV6_EXTHDR_USELESS_FH);
        }
        nh = next;
    }
    ds->pkt->ip_proto = nh;
    l4.c = bcur_rest(b);
    l4.len = plen - (uint32_t)b->off;
    l4.truncated = truncated;
    return decode_l4(ds, nh, &l4);
}

enum decode_result decode_ipv6(struct dstate *ds, struct bcur *c)
{
    struct packet *pkt = ds->pkt;
    const uint8_t *ip = bcur_ptr(c);
    size_t avail = bcur_remaining(c);
    struct bcur body;
    uint32_t vtf;
    uint16_t plen;
    uint8_t nh, hlim;
    bool truncated;

    stats_inc(ds->st, STAT_DECODER_IPV6);
    if (avail < IPV6_HDR_LEN) {
        ds_anomaly(ds, STAT_ANOM_IPV6_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    vtf = bcur_be32(c);
    plen = bcur_be16(c);
    nh = bcur_u8(c);
    hlim = bcur_u8(c);
    if ((vtf >> 28) != 6) {
        ds_anomaly(ds, STAT_ANOM_IPV6_WRONG_IP_VERSION);
        return DECODE_INVALID;
    }
    decode_set_ip(ds, 6, hlim, (uint32_t)IPV6_HDR_LEN + plen);
    pkt->ip_proto = nh;
    pkt->src.family = 6;
    pkt->dst.family = 6;
    bcur_copy(c, pkt->src.a, 16);
    bcur_copy(c, pkt->dst.a, 16);
    pkt->l3_csum = CSUM_UNKNOWN;
    body = bcur_sub(c, plen, &truncated);
    if (truncated) {
        pkt->flags |= PKT_TRUNCATED;
        ds_anomaly(ds, STAT_ANOM_IPV6_TRUNC_PKT);
    }
    return ipv6_chain(ds, ip, nh, &body, plen, truncated);
}
