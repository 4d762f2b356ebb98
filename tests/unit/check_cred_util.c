/*
 * check_cred_util.c - unit tests for src/detect/cred_util.c: base64 on the
 * RFC 4648 section 10 test vectors (both ways, strict and lenient), SASL
 * PLAIN on the RFC 4616 section 4 examples, hex, the bounded line assembler
 * (CRLF/LF, split input, overflow resync) and the token helpers.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cred_util.h"
#include "imsentry/err.h"

/* RFC 4648 section 10: BASE64("") = "" ... BASE64("foobar") = "Zm9vYmFy". */
static const char *const rfc4648_plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
static const char *const rfc4648_b64[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                          "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

/* Decodes a C string; returns the rc and leaves the output NUL-terminated in out. */
static int dec(const char *in, enum cred_b64_mode mode, char *out, size_t cap, size_t *n)
{
    int rc = cred_base64_decode((const uint8_t *)in, strlen(in), (uint8_t *)out, cap - 1, n, mode);
    out[*n] = '\0';
    return rc;
}

START_TEST(test_b64_rfc4648_vectors)
{
    char out[32];
    size_t n;

    for (size_t i = 0; i < sizeof(rfc4648_plain) / sizeof(rfc4648_plain[0]); i++) {
        ck_assert_int_eq(dec(rfc4648_b64[i], CRED_B64_STRICT, out, sizeof(out), &n), 0);
        ck_assert_uint_eq(n, strlen(rfc4648_plain[i]));
        ck_assert_str_eq(out, rfc4648_plain[i]);
        ck_assert_int_eq(dec(rfc4648_b64[i], CRED_B64_LENIENT, out, sizeof(out), &n), 0);
        ck_assert_str_eq(out, rfc4648_plain[i]);
        ck_assert_int_eq(cred_base64_encode((const uint8_t *)rfc4648_plain[i],
                                            strlen(rfc4648_plain[i]), out, sizeof(out)),
                         (int)strlen(rfc4648_b64[i]));
        ck_assert_str_eq(out, rfc4648_b64[i]);
    }
}
END_TEST

START_TEST(test_b64_strict_rejects)
{
    char out[32];
    size_t n;

    /* missing padding: "Zg" is "f" without its "==" */
    ck_assert_int_eq(dec("Zg", CRED_B64_STRICT, out, sizeof(out), &n), IMS_EPARSE);
    /* whitespace inside */
    ck_assert_int_eq(dec("Zm9v YmFy", CRED_B64_STRICT, out, sizeof(out), &n), IMS_EPARSE);
    /* CRLF at the end */
    ck_assert_int_eq(dec("Zm9v\r\n", CRED_B64_STRICT, out, sizeof(out), &n), IMS_EPARSE);
    /* non-zero pad bits: "Zh==" decodes to 'f' with the low 4 bits 0001 set */
    ck_assert_int_eq(dec("Zh==", CRED_B64_STRICT, out, sizeof(out), &n), IMS_EPARSE);
    /* non-alphabet characters (URL-safe alphabet is not base64) */
    ck_assert_int_eq(dec("Zm9-", CRED_B64_STRICT, out, sizeof(out), &n), IMS_EPARSE);
    ck_assert_int_eq(dec("Zm9_", CRED_B64_LENIENT, out, sizeof(out), &n), IMS_EPARSE);
}
END_TEST

START_TEST(test_b64_padding_errors_both_modes)
{
    char out[32];
    size_t n;
    static const char *const bad[] = {
        "=",        /* padding alone */
        "Z===",     /* padding after one sextet */
        "Zg=",      /* incomplete padding */
        "Zg==Zg==", /* data after padding */
        "Zm9vY",    /* five sextets: one left over */
        "Zm8=a",    /* data after '=' */
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(dec(bad[i], CRED_B64_STRICT, out, sizeof(out), &n), IMS_EPARSE);
        ck_assert_int_eq(dec(bad[i], CRED_B64_LENIENT, out, sizeof(out), &n), IMS_EPARSE);
    }
}
END_TEST

START_TEST(test_b64_lenient_accepts)
{
    char out[32];
    size_t n;

    /* blanks and line breaks between quanta, as mail clients wrap */
    ck_assert_int_eq(dec(" Zm9v\r\nYmFy \t", CRED_B64_LENIENT, out, sizeof(out), &n), 0);
    ck_assert_str_eq(out, "foobar");
    /* unpadded "Zg" = "f", "Zm8" = "fo" */
    ck_assert_int_eq(dec("Zg", CRED_B64_LENIENT, out, sizeof(out), &n), 0);
    ck_assert_str_eq(out, "f");
    ck_assert_int_eq(dec("Zm8", CRED_B64_LENIENT, out, sizeof(out), &n), 0);
    ck_assert_str_eq(out, "fo");
    /* non-zero pad bits are tolerated: "Zh==" -> 'f' */
    ck_assert_int_eq(dec("Zh==", CRED_B64_LENIENT, out, sizeof(out), &n), 0);
    ck_assert_str_eq(out, "f");
}
END_TEST

START_TEST(test_b64_bounded_output)
{
    uint8_t out[4];
    size_t n = 99;

    /* "foobar" needs 6 bytes: only 4 fit; the prefix "foob" is there, the rc says so */
    ck_assert_int_eq(cred_base64_decode((const uint8_t *)"Zm9vYmFy", 8, out, 4, &n,
                                        CRED_B64_STRICT),
                     IMS_ELIMIT);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(out, "foob", 4), 0);
    /* exactly enough room */
    ck_assert_int_eq(cred_base64_decode((const uint8_t *)"Zm9vYg==", 8, out, 4, &n,
                                        CRED_B64_STRICT),
                     0);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(out, "foob", 4), 0);
    /* zero capacity */
    ck_assert_int_eq(cred_base64_decode((const uint8_t *)"Zg==", 4, out, 0, &n,
                                        CRED_B64_STRICT),
                     IMS_ELIMIT);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(CRED_B64_DECODED_MAX(8), 9);
}
END_TEST

