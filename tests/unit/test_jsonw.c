/*
 * test_jsonw.c - the JSON writer (src/jsonw.c) against jansson, which it
 * replaced byte for byte: string escapes (word-at-a-time scan, runs, room
 * grown by escapes), invalid UTF-8 repair, numbers, indentation deeper
 * than one copy of spaces, compact layout; the jw_put_* pieces and the
 * compact diagnosis written with them (diagnosis.c) against the jsonw
 * writer. (The compact document and idg_diagnosis_json_append are also in
 * test_report.c.)
 */
#include <math.h>
#include <check.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_json.h"
#include "jsonw.h"
#include "utf8.h"

/* jansson's text for a value, as the report's tree dumped it. */
static char *jansson_text(json_t *v, size_t flags)
{
    char *s = json_dumps(v, flags | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(v);
    return s;
}

/* What the old writer gave for s: valid UTF-8 as jansson dumps it, other
 * text with every non-ASCII byte replaced by '?'. */
static char *reference_string(const char *s)
{
    size_t n = strlen(s);
    char *c = strdup(s);
    if (!utf8_valid(s, n))
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)c[i] >= 0x80)
                c[i] = '?';
    char *out = jansson_text(json_string(c), 0);
    free(c);
    return out;
}

static char *written_string(const char *s)
{
    strbuf sb = STRBUF_INIT;
    jsonw w;
    jw_init(&w, &sb, 2);
    jw_str_or_null(&w, s);
    return strbuf_steal(&sb);
}

static uint64_t rng = 88172645463325252ull;
static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

START_TEST(strings_escape_as_jansson)
{
    static const char *const pieces[] = {
        "a", "plain text ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "/",
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", /* valid: é € 😀 */
        "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", /* invalid */
        "0123456789abcdef0123456789ABCDEF",
    };
    char buf[600];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0, parts = next_rand() % 24;
        int ascii_only = round % 3 == 0, no_invalid = round % 2 == 0;
        for (size_t k = 0; k < parts; k++) {
            size_t p = next_rand() % (sizeof pieces / sizeof pieces[0]);
            if (ascii_only && (unsigned char)pieces[p][0] >= 0x80)
                continue;
            if (no_invalid && p >= 13 && p <= 17)
                continue;
            size_t pl = strlen(pieces[p]);
            if (len + pl >= sizeof buf)
                break;
            memcpy(buf + len, pieces[p], pl);
            len += pl;
        }
        buf[len] = '\0';
        char *want = reference_string(buf), *got = written_string(buf);
        ck_assert_ptr_nonnull(want);
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, want);
        free(want);
        free(got);
    }
}
END_TEST

START_TEST(every_byte_at_every_offset)
{
    /* each byte value at each position of a 40-byte string: crosses the
     * 16- and 8-byte scan steps and their tails */
    char buf[41];
    for (int c = 1; c < 256; c++)
        for (int at = 0; at < 40; at++) {
            memset(buf, 'x', 40);
            buf[40] = '\0';
            buf[at] = (char)c;
            char *want = reference_string(buf), *got = written_string(buf);
            ck_assert_str_eq(got, want);
            free(want);
            free(got);
        }
}
END_TEST

START_TEST(escapes_grow_the_room)
{
    /* every byte escaped (6x) or doubled (2x), long enough to outgrow the
     * room taken for the plain text several times over */
    size_t n = 100000;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (i % 3 == 0) ? '\x01' : (i % 3 == 1) ? '"' : 'a';
    s[n] = '\0';
    char *want = reference_string(s), *got = written_string(s);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    /* invalid UTF-8 at the very end, after escapes grew the room */
    s[n - 1] = '\xff';
    want = reference_string(s);
    got = written_string(s);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    free(s);
}
END_TEST

START_TEST(numbers_as_jansson)
{
    static const int64_t ints[] = {0, 1, -1, 9, 10, 99, 100, 12345, -98765,
                                   INT64_MAX, INT64_MIN, (int64_t)UINT32_MAX + 1};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        strbuf sb = STRBUF_INIT;
        jsonw w;
        jw_init(&w, &sb, 0);
        jw_int(&w, ints[i]);
        char *got = strbuf_steal(&sb), *want = jansson_text(json_integer(ints[i]), 0);
        ck_assert_str_eq(got, want);
        free(got);
        free(want);
    }
    /* the hundredths fast path and the printf path around it */
    for (int k = 0; k <= 120000; k += (k < 2000 ? 1 : 7)) {
        double vs[] = {k / 100.0, k / 1000.0, -k / 100.0, k * 12.5, k / 3.0};
        for (size_t j = 0; j < sizeof vs / sizeof vs[0]; j++) {
            strbuf sb = STRBUF_INIT;
            jsonw w;
            jw_init(&w, &sb, 0);
            ck_assert_int_eq(jw_real(&w, vs[j]), 0);
            char *got = strbuf_steal(&sb), *want = jansson_text(json_real(vs[j]), 0);
            ck_assert_msg(strcmp(got, want) == 0, "%.17g: %s, jansson %s", vs[j], got, want);
            free(got);
            free(want);
        }
    }
}
END_TEST

