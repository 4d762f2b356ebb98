/*
 * bench_gen_payload.c - application payloads of the benchmark capture generator.
 *
 * Message prefixes that look like the real protocols, so that imsentry's detectors have work
 * to do: HTTP/1.1 requests and responses (RFC 9112), OSCAR FLAP/SNAC frames (AIM/ICQ, port
 * 5190), MSNP8 commands (port 1863), YMSG packets (port 5050), Gnutella 0.6 handshakes and
 * descriptors (port 6346), DNS queries and answers (RFC 1035).  Everything derives from the
 * flow's seed and the message index, never from state, so a prefix can be rebuilt byte for
 * byte for each TCP segment that carries part of it.
 */
#include "bench_gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Bytes being appended to a fixed buffer; overflow is sticky and truncates. */
struct wbuf {
    uint8_t *p;   /* buffer */
    size_t cap;   /* its size */
    size_t len;   /* bytes written */
    int full;     /* something did not fit */
};

static const char gen_text[] =
    "<html><head><title>Welcome</title></head><body><p>The quick brown fox jumps over the "
    "lazy dog. Instant messaging has become a part of everyday business; employees install "
    "clients that tunnel through proxies and hop ports when blocked. Peer-to-peer file "
    "sharing networks carry music, video and documents between millions of hosts.</p>\n"
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>\n<ul><li>"
    "Meeting moved to 3pm, see you there</li><li>Did you get the quarterly numbers?</li>"
    "<li>brb, phone</li><li>Sending the file now, tell me if it arrives</li></ul>\n<p>Duis "
    "aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla "
    "pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia "
    "deserunt mollit anim id est laborum.</p><table><tr><td>Name</td><td>Size</td></tr><tr>"
    "<td>report-final.doc</td><td>48128</td></tr><tr><td>holiday.jpg</td><td>183220</td>"
    "</tr></table>\n<p>Sed ut perspiciatis unde omnis iste natus error sit voluptatem "
    "accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore "
    "veritatis et quasi architecto beatae vitae dicta sunt explicabo.</p></body></html>\n";

static const char *const gen_names[] = {
    "www.example.com",     "login.oscar.aol.com", "login.icq.com",     "messenger.hotmail.com",
    "scs.msg.yahoo.com",   "gwebcache.example.net", "mail.example.org", "news.example.net",
    "update.example.com",  "cdn.example.com",     "ads.example.net",   "intranet.corp.example",
};

static const char *const gen_chat[] = {
    "hi there", "are you coming to the meeting?", "lol", "brb", "ok, sending the file now",
    "what's the password for the share again?", "see you tomorrow", "did you get my mail?",
    "can you call me", "the build is broken again", "lunch?", "thx!",
};

/* ---- bounded writer ------------------------------------------------------------------ */

