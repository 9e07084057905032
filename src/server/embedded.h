/*
 * embedded.h - files compiled into the binary (generated at build time by
 * src/server/embed.cmake from the repository's copy, so the binary serves
 * exactly what is in the tree and needs no data directory).
 */
#ifndef SRV_EMBEDDED_H
#define SRV_EMBEDDED_H

#include <stddef.h>

/* api/openrpc.json, NUL-terminated; length without the NUL. */
extern const char srv_openrpc_json[];
extern const size_t srv_openrpc_json_len;

/* web/index.html (the helpdesk page served at GET /), likewise. */
extern const char srv_web_index_html[];
extern const size_t srv_web_index_html_len;

#endif
