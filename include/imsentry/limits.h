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

/*
 * --- flow table (src/flow): internal sizes, not config keys ---
 */
/* Flow records allocated at once when the flow pool runs dry (no per-packet malloc). */
#define LIM_FLOW_POOL_CHUNK 1024
/* Most flows evicted (LRU) to admit one new flow under flow.memcap pressure. */
#define LIM_FLOW_EVICT_PER_PACKET 8
/* Largest flow hash (buckets): flow.hash-size beyond this is clamped. */
#define LIM_FLOW_HASH_SIZE_MAX (1u << 26)

/*
 * ---- config: accepted ranges of config values (src/util/util_config.c) ----
 * A value outside its range is rejected at load with file:line:col, so a
 * typo cannot starve or explode the sensor.  man/imsentry.yaml.5 lists them.
 */
/* Largest config file read, bytes (a config is a few KB; this stops runaway input). */
#define LIM_CFG_FILE_MAX (1024u * 1024)
/* capture.snaplen range: a minimal Ethernet+IPv6+TCP header up to a 256 KiB jumbo. */
#define LIM_CFG_SNAPLEN_MIN 64
#define LIM_CFG_SNAPLEN_MAX 262144
/* capture.buffer-size range, bytes (libpcap takes an int: stay well below INT_MAX). */
#define LIM_CFG_CAPTURE_BUFFER_MIN (64u * 1024)
#define LIM_CFG_CAPTURE_BUFFER_MAX (1024u * 1024 * 1024)
/* capture.timeout-ms range (0 would mean "block forever" and stop the timers). */
#define LIM_CFG_CAPTURE_TIMEOUT_MS_MIN 1
#define LIM_CFG_CAPTURE_TIMEOUT_MS_MAX 60000
/* defrag.memcap and flow.memcap range, bytes. */
#define LIM_CFG_MEMCAP_MIN (64ull * 1024)
#define LIM_CFG_MEMCAP_MAX (1024ull * 1024 * 1024 * 1024)
/* defrag.max-trackers, flow.hash-size and flow.max-flows upper bound (entries). */
#define LIM_CFG_ENTRIES_MAX (1u << 26)
/* defrag.max-frags range: a 64 KiB datagram in 8-byte pieces is 8192 fragments. */
#define LIM_CFG_DEFRAG_FRAGS_MIN 2
#define LIM_CFG_DEFRAG_FRAGS_MAX 8192
/* Every duration key (timeouts, stats.interval): 1 second up to one day. */
#define LIM_CFG_SECONDS_MIN 1
#define LIM_CFG_SECONDS_MAX 86400
/* outputs.eve.buffer-size range, bytes. */
#define LIM_CFG_EVE_BUFFER_MIN 4096u
#define LIM_CFG_EVE_BUFFER_MAX (64u * 1024 * 1024)
/* outputs.eve.anomaly-max-per-type upper bound (0 = write none). */
#define LIM_CFG_ANOMALY_EVENTS_MAX 1000000
/* Longest outputs.eve.filename, bytes (struct config keeps it with its NUL). */
#define LIM_CFG_FILENAME_MAX 255
/* Most keys in one config section (duplicate detection uses one slot per key). */
#define LIM_CFG_KEYS_PER_SECTION 32
/* ---- end of config block ---- */

/*
 * ---- stream (src/stream; owned by the stream engineer) ----
 * Defaults of struct stream_settings (stream_settings_defaults()) and the
 * reassembler's internal sizes.
 */
