/*
 * check_cred_oscar.c - unit tests for the AIM/ICQ password decoders
 * (src/detect/cred_oscar.c): OSCAR roasting, the TOC "Tic/Toc" XOR and ICQ
 * v5 packet (un)scrambling with checkcode verification.
 *
 * The vectors come from pcaps/oscar/oscar_crypto.py, an independent Python
 * implementation written from the published descriptions; the ICQ v5 login
 * packet below was also decoded by tshark 4.x (ICQv5 dissector on UDP 4000):
 * it shows UIN 1234567, session 0x11223344, CMD_LOGIN (1000), checkcode
 * 0x35ccb66c and "pa55word" in its decrypted tab.  Regenerate with:
 *
 *   /usr/bin/python3 -c "import sys; sys.path.insert(0, 'pcaps/oscar');
 *     import oscar_crypto as o
 *     p = o.icq5_client_packet(1234567, 0x11223344, 0x3e8, 1, 0,
 *                              o.icq5_login_params(b'pa55word'))
 *     print(o.icq5_encrypt(p, r1=0x20, r2=0x33).hex())"
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cred_oscar.h"
#include "imsentry/err.h"

/* ICQ v5 CMD_LOGIN as sent (scrambled), 62 bytes, r1 = 0x20, r2 = 0x33. */
static const uint8_t icq5_login_wire[62] = {
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x87, 0xd6, 0x12, 0x00, 0xdb, 0x46, 0xa4, 0x6a, 0x46, 0x76,
    0x87, 0x7b, 0xc0, 0x75, 0x6c, 0xb6, 0xcc, 0x35, 0xc6, 0x69, 0x23, 0x49, 0x1f, 0x74, 0xb6, 0x75,
    0x8f, 0x7b, 0xc2, 0x14, 0xb3, 0x4e, 0xe1, 0x1a, 0xf4, 0x1f, 0x84, 0xed, 0x86, 0x7b, 0x9d, 0x7f,
    0x87, 0x79, 0xb9, 0x71, 0x86, 0x7b, 0xbf, 0x75, 0x85, 0x7b, 0xa0, 0x75, 0x86, 0x7b,
};

/*
 * The same packet in the clear: version 5, zero u32, UIN 1234567 (0x0012d687),
 * session 0x11223344, command 0x03e8, seq 1/0, checkcode left 0 (the plain
 * form before scrambling), time 1018958400, port 3993, password length 9,
 * "pa55word\0", 0x98, IP 10.1.2.3, TCP flag 4, status 0, 3, 0.
 */
