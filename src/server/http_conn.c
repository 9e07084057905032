/*
 * http_conn.c - the per-connection HTTP/1.1 state machine (see http_conn.h).
 *
 * States: IDLE (between requests) -> HEADERS (first byte of a request seen)
 * -> BODY (headers complete, until the message ends) -> IDLE again, or
 * CLOSED once the connection is being closed. One timer per connection
 * carries the deadline of the current state: header_timeout from the first
 * byte of a request (never re-armed by later bytes, so a slowloris client
 * cannot hold it open), while a body arrives the nearer of body_timeout
 * after the last read and the body_min_rate deadline (a slow POST, see
 * body_deadline_in), idle_timeout between requests, none while the
 * endpoint's answer is being made in the thread pool (http_defer).
 *
 * Why llhttp alone is not enough: it checks the syntax (bare LF, CR-only
 * line ends, obs-fold, space before the colon, CL+TE, duplicate CL are all
 * errors with the lenient flags off), but it has no size limits, accepts
 * HTTP/0.9 and 2.0 request lines, and does not require Host. Those checks
 * are here. Every protocol error is answered with 400 (431, 408, 413, 505
 * where one says more) and the connection closed, since after a framing
 * error the next request's start cannot be trusted.
 */
#include "server/http_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "server/router.h"

enum conn_state { CS_IDLE, CS_HEADERS, CS_BODY, CS_CLOSED };

/* A body's average rate is checked against body_min_rate only after this
 * long (a connection's first round trips, a client still opening a file). */
#define BODY_RATE_GRACE_MS 5000u

/* Bodies of requests refused before their body (404, 415, ...) up to this
 * size are read and dropped to keep the connection; larger ones close it. */
#define SKIP_BODY_MAX (64u * 1024u)

struct http_conn {
    srv_worker_ctx *w;
    const http_io *io;
    void *io_ctx;
    llhttp_t parser;
    int state;
    http_req req;

    /* Header arena: URL, then each name and value, NUL-terminated. */
    sbuf hdr;
    http_header *hv;
    size_t n_hv, cap_hv;
    int hdr_part;            /* 0 none, 1 in a name, 2 in a value */
    size_t head_bytes;       /* counted against max_header_bytes */

    /* A refusal decided after the headers, answered at message end. */
    int reject_status;
    int skipping;            /* dropping the refused request's body */
    char reject_msg[192];
    char reject_extra[192];

    sbuf out;                /* output not yet handed to the transport */
    size_t queued;           /* handed over, not yet written */
    sbuf pending;            /* input held while the parser is paused */
    int parser_paused;       /* paused at a request boundary */
    int read_paused;         /* transport told to stop reading */
    int deferred;            /* the endpoint answers later (http_defer) */
    int body_hold;           /* the endpoint holds the body (http_body_hold) */
    uint64_t body_t0_ms;     /* body clock start: end of the headers */
    uint64_t hold_t0_ms;     /* body_hold set at (0 = not held) */
    uint64_t held_ms;        /* time the body was held by us, not the peer */
    int close_after;         /* close once the current response is out */
    int stop;                /* a callback failed the request: stop parsing */
    int peer_eof;
};

static void finish_request(http_conn *c, http_req *r);
static void stop_reading(http_conn *c);

/* ---- small helpers --------------------------------------------------- */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ms(void)
{
    return now_ns() / 1000000u;
}

const char *http_status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

