/*
 * diagnosis_json.h - the JSON shape of a diagnosis, shared by
 * idg_diagnosis_to_json() and the report renderer so both speak the same
 * contract (api/schemas/diagnosis.schema.json).
 */
#ifndef IDG_DIAGNOSIS_JSON_H
#define IDG_DIAGNOSIS_JSON_H

#include "ipsecdiag/ipsecdiag.h"
#include "jsonw.h"

/* Writes the JSON object of one diagnosis as the next value of w. */
void diagnosis_write_json(jsonw *w, const idg_diagnosis *d);
/* Frees a field (string or array) of a diagnosis made by
 * idg_diagnosis_copy, unless it lies in the copy's own block. */
void diag_free_field(const idg_diagnosis *owner, const void *p);
/* idg_diagnosis_copy with the block taken from alloc (a caller's arena,
 * which frees it: idg_diagnosis_free then frees only replaced fields). */
idg_diagnosis *diag_copy_with(const idg_diagnosis *d, void *(*alloc)(void *ctx, size_t n),
                              void *ctx, const char *source, size_t lt_room);
/* source: the copy's source when d has none, borrowed, not copied (it must
 * outlive the copy: a report's source name). lt_room: bytes kept in the
 * block for diag_set_last_time, which sets last_time there when it fits
 * (returns -1 otherwise): folding repeats then allocates nothing. */
int diag_set_last_time(idg_diagnosis *d, const char *s);
/* Gives a copy made without lt_room its room for diag_set_last_time (cap
 * bytes from the caller's arena, which frees them), once. */
void diag_give_last_time_room(idg_diagnosis *d, char *room, size_t cap);

/*
 * The cold part of a diagnosis: what only its rendering reads (detail, the
 * three recommendation texts and the evidence), packed into one buffer for
 * a report's cold storage (idg_report_set_cold_store). Layout, native byte
 * order (the buffer never leaves the process): u32 number of evidence
 * lines; the four texts, each a u32 length + 1 (0 for NULL) and its bytes
 * with their NUL; per evidence line, its u64 number, then its text as above.
 */
/* The packed size of d's cold part (what diag_cold_pack writes). */
size_t diag_cold_size(const idg_diagnosis *d);
void diag_cold_pack(const idg_diagnosis *d, char *out);
/* The number of evidence lines in a packed buffer, or -1 if it is not one. */
long diag_cold_evidence(const char *buf, size_t len);
/* Points d's cold fields into buf (which must outlive them) and fills ev
 * (room for diag_cold_evidence(buf, len) lines) with its evidence.
 * Returns 0, or -1 if buf is not a packed cold part (d unchanged). */
int diag_cold_unpack(idg_diagnosis *d, const char *buf, size_t len, idg_evidence *ev);

#endif
