/*
 * server.c - `ipsec-diag serve`: configuration (defaults < environment <
 * flags), the listening sockets, the worker threads, and signals.
 *
 * Why the sockets are made here and not by libuv: every worker needs its
 * own socket bound to the same address with SO_REUSEPORT set *before*
 * bind(), which uv_tcp_bind cannot do. With port 0 the first bind picks
 * the port and the other workers bind to that one, so `--listen
 * 127.0.0.1:0` still gives one port (printed on stderr).
 *
 * Shutdown: SIGTERM/SIGINT make every worker stop accepting and finish
 * what is in flight (bounded by --shutdown-timeout); the process then
 * exits 0. A second signal does not wait any longer.
 */
#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "server/rpc.h"
#include "server/worker.h"

#define MAX_WORKERS 256

void srv_config_defaults(srv_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
    c->listen_port = 8080;
    c->workers = 0; /* number of CPUs */
    c->access_log = 1;
    c->loop_yield = 1;
    c->max_header_bytes = 16 * 1024;
    c->max_headers = 100;
    c->max_body = 64ull * 1024 * 1024;
    c->max_line = 64 * 1024;
    c->max_depth = 64;
    c->max_batch = 1000;
    c->max_log = 64ull * 1024 * 1024;
    c->max_conns = 10000;
    c->header_timeout_ms = 10000;
    c->idle_timeout_ms = 60000;
    c->body_timeout_ms = 30000;
    c->body_min_rate = 1024;
    c->offload_bytes = 256 * 1024;
    c->stream_timeout_ms = 300000;
    c->shutdown_timeout_ms = 10000;
    c->write_queue_max = 1024 * 1024;
    c->listen_backlog = 65535; /* i.e. net.core.somaxconn (4096 on Linux >= 5.4) */
}

/* ---- option table ------------------------------------------------------ */

enum opt_kind { OPT_SIZE, OPT_COUNT, OPT_MS, OPT_RATE /* a size that may be 0 */ };

typedef struct size_opt {
    const char *flag;     /* without the leading "--" */
    const char *env;
    int kind;
    size_t off;           /* offset in srv_config (size_t or uint64_t) */
    int is_u64;
    const char *help;
} size_opt;

#define SZ(f) offsetof(srv_config, f), 0
#define U64(f) offsetof(srv_config, f), 1

static const size_opt limit_opts[] = {
    {"max-header-size", "IDG_MAX_HEADER_SIZE", OPT_SIZE, SZ(max_header_bytes),
     "request line + headers, over it 431 (16K)"},
    {"max-headers", "IDG_MAX_HEADERS", OPT_COUNT, SZ(max_headers), "header fields, over it 431 (100)"},
    {"max-body", "IDG_MAX_BODY", OPT_SIZE, U64(max_body), "body of /rpc and /v1/diagnose, over it 413 (64M)"},
    {"max-line", "IDG_MAX_LINE", OPT_SIZE, SZ(max_line), "log line length; longer lines are cut (64K)"},
    {"max-json-depth", "IDG_MAX_JSON_DEPTH", OPT_COUNT, SZ(max_depth), "JSON nesting in /rpc, over it -32700 (64)"},
    {"max-batch", "IDG_MAX_BATCH", OPT_COUNT, SZ(max_batch), "JSON-RPC batch members, over it -32001 (1000)"},
    {"max-log", "IDG_MAX_LOG", OPT_SIZE, U64(max_log), "log bytes in one diagnose call, over it -32000 (64M)"},
    {"max-connections", "IDG_MAX_CONNECTIONS", OPT_COUNT, SZ(max_conns),
     "connections per worker, over it 503 (10000)"},
    {"header-timeout", "IDG_HEADER_TIMEOUT", OPT_MS, U64(header_timeout_ms),
     "seconds to receive a request's headers, then 408 (10)"},
    {"idle-timeout", "IDG_IDLE_TIMEOUT", OPT_MS, U64(idle_timeout_ms), "seconds a keep-alive connection may idle (60)"},
    {"body-timeout", "IDG_BODY_TIMEOUT", OPT_MS, U64(body_timeout_ms), "seconds between two reads of a body, then 408 (30)"},
    {"body-min-rate", "IDG_BODY_MIN_RATE", OPT_RATE, U64(body_min_rate),
     "bytes/s a /rpc or /v1/diagnose body must average after 5 s, else 408 (1K; 0 = off)"},
    {"offload-above", "IDG_OFFLOAD_ABOVE", OPT_SIZE, U64(offload_bytes),
     "bodies over this are diagnosed in the thread pool, not on the event loop (256K)"},
    {"stream-timeout", "IDG_STREAM_TIMEOUT", OPT_MS, U64(stream_timeout_ms),
     "seconds between two reads of a /v1/stream upload (300)"},
    {"shutdown-timeout", "IDG_SHUTDOWN_TIMEOUT", OPT_MS, U64(shutdown_timeout_ms),
     "seconds to finish in-flight requests on SIGTERM (10)"},
    {"write-queue", "IDG_WRITE_QUEUE", OPT_SIZE, SZ(write_queue_max),
     "unsent output per connection before reading pauses (1M)"},
    {"listen-backlog", "IDG_LISTEN_BACKLOG", OPT_COUNT, SZ(listen_backlog),
     "accept queue per worker; the kernel caps it at net.core.somaxconn (65535)"},
};

