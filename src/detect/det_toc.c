/*
 * det_toc.c - AIM TOC (the text-on-FLAP protocol of TiK, TAC and Gaim's
 * early AIM plugin; default server port 9898, any port in practice).
 *
 * The client opens with "FLAPON\r\n\r\n", then both sides speak FLAPs
 * (det_oscar.h) whose channel-2 payloads are NUL-terminated ASCII commands:
 *
 *   toc_signon <host> <port> <screenname> 0x<hex> <language> "<version>"
 *   toc2_signon <host> <port> <screenname> 0x<hex> <language> "<version>" 160 <code>
 *
 * where the hex is the password XORed with "Tic/Toc" (cred_oscar.c).  The
 * server answers "SIGN_ON:<version>" (success) or "ERROR:<code>" (failure).
 * "toc_send_im <sn> <message>" carries chat (scanned for the AIM game
 * request exploit strings, never reported).
 */
#include <string.h>

#include "cred_oscar.h"
#include "det_oscar.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/err.h"
#include "imsentry/stream.h"

static const char toc_hello[] = "FLAPON\r\n\r\n";
#define TOC_HELLO_LEN 10

struct toc_state {
    struct flap_reader rd[2];       /* FLAP framing per direction */
    size_t hello_left[2];           /* bytes of "FLAPON\r\n\r\n" still to skip per direction */
    bool hello_checked[2];          /* the direction's opening was looked at */
    bool hello_seen[2];             /* ... and it was FLAPON: FLAPs start right after it */
    bool pending;                   /* a sign-on waits for the server's answer */
    enum flow_dir cli;              /* direction of the client's bytes */
    uint8_t user[LIM_OSCAR_SN_MAX]; /* screen name */
    size_t user_len;                /* bytes in user */
    uint8_t pw[LIM_OSCAR_PW_MAX];   /* de-XORed password */
    size_t pw_len;                  /* bytes in pw */
    char client[LIM_OSCAR_STR_MAX]; /* version string */
    bool exploit_reported[2];       /* aim:AddGame? / aim:AddExternalApp? reported */
    bool message_reported;          /* a MESSAGE was reported */
};

static const uint16_t toc_ports[] = {9898, 5190, 80, 443};

/* True when a FLAP channel-2 payload at buf[at..] starts with one of the TOC words. */
static bool toc_is_toc_payload(const uint8_t *buf, size_t len, size_t at, size_t plen)
{
    static const char *const words[] = {"toc_signon ", "toc2_signon ", "SIGN_ON:", "ERROR:"};
    struct bcur c;

    bcur_init(&c, buf, len);
    if (!bcur_skip(&c, at))
        return false;
    bcur_limit(&c, plen);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t wl = strlen(words[i]);
        if (bcur_remaining(&c) >= wl && !memcmp(bcur_ptr(&c), words[i], wl))
            return true;
    }
    return false;
}

static enum probe_result toc_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                   size_t len)
{
    struct flap_hdr h;
    size_t n = len < TOC_HELLO_LEN ? len : TOC_HELLO_LEN;

    if (!memcmp(buf, toc_hello, n)) {
        if (len < TOC_HELLO_LEN)
            return PROBE_MORE;
        det_set_client(call, dir);
        return PROBE_MATCH;
    }
    /* mid-session: a FLAP channel 2 whose payload is a TOC command or reply */
    if (!flap_hdr_at(buf, len, 0, &h)) {
        if (len < FLAP_HDR_LEN && buf && *buf == FLAP_MARKER)
            return PROBE_MORE;
        return PROBE_NO;
    }
    if (h.channel == 2) {
        if (len < FLAP_HDR_LEN + 12 && h.len >= 12)
            return PROBE_MORE;
        return toc_is_toc_payload(buf, len, FLAP_HDR_LEN, h.len) ? PROBE_MATCH : PROBE_NO;
    }
    if (h.channel == 1 && h.len == 4) {
        /* the server's FLAP SIGNON: OSCAR's hello too; a TOC command must follow */
        size_t next = FLAP_HDR_LEN + 4;
        struct flap_hdr h2;
        if (len < next + FLAP_HDR_LEN + 12)
            return PROBE_MORE;
        if (flap_hdr_at(buf, len, next, &h2) && h2.channel == 2 &&
            toc_is_toc_payload(buf, len, next + FLAP_HDR_LEN, h2.len))
            return PROBE_MATCH;
    }
    return PROBE_NO;
}

