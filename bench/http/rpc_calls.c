/*
 * rpc_calls.c - the server's JSON-RPC handler alone, N times on one request
 * body: rpc_handle() as a worker runs it for POST /rpc, without sockets,
 * HTTP or the event loop. Under callgrind it gives the instructions one
 * `diagnose` call costs, a figure that does not move with the machine's
 * load (wrk's req/s and p99 on a shared 2-core machine do): what
 * bench/http/rpc_instr.sh prints, and what each change to the per-request
 * path was measured with.
 *
 *   rpc_calls BODY.json N      prints the answer's bytes over the N calls
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/metrics.h"
#include "server/rpc.h"
#include "server/server.h"

int main(int argc, char **argv)
{
    static srv_metrics metrics;
    static srv_metrics *all_metrics[1] = {&metrics};
    srv_config cfg;
    srv_worker_ctx w;
    char *body;
    long size, n;
    size_t total = 0;
    FILE *f;

    if (argc != 3 || (n = strtol(argv[2], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: rpc_calls BODY.json N\n");
        return 2;
    }
    if ((f = fopen(argv[1], "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
        (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (body = malloc((size_t)size + 1)) == NULL ||
        fread(body, 1, (size_t)size, f) != (size_t)size) {
        perror(argv[1]);
        return 1;
    }
    fclose(f);
    rpc_init();
    srv_config_defaults(&cfg);
    cfg.workers = 1;
    memset(&w, 0, sizeof w);
    w.cfg = &cfg;
    w.metrics = &metrics;
    w.all_metrics = all_metrics;
    w.n_workers = 1;
    for (long i = 0; i < n; i++) {
        sbuf out = SBUF_INIT;
        if (rpc_handle(&w, body, (size_t)size, &out) != 0) {
            fprintf(stderr, "rpc_calls: rpc_handle failed\n");
            return 1;
        }
        total += out.len;
        sbuf_free(&out);
    }
    printf("%zu answer bytes in %ld calls\n", total, n);
    rpc_cleanup();
    free(body);
    return 0;
}
