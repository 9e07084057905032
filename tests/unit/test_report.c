/*
 * test_report.c - the class catalogue, diagnosis copies and JSON, reports:
 * two-end correlation and the three renderings.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ipsecdiag/ipsecdiag.h"

START_TEST(catalogue_is_complete_and_unique)
{
    for (int i = 0; i < IDG_CLASS__COUNT; i++) {
        const idg_class_info *ci = idg_class_get((idg_class)i);
        ck_assert_ptr_nonnull(ci);
        ck_assert_int_eq(ci->id, i);
        ck_assert_ptr_nonnull(ci->title);
        ck_assert_ptr_nonnull(ci->description);
        ck_assert(ci->phase == 1 || ci->phase == 2);
        ck_assert_ptr_eq(idg_class_by_name(ci->name), ci);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(idg_class_get((idg_class)j)->name, ci->name);
    }
    ck_assert_ptr_null(idg_class_get(IDG_CLASS__COUNT));
    ck_assert_ptr_null(idg_class_by_name("no_such_class"));
    ck_assert_str_eq(idg_class_get(IDG_CLASS_PHASE1_PSK_MISMATCH)->name, "phase1_psk_mismatch");
    ck_assert_int_eq(idg_class_get(IDG_CLASS_PHASE2_PFS_MISMATCH)->phase, 2);
    ck_assert_int_eq(idg_class_get(IDG_CLASS_PHASE1_ESTABLISHED)->severity, IDG_SEVERITY_INFO);
}
END_TEST

START_TEST(format_names)
{
    idg_format f;
    ck_assert_int_eq(idg_format_parse("json", &f), 0);
    ck_assert_int_eq(f, IDG_FORMAT_JSON);
    ck_assert_int_eq(idg_format_parse("md", &f), 0);
    ck_assert_int_eq(f, IDG_FORMAT_MARKDOWN);
    ck_assert_int_eq(idg_format_parse("text", &f), 0);
    ck_assert_int_eq(f, IDG_FORMAT_TEXT);
    ck_assert_int_eq(idg_format_parse("xml", &f), -1);
    ck_assert_int_eq(idg_format_parse(NULL, &f), -1);
}
END_TEST

static idg_diagnosis responder_view(void)
{
    static const idg_offending off[] = {
        {"phase1.encryption", "AES_CBC_256", "AES_CBC_128"},
    };
    static const idg_evidence ev[] = {
        {104, "11[CFG] <1> received proposals: IKE:AES_CBC_128/HMAC_SHA1_96"},
    };
    static const uint32_t ids[] = {3957814849u};
    idg_diagnosis d;
    memset(&d, 0, sizeof d);
    d.cls = IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH;
    d.phase = 1;
    d.severity = IDG_SEVERITY_ERROR;
    d.ike_version = 1;
    d.role = IDG_ROLE_RESPONDER;
    d.ike_sa_id = 1;
    d.local_addr = "203.0.113.2";
    d.remote_addr = "198.51.100.2";
    d.confidence = 0.95;
    d.offending = off;
    d.n_offending = 1;
    d.evidence = ev;
    d.n_evidence = 1;
    d.msgids = ids;
    d.n_msgids = 1;
    d.summary = "Use the same encryption algorithm on both ends.";
    return d;
}

static idg_diagnosis initiator_view(void)
{
    static const uint32_t ids[] = {3957814849u};
    idg_diagnosis d;
    memset(&d, 0, sizeof d);
    d.cls = IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
    d.phase = 1;
    d.severity = IDG_SEVERITY_ERROR;
    d.ike_version = 1;
    d.role = IDG_ROLE_INITIATOR;
    d.connection = "con1";
    d.ike_sa_id = 1;
    d.local_addr = "198.51.100.2";
    d.remote_addr = "203.0.113.2";
    d.confidence = 0.6;
    d.msgids = ids;
    d.n_msgids = 1;
    return d;
}

START_TEST(copy_is_deep)
{
    idg_diagnosis d = responder_view();
    idg_diagnosis *c = idg_diagnosis_copy(&d);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_ne(c->offending, d.offending);
    ck_assert_str_eq(c->offending[0].local, "AES_CBC_256");
    ck_assert_ptr_ne(c->offending[0].local, d.offending[0].local);
    ck_assert_uint_eq(c->evidence[0].line, 104);
    ck_assert_uint_eq(c->msgids[0], 3957814849u);
    idg_diagnosis_free(c);
}
END_TEST

/* The fold key ignores what differs between repeats (times, ids,
 * evidence) and changes with what makes another finding. */
