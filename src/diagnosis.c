/*
 * diagnosis.c - owning copies of diagnoses and their JSON form.
 *
 * The engine hands diagnoses out by pointer, valid only during its
 * callback, so that it never allocates on behalf of callers that only
 * stream them on. Callers that keep them (reports, correlation) take a deep
 * copy here. The JSON shape lives here too, once.
 */
#include <stdlib.h>
#include <string.h>

#include "diagnosis_json.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* strdup that reports failure only when the source was non-NULL. */
#define DUP_FIELD(dst, src, ok)                   \
    do {                                          \
        (dst) = dup_or_null(src);                 \
        if ((src) != NULL && (dst) == NULL)       \
            (ok) = 0;                             \
    } while (0)

idg_diagnosis *idg_diagnosis_copy(const idg_diagnosis *d)
{
    idg_diagnosis *c = calloc(1, sizeof *c);
    int ok = 1;
    if (c == NULL)
        return NULL;
    *c = *d;
    c->title = c->detail = c->connection = c->child_name = NULL;
    c->local_addr = c->remote_addr = c->time = NULL;
    c->summary = c->change_side = c->pfsense = c->strongswan = NULL;
    c->source = c->peer_source = c->last_time = NULL;
    c->offending = NULL;
    c->evidence = NULL;
    c->msgids = NULL;
    c->n_offending = c->n_evidence = c->n_msgids = 0;

    DUP_FIELD(c->title, d->title, ok);
    DUP_FIELD(c->detail, d->detail, ok);
    DUP_FIELD(c->connection, d->connection, ok);
    DUP_FIELD(c->child_name, d->child_name, ok);
    DUP_FIELD(c->local_addr, d->local_addr, ok);
    DUP_FIELD(c->remote_addr, d->remote_addr, ok);
    DUP_FIELD(c->time, d->time, ok);
    DUP_FIELD(c->summary, d->summary, ok);
    DUP_FIELD(c->change_side, d->change_side, ok);
    DUP_FIELD(c->pfsense, d->pfsense, ok);
    DUP_FIELD(c->strongswan, d->strongswan, ok);
    DUP_FIELD(c->source, d->source, ok);
    DUP_FIELD(c->peer_source, d->peer_source, ok);
    DUP_FIELD(c->last_time, d->last_time, ok);

    if (d->n_offending > 0) {
        idg_offending *o = calloc(d->n_offending, sizeof *o);
        if (o == NULL)
            ok = 0;
        else {
            c->offending = o;
            c->n_offending = d->n_offending;
            for (size_t i = 0; i < d->n_offending; i++) {
                DUP_FIELD(o[i].field, d->offending[i].field, ok);
                DUP_FIELD(o[i].local, d->offending[i].local, ok);
                DUP_FIELD(o[i].peer, d->offending[i].peer, ok);
            }
        }
    }
    if (d->n_evidence > 0) {
        idg_evidence *e = calloc(d->n_evidence, sizeof *e);
        if (e == NULL)
            ok = 0;
        else {
            c->evidence = e;
            c->n_evidence = d->n_evidence;
            for (size_t i = 0; i < d->n_evidence; i++) {
                e[i].line = d->evidence[i].line;
                DUP_FIELD(e[i].text, d->evidence[i].text, ok);
            }
        }
    }
    if (d->n_msgids > 0) {
        uint32_t *m = malloc(d->n_msgids * sizeof *m);
        if (m == NULL)
            ok = 0;
        else {
            memcpy(m, d->msgids, d->n_msgids * sizeof *m);
            c->msgids = m;
            c->n_msgids = d->n_msgids;
        }
    }
    if (!ok) {
        idg_diagnosis_free(c);
        return NULL;
    }
    return c;
}

void idg_diagnosis_free(idg_diagnosis *d)
{
    if (d == NULL)
        return;
    free((char *)d->title);
    free((char *)d->detail);
    free((char *)d->connection);
    free((char *)d->child_name);
    free((char *)d->local_addr);
    free((char *)d->remote_addr);
    free((char *)d->time);
    free((char *)d->summary);
    free((char *)d->change_side);
    free((char *)d->pfsense);
    free((char *)d->strongswan);
    free((char *)d->source);
    free((char *)d->peer_source);
    free((char *)d->last_time);
    for (size_t i = 0; i < d->n_offending; i++) {
        free((char *)d->offending[i].field);
        free((char *)d->offending[i].local);
        free((char *)d->offending[i].peer);
    }
    free((void *)d->offending);
    for (size_t i = 0; i < d->n_evidence; i++)
        free((char *)d->evidence[i].text);
    free((void *)d->evidence);
    free((void *)d->msgids);
    free(d);
}

