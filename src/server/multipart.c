/*
 * multipart.c - incremental multipart/form-data parser (see multipart.h).
 *
 * The delimiter is CRLF "--" boundary. Finding it in a stream cut at
 * arbitrary places needs no look-behind buffer: a boundary cannot contain
 * CR (RFC 2046 bchars), so the delimiter's only CR is its first byte, and
 * a partial match that fails is always "the first k bytes of the
 * delimiter", which we can re-emit from the delimiter itself. The first
 * delimiter of a body may lack the CRLF (no preamble), so matching starts
 * as if CRLF had just been seen.
 *
 * States: PREAMBLE (discard until the first delimiter), AFTER_DELIM ("--"
 * ends the body; otherwise optional padding and CRLF), HEADERS (part
 * headers up to an empty line), BODY (content until the next delimiter),
 * EPILOGUE (ignored), ERROR.
 */
#include "server/multipart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/router.h"

#define MAX_PART_HEADERS 8192

enum mp_state { MP_PREAMBLE, MP_AFTER_DELIM, MP_AFTER_DASH, MP_AFTER_CR, MP_HEADERS, MP_BODY,
                MP_EPILOGUE, MP_ERROR };

struct multipart {
    const multipart_cb *cb;
    void *user;
    int state;
    char delim[4 + 70 + 1];   /* "\r\n--" boundary */
    size_t dlen;
    size_t match;             /* delimiter bytes matched so far */
    int match_here;           /* the match began in the current chunk */
    char hdr[MAX_PART_HEADERS + 1];
    size_t hlen;
    int parts;
    const char *err;
};

int multipart_boundary_ok(const char *b)
{
    static const char extra[] = "'()+_,-./:=? ";
    size_t n = b ? strlen(b) : 0;

    if (n < 1 || n > 70 || b[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = b[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              strchr(extra, ch)))
            return 0;
    }
    return 1;
}

multipart *multipart_new(const char *boundary, const multipart_cb *cb, void *user)
{
    multipart *m;

    if (!multipart_boundary_ok(boundary))
        return NULL;
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->cb = cb;
    m->user = user;
    m->dlen = (size_t)snprintf(m->delim, sizeof m->delim, "\r\n--%s", boundary);
    m->state = MP_PREAMBLE;
    m->match = 2; /* the body may start with the delimiter without CRLF */
    m->match_here = 0;
    return m;
}

void multipart_free(multipart *m)
{
    free(m);
}

const char *multipart_error(const multipart *m)
{
    return m->err ? m->err : "malformed multipart body";
}

static int fail(multipart *m, const char *why)
{
    m->state = MP_ERROR;
    if (m->err == NULL)
        m->err = why;
    return -1;
}

static int emit(multipart *m, const char *p, size_t n)
{
    if (n == 0 || m->state != MP_BODY)
        return 0;
    return m->cb->part_data(m->user, p, n) == 0 ? 0 : fail(m, "the part could not be processed");
}

/* Looks for the delimiter in p[0..n). Content before it is emitted (in
 * BODY). Returns the bytes consumed including the delimiter, or n if it
 * was not completed in this chunk; *found says which. */
static size_t scan(multipart *m, const char *p, size_t n, int *found)
{
    size_t i = 0, span = 0, mstart = 0;

    *found = 0;
    m->match_here = 0;
    while (i < n) {
        if (m->match == 0) {
            const char *cr = memchr(p + i, '\r', n - i);
            if (cr == NULL) {
                i = n;
                break;
            }
            i = (size_t)(cr - p);
            mstart = i;
            m->match_here = 1;
            m->match = 1;
            i++;
            continue;
        }
        if (p[i] == m->delim[m->match]) {
            m->match++;
            i++;
            if (m->match == m->dlen) {
                if (m->match_here && emit(m, p + span, mstart - span) != 0)
                    return n;
                m->match = 0;
                *found = 1;
                return i;
            }
            continue;
        }
        /* Mismatch: the bytes matched so far were content. */
        if (!m->match_here) {
            if (emit(m, m->delim, m->match) != 0)
                return n;
            span = i;
        }
        m->match = 0;
        m->match_here = 0;
    }
    /* End of chunk: emit up to where a pending partial match began. */
    if (emit(m, p + span, (m->match && m->match_here ? mstart : n) - span) != 0)
        return n;
    return n;
}

