/*
 * tunnel_summary.h - the whole log at a glance: one row per tunnel
 * (connection, per log), with the state of phase 1 and phase 2.
 *
 * A helpdesk reading a log of forty tunnels first wants to know which ones
 * are fine. The rows are derived from the report's diagnoses, so they say
 * only what the diagnoses say: a phase is "established" when it came up
 * and never failed in this log, "failed" when it failed and never came
 * up, "deleted" when it came up and then the peer stopped answering
 * (DPD), "rekey_failed" when a CHILD_SA came up and its rekey failed, and
 * "intermittent" when it both came up and failed otherwise (flapping).
 */
#ifndef IDG_TUNNEL_SUMMARY_H
#define IDG_TUNNEL_SUMMARY_H

#include "ipsecdiag/ipsecdiag.h"
#include "jsonw.h"
#include "strbuf.h"

/* When the report's item i was last added, a repeat folded into it
 * included (report.c): a larger number is later in the log. */
uint64_t report_last_seq(const idg_report *r, size_t i);
/* The report's item i as kept (report.c): every field but the cold ones
 * (detail, recommendation texts, evidence: NULL/0 while they are in cold
 * storage), which the table never reads. NULL past the end. */
const idg_diagnosis *report_item(const idg_report *r, size_t i);

/* Whether every tunnel that failed came up again after its last failure
 * (and a failure of no tunnel, a crash of charon, was followed by a
 * success): the failures of such a log are history. 0 without failures,
 * or across several logs (no one order). */
int tunnel_summary_recovered(const idg_report *r);

/* How many tunnel rows end closed (phase 1's latest is a tunnel_closed:
 * the last IKE_SA of the connection went with nothing wrong). */
size_t tunnel_summary_closed(const idg_report *r);

/* Writes the "tunnels" array (value only; the caller writes the key). */
void tunnel_summary_json(jsonw *w, const idg_report *r);
/* A plain-text table (markdown = 0) or a Markdown table (markdown = 1). */
void tunnel_summary_text(strbuf *sb, const idg_report *r, int markdown);

#endif
