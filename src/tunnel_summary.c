/*
 * tunnel_summary.c - see tunnel_summary.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "tunnel_summary.h"

typedef struct phase_counts {
    uint64_t established;   /* occurrences of the established class */
    uint64_t failed;        /* occurrences of error diagnoses of this phase */
    const idg_diagnosis *first_failure;
    uint64_t latest_seq;    /* the latest established or failed diagnosis (report_last_seq) */
    int latest_up;          /* ... was the established one */
    int latest_closed;      /* ... was a tunnel_closed after it was up */
} phase_counts;

typedef struct tunnel_row {
    const char *source;
    const char *connection;    /* NULL: identified by addresses */
    const char *local, *remote;
    int ike_version;
    phase_counts phase[2];
    uint64_t warnings;
    const char *first_time, *last_time;
    uint32_t peers;            /* distinct peer addresses (remote: the first); more than one
                                * for a road-warrior connection */
    int merged;                /* folded into a named row (merge_unnamed) */
    int shares_peer;           /* another named row of the log has the same peer (merge_unnamed) */
} tunnel_row;

static int eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static int same_tunnel(const tunnel_row *t, const idg_diagnosis *d)
{
    if (!eq(t->source, d->source))
        return 0;
    if (t->connection || d->connection)
        return eq(t->connection, d->connection);
    return eq(t->local, d->local_addr) && eq(t->remote, d->remote_addr);
}

static uint64_t count_of(const idg_diagnosis *d)
{
    return d->occurrences ? d->occurrences : 1;
}

/* The rows are found by hash, not by comparing each diagnosis with every
 * row so far: a log of hundreds of tunnels has thousands of distinct
 * diagnoses, and the pairwise scan was quadratic in them. A row's key is
 * what same_tunnel compares -- source and connection, or source and both
 * addresses when neither has a connection -- and it never changes once
 * the row exists (a row without a connection only takes in diagnoses with
 * the same addresses), so one key maps to one row, the first-seen one. */
static uint64_t str_hash(uint64_t h, const char *s)
{
    if (s == NULL)
        return fnv1a_byte(h, 0xff);
    return fnv1a_byte(fnv1a(h, s, strlen(s)), 0xfe);
}

static uint64_t tunnel_key_hash(const char *source, const char *connection, const char *local,
                                const char *remote)
{
    uint64_t h = str_hash(FNV1A_OFFSET, source);
    if (connection)
        return str_hash(h ^ 'c', connection);
    return str_hash(str_hash(h ^ 'a', local), remote);
}

static void add_phase(phase_counts *to, const phase_counts *from, int from_first)
{
    to->established += from->established;
    to->failed += from->failed;
    if (from->first_failure && (!to->first_failure || from_first))
        to->first_failure = from->first_failure;
    if (from->latest_seq > to->latest_seq) {
        to->latest_seq = from->latest_seq;
        to->latest_up = from->latest_up;
        to->latest_closed = from->latest_closed;
    }
}

/*
 * A row without a connection name whose peer address is that of exactly one
 * named row of the same log is that tunnel before its name was known: a
 * responder learns the name only with the peer config, so an IKE_SA_INIT
 * answered with INVALID_KE (and retried under a new IKE_SA id) or an attempt
 * that failed before the config was chosen shows as "(unnamed)". It is
 * folded into the named row. The rows keep their first-seen order.
 */
static size_t merge_unnamed(tunnel_row *t, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    /* (source, remote) of the named rows -> the first such row's number + 1;
     * a second named row for the same peer marks the first shares_peer */
    size_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return n;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].connection || !t[i].remote)
            continue;
        size_t j = (size_t)tunnel_key_hash(t[i].source, NULL, NULL, t[i].remote) & (cap - 1);
        for (; slots[j] != 0; j = (j + 1) & (cap - 1)) {
            tunnel_row *o = &t[slots[j] - 1];
            if (eq(o->source, t[i].source) && eq(o->remote, t[i].remote)) {
                o->shares_peer = 1; /* two connections to one peer: no guess */
                break;
            }
        }
        if (slots[j] == 0)
            slots[j] = i + 1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        tunnel_row *named = NULL;
        if (!t[i].connection && t[i].remote) {
            size_t j = (size_t)tunnel_key_hash(t[i].source, NULL, NULL, t[i].remote) & (cap - 1);
            for (; slots[j] != 0; j = (j + 1) & (cap - 1)) {
                tunnel_row *o = &t[slots[j] - 1];
                if (eq(o->source, t[i].source) && eq(o->remote, t[i].remote)) {
                    named = o->shares_peer ? NULL : o;
                    break;
                }
            }
        }
        if (named && (!t[i].local || !named->local || eq(t[i].local, named->local))) {
            int first = i < (size_t)(named - t);
            add_phase(&named->phase[0], &t[i].phase[0], first);
            add_phase(&named->phase[1], &t[i].phase[1], first);
            named->warnings += t[i].warnings;
            if (first && t[i].first_time)
                named->first_time = t[i].first_time;
            if (!named->ike_version)
                named->ike_version = t[i].ike_version;
            t[i].merged = 1;
            continue;
        }
        kept++;
    }
    /* compact, keeping the order; a named row's pointer was taken before */
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!t[i].merged)
            t[w++] = t[i];
    free(slots);
    return kept;
}

