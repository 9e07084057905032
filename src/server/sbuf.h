/*
 * sbuf.h - the server's growable byte buffer.
 *
 * Why not the library's strbuf: the server must not reach into the
 * library's internals (the headers in src/), and it needs two things strbuf does not
 * give: a hard cap (a request body may grow only to the configured limit,
 * and a failed append must be told apart from "too large"), and handing the
 * bytes over to the transport without a copy (sbuf_steal).
 *
 * An sbuf is always {data, len, cap}; data is NUL-terminated whenever
 * cap > 0, so a finished JSON text can be given to jansson or printed.
 */
#ifndef SRV_SBUF_H
#define SRV_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sbuf {
    char *data;
    size_t len;
    size_t cap;
} sbuf;

#define SBUF_INIT {NULL, 0, 0}

/* 0, or -1 on allocation failure (the buffer is left as it was). */
int sbuf_reserve(sbuf *b, size_t extra);
int sbuf_add(sbuf *b, const void *p, size_t n);
int sbuf_puts(sbuf *b, const char *s);
int sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decimal and lower-case hex numbers without printf: the response head
 * of every request has one (printf was a quarter of a small request's
 * instructions). */
int sbuf_put_u64(sbuf *b, uint64_t v);
int sbuf_put_i64(sbuf *b, int64_t v);
int sbuf_put_hex(sbuf *b, uint64_t v);
/* Appends s as the contents of a JSON string (without the quotes). */
int sbuf_json_escape(sbuf *b, const char *s, size_t n);
/* Gives the bytes away (malloc'd, NUL-terminated) and leaves b empty. */
char *sbuf_steal(sbuf *b);
void sbuf_reset(sbuf *b);   /* len = 0, memory kept */
void sbuf_free(sbuf *b);

#endif
