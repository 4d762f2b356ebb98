/*
 * check_decode.c - unit tests for the decode stage (src/decode/decode_*.c):
 * every link type and encapsulation, IPv4 options, the IPv6 extension chain,
 * TCP options, checksum verdicts, Ethernet padding, truncation at every byte,
 * fragments through the defragmenter, and the malformed-input anomalies.
 *
 * The byte arrays below were built with scapy 2.5 (python3-scapy) and their
 * checksums are scapy's, computed independently of the decoder: a decoder
 * that sums wrongly reports CSUM_BAD on them.  Each layer is commented.
 * Addresses: 192.0.2.1 > 198.51.100.2 (inner or only IPv4), 203.0.113.1 >
 * 203.0.113.2 (outer tunnel endpoints), 2001:db8::1 > 2001:db8::2.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/config.h"
#include "imsentry/decode.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

/* DLT numbers used below. */
#define LT_NULL 0
#define LT_EN10MB 1
#define LT_RAW 12
#define LT_RAW_OPENBSD 14
#define LT_LINKTYPE_RAW 101
#define LT_LOOP 108
#define LT_SLL 113
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_SLL2 276

/* Ethernet / IPv4 / TCP SYN with MSS, SACK-permitted, timestamps, NOP, window scale; good checksums */
static const uint8_t eth_ipv4_tcp_syn[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 tcp */
    0x45, 0x00, 0x00, 0x3c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x8e, 0x84,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* TCP: TCP 192.0.2.1:40000 > 198.51.100.2:5190 S */
    0x9c, 0x40, 0x14, 0x46, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
    0xa0, 0x02, 0xff, 0xff, 0xc5, 0x18, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
    0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x03, 0x03, 0x07,
};

/* TCP checksum 0xc518, IPv4 header checksum 0x8e84 (scapy) */

/* Ethernet / IPv4 / UDP "hi", padded with zeros to the 60-byte Ethernet minimum */
static const uint8_t eth_ipv4_udp_padded[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x1e, 0x00, 0x02, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x96,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:4000 > 198.51.100.2:4000 */
    0x0f, 0xa0, 0x0f, 0xa0, 0x00, 0x0a, 0x8b, 0xf9,
    /* payload "hi" (2 bytes) */
    0x68, 0x69,
    /* Ethernet padding all zero (16 bytes) */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

/* Ethernet / IPv4 with options record-route (one slot), NOP, EOL / UDP "x" */
static const uint8_t eth_ipv4_opts_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp, IHL 8 (12 option bytes) */
    0x48, 0x00, 0x00, 0x29, 0x00, 0x03, 0x00, 0x00, 0x40, 0x11, 0x7f, 0x78,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* options: record route (7, len 7, pointer 4, slot 10.0.0.1), NOP, EOL, 3 bytes padding */
    0x07, 0x07, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
    /* UDP: UDP 192.0.2.1:domain > 198.51.100.2:domain */
    0x00, 0x35, 0x00, 0x35, 0x00, 0x09, 0x9b, 0x3a,
    /* payload "x" (1 bytes) */
    0x78,
};

/* Ethernet / 802.1ad S-tag VLAN 100 / 802.1Q C-tag VLAN 200 / IPv4 / UDP "q" */
static const uint8_t eth_qinq_ipv4_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (802_AD) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0xa8,
    /* 802_1AD: VLAN 100, type 0x8100 */
    0x00, 0x64, 0x81, 0x00,
    /* 802.1Q: VLAN 200, type 0x0800 */
    0x00, 0xc8, 0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x1d, 0x00, 0x04, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x95,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:1 > 198.51.100.2:2 */
    0x00, 0x01, 0x00, 0x02, 0x00, 0x09, 0xa2, 0xa1,
    /* payload "q" (1 bytes) */
    0x71,
};

/* Ethernet / MPLS label 16 / MPLS label 17 (bottom) / IPv4 / ICMP echo request "ping" */
static const uint8_t eth_mpls2_ipv4_icmp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (MPLS) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* MPLS: label 16, TC 0, S 0, TTL 64 */
    0x00, 0x01, 0x00, 0x40,
    /* MPLS: label 17, TC 0, S 1, TTL 64 */
    0x00, 0x01, 0x11, 0x40,
    /* IP: 192.0.2.1 > 198.51.100.2 icmp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x05, 0x00, 0x00, 0x40, 0x01, 0x8e, 0xa1,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* ICMP: ICMP 192.0.2.1 > 198.51.100.2 echo-request 0 */
    0x08, 0x00, 0x19, 0x2d, 0x00, 0x01, 0x00, 0x01,
    /* payload "ping" (4 bytes) */
    0x70, 0x69, 0x6e, 0x67,
};

/* Ethernet / MPLS label 100 (bottom) / control word / Ethernet / IPv4 / TCP "GET" */
static const uint8_t eth_mpls_pw_eth_ipv4_tcp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (MPLS) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* MPLS: label 100, TC 0, S 1, TTL 255 */
    0x00, 0x06, 0x41, 0xff,
    /* pseudowire control word (RFC 4385): first nibble 0 */
    0x00, 0x00, 0x00, 0x00,
    /* Ethernet: 00:bb:bb:bb:bb:bb > 00:aa:aa:aa:aa:aa (IPv4) */
    0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
    0x08, 0x00,
    /* IP: 10.1.1.1 > 10.2.2.2 tcp */
    0x45, 0x00, 0x00, 0x2b, 0x00, 0x06, 0x00, 0x00, 0x40, 0x06, 0x63, 0xc2,
    0x0a, 0x01, 0x01, 0x01, 0x0a, 0x02, 0x02, 0x02,
    /* TCP: TCP 10.1.1.1:1234 > 10.2.2.2:http PA */
    0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x50, 0x18, 0x20, 0x00, 0xd8, 0x5a, 0x00, 0x00,
    /* payload "GET" (3 bytes) */
    0x47, 0x45, 0x54,
};

/* Ethernet / PPPoE session 0x1234 / PPP IPv4 / IPv4 / UDP "pppoe" */
static const uint8_t eth_pppoe_ipv4_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (PPP_SES) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x64,
    /* PPP over Ethernet: ver 1 type 1 code 0, session 0x1234, length 34 */
    0x11, 0x00, 0x12, 0x34, 0x00, 0x22,
    /* PPP protocol 0x21 = IPv4, protocol-field compressed to one byte */
    0x21,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x21, 0x00, 0x07, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x8e,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:5 > 198.51.100.2:6 */
    0x00, 0x05, 0x00, 0x06, 0x00, 0x0d, 0xcd, 0xb1,
    /* payload "pppoe" (5 bytes) */
    0x70, 0x70, 0x70, 0x6f, 0x65,
};

/* Ethernet / PPPoE session / PPP IPv6 / IPv6 / UDP "v6" */
static const uint8_t eth_pppoe_ipv6_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (PPP_SES) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x64,
    /* PPP over Ethernet: ver 1 type 1 code 0, session 0x1234, length 52 */
    0x11, 0x00, 0x12, 0x34, 0x00, 0x34,
    /* PPP protocol 0x0057 = IPv6 (two bytes) */
    0x00, 0x57,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (17) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* UDP: UDP 2001:db8::1:5 > 2001:db8::2:6 */
    0x00, 0x05, 0x00, 0x06, 0x00, 0x0a, 0x2e, 0x24,
    /* payload "v6" (2 bytes) */
    0x76, 0x36,
};

/* Ethernet / IPv4 203.0.113.1 > .2 / GRE (no options) / IPv4 / TCP "MSG" */
static const uint8_t eth_ipv4_gre_ipv4_tcp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 gre */
    0x45, 0x00, 0x00, 0x43, 0x00, 0x08, 0x00, 0x00, 0x40, 0x2f, 0x02, 0x80,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* GRE: C 0 K 0 S 0 ver 0, protocol 0x0800 */
    0x00, 0x00, 0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 tcp */
    0x45, 0x00, 0x00, 0x2b, 0x00, 0x09, 0x00, 0x00, 0x40, 0x06, 0x8e, 0x8d,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* TCP: TCP 192.0.2.1:5555 > 198.51.100.2:1863 A */
    0x15, 0xb3, 0x07, 0x47, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09,
    0x50, 0x10, 0x20, 0x00, 0xf2, 0x3c, 0x00, 0x00,
    /* payload "MSG" (3 bytes) */
    0x4d, 0x53, 0x47,
};

/* Ethernet / IPv4 / GRE with key 0xdeadbeef and sequence 77 / IPv4 / UDP "k" */
static const uint8_t eth_ipv4_grekeyseq_ipv4_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 gre */
    0x45, 0x00, 0x00, 0x3d, 0x00, 0x0a, 0x00, 0x00, 0x40, 0x2f, 0x02, 0x84,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* GRE: C 0 K 1 S 1 ver 0, protocol 0x0800, key 0xdeadbeef, seq 77 */
    0x30, 0x00, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x4d,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x1d, 0x00, 0x0b, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x8e,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:echo > 198.51.100.2:8 */
    0x00, 0x07, 0x00, 0x08, 0x00, 0x09, 0xa8, 0x95,
    /* payload "k" (1 bytes) */
    0x6b,
};