/* stream.memcap: bytes of TCP sessions and held segments, all streams of a worker. */
#define LIM_STREAM_MEMCAP (64ull * 1024 * 1024)
/* stream.stream-memcap: bytes of segments held by one direction of one stream. */
#define LIM_STREAM_DIR_MEMCAP (2u * 1024 * 1024)
/* stream.depth: bytes per direction handed to the app layer (0 = unlimited). */
#define LIM_STREAM_DEPTH (1u * 1024 * 1024)
/* stream.max-segments: segment pieces held per direction (tiny-segment floods). */
#define LIM_STREAM_MAX_SEGMENTS 16384
/* Bytes of already delivered data kept per direction to compare retransmissions. */
#define LIM_STREAM_HISTORY (16u * 1024)
/* Pieces of already delivered data kept per direction (1-byte segment history). */
#define LIM_STREAM_HISTORY_SEGS 256
/* Bytes a segment may start beyond the next expected byte when no window is known. */
#define LIM_STREAM_MAX_AHEAD (1u << 30)
/* Contiguous bytes coalesced into one app-layer delivery. */
#define LIM_STREAM_DELIVER_BUF (64u * 1024)
/* Bytes of one pool slab (a power of two: blocks find their slab by masking). */
#define LIM_STREAM_SLAB (32u * 1024)
/* ---- end of stream block ---- */

/*
 * ---- stream config block (stream: and host-os-policy: keys; owned by the
 * stream config engineer) ----
 */
/* host-os-policy: most CIDR blocks over all policies (= STREAM_MAX_HOST_POLICIES). */
#define LIM_HOST_POLICIES 64
/* stream.stream-memcap range, bytes (at least a few pool blocks; fits uint32). */
#define LIM_CFG_STREAM_DIR_MEMCAP_MIN (16u * 1024)
#define LIM_CFG_STREAM_DIR_MEMCAP_MAX (1024u * 1024 * 1024)
/* stream.depth upper bound, bytes (0 = unlimited). */
#define LIM_CFG_STREAM_DEPTH_MAX (1024u * 1024 * 1024)
/* stream.max-segments range (pieces per direction). */
#define LIM_CFG_STREAM_SEGS_MIN 16
#define LIM_CFG_STREAM_SEGS_MAX (1u << 24)
/* ---- end of stream config block ---- */

/* ---- decode block (src/decode; owned by the decode engineer) ---- */
/* Most 802.1Q/802.1ad tags on one frame (Suricata's limit; more is vlan.too_many_layers). */
#define LIM_VLAN_LAYERS 3
/* ---- end of decode block ---- */

/*
 * ---- cleartext credentials block (src/detect/cred_util.c, det_ftp/pop3/imap/
 * smtp/telnet.c; owned by the cleartext engineer).  Per-flow detector state is
 * fixed-size: these caps bound it.
 * ----
 */
/* Longest protocol line kept by the line assembler (struct cred_line), bytes; longer lines
   are truncated, flagged, and the assembler resynchronises at the next LF. */
#define LIM_CRED_LINE_MAX 2048
/* Longest SASL PLAIN field (authzid, authcid, passwd), octets (RFC 4616 section 2: 255). */
#define LIM_CRED_SASL_FIELD_MAX 255
/* Longest user name or password a detector keeps for a login event, bytes (truncated). */
#define LIM_CRED_FIELD_MAX 256
/* Server text kept by the Telnet detector to recognise login/password prompts and the
   outcome, bytes (the most recent ones since the client's last line). */
#define LIM_TELNET_PROMPT_WINDOW 256
/* ---- end of cleartext credentials block ---- */

/*
 * ---- detect block (src/detect; owned by the detect-core engineer) ----
 * The app-layer framework's internal sizes and the brute-force defaults.
 */
/* detect.brute-force.threshold: failed logins within the window that make a brute_force event. */
#define LIM_BF_THRESHOLD 10
/* detect.brute-force.window: seconds of packet time the failures are counted over. */
#define LIM_BF_WINDOW 60
/* detect.brute-force.max-trackers: (client, server, service) triples tracked at once (LRU). */
#define LIM_BF_MAX_TRACKERS 4096
/* Upper bounds of the brute-force keys. */
#define LIM_CFG_BF_THRESHOLD_MAX 100000
#define LIM_CFG_BF_TRACKERS_MAX (1u << 20)
/* Detectors the framework handles (the rest of detectors.def is ignored, counted). */
#define LIM_DETECT_MAX_DETECTORS 64
/* Arrival-order entries (direction, length) kept while a flow is probed, for the replay. */
#define LIM_DETECT_PROBE_LOG 128
/* Tunnels inside tunnels (SOCKS inside HTTP CONNECT ...) followed; deeper ones are counted. */
#define LIM_DETECT_TUNNEL_DEPTH 2
/* Longest tunnel carrier / target text kept ("host:port"), bytes. */
#define LIM_DETECT_TUNNEL_TEXT 262
/* UDP datagrams per flow probed without a decision before the flow is given up. */
#define LIM_DETECT_UDP_PROBES 16
/* ---- end of detect block ---- */

