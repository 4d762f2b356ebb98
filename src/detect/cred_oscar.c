/*
 * cred_oscar.c - OSCAR roasting, TOC "Tic/Toc" XOR and ICQ v5 packet
 * scrambling, undone (see cred_oscar.h for the algorithms and sources).
 *
 * ICQ v5 checkcode (plain packet P, length L, table T):
 *
 *   number1 = P[8] << 24 | P[4] << 16 | P[2] << 8 | P[6]
 *   number2 = (r1 << 24 | P[r1] << 16 | r2 << 8 | T[r2]) ^ 0x00FF00FF,
 *             r1 in [0x18, L), r2 in [0, 255]
 *   check   = number1 ^ number2, put on the wire bit-shuffled
 *   key     = L * 0x68656C6C + check
 *   word at offset i (i = 0x0A, 0x0E, ...) ^= key + T[i & 0xFF]
 *             (little-endian; the checkcode bytes 0x14..0x17 untouched)
 */
#include "cred_oscar.h"

#include <string.h>

#include "imsentry/bytes.h"
#include "imsentry/err.h"

/* dsniff decode_aim.c / ettercap ec_icq.c: the roasting key. */
static const uint8_t oscar_roast_key[OSCAR_ROAST_KEY_LEN] = {
    0xF3, 0x26, 0x81, 0xC4, 0x39, 0x86, 0xDB, 0x92,
    0x71, 0xA3, 0xB9, 0xE6, 0x53, 0x7A, 0x95, 0x7C,
};

/* TOC's XOR key (PROTOCOLS.md, dsniff decode_aim.c). */
static const char toc_xor_key[] = "Tic/Toc";
#define TOC_XOR_KEY_LEN 7

/* Wireshark packet-icq.c table_v5: the ICQ v5 scrambling table. */
static const uint8_t icq5_table[256] = {
    0x59, 0x60, 0x37, 0x6B, 0x65, 0x62, 0x46, 0x48, 0x53, 0x61, 0x4C, 0x59, 0x60, 0x57, 0x5B, 0x3D,
    0x5E, 0x34, 0x6D, 0x36, 0x50, 0x3F, 0x6F, 0x67, 0x53, 0x61, 0x4C, 0x59, 0x40, 0x47, 0x63, 0x39,
    0x50, 0x5F, 0x5F, 0x3F, 0x6F, 0x47, 0x43, 0x69, 0x48, 0x33, 0x31, 0x64, 0x35, 0x5A, 0x4A, 0x42,
    0x56, 0x40, 0x67, 0x53, 0x41, 0x07, 0x6C, 0x49, 0x58, 0x3B, 0x4D, 0x46, 0x68, 0x43, 0x69, 0x48,
    0x33, 0x31, 0x44, 0x65, 0x62, 0x46, 0x48, 0x53, 0x41, 0x07, 0x6C, 0x69, 0x48, 0x33, 0x51, 0x54,
    0x5D, 0x4E, 0x6C, 0x49, 0x38, 0x4B, 0x55, 0x4A, 0x62, 0x46, 0x48, 0x33, 0x51, 0x34, 0x6D, 0x36,
    0x50, 0x5F, 0x5F, 0x5F, 0x3F, 0x6F, 0x47, 0x63, 0x59, 0x40, 0x67, 0x33, 0x31, 0x64, 0x35, 0x5A,
    0x6A, 0x52, 0x6E, 0x3C, 0x51, 0x34, 0x6D, 0x36, 0x50, 0x5F, 0x5F, 0x3F, 0x4F, 0x37, 0x4B, 0x35,
    0x5A, 0x4A, 0x62, 0x66, 0x58, 0x3B, 0x4D, 0x66, 0x58, 0x5B, 0x5D, 0x4E, 0x6C, 0x49, 0x58, 0x3B,
    0x4D, 0x66, 0x58, 0x3B, 0x4D, 0x46, 0x48, 0x53, 0x61, 0x4C, 0x59, 0x40, 0x67, 0x33, 0x31, 0x64,
    0x55, 0x6A, 0x32, 0x3E, 0x44, 0x45, 0x52, 0x6E, 0x3C, 0x31, 0x64, 0x55, 0x6A, 0x52, 0x4E, 0x6C,
    0x69, 0x48, 0x53, 0x61, 0x4C, 0x39, 0x30, 0x6F, 0x47, 0x63, 0x59, 0x60, 0x57, 0x5B, 0x3D, 0x3E,
    0x64, 0x35, 0x3A, 0x3A, 0x5A, 0x6A, 0x52, 0x4E, 0x6C, 0x69, 0x48, 0x53, 0x61, 0x6C, 0x49, 0x58,
    0x3B, 0x4D, 0x46, 0x68, 0x63, 0x39, 0x50, 0x5F, 0x5F, 0x3F, 0x6F, 0x67, 0x53, 0x41, 0x25, 0x41,
    0x3C, 0x51, 0x54, 0x3D, 0x5E, 0x54, 0x5D, 0x4E, 0x4C, 0x39, 0x50, 0x5F, 0x5F, 0x5F, 0x3F, 0x6F,
    0x47, 0x43, 0x69, 0x48, 0x33, 0x51, 0x54, 0x5D, 0x6E, 0x3C, 0x31, 0x64, 0x35, 0x5A, 0x00, 0x00,
};