/* Ethernet / IPv4 / GRE seq 5 proto 0x88be / ERSPAN type II session 3 / Ethernet / IPv4 / UDP "span" */
static const uint8_t eth_ipv4_gre_erspan2[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 gre */
    0x45, 0x00, 0x00, 0x52, 0x00, 0x0d, 0x00, 0x00, 0x40, 0x2f, 0x02, 0x6c,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* GRE: C 0 K 0 S 1 ver 0, protocol 0x88be, seq 5 */
    0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0x05,
    /* ERSPAN II: ver 1, VLAN 0, session 3, index 0 */
    0x10, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
    /* Ethernet: 00:bb:bb:bb:bb:bb > 00:aa:aa:aa:aa:aa (IPv4) */
    0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
    0x08, 0x00,
    /* IP: 10.3.3.3 > 10.4.4.4 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x11, 0x5f, 0xb4,
    0x0a, 0x03, 0x03, 0x03, 0x0a, 0x04, 0x04, 0x04,
    /* UDP: UDP 10.3.3.3:discard > 10.4.4.4:10 */
    0x00, 0x09, 0x00, 0x0a, 0x00, 0x0c, 0x0f, 0xd7,
    /* payload "span" (4 bytes) */
    0x73, 0x70, 0x61, 0x6e,
};

/* Ethernet / IPv4 / GRE proto 0x22eb / ERSPAN type III, O=0 / Ethernet / IPv4 / UDP "span" */
static const uint8_t eth_ipv4_gre_erspan3[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 gre */
    0x45, 0x00, 0x00, 0x52, 0x00, 0x0e, 0x00, 0x00, 0x40, 0x2f, 0x02, 0x6b,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* GRE: C 0 K 0 S 0 ver 0, protocol 0x22eb */
    0x00, 0x00, 0x22, 0xeb,
    /* ERSPAN III: ver 2, VLAN 0, session 4, O 0 */
    0x20, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* Ethernet: 00:bb:bb:bb:bb:bb > 00:aa:aa:aa:aa:aa (IPv4) */
    0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
    0x08, 0x00,
    /* IP: 10.3.3.3 > 10.4.4.4 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x11, 0x5f, 0xb4,
    0x0a, 0x03, 0x03, 0x03, 0x0a, 0x04, 0x04, 0x04,
    /* UDP: UDP 10.3.3.3:discard > 10.4.4.4:10 */
    0x00, 0x09, 0x00, 0x0a, 0x00, 0x0c, 0x0f, 0xd7,
    /* payload "span" (4 bytes) */
    0x73, 0x70, 0x61, 0x6e,
};

/* Ethernet / IPv4 / GRE proto 0x22eb / ERSPAN type III, O=1 / platform subheader / Ethernet / IPv4 / UDP "span" */
static const uint8_t eth_ipv4_gre_erspan3_sub[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 gre */
    0x45, 0x00, 0x00, 0x5a, 0x00, 0x0f, 0x00, 0x00, 0x40, 0x2f, 0x02, 0x62,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* GRE: C 0 K 0 S 0 ver 0, protocol 0x22eb */
    0x00, 0x00, 0x22, 0xeb,
    /* ERSPAN III: ver 2, VLAN 0, session 4, O 1 */
    0x20, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    /* ERSPAN III platform-specific subheader (8 bytes), platform id 3 */
    0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* Ethernet: 00:bb:bb:bb:bb:bb > 00:aa:aa:aa:aa:aa (IPv4) */
    0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
    0x08, 0x00,
    /* IP: 10.3.3.3 > 10.4.4.4 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x11, 0x5f, 0xb4,
    0x0a, 0x03, 0x03, 0x03, 0x0a, 0x04, 0x04, 0x04,
    /* UDP: UDP 10.3.3.3:discard > 10.4.4.4:10 */
    0x00, 0x09, 0x00, 0x0a, 0x00, 0x0c, 0x0f, 0xd7,
    /* payload "span" (4 bytes) */
    0x73, 0x70, 0x61, 0x6e,
};

/* Ethernet / IPv4 / UDP 50000 > 4789 / VXLAN VNI 42 / Ethernet / IPv4 / UDP "span" */
static const uint8_t eth_ipv4_vxlan[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 udp */
    0x45, 0x00, 0x00, 0x52, 0x00, 0x10, 0x00, 0x00, 0x40, 0x11, 0x02, 0x87,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* UDP: UDP 203.0.113.1:50000 > 203.0.113.2:4789 */
    0xc3, 0x50, 0x12, 0xb5, 0x00, 0x3e, 0xc4, 0x60,
    /* VXLAN: VXLAN (vni=0x2a) */
    0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x00,
    /* Ethernet: 00:bb:bb:bb:bb:bb > 00:aa:aa:aa:aa:aa (IPv4) */
    0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb,
    0x08, 0x00,
    /* IP: 10.3.3.3 > 10.4.4.4 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x11, 0x5f, 0xb4,
    0x0a, 0x03, 0x03, 0x03, 0x0a, 0x04, 0x04, 0x04,
    /* UDP: UDP 10.3.3.3:discard > 10.4.4.4:10 */
    0x00, 0x09, 0x00, 0x0a, 0x00, 0x0c, 0x0f, 0xd7,
    /* payload "span" (4 bytes) */
    0x73, 0x70, 0x61, 0x6e,
};

/* Ethernet / IPv4 proto 4 / IPv4 / TCP SYN */
static const uint8_t eth_ipv4_ipv4_tcp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 ipencap */
    0x45, 0x00, 0x00, 0x3c, 0x00, 0x11, 0x00, 0x00, 0x40, 0x04, 0x02, 0xa9,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* IP: 192.0.2.1 > 198.51.100.2 tcp */
    0x45, 0x00, 0x00, 0x28, 0x00, 0x12, 0x00, 0x00, 0x40, 0x06, 0x8e, 0x87,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* TCP: TCP 192.0.2.1:tcpmux > 198.51.100.2:2 S */
    0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x50, 0x02, 0x20, 0x00, 0xa3, 0xa8, 0x00, 0x00,
};

/* Ethernet / IPv4 proto 41 / IPv6 / UDP "6in4" */
static const uint8_t eth_ipv4_ipv6_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 ipv6 */
    0x45, 0x00, 0x00, 0x48, 0x00, 0x13, 0x00, 0x00, 0x40, 0x29, 0x02, 0x76,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (17) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* UDP: UDP 2001:db8::1:3 > 2001:db8::2:4 */
    0x00, 0x03, 0x00, 0x04, 0x00, 0x0c, 0xff, 0xbc,
    /* payload "6in4" (4 bytes) */
    0x36, 0x69, 0x6e, 0x34,
};

/* Ethernet / IPv6 next header 4 / IPv4 / UDP "4in6" */
static const uint8_t eth_ipv6_ipv4_udp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv6) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x86, 0xdd,
    /* IPv6: 2001:db8::a > 2001:db8::b (4) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x04, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0b,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x14, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x82,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:3 > 198.51.100.2:4 */
    0x00, 0x03, 0x00, 0x04, 0x00, 0x0c, 0x70, 0xf8,
    /* payload "4in6" (4 bytes) */
    0x34, 0x69, 0x6e, 0x36,
};

/* Ethernet / IPv6 / hop-by-hop (PadN) / destination options (PadN) / TCP "GNUTELLA" */
static const uint8_t eth_ipv6_hbh_dst_tcp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv6) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x86, 0xdd,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (0) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x37, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* IPv6 Extension Header - Hop-by-Hop Options Header: next 60, len 0 */
    0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
    /* IPv6 Extension Header - Destination Options Header: next 6, len 0 */
    0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
    /* TCP: TCP gnutella_svc > gnutella_rtr PA */
    0x18, 0xca, 0x18, 0xcb, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
    0x50, 0x18, 0x20, 0x00, 0xd4, 0x7f, 0x00, 0x00,
    /* payload "GNUTELLA" (8 bytes) */
    0x47, 0x4e, 0x55, 0x54, 0x45, 0x4c, 0x4c, 0x41,
};

/* Ethernet / IPv6 / ICMPv6 echo request "abc" */
static const uint8_t eth_ipv6_icmpv6[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv6) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x86, 0xdd,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (58) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* ICMPv6 Echo Request: ICMPv6 Echo Request (id: 0x1 seq: 0x2) */
    0x80, 0x00, 0x5f, 0xdf, 0x00, 0x01, 0x00, 0x02, 0x61, 0x62, 0x63,
};

/* Ethernet / IPv4 / UDP with checksum 0 (none) "zero" */
static const uint8_t eth_ipv4_udp_csum0[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x15, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x81,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:1 > 198.51.100.2:2 */
    0x00, 0x01, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x00,
    /* payload "zero" (4 bytes) */
    0x7a, 0x65, 0x72, 0x6f,
};

/* Linux cooked (SLL) / IPv4 / UDP "sll" */
static const uint8_t sll_ipv4_udp[] = {
    /* cooked linux: packet type 0, ARPHRD 1, addr len 6, protocol 0x0800 */
    0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x00, 0x00, 0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x1f, 0x00, 0x16, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x81,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:11 > 198.51.100.2:12 */
    0x00, 0x0b, 0x00, 0x0c, 0x00, 0x0b, 0x34, 0x1d,
    /* payload "sll" (3 bytes) */
    0x73, 0x6c, 0x6c,
};