static const uint8_t icq5_login_plain[62] = {
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x87, 0xd6, 0x12, 0x00, 0x44, 0x33, 0x22, 0x11, 0xe8, 0x03,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x12, 0xbc, 0x3c, 0x99, 0x0f, 0x00, 0x00,
    0x09, 0x00, 0x70, 0x61, 0x35, 0x35, 0x77, 0x6f, 0x72, 0x64, 0x00, 0x98, 0x00, 0x00, 0x00, 0x0a,
    0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Descrambled checkcode of the vector and its wire (scrambled) form. */
#define ICQ5_VEC_CHECK 0x32f6332bu
#define ICQ5_VEC_WIRE 0x35ccb66cu

START_TEST(test_deroast_short)
{
    /* "hunter2" roasted with F3 26 81 C4 39 86 DB ... */
    static const uint8_t roasted[] = {0x9b, 0x53, 0xef, 0xb0, 0x5c, 0xf4, 0xe9};
    uint8_t out[16];

    ck_assert_uint_eq(oscar_deroast(roasted, sizeof(roasted), out, sizeof(out)), 7);
    ck_assert_mem_eq(out, "hunter2", 7);
}
END_TEST

START_TEST(test_deroast_wraps_key)
{
    /* "AOLpassword-long!!" (18 bytes): bytes 16 and 17 reuse key[0] and key[1] */
    static const uint8_t roasted[] = {0xb2, 0x69, 0xcd, 0xb4, 0x58, 0xf5, 0xa8, 0xe5, 0x1e,
                                      0xd1, 0xdd, 0xcb, 0x3f, 0x15, 0xfb, 0x1b, 0xd2, 0x07};
    uint8_t out[32];
    uint8_t back[32];

    ck_assert_uint_eq(oscar_deroast(roasted, sizeof(roasted), out, sizeof(out)), 18);
    ck_assert_mem_eq(out, "AOLpassword-long!!", 18);
    /* roasting is an involution */
    ck_assert_uint_eq(oscar_deroast(out, 18, back, sizeof(back)), 18);
    ck_assert_mem_eq(back, roasted, 18);
    /* a small output buffer truncates */
    ck_assert_uint_eq(oscar_deroast(roasted, sizeof(roasted), out, 4), 4);
    ck_assert_mem_eq(out, "AOLp", 4);
}
END_TEST

START_TEST(test_toc_dexor)
{
    uint8_t out[32];
    size_t n = 99;

    /* "secret" XOR "Tic/To" */
    ck_assert_int_eq(toc_dexor((const uint8_t *)"0x270c005d311b", 14, out, sizeof(out), &n), 0);
    ck_assert_uint_eq(n, 6);
    ck_assert_mem_eq(out, "secret", 6);
    /* "Passw0rd": byte 7 wraps to key byte 0 ('T'); upper-case hex, no 0x */
    ck_assert_int_eq(toc_dexor((const uint8_t *)"0408105C235F1130", 16, out, sizeof(out), &n), 0);
    ck_assert_uint_eq(n, 8);
    ck_assert_mem_eq(out, "Passw0rd", 8);
}
END_TEST

START_TEST(test_toc_dexor_errors)
{
    uint8_t out[4];
    size_t n;

    ck_assert_int_eq(toc_dexor((const uint8_t *)"0x270", 5, out, sizeof(out), &n), IMS_EPARSE);
    ck_assert_int_eq(toc_dexor((const uint8_t *)"0x27zz", 6, out, sizeof(out), &n), IMS_EPARSE);
    ck_assert_int_eq(toc_dexor((const uint8_t *)"0x270c005d311b", 14, out, sizeof(out), &n),
                     IMS_ELIMIT);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(out, "secr", 4);
    /* an empty password is two characters "0x" */
    ck_assert_int_eq(toc_dexor((const uint8_t *)"0x", 2, out, sizeof(out), &n), 0);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_icq5_checkcode_shuffle)
{
    ck_assert_uint_eq(icq5_checkcode_scramble(ICQ5_VEC_CHECK), ICQ5_VEC_WIRE);
    ck_assert_uint_eq(icq5_checkcode_descramble(ICQ5_VEC_WIRE), ICQ5_VEC_CHECK);
    /* the shuffle is a bit permutation: single bits stay single bits */
    for (unsigned b = 0; b < 32; b++) {
        uint32_t s = icq5_checkcode_scramble(1u << b);
        ck_assert_uint_eq(__builtin_popcount(s), 1);
        ck_assert_uint_eq(icq5_checkcode_descramble(s), 1u << b);
    }
}
END_TEST

START_TEST(test_icq5_checkcode_compute)
{
    ck_assert_uint_eq(icq5_checkcode(icq5_login_plain, sizeof(icq5_login_plain), 0x20, 0x33),
                      ICQ5_VEC_CHECK);
    ck_assert(icq5_checkcode_verify(icq5_login_plain, sizeof(icq5_login_plain), ICQ5_VEC_CHECK));
    /* a neighbouring value fails */
    ck_assert(!icq5_checkcode_verify(icq5_login_plain, sizeof(icq5_login_plain),
                                     ICQ5_VEC_CHECK ^ 0x00010000u));
    ck_assert(!icq5_checkcode_verify(icq5_login_plain, sizeof(icq5_login_plain),
                                     ICQ5_VEC_CHECK ^ 0x00000001u));
    /* r1 out of range */
    ck_assert_uint_eq(icq5_checkcode(icq5_login_plain, sizeof(icq5_login_plain), 0x10, 0x33), 0);
    ck_assert_uint_eq(icq5_checkcode(icq5_login_plain, sizeof(icq5_login_plain), 62, 0x33), 0);
}
END_TEST

START_TEST(test_icq5_unscramble_vector)
{
    uint8_t out[64];
    uint32_t check = 0;

    ck_assert_int_eq(icq5_unscramble(icq5_login_wire, sizeof(icq5_login_wire), out, sizeof(out),
                                     &check),
                     0);
    ck_assert_uint_eq(check, ICQ5_VEC_CHECK);
    /* everything but the checkcode word equals the plain packet */
    ck_assert_mem_eq(out, icq5_login_plain, ICQ5_CL_CHECKCODE);
    ck_assert_mem_eq(out + 0x18, icq5_login_plain + 0x18, sizeof(icq5_login_plain) - 0x18);
    ck_assert_mem_eq(out + 0x22, "pa55word", 9);
    ck_assert(icq5_checkcode_verify(out, sizeof(icq5_login_wire), check));
}
END_TEST

START_TEST(test_icq5_scramble_roundtrip)
{
    uint8_t buf[62];

    memcpy(buf, icq5_login_plain, sizeof(buf));
    ck_assert_int_eq(icq5_scramble(buf, sizeof(buf), 0x20, 0x33), 0);
    ck_assert_mem_eq(buf, icq5_login_wire, sizeof(buf));
    ck_assert_int_eq(icq5_scramble(buf, sizeof(buf), 0x05, 0x33), IMS_EPARSE);
}
END_TEST

START_TEST(test_icq5_unscramble_rejects)
{
    uint8_t out[64];
    uint8_t bad[62];

    /* too short for a header */
    ck_assert_int_eq(icq5_unscramble(icq5_login_wire, 0x17, out, sizeof(out), NULL), IMS_EPARSE);
    /* output too small */
    ck_assert_int_eq(icq5_unscramble(icq5_login_wire, sizeof(icq5_login_wire), out, 10, NULL),
                     IMS_ELIMIT);
    /* version 2 is not a v5 header */
    memcpy(bad, icq5_login_wire, sizeof(bad));
    bad[0] = 0x02;
    ck_assert_int_eq(icq5_unscramble(bad, sizeof(bad), out, sizeof(out), NULL), IMS_EPARSE);
    /* non-zero "zero" field */
    memcpy(bad, icq5_login_wire, sizeof(bad));
    bad[3] = 0x01;
    ck_assert_int_eq(icq5_unscramble(bad, sizeof(bad), out, sizeof(out), NULL), IMS_EPARSE);
}
END_TEST

START_TEST(test_icq5_tampered_fails_verify)
{
    uint8_t bad[62];
    uint8_t out[64];
    uint32_t check;

    /* flip the byte the checkcode samples (offset r1 = 0x20): verification fails */
    memcpy(bad, icq5_login_wire, sizeof(bad));
    bad[0x20] ^= 0x01;
    ck_assert_int_eq(icq5_unscramble(bad, sizeof(bad), out, sizeof(out), &check), 0);
    ck_assert(!icq5_checkcode_verify(out, sizeof(bad), check));
    /* a packet of another length decrypts with another key: fails too */
    ck_assert_int_eq(icq5_unscramble(icq5_login_wire, 61, out, sizeof(out), &check), 0);
    ck_assert(!icq5_checkcode_verify(out, 61, check) || memcmp(out + 0x22, "pa55word", 8) != 0);
}
END_TEST

static Suite *cred_oscar_suite(void)
{
    Suite *s = suite_create("cred_oscar");
    TCase *tc = tcase_create("decoders");

    tcase_add_test(tc, test_deroast_short);
    tcase_add_test(tc, test_deroast_wraps_key);
    tcase_add_test(tc, test_toc_dexor);
    tcase_add_test(tc, test_toc_dexor_errors);
    tcase_add_test(tc, test_icq5_checkcode_shuffle);
    tcase_add_test(tc, test_icq5_checkcode_compute);
    tcase_add_test(tc, test_icq5_unscramble_vector);
    tcase_add_test(tc, test_icq5_scramble_roundtrip);
    tcase_add_test(tc, test_icq5_unscramble_rejects);
    tcase_add_test(tc, test_icq5_tampered_fails_verify);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cred_oscar_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