/* Counts the distinct peer addresses of each row: a set of (row, address)
 * pairs, open addressing like the rows; at most one pair per diagnosis. */
typedef struct peer_slot {
    size_t row;                /* row number + 1; 0 empty */
    const char *remote;
} peer_slot;

static void count_peer(peer_slot *set, size_t cap, tunnel_row *t, size_t row, const char *remote)
{
    size_t j = (size_t)tunnel_key_hash(NULL, NULL, NULL, remote) * 31 + row;
    for (j &= cap - 1; set[j].row != 0; j = (j + 1) & (cap - 1))
        if (set[j].row == row + 1 && strcmp(set[j].remote, remote) == 0)
            return;
    set[j].row = row + 1;
    set[j].remote = remote;
    t[row].peers++;
}

/* Builds the rows in first-seen order; returns their number (0 on OOM). */
static size_t build_rows(const idg_report *r, tunnel_row **out)
{
    size_t n = idg_report_count(r), rows = 0;
    tunnel_row *t = n ? calloc(n, sizeof *t) : NULL;
    /* open addressing: row number + 1, 0 = empty; at most half full */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slots = t ? calloc(cap, sizeof *slots) : NULL;
    peer_slot *peers = t ? calloc(cap, sizeof *peers) : NULL;
    *out = t;
    if (t == NULL)
        return 0;
    if (slots == NULL || peers == NULL) {
        free(slots);
        free(peers);
        free(t);
        *out = NULL;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const idg_diagnosis *d = report_item(r, i);
        tunnel_row *row = NULL;
        phase_counts *pc;
        /* about the daemon or its credentials, not about one tunnel: no row
         * (a warning or a crash that names no connection and no address) */
        if (d->connection == NULL && d->local_addr == NULL && d->remote_addr == NULL &&
            (d->cls == IDG_CLASS_CHARON_CRASHED || d->severity == IDG_SEVERITY_WARNING))
            continue;
        size_t j = (size_t)tunnel_key_hash(d->source, d->connection, d->local_addr,
                                           d->remote_addr) & (cap - 1);
        for (; slots[j] != 0; j = (j + 1) & (cap - 1)) {
            if (same_tunnel(&t[slots[j] - 1], d)) {
                row = &t[slots[j] - 1];
                break;
            }
        }
        if (row == NULL) {
            row = &t[rows++];
            slots[j] = (uint32_t)rows;
            row->source = d->source;
            row->connection = d->connection;
            row->local = d->local_addr;
            row->remote = d->remote_addr;
            row->first_time = d->time;
        }
        if (row->ike_version == 0)
            row->ike_version = d->ike_version;
        if (row->local == NULL)
            row->local = d->local_addr;
        if (row->remote == NULL)
            row->remote = d->remote_addr;
        if (d->remote_addr)
            count_peer(peers, cap, t, (size_t)(row - t), d->remote_addr);
        if (d->last_time || d->time)
            row->last_time = d->last_time ? d->last_time : d->time;
        uint64_t seq = report_last_seq(r, i);
        if (d->cls == IDG_CLASS_TUNNEL_CLOSED) {
            /* the IKE_SA went, and its CHILD_SAs with it: both phases that
             * were up last are closed now; a CHILD_SA closed alone (phase
             * 2) closes phase 2 */
            for (int p = d->phase == 2 ? 1 : 0; p < 2; p++) {
                pc = &row->phase[p];
                if (seq > pc->latest_seq && (p == 0 || pc->latest_up)) {
                    pc->latest_seq = seq;
                    pc->latest_up = 0;
                    pc->latest_closed = 1;
                }
            }
            continue;
        }
        pc = &row->phase[d->phase == 2 ? 1 : 0];
        int up = d->cls == IDG_CLASS_PHASE1_ESTABLISHED || d->cls == IDG_CLASS_PHASE2_ESTABLISHED;
        if (up) {
            pc->established += count_of(d);
        } else if (d->severity == IDG_SEVERITY_ERROR) {
            pc->failed += count_of(d);
            if (pc->first_failure == NULL)
                pc->first_failure = d;
        } else {
            row->warnings += count_of(d);
        }
        if ((up || d->severity == IDG_SEVERITY_ERROR) && seq > pc->latest_seq) {
            pc->latest_seq = seq;
            pc->latest_up = up;
            pc->latest_closed = 0;
        }
        /* a dead peer's IKE_SA takes its CHILD_SAs along (charon destroys
         * them, or restarts them on a new IKE_SA): phase 2, up until then,
         * is closed, not failed on its own */
        if (d->cls == IDG_CLASS_DPD_TIMEOUT) {
            pc = &row->phase[1];
            if (seq > pc->latest_seq && pc->latest_up) {
                pc->latest_seq = seq;
                pc->latest_up = 0;
                pc->latest_closed = 1;
            }
        }
    }
    free(slots);
    free(peers);
    /* So does an IKE_SA that failed after its CHILD_SA came up (the peer
     * refused this end's authentication after the IKE_AUTH response): its
     * failure may be reported before the CHILD_SA's success, so this is
     * decided once all are counted, by their lines. */
    for (size_t i = 0; i < rows; i++) {
        phase_counts *p1 = &t[i].phase[0], *p2 = &t[i].phase[1];
        if (p1->failed && !p1->latest_up && !p1->latest_closed && p2->latest_up &&
            p1->latest_seq > p2->latest_seq) {
            p2->latest_seq = p1->latest_seq;
            p2->latest_up = 0;
            p2->latest_closed = 1;
        }
    }
    return merge_unnamed(t, rows);
}

