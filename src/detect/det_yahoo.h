/*
 * det_yahoo.h - Yahoo! Messenger YMSG framing and key/value bodies, shared
 * by the detector (det_yahoo.c) and its tests.  Pure functions.
 *
 * YMSG header (20 bytes, big-endian; Wireshark packet-ymsg.c, libyahoo2):
 *
 *    0                   1                   2                   3
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *   |  'Y'  |  'M'  |  'S'  |  'G'  |    version    |    vendor     |
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *   |  body length  |    service    |            status             |
 *   +-------+-------+-------+-------+-------+-------+-------+-------+
 *   |          session id           |  body: key C0 80 value C0 80 ...
 *   +-------+-------+-------+-------+
 *
 * Keys are decimal numbers in ASCII; every key and every value ends with
 * the two bytes C0 80.  A frame is 20 + body length bytes.
 */
#ifndef IMSENTRY_DET_YAHOO_H
#define IMSENTRY_DET_YAHOO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* YMSG header length, bytes. */
#define YMSG_HDR_LEN 20
/* Highest protocol version accepted in a header (clients used 6 .. 19; servers 0). */
#define YMSG_VERSION_MAX 0x20
/* Highest vendor id accepted (0 for Yahoo's own clients, small values for others). */
#define YMSG_VENDOR_MAX 0x100

/* Services the detector acts on (libyahoo2 / libpurple yahoo_service). */
#define YMSG_SVC_LOGON 0x01
#define YMSG_SVC_LOGOFF 0x02
#define YMSG_SVC_MESSAGE 0x06
#define YMSG_SVC_PING 0x12
#define YMSG_SVC_CONFINVITE 0x18
#define YMSG_SVC_CONFADDINVITE 0x1c
#define YMSG_SVC_FILETRANSFER 0x46
#define YMSG_SVC_NOTIFY 0x4b
#define YMSG_SVC_P2PFILEXFER 0x4d
#define YMSG_SVC_PEERTOPEER 0x4f
#define YMSG_SVC_AUTHRESP 0x54
#define YMSG_SVC_LIST 0x55
#define YMSG_SVC_AUTH 0x57
#define YMSG_SVC_KEEPALIVE 0x8a
#define YMSG_SVC_Y7_FILETRANSFER 0xdc
#define YMSG_SVC_Y7_FILETRANSFERINFO 0xdd
#define YMSG_SVC_Y7_FILETRANSFERACCEPT 0xde

/* Status value of a logon refused / disconnected. */
#define YMSG_STATUS_DISCONNECTED 0xffffffffu

/* A decoded YMSG header. */
struct ymsg_hdr {
    uint16_t version;  /* protocol version */
    uint16_t vendor;   /* vendor id */
    uint16_t body_len; /* bytes of body after the header */
    uint16_t service;  /* service (command) */
    uint32_t status;   /* status */
    uint32_t session;  /* session id */
};

/*
 * Decodes and checks a header at buf (at least YMSG_HDR_LEN bytes): magic,
 * version <= YMSG_VERSION_MAX, vendor <= YMSG_VENDOR_MAX.  False when it
 * is not a sane YMSG header.
 */
bool ymsg_hdr_parse(const uint8_t *buf, size_t len, struct ymsg_hdr *h);

/* A key/value pair of a body; value points into the body. */
struct ymsg_kv {
    uint32_t key;         /* numeric key */
    const uint8_t *val;   /* value bytes */
    size_t val_len;       /* value length */
};

/* Iterator over a body. */
struct ymsg_kv_iter {
    const uint8_t *body; /* body bytes */
    size_t len;          /* body length (may be a prefix of the real body) */
    size_t off;          /* next item */
    bool bad;            /* a malformed item was met */
};

void ymsg_kv_init(struct ymsg_kv_iter *it, const uint8_t *body, size_t len);

/*
 * Next pair; false at the end of the body or on a malformed item (a key
 * that is not 1..10 digits, a missing C0 80).  A final value cut short by
 * the end of a truncated body is returned as far as it goes.
 */
bool ymsg_kv_next(struct ymsg_kv_iter *it, struct ymsg_kv *kv);

/*
 * True when body[0..len) is entirely well-formed pairs (an empty body is
 * well-formed): the strict check a lone frame must pass to identify a flow.
 */
bool ymsg_body_valid(const uint8_t *body, size_t len);

/* First value of key in a body; false when absent. */
bool ymsg_body_get(const uint8_t *body, size_t len, uint32_t key, const uint8_t **val,
                   size_t *val_len);

/*
 * Finds a frame that starts a sane YMSG stream in buf: at offset 0, or at
 * the first "YMSG" whose header is sane and whose whole frame is present
 * with a valid body.  Returns the offset, or -1.  *complete tells whether
 * that frame lies wholly in buf.
 */
long ymsg_find_frame(const uint8_t *buf, size_t len, bool *complete);

#endif
