/*
 * fuzz_envelope.c - envelope_parse / envelope_classify on single lines.
 *
 * The input is split on '\n' into physical lines (as the line source would
 * hand them, without the newline). For each line:
 *   1. envelope_parse on an exact-size copy (no terminator, so ASan sees any
 *      read or write past the end): the in-place rewrite (UTF-8 repair,
 *      HTML unescaping, JSON unescaping) must stay inside the line and never
 *      grow it, and every span must lie inside out->raw;
 *   2. differential: the repaired text classified by envelope_classify and
 *      by envelope_classify_cached (one cache for the whole input, as one
 *      stream) must give the same kind and, for a charon line, the same
 *      fields ("The result is the one envelope_classify gives").
 */
#include "fuzz_common.h"
#include "line_source.h"
#include "paste_repair.h"

#define MAX_LINE 65536

/* Same kind, and for a charon line the same fields (spans compared by
 * offset and length within their own line). */
static void same_result(envelope_kind ka, const charon_line *a, const char *la,
                        envelope_kind kb, const charon_line *b, const char *lb)
{
    fuzz_check(ka == kb, "classify gave kind %d, classify_cached %d", (int)ka, (int)kb);
    if (ka != ENVELOPE_CHARON)
        return;
#define SAME_SPAN(f)                                                                  \
    fuzz_check(a->f.n == b->f.n && (a->f.n == 0 || a->f.p - la == b->f.p - lb),        \
               "field " #f " differs: classify [%td,+%zu) cached [%td,+%zu)",          \
               a->f.n ? a->f.p - la : -1, a->f.n, b->f.n ? b->f.p - lb : -1, b->f.n)
    SAME_SPAN(raw);
    SAME_SPAN(time);
    SAME_SPAN(host);
    SAME_SPAN(program);
    SAME_SPAN(conn);
    SAME_SPAN(msg);
#undef SAME_SPAN
    fuzz_check(a->ts == b->ts, "ts differs: %lld vs %lld", (long long)a->ts, (long long)b->ts);
    fuzz_check(a->thread == b->thread, "thread differs: %d vs %d", a->thread, b->thread);
    fuzz_check(a->level == b->level, "level differs");
    fuzz_check(a->sa_id == b->sa_id, "sa_id differs");
    fuzz_check(strcmp(a->subsys, b->subsys) == 0, "subsys differs");
    fuzz_check(a->lineno == b->lineno, "lineno differs");
}

static void one_line(const uint8_t *p, size_t n, uint64_t lineno, envelope_cache *cache)
{
    charon_line l;
    char *a = fuzz_dup_exact(p, n);

    /* 1. envelope_parse: any bytes in, rewrite in place */
    int r = envelope_parse(a, n, lineno, &l);
    fuzz_check(r == 0 || r == 1, "envelope_parse returned %d", r);
    fuzz_check(l.raw.p == a && l.raw.n <= n, "raw is not a prefix of the line (n %zu, raw %zu)",
               n, l.raw.n);
    fuzz_check_line(&l, a, a + n);
    fuzz_check(l.lineno == lineno, "lineno %llu, want %llu", (unsigned long long)l.lineno,
               (unsigned long long)lineno);
    if (r == 1) {
        fuzz_check(fuzz_utf8_ok(l.raw.p, l.raw.n), "raw of a charon line is not valid UTF-8");
    }
    free(a);

    /* 2. classify vs classify_cached on the repaired text */
    char *b = fuzz_dup_exact(p, n), *c;
    size_t m = n;
    charon_line lb, lc;
    utf8_repair(b, m);
    if (memchr(b, '&', m))
        m = html_unescape(b, m);
    fuzz_check(m <= n, "html_unescape grew the line");
    c = fuzz_dup_exact(b, m);
    envelope_kind kb = envelope_classify(b, m, lineno, &lb);
    fuzz_check_line(&lb, b, b + m);
    envelope_kind kc = envelope_classify_cached(cache, c, m, lineno, &lc);
    fuzz_check_line(&lc, c, c + m);
    same_result(kb, &lb, b, kc, &lc, c);
    free(b);
    free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    envelope_cache cache;
    uint64_t lineno = 1;
    memset(&cache, 0, sizeof cache);
    while (size > 0) {
        const uint8_t *nl = memchr(data, '\n', size);
        size_t n = nl ? (size_t)(nl - data) : size;
        one_line(data, n < MAX_LINE ? n : MAX_LINE, lineno++, &cache);
        if (!nl)
            break;
        size -= n + 1;
        data += n + 1;
    }
    return 0;
}
