/*
 * jsonfast.c - the fast path for json_loadb() on /rpc bodies (see
 * jsonfast.h for why it exists and why it may refuse anything).
 *
 * The grammar and every check follow jansson 2.14's load.c so that an input
 * accepted here gives the tree jansson would give:
 *   - whitespace is space, tab, CR, LF; any other byte outside a string that
 *     is not part of a token is an error (NUL included);
 *   - numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; without '.',
 *     'e' or 'E' an integer (json_int_t, an overflow is an error), else a
 *     real (an overflow to infinity is an error, an underflow is not);
 *   - strings: no raw byte below 0x20, well-formed UTF-8 (utf8.h's test is
 *     jansson's), escapes \" \\ \/ \b \f \n \r \t \uXXXX with surrogate
 *     pairs joined and lone surrogates refused; \u0000 is allowed in values
 *     (JSON_ALLOW_NUL) but not in object keys;
 *   - duplicate keys: the last value wins, at the first key's position
 *     (json_object_setn_new_nocheck, as jansson does);
 *   - one value, then only whitespace to the end (JSON_DECODE_ANY).
 * Nesting deeper than the caller's limit (and than JF_MAX_DEPTH, well below
 * jansson's JSON_PARSER_MAX_DEPTH) is refused too: the caller's json_depth()
 * check then answers it, so a tree from here needs no depth pre-scan.
 */
#include "server/jsonfast.h"
#include "ascii.h"
#include "swar.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "utf8.h"

#define JF_MAX_DEPTH 512
#define JF_MAX_NUMBER 64 /* longer number tokens are left to jansson */

typedef struct jf {
    const char *p, *end;
    size_t depth, max_depth;
    char *scratch;       /* decoded strings with escapes (see scan_string) */
    size_t scap;
} jf;

/* Does byte c end a run of plain string characters? '"', '\\', the C0
 * controls (refused) and every non-ASCII byte (validated). One unsigned
 * compare covers both ends of the range: c - 0x20 wraps for c < 0x20. */
static inline int stops_run(unsigned char c)
{
    return (unsigned char)(c - 0x20) >= 0x60 || c == '"' || c == '\\';
}

#if !defined(__SSE2__)
/* Eight bytes at a time: is any of them one that stops_run()? (A false
 * alarm would only send the word through the byte loop.) */
static inline int word_stops(const char *p)
{
    return swar_json_attention(swar_load(p)) != 0;
}
#endif

#if defined(__SSE2__)
/* Bit i set when byte i of v stops_run() (see plain_run). */
static inline uint32_t stop_mask(__m128i v)
{
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (uint32_t)_mm_movemask_epi8(stop);
}

/* plain_run's answer when the stop byte is k bytes after p (and w). */
static inline const char *run_end(const char *p, char **wp, char *w, unsigned k)
{
    if (wp != NULL)
        *wp = w + k;
    return p + k;
}
#endif

/*
 * The first byte in [p, end) that stops_run(), or end: the plain run of a
 * string's bytes from p. With wp != NULL the run is also copied to *wp,
 * which is advanced past it (scan_string once it is decoding).
 *
 * Why SSE2: a `diagnose` body is one long JSON string (the log), so this
 * loop sees nearly every byte of a request, and a log line is ~80 bytes
 * between two "\n" escapes. Sixteen bytes per compare, two blocks (32 bytes)
 * per iteration with the first stop byte found by one count of trailing
 * zeros, is several times cheaper than the 8-byte SWAR test that then walks
 * the word byte by byte (SSE2 is part of x86-64: no run-time dispatch). Bit
 * i of the mask is set when byte i is '"', '\\', or below 0x20 or at least
 * 0x80 as an unsigned byte: one signed compare with 0x20 covers both, as
 * 0x80..0xFF are the negative signed chars. Its lowest set bit is exactly
 * the first stop byte (its other bits are not looked at).
 *
 * A load of 32 (16) bytes is made only while 32 (16) bytes remain, so
 * nothing past end is read; the last 0..15 go through the byte loop. When
 * copying, the blocks are stored whole before the mask is looked at, so up
 * to 31 bytes after the run may be written too, never further than p is
 * from end: scan_string's scratch buffer has room for them. Elsewhere (no
 * SSE2), the SWAR test of swar.h, 8 bytes at a time.
 *
 * always_inline: each of scan_string's two calls gets its own copy, the
 * validating one (wp NULL) free of the copying.
 */
