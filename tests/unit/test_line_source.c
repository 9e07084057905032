/*
 * test_line_source.c - the line layer end to end: bytes in, charon lines
 * out, with the repairs a pasted log needs.
 *
 * Every test feeds text through a line_source and compares what the
 * callback saw (copied out, since spans live only during the callback)
 * with what it must see. Real logs come from the lab corpus
 * ($IDG_SOURCE_DIR/tests/corpus/lab/...).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line_source.h"
#include "paste_repair.h"

#define CORPUS_LOG "tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log"
#define CORPUS_LINES 120

/* ---- collecting what the callback saw ---------------------------------- */

typedef struct got_line {
    uint64_t lineno;
    char *raw, *time, *host, *program, *conn, *msg;
    int64_t ts, sa_id;
    int thread, level, bare;
    char subsys[4];
} got_line;

typedef struct got {
    got_line *v;
    size_t n, cap;
    size_t n_bare; /* bare lines seen (stored only with keep_bare) */
} got;

/* Whether collect stores bare lines (charon_line.bare) along with the
 * others; the tests written before bare lines count them only. */
static int keep_bare;

/* Well-formed UTF-8 without NUL (the contract of every span). */
static int valid_utf8(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                   : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (c == 0 || len == 0 || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

static char *copy_span(span s)
{
    ck_assert_ptr_nonnull(s.p);
    ck_assert_msg(valid_utf8((const unsigned char *)s.p, s.n), "invalid UTF-8 or NUL in [%.*s]",
                  (int)s.n, s.p);
    char *c = malloc(s.n + 1);
    ck_assert_ptr_nonnull(c);
    memcpy(c, s.p, s.n);
    c[s.n] = '\0';
    return c;
}

static void collect(void *user, const charon_line *l)
{
    got *g = user;
    ck_assert(l->bare == 0 || l->bare == 1);
    if (l->bare) {
        g->n_bare++;
        /* no charon prefix: a message, and at most the time and program
         * of another program's envelope ("php-fpm[2]: /index.php: hi") */
        ck_assert(l->msg.n > 0 && l->thread == -1 && l->subsys[0] == '\0' && l->sa_id == -1 &&
                  l->conn.n == 0 && (l->ts >= 0 || l->time.n == 0));
        if (!keep_bare)
            return;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->v = realloc(g->v, g->cap * sizeof *g->v);
        ck_assert_ptr_nonnull(g->v);
    }
    got_line *o = &g->v[g->n++];
    o->lineno = l->lineno;
    o->raw = copy_span(l->raw);
    o->time = copy_span(l->time);
    o->host = copy_span(l->host);
    o->program = copy_span(l->program);
    o->conn = copy_span(l->conn);
    o->msg = copy_span(l->msg);
    o->ts = l->ts;
    o->sa_id = l->sa_id;
    o->thread = l->thread;
    o->level = l->level;
    o->bare = l->bare;
    memcpy(o->subsys, l->subsys, sizeof o->subsys);
    ck_assert(l->msg.n == 0 || (l->msg.p >= l->raw.p && l->msg.p + l->msg.n <= l->raw.p + l->raw.n));
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++) {
        got_line *o = &g->v[i];
        free(o->raw), free(o->time), free(o->host), free(o->program), free(o->conn), free(o->msg);
    }
    free(g->v);
    *g = (got){0};
}

static idg_options opts_with(size_t max_line, size_t reorder)
{
    idg_options o;
    memset(&o, 0, sizeof o);
    o.max_line_bytes = max_line;
    o.max_negotiations = 4096;
    o.max_evidence = 16;
    o.reorder_bytes = reorder;
    return o;
}

static idg_options default_opts(void) { return opts_with(65536, (size_t)64 << 20); }

/* Feeds `len` bytes in chunks of `chunk` (0: all at once), then finishes. */
static got run_opts(const char *text, size_t len, size_t chunk, const idg_options *o,
                    idg_stats *st)
{
    got g = {0};
    memset(st, 0, sizeof *st);
    line_source *ls = line_source_new(o, st, collect, &g);
    ck_assert_ptr_nonnull(ls);
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t off = 0; off < len; off += chunk)
        ck_assert_int_eq(line_source_feed(ls, text + off, len - off < chunk ? len - off : chunk), 0);
    ck_assert_int_eq(line_source_finish(ls), 0);
    line_source_free(ls);
    ck_assert_uint_eq(st->bytes, len);
    /* every physical line is a charon line, a bare line (counted by the
     * event layer, not here), skipped, or joined; a copy of either kind is
     * dropped */
    size_t charon_out = g.n - (keep_bare ? g.n_bare : 0);
    ck_assert_uint_eq(st->lines, charon_out + g.n_bare + st->duplicate_lines +
                                     st->skipped_lines + st->joined_lines);
    ck_assert_uint_le(charon_out, st->charon_lines);
    if (g.n_bare == 0) {
        ck_assert_uint_eq(st->lines, st->charon_lines + st->skipped_lines + st->joined_lines);
        ck_assert_uint_eq(g.n, st->charon_lines - st->duplicate_lines);
    }
    return g;
}

static got run(const char *text, size_t chunk, idg_stats *st)
{
    idg_options o = default_opts();
    return run_opts(text, strlen(text), chunk, &o, st);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* A corpus file: under $IDG_SOURCE_DIR (set by ctest), else relative to
 * the working directory or the build directory below the source tree. */
static char *read_corpus(const char *rel, size_t *len)
{
    char path[4096];
    const char *dir = getenv("IDG_SOURCE_DIR");
    if (dir) {
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        char *buf = read_file(path, len);
        if (buf)
            return buf;
    }
    const char *ups[] = {"", "../", "../../", "../../../"};
    for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
        snprintf(path, sizeof path, "%s%s", ups[i], rel);
        char *buf = read_file(path, len);
        if (buf)
            return buf;
    }
    ck_abort_msg("corpus file %s not found (set IDG_SOURCE_DIR)", rel);
    return NULL;
}

/* The text split into lines (without their LF); returns the count. */
static size_t split_lines(char *text, char ***lines)
{
    size_t n = 0, cap = 256;
    *lines = malloc(cap * sizeof **lines);
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (n == cap)
            *lines = realloc(*lines, (cap *= 2) * sizeof **lines);
        (*lines)[n++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

/* Lines joined with LF, in the order given by `order` (NULL: as is). */
static char *join_lines(char **lines, size_t n, int reverse)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(lines[i]) + 1;
    char *out = malloc(len + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        const char *l = lines[reverse ? n - 1 - i : i];
        size_t k = strlen(l);
        memcpy(w, l, k);
        w += k;
        *w++ = '\n';
    }
    *w = '\0';
    return out;
}

static void assert_same_lines(const got *a, const got *b)
{
    ck_assert_uint_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const got_line *x = &a->v[i], *y = &b->v[i];
        ck_assert_uint_eq(x->lineno, y->lineno);
        ck_assert_str_eq(x->raw, y->raw);
        ck_assert_str_eq(x->time, y->time);
        ck_assert_str_eq(x->host, y->host);
        ck_assert_str_eq(x->program, y->program);
        ck_assert_str_eq(x->conn, y->conn);
        ck_assert_str_eq(x->msg, y->msg);
        ck_assert_str_eq(x->subsys, y->subsys);
        ck_assert_int_eq(x->ts, y->ts);
        ck_assert_int_eq(x->sa_id, y->sa_id);
        ck_assert_int_eq(x->thread, y->thread);
        ck_assert_int_eq(x->level, y->level);
    }
}