START_TEST(test_b64_encode_bounds)
{
    char out[5];

    /* "foo" -> "Zm9v" needs 5 bytes with the NUL */
    ck_assert_int_eq(cred_base64_encode((const uint8_t *)"foo", 3, out, 5), 4);
    ck_assert_int_eq(cred_base64_encode((const uint8_t *)"foo", 3, out, 4), IMS_ELIMIT);
    ck_assert_int_eq(cred_base64_encode((const uint8_t *)"foob", 4, out, 5), IMS_ELIMIT);
}
END_TEST

START_TEST(test_b64_binary_roundtrip)
{
    uint8_t in[256], back[256];
    char enc[400];
    size_t n;

    for (unsigned i = 0; i < 256; i++)
        in[i] = (uint8_t)(255 - i);
    ck_assert_int_eq(cred_base64_encode(in, sizeof(in), enc, sizeof(enc)), 344);
    ck_assert_int_eq(cred_base64_decode((const uint8_t *)enc, 344, back, sizeof(back), &n,
                                        CRED_B64_STRICT),
                     0);
    ck_assert_uint_eq(n, 256);
    ck_assert_int_eq(memcmp(in, back, 256), 0);
}
END_TEST

START_TEST(test_sasl_plain_rfc4616)
{
    struct cred_sasl_plain sp;
    /* RFC 4616 section 4: "\0tim\0tanstaaftanstaaf" (no authzid) */
    static const uint8_t ex1[] = "\0tim\0tanstaaftanstaaf";
    /* RFC 4616 section 4: "Ursel\0Kurt\0xipj3plmq" (Kurt acting as Ursel) */
    static const uint8_t ex2[] = "Ursel\0Kurt\0xipj3plmq";

    ck_assert_int_eq(cred_sasl_plain_split(ex1, sizeof(ex1) - 1, &sp), 0);
    ck_assert_uint_eq(sp.authzid_len, 0);
    ck_assert_uint_eq(sp.authcid_len, 3);
    ck_assert_int_eq(memcmp(sp.authcid, "tim", 3), 0);
    ck_assert_uint_eq(sp.passwd_len, 16);
    ck_assert_int_eq(memcmp(sp.passwd, "tanstaaftanstaaf", 16), 0);

    ck_assert_int_eq(cred_sasl_plain_split(ex2, sizeof(ex2) - 1, &sp), 0);
    ck_assert_uint_eq(sp.authzid_len, 5);
    ck_assert_int_eq(memcmp(sp.authzid, "Ursel", 5), 0);
    ck_assert_uint_eq(sp.authcid_len, 4);
    ck_assert_int_eq(memcmp(sp.authcid, "Kurt", 4), 0);
    ck_assert_uint_eq(sp.passwd_len, 9);
    ck_assert_int_eq(memcmp(sp.passwd, "xipj3plmq", 9), 0);
}
END_TEST

