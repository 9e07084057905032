/*
 * paste_repair.h - what a pasted log needs before its lines can be read.
 *
 * Logs reach us through mail, tickets, chat and GUI exports, and every one
 * of those leaves its mark. The line source (line_source.c) undoes them
 * with the pieces declared here, each small and independently testable:
 *
 *   - text repairs done in place, never growing the text: invalid UTF-8 and
 *     NUL become '?', HTML markup and entities from ticket systems are
 *     removed and decoded;
 *   - the join rule for a hard-wrapped line (where the break was, whether a
 *     space was lost);
 *   - a small window of recent lines that recognises the second copy of an
 *     event a host logged twice (charon to syslog and charon-systemd to the
 *     journal);
 *   - a bounded buffer of compact line records, used to re-read a paste
 *     that is newest-first (pfSense/OPNsense GUI) in time order.
 *
 * No I/O, no global state: each piece works on memory its caller owns.
 */
#ifndef IDG_PASTE_REPAIR_H
#define IDG_PASTE_REPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "charon_line.h"
#include "line_source.h"
#include "utf8.h"

/* ---- text repairs (in place, the result is never longer) -------------- */

/* Replaces NUL bytes and every byte that is not part of a well-formed UTF-8
 * sequence (overlong, surrogate, beyond U+10FFFF, truncated) with '?'.
 * (utf8.h has the validator, and utf8_put for decoded entities.) */
static inline void utf8_repair(char *s, size_t n)
{
    utf8_replace_invalid(s, n, UTF8_NUL_INVALID);
}

/* Decodes the HTML entities a ticket system adds (&lt; &gt; &amp; &quot;
 * &apos; &nbsp; &#NN; &#xHH;) in place; returns the new length. Unknown or
 * malformed entities are left as they are; &#0; and surrogates become '?'. */
size_t html_unescape(char *s, size_t n);

/* Removes the HTML markup a ticket system or wiki wraps a log in (<p>,
 * </span>, <br/>, ...: a fixed list of element names) in place; returns the
 * new length. Angle brackets that are not such a tag stay: "<con1|3>",
 * "<REDACTED>", a syslog "<30>". Run before html_unescape, so that an
 * escaped "&lt;p&gt;" stays text. */
size_t html_strip_tags(char *s, size_t n);

/* ---- hard-wrapped lines ----------------------------------------------- */

/* A wrapped line's head must be at least this long: prose after a short
 * line is not a continuation. */
#define WRAP_MIN_LEN 60

/*
 * Appends the continuation `cont` to the line `line` (length *len, room for
 * cap bytes; trailing blanks are trimmed, but not below `floor`) the way the
 * wrap is undone:
 *   - whitespace at the break (a trailing space kept by `fold -s` or
 *     format=flowed, or a leading space on the continuation) is collapsed
 *     into one space;
 *   - otherwise, when the head was cut at a fixed column (`fixed_width`:
 *     the head is as long as the longest line seen, as a terminal or `fold
 *     -w` leaves it), the two parts are joined directly, since the cut can
 *     fall inside a word;
 *   - otherwise the head was broken at a word boundary by a mail client
 *     that dropped the space it broke at, and one space is put back.
 * Returns true if everything fit, false if the result was cut at cap.
 */
bool wrap_append(char *line, size_t *len, size_t floor, size_t cap,
                 const char *cont, size_t cont_len, bool fixed_width);

/* ---- events logged twice ---------------------------------------------- */

#define DUP_WINDOW 8

/*
 * The last DUP_WINDOW lines that were not copies. The window points at the
 * lines themselves, it keeps no copies or hashes of their text: the caller
 * keeps each line (the struct and its text) in place while it is in the
 * window (the line source reads lines into a ring of DUP_WINDOW + 2 slots
 * for that). A line is compared in full only with kept lines of the same
 * message length, found with one table load, so a log from one program
 * costs next to nothing here.
 */
#define DUP_BUCKETS 64

/* The tag given back for no line (one the caller never uses as a slot
 * index: the line source clears bit tag of its busy mask, and bit 31 is
 * never set there, so "nothing evicted" needs no branch). */
#define DUP_NO_TAG 31u

