/*
 * check_stream.c - unit tests for the TCP reassembler (src/stream): the
 * Ptacek & Newsham evasion cases a passive sensor can handle, every
 * overlap policy, gaps, caps, and a property test (any permutation,
 * duplication and re-segmentation of a byte stream reassembles to it).
 *
 * Packets are built directly (no decoder): client 10.0.0.1:40000, server
 * 10.0.0.2:80; the app layer is a callback that appends each direction's
 * bytes, writing '?' for each byte of a reported gap.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/stream.h"

#define OUTMAX (256u * 1024)
#define CISN 1000u
#define SISN 5000u

struct tc {
    struct stats st;              /* counters */
    struct stream_settings set;   /* settings used */
    struct stream_ctx *sc;        /* context under test */
    struct flow f;                /* the one flow */
    uint8_t out[2][OUTMAX];       /* delivered bytes by flow_dir ('?' for gap bytes) */
    size_t n[2];                  /* bytes in out */
    uint64_t total[2];            /* bytes delivered (data and gaps), even past OUTMAX */
    unsigned gaps[2];             /* gap deliveries */
    size_t gap_bytes[2];          /* bytes reported lost */
    unsigned eof[2];              /* EOF deliveries */
    unsigned depth[2];            /* DEPTH deliveries */
    unsigned events;              /* anomaly callbacks */
    bool allow_after_eof;         /* tuple reuse: data may follow an EOF */
    uint16_t win[2];              /* window each side advertises (0: client, 1: server) */
};

static void append(struct tc *t, int dir, const uint8_t *data, size_t len, uint8_t fill)
{
    for (size_t i = 0; i < len && t->n[dir] < OUTMAX; i++)
        t->out[dir][t->n[dir]++] = data ? data[i] : fill;
    t->total[dir] += len;
}

static void tc_deliver(void *user, struct flow *f, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct tc *t = user;

    ck_assert_ptr_eq(f, &t->f);
    ck_assert(dir == FLOW_TOSERVER || dir == FLOW_TOCLIENT);
    if (flags & STREAM_DATA_GAP) {
        ck_assert_ptr_null(data);
        ck_assert_uint_gt(len, 0);
        t->gaps[dir]++;
        t->gap_bytes[dir] += len;
        append(t, dir, NULL, len, '?');
    }
    if (flags & STREAM_DATA_EOF) {
        ck_assert_uint_eq(len, 0);
        t->eof[dir]++;
        if (!t->allow_after_eof)
            ck_assert_uint_eq(t->eof[dir], 1);
    }
    if (flags & STREAM_DATA_DEPTH) {
        if (!t->allow_after_eof || t->st.v[STAT_TCP_SESSIONS] <= 1)
            ck_assert_uint_eq(t->depth[dir], 0);
        t->depth[dir]++;
    }
    if (!flags) {
        ck_assert_ptr_nonnull(data);
        ck_assert_uint_gt(len, 0);
        /* nothing after EOF or DEPTH, unless a reused tuple started a new session */
        if (!t->allow_after_eof || t->st.v[STAT_TCP_SESSIONS] <= 1) {
            ck_assert_uint_eq(t->eof[dir], 0);
            ck_assert_uint_eq(t->depth[dir], 0);
        }
        append(t, dir, data, len, 0);
    }
}

static void tc_event(void *user, struct flow *f, enum stat_id id)
{
    struct tc *t = user;

    ck_assert_ptr_eq(f, &t->f);
    ck_assert_int_eq(id, STAT_ANOM_STREAM_OVERLAP_DIFF_DATA);
    t->events++;
}

static void addr4(struct ip_addr *a, uint8_t last)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    a->a[0] = 10;
    a->a[3] = last;
}

static struct tc *tc_new_set(const struct stream_settings *set)
{
    struct tc *t = calloc(1, sizeof(*t));

    ck_assert_ptr_nonnull(t);
    t->set = *set;
    t->sc = stream_ctx_new(&t->set, &t->st, tc_deliver, t);
    ck_assert_ptr_nonnull(t->sc);
    stream_ctx_set_event_cb(t->sc, tc_event, t);
    addr4(&t->f.cli_ip, 1);
    addr4(&t->f.srv_ip, 2);
    t->f.cli_port = 40000;
    t->f.srv_port = 80;
    t->f.proto = 6;
    t->win[0] = t->win[1] = 65535;
    return t;
}

static struct tc *tc_new(enum overlap_policy pol)
{
    struct stream_settings set;

    stream_settings_defaults(&set);
    set.default_policy = pol;
    return tc_new_set(&set);
}

/* Ends the flow, checks everything was given back, frees. */
static void tc_free(struct tc *t)
{
    stream_flow_end(t->sc, &t->f);
    ck_assert_ptr_null(t->f.stream);
    ck_assert_uint_eq(stream_memuse(t->sc), 0);
    stream_ctx_free(t->sc);
    free(t);
}

/* Sends one segment.  The payload is copied to a buffer freed right after (ASan: no keeping). */
static void tx(struct tc *t, int from_srv, uint8_t flags, uint32_t seq, uint32_t ack,
               const void *data, size_t len, enum csum_state cs)
{
    struct packet p;
    uint8_t *copy = NULL;

    memset(&p, 0, sizeof(p));
    p.ip_version = 4;
    p.ip_proto = 6;
    p.flags = PKT_HAS_L4;
    addr4(&p.src, from_srv ? 2 : 1);
    addr4(&p.dst, from_srv ? 1 : 2);
    p.sport = from_srv ? 80 : 40000;
    p.dport = from_srv ? 40000 : 80;
    p.tcp.seq = seq;
    p.tcp.ack = ack;
    p.tcp.flags = flags;
    p.tcp.win = t->win[from_srv];
    p.l4_csum = cs;
    if (len) {
        copy = malloc(len);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, data, len);
    }
    p.payload = copy;
    p.payload_len = (uint32_t)len;
    stream_packet(t->sc, &t->f, from_srv ? FLOW_TOCLIENT : FLOW_TOSERVER, &p);
    free(copy);
    ck_assert_uint_le(stream_memuse(t->sc), t->set.memcap);
}

/* Three-way handshake, client ISN cisn, server ISN sisn. */
static void hs(struct tc *t, uint32_t cisn, uint32_t sisn)
{
    tx(t, 0, TCP_SYN, cisn, 0, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_SYN | TCP_ACK, sisn, cisn + 1, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, cisn + 1, sisn + 1, NULL, 0, CSUM_OK);
}

/* Client data at stream offset off (after the default handshake). */
static void cdata(struct tc *t, uint32_t off, const char *s, enum csum_state cs)
{
    tx(t, 0, TCP_ACK | TCP_PSH, CISN + 1 + off, SISN + 1, s, strlen(s), cs);
}

/* Server ACK of the client's first off bytes. */
static void sack(struct tc *t, uint32_t off)
{
    tx(t, 1, TCP_ACK, SISN + 1, CISN + 1 + off, NULL, 0, CSUM_OK);
}

static void expect_out(struct tc *t, int dir, const char *s)
{
    size_t n = strlen(s);

    ck_assert_msg(t->n[dir] == n && memcmp(t->out[dir], s, n) == 0,
                  "dir %d: got \"%.*s\" (%zu), want \"%s\"", dir, (int)t->n[dir],
                  (const char *)t->out[dir], t->n[dir], s);
}