/* ---- splitting --------------------------------------------------------- */

START_TEST(test_lines_and_skips)
{
    const char *text = "Nov 27 13:18:09 fw charon[1]: 09[IKE] <con1|1> one\n"
                       "Nov 27 13:18:09 fw php-fpm[2]: /index.php: hi\n"
                       "\n"
                       "Nov 27 13:18:10 fw charon[1]: 10[CFG] two\n"
                       "some prose about the tunnel\n"
                       "Nov 27 13:18:11 fw charon[1]: 11[NET] three";
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_uint_eq(g.v[0].lineno, 1);
    ck_assert_str_eq(g.v[0].msg, "one");
    ck_assert_str_eq(g.v[0].conn, "con1");
    ck_assert_int_eq(g.v[0].sa_id, 1);
    ck_assert_uint_eq(g.v[1].lineno, 4);
    ck_assert_str_eq(g.v[1].msg, "two");
    ck_assert_str_eq(g.v[1].subsys, "CFG");
    ck_assert_uint_eq(g.v[2].lineno, 6);
    ck_assert_str_eq(g.v[2].msg, "three");
    ck_assert_str_eq(g.v[2].raw, "Nov 27 13:18:11 fw charon[1]: 11[NET] three");
    ck_assert_uint_eq(st.lines, 6);
    ck_assert_uint_eq(st.charon_lines, 3);
    ck_assert_uint_eq(st.skipped_lines + g.n_bare, 3);
    ck_assert_uint_eq(st.reversed, 0);
    got_free(&g);
}
END_TEST

START_TEST(test_line_ends)
{
    const char *text = "09[IKE] crlf\r\n09[IKE] lone cr\r09[IKE] lf\n\r\n09[IKE] last\r\n";
    for (size_t chunk = 0; chunk <= 3; chunk++) {
        idg_stats st;
        got g = run(text, chunk, &st);
        ck_assert_uint_eq(g.n, 4);
        ck_assert_str_eq(g.v[0].raw, "09[IKE] crlf");
        ck_assert_str_eq(g.v[1].raw, "09[IKE] lone cr");
        ck_assert_str_eq(g.v[2].raw, "09[IKE] lf");
        ck_assert_str_eq(g.v[3].raw, "09[IKE] last");
        ck_assert_uint_eq(g.v[3].lineno, 5);
        ck_assert_uint_eq(st.lines, 5);
        ck_assert_uint_eq(st.skipped_lines + g.n_bare, 1);
        got_free(&g);
    }
}
END_TEST

START_TEST(test_cut_lines)
{
    char text[512];
    char longmsg[301];
    memset(longmsg, 'x', 300);
    longmsg[300] = '\0';
    snprintf(text, sizeof text, "09[IKE] %s\n10[CFG] next\n", longmsg);
    idg_options o = opts_with(40, (size_t)1 << 20);
    for (size_t chunk = 0; chunk <= 7; chunk += 7) {
        idg_stats st;
        got g = run_opts(text, strlen(text), chunk, &o, &st);
        ck_assert_uint_eq(g.n, 2);
        ck_assert_uint_eq(strlen(g.v[0].raw), 40);
        ck_assert_uint_eq(strlen(g.v[0].msg), 32);
        ck_assert_str_eq(g.v[1].raw, "10[CFG] next");
        ck_assert_uint_eq(g.v[1].lineno, 2);
        ck_assert_uint_eq(st.cut_lines, 1);
        ck_assert_uint_eq(st.lines, 2);
        got_free(&g);
    }
}
END_TEST

START_TEST(test_bad_bytes)
{
    /* NUL, a stray continuation byte, a truncated sequence, an overlong
     * '/', a valid euro sign split across chunks when fed byte by byte */
    static const char text[] = "09[IKE] a\0b \x80 \xe2\x82 \xc0\xaf \xe2\x82\xac end\n";
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        idg_stats st;
        idg_options o = default_opts();
        got g = run_opts(text, sizeof text - 1, chunk, &o, &st);
        ck_assert_uint_eq(g.n, 1);
        ck_assert_str_eq(g.v[0].msg, "a?b ? ?? ?? \xe2\x82\xac end");
        got_free(&g);
    }
}
END_TEST

START_TEST(test_chunking_equivalence)
{
    size_t len;
    char *text = read_corpus(CORPUS_LOG, &len);
    idg_options o = default_opts();
    idg_stats whole_st, st;
    got whole = run_opts(text, len, 0, &o, &whole_st);
    ck_assert_uint_eq(whole.n, CORPUS_LINES);
    ck_assert_uint_eq(whole_st.charon_lines, CORPUS_LINES);
    ck_assert_str_eq(whole.v[14].msg, " conn con1:");
    size_t chunks[] = {1, 2, 3, 7, 64, 4093};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        got g = run_opts(text, len, chunks[i], &o, &st);
        assert_same_lines(&whole, &g);
        ck_assert_uint_eq(st.lines, whole_st.lines);
        got_free(&g);
    }
    got_free(&whole);
    free(text);
}
END_TEST

/*
 * Whole lines are parsed in place in the caller's buffer; a line that
 * outlives feed() (held for a wrap, kept by the duplicate window) must have
 * been copied by then. Each chunk here is fed from a scratch copy that is
 * overwritten as soon as feed() returns, so a line still pointing into it
 * would come out as 'X's. Chunk sizes put the boundaries inside lines, on
 * their ends, between CR and LF, inside entities and UTF-8 sequences.
 */
static got run_scribbled(const char *text, size_t len, size_t chunk, const idg_options *o,
                         idg_stats *st)
{
    got g = {0};
    memset(st, 0, sizeof *st);
    line_source *ls = line_source_new(o, st, collect, &g);
    ck_assert_ptr_nonnull(ls);
    if (chunk == 0)
        chunk = len ? len : 1;
    char *scratch = malloc(chunk);
    ck_assert_ptr_nonnull(scratch);
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        memcpy(scratch, text + off, n);
        ck_assert_int_eq(line_source_feed(ls, scratch, n), 0);
        memset(scratch, 'X', chunk);
    }
    ck_assert_int_eq(line_source_finish(ls), 0);
    line_source_free(ls);
    free(scratch);
    return g;
}

