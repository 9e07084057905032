/*
 * router.c - path/method table and the checks every request passes.
 *
 * Order of checks (each answers with its own status): unknown path 404,
 * CORS preflight (OPTIONS) 204, method 405 + Allow, bearer token 401 +
 * WWW-Authenticate, missing length 411, declared length over the limit 413.
 * Endpoint-specific checks (media type 415, ...) follow in its begin().
 *
 * Paths are matched exactly; the table is tiny, so a linear scan over it is
 * as fast as anything and keeps adding a route a one-line change.
 */
#include "server/router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct route {
    const char *path;
    const endpoint *ep;
} route;

static const route routes[] = {
    {"/rpc", &ep_rpc},
    {"/v1/diagnose", &ep_diagnose},
    {"/v1/stream", &ep_stream},
    {"/healthz", &ep_healthz},
    {"/metrics", &ep_metrics},
};

/* Answers whatever refusal http_reject() recorded; used as r->ep so that
 * the connection always has an endpoint to call. */
static void refused_end(http_req *r)
{
    (void)r; /* http_conn answers the recorded refusal itself */
}

static const endpoint ep_refused = {
    .id = SRV_EP_OTHER,
    .methods = ~0u,
    .body = EP_BODY_NONE,
    .end = refused_end,
};

/* OPTIONS: CORS preflight or a plain capability query. */
static void options_end(http_req *r);

static const endpoint ep_options = {
    .id = SRV_EP_OTHER,
    .methods = EP_METHOD(HTTP_OPTIONS),
    .body = EP_BODY_NONE,
    .public_ = 1,
    .end = options_end,
};

static const endpoint *find_endpoint(const char *path)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(routes[i].path, path) == 0)
            return routes[i].ep;
    if (static_route_find(path))
        return &ep_static;
    return NULL;
}

/* Is this Origin in the allow-list? */
static int origin_allowed(const srv_config *cfg, const char *origin)
{
    for (int i = 0; i < cfg->n_cors; i++)
        if (strcmp(cfg->cors[i], "*") == 0 || strcmp(cfg->cors[i], origin) == 0)
            return 1;
    return 0;
}

/* Constant-time comparison of the presented token with the configured one:
 * the time taken depends only on the presented length. */
static int token_ok(const srv_config *cfg, const char *auth)
{
    const char *t;
    size_t n, diff;

    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
        return 0;
    t = auth + 7;
    while (*t == ' ')
        t++;
    n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    diff = n ^ cfg->token_len;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)t[i] ^ (unsigned char)cfg->token[i % (cfg->token_len ? cfg->token_len : 1)];
    return diff == 0;
}

static void options_end(http_req *r)
{
    const endpoint *ep = (const endpoint *)r->state;
    const char *acrm = http_req_header(r, "Access-Control-Request-Method", NULL);
    char extra[512];

    r->state = NULL;
    if (r->cors_origin && acrm) {
        snprintf(extra, sizeof extra,
                 "Access-Control-Allow-Methods: %s\r\n"
                 "Access-Control-Allow-Headers: Authorization, Content-Type\r\n"
                 "Access-Control-Max-Age: 600\r\n"
                 "Allow: %s\r\n",
                 ep->allow, ep->allow);
    } else {
        snprintf(extra, sizeof extra, "Allow: %s\r\n", ep->allow);
    }
    http_respond(r, 204, NULL, NULL, 0, extra);
}

static int is_public(const endpoint *ep, const char *path)
{
    const static_route *sr;

    if (ep->public_)
        return 1;
    sr = ep == &ep_static ? static_route_find(path) : NULL;
    return sr && sr->public_;
}

static int method_allowed(const endpoint *ep, int method)
{
    if (method == HTTP_HEAD && (ep->methods & EP_METHOD(HTTP_GET)))
        return 1;
    return (ep->methods & EP_METHOD(method)) != 0;
}

void router_dispatch(http_req *r)
{
    const srv_config *cfg = r->w->cfg;
    const endpoint *ep = find_endpoint(r->path);
    const char *origin = http_req_header(r, "Origin", NULL);
    char extra[160];

    r->ep = &ep_refused;
    if (origin && origin_allowed(cfg, origin))
        r->cors_origin = origin;
    if (ep == NULL) {
        http_reject(r, 404, "no such endpoint", NULL);
        return;
    }
    r->ep_id = ep->id;
    if (r->method == HTTP_OPTIONS) {
        r->ep = &ep_options;
        r->state = (void *)ep;
        return;
    }
    if (!method_allowed(ep, r->method)) {
        snprintf(extra, sizeof extra, "Allow: %s\r\n", ep->allow);
        http_reject(r, 405, "method not allowed", extra);
        return;
    }
    if (cfg->token && !is_public(ep, r->path) && !token_ok(cfg, http_req_header(r, "Authorization", NULL))) {
        http_reject(r, 401, "missing or wrong bearer token", "WWW-Authenticate: Bearer\r\n");
        return;
    }
    if (ep->body != EP_BODY_NONE && !r->has_length && !r->chunked) {
        http_reject(r, 411, "Content-Length or chunked Transfer-Encoding required", NULL);
        return;
    }
    if ((ep->body != EP_BODY_STREAM || ep->limit_body) && r->has_length &&
        r->content_length > cfg->max_body) {
        http_reject(r, 413, "request body too large", NULL);
        return;
    }
    r->ep = ep;
    if (ep->begin)
        ep->begin(r);
}

/* ---- header value helpers -------------------------------------------- */

int media_type_is(const char *value, const char *type)
{
    size_t n = strlen(type);

    if (value == NULL)
        return 0;
    while (*value == ' ' || *value == '\t')
        value++;
    if (strncasecmp(value, type, n) != 0)
        return 0;
    value += n;
    while (*value == ' ' || *value == '\t')
        value++;
    return *value == '\0' || *value == ';';
}

int header_param(const char *value, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    const char *p = value ? strchr(value, ';') : NULL;

    while (p) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t len = 0;
            if (*v == '"') {
                v++;
                while (v[len] && v[len] != '"') {
                    if (v[len] == '\\' && v[len + 1])
                        len++;
                    len++;
                }
            } else {
                while (v[len] && v[len] != ';' && v[len] != ' ' && v[len] != '\t')
                    len++;
            }
            if (len + 1 > outsz)
                return -1;
            /* unescape quoted-pair */
            size_t o = 0;
            for (size_t i = 0; i < len; i++) {
                if (v[i] == '\\' && i + 1 < len)
                    i++;
                out[o++] = v[i];
            }
            out[o] = '\0';
            return 0;
        }
        p = strchr(p, ';');
    }
    return -1;
}

int query_param(const char *query, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    const char *p = query;

    while (p && *p) {
        if (strncmp(p, name, nlen) == 0 && (p[nlen] == '=' || p[nlen] == '&' || p[nlen] == '\0')) {
            const char *v = p[nlen] == '=' ? p + nlen + 1 : p + nlen;
            size_t len = strcspn(v, "&");
            if (len + 1 > outsz)
                return -2;
            memcpy(out, v, len);
            out[len] = '\0';
            return 0;
        }
        p = strchr(p, '&');
        if (p)
            p++;
    }
    return -1;
}
