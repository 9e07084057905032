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
#include "swar.h"
#include "utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void jw_init(jsonw *w, strbuf *sb, int indent)
{
    w->sb = sb;
    w->indent = indent;
    w->depth = 0;
    w->after_key = 0;
    memset(w->first, 1, sizeof w->first);
}

/* A member's separator and indentation come from these in one copy:
 * ",\n" and then up to JW_SPACES spaces (deeper ones append the rest). */
#define JW_SPACES 64
static const char sep_indent[] = ",\n"
    "                                                                ";

/* [","] "\n" and the indentation of depth (pretty), or [","] (compact). */
static void separator(jsonw *w, int comma, int depth)
{
    if (w->indent <= 0) {
        if (comma)
            strbuf_putc(w->sb, ',');
        return;
    }
    size_t n = (size_t)depth * (size_t)w->indent;
    size_t k = n < JW_SPACES ? n : JW_SPACES;
    strbuf_append(w->sb, sep_indent + !comma, 1 + (size_t)comma + k);
    for (n -= k; n > 0; n -= k) {
        k = n < JW_SPACES ? n : JW_SPACES;
        strbuf_append(w->sb, sep_indent + 2, k);
    }
}

static int level(const jsonw *w)
{
    return w->depth < JW_MAX_DEPTH ? w->depth : JW_MAX_DEPTH - 1;
}

/* Before a key, or a value that is not a key's: the separator and the
 * indentation of a new member of the innermost container. */
static inline void member(jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0)
        return;
    int lv = level(w);
    separator(w, !w->first[lv], w->depth);
    w->first[lv] = 0;
}

static void open_container(jsonw *w, char c)
{
    member(w);
    strbuf_putc(w->sb, c);
    w->depth++;
    w->first[level(w)] = 1;
}

static void close_container(jsonw *w, char c)
{
    int empty = w->first[level(w)];
    w->depth--;
    if (!empty)
        separator(w, 0, w->depth);
    strbuf_putc(w->sb, c);
}

void jw_obj_begin(jsonw *w) { open_container(w, '{'); }
void jw_obj_end(jsonw *w) { close_container(w, '}'); }
void jw_arr_begin(jsonw *w) { open_container(w, '['); }
void jw_arr_end(jsonw *w) { close_container(w, ']'); }

/* ---- strings ----------------------------------------------------------- */

/* What put_string does with a non-ASCII byte. */
enum {
    STR_TRUSTED,  /* copy it: the text is known to be valid UTF-8 */
    STR_CHECKED,  /* validate it (utf8_seq_len); invalid text: write nothing, -1 */
    STR_ASCII     /* write '?' for it (the report's repair of invalid text) */
};

/* Bytes that need a look: '"', '\\', the controls (escaped), non-ASCII. */
static const unsigned char attention_byte[256] = {
#define A16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
    A16, A16,                                    /* 0x00-0x1F */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    A16, A16, A16, A16, A16, A16, A16, A16       /* 0x80-0xFF */
#undef A16
};

#if defined(__SSE2__)
/* One bit per byte of the 16 at p that needs a look (non-ASCII bytes are
 * negative, so below 0x20 as signed bytes, like the controls); the bytes
 * are also stored at out when out is not NULL. */
static inline unsigned sse_attention(const char *p, char *out)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    if (out != NULL)
        _mm_storeu_si128((__m128i *)(void *)out, v);
    __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The index of the first byte of s[i..n) that needs a look, or n.
 * With SSE2, 16 bytes at a time: a signed compare with 0x20 is true for
 * the controls and for every byte >= 0x80 at once. Otherwise 8 at a time
 * in a 64-bit word: a byte's top bit is set in v - 0x20.. if the byte is
 * below 0x20, in (v ^ '"'..) - 0x01.. if it is '"', likewise for '\\',
 * and in v if it is >= 0x80; a borrow can carry into the bytes above a
 * flagged one, never below it, so on a little-endian machine the lowest
 * flagged byte is exactly the first byte that needs a look. */
