/*
 * test_strfmt.c - strfmt_v (src/strfmt.h) gives exactly what vsnprintf
 * gives: the same bytes, the same NUL and the same return value, for every
 * room size from 0 to past the whole output, for the conversions it
 * formats itself (extremes of every integer type, NULL and empty strings,
 * %.*s cut inside and past a string) and for those it hands to vsnprintf.
 */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "strfmt.h"

typedef int (*vformat_fn)(char *, size_t, const char *, va_list);

static int call(vformat_fn f, char *buf, size_t room, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = f(buf, room, fmt, ap);
    va_end(ap);
    return n;
}

/* The same call through both, at every room size: buffers start filled
 * with a marker so that a byte written past the NUL shows. */
#define SAME(...)                                                               \
    do {                                                                        \
        char want[512], got[512];                                               \
        int full = call(vsnprintf, want, sizeof want, __VA_ARGS__);                   \
        ck_assert_int_ge(full, 0);                                              \
        ck_assert_int_lt(full, 500);                                            \
        for (size_t room = 0; room <= (size_t)full + 2; room++) {               \
            memset(want, '#', sizeof want);                                     \
            memset(got, '#', sizeof got);                                       \
            int a = call(vsnprintf, want, room, __VA_ARGS__);                         \
            int b = call(strfmt_v, got, room, __VA_ARGS__);                        \
            ck_assert_int_eq(a, b);                                             \
            ck_assert_msg(memcmp(want, got, sizeof want) == 0,                  \
                          "room %zu: \"%.*s\" vs \"%.*s\"", room,               \
                          (int)room, want, (int)room, got);                     \
        }                                                                       \
    } while (0)

START_TEST(test_strings)
{
    const char *null = NULL;
    SAME("plain text, no conversion");
    SAME("");
    SAME("%s", "");
    SAME("%s", "abc");
    SAME("connections.%s.children.%s.esp_proposals", "site-a", "net-1");
    SAME("'%s' and '%s'%s", "x", "", "!");
    SAME("%s", null);
    SAME("100%% sure, %s%%", "50");
    SAME("%c%c%c", 'a', '-', 'z');
    SAME("%.*s|", 3, "abcdef");
    SAME("%.*s|", 10, "abc");
    SAME("%.*s|", 0, "abc");
    SAME("UTF-8 %s kept whole", "gr\xc3\xbc\xc3\x9f");
}
END_TEST

START_TEST(test_integers)
{
    SAME("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
    SAME("%i|%u|%u", 42, 0u, UINT_MAX);
    SAME("%ld %ld %lu", LONG_MAX, LONG_MIN, ULONG_MAX);
    SAME("%lld %lld %llu", LLONG_MAX, LLONG_MIN, ULLONG_MAX);
    SAME("%zu %zu", (size_t)0, SIZE_MAX);
    SAME("[%lld] phase %d, %zu line%s", 123456789012LL, 2, (size_t)1, "");
}
END_TEST

/* Everything else goes to vsnprintf whole, arguments before it included. */
START_TEST(test_fallback)
{
    const char *null = NULL;
    SAME("%s then %-8s|", "a", "b");
    SAME("%d and %5d", 1, 2);
    SAME("confidence %.2f", 0.875);
    SAME("%s %x %s", "a", 255u, "b");
    SAME("%    %s", "x");
    SAME("%.*s|", -1, "negative precision: all");
    SAME("%.*s|", 2, null);
    SAME("%s %6llu: %s", "ev", 12ULL, "line");
    SAME("%hd %hhu", (short)-3, (unsigned char)200);
}
END_TEST

static Suite *strfmt_suite(void)
{
    Suite *s = suite_create("strfmt");
    TCase *tc = tcase_create("like_vsnprintf");
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_fallback);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(strfmt_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
