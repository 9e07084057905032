/*
 * status_output.h - strongSwan's status output, recognised where it is
 * pasted instead of (or beside) a log.
 *
 * Helpdesks ask for "the IPsec status" as often as for the log, and get
 * `ipsec statusall` (stroke), `swanctl --list-sas` or `--list-conns`. That
 * is a snapshot of the SAs, not a log: it cannot say why a negotiation
 * failed, but it does say which SAs were up when it was taken (phase 1 up
 * and no CHILD SA is the classic "phase 2 does not come up"). The line
 * layer and the engine skip such lines as no charon log lines; they hand
 * them here to be counted into idg_stats (status_*), from which the report
 * says what the snapshot shows and asks for the log.
 *
 * The shapes are strongSwan's own format strings (stroke_list.c, swanctl's
 * list_sas.c and list_conns.c), matched by fmt_match; an SA's state must be
 * one of charon's state names, so another program's "name[pid]: text"
 * line is no SA.
 */
#ifndef IDG_STATUS_OUTPUT_H
#define IDG_STATUS_OUTPUT_H

#include <stddef.h>

#include "charon_line.h"
#include "ipsecdiag/ipsecdiag.h"

typedef enum status_kind {
    STATUS_NONE = 0, /* not status output */
    STATUS_OTHER,    /* a status line that gives no SA's state: a heading, a
                      * connection's configuration, an SA's details */
    STATUS_IKE_SA,   /* the line that gives an IKE SA's state */
    STATUS_CHILD_SA  /* the line that gives a CHILD SA's state */
} status_kind;

typedef struct status_line {
    status_kind kind;
    span name;  /* the connection (IKE_SA, CHILD_SA), else empty */
    span state; /* "ESTABLISHED", "CONNECTING", "INSTALLED", ... (IKE_SA, CHILD_SA) */
} status_line;

/* Which kind of status line text[0..n) is; fills out (out may be NULL). */
status_kind status_line_parse(const char *text, size_t n, status_line *out);

/* Counts a skipped line into st when it is status output: status_lines,
 * and the IKE and CHILD SAs it gives the state of. */
void status_output_tally(idg_stats *st, const char *text, size_t n);

#endif
