/*
 * fuzz_pipeline.c - the whole engine, fed in fuzz-chosen chunkings, and the
 * report rendered in all three formats.
 *
 * Input: byte 0 picks the options (max_line_bytes, reorder_bytes,
 * max_negotiations, max_evidence), bytes 1..8 seed the chunking, the rest is
 * the log; a form feed ('\f') splits it into two sources (the two ends of a
 * tunnel, as `ipsec-diag diagnose a.log b.log`). Checked:
 *   - every diagnosis handed to the callback: enums in range, confidence in
 *     [0, 1], every string valid UTF-8 without NUL, evidence within
 *     max_evidence; idg_diagnosis_to_json() is one line of valid JSON (read
 *     back with jansson's json_loads) naming the same class; a deep copy
 *     (idg_diagnosis_copy) renders to the same JSON;
 *   - "any chunking gives the same result": the chunked run and a one-piece
 *     run give the same diagnoses (by JSON) and the same counters;
 *   - stats.diagnoses equals the number of callbacks;
 *   - the report (correlated) renders as valid JSON, and as valid UTF-8 text
 *     and Markdown; idg_diagnose_buffer gives valid JSON too;
 *   - a report of the one-piece run whose texts went to a cold store (in
 *     memory here) renders the same three documents.
 * Leaks are caught by LeakSanitizer (libFuzzer's -detect_leaks=1).
 */
#include <jansson.h>
#include <math.h>

#include "fuzz_common.h"
#include "ipsecdiag/ipsecdiag.h"

typedef struct collect {
    uint64_t n;
    uint64_t hash;
    size_t max_evidence;
    idg_report *report;
} collect;

static void check_json_text(const char *s, const char *what, int one_line)
{
    json_error_t err;
    fuzz_check(s != NULL, "%s: NULL", what);
    fuzz_check(fuzz_utf8_ok(s, strlen(s)), "%s: not valid UTF-8", what);
    if (one_line)
        fuzz_check(strchr(s, '\n') == NULL, "%s: not one line", what);
    json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &err);
    fuzz_check(j != NULL, "%s: invalid JSON (%s at line %d col %d): %.200s", what, err.text,
               err.line, err.column, s);
    fuzz_check(json_is_object(j), "%s: not a JSON object", what);
    json_decref(j);
}

static void check_diagnosis(const idg_diagnosis *d, size_t max_evidence)
{
    const idg_class_info *ci = idg_class_get(d->cls);
    fuzz_check(ci != NULL, "class %d out of range", (int)d->cls);
    fuzz_check(d->phase == 1 || d->phase == 2, "phase %d", d->phase);
    fuzz_check(d->severity >= IDG_SEVERITY_INFO && d->severity <= IDG_SEVERITY_ERROR,
               "severity %d", (int)d->severity);
    fuzz_check(d->ike_version >= 0 && d->ike_version <= 2, "ike_version %d", d->ike_version);
    fuzz_check(d->role >= IDG_ROLE_UNKNOWN && d->role <= IDG_ROLE_RESPONDER, "role %d",
               (int)d->role);
    fuzz_check(d->ike_sa_id >= -1, "ike_sa_id %lld", (long long)d->ike_sa_id);
    fuzz_check(!isnan(d->confidence) && d->confidence >= 0 && d->confidence <= 1,
               "confidence %f", d->confidence);
    fuzz_check_cstr(d->title, "title");
    fuzz_check_cstr(d->detail, "detail");
    fuzz_check_cstr(d->connection, "connection");
    fuzz_check_cstr(d->child_name, "child_name");
    fuzz_check_cstr(d->local_addr, "local_addr");
    fuzz_check_cstr(d->remote_addr, "remote_addr");
    fuzz_check_cstr(d->time, "time");
    fuzz_check_cstr(d->summary, "summary");
    fuzz_check_cstr(d->change_side, "change_side");
    fuzz_check_cstr(d->pfsense, "pfsense");
    fuzz_check_cstr(d->strongswan, "strongswan");
    fuzz_check_cstr(d->source, "source");
    fuzz_check_cstr(d->peer_source, "peer_source");
    if (d->change_side)
        fuzz_check(!strcmp(d->change_side, "local") || !strcmp(d->change_side, "peer") ||
                       !strcmp(d->change_side, "both") || !strcmp(d->change_side, "either"),
                   "change_side '%s'", d->change_side);
    fuzz_check(d->n_offending == 0 || d->offending != NULL, "offending NULL");
    for (size_t i = 0; i < d->n_offending; i++) {
        fuzz_check_cstr(d->offending[i].field, "offending.field");
        fuzz_check_cstr(d->offending[i].local, "offending.local");
        fuzz_check_cstr(d->offending[i].peer, "offending.peer");
    }
    fuzz_check(d->n_evidence == 0 || d->evidence != NULL, "evidence NULL");
    if (max_evidence)
        fuzz_check(d->n_evidence <= max_evidence, "%zu evidence lines > max_evidence %zu",
                   d->n_evidence, max_evidence);
    for (size_t i = 0; i < d->n_evidence; i++) {
        fuzz_check(d->evidence[i].line >= 1, "evidence line 0");
        fuzz_check(d->evidence[i].text != NULL, "evidence text NULL");
        fuzz_check_cstr(d->evidence[i].text, "evidence.text");
    }
    fuzz_check(d->n_msgids == 0 || d->msgids != NULL, "msgids NULL");
    if (d->n_msgids)
        fuzz_touch((const char *)d->msgids, d->n_msgids * sizeof *d->msgids);
}

