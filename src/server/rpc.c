/*
 * rpc.c - JSON-RPC 2.0 (https://www.jsonrpc.org/specification).
 *
 * Answers are assembled as text, not as jansson trees: a diagnosis
 * document comes rendered from the library (compact: IDG_FORMAT_JSON_COMPACT,
 * the same document as /v1/diagnose's without the indentation), and
 * splicing it between `{"jsonrpc":"2.0","result":` and `,"id":..}` avoids
 * parsing it back.
 *
 * Notifications (requests without "id") are checked but not executed:
 * every method here is free of side effects, so running one whose answer
 * nobody will read would only burn CPU. Structurally invalid members still
 * get their -32600 answer, as the specification's examples require.
 *
 * Nesting depth: jansson's own limit is 2048 levels; a cheap pre-scan
 * refuses deeper than max_depth (default 64) before building any tree.
 */
#include "server/rpc.h"

#include <jansson.h>
#include <llhttp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "ipsecdiag/ipsecdiag.h"
#include "server/diag_job.h"
#include "server/embedded.h"
#include "server/jsonfast.h"

typedef struct rpc_error {
    int code;
    char data[192];        /* detail for the "data" member, or "" */
} rpc_error;

/* A method writes its result as JSON text into `res`, or fills `err`. */
typedef int (*rpc_method_fn)(srv_worker_ctx *w, json_t *params, sbuf *res, rpc_error *err);

static char *cached_classes;
static char *cached_version;

/* ---- errors ---------------------------------------------------------- */

static const char *error_message(int code)
{
    switch (code) {
    case RPC_PARSE_ERROR: return "Parse error";
    case RPC_INVALID_REQUEST: return "Invalid Request";
    case RPC_METHOD_NOT_FOUND: return "Method not found";
    case RPC_INVALID_PARAMS: return "Invalid params";
    case RPC_LOG_TOO_LARGE: return "Log too large";
    case RPC_BATCH_TOO_LARGE: return "Batch too large";
    default: return "Internal error";
    }
}

static int set_error(rpc_error *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int set_error(rpc_error *e, int code, const char *fmt, ...)
{
    va_list ap;

    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->data, sizeof e->data, fmt, ap);
    va_end(ap);
    /* "%.64s" of a method name, or the size of data, may cut a UTF-8
     * sequence: the answer must stay valid JSON (seed fuzz_rpc/method-utf8-cut). */
    utf8_sanitize(e->data);
    return -1;
}

static void put_id(sbuf *out, json_t *id)
{
    char *s;

    if (id == NULL || json_is_null(id)) {
        sbuf_puts(out, "null");
    } else if (json_is_integer(id)) { /* the usual id: no json_dumps */
        sbuf_put_i64(out, (int64_t)json_integer_value(id));
    } else {
        s = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
        sbuf_puts(out, s ? s : "null");
        free(s);
    }
}

static void put_error(srv_worker_ctx *w, sbuf *out, const rpc_error *e, json_t *id)
{
    sbuf_printf(out, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":%d,\"message\":\"%s\"", e->code,
                error_message(e->code));
    if (e->data[0]) {
        sbuf_puts(out, ",\"data\":\"");
        sbuf_json_escape(out, e->data, strlen(e->data));
        sbuf_puts(out, "\"");
    }
    sbuf_puts(out, "},\"id\":");
    put_id(out, id);
    sbuf_puts(out, "}");
    srv_metrics_rpc_error(w->metrics, e->code);
}

/* ---- cached answers ---------------------------------------------------- */