/* Nested arrays and objects deep enough that the indentation needs more
 * than one copy of the spaces (indent 8 x depth 12 = 96). */
static void nest(jsonw *w, int depth)
{
    if (depth == 0) {
        jw_str(w, "leaf");
        return;
    }
    jw_obj_begin(w);
    JW_KEY(w, "k");
    jw_arr_begin(w);
    nest(w, depth - 1);
    jw_int(w, depth);
    jw_arr_end(w);
    jw_key(w, "e\"mpty");
    jw_obj_begin(w);
    jw_obj_end(w);
    jw_obj_end(w);
}

static json_t *nest_j(int depth)
{
    if (depth == 0)
        return json_string("leaf");
    json_t *o = json_object(), *a = json_array();
    json_array_append_new(a, nest_j(depth - 1));
    json_array_append_new(a, json_integer(depth));
    json_object_set_new(o, "k", a);
    json_object_set_new(o, "e\"mpty", json_object());
    return o;
}

START_TEST(layout_as_jansson)
{
    for (int indent = 0; indent <= 8; indent += 2) {
        strbuf sb = STRBUF_INIT;
        jsonw w;
        jw_init(&w, &sb, indent);
        nest(&w, 6);
        char *got = strbuf_steal(&sb);
        char *want = jansson_text(nest_j(6), indent ? JSON_INDENT(indent) : JSON_COMPACT);
        ck_assert_str_eq(got, want);
        free(got);
        free(want);
    }
}
END_TEST

/* Compact text of every shape (nesting, empty containers, keys and
 * strings holding the structural bytes and escaped quotes) comes out of
 * jw_compact_value as jansson lays out the same value, at every indent,
 * also as a member inside a document the writer already has open. */
START_TEST(compact_value_as_jansson)
{
    json_t *tricky = json_pack("{s:[s,s,i,f,n,b],s:{},s:[],s:{s:s}}", "a:b,c", "x\"}]", "{[,:]}", -12,
                               0.25, 1, "e\"mpty", "arr", "o", "k\\\"", "\xc3\xa9\x01");
    json_t *values[] = {nest_j(6), tricky, json_integer(7), json_string("s"), json_array(),
                        json_object()};
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        char *compact = json_dumps(values[v], JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER |
                                                  JSON_REAL_PRECISION(6));
        for (int indent = 0; indent <= 8; indent += 2) {
            size_t flags = indent ? JSON_INDENT(indent) : JSON_COMPACT;
            strbuf sb = STRBUF_INIT;
            jsonw w;
            jw_init(&w, &sb, indent);
            jw_compact_value(&w, compact, strlen(compact));
            char *got = strbuf_steal(&sb);
            json_incref(values[v]);
            char *want = jansson_text(values[v], flags);
            ck_assert_str_eq(got, want);
            free(got);
            free(want);

            /* inside a document: [1, value, {"k": value}] */
            jw_init(&w, &sb, indent);
            jw_arr_begin(&w);
            jw_int(&w, 1);
            jw_compact_value(&w, compact, strlen(compact));
            jw_obj_begin(&w);
            JW_KEY(&w, "k");
            jw_compact_value(&w, compact, strlen(compact));
            jw_obj_end(&w);
            jw_arr_end(&w);
            got = strbuf_steal(&sb);
            json_t *doc = json_pack("[i,O,{s:O}]", 1, values[v], "k", values[v]);
            want = jansson_text(doc, flags);
            ck_assert_str_eq(got, want);
            free(got);
            free(want);
        }
        free(compact);
        json_decref(values[v]);
    }
}
END_TEST