/* Checks one diagnosis and its JSON; returns the JSON (caller frees). */
static char *diagnosis_checked_json(const idg_diagnosis *d, size_t max_evidence)
{
    check_diagnosis(d, max_evidence);
    char *js = idg_diagnosis_to_json(d);
    check_json_text(js, "idg_diagnosis_to_json", 1);
    json_t *j = json_loads(js, 0, NULL);
    json_t *cls = json_object_get(j, "class");
    fuzz_check(json_is_string(cls) && strcmp(json_string_value(cls), idg_class_get(d->cls)->name) == 0,
               "JSON class is not %s", idg_class_get(d->cls)->name);
    json_decref(j);

    idg_diagnosis *c = idg_diagnosis_copy(d);
    fuzz_check(c != NULL, "idg_diagnosis_copy failed");
    check_diagnosis(c, max_evidence);
    char *cj = idg_diagnosis_to_json(c);
    fuzz_check(cj != NULL && strcmp(cj, js) == 0, "the copy renders differently:\n%s\n%s", js,
               cj ? cj : "(null)");
    free(cj);
    idg_diagnosis_free(c);
    return js;
}

static void on_diagnosis(void *user, const idg_diagnosis *d)
{
    collect *c = user;
    char *js = diagnosis_checked_json(d, c->max_evidence);
    c->hash = fuzz_hash(c->hash, js, strlen(js) + 1);
    c->n++;
    free(js);
    if (c->report)
        fuzz_check(idg_report_add(c->report, d) == 0, "idg_report_add failed");
}

static const size_t max_lines[] = {256, 1000, 4096, 65536};
static const size_t reorders[] = {0, 600, 65536, (size_t)64 << 20};
static const size_t max_negs[] = {1, 3, 64, 4096};

/* One source through one engine; returns its stats in *st. */
static void run_source(const idg_options *o, const uint8_t *p, size_t n, fuzz_rng *rng,
                       collect *c, idg_stats *st, const char *name)
{
    if (c->report)
        fuzz_check(idg_report_begin_source(c->report, name) == 0, "begin_source failed");
    uint64_t before = c->n;
    idg_engine *e = idg_engine_new(o, on_diagnosis, c);
    fuzz_check(e != NULL, "idg_engine_new failed");
    size_t off = 0;
    while (off < n) {
        size_t k = rng ? fuzz_chunk_len(rng, n - off) : n - off;
        char *chunk = fuzz_dup_exact(p + off, k);
        fuzz_check(idg_engine_feed(e, chunk, k) == 0, "idg_engine_feed failed");
        free(chunk);
        off += k;
        if (rng && (fuzz_next(rng) & 15) == 0)
            (void)idg_engine_stats(e); /* valid at any time */
    }
    fuzz_check(idg_engine_finish(e) == 0, "idg_engine_finish failed");
    *st = *idg_engine_stats(e);
    fuzz_check(st->diagnoses == c->n - before, "stats.diagnoses %llu, callbacks %llu",
               (unsigned long long)st->diagnoses, (unsigned long long)(c->n - before));
    fuzz_check(st->bytes == n, "stats.bytes %llu, fed %zu", (unsigned long long)st->bytes, n);
    if (c->report)
        fuzz_check(idg_report_set_stats(c->report, st) == 0, "set_stats failed");
    idg_engine_free(e);
}

/* A cold store in memory (idg_report_set_cold_store). */
typedef struct mem_store {
    char *buf;
    size_t len, cap;
} mem_store;

static int mem_write(void *user, const void *data, size_t len, uint64_t *at)
{
    mem_store *m = user;
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
    return 0;
}

