/*
 * check_flow.c - unit tests of the flow table (src/flow): bidirectional
 * lookup, client/server orientation, VLAN separation, IPv6, TCP/UDP state,
 * each timeout, tuple reuse, max-flows and memcap eviction, shutdown,
 * flow_id properties, and Community ID v1 against the published baseline
 * (corelight/community-id-spec baseline/baseline_deflt.json).
 *
 * Packets are built directly as struct packet values, as the decoder
 * would leave them.
 */
#include <check.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/flow.h"

#define SEC 1000000LL           /* microseconds per second */
#define T0 (1018958400LL * SEC) /* 2002-04-16T12:00:00Z, packet time origin */

/* Every ended flow, as the end callback saw it. */
struct ended {
    unsigned n;            /* flows ended */
    unsigned by_reason[4]; /* per enum flow_end_reason */
    uint64_t ids[64];      /* flow_id of each, in order */
    struct flow last;      /* copy of the last ended flow */
};

static void on_end(void *user, struct flow *f)
{
    struct ended *e = user;

    if (e->n < 64)
        e->ids[e->n] = f->flow_id;
    e->n++;
    e->by_reason[f->end_reason]++;
    e->last = *f;
}

static void test_cfg(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->flow_hash_size = 100; /* rounded up to 128 */
    cfg->flow_max = 1000;
    cfg->flow_memcap = 64ull * 1024 * 1024;
    cfg->to_tcp_new = 30;
    cfg->to_tcp_established = 600;
    cfg->to_tcp_closed = 10;
    cfg->to_udp_new = 20;
    cfg->to_udp_established = 120;
    cfg->to_other = 40;
}

static void set_addr(struct ip_addr *a, const char *text)
{
    memset(a, 0, sizeof(*a));
    if (strchr(text, ':')) {
        a->family = 6;
        ck_assert_int_eq(inet_pton(AF_INET6, text, a->a), 1);
    } else {
        a->family = 4;
        ck_assert_int_eq(inet_pton(AF_INET, text, a->a), 1);
    }
}

/* A decoded packet: proto from src to dst, ports (ICMP: type/code), TCP flags, 60 wire bytes. */
static struct packet mkpkt(int64_t ts, uint8_t proto, const char *src, uint16_t sp, const char *dst,
                           uint16_t dp, uint8_t tcp_flags)
{
    struct packet p;

    memset(&p, 0, sizeof(p));
    p.ts_us = ts;
    p.wirelen = 60;
    p.caplen = 60;
    set_addr(&p.src, src);
    set_addr(&p.dst, dst);
    p.ip_version = p.src.family;
    p.ip_proto = proto;
    p.sport = sp;
    p.dport = dp;
    p.tcp.flags = tcp_flags;
    p.l4_csum = CSUM_OK;
    p.flags = PKT_HAS_L4;
    return p;
}

/* Feeds one packet; returns the flow (asserted non-NULL) and its direction. */
static struct flow *feed(struct flow_table *ft, const struct packet *p, enum flow_dir *dir)
{
    struct flow *f = flow_table_packet(ft, p, dir);

    ck_assert_ptr_nonnull(f);
    return f;
}

static void addr_is(const struct ip_addr *a, const char *text)
{
    char buf[64];

    ck_assert_str_eq(ip_addr_str(a, buf, sizeof(buf)), text);
}

/* Fixture: one table with the test config, counters and end recorder. */
static struct config g_cfg;
static struct stats g_st;
static struct ended g_end;
static struct flow_table *g_ft;

static void setup(void)
{
    test_cfg(&g_cfg);
    memset(&g_st, 0, sizeof(g_st));
    memset(&g_end, 0, sizeof(g_end));
    g_ft = flow_table_new(&g_cfg, &g_st, on_end, &g_end);
    ck_assert_ptr_nonnull(g_ft);
}

static void teardown(void)
{
    flow_table_free(g_ft);
    g_ft = NULL;
}

/* Rebuilds the fixture table after the test changed g_cfg. */
static void renew(void)
{
    flow_table_free(g_ft);
    memset(&g_st, 0, sizeof(g_st));
    memset(&g_end, 0, sizeof(g_end));
    g_ft = flow_table_new(&g_cfg, &g_st, on_end, &g_end);
    ck_assert_ptr_nonnull(g_ft);
}

/* ---- lookup and orientation ---- */

START_TEST(test_both_directions_one_flow)
{
    enum flow_dir d1, d2, d3;
    struct packet a = mkpkt(T0, 6, "10.0.0.1", 40000, "192.0.2.10", 80, TCP_SYN);
    struct packet b = mkpkt(T0 + 1000, 6, "192.0.2.10", 80, "10.0.0.1", 40000, TCP_SYN | TCP_ACK);
    struct packet c = mkpkt(T0 + 2000, 6, "10.0.0.1", 40000, "192.0.2.10", 80, TCP_ACK);
    struct flow *f1, *f2, *f3;

    b.wirelen = 74;
    b.l4_csum = CSUM_BAD;
    f1 = feed(g_ft, &a, &d1);
    f2 = feed(g_ft, &b, &d2);
    f3 = feed(g_ft, &c, &d3);
    ck_assert_ptr_eq(f1, f2);
    ck_assert_ptr_eq(f1, f3);
    ck_assert_uint_eq(flow_table_count(g_ft), 1);
    ck_assert_int_eq(d1, FLOW_TOSERVER);
    ck_assert_int_eq(d2, FLOW_TOCLIENT);
    ck_assert_int_eq(d3, FLOW_TOSERVER);
    ck_assert_uint_eq(f1->pkts[FLOW_TOSERVER], 2);
    ck_assert_uint_eq(f1->pkts[FLOW_TOCLIENT], 1);
    ck_assert_uint_eq(f1->bytes[FLOW_TOSERVER], 120);
    ck_assert_uint_eq(f1->bytes[FLOW_TOCLIENT], 74);
    ck_assert_uint_eq(f1->tcp_flags[FLOW_TOSERVER], TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(f1->tcp_flags[FLOW_TOCLIENT], TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(f1->csum_ok[FLOW_TOSERVER], 2);
    ck_assert_uint_eq(f1->csum_bad[FLOW_TOCLIENT], 1);
    ck_assert_uint_eq(f1->csum_ok[FLOW_TOCLIENT], 0);
    ck_assert_int_eq(f1->start_us, T0);
    ck_assert_int_eq(f1->last_us, T0 + 2000);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_TOTAL], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_TCP], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_ACTIVE], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_MEMUSE], sizeof(struct flow));
    ck_assert_uint_eq(g_st.v[STAT_TCP_SYN], 1);
    ck_assert_uint_eq(g_st.v[STAT_TCP_SYNACK], 1);
    ck_assert_uint_eq(flow_hash_packet(&a), flow_hash_packet(&b));
    /* a different tuple is a different flow */
    c.sport = 40001;
    ck_assert_ptr_ne(feed(g_ft, &c, NULL), f1);
    ck_assert_uint_eq(flow_table_count(g_ft), 2);
}
END_TEST

