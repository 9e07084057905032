/*
 * fmt_match.h - match a log message against a strongSwan format string.
 *
 * The message table (messages.c) holds charon's own printf format strings;
 * this matcher reads them directly. A conversion (%s %d %u %x %H %#H %Y %N
 * %P %#P %R %#R %B %T %V, with any flags, width, precision and length
 * modifiers) captures the text up to the next literal of the format. The
 * last literal of a format is matched at the end of the message, so a
 * conversion right before it may itself contain that literal's first bytes.
 * Numeric conversions (%d %u %x and friends) must capture digits, %N must
 * capture something.
 *
 * Leading spaces of the format and of the message are not significant (the
 * pfSense documentation trims charon's indentation), nor are trailing
 * spaces of the message. No allocation, no regular expressions.
 */
#ifndef IDG_FMT_MATCH_H
#define IDG_FMT_MATCH_H

#include <stddef.h>

#include "charon_line.h"

#define FMT_MAX_CONV 12

/* Whether a conversion letter constrains what it captures (see
 * fmt_capture_ok): the others take anything, even nothing. */
static inline int fmt_capture_checked(char letter)
{
    return letter == 'd' || letter == 'i' || letter == 'u' || letter == 'x' || letter == 'X' ||
           letter == 'N' || letter == 'H';
}

/* Whether a captured value can stand for a conversion letter: %d %i (an
 * optional '-'), %u and %x take digits, %N and %H take something, the rest
 * anything. Inline: both the matcher below and the table's compiled fast
 * path (messages.c) run it on every capture. %N and %H, the most frequent
 * checked ones, are tested first. */
static inline int fmt_capture_ok(char letter, const char *s, size_t n)
{
    if (letter == 'H' || letter == 'N')
        return n > 0;
    size_t i = 0;
    switch (letter) {
    case 'd':
    case 'i':
        if (n > 0 && s[0] == '-')
            i = 1;
        /* fall through */
    case 'u':
        if (i >= n)
            return 0;
        for (; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
        return 1;
    case 'x':
    case 'X':
        if (n == 0)
            return 0;
        for (; i < n; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                  (s[i] >= 'A' && s[i] <= 'F')))
                return 0;
        return 1;
    default:
        return 1;
    }
}

/* A host (%H) that is the last conversion of its format captures up to
 * the message's end, so it would swallow what a later charon version, a
 * test harness or a paste appended ("192.0.2.1[500] (XXX bytes)"). A host
 * has no blank: the capture ends at the first one (inside a format the
 * next literal bounds it). Returns the capture's length. */
static inline size_t fmt_last_capture_len(char letter, const char *s, size_t n)
{
    if (letter != 'H')
        return n;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ')
            return i;
    return n;
}

/* Number of conversions in fmt (%% not counted). */
int fmt_count_conversions(const char *fmt);

/* Matches msg (n bytes) against fmt. On success returns the number of
 * conversions and fills caps[0..ret-1] (at most maxcaps are filled; extra
 * conversions are matched but not stored); returns -1 if msg does not
 * match. */
int fmt_match(const char *fmt, const char *msg, size_t n, span *caps, int maxcaps);

/* The literal that ends fmt (after its last conversion), or "" if fmt ends
 * with a conversion. */
const char *fmt_final_literal(const char *fmt, size_t *len);

#endif