/* ---------------------------------------------------------------- basics */

START_TEST(test_in_order_inspect_on_ack)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    hs(t, CISN, SISN);
    ck_assert_uint_eq(t->st.v[STAT_TCP_SESSIONS], 1);
    cdata(t, 0, "USER alice\r\n", CSUM_OK);
    /* held until the server ACKs it */
    ck_assert_uint_eq(t->n[0], 0);
    sack(t, 5);
    expect_out(t, 0, "USER ");
    sack(t, 12);
    expect_out(t, 0, "USER alice\r\n");
    /* server reply, ACKed by the client */
    tx(t, 1, TCP_ACK | TCP_PSH, SISN + 1, CISN + 13, "+OK\r\n", 5, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 13, SISN + 6, NULL, 0, CSUM_OK);
    expect_out(t, 1, "+OK\r\n");
    ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP], 0);
    ck_assert_uint_eq(t->st.v[STAT_TCP_REASSEMBLY_GAP], 0);
    /* FINs both ways, each ACKed: EOF each way, nothing more */
    tx(t, 0, TCP_ACK | TCP_FIN, CISN + 13, SISN + 6, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_ACK | TCP_FIN, SISN + 6, CISN + 14, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 14, SISN + 7, NULL, 0, CSUM_OK);
    ck_assert_uint_eq(t->eof[0], 1);
    ck_assert_uint_eq(t->eof[1], 1);
    tc_free(t);
}
END_TEST

START_TEST(test_out_of_order)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    hs(t, CISN, SISN);
    cdata(t, 6, "alice", CSUM_OK);
    cdata(t, 11, "\r\n", CSUM_OK);
    sack(t, 0); /* a duplicate ACK: the hole is still a hole */
    ck_assert_uint_eq(t->n[0], 0);
    cdata(t, 0, "USER ", CSUM_OK);
    cdata(t, 5, " ", CSUM_OK);
    ck_assert_uint_eq(t->n[0], 0);
    sack(t, 13);
    expect_out(t, 0, "USER  alice\r\n");
    ck_assert_uint_eq(t->st.v[STAT_TCP_REASSEMBLY_GAP], 0);
    tc_free(t);
}
END_TEST

/* The flow's orientation is read at delivery time: a detector may swap client and server. */
START_TEST(test_direction_follows_flow)
{
    struct tc *t = tc_new(OVERLAP_BSD);
    struct ip_addr tmp;

    hs(t, CISN, SISN);
    cdata(t, 0, "abc", CSUM_OK);
    sack(t, 3);
    expect_out(t, FLOW_TOSERVER, "abc");
    /* swap: now the 10.0.0.1 side is the server */
    tmp = t->f.cli_ip;
    t->f.cli_ip = t->f.srv_ip;
    t->f.srv_ip = tmp;
    t->f.cli_port = 80;
    t->f.srv_port = 40000;
    cdata(t, 3, "def", CSUM_OK);
    sack(t, 6);
    expect_out(t, FLOW_TOSERVER, "abc");
    expect_out(t, FLOW_TOCLIENT, "def");
    tc_free(t);
}
END_TEST

/* ---------------------------------------------------------------- overlap policies */

/*
 * Old segment O = "oooo" at offsets 4..7.  New segment N (all 'n') as in
 * each row; the rest of 0..11 is filled with non-overlapping '.' bytes.
 * want[policy]: 'n' when N's bytes win, 'o' when O's stay.
 */
struct overlap_case {
    const char *what;   /* geometry of N against O */
    uint32_t ns, ne;    /* N's offsets [ns, ne) */
    const char *want;   /* first last bsd linux windows solaris */
};

static const struct overlap_case overlap_cases[] = {
    {"starts before, ends before O's end", 2, 6, "onnnno"},
    {"starts before, ends at O's end", 2, 8, "onnnnn"},
    {"starts before, ends after O's end", 2, 10, "onnnnn"},
    {"same start, ends before", 4, 6, "onoooo"},
    {"same start, same end", 4, 8, "onooon"},
    {"same start, ends after", 4, 10, "ononon"},
    {"starts after, ends within", 5, 7, "onoooo"},
    {"starts after, same end", 5, 8, "onoooo"},
    {"starts after, ends after", 6, 10, "onooon"},
};

static const enum overlap_policy all_policies[6] = {OVERLAP_FIRST,   OVERLAP_LAST,
                                                    OVERLAP_BSD,     OVERLAP_LINUX,
                                                    OVERLAP_WINDOWS, OVERLAP_SOLARIS};

START_TEST(test_overlap_policies)
{
    for (unsigned c = 0; c < sizeof(overlap_cases) / sizeof(overlap_cases[0]); c++) {
        const struct overlap_case *oc = &overlap_cases[c];

        for (unsigned pi = 0; pi < 6; pi++) {
            struct tc *t = tc_new(all_policies[pi]);
            char want[13], nbuf[13];
            uint32_t lo = oc->ns < 4 ? oc->ns : 4, hi = oc->ne > 8 ? oc->ne : 8;

            memset(want, '.', 12);
            want[12] = '\0';
            for (uint32_t i = oc->ns; i < oc->ne; i++)
                want[i] = 'n';
            for (uint32_t i = 4; i < 8; i++)
                want[i] = 'o';
            for (uint32_t i = (oc->ns > 4 ? oc->ns : 4); i < (oc->ne < 8 ? oc->ne : 8); i++)
                want[i] = oc->want[pi];
            memset(nbuf, 'n', sizeof(nbuf));
            nbuf[oc->ne - oc->ns] = '\0';

            hs(t, CISN, SISN);
            cdata(t, 4, "oooo", CSUM_OK);
            cdata(t, oc->ns, nbuf, CSUM_OK);
            /* fillers: [0, lo) and [hi, 12) */
            if (lo) {
                char fb[13];

                memset(fb, '.', lo);
                fb[lo] = '\0';
                cdata(t, 0, fb, CSUM_OK);
            }
            if (hi < 12) {
                char fb[13];

                memset(fb, '.', 12 - hi);
                fb[12 - hi] = '\0';
                cdata(t, hi, fb, CSUM_OK);
            }
            sack(t, 12);
            ck_assert_msg(t->n[0] == 12 && memcmp(t->out[0], want, 12) == 0,
                          "%s, policy %u: got %.*s want %s", oc->what, pi, (int)t->n[0],
                          (const char *)t->out[0], want);
            ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP], 1);
            ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 1);
            ck_assert_uint_eq(t->st.v[STAT_ANOM_STREAM_OVERLAP_DIFF_DATA], 1);
            ck_assert_uint_eq(t->events, 1);
            tc_free(t);
        }
    }
}
END_TEST

/* Identical retransmissions overlap but never differ, under every policy. */
START_TEST(test_retransmission_same_data)
{
    for (unsigned pi = 0; pi < 6; pi++) {
        struct tc *t = tc_new(all_policies[pi]);

        hs(t, CISN, SISN);
        cdata(t, 0, "PASS secret\r\n", CSUM_OK);
        cdata(t, 0, "PASS secret\r\n", CSUM_OK);
        cdata(t, 5, "secret", CSUM_OK);
        sack(t, 13);
        cdata(t, 0, "PASS secret\r\n", CSUM_OK); /* after delivery: compared with history */
        expect_out(t, 0, "PASS secret\r\n");
        ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP], 3);
        ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 0);
        ck_assert_uint_eq(t->events, 0);
        /* retransmissions take no memory: one direction's 13 bytes in one block */
        tc_free(t);
    }
}
END_TEST

