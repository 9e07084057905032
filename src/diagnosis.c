/*
 * diagnosis.c - owning copies of diagnoses and their JSON form.
 *
 * The engine hands diagnoses out by pointer, valid only during its
 * callback, so that it never allocates on behalf of callers that only
 * stream them on. Callers that keep them (reports, correlation) take a deep
 * copy here. The JSON shape lives here too, once.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_json.h"

/* A copy lives in one block: the struct, its arrays and all its strings
 * (a report keeps ~2,000 of them, and 40 small mallocs each cost more in
 * headers and rounding than the text). The report may later replace a
 * field with a separately allocated string; diag_free_field frees only
 * pointers outside the block, so both kinds mix safely. */
typedef struct copy_block {
    idg_diagnosis d;           /* first: the block is freed through &d */
    size_t size;               /* whole block, for diag_owns */
    int external;              /* the block belongs to a caller's arena */
    char *lt;                  /* room for a replaced last_time (in the block, or
                                * given later: diag_give_last_time_room), or NULL */
    size_t lt_cap;
    const char *borrowed;      /* the source, when it was not copied (diag_copy_with) */
    max_align_t data[];
} copy_block;

/* Whether p lies in memory the copy does not free field by field: its
 * block, its last_time room, its borrowed source. */
static int diag_owns(const idg_diagnosis *d, const void *p)
{
    const copy_block *b = (const copy_block *)d;
    const char *c = p;
    return (c >= (const char *)b && c < (const char *)b + b->size) ||
           (b->lt && c >= b->lt && c < b->lt + b->lt_cap) || (b->borrowed && c == b->borrowed);
}

void diag_free_field(const idg_diagnosis *owner, const void *p)
{
    if (p != NULL && !diag_owns(owner, p))
        free((void *)p);
}

void diag_give_last_time_room(idg_diagnosis *d, char *room, size_t cap)
{
    copy_block *b = (copy_block *)d;
    if (b->lt == NULL && room != NULL) {
        b->lt = room;
        b->lt_cap = cap;
    }
}

int diag_set_last_time(idg_diagnosis *d, const char *s)
{
    copy_block *b = (copy_block *)d;
    if (s == NULL || strlen(s) >= b->lt_cap)
        return -1;
    if (d->last_time != b->lt) {
        diag_free_field(d, d->last_time);
        d->last_time = b->lt;
    }
    memcpy(b->lt, s, strlen(s) + 1);
    return 0;
}

