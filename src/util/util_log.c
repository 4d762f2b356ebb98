/*
 * util_log.c - stderr diagnostics with a level filter.
 *
 * The level is process-wide state (the one mutable global outside main.c):
 * it is set once at start-up from the command line or config and only read
 * afterwards, so worker contexts can share it.
 */
#include "imsentry/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level g_level = LOG_LEVEL_INFO;

void log_set_level(enum log_level level)
{
    g_level = level;
}

enum log_level log_get_level(void)
{
    return g_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    va_list ap;

    if (level > g_level)
        return;
    fprintf(stderr, "imsentry: %s: ", names[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
