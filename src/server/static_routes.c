/*
 * static_routes.c - documents served as they are, one table row each.
 *
 * To serve a page (e.g. the web UI at "/"), embed it the way api/openrpc.json
 * is embedded (a rule in CMakeLists.txt running src/server/embed.cmake, a
 * declaration in embedded.h) and add a row below. GET and HEAD are answered;
 * `public_` rows are reachable without the bearer token (a page must load
 * before it can ask the user for one).
 */
#include <string.h>

#include "server/embedded.h"
#include "server/router.h"

static void get_openrpc(const char **data, size_t *len)
{
    *data = srv_openrpc_json;
    *len = srv_openrpc_json_len;
}

static void get_web_index(const char **data, size_t *len)
{
    *data = srv_web_index_html;
    *len = srv_web_index_html_len;
}

static const static_route static_routes[] = {
    {"/openrpc.json", "application/json", get_openrpc, 1},
    {"/", "text/html; charset=utf-8", get_web_index, 1},
};

const static_route *static_route_find(const char *path)
{
    for (size_t i = 0; i < sizeof static_routes / sizeof static_routes[0]; i++)
        if (strcmp(static_routes[i].path, path) == 0)
            return &static_routes[i];
    return NULL;
}

static void static_end(http_req *r)
{
    const static_route *sr = static_route_find(r->path);
    const char *data = NULL;
    size_t len = 0;

    if (sr == NULL) {
        http_respond_error(r, 404, "no such document", NULL);
        return;
    }
    sr->get(&data, &len);
    http_respond(r, 200, sr->content_type, data, len, NULL);
}

const endpoint ep_static = {
    .id = SRV_EP_STATIC,
    .methods = EP_METHOD(HTTP_GET),
    .allow = "GET, HEAD, OPTIONS",
    .body = EP_BODY_NONE,
    .public_ = 0, /* per row: see static_route.public_ */
    .end = static_end,
};
