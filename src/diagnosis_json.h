/*
 * diagnosis_json.h - the JSON shape of a diagnosis, shared by
 * idg_diagnosis_to_json() and the report renderer so both speak the same
 * contract (api/schemas/diagnosis.schema.json).
 */
#ifndef IDG_DIAGNOSIS_JSON_H
#define IDG_DIAGNOSIS_JSON_H

#include <jansson.h>

#include "ipsecdiag/ipsecdiag.h"

/* A new reference to the JSON object of one diagnosis, or NULL on OOM. */
json_t *diagnosis_json(const idg_diagnosis *d);

#endif