START_TEST(two_specials_at_every_offset)
{
    /* two bytes that need a look (or a plain one right after one that
     * does: a control byte's borrow must not flag the space after it) at
     * every pair of positions of strings of every length up to 34, so the
     * last byte falls at every place of a 16- and an 8-byte word and the
     * tail loads overlap bytes already escaped */
    static const char first[] = {'\x01', '"', '\x1f', '\xff', '\x0a'};
    static const char second[] = {' ', '!', '\\', '\x1f', '\xc3'};
    char buf[35];
    for (int len = 1; len <= 34; len++)
        for (int p = 0; p < len; p++)
            for (int q = p + 1; q <= len; q++)
                for (size_t a = 0; a < sizeof first; a++)
                    for (size_t b = 0; b < sizeof second; b++) {
                        memset(buf, (len & 1) ? ' ' : 'y', (size_t)len);
                        buf[len] = '\0';
                        buf[p] = first[a];
                        if (q < len)
                            buf[q] = second[b];
                        char *want = reference_string(buf), *got = written_string(buf);
                        ck_assert_msg(strcmp(got, want) == 0, "len %d at %d,%d: %s, want %s",
                                      len, p, q, got, want);
                        free(want);
                        free(got);
                    }
}
END_TEST

/* The compact text of one value written by jsonw (in an array, so it is
 * a member) or by a jw_put_* function, for comparing the two. */
static char *in_array(void (*put)(jsonw *w, strbuf *sb, const void *arg), const void *arg,
                      int through_jsonw)
{
    strbuf sb = STRBUF_INIT;
    jsonw w;
    jw_init(&w, &sb, 0);
    if (through_jsonw) {
        jw_arr_begin(&w);
        put(&w, NULL, arg);
        jw_arr_end(&w);
    } else {
        JW_LIT(&sb, "[");
        put(NULL, &sb, arg);
        JW_LIT(&sb, "]");
    }
    return strbuf_steal(&sb);
}

static void put_str_or_null(jsonw *w, strbuf *sb, const void *arg)
{
    if (w)
        jw_str_or_null(w, arg);
    else
        jw_put_str_or_null(sb, arg);
}

static void put_int(jsonw *w, strbuf *sb, const void *arg)
{
    if (w)
        jw_int(w, *(const int64_t *)arg);
    else
        jw_put_int(sb, *(const int64_t *)arg);
}

static void put_real(jsonw *w, strbuf *sb, const void *arg)
{
    if (w)
        jw_real(w, *(const double *)arg);
    else
        jw_put_real(sb, *(const double *)arg);
}

static void put_key_str(jsonw *w, strbuf *sb, const void *arg)
{
    if (w) {
        jw_obj_begin(w);
        jw_key_str(w, "k", arg);
        jw_obj_end(w);
    } else {
        JW_LIT(sb, "{");
        jw_put_key_str(sb, "\"k\":", 4, arg);
        JW_LIT(sb, "}");
    }
}

static void same_in_both(void (*put)(jsonw *w, strbuf *sb, const void *arg), const void *arg)
{
    char *a = in_array(put, arg, 1), *b = in_array(put, arg, 0);
    ck_assert_str_eq(b, a);
    free(a);
    free(b);
}

