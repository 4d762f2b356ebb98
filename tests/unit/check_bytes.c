/*
 * check_bytes.c - unit tests for the bounds-checked byte cursor
 * (include/imsentry/bytes.h): every getter at its exact boundary, the
 * sticky error flag, sub-cursors, limit, rest and find.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "imsentry/bytes.h"

/* 01 02 03 04 05 06 07 08: distinct bytes so each read shows where it came from. */
static const uint8_t eight[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

START_TEST(test_init_null)
{
    struct bcur c;

    bcur_init(&c, NULL, 100); /* a NULL base never claims bytes */
    ck_assert_uint_eq(bcur_remaining(&c), 0);
    ck_assert_uint_eq(bcur_u8(&c), 0);
    ck_assert(!bcur_ok(&c));
    ck_assert_ptr_null(bcur_ptr(&c));
}
END_TEST

START_TEST(test_u8_boundary)
{
    struct bcur c;

    bcur_init(&c, eight, 1);
    ck_assert_uint_eq(bcur_u8(&c), 0x01);
    ck_assert(bcur_ok(&c));
    ck_assert_uint_eq(bcur_remaining(&c), 0);
    ck_assert_uint_eq(bcur_u8(&c), 0); /* one past the end */
    ck_assert(!bcur_ok(&c));
    ck_assert_uint_eq(c.off, 1);
}
END_TEST

START_TEST(test_be16_le16_boundary)
{
    struct bcur c;

    bcur_init(&c, eight, 2);
    ck_assert_uint_eq(bcur_be16(&c), 0x0102);
    ck_assert(bcur_ok(&c));
    bcur_init(&c, eight, 2);
    ck_assert_uint_eq(bcur_le16(&c), 0x0201);
    ck_assert(bcur_ok(&c));
    bcur_init(&c, eight, 1); /* one byte short */
    ck_assert_uint_eq(bcur_be16(&c), 0);
    ck_assert(!bcur_ok(&c));
    ck_assert_uint_eq(c.off, 0); /* offset unchanged on a short read */
    bcur_init(&c, eight, 1);
    ck_assert_uint_eq(bcur_le16(&c), 0);
    ck_assert(!bcur_ok(&c));
}
END_TEST

START_TEST(test_be24_be32_le32_boundary)
{
    struct bcur c;

    bcur_init(&c, eight, 3);
    ck_assert_uint_eq(bcur_be24(&c), 0x010203);
    ck_assert(bcur_ok(&c));
    bcur_init(&c, eight, 2);
    ck_assert_uint_eq(bcur_be24(&c), 0);
    ck_assert(!bcur_ok(&c));

    bcur_init(&c, eight, 4);
    ck_assert_uint_eq(bcur_be32(&c), 0x01020304);
    ck_assert(bcur_ok(&c));
    bcur_init(&c, eight, 3);
    ck_assert_uint_eq(bcur_be32(&c), 0);
    ck_assert(!bcur_ok(&c));

    bcur_init(&c, eight, 4);
    ck_assert_uint_eq(bcur_le32(&c), 0x04030201);
    ck_assert(bcur_ok(&c));
    bcur_init(&c, eight, 3);
    ck_assert_uint_eq(bcur_le32(&c), 0);
    ck_assert(!bcur_ok(&c));
}
END_TEST

START_TEST(test_sticky_error)
{
    struct bcur c;

    bcur_init(&c, eight, 3);
    ck_assert_uint_eq(bcur_be32(&c), 0); /* fails: only 3 bytes */
    ck_assert(!bcur_ok(&c));
    /* a later read that fits still works but the flag stays set */
    ck_assert_uint_eq(bcur_be16(&c), 0x0102);
    ck_assert(!bcur_ok(&c));
}
END_TEST

START_TEST(test_copy_skip)
{
    struct bcur c;
    uint8_t out[8] = {0};

    bcur_init(&c, eight, 8);
    ck_assert(bcur_copy(&c, out, 8));
    ck_assert_mem_eq(out, eight, 8);
    ck_assert_uint_eq(bcur_remaining(&c), 0);
    ck_assert(bcur_copy(&c, out, 0)); /* zero bytes always fit */

    bcur_init(&c, eight, 7);
    out[0] = 0xee;
    ck_assert(!bcur_copy(&c, out, 8));
    ck_assert_uint_eq(out[0], 0xee); /* nothing copied */
    ck_assert_uint_eq(c.off, 0);

    bcur_init(&c, eight, 8);
    ck_assert(bcur_skip(&c, 8));
    ck_assert(bcur_ok(&c));
    ck_assert(!bcur_skip(&c, 1));
    ck_assert(!bcur_ok(&c));
    bcur_init(&c, eight, 8);
    ck_assert(!bcur_skip(&c, SIZE_MAX)); /* no overflow in the length check */
    ck_assert_uint_eq(c.off, 0);
}
END_TEST

START_TEST(test_has_need)
{
    struct bcur c;

    bcur_init(&c, eight, 4);
    ck_assert(bcur_has(&c, 4));
    ck_assert(!bcur_has(&c, 5));
    ck_assert(bcur_ok(&c)); /* has never sets the flag */
    ck_assert(bcur_need(&c, 4));
    ck_assert(!bcur_need(&c, 5));
    ck_assert(!bcur_ok(&c));
}
END_TEST

START_TEST(test_peek)
{
    struct bcur c;

    bcur_init(&c, eight, 4);
    bcur_skip(&c, 1);
    ck_assert_uint_eq(bcur_peek_u8(&c, 0), 0x02);
    ck_assert_uint_eq(bcur_peek_u8(&c, 2), 0x04); /* last byte */
    ck_assert_uint_eq(c.off, 1);                  /* peeks do not consume */
    ck_assert(bcur_ok(&c));
    ck_assert_uint_eq(bcur_peek_be16(&c, 1), 0x0304);
    ck_assert(bcur_ok(&c));
    ck_assert_uint_eq(bcur_peek_u8(&c, 3), 0); /* one past */
    ck_assert(!bcur_ok(&c));

    bcur_init(&c, eight, 4);
    ck_assert_uint_eq(bcur_peek_be16(&c, 3), 0); /* would need bytes 3 and 4 */
    ck_assert(!bcur_ok(&c));
    bcur_init(&c, eight, 4);
    ck_assert_uint_eq(bcur_peek_be16(&c, SIZE_MAX), 0);
    ck_assert(!bcur_ok(&c));
}
END_TEST

START_TEST(test_sub)
{
    struct bcur c, s;
    bool trunc = true;

    bcur_init(&c, eight, 8);
    bcur_skip(&c, 2);
    s = bcur_sub(&c, 3, &trunc); /* bytes 03 04 05 */
    ck_assert(!trunc);
    ck_assert_uint_eq(bcur_remaining(&s), 3);
    ck_assert_uint_eq(bcur_be24(&s), 0x030405);
    ck_assert_uint_eq(bcur_u8(&s), 0); /* the sub-cursor ends at its length */
    ck_assert(!bcur_ok(&s));
    ck_assert(bcur_ok(&c)); /* the parent is not affected */
    ck_assert_uint_eq(bcur_u8(&c), 0x06);

    /* asking for more than remains: what is there, truncated, parent at its end */
    s = bcur_sub(&c, 10, &trunc);
    ck_assert(trunc);
    ck_assert_uint_eq(bcur_remaining(&s), 2);
    ck_assert_uint_eq(bcur_be16(&s), 0x0708);
    ck_assert_uint_eq(bcur_remaining(&c), 0);
    ck_assert(bcur_ok(&c));

    s = bcur_sub(&c, 0, NULL); /* empty, NULL truncated pointer accepted */
    ck_assert_uint_eq(bcur_remaining(&s), 0);
}
END_TEST

START_TEST(test_rest_limit)
{
    struct bcur c, r;

    bcur_init(&c, eight, 8);
    bcur_skip(&c, 5);
    r = bcur_rest(&c);
    ck_assert_uint_eq(bcur_remaining(&r), 3);
    ck_assert_uint_eq(bcur_u8(&r), 0x06);
    ck_assert_uint_eq(c.off, 5); /* parent not advanced */

    bcur_init(&c, eight, 8);
    bcur_skip(&c, 2);
    bcur_limit(&c, 3); /* view is now 03 04 05 */
    ck_assert_uint_eq(bcur_remaining(&c), 3);
    bcur_limit(&c, 100); /* never widens */
    ck_assert_uint_eq(bcur_remaining(&c), 3);
    ck_assert_uint_eq(bcur_be24(&c), 0x030405);
    ck_assert_uint_eq(bcur_u8(&c), 0);
    ck_assert(!bcur_ok(&c));
    bcur_init(&c, eight, 8);
    bcur_limit(&c, 0);
    ck_assert_uint_eq(bcur_remaining(&c), 0);
}
END_TEST

START_TEST(test_find)
{
    struct bcur c;

    bcur_init(&c, eight, 8);
    ck_assert_int_eq(bcur_find(&c, 0x01), 0);
    ck_assert_int_eq(bcur_find(&c, 0x08), 7);
    ck_assert_int_eq(bcur_find(&c, 0x09), -1);
    bcur_skip(&c, 3);
    ck_assert_int_eq(bcur_find(&c, 0x02), -1); /* before the position */
    ck_assert_int_eq(bcur_find(&c, 0x05), 1);  /* distance from the position */
    bcur_limit(&c, 2);
    ck_assert_int_eq(bcur_find(&c, 0x06), -1); /* beyond the limit */
    bcur_skip(&c, 2);
    ck_assert_int_eq(bcur_find(&c, 0x04), -1); /* empty view */
}
END_TEST

static Suite *bytes_suite(void)
{
    Suite *s = suite_create("bytes");
    TCase *tc = tcase_create("cursor");

    tcase_add_test(tc, test_init_null);
    tcase_add_test(tc, test_u8_boundary);
    tcase_add_test(tc, test_be16_le16_boundary);
    tcase_add_test(tc, test_be24_be32_le32_boundary);
    tcase_add_test(tc, test_sticky_error);
    tcase_add_test(tc, test_copy_skip);
    tcase_add_test(tc, test_has_need);
    tcase_add_test(tc, test_peek);
    tcase_add_test(tc, test_sub);
    tcase_add_test(tc, test_rest_limit);
    tcase_add_test(tc, test_find);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bytes_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
