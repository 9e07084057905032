/*
 * report.c - collecting diagnoses of one or more logs, joining the two ends
 * of a tunnel, and rendering the result for machines (JSON) and people
 * (plain text for a terminal, Markdown for a ticket).
 *
 * Why correlation lives here and not in the engine: an engine sees one
 * log. When both ends' logs are given, the responder usually holds the
 * detail (received vs configured proposals) while the initiator only saw a
 * notify. The same IKEv1 INFORMATIONAL/Quick Mode message ID (random 32
 * bits) appears in both logs, so it joins the two diagnoses; mirrored
 * addresses are the fallback. The joined initiator diagnosis inherits the
 * responder's values with the sides swapped, so each says which end holds
 * which value.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_json.h"
#include "fnv.h"
#include "strbuf.h"
#include "tunnel_summary.h"

typedef struct report_source {
    char *name;
    idg_stats stats;
    int has_stats;
} report_source;

/* Distinct diagnoses kept per report; past it, further distinct ones are
 * counted in `dropped` (a report's memory is bounded whatever the log).
 * Successes take at most REPORT_MAX_INFO of them, so that a log of
 * thousands of healthy tunnels cannot crowd out the failures that need
 * action: 6,000 places stay for errors and warnings. */
#define REPORT_MAX_ITEMS 10000
#define REPORT_MAX_INFO 4000
/* Evidence lines kept for an info diagnosis (an established SA). */
#define REPORT_INFO_EVIDENCE 4

struct report_slot {
    uint64_t hash;
    uint32_t item;            /* item number + 1; 0 = empty */
};

/* Where an item's cold part went (idg_report_set_cold_store); len 0: it
 * has none out there (the item is whole in memory). */
struct cold_ref {
    uint64_t at;
    uint32_t len;
};

struct idg_report {
    report_source *sources;
    size_t n_sources, cap_sources;
    idg_diagnosis **items;
    size_t n_items, cap_items;
    /* per item, when it was last added (a repeat folded into it counts):
     * which of a tunnel's diagnoses is its latest state (report_last_seq) */
    uint64_t *last_seq;
    size_t cap_seq;
    uint64_t seq;
    /* Open-addressing index of items by fold_key hash, for folding repeats;
     * each slot holds the hash beside the item number, so that a probe
     * reads one cache line */
    struct report_slot *index;
    size_t index_cap;         /* power of two, > 2 * n_items */
    /* fold_hash's first step for the current source's name, done once
     * per source instead of once per diagnosis (the name is often the
     * longest string hashed: a path) */
    const char *hashed_source;
    uint64_t source_hash;
    uint64_t dropped;
    uint64_t dropped_errors;  /* dropped ones of error severity: still a failure */
    size_t n_info;            /* kept ones of info severity (REPORT_MAX_INFO) */
    /* The kept diagnoses' copies, packed in 64 KiB chunks: the report
     * lives beside an engine's many small short-lived blocks, and copies
     * scattered among them kept the freed pages from going back to the
     * system (the CLI's peak RSS is the heap left when it renders). */
    struct item_chunk *chunks;
    char *chunk_at;
    size_t chunk_left;
    /* cold storage: the store, and per item where its cold part is */
    idg_cold_store cold_store;
    struct cold_ref *cold;
    size_t cap_cold;
    size_t n_cold;            /* items ever stored out there (the store may not change then) */
    char *pack;               /* the buffer a cold part is packed in */
    size_t pack_cap;
};

typedef struct item_chunk {
    struct item_chunk *next;
    max_align_t data[];
} item_chunk;

#define ITEM_CHUNK (64 * 1024)
/* Room given a copy at its first repeat for the time of its last one (a
 * charon time stamp is ~15-32 bytes; longer ones fall back to the heap). */
#define REPORT_LAST_TIME_ROOM 48

static void *item_alloc(void *ctx, size_t n)
{
    idg_report *r = ctx;
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (r->chunks == NULL || n > r->chunk_left) {
        size_t size = ITEM_CHUNK - sizeof(item_chunk);
        if (n > size)
            size = n;
        item_chunk *c = malloc(sizeof(item_chunk) + size);
        if (c == NULL)
            return NULL;
        c->next = r->chunks;
        r->chunks = c;
        r->chunk_at = (char *)c->data;
        r->chunk_left = size;
    }
    void *p = r->chunk_at;
    r->chunk_at += n;
    r->chunk_left -= n;
    return p;
}

idg_report *idg_report_new(void)
{
    return calloc(1, sizeof(idg_report));
}

void idg_report_free(idg_report *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_sources; i++)
        free(r->sources[i].name);
    free(r->sources);
    for (size_t i = 0; i < r->n_items; i++)
        idg_diagnosis_free(r->items[i]);
    free(r->items);
    free(r->last_seq);
    free(r->index);
    free(r->cold);
    free(r->pack);
    while (r->chunks) {
        item_chunk *next = r->chunks->next;
        free(r->chunks);
        r->chunks = next;
    }
    free(r);
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    size_t ncap;
    void *p;
    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 8;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

#define HASH_SEED FNV1A_OFFSET
static uint64_t hash_str(uint64_t h, const char *s);

int idg_report_begin_source(idg_report *r, const char *name)
{
    report_source *s;
    if (grow((void **)&r->sources, &r->cap_sources, r->n_sources, sizeof *r->sources) < 0)
        return -1;
    s = &r->sources[r->n_sources];
    memset(s, 0, sizeof *s);
    s->name = strdup(name ? name : "-");
    if (s->name == NULL)
        return -1;
    r->n_sources++;
    r->hashed_source = s->name;
    r->source_hash = hash_str(HASH_SEED, s->name);
    return 0;
}

static void replace_str(const idg_diagnosis *owner, const char **dst, const char *src);

static const char *current_source(const idg_report *r)
{
    return r->n_sources ? r->sources[r->n_sources - 1].name : NULL;
}

