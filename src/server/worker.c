/*
 * worker.c - the libuv transport under http_conn: accept, read, write,
 * timers, closing, and the orderly stop of one worker loop.
 *
 * Writes try uv_try_write() first: most responses fit the socket buffer,
 * which then costs no write request and no callback. Only what the kernel
 * did not take is queued with uv_write(), and only those bytes count as
 * the connection's queue for backpressure.
 *
 * Closing an erroneous connection is "graceful": after the last response
 * byte is out we shut down our sending side and read (and drop) what the
 * peer still sends for up to LINGER_MS, so the peer gets our 400/413/408
 * instead of a reset that would discard it from its receive buffer.
 *
 * Timers are lazy: http_conn moves a connection's deadline on every request
 * (header timeout at its first byte, idle timeout after its answer), and
 * each uv_timer_start/stop is a removal and an insertion in the loop's timer
 * heap, which at hundreds of connections per worker was the largest item of
 * the loop's own CPU time. So io_timer only records the deadline; the uv
 * timer is restarted only when the new deadline is earlier than the one it
 * is armed for, and when it fires before the recorded deadline it re-arms
 * for the rest. A keep-alive connection thus touches the heap about once
 * per header_timeout, not twice per request.
 *
 * The listening socket's backlog is --listen-backlog (default: as much as
 * the kernel allows, net.core.somaxconn): a worker that is off the CPU for a
 * while (a loaded machine) must not see a burst of new connections
 * overflow its accept queue, since every connection dropped there waits
 * for a SYN retransmission (1 s, then 3 s, 7 s) before it is served.
 */
#include "server/worker.h"

#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One read takes up to this much (one buffer per worker, the bytes are
 * parsed before the next read). Large uploads arrive faster than 64 KiB a
 * read could take them: each read is a syscall, a loop iteration and, on
 * loopback, the window update that makes the kernel push the client's next
 * segments in our thread; 256 KiB a read cut the server's CPU time for a
 * 500 MiB POST /v1/diagnose by about a tenth. */
#define READ_BUF_SIZE (256 * 1024)
#define LINGER_MS 2000

typedef struct uconn uconn;

struct worker {
    int id;
    uv_thread_t thread;
    uv_loop_t loop;
    uv_tcp_t listener;
    int listen_fd;
    uv_async_t stop_async;
    uv_check_t log_check;
    uv_timer_t drain_timer;
    uv_async_t *exited;
    srv_worker_ctx ctx;
    const srv_config *cfg;
    uconn *conns;           /* all open connections (for draining) */
    size_t nconns;
    int stopping;
    int handles_closed;
    atomic_int done;        /* loop ended; read by the main thread */
    char readbuf[READ_BUF_SIZE];
};

struct uconn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shutdown;
    worker *wk;
    http_conn *hc;
    uconn *prev, *next;
    uint64_t due;           /* deadline (loop time, ms) of the current state; 0 none */
    uint64_t armed_due;     /* when the uv timer fires; 0 = not armed */
    size_t queued;          /* bytes in uv_write requests not yet done */
    int open_handles;
    int closing;            /* http_conn asked to close */
    int graceful;
    int lingering;          /* write side shut down, draining input */
    int closed;             /* uv_close called */
    int reading;
};

typedef struct wreq {
    uv_write_t req;
    uconn *c;
    char *data;
    size_t len;
} wreq;

static void conn_close_now(uconn *c);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);

/* ---- http_io ---------------------------------------------------------- */

static void on_write(uv_write_t *req, int status);
static void after_output(uconn *c);

static size_t io_write(void *io, char *data, size_t len)
{
    uconn *c = io;
    uv_buf_t buf = uv_buf_init(data, (unsigned)len);
    size_t off = 0;
    wreq *w;

    if (c->closed) {
        free(data);
        return 0;
    }
    if (c->queued == 0) {
        int n = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
        if (n == (int)len) {
            free(data);
            return 0;
        }
        if (n < 0 && n != UV_EAGAIN) {
            free(data);
            conn_close_now(c);
            return 0;
        }
        off = n > 0 ? (size_t)n : 0;
    }
    w = malloc(sizeof *w);
    if (w == NULL) {
        free(data);
        conn_close_now(c);
        return 0;
    }
    w->c = c;
    w->data = data;
    w->len = len - off;
    buf = uv_buf_init(data + off, (unsigned)(len - off));
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write) != 0) {
        free(data);
        free(w);
        conn_close_now(c);
        return 0;
    }
    c->queued += w->len;
    return w->len;
}

static void io_pause(void *io, int paused)
{
    uconn *c = io;

    if (c->closed || c->lingering)
        return;
    if (paused && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = 0;
    } else if (!paused && !c->reading) {
        c->reading = 1;
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
            conn_close_now(c);
    }
}

static void on_timer(uv_timer_t *t);

/* The connection's deadline is `ms` from now (0: none). Lazy, see the top:
 * the uv timer moves only when the deadline comes nearer. */
