/*
 * packet.h - one captured packet as the decoder leaves it.
 *
 * The decoder fills this from the link layer down to TCP/UDP/ICMP through any
 * encapsulation (VLAN, MPLS, PPPoE, GRE/ERSPAN, VXLAN, IP-in-IP); the fields
 * describe the innermost IP packet.  Pointers into packet bytes (data,
 * payload) are valid only until the capture callback returns, or, for a
 * reassembled IP datagram, until the next packet is decoded: copy what you keep.
 */
#ifndef IMSENTRY_PACKET_H
#define IMSENTRY_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "imsentry/stats.h"

/* An IPv4 or IPv6 address; IPv4 sits in a[0..3] with a[4..15] zero. */
struct ip_addr {
    uint8_t family; /* 4 or 6; 0 = unset */
    uint8_t a[16];  /* network byte order */
};

/* Checksum verdict for one layer. */
enum csum_state {
    CSUM_UNKNOWN = 0, /* not computed (truncated capture, fragment, no checksum) */
    CSUM_OK = 1,
    CSUM_BAD = 2
};

/* TCP flag bits as on the wire. */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

/* packet.flags */
#define PKT_DEFRAG 0x0001     /* L3 is a datagram reassembled from fragments */
#define PKT_TUNNELED 0x0002   /* innermost IP came out of an encapsulation */
#define PKT_TRUNCATED 0x0004  /* captured length shorter than the IP length says */
#define PKT_HAS_L4 0x0008     /* sport/dport/payload are valid (TCP, UDP, ICMP) */

/* Most anomalies remembered per packet (all are counted regardless). */
#define PKT_MAX_ANOMALIES 4
/* Most VLAN tags remembered (QinQ = 2). */
#define PKT_MAX_VLANS 2

struct tcp_info {
    uint32_t seq;      /* sequence number */
    uint32_t ack;      /* acknowledgement number */
    uint8_t flags;     /* TCP_* bits */
    uint16_t win;      /* window, unscaled */
    uint16_t urg_ptr;  /* urgent pointer */
    uint16_t mss;      /* MSS option, 0 if absent */
    uint8_t wscale;    /* window-scale shift if has_wscale */
    bool has_wscale;   /* window-scale option present (SYN only) */
    bool sack_ok;      /* SACK-permitted option present */
    bool has_ts;       /* timestamp option present */
    uint32_t tsval;    /* timestamp value */
    uint32_t tsecr;    /* timestamp echo reply */
};

struct packet {
    int64_t ts_us;            /* capture time, microseconds since the epoch */
    const uint8_t *data;      /* link-layer bytes as captured */
    uint32_t caplen;          /* bytes captured */
    uint32_t wirelen;         /* bytes on the wire */
    int linktype;             /* DLT_* of the capture */
    uint64_t pcap_cnt;        /* 1-based packet number in the run */

    uint16_t vlan[PKT_MAX_VLANS]; /* VLAN ids, outermost first */
    uint8_t vlan_count;           /* tags seen (may exceed PKT_MAX_VLANS; only the first kept) */

    uint8_t ip_version;  /* 4 or 6; 0 when no IP layer was found */
    uint8_t ip_proto;    /* innermost transport protocol number */
    uint8_t ttl;         /* IPv4 TTL or IPv6 hop limit */
    struct ip_addr src;  /* innermost IP source */
    struct ip_addr dst;  /* innermost IP destination */
    uint32_t ip_len;     /* innermost IP datagram length (header + payload) */
    enum csum_state l3_csum; /* IPv4 header checksum (IPv6 has none: UNKNOWN) */

    uint16_t sport;      /* TCP/UDP source port; ICMP type */
    uint16_t dport;      /* TCP/UDP destination port; ICMP code */
    enum csum_state l4_csum; /* TCP/UDP/ICMP checksum verdict */
    struct tcp_info tcp; /* valid when ip_proto == 6 */

    const uint8_t *payload; /* L4 payload (after TCP/UDP header) */
    uint32_t payload_len;   /* bytes of payload actually captured */

    uint32_t flags;         /* PKT_* */
    uint8_t n_anomalies;    /* entries used in anomalies[] */
    uint16_t anomalies[PKT_MAX_ANOMALIES]; /* enum stat_id of anomalies raised */
};

/* Formats an address as text (dotted quad or RFC 5952 IPv6); buf >= 46 bytes. */
const char *ip_addr_str(const struct ip_addr *a, char *buf, unsigned len);

/* Compares two addresses (family first, then bytes): <0, 0, >0. */
int ip_addr_cmp(const struct ip_addr *x, const struct ip_addr *y);

#endif