/* Linux cooked v2 (SLL2) / IPv6 / UDP "sll2" */
static const uint8_t sll2_ipv6_udp[] = {
    /* cooked linux v2: protocol 0x86dd, ifindex 2, ARPHRD 1, packet type 4, addr len 6 */
    0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x04, 0x06,
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (17) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* UDP: UDP 2001:db8::1:daytime > 2001:db8::2:14 */
    0x00, 0x0d, 0x00, 0x0e, 0x00, 0x0c, 0xc4, 0xa7,
    /* payload "sll2" (4 bytes) */
    0x73, 0x6c, 0x6c, 0x32,
};

/* raw IPv4 / TCP "USER x" */
static const uint8_t raw_ipv4_tcp[] = {
    /* IP: 192.0.2.1 > 198.51.100.2 tcp */
    0x45, 0x00, 0x00, 0x2e, 0x00, 0x17, 0x00, 0x00, 0x40, 0x06, 0x8e, 0x7c,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* TCP: TCP 192.0.2.1:ftp > 198.51.100.2:iprop A */
    0x00, 0x15, 0x08, 0x49, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x50, 0x10, 0x20, 0x00, 0xe0, 0x1b, 0x00, 0x00,
    /* payload "USER x" (6 bytes) */
    0x55, 0x53, 0x45, 0x52, 0x20, 0x78,
};

/* raw IPv6 / TCP "USER y" */
static const uint8_t raw_ipv6_tcp[] = {
    /* IPv6: 2001:db8::1 > 2001:db8::2 (6) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* TCP: TCP 2001:db8::1:ftp > 2001:db8::2:iprop A */
    0x00, 0x15, 0x08, 0x49, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x50, 0x10, 0x20, 0x00, 0x70, 0xdd, 0x00, 0x00,
    /* payload "USER y" (6 bytes) */
    0x55, 0x53, 0x45, 0x52, 0x20, 0x79,
};

/* Ethernet / IPv4 fragment 0 of id 0x4242 (offset 0, MF=1) */
static const uint8_t eth_ipv4_frag0[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x2c, 0x42, 0x42, 0x20, 0x00, 0x40, 0x11, 0x2c, 0x48,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:4000 > 198.51.100.2:4001 */
    0x0f, 0xa0, 0x0f, 0xa1, 0x00, 0x30, 0xd2, 0xf4,
    /* payload "AAAAAAAAAAAAAAAA" (16 bytes) */
    0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
    0x41, 0x41, 0x41, 0x41,
};

/* Ethernet / IPv4 fragment 1 of id 0x4242 (offset 24, MF=0) */
static const uint8_t eth_ipv4_frag1[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 192.0.2.1 > 198.51.100.2 udp frag:3 */
    0x45, 0x00, 0x00, 0x2c, 0x42, 0x42, 0x00, 0x03, 0x40, 0x11, 0x4c, 0x45,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* payload "AAAAAAAABBBBBBBB" (24 bytes) */
    0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x42, 0x42, 0x42, 0x42,
    0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
};

/* Ethernet / IPv6 fragment 0 of id 0x99 */
static const uint8_t eth_ipv6_frag0[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv6) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x86, 0xdd,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (44) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x38, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* IPv6 Extension Header - Fragmentation header: next 17, offset 0, M 1, id 0x99 */
    0x11, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x99,
    /* UDP: UDP 4000 > 4001 */
    0x0f, 0xa0, 0x0f, 0xa1, 0x00, 0x40, 0x21, 0x55,
    /* payload "CCCCCCCCCCCCCCCC" (40 bytes) */
    0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43,
    0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43,
    0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43, 0x43,
    0x43, 0x43, 0x43, 0x43,
};

/* Ethernet / IPv6 fragment 1 of id 0x99 */
static const uint8_t eth_ipv6_frag1[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv6) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x86, 0xdd,
    /* IPv6: 2001:db8::1 > 2001:db8::2 (44) */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* IPv6 Extension Header - Fragmentation header: next 17, offset 48, M 0, id 0x99 */
    0x11, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x99,
    /* payload "DDDDDDDDDDDDDDDD" (16 bytes) */
    0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
    0x44, 0x44, 0x44, 0x44,
};

/* Ethernet / IPv4 / GRE version 1 (PPTP) key + seq / PPP ff 03 IPv4 / IPv4 / UDP "pptp" */
static const uint8_t eth_ipv4_pptp_gre_ppp[] = {
    /* Ethernet: 66:77:88:99:aa:bb > 00:11:22:33:44:55 (IPv4) */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* IP: 203.0.113.1 > 203.0.113.2 gre */
    0x45, 0x00, 0x00, 0x43, 0x00, 0x1e, 0x00, 0x00, 0x40, 0x2f, 0x02, 0x6a,
    0xcb, 0x00, 0x71, 0x01, 0xcb, 0x00, 0x71, 0x02,
    /* GRE version 1 (PPTP): K S set, protocol 0x880b, payload length 35, call id 7, seq 1 */
    0x30, 0x01, 0x88, 0x0b, 0x00, 0x23, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,
    /* PPP address 0xff, control 0x03 */
    0xff, 0x03,
    /* PPP protocol 0x21 = IPv4, protocol-field compressed to one byte */
    0x21,
    /* IP: 192.0.2.1 > 198.51.100.2 udp */
    0x45, 0x00, 0x00, 0x20, 0x00, 0x1f, 0x00, 0x00, 0x40, 0x11, 0x8e, 0x77,
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x02,
    /* UDP: UDP 192.0.2.1:1723 > 198.51.100.2:1724 */
    0x06, 0xbb, 0x06, 0xbc, 0x00, 0x0c, 0x21, 0x47,
    /* payload "pptp" (4 bytes) */
    0x70, 0x70, 0x74, 0x70,
};


/* A decoder with default settings, its counters and one packet. */
struct fx {
    struct config cfg;
    struct stats st;
    struct decode_ctx *dc;
    struct packet pkt;
};

static struct fx *fx_new(void)
{
    struct fx *f = calloc(1, sizeof(*f));

    ck_assert_ptr_nonnull(f);
    config_defaults(&f->cfg);
    f->dc = decode_ctx_new(&f->cfg, &f->st);
    ck_assert_ptr_nonnull(f->dc);
    return f;
}

static void fx_free(struct fx *f)
{
    decode_ctx_free(f->dc);
    free(f);
}

/* Decodes len bytes of data as linktype; the packet is poisoned first to prove the reset. */
static enum decode_result run(struct fx *f, int linktype, const uint8_t *data, size_t len)
{
    memset(&f->pkt, 0xa5, sizeof(f->pkt));
    f->pkt.ts_us = 1000000;
    f->pkt.data = data;
    f->pkt.caplen = (uint32_t)len;
    f->pkt.wirelen = (uint32_t)len;
    f->pkt.linktype = linktype;
    f->pkt.pcap_cnt = 1;
    return decode_packet(f->dc, &f->pkt);
}

static bool has_anomaly(const struct packet *pkt, enum stat_id id)
{
    for (unsigned i = 0; i < pkt->n_anomalies; i++)
        if (pkt->anomalies[i] == id)
            return true;
    return false;
}

static void assert_v4(const struct ip_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    const uint8_t want[16] = {b0, b1, b2, b3};

    ck_assert_uint_eq(a->family, 4);
    ck_assert_mem_eq(a->a, want, 16);
}

static void assert_payload(const struct packet *pkt, const char *text)
{
    size_t n = strlen(text);

    ck_assert_uint_eq(pkt->payload_len, n);
    ck_assert_ptr_nonnull(pkt->payload);
    ck_assert_mem_eq(pkt->payload, text, n);
}

#define ST(f, id) ((f)->st.v[STAT_##id])

START_TEST(test_eth_tcp_syn_options)
{
    struct fx *f = fx_new();
    struct packet *p = &f->pkt;

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_tcp_syn, sizeof(eth_ipv4_tcp_syn)), DECODE_L4);
    ck_assert_uint_eq(p->ip_version, 4);
    ck_assert_uint_eq(p->ip_proto, 6);
    ck_assert_uint_eq(p->ttl, 64);
    ck_assert_uint_eq(p->ip_len, 60);
    assert_v4(&p->src, 192, 0, 2, 1);
    assert_v4(&p->dst, 198, 51, 100, 2);
    ck_assert_uint_eq(p->sport, 40000);
    ck_assert_uint_eq(p->dport, 5190);
    ck_assert_uint_eq(p->tcp.seq, 1000);
    ck_assert_uint_eq(p->tcp.ack, 0);
    ck_assert_uint_eq(p->tcp.flags, TCP_SYN);
    ck_assert_uint_eq(p->tcp.win, 65535);
    ck_assert_uint_eq(p->tcp.mss, 1460);
    ck_assert(p->tcp.sack_ok);
    ck_assert(p->tcp.has_ts);
    ck_assert_uint_eq(p->tcp.tsval, 123456);
    ck_assert_uint_eq(p->tcp.tsecr, 0);
    ck_assert(p->tcp.has_wscale);
    ck_assert_uint_eq(p->tcp.wscale, 7);
    ck_assert_int_eq(p->l3_csum, CSUM_OK);
    ck_assert_int_eq(p->l4_csum, CSUM_OK);
    ck_assert_uint_eq(p->payload_len, 0);
    ck_assert_uint_eq(p->flags, PKT_HAS_L4);
    ck_assert_uint_eq(p->n_anomalies, 0);
    ck_assert_uint_eq(p->vlan_count, 0);
    /* caller fields survive the reset */
    ck_assert_ptr_eq(p->data, eth_ipv4_tcp_syn);
    ck_assert_int_eq(p->ts_us, 1000000);
    ck_assert_uint_eq(ST(f, DECODER_PKTS), 1);
    ck_assert_uint_eq(ST(f, DECODER_BYTES), sizeof(eth_ipv4_tcp_syn));
    ck_assert_uint_eq(ST(f, DECODER_ETHERNET), 1);
    ck_assert_uint_eq(ST(f, DECODER_IPV4), 1);
    ck_assert_uint_eq(ST(f, DECODER_TCP), 1);
    ck_assert_uint_eq(ST(f, DECODER_INVALID), 0);
    ck_assert_uint_eq(ST(f, DECODER_MAX_PKT_SIZE), sizeof(eth_ipv4_tcp_syn));
    fx_free(f);
}
END_TEST

