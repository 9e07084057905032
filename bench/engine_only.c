/*
 * engine_only.c - the library alone: a file through one idg_engine, the
 * diagnoses counted (and, with --json, rendered one by one with
 * idg_diagnosis_to_json and dropped), nothing kept. bench/run.sh measures
 * it beside `ipsec-diag diagnose` to tell the engine's cost from the CLI's
 * (which keeps every diagnosis in a report and renders the whole report at
 * the end).
 *
 *   engine_only [--json] [--max-negotiations N] FILE
 *                                  prints "lines N diagnoses N errors N ..."
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsecdiag/ipsecdiag.h"

typedef struct counts {
    unsigned long long diagnoses, errors, json_bytes;
    int json;
} counts;

static void on_diagnosis(void *user, const idg_diagnosis *d)
{
    counts *c = user;
    c->diagnoses++;
    if (d->severity == IDG_SEVERITY_ERROR)
        c->errors++;
    if (c->json) {
        char *j = idg_diagnosis_to_json(d);
        if (j) {
            c->json_bytes += strlen(j);
            free(j);
        }
    }
}

int main(int argc, char **argv)
{
    static char buf[1 << 16];
    counts c = {0, 0, 0, 0};
    const char *path = NULL;
    idg_options opts;
    idg_options_init(&opts);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            c.json = 1;
        else if (strcmp(argv[i], "--max-negotiations") == 0 && i + 1 < argc)
            opts.max_negotiations = strtoul(argv[++i], NULL, 10);
        else
            path = argv[i];
    }
    if (path == NULL) {
        fprintf(stderr, "usage: engine_only [--json] FILE\n");
        return 2;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "engine_only: %s: %s\n", path, strerror(errno));
        return 2;
    }
    idg_engine *e = idg_engine_new(&opts, on_diagnosis, &c);
    if (e == NULL)
        return 2;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (idg_engine_feed(e, buf, (size_t)n) < 0)
            return 2;
    idg_engine_finish(e);
    const idg_stats *st = idg_engine_stats(e);
    printf("lines %llu diagnoses %llu errors %llu json_bytes %llu negotiations %llu evicted %llu\n",
           (unsigned long long)st->lines, c.diagnoses, c.errors, c.json_bytes,
           (unsigned long long)st->negotiations, (unsigned long long)st->evicted);
    idg_engine_free(e);
    close(fd);
    return 0;
}
