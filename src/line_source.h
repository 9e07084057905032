/*
 * line_source.h - the line layer: bytes in any chunking -> charon lines.
 *
 * It owns everything between raw bytes and a parsed charon_line:
 *   - splitting on LF (CRLF and lone CR tolerated), cutting lines longer
 *     than max_line_bytes (counted, never an error), any bytes accepted
 *     (NUL and invalid UTF-8 are replaced so that every span handed out is
 *     valid UTF-8 without NUL);
 *   - recognising the envelope of each line (envelope.c) and skipping
 *     (and counting) lines that are not charon lines;
 *   - the repairs a pasted log needs: HTML-unescaping, re-joining
 *     hard-wrapped continuation lines, dropping the second copy of events
 *     logged twice (charon and charon-systemd), and re-reading a log pasted
 *     newest-first (pfSense/OPNsense GUI) in time order.
 * Memory is bounded: one line buffer, a small look-back window, and the
 * reorder buffer (capped at reorder_bytes; past it, lines pass in the order
 * read).
 */
#ifndef IDG_LINE_SOURCE_H
#define IDG_LINE_SOURCE_H

#include <stdbool.h>

#include "charon_line.h"
#include "ipsecdiag/ipsecdiag.h"

typedef struct line_source line_source;

typedef void (*charon_line_cb)(void *user, const charon_line *line);

/* opts must be non-NULL (filled by idg_options_init); stats is updated in
 * place (bytes, lines, charon_lines, skipped_lines, cut_lines, joined_lines,
 * duplicate_lines, reversed), and is complete when feed() or finish()
 * returns: lines is added once per call, so the callback must not rely on
 * it during feed(). */
line_source *line_source_new(const idg_options *opts, idg_stats *stats,
                             charon_line_cb cb, void *user);
/* Whether a message text is one the caller's table knows: a line without
 * an envelope whose text is such a message is a line of its own, never
 * the wrapped tail of the long line before it ("unable to add SAD entry
 * ..." after a long OPNsense export line); and a held line whose message
 * is known and complete (its format ends in literal text) takes no tail
 * ("received proposals inacceptable" before a cut "Dec 26"). Returns
 * MESSAGE_UNKNOWN, MESSAGE_KNOWN or MESSAGE_COMPLETE. Optional (NULL:
 * every line decides by length alone). */
enum { MESSAGE_UNKNOWN = 0, MESSAGE_KNOWN = 1, MESSAGE_COMPLETE = 2 };
typedef int (*known_message_fn)(void *user, const char *msg, size_t len);
void line_source_set_known_message(line_source *ls, known_message_fn fn, void *user);

/* 0, or -1 on allocation failure. */
int line_source_feed(line_source *ls, const void *buf, size_t len);
/* Flushes the last partial line and any held lines. */
int line_source_finish(line_source *ls);
void line_source_free(line_source *ls);

/*
 * envelope_parse: one physical line -> charon_line. The envelope forms
 * recognised (each detected per line, none required):
 *   BSD syslog       "Nov 27 13:18:09 fw charon[123]: 09[IKE] <con1|5> msg"
 *                    (host optional, "[pid]" optional)
 *   RFC 5424         "<30>1 2026-11-27T13:18:09.123+00:00 fw charon 123 - - 09[IKE] msg"
 *   journald short / short-iso / short-precise
 *                    "Nov 27 13:18:09 host charon-systemd[1]: msg" (bare message,
 *                    no thread/subsystem) or with the charon prefix
 *   filelog          "Nov 27 13:18:09 09[IKE] msg", "2026-11-27 13:18:09 09[IKE] msg"
 *   bare             "charon: 09[IKE] msg", "09[IKE] msg", "09[IKE2] msg"
 *   swanctl console  "[IKE] msg" (no thread)
 *   OPNsense export  tab-separated columns (time, [severity,] process, message)
 *   Android / logcat "... charon  : 09[IKE] msg", "I/charon ( 123): 09[IKE] msg"
 *   JSON filelog     {"time":..,"thread":9,"group":"IKE",...,"msg":".."} (6.0+)
 *   unknown envelope "Tue Dec 27 12:48:55 2020 daemon.info : 05[KNL] msg",
 *                    "17:10:22 charon: 11[IKE] msg": the first core prefix
 *                    after a blank or ':' (the time read if it leads)
 * The IKE_SA context may also be "[NAME|ID]" ("[IKE] [gw-4|16] msg": a
 * paste whose Markdown renderer dropped the angle brackets).
 * `line` may be rewritten in place (HTML unescape never grows it).
 * Returns 1 for a charon line, 0 otherwise.
 */