START_TEST(fold_key_is_the_finding)
{
    static const idg_offending other_off[] = {
        {"phase1.encryption", "AES_CBC_256", "3DES_CBC"},
    };
    static const idg_evidence other_ev[] = {{9, "elsewhere"}};
    idg_diagnosis a = responder_view(), b = responder_view();
    uint64_t k = idg_diagnosis_fold_key(&a);
    b.ike_sa_id = 7;
    b.time = "Nov 27 14:00:00";
    b.evidence = other_ev;
    b.confidence = 0.5;
    ck_assert_uint_eq(idg_diagnosis_fold_key(&b), k);
    b = responder_view();
    b.offending = other_off;
    ck_assert_uint_ne(idg_diagnosis_fold_key(&b), k);
    b = responder_view();
    b.connection = "con2";
    ck_assert_uint_ne(idg_diagnosis_fold_key(&b), k);
    b = responder_view();
    b.cls = IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
    ck_assert_uint_ne(idg_diagnosis_fold_key(&b), k);
    b = responder_view();
    b.source = "other.log";
    ck_assert_uint_ne(idg_diagnosis_fold_key(&b), k);
}
END_TEST

START_TEST(json_is_valid_and_complete)
{
    idg_diagnosis d = responder_view();
    char *s = idg_diagnosis_to_json(&d);
    json_error_t err;
    json_t *j = json_loads(s, 0, &err);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "class")), "phase1_encryption_mismatch");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "phase")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(j, "role")), "responder");
    ck_assert(json_is_null(json_object_get(json_object_get(j, "connection"), "name")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "offending"), 0), "peer")),
                     "AES_CBC_128");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(j, "evidence"), 0), "line")), 104);
    ck_assert_ptr_null(strchr(s, '\n'));
    json_decref(j);
    free(s);
}
END_TEST

START_TEST(invalid_utf8_still_gives_valid_json)
{
    idg_diagnosis d = responder_view();
    char *s;
    json_t *j;
    d.detail = "bad \xff\xfe bytes";
    s = idg_diagnosis_to_json(&d);
    j = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "detail")), "bad ?? bytes");
    json_decref(j);
    free(s);
}
END_TEST

/* A report of a (from log_a) and b (from log_b), correlated. */
static idg_report *correlated(const char *log_a, const idg_diagnosis *a, const char *log_b,
                              const idg_diagnosis *b)
{
    idg_report *r = idg_report_new();
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(idg_report_begin_source(r, log_a), 0);
    ck_assert_int_eq(idg_report_add(r, a), 0);
    ck_assert_int_eq(idg_report_begin_source(r, log_b), 0);
    ck_assert_int_eq(idg_report_add(r, b), 0);
    idg_report_correlate(r);
    return r;
}

START_TEST(correlation_fills_the_initiator)
{
    idg_diagnosis a = initiator_view(), b = responder_view();
    idg_report *r = correlated("initiator.log", &a, "responder.log", &b);
    const idg_diagnosis *ini = idg_report_get(r, 0);
    ck_assert_int_eq(ini->cls, IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH);
    ck_assert_uint_eq(ini->n_offending, 1);
    /* The sides are swapped: the initiator holds AES_CBC_128. */
    ck_assert_str_eq(ini->offending[0].local, "AES_CBC_128");
    ck_assert_str_eq(ini->offending[0].peer, "AES_CBC_256");
    ck_assert_str_eq(ini->peer_source, "responder.log");
    ck_assert_str_eq(idg_report_get(r, 1)->peer_source, "initiator.log");
    idg_report_free(r);
}
END_TEST