/* Offsets in eth_ipv4_tcp_syn. */
#define SYN_IP 14
#define SYN_TCP 34
#define SYN_OPTS 54

START_TEST(test_wrong_checksums_recorded_not_dropped)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_tcp_syn)];

    /* TCP checksum 0xc518 -> 0xc519 */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    b[SYN_TCP + 17] ^= 0x01;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_BAD);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_OK);
    ck_assert_uint_eq(f->pkt.sport, 40000);

    /* IPv4 header checksum 0x8e84 -> 0x8e85: the TCP checksum does not cover it */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    b[SYN_IP + 11] ^= 0x01;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_BAD);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);

    /* source address changed: both wrong (the pseudo-header covers it) */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    b[SYN_IP + 15] = 0x09;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_BAD);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_BAD);
    ck_assert_uint_eq(f->st.v[STAT_DECODER_INVALID], 0);
    fx_free(f);
}
END_TEST

START_TEST(test_tcp_malformed_options)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_tcp_syn)];

    /* MSS option length 0: the walk stops, the segment is still delivered */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    b[SYN_OPTS + 1] = 0x00;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_TCP_OPT_INVALID_LEN));
    ck_assert_uint_eq(f->pkt.tcp.mss, 0);
    ck_assert(!f->pkt.tcp.has_wscale);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_BAD);

    /* MSS option length 3 (must be 4): reported, skipped, later options still read */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    b[SYN_OPTS + 1] = 0x03; /* 02 03 05 | b4 04 02 ...: b4 becomes an unknown kind */
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_TCP_OPT_INVALID_LEN));
    ck_assert_uint_eq(f->pkt.tcp.mss, 0);

    /* timestamps (08 0a + 8 bytes) replaced by a second MSS 02 04 00 10 and 6 NOPs */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    memcpy(b + SYN_OPTS + 6, "\x02\x04\x00\x10\x01\x01\x01\x01\x01\x01", 10);
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_TCP_OPT_DUPLICATE));
    ck_assert_uint_eq(f->pkt.tcp.mss, 1460); /* the first one counts */
    ck_assert(!f->pkt.tcp.has_ts);
    ck_assert(f->pkt.tcp.has_wscale);

    /* data offset 4 (16 bytes) is below the minimum header */
    memcpy(b, eth_ipv4_tcp_syn, sizeof(b));
    b[SYN_TCP + 12] = 0x40;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_TCP_HLEN_TOO_SMALL));

    /* data offset 15 (60 bytes) runs past the 40-byte segment */
    b[SYN_TCP + 12] = 0xf0;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_TCP_INVALID_OPTLEN));
    ck_assert_uint_eq(f->st.v[STAT_DECODER_INVALID], 2);
    fx_free(f);
}
END_TEST

START_TEST(test_ethernet_padding_not_payload)
{
    struct fx *f = fx_new();

    ck_assert_uint_eq(sizeof(eth_ipv4_udp_padded), 60);
    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_udp_padded, sizeof(eth_ipv4_udp_padded)),
                     DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_len, 30);
    assert_payload(&f->pkt, "hi");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert(!(f->pkt.flags & PKT_TRUNCATED));
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);
    fx_free(f);
}
END_TEST

START_TEST(test_ipv4_options)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_opts_udp)];

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_opts_udp, sizeof(eth_ipv4_opts_udp)), DECODE_L4);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_OK);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(f->pkt.sport, 53);
    assert_payload(&f->pkt, "x");
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);

    /* record-route length 7 -> 0x30: runs past the 12 option bytes */
    memcpy(b, eth_ipv4_opts_udp, sizeof(b));
    b[14 + 21] = 0x30;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_OPT_INVALID_LEN));

    /* record-route pointer 4 -> 1: below the first slot */
    memcpy(b, eth_ipv4_opts_udp, sizeof(b));
    b[14 + 22] = 0x01;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_OPT_MALFORMED));

    /* EOL and padding -> NOP NOP NOP, last byte 0x44 timestamp with no room for its length */
    memcpy(b, eth_ipv4_opts_udp, sizeof(b));
    memcpy(b + 14 + 28, "\x01\x01\x01\x44", 4);
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_OPT_INVALID));
    fx_free(f);
}
END_TEST

START_TEST(test_ipv4_header_errors)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(raw_ipv4_tcp)];

    memcpy(b, raw_ipv4_tcp, sizeof(b));
    b[0] = 0x55; /* version 5 on a forced-IPv4 link */
    ck_assert_int_eq(run(f, LT_IPV4, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_WRONG_IP_VERSION));
    /* on a raw link the version picks the decoder */
    ck_assert_int_eq(run(f, LT_RAW, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPRAW_INVALID_IP_VERSION));

    b[0] = 0x44; /* IHL 4 = 16 bytes */
    ck_assert_int_eq(run(f, LT_RAW, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_HLEN_TOO_SMALL));

    memcpy(b, raw_ipv4_tcp, sizeof(b));
    b[2] = 0x00;
    b[3] = 0x10; /* total length 16 < 20 */
    ck_assert_int_eq(run(f, LT_RAW, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_IPLEN_SMALLER_THAN_HLEN));

    memcpy(b, raw_ipv4_tcp, sizeof(b));
    b[0] = 0x4f; /* IHL 15 = 60 bytes, more than the 46 captured */
    b[2] = 0x01; /* total length 256+46 */
    ck_assert_int_eq(run(f, LT_RAW, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_TRUNC_PKT));
    fx_free(f);
}
END_TEST

START_TEST(test_qinq)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_qinq_ipv4_udp, sizeof(eth_qinq_ipv4_udp)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.vlan_count, 2);
    ck_assert_uint_eq(f->pkt.vlan[0], 100);
    ck_assert_uint_eq(f->pkt.vlan[1], 200);
    ck_assert_uint_eq(f->pkt.sport, 1);
    ck_assert_uint_eq(f->pkt.dport, 2);
    assert_payload(&f->pkt, "q");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_VLAN), 1);
    ck_assert_uint_eq(ST(f, DECODER_VLAN_QINQ), 1);
    ck_assert(!(f->pkt.flags & PKT_TUNNELED)); /* VLANs are not a tunnel */
    fx_free(f);
}
END_TEST

START_TEST(test_vlan_too_many)
{
    struct fx *f = fx_new();
    /* Ethernet, then four 802.1Q tags (VLAN 1..4), then IPv4 that is never reached */
    static const uint8_t b[] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x81, 0x00,
        0x00, 0x01, 0x81, 0x00, /* tag 1 */
        0x00, 0x02, 0x81, 0x00, /* tag 2 */
        0x00, 0x03, 0x81, 0x00, /* tag 3 */
        0x00, 0x04, 0x08, 0x00, /* tag 4 */
        0x45, 0x00, 0x00, 0x14, 0, 0, 0, 0, 0x40, 0x06, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
    };

    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_VLAN_TOO_MANY_LAYERS));
    ck_assert_uint_eq(f->pkt.vlan[0], 1);
    ck_assert_uint_eq(f->pkt.vlan[1], 2);
    ck_assert_uint_eq(ST(f, DECODER_VLAN_QINQINQ), 2);
    fx_free(f);
}
END_TEST

START_TEST(test_mpls_two_labels)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_mpls2_ipv4_icmp, sizeof(eth_mpls2_ipv4_icmp)),
                     DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_proto, 1);
    ck_assert_uint_eq(f->pkt.sport, 8); /* ICMP type: echo request */
    ck_assert_uint_eq(f->pkt.dport, 0); /* ICMP code */
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_OK);
    assert_payload(&f->pkt, "ping");
    ck_assert_uint_eq(ST(f, DECODER_MPLS), 1);
    ck_assert_uint_eq(ST(f, DECODER_ICMPV4), 1);
    fx_free(f);
}
END_TEST

START_TEST(test_mpls_errors)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_mpls2_ipv4_icmp)];

    /* bottom-of-stack never set, and the stack runs out of bytes */
    memcpy(b, eth_mpls2_ipv4_icmp, sizeof(b));
    b[14 + 6] &= (uint8_t)~0x01;
    ck_assert_int_eq(run(f, LT_EN10MB, b, 30), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_MPLS_HEADER_TOO_SMALL));

    /* payload after the bottom label starts with nibble 5: unknown */
    memcpy(b, eth_mpls2_ipv4_icmp, sizeof(b));
    b[22] = 0x55;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_MPLS_UNKNOWN_PAYLOAD_TYPE));

    /* bottom label 17 -> 0 (IPv4 explicit null): IPv4 by the label */
    memcpy(b, eth_mpls2_ipv4_icmp, sizeof(b));
    b[18] = 0x00;
    b[19] = 0x00;
    b[20] = 0x01;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);

    /* bottom label 17 -> 3 (implicit null never appears on the wire) */
    b[19] = 0x00;
    b[20] = 0x31;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_MPLS_BAD_LABEL_IMPLICIT_NULL));
    fx_free(f);
}
END_TEST