/* Ptacek-Newsham: retransmission with different data after the receiver took the first copy. */
START_TEST(test_retransmission_diff_after_ack)
{
    for (unsigned pi = 0; pi < 6; pi++) {
        struct tc *t = tc_new(all_policies[pi]);

        hs(t, CISN, SISN);
        cdata(t, 0, "USER alice\r\n", CSUM_OK);
        sack(t, 12);
        cdata(t, 0, "USER mallo\r\n", CSUM_OK); /* LAST cannot change consumed bytes */
        cdata(t, 12, "PASS x\r\n", CSUM_OK);
        sack(t, 20);
        expect_out(t, 0, "USER alice\r\nPASS x\r\n");
        ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 1);
        ck_assert_uint_eq(t->events, 1);
        tc_free(t);
    }
}
END_TEST

/* Ptacek-Newsham: retransmission with different data while both copies are held. */
START_TEST(test_retransmission_diff_held)
{
    /* same start, same end: only last and solaris take the new copy */
    static const char *want[6] = {"USER alice", "USER mallo", "USER alice",
                                  "USER alice", "USER alice", "USER mallo"};

    for (unsigned pi = 0; pi < 6; pi++) {
        struct tc *t = tc_new(all_policies[pi]);

        hs(t, CISN, SISN);
        cdata(t, 0, "USER alice", CSUM_OK);
        cdata(t, 0, "USER mallo", CSUM_OK);
        sack(t, 10);
        expect_out(t, 0, want[pi]);
        ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 1);
        tc_free(t);
    }
}
END_TEST

/* ---------------------------------------------------------------- checksums */

/* Ptacek-Newsham insertion: a bad-checksum segment among good ones never counts. */
START_TEST(test_bad_checksum_insertion)
{
    for (unsigned pi = 0; pi < 6; pi++) {
        struct tc *t = tc_new(all_policies[pi]);

        hs(t, CISN, SISN);
        cdata(t, 0, "USER ", CSUM_OK);
        cdata(t, 5, "mallory\r\n", CSUM_BAD); /* junk the host drops */
        cdata(t, 5, "alice\r\n", CSUM_OK);
        cdata(t, 5, "XXXXX", CSUM_BAD);
        /* a bad-checksum RST or FIN must not end the stream either */
        tx(t, 0, TCP_RST | TCP_ACK, CISN + 13, SISN + 1, NULL, 0, CSUM_BAD);
        tx(t, 0, TCP_FIN | TCP_ACK, CISN + 6, SISN + 1, NULL, 0, CSUM_BAD);
        sack(t, 12);
        expect_out(t, 0, "USER alice\r\n");
        ck_assert_uint_eq(t->st.v[STAT_TCP_INVALID_CHECKSUM], 4);
        ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 0);
        ck_assert_uint_eq(t->eof[0], 0);
        tc_free(t);
    }
}
END_TEST

/* A bad-checksum segment arriving before any good one is kept weak: good data replaces it. */
START_TEST(test_bad_checksum_first_is_weak)
{
    for (unsigned pi = 0; pi < 6; pi++) {
        struct tc *t = tc_new(all_policies[pi]);

        /* handshake whose client side has no computed checksum (e.g. truncated capture) */
        tx(t, 0, TCP_SYN, CISN, 0, NULL, 0, CSUM_UNKNOWN);
        tx(t, 1, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0, CSUM_OK);
        tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, NULL, 0, CSUM_UNKNOWN);
        cdata(t, 0, "USER mallory\r\n", CSUM_BAD); /* junk first */
        cdata(t, 5, "al", CSUM_OK);                /* good pieces arrive after, overlapping */
        cdata(t, 0, "USER ", CSUM_OK);
        cdata(t, 7, "ice\r\n", CSUM_OK);
        sack(t, 12);
        expect_out(t, 0, "USER alice\r\n");
        /* the junk differed from the good data: an insertion, counted once per good segment */
        ck_assert_uint_ge(t->st.v[STAT_TCP_INVALID_CHECKSUM], 1);
        ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 0);
        tc_free(t);
    }
}
END_TEST

/* Offloaded direction (every packet of the client bad): still reassembled. */
START_TEST(test_offloaded_direction)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 0, TCP_SYN, CISN, 0, NULL, 0, CSUM_BAD);
    tx(t, 1, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, NULL, 0, CSUM_BAD);
    cdata(t, 5, "alice", CSUM_BAD);
    cdata(t, 0, "USER ", CSUM_BAD);
    cdata(t, 0, "USER ", CSUM_BAD);
    sack(t, 10);
    tx(t, 1, TCP_ACK | TCP_PSH, SISN + 1, CISN + 11, "OK", 2, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 11, SISN + 3, NULL, 0, CSUM_BAD);
    expect_out(t, 0, "USER alice");
    expect_out(t, 1, "OK");
    ck_assert_uint_eq(t->st.v[STAT_TCP_INVALID_CHECKSUM], 0);
    tc_free(t);
}
END_TEST

START_TEST(test_csum_mode_yes_and_no)
{
    struct stream_settings set;
    struct tc *t;

    stream_settings_defaults(&set);
    set.csum_mode = CSUM_MODE_YES;
    t = tc_new_set(&set);
    hs(t, CISN, SISN);
    cdata(t, 0, "abc", CSUM_BAD);
    cdata(t, 0, "xyz", CSUM_OK);
    sack(t, 3);
    expect_out(t, 0, "xyz");
    ck_assert_uint_eq(t->st.v[STAT_TCP_INVALID_CHECKSUM], 1);
    tc_free(t);

    set.csum_mode = CSUM_MODE_NO;
    set.default_policy = OVERLAP_FIRST;
    t = tc_new_set(&set);
    hs(t, CISN, SISN);
    cdata(t, 0, "abc", CSUM_BAD);
    cdata(t, 0, "xyz", CSUM_OK);
    sack(t, 3);
    expect_out(t, 0, "abc"); /* checksums ignored: the first copy wins under FIRST */
    ck_assert_uint_eq(t->st.v[STAT_TCP_INVALID_CHECKSUM], 0);
    tc_free(t);
}
END_TEST

/* ---------------------------------------------------------------- handshake cases */

/* Ptacek-Newsham: data before the handshake completes / on a SYN. */
START_TEST(test_data_before_handshake)
{
    struct tc *t = tc_new(OVERLAP_FIRST);

    /* SYN carrying junk the server does not ACK (no TCP Fast Open) */
    tx(t, 0, TCP_SYN, CISN, 0, "JUNK", 4, CSUM_OK);
    /* a data segment without ACK before the handshake: receivers drop it */
    tx(t, 0, TCP_PSH, CISN + 1, 0, "EVIL", 4, CSUM_OK);
    tx(t, 1, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, NULL, 0, CSUM_OK);
    cdata(t, 0, "USER", CSUM_OK);
    sack(t, 4);
    expect_out(t, 0, "USER");
    ck_assert_uint_eq(t->st.v[STAT_TCP_SYN_DATA_DISCARDED], 1);
    tc_free(t);
}
END_TEST