static size_t slen(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copies s to *at (advancing it), or NULL. */
static const char *put(char **at, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *c = memcpy(*at, s, n);
    *at += n;
    return c;
}

#define DIAG_STRS(X)                                                          \
    X(title) X(detail) X(connection) X(child_name) X(local_addr)              \
    X(remote_addr) X(time) X(summary) X(change_side) X(pfsense)               \
    X(strongswan) X(source) X(peer_source) X(last_time)

static void *heap_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

/* The bytes of all the strings of d, NULs included. */
static size_t strings_size(const idg_diagnosis *d)
{
    size_t n = 0;
#define LEN(f) n += slen(d->f);
    DIAG_STRS(LEN)
#undef LEN
    for (size_t i = 0; i < d->n_offending; i++)
        n += slen(d->offending[i].field) + slen(d->offending[i].local) +
             slen(d->offending[i].peer);
    for (size_t i = 0; i < d->n_evidence; i++)
        n += slen(d->evidence[i].text);
    return n;
}

idg_diagnosis *idg_diagnosis_copy(const idg_diagnosis *d)
{
    return diag_copy_with(d, heap_alloc, NULL, NULL, 0);
}

idg_diagnosis *diag_copy_with(const idg_diagnosis *d, void *(*alloc)(void *ctx, size_t n),
                              void *ctx, const char *source, size_t lt_room)
{
    size_t off_sz = d->n_offending * sizeof(idg_offending);
    size_t ev_sz = d->n_evidence * sizeof(idg_evidence);
    size_t mid_sz = d->n_msgids * sizeof(uint32_t);
    size_t text = strings_size(d);
    text += lt_room;
    size_t total = sizeof(copy_block) + off_sz + ev_sz + mid_sz + text;
    copy_block *b = alloc(ctx, total);
    if (b == NULL)
        return NULL;
    idg_diagnosis *c = &b->d;
    *c = *d;
    b->size = total;
    b->external = alloc != heap_alloc;
    b->lt = NULL;
    b->lt_cap = 0;
    b->borrowed = NULL;
    char *at = (char *)b->data;
    /* arrays first (offending and evidence hold pointers and a uint64_t:
     * sizes are multiples of 8 from an aligned start), then msgids, text */
    idg_offending *o = d->n_offending ? (idg_offending *)at : NULL;
    at += off_sz;
    idg_evidence *e = d->n_evidence ? (idg_evidence *)at : NULL;
    at += ev_sz;
    uint32_t *m = d->n_msgids ? (uint32_t *)at : NULL;
    if (m)
        memcpy(m, d->msgids, mid_sz);
    at += mid_sz;
#define PUT(f) c->f = put(&at, d->f);
    DIAG_STRS(PUT)
#undef PUT
    if (d->source == NULL && source != NULL) {
        c->source = source; /* borrowed: a report's source name outlives its items */
        b->borrowed = source;
    }
    if (lt_room) {
        b->lt = at;
        b->lt_cap = lt_room;
        at += lt_room;
    }
    for (size_t i = 0; i < d->n_offending; i++) {
        o[i].field = put(&at, d->offending[i].field);
        o[i].local = put(&at, d->offending[i].local);
        o[i].peer = put(&at, d->offending[i].peer);
    }
    for (size_t i = 0; i < d->n_evidence; i++) {
        e[i].line = d->evidence[i].line;
        e[i].text = put(&at, d->evidence[i].text);
    }
    c->offending = o;
    c->evidence = e;
    c->msgids = m;
    return c;
}

/* ---- the cold part ---------------------------------------------------- */

static size_t cold_str_size(const char *s)
{
    return sizeof(uint32_t) + (s ? strlen(s) + 1 : 0);
}

static char *cold_put_str(char *at, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) + 1 : 0;
    memcpy(at, &n, sizeof n);
    at += sizeof n;
    if (n)
        memcpy(at, s, n);
    return at + n;
}

size_t diag_cold_size(const idg_diagnosis *d)
{
    size_t n = sizeof(uint32_t) + cold_str_size(d->detail) + cold_str_size(d->summary) +
               cold_str_size(d->pfsense) + cold_str_size(d->strongswan);
    for (size_t i = 0; i < d->n_evidence; i++)
        n += sizeof(uint64_t) + cold_str_size(d->evidence[i].text);
    return n;
}

void diag_cold_pack(const idg_diagnosis *d, char *out)
{
    uint32_t n = (uint32_t)d->n_evidence;
    memcpy(out, &n, sizeof n);
    out += sizeof n;
    out = cold_put_str(out, d->detail);
    out = cold_put_str(out, d->summary);
    out = cold_put_str(out, d->pfsense);
    out = cold_put_str(out, d->strongswan);
    for (size_t i = 0; i < d->n_evidence; i++) {
        uint64_t line = d->evidence[i].line;
        memcpy(out, &line, sizeof line);
        out = cold_put_str(out + sizeof line, d->evidence[i].text);
    }
}

/* Reads a text at *at (advancing it) within end; -1 if it overruns or
 * lacks its NUL. */
static int cold_get_str(const char **at, const char *end, const char **s)
{
    uint32_t n;
    if ((size_t)(end - *at) < sizeof n)
        return -1;
    memcpy(&n, *at, sizeof n);
    *at += sizeof n;
    if (n == 0) {
        *s = NULL;
        return 0;
    }
    if ((size_t)(end - *at) < n || (*at)[n - 1] != '\0')
        return -1;
    *s = *at;
    *at += n;
    return 0;
}

long diag_cold_evidence(const char *buf, size_t len)
{
    uint32_t n;
    if (len < sizeof n)
        return -1;
    memcpy(&n, buf, sizeof n);
    /* each line takes at least its number and a length */
    if (n > (len - sizeof n) / (sizeof(uint64_t) + sizeof(uint32_t)))
        return -1;
    return (long)n;
}

