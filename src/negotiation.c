/*
 * negotiation.c - per-negotiation state, the bounded store, evidence, and
 * the loaded-configuration store.
 *
 * A log of hundreds of tunnels keeps ~1,400 negotiations open, far more
 * than the CPU caches hold, so what is read per line is kept where one
 * cache line brings it: the hash slots hold each id beside its pointer
 * (a probe reads no other negotiation), the strings compared on nearly
 * every line (connection name, addresses) start inline in their
 * negotiation, and the loaded connections' name hashes sit in one array
 * beside the table (a lookup reads no other connection).
 */
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "negotiation.h"
#include "traffic_selector.h"
#include "utf8.h"

/* ---- nstr ------------------------------------------------------------------ */

static int nstr_reserve(nstr *s, size_t n)
{
    size_t have = s->cap & ~NSTR_INLINE;
    if (n + 1 <= have)
        return 0;
    size_t cap = have ? have : 32;
    while (cap < n + 1)
        cap *= 2;
    char *p;
    if (s->cap & NSTR_INLINE) {
        /* outgrows its negotiation's buffer: to the heap */
        p = malloc(cap);
        if (!p)
            return -1;
        memcpy(p, s->p, s->len);
    } else {
        p = realloc(s->p, cap);
        if (!p)
            return -1;
    }
    s->p = p;
    s->cap = (uint32_t)cap;
    return 0;
}

void nstr_set(nstr *s, const char *p, size_t n)
{
    s->len = 0;
    nstr_append(s, p, n);
}

void nstr_append(nstr *s, const char *p, size_t n)
{
    if (!p)
        return;
    if (s->len >= NEG_STR_CAP)
        return;
    n = utf8_cut(p, n, NEG_STR_CAP - s->len);
    if (n == 0 && s->len == 0) {
        if (nstr_reserve(s, 0) == 0)
            s->p[0] = '\0';
        return;
    }
    if (nstr_reserve(s, s->len + n) != 0)
        return;
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
}

void nstr_clear(nstr *s)
{
    s->len = 0;
    if (s->p)
        s->p[0] = '\0';
}

void nstr_free(nstr *s)
{
    if (!(s->cap & NSTR_INLINE))
        free(s->p);
    s->p = NULL;
    s->len = s->cap = 0;
}

/* Evidence arena sizes: the first allocation, and the most a released
 * negotiation keeps for reuse (or an emptied one keeps at all). */
#define EV_ARENA_MIN 512
#define EV_ARENA_KEEP 2048

/* ---- negotiation lifetime ---------------------------------------------------- */

/* Every nstr member, for reset and free. */
#define NEG_STRS(X)                                                          \
    X(conn) X(child) X(local_addr) X(remote_addr) X(local_id) X(remote_id)   \
    X(my_auth) X(child_est_name)  \
    X(child_est_ts_local) X(child_est_ts_remote) X(time) X(p1_received)      \
    X(p1_configured) X(p1_proposed) X(p2_received) X(p2_configured)          \
    X(p2_proposed) X(p1_no_acceptable) X(p2_no_acceptable) X(ts_peer_local)  \
    X(ts_peer_remote) X(ts_conf_local) X(ts_conf_remote)                     \
    X(lookup_local_host) X(lookup_remote_host) X(lookup_local_id)            \
    X(lookup_remote_id) X(idir_received) X(idir_configured)                  \
    X(constraint_required) X(constraint_got) X(auth_mode_peer)               \
    X(auth_mode_class) X(no_ike_cfg_local) X(no_ike_cfg_remote) X(notify)    \
    X(ke_offered) X(ke_requested) X(ke2_offered) X(ke2_requested) X(unencrypted_type) X(pid_file) X(cert_detail) X(cert_issuer) X(cert_chain_ca) X(cert_required_ca) X(peer_candidates)              \
    X(knl_error) X(install_detail) X(eap_detail) X(peer_cfg_unacceptable) X(unresolved_host)  \
    X(vip_requested) X(vip_pool) X(send_error) X(route_error) X(peer_id_type) X(peer_cert) X(cert_for) X(cert_validity) X(p1_selected) X(p2_selected) X(install_algs) X(crash_signal) X(cred_failed) X(conn_load_error) X(conn_load_why) X(plugin_failed) X(plugin_error) X(cred_cause) X(trap_reqid) X(init_cause) X(daemon_program) X(netlink_error) X(eap_method) X(eap_wanted) X(eap_identity) X(eap_user) X(xauth_user) X(auth_required) X(auth_used)                                             \
    X(sel_type) X(closed_time) X(peer_auth_method) X(alg_unsupported) X(knl_alg_unsupported) X(key_for) X(p2_mode_peer) X(sig_scheme_refused) X(peer_keyid_text) X(crash_frame)  \
    X(radius_server) X(radius_fault_msg) X(p2_closed_time) X(addr_gone_iface) X(addr_gone_time)