static inline size_t next_attention(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        unsigned bits = sse_attention(s + i, NULL);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    /* The last 1..15 bytes in one more load, the 16 that end at the
     * string's end (never past it): the bytes before i in it were looked
     * at already and are masked off (SSE2 compares are exact per byte). */
    if (i < n && n >= 16) {
        size_t b = n - 16;
        unsigned bits = sse_attention(s + b, NULL) & (0xFFFFu << (i - b));
        return bits ? b + (size_t)__builtin_ctz(bits) : n;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t m = swar_json_attention(swar_load(s + i));
        if (m)
            return i + swar_first(m);
    }
    /* The last 1..7 bytes of a string of 8 or more: the word that ends at
     * its end, shifted so that s[i] is its lowest byte. Shifting (rather
     * than masking the flags of the bytes before i) matters: a borrow from
     * a byte before i, say a control byte, would flag a following space
     * falsely. The zeros shifted in at the top are flagged too and are
     * masked off; their borrows only run upwards. */
    if (i < n && n >= 8) {
        size_t b = n - 8, left = n - i; /* 1 <= left <= 7 */
        uint64_t v = swar_load(s + b) >> (8 * (i - b));
        uint64_t m = swar_json_attention(v) & ((1ull << (8 * left)) - 1);
        return m ? i + swar_first(m) : n;
    }
    while (i < n && !attention_byte[(unsigned char)s[i]])
        i++;
    return i;
}

/* The bytes at the start of s[0..n) that need no look, copied to o (room
 * for n bytes) as they are scanned: returns how many (n if none needs a
 * look). Most strings need nothing but this one pass, with no separate
 * memcpy. Bytes after those may be copied too (never past s[n - 1], so
 * never past o[n - 1]); the caller writes over them. The loads and the
 * checks are next_attention's (see there for the tails). */
static inline size_t copy_plain(const char *s, size_t n, char *o)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        unsigned bits = sse_attention(s + i, o + i);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    if (i < n && n >= 16) {
        size_t b = n - 16;
        unsigned bits = sse_attention(s + b, o + b) & (0xFFFFu << (i - b));
        return bits ? b + (size_t)__builtin_ctz(bits) : n;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        memcpy(o + i, s + i, 8);
        uint64_t m = swar_json_attention(swar_load(s + i));
        if (m)
            return i + swar_first(m);
    }
    if (i < n && n >= 8) {
        size_t b = n - 8, left = n - i;
        memcpy(o + b, s + b, 8);
        uint64_t v = swar_load(s + b) >> (8 * (i - b));
        uint64_t m = swar_json_attention(v) & ((1ull << (8 * left)) - 1);
        return m ? i + swar_first(m) : n;
    }
    for (; i < n && !attention_byte[(unsigned char)s[i]]; i++)
        o[i] = s[i];
    return i;
}

/* Room for `need` more bytes (and the NUL) at *o, which moves with the
 * buffer; nothing is committed (and nothing drained), so the caller can
 * still roll back. 0, or -1 on allocation failure. */
static int room(strbuf *sb, char **o, size_t need)
{
    if (need < (size_t)(sb->data + sb->cap - *o))
        return 0;
    sb->len = (size_t)(*o - sb->data);
    if (strbuf_reserve(sb, need) < 0)
        return -1;
    *o = sb->data + sb->len;
    return 0;
}

/* jansson's dump_string: '"' and '\\' escaped, control bytes as \b \f \n
 * \r \t or \u00XX (upper-case hex), everything else (including '/' and
 * non-ASCII) as is. The leading bytes that need no look are copied as
 * they are scanned (copy_plain: for most strings, all of them); after
 * that, runs of bytes that need no escape are one memcpy each, into room
 * reserved for the whole string; an escape grows it. Returns 0, or
 * -1 (nothing written) when mode is STR_CHECKED and s is not valid UTF-8. */