int tunnel_summary_recovered(const idg_report *r)
{
    tunnel_row *t;
    size_t n = build_rows(r, &t), failed = 0;
    int recovered = 1;
    uint64_t latest_up = 0; /* the latest success of the log */
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < 2; p++)
            if ((t[i].phase[p].latest_up || t[i].phase[p].latest_closed) &&
                t[i].phase[p].latest_seq > latest_up)
                latest_up = t[i].phase[p].latest_seq;
    for (size_t i = 0; i < n && recovered; i++) {
        if (i > 0 && !eq(t[i].source, t[0].source))
            recovered = 0;
        for (int p = 0; p < 2; p++) {
            const phase_counts *pc = &t[i].phase[p];
            if (!pc->failed)
                continue;
            failed++;
            /* a row of no tunnel (charon's own failure): any later success */
            int tunnel = t[i].connection || t[i].remote;
            /* (closed after it came up again: it did come up) */
            if (tunnel ? !(pc->latest_up || pc->latest_closed) : pc->latest_seq > latest_up)
                recovered = 0;
        }
    }
    free(t);
    return failed && recovered;
}

size_t tunnel_summary_closed(const idg_report *r)
{
    tunnel_row *t;
    size_t n = build_rows(r, &t), closed = 0;
    for (size_t i = 0; i < n; i++)
        closed += t[i].phase[0].latest_closed != 0;
    free(t);
    return closed;
}

static const char *state_word(const phase_counts *pc)
{
    /* Up, then gone: the peer stopped answering and the SA was deleted,
     * or the CHILD_SA's rekey failed. */
    if (pc->established && pc->failed && pc->first_failure) {
        if (pc->first_failure->cls == IDG_CLASS_DPD_TIMEOUT)
            return "deleted";
        if (pc->first_failure->cls == IDG_CLASS_PHASE2_REKEY_FAILURE ||
            pc->first_failure->cls == IDG_CLASS_PHASE2_PFS_MISMATCH)
            return "rekey_failed";
    }
    if (pc->established && pc->failed)
        return "intermittent";
    if (pc->failed)
        return "failed";
    if (pc->established)
        return "established";
    return "unknown";
}