static void neg_reset(negotiation *n)
{
    /* keep the string buffers and the evidence slots, reset everything else */
    negotiation keep = *n;
    memset(n, 0, sizeof *n);
#define KEEP(f) n->f = keep.f; nstr_clear(&n->f);
    NEG_STRS(KEEP)
#undef KEEP
    for (int i = 0; i < NEG_TS_CAND; i++) {
        n->ts_cand_us[i] = keep.ts_cand_us[i];
        n->ts_cand_other[i] = keep.ts_cand_other[i];
        nstr_clear(&n->ts_cand_us[i]);
        nstr_clear(&n->ts_cand_other[i]);
    }
    n->ev = keep.ev;
    n->n_ev_cap = keep.n_ev_cap;
    n->n_ev_max = keep.n_ev_max;
    n->n_ev = 0;
    for (size_t i = 0; i < n->n_ev_cap; i++)
        n->ev[i].prio = 0;
    /* a reused negotiation keeps a small arena only */
    if (keep.ev_text_cap <= EV_ARENA_KEEP) {
        n->ev_text = keep.ev_text;
        n->ev_text_cap = keep.ev_text_cap;
    } else {
        free(keep.ev_text);
    }
}

static void neg_destroy(negotiation *n)
{
#define FREE(f) nstr_free(&n->f);
    NEG_STRS(FREE)
#undef FREE
    for (int i = 0; i < NEG_TS_CAND; i++) {
        nstr_free(&n->ts_cand_us[i]);
        nstr_free(&n->ts_cand_other[i]);
    }
    free(n->ev_text);
    free(n->ev);
    free(n);
}

/* ---- the store ----------------------------------------------------------------- */

#define NEG_FREE_KEEP 64
#define NEG_HASH_START 64

int neg_store_init(neg_store *st, size_t max, size_t max_evidence)
{
    memset(st, 0, sizeof *st);
    if (max < 1)
        max = 1;
    st->max = max;
    st->max_evidence = max_evidence ? max_evidence : 16;
    /* The hash starts small and doubles with the open negotiations
     * (hgrow), up to twice max: a small log, or a server request, does
     * not pay for clearing room for 4096 negotiations. */
    size_t cap = 16;
    while (cap < max * 2 && cap < NEG_HASH_START)
        cap *= 2;
    st->hcap = cap;
    st->slots = calloc(cap, sizeof *st->slots);
    st->next_synthetic = -1;
    return st->slots ? 0 : -1;
}

void neg_store_free(neg_store *st)
{
    negotiation *n = st->lru_head;
    while (n) {
        negotiation *next = n->lru_next;
        neg_destroy(n);
        n = next;
    }
    n = st->free_list;
    while (n) {
        negotiation *next = n->lru_next;
        neg_destroy(n);
        n = next;
    }
    free(st->slots);
    free(st->tunnels);
    memset(st, 0, sizeof *st);
}

static size_t hslot(const neg_store *st, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (st->hcap - 1);
}

negotiation *neg_find(neg_store *st, int64_t id)
{
    size_t i = hslot(st, id);
    while (st->slots[i].neg) {
        if (st->slots[i].id == id)
            return st->slots[i].neg;
        i = (i + 1) & (st->hcap - 1);
    }
    return NULL;
}

static void hinsert(neg_store *st, negotiation *n)
{
    size_t i = hslot(st, n->id);
    while (st->slots[i].neg)
        i = (i + 1) & (st->hcap - 1);
    st->slots[i].neg = n;
    st->slots[i].id = n->id;
}

static void hremove(neg_store *st, negotiation *n)
{
    size_t i = hslot(st, n->id);
    while (st->slots[i].neg && st->slots[i].neg != n)
        i = (i + 1) & (st->hcap - 1);
    if (!st->slots[i].neg)
        return;
    st->slots[i].neg = NULL;
    /* backward-shift deletion */
    size_t j = i;
    for (;;) {
        j = (j + 1) & (st->hcap - 1);
        if (!st->slots[j].neg)
            break;
        size_t k = hslot(st, st->slots[j].id);
        /* move slots[j] to i if k is cyclically outside (i, j] */
        int move = (i <= j) ? (k <= i || k > j) : (k <= i && k > j);
        if (move) {
            st->slots[i] = st->slots[j];
            st->slots[j].neg = NULL;
            i = j;
        }
    }
}