/*
 * ---- p2p block (det_gnutella.c, det_kazaa.c, det_irc.c, det_dns.c; owned by the p2p
 * engineer) ----  Internal sizes of those detectors' per-flow state and parsers.
 */
/* Bytes of one direction buffered by the Gnutella/KaZaA stream parsers (handshake, descriptor). */
#define LIM_P2P_BUF 4096
/* Largest Gnutella descriptor payload believed (the 0.6 spec caps messages at 64 KiB). */
#define LIM_GNUTELLA_PAYLOAD_MAX 65536
/* Largest TTL + hops of a believable Gnutella descriptor (servents start at TTL 7). */
#define LIM_GNUTELLA_HOPS_MAX 16
/* Chained valid descriptors needed to pick up a Gnutella stream with no handshake. */
#define LIM_GNUTELLA_RESYNC_CHAIN 2
/* File names of one query hit reported as facts. */
#define LIM_GNUTELLA_HIT_NAMES 4
/* Longest name, password or file name an IRC/P2P detector keeps per flow, bytes. */
#define LIM_P2P_FIELD 256
/* Longest DNS name (RFC 1035 section 2.3.4), bytes of text. */
#define LIM_DNS_NAME_MAX 255
/* Compression pointers followed while reading one DNS name (loop guard). */
#define LIM_DNS_PTR_HOPS 16
/* Resource records walked when validating one DNS message. */
#define LIM_DNS_RR_MAX 64
/* Queries remembered per DNS flow to pair responses with them (ring of transaction ids). */
#define LIM_DNS_TXID_RING 8
/* ---- end of p2p block ---- */

/*
 * ---- signatures and alerts (src/sig, alert output; owned by the sig engineer) ----
 */
/* Largest signature file read, bytes. */
#define LIM_SIG_FILE_MAX (4u * 1024 * 1024)
/* Most signature files loaded from one directory. */
#define LIM_SIG_FILES 1024
/* Most signatures loaded in all. */
#define LIM_SIG_COUNT 65536
/* Most content entries in one signature. */
#define LIM_SIG_CONTENTS 16
/* Longest content pattern, bytes (after |hex| decoding). */
#define LIM_SIG_PATTERN_MAX 1024
/* Most entries in one list of a signature (services, risks, app_proto, ports, fact values). */
#define LIM_SIG_LIST_MAX 64
/* Largest offset, depth, distance or within accepted (and the magnitude of a negative distance). */
#define LIM_SIG_OFFSET_MAX (1u << 30)
/*
 * Most bytes of one direction kept to verify multi-content signatures
 * (the engine keeps only as much as its signatures can need, up to this).
 */
#define LIM_SIG_HISTORY (64u * 1024)
/* Compare steps one verification of a multi-content signature may take (then: no match). */
#define LIM_SIG_VERIFY_STEPS 200000
/* Most states of the multi-pattern automaton (signature load fails beyond). */
#define LIM_SIG_AC_STATES (1u << 20)
/* Bytes of per-flow matching state per worker; flows beyond get none (counted). */
#define LIM_SIG_FLOW_MEMCAP (64ull * 1024 * 1024)
/* Login attempts remembered per flow to deduplicate identical repeats. */
#define LIM_SIG_LOGIN_DEDUP 32
/* Threshold/rate_filter tracking entries per worker (full table: counted, alert kept). */
#define LIM_SIG_THRESHOLD_ENTRIES 65536
/* alerts.max-per-second default: alerts written per second of packet time per worker. */
#define LIM_ALERTS_PER_SECOND 1000
/* alerts.max-per-second upper bound (0 = unlimited). */
#define LIM_CFG_ALERTS_PER_SECOND_MAX 10000000
/* Most alerts.suppress entries. */
#define LIM_ALERT_SUPPRESS 256
/* Longest credentials.hmac-key, bytes. */
#define LIM_CFG_HMAC_KEY_MAX 255
/* ---- end of signatures block ---- */

