/*
 * layers.c - where the time of one line goes, layer by layer: the same
 * in-memory log through (1) the line layer alone (line_source, a callback
 * that only counts), (2) the line layer plus the message table
 * (msg_classify on every line), (3) the whole engine (no report), and
 * (4) engine creation + destruction (per call, as the server pays it).
 * CPU time per pass (CLOCK_PROCESS_CPUTIME_ID), best of --reps.
 *
 *   build: cc -O2 -Iinclude -Isrc bench/layers.c BUILD/libipsecdiag.a -ljansson
 *   run:   layers [--reps N] [--only lines|classify|engine|none] FILE
 *
 * --only runs one pass (for `perf record` of one layer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipsecdiag/ipsecdiag.h"
#include "line_source.h"
#include "messages.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct ctx {
    const msg_index *idx;
    msg_event ev; /* reused from line to line, as the engine does (messages.h) */
    unsigned long long lines, matched;
} ctx;

static void count_line(void *user, const charon_line *l)
{
    ctx *c = user;
    c->lines++;
    c->matched += l->msg.n;
}

static void classify_line(void *user, const charon_line *l)
{
    ctx *c = user;
    c->lines++;
    c->matched += (unsigned)msg_classify(c->idx, l->subsys, l->msg.p, l->msg.n, &c->ev);
}

static void on_diag(void *user, const idg_diagnosis *d)
{
    (void)d;
    (*(unsigned long long *)user)++;
}

#define CHUNK 65536

static void feed_lines(const char *buf, size_t len, charon_line_cb cb, ctx *c)
{
    idg_options o;
    idg_options_init(&o);
    idg_stats st;
    memset(&st, 0, sizeof st);
    line_source *ls = line_source_new(&o, &st, cb, c);
    for (size_t off = 0; off < len; off += CHUNK)
        line_source_feed(ls, buf + off, len - off < CHUNK ? len - off : CHUNK);
    line_source_finish(ls);
    line_source_free(ls);
}

int main(int argc, char **argv)
{
    int reps = 3, only = -1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            const char *o = argv[++i];
            only = strcmp(o, "lines") == 0      ? 0
                   : strcmp(o, "classify") == 0 ? 1
                   : strcmp(o, "engine") == 0   ? 2
                                                : 3; /* none: the fixed cost */
        } else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: layers [--reps N] FILE\n");
        return 2;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(len ? len : 1);
    if (!buf || fread(buf, 1, len, f) != len)
        return 2;
    fclose(f);

    const msg_index *idx = msg_index_get();
    double best[3] = {1e9, 1e9, 1e9};
    unsigned long long lines = 0, diags = 0;
    for (int r = 0; r < reps; r++) {
        ctx c = {.idx = idx, .ev = MSG_EVENT_INIT};
        double t0 = now();
        if (only < 0 || only == 0)
            feed_lines(buf, len, count_line, &c);
        double t1 = now();
        if (c.lines)
            lines = c.lines;
        c.lines = 0;
        if (only < 0 || only == 1)
            feed_lines(buf, len, classify_line, &c);
        double t2 = now();
        if (c.lines)
            lines = c.lines;
        diags = 0;
        if (only < 0 || only == 2) {
            idg_engine *e = idg_engine_new(NULL, on_diag, &diags);
            for (size_t off = 0; off < len; off += CHUNK)
                idg_engine_feed(e, buf + off, len - off < CHUNK ? len - off : CHUNK);
            idg_engine_finish(e);
            idg_engine_free(e);
        }
        double t3 = now();
        double d[3] = {t1 - t0, t2 - t1, t3 - t2};
        for (int k = 0; k < 3; k++)
            if (d[k] < best[k])
                best[k] = d[k];
    }
    int news = only < 0 ? 2000 : 0;
    double t0 = now();
    for (int i = 0; i < news; i++)
        idg_engine_free(idg_engine_new(NULL, on_diag, &diags));
    double tnew = news ? (now() - t0) / news : 0;
    const char *names[3] = {"lines", "lines+classify", "engine"};
    for (int k = 0; k < 3; k++)
        printf("%-15s %8.1f MB/s %7.1f ns/line\n", names[k], len / best[k] / 1e6,
               best[k] * 1e9 / (double)(lines ? lines : 1));
    printf("charon lines %llu, diagnoses %llu, engine new+free %.2f us\n", lines, diags,
           tnew * 1e6);
    free(buf);
    return 0;
}
