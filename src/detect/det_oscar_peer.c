/*
 * det_oscar_peer.c - AIM/ICQ peer connections opened after a rendezvous:
 * OFT2/OFT3 file transfer and ODC2 direct IM (IM images, TCP 4443 or any).
 *
 *   OFT header (big-endian; 256 bytes usually):
 *   0 "OFT2"|"OFT3"  4 header length u16  6 type u16 (0x0101 prompt,
 *   0x0202 ack, 0x0204 done, 0x0205/0x0106/0x0207 resume)  8 cookie[8]
 *   16 encrypt u16  18 compress u16  20 total files u16  22 files left u16
 *   24 total parts u16  26 parts left u16  28 total size u32  32 size u32
 *   36 mod time  40 checksum  44..67 resource fork fields  68 id string[32]
 *   ("Cool FileXfer")  100 flags  101 name offset  102 size offset
 *   103 dummy[69]  172 mac file info[16]  188 name encoding u16 (0 ASCII,
 *   2 UCS-2BE)  190 name language u16  192 file name (NUL-padded)
 *
 *   ODC2 header: 0 "ODC2"  4 header length u16  6 type u16 ...
 *
 * After the receiver's ack (0x0202) the sender streams `size` raw bytes,
 * skipped here.  Reported: FILE_TRANSFER (file_name, file_size, file_type)
 * once per file, MESSAGE for direct IM (text never reported).
 */
#include <stdio.h>
#include <string.h>

#include "det_oscar.h"
#include "detect/detector.h"
#include "imsentry/bytes.h"
#include "imsentry/limits.h"
#include "imsentry/stream.h"

#define OFT_MIN_HDR 192   /* up to the file name */
#define OFT_NAME_OFF 192
#define OFT_ENC_OFF 188
#define OFT_SIZE_OFF 32
#define OFT_TYPE_ACK 0x0202
#define ODC_MIN_HDR 8
#define PEER_HDR_MAX 2048 /* header lengths beyond this are not OFT/ODC */

enum peer_kind {
    PEER_NONE = 0,
    PEER_OFT = 1,
    PEER_ODC = 2
};

struct peer_dir {
    uint8_t hdr[PEER_HDR_MAX]; /* header being assembled */
    size_t used;               /* bytes in hdr */
    uint32_t skip;             /* raw bytes (file data, IM payload) still to skip */
    bool lost;                 /* framing lost (gap, bad magic): stop parsing */
};

struct peer_state {
    struct peer_dir d[2];           /* per direction */
    enum peer_kind kind;            /* OFT or ODC, from the first header */
    uint32_t last_size;             /* size announced in the last OFT header */
    char last_name[LIM_OSCAR_STR_MAX]; /* last file name reported (dedup) */
    bool message_reported;          /* a direct IM MESSAGE was reported */
};

static const uint16_t peer_ports[] = {5190, 4443};

/* Magic and header length at buf[0..len); kind or PEER_NONE. */
static enum peer_kind peer_magic(const uint8_t *buf, size_t len, uint16_t *hlen)
{
    struct bcur c;
    uint8_t m[4];

    bcur_init(&c, buf, len);
    if (!bcur_copy(&c, m, 4))
        return PEER_NONE;
    *hlen = bcur_be16(&c);
    if (!bcur_ok(&c))
        return PEER_NONE;
    if ((!memcmp(m, "OFT2", 4) || !memcmp(m, "OFT3", 4)) && *hlen >= OFT_MIN_HDR &&
        *hlen <= PEER_HDR_MAX)
        return PEER_OFT;
    if (!memcmp(m, "ODC2", 4) && *hlen >= ODC_MIN_HDR && *hlen <= PEER_HDR_MAX)
        return PEER_ODC;
    return PEER_NONE;
}

static enum probe_result peer_probe(struct det_call *call, enum flow_dir dir, const uint8_t *buf,
                                    size_t len)
{
    uint16_t hlen;

    (void)call;
    (void)dir;
    if (len < 6) {
        static const char *const m[] = {"OFT2", "OFT3", "ODC2"};
        for (int i = 0; i < 3; i++) {
            if (!memcmp(buf, m[i], len < 4 ? len : 4))
                return PROBE_MORE;
        }
        return PROBE_NO;
    }
    return peer_magic(buf, len, &hlen) != PEER_NONE ? PROBE_MATCH : PROBE_NO;
}

