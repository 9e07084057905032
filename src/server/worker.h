/*
 * worker.h - one event loop in one thread, serving one listening socket.
 *
 * Each worker owns its own SO_REUSEPORT socket (the kernel spreads new
 * connections over them), its connections, its counters and a 64 KiB read
 * buffer shared by its connections (reads are consumed synchronously, so
 * one buffer per thread is enough). Nothing is shared between workers but
 * the read-only config and the counters read at scrape.
 */
#ifndef SRV_WORKER_H
#define SRV_WORKER_H

#include <uv.h>

#include "server/http_conn.h"

typedef struct worker worker;

/* listen_fd: a bound (not yet listening) socket the worker takes over.
 * exited is signalled (uv_async_send) when the worker's loop has ended. */
worker *worker_new(const srv_config *cfg, int id, int listen_fd,
                   srv_metrics *const *all, int n_workers, uv_async_t *exited);
/* Starts the thread; 0 or a libuv error. */
int worker_start(worker *w);
/* From any thread: stop accepting, finish in-flight requests (bounded by
 * shutdown_timeout), then end the loop. */
void worker_stop(worker *w);
/* Has the worker's loop ended (any thread)? */
int worker_done(worker *w);
/* Joins the thread and frees the worker. */
void worker_join_free(worker *w);

#endif
