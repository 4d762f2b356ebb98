/*
 * decode_ipv4.c - IPv4 header (RFC 791): validation, options walk, header
 * checksum verdict (RFC 1071), truncation, fragments to the defragmenter.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The fields of struct packet describe the IP packet decoded last, so an
 * inner (tunnelled) header overwrites the outer one.
 */
#include <string.h>

#include "decode/decode_int.h"

#define IPV4_MF 0x2000
#define IPV4_OFFMASK 0x1fff

/* Option types (IANA "IP Option Numbers"). */
#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_RR 7
#define IPOPT_TS 68
#define IPOPT_SEC 130
#define IPOPT_LSRR 131
#define IPOPT_CIPSO 134
#define IPOPT_SID 136
#define IPOPT_SSRR 137
#define IPOPT_RTRALT 148

void decode_set_ip(struct dstate *ds, uint8_t version, uint8_t ttl, uint32_t ip_len)
{
    struct packet *pkt = ds->pkt;

    pkt->ip_version = version;
    pkt->ttl = ttl;
    pkt->ip_len = ip_len;
    /* an outer UDP header (VXLAN) no longer describes the packet */
    pkt->flags &= ~(uint32_t)PKT_HAS_L4;
    pkt->sport = 0;
    pkt->dport = 0;
    pkt->l4_csum = CSUM_UNKNOWN;
    memset(&pkt->tcp, 0, sizeof(pkt->tcp));
    pkt->payload = NULL;
    pkt->payload_len = 0;
    /* truncation describes this (innermost so far) datagram; the caller sets it again */
    pkt->flags &= ~(uint32_t)PKT_TRUNCATED;
    if (ds->tunnel)
        pkt->flags |= PKT_TUNNELED;
}

/* Bit for the duplicate check of the options that may appear once. */
static uint32_t opt_bit(uint8_t type)
{
    switch (type) {
    case IPOPT_RR:
        return 1u << 0;
    case IPOPT_TS:
        return 1u << 1;
    case IPOPT_SEC:
        return 1u << 2;
    case IPOPT_LSRR:
        return 1u << 3;
    case IPOPT_CIPSO:
        return 1u << 4;
    case IPOPT_SID:
        return 1u << 5;
    case IPOPT_SSRR:
        return 1u << 6;
    case IPOPT_RTRALT:
        return 1u << 7;
    default:
        return 0;
    }
}

/* Checks one option's length and pointer; the anomaly to raise, or STAT__COUNT when fine. */
static enum stat_id opt_check(uint8_t type, uint8_t len, struct bcur *v)
{
    uint8_t ptr = bcur_peek_u8(v, 0);

    switch (type) {
    case IPOPT_RR:
    case IPOPT_LSRR:
    case IPOPT_SSRR:
        /* route data: pointer then 4-byte addresses; pointer starts at 4 */
        if (len < 3 || (len - 3) % 4 != 0)
            return STAT_ANOM_IPV4_OPT_INVALID_LEN;
        if (ptr < 4)
            return STAT_ANOM_IPV4_OPT_MALFORMED;
        return STAT__COUNT;
    case IPOPT_TS:
        if (len < 4)
            return STAT_ANOM_IPV4_OPT_INVALID_LEN;
        if (ptr < 5)
            return STAT_ANOM_IPV4_OPT_MALFORMED;
        return STAT__COUNT;
    case IPOPT_SEC:
        return len == 11 ? STAT__COUNT : STAT_ANOM_IPV4_OPT_INVALID_LEN;
    case IPOPT_SID:
    case IPOPT_RTRALT:
        return len == 4 ? STAT__COUNT : STAT_ANOM_IPV4_OPT_INVALID_LEN;
    case IPOPT_CIPSO:
        return len >= 6 ? STAT__COUNT : STAT_ANOM_IPV4_OPT_INVALID_LEN;
    default:
        return STAT__COUNT;
    }
}

/*
 * Walks the options area; false when it is malformed (the packet is then not
 * decoded further: hosts drop such datagrams).  Unknown and duplicate options
 * are only reported.
 */
static bool ipv4_options(struct dstate *ds, struct bcur *o)
{
    uint32_t seen = 0;

    while (bcur_remaining(o)) {
        uint8_t type = bcur_u8(o);
        uint8_t len;
        struct bcur v;
        enum stat_id bad;

        if (type == IPOPT_EOL)
            break;
        if (type == IPOPT_NOP)
            continue;
        if (!bcur_has(o, 1)) {
            ds_anomaly(ds, STAT_ANOM_IPV4_OPT_INVALID);
            return false;
        }
        len = bcur_u8(o);
        if (len < 2 || (size_t)(len - 2) > bcur_remaining(o)) {
            ds_anomaly(ds, STAT_ANOM_IPV4_OPT_INVALID_LEN);
            return false;
        }
        v = bcur_sub(o, (size_t)len - 2, NULL);
        bad = opt_check(type, len, &v);
        if (bad != STAT__COUNT) {
            ds_anomaly(ds, bad);
            return false;
        }
        if (!opt_bit(type) && type != IPOPT_NOP)
            ds_anomaly(ds, STAT_ANOM_IPV4_OPT_UNKNOWN);
        else if (seen & opt_bit(type))
            ds_anomaly(ds, STAT_ANOM_IPV4_OPT_DUPLICATE);
        seen |= opt_bit(type);
    }
    return true;
}

