/*
 * strfmt.h - vsnprintf for the conversions the library's messages use.
 *
 * Why: every diagnosis is worded by ~5-10 printf-style calls (rules.c's
 * arena_printf, strbuf_printf). glibc's vsnprintf sets up a FILE for each
 * call and costs ~1,400 instructions for a sentence with three %s: 4% of a
 * JSON-RPC `diagnose` request. The messages use %s, %d and %lld almost
 * exclusively; this formats those directly and hands anything else (a
 * width, a flag, %f, %x...) to vsnprintf, so the output is always exactly
 * vsnprintf's.
 */
#ifndef IDG_STRFMT_H
#define IDG_STRFMT_H

#include <stdarg.h>
#include <stddef.h>

/* As vsnprintf(buf, room, fmt, ap): writes at most room - 1 bytes and a
 * NUL (nothing if room is 0), returns the length the whole output has, or
 * -1 on an encoding error. Formats itself %s, %.*s, %c, %%, and %d %i %u
 * with the length modifiers l, ll, z; any other conversion, flag, width
 * or precision sends the whole format to vsnprintf. */
int strfmt_v(char *buf, size_t room, const char *fmt, va_list ap);

#endif