START_TEST(test_orient_by_syn)
{
    enum flow_dir d;
    /* SYN from the low port: its sender is still the client */
    struct packet syn = mkpkt(T0, 6, "10.0.0.1", 80, "10.0.0.2", 5000, TCP_SYN);
    struct flow *f = feed(g_ft, &syn, &d);

    ck_assert_int_eq(d, FLOW_TOSERVER);
    addr_is(&f->cli_ip, "10.0.0.1");
    addr_is(&f->srv_ip, "10.0.0.2");
    ck_assert_uint_eq(f->cli_port, 80);
    ck_assert_uint_eq(f->srv_port, 5000);
    ck_assert(f->client_from_syn);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
}
END_TEST

START_TEST(test_orient_by_synack)
{
    enum flow_dir d;
    /* only the SYN/ACK is seen, sent by 10.0.0.2:5000: the receiver is the client */
    struct packet sa = mkpkt(T0, 6, "10.0.0.2", 5000, "10.0.0.1", 80, TCP_SYN | TCP_ACK);
    struct flow *f = feed(g_ft, &sa, &d);

    ck_assert_int_eq(d, FLOW_TOCLIENT);
    addr_is(&f->cli_ip, "10.0.0.1");
    ck_assert_uint_eq(f->cli_port, 80);
    ck_assert_uint_eq(f->srv_port, 5000);
    ck_assert(f->client_from_syn);
    ck_assert_uint_eq(f->pkts[FLOW_TOCLIENT], 1);
    ck_assert_uint_eq(f->pkts[FLOW_TOSERVER], 0);
}
END_TEST

START_TEST(test_orient_by_port)
{
    enum flow_dir d;
    /* mid-stream data from port 80 to 40000: the higher port is the client */
    struct packet p = mkpkt(T0, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_ACK | TCP_PSH);
    struct flow *f = feed(g_ft, &p, &d);
    struct packet u = mkpkt(T0, 17, "10.0.0.9", 5060, "10.0.0.8", 5060, 0);

    ck_assert_int_eq(d, FLOW_TOCLIENT);
    addr_is(&f->cli_ip, "10.0.0.1");
    ck_assert_uint_eq(f->cli_port, 40000);
    ck_assert_uint_eq(f->srv_port, 80);
    ck_assert(!f->client_from_syn);

    /* equal ports: the first packet's sender is the client */
    f = feed(g_ft, &u, &d);
    ck_assert_int_eq(d, FLOW_TOSERVER);
    addr_is(&f->cli_ip, "10.0.0.9");
    u = mkpkt(T0 + 1, 17, "10.0.0.8", 5060, "10.0.0.9", 5060, 0);
    ck_assert_ptr_eq(feed(g_ft, &u, &d), f);
    ck_assert_int_eq(d, FLOW_TOCLIENT);
}
END_TEST

START_TEST(test_orient_fixed_by_late_syn)
{
    enum flow_dir d;
    /* a stray ACK from the high port side first (port guess: 40000 is client) ... */
    struct packet a = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK);
    /* ... then the real SYN from 10.0.0.2:80: the handshake wins */
    struct packet s = mkpkt(T0 + 10, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_SYN);
    struct flow *f = feed(g_ft, &a, &d);

    ck_assert_int_eq(d, FLOW_TOSERVER);
    ck_assert_ptr_eq(feed(g_ft, &s, &d), f);
    ck_assert_int_eq(d, FLOW_TOSERVER);
    addr_is(&f->cli_ip, "10.0.0.2");
    ck_assert_uint_eq(f->cli_port, 80);
    ck_assert(f->client_from_syn);
    /* the first packet's counters moved with the swap */
    ck_assert_uint_eq(f->pkts[FLOW_TOSERVER], 1);
    ck_assert_uint_eq(f->pkts[FLOW_TOCLIENT], 1);
    ck_assert_uint_eq(f->tcp_flags[FLOW_TOSERVER], TCP_SYN);
    ck_assert_uint_eq(f->tcp_flags[FLOW_TOCLIENT], TCP_ACK);
}
END_TEST

START_TEST(test_set_client)
{
    enum flow_dir d;
    struct packet p = mkpkt(T0, 6, "10.0.0.1", 5190, "10.0.0.2", 1080, TCP_ACK);
    struct packet q = mkpkt(T0 + 5, 6, "10.0.0.2", 1080, "10.0.0.1", 5190, TCP_ACK);
    struct flow *f = feed(g_ft, &p, &d);

    p.wirelen = 100;
    feed(g_ft, &p, &d);
    feed(g_ft, &q, &d);
    ck_assert_uint_eq(f->cli_port, 5190);
    ck_assert_uint_eq(f->bytes[FLOW_TOSERVER], 160);
    ck_assert_uint_eq(f->bytes[FLOW_TOCLIENT], 60);
    flow_set_client(f, FLOW_TOSERVER); /* already right: no change */
    ck_assert_uint_eq(f->cli_port, 5190);
    flow_set_client(f, FLOW_TOCLIENT);
    addr_is(&f->cli_ip, "10.0.0.2");
    ck_assert_uint_eq(f->cli_port, 1080);
    ck_assert_uint_eq(f->srv_port, 5190);
    ck_assert_uint_eq(f->bytes[FLOW_TOSERVER], 60);
    ck_assert_uint_eq(f->bytes[FLOW_TOCLIENT], 160);
    ck_assert_uint_eq(f->pkts[FLOW_TOCLIENT], 2);
    /* later packets follow the new orientation */
    ck_assert_ptr_eq(feed(g_ft, &q, &d), f);
    ck_assert_int_eq(d, FLOW_TOSERVER);
    ck_assert_ptr_eq(feed(g_ft, &p, &d), f);
    ck_assert_int_eq(d, FLOW_TOCLIENT);
}
END_TEST

