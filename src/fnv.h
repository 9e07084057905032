/*
 * fnv.h - FNV-1a, the one byte-at-a-time hash of the code base.
 *
 * Why one header: the engine's CHILD_SA repeat key, the connection store's
 * name index and the tunnel rows' index each hashed their strings with the
 * same FNV-1a loop, written out three times with its constants. The
 * hashes only find candidates (every user compares the bytes after), so
 * any change here changes speed, never output.
 */
#ifndef IDG_FNV_H
#define IDG_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_OFFSET 1469598103934665603ull
#define FNV1A_PRIME 1099511628211ull

/* h with one more byte (or small value) folded in. */
static inline uint64_t fnv1a_byte(uint64_t h, uint64_t b)
{
    return (h ^ b) * FNV1A_PRIME;
}

/* h with the n bytes at p folded in. */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = fnv1a_byte(h, s[i]);
    return h;
}

#endif
