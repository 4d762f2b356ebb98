/*
 * decode_encap.c - encapsulations between the link layer and the innermost
 * IP packet.  Each header entered counts against LIM_DECAP_DEPTH.
 *
 * 802.1Q / 802.1ad VLAN tag (IEEE 802.1Q), after TPID 0x8100/0x88a8/0x9100:
 *   | PCP(3) DEI(1) VID(12) | EtherType (16) |
 * MPLS label stack entry (RFC 3032), EtherType 0x8847/0x8848:
 *   | label (20) | TC (3) | S (1) | TTL (8) |
 *   after the bottom (S) entry: IPv4 (first nibble 4), IPv6 (6), or a
 *   pseudowire control word (first nibble 0, RFC 4385, 4 bytes) + Ethernet.
 * PPPoE session (RFC 2516), EtherType 0x8864:
 *   | ver(4)=1 type(4)=1 | code (8) = 0 | session id (16) | length (16) | PPP protocol (16)
 * GRE (RFC 2784, key/sequence RFC 2890, routing RFC 1701):
 *   | C R K S s Recur(3) A Flags(4) Ver(3) | Protocol type (16) |
 *   [checksum(16) offset(16)] [key (32)] [sequence (32)] [SREs...]
 *   Version 1 is PPTP's enhanced GRE (RFC 2637): key = payload length + call
 *   id, optional sequence and acknowledgement, PPP inside.
 * ERSPAN type II (GRE 0x88be with S set), 8 bytes, then Ethernet:
 *   | Ver(4)=1 VLAN(12) | COS(3) En(2) T(1) Session(10) | Reserved(12) Index(20) |
 *   Type I (0x88be without a sequence number) has no header at all.
 * ERSPAN type III (GRE 0x22eb), 12 bytes (+8 platform subheader when O):
 *   | Ver(4)=2 VLAN(12) | COS BSO T Session (16) | timestamp (32) |
 *   | SGT (16) | P(1) FT(5) HW ID(6) D(1) Gra(2) O(1) |
 * VXLAN (RFC 7348), UDP port 4789, 8 bytes, then Ethernet:
 *   | flags (8), I = 0x08 | reserved (24) | VNI (24) | reserved (8) |
 * IP-in-IP (RFC 2003, protocol 4) and IPv6 in IP (RFC 4213 / 2473, 41).
 */
#include "decode/decode_int.h"

#define MPLS_LABEL_IPV4_NULL 0
#define MPLS_LABEL_ROUTER_ALERT 1
#define MPLS_LABEL_IPV6_NULL 2
#define MPLS_LABEL_IMPLICIT_NULL 3
#define MPLS_LABEL_MAX_RESERVED 15

#define PPPOE_HDR_LEN 6
#define PPP_PROTO_IPV4 0x0021
#define PPP_PROTO_IPV6 0x0057

/* GRE flag bits (first 16-bit word). */
#define GRE_F_CSUM 0x8000
#define GRE_F_ROUTE 0x4000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define GRE_F_SSR 0x0800
#define GRE_F_RECUR 0x0700
#define GRE_F_ACK 0x0080    /* version 1 only */
#define GRE_V0_FLAGS 0x00f8 /* reserved in version 0 */
#define GRE_V1_FLAGS 0x0078 /* reserved in version 1 */
#define GRE_VERSION 0x0007

#define ERSPAN2_HDR_LEN 8
#define ERSPAN3_HDR_LEN 12
#define ERSPAN3_SUBHDR_LEN 8
#define VXLAN_HDR_LEN 8
#define VXLAN_FLAG_I 0x08

enum decode_result decode_vlan(struct dstate *ds, struct bcur *c)
{
    struct packet *pkt = ds->pkt;
    uint16_t tci, type;

    if (pkt->vlan_count == 0)
        stats_inc(ds->st, STAT_DECODER_VLAN);
    else if (pkt->vlan_count == 1)
        stats_inc(ds->st, STAT_DECODER_VLAN_QINQ);
    else
        stats_inc(ds->st, STAT_DECODER_VLAN_QINQINQ);
    if (pkt->vlan_count >= LIM_VLAN_LAYERS) {
        ds_anomaly(ds, STAT_ANOM_VLAN_TOO_MANY_LAYERS);
        return DECODE_INVALID;
    }
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    tci = bcur_be16(c);
    type = bcur_be16(c);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_VLAN_HEADER_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (pkt->vlan_count < PKT_MAX_VLANS)
        pkt->vlan[pkt->vlan_count] = tci & 0x0fff;
    pkt->vlan_count++;
    return decode_ethertype(ds, type, c);
}