int diag_cold_unpack(idg_diagnosis *d, const char *buf, size_t len, idg_evidence *ev)
{
    const char *at = buf + sizeof(uint32_t), *end = buf + len;
    const char *detail, *summary, *pfsense, *strongswan;
    long n = diag_cold_evidence(buf, len);
    if (n < 0 || cold_get_str(&at, end, &detail) || cold_get_str(&at, end, &summary) ||
        cold_get_str(&at, end, &pfsense) || cold_get_str(&at, end, &strongswan))
        return -1;
    for (long i = 0; i < n; i++) {
        uint64_t line;
        if ((size_t)(end - at) < sizeof line)
            return -1;
        memcpy(&line, at, sizeof line);
        at += sizeof line;
        ev[i].line = line;
        if (cold_get_str(&at, end, &ev[i].text))
            return -1;
    }
    if (at != end)
        return -1;
    d->detail = detail;
    d->summary = summary;
    d->pfsense = pfsense;
    d->strongswan = strongswan;
    d->evidence = n ? ev : NULL;
    d->n_evidence = (size_t)n;
    return 0;
}

void idg_diagnosis_free(idg_diagnosis *d)
{
    if (d == NULL)
        return;
#define FREE(f) diag_free_field(d, d->f);
    DIAG_STRS(FREE)
#undef FREE
    for (size_t i = 0; i < d->n_offending; i++) {
        diag_free_field(d, d->offending[i].field);
        diag_free_field(d, d->offending[i].local);
        diag_free_field(d, d->offending[i].peer);
    }
    diag_free_field(d, d->offending);
    for (size_t i = 0; i < d->n_evidence; i++)
        diag_free_field(d, d->evidence[i].text);
    diag_free_field(d, d->evidence);
    diag_free_field(d, d->msgids);
    if (!((copy_block *)d)->external)
        free(d);
}

/*
 * The JSON shape of a diagnosis (api/schemas/diagnosis.schema.json), the
 * one place it is written. Compact, because that is what the hot users
 * want (idg_diagnosis_to_json, and the stream's idg_diagnosis_json_append:
 * tens of thousands per large log): every key with the punctuation around
 * it is one literal copy, each value one jw_put_* call, and no nesting
 * state is kept. The report's pretty document takes the same text
 * re-laid out (diagnosis_write_json). Strings go through
 * jw_put_str_or_null: NULL is null, and text that is not valid UTF-8
 * (which the engine never hands out, but a caller-built diagnosis might
 * carry) has each non-ASCII byte replaced with '?', so the output is
 * always valid JSON; a member jansson could not hold (a NaN confidence, a
 * peer_source that is not UTF-8) is left out, as the jansson tree this
 * replaced did.
 */