static void lru_unlink(neg_store *st, negotiation *n)
{
    if (n->lru_prev)
        n->lru_prev->lru_next = n->lru_next;
    else
        st->lru_head = n->lru_next;
    if (n->lru_next)
        n->lru_next->lru_prev = n->lru_prev;
    else
        st->lru_tail = n->lru_prev;
    n->lru_prev = n->lru_next = NULL;
}

static void lru_push_front(neg_store *st, negotiation *n)
{
    n->lru_prev = NULL;
    n->lru_next = st->lru_head;
    if (st->lru_head)
        st->lru_head->lru_prev = n;
    st->lru_head = n;
    if (!st->lru_tail)
        st->lru_tail = n;
}

/* Doubles the hash (while it is below twice max) once it is half full. */
static int hgrow(neg_store *st)
{
    if ((st->count + 1) * 2 <= st->hcap || st->hcap >= st->max * 2)
        return 0;
    size_t old = st->hcap;
    neg_slot *slots = st->slots;
    neg_slot *fresh = calloc(old * 2, sizeof *fresh);
    if (!fresh)
        return -1;
    st->slots = fresh;
    st->hcap = old * 2;
    for (size_t i = 0; i < old; i++)
        if (slots[i].neg)
            hinsert(st, slots[i].neg);
    free(slots);
    return 0;
}

negotiation *neg_create(neg_store *st, int64_t id, uint64_t line, negotiation **evicted)
{
    *evicted = NULL;
    if (st->count >= st->max) {
        negotiation *old = st->lru_tail;
        if (!old)
            return NULL;
        hremove(st, old);
        lru_unlink(st, old);
        neg_unfile_tunnel(old);
        st->count--;
        *evicted = old;
        return NULL;
    }
    negotiation *n;
    if (hgrow(st) != 0)
        return NULL;
    if (st->free_list) {
        n = st->free_list;
        st->free_list = n->lru_next;
        st->n_free--;
        neg_reset(n);
    } else {
        n = calloc(1, sizeof *n);
        if (!n)
            return NULL;
        /* kept across reuse: neg_reset keeps every string's buffer */
        nstr_inline(&n->conn, n->conn_inline, sizeof n->conn_inline);
        nstr_inline(&n->local_addr, n->local_addr_inline, sizeof n->local_addr_inline);
        nstr_inline(&n->remote_addr, n->remote_addr_inline, sizeof n->remote_addr_inline);
    }
    /* the evidence slots grow on demand (ev_grow) up to this many: most
     * open negotiations are quiet established SAs with few or none */
    n->n_ev_max = st->max_evidence + 8;
    if (id == INT64_MIN) {
        n->id = st->next_synthetic--;
        n->synthetic = 1;
    } else {
        n->id = id;
    }
    n->first_line = n->last_line = line;
    n->ike_role = IDG_ROLE_UNKNOWN;
    n->retransmit_msgid = -1;
    n->child_est_id = -1;
    n->established_ts = -1;
    n->last_send_ts = -1;
    hinsert(st, n);
    lru_push_front(st, n);
    st->count++;
    return n;
}

int neg_rekey(neg_store *st, negotiation *n, int64_t id)
{
    if (neg_find(st, id))
        return -1;
    hremove(st, n);
    n->id = id;
    n->synthetic = 0;
    hinsert(st, n);
    return 0;
}

void neg_touch(neg_store *st, negotiation *n, uint64_t line)
{
    n->last_line = line;
    if (st->lru_head != n) {
        lru_unlink(st, n);
        lru_push_front(st, n);
    }
}

void neg_release(neg_store *st, negotiation *n)
{
    /* n may already be unlinked (evicted) */
    if (neg_find(st, n->id) == n) {
        hremove(st, n);
        lru_unlink(st, n);
        st->count--;
    }
    neg_unfile_tunnel(n);
    if (st->n_free < NEG_FREE_KEEP) {
        n->lru_next = st->free_list;
        st->free_list = n;
        st->n_free++;
    } else {
        neg_destroy(n);
    }
}

negotiation *neg_oldest(neg_store *st)
{
    return st->lru_tail;
}

/* ---- the tunnel index ------------------------------------------------------------ */

/* Chain heads per kind: as many as open negotiations may be (capped),
 * allocated when the first SA comes up, so a request that sees none pays
 * nothing. Each kind has heads of its own: a chain is walked through one
 * kind's links, so a head shared by a name and a peer address would join
 * the two chains and write each kind's links through the other's. */
#define TUNNEL_HEADS_MAX 65536

static size_t tunnel_head(const neg_store *st, int kind, const char *key, size_t len)
{
    uint64_t h = fnv1a(FNV1A_OFFSET, key, len);
    return (size_t)kind * st->tcap + ((size_t)(h ^ (h >> 29)) & (st->tcap - 1));
}