/* Raises Suricata's events for labels that must not appear where they are (RFC 3032). */
static void mpls_check_label(struct dstate *ds, uint32_t label, unsigned idx)
{
    if (label == MPLS_LABEL_ROUTER_ALERT && idx > 0)
        ds_anomaly(ds, STAT_ANOM_MPLS_BAD_LABEL_ROUTER_ALERT);
    else if (label == MPLS_LABEL_IMPLICIT_NULL)
        ds_anomaly(ds, STAT_ANOM_MPLS_BAD_LABEL_IMPLICIT_NULL);
    else if (label > MPLS_LABEL_IPV6_NULL && label <= MPLS_LABEL_MAX_RESERVED &&
             label != MPLS_LABEL_IMPLICIT_NULL)
        ds_anomaly(ds, STAT_ANOM_MPLS_BAD_LABEL_RESERVED);
}

enum decode_result decode_mpls(struct dstate *ds, struct bcur *c)
{
    uint32_t entry = 0, label = 0;
    unsigned n;
    uint8_t first;

    stats_inc(ds->st, STAT_DECODER_MPLS);
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    for (n = 0;; n++) {
        if (n >= LIM_MPLS_LABELS) {
            ds_anomaly(ds, STAT_ANOM_MPLS_TOO_MANY_LABELS);
            return DECODE_INVALID;
        }
        entry = bcur_be32(c);
        if (!bcur_ok(c)) {
            ds_anomaly(ds, STAT_ANOM_MPLS_HEADER_TOO_SMALL);
            return DECODE_INVALID;
        }
        label = entry >> 12;
        mpls_check_label(ds, label, n);
        if (entry & 0x100) /* bottom of stack */
            break;
    }
    if (label == MPLS_LABEL_IPV4_NULL)
        return decode_ipv4(ds, c);
    if (label == MPLS_LABEL_IPV6_NULL)
        return decode_ipv6(ds, c);
    first = bcur_peek_u8(c, 0);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_MPLS_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    switch (first >> 4) {
    case 4:
        return decode_ipv4(ds, c);
    case 6:
        return decode_ipv6(ds, c);
    case 0:
        /* Ethernet pseudowire with its control word (RFC 4448 / RFC 4385) */
        if (!bcur_skip(c, 4)) {
            ds_anomaly(ds, STAT_ANOM_MPLS_PKT_TOO_SMALL);
            return DECODE_INVALID;
        }
        return decode_ethernet(ds, c);
    default:
        ds_anomaly(ds, STAT_ANOM_MPLS_UNKNOWN_PAYLOAD_TYPE);
        return DECODE_INVALID;
    }
}

/* The IP-carrying PPP protocols; anything else (LCP, IPCP, CCP ...) is not IP. */
static enum decode_result ppp_dispatch(struct dstate *ds, uint16_t proto, struct bcur *c)
{
    switch (proto) {
    case PPP_PROTO_IPV4:
        return decode_ipv4(ds, c);
    case PPP_PROTO_IPV6:
        return decode_ipv6(ds, c);
    default:
        return DECODE_NOT_IP;
    }
}

/* The PPP protocol field: one byte when compressed (RFC 1661 s6.5: odd first byte), else two. */
static uint16_t ppp_proto(struct bcur *c)
{
    if (bcur_peek_u8(c, 0) & 0x01)
        return bcur_u8(c);
    return bcur_be16(c);
}

enum decode_result decode_pppoe(struct dstate *ds, struct bcur *c)
{
    uint8_t vt, code;
    uint16_t len, proto;

