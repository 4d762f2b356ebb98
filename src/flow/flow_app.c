/*
 * flow_app.c - EVE names of the application protocols imsentry identifies
 * (the app_proto vocabulary of DESIGN.md).
 */
#include "imsentry/flow.h"

#include <stddef.h>

static const char *const app_proto_names[APP_PROTO__COUNT] = {
    [APP_PROTO_UNKNOWN] = NULL,
    [APP_PROTO_FAILED] = "failed",
    [APP_PROTO_AIM] = "aim",
    [APP_PROTO_ICQ] = "icq",
    [APP_PROTO_MSN] = "msn",
    [APP_PROTO_YAHOO] = "yahoo",
    [APP_PROTO_GNUTELLA] = "gnutella",
    [APP_PROTO_KAZAA] = "kazaa",
    [APP_PROTO_IRC] = "irc",
    [APP_PROTO_SOCKS] = "socks",
    [APP_PROTO_HTTP_PROXY] = "http-proxy",
    [APP_PROTO_FTP] = "ftp",
    [APP_PROTO_POP3] = "pop3",
    [APP_PROTO_IMAP] = "imap",
    [APP_PROTO_SMTP] = "smtp",
    [APP_PROTO_HTTP] = "http",
    [APP_PROTO_TELNET] = "telnet",
    [APP_PROTO_DNS] = "dns",
};

const char *app_proto_name(enum app_proto p)
{
    if ((unsigned)p >= APP_PROTO__COUNT)
        return NULL;
    return app_proto_names[p];
}
