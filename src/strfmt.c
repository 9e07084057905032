/*
 * strfmt.c - the common printf conversions without a FILE (strfmt.h says
 * why). One pass over the format: literal runs and arguments are copied
 * while room remains and only counted after, as vsnprintf counts them.
 * The first conversion it does not handle restarts the whole format in
 * vsnprintf from a copy of the argument list taken before any was read.
 */
#include "strfmt.h"

#include <stdio.h>
#include <string.h>

/* Appends n bytes of s at *len, as far as room allows (one byte stays for
 * the NUL). */
static void put(char *buf, size_t room, size_t *len, const char *s, size_t n)
{
    if (*len + 1 < room) {
        size_t k = room - 1 - *len;
        memcpy(buf + *len, s, n < k ? n : k);
    }
    *len += n;
}

/* Decimal digits of v, negative when neg, into the end of tmp[24]. */
static size_t put_decimal(char tmp[24], unsigned long long v, int neg)
{
    size_t i = 24;

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        tmp[--i] = '-';
    memmove(tmp, tmp + i, 24 - i);
    return 24 - i;
}

int strfmt_v(char *buf, size_t room, const char *fmt, va_list ap)
{
    va_list again;
    size_t len = 0;
    const char *p = fmt;

    va_copy(again, ap);
    for (;;) {
        const char *pct = strchr(p, '%');
        size_t lit = pct ? (size_t)(pct - p) : strlen(p);
        put(buf, room, &len, p, lit);
        if (!pct)
            break;
        p = pct + 1;
        if (*p == '%') {
            put(buf, room, &len, "%", 1);
            p++;
            continue;
        }
        if (p[0] == 's') {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";   /* what glibc prints */
            put(buf, room, &len, s, strlen(s));
            p++;
            continue;
        }
        if (p[0] == '.' && p[1] == '*' && p[2] == 's') {
            int prec = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);
            if (prec < 0 || !s)
                goto fallback;   /* "all of it" / "(null)" rules: leave them to libc */
            put(buf, room, &len, s, strnlen(s, (size_t)prec));
            p += 3;
            continue;
        }
        if (p[0] == 'c') {
            char c = (char)va_arg(ap, int);
            put(buf, room, &len, &c, 1);
            p++;
            continue;
        }
        /* integers: [l|ll|z] then d, i or u */
        int lng = 0, size = 0;
        if (p[0] == 'l' && p[1] == 'l')
            lng = 2, p += 2;
        else if (p[0] == 'l')
            lng = 1, p++;
        else if (p[0] == 'z')
            size = 1, p++;
        if (*p != 'd' && *p != 'i' && *p != 'u')
            goto fallback;
        unsigned long long mag;
        int neg = 0;
        if (*p == 'u') {
            mag = size ? va_arg(ap, size_t)
                : lng == 2 ? va_arg(ap, unsigned long long)
                : lng == 1 ? va_arg(ap, unsigned long)
                : va_arg(ap, unsigned int);
        } else {
            long long v = size ? (long long)va_arg(ap, size_t)   /* %zd: ssize_t-sized */
                : lng == 2 ? va_arg(ap, long long)
                : lng == 1 ? va_arg(ap, long)
                : va_arg(ap, int);
            neg = v < 0;
            mag = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
        }
        char tmp[24];
        put(buf, room, &len, tmp, put_decimal(tmp, mag, neg));
        p++;
    }
    va_end(again);
    if (room)
        buf[len < room ? len : room - 1] = '\0';
    return len > (size_t)0x7fffffff ? -1 : (int)len;

fallback:;
    int n = vsnprintf(buf, room, fmt, again);
    va_end(again);
    return n;
}
