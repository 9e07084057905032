/*
 * rpc.h - JSON-RPC 2.0 over one HTTP body, without any I/O.
 *
 * rpc_handle() takes the bytes of a POST /rpc body and writes the bytes of
 * the answer: one response object, a batch array, or nothing at all (only
 * notifications: the HTTP layer answers 204). Every JSON-RPC error is a
 * normal answer (HTTP 200); the function itself fails only when out of
 * memory.
 *
 * Methods: diagnose, classes, version, health, rpc.discover (the OpenRPC
 * document in api/openrpc.json, embedded at build time).
 */
#ifndef SRV_RPC_H
#define SRV_RPC_H

#include <stddef.h>

#include "server/http_conn.h"
#include "server/sbuf.h"

/* Server-defined error codes (JSON-RPC reserves -32000..-32099 for them);
 * documented in api/openrpc.json. */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_INTERNAL_ERROR = -32603,
    RPC_LOG_TOO_LARGE = -32000,
    RPC_BATCH_TOO_LARGE = -32001
};

/* Builds the answers that never change (classes, version) once, before the
 * worker threads start. Optional: without it they are built per call. */
void rpc_init(void);
void rpc_cleanup(void);

/* 0 with the answer in *out (out->len == 0: no answer), -1 on OOM. `w`
 * gives the limits (cfg) and the counters to update; it is not kept. */
int rpc_handle(srv_worker_ctx *w, const char *body, size_t len, sbuf *out);

/* Deepest nesting of arrays/objects in a JSON text (strings skipped),
 * stopping early once past `limit`. */
size_t json_depth(const char *p, size_t len, size_t limit);

#endif
