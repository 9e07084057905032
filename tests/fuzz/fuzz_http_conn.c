/*
 * fuzz_http_conn.c - the server's HTTP/1.1 connection state machine
 * (src/server/http_conn.c, with the router and every endpoint behind it),
 * driven through http_conn_feed() over a socket-free http_io.
 *
 * Input: byte 0 picks the configuration, bytes 1..8 seed the transport's
 * choices, the rest is what the peer sends (one or many pipelined requests,
 * chunked bodies, garbage). The fake transport then interleaves, in an
 * order chosen by the seed:
 *   - feeding the next chunk (mostly 1-8 bytes, sometimes up to 8 KiB);
 *   - completing queued writes (the transport takes all, part or none of
 *     each write at once, like uv_try_write + uv_write), reported with
 *     http_conn_written();
 *   - firing the armed timer (http_conn_timeout), server drain
 *     (http_conn_drain), the peer's EOF (http_conn_eof);
 * and honours pause/close like worker.c: no input while paused, nothing at
 * all once closed. Config byte 0:
 *   bits 0-1  max_header_bytes / max_headers: 16K/100, 1K/8, 256/4, 64/2
 *   bit 2     write_queue_max 64 bytes (backpressure at every request)
 *   bit 3     max_body / max_log 200 bytes (413 paths)
 *   bit 4     access log on (the line is built; flushed only past 32 KiB)
 *   bit 5     bearer token "s3cret" required
 *   bit 6     CORS: allow any origin
 *   bit 7     timers may fire mid-run, and the server drains (SIGTERM),
 *             mid-run or once the input is all in
 * The top bit of the seed makes the peer close its side (EOF): after its
 * last byte, or before it (the rest is never sent).
 * Checked besides the sanitizers (ASan, UBSan, LeakSanitizer):
 *   - the output parses as a sequence of HTTP/1.1 responses with llhttp in
 *     strict response mode (no bytes after a "Connection: close" answer,
 *     framing right), every status one the server knows (skipped when the
 *     input holds "HEAD": a response parser cannot know those have no body);
 *   - nothing is written after the connection asked to be closed;
 *   - never stuck: whenever the connection has paused reading, the
 *     transport holds unwritten output (whose completion resumes it);
 *   - when the connection says it is idle, every response is complete.
 */
#include <llhttp.h>

#include "fuzz_common.h"
#include "server/http_conn.h"
#include "server/rpc.h"
#include "server/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

typedef struct wbuf {
    char *data;
    size_t len, off;
    struct wbuf *next;
} wbuf;

typedef struct transport {
    fuzz_rng rng;
    wbuf *head, *tail;
    size_t queued;        /* bytes in the wbuf list not yet "written" */
    int paused;
    int closed;
    uint64_t timer_ms;    /* armed timer, 0 = none */
    int check_resp;       /* parse the output */
    llhttp_t resp;
    int resp_in_msg;
    int resp_failed;
    size_t out_total;
} transport;

static int on_resp_begin(llhttp_t *p)
{
    ((transport *)p->data)->resp_in_msg = 1;
    return 0;
}

static int on_resp_headers(llhttp_t *p)
{
    int st = llhttp_get_status_code(p);

    fuzz_check(st == 100 || strcmp(http_status_reason(st), "Unknown") != 0,
               "response status %d is not one the server sends", st);
    return 0;
}

static int on_resp_complete(llhttp_t *p)
{
    ((transport *)p->data)->resp_in_msg = 0;
    return 0;
}

static const llhttp_settings_t resp_settings = {
    .on_message_begin = on_resp_begin,
    .on_headers_complete = on_resp_headers,
    .on_message_complete = on_resp_complete,
};

static size_t io_write(void *io, char *data, size_t len)
{
    transport *t = io;
    size_t now;

    fuzz_check(!t->closed, "write of %zu bytes after close", len);
    fuzz_check(len > 0, "empty write");
    fuzz_touch(data, len);
    t->out_total += len;
    if (t->check_resp && !t->resp_failed) {
        llhttp_errno_t e = llhttp_execute(&t->resp, data, len);
        if (e != HPE_OK) {
            fuzz_dump("output chunk", data, len);
            fuzz_fail("the response stream does not parse: %s (%s)", llhttp_errno_name(e),
                      llhttp_get_error_reason(&t->resp));
        }
    }
    /* Like worker.c: a direct attempt only when nothing is queued yet. */
    now = 0;
    if (t->queued == 0) {
        uint64_t v = fuzz_next(&t->rng);
        switch (v & 3) {
        case 0:
        case 1: now = len; break;                       /* all at once */
        case 2: now = (size_t)((v >> 8) % (len + 1)); break; /* part */
        default: now = 0; break;                        /* none */
        }
    }
    if (now == len) {
        free(data);
        return 0;
    }
    wbuf *b = malloc(sizeof *b);
    if (b == NULL)
        abort();
    b->data = data;
    b->len = len;
    b->off = now;
    b->next = NULL;
    if (t->tail)
        t->tail->next = b;
    else
        t->head = b;
    t->tail = b;
    t->queued += len - now;
    return len - now;
}

static void io_pause(void *io, int paused)
{
    ((transport *)io)->paused = paused;
}

static void io_timer(void *io, uint64_t ms)
{
    ((transport *)io)->timer_ms = ms;
}