static char *build_classes(void)
{
    json_t *arr = json_array();
    char *s;

    for (int i = 0; i < IDG_CLASS__COUNT; i++) {
        const idg_class_info *ci = idg_class_get((idg_class)i);
        if (ci == NULL)
            continue;
        json_array_append_new(arr, json_pack("{s:s?,s:i,s:s?,s:s?,s:s?}", "name", ci->name,
                                             "phase", ci->phase, "severity",
                                             idg_severity_name(ci->severity), "title", ci->title,
                                             "description", ci->description));
    }
    s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

static char *build_version(void)
{
    char llhttp_v[32];
    json_t *o;
    char *s;

    snprintf(llhttp_v, sizeof llhttp_v, "%d.%d.%d", LLHTTP_VERSION_MAJOR, LLHTTP_VERSION_MINOR,
             LLHTTP_VERSION_PATCH);
    o = json_pack("{s:s,s:s,s:s,s:s}", "version", IDG_VERSION, "llhttp", llhttp_v, "libuv",
                  uv_version_string(), "jansson", JANSSON_VERSION);
    s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

void rpc_init(void)
{
    if (cached_classes == NULL)
        cached_classes = build_classes();
    if (cached_version == NULL)
        cached_version = build_version();
}

void rpc_cleanup(void)
{
    free(cached_classes);
    free(cached_version);
    cached_classes = cached_version = NULL;
}

static int put_cached(sbuf *res, const char *cached, char *(*build)(void), rpc_error *err)
{
    char *s = cached ? NULL : build();

    if (cached == NULL && s == NULL)
        return set_error(err, RPC_INTERNAL_ERROR, "out of memory");
    sbuf_puts(res, cached ? cached : s);
    free(s);
    return 0;
}

/* ---- methods ----------------------------------------------------------- */

static int no_params(json_t *params, rpc_error *err)
{
    /* json_*_size() of NULL or of the other kind is 0 */
    if (json_array_size(params) > 0 || json_object_size(params) > 0)
        return set_error(err, RPC_INVALID_PARAMS, "this method takes no parameters");
    return 0;
}

static int m_version(srv_worker_ctx *w, json_t *params, sbuf *res, rpc_error *err)
{
    if (no_params(params, err) != 0)
        return -1;
    return put_cached(res, cached_version, build_version, err);
}

static int m_classes(srv_worker_ctx *w, json_t *params, sbuf *res, rpc_error *err)
{
    if (no_params(params, err) != 0)
        return -1;
    return put_cached(res, cached_classes, build_classes, err);
}

static int m_discover(srv_worker_ctx *w, json_t *params, sbuf *res, rpc_error *err)
{
    if (no_params(params, err) != 0)
        return -1;
    sbuf_add(res, srv_openrpc_json, srv_openrpc_json_len);
    return 0;
}

static int m_health(srv_worker_ctx *w, json_t *params, sbuf *res, rpc_error *err)
{
    uint64_t open = 0;
    struct timespec ts;

    if (no_params(params, err) != 0)
        return -1;
    for (int i = 0; i < w->n_workers && w->all_metrics; i++)
        open += atomic_load_explicit(&w->all_metrics[i]->connections_open, memory_order_relaxed);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sbuf_printf(res, "{\"status\":\"ok\",\"version\":\"%s\",\"workers\":%d,\"connections\":%llu,"
                     "\"uptime_s\":%llu}",
                IDG_VERSION, w->n_workers, (unsigned long long)open,
                (unsigned long long)(((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u - w->started_ms) / 1000u));
    return 0;
}

/* One log to diagnose: borrowed from the params tree. */
typedef struct log_arg {
    const char *name;
    const char *text;
    size_t len;
} log_arg;

typedef struct diag_args {
    log_arg *logs;
    size_t n;
    idg_format fmt;
} diag_args;

static int parse_format(json_t *v, idg_format *fmt, rpc_error *err)
{
    if (v == NULL)
        return 0;
    if (!json_is_string(v) || idg_format_parse(json_string_value(v), fmt) != 0)
        return set_error(err, RPC_INVALID_PARAMS, "\"format\" must be \"json\", \"text\" or \"markdown\"");
    return 0;
}

static int parse_logs_array(json_t *logs, diag_args *a, rpc_error *err)
{
    size_t i;
    json_t *item;

    if (!json_is_array(logs) || json_array_size(logs) == 0)
        return set_error(err, RPC_INVALID_PARAMS, "\"logs\" must be a non-empty array");
    a->logs = calloc(json_array_size(logs), sizeof *a->logs);
    if (a->logs == NULL)
        return set_error(err, RPC_INTERNAL_ERROR, "out of memory");
    json_array_foreach(logs, i, item) {
        json_t *name = json_object_get(item, "name"), *log = json_object_get(item, "log");
        const char *key;
        json_t *v;
        if (!json_is_object(item) || !json_is_string(log) || (name && !json_is_string(name)))
            return set_error(err, RPC_INVALID_PARAMS,
                             "logs[%zu] must be {\"name\": string, \"log\": string}", i);
        json_object_foreach(item, key, v) {
            if (strcmp(key, "name") != 0 && strcmp(key, "log") != 0)
                return set_error(err, RPC_INVALID_PARAMS, "logs[%zu]: unknown member", i);
        }
        a->logs[i].name = name ? json_string_value(name) : NULL;
        a->logs[i].text = json_string_value(log);
        a->logs[i].len = json_string_length(log);
    }
    a->n = json_array_size(logs);
    return 0;
}

static int parse_diag_object(json_t *params, diag_args *a, rpc_error *err)
{
    json_t *log = json_object_get(params, "log"), *logs = json_object_get(params, "logs");
    json_t *name = json_object_get(params, "name");
    const char *key;
    json_t *v;

    json_object_foreach(params, key, v) {
        if (strcmp(key, "log") && strcmp(key, "logs") && strcmp(key, "format") && strcmp(key, "name"))
            return set_error(err, RPC_INVALID_PARAMS, "unknown parameter \"%.64s\"", key);
    }
    if (parse_format(json_object_get(params, "format"), &a->fmt, err) != 0)
        return -1;
    if ((log == NULL) == (logs == NULL))
        return set_error(err, RPC_INVALID_PARAMS, "give exactly one of \"log\" and \"logs\"");
    if (logs)
        return name ? set_error(err, RPC_INVALID_PARAMS, "\"name\" goes inside each of \"logs\"")
                    : parse_logs_array(logs, a, err);
    if (!json_is_string(log) || (name && !json_is_string(name)))
        return set_error(err, RPC_INVALID_PARAMS, "\"log\" and \"name\" must be strings");
    a->logs = calloc(1, sizeof *a->logs);
    if (a->logs == NULL)
        return set_error(err, RPC_INTERNAL_ERROR, "out of memory");
    a->logs[0] = (log_arg){name ? json_string_value(name) : NULL, json_string_value(log),
                           json_string_length(log)};
    a->n = 1;
    return 0;
}

static int parse_diag_args(json_t *params, diag_args *a, rpc_error *err)
{
    a->fmt = IDG_FORMAT_JSON;
    if (json_is_object(params))
        return parse_diag_object(params, a, err);
    if (json_is_array(params)) {
        json_t *log = json_array_get(params, 0);
        size_t n = json_array_size(params);
        if (n < 1 || n > 2 || !json_is_string(log))
            return set_error(err, RPC_INVALID_PARAMS, "by position: [log text] or [log text, format]");
        if (parse_format(json_array_get(params, 1), &a->fmt, err) != 0)
            return -1;
        a->logs = calloc(1, sizeof *a->logs);
        if (a->logs == NULL)
            return set_error(err, RPC_INTERNAL_ERROR, "out of memory");
        a->logs[0] = (log_arg){NULL, json_string_value(log), json_string_length(log)};
        a->n = 1;
        return 0;
    }
    return set_error(err, RPC_INVALID_PARAMS, "expected {\"log\": text} or {\"logs\": [...]}");
}

static int run_diagnose(srv_worker_ctx *w, const diag_args *a, sbuf *res, rpc_error *err)
{
    diag_job job;
    char *doc;
    char fallback[32];

    if (diag_job_init(&job, w) != 0)
        return set_error(err, RPC_INTERNAL_ERROR, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        const char *name = a->logs[i].name;
        if (name == NULL) {
            snprintf(fallback, sizeof fallback, a->n == 1 ? "log" : "log-%zu", i + 1);
            name = fallback;
        }
        if (diag_job_begin(&job, name) != 0 ||
            diag_job_feed(&job, a->logs[i].text, a->logs[i].len) != 0)
            break;
    }
    /* the document for a program: compact (no indentation), which is
     * smaller and faster to write than the CLI's indented one */
    doc = diag_job_render(&job, a->fmt == IDG_FORMAT_JSON ? IDG_FORMAT_JSON_COMPACT : a->fmt);
    diag_job_free(&job);
    if (doc == NULL)
        return set_error(err, RPC_INTERNAL_ERROR, "the diagnosis could not be completed");
    if (a->fmt == IDG_FORMAT_JSON) {
        sbuf_puts(res, doc);
    } else {
        sbuf_printf(res, "{\"format\":\"%s\",\"text\":\"", a->fmt == IDG_FORMAT_TEXT ? "text" : "markdown");
        sbuf_json_escape(res, doc, strlen(doc));
        sbuf_puts(res, "\"}");
    }
    free(doc);
    return 0;
}

static int m_diagnose(srv_worker_ctx *w, json_t *params, sbuf *res, rpc_error *err)
{
    diag_args a = {NULL, 0, IDG_FORMAT_JSON};
    uint64_t total = 0;
    int rc = parse_diag_args(params, &a, err);

    for (size_t i = 0; rc == 0 && i < a.n; i++)
        total += a.logs[i].len;
    if (rc == 0 && total > w->cfg->max_log)
        rc = set_error(err, RPC_LOG_TOO_LARGE, "%llu bytes of logs; the limit is %llu",
                       (unsigned long long)total, (unsigned long long)w->cfg->max_log);
    if (rc == 0)
        rc = run_diagnose(w, &a, res, err);
    free(a.logs);
    return rc;
}

static const struct {
    const char *name;
    rpc_method_fn fn;
} methods[] = {
    {"diagnose", m_diagnose},
    {"classes", m_classes},
    {"version", m_version},
    {"health", m_health},
    {"rpc.discover", m_discover},
};

static rpc_method_fn find_method(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0)
            return methods[i].fn;
    return NULL;
}

/* ---- requests -------------------------------------------------------- */

static int valid_id(json_t *id)
{
    return id == NULL || json_is_string(id) || json_is_number(id) || json_is_null(id);
}

/* Answers one request object into out (or nothing for a notification).
 * Returns 1 if it wrote an answer. */
static int handle_one(srv_worker_ctx *w, json_t *req, sbuf *out)
{
    json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
    json_t *ver, *method, *params;
    rpc_error err = {0, ""};
    rpc_method_fn fn;
    size_t mark;

    srv_count_add(&w->metrics->rpc_calls, 1);
    if (!valid_id(id))
        id = NULL; /* answered with "id": null */
    if (!json_is_object(req)) {
        set_error(&err, RPC_INVALID_REQUEST, "a request must be an object");
        put_error(w, out, &err, NULL);
        return 1;
    }
    ver = json_object_get(req, "jsonrpc");
    method = json_object_get(req, "method");
    params = json_object_get(req, "params");
    if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0)
        set_error(&err, RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"");
    else if (!json_is_string(method))
        set_error(&err, RPC_INVALID_REQUEST, "\"method\" must be a string");
    else if (params && !json_is_array(params) && !json_is_object(params))
        set_error(&err, RPC_INVALID_REQUEST, "\"params\" must be an array or an object");
    else if (!valid_id(json_object_get(req, "id")))
        set_error(&err, RPC_INVALID_REQUEST, "\"id\" must be a string, a number or null");
    if (err.code) {
        put_error(w, out, &err, id);
        return 1;
    }
    if (json_object_get(req, "id") == NULL)
        return 0; /* notification: no answer, and nothing to do (see top) */
    fn = find_method(json_string_value(method));
    if (fn == NULL) {
        set_error(&err, RPC_METHOD_NOT_FOUND, "no method \"%.64s\"", json_string_value(method));
        put_error(w, out, &err, id);
        return 1;
    }
    mark = out->len;
    sbuf_puts(out, "{\"jsonrpc\":\"2.0\",\"result\":");
    if (fn(w, params, out, &err) != 0) {
        out->len = mark;
        put_error(w, out, &err, id);
        return 1;
    }
    sbuf_puts(out, ",\"id\":");
    put_id(out, id);
    sbuf_puts(out, "}");
    return 1;
}

static void handle_batch(srv_worker_ctx *w, json_t *batch, sbuf *out)
{
    size_t i, n = json_array_size(batch);
    json_t *req;
    int any = 0;
    rpc_error err = {0, ""};

    if (n == 0) {
        set_error(&err, RPC_INVALID_REQUEST, "empty batch");
        put_error(w, out, &err, NULL);
        return;
    }
    if (n > w->cfg->max_batch) {
        set_error(&err, RPC_BATCH_TOO_LARGE, "%zu requests in the batch; the limit is %zu", n,
                  w->cfg->max_batch);
        put_error(w, out, &err, NULL);
        return;
    }
    sbuf_puts(out, "[");
    json_array_foreach(batch, i, req) {
        size_t mark = out->len;
        if (any)
            sbuf_puts(out, ",");
        if (handle_one(w, req, out))
            any = 1;
        else
            out->len = mark;
    }
    if (any)
        sbuf_puts(out, "]");
    else
        sbuf_reset(out); /* only notifications: no answer at all */
}

size_t json_depth(const char *p, size_t len, size_t limit)
{
    size_t depth = 0, max = 0;
    int in_str = 0;

    for (size_t i = 0; i < len; i++) {
        char ch = p[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = 0;
        } else if (ch == '"') {
            in_str = 1;
        } else if (ch == '[' || ch == '{') {
            if (++depth > max) {
                max = depth;
                if (max > limit)
                    return max;
            }
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

int rpc_handle(srv_worker_ctx *w, const char *body, size_t len, sbuf *out)
{
    json_error_t jerr;
    json_t *root;
    rpc_error err = {0, ""};

    sbuf_reset(out);
    /* jsonfast first (see jsonfast.h); what it leaves, which includes every
     * error, gets the depth check and then jansson, so the errors and their
     * texts are the same as without it */
    root = jsonfast_loadb(body, len, w->cfg->max_depth);
    if (root == NULL && json_depth(body, len, w->cfg->max_depth) > w->cfg->max_depth) {
        set_error(&err, RPC_PARSE_ERROR, "JSON nested deeper than %zu levels", w->cfg->max_depth);
        put_error(w, out, &err, NULL);
        return 0;
    }
    if (root == NULL)
        root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        set_error(&err, RPC_PARSE_ERROR, "%s at line %d column %d", jerr.text, jerr.line, jerr.column);
        put_error(w, out, &err, NULL);
        return 0;
    }
    if (json_is_array(root))
        handle_batch(w, root, out);
    else if (!handle_one(w, root, out))
        sbuf_reset(out);
    json_decref(root);
    return out->data || out->len == 0 ? 0 : -1;
}
