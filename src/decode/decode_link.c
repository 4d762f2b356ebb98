/*
 * decode_link.c - link layers of a capture and the EtherType dispatch.
 *
 * DLT_EN10MB (1), Ethernet II (IEEE 802.3; frames whose type field is a
 * length, 802.3/LLC, are not IP):
 *   +--------------------+--------------------+-----------+
 *   | destination MAC(6) | source MAC (6)     | type (2)  |
 *   +--------------------+--------------------+-----------+
 * DLT_LINUX_SLL (113), 16 bytes (pcap-linktype(7) LINKTYPE_LINUX_SLL):
 *   packet type (2) | ARPHRD type (2) | addr len (2) | addr (8) | protocol (2)
 * DLT_LINUX_SLL2 (276), 20 bytes (LINKTYPE_LINUX_SLL2):
 *   protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | pkt type (1) |
 *   addr len (1) | addr (8)
 * DLT_RAW (12; 14 on OpenBSD), LINKTYPE_RAW (101): IPv4 or IPv6 by the first
 * nibble; LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229): that version only.
 * DLT_NULL (0, host byte order of the capturing machine) and DLT_LOOP (108,
 * network order): a 4-byte address family; AF_INET is 2 everywhere,
 * AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin).
 */
#include "decode/decode_int.h"

/* DLT values (pcap/dlt.h); local names so the decoder does not depend on libpcap headers. */
#define LT_NULL 0
#define LT_EN10MB 1
#define LT_RAW 12
#define LT_RAW_OPENBSD 14
#define LT_LINKTYPE_RAW 101
#define LT_LOOP 108
#define LT_LINUX_SLL 113
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_LINUX_SLL2 276

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define NULL_HDR_LEN 4

/* BSD address families found in DLT_NULL / DLT_LOOP headers. */
#define BSD_AF_INET 2
#define BSD_AF_INET6_LINUX 10
#define BSD_AF_INET6_BSD 24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

int decode_linktype_supported(int linktype)
{
    switch (linktype) {
    case LT_NULL:
    case LT_EN10MB:
    case LT_RAW:
    case LT_RAW_OPENBSD:
    case LT_LINKTYPE_RAW:
    case LT_LOOP:
    case LT_LINUX_SLL:
    case LT_IPV4:
    case LT_IPV6:
    case LT_LINUX_SLL2:
        return 1;
    default:
        return 0;
    }
}

bool decode_ethertype_known(uint16_t type)
{
    switch (type) {
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
    case ETHERTYPE_ARP:
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD:
    case ETHERTYPE_MPLS_UC:
    case ETHERTYPE_MPLS_MC:
    case ETHERTYPE_PPPOE_DISC:
    case ETHERTYPE_PPPOE_SESS:
        return true;
    default:
        return false;
    }
}

enum decode_result decode_ethertype(struct dstate *ds, uint16_t type, struct bcur *c)
{
    switch (type) {
    case ETHERTYPE_IPV4:
        return decode_ipv4(ds, c);
    case ETHERTYPE_IPV6:
        return decode_ipv6(ds, c);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD:
        return decode_vlan(ds, c);
    case ETHERTYPE_MPLS_UC:
    case ETHERTYPE_MPLS_MC:
        return decode_mpls(ds, c);
    case ETHERTYPE_PPPOE_SESS:
        return decode_pppoe(ds, c);
    case ETHERTYPE_ARP:
        stats_inc(ds->st, STAT_DECODER_ARP);
        return DECODE_NOT_IP;
    case ETHERTYPE_PPPOE_DISC:
        return DECODE_NOT_IP;
    default:
        /* values up to 1500 are 802.3 lengths (LLC follows): not an unknown type */
        if (type >= 0x0600)
            stats_inc(ds->st, STAT_DECODER_UNKNOWN_ETHERTYPE);
        return DECODE_NOT_IP;
    }
}

enum decode_result decode_ethernet(struct dstate *ds, struct bcur *c)
{
    uint16_t type;

