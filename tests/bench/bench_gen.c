/*
 * bench_gen.c - deterministic generator of a large mixed capture for imsentry's benchmark.
 *
 * Writes a classic libpcap file (LINKTYPE_ETHERNET) of many interleaved TCP and UDP flows:
 * TCP handshakes, data segments of IMIX-like sizes, delayed ACKs, FIN or RST teardown; DNS,
 * NTP, RTP-like and bulk UDP; about 10% IPv6 and 5% 802.1Q-tagged flows.  Every IPv4, TCP and
 * UDP checksum is correct.  Payloads look like what they claim to be: HTTP/1.1 on port 80, TLS
 * records on 443, OSCAR FLAP on 5190, MSNP8 on 1863, YMSG on 5050, Gnutella 0.6 on 6346 and
 * random bytes elsewhere, so detectors have real work to do.
 *
 * Payload builders live in bench_gen_payload.c.  Everything comes from our own seeded PRNGs
 * (splitmix64, xorshift64*): the same arguments give the same file, byte for byte, on every
 * run.  Packets are streamed through one large stdio buffer; memory use is about 120 bytes
 * per flow plus the 8 MB buffer, whatever the capture size.
 *
 * Specs: pcap file format (draft-ietf-opsawg-pcap), IEEE 802.1Q, IPv4 (RFC 791), checksum
 * (RFC 1071), IPv6 (RFC 8200), TCP (RFC 9293), UDP (RFC 768), DNS (RFC 1035), NTP (RFC 5905),
 * RTP (RFC 3550), HTTP/1.1 (RFC 9112), TLS record layer (RFC 8446 section 5.1).
 *
 * usage: bench_gen [-s MB] [-S SEED] [-t TCP_FLOWS] [-u UDP_FLOWS] [-d SECONDS] OUT.pcap
 *        bench_gen -V          (print the generator version, for cache stamps)
 */
#include "bench_gen.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bump whenever the output for given arguments changes: run-bench.sh regenerates on change. */
#define GEN_VERSION "5"

#define GEN_DEFAULT_MB 400u               /* default capture size, MB (10^6 bytes) */
#define GEN_DEFAULT_SEED 20020416u        /* default PRNG seed */
#define GEN_DEFAULT_SPAN_S 600u           /* default packet-time span, seconds */
#define GEN_BYTES_PER_TCP_FLOW 8000u      /* default TCP flow count = size / this */
#define GEN_BYTES_PER_UDP_FLOW 20000u     /* default UDP flow count = size / this */
#define GEN_MIN_FLOWS 10u                 /* floor of each default flow count */
#define GEN_MAX_FLOWS 20000000u           /* sanity cap on -t and -u */
#define GEN_STDIO_BUF (8u << 20)          /* output buffer size */
#define GEN_PKT_MAX 2048u                 /* largest frame we build */
#define GEN_MSS4 1460u                    /* TCP MSS over IPv4 */
#define GEN_MSS6 1440u                    /* TCP MSS over IPv6 */
#define GEN_TLS_REC 16384u                /* TLS record payload size */
#define GEN_IM_BUDGET_CAP 6000u           /* IM sessions carry at most this much chat */
#define GEN_IM_MAX_EXCH 80u               /* and at most this many exchanges */
#define GEN_FLOW_BUDGET_CAP (4u << 20)    /* largest single TCP flow payload budget */
#define GEN_WINDOW_SEGS 16u               /* segments in flight before waiting an RTT */
#define GEN_PF_INIT 0.80                  /* initial guess of payload / file bytes for TCP */
#define GEN_UDP_AVG_INIT 3700.0           /* initial guess of file bytes per UDP flow */

/* Link, network and transport constants. */
#define ETH_HLEN 14u
#define VLAN_HLEN 4u
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu
#define ETHERTYPE_VLAN 0x8100u
#define IPV4_HLEN 20u
#define IPV6_HLEN 40u
#define TCP_HLEN 20u
#define TCP_SYN_OPTLEN 12u
#define UDP_HLEN 8u
#define IPPROTO_TCP_ 6u
#define IPPROTO_UDP_ 17u
#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u
#define TH_PSH 0x08u
#define TH_ACK 0x10u

/* TCP connection phases, each emitting one packet. */
enum gen_phase {
    PH_SYN,     /* client SYN */
    PH_SYNACK,  /* server SYN+ACK */
    PH_ACK,     /* client ACK completing the handshake */
    PH_DATA,    /* messages, segments and ACKs */
    PH_FIN1,    /* client FIN (or RST) */
    PH_FIN2,    /* server FIN */
    PH_LASTACK, /* client final ACK */
    PH_DONE     /* nothing more */
};

/* How a TCP flow ends. */
enum gen_end {
    END_FIN,  /* orderly FIN exchange */
    END_RST,  /* client resets */
    END_NONE  /* no teardown seen (idle, capture ended) */
};

