/*
 * utf8.h - the one UTF-8 validator of the library (internal, not public).
 *
 * Well-formed UTF-8 is RFC 3629 / table 3-7 of the Unicode standard: no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing past U+10FFFF, no
 * truncated sequence. Every place that checks, cuts or repairs text goes
 * through these functions:
 *
 *   - the line layer repairs each line in place (paste_repair.h's
 *     utf8_repair: invalid bytes and NUL -> '?');
 *   - the negotiation store and the wrap joiner cut text to a bound without
 *     splitting a sequence (utf8_cut);
 *   - the JSON writer checks a string before writing it (utf8_valid, the
 *     same test as jansson's json_string);
 *   - the rules' arena and the server (names from the network) replace what
 *     is not valid in place (utf8_replace_invalid).
 *
 * Replacement is always one '?' per offending byte, in place: the text never
 * grows, which the line buffer's bound and the callers' fixed buffers rely
 * on. A byte that does not start a well-formed sequence is replaced and the
 * scan goes on at the next byte, so "\xE2\x82" (a truncated euro sign)
 * becomes "??".
 *
 * All-ASCII text, the common case of a log, is checked 8 bytes at a time.
 */
#ifndef IDG_UTF8_H
#define IDG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags of utf8_replace_invalid: which well-formed bytes count as invalid
 * too. Without flags, NUL and the other control characters are valid (they
 * are well-formed UTF-8). */
#define UTF8_NUL_INVALID 1u      /* NUL */
#define UTF8_CONTROLS_INVALID 2u /* the C0 controls (NUL included) and DEL */

/*
 * The length (1 to 4) of the well-formed sequence that starts at p, of the
 * `avail` bytes there, or 0 when the byte at p starts none (a continuation
 * byte, C0, C1, F5..FF, an overlong, surrogate or too large lead, a
 * truncated sequence) or avail is 0. Any ASCII byte, NUL included, is 1.
 */
static inline size_t utf8_seq_len(const char *s, size_t avail)
{
    const unsigned char *p = (const unsigned char *)s;
    if (avail == 0)
        return 0;
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0; /* a continuation byte, or an overlong 2-byte lead */
    if (c <= 0xDF) {
        len = 2;
    } else if (c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        return 0;
    }
    if (avail < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* The length of the longest prefix of s[0..n) that is well-formed UTF-8
 * (n when all of it is). NUL is valid. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* True if all of s[0..n) is well-formed UTF-8 (NUL included): exactly what
 * jansson's json_string accepts. */
static inline bool utf8_valid(const char *s, size_t n)
{
    return utf8_valid_prefix(s, n) == n;
}

/*
 * Where to cut s[0..n) to at most max bytes without splitting a sequence:
 * n itself if n <= max, else max backed off to the lead byte of the
 * sequence that would be split (past any continuation bytes at s[max]).
 * For well-formed text the result is well-formed. Reads s[max] when n > max.
 * (Inline: the negotiation store cuts every string it keeps.)
 */
static inline size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Replaces, in place, each byte of s[0..n) that does not start a
 * well-formed sequence (and NUL or the controls, as flags say) with '?'.
 * The text keeps its length and comes out valid. */
void utf8_replace_invalid(char *s, size_t n, unsigned flags);

/* The length of s[0..n) without the pictographs (emoji, dingbats, arrows,
 * symbols: U+2190..U+2BFF, U+1F000..U+1FAFF, with their variation
 * selector, joiner and keycap marks) and blanks that end it: the note a
 * blogger adds after a pasted log line ("... established ...]📌"). charon
 * writes none of them. Well-formed text only. */
size_t utf8_trim_pictographs(const char *s, size_t n);

/* Writes code point cp as UTF-8 at w (1 to 4 bytes; NUL, surrogates and
 * values past U+10FFFF as '?') and returns the end. */
char *utf8_put(char *w, uint32_t cp);

#endif