static int put_string(strbuf *sb, const char *s, size_t n, int mode)
{
    static const char hex[] = "0123456789ABCDEF";
    if ((n + 2 >= sb->cap - sb->len || sb->failed) && strbuf_reserve(sb, n + 2) < 0)
        return 0;
    size_t start = sb->len;
    char *o = sb->data + start;
    *o++ = '"';
    size_t i = copy_plain(s, n, o), run = i;
    o += i;
    while (i < n) {
        i = next_attention(s, i, n);
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            if (mode == STR_TRUSTED) {
                i++;
                continue;
            }
            if (mode == STR_CHECKED) {
                size_t k = utf8_seq_len(s + i, n - i);
                if (k == 0) {
                    sb->len = start;
                    sb->data[start] = '\0';
                    return -1;
                }
                i += k;
                continue;
            }
        }
        /* the run before it, then its replacement: at most 6 bytes for
         * one, and the rest of the string and the quote still to come */
        if (room(sb, &o, (i - run) + 6 + (n - i) + 1) < 0) {
            sb->len = start;
            return 0;
        }
        memcpy(o, s + run, i - run);
        o += i - run;
        run = ++i;
        if (c >= 0x80) { /* STR_ASCII */
            *o++ = '?';
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            o[0] = 'u', o[1] = '0', o[2] = '0', o[3] = hex[c >> 4], o[4] = hex[c & 15];
            o += 5;
        }
    }
    if (n > run) { /* the run after the last escape */
        memcpy(o, s + run, n - run);
        o += n - run;
    }
    *o++ = '"';
    sb->len = start;
    strbuf_commit(sb, (size_t)(o - (sb->data + start)));
    return 0;
}

void jw_key(jsonw *w, const char *key)
{
    member(w);
    put_string(w->sb, key, strlen(key), STR_TRUSTED);
    strbuf_append(w->sb, ": ", w->indent > 0 ? 2 : 1);
    w->after_key = 1;
}

void jw_key_quoted(jsonw *w, const char *q, size_t n)
{
    member(w);
    strbuf_append(w->sb, q, w->indent > 0 ? n : n - 1);
    w->after_key = 1;
}

/* Where the string opening at j[i] (a '"') ends: past its closing quote,
 * found by memchr (a quote is escaped when an odd number of backslashes
 * stands before it). */
static size_t string_end(const char *j, size_t i, size_t n)
{
    for (size_t k = i + 1; k < n;) {
        const char *q = memchr(j + k, '"', n - k);
        if (q == NULL)
            return n;
        size_t at = (size_t)(q - j), back = 0;
        while (at - back > i + 1 && j[at - back - 1] == '\\')
            back++;
        if (back % 2 == 0)
            return at + 1;
        k = at + 1;
    }
    return n;
}

void jw_compact_value(jsonw *w, const char *j, size_t n)
{
    if (w->indent <= 0) { /* the layout it already has: one copy */
        member(w);
        strbuf_append(w->sb, j, n);
        return;
    }
    size_t i = 0;
    while (i < n) {
        switch (j[i]) {
        case '{':
        case '[':
            open_container(w, j[i++]);
            continue;
        case '}':
        case ']':
            close_container(w, j[i++]);
            continue;
        case ',': /* member() writes the separator of the next one */
            i++;
            continue;
        default:
            break;
        }
        /* a scalar or a key: a string to its closing quote, anything else
         * to the next structural byte */
        size_t start = i;
        if (j[i] == '"') {
            i = string_end(j, i, n);
        } else {
            while (i < n && j[i] != ',' && j[i] != '}' && j[i] != ']' && j[i] != ':')
                i++;
        }
        member(w);
        strbuf_append(w->sb, j + start, i - start);
        if (i < n && j[i] == ':') {
            strbuf_append(w->sb, ": ", w->indent > 0 ? 2 : 1);
            w->after_key = 1;
            i++;
        }
    }
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

/* Two digits per division (the numbers here are mostly 5 to 8 digits). */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Written straight into room for the longest ("-9223372036854775808",
 * 20 bytes): its length counted first, then the digits from the right. */
void jw_put_int(strbuf *sb, int64_t v)
{
    if ((20 >= sb->cap - sb->len || sb->failed) && strbuf_reserve(sb, 20) < 0)
        return;
    static const uint64_t pow10[19] = {
        10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
        1000000000000ull, 10000000000000ull, 100000000000000ull,
        1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
        1000000000000000000ull, 10000000000000000000ull};
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t digits = 1;
    while (digits < 20 && u >= pow10[digits - 1])
        digits++;
    size_t len = digits + (v < 0);
    char *o = strbuf_room(sb), *p = o + len;
    while (u >= 100) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (u % 100), 2);
        u /= 100;
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    strbuf_commit(sb, len);
}

