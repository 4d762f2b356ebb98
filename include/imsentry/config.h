/*
 * config.h - every runtime setting, with built-in defaults (limits.h) so the
 * sensor runs without a config file.
 *
 * YAML layout (keys are lowercase with dashes; see man/imsentry.yaml.5):
 *
 *   capture:   snaplen, promisc, buffer-size, timeout-ms, checksum-validation
 *   defrag:    memcap, max-trackers, max-frags, timeout
 *   stream:    memcap, stream-memcap, depth, max-segments, midstream, async-oneside
 *   host-os-policy: {default: NAME, first|last|bsd|linux|windows|solaris: [CIDR, ...]}
 *   flow:      hash-size, max-flows, memcap,
 *              timeouts: {tcp-new, tcp-established, tcp-closed, udp-new,
 *                         udp-established, other}
 *   home-networks: [CIDR, ...]
 *   outputs:   eve: {filename, buffer-size, types: {alert, flow, stats, anomaly},
 *                    anomaly-max-per-type}
 *   stats:     interval
 *   logging:   level
 *   detect:    brute-force: {threshold, window, max-trackers}
 *   alerts:    max-per-second, suppress: [{id, track, ip}]
 *   credentials: password (redacted/hmac/clear), hmac-key
 *
 * config_load() rejects unknown and duplicate keys, nodes of the wrong kind
 * and bad values with "file:line:col: msg".  Sizes take b/kb/mb/gb/tb
 * suffixes (1024-based), durations are whole seconds, booleans are
 * yes/no/true/false/on/off.  The accepted range of every key is a LIM_CFG_*
 * constant in limits.h.  Keys are a table in src/util/util_config.c: a new
 * key is one line there plus a field here, a line in contrib/imsentry.yaml
 * (a unit test checks it equals the default) and an entry in the man page.
 */
#ifndef IMSENTRY_CONFIG_H
#define IMSENTRY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/limits.h"

/* How overlapping fragments / segments are resolved (Suricata's target policies). */
enum overlap_policy {
    OVERLAP_FIRST = 0,   /* the first copy of a byte wins */
    OVERLAP_LAST = 1,    /* the last copy of a byte wins */
    OVERLAP_BSD = 2,     /* BSD: the earlier data wins unless the new piece starts before it */
    OVERLAP_LINUX = 3,   /* Linux: like BSD, but a new piece at the same offset wins too
                            (TCP: only when it also ends after the old one) */
    OVERLAP_WINDOWS = 4, /* Windows: fragments: new wins only when it starts before and ends
                            after the old one; TCP: as BSD */
    OVERLAP_SOLARIS = 5  /* Solaris: fragments: new wins when it starts before the old one and
                            reaches its end; TCP: also when it starts at or after the old one
                            and ends after it (tables in decode_defrag.c, stream_reasm.c) */
};

/* When to distrust packets whose checksums are wrong. */
enum csum_mode {
    CSUM_MODE_AUTO = 0, /* decided per capture and flow direction (offload tolerated) */
    CSUM_MODE_YES = 1,  /* bad checksum = packet not inspected */
    CSUM_MODE_NO = 2    /* checksums ignored */
};

/* A CIDR block. */
struct cidr {
    uint8_t family;  /* 4 or 6 */
    uint8_t addr[16]; /* network byte order, masked to prefix */
    uint8_t prefix;  /* prefix length in bits */
};

/* A host-os-policy entry: the receiving hosts of a network and their policy. */
struct host_policy {
    struct cidr net;            /* receiving hosts */
    enum overlap_policy policy; /* how they resolve overlapping fragments and segments */
};

/* credentials.password: what the alert output writes for a recovered password. */
enum cred_password_mode {
    CRED_PASSWORD_REDACTED = 0, /* "[redacted]" (default) */
    CRED_PASSWORD_HMAC = 1,     /* "hmac-sha256:" + hex of the first 16 bytes of HMAC-SHA256 */
    CRED_PASSWORD_CLEAR = 2     /* the password as recovered (main warns at start-up) */
};

/* alerts.suppress[].track: which address of an alert the entry's ip is compared with. */
enum alert_track {
    ALERT_TRACK_ANY = 0, /* no track/ip: the signature is suppressed everywhere */
    ALERT_TRACK_SRC = 1, /* by_src: the alert's source address */
    ALERT_TRACK_DST = 2  /* by_dst: the alert's destination address */
};

/* One alerts.suppress entry. */
struct alert_suppress {
    uint32_t sid;           /* signature id suppressed */
    enum alert_track track; /* address compared with net */
    struct cidr net;        /* addresses suppressed (unused with ALERT_TRACK_ANY) */
};

/* Default outputs.eve.filename, inside the log directory. */
#define CONFIG_EVE_FILENAME "eve.json"

struct config {
    /* capture */
    uint32_t snaplen;         /* live capture bytes per packet */
    bool promisc;             /* put the interface in promiscuous mode */
    uint32_t buffer_size;     /* kernel capture buffer, bytes */
    uint32_t timeout_ms;      /* libpcap read timeout */
    enum csum_mode csum_mode; /* capture.checksum-validation */

    /* defrag */
    uint64_t defrag_memcap;       /* bytes in all datagrams under reassembly */
    uint32_t defrag_max_trackers; /* datagrams under reassembly at once */
    uint32_t defrag_max_frags;    /* fragments per datagram */
    uint32_t defrag_timeout;      /* seconds of packet time */