START_TEST(test_sasl_plain_from_base64)
{
    /* "AHRpbQB0YW5zdGFhZnRhbnN0YWFm" = base64("\0tim\0tanstaaftanstaaf") (RFC 4616 sec. 4) */
    static const char b64[] = "AHRpbQB0YW5zdGFhZnRhbnN0YWFm";
    uint8_t raw[64];
    size_t n;
    struct cred_sasl_plain sp;

    ck_assert_int_eq(cred_base64_decode((const uint8_t *)b64, strlen(b64), raw, sizeof(raw), &n,
                                        CRED_B64_STRICT),
                     0);
    ck_assert_uint_eq(n, 21);
    ck_assert_int_eq(cred_sasl_plain_split(raw, n, &sp), 0);
    ck_assert_int_eq(memcmp(sp.authcid, "tim", 3), 0);
}
END_TEST

START_TEST(test_sasl_plain_rejects)
{
    struct cred_sasl_plain sp;

    /* no NUL at all */
    ck_assert_int_eq(cred_sasl_plain_split((const uint8_t *)"timpass", 7, &sp), IMS_EPARSE);
    /* one NUL only: "tim\0pass" */
    ck_assert_int_eq(cred_sasl_plain_split((const uint8_t *)"tim\0pass", 8, &sp), IMS_EPARSE);
    /* empty authcid: "\0\0pass" */
    ck_assert_int_eq(cred_sasl_plain_split((const uint8_t *)"\0\0pass", 6, &sp), IMS_EPARSE);
    /* three NULs: "a\0b\0c\0d" */
    ck_assert_int_eq(cred_sasl_plain_split((const uint8_t *)"a\0b\0c\0d", 7, &sp), IMS_EPARSE);
    /* empty message */
    ck_assert_int_eq(cred_sasl_plain_split(NULL, 0, &sp), IMS_EPARSE);
    /* empty password is tolerated: "\0tim\0" */
    ck_assert_int_eq(cred_sasl_plain_split((const uint8_t *)"\0tim\0", 5, &sp), 0);
    ck_assert_uint_eq(sp.passwd_len, 0);
}
END_TEST

START_TEST(test_sasl_plain_field_cap)
{
    uint8_t msg[2 + 256 + 1];
    struct cred_sasl_plain sp;

    /* "\0" + 256 x 'u' + "\0p": authcid one octet over the RFC's 255 */
    msg[0] = 0;
    memset(msg + 1, 'u', 256);
    msg[257] = 0;
    msg[258] = 'p';
    ck_assert_int_eq(cred_sasl_plain_split(msg, sizeof(msg), &sp), IMS_EPARSE);
    /* 255 octets are allowed */
    msg[256] = 0;
    msg[257] = 'p';
    ck_assert_int_eq(cred_sasl_plain_split(msg, sizeof(msg) - 1, &sp), 0);
    ck_assert_uint_eq(sp.authcid_len, 255);
}
END_TEST