    stats_inc(ds->st, STAT_DECODER_ETHERNET);
    bcur_skip(c, 12); /* destination and source MAC */
    type = bcur_be16(c);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_ETHERNET_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    return decode_ethertype(ds, type, c);
}

static enum decode_result decode_sll(struct dstate *ds, struct bcur *c)
{
    uint16_t proto;

    stats_inc(ds->st, STAT_DECODER_SLL);
    bcur_skip(c, SLL_HDR_LEN - 2);
    proto = bcur_be16(c);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_SLL_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    /* protocol values below 0x0600 are Linux ETH_P_802_2 / ETH_P_802_3 etc.: not IP */
    return decode_ethertype(ds, proto, c);
}

static enum decode_result decode_sll2(struct dstate *ds, struct bcur *c)
{
    uint16_t proto;

    stats_inc(ds->st, STAT_DECODER_SLL);
    proto = bcur_be16(c);
    bcur_skip(c, SLL2_HDR_LEN - 2);
    if (!bcur_ok(c)) {
        ds_anomaly(ds, STAT_ANOM_SLL_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    return decode_ethertype(ds, proto, c);
}

/* Raw IP: version from the first nibble, or forced by the link type (4 or 6; 0 = either). */
static enum decode_result decode_raw(struct dstate *ds, struct bcur *c, int want)
{
    uint8_t first;

    stats_inc(ds->st, STAT_DECODER_RAW);
    if (want == 4)
        return decode_ipv4(ds, c);
    if (want == 6)
        return decode_ipv6(ds, c);
    first = bcur_peek_u8(c, 0);
    if (bcur_ok(c) && (first >> 4) == 4)
        return decode_ipv4(ds, c);
    if (bcur_ok(c) && (first >> 4) == 6)
        return decode_ipv6(ds, c);
    ds_anomaly(ds, STAT_ANOM_IPRAW_INVALID_IP_VERSION);
    return DECODE_INVALID;
}

static enum decode_result decode_null(struct dstate *ds, struct bcur *c)
{
    struct bcur peek = bcur_rest(c);
    uint32_t af;

    stats_inc(ds->st, STAT_DECODER_NULL);
    af = bcur_le32(&peek);
    if (!bcur_ok(&peek)) {
        ds_anomaly(ds, STAT_ANOM_LTNULL_PKT_TOO_SMALL);
        return DECODE_INVALID;
    }
    /*
     * DLT_NULL is in the byte order of the machine that captured, DLT_LOOP in
     * network order; every family value fits in 16 bits, so a little-endian
     * read above 0xffff means the header is big-endian.
     */
    if (af > 0xffff)
        af = bcur_be32(c);
    else
        bcur_skip(c, NULL_HDR_LEN);
    switch (af) {
    case BSD_AF_INET:
        return decode_ipv4(ds, c);
    case BSD_AF_INET6_LINUX:
    case BSD_AF_INET6_BSD:
    case BSD_AF_INET6_FREEBSD:
    case BSD_AF_INET6_DARWIN:
        return decode_ipv6(ds, c);
    default:
        ds_anomaly(ds, STAT_ANOM_LTNULL_UNSUPPORTED_TYPE);
        return DECODE_INVALID;
    }
}

enum decode_result decode_link(struct dstate *ds, struct bcur *c)
{
    switch (ds->pkt->linktype) {
    case LT_EN10MB:
        return decode_ethernet(ds, c);
    case LT_LINUX_SLL:
        return decode_sll(ds, c);
    case LT_LINUX_SLL2:
        return decode_sll2(ds, c);
    case LT_RAW:
    case LT_RAW_OPENBSD:
    case LT_LINKTYPE_RAW:
        return decode_raw(ds, c, 0);
    case LT_IPV4:
        return decode_raw(ds, c, 4);
    case LT_IPV6:
        return decode_raw(ds, c, 6);
    case LT_NULL:
    case LT_LOOP:
        return decode_null(ds, c);
    default:
        ds_anomaly(ds, STAT_ANOM_UNSUPPORTED_LINKTYPE);
        return DECODE_INVALID;
    }
}