/* ---- folding repeats -------------------------------------------------- */

/* Folds a string into the hash eight bytes at a time (a report of a long
 * log hashes every diagnosis the engine makes, ~a dozen strings each). Any
 * mix would do: the index only finds candidates, fold_equal decides. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    if (s == NULL)
        return fnv1a_byte(h, 0xff);
    size_t n = strlen(s);
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 32;
    }
    uint64_t w = (uint64_t)n << 56;
    memcpy(&w, s, n); /* the rest, beside the length in the top byte */
    h = (h ^ w ^ 0xfe) * k;
    return h ^ (h >> 32);
}

static int same_or_both_null(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Two diagnoses are "the same" when they would read the same to a person:
 * same log, class, severity, connection, child, role, addresses and
 * offending values. Times, IKE_SA ids and evidence may differ.
 * source_hash: hash_str(HASH_SEED, the diagnosis's source name). */
static uint64_t fold_hash(const idg_diagnosis *d, uint64_t source_hash)
{
    uint64_t h = source_hash;
    h = fnv1a_byte(h, (uint64_t)d->cls);
    h = fnv1a_byte(h, (uint64_t)d->severity);
    h = fnv1a_byte(h, (uint64_t)d->role);
    h = hash_str(h, d->connection);
    h = hash_str(h, d->child_name);
    h = hash_str(h, d->local_addr);
    h = hash_str(h, d->remote_addr);
    for (size_t i = 0; i < d->n_offending; i++) {
        h = hash_str(h, d->offending[i].field);
        h = hash_str(h, d->offending[i].local);
        h = hash_str(h, d->offending[i].peer);
    }
    return h;
}

uint64_t idg_diagnosis_fold_key(const idg_diagnosis *d)
{
    return fold_hash(d, hash_str(HASH_SEED, d->source));
}

static int fold_equal(const idg_diagnosis *a, const idg_diagnosis *b, const char *source)
{
    if (a->cls != b->cls || a->severity != b->severity || a->role != b->role ||
        a->n_offending != b->n_offending || !same_or_both_null(a->source, source) ||
        !same_or_both_null(a->connection, b->connection) ||
        !same_or_both_null(a->child_name, b->child_name) ||
        !same_or_both_null(a->local_addr, b->local_addr) ||
        !same_or_both_null(a->remote_addr, b->remote_addr))
        return 0;
    for (size_t i = 0; i < a->n_offending; i++)
        if (!same_or_both_null(a->offending[i].field, b->offending[i].field) ||
            !same_or_both_null(a->offending[i].local, b->offending[i].local) ||
            !same_or_both_null(a->offending[i].peer, b->offending[i].peer))
            return 0;
    return 1;
}

static int index_grow(idg_report *r)
{
    size_t ncap = r->index_cap ? r->index_cap * 2 : 64;
    struct report_slot *idx = calloc(ncap, sizeof *idx);
    if (idx == NULL)
        return -1;
    for (size_t i = 0; i < r->index_cap; i++) {
        size_t j;
        if (r->index[i].item == 0)
            continue;
        for (j = r->index[i].hash & (ncap - 1); idx[j].item != 0; j = (j + 1) & (ncap - 1))
            ;
        idx[j] = r->index[i];
    }
    free(r->index);
    r->index = idx;
    r->index_cap = ncap;
    return 0;
}

/* The slot of an equal diagnosis, or of the empty slot where it would go. */
static size_t index_slot(const idg_report *r, uint64_t h, const idg_diagnosis *d,
                         const char *source)
{
    size_t j = h & (r->index_cap - 1);
    while (r->index[j].item != 0) {
        if (r->index[j].hash == h && fold_equal(r->items[r->index[j].item - 1], d, source))
            return j;
        j = (j + 1) & (r->index_cap - 1);
    }
    return j;
}

/* ---- cold storage ----------------------------------------------------- */

int idg_report_set_cold_store(idg_report *r, const idg_cold_store *store)
{
    if (r->n_cold > 0)
        return -1; /* their parts could no longer be read back */
    if (store == NULL) {
        memset(&r->cold_store, 0, sizeof r->cold_store);
        return 0;
    }
    if (store->write == NULL || store->read == NULL)
        return -1;
    /* the items kept before have no cold part out there */
    if (r->n_items > 0) {
        if (grow((void **)&r->cold, &r->cap_cold, r->n_items - 1, sizeof *r->cold) < 0)
            return -1;
        memset(r->cold, 0, r->n_items * sizeof *r->cold);
    }
    r->cold_store = *store;
    return 0;
}

/* Writes d's cold part to the store; 0 and *ref set, or -1 (d is then kept
 * whole in memory). */
static int store_cold(idg_report *r, const idg_diagnosis *d, struct cold_ref *ref)
{
    size_t n = diag_cold_size(d);
    if (n > UINT32_MAX)
        return -1;
    if (n > r->pack_cap) {
        char *p = realloc(r->pack, n);
        if (p == NULL)
            return -1;
        r->pack = p;
        r->pack_cap = n;
    }
    diag_cold_pack(d, r->pack);
    if (r->cold_store.write(r->cold_store.user, r->pack, n, &ref->at) != 0)
        return -1;
    ref->len = (uint32_t)n;
    r->n_cold++;
    return 0;
}

/* The room an item read back from cold storage lives in while it is
 * rendered: reused from one item to the next. */
typedef struct thaw {
    char *buf;
    size_t cap;
    idg_evidence *ev;
    size_t ev_cap;
    idg_diagnosis d;
    int failed;               /* a read failed: the item was rendered without its cold part */
} thaw;

static void thaw_free(thaw *t)
{
    free(t->buf);
    free(t->ev);
}

/* Item i whole: as kept, or with its cold part read back into t (valid
 * until the next call with t). A read that fails gives the item as kept,
 * without detail, recommendation or evidence, and sets t->failed. */
static const idg_diagnosis *item_whole(const idg_report *r, size_t i, thaw *t)
{
    const idg_diagnosis *d = r->items[i];
    if (r->cold == NULL || i >= r->cap_cold || r->cold[i].len == 0)
        return d;
    const struct cold_ref *ref = &r->cold[i];
    if (ref->len > t->cap) {
        char *p = realloc(t->buf, ref->len);
        if (p == NULL)
            goto failed;
        t->buf = p;
        t->cap = ref->len;
    }
    if (r->cold_store.read(r->cold_store.user, ref->at, t->buf, ref->len) != 0)
        goto failed;
    long n = diag_cold_evidence(t->buf, ref->len);
    if (n < 0)
        goto failed;
    if ((size_t)n > t->ev_cap) {
        idg_evidence *ev = realloc(t->ev, (size_t)n * sizeof *ev);
        if (ev == NULL)
            goto failed;
        t->ev = ev;
        t->ev_cap = (size_t)n;
    }
    t->d = *d;
    if (diag_cold_unpack(&t->d, t->buf, ref->len, t->ev) != 0)
        goto failed;
    return &t->d;
failed:
    t->failed = 1;
    return d;
}

/* Reads item i's cold part back for good: the item is whole in memory
 * from then on (idg_report_get, correlation). Returns it. */
static idg_diagnosis *item_thaw(idg_report *r, size_t i)
{
    thaw t = {0};
    const idg_diagnosis *whole = item_whole(r, i, &t);
    if (whole != r->items[i]) {
        idg_diagnosis *c = diag_copy_with(whole, item_alloc, r, NULL, REPORT_LAST_TIME_ROOM);
        if (c != NULL) {
            idg_diagnosis_free(r->items[i]); /* (fields kept outside its block) */
            r->items[i] = c;
            r->cold[i].len = 0;
        }
    }
    thaw_free(&t);
    return r->items[i];
}

int idg_report_add(idg_report *r, const idg_diagnosis *d)
{
    idg_diagnosis *c;
    const char *src = d->source ? d->source : current_source(r);
    uint64_t h = fold_hash(d, src != NULL && src == r->hashed_source ? r->source_hash
                                                                     : hash_str(HASH_SEED, src));
    size_t slot;

    if ((r->n_items + 1) * 2 >= r->index_cap && index_grow(r) < 0)
        return -1;
    slot = index_slot(r, h, d, src);
    if (r->index[slot].item != 0) {
        idg_diagnosis *kept = r->items[r->index[slot].item - 1];
        kept->occurrences = (kept->occurrences ? kept->occurrences : 1) +
                            (d->occurrences ? d->occurrences : 1);
        const char *lt = d->last_time ? d->last_time : d->time;
        /* the room for it comes with the first repeat: most kept
         * diagnoses never repeat */
        if (diag_set_last_time(kept, lt) != 0) {
            if (lt != NULL)
                diag_give_last_time_room(kept, item_alloc(r, REPORT_LAST_TIME_ROOM),
                                         REPORT_LAST_TIME_ROOM);
            if (lt == NULL || diag_set_last_time(kept, lt) != 0)
                replace_str(kept, &kept->last_time, lt);
        }
        if (d->confidence > kept->confidence)
            kept->confidence = d->confidence;
        r->last_seq[r->index[slot].item - 1] = ++r->seq;
        return 0;
    }
    if (r->n_items >= REPORT_MAX_ITEMS ||
        (d->severity == IDG_SEVERITY_INFO && r->n_info >= REPORT_MAX_INFO)) {
        r->dropped++;
        if (d->severity == IDG_SEVERITY_ERROR)
            r->dropped_errors++;
        return 0;
    }
    if (grow((void **)&r->items, &r->cap_items, r->n_items, sizeof *r->items) < 0 ||
        grow((void **)&r->last_seq, &r->cap_seq, r->n_items, sizeof *r->last_seq) < 0 ||
        (r->cold_store.write &&
         grow((void **)&r->cold, &r->cap_cold, r->n_items, sizeof *r->cold) < 0))
        return -1;
    {
        /* A success needs no long story: its last few lines (the
         * established line and what was selected just before it) are kept,
         * so a log of thousands of healthy tunnels stays small. */
        idg_diagnosis trimmed = *d;
        struct cold_ref cold = {0, 0};
        if (d->severity == IDG_SEVERITY_INFO && d->n_evidence > REPORT_INFO_EVIDENCE) {
            trimmed.evidence = d->evidence + (d->n_evidence - REPORT_INFO_EVIDENCE);
            trimmed.n_evidence = REPORT_INFO_EVIDENCE;
        }
        if (r->cold_store.write && store_cold(r, &trimmed, &cold) == 0) {
            trimmed.detail = trimmed.summary = trimmed.pfsense = trimmed.strongswan = NULL;
            trimmed.evidence = NULL;
            trimmed.n_evidence = 0;
        }
        c = diag_copy_with(&trimmed, item_alloc, r, src, 0);
        if (r->n_items < r->cap_cold)
            r->cold[r->n_items] = cold; /* ({0, 0} when whole in memory) */
    }
    if (c == NULL)
        return -1;
    if (src != NULL && c->source == NULL) {
        c->source = strdup(src);
        if (c->source == NULL) {
            idg_diagnosis_free(c);
            return -1;
        }
    }
    if (c->occurrences == 0)
        c->occurrences = 1;
    r->last_seq[r->n_items] = ++r->seq;
    r->items[r->n_items++] = c;
    if (c->severity == IDG_SEVERITY_INFO)
        r->n_info++;
    r->index[slot].item = (uint32_t)r->n_items;
    r->index[slot].hash = h;
    return 0;
}

int idg_report_set_stats(idg_report *r, const idg_stats *s)
{
    if (r->n_sources == 0 && idg_report_begin_source(r, "-") < 0)
        return -1;
    r->sources[r->n_sources - 1].stats = *s;
    r->sources[r->n_sources - 1].has_stats = 1;
    return 0;
}

uint64_t report_last_seq(const idg_report *r, size_t i)
{
    return r && i < r->n_items ? r->last_seq[i] : 0;
}

size_t idg_report_count(const idg_report *r)
{
    return r->n_items;
}

size_t idg_report_errors(const idg_report *r)
{
    size_t n = (size_t)r->dropped_errors;
    for (size_t i = 0; i < r->n_items; i++)
        if (r->items[i]->severity == IDG_SEVERITY_ERROR)
            n++;
    return n;
}

const idg_diagnosis *report_item(const idg_report *r, size_t i)
{
    return i < r->n_items ? r->items[i] : NULL;
}

const idg_diagnosis *idg_report_get(const idg_report *r, size_t i)
{
    if (i >= r->n_items)
        return NULL;
    if (r->cold != NULL && i < r->cap_cold && r->cold[i].len != 0)
        /* logically const: the caller sees the same diagnosis, now whole
         * in memory (reports are made by idg_report_new, never const) */
        return item_thaw((idg_report *)r, i);
    return r->items[i];
}

/* ---- correlation ------------------------------------------------------ */

static int same_str(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static int share_msgid(const idg_diagnosis *a, const idg_diagnosis *b)
{
    for (size_t i = 0; i < a->n_msgids; i++)
        for (size_t j = 0; j < b->n_msgids; j++)
            if (a->msgids[i] == b->msgids[j] && a->msgids[i] > 1)
                return 1;
    return 0;
}

static int mirrored_addresses(const idg_diagnosis *a, const idg_diagnosis *b)
{
    return same_str(a->local_addr, b->remote_addr) && same_str(a->remote_addr, b->local_addr);
}

/* The same when one end's own address is not logged (a setup it dropped
 * before any SA existed names only the peer): that peer is the other end. */
static int half_mirrored_addresses(const idg_diagnosis *a, const idg_diagnosis *b)
{
    return (a->local_addr == NULL && a->remote_addr != NULL && same_str(a->remote_addr, b->local_addr)) ||
           (b->local_addr == NULL && b->remote_addr != NULL && same_str(b->remote_addr, a->local_addr));
}

/* How much a diagnosis knows: a field with both sides' values is worth far
 * more than any number of one-sided ones (an initiator lists its whole own
 * proposal, but only the responder knows which part the peer refused). */
static int knowledge(const idg_diagnosis *d)
{
    int k = 0;
    for (size_t i = 0; i < d->n_offending; i++)
        if (d->offending[i].local != NULL && d->offending[i].peer != NULL)
            k++;
    return k * 1000 + (int)(d->confidence * 100);
}

/* The fields of a kept diagnosis may lie in its copy block (diagnosis.c):
 * replaced ones are released through diag_free_field, with their owner. */
static void replace_str(const idg_diagnosis *owner, const char **dst, const char *src)
{
    char *c = src ? strdup(src) : NULL;
    if (src != NULL && c == NULL)
        return; /* keep the old value on OOM */
    diag_free_field(owner, *dst);
    *dst = c;
}

/* Classes that name a symptom the other end's log can explain: "no
 * answer" is what an initiator sees of a responder that dropped its
 * request on purpose. */
static int is_generic(idg_class c)
{
    return c == IDG_CLASS_PHASE1_PROPOSAL_MISMATCH || c == IDG_CLASS_PHASE2_PROPOSAL_MISMATCH ||
           c == IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE || c == IDG_CLASS_PHASE2_REKEY_FAILURE ||
           c == IDG_CLASS_PHASE1_PEER_UNREACHABLE;
}

static void free_offending(idg_diagnosis *d)
{
    for (size_t i = 0; i < d->n_offending; i++) {
        diag_free_field(d, d->offending[i].field);
        diag_free_field(d, d->offending[i].local);
        diag_free_field(d, d->offending[i].peer);
    }
    diag_free_field(d, d->offending);
    d->offending = NULL;
    d->n_offending = 0;
}

/* Replaces *dst with the other end's advice, naming whose view it is. */
static void adopt_advice(const idg_diagnosis *owner, const char **dst, const char *advice,
                         const char *whose)
{
    strbuf sb = STRBUF_INIT;
    char *c;
    if (advice == NULL)
        return;
    strbuf_printf(&sb, "As seen from the other end (%s, where \"this end\" is that end): %s",
                  whose ? whose : "the other log", advice);
    c = strbuf_steal(&sb);
    if (c == NULL)
        return;
    diag_free_field(owner, *dst);
    *dst = c;
}

/* Gives `weak` the values `strong` knows, with the sides swapped: the
 * strong side's "local" is the weak side's "peer". When the strong side
 * knows both values of some field, its list of offending fields replaces
 * the weak one's (which was only a guess from one end's settings). */
static void inherit(idg_diagnosis *weak, const idg_diagnosis *strong)
{
    if (knowledge(strong) >= 1000) {
        idg_offending *arr = calloc(strong->n_offending, sizeof *arr);
        if (arr == NULL)
            return;
        free_offending(weak);
        for (size_t i = 0; i < strong->n_offending; i++) {
            replace_str(weak, &arr[i].field, strong->offending[i].field);
            replace_str(weak, &arr[i].local, strong->offending[i].peer);
            replace_str(weak, &arr[i].peer, strong->offending[i].local);
        }
        weak->offending = arr;
        weak->n_offending = strong->n_offending;
    } else {
        for (size_t i = 0; i < weak->n_offending; i++)
            for (size_t j = 0; j < strong->n_offending; j++) {
                idg_offending *wo = (idg_offending *)&weak->offending[i];
                const idg_offending *so = &strong->offending[j];
                if (!same_str(wo->field, so->field))
                    continue;
                if (wo->local == NULL)
                    replace_str(weak, &wo->local, so->peer);
                if (wo->peer == NULL)
                    replace_str(weak, &wo->peer, so->local);
            }
    }
    if (is_generic(weak->cls) && !is_generic(strong->cls) && weak->phase == strong->phase) {
        const idg_class_info *ci = idg_class_get(strong->cls);
        weak->cls = strong->cls;
        weak->severity = strong->severity;
        if (ci)
            replace_str(weak, &weak->title, ci->title);
        /* The strong side's advice speaks of "this end" as itself: say so. */
        adopt_advice(weak, &weak->summary, strong->summary, strong->source);
        adopt_advice(weak, &weak->pfsense, strong->pfsense, strong->source);
        adopt_advice(weak, &weak->strongswan, strong->strongswan, strong->source);
    }
    if (weak->summary == NULL)
        replace_str(weak, &weak->summary, strong->summary);
    if (weak->confidence < strong->confidence)
        weak->confidence = strong->confidence;
}

void idg_report_correlate(idg_report *r)
{
    unsigned char *joined;
    if (r->n_sources < 2 || r->n_items < 2)
        return;
    /* inherit() reads and replaces the cold texts of both sides */
    for (size_t i = 0; r->cold != NULL && i < r->n_items && i < r->cap_cold; i++)
        if (r->cold[i].len != 0)
            item_thaw(r, i);
    joined = calloc(r->n_items, 1);
    if (joined == NULL)
        return;
    /* Three passes: message IDs first (exact), then mirrored addresses,
     * then addresses mirrored as far as both logged them. */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < r->n_items; i++) {
            idg_diagnosis *a = r->items[i];
            if (joined[i] || a->severity == IDG_SEVERITY_INFO)
                continue;
            for (size_t j = i + 1; j < r->n_items; j++) {
                idg_diagnosis *b = r->items[j];
                if (joined[j] || b->severity == IDG_SEVERITY_INFO || a->phase != b->phase ||
                    same_str(a->source, b->source))
                    continue;
                if (pass == 0   ? !share_msgid(a, b)
                    : pass == 1 ? !mirrored_addresses(a, b)
                                : !half_mirrored_addresses(a, b))
                    continue;
                if (knowledge(a) >= knowledge(b))
                    inherit(b, a);
                else
                    inherit(a, b);
                replace_str(a, &a->peer_source, b->source);
                replace_str(b, &b->peer_source, a->source);
                joined[i] = joined[j] = 1;
                break;
            }
        }
    }
    free(joined);
}

/* ---- the document ----------------------------------------------------- */

typedef struct outcome {
    const char *word;     /* failed, established, no_conclusion */
    size_t errors, warnings, established;
    const idg_diagnosis *first_error;
    const idg_diagnosis *lead_error; /* the most certain (the first of those): the headline */
    size_t lead_index;               /* its item number */
} outcome;

static outcome report_outcome(const idg_report *r)
{
    outcome o = {"no_conclusion", 0, 0, 0, NULL, NULL, 0};
    for (size_t i = 0; i < r->n_items; i++) {
        const idg_diagnosis *d = r->items[i];
        if (d->severity == IDG_SEVERITY_ERROR) {
            if (o.first_error == NULL)
                o.first_error = d;
            /* a leftover of an earlier attempt, read less certainly, does
             * not headline a log whose later failure is precise */
            if (o.lead_error == NULL || d->confidence > o.lead_error->confidence) {
                o.lead_error = d;
                o.lead_index = i;
            }
            o.errors++;
        } else if (d->severity == IDG_SEVERITY_WARNING)
            o.warnings++;
        else if (d->cls == IDG_CLASS_PHASE1_ESTABLISHED || d->cls == IDG_CLASS_PHASE2_ESTABLISHED)
            o.established++;
    }
    o.errors += r->dropped_errors;
    if (o.errors)
        o.word = "failed";
    else if (o.established)
        o.word = "established";
    return o;
}

/* The counters of all sources added up. */
static idg_stats sources_total(const idg_report *r)
{
    idg_stats t = {0};
    for (size_t i = 0; i < r->n_sources; i++) {
#define ADD(member) t.member += r->sources[i].stats.member;
        IDG_STATS_COUNTERS(ADD)
#undef ADD
    }
    return t;
}

/* What status output pasted with (or instead of) a log shows: a snapshot
 * of the SAs when it was taken, which cannot say why one failed. */
static void status_snapshot(strbuf *sb, const idg_stats *total)
{
    const idg_stats sum = *total;
    if (!sum.status_lines)
        return;
    strbuf_puts(sb, " The input holds strongSwan status output (ipsec statusall, swanctl --list-sas "
                    "or --list-conns): a snapshot of the SAs when it was taken, which does not say "
                    "why a negotiation failed.");
    uint64_t ike_up = sum.status_ike_established, ike_other = sum.status_ike_sas - ike_up;
    uint64_t child_up = sum.status_child_installed, child_other = sum.status_child_sas - child_up;
    if (!sum.status_ike_sas && !sum.status_child_sas) {
        strbuf_puts(sb, " It lists no SA: none was up or being set up.");
    } else {
        strbuf_printf(sb, " It shows %llu IKE SA%s established (phase 1)",
                      (unsigned long long)ike_up, ike_up == 1 ? "" : "s");
        if (ike_other)
            strbuf_printf(sb, " and %llu not (connecting, rekeying or deleting)",
                          (unsigned long long)ike_other);
        strbuf_printf(sb, ", %llu CHILD SA%s installed (phase 2)", (unsigned long long)child_up,
                      child_up == 1 ? "" : "s");
        if (child_other)
            strbuf_printf(sb, " and %llu not (routed: waiting for traffic, or being set up, "
                              "rekeyed or deleted)", (unsigned long long)child_other);
        strbuf_puts(sb, ".");
        if (ike_up && !child_up)
            strbuf_puts(sb, " Phase 1 is up but no phase 2: the CHILD SA did not come up.");
        else if (!ike_up && ike_other)
            strbuf_puts(sb, " Phase 1 had not completed.");
    }
    strbuf_puts(sb, " For the cause, paste charon's log of an attempt (pfSense: Status > System "
                    "Logs > IPsec).");
}

static char *summary_sentence(const idg_report *r, const outcome *o, thaw *t)
{
    strbuf sb = STRBUF_INIT;
    if (o->errors && o->lead_error == NULL) {
        /* only dropped ones (past the report's cap) */
        strbuf_printf(&sb, "%zu failure%s found.", o->errors, o->errors == 1 ? "" : "s");
    } else if (o->errors) {
        const idg_diagnosis *d = item_whole(r, o->lead_index, t);
        strbuf_printf(&sb, "%zu failure%s found; %s: %s", o->errors, o->errors == 1 ? "" : "s",
                      o->lead_error == o->first_error ? "first" : "most certain",
                      d->title ? d->title : idg_class_get(d->cls)->title);
        if (d->connection)
            strbuf_printf(&sb, " (connection %s)", d->connection);
        strbuf_puts(&sb, ".");
        if (d->summary)
            strbuf_printf(&sb, " %s", d->summary);
        if (tunnel_summary_recovered(r))
            strbuf_puts(&sb, " Every tunnel that failed came up again later in the log: the "
                             "failures are history.");
    } else if (o->established) {
        strbuf_printf(&sb, "No failure found; %zu established SA%s.", o->established,
                      o->established == 1 ? "" : "s");
        size_t closed = tunnel_summary_closed(r);
        if (closed)
            strbuf_printf(&sb, " %zu tunnel%s closed by the end of the log, with no failure.",
                          closed, closed == 1 ? " was" : "s were");
    } else {
        const idg_stats total = sources_total(r);
        size_t charon = (size_t)total.charon_lines;
        if (charon == 0)
            strbuf_puts(&sb, "No strongSwan (charon) log lines were found in the input.");
        else
            strbuf_printf(&sb, "No conclusion: %zu charon line%s read, but no negotiation "
                               "failed or completed in them.", charon, charon == 1 ? "" : "s");
        size_t open_ = (size_t)total.in_progress;
        if (charon && open_)
            strbuf_printf(&sb, " The log ends while %zu negotiation%s %s still under way: the "
                               "outcome comes after its last line.", open_, open_ == 1 ? "" : "s",
                          open_ == 1 ? "was" : "were");
        status_snapshot(&sb, &total);
    }
    if (o->warnings)
        strbuf_printf(&sb, " %zu warning%s.", o->warnings, o->warnings == 1 ? "" : "s");
    return strbuf_steal(&sb);
}

static void write_source(jsonw *w, const report_source *s, const idg_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_items; i++)
        if (same_str(r->items[i]->source, s->name))
            n++;
    jw_obj_begin(w);
    jw_key_str(w, "name", s->name);
#define WRITE(member)                                                         \
    jw_key(w, #member);                                                       \
    jw_int(w, (int64_t)s->stats.member);
    IDG_STATS_COUNTERS(WRITE)
#undef WRITE
    JW_KEY(w, "reversed");
    jw_bool(w, s->stats.reversed);
    JW_KEY(w, "diagnoses");
    jw_int(w, (int64_t)n);
    jw_obj_end(w);
}

/* The JSON document, written straight into the output (jsonw.c: the same
 * text a jansson tree dumped with JSON_INDENT(2), or JSON_COMPACT for
 * indent 0, gave, without building the tree: for a large log's report
 * that tree was most of the peak memory). */
static void render_json(const idg_report *r, strbuf *out, int indent, thaw *t)
{
    outcome o = report_outcome(r);
    char *summary = summary_sentence(r, &o, t);
    jsonw w;
    jw_init(&w, out, indent);
    jw_obj_begin(&w);
    JW_KEY(&w, "version");
    jw_str(&w, IDG_VERSION);
    JW_KEY(&w, "outcome");
    jw_str(&w, o.word);
    if (summary == NULL) {
        JW_KEY(&w, "summary");
        jw_null(&w);
    } else {
        jw_key_str(&w, "summary", summary);
    }
    free(summary);
    JW_KEY(&w, "sources");
    jw_arr_begin(&w);
    for (size_t i = 0; i < r->n_sources; i++)
        write_source(&w, &r->sources[i], r);
    jw_arr_end(&w);
    JW_KEY(&w, "diagnoses");
    jw_arr_begin(&w);
    for (size_t i = 0; i < r->n_items; i++)
        diagnosis_write_json(&w, item_whole(r, i, t));
    jw_arr_end(&w);
    if (r->dropped) {
        JW_KEY(&w, "dropped_diagnoses");
        jw_int(&w, (int64_t)r->dropped);
    }
    JW_KEY(&w, "tunnels");
    tunnel_summary_json(&w, r);
    jw_obj_end(&w);
}

/* ---- text and Markdown ------------------------------------------------ */

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static void side_line(strbuf *sb, const idg_diagnosis *d)
{
    strbuf_printf(sb, "phase %d", d->phase);
    if (d->ike_version)
        strbuf_printf(sb, ", IKEv%d", d->ike_version);
    if (d->role)
        strbuf_printf(sb, ", this log is the %s", idg_role_name(d->role));
    if (d->connection) {
        strbuf_printf(sb, ", connection %s", d->connection);
        if (d->ike_sa_id >= 0)
            strbuf_printf(sb, "[%lld]", (long long)d->ike_sa_id);
    }
    if (d->child_name)
        strbuf_printf(sb, ", child %s", d->child_name);
}

static void render_text_one(strbuf *sb, const idg_diagnosis *d)
{
    static const char *tags[] = {"INFO", "WARNING", "ERROR"};
    strbuf_printf(sb, "[%s] %s\n  ", tags[d->severity],
                  d->title ? d->title : idg_class_get(d->cls)->title);
    side_line(sb, d);
    strbuf_puts(sb, "\n");
    if (d->local_addr || d->remote_addr)
        strbuf_printf(sb, "  this end %s, peer %s\n", or_dash(d->local_addr), or_dash(d->remote_addr));
    if (d->source) {
        strbuf_printf(sb, "  log %s", d->source);
        if (d->peer_source)
            strbuf_printf(sb, " (joined with %s)", d->peer_source);
        strbuf_printf(sb, ", confidence %.2f\n", d->confidence);
    }
    if (d->time)
        strbuf_printf(sb, "  at %s\n", d->time);
    if (d->occurrences > 1 && d->last_time)
        strbuf_printf(sb, "  seen %llu times, last at %s\n", (unsigned long long)d->occurrences,
                      d->last_time);
    else if (d->occurrences > 1)
        strbuf_printf(sb, "  seen %llu times\n", (unsigned long long)d->occurrences);
    if (d->detail)
        strbuf_printf(sb, "  %s\n", d->detail);
    if (d->n_offending) {
        strbuf_puts(sb, "  Offending settings:\n");
        for (size_t i = 0; i < d->n_offending; i++)
            strbuf_printf(sb, "    %-24s this end: %-28s peer: %s\n", or_dash(d->offending[i].field),
                          d->offending[i].local ? d->offending[i].local : "(unknown)",
                          d->offending[i].peer ? d->offending[i].peer : "(unknown)");
    }
    if (d->summary)
        strbuf_printf(sb, "  Fix: %s\n", d->summary);
    if (d->pfsense)
        strbuf_printf(sb, "    pfSense:    %s\n", d->pfsense);
    if (d->strongswan)
        strbuf_printf(sb, "    strongSwan: %s\n", d->strongswan);
    if (d->n_evidence) {
        strbuf_puts(sb, "  Evidence:\n");
        for (size_t i = 0; i < d->n_evidence; i++)
            strbuf_printf(sb, "    %6llu: %s\n", (unsigned long long)d->evidence[i].line,
                          or_dash(d->evidence[i].text));
    }
    strbuf_puts(sb, "\n");
}

/* Markdown inline text: escape the characters that would start markup. */
static void md_text(strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("\\`*_[]<>|#", *s))
            strbuf_append(sb, "\\", 1);
        strbuf_append(sb, s, 1);
    }
}

