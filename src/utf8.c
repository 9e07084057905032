/*
 * utf8.c - the UTF-8 validator, cutter and repairer (see utf8.h).
 *
 * One scanning loop serves validation and repair. It takes 8 bytes at a
 * time while they are all ASCII (and, where NUL is invalid, none is NUL):
 * a charon log is nearly all ASCII, and the line layer repairs every line
 * with a high byte, so this is on the hot path. The flags are constants in
 * each instance of the loop (always inlined), so each caller's loop tests
 * only what it needs.
 */
#include <string.h>

#include "swar.h"
#include "utf8.h"

/* The 8 bytes at p are ASCII and, if nul_invalid, none is NUL. */
static inline bool ascii_word(const unsigned char *p, bool nul_invalid)
{
    uint64_t v = swar_load(p);
    uint64_t stop = v & SWAR_HIGHS;
    if (nul_invalid)
        stop |= swar_zero_bytes(v);
    return stop == 0;
}

static inline bool ascii_ok(unsigned c, unsigned flags)
{
    if (flags & UTF8_CONTROLS_INVALID)
        return c >= 0x20 && c != 0x7F;
    if (flags & UTF8_NUL_INVALID)
        return c != 0;
    return true;
}

/* The longest valid prefix of p[0..n) under flags. */
static inline __attribute__((always_inline)) size_t valid_prefix(const unsigned char *p,
                                                                 size_t n, unsigned flags)
{
    size_t i = 0;
    for (;;) {
        /* (controls: no word test; names from the network, short) */
        if (!(flags & UTF8_CONTROLS_INVALID))
            while (n - i >= 8 && ascii_word(p + i, flags & UTF8_NUL_INVALID))
                i += 8;
        /* the word that stopped it (or the tail), a byte or a sequence at
         * a time: back to whole words after it */
        size_t end = n - i > 8 ? i + 8 : n;
        while (i < end) {
            unsigned c = p[i];
            size_t len;
            if (c < 0x80) {
                if (!ascii_ok(c, flags))
                    return i;
                len = 1;
            } else {
                len = utf8_seq_len((const char *)p + i, n - i);
                if (len == 0)
                    return i;
            }
            i += len;
        }
        if (i >= n)
            return n;
    }
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
    return valid_prefix((const unsigned char *)s, n, 0);
}

static inline __attribute__((always_inline)) void replace_invalid(unsigned char *p, size_t n,
                                                                  unsigned flags)
{
    size_t i = 0;
    for (;;) {
        i += valid_prefix(p + i, n - i, flags);
        if (i >= n)
            return;
        p[i++] = '?';
    }
}

void utf8_replace_invalid(char *s, size_t n, unsigned flags)
{
    unsigned char *p = (unsigned char *)s;
    if (flags & UTF8_CONTROLS_INVALID)
        replace_invalid(p, n, UTF8_CONTROLS_INVALID);
    else if (flags & UTF8_NUL_INVALID)
        replace_invalid(p, n, UTF8_NUL_INVALID);
    else
        replace_invalid(p, n, 0);
}

char *utf8_put(char *w, uint32_t cp)
{
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        *w++ = '?';
    } else if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

static bool is_pictograph(uint32_t cp)
{
    return (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x1F000 && cp <= 0x1FAFF) || cp == 0xFE0F ||
           cp == 0x200D || cp == 0x20E3;
}

size_t utf8_trim_pictographs(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == 0 || p[n - 1] < 0x80)
            return n;
        /* the last sequence: back to its lead byte (at most 3 back) */
        size_t b = n - 1;
        while (b > 0 && n - b < 4 && (p[b] & 0xC0) == 0x80)
            b--;
        size_t len = utf8_seq_len(s + b, n - b);
        if (len != n - b || len < 3)
            return n;
        uint32_t cp = len == 3 ? (uint32_t)(p[b] & 0x0F) << 12 | (uint32_t)(p[b + 1] & 0x3F) << 6 |
                                     (uint32_t)(p[b + 2] & 0x3F)
                               : (uint32_t)(p[b] & 0x07) << 18 | (uint32_t)(p[b + 1] & 0x3F) << 12 |
                                     (uint32_t)(p[b + 2] & 0x3F) << 6 | (uint32_t)(p[b + 3] & 0x3F);
        if (!is_pictograph(cp))
            return n;
        n = b;
    }
}