START_TEST(test_vlan_separates)
{
    struct packet a = mkpkt(T0, 17, "10.0.0.1", 1234, "10.0.0.2", 53, 0);
    struct packet b = a;
    struct packet c = a;
    struct packet r = mkpkt(T0, 17, "10.0.0.2", 53, "10.0.0.1", 1234, 0);
    struct flow *fa, *fb, *fc;
    enum flow_dir d;

    b.vlan_count = 1;
    b.vlan[0] = 10;
    c.vlan_count = 2;
    c.vlan[0] = 10;
    c.vlan[1] = 20;
    fa = feed(g_ft, &a, NULL);
    fb = feed(g_ft, &b, NULL);
    fc = feed(g_ft, &c, NULL);
    ck_assert_ptr_ne(fa, fb);
    ck_assert_ptr_ne(fb, fc);
    ck_assert_ptr_ne(fa, fc);
    ck_assert_uint_eq(flow_table_count(g_ft), 3);
    ck_assert_uint_eq(fb->vlan_count, 1);
    ck_assert_uint_eq(fb->vlan[0], 10);
    ck_assert_uint_eq(fc->vlan_count, 2);
    ck_assert_uint_eq(fc->vlan[1], 20);
    /* the reply on VLAN 10 with priority bits set (TCI 0x200a) joins flow b */
    r.vlan_count = 1;
    r.vlan[0] = 0x2000 | 10;
    ck_assert_ptr_eq(feed(g_ft, &r, &d), fb);
    ck_assert_int_eq(d, FLOW_TOCLIENT);
    ck_assert_uint_ne(flow_hash_packet(&a), flow_hash_packet(&b));
}
END_TEST

