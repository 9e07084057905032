/*
 * rules.h - conclusions: the state of a negotiation -> diagnoses.
 *
 * The rules are a table per phase, tried in order; the first whose facts
 * are present concludes the phase. Each rule names its class, the facts it
 * needs, and how it fills the offending values, the detail and the
 * confidence. Diagnoses are handed to the engine's callback; the strings
 * live in a scratch arena owned by the rules context until the next one.
 */
#ifndef IDG_RULES_H
#define IDG_RULES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsecdiag/ipsecdiag.h"
#include "negotiation.h"

/* A bump allocator for the strings of one diagnosis. */
typedef struct arena {
    char *buf;
    size_t cap;
    size_t used;
} arena;

/* Copies of strings (never NULL for a non-NULL input; "" when full). */
const char *arena_str(arena *a, const char *s);
const char *arena_strn(arena *a, const char *s, size_t n);
const char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

typedef struct rules_ctx rules_ctx;

rules_ctx *rules_new(const idg_options *opts, const conf_store *conf,
                     idg_diagnosis_cb cb, void *user, idg_stats *stats);
void rules_free(rules_ctx *rc);

/* Concludes what n's state allows now, emitting diagnoses, and clears the
 * concluded facts and the evidence. */
void rules_conclude(rules_ctx *rc, negotiation *n);

#endif
