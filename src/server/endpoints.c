/*
 * endpoints.c - what each path does: /rpc, /v1/diagnose, /v1/stream,
 * /healthz, /metrics. Each is an `endpoint` (router.h); the HTTP mechanics
 * (framing, limits, keep-alive) stay in http_conn.c.
 *
 * /v1/diagnose and /v1/stream never hold a whole upload: body bytes go to
 * an engine as they arrive (multipart parts too), so memory is bounded by
 * the engine's options, not by the upload.
 *
 * Large bodies are diagnosed in libuv's thread pool (offload.h): /rpc
 * hands its whole body to one job; /v1/diagnose and /v1/stream, once their
 * body passes --offload-above, go through a body_pipe (offload.h): the loop
 * reads, a pool thread feeds the engine what has arrived, so reading the
 * socket and diagnosing overlap on two cores, with at most about two
 * PIPE_HOLD_BYTES buffers per upload (the body is held, reading stops,
 * beyond that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/diag_job.h"
#include "server/offload.h"
#include "server/multipart.h"
#include "server/router.h"
#include "server/rpc.h"

/* ---- POST /rpc ---------------------------------------------------------- */

static void rpc_begin(http_req *r)
{
    const char *ct = http_req_header(r, "Content-Type", NULL);
    char charset[32];

    if (!media_type_is(ct, "application/json")) {
        http_reject(r, 415, "Content-Type must be application/json", NULL);
        return;
    }
    if (header_param(ct, "charset", charset, sizeof charset) == 0 &&
        strcasecmp(charset, "utf-8") != 0 && strcasecmp(charset, "utf8") != 0)
        http_reject(r, 415, "JSON must be UTF-8", NULL);
}

static void rpc_answer(http_req *r, int rc, sbuf *out)
{
    if (rc != 0)
        http_respond_error(r, 500, "out of memory", NULL);
    else if (out->len == 0)
        http_respond(r, 204, NULL, NULL, 0, NULL);
    else {
        size_t len = out->len;
        http_respond_owned(r, 200, "application/json", sbuf_steal(out), len);
    }
}

/* A large /rpc body in the thread pool. */
typedef struct rpc_job {
    uv_work_t work;
    http_req *r;          /* NULL once the request is gone */
    pool_ctx *pc;
    sbuf body, out;
    int rc;
} rpc_job;

static void rpc_work(uv_work_t *wk)
{
    rpc_job *j = wk->data;

    j->rc = rpc_handle(&j->pc->ctx, j->body.data ? j->body.data : "", j->body.len, &j->out);
}

static void rpc_job_free(rpc_job *j)
{
    pool_ctx_free(j->pc);
    sbuf_free(&j->body);
    sbuf_free(&j->out);
    free(j);
}

static void rpc_after(uv_work_t *wk, int status)
{
    rpc_job *j = wk->data;
    http_req *r = j->r;

    if (r) {
        r->state = NULL;
        rpc_answer(r, status != 0 ? -1 : j->rc, &j->out);
    }
    rpc_job_free(j);
    if (r)
        http_defer_end(r);
}

static int rpc_offload(http_req *r)
{
    rpc_job *j = calloc(1, sizeof *j);

    if (j == NULL || (j->pc = pool_ctx_new(r->w)) == NULL) {
        free(j);
        return -1;
    }
    j->r = r;
    j->work.data = j;
    j->body = r->body;
    if (uv_queue_work(r->w->loop, &j->work, rpc_work, rpc_after) != 0) {
        j->body = (sbuf)SBUF_INIT;
        rpc_job_free(j);
        return -1;
    }
    r->body = (sbuf)SBUF_INIT;
    r->state = j;
    http_defer(r);
    return 0;
}

static void rpc_end(http_req *r)
{
    sbuf out = SBUF_INIT;
    int rc;

    if (offload_wanted(r->w, r->body.len) && rpc_offload(r) == 0)
        return;
    rc = rpc_handle(r->w, r->body.data ? r->body.data : "", r->body.len, &out);
    rpc_answer(r, rc, &out);
    sbuf_free(&out);
}

/* The peer is gone: a running job finds r NULL and frees itself. */
static void rpc_abort(http_req *r)
{
    rpc_job *j = r->state;

    j->r = NULL;
    r->state = NULL;
}