void neg_unfile_tunnel(negotiation *n)
{
    for (int k = 0; k < NEG_TUNNEL_KEYS; k++) {
        neg_link *l = &n->tunnel[k];
        if (!l->pprev)
            continue;
        *l->pprev = l->next;
        if (l->next)
            l->next->tunnel[k].pprev = l->pprev;
        l->next = NULL;
        l->pprev = NULL;
    }
}

int neg_file_tunnel(neg_store *st, negotiation *n)
{
    neg_unfile_tunnel(n);
    if (!st->tunnels) {
        size_t cap = 16;
        while (cap < st->max && cap < TUNNEL_HEADS_MAX)
            cap *= 2;
        st->tunnels = calloc(cap * NEG_TUNNEL_KEYS, sizeof *st->tunnels);
        if (!st->tunnels)
            return -1;
        st->tcap = cap;
    }
    const nstr *key[NEG_TUNNEL_KEYS] = {[NEG_BY_CONN] = &n->conn, [NEG_BY_PEER] = &n->remote_addr};
    for (int k = 0; k < NEG_TUNNEL_KEYS; k++) {
        if (!key[k]->len)
            continue;
        negotiation **head = &st->tunnels[tunnel_head(st, k, key[k]->p, key[k]->len)];
        neg_link *l = &n->tunnel[k];
        l->next = *head;
        l->pprev = head;
        if (*head)
            (*head)->tunnel[k].pprev = &l->next;
        *head = n;
    }
    return 0;
}

negotiation *neg_tunnel_chain(const neg_store *st, int kind, const char *key, size_t len)
{
    if (!st->tunnels || !len)
        return NULL;
    return st->tunnels[tunnel_head(st, kind, key, len)];
}

/* ---- evidence -------------------------------------------------------------------- */

#define EVIDENCE_TEXT_MAX 768

/* Moves the live texts, in slot order, to a fresh buffer of cap bytes
 * (cap >= the live bytes), dropping the garbage. Returns -1 on OOM (the
 * arena is then unchanged). */
static int ev_arena_rebuild(negotiation *n, size_t cap)
{
    char *p = malloc(cap);
    if (!p)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n->n_ev; i++) {
        neg_evidence *e = &n->ev[i];
        if (e->prio == 0 || e->len == 0)
            continue;
        memcpy(p + k, n->ev_text + e->off, e->len + 1);
        e->off = (uint32_t)k;
        k += e->len + 1;
    }
    free(n->ev_text);
    n->ev_text = p;
    n->ev_text_cap = cap;
    n->ev_text_len = k;
    n->ev_text_live = k;
    return 0;
}

/* The arena size for bytes of text: EV_ARENA_MIN doubled until it holds
 * twice as many. */
static size_t ev_arena_size(size_t bytes)
{
    size_t cap = EV_ARENA_MIN;
    while (cap < 2 * bytes)
        cap *= 2;
    return cap;
}

/* Makes room for need more bytes at the arena's end: first by dropping the
 * garbage (copying the live texts to a fresh buffer sized for them), else
 * by doubling. Returns -1 on OOM. */
static int ev_arena_reserve(negotiation *n, size_t need)
{
    if (n->ev_text_len + need <= n->ev_text_cap)
        return 0;
    size_t live = n->ev_text_live;
    size_t cap = ev_arena_size(live + need);
    if (live == n->ev_text_len) {
        /* no garbage: grow in place */
        char *p = realloc(n->ev_text, cap);
        if (!p)
            return -1;
        n->ev_text = p;
        n->ev_text_cap = cap;
        return 0;
    }
    if (cap < n->ev_text_cap && live + need <= n->ev_text_cap / 2)
        cap = n->ev_text_cap; /* keep the size: it was not too small */
    return ev_arena_rebuild(n, cap);
}

void neg_drop_evidence(negotiation *n, neg_evidence *e)
{
    if (e->prio && e->len)
        n->ev_text_live -= e->len + 1;
    e->prio = 0;
    e->len = 0;
}

/* Stores the text (len bytes, room for them and a NUL already in the
 * arena; none when len is 0) and the fields in slot. */
static inline void fill_evidence(negotiation *n, neg_evidence *slot, uint64_t line, uint32_t seq,
                                 int prio, int phase, const char *text, size_t len)
{
    if (len > 0) {
        char *dst = n->ev_text + n->ev_text_len;
        memcpy(dst, text, len);
        dst[len] = '\0';
        slot->off = (uint32_t)n->ev_text_len;
        n->ev_text_len += len + 1;
        n->ev_text_live += len + 1;
    }
    slot->len = (uint32_t)len;
    slot->line = line;
    slot->seq = seq;
    slot->prio = (int16_t)prio;
    slot->phase = (int16_t)phase;
}