START_TEST(no_correlation_without_a_shared_key)
{
    idg_diagnosis a = initiator_view(), b = responder_view();
    static const uint32_t other[] = {12345678u};
    a.msgids = other;
    a.local_addr = "192.0.2.1";
    idg_report *r = correlated("a.log", &a, "b.log", &b);
    ck_assert_int_eq(idg_report_get(r, 0)->cls, IDG_CLASS_PHASE1_PROPOSAL_MISMATCH);
    ck_assert_ptr_null(idg_report_get(r, 0)->peer_source);
    idg_report_free(r);
}
END_TEST

/* A responder that dropped the initiator's setups (a DoS-protection
 * limit) logged no address of its own: the initiator's "no answer" joins
 * it by the initiator's address alone and takes its cause. */
START_TEST(dropped_setup_explains_no_answer)
{
    static const idg_offending limit[] = {{"charon.init_limit_half_open", "1", NULL}};
    idg_diagnosis a = initiator_view(), b;
    a.cls = IDG_CLASS_PHASE1_PEER_UNREACHABLE;
    a.confidence = 0.85;
    a.msgids = NULL;
    a.n_msgids = 0;
    memset(&b, 0, sizeof b);
    b.cls = IDG_CLASS_PHASE1_DOS_PROTECTION;
    b.phase = 1;
    b.severity = IDG_SEVERITY_ERROR;
    b.role = IDG_ROLE_RESPONDER;
    b.ike_sa_id = -1;
    b.remote_addr = "198.51.100.2";
    b.confidence = 0.95;
    b.offending = limit;
    b.n_offending = 1;
    b.summary = "Raise the limit.";
    idg_report *r = correlated("initiator.log", &a, "responder.log", &b);
    const idg_diagnosis *ini = idg_report_get(r, 0);
    ck_assert_int_eq(ini->cls, IDG_CLASS_PHASE1_DOS_PROTECTION);
    ck_assert_str_eq(ini->peer_source, "responder.log");
    ck_assert_ptr_nonnull(strstr(ini->summary, "As seen from the other end (responder.log"));
    idg_report_free(r);

    /* another initiator's address: no join */
    a.local_addr = "198.51.100.9";
    r = correlated("initiator.log", &a, "responder.log", &b);
    ck_assert_int_eq(idg_report_get(r, 0)->cls, IDG_CLASS_PHASE1_PEER_UNREACHABLE);
    ck_assert_ptr_null(idg_report_get(r, 0)->peer_source);
    idg_report_free(r);
}
END_TEST

START_TEST(document_outcomes)
{
    idg_report *r = idg_report_new();
    idg_stats st;
    char *s;
    json_t *j;
    memset(&st, 0, sizeof st);
    idg_report_begin_source(r, "empty.log");
    idg_report_set_stats(r, &st);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(j, "outcome")), "no_conclusion");
    ck_assert_uint_eq(json_array_size(json_object_get(j, "diagnoses")), 0);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "summary")), "No strongSwan"));
    json_decref(j);
    free(s);
    {
        idg_diagnosis d = responder_view();
        idg_report_add(r, &d);
    }
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(j, "outcome")), "failed");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "diagnoses"), 0), "source")),
                     "empty.log");
    json_decref(j);
    free(s);
    idg_report_free(r);
}
END_TEST

START_TEST(markdown_escapes_markup)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = responder_view();
    static const idg_evidence ev[] = {{7, "```<script>alert(1)</script>"}};
    char *s;
    d.detail = "a <b>bold</b> | pipe";
    d.evidence = ev;
    d.n_evidence = 1;
    idg_report_begin_source(r, "x.log");
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_MARKDOWN);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(strstr(s, "a \\<b\\>bold\\</b\\> \\| pipe"));
    /* The evidence fence is longer than the backtick run inside it. */
    ck_assert_ptr_nonnull(strstr(s, "````\n"));
    free(s);
    s = idg_report_render(r, IDG_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(s, "[ERROR]"));
    ck_assert_ptr_nonnull(strstr(s, "AES_CBC_256"));
    free(s);
    idg_report_free(r);
}
END_TEST