START_TEST(test_in_place_lines_outlive_the_buffer)
{
    const char *text =
        /* held lines joined to their wrapped tails */
        "Nov 27 13:18:09 fw charon[1]: 09[CFG] <con1|1> received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/\n"
        "PRF_HMAC_SHA1/MODP_2048, IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        /* event logged twice: the copy is compared with a kept line */
        "Nov 27 13:18:09 fw charon[1]: 09[IKE] <con1|1> initiating IKE_SA con1[1] to 192.0.2.1\n"
        "Nov 27 13:18:09 fw charon-systemd[5]: initiating IKE_SA con1[1] to 192.0.2.1\r\n"
        "Nov 27 13:18:10 fw charon[1]: 10[NET] <con1|1> sending packet: from 192.0.2.2[500]\r"
        "Nov 27 13:18:10 fw charon[1]: 10[ENC] <con1|1> &lt;tag&gt; caf\xc3\xa9 \xff\n"
        "Nov 27 13:18:10 fw charon[1]: 11[IKE]\ttab\tseparated\n"
        "{\"time\":\"2026-11-27 13:18:11\",\"thread\":12,\"group\":\"IKE\",\"level\":1,"
        "\"msg\":\"json \\\"escaped\\\" msg\"}\n"
        "prose between log lines\n"
        "Nov 27 13:18:12 fw charon[1]: 12[IKE] <con2|17> IKE_SA con2[17] established\n"
        "Nov 27 13:18:12 fw charon-systemd[5]: 12[IKE] <con2|17> IKE_SA con2[17] established\n"
        "Nov 27 13:18:13 fw charon[1]: 13[IKE] <con2|17> last line, no newline";
    idg_options o = default_opts();
    idg_stats whole_st, st;
    got whole = run_opts(text, strlen(text), 0, &o, &whole_st);
    ck_assert_uint_eq(whole_st.joined_lines, 1);
    ck_assert_uint_eq(whole_st.duplicate_lines, 2);
    size_t chunks[] = {0, 1, 2, 3, 5, 7, 16, 64, 100, 101, 4093};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        got g = run_scribbled(text, strlen(text), chunks[i], &o, &st);
        assert_same_lines(&whole, &g);
        for (size_t k = 0; k < g.n; k++)
            ck_assert_ptr_null(strstr(g.v[k].raw, "XXXX"));
        ck_assert_uint_eq(st.joined_lines, whole_st.joined_lines);
        ck_assert_uint_eq(st.duplicate_lines, whole_st.duplicate_lines);
        got_free(&g);
    }
    got_free(&whole);

    /* a newest-first paste, and the lab log, the same way */
    size_t len;
    char *log = read_corpus(CORPUS_LOG, &len);
    char **lines;
    size_t n = split_lines(log, &lines);
    char *reversed = join_lines(lines, n, 1);
    const char *inputs[] = {reversed, NULL};
    char *lab = read_corpus(CORPUS_LOG, &len);
    inputs[1] = lab;
    for (size_t t = 0; t < 2; t++) {
        got ref = run_opts(inputs[t], strlen(inputs[t]), 0, &o, &whole_st);
        for (size_t c = 1; c < 200; c += 37) {
            got g = run_scribbled(inputs[t], strlen(inputs[t]), c, &o, &st);
            assert_same_lines(&ref, &g);
            ck_assert_uint_eq(st.reversed, whole_st.reversed);
            got_free(&g);
        }
        got_free(&ref);
    }
    free(reversed);
    free(lines);
    free(log);
    free(lab);
}
END_TEST

/*
 * Whole lines are found 64 bytes at a time (line_source.c, lines_in_place):
 * lines of every length put their ends (LF, CRLF with the pair split
 * across two blocks or not, lone CR) and the bytes that need a repair at
 * every place in a block, and the last block of a buffer is short. Fed
 * whole, every line is read in place where it can be; fed a byte at a
 * time, none is: both must give the same lines, and so must the chunk
 * sizes around the block size.
 */
START_TEST(test_block_boundaries)
{
    static const char *const ends[] = {"\n", "\r\n", "\r"};
    static const char *const fillers[] = {"x", "\t", "&amp;", "\xc3\xa9", " "};
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < 200; i++) {
        char line[256];
        int n = snprintf(line, sizeof line, "Nov 27 13:18:%02zu fw charon[1]: %02zu[IKE] <c|%zu> m",
                         i % 60, i % 100, i);
        /* the message grows a byte a line, with a repair byte now and then */
        for (size_t k = 0; k < i % 97 && n < 200; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, "%s",
                          k == i % 13 ? fillers[i % 5] : "y");
        n += snprintf(line + n, sizeof line - (size_t)n, "%s", ends[i % 3]);
        ck_assert_uint_lt(len + (size_t)n, cap);
        memcpy(text + len, line, (size_t)n);
        len += (size_t)n;
        if (i % 17 == 0) { /* prose and JSON between them */
            const char *other = i % 2 ? "prose between lines\n"
                                      : "{\"thread\":3,\"group\":\"NET\",\"msg\":\"j\"}\r\n";
            memcpy(text + len, other, strlen(other));
            len += strlen(other);
        }
    }
    idg_options o = default_opts();
    idg_stats ref_st, st;
    got ref = run_opts(text, len, 1, &o, &ref_st);
    ck_assert_uint_ge(ref.n, 200);
    size_t chunks[] = {0, 2, 63, 64, 65, 127, 128, 129, 1000};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        got g = run_scribbled(text, len, chunks[c], &o, &st);
        assert_same_lines(&ref, &g);
        got_free(&g);
        /* and the line starts at other places in the blocks */
        for (size_t skip = 1; chunks[c] == 0 && skip < 64; skip += 9) {
            got a = run_opts(text + skip, len - skip, 3, &o, &st);
            got b = run_opts(text + skip, len - skip, 0, &o, &st);
            assert_same_lines(&a, &b);
            got_free(&a);
            got_free(&b);
        }
    }
    got_free(&ref);
    free(text);
}
END_TEST

/* ---- paste repairs ----------------------------------------------------- */

START_TEST(test_html_unescape)
{
    const char *text =
        "Nov 27 13:18:09 fw-b charon[1]: 13&#91;CFG&#93; &lt;con1|3&gt; received proposals: "
        "IKE:AES_CBC_128/HMAC_SHA1_96 &amp; &quot;x&quot; &#39;y&#39; &#x5B;z&#x5d;\n";
    idg_stats st;
    got g = run(text, 5, &st);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.v[0].subsys, "CFG");
    ck_assert_int_eq(g.v[0].thread, 13);
    ck_assert_str_eq(g.v[0].conn, "con1");
    ck_assert_int_eq(g.v[0].sa_id, 3);
    ck_assert_str_eq(g.v[0].msg, "received proposals: IKE:AES_CBC_128/HMAC_SHA1_96 & \"x\" 'y' [z]");
    got_free(&g);
}
END_TEST

/* An 80-column terminal cut whose 80th column was a space: the paste
 * trimmed it, so the head is 79 columns and the space is put back. */
START_TEST(test_wrap_trimmed_space_at_80)
{
    const char *text =
        "2016-12-02T20:26:42+02:00 info []: 05[KNL] received netlink error: No such file\n"
        "or directory (2)\n"
        "2016-12-02T20:26:42+02:00 info []: 05[KNL] unable to add SAD entry with SPI cf22\n"
        "1b54\n";
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.v[0].msg, "received netlink error: No such file or directory (2)");
    ck_assert_str_eq(g.v[1].msg, "unable to add SAD entry with SPI cf221b54");
    got_free(&g);
}
END_TEST

/* swanctl's output inside a JSON string (Ansible's stdout): one physical
 * line, its lines joined by escaped line breaks, quotes escaped. */
