/*
 * test_utf8.c - the UTF-8 validator, cutter and repairer (src/utf8.h).
 *
 * Hand-picked edges (overlongs, surrogates, past U+10FFFF, truncated
 * sequences, NUL, cut points), every position of a bad byte around the
 * 8-byte ASCII fast path, and the sequence test against an independent
 * decoder (code point arithmetic, as jansson checks) over all 1- to
 * 3-byte inputs and the telling 4-byte ones.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* ---- an independent reference ------------------------------------------ */

/* Length of the well-formed sequence at s (avail bytes), or 0: decode the
 * code point, then reject what is overlong, a surrogate or too large. */
static size_t ref_seq_len(const unsigned char *s, size_t avail)
{
    if (avail == 0)
        return 0;
    unsigned c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, v = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, v = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, v = c & 0x07;
    else
        return 0;
    if (avail < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return len;
}

static size_t seq(const char *s, size_t n) { return utf8_seq_len(s, n); }

/* ---- single sequences ----------------------------------------------------- */

START_TEST(test_seq_edges)
{
    static const struct {
        const char *s;
        size_t n, len;
    } cases[] = {
        {"A", 1, 1},
        {"\0", 1, 1},                 /* NUL is well-formed */
        {"\x7f", 1, 1},
        {"\x80", 1, 0},               /* lone continuation */
        {"\xbf", 1, 0},
        {"\xc0\x80", 2, 0},           /* overlong NUL */
        {"\xc1\xbf", 2, 0},           /* overlong U+007F */
        {"\xc2\x80", 2, 2},           /* U+0080 */
        {"\xdf\xbf", 2, 2},           /* U+07FF */
        {"\xe0\x80\x80", 3, 0},       /* overlong */
        {"\xe0\x9f\xbf", 3, 0},       /* overlong U+07FF */
        {"\xe0\xa0\x80", 3, 3},       /* U+0800 */
        {"\xed\x9f\xbf", 3, 3},       /* U+D7FF */
        {"\xed\xa0\x80", 3, 0},       /* U+D800, a surrogate */
        {"\xed\xbf\xbf", 3, 0},       /* U+DFFF */
        {"\xee\x80\x80", 3, 3},       /* U+E000 */
        {"\xef\xbf\xbf", 3, 3},       /* U+FFFF */
        {"\xf0\x80\x80\x80", 4, 0},   /* overlong */
        {"\xf0\x8f\xbf\xbf", 4, 0},   /* overlong U+FFFF */
        {"\xf0\x90\x80\x80", 4, 4},   /* U+10000 */
        {"\xf4\x8f\xbf\xbf", 4, 4},   /* U+10FFFF */
        {"\xf4\x90\x80\x80", 4, 0},   /* U+110000 */
        {"\xf5\x80\x80\x80", 4, 0},   /* lead past U+10FFFF */
        {"\xf7\xbf\xbf\xbf", 4, 0},
        {"\xf8\x88\x80\x80\x80", 5, 0}, /* 5-byte form */
        {"\xfe", 1, 0},
        {"\xff", 1, 0},
        {"\xc3", 1, 0},               /* truncated */
        {"\xe2\x82", 2, 0},
        {"\xf0\x9f\x98", 3, 0},
        {"\xc3\xa9", 1, 0},           /* complete, but only 1 byte available */
        {"\xe2\x28\xa1", 3, 0},       /* bad second byte */
        {"\xe2\x82\x28", 3, 0},       /* bad third byte */
        {"\xf0\x9f\x98\x28", 4, 0},   /* bad fourth byte */
        {"\xc3\x00", 2, 0},           /* NUL is no continuation */
        {"", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t got = seq(cases[i].s, cases[i].n);
        ck_assert_msg(got == cases[i].len, "case %zu: got %zu, want %zu", i, got, cases[i].len);
        ck_assert_uint_eq(ref_seq_len((const unsigned char *)cases[i].s, cases[i].n), cases[i].len);
    }
}
END_TEST

/* Every 1-, 2- and 3-byte input, with every amount of it available. */
START_TEST(test_seq_exhaustive_short)
{
    unsigned char b[4] = {0};
    for (unsigned x = 0; x < 0x1000000; x++) {
        b[0] = (unsigned char)(x >> 16);
        b[1] = (unsigned char)(x >> 8);
        b[2] = (unsigned char)x;
        if (b[0] < 0x80 && (x & 0xFFFF))
            continue; /* ASCII leads: the rest does not matter */
        for (size_t n = 0; n <= 3; n++) {
            size_t want = ref_seq_len(b, n), got = seq((const char *)b, n);
            if (got != want)
                ck_abort_msg("%02x %02x %02x (n %zu): got %zu, want %zu", b[0], b[1], b[2], n,
                             got, want);
        }
    }
}
END_TEST

/* 4-byte inputs: every lead, tails from the bytes where the rules change. */
START_TEST(test_seq_four_bytes)
{
    static const unsigned char tails[] = {0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90,
                                          0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf0, 0xff};
    const size_t nt = sizeof tails;
    unsigned char b[4];
    for (unsigned lead = 0x80; lead <= 0xff; lead++)
        for (size_t i = 0; i < nt; i++)
            for (size_t j = 0; j < nt; j++)
                for (size_t k = 0; k < nt; k++) {
                    b[0] = (unsigned char)lead, b[1] = tails[i], b[2] = tails[j], b[3] = tails[k];
                    ck_assert_uint_eq(seq((const char *)b, 4), ref_seq_len(b, 4));
                }
}
END_TEST

/* ---- validation ------------------------------------------------------------ */

START_TEST(test_valid_prefix)
{
    ck_assert_uint_eq(utf8_valid_prefix("", 0), 0);
    ck_assert(utf8_valid("", 0));
    const char ok[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 plain ASCII after the emoji";
    ck_assert(utf8_valid(ok, sizeof ok - 1));
    /* NUL is valid here (the repairs decide about it) */
    ck_assert(utf8_valid("a\0b\0\0\0\0\0\0\0\0\0c", 13));
    /* a truncated sequence at the very end */
    ck_assert_uint_eq(utf8_valid_prefix("0123456789\xe2\x82", 12), 10);
    ck_assert(!utf8_valid("0123456789\xe2\x82", 12));
    ck_assert_uint_eq(utf8_valid_prefix("\xc3\xa9\xed\xa0\x80", 5), 2); /* surrogate */
    ck_assert_uint_eq(utf8_valid_prefix("abcdefgh\xc0\x80", 10), 8);    /* overlong */
    ck_assert_uint_eq(utf8_valid_prefix("abcdefghijklmnop\xf4\x90\x80\x80", 20), 16);
}
END_TEST

/* A bad byte (and a good sequence) at every offset around the word steps. */
START_TEST(test_valid_prefix_positions)
{
    char buf[64];
    for (size_t at = 0; at < 40; at++) {
        for (size_t len = at + 1; len <= 48; len++) {
            memset(buf, 'x', sizeof buf);
            buf[at] = (char)0xff;
            ck_assert_uint_eq(utf8_valid_prefix(buf, len), at);
            /* a valid 4-byte sequence there instead, cut or whole */
            memcpy(buf + at, "\xf0\x9f\x98\x80", 4);
            size_t want = len >= at + 4 ? len : at;
            ck_assert_uint_eq(utf8_valid_prefix(buf, len), want);
        }
    }
}
END_TEST

/* ---- repair in place --------------------------------------------------------- */

START_TEST(test_replace_invalid)
{
    char a[] = "ok \xc3\xa9 \xf0\x9f\x98\x80 bad \xc3 \xe0\x80\x80 \xf5\x80\x80\x80 \xed\xbf\xbf";
    utf8_replace_invalid(a, sizeof a - 1, UTF8_NUL_INVALID);
    ck_assert_str_eq(a, "ok \xc3\xa9 \xf0\x9f\x98\x80 bad ? ??? ???? ???");

    /* truncated at the end: one '?' per byte */
    char b[] = "abc\xe2\x82";
    utf8_replace_invalid(b, sizeof b - 1, 0);
    ck_assert_str_eq(b, "abc??");

    /* a bad lead does not swallow the ASCII after it */
    char c[] = "\xe2(x\xc3";
    utf8_replace_invalid(c, sizeof c - 1, 0);
    ck_assert_str_eq(c, "?(x?");
}
END_TEST

START_TEST(test_replace_nul_and_controls)
{
    /* without flags NUL and controls stay */
    char a[] = "a\0b\tc\x7f" "d";
    utf8_replace_invalid(a, sizeof a - 1, 0);
    ck_assert(memcmp(a, "a\0b\tc\x7f" "d", sizeof a) == 0);

    /* NUL -> '?', in a word of the fast path and in the tail */
    char b[] = "0123456789\0abcdef\0gh";
    utf8_replace_invalid(b, sizeof b - 1, UTF8_NUL_INVALID);
    ck_assert(memcmp(b, "0123456789?abcdef?gh", sizeof b) == 0);

    /* controls (NUL included) and DEL -> '?'; space, '~' and UTF-8 stay */
    char c[] = "tab\there\x1f\x7f\0 ~\xc3\xa9\x01";
    utf8_replace_invalid(c, sizeof c - 1, UTF8_CONTROLS_INVALID);
    ck_assert(memcmp(c, "tab?here??? ~\xc3\xa9?", sizeof c) == 0);
}
END_TEST

/* The result is valid and only the bad bytes changed, at every offset. */
START_TEST(test_replace_positions)
{
    char buf[64], want[64];
    for (size_t at = 0; at < 40; at++) {
        memset(buf, 'x', sizeof buf);
        buf[at] = (char)0x80;
        if (at + 3 < sizeof buf)
            memcpy(buf + at + 1, "\xe2\x82\xac", 3);
        memcpy(want, buf, sizeof buf);
        want[at] = '?';
        utf8_replace_invalid(buf, sizeof buf, UTF8_NUL_INVALID);
        ck_assert(memcmp(buf, want, sizeof buf) == 0);
        ck_assert(utf8_valid(buf, sizeof buf));
    }
}
END_TEST

/* ---- cutting ------------------------------------------------------------------- */

START_TEST(test_cut)
{
    /* "a" "é" (2) "€" (3) "😀" (4) "z": boundaries 0 1 3 6 10 11 */
    const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
    const size_t n = sizeof s - 1;
    static const size_t want[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11};
    for (size_t max = 0; max <= n; max++) {
        size_t k = utf8_cut(s, n, max);
        ck_assert_msg(k == want[max], "max %zu: got %zu, want %zu", max, k, want[max]);
        ck_assert(utf8_valid(s, k));
    }
    ck_assert_uint_eq(utf8_cut(s, n, 1000), n); /* n <= max: n itself */
    ck_assert_uint_eq(utf8_cut(s, 2, 5), 2);   /* even a split one: not checked then */
    ck_assert_uint_eq(utf8_cut("abc", 3, 0), 0);
    ck_assert_uint_eq(utf8_cut("abc\0def", 7, 3), 3); /* NUL is a boundary */
}
END_TEST

/* ---- encoding -------------------------------------------------------------------- */

/* Pictographs and blanks that end a line go; letters, punctuation and a
 * pictograph inside the text stay. */
START_TEST(test_trim_pictographs)
{
    static const struct {
        const char *in;
        size_t keep;
    } cases[] = {
        {"established between a[b]...c[d]\xF0\x9F\x93\x8C", 31},          /* U+1F4CC pushpin */
        {"established between a[b]...c[d] \xE2\x9C\x85 ", 31},             /* U+2705 check mark */
        {"x]\xE2\x9A\xA0\xEF\xB8\x8F", 2},                                 /* U+26A0 + VS16 */
        {"x] \xF0\x9F\x91\x89\xF0\x9F\x8F\xBD", 2},                       /* pointing hand + skin tone */
        {"sending 'Jos\xC3\xA9'", 15},                                      /* a letter stays */
        {"CN=M\xC3\xBCller", 10},
        {"\xE2\x86\x92 arrow first, text last", 26},                        /* inside: stays */
        {"\xF0\x9F\x93\x8C", 0},
        {"", 0},
        {"truncated \xF0\x9F\x93", 13},                                      /* not well-formed: kept */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(utf8_trim_pictographs(cases[i].in, strlen(cases[i].in)) == cases[i].keep,
                      "case %zu: %zu", i, utf8_trim_pictographs(cases[i].in, strlen(cases[i].in)));
}
END_TEST

START_TEST(test_put)
{
    static const struct {
        uint32_t cp;
        const char *out;
    } cases[] = {
        {0x41, "A"},
        {0x7f, "\x7f"},
        {0x80, "\xc2\x80"},
        {0x7ff, "\xdf\xbf"},
        {0x800, "\xe0\xa0\x80"},
        {0xd7ff, "\xed\x9f\xbf"},
        {0xe000, "\xee\x80\x80"},
        {0xffff, "\xef\xbf\xbf"},
        {0x10000, "\xf0\x90\x80\x80"},
        {0x10ffff, "\xf4\x8f\xbf\xbf"},
        {0, "?"},
        {0xd800, "?"},
        {0xdfff, "?"},
        {0x110000, "?"},
        {0xffffffff, "?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[8];
        char *end = utf8_put(buf, cases[i].cp);
        size_t len = (size_t)(end - buf);
        ck_assert_uint_eq(len, strlen(cases[i].out));
        ck_assert(memcmp(buf, cases[i].out, len) == 0);
        ck_assert(utf8_valid(buf, len));
    }
}
END_TEST

static Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *sq = tcase_create("sequence");
    tcase_set_timeout(sq, 60);
    tcase_add_test(sq, test_seq_edges);
    tcase_add_test(sq, test_seq_exhaustive_short);
    tcase_add_test(sq, test_seq_four_bytes);
    suite_add_tcase(s, sq);

    TCase *text = tcase_create("text");
    tcase_add_test(text, test_valid_prefix);
    tcase_add_test(text, test_valid_prefix_positions);
    tcase_add_test(text, test_replace_invalid);
    tcase_add_test(text, test_replace_nul_and_controls);
    tcase_add_test(text, test_replace_positions);
    tcase_add_test(text, test_cut);
    tcase_add_test(text, test_put);
    tcase_add_test(text, test_trim_pictographs);
    suite_add_tcase(s, text);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(utf8_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
