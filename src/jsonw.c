/*
 * jsonw.c - see jsonw.h. The layout rules are jansson's (dump.c): a
 * container opens with "{" or "[", each member is preceded by a newline
 * and the indentation of its depth (members after the first by "," first),
 * the container closes on a new line at its own depth, and an empty one is
 * "{}" or "[]". Compact output has no whitespace at all.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"

void jw_init(jsonw *w, strbuf *sb, int indent)
{
    w->sb = sb;
    w->indent = indent;
    w->depth = 0;
    w->after_key = 0;
    memset(w->first, 1, sizeof w->first);
}

static void newline_indent(jsonw *w, int depth)
{
    static const char spaces[] = "                                ";
    if (w->indent <= 0)
        return;
    strbuf_append(w->sb, "\n", 1);
    size_t n = (size_t)depth * (size_t)w->indent;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        strbuf_append(w->sb, spaces, k);
        n -= k;
    }
}

static int level(const jsonw *w)
{
    return w->depth < JW_MAX_DEPTH ? w->depth : JW_MAX_DEPTH - 1;
}

/* Before a key, or a value that is not a key's: the separator and the
 * indentation of a new member of the innermost container. */
static void member(jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0)
        return;
    if (!w->first[level(w)])
        strbuf_append(w->sb, ",", 1);
    w->first[level(w)] = 0;
    newline_indent(w, w->depth);
}

static void open_container(jsonw *w, char c)
{
    member(w);
    strbuf_append(w->sb, &c, 1);
    w->depth++;
    w->first[level(w)] = 1;
}

static void close_container(jsonw *w, char c)
{
    int empty = w->first[level(w)];
    w->depth--;
    if (!empty)
        newline_indent(w, w->depth);
    strbuf_append(w->sb, &c, 1);
}

void jw_obj_begin(jsonw *w) { open_container(w, '{'); }
void jw_obj_end(jsonw *w) { close_container(w, '}'); }
void jw_arr_begin(jsonw *w) { open_container(w, '['); }
void jw_arr_end(jsonw *w) { close_container(w, ']'); }

/* jansson's dump_string: '"' and '\\' escaped, control bytes as \b \f \n
 * \r \t or \u00XX (upper-case hex), everything else (including '/' and
 * non-ASCII) as is. */
static void put_string(strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    strbuf_append(sb, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_append(sb, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u', esc[2] = '0', esc[3] = '0';
            esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
            k = 6;
        }
        strbuf_append(sb, esc, k);
    }
    strbuf_append(sb, s + run, n - run);
    strbuf_append(sb, "\"", 1);
}

void jw_key(jsonw *w, const char *key)
{
    member(w);
    put_string(w->sb, key, strlen(key));
    if (w->indent > 0)
        strbuf_append(w->sb, ": ", 2);
    else
        strbuf_append(w->sb, ":", 1);
    w->after_key = 1;
}

void jw_null(jsonw *w)
{
    member(w);
    strbuf_append(w->sb, "null", 4);
}

void jw_bool(jsonw *w, int v)
{
    member(w);
    if (v)
        strbuf_append(w->sb, "true", 4);
    else
        strbuf_append(w->sb, "false", 5);
}

void jw_int(jsonw *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    member(w);
    strbuf_append(w->sb, buf, (size_t)n);
}

int jw_real(jsonw *w, double v)
{
    char buf[64];
    if (!isfinite(v))
        return -1;
    int n = snprintf(buf, sizeof buf, "%.6g", v);
    if (n < 0 || (size_t)n >= sizeof buf - 3)
        return -1;
    size_t len = (size_t)n;
    /* a locale's decimal comma: jansson writes '.' */
    for (size_t i = 0; i < len; i++)
        if (buf[i] == ',')
            buf[i] = '.';
    if (!memchr(buf, '.', len) && !memchr(buf, 'e', len)) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *e = memchr(buf, 'e', len);
    if (e) {
        /* "1e+05" -> "1e5", "1e-05" -> "1e-5" */
        char *start = e + 1, *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    member(w);
    strbuf_append(w->sb, buf, len);
    return 0;
}

void jw_str(jsonw *w, const char *s)
{
    member(w);
    put_string(w->sb, s, strlen(s));
}

void jw_str_or_null(jsonw *w, const char *s)
{
    if (s == NULL) {
        jw_null(w);
        return;
    }
    size_t n = strlen(s);
    member(w);
    if (utf8_valid(s, n)) {
        put_string(w->sb, s, n);
        return;
    }
    /* as the report always did: every non-ASCII byte becomes '?' */
    strbuf clean = STRBUF_INIT;
    strbuf_append(&clean, s, n);
    if (clean.failed) {
        strbuf_free(&clean);
        strbuf_append(w->sb, "null", 4);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)clean.data[i] >= 0x80)
            clean.data[i] = '?';
    put_string(w->sb, clean.data, n);
    strbuf_free(&clean);
}

void jw_key_str(jsonw *w, const char *key, const char *s)
{
    if (s == NULL || !utf8_valid(s, strlen(s)))
        return;
    jw_key(w, key);
    jw_str(w, s);
}