/* "64M", "16K", "16KiB", "1G", "1234" -> bytes. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    uint64_t mul = 1;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    if (*end == 'k' || *end == 'K')
        mul = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1024ull * 1024 * 1024, end++;
    if (mul > 1 && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0 || strcmp(end, "b") == 0))
        end += strlen(end);
    if (*end || v > UINT64_MAX / mul)
        return -1;
    *out = v * mul;
    return 0;
}

/* "10", "10s", "1.5", "500ms" -> milliseconds. */
static int parse_ms(const char *s, uint64_t *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || v < 0 || v > 1e9)
        return -1;
    if (strcmp(end, "ms") == 0)
        *out = (uint64_t)v;
    else if (*end == '\0' || strcmp(end, "s") == 0)
        *out = (uint64_t)(v * 1000.0 + 0.5);
    else
        return -1;
    return 0;
}

static int set_limit(srv_config *c, const size_opt *o, const char *val)
{
    uint64_t v;
    int rc;

    if (o->kind == OPT_MS)
        rc = parse_ms(val, &v);
    else
        rc = parse_size(val, &v);
    if (rc != 0 || ((o->kind == OPT_SIZE || o->kind == OPT_COUNT) && v == 0)) {
        fprintf(stderr, "ipsec-diag serve: bad value for --%s: %s\n", o->flag, val);
        return -1;
    }
    if (o->is_u64)
        *(uint64_t *)((char *)c + o->off) = v;
    else
        *(size_t *)((char *)c + o->off) = (size_t)v;
    return 0;
}

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4), "localhost:80". */
static int parse_listen(srv_config *c, const char *s)
{
    const char *colon;
    size_t hlen;
    char *end;
    long port;

    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (rb == NULL || rb[1] != ':')
            return -1;
        hlen = (size_t)(rb - s - 1);
        s++;
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            return -1;
        hlen = (size_t)(colon - s);
    }
    if (hlen >= sizeof c->listen_host)
        return -1;
    port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return -1;
    if (hlen == 0)
        snprintf(c->listen_host, sizeof c->listen_host, "0.0.0.0");
    else {
        memcpy(c->listen_host, s, hlen);
        c->listen_host[hlen] = '\0';
    }
    c->listen_port = (int)port;
    return 0;
}

static int load_token(srv_config *c, const char *path)
{
    char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL) {
        fprintf(stderr, "ipsec-diag serve: cannot read token file %s: %s\n", path, strerror(errno));
        return -1;
    }
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    if (n == 0 || strchr(buf, '\n')) {
        fprintf(stderr, "ipsec-diag serve: token file %s must hold one non-empty line\n", path);
        return -1;
    }
    free(c->token);
    c->token = strdup(buf);
    c->token_len = n;
    return c->token ? 0 : -1;
}