/* SYN data the SYN/ACK does ACK (TCP Fast Open) is delivered. */
START_TEST(test_syn_data_accepted)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 0, TCP_SYN, CISN, 0, "GET ", 4, CSUM_OK);
    tx(t, 1, TCP_SYN | TCP_ACK, SISN, CISN + 5, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 5, SISN + 1, "/ HTTP", 6, CSUM_OK);
    sack(t, 10);
    expect_out(t, 0, "GET / HTTP");
    tc_free(t);
}
END_TEST

/* A SYN/ACK that does not ACK the SYN is ignored (forged). */
START_TEST(test_bad_synack_ignored)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 0, TCP_SYN, CISN, 0, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_SYN | TCP_ACK, 777, 12345, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1, "220 hi", 6, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 7, NULL, 0, CSUM_OK);
    expect_out(t, 1, "220 hi");
    tc_free(t);
}
END_TEST

/* Ptacek-Newsham: RST tears down; a new SYN on the tuple starts a new session. */
START_TEST(test_rst_then_reuse)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    t->allow_after_eof = true;
    hs(t, CISN, SISN);
    cdata(t, 0, "first", CSUM_OK);
    /* an out-of-window RST is ignored */
    tx(t, 1, TCP_RST | TCP_ACK, SISN + 900000, CISN + 6, NULL, 0, CSUM_OK);
    ck_assert_uint_eq(t->st.v[STAT_TCP_RST_INVALID], 1);
    ck_assert_uint_eq(t->eof[0], 0);
    /* an in-window RST ends both directions, delivering what was held */
    tx(t, 1, TCP_RST | TCP_ACK, SISN + 1, CISN + 6, NULL, 0, CSUM_OK);
    expect_out(t, 0, "first");
    ck_assert_uint_eq(t->eof[0], 1);
    ck_assert_uint_eq(t->eof[1], 1);
    /* data after the RST is ignored */
    cdata(t, 5, "late", CSUM_OK);
    sack(t, 9);
    expect_out(t, 0, "first");
    /* reuse with a new ISN */
    hs(t, 90000, 70000);
    ck_assert_uint_eq(t->st.v[STAT_TCP_SESSIONS], 2);
    tx(t, 0, TCP_ACK, 90001, 70001, "second", 6, CSUM_OK);
    tx(t, 1, TCP_ACK, 70001, 90007, NULL, 0, CSUM_OK);
    expect_out(t, 0, "firstsecond");
    tc_free(t);
}
END_TEST

/* A SYN/ACK with a new ISN does not restart a direction that already delivered (fuzz find). */
START_TEST(test_no_restart_after_delivery)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 0, TCP_SYN, CISN, 0, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_ACK | TCP_FIN, SISN + 1, CISN + 1, "abc", 3, CSUM_OK); /* SYN/ACK not seen */
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 5, NULL, 0, CSUM_OK);
    expect_out(t, 1, "abc");
    ck_assert_uint_eq(t->eof[1], 1);
    tx(t, 1, TCP_SYN | TCP_ACK, SISN - 1000, CISN + 1, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_ACK, SISN - 999, CISN + 1, "zzz", 3, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 1, SISN - 996, NULL, 0, CSUM_OK);
    stream_flow_end(t->sc, &t->f); /* tc_deliver fails on data after EOF */
    expect_out(t, 1, "abc");
    tc_free(t);
}
END_TEST

/* A SYN with another ISN inside a live connection is not what the server accepts. */
START_TEST(test_syn_in_established_ignored)
{
    struct tc *t = tc_new(OVERLAP_LAST);

    hs(t, CISN, SISN);
    cdata(t, 0, "abc", CSUM_OK);
    tx(t, 0, TCP_SYN, 424242, 0, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, 424243, SISN + 1, "EVIL", 4, CSUM_OK); /* in the forged ISN's space */
    cdata(t, 3, "def", CSUM_OK);
    sack(t, 6);
    expect_out(t, 0, "abcdef");
    ck_assert_uint_eq(t->st.v[STAT_TCP_SESSIONS], 1);
    tc_free(t);
}
END_TEST

/* A RST answering a SYN (connection refused) ends the session. */
START_TEST(test_rst_refused)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 0, TCP_SYN, CISN, 0, "x", 1, CSUM_OK);
    tx(t, 1, TCP_RST | TCP_ACK, 0, CISN + 7, NULL, 0, CSUM_OK); /* bad ACK: ignored */
    ck_assert_uint_eq(t->st.v[STAT_TCP_RST_INVALID], 1);
    tx(t, 1, TCP_RST | TCP_ACK, 0, CISN + 1, NULL, 0, CSUM_OK);
    ck_assert_uint_eq(t->n[0], 0); /* the SYN's data was refused with it */
    ck_assert_uint_eq(t->st.v[STAT_TCP_SYN_DATA_DISCARDED], 1);
    ck_assert_uint_eq(t->eof[0], 1);
    ck_assert_uint_eq(t->eof[1], 1);
    tc_free(t);
}
END_TEST

/* Ptacek-Newsham: data after a FIN is not part of the stream. */
START_TEST(test_data_after_fin)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    hs(t, CISN, SISN);
    cdata(t, 0, "bye", CSUM_OK);
    tx(t, 0, TCP_ACK | TCP_FIN, CISN + 4, SISN + 1, NULL, 0, CSUM_OK);
    cdata(t, 3, "MORE", CSUM_OK);
    sack(t, 4); /* ACKs the data and the FIN */
    expect_out(t, 0, "bye");
    ck_assert_uint_eq(t->eof[0], 1);
    ck_assert_uint_eq(t->st.v[STAT_TCP_DATA_AFTER_FIN], 1);
    tc_free(t);
}
END_TEST

/* Ptacek-Newsham: urgent data is delivered inline, in sequence. */
START_TEST(test_urgent_inline)
{
    struct tc *t = tc_new(OVERLAP_BSD);
    struct packet p;

    hs(t, CISN, SISN);
    cdata(t, 0, "ab", CSUM_OK);
    memset(&p, 0, sizeof(p));
    tx(t, 0, TCP_ACK | TCP_URG, CISN + 3, SISN + 1, "X", 1, CSUM_OK);
    cdata(t, 3, "cd", CSUM_OK);
    sack(t, 5);
    expect_out(t, 0, "abXcd");
    tc_free(t);
}
END_TEST

/* ---------------------------------------------------------------- sequence space, window */

/* Byte i of a test pattern: printable, position-dependent. */
static uint8_t pat(uint32_t i)
{
    return (uint8_t)('A' + (i * 7 + i / 26) % 26);
}

static uint32_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

static void shuffle(uint32_t *a, uint32_t n, uint64_t *seed)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rnd(seed) % i, x = a[i - 1];

        a[i - 1] = a[j];
        a[j] = x;
    }
}

/* Ptacek-Newsham: one-byte segments in random order, ISN just below 2^32. */
START_TEST(test_one_byte_shuffled_wrap)
{
    enum { N = 600 };
    uint32_t order[N];
    uint8_t want[N];
    uint64_t seed = 0x5eed0001u + (uint64_t)_i;
    uint32_t cisn = 0xffffff00u - (uint32_t)_i * 97; /* the stream crosses 2^32 */
    struct tc *t = tc_new(all_policies[_i % 6]);

    for (uint32_t i = 0; i < N; i++) {
        order[i] = i;
        want[i] = pat(i);
    }
    shuffle(order, N, &seed);
    hs(t, cisn, SISN);
    for (uint32_t k = 0; k < N; k++) {
        uint8_t b = pat(order[k]);

        tx(t, 0, TCP_ACK, cisn + 1 + order[k], SISN + 1, &b, 1, CSUM_OK);
    }
    tx(t, 1, TCP_ACK, SISN + 1, cisn + 1 + N, NULL, 0, CSUM_OK);
    ck_assert_uint_eq(t->n[0], N);
    ck_assert(memcmp(t->out[0], want, N) == 0);
    ck_assert_uint_eq(t->gaps[0], 0);
    tc_free(t);
}
END_TEST

