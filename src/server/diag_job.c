/*
 * diag_job.c - a report over one or more logs (see diag_job.h).
 */
#include "server/diag_job.h"

#include <string.h>

#include "utf8.h"

void diag_options(const srv_config *cfg, idg_options *o)
{
    idg_options_init(o);
    if (cfg->max_line)
        o->max_line_bytes = cfg->max_line;
}

static void on_diagnosis(void *user, const idg_diagnosis *d)
{
    diag_job *j = user;

    if (idg_report_add(j->rep, d) != 0)
        j->failed = 1;
    srv_metrics_diagnosis(j->w->metrics, d->cls);
}

int diag_job_init(diag_job *j, srv_worker_ctx *w)
{
    memset(j, 0, sizeof *j);
    j->w = w;
    diag_options(w->cfg, &j->opts);
    j->rep = idg_report_new();
    return j->rep ? 0 : -1;
}

int diag_job_begin(diag_job *j, const char *name)
{
    if (j->eng && diag_job_end_source(j) != 0)
        return -1;
    if (idg_report_begin_source(j->rep, name) != 0) {
        j->failed = 1;
        return -1;
    }
    j->eng = idg_engine_new(&j->opts, on_diagnosis, j);
    if (j->eng == NULL) {
        j->failed = 1;
        return -1;
    }
    j->n_sources++;
    return 0;
}

int diag_job_feed(diag_job *j, const void *p, size_t n)
{
    if (j->eng == NULL || idg_engine_feed(j->eng, p, n) != 0) {
        j->failed = 1;
        return -1;
    }
    return 0;
}

int diag_job_end_source(diag_job *j)
{
    const idg_stats *st;

    if (j->eng == NULL)
        return 0;
    if (idg_engine_finish(j->eng) != 0)
        j->failed = 1;
    st = idg_engine_stats(j->eng);
    if (st) {
        if (idg_report_set_stats(j->rep, st) != 0)
            j->failed = 1;
        srv_count_add(&j->w->metrics->bytes_diagnosed, st->bytes);
        srv_count_add(&j->w->metrics->lines_diagnosed, st->lines);
    }
    idg_engine_free(j->eng);
    j->eng = NULL;
    return j->failed ? -1 : 0;
}

char *diag_job_render(diag_job *j, idg_format fmt)
{
    if (diag_job_end_source(j) != 0 || j->failed)
        return NULL;
    idg_report_correlate(j->rep);
    return idg_report_render(j->rep, fmt);
}

void diag_job_free(diag_job *j)
{
    if (j->eng)
        idg_engine_free(j->eng);
    idg_report_free(j->rep);
    j->eng = NULL;
    j->rep = NULL;
}

void utf8_sanitize(char *s)
{
    utf8_replace_invalid(s, strlen(s), UTF8_CONTROLS_INVALID);
}