static int add_cors(srv_config *c, const char *origin)
{
    if (c->n_cors >= SRV_MAX_CORS) {
        fprintf(stderr, "ipsec-diag serve: at most %d --cors-origin\n", SRV_MAX_CORS);
        return -1;
    }
    c->cors[c->n_cors++] = origin;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ipsec-diag serve [options]\n"
            "\n"
            "Serves the diagnosis over HTTP: POST /rpc (JSON-RPC 2.0), POST /v1/diagnose\n"
            "(raw log or multipart upload), POST|PUT /v1/stream (chunked upload, NDJSON\n"
            "answers as they are found), GET /healthz, GET /metrics (Prometheus).\n"
            "\n"
            "options (environment variable in brackets, default in parentheses):\n"
            "  --listen ADDR          [IDG_LISTEN] host:port or [v6]:port (127.0.0.1:8080)\n"
            "  --workers N            [IDG_WORKERS] event-loop threads (number of CPUs)\n"
            "  --token-file FILE      [IDG_TOKEN_FILE] require 'Authorization: Bearer <token>'\n"
            "                         (the file's first line); /healthz stays open\n"
            "  --cors-origin ORIGIN   [IDG_CORS_ORIGINS, comma-separated] allow this browser\n"
            "                         origin (repeatable; * allows any)\n"
            "  --no-access-log        [IDG_ACCESS_LOG=0] no per-request line on stderr\n"
            "  --no-yield             [IDG_YIELD=0] a busy worker keeps its CPU for whole\n"
            "                         scheduler slices instead of yielding after each batch\n"
            "                         of I/O (more latency for whatever shares the CPU)\n");
    for (size_t i = 0; i < sizeof limit_opts / sizeof limit_opts[0]; i++)
        fprintf(f, "  --%-20s [%s] %s\n", limit_opts[i].flag, limit_opts[i].env, limit_opts[i].help);
    fprintf(f, "\nSizes take K, M, G suffixes (KiB...); times are seconds (1.5, 500ms).\n"
               "SIGTERM/SIGINT: stop accepting, finish in-flight requests, exit 0.\n");
}

static int parse_env(srv_config *c, char **cors_env)
{
    const char *v;

    if ((v = getenv("IDG_LISTEN")) && *v && parse_listen(c, v) != 0) {
        fprintf(stderr, "ipsec-diag serve: bad IDG_LISTEN: %s\n", v);
        return -1;
    }
    if ((v = getenv("IDG_WORKERS")) && *v)
        c->workers = atoi(v);
    if ((v = getenv("IDG_TOKEN_FILE")) && *v && load_token(c, v) != 0)
        return -1;
    if ((v = getenv("IDG_ACCESS_LOG")) && (strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0))
        c->access_log = 0;
    if ((v = getenv("IDG_YIELD")) && (strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0))
        c->loop_yield = 0;
    if ((v = getenv("IDG_CORS_ORIGINS")) && *v) {
        char *save = NULL, *tok;
        *cors_env = strdup(v);
        for (tok = strtok_r(*cors_env, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            if (*tok && add_cors(c, tok) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < sizeof limit_opts / sizeof limit_opts[0]; i++)
        if ((v = getenv(limit_opts[i].env)) && *v && set_limit(c, &limit_opts[i], v) != 0)
            return -1;
    return 0;
}

/* Returns 0, 1 for --help (exit 0), -1 on a bad flag. */
static int parse_args(srv_config *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[64];
        const char *eq;
        size_t nlen;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "ipsec-diag serve: unexpected argument %s\n", a);
            return -1;
        }
        a += 2;
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a) : strlen(a);
        if (nlen >= sizeof name)
            nlen = sizeof name - 1;
        memcpy(name, a, nlen);
        name[nlen] = '\0';
        if (strcmp(name, "no-access-log") == 0) {
            c->access_log = 0;
            continue;
        }
        if (strcmp(name, "no-yield") == 0) {
            c->loop_yield = 0;
            continue;
        }
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else {
            fprintf(stderr, "ipsec-diag serve: --%s needs a value\n", name);
            return -1;
        }
        if (strcmp(name, "listen") == 0) {
            if (parse_listen(c, val) != 0) {
                fprintf(stderr, "ipsec-diag serve: bad --listen %s (host:port or [v6]:port)\n", val);
                return -1;
            }
        } else if (strcmp(name, "workers") == 0) {
            c->workers = atoi(val);
        } else if (strcmp(name, "token-file") == 0) {
            if (load_token(c, val) != 0)
                return -1;
        } else if (strcmp(name, "cors-origin") == 0) {
            if (add_cors(c, val) != 0)
                return -1;
        } else {
            size_t k;
            for (k = 0; k < sizeof limit_opts / sizeof limit_opts[0]; k++)
                if (strcmp(limit_opts[k].flag, name) == 0)
                    break;
            if (k == sizeof limit_opts / sizeof limit_opts[0]) {
                fprintf(stderr, "ipsec-diag serve: unknown option --%s (see --help)\n", name);
                return -1;
            }
            if (set_limit(c, &limit_opts[k], val) != 0)
                return -1;
        }
    }
    return 0;
}

