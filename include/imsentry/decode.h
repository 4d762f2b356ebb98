/*
 * decode.h - link layer to transport: the decode stage.
 *
 * decode_packet() takes captured bytes and a DLT link type and fills a
 * struct packet: link layers and encapsulations are peeled (Ethernet, Linux
 * SLL/SLL2, raw IP, BSD null/loopback; 802.1Q/QinQ, MPLS, PPPoE, GRE with
 * ERSPAN II/III, VXLAN, IP-in-IP), IPv4 and IPv6 are parsed (IPv6 extension
 * chain), fragments are handed to the defragmenter, and TCP/UDP/ICMP headers
 * and checksums are read.  Malformed input raises an anomaly (counter plus
 * pkt->anomalies) and stops at that layer; it never fails the program.
 */
#ifndef IMSENTRY_DECODE_H
#define IMSENTRY_DECODE_H

#include <stdint.h>

#include "imsentry/config.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

/* What decode_packet() found. */
enum decode_result {
    DECODE_L4 = 0,        /* an IP packet with its transport header: hand it to the flow table */
    DECODE_L3 = 1,        /* IP packet, but no usable transport header (other protocol, malformed L4) */
    DECODE_NOT_IP = 2,    /* ARP, STP, LLC ...: counted, nothing to inspect */
    DECODE_FRAGMENT = 3,  /* an IP fragment held for reassembly */
    DECODE_INVALID = 4    /* malformed: an anomaly was raised */
};

struct decode_ctx;

/*
 * Creates a decoder context (owns the defragmenter).  cfg and st must outlive
 * it; st receives every decoder, defrag and anomaly counter.
 */
struct decode_ctx *decode_ctx_new(const struct config *cfg, struct stats *st);
void decode_ctx_free(struct decode_ctx *dc);

/*
 * Decodes one captured packet.  The caller sets pkt->ts_us, data, caplen,
 * wirelen, linktype and pcap_cnt; everything else is reset and filled here.
 * Also counts decoder.pkts and decoder.bytes.
 */
enum decode_result decode_packet(struct decode_ctx *dc, struct packet *pkt);

/* True when the decoder understands this DLT link type. */
int decode_linktype_supported(int linktype);

/* Expires fragment trackers older than the defrag timeout at packet time now_us. */
void decode_timeout(struct decode_ctx *dc, int64_t now_us);

/* Raises an anomaly on pkt: counts it and remembers it in pkt->anomalies. */
void decode_anomaly(struct stats *st, struct packet *pkt, enum stat_id id);

#endif