/* Markdown inline code: a backtick fence longer than any run inside. */
static void md_code(strbuf *sb, const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *p = s; p && *p; p++) {
        run = (*p == '`') ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    for (size_t i = 0; i <= longest; i++)
        strbuf_append(sb, "`", 1);
    strbuf_puts(sb, " ");
    strbuf_puts(sb, s ? s : "");
    strbuf_puts(sb, " ");
    for (size_t i = 0; i <= longest; i++)
        strbuf_append(sb, "`", 1);
}

static void render_markdown_one(strbuf *sb, const idg_diagnosis *d)
{
    static const char *icons[] = {"ℹ️ info", "⚠️ warning", "❌ error"};
    size_t fence = 3;
    strbuf_puts(sb, "### ");
    md_text(sb, d->title ? d->title : idg_class_get(d->cls)->title);
    strbuf_printf(sb, "\n\n**%s** · `%s` · ", icons[d->severity], idg_class_get(d->cls)->name);
    {
        strbuf tmp = STRBUF_INIT;
        char *t;
        side_line(&tmp, d);
        t = strbuf_steal(&tmp);
        md_text(sb, t);
        free(t);
    }
    strbuf_printf(sb, " · confidence %.2f", d->confidence);
    if (d->occurrences > 1)
        strbuf_printf(sb, " · seen %llu times", (unsigned long long)d->occurrences);
    strbuf_puts(sb, "\n\n");
    if (d->local_addr || d->remote_addr) {
        strbuf_puts(sb, "This end ");
        md_code(sb, or_dash(d->local_addr));
        strbuf_puts(sb, ", peer ");
        md_code(sb, or_dash(d->remote_addr));
        if (d->source) {
            strbuf_puts(sb, ", log ");
            md_code(sb, d->source);
        }
        strbuf_puts(sb, "\n\n");
    }
    if (d->detail) {
        md_text(sb, d->detail);
        strbuf_puts(sb, "\n\n");
    }
    if (d->n_offending) {
        strbuf_puts(sb, "| Setting | This end | Peer |\n|---|---|---|\n");
        for (size_t i = 0; i < d->n_offending; i++) {
            strbuf_puts(sb, "| ");
            md_code(sb, or_dash(d->offending[i].field));
            strbuf_puts(sb, " | ");
            md_code(sb, d->offending[i].local ? d->offending[i].local : "unknown");
            strbuf_puts(sb, " | ");
            md_code(sb, d->offending[i].peer ? d->offending[i].peer : "unknown");
            strbuf_puts(sb, " |\n");
        }
        strbuf_puts(sb, "\n");
    }
    if (d->summary) {
        strbuf_puts(sb, "**Fix:** ");
        md_text(sb, d->summary);
        strbuf_puts(sb, "\n\n");
    }
    if (d->pfsense) {
        strbuf_puts(sb, "- pfSense: ");
        md_text(sb, d->pfsense);
        strbuf_puts(sb, "\n");
    }
    if (d->strongswan) {
        strbuf_puts(sb, "- strongSwan: ");
        md_code(sb, d->strongswan);
        strbuf_puts(sb, "\n");
    }
    if (d->n_evidence) {
        /* A fence longer than any backtick run in the lines. */
        for (size_t i = 0; i < d->n_evidence; i++) {
            size_t run = 0;
            for (const char *p = d->evidence[i].text; p && *p; p++) {
                run = (*p == '`') ? run + 1 : 0;
                if (run >= fence)
                    fence = run + 1;
            }
        }
        strbuf_puts(sb, "\n<details><summary>Evidence</summary>\n\n");
        for (size_t i = 0; i < fence; i++)
            strbuf_puts(sb, "`");
        strbuf_puts(sb, "\n");
        for (size_t i = 0; i < d->n_evidence; i++)
            strbuf_printf(sb, "%6llu: %s\n", (unsigned long long)d->evidence[i].line,
                          or_dash(d->evidence[i].text));
        for (size_t i = 0; i < fence; i++)
            strbuf_puts(sb, "`");
        strbuf_puts(sb, "\n\n</details>\n");
    }
    strbuf_puts(sb, "\n");
}