START_TEST(test_json_string_lines)
{
    const char *text =
        "fatal: [gw1]: FAILED! => {\"rc\": 1, \"stdout\": \"[IKE] initiating IKE_SA dc[1] to 198.51.100.9\\n"
        "[IKE] sending end entity cert \\\"CN=gw\\\"\\n"
        "[IKE] retransmit 1 of request with message ID 0\\n"
        "[IKE] giving up after 1 retransmits\"}\n"
        "not\\na log\n";
    for (size_t chunk = 0; chunk <= 5; chunk += 5) {
        idg_stats st;
        got g = run(text, chunk, &st);
        ck_assert_uint_ge(g.n, 3);
        size_t k = g.n - 3;
        ck_assert_str_eq(g.v[k].msg, "sending end entity cert \"CN=gw\"");
        ck_assert_str_eq(g.v[k + 1].msg, "retransmit 1 of request with message ID 0");
        ck_assert_str_eq(g.v[k + 2].msg, "giving up after 1 retransmits\"}");
        got_free(&g);
    }
}
END_TEST

/* A log pasted into Jira or a wiki comes wrapped in HTML: the markup goes,
 * whether the line has entities or not, while the log's own angle
 * brackets (the <conn|id> prefix, a redaction, a syslog priority) stay. */
START_TEST(test_html_markup)
{
    const char *text =
        "<p>Jun 16 10:24:53 gw charon: 12<span class=\"error\">&#91;IKE&#93;</span> "
        "failed to establish CHILD_SA, keeping IKE_SA</p>\n"
        "\n"
        "<p>Jun 16 10:24:53 gw charon: 12[ENC] <con1|7> generating IKE_AUTH response 1 "
        "[ IDr AUTH N(FAIL_CP_REQ) ]</p>\n"
        " <br/>\n"
        "<30>Jun 16 10:24:54 gw charon: 12[CFG] <REDACTED|2> looking for peer configs\n";
    for (size_t chunk = 0; chunk <= 7; chunk += 7) {
        idg_stats st;
        got g = run(text, chunk, &st);
        ck_assert_uint_eq(g.n, 3);
        ck_assert_str_eq(g.v[0].subsys, "IKE");
        ck_assert_str_eq(g.v[0].msg, "failed to establish CHILD_SA, keeping IKE_SA");
        ck_assert_str_eq(g.v[1].conn, "con1");
        ck_assert_int_eq(g.v[1].sa_id, 7);
        ck_assert_str_eq(g.v[1].msg, "generating IKE_AUTH response 1 [ IDr AUTH N(FAIL_CP_REQ) ]");
        ck_assert_str_eq(g.v[2].conn, "REDACTED");
        ck_assert_str_eq(g.v[2].msg, "looking for peer configs");
        got_free(&g);
    }
    char tags[] = "a<b>c</B><br/><bx>< p><font color=red>d</font><con1|3>";
    size_t n = html_strip_tags(tags, strlen(tags));
    ck_assert_str_eq((tags[n] = 0, tags), "ac<bx>< p>d<con1|3>");
}
END_TEST

/* Long corpus lines hard-wrapped at a fixed column (a terminal, fold -w;
 * terminals are 80 columns or wider): the pieces are joined back directly. */
START_TEST(test_wrap_fixed_width)
{
    const char *lines[] = {
        "Nov 27 14:07:45 fw-b charon[3243]: 00[LIB] loaded plugins: charon random nonce aes sha1 "
        "sha2 md5 hmac gmp openssl curve25519 pem pkcs1 pkcs8 x509 pubkey revocation",
        "Nov 27 14:07:46 fw-b charon[3243]: 09[CFG] <1> received proposals: IKE:AES_CBC_128/"
        "HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
        "Nov 27 14:07:46 fw-b charon[3243]: 09[IKE] <1> no proposal found",
    };
    char text[2048] = "", *w = text;
    size_t width = 80, pieces = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *l = lines[i];
        for (size_t off = 0, n = strlen(l); off < n; off += width, pieces++)
            w += sprintf(w, "%.*s\n", (int)width, l + off);
    }
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(g.n, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_str_eq(g.v[i].raw, lines[i]);
    ck_assert_str_eq(g.v[1].msg, "received proposals: IKE:AES_CBC_128/HMAC_SHA2_256_128/"
                                 "PRF_HMAC_SHA2_256/MODP_2048");
    ck_assert_uint_eq(g.v[1].lineno, 4);
    ck_assert_uint_eq(st.joined_lines, pieces - 3);
    ck_assert_uint_eq(st.lines, pieces);
    got_free(&g);
}
END_TEST

/* A mail client's wrap: at the last space before 72 columns, the space
 * dropped. Heads shorter than a terminal are joined with a space, even the
 * first one (which is the longest line seen when it is joined), and a
 * short middle piece still continues when its next word could not fit. */
START_TEST(test_wrap_mail_client)
{
    const char *text =
        "Nov 27 13:00:00 fw charon[4242]: 14[CFG] received proposals:\n"
        "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_8192\n"
        "Nov 27 13:00:01 fw charon[4242]: 16[IKE] CHILD_SA con1{1} established\n"
        "with SPIs c1cbfdf2_i cf4973bf_o and TS 10.42.42.0/24|/0 ===\n"
        "192.168.48.0/24|/0\n"
        "Nov 27 13:00:02 fw charon[4242]: 14[IKE] no proposal found\n"
        "Thanks,\n"
        "Bob\n";
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.v[0].msg, "received proposals: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_8192");
    ck_assert_str_eq(g.v[1].msg, "CHILD_SA con1{1} established with SPIs c1cbfdf2_i cf4973bf_o and TS "
                                 "10.42.42.0/24|/0 === 192.168.48.0/24|/0");
    ck_assert_str_eq(g.v[2].msg, "no proposal found");
    ck_assert_uint_eq(st.joined_lines, 3);
    ck_assert_uint_eq(st.skipped_lines + g.n_bare, 2);
    got_free(&g);
}
END_TEST

/* A mail client cannot break a word longer than its width: the line that
 * holds it alone (a 6.x hybrid proposal, 80 characters without a space) is
 * longer than the wrap width, which must not grow to it, or the last piece
 * after a short middle one ("established between") would seem to have fitted
 * within the width, and stand alone. */
START_TEST(test_wrap_long_word_keeps_width)
{
    const char *text =
        "Nov 29 08:06:35 fw-a charon[5125]: 12[CFG] <con1|1> selected proposal:\n"
        "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519/KE1_ML_KEM_768\n"
        "Nov 29 08:06:35 fw-a charon[5125]: 12[IKE] <con1|1> IKE_SA con1[1]\n"
        "established between\n"
        "198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]\n";
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.v[0].msg, "selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/"
                                 "PRF_HMAC_SHA2_256/CURVE_25519/KE1_ML_KEM_768");
    ck_assert_str_eq(g.v[1].msg, "IKE_SA con1[1] established between "
                                 "198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]");
    ck_assert_uint_eq(st.joined_lines, 3);
    got_free(&g);
}
END_TEST

