/*
 * jsonw.h - a streaming JSON writer into a strbuf, byte for byte the text
 * jansson's json_dumps gives for the same document (JSON_PRESERVE_ORDER,
 * JSON_INDENT(n) or JSON_COMPACT, JSON_REAL_PRECISION(6)).
 *
 * Why not jansson: rendering a report through a jansson tree built every
 * object, string copy and hash table of the document only to walk it once
 * and free it; for a large log's report (thousands of diagnoses) that tree
 * was the biggest block of the peak memory and a fifth of the instructions
 * of a run. Writing straight into the output buffer costs neither, and the
 * output is unchanged: the same layout, escapes (\uXXXX in upper case for
 * control bytes, '/' and non-ASCII left alone), number formats, and the
 * same treatment of text that is not valid UTF-8 (see jw_str_or_null, which
 * validates as it escapes with utf8_seq_len, and jw_key_str, which uses
 * utf8_valid: both are jansson's utf8_check_string).
 *
 * Nesting is tracked up to JW_MAX_DEPTH levels (the documents here have 4).
 *
 * Cost: strings are scanned 16 bytes at a time (SSE2; 8 in a 64-bit word
 * elsewhere) for what needs a look ('"', '\\', control bytes, and
 * non-ASCII, which is validated in the same pass) and copied in runs
 * straight into room reserved once (the leading run of a string, for most
 * strings all of it, is copied by the same loads that scan it); a
 * separator and its indentation, or a literal key with its quotes and
 * colon (JW_KEY), are one copy each; numbers are formatted without
 * printf, straight into the buffer. A diagnosis of ~2.7 KB renders in
 * ~18k instructions through jw_* (it took ~93k byte by byte), and in ~9k
 * through the compact pieces below (diagnosis.c, for the stream).
 */
#ifndef IDG_JSONW_H
#define IDG_JSONW_H

#include <stdint.h>

#include "strbuf.h"

#define JW_MAX_DEPTH 16

typedef struct jsonw {
    strbuf *sb;
    int indent;                /* spaces per level; 0 = compact */
    int depth;                 /* open containers */
    int after_key;             /* a key was written: its value comes next */
    unsigned char first[JW_MAX_DEPTH]; /* nothing written in this container yet */
} jsonw;

void jw_init(jsonw *w, strbuf *sb, int indent);
void jw_obj_begin(jsonw *w);
void jw_obj_end(jsonw *w);
void jw_arr_begin(jsonw *w);
void jw_arr_end(jsonw *w);
/* An object member's key (then exactly one value). */
void jw_key(jsonw *w, const char *key);
/* The same for a string literal that needs no escape (the documents' own
 * keys): quotes, key, colon and space are one copy. */
#define JW_KEY(w, lit) jw_key_quoted((w), "\"" lit "\": ", sizeof(lit) + 3)
/* q[0..n) is the key in quotes, then ": " (JW_KEY makes it). */
void jw_key_quoted(jsonw *w, const char *q, size_t n);
void jw_null(jsonw *w);
void jw_bool(jsonw *w, int v);
void jw_int(jsonw *w, int64_t v);
/* jansson's real format at precision 6 ("%.6g", ".0" added, exponent
 * without '+' or leading zeros); returns -1 (nothing written) for NaN and
 * infinities, which jansson cannot hold. */
int jw_real(jsonw *w, double v);
/* A string value known to be valid UTF-8. */
void jw_str(jsonw *w, const char *s);
/* The report's str_or_null: NULL -> null; text that is not valid UTF-8
 * has every non-ASCII byte replaced by '?'. */
void jw_str_or_null(jsonw *w, const char *s);
/* key: s, or nothing at all when s is NULL or not valid UTF-8 (jansson's
 * json_object_set_new(o, key, json_string(s)) drops the member then). */
void jw_key_str(jsonw *w, const char *key, const char *s);

/* A complete JSON value given as compact text (what the compact pieces
 * below write), laid out as this writer lays out its own values: in a
 * pretty writer each member on its own line at its depth. This is how a
 * document shape written once, compact (diagnosis.c), also goes into a
 * pretty document (report.c) without being written a second time. The
 * text must be compact JSON (no whitespace outside strings). */
void jw_compact_value(jsonw *w, const char *json, size_t n);

/* ---- compact pieces ------------------------------------------------------
 * For a writer that knows the shape of its document and wants it compact
 * (diagnosis.c renders one diagnosis per NDJSON line this way): it writes
 * the punctuation and keys itself as literals (JW_LIT: one constant-size
 * copy, e.g. ",\"phase\":"), and each value with one of these, which write
 * exactly the bytes of the jw_* function of the same value and track no
 * nesting state. */
#define JW_LIT(sb, lit) strbuf_append((sb), lit, sizeof(lit) - 1)
void jw_put_int(strbuf *sb, int64_t v);
/* As jw_real: -1 (nothing written) for NaN and infinities. */
int jw_put_real(strbuf *sb, double v);
/* As jw_str: s is known to be valid UTF-8. */
void jw_put_str(strbuf *sb, const char *s);
/* As jw_str_or_null. */
void jw_put_str_or_null(strbuf *sb, const char *s);
/* As jw_key_str: q[0..n) (a literal such as ",\"key\":") and the string,
 * or nothing at all when s is NULL or not valid UTF-8. */
void jw_put_key_str(strbuf *sb, const char *q, size_t n, const char *s);

#endif
