/*
 * load_errors.h - why a connection of ipsec.conf did not load.
 *
 * stroke (ipsec.conf, `ipsec reload`) says nothing when it refuses a
 * connection: the lines that tell why come while it is added, in no SA's
 * context, and only a later "no config named '%s'" (an `ipsec up`, a
 * route, a trap) shows that it is missing:
 *
 *   13[CFG] received stroke: add connection 'IPSEC02'
 *   13[CFG] a PRF algorithm is mandatory in IKE proposals
 *   13[CFG] skipped invalid proposal string: aes256gcm16-aes256gmac-modp4096
 *   ...
 *   06[CFG] no config named 'IPSEC02'
 *
 * The engine hands the first three kinds of line here as they come; a
 * refusal is kept per connection name (the last few), with its lines, so
 * that the diagnosis of the "no config named" can say what to fix and show
 * them. A refusal alone is no failure: strongSwan before about 5.5 skipped
 * the bad string and loaded the connection with its default proposals.
 *
 * Bounded: LOAD_ERRORS_MAX refusals of LOAD_ERROR_LINES lines each, cut to
 * fixed sizes; nothing is allocated until the first refusal.
 */
#ifndef IDG_LOAD_ERRORS_H
#define IDG_LOAD_ERRORS_H

#include <stddef.h>
#include <stdint.h>

#include "charon_line.h"
#include "kept_line.h"

#define LOAD_ERRORS_MAX 8
#define LOAD_ERROR_LINES 3

/* A connection stroke refused, and why. */
typedef struct load_error {
    char conn[128];
    char proposal[256];      /* the refused proposal string */
    char why[256];           /* proposal.c's reason, or "" when none was logged */
    kept_line lines[LOAD_ERROR_LINES]; /* add connection, reason, skipped */
    int n_lines;
} load_error;

/* The connection being added on a thread, and the reason logged last. */
typedef struct load_errors {
    load_error *refused;     /* LOAD_ERRORS_MAX slots, allocated at the first */
    int n_refused, next;     /* used slots; the one to overwrite when full */
    load_error adding;       /* the connection being added (conn[0] == 0: none) */
    int adding_confirmed;    /* ... and stroke said "added configuration" for it */
    int adding_thread;
    uint64_t adding_seq;
} load_errors;

void load_errors_init(load_errors *le);
void load_errors_free(load_errors *le);
/* Forgets everything (charon restarted). */
void load_errors_clear(load_errors *le);

/* "received stroke: add connection 'name'" on thread, at seq. */
void load_errors_adding(load_errors *le, const charon_line *l, span name, uint32_t seq);
/* A reason a proposal string is invalid (the whole message). */
void load_errors_reason(load_errors *le, const charon_line *l, uint32_t seq);
/* "skipped invalid proposal string: proposal": a refusal of the
 * connection being added on the line's thread, if one is. */
void load_errors_skipped(load_errors *le, const charon_line *l, span proposal, uint32_t seq);

/* The refusal of connection name, or NULL. */
const load_error *load_errors_find(const load_errors *le, span name);
/* "added configuration 'name'": stroke kept the connection being added. */
void load_errors_added(load_errors *le, span name);
/* The last "add connection" line of a connection stroke received but did
 * not confirm with "added configuration" (its definition was refused
 * without a reason at this log level), or NULL. */
const kept_line *load_errors_unconfirmed(const load_errors *le, span name);

#endif
