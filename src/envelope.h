/*
 * envelope.h - the envelope parser's per-line fast path, inline.
 *
 * Nearly every line of a log repeats the previous line's header byte for
 * byte ("Nov 27 14:07:52 fw charon[4242]: ") and opens with the usual
 * charon prefix ("09[IKE] <con12|345> "). For such a line the whole parse
 * is a compare and a few word operations, cheaper than the call that would
 * run it: this header lets the line source (line_source.c) do it where it
 * reads the line, and envelope.c use the same code for its own parse.
 * Anything else on this path - another header, a changed time, a prefix of
 * another shape - answers "not here", and the caller goes through
 * envelope_classify_cached (line_source.h), which decides the same way for
 * the lines this path takes and handles all the others.
 *
 * Only envelope.c and line_source.c include this.
 */
#ifndef IDG_ENVELOPE_H
#define IDG_ENVELOPE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "charon_line.h"
#include "line_source.h"
#include "swar.h"

/* The first '|' or '>' in [q, end), or end. A connection name is short:
 * one vector load usually finds it. */
static inline char *envelope_find_bar_or_gt(char *q, const char *end)
{
#if defined(__SSE2__)
    if (end - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        int hit = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('|')),
                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))));
        if (hit)
            return q + __builtin_ctz((unsigned)hit);
        q += 16;
    }
#endif
    for (; end - q >= 8; q += 8) {
        uint64_t v = swar_load(q);
        uint64_t hit = swar_bytes_equal(v, '|') | swar_bytes_equal(v, '>');
        if (hit)
            return q + swar_first(hit);
    }
    while (q < end && *q != '|' && *q != '>')
        q++;
    return q;
}

/*
 * The usual shape, "TT[GRP] ", checked as one word: two digits, '[', three
 * capitals, ']', a space (a three-digit thread or a level digit takes the
 * general path). Returns false if the word is not of that shape.
 */
static inline bool envelope_core_word(uint64_t w)
{
    /* per byte, in memory order: the least and the greatest value allowed
     * ("00[AAA] " .. "99[ZZZ] ") */
    const uint64_t lo = 0x205D4141415B3030ull, hi = 0x205D5A5A5A5B3939ull;
    /* with the high bit set above a 7-bit byte, subtracting a 7-bit bound
     * never borrows from the next byte, and the high bit survives exactly
     * when the byte is at least the bound (or the bound at least the byte) */
    uint64_t w7 = w & ~SWAR_HIGHS;
    uint64_t ge_lo = (w7 | SWAR_HIGHS) - lo, le_hi = (hi | SWAR_HIGHS) - w7;
    return (ge_lo & le_hi & ~w & SWAR_HIGHS) == SWAR_HIGHS; /* ~w: ASCII */
}

/* The value of 1 to 7 ASCII digits, the low n bytes of w (memory order):
 * they are moved to the top of the word and combined pairwise, 2, 4 then
 * 8 digits at a time (the bytes shifted in are leading zeros). */
static inline int64_t envelope_digits_value(uint64_t w, unsigned n)
{
    uint64_t v = (w ^ (SWAR_ONES * '0')) << (64 - 8 * n);
    v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFull;
    v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFull;
    v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFull;
    return (int64_t)v;
}

/*
 * The common prefixes, "TT[GRP] message" and "TT[GRP] <NAME|ID> message"
 * with an ID of 1 to 7 digits, read without a branch per byte. Returns
 * true with every prefix field of out set, or false (nothing set) for the
 * general parser to decide, which gives the same result on these shapes.
 */