const endpoint ep_rpc = {
    .id = SRV_EP_RPC,
    .methods = EP_METHOD(HTTP_POST),
    .allow = "POST, OPTIONS",
    .body = EP_BODY_BUFFER,
    .begin = rpc_begin,
    .end = rpc_end,
    .abort = rpc_abort,
};

/* ---- POST /v1/diagnose ------------------------------------------------ */

/* Media types taken as a raw log. x-www-form-urlencoded is what
 * `curl --data-binary @file` sends by default; the bytes are still the
 * file's, so they are read as is, not URL-decoded. */
static int raw_log_type(const char *ct)
{
    return ct == NULL || media_type_is(ct, "text/plain") ||
           media_type_is(ct, "application/octet-stream") ||
           media_type_is(ct, "application/x-www-form-urlencoded");
}

typedef struct upload {
    diag_job job;
    idg_format fmt;
    multipart *mp;
    int part_kind;          /* multipart: 0 skip, 1 log source, 2 format field */
    char fmt_field[16];
    size_t fmt_len;
    int fmt_from_query;

    /* thread pool mode (pc and bp != NULL), once the body passed
     * offload_bytes; while a job runs only it touches job/mp */
    pool_ctx *pc;
    body_pipe *bp;
    http_req *r;            /* NULL once the request is gone while a job runs */
    int feed_status;        /* feeding failed: answer this and close */
    int end_status;         /* the final job has no document: answer this */
    char msg[160];          /* ... with this message */
    char *doc;              /* the final job's document */
} upload;

static int part_begin(void *user, const char *name, const char *filename, const char *ctype)
{
    upload *u = user;
    char src[256];

    u->part_kind = 0;
    if (filename && filename[0]) {
        snprintf(src, sizeof src, "%s", filename);
        utf8_sanitize(src);
        u->part_kind = 1;
        return diag_job_begin(&u->job, src);
    }
    if (filename == NULL && strcmp(name, "log") == 0) { /* a textarea named "log" */
        u->part_kind = 1;
        return diag_job_begin(&u->job, "log");
    }
    if (filename == NULL && strcmp(name, "format") == 0) {
        u->part_kind = 2;
        u->fmt_len = 0;
    }
    return 0;
}

static int part_data(void *user, const char *p, size_t n)
{
    upload *u = user;

    if (u->part_kind == 1)
        return diag_job_feed(&u->job, p, n);
    if (u->part_kind == 2) {
        size_t room = sizeof u->fmt_field - 1 - u->fmt_len;
        size_t k = n < room ? n : room;
        memcpy(u->fmt_field + u->fmt_len, p, k);
        u->fmt_len += k;
        u->fmt_field[u->fmt_len] = '\0';
    }
    return 0;
}

static int part_end(void *user)
{
    upload *u = user;

    if (u->part_kind == 1)
        return diag_job_end_source(&u->job);
    if (u->part_kind == 2 && !u->fmt_from_query && u->fmt_len &&
        idg_format_parse(u->fmt_field, &u->fmt) != 0)
        return -1;
    return 0;
}

static const multipart_cb upload_mp_cb = {part_begin, part_data, part_end};

static void upload_free(upload *u)
{
    if (u == NULL)
        return;
    diag_job_free(&u->job);
    multipart_free(u->mp);
    body_pipe_free(u->bp);
    pool_ctx_free(u->pc);
    free(u->doc);
    free(u);
}

static void diagnose_abort(http_req *r)
{
    upload *u = r->state;

    r->state = NULL;
    if (u && u->bp && u->bp->running)
        u->r = NULL; /* the running job's after() frees it */
    else
        upload_free(u);
}

/* Body bytes into the engine (through the multipart parser for a form), on
 * the loop or in the pool. 0, or -1 with u->feed_status and u->msg set. */
static int upload_feed(upload *u, const char *p, size_t n)
{
    if (u->mp) {
        if (multipart_feed(u->mp, p, n) != 0) {
            u->feed_status = u->job.failed ? 500 : 400;
            snprintf(u->msg, sizeof u->msg, "%s", multipart_error(u->mp));
            return -1;
        }
    } else if (diag_job_feed(&u->job, p, n) != 0) {
        u->feed_status = 500;
        snprintf(u->msg, sizeof u->msg, "the log could not be processed");
        return -1;
    }
    return 0;
}