START_TEST(test_mpls_pseudowire)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(
        run(f, LT_EN10MB, eth_mpls_pw_eth_ipv4_tcp, sizeof(eth_mpls_pw_eth_ipv4_tcp)), DECODE_L4);
    assert_v4(&f->pkt.src, 10, 1, 1, 1);
    assert_v4(&f->pkt.dst, 10, 2, 2, 2);
    ck_assert_uint_eq(f->pkt.sport, 1234);
    ck_assert_uint_eq(f->pkt.dport, 80);
    ck_assert_uint_eq(f->pkt.tcp.flags, TCP_PSH | TCP_ACK);
    assert_payload(&f->pkt, "GET");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_ETHERNET), 2); /* outer and inner frame */
    ck_assert_uint_eq(ST(f, DECODER_MPLS), 1);
    fx_free(f);
}
END_TEST

START_TEST(test_pppoe)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_pppoe_ipv4_udp)];

    ck_assert_int_eq(run(f, LT_EN10MB, eth_pppoe_ipv4_udp, sizeof(eth_pppoe_ipv4_udp)), DECODE_L4);
    assert_payload(&f->pkt, "pppoe");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_PPPOE), 1);

    ck_assert_int_eq(run(f, LT_EN10MB, eth_pppoe_ipv6_udp, sizeof(eth_pppoe_ipv6_udp)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_version, 6);
    assert_payload(&f->pkt, "v6");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_IPV6), 1);

    /* code 0x09 (PADI) is discovery, not a session frame */
    memcpy(b, eth_pppoe_ipv4_udp, sizeof(b));
    b[15] = 0x09;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_PPPOE_WRONG_CODE));

    /* PPP protocol 0xc0 0x21 (LCP): not IP */
    memcpy(b, eth_pppoe_ipv4_udp, sizeof(b));
    b[20] = 0xc0;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_NOT_IP);
    fx_free(f);
}
END_TEST

START_TEST(test_gre_plain)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_gre_ipv4_tcp, sizeof(eth_ipv4_gre_ipv4_tcp)),
                     DECODE_L4);
    ck_assert(f->pkt.flags & PKT_TUNNELED);
    assert_v4(&f->pkt.src, 192, 0, 2, 1); /* the inner packet */
    ck_assert_uint_eq(f->pkt.sport, 5555);
    ck_assert_uint_eq(f->pkt.dport, 1863);
    ck_assert_uint_eq(f->pkt.ip_proto, 6);
    assert_payload(&f->pkt, "MSG");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_GRE), 1);
    ck_assert_uint_eq(ST(f, DECODER_IPV4), 2);
    fx_free(f);
}
END_TEST

/* Found by fuzz_decode: truncation is a property of the innermost datagram. */
START_TEST(test_outer_truncated_inner_complete)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_gre_ipv4_tcp)];

    /* outer total length +16: the outer datagram looks cut, the inner TCP segment is whole */
    memcpy(b, eth_ipv4_gre_ipv4_tcp, sizeof(b));
    b[17] = (uint8_t)(b[17] + 16);
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_TRUNC_PKT));
    ck_assert(!(f->pkt.flags & PKT_TRUNCATED));
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    assert_payload(&f->pkt, "MSG");
    fx_free(f);
}
END_TEST

START_TEST(test_gre_key_seq)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_grekeyseq_ipv4_udp)];

    ck_assert_int_eq(
        run(f, LT_EN10MB, eth_ipv4_grekeyseq_ipv4_udp, sizeof(eth_ipv4_grekeyseq_ipv4_udp)),
        DECODE_L4);
    ck_assert(f->pkt.flags & PKT_TUNNELED);
    ck_assert_uint_eq(f->pkt.sport, 7);
    assert_payload(&f->pkt, "k");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);

    /* version 2 does not exist */
    memcpy(b, eth_ipv4_grekeyseq_ipv4_udp, sizeof(b));
    b[35] |= 0x02;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_GRE_WRONG_VERSION));

    /* recursion control set in version 0 */
    memcpy(b, eth_ipv4_grekeyseq_ipv4_udp, sizeof(b));
    b[34] |= 0x01;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_GRE_VERSION0_RECUR));

    /* inner protocol 0x0806 (ARP): the outer GRE packet is what is left */
    memcpy(b, eth_ipv4_grekeyseq_ipv4_udp, sizeof(b));
    b[36] = 0x08;
    b[37] = 0x06;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L3);
    ck_assert_uint_eq(f->pkt.ip_proto, 47);
    assert_v4(&f->pkt.src, 203, 0, 113, 1);
    ck_assert(!(f->pkt.flags & PKT_TUNNELED));
    fx_free(f);
}
END_TEST

START_TEST(test_pptp_gre_ppp)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_pptp_gre_ppp, sizeof(eth_ipv4_pptp_gre_ppp)),
                     DECODE_L4);
    ck_assert(f->pkt.flags & PKT_TUNNELED);
    ck_assert_uint_eq(f->pkt.sport, 1723);
    assert_payload(&f->pkt, "pptp");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_PPP), 1);
    fx_free(f);
}
END_TEST

/* The three ERSPAN samples all carry Ethernet / 10.3.3.3 > 10.4.4.4 UDP 9 > 10 "span". */
static void check_span_inner(struct fx *f)
{
    ck_assert(f->pkt.flags & PKT_TUNNELED);
    assert_v4(&f->pkt.src, 10, 3, 3, 3);
    assert_v4(&f->pkt.dst, 10, 4, 4, 4);
    ck_assert_uint_eq(f->pkt.sport, 9);
    ck_assert_uint_eq(f->pkt.dport, 10);
    assert_payload(&f->pkt, "span");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);
}

START_TEST(test_erspan)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_gre_erspan2)];

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_gre_erspan2, sizeof(eth_ipv4_gre_erspan2)),
                     DECODE_L4);
    check_span_inner(f);
    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_gre_erspan3, sizeof(eth_ipv4_gre_erspan3)),
                     DECODE_L4);
    check_span_inner(f);
    ck_assert_int_eq(
        run(f, LT_EN10MB, eth_ipv4_gre_erspan3_sub, sizeof(eth_ipv4_gre_erspan3_sub)), DECODE_L4);
    check_span_inner(f);
    ck_assert_uint_eq(ST(f, DECODER_ERSPAN), 3);
    ck_assert_uint_eq(ST(f, DECODER_GRE), 3);

    /* ERSPAN II header claiming version 2 */
    memcpy(b, eth_ipv4_gre_erspan2, sizeof(b));
    b[42] = (uint8_t)((b[42] & 0x0f) | 0x20);
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_ERSPAN_UNSUPPORTED_VERSION));
    /* cut inside the ERSPAN II header */
    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_gre_erspan2, 46), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_ERSPAN_HEADER_TOO_SMALL));
    fx_free(f);
}
END_TEST

START_TEST(test_vxlan)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_vxlan)];

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_vxlan, sizeof(eth_ipv4_vxlan)), DECODE_L4);
    check_span_inner(f);
    ck_assert_uint_eq(ST(f, DECODER_VXLAN), 1);
    ck_assert_uint_eq(ST(f, DECODER_UDP), 2);

    /* without the I flag it is plain UDP to port 4789 */
    memcpy(b, eth_ipv4_vxlan, sizeof(b));
    b[42] = 0x00;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(!(f->pkt.flags & PKT_TUNNELED));
    ck_assert_uint_eq(f->pkt.sport, 50000);
    ck_assert_uint_eq(f->pkt.dport, 4789);
    ck_assert_uint_eq(f->pkt.payload_len, sizeof(b) - 42);

    /* inner EtherType 0x88cc (LLDP): the outer UDP datagram, with an anomaly */
    memcpy(b, eth_ipv4_vxlan, sizeof(b));
    b[62] = 0x88;
    b[63] = 0xcc;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_VXLAN_UNKNOWN_PAYLOAD_TYPE));
    ck_assert_uint_eq(f->pkt.dport, 4789);
    fx_free(f);
}
END_TEST

START_TEST(test_ip_in_ip)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_ipv4_tcp, sizeof(eth_ipv4_ipv4_tcp)), DECODE_L4);
    ck_assert(f->pkt.flags & PKT_TUNNELED);
    assert_v4(&f->pkt.src, 192, 0, 2, 1);
    ck_assert_uint_eq(f->pkt.tcp.flags, TCP_SYN);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_IPV4_IN_IPV4), 1);

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_ipv6_udp, sizeof(eth_ipv4_ipv6_udp)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_version, 6);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_UNKNOWN); /* the outer IPv4 verdict is gone */
    assert_payload(&f->pkt, "6in4");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_IPV6_IN_IPV4), 1);

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv6_ipv4_udp, sizeof(eth_ipv6_ipv4_udp)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_version, 4);
    ck_assert(f->pkt.flags & PKT_TUNNELED);
    assert_payload(&f->pkt, "4in6");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_IPV4_IN_IPV6), 1);
    fx_free(f);
}
END_TEST

