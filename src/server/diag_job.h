/*
 * diag_job.h - one diagnosis run over one or more logs, shared by the
 * JSON-RPC `diagnose` method and POST /v1/diagnose.
 *
 * A job is a report plus the engine of the source being read: begin a
 * source, feed it in any chunking, end it, and after the last source render
 * the correlated report. It also keeps the server's counters (bytes, lines,
 * diagnoses by class) so that every path counts the same way.
 */
#ifndef SRV_DIAG_JOB_H
#define SRV_DIAG_JOB_H

#include "ipsecdiag/ipsecdiag.h"
#include "server/http_conn.h"

typedef struct diag_job {
    srv_worker_ctx *w;
    idg_options opts;
    idg_report *rep;
    idg_engine *eng;        /* the open source's engine, or NULL */
    size_t n_sources;
    int failed;             /* an allocation failed somewhere */
} diag_job;

/* Engine options from the server config (line length). */
void diag_options(const srv_config *cfg, idg_options *o);

int diag_job_init(diag_job *j, srv_worker_ctx *w);     /* 0 or -1 (OOM) */
int diag_job_begin(diag_job *j, const char *name);     /* new source */
int diag_job_feed(diag_job *j, const void *p, size_t n);
int diag_job_end_source(diag_job *j);
/* Correlates and renders (malloc'd), or NULL on failure. */
char *diag_job_render(diag_job *j, idg_format fmt);
void diag_job_free(diag_job *j);

/* Replaces bytes that are not valid UTF-8 (and control characters) with
 * '?', in place: names from the network end up in JSON documents. */
void utf8_sanitize(char *s);

#endif