    stats_inc(ds->st, STAT_DECODER_PPPOE);
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    vt = bcur_u8(c);
    code = bcur_u8(c);
    bcur_skip(c, 2); /* session id */
    len = bcur_be16(c);
    if (!bcur_ok(c) || vt != 0x11) {
        ds_anomaly(ds, STAT_ANOM_PPPOE_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    if (code != 0) {
        ds_anomaly(ds, STAT_ANOM_PPPOE_WRONG_CODE);
        return DECODE_INVALID;
    }
    bcur_limit(c, len); /* the PPPoE length bounds the PPP frame (Ethernet padding follows) */
    proto = ppp_proto(c);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_PPPOE_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    return ppp_dispatch(ds, proto, c);
}

/* PPP inside PPTP's GRE: optional ff 03 address/control, 1- or 2-byte protocol (RFC 1661). */
static enum decode_result decode_ppp(struct dstate *ds, struct bcur *c)
{
    uint16_t proto;

    stats_inc(ds->st, STAT_DECODER_PPP);
    if (bcur_peek_u8(c, 0) == 0xff && bcur_peek_u8(c, 1) == 0x03)
        bcur_skip(c, 2);
    proto = ppp_proto(c);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_PPP_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    return ppp_dispatch(ds, proto, c);
}

/* RFC 1701 source route entries: (family, offset, length, data) until a NULL entry. */
static bool gre_skip_sre(struct bcur *c)
{
    for (;;) {
        uint16_t af = bcur_be16(c);
        uint8_t len;

        bcur_skip(c, 1); /* SRE offset */
        len = bcur_u8(c);
        if (!bcur_ok(c))
            return false;
        if (af == 0 && len == 0)
            return true;
        if (!bcur_skip(c, len))
            return false;
    }
}

/* Version 0 header after the first 4 bytes; false (anomaly raised) when malformed. */
static bool gre_v0_header(struct dstate *ds, uint16_t fl, struct bcur *c)
{
    if (fl & GRE_F_RECUR) {
        ds_anomaly(ds, STAT_ANOM_GRE_VERSION0_RECUR);
        return false;
    }
    if (fl & GRE_V0_FLAGS) {
        ds_anomaly(ds, STAT_ANOM_GRE_VERSION0_FLAGS);
        return false;
    }
    if (fl & (GRE_F_CSUM | GRE_F_ROUTE))
        bcur_skip(c, 4); /* checksum + offset */
    if (fl & GRE_F_KEY)
        bcur_skip(c, 4);
    if (fl & GRE_F_SEQ)
        bcur_skip(c, 4);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_GRE_VERSION0_HDR_TOO_BIG);
        return false;
    }
    if ((fl & GRE_F_ROUTE) && !gre_skip_sre(c)) {
        ds_anomaly(ds, STAT_ANOM_GRE_VERSION0_MALFORMED_SRE_HDR);
        return false;
    }
    return true;
}

/* Version 1 (PPTP) header after the first 4 bytes; false (anomaly raised) when malformed. */
static bool gre_v1_header(struct dstate *ds, uint16_t fl, uint16_t proto, struct bcur *c)
{
    enum stat_id bad = STAT__COUNT;

    if (fl & GRE_F_CSUM)
        bad = STAT_ANOM_GRE_VERSION1_CHKSUM;
    else if (fl & GRE_F_ROUTE)
        bad = STAT_ANOM_GRE_VERSION1_ROUTE;
    else if (fl & GRE_F_SSR)
        bad = STAT_ANOM_GRE_VERSION1_SSR;
    else if (fl & GRE_F_RECUR)
        bad = STAT_ANOM_GRE_VERSION1_RECUR;
    else if (fl & GRE_V1_FLAGS)
        bad = STAT_ANOM_GRE_VERSION1_FLAGS;
    else if (!(fl & GRE_F_KEY))
        bad = STAT_ANOM_GRE_VERSION1_NO_KEY;
    else if (proto != ETHERTYPE_PPP)
        bad = STAT_ANOM_GRE_VERSION1_WRONG_PROTOCOL;
    if (bad != STAT__COUNT) {
        ds_anomaly(ds, bad);
        return false;
    }
    bcur_skip(c, 4); /* payload length + call id */
    if (fl & GRE_F_SEQ)
        bcur_skip(c, 4);
    if (fl & GRE_F_ACK)
        bcur_skip(c, 4);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_GRE_VERSION1_HDR_TOO_BIG);
        return false;
    }
    return true;
}

/* ERSPAN type I/II (0x88be) or III (0x22eb) after the GRE header, then Ethernet. */
static enum decode_result decode_erspan(struct dstate *ds, uint16_t proto, bool has_seq,
                                        struct bcur *c)
{
    uint16_t w0;
    uint32_t w3 = 0;