START_TEST(tunnel_summary_states)
{
    idg_report *r = idg_report_new();
    idg_diagnosis fail = initiator_view(), up = initiator_view();
    char *s;
    json_t *j, *t, *row;
    up.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    up.severity = IDG_SEVERITY_INFO;
    idg_report_begin_source(r, "a.log");
    idg_report_add(r, &up);
    idg_report_add(r, &fail);
    fail.connection = "con2";
    idg_report_add(r, &fail);
    idg_report_add(r, &fail); /* folded: a repeat */
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    t = json_object_get(j, "tunnels");
    ck_assert_uint_eq(json_array_size(t), 2);
    row = json_array_get(t, 0);
    ck_assert_str_eq(json_string_value(json_object_get(row, "connection")), "con1");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase1"), "state")), "intermittent");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase2"), "state")), "unknown");
    row = json_array_get(t, 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase1"), "state")), "failed");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(row, "phase1"), "failures")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase1"), "failure_class")),
                     "phase1_proposal_mismatch");
    json_decref(j);
    free(s);
    s = idg_report_render(r, IDG_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(s, "Tunnels:"));
    ck_assert_ptr_nonnull(strstr(s, "phase 1: failed (phase1_proposal_mismatch)"));
    free(s);
    idg_report_free(r);
}
END_TEST

/* The JSON document of r (to be json_decref'd). */
static json_t *document_of(const idg_report *r)
{
    char *s = idg_report_render(r, IDG_FORMAT_JSON);
    json_t *j = json_loads(s, 0, NULL);
    free(s);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* The first tunnel's phase 1 "latest", and whether the summary calls the
 * failures history. */
static void check_latest(const idg_report *r, const char *latest, int history)
{
    json_t *j = document_of(r);
    json_t *p1 = json_object_get(json_array_get(json_object_get(j, "tunnels"), 0), "phase1");
    ck_assert_str_eq(json_string_value(json_object_get(p1, "latest")), latest);
    const char *summary = json_string_value(json_object_get(j, "summary"));
    ck_assert_int_eq(strstr(summary, "came up again later") != NULL, history);
    json_decref(j);
}

/* A tunnel that failed and came up again: its latest outcome is told
 * (the row's "latest", and the headline of a log whose last word is a
 * success), by when each diagnosis was last seen, repeats included. */
START_TEST(latest_outcome_of_an_intermittent_tunnel)
{
    idg_report *r = idg_report_new();
    idg_diagnosis fail = initiator_view(), up = initiator_view();
    up.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    up.severity = IDG_SEVERITY_INFO;
    idg_report_begin_source(r, "a.log");
    idg_report_add(r, &fail);
    idg_report_add(r, &up);
    check_latest(r, "established", 1);
    char *s = idg_report_render(r, IDG_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(s, "intermittent (phase1_proposal_mismatch), latest established"));
    free(s);
    /* another tunnel that failed and never came up: not history */
    idg_diagnosis other = fail;
    other.connection = "con9";
    idg_report_add(r, &other);
    idg_report_add(r, &up); /* con1 up again, the latest of all */
    check_latest(r, "established", 0);
    /* the failure again (folded into its first copy): now it is the latest */
    idg_report_add(r, &fail);
    check_latest(r, "failed", 0);
    idg_report_free(r);
}
END_TEST

/* A tunnel that came up and was closed with nothing wrong (tunnel_closed):
 * both phases that were up end "closed", the closing is no warning, the
 * summary counts it, and a later success makes it "established" again. */
START_TEST(closed_tunnel_is_the_latest)
{
    idg_report *r = idg_report_new();
    idg_diagnosis up = initiator_view(), up2 = initiator_view(), closed = initiator_view();
    up.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    up.severity = IDG_SEVERITY_INFO;
    up2.cls = IDG_CLASS_PHASE2_ESTABLISHED;
    up2.severity = IDG_SEVERITY_INFO;
    up2.phase = 2;
    closed.cls = IDG_CLASS_TUNNEL_CLOSED;
    closed.severity = IDG_SEVERITY_INFO;
    closed.n_offending = 0;
    idg_report_begin_source(r, "a.log");
    idg_report_add(r, &up);
    idg_report_add(r, &up2);
    idg_report_add(r, &closed);
    json_t *j = document_of(r);
    json_t *row = json_array_get(json_object_get(j, "tunnels"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(j, "outcome")), "established");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase1"), "latest")), "closed");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase2"), "latest")), "closed");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase1"), "state")), "established");
    ck_assert_int_eq(json_integer_value(json_object_get(row, "warnings")), 0);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "summary")),
                                 "1 tunnel was closed by the end of the log"));
    json_decref(j);
    char *s = idg_report_render(r, IDG_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(s, "phase 1: established, closed at the end"));
    free(s);
    /* up again: established is the latest, nothing closed */
    idg_report_add(r, &up);
    j = document_of(r);
    row = json_array_get(json_object_get(j, "tunnels"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(row, "phase1"), "latest")), "established");
    ck_assert_ptr_null(strstr(json_string_value(json_object_get(j, "summary")), "closed"));
    json_decref(j);
    idg_report_free(r);

    /* failed, came up, closed: the failure is history, the row ends closed */
    r = idg_report_new();
    idg_diagnosis fail = initiator_view();
    idg_report_begin_source(r, "b.log");
    idg_report_add(r, &fail);
    idg_report_add(r, &up);
    idg_report_add(r, &closed);
    check_latest(r, "closed", 1);
    idg_report_free(r);
}
END_TEST

