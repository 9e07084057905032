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

/* Should a diagnosis over `bytes` of body run in the pool? Never without a
 * loop (the fuzz targets drive http_conn without one). */
int offload_wanted(const srv_worker_ctx *w, uint64_t bytes);

/* On the loop thread. */
pool_ctx *pool_ctx_new(srv_worker_ctx *w);
/* Merges the counters into the worker's and frees (NULL is fine). */
void pool_ctx_free(pool_ctx *p);

#endif
