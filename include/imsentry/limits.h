/*
 * limits.h - every size, cap and timeout imsentry uses, with its default.
 *
 * Each value here is the built-in default of a config key (named beside
 * it); the running value lives in struct config.  Anything that grows with
 * traffic has a cap here, and hitting a cap is counted.
 */
#ifndef IMSENTRY_LIMITS_H
#define IMSENTRY_LIMITS_H

/* capture.snaplen: bytes captured per packet on live interfaces. */
#define LIM_SNAPLEN 65535
/* capture.buffer-size: kernel ring buffer for live capture, bytes. */
#define LIM_CAPTURE_BUFFER (32u * 1024 * 1024)
/* capture.timeout-ms: libpcap read timeout, so timers run on an idle link. */
#define LIM_CAPTURE_TIMEOUT_MS 200

/* defrag.memcap: bytes held by all IP datagrams under reassembly. */
#define LIM_DEFRAG_MEMCAP (32u * 1024 * 1024)
/* defrag.max-trackers: datagrams under reassembly at once. */
#define LIM_DEFRAG_MAX_TRACKERS 65536
/* defrag.max-frags: fragments accepted for one datagram (overlap floods). */
#define LIM_DEFRAG_MAX_FRAGS 256
/* defrag.timeout: seconds of packet time a datagram may wait for its fragments. */
#define LIM_DEFRAG_TIMEOUT 60

/* flow.hash-size: buckets in the flow hash (rounded up to a power of two). */
#define LIM_FLOW_HASH_SIZE 65536
/* flow.max-flows: flows tracked at once; the oldest idle flow is evicted past it. */
#define LIM_FLOW_MAX 262144
/* flow.memcap: bytes of flow state (flow records plus what hangs off them). */
#define LIM_FLOW_MEMCAP (256u * 1024 * 1024)

/* flow.timeouts.*: idle seconds (packet time) before a flow ends, by state. */
#define LIM_FLOW_TIMEOUT_NEW 30
#define LIM_FLOW_TIMEOUT_ESTABLISHED 600
#define LIM_FLOW_TIMEOUT_CLOSED 30
#define LIM_FLOW_TIMEOUT_UDP_NEW 30
#define LIM_FLOW_TIMEOUT_UDP_ESTABLISHED 120
#define LIM_FLOW_TIMEOUT_OTHER 30

/* outputs.eve.buffer-size: stdio buffer in front of eve.json, bytes. */
#define LIM_EVE_BUFFER (256u * 1024)
/* stats.interval: seconds between stats events on a live capture. */
#define LIM_STATS_INTERVAL 30
/* outputs.eve.anomaly.max-per-type: anomaly events written per anomaly type and run. */
#define LIM_ANOMALY_EVENTS_PER_TYPE 100

/* home-networks: most CIDR entries accepted. */
#define LIM_HOME_NETS 64
/* Deepest encapsulation stack (VLAN, MPLS, GRE, VXLAN ...) decoded per packet. */
#define LIM_DECAP_DEPTH 8
/* Most IPv6 extension headers walked per packet. */
#define LIM_IPV6_EXT_HDRS 16
/* Most MPLS labels walked per packet. */
#define LIM_MPLS_LABELS 16

#endif