/* Segments starting past the receiver's advertised window are not used. */
START_TEST(test_window_edges)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    t->win[1] = 8; /* the server advertises 8 bytes, no scaling */
    hs(t, CISN, SISN);
    cdata(t, 8, "Z", CSUM_OK);        /* starts at the right edge: outside */
    cdata(t, 7, "h", CSUM_OK);        /* last byte inside */
    cdata(t, 0, "abcdefg", CSUM_OK);
    ck_assert_uint_eq(t->st.v[STAT_TCP_SEGMENT_OUTSIDE_WINDOW], 1);
    sack(t, 8);
    expect_out(t, 0, "abcdefgh");
    /* the window moved with the ACK: offset 8 is inside now */
    cdata(t, 8, "i", CSUM_OK);
    sack(t, 9);
    expect_out(t, 0, "abcdefghi");
    tc_free(t);
}
END_TEST

/* Window scaling from the SYNs widens the window. */
START_TEST(test_window_scale)
{
    struct tc *t = tc_new(OVERLAP_BSD);
    struct packet p;
    char big[200];

    memset(big, 'w', sizeof(big));
    t->win[1] = 16;
    /* SYN and SYN/ACK with wscale 4: 16 << 4 = 256 bytes of window after the handshake */
    memset(&p, 0, sizeof(p));
    p.ip_version = 4;
    p.ip_proto = 6;
    p.flags = PKT_HAS_L4;
    addr4(&p.src, 1);
    addr4(&p.dst, 2);
    p.sport = 40000;
    p.dport = 80;
    p.tcp.seq = CISN;
    p.tcp.flags = TCP_SYN;
    p.tcp.win = 16;
    p.tcp.has_wscale = true;
    p.tcp.wscale = 4;
    p.l4_csum = CSUM_OK;
    stream_packet(t->sc, &t->f, FLOW_TOSERVER, &p);
    addr4(&p.src, 2);
    addr4(&p.dst, 1);
    p.sport = 80;
    p.dport = 40000;
    p.tcp.seq = SISN;
    p.tcp.ack = CISN + 1;
    p.tcp.flags = TCP_SYN | TCP_ACK;
    stream_packet(t->sc, &t->f, FLOW_TOCLIENT, &p);
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, NULL, 0, CSUM_OK);
    sack(t, 0); /* window 16 << 4 from here */
    tx(t, 0, TCP_ACK, CISN + 1 + 200, SISN + 1, "x", 1, CSUM_OK); /* inside 256 */
    tx(t, 0, TCP_ACK, CISN + 1 + 300, SISN + 1, "y", 1, CSUM_OK); /* outside */
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, big, sizeof(big), CSUM_OK);
    sack(t, 201);
    ck_assert_uint_eq(t->n[0], 201);
    ck_assert_uint_eq(t->out[0][200], 'x');
    ck_assert_uint_eq(t->st.v[STAT_TCP_SEGMENT_OUTSIDE_WINDOW], 1);
    tc_free(t);
}
END_TEST

/* ---------------------------------------------------------------- pickup, one-sided, gaps */

START_TEST(test_midstream_pickup)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    /* capture starts after the handshake */
    tx(t, 0, TCP_ACK | TCP_PSH, 777777, 888888, "USER bob\r\n", 10, CSUM_OK);
    tx(t, 1, TCP_ACK | TCP_PSH, 888888, 777787, "+OK\r\n", 5, CSUM_OK);
    tx(t, 0, TCP_ACK, 777787, 888893, NULL, 0, CSUM_OK);
    expect_out(t, 0, "USER bob\r\n");
    expect_out(t, 1, "+OK\r\n");
    ck_assert_uint_eq(t->st.v[STAT_TCP_MIDSTREAM_PICKUPS], 1);
    ck_assert_uint_eq(t->st.v[STAT_TCP_SESSIONS], 1);
    tc_free(t);
}
END_TEST

START_TEST(test_midstream_disabled)
{
    struct stream_settings set;
    struct tc *t;

    stream_settings_defaults(&set);
    set.midstream = false;
    t = tc_new_set(&set);
    tx(t, 0, TCP_ACK | TCP_PSH, 777777, 888888, "USER bob\r\n", 10, CSUM_OK);
    tx(t, 1, TCP_ACK, 888888, 777787, NULL, 0, CSUM_OK);
    ck_assert_uint_eq(t->n[0], 0);
    ck_assert_ptr_null(t->f.stream);
    ck_assert_uint_eq(t->st.v[STAT_TCP_MIDSTREAM_PICKUPS], 0);
    tc_free(t);
}
END_TEST

/* Only the client's packets are on the SPAN port: data still flows, in order. */
START_TEST(test_one_sided)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 0, TCP_SYN, CISN, 0, NULL, 0, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 1, SISN + 1, NULL, 0, CSUM_OK);
    cdata(t, 0, "USER ", CSUM_OK);
    expect_out(t, 0, "USER "); /* nobody will ACK: released at once */
    cdata(t, 10, "\r\n", CSUM_OK);
    cdata(t, 5, "alice", CSUM_OK);
    expect_out(t, 0, "USER alice\r\n");
    cdata(t, 5, "alice", CSUM_OK); /* retransmission: deduplicated */
    expect_out(t, 0, "USER alice\r\n");
    tc_free(t);
}
END_TEST

/* One-sided, server side only, picked up at the SYN/ACK. */
START_TEST(test_one_sided_server)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    tx(t, 1, TCP_SYN | TCP_ACK, SISN, CISN + 1, NULL, 0, CSUM_OK);
    tx(t, 1, TCP_ACK | TCP_PSH, SISN + 1, CISN + 1, "+OK ready\r\n", 11, CSUM_OK);
    expect_out(t, 1, "+OK ready\r\n");
    ck_assert_uint_eq(t->st.v[STAT_TCP_MIDSTREAM_PICKUPS], 1);
    tc_free(t);
}
END_TEST

/* A lost segment the receiver ACKed: the app layer is told, and the stream goes on. */
START_TEST(test_gap_on_ack)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    hs(t, CISN, SISN);
    cdata(t, 0, "abc", CSUM_OK);
    cdata(t, 6, "ghi", CSUM_OK); /* "def" was lost by the capture */
    sack(t, 9);
    expect_out(t, 0, "abc???ghi");
    ck_assert_uint_eq(t->gaps[0], 1);
    ck_assert_uint_eq(t->gap_bytes[0], 3);
    ck_assert_uint_eq(t->st.v[STAT_TCP_REASSEMBLY_GAP], 1);
    cdata(t, 3, "def", CSUM_OK); /* too late: already skipped */
    cdata(t, 9, "jk", CSUM_OK);
    sack(t, 11);
    expect_out(t, 0, "abc???ghijk");
    tc_free(t);
}
END_TEST