static void write_compact(strbuf *sb, const idg_diagnosis *d)
{
    const idg_class_info *ci = idg_class_get(d->cls);
    JW_LIT(sb, "{\"class\":");
    jw_put_str(sb, ci ? ci->name : "unknown");
    JW_LIT(sb, ",\"phase\":");
    jw_put_int(sb, d->phase);
    JW_LIT(sb, ",\"severity\":");
    jw_put_str(sb, idg_severity_name(d->severity));
    JW_LIT(sb, ",\"title\":");
    jw_put_str_or_null(sb, d->title ? d->title : (ci ? ci->title : NULL));
    JW_LIT(sb, ",\"detail\":");
    jw_put_str_or_null(sb, d->detail);
    JW_LIT(sb, ",\"ike_version\":");
    if (d->ike_version)
        jw_put_int(sb, d->ike_version);
    else
        JW_LIT(sb, "null");
    JW_LIT(sb, ",\"role\":");
    jw_put_str_or_null(sb, idg_role_name(d->role));

    JW_LIT(sb, ",\"connection\":{\"name\":");
    jw_put_str_or_null(sb, d->connection);
    JW_LIT(sb, ",\"ike_sa_id\":");
    if (d->ike_sa_id >= 0)
        jw_put_int(sb, d->ike_sa_id);
    else
        JW_LIT(sb, "null");
    JW_LIT(sb, ",\"child\":");
    jw_put_str_or_null(sb, d->child_name);

    JW_LIT(sb, "},\"local\":");
    jw_put_str_or_null(sb, d->local_addr);
    JW_LIT(sb, ",\"remote\":");
    jw_put_str_or_null(sb, d->remote_addr);
    JW_LIT(sb, ",\"time\":");
    jw_put_str_or_null(sb, d->time);
    double conf = (double)((int)(d->confidence * 100 + 0.5)) / 100.0;
    if (isfinite(conf)) { /* jansson holds no NaN: the member is left out */
        JW_LIT(sb, ",\"confidence\":");
        jw_put_real(sb, conf);
    }

    JW_LIT(sb, ",\"offending\":[");
    for (size_t i = 0; i < d->n_offending; i++) {
        if (i > 0)
            JW_LIT(sb, ",");
        JW_LIT(sb, "{\"field\":");
        jw_put_str_or_null(sb, d->offending[i].field);
        JW_LIT(sb, ",\"local\":");
        jw_put_str_or_null(sb, d->offending[i].local);
        JW_LIT(sb, ",\"peer\":");
        jw_put_str_or_null(sb, d->offending[i].peer);
        JW_LIT(sb, "}");
    }

    JW_LIT(sb, "],\"recommendation\":{\"summary\":");
    jw_put_str_or_null(sb, d->summary);
    JW_LIT(sb, ",\"change_side\":");
    jw_put_str_or_null(sb, d->change_side);
    JW_LIT(sb, ",\"pfsense\":");
    jw_put_str_or_null(sb, d->pfsense);
    JW_LIT(sb, ",\"strongswan\":");
    jw_put_str_or_null(sb, d->strongswan);

    /* most of a diagnosis (~16 of them): an item's closing brace goes
     * with the next one's opening, in one literal */
    JW_LIT(sb, "},\"evidence\":[");
    for (size_t i = 0; i < d->n_evidence; i++) {
        if (i > 0)
            JW_LIT(sb, "},{\"line\":");
        else
            JW_LIT(sb, "{\"line\":");
        jw_put_int(sb, (int64_t)d->evidence[i].line);
        JW_LIT(sb, ",\"text\":");
        jw_put_str_or_null(sb, d->evidence[i].text);
    }
    if (d->n_evidence > 0)
        JW_LIT(sb, "}");
    JW_LIT(sb, "],\"source\":");
    jw_put_str_or_null(sb, d->source);
    jw_put_key_str(sb, ",\"peer_source\":", sizeof ",\"peer_source\":" - 1, d->peer_source);
    JW_LIT(sb, ",\"occurrences\":");
    jw_put_int(sb, (int64_t)(d->occurrences ? d->occurrences : 1));
    jw_put_key_str(sb, ",\"last_time\":", sizeof ",\"last_time\":" - 1, d->last_time);
    JW_LIT(sb, "}");
}

/* Room for one diagnosis' JSON, taken once: its text plus ~1 KB of keys
 * and layout (the buffer still grows if escapes need more). */
static size_t json_estimate(const idg_diagnosis *d)
{
    return 1024 + 64 * (d->n_offending + d->n_evidence) + strings_size(d);
}

/* A diagnosis as a member of a larger document (the report), in that
 * document's layout: the compact text, re-laid out by the writer. */
void diagnosis_write_json(jsonw *w, const idg_diagnosis *d)
{
    strbuf sb = STRBUF_INIT;
    strbuf_reserve(&sb, json_estimate(d));
    write_compact(&sb, d);
    if (sb.failed || sb.data == NULL)
        w->sb->failed = 1; /* out of memory: the document is incomplete */
    else
        jw_compact_value(w, sb.data, sb.len);
    strbuf_free(&sb);
}

char *idg_diagnosis_to_json(const idg_diagnosis *d)
{
    strbuf sb = STRBUF_INIT;
    strbuf_reserve(&sb, json_estimate(d));
    write_compact(&sb, d);
    return strbuf_steal(&sb);
}

int idg_diagnosis_json_append(const idg_diagnosis *d, char **buf, size_t *len, size_t *cap)
{
    /* the caller's buffer, lent to a strbuf (both grow with realloc) */
    strbuf sb = {*buf, *len, *cap, 0, NULL, NULL};
    if (sb.data == NULL)
        sb.len = sb.cap = 0;
    write_compact(&sb, d);
    *buf = sb.data;
    *cap = sb.cap;
    if (sb.failed) {
        if (sb.data != NULL && *len < sb.cap)
            sb.data[*len] = '\0';
        return -1;
    }
    *len = sb.len;
    return 0;
}
