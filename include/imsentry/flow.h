/*
 * flow.h - the flow table: bidirectional flows keyed on addresses, ports,
 * protocol and VLAN ids, with per-state timeouts, a flow-count cap and a
 * memory cap (oldest idle flow evicted, counted).
 *
 * A flow table and everything hanging off it is one context object: no
 * global state, so one worker per core can own the flows whose hash falls
 * to it (flow_hash_packet() gives that hash).
 *
 * Direction: the client is the SYN's sender when the handshake is seen (the
 * SYN/ACK's receiver when only that is seen); otherwise the higher port is
 * the client until a detector says otherwise (flow_set_client()).
 */
#ifndef IMSENTRY_FLOW_H
#define IMSENTRY_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "imsentry/config.h"
#include "imsentry/packet.h"
#include "imsentry/stats.h"

/* Index for per-direction arrays. */
enum flow_dir {
    FLOW_TOSERVER = 0,
    FLOW_TOCLIENT = 1
};

enum flow_state {
    FLOW_STATE_NEW = 0,         /* one direction seen / handshake not complete */
    FLOW_STATE_ESTABLISHED = 1, /* both directions seen / handshake complete */
    FLOW_STATE_CLOSED = 2       /* FIN or RST seen */
};

/* Why a flow ended (flow event "reason"). */
enum flow_end_reason {
    FLOW_END_TIMEOUT = 0,  /* idle past its state's timeout */
    FLOW_END_FORCED = 1,   /* evicted: max-flows or memcap */
    FLOW_END_SHUTDOWN = 2, /* still open when the run ended */
    FLOW_END_REUSE = 3     /* tuple reused by a new connection (SYN after close) */
};

/*
 * Application protocol vocabulary (DESIGN.md); APP_PROTO_UNKNOWN writes no
 * app_proto on the flow event, APP_PROTO_FAILED writes "failed".
 */
enum app_proto {
    APP_PROTO_UNKNOWN = 0,
    APP_PROTO_FAILED,
    APP_PROTO_AIM,
    APP_PROTO_ICQ,
    APP_PROTO_MSN,
    APP_PROTO_YAHOO,
    APP_PROTO_GNUTELLA,
    APP_PROTO_KAZAA,
    APP_PROTO_IRC,
    APP_PROTO_SOCKS,
    APP_PROTO_HTTP_PROXY,
    APP_PROTO_FTP,
    APP_PROTO_POP3,
    APP_PROTO_IMAP,
    APP_PROTO_SMTP,
    APP_PROTO_HTTP,
    APP_PROTO_TELNET,
    APP_PROTO_DNS,
    APP_PROTO__COUNT
};

/* EVE name of an app_proto ("aim", "http-proxy" ...); NULL for UNKNOWN. */
const char *app_proto_name(enum app_proto p);

/* 64-bit words in a flow's canonical key (two addresses, ports, VLANs, protocol). */
#define FLOW_KEY_WORDS 6

struct flow {
    /* identity, oriented client -> server */
    struct ip_addr cli_ip;   /* client address */
    struct ip_addr srv_ip;   /* server address */
    uint16_t cli_port;       /* client port (ICMP: type) */
    uint16_t srv_port;       /* server port (ICMP: code) */
    uint8_t proto;           /* IP protocol number */
    uint8_t vlan_count;      /* VLAN ids used in the key */
    uint16_t vlan[PKT_MAX_VLANS]; /* VLAN ids, outermost first */
    uint64_t flow_id;        /* 51-bit id, stable for the flow's life, never 0 */
    char community_id[40];   /* "1:<base64 sha1>" (Community ID v1, seed 0) */

    /* life */
    int64_t start_us;        /* first packet time */
    int64_t last_us;         /* last packet time */
    enum flow_state state;   /* drives the timeout */
    enum flow_end_reason end_reason; /* set when the flow ends */
    bool client_from_syn;    /* direction decided by the handshake */
    bool alerted;            /* an alert was written on this flow */

    /* counters, indexed by enum flow_dir */
    uint64_t pkts[2];        /* packets */
    uint64_t bytes[2];       /* bytes on the wire (link layer included) */
    uint8_t tcp_flags[2];    /* OR of TCP flags seen */
    uint32_t csum_ok[2];     /* packets with a good L4 checksum */
    uint32_t csum_bad[2];    /* packets with a bad L4 checksum */

    enum app_proto app_proto; /* protocol identified, if any */

    void *stream;            /* TCP reassembly state (src/stream), owned by it */
    void *app;               /* app-layer state (src/detect), owned by it */
    void *sig;               /* signature matching state (src/sig), owned by it */