    /* stream (TCP reassembly) */
    uint64_t stream_memcap;       /* bytes of sessions and segments, all streams of a worker */
    uint32_t stream_dir_memcap;   /* bytes of segments held by one direction */
    uint32_t stream_depth;        /* bytes inspected per direction; 0 = unlimited */
    uint32_t stream_max_segments; /* segment pieces held per direction */
    bool stream_midstream;        /* pick up sessions whose handshake was not seen */
    bool stream_async_oneside;    /* reassemble directions whose peer is never seen */

    /* host-os-policy: overlap resolution for IP fragments and TCP segments */
    enum overlap_policy default_policy;                 /* when no entry matches */
    struct host_policy host_policies[LIM_HOST_POLICIES]; /* see config_policy_for() */
    unsigned n_host_policies;                           /* entries used */

    /* flow */
    uint32_t flow_hash_size;  /* hash buckets */
    uint32_t flow_max;        /* flows at once */
    uint64_t flow_memcap;     /* bytes of flow state */
    uint32_t to_tcp_new;      /* idle seconds: TCP before the handshake completes */
    uint32_t to_tcp_established; /* idle seconds: established TCP */
    uint32_t to_tcp_closed;   /* idle seconds: TCP after FIN/RST */
    uint32_t to_udp_new;      /* idle seconds: UDP seen one way only */
    uint32_t to_udp_established; /* idle seconds: UDP seen both ways */
    uint32_t to_other;        /* idle seconds: ICMP and other protocols */

    /* home networks */
    struct cidr home_nets[LIM_HOME_NETS]; /* RFC 1918, RFC 6598, fc00::/7 by default */
    unsigned n_home_nets;                 /* entries used */

    /* outputs */
    char eve_filename[LIM_CFG_FILENAME_MAX + 1]; /* file name inside the log directory */
    uint32_t eve_buffer_size; /* stdio buffer bytes */
    bool eve_alert;           /* write alert events */
    bool eve_flow;            /* write flow events */
    bool eve_stats;           /* write stats events */
    bool eve_anomaly;         /* write anomaly events */
    uint32_t anomaly_max_per_type; /* anomaly events per type per run */
    uint32_t stats_interval;  /* seconds between stats events, live */

    int log_level;            /* enum log_level */

    /* detect */
    uint32_t bf_threshold;    /* failed logins within bf_window that make a brute_force event */
    uint32_t bf_window;       /* seconds of packet time failures are counted over */
    uint32_t bf_max_trackers; /* (client, server, service) triples tracked at once */

    /* alerts (signature engine) */
    uint32_t alerts_max_per_second; /* alerts per second of packet time per worker, 0 = no cap */
    struct alert_suppress suppress[LIM_ALERT_SUPPRESS]; /* alerts.suppress entries */
    unsigned n_suppress;      /* entries used */

    /* credentials (alert output) */
    enum cred_password_mode cred_password; /* how a password fact is written */
    char cred_hmac_key[LIM_CFG_HMAC_KEY_MAX + 1]; /* HMAC key (credentials.hmac-key), NUL-ended */
};

/* Fills cfg with the built-in defaults. */
void config_defaults(struct config *cfg);

/*
 * Loads a YAML file over the defaults already in cfg.  On error returns a
 * negative IMS_E* code and writes "file:line:col: message" into err.
 * cfg is only changed when the whole file is valid.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/*
 * Same as config_load() for YAML text already in memory (len bytes, need not
 * be NUL-terminated); name is what messages call the input.  Errors:
 * IMS_EPARSE for YAML syntax and structure (unknown or duplicate key, wrong
 * node type), IMS_EINVAL for a bad value, IMS_ENOMEM.  config_load() adds
 * IMS_EIO (cannot read) and IMS_ELIMIT (file larger than LIM_CFG_FILE_MAX).
 */
int config_load_buffer(struct config *cfg, const char *name, const char *buf, size_t len,
                       char *err, size_t errlen);

/* Parses "10.0.0.0/8" or "fc00::/7"; 0 on success. */
int cidr_parse(const char *text, struct cidr *out);

/* True when the address (family 4 or 6, 16 bytes) is inside the block. */
bool cidr_contains(const struct cidr *c, uint8_t family, const uint8_t addr[16]);

/* True when the address is in one of cfg's home networks. */
bool config_is_home(const struct config *cfg, uint8_t family, const uint8_t addr[16]);

/*
 * Overlap policy of a receiving host (family 4 or 6, 16 bytes): the policy
 * of the longest host-os-policy prefix containing it, else
 * cfg->default_policy.  The loader refuses a block listed twice, so two
 * matching entries always differ in length and the answer is unambiguous.
 */
enum overlap_policy config_policy_for(const struct config *cfg, uint8_t family,
                                      const uint8_t addr[16]);

/* Writes "10.0.0.0/8" or "fc00::/7" into buf (at least CIDR_STR_LEN bytes); returns buf. */
#define CIDR_STR_LEN 50
const char *cidr_str(const struct cidr *c, char *buf, size_t len);

/* Names of policies and modes, for messages and the man page. */
const char *overlap_policy_name(enum overlap_policy p);
/* Name in any case ("bsd", "BSD"); 0 on success, IMS_EINVAL for an unknown name. */
int overlap_policy_parse(const char *name, enum overlap_policy *out);
/* "auto", "yes" or "no". */
const char *csum_mode_name(enum csum_mode m);

#endif