/* After the last byte: the document, or NULL with u->end_status and u->msg
 * (answered, the connection kept). On the loop or in the pool. */
static char *upload_finish(upload *u)
{
    char *doc = NULL;

    if (u->mp && multipart_finish(u->mp) != 0) {
        u->end_status = 400;
        snprintf(u->msg, sizeof u->msg, "%s", multipart_error(u->mp));
    } else if (u->mp && u->job.n_sources == 0) {
        u->end_status = 400;
        snprintf(u->msg, sizeof u->msg, "the form has no file (or \"log\" field) to diagnose");
    } else if ((doc = diag_job_render(&u->job, u->fmt)) == NULL) {
        u->end_status = 500;
        snprintf(u->msg, sizeof u->msg, "the diagnosis could not be completed");
    }
    return doc;
}

static const char *format_ctype(idg_format f);

/* The answer: frees u first (the report goes before the document is sent). */
static void upload_answer(http_req *r, upload *u)
{
    char *doc = u->doc;
    int status = u->end_status;
    char msg[sizeof u->msg];
    const char *ctype = format_ctype(u->fmt);

    u->doc = NULL;
    snprintf(msg, sizeof msg, "%s", u->msg);
    r->state = NULL;
    upload_free(u);
    if (doc)
        http_respond_owned(r, 200, ctype, doc, strlen(doc));
    else
        http_respond_error(r, status, msg, NULL);
}

/* The body_pipe's side (offload.h). */
static int upload_pipe_feed(void *user, const char *p, size_t n)
{
    return upload_feed(user, p, n);
}

static void upload_pipe_finish(void *user)
{
    upload *u = user;

    u->doc = upload_finish(u);
}

static void upload_pipe_after(void *user, int status)
{
    upload *u = user;
    http_req *r = u->r;
    char msg[sizeof u->msg];

    if (r == NULL) { /* the request is gone */
        upload_free(u);
        return;
    }
    if (status != 0 || u->bp->failed) {
        int st = u->feed_status ? u->feed_status : 500;
        snprintf(msg, sizeof msg, "%s", u->feed_status ? u->msg : "the log could not be processed");
        r->state = NULL;
        upload_free(u);
        http_abort(r, st, msg);
        return;
    }
    if (u->bp->done) {
        upload_answer(r, u);
        http_defer_end(r);
        return;
    }
    if (body_pipe_next(u->bp) != 0) {
        r->state = NULL;
        upload_free(u);
        http_abort(r, 500, "out of memory");
    }
}

static void upload_pipe_unhold(void *user)
{
    upload *u = user;

    if (u->r)
        http_body_hold(u->r, 0);
}

static const body_pipe_ops upload_pipe_ops = {
    .feed = upload_pipe_feed,
    .finish = upload_pipe_finish,
    .after = upload_pipe_after,
    .unhold = upload_pipe_unhold,
};

/* ?format=json|text|markdown; 0, or -1 if unknown. */
static int query_format(http_req *r, idg_format *fmt, int *given)
{
    char v[16];
    int rc = query_param(r->query, "format", v, sizeof v);

    *given = rc == 0;
    if (rc != 0)
        return rc == -1 ? 0 : -1;
    return idg_format_parse(v, fmt);
}

static void diagnose_begin(http_req *r)
{
    const char *ct = http_req_header(r, "Content-Type", NULL);
    char boundary[80];
    upload *u = calloc(1, sizeof *u);

    if (u == NULL || diag_job_init(&u->job, r->w) != 0) {
        upload_free(u);
        http_reject(r, 500, "out of memory", NULL);
        return;
    }
    u->fmt = IDG_FORMAT_JSON;
    if (query_format(r, &u->fmt, &u->fmt_from_query) != 0) {
        upload_free(u);
        http_reject(r, 400, "format must be json, text or markdown", NULL);
        return;
    }
    if (media_type_is(ct, "multipart/form-data")) {
        if (header_param(ct, "boundary", boundary, sizeof boundary) != 0 ||
            (u->mp = multipart_new(boundary, &upload_mp_cb, u)) == NULL) {
            upload_free(u);
            http_reject(r, 400, "multipart/form-data needs a valid boundary", NULL);
            return;
        }
    } else if (!raw_log_type(ct)) {
        upload_free(u);
        http_reject(r, 415, "send the log as text/plain, application/octet-stream or multipart/form-data", NULL);
        return;
    } else if (diag_job_begin(&u->job, "log") != 0) {
        upload_free(u);
        http_reject(r, 500, "out of memory", NULL);
        return;
    }
    r->state = u;
}