/* Rows are found by hash (hundreds of tunnels): first-seen order, one row
 * per connection and log, and by both addresses when no connection is
 * named (the unnamed diagnosis here shares its peer with 300 named rows,
 * so it stays a row of its own: see unnamed_row_joins_its_named_tunnel). */
START_TEST(tunnel_rows_of_many_tunnels)
{
    enum { TUNNELS = 300 };
    idg_report *r = idg_report_new();
    idg_diagnosis d = initiator_view();
    char names[TUNNELS][16];
    char *s;
    json_t *j, *t;
    d.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    d.severity = IDG_SEVERITY_INFO;
    idg_report_begin_source(r, "a.log");
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < TUNNELS; i++) {
            snprintf(names[i], sizeof names[i], "con%d", i);
            d.connection = names[i];
            d.ike_sa_id = round * TUNNELS + i; /* not part of the key */
            d.cls = round == 2 && i % 2 ? IDG_CLASS_PHASE1_PROPOSAL_MISMATCH
                                        : IDG_CLASS_PHASE1_ESTABLISHED;
            d.severity = d.cls == IDG_CLASS_PHASE1_ESTABLISHED ? IDG_SEVERITY_INFO
                                                               : IDG_SEVERITY_ERROR;
            idg_report_add(r, &d);
        }
    }
    /* no connection: identified by the addresses */
    d.connection = NULL;
    idg_report_add(r, &d);
    d.remote_addr = "203.0.113.9";
    idg_report_add(r, &d);
    /* the same connection in another log: another row */
    idg_report_begin_source(r, "b.log");
    d.connection = "con7";
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(j);
    t = json_object_get(j, "tunnels");
    ck_assert_uint_eq(json_array_size(t), TUNNELS + 3);
    for (int i = 0; i < TUNNELS; i++) {
        json_t *row = json_array_get(t, (size_t)i);
        json_t *p1 = json_object_get(row, "phase1");
        ck_assert_str_eq(json_string_value(json_object_get(row, "connection")), names[i]);
        ck_assert_int_eq(json_integer_value(json_object_get(p1, "established")), i % 2 ? 2 : 3);
        ck_assert_int_eq(json_integer_value(json_object_get(p1, "failures")), i % 2 ? 1 : 0);
    }
    ck_assert(json_is_null(json_object_get(json_array_get(t, TUNNELS), "connection")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(t, TUNNELS), "remote")),
                     "203.0.113.2");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(t, TUNNELS + 1), "remote")),
                     "203.0.113.9");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(t, TUNNELS + 2), "source")),
                     "b.log");
    json_decref(j);
    free(s);
    idg_report_free(r);
}
END_TEST

/* The summary headlines the most certain failure: a leftover of an
 * earlier attempt read with less confidence does not come first. */
START_TEST(summary_leads_with_the_most_certain_failure)
{
    idg_report *r = idg_report_new();
    idg_diagnosis vague = initiator_view(), exact = initiator_view();
    vague.cls = IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
    vague.confidence = 0.6;
    exact.cls = IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH;
    exact.confidence = 0.95;
    idg_report_begin_source(r, "a.log");
    idg_report_add(r, &vague);
    idg_report_add(r, &exact);
    char *s = idg_report_render(r, IDG_FORMAT_JSON);
    json_t *j = json_loads(s, 0, NULL);
    const char *sum = json_string_value(json_object_get(j, "summary"));
    ck_assert_ptr_nonnull(strstr(sum, "most certain: "));
    ck_assert_ptr_nonnull(strstr(sum, idg_class_get(exact.cls)->title));
    json_decref(j);
    free(s);
    idg_report_free(r);
}
END_TEST

