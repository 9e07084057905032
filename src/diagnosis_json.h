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

#endif