/* A fragment: to the defragmenter, and a completed datagram back through the decoder. */
static enum decode_result ipv4_fragment(struct dstate *ds, const uint8_t *ip, size_t len)
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
    rc = defrag_ipv4(ds->dc->df, pkt, ip, len, &out, &out_len);
    if (rc == 1 && out) {
        ds->reassembled = true;
        pkt->flags |= PKT_DEFRAG;
        pkt->flags &= ~(uint32_t)PKT_TRUNCATED;
        /* flows count the rebuilt datagram behind the last fragment's outer headers, as
         * Suricata counts its reassembled packet; ip lies inside pkt->data (one
         * reassembly per packet) */
        pkt->wirelen = (uint32_t)((size_t)(ip - pkt->data) + out_len);
        bcur_init(&r, out, out_len);
        return decode_ipv4(ds, &r);
    }
    if (rc < 0 && pkt->n_anomalies != anomalies)
        return DECODE_INVALID;
    return DECODE_FRAGMENT;
}

enum decode_result decode_ipv4(struct dstate *ds, struct bcur *c)
{
    struct packet *pkt = ds->pkt;
    const uint8_t *ip = bcur_ptr(c);
    size_t avail = bcur_remaining(c);
    struct bcur h, opts, hc;
    struct l4_in l4;
    uint8_t vhl, ttl, proto;
    uint16_t total, frag;
    size_t hlen;

    /* a reassembled datagram counts again, as Suricata counts its rebuilt packet */
    stats_inc(ds->st, STAT_DECODER_IPV4);
    if (avail < IPV4_HDR_LEN) {
        ds_anomaly(ds, STAT_ANOM_IPV4_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    h = bcur_rest(c);
    vhl = bcur_u8(&h);
    bcur_skip(&h, 1); /* TOS */
    total = bcur_be16(&h);
    bcur_skip(&h, 2); /* identification */
    frag = bcur_be16(&h);
    ttl = bcur_u8(&h);
    proto = bcur_u8(&h);
    bcur_skip(&h, 2); /* header checksum, verified over the whole header below */
    if ((vhl >> 4) != 4) {
        ds_anomaly(ds, STAT_ANOM_IPV4_WRONG_IP_VERSION);
        return DECODE_INVALID;
    }
    hlen = (size_t)(vhl & 0x0f) * 4;
    if (hlen < IPV4_HDR_LEN) {
        ds_anomaly(ds, STAT_ANOM_IPV4_HLEN_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (total < hlen) {
        ds_anomaly(ds, STAT_ANOM_IPV4_IPLEN_SMALLER_THAN_HLEN);
        return DECODE_INVALID;
    }
    if (avail < hlen) {
        ds_anomaly(ds, STAT_ANOM_IPV4_TRUNC_PKT);
        return DECODE_INVALID;
    }
    bcur_init(&opts, ip, hlen);
    bcur_skip(&opts, IPV4_HDR_LEN);
    if (!ipv4_options(ds, &opts))
        return DECODE_INVALID;

    decode_set_ip(ds, 4, ttl, total);
    pkt->ip_proto = proto;
    pkt->src.family = 4;
    pkt->dst.family = 4;
    memset(pkt->src.a, 0, sizeof(pkt->src.a));
    memset(pkt->dst.a, 0, sizeof(pkt->dst.a));
    bcur_copy(&h, pkt->src.a, 4);
    bcur_copy(&h, pkt->dst.a, 4);
    bcur_init(&hc, ip, hlen);
    pkt->l3_csum = decode_csum_fold(decode_csum_add(0, hc)) == 0xffff ? CSUM_OK : CSUM_BAD;
    if (avail < total) {
        pkt->flags |= PKT_TRUNCATED;
        ds_anomaly(ds, STAT_ANOM_IPV4_TRUNC_PKT);
    }

    if ((frag & IPV4_MF) || (frag & IPV4_OFFMASK))
        return ipv4_fragment(ds, ip, avail < total ? avail : total);

    bcur_skip(c, hlen);
    l4.c = bcur_sub(c, (size_t)total - hlen, &l4.truncated);
    l4.len = (uint32_t)total - (uint32_t)hlen;
    return decode_l4(ds, proto, &l4);
}