static void conn_timer(uconn *c, uint64_t ms)
{
    if (ms == 0) {
        c->due = 0; /* an armed timer fires once more and does nothing */
        return;
    }
    c->due = uv_now(&c->wk->loop) + ms;
    if (c->armed_due != 0 && c->armed_due <= c->due)
        return;
    c->armed_due = c->due;
    uv_timer_start(&c->timer, on_timer, ms, 0);
}

static void io_timer(void *io, uint64_t ms)
{
    uconn *c = io;

    if (c->closed)
        return;
    conn_timer(c, ms);
}

static void io_close(void *io, int graceful)
{
    uconn *c = io;

    c->closing = 1;
    c->graceful = graceful;
    after_output(c);
}

static const http_io uv_io = {io_write, io_pause, io_timer, io_close};

/* ---- closing ------------------------------------------------------------ */

static void worker_maybe_exit(worker *w);

static void on_handle_closed(uv_handle_t *h)
{
    uconn *c = h->data;

    if (--c->open_handles > 0)
        return;
    http_conn_free(c->hc);
    if (c->prev)
        c->prev->next = c->next;
    else
        c->wk->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->wk->nconns--;
    srv_gauge_sub(&c->wk->ctx.metrics->connections_open, 1);
    worker_maybe_exit(c->wk);
    free(c);
}

static void conn_close_now(uconn *c)
{
    if (c->closed)
        return;
    c->closed = 1;
    c->closing = 1;
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    uconn *c = req->data;

    if (status != 0 || c->closed) {
        conn_close_now(c);
        return;
    }
    /* Keep reading (and dropping) until EOF or the linger time is over. */
    c->lingering = 1;
    c->due = 0;
    conn_timer(c, LINGER_MS);
    if (!c->reading) {
        c->reading = 1;
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
            conn_close_now(c);
    }
}

/* Called whenever output may have drained: closes once nothing is left. */
static void after_output(uconn *c)
{
    if (!c->closing || c->closed || c->queued > 0 || c->lingering)
        return;
    if (!c->graceful) {
        conn_close_now(c);
        return;
    }
    c->shutdown.data = c;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
        conn_close_now(c);
    else
        c->lingering = 1; /* until on_shutdown: do not shut down twice */
}

static void on_write(uv_write_t *req, int status)
{
    wreq *w = (wreq *)req;
    uconn *c = w->c;
    size_t len = w->len;

    c->queued -= len;
    free(w->data);
    free(w);
    if (status != 0) {
        conn_close_now(c);
        return;
    }
    if (!c->closing && !c->closed)
        http_conn_written(c->hc, len);
    after_output(c);
}

/* ---- reading ------------------------------------------------------------ */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    uconn *c = h->data;

    buf->base = c->wk->readbuf;
    buf->len = sizeof c->wk->readbuf;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    uconn *c = s->data;

    if (nread > 0) {
        if (!c->closing)
            http_conn_feed(c->hc, buf->base, (size_t)nread);
        return;
    }
    if (nread == 0)
        return;
    if (nread == UV_EOF && !c->closing) {
        http_conn_eof(c->hc);
        return;
    }
    conn_close_now(c); /* reset, or EOF while lingering/closing */
}

static void on_timer(uv_timer_t *t)
{
    uconn *c = t->data;
    uint64_t now = uv_now(&c->wk->loop);

    c->armed_due = 0;
    if (c->due == 0 || c->closed)
        return; /* the deadline was cleared after the timer was armed */
    if (now < c->due) { /* the deadline moved later: wait for the rest */
        c->armed_due = c->due;
        uv_timer_start(&c->timer, on_timer, c->due - now, 0);
        return;
    }
    c->due = 0;
    if (c->lingering || c->closing)
        conn_close_now(c);
    else
        http_conn_timeout(c->hc);
}

/* ---- accepting ---------------------------------------------------------- */

/* Close callback of a handle that is the first member of a malloc'd block. */
static void free_closed(uv_handle_t *h)
{
    free(h);
}

static void refuse(uv_tcp_t *tcp)
{
    static const char resp[] =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Content-Length: 74\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
        "{\"error\":{\"status\":503,\"message\":\"too many connections, try again later\"}}";
    uv_buf_t buf = uv_buf_init((char *)resp, sizeof resp - 1);

    uv_try_write((uv_stream_t *)tcp, &buf, 1);
    uv_close((uv_handle_t *)tcp, free_closed);
}