static void diagnose_data(http_req *r, const char *p, size_t n)
{
    upload *u = r->state;

    if (u->pc == NULL && offload_wanted(r->w, r->has_length ? r->content_length : r->body_bytes)) {
        if ((u->pc = pool_ctx_new(r->w)) == NULL ||
            (u->bp = body_pipe_new(r->w->loop, &upload_pipe_ops, u)) == NULL) {
            pool_ctx_free(u->pc);
            u->pc = NULL;
            http_fail(r, 500, "out of memory");
            return;
        }
        u->job.w = &u->pc->ctx; /* from now on the job counts in the pool's metrics */
        u->r = r;
    }
    if (u->pc) {
        int rc = body_pipe_push(u->bp, p, n);

        if (rc < 0)
            http_fail(r, 500, "out of memory");
        else if (rc > 0)
            http_body_hold(r, 1);
        return;
    }
    if (upload_feed(u, p, n) != 0)
        http_fail(r, u->feed_status, u->msg);
}

static const char *format_ctype(idg_format f)
{
    switch (f) {
    case IDG_FORMAT_TEXT: return "text/plain; charset=utf-8";
    case IDG_FORMAT_MARKDOWN: return "text/markdown; charset=utf-8";
    default: return "application/json";
    }
}

static void diagnose_end(http_req *r)
{
    upload *u = r->state;

    if (u->pc) {
        http_defer(r);
        if (body_pipe_end(u->bp) != 0) {
            r->state = NULL;
            upload_free(u);
            http_fail(r, 500, "out of memory");
        }
        return;
    }
    u->doc = upload_finish(u);
    upload_answer(r, u);
}

const endpoint ep_diagnose = {
    .id = SRV_EP_DIAGNOSE,
    .methods = EP_METHOD(HTTP_POST),
    .allow = "POST, OPTIONS",
    .body = EP_BODY_STREAM,
    .limit_body = 1,
    .begin = diagnose_begin,
    .data = diagnose_data,
    .end = diagnose_end,
    .abort = diagnose_abort,
};

/* ---- POST|PUT /v1/stream ----------------------------------------------- */

/* One engine; each diagnosis leaves as an NDJSON line the moment the engine
 * concludes it (inside idg_engine_feed, i.e. while the upload is still
 * arriving). The response head goes out with the first body bytes, after
 * any "100 Continue".
 *
 * The first --offload-above bytes are fed on the loop, each line in its own
 * chunk. Past that the engine runs in the pool through a body_pipe (like
 * /v1/diagnose): alone, the loop thread read, diagnosed, rendered and sent
 * everything and was the bottleneck of a large upload, with a core left to
 * the client. Lines made in the pool gather in `out` while the engine
 * feeds a piece (what had arrived, at most about PIPE_HOLD_BYTES, a few ms
 * of work) and leave after it, several lines to a chunk (offload.h).
 * Backpressure is unchanged: once the output queue passes --write-queue
 * the connection stops reading (http_stream_write), so a slow reader slows
 * the upload. */

typedef struct stream {
    http_req *r;            /* NULL once the request is gone while a job runs */
    srv_worker_ctx *w;      /* whose counters: the worker's, or the pool_ctx's */
    idg_engine *eng;
    uint64_t n, errors, established;
    uint64_t sent;          /* diagnosis records written (n: concluded) */
    idg_severity min_severity; /* ?severity=: the least severe one sent */
    /* ?repeats=once: a diagnosis whose fold key (idg_diagnosis_fold_key)
     * was already sent is counted in `repeats`, not sent again. The keys
     * sent are kept in an open-addressing set of at most STREAM_SEEN_MAX;
     * once it is full, findings new to it are sent every time. */
    int repeats_once;
    uint64_t repeats;
    uint64_t *seen;         /* 0 = empty slot (a key of 0 is stored as 1) */
    size_t seen_n, seen_cap;
    sbuf line;
    /* thread pool mode (pc and bp != NULL) */
    pool_ctx *pc;
    body_pipe *bp;
    sbuf out;               /* lines made by the running job (body_pipe_ops.output) */
} stream;

