/*
 * router.h - which endpoint answers a request, and the checks every
 * request passes before its endpoint sees it (method, auth, CORS, length).
 *
 * Endpoints are data: a table row per path (router.c) pointing at an
 * `endpoint`, a small vtable that says which methods it takes, how it
 * wants its body (none, buffered up to max_body, or streamed) and its
 * callbacks.
 */
#ifndef SRV_ROUTER_H
#define SRV_ROUTER_H

#include "server/http_conn.h"

enum endpoint_body {
    EP_BODY_NONE = 0,   /* GET-like: a body, if any, is ignored */
    EP_BODY_BUFFER,     /* whole body in r->body, capped at max_body */
    EP_BODY_STREAM      /* body handed to data() as it arrives */
};

#define EP_METHOD(m) (1u << (m))

typedef struct endpoint {
    srv_endpoint_id id;          /* metrics label */
    unsigned methods;            /* EP_METHOD(HTTP_GET) | ... */
    const char *allow;           /* the Allow header value for 405 */
    int body;                    /* enum endpoint_body */
    int limit_body;              /* EP_BODY_STREAM: still capped at max_body */
    int long_poll;               /* body may pause long (stream_timeout) */
    int public_;                 /* served without the bearer token */
    /* After the headers; may http_reject(). May be NULL. */
    void (*begin)(http_req *r);
    /* EP_BODY_STREAM: body bytes as they arrive; may http_fail(). */
    void (*data)(http_req *r, const char *p, size_t n);
    /* The whole request is in: answer it (must respond or stream_end). */
    void (*end)(http_req *r);
    /* The request ends without end() (peer gone, error): free r->state. */
    void (*abort)(http_req *r);
} endpoint;

/* Picks the endpoint for a request whose headers are complete and runs
 * the generic checks. Sets r->ep and r->ep_id; on refusal it calls
 * http_reject() (and r->ep is a stub that answers the refusal). */
void router_dispatch(http_req *r);

/* ---- provided by endpoints.c and static_routes.c ---------------------- */

extern const endpoint ep_rpc, ep_diagnose, ep_stream, ep_healthz, ep_metrics,
    ep_static;

typedef struct static_route {
    const char *path;          /* exact path, e.g. "/" */
    const char *content_type;
    /* The document; for embedded files whose length is not a constant. */
    void (*get)(const char **data, size_t *len);
    int public_;               /* reachable without the bearer token */
} static_route;

const static_route *static_route_find(const char *path);

/* ---- shared helpers -------------------------------------------------- */

/* Does the media type `value` (a Content-Type header) equal `type`,
 * ignoring case, parameters and whitespace? */
int media_type_is(const char *value, const char *type);
/* Value of parameter `name` of a header value (quoted or token), copied
 * into out (NUL-terminated). Returns 0, or -1 if absent / too long. */
int header_param(const char *value, const char *name, char *out, size_t outsz);
/* Value of `name` in a query string (not %-decoded; only simple tokens are
 * expected): 0, -1 if absent, -2 if longer than outsz - 1. */
int query_param(const char *query, const char *name, char *out, size_t outsz);

#endif