static void render_human(const idg_report *r, idg_format fmt, strbuf *out, thaw *t)
{
    outcome o = report_outcome(r);
    char *summary = summary_sentence(r, &o, t);
    if (fmt == IDG_FORMAT_MARKDOWN) {
        strbuf_printf(out, "## IPsec diagnosis: %s\n\n", o.word);
        md_text(out, summary ? summary : "");
        strbuf_puts(out, "\n\n");
    } else {
        strbuf_printf(out, "IPsec diagnosis: %s\n%s\n\n", o.word, summary ? summary : "");
    }
    free(summary);
    tunnel_summary_text(out, r, fmt == IDG_FORMAT_MARKDOWN);
    /* Failures first, then warnings, then successes: what needs action on top. */
    for (int sev = IDG_SEVERITY_ERROR; sev >= IDG_SEVERITY_INFO; sev--)
        for (size_t i = 0; i < r->n_items; i++) {
            if ((int)r->items[i]->severity != sev)
                continue;
            if (fmt == IDG_FORMAT_MARKDOWN)
                render_markdown_one(out, item_whole(r, i, t));
            else
                render_text_one(out, item_whole(r, i, t));
        }
    for (size_t i = 0; i < r->n_sources; i++) {
        const idg_stats *s = &r->sources[i].stats;
        strbuf_printf(out, "%s%s: %llu lines, %llu charon lines, %llu skipped, %llu cut",
                      fmt == IDG_FORMAT_MARKDOWN ? "- " : "", r->sources[i].name,
                      (unsigned long long)s->lines, (unsigned long long)s->charon_lines,
                      (unsigned long long)s->skipped_lines, (unsigned long long)s->cut_lines);
        if (s->status_lines)
            strbuf_printf(out, ", %llu of status output", (unsigned long long)s->status_lines);
        strbuf_printf(out, "%s\n", s->reversed ? ", read newest-first and reordered" : "");
    }
}

