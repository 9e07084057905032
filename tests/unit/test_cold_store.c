/*
 * test_cold_store.c - a report's cold storage (idg_report_set_cold_store):
 * the same document with it as without, in every format, with repeats
 * folded after the texts went out, with two ends correlated, and when the
 * store fails to write or to read.
 *
 * Fixtures are read from $IDG_SOURCE_DIR (set by ctest to the repo root).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsecdiag/ipsecdiag.h"

/* A store in memory, which can be told to fail. */
typedef struct mem_store {
    char *buf;
    size_t len, cap;
    int fail_writes, fail_reads;
    int writes, reads;
} mem_store;

static int mem_write(void *user, const void *data, size_t len, uint64_t *at)
{
    mem_store *m = user;
    if (m->fail_writes)
        return -1;
    if (m->len + len > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + len)
            cap *= 2;
        char *p = realloc(m->buf, cap);
        if (p == NULL)
            return -1;
        m->buf = p;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, data, len);
    *at = m->len;
    m->len += len;
    m->writes++;
    return 0;
}

static int mem_read(void *user, uint64_t at, void *data, size_t len)
{
    mem_store *m = user;
    if (m->fail_reads || at + len > m->len)
        return -1;
    memcpy(data, m->buf + at, len);
    m->reads++;
    return 0;
}