/* Everything but the usual case of neg_add_evidence: a slot array to grow
 * or full (eviction), an arena to grow or compact, a text to cut or none.
 * Kept out of line so the usual case saves and restores few registers. */
static __attribute__((noinline)) void add_evidence_slow(negotiation *n, uint64_t line,
                                                        uint32_t seq, int prio, int phase,
                                                        const char *text, size_t len)
{
    neg_evidence *slot = NULL;
    if (n->n_ev == n->n_ev_cap && n->n_ev_cap < n->n_ev_max) {
        size_t cap = n->n_ev_cap ? n->n_ev_cap * 2 : 4;
        if (cap > n->n_ev_max)
            cap = n->n_ev_max;
        neg_evidence *ev = realloc(n->ev, cap * sizeof *ev);
        if (!ev)
            return;
        memset(ev + n->n_ev_cap, 0, (cap - n->n_ev_cap) * sizeof *ev);
        n->ev = ev;
        n->n_ev_cap = cap;
    }
    if (n->n_ev < n->n_ev_cap) {
        slot = &n->ev[n->n_ev];
    } else {
        /* evict the oldest entry of the lowest priority below ours */
        for (size_t i = 0; i < n->n_ev_cap; i++) {
            neg_evidence *e = &n->ev[i];
            if (e->prio >= prio)
                continue;
            if (!slot || e->prio < slot->prio ||
                (e->prio == slot->prio && (int32_t)(e->seq - slot->seq) < 0))
                slot = e;
        }
        if (!slot)
            return;
    }
    len = text ? utf8_cut(text, len, EVIDENCE_TEXT_MAX) : 0;
    /* the slot's old text is garbage from here (the compaction skips it) */
    if (slot->prio && slot->len)
        n->ev_text_live -= slot->len + 1;
    slot->prio = 0;
    slot->len = 0;
    if (len > 0 && ev_arena_reserve(n, len + 1) != 0)
        return;
    fill_evidence(n, slot, line, seq, prio, phase, text, len);
    if (slot == &n->ev[n->n_ev])
        n->n_ev++;
}

void neg_add_evidence(negotiation *n, uint64_t line, uint32_t seq, int prio, int phase,
                      const char *text, size_t len)
{
    if (prio <= 0)
        return;
    if (n->n_ev > 0 && n->ev[n->n_ev - 1].line == line)
        return; /* one entry per line */
    /* The usual case: a free slot (slots past n_ev hold prio 0, so no live
     * text is given up), a whole text that fits the arena as it is. Does
     * exactly what add_evidence_slow would. */
    if (n->n_ev < n->n_ev_cap && text && len > 0 && len <= EVIDENCE_TEXT_MAX &&
        n->ev_text_len + len + 1 <= n->ev_text_cap) {
        fill_evidence(n, &n->ev[n->n_ev++], line, seq, prio, phase, text, len);
        return;
    }
    add_evidence_slow(n, line, seq, prio, phase, text, len);
}

void neg_add_kept_evidence(negotiation *n, const kept_line *k, int prio, int phase)
{
    neg_add_evidence(n, k->lineno, k->seq, prio, phase, k->text, strlen(k->text));
}

/* An arena with no live text is given back: most open negotiations are
 * quiet established SAs whose evidence was cleared when they concluded. */
static void ev_arena_empty(negotiation *n)
{
    n->ev_text_len = n->ev_text_live = 0;
    if (n->ev_text_cap > 0) {
        free(n->ev_text);
        n->ev_text = NULL;
        n->ev_text_cap = 0;
    }
}

void neg_clear_evidence(negotiation *n)
{
    for (size_t i = 0; i < n->n_ev; i++) {
        n->ev[i].prio = 0;
        n->ev[i].len = 0;
    }
    n->n_ev = 0;
    ev_arena_empty(n);
}

void neg_compact_evidence(negotiation *n)
{
    size_t k = 0;
    for (size_t i = 0; i < n->n_ev; i++) {
        if (n->ev[i].prio == 0)
            continue;
        if (k != i)
            n->ev[k] = n->ev[i];
        k++;
    }
    for (size_t i = k; i < n->n_ev; i++) {
        n->ev[i].prio = 0;
        n->ev[i].len = 0;
    }
    n->n_ev = k;
    if (k == 0) {
        ev_arena_empty(n);
        return;
    }
    /* A negotiation that concluded usually lives on as a quiet SA with a
     * line or two of its evidence left: an arena grown for a whole
     * negotiation's lines, kept at that size by hundreds of open SAs, was
     * most of the engine's memory (2.1 MB of arenas for 146 KB of text
     * among 573 SAs). Fit it to what is left, and the slots likewise. */
    size_t fit = ev_arena_size(n->ev_text_live);
    if (fit < n->ev_text_cap / 2)
        ev_arena_rebuild(n, fit); /* (out of memory: the arena stays as it is) */
    size_t slots = 4;
    while (slots < 2 * k)
        slots *= 2;
    if (slots < n->n_ev_cap / 2) {
        neg_evidence *ev = realloc(n->ev, slots * sizeof *ev);
        if (ev) {
            n->ev = ev;
            n->n_ev_cap = slots;
        }
    }
}