static int cpu_count(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/* ---- sockets ------------------------------------------------------------- */

/* A bound, non-blocking socket with SO_REUSEPORT; -1 on failure. *port is
 * the port asked for (0 = any), and receives the one bound. */
static int bind_socket(const char *host, int *port)
{
    struct addrinfo hints, *res = NULL;
    char pstr[16];
    int fd = -1, one = 1, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(pstr, sizeof pstr, "%d", *port);
    rc = getaddrinfo(host, pstr, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ipsec-diag serve: cannot resolve %s: %s\n", host, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (res->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
            fprintf(stderr, "ipsec-diag serve: cannot bind %s port %d: %s\n", host, *port, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0 && *port == 0) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
            *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                   : ((struct sockaddr_in *)&ss)->sin_port);
    }
    freeaddrinfo(res);
    return fd;
}

/* SO_REUSEPORT would let us silently share a port with another server of
 * the same user. A plain bind (no SO_REUSEPORT) fails if anyone holds the
 * port, so one probe before the real sockets tells "address in use". */
static int port_in_use(const char *host, int port)
{
    struct addrinfo hints, *res = NULL;
    char pstr[16];
    int fd, one = 1, busy = 0;

    if (port == 0)
        return 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(pstr, sizeof pstr, "%d", port);
    if (getaddrinfo(host, pstr, &hints, &res) != 0)
        return 0; /* bind_socket reports it */
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (res->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        busy = bind(fd, res->ai_addr, res->ai_addrlen) != 0 && errno == EADDRINUSE;
        close(fd);
    }
    freeaddrinfo(res);
    if (busy)
        fprintf(stderr, "ipsec-diag serve: %s port %d is already in use\n", host, port);
    return busy;
}

/* ---- the main thread: signals and waiting for the workers -------------- */

typedef struct server {
    uv_loop_t *loop;
    uv_signal_t sigterm, sigint;
    uv_async_t exited;
    worker *workers[MAX_WORKERS];
    int n;
    int stopped;
    int finished;
} server;

static void stop_all(server *s)
{
    for (int i = 0; i < s->n; i++)
        worker_stop(s->workers[i]);
}

static void on_signal(uv_signal_t *h, int signum)
{
    server *s = h->data;

    if (s->stopped++) {
        fprintf(stderr, "ipsec-diag serve: second signal, exiting now\n");
        _exit(0);
    }
    fprintf(stderr, "ipsec-diag serve: %s, finishing in-flight requests\n",
            signum == SIGTERM ? "SIGTERM" : "SIGINT");
    stop_all(s);
}

static void on_worker_exited(uv_async_t *a)
{
    server *s = a->data;

    /* Coalesced sends are fine: count the threads that are done instead. */
    (void)s;
}

static int all_done(server *s)
{
    for (int i = 0; i < s->n; i++)
        if (!worker_done(s->workers[i]))
            return 0;
    return 1;
}

