/*
 * diagnosis.c - owning copies of diagnoses and their JSON form.
 *
 * The engine hands diagnoses out by pointer, valid only during its
 * callback, so that it never allocates on behalf of callers that only
 * stream them on. Callers that keep them (reports, correlation) take a deep
 * copy here. The JSON shape lives here too, once.
 */
#include <math.h>
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

/*
 * The JSON shape of a diagnosis (api/schemas/diagnosis.schema.json),
 * written straight into the output (jsonw.c) rather than through a jansson
 * tree; the text is byte for byte what the tree gave. Strings go through
 * jw_str_or_null: NULL is null, and text that is not valid UTF-8 (which
 * the engine never hands out, but a caller-built diagnosis might carry)
 * has each non-ASCII byte replaced with '?', so the output is always
 * valid JSON.
 */
void diagnosis_write_json(jsonw *w, const idg_diagnosis *d)
{
    const idg_class_info *ci = idg_class_get(d->cls);
    jw_obj_begin(w);
    jw_key(w, "class");
    jw_str(w, ci ? ci->name : "unknown");
    jw_key(w, "phase");
    jw_int(w, d->phase);
    jw_key(w, "severity");
    jw_str(w, idg_severity_name(d->severity));
    jw_key(w, "title");
    jw_str_or_null(w, d->title ? d->title : (ci ? ci->title : NULL));
    jw_key(w, "detail");
    jw_str_or_null(w, d->detail);
    jw_key(w, "ike_version");
    if (d->ike_version)
        jw_int(w, d->ike_version);
    else
        jw_null(w);
    jw_key(w, "role");
    jw_str_or_null(w, idg_role_name(d->role));

    jw_key(w, "connection");
    jw_obj_begin(w);
    jw_key(w, "name");
    jw_str_or_null(w, d->connection);
    jw_key(w, "ike_sa_id");
    if (d->ike_sa_id >= 0)
        jw_int(w, d->ike_sa_id);
    else
        jw_null(w);
    jw_key(w, "child");
    jw_str_or_null(w, d->child_name);
    jw_obj_end(w);

    jw_key(w, "local");
    jw_str_or_null(w, d->local_addr);
    jw_key(w, "remote");
    jw_str_or_null(w, d->remote_addr);
    jw_key(w, "time");
    jw_str_or_null(w, d->time);
    double conf = (double)((int)(d->confidence * 100 + 0.5)) / 100.0;
    if (isfinite(conf)) { /* jansson holds no NaN: the member was left out */
        jw_key(w, "confidence");
        jw_real(w, conf);
    }

    jw_key(w, "offending");
    jw_arr_begin(w);
    for (size_t i = 0; i < d->n_offending; i++) {
        jw_obj_begin(w);
        jw_key(w, "field");
        jw_str_or_null(w, d->offending[i].field);
        jw_key(w, "local");
        jw_str_or_null(w, d->offending[i].local);
        jw_key(w, "peer");
        jw_str_or_null(w, d->offending[i].peer);
        jw_obj_end(w);
    }
    jw_arr_end(w);

    jw_key(w, "recommendation");
    jw_obj_begin(w);
    jw_key(w, "summary");
    jw_str_or_null(w, d->summary);
    jw_key(w, "change_side");
    jw_str_or_null(w, d->change_side);
    jw_key(w, "pfsense");
    jw_str_or_null(w, d->pfsense);
    jw_key(w, "strongswan");
    jw_str_or_null(w, d->strongswan);
    jw_obj_end(w);

    jw_key(w, "evidence");
    jw_arr_begin(w);
    for (size_t i = 0; i < d->n_evidence; i++) {
        jw_obj_begin(w);
        jw_key(w, "line");
        jw_int(w, (int64_t)d->evidence[i].line);
        jw_key(w, "text");
        jw_str_or_null(w, d->evidence[i].text);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "source");
    jw_str_or_null(w, d->source);
    jw_key_str(w, "peer_source", d->peer_source);
    jw_key(w, "occurrences");
    jw_int(w, (int64_t)(d->occurrences ? d->occurrences : 1));
    jw_key_str(w, "last_time", d->last_time);
    jw_obj_end(w);
}

char *idg_diagnosis_to_json(const idg_diagnosis *d)
{
    strbuf sb = STRBUF_INIT;
    jsonw w;
    jw_init(&w, &sb, 0);
    diagnosis_write_json(&w, d);
    return strbuf_steal(&sb);
}
