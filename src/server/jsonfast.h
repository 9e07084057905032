/*
 * jsonfast.h - a fast path for jansson's json_loadb() on /rpc bodies.
 *
 * Why: profiling the JSON-RPC `diagnose` call of a 3 KiB log showed
 * json_loadb() at 27% of the server's CPU, more than the diagnosis itself:
 * jansson's lexer reads one byte at a time through a stream abstraction,
 * decodes UTF-8 per character and appends each string byte to a growing
 * buffer. A log travels as one long JSON string, so nearly all of that is
 * spent on a single value.
 *
 * jsonfast_loadb() builds the same jansson tree (so rpc.c is unchanged) with
 * a recursive-descent parser whose string scanner skips plain ASCII 32
 * bytes at a time (SSE2), checks and decodes a string in one pass, and
 * hands an escape-free string to jansson in one copy. It accepts a strict subset of what json_loadb(JSON_DECODE_ANY |
 * JSON_ALLOW_NUL) accepts and returns NULL for anything else, including
 * every error; the caller then runs json_loadb() itself, which either
 * builds the tree after all (an input this parser is too strict for, e.g.
 * an unusually long number) or produces jansson's own error message. So the
 * answers, error texts included, are exactly jansson's.
 */
#ifndef SRV_JSONFAST_H
#define SRV_JSONFAST_H

#include <jansson.h>
#include <stddef.h>

/* The tree json_loadb(buf, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, ..)
 * would build, or NULL (not parsed here: ask jansson). Arrays and objects
 * nested deeper than max_depth are refused as well (NULL), so a tree that
 * comes back never needs json_depth(). */
json_t *jsonfast_loadb(const char *buf, size_t len, size_t max_depth);

#endif
