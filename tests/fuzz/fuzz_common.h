/*
 * fuzz_common.h - small helpers shared by the libFuzzer targets.
 *
 * Every check that fails calls fuzz_fail(), which prints what was wrong and
 * aborts, so libFuzzer records the input as a crash like any sanitizer
 * report.
 */
#ifndef IDG_FUZZ_COMMON_H
#define IDG_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charon_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_fail(...)                                              \
    do {                                                            \
        fprintf(stderr, "fuzz check failed (%s:%d): ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                               \
        fputc('\n', stderr);                                        \
        abort();                                                    \
    } while (0)

#define fuzz_check(cond, ...)                                       \
    do {                                                            \
        if (!(cond))                                                \
            fuzz_fail(__VA_ARGS__);                                 \
    } while (0)

/* A copy of the bytes in an allocation of exactly n bytes (no terminator),
 * so that AddressSanitizer catches any read or write past the end. */
static inline char *fuzz_dup_exact(const void *p, size_t n)
{
    char *c = malloc(n ? n : 1);
    if (c == NULL)
        abort();
    if (n)
        memcpy(c, p, n);
    return c;
}

/* Reads every byte of a span, so that ASan checks it is addressable. */
static inline unsigned fuzz_touch(const char *p, size_t n)
{
    volatile unsigned acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += (unsigned char)p[i];
    return acc;
}

/* 1 if p[0..n) is well-formed UTF-8 without NUL. */
static inline int fuzz_utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        size_t len;
        uint32_t cp;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if ((size_t)(e - p) < len)
            return 0;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += len;
    }
    return 1;
}

/* Prints bytes as an escaped string (for the report of a failed check). */
static inline void fuzz_dump(const char *what, const char *p, size_t n)
{
    fprintf(stderr, "%s (%zu bytes): \"", what, n);
    for (size_t i = 0; i < n && i < 400; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "%s\"\n", n > 400 ? "..." : "");
}

/* A NUL-terminated string that must be valid UTF-8 (NULL allowed). */
static inline void fuzz_check_cstr(const char *s, const char *what)
{
    if (s == NULL)
        return;
    fuzz_check(fuzz_utf8_ok(s, strlen(s)), "%s is not valid UTF-8", what);
}

/* A deterministic generator of chunk sizes, seeded from the input. */
typedef struct fuzz_rng {
    uint64_t s;
} fuzz_rng;

static inline uint64_t fuzz_next(fuzz_rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A chunk length: mostly tiny (1..8 bytes, so that every split point inside
 * a line, a CRLF or a UTF-8 sequence is tried), sometimes larger. */
static inline size_t fuzz_chunk_len(fuzz_rng *r, size_t left)
{
    uint64_t v = fuzz_next(r);
    size_t n;
    switch (v & 3) {
    case 0:
    case 1:
        n = 1 + (size_t)((v >> 8) % 8);
        break;
    case 2:
        n = 1 + (size_t)((v >> 8) % 200);
        break;
    default:
        n = 1 + (size_t)((v >> 8) % 8192);
        break;
    }
    return n < left ? n : left;
}

/* FNV-1a, to compare what two runs handed out. */
static inline uint64_t fuzz_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    if (h == 0)
        h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t fuzz_hash_span(uint64_t h, span s)
{
    h = fuzz_hash(h, &s.n, sizeof s.n);
    return fuzz_hash(h, s.p ? s.p : "", s.n);
}

/* Hash of everything a charon_line says (spans by content). */
static inline uint64_t fuzz_hash_line(uint64_t h, const charon_line *l)
{
    h = fuzz_hash(h, &l->lineno, sizeof l->lineno);
    h = fuzz_hash_span(h, l->raw);
    h = fuzz_hash_span(h, l->time);
    h = fuzz_hash(h, &l->ts, sizeof l->ts);
    h = fuzz_hash_span(h, l->host);
    h = fuzz_hash_span(h, l->program);
    h = fuzz_hash(h, &l->thread, sizeof l->thread);
    h = fuzz_hash(h, l->subsys, strnlen(l->subsys, sizeof l->subsys));
    h = fuzz_hash(h, &l->level, sizeof l->level);
    h = fuzz_hash_span(h, l->conn);
    h = fuzz_hash(h, &l->sa_id, sizeof l->sa_id);
    return fuzz_hash_span(h, l->msg);
}

/* A span handed out with a line: empty, or inside [lo, hi). */
static inline void fuzz_check_span(span s, const char *lo, const char *hi, const char *what)
{
    if (s.n == 0)
        return;
    fuzz_check(s.p != NULL, "%s: NULL pointer with length %zu", what, s.n);
    fuzz_check(s.p >= lo && s.p + s.n <= hi, "%s: span [%p,+%zu) outside the line [%p,%p)",
               what, (const void *)s.p, s.n, (const void *)lo, (const void *)hi);
    fuzz_touch(s.p, s.n);
}

/* The invariants of one charon_line whose text lies in [lo, hi). */
static inline void fuzz_check_line(const charon_line *l, const char *lo, const char *hi)
{
    fuzz_check_span(l->raw, lo, hi, "raw");
    const char *rlo = l->raw.p, *rhi = l->raw.p + l->raw.n;
    if (l->raw.n == 0)
        rlo = rhi = lo;
    fuzz_check_span(l->time, rlo, rhi, "time");
    fuzz_check_span(l->host, rlo, rhi, "host");
    fuzz_check_span(l->program, rlo, rhi, "program");
    fuzz_check_span(l->conn, rlo, rhi, "conn");
    fuzz_check_span(l->msg, rlo, rhi, "msg");
    fuzz_check(memchr(l->subsys, '\0', sizeof l->subsys) != NULL, "subsys not terminated");
    fuzz_check(l->thread >= -1, "thread %d", l->thread);
    fuzz_check(l->level >= -1, "level %d", l->level);
    fuzz_check(l->sa_id >= -1, "sa_id %lld", (long long)l->sa_id);
}

#endif