static void phase_json(jsonw *w, const phase_counts *pc)
{
    jw_obj_begin(w);
    jw_key(w, "state");
    jw_str(w, state_word(pc));
    jw_key(w, "established");
    jw_int(w, (int64_t)pc->established);
    jw_key(w, "failures");
    jw_int(w, (int64_t)pc->failed);
    jw_key(w, "failure_class");
    if (pc->first_failure)
        jw_str(w, idg_class_get(pc->first_failure->cls)->name);
    else
        jw_null(w);
    jw_key(w, "latest");
    if (pc->latest_seq)
        jw_str(w, pc->latest_up ? "established" : pc->latest_closed ? "closed" : "failed");
    else
        jw_null(w);
    jw_obj_end(w);
}

void tunnel_summary_json(jsonw *w, const idg_report *r)
{
    tunnel_row *t;
    size_t n = build_rows(r, &t);
    jw_arr_begin(w);
    for (size_t i = 0; i < n; i++) {
        jw_obj_begin(w);
        jw_key(w, "source");
        jw_str_or_null(w, t[i].source);
        jw_key(w, "connection");
        jw_str_or_null(w, t[i].connection);
        jw_key(w, "ike_version");
        if (t[i].ike_version)
            jw_int(w, t[i].ike_version);
        else
            jw_null(w);
        jw_key(w, "local");
        jw_str_or_null(w, t[i].local);
        jw_key(w, "remote");
        jw_str_or_null(w, t[i].remote);
        jw_key(w, "peers");
        jw_int(w, (int64_t)t[i].peers);
        jw_key(w, "phase1");
        phase_json(w, &t[i].phase[0]);
        jw_key(w, "phase2");
        phase_json(w, &t[i].phase[1]);
        jw_key(w, "warnings");
        jw_int(w, (int64_t)t[i].warnings);
        jw_key(w, "first_time");
        jw_str_or_null(w, t[i].first_time);
        jw_key(w, "last_time");
        jw_str_or_null(w, t[i].last_time);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    free(t);
}

static void phase_cell(strbuf *sb, const phase_counts *pc)
{
    strbuf_puts(sb, state_word(pc));
    if (pc->first_failure)
        strbuf_printf(sb, " (%s)", idg_class_get(pc->first_failure->cls)->name);
    /* up and failed, neither a DPD nor a rekey at the end: which it was last */
    if (pc->latest_closed)
        strbuf_puts(sb, ", closed at the end");
    else if (strcmp(state_word(pc), "intermittent") == 0)
        strbuf_puts(sb, pc->latest_up ? ", latest established" : ", latest failed");
}

void tunnel_summary_text(strbuf *sb, const idg_report *r, int markdown)
{
    tunnel_row *t;
    size_t n = build_rows(r, &t);
    if (n == 0) {
        free(t);
        return;
    }
    int several_logs = 0;
    for (size_t i = 1; i < n; i++)
        if (!eq(t[i].source, t[0].source))
            several_logs = 1;
    if (markdown)
        strbuf_puts(sb, "#### Tunnels\n\n| Connection | Peer | Phase 1 | Phase 2 | Log |\n|---|---|---|---|---|\n");
    else
        strbuf_puts(sb, "Tunnels:\n");
    for (size_t i = 0; i < n; i++) {
        const char *name = t[i].connection ? t[i].connection : "(unnamed)";
        const char *peer = t[i].remote ? t[i].remote : "-";
        char more[40] = "";
        if (t[i].peers > 1)   /* a road-warrior connection: its clients share the row */
            snprintf(more, sizeof more, " and %u more", (unsigned)(t[i].peers - 1));
        if (markdown) {
            strbuf_printf(sb, "| `%s` | `%s`%s | ", name, peer, more);
            phase_cell(sb, &t[i].phase[0]);
            strbuf_puts(sb, " | ");
            phase_cell(sb, &t[i].phase[1]);
            strbuf_printf(sb, " | `%s` |\n", t[i].source ? t[i].source : "-");
        } else {
            if (more[0]) {
                char both[96];
                snprintf(both, sizeof both, "%s%s", peer, more);
                strbuf_printf(sb, "  %-16s peer %-22s phase 1: ", name, both);
            } else {
                strbuf_printf(sb, "  %-16s peer %-22s phase 1: ", name, peer);
            }
            phase_cell(sb, &t[i].phase[0]);
            strbuf_puts(sb, "; phase 2: ");
            phase_cell(sb, &t[i].phase[1]);
            if (several_logs)
                strbuf_printf(sb, "  [%s]", t[i].source ? t[i].source : "-");
            strbuf_puts(sb, "\n");
        }
    }
    strbuf_puts(sb, "\n");
    free(t);
}