/* One flow, TCP or UDP: addresses, sequence state and the message in progress. */
struct gen_flow {
    uint64_t rng;          /* per-flow xorshift64* state */
    uint64_t seed;         /* per-flow constant: regenerable content derives from it */
    uint64_t next_us;      /* packet time of this flow's next packet, µs from time zero */
    uint8_t cli_addr[16];  /* client address (first 4 bytes for IPv4) */
    uint8_t srv_addr[16];  /* server address */
    uint16_t cli_port;     /* client port */
    uint16_t srv_port;     /* server port */
    uint16_t vlan;         /* 802.1Q VLAN id, 0 when untagged */
    uint16_t ipid[2];      /* next IPv4 id per direction (0 client, 1 server) */
    uint32_t seq[2];       /* next TCP sequence number per direction */
    uint32_t budget;       /* payload bytes this TCP flow may still plan */
    uint32_t rtt_us;       /* round-trip time */
    uint32_t exch;         /* TCP: request/response index; UDP: packets sent */
    uint32_t pkts_left;    /* UDP: packets still to send */
    uint32_t msg_len;      /* bytes of the message in progress */
    uint32_t msg_off;      /* bytes of it already sent */
    uint32_t body_len;     /* bytes after its prefix */
    uint16_t hdr_len;      /* bytes of its structured prefix */
    uint8_t style;         /* enum gen_style of its body */
    uint8_t dir;           /* its sender: 0 client, 1 server */
    uint8_t v6;            /* IPv6 rather than IPv4 */
    uint8_t tcp;           /* TCP rather than UDP */
    uint8_t kind;          /* enum gen_kind */
    uint8_t phase;         /* enum gen_phase (TCP) */
    uint8_t end;           /* enum gen_end (TCP) */
    uint8_t started;       /* first packet sent */
    uint8_t unacked;       /* data segments the receiver has not acknowledged */
    uint8_t need_ack;      /* the receiver owes a pure ACK before more data */
    uint8_t upload;        /* RAW_TCP: the client sends the bulk */
};

/* The whole generator: options, flows, event heap, output and running totals. */
struct gen {
    FILE *out;                 /* capture being written */
    uint64_t rng;              /* global xorshift64* state (budgets) */
    uint64_t seed;             /* -S */
    uint64_t target;           /* -s, in bytes of file */
    uint64_t span_us;          /* -d, in µs */
    uint32_t n_tcp;            /* -t */
    uint32_t n_udp;            /* -u */
    struct gen_flow *flows;    /* all flows, TCP first */
    uint32_t n_flows;          /* n_tcp + n_udp */
    uint32_t *heap;            /* min-heap of flow indexes keyed by next_us */
    uint32_t heap_len;         /* entries in heap */
    uint64_t now_us;           /* time of the packet being built */
    uint64_t pkts;             /* packets written */
    uint64_t pkt_bytes;        /* frame bytes written (sum of caplen) */
    uint64_t file_bytes;       /* file bytes written, headers included */
    uint64_t tcp_file_bytes;   /* file bytes of TCP packets */
    uint64_t tcp_payload;      /* TCP payload bytes */
    uint64_t udp_file_bytes;   /* file bytes of UDP packets */
    int64_t committed;         /* budget given to started TCP flows, not yet planned */
    uint32_t tcp_unstarted;    /* TCP flows not started */
    uint32_t udp_started;      /* UDP flows started */
    uint32_t udp_unstarted;    /* UDP flows not started */
    uint8_t pkt[GEN_PKT_MAX];  /* frame under construction */
};

/* ---- messages ------------------------------------------------------------------------ */

/* Kinds whose body bytes all live in the prefix. */
static int kind_body_in_prefix(uint32_t kind)
{
    return kind == KIND_OSCAR || kind == KIND_YMSG || kind == KIND_GNUTELLA;
}

/* ---- checksums and frame building ---------------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    size_t i = 0;

    for (; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (i < n)
        sum += (uint32_t)p[i] << 8;
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Bytes of Ethernet (+VLAN) + IP headers of the flow's packets. */
static size_t l3_end(const struct gen_flow *f)
{
    return ETH_HLEN + (f->vlan ? VLAN_HLEN : 0) + (f->v6 ? IPV6_HLEN : IPV4_HLEN);
}