/* ---- http/socks detectors block (src/detect/det_http*.c, det_socks.c; http engineer) ---- */
/* Longest HTTP start line or header line, bytes (longer: counted, message skipped). */
#define LIM_HTTP_LINE_MAX 4096
/* Largest HTTP start line + header block, bytes (per direction buffer). */
#define LIM_HTTP_HEAD_MAX 8192
/* Body bytes kept per HTTP message for http_inspect (the rest is skipped, not buffered). */
#define LIM_HTTP_BODY_KEEP 2048
/* Longest percent-decoded request path kept, bytes (longer paths are cut). */
#define LIM_HTTP_PATH_MAX 2048
/* Longest request method remembered for its response, bytes with the NUL. */
#define LIM_HTTP_METHOD_MAX 24
/* Pipelined requests remembered while awaiting their responses. */
#define LIM_HTTP_PIPELINE 16
/* HTTP logins remembered while awaiting the response that tells their outcome. */
#define LIM_HTTP_LOGIN_PENDING 4
/* Longest user name / password / tunnel target kept for an HTTP or SOCKS event, bytes. */
#define LIM_PROXY_FIELD_MAX 256
/* SOCKS message buffer per direction (the longest SOCKS5 auth message is 513 bytes). */
#define LIM_SOCKS_MSG_MAX 1024
/* Client bytes held between a SOCKS request and the proxy's reply. */
#define LIM_SOCKS_HOLD 2048
/* ---- end of http/socks block ---- */

/*
 * ---- AIM/ICQ block (src/detect/det_oscar*.c, det_toc.c, det_icq5.c; owned by
 * the oscar engineer).  Per-flow detector state is fixed-size: these bound it.
 * ----
 */
/* Bytes of one FLAP (header + payload) buffered for parsing per direction; a longer FLAP is
   skipped unparsed (logins, rendezvous and messages are far smaller). */
#define LIM_OSCAR_FLAP_BUF 8192
/* Longest screen name / UIN kept for events, bytes (AIM allows 16, ICQ UINs are 10 digits). */
#define LIM_OSCAR_SN_MAX 64
/* Longest password / hash hex kept for a login event, bytes. */
#define LIM_OSCAR_PW_MAX 128
/* Longest client id string, BOS server or file name kept, bytes (truncated beyond). */
#define LIM_OSCAR_STR_MAX 256
/* ---- end of AIM/ICQ block ---- */

/*
 * ---- MSN / Yahoo block (src/detect/det_msn*.c, det_yahoo*.c; owned by the
 * msnyahoo engineer).  Per-flow detector state is fixed-size: these caps bound it.
 * ----
 */
/* Longest MSNP command line kept, bytes; a longer line is dropped and framing resyncs. */
#define LIM_MSN_LINE_MAX 2048
/* Bytes of an MSNP payload (MSG MIME headers and body) kept for parsing; the rest is skipped. */
#define LIM_MSN_BODY_MAX 2048
/* Largest MSNP payload length believed; a bigger count means the line is not MSNP. */
#define LIM_MSN_PAYLOAD_MAX 65536
/* Longest user name (e-mail) kept for a login event, bytes. */
#define LIM_MSN_USER_MAX 256
/* Longest secret kept for a login event (MD5 response, TWN ticket), bytes. */
#define LIM_MSN_SECRET_MAX 1024
/* Bytes of a YMSG body kept for key/value parsing (the rest of a frame is skipped). */
#define LIM_YMSG_BODY_MAX 2048
/* ---- end of MSN / Yahoo block ---- */

#endif
