/*
 * strbuf.c - see strbuf.h. Growth doubles, so appends are amortised O(1);
 * the fast path of an append is inline in strbuf.h, what is here runs when
 * the buffer must grow or drain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strfmt.h"

int strbuf_reserve(strbuf *sb, size_t extra)
{
    size_t need, cap;
    char *p;
    if (sb->failed)
        return -1;
    if (extra > (size_t)-1 - sb->len - 1) {
        sb->failed = 1;
        return -1;
    }
    need = sb->len + extra + 1;
    if (need <= sb->cap)
        return 0;
    cap = sb->cap ? sb->cap : 256;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    p = realloc(sb->data, cap);
    if (p == NULL) {
        sb->failed = 1;
        return -1;
    }
    sb->data = p;
    sb->cap = cap;
    return 0;
}

void strbuf_set_sink(strbuf *sb, strbuf_sink sink, void *ctx)
{
    sb->sink = sink;
    sb->sink_ctx = ctx;
}

int strbuf_flush(strbuf *sb)
{
    if (sb->failed)
        return -1;
    if (sb->sink != NULL && sb->len > 0) {
        if (sb->sink(sb->sink_ctx, sb->data, sb->len) != 0) {
            sb->failed = 1;
            return -1;
        }
        sb->len = 0;
        sb->data[0] = '\0';
    }
    return 0;
}

void strbuf_drain(strbuf *sb)
{
    if (sb->sink != NULL && sb->len >= STRBUF_SINK_AT)
        strbuf_flush(sb);
}

void strbuf_append_slow(strbuf *sb, const char *s, size_t n)
{
    if (strbuf_reserve(sb, n) < 0)
        return;
    if (n > 0)
        memcpy(sb->data + sb->len, s, n);
    strbuf_commit(sb, n);
}

void strbuf_puts(strbuf *sb, const char *s)
{
    strbuf_append(sb, s, strlen(s));
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    /* straight into the free room; only an output that does not fit is
     * formatted twice (strfmt_v: the common conversions without libc's
     * FILE set-up) */
    if (sb->failed || (sb->cap - sb->len < 256 && strbuf_reserve(sb, 256) < 0))
        return;
    va_start(ap, fmt);
    n = strfmt_v(sb->data + sb->len, sb->cap - sb->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->data[sb->len] = '\0';
        sb->failed = 1;
        return;
    }
    if ((size_t)n >= sb->cap - sb->len) {
        if (strbuf_reserve(sb, (size_t)n) < 0)
            return;
        va_start(ap, fmt);
        strfmt_v(sb->data + sb->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    strbuf_commit(sb, (size_t)n);
}

char *strbuf_steal(strbuf *sb)
{
    char *s;
    if (sb->failed) {
        strbuf_free(sb);
        return NULL;
    }
    if (sb->data == NULL && strbuf_reserve(sb, 0) < 0)
        return NULL;
    sb->data[sb->len] = '\0';
    s = sb->data;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void strbuf_free(strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = 0;
    sb->sink = NULL;
    sb->sink_ctx = NULL;
}
