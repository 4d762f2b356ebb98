/*
 * det_irc.h - the IRC detector's line classifier, exported for its unit
 * tests.
 */
#ifndef IMSENTRY_DET_IRC_H
#define IMSENTRY_DET_IRC_H

#include <stddef.h>
#include <stdint.h>

/* What one line (without CR LF) says about the protocol. */
enum irc_line_kind {
    IRC_LINE_OTHER = 0,  /* not recognisably IRC */
    IRC_LINE_CLIENT = 1, /* a client registration command (NICK, USER, CAP LS/REQ) */
    IRC_LINE_SERVER = 2, /* a server reply with prefix (numeric, NOTICE AUTH, CAP) */
    IRC_LINE_BARE = 3,   /* a bare numeric that only IRC uses */
    IRC_LINE_WEAK = 4    /* PASS: IRC-shaped but shared with FTP/POP3 (needs NICK/USER too) */
};

enum irc_line_kind irc_classify(const uint8_t *line, size_t len);

#endif