void neg_add_msgid(negotiation *n, uint32_t id)
{
    for (size_t i = 0; i < n->n_msgids; i++)
        if (n->msgids[i] == id)
            return;
    if (n->n_msgids < NEG_MAX_MSGIDS)
        n->msgids[n->n_msgids++] = id;
}

void neg_clear_facts(negotiation *n, uint64_t mask)
{
    n->facts &= ~mask;
    if (mask & F1_MASK) {
        nstr_clear(&n->p1_no_acceptable);
        nstr_clear(&n->notify);
    }
    if (mask & F2_MASK) {
        nstr_clear(&n->p2_no_acceptable);
        nstr_clear(&n->p2_received);
        nstr_clear(&n->p2_configured);
        nstr_clear(&n->ts_peer_local);
        nstr_clear(&n->ts_peer_remote);
        n->n_ts_cand = 0;
        nstr_clear(&n->knl_error);
        nstr_clear(&n->knl_alg_unsupported);
        n->knl_errno = 0;
        nstr_clear(&n->install_detail);
        n->p2_selected_ok = 0;
    }
}

/* ---- loaded configuration ------------------------------------------------------------- */

static void conf_conn_free(conf_conn *c)
{
    nstr_free(&c->name);
    nstr_free(&c->local_addrs);
    nstr_free(&c->remote_addrs);
    nstr_free(&c->proposals);
    nstr_free(&c->local_id);
    nstr_free(&c->remote_id);
    nstr_free(&c->local_class);
    nstr_free(&c->remote_class);
    nstr_free(&c->id_unconfirmed);
    for (size_t i = 0; i < c->n_children; i++) {
        nstr_free(&c->children[i].name);
        nstr_free(&c->children[i].proposals);
        nstr_free(&c->children[i].local_ts);
        nstr_free(&c->children[i].remote_ts);
        nstr_free(&c->children[i].mode);
    }
    free(c->children);
    free(c);
}

conf_child *conf_add_child(conf_conn *c)
{
    if (c->n_children >= CONF_MAX_CHILDREN)
        return NULL;
    if (c->n_children == c->cap_children) {
        size_t cap = c->cap_children ? 2 * c->cap_children : 1;
        if (cap > CONF_MAX_CHILDREN)
            cap = CONF_MAX_CHILDREN;
        conf_child *ch = realloc(c->children, cap * sizeof *ch);
        if (!ch)
            return NULL;
        c->children = ch;
        c->cap_children = cap;
    }
    conf_child *ch = &c->children[c->n_children++];
    memset(ch, 0, sizeof *ch);
    return ch;
}

void conf_store_init(conf_store *cs)
{
    memset(cs, 0, sizeof *cs);
}

void conf_store_clear(conf_store *cs)
{
    conf_conn **conns = cs->conns;
    uint64_t *hashes = cs->name_hash;
    conf_addr_key *keys = cs->addr_keys;
    size_t cap = cs->cap;
    uint64_t generation = cs->generation;
    for (size_t i = 0; i < cs->n; i++)
        conf_conn_free(conns[i]);
    memset(cs, 0, sizeof *cs);
    cs->conns = conns; /* the table is kept for the next load */
    cs->name_hash = hashes;
    cs->addr_keys = keys;
    cs->cap = cap;
    cs->generation = generation + 1;
}

void conf_store_free(conf_store *cs)
{
    conf_store_clear(cs);
    free(cs->conns);
    free(cs->name_hash);
    free(cs->addr_keys);
    memset(cs, 0, sizeof *cs);
}

static size_t nstr_bytes(const nstr *s)
{
    return s->cap & NSTR_INLINE ? 0 : s->cap;
}

static size_t conf_conn_bytes(const conf_conn *c)
{
    size_t b = sizeof *c + c->cap_children * sizeof *c->children + nstr_bytes(&c->name) +
               nstr_bytes(&c->local_addrs) +
               nstr_bytes(&c->remote_addrs) + nstr_bytes(&c->proposals) +
               nstr_bytes(&c->local_id) + nstr_bytes(&c->remote_id) +
               nstr_bytes(&c->local_class) + nstr_bytes(&c->remote_class) +
               nstr_bytes(&c->id_unconfirmed);
    for (size_t i = 0; i < c->n_children; i++) {
        const conf_child *ch = &c->children[i];
        b += nstr_bytes(&ch->name) + nstr_bytes(&ch->proposals) + nstr_bytes(&ch->local_ts) +
             nstr_bytes(&ch->remote_ts) + nstr_bytes(&ch->mode);
    }
    return b;
}