static void io_close(void *io, int graceful)
{
    ((transport *)io)->closed = 1;
}

static const http_io fuzz_io = {io_write, io_pause, io_timer, io_close};

/* Takes up to `want` bytes off the queue; returns how many. */
static size_t take(transport *t, size_t want)
{
    size_t done = 0;

    while (t->head && done < want) {
        wbuf *b = t->head;
        size_t k = b->len - b->off;
        if (k > want - done)
            k = want - done;
        b->off += k;
        done += k;
        if (b->off == b->len) {
            t->head = b->next;
            if (t->head == NULL)
                t->tail = NULL;
            free(b->data);
            free(b);
        }
    }
    t->queued -= done;
    return done;
}

static void drop_queue(transport *t)
{
    take(t, (size_t)-1);
}

static srv_config cfg;
static srv_metrics metrics;
static srv_metrics *all_metrics[1] = {&metrics};
static srv_worker_ctx wctx;
static char token[] = "s3cret";
static const char *any_origin = "*";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    rpc_init(); /* the cached answers, as the server builds them at start */
    return 0;
}

static void setup(uint8_t opt)
{
    static const size_t hdr_bytes[4] = {16 * 1024, 1024, 256, 64};
    static const size_t hdr_count[4] = {100, 8, 4, 2};

    srv_config_defaults(&cfg);
    cfg.workers = 1;
    cfg.max_header_bytes = hdr_bytes[opt & 3];
    cfg.max_headers = hdr_count[opt & 3];
    if (opt & 4)
        cfg.write_queue_max = 64;
    if (opt & 8)
        cfg.max_body = cfg.max_log = 200;
    cfg.access_log = (opt & 16) != 0;
    if (opt & 32) {
        cfg.token = token;
        cfg.token_len = strlen(token);
    }
    if (opt & 64) {
        cfg.cors[0] = any_origin;
        cfg.n_cors = 1;
    }
    memset(&metrics, 0, sizeof metrics);
    sbuf_free(&wctx.log);
    memset(&wctx, 0, sizeof wctx);
    wctx.cfg = &cfg;
    wctx.metrics = &metrics;
    wctx.all_metrics = all_metrics;
    wctx.n_workers = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    transport t;
    http_conn *c;
    const char *in;
    size_t len, pos = 0;
    uint8_t opt;
    uint64_t seed = 0;
    int eof_sent = 0, want_eof, events;

    if (size < 9)
        return 0;
    opt = data[0];
    memcpy(&seed, data + 1, 8);
    in = (const char *)data + 9;
    len = size - 9;
    setup(opt);
    events = (opt & 128) != 0;

    memset(&t, 0, sizeof t);
    t.rng.s = seed;
    want_eof = (seed >> 63) & 1;
    t.check_resp = memmem(in, len, "HEAD", 4) == NULL;
    llhttp_init(&t.resp, HTTP_RESPONSE, &resp_settings);
    t.resp.data = &t;

    /* The input in an allocation of exactly its size. */
    char *buf = fuzz_dup_exact(in, len);
    c = http_conn_new(&wctx, &fuzz_io, &t);
    if (c == NULL)
        abort();

    for (int steps = 0; steps < 1000000 && !t.closed; steps++) {
        uint64_t v = fuzz_next(&t.rng);
        unsigned a = (unsigned)(v & 63);

        if (events && a == 0 && t.timer_ms) {
            t.timer_ms = 0; /* one-shot, as uv_timer_start(..., 0) */
            http_conn_timeout(c);
        } else if (events && a == 1 && !wctx.draining) {
            wctx.draining = 1;
            http_conn_drain(c);
        } else if (want_eof && a == 2 && !eof_sent && !t.paused && pos < len) {
            eof_sent = 1; /* the peer closes before sending the rest */
            pos = len;
            http_conn_eof(c);
        } else if (t.queued && (a < 24 || t.paused || pos == len)) {
            size_t want = 1 + (size_t)((v >> 8) % (t.queued + t.queued / 2 + 1));
            size_t done = take(&t, want);
            http_conn_written(c, done);
        } else if (!t.paused && pos < len) {
            size_t n = fuzz_chunk_len(&t.rng, len - pos);
            pos += n;
            http_conn_feed(c, buf + pos - n, n);
        } else if (!t.paused && pos == len && want_eof && !eof_sent) {
            eof_sent = 1;
            http_conn_eof(c);
        } else if (events && !wctx.draining) {
            wctx.draining = 1; /* SIGTERM once the peer has said everything */
            http_conn_drain(c);
        } else {
            break; /* all input in, output drained */
        }
        fuzz_check(t.closed || !t.paused || t.queued > 0,
                   "stuck: reading paused with no output left to write (input %zu/%zu)", pos, len);
        if (!t.closed && http_conn_idle(c) && t.queued == 0 && t.check_resp)
            fuzz_check(!t.resp_in_msg, "idle with a response not complete");
    }
    /* The peer says no more: the armed timer is what ends it (idle close,
     * 408 mid-request). */
    if (!t.closed && t.timer_ms) {
        t.timer_ms = 0;
        http_conn_timeout(c);
        if (!t.closed)
            fuzz_fail("the timer fired but the connection stays open");
    }
    drop_queue(&t);
    http_conn_free(c);
    free(buf);
    sbuf_free(&wctx.log);
    return 0;
}