/* A road-warrior connection: its clients share one row, which counts their
 * distinct addresses (a repeat of one client counts once) and says so in
 * the text table. */
START_TEST(tunnel_row_counts_its_peers)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = initiator_view();
    static const char *clients[] = {"198.51.100.20", "198.51.100.21", "198.51.100.20", "198.51.100.22"};
    char *s;
    json_t *j, *t;
    d.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    d.severity = IDG_SEVERITY_INFO;
    d.connection = "rw";
    idg_report_begin_source(r, "a.log");
    for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++) {
        d.remote_addr = clients[i];
        d.ike_sa_id = (int64_t)i + 1;
        idg_report_add(r, &d);
    }
    d.connection = "site";
    d.remote_addr = "203.0.113.7";
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    t = json_object_get(j, "tunnels");
    ck_assert_uint_eq(json_array_size(t), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(t, 0), "peers")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(t, 0), "remote")), "198.51.100.20");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(t, 1), "peers")), 1);
    json_decref(j);
    free(s);
    s = idg_report_render(r, IDG_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(s, "peer 198.51.100.20 and 2 more"));
    ck_assert_ptr_null(strstr(s, "203.0.113.7 and"));
    free(s);
    idg_report_free(r);
}
END_TEST

/* A crash or a warning that names no connection and no address is about
 * the daemon (charon did not start, a key did not load): no tunnel row. A
 * failure without them is still a row (a minimal paste of one tunnel). */
START_TEST(daemon_diagnosis_is_no_tunnel)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = initiator_view();
    char *s;
    json_t *j, *t;
    d.connection = NULL;
    d.local_addr = NULL;
    d.remote_addr = NULL;
    d.cls = IDG_CLASS_CHARON_CRASHED;
    idg_report_begin_source(r, "a.log");
    idg_report_add(r, &d);
    d.cls = IDG_CLASS_PHASE1_CERTIFICATE_FAILURE;
    d.severity = IDG_SEVERITY_WARNING;
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "tunnels")), 0);
    json_decref(j);
    free(s);
    d.cls = IDG_CLASS_PHASE1_PSK_MISMATCH;
    d.severity = IDG_SEVERITY_ERROR;
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    t = json_object_get(j, "tunnels");
    ck_assert_uint_eq(json_array_size(t), 1);
    ck_assert(json_is_null(json_object_get(json_array_get(t, 0), "remote")));
    json_decref(j);
    free(s);
    idg_report_free(r);
}
END_TEST

/* An unnamed row whose peer is that of exactly one named row of the same
 * log is that tunnel before its name was known (a responder's INVALID_KE
 * round): folded into it, in first-seen place. With two named rows for
 * that peer it stays. */
START_TEST(unnamed_row_joins_its_named_tunnel)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = initiator_view();
    char *s;
    json_t *j, *t, *p1;
    idg_report_begin_source(r, "a.log");
    d.connection = NULL;
    d.cls = IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
    d.severity = IDG_SEVERITY_WARNING;
    idg_report_add(r, &d);
    d.connection = "con3";
    d.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    d.severity = IDG_SEVERITY_INFO;
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    t = json_object_get(j, "tunnels");
    ck_assert_uint_eq(json_array_size(t), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(t, 0), "connection")), "con3");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(t, 0), "warnings")), 1);
    p1 = json_object_get(json_array_get(t, 0), "phase1");
    ck_assert_str_eq(json_string_value(json_object_get(p1, "state")), "established");
    json_decref(j);
    free(s);
    /* a second connection to the same peer: no guess */
    d.connection = "con4";
    idg_report_add(r, &d);
    s = idg_report_render(r, IDG_FORMAT_JSON);
    j = json_loads(s, 0, NULL);
    t = json_object_get(j, "tunnels");
    ck_assert_uint_eq(json_array_size(t), 3);
    ck_assert(json_is_null(json_object_get(json_array_get(t, 0), "connection")));
    json_decref(j);
    free(s);
    idg_report_free(r);
}
END_TEST

