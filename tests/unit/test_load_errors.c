/*
 * test_load_errors.c - the refusals of ipsec.conf connections (src/load_errors.h):
 * which lines make one, what it keeps, and its bounds.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "load_errors.h"

static span sp(const char *s)
{
    return (span){s, strlen(s)};
}

/* A line of thread t, numbered n, whose message is msg. */
static charon_line line(int t, uint64_t n, const char *msg)
{
    charon_line l;
    memset(&l, 0, sizeof l);
    l.lineno = n;
    l.thread = t;
    l.msg = sp(msg);
    l.raw = sp(msg);
    return l;
}

START_TEST(refusal_keeps_string_reason_and_lines)
{
    load_errors le;
    load_errors_init(&le);
    charon_line a = line(5, 1, "received stroke: add connection 'hq'");
    charon_line r = line(5, 2, "a PRF algorithm is mandatory in IKE proposals");
    charon_line s = line(5, 3, "skipped invalid proposal string: aes128gcm16-modp2048");
    load_errors_adding(&le, &a, sp("hq"), 1);
    load_errors_reason(&le, &r, 2);
    load_errors_skipped(&le, &s, sp("aes128gcm16-modp2048"), 3);
    const load_error *e = load_errors_find(&le, sp("hq"));
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->proposal, "aes128gcm16-modp2048");
    ck_assert_str_eq(e->why, "a PRF algorithm is mandatory in IKE proposals");
    ck_assert_int_eq(e->n_lines, 3);
    ck_assert_int_eq((int)e->lines[2].lineno, 3);
    ck_assert_ptr_null(load_errors_find(&le, sp("h")));
    load_errors_clear(&le);
    ck_assert_ptr_null(load_errors_find(&le, sp("hq")));
    load_errors_free(&le);
}
END_TEST

START_TEST(other_thread_or_far_line_is_no_refusal)
{
    load_errors le;
    load_errors_init(&le);
    charon_line a = line(5, 1, "received stroke: add connection 'hq'");
    charon_line s = line(6, 2, "skipped invalid proposal string: x");
    load_errors_adding(&le, &a, sp("hq"), 1);
    load_errors_skipped(&le, &s, sp("x"), 2);
    ck_assert_ptr_null(load_errors_find(&le, sp("hq")));
    s.thread = 5;
    load_errors_skipped(&le, &s, sp("x"), 1000);
    ck_assert_ptr_null(load_errors_find(&le, sp("hq")));
    /* a skipped string with no connection being added is nobody's */
    load_errors_skipped(&le, &s, sp("x"), 3);
    ck_assert_ptr_nonnull(load_errors_find(&le, sp("hq")));
    load_errors_skipped(&le, &s, sp("y"), 4);
    ck_assert_str_eq(load_errors_find(&le, sp("hq"))->proposal, "x");
    load_errors_free(&le);
}
END_TEST

START_TEST(bounded_and_newest_wins)
{
    load_errors le;
    load_errors_init(&le);
    char name[32], msg[96];
    for (int i = 0; i < LOAD_ERRORS_MAX + 3; i++) {
        snprintf(name, sizeof name, "c%d", i);
        snprintf(msg, sizeof msg, "received stroke: add connection '%s'", name);
        charon_line a = line(1, (uint64_t)(2 * i + 1), msg);
        charon_line s = line(1, (uint64_t)(2 * i + 2), "skipped invalid proposal string: p");
        load_errors_adding(&le, &a, sp(name), (uint32_t)(2 * i + 1));
        load_errors_skipped(&le, &s, sp("p"), (uint32_t)(2 * i + 2));
    }
    ck_assert_ptr_null(load_errors_find(&le, sp("c0")));
    ck_assert_ptr_null(load_errors_find(&le, sp("c2")));
    ck_assert_ptr_nonnull(load_errors_find(&le, sp("c3")));
    ck_assert_ptr_nonnull(load_errors_find(&le, sp("c10")));
    /* the same connection refused again: one entry, the newest string */
    charon_line a = line(1, 100, "received stroke: add connection 'c10'");
    charon_line s = line(1, 101, "skipped invalid proposal string: q");
    load_errors_adding(&le, &a, sp("c10"), 100);
    load_errors_skipped(&le, &s, sp("q"), 101);
    ck_assert_str_eq(load_errors_find(&le, sp("c10"))->proposal, "q");
    ck_assert_ptr_nonnull(load_errors_find(&le, sp("c3")));
    load_errors_free(&le);
}
END_TEST

START_TEST(long_texts_are_cut)
{
    load_errors le;
    load_errors_init(&le);
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    charon_line a = line(1, 1, big);
    charon_line s = line(1, 2, big);
    load_errors_adding(&le, &a, sp(big), 1);
    load_errors_reason(&le, &s, 2);
    load_errors_skipped(&le, &s, sp(big), 3);
    ck_assert_int_eq(le.n_refused, 1);
    const load_error *e = &le.refused[0];
    ck_assert_uint_eq(strlen(e->conn), sizeof e->conn - 1);
    ck_assert_uint_eq(strlen(e->proposal), sizeof e->proposal - 1);
    ck_assert_uint_eq(strlen(e->lines[0].text), KEPT_LINE_TEXT - 1);
    load_errors_free(&le);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("load_errors");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, refusal_keeps_string_reason_and_lines);
    tcase_add_test(tc, other_thread_or_far_line_is_no_refusal);
    tcase_add_test(tc, bounded_and_newest_wins);
    tcase_add_test(tc, long_texts_are_cut);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