void srv_log_flush(srv_worker_ctx *w)
{
    size_t off = 0;

    while (off < w->log.len) {
        ssize_t n = write(STDERR_FILENO, w->log.data + off, w->log.len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    sbuf_reset(&w->log);
}

static void flush_out(http_conn *c)
{
    size_t len = c->out.len;

    if (len == 0 || c->state == CS_CLOSED)
        return;
    c->queued += c->io->write(c->io_ctx, sbuf_steal(&c->out), len);
}

static void close_conn(http_conn *c, int graceful)
{
    if (c->state == CS_CLOSED)
        return;
    flush_out(c);
    c->state = CS_CLOSED;
    c->io->timer(c->io_ctx, 0);
    c->io->close(c->io_ctx, graceful);
}

static void arm(http_conn *c, uint64_t ms)
{
    if (c->state != CS_CLOSED)
        c->io->timer(c->io_ctx, ms);
}

/* ---- the body's deadline ----------------------------------------------- */

/*
 * While a body arrives the connection's one timer carries the nearer of two
 * deadlines:
 *   - body_timeout (stream_timeout for long-poll endpoints) after the last
 *     read: a peer that stops sending;
 *   - for endpoints with a capped body (/rpc, /v1/diagnose), the moment the
 *     average rate since the end of the headers falls below body_min_rate
 *     once BODY_RATE_GRACE_MS have passed: received bytes b are enough
 *     until t0 + grace + b / rate. A peer that trickles a byte now and then
 *     (slow POST) resets the first deadline forever, never this one.
 * Time the endpoint holds the body itself (http_body_hold: the thread pool
 * is behind) does not count against the peer.
 */
static uint64_t body_deadline_in(http_conn *c)
{
    const srv_config *cfg = c->w->cfg;
    const http_req *r = &c->req;
    int long_poll = r->ep && r->ep->long_poll;
    uint64_t ms = long_poll ? cfg->stream_timeout_ms : cfg->body_timeout_ms;

    if (!long_poll && cfg->body_min_rate > 0 && r->ep &&
        (r->ep->body == EP_BODY_BUFFER || r->ep->limit_body)) {
        uint64_t now = now_ms();
        uint64_t due = c->body_t0_ms + c->held_ms + BODY_RATE_GRACE_MS +
                       r->body_bytes * 1000u / cfg->body_min_rate;
        uint64_t left = due > now ? due - now : 1;
        if (left < ms)
            ms = left;
    }
    return ms;
}

/* ---- request lifecycle ------------------------------------------------ */

static void reset_request(http_conn *c)
{
    http_req *r = &c->req;

    if (r->ep && r->ep->abort && r->state)
        r->ep->abort(r);
    sbuf_free(&r->body);
    memset(r, 0, sizeof *r);
    r->conn = c;
    r->w = c->w;
    r->method = -1; /* until the headers are in: "-" in the access log, not DELETE (0) */
    r->path = "";
    r->query = "";
    r->ep_id = SRV_EP_OTHER;
    r->http_minor = 1;
    r->t_start_ns = now_ns();
    sbuf_reset(&c->hdr);
    c->n_hv = 0;
    c->hdr_part = 0;
    c->head_bytes = 0;
    c->reject_status = 0;
    c->skipping = 0;
    c->body_hold = 0;
    c->hold_t0_ms = c->held_ms = 0;
}

static int wants_close(http_conn *c)
{
    if (c->close_after || c->w->draining || c->peer_eof)
        return 1;
    if (c->state == CS_IDLE || c->state == CS_HEADERS)
        return 1; /* answering before the request was understood */
    return !llhttp_should_keep_alive(&c->parser);
}

static void date_header(srv_worker_ctx *w)
{
    time_t t = time(NULL);
    struct tm tm;

    if (t == w->date_at && w->date[0])
        return;
    gmtime_r(&t, &tm);
    strftime(w->date, sizeof w->date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    w->date_at = t;
}

/* Status line and headers. clen: body length, or -1 for a chunked or
 * close-delimited body. */
static void write_head(http_conn *c, http_req *r, int status, const char *ctype,
                       int64_t clen, const char *extra)
{
    sbuf *o = &c->out;

    if (wants_close(c))
        c->close_after = 1;
    date_header(c->w);
    /* no printf here: this runs for every response (see sbuf_put_u64) */
    sbuf_puts(o, "HTTP/1.1 ");
    sbuf_put_u64(o, (uint64_t)status);
    sbuf_add(o, " ", 1);
    sbuf_puts(o, http_status_reason(status));
    sbuf_add(o, "\r\n", 2);
    sbuf_puts(o, c->w->date);
    if (ctype) {
        sbuf_puts(o, "Content-Type: ");
        sbuf_puts(o, ctype);
        sbuf_add(o, "\r\n", 2);
    }
    if (clen >= 0 && status != 204) {
        sbuf_puts(o, "Content-Length: ");
        sbuf_put_u64(o, (uint64_t)clen);
        sbuf_add(o, "\r\n", 2);
    } else if (clen < 0 && r->stream_chunked) {
        sbuf_puts(o, "Transfer-Encoding: chunked\r\n");
    }
    if (c->close_after)
        sbuf_puts(o, "Connection: close\r\n");
    else if (r->http_minor == 0)
        sbuf_puts(o, "Connection: keep-alive\r\n");
    if (r->cors_origin)
        sbuf_printf(o, "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n", r->cors_origin);
    if (extra)
        sbuf_puts(o, extra);
    sbuf_add(o, "\r\n", 2);
}

void http_respond(http_req *r, int status, const char *ctype, const char *body,
                  size_t len, const char *extra)
{
    http_conn *c = r->conn;
    size_t before;

    if (r->status || c->state == CS_CLOSED)
        return;
    before = c->out.len;
    write_head(c, r, status, ctype, (int64_t)len, extra);
    if (!r->head_only && status != 204 && len > 0)
        sbuf_add(&c->out, body, len);
    r->status = status;
    r->resp_bytes = c->out.len - before;
    finish_request(c, r);
}

void http_respond_owned(http_req *r, int status, const char *ctype, char *body, size_t len)
{
    http_conn *c = r->conn;
    size_t before;

    if (r->status || c->state == CS_CLOSED || r->head_only || len < 64 * 1024) {
        http_respond(r, status, ctype, body, len, NULL);
        free(body);
        return;
    }
    before = c->out.len;
    write_head(c, r, status, ctype, (int64_t)len, NULL);
    r->status = status;
    r->resp_bytes = c->out.len - before + len;
    flush_out(c);                       /* the head, then the body as is */
    c->queued += c->io->write(c->io_ctx, body, len);
    finish_request(c, r);
}

void http_respond_error(http_req *r, int status, const char *msg, const char *extra)
{
    sbuf b = SBUF_INIT;

    sbuf_printf(&b, "{\"error\":{\"status\":%d,\"message\":\"", status);
    sbuf_json_escape(&b, msg, strlen(msg));
    sbuf_puts(&b, "\"}}");
    http_respond(r, status, "application/json", b.data ? b.data : "", b.len, extra);
    sbuf_free(&b);
}

void http_reject(http_req *r, int status, const char *msg, const char *extra)
{
    http_conn *c = r->conn;

    c->reject_status = status;
    snprintf(c->reject_msg, sizeof c->reject_msg, "%s", msg);
    snprintf(c->reject_extra, sizeof c->reject_extra, "%s", extra ? extra : "");
}

void http_fail(http_req *r, int status, const char *msg)
{
    http_conn *c = r->conn;

    c->close_after = 1;
    if (!r->status && !r->streaming)
        http_respond_error(r, status, msg, NULL);
    else if (r->streaming && !r->status) {
        r->status = status; /* the stream is cut: the client sees no end */
        finish_request(c, r);
    }
    c->stop = 1;
}

void http_stream_begin(http_req *r, int status, const char *ctype)
{
    http_conn *c = r->conn;
    size_t before = c->out.len;

    if (r->status || r->streaming || c->state == CS_CLOSED)
        return;
    r->stream_chunked = r->http_minor >= 1;
    if (!r->stream_chunked)
        c->close_after = 1; /* HTTP/1.0: the end of the body is the close */
    write_head(c, r, status, ctype, -1, NULL);
    r->streaming = status;
    r->resp_bytes = c->out.len - before;
}

void http_stream_write(http_req *r, const char *data, size_t len)
{
    http_conn *c = r->conn;
    size_t before = c->out.len;

    if (!r->streaming || r->status || len == 0 || c->state == CS_CLOSED)
        return;
    if (r->stream_chunked) {
        sbuf_put_hex(&c->out, len);
        sbuf_add(&c->out, "\r\n", 2);
    }
    sbuf_add(&c->out, data, len);
    if (r->stream_chunked)
        sbuf_add(&c->out, "\r\n", 2);
    r->resp_bytes += c->out.len - before;
    if (c->out.len >= 64 * 1024)
        flush_out(c);
    /* Lines made in the thread pool are written from outside
     * http_conn_feed, which checks this after every read: a stream's
     * output outruns its reader, stop reading (resume() starts again once
     * the peer has read). */
    if (c->queued > c->w->cfg->write_queue_max)
        stop_reading(c);
}

void http_stream_end(http_req *r)
{
    http_conn *c = r->conn;

    if (!r->streaming || r->status)
        return;
    if (r->stream_chunked) {
        sbuf_add(&c->out, "0\r\n\r\n", 5);
        r->resp_bytes += 5;
    }
    r->status = r->streaming;
    finish_request(c, r);
}

size_t http_req_queued(const http_req *r)
{
    return r->conn->queued + r->conn->out.len;
}

/* Metrics and the access log line, once per request. */
static void finish_request(http_conn *c, http_req *r)
{
    srv_worker_ctx *w = c->w;
    uint64_t us = (now_ns() - r->t_start_ns) / 1000u;

    srv_metrics_request(w->metrics, r->ep_id, r->status, us);
    if (!w->cfg->access_log)
        return;
    sbuf_printf(&w->log, "%s %s%s%s %d %llu %lluus\n",
                r->method >= 0 ? llhttp_method_name((llhttp_method_t)r->method) : "-",
                r->path[0] ? r->path : "-",
                r->query[0] ? "?" : "", r->query, r->status,
                (unsigned long long)r->resp_bytes, (unsigned long long)us);
    if (w->log.len >= 32 * 1024)
        srv_log_flush(w);
}

/* Answers a request that cannot go on (protocol error, limit, timeout)
 * and closes the connection. */
static void fail_conn(http_conn *c, int status, const char *msg)
{
    http_req *r = &c->req;

    c->close_after = 1;
    if (!r->status && !r->streaming)
        http_respond_error(r, status, msg, NULL);
    else if (r->streaming && !r->status) {
        r->status = status;
        finish_request(c, r);
    }
    close_conn(c, 1);
}

/* ---- the header arena ------------------------------------------------ */

static int head_limit(http_conn *c, size_t add)
{
    c->head_bytes += add;
    if (c->head_bytes > c->w->cfg->max_header_bytes) {
        http_fail(&c->req, 431, "request header fields too large");
        return -1;
    }
    return 0;
}

static void end_hdr_part(http_conn *c)
{
    http_header *h;

    if (c->hdr_part == 0)
        return;
    h = &c->hv[c->n_hv - 1];
    if (c->hdr_part == 1) {
        h->name_len = (uint32_t)(c->hdr.len - h->name);
        sbuf_add(&c->hdr, "", 1);
        h->value = (uint32_t)c->hdr.len;
        h->value_len = 0;
        c->hdr_part = 2;
        return;
    }
    h->value_len = (uint32_t)(c->hdr.len - h->value);
    sbuf_add(&c->hdr, "", 1);
    c->hdr_part = 0;
}

const char *http_req_header(http_req *r, const char *name, int *count)
{
    http_conn *c = r->conn;
    const char *found = NULL;
    int n = 0;

    for (size_t i = 0; i < c->n_hv; i++) {
        const http_header *h = &c->hv[i];
        if (strcasecmp(c->hdr.data + h->name, name) == 0) {
            if (!found)
                found = c->hdr.data + h->value;
            n++;
        }
    }
    if (count)
        *count = n;
    return found;
}

/* ---- llhttp callbacks ------------------------------------------------ */

static http_conn *conn_of(llhttp_t *p)
{
    return (http_conn *)p->data;
}

static int on_message_begin(llhttp_t *p)
{
    http_conn *c = conn_of(p);

    reset_request(c);
    c->state = CS_HEADERS;
    arm(c, c->w->cfg->header_timeout_ms);
    return 0;
}

static int on_url(llhttp_t *p, const char *at, size_t n)
{
    http_conn *c = conn_of(p);

    if (head_limit(c, n) != 0)
        return HPE_USER;
    return sbuf_add(&c->hdr, at, n) == 0 ? 0 : HPE_USER;
}

static int on_url_complete(llhttp_t *p)
{
    http_conn *c = conn_of(p);

    return sbuf_add(&c->hdr, "", 1) == 0 ? 0 : HPE_USER;
}

static int on_header_field(llhttp_t *p, const char *at, size_t n)
{
    http_conn *c = conn_of(p);

    if (c->state == CS_BODY) /* chunked trailers: counted, not kept */
        return head_limit(c, n + 4) == 0 ? 0 : HPE_USER;

    if (c->hdr_part != 1) {
        if (c->hdr_part == 2)
            end_hdr_part(c);
        if (c->n_hv >= c->w->cfg->max_headers) {
            http_fail(&c->req, 431, "too many request header fields");
            return HPE_USER;
        }
        if (c->n_hv == c->cap_hv) {
            size_t ncap = c->cap_hv ? c->cap_hv * 2 : 16;
            http_header *nh = realloc(c->hv, ncap * sizeof *nh);
            if (nh == NULL)
                return HPE_USER;
            c->hv = nh;
            c->cap_hv = ncap;
        }
        c->hv[c->n_hv++] = (http_header){(uint32_t)c->hdr.len, 0, 0, 0};
        c->hdr_part = 1;
        if (head_limit(c, 4) != 0) /* ": " and CRLF */
            return HPE_USER;
    }
    if (head_limit(c, n) != 0)
        return HPE_USER;
    return sbuf_add(&c->hdr, at, n) == 0 ? 0 : HPE_USER;
}

static int on_header_value(llhttp_t *p, const char *at, size_t n)
{
    http_conn *c = conn_of(p);

    if (c->state == CS_BODY)
        return head_limit(c, n) == 0 ? 0 : HPE_USER;

    if (c->hdr_part == 1)
        end_hdr_part(c);
    if (head_limit(c, n) != 0)
        return HPE_USER;
    return sbuf_add(&c->hdr, at, n) == 0 ? 0 : HPE_USER;
}

/* Splits the request target into path and query, in the arena. */
static void split_target(http_conn *c, http_req *r)
{
    char *url = c->hdr.data;
    char *q;

    /* absolute-form (RFC 9112 3.2.2): drop scheme and authority */
    if (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0) {
        char *s = strchr(url, ':') + 3;
        url = strchr(s, '/');
        if (url == NULL)
            url = s + strlen(s); /* "" */
    }
    q = strchr(url, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    r->path = url;
}

/* The checks llhttp does not make. Returns 0, or answers and returns -1. */
static int check_request(http_conn *c, http_req *r)
{
    int hosts = 0;
    uint8_t major = llhttp_get_http_major(&c->parser);

    if (major != 1) {
        http_fail(r, major == 0 ? 400 : 505,
                  major == 0 ? "HTTP/0.9 is not supported" : "only HTTP/1.x is supported here");
        return -1;
    }
    http_req_header(r, "Host", &hosts);
    if (hosts > 1 || (hosts == 0 && r->http_minor == 1)) {
        http_fail(r, 400, hosts ? "more than one Host header" : "missing Host header");
        return -1;
    }
    return 0;
}

static int body_expected(const http_req *r)
{
    return r->chunked || (r->has_length && r->content_length > 0);
}

static int on_headers_complete(llhttp_t *p)
{
    http_conn *c = conn_of(p);
    http_req *r = &c->req;
    const char *expect;

    end_hdr_part(c);
    if (c->hdr.data == NULL || c->hdr.len == 0) {
        http_fail(r, 400, "empty request target");
        return HPE_USER;
    }
    r->method = llhttp_get_method(p);
    r->http_minor = llhttp_get_http_minor(p);
    r->head_only = r->method == HTTP_HEAD;
    r->has_length = (p->flags & F_CONTENT_LENGTH) != 0;
    r->chunked = (p->flags & F_CHUNKED) != 0;
    r->content_length = r->has_length ? p->content_length : 0;
    split_target(c, r);
    c->state = CS_BODY;
    if (check_request(c, r) != 0)
        return HPE_USER;
    expect = http_req_header(r, "Expect", NULL);
    r->expect_continue = expect && strcasecmp(expect, "100-continue") == 0;

    router_dispatch(r);
    if (c->stop)
        return HPE_USER;
    if (c->reject_status) {
        if (!body_expected(r))
            return 0; /* answered at message end, connection kept */
        if (r->expect_continue || r->chunked || r->content_length > SKIP_BODY_MAX) {
            c->close_after = 1;
            http_respond_error(r, c->reject_status, c->reject_msg,
                               c->reject_extra[0] ? c->reject_extra : NULL);
            c->stop = 1;
            return HPE_USER;
        }
        c->skipping = 1;
    } else if (r->expect_continue && body_expected(r)) {
        sbuf_puts(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
        flush_out(c);
    }
    if (body_expected(r)) {
        c->body_t0_ms = now_ms();
        arm(c, body_deadline_in(c));
    }
    return 0;
}

static int on_body(llhttp_t *p, const char *at, size_t n)
{
    http_conn *c = conn_of(p);
    http_req *r = &c->req;

    if (c->skipping || c->reject_status)
        return 0;
    r->body_bytes += n;
    if (r->ep->body != EP_BODY_STREAM || r->ep->limit_body) {
        if (r->body_bytes > c->w->cfg->max_body) {
            http_fail(r, 413, "request body too large");
            return HPE_USER;
        }
    }
    if (r->ep->body == EP_BODY_BUFFER) {
        if (sbuf_add(&r->body, at, n) != 0) {
            http_fail(r, 500, "out of memory");
            return HPE_USER;
        }
    } else if (r->ep->body == EP_BODY_STREAM) {
        r->ep->data(r, at, n);
    }
    return c->stop ? HPE_USER : 0;
}

/* The request has been answered: back to IDLE for the next one. Returns 0
 * to go on parsing, or HPE_PAUSED: close once the answer is out
 * (close_after), or wait for the peer to read (parser_paused). */
static int after_message(http_conn *c)
{
    const srv_config *cfg = c->w->cfg;

    reset_request(c);
    c->state = CS_IDLE;
    if (c->close_after || !llhttp_should_keep_alive(&c->parser) || c->w->draining) {
        c->close_after = 1;
        return HPE_PAUSED;
    }
    if (c->queued + c->out.len > cfg->write_queue_max) {
        c->parser_paused = 1;
        return HPE_PAUSED;
    }
    arm(c, cfg->idle_timeout_ms);
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    http_conn *c = conn_of(p);
    http_req *r = &c->req;

    if (c->reject_status) {
        http_respond_error(r, c->reject_status, c->reject_msg,
                           c->reject_extra[0] ? c->reject_extra : NULL);
    } else if (r->ep) {
        r->ep->end(r);
    }
    if (c->stop)
        return HPE_USER;
    if (c->deferred) {
        /* answered later (http_defer): nothing after this request is
         * parsed until then, which keeps pipelined answers in order */
        arm(c, 0);
        c->parser_paused = 1;
        return HPE_PAUSED;
    }
    if (!r->status)
        http_respond_error(r, 500, "the endpoint gave no answer", NULL);
    return after_message(c);
}

static int on_header_field_complete(llhttp_t *p)
{
    http_conn *c = conn_of(p);

    if (c->state == CS_BODY)
        return 0;
    if (c->hdr_part == 1)
        end_hdr_part(c);
    return 0;
}

static int on_header_value_complete(llhttp_t *p)
{
    http_conn *c = conn_of(p);

    if (c->state == CS_BODY)
        return 0;
    if (c->hdr_part == 2)
        end_hdr_part(c);
    return 0;
}

/* Immutable, shared by every connection of every thread. */
static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_url_complete = on_url_complete,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- driving the parser ---------------------------------------------- */

/* The reason llhttp gives, as a message for the client. */
static void parse_error(http_conn *c, llhttp_errno_t err)
{
    char msg[160];
    const char *reason = llhttp_get_error_reason(&c->parser);

    if (c->stop) { /* a callback answered already */
        close_conn(c, 1);
        return;
    }
    snprintf(msg, sizeof msg, "malformed request: %s (%s)",
             reason ? reason : "parse error", llhttp_errno_name(err));
    if (c->state == CS_IDLE)
        reset_request(c); /* garbage before a request began */
    fail_conn(c, 400, msg);
}

static void stop_reading(http_conn *c)
{
    if (!c->read_paused && c->state != CS_CLOSED) {
        c->read_paused = 1;
        c->io->pause(c->io_ctx, 1);
    }
}

static void execute(http_conn *c, const char *data, size_t len)
{
    llhttp_errno_t err = llhttp_execute(&c->parser, data, len);
    const char *pos;

    if (err == HPE_OK)
        return;
    if (err == HPE_PAUSED_UPGRADE) { /* answered already; no protocol switch */
        close_conn(c, 1);
        return;
    }
    if (err != HPE_PAUSED) {
        parse_error(c, err);
        return;
    }
    if (c->close_after && !c->deferred) {
        close_conn(c, 1);
        return;
    }
    /* Backpressure at a request boundary: keep the rest for later. */
    pos = llhttp_get_error_pos(&c->parser);
    if (pos && pos >= data && pos < data + len)
        sbuf_add(&c->pending, pos, (size_t)(data + len - pos));
    stop_reading(c);
}

static void after_eof(http_conn *c);

/* Runs the input held back while paused, as long as the output queue
 * allows, then lets the transport read again. Called after every feed and
 * every completed write (output may also drain at once, in io->write). */
static void resume(http_conn *c)
{
    size_t max = c->w->cfg->write_queue_max;

    while (c->parser_paused && !c->deferred && c->state != CS_CLOSED && c->queued <= max / 2) {
        sbuf held = c->pending;

        c->pending = (sbuf)SBUF_INIT;
        c->parser_paused = 0;
        llhttp_resume(&c->parser);
        if (c->state == CS_IDLE)
            arm(c, c->w->cfg->idle_timeout_ms);
        if (held.len)
            execute(c, held.data, held.len);
        sbuf_free(&held);
        flush_out(c);
    }
    if (c->state == CS_CLOSED || c->parser_paused)
        return;
    if (c->peer_eof) {
        after_eof(c);
        return;
    }
    if (c->read_paused && c->queued <= max / 2 && !c->body_hold) {
        c->read_paused = 0;
        c->io->pause(c->io_ctx, 0);
    }
}

void http_conn_feed(http_conn *c, const char *data, size_t len)
{
    if (c->state == CS_CLOSED || len == 0)
        return;
    if (c->parser_paused) {
        sbuf_add(&c->pending, data, len);
        stop_reading(c);
        return;
    }
    execute(c, data, len);
    if (c->state == CS_BODY && !c->req.status && !c->deferred && !c->body_hold)
        arm(c, body_deadline_in(c));
    if (c->state == CS_CLOSED)
        return;
    flush_out(c);
    if (c->queued > c->w->cfg->write_queue_max)
        stop_reading(c); /* a stream's output outruns its reader */
    else if (c->parser_paused)
        resume(c);
}

static void after_eof(http_conn *c)
{
    if (c->state == CS_CLOSED)
        return;
    if (c->state == CS_IDLE) {
        close_conn(c, 0);
        return;
    }
    /* The peer stopped sending in the middle of a request. */
    if (llhttp_finish(&c->parser) != HPE_OK || c->state != CS_IDLE)
        fail_conn(c, 400, "connection closed in the middle of a request");
    else
        close_conn(c, 0);
}

void http_conn_eof(http_conn *c)
{
    c->peer_eof = 1;
    if (c->parser_paused)
        return; /* resume() ends it once the held input is done */
    after_eof(c);
}

void http_conn_written(http_conn *c, size_t len)
{
    c->queued = len > c->queued ? 0 : c->queued - len;
    if (c->state != CS_CLOSED)
        resume(c);
}

void http_conn_timeout(http_conn *c)
{
    if (c->deferred || c->body_hold)
        return; /* waiting for the thread pool, not for the peer */
    switch (c->state) {
    case CS_IDLE:
        close_conn(c, 0);
        break;
    case CS_HEADERS:
        fail_conn(c, 408, "request headers not received in time");
        break;
    case CS_BODY:
        fail_conn(c, 408, c->w->cfg->body_min_rate > 0 && c->req.ep && !c->req.ep->long_poll &&
                                  now_ms() - c->body_t0_ms >= BODY_RATE_GRACE_MS
                              ? "request body not received in time (too slow)"
                              : "request body not received in time");
        break;
    default:
        break;
    }
    if (c->state == CS_CLOSED)
        flush_out(c);
}

void http_conn_drain(http_conn *c)
{
    c->close_after = 1;
    if (c->state == CS_IDLE && !c->parser_paused)
        close_conn(c, 0);
}

int http_conn_idle(const http_conn *c)
{
    return c->state == CS_IDLE && !c->parser_paused && !c->deferred && c->queued == 0;
}

/* ---- answering later ------------------------------------------------- */

void http_defer(http_req *r)
{
    r->conn->deferred = 1;
}

void http_defer_end(http_req *r)
{
    http_conn *c = r->conn;

    if (!c->deferred)
        return;
    c->deferred = 0;
    if (c->state == CS_CLOSED)
        return;
    if (!r->status && !r->streaming)
        http_respond_error(r, 500, "the endpoint gave no answer", NULL);
    if (after_message(c) == HPE_PAUSED && c->close_after) {
        close_conn(c, 1);
        return;
    }
    flush_out(c);
    resume(c); /* parses what arrived meanwhile (parser_paused is set) */
}

void http_body_hold(http_req *r, int hold)
{
    http_conn *c = r->conn;

    hold = hold != 0;
    if (c->state == CS_CLOSED || hold == c->body_hold)
        return;
    c->body_hold = hold;
    if (hold) {
        c->hold_t0_ms = now_ms();
        arm(c, 0); /* our delay, not the peer's */
        stop_reading(c);
        return;
    }
    c->held_ms += now_ms() - c->hold_t0_ms;
    if (c->state == CS_BODY && !c->deferred && !r->status)
        arm(c, body_deadline_in(c));
    resume(c);
}

void http_abort(http_req *r, int status, const char *msg)
{
    http_conn *c = r->conn;

    if (c->state == CS_CLOSED)
        return;
    c->deferred = 0;
    fail_conn(c, status, msg);
}

http_conn *http_conn_new(srv_worker_ctx *w, const http_io *io, void *io_ctx)
{
    http_conn *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->w = w;
    c->io = io;
    c->io_ctx = io_ctx;
    llhttp_init(&c->parser, HTTP_REQUEST, &settings);
    c->parser.data = c;
    c->state = CS_IDLE;
    reset_request(c);
    /* A new connection must send its first request within header_timeout. */
    io->timer(io_ctx, w->cfg->header_timeout_ms);
    return c;
}

void http_conn_free(http_conn *c)
{
    if (c == NULL)
        return;
    reset_request(c); /* aborts an unfinished endpoint */
    sbuf_free(&c->hdr);
    sbuf_free(&c->out);
    sbuf_free(&c->pending);
    free(c->hv);
    free(c);
}
