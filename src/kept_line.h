/*
 * kept_line.h - a log line kept past the feed() call that read it, to be
 * evidence later; and the bounded C-string copy it is made with.
 *
 * Why: some causes are logged long before the failure they explain (the
 * secrets file charon could not read at its start, the UDP decapsulation
 * it could not enable, the proposal string stroke refused while ipsec.conf
 * was loaded), and the lines are only the caller's during feed(). Such a
 * line is kept whole, cut to a fixed size, with its number in the log and
 * the order it was read in, and added to the evidence of the negotiation
 * that fails (neg_add_kept_evidence).
 */
#ifndef IDG_KEPT_LINE_H
#define IDG_KEPT_LINE_H

#include <stdint.h>
#include <string.h>

#include "ascii.h"
#include "charon_line.h"
#include "utf8.h"

#define KEPT_LINE_TEXT 512

typedef struct kept_line {
    uint64_t lineno;          /* 1-based number of the line in the log */
    uint32_t seq;             /* the engine's line count when it was read (neg_evidence.seq) */
    uint16_t msg_off;         /* where its message starts in text */
    char text[KEPT_LINE_TEXT]; /* the line as read, cut; "" = none kept */
} kept_line;

/* s as a C string in dst[cap] (cap > 0), its blanks trimmed or not, cut
 * without splitting a UTF-8 sequence. */
static inline void cstr_copy(char *dst, size_t cap, span s, int trim)
{
    const char *p = s.p ? s.p : "";
    size_t n = s.p ? s.n : 0;
    if (trim)
        ascii_trim(&p, &n);
    n = utf8_cut(p, n, cap - 1);
    memcpy(dst, p, n);
    dst[n] = '\0';
}

/* Keeps line l, read as the engine's line seq. */
static inline void kept_line_set(kept_line *k, const charon_line *l, uint32_t seq)
{
    cstr_copy(k->text, sizeof k->text, l->raw, 0);
    size_t off = l->msg.p && l->raw.p && l->msg.p >= l->raw.p ? (size_t)(l->msg.p - l->raw.p) : 0;
    k->msg_off = (uint16_t)(off < strlen(k->text) ? off : 0);
    k->lineno = l->lineno;
    k->seq = seq;
}

/* The kept line's message (the whole text when it has no prefix). */
static inline const char *kept_line_msg(const kept_line *k)
{
    return k->text + k->msg_off;
}

#endif