static void on_connection(uv_stream_t *server, int status)
{
    worker *w = server->data;
    uconn *c;

    if (status != 0)
        return;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    uv_tcp_init(&w->loop, &c->tcp);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        uv_close((uv_handle_t *)&c->tcp, free_closed);
        return;
    }
    if (w->nconns >= w->cfg->max_conns || w->stopping) {
        srv_count_add(&w->ctx.metrics->connections_rejected, 1);
        refuse(&c->tcp); /* c starts with its tcp handle: free(c) frees both */
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    uv_timer_init(&w->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->wk = w; /* before http_conn_new: it sets the first deadline */
    c->open_handles = 2;
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    w->nconns++;
    srv_count_add(&w->ctx.metrics->connections_open, 1);
    srv_count_add(&w->ctx.metrics->connections_total, 1);
    c->hc = http_conn_new(&w->ctx, &uv_io, c);
    if (c->hc == NULL) {
        conn_close_now(c);
        return;
    }
    c->reading = 1;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
        conn_close_now(c);
}

/* ---- the loop and its stop --------------------------------------------- */

static void on_check(uv_check_t *h)
{
    worker *w = h->data;

    if (w->ctx.log.len)
        srv_log_flush(&w->ctx);
    /* At saturation a loop never blocks in epoll_wait, so without a yield a
     * worker keeps its CPU for a whole scheduler slice (a 4 ms tick at
     * HZ=250) while whatever shares that CPU waits: the clients on the same
     * host (a reverse proxy, the load generator), the other workers, the
     * diagnosis thread of an upload. Yielding after each batch of I/O makes
     * each turn as long as the batch; when nothing else is runnable it costs
     * one system call. Measured with wrk on 2 cores (bench/http/run.sh):
     * JSON-RPC `version` p99 7.9 ms -> 1.0 ms, and no throughput lost. */
    if (w->cfg->loop_yield)
        sched_yield();
}

static void close_worker_handles(worker *w)
{
    if (w->handles_closed)
        return;
    w->handles_closed = 1;
    uv_close((uv_handle_t *)&w->stop_async, NULL);
    uv_close((uv_handle_t *)&w->log_check, NULL);
    uv_close((uv_handle_t *)&w->drain_timer, NULL);
}

static void worker_maybe_exit(worker *w)
{
    if (w->stopping && w->nconns == 0)
        close_worker_handles(w);
}

static void on_drain_timeout(uv_timer_t *t)
{
    worker *w = t->data;

    for (uconn *c = w->conns; c; c = c->next)
        conn_close_now(c);
}

static void on_stop(uv_async_t *a)
{
    worker *w = a->data;

    if (w->stopping)
        return;
    w->stopping = 1;
    w->ctx.draining = 1;
    uv_close((uv_handle_t *)&w->listener, NULL);
    for (uconn *c = w->conns, *next; c; c = next) {
        next = c->next;
        if (!c->closing)
            http_conn_drain(c->hc);
    }
    uv_timer_start(&w->drain_timer, on_drain_timeout, w->cfg->shutdown_timeout_ms, 0);
    worker_maybe_exit(w);
}

static void worker_run(void *arg)
{
    worker *w = arg;

    uv_run(&w->loop, UV_RUN_DEFAULT);
    srv_log_flush(&w->ctx);
    atomic_store(&w->done, 1);
    uv_async_send(w->exited);
}

worker *worker_new(const srv_config *cfg, int id, int listen_fd, srv_metrics *const *all,
                   int n_workers, uv_async_t *exited)
{
    worker *w = calloc(1, sizeof *w);
    struct timespec ts;

    if (w == NULL)
        return NULL;
    w->id = id;
    w->cfg = cfg;
    w->listen_fd = listen_fd;
    w->exited = exited;
    w->ctx.cfg = cfg;
    w->ctx.metrics = all[id];
    w->ctx.all_metrics = all;
    w->ctx.n_workers = n_workers;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    w->ctx.started_ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    if (uv_loop_init(&w->loop) != 0) {
        free(w);
        return NULL;
    }
    w->ctx.loop = &w->loop;
    uv_tcp_init(&w->loop, &w->listener);
    w->listener.data = w;
    uv_async_init(&w->loop, &w->stop_async, on_stop);
    w->stop_async.data = w;
    uv_check_init(&w->loop, &w->log_check);
    w->log_check.data = w;
    uv_timer_init(&w->loop, &w->drain_timer);
    w->drain_timer.data = w;
    return w;
}

int worker_start(worker *w)
{
    int rc = uv_tcp_open(&w->listener, w->listen_fd);
    int backlog = w->cfg->listen_backlog > INT_MAX ? INT_MAX : (int)w->cfg->listen_backlog;

    if (rc == 0) /* the kernel caps it at net.core.somaxconn */
        rc = uv_listen((uv_stream_t *)&w->listener, backlog, on_connection);
    if (rc == 0)
        rc = uv_check_start(&w->log_check, on_check);
    if (rc == 0)
        rc = uv_thread_create(&w->thread, worker_run, w);
    return rc;
}

int worker_done(worker *w)
{
    return atomic_load(&w->done);
}

void worker_stop(worker *w)
{
    uv_async_send(&w->stop_async);
}

void worker_join_free(worker *w)
{
    uv_thread_join(&w->thread);
    uv_loop_close(&w->loop);
    sbuf_free(&w->ctx.log);
    free(w);
}
