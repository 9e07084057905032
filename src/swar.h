/*
 * swar.h - eight bytes at a time in a plain 64-bit register.
 *
 * Several scanners look for a few byte values in long runs of text (the
 * first space of a message, the '|' or '>' of an SA context, the digits of
 * an SA id, the bytes a JSON string must escape). The word is loaded in
 * memory order as a little-endian integer on every host, so the lowest
 * flagged byte is the first one in the text; a borrow in these tests only
 * runs upwards from a real hit, so the lowest flag is always exact (flags
 * above it may be false alarms, which the callers never use).
 */
#ifndef IDG_SWAR_H
#define IDG_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGHS 0x8080808080808080ull

static inline uint64_t swar_load(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* The high bit of each zero byte of v. */
static inline uint64_t swar_zero_bytes(uint64_t v)
{
    return (v - SWAR_ONES) & ~v & SWAR_HIGHS;
}

/* The high bit of each byte of v equal to c. */
static inline uint64_t swar_bytes_equal(uint64_t v, unsigned char c)
{
    return swar_zero_bytes(v ^ (SWAR_ONES * c));
}

/* The high bit of each byte of v that is not an ASCII digit (exact for
 * every byte: no carry crosses a byte). */
static inline uint64_t swar_non_digits(uint64_t v)
{
    uint64_t a = v ^ (SWAR_ONES * '0'); /* digits become 0..9 */
    return (((a & ~SWAR_HIGHS) + SWAR_ONES * (0x80 - 10)) | a) & SWAR_HIGHS;
}

/* The bytes a JSON string cannot carry as they are: below 0x20, '"',
 * '\\', and any non-ASCII byte (UTF-8 is validated apart). */
static inline uint64_t swar_json_attention(uint64_t v)
{
    return ((v - SWAR_ONES * 0x20) | ((v ^ (SWAR_ONES * '"')) - SWAR_ONES) |
            ((v ^ (SWAR_ONES * '\\')) - SWAR_ONES) | v) &
           SWAR_HIGHS;
}

/* Index (0..7) of the first flagged byte of a non-zero mask. */
static inline unsigned swar_first(uint64_t mask)
{
    return (unsigned)__builtin_ctzll(mask) >> 3;
}

#endif
