/*
 * fmt_match.c - match a log message against a strongSwan format string.
 */
#include <string.h>

#include "ascii.h"
#include "fmt_match.h"

#define LIT_MAX 256

/* f points just after '%'; skips flags, width, precision and length
 * modifiers and returns the position after the conversion letter. */
static int is_flag(char c)
{
    return c == '#' || c == '-' || c == '+' || c == ' ' || c == '0' || c == '\'';
}

static int is_length(char c)
{
    return c == 'h' || c == 'l' || c == 'z' || c == 'j' || c == 't' || c == 'L' || c == 'q';
}

static const char *parse_conv(const char *f, char *letter)
{
    while (is_flag(*f))
        f++;
    while (ascii_is_digit(*f) || *f == '*')
        f++;
    if (*f == '.') {
        f++;
        while (ascii_is_digit(*f) || *f == '*')
            f++;
    }
    while (is_length(*f))
        f++;
    *letter = *f;
    if (*f)
        f++;
    return f;
}

static int is_conv_start(const char *f)
{
    return f[0] == '%' && f[1] != '%' && f[1] != '\0';
}

int fmt_count_conversions(const char *fmt)
{
    int n = 0;
    char letter;
    while (*fmt) {
        if (fmt[0] == '%' && fmt[1] == '%') {
            fmt += 2;
        } else if (is_conv_start(fmt)) {
            fmt = parse_conv(fmt + 1, &letter);
            n++;
        } else {
            fmt++;
        }
    }
    return n;
}

static const char *mem_find(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0)
        return hay;
    if (nn > hn)
        return NULL;
    const char *end = hay + hn - nn;
    for (const char *p = hay; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nn) == 0)
            return p;
    }
    return NULL;
}

int fmt_match(const char *fmt, const char *msg, size_t n, span *caps, int maxcaps)
{
    const char *f = fmt;
    size_t pos = 0;
    int nconv = 0;
    char lit[LIT_MAX];

    while (ascii_is_space(*f))
        f++;
    while (n > 0 && ascii_is_space(msg[0])) {
        msg++;
        n--;
    }
    while (n > 0 && ascii_is_space(msg[n - 1]))
        n--;

    for (;;) {
        /* literal part: compared byte by byte */
        while (*f && !is_conv_start(f)) {
            char ch = *f;
            if (f[0] == '%' && f[1] == '%') {
                f += 2;
            } else {
                f++;
            }
            if (pos >= n) {
                /* trailing spaces of the format match the trimmed end */
                if (ascii_is_space(ch)) {
                    const char *t = f;
                    while (ascii_is_space(*t))
                        t++;
                    if (*t == '\0')
                        return nconv;
                }
                return -1;
            }
            if (msg[pos] != ch)
                return -1;
            pos++;
        }
        if (*f == '\0')
            return pos == n ? nconv : -1;

        char letter;
        f = parse_conv(f + 1, &letter);
        if (is_conv_start(f)) {
            /* two conversions in a row: the first captures nothing */
            if (nconv < maxcaps)
                caps[nconv] = (span){msg + pos, 0};
            nconv++;
            continue;
        }
        /* the literal that follows */
        size_t ln = 0;
        const char *g = f;
        while (*g && !is_conv_start(g) && ln < LIT_MAX) {
            if (g[0] == '%' && g[1] == '%') {
                lit[ln++] = '%';
                g += 2;
            } else {
                lit[ln++] = *g++;
            }
        }
        int final = (*g == '\0');
        span cap;
        if (final) {
            while (ln > 0 && ascii_is_space(lit[ln - 1]))
                ln--;
            if (n - pos < ln || memcmp(msg + n - ln, lit, ln) != 0)
                return -1;
            cap = (span){msg + pos, n - pos - ln};
            if (!fmt_capture_ok(letter, cap.p, cap.n))
                return -1;
            cap.n = fmt_last_capture_len(letter, cap.p, cap.n);
            if (nconv < maxcaps)
                caps[nconv] = cap;
            return nconv + 1;
        }
        /* %H and %N capture at least one byte, even one that begins the
         * literal (a redacted host "[server ip]" before "[") */
        size_t from = pos + (size_t)((letter == 'H' || letter == 'N') && pos < n);
        const char *hit = mem_find(msg + from, n - from, lit, ln);
        if (!hit)
            return -1;
        cap = (span){msg + pos, (size_t)(hit - (msg + pos))};
        if (!fmt_capture_ok(letter, cap.p, cap.n))
            return -1;
        if (nconv < maxcaps)
            caps[nconv] = cap;
        nconv++;
        pos = (size_t)(hit - msg);
    }
}

const char *fmt_final_literal(const char *fmt, size_t *len)
{
    const char *last = fmt;
    const char *f = fmt;
    char letter;
    while (*f) {
        if (f[0] == '%' && f[1] == '%') {
            f += 2;
        } else if (is_conv_start(f)) {
            f = parse_conv(f + 1, &letter);
            last = f;
        } else {
            f++;
        }
    }
    if (last == fmt) {
        /* no conversion at all: the whole format is literal */
        *len = strlen(fmt);
        return fmt;
    }
    *len = strlen(last);
    return last;
}