/* Word-wrapped by a mail client: with the space kept at the end of the
 * line (format=flowed, fold -s) or dropped (the line is then shorter than
 * the longest line seen, and the space is put back). */
START_TEST(test_wrap_words)
{
    const char *text =
        "Nov 27 14:07:45 fw-b charon[3243]: 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux)\n"
        "Nov 27 14:07:46 fw-b charon[3243]: 09[CFG] <con1|1> configured proposals: \n"
        "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        "Nov 27 14:07:46 fw-b charon[3243]: 09[IKE] <con1|1> received NO_PROPOSAL_CHOSEN\n"
        "error notify\n";
    idg_stats st;
    got g = run(text, 3, &st);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.v[1].msg, "configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/"
                                 "PRF_HMAC_SHA2_256/MODP_2048");
    ck_assert_str_eq(g.v[2].msg, "received NO_PROPOSAL_CHOSEN error notify");
    ck_assert_str_eq(g.v[2].raw, "Nov 27 14:07:46 fw-b charon[3243]: 09[IKE] <con1|1> "
                                 "received NO_PROPOSAL_CHOSEN error notify");
    ck_assert_uint_eq(st.joined_lines, 2);
    got_free(&g);
}
END_TEST

/* Prose after a short line, after a blank line, or a log line of another
 * program is never a continuation. */
START_TEST(test_wrap_not_prose)
{
    const char *text =
        "Nov 27 14:07:46 fw charon: 09[IKE] short line\n"
        "this is prose, not a tail\n"
        "Nov 27 14:07:46 fw-b charon[3243]: 09[IKE] <con1|1> received NO_PROPOSAL_CHOSEN notify\n"
        "\n"
        "more prose after a blank line\n"
        "Nov 27 14:07:46 fw-b charon[3243]: 09[IKE] <con1|1> received NO_PROPOSAL_CHOSEN notify\n"
        "Nov 27 14:07:46 fw kernel: not a continuation\n";
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_str_eq(g.v[0].msg, "short line");
    ck_assert_str_eq(g.v[1].msg, "received NO_PROPOSAL_CHOSEN notify");
    ck_assert_str_eq(g.v[2].msg, "received NO_PROPOSAL_CHOSEN notify");
    ck_assert_uint_eq(st.joined_lines, 0);
    ck_assert_uint_eq(st.skipped_lines + g.n_bare, 4);
    got_free(&g);
}
END_TEST

/* An elision marker between pasted lines ends the line above instead of
 * being joined to it as a wrapped tail, however long that line is. */
START_TEST(test_elision_not_a_tail)
{
    static const char *const marks[] = {"  [...]", "...", "(\xE2\x80\xA6)", "[snip]", "<cut>", "  . . ."};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "  charon: 10[IKE] IDir '192.0.2.10' does not match to '203.0.113.245'\n"
                 "%s\n"
                 "  charon: 10[CFG] looking for pre-shared key peer configs matching "
                 "198.51.100.50...203.0.113.245[192.0.2.10]\n", marks[i]);
        idg_stats st;
        got g = run(text, 0, &st);
        ck_assert_uint_eq(g.n, 2);
        ck_assert_str_eq(g.v[0].msg, "IDir '192.0.2.10' does not match to '203.0.113.245'");
        ck_assert_uint_eq(st.joined_lines, 0);
        got_free(&g);
    }
}
END_TEST

/* A bare line the caller's table knows is a message of its own, not the
 * wrapped tail of the long line before it; unknown text after the same
 * line still is a tail. The table here also knows one complete message
 * (its format ends in literal text). */
static int knows_sad(void *user, const char *msg, size_t len)
{
    static const char complete[] = "received proposals inacceptable";
    (void)user;
    if (len == sizeof complete - 1 && memcmp(msg, complete, len) == 0)
        return MESSAGE_COMPLETE;
    return len >= 23 && memcmp(msg, "unable to add SAD entry", 23) == 0 ? MESSAGE_KNOWN
                                                                       : MESSAGE_UNKNOWN;
}

/* Feeds text through a line source whose caller knows the SAD message. */
static void feed_knowing_sad(const char *text, idg_stats *st, got *g)
{
    idg_options o = default_opts();
    memset(st, 0, sizeof *st);
    line_source *ls = line_source_new(&o, st, collect, g);
    ck_assert_ptr_nonnull(ls);
    line_source_set_known_message(ls, knows_sad, NULL);
    ck_assert_int_eq(line_source_feed(ls, text, strlen(text)), 0);
    ck_assert_int_eq(line_source_finish(ls), 0);
    line_source_free(ls);
}

START_TEST(test_known_message_not_a_tail)
{
    const char *head = "2025-03-11T08:14:52\tInformational\tcharon\t00[NET] enabling UDP "
                       "decapsulation for IPv6 on port 4500 failed, NAT traversal over IPv6 "
                       "not available\t\n";
    char text[1024];
    for (int known = 0; known < 2; known++) {
        snprintf(text, sizeof text, "%s%s\n", head,
                 known ? "unable to add SAD entry with SPI cf81a03e: Invalid argument (22)"
                       : "and this is the wrapped rest of it");
        idg_stats st;
        got g = {0};
        feed_knowing_sad(text, &st, &g);
        ck_assert_uint_eq(st.joined_lines, known ? 0 : 1);
        ck_assert_uint_eq(g.n_bare, known ? 1 : 0); /* delivered on its own */
        got_free(&g);
    }
}
END_TEST

/* A held line whose message is complete takes no tail: a paste cut in the
 * next line's timestamp ("Dec 26") stays a line of its own (skipped), and
 * the known message is not spoilt by it. The same text after a message
 * that is not complete is still its wrapped tail. */
START_TEST(test_complete_message_takes_no_tail)
{
    const char *lines[] = {"Dec 26 06:12:16 localhost charon[8544]: 13[IKE] received proposals inacceptable\n"
                           "Dec 26\n",
                           "Dec 26 06:12:16 localhost charon[8544]: 13[IKE] received proposals of the peer were\n"
                           "cut here\n"};
    for (int k = 0; k < 2; k++) {
        idg_stats st;
        got g = {0};
        feed_knowing_sad(lines[k], &st, &g);
        ck_assert_uint_eq(st.joined_lines, k == 0 ? 0 : 1);
        ck_assert_uint_ge(g.n, 1);
        if (k == 0)
            ck_assert_str_eq(g.v[0].msg, "received proposals inacceptable");
        got_free(&g);
    }
}
END_TEST

/* A mail client that wrapped a whole message (one first word too long to
 * fit) past the line's "<conn|id>" prefix: the held line has no message,
 * so the next line is its message even though it is a known one. */
START_TEST(test_known_message_after_empty_head)
{
    const char *text = "Nov 27 13:00:03 fw charon[4242]: 27[CFG] <larval-drop-test|12>\n"
                       "unable to add SAD entry with SPI cf81a03e: Invalid argument (22)\n";
    idg_stats st;
    got g = {0};
    feed_knowing_sad(text, &st, &g);
    ck_assert_uint_eq(st.joined_lines, 1);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.v[0].msg, "unable to add SAD entry with SPI cf81a03e: Invalid argument (22)");
    ck_assert_uint_eq(g.n_bare, 0);
    got_free(&g);
}
END_TEST

