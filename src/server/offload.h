/*
 * offload.h - large diagnoses in libuv's thread pool.
 *
 * Why: a worker is one event loop. A diagnosis runs at a few hundred MB/s,
 * so a 64 MiB /rpc body held that loop, and every other connection of the
 * worker, for a quarter of a second or more. Bodies over --offload-above
 * (256 KiB) are therefore diagnosed by uv_queue_work() while the loop goes
 * on serving; smaller ones stay inline, where a 3 KiB log costs less than
 * the hop to another thread and back. The connection waits for the answer
 * with http_defer() (http_conn.h), which also keeps pipelined answers in
 * order.
 *
 * Code in the pool must not touch the worker's counters (each has exactly
 * one writer, its worker thread: metrics.h): it gets a pool_ctx, a copy of
 * the worker context whose counters are its own, merged back on the loop.
 */
#ifndef SRV_OFFLOAD_H
#define SRV_OFFLOAD_H

#include <uv.h>

#include "server/http_conn.h"

typedef struct pool_ctx {
    srv_worker_ctx ctx;   /* what pool code gets: cfg as the worker's, own metrics, no loop */
    srv_metrics metrics;
    srv_worker_ctx *w;    /* the worker's own */
} pool_ctx;

/*
 * body_pipe: a body fed to an engine in the pool while it still arrives
 * (POST /v1/diagnose and /v1/stream past --offload-above), so that reading
 * the socket (the loop) and diagnosing (a pool thread) overlap on two
 * cores.
 *
 * The loop appends what it reads to `in` (body_pipe_push); a job swaps
 * `in` with its own buffer under the mutex, feeds it, and goes on with
 * whatever arrived meanwhile instead of returning to the loop after every
 * piece. Why: a return to the loop and a new uv_queue_work cost two thread
 * wake-ups, and the next job may start on another pool thread, whose caches
 * hold nothing of the engine; on a loaded machine the next job also waited
 * for a core while the loop had filled `in` again. A job ends when nothing
 * waits, or after the finish.
 *
 * The job never waits for the loop. Memory is bounded: once
 * PIPE_HOLD_BYTES wait in `in` while a job runs, push returns 1 and the
 * endpoint stops reading (http_body_hold); the job lifts the hold when it
 * takes those bytes, by waking the loop (uv_async_send, the one call into
 * the loop a pool thread may make), whose unhold() lets the peer send
 * again. Output made in the pool (the NDJSON of /v1/stream) goes the same
 * way: after each piece the job moves what output() holds to `ready` and
 * wakes the loop, whose send() writes it to the peer while the job goes on
 * (before, the job returned to the loop to have it sent, and the engine
 * stood still meanwhile). A slow reader still slows the upload: the
 * connection stops reading once its output queue is full, so `in`, and
 * with it the output, stops growing.
 *
 * Threads: `in`, `held`, `ended`, `ready` under `mu`; `feeding`, `failed`,
 * `done` belong to the running job (the loop reads them in after(), which
 * libuv orders after the job); the rest to the loop. The pipe is malloc'd
 * on its own because its async handle is freed in uv_close's callback,
 * which may come after its owner is gone.
 */
#define PIPE_HOLD_BYTES (2u * 1024u * 1024u)

typedef struct body_pipe_ops {
    /* In the pool: body bytes, in order. 0, or -1: nothing more is fed
     * (failed is set, the job ends). */
    int (*feed)(void *user, const char *p, size_t n);
    /* In the pool, once, after the last byte was fed. */
    void (*finish)(void *user);
    /* On the loop after each job (status: uv's, nonzero if the job did not
     * run), once its output went to send(). The endpoint looks at
     * failed/done, and calls body_pipe_next() to go on, or frees the pipe. */
    void (*after)(void *user, int status);
    /* On the loop: the bytes that made push return 1 are taken, let the
     * body flow again (http_body_hold(r, 0)). */
    void (*unhold)(void *user);
    /* Optional, for endpoints that answer while the body arrives: the
     * buffer the job's feed()/finish() append output to (the pipe empties
     * it, in the pool), and, on the loop, where that output goes. */
    sbuf *(*output)(void *user);
    void (*send)(void *user, const char *p, size_t n);
} body_pipe_ops;

typedef struct body_pipe {
    uv_work_t work;
    uv_async_t wake;        /* the job took a full `in`, or has output */
    uv_mutex_t mu;
    sbuf in;                /* mu: arrived, for the job */
    int held;               /* mu: in is full, the loop stopped reading */
    int ended;              /* mu: the whole body is in */
    sbuf ready;             /* mu: output for the loop */
    sbuf feeding;           /* the job's */
    int failed;             /* the job: a feed failed */
    int done;               /* the job: finish() ran */
    sbuf sending;           /* the loop's: output being sent */
    int running;            /* loop: a job is queued or running */
    uv_loop_t *loop;
    const body_pipe_ops *ops;
    void *user;             /* NULL once freed (the handle is closing) */
} body_pipe;

/* On the loop; NULL when out of memory. */
body_pipe *body_pipe_new(uv_loop_t *loop, const body_pipe_ops *ops, void *user);
/* Body bytes (copied). 0; 1: hold the body until unhold() (in is full);
 * -1: out of memory or the job could not be queued. */
int body_pipe_push(body_pipe *bp, const char *p, size_t n);
/* The body is complete: finish() will run. 0 or -1. */
int body_pipe_end(body_pipe *bp);
/* From after(): queues the next job if there is work (bytes waiting, or the
 * finish). 0 or -1. */
int body_pipe_next(body_pipe *bp);
/* Not while running (NULL is fine); no callback comes after it. */
void body_pipe_free(body_pipe *bp);

/* Should a diagnosis over `bytes` of body run in the pool? Never without a
 * loop (the fuzz targets drive http_conn without one). */
int offload_wanted(const srv_worker_ctx *w, uint64_t bytes);

/* On the loop thread. */
pool_ctx *pool_ctx_new(srv_worker_ctx *w);
/* Merges the counters into the worker's and frees (NULL is fine). */
void pool_ctx_free(pool_ctx *p);

#endif