#define STREAM_SEEN_MAX 16384 /* keys: 128 KiB at most per stream */

/* The slot of key in an open-addressing table of cap (a power of two)
 * keys: where it is, or the empty slot where it would go. */
static size_t seen_slot(const uint64_t *t, size_t cap, uint64_t key)
{
    size_t i = key & (cap - 1);
    while (t[i] && t[i] != key)
        i = (i + 1) & (cap - 1);
    return i;
}

/* Whether a finding with this fold key was sent before; records it if
 * not (and there is room). */
static int stream_seen_before(stream *s, uint64_t key)
{
    key = key ? key : 1;
    if (s->seen_cap && s->seen[seen_slot(s->seen, s->seen_cap, key)] == key)
        return 1;
    if ((s->seen_n + 1) * 2 > s->seen_cap) { /* keep it at most half full */
        size_t ncap = s->seen_cap ? s->seen_cap * 2 : 64;
        uint64_t *t;
        if (ncap > 2 * STREAM_SEEN_MAX || (t = calloc(ncap, sizeof *t)) == NULL)
            return 0; /* full: sent, not recorded */
        for (size_t j = 0; j < s->seen_cap; j++)
            if (s->seen[j])
                t[seen_slot(t, ncap, s->seen[j])] = s->seen[j];
        free(s->seen);
        s->seen = t;
        s->seen_cap = ncap;
    }
    s->seen[seen_slot(s->seen, s->seen_cap, key)] = key;
    s->seen_n++;
    return 0;
}

/* The diagnosis is rendered straight into an sbuf (malloc'd and grown with
 * realloc like any sbuf, which idg_diagnosis_json_append extends the same
 * way): s->line, reused from one diagnosis to the next on the loop, or the
 * end of s->out in the pool. No allocation and no copy per diagnosis but
 * the one into the connection's output. */
static void stream_on_diagnosis(void *user, const idg_diagnosis *d)
{
    static const char head[] = "{\"type\":\"diagnosis\",\"diagnosis\":";
    stream *s = user;
    sbuf *b = s->pc ? &s->out : &s->line;
    size_t mark;

    s->n++;
    if (d->severity == IDG_SEVERITY_ERROR)
        s->errors++;
    else if (d->cls == IDG_CLASS_PHASE1_ESTABLISHED || d->cls == IDG_CLASS_PHASE2_ESTABLISHED)
        s->established++;
    srv_metrics_diagnosis(s->w->metrics, d->cls);
    if (d->severity < s->min_severity)
        return; /* counted, not rendered */
    if (s->repeats_once && stream_seen_before(s, idg_diagnosis_fold_key(d))) {
        s->repeats++;
        return;
    }
    s->sent++;
    if (!s->pc)
        sbuf_reset(b);
    mark = b->len;
    if (sbuf_add(b, head, sizeof head - 1) != 0 ||
        idg_diagnosis_json_append(d, &b->data, &b->len, &b->cap) != 0 ||
        sbuf_add(b, "}\n", 2) != 0) {
        b->len = mark; /* no half line */
        if (b->data)
            b->data[mark] = '\0';
        return;
    }
    if (s->pc)
        return;
    http_stream_begin(s->r, 200, "application/x-ndjson");
    http_stream_write(s->r, b->data, b->len);
}

static void stream_free(stream *s)
{
    if (s == NULL)
        return;
    if (s->eng)
        idg_engine_free(s->eng);
    free(s->seen);
    sbuf_free(&s->line);
    sbuf_free(&s->out);
    body_pipe_free(s->bp);
    pool_ctx_free(s->pc);
    free(s);
}

static void stream_abort(http_req *r)
{
    stream *s = r->state;

    r->state = NULL;
    if (s && s->bp && s->bp->running)
        s->r = NULL; /* the running job's after() frees it */
    else
        stream_free(s);
}