/* Renders into out; returns 0, or -1 if an item's cold part could not be
 * read back (it was rendered without it). */
static int render_into(const idg_report *r, idg_format fmt, strbuf *out)
{
    thaw t = {0};
    if (fmt == IDG_FORMAT_JSON || fmt == IDG_FORMAT_JSON_COMPACT)
        render_json(r, out, fmt == IDG_FORMAT_JSON ? 2 : 0, &t);
    else
        render_human(r, fmt, out, &t);
    thaw_free(&t);
    return t.failed ? -1 : 0;
}

/* Room for the whole rendering taken once (a diagnosis renders to ~3 KB,
 * less compact), rather than doubling from 256 bytes through a copy at
 * each step; capped, since folded repeats and long logs vary widely. */
static size_t render_estimate(const idg_report *r)
{
    size_t n = 2048 + 512 * r->n_sources + 4096 * r->n_items;
    return n < (8u << 20) ? n : (8u << 20);
}

char *idg_report_render(const idg_report *r, idg_format fmt)
{
    strbuf sb = STRBUF_INIT;
    strbuf_reserve(&sb, render_estimate(r));
    if (render_into(r, fmt, &sb) != 0) {
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_steal(&sb);
}

typedef struct write_target {
    idg_write_cb cb;
    void *user;
} write_target;

static int to_writer(void *ctx, const char *data, size_t len)
{
    write_target *t = ctx;
    return t->cb(t->user, data, len);
}

int idg_report_write(const idg_report *r, idg_format fmt, idg_write_cb cb, void *user)
{
    strbuf sb = STRBUF_INIT;
    write_target t = {cb, user};
    int rc;
    strbuf_set_sink(&sb, to_writer, &t);
    /* the window drains at STRBUF_SINK_AT: one allocation for it */
    size_t est = render_estimate(r);
    strbuf_reserve(&sb, est < STRBUF_SINK_AT + 16384 ? est : STRBUF_SINK_AT + 16384);
    int cold_failed = render_into(r, fmt, &sb);
    rc = strbuf_flush(&sb);
    if (cold_failed)
        rc = -1;
    strbuf_free(&sb);
    return rc;
}

/* ---- one call --------------------------------------------------------- */

static void add_to_report(void *user, const idg_diagnosis *d)
{
    idg_report_add(user, d);
}

char *idg_diagnose_buffer(const void *log, size_t len, const char *name,
                          const idg_options *opts, idg_format fmt)
{
    idg_report *r = idg_report_new();
    idg_engine *e;
    char *out = NULL;
    if (r == NULL)
        return NULL;
    if (idg_report_begin_source(r, name ? name : "log") < 0)
        goto done;
    e = idg_engine_new(opts, add_to_report, r);
    if (e == NULL)
        goto done;
    if (idg_engine_feed(e, log, len) == 0 && idg_engine_finish(e) == 0) {
        idg_report_set_stats(r, idg_engine_stats(e));
        out = idg_report_render(r, fmt);
    }
    idg_engine_free(e);
done:
    idg_report_free(r);
    return out;
}