    /* table internals: hash chain and LRU links */
    struct flow *hnext;      /* next flow in the same hash bucket */
    struct flow *lru_prev;   /* less recently used */
    struct flow *lru_next;   /* more recently used */
    uint32_t hash;           /* key hash (direction-independent, keyed per table) */

    /* table internals (src/flow only) */
    uint64_t key[FLOW_KEY_WORDS]; /* canonical key, lower endpoint first: one compare per probe */
    int64_t lru_us;          /* last_us when queued at its LRU tail (lazy LRU: re-queued
                                when found touched since, not on every packet) */
    bool cli_is_lo;          /* the client is the key's lower endpoint */
    uint8_t tclass;          /* timeout class = LRU list the flow is on */
    uint8_t dflags[2];       /* per-direction handshake/close marks, by enum flow_dir */
};

/* Called for every flow as it ends (timeout, eviction, shutdown), before it is freed. */
typedef void (*flow_end_fn)(void *user, struct flow *f);

struct flow_table;

/*
 * Creates a table with cfg's limits.  end_cb (may be NULL) is called with
 * user for each flow that ends.  cfg and st must outlive the table.
 */
struct flow_table *flow_table_new(const struct config *cfg, struct stats *st, flow_end_fn end_cb,
                                  void *user);

/* Ends every remaining flow (reason SHUTDOWN, end_cb called) and frees the table. */
void flow_table_free(struct flow_table *ft);

/*
 * Finds or creates the flow of a decoded packet (PKT_HAS_L4 set) and updates
 * its counters and state.  *dir receives the packet's direction.  Returns
 * NULL when no flow could be had (caps; counted).
 */
struct flow *flow_table_packet(struct flow_table *ft, const struct packet *pkt,
                               enum flow_dir *dir);

/* Ends flows idle past their timeout at packet time now_us. */
void flow_table_timeout(struct flow_table *ft, int64_t now_us);

/* Ends every flow now (reason SHUTDOWN). */
void flow_table_flush(struct flow_table *ft);

/* Flows currently tracked. */
uint32_t flow_table_count(const struct flow_table *ft);

/* Direction-independent hash of a packet's key (for spreading over workers). */
uint32_t flow_hash_packet(const struct packet *pkt);

/* Swaps client and server (a detector recognised the client's messages the other way). */
void flow_set_client(struct flow *f, enum flow_dir client_is);

/*
 * Community ID v1 (https://github.com/corelight/community-id-spec) of a
 * 5-tuple with seed 0, written as "1:<base64>" into out (>= 33 bytes).
 */
void community_id_v1(uint8_t proto, const struct ip_addr *a, uint16_t ap,
                     const struct ip_addr *b, uint16_t bp, char *out, unsigned outlen);

/*
 * Additions (flow stage).
 *
 * community_id_v1() details: a is the packet's source, b its destination.
 * For ICMP (1) and ICMPv6 (58) ap is the type and bp the code; they are
 * mapped to port equivalents with the spec's request/reply tables (one-way
 * types keep the packet's direction).  Ports are hashed for TCP, UDP and
 * SCTP only; other protocols hash addresses and protocol.  Mixed or unset
 * address families give "" (the spec's "no ID").
 *
 * Memory: flow.memuse counts sizeof(struct flow) per tracked flow plus what
 * later stages report for state hanging off flows.  Reaching flow.memcap
 * evicts the least recently used flow when a new flow is needed.
 */

/*
 * flow_set_client(f, client_is): client_is names the current direction
 * whose sender is really the client; FLOW_TOCLIENT swaps the endpoints and
 * every per-direction counter, FLOW_TOSERVER changes nothing.  ICMP flows
 * keep cli_port/srv_port as type/code.  Later packets get directions in the
 * new orientation.
 *
 * A TCP RST or FIN with a bad checksum, from a side that has sent segments
 * with good ones, does not close the flow (insertion attempt).
 */

/* Adds delta (negative to release) bytes of per-flow state to flow.memuse. */
void flow_table_mem_add(struct flow_table *ft, int64_t delta);

/* Bytes counted in flow.memuse now. */
uint64_t flow_table_memuse(const struct flow_table *ft);

/* True when n more bytes keep flow.memuse within flow.memcap. */
bool flow_table_mem_fits(const struct flow_table *ft, uint64_t n);

/* Flow-unique 51-bit id (never 0) from a canonical key, start time and creation counter. */
uint64_t flow_id_make(const uint64_t key[FLOW_KEY_WORDS], int64_t start_us, uint64_t counter);

#endif