/* A JSON string, or JSON null for a NULL pointer. Invalid UTF-8 (which
 * the engine never hands out, but a caller-built diagnosis might carry) is
 * replaced byte by byte with '?', so the output is always valid JSON. */
static json_t *str_or_null(const char *s)
{
    json_t *j;
    char *clean;
    if (s == NULL)
        return json_null();
    j = json_string(s);
    if (j != NULL)
        return j;
    clean = strdup(s);
    if (clean == NULL)
        return json_null();
    for (size_t i = 0; clean[i]; i++)
        if ((unsigned char)clean[i] >= 0x80)
            clean[i] = '?';
    j = json_string(clean);
    free(clean);
    return j ? j : json_null();
}

json_t *diagnosis_json(const idg_diagnosis *d)
{
    const idg_class_info *ci = idg_class_get(d->cls);
    json_t *o = json_object();
    json_t *conn, *offending, *rec, *evidence;
    if (o == NULL)
        return NULL;

    json_object_set_new(o, "class", json_string(ci ? ci->name : "unknown"));
    json_object_set_new(o, "phase", json_integer(d->phase));
    json_object_set_new(o, "severity", json_string(idg_severity_name(d->severity)));
    json_object_set_new(o, "title", str_or_null(d->title ? d->title : (ci ? ci->title : NULL)));
    json_object_set_new(o, "detail", str_or_null(d->detail));
    json_object_set_new(o, "ike_version",
                        d->ike_version ? json_integer(d->ike_version) : json_null());
    json_object_set_new(o, "role", str_or_null(idg_role_name(d->role)));

    conn = json_object();
    json_object_set_new(conn, "name", str_or_null(d->connection));
    json_object_set_new(conn, "ike_sa_id",
                        d->ike_sa_id >= 0 ? json_integer(d->ike_sa_id) : json_null());
    json_object_set_new(conn, "child", str_or_null(d->child_name));
    json_object_set_new(o, "connection", conn);

    json_object_set_new(o, "local", str_or_null(d->local_addr));
    json_object_set_new(o, "remote", str_or_null(d->remote_addr));
    json_object_set_new(o, "time", str_or_null(d->time));
    json_object_set_new(o, "confidence", json_real((double)((int)(d->confidence * 100 + 0.5)) / 100.0));

    offending = json_array();
    for (size_t i = 0; i < d->n_offending; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "field", str_or_null(d->offending[i].field));
        json_object_set_new(f, "local", str_or_null(d->offending[i].local));
        json_object_set_new(f, "peer", str_or_null(d->offending[i].peer));
        json_array_append_new(offending, f);
    }
    json_object_set_new(o, "offending", offending);

    rec = json_object();
    json_object_set_new(rec, "summary", str_or_null(d->summary));
    json_object_set_new(rec, "change_side", str_or_null(d->change_side));
    json_object_set_new(rec, "pfsense", str_or_null(d->pfsense));
    json_object_set_new(rec, "strongswan", str_or_null(d->strongswan));
    json_object_set_new(o, "recommendation", rec);

    evidence = json_array();
    for (size_t i = 0; i < d->n_evidence; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "line", json_integer((json_int_t)d->evidence[i].line));
        json_object_set_new(e, "text", str_or_null(d->evidence[i].text));
        json_array_append_new(evidence, e);
    }
    json_object_set_new(o, "evidence", evidence);
    json_object_set_new(o, "source", str_or_null(d->source));
    if (d->peer_source)
        json_object_set_new(o, "peer_source", json_string(d->peer_source));
    json_object_set_new(o, "occurrences",
                        json_integer((json_int_t)(d->occurrences ? d->occurrences : 1)));
    if (d->last_time)
        json_object_set_new(o, "last_time", json_string(d->last_time));
    return o;
}

char *idg_diagnosis_to_json(const idg_diagnosis *d)
{
    json_t *o = diagnosis_json(d);
    char *s;
    if (o == NULL)
        return NULL;
    s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    return s;
}
