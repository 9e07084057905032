/*
 * multipart.h - incremental multipart/form-data parser (RFC 7578/2046).
 *
 * Fed the request body in any chunking; calls back per part with its
 * headers, then its content as it arrives (never buffered whole), then its
 * end. Memory: the part headers (capped at 8 KiB) and a few counters; the
 * part content passes straight through, so a 1 GiB file part needs no
 * 1 GiB buffer.
 */
#ifndef SRV_MULTIPART_H
#define SRV_MULTIPART_H

#include <stddef.h>

typedef struct multipart multipart;

typedef struct multipart_cb {
    /* A part starts. name/filename from Content-Disposition (filename NULL
     * when the part is not a file); ctype may be NULL. Return 0, or -1 to
     * stop with an error. Strings are valid only during the call. */
    int (*part_begin)(void *user, const char *name, const char *filename, const char *ctype);
    int (*part_data)(void *user, const char *p, size_t n);
    int (*part_end)(void *user);
} multipart_cb;

/* boundary: the boundary parameter of the Content-Type (1..70 chars of the
 * RFC 2046 set). NULL if it is invalid or out of memory. */
multipart *multipart_new(const char *boundary, const multipart_cb *cb, void *user);
/* 0, or -1 on malformed input or a callback error (see multipart_error). */
int multipart_feed(multipart *m, const char *p, size_t n);
/* End of body: -1 unless the closing delimiter was seen. */
int multipart_finish(multipart *m);
const char *multipart_error(const multipart *m);
void multipart_free(multipart *m);

/* Is this a valid boundary (RFC 2046 bchars, 1..70)? */
int multipart_boundary_ok(const char *b);

#endif