    stats_inc(ds->st, STAT_DECODER_ERSPAN);
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    if (proto == ETHERTYPE_ERSPAN2 && !has_seq) /* type I: Ethernet right after GRE */
        return decode_ethernet(ds, c);
    w0 = bcur_peek_be16(c, 0);
    if (proto == ETHERTYPE_ERSPAN2) {
        bcur_skip(c, ERSPAN2_HDR_LEN);
    } else {
        bcur_skip(c, 8); /* version/VLAN, COS/BSO/T/session, timestamp */
        w3 = bcur_be32(c);
    }
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_ERSPAN_HEADER_TOO_SMALL);
        return DECODE_INVALID;
    }
    if ((w0 >> 12) != (proto == ETHERTYPE_ERSPAN2 ? 1u : 2u)) {
        ds_anomaly(ds, STAT_ANOM_ERSPAN_UNSUPPORTED_VERSION);
        return DECODE_INVALID;
    }
    if (proto == ETHERTYPE_ERSPAN3 && (w3 & 0x1) && !bcur_skip(c, ERSPAN3_SUBHDR_LEN)) {
        ds_anomaly(ds, STAT_ANOM_ERSPAN_HEADER_TOO_SMALL);
        return DECODE_INVALID;
    }
    return decode_ethernet(ds, c);
}

enum decode_result decode_gre(struct dstate *ds, struct bcur *c)
{
    enum decode_result res;
    uint16_t fl, proto;

    stats_inc(ds->st, STAT_DECODER_GRE);
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    fl = bcur_be16(c);
    proto = bcur_be16(c);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_GRE_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    ds->tunnel = true;
    switch (fl & GRE_VERSION) {
    case 0:
        if (!gre_v0_header(ds, fl, c))
            return DECODE_INVALID;
        if (proto == ETHERTYPE_TEB)
            res = decode_ethernet(ds, c);
        else if (proto == ETHERTYPE_ERSPAN2 || proto == ETHERTYPE_ERSPAN3)
            res = decode_erspan(ds, proto, (fl & GRE_F_SEQ) != 0, c);
        else
            res = decode_ethertype(ds, proto, c);
        break;
    case 1:
        if (!gre_v1_header(ds, fl, proto, c))
            return DECODE_INVALID;
        if (!bcur_remaining(c)) /* acknowledgement only */
            return DECODE_L3;
        res = decode_ppp(ds, c);
        break;
    default:
        ds_anomaly(ds, STAT_ANOM_GRE_WRONG_VERSION);
        return DECODE_INVALID;
    }
    /* no inner IP: the outer packet, with its IP fields untouched, is what we have */
    return res == DECODE_NOT_IP ? DECODE_L3 : res;
}

enum decode_result decode_vxlan(struct dstate *ds, struct bcur *c)
{
    uint8_t flags;
    uint16_t inner_type;

    flags = bcur_peek_u8(c, 0);
    if (!bcur_has(c, VXLAN_HDR_LEN) || !(flags & VXLAN_FLAG_I))
        return DECODE_NOT_IP; /* not VXLAN after all: plain UDP */
    stats_inc(ds->st, STAT_DECODER_VXLAN);
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    bcur_skip(c, VXLAN_HDR_LEN);
    if (bcur_has(c, ETH_HDR_LEN)) {
        inner_type = bcur_peek_be16(c, 12);
        if (!decode_ethertype_known(inner_type))
            ds_anomaly(ds, STAT_ANOM_VXLAN_UNKNOWN_PAYLOAD_TYPE);
    }
    ds->tunnel = true;
    return decode_ethernet(ds, c);
}

enum decode_result decode_ip_in_ip(struct dstate *ds, uint8_t proto, struct bcur *c)
{
    bool outer6 = ds->pkt->ip_version == 6;

    if (proto == IPPROTO_NUM_IPIP)
        stats_inc(ds->st, outer6 ? STAT_DECODER_IPV4_IN_IPV6 : STAT_DECODER_IPV4_IN_IPV4);
    else
        stats_inc(ds->st, outer6 ? STAT_DECODER_IPV6_IN_IPV6 : STAT_DECODER_IPV6_IN_IPV4);
    if (!decode_enter_layer(ds))
        return DECODE_INVALID;
    if (outer6 && bcur_remaining(c) < (proto == IPPROTO_NUM_IPIP ? IPV4_HDR_LEN : IPV6_HDR_LEN)) {
        ds_anomaly(ds, proto == IPPROTO_NUM_IPIP ? STAT_ANOM_IPV4_IN_IPV6_PKT_TOO_SMALL
                                                 : STAT_ANOM_IPV6_IN_IPV6_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    ds->tunnel = true;
    return proto == IPPROTO_NUM_IPIP ? decode_ipv4(ds, c) : decode_ipv6(ds, c);
}
