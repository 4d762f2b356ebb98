/*
 * cred_oscar.h - the weak password encodings of AIM and ICQ, undone:
 *
 *   - OSCAR "roasting" (FLAP channel-1 TLV 0x0002): password byte i XOR
 *     key[i mod 16] with the fixed 16-byte key below;
 *   - TOC "Tic/Toc" XOR (toc_signon / toc2_signon): the password XORed with
 *     "Tic/Toc" (byte i with key byte i mod 7), sent as "0x" + hex;
 *   - ICQ v5 UDP packet scrambling: a checkcode (derived from header bytes,
 *     one random packet byte and one table byte) is bit-shuffled into the
 *     header; every 32-bit little-endian word from offset 0x0A is XORed with
 *     (length * 0x68656C6C + checkcode + table[offset & 0xFF]), the
 *     checkcode word itself excluded.
 *
 * Facts (algorithms, key, table) as documented by dsniff decode_aim.c /
 * decode_icq.c and Wireshark packet-icq.c; this is our own code.  Nothing
 * here logs: the bytes handled are secrets.
 */
#ifndef IMSENTRY_CRED_OSCAR_H
#define IMSENTRY_CRED_OSCAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the OSCAR roasting key. */
#define OSCAR_ROAST_KEY_LEN 16

/*
 * ICQ v5 client header (little-endian), offsets:
 *   0x00 version u16 (5)   0x02 zero u32    0x06 UIN u32     0x0A session u32
 *   0x0E command u16       0x10 seq1 u16    0x12 seq2 u16    0x14 checkcode u32
 *   0x18 parameters
 */
#define ICQ5_CL_UIN 0x06
#define ICQ5_CL_SESSION 0x0A
#define ICQ5_CL_CMD 0x0E
#define ICQ5_CL_CHECKCODE 0x14
#define ICQ5_CL_HDRSIZE 0x18

/*
 * De-roasts (or roasts: the operation is its own inverse) len bytes of in
 * into out (capacity cap).  Returns the bytes written: min(len, cap).
 */
size_t oscar_deroast(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/*
 * Decodes a TOC password field "0x<hex>" (the "0x" optional, hex digits in
 * either case) and removes the "Tic/Toc" XOR.  Writes the password to out
 * (capacity cap), its length to *out_len.  Returns 0, IMS_EPARSE for an
 * odd count or a non-hex digit, IMS_ELIMIT when out is too small.
 */
int toc_dexor(const uint8_t *field, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* The 32-bit checkcode from its scrambled wire form (bit shuffle), and back. */
uint32_t icq5_checkcode_descramble(uint32_t wire);
uint32_t icq5_checkcode_scramble(uint32_t check);

/*
 * The checkcode of a plain (unscrambled) client packet of len >= 0x19 bytes
 * for the "random" choices r1 (a packet offset in [0x18, len)) and r2 (a
 * table index): (B8 B4 B2 B6) XOR (r1, ~pkt[r1], r2, ~table[r2]).  Returns 0
 * when the arguments are out of range.  For generators and tests.
 */
uint32_t icq5_checkcode(const uint8_t *plain, size_t len, unsigned r1, unsigned r2);

/*
 * True when check (descrambled) is a valid checkcode of the plain packet:
 * the r1 byte names an offset inside the parameters whose byte matches, and
 * the r2 byte's table entry matches.  A random 32-bit value passes with a
 * probability below 2^-16.
 */
bool icq5_checkcode_verify(const uint8_t *plain, size_t len, uint32_t check);

/*
 * Copies a scrambled client packet pkt[0..len) to out (cap >= len) and
 * unscrambles it in place there.  *check_out (may be NULL) gets the
 * descrambled checkcode.  Returns 0, IMS_EPARSE when len < 0x18 or the
 * header is not a v5 client header, IMS_ELIMIT when cap < len.
 */
int icq5_unscramble(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
                    uint32_t *check_out);

/*
 * Scrambles a plain client packet in place, with the checkcode computed for
 * r1/r2 (see icq5_checkcode).  Returns 0 or IMS_EPARSE.  For generators,
 * tests and fuzz seeds.
 */
int icq5_scramble(uint8_t *pkt, size_t len, unsigned r1, unsigned r2);

#endif /* IMSENTRY_CRED_OSCAR_H */
