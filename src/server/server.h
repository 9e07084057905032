/*
 * server.h - `ipsec-diag serve`: the HTTP/JSON-RPC service.
 *
 * The service is a thin adapter over libipsecdiag: HTTP/1.1 (llhttp) on
 * libuv, JSON by jansson. N worker threads each run their own uv loop with
 * their own SO_REUSEPORT listening socket, so connections never move
 * between threads and no request path takes a lock.
 *
 * Module map (one concern per file):
 *   server.c         CLI flags/env -> srv_config, startup, signals, shutdown
 *   worker.c         one uv loop per thread: accept, read, write, timers
 *   http_conn.c      the per-connection HTTP state machine over llhttp
 *                    (socket-free: http_conn_feed() + an abstract writer)
 *   router.c         path/method table, auth, CORS, dispatch to endpoints
 *   static_routes.c  static documents (add a row to serve a page)
 *   rpc.c            JSON-RPC 2.0 (pure: request bytes -> response bytes)
 *   endpoints.c      /rpc, /v1/diagnose, /v1/stream, /healthz, /metrics
 *   multipart.c      incremental multipart/form-data parser
 *   jsonfast.c       the fast path of /rpc's JSON parsing (jansson trees)
 *   offload.c        large diagnoses in libuv's thread pool
 *   metrics.c        per-worker counters, Prometheus text at scrape
 */
#ifndef SRV_SERVER_H
#define SRV_SERVER_H

#include <stddef.h>
#include <stdint.h>

/* Entry point of `ipsec-diag serve ...`; argv[0] is "serve". Returns the
 * process exit code. */
int serve_main(int argc, char **argv);

#define SRV_MAX_CORS 32

/* Everything configurable, filled from defaults, then env, then flags.
 * Read-only once the workers start (shared by all threads without locks). */
typedef struct srv_config {
    char listen_host[256];      /* "127.0.0.1", "::1", "0.0.0.0" */
    int listen_port;            /* 0 = ephemeral (one port for all workers) */
    int workers;                /* worker threads (event loops) */
    char *token;                /* bearer token, or NULL = no auth */
    size_t token_len;
    const char *cors[SRV_MAX_CORS]; /* allowed origins ("*" = any) */
    int n_cors;
    int access_log;             /* one line per request on stderr */
    int loop_yield;             /* sched_yield after each loop iteration (worker.c) */

    size_t max_header_bytes;    /* request line + headers -> 431 */
    size_t max_headers;         /* header count -> 431 */
    uint64_t max_body;          /* /rpc and /v1/diagnose body -> 413 */
    size_t max_line;            /* engine max_line_bytes */
    size_t max_depth;           /* JSON nesting depth of /rpc bodies */
    size_t max_batch;           /* JSON-RPC batch members -> -32001 */
    uint64_t max_log;           /* bytes of logs in one diagnose call -> -32000 */
    size_t max_conns;           /* connections per worker -> 503 */
    uint64_t header_timeout_ms; /* first byte of a request to end of headers -> 408 */
    uint64_t idle_timeout_ms;   /* keep-alive idle */
    uint64_t body_timeout_ms;   /* between two reads of a body -> 408 */
    uint64_t body_min_rate;     /* bytes/s a capped body must average (after a grace) -> 408; 0 off */
    uint64_t offload_bytes;     /* diagnoses of larger bodies run in the thread pool */
    uint64_t stream_timeout_ms; /* between two reads of a /v1/stream upload */
    uint64_t shutdown_timeout_ms; /* in-flight grace on SIGTERM */
    size_t write_queue_max;     /* backpressure bound per connection */
    size_t listen_backlog;      /* accept queue per worker (capped by net.core.somaxconn) */
} srv_config;

/* Defaults as documented in --help. */
void srv_config_defaults(srv_config *c);

#endif
