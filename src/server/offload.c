/*
 * offload.c - see offload.h.
 */
#include "server/offload.h"

#include <stdlib.h>
#include <string.h>

int offload_wanted(const srv_worker_ctx *w, uint64_t bytes)
{
    return w->loop != NULL && bytes > w->cfg->offload_bytes;
}

pool_ctx *pool_ctx_new(srv_worker_ctx *w)
{
    pool_ctx *p = aligned_alloc(64, (sizeof *p + 63) / 64 * 64);

    if (p == NULL)
        return NULL;
    memset(p, 0, sizeof *p);
    p->ctx = *w;
    p->ctx.metrics = &p->metrics;
    p->ctx.loop = NULL;
    p->ctx.log = (sbuf)SBUF_INIT; /* never written from the pool */
    p->w = w;
    return p;
}

void pool_ctx_free(pool_ctx *p)
{
    if (p == NULL)
        return;
    srv_metrics_merge(p->w->metrics, &p->metrics);
    free(p);
}

/* ---- body_pipe ---------------------------------------------------------- */

/* On the loop: sends what the job made ready. */
static void pipe_send(body_pipe *bp)
{
    sbuf t;

    if (bp->ops->send == NULL)
        return;
    uv_mutex_lock(&bp->mu);
    t = bp->sending; /* empty: swapped, so that no buffer is allocated again */
    bp->sending = bp->ready;
    bp->ready = t;
    uv_mutex_unlock(&bp->mu);
    if (bp->sending.len && bp->user)
        bp->ops->send(bp->user, bp->sending.data, bp->sending.len);
    sbuf_reset(&bp->sending);
}

static void pipe_wake(uv_async_t *a)
{
    body_pipe *bp = a->data;
    int held;

    pipe_send(bp);
    uv_mutex_lock(&bp->mu);
    held = bp->held; /* held again since the job took the bytes: stay held */
    uv_mutex_unlock(&bp->mu);
    if (!held && bp->user)
        bp->ops->unhold(bp->user);
}

body_pipe *body_pipe_new(uv_loop_t *loop, const body_pipe_ops *ops, void *user)
{
    body_pipe *bp = calloc(1, sizeof *bp);

    if (bp == NULL)
        return NULL;
    if (uv_mutex_init(&bp->mu) != 0) {
        free(bp);
        return NULL;
    }
    if (uv_async_init(loop, &bp->wake, pipe_wake) != 0) {
        uv_mutex_destroy(&bp->mu);
        free(bp);
        return NULL;
    }
    bp->wake.data = bp;
    bp->work.data = bp;
    bp->loop = loop;
    bp->ops = ops;
    bp->user = user;
    return bp;
}

static void pipe_closed(uv_handle_t *h)
{
    body_pipe *bp = h->data;

    uv_mutex_destroy(&bp->mu);
    sbuf_free(&bp->in);
    sbuf_free(&bp->ready);
    sbuf_free(&bp->feeding);
    sbuf_free(&bp->sending);
    free(bp);
}

void body_pipe_free(body_pipe *bp)
{
    if (bp == NULL)
        return;
    bp->user = NULL;
    uv_close((uv_handle_t *)&bp->wake, pipe_closed);
}

/* In the pool: the job's output to `ready`. 1 if the loop must be woken. */
static int pipe_ready(body_pipe *bp)
{
    sbuf *o = bp->ops->output ? bp->ops->output(bp->user) : NULL;
    int wake;

    if (o == NULL || o->len == 0)
        return 0;
    uv_mutex_lock(&bp->mu);
    wake = bp->ready.len == 0; /* else a wake-up is on its way already */
    if (wake) {
        sbuf t = bp->ready;
        bp->ready = *o;
        *o = t;
    } else if (sbuf_add(&bp->ready, o->data, o->len) != 0) {
        bp->failed = 1; /* out of memory: the output would have a hole */
    }
    uv_mutex_unlock(&bp->mu);
    sbuf_reset(o);
    return wake;
}

static void pipe_work(uv_work_t *wk)
{
    body_pipe *bp = wk->data;

    for (;;) {
        int finish = 0, wake = 0;
        sbuf t;

        uv_mutex_lock(&bp->mu);
        if (bp->in.len) {
            t = bp->feeding;
            bp->feeding = bp->in;
            bp->in = t;
            wake = bp->held;
            bp->held = 0;
        } else {
            finish = bp->ended;
        }
        uv_mutex_unlock(&bp->mu);
        if (wake)
            uv_async_send(&bp->wake);
        if (bp->feeding.len == 0) {
            if (finish) {
                bp->ops->finish(bp->user);
                bp->done = 1;
            }
            return; /* after() sends the output left */
        }
        if (bp->ops->feed(bp->user, bp->feeding.data, bp->feeding.len) != 0) {
            bp->failed = 1;
            return;
        }
        sbuf_reset(&bp->feeding);
        if (pipe_ready(bp))
            uv_async_send(&bp->wake);
        if (bp->failed)
            return;
    }
}

static void pipe_after(uv_work_t *wk, int status)
{
    body_pipe *bp = wk->data;

    bp->running = 0;
    pipe_ready(bp); /* what the last piece or the finish made */
    pipe_send(bp);
    bp->ops->after(bp->user, status);
}

static int pipe_start(body_pipe *bp)
{
    bp->running = 1;
    if (uv_queue_work(bp->loop, &bp->work, pipe_work, pipe_after) != 0) {
        bp->running = 0;
        return -1;
    }
    return 0;
}

int body_pipe_push(body_pipe *bp, const char *p, size_t n)
{
    int rc;

    uv_mutex_lock(&bp->mu);
    rc = sbuf_add(&bp->in, p, n);
    if (rc == 0 && bp->running && bp->in.len >= PIPE_HOLD_BYTES)
        rc = bp->held = 1;
    uv_mutex_unlock(&bp->mu);
    if (rc == 0 && !bp->running)
        rc = pipe_start(bp);
    return rc;
}

int body_pipe_end(body_pipe *bp)
{
    uv_mutex_lock(&bp->mu);
    bp->ended = 1;
    uv_mutex_unlock(&bp->mu);
    return bp->running ? 0 : pipe_start(bp);
}

int body_pipe_next(body_pipe *bp)
{
    int work;

    if (bp->running || bp->failed || bp->done)
        return 0;
    uv_mutex_lock(&bp->mu);
    work = bp->in.len > 0 || bp->ended;
    uv_mutex_unlock(&bp->mu);
    return work ? pipe_start(bp) : 0;
}