static inline __attribute__((always_inline)) const char *plain_run(const char *p, const char *end,
                                                                   char **wp)
{
    char *w = wp != NULL ? *wp : NULL;

#if defined(__SSE2__)
    /* 32 bytes (two blocks, one 32-bit mask) per iteration, then one block */
    while (end - p >= 32) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
        if (w != NULL) {
            _mm_storeu_si128((__m128i *)(void *)w, v0);
            _mm_storeu_si128((__m128i *)(void *)(w + 16), v1);
        }
        uint32_t mask = stop_mask(v0) | stop_mask(v1) << 16;
        if (mask != 0)
            return run_end(p, wp, w, (unsigned)__builtin_ctz(mask));
        p += 32;
        if (w != NULL)
            w += 32;
    }
    if (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        if (w != NULL)
            _mm_storeu_si128((__m128i *)(void *)w, v);
        uint32_t mask = stop_mask(v);
        if (mask != 0)
            return run_end(p, wp, w, (unsigned)__builtin_ctz(mask));
        p += 16;
        if (w != NULL)
            w += 16;
    }
#else
    while (end - p >= 8 && !word_stops(p)) {
        if (w != NULL) {
            memcpy(w, p, 8);
            w += 8;
        }
        p += 8;
    }
#endif
    while (p < end && !stops_run((unsigned char)*p)) {
        if (w != NULL)
            *w++ = *p;
        p++;
    }
    if (wp != NULL)
        *wp = w;
    return p;
}

static void skip_ws(jf *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

/* The 4 hex digits at p, or -1. */
static int32_t hex4(const char *p)
{
    int32_t v = 0;

    for (int i = 0; i < 4; i++) {
        int h = ascii_hex_value(p[i]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

static char *put_utf8(char *w, int32_t cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | cp >> 6);
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | cp >> 12);
        *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | cp >> 18);
        *w++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/*
 * A string, j->p just after its opening quote. One pass over the raw text
 * finds the closing quote and checks every byte and escape. Up to the first
 * escape nothing is copied: a string without one is handed back in the
 * input itself. From the first escape on, the same checks go on while the
 * text is decoded into the scratch buffer. *s and *n receive the value (in
 * the input or in scratch); *has_nul is set when a \u0000 was decoded.
 * Returns 0, or -1 (not parsed here).
 */
static int scan_string(jf *j, const char **s, size_t *n, int *has_nul)
{
    const char *start = j->p, *p = j->p, *end = j->end;

    *has_nul = 0;
    for (;;) {
        p = plain_run(p, end, NULL);
        if (p >= end)
            return -1;
        if (*p == '"') {
            j->p = p + 1;
            *s = start;
            *n = (size_t)(p - start);
            return 0;
        }
        if (*p == '\\')
            break;
        if ((unsigned char)*p < 0x20)
            return -1;
        size_t k = utf8_seq_len(p, (size_t)(end - p));
        if (k == 0)
            return -1;
        p += k;
    }

    /* Decoding. The output never runs ahead of the input (no escape is
     * shorter than what it decodes to): with w at scratch + d, p is at or
     * past start + d. plain_run() stores 32 (16) bytes at w only while 32
     * (16) bytes of input remain at p, so every store ends within scratch +
     * (end - start), the room given here (a diagnose body's log is nearly
     * all of it anyway). The first string with an escape sizes it for the
     * rest of the input. */
    size_t room = (size_t)(end - start);
    if (room > j->scap) {
        free(j->scratch); /* nothing in it is needed any more */
        j->scap = 0;
        if ((j->scratch = malloc(room)) == NULL)
            return -1;
        j->scap = room;
    }
    char *w = j->scratch;
    memcpy(w, start, (size_t)(p - start));
    w += p - start;
    for (;;) {
        /* p is at a byte that stops_run(), inside the input */
        if (*p == '"')
            break;
        if (*p == '\\') {
            if (end - p < 2)
                return -1;
            char c = p[1];
            p += 2;
            switch (c) {
            case '"': case '\\': case '/': *w++ = c; break;
            case 'b': *w++ = '\b'; break;
            case 'f': *w++ = '\f'; break;
            case 'n': *w++ = '\n'; break;
            case 'r': *w++ = '\r'; break;
            case 't': *w++ = '\t'; break;
            case 'u': {
                int32_t cp = end - p >= 4 ? hex4(p) : -1;
                if (cp < 0)
                    return -1;
                p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    int32_t lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return -1; /* no second half: jansson's "invalid Unicode" */
                    cp = ((cp - 0xD800) << 10) + (lo - 0xDC00) + 0x10000;
                    p += 6;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return -1;
                }
                if (cp == 0)
                    *has_nul = 1;
                w = put_utf8(w, cp);
                break;
            }
            default:
                return -1;
            }
        } else {
            if ((unsigned char)*p < 0x20)
                return -1;
            size_t k = utf8_seq_len(p, (size_t)(end - p));
            if (k == 0)
                return -1;
            memcpy(w, p, k);
            w += k;
            p += k;
        }
        p = plain_run(p, end, &w);
        if (p >= end)
            return -1;
    }
    j->p = p + 1;
    *s = j->scratch;
    *n = (size_t)(w - j->scratch);
    return 0;
}

static json_t *parse_number(jf *j)
{
    const char *p = j->p, *start = p, *end = j->end;
    int real = 0;
    char tok[JF_MAX_NUMBER + 1], *tend;

    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        real = 1;
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if ((size_t)(p - start) > JF_MAX_NUMBER)
        return NULL;
    memcpy(tok, start, (size_t)(p - start));
    tok[p - start] = '\0';
    j->p = p;
    errno = 0;
    if (!real) {
        long long v = strtoll(tok, &tend, 10);
        if (errno == ERANGE || *tend)
            return NULL;
        return json_integer((json_int_t)v);
    }
    double d = strtod(tok, &tend);
    if (*tend || (errno == ERANGE && isinf(d)))
        return NULL;
    return json_real(d);
}

static json_t *parse_value(jf *j);

static json_t *parse_array(jf *j)
{
    json_t *a = json_array();

    if (a == NULL)
        return NULL;
    j->p++; /* '[' */
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return a;
    }
    for (;;) {
        json_t *v = parse_value(j);
        if (v == NULL || json_array_append_new(a, v) != 0)
            goto fail;
        skip_ws(j);
        if (j->p >= j->end)
            goto fail;
        if (*j->p == ']') {
            j->p++;
            return a;
        }
        if (*j->p != ',')
            goto fail;
        j->p++;
    }
fail:
    json_decref(a);
    return NULL;
}