/* ?severity=info|warning|error: the least severe diagnosis the stream
 * sends (a busy log's routine "established" records left out); 0, or -1
 * if unknown. */
static int query_severity(http_req *r, idg_severity *sev)
{
    static const idg_severity all[] = {IDG_SEVERITY_INFO, IDG_SEVERITY_WARNING, IDG_SEVERITY_ERROR};
    char v[16];
    int rc = query_param(r->query, "severity", v, sizeof v);

    *sev = IDG_SEVERITY_INFO;
    if (rc != 0)
        return rc == -1 ? 0 : -1;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(v, idg_severity_name(all[i])) == 0) {
            *sev = all[i];
            return 0;
        }
    return -1;
}

/* ?repeats=all|once: whether a finding already sent is sent again; 0, or
 * -1 if unknown. */
static int query_repeats(http_req *r, int *once)
{
    char v[8];
    int rc = query_param(r->query, "repeats", v, sizeof v);

    *once = 0;
    if (rc != 0)
        return rc == -1 ? 0 : -1;
    if (strcmp(v, "once") == 0)
        *once = 1;
    else if (strcmp(v, "all") != 0)
        return -1;
    return 0;
}

static void stream_begin(http_req *r)
{
    const char *ct = http_req_header(r, "Content-Type", NULL);
    idg_options opts;
    idg_severity min_severity;
    int repeats_once;
    stream *s;

    if (!raw_log_type(ct)) {
        http_reject(r, 415, "send the log as text/plain or application/octet-stream", NULL);
        return;
    }
    if (query_severity(r, &min_severity) != 0) {
        http_reject(r, 400, "severity must be info, warning or error", NULL);
        return;
    }
    if (query_repeats(r, &repeats_once) != 0) {
        http_reject(r, 400, "repeats must be all or once", NULL);
        return;
    }
    s = calloc(1, sizeof *s);
    diag_options(r->w->cfg, &opts);
    if (s == NULL || (s->eng = idg_engine_new(&opts, stream_on_diagnosis, s)) == NULL) {
        stream_free(s);
        http_reject(r, 500, "out of memory", NULL);
        return;
    }
    s->r = r;
    s->w = r->w;
    s->min_severity = min_severity;
    s->repeats_once = repeats_once;
    r->state = s;
}

/* After the engine's finish: the summary line, the end of the stream, and
 * s is freed. On the loop. */
static void stream_summary(http_req *r, stream *s)
{
    const idg_stats *st = idg_engine_stats(s->eng);
    const char *outcome = s->errors ? "failed" : s->established ? "established" : "no_conclusion";

    sbuf_reset(&s->line);
    sbuf_printf(&s->line, "{\"type\":\"summary\",\"outcome\":\"%s\",\"diagnoses\":%llu,\"found\":%llu",
                outcome, (unsigned long long)s->sent, (unsigned long long)s->n);
    if (s->repeats_once)
        sbuf_printf(&s->line, ",\"repeats\":%llu", (unsigned long long)s->repeats);
    if (st) {
        sbuf_puts(&s->line, ",\"stats\":{");
#define PUT(member) sbuf_printf(&s->line, "\"" #member "\":%llu,", (unsigned long long)st->member);
        IDG_STATS_COUNTERS(PUT)
#undef PUT
        sbuf_printf(&s->line, "\"reversed\":%s}", st->reversed ? "true" : "false");
        srv_count_add(&r->w->metrics->bytes_diagnosed, st->bytes);
        srv_count_add(&r->w->metrics->lines_diagnosed, st->lines);
    }
    sbuf_puts(&s->line, "}\n");
    http_stream_write(r, s->line.data, s->line.len);
    http_stream_end(r);
    r->state = NULL;
    stream_free(s);
}

/* The body_pipe's side (offload.h). */
static int stream_pipe_feed(void *user, const char *p, size_t n)
{
    stream *s = user;

    return idg_engine_feed(s->eng, p, n) == 0 ? 0 : -1;
}

static void stream_pipe_finish(void *user)
{
    stream *s = user;

    idg_engine_finish(s->eng);
}