START_TEST(repeats_are_folded)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = responder_view();
    d.time = "Nov 27 14:07:46";
    idg_report_begin_source(r, "a.log");
    idg_report_add(r, &d);
    d.time = "Nov 27 14:08:16";
    idg_report_add(r, &d);
    ck_assert_uint_eq(idg_report_count(r), 1);
    ck_assert_uint_eq(idg_report_get(r, 0)->occurrences, 2);
    ck_assert_str_eq(idg_report_get(r, 0)->last_time, "Nov 27 14:08:16");
    ck_assert_str_eq(idg_report_get(r, 0)->time, "Nov 27 14:07:46");
    idg_report_free(r);
}
END_TEST

/* A report at its cap keeps the failures: successes take at most 4,000
 * places, so 6,000 distinct errors after 5,000 distinct successes are all
 * kept; the successes past their share, and anything past the cap, are
 * counted as dropped (errors among them still make the outcome failed). */
START_TEST(successes_do_not_crowd_out_failures)
{
    idg_report *r = idg_report_new();
    idg_diagnosis ok, bad = responder_view();
    char name[32];
    memset(&ok, 0, sizeof ok);
    ok.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    ok.phase = 1;
    ok.severity = IDG_SEVERITY_INFO;
    ok.confidence = 1;
    idg_report_begin_source(r, "hub.log");
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "rw%d", i);
        ok.connection = name;
        ck_assert_int_eq(idg_report_add(r, &ok), 0);
    }
    ck_assert_uint_eq(idg_report_count(r), 4000);
    for (int i = 0; i < 6001; i++) {
        snprintf(name, sizeof name, "site%d", i);
        bad.connection = name;
        ck_assert_int_eq(idg_report_add(r, &bad), 0);
    }
    ck_assert_uint_eq(idg_report_count(r), 10000);
    ck_assert_uint_eq(idg_report_errors(r), 6001); /* 6,000 kept, 1 dropped */
    char *doc = idg_report_render(r, IDG_FORMAT_JSON_COMPACT);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(strstr(doc, "\"dropped_diagnoses\":1001"));
    ck_assert_ptr_nonnull(strstr(doc, "\"outcome\":\"failed\""));
    free(doc);
    idg_report_free(r);
}
END_TEST

static int collect_bytes(void *user, const char *data, size_t len)
{
    char **acc = user;
    size_t have = *acc ? strlen(*acc) : 0;
    char *n = realloc(*acc, have + len + 1);
    if (n == NULL)
        return -1;
    memcpy(n + have, data, len);
    n[have + len] = '\0';
    *acc = n;
    return 0;
}

static int refuse(void *user, const char *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return -1;
}

START_TEST(streamed_render_equals_whole)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = responder_view();
    char buf[64];
    idg_report_begin_source(r, "big.log");
    /* enough distinct diagnoses to cross the 64 KiB drain point */
    for (int i = 0; i < 400; i++) {
        snprintf(buf, sizeof buf, "con%d", i);
        d.connection = buf;
        idg_report_add(r, &d);
    }
    for (int f = IDG_FORMAT_JSON; f <= IDG_FORMAT_JSON_COMPACT; f++) {
        char *whole = idg_report_render(r, (idg_format)f), *streamed = NULL;
        ck_assert_int_eq(idg_report_write(r, (idg_format)f, collect_bytes, &streamed), 0);
        ck_assert_uint_gt(strlen(whole), 65536);
        ck_assert_str_eq(whole, streamed);
        free(whole);
        free(streamed);
    }
    ck_assert_int_eq(idg_report_write(r, IDG_FORMAT_JSON, refuse, NULL), -1);
    idg_report_free(r);
}
END_TEST

/* The responder's view with text that needs escapes and repair. */
static idg_diagnosis escaped_view(void)
{
    static const idg_evidence ev[] = {{104, "11[CFG] <1> received \"proposals\": IKE:AES_CBC_128\t\xc3\xa9"}};
    idg_diagnosis d = responder_view();
    d.connection = "con1";
    d.evidence = ev;
    d.detail = "bad \xff bytes";
    return d;
}