START_TEST(test_ipv6)
{
    enum flow_dir d;
    struct packet a = mkpkt(T0, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
                            "2607:f8b0:400c:c03::1a", 25, TCP_SYN);
    struct packet b = mkpkt(T0 + 1, 6, "2607:f8b0:400c:c03::1a", 25,
                            "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, TCP_SYN | TCP_ACK);
    /* same low 4 bytes as an IPv4 address must not collide with it */
    struct packet v4 = mkpkt(T0, 6, "0.0.0.0", 63943, "0.0.0.0", 25, TCP_SYN);
    struct flow *f = feed(g_ft, &a, &d);

    ck_assert_ptr_eq(feed(g_ft, &b, &d), f);
    ck_assert_int_eq(d, FLOW_TOCLIENT);
    ck_assert_uint_eq(f->cli_ip.family, 6);
    addr_is(&f->cli_ip, "2001:470:e5bf:dead:4957:2174:e82c:4887");
    ck_assert_str_eq(f->community_id, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
    ck_assert_ptr_ne(feed(g_ft, &v4, NULL), f);
}
END_TEST

START_TEST(test_icmp_echo_flow)
{
    enum flow_dir d;
    /* echo request 192.168.0.89 -> 192.168.0.1 (type 8 code 0), then the reply (type 0) */
    struct packet req = mkpkt(T0, 1, "192.168.0.89", 8, "192.168.0.1", 0, 0);
    struct packet rep = mkpkt(T0 + 1, 1, "192.168.0.1", 0, "192.168.0.89", 0, 0);
    struct flow *f = feed(g_ft, &req, &d);

    ck_assert_int_eq(d, FLOW_TOSERVER);
    ck_assert_ptr_eq(feed(g_ft, &rep, &d), f);
    ck_assert_int_eq(d, FLOW_TOCLIENT);
    addr_is(&f->cli_ip, "192.168.0.89");
    ck_assert_uint_eq(f->cli_port, 8); /* type */
    ck_assert_uint_eq(f->srv_port, 0); /* code */
    ck_assert_str_eq(f->community_id, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_ICMPV4], 1);
    /* a flow seen first by its reply: the reply's receiver is the client */
    rep = mkpkt(T0, 58, "3ffe:501:0:1001::2", 129, "3ffe:507:0:1:200:86ff:fe05:80da", 0, 0);
    f = feed(g_ft, &rep, &d);
    ck_assert_int_eq(d, FLOW_TOCLIENT);
    addr_is(&f->cli_ip, "3ffe:507:0:1:200:86ff:fe05:80da");
    ck_assert_str_eq(f->community_id, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=");
    ck_assert_uint_eq(g_st.v[STAT_FLOW_ICMPV6], 1);
}
END_TEST

START_TEST(test_no_flow_without_l4)
{
    struct packet p = mkpkt(T0, 6, "10.0.0.1", 1, "10.0.0.2", 2, TCP_SYN);
    struct packet g = mkpkt(T0, 47, "10.1.12.1", 0, "10.1.12.2", 0, 0);
    struct flow *f;

    p.flags = 0; /* TCP header not decoded */
    ck_assert_ptr_null(flow_table_packet(g_ft, &p, NULL));
    p.flags = PKT_HAS_L4;
    p.ip_version = 0; /* no IP layer */
    ck_assert_ptr_null(flow_table_packet(g_ft, &p, NULL));
    ck_assert_uint_eq(flow_table_count(g_ft), 0);
    /* GRE left undecoded is a port-less flow, keyed on addresses */
    g.flags = 0;
    f = feed(g_ft, &g, NULL);
    ck_assert_uint_eq(f->proto, 47);
    ck_assert_uint_eq(f->cli_port, 0);
    g = mkpkt(T0 + 1, 47, "10.1.12.2", 0, "10.1.12.1", 0, 0);
    g.flags = 0;
    ck_assert_ptr_eq(feed(g_ft, &g, NULL), f);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
}
END_TEST

/* ---- state and timeouts ---- */

START_TEST(test_tcp_handshake_and_fin)
{
    const char *c = "10.0.0.1", *s = "10.0.0.2";
    struct packet p;
    struct flow *f;

    p = mkpkt(T0, 6, c, 40000, s, 80, TCP_SYN);
    f = feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
    p = mkpkt(T0 + 1, 6, s, 80, c, 40000, TCP_SYN | TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
    p = mkpkt(T0 + 2, 6, c, 40000, s, 80, TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    p = mkpkt(T0 + 3, 6, c, 40000, s, 80, TCP_FIN | TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED); /* one side only */
    p = mkpkt(T0 + 4, 6, s, 80, c, 40000, TCP_FIN | TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_CLOSED);
    /* the last ACK stays on the closed flow */
    p = mkpkt(T0 + 5, 6, c, 40000, s, 80, TCP_ACK);
    ck_assert_ptr_eq(feed(g_ft, &p, NULL), f);
    ck_assert_uint_eq(flow_table_count(g_ft), 1);
}
END_TEST

START_TEST(test_tcp_midstream_and_rst)
{
    struct packet p;
    struct flow *f;

    /* capture starts mid-stream: established once both sides are seen */
    p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK | TCP_PSH);
    f = feed(g_ft, &p, NULL);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
    p = mkpkt(T0 + 1, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    p = mkpkt(T0 + 2, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_RST);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_CLOSED);
    ck_assert_uint_eq(g_st.v[STAT_TCP_RST], 1);
}
END_TEST

START_TEST(test_bad_csum_rst_does_not_close)
{
    struct packet p;
    struct flow *f;

    p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK);
    f = feed(g_ft, &p, NULL);
    p = mkpkt(T0 + 1, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    /* forged RST with a bad checksum from a side whose checksums were good */
    p = mkpkt(T0 + 2, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_RST);
    p.l4_csum = CSUM_BAD;
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    ck_assert_uint_eq(f->csum_bad[FLOW_TOCLIENT], 1);
    ck_assert_uint_eq(g_st.v[STAT_TCP_RST], 1);
    /* same for a FIN pair */
    p.tcp.flags = TCP_FIN | TCP_ACK;
    feed(g_ft, &p, NULL);
    p = mkpkt(T0 + 3, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_FIN | TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    /* a side with only bad checksums (offload on the capturing host) still closes */
    p = mkpkt(T0 + 4, 6, "10.0.0.3", 40000, "10.0.0.4", 80, TCP_ACK);
    p.l4_csum = CSUM_BAD;
    f = feed(g_ft, &p, NULL);
    p.tcp.flags = TCP_RST;
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_CLOSED);
}
END_TEST

START_TEST(test_extreme_timestamps)
{
    /* hostile capture times must not overflow the timeout arithmetic */
    struct packet a = mkpkt(INT64_MIN, 17, "10.0.0.1", 3, "10.0.0.2", 4, 0);
    struct packet b = mkpkt(INT64_MAX, 17, "10.0.0.1", 1, "10.0.0.2", 2, 0);
    struct flow *f;

    feed(g_ft, &a, NULL);
    f = feed(g_ft, &b, NULL);
    b.ts_us = INT64_MIN;
    ck_assert_ptr_eq(feed(g_ft, &b, NULL), f); /* time went back: not expired */
    ck_assert_int_eq(f->last_us, INT64_MAX);
    flow_table_timeout(g_ft, INT64_MIN);
    ck_assert_uint_eq(g_end.n, 0);
    flow_table_timeout(g_ft, INT64_MAX);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_int_eq(g_end.last.start_us, INT64_MIN); /* flow a */
    ck_assert_uint_eq(flow_table_count(g_ft), 1);
}
END_TEST

START_TEST(test_udp_state)
{
    struct packet q = mkpkt(T0, 17, "192.168.1.52", 54585, "8.8.8.8", 53, 0);
    struct packet r = mkpkt(T0 + 1, 17, "8.8.8.8", 53, "192.168.1.52", 54585, 0);
    struct flow *f = feed(g_ft, &q, NULL);

    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
    feed(g_ft, &q, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
    feed(g_ft, &r, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_ESTABLISHED);
    ck_assert_str_eq(f->community_id, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
    ck_assert_uint_eq(g_st.v[STAT_FLOW_UDP], 1);
}
END_TEST

/*
 * Brings a flow into the state a test wants, then checks it survives one
 * microsecond before its timeout and ends (TIMEOUT) exactly at it.
 */
static void check_timeout(struct flow_table *ft, struct ended *e, int64_t last_us, int64_t to_s)
{
    unsigned before = e->n;

    flow_table_timeout(ft, last_us + to_s * SEC - 1);
    ck_assert_uint_eq(e->n, before);
    ck_assert_uint_eq(flow_table_count(ft), 1);
    flow_table_timeout(ft, last_us + to_s * SEC);
    ck_assert_uint_eq(e->n, before + 1);
    ck_assert_uint_eq(e->last.end_reason, FLOW_END_TIMEOUT);
    ck_assert_uint_eq(flow_table_count(ft), 0);
}

START_TEST(test_timeout_tcp_new)
{
    struct packet p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_SYN);

    feed(g_ft, &p, NULL);
    check_timeout(g_ft, &g_end, T0, g_cfg.to_tcp_new);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_END_TIMEOUT], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_ACTIVE], 0);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_MEMUSE], 0);
}
END_TEST

START_TEST(test_timeout_tcp_established)
{
    struct packet p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK);
    struct packet q = mkpkt(T0 + 7, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_ACK);

    feed(g_ft, &p, NULL);
    ck_assert_int_eq(feed(g_ft, &q, NULL)->state, FLOW_STATE_ESTABLISHED);
    /* the NEW timeout no longer applies */
    flow_table_timeout(g_ft, T0 + 7 + (int64_t)g_cfg.to_tcp_new * SEC);
    ck_assert_uint_eq(g_end.n, 0);
    check_timeout(g_ft, &g_end, T0 + 7, g_cfg.to_tcp_established);
}
END_TEST

START_TEST(test_timeout_tcp_closed)
{
    struct packet p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK);
    struct packet q = mkpkt(T0 + 9, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_RST);

    feed(g_ft, &p, NULL);
    ck_assert_int_eq(feed(g_ft, &q, NULL)->state, FLOW_STATE_CLOSED);
    check_timeout(g_ft, &g_end, T0 + 9, g_cfg.to_tcp_closed);
}
END_TEST