/* The multiplier of the packet length in the ICQ v5 key ("hell"). */
#define ICQ5_KEY_MULT 0x68656C6Cu

size_t oscar_deroast(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    struct bcur c;
    size_t n = len < cap ? len : cap;

    bcur_init(&c, in, n);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(bcur_u8(&c) ^ oscar_roast_key[i % OSCAR_ROAST_KEY_LEN]);
    return n;
}

/* Value of a hex digit, or -1. */
static int hex_val(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int toc_dexor(const uint8_t *field, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    struct bcur c;
    size_t n = 0;

    *out_len = 0;
    bcur_init(&c, field, len);
    if (len >= 2 && bcur_peek_u8(&c, 0) == '0' &&
        (bcur_peek_u8(&c, 1) == 'x' || bcur_peek_u8(&c, 1) == 'X'))
        bcur_skip(&c, 2);
    if (bcur_remaining(&c) % 2)
        return IMS_EPARSE;
    while (bcur_remaining(&c) >= 2) {
        int hi = hex_val(bcur_u8(&c));
        int lo = hex_val(bcur_u8(&c));
        if (hi < 0 || lo < 0)
            return IMS_EPARSE;
        if (n >= cap) {
            *out_len = n;
            return IMS_ELIMIT;
        }
        out[n] = (uint8_t)(((hi << 4) | lo) ^ (uint8_t)toc_xor_key[n % TOC_XOR_KEY_LEN]);
        n++;
    }
    *out_len = n;
    return 0;
}

uint32_t icq5_checkcode_descramble(uint32_t wire)
{
    uint32_t a1 = (wire & 0x0001F000u) >> 12;
    uint32_t a2 = (wire & 0x07C007C0u) >> 1;
    uint32_t a3 = (wire & 0x003E0001u) << 10;
    uint32_t a4 = (wire & 0xF8000000u) >> 16;
    uint32_t a5 = (wire & 0x0000083Eu) << 15;

    return a1 | a2 | a3 | a4 | a5;
}

uint32_t icq5_checkcode_scramble(uint32_t check)
{
    uint32_t a1 = (check & 0x0000001Fu) << 12;
    uint32_t a2 = (check & 0x03E003E0u) << 1;
    uint32_t a3 = (check & 0xF8000400u) >> 10;
    uint32_t a4 = (check & 0x0000F800u) << 16;
    uint32_t a5 = (check & 0x041F0000u) >> 15;

    return a1 | a2 | a3 | a4 | a5;
}

/* number1 of the checkcode: header bytes 8, 4, 2, 6 (0 when too short). */
static uint32_t icq5_number1(const uint8_t *plain, size_t len)
{
    struct bcur c;
    uint32_t n;

    bcur_init(&c, plain, len);
    n = (uint32_t)bcur_peek_u8(&c, 8) << 24;
    n |= (uint32_t)bcur_peek_u8(&c, 4) << 16;
    n |= (uint32_t)bcur_peek_u8(&c, 2) << 8;
    n |= bcur_peek_u8(&c, 6);
    return n;
}

uint32_t icq5_checkcode(const uint8_t *plain, size_t len, unsigned r1, unsigned r2)
{
    struct bcur c;
    uint32_t n2;

    if (len <= ICQ5_CL_HDRSIZE || r1 < ICQ5_CL_HDRSIZE || r1 >= len || r1 > 0xFF || r2 > 0xFF)
        return 0;
    bcur_init(&c, plain, len);
    n2 = (uint32_t)r1 << 24 | (uint32_t)bcur_peek_u8(&c, r1) << 16 | (uint32_t)r2 << 8 |
         icq5_table[r2];
    return icq5_number1(plain, len) ^ (n2 ^ 0x00FF00FFu);
}

bool icq5_checkcode_verify(const uint8_t *plain, size_t len, uint32_t check)
{
    struct bcur c;
    uint32_t n2 = (check ^ icq5_number1(plain, len)) ^ 0x00FF00FFu;
    unsigned r1 = n2 >> 24;
    unsigned b1 = (n2 >> 16) & 0xFF;
    unsigned r2 = (n2 >> 8) & 0xFF;
    unsigned t2 = n2 & 0xFF;

    if (len <= ICQ5_CL_HDRSIZE || r1 < ICQ5_CL_HDRSIZE || r1 >= len)
        return false;
    bcur_init(&c, plain, len);
    return bcur_peek_u8(&c, r1) == b1 && icq5_table[r2] == t2;
}

/* XORs the scrambled region of buf[0..len) with the key stream of key (an involution). */
static void icq5_xor(uint8_t *buf, size_t len, uint32_t key)
{
    for (size_t i = ICQ5_CL_SESSION; i < len; i += 4) {
        uint32_t k = key + icq5_table[i & 0xFF];
        for (size_t b = 0; b < 4 && i + b < len; b++) {
            size_t at = i + b;
            if (at >= ICQ5_CL_CHECKCODE && at < ICQ5_CL_CHECKCODE + 4)
                continue; /* the checkcode travels unscrambled by the key */
            buf[at] ^= (uint8_t)(k >> (8 * b));
        }
    }
}

int icq5_unscramble(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
                    uint32_t *check_out)
{
    struct bcur c;
    uint32_t check;

    if (len < ICQ5_CL_HDRSIZE)
        return IMS_EPARSE;
    if (cap < len)
        return IMS_ELIMIT;
    bcur_init(&c, pkt, len);
    if (bcur_le16(&c) != 5 || bcur_le32(&c) != 0)
        return IMS_EPARSE;
    bcur_skip(&c, ICQ5_CL_CHECKCODE - 6);
    check = icq5_checkcode_descramble(bcur_le32(&c));
    if (!bcur_ok(&c))
        return IMS_EPARSE;
    bcur_init(&c, pkt, len);
    bcur_copy(&c, out, len);
    icq5_xor(out, len, (uint32_t)(len * ICQ5_KEY_MULT) + check);
    if (check_out)
        *check_out = check;
    return 0;
}

int icq5_scramble(uint8_t *pkt, size_t len, unsigned r1, unsigned r2)
{
    uint32_t check, wire;

    if (len <= ICQ5_CL_HDRSIZE || r1 < ICQ5_CL_HDRSIZE || r1 >= len || r2 > 0xFF)
        return IMS_EPARSE;
    check = icq5_checkcode(pkt, len, r1, r2);
    icq5_xor(pkt, len, (uint32_t)(len * ICQ5_KEY_MULT) + check);
    wire = icq5_checkcode_scramble(check);
    for (unsigned b = 0; b < 4; b++)
        pkt[ICQ5_CL_CHECKCODE + b] = (uint8_t)(wire >> (8 * b));
    return 0;
}
