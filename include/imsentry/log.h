/*
 * log.h - the only way imsentry writes diagnostics (to stderr).
 *
 * log_debug() compiles out unless IMSENTRY_DEBUG is defined; nothing in the
 * per-packet path logs above debug.  Messages never carry packet payload.
 */
#ifndef IMSENTRY_LOG_H
#define IMSENTRY_LOG_H

enum log_level {
    LOG_LEVEL_ERR = 0,
    LOG_LEVEL_WARN = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_DEBUG = 3
};

/* Sets the most verbose level printed (default LOG_LEVEL_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#ifdef IMSENTRY_DEBUG
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#else
#define log_debug(...) ((void)0)
#endif

#endif