START_TEST(test_timeout_udp)
{
    struct packet q = mkpkt(T0, 17, "10.0.0.1", 5000, "10.0.0.2", 53, 0);
    struct packet r = mkpkt(T0 + 3, 17, "10.0.0.2", 53, "10.0.0.1", 5000, 0);

    feed(g_ft, &q, NULL);
    check_timeout(g_ft, &g_end, T0, g_cfg.to_udp_new);
    q.ts_us = T0 + 100 * SEC;
    r.ts_us = T0 + 101 * SEC;
    feed(g_ft, &q, NULL);
    feed(g_ft, &r, NULL);
    flow_table_timeout(g_ft, T0 + 101 * SEC + (int64_t)g_cfg.to_udp_new * SEC);
    ck_assert_uint_eq(g_end.n, 1);
    check_timeout(g_ft, &g_end, T0 + 101 * SEC, g_cfg.to_udp_established);
}
END_TEST

START_TEST(test_timeout_other)
{
    struct packet p = mkpkt(T0, 1, "10.0.0.1", 8, "10.0.0.2", 0, 0);

    feed(g_ft, &p, NULL);
    check_timeout(g_ft, &g_end, T0, g_cfg.to_other);
}
END_TEST

START_TEST(test_timeout_walks_only_expired)
{
    struct packet p;
    int i;

    /* 20 UDP flows one second apart; a timeout call ends exactly the expired prefix */
    for (i = 0; i < 20; i++) {
        p = mkpkt(T0 + i * SEC, 17, "10.0.0.1", (uint16_t)(1000 + i), "10.0.0.2", 53, 0);
        feed(g_ft, &p, NULL);
    }
    /* touching flow 0 again moves it behind the others */
    p = mkpkt(T0 + 19 * SEC, 17, "10.0.0.1", 1000, "10.0.0.2", 53, 0);
    feed(g_ft, &p, NULL);
    flow_table_timeout(g_ft, T0 + (5 + (int64_t)g_cfg.to_udp_new) * SEC);
    ck_assert_uint_eq(g_end.n, 5); /* flows 1..5 */
    ck_assert_uint_eq(flow_table_count(g_ft), 15);
}
END_TEST

START_TEST(test_expired_on_packet)
{
    struct packet q = mkpkt(T0, 17, "10.0.0.1", 5000, "10.0.0.2", 53, 0);
    struct flow *f;
    uint64_t id;

    f = feed(g_ft, &q, NULL);
    id = f->flow_id;
    /* no timeout call in between: the late packet still starts a new flow */
    q.ts_us = T0 + (int64_t)g_cfg.to_udp_new * SEC;
    f = feed(g_ft, &q, NULL);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_TIMEOUT);
    ck_assert_uint_eq(g_end.last.flow_id, id);
    ck_assert_uint_ne(f->flow_id, id);
    ck_assert_int_eq(f->start_us, q.ts_us);
    ck_assert_uint_eq(f->pkts[FLOW_TOSERVER], 1);
}
END_TEST

/* ---- tuple reuse ---- */

START_TEST(test_reuse_after_rst)
{
    struct packet p;
    struct flow *f;
    uint64_t id;

    p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_SYN);
    f = feed(g_ft, &p, NULL);
    id = f->flow_id;
    p = mkpkt(T0 + 1, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_RST | TCP_ACK);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_CLOSED);
    p = mkpkt(T0 + 2 * SEC, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_SYN);
    f = feed(g_ft, &p, NULL);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_REUSE);
    ck_assert_uint_eq(g_end.last.flow_id, id);
    ck_assert_uint_eq(g_end.last.pkts[FLOW_TOCLIENT], 1);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
    ck_assert_uint_eq(f->pkts[FLOW_TOSERVER], 1);
    ck_assert_uint_eq(f->pkts[FLOW_TOCLIENT], 0);
    ck_assert_uint_ne(f->flow_id, id);
    ck_assert_uint_eq(flow_table_count(g_ft), 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_END_REUSE], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_TCP_REUSE], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_TOTAL], 2);
}
END_TEST

START_TEST(test_reuse_after_fin)
{
    struct packet p;
    struct flow *f;

    p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK | TCP_FIN);
    f = feed(g_ft, &p, NULL);
    p = mkpkt(T0 + 1, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_ACK | TCP_FIN);
    feed(g_ft, &p, NULL);
    ck_assert_int_eq(f->state, FLOW_STATE_CLOSED);
    /* a SYN/ACK is not a new connection; a SYN is */
    p = mkpkt(T0 + 2, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_SYN | TCP_ACK);
    ck_assert_ptr_eq(feed(g_ft, &p, NULL), f);
    ck_assert_uint_eq(g_end.n, 0);
    p = mkpkt(T0 + 3, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_SYN);
    f = feed(g_ft, &p, NULL);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_REUSE);
    ck_assert(f->client_from_syn);
    ck_assert_int_eq(f->state, FLOW_STATE_NEW);
}
END_TEST

START_TEST(test_reuse_after_idle)
{
    struct packet p;

    p = mkpkt(T0, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_ACK);
    feed(g_ft, &p, NULL);
    p = mkpkt(T0 + 1, 6, "10.0.0.2", 80, "10.0.0.1", 40000, TCP_ACK);
    feed(g_ft, &p, NULL);
    /* SYN on an established flow within its timeout: same flow */
    p = mkpkt(T0 + 2, 6, "10.0.0.1", 40000, "10.0.0.2", 80, TCP_SYN);
    feed(g_ft, &p, NULL);
    ck_assert_uint_eq(g_end.n, 0);
    /* SYN after the established timeout has passed: reuse */
    p.ts_us = T0 + 2 + (int64_t)g_cfg.to_tcp_established * SEC;
    feed(g_ft, &p, NULL);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_REUSE);
}
END_TEST

/* ---- caps ---- */

