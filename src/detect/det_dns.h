/*
 * det_dns.h - the DNS detector's pure helpers (RFC 1035 message check,
 * service login-host table), exported for its unit tests.
 */
#ifndef IMSENTRY_DET_DNS_H
#define IMSENTRY_DET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imsentry/limits.h"

/* Parsed essentials of a DNS message. */
struct dns_msg {
    uint16_t id;                      /* transaction id */
    bool response;                    /* QR bit */
    char qname[LIM_DNS_NAME_MAX + 1]; /* first question's name, lower case, NUL-terminated */
    size_t qname_len;                 /* its length */
    uint16_t qtype;                   /* first question's type */
};

/* Parses and validates a whole UDP DNS message; false when it is not DNS. */
bool dns_parse_msg(const uint8_t *buf, size_t len, struct dns_msg *m);

/* The IM/P2P service ("aim", "icq", "msn", "yahoo", "kazaa") whose login host name is, or NULL. */
const char *dns_service_of(const char *name, size_t len);

#endif