static int mem_read(void *user, uint64_t at, void *data, size_t len)
{
    mem_store *m = user;
    if (at + len > m->len)
        return -1;
    memcpy(data, m->buf + at, len);
    return 0;
}

/* r's three documents, checked; cold (the same diagnoses, texts in a cold
 * store) must render the same ones. */
static void check_report(idg_report *r, size_t max_evidence, idg_report *cold)
{
    char *want[3] = {NULL, NULL, NULL};
    idg_report_correlate(r);
    idg_report_correlate(cold);
    for (int f = IDG_FORMAT_JSON; f <= IDG_FORMAT_MARKDOWN; f++)
        want[f - IDG_FORMAT_JSON] = idg_report_render(cold, (idg_format)f);
    for (size_t i = 0; i < idg_report_count(r); i++)
        free(diagnosis_checked_json(idg_report_get(r, i), max_evidence));
    fuzz_check(idg_report_get(r, idg_report_count(r)) == NULL, "get past the end");
    char *js = idg_report_render(r, IDG_FORMAT_JSON);
    check_json_text(js, "report JSON", 0);
    fuzz_check(want[0] != NULL && strcmp(js, want[0]) == 0, "the cold-stored report's JSON differs");
    free(js);
    for (int f = IDG_FORMAT_TEXT; f <= IDG_FORMAT_MARKDOWN; f++) {
        char *t = idg_report_render(r, (idg_format)f);
        fuzz_check(t != NULL, "render %d failed", f);
        fuzz_check(fuzz_utf8_ok(t, strlen(t)), "render %d: not valid UTF-8", f);
        fuzz_check(want[f - IDG_FORMAT_JSON] != NULL && strcmp(t, want[f - IDG_FORMAT_JSON]) == 0,
                   "the cold-stored report's rendering %d differs", f);
        free(t);
    }
    for (int k = 0; k < 3; k++)
        free(want[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idg_options o;
    fuzz_rng rng = {0};
    unsigned opt = 0;
    idg_options_init(&o);
    if (size >= 9) {
        opt = data[0];
        o.max_line_bytes = max_lines[opt & 3];
        o.reorder_bytes = reorders[(opt >> 2) & 3];
        o.max_negotiations = max_negs[(opt >> 4) & 3];
        o.max_evidence = (opt & 0x40) ? 2 : 16;
        memcpy(&rng.s, data + 1, 8);
        data += 9;
        size -= 9;
    }
    const uint8_t *ff = memchr(data, '\f', size);
    size_t n1 = ff ? (size_t)(ff - data) : size;
    const uint8_t *p2 = ff ? ff + 1 : NULL;
    size_t n2 = ff ? size - n1 - 1 : 0;

    /* chunked, into a report */
    collect a = {0, 0, o.max_evidence, idg_report_new()};
    idg_stats sa1, sa2, sb1, sb2;
    fuzz_check(a.report != NULL, "idg_report_new failed");
    run_source(&o, data, n1, &rng, &a, &sa1, "a.log");
    if (p2)
        run_source(&o, p2, n2, &rng, &a, &sa2, "b.log");

    /* in one piece, into a report whose texts go to a cold store */
    mem_store mem = {NULL, 0, 0};
    idg_cold_store store = {mem_write, mem_read, &mem};
    collect b = {0, 0, o.max_evidence, idg_report_new()};
    fuzz_check(b.report != NULL && idg_report_set_cold_store(b.report, &store) == 0,
               "report with a cold store");
    run_source(&o, data, n1, NULL, &b, &sb1, "a.log");
    if (p2)
        run_source(&o, p2, n2, NULL, &b, &sb2, "b.log");
    fuzz_check(a.n == b.n, "chunked: %llu diagnoses, one piece: %llu", (unsigned long long)a.n,
               (unsigned long long)b.n);
    fuzz_check(a.hash == b.hash, "chunked and one-piece runs gave different diagnoses");
    fuzz_check(memcmp(&sa1, &sb1, sizeof sa1) == 0, "chunked and one-piece stats differ");
    if (p2)
        fuzz_check(memcmp(&sa2, &sb2, sizeof sa2) == 0, "chunked and one-piece stats differ (b)");

    check_report(a.report, o.max_evidence, b.report);
    idg_report_free(a.report);
    idg_report_free(b.report);
    free(mem.buf);

    if (!p2) {
        char *out = idg_diagnose_buffer(data, n1, "buffer.log", &o, IDG_FORMAT_JSON);
        check_json_text(out, "idg_diagnose_buffer", 0);
        free(out);
    }
    return 0;
}