static char *read_fixture(const char *rel, size_t *len)
{
    const char *dir = getenv("IDG_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "fixture %s not found (set IDG_SOURCE_DIR)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void collect(void *user, const idg_diagnosis *d)
{
    idg_report_add(user, d);
}

/* The logs of one end or both: a failure seen from both ends, a healthy
 * tunnel (info diagnoses, their evidence trimmed), a tunnel retrying the
 * same failure (repeats folded into a stored item). */
static const char *const LOGS[] = {
    "tests/corpus/lab/ikev2-p1-dh-mismatch/initiator.log",
    "tests/corpus/lab/ikev2-p1-dh-mismatch/responder.log",
    "tests/corpus/lab/ikev1-success/responder.log",
    "tests/corpus/lab/ikev2-p1-psk-mismatch/initiator.log",
};

/* A report of logs [from, to) of LOGS, each fed twice over (repeats), with
 * the store set (store non-NULL) before the first add. */
static idg_report *report_of(size_t from, size_t to, mem_store *store)
{
    idg_report *r = idg_report_new();
    ck_assert_ptr_nonnull(r);
    if (store) {
        idg_cold_store cs = {mem_write, mem_read, store};
        ck_assert_int_eq(idg_report_set_cold_store(r, &cs), 0);
    }
    for (size_t i = from; i < to; i++) {
        size_t len;
        char *log = read_fixture(LOGS[i], &len);
        ck_assert_int_eq(idg_report_begin_source(r, LOGS[i]), 0);
        idg_engine *e = idg_engine_new(NULL, collect, r);
        for (int pass = 0; pass < 2; pass++)
            ck_assert_int_eq(idg_engine_feed(e, log, len), 0);
        ck_assert_int_eq(idg_engine_finish(e), 0);
        idg_report_set_stats(r, idg_engine_stats(e));
        idg_engine_free(e);
        free(log);
    }
    idg_report_correlate(r);
    return r;
}

static void same_documents(size_t from, size_t to)
{
    mem_store m = {0};
    idg_report *plain = report_of(from, to, NULL), *cold = report_of(from, to, &m);
    ck_assert_int_gt(m.writes, 0);
    ck_assert_uint_eq(idg_report_count(plain), idg_report_count(cold));
    ck_assert_uint_eq(idg_report_errors(plain), idg_report_errors(cold));
    for (int f = IDG_FORMAT_JSON; f <= IDG_FORMAT_JSON_COMPACT; f++) {
        char *a = idg_report_render(plain, (idg_format)f);
        char *b = idg_report_render(cold, (idg_format)f);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    idg_report_free(plain);
    idg_report_free(cold);
    free(m.buf);
}

START_TEST(one_log_renders_the_same)
{
    same_documents(1, 2);
    same_documents(2, 4);
}
END_TEST

/* Correlation reads the stored texts back, then joins the two ends. */
START_TEST(two_ends_correlate_the_same)
{
    same_documents(0, 2);
    same_documents(0, 4);
}
END_TEST

START_TEST(stored_items_hold_no_cold_texts)
{
    mem_store m = {0};
    idg_report *r = report_of(1, 2, &m);
    size_t n = idg_report_count(r);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(m.writes, (int)n); /* one per distinct diagnosis, none per repeat */
    int reads = m.reads;
    /* idg_report_get reads an item back once, and keeps it */
    const idg_diagnosis *d = idg_report_get(r, 0);
    ck_assert_ptr_nonnull(d->summary);
    ck_assert_uint_gt(d->n_evidence, 0);
    ck_assert_ptr_nonnull(d->evidence[0].text);
    ck_assert_int_eq(m.reads, reads + 1);
    ck_assert_ptr_eq(idg_report_get(r, 0), d);
    ck_assert_int_eq(m.reads, reads + 1);
    idg_report_free(r);
    free(m.buf);
}
END_TEST

/* A store that refuses writes: every item stays whole in memory. */
START_TEST(failed_writes_keep_items_in_memory)
{
    mem_store m = {0};
    m.fail_writes = 1;
    idg_report *plain = report_of(0, 2, NULL), *cold = report_of(0, 2, &m);
    char *a = idg_report_render(plain, IDG_FORMAT_JSON), *b = idg_report_render(cold, IDG_FORMAT_JSON);
    ck_assert_int_eq(m.writes, 0);
    ck_assert_int_eq(m.reads, 0);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    idg_report_free(plain);
    idg_report_free(cold);
}
END_TEST

static int discard(void *user, const char *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return 0;
}

/* A store that cannot read back: the rendering says so (NULL, -1). */
START_TEST(failed_reads_fail_the_rendering)
{
    mem_store m = {0};
    idg_report *r = report_of(1, 2, &m);
    m.fail_reads = 1;
    ck_assert_ptr_null(idg_report_render(r, IDG_FORMAT_TEXT));
    ck_assert_int_eq(idg_report_write(r, IDG_FORMAT_JSON, discard, NULL), -1);
    /* what does not read the texts still works */
    ck_assert_uint_gt(idg_report_errors(r), 0);
    m.fail_reads = 0;
    char *doc = idg_report_render(r, IDG_FORMAT_JSON);
    ck_assert_ptr_nonnull(doc);
    free(doc);
    idg_report_free(r);
    free(m.buf);
}
END_TEST

/* A store set after some diagnoses: those stay whole, later ones go out. */
START_TEST(store_set_midway)
{
    mem_store m = {0};
    idg_report *plain = report_of(1, 3, NULL);
    idg_report *r = idg_report_new();
    for (size_t i = 1; i < 3; i++) {
        size_t len;
        char *log = read_fixture(LOGS[i], &len);
        if (i == 2) {
            idg_cold_store cs = {mem_write, mem_read, &m};
            ck_assert_int_eq(idg_report_set_cold_store(r, &cs), 0);
        }
        idg_report_begin_source(r, LOGS[i]);
        idg_engine *e = idg_engine_new(NULL, collect, r);
        for (int pass = 0; pass < 2; pass++)
            idg_engine_feed(e, log, len);
        idg_engine_finish(e);
        idg_report_set_stats(r, idg_engine_stats(e));
        idg_engine_free(e);
        free(log);
    }
    idg_report_correlate(r);
    ck_assert_int_gt(m.writes, 0);
    ck_assert_int_lt(m.writes, (int)idg_report_count(r));
    char *a = idg_report_render(plain, IDG_FORMAT_MARKDOWN), *b = idg_report_render(r, IDG_FORMAT_MARKDOWN);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    idg_report_free(plain);
    idg_report_free(r);
    free(m.buf);
}
END_TEST

/* Once a diagnosis's texts went out through a store, the report reads them
 * back through it: the store can be neither dropped nor replaced. A store
 * without both callbacks is refused. */
START_TEST(store_cannot_change_once_used)
{
    mem_store m = {0}, other = {0};
    idg_cold_store cs = {mem_write, mem_read, &m}, cs2 = {mem_write, mem_read, &other};
    idg_cold_store half = {mem_write, NULL, &m};
    idg_report *r = idg_report_new();
    ck_assert_int_eq(idg_report_set_cold_store(r, &half), -1);
    ck_assert_int_eq(idg_report_set_cold_store(r, &cs), 0);
    ck_assert_int_eq(idg_report_set_cold_store(r, NULL), 0); /* nothing stored yet */
    ck_assert_int_eq(idg_report_set_cold_store(r, &cs), 0);
    idg_report_free(r);

    r = report_of(1, 2, &m);
    ck_assert_int_gt(m.writes, 0);
    ck_assert_int_eq(idg_report_set_cold_store(r, NULL), -1);
    ck_assert_int_eq(idg_report_set_cold_store(r, &cs2), -1);
    char *doc = idg_report_render(r, IDG_FORMAT_TEXT);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(other.writes, 0);
    free(doc);
    idg_report_free(r);
    free(m.buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cold_store");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, one_log_renders_the_same);
    tcase_add_test(tc, two_ends_correlate_the_same);
    tcase_add_test(tc, stored_items_hold_no_cold_texts);
    tcase_add_test(tc, failed_writes_keep_items_in_memory);
    tcase_add_test(tc, failed_reads_fail_the_rendering);
    tcase_add_test(tc, store_set_midway);
    tcase_add_test(tc, store_cannot_change_once_used);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
