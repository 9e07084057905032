/*
 * load_errors.c - why a connection of ipsec.conf did not load (see
 * load_errors.h).
 */
#include "load_errors.h"

#include <stdlib.h>
#include <string.h>

/* The lines of one connection's adding come together on the stroke
 * thread; a reason or a skipped string this many lines after the
 * "add connection" belongs to another one. */
#define ADDING_WINDOW 64

static void keep_line(load_error *e, const charon_line *l, uint32_t seq)
{
    if (e->n_lines < LOAD_ERROR_LINES)
        kept_line_set(&e->lines[e->n_lines++], l, seq);
}

void load_errors_init(load_errors *le)
{
    memset(le, 0, sizeof *le);
}

void load_errors_free(load_errors *le)
{
    free(le->refused);
    memset(le, 0, sizeof *le);
}

void load_errors_clear(load_errors *le)
{
    load_error *keep = le->refused;
    memset(le, 0, sizeof *le);
    le->refused = keep;
}

/* Whether the line continues the adding on its thread. */
static int adding_on(const load_errors *le, const charon_line *l, uint32_t seq)
{
    return le->adding.conn[0] && le->adding_thread == l->thread &&
           seq - le->adding_seq <= ADDING_WINDOW;
}

void load_errors_adding(load_errors *le, const charon_line *l, span name, uint32_t seq)
{
    memset(&le->adding, 0, sizeof le->adding);
    le->adding_confirmed = 0;
    cstr_copy(le->adding.conn, sizeof le->adding.conn, name, 1);
    le->adding_thread = l->thread;
    le->adding_seq = seq;
    keep_line(&le->adding, l, seq);
}

void load_errors_reason(load_errors *le, const charon_line *l, uint32_t seq)
{
    if (!adding_on(le, l, seq) || le->adding.why[0])
        return; /* the first reason of the adding is the one */
    cstr_copy(le->adding.why, sizeof le->adding.why, l->msg, 1);
    keep_line(&le->adding, l, seq);
}

void load_errors_skipped(load_errors *le, const charon_line *l, span proposal, uint32_t seq)
{
    if (!adding_on(le, l, seq))
        return;
    if (!le->refused) {
        le->refused = calloc(LOAD_ERRORS_MAX, sizeof *le->refused);
        if (!le->refused)
            return;
    }
    load_error *e = NULL;
    for (int i = 0; i < le->n_refused && !e; i++)
        if (strcmp(le->refused[i].conn, le->adding.conn) == 0)
            e = &le->refused[i]; /* added again: the newest refusal */
    if (!e) {
        if (le->n_refused < LOAD_ERRORS_MAX) {
            e = &le->refused[le->n_refused++];
        } else {
            e = &le->refused[le->next];
            le->next = (le->next + 1) % LOAD_ERRORS_MAX;
        }
    }
    *e = le->adding;
    cstr_copy(e->proposal, sizeof e->proposal, proposal, 1);
    keep_line(e, l, seq);
    le->adding.conn[0] = '\0'; /* one refusal per adding */
}

static int adding_is(const load_errors *le, span name)
{
    const char *c = le->adding.conn;
    return c[0] && strlen(c) == name.n && memcmp(c, name.p, name.n) == 0;
}

void load_errors_added(load_errors *le, span name)
{
    if (adding_is(le, name))
        le->adding_confirmed = 1;
}

const kept_line *load_errors_unconfirmed(const load_errors *le, span name)
{
    return adding_is(le, name) && !le->adding_confirmed && le->adding.n_lines > 0
               ? &le->adding.lines[0] : NULL;
}

const load_error *load_errors_find(const load_errors *le, span name)
{
    for (int i = 0; i < le->n_refused; i++) {
        const char *c = le->refused[i].conn;
        if (strlen(c) == name.n && memcmp(c, name.p, name.n) == 0)
            return &le->refused[i];
    }
    return NULL;
}