START_TEST(test_decap_depth_limit)
{
    struct fx *f = fx_new();
    uint8_t b[20 * (LIM_DECAP_DEPTH + 2) + 20];
    size_t n = sizeof(b);

    /* LIM_DECAP_DEPTH + 2 IPv4 headers each saying "IP-in-IP", then a TCP header */
    memset(b, 0, sizeof(b));
    for (size_t i = 0; i < LIM_DECAP_DEPTH + 2; i++) {
        uint8_t *h = b + 20 * i;

        h[0] = 0x45;
        h[2] = (uint8_t)((n - 20 * i) >> 8);
        h[3] = (uint8_t)(n - 20 * i);
        h[8] = 64;
        h[9] = 4; /* protocol: IPv4 */
    }
    ck_assert_int_eq(run(f, LT_RAW, b, n), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_DECODER_TOO_MANY_LAYERS));
    ck_assert_uint_eq(ST(f, DECODER_TOO_MANY_LAYERS), 1);
    ck_assert_uint_eq(ST(f, DECODER_IPV4), LIM_DECAP_DEPTH + 1);
    fx_free(f);
}
END_TEST

START_TEST(test_ipv6_ext_chain)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv6_hbh_dst_tcp, sizeof(eth_ipv6_hbh_dst_tcp)),
                     DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_version, 6);
    ck_assert_uint_eq(f->pkt.ip_proto, 6);
    ck_assert_uint_eq(f->pkt.ttl, 55);
    ck_assert_uint_eq(f->pkt.sport, 6346);
    ck_assert_uint_eq(f->pkt.ip_len, sizeof(eth_ipv6_hbh_dst_tcp) - 14);
    assert_payload(&f->pkt, "GNUTELLA");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_UNKNOWN);
    ck_assert_uint_eq(f->pkt.src.family, 6);
    ck_assert_uint_eq(f->pkt.src.a[0], 0x20);
    ck_assert_uint_eq(f->pkt.src.a[15], 0x01);
    ck_assert_uint_eq(f->pkt.dst.a[15], 0x02);
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);
    fx_free(f);
}
END_TEST

/* IPv6 header (no L2) with payload length plen and next header nh, from 2001:db8::1 to ::2. */
static size_t ipv6_hdr(uint8_t *b, uint16_t plen, uint8_t nh)
{
    memset(b, 0, 40);
    b[0] = 0x60;
    b[4] = (uint8_t)(plen >> 8);
    b[5] = (uint8_t)plen;
    b[6] = nh;
    b[7] = 64;
    b[8] = 0x20;
    b[9] = 0x01;
    b[10] = 0x0d;
    b[11] = 0xb8;
    b[23] = 1;
    memcpy(b + 24, b + 8, 16);
    b[39] = 2;
    return 40;
}

START_TEST(test_ipv6_ext_errors)
{
    struct fx *f = fx_new();
    uint8_t b[40 + 8 * 20];

    /* hop-by-hop, 8 bytes: next 59, len 0, option type 0x05 with length 9 (> the 4 left) */
    ipv6_hdr(b, 8, 0);
    memcpy(b + 40, "\x3b\x00\x05\x09\x00\x00\x00\x00", 8);
    ck_assert_int_eq(run(f, LT_RAW, b, 48), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_EXTHDR_INVALID_OPTLEN));

    /* the same with a PadN of length 4: well formed, no next header -> L3 */
    memcpy(b + 40, "\x3b\x00\x01\x04\x00\x00\x00\x00", 8);
    ck_assert_int_eq(run(f, LT_RAW, b, 48), DECODE_L3);
    ck_assert_uint_eq(f->pkt.ip_proto, 59);
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);

    /* destination options claiming 16 bytes when 8 remain */
    ipv6_hdr(b, 8, 60);
    memcpy(b + 40, "\x3b\x01\x01\x04\x00\x00\x00\x00", 8);
    ck_assert_int_eq(run(f, LT_RAW, b, 48), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_TRUNC_EXTHDR));

    /* two fragment headers (offset 8 each) */
    ipv6_hdr(b, 16, 44);
    memcpy(b + 40, "\x2c\x00\x00\x08\x00\x00\x00\x01", 8);
    memcpy(b + 48, "\x11\x00\x00\x08\x00\x00\x00\x01", 8);
    ck_assert_int_eq(run(f, LT_RAW, b, 56), DECODE_FRAGMENT);
    /* the first one goes to the defragmenter: duplicates seen only before it */
    ipv6_hdr(b, 16, 44);
    memcpy(b + 40, "\x2c\x00\x00\x00\x00\x00\x00\x01", 8); /* atomic: offset 0, M 0 */
    memcpy(b + 48, "\x11\x00\x00\x00\x00\x00\x00\x01", 8);
    ck_assert_int_eq(run(f, LT_RAW, b, 56), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_EXTHDR_USELESS_FH));
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_EXTHDR_DUPL_FH));

    /* LIM_IPV6_EXT_HDRS + 1 destination-options headers */
    ipv6_hdr(b, 8 * (LIM_IPV6_EXT_HDRS + 1), 60);
    for (int i = 0; i <= LIM_IPV6_EXT_HDRS; i++)
        memcpy(b + 40 + 8 * i, i == LIM_IPV6_EXT_HDRS ? "\x3b\x00\x01\x04\x00\x00\x00\x00"
                                                      : "\x3c\x00\x01\x04\x00\x00\x00\x00",
               8);
    ck_assert_int_eq(run(f, LT_RAW, b, 40 + 8 * (LIM_IPV6_EXT_HDRS + 1)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_EXTHDR_DUPL_DH)); /* a third one, once */
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_EXTHDR_TOO_MANY));
    ck_assert_uint_eq(ST(f, ANOM_IPV6_EXTHDR_DUPL_DH), 1);

    /* version nibble 4 on a forced-IPv6 link */
    ipv6_hdr(b, 0, 59);
    b[0] = 0x40;
    ck_assert_int_eq(run(f, LT_IPV6, b, 40), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV6_WRONG_IP_VERSION));
    fx_free(f);
}
END_TEST

START_TEST(test_icmpv6)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv6_icmpv6)];

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv6_icmpv6, sizeof(eth_ipv6_icmpv6)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_proto, 58);
    ck_assert_uint_eq(f->pkt.sport, 128); /* echo request */
    ck_assert_uint_eq(f->pkt.dport, 0);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    assert_payload(&f->pkt, "abc");
    ck_assert_uint_eq(ST(f, DECODER_ICMPV6), 1);

    /* one payload byte changed: the checksum no longer matches */
    memcpy(b, eth_ipv6_icmpv6, sizeof(b));
    b[sizeof(b) - 1] ^= 0x20;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_BAD);
    fx_free(f);
}
END_TEST

START_TEST(test_udp)
{
    struct fx *f = fx_new();
    uint8_t b[sizeof(eth_ipv4_udp_csum0)];

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_udp_csum0, sizeof(eth_ipv4_udp_csum0)), DECODE_L4);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_UNKNOWN); /* zero = no checksum on IPv4 */
    assert_payload(&f->pkt, "zero");

    /* UDP length 13 > the 12 bytes IP carries */
    memcpy(b, eth_ipv4_udp_csum0, sizeof(b));
    b[39] = 13;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_UDP_HLEN_INVALID));
    /* UDP length 4 < its own header */
    b[39] = 4;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_UDP_HLEN_TOO_SMALL));
    /* UDP length 10 < 12: the payload is what UDP says ("ze") */
    b[39] = 10;
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b)), DECODE_L4);
    assert_payload(&f->pkt, "ze");

    /* found by fuzz_decode: IP cut short but the shorter UDP datagram whole: no verdict */
    memcpy(b, eth_ipv4_udp_csum0, sizeof(b));
    b[39] = 10;
    b[40] = 0x12; /* a non-zero checksum, so one would be computed */
    ck_assert_int_eq(run(f, LT_EN10MB, b, sizeof(b) - 1), DECODE_L4);
    ck_assert(f->pkt.flags & PKT_TRUNCATED);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_UNKNOWN);
    fx_free(f);
}
END_TEST

START_TEST(test_sll_sll2)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_SLL, sll_ipv4_udp, sizeof(sll_ipv4_udp)), DECODE_L4);
    assert_payload(&f->pkt, "sll");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_int_eq(run(f, LT_SLL2, sll2_ipv6_udp, sizeof(sll2_ipv6_udp)), DECODE_L4);
    ck_assert_uint_eq(f->pkt.ip_version, 6);
    assert_payload(&f->pkt, "sll2");
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    ck_assert_uint_eq(ST(f, DECODER_SLL), 2);

    ck_assert_int_eq(run(f, LT_SLL, sll_ipv4_udp, 15), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_SLL_PKT_TOO_SMALL));
    ck_assert_int_eq(run(f, LT_SLL2, sll2_ipv6_udp, 19), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_SLL_PKT_TOO_SMALL));
    fx_free(f);
}
END_TEST