START_TEST(test_max_flows_evicts_lru)
{
    struct packet p;
    struct flow *f;
    uint64_t first_id = 0;
    int i;

    g_cfg.flow_max = 3;
    renew();
    for (i = 0; i < 3; i++) {
        p = mkpkt(T0 + i, 17, "10.0.0.1", (uint16_t)(1000 + i), "10.0.0.2", 53, 0);
        f = feed(g_ft, &p, NULL);
        if (i == 0)
            first_id = f->flow_id;
    }
    /* flow 0 is the least recently used */
    p = mkpkt(T0 + 10, 17, "10.0.0.1", 2000, "10.0.0.2", 53, 0);
    f = feed(g_ft, &p, NULL);
    ck_assert_uint_eq(flow_table_count(g_ft), 3);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_FORCED);
    ck_assert_uint_eq(g_end.last.flow_id, first_id);
    ck_assert_uint_eq(g_end.last.cli_port, 1000);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_END_FORCED], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_GET_USED], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_MAX_FLOWS_REACHED], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_ACTIVE], 3);
    /* touching flow 1 makes flow 2 the next victim */
    p = mkpkt(T0 + 11, 17, "10.0.0.2", 53, "10.0.0.1", 1001, 0);
    feed(g_ft, &p, NULL);
    p = mkpkt(T0 + 12, 17, "10.0.0.1", 2001, "10.0.0.2", 53, 0);
    feed(g_ft, &p, NULL);
    ck_assert_uint_eq(g_end.n, 2);
    ck_assert_uint_eq(g_end.last.cli_port, 1002);
}
END_TEST

START_TEST(test_max_flows_zero_fails)
{
    struct packet p = mkpkt(T0, 17, "10.0.0.1", 1000, "10.0.0.2", 53, 0);

    g_cfg.flow_max = 0;
    renew();
    ck_assert_ptr_null(flow_table_packet(g_ft, &p, NULL));
    ck_assert_uint_eq(g_st.v[STAT_FLOW_GET_USED_FAILED], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_TOTAL], 0);
}
END_TEST

START_TEST(test_memcap)
{
    struct packet p;
    int i;

    g_cfg.flow_memcap = 2 * sizeof(struct flow) + 100;
    renew();
    for (i = 0; i < 2; i++) {
        p = mkpkt(T0 + i, 17, "10.0.0.1", (uint16_t)(1000 + i), "10.0.0.2", 53, 0);
        feed(g_ft, &p, NULL);
    }
    ck_assert_uint_eq(flow_table_memuse(g_ft), 2 * sizeof(struct flow));
    ck_assert(flow_table_mem_fits(g_ft, 100));
    ck_assert(!flow_table_mem_fits(g_ft, 101));
    p = mkpkt(T0 + 5, 17, "10.0.0.1", 3000, "10.0.0.2", 53, 0);
    feed(g_ft, &p, NULL);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_FORCED);
    ck_assert_uint_eq(g_end.last.cli_port, 1000);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_MEMCAP], 1);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_MAX_FLOWS_REACHED], 0);

    /* state hanging off flows counts too; releasing it is clamped at zero */
    flow_table_mem_add(g_ft, 50);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_MEMUSE], 2 * sizeof(struct flow) + 50);
    flow_table_mem_add(g_ft, -50);
    ck_assert_uint_eq(flow_table_memuse(g_ft), 2 * sizeof(struct flow));

    /* more outside state than the cap: evicting every flow cannot help */
    flow_table_mem_add(g_ft, (int64_t)g_cfg.flow_memcap);
    p = mkpkt(T0 + 6, 17, "10.0.0.1", 4000, "10.0.0.2", 53, 0);
    ck_assert_ptr_null(flow_table_packet(g_ft, &p, NULL));
    ck_assert_uint_eq(g_st.v[STAT_FLOW_GET_USED_FAILED], 1);
    ck_assert_uint_eq(flow_table_count(g_ft), 0);
    ck_assert_uint_eq(g_end.n, 3);
    flow_table_mem_add(g_ft, INT64_MIN);
    ck_assert_uint_eq(flow_table_memuse(g_ft), 0);
}
END_TEST

START_TEST(test_free_ends_all_once)
{
    struct config cfg;
    struct stats st;
    struct ended e;
    struct flow_table *ft;
    struct packet p;
    unsigned i, j;

    test_cfg(&cfg);
    cfg.flow_hash_size = 4; /* long chains */
    memset(&st, 0, sizeof(st));
    memset(&e, 0, sizeof(e));
    ft = flow_table_new(&cfg, &st, on_end, &e);
    ck_assert_ptr_nonnull(ft);
    for (i = 0; i < 40; i++) {
        uint8_t proto = i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 1;

        p = mkpkt(T0 + i, proto, "10.0.0.1", (uint16_t)(1000 + i), "10.0.0.2", 80,
                  proto == 6 ? TCP_SYN : 0);
        if (proto == 1)
            p.src.a[3] = (uint8_t)(100 + i); /* ICMP flows differ by address */
        feed(ft, &p, NULL);
    }
    ck_assert_uint_eq(flow_table_count(ft), 40);
    flow_table_free(ft);
    ck_assert_uint_eq(e.n, 40);
    ck_assert_uint_eq(e.by_reason[FLOW_END_SHUTDOWN], 40);
    ck_assert_uint_eq(st.v[STAT_FLOW_END_SHUTDOWN], 40);
    for (i = 0; i < 40; i++)
        for (j = i + 1; j < 40; j++)
            ck_assert_uint_ne(e.ids[i], e.ids[j]);
}
END_TEST

START_TEST(test_flush)
{
    struct packet p = mkpkt(T0, 17, "10.0.0.1", 1000, "10.0.0.2", 53, 0);

    feed(g_ft, &p, NULL);
    flow_table_flush(g_ft);
    ck_assert_uint_eq(g_end.n, 1);
    ck_assert_uint_eq(g_end.last.end_reason, FLOW_END_SHUTDOWN);
    ck_assert_uint_eq(flow_table_count(g_ft), 0);
    /* the table still works afterwards */
    feed(g_ft, &p, NULL);
    ck_assert_uint_eq(flow_table_count(g_ft), 1);
}
END_TEST

/* ---- flow_id ---- */