static int run_server(srv_config *cfg)
{
    server s;
    srv_metrics *metrics[MAX_WORKERS];
    int fds[MAX_WORKERS];
    int port = cfg->listen_port, rc = 0;

    memset(&s, 0, sizeof s);
    s.n = cfg->workers;
    if (port_in_use(cfg->listen_host, port))
        return 1;
    for (int i = 0; i < s.n; i++) {
        fds[i] = bind_socket(cfg->listen_host, &port);
        if (fds[i] < 0) {
            while (i-- > 0)
                close(fds[i]);
            return 1;
        }
        metrics[i] = aligned_alloc(64, (sizeof(srv_metrics) + 63) / 64 * 64);
        if (metrics[i] == NULL)
            return 1;
        memset(metrics[i], 0, sizeof(srv_metrics));
    }
    cfg->listen_port = port;
    rpc_init();

    s.loop = uv_default_loop();
    uv_async_init(s.loop, &s.exited, on_worker_exited);
    s.exited.data = &s;
    /* Signals first: once a worker accepts, a client may see the server up
     * and send SIGTERM, which must then mean "finish and exit 0". */
    uv_signal_init(s.loop, &s.sigterm);
    uv_signal_init(s.loop, &s.sigint);
    s.sigterm.data = s.sigint.data = &s;
    uv_signal_start(&s.sigterm, on_signal, SIGTERM);
    uv_signal_start(&s.sigint, on_signal, SIGINT);
    for (int i = 0; i < s.n; i++) {
        s.workers[i] = worker_new(cfg, i, fds[i], metrics, s.n, &s.exited);
        if (s.workers[i] == NULL || worker_start(s.workers[i]) != 0) {
            fprintf(stderr, "ipsec-diag serve: cannot start worker %d\n", i);
            s.n = i + (s.workers[i] != NULL);
            rc = 1;
            break;
        }
    }
    if (rc == 0) {
        fprintf(stderr, "ipsec-diag serve: listening on http://%s%s%s:%d/ (%d worker%s)\n",
                strchr(cfg->listen_host, ':') ? "[" : "", cfg->listen_host,
                strchr(cfg->listen_host, ':') ? "]" : "", port, s.n, s.n == 1 ? "" : "s");
        /* Run until a signal and until every worker has ended (a second
         * signal meanwhile exits at once). */
        while (!s.stopped || !all_done(&s))
            uv_run(s.loop, UV_RUN_ONCE);
        uv_close((uv_handle_t *)&s.sigterm, NULL);
        uv_close((uv_handle_t *)&s.sigint, NULL);
    } else {
        stop_all(&s);
        uv_close((uv_handle_t *)&s.sigterm, NULL);
        uv_close((uv_handle_t *)&s.sigint, NULL);
    }
    for (int i = 0; i < s.n; i++)
        worker_join_free(s.workers[i]);
    uv_close((uv_handle_t *)&s.exited, NULL);
    uv_run(s.loop, UV_RUN_DEFAULT);
    uv_loop_close(s.loop);
    if (rc == 0) {
        /* How the kernel spread the connections over the workers'
         * SO_REUSEPORT sockets (a hash of the 4-tuple, not their load). */
        char line[4096];
        size_t n = (size_t)snprintf(line, sizeof line, "ipsec-diag serve: stopped (connections per worker:");
        for (int i = 0; i < cfg->workers && n < sizeof line - 32; i++)
            n += (size_t)snprintf(line + n, sizeof line - n, " %llu",
                                  (unsigned long long)atomic_load_explicit(&metrics[i]->connections_total,
                                                                           memory_order_relaxed));
        fprintf(stderr, "%s)\n", line);
    }
    for (int i = 0; i < cfg->workers; i++)
        free(metrics[i]);
    rpc_cleanup();
    return rc;
}

int serve_main(int argc, char **argv)
{
    srv_config cfg;
    char *cors_env = NULL;
    int rc;

    srv_config_defaults(&cfg);
    rc = parse_env(&cfg, &cors_env);
    if (rc == 0)
        rc = parse_args(&cfg, argc, argv);
    if (rc == 1) {
        usage(stdout);
        rc = 0;
        goto out;
    }
    if (rc != 0) {
        rc = 2;
        goto out;
    }
    if (cfg.workers <= 0)
        cfg.workers = cpu_count();
    if (cfg.workers < 1)
        cfg.workers = 1;
    if (cfg.workers > MAX_WORKERS)
        cfg.workers = MAX_WORKERS;
    signal(SIGPIPE, SIG_IGN);
    rc = run_server(&cfg);
out:
    free(cfg.token);
    free(cors_env);
    return rc;
}