/* JSON text as jansson dumps it (the writer's reference). */
static char *jansson_dump(json_t *v, size_t flags)
{
    char *s = json_dumps(v, flags | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(v);
    return s;
}

START_TEST(append_equals_to_json)
{
    idg_diagnosis d = escaped_view();
    char *one = idg_diagnosis_to_json(&d);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ck_assert_int_eq(idg_diagnosis_json_append(&d, &buf, &len, &cap), 0);
    ck_assert_uint_eq(len, strlen(one));
    ck_assert_str_eq(buf, one);
    /* appended after what is there, and no reallocation once it fits */
    ck_assert_int_eq(idg_diagnosis_json_append(&d, &buf, &len, &cap), 0);
    ck_assert_uint_eq(len, 2 * strlen(one));
    ck_assert(strncmp(buf + strlen(one), one, strlen(one)) == 0);
    len = 3;
    char *before = buf;
    size_t cap_before = cap;
    ck_assert_int_eq(idg_diagnosis_json_append(&d, &buf, &len, &cap), 0);
    ck_assert_ptr_eq(buf, before);
    ck_assert_uint_eq(cap, cap_before);
    ck_assert_uint_eq(len, 3 + strlen(one));
    ck_assert_str_eq(buf + 3, one);
    free(buf);
    free(one);
}
END_TEST

START_TEST(compact_document_is_the_pretty_one)
{
    idg_report *r = idg_report_new();
    idg_diagnosis d = escaped_view();
    idg_report_begin_source(r, "a \"quoted\" name.log");
    idg_report_add(r, &d);
    d.cls = IDG_CLASS_PHASE1_ESTABLISHED;
    d.severity = IDG_SEVERITY_INFO;
    d.connection = "con2";
    idg_report_add(r, &d);
    char *pretty = idg_report_render(r, IDG_FORMAT_JSON);
    char *compact = idg_report_render(r, IDG_FORMAT_JSON_COMPACT);
    json_t *p = json_loads(pretty, 0, NULL), *c = json_loads(compact, 0, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(c);
    ck_assert(json_equal(p, c));
    /* byte for byte what jansson's compact dump of the same document is */
    char *want = jansson_dump(p, JSON_COMPACT);
    ck_assert_str_eq(compact, want);
    ck_assert_ptr_null(strchr(compact, '\n'));
    ck_assert_uint_lt(strlen(compact), strlen(pretty));
    json_decref(c);
    free(want);
    free(pretty);
    free(compact);
    idg_report_free(r);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, catalogue_is_complete_and_unique);
    tcase_add_test(tc, format_names);
    tcase_add_test(tc, copy_is_deep);
    tcase_add_test(tc, fold_key_is_the_finding);
    tcase_add_test(tc, json_is_valid_and_complete);
    tcase_add_test(tc, invalid_utf8_still_gives_valid_json);
    tcase_add_test(tc, correlation_fills_the_initiator);
    tcase_add_test(tc, no_correlation_without_a_shared_key);
    tcase_add_test(tc, dropped_setup_explains_no_answer);
    tcase_add_test(tc, document_outcomes);
    tcase_add_test(tc, markdown_escapes_markup);
    tcase_add_test(tc, tunnel_summary_states);
    tcase_add_test(tc, latest_outcome_of_an_intermittent_tunnel);
    tcase_add_test(tc, closed_tunnel_is_the_latest);
    tcase_add_test(tc, tunnel_rows_of_many_tunnels);
    tcase_add_test(tc, unnamed_row_joins_its_named_tunnel);
    tcase_add_test(tc, tunnel_row_counts_its_peers);
    tcase_add_test(tc, summary_leads_with_the_most_certain_failure);
    tcase_add_test(tc, daemon_diagnosis_is_no_tunnel);
    tcase_add_test(tc, repeats_are_folded);
    tcase_add_test(tc, successes_do_not_crowd_out_failures);
    tcase_add_test(tc, streamed_render_equals_whole);
    tcase_add_test(tc, append_equals_to_json);
    tcase_add_test(tc, compact_document_is_the_pretty_one);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