START_TEST(test_hex)
{
    char out[9];
    static const uint8_t v[] = {0x00, 0x9f, 0xa0, 0xff};

    ck_assert_int_eq(cred_hex_encode(v, 4, out, sizeof(out)), 8);
    ck_assert_str_eq(out, "009fa0ff");
    ck_assert_int_eq(cred_hex_encode(v, 4, out, 8), IMS_ELIMIT); /* no room for the NUL */
    ck_assert_int_eq(cred_hex_encode(v, 0, out, 1), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

/* Feeds a string through the assembler and collects complete lines joined by '|'. */
static void lines_of(struct cred_line *lb, const char *in, char *acc, size_t cap)
{
    struct bcur c;
    enum cred_line_result r;

    bcur_init(&c, (const uint8_t *)in, strlen(in));
    while ((r = cred_line_feed(lb, &c)) != CRED_LINE_NONE) {
        size_t used = strlen(acc);
        /* "!" marks an overflow; lines over 8 bytes show 8 of them and their length */
        if (lb->len > 8)
            snprintf(acc + used, cap - used, "%s%.8s+%u|", r == CRED_LINE_OVERFLOW ? "!" : "",
                     (const char *)lb->buf, (unsigned)lb->len);
        else
            snprintf(acc + used, cap - used, "%s%.*s|", r == CRED_LINE_OVERFLOW ? "!" : "",
                     (int)lb->len, (const char *)lb->buf);
    }
}

START_TEST(test_line_crlf_lf_split)
{
    struct cred_line *lb = calloc(1, sizeof(*lb));
    char acc[256] = "";

    ck_assert_ptr_nonnull(lb);
    /* "USER a\r\nPASS b\nQU" then "IT\r" then "\n": three lines, the last split 3 ways */
    lines_of(lb, "USER a\r\nPASS b\nQU", acc, sizeof(acc));
    ck_assert_str_eq(acc, "USER a|PASS b|");
    lines_of(lb, "IT\r", acc, sizeof(acc));
    ck_assert_str_eq(acc, "USER a|PASS b|");
    lines_of(lb, "\n", acc, sizeof(acc));
    ck_assert_str_eq(acc, "USER a|PASS b|QUIT|");
    /* an empty line */
    lines_of(lb, "\r\n", acc, sizeof(acc));
    ck_assert_str_eq(acc, "USER a|PASS b|QUIT||");
    free(lb);
}
END_TEST

START_TEST(test_line_overflow_resync)
{
    struct cred_line *lb = calloc(1, sizeof(*lb));
    char *big = malloc(LIM_CRED_LINE_MAX + 100);
    char acc[256] = "";

    ck_assert_ptr_nonnull(lb);
    ck_assert_ptr_nonnull(big);
    /* LIM_CRED_LINE_MAX + 10 'x' with no LF, in one go: overflow pending */
    memset(big, 'x', LIM_CRED_LINE_MAX + 10);
    big[LIM_CRED_LINE_MAX + 10] = '\0';
    lines_of(lb, big, acc, sizeof(acc));
    ck_assert_str_eq(acc, "");
    ck_assert(lb->overflow);
    ck_assert_uint_eq(lb->len, LIM_CRED_LINE_MAX);
    /* the end of the long line, then a normal one: the long one is flagged, then resync */
    lines_of(lb, "xx\r\nNOOP\r\n", acc, sizeof(acc));
    ck_assert_str_eq(acc, "!xxxxxxxx+2048|NOOP|");
    /* a line of exactly the cap is not an overflow */
    memset(big, 'y', LIM_CRED_LINE_MAX);
    big[LIM_CRED_LINE_MAX] = '\n';
    big[LIM_CRED_LINE_MAX + 1] = '\0';
    acc[0] = '\0';
    lines_of(lb, big, acc, sizeof(acc));
    ck_assert_str_eq(acc, "yyyyyyyy+2048|");
    free(big);
    free(lb);
}
END_TEST

START_TEST(test_line_reset)
{
    struct cred_line *lb = calloc(1, sizeof(*lb));
    char acc[64] = "";

    ck_assert_ptr_nonnull(lb);
    lines_of(lb, "PASS sec", acc, sizeof(acc)); /* partial, then a gap */
    cred_line_reset(lb);
    lines_of(lb, "ret\r\nNOOP\r\n", acc, sizeof(acc));
    ck_assert_str_eq(acc, "ret|NOOP|");
    free(lb);
}
END_TEST

START_TEST(test_tokens)
{
    struct bcur c;
    struct cred_span t;
    static const char line[] = "  AUTH\tplain  dGVzdA==  ";

    ck_assert(cred_token_eq((const uint8_t *)"uSeR", 4, "USER"));
    ck_assert(!cred_token_eq((const uint8_t *)"USERS", 5, "USER"));
    ck_assert(!cred_token_eq((const uint8_t *)"USE", 3, "USER"));
    ck_assert(cred_token_prefix((const uint8_t *)"+ok ready", 9, "+OK"));
    ck_assert(!cred_token_prefix((const uint8_t *)"+O", 2, "+OK"));
    ck_assert(cred_token_contains((const uint8_t *)"Login incorrect", 15, "INCORRECT"));
    ck_assert(!cred_token_contains((const uint8_t *)"Login", 5, "login:"));

    bcur_init(&c, (const uint8_t *)line, strlen(line));
    ck_assert(cred_next_token(&c, &t));
    ck_assert(cred_token_eq(t.p, t.len, "auth"));
    ck_assert(cred_next_token(&c, &t));
    ck_assert(cred_token_eq(t.p, t.len, "PLAIN"));
    cred_rest(&c, &t);
    cred_span_rtrim(&t);
    ck_assert(cred_token_eq(t.p, t.len, "dGVzdA=="));
    ck_assert(!cred_next_token(&c, &t));
    ck_assert_uint_eq(t.len, 0);
}
END_TEST

START_TEST(test_reply_code)
{
    bool more;

    ck_assert_int_eq(cred_reply_code((const uint8_t *)"230 Logged in", 13, &more), 230);
    ck_assert(!more);
    ck_assert_int_eq(cred_reply_code((const uint8_t *)"220-Welcome", 11, &more), 220);
    ck_assert(more);
    ck_assert_int_eq(cred_reply_code((const uint8_t *)"530", 3, &more), 530);
    ck_assert_int_eq(cred_reply_code((const uint8_t *)"23", 2, &more), -1);
    ck_assert_int_eq(cred_reply_code((const uint8_t *)"2300", 4, &more), -1);
    ck_assert_int_eq(cred_reply_code((const uint8_t *)"099 x", 5, &more), -1);
    ck_assert_int_eq(cred_reply_code((const uint8_t *)"USER", 4, &more), -1);
}
END_TEST

START_TEST(test_copy_field)
{
    uint8_t dst[4];

    ck_assert_uint_eq(cred_copy_field(dst, sizeof(dst), (const uint8_t *)"abcdef", 6), 4);
    ck_assert_int_eq(memcmp(dst, "abcd", 4), 0);
    ck_assert_uint_eq(cred_copy_field(dst, sizeof(dst), (const uint8_t *)"xy", 2), 2);
    ck_assert_int_eq(memcmp(dst, "xy", 2), 0);
}
END_TEST

static Suite *cred_util_suite(void)
{
    Suite *s = suite_create("cred_util");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_b64_rfc4648_vectors);
    tcase_add_test(tc, test_b64_strict_rejects);
    tcase_add_test(tc, test_b64_padding_errors_both_modes);
    tcase_add_test(tc, test_b64_lenient_accepts);
    tcase_add_test(tc, test_b64_bounded_output);
    tcase_add_test(tc, test_b64_encode_bounds);
    tcase_add_test(tc, test_b64_binary_roundtrip);
    tcase_add_test(tc, test_sasl_plain_rfc4616);
    tcase_add_test(tc, test_sasl_plain_from_base64);
    tcase_add_test(tc, test_sasl_plain_rejects);
    tcase_add_test(tc, test_sasl_plain_field_cap);
    tcase_add_test(tc, test_hex);
    tcase_add_test(tc, test_line_crlf_lf_split);
    tcase_add_test(tc, test_line_overflow_resync);
    tcase_add_test(tc, test_line_reset);
    tcase_add_test(tc, test_tokens);
    tcase_add_test(tc, test_reply_code);
    tcase_add_test(tc, test_copy_field);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cred_util_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