START_TEST(test_flow_id_deterministic)
{
    struct config cfg;
    struct stats st1, st2;
    struct ended e1, e2;
    struct flow_table *t1, *t2;
    unsigned i;

    test_cfg(&cfg);
    memset(&st1, 0, sizeof(st1));
    memset(&st2, 0, sizeof(st2));
    memset(&e1, 0, sizeof(e1));
    memset(&e2, 0, sizeof(e2));
    t1 = flow_table_new(&cfg, &st1, on_end, &e1);
    t2 = flow_table_new(&cfg, &st2, on_end, &e2);
    ck_assert_ptr_nonnull(t1);
    ck_assert_ptr_nonnull(t2);
    for (i = 0; i < 30; i++) {
        struct packet p =
            mkpkt(T0 + i * 1000, 17, "10.0.0.1", (uint16_t)(1000 + i % 10), "10.0.0.2", 53, 0);
        /* 10 tuples, each reused three times after its UDP timeout */
        p.ts_us += (int64_t)(i / 10) * 100 * SEC;
        struct flow *a = feed(t1, &p, NULL);
        struct flow *b = feed(t2, &p, NULL);

        ck_assert_uint_eq(a->flow_id, b->flow_id);
        ck_assert_uint_ne(a->flow_id, 0);
        ck_assert_uint_lt(a->flow_id, UINT64_C(1) << 51);
        ck_assert_str_eq(a->community_id, b->community_id);
    }
    flow_table_free(t1);
    flow_table_free(t2);
    ck_assert_uint_eq(e1.n, 30);
    for (i = 0; i < 30; i++)
        ck_assert_uint_eq(e1.ids[i], e2.ids[i]);
    /* the same tuple at a later start is a different flow_id */
    for (i = 10; i < 30; i++)
        ck_assert_uint_ne(e1.ids[i], e1.ids[i - 10]);
}
END_TEST

START_TEST(test_flow_id_bits)
{
    uint64_t key[FLOW_KEY_WORDS] = {0};
    uint64_t seen_high = 0;
    unsigned i;

    for (i = 0; i < 1000; i++) {
        uint64_t id;

        key[0] = i;
        id = flow_id_make(key, T0, i);
        ck_assert_uint_ne(id, 0);
        ck_assert_uint_eq(id >> 51, 0);
        seen_high |= id;
        ck_assert_uint_eq(id, flow_id_make(key, T0, i));
    }
    /* all 51 bits are used */
    ck_assert_uint_eq(seen_high, (UINT64_C(1) << 51) - 1);
}
END_TEST

/* ---- Community ID v1 (baseline/baseline_deflt.json of the spec) ---- */

/* Community ID of one packet direction. */
static void cid(uint8_t proto, const char *src, uint16_t sp, const char *dst, uint16_t dp,
                const char *want)
{
    struct ip_addr a, b;
    char out[40];

    set_addr(&a, src);
    set_addr(&b, dst);
    memset(out, 'x', sizeof(out));
    community_id_v1(proto, &a, sp, &b, dp, out, sizeof(out));
    ck_assert_str_eq(out, want);
}