/* FNV-1a of a name up to its first NUL: names equal byte for byte, or
 * equal as C strings (conf_find compares with strcmp), hash the same. */
static uint64_t conf_name_hash(const char *name, size_t n)
{
    const char *nul = memchr(name, '\0', n);
    return fnv1a(FNV1A_OFFSET, name, nul ? (size_t)(nul - name) : n);
}

/* One side of a conf_addr_key: what addrs_match would make of the list. */
static void addr_key_side(const nstr *list, uint8_t *kind, uint8_t *len, char *text)
{
    const char *s = nstr_c(list);
    size_t n = list->len;
    *len = 0;
    if (!s || !*s) {
        *kind = CONF_ADDRS_ANY; /* nothing configured = any */
        return;
    }
    *kind = CONF_ADDRS_OTHER;
    if (n >= CONF_KEY_ADDR || (n == 4 && memcmp(s, "%any", 4) == 0) ||
        (n == 5 && memcmp(s, "%any6", 5) == 0))
        return;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == ' ' || s[i] == '/' || s[i] == '-' || s[i] == '\0')
            return;
    *kind = CONF_ADDRS_PLAIN;
    *len = (uint8_t)n;
    memcpy(text, s, n);
}

static void conf_addr_key_fill(conf_addr_key *k, const conf_conn *c)
{
    k->version = c->version;
    addr_key_side(&c->local_addrs, &k->local_kind, &k->local_len, k->local);
    addr_key_side(&c->remote_addrs, &k->remote_kind, &k->remote_len, k->remote);
}

void conf_conn_changed(conf_store *cs, const conf_conn *c)
{
    cs->generation++;
    for (size_t i = cs->n; i-- > 0;) /* the one being loaded: the last */
        if (cs->conns[i] == c) {
            conf_addr_key_fill(&cs->addr_keys[i], c);
            return;
        }
}

conf_conn *conf_begin(conf_store *cs, const char *name, size_t n, int thread)
{
    conf_conn *c = NULL;
    cs->generation++;
    /* the previous connection is complete: count it */
    if (cs->open) {
        cs->open->bytes = conf_conn_bytes(cs->open);
        cs->bytes += cs->open->bytes;
        cs->open = NULL;
    }
    /* a connection loaded again replaces the old one */
    uint64_t h = conf_name_hash(name, n);
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->name_hash[i] != h)
            continue;
        conf_conn *o = cs->conns[i];
        if (o->name.len == n && memcmp(o->name.p, name, n) == 0) {
            cs->bytes -= o->bytes;
            conf_conn_free(o);
            --cs->n;
            cs->conns[i] = cs->conns[cs->n];
            cs->name_hash[i] = cs->name_hash[cs->n];
            cs->addr_keys[i] = cs->addr_keys[cs->n];
            break;
        }
    }
    /* forget the oldest */
    size_t drop = 0;
    while (drop < cs->n && (cs->n - drop >= CONF_MAX_CONNS || cs->bytes > CONF_MAX_BYTES)) {
        cs->bytes -= cs->conns[drop]->bytes;
        conf_conn_free(cs->conns[drop]);
        drop++;
    }
    if (drop) {
        memmove(&cs->conns[0], &cs->conns[drop], (cs->n - drop) * sizeof cs->conns[0]);
        memmove(&cs->name_hash[0], &cs->name_hash[drop], (cs->n - drop) * sizeof cs->name_hash[0]);
        memmove(&cs->addr_keys[0], &cs->addr_keys[drop], (cs->n - drop) * sizeof cs->addr_keys[0]);
        cs->n -= drop;
    }
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 16;
        if (cap > CONF_MAX_CONNS)
            cap = CONF_MAX_CONNS;
        /* the side arrays first: if conns cannot grow, they are merely roomier */
        uint64_t *hashes = realloc(cs->name_hash, cap * sizeof *hashes);
        if (hashes)
            cs->name_hash = hashes;
        conf_addr_key *keys = hashes ? realloc(cs->addr_keys, cap * sizeof *keys) : NULL;
        if (keys)
            cs->addr_keys = keys;
        conf_conn **t = keys ? realloc(cs->conns, cap * sizeof *t) : NULL;
        if (!t) {
            cs->cur = NULL;
            cs->cur_child = NULL;
            return NULL;
        }
        cs->conns = t;
        cs->cap = cap;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        cs->cur = NULL;
        return NULL;
    }
    nstr_set(&c->name, name, n);
    c->version = -1;
    c->aggressive = -1;
    cs->name_hash[cs->n] = conf_name_hash(c->name.p, c->name.len);
    conf_addr_key_fill(&cs->addr_keys[cs->n], c);
    cs->conns[cs->n++] = c;
    cs->open = c;
    cs->cur = c;
    cs->cur_child = NULL;
    cs->section = 0;
    cs->thread = thread;
    return c;
}

