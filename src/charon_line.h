/*
 * charon_line.h - one charon log line, taken apart.
 *
 * This is the contract between the line layer (line_reader.c, envelope.c,
 * paste_normalizer.c: bytes in, charon lines out) and the event layer
 * (messages.c, engine.c). Every span points into memory owned by the line
 * layer and is valid only during the callback that hands the line out.
 */
#ifndef IDG_CHARON_LINE_H
#define IDG_CHARON_LINE_H

#include <stddef.h>
#include <stdint.h>

/* A non-owning {pointer, length} view of text. */
typedef struct span {
    const char *p;
    size_t n;
} span;

#define SPAN_NULL ((span){NULL, 0})

typedef struct charon_line {
    uint64_t lineno;     /* 1-based number of the (first) physical line */
    span raw;            /* the whole line as read (after joining wrapped
                            continuations and HTML unescaping), for evidence */
    span time;           /* timestamp text as logged, or empty */
    int64_t ts;          /* comparable time (seconds * 1000 + ms, any epoch),
                            or -1 if the envelope had none */
    span host;           /* syslog host name, or empty */
    span program;        /* "charon", "charon-systemd", "ipsec", ... or empty */
    int thread;          /* worker thread number, or -1 (swanctl --initiate) */
    char subsys[4];      /* "IKE", "CFG", ... NUL-terminated; "" if unknown
                            (journald lines carry no subsystem) */
    int level;           /* log level from "[IKE2]", or -1 */
    span conn;           /* the NAME of "<NAME|ID>", or empty */
    int64_t sa_id;       /* the ID of "<NAME|ID>" or "<ID>", or -1 */
    span msg;            /* the message text after the prefix; leading
                            spaces of charon's own (e.g. "  no acceptable")
                            are kept */
    int bare;            /* no envelope and no prefix was recognised (the
                            output of `ipsec up`, a message pasted alone):
                            msg is the whole line, and it is a charon line
                            only if the message table knows it. The line
                            layer counts such a line neither as a charon
                            line nor as skipped; the event layer does. */
} charon_line;

#endif