START_TEST(test_community_id_vectors)
{
    /* TCP over IPv4, both directions */
    cid(6, "128.232.110.120", 34855, "66.35.250.204", 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    cid(6, "66.35.250.204", 80, "128.232.110.120", 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    /* UDP over IPv4 */
    cid(17, "192.168.1.52", 54585, "8.8.8.8", 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
    cid(17, "8.8.8.8", 53, "192.168.1.52", 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
    /* TCP over IPv6 */
    cid(6, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25,
        "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
    cid(6, "2607:f8b0:400c:c03::1a", 25, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
        "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
    /* SCTP (ports, equal on both sides) */
    cid(132, "192.168.170.8", 7, "192.168.170.56", 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=");
    cid(132, "192.168.170.56", 7, "192.168.170.8", 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=");
    /* ICMP echo request (type 8) and reply (type 0): two-way, one ID */
    cid(1, "192.168.0.89", 8, "192.168.0.1", 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    cid(1, "192.168.0.1", 0, "192.168.0.89", 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    /* ICMP time exceeded (type 11 code 0): one-way */
    cid(1, "10.0.0.1", 11, "10.0.0.2", 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=");
    /* ICMPv6 neighbour solicitation 135 / advertisement 136, both pairs of hosts */
    cid(58, "fe80::200:86ff:fe05:80da", 135, "fe80::260:97ff:fe07:69ea", 0,
        "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
    cid(58, "fe80::260:97ff:fe07:69ea", 136, "fe80::200:86ff:fe05:80da", 0,
        "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
    cid(58, "fe80::260:97ff:fe07:69ea", 135, "fe80::200:86ff:fe05:80da", 0,
        "1:zavyT/cezQr1fmImYCwYnMXbgck=");
    /* ICMPv6 time exceeded (3/0) and destination unreachable (1/4): one-way */
    cid(58, "3ffe:501:1800:2345::2", 3, "3ffe:507:0:1:200:86ff:fe05:80da", 0,
        "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=");
    cid(58, "3ffe:501:410:0:2c0:dfff:fe47:33e", 1, "3ffe:507:0:1:200:86ff:fe05:80da", 4,
        "1:hLZd0XGWojozrvxqE0dWB1iM6R0=");
    /* ICMPv6 echo 128/129, router solicitation 133 and advertisement 134 */
    cid(58, "3ffe:507:0:1:200:86ff:fe05:80da", 128, "3ffe:501:0:1001::2", 0,
        "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=");
    cid(58, "fe80::200:86ff:fe05:80da", 133, "ff02::2", 0, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=");
    cid(58, "fe80::260:97ff:fe07:69ea", 134, "ff02::1", 0, "1:pkvHqCL88/tg1k4cPigmZXUtL00=");
    /* RSVP (46): a protocol without ports, addresses only; ports given are ignored */
    cid(46, "10.1.12.1", 0, "10.1.12.2", 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=");
    cid(46, "10.1.12.2", 9, "10.1.12.1", 7, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=");
}
END_TEST

START_TEST(test_community_id_edge)
{
    struct ip_addr a, b;
    char out[40], small[8];

    set_addr(&a, "10.0.0.1");
    set_addr(&b, "::1");
    memcpy(out, "junk", 5);
    community_id_v1(6, &a, 1, &b, 2, out, sizeof(out));
    ck_assert_str_eq(out, ""); /* mixed families: no ID */
    set_addr(&b, "10.0.0.2");
    community_id_v1(6, &a, 1, &b, 2, small, sizeof(small));
    ck_assert_str_eq(small, ""); /* too small a buffer: empty, not truncated */
}
END_TEST

START_TEST(test_gre_flow_community_id)
{
    /* GRE (47) between two hosts: no ports in the ID, same both ways */
    struct packet g = mkpkt(T0, 47, "10.1.12.1", 0, "10.1.12.2", 0, 0);
    struct ip_addr a, b;
    char want[40];
    struct flow *f;

    g.flags = 0;
    f = feed(g_ft, &g, NULL);
    set_addr(&a, "10.1.12.2");
    set_addr(&b, "10.1.12.1");
    community_id_v1(47, &a, 0, &b, 0, want, sizeof(want));
    ck_assert_str_eq(f->community_id, want);
    ck_assert_str_ne(want, "");
    community_id_v1(46, &a, 0, &b, 0, want, sizeof(want));
    ck_assert_str_ne(f->community_id, want); /* protocol is part of the ID */
}
END_TEST

START_TEST(test_app_proto_names)
{
    ck_assert_ptr_null(app_proto_name(APP_PROTO_UNKNOWN));
    ck_assert_str_eq(app_proto_name(APP_PROTO_FAILED), "failed");
    ck_assert_str_eq(app_proto_name(APP_PROTO_AIM), "aim");
    ck_assert_str_eq(app_proto_name(APP_PROTO_ICQ), "icq");
    ck_assert_str_eq(app_proto_name(APP_PROTO_MSN), "msn");
    ck_assert_str_eq(app_proto_name(APP_PROTO_YAHOO), "yahoo");
    ck_assert_str_eq(app_proto_name(APP_PROTO_GNUTELLA), "gnutella");
    ck_assert_str_eq(app_proto_name(APP_PROTO_KAZAA), "kazaa");
    ck_assert_str_eq(app_proto_name(APP_PROTO_IRC), "irc");
    ck_assert_str_eq(app_proto_name(APP_PROTO_SOCKS), "socks");
    ck_assert_str_eq(app_proto_name(APP_PROTO_HTTP_PROXY), "http-proxy");
    ck_assert_str_eq(app_proto_name(APP_PROTO_FTP), "ftp");
    ck_assert_str_eq(app_proto_name(APP_PROTO_POP3), "pop3");
    ck_assert_str_eq(app_proto_name(APP_PROTO_IMAP), "imap");
    ck_assert_str_eq(app_proto_name(APP_PROTO_SMTP), "smtp");
    ck_assert_str_eq(app_proto_name(APP_PROTO_HTTP), "http");
    ck_assert_str_eq(app_proto_name(APP_PROTO_TELNET), "telnet");
    ck_assert_str_eq(app_proto_name(APP_PROTO_DNS), "dns");
    ck_assert_ptr_null(app_proto_name(APP_PROTO__COUNT));
}
END_TEST

START_TEST(test_many_flows_pool)
{
    struct packet p;
    unsigned i;

    /* more flows than one pool chunk, with a small hash: lookups stay exact */
    g_cfg.flow_hash_size = 16;
    g_cfg.flow_max = 5000;
    renew();
    for (i = 0; i < 3000; i++) {
        p = mkpkt(T0 + i, 17, "10.0.0.1", (uint16_t)(1024 + i), "10.0.0.2", 53, 0);
        feed(g_ft, &p, NULL);
    }
    ck_assert_uint_eq(flow_table_count(g_ft), 3000);
    for (i = 0; i < 3000; i += 7) {
        enum flow_dir d;
        struct flow *f;

        p = mkpkt(T0 + 4000, 17, "10.0.0.2", 53, "10.0.0.1", (uint16_t)(1024 + i), 0);
        f = feed(g_ft, &p, &d);
        ck_assert_int_eq(d, FLOW_TOCLIENT);
        ck_assert_uint_eq(f->cli_port, 1024 + i);
    }
    ck_assert_uint_eq(flow_table_count(g_ft), 3000);
    ck_assert_uint_eq(g_st.v[STAT_FLOW_TOTAL], 3000);
}
END_TEST

static Suite *flow_suite(void)
{
    Suite *s = suite_create("flow");
    TCase *tc = tcase_create("table");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_both_directions_one_flow);
    tcase_add_test(tc, test_orient_by_syn);
    tcase_add_test(tc, test_orient_by_synack);
    tcase_add_test(tc, test_orient_by_port);
    tcase_add_test(tc, test_orient_fixed_by_late_syn);
    tcase_add_test(tc, test_set_client);
    tcase_add_test(tc, test_vlan_separates);
    tcase_add_test(tc, test_ipv6);
    tcase_add_test(tc, test_icmp_echo_flow);
    tcase_add_test(tc, test_no_flow_without_l4);
    tcase_add_test(tc, test_tcp_handshake_and_fin);
    tcase_add_test(tc, test_tcp_midstream_and_rst);
    tcase_add_test(tc, test_bad_csum_rst_does_not_close);
    tcase_add_test(tc, test_extreme_timestamps);
    tcase_add_test(tc, test_udp_state);
    tcase_add_test(tc, test_timeout_tcp_new);
    tcase_add_test(tc, test_timeout_tcp_established);
    tcase_add_test(tc, test_timeout_tcp_closed);
    tcase_add_test(tc, test_timeout_udp);
    tcase_add_test(tc, test_timeout_other);
    tcase_add_test(tc, test_timeout_walks_only_expired);
    tcase_add_test(tc, test_expired_on_packet);
    tcase_add_test(tc, test_reuse_after_rst);
    tcase_add_test(tc, test_reuse_after_fin);
    tcase_add_test(tc, test_reuse_after_idle);
    tcase_add_test(tc, test_max_flows_evicts_lru);
    tcase_add_test(tc, test_max_flows_zero_fails);
    tcase_add_test(tc, test_memcap);
    tcase_add_test(tc, test_free_ends_all_once);
    tcase_add_test(tc, test_flush);
    tcase_add_test(tc, test_flow_id_deterministic);
    tcase_add_test(tc, test_flow_id_bits);
    tcase_add_test(tc, test_community_id_vectors);
    tcase_add_test(tc, test_community_id_edge);
    tcase_add_test(tc, test_gre_flow_community_id);
    tcase_add_test(tc, test_app_proto_names);
    tcase_add_test(tc, test_many_flows_pool);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(flow_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