/* An ACK past everything seen does not skip data not seen yet. */
START_TEST(test_ack_beyond_seen)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    hs(t, CISN, SISN);
    cdata(t, 0, "abc", CSUM_OK);
    sack(t, 100); /* forged or lost data: only "abc" is released */
    expect_out(t, 0, "abc");
    ck_assert_uint_eq(t->gaps[0], 0);
    cdata(t, 3, "def", CSUM_OK);
    sack(t, 6);
    expect_out(t, 0, "abcdef");
    tc_free(t);
}
END_TEST

START_TEST(test_gap_at_flow_end)
{
    struct tc *t = tc_new(OVERLAP_BSD);

    hs(t, CISN, SISN);
    cdata(t, 0, "ab", CSUM_OK);
    cdata(t, 4, "ef", CSUM_OK);
    stream_flow_end(t->sc, &t->f);
    expect_out(t, 0, "ab??ef");
    ck_assert_uint_eq(t->eof[0], 1);
    ck_assert_uint_eq(t->eof[1], 1);
    ck_assert_uint_eq(t->st.v[STAT_TCP_REASSEMBLY_GAP], 1);
    tc_free(t);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_depth)
{
    struct stream_settings set;
    struct tc *t;
    uint64_t ssn_mem;

    stream_settings_defaults(&set);
    set.depth = 10;
    t = tc_new_set(&set);
    hs(t, CISN, SISN);
    ssn_mem = stream_memuse(t->sc); /* the session alone */
    cdata(t, 0, "0123456", CSUM_OK);
    cdata(t, 7, "789abcdef", CSUM_OK);
    sack(t, 16);
    expect_out(t, 0, "0123456789");
    ck_assert_uint_eq(t->depth[0], 1);
    ck_assert_uint_eq(t->st.v[STAT_TCP_STREAM_DEPTH_REACHED], 1);
    /* nothing more is buffered in that direction */
    cdata(t, 16, "more", CSUM_OK);
    ck_assert_uint_eq(stream_memuse(t->sc), ssn_mem);
    sack(t, 20);
    expect_out(t, 0, "0123456789");
    /* the other direction is untouched */
    tx(t, 1, TCP_ACK, SISN + 1, CISN + 21, "srv", 3, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 21, SISN + 4, NULL, 0, CSUM_OK);
    expect_out(t, 1, "srv");
    stream_flow_end(t->sc, &t->f);
    ck_assert_uint_eq(t->eof[0], 0); /* DEPTH was the last word of that direction */
    ck_assert_uint_eq(t->eof[1], 1);
    tc_free(t);
}
END_TEST

/* Out-of-order flood behind a hole: every cap holds, and each hit is counted. */
START_TEST(test_memcaps)
{
    struct stream_settings set;
    struct tc *t;
    char seg[100];

    memset(seg, 's', sizeof(seg));
    /* global memcap */
    stream_settings_defaults(&set);
    set.memcap = 64 * 1024;
    t = tc_new_set(&set);
    t->win[1] = 65535;
    hs(t, CISN, SISN);
    for (uint32_t i = 0; i < 600; i++)
        tx(t, 0, TCP_ACK, CISN + 1 + 100 + i * 100, SISN + 1, seg, sizeof(seg), CSUM_OK);
    ck_assert_uint_gt(t->st.v[STAT_TCP_SEGMENT_MEMCAP_DROP], 0);
    ck_assert_uint_le(stream_memuse(t->sc), set.memcap);
    ck_assert_uint_le(t->st.v[STAT_TCP_MEMUSE], set.memcap + 5 * 32 * 1024);
    tc_free(t);

    /* per-direction memcap: forced release skips the hole as a gap */
    stream_settings_defaults(&set);
    set.stream_memcap = 8 * 1024;
    t = tc_new_set(&set);
    hs(t, CISN, SISN);
    for (uint32_t i = 0; i < 200; i++) {
        tx(t, 0, TCP_ACK, CISN + 1 + 100 + i * 100, SISN + 1, seg, sizeof(seg), CSUM_OK);
        ck_assert_uint_le(stream_memuse(t->sc), 8 * 1024 + 512);
    }
    ck_assert_uint_gt(t->st.v[STAT_TCP_REASSEMBLY_FORCED], 0);
    ck_assert_uint_ge(t->gaps[0], 1);
    ck_assert_uint_eq(t->out[0][0], '?');
    ck_assert_uint_eq(t->out[0][100], 's');
    tc_free(t);

    /* max segments, with one-byte segments */
    stream_settings_defaults(&set);
    set.max_segments = 64;
    t = tc_new_set(&set);
    hs(t, CISN, SISN);
    for (uint32_t i = 0; i < 1000; i++)
        tx(t, 0, TCP_ACK, CISN + 1 + 1 + 2 * i, SISN + 1, "x", 1, CSUM_OK);
    ck_assert_uint_gt(t->st.v[STAT_TCP_REASSEMBLY_FORCED], 0);
    ck_assert_uint_le(stream_memuse(t->sc), 512 + 64 * 128);
    tc_free(t);
}
END_TEST

/* Counts EOFs of the flood test (nothing else may be delivered). */
static void flood_deliver(void *user, struct flow *f, enum flow_dir dir, const uint8_t *data,
                          size_t len, unsigned flags)
{
    unsigned *eofs = user;

    ck_assert_uint_eq(flags, STREAM_DATA_EOF);
    ck_assert_uint_eq(len, 0);
    (*eofs)++;
}

/* A flood of half-open connections stops at the memcap; nothing leaks. */
START_TEST(test_half_open_flood)
{
    enum { NF = 2000 };
    struct stream_settings set;
    struct stats st;
    struct stream_ctx *sc;
    struct flow *flows = calloc(NF, sizeof(*flows));
    unsigned tracked = 0, eofs = 0;

    ck_assert_ptr_nonnull(flows);
    memset(&st, 0, sizeof(st));
    stream_settings_defaults(&set);
    set.memcap = 100 * 1024;
    sc = stream_ctx_new(&set, &st, flood_deliver, &eofs);
    ck_assert_ptr_nonnull(sc);
    for (unsigned i = 0; i < NF; i++) {
        struct packet p;

        memset(&p, 0, sizeof(p));
        p.ip_proto = 6;
        p.flags = PKT_HAS_L4;
        addr4(&p.src, 1);
        addr4(&p.dst, 2);
        p.sport = (uint16_t)(1024 + i);
        p.dport = 80;
        p.tcp.seq = i * 7919u;
        p.tcp.flags = TCP_SYN;
        p.l4_csum = CSUM_OK;
        stream_packet(sc, &flows[i], FLOW_TOSERVER, &p);
        tracked += flows[i].stream != NULL;
        ck_assert_uint_le(stream_memuse(sc), set.memcap);
    }
    ck_assert_uint_lt(tracked, NF);
    ck_assert_uint_eq(st.v[STAT_TCP_SSN_MEMCAP_DROP], NF - tracked);
    ck_assert_uint_eq(st.v[STAT_TCP_SESSIONS], tracked);
    for (unsigned i = 0; i < NF; i++)
        if (flows[i].stream)
            stream_flow_end(sc, &flows[i]); /* no data held: only EOFs */
    ck_assert_uint_eq(eofs, 2 * tracked);
    ck_assert_uint_eq(stream_memuse(sc), 0);
    stream_ctx_free(sc);
    free(flows);
}
END_TEST