int envelope_parse(char *line, size_t len, uint64_t lineno, charon_line *out);

/*
 * envelope_classify: the parser behind envelope_parse, for callers that
 * have already repaired the text (valid UTF-8, HTML entities decoded; the
 * line source does both). Besides charon lines it tells apart a log line of
 * another program (ENVELOPE_OTHER: "Nov 27 ... fw sshd[1]: ...") from text
 * in no envelope at all: a bare line (ENVELOPE_BARE: a message pasted
 * alone, `ipsec up` output, prose; out->bare = 1 and msg the text trimmed
 * of blanks, which only the message table can tell apart) or nothing
 * (ENVELOPE_NONE: blank, punctuation only). Both NONE and BARE may be the
 * tail of a hard-wrapped line. out->raw always covers the line as
 * rewritten (a JSON line shrinks when its escapes are decoded in place);
 * the other fields are meaningful for ENVELOPE_CHARON and ENVELOPE_BARE
 * only, and out->bare is 0 but for ENVELOPE_BARE. Every non-empty span
 * lies inside raw; empty spans point at a static "".
 *
 * Decoration a paste adds is looked through: mail quote markers ("> ",
 * ">> ", "| ") before the line, and emphasis or code marks wrapping the
 * line or the message ("**...**", "__...__", "`...`"); raw keeps them.
 */
typedef enum envelope_kind {
    ENVELOPE_NONE = 0,
    ENVELOPE_CHARON = 1,
    ENVELOPE_OTHER = 2,
    ENVELOPE_BARE = 3
} envelope_kind;

envelope_kind envelope_classify(char *line, size_t len, uint64_t lineno,
                                charon_line *out);

/* Whether the text is a time stamp and nothing else (blanks around it
 * aside): a GUI copy that put each line's time on a line of its own. Such
 * a line is never the tail of a wrapped line. */
bool envelope_time_alone(span text);

/*
 * envelope_cache: the header of the last charon line classified through it
 * ("Nov 27 14:07:45 fw-b charon[3243]: "). Consecutive lines of one log
 * nearly always share their header bytes, or all but the time, so the next
 * line then needs only its time (if it changed) and its message parsed.
 * The result is the one envelope_classify gives. Zero-initialise before the
 * first use; one cache per input stream.
 */
#define ENVELOPE_CACHE_HEAD 96

typedef struct envelope_cache {
    char head[ENVELOPE_CACHE_HEAD];
    uint16_t head_len;
    uint16_t time_off, time_end;
    uint16_t host_off, host_len;
    uint16_t program_off, program_len;
    uint16_t clock_off; /* where "HH:MM:SS" is in the time, or ENVELOPE_NO_CLOCK */
    uint8_t stamp;      /* which time parser read the header; 0: nothing cached */
    int64_t ts;
    /* host and program as envelope_classify_fast makes them: the pointer
     * is (line & mask) + add, that is line + offset, or the static "" of
     * an empty span (mask 0, add its address) */
    uintptr_t host_mask, host_add, program_mask, program_add;
    size_t time_len; /* time_end - time_off */
} envelope_cache;

#define ENVELOPE_NO_CLOCK 0xFFFF

envelope_kind envelope_classify_cached(envelope_cache *cache, char *line, size_t len,
                                       uint64_t lineno, charon_line *out);

#endif
