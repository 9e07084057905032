/*
 * sbuf.c - growable byte buffer (see sbuf.h for why the server has its own).
 */
#include "server/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sbuf_reserve(sbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t ncap;
    char *p;

    if (need < b->len)
        return -1;
    if (need <= b->cap)
        return 0;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2)
            return -1;
        ncap *= 2;
    }
    p = realloc(b->data, ncap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = ncap;
    return 0;
}

int sbuf_add(sbuf *b, const void *p, size_t n)
{
    if (sbuf_reserve(b, n) != 0)
        return -1;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int sbuf_puts(sbuf *b, const char *s)
{
    return sbuf_add(b, s, strlen(s));
}

int sbuf_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    size_t room = b->cap > b->len ? b->cap - b->len : 0;

    va_start(ap, fmt);
    n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < room) {
        b->len += (size_t)n;
        return 0;
    }
    if (sbuf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int sbuf_put_u64(sbuf *b, uint64_t v)
{
    char tmp[20];
    size_t i = sizeof tmp;

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return sbuf_add(b, tmp + i, sizeof tmp - i);
}

int sbuf_put_i64(sbuf *b, int64_t v)
{
    if (v >= 0)
        return sbuf_put_u64(b, (uint64_t)v);
    if (sbuf_add(b, "-", 1) != 0)
        return -1;
    return sbuf_put_u64(b, (uint64_t)0 - (uint64_t)v); /* INT64_MIN too */
}

int sbuf_put_hex(sbuf *b, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    size_t i = sizeof tmp;

    do {
        tmp[--i] = hex[v & 15];
        v >>= 4;
    } while (v);
    return sbuf_add(b, tmp + i, sizeof tmp - i);
}

int sbuf_json_escape(sbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[7];
        size_t elen = 2;

        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        if (sbuf_add(b, s + start, i - start) != 0)
            return -1;
        esc[0] = '\\';
        switch (ch) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[ch >> 4];
            esc[5] = hex[ch & 15];
            elen = 6;
        }
        if (sbuf_add(b, esc, elen) != 0)
            return -1;
        start = i + 1;
    }
    return sbuf_add(b, s + start, n - start);
}

char *sbuf_steal(sbuf *b)
{
    char *p = b->data;

    if (p == NULL)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void sbuf_reset(sbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void sbuf_free(sbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
