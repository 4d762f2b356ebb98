/*
 * util_cidr.c - CIDR blocks (RFC 4632 for IPv4, RFC 4291 section 2.3 for
 * IPv6 prefixes): parsing "addr/len", membership tests, formatting.
 *
 * Addresses are 16-byte arrays in network byte order; an IPv4 address sits
 * in bytes 0..3 (the rest zero), as struct ip_addr keeps it.  A parsed block
 * always has its host bits cleared, so "10.1.2.3/8" is 10.0.0.0/8.
 */
#include "imsentry/config.h"
#include "imsentry/err.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Longest address text accepted before the '/' (an IPv6 address with an embedded IPv4). */
#define CIDR_ADDR_TEXT_MAX 46

/* Clears every bit past the first prefix bits of a 16-byte address. */
static void cidr_mask(uint8_t addr[16], unsigned prefix)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;
        if (bits >= 8)
            continue;
        addr[i] &= (uint8_t)(0xffu << (8 - bits));
    }
}

/* Parses the decimal prefix length: digits only, no sign, no leading zero, <= max. */
static int cidr_parse_prefix(const char *s, unsigned max, unsigned *out)
{
    unsigned v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 3)
        return IMS_EINVAL;
    if (n > 1 && s[0] == '0')
        return IMS_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return IMS_EINVAL;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return IMS_EINVAL;
    *out = v;
    return 0;
}

int cidr_parse(const char *text, struct cidr *out)
{
    char addr_text[CIDR_ADDR_TEXT_MAX + 1];
    const char *slash;
    size_t addr_len;
    unsigned prefix;
    struct cidr c;

    if (!text || !out)
        return IMS_EINVAL;
    memset(&c, 0, sizeof(c));
    slash = strchr(text, '/');
    addr_len = slash ? (size_t)(slash - text) : strlen(text);
    if (addr_len == 0 || addr_len > CIDR_ADDR_TEXT_MAX)
        return IMS_EINVAL;
    memcpy(addr_text, text, addr_len);
    addr_text[addr_len] = '\0';

    if (inet_pton(AF_INET, addr_text, c.addr) == 1)
        c.family = 4;
    else if (inet_pton(AF_INET6, addr_text, c.addr) == 1)
        c.family = 6;
    else
        return IMS_EINVAL;

    /* A bare address is a host block: /32 or /128. */
    prefix = c.family == 4 ? 32 : 128;
    if (slash && cidr_parse_prefix(slash + 1, prefix, &prefix) != 0)
        return IMS_EINVAL;
    c.prefix = (uint8_t)prefix;
    cidr_mask(c.addr, prefix);
    *out = c;
    return 0;
}

bool cidr_contains(const struct cidr *c, uint8_t family, const uint8_t addr[16])
{
    unsigned full, rest;

    if (!c || !addr || c->family != family || (family != 4 && family != 6))
        return false;
    if (c->prefix > (family == 4 ? 32 : 128))
        return false;
    full = c->prefix / 8;
    rest = c->prefix % 8;
    if (memcmp(c->addr, addr, full) != 0)
        return false;
    if (rest) {
        uint8_t m = (uint8_t)(0xffu << (8 - rest));
        if ((addr[full] & m) != (c->addr[full] & m))
            return false;
    }
    return true;
}

const char *cidr_str(const struct cidr *c, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];

    if (!buf || len == 0)
        return buf;
    buf[0] = '\0';
    if (!c || (c->family != 4 && c->family != 6))
        return buf;
    if (!inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, a, sizeof(a)))
        return buf;
    snprintf(buf, len, "%s/%u", a, (unsigned)c->prefix);
    return buf;
}
