/*
 * fuzz_line_source.c - bytes in random chunkings -> line_source.
 *
 * Input: byte 0 picks the options (max_line_bytes, reorder_bytes), bytes
 * 1..8 seed the chunking, the rest is the log. The log is fed twice, in
 * fuzz-chosen chunks (mostly 1..8 bytes, so every split point inside a CRLF,
 * a UTF-8 sequence or an HTML entity is tried) and in one piece. Checked:
 *   - every line handed out: spans inside raw, raw and msg valid UTF-8
 *     without NUL, raw no longer than max_line_bytes, line numbers
 *     non-decreasing unless the source re-reads a newest-first paste;
 *   - "any chunking gives the same result": the same lines (by content) and
 *     the same counters from both runs.
 */
#include "fuzz_common.h"
#include "line_source.h"

typedef struct run {
    uint64_t hash;
    uint64_t count;
    size_t max_line;
} run;

static void on_line(void *user, const charon_line *l)
{
    run *r = user;
    fuzz_check(l->raw.n > 0 || l->raw.p != NULL, "raw NULL");
    fuzz_check(l->raw.n <= r->max_line, "raw longer than max_line_bytes (%zu > %zu)",
               l->raw.n, r->max_line);
    fuzz_check_line(l, l->raw.p, l->raw.p + l->raw.n);
    if (!fuzz_utf8_ok(l->raw.p, l->raw.n)) {
        fuzz_dump("raw", l->raw.p, l->raw.n);
        fuzz_fail("raw is not valid UTF-8 without NUL (line %llu)", (unsigned long long)l->lineno);
    }
    if (!fuzz_utf8_ok(l->msg.p, l->msg.n)) {
        fuzz_dump("msg", l->msg.p, l->msg.n);
        fuzz_fail("msg is not valid UTF-8 without NUL (line %llu)", (unsigned long long)l->lineno);
    }
    fuzz_check(l->lineno >= 1, "lineno 0");
    r->hash = fuzz_hash_line(r->hash, l);
    r->count++;
}

static const size_t max_lines[] = {256, 1000, 4096, 65536};
static const size_t reorders[] = {0, 600, 65536, (size_t)64 << 20};

static void feed(const idg_options *o, const uint8_t *p, size_t n, fuzz_rng *rng,
                 run *r, idg_stats *st)
{
    memset(r, 0, sizeof *r);
    memset(st, 0, sizeof *st);
    r->max_line = o->max_line_bytes;
    line_source *ls = line_source_new(o, st, on_line, r);
    if (ls == NULL)
        return;
    size_t off = 0;
    while (off < n) {
        size_t k = rng ? fuzz_chunk_len(rng, n - off) : n - off;
        /* each chunk in its own exact allocation: no reading past it */
        char *chunk = fuzz_dup_exact(p + off, k);
        fuzz_check(line_source_feed(ls, chunk, k) == 0, "line_source_feed failed");
        free(chunk);
        off += k;
    }
    fuzz_check(line_source_finish(ls) == 0, "line_source_finish failed");
    line_source_free(ls);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idg_options o;
    fuzz_rng rng = {0};
    run a, b;
    idg_stats sa, sb;
    /* the defaults of idg_options_init, set here so that this target needs
     * only the line layer */
    memset(&o, 0, sizeof o);
    o.max_line_bytes = 65536;
    o.max_negotiations = 4096;
    o.max_evidence = 16;
    o.reorder_bytes = (size_t)64 << 20;
    if (size >= 9) {
        o.max_line_bytes = max_lines[data[0] & 3];
        o.reorder_bytes = reorders[(data[0] >> 2) & 3];
        memcpy(&rng.s, data + 1, 8);
        data += 9;
        size -= 9;
    }
    feed(&o, data, size, &rng, &a, &sa);
    feed(&o, data, size, NULL, &b, &sb);
    fuzz_check(a.count == b.count, "chunked run gave %llu lines, whole run %llu",
               (unsigned long long)a.count, (unsigned long long)b.count);
    fuzz_check(a.hash == b.hash, "chunked and whole runs gave different lines");
    fuzz_check(memcmp(&sa, &sb, sizeof sa) == 0,
               "chunked and whole runs gave different stats (lines %llu/%llu, charon %llu/%llu, "
               "joined %llu/%llu, dup %llu/%llu, cut %llu/%llu)",
               (unsigned long long)sa.lines, (unsigned long long)sb.lines,
               (unsigned long long)sa.charon_lines, (unsigned long long)sb.charon_lines,
               (unsigned long long)sa.joined_lines, (unsigned long long)sb.joined_lines,
               (unsigned long long)sa.duplicate_lines, (unsigned long long)sb.duplicate_lines,
               (unsigned long long)sa.cut_lines, (unsigned long long)sb.cut_lines);
    fuzz_check(sa.bytes == size, "stats.bytes %llu, fed %zu", (unsigned long long)sa.bytes, size);
    return 0;
}
