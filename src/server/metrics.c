/*
 * metrics.c - counting and the Prometheus text exposition format.
 *
 * Label values come from fixed tables (endpoint names, the status list,
 * class names from the library's catalogue), so the series set is bounded
 * and known at build time; the render loops emit every series, zero or not,
 * so dashboards see them from the first scrape.
 */
#include "server/metrics.h"

#include <stddef.h>
#include <string.h>

static const int status_codes[] = {
#define SRV__CODE(s) s,
    SRV_STATUS_LIST(SRV__CODE)
#undef SRV__CODE
};

static const int rpc_codes[] = {
#define SRV__RCODE(c) c,
    SRV_RPC_ERROR_LIST(SRV__RCODE)
#undef SRV__RCODE
};

static const uint64_t bucket_us[SRV_N_BUCKETS] = {SRV_LATENCY_BUCKETS_US};

static const char *const endpoint_names[SRV_EP__COUNT] = {
#define SRV__EP_NAME(id, name) name,
    SRV_ENDPOINT_MAP(SRV__EP_NAME)
#undef SRV__EP_NAME
};

const char *srv_endpoint_name(srv_endpoint_id ep)
{
    return (unsigned)ep < SRV_EP__COUNT ? endpoint_names[ep] : "other";
}

static int status_index(int status)
{
    for (int i = 0; i < SRV_N_STATUS - 1; i++)
        if (status_codes[i] == status)
            return i;
    return SRV_N_STATUS - 1;
}

void srv_metrics_request(srv_metrics *m, srv_endpoint_id ep, int status,
                         uint64_t latency_us)
{
    int b = 0;

    if ((unsigned)ep >= SRV_EP__COUNT)
        ep = SRV_EP_OTHER;
    srv_count_add(&m->requests[ep][status_index(status)], 1);
    while (b < SRV_N_BUCKETS && latency_us > bucket_us[b])
        b++;
    srv_count_add(&m->latency_bucket[b], 1);
    srv_count_add(&m->latency_sum_us, latency_us);
    srv_count_add(&m->latency_count, 1);
}

void srv_metrics_rpc_error(srv_metrics *m, int code)
{
    int i;

    for (i = 0; i < SRV_N_RPC_ERRORS - 1; i++)
        if (rpc_codes[i] == code)
            break;
    srv_count_add(&m->rpc_errors[i], 1);
}

void srv_metrics_diagnosis(srv_metrics *m, idg_class cls)
{
    if ((unsigned)cls < IDG_CLASS__COUNT)
        srv_count_add(&m->diagnoses[cls], 1);
}

void srv_metrics_merge(srv_metrics *into, const srv_metrics *from)
{
    /* every member before pad is a srv_counter */
    srv_counter *t = (srv_counter *)into;
    const srv_counter *f = (const srv_counter *)from;

    for (size_t i = 0; i < offsetof(srv_metrics, pad) / sizeof(srv_counter); i++) {
        uint64_t v = atomic_load_explicit(&f[i], memory_order_relaxed);
        if (v)
            srv_count_add(&t[i], v);
    }
}