START_TEST(test_raw_linktypes)
{
    struct fx *f = fx_new();
    static const int raw_types[] = {LT_RAW, LT_RAW_OPENBSD, LT_LINKTYPE_RAW};

    for (size_t i = 0; i < sizeof(raw_types) / sizeof(raw_types[0]); i++) {
        ck_assert_int_eq(run(f, raw_types[i], raw_ipv4_tcp, sizeof(raw_ipv4_tcp)), DECODE_L4);
        assert_payload(&f->pkt, "USER x");
        ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
        ck_assert_int_eq(run(f, raw_types[i], raw_ipv6_tcp, sizeof(raw_ipv6_tcp)), DECODE_L4);
        assert_payload(&f->pkt, "USER y");
        ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    }
    ck_assert_int_eq(run(f, LT_IPV4, raw_ipv4_tcp, sizeof(raw_ipv4_tcp)), DECODE_L4);
    ck_assert_int_eq(run(f, LT_IPV6, raw_ipv6_tcp, sizeof(raw_ipv6_tcp)), DECODE_L4);
    ck_assert_int_eq(run(f, LT_IPV4, raw_ipv6_tcp, sizeof(raw_ipv6_tcp)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPV4_WRONG_IP_VERSION));
    ck_assert_int_eq(run(f, LT_RAW, raw_ipv4_tcp, 0), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_IPRAW_INVALID_IP_VERSION));
    ck_assert_uint_eq(ST(f, DECODER_RAW), 10);
    fx_free(f);
}
END_TEST

/* Prefixes a 4-byte DLT_NULL/DLT_LOOP family to an IP packet. */
static size_t null_frame(uint8_t *out, uint32_t af, bool big_endian, const uint8_t *ip,
                         size_t len)
{
    for (int i = 0; i < 4; i++)
        out[i] = (uint8_t)(af >> (big_endian ? 24 - 8 * i : 8 * i));
    memcpy(out + 4, ip, len);
    return len + 4;
}

START_TEST(test_null_loopback)
{
    struct fx *f = fx_new();
    static const uint32_t af6[] = {10, 24, 28, 30};
    uint8_t b[4 + sizeof(raw_ipv6_tcp)];
    size_t n;

    for (int lt = 0; lt < 2; lt++) {
        int linktype = lt ? LT_LOOP : LT_NULL;

        for (int be = 0; be < 2; be++) {
            n = null_frame(b, 2, be, raw_ipv4_tcp, sizeof(raw_ipv4_tcp));
            ck_assert_int_eq(run(f, linktype, b, n), DECODE_L4);
            ck_assert_uint_eq(f->pkt.ip_version, 4);
            assert_payload(&f->pkt, "USER x");
            for (size_t i = 0; i < 4; i++) {
                n = null_frame(b, af6[i], be, raw_ipv6_tcp, sizeof(raw_ipv6_tcp));
                ck_assert_int_eq(run(f, linktype, b, n), DECODE_L4);
                ck_assert_uint_eq(f->pkt.ip_version, 6);
                assert_payload(&f->pkt, "USER y");
                ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
            }
        }
    }
    n = null_frame(b, 7, false, raw_ipv4_tcp, sizeof(raw_ipv4_tcp)); /* AF 7: not IP */
    ck_assert_int_eq(run(f, LT_NULL, b, n), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_LTNULL_UNSUPPORTED_TYPE));
    ck_assert_int_eq(run(f, LT_NULL, b, 3), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_LTNULL_PKT_TOO_SMALL));
    ck_assert_uint_eq(ST(f, DECODER_NULL), 22);
    fx_free(f);
}
END_TEST

START_TEST(test_unsupported_linktype)
{
    struct fx *f = fx_new();

    ck_assert(!decode_linktype_supported(147));
    ck_assert(decode_linktype_supported(LT_SLL2));
    ck_assert_int_eq(run(f, 147, raw_ipv4_tcp, sizeof(raw_ipv4_tcp)), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_UNSUPPORTED_LINKTYPE));
    ck_assert_uint_eq(ST(f, DECODER_INVALID), 1);
    /* an empty Ethernet frame and a NULL data pointer */
    ck_assert_int_eq(run(f, LT_EN10MB, NULL, 0), DECODE_INVALID);
    ck_assert(has_anomaly(&f->pkt, STAT_ANOM_ETHERNET_PKT_TOO_SMALL));
    fx_free(f);
}
END_TEST

START_TEST(test_not_ip_resets_packet)
{
    struct fx *f = fx_new();
    /* Ethernet / ARP request (EtherType 0x0806); ARP body not decoded */
    static const uint8_t arp[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
        0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
    };

    ck_assert_int_eq(run(f, LT_EN10MB, arp, sizeof(arp)), DECODE_NOT_IP);
    ck_assert_uint_eq(f->pkt.ip_version, 0);
    ck_assert_uint_eq(f->pkt.flags, 0);
    ck_assert_uint_eq(f->pkt.n_anomalies, 0);
    ck_assert_ptr_null(f->pkt.payload);
    ck_assert_uint_eq(f->pkt.src.family, 0);
    ck_assert_uint_eq(ST(f, DECODER_ARP), 1);
    fx_free(f);
}
END_TEST

START_TEST(test_anomaly_cap)
{
    struct stats st;
    struct packet pkt;

    memset(&st, 0, sizeof(st));
    memset(&pkt, 0, sizeof(pkt));
    for (int i = 0; i < PKT_MAX_ANOMALIES + 2; i++)
        decode_anomaly(&st, &pkt, STAT_ANOM_TCP_OPT_DUPLICATE);
    ck_assert_uint_eq(pkt.n_anomalies, PKT_MAX_ANOMALIES);
    ck_assert_uint_eq(st.v[STAT_ANOM_TCP_OPT_DUPLICATE], PKT_MAX_ANOMALIES + 2);
    ck_assert_str_eq(stats_name(STAT_ANOM_TCP_OPT_DUPLICATE), "decoder.event.tcp.opt_duplicate");
    ck_assert_str_eq(stats_name(STAT_ANOM_DECODER_TOO_MANY_LAYERS),
                     "decoder.event.too_many_layers");
    ck_assert_str_eq(stats_name(STAT_DECODER_VLAN_QINQ), "decoder.vlan_qinq");
}
END_TEST

START_TEST(test_ipv4_fragments)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_frag0, sizeof(eth_ipv4_frag0)), DECODE_FRAGMENT);
    ck_assert(!(f->pkt.flags & PKT_HAS_L4));
    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv4_frag1, sizeof(eth_ipv4_frag1)), DECODE_L4);
    ck_assert(f->pkt.flags & PKT_DEFRAG);
    ck_assert_uint_eq(f->pkt.sport, 4000);
    ck_assert_uint_eq(f->pkt.dport, 4001);
    ck_assert_uint_eq(f->pkt.ip_len, 68);
    ck_assert_uint_eq(f->pkt.payload_len, 40);
    ck_assert_mem_eq(f->pkt.payload, "AAAAAAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB", 40);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK); /* over the whole reassembled datagram */
    ck_assert_int_eq(f->pkt.l3_csum, CSUM_OK);
    fx_free(f);
}
END_TEST

START_TEST(test_ipv6_fragments)
{
    struct fx *f = fx_new();

    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv6_frag1, sizeof(eth_ipv6_frag1)), DECODE_FRAGMENT);
    ck_assert_int_eq(run(f, LT_EN10MB, eth_ipv6_frag0, sizeof(eth_ipv6_frag0)), DECODE_L4);
    ck_assert(f->pkt.flags & PKT_DEFRAG);
    ck_assert_uint_eq(f->pkt.ip_proto, 17);
    ck_assert_uint_eq(f->pkt.sport, 4000);
    ck_assert_uint_eq(f->pkt.payload_len, 56);
    ck_assert_mem_eq(f->pkt.payload + 36, "CCCCDDDDDDDDDDDDDDDD", 20);
    ck_assert_int_eq(f->pkt.l4_csum, CSUM_OK);
    fx_free(f);
}
END_TEST

/* A well-formed sample: link type, bytes, where its innermost L4 payload starts. */
struct sample {
    const char *name;
    int linktype;
    const uint8_t *data;
    size_t len;
    size_t payload_off;
    bool outer_udp; /* cut inside a VXLAN payload still leaves a valid outer UDP datagram */
};

#define SAMPLE(lt, arr, plen, outer) {#arr, lt, arr, sizeof(arr), sizeof(arr) - (plen), outer}

static const struct sample samples[] = {
    SAMPLE(LT_EN10MB, eth_ipv4_tcp_syn, 0, false),
    SAMPLE(LT_EN10MB, eth_ipv4_opts_udp, 1, false),
    SAMPLE(LT_EN10MB, eth_qinq_ipv4_udp, 1, false),
    SAMPLE(LT_EN10MB, eth_mpls2_ipv4_icmp, 4, false),
    SAMPLE(LT_EN10MB, eth_mpls_pw_eth_ipv4_tcp, 3, false),
    SAMPLE(LT_EN10MB, eth_pppoe_ipv4_udp, 5, false),
    SAMPLE(LT_EN10MB, eth_pppoe_ipv6_udp, 2, false),
    SAMPLE(LT_EN10MB, eth_ipv4_gre_ipv4_tcp, 3, false),
    SAMPLE(LT_EN10MB, eth_ipv4_grekeyseq_ipv4_udp, 1, false),
    SAMPLE(LT_EN10MB, eth_ipv4_pptp_gre_ppp, 4, false),
    SAMPLE(LT_EN10MB, eth_ipv4_gre_erspan2, 4, false),
    SAMPLE(LT_EN10MB, eth_ipv4_gre_erspan3, 4, false),
    SAMPLE(LT_EN10MB, eth_ipv4_gre_erspan3_sub, 4, false),
    SAMPLE(LT_EN10MB, eth_ipv4_vxlan, 4, true),
    SAMPLE(LT_EN10MB, eth_ipv4_ipv4_tcp, 0, false),
    SAMPLE(LT_EN10MB, eth_ipv4_ipv6_udp, 4, false),
    SAMPLE(LT_EN10MB, eth_ipv6_ipv4_udp, 4, false),
    SAMPLE(LT_EN10MB, eth_ipv6_hbh_dst_tcp, 8, false),
    SAMPLE(LT_EN10MB, eth_ipv6_icmpv6, 3, false),
    SAMPLE(LT_SLL, sll_ipv4_udp, 3, false),
    SAMPLE(LT_SLL2, sll2_ipv6_udp, 4, false),
    SAMPLE(LT_RAW, raw_ipv4_tcp, 6, false),
    SAMPLE(LT_RAW, raw_ipv6_tcp, 6, false),
};

