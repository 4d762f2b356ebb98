/* util_addr.c - IP address formatting and comparison. */
#include "imsentry/packet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

const char *ip_addr_str(const struct ip_addr *a, char *buf, unsigned len)
{
    if (!len)
        return buf;
    buf[0] = '\0';
    if (a->family == 4)
        inet_ntop(AF_INET, a->a, buf, len);
    else if (a->family == 6)
        inet_ntop(AF_INET6, a->a, buf, len);
    return buf;
}

int ip_addr_cmp(const struct ip_addr *x, const struct ip_addr *y)
{
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->a, y->a, x->family == 4 ? 4 : 16);
}