/* An OFT header: FILE_TRANSFER once per new file name; arms the data skip. */
static void peer_oft(struct det_call *call, struct peer_state *s, enum flow_dir dir,
                     const uint8_t *h, size_t hlen)
{
    struct bcur c;
    uint16_t type, enc;
    uint32_t size;
    char name[LIM_OSCAR_STR_MAX];
    size_t n = 0;

    bcur_init(&c, h, hlen);
    bcur_skip(&c, 6);
    type = bcur_be16(&c);
    bcur_init(&c, h, hlen);
    bcur_skip(&c, OFT_SIZE_OFF);
    size = bcur_be32(&c);
    bcur_init(&c, h, hlen);
    bcur_skip(&c, OFT_ENC_OFF);
    enc = bcur_be16(&c);
    bcur_skip(&c, 2);
    if (!bcur_ok(&c))
        return;
    s->last_size = size;
    while (bcur_remaining(&c) > 0 && n + 1 < sizeof(name)) {
        uint8_t ch;
        if (enc == 2) { /* UCS-2BE: keep the low byte of ASCII code points */
            uint16_t u = bcur_be16(&c);
            if (!bcur_ok(&c) || u == 0)
                break;
            ch = u < 0x80 ? (uint8_t)u : '?';
        } else {
            ch = bcur_u8(&c);
            if (ch == 0)
                break;
        }
        name[n++] = (char)ch;
    }
    name[n] = '\0';
    if (type == OFT_TYPE_ACK)
        s->d[dir ^ 1].skip = size; /* the sender streams the file next */
    if (n == 0 || !strcmp(name, s->last_name))
        return;
    memcpy(s->last_name, name, n + 1);
    struct app_event ev;
    char sz[16];
    app_event_init(&ev, APP_EVENT_FILE_TRANSFER, det_flow(call)->app_proto == APP_PROTO_ICQ
                                                     ? APP_PROTO_ICQ
                                                     : APP_PROTO_AIM,
                   dir);
    app_event_add_str(&ev, APP_FACT_SERVICE,
                      det_flow(call)->app_proto == APP_PROTO_ICQ ? "icq" : "aim");
    app_event_add_str(&ev, APP_FACT_FILE_NAME, name);
    snprintf(sz, sizeof(sz), "%u", (unsigned)size);
    app_event_add_str(&ev, APP_FACT_FILE_SIZE, sz);
    if (oscar_is_executable((const uint8_t *)name, n))
        app_event_add_str(&ev, APP_FACT_FILE_TYPE, "executable");
    app_event_add_str(&ev, APP_FACT_MSG_TYPE, h[3] == '3' ? "OFT3" : "OFT2");
    det_emit(call, &ev);
}

/* An ODC2 header: the payload length (u32 at 28) follows the header. */
static void peer_odc(struct det_call *call, struct peer_state *s, enum flow_dir dir,
                     const uint8_t *h, size_t hlen)
{
    struct bcur c;
    uint32_t plen;

    bcur_init(&c, h, hlen);
    bcur_skip(&c, 28);
    plen = bcur_be32(&c);
    if (bcur_ok(&c))
        s->d[dir].skip = plen;
    if (!s->message_reported) {
        struct app_event ev;
        s->message_reported = true;
        app_event_init(&ev, APP_EVENT_MESSAGE, APP_PROTO_AIM, dir);
        app_event_add_str(&ev, APP_FACT_SERVICE, "aim");
        app_event_add_str(&ev, APP_FACT_MSG_TYPE, "ODC2");
        det_emit(call, &ev);
    }
}

static void peer_parse(struct det_call *call, void *state, enum flow_dir dir, const uint8_t *data,
                       size_t len, unsigned flags)
{
    struct peer_state *s = state;
    struct peer_dir *d = &s->d[dir];
    struct bcur c;

    if (flags & STREAM_DATA_GAP) {
        d->lost = true;
        return;
    }
    bcur_init(&c, data, len);
    while (!d->lost && bcur_remaining(&c) > 0) {
        uint16_t hlen;
        enum peer_kind k;
        size_t want, n;

        if (d->skip) {
            n = d->skip < bcur_remaining(&c) ? d->skip : bcur_remaining(&c);
            bcur_skip(&c, n);
            d->skip -= (uint32_t)n;
            continue;
        }
        want = 6;
        if (d->used >= 6) {
            k = peer_magic(d->hdr, d->used, &hlen);
            if (k == PEER_NONE) {
                d->lost = true;
                break;
            }
            want = hlen;
        }
        n = want - d->used;
        if (n > bcur_remaining(&c))
            n = bcur_remaining(&c);
        bcur_copy(&c, d->hdr + d->used, n);
        d->used += n;
        if (d->used < want || want == 6)
            continue;
        k = peer_magic(d->hdr, d->used, &hlen);
        if (s->kind == PEER_NONE)
            s->kind = k;
        if (k == PEER_OFT)
            peer_oft(call, s, dir, d->hdr, d->used);
        else if (k == PEER_ODC)
            peer_odc(call, s, dir, d->hdr, d->used);
        d->used = 0;
    }
}

const struct detector det_oscar_peer = {
    .name = "oscar-peer",
    .proto = APP_PROTO_AIM,
    .ipproto = 6,
    .ports = peer_ports,
    .n_ports = sizeof(peer_ports) / sizeof(peer_ports[0]),
    .probe = peer_probe,
    .state_size = sizeof(struct peer_state),
    .parse = peer_parse,
};
