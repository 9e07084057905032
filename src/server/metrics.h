/*
 * metrics.h - per-worker counters, summed when /metrics is scraped.
 *
 * Why per worker and not one global set of atomics: the request path then
 * never shares a cache line between threads. Each counter has exactly one
 * writer (its worker thread), which updates it with a relaxed load + store
 * (a plain add on x86, no lock prefix); the scraper, on any worker, reads
 * all workers' counters with relaxed loads. A scrape may thus see one
 * counter a request ahead of another, which Prometheus tolerates.
 */
#ifndef SRV_METRICS_H
#define SRV_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "ipsecdiag/ipsecdiag.h"
#include "server/sbuf.h"

/* Endpoint labels of requests_total. */
#define SRV_ENDPOINT_MAP(X) \
    X(RPC, "rpc")           \
    X(DIAGNOSE, "diagnose") \
    X(STREAM, "stream")     \
    X(HEALTHZ, "healthz")   \
    X(METRICS, "metrics")   \
    X(STATIC, "static")     \
    X(OTHER, "other")

typedef enum srv_endpoint_id {
#define SRV__EP_ENUM(id, name) SRV_EP_##id,
    SRV_ENDPOINT_MAP(SRV__EP_ENUM)
#undef SRV__EP_ENUM
    SRV_EP__COUNT
} srv_endpoint_id;

/* The statuses the server can answer; anything else counts as "other". */
#define SRV_STATUS_LIST(X) \
    X(200) X(204) X(400) X(401) X(403) X(404) X(405) X(408) X(411) X(413) \
    X(415) X(431) X(500) X(503) X(505)
#define SRV__ONE(s) +1
enum { SRV_N_STATUS = 0 SRV_STATUS_LIST(SRV__ONE) + 1 };

/* JSON-RPC error codes counted by code. */
#define SRV_RPC_ERROR_LIST(X) \
    X(-32700) X(-32600) X(-32601) X(-32602) X(-32603) X(-32000) X(-32001)
enum { SRV_N_RPC_ERRORS = 0 SRV_RPC_ERROR_LIST(SRV__ONE) + 1 };

/* Latency histogram upper bounds, in microseconds. */
#define SRV_LATENCY_BUCKETS_US \
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, \
    250000, 500000, 1000000, 2500000, 5000000, 10000000
enum { SRV_N_BUCKETS = 16 };

typedef _Atomic uint64_t srv_counter;

typedef struct srv_metrics {
    srv_counter requests[SRV_EP__COUNT][SRV_N_STATUS];
    srv_counter rpc_errors[SRV_N_RPC_ERRORS];
    srv_counter rpc_calls;
    srv_counter bytes_diagnosed;
    srv_counter lines_diagnosed;
    srv_counter diagnoses[IDG_CLASS__COUNT];
    srv_counter connections_open;      /* gauge, written by its worker */
    srv_counter connections_total;
    srv_counter connections_rejected;  /* over max_conns */
    srv_counter latency_bucket[SRV_N_BUCKETS + 1]; /* last = +Inf */
    srv_counter latency_sum_us;
    srv_counter latency_count;
    char pad[64];                      /* keep workers off one cache line */
} srv_metrics;

/* Single-writer updates (only the owning worker calls these). */
static inline void srv_count_add(srv_counter *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}
static inline void srv_gauge_sub(srv_counter *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) - n,
                          memory_order_relaxed);
}

void srv_metrics_request(srv_metrics *m, srv_endpoint_id ep, int status,
                         uint64_t latency_us);
void srv_metrics_rpc_error(srv_metrics *m, int code);
void srv_metrics_diagnosis(srv_metrics *m, idg_class cls);
const char *srv_endpoint_name(srv_endpoint_id ep);

/* Adds every counter of `from` to `into` (the owner of `into` calls it):
 * work done in the thread pool counts into a private set, merged back on
 * the worker's loop when it is done. */
void srv_metrics_merge(srv_metrics *into, const srv_metrics *from);

/* Prometheus text exposition of the sum over n workers. */
int srv_metrics_render(sbuf *out, srv_metrics *const *workers, int n);

#endif
