/*
 * status_output.c - strongSwan's status output recognised (see
 * status_output.h for why).
 *
 * The shapes are strongSwan's format strings with what
 * varies after the part that identifies a line taken as a final %s, in
 * one table per way a line's first token ends. A
 * line is tried only against the rows whose first token ends the way its
 * own does ("con1[3]:", "con1{3}:", "con1:", or a heading's first word),
 * so another program's line costs a short scan and a compare or two.
 */
#include <string.h>

#include "fmt_match.h"
#include "status_output.h"

typedef struct status_row {
    const char *fmt;  /* strongSwan's format, its variable tail as %s */
    status_kind kind;
    signed char state; /* the capture that is the SA's state, -1: none */
} status_row;

/* Lines whose first token ends in '[': "%12s[%d]: ..." of ipsec status
 * and statusall (stroke_list.c: log_ike_sa, status), "%N %V ago, %H[%Y]
 * ...%H[%Y]" for an established IKE_SA, "%N, %H[%Y]...%H[%Y]" for the
 * others, then the SA's details */
static const status_row AFTER_BRACKET[] = {
    {"%s[%u]: %N %s ago, %s", STATUS_IKE_SA, 2},
    {"%s[%u]: %N, %s...%s", STATUS_IKE_SA, 2},
    {"%s[%u]: IKEv%u SPIs: %s", STATUS_OTHER, -1},
    {"%s[%u]: IKE proposal: %s", STATUS_OTHER, -1},
    {"%s[%u]: Tasks %s: %s", STATUS_OTHER, -1},
    {"%s[%u]: Remote %s identity: %s", STATUS_OTHER, -1},
};

/* '{': a CHILD_SA (log_child_sa), "%12s{%d}:  %N, %N%s, reqid %u...",
 * then its algorithms and its traffic selectors "%12s{%d}:   %#R === %#R" */
static const status_row AFTER_BRACE[] = {
    {"%s{%u}:  %N, %s", STATUS_CHILD_SA, 2},
    {"%s{%u}:  %s", STATUS_OTHER, -1},
};

/* ':': statusall's Connections section, "%12s:  %s...%s  %N", its auth
 * lines "%12s:   local:  [%Y] uses ..." and children "%12s:   child:
 * %#R === %#R %N"; swanctl --list-sas (list_sas.c), "%s: #%s, %s, IKEv%s,
 * %s_i%s %s_r%s" and its CHILD_SAs "  %s: #%s, reqid %s, %s, %s%s, %s:...";
 * swanctl --list-conns (list_conns.c), "%s: %s, " with the version (IKEv1,
 * IKEv2, or IKE for either), then "no reauthentication" or
 * "reauthentication every %ss" */
static const status_row AFTER_COLON[] = {
    {"%s:  %s...%s  IKE%s", STATUS_OTHER, -1},
    {"%s:   local:  [%s] uses %s", STATUS_OTHER, -1},
    {"%s:   remote: [%s] uses %s", STATUS_OTHER, -1},
    {"%s:   child:  %s === %s", STATUS_OTHER, -1},
    {"%s: #%u, %N, IKEv%s", STATUS_IKE_SA, 2},
    {"%s: #%u, reqid %u, %N, %s", STATUS_CHILD_SA, 3},
    {"%s: IKE%s, no reauthentication%s", STATUS_OTHER, -1},
    {"%s: IKE%s, reauthentication every %s", STATUS_OTHER, -1},
};

/* a blank: headings, and list_sas.c's lines of an IKE_SA or CHILD_SA */
static const status_row AFTER_BLANK[] = {
    {"Status of IKE charon daemon (%s", STATUS_OTHER, -1},
    {"Security Associations (%u up, %u connecting):", STATUS_OTHER, -1},
    {"local  '%s' @ %s", STATUS_OTHER, -1},
    {"remote '%s' @ %s", STATUS_OTHER, -1},
    {"established %us ago%s", STATUS_OTHER, -1},
    {"installed %us ago%s", STATUS_OTHER, -1},
};



/* charon's state names (ike_sa_state_names, child_sa_state_names). */
static const char *const IKE_STATES[] = {"CREATED", "CONNECTING", "ESTABLISHED", "PASSIVE",
                                         "REKEYING", "REKEYED", "DELETING", "DESTROYING"};
static const char *const CHILD_STATES[] = {"CREATED", "ROUTED", "INSTALLING", "INSTALLED",
                                           "UPDATING", "REKEYING", "REKEYED", "RETRYING",
                                           "DELETING", "DELETED", "DESTROYING"};

/* Whether s is the name lit. */
static int span_is(span s, const char *lit)
{
    return strlen(lit) == s.n && memcmp(lit, s.p, s.n) == 0;
}

static int is_state(span s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_is(s, names[i]))
            return 1;
    return 0;
}

/* The byte after the token at p: a token ends at a blank, '[', '{' or ':'
 * (0 if it runs to the end). */
static char first_token_end(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p == ' ' || *p == '[' || *p == '{' || *p == ':')
            return *p;
    return 0;
}

status_kind status_line_parse(const char *text, size_t n, status_line *out)
{
    status_line none = {STATUS_NONE, {"", 0}, {"", 0}};
    if (out)
        *out = none;
    const char *first = text, *end = text + n;
    while (first < end && *first == ' ')
        first++;
    const status_row *group;
    size_t rows;
    switch (first_token_end(first, end)) {
    case '[':
        group = AFTER_BRACKET, rows = sizeof AFTER_BRACKET / sizeof AFTER_BRACKET[0];
        break;
    case '{':
        group = AFTER_BRACE, rows = sizeof AFTER_BRACE / sizeof AFTER_BRACE[0];
        break;
    case ':':
        group = AFTER_COLON, rows = sizeof AFTER_COLON / sizeof AFTER_COLON[0];
        break;
    case ' ':
        group = AFTER_BLANK, rows = sizeof AFTER_BLANK / sizeof AFTER_BLANK[0];
        break;
    default:
        return STATUS_NONE;
    }
    for (size_t i = 0; i < rows; i++) {
        const status_row *row = &group[i];
        span caps[FMT_MAX_CONV];
        /* (a row that opens with text: its first byte first) */
        if ((row->fmt[0] != '%' && row->fmt[0] != *first) ||
            fmt_match(row->fmt, text, n, caps, FMT_MAX_CONV) < 0)
            continue;
        if (row->kind == STATUS_IKE_SA &&
            !is_state(caps[row->state], IKE_STATES, sizeof IKE_STATES / sizeof IKE_STATES[0]))
            continue;
        if (row->kind == STATUS_CHILD_SA &&
            !is_state(caps[row->state], CHILD_STATES, sizeof CHILD_STATES / sizeof CHILD_STATES[0]))
            continue;
        if (out) {
            out->kind = row->kind;
            if (row->state >= 0) {
                out->name = caps[0];
                out->state = caps[row->state];
            }
        }
        return row->kind;
    }
    return STATUS_NONE;
}

void status_output_tally(idg_stats *st, const char *text, size_t n)
{
    status_line sl;
    switch (status_line_parse(text, n, &sl)) {
    case STATUS_NONE:
        return;
    case STATUS_OTHER:
        break;
    case STATUS_IKE_SA:
        st->status_ike_sas++;
        st->status_ike_established += span_is(sl.state, "ESTABLISHED");
        break;
    case STATUS_CHILD_SA:
        st->status_child_sas++;
        st->status_child_installed += span_is(sl.state, "INSTALLED");
        break;
    }
    st->status_lines++;
}