static int toc_init(struct det_call *call, void *state)
{
    struct toc_state *s = state;

    (void)call;
    s->hello_left[0] = s->hello_left[1] = TOC_HELLO_LEN;
    return 0;
}

static void toc_report(struct det_call *call, struct toc_state *s, const char *outcome)
{
    struct app_event ev;

    if (!s->pending)
        return;
    s->pending = false;
    app_event_init(&ev, APP_EVENT_LOGIN, APP_PROTO_AIM, s->cli);
    app_event_add_str(&ev, APP_FACT_SERVICE, "aim");
    app_event_add(&ev, APP_FACT_USERNAME, s->user, s->user_len);
    app_event_add(&ev, APP_FACT_PASSWORD, s->pw, s->pw_len);
    app_event_add_str(&ev, APP_FACT_PASSWORD_FORM, "roasted");
    app_event_add_str(&ev, APP_FACT_AUTH_MECHANISM, "toc");
    app_event_add_str(&ev, APP_FACT_LOGIN_OUTCOME, outcome);
    if (s->client[0])
        app_event_add_str(&ev, APP_FACT_CLIENT_VERSION, s->client);
    det_emit(call, &ev);
}

/* Next space-separated word of c; false when none. */
static bool toc_word(struct bcur *c, struct bcur *w)
{
    while (bcur_remaining(c) > 0 && bcur_peek_u8(c, 0) == ' ')
        bcur_skip(c, 1);
    if (bcur_remaining(c) == 0)
        return false;
    long sp = bcur_find(c, ' ');
    size_t n = sp >= 0 ? (size_t)sp : bcur_remaining(c);
    *w = bcur_sub(c, n, NULL);
    return true;
}

/* toc_signon / toc2_signon <host> <port> <sn> 0x<hex> <lang> <version...> */
static void toc_signon(struct det_call *call, struct toc_state *s, enum flow_dir dir,
                       struct bcur *c)
{
    struct bcur host, port, sn, pw, lang, ver;
    size_t n;

    if (!toc_word(c, &host) || !toc_word(c, &port) || !toc_word(c, &sn) || !toc_word(c, &pw))
        return;
    toc_report(call, s, "unknown");
    det_set_client(call, dir);
    s->cli = dir;
    s->user_len = bcur_remaining(&sn) < sizeof(s->user) ? bcur_remaining(&sn) : sizeof(s->user);
    memcpy(s->user, bcur_ptr(&sn), s->user_len);
    if (toc_dexor(bcur_ptr(&pw), bcur_remaining(&pw), s->pw, sizeof(s->pw), &n) == IMS_EPARSE)
        n = 0;
    s->pw_len = n;
    s->client[0] = '\0';
    if (toc_word(c, &lang)) {
        ver = bcur_rest(c);
        while (bcur_remaining(&ver) > 0 && bcur_peek_u8(&ver, 0) == ' ')
            bcur_skip(&ver, 1);
        n = bcur_remaining(&ver) < sizeof(s->client) - 1 ? bcur_remaining(&ver)
                                                          : sizeof(s->client) - 1;
        memcpy(s->client, bcur_ptr(&ver), n);
        s->client[n] = '\0';
    }
    s->pending = true;
}