/* Writes Ethernet, optional 802.1Q and the IP header for an L4 segment of l4_len bytes. */
static void build_l2l3(struct gen *g, struct gen_flow *f, uint32_t from_srv, size_t l4_len)
{
    static const uint8_t router_mac[6] = {0x00, 0x00, 0x0c, 0x07, 0xac, 0x01};
    uint8_t host_mac[6] = {0x02, 0x16, f->cli_addr[0], f->cli_addr[1], f->cli_addr[2],
                           f->cli_addr[3]};
    const uint8_t *src = from_srv ? f->srv_addr : f->cli_addr;
    const uint8_t *dst = from_srv ? f->cli_addr : f->srv_addr;
    uint8_t *p = g->pkt;
    uint8_t proto = f->tcp ? IPPROTO_TCP_ : IPPROTO_UDP_;

    if (f->v6)
        host_mac[2] = f->cli_addr[15];
    memcpy(p, from_srv ? host_mac : router_mac, 6);
    memcpy(p + 6, from_srv ? router_mac : host_mac, 6);
    p += 12;
    if (f->vlan) {
        put_be16(p, ETHERTYPE_VLAN);
        put_be16(p + 2, f->vlan);
        p += 4;
    }
    put_be16(p, f->v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
    p += 2;
    if (f->v6) {
        put_be32(p, 0x60000000u | (uint32_t)((f->seed >> (from_srv ? 8 : 28)) & 0xfffff));
        put_be16(p + 4, (uint32_t)l4_len);
        p[6] = proto;
        p[7] = from_srv ? 52 : 64;
        memcpy(p + 8, src, 16);
        memcpy(p + 24, dst, 16);
        return;
    }
    p[0] = 0x45;
    p[1] = 0;
    put_be16(p + 2, (uint32_t)(IPV4_HLEN + l4_len));
    put_be16(p + 4, f->ipid[from_srv]++);
    put_be16(p + 6, 0x4000); /* DF */
    p[8] = from_srv ? 52 : 128;
    p[9] = proto;
    put_be16(p + 10, 0);
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    put_be16(p + 10, csum_fold(csum_add(0, p, IPV4_HLEN)));
}

/* Pseudo-header sum for the L4 checksum. */
static uint32_t pseudo_sum(const struct gen_flow *f, uint32_t from_srv, size_t l4_len)
{
    const uint8_t *src = from_srv ? f->srv_addr : f->cli_addr;
    const uint8_t *dst = from_srv ? f->cli_addr : f->srv_addr;
    size_t alen = f->v6 ? 16 : 4;
    uint32_t sum = csum_add(csum_add(0, src, alen), dst, alen);

    sum += f->tcp ? IPPROTO_TCP_ : IPPROTO_UDP_;
    sum += (uint32_t)(l4_len & 0xffff) + (uint32_t)(l4_len >> 16);
    return sum;
}

/* Appends the finished frame of len bytes to the capture as one pcap record. */
static void write_record(struct gen *g, struct gen_flow *f, size_t len)
{
    uint8_t rec[16];
    uint64_t ts = g->now_us;

    put_le32(rec, (uint32_t)(GEN_BASE_SEC + ts / 1000000u));
    put_le32(rec + 4, (uint32_t)(ts % 1000000u));
    put_le32(rec + 8, (uint32_t)len);
    put_le32(rec + 12, (uint32_t)len);
    fwrite(rec, 1, sizeof(rec), g->out);
    fwrite(g->pkt, 1, len, g->out);
    g->pkts++;
    g->pkt_bytes += len;
    g->file_bytes += len + sizeof(rec);
    if (f->tcp)
        g->tcp_file_bytes += len + sizeof(rec);
    else
        g->udp_file_bytes += len + sizeof(rec);
}

/* Emits a TCP segment whose payload (plen bytes) is already at its place in g->pkt. */
static void emit_tcp(struct gen *g, struct gen_flow *f, uint32_t from_srv, uint32_t flags,
                     size_t plen)
{
    int syn = (flags & TH_SYN) != 0;
    size_t hl = TCP_HLEN + (syn ? TCP_SYN_OPTLEN : 0);
    uint8_t *t = g->pkt + l3_end(f);
    uint32_t mss = f->v6 ? GEN_MSS6 : GEN_MSS4;

    build_l2l3(g, f, from_srv, hl + plen);
    put_be16(t, from_srv ? f->srv_port : f->cli_port);
    put_be16(t + 2, from_srv ? f->cli_port : f->srv_port);
    put_be32(t + 4, f->seq[from_srv]);
    put_be32(t + 8, (flags & TH_ACK) ? f->seq[!from_srv] : 0);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = (uint8_t)flags;
    put_be16(t + 14, from_srv ? 5840 : 64240);
    put_be16(t + 16, 0);
    put_be16(t + 18, 0);
    if (syn) {
        /* MSS, NOP NOP SACK-permitted, NOP window scale 7. */
        const uint8_t opt[TCP_SYN_OPTLEN] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss, 1, 1, 4,
                                             2, 1, 3, 3, 7};

        memcpy(t + TCP_HLEN, opt, sizeof(opt));
    }
    put_be16(t + 16, csum_fold(csum_add(pseudo_sum(f, from_srv, hl + plen), t, hl + plen)));
    f->seq[from_srv] += (uint32_t)plen + (syn ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
    g->tcp_payload += plen;
    write_record(g, f, l3_end(f) + hl + plen);
}

/* Emits a UDP datagram whose payload (plen bytes) is already in place. */
static void emit_udp(struct gen *g, struct gen_flow *f, uint32_t from_srv, size_t plen)
{
    uint8_t *u = g->pkt + l3_end(f);
    uint16_t c;

    build_l2l3(g, f, from_srv, UDP_HLEN + plen);
    put_be16(u, from_srv ? f->srv_port : f->cli_port);
    put_be16(u + 2, from_srv ? f->cli_port : f->srv_port);
    put_be16(u + 4, (uint32_t)(UDP_HLEN + plen));
    put_be16(u + 6, 0);
    c = csum_fold(csum_add(pseudo_sum(f, from_srv, UDP_HLEN + plen), u, UDP_HLEN + plen));
    put_be16(u + 6, c == 0 ? 0xffff : c);
    write_record(g, f, l3_end(f) + UDP_HLEN + plen);
}

/* ---- TCP flows ----------------------------------------------------------------------- */

/* Takes up to want bytes of the flow's budget; returns the body size to use (>= min). */
static uint32_t take_budget(struct gen *g, struct gen_flow *f, uint32_t want, uint32_t min)
{
    uint32_t b = want < f->budget ? want : f->budget;

    f->budget -= b;
    g->committed -= b;
    return b < min ? min : b;
}

static int kind_is_im(uint32_t kind)
{
    return kind == KIND_OSCAR || kind == KIND_MSN || kind == KIND_YMSG || kind == KIND_GNUTELLA;
}

/* Exchanges of fixed opening script before chat starts. */
static uint32_t im_script_len(uint32_t kind)
{
    return kind == KIND_MSN ? 3 : 2;
}

/* Sets up the next message of flow f, sent by dir. */
static void plan_msg(struct gen *g, struct gen_flow *f, uint32_t dir)
{
    uint8_t buf[GEN_PREFIX_MAX];
    uint64_t *r = &f->rng;
    uint32_t body = 0;
    uint8_t style;
    size_t hl;

    switch (f->kind) {
    case KIND_HTTP:
        if (dir == 0)
            body = rng_below(r, 10) == 0 ? 20 + rng_exp(r, 400, 20000) : 0;
        else
            body = take_budget(g, f, 100 + rng_exp(r, 8000, 1u << 20), 0);
        break;
    case KIND_TLS:
        if (dir == 0)
            body = 30 + rng_exp(r, 400, 20000);
        else
            body = take_budget(g, f, 100 + rng_exp(r, 12000, 1u << 20), 100);
        break;
    case KIND_RAW_TCP:
        if (dir == (f->upload ? 0u : 1u))
            body = take_budget(g, f, 1 + rng_exp(r, 10000, 1u << 20), 1);
        else
            body = 1 + rng_exp(r, 300, 20000);
        break;
    default:
        if (f->exch >= im_script_len(f->kind))
            body = take_budget(g, f, 5 + rng_exp(r, 80, 300), 5);
        if (f->kind == KIND_MSN && dir == 1 && rng_below(r, 2) == 0)
            body = 0; /* ACK only */
        break;
    }
    if (f->kind == KIND_TLS) {
        /* Never leave a record with fewer than one payload byte. */
        uint32_t tail = body % (GEN_TLS_REC + 5);

        if (tail > 0 && tail < 6)
            body += 6;
    }
    hl = gen_msg_prefix(f->kind, f->seed, dir, f->exch, body, buf, &style);
    f->dir = (uint8_t)dir;
    f->hdr_len = (uint16_t)hl;
    f->body_len = body; /* the prefix is rebuilt from it: keep it even if in the prefix */
    f->style = style;
    f->msg_len = (uint32_t)hl + (kind_body_in_prefix(f->kind) ? 0 : body);
    f->msg_off = 0;
    if (f->msg_len == 0) /* cannot happen by construction; keep the stream moving */
        f->msg_len = 1;
}

/* Fills len bytes of the message in progress, from msg_off, at out. */
static void fill_msg(struct gen_flow *f, uint8_t *out, uint32_t len)
{
    uint32_t off = f->msg_off;

    if (off < f->hdr_len) {
        uint8_t buf[GEN_PREFIX_MAX];
        uint8_t style;
        uint32_t k = f->hdr_len - off < len ? f->hdr_len - off : len;

        gen_msg_prefix(f->kind, f->seed, f->dir, f->exch, f->body_len, buf, &style);
        memcpy(out, buf + off, k);
        out += k;
        off += k;
        len -= k;
    }
    if (len == 0)
        return;
    if (f->style == STYLE_TEXT) {
        gen_text_fill(out, len, (uint64_t)(off - f->hdr_len) + (f->seed & 0xffff));
        return;
    }
    gen_random_fill(&f->rng, out, len);
    if (f->style != STYLE_TLS)
        return;
    /* Overwrite the record headers (type 23, TLS 1.2, length) that fall in this segment. */
    for (uint32_t i = 0; i < len; i++) {
        uint32_t pos = off + i, chunk = GEN_TLS_REC + 5, q = pos % chunk;

        if (q >= 5) {
            i += chunk - q - 1;
            continue;
        }
        {
            uint32_t left = f->msg_len - (pos - q) - 5;
            uint32_t rl = left < GEN_TLS_REC ? left : GEN_TLS_REC;
            uint8_t hdr[5] = {0x17, 0x03, 0x03, (uint8_t)(rl >> 8), (uint8_t)rl};

            out[i] = hdr[q];
        }
    }
}

/* Segment size for the next data segment: IMIX-like, clamped to what is left. */
static uint32_t seg_size(struct gen_flow *f)
{
    uint32_t mss = f->v6 ? GEN_MSS6 : GEN_MSS4, left = f->msg_len - f->msg_off, pick;
    uint32_t d = rng_below(&f->rng, 100);

    if (d < 60)
        pick = mss;
    else if (d < 85)
        pick = 536;
    else
        pick = 1 + rng_below(&f->rng, mss);
    return pick < left ? pick : left;
}

/* Think time before a new request, by protocol, shortened once past the time span. */
static uint64_t think_us(struct gen *g, struct gen_flow *f)
{
    double mean = 1500000;
    uint64_t t;

    if (kind_is_im(f->kind))
        mean = 15000000;
    else if (f->kind == KIND_TLS)
        mean = 4000000;
    t = rng_exp(&f->rng, mean, 60000000);
    if (g->now_us + t > g->span_us)
        t = rng_below(&f->rng, 200000);
    return t;
}

/* After a message completes: the other side answers, or the client closes. */
static void next_msg(struct gen *g, struct gen_flow *f)
{
    if (f->dir == 0) {
        plan_msg(g, f, 1);
        f->unacked = 0;
        f->next_us = g->now_us + f->rtt_us + rng_exp(&f->rng, 5000, 200000);
        return;
    }
    f->exch++;
    if (f->budget == 0 || (kind_is_im(f->kind) && f->exch >= GEN_IM_MAX_EXCH)) {
        if (!kind_is_im(f->kind) || f->exch >= im_script_len(f->kind)) {
            f->phase = PH_FIN1;
            f->next_us = g->now_us + f->rtt_us / 2 + rng_exp(&f->rng, 100000, 5000000);
            return;
        }
    }
    plan_msg(g, f, 0);
    f->unacked = 0;
    f->next_us = g->now_us + f->rtt_us / 2 + think_us(g, f);
}

static void tcp_data_step(struct gen *g, struct gen_flow *f)
{
    uint32_t len;

    if (f->need_ack) {
        emit_tcp(g, f, !f->dir, TH_ACK, 0);
        f->need_ack = 0;
        f->unacked = 0;
        f->next_us = g->now_us + 20 + rng_below(&f->rng, 200);
        return;
    }
    len = seg_size(f);
    fill_msg(f, g->pkt + l3_end(f) + TCP_HLEN, len);
    emit_tcp(g, f, f->dir, TH_ACK | (f->msg_off + len == f->msg_len ? TH_PSH : 0), len);
    f->msg_off += len;
    f->unacked++;
    if (f->msg_off == f->msg_len) {
        next_msg(g, f);
        return;
    }
    if (f->unacked >= 2 && rng_below(&f->rng, 4) != 0)
        f->need_ack = 1;
    f->next_us = g->now_us + 10 + len * 8 / 100;
    if (f->msg_off / ((f->v6 ? GEN_MSS6 : GEN_MSS4) * GEN_WINDOW_SEGS) !=
        (f->msg_off - len) / ((f->v6 ? GEN_MSS6 : GEN_MSS4) * GEN_WINDOW_SEGS))
        f->next_us += f->rtt_us;
}

/* Draws a TCP flow's payload budget when it starts, steering the file toward its target. */
static void draw_budget(struct gen *g, struct gen_flow *f)
{
    double pf = g->tcp_file_bytes > 1000000 ? (double)g->tcp_payload / g->tcp_file_bytes
                                            : GEN_PF_INIT;
    double udp_avg = g->udp_started > 100 ? (double)g->udp_file_bytes / g->udp_started
                                          : GEN_UDP_AVG_INIT;
    double left = (double)g->target - (double)g->file_bytes - udp_avg * g->udp_unstarted;
    double mean = (left * pf - (double)g->committed) / (g->tcp_unstarted + 1);
    double e = -log(1.0 - rng_unit(&g->rng));
    double b;

    if (mean < 300)
        mean = 300;
    b = mean * e * e / 2.0; /* mean 1, heavy tail */
    if (b > GEN_FLOW_BUDGET_CAP)
        b = GEN_FLOW_BUDGET_CAP;
    f->budget = (uint32_t)b;
    if (kind_is_im(f->kind) && f->budget > GEN_IM_BUDGET_CAP)
        f->budget = GEN_IM_BUDGET_CAP;
    g->committed += f->budget;
    g->tcp_unstarted--;
}

static void tcp_step(struct gen *g, struct gen_flow *f)
{
    uint64_t half = f->rtt_us / 2;

    switch (f->phase) {
    case PH_SYN:
        draw_budget(g, f);
        emit_tcp(g, f, 0, TH_SYN, 0);
        f->phase = PH_SYNACK;
        f->next_us = g->now_us + half;
        break;
    case PH_SYNACK:
        emit_tcp(g, f, 1, TH_SYN | TH_ACK, 0);
        f->phase = PH_ACK;
        f->next_us = g->now_us + half;
        break;
    case PH_ACK:
        emit_tcp(g, f, 0, TH_ACK, 0);
        f->phase = PH_DATA;
        plan_msg(g, f, 0);
        f->next_us = g->now_us + 30 + rng_below(&f->rng, 2000);
        break;
    case PH_DATA:
        tcp_data_step(g, f);
        break;
    case PH_FIN1:
        g->committed -= f->budget;
        f->budget = 0;
        if (f->end == END_NONE) {
            f->phase = PH_DONE;
            return;
        }
        emit_tcp(g, f, 0, f->end == END_RST ? (TH_RST | TH_ACK) : (TH_FIN | TH_ACK), 0);
        f->phase = f->end == END_RST ? PH_DONE : PH_FIN2;
        f->next_us = g->now_us + half;
        break;
    case PH_FIN2:
        emit_tcp(g, f, 1, TH_FIN | TH_ACK, 0);
        f->phase = PH_LASTACK;
        f->next_us = g->now_us + half;
        break;
    case PH_LASTACK:
        emit_tcp(g, f, 0, TH_ACK, 0);
        f->phase = PH_DONE;
        break;
    default:
        f->phase = PH_DONE;
        break;
    }
}

/* ---- UDP flows ----------------------------------------------------------------------- */

/* Payload of the next UDP packet of f; sets *dir. */
static size_t udp_payload(struct gen_flow *f, uint8_t *out, uint32_t *dir)
{
    uint64_t *r = &f->rng;
    size_t n;

    switch (f->kind) {
    case KIND_DNS:
        *dir = f->exch & 1;
        return gen_dns_msg(f->seed, *dir, f->exch / 2, out);
    case KIND_NTP:
        /* 48-byte NTPv3 packet: LI 0, VN 3, mode 3 (client) or 4 (server). */
        *dir = f->exch & 1;
        memset(out, 0, 48);
        out[0] = *dir ? 0x1c : 0x1b;
        out[1] = *dir ? 2 : 0;
        out[2] = 6;
        out[3] = 0xec;
        gen_random_fill(r, out + 40, 8);
        if (*dir)
            gen_random_fill(r, out + 12, 28);
        return 48;
    case KIND_RTP:
        /* RTP v2, PCMU, 20 ms frames of 160 samples, mostly client to server. */
        *dir = rng_below(r, 10) < 7 ? 0 : 1;
        out[0] = 0x80;
        out[1] = f->exch == 0 ? 0x80 : 0x00;
        put_be16(out + 2, (uint32_t)(f->seed + f->exch));
        put_be32(out + 4, (uint32_t)(f->seed >> 16) + f->exch * 160);
        put_be32(out + 8, (uint32_t)(f->seed >> 32) ^ *dir);
        gen_random_fill(r, out + 12, 160);
        return 172;
    default:
        *dir = rng_below(r, 2);
        n = 20 + rng_below(r, 1380);
        gen_random_fill(r, out, n);
        /* A fixed first byte keeps heuristic dissectors (RTCP, CLTP, Thrift) off random data. */
        out[0] = 0x00;
        out[1] = 0x01;
        out[4] = 0x00;
        out[5] = 0x00;
        return n;
    }
}

static void udp_step(struct gen *g, struct gen_flow *f)
{
    uint32_t dir;
    size_t n;
    uint64_t gap;

    if (!f->started) {
        g->udp_unstarted--;
        g->udp_started++;
    }
    n = udp_payload(f, g->pkt + l3_end(f) + UDP_HLEN, &dir);
    emit_udp(g, f, dir, n);
    f->exch++;
    if (--f->pkts_left == 0) {
        f->phase = PH_DONE;
        return;
    }
    switch (f->kind) {
    case KIND_DNS:
        gap = (f->exch & 1) ? f->rtt_us : rng_exp(&f->rng, 2000000, 30000000);
        break;
    case KIND_NTP:
        gap = (f->exch & 1) ? f->rtt_us : 16000000u + rng_below(&f->rng, 48000000u);
        break;
    case KIND_RTP:
        gap = 20000 + rng_below(&f->rng, 400);
        break;
    default:
        gap = 100 + rng_exp(&f->rng, 50000, 5000000);
        break;
    }
    f->next_us = g->now_us + gap;
}

/* ---- flow set-up --------------------------------------------------------------------- */

/* A private client address (10/8 or 192.168/16) or a ULA for IPv6. */
static void client_addr(struct gen_flow *f)
{
    uint64_t *r = &f->rng;

    if (f->v6) {
        f->cli_addr[0] = 0xfd;
        f->cli_addr[1] = 0x00;
        gen_random_fill(r, f->cli_addr + 2, 14);
        return;
    }
    if (rng_below(r, 4) == 0) {
        f->cli_addr[0] = 192;
        f->cli_addr[1] = 168;
        f->cli_addr[2] = (uint8_t)rng_below(r, 256);
    } else {
        f->cli_addr[0] = 10;
        f->cli_addr[1] = (uint8_t)rng_below(r, 256);
        f->cli_addr[2] = (uint8_t)rng_below(r, 256);
    }
    f->cli_addr[3] = (uint8_t)(1 + rng_below(r, 254));
}

/* A public-looking server address (2001:db8::/32 for IPv6). */
static void server_addr(struct gen_flow *f)
{
    static const uint8_t first[] = {24, 64, 66, 80, 128, 152, 193, 198, 203, 205, 207, 212};
    uint64_t *r = &f->rng;

    if (f->v6) {
        f->srv_addr[0] = 0x20;
        f->srv_addr[1] = 0x01;
        f->srv_addr[2] = 0x0d;
        f->srv_addr[3] = 0xb8;
        gen_random_fill(r, f->srv_addr + 4, 12);
        return;
    }
    f->srv_addr[0] = first[rng_below(r, sizeof(first))];
    f->srv_addr[1] = (uint8_t)rng_below(r, 256);
    f->srv_addr[2] = (uint8_t)rng_below(r, 256);
    f->srv_addr[3] = (uint8_t)(1 + rng_below(r, 254));
}

static uint32_t pick_tcp_kind(uint64_t *r, uint16_t *port)
{
    uint32_t d = rng_below(r, 100);

    if (d < 40)
        return *port = 80, KIND_HTTP;
    if (d < 68)
        return *port = 443, KIND_TLS;
    if (d < 70)
        return *port = 5190, KIND_OSCAR;
    if (d < 72)
        return *port = 1863, KIND_MSN;
    if (d < 74)
        return *port = 5050, KIND_YMSG;
    if (d < 76)
        return *port = 6346, KIND_GNUTELLA;
    *port = (uint16_t)(40000 + rng_below(r, 8000));
    return KIND_RAW_TCP;
}

static uint32_t pick_udp_kind(uint64_t *r, uint16_t *port, uint32_t *pkts)
{
    uint32_t d = rng_below(r, 100);

    if (d < 75) {
        *port = 53;
        *pkts = 2 * (1 + rng_below(r, 3));
        return KIND_DNS;
    }
    if (d < 82) {
        *port = 123;
        *pkts = 2 * (1 + rng_below(r, 2));
        return KIND_NTP;
    }
    *port = (uint16_t)(16384 + 2 * rng_below(r, 8000));
    if (d < 85) {
        *pkts = 50 + rng_below(r, 350);
        return KIND_RTP;
    }
    *pkts = 2 + rng_below(r, 20);
    return KIND_RAW_UDP;
}

static void flow_init(struct gen *g, struct gen_flow *f, uint32_t idx, int tcp)
{
    uint64_t *r;
    uint32_t d;

    memset(f, 0, sizeof(*f));
    f->seed = rng_seed(g->seed, idx);
    f->rng = rng_seed(f->seed, 0xf10f);
    r = &f->rng;
    f->tcp = (uint8_t)tcp;
    f->v6 = rng_below(r, 100) < 10;
    f->vlan = rng_below(r, 100) < 5 ? (uint16_t)(100 + rng_below(r, 3900)) : 0;
    client_addr(f);
    server_addr(f);
    f->cli_port = (uint16_t)(49152 + rng_below(r, 16384)); /* IANA ephemeral range */
    f->rtt_us = 1000 + rng_exp(r, 40000, 400000);
    f->next_us = (uint64_t)(rng_unit(r) * 0.9 * (double)g->span_us);
    f->ipid[0] = (uint16_t)rng_next(r);
    f->ipid[1] = (uint16_t)rng_next(r);
    if (tcp) {
        f->kind = (uint8_t)pick_tcp_kind(r, &f->srv_port);
        f->seq[0] = (uint32_t)rng_next(r);
        f->seq[1] = (uint32_t)rng_next(r);
        d = rng_below(r, 100);
        f->end = d < 88 ? END_FIN : d < 95 ? END_RST : END_NONE;
        f->upload = f->kind == KIND_RAW_TCP && rng_below(r, 5) == 0;
        f->phase = PH_SYN;
    } else {
        f->kind = (uint8_t)pick_udp_kind(r, &f->srv_port, &f->pkts_left);
        f->phase = PH_DATA;
    }
}

/* ---- event heap ---------------------------------------------------------------------- */

static int heap_less(const struct gen *g, uint32_t a, uint32_t b)
{
    uint64_t ta = g->flows[a].next_us, tb = g->flows[b].next_us;

    return ta < tb || (ta == tb && a < b);
}

static void heap_down(struct gen *g, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, m = i, t;

        if (l < g->heap_len && heap_less(g, g->heap[l], g->heap[m]))
            m = l;
        if (l + 1 < g->heap_len && heap_less(g, g->heap[l + 1], g->heap[m]))
            m = l + 1;
        if (m == i)
            return;
        t = g->heap[i];
        g->heap[i] = g->heap[m];
        g->heap[m] = t;
        i = m;
    }
}