/* Parses the collected part headers and starts the part. */
static int begin_part(multipart *m)
{
    char name[256] = "", filename[1024], ctype[256] = "";
    int has_disp = 0, has_file = 0;
    char *line = m->hdr, *end;

    m->hdr[m->hlen] = '\0';
    while ((end = strstr(line, "\r\n")) != NULL) {
        char *colon;
        *end = '\0';
        colon = strchr(line, ':');
        if (colon) {
            char *v = colon + 1;
            *colon = '\0';
            while (*v == ' ' || *v == '\t')
                v++;
            if (strcasecmp(line, "Content-Disposition") == 0) {
                if (!media_type_is(v, "form-data"))
                    return fail(m, "a part's Content-Disposition is not form-data");
                has_disp = 1;
                header_param(v, "name", name, sizeof name);
                has_file = header_param(v, "filename", filename, sizeof filename) == 0;
            } else if (strcasecmp(line, "Content-Type") == 0) {
                snprintf(ctype, sizeof ctype, "%s", v);
            }
        } else if (*line) {
            return fail(m, "a part header line has no colon");
        }
        line = end + 2;
    }
    if (!has_disp)
        return fail(m, "a part has no Content-Disposition");
    m->parts++;
    m->state = MP_BODY;
    if (m->cb->part_begin(m->user, name, has_file ? filename : NULL, ctype[0] ? ctype : NULL) != 0)
        return fail(m, "the part could not be processed");
    return 0;
}

/* Collects header bytes; returns bytes consumed. */
static size_t headers(multipart *m, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m->hlen >= MAX_PART_HEADERS) {
            fail(m, "part headers too large");
            return n;
        }
        m->hdr[m->hlen++] = p[i];
        if (p[i] != '\n')
            continue;
        if (m->hlen < 2 || m->hdr[m->hlen - 2] != '\r') {
            fail(m, "bare LF in part headers");
            return n;
        }
        if (m->hlen == 2 || (m->hlen >= 4 && memcmp(m->hdr + m->hlen - 4, "\r\n\r\n", 4) == 0)) {
            m->hlen -= 2; /* keep one CRLF per header line */
            begin_part(m);
            return i + 1;
        }
    }
    return n;
}

static int after_delim(multipart *m, char ch)
{
    switch (m->state) {
    case MP_AFTER_DELIM:
        if (ch == '-')
            m->state = MP_AFTER_DASH;
        else if (ch == '\r')
            m->state = MP_AFTER_CR;
        else if (ch != ' ' && ch != '\t')
            return fail(m, "junk after a boundary");
        return 0;
    case MP_AFTER_DASH:
        if (ch != '-')
            return fail(m, "junk after a boundary");
        m->state = MP_EPILOGUE;
        return 0;
    default: /* MP_AFTER_CR */
        if (ch != '\n')
            return fail(m, "CR without LF after a boundary");
        m->state = MP_HEADERS;
        m->hlen = 0;
        return 0;
    }
}

int multipart_feed(multipart *m, const char *p, size_t n)
{
    size_t i = 0;

    while (i < n && m->state != MP_ERROR) {
        int found;
        switch (m->state) {
        case MP_PREAMBLE:
        case MP_BODY:
            i += scan(m, p + i, n - i, &found);
            if (found) {
                if (m->state == MP_BODY && m->cb->part_end(m->user) != 0)
                    return fail(m, "the part could not be processed");
                if (m->state != MP_ERROR)
                    m->state = MP_AFTER_DELIM;
            }
            break;
        case MP_AFTER_DELIM:
        case MP_AFTER_DASH:
        case MP_AFTER_CR:
            if (after_delim(m, p[i++]) != 0)
                return -1;
            break;
        case MP_HEADERS:
            i += headers(m, p + i, n - i);
            break;
        case MP_EPILOGUE:
            return 0;
        default:
            return -1;
        }
    }
    return m->state == MP_ERROR ? -1 : 0;
}

int multipart_finish(multipart *m)
{
    if (m->state == MP_ERROR)
        return -1;
    if (m->state != MP_EPILOGUE)
        return fail(m, m->state == MP_PREAMBLE ? "no boundary found in the body"
                                               : "the body ended before the closing boundary");
    return 0;
}