typedef struct dup_window {
    const charon_line *line[DUP_WINDOW];
    /* the caller's tag for line[i] (the line source: its slot index), given
     * back when the line leaves the window, so the caller need not work it
     * out from the pointer (a pointer difference divides by the struct
     * size: a multiply on every line). Stored XOR DUP_NO_TAG, so that an
     * entry of the zero-initialised window reads as DUP_NO_TAG: evicting
     * from a window not yet full needs no test, and tag_x[i] != 0 tells
     * that line[i] holds a line (no count of used entries to keep). */
    unsigned tag_x[DUP_WINDOW];
    /* by message length modulo DUP_BUCKETS, the kept lines (bit i = line[i])
     * not yet matched: finding the candidates for a line is one load.
     * (unsigned, not uint8_t: char-typed stores would alias everything and
     * cost reloads on the hot path) */
    unsigned bucket[DUP_BUCKETS];
    unsigned bucket_of[DUP_WINDOW]; /* the bucket line[i] is in */
    unsigned next;
    /* Until a line from a second program name arrives, no line can be a
     * copy (a copy comes from another program): the window only remembers
     * its lines, the buckets stay empty and nothing is compared. The first
     * line from another program builds the buckets from the remembered
     * lines (none spent yet) and the window works as usual from then on. */
    bool multi;
    bool have_prog0;
    unsigned char prog0_len;
    /* prog0_len + 1 while the window is one program's (have_prog0 and not
     * multi), else 0: the common case is one compare */
    size_t solo_len_plus1;
    char prog0[48]; /* the first program name (a longer one: multi at once) */
    uint64_t prog0_word, prog0_mask; /* its first 8 bytes, and which count */
} dup_window;

/*
 * True if `l` is the second copy of an event among the last DUP_WINDOW
 * lines: the same message text, from a different program (the same
 * program repeating itself is a real repetition), with the same thread and
 * connection where both lines carry them, logged within two seconds where
 * both have a time. The matched line is spent, so one line cancels at most
 * one copy. A line that is not a copy is kept (by address: the line and
 * its text must stay where they are until DUP_WINDOW more lines have been
 * kept). `tag` is the caller's name for the line (below 31); *evicted is
 * set to the tag of the line the window let go of to make room, or
 * DUP_NO_TAG. Zero-initialise the window before use.
 */
bool dup_window_is_repeat_slow(dup_window *w, const charon_line *l, unsigned tag,
                               unsigned *evicted);

/* One program so far: the line is only remembered (inline: the common case
 * costs a name compare and a ring store). */
static inline bool dup_window_remember(dup_window *w, const charon_line *l, unsigned tag,
                                       unsigned *evicted)
{
    unsigned i = w->next;
    *evicted = w->tag_x[i] ^ DUP_NO_TAG;
    w->line[i] = l;
    w->tag_x[i] = tag ^ DUP_NO_TAG;
    w->next = (i + 1) % DUP_WINDOW;
    return false;
}

static inline bool dup_window_is_repeat(dup_window *w, const charon_line *l, unsigned tag,
                                        unsigned *evicted)
{
    size_t n = l->program.n;
    if (__builtin_expect(n + 1 == w->solo_len_plus1, 1)) {
        /* a name of up to 8 bytes with 8 bytes of the line from its start
         * (the usual "charon"): one masked word compare */
        if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && n > 0 && n <= 8 &&
            l->program.p + 8 <= l->raw.p + l->raw.n) {
            uint64_t a;
            memcpy(&a, l->program.p, 8);
            if (((a ^ w->prog0_word) & w->prog0_mask) == 0) /* little-endian: the first n bytes */
                return dup_window_remember(w, l, tag, evicted);
        } else {
            size_t k = 0;
            while (k < n && l->program.p[k] == w->prog0[k])
                k++;
            if (k == n)
                return dup_window_remember(w, l, tag, evicted);
        }
    }
    return dup_window_is_repeat_slow(w, l, tag, evicted);
}

/* ---- newest-first pastes ---------------------------------------------- */

/*
 * Compact records of handed-out lines (the text plus the spans as offsets
 * into it), kept in one growing block that never exceeds `limit` bytes.
 */
typedef struct reorder_buf {
    unsigned char *mem;
    size_t used;
    size_t cap;
    size_t limit;
    size_t count;
} reorder_buf;

void reorder_init(reorder_buf *b, size_t limit);
/* 0 stored, 1 not stored because the buffer would pass its limit, -1 on
 * allocation failure. */
int reorder_push(reorder_buf *b, const charon_line *l);
/* Hands out every stored line, oldest-stored first or (reverse) last-stored
 * first, and empties the buffer. */
void reorder_emit(reorder_buf *b, bool reverse, charon_line_cb cb, void *user);
void reorder_free(reorder_buf *b);

#endif
