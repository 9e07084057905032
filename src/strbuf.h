/*
 * strbuf.h - a growable NUL-terminated byte buffer for rendering.
 *
 * Appends never fail loudly: on allocation failure the buffer remembers it
 * (sb->failed) and later appends are no-ops, so renderers can append
 * freely and check once at the end.
 */
#ifndef IDG_STRBUF_H
#define IDG_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Where a draining buffer hands its bytes (see strbuf_set_sink). Returns
 * 0, or -1 to stop (the buffer then counts as failed). */
typedef int (*strbuf_sink)(void *ctx, const char *data, size_t len);

typedef struct strbuf {
    char *data;     /* NUL-terminated when len > 0 or after strbuf_cstr */
    size_t len;     /* bytes used, excluding the NUL */
    size_t cap;     /* bytes allocated */
    int failed;     /* an allocation failed; contents are incomplete */
    strbuf_sink sink;  /* NULL: keep everything (the default) */
    void *sink_ctx;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0, 0, NULL, NULL}

/* Makes sb drain into sink whenever it holds STRBUF_SINK_AT bytes or more,
 * so a renderer writing a large document holds only a small window of it.
 * strbuf_flush hands over the rest. */
#define STRBUF_SINK_AT 65536
void strbuf_set_sink(strbuf *sb, strbuf_sink sink, void *ctx);
/* Drains what is held into the sink; 0, or -1 if the sink or an earlier
 * allocation failed. */
int strbuf_flush(strbuf *sb);

void strbuf_append(strbuf *sb, const char *s, size_t n);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the string over to the caller (malloc'd) and resets sb; NULL if an
 * allocation failed at any point. */
char *strbuf_steal(strbuf *sb);
void strbuf_free(strbuf *sb);

#endif
