/*
 * decode_tcp.c - TCP header and options (RFC 9293; MSS, window scale and
 * timestamps RFC 7323; SACK RFC 2018).
 *
 *   |          Source Port          |       Destination Port        |
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   | Offset| Rsrvd |C|E|U|A|P|R|S|F|            Window             |
 *   |           Checksum            |         Urgent Pointer        |
 *   |                    Options (Offset*4 - 20 bytes)              |
 *
 * Options: kind 0 end of list, 1 no-op, otherwise kind, length (counting
 * kind and length), value.  A malformed option ends the walk with an anomaly;
 * the segment itself is still delivered (stacks differ on such segments and
 * the stream stage must see what the receiver may have accepted).
 */
#include <string.h>

#include "decode/decode_int.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8

/* Largest window-scale shift (RFC 7323 s2.3); larger values are used as 14. */
#define TCP_MAX_WSCALE 14

/* Expected length of a fixed-size option, 0 for options we do not check. */
static unsigned tcp_opt_len(uint8_t kind)
{
    switch (kind) {
    case TCPOPT_MSS:
        return 4;
    case TCPOPT_WSCALE:
        return 3;
    case TCPOPT_SACK_PERM:
        return 2;
    case TCPOPT_TS:
        return 10;
    default:
        return 0;
    }
}

/* Reads one well-formed option's value v into t. */
static void tcp_opt_store(struct tcp_info *t, uint8_t kind, struct bcur *v)
{
    uint8_t ws;

    switch (kind) {
    case TCPOPT_MSS:
        t->mss = bcur_be16(v);
        break;
    case TCPOPT_WSCALE:
        /* only meaningful on SYN segments (RFC 7323 s2.2) */
        ws = bcur_u8(v);
        if (t->flags & TCP_SYN) {
            t->wscale = ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : ws;
            t->has_wscale = true;
        }
        break;
    case TCPOPT_SACK_PERM:
        t->sack_ok = true;
        break;
    case TCPOPT_TS:
        t->has_ts = true;
        t->tsval = bcur_be32(v);
        t->tsecr = bcur_be32(v);
        break;
    default:
        break;
    }
}

static void tcp_options(struct dstate *ds, struct bcur *o, struct tcp_info *t)
{
    uint32_t seen = 0;

    while (bcur_remaining(o)) {
        uint8_t kind = bcur_u8(o);
        uint8_t len;
        unsigned want;
        struct bcur v;

        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP)
            continue;
        len = bcur_u8(o);
        if (!bcur_ok(o) || len < 2 || (size_t)(len - 2) > bcur_remaining(o)) {
            ds_anomaly(ds, STAT_ANOM_TCP_OPT_INVALID_LEN);
            return;
        }
        v = bcur_sub(o, (size_t)len - 2, NULL);
        want = tcp_opt_len(kind);
        if ((want && len != want) || (kind == TCPOPT_SACK && (len < 10 || (len - 2) % 8))) {
            ds_anomaly(ds, STAT_ANOM_TCP_OPT_INVALID_LEN);
            continue;
        }
        if (want && kind < 32) {
            if (seen & (1u << kind)) {
                ds_anomaly(ds, STAT_ANOM_TCP_OPT_DUPLICATE);
                continue;
            }
            seen |= 1u << kind;
        }
        tcp_opt_store(t, kind, &v);
    }
}

enum decode_result decode_tcp(struct dstate *ds, struct l4_in *l4)
{
    struct packet *pkt = ds->pkt;
    struct bcur c = l4->c;
    struct bcur opts;
    struct tcp_info *t = &pkt->tcp;
    uint16_t sport, dport;
    uint8_t off;
    size_t hlen;

    stats_inc(ds->st, STAT_DECODER_TCP);
    if (bcur_remaining(&c) < TCP_HDR_LEN) {
        ds_anomaly(ds, STAT_ANOM_TCP_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    memset(t, 0, sizeof(*t));
    sport = bcur_be16(&c);
    dport = bcur_be16(&c);
    t->seq = bcur_be32(&c);
    t->ack = bcur_be32(&c);
    off = bcur_u8(&c);
    t->flags = bcur_u8(&c);
    t->win = bcur_be16(&c);
    bcur_skip(&c, 2); /* checksum, verified over the whole segment */
    t->urg_ptr = bcur_be16(&c);
    hlen = (size_t)(off >> 4) * 4;
    if (hlen < TCP_HDR_LEN) {
        ds_anomaly(ds, STAT_ANOM_TCP_HLEN_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (bcur_remaining(&l4->c) < hlen) {
        ds_anomaly(ds, STAT_ANOM_TCP_INVALID_OPTLEN);
        return DECODE_INVALID;
    }
    opts = bcur_sub(&c, hlen - TCP_HDR_LEN, NULL);
    tcp_options(ds, &opts, t);

    pkt->sport = sport;
    pkt->dport = dport;
    pkt->payload = bcur_ptr(&c);
    pkt->payload_len = (uint32_t)bcur_remaining(&c);
    pkt->l4_csum = decode_csum_l4(pkt, IPPROTO_NUM_TCP, l4, true);
    pkt->flags |= PKT_HAS_L4;
    return DECODE_L4;
}