static inline bool envelope_prefix_fast(char *p, char *end, charon_line *out)
{
    if (end - p < 8)
        return false;
    uint64_t w = swar_load(p);
    if (!envelope_core_word(w))
        return false;
    /* conn and sa_id are stored in each branch once it cannot fail (false
     * still leaves out untouched) rather than carried in locals to one
     * store at the end: three fewer live values across the thread and
     * subsystem arithmetic, which otherwise go to the stack and back in
     * the in-place loop this is inlined into */
    char *msg = p + 8;
    if (msg < end && *msg == '<') {
        char *name = msg + 1, *bar = envelope_find_bar_or_gt(name, end);
        if (bar < end && *bar == '>') {
            /* "<ID>": an IKE_SA not yet matched to a config (a responder's
             * IKE_SA_INIT, every line of an unnamed negotiation) */
            unsigned n = (unsigned)(bar - name);
            if (n == 0 || n > 7 || end - name < 8)
                return false;
            uint64_t idw = swar_load(name);
            if (swar_first(swar_non_digits(idw)) != n || (bar + 1 < end && bar[1] != ' '))
                return false;
            out->sa_id = envelope_digits_value(idw, n);
            out->conn = (span){"", 0};
            msg = bar + 2;
            goto prefix_done;
        }
        if (bar >= end || *bar != '|' || end - bar < 9)
            return false;
        char *id = bar + 1;
        uint64_t idw = swar_load(id);
        uint64_t non_digits = swar_non_digits(idw);
        if (!non_digits)
            return false;
        unsigned n = swar_first(non_digits);
        char *gt = id + n;
        if (n == 0 || *gt != '>' || (gt + 1 < end && gt[1] != ' '))
            return false;
        out->sa_id = envelope_digits_value(idw, n);
        out->conn = bar > name ? (span){name, (size_t)(bar - name)} : (span){"", 0};
        msg = gt + 2;
    } else {
        /* "[NAME|ID]" (a context retyped after Markdown ate the '<'): the
         * general parser's */
        if (msg < end && *msg == '[')
            return false;
        out->conn = (span){"", 0};
        out->sa_id = -1;
    }
prefix_done:
    out->thread = (int)((w & 0x0F) * 10 + ((w >> 8) & 0x0F));
    out->level = -1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* subsys: the three capitals and a NUL, one store */
    uint32_t group = (uint32_t)(w >> 24) & 0x00FFFFFFu;
    memcpy(out->subsys, &group, 4);
#else
    memcpy(out->subsys, p + 3, 3);
    out->subsys[3] = '\0';
#endif
    out->msg = msg <= end ? (span){msg, (size_t)(end - msg)} : (span){"", 0};
    return true;
}

/* Whether the first n bytes of line equal the cached header's (n >= 16;
 * the caller knows the line is longer than n). */
static inline bool envelope_same_head(const char *line, const char *head, size_t n)
{
#if defined(__SSE2__)
    /* the last 16 bytes, then 16 at a time from the start (overlapping
     * them at most), one test at the end */
    __m128i eq = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(line + n - 16)),
                                _mm_loadu_si128((const __m128i *)(const void *)(head + n - 16)));
    for (size_t i = 0; i + 16 < n; i += 16)
        eq = _mm_and_si128(eq, _mm_cmpeq_epi8(
                                   _mm_loadu_si128((const __m128i *)(const void *)(line + i)),
                                   _mm_loadu_si128((const __m128i *)(const void *)(head + i))));
    return _mm_movemask_epi8(eq) == 0xFFFF;
#else
    return memcmp(line, head, n) == 0;
#endif
}

/*
 * A line with exactly the cached header and the usual prefix: fills out
 * and returns true, with the result envelope_classify_cached would give.
 * Anything else returns false (out may be half-written), and the caller
 * asks envelope_classify_cached.
 */
/* always_inline: this is the per-line work of line_source.c's in-place
 * loop, where a call per line (and the spills around it) costs more than
 * the parse; gcc's size heuristic no longer inlined it by itself once the
 * "<ID>" prefix joined the fast path. */
static inline __attribute__((always_inline)) bool
envelope_classify_fast(envelope_cache *c, char *line, size_t len, uint64_t lineno,
                       charon_line *out)
{
    size_t n = c->head_len;
    /* a cache with nothing in it has head_len 0 (fill_cache clears it with
     * stamp); headers under 16 bytes are left to the general compare; the
     * prefix takes 8 bytes */
    if (n - 16 > ENVELOPE_CACHE_HEAD - 16 || len < n + 8)
        return false;
    if (!envelope_same_head(line, c->head, n))
        return false;
    /* (a byte-order mark opening the body, which the form's own parser
     * reads, is no prefix either) */
    char *body = line + n, *end = line + len;
    if (!envelope_prefix_fast(body, end, out))
        return false;
    out->bare = 0; /* the slot may have held a bare line */
    out->lineno = lineno;
    out->raw = (span){line, len};
    out->time = (span){line + c->time_off, c->time_len};
    out->ts = c->ts;
    out->host = (span){(const char *)(((uintptr_t)line & c->host_mask) + c->host_add),
                       c->host_len};
    out->program = (span){(const char *)(((uintptr_t)line & c->program_mask) + c->program_add),
                          c->program_len};
    return true;
}

#endif
