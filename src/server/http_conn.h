/*
 * http_conn.h - one HTTP/1.1 connection as a socket-free state machine.
 *
 * Bytes go in with http_conn_feed(); responses come out through an
 * http_io (an abstract writer the transport implements: worker.c over
 * libuv, a fuzz target over nothing). Requests are parsed by llhttp with
 * every lenient flag off, plus the checks llhttp leaves to its user
 * (header size and count, Host, HTTP version).
 *
 * Why requests need no queue to be answered in order: each request is
 * handled to completion (or, for /v1/stream, streamed) inside llhttp's
 * callbacks before llhttp parses the next one, or, when its answer is made
 * in the thread pool (http_defer), the parser stays paused until it is
 * sent, so responses are produced in request order by construction. When the output queue of the
 * connection passes write_queue_max, parsing pauses at the next request
 * boundary (and the transport stops reading) until the peer has read.
 *
 * Ownership: the transport owns the http_conn; it calls http_conn_free()
 * once the socket is closed. The http_io callbacks may be called from
 * inside any http_conn_* entry point.
 */
#ifndef SRV_HTTP_CONN_H
#define SRV_HTTP_CONN_H

#include <llhttp.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "server/metrics.h"
#include "server/sbuf.h"
#include "server/server.h"

typedef struct http_conn http_conn;
typedef struct http_req http_req;
struct endpoint;

/* Per-worker context shared by the connections of one thread. */
typedef struct srv_worker_ctx {
    const srv_config *cfg;
    srv_metrics *metrics;          /* this worker's counters */
    srv_metrics *const *all_metrics; /* every worker's, for /metrics */
    int n_workers;
    int draining;                  /* SIGTERM: finish and close */
    time_t date_at;                /* second the cached Date was made */
    char date[40];                 /* "Date: ...\r\n" */
    sbuf log;                      /* access log lines not yet written */
    uint64_t started_ms;           /* for /healthz uptime */
    struct uv_loop_s *loop;        /* for uv_queue_work; NULL: run everything inline */
} srv_worker_ctx;

/* Writes out the access log buffer (whole lines, one write). */
void srv_log_flush(srv_worker_ctx *w);

typedef struct http_io {
    /* Queue `len` bytes of output; takes ownership of `data` (malloc'd).
     * Returns how many bytes are still queued after the call (0 if all were
     * written at once); those are reported later by http_conn_written(). */
    size_t (*write)(void *io, char *data, size_t len);
    /* Stop (1) or resume (0) reading from the peer. */
    void (*pause)(void *io, int paused);
    /* (Re)arm the connection's timer to fire in `ms`; 0 disarms. */
    void (*timer)(void *io, uint64_t ms);
    /* Close after the queued output is written. graceful: half-close and
     * drain the peer's remaining input briefly first (so it reads our
     * error response instead of a reset). */
    void (*close)(void *io, int graceful);
} http_io;

/* Header of a request: offsets into the connection's header arena. */
typedef struct http_header {
    uint32_t name, name_len, value, value_len;
} http_header;

/* Request being handled. One per connection at a time (see above). */
struct http_req {
    http_conn *conn;
    srv_worker_ctx *w;
    int method;                   /* llhttp_method_t */
    int http_minor;
    const char *path;             /* NUL-terminated, without the query */
    const char *query;            /* after '?', NUL-terminated, or "" */
    uint64_t content_length;      /* when has_length */
    int has_length;
    int chunked;
    int expect_continue;
    const struct endpoint *ep;
    srv_endpoint_id ep_id;        /* metrics label */
    void *state;                  /* endpoint state */
    const char *cors_origin;      /* Origin to echo, or NULL */
    sbuf body;                    /* buffered endpoints: the whole body */
    uint64_t body_bytes;
    uint64_t t_start_ns;
    int status;                   /* answered status (0 = not yet) */
    uint64_t resp_bytes;
    int streaming;                /* chunked response head sent */
    int stream_chunked;           /* 0 for HTTP/1.0: raw body, then close */
    int head_only;                /* HEAD: no body bytes */
};

http_conn *http_conn_new(srv_worker_ctx *w, const http_io *io, void *io_ctx);
/* Input bytes. Never fails: protocol errors are answered and the
 * connection is closed through the http_io. */
void http_conn_feed(http_conn *c, const char *data, size_t len);
/* The peer closed its sending side. */
void http_conn_eof(http_conn *c);
/* `len` bytes queued earlier have been written. */
void http_conn_written(http_conn *c, size_t len);
/* The timer armed through http_io fired. */
void http_conn_timeout(http_conn *c);
/* Server shutdown: close when idle, else after the current response. */
void http_conn_drain(http_conn *c);
/* Is the connection between requests (nothing parsed, nothing pending)? */
int http_conn_idle(const http_conn *c);
/* Frees everything (calls the endpoint's abort hook if mid-request). */
void http_conn_free(http_conn *c);

/* ---- for endpoints ---------------------------------------------------- */

/* Value of a request header (case-insensitive name), NUL-terminated, or
 * NULL. *count receives how many times it occurred when non-NULL. */
const char *http_req_header(http_req *r, const char *name, int *count);

/* A complete response. `extra` is more header lines ("Name: v\r\n..."),
 * or NULL. Copies what it needs. */
void http_respond(http_req *r, int status, const char *ctype,
                  const char *body, size_t len, const char *extra);
/* Like http_respond(), but takes over `body` (malloc'd): a large document
 * goes to the socket without being copied. */
void http_respond_owned(http_req *r, int status, const char *ctype, char *body, size_t len);
/* A JSON error body {"error":{"status":..,"message":..}}. */
void http_respond_error(http_req *r, int status, const char *msg, const char *extra);
/* Refuse the request before its body: the connection decides whether to
 * skip a small body and keep the connection, or answer now and close. */
void http_reject(http_req *r, int status, const char *msg, const char *extra);
/* Streaming response (chunked for HTTP/1.1). */
void http_stream_begin(http_req *r, int status, const char *ctype);
void http_stream_write(http_req *r, const char *data, size_t len);
void http_stream_end(http_req *r);
/* Abort: answer an error if nothing was sent yet, then close. */
void http_fail(http_req *r, int status, const char *msg);
/*
 * Answering later. An endpoint whose answer takes long (a large diagnosis,
 * run in libuv's thread pool so that the worker's other connections are
 * not held up) calls http_defer() in its end(); the connection then parses
 * nothing more (pipelined requests wait, so answers stay in order) and its
 * timer is off. Once the work is done, on the loop thread, the endpoint
 * answers (http_respond*, or a stream) and calls http_defer_end() as its
 * very last use of r: the request is over and held input is parsed. If the
 * peer goes away meanwhile, the endpoint's abort() is called as usual (and
 * must leave the running work to free its own state).
 */
void http_defer(http_req *r);
void http_defer_end(http_req *r);
/* An endpoint that cannot take more body bytes yet (its thread pool work is
 * behind) holds the body (1): reading stops, and the time held does not
 * count against the peer's body deadlines. 0 lets it flow again. */
void http_body_hold(http_req *r, int hold);
/* From outside llhttp's callbacks (thread pool completions): answer an
 * error if nothing was sent yet, and close the connection. */
void http_abort(http_req *r, int status, const char *msg);
/* Bytes queued to the peer and not yet written. */
size_t http_req_queued(const http_req *r);

const char *http_status_reason(int status);

#endif