static void toc_exploit_scan(struct det_call *call, struct toc_state *s, enum flow_dir dir,
                             const uint8_t *p, size_t len)
{
    static const char *const pat[2] = {"aim:AddGame?", "aim:AddExternalApp?"};
    static const char *const name[2] = {"aim-addgame", "aim-addexternalapp"};

    for (int i = 0; i < 2; i++) {
        struct app_event ev;
        if (s->exploit_reported[i] || !oscar_contains_ci(p, len, pat[i]))
            continue;
        s->exploit_reported[i] = true;
        app_event_init(&ev, APP_EVENT_EXPLOIT, APP_PROTO_AIM, dir);
        app_event_add_str(&ev, APP_FACT_SERVICE, "aim");
        app_event_add_str(&ev, APP_FACT_EXPLOIT, name[i]);
        det_emit(call, &ev);
    }
}

static bool toc_starts(const struct bcur *c, const char *w)
{
    size_t wl = strlen(w);

    return bcur_remaining(c) >= wl && !memcmp(bcur_ptr(c), w, wl);
}

static void toc_on_flap(struct det_call *call, void *ctx, enum flow_dir dir,
                        const struct flap_hdr *h, const uint8_t *payload, size_t len)
{
    struct toc_state *s = ctx;
    struct bcur c;
    long nul;

    if (h->channel != 2)
        return;
    bcur_init(&c, payload, len);
    nul = bcur_find(&c, 0);
    if (nul >= 0)
        bcur_limit(&c, (size_t)nul);
    toc_exploit_scan(call, s, dir, bcur_ptr(&c), bcur_remaining(&c));
    if (toc_starts(&c, "toc_signon ") || toc_starts(&c, "toc2_signon ")) {
        bcur_skip(&c, toc_starts(&c, "toc_signon ") ? 11 : 12);
        toc_signon(call, s, dir, &c);
    } else if (toc_starts(&c, "SIGN_ON:")) {
        if (s->pending && dir != s->cli)
            toc_report(call, s, "success");
    } else if (toc_starts(&c, "ERROR:")) {
        if (s->pending && dir != s->cli)
            toc_report(call, s, "failure");
    } else if ((toc_starts(&c, "toc_send_im ") || toc_starts(&c, "toc2_send_im ") ||
                toc_starts(&c, "IM_IN:") || toc_starts(&c, "IM_IN2:")) &&
               !s->message_reported) {
        struct app_event ev;
        s->message_reported = true;
        app_event_init(&ev, APP_EVENT_MESSAGE, APP_PROTO_AIM, dir);
        app_event_add_str(&ev, APP_FACT_SERVICE, "aim");
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "toc_send_im");
        det_emit(call, &ev);
    }
}

static void toc_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                      size_t len, unsigned flags)
{
    struct toc_state *s = state;
    struct bcur c;

    bcur_init(&c, data, len);
    if (flags & STREAM_DATA_GAP)
        s->hello_checked[dir] = true;
    if (!s->hello_checked[dir] && len > 0) {
        bool mismatch = false;
        /* skip the FLAPON opening when the direction starts with it */
        while (s->hello_left[dir] > 0 && bcur_remaining(&c) > 0) {
            size_t at = TOC_HELLO_LEN - s->hello_left[dir];
            if (bcur_peek_u8(&c, 0) != (uint8_t)toc_hello[at]) {
                s->hello_left[dir] = 0;
                mismatch = true;
                break;
            }
            bcur_skip(&c, 1);
            s->hello_left[dir]--;
        }
        if (s->hello_left[dir] == 0) {
            s->hello_checked[dir] = true;
            s->hello_seen[dir] = !mismatch;
        }
        if (bcur_remaining(&c) == 0)
            return;
    }
    flap_feed(&s->rd[dir], call, dir, bcur_ptr(&c), bcur_remaining(&c), flags,
              !oscar_stream_at_start(call) && !s->hello_seen[dir], toc_on_flap, s);
}

static void toc_finish(struct det_call *call, void *state)
{
    toc_report(call, state, "unknown");
}

const struct detector det_toc = {
    .name = "toc",
    .proto = APP_PROTO_AIM,
    .ipproto = 6,
    .ports = toc_ports,
    .n_ports = sizeof(toc_ports) / sizeof(toc_ports[0]),
    .probe = toc_probe,
    .state_size = sizeof(struct toc_state),
    .init = toc_init,
    .parse = toc_parse,
    .finish = toc_finish,
};