static json_t *parse_object(jf *j)
{
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    j->p++; /* '{' */
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return o;
    }
    for (;;) {
        const char *k;
        size_t kn;
        int nul;
        char *key = NULL;
        json_t *v;

        skip_ws(j);
        if (j->p >= j->end || *j->p != '"')
            goto fail;
        j->p++;
        if (scan_string(j, &k, &kn, &nul) != 0 || nul)
            goto fail;
        /* an unescaped key points into the input; a decoded one into
         * scratch, which the value's strings reuse: copy that one */
        if (k == j->scratch) {
            if ((key = malloc(kn)) == NULL)
                goto fail;
            k = memcpy(key, k, kn);
        }
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':') {
            free(key);
            goto fail;
        }
        j->p++;
        v = parse_value(j);
        if (v == NULL || json_object_setn_new_nocheck(o, k, kn, v) != 0) {
            free(key);
            goto fail;
        }
        free(key);
        skip_ws(j);
        if (j->p >= j->end)
            goto fail;
        if (*j->p == '}') {
            j->p++;
            return o;
        }
        if (*j->p != ',')
            goto fail;
        j->p++;
    }
fail:
    json_decref(o);
    return NULL;
}

static int literal(jf *j, const char *word, size_t n)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

static json_t *parse_value(jf *j)
{
    json_t *v;

    skip_ws(j);
    if (j->p >= j->end)
        return NULL;
    switch (*j->p) {
    case '"': {
        const char *s;
        size_t n;
        int nul;
        j->p++;
        if (scan_string(j, &s, &n, &nul) != 0)
            return NULL;
        return json_stringn_nocheck(s, n);
    }
    case '{':
    case '[':
        if (++j->depth > j->max_depth)
            return NULL;
        v = *j->p == '{' ? parse_object(j) : parse_array(j);
        j->depth--;
        return v;
    case 't':
        return literal(j, "true", 4) ? json_true() : NULL;
    case 'f':
        return literal(j, "false", 5) ? json_false() : NULL;
    case 'n':
        return literal(j, "null", 4) ? json_null() : NULL;
    default:
        return parse_number(j);
    }
}

json_t *jsonfast_loadb(const char *buf, size_t len, size_t max_depth)
{
    jf j = {buf, buf + len, 0, max_depth < JF_MAX_DEPTH ? max_depth : JF_MAX_DEPTH, NULL, 0};
    json_t *v = parse_value(&j);

    free(j.scratch);
    if (v == NULL)
        return NULL;
    skip_ws(&j);
    if (j.p != j.end) { /* trailing bytes: jansson's "end of file expected" */
        json_decref(v);
        return NULL;
    }
    return v;
}