/* A GUI copy that put each line's time on a line of its own: the time is
 * no tail of the long message line before it. */
START_TEST(test_time_alone_not_a_tail)
{
    static const char *const times[] = {"Sep 1 15:24:00", "Sep  1 15:24:00", "  2025-09-01T15:24:00+02:00 ",
                                        "2025-09-01 15:24:00"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "09[ENC] generating IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MOBIKE_SUP) N(EAP_ONLY) ]\n"
                 "%s\n"
                 "09[IKE] establishing CHILD_SA vpn-1{45}\n", times[i]);
        idg_stats st;
        got g = run(text, 0, &st);
        ck_assert_uint_eq(g.n, 2);
        ck_assert_str_eq(g.v[0].msg, "generating IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr "
                                     "N(MOBIKE_SUP) N(EAP_ONLY) ]");
        ck_assert_uint_eq(st.joined_lines, 0);
        got_free(&g);
    }
}
END_TEST

/*
 * Bare lines (no envelope, no prefix: `ipsec up` output, a message pasted
 * alone) come out with bare = 1 and the text as the message, counted
 * neither as charon lines nor as skipped; blank and punctuation-only
 * lines stay skipped; a bare line after a long charon line is still its
 * wrapped tail, but a bare line takes no tail of its own; the slot that
 * held one never hands out a stale bare flag. The same in every chunking.
 */
START_TEST(test_bare_lines)
{
    const char *text =
        "root@gw:~# ipsec up vpn\n"
        "initiating Main Mode IKE_SA vpn[1] to 203.0.113.9\n"
        "generating ID_PROT request 0 [ SA V V V V V ]\n"
        "sending packet: from 192.0.2.10[500] to 203.0.113.9[500] (212 bytes)\n"
        "received packet: from 203.0.113.9[500] to 192.0.2.10[500] (144 bytes)\n"
        "```\n"
        "\n"
        "-----\n"
        "> **no shared key found for 192.0.2.10 - 203.0.113.9**\n"
        "Nov 27 13:18:09 fw charon[1]: 09[CFG] <con1|1> received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/\n"
        "PRF_HMAC_SHA1/MODP_2048, IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        "Nov 27 13:18:09 fw charon[1]: 09[IKE] <con1|1> one\n"
        "Nov 27 13:18:09 fw charon[1]: 09[IKE] <con1|1> two\n"
        "Tue Dec 27 12:48:55 2020 daemon.info : 05[KNL] unable to add SAD entry\n"
        "Nov 27 13:18:10 fw charon[1]: 10[IKE] <con1|1> three\n"
        "establishing connection 'vpn' failed";
    idg_options o = default_opts();
    idg_stats st, whole_st;
    keep_bare = 1;
    got whole = run_opts(text, strlen(text), 0, &o, &whole_st);
    ck_assert_uint_eq(whole.n, 12);
    ck_assert_uint_eq(whole.n_bare, 7);
    ck_assert_uint_eq(whole_st.charon_lines, 5);
    ck_assert_uint_eq(whole_st.skipped_lines, 3);
    ck_assert_uint_eq(whole_st.joined_lines, 1);
    static const char *const bare_msgs[] = {
        "root@gw:~# ipsec up vpn", "initiating Main Mode IKE_SA vpn[1] to 203.0.113.9",
        "generating ID_PROT request 0 [ SA V V V V V ]",
        "sending packet: from 192.0.2.10[500] to 203.0.113.9[500] (212 bytes)",
        "received packet: from 203.0.113.9[500] to 192.0.2.10[500] (144 bytes)",
        "no shared key found for 192.0.2.10 - 203.0.113.9"};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(whole.v[i].bare, 1);
        ck_assert_uint_eq(whole.v[i].lineno, i < 5 ? i + 1 : 9);
        ck_assert_str_eq(whole.v[i].msg, bare_msgs[i]);
        ck_assert_str_eq(whole.v[i].subsys, "");
        ck_assert_int_eq(whole.v[i].thread, -1);
    }
    ck_assert_str_eq(whole.v[5].raw, "> **no shared key found for 192.0.2.10 - 203.0.113.9**");
    ck_assert_int_eq(whole.v[6].bare, 0);
    ck_assert_str_eq(whole.v[6].msg, "received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/"
                                     "PRF_HMAC_SHA1/MODP_2048, IKE:AES_CBC_256/HMAC_SHA2_256_128/"
                                     "PRF_HMAC_SHA2_256/MODP_2048");
    for (size_t i = 6; i < 11; i++)
        ck_assert_int_eq(whole.v[i].bare, 0);
    ck_assert_str_eq(whole.v[9].msg, "unable to add SAD entry");
    ck_assert_str_eq(whole.v[9].subsys, "KNL");
    ck_assert_str_eq(whole.v[9].time, "Tue Dec 27 12:48:55 2020");
    ck_assert_int_eq(whole.v[11].bare, 1);
    ck_assert_str_eq(whole.v[11].msg, "establishing connection 'vpn' failed");
    size_t chunks[] = {1, 2, 3, 5, 7, 16, 64, 100, 101, 4093};
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        got g = run_scribbled(text, strlen(text), chunks[i], &o, &st);
        assert_same_lines(&whole, &g);
        for (size_t k = 0; k < g.n; k++)
            ck_assert_int_eq(g.v[k].bare, whole.v[k].bare);
        ck_assert_uint_eq(st.charon_lines, whole_st.charon_lines);
        ck_assert_uint_eq(st.skipped_lines, whole_st.skipped_lines);
        ck_assert_uint_eq(st.joined_lines, whole_st.joined_lines);
        got_free(&g);
    }
    got_free(&whole);

    /* a newest-first paste keeps the flag through the reorder buffer */
    const char *rev = "Nov 27 13:18:12 fw charon[1]: 09[IKE] <con1|1> c\n"
                      "no shared key found for 192.0.2.10 - 203.0.113.9\n"
                      "Nov 27 13:18:11 fw charon[1]: 09[IKE] <con1|1> b\n"
                      "Nov 27 13:18:10 fw charon[1]: 09[IKE] <con1|1> a\n"
                      "Nov 27 13:18:09 fw charon[1]: 09[IKE] <con1|1> z\n";
    got r = run_opts(rev, strlen(rev), 0, &o, &st);
    ck_assert_uint_eq(st.reversed, 1);
    ck_assert_uint_eq(r.n, 5);
    ck_assert_int_eq(r.v[3].bare, 1);
    ck_assert_str_eq(r.v[3].msg, "no shared key found for 192.0.2.10 - 203.0.113.9");
    for (size_t k = 0; k < 5; k++)
        ck_assert_int_eq(r.v[k].bare, k == 3);
    got_free(&r);
    keep_bare = 0;
}
END_TEST

/* A bare line copies a charon line of the same event (the `ipsec up`
 * output and the log pasted together): the second copy is dropped. */
START_TEST(test_bare_duplicate)
{
    /* (a short charon line: a long one would take the next as its tail) */
    const char *text = "Nov 27 13:18:09 fw charon: 09[IKE] no shared key found\n"
                       "no shared key found\n"
                       "no shared key found\n";
    idg_stats st;
    keep_bare = 1;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(st.duplicate_lines, 1);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_int_eq(g.v[0].bare, 0);
    ck_assert_int_eq(g.v[1].bare, 1);
    got_free(&g);
    keep_bare = 0;
}
END_TEST