/* ---- main ---------------------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_gen [-s MB] [-S SEED] [-t TCP_FLOWS] [-u UDP_FLOWS] "
                    "[-d SECONDS] OUT.pcap\n       bench_gen -V\n");
}

static int parse_args(struct gen *g, int argc, char **argv, const char **path)
{
    uint64_t mb = GEN_DEFAULT_MB, seed = GEN_DEFAULT_SEED, span = GEN_DEFAULT_SPAN_S;
    uint64_t nt = 0, nu = 0;
    int c;

    while ((c = getopt(argc, argv, "s:S:t:u:d:Vh")) != -1) {
        int bad = 0;

        switch (c) {
        case 's':
            bad = parse_u64(optarg, 1, 1000000, &mb);
            break;
        case 'S':
            bad = parse_u64(optarg, 0, UINT64_MAX, &seed);
            break;
        case 't':
            bad = parse_u64(optarg, 1, GEN_MAX_FLOWS, &nt);
            break;
        case 'u':
            bad = parse_u64(optarg, 1, GEN_MAX_FLOWS, &nu);
            break;
        case 'd':
            bad = parse_u64(optarg, 1, 86400, &span);
            break;
        case 'V':
            printf("bench_gen %s\n", GEN_VERSION);
            exit(0);
        default:
            usage();
            return -1;
        }
        if (bad) {
            fprintf(stderr, "bench_gen: bad value for -%c: %s\n", c, optarg);
            return -1;
        }
    }
    if (optind != argc - 1) {
        usage();
        return -1;
    }
    *path = argv[optind];
    g->target = mb * 1000000u;
    g->seed = seed;
    g->span_us = span * 1000000u;
    g->n_tcp = (uint32_t)(g->target / GEN_BYTES_PER_TCP_FLOW);
    g->n_udp = (uint32_t)(g->target / GEN_BYTES_PER_UDP_FLOW);
    if (g->n_tcp < GEN_MIN_FLOWS)
        g->n_tcp = GEN_MIN_FLOWS;
    if (g->n_udp < GEN_MIN_FLOWS)
        g->n_udp = GEN_MIN_FLOWS;
    if (nt != 0) /* explicit counts win over the size-derived defaults */
        g->n_tcp = (uint32_t)nt;
    if (nu != 0)
        g->n_udp = (uint32_t)nu;
    return 0;
}

