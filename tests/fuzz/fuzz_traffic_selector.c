/*
 * fuzz_traffic_selector.c - ts_parse / ts_list_parse / comparisons / format.
 *
 * Input: "<a>\n<b>" (no '\n': b = a). Each side is parsed as one selector
 * and as a list, from exact-size copies (no terminator). Checked:
 *   - text, proto and ports terminated inside their fields; family 0, 4 or
 *     6; prefix -1 or within the family's bit length;
 *   - reflexivity: ts_equal(x, x), ts_contains(x, x), ts_list_equal(l, l),
 *     ts_list_covers(l, l);
 *   - equal implies contained both ways; list equality is symmetric;
 *   - a selector's normalised text parses again to an equal selector;
 *   - ts_list_format never writes past n, always terminates, and writes a
 *     prefix of the full text, for buffer sizes from 1 to the full length.
 */
#include "fuzz_common.h"
#include "traffic_selector.h"

static void check_ts(const traffic_selector *t)
{
    fuzz_check(memchr(t->text, '\0', sizeof t->text) != NULL, "text not terminated");
    fuzz_check(memchr(t->proto, '\0', sizeof t->proto) != NULL, "proto not terminated");
    fuzz_check(memchr(t->ports, '\0', sizeof t->ports) != NULL, "ports not terminated");
    fuzz_check(t->family == 0 || t->family == 4 || t->family == 6, "family %d", t->family);
    /* an opaque (redacted) selector keeps any prefix up to 128: its family
     * is unknown */
    fuzz_check(t->prefix >= -1 && t->prefix <= (t->family == 4 ? 32 : 128),
               "prefix %d for family %d", t->prefix, t->family);
    fuzz_check(ts_equal(t, t), "ts_equal(x, x) is 0 for '%s'", t->text);
    fuzz_check(ts_contains(t, t), "ts_contains(x, x) is 0 for '%s'", t->text);
}

static void check_list(const ts_list *l, size_t n)
{
    fuzz_check(n == l->count && n <= TS_LIST_MAX, "returned %zu, count %zu", n, l->count);
    for (size_t i = 0; i < l->count; i++)
        check_ts(&l->items[i]);
    fuzz_check(ts_list_equal(l, l), "ts_list_equal(l, l) is 0");
    fuzz_check(ts_list_covers(l, l), "ts_list_covers(l, l) is 0");
}

static void check_format(const ts_list *l)
{
    char full[TS_LIST_MAX * (TS_TEXT_MAX + 64)], small[sizeof full + 16];
    size_t len = ts_list_format(l, full, sizeof full);
    fuzz_check(len < sizeof full && strlen(full) == len, "format length %zu, strlen %zu", len,
               strlen(full));
    const size_t sizes[] = {1, 2, 3, 5, 9, len / 3 + 1, len / 2 + 1, len > 1 ? len - 1 : 1,
                            len, len + 1};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        if (n == 0 || n > len + 1)
            continue;
        memset(small, 0x5A, n + 16);
        size_t w = ts_list_format(l, small, n);
        fuzz_check(w < n && small[w] == '\0' && strlen(small) == w,
                   "n %zu: returned %zu, not terminated there", n, w);
        fuzz_check(memcmp(small, full, w) == 0, "n %zu: not a prefix of the full text", n);
        for (size_t k = n; k < n + 16; k++)
            fuzz_check((unsigned char)small[k] == 0x5A, "n %zu: wrote at %zu", n, k);
    }
}

static void side(const uint8_t *p, size_t n, traffic_selector *t, int *ok, ts_list *l)
{
    char *s = fuzz_dup_exact(p, n);
    memset(t, 0xA5, sizeof *t);
    *ok = ts_parse(s, n, t) == 0;
    if (*ok) {
        check_ts(t);
        /* the normalised text reads back as the same selector */
        traffic_selector again;
        size_t tn = strlen(t->text);
        char *txt = fuzz_dup_exact(t->text, tn);
        if (ts_parse(txt, tn, &again) == 0 && t->proto[0] == '\0' && t->ports[0] == '\0')
            fuzz_check(ts_equal(t, &again), "'%s' does not read back as itself", t->text);
        free(txt);
    }
    memset(l, 0xA5, sizeof *l);
    size_t k = ts_list_parse(s, n, l);
    check_list(l, k);
    check_format(l);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ts_list la, lb;
    traffic_selector a, b;
    int oka, okb;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t an = nl ? (size_t)(nl - data) : size;
    const uint8_t *bp = nl ? nl + 1 : data;
    size_t bn = nl ? size - an - 1 : size;

    side(data, an, &a, &oka, &la);
    side(bp, bn, &b, &okb, &lb);
    if (oka && okb) {
        int eq = ts_equal(&a, &b);
        fuzz_check(eq == ts_equal(&b, &a), "ts_equal not symmetric");
        if (eq)
            fuzz_check(ts_contains(&a, &b) && ts_contains(&b, &a),
                       "'%s' equals '%s' but does not contain it", a.text, b.text);
    }
    fuzz_check(ts_list_equal(&la, &lb) == ts_list_equal(&lb, &la), "ts_list_equal not symmetric");
    (void)ts_list_covers(&la, &lb);
    (void)ts_list_covers(&lb, &la);
    if (la.count < TS_LIST_MAX && okb) {
        size_t before = la.count;
        fuzz_check(ts_list_add(&la, &b) == 0, "ts_list_add failed below TS_LIST_MAX");
        fuzz_check(la.count == before + 1, "ts_list_add did not add");
        check_format(&la);
    }
    return 0;
}