START_TEST(test_duplicates)
{
    const char *text =
        /* syslog copy and journald copy of one event: the second is dropped */
        "Nov 27 13:18:09 fw charon: 09[IKE] <con1|1> initiating IKE_SA con1[1] to 192.0.2.1\n"
        "Nov 27 13:18:09 fw charon-systemd[5]: initiating IKE_SA con1[1] to 192.0.2.1\n"
        /* one program repeating itself: both kept */
        "Nov 27 13:18:11 fw charon: 09[IKE] <con1|1> sending retransmit 1 of request\n"
        "Nov 27 13:18:11 fw charon: 09[IKE] <con1|1> sending retransmit 1 of request\n"
        /* both prefixed, other program, same thread and conn: dropped */
        "Nov 27 13:18:11 fw charon-systemd[5]: 09[IKE] <con1|1> sending retransmit 1 of request\n"
        /* and its twin: each charon line cancels one copy */
        "Nov 27 13:18:11 fw charon-systemd[5]: 09[IKE] <con1|1> sending retransmit 1 of request\n"
        /* another thread: a different event */
        "Nov 27 13:18:12 fw charon: 10[IKE] <con1|1> giving up after 3 retransmits\n"
        "Nov 27 13:18:12 fw charon-systemd[5]: 11[IKE] <con1|1> giving up after 3 retransmits\n"
        /* too far apart in time */
        "Nov 27 13:18:20 fw charon: 09[IKE] <con1|1> deleting IKE_SA\n"
        "Nov 27 13:18:29 fw charon-systemd[5]: deleting IKE_SA\n";
    idg_stats st;
    got g = run(text, 0, &st);
    ck_assert_uint_eq(st.duplicate_lines, 3);
    ck_assert_uint_eq(g.n, 7);
    ck_assert_str_eq(g.v[0].program, "charon");
    ck_assert_str_eq(g.v[1].program, "charon");
    ck_assert_str_eq(g.v[2].program, "charon");
    ck_assert_uint_eq(g.v[2].lineno, 4);
    ck_assert_uint_eq(g.v[3].lineno, 7);
    ck_assert_uint_eq(g.v[4].lineno, 8);
    ck_assert_uint_eq(g.v[6].lineno, 10);
    got_free(&g);
}
END_TEST

/* A log pasted newest-first (the pfSense GUI) comes out in time order,
 * lines of the same second included. */
START_TEST(test_newest_first)
{
    size_t len;
    char *text = read_corpus(CORPUS_LOG, &len);
    char *copy = strdup(text);
    char **lines;
    size_t n = split_lines(copy, &lines);
    ck_assert_uint_eq(n, CORPUS_LINES);
    char *reversed = join_lines(lines, n, 1);

    idg_stats fst, rst;
    got fwd = run(text, 0, &fst);
    got rev = run(reversed, 1, &rst);
    ck_assert_uint_eq(fst.reversed, 0);
    ck_assert_uint_eq(rst.reversed, 1);
    ck_assert_uint_eq(rev.n, fwd.n);
    for (size_t i = 0; i < fwd.n; i++) {
        ck_assert_str_eq(rev.v[i].raw, fwd.v[i].raw);
        ck_assert_int_eq(rev.v[i].ts, fwd.v[i].ts);
        /* line numbers are those of the pasted text */
        ck_assert_uint_eq(rev.v[i].lineno, n + 1 - fwd.v[i].lineno);
    }
    got_free(&fwd);
    got_free(&rev);
    free(reversed);
    free(lines);
    free(copy);
    free(text);
}
END_TEST

/* Past reorder_bytes, what is buffered comes out reversed and the rest in
 * the order read: every line exactly once, memory bounded. */
START_TEST(test_newest_first_bounded)
{
    size_t len;
    char *text = read_corpus(CORPUS_LOG, &len);
    char **lines;
    size_t n = split_lines(text, &lines);
    char *reversed = join_lines(lines, n, 1);
    idg_options o = opts_with(65536, 8192);
    idg_stats st;
    got g = run_opts(reversed, strlen(reversed), 0, &o, &st);
    ck_assert_uint_eq(st.reversed, 1);
    ck_assert_uint_eq(g.n, n);
    size_t k = 0; /* lines handed out reversed: linenos k, k-1, ..., 1 */
    while (k + 1 < g.n && g.v[k + 1].lineno + 1 == g.v[k].lineno)
        k++;
    k++;
    ck_assert_uint_eq(g.v[0].lineno, k);
    ck_assert_uint_gt(k, 5);
    ck_assert_uint_lt(k, n / 2);
    for (size_t i = k; i < g.n; i++)
        ck_assert_uint_eq(g.v[i].lineno, i + 1);
    size_t kept = 0;
    for (size_t i = 0; i < k; i++)
        kept += strlen(g.v[i].raw);
    ck_assert_uint_le(kept, 8192);
    got_free(&g);
    free(reversed);
    free(lines);
    free(text);
}
END_TEST

static void count_line(void *user, const charon_line *l)
{
    (void)l;
    ++*(size_t *)user;
}

/* An ascending log is handed out while it streams: at most a short
 * lookahead is held back before finish. */
START_TEST(test_ascending_not_delayed)
{
    size_t len;
    char *text = read_corpus(CORPUS_LOG, &len);
    idg_options o = default_opts();
    idg_stats st = {0};
    size_t count = 0;
    line_source *ls = line_source_new(&o, &st, count_line, &count);
    const char *cut = text;
    for (int i = 0; i < 100; i++)
        cut = strchr(cut, '\n') + 1;
    ck_assert_int_eq(line_source_feed(ls, text, (size_t)(cut - text)), 0);
    ck_assert_uint_ge(count, 100 - 64 - 1);
    ck_assert_int_eq(line_source_finish(ls), 0);
    ck_assert_uint_eq(count, 100);
    line_source_free(ls);
    free(text);

    /* with times that step up, three steps decide */
    const char *steps = "Nov 27 13:18:01 fw charon: 09[IKE] a\n"
                        "Nov 27 13:18:02 fw charon: 09[IKE] b\n"
                        "Nov 27 13:18:03 fw charon: 09[IKE] c\n"
                        "Nov 27 13:18:04 fw charon: 09[IKE] d\n"
                        "Nov 27 13:18:05 fw charon: 09[IKE] e\n";
    count = 0;
    ls = line_source_new(&o, &st, count_line, &count);
    ck_assert_int_eq(line_source_feed(ls, steps, strlen(steps)), 0);
    ck_assert_uint_ge(count, 4); /* the last may be held: a wrap's head? */
    ck_assert_int_eq(line_source_finish(ls), 0);
    ck_assert_uint_eq(count, 5);
    line_source_free(ls);
}
END_TEST