/*
 * Every sample cut at every length: never a crash (ASan/valgrind runs make
 * that strict), a cut inside the headers is never delivered as L4 (except the
 * outer UDP of VXLAN) and always raises an anomaly when INVALID, and a cut in
 * the payload is L4, PKT_TRUNCATED, an anomaly, no checksum verdict, and only
 * the captured payload bytes.
 */
START_TEST(test_truncated_everywhere)
{
    struct fx *f = fx_new();

    for (size_t s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
        const struct sample *sm = &samples[s];

        ck_assert_msg(run(f, sm->linktype, sm->data, sm->len) == DECODE_L4, "%s", sm->name);
        ck_assert_msg(f->pkt.n_anomalies == 0 && f->pkt.l4_csum == CSUM_OK, "%s", sm->name);
        ck_assert_msg(f->pkt.payload_len == sm->len - sm->payload_off, "%s", sm->name);
        for (size_t cut = 0; cut < sm->len; cut++) {
            enum decode_result r = run(f, sm->linktype, sm->data, cut);

            if (r == DECODE_INVALID)
                ck_assert_msg(f->pkt.n_anomalies > 0, "%s cut %zu", sm->name, cut);
            if (cut < sm->payload_off) {
                ck_assert_msg(r != DECODE_L4 || sm->outer_udp, "%s cut %zu", sm->name, cut);
                continue;
            }
            ck_assert_msg(r == DECODE_L4, "%s cut %zu: %d", sm->name, cut, r);
            ck_assert_msg(f->pkt.flags & PKT_TRUNCATED, "%s cut %zu", sm->name, cut);
            ck_assert_msg(f->pkt.n_anomalies > 0, "%s cut %zu", sm->name, cut);
            ck_assert_msg(f->pkt.l4_csum == CSUM_UNKNOWN, "%s cut %zu", sm->name, cut);
            ck_assert_msg(f->pkt.payload_len == cut - sm->payload_off, "%s cut %zu", sm->name,
                          cut);
        }
    }
    fx_free(f);
}
END_TEST

/* The anomaly raised when a sample is cut just inside a given layer. */
START_TEST(test_truncated_layer_anomalies)
{
    static const struct {
        const uint8_t *data;
        int linktype;
        size_t cut;
        enum stat_id want;
    } cases[] = {
        {eth_ipv4_tcp_syn, LT_EN10MB, 13, STAT_ANOM_ETHERNET_PKT_TOO_SMALL},
        {eth_ipv4_tcp_syn, LT_EN10MB, 33, STAT_ANOM_IPV4_PKT_TOO_SMALL},
        {eth_ipv4_tcp_syn, LT_EN10MB, 53, STAT_ANOM_TCP_PKT_TOO_SMALL},
        {eth_ipv4_opts_udp, LT_EN10MB, 45, STAT_ANOM_IPV4_TRUNC_PKT},
        {eth_ipv4_opts_udp, LT_EN10MB, 53, STAT_ANOM_UDP_PKT_TOO_SMALL},
        {eth_qinq_ipv4_udp, LT_EN10MB, 17, STAT_ANOM_VLAN_HEADER_TOO_SMALL},
        {eth_qinq_ipv4_udp, LT_EN10MB, 21, STAT_ANOM_VLAN_HEADER_TOO_SMALL},
        {eth_mpls2_ipv4_icmp, LT_EN10MB, 17, STAT_ANOM_MPLS_HEADER_TOO_SMALL},
        {eth_mpls2_ipv4_icmp, LT_EN10MB, 22, STAT_ANOM_MPLS_PKT_TOO_SMALL},
        {eth_mpls2_ipv4_icmp, LT_EN10MB, 49, STAT_ANOM_ICMPV4_PKT_TOO_SMALL},
        {eth_mpls_pw_eth_ipv4_tcp, LT_EN10MB, 20, STAT_ANOM_MPLS_PKT_TOO_SMALL},
        {eth_mpls_pw_eth_ipv4_tcp, LT_EN10MB, 30, STAT_ANOM_ETHERNET_PKT_TOO_SMALL},
        {eth_pppoe_ipv4_udp, LT_EN10MB, 19, STAT_ANOM_PPPOE_PKT_TOO_SMALL},
        {eth_pppoe_ipv4_udp, LT_EN10MB, 20, STAT_ANOM_PPPOE_PKT_TOO_SMALL},
        {eth_ipv4_gre_ipv4_tcp, LT_EN10MB, 37, STAT_ANOM_GRE_PKT_TOO_SMALL},
        {eth_ipv4_grekeyseq_ipv4_udp, LT_EN10MB, 45, STAT_ANOM_GRE_VERSION0_HDR_TOO_BIG},
        {eth_ipv4_pptp_gre_ppp, LT_EN10MB, 45, STAT_ANOM_GRE_VERSION1_HDR_TOO_BIG},
        {eth_ipv4_pptp_gre_ppp, LT_EN10MB, 47, STAT_ANOM_PPP_PKT_TOO_SMALL},
        {eth_ipv4_gre_erspan3, LT_EN10MB, 49, STAT_ANOM_ERSPAN_HEADER_TOO_SMALL},
        {eth_ipv4_gre_erspan3_sub, LT_EN10MB, 55, STAT_ANOM_ERSPAN_HEADER_TOO_SMALL},
        {eth_ipv4_vxlan, LT_EN10MB, 60, STAT_ANOM_ETHERNET_PKT_TOO_SMALL},
        {eth_ipv6_hbh_dst_tcp, LT_EN10MB, 53, STAT_ANOM_IPV6_PKT_TOO_SMALL},
        {eth_ipv6_hbh_dst_tcp, LT_EN10MB, 60, STAT_ANOM_IPV6_TRUNC_EXTHDR},
        {eth_ipv6_icmpv6, LT_EN10MB, 60, STAT_ANOM_ICMPV6_PKT_TOO_SMALL},
        {eth_ipv6_icmpv6, LT_EN10MB, 60, STAT_ANOM_IPV6_TRUNC_PKT},
        {eth_ipv6_ipv4_udp, LT_EN10MB, 70, STAT_ANOM_IPV4_IN_IPV6_PKT_TOO_SMALL},
    };
    struct fx *f = fx_new();

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run(f, cases[i].linktype, cases[i].data, cases[i].cut);
        ck_assert_msg(has_anomaly(&f->pkt, cases[i].want), "case %zu: want %s", i,
                      stats_name(cases[i].want));
    }
    fx_free(f);
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");

    tcase_add_test(tc, test_eth_tcp_syn_options);
    tcase_add_test(tc, test_wrong_checksums_recorded_not_dropped);
    tcase_add_test(tc, test_tcp_malformed_options);
    tcase_add_test(tc, test_ethernet_padding_not_payload);
    tcase_add_test(tc, test_ipv4_options);
    tcase_add_test(tc, test_ipv4_header_errors);
    tcase_add_test(tc, test_qinq);
    tcase_add_test(tc, test_vlan_too_many);
    tcase_add_test(tc, test_mpls_two_labels);
    tcase_add_test(tc, test_mpls_errors);
    tcase_add_test(tc, test_mpls_pseudowire);
    tcase_add_test(tc, test_pppoe);
    tcase_add_test(tc, test_gre_plain);
    tcase_add_test(tc, test_outer_truncated_inner_complete);
    tcase_add_test(tc, test_gre_key_seq);
    tcase_add_test(tc, test_pptp_gre_ppp);
    tcase_add_test(tc, test_erspan);
    tcase_add_test(tc, test_vxlan);
    tcase_add_test(tc, test_ip_in_ip);
    tcase_add_test(tc, test_decap_depth_limit);
    tcase_add_test(tc, test_ipv6_ext_chain);
    tcase_add_test(tc, test_ipv6_ext_errors);
    tcase_add_test(tc, test_icmpv6);
    tcase_add_test(tc, test_udp);
    tcase_add_test(tc, test_sll_sll2);
    tcase_add_test(tc, test_raw_linktypes);
    tcase_add_test(tc, test_null_loopback);
    tcase_add_test(tc, test_unsupported_linktype);
    tcase_add_test(tc, test_not_ip_resets_packet);
    tcase_add_test(tc, test_anomaly_cap);
    tcase_add_test(tc, test_ipv4_fragments);
    tcase_add_test(tc, test_ipv6_fragments);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_truncated_layer_anomalies);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
