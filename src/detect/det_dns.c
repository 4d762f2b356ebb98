/*
 * det_dns.c - DNS over UDP (RFC 1035), any port: identification, and the
 * look-ups of the IM/P2P services' login hosts.
 *
 * Message (RFC 1035 section 4.1):
 *
 *    0       2       4        6        8        10       12
 *   +-------+-------+--------+--------+--------+--------+------------
 *   | id    | flags | qdcount| ancount| nscount| arcount| question, RRs
 *   +-------+-------+--------+--------+--------+--------+------------
 *   flags: QR(1) opcode(4) AA TC RD RA Z(3) rcode(4)
 *
 * A datagram is DNS when the header is plausible (opcode 0-5, one to a few
 * questions, bounded counts) and every question and resource record parses
 * to the end of the datagram (names with compression pointers followed at
 * most LIM_DNS_PTR_HOPS times, backwards only, so loops end).  NetBIOS name
 * service (same layout, 32-letter encoded names) is not DNS.
 *
 * A query (or, when its query was not seen, a response) whose name is a
 * service's login host (the seeds' countermeasures name them:
 * login.oscar.aol.com, login.icq.com, *.msgr.hotmail.com, *.msg.*.yahoo.com
 * ...) is a dns_lookup event: app_proto dns, service the IM/P2P service.
 */
#include <string.h>

#include "detect/det_dns.h"

#include "detect/cred_util.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

/* DNS header length. */
#define DNS_HDR 12
/* Most questions believed in one message (real ones carry one). */
#define DNS_MAX_QD 4

/* Per-flow state: transaction ids of the queries seen, to skip their responses. */
struct dns_state {
    uint16_t txid[LIM_DNS_TXID_RING]; /* ids of recent queries */
    bool used[LIM_DNS_TXID_RING];     /* slot holds an id */
    unsigned next;                    /* next slot to overwrite */
};

static const uint16_t dns_ports[] = {53};

/* ---- names ---- */

/*
 * Reads the name at the cursor (following compression pointers within msg)
 * into out as dotted lower-case text (NUL-terminated, no trailing dot).
 * The cursor ends after the name's bytes at its original place.  Returns
 * false on a malformed name.
 */
static bool dns_name(const uint8_t *msg, size_t msg_len, struct bcur *c, char *out, size_t cap,
                     size_t *out_len)
{
    struct bcur r = *c;      /* reading position (moves to pointer targets) */
    bool jumped = false;
    unsigned hops = 0;
    size_t n = 0, wire = 0;
    size_t lowest = c->off + (size_t)(c->base - msg); /* pointers must go below this */

    for (;;) {
        uint8_t l = bcur_u8(&r);
        if (!bcur_ok(&r))
            return false;
        if (!jumped)
            wire++;
        if (l == 0)
            break;
        if ((l & 0xc0) == 0xc0) {
            uint8_t lo = bcur_u8(&r);
            size_t target;
            if (!bcur_ok(&r))
                return false;
            if (!jumped)
                wire++;
            target = ((size_t)(l & 0x3f) << 8) | lo;
            if (++hops > LIM_DNS_PTR_HOPS || target >= lowest || target >= msg_len)
                return false;
            lowest = target;
            bcur_init(&r, msg, msg_len);
            bcur_skip(&r, target);
            jumped = true;
            continue;
        }
        if (l & 0xc0)
            return false; /* extended label types are not used */
        if (n + l + 1 > LIM_DNS_NAME_MAX || n + l + 1 >= cap)
            return false;
        if (n)
            out[n++] = '.';
        for (unsigned i = 0; i < l; i++) {
            uint8_t ch = bcur_u8(&r);
            out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
        }
        if (!bcur_ok(&r))
            return false;
        if (!jumped)
            wire += l;
    }
    out[n] = '\0';
    *out_len = n;
    return bcur_skip(c, wire);
}

/* True when name is `suffix` or ends with "." + suffix. */
static bool dns_suffix(const char *name, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);
    if (len == sl)
        return memcmp(name, suffix, sl) == 0;
    return len > sl && name[len - sl - 1] == '.' && memcmp(name + len - sl, suffix, sl) == 0;
}

/*
 * The IM/P2P service whose login host a name is, or NULL.  Hosts from the
 * seeds' countermeasures and the services' documented login servers.
 */
const char *dns_service_of(const char *name, size_t len)
{
    if (len && name[len - 1] == '.')
        len--;
    if (dns_suffix(name, len, "oscar.aol.com"))
        return "aim"; /* login.oscar.aol.com, aimhttp.oscar.aol.com, toc.oscar.aol.com */
    if (dns_suffix(name, len, "icq.com") || dns_suffix(name, len, "icq.mirabilis.com"))
        return "icq"; /* login.icq.com, http.proxy.icq.com; seed 000: icq.mirabilis.com */
    if (dns_suffix(name, len, "messenger.hotmail.com") || dns_suffix(name, len, "msgr.hotmail.com") ||
        dns_suffix(name, len, "messenger.msn.com"))
        return "msn";
    if (dns_suffix(name, len, "yahoo.com")) {
        /* *.msg.*.yahoo.com (scs.msg.yahoo.com, cs.msg.dcn.yahoo.com) and login.yahoo.com */
        if (dns_suffix(name, len, "login.yahoo.com") && len == strlen("login.yahoo.com"))
            return "yahoo";
        for (size_t i = 0; i + 5 <= len; i++)
            if ((i == 0 || name[i - 1] == '.') && memcmp(name + i, "msg.", 4) == 0)
                return "yahoo";
        return NULL;
    }
    if (dns_suffix(name, len, "kazaa.com") || dns_suffix(name, len, "fasttrack.nu"))
        return "kazaa";
    return NULL;
}