const conf_conn *conf_find(const conf_store *cs, const char *name)
{
    if (!name)
        return NULL;
    /* the hashes first, then the terminating NUL at the name's length:
     * strcmp's result without reading every connection */
    size_t len = strlen(name);
    uint64_t h = conf_name_hash(name, len);
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->name_hash[i] != h)
            continue;
        const nstr *cn = &cs->conns[i]->name;
        if (cn->len && cn->len >= len && cn->p[len] == '\0' && memcmp(cn->p, name, len) == 0)
            return cs->conns[i];
    }
    return NULL;
}

/* al: strlen(addr), measured once per list (or per scan of the loaded
 * connections) rather than per entry; ranged: the entry holds a '/' or a
 * '-' (a CIDR or a range), noted while the list was split */
static int addr_entry_match(const char *e, size_t n, const char *addr, size_t al, int ranged)
{
    if (n == 0)
        return 0;
    if ((n == 4 && memcmp(e, "%any", 4) == 0) || (n == 5 && memcmp(e, "%any6", 5) == 0))
        return 1;
    if (n == al && memcmp(e, addr, n) == 0)
        return 1;
    /* CIDR or range */
    if (ranged) {
        traffic_selector net, host;
        char buf[80];
        const char *prefix = strchr(addr, ':') ? "/128" : "/32";
        size_t prefix_size = strlen(prefix) + 1;
        if (al + prefix_size > sizeof buf)
            return 0; /* (counted "/32" for "/128" too: a 76-byte IPv6 text overran buf) */
        memcpy(buf, addr, al);
        memcpy(buf + al, prefix, prefix_size);
        if (ts_parse(e, n, &net) == 0 && ts_parse(buf, strlen(buf), &host) == 0 &&
            net.family && net.family == host.family)
            return ts_contains(&net, &host);
    }
    return 0;
}

static int addrs_match(const char *list, const char *addr, size_t al)
{
    if (!list || !*list)
        return 1; /* nothing configured = any */
    if (!addr || !*addr)
        return 0;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        int ranged = 0;
        for (; *e && *e != ',' && *e != ' '; e++)
            ranged |= *e == '/' || *e == '-';
        if (addr_entry_match(p, (size_t)(e - p), addr, al, ranged))
            return 1;
        p = e;
    }
    return 0;
}

int conf_addrs_match(const char *list, const char *addr)
{
    return addrs_match(list, addr, addr ? strlen(addr) : 0);
}

/* addrs_match(list, addr) from a conf_addr_key side. */
static int key_side_match(uint8_t kind, const char *text, uint8_t len, const nstr *list,
                          const char *addr, size_t al)
{
    if (kind == CONF_ADDRS_ANY)
        return 1;
    if (kind == CONF_ADDRS_PLAIN)
        return al == len && memcmp(text, addr, al) == 0;
    return addrs_match(nstr_c(list), addr, al);
}

const conf_conn *conf_match_addrs(const conf_store *cs, const char *local,
                                  const char *remote, int version, int *exact)
{
    const conf_conn *best = NULL;
    int best_score = -1, ties = 0;
    *exact = 0;
    size_t llen = local ? strlen(local) : 0, rlen = remote ? strlen(remote) : 0;
    for (size_t i = 0; i < cs->n; i++) {
        const conf_conn *c = cs->conns[i]; /* read only for a list of CONF_ADDRS_OTHER */
        const conf_addr_key *k = &cs->addr_keys[i];
        int lm = local ? key_side_match(k->local_kind, k->local, k->local_len, &c->local_addrs,
                                        local, llen) : 0;
        int rm = remote ? key_side_match(k->remote_kind, k->remote, k->remote_len, &c->remote_addrs,
                                         remote, rlen) : 0;
        int score = lm * 2 + rm * 3;
        if (score == 5 && version > 0 && k->version > 0 && k->version != version)
            score = 4; /* these addresses, but the other IKE version */
        if (score > best_score) {
            best = c;
            best_score = score;
            ties = 0;
        } else if (score == best_score) {
            ties++;
        }
    }
    /* several connections for the same addresses: the addresses alone do
     * not tell which one */
    if (best && best_score == 5 && ties == 0)
        *exact = 1;
    return best;
}