static uint64_t rd(const srv_counter *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* Sum of one counter (at byte offset `off` of srv_metrics) over workers. */
static uint64_t sum_at(srv_metrics *const *w, int n, size_t off)
{
    uint64_t s = 0;

    for (int i = 0; i < n; i++)
        s += rd((const srv_counter *)((const char *)w[i] + off));
    return s;
}

#define SUM(field) sum_at(w, n, offsetof(srv_metrics, field))

static void render_requests(sbuf *o, srv_metrics *const *w, int n)
{
    sbuf_puts(o, "# HELP ipsecdiag_http_requests_total HTTP requests answered, by endpoint and status.\n"
                 "# TYPE ipsecdiag_http_requests_total counter\n");
    for (int e = 0; e < SRV_EP__COUNT; e++)
        for (int s = 0; s < SRV_N_STATUS; s++) {
            uint64_t v = SUM(requests[e][s]);
            if (s == SRV_N_STATUS - 1)
                sbuf_printf(o, "ipsecdiag_http_requests_total{endpoint=\"%s\",status=\"other\"} %llu\n",
                            endpoint_names[e], (unsigned long long)v);
            else
                sbuf_printf(o, "ipsecdiag_http_requests_total{endpoint=\"%s\",status=\"%d\"} %llu\n",
                            endpoint_names[e], status_codes[s], (unsigned long long)v);
        }
}

static void render_rpc(sbuf *o, srv_metrics *const *w, int n)
{
    sbuf_printf(o, "# HELP ipsecdiag_rpc_calls_total JSON-RPC calls (batch members count one each).\n"
                   "# TYPE ipsecdiag_rpc_calls_total counter\n"
                   "ipsecdiag_rpc_calls_total %llu\n",
                (unsigned long long)SUM(rpc_calls));
    sbuf_puts(o, "# HELP ipsecdiag_rpc_errors_total JSON-RPC error responses, by code.\n"
                 "# TYPE ipsecdiag_rpc_errors_total counter\n");
    for (int i = 0; i < SRV_N_RPC_ERRORS; i++) {
        uint64_t v = SUM(rpc_errors[i]);
        if (i == SRV_N_RPC_ERRORS - 1)
            sbuf_printf(o, "ipsecdiag_rpc_errors_total{code=\"other\"} %llu\n", (unsigned long long)v);
        else
            sbuf_printf(o, "ipsecdiag_rpc_errors_total{code=\"%d\"} %llu\n", rpc_codes[i],
                        (unsigned long long)v);
    }
}

static void render_diagnosis(sbuf *o, srv_metrics *const *w, int n)
{
    sbuf_printf(o, "# HELP ipsecdiag_bytes_diagnosed_total Log bytes fed to the engine.\n"
                   "# TYPE ipsecdiag_bytes_diagnosed_total counter\n"
                   "ipsecdiag_bytes_diagnosed_total %llu\n"
                   "# HELP ipsecdiag_lines_diagnosed_total Log lines seen by the engine.\n"
                   "# TYPE ipsecdiag_lines_diagnosed_total counter\n"
                   "ipsecdiag_lines_diagnosed_total %llu\n",
                (unsigned long long)SUM(bytes_diagnosed), (unsigned long long)SUM(lines_diagnosed));
    sbuf_puts(o, "# HELP ipsecdiag_diagnoses_total Diagnoses concluded, by class.\n"
                 "# TYPE ipsecdiag_diagnoses_total counter\n");
    for (int c = 0; c < IDG_CLASS__COUNT; c++) {
        const idg_class_info *ci = idg_class_get((idg_class)c);
        sbuf_printf(o, "ipsecdiag_diagnoses_total{class=\"%s\"} %llu\n",
                    ci && ci->name ? ci->name : "unknown", (unsigned long long)SUM(diagnoses[c]));
    }
}

static void render_conns(sbuf *o, srv_metrics *const *w, int n)
{
    sbuf_printf(o, "# HELP ipsecdiag_connections_open Connections open now.\n"
                   "# TYPE ipsecdiag_connections_open gauge\n"
                   "ipsecdiag_connections_open %llu\n"
                   "# HELP ipsecdiag_connections_total Connections accepted.\n"
                   "# TYPE ipsecdiag_connections_total counter\n"
                   "ipsecdiag_connections_total %llu\n"
                   "# HELP ipsecdiag_connections_rejected_total Connections refused with 503 (per-worker limit).\n"
                   "# TYPE ipsecdiag_connections_rejected_total counter\n"
                   "ipsecdiag_connections_rejected_total %llu\n",
                (unsigned long long)SUM(connections_open), (unsigned long long)SUM(connections_total),
                (unsigned long long)SUM(connections_rejected));
}

static void render_latency(sbuf *o, srv_metrics *const *w, int n)
{
    uint64_t cum = 0;

    sbuf_puts(o, "# HELP ipsecdiag_http_request_duration_seconds Time from the first byte of a request to its response queued.\n"
                 "# TYPE ipsecdiag_http_request_duration_seconds histogram\n");
    for (int b = 0; b <= SRV_N_BUCKETS; b++) {
        cum += SUM(latency_bucket[b]);
        if (b == SRV_N_BUCKETS)
            sbuf_printf(o, "ipsecdiag_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                        (unsigned long long)cum);
        else
            sbuf_printf(o, "ipsecdiag_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                        (double)bucket_us[b] / 1e6, (unsigned long long)cum);
    }
    sbuf_printf(o, "ipsecdiag_http_request_duration_seconds_sum %.6f\n"
                   "ipsecdiag_http_request_duration_seconds_count %llu\n",
                (double)SUM(latency_sum_us) / 1e6, (unsigned long long)SUM(latency_count));
}

int srv_metrics_render(sbuf *out, srv_metrics *const *w, int n)
{
    size_t before = out->len;

    render_requests(out, w, n);
    render_rpc(out, w, n);
    render_diagnosis(out, w, n);
    render_conns(out, w, n);
    render_latency(out, w, n);
    return out->len > before ? 0 : -1;
}
