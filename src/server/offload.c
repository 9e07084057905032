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
