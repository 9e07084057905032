/*
 * strbuf.h - a growable NUL-terminated byte buffer for rendering.
 *
 * Appends never fail loudly: on allocation failure the buffer remembers it
 * (sb->failed) and later appends are no-ops, so renderers can append
 * freely and check once at the end.
 *
 * The JSON writer appends a few bytes at a time (a comma, a quote, a key),
 * so the common case of an append - there is room, no sink to feed - is
 * inline here: a compare and a memcpy, no call. Writers that know how much
 * they will write take the room once (strbuf_reserve, strbuf_room) and
 * fill it directly (strbuf_commit).
 */
#ifndef IDG_STRBUF_H
#define IDG_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

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

/* Makes room for `extra` more bytes (and the NUL): 0, or -1 if the buffer
 * failed (now or before). */
int strbuf_reserve(strbuf *sb, size_t extra);
/* The slow paths of the inline functions below. */
void strbuf_append_slow(strbuf *sb, const char *s, size_t n);
void strbuf_drain(strbuf *sb);

/* Where the next bytes go, after strbuf_reserve(sb, n) gave room for n;
 * strbuf_commit(sb, k) then counts the k <= n bytes written there. */
static inline char *strbuf_room(strbuf *sb)
{
    return sb->data + sb->len;
}

static inline void strbuf_commit(strbuf *sb, size_t k)
{
    sb->len += k;
    sb->data[sb->len] = '\0';
    if (sb->sink != NULL && sb->len >= STRBUF_SINK_AT)
        strbuf_drain(sb);
}

static inline void strbuf_append(strbuf *sb, const char *s, size_t n)
{
    /* room for n bytes and the NUL, and nothing to drain: a plain copy
     * (a failed buffer has failed set and takes the slow path's no-op) */
    if (n < sb->cap - sb->len && !sb->failed) {
        memcpy(sb->data + sb->len, s, n);
        strbuf_commit(sb, n);
        return;
    }
    strbuf_append_slow(sb, s, n);
}

static inline void strbuf_putc(strbuf *sb, char c)
{
    strbuf_append(sb, &c, 1);
}

void strbuf_puts(strbuf *sb, const char *s);
void strbuf_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the string over to the caller (malloc'd) and resets sb; NULL if an
 * allocation failed at any point. */
char *strbuf_steal(strbuf *sb);
void strbuf_free(strbuf *sb);

#endif