static void write_file_header(FILE *out)
{
    uint8_t h[24];

    put_le32(h, 0xa1b2c3d4u);     /* magic, microsecond timestamps */
    h[4] = 2;                     /* version 2.4, little-endian */
    h[5] = 0;
    h[6] = 4;
    h[7] = 0;
    put_le32(h + 8, 0);           /* thiszone */
    put_le32(h + 12, 0);          /* sigfigs */
    put_le32(h + 16, 65535);      /* snaplen */
    put_le32(h + 20, 1);          /* LINKTYPE_ETHERNET */
    fwrite(h, 1, sizeof(h), out);
}

/* Runs the event loop: always the flow with the earliest next packet. */
static void run(struct gen *g)
{
    while (g->heap_len > 0) {
        uint32_t i = g->heap[0];
        struct gen_flow *f = &g->flows[i];

        if (f->next_us > g->now_us)
            g->now_us = f->next_us;
        if (f->tcp)
            tcp_step(g, f);
        else
            udp_step(g, f);
        f->started = 1;
        if (f->phase == PH_DONE)
            g->heap[0] = g->heap[--g->heap_len];
        heap_down(g, 0);
    }
}

int main(int argc, char **argv)
{
    struct gen *g;
    const char *path = NULL;
    char *iobuf = NULL;
    int rc = 1;

    g = calloc(1, sizeof(*g));
    if (g == NULL)
        return 1;
    if (parse_args(g, argc, argv, &path) != 0)
        goto out_free_gen;
    g->rng = rng_seed(g->seed, 0x676c6f62ULL);
    g->n_flows = g->n_tcp + g->n_udp;
    g->flows = calloc(g->n_flows, sizeof(*g->flows));
    g->heap = calloc(g->n_flows, sizeof(*g->heap));
    iobuf = malloc(GEN_STDIO_BUF);
    if (g->flows == NULL || g->heap == NULL || iobuf == NULL) {
        fprintf(stderr, "bench_gen: out of memory\n");
        goto out_free;
    }
    for (uint32_t i = 0; i < g->n_flows; i++) {
        flow_init(g, &g->flows[i], i, i < g->n_tcp);
        g->heap[i] = i;
    }
    g->heap_len = g->n_flows;
    for (uint32_t i = g->n_flows / 2 + 1; i-- > 0;)
        heap_down(g, i);
    g->tcp_unstarted = g->n_tcp;
    g->udp_unstarted = g->n_udp;
    g->out = fopen(path, "wb");
    if (g->out == NULL) {
        fprintf(stderr, "bench_gen: %s: %s\n", path, strerror(errno));
        goto out_free;
    }
    setvbuf(g->out, iobuf, _IOFBF, GEN_STDIO_BUF);
    write_file_header(g->out);
    g->file_bytes = 24;
    run(g);
    if (ferror(g->out) || fclose(g->out) != 0) {
        fprintf(stderr, "bench_gen: %s: write error\n", path);
        g->out = NULL;
        goto out_free;
    }
    g->out = NULL;
    printf("packets=%llu packet_bytes=%llu file_bytes=%llu tcp_flows=%u udp_flows=%u "
           "span_s=%.1f\n",
           (unsigned long long)g->pkts, (unsigned long long)g->pkt_bytes,
           (unsigned long long)g->file_bytes, g->n_tcp, g->n_udp, g->now_us / 1e6);
    rc = 0;
out_free:
    if (g->out != NULL)
        fclose(g->out);
    free(iobuf);
    free(g->heap);
    free(g->flows);
out_free_gen:
    free(g);
    return rc;
}