START_TEST(put_pieces_as_jsonw)
{
    static const char *const strs[] = {NULL, "", "plain", "tab\there \"q\" \\",
                                       "caf\xc3\xa9", "bad \xff utf-8 \xc3\xa9"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        same_in_both(put_str_or_null, strs[i]);
        same_in_both(put_key_str, strs[i]);
    }
    static const int64_t ints[] = {0, 7, 10, 99, 100, 101, 999, 1000, 123456789,
                                   -1, -10, -100, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        same_in_both(put_int, &ints[i]);
    for (int64_t v = 1; v > 0 && v < INT64_MAX / 7; v = v * 7 + 3) {
        same_in_both(put_int, &v);
        int64_t m = -v;
        same_in_both(put_int, &m);
    }
    static const double reals[] = {0, 0.5, 0.95, 1, 1e-7, 123456789.0, -2.5};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        same_in_both(put_real, &reals[i]);
    strbuf sb = STRBUF_INIT;
    ck_assert_int_eq(jw_put_real(&sb, NAN), -1);
    ck_assert_int_eq(jw_put_real(&sb, INFINITY), -1);
    ck_assert_uint_eq(sb.len, 0);
    strbuf_free(&sb);
}
END_TEST

/* A diagnosis' JSON is written once, compact (diagnosis.c): through a
 * compact jsonw it is that text, through a pretty one that text laid out
 * as jansson lays out the same document (jw_compact_value), and
 * idg_diagnosis_json_append appends the same text. */
static void diagnosis_as_jsonw(const idg_diagnosis *d)
{
    strbuf sb = STRBUF_INIT;
    jsonw w;
    jw_init(&w, &sb, 0);
    diagnosis_write_json(&w, d);
    char *want = strbuf_steal(&sb), *got = idg_diagnosis_to_json(d);
    ck_assert_str_eq(got, want);
    for (int indent = 2; indent <= 4; indent += 2) {
        jw_init(&w, &sb, indent);
        diagnosis_write_json(&w, d);
        char *pretty = strbuf_steal(&sb);
        json_error_t err;
        json_t *parsed = json_loads(want, 0, &err);
        ck_assert_msg(parsed != NULL, "not JSON: %s (%s)", want, err.text);
        char *ref = jansson_text(parsed, JSON_INDENT(indent));
        ck_assert_str_eq(pretty, ref);
        free(ref);
        free(pretty);
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ck_assert_int_eq(idg_diagnosis_json_append(d, &buf, &len, &cap), 0);
    ck_assert_int_eq(idg_diagnosis_json_append(d, &buf, &len, &cap), 0);
    ck_assert_uint_eq(len, 2 * strlen(want));
    ck_assert(memcmp(buf, want, len / 2) == 0 && memcmp(buf + len / 2, want, len / 2) == 0);
    free(buf);
    free(want);
    free(got);
}

START_TEST(compact_diagnosis_as_jsonw)
{
    static const idg_offending off[] = {
        {"phase1.encryption", "aes128", "aes256"},
        {NULL, "x\"y", NULL},
        {"f", "bad \xff", "\x01\x02"},
    };
    static const idg_evidence ev[] = {
        {1, "Nov 27 10:00:00 charon: 09[IKE] <c|1> initiating"},
        {18446744073709551615ull, NULL},
        {42, "tab\there"},
    };
    idg_diagnosis d;
    memset(&d, 0, sizeof d);
    d.ike_sa_id = -1;
    diagnosis_as_jsonw(&d); /* every string NULL, no arrays */
    for (int round = 0; round < 64; round++) {
        memset(&d, 0, sizeof d);
        d.cls = (idg_class)(round % 3 == 2 ? IDG_CLASS__COUNT + 1 : round % IDG_CLASS__COUNT);
        d.phase = 1 + round % 2;
        d.severity = (idg_severity)(round % 3);
        d.title = round & 1 ? "A title" : NULL;
        d.detail = round & 2 ? "detail \xc3\xa9 \"quoted\"" : round & 4 ? "bad \xc3" : NULL;
        d.ike_version = round % 3;
        d.role = (idg_role)(round % 3);
        d.connection = round & 8 ? "conn-1" : NULL;
        d.ike_sa_id = round & 16 ? (int64_t)round * 1000003 : -1;
        d.child_name = round & 4 ? "child" : NULL;
        d.local_addr = "192.0.2.1";
        d.remote_addr = round & 1 ? "198.51.100.7" : NULL;
        d.time = round & 2 ? "Nov 27 10:00:01" : NULL;
        d.confidence = round % 5 == 4 ? NAN : round / 64.0;
        d.n_offending = (size_t)round % 4;
        d.offending = off;
        d.summary = round & 32 ? "Change it" : NULL;
        d.change_side = "peer";
        d.pfsense = round & 8 ? "VPN > IPsec" : NULL;
        d.strongswan = round & 16 ? "proposals = aes256" : NULL;
        d.n_evidence = (size_t)round % 4;
        d.evidence = ev;
        d.source = round & 1 ? "a.log" : NULL;
        d.peer_source = round % 3 == 0 ? "b.log" : round % 3 == 1 ? "bad \xff" : NULL;
        d.occurrences = (uint64_t)round % 3;
        d.last_time = round & 4 ? "Nov 27 10:05:00" : round & 8 ? "bad \xe2\x82" : NULL;
        diagnosis_as_jsonw(&d);
    }
}
END_TEST

static Suite *jsonw_suite(void)
{
    Suite *s = suite_create("jsonw");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, strings_escape_as_jansson);
    tcase_add_test(tc, every_byte_at_every_offset);
    tcase_add_test(tc, escapes_grow_the_room);
    tcase_add_test(tc, numbers_as_jansson);
    tcase_add_test(tc, layout_as_jansson);
    tcase_add_test(tc, two_specials_at_every_offset);
    tcase_add_test(tc, put_pieces_as_jsonw);
    tcase_add_test(tc, compact_diagnosis_as_jsonw);
    tcase_add_test(tc, compact_value_as_jansson);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(jsonw_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
