/*
 * fuzz_rpc.c - the JSON-RPC 2.0 handler (src/server/rpc.c: rpc_handle()
 * and every method behind it, the diagnosis included) fed the fuzz input as
 * the body of a POST /rpc, twice: with the default limits, and with small
 * ones (JSON depth 3, batch 2, log 16 bytes) so that every refusal path is
 * reached too.
 *
 * Checked besides the sanitizers (ASan, UBSan, LeakSanitizer), against an
 * oracle that reads the input with jansson on its own:
 *   - rpc_handle() returns 0 (it may fail only when out of memory);
 *   - no answer at all only for a notification or a batch of notifications;
 *   - otherwise the answer is valid JSON (valid UTF-8, no duplicate keys):
 *     one response object, or for a batch an array of them;
 *   - each response object has exactly jsonrpc "2.0", id, and one of result
 *     or error {code: integer, message: string[, data: string]};
 *   - malformed or too deep JSON gives -32700 with id null, an empty batch
 *     -32600, a batch over max_batch -32001, each with id null;
 *   - a batch gets one response per member that is not a notification, in
 *     order, each with its member's id (null where the id is not valid).
 */
#include <jansson.h>

#include "fuzz_common.h"
#include "server/rpc.h"
#include "server/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static srv_metrics metrics;
static srv_metrics *all_metrics[1] = {&metrics};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    rpc_init();
    return 0;
}

static int valid_id(json_t *id)
{
    return id == NULL || json_is_string(id) || json_is_number(id) || json_is_null(id);
}

/* Is this batch member / request a notification that gets no answer? */
static int silent(json_t *req)
{
    json_t *ver, *method, *params;

    if (!json_is_object(req) || json_object_get(req, "id") != NULL)
        return 0;
    ver = json_object_get(req, "jsonrpc");
    method = json_object_get(req, "method");
    params = json_object_get(req, "params");
    return json_is_string(ver) && strcmp(json_string_value(ver), "2.0") == 0 &&
           json_is_string(method) && (params == NULL || json_is_array(params) || json_is_object(params));
}

/* The id a request's answer must carry (NULL = JSON null). */
static json_t *expected_id(json_t *req)
{
    json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;

    return id && valid_id(id) && !json_is_null(id) ? id : NULL;
}

static void check_id(json_t *got, json_t *want, const char *body, size_t len)
{
    fuzz_check(got != NULL, "response without id");
    if (want == NULL) {
        fuzz_check(json_is_null(got), "id should be null");
        return;
    }
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_ENCODE_ANY), *w = json_dumps(want, JSON_ENCODE_ANY);
        fuzz_dump("request", body, len);
        fuzz_fail("response id %s, request id %s", g ? g : "?", w ? w : "?");
    }
}

/* One response object: its shape; returns the error code or 0. */
static int check_response(json_t *r)
{
    json_t *ver = json_object_get(r, "jsonrpc"), *res = json_object_get(r, "result");
    json_t *err = json_object_get(r, "error");

    fuzz_check(json_is_object(r), "a response is not an object");
    fuzz_check(json_is_string(ver) && strcmp(json_string_value(ver), "2.0") == 0, "jsonrpc");
    fuzz_check(json_object_get(r, "id") != NULL, "no id member");
    fuzz_check((res == NULL) != (err == NULL), "exactly one of result and error");
    fuzz_check(json_object_size(r) == 3, "extra members in a response");
    if (res)
        return 0;
    json_t *code = json_object_get(err, "code"), *msg = json_object_get(err, "message");
    json_t *data = json_object_get(err, "data");
    fuzz_check(json_is_object(err), "error is not an object");
    fuzz_check(json_is_integer(code), "error.code not an integer");
    fuzz_check(json_is_string(msg), "error.message not a string");
    fuzz_check(data == NULL || json_is_string(data), "error.data not a string");
    fuzz_check(json_object_size(err) == 2u + (data != NULL), "extra members in error");
    fuzz_check(json_integer_value(code) != 0, "error code 0");
    return (int)json_integer_value(code);
}

static void run(const char *body, size_t len, size_t depth, size_t batch, uint64_t max_log)
{
    srv_config cfg;
    srv_worker_ctx w;
    sbuf out = SBUF_INIT;
    json_error_t jerr;
    json_t *root, *ans;
    int rc;

    srv_config_defaults(&cfg);
    cfg.workers = 1;
    cfg.max_depth = depth;
    cfg.max_batch = batch;
    cfg.max_log = max_log;
    memset(&w, 0, sizeof w);
    w.cfg = &cfg;
    w.metrics = &metrics;
    w.all_metrics = all_metrics;
    w.n_workers = 1;

    rc = rpc_handle(&w, body, len, &out);
    fuzz_check(rc == 0, "rpc_handle failed (%d)", rc);

    if (json_depth(body, len, depth) > depth)
        root = NULL;
    else
        root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

    if (out.len == 0) {
        int ok = root != NULL;
        if (ok && json_is_array(root)) {
            size_t i;
            json_t *m;
            ok = json_array_size(root) > 0 && json_array_size(root) <= batch;
            json_array_foreach(root, i, m) ok = ok && silent(m);
        } else if (ok) {
            ok = silent(root);
        }
        if (!ok)
            fuzz_dump("request", body, len);
        fuzz_check(ok, "no answer to something that is not only notifications");
        json_decref(root);
        sbuf_free(&out);
        return;
    }

    fuzz_check(out.data[out.len] == 0 && strlen(out.data) == out.len, "NUL byte inside the answer");
    ans = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (ans == NULL) {
        fuzz_dump("request", body, len);
        fuzz_dump("answer", out.data, out.len);
        fuzz_fail("the answer is not valid JSON: %s at %d:%d", jerr.text, jerr.line, jerr.column);
    }

    if (root == NULL) {
        fuzz_check(check_response(ans) == RPC_PARSE_ERROR, "unparsable body: not -32700");
        check_id(json_object_get(ans, "id"), NULL, body, len);
    } else if (json_is_array(root) && json_array_size(root) == 0) {
        fuzz_check(check_response(ans) == RPC_INVALID_REQUEST, "empty batch: not -32600");
        check_id(json_object_get(ans, "id"), NULL, body, len);
    } else if (json_is_array(root) && json_array_size(root) > batch) {
        fuzz_check(check_response(ans) == RPC_BATCH_TOO_LARGE, "batch too large: not -32001");
        check_id(json_object_get(ans, "id"), NULL, body, len);
    } else if (json_is_array(root)) {
        size_t i, k = 0;
        json_t *m;
        fuzz_check(json_is_array(ans), "a batch answered by a non-array");
        json_array_foreach(root, i, m) {
            if (silent(m))
                continue;
            json_t *r = json_array_get(ans, k++);
            fuzz_check(r != NULL, "batch: member %zu has no answer", i);
            check_response(r);
            check_id(json_object_get(r, "id"), expected_id(m), body, len);
        }
        fuzz_check(k == json_array_size(ans), "batch: %zu answers for %zu requests",
                   json_array_size(ans), k);
    } else {
        fuzz_check(!silent(root), "a notification was answered");
        check_response(ans);
        check_id(json_object_get(ans, "id"), expected_id(root), body, len);
    }
    json_decref(ans);
    json_decref(root);
    sbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* exactly the body's bytes: any read past them is caught */
    char *body = fuzz_dup_exact(data, size);

    memset(&metrics, 0, sizeof metrics);
    run(body, size, 64, 1000, 64ull * 1024 * 1024);
    run(body, size, 3, 2, 16);
    free(body);
    return 0;
}