/* ---- message validation ---- */


/* True when a name is NetBIOS-encoded (32 letters A-P as the first label). */
static bool dns_netbios_name(const char *name, size_t len)
{
    if (len < 32 || (len > 32 && name[32] != '.'))
        return false;
    for (size_t i = 0; i < 32; i++)
        if (name[i] < 'a' || name[i] > 'p')
            return false;
    return true;
}

/* Parses and validates a whole message; false when it is not DNS. */
bool dns_parse_msg(const uint8_t *buf, size_t len, struct dns_msg *m)
{
    struct bcur c;
    uint16_t flags, qd, an, ns, ar;
    char scratch[LIM_DNS_NAME_MAX + 1];
    size_t sl;

    bcur_init(&c, buf, len);
    m->id = bcur_be16(&c);
    flags = bcur_be16(&c);
    qd = bcur_be16(&c);
    an = bcur_be16(&c);
    ns = bcur_be16(&c);
    ar = bcur_be16(&c);
    if (!bcur_ok(&c))
        return false;
    m->response = (flags & 0x8000) != 0;
    if (((flags >> 11) & 0xf) > 5 || qd == 0 || qd > DNS_MAX_QD)
        return false;
    if ((unsigned)an + ns + ar > LIM_DNS_RR_MAX || (!m->response && an != 0))
        return false;
    for (unsigned i = 0; i < qd; i++) {
        char *dst = i == 0 ? m->qname : scratch;
        size_t *dl = i == 0 ? &m->qname_len : &sl;
        uint16_t qtype, qclass;
        if (!dns_name(buf, len, &c, dst, sizeof(scratch), dl))
            return false;
        qtype = bcur_be16(&c);
        qclass = bcur_be16(&c);
        if (!bcur_ok(&c) || qtype == 0 || (qclass & 0x7fff) == 0 ||
            ((qclass & 0x7fff) > 4 && (qclass & 0x7fff) != 254 && (qclass & 0x7fff) != 255))
            return false;
        if (i == 0)
            m->qtype = qtype;
    }
    if (dns_netbios_name(m->qname, m->qname_len))
        return false;
    for (unsigned i = 0; i < (unsigned)an + ns + ar; i++) {
        uint16_t rdlen;
        if (!dns_name(buf, len, &c, scratch, sizeof(scratch), &sl))
            return false;
        bcur_skip(&c, 8); /* type, class, ttl */
        rdlen = bcur_be16(&c);
        if (!bcur_skip(&c, rdlen))
            return false;
    }
    return bcur_ok(&c) && bcur_remaining(&c) == 0;
}

/* ---- detector ---- */

static enum probe_result dns_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                   size_t len)
{
    struct dns_msg m;

    if (!dns_parse_msg(buf, len, &m))
        return PROBE_NO;
    det_set_client(call, m.response ? (dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER)
                                    : dir);
    return PROBE_MATCH;
}

static bool dns_seen(const struct dns_state *st, uint16_t id)
{
    for (unsigned i = 0; i < LIM_DNS_TXID_RING; i++)
        if (st->used[i] && st->txid[i] == id)
            return true;
    return false;
}

static void dns_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                      size_t len, unsigned flags)
{
    struct dns_state *st = state;
    struct dns_msg m;
    const char *svc;
    struct app_event ev;

    if ((flags & STREAM_DATA_GAP) || !dns_parse_msg(data, len, &m))
        return;
    svc = dns_service_of(m.qname, m.qname_len);
    if (!m.response) {
        st->txid[st->next] = m.id;
        st->used[st->next] = true;
        st->next = (st->next + 1) % LIM_DNS_TXID_RING;
    } else if (dns_seen(st, m.id)) {
        return; /* its query was reported */
    }
    if (!svc)
        return;
    app_event_init(&ev, APP_EVENT_DNS_LOOKUP, APP_PROTO_DNS, dir);
    app_event_add_str(&ev, APP_FACT_SERVICE, svc);
    app_event_add(&ev, APP_FACT_QUERY, m.qname, m.qname_len);
    det_emit(call, &ev);
}

const struct detector det_dns = {
    .name = "dns",
    .proto = APP_PROTO_DNS,
    .ipproto = 17,
    .ports = dns_ports,
    .n_ports = sizeof(dns_ports) / sizeof(dns_ports[0]),
    .probe = dns_probe,
    .state_size = sizeof(struct dns_state),
    .parse = dns_parse,
};