static void wb_bytes(struct wbuf *w, const void *src, size_t n)
{
    if (w->full || n > w->cap - w->len) {
        w->full = 1;
        return;
    }
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void wb_u8(struct wbuf *w, uint32_t v)
{
    uint8_t b = (uint8_t)v;

    wb_bytes(w, &b, 1);
}

static void wb_be16(struct wbuf *w, uint32_t v)
{
    uint8_t b[2];

    put_be16(b, v);
    wb_bytes(w, b, 2);
}

static void wb_le16(struct wbuf *w, uint32_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    wb_bytes(w, b, 2);
}

static void wb_be32(struct wbuf *w, uint32_t v)
{
    uint8_t b[4];

    put_be32(b, v);
    wb_bytes(w, b, 4);
}

static void wb_le32(struct wbuf *w, uint32_t v)
{
    uint8_t b[4];

    put_le32(b, v);
    wb_bytes(w, b, 4);
}

static void wb_str(struct wbuf *w, const char *s)
{
    wb_bytes(w, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void wb_fmt(struct wbuf *w, const char *fmt, ...)
{
    char tmp[GEN_PREFIX_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        w->full = 1;
        return;
    }
    wb_bytes(w, tmp, (size_t)n);
}

/* ---- fillers ------------------------------------------------------------------------- */

void gen_text_fill(uint8_t *out, size_t n, uint64_t pos)
{
    const size_t tl = sizeof(gen_text) - 1;
    size_t at = (size_t)(pos % tl);

    while (n > 0) {
        size_t k = tl - at < n ? tl - at : n;

        memcpy(out, gen_text + at, k);
        out += k;
        n -= k;
        at = 0;
    }
}

void gen_random_fill(uint64_t *rng, uint8_t *out, size_t n)
{
    while (n >= 8) {
        uint64_t r = rng_next(rng);

        memcpy(out, &r, 8);
        out += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t r = rng_next(rng);

        memcpy(out, &r, n);
    }
}

/* ---- message prefixes, one builder per protocol -------------------------------------- */

/* A user name of the flow: numeric ICQ UIN or a screen/mail name. */
static void user_name(uint64_t seed, int peer, int numeric, char *out, size_t cap)
{
    static const char *const first[] = {"alice", "bob", "carol", "dave", "erin", "frank",
                                        "grace", "heidi", "ivan", "judy", "mallory", "trent"};
    uint64_t s = rng_seed(seed, peer ? 0x7065657275ULL : 0x75736572ULL);
    uint32_t a = rng_below(&s, 12), b = rng_below(&s, 10000);

    if (numeric)
        snprintf(out, cap, "%u", 100000u + rng_below(&s, 900000000u));
    else
        snprintf(out, cap, "%s%u", first[a], b);
}

static void prefix_http(struct wbuf *w, uint64_t *r, uint32_t dir, uint32_t body_len,
                        uint8_t *style)
{
    static const char *const ext[] = {"html", "gif", "jpg", "css", "js", "php"};
    static const char *const ua[] = {
        "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)",
        "Mozilla/5.0 (Windows; U; Windows NT 5.0; en-US; rv:1.0.0) Gecko/20020530",
        "Opera/6.02 (Windows NT 4.0; U)  [en]"};
    uint32_t min, sec;

    /* One rng call per statement: argument evaluation order differs between compilers. */
    if (dir == 0) {
        const char *name = gen_names[rng_below(r, GEN_COUNT(gen_names))];
        const char *folder = rng_below(r, 2) ? "img" : "news";
        unsigned file = (unsigned)rng_next(r);
        const char *fext = ext[rng_below(r, 6)];

        if (body_len == 0)
            wb_fmt(w, "GET /%s/%08x.%s HTTP/1.1\r\n", folder, file, fext);
        else
            wb_fmt(w, "POST /cgi-bin/form%u.cgi HTTP/1.1\r\n", rng_below(r, 50));
        wb_fmt(w, "Host: %s\r\nUser-Agent: %s\r\nAccept: */*\r\nAccept-Language: en-us\r\n"
                  "Connection: keep-alive\r\n", name, ua[rng_below(r, 3)]);
        if (body_len > 0)
            wb_fmt(w, "Content-Type: text/plain\r\nContent-Length: %u\r\n", body_len);
        wb_str(w, "\r\n");
        *style = STYLE_TEXT;
        return;
    }
    *style = rng_below(r, 10) < 7 ? STYLE_TEXT : STYLE_RANDOM;
    min = rng_below(r, 60);
    sec = rng_below(r, 60);
    wb_fmt(w, "HTTP/1.1 200 OK\r\nDate: Tue, 16 Apr 2002 12:%02u:%02u GMT\r\n"
              "Server: Apache/1.3.26 (Unix)\r\nContent-Length: %u\r\nKeep-Alive: timeout=15, "
              "max=100\r\nConnection: Keep-Alive\r\nContent-Type: %s\r\n\r\n",
           min, sec, body_len,
           *style == STYLE_TEXT ? "text/html" : "application/octet-stream");
}

/* One FLAP frame header; the caller appends len bytes of data. */
static void flap(struct wbuf *w, uint32_t channel, uint32_t seq, uint32_t len)
{
    wb_u8(w, 0x2a);
    wb_u8(w, channel);
    wb_be16(w, seq);
    wb_be16(w, len);
}

static void snac(struct wbuf *w, uint32_t family, uint32_t subtype, uint32_t reqid)
{
    wb_be16(w, family);
    wb_be16(w, subtype);
    wb_be16(w, 0);
    wb_be32(w, reqid);
}

static void prefix_oscar(struct wbuf *w, uint64_t *r, uint64_t seed, uint32_t dir,
                         uint32_t exch, uint32_t text_len)
{
    char peer[32], text[512];
    uint32_t seq = (uint32_t)(seed >> (dir ? 16 : 32)) + exch + (dir && exch ? 1 : 0);
    uint8_t cookie[256];
    size_t plen;

    if (exch == 0 && dir == 0) {
        /* BOS sign-on: version 1 and the authorization cookie TLV. */
        gen_random_fill(r, cookie, sizeof(cookie));
        flap(w, 1, seq, 4 + 4 + sizeof(cookie));
        wb_be32(w, 1);
        wb_be16(w, 0x0006);
        wb_be16(w, sizeof(cookie));
        wb_bytes(w, cookie, sizeof(cookie));
        return;
    }
    if (exch == 0) {
        /* Server hello, then "host online" listing the supported SNAC families. */
        static const uint16_t fam[] = {1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 19, 21};

        flap(w, 1, seq, 4);
        wb_be32(w, 1);
        flap(w, 2, seq + 1, 10 + 2 * 12);
        snac(w, 0x0001, 0x0003, 0);
        for (size_t i = 0; i < 12; i++)
            wb_be16(w, fam[i]);
        return;
    }
    user_name(seed, dir == 0, 1, peer, sizeof(peer));
    plen = strlen(peer);
    if (dir == 1 && rng_below(r, 4) == 0) {
        flap(w, 5, seq, 0); /* keep-alive */
        return;
    }
    if (text_len > sizeof(text))
        text_len = sizeof(text);
    gen_text_fill((uint8_t *)text, text_len, rng_next(r));
    if (text_len == 0) { /* the opening exchanges carry a canned line */
        const char *c = gen_chat[rng_below(r, GEN_COUNT(gen_chat))];

        text_len = (uint32_t)strlen(c);
        memcpy(text, c, text_len);
    }
    if (dir == 0) {
        /* ICBM channel 1 message: cookie, channel, UIN, TLV 2 { features, message }. */
        flap(w, 2, seq, (uint32_t)(10 + 8 + 2 + 1 + plen + 4 + 5 + 4 + 4 + text_len + 4));
        snac(w, 0x0004, 0x0006, exch);
        wb_be32(w, (uint32_t)rng_next(r));
        wb_be32(w, (uint32_t)rng_next(r));
        wb_be16(w, 1);
        wb_u8(w, (uint32_t)plen);
        wb_bytes(w, peer, plen);
        wb_be16(w, 0x0002);
        wb_be16(w, 5 + 4 + 4 + text_len);
        wb_be16(w, 0x0501);
        wb_be16(w, 1);
        wb_u8(w, 1);
        wb_be16(w, 0x0101);
        wb_be16(w, 4 + text_len);
        wb_be32(w, 0);
        wb_bytes(w, text, text_len);
        wb_be16(w, 0x0006);
        wb_be16(w, 0);
        return;
    }
    /* Server acknowledges the message (SNAC 4/12 host ack). */
    flap(w, 2, seq, (uint32_t)(10 + 8 + 2 + 1 + plen));
    snac(w, 0x0004, 0x000c, exch);
    wb_be32(w, (uint32_t)rng_next(r));
    wb_be32(w, (uint32_t)rng_next(r));
    wb_be16(w, 1);
    wb_u8(w, (uint32_t)plen);
    wb_bytes(w, peer, plen);
}

static void prefix_msn(struct wbuf *w, uint64_t *r, uint64_t seed, uint32_t dir, uint32_t exch,
                       uint32_t body_len)
{
    static const char mime[] = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8"
                                "\r\nX-MMS-IM-Format: FN=MS%20Sans%20Serif; EF=; CO=0; CS=0; "
                                "PF=0\r\n\r\n";
    char user[32], peer[32];
    uint32_t trid = exch + 1;

    user_name(seed, 0, 0, user, sizeof(user));
    user_name(seed, 1, 0, peer, sizeof(peer));
    switch (exch) {
    case 0:
        wb_fmt(w, "VER %u MSNP8 CVR0\r\n", trid);
        return;
    case 1:
        if (dir == 0)
            wb_fmt(w, "CVR %u 0x0409 win 4.10 i386 MSNMSGR 5.0.0544 MSMSGS %s@hotmail.com\r\n",
                   trid, user);
        else
            wb_fmt(w, "CVR %u 5.0.0544 5.0.0544 1.0.0000 http://download.microsoft.com/"
                      "download/msnmsgr.exe http://messenger.msn.com\r\n", trid);
        return;
    case 2:
        if (dir == 0)
            wb_fmt(w, "USR %u TWN I %s@hotmail.com\r\n", trid, user);
        else {
            uint32_t ct = GEN_BASE_SEC + rng_below(r, 600);

            wb_fmt(w, "USR %u TWN S lc=1033,id=507,tw=40,fs=1,ru=http%%3A%%2F%%2Fmessenger"
                      "%%2Emsn%%2Ecom,ct=%u,kpp=1,kv=5,ver=2.1.0173.1,tpf=%08x\r\n",
                   trid, ct, (unsigned)rng_next(r));
        }
        return;
    default:
        break;
    }
    if (dir == 0)
        wb_fmt(w, "MSG %u N %u\r\n", trid, (unsigned)(sizeof(mime) - 1 + body_len));
    else if (body_len == 0)
        wb_fmt(w, "ACK %u\r\n", trid);
    else
        wb_fmt(w, "MSG %s@hotmail.com %s %u\r\n", peer, peer,
               (unsigned)(sizeof(mime) - 1 + body_len));
    if (dir == 0 || body_len > 0)
        wb_str(w, mime);
}

/* A YMSG packet: 20-byte header then key/value pairs separated by 0xC0 0x80. */
static void ymsg(struct wbuf *w, uint32_t service, uint32_t status, uint32_t session,
                 const char *const *kv, size_t n_kv)
{
    static const uint8_t sep[2] = {0xc0, 0x80};
    size_t len = 0;

    for (size_t i = 0; i < n_kv; i++)
        len += strlen(kv[i]) + 2;
    wb_str(w, "YMSG");
    wb_be16(w, 0x0009);
    wb_be16(w, 0);
    wb_be16(w, (uint32_t)len);
    wb_be16(w, service);
    wb_be32(w, status);
    wb_be32(w, session);
    for (size_t i = 0; i < n_kv; i++) {
        wb_str(w, kv[i]);
        wb_bytes(w, sep, 2);
    }
}

static void prefix_ymsg(struct wbuf *w, uint64_t *r, uint64_t seed, uint32_t dir, uint32_t exch,
                        uint32_t text_len)
{
    char user[32], peer[32], a[40], b[40], text[400];
    uint32_t session = (uint32_t)(seed >> 20);

    user_name(seed, 0, 0, user, sizeof(user));
    user_name(seed, 1, 0, peer, sizeof(peer));
    snprintf(a, sizeof(a), "%016llx", (unsigned long long)rng_next(r));
    snprintf(b, sizeof(b), "%016llx", (unsigned long long)rng_next(r));
    if (exch == 0 && dir == 0) {
        const char *kv[] = {"1", user};

        ymsg(w, 0x57, 0, 0, kv, 2);
    } else if (exch == 0) {
        const char *kv[] = {"1", user, "94", a, "13", "1"};

        ymsg(w, 0x57, 1, session, kv, 6);
    } else if (exch == 1 && dir == 0) {
        const char *kv[] = {"6", a, "96", b, "0", user, "2", user, "1", user};

        ymsg(w, 0x54, 0, session, kv, 10);
    } else if (exch == 1) {
        char list[80];
        const char *kv[] = {"87", list, "88", "", "89", user};

        snprintf(list, sizeof(list), "Friends:%s\n", peer);
        ymsg(w, 0x55, 0, session, kv, 6);
    } else {
        const char *kv[] = {"1", dir ? peer : user, "5", dir ? user : peer, "14", text};

        if (text_len >= sizeof(text))
            text_len = sizeof(text) - 1;
        gen_text_fill((uint8_t *)text, text_len, rng_next(r));
        text[text_len] = '\0';
        for (uint32_t i = 0; i < text_len; i++)
            if ((uint8_t)text[i] == '\n' || (uint8_t)text[i] == '<')
                text[i] = ' ';
        if (text_len == 0) {
            const char *c = gen_chat[rng_below(r, GEN_COUNT(gen_chat))];

            memcpy(text, c, strlen(c) + 1);
        }
        ymsg(w, 0x06, dir ? 1 : 0, session, kv, 6);
    }
}

/* A Gnutella descriptor header: GUID, type, TTL, hops, little-endian payload length. */
static void gnut_desc(struct wbuf *w, uint64_t *r, uint32_t type, uint32_t len)
{
    uint8_t guid[16];

    gen_random_fill(r, guid, sizeof(guid));
    guid[8] = 0xff; /* "new" servent marker */
    guid[15] = 0x00;
    wb_bytes(w, guid, sizeof(guid));
    wb_u8(w, type);
    wb_u8(w, type == 0x00 ? 1 : 7);
    wb_u8(w, 0);
    wb_le32(w, len);
}

static void prefix_gnutella(struct wbuf *w, uint64_t *r, uint32_t dir, uint32_t exch)
{
    static const char *const q[] = {"britney mp3", "linux iso", "holiday photos", "report doc",
                                    "matrix divx", "madonna"};
    uint8_t ip[4] = {198, 51, 100, (uint8_t)(1 + rng_below(r, 250))};

    if (exch == 0) {
        if (dir == 0)
            wb_str(w, "GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/2.4.4\r\nX-Ultrapeer: "
                      "False\r\nX-Query-Routing: 0.1\r\nPong-Caching: 0.1\r\n\r\n");
        else
            wb_str(w, "GNUTELLA/0.6 200 OK\r\nUser-Agent: BearShare 2.6.3\r\nX-Ultrapeer: True"
                      "\r\nX-Try-Ultrapeers: 203.0.113.7:6346,198.51.100.9:6346\r\n\r\n");
        return;
    }
    if (exch == 1 && dir == 0) {
        wb_str(w, "GNUTELLA/0.6 200 OK\r\n\r\n");
        return;
    }
    if (dir == 0) {
        uint32_t n = 1 + rng_below(r, 3);

        for (uint32_t i = 0; i < n; i++) {
            const char *s = q[rng_below(r, 6)];

            if (rng_below(r, 3) == 0) {
                gnut_desc(w, r, 0x00, 0); /* ping */
                continue;
            }
            gnut_desc(w, r, 0x80, (uint32_t)(2 + strlen(s) + 1));
            wb_le16(w, 0);
            wb_bytes(w, s, strlen(s) + 1);
        }
        return;
    }
    /* Pong: port, address, files shared, kilobytes shared. */
    gnut_desc(w, r, 0x01, 14);
    wb_le16(w, 6346);
    wb_bytes(w, ip, 4);
    wb_le32(w, rng_below(r, 5000));
    wb_le32(w, rng_below(r, 20000000));
}

size_t gen_msg_prefix(uint32_t kind, uint64_t seed, uint32_t dir, uint32_t exch,
                      uint32_t body_len, uint8_t *buf, uint8_t *style)
{
    uint64_t r = rng_seed(seed, 2ULL * exch + dir + 1);
    struct wbuf w = {buf, GEN_PREFIX_MAX, 0, 0};

    *style = STYLE_RANDOM;
    switch (kind) {
    case KIND_HTTP:
        prefix_http(&w, &r, dir, body_len, style);
        break;
    case KIND_TLS:
        *style = STYLE_TLS;
        break;
    case KIND_OSCAR:
        prefix_oscar(&w, &r, seed, dir, exch, body_len);
        break;
    case KIND_MSN:
        *style = STYLE_TEXT;
        prefix_msn(&w, &r, seed, dir, exch, body_len);
        break;
    case KIND_YMSG:
        prefix_ymsg(&w, &r, seed, dir, exch, body_len);
        break;
    case KIND_GNUTELLA:
        prefix_gnutella(&w, &r, dir, exch);
        break;
    default:
        break;
    }
    return w.full ? 0 : w.len;
}

/* ---- DNS ----------------------------------------------------------------------------- */

/* Appends a DNS name in label form. */
static void dns_name(struct wbuf *w, const char *name)
{
    while (*name != '\0') {
        const char *dot = strchr(name, '.');
        size_t n = dot ? (size_t)(dot - name) : strlen(name);

        wb_u8(w, (uint32_t)n);
        wb_bytes(w, name, n);
        name += n + (dot ? 1 : 0);
    }
    wb_u8(w, 0);
}

size_t gen_dns_msg(uint64_t seed, uint32_t dir, uint32_t exch, uint8_t *out)
{
    uint64_t r = rng_seed(seed, exch + 1);
    struct wbuf w = {out, 512, 0, 0};
    uint32_t id = rng_below(&r, 65536), type = rng_below(&r, 5) == 0 ? 28 : 1;
    uint32_t n_ans = dir ? 1 + rng_below(&r, 4) : 0;
    char host[64];

    if (rng_below(&r, 3) == 0)
        snprintf(host, sizeof(host), "host%u.example.com", rng_below(&r, 100000));
    else
        snprintf(host, sizeof(host), "%s", gen_names[rng_below(&r, GEN_COUNT(gen_names))]);
    wb_be16(&w, id);
    wb_be16(&w, dir ? 0x8180 : 0x0100);
    wb_be16(&w, 1);
    wb_be16(&w, n_ans);
    wb_be16(&w, 0);
    wb_be16(&w, 0);
    dns_name(&w, host);
    wb_be16(&w, type);
    wb_be16(&w, 1);
    for (uint32_t i = 0; i < n_ans; i++) {
        uint8_t addr[16];

        gen_random_fill(&r, addr, sizeof(addr));
        wb_be16(&w, 0xc00c); /* pointer to the question name */
        wb_be16(&w, type);
        wb_be16(&w, 1);
        wb_be32(&w, 300 + rng_below(&r, 3600));
        wb_be16(&w, type == 28 ? 16 : 4);
        wb_bytes(&w, addr, type == 28 ? 16 : 4);
    }
    return w.len;
}