void jw_int(jsonw *w, int64_t v)
{
    member(w);
    jw_put_int(w->sb, v);
}

/* "%.6g" of v when v is k/100 for an integer 0 <= k < 100000 (at most
 * five significant digits, no exponent: a rounded confidence), with
 * jansson's ".0"; 0 when v is not such a number. */
static size_t real_hundredths(double v, char *buf)
{
    if (!(v >= 0 && v < 1000) || signbit(v))
        return 0;
    long k = (long)(v * 100 + 0.5);
    if ((double)k / 100 != v)
        return 0;
    char *p = buf + 8, *e = p;
    long ip = k / 100, fr = k % 100;
    if (fr == 0) {
        *--p = '0';
    } else if (fr % 10 == 0) {
        *--p = (char)('0' + fr / 10);
    } else {
        *--p = (char)('0' + fr % 10);
        *--p = (char)('0' + fr / 10);
    }
    *--p = '.';
    do {
        *--p = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    memmove(buf, p, (size_t)(e - p));
    return (size_t)(e - p);
}

/* The text of jw_real's number into buf (64 bytes): its length, or 0. */
static size_t format_real(double v, char *buf)
{
    if (!isfinite(v))
        return 0;
    size_t fast = real_hundredths(v, buf);
    if (fast)
        return fast;
    int n = snprintf(buf, 64, "%.6g", v);
    if (n < 0 || (size_t)n >= 64 - 3)
        return 0;
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
    return len;
}

int jw_put_real(strbuf *sb, double v)
{
    char buf[64];
    size_t len = format_real(v, buf);
    if (len == 0)
        return -1;
    strbuf_append(sb, buf, len);
    return 0;
}

int jw_real(jsonw *w, double v)
{
    char buf[64];
    size_t len = format_real(v, buf);
    if (len == 0)
        return -1;
    member(w);
    strbuf_append(w->sb, buf, len);
    return 0;
}

void jw_put_str(strbuf *sb, const char *s)
{
    put_string(sb, s, strlen(s), STR_TRUSTED);
}

void jw_str(jsonw *w, const char *s)
{
    member(w);
    jw_put_str(w->sb, s);
}

void jw_put_str_or_null(strbuf *sb, const char *s)
{
    if (s == NULL) {
        JW_LIT(sb, "null");
        return;
    }
    size_t n = strlen(s);
    /* validated as it is escaped; as the report always did, text that is
     * not valid UTF-8 has every non-ASCII byte replaced by '?' */
    if (put_string(sb, s, n, STR_CHECKED) < 0)
        put_string(sb, s, n, STR_ASCII);
}

void jw_str_or_null(jsonw *w, const char *s)
{
    member(w);
    jw_put_str_or_null(w->sb, s);
}

void jw_put_key_str(strbuf *sb, const char *q, size_t n, const char *s)
{
    size_t len;
    if (s == NULL || !utf8_valid(s, len = strlen(s)))
        return;
    strbuf_append(sb, q, n);
    put_string(sb, s, len, STR_TRUSTED);
}

void jw_key_str(jsonw *w, const char *key, const char *s)
{
    if (s == NULL || !utf8_valid(s, strlen(s)))
        return;
    jw_key(w, key);
    jw_str(w, s);
}
