/*
 * decode_int.h - private interfaces between the files of the decode stage.
 *
 * decode_packet() (decode_packet.c) peels the link layer (decode_link.c),
 * encapsulations (decode_encap.c), IPv4/IPv6 (decode_ipv4.c, decode_ipv6.c)
 * and hands the transport bytes to decode_l4() (decode_packet.c), which calls
 * the TCP, UDP and ICMP decoders.  Each layer reads its bytes through a
 * struct bcur positioned at its first byte and returns an enum decode_result.
 */
#ifndef IMSENTRY_DECODE_INT_H
#define IMSENTRY_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "imsentry/bytes.h"
#include "imsentry/decode.h"
#include "imsentry/defrag.h"

/* EtherTypes (IEEE registry) the decoder understands. */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_TEB 0x6558 /* transparent Ethernet bridging (GRE, RFC 1701) */
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_MPLS_UC 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_DISC 0x8863
#define ETHERTYPE_PPPOE_SESS 0x8864
#define ETHERTYPE_PPP 0x880b     /* PPP in enhanced GRE (PPTP, RFC 2637) */
#define ETHERTYPE_ERSPAN2 0x88be /* ERSPAN type I/II */
#define ETHERTYPE_ERSPAN3 0x22eb /* ERSPAN type III */

/* IP protocol numbers. */
#define IPPROTO_NUM_HOPOPTS 0
#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_IPIP 4
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_IPV6 41
#define IPPROTO_NUM_ROUTING 43
#define IPPROTO_NUM_FRAGMENT 44
#define IPPROTO_NUM_GRE 47
#define IPPROTO_NUM_ESP 50
#define IPPROTO_NUM_AH 51
#define IPPROTO_NUM_ICMPV6 58
#define IPPROTO_NUM_NONE 59
#define IPPROTO_NUM_DSTOPTS 60

/* UDP port of VXLAN (RFC 7348). */
#define VXLAN_PORT 4789

/* Fixed header sizes. */
#define ETH_HDR_LEN 14
#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define TCP_HDR_LEN 20
#define UDP_HDR_LEN 8
#define ICMP_HDR_LEN 8

/* The decoder context: one per worker. */
struct decode_ctx {
    const struct config *cfg; /* settings (not owned) */
    struct stats *st;         /* counters (not owned) */
    struct defrag *df;        /* IPv4/IPv6 reassembly (owned) */
};

/* State of one decode_packet() call, passed down the layers. */
struct dstate {
    struct decode_ctx *dc; /* the context */
    struct stats *st;      /* dc->st, for short calls */
    struct packet *pkt;    /* the packet being filled */
    unsigned depth;        /* encapsulation headers entered so far */
    bool tunnel;           /* inside GRE / VXLAN / IP-in-IP: inner IP is PKT_TUNNELED */
    bool reassembled;      /* a datagram came out of defrag: no second defrag per packet */
};

/* The transport bytes handed from IP to L4. */
struct l4_in {
    struct bcur c;  /* L4 bytes: cut to the declared length and to what was captured */
    uint32_t len;   /* L4 length the IP header(s) declare */
    bool truncated; /* fewer than len bytes were captured */
};

/* Raises an anomaly on the packet being decoded. */
static inline void ds_anomaly(struct dstate *ds, enum stat_id id)
{
    decode_anomaly(ds->st, ds->pkt, id);
}

/*
 * Enters one more encapsulation layer; false (anomaly raised, counted) when
 * the stack is deeper than LIM_DECAP_DEPTH.
 */
bool decode_enter_layer(struct dstate *ds);

/* decode_link.c: the capture's link layer, then everything below it. */
enum decode_result decode_link(struct dstate *ds, struct bcur *c);
enum decode_result decode_ethernet(struct dstate *ds, struct bcur *c);
enum decode_result decode_ethertype(struct dstate *ds, uint16_t type, struct bcur *c);
bool decode_ethertype_known(uint16_t type);

/* decode_encap.c */
enum decode_result decode_vlan(struct dstate *ds, struct bcur *c);
enum decode_result decode_mpls(struct dstate *ds, struct bcur *c);
enum decode_result decode_pppoe(struct dstate *ds, struct bcur *c);
enum decode_result decode_gre(struct dstate *ds, struct bcur *c);
/* VXLAN inside a UDP payload; DECODE_NOT_IP when it is not VXLAN or carries no IP. */
enum decode_result decode_vxlan(struct dstate *ds, struct bcur *c);
/* IP-in-IP: proto is 4 or 41, the outer IP fields are still in ds->pkt. */
enum decode_result decode_ip_in_ip(struct dstate *ds, uint8_t proto, struct bcur *c);

/* decode_ipv4.c / decode_ipv6.c: the cursor starts at the IP header. */
enum decode_result decode_ipv4(struct dstate *ds, struct bcur *c);
enum decode_result decode_ipv6(struct dstate *ds, struct bcur *c);
/* Fills the IP fields shared by both versions and clears any outer L4 state. */
void decode_set_ip(struct dstate *ds, uint8_t version, uint8_t ttl, uint32_t ip_len);

/* decode_packet.c: transport dispatch on ds->pkt->ip_proto. */
enum decode_result decode_l4(struct dstate *ds, uint8_t proto, struct l4_in *l4);

/* decode_tcp.c, decode_udp.c, decode_icmp.c */
enum decode_result decode_tcp(struct dstate *ds, struct l4_in *l4);
enum decode_result decode_udp(struct dstate *ds, struct l4_in *l4);
enum decode_result decode_icmpv4(struct dstate *ds, struct l4_in *l4);
enum decode_result decode_icmpv6(struct dstate *ds, struct l4_in *l4);

/* decode_csum.c: RFC 1071 internet checksum. */
/* Adds every byte of the view (big-endian 16-bit words, odd byte padded) to sum. */
uint64_t decode_csum_add(uint64_t sum, struct bcur c);
/* Folds a running sum to 16 bits (end-around carry), not complemented. */
uint16_t decode_csum_fold(uint64_t sum);
/* Sum of the IPv4 or IPv6 pseudo-header of pkt's innermost IP for proto and len. */
uint64_t decode_csum_pseudo(const struct packet *pkt, uint8_t proto, uint32_t len);
/*
 * Verdict for an L4 checksum over the whole segment in l4 (checksum field
 * included), with the pseudo-header when pseudo is true: CSUM_UNKNOWN when
 * the segment is truncated.
 */
enum csum_state decode_csum_l4(const struct packet *pkt, uint8_t proto, const struct l4_in *l4,
                               bool pseudo);

#endif