START_TEST(test_policy_for)
{
    struct stream_settings set;
    struct ip_addr a;

    stream_settings_defaults(&set);
    ck_assert_int_eq(set.default_policy, OVERLAP_BSD);
    set.policies[0].net.family = 4;
    set.policies[0].net.addr[0] = 10;
    set.policies[0].net.addr[1] = 1;
    set.policies[0].net.prefix = 16;
    set.policies[0].policy = OVERLAP_WINDOWS;
    set.policies[1].net.family = 4;
    set.policies[1].net.addr[0] = 10;
    set.policies[1].net.prefix = 8;
    set.policies[1].policy = OVERLAP_LINUX;
    set.n_policies = 2;
    addr4(&a, 2); /* 10.0.0.2 */
    ck_assert_int_eq(stream_policy_for(&set, &a), OVERLAP_LINUX);
    a.a[1] = 1; /* 10.1.0.2: first match wins */
    ck_assert_int_eq(stream_policy_for(&set, &a), OVERLAP_WINDOWS);
    a.a[0] = 192;
    ck_assert_int_eq(stream_policy_for(&set, &a), OVERLAP_BSD);
    a.family = 6;
    a.a[0] = 10;
    ck_assert_int_eq(stream_policy_for(&set, &a), OVERLAP_BSD);
}
END_TEST

/* The receiver's policy applies: the server is Solaris, the client First. */
START_TEST(test_policy_per_receiver)
{
    struct stream_settings set;
    struct tc *t;

    stream_settings_defaults(&set);
    set.default_policy = OVERLAP_FIRST;
    set.policies[0].net.family = 4;
    set.policies[0].net.addr[0] = 10;
    set.policies[0].net.addr[3] = 2;
    set.policies[0].net.prefix = 32;
    set.policies[0].policy = OVERLAP_SOLARIS;
    set.n_policies = 1;
    t = tc_new_set(&set);
    hs(t, CISN, SISN);
    cdata(t, 0, "old!", CSUM_OK);
    cdata(t, 0, "new!", CSUM_OK); /* same start, same end: Solaris takes the new */
    sack(t, 4);
    tx(t, 1, TCP_ACK, SISN + 1, CISN + 5, "old!", 4, CSUM_OK);
    tx(t, 1, TCP_ACK, SISN + 1, CISN + 5, "new!", 4, CSUM_OK);
    tx(t, 0, TCP_ACK, CISN + 5, SISN + 5, NULL, 0, CSUM_OK);
    expect_out(t, 0, "new!");
    expect_out(t, 1, "old!");
    tc_free(t);
}
END_TEST

/* ---------------------------------------------------------------- property tests */

enum prop_mode {
    PROP_NORMAL = 0,  /* handshake, server ACKs what it has at random moments */
    PROP_ONESIDED,    /* client packets only */
    PROP_MIDSTREAM,   /* no handshake: the first segment is sent first */
    PROP__COUNT
};

/*
 * A random stream, cut into random segments, each sent 1-3 times (re-cut
 * differently for retransmissions), all shuffled: the client's bytes come
 * out exactly, without gaps, under every policy and ISN.
 */
static void prop_run(uint64_t seed, enum prop_mode mode)
{
    enum { MAXLEN = 3000, MAXSEGS = 4 * MAXLEN };
    static uint8_t data[MAXLEN];
    static uint32_t soff[MAXSEGS], slen[MAXSEGS], order[MAXSEGS];
    static bool have[MAXLEN];
    uint32_t len = 1 + rnd(&seed) % MAXLEN, nseg = 0, cisn = rnd(&seed), contig = 0;
    uint32_t maxseg = 1 + rnd(&seed) % (rnd(&seed) % 2 ? 8 : 400);
    struct tc *t = tc_new(all_policies[rnd(&seed) % 6]);

    if (rnd(&seed) % 4 == 0)
        cisn = 0xffffffffu - rnd(&seed) % 2000; /* cross 2^32 */
    for (uint32_t i = 0; i < len; i++) {
        data[i] = (uint8_t)rnd(&seed);
        have[i] = false;
    }
    /* several cuts of the stream; the first covers it all, later ones cover random parts */
    for (unsigned copy = 0, ncopies = 1 + rnd(&seed) % 3; copy < ncopies; copy++) {
        uint32_t off = 0;

        while (off < len && nseg < MAXSEGS) {
            uint32_t l = 1 + rnd(&seed) % maxseg;

            if (l > len - off)
                l = len - off;
            if (copy == 0 || rnd(&seed) % 3 == 0) {
                soff[nseg] = off;
                slen[nseg] = l;
                nseg++;
            }
            off += l;
        }
    }
    for (uint32_t i = 0; i < nseg; i++)
        order[i] = i;
    shuffle(order, nseg, &seed);
    if (mode == PROP_MIDSTREAM) {
        /* the capture starts at a segment holding byte 0 */
        for (uint32_t i = 0; i < nseg; i++) {
            if (soff[order[i]] == 0) {
                uint32_t x = order[0];

                order[0] = order[i];
                order[i] = x;
                break;
            }
        }
    } else {
        tx(t, 0, TCP_SYN, cisn, 0, NULL, 0, CSUM_OK);
        if (mode == PROP_NORMAL)
            tx(t, 1, TCP_SYN | TCP_ACK, SISN, cisn + 1, NULL, 0, CSUM_OK);
        tx(t, 0, TCP_ACK, cisn + 1, SISN + 1, NULL, 0, CSUM_OK);
    }
    for (uint32_t k = 0; k < nseg; k++) {
        uint32_t s = order[k];

        tx(t, 0, TCP_ACK, cisn + 1 + soff[s], SISN + 1, data + soff[s], slen[s], CSUM_OK);
        for (uint32_t i = soff[s]; i < soff[s] + slen[s]; i++)
            have[i] = true;
        while (contig < len && have[contig])
            contig++;
        /* the server ACKs what it holds in order, now and then */
        if (mode != PROP_ONESIDED && rnd(&seed) % 3 == 0)
            tx(t, 1, TCP_ACK, SISN + 1, cisn + 1 + contig, NULL, 0, CSUM_OK);
    }
    if (mode != PROP_ONESIDED)
        tx(t, 1, TCP_ACK, SISN + 1, cisn + 1 + len, NULL, 0, CSUM_OK);
    stream_flow_end(t->sc, &t->f);
    ck_assert_msg(t->n[0] == len && memcmp(t->out[0], data, len) == 0,
                  "mode %d: got %zu bytes of %u, gaps %u", mode, t->n[0], len, t->gaps[0]);
    ck_assert_uint_eq(t->gaps[0], 0);
    ck_assert_uint_eq(t->st.v[STAT_TCP_OVERLAP_DIFF_DATA], 0);
    tc_free(t);
}

START_TEST(test_property_reassembly)
{
    for (uint64_t i = 0; i < 700; i++)
        prop_run(0x9e3779b97f4a7c15ull * (i + 1 + (uint64_t)_i * 1000), (enum prop_mode)_i);
}
END_TEST

/*
 * Random segment soup (flags, sequence numbers near the stream, checksums,
 * both sides) with small caps: never more memory than the caps, never
 * more bytes out than went in.
 */
