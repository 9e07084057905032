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
 * same treatment of text that is not valid UTF-8 (see jw_str_or_null and
 * jw_key_str; the test is utf8_valid, which is jansson's utf8_check_string).
 *
 * Nesting is tracked up to JW_MAX_DEPTH levels (the documents here have 4).
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

#endif
