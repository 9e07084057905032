/*
 * ascii.h - the character classes of log text, ASCII only.
 *
 * Why not <ctype.h>: isspace() and friends depend on the locale, take an
 * int that must not be a negative char, and are calls rather than two
 * compares. Log text is bytes: a non-ASCII byte is never a space, a digit
 * or a letter here, whatever the locale.
 */
#ifndef IDG_ASCII_H
#define IDG_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* ' ', '\t', '\r', '\n' (the blanks a logged value may carry) */
static inline bool ascii_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool ascii_is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static inline bool ascii_is_alpha(char c)
{
    return (unsigned char)((c | 0x20) - 'a') < 26;
}

/* Trims ascii_is_space bytes off both ends of [*s, *s + *len). */
/* The value of a hex digit, or -1. */
static inline int ascii_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline void ascii_trim(const char **s, size_t *len)
{
    while (*len && ascii_is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && ascii_is_space((*s)[*len - 1]))
        (*len)--;
}

#endif