START_TEST(test_segment_soup)
{
    uint64_t seed = 0xabcdef12345ull + (uint64_t)_i;

    for (int round = 0; round < 40; round++) {
        struct stream_settings set;
        struct tc *t;
        uint64_t sent[2] = {0, 0};
        uint32_t isn[2] = {rnd(&seed), rnd(&seed)};
        uint8_t buf[300];

        stream_settings_defaults(&set);
        set.memcap = 48 * 1024;
        set.stream_memcap = 12 * 1024;
        set.max_segments = 32;
        set.depth = rnd(&seed) % 2 ? 0 : 1 + rnd(&seed) % 5000;
        set.default_policy = all_policies[rnd(&seed) % 6];
        set.csum_mode = (enum csum_mode)(rnd(&seed) % 3);
        t = tc_new_set(&set);
        t->allow_after_eof = true;
        for (int k = 0; k < 400; k++) {
            int side = rnd(&seed) % 2;
            uint8_t flags = (uint8_t)rnd(&seed);
            uint32_t len = rnd(&seed) % 4 ? rnd(&seed) % sizeof(buf) : 0;
            uint32_t seq = isn[side] + rnd(&seed) % 20000 - 2000;
            uint32_t ack = isn[!side] + rnd(&seed) % 20000 - 2000;

            if (rnd(&seed) % 3)
                flags = (uint8_t)((flags & (TCP_FIN | TCP_PSH | TCP_URG)) | TCP_ACK);
            if (rnd(&seed) % 50 == 0)
                flags |= TCP_RST;
            for (uint32_t i = 0; i < len; i++)
                buf[i] = (uint8_t)rnd(&seed);
            t->win[side] = (uint16_t)rnd(&seed);
            tx(t, side, flags, seq, ack, buf, len, (enum csum_state)(rnd(&seed) % 3));
            sent[side] += len;
            ck_assert_uint_le(stream_memuse(t->sc), set.memcap);
            ck_assert_uint_le(t->st.v[STAT_TCP_MEMUSE], set.memcap + 5 * 32 * 1024);
        }
        stream_flow_end(t->sc, &t->f);
        /* data bytes out never exceed what went in (gaps are not data) */
        for (int dir = 0; dir < 2; dir++)
            ck_assert_uint_le(t->total[dir] - t->gap_bytes[dir], sent[0] + sent[1]);
        tc_free(t);
    }
}
END_TEST

/* ---------------------------------------------------------------- the "done" case */

/*
 * A login split into one-byte segments, shuffled, each retransmitted,
 * wrapped past 2^32, preceded by a bad-checksum junk segment, and captured
 * (a) whole, (b) mid-stream, (c) one-sided: the detector sees it whole.
 */
static void login_case(int variant, enum overlap_policy pol)
{
    static const char login[] = "USER alice\r\nPASS s3cret!\r\n";
    enum { N = sizeof(login) - 1 };
    uint32_t order[2 * N];
    uint64_t seed = 0x10c1u + (uint64_t)variant * 31 + (uint64_t)pol;
    uint32_t cisn = 0xfffffff0u; /* byte 15 of the login has sequence number 0 */
    struct tc *t = tc_new(pol);

    for (uint32_t i = 0; i < 2 * N; i++)
        order[i] = i % N;
    shuffle(order, 2 * N, &seed);
    if (variant == 0) {
        hs(t, cisn, SISN);
    } else if (variant == 2) {
        tx(t, 0, TCP_SYN, cisn, 0, NULL, 0, CSUM_OK);
        tx(t, 0, TCP_ACK, cisn + 1, SISN + 1, NULL, 0, CSUM_OK);
    } else {
        /* mid-stream: an earlier (pre-capture) exchange; the capture starts at a pure ACK */
        tx(t, 0, TCP_ACK, cisn + 1, SISN + 1, NULL, 0, CSUM_OK);
    }
    /* the insertion: a good-looking junk login with a bad checksum, sent first */
    tx(t, 0, TCP_ACK, cisn + 1, SISN + 1, "USER admin\r\nPASS hunter2\r\n", N, CSUM_BAD);
    for (uint32_t k = 0; k < 2 * N; k++)
        tx(t, 0, TCP_ACK, cisn + 1 + order[k], SISN + 1, login + order[k], 1, CSUM_OK);
    if (variant != 2)
        tx(t, 1, TCP_ACK, SISN + 1, cisn + 1 + N, NULL, 0, CSUM_OK);
    expect_out(t, 0, login);
    ck_assert_uint_eq(t->gaps[0], 0);
    tc_free(t);
}

START_TEST(test_done_login)
{
    for (int v = 0; v < 3; v++)
        for (unsigned pi = 0; pi < 6; pi++)
            login_case(v, all_policies[pi]);
}
END_TEST

static Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    TCase *tc;

    tc = tcase_create("basics");
    tcase_add_test(tc, test_in_order_inspect_on_ack);
    tcase_add_test(tc, test_out_of_order);
    tcase_add_test(tc, test_direction_follows_flow);
    tcase_add_test(tc, test_policy_for);
    suite_add_tcase(s, tc);

    tc = tcase_create("overlap");
    tcase_add_test(tc, test_overlap_policies);
    tcase_add_test(tc, test_retransmission_same_data);
    tcase_add_test(tc, test_retransmission_diff_after_ack);
    tcase_add_test(tc, test_retransmission_diff_held);
    tcase_add_test(tc, test_policy_per_receiver);
    suite_add_tcase(s, tc);

    tc = tcase_create("checksum");
    tcase_add_test(tc, test_bad_checksum_insertion);
    tcase_add_test(tc, test_bad_checksum_first_is_weak);
    tcase_add_test(tc, test_offloaded_direction);
    tcase_add_test(tc, test_csum_mode_yes_and_no);
    suite_add_tcase(s, tc);

    tc = tcase_create("tcp_state");
    tcase_add_test(tc, test_data_before_handshake);
    tcase_add_test(tc, test_syn_data_accepted);
    tcase_add_test(tc, test_bad_synack_ignored);
    tcase_add_test(tc, test_rst_then_reuse);
    tcase_add_test(tc, test_data_after_fin);
    tcase_add_test(tc, test_no_restart_after_delivery);
    tcase_add_test(tc, test_syn_in_established_ignored);
    tcase_add_test(tc, test_rst_refused);
    tcase_add_test(tc, test_urgent_inline);
    suite_add_tcase(s, tc);

    tc = tcase_create("sequence");
    tcase_add_loop_test(tc, test_one_byte_shuffled_wrap, 0, 12);
    tcase_add_test(tc, test_window_edges);
    tcase_add_test(tc, test_window_scale);
    suite_add_tcase(s, tc);

    tc = tcase_create("pickup_gaps");
    tcase_add_test(tc, test_midstream_pickup);
    tcase_add_test(tc, test_midstream_disabled);
    tcase_add_test(tc, test_one_sided);
    tcase_add_test(tc, test_one_sided_server);
    tcase_add_test(tc, test_gap_on_ack);
    tcase_add_test(tc, test_ack_beyond_seen);
    tcase_add_test(tc, test_gap_at_flow_end);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, test_depth);
    tcase_add_test(tc, test_memcaps);
    tcase_add_test(tc, test_half_open_flood);
    suite_add_tcase(s, tc);

    tc = tcase_create("property");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_property_reassembly, 0, PROP__COUNT);
    tcase_add_loop_test(tc, test_segment_soup, 0, 4);
    tcase_add_test(tc, test_done_login);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stream_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