static sbuf *stream_pipe_output(void *user)
{
    stream *s = user;

    return &s->out;
}

static void stream_pipe_send(void *user, const char *p, size_t n)
{
    stream *s = user;

    if (s->r)
        http_stream_write(s->r, p, n);
}

static void stream_pipe_after(void *user, int status)
{
    stream *s = user;
    http_req *r = s->r;

    if (r == NULL) { /* the request is gone */
        stream_free(s);
        return;
    }
    if (status != 0 || s->bp->failed) {
        r->state = NULL;
        stream_free(s);
        http_abort(r, 500, "the log could not be processed");
        return;
    }
    if (s->bp->done) {
        stream_summary(r, s);
        http_defer_end(r);
        return;
    }
    if (body_pipe_next(s->bp) != 0) {
        r->state = NULL;
        stream_free(s);
        http_abort(r, 500, "out of memory");
    }
}

static void stream_pipe_unhold(void *user)
{
    stream *s = user;

    if (s->r)
        http_body_hold(s->r, 0);
}

static const body_pipe_ops stream_pipe_ops = {
    .feed = stream_pipe_feed,
    .finish = stream_pipe_finish,
    .after = stream_pipe_after,
    .unhold = stream_pipe_unhold,
    .output = stream_pipe_output,
    .send = stream_pipe_send,
};

static void stream_data(http_req *r, const char *p, size_t n)
{
    stream *s = r->state;

    http_stream_begin(r, 200, "application/x-ndjson");
    if (s->pc == NULL && offload_wanted(r->w, r->body_bytes)) {
        if ((s->pc = pool_ctx_new(r->w)) == NULL ||
            (s->bp = body_pipe_new(r->w->loop, &stream_pipe_ops, s)) == NULL) {
            pool_ctx_free(s->pc);
            s->pc = NULL;
            http_fail(r, 500, "out of memory");
            return;
        }
        s->w = &s->pc->ctx; /* from now on diagnoses count in the pool's metrics */
    }
    if (s->pc) {
        int rc = body_pipe_push(s->bp, p, n);

        if (rc < 0)
            http_fail(r, 500, "out of memory");
        else if (rc > 0)
            http_body_hold(r, 1);
        return;
    }
    if (idg_engine_feed(s->eng, p, n) != 0)
        http_fail(r, 500, "the log could not be processed");
}

static void stream_end(http_req *r)
{
    stream *s = r->state;

    http_stream_begin(r, 200, "application/x-ndjson");
    if (s->pc) {
        http_defer(r);
        if (body_pipe_end(s->bp) != 0) {
            stream_abort(r);
            http_fail(r, 500, "out of memory");
        }
        return;
    }
    idg_engine_finish(s->eng);
    stream_summary(r, s);
}

const endpoint ep_stream = {
    .id = SRV_EP_STREAM,
    .methods = EP_METHOD(HTTP_POST) | EP_METHOD(HTTP_PUT),
    .allow = "POST, PUT, OPTIONS",
    .body = EP_BODY_STREAM,
    .long_poll = 1,
    .begin = stream_begin,
    .data = stream_data,
    .end = stream_end,
    .abort = stream_abort,
};

/* ---- GET /healthz, GET /metrics ---------------------------------------- */

static void healthz_end(http_req *r)
{
    static const char body[] = "{\"status\":\"ok\"}";

    http_respond(r, 200, "application/json", body, sizeof body - 1, NULL);
}

const endpoint ep_healthz = {
    .id = SRV_EP_HEALTHZ,
    .methods = EP_METHOD(HTTP_GET),
    .allow = "GET, HEAD, OPTIONS",
    .public_ = 1,
    .end = healthz_end,
};

static void metrics_end(http_req *r)
{
    sbuf out = SBUF_INIT;

    if (srv_metrics_render(&out, r->w->all_metrics, r->w->n_workers) != 0)
        http_respond_error(r, 500, "out of memory", NULL);
    else
        http_respond(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len, NULL);
    sbuf_free(&out);
}

const endpoint ep_metrics = {
    .id = SRV_EP_METRICS,
    .methods = EP_METHOD(HTTP_GET),
    .allow = "GET, HEAD, OPTIONS",
    .end = metrics_end,
};