START_TEST(test_reorder_off)
{
    const char *text = "Nov 27 13:18:05 fw charon: 09[IKE] e\n"
                       "Nov 27 13:18:04 fw charon: 09[IKE] d\n"
                       "Nov 27 13:18:03 fw charon: 09[IKE] c\n"
                       "Nov 27 13:18:02 fw charon: 09[IKE] b\n";
    idg_options o = opts_with(65536, 0);
    idg_stats st;
    got g = run_opts(text, strlen(text), 0, &o, &st);
    ck_assert_uint_eq(st.reversed, 0);
    ck_assert_uint_eq(g.n, 4);
    ck_assert_str_eq(g.v[0].msg, "e");
    ck_assert_str_eq(g.v[3].msg, "b");
    got_free(&g);

    o = default_opts();
    g = run_opts(text, strlen(text), 0, &o, &st);
    ck_assert_uint_eq(st.reversed, 1);
    ck_assert_str_eq(g.v[0].msg, "b");
    ck_assert_uint_eq(g.v[0].lineno, 4);
    ck_assert_str_eq(g.v[3].msg, "e");
    got_free(&g);
}
END_TEST

START_TEST(test_json_lines)
{
    const char *text =
        "{\"time\":\"2026-11-27 13:18:09.123\",\"thread\":9,\"group\":\"IKE\",\"level\":1,"
        "\"ikesa-uniqueid\":\"3\",\"ikesa-name\":\"con1\",\"msg\":\"say \\\"hi\\\"\\n\"}\n"
        "{\"time\":\"2026-11-27 13:18:10.000\",\"thread\":9,\"group\":\"CFG\",\"level\":2,"
        "\"msg\":\"  no acceptable ENCRYPTION_ALGORITHM found\"}\n";
    idg_stats st;
    got g = run(text, 4, &st);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.v[0].msg, "say \"hi\"\n");
    ck_assert_str_eq(g.v[0].conn, "con1");
    ck_assert_int_eq(g.v[0].sa_id, 3);
    ck_assert_str_eq(g.v[0].time, "2026-11-27 13:18:09.123");
    ck_assert_str_eq(g.v[1].msg, "  no acceptable ENCRYPTION_ALGORITHM found");
    ck_assert_int_eq(g.v[1].level, 2);
    got_free(&g);
}
END_TEST

/* ---- the repair pieces on their own ------------------------------------ */

static const struct {
    const char *in, *out;
} html_cases[] = {
    {"&#91;IKE&#93;", "[IKE]"},
    {"&lt;con1|3&gt;", "<con1|3>"},
    {"a &amp;&amp; b", "a && b"},
    {"&quot;&#39;&apos;&nbsp;", "\"'' "},
    {"&#x5B;&#X5d;", "[]"},
    {"&amp;lt;", "&lt;"},
    {"&#233;&#x20AC;&#128512;", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
    {"&#0; &#xD800;", "? ?"},
    {"&#10;", " "},
    {"AT&T & co; &unknown; &#xZZ; &#; &", "AT&T & co; &unknown; &#xZZ; &#; &"},
};

START_TEST(test_html_table)
{
    char buf[128];
    size_t n = strlen(html_cases[_i].in);
    memcpy(buf, html_cases[_i].in, n);
    n = html_unescape(buf, n);
    ck_assert_uint_eq(n, strlen(html_cases[_i].out));
    ck_assert(memcmp(buf, html_cases[_i].out, n) == 0);
}
END_TEST

START_TEST(test_utf8_repair)
{
    char buf[] = "ok \xc3\xa9 \xf0\x9f\x98\x80 bad \xc3 \xe0\x80\x80 \xf5\x80\x80\x80 \xed\xbf\xbf";
    utf8_repair(buf, sizeof buf - 1);
    ck_assert_str_eq(buf, "ok \xc3\xa9 \xf0\x9f\x98\x80 bad ? ??? ???? ???");
}
END_TEST

START_TEST(test_wrap_append_rules)
{
    char line[64];
    size_t len;
    /* whitespace at the break: exactly one space */
    strcpy(line, "head  ");
    len = strlen(line);
    ck_assert(wrap_append(line, &len, 0, sizeof line, "tail", 4, true));
    ck_assert(len == 9 && memcmp(line, "head tail", 9) == 0);
    strcpy(line, "head");
    len = 4;
    ck_assert(wrap_append(line, &len, 0, sizeof line, " tail", 5, true));
    ck_assert(len == 9 && memcmp(line, "head tail", 9) == 0);
    /* cut at a fixed column: directly */
    len = 4;
    ck_assert(wrap_append(line, &len, 0, sizeof line, "tail", 4, true));
    ck_assert(len == 8 && memcmp(line, "headtail", 8) == 0);
    /* broken at a word by a mail client that dropped the space */
    len = 4;
    ck_assert(wrap_append(line, &len, 0, sizeof line, "tail", 4, false));
    ck_assert(len == 9 && memcmp(line, "head tail", 9) == 0);
    /* no room: cut */
    len = 4;
    ck_assert(!wrap_append(line, &len, 0, 6, "tail", 4, true));
    ck_assert_uint_eq(len, 6);
}
END_TEST

static Suite *line_source_suite(void)
{
    Suite *s = suite_create("line_source");
    TCase *split = tcase_create("split");
    tcase_add_test(split, test_lines_and_skips);
    tcase_add_test(split, test_line_ends);
    tcase_add_test(split, test_cut_lines);
    tcase_add_test(split, test_bad_bytes);
    tcase_add_test(split, test_chunking_equivalence);
    tcase_add_test(split, test_in_place_lines_outlive_the_buffer);
    tcase_add_test(split, test_block_boundaries);
    suite_add_tcase(s, split);

    TCase *repair = tcase_create("repair");
    tcase_add_test(repair, test_html_unescape);
    tcase_add_test(repair, test_html_markup);
    tcase_add_test(repair, test_json_string_lines);
    tcase_add_test(repair, test_wrap_trimmed_space_at_80);
    tcase_add_test(repair, test_wrap_fixed_width);
    tcase_add_test(repair, test_wrap_mail_client);
    tcase_add_test(repair, test_wrap_words);
    tcase_add_test(repair, test_wrap_long_word_keeps_width);
    tcase_add_test(repair, test_wrap_not_prose);
    tcase_add_test(repair, test_elision_not_a_tail);
    tcase_add_test(repair, test_known_message_not_a_tail);
    tcase_add_test(repair, test_known_message_after_empty_head);
    tcase_add_test(repair, test_complete_message_takes_no_tail);
    tcase_add_test(repair, test_time_alone_not_a_tail);
    tcase_add_test(repair, test_duplicates);
    tcase_add_test(repair, test_bare_lines);
    tcase_add_test(repair, test_bare_duplicate);
    tcase_add_test(repair, test_newest_first);
    tcase_add_test(repair, test_newest_first_bounded);
    tcase_add_test(repair, test_ascending_not_delayed);
    tcase_add_test(repair, test_reorder_off);
    tcase_add_test(repair, test_json_lines);
    tcase_add_loop_test(repair, test_html_table, 0,
                        (int)(sizeof html_cases / sizeof *html_cases));
    tcase_add_test(repair, test_utf8_repair);
    tcase_add_test(repair, test_wrap_append_rules);
    suite_add_tcase(s, repair);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(line_source_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
