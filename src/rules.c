/*
 * rules.c - conclusion rules: negotiation state -> diagnoses.
 *
 * A negotiation is concluded per phase. Phase 1 and phase 2 each have an
 * ordered table of rules; a rule applies when one of its trigger facts is
 * present, and the first rule that applies (and does not decline) makes
 * the phase's diagnosis. Success (phase1_established, phase2_established)
 * and dead-peer detection are concluded besides. At most one failure
 * diagnosis is made per phase 1 of an IKE_SA and per phase 2 exchange.
 *
 * A long log concludes thousands of times, mostly successes: their texts
 * are joined without vsnprintf (arena_join), the evidence is sorted once
 * when all of it is kept, and the match of a negotiation's addresses
 * against the loaded connections is remembered (addr_match_memo).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "proposal.h"
#include "recommend.h"
#include "rules.h"
#include "strfmt.h"
#include "traffic_selector.h"
#include "utf8.h"

#define ARENA_SIZE (64 * 1024)
#define MAX_OFF 8
#define MAX_EV 64

/* conn_conf's last match by addresses and what it was asked: the rules ask
 * it several times per conclusion, and a tunnel that keeps failing asks the
 * same again, while each answer scans hundreds of loaded connections.
 * Valid while the loaded set's generation stays. */
typedef struct addr_match_memo {
    int valid;
    uint64_t generation;
    int version;
    int has_local, has_remote;
    char local[NEG_SMALL_CAP + 1], remote[NEG_SMALL_CAP + 1];
    const conf_conn *conn;
    int exact;
} addr_match_memo;

struct rules_ctx {
    idg_options opts;
    const conf_store *conf;
    idg_diagnosis_cb cb;
    void *user;
    idg_stats *stats;
    arena a;
    /* The two proposal lists are large (~120 KiB each) and are always
     * filled by proposal_list_parse before being read: they live in one
     * malloc'd block, not in the context, so that creating an engine does
     * not clear a quarter of a megabyte it may never use. */
    proposal_list *pl;
    size_t n_off;
    /* per-diagnosis extras for the recommendation */
    const proposal *rec_local, *rec_peer;
    /* proposal_verdict found a received proposal that agrees with a
     * configured one on every transform type: the lists as logged do not
     * explain charon's refusal (lists_agree_text) */
    int lists_agree;
    addr_match_memo addr_match;
    /*
     * Scratch, from `diff` to the end: rules_new clears only the fields
     * above. The server creates an engine per request, and clearing these
     * ~10 KiB was half the instructions creating one took. Each is written
     * before it is read: diff by proposal_diff_compute and ts_a, ts_b by
     * ts_list_parse (both clear their output first), off[] up to n_off by
     * add_off, ev[] up to the count pick_evidence returns. A field that
     * must start zeroed goes above `diff`.
     */
    proposal_diff diff;
    ts_list ts_a, ts_b;
    idg_offending off[MAX_OFF];
    idg_evidence ev[MAX_EV];
};

/* ---- arena ------------------------------------------------------------------ */

/* Every string stored is repaired in place (invalid UTF-8 and NUL -> '?'):
 * whatever was cut or copied, the strings handed out stay valid. */
const char *arena_strn(arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    if (a->used + n + 1 > a->cap) {
        if (a->used < a->cap) {
            a->buf[a->used] = '\0';
            return a->buf + a->used;
        }
        return "";
    }
    char *p = a->buf + a->used;
    memcpy(p, s, n);
    p[n] = '\0';
    utf8_replace_invalid(p, n, UTF8_NUL_INVALID);
    a->used += n + 1;
    return p;
}

const char *arena_str(arena *a, const char *s)
{
    return s ? arena_strn(a, s, strlen(s)) : NULL;
}

/* Takes the text of n bytes written at p (the arena's free room of `room`
 * bytes; whatever did not fit was dropped) into the arena: terminated,
 * cut at a UTF-8 boundary when it did not fit (the arena is then full),
 * invalid UTF-8 and NUL replaced. */
static const char *arena_commit(arena *a, char *p, size_t n, size_t room)
{
    if (n >= room) {
        size_t k = room - 1;
        p[k] = '\0';
        while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
            k--;
        p[k] = '\0';
        utf8_replace_invalid(p, k, UTF8_NUL_INVALID);
        a->used = a->cap;
        return p;
    }
    p[n] = '\0';
    utf8_replace_invalid(p, n, UTF8_NUL_INVALID);
    a->used += n + 1;
    return p;
}

const char *arena_printf(arena *a, const char *fmt, ...)
{
    if (a->used >= a->cap)
        return "";
    va_list ap;
    va_start(ap, fmt);
    size_t room = a->cap - a->used;
    int n = strfmt_v(a->buf + a->used, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return "";
    char *p = a->buf + a->used;
    return arena_commit(a, p, (size_t)n, room);
}

/* ---- context ------------------------------------------------------------------ */

rules_ctx *rules_new(const idg_options *opts, const conf_store *conf,
                     idg_diagnosis_cb cb, void *user, idg_stats *stats)
{
    rules_ctx *rc = malloc(sizeof *rc);
    if (!rc)
        return NULL;
    memset(rc, 0, offsetof(rules_ctx, diff)); /* not the scratch (see the struct) */
    rc->a.buf = malloc(ARENA_SIZE);
    rc->pl = malloc(2 * sizeof *rc->pl);
    if (!rc->a.buf || !rc->pl) {
        free(rc->a.buf);
        free(rc->pl);
        free(rc);
        return NULL;
    }
    rc->a.cap = ARENA_SIZE;
    rc->opts = *opts;
    rc->conf = conf;
    rc->cb = cb;
    rc->user = user;
    rc->stats = stats;
    return rc;
}

void rules_free(rules_ctx *rc)
{
    if (!rc)
        return;
    free(rc->a.buf);
    free(rc->pl);
    free(rc);
}

/* The texts of the routine diagnoses (an SA is up) joined without
 * vsnprintf, which cost more than the rest of their conclusion: the same
 * bytes as arena_printf with a format of these parts and %s. */
static const char *arena_join(arena *a, const char *const *parts, size_t n_parts)
{
    if (a->used >= a->cap)
        return "";
    size_t room = a->cap - a->used;
    char *p = a->buf + a->used;
    size_t n = 0;
    for (size_t i = 0; i < n_parts; i++) {
        size_t len = strlen(parts[i]);
        if (n < room - 1)
            memcpy(p + n, parts[i], len < room - 1 - n ? len : room - 1 - n);
        n += len;
    }
    return arena_commit(a, p, n, room);
}

/* ---- helpers ------------------------------------------------------------------------ */

static const char *S(const nstr *s)
{
    return nstr_c(s);
}

static int streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* "DH group X unacceptable, requesting X" (this end the responder): the
 * proposal selected X and the peer's KE payload is X, yet charon could
 * not create it, so no loaded plugin implements X. */
static int ke_unimplemented(const negotiation *n)
{
    return n->ke_role == IDG_ROLE_RESPONDER && n->ke_offered.len &&
           streq(S(&n->ke_offered), S(&n->ke_requested));
}

static void add_off(rules_ctx *rc, const char *field, const char *local, const char *peer)
{
    if (rc->n_off >= MAX_OFF)
        return;
    for (size_t i = 0; i < rc->n_off; i++)
        if (streq(rc->off[i].field, field))
            return;
    idg_offending *o = &rc->off[rc->n_off++];
    o->field = arena_str(&rc->a, field);
    o->local = local && *local ? arena_str(&rc->a, local) : NULL;
    o->peer = peer && *peer ? arena_str(&rc->a, peer) : NULL;
}

static int find_off_rc(const rules_ctx *rc, const char *field)
{
    for (size_t i = 0; i < rc->n_off; i++)
        if (streq(rc->off[i].field, field))
            return 1;
    return 0;
}

static int looks_like_ip(const char *s)
{
    if (!s || !*s)
        return 0;
    int dots = 0, colons = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.')
            dots++;
        else if (*p == ':')
            colons++;
        else if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return 0;
    }
    return (dots == 3 && colons == 0) || colons >= 2;
}

/* One masked group of a redacted IPv4 address: 1-3 digits, or one mask
 * character repeated ("x", "XXX", "*", "A", "BB"). */
static int masked_group(const char *s, size_t n)
{
    int digits = 1, same = 1;

    if (n == 0 || n > 3)
        return 0;
    for (size_t i = 0; i < n; i++) {
        digits &= s[i] >= '0' && s[i] <= '9';
        same &= s[i] == s[0];
    }
    return digits || (same && (s[0] == 'x' || s[0] == '*' || (s[0] >= 'A' && s[0] <= 'Z')));
}

/*
 * An address redacted the way logs pasted into tickets are: "<REDACTED>",
 * "x.x.x.x", "A.A.A.A", "10.x.x.x", "***.***.***.***", or IPv6 with x or *
 * in it. It stands for an address, but which one is unknown, and two equal
 * tokens may stand for two addresses. Stricter than the traffic selectors'
 * test: an identity may be an FQDN ("fw-b.example.net"), which is no
 * address.
 */
static int is_redacted_addr(const char *s)
{
    size_t n = s ? strlen(s) : 0, groups = 0, masked = 0, colons = 0;

    if (n >= 3 && s[0] == '<' && s[n - 1] == '>')
        return 1;
    if (n == 0)
        return 0;
    if (strchr(s, ':')) { /* IPv6: hex digits, ':' and at least one mask character */
        for (const char *p = s; *p; p++) {
            if (*p == ':')
                colons++;
            else if (*p == 'x' || *p == 'X' || *p == '*')
                masked++;
            else if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
                return 0;
        }
        return colons >= 2 && masked > 0;
    }
    for (const char *g = s;; groups++) { /* IPv4: four groups, some masked */
        const char *dot = strchr(g, '.');
        size_t len = dot ? (size_t)(dot - g) : strlen(g);
        if (!masked_group(g, len))
            return 0;
        masked += !(g[0] >= '0' && g[0] <= '9');
        if (!dot)
            break;
        g = dot + 1;
    }
    return groups == 3 && masked > 0;
}

/* An identity that is an address, shown or redacted. */
static int address_shaped(const char *s)
{
    return looks_like_ip(s) || is_redacted_addr(s);
}

/* Whether a peer's identity `id` is an address other than the one it is
 * seen from (`seen`), which behind NAT means its address before NAT.
 * *hidden: one of them is redacted (ID_REDACTED: the identity,
 * ID_SEEN_REDACTED: only the address it is seen from), so the two cannot be
 * compared and the answer is only the likelier one. */
enum { ID_SHOWN, ID_REDACTED, ID_SEEN_REDACTED };
static int id_other_address(const char *id, const char *seen, int *hidden)
{
    *hidden = is_redacted_addr(id) ? ID_REDACTED : is_redacted_addr(seen) ? ID_SEEN_REDACTED : ID_SHOWN;
    return address_shaped(id) && (*hidden || !streq(id, seen));
}

/* What a NAT identifier mismatch's detail says the peer's identity is: its
 * address before NAT, unless it is a public address and the peer is seen
 * at a private one (this end dials it on the LAN, or at a forwarded port). */
static const char *nat_id_phrase(rules_ctx *rc, int hidden, const char *id, const char *seen)
{
    if (hidden == ID_SHOWN && ipv4_private_and_public(seen, id))
        return arena_printf(&rc->a, "its public address; this end reaches it at the private address "
                                    "%s, on the same LAN or through a forwarded port", seen);
    switch (hidden) {
    case ID_REDACTED:
        return "an address, redacted in this log: most likely its address before NAT";
    case ID_SEEN_REDACTED:
        return "most likely its address before NAT; its public address is redacted in this log";
    default:
        return "its address before NAT";
    }
}

static const char *version_name(int v)
{
    return v == 1 ? "IKEv1" : v == 2 ? "IKEv2" : "IKE";
}

static const char *mode_name(const negotiation *n)
{
    return n->mode == 2 ? "Aggressive Mode" : n->mode == 1 ? "Main Mode" : NULL;
}

static int addr_match_known(const rules_ctx *rc, const char *la, const char *ra, int version)
{
    const addr_match_memo *m = &rc->addr_match;
    return m->valid && m->generation == rc->conf->generation && m->version == version &&
           m->has_local == (la != NULL) && m->has_remote == (ra != NULL) &&
           (!la || strcmp(m->local, la) == 0) && (!ra || strcmp(m->remote, ra) == 0);
}

static void addr_match_keep(rules_ctx *rc, const char *la, const char *ra, int version,
                            const conf_conn *c, int exact)
{
    addr_match_memo *m = &rc->addr_match;
    size_t ll = la ? strlen(la) : 0, rl = ra ? strlen(ra) : 0;
    m->valid = ll < sizeof m->local && rl < sizeof m->remote;
    if (!m->valid)
        return;
    m->generation = rc->conf->generation;
    m->version = version;
    m->has_local = la != NULL;
    m->has_remote = ra != NULL;
    memcpy(m->local, la ? la : "", ll + 1);
    memcpy(m->remote, ra ? ra : "", rl + 1);
    m->conn = c;
    m->exact = exact;
}

static const conf_conn *conn_conf(rules_ctx *rc, const negotiation *n)
{
    const conf_conn *c = conf_find(rc->conf, S(&n->conn));
    if (c)
        return c;
    const char *la = S(&n->local_addr), *ra = S(&n->remote_addr);
    if (!la && !ra)
        return NULL;
    if (!addr_match_known(rc, la, ra, n->ike_version)) {
        int exact = 0;
        c = conf_match_addrs(rc->conf, la, ra, n->ike_version, &exact);
        addr_match_keep(rc, la, ra, n->ike_version, c, exact);
        return exact ? c : NULL;
    }
    return rc->addr_match.exact ? rc->addr_match.conn : NULL;
}

static const conf_child *child_conf(const conf_conn *c, const char *child)
{
    if (!c || c->n_children == 0)
        return NULL;
    for (size_t i = 0; i < c->n_children; i++)
        if (streq(S(&c->children[i].name), child))
            return &c->children[i];
    return c->n_children == 1 ? &c->children[0] : NULL;
}

static const char *conn_name(rules_ctx *rc, const negotiation *n)
{
    if (n->conn.len)
        return S(&n->conn);
    const conf_conn *c = conn_conf(rc, n);
    return c ? S(&c->name) : NULL;
}

static const char *child_name(rules_ctx *rc, const negotiation *n)
{
    if (n->child.len && (n->child_fresh || !n->child_ever_established))
        return S(&n->child);
    const conf_child *ch = child_conf(conn_conf(rc, n), NULL);
    return ch ? S(&ch->name) : NULL;
}

/* Distinct algorithms of one type over a proposal list, ", "-joined. */
static const char *list_values(rules_ctx *rc, const proposal_list *l, transform_type t)
{
    char buf[512];
    size_t len = 0;
    buf[0] = '\0';
    int none = 0;
    for (size_t i = 0; i < l->count; i++) {
        const proposal *p = &l->items[i];
        if (p->count[t] == 0)
            none = 1;
        for (size_t k = 0; k < p->count[t] && k < PROPOSAL_MAX_ALGS; k++) {
            const char *a = p->alg[t][k];
            /* skip duplicates */
            const char *hit = strstr(buf, a);
            size_t al = strlen(a);
            if (hit && (hit == buf || hit[-1] == ' ') && (hit[al] == ',' || hit[al] == '\0'))
                continue;
            int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "", a);
            if (w < 0 || (size_t)w >= sizeof buf - len)
                break;
            len += (size_t)w;
        }
    }
    if (len == 0)
        return none && l->count ? "NONE" : NULL;
    return arena_str(&rc->a, buf);
}

/* The additional key exchanges (6.x KE1_...) of l, or NULL when it has none. */
static const char *addke_values(rules_ctx *rc, const proposal_list *l)
{
    const char *v = list_values(rc, l, TT_ADDKE);
    return v && streq(v, "NONE") ? NULL : v;
}

static const char *field_name(int phase, transform_type t)
{
    switch (t) {
    case TT_ENCR:
        return phase == 1 ? "phase1.encryption" : "phase2.encryption";
    case TT_INTEG:
        return phase == 1 ? "phase1.integrity" : "phase2.integrity";
    case TT_PRF:
        return phase == 1 ? "phase1.prf" : "phase2.prf";
    case TT_KE:
        return phase == 1 ? "phase1.dh_group" : "phase2.pfs_group";
    case TT_ESN:
        return phase == 1 ? "phase1.esn" : "phase2.esn";
    default:
        return phase == 1 ? "phase1.additional_ke" : "phase2.additional_ke";
    }
}

static int is_aead(const char *v)
{
    return v && (strstr(v, "GCM") || strstr(v, "CCM") || strstr(v, "POLY1305"));
}

static idg_class class_for_types(int phase, unsigned mask, const proposal_diff *d)
{
    unsigned E = 1u << TT_ENCR, I = 1u << TT_INTEG, P = 1u << TT_PRF, K = 1u << TT_KE;
    unsigned A = 1u << TT_ADDKE;
    /* 6.x additional key exchanges (KE1_ML_KEM_768 ...) are key exchange
     * methods too: alone, or with the main one, a key exchange mismatch */
    if (mask && (mask & ~(K | A)) == 0)
        mask = K;
    if (phase == 1) {
        if (mask == E)
            return IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH;
        if (mask == I || mask == (I | P))
            return IDG_CLASS_PHASE1_HASH_MISMATCH;
        if (mask == P)
            return IDG_CLASS_PHASE1_PRF_MISMATCH;
        if (mask == K)
            return IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
        if (mask == (E | I) && d &&
            ((is_aead(d->local[TT_ENCR]) && streq(d->local[TT_INTEG], "NONE")) ||
             (is_aead(d->peer[TT_ENCR]) && streq(d->peer[TT_INTEG], "NONE"))))
            return IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH;
        return IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
    }
    if (mask == E)
        return IDG_CLASS_PHASE2_ENCRYPTION_MISMATCH;
    if (mask == I)
        return IDG_CLASS_PHASE2_HASH_MISMATCH;
    if (mask == K)
        return IDG_CLASS_PHASE2_PFS_MISMATCH;
    if (mask == (E | I) && d &&
        ((is_aead(d->local[TT_ENCR]) && streq(d->local[TT_INTEG], "NONE")) ||
         (is_aead(d->peer[TT_ENCR]) && streq(d->peer[TT_INTEG], "NONE"))))
        return IDG_CLASS_PHASE2_ENCRYPTION_MISMATCH;
    return IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
}

/* ---- emitting -------------------------------------------------------------------------- */

typedef struct verdict {
    idg_class cls;
    idg_severity sev;
    int sev_set;
    double confidence;
    idg_role role;
    const char *detail;
    int ev_phase;        /* 1, 2, or 0 = all evidence */
    uint32_t ev_last;    /* evidence read after this (neg_evidence.seq) is left out: a
                          * success ends at the line that says so; 0 = no end */
    uint32_t ev_first;   /* evidence read before this is left out (a closed tunnel's
                          * evidence is its delete lines); 0 = no start */
    int phase;
    int rekey;
    const char *child;   /* overrides the negotiation's child name */
    int cred_load;       /* a credential that did not load (p1_cred_warning): 1, 2 this end's key,
                          * 3 this end's key from the system's store (Android) */
    int cred_critical_ext; /* ... refused for a critical X.509 extension the parser lacks */
    const char *title;   /* overrides the catalogue's title (a milder case of the class) */
    const char *time;    /* overrides the negotiation's time (its first terminal line) */
    int no_route;        /* this end lost its route to the peer (p1_no_route_warning) */
    int l2tp_closed;     /* L2TP/IPsec closed by this end (p1_closed_l2tp_warning) */
    int own_cert_refused; /* the peer refused this end's certificate (its CA, most likely) */
    const char *mm_psk_candidates; /* a Main Mode responder's key guessed among these configs */
    int v1_frag_lost;    /* IKEv1 message 5 left as IP fragments (v1_fragments_lost) */
    int sa_desync;       /* dpd timeout: the peer answered, unreadably (1) or with message IDs
                          * out of step (2) (see dpd) */
    int local_down;      /* dpd timeout: this end's address went away (1), or its sends
                          * failed (2) (see dpd) */
    const char *setup_limit; /* dos protection: the limit's value as logged, or NULL (setup_dropped) */
    int radius_fault;    /* EAP / XAuth failure: this end's RADIUS server gave no usable answer */
    int inactivity;      /* tunnel closed: by this end's inactivity timeout */
    int own_phase;       /* the diagnosis is of `phase`, not of its class's usual phase (a
                          * tunnel_closed of a CHILD_SA alone) */
    int v2_undecryptable; /* IKEv2 IKE_AUTH: 1 the peer's answer was unprotected, 2 it did not decrypt */
    int mm_unencrypted;  /* IKEv1 Main Mode: the peer's ID/HASH came unencrypted */
    const char *alg_unimplemented; /* the algorithm this end's charon lacks (F1/F2_ALG_UNSUPPORTED) */
    int unique_keep;     /* refused by this end's uniqueness policy (F1_UNIQUE_REFUSED) */
    int eap_crypto_missing; /* EAP-MS-CHAPv2 lacks MD4/DES here */
    int v1_auth_unsupported; /* this end's IKEv1 connection authenticates in no IKEv1 way */
    int eap_method_unloadable; /* this EAP server has no plugin for its method */
    const char *sig_scheme; /* the peer's signature scheme this end's constraint refused */
    int half_open_stage; /* where a half-open IKE_SA stopped: 1 no IKE_AUTH came, 2 after this
                          * end's IKE_AUTH answer, 3 the peer kept resending IKE_SA_INIT */
    int unanswered_after; /* the peer answered the first messages, then not: 1 IKEv2 IKE_AUTH,
                           * 2 IKEv1 Main Mode message 5, 3 IKEv1 once on UDP 4500, 4 message 5
                           * sent on UDP 4500 */
} verdict;

/* Orders by priority (highest first), then as read. */
static bool ev_before_prio(const neg_evidence *x, const neg_evidence *y)
{
    if (x->prio != y->prio)
        return x->prio > y->prio;
    return (int32_t)(x->seq - y->seq) < 0;
}

/* Orders as read (time order: a newest-first paste is read from its end),
 * then by priority (highest first). */
static bool ev_before_read(const neg_evidence *x, const neg_evidence *y)
{
    if (x->seq != y->seq)
        return (int32_t)(x->seq - y->seq) < 0;
    return x->prio > y->prio;
}

/* At most MAX_EV pointers: an insertion sort beats qsort (which allocates
 * and merge-sorts in glibc), and on slots nearly in log order already it
 * is one pass. Stable: equal keys stay in input order, as qsort's merge
 * sort kept them. Inlined per order, so `before` is a direct call. */
static inline void ev_sort(const neg_evidence **a, size_t k,
                           bool (*before)(const neg_evidence *, const neg_evidence *))
{
    for (size_t i = 1; i < k; i++) {
        const neg_evidence *v = a[i];
        size_t j = i;
        while (j > 0 && before(v, a[j - 1])) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static size_t pick_evidence(rules_ctx *rc, const negotiation *n, int phase, uint32_t first,
                            uint32_t last)
{
    const neg_evidence *sel[MAX_EV];
    size_t k = 0;
    for (size_t i = 0; i < n->n_ev && k < MAX_EV; i++) {
        const neg_evidence *e = &n->ev[i];
        if (e->prio <= 0)
            continue;
        if (phase && e->phase && e->phase != phase)
            continue;
        if (last && (int32_t)(e->seq - last) > 0)
            continue; /* the established SA's traffic since */
        if (first && (int32_t)(e->seq - first) < 0)
            continue;
        sel[k++] = e;
    }
    size_t max = rc->opts.max_evidence ? rc->opts.max_evidence : 16;
    if (max > MAX_EV)
        max = MAX_EV;
    if (k > max) {
        /* keep the max most relevant */
        ev_sort(sel, k, ev_before_prio);
        k = max;
    }
    /* then in the order read */
    ev_sort(sel, k, ev_before_read);
    for (size_t i = 0; i < k; i++) {
        rc->ev[i].line = sel[i]->line;
        rc->ev[i].text = neg_ev_text(n, sel[i]);
    }
    return k;
}

/* "The peer %s" (or "The server %s", "The client %s") with the address
 * unknown reads "The peer the peer": the second "the peer " goes. */
static const char *without_doubled_peer(arena *a, const char *detail)
{
    static const char *const nouns[] = {"peer the peer ", "server the peer ", "client the peer "};
    static const size_t doubled = sizeof "the peer " - 1;
    if (!detail || !strstr(detail, " the peer "))
        return detail;
    char *t = NULL;
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++) {
        size_t noun = strlen(nouns[i]) - doubled;
        char *hit;
        while ((hit = strstr(t ? t : detail, nouns[i])) != NULL) {
            if (!t) { /* copy on the first hit */
                t = (char *)arena_str(a, detail);
                if (!t)
                    return detail;
                continue;
            }
            memmove(hit + noun, hit + noun + doubled, strlen(hit + noun + doubled) + 1);
        }
    }
    return t ? t : detail;
}

/* auth_cfg logs a connection's XAuth identity rule (remote-xauth
 * xauth_id, ipsec.conf xauth_identity) as an "EAP identity" one: after an
 * XAuth round that passed, such a constraint refused the user who logged
 * in, not a missing EAP round. */
static int xauth_user_refused(const negotiation *n)
{
    return n->constraint_eap && n->xauth_user.len;
}

/* The method this end's connection expects of the peer when the peer
 * authenticates with a pre-shared key and that connection does not: a
 * responder found no PSK for the peer ("no shared key found") before it
 * verified the peer, and the dump of the connection says its remote
 * authentication is another ("public key", "EAP", ...). NULL otherwise
 * (an initiator's missing key is its own method's). */
static const char *psk_not_expected(rules_ctx *rc, const negotiation *n)
{
    if (n->ike_role != IDG_ROLE_RESPONDER || n->peer_auth_method.len)
        return NULL;
    const conf_conn *cc = conn_conf(rc, n);
    const char *cls = cc ? S(&cc->remote_class) : NULL;
    return cls && !strstr(cls, "pre-shared") && strcmp(cls, "any") != 0 ? cls : NULL;
}

/* The connection the peer's identity matched requires an EAP identity
 * (an EAP round: remote auth = eap-...) and the peer authenticated some
 * other way (a peer that did EAP as another user is an identity mismatch) */
static int eap_round_missing(const negotiation *n)
{
    const char *how = n->peer_auth_method.len ? n->peer_auth_method.p : NULL;
    return n->constraint_eap && !(how && strstr(how, "EAP")) && !xauth_user_refused(n);
}

/* IKEv1 Main Mode message 5 larger than a packet (1400 bytes leave room
 * for the IP and UDP headers on a 1500-byte path) while the peer, whose
 * vendor IDs the log shows, announced no IKE fragmentation: it left as IP
 * fragments. */
static int v1_fragments_lost(const negotiation *n)
{
    return n->last_send_bytes >= 1400 && (n->v1_frag & 4) && !(n->v1_frag & 2);
}

/* This end (the client) sent its EAP identity and the server ended EAP
 * there: no EAP method was requested (it would be logged at the same
 * level as the identity), none refused. */
static int eap_identity_refused(const negotiation *n)
{
    return n->eap_identity.len && !n->eap_method.len && !n->eap_nak;
}

/* A verdict that is a warning, not a failure, with this confidence. */
static void as_warning(verdict *v, double confidence)
{
    v->sev = IDG_SEVERITY_WARNING;
    v->sev_set = 1;
    v->confidence = confidence;
}

static void emit(rules_ctx *rc, negotiation *n, const verdict *v)
{
    idg_diagnosis d;
    memset(&d, 0, sizeof d);
    const idg_class_info *ci = idg_class_get(v->cls);
    d.cls = v->cls;
    d.phase = ci && !v->own_phase ? ci->phase : v->phase;
    if (d.phase != 1 && d.phase != 2)
        d.phase = v->phase ? v->phase : 1;
    d.severity = v->sev_set ? v->sev : (ci ? ci->severity : IDG_SEVERITY_ERROR);
    d.title = v->title ? v->title : ci ? ci->title : NULL;
    d.detail = without_doubled_peer(&rc->a, v->detail);
    d.ike_version = n->ike_version;
    if (!d.ike_version) {
        const conf_conn *cc = conn_conf(rc, n);
        if (cc && cc->version > 0)
            d.ike_version = cc->version;
    }
    d.role = v->role;
    d.connection = conn_name(rc, n);
    d.ike_sa_id = n->synthetic ? -1 : n->id;
    d.child_name = d.phase == 2 ? (v->child ? v->child : child_name(rc, n)) : NULL;
    d.local_addr = S(&n->local_addr);
    d.remote_addr = S(&n->remote_addr);
    d.time = v->time ? v->time : S(&n->time);
    d.confidence = v->confidence;
    d.n_offending = rc->n_off;
    d.offending = rc->n_off ? rc->off : NULL;

    if (d.severity != IDG_SEVERITY_INFO) {
        rec_input in;
        memset(&in, 0, sizeof in);
        in.cls = v->cls;
        in.ike_version = n->ike_version;
        in.conn = d.connection;
        in.child = d.child_name; /* unknown: "<child>", not a guess from the connection name */
        in.local_addr = d.local_addr;
        in.remote_addr = d.remote_addr;
        in.n_off = rc->n_off;
        in.off = rc->off;
        in.local_prop = rc->rec_local;
        in.peer_prop = rc->rec_peer;
        in.nat = n->nat_local || n->nat_remote;
        in.psk = n->my_auth.len ? (strstr(n->my_auth.p, "pre-shared") ? 1 : 2) : 0;
        in.rekey = v->rekey;
        in.policy_conflict = n->policy_conflict;
        in.psk_missing = (n->facts & FACT(F1_NO_SHARED_KEY)) != 0;
        in.secrets_unreadable = in.psk_missing && n->secrets_unreadable &&
                                rc->conf->secrets_unreadable.text[0]; /* (as the detail says) */
        in.secrets_syntax = in.secrets_unreadable && rc->conf->secrets_syntax;
        /* the port this end sends to, when it initiates (a responder sees
         * the client's NAT mapping, not a setting) */
        in.remote_port = v->role == IDG_ROLE_INITIATOR && n->remote_port != 500 && n->remote_port != 4500
                             ? n->remote_port : 0;
        in.unresolved_host = (n->facts & FACT(F1_UNRESOLVED)) ? S(&n->unresolved_host) : NULL;
        if (v->cls == IDG_CLASS_PHASE1_DOS_PROTECTION) {
            in.setup_limit = n->setup_drop_kind;
            in.setup_limit_value = v->setup_limit;
        }
        in.half_open = (n->facts & FACT(F1_HALF_OPEN)) != 0 ? (n->half_open_waited_ms ? 2 : 1) : 0;
        in.xauth = (n->facts & FACT(F1_XAUTH_FAILED)) ? 1 + n->xauth_no_secret : 0;
        in.cert_id_mismatch = v->cls == IDG_CLASS_PHASE1_CERTIFICATE_FAILURE &&
                              find_off_rc(rc, "phase1.peer_identifier")
                                  ? (v->role == IDG_ROLE_RESPONDER ? 2 : 1) : 0;
        in.eap_no_msk = v->cls == IDG_CLASS_PHASE1_EAP_FAILURE && n->eap_no_msk && !n->eap_nak;
        in.knl_error = v->cls == IDG_CLASS_PHASE2_INSTALL_FAILURE ? S(&n->knl_error) : NULL;
        in.addke_unimplemented_peer = v->cls == IDG_CLASS_PHASE1_DH_GROUP_MISMATCH &&
                                      (n->facts & FACT(F1_NOTIFY_ADDKE)) != 0;
        in.version_unsupported = v->cls == IDG_CLASS_PHASE1_VERSION_MISMATCH &&
                                 (n->facts & FACT(F1_VERSION_UNSUPPORTED)) && n->ike_version == 1
                                     ? (n->version_not_built ? 2 : 1) : 0;
        in.alg_unimplemented = v->alg_unimplemented ? v->alg_unimplemented
                               : v->cls == IDG_CLASS_PHASE1_DH_GROUP_MISMATCH && !v->sev_set &&
                                         ke_unimplemented(n) ? S(&n->ke_offered) : NULL;
        in.unique_keep = v->unique_keep;
        in.pre_swanctl = rc->conf->daemon_release && rc->conf->daemon_release < 502
                             ? rc->conf->daemon_version : NULL;
        in.ipsec_conf = rc->conf->uses_stroke || in.pre_swanctl;
        in.network_manager = rc->conf->uses_nm;
        in.opnsense = rc->conf->uses_opnsense;
        in.rejected_here = (n->facts & (v->phase == 2 ? FACT(F2_PROPOSAL_REJECT)
                                                      : FACT(F1_PROPOSAL_REJECT) | FACT(F1_SENT_NO_PROP))) != 0;
        in.eap_crypto_missing = v->eap_crypto_missing;
        in.v1_auth_unsupported = v->v1_auth_unsupported;
        in.eap_method_unloadable = v->eap_method_unloadable;
        in.sig_scheme = v->sig_scheme;
        in.p2_mode_peer = find_off_rc(rc, "phase2.mode") ? S(&n->p2_mode_peer) : NULL;
        in.transport_refused = in.p2_mode_peer && n->transport_refused;
        in.mode_refused_here = find_off_rc(rc, "phase2.mode") && n->mode_refused_here;
        in.eap_round_missing = v->cls == IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE &&
                               (n->facts & FACT(F1_CONSTRAINT_ID)) && eap_round_missing(n);
        in.xauth_user = v->cls == IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE &&
                                (n->facts & FACT(F1_CONSTRAINT_ID)) && xauth_user_refused(n)
                            ? S(&n->xauth_user) : NULL;
        in.xauth_required = in.xauth_user ? S(&n->constraint_required) : NULL;
        in.kernel_alg = v->cls == IDG_CLASS_PHASE2_INSTALL_FAILURE &&
                                n->install_cause == INSTALL_ALG_UNSUPPORTED
                            ? S(&n->knl_alg_unsupported) : NULL;
        in.install_cause = v->cls == IDG_CLASS_PHASE2_INSTALL_FAILURE ? n->install_cause : INSTALL_UNKNOWN;
        in.p2_ah = v->cls == IDG_CLASS_PHASE2_INSTALL_FAILURE && n->p2_ah;
        in.route_failed = v->cls == IDG_CLASS_PHASE2_INSTALL_FAILURE && v->sev_set &&
                          v->sev == IDG_SEVERITY_WARNING && n->route_error.len;
        in.remote_access = n->peer_wants_vip;
        in.rekey_collision = v->cls == IDG_CLASS_PHASE2_REKEY_FAILURE && n->rekey_collision;
        in.peer_id_type = S(&n->peer_id_type);
        in.cert_cause = v->cls == IDG_CLASS_PHASE1_CERTIFICATE_FAILURE ? n->cert_cause : CERT_UNTRUSTED;
        in.own_cert_refused = v->own_cert_refused;
        in.mm_psk_candidates = v->mm_psk_candidates;
        in.cred_load = v->cred_load;
        in.cred_critical_ext = v->cred_critical_ext;
        in.trap_missing = v->cls == IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED && n->trap_missing;
        in.bad_proposal = v->cls == IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED && n->conn_load_stroke
                              ? S(&n->conn_load_error) : NULL;
        in.proposal_why = in.bad_proposal ? S(&n->conn_load_why) : NULL;
        in.own_key = v->cls == IDG_CLASS_PHASE1_CERTIFICATE_FAILURE && !(n->facts & FACT(F1_CERT)) &&
                     (n->facts & FACT(F1_NO_PRIVATE_KEY));
        in.own_sign_failed = in.own_key && !rc->conf->key_failed[0] && n->own_sign_failed;
        in.eap_method = v->cls == IDG_CLASS_PHASE1_EAP_FAILURE && (n->eap_nak || v->eap_method_unloadable)
                            ? S(&n->eap_method) : NULL;
        in.eap_nak = v->cls == IDG_CLASS_PHASE1_EAP_FAILURE ? n->eap_nak : 0;
        in.pid_file = v->cls == IDG_CLASS_CHARON_CRASHED ? S(&n->pid_file) : NULL;
        in.daemon_init_failed = v->cls == IDG_CLASS_CHARON_CRASHED &&
                                (n->daemon_init_failed || n->netlink_error.len) && !n->crash_signal.len;
        in.kernel_no_xfrm = in.daemon_init_failed && n->netlink_error.len;
        in.plugin_failed = in.daemon_init_failed && !in.kernel_no_xfrm ? S(&n->plugin_failed) : NULL;
        in.daemon_program = v->cls == IDG_CLASS_CHARON_CRASHED ? S(&n->daemon_program) : NULL;
        in.send_error = v->cls == IDG_CLASS_PHASE1_PEER_UNREACHABLE ? S(&n->send_error) : NULL;
        in.send_no_socket = in.send_error && n->send_no_socket;
        in.vip_cause = n->vip_cause;
        in.vip_pool = S(&n->vip_pool);
        in.closer_unknown = v->cls == IDG_CLASS_TUNNEL_CLOSED_EARLY && n->closed_early == 3;
        in.eap_user = v->cls == IDG_CLASS_PHASE1_EAP_FAILURE && !n->eap_nak ? S(&n->eap_user) : NULL;
        in.eap_no_key = in.eap_user && n->eap_no_key;
        in.eap_id_refused = v->cls == IDG_CLASS_PHASE1_EAP_FAILURE && eap_identity_refused(n)
                                ? S(&n->eap_identity) : NULL;
        in.no_route = v->no_route;
        in.l2tp_closed = v->l2tp_closed;
        in.v1_frag_lost = v->v1_frag_lost;
        in.sa_desync = v->sa_desync;
        in.local_down = v->local_down;
        in.radius_fault = v->radius_fault;
        in.radius_rejected = v->cls == IDG_CLASS_PHASE1_EAP_FAILURE && !v->radius_fault &&
                             n->radius_rejected;
        in.radius_server = v->radius_fault || in.radius_rejected ? S(&n->radius_server) : NULL;
        in.v2_undecryptable = v->v2_undecryptable;
        in.mm_unencrypted = v->mm_unencrypted;
        in.any_psks = rc->conf->any_psks;
        in.half_open_stage = n->half_open_waited_ms ? 1 : v->half_open_stage;
        in.unanswered_after = v->cls == IDG_CLASS_PHASE1_PEER_UNREACHABLE ? v->unanswered_after : 0;
        in.id_constraint = v->cls == IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH && n->constraint_required.len;
        recommend(&rc->a, &in, &d);
    } else if (v->cls == IDG_CLASS_TUNNEL_CLOSED && v->inactivity) {
        d.summary = arena_printf(&rc->a,
            "No change needed if an idle tunnel may close; to keep it up without traffic, raise or "
            "remove this end's inactivity timeout (strongSwan: connections.%s.children.%s.inactivity; "
            "ipsec.conf: inactivity=).", n->conn.len ? n->conn.p : "<conn>",
            n->child.len ? n->child.p : "<child>");
    } else if (v->cls == IDG_CLASS_TUNNEL_CLOSED) {
        d.summary = "No change needed if it was meant to close; to keep it up, find out why it "
                    "was closed (see the detail).";
    } else {
        d.summary = d.phase == 1 ? "No change needed: phase 1 is up."
                                 : "No change needed: the phase 2 SA is up.";
    }

    d.n_evidence = pick_evidence(rc, n, v->ev_phase, v->ev_first, v->ev_last);
    d.evidence = d.n_evidence ? rc->ev : NULL;
    d.n_msgids = n->n_msgids;
    d.msgids = n->n_msgids ? n->msgids : NULL;
    if (rc->cb)
        rc->cb(rc->user, &d);
    if (rc->stats)
        rc->stats->diagnoses++;
}

static void begin(rules_ctx *rc, verdict *v)
{
    rc->a.used = 0;
    rc->n_off = 0;
    rc->rec_local = rc->rec_peer = NULL;
    rc->lists_agree = 0;
    memset(v, 0, sizeof *v);
    v->cls = IDG_CLASS__COUNT;
}

/* ---- proposals ------------------------------------------------------------------------------ */

/* Fills v and the offending list from the received/configured lists of a
 * phase. Returns 0 if a conclusion was made. ignore_ke: 1, the KE type is
 * not negotiated (IKEv2's IKE_AUTH); 2, the exchange is unknown (see
 * below); 0, it counts. */
static int proposal_verdict(rules_ctx *rc, negotiation *n, int phase, int ignore_ke, verdict *v)
{
    const char *recv = phase == 1 ? S(&n->p1_received) : S(&n->p2_received);
    const char *conf = phase == 1 ? S(&n->p1_configured) : S(&n->p2_configured);
    const char *hint = phase == 1 ? S(&n->p1_no_acceptable) : S(&n->p2_no_acceptable);
    int from_dump = 0;
    if (!conf) {
        const conf_conn *cc = conn_conf(rc, n);
        if (phase == 1 && cc)
            conf = S(&cc->proposals);
        else if (phase == 2) {
            const conf_child *ch = child_conf(cc, S(&n->child));
            if (ch)
                conf = S(&ch->proposals);
        }
        from_dump = conf != NULL;
    }
    size_t nr = recv ? proposal_list_parse(recv, strlen(recv), &rc->pl[0]) : 0;
    size_t nc = conf ? proposal_list_parse(conf, strlen(conf), &rc->pl[1]) : 0;
    if (nr && nc && proposal_diff_compute(&rc->pl[0], &rc->pl[1], &rc->diff) == 0) {
        proposal_diff *d = &rc->diff;
        unsigned mask = 0;
        if (phase == 2 && d->protocol_mismatch && d->local_protocol[0] && d->peer_protocol[0]) {
            /* AH against ESP: no algorithm is the difference (AH has no
             * encryption at all) */
            add_off(rc, "phase2.protocol", d->local_protocol, d->peer_protocol);
            v->cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
            v->confidence = from_dump ? 0.85 : 0.95;
            rc->rec_local = &rc->pl[1].items[0];
            rc->rec_peer = &rc->pl[0].items[0];
            return 0;
        }
        for (int t = 0; t < TT__COUNT; t++) {
            if (t == TT_KE && ignore_ke == 1)
                continue;
            if (d->mismatch[t])
                mask |= 1u << t;
        }
        /* 2: the exchange is not in the log; a peer proposing no KE at all
         * may be in IKE_AUTH, where the KE is not negotiated: with another
         * type differing, that one is the failure */
        if (ignore_ke == 2 && (mask & (1u << TT_KE)) && (mask & ~(1u << TT_KE)) &&
            strcmp(d->peer[TT_KE], "NONE") == 0)
            mask &= ~(1u << TT_KE);
        if (!mask) {
            /* every type overlaps somewhere: the combination differs */
            for (int t = 0; t < TT__COUNT; t++) {
                if (t == TT_KE && ignore_ke == 1)
                    continue;
                if (strcmp(d->local[t], d->peer[t]) != 0)
                    add_off(rc, field_name(phase, (transform_type)t), d->local[t], d->peer[t]);
            }
            v->cls = phase == 1 ? IDG_CLASS_PHASE1_PROPOSAL_MISMATCH : IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
            v->confidence = 0.8;
            if (d->any_pair_matches) {
                rc->lists_agree = 1;
                v->confidence = 0.5;
            }
        } else {
            for (int t = 0; t < TT__COUNT; t++)
                if (mask & (1u << t))
                    add_off(rc, field_name(phase, (transform_type)t), d->local[t], d->peer[t]);
            v->cls = class_for_types(phase, mask, d);
            v->confidence = from_dump ? 0.85 : 0.95;
        }
        rc->rec_local = &rc->pl[1].items[0];
        rc->rec_peer = &rc->pl[0].items[0];
        return 0;
    }
    transform_type t = hint ? transform_type_named(hint, strlen(hint)) : TT__COUNT;
    if (t != TT__COUNT && !(t == TT_KE && ignore_ke)) {
        v->cls = class_for_types(phase, 1u << t, NULL);
        add_off(rc, field_name(phase, t), NULL, NULL);
        v->confidence = 0.7;
        return 0;
    }
    v->cls = phase == 1 ? IDG_CLASS_PHASE1_PROPOSAL_MISMATCH : IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
    v->confidence = 0.6;
    return 0;
}

/* Whether a list of encryption names (proposal_diff's "AES_GCM_16_256,
 * AES_CBC_128") holds an AEAD cipher, which carries its own integrity. */
static int has_aead(const char *encr)
{
    return strstr(encr, "_GCM_") || strstr(encr, "_CCM_") || strstr(encr, "POLY1305") ||
           strstr(encr, "GMAC");
}

/* The encryption and integrity algorithms of the selected phase 2
 * proposal ("AES_GCM_16_128", "SM4_CBC_128, HMAC_SM3"), or NULL. */
static const char *selected_p2_algorithms(rules_ctx *rc, const negotiation *n)
{
    const char *sel = S(&n->p2_selected);
    if (!sel || !proposal_list_parse(sel, strlen(sel), &rc->pl[1]))
        return NULL;
    const proposal *p = &rc->pl[1].items[0];
    char buf[256];
    size_t len = 0;
    buf[0] = '\0';
    for (int t = TT_ENCR; t <= TT_INTEG; t++)
        for (size_t k = 0; k < p->count[t]; k++) {
            int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "", p->alg[t][k]);
            if (w < 0 || (size_t)w >= sizeof buf - len)
                break;
            len += (size_t)w;
        }
    return len ? arena_str(&rc->a, buf) : NULL;
}

/* What the errno of a failed SAD entry says (format: the SA's algorithms
 * as " (list)" or ""). */
static const struct {
    int errnum;
    const char *cause;
} KERNEL_ERRNO_CAUSES[] = {
    {KNL_ENOENT,
     "The kernel (ENOENT from its crypto API) knows the SA's algorithms%s but could not set "
     "them up: the module of one of them is not installed or not loaded. Install or load "
     "it (on OpenWrt e.g. kmod-crypto-gcm for AES-GCM; on Linux the algorithm's crypto "
     "module), or choose algorithms the kernel has."},
    {KNL_ENOSYS,
     "The kernel's IPsec (ENOSYS) does not implement one of the SA's algorithms%s: choose "
     "others the kernel has (AES-CBC with HMAC-SHA-256 is in nearly every one), a kernel or "
     "driver that provides it, or charon's kernel-libipsec plugin."},
    {KNL_EPROTONOSUPPORT,
     "The kernel has no ESP support (EPROTONOSUPPORT)%.0s: on Linux load the esp4/esp6 and "
     "xfrm modules (virtual servers and containers often have none; there, charon's "
     "kernel-libipsec plugin does ESP in user space)."},
};

/* Why the kernel refused an SA, from the errno of its netlink answer
 * (charon logs its text), when no more specific cause was seen. Linux's
 * XFRM answers ENOENT when the crypto API cannot instantiate an algorithm
 * it knows (the module is missing), ENOSYS for an algorithm it does not
 * know at all, EPROTONOSUPPORT when ESP itself is missing. */
static const char *kernel_errno_cause(rules_ctx *rc, const negotiation *n)
{
    const char *algs = selected_p2_algorithms(rc, n);
    if (!algs)
        algs = S(&n->install_algs);
    const char *what = S(&n->install_detail);
    /* the errno of a policy or route is another story */
    int errnum = (what && strstr(what, "SAD")) || n->install_netlink_only ? n->knl_errno : 0;
    const char *with = algs ? arena_printf(&rc->a, " (%s)", algs) : "";
    for (size_t i = 0; errnum && i < sizeof KERNEL_ERRNO_CAUSES / sizeof KERNEL_ERRNO_CAUSES[0]; i++)
        if (KERNEL_ERRNO_CAUSES[i].errnum == errnum)
            return arena_printf(&rc->a, KERNEL_ERRNO_CAUSES[i].cause, with);
    return algs ? arena_printf(&rc->a,
                      "Check that the kernel supports the negotiated algorithms (%s) and IPsec "
                      "(e.g. the ESP/XFRM modules on Linux) and that no conflicting policy exists.",
                      algs)
                : "Check that the kernel supports the negotiated ESP algorithms and IPsec (e.g. the "
                  "ESP/XFRM modules on Linux) and that no conflicting policy exists.";
}

/* Said after a refusal of proposals that, as logged, agree: some received
 * proposal has a value of this end for every transform type. */
static const char *lists_agree_text(const rules_ctx *rc)
{
    return rc->lists_agree
        ? " As logged, one of the peer's proposals has a value this end accepts for every "
          "transform type, yet charon refused it: the difference is not in these lists. Check "
          "that neither list was cut in the log, that both ends run strongSwan releases that "
          "parse these algorithms alike (additional key exchanges, KE1..KE7, changed across the "
          "6.0 pre-releases), and compare the full proposals of both ends."
        : "";
}

/* Said when the peer's additional key exchange is one this end's charon
 * prints by number ("UNKNOWN_6_36": transform type 6, id 36): a release
 * before 6.0, which has no additional key exchanges at all. */
static const char *unknown_addke_text(rules_ctx *rc)
{
    for (size_t i = 0; i < rc->n_off; i++) {
        const idg_offending *o = &rc->off[i];
        long id, slot;
        if (!strstr(o->field, ".additional_ke") || !o->peer ||
            !(slot = proposal_unknown_addke_slot(o->peer, &id)))
            continue;
        long type = slot + 5;
        const alg_info *ke = alg_info_for_dh_group_number((int)id);
        return arena_printf(&rc->a,
            " The peer proposes an additional key exchange (RFC 9370: transform type %ld, ADDKE%ld, "
            "%s%s) that this end's strongSwan does not know: it prints it as %s. strongSwan before "
            "6.0 has no additional key exchanges (post-quantum hybrids such as ML-KEM); the peer "
            "must also offer a proposal without it, or this end needs strongSwan 6.",
            type, slot, ke ? "" : "id ", ke ? ke->logged : arena_printf(&rc->a, "%ld", id), o->peer);
    }
    return "";
}

/* What follows a refusal of proposals: the peer's additional key exchange
 * this release cannot know, else the lists that agree as logged. */
static const char *refusal_note(rules_ctx *rc)
{
    const char *t = unknown_addke_text(rc);
    return *t ? t : lists_agree_text(rc);
}

static const char *offending_text(rules_ctx *rc)
{
    char buf[1024];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < rc->n_off; i++) {
        const idg_offending *o = &rc->off[i];
        const char *f = strchr(o->field, '.');
        f = f ? f + 1 : o->field;
        /* an AEAD cipher (AES_GCM, CHACHA20_POLY1305) has no separate
         * integrity: charon's "NONE" there is no missing setting when that
         * side's proposals have one (without one, the integrity is missing) */
        int integ = strcmp(f, "integrity") == 0;
        const char *ol = integ && streq(o->local, "NONE") && has_aead(rc->diff.local[TT_ENCR])
                             ? "none (an AEAD cipher)" : o->local;
        const char *op = integ && streq(o->peer, "NONE") && has_aead(rc->diff.peer[TT_ENCR])
                             ? "none (an AEAD cipher)" : o->peer;
        int w;
        if (o->local && o->peer)
            w = snprintf(buf + len, sizeof buf - len, "%s%s: this end %s, peer %s",
                         len ? "; " : "", f, ol, op);
        else if (o->local)
            w = snprintf(buf + len, sizeof buf - len, "%s%s: this end %s", len ? "; " : "", f, ol);
        else if (o->peer)
            w = snprintf(buf + len, sizeof buf - len, "%s%s: peer %s", len ? "; " : "", f, op);
        else
            w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? "; " : "", f);
        if (w < 0 || (size_t)w >= sizeof buf - len)
            break;
        len += (size_t)w;
    }
    return arena_str(&rc->a, buf);
}

/* Local values (peer unknown) from this end's own proposal list. */
static void own_proposal_offending(rules_ctx *rc, negotiation *n, int phase)
{
    const char *own = phase == 1 ? S(&n->p1_proposed) : S(&n->p2_proposed);
    if (!own)
        own = phase == 1 ? S(&n->p1_configured) : S(&n->p2_configured);
    if (!own) {
        const conf_conn *cc = conn_conf(rc, n);
        if (phase == 1 && cc)
            own = S(&cc->proposals);
        else if (phase == 2) {
            const conf_child *ch = child_conf(cc, S(&n->child));
            if (ch)
                own = S(&ch->proposals);
        }
    }
    if (!own || !proposal_list_parse(own, strlen(own), &rc->pl[1]))
        return;
    static const transform_type p1[] = {TT_ENCR, TT_INTEG, TT_PRF, TT_KE, TT_ADDKE};
    static const transform_type p2[] = {TT_ENCR, TT_INTEG, TT_KE, TT_ADDKE};
    const transform_type *ts = phase == 1 ? p1 : p2;
    size_t nt = phase == 1 ? 5 : 4;
    for (size_t i = 0; i < nt; i++) {
        const char *vals = list_values(rc, &rc->pl[1], ts[i]);
        /* (no integrity with AEAD, and no additional key exchange, the
         * usual, say nothing) */
        if (!vals || (streq(vals, "NONE") && (ts[i] == TT_INTEG || ts[i] == TT_ADDKE)))
            continue;
        if (streq(vals, "NONE") && phase == 1)
            continue;
        add_off(rc, field_name(phase, ts[i]), vals, NULL);
    }
    rc->rec_local = &rc->pl[1].items[0];
}

/* ---- phase 1 ------------------------------------------------------------------------------------ */

/* A sentence for an IKE_AUTH lost on the way, when the IKE_SA_INIT answer
 * shows that IKE fragmentation was not negotiated. */
static const char *frag_not_negotiated(const negotiation *n)
{
    return n->frag_sup == 2
        ? " IKE fragmentation was not negotiated (the IKE_SA_INIT answer has no N(FRAG_SUP): one end "
          "has it off, or the client does not offer it), so a large IKE_AUTH travels as IP "
          "fragments, which NAT routers and firewalls often drop."
        : "";
}

/* This end's role; when the log does not show how the SA started, the
 * kind of evidence tells: the responder rejects and logs why, the
 * initiator receives the notify. */
static idg_role p1_role(const negotiation *n)
{
    if (n->ike_role != IDG_ROLE_UNKNOWN)
        return n->ike_role;
    uint64_t f = n->facts;
    if (f & (FACT(F1_PROPOSAL_REJECT) | FACT(F1_NO_IKE_CFG) | FACT(F1_AGGR_PSK_DISABLED) |
             FACT(F1_NO_AUTH_MODE) | FACT(F1_NO_PEER_CFG) | FACT(F1_SENT_NO_PROP) |
             FACT(F1_SENT_AUTH_FAILED) | FACT(F1_HALF_OPEN)))
        return IDG_ROLE_RESPONDER;
    if (f & (FACT(F1_NOTIFY_NO_PROP) | FACT(F1_NOTIFY_AUTH_FAILED) | FACT(F1_NOTIFY_PSK) |
             FACT(F1_NOTIFY_VERSION) | FACT(F1_NOTIFY_CERT) | FACT(F1_IDIR_MISMATCH) | FACT(F1_NOTIFY_ADDKE) |
             FACT(F1_GIVING_UP) | FACT(F1_NOT_RESPONDING) | FACT(F1_RETRANSMITTING)))
        return IDG_ROLE_INITIATOR;
    return IDG_ROLE_UNKNOWN;
}

static idg_role p2_role(const negotiation *n)
{
    if (n->p2_exch != EX_NONE)
        return n->p2_we_initiated ? IDG_ROLE_INITIATOR : IDG_ROLE_RESPONDER;
    uint64_t f = n->facts;
    if (f & (FACT(F2_NO_CHILD_CFG) | FACT(F2_TS_UNACCEPTABLE) | FACT(F2_PROPOSAL_REJECT)))
        return IDG_ROLE_RESPONDER;
    if (f & (FACT(F2_NOTIFY_NO_PROP) | FACT(F2_NOTIFY_TS) | FACT(F2_NOTIFY_OTHER) |
             FACT(F2_NO_ACCEPTABLE_TS) | FACT(F2_NOTIFY_VIP) | FACT(F2_PEER_DELETED)))
        return IDG_ROLE_INITIATOR;
    if (f & FACT(F2_VIP_FAILED))
        return n->vip_cause == VIP_INSTALL ? IDG_ROLE_INITIATOR : IDG_ROLE_RESPONDER;
    return n->ike_role;
}

/* Whether a certificate's subject DN ("C=CH, O=strongSwan, CN=moon") names
 * the identity: the whole DN, or the value of one of its parts (the CN
 * "moon"). A part that only contains it ("glitch.example.com" for
 * "glitch") does not: strongSwan matches identities whole. */
static int dn_names(const char *dn, const char *id)
{
    size_t idn = strlen(id);
    if (strcmp(dn, id) == 0)
        return 1;
    for (const char *p = dn; *p;) {
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq) {
            const char *v = eq + 1;
            if ((size_t)(end - v) == idn && memcmp(v, id, idn) == 0)
                return 1;
        }
        p = *end ? end + 1 : end;
        while (*p == ' ')
            p++;
    }
    return 0;
}

/* " 'name'" for a name the log gave, "" for none: a name quoted in a
 * sentence ("the connection%s") only where it is known. */
static const char *quoted_name(rules_ctx *rc, const char *name)
{
    return name ? arena_printf(&rc->a, " '%s'", name) : "";
}

static const char *peer_desc(const negotiation *n)
{
    return n->remote_addr.len ? n->remote_addr.p : "the peer";
}

static int p1_identifier(rules_ctx *rc, negotiation *n, verdict *v)
{
    uint64_t f = n->facts;
    const conf_conn *cc = conn_conf(rc, n);
    const char *conf_remote = cc ? S(&cc->remote_id) : NULL;
    const char *conf_local = cc ? S(&cc->local_id) : NULL;
    const char *peer_addr = n->lookup_remote_host.len ? S(&n->lookup_remote_host) : S(&n->remote_addr);
    int nat = n->nat_remote || n->nat_local;
    v->role = p1_role(n);
    v->ev_phase = 1;

    if ((f & FACT(F1_CONSTRAINT_ID)) && xauth_user_refused(n)) {
        const char *req = S(&n->constraint_required), *user = S(&n->xauth_user), *conn = S(&n->conn);
        v->cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v->title = "Phase 1 XAuth user not accepted by the connection";
        v->confidence = 0.9;
        add_off(rc, "phase1.xauth_identity", req, user);
        v->detail = arena_printf(&rc->a,
            "The peer logged in with XAuth as '%s' and its password is right (the XAuth round "
            "succeeded), but this end's connection%s accepts only the XAuth user '%s' (charon "
            "logs that rule as an EAP identity constraint), and no other connection fits.",
            user, quoted_name(rc, conn), req ? req : "?");
        return 0;
    }
    if ((f & FACT(F1_CONSTRAINT_ID)) && eap_round_missing(n)) {
        /* auth_cfg's EAP identity rule: the connection selected asks for
         * an EAP round (remote auth = eap-...), which the peer did not do,
         * or not as that identity */
        const char *req = S(&n->constraint_required), *how = S(&n->peer_auth_method);
        const char *id = S(&n->remote_id), *conn = S(&n->conn);
        int any = !req || streq(req, "%any");
        v->cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v->title = "Phase 1 connection requires EAP, which the peer did not do";
        v->confidence = 0.85;
        add_off(rc, "phase1.authentication_method",
                any ? "EAP" : arena_printf(&rc->a, "EAP as '%s'", req), how);
        v->detail = arena_printf(&rc->a,
            "The peer%s was matched to this end's connection%s, which requires an EAP round "
            "(EAP identity '%s' required: its remote authentication is EAP)%s, so charon refused it "
            "(constraint check failed, no other connection fits). Most often the peer was meant "
            "for another connection of this end, one that its identity does not match (a "
            "catch-all connection for %%any took it): compare the identity it sends with the "
            "Peer identifier of the connection meant for it; otherwise it must authenticate with "
            "EAP as this connection expects.",
            quoted_name(rc, id), quoted_name(rc, conn), req ? req : "%any",
            how ? arena_printf(&rc->a, ", but the peer authenticated with %s%s", how,
                               any ? " and did no EAP" : "")
                : "");
        return 0;
    }
    if (f & FACT(F1_CONSTRAINT_ID)) {
        const char *req = S(&n->constraint_required);
        const char *got = n->constraint_got.len ? S(&n->constraint_got) : S(&n->remote_id);
        v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
        add_off(rc, "phase1.peer_identifier", req, got);
        v->confidence = 0.85;
        v->detail = n->cert_id_unconfirmed
            ? arena_printf(&rc->a,
                "The peer's certificate does not confirm the identity '%s' this end expects of it (it "
                "is neither the certificate's subject nor one of its subjectAltNames): the certificate "
                "was issued for another name or address, or this end expects the wrong peer identity.",
                req ? req : "?")
            : got ? arena_printf(&rc->a,
                "The peer authenticated as '%s', but this end requires the peer identity '%s' "
                "(identity constraint check failed).", got, req ? req : "?")
                  : arena_printf(&rc->a,
                "The peer did not authenticate as the identity '%s' this end requires of it "
                "(identity constraint check failed; the identity it used is not in this log). With "
                "certificates: the peer's certificate does not carry that name (as subject or "
                "subjectAltName), so either issue it one that does or expect a name it carries.",
                req ? req : "?");
        return 0;
    }
    if (f & (FACT(F1_IDIR_MISMATCH) | FACT(F1_IDR_REQUIRE))) {
        const char *recv = S(&n->idir_received), *want = S(&n->idir_configured);
        int mine = (f & FACT(F1_IDR_REQUIRE)) && n->ike_role == IDG_ROLE_RESPONDER;
        int hidden;
        if (id_other_address(recv, peer_addr, &hidden) && !mine && nat) {
            v->cls = IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH;
            v->detail = arena_printf(&rc->a,
                "The peer is behind NAT and identifies itself as '%s' (%s), while this end "
                "expects the peer identifier '%s'; the peer's address as seen here is %s.",
                recv ? recv : "?",
                nat_id_phrase(rc, hidden, recv, peer_addr),
                want ? want : "?", peer_addr ? peer_addr : "?");
        } else {
            v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
            v->detail = mine
                ? arena_printf(&rc->a, "The initiator asked for this end's identity '%s', but this end "
                               "is configured as '%s'.", recv ? recv : "?", want ? want : "?")
                : arena_printf(&rc->a, "The peer identified itself as '%s', but this end expects the "
                               "peer identifier '%s'.", recv ? recv : "?", want ? want : "?");
        }
        add_off(rc, mine ? "phase1.my_identifier" : "phase1.peer_identifier", want, recv);
        v->confidence = hidden && v->cls == IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH ? 0.6 : 0.9;
        return 0;
    }
    if (f & FACT(F1_NO_PEER_CFG)) {
        const char *recv = S(&n->lookup_remote_id);
        /* a key ID's own bytes ("remote id match") over a paste's redaction */
        if (n->peer_keyid_text.len && !streq(recv, n->peer_keyid_text.p))
            recv = n->peer_keyid_text.p;
        const char *auth = S(&n->auth_mode_class);
        const char *conf_class = cc ? S(&cc->remote_class) : NULL;
        if (recv && conf_remote && streq(recv, conf_remote) && auth && conf_class &&
            !strstr(conf_class, auth) && !strstr(auth, conf_class)) {
            v->cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
            add_off(rc, "phase1.authentication_method", conf_class, auth);
            v->confidence = 0.7;
            v->detail = arena_printf(&rc->a,
                "No peer configuration matches: the peer authenticates with %s, but the "
                "connection for it is configured for %s.", auth, conf_class);
            return 0;
        }
        int hidden;
        if (id_other_address(recv, peer_addr, &hidden) && nat && peer_addr) {
            v->cls = IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH;
            v->detail = arena_printf(&rc->a,
                "The peer is behind NAT (its address here is %s) and identifies itself as '%s' "
                "(%s); no peer configuration of this end accepts that identity%s%s%s.", peer_addr, recv,
                nat_id_phrase(rc, hidden, recv, peer_addr),
                conf_remote ? " (the configured peer identifier is '" : "",
                conf_remote ? conf_remote : "", conf_remote ? "')" : "");
        } else {
            v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
            v->detail = arena_printf(&rc->a,
                "No peer configuration of this end matches the identity the peer sent ('%s'%s%s)%s%s%s.",
                recv ? recv : "?", peer_addr ? " from " : "", peer_addr ? peer_addr : "",
                conf_remote ? "; the configured peer identifier is '" : "",
                conf_remote ? conf_remote : "", conf_remote ? "'" : "");
        }
        add_off(rc, "phase1.peer_identifier", conf_remote, recv);
        const char *idr = S(&n->lookup_local_id);
        if (idr && strcmp(idr, "%any") != 0 && !streq(idr, conf_local) && (conf_local || n->peer_wants_vip))
            add_off(rc, "phase1.my_identifier", conf_local, idr);
        if (n->peer_wants_vip)
            v->detail = arena_printf(&rc->a, "%s The peer is a remote-access client (it requests a "
                                     "virtual IP)%s%s%s.", v->detail,
                                     idr && strcmp(idr, "%any") ? " and asks for this end's identity '" : "",
                                     idr && strcmp(idr, "%any") ? idr : "",
                                     idr && strcmp(idr, "%any") ? "'" : "");
        v->confidence = (recv && conf_remote && streq(recv, conf_remote)) ||
                        (hidden && v->cls == IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH) ? 0.6 : 0.9;
        return 0;
    }
    return -1;
}

static int p1_no_ike_cfg(rules_ctx *rc, negotiation *n, verdict *v)
{
    const char *la = S(&n->no_ike_cfg_local), *ra = S(&n->no_ike_cfg_remote);
    int pv = n->ike_version;
    const conf_store *cs = rc->conf;
    const conf_conn *both = NULL, *local_only = NULL;
    for (size_t i = 0; i < cs->n; i++) {
        const conf_conn *c = cs->conns[i];
        int lm = conf_addrs_match(S(&c->local_addrs), la);
        int rm = conf_addrs_match(S(&c->remote_addrs), ra);
        if (lm && rm && !both)
            both = c;
        else if (lm && !local_only)
            local_only = c;
    }
    v->role = IDG_ROLE_RESPONDER;
    v->ev_phase = 1;
    if (both && !n->conn.len)
        nstr_set(&n->conn, both->name.p, both->name.len), n->tunnel_dirty = 1;
    if (both && both->version > 0 && pv && both->version != pv) {
        v->cls = IDG_CLASS_PHASE1_VERSION_MISMATCH;
        add_off(rc, "phase1.ike_version", version_name(both->version), version_name(pv));
        v->confidence = 0.9;
        v->detail = arena_printf(&rc->a,
            "The peer %s started an %s negotiation, but this end's connection '%s' for %s...%s "
            "is configured for %s only, so charon found no IKE config and sent NO_PROPOSAL_CHOSEN.",
            ra ? ra : "?", version_name(pv), S(&both->name), la ? la : "?", ra ? ra : "?",
            version_name(both->version));
        return 0;
    }
    if (cs->n > 0 && !both) {
        const conf_conn *c = local_only ? local_only : cs->conns[0];
        if (!n->conn.len && local_only)
            nstr_set(&n->conn, c->name.p, c->name.len), n->tunnel_dirty = 1;
        v->cls = IDG_CLASS_PHASE1_NO_MATCHING_GATEWAY;
        add_off(rc, "phase1.remote_gateway", S(&c->remote_addrs), ra);
        v->confidence = 0.9;
        v->detail = arena_printf(&rc->a,
            "An IKE negotiation arrived from %s to %s, but no connection of this end is "
            "configured for that pair of addresses (connection '%s' expects the remote gateway %s "
            "and the local address %s), so charon sent NO_PROPOSAL_CHOSEN.",
            ra ? ra : "?", la ? la : "?", S(&c->name),
            c->remote_addrs.len ? c->remote_addrs.p : "%any",
            c->local_addrs.len ? c->local_addrs.p : "%any");
        return 0;
    }
    v->cls = IDG_CLASS_PHASE1_NO_MATCHING_GATEWAY;
    add_off(rc, "phase1.remote_gateway", NULL, ra);
    v->confidence = 0.6;
    v->detail = arena_printf(&rc->a,
        "No IKE config of this end matches %s...%s for %s: either no connection has %s as its "
        "remote gateway (and %s as local address), or the matching connection uses the other "
        "IKE version than the peer (%s).", la ? la : "?", ra ? ra : "?", version_name(pv),
        ra ? ra : "?", la ? la : "?", version_name(pv));
    return 0;
}

/* Whether this end authenticated with a certificate: it sent one, or its
 * own authentication was neither a pre-shared key nor EAP. */
static int own_auth_is_cert(const negotiation *n)
{
    const char *my_auth = S(&n->my_auth);
    return n->sent_cert || (my_auth && !strstr(my_auth, "pre-shared") && !strstr(my_auth, "EAP"));
}

static int p1_auth_failed_notify(rules_ctx *rc, negotiation *n, verdict *v)
{
    const char *my_auth = S(&n->my_auth);
    int cert = own_auth_is_cert(n);
    const char *eap_id = S(&n->eap_identity);
    int eap = (my_auth && strstr(my_auth, "EAP")) || eap_id;
    const char *myid = S(&n->local_id);
    if (!myid) {
        const conf_conn *cc = conn_conf(rc, n);
        myid = cc ? S(&cc->local_id) : NULL;
    }
    /* this end's identity is its own address (shown, or both redacted) */
    const char *laddr = S(&n->local_addr);
    int nat_id = n->nat_local && address_shaped(myid) &&
                 (streq(myid, laddr) || (is_redacted_addr(myid) && (!laddr || is_redacted_addr(laddr))));
    const char *who = peer_desc(n);
    v->role = p1_role(n);
    v->ev_phase = 1;
    v->confidence = 0.5;
    const conf_conn *own = cert ? conn_conf(rc, n) : NULL;
    if (own && own->id_unconfirmed.len && !n->unknown_ca) {
        /* ipsec.conf: leftid is not in the certificate, so charon used the
         * certificate's subject; a peer expecting leftid refuses that */
        /* (myid already falls back to the same connection's local_id) */
        const char *wanted = S(&own->id_unconfirmed), *used = myid;
        v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
        add_off(rc, "phase1.my_identifier", used, NULL);
        v->confidence = 0.75;
        v->detail = arena_printf(&rc->a,
            "The peer %s rejected this end's authentication (AUTHENTICATION_FAILED). This end's "
            "identifier '%s' (ipsec.conf leftid) is not in its certificate (neither its subject nor "
            "a subjectAltName), so charon identified this end as the certificate's subject '%s' "
            "instead (it said so when it loaded the connection); a peer that expects '%s' refuses "
            "that. Set leftid to a name the certificate carries, or issue a certificate that carries "
            "'%s'.", who, wanted, used ? used : "?", wanted, wanted);
        return 0;
    }
    if (cert) {
        v->cls = n->unknown_ca ? IDG_CLASS_PHASE1_CERTIFICATE_FAILURE : IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        if (n->unknown_ca) {
            /* the fix is on the peer: this end's CA, not the peer's */
            v->own_cert_refused = 1;
            v->title = "Phase 1: the peer refused this end's certificate";
        }
        v->detail = arena_printf(&rc->a,
            "The peer %s rejected this end's authentication (AUTHENTICATION_FAILED)%s. This end "
            "authenticates with a certificate: the peer most likely does not trust its issuing CA "
            "or does not accept its identity; the peer's log has the reason.", who,
            n->unknown_ca ? "; the peer asked for certificates of a CA this end does not know" : "");
        return 0;
    }
    if (eap) {
        v->cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v->confidence = 0.7;
        if (eap_id)
            add_off(rc, "phase1.eap_identity", eap_id, NULL);
        if (eap_identity_refused(n)) {
            v->detail = arena_printf(&rc->a,
                "The server %s refused the EAP identity '%s' this end sent (AUTHENTICATION_FAILED "
                "right after the EAP-Identity response): it requested no EAP method, so no password "
                "was checked. It does not know that user name: a client without a configured EAP "
                "identity sends its IKE identity instead, or the name lacks the realm or form the "
                "server (or its RADIUS server) expects.", who, eap_id);
            return 0;
        }
        v->detail = arena_printf(&rc->a, "The peer %s rejected the EAP authentication of this end "
                                 "(AUTHENTICATION_FAILED)%s%s%s: it does not accept the user name or "
                                 "its password (or EAP certificate); the server's log, or its RADIUS "
                                 "server's, says which.", who, eap_id ? " for the EAP identity '" : "",
                                 eap_id ? eap_id : "", eap_id ? "'" : "");
        return 0;
    }
    if (nat_id) {
        v->cls = IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH;
        add_off(rc, "phase1.my_identifier", myid, NULL);
        v->detail = arena_printf(&rc->a,
            "The peer %s rejected this end's authentication (AUTHENTICATION_FAILED). This end is "
            "behind NAT and identifies itself as '%s', its address before NAT; the peer most likely "
            "expects the public (NATed) address as peer identifier.", who, myid);
        return 0;
    }
    if (n->ike_version == 1 && n->notify.len && strcmp(n->notify.p, "INVALID_ID_INFORMATION") == 0) {
        /* the peer did not accept the identity this end sent (an
         * Aggressive Mode initiator checking IDir, or a non-strongSwan
         * responder rejecting IDi) */
        v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
        v->confidence = 0.7;
        if (myid)
            add_off(rc, "phase1.my_identifier", myid, NULL);
        v->detail = arena_printf(&rc->a,
            "The peer %s answered this end's %s identification with INVALID_ID_INFORMATION: it does "
            "not accept the identity this end sent%s%s%s. Make the peer's Peer identifier match this "
            "end's My identifier.", who, mode_name(n) ? mode_name(n) : "phase 1",
            myid ? " ('" : "", myid ? myid : "", myid ? "')" : "");
        return 0;
    }
    if (n->ike_version == 1 && n->mode == 2) {
        v->cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v->detail = arena_printf(&rc->a,
            "The peer %s answered this end's Aggressive Mode request with AUTHENTICATION_FAILED. "
            "The usual causes: the peer uses Main Mode (or refuses Aggressive Mode with a "
            "pre-shared key), the peer identifier does not match, or the pre-shared keys differ; "
            "the peer's log tells which.", who);
        return 0;
    }
    if (n->ike_version == 1) {
        v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
        if (myid)
            add_off(rc, "phase1.my_identifier", myid, NULL);
        v->detail = arena_printf(&rc->a,
            "The peer %s answered this end's Main Mode identification with AUTHENTICATION_FAILED: "
            "most often it has no peer configuration for this end's identity%s%s%s (with IKEv1 a "
            "pre-shared key mismatch shows as a decryption failure instead). Check the peer "
            "identifier on the peer and My identifier here; a Main/Aggressive mode mismatch gives "
            "the same answer, and so does a strongSwan peer whose uniqueness policy (unique = keep) "
            "refuses a second IKE_SA of this identity. The peer's log says which.", who,
            myid ? " ('" : "", myid ? myid : "", myid ? "')" : "");
        return 0;
    }
    /* this end asks the responder for an identity other than its address */
    const conf_conn *cc = conn_conf(rc, n);
    const char *want_idr = cc ? S(&cc->remote_id) : NULL;
    /* ... while it identifies itself by its address: a mixed choice of
     * identifier types is the usual sign of a peer identifier mistake */
    const char *my_id = n->local_id.len ? S(&n->local_id) : (cc ? S(&cc->local_id) : NULL);
    if (n->ike_role == IDG_ROLE_INITIATOR && want_idr && strcmp(want_idr, "%any") != 0 &&
        !streq(want_idr, S(&n->remote_addr)) && !address_shaped(want_idr) && address_shaped(my_id)) {
        v->cls = IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH;
        add_off(rc, "phase1.peer_identifier", want_idr, NULL);
        v->detail = arena_printf(&rc->a,
            "The peer %s rejected this end's IKE_AUTH with AUTHENTICATION_FAILED. This end asks the "
            "peer to be '%s' (IDr); if the peer does not use that identity it finds no matching peer "
            "configuration. A pre-shared key mismatch gives the same answer; the peer's log tells which.",
            who, want_idr);
        return 0;
    }
    if (!my_auth && !cc && n->ike_version == 2) {
        /* an excerpt: how this end authenticated is not in it */
        v->cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v->detail = arena_printf(&rc->a,
            "The peer %s rejected this end's IKE_AUTH with AUTHENTICATION_FAILED. With pre-shared "
            "keys this means the keys differ or the peer does not accept this end's identifier; with "
            "certificates, that the peer does not trust this end's certificate. The peer's log tells "
            "which.", who);
        return 0;
    }
    v->cls = IDG_CLASS_PHASE1_PSK_MISMATCH;
    add_off(rc, "phase1.psk", NULL, NULL);
    v->detail = arena_printf(&rc->a,
        "The peer %s rejected this end's IKE_AUTH with AUTHENTICATION_FAILED after this end "
        "authenticated with a pre-shared key: the pre-shared keys most likely differ (an identifier "
        "the peer does not accept gives the same answer; the peer's log tells which).", who);
    return 0;
}

/* Several pre-shared keys for %any (stroke's ipsec.secrets and the files
 * it includes, e.g. one left behind per NetworkManager L2TP connection):
 * said beside a failure that points at the keys. */
static void note_any_psks(rules_ctx *rc, verdict *v)
{
    if (rc->conf->any_psks < 2)
        return;
    v->detail = arena_printf(&rc->a, "%s Note: %u pre-shared keys were loaded for %%any; charon "
                             "uses one of them for every peer that has no more specific secret, "
                             "which may not be this peer's (a stale secrets file left behind).",
                             v->detail, rc->conf->any_psks);
}

/* The offending group of a retried INVALID_KE: this end's value and the
 * peer's, whichever end asked for the other group. */
static void add_ke_retry_off(rules_ctx *rc, const char *field, idg_role asked_by, const nstr *offered,
                             const nstr *requested)
{
    int resp = asked_by == IDG_ROLE_RESPONDER;
    add_off(rc, field, resp ? S(requested) : S(offered), resp ? S(offered) : S(requested));
}

/* This end's charon has no implementation of an algorithm it selected or
 * proposes (F1/F2_ALG_UNSUPPORTED): the class of its transform type, with
 * "(not implemented)" as this end's value. */
static void alg_unsupported(rules_ctx *rc, const negotiation *n, verdict *v, int phase)
{
    /* the types a keymat or key exchange row names; others stay "algorithm" */
    static const char *const what_of[TT__COUNT] = {
        [TT_ENCR] = "encryption algorithm", [TT_INTEG] = "integrity algorithm", [TT_PRF] = "PRF",
        [TT_KE] = "DH group", [TT_ADDKE] = "additional key exchange",
    };
    transform_type t = (transform_type)n->alg_unsupported_tt;
    const char *alg = S(&n->alg_unsupported);
    /* a post-quantum KEM is an additional key exchange (ke1_ .. ke7_, RFC
     * 9370) in strongSwan 6, never the DH group itself */
    if (t == TT_KE && alg &&
        (strncmp(alg, "ML_KEM", 6) == 0 || strncmp(alg, "KYBER", 5) == 0 ||
         strncmp(alg, "FRODO", 5) == 0 || strncmp(alg, "HQC", 3) == 0 || strncmp(alg, "BIKE", 4) == 0))
        t = TT_ADDKE;
    int known = (unsigned)t < TT__COUNT && what_of[t];
    const char *what = known ? what_of[t] : "algorithm";
    const char *field = known ? field_name(phase, t) : (phase == 1 ? "phase1.proposal" : "phase2.proposal");
    v->cls = class_for_types(phase, known ? 1u << t : 0, NULL);
    /* selected from the peer's proposals (keymat, a responder's or a
     * negotiated group), or only this end's own ("configured ...") */
    const char *sel = S(phase == 1 ? &n->p1_selected : &n->p2_selected);
    int agreed = sel && alg && strstr(sel, alg);
    v->confidence = 0.85;
    v->title = arena_printf(&rc->a, "Phase %d %s not implemented on this end", phase, what);
    v->alg_unimplemented = alg ? alg : what;
    add_off(rc, field, arena_printf(&rc->a, "%s (not implemented)", alg ? alg : "the selected one"),
            agreed ? alg : NULL);
    v->detail = arena_printf(&rc->a,
        "This end's charon has no implementation of the %s %s loaded: no loaded plugin provides it "
        "(\"not supported\"), so %s. %s",
        what, alg ? alg : "it selected", agreed ? "the keys of the proposal both ends agreed on cannot be derived"
                                               : "it cannot compute this key exchange",
        agreed ? "The proposals are not the cause: both ends allow it. Load the crypto plugin that "
                 "provides it, or leave it out of this end's proposals so that another is selected."
               : "Load the crypto plugin that provides it, or take it out of this end's proposals.");
}

/* An EAP or XAuth server (this end) whose RADIUS server gave no usable
 * answer: the user failed before any credential was checked, and every user
 * fails alike until the RADIUS server is reachable with the right secret. */
static void radius_failure(rules_ctx *rc, negotiation *n, verdict *v, int eap)
{
    static const struct {
        const char *title_eap, *title_xauth, *what;
    } faults[] = {
        [RADIUS_UNREACHABLE] = {"EAP failed: this end could not reach its RADIUS server",
                                "XAuth failed: this end could not reach its RADIUS server",
                                "could not exchange a message with it"},
        [RADIUS_TIMEOUT] = {"EAP failed: this end's RADIUS server did not answer",
                            "XAuth failed: this end's RADIUS server did not answer",
                            "sent its request and never got an answer"},
        [RADIUS_SECRET] = {"EAP failed: the RADIUS shared secret differs",
                           "XAuth failed: the RADIUS shared secret differs",
                           "got an answer that does not verify with this end's shared secret: "
                           "the RADIUS server signs with another shared secret for this client"},
        [RADIUS_INVALID] = {"EAP failed: this end's RADIUS server sent an unusable answer",
                            "XAuth failed: this end's RADIUS server sent an unusable answer",
                            "got an answer it could not use"},
    };
    int fault = n->radius_fault < sizeof faults / sizeof faults[0] ? n->radius_fault : RADIUS_INVALID;
    const char *server = S(&n->radius_server), *user = S(&n->eap_user);
    if (!user && n->xauth_user.len)
        user = n->xauth_user.p;
    v->cls = eap ? IDG_CLASS_PHASE1_EAP_FAILURE : IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
    v->title = eap ? faults[fault].title_eap : faults[fault].title_xauth;
    v->confidence = 0.9;
    v->role = IDG_ROLE_RESPONDER;
    v->radius_fault = fault;
    if (fault == RADIUS_SECRET)
        add_off(rc, "radius.shared_secret", NULL, NULL);
    else
        add_off(rc, "radius.server", server, NULL);
    v->detail = arena_printf(&rc->a,
        "This end (the %s server) hands the user's authentication%s%s%s to its RADIUS server%s%s%s, "
        "and %s (\"%s\"), so it failed the %s before any password was checked. Every user "
        "fails this way until the RADIUS server answers with the right shared secret; the "
        "user's own credentials may well be right.",
        eap ? "EAP" : "XAuth", user ? " ('" : "", user ? user : "", user ? "')" : "",
        server ? " '" : "", server ? server : "", server ? "'" : "", faults[fault].what,
        n->radius_fault_msg.len ? n->radius_fault_msg.p : "?",
        eap ? "EAP authentication" : "XAuth round");
}

/* This end dropped a new peer's IKE_SA setups unanswered: a limit of its
 * DoS protection (engine.c fold_setup_dropped). A setup of the same peer
 * accepted later makes it a delay, not a failure. */
static void setup_dropped(rules_ctx *rc, negotiation *n, verdict *v)
{
    static const struct {
        const char *what, *setting;
    } LIMITS[] = {
        [SETUP_LIMIT_HALF_OPEN] = {"its limit of half-open IKE_SAs, all peers together",
                                   "charon.init_limit_half_open"},
        [SETUP_LIMIT_PER_IP] = {"its limit of half-open IKE_SAs from one address",
                                "charon.block_threshold"},
        [SETUP_LIMIT_JOB_LOAD] = {"its limit of queued jobs (charon is overloaded)",
                                  "charon.init_limit_job_load"},
        [SETUP_LIMIT_IKESA] = {"its limit of IKE_SAs", "charon.ikesa_limit"},
    };
    unsigned k = n->setup_drop_kind < sizeof LIMITS / sizeof LIMITS[0] ? n->setup_drop_kind : 0;
    const char *what = k ? LIMITS[k].what : "one of its DoS-protection limits";
    const char *limit = n->setup_drop_limit ? arena_printf(&rc->a, "%u", (unsigned)n->setup_drop_limit)
                                            : NULL;
    const char *setting = !k ? "" : limit ? arena_printf(&rc->a, " (%s = %s)", LIMITS[k].setting, limit)
                                          : arena_printf(&rc->a, " (%s)", LIMITS[k].setting);
    const char *times = n->setup_drops == 1 ? "once"
                        : arena_printf(&rc->a, "%u times", (unsigned)n->setup_drops);
    v->cls = IDG_CLASS_PHASE1_DOS_PROTECTION;
    v->role = IDG_ROLE_RESPONDER;
    v->confidence = 0.95;
    v->setup_limit = limit;
    add_off(rc, k ? LIMITS[k].setting : "charon.dos_protection", limit, NULL);
    const char *holders =
        k == SETUP_LIMIT_HALF_OPEN || k == SETUP_LIMIT_PER_IP
            ? " A half-open IKE_SA is one a peer started and has not authenticated yet; it lasts "
              "until charon.half_open_timeout (30 s by default) at most, and 'deleting half open "
              "IKE_SA with <address> after timeout' names the peers that leave them so."
            : "";
    if (n->setup_admitted) {
        as_warning(v, 0.9);
        v->title = "Peer's IKE setup delayed by a limit of this end";
        v->detail = arena_printf(&rc->a,
            "This end dropped the first IKE message of %s unanswered %s (\"ignoring IKE_SA setup\"): "
            "%s%s was reached. A later retransmit got through once the limit cleared, so the peer's "
            "connection was delayed, not refused; if it recurs, the limit is too low for the peers it "
            "serves, or something holds it.%s", peer_desc(n), times, what, setting, holders);
        return;
    }
    if (n->setup_many) {
        v->detail = arena_printf(&rc->a,
            "This end dropped the first IKE messages of many peers unanswered (%u more, from beyond "
            "the %d addresses this log names one by one; \"ignoring IKE_SA setup\"): %s%s was "
            "reached. So many at once is a flood (spoofed addresses) or a crowd of clients "
            "reconnecting together; the peers see no answer at all.%s", (unsigned)n->setup_drops,
            SETUP_DROP_PEERS, what, setting, holders);
        return;
    }
    v->detail = arena_printf(&rc->a,
        "This end dropped the first IKE message of %s unanswered %s (\"ignoring IKE_SA setup\"): "
        "%s%s was reached, and none got through in this log. The peer sees no answer at all, as if "
        "this end were down or unreachable.%s", peer_desc(n), times, what, setting, holders);
}

static void p1_failure(rules_ctx *rc, negotiation *n)
{
    uint64_t f = n->facts & F1_MASK;
    verdict v;
    begin(rc, &v);
    v.role = p1_role(n);
    v.ev_phase = 1;
    v.phase = 1;
    const char *ver = version_name(n->ike_version);
    const char *psk_unexpected;

    if (f & FACT(F1_SETUP_DROPPED)) {
        setup_dropped(rc, n, &v);
    } else if (f & FACT(F1_ALG_UNSUPPORTED)) {
        alg_unsupported(rc, n, &v, 1);
    } else if (f & FACT(F1_UNIQUE_REFUSED)) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.title = "Phase 1 refused by this end's uniqueness policy";
        v.confidence = 0.95;
        v.unique_keep = 1;
        add_off(rc, "phase1.unique_ids", "keep", NULL);
        v.detail = arena_printf(&rc->a,
            "The peer %s authenticated, but this end refused its IKE_SA because of its uniqueness "
            "policy: an IKE_SA with the same identities is already up from another address, and "
            "the policy 'keep' keeps the old one. The peer gets AUTHENTICATION_FAILED, which looks like a wrong key on its "
            "side. A client that reconnects while its old SA still exists, or two clients sharing "
            "one identity or certificate, are refused this way.", peer_desc(n));
    } else if (f & FACT(F1_AGGR_PSK_DISABLED)) {
        v.cls = IDG_CLASS_PHASE1_MODE_MISMATCH;
        add_off(rc, "phase1.mode", "main", "aggressive");
        v.confidence = 0.9;
        v.detail = arena_printf(&rc->a,
            "The peer %s started IKEv1 Aggressive Mode with a pre-shared key, which this end refuses "
            "('Aggressive Mode PSK disabled for security reasons'); this end uses Main Mode.", peer_desc(n));
    } else if (f & FACT(F1_NO_AUTH_MODE)) {
        const char *pm = S(&n->auth_mode_peer);
        const char *auth = S(&n->auth_mode_class);
        int peer_aggr = pm && (pm[0] == 'A' || pm[0] == 'a');
        const conf_conn *cc = conn_conf(rc, n);
        const char *conf_class = cc ? S(&cc->remote_class) : NULL;
        /* whether the connection authenticates the peer by the method the
         * peer uses (0 as well where either is not in the log) */
        int method_known = auth && conf_class;
        int method_fits = method_known && (strstr(conf_class, auth) || strstr(auth, conf_class));
        if (cc && method_known && !method_fits &&
            (cc->aggressive < 0 || cc->aggressive == peer_aggr)) {
            /* the method differs (and the mode, where the log has it, agrees) */
            v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
            add_off(rc, "phase1.authentication_method", conf_class, auth);
            v.confidence = cc->aggressive < 0 ? 0.75 : 0.8;
            v.detail = arena_printf(&rc->a, "The peer uses %s authentication, but the matching connection "
                                    "of this end is configured for %s.", auth, conf_class);
        } else if (cc && cc->aggressive < 0 && method_fits) {
            /* the mode is not in the log (stroke's dump of an ipsec.conf
             * conn leaves aggressive= out) but the method is, and fits: the
             * mode is what the connection refuses */
            v.cls = IDG_CLASS_PHASE1_MODE_MISMATCH;
            add_off(rc, "phase1.mode", peer_aggr ? "main" : "aggressive", peer_aggr ? "aggressive" : "main");
            v.confidence = 0.8;
            v.detail = arena_printf(&rc->a,
                "The peer %s negotiates IKEv1 %s Mode with %s authentication. The connection of this "
                "end that matches it authenticates the peer by %s too, so it is the mode it refuses: "
                "it is set to %s Mode.", peer_desc(n), peer_aggr ? "Aggressive" : "Main", auth,
                conf_class, peer_aggr ? "Main" : "Aggressive");
        } else if ((!cc || cc->aggressive < 0) && peer_aggr) {
            /* the connection's settings are not in the log: its mode or
             * its authentication method, either can be the one; against
             * an Aggressive Mode peer, a connection left at Main Mode (the
             * default) is the usual one */
            v.cls = IDG_CLASS_PHASE1_MODE_MISMATCH;
            add_off(rc, "phase1.mode", NULL, "aggressive");
            v.confidence = 0.6;
            v.detail = arena_printf(&rc->a,
                "The peer %s negotiates IKEv1 Aggressive Mode with %s authentication, and the "
                "connection of this end that matches it does not allow that: it is set to Main Mode, "
                "or it authenticates the peer by another method (certificates, XAuth, hybrid). Its "
                "settings are not in this log; compare both with the peer's.", peer_desc(n),
                auth ? auth : "this");
        } else if (!cc || cc->aggressive < 0) {
            /* a Main Mode peer (the default mode): the connection it
             * matches more likely wants another authentication method
             * (XAuth for mobile clients, certificates) than Aggressive Mode */
            v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
            add_off(rc, "phase1.authentication_method", NULL, auth);
            add_off(rc, "phase1.mode", NULL, "main");
            v.confidence = 0.55;
            v.detail = arena_printf(&rc->a,
                "The peer %s negotiates IKEv1 Main Mode with %s authentication, and the connection of "
                "this end that matches it does not allow that: it authenticates the peer by another "
                "method (XAuth, as for mobile clients; certificates; hybrid), or it is set to "
                "Aggressive Mode. Its settings are not in this log; compare both with the peer's.",
                peer_desc(n), auth ? auth : "this");
        } else {
            v.cls = IDG_CLASS_PHASE1_MODE_MISMATCH;
            add_off(rc, "phase1.mode", peer_aggr ? "main" : "aggressive", peer_aggr ? "aggressive" : "main");
            v.confidence = 0.9;
            v.detail = arena_printf(&rc->a,
                "The peer %s negotiates IKEv1 %s Mode, but the matching connection of this end does not "
                "allow %s authentication in %s Mode (it is set to %s Mode).", peer_desc(n),
                peer_aggr ? "Aggressive" : "Main", auth ? auth : "this", peer_aggr ? "Aggressive" : "Main",
                peer_aggr ? "Main" : "Aggressive");
        }
    } else if (f & FACT(F1_NO_IKE_CFG)) {
        p1_no_ike_cfg(rc, n, &v);
    } else if (f & FACT(F1_PROPOSAL_REJECT)) {
        proposal_verdict(rc, n, 1, 0, &v);
        v.detail = arena_printf(&rc->a,
            "This end rejected the peer's %s proposals (%s%s): %s. Received: %s; configured here: %s.%s",
            ver, mode_name(n) ? mode_name(n) : "phase 1", "",
            rc->n_off ? offending_text(rc)
                      : n->p1_received.len ? "no single transform explains it" : "the peer's proposals are not in the log",
            n->p1_received.len ? n->p1_received.p : "(not logged)",
            n->p1_configured.len ? n->p1_configured.p : "(not logged)",
            refusal_note(rc));
        if (!rc->n_off && !n->p1_received.len)
            own_proposal_offending(rc, n, 1); /* at least this end's values */
    } else if (f & FACT(F1_KE_FAILED)) {
        v.cls = IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
        add_off(rc, "phase1.dh_group", S(&n->ke_offered), S(&n->ke_requested));
        v.confidence = 0.8;
        v.detail = arena_printf(&rc->a,
            "The DH group negotiation failed: this end offered %s, the peer requested %s, and the "
            "retry did not succeed.", n->ke_offered.len ? n->ke_offered.p : "?",
            n->ke_requested.len ? n->ke_requested.p : "?");
    } else if (f & FACT(F1_PEER_PROPOSAL_INVALID)) {
        v.cls = IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
        own_proposal_offending(rc, n, 1);
        v.confidence = 0.6;
        v.detail = arena_printf(&rc->a, "The peer %s answered with a proposal this end did not offer.",
                                peer_desc(n));
    } else if (f & (FACT(F1_CERT) | FACT(F1_NO_PRIVATE_KEY))) {
        v.cls = IDG_CLASS_PHASE1_CERTIFICATE_FAILURE;
        v.confidence = (f & FACT(F1_CERT)) ? 0.9 : 0.8;
        const char *issuer = S(&n->cert_issuer);
        v.detail = (f & FACT(F1_CERT)) && n->cert_cause == CERT_NOT_SENT
            ? arena_printf(&rc->a, "The peer signed its authentication without sending its certificate "
                           "(its %s carried no CERT payload), and this end has no copy of it, so it "
                           "found no public key to verify the signature with (\"%s\"). The CA is not "
                           "the problem.", n->ike_version == 1 ? "Main Mode ID message" : "IKE_AUTH",
                           n->cert_detail.p)
            : (f & FACT(F1_CERT)) && n->cert_cause == CERT_STATUS_UNKNOWN
            ? arena_printf(&rc->a, "The peer's certificate could not be checked for revocation (\"%s\"): "
                           "this end has no CRL for it and no OCSP answer, and its revocation policy "
                           "is strict, which refuses a certificate whose status is unknown. The "
                           "certificate itself is not known to be bad.", n->cert_detail.p)
            : (f & FACT(F1_CERT))
            ? arena_printf(&rc->a, "Certificate authentication of the peer failed: %s%s%s%s.",
                           n->cert_detail.len ? n->cert_detail.p : "the peer's certificate is not trusted",
                           issuer ? " (issuer \"" : "", issuer ? issuer : "", issuer ? "\" is not a trusted CA here)" : "")
            : rc->conf->key_failed[0]
            ? arena_printf(&rc->a, "This end cannot authenticate itself (\"%s\"): its private key "
                           "did not load when charon started (\"%s\"). The peer's certificate is not "
                           "the problem.",
                           n->cert_detail.len ? n->cert_detail.p : "no private key for its certificate",
                           rc->conf->key_failed)
            : n->own_sign_failed
            ? arena_printf(&rc->a, "This end found its private key but could not sign with it (\"%s\"): "
                           "its crypto library refuses the signature scheme (SHA-1 RSA signatures under "
                           "a system crypto policy such as RHEL's or Fedora's DEFAULT, which Windows and "
                           "older peers still ask for; or RSA-PSS or a key size it does not allow), or a "
                           "token or TPM holding the key failed. The peer's certificate is not the "
                           "problem.", n->cert_detail.p)
            : arena_printf(&rc->a, "This end cannot authenticate itself (\"%s\"): it has no usable "
                           "private key for its own identity and certificate, the key does not match "
                           "the certificate, or its crypto library refuses the signature scheme. "
                           "The peer's certificate is not the problem.",
                           n->cert_detail.len ? n->cert_detail.p : "no private key for its certificate");
        if (!(f & FACT(F1_CERT)) && rc->conf->key_failed[0])
            v.cred_load = 2;
        if ((f & FACT(F1_CERT)) && n->cert_cause == CERT_NOT_SENT) {
            v.title = "Phase 1: the peer sent no certificate";
            add_off(rc, "phase1.peer_certificate", NULL, "not sent");
        }
        if ((f & FACT(F1_CERT)) && n->cert_cause == CERT_CA_REQUIRED) {
            const char *req = S(&n->cert_required_ca), *got = S(&n->cert_chain_ca);
            v.title = "Phase 1: the peer's certificate is not from the CA the connection requires";
            v.detail = arena_printf(&rc->a, "%s The peer's certificate checked out up to %s%s%s, a CA "
                                    "this end trusts, but this connection accepts only certificates "
                                    "issued by \"%s\" (its Peer Certificate Authority, remote.cacerts): "
                                    "either the connection names the wrong CA, or the peer uses a "
                                    "certificate of another CA than agreed.", v.detail,
                                    got ? "\"" : "its CA", got ? got : "", got ? "\"" : "",
                                    req ? req : "?");
            add_off(rc, "phase1.peer_certificate_authority", req, got);
        }
        if ((f & FACT(F1_CERT)) && n->cert_cause == CERT_STATUS_UNKNOWN) {
            v.title = "Phase 1 certificate revocation status unknown (strict checking)";
            add_off(rc, "phase1.revocation_check", "strict", "no CRL / OCSP status");
        }
        if (issuer)
            add_off(rc, "phase1.peer_certificate_authority", NULL, issuer);
        const char *validity = (f & FACT(F1_CERT)) ? S(&n->cert_validity) : NULL;
        /* an expired (or not yet valid) CA: the chain check names it just before */
        const char *expired_ca = validity && n->cert_cause == CERT_ISSUER_DATES
                                     ? S(&n->cert_chain_ca) : NULL;
        if (expired_ca) {
            v.detail = arena_printf(&rc->a, "%s The certificate outside its validity period is the CA "
                                    "\"%s\" of the peer's certificate chain, not the peer's own.",
                                    v.detail, expired_ca);
            add_off(rc, "phase1.peer_certificate_authority", NULL,
                    arena_printf(&rc->a, "%s (%s)", expired_ca, validity));
        } else if (validity) {
            add_off(rc, n->cert_cause == CERT_ISSUER_DATES ? "phase1.peer_certificate_authority"
                                                           : "phase1.peer_certificate",
                    NULL, validity);
        }
        if (!(f & FACT(F1_CERT)))
            add_off(rc, "phase1.my_certificate",
                    n->own_sign_failed && !rc->conf->key_failed[0] ? "signing with its key failed"
                                                                        : "no usable private key",
                    NULL);
        /* "no trusted key for '<id>'" while the certificate the peer sent
         * names something else: the identity is not in the certificate */
        const char *id = S(&n->cert_for), *cert = S(&n->peer_cert);
        if ((f & FACT(F1_CERT)) && id && cert && !dn_names(cert, id) && strcmp(id, "%any") != 0) {
            if (p1_role(n) == IDG_ROLE_RESPONDER) {
                /* the identity is the one the peer sent (its IDi) */
                v.detail = arena_printf(&rc->a, "%s The peer identifies as '%s', but the certificate "
                                        "it sent (\"%s\") does not carry that identity (not as its "
                                        "subject, and unless a subjectAltName lists it): the peer's "
                                        "own identity must be a name in its certificate.", v.detail, id,
                                        cert);
                add_off(rc, "phase1.peer_identifier", NULL, id);
            } else {
                v.detail = arena_printf(&rc->a, "%s The certificate the peer sent (\"%s\") does not carry "
                                        "the identity '%s' it authenticates as (not its subject, and "
                                        "unless a subjectAltName lists it): if that is the peer's "
                                        "certificate, expect an identity it carries (the peer identifier "
                                        "here, the remote ID on a client).", v.detail, cert, id);
                add_off(rc, "phase1.peer_identifier", id, cert);
            }
        }
        /* "no private key found for '<id>'": charon looks its key up by
         * this end's identity, which is its address unless one is set */
        const char *kid = S(&n->key_for);
        if (!(f & FACT(F1_CERT)) && kid && !rc->conf->key_failed[0] && !n->own_sign_failed) {
            v.title = "This end has no private key for its identity";
            v.detail = address_shaped(kid)
                ? arena_printf(&rc->a, "%s Charon looks the key up by this end's identity, '%s': an "
                               "address, which is what charon uses when no identity is set. A "
                               "certificate rarely carries it (only as an IP subjectAltName), so no "
                               "key is found: set this end's identity to the certificate's subject "
                               "or to a name its subjectAltName lists.", v.detail, kid)
                : arena_printf(&rc->a, "%s Charon looks the key up by this end's identity, '%s': the "
                               "certificate that carries it must be loaded with its private key.",
                               v.detail, kid);
            if (address_shaped(kid))
                add_off(rc, "phase1.my_identifier", kid, NULL);
        }
    } else if (f & FACT(F1_V1_AUTH_UNSUPPORTED)) {
        /* (no private key for its certificate reads as such, above) */
        const conf_conn *cc = conn_conf(rc, n);
        const char *lc = cc ? S(&cc->local_class) : NULL, *rcl = cc ? S(&cc->remote_class) : NULL;
        const char *conn = conn_name(rc, n);
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.title = "This end's connection uses an authentication IKEv1 cannot do";
        v.role = IDG_ROLE_INITIATOR;
        v.confidence = lc && rcl ? 0.9 : 0.75;
        v.v1_auth_unsupported = 1;
        add_off(rc, "phase1.authentication_method",
                lc && rcl ? arena_printf(&rc->a, "%s for this end; %s for the peer", lc, rcl) : NULL, NULL);
        v.detail = arena_printf(&rc->a,
            "charon did not start IKEv1 for the connection%s: its authentication is no IKEv1 "
            "method (\"configuration uses unsupported authentication\")%s%s%s%s%s. IKEv1 "
            "authenticates both ends with one method, a pre-shared key or certificates (XAuth as a "
            "second round); different methods for the two ends, or EAP, need IKEv2.",
            quoted_name(rc, conn), lc && rcl ? ": this end authenticates with " : "", lc && rcl ? lc : "",
            lc && rcl ? " and expects the peer to use " : "", lc && rcl ? rcl : "",
            lc && rcl && streq(lc, rcl) ? " (the same method: a second round, or a key type IKEv1 "
                                          "cannot sign with)" : "");
    } else if (p1_identifier(rc, n, &v) == 0) {
        /* filled */
    } else if (n->ike_version == 2 && (f & (FACT(F1_DECRYPT_FAILED) | FACT(F1_NOT_ENCRYPTED))) &&
               !(f & (FACT(F1_MAC_MISMATCH) | FACT(F1_NO_SHARED_KEY) | FACT(F1_NOTIFY_PSK)))) {
        /* IKEv2's keys come from the DH exchange alone: a pre-shared key
         * that differs fails AUTH (AUTHENTICATION_FAILED, MAC mismatched),
         * never the decryption */
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.confidence = 0.5;
        v.v2_undecryptable = (f & FACT(F1_NOT_ENCRYPTED)) ? 1 : 2;
        v.detail = (f & FACT(F1_NOT_ENCRYPTED))
            ? arena_printf(&rc->a,
                  "The peer %s answered this end's IKE_AUTH request with an unprotected message (a "
                  "payload that was not encrypted, usually an error notify sent before or instead of "
                  "authentication), which this end discards. Charon does not log the notify, so the "
                  "reason is on the peer: its log says why it rejected IKE_AUTH (identities, "
                  "authentication method, certificate or proposals). In IKEv2 a different pre-shared "
                  "key shows as AUTHENTICATION_FAILED, not as a decryption failure.", peer_desc(n))
            : arena_printf(&rc->a,
                  "This end cannot decrypt or verify the peer's IKEv2 messages (integrity check "
                  "failed). In IKEv2 the keys come from the DH exchange, not from the pre-shared key, "
                  "so this is not a pre-shared key mismatch: the message was damaged on the way (a "
                  "middlebox, fragments reassembled wrong) or the peer derived other keys.");
    } else if (n->ike_version != 2 && n->mm_unencrypted_id && (f & FACT(F1_NOT_ENCRYPTED)) &&
               !(f & (FACT(F1_NO_SHARED_KEY) | FACT(F1_MAC_MISMATCH)))) {
        /* message.c accept_unencrypted_mm: "as seen from some SonicWall boxes" */
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.title = "Phase 1: the peer sent its Main Mode identity unencrypted";
        v.confidence = 0.75;
        v.mm_unencrypted = 1;
        v.detail = arena_printf(&rc->a,
            "The peer %s sent its Main Mode %s payload unencrypted (\"payload type %s was not "
            "encrypted\"), and charon refuses that by default, so it dropped the message and the "
            "phase 1 failed (the decryption and integrity errors that follow are about that "
            "message). Some implementations (SonicWall among them) always send it so; a peer that "
            "could not decrypt this end's message (different pre-shared keys) may answer in the "
            "clear too.", peer_desc(n), S(&n->unencrypted_type), S(&n->unencrypted_type));
        note_any_psks(rc, &v);
    } else if ((f & FACT(F1_NO_SHARED_KEY)) && !(f & FACT(F1_MAC_MISMATCH)) &&
               (psk_unexpected = psk_not_expected(rc, n)) != NULL) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.title = "Phase 1 authentication method mismatch: the peer uses a pre-shared key";
        v.role = IDG_ROLE_RESPONDER;
        v.confidence = 0.85;
        add_off(rc, "phase1.authentication_method", psk_unexpected, "pre-shared key");
        const char *conn = conn_name(rc, n);
        v.detail = arena_printf(&rc->a,
            "The peer authenticates with a pre-shared key, but this end's connection%s expects "
            "it to authenticate with %s (its remote authentication), so this end has no pre-shared "
            "key for '%s' - '%s' and refused it. The two ends use different authentication "
            "methods.", quoted_name(rc, conn), psk_unexpected,
            n->lookup_local_id.len ? n->lookup_local_id.p : "?",
            n->lookup_remote_id.len ? n->lookup_remote_id.p : "?");
    } else if (f & (FACT(F1_MAC_MISMATCH) | FACT(F1_DECRYPT_FAILED) | FACT(F1_HASH_MISMATCH) |
                    FACT(F1_NO_SHARED_KEY) | FACT(F1_NOTIFY_PSK))) {
        v.cls = IDG_CLASS_PHASE1_PSK_MISMATCH;
        add_off(rc, "phase1.psk", NULL, NULL);
        if (f & FACT(F1_MAC_MISMATCH)) {
            v.confidence = 0.95;
            v.detail = arena_printf(&rc->a,
                "The peer's AUTH payload does not verify with the pre-shared key this end has for "
                "'%s' - '%s' (MAC mismatched): the two ends use different pre-shared keys.",
                n->lookup_local_id.len ? n->lookup_local_id.p : "?",
                n->lookup_remote_id.len ? n->lookup_remote_id.p : "?");
        } else if ((f & FACT(F1_NO_SHARED_KEY)) && n->secrets_unreadable &&
                   rc->conf->secrets_unreadable.text[0]) {
            v.confidence = 0.9;
            int syntax = rc->conf->secrets_syntax;
            v.title = syntax ? "This end has no pre-shared key: its secrets file has a syntax error"
                             : "This end has no pre-shared key: its secrets file could not be read";
            v.detail = arena_printf(&rc->a,
                syntax ? "This end has no pre-shared key for the identities '%s' - '%s' because charon "
                         "stopped reading its secrets at a syntax error (\"%s\"): it skips the rest "
                         "of that file, so the keys written after the error were never loaded."
                       : "This end has no pre-shared key for the identities '%s' - '%s' because charon could "
                         "not read its secrets (\"%s\"): the file, or a file it includes, does not exist or "
                         "cannot be read, so the key written in it was never loaded.",
                n->lookup_local_id.len ? n->lookup_local_id.p : "?",
                n->lookup_remote_id.len ? n->lookup_remote_id.p : "?",
                kept_line_msg(&rc->conf->secrets_unreadable));
        } else if (f & FACT(F1_NO_SHARED_KEY)) {
            v.confidence = 0.8;
            v.title = "This end has no pre-shared key for the peer";
            v.detail = arena_printf(&rc->a,
                "This end has no pre-shared key for the identities '%s' - '%s': add the PSK for this "
                "peer (or fix the identifiers the secret is bound to).",
                n->lookup_local_id.len ? n->lookup_local_id.p : "?",
                n->lookup_remote_id.len ? n->lookup_remote_id.p : "?");
        } else if (f & FACT(F1_DECRYPT_FAILED)) {
            v.confidence = 0.9;
            v.detail = arena_printf(&rc->a,
                "This end cannot decrypt the peer's %s messages (invalid payload length, decryption "
                "failed): the keys derived from the pre-shared key differ, i.e. the pre-shared keys "
                "do not match.", mode_name(n) ? mode_name(n) : "phase 1");
            if (n->ike_version == 1 && n->decrypt_unnamed) {
                /* the log ends before the line that says which exchange
                 * it was (fold_processing_failed) */
                v.confidence = 0.75;
                v.detail = arena_printf(&rc->a,
                    "%s The log ends before charon says which exchange could not be decrypted: if it "
                    "was the peer's first Quick Mode or XAuth request overtaking the last Main Mode "
                    "message (both ends starting the tunnel at once), the keys are fine.", v.detail);
            }
            /* a Main Mode responder picks the key by the peer's address
             * alone, before the (encrypted) identity arrives: with several
             * configs for that address, the first one's */
            if (n->ike_version == 1 && n->main_exch == EX_ID_PROT &&
                p1_role(n) == IDG_ROLE_RESPONDER && n->n_peer_candidates >= 2) {
                v.mm_psk_candidates = S(&n->peer_candidates);
                v.detail = arena_printf(&rc->a,
                    "%s But %u connections of this end accept this peer's address (%s), which "
                    "may each have a key of their own, and Main Mode has to choose the key before the peer's "
                    "identity arrives (it is encrypted with that key): charon takes the first "
                    "one's. If the peer's key is right for another of them, that is the failure, "
                    "not a wrong key.", v.detail, n->n_peer_candidates, v.mm_psk_candidates);
            }
        } else if (f & FACT(F1_HASH_MISMATCH)) {
            v.confidence = 0.85;
            v.detail = arena_printf(&rc->a,
                "The peer's HASH payload does not match the one calculated with this end's pre-shared "
                "key: the pre-shared keys differ.");
        } else if (n->notify.len && strcmp(n->notify.p, "INVALID_KE_PAYLOAD") == 0) {
            /* IKEv1 INVALID_KEY_INFORMATION (prints as INVALID_KE_PAYLOAD) */
            v.confidence = 0.6;
            v.detail = arena_printf(&rc->a,
                "The peer answered this end's %s key exchange with INVALID_KEY_INFORMATION (logged as "
                "INVALID_KE_PAYLOAD): it could not derive the keys, which with a pre-shared key almost "
                "always means the peer has no pre-shared key for this end's address or identifier "
                "(the peer's log shows 'no shared key found').", mode_name(n) ? mode_name(n) : "phase 1");
        } else {
            v.confidence = 0.6;
            v.detail = arena_printf(&rc->a,
                "The peer reported %s while this end's %s messages were processed: the peer could not "
                "decrypt or verify them, which points to different pre-shared keys.",
                n->notify.len ? n->notify.p : "an error", mode_name(n) ? mode_name(n) : "phase 1");
        }
        note_any_psks(rc, &v);
    } else if (f & FACT(F1_EAP_UNCONFIGURED)) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.role = IDG_ROLE_RESPONDER;
        v.confidence = 0.85;
        const char *cfg = S(&n->conn);
        add_off(rc, "phase1.authentication_method", NULL, "EAP");
        v.detail = arena_printf(&rc->a,
            "The peer %s requests EAP authentication (its IKE_AUTH carries no AUTH payload), but "
            "every peer configuration this end tried%s%s%s authenticates it otherwise (pre-shared key "
            "or certificate): no EAP exchange took place. Give this end a "
            "configuration with EAP for remote clients, or set the client to the method this end "
            "expects.", peer_desc(n), cfg ? " (the last: '" : "", cfg ? cfg : "", cfg ? "')" : "");
    } else if ((f & FACT(F1_EAP_FAILED)) && n->eap_nak) {
        /* the two ends do not share an EAP method */
        const char *m = S(&n->eap_method), *w = S(&n->eap_wanted);
        /* EAP-Identity is no method: its NAK is a client without the plugin */
        int identity = eap_is_identity(m);
        v.cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v.confidence = 0.9;
        if (n->eap_nak == 1) {
            v.role = IDG_ROLE_INITIATOR;
            add_off(rc, "phase1.eap_method", w, m);
            if (identity)
                v.detail = arena_printf(&rc->a,
                    "The server %s asked for this end's EAP identity (EAP-Identity), and this end "
                    "(the client) could not answer it: charon has no eap-identity plugin loaded, so "
                    "it sent EAP_NAK and the server ended the EAP exchange.", peer_desc(n));
            else
                v.detail = arena_printf(&rc->a,
                    "The server %s requested EAP method %s, which this end (the client) does not "
                    "support: it answered EAP_NAK%s%s%s, and the server did not offer another method.",
                    peer_desc(n), m ? m : "(not logged)", w ? ", asking for " : "", w ? w : "",
                    w ? " instead" : "");
        } else {
            v.role = IDG_ROLE_RESPONDER;
            add_off(rc, "phase1.eap_method", m, NULL);
            if (identity)
                v.detail = arena_printf(&rc->a,
                    "The client %s answered this end's EAP-Identity request with EAP_NAK: it cannot "
                    "send an EAP identity (a strongSwan client without the eap-identity plugin), so "
                    "this end sent EAP_FAILURE.", peer_desc(n));
            else
                v.detail = arena_printf(&rc->a,
                    "The client %s refused this end's EAP method%s%s (EAP_NAK): it is not configured "
                    "or not supported on the client, so this end sent EAP_FAILURE.", peer_desc(n),
                    m ? " " : "", m ? m : "");
        }
    } else if ((f & FACT(F1_EAP_FAILED)) && n->eap_method_unloadable &&
               streq(S(&n->eap_method), "EAP_RADIUS") && rc->conf->radius_unusable.text[0]) {
        /* the plugin is there; its RADIUS server is not usable */
        v.cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v.title = "This end has no usable RADIUS server";
        v.confidence = 0.9;
        v.role = IDG_ROLE_RESPONDER;
        v.radius_fault = RADIUS_UNCONFIGURED;
        add_off(rc, "radius.server", NULL, NULL);
        v.detail = arena_printf(&rc->a,
            "This end, the EAP server, hands authentication to a RADIUS server (eap-radius), but "
            "charon found none usable when it started (\"%s\"): a RADIUS server needs an address "
            "and a shared secret. So EAP_RADIUS does not load (\"%s\") and every client fails "
            "before any credential is checked.",
            kept_line_msg(&rc->conf->radius_unusable), n->eap_detail.p);
    } else if ((f & FACT(F1_EAP_FAILED)) && n->eap_method_unloadable) {
        v.cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v.title = "This end cannot load its EAP method";
        v.confidence = 0.9;
        v.role = IDG_ROLE_RESPONDER;
        v.eap_method_unloadable = 1;
        v.detail = arena_printf(&rc->a,
            "This end, the EAP server, could not load the EAP method its connection names (\"%s\"): "
            "no loaded plugin provides %s, so every client fails before any credential is checked.",
            n->eap_detail.p, n->eap_method.len ? n->eap_method.p : "it");
    } else if ((f & FACT(F1_EAP_FAILED)) && n->eap_crypto_missing) {
        v.cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v.title = "EAP-MS-CHAPv2 cannot run: this end lacks MD4/DES";
        v.confidence = 0.95;
        v.eap_crypto_missing = 1;
        v.detail = arena_printf(&rc->a,
            "This end's charon cannot compute EAP-MS-CHAPv2 (\"%s\"): the algorithm is not available "
            "to it, so the user's password was never checked and every client fails alike. "
            "MS-CHAPv2 needs MD4 and DES, which OpenSSL 3 provides only in its legacy provider.",
            n->eap_detail.p);
    } else if ((f & FACT(F1_EAP_FAILED)) && n->eap_no_msk) {
        v.cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v.confidence = 0.85;
        v.detail = arena_printf(&rc->a,
            "The EAP method%s%s succeeded (the user's credentials are right) but derived no MSK, the "
            "key both ends sign IKE_AUTH with, so the AUTH payload could not be verified (\"%s\"). "
            "With RADIUS, the server did not return the MS-MPPE-Send-Key / MS-MPPE-Recv-Key "
            "attributes.", n->eap_method.len ? " " : "", n->eap_method.len ? n->eap_method.p : "",
            n->eap_detail.len ? n->eap_detail.p : "no MSK established");
    } else if ((f & (FACT(F1_EAP_FAILED) | FACT(F1_XAUTH_FAILED))) && n->radius_fault) {
        radius_failure(rc, n, &v, (f & FACT(F1_EAP_FAILED)) != 0);
    } else if (f & FACT(F1_EAP_FAILED)) {
        v.cls = IDG_CLASS_PHASE1_EAP_FAILURE;
        v.confidence = 0.85;
        const char *user = S(&n->eap_user);
        if (user) { /* this end is the EAP server: which client user failed */
            v.role = IDG_ROLE_RESPONDER;
            add_off(rc, "phase1.eap_identity", NULL, user);
        }
        if (n->radius_rejected && user)
            v.detail = arena_printf(&rc->a,
                "EAP authentication failed for the user '%s': this end hands it to its RADIUS "
                "server%s%s%s, which answered Access-Reject (\"%s\"). The RADIUS server refused the "
                "user: a wrong password, a user it does not know, or a policy of it (group, the "
                "client or NAS this host is) that does not admit the user; its log says which.",
                user, n->radius_server.len ? " '" : "", n->radius_server.len ? n->radius_server.p : "",
                n->radius_server.len ? "'" : "", n->eap_detail.len ? n->eap_detail.p : "");
        else
            v.detail = arena_printf(&rc->a, "EAP authentication failed%s%s%s: %s.", user ? " for the user '" : "",
                                    user ? user : "", user ? "'" : "",
                                    n->eap_detail.len ? n->eap_detail.p : "EAP method failed");
    } else if (f & FACT(F1_XAUTH_FAILED)) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.confidence = 0.85;
        v.detail = arena_printf(&rc->a, "XAuth authentication failed: %s.",
                                n->eap_detail.len ? n->eap_detail.p : "wrong XAuth credentials");
    } else if ((f & FACT(F1_PEER_CFG_UNACCEPTABLE)) && n->sig_scheme_refused.len) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.title = "Phase 1 refused: the peer's signature scheme is not accepted here";
        v.confidence = 0.9;
        add_off(rc, "phase1.signature_scheme", NULL, n->sig_scheme_refused.p);
        v.sig_scheme = n->sig_scheme_refused.p;
        v.detail = arena_printf(&rc->a,
            "The peer's signature verified, but %s %s, which this end's connection does not "
            "accept (\"%s\"): its authentication constraint for the peer names other signature "
            "schemes or stronger keys (remote.auth = pubkey-sha512, ike:rsa/pss-sha384 and the like), "
            "so the connection was refused.",
            n->sig_scheme_x509 ? "its certificate (or one of its chain) is signed with"
                               : "it signed IKE_AUTH with",
            n->sig_scheme_refused.p, n->peer_cfg_unacceptable.p);
    } else if ((f & FACT(F1_PEER_CFG_UNACCEPTABLE)) && n->auth_required.len) {
        const char *conn = conn_name(rc, n);
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.title = "Phase 1 authentication method mismatch";
        v.role = IDG_ROLE_RESPONDER;
        v.confidence = 0.9;
        add_off(rc, "phase1.authentication_method", n->auth_required.p, n->auth_used.p);
        v.detail = arena_printf(&rc->a,
            "The peer authenticated with %s, but this end's connection%s requires %s of it "
            "(\"%s\"), and no other connection fits: the two ends use different authentication "
            "methods.", n->auth_used.p, quoted_name(rc, conn), n->auth_required.p,
            n->peer_cfg_unacceptable.p);
    } else if (f & FACT(F1_PEER_CFG_UNACCEPTABLE)) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.confidence = 0.7;
        v.detail = arena_printf(&rc->a, "The peer's authentication does not satisfy the peer "
                                "configuration: %s.", n->peer_cfg_unacceptable.p);
    } else if (f & FACT(F1_NOTIFY_NO_PROP)) {
        v.cls = IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
        own_proposal_offending(rc, n, 1);
        v.confidence = 0.6;
        v.detail = arena_printf(&rc->a,
            "The peer %s answered this end's %s %s with NO_PROPOSAL_CHOSEN: it accepts none of this "
            "end's phase 1 proposals (%s), or it has no IKE configuration for this end's address or "
            "IKE version. The peer's log names the difference.", peer_desc(n), ver,
            n->ike_version == 2 ? "IKE_SA_INIT" : (mode_name(n) ? mode_name(n) : "request"),
            n->p1_proposed.len ? n->p1_proposed.p : (n->p1_configured.len ? n->p1_configured.p : "not logged"));
    } else if (f & FACT(F1_NOTIFY_AUTH_FAILED)) {
        p1_auth_failed_notify(rc, n, &v);
    } else if (f & FACT(F1_NOTIFY_CERT)) {
        v.cls = IDG_CLASS_PHASE1_CERTIFICATE_FAILURE;
        v.confidence = 0.6;
        v.detail = arena_printf(&rc->a, "The peer %s rejected this end's certificate (%s).",
                                peer_desc(n), n->notify.len ? n->notify.p : "certificate error");
    } else if ((f & FACT(F1_VERSION_UNSUPPORTED)) && n->version_not_built) {
        v.cls = IDG_CLASS_PHASE1_VERSION_MISMATCH;
        v.role = IDG_ROLE_INITIATOR;
        v.confidence = 0.9;
        add_off(rc, "phase1.ike_version", version_name(n->ike_version), NULL);
        v.detail = arena_printf(&rc->a,
            "This end's connection%s%s is set to %s, which this end's charon was built without "
            "(configure --disable-ike%s; Debian's strongSwan 6.1 packages leave IKEv1 out): it "
            "dropped the IKE_SA before sending anything, so the peer saw nothing. Set the "
            "connection to IKEv2 on both ends, or install a strongSwan built with %s.",
            n->conn.len ? " " : "", n->conn.len ? n->conn.p : "", version_name(n->ike_version),
            n->ike_version == 1 ? "v1" : "v2", version_name(n->ike_version));
    } else if (f & FACT(F1_VERSION_UNSUPPORTED)) {
        v.cls = IDG_CLASS_PHASE1_VERSION_MISMATCH;
        v.role = IDG_ROLE_RESPONDER;
        v.confidence = 0.9;
        add_off(rc, "phase1.ike_version", n->ike_version == 1 ? "IKEv2 (this charon has no IKEv1)" : NULL,
                n->ike_version ? version_name(n->ike_version) : NULL);
        v.detail = n->ike_version == 1
            ? arena_printf(&rc->a,
                "The peer %s speaks IKEv1, which this end's charon does not accept at all: it answers "
                "INVALID_MAJOR_VERSION before looking for a connection. It was built without IKEv1 "
                "(configure --disable-ikev1, as some packages and appliances ship it). The peer must "
                "use IKEv2, or this end needs a strongSwan with IKEv1.", peer_desc(n))
            : arena_printf(&rc->a,
                "The peer %s sent a message of an IKE version this end's charon does not speak, and "
                "charon answered INVALID_MAJOR_VERSION before looking for a connection.", peer_desc(n));
    } else if (f & FACT(F1_NOTIFY_ADDKE)) {
        const char *sel = S(&n->p1_selected);
        const char *addke = NULL;
        if (sel && proposal_list_parse(sel, strlen(sel), &rc->pl[1])) {
            addke = addke_values(rc, &rc->pl[1]);
            rc->rec_local = &rc->pl[1].items[0];
        }
        v.cls = IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
        v.confidence = 0.6;
        add_off(rc, "phase1.additional_ke", addke, NULL);
        v.detail = arena_printf(&rc->a,
            "Both ends selected the proposal%s%s, but the peer %s answered this end's additional key "
            "exchange (IKE_INTERMEDIATE) with INVALID_SYNTAX: it accepted a method it cannot compute. "
            "A strongSwan 6.0 without an ML-KEM implementation (the openssl plugin before 6.0.2 or "
            "with OpenSSL before 3.5, the ml plugin not loaded) answers so, logging 'negotiated key "
            "exchange method ... not supported'. Give the peer an implementation, or take the "
            "additional key exchange out of the proposals of both ends.",
            sel ? " " : "", sel ? sel : "", peer_desc(n));
    } else if (f & FACT(F1_NOTIFY_VERSION)) {
        v.cls = IDG_CLASS_PHASE1_VERSION_MISMATCH;
        v.confidence = 0.5;
        if (n->ike_version)
            add_off(rc, "phase1.ike_version", version_name(n->ike_version),
                    n->peer_answered_v2 ? "IKEv2" : NULL);
        v.detail = arena_printf(&rc->a, "The peer %s answered with %s: it does not speak %s as "
                                "configured here.", peer_desc(n), n->notify.len ? n->notify.p : "an error", ver);
    } else if (f & FACT(F1_KE_MALFORMED)) {
        const char *sel = S(&n->p1_selected);
        v.cls = IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
        v.confidence = 0.5;
        v.detail = arena_printf(&rc->a,
            "The peer's key exchange value does not fit the DH group%s%s: it is malformed (wrong "
            "length, or not a point of the curve). The peer implements the group differently or "
            "wrongly, or it is a scanner (ike-scan) rather than a VPN peer; another DH group on both "
            "ends avoids it.", sel ? " selected (" : "", sel ? arena_printf(&rc->a, "%s)", sel) : "");
    } else if (f & FACT(F1_DAEMON_CRASH)) {
        const char *sig = S(&n->crash_signal);
        const char *name = !sig ? NULL : streq(sig, "11") ? "SIGSEGV" : streq(sig, "6") ? "SIGABRT"
                         : streq(sig, "7") ? "SIGBUS" : streq(sig, "4") ? "SIGILL" : NULL;
        v.cls = IDG_CLASS_CHARON_CRASHED;
        v.confidence = 0.95;
        v.role = IDG_ROLE_UNKNOWN;
        const char *dep = S(&n->init_cause), *nl = S(&n->netlink_error);
        const char *no_xfrm = nl ? arena_printf(&rc->a,
            "the kernel refused its netlink socket (\"%s\"): this kernel, or the container charon "
            "runs in, gives it no IPsec (xfrm) support, so kernel-netlink provides no kernel-ipsec", nl)
            : NULL;
        if (n->pid_file.len && !sig) {
            v.detail = arena_printf(&rc->a,
                "This charon did not start: another charon already runs on this host, or one that "
                "died left its pid file behind ('%s' exists), so it exited at once. Whatever started "
                "it (NetworkManager's plugin, ipsec start, systemd) gets no daemon, and no tunnel of "
                "its comes up.", n->pid_file.p);
        } else if (n->daemon_program.len) {
            v.detail = arena_printf(&rc->a,
                "The IKE daemon never started: %s could not be run (%s). NetworkManager's strongSwan "
                "plugin runs charon-nm from the path it was built with; the program is not there (not "
                "installed, or strongSwan was built with another prefix). No tunnel can come up.",
                n->daemon_program.p, dep ? dep : "no reason logged");
        } else if (!sig && !n->daemon_init_failed && nl) {
            /* fatal unless another kernel interface (kernel-libipsec) is loaded */
            as_warning(&v, 0.6);
            v.detail = arena_printf(&rc->a,
                "At charon's start %s. Unless kernel-libipsec is loaded instead, charon's initialization "
                "fails (a critical plugin feature has the unmet dependency CUSTOM:kernel-ipsec) and "
                "no tunnel can come up.", no_xfrm);
        } else if (n->daemon_init_failed && !sig) {
            const char *plugin = S(&n->plugin_failed);
            const char *cause =
                no_xfrm ? arena_printf(&rc->a, "The cause: %s.", no_xfrm)
                : plugin ? arena_printf(&rc->a,
                      "The plugin '%s' did not load (\"%s\"), so what it provides is missing: it is "
                      "not installed, or it was built against other versions of the libraries it "
                      "uses than this system has (a 'symbol not found').", plugin,
                      S(&n->plugin_error) ? S(&n->plugin_error) : "no reason logged")
                : n->died_at_start && !dep
                    ? "Its own startup lines (charon's, not the starter's) name the cause: most "
                      "often no kernel IPsec support (xfrm; kernel-libipsec on an OpenVZ or LXC "
                      "VPS needs /dev/net/tun), a plugin that does not load, or its UDP ports 500 "
                      "and 4500 taken by another IKE daemon."
                    : "A plugin it needs did not load (the 'unmet dependency' and 'failed to load' "
                      "lines before name it), or, in a container, it has no access to the "
                      "kernel's IPsec support (xfrm, NET_ADMIN).";
            v.detail = arena_printf(&rc->a,
                "charon, the IKE daemon, %s%s%s%s%s. %s No tunnel can come up.",
                n->died_at_start ? "died right after the starter saw it start: it cannot initialize "
                                   "on this host"
                                 : "did not start: its initialization failed",
                dep ? " (a critical plugin feature has the unmet dependency " : "",
                dep ? dep : "", dep ? ")" : "",
                n->daemon_gave_up ? " and the starter gave up"
                : n->died_at_start ? ", and the starter restarts it again and again" : "",
                cause);
        } else {
            const char *frame = S(&n->crash_frame);
            v.detail = arena_printf(&rc->a,
                "charon, the IKE daemon, crashed%s%s%s%s: every tunnel dropped%s. Not a configuration "
                "mismatch; a crash that repeats is a bug in the strongSwan version or a plugin that does "
                "not fit this system.%s%s%s%s", sig ? " (signal " : "",
                sig ? sig : "", name ? arena_printf(&rc->a, ", %s", name) : "", sig ? ")" : "",
                n->daemon_gave_up ? ", and the starter gave up restarting it: charon stays down"
                                  : " and is set up again after the restart",
                frame ? " It crashed in " : "", frame ? frame : "", frame ? ", as its backtrace shows" : "",
                !frame ? ""
                : streq(sig, "4") ? ": an illegal instruction there means that library was built for "
                                    "a processor with instructions this one lacks (or is broken); "
                                    "leave out the plugin that loads it, or use a build for this CPU."
                : strncmp(frame, "libstrongswan.", 14) == 0 || strncmp(frame, "libcharon.", 10) == 0
                    ? ": strongSwan's own code, so a bug of this version (or of a plugin it calls)."
                    : ": leave out the plugin that loads it, or update it.");
        }
    } else if ((f & FACT(F1_CONFIG_NOT_LOADED)) && n->trap_missing) {
        v.cls = IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED;
        v.confidence = 0.6;
        v.role = IDG_ROLE_UNKNOWN;
        const char *reqid = S(&n->trap_reqid);
        v.detail = arena_printf(&rc->a,
            "Traffic matched a kernel IPsec policy%s%s%s that no connection of charon's owns ('trap "
            "not found'): the kernel asks charon to negotiate it, and charon starts no IKE for it. A "
            "policy left behind by another daemon or an old configuration, or a route-based (VTI) "
            "tunnel whose phase 2 is not loaded%s.", reqid ? " (reqid " : "", reqid ? reqid : "",
            reqid ? ")" : "",
            reqid && streq(reqid, "0") ? " (reqid 0: the policy carries no reqid at all)" : "");
    } else if ((f & FACT(F1_CONFIG_NOT_LOADED)) && n->conn_load_stroke) {
        /* stroke refused it while ipsec.conf was loaded (load_errors.h) */
        v.cls = IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED;
        v.confidence = 0.95;
        v.role = IDG_ROLE_UNKNOWN;
        const char *why = S(&n->conn_load_why);
        /* the reason names the protocol ("... in IKE proposals", "... in ESP proposals") */
        add_off(rc, !why                   ? "connection.proposals"
                    : strstr(why, " IKE ") ? "phase1.proposals"
                    : strstr(why, " ESP ") || strstr(why, " AH ") ? "phase2.proposals"
                                                                    : "connection.proposals",
                n->conn_load_error.p, NULL);
        v.detail = arena_printf(&rc->a,
            "charon refused the connection '%s' when ipsec.conf was loaded: its proposal string "
            "'%s' is invalid%s%s%s, so the connection was not added, and starting it found no "
            "config of that name. Nothing was sent to the peer.", n->conn.len ? n->conn.p : "?",
            n->conn_load_error.p, why ? " (" : "", why ? why : "", why ? ")" : "");
    } else if ((f & FACT(F1_CONFIG_NOT_LOADED)) && n->conn_load_error.len) {
        /* swanctl's own report of the load */
        v.cls = IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED;
        v.confidence = 0.95;
        v.role = IDG_ROLE_UNKNOWN;
        const char *cred = S(&n->cred_failed);
        v.detail = arena_printf(&rc->a,
            "charon refused the connection '%s' when swanctl loaded it (\"%s\")%s%s: it is not "
            "loaded, so it can neither be initiated nor accept its peer.", n->conn.len ? n->conn.p : "?",
            n->conn_load_error.p, cred ? "; before that, " : "", cred ? cred : "");
        if (cred)
            n->cred_warned = 2; /* said here */
    } else if ((f & FACT(F1_CONFIG_NOT_LOADED)) && n->conn_add_unconfirmed) {
        v.cls = IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED;
        v.confidence = 0.9;
        v.role = IDG_ROLE_INITIATOR;
        v.detail = arena_printf(&rc->a,
            "charon received the connection '%s' (\"received stroke: add connection\") but never "
            "added it (no \"added configuration\" followed), so starting it found no config of that "
            "name: charon refused the definition it was given, without a reason at this log level. "
            "The program that wrote it (ipsec.conf, or a NetworkManager plugin or GUI that generates "
            "it) produced a connection this strongSwan does not accept; its reason shows with the "
            "CFG log level raised. Nothing was sent to the peer.", n->conn.len ? n->conn.p : "?");
    } else if (f & FACT(F1_CONFIG_NOT_LOADED)) {
        v.cls = IDG_CLASS_PHASE1_CONNECTION_NOT_LOADED;
        v.confidence = 0.9;
        v.role = IDG_ROLE_INITIATOR;
        v.detail = arena_printf(&rc->a,
            "charon was asked to start the connection '%s', which it does not have: the "
            "configuration was never loaded (a syntax error in it, a connection the GUI did not "
            "write, a reload that failed) or the name is wrong. Nothing was sent to the peer.",
            n->conn.len ? n->conn.p : "?");
    } else if (f & FACT(F1_UNRESOLVED)) {
        v.cls = IDG_CLASS_PHASE1_PEER_UNREACHABLE;
        v.confidence = 0.95;
        v.title = "Peer unreachable: its host name does not resolve";
        const char *host = S(&n->unresolved_host);
        add_off(rc, "phase1.remote_gateway", host, NULL);
        v.detail = arena_printf(&rc->a,
            "This end cannot resolve the peer's host name '%s' (DNS), so it cannot send it anything: "
            "the name is misspelt, its dynamic DNS record is not up to date, or this end's DNS "
            "servers do not answer.", host ? host : "?");
    } else if (f & (FACT(F1_GIVING_UP) | FACT(F1_NOT_RESPONDING) | FACT(F1_RETRANSMITTING))) {
        v.cls = IDG_CLASS_PHASE1_PEER_UNREACHABLE;
        int cut = !(f & (FACT(F1_GIVING_UP) | FACT(F1_NOT_RESPONDING)));
        v.confidence = cut ? 0.6 : 0.85;
        const char *gave = cut ? "and the log ends before it gives up" : "then gave up";
        int tries = n->giving_up_count ? n->giving_up_count : n->retransmits;
        /* "%d retransmit%s": none logged is not none sent */
        const char *sent = tries ? arena_printf(&rc->a, "%d retransmit%s", tries, tries == 1 ? "" : "s")
                                 : "its retransmits (not in this log)";
        if (n->send_error.len && n->send_no_socket) {
            v.confidence = 0.9;
            v.detail = arena_printf(&rc->a,
                "This end could not send its %s request to the peer %s at all: charon has no socket "
                "plugin loaded (\"%s\"), so it can neither send nor receive IKE packets. This is "
                "this host's charon configuration, not the peer or the network.", ver, peer_desc(n),
                n->send_error.p);
        } else if (n->send_error.len && !n->ike_version && n->main_exch == EX_NONE) {
            /* a send refused with nothing else of its SA in the log: which
             * exchange it was (a keep-alive, a DPD of an SA that is up) is
             * unknown, so no failure of phase 1 either */
            as_warning(&v, 0.4);
            v.title = "This end could not send to the peer";
            v.role = IDG_ROLE_UNKNOWN;
            v.detail = arena_printf(&rc->a,
                "The kernel refused a packet this end sent to the peer %s (\"error writing to "
                "socket: %s\"), and the log shows nothing else of that IKE_SA: which exchange it "
                "belonged to (a keep-alive or DPD of an SA that is up, or a new negotiation) is not "
                "known. If it repeats, check this end's route to the peer and the local address "
                "in use (an interface that went down or changed its address).", peer_desc(n),
                n->send_error.p);
        } else if (n->send_error.len) {
            /* the kernel refused to send: nothing reached the path */
            v.confidence = 0.9;
            v.detail = arena_printf(&rc->a,
                "This end could not send its %s request to the peer %s: the kernel refused it "
                "(\"error writing to socket: %s\"), so the packets never left this host. Check "
                "this end's route to the peer, its outgoing interface and the local address "
                "the connection uses.", ver, peer_desc(n), n->send_error.p);
        } else if (n->ike_version == 2 && n->retransmit_msgid >= 1) {
            /* IKE_SA_INIT (message ID 0) was answered: the later request
             * is lost on the way (UDP 4500 after NAT detection, or the
             * fragments of a large IKE_AUTH / IKE_INTERMEDIATE message) */
            const char *x = n->main_exch == EX_IKE_INTERMEDIATE ? "IKE_INTERMEDIATE" : "IKE_AUTH";
            v.unanswered_after = 1;
            v.detail = arena_printf(&rc->a,
                "The peer %s answered IKE_SA_INIT, but never answered the following %s request "
                "(message ID %lld%s): this end sent it with %s, %s. UDP 4500 "
                "is blocked on the path (IKE moves to port 4500 after IKE_SA_INIT), or the large %s "
                "message is fragmented and the fragments are dropped (check the MTU and enable IKE "
                "fragmentation on both ends), or the peer silently drops it.%s", peer_desc(n), x,
                (long long)n->retransmit_msgid, n->remote_port == 4500 ? ", to port 4500" : "",
                sent, gave, x, frag_not_negotiated(n));
        } else if (n->ike_version == 1 && n->v1_id_sent && n->last_gen_x == EX_ID_PROT) {
            /* messages 1-4 (SA, KE) were answered, the encrypted 5th not */
            int nat = n->remote_port == 4500;
            const char *where = nat ? ", sent to UDP port 4500 after NAT detection" : "";
            v.unanswered_after = nat ? 4 : 2;
            if (v1_fragments_lost(n)) {
                /* too large for one packet, and no IKE fragmentation: IP
                 * fragments, which the path may drop */
                v.v1_frag_lost = 1;
                v.detail = arena_printf(&rc->a,
                    "The peer %s answered this end's first Main Mode messages (SA and KE), but not "
                    "its identification message (message 5)%s: this end sent it, %u bytes, with %s, "
                    "%s. That is more than one packet carries on most paths, and the peer announced "
                    "no IKE fragmentation (no FRAGMENTATION vendor ID in its answers), so the "
                    "message travels as IP fragments, which NAT routers and firewalls often drop. A "
                    "certificate (its chain, a large RSA key) makes message 5 large.%s",
                    peer_desc(n), where, (unsigned)n->last_send_bytes, sent, gave,
                    n->v1_id_sent == 2 ? " (With pre-shared keys, differing keys also leave it "
                                         "unanswered: the peer's log says which.)" : "");
            } else {
                if (!nat && n->v1_id_sent == 2) {
                    v.cls = IDG_CLASS_PHASE1_PSK_MISMATCH;
                    v.confidence = 0.5;
                    add_off(rc, "phase1.psk", NULL, NULL);
                }
                v.detail = arena_printf(&rc->a,
                    "The peer %s answered this end's first Main Mode messages (SA and KE), but not "
                    "its identification message (message 5, the first encrypted one)%s: this end "
                    "sent it with %s, %s. Most often the %s differ (the peer cannot decrypt the "
                    "message and drops it), or the peer does not accept this end's identity%s; the "
                    "peer's log says which.", peer_desc(n), where, sent, gave,
                    n->v1_id_sent == 2 ? "pre-shared keys" : "keys or certificates",
                    nat ? ", or UDP 4500 is blocked on the path" : "");
            }
        } else if (n->ike_version == 1 && n->remote_port == 4500) {
            /* Main/Aggressive Mode moves to port 4500 after NAT-D: the
             * first messages were answered */
            v.unanswered_after = 3;
            v.detail = arena_printf(&rc->a,
                "The peer %s stopped answering: the first %s messages got through, then this end "
                "moved to UDP port 4500 (NAT traversal) and its request there got %s "
                "without an answer%s. UDP 4500 is blocked on the path, or the peer silently drops "
                "the request.", peer_desc(n), mode_name(n) ? mode_name(n) : "phase 1", sent,
                cut ? " (the log ends before charon gives up)" : "");
        } else if (!n->ike_version && n->main_exch == EX_NONE && !n->remote_addr.len) {
            /* retransmits and nothing else of the SA: the request may as
             * well have been a DPD or a rekey of an SA that was up (which
             * exchange is not known, nor the peer) */
            v.confidence = cut ? 0.4 : 0.5;
            v.detail = arena_printf(&rc->a,
                "This end got no answer to a request to the peer: it sent it with %s, %s. The log "
                "shows nothing else of this IKE_SA, so which exchange it was is not known: setting "
                "up phase 1 (the peer is down or unreachable, UDP 500/4500 is blocked on the path, "
                "or the peer silently drops the request), or a liveness check (DPD) or rekey of an "
                "SA that was up (the peer or the path went away; dpd_action = restart and "
                "keyingtries = %%forever bring the tunnel back by themselves). The lines before it "
                "in the log tell which.", sent, gave);
        } else {
            v.detail = arena_printf(&rc->a,
                "The peer %s never answered: this end sent its %s %s request and %s, "
                "%s. The peer is down or unreachable, UDP 500/4500 is blocked on the path, "
                "or the peer silently drops the request.", peer_desc(n), ver,
                n->ike_version == 2 ? "IKE_SA_INIT" : (mode_name(n) ? mode_name(n) : "phase 1"),
                sent, gave);
        }
        if (n->remote_addr.len && v.cls == IDG_CLASS_PHASE1_PEER_UNREACHABLE)
            add_off(rc, "phase1.remote_gateway", n->remote_addr.p, NULL);
    } else if ((f & FACT(F1_INVALID_KE)) && ke_unimplemented(n)) {
        /* every retry of the peer ends the same way (ke_unimplemented) */
        v.cls = IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
        v.confidence = 0.85;
        v.ev_last = n->ke_seq;
        add_off(rc, "phase1.dh_group", arena_printf(&rc->a, "%s (not implemented)", S(&n->ke_offered)),
                S(&n->ke_offered));
        v.detail = arena_printf(&rc->a,
            "The peer's IKE_SA_INIT used DH group %s, the group this end's proposal selected, yet "
            "this end answered INVALID_KE_PAYLOAD requesting that very group: charon has no "
            "implementation of %s loaded (the crypto plugin that provides it is missing or not "
            "loaded), so it cannot compute the key exchange, and every retry of the peer ends the "
            "same way.", S(&n->ke_offered), S(&n->ke_offered));
    } else if ((f & FACT(F1_INVALID_KE)) && !(f & FACT(F1_HALF_OPEN))) {
        /* (a retried INVALID_KE whose SA then stayed half open: the
         * half-open SA is the story) */
        v.cls = IDG_CLASS_PHASE1_DH_GROUP_MISMATCH;
        as_warning(&v, 0.9);
        v.title = "Phase 1 DH group retried (INVALID_KE_PAYLOAD)";
        v.ev_last = n->ke_seq; /* the exchange that retried, not the IKE_AUTH after it */
        int resp = n->ke_role == IDG_ROLE_RESPONDER;
        add_ke_retry_off(rc, "phase1.dh_group", n->ke_role, &n->ke_offered, &n->ke_requested);
        v.detail = resp
            ? arena_printf(&rc->a,
                "The initiator's first IKE_SA_INIT used DH group %s; this end requested %s "
                "(INVALID_KE_PAYLOAD) and the initiator is expected to retry with it. This costs a "
                "round trip; it is not a failure by itself. (The retry is a new IKE_SA: if none "
                "from this initiator follows, it does not offer %s at all, and phase 1 cannot "
                "complete.)", S(&n->ke_offered), S(&n->ke_requested), S(&n->ke_requested))
            : arena_printf(&rc->a,
                "The peer did not accept DH group %s and requested %s (INVALID_KE_PAYLOAD); this end "
                "%s with %s%s.", S(&n->ke_offered), S(&n->ke_requested),
                n->ike_established || n->ke_retry_accepted ? "retried" : "retries", S(&n->ke_requested),
                n->ike_established ? " and the IKE_SA came up"
                : n->ke_retry_accepted ? " and the peer accepted it (its IKE_SA_INIT answer carries its "
                                         "key exchange): the DH group is settled, and whatever happens "
                                         "after IKE_SA_INIT is not caused by it"
                : " (the log ends before the retry's outcome)");
        if (n->invalid_ke_warned) {
            neg_clear_facts(n, F1_MASK);
            return;
        }
        n->invalid_ke_warned = 1;
    } else if (f & FACT(F1_HALF_OPEN)) {
        v.cls = IDG_CLASS_PHASE1_PEER_UNREACHABLE;
        as_warning(&v, 0.4);
        /* where the peer stopped */
        int auth_answered = n->last_gen_x == EX_IKE_AUTH && !n->last_gen_request;
        int no_auth = n->main_exch == EX_IKE_SA_INIT || n->half_open_cut;
        v.half_open_stage = auth_answered ? 2 : no_auth && n->peer_retransmits ? 3 : no_auth ? 1 : 0;
        if (!n->half_open_waited_ms && v.half_open_stage == 3)
            v.detail = arena_printf(&rc->a,
                "The peer %s sent its %s again and again (%u retransmit%s) although this end answered "
                "each one, %s: this end's answers do not reach the peer (a firewall or NAT on the way "
                "back, asymmetric routing, or an answer too large for the path).", peer_desc(n),
                n->main_exch == EX_IKE_SA_INIT ? "IKE_SA_INIT" : "first request",
                (unsigned)n->peer_retransmits, n->peer_retransmits == 1 ? "" : "s",
                n->half_open_cut ? "and the log ends before this end gives up"
                                 : "then this end deleted the half-open SA");
        else if (!n->half_open_waited_ms && v.half_open_stage == 2)
            v.detail = arena_printf(&rc->a,
                "The peer %s went silent after this end's IKE_AUTH answer, and this end deleted the "
                "half-open SA: the peer did not accept this end's authentication (its certificate, "
                "the CA it needs to trust, or the identity it expected), or the answer's fragments "
                "were lost on the way. The peer's log says which.", peer_desc(n));
        else if (n->half_open_waited_ms || v.half_open_stage == 1) {
            /* IKE_AUTH never came: until charon's timeout, or as long as
             * the log runs on (conclude_unfinished) */
            long long waited = (long long)(n->half_open_waited_ms / 1000);
            v.detail = arena_printf(&rc->a,
                "The peer %s started an IKE_SA and this end answered its IKE_SA_INIT, but the peer's "
                "IKE_AUTH request never arrived%s. It is lost on the way (UDP 4500 blocked%s after NAT "
                "detection, or its fragments dropped: a certificate makes IKE_AUTH large), or the "
                "peer gave up on this end's answer (its log tells why).%s", peer_desc(n),
                waited ? arena_printf(&rc->a, " in the %lld s the log runs on", waited)
                       : ", and this end deleted the half-open SA after the timeout",
                waited ? "" : " or not forwarded", frag_not_negotiated(n));
        } else
            v.detail = arena_printf(&rc->a,
                "The peer %s started an IKE_SA but never completed it; this end deleted the half-open SA "
                "after the timeout. Either this end's answers do not reach the peer, or the peer gave up "
                "(its log tells why).", peer_desc(n));
    } else if (f & FACT(F1_SENT_NO_PROP)) {
        if (n->p1_received.len && n->p1_configured.len) {
            proposal_verdict(rc, n, 1, 0, &v);
            v.confidence = v.confidence > 0.8 ? 0.8 : v.confidence;
        } else {
            v.cls = IDG_CLASS_PHASE1_PROPOSAL_MISMATCH;
            v.confidence = 0.5;
        }
        v.detail = arena_printf(&rc->a,
            "This end answered the peer's %s request with NO_PROPOSAL_CHOSEN: no configured proposal "
            "(or no IKE config for the peer's address and version) matches%s%s.", ver,
            rc->n_off ? ": " : "", rc->n_off ? offending_text(rc) : "");
    } else if (f & FACT(F1_SENT_AUTH_FAILED)) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.confidence = 0.4;
        v.detail = arena_printf(&rc->a,
            "This end rejected the peer's authentication (it sent AUTHENTICATION_FAILED) without "
            "logging why at the enabled log level: the usual causes are a peer identifier, "
            "pre-shared key, certificate or negotiation mode mismatch.");
    } else if ((f & FACT(F1_NOTIFY_EXCHANGE)) && n->mode) {
        v.cls = IDG_CLASS_PHASE1_MODE_MISMATCH;
        v.confidence = 0.7;
        int aggr = n->mode == 2;
        add_off(rc, "phase1.mode", aggr ? "aggressive" : "main", aggr ? "main" : "aggressive");
        v.detail = arena_printf(&rc->a,
            "The peer %s answered this end's %s request with UNSUPPORTED-EXCHANGE-TYPE (notify %s): "
            "it does not accept %s for this end, so it is set to %s Mode (or refuses %s Mode "
            "altogether).", peer_desc(n), mode_name(n), n->notify.len ? n->notify.p : "(29)",
            mode_name(n), aggr ? "Main" : "Aggressive", aggr ? "Aggressive" : "Main");
    } else if (f & (FACT(F1_NOTIFY_OTHER) | FACT(F1_NOTIFY_EXCHANGE))) {
        v.cls = IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE;
        v.confidence = 0.3;
        v.detail = arena_printf(&rc->a, "The peer %s answered with %s during phase 1.",
                                peer_desc(n), n->notify.len ? n->notify.p : "an error notify");
    } else {
        neg_clear_facts(n, F1_MASK);
        return;
    }
    if (v.cls >= IDG_CLASS__COUNT) {
        neg_clear_facts(n, F1_MASK);
        return;
    }
    if (!v.detail)
        v.detail = "";
    int error = !(v.sev_set && v.sev != IDG_SEVERITY_ERROR);
    emit(rc, n, &v);
    if (error)
        n->p1_failure_emitted = 1;
    neg_clear_facts(n, F1_MASK);
}

/* Both proposal lists of phase 1 are in the log, and nothing after them:
 * no selected proposal, no rejection (an excerpt that stops there, a
 * level that hides the verdict). When some transform type has no
 * algorithm in common, no proposal can match, whatever charon logs next:
 * that is the failure, said with less confidence. Returns 1 if emitted. */
static int p1_undecided_proposals(rules_ctx *rc, negotiation *n)
{
    const char *recv = S(&n->p1_received), *conf = S(&n->p1_configured);
    if (!recv || !conf || n->p1_selected.len || n->ike_established || n->p1_failure_emitted)
        return 0;
    size_t nr = proposal_list_parse(recv, strlen(recv), &rc->pl[0]);
    size_t nc = proposal_list_parse(conf, strlen(conf), &rc->pl[1]);
    if (!nr || !nc || proposal_diff_compute(&rc->pl[0], &rc->pl[1], &rc->diff) != 0)
        return 0;
    int disjoint = 0;
    for (int t = 0; t < TT__COUNT; t++)
        disjoint |= rc->diff.mismatch[t] && !(t == TT_KE && n->ike_version == 2 &&
                                               n->main_exch == EX_IKE_AUTH);
    if (!disjoint)
        return 0;
    verdict v;
    begin(rc, &v);
    v.role = p1_role(n);
    v.ev_phase = 1;
    v.phase = 1;
    proposal_verdict(rc, n, 1, 0, &v);
    if (v.cls >= IDG_CLASS__COUNT)
        return 0;
    if (v.confidence > 0.75)
        v.confidence = 0.75;
    v.detail = arena_printf(&rc->a,
        "The log ends before charon's verdict on the peer's %s proposals, but no proposal can "
        "match: %s. Received: %s; configured here: %s. charon rejects them (NO_PROPOSAL_CHOSEN).",
        version_name(n->ike_version), rc->n_off ? offending_text(rc) : "the lists differ", recv, conf);
    emit(rc, n, &v);
    n->p1_failure_emitted = 1;
    return 1;
}

/* ---- phase 2 ---------------------------------------------------------------------------------- */

static const char *ts_text(rules_ctx *rc, const ts_list *l)
{
    char buf[1024];
    ts_list_format(l, buf, sizeof buf);
    return arena_str(&rc->a, buf);
}

/* A logged traffic selector list as ts_list_format writes it (the "|/0"
 * of any protocol and port dropped, as in the other fields), or the text
 * as logged when it does not parse. */
static const char *ts_canon(rules_ctx *rc, const char *logged)
{
    if (!logged || !ts_list_parse(logged, strlen(logged), &rc->ts_a))
        return logged;
    return ts_text(rc, &rc->ts_a);
}

/* Compares the peer's proposal for both sides with this end's configured
 * selectors. charon narrows each side to the intersection and fails only
 * when a side has none: when one side has no overlap at all, that side is
 * the mismatch (the other, merely different, would have been narrowed). */
static void ts_compare(rules_ctx *rc, const char *field, const char *conf, const char *peer);

static void ts_compare_sides(rules_ctx *rc, const char *cl, const char *pl, const char *cr,
                             const char *pr)
{
    int disjoint[2] = {0, 0};
    const char *c[2] = {cl, cr}, *p[2] = {pl, pr};
    for (int k = 0; k < 2; k++) {
        if (!c[k] || !p[k])
            continue;
        if (ts_list_parse(c[k], strlen(c[k]), &rc->ts_a) && ts_list_parse(p[k], strlen(p[k]), &rc->ts_b) &&
            !ts_list_overlaps(&rc->ts_a, &rc->ts_b))
            disjoint[k] = 1;
    }
    if (disjoint[0] || disjoint[1]) {
        if (disjoint[0])
            ts_compare(rc, "phase2.local_network", cl, pl);
        if (disjoint[1])
            ts_compare(rc, "phase2.remote_network", cr, pr);
        return;
    }
    ts_compare(rc, "phase2.local_network", cl, pl);
    ts_compare(rc, "phase2.remote_network", cr, pr);
}

/* Compares the peer's proposal for one side with this end's configuration. */
static void ts_compare(rules_ctx *rc, const char *field, const char *conf, const char *peer)
{
    if (!conf && !peer)
        return;
    size_t nc = conf ? ts_list_parse(conf, strlen(conf), &rc->ts_a) : 0;
    size_t np = peer ? ts_list_parse(peer, strlen(peer), &rc->ts_b) : 0;
    if (nc && np) {
        if (!ts_list_covers(&rc->ts_a, &rc->ts_b))
            add_off(rc, field, ts_text(rc, &rc->ts_a), ts_text(rc, &rc->ts_b));
        return;
    }
    if (nc && !peer)
        add_off(rc, field, ts_text(rc, &rc->ts_a), NULL);
}

static void p2_conf_ts(rules_ctx *rc, negotiation *n, const char **local, const char **remote)
{
    *local = S(&n->ts_conf_local);
    *remote = S(&n->ts_conf_remote);
    if (*local && *remote)
        return;
    const conf_child *ch = child_conf(conn_conf(rc, n), S(&n->child));
    if (ch) {
        if (!*local)
            *local = S(&ch->local_ts);
        if (!*remote)
            *remote = S(&ch->remote_ts);
    }
}

/* How well a configured pair of selector lists fits what the peer
 * proposed: 2 per side it covers, 1 per side it overlaps. */
static int ts_fit(rules_ctx *rc, const char *conf_l, const char *conf_r, const char *peer_l,
                  const char *peer_r)
{
    int score = 0;
    const char *c[2] = {conf_l, conf_r}, *p[2] = {peer_l, peer_r};
    for (int side = 0; side < 2; side++) {
        if (!c[side] || !p[side])
            continue;
        if (!ts_list_parse(c[side], strlen(c[side]), &rc->ts_a) ||
            !ts_list_parse(p[side], strlen(p[side]), &rc->ts_b))
            continue;
        if (ts_list_covers(&rc->ts_a, &rc->ts_b))
            score += 2;
        else if (ts_list_covers(&rc->ts_b, &rc->ts_a))
            score += 1;
    }
    return score;
}

/* The responder's configured selectors closest to the peer's proposal:
 * the loaded children of the connection (named), else the candidates the
 * log listed. Names the child when it is known. */
static void p2_best_child(rules_ctx *rc, negotiation *n, const char **cl, const char **cr)
{
    const char *pl = S(&n->ts_peer_local), *pr = S(&n->ts_peer_remote);
    const conf_conn *cc = conn_conf(rc, n);
    int best = -1;
    *cl = *cr = NULL;
    if (cc && cc->n_children > 0 && pl && pr) {
        const conf_child *bc = NULL;
        for (size_t i = 0; i < cc->n_children; i++) {
            const conf_child *ch = &cc->children[i];
            int sc = ts_fit(rc, S(&ch->local_ts), S(&ch->remote_ts), pl, pr);
            if (sc > best) {
                best = sc;
                bc = ch;
            }
        }
        if (bc) {
            *cl = S(&bc->local_ts);
            *cr = S(&bc->remote_ts);
            if (cc->n_children > 1 || !n->child.len) {
                nstr_set(&n->child, bc->name.p, bc->name.len);
                n->child_fresh = 1;
            }
            return;
        }
    }
    if (n->n_ts_cand > 1 && pl && pr) {
        for (int k = 0; k < n->n_ts_cand; k++) {
            int sc = ts_fit(rc, S(&n->ts_cand_us[k]), S(&n->ts_cand_other[k]), pl, pr);
            if (sc > best) {
                best = sc;
                *cl = S(&n->ts_cand_us[k]);
                *cr = S(&n->ts_cand_other[k]);
            }
        }
        return;
    }
    if (n->n_ts_cand == 1) {
        *cl = S(&n->ts_cand_us[0]);
        *cr = S(&n->ts_cand_other[0]);
        if (*cl || *cr)
            return;
    }
    p2_conf_ts(rc, n, cl, cr);
}

static const char *exch_label(exch_type x)
{
    switch (x) {
    case EX_QUICK_MODE:
        return "Quick Mode";
    case EX_IKE_AUTH:
        return "IKE_AUTH";
    case EX_CREATE_CHILD_SA:
        return "CREATE_CHILD_SA";
    default:
        return "phase 2";
    }
}

/* The virtual IP's part in a CHILD_SA that did not come up: which end had
 * no address, or did not ask for one (negotiation.vip_cause). */
static void p2_virtual_ip(rules_ctx *rc, negotiation *n, verdict *v)
{
    const char *req = S(&n->vip_requested), *pool = S(&n->vip_pool);
    int any = !req || streq(req, "0.0.0.0") || streq(req, "::") || streq(req, "%any") ||
              streq(req, "%any6");
    const char *asked = any ? "an address" : arena_printf(&rc->a, "the address %s", req);
    v->cls = IDG_CLASS_PHASE2_VIRTUAL_IP_FAILURE;
    v->confidence = 0.9;
    switch (n->vip_cause) {
    case VIP_POOL_FULL:
        v->role = IDG_ROLE_RESPONDER;
        add_off(rc, "phase2.virtual_ip", arena_printf(&rc->a, "pool %s full", pool), req);
        v->detail = n->ike_version == 1 && (n->facts & FACT(F2_NO_CHILD_CFG))
            ? arena_printf(&rc->a, "The peer %s asked for %s (IKEv1 mode config), but this end's "
                           "address pool '%s' is full, so its answer carried none; the peer then "
                           "proposed its own address in Quick Mode, which no phase 2 here matches "
                           "(INVALID_ID_INFORMATION): the pool is the cause, not the networks.",
                           peer_desc(n), asked, pool)
            : arena_printf(&rc->a, "The peer %s asked for %s, but this end's address pool '%s' "
                           "is full, so no CHILD_SA was built%s.", peer_desc(n), asked, pool,
                           n->ike_version == 1 ? "" : " (INTERNAL_ADDRESS_FAILURE)");
        break;
    case VIP_DHCP_NO_ANSWER:
        v->role = IDG_ROLE_RESPONDER;
        v->confidence = (n->facts & FACT(F2_VIP_FAILED)) && n->dhcp_discovers < 2 ? 0.8 : 0.6;
        add_off(rc, "phase2.virtual_ip", "DHCP: no offer", req);
        v->detail = arena_printf(&rc->a, "This end asked a DHCP server for the peer's virtual IP (%u "
                                 "DHCP DISCOVER sent) and received no offer, so the peer %s got no "
                                 "address and no CHILD_SA.", (unsigned)n->dhcp_discovers, peer_desc(n));
        break;
    case VIP_NOT_REQUESTED:
        v->role = IDG_ROLE_RESPONDER;
        add_off(rc, "phase2.virtual_ip", "required (address pool)", "not requested");
        v->detail = arena_printf(&rc->a, "This end's connection assigns virtual IPs, but the peer %s "
                                 "requested none (no configuration payload), so this end answered "
                                 "FAILED_CP_REQUIRED and built no CHILD_SA.", peer_desc(n));
        break;
    case VIP_INSTALL:
        v->role = IDG_ROLE_INITIATOR;
        add_off(rc, "phase2.virtual_ip", req, NULL);
        v->detail = arena_printf(&rc->a, "The peer %s assigned this end the virtual IP %s, but it "
                                 "could not be installed on a local interface.",
                                 peer_desc(n), req ? req : "(not logged)");
        break;
    case VIP_PEER_NO_ADDRESS:
        v->role = IDG_ROLE_INITIATOR;
        add_off(rc, "phase2.virtual_ip", req ? req : "requested", "no address available");
        v->detail = arena_printf(&rc->a, "The peer %s had no virtual IP to give this end "
                                 "(INTERNAL_ADDRESS_FAILURE): its pool is full or missing, or it "
                                 "cannot give the address this end asked for.", peer_desc(n));
        break;
    case VIP_PEER_REFUSES_CP:
        v->role = IDG_ROLE_INITIATOR;
        add_off(rc, "phase2.virtual_ip", "requested (mode config)", "none given");
        v->detail = arena_printf(&rc->a, "This end asked the peer %s for a virtual IP (IKEv1 mode "
                                 "config, TRANSACTION [ CPRQ ]) and the peer answered %s: it gives no "
                                 "addresses, as a site-to-site gateway does, so this end's connection "
                                 "must not request one.", peer_desc(n),
                                 n->notify.len ? n->notify.p : "with an error");
        break;
    case VIP_PEER_REQUIRES:
        v->role = IDG_ROLE_INITIATOR;
        add_off(rc, "phase2.virtual_ip", "not requested", "required");
        v->detail = arena_printf(&rc->a, "The peer %s requires this end to request a virtual IP "
                                 "(FAILED_CP_REQUIRED): it treats this end as a remote-access "
                                 "client, and this end's connection asks for no address.",
                                 peer_desc(n));
        break;
    default: /* VIP_NO_ADDRESS, or only the summary line */
        v->role = IDG_ROLE_RESPONDER;
        if (n->vip_cause == VIP_UNKNOWN)
            v->confidence = 0.7;
        add_off(rc, "phase2.virtual_ip", "no address", req);
        v->detail = arena_printf(&rc->a, "The peer %s asked for %s and this end found no virtual IP "
                                 "for it (no pool on the connection, a full pool, or a requested "
                                 "address outside it), so no CHILD_SA was built.",
                                 peer_desc(n), asked);
        break;
    }
}

static void p2_failure(rules_ctx *rc, negotiation *n)
{
    uint64_t f = n->facts & F2_MASK;
    verdict v;
    begin(rc, &v);
    v.phase = 2;
    v.ev_phase = 2;
    v.role = p2_role(n);
    v.rekey = n->p2_rekey;
    const char *ex = exch_label(n->p2_exch);

    if (n->p2_emitted_any && n->p2_emitted_msgid == n->p2_msgid) {
        neg_clear_facts(n, F2_MASK);
        return;
    }
    if (f & FACT(F2_ALG_UNSUPPORTED)) {
        alg_unsupported(rc, n, &v, 2);
    } else if ((f & FACT(F2_MODE_MISMATCH)) && n->mode_refused_here) {
        /* IKEv1 responder: child config and selectors matched, the mode
         * the initiator asked for did not (fold_no_child_cfg) */
        const conf_child *ch = child_conf(conn_conf(rc, n), S(&n->child));
        const char *mine = ch ? S(&ch->mode) : NULL; /* TUNNEL, TRANSPORT(_PROXY), ... */
        const char *other = !mine ? NULL
                            : !strcmp(mine, "TUNNEL") ? "TRANSPORT"
                            : !strncmp(mine, "TRANSPORT", 9) ? "TUNNEL" : NULL;
        v.cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
        v.title = "Phase 2 mode mismatch (tunnel vs transport)";
        v.role = IDG_ROLE_RESPONDER;
        v.confidence = 0.85;
        add_off(rc, "phase2.mode", mine, other);
        v.detail = arena_printf(&rc->a,
            "The initiator's Quick Mode matched this end's phase 2%s and both its traffic "
            "selectors (%s === %s), yet charon found no matching CHILD_SA config and answered "
            "INVALID_ID_INFORMATION: the one thing it still compares there is the mode, so the "
            "initiator asked for %s mode while this end's phase 2 is set to %s. Both ends must use "
            "the same mode: transport only for traffic between the two hosts themselves, tunnel "
            "for networks.", quoted_name(rc, S(&n->child)), S(&n->ts_peer_remote) ? S(&n->ts_peer_remote) : "?",
            S(&n->ts_peer_local) ? S(&n->ts_peer_local) : "?",
            other ? other : "another", mine ? mine : "another mode");
    } else if (f & FACT(F2_MODE_MISMATCH)) {
        const char *pm = S(&n->p2_mode_peer);
        v.cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
        v.title = n->transport_refused ? "Phase 2 transport mode refused: the traffic selectors are not host-to-host"
                                       : "Phase 2 mode mismatch (tunnel vs transport)";
        v.confidence = 0.9;
        add_off(rc, "phase2.mode", n->transport_refused ? "TRANSPORT (traffic selectors not host-to-host)"
                                                         : NULL, pm);
        v.detail = arena_printf(&rc->a,
            "The responder %s accepted this end's CHILD_SA in %s mode, which this end does not "
            "accept%s, so the CHILD_SA failed. Both ends must use the same mode: transport only for "
            "traffic between the two hosts themselves, tunnel for networks.", peer_desc(n),
            pm ? pm : "another", n->transport_refused
                ? ": transport mode was asked for, but the traffic selectors are not the two hosts "
                  "(\"not using transport mode, not host-to-host\")"
                : " (its CHILD_SA is set to another mode)");
    } else if ((f & FACT(F2_INSTALL_FAILED)) && n->policy_conflict) {
        v.cls = IDG_CLASS_PHASE2_INSTALL_FAILURE;
        v.confidence = 0.9;
        v.detail = n->p2_rekey
            ? arena_printf(&rc->a,
                "The rekeyed CHILD_SA was negotiated, but its kernel policy could not be installed "
                "because another reqid holds the same one (%s). A rekey keeps the reqid of the SA it "
                "replaces, so the two should not collide: unless another phase 2 has the same "
                "networks, charon gave the new SA a fresh reqid while the SA it replaces keeps the "
                "policy, and traffic stops when that one expires.", S(&n->knl_error))
            : arena_printf(&rc->a,
                "The CHILD_SA was negotiated, but its kernel policy could not be installed because "
                "another CHILD_SA already holds the same one (%s): two phase 2 entries, in this tunnel "
                "or another, have the same local and remote networks, or an old SA of this tunnel is "
                "still installed under another reqid.", S(&n->knl_error));
    } else if (f & FACT(F2_INSTALL_FAILED)) {
        v.cls = IDG_CLASS_PHASE2_INSTALL_FAILURE;
        v.confidence = n->install_netlink_only == 2 ? 0.45 : n->install_netlink_only ? 0.6 : 0.9;
        v.detail = arena_printf(&rc->a,
            "%s: %s%s%s%s. %s",
            n->install_cause == INSTALL_SPI_ALLOC
                ? "The kernel gave the CHILD_SA no SPI, so it could not be negotiated"
            : n->install_netlink_only == 2
                ? "The kernel refused an IPsec SA (the log shows nothing else of its negotiation)"
                : "The CHILD_SA was negotiated, but the kernel refused to install it",
            n->install_detail.len ? n->install_detail.p : "SA installation failed",
            n->knl_error.len ? " (" : "", n->knl_error.len ? n->knl_error.p : "", n->knl_error.len ? ")" : "",
            n->install_cause == INSTALL_OFFLOAD
                ? "The network card's driver refused to offload the SA (hardware offload is on)."
            : n->install_cause == INSTALL_ROUTE_IS_IKE
                ? "The traffic selectors cover the two IKE endpoints themselves (a host-to-host "
                  "tunnel between the gateways' own addresses): the route for them would carry the "
                  "IKE packets into the tunnel, so kernel-pfkey installs neither route nor policies."
            : n->install_cause == INSTALL_ALG_UNSUPPORTED
                ? arena_printf(&rc->a, "The kernel does not support %s, so charon did not even hand it "
                               "the SA (\"not supported by kernel\"): the negotiated phase 2 needs "
                               "algorithms this kernel has, or the kernel needs support for it.",
                               S(&n->knl_alg_unsupported))
            : n->install_cause == INSTALL_SPI_ALLOC
                ? (n->knl_errno == KNL_EOPNOTSUPP
                       ? "The kernel refused charon's first request, an SPI, which carries no "
                         "algorithm, with EOPNOTSUPP: Linux's XFRM answers that to a 32-bit program "
                         "on a 64-bit kernel (a 32-bit userspace, as on many Raspberry Pi systems) "
                         "unless the kernel has XFRM's 32-bit compat layer (xfrm_compat, Linux 5.10+). "
                         "Run a 64-bit charon, load xfrm_compat, or use charon's kernel-libipsec plugin."
                       : "The kernel refused charon's first request, an SPI, which carries no "
                         "algorithm: its IPsec interface does not work for charon (on Linux the "
                         "xfrm_user and esp4/esp6 modules, in a container the host's; on FreeBSD the "
                         "ipsec module). The proposals are not the cause.")
            : n->install_cause == INSTALL_NO_KERNEL_IPSEC
                ? "At its start charon could not enable UDP decapsulation either: the kernel has no "
                  "IPsec support loaded (on FreeBSD, and so pfSense and OPNsense, the ipsec kernel "
                  "module; on Linux the xfrm and esp modules), so it accepts no SA."
            : n->install_cause == INSTALL_SA_EXISTS
                ? "The kernel already holds an SA with that SPI (ALREADY_DONE): another IKE daemon "
                  "or a second charon installs SAs on this host, an old SA was left behind, or the "
                  "tunnel connects this host to itself (ip xfrm state lists them)."
            : n->p2_ah
                ? "The negotiated protocol is AH: check that the kernel supports AH and its "
                  "algorithms (the ah4/ah6 and XFRM modules on Linux; some kernels, WSL's among "
                  "them, have none), or use ESP."
                : kernel_errno_cause(rc, n));
    } else if (f & (FACT(F2_VIP_FAILED) | FACT(F2_NOTIFY_VIP))) {
        p2_virtual_ip(rc, n, &v);
    } else if (f & (FACT(F2_NO_CHILD_CFG) | FACT(F2_TS_UNACCEPTABLE))) {
        const char *cl, *cr;
        p2_best_child(rc, n, &cl, &cr);
        const char *pl = S(&n->ts_peer_local), *pr = S(&n->ts_peer_remote);
        ts_compare_sides(rc, cl, pl, cr, pr);
        v.cls = IDG_CLASS_PHASE2_NETWORK_MISMATCH;
        /* without this end's own selectors the log cannot tell a phase 2
         * that differs from one that is configured but not loaded */
        v.confidence = cl || cr ? 0.9 : 0.75;
        if (pl || pr || cl || cr)
            v.detail = arena_printf(&rc->a,
                "The peer proposed the traffic selectors %s (this side) === %s (its side), which no "
                "phase 2 of this end matches (configured here: %s === %s)%s%s.%s",
                pl ? pl : "(not logged)", pr ? pr : "(not logged)", cl ? cl : "(not logged)",
                cr ? cr : "(not logged)", rc->n_off ? ": " : "", rc->n_off ? offending_text(rc) : "",
                cl || cr ? ""
                         : " This end's own selectors are not in the log: if a phase 2 with exactly "
                           "these networks is configured here, it is not loaded (swanctl "
                           "--list-conns lists what is; a restart of the IPsec service reloads it).");
        else
            v.detail = arena_printf(&rc->a,
                "The peer proposed traffic selectors (local/remote networks) which no phase 2 of this "
                "end matches. The networks themselves are logged only at the Diag level of the "
                "Configuration backend (CFG 2); compare both ends' phase 2 Local and Remote Networks.");
    } else if (f & FACT(F2_PROPOSAL_REJECT)) {
        int ignore_ke = n->p2_exch == EX_IKE_AUTH ? 1 : n->p2_exch == EX_NONE && n->ike_version == 2 ? 2 : 0;
        proposal_verdict(rc, n, 2, ignore_ke, &v);
        v.detail = arena_printf(&rc->a,
            "This end rejected the peer's %s proposals in %s%s: %s. Received: %s; configured here: %s.%s",
            n->p2_received.len && strstr(n->p2_received.p, "AH:") ? "AH" : "ESP", ex,
            n->p2_rekey ? " (rekey)" : "",
            rc->n_off ? offending_text(rc)
                      : n->p2_received.len ? "no single transform explains it" : "the peer's proposals are not in the log",
            n->p2_received.len ? n->p2_received.p : "(not logged)",
            n->p2_configured.len ? n->p2_configured.p : "(not logged)",
            refusal_note(rc));
        if (!rc->n_off && !n->p2_received.len)
            own_proposal_offending(rc, n, 2); /* at least this end's values */
    } else if (f & FACT(F2_NO_ACCEPTABLE_TS)) {
        const char *cl, *cr;
        p2_conf_ts(rc, n, &cl, &cr);
        if (cl || n->ts_peer_local.len)
            add_off(rc, "phase2.local_network", ts_canon(rc, cl), ts_canon(rc, S(&n->ts_peer_local)));
        if (cr || n->ts_peer_remote.len)
            add_off(rc, "phase2.remote_network", ts_canon(rc, cr), ts_canon(rc, S(&n->ts_peer_remote)));
        v.cls = IDG_CLASS_PHASE2_NETWORK_MISMATCH;
        v.confidence = 0.7;
        v.detail = (cl || cr)
            ? arena_printf(&rc->a,
                "The peer narrowed the traffic selectors to something outside this end's phase 2 "
                "(configured here: %s === %s).", cl ? cl : "(not logged)", cr ? cr : "(not logged)")
            : arena_printf(&rc->a,
                "The peer narrowed the traffic selectors to something outside this end's phase 2.");
    } else if (f & FACT(F2_NOTIFY_TS)) {
        const char *cl, *cr;
        p2_conf_ts(rc, n, &cl, &cr);
        if (cl)
            add_off(rc, "phase2.local_network", ts_canon(rc, cl), NULL);
        if (cr)
            add_off(rc, "phase2.remote_network", ts_canon(rc, cr), NULL);
        v.cls = IDG_CLASS_PHASE2_NETWORK_MISMATCH;
        v.confidence = 0.65;
        v.detail = (cl || cr)
            ? arena_printf(&rc->a,
                "The peer %s rejected this end's traffic selectors %s === %s (%s): its phase 2 has "
                "other local/remote networks, or limits them to a protocol or port (a Windows "
                "policy for TCP only, an L2TP policy for UDP 1701). The peer's log shows what it "
                "expects.",
                peer_desc(n), cl ? cl : "(not logged)", cr ? cr : "(not logged)",
                n->notify.len ? n->notify.p : "TS error")
            : arena_printf(&rc->a,
                "The peer %s rejected this end's traffic selectors (%s): its phase 2 has other "
                "local/remote networks than this end's, or limits them to a protocol or port (a "
                "Windows policy for TCP only, an L2TP policy for UDP 1701). The peer's log shows "
                "what it expects.",
                peer_desc(n), n->notify.len ? n->notify.p : "TS error");
    } else if (f & FACT(F2_NOTIFY_NO_PROP)) {
        if (n->ike_version == 1 && !n->p2_we_initiated && n->p2_selected_ok) {
            v.cls = IDG_CLASS_PHASE2_INSTALL_FAILURE;
            v.confidence = 0.4;
            v.detail = arena_printf(&rc->a,
                "This end accepted the peer's Quick Mode proposal, then the peer %s sent "
                "NO_PROPOSAL_CHOSEN: the peer most likely failed to install the SA (its log shows "
                "the kernel error).", peer_desc(n));
        } else if (n->ike_version == 2 && n->p2_exch == EX_CREATE_CHILD_SA &&
                   (n->p2_rekey || (n->child_ever_established && n->p2_auth_child_ok))) {
            /* This end saw only NO_PROPOSAL_CHOSEN on a rekey of a CHILD_SA
             * that works: a rekey failure, whose likely cause (the PFS
             * group, negotiated only now) is named but not proven. */
            v.cls = n->p2_rekey ? IDG_CLASS_PHASE2_REKEY_FAILURE : IDG_CLASS_PHASE2_PFS_MISMATCH;
            v.confidence = 0.6;
            const char *own = S(&n->p2_proposed) ? S(&n->p2_proposed) : S(&n->p2_configured);
            const char *ke = NULL, *addke = NULL;
            if (own && proposal_list_parse(own, strlen(own), &rc->pl[1])) {
                ke = list_values(rc, &rc->pl[1], TT_KE);
                addke = addke_values(rc, &rc->pl[1]);
                rc->rec_local = &rc->pl[1].items[0];
            }
            if (own)
                add_off(rc, "phase2.pfs_group", ke ? ke : "NONE", NULL);
            if (addke) /* (6.x: RFC 9370 additional key exchanges, negotiated with the group) */
                add_off(rc, "phase2.additional_ke", addke, NULL);
            if (addke && ke)
                ke = arena_printf(&rc->a, "%s with the additional key exchange %s", ke, addke);
            v.detail = n->p2_auth_child_ok
                ? arena_printf(&rc->a,
                    "The CHILD_SA came up in IKE_AUTH (negotiated without PFS), but the peer rejected "
                    "the %s with NO_PROPOSAL_CHOSEN. The proposals are otherwise the same, so the PFS "
                    "key group differs (this end: %s).",
                    n->p2_rekey ? "rekey" : "new CHILD_SA", ke ? ke : (own ? "none" : "not logged"))
                : arena_printf(&rc->a,
                    "The peer rejected the rekeying of a working CHILD_SA with NO_PROPOSAL_CHOSEN. "
                    "IKEv2 negotiates the first CHILD_SA without PFS, so the PFS key group is the "
                    "usual difference that shows only now%s%s%s; the peer's log names the "
                    "transform.", own ? " (this end: " : "", own ? (ke ? ke : "none") : "",
                    own ? ")" : "");
        } else {
            v.cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
            own_proposal_offending(rc, n, 2);
            v.confidence = 0.6;
            v.detail = arena_printf(&rc->a,
                "The peer %s answered this end's %s with NO_PROPOSAL_CHOSEN: none of this end's "
                "phase 2 proposals (%s) is acceptable to it.%s%s The peer's log names the transform "
                "(charon answers the same when its kernel refused to install the SA).",
                peer_desc(n), ex,
                n->p2_proposed.len ? n->p2_proposed.p : (n->p2_configured.len ? n->p2_configured.p : "not logged"),
                n->ike_version == 1 && n->qm_sent_ke && !n->p2_proposed.len && !n->p2_configured.len
                    ? " This end's Quick Mode carried a KE payload, so it asks for PFS: a peer with "
                      "PFS off (or another group) refuses it for that alone."
                    : "",
                n->payload_notify_unauthenticated && !n->ike_established
                    ? " Its answer held no IDr or AUTH payload (strongSwan 6.0 answers so when the "
                      "CHILD_SA fails), so this end gave up the IKE_SA as well: it comes up once "
                      "phase 2 does."
                    : "");
        }
    } else if ((f & FACT(F2_REKEY_FAILED)) && n->rekey_collision) {
        v.cls = IDG_CLASS_PHASE2_REKEY_FAILURE;
        as_warning(&v, 0.7);
        v.detail = arena_printf(&rc->a, "The peer answered this end's rekey of the CHILD_SA%s%s with "
                                "TEMPORARY_FAILURE: both ends were rekeying it at the same time (a rekey "
                                "collision), and charon retries. Harmless once; if it repeats, the ends' "
                                "rekey times are too close (no randomisation).",
                                n->child.len ? " " : "", n->child.len ? n->child.p : "");
    } else if (f & FACT(F2_REKEY_FAILED)) {
        v.cls = IDG_CLASS_PHASE2_REKEY_FAILURE;
        v.confidence = 0.6;
        v.detail = arena_printf(&rc->a, "Rekeying the CHILD_SA%s%s failed; charon retries. This log "
                                "does not say why: most often the PFS key groups differ (IKEv2 "
                                "negotiates PFS only when rekeying), else the peer or this end's "
                                "kernel refused the new SA. Compare the phase 2 settings of both ends.",
                                n->child.len ? " " : "", n->child.len ? n->child.p : "");
    } else if (f & FACT(F2_NOTIFY_OTHER)) {
        v.cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
        v.confidence = 0.3;
        v.detail = arena_printf(&rc->a, "The peer rejected the CHILD_SA with %s.",
                                n->notify.len ? n->notify.p : "an error");
    } else if (f & FACT(F2_PEER_DELETED)) {
        v.cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
        v.confidence = 0.4;
        own_proposal_offending(rc, n, 2);
        v.detail = arena_printf(&rc->a,
            "The peer %s answered this end's Quick Mode request by deleting the IKE_SA, without a "
            "notify: it rejected phase 2 (most often the proposals, the networks or PFS%s%s). The "
            "peer's log names the reason.", peer_desc(n),
            n->p2_proposed.len || n->p2_configured.len ? "; this end proposed " : "",
            n->p2_proposed.len ? n->p2_proposed.p : (n->p2_configured.len ? n->p2_configured.p : ""));
    } else if (f & FACT(F2_CHILD_FAILED)) {
        v.cls = IDG_CLASS_PHASE2_PROPOSAL_MISMATCH;
        v.confidence = 0.3;
        v.detail = arena_printf(&rc->a, "The CHILD_SA could not be established; the log does not name "
                                "the reason (raise the CFG/IKE log level to Diag to see it).");
    } else {
        neg_clear_facts(n, F2_MASK);
        return;
    }
    emit(rc, n, &v);
    n->p2_emitted_any = 1;
    n->p2_emitted_msgid = n->p2_msgid;
    neg_clear_facts(n, F2_MASK);
}

/* ---- success and DPD ------------------------------------------------------------------------------ */

/* An info verdict (an SA up, a tunnel closed) of phase, on that phase's
 * evidence. */
static void begin_info(rules_ctx *rc, verdict *v, idg_class cls, int phase, idg_role role,
                       double confidence)
{
    begin(rc, v);
    v->cls = cls;
    v->phase = phase;
    v->ev_phase = phase;
    v->role = role;
    v->confidence = confidence;
}

static void p1_success(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_info(rc, &v, IDG_CLASS_PHASE1_ESTABLISHED, 1, n->ike_role, 1.0);
    v.ev_last = n->ike_est_seq;
    /* "%s SA%s%s is up between %s [%s] (this end) and %s [%s]%s%s." */
    const char *parts[] = {
        version_name(n->ike_version), " SA", n->conn.len ? " " : "", n->conn.len ? n->conn.p : "",
        " is up between ", n->local_addr.len ? n->local_addr.p : "?",
        " [", n->local_id.len ? n->local_id.p : "?", "] (this end) and ",
        n->remote_addr.len ? n->remote_addr.p : "?", " [", n->remote_id.len ? n->remote_id.p : "?", "]",
        mode_name(n) && n->ike_version == 1 ? ", " : "",
        mode_name(n) && n->ike_version == 1 ? mode_name(n) : "", ".",
    };
    v.detail = arena_join(&rc->a, parts, sizeof parts / sizeof parts[0]);
    if (!n->local_addr.len && !n->remote_addr.len) /* no line with the endpoints */
        v.detail = arena_printf(&rc->a, "%s SA%s%s is up%s%s%s (its endpoints are not in this log).",
                                version_name(n->ike_version), n->conn.len ? " " : "",
                                n->conn.len ? n->conn.p : "", n->remote_id.len ? "; the peer is '" : "",
                                n->remote_id.len ? n->remote_id.p : "", n->remote_id.len ? "'" : "");
    if (n->ike_inferred)
        v.ev_phase = 0; /* the line it is inferred from is a phase 2 one */
    if (n->ike_inferred == 3) {
        v.confidence = 0.85;
        v.detail = arena_printf(&rc->a, "%s SA%s%s authenticated: this end verified the peer's AUTH in "
                                "the IKE_AUTH answer; the log ends before the line saying it was "
                                "established.", version_name(n->ike_version), n->conn.len ? " " : "",
                                n->conn.len ? n->conn.p : "");
    } else if (n->ike_inferred == 2) {
        v.confidence = 0.9;
        v.detail = arena_printf(&rc->a, "%s SA%s%s was up: a %s ran on it; the line saying it was "
                                "established is not in this log.", version_name(n->ike_version),
                                n->conn.len ? " " : "", n->conn.len ? n->conn.p : "",
                                n->ike_version == 1 ? "Quick Mode" : "CREATE_CHILD_SA exchange");
    } else if (n->ike_inferred) {
        v.confidence = 0.9;
        v.detail = arena_printf(&rc->a, "%s SA%s%s authenticated and was kept although its CHILD_SA "
                                "failed (\"failed to establish CHILD_SA, keeping IKE_SA\"); the line "
                                "saying it was established is not in this log.",
                                version_name(n->ike_version), n->conn.len ? " " : "",
                                n->conn.len ? n->conn.p : "");
    }
    emit(rc, n, &v);
}

static void p2_success(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_info(rc, &v, IDG_CLASS_PHASE2_ESTABLISHED, 2,
               n->p2_exch != EX_NONE ? (n->p2_we_initiated ? IDG_ROLE_INITIATOR : IDG_ROLE_RESPONDER)
                                     : n->ike_role,
               1.0);
    v.ev_last = n->child_est_seq;
    const char *name = n->child_est_name.len ? n->child_est_name.p : "";
    if (n->child_est_name.len)
        v.child = n->child_est_name.p;
    /* "CHILD_SA %s is up with traffic selectors %s (this end) === %s (peer)." */
    const char *parts[] = {
        "CHILD_SA ", name, " is up with traffic selectors ",
        n->child_est_ts_local.len ? n->child_est_ts_local.p : "?", " (this end) === ",
        n->child_est_ts_remote.len ? n->child_est_ts_remote.p : "?", " (peer).",
    };
    v.detail = arena_join(&rc->a, parts, sizeof parts / sizeof parts[0]);
    if (!n->child_est_ts_local.len && !n->child_est_ts_remote.len) /* ipsec up's word alone */
        v.detail = arena_printf(&rc->a, "CHILD_SA %s is up ('connection established successfully'; "
                                "its traffic selectors are not in this log).", name);
    emit(rc, n, &v);
}

/* A warning of its own about an SA (not a failure of its negotiation). */
static void begin_warning(rules_ctx *rc, verdict *v, idg_class cls, int phase, idg_role role,
                          double confidence)
{
    begin(rc, v);
    v->cls = cls;
    as_warning(v, confidence);
    v->phase = phase;
    v->ev_phase = phase;
    v->role = role;
}

/* A credential that did not load, with no failure of its own yet: every
 * connection that needs it will fail to authenticate. */
static void p1_cred_warning(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_warning(rc, &v, IDG_CLASS_PHASE1_CERTIFICATE_FAILURE, 1, IDG_ROLE_UNKNOWN, 0.8);
    v.cred_load = 1;
    if (n->cred_key == 3) {
        v.cred_load = 3;
        v.title = "This end's private key did not load";
        v.detail = arena_printf(&rc->a,
            "This end's private key did not load (\"%s\"): the strongSwan app found the user "
            "certificate but could not get its private key from the system's credential store, so "
            "it cannot authenticate with it and drops the certificate. The certificate must be "
            "installed with its key (a PKCS#12 file) and the app allowed to use it.", n->cred_failed.p);
        emit(rc, n, &v);
        return;
    }
    if (n->cred_key) {
        v.cred_load = 2;
        v.title = "This end's private key did not load";
        /* EACCES (strerror's text: the open's errno is logged as text only)
         * for a daemon that runs as root */
        int denied = strstr(n->cred_failed.p, "Permission denied") != NULL;
        v.detail = arena_printf(&rc->a,
            "This end's private key did not load (\"%s\"): a connection that authenticates this end "
            "with it (its certificate or an RSA/ECDSA signature) cannot authenticate, and its peer "
            "gets no valid AUTH. The file must be readable by charon; a key protected by a "
            "passphrase needs that passphrase; a key file must be an RSA, ECDSA, Ed25519 or PKCS#8 "
            "key in PEM or DER.%s", n->cred_failed.p,
            denied ? " Charon keeps only the capabilities its plugins need, not root's right to read "
                     "any file: the key and every directory above it must be readable by charon's "
                     "user through their modes (a key in a home directory of mode 700 is not), and "
                     "SELinux or AppArmor must allow it (on Fedora and RHEL, NetworkManager's charon-nm "
                     "reads keys in a home directory only when labelled home_cert_t, as in ~/.cert)."
                   : "");
        emit(rc, n, &v);
        return;
    }
    const char *cause = n->cred_cause_used ? S(&n->cred_cause) : NULL;
    v.cred_critical_ext = cause != NULL;
    v.detail = arena_printf(&rc->a,
        "A credential did not load (\"%s\")%s%s%s: the connections that need it cannot "
        "authenticate. A CA that is discarded verifies no peer certificate; a certificate or key "
        "that did not load cannot authenticate this end.", n->cred_failed.p,
        cause ? " because its X.509 parser refused it (\"" : "", cause ? cause : "",
        cause ? "\": a critical extension this strongSwan build does not support, which RFC 5280 "
                "says must make it reject the certificate)" : "");
    emit(rc, n, &v);
}

/* INVALID_KE_PAYLOAD in a CREATE_CHILD_SA: the PFS group is retried. */
static void p2_ke_retry_warning(rules_ctx *rc, negotiation *n)
{
    verdict v;
    int resp = n->ke2_role == IDG_ROLE_RESPONDER;
    begin_warning(rc, &v, IDG_CLASS_PHASE2_PFS_MISMATCH, 2, n->ke2_role, 0.9);
    v.title = "Phase 2 PFS group retried (INVALID_KE_PAYLOAD)";
    add_ke_retry_off(rc, "phase2.pfs_group", n->ke2_role, &n->ke2_offered, &n->ke2_requested);
    v.detail = resp
        ? arena_printf(&rc->a,
            "The peer's CREATE_CHILD_SA used DH group %s for PFS; the proposal this end selected has "
            "%s, so this end requested it (INVALID_KE_PAYLOAD) and the peer is expected to retry "
            "with it. This costs a round trip; it is not a failure by itself.",
            S(&n->ke2_offered), S(&n->ke2_requested))
        : arena_printf(&rc->a,
            "The peer did not accept DH group %s for the PFS of this end's CREATE_CHILD_SA and "
            "requested %s (INVALID_KE_PAYLOAD); this end retries with it.",
            S(&n->ke2_offered), S(&n->ke2_requested));
    emit(rc, n, &v);
}

/* An IKE_SA that was up went away with nothing wrong, and no other SA of
 * its connection is up (closed_by): the tunnel is down, on purpose or by
 * a limit. Info: the tunnel rows say "latest": "closed". */
static void p1_closed(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_info(rc, &v, IDG_CLASS_TUNNEL_CLOSED, 1, n->ike_role, n->closed_by == 3 ? 0.8 : 0.9);
    v.ev_first = n->closed_seq;
    v.time = S(&n->closed_time);
    static const char *const by[] = {"", "the peer deleted it (it sent a DELETE for the IKE_SA)",
                                     "this end deleted it (it sent a DELETE for the IKE_SA)",
                                     "it was deleted (no line says by which end)"};
    const char *after = "";
    const char *closer = by[n->closed_by <= 3 ? n->closed_by : 3];
    if (n->unique_replaced) {
        const char *who = S(&n->remote_id);
        v.title = "IKE SA replaced: the same peer identity connected again";
        v.detail = arena_printf(&rc->a,
            "This end deleted the IKE_SA%s%s with %s because the peer identity%s%s%s set up a new "
            "IKE_SA%s: its uniqueness policy (unique = replace; pfSense's default, VPN > IPsec > "
            "Advanced Settings > Configure Unique IDs as: Yes (Replace)) keeps one IKE_SA per "
            "identity. A client that came back (from another address, or after a "
            "restart) does so, and its new IKE_SA carries on. Two clients that share one identity "
            "(the same certificate, user or identifier) replace each other again and again: give "
            "each its own.", n->conn.len ? " " : "", n->conn.len ? n->conn.p : "", peer_desc(n),
            who ? " '" : "", who ? who : "", who ? "'" : "",
            n->unique_replaced == 2 ? " (charon took it for the client's reauthentication)" : "");
        emit(rc, n, &v);
        return;
    }
    if (n->inactive_ike && n->inactive_s) {
        v.inactivity = 1;
        closer = arena_printf(&rc->a, "this end deleted it after %u s without traffic through its "
                              "CHILD_SAs (its inactivity timeout)", n->inactive_s);
    }
    if (n->closed_after_ms >= 0 && !n->ike_inferred && n->established_ts >= 0) {
        long long s = n->closed_after_ms / 1000;
        after = s >= 3600 ? arena_printf(&rc->a, " %lld h %lld min after it came up", s / 3600, s % 3600 / 60)
              : s >= 60   ? arena_printf(&rc->a, " %lld min %lld s after it came up", s / 60, s % 60)
              : s >= 1    ? arena_printf(&rc->a, " %lld s after it came up", s)
                          : " right after it came up";
    }
    v.detail = arena_printf(&rc->a,
        "The IKE_SA%s%s with %s was up and %s%s, with no failure logged before, and no other IKE_SA "
        "of %s is up after it: the tunnel is down. A tunnel closes so on purpose (an administrator, "
        "a client that disconnects), by an inactivity timeout or a lifetime with rekeying off, or "
        "when charon stops; it comes back when traffic or the peer starts it again, unless the "
        "connection is set to start on demand only.",
        n->conn.len ? " " : "", n->conn.len ? n->conn.p : "", peer_desc(n), closer, after,
        n->conn.len ? "this connection" : "this peer");
    emit(rc, n, &v);
}

/* The newest CHILD_SA closed, the IKE_SA staying up (n->child_closed),
 * or this end deleted it for its inactivity timeout (n->inactive_child):
 * phase 2 of the tunnel is down until traffic or an end starts it again.
 * Info, like tunnel_closed, of phase 2. */
static void p2_closed(rules_ctx *rc, negotiation *n)
{
    static const char *const by[] = {"", "The peer deleted", "This end deleted",
                                     "One of the ends deleted"};
    verdict v;
    begin_info(rc, &v, IDG_CLASS_TUNNEL_CLOSED, 2, n->ike_role, n->child_closed == 3 ? 0.8 : 0.9);
    v.own_phase = 1;
    v.ev_first = n->p2_closed_seq;
    v.ev_last = n->p2_closed_seq + 8; /* its lines, not a later CHILD_SA's */
    v.time = S(&n->p2_closed_time);
    const char *child = n->child.len ? n->child.p : NULL;
    if (n->inactive_child) {
        v.title = "Phase 2 closed: no traffic for the inactivity timeout";
        v.inactivity = 1;
        v.detail = arena_printf(&rc->a,
            "This end deleted the CHILD_SA%s%s with %s after %u s without traffic through it: its "
            "inactivity timeout. The IKE_SA stays up; the CHILD_SA is set up again when traffic "
            "for it arrives (start action trap) or the peer starts it. This is no failure.",
            child ? " " : "", child ? child : "", peer_desc(n), n->inactive_s);
    } else {
        v.title = n->child_closed == 1 ? "Phase 2 closed by the peer"
                : n->child_closed == 2 ? "Phase 2 closed by this end" : "Phase 2 closed";
        v.detail = arena_printf(&rc->a,
            "%s the CHILD_SA%s%s with %s (a DELETE for it, not a rekey: no newer one is up), and the "
            "IKE_SA stays up: phase 2 is down until traffic for it arrives (start action trap) or "
            "an end starts it again. A CHILD_SA closes so on purpose (an administrator), by an "
            "idle (inactivity) timeout%s, or by a lifetime with rekeying off. No failure is logged.",
            by[n->child_closed <= 3 ? n->child_closed : 3], child ? " " : "", child ? child : "",
            peer_desc(n), n->child_closed == 1 ? " of the peer" : "");
    }
    emit(rc, n, &v);
}

/* Whether the CHILD_SA that came up carried L2TP (UDP port 1701, which
 * charon names l2f): the IPsec layer of an L2TP/IPsec VPN. */
static int child_carries_l2tp(const negotiation *n)
{
    const nstr *ts[] = {&n->child_est_ts_local, &n->child_est_ts_remote};
    for (int i = 0; i < 2; i++)
        if (ts[i]->len && (strstr(ts[i]->p, "/l2f]") || strstr(ts[i]->p, "/1701]")))
            return 1;
    return 0;
}

/* An L2TP/IPsec client closes IPsec itself within seconds when the L2TP
 * or PPP layer on top of it fails (NetworkManager-l2tp stops charon): the
 * IPsec log shows a clean close, the cause is in pppd's or xl2tpd's
 * lines. A warning beside the tunnel_closed, so that the headline does
 * not say only "no failure found". */
static void p1_closed_l2tp_warning(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_warning(rc, &v, IDG_CLASS_TUNNEL_CLOSED_EARLY, 1, n->ike_role, 0.6);
    v.ev_first = n->closed_seq;
    v.time = S(&n->closed_time);
    v.title = "L2TP/IPsec closed by this end right after it came up";
    v.l2tp_closed = 1;
    v.detail = arena_printf(&rc->a,
        "IPsec came up with %s (its CHILD_SA carries L2TP, UDP 1701), and this end closed it "
        "%s with no IPsec failure logged. An L2TP/IPsec client does so when the L2TP or "
        "PPP layer on top fails: most often the PPP user name or password is refused (pppd logs "
        "'authentication failed' or 'peer reports authentication failure'), or the server's L2TP "
        "does not answer (xl2tpd 'Maximum retries exceeded'). IPsec itself is fine; pppd's and "
        "xl2tpd's lines beside charon's say which.", peer_desc(n),
        n->closed_after_ms >= 1000
            ? arena_printf(&rc->a, "%lld s later", (long long)(n->closed_after_ms / 1000))
            : "moments later");
    emit(rc, n, &v);
}

/* The peer deleted the IKE_SA soon after it came up (closed_early): a
 * warning, or an error when the delete is the peer's refusal of this end's
 * certificate (returns 1). */
static int p1_closed_early(rules_ctx *rc, negotiation *n)
{
    verdict v;
    /* (not in the arena, which begin() empties) */
    char later[32];
    const char *after = "at once";
    if (n->closed_after_ms >= 1000) {
        snprintf(later, sizeof later, "%lld s later", (long long)(n->closed_after_ms / 1000));
        after = later;
    }
    /* IKEv1 has no AUTHENTICATION_FAILED for the responder's own
     * authentication: an initiator that cannot verify it deletes the
     * ISAKMP SA. This end authenticated with a certificate, and the peer
     * asked for certificates of a CA this end does not know: a failure of
     * this end's certificate on the peer, not a warning. */
    if (n->closed_early == 1 && n->ike_version == 1 && !n->child_ever_established &&
        own_auth_is_cert(n) && n->unknown_ca) {
        begin(rc, &v);
        v.cls = IDG_CLASS_PHASE1_CERTIFICATE_FAILURE;
        v.phase = v.ev_phase = 1;
        v.role = n->ike_role;
        v.confidence = 0.6;
        v.time = S(&n->closed_time);
        v.own_cert_refused = 1;
        v.title = "Phase 1: the peer refused this end's certificate";
        v.detail = arena_printf(&rc->a,
            "The IKE_SA with %s came up on this end, and the peer deleted it %s, before any phase "
            "2. This end authenticates with a certificate, and the peer asked for certificates of a "
            "CA this end does not know: it most likely does not trust the CA that issued this end's "
            "certificate, and an IKEv1 peer that cannot verify it deletes the ISAKMP SA instead of "
            "answering AUTHENTICATION_FAILED. The peer's log has the reason.", peer_desc(n), after);
        emit(rc, n, &v);
        n->p1_failure_emitted = 1;
        return 1;
    }
    begin_warning(rc, &v, IDG_CLASS_TUNNEL_CLOSED_EARLY, 1, n->ike_role, 0.7);
    if (n->closed_early == 3) { /* "deleting IKE_SA" alone: no line says by which end */
        v.title = "Tunnel closed right after it came up";
        v.confidence = 0.5;
        v.detail = arena_printf(&rc->a,
            "The IKE_SA with %s came up%s and was deleted %s. The log does not say which end closed "
            "it (no 'received DELETE' or 'sending DELETE' line: charon logs those at level 1, and "
            "this log has only level 0, or was filtered). If the peer closed it, it did so on "
            "purpose: a client that cannot use what it got (its virtual IP, DNS or routes), a "
            "gateway whose later check failed. The peer's log says why; charon's IKE log level 1 "
            "on this end shows who sent the DELETE.",
            peer_desc(n), n->child_ever_established ? " with its CHILD_SA" : "", after);
        emit(rc, n, &v);
        return 0;
    }
    v.detail = arena_printf(&rc->a,
        "The IKE_SA with %s came up%s, and the peer deleted it %s (it sent a DELETE for the "
        "IKE_SA): it closed the tunnel on purpose. A client does so when it cannot use what it got "
        "(its virtual IP, DNS or routes), a gateway when a later check fails (a phase 2 policy, a "
        "second authentication round, a user or licence limit) or when a newer IKE_SA of the same "
        "identity replaces it (its uniqueness policy: another client with the same identity or "
        "certificate)%s. The peer's log says why.",
        peer_desc(n), n->child_ever_established ? " with its CHILD_SA" : "", after,
        n->ike_version == 1 && !n->child_ever_established
            ? "; an IKEv1 peer that deletes the ISAKMP SA at once often did not accept this end's "
              "identity (its peer identifier expects another)"
            : "");
    emit(rc, n, &v);
    return 0;
}

/* This end lost its route to the peer (MOBIKE deferred the update). */
static void p1_no_route_warning(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_warning(rc, &v, IDG_CLASS_PHASE1_PEER_UNREACHABLE, 1, n->ike_role, 0.6);
    v.title = "This end lost its route to the peer";
    v.no_route = 1;
    v.detail = arena_printf(&rc->a,
        "This end has no route to the peer %s any more (\"no route found to reach ..., MOBIKE update "
        "deferred\"%s): its own network went away or changed (an interface down, Wi-Fi and mobile "
        "data switched, IPv6 lost), and the IKE_SA waits until a route to the peer returns. Not a "
        "configuration mismatch. A client that resolved only one address family of a dual-stack "
        "peer cannot move to the other.", peer_desc(n),
        n->send_error.len ? arena_printf(&rc->a, ", \"error writing to socket: %s\"", n->send_error.p) : "");
    emit(rc, n, &v);
}

/* The CHILD_SA is up but its route is not: traffic may never enter the
 * tunnel ("it connects but I cannot ping"). A warning, not a failure. */
static void p2_route_warning(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin_warning(rc, &v, IDG_CLASS_PHASE2_INSTALL_FAILURE, 2, n->ike_role, 0.6);
    v.detail = arena_printf(&rc->a,
        "The CHILD_SA is up, but charon could not install the route for its traffic (\"%s\"%s%s%s): "
        "packets for the remote network may not enter the tunnel. This host needs an address "
        "inside the local traffic selector on one of its interfaces (the route's source) and a "
        "route towards the peer.", n->route_error.p, n->knl_error.len ? ", the kernel said: " : "",
        n->knl_error.len ? n->knl_error.p : "", "");
    emit(rc, n, &v);
}

/* " (message ID N)" of the request an established SA retransmitted, or ""
 * when no retransmit was logged (dpd's details). */
static const char *retransmitted_id(rules_ctx *rc, const negotiation *n)
{
    return n->retransmits > 0 ? arena_printf(&rc->a, " (message ID %lld)",
                                             (long long)(n->retransmit_msgid >= 0 ? n->retransmit_msgid : 0))
                              : "";
}

static void dpd(rules_ctx *rc, negotiation *n)
{
    verdict v;
    begin(rc, &v);
    v.cls = IDG_CLASS_DPD_TIMEOUT;
    v.phase = 1;
    v.ev_phase = 0;
    v.role = n->ike_role;
    v.confidence = 0.85;
    int tries = n->giving_up_count ? n->giving_up_count : n->retransmits;
    if (n->addr_gone_iface.len || (n->send_error_up && n->send_error.len)) {
        /* the peer was not lost: this end's own address or route was */
        const char *iface = S(&n->addr_gone_iface), *when = S(&n->addr_gone_time);
        v.title = iface ? "IKE_SA deleted: this end's own address went away"
                        : "IKE_SA deleted: this end could not send to the peer";
        v.confidence = 0.85;
        v.local_down = iface ? 1 : 2;
        if (n->local_addr.len)
            add_off(rc, "phase1.local_address", n->local_addr.p, NULL);
        const char *sent = n->send_error_up && n->send_error.len
                               ? arena_printf(&rc->a, "; its requests could not even leave this host "
                                              "(\"error writing to socket: %s\")", n->send_error.p)
                               : "";
        if (iface)
            v.detail = arena_printf(&rc->a,
                "This end's address %s disappeared from %s%s%s while the IKE_SA with %s was up%s, "
                "and %s gave up, which deleted the IKE_SA. The peer was not lost: this end's WAN "
                "address changed or went down (a PPPoE or DHCP renewal, an interface down, a CARP "
                "failover moving the address). The tunnel comes back only from an address this end "
                "has: a connection bound to the old address cannot start again until it returns.",
                n->local_addr.p, iface, when ? " at " : "", when ? when : "", peer_desc(n), sent,
                n->facts & FACT(FD_DPD_TIMEOUT) ? "its dead peer detection"
                    : arena_printf(&rc->a, "after %d retransmit%s it", tries, tries == 1 ? "" : "s"));
        else
            v.detail = arena_printf(&rc->a,
                "The IKE_SA with %s was up when this end's requests stopped leaving this host "
                "(\"error writing to socket: %s\"), and after %d retransmit%s it gave up, which "
                "deleted the IKE_SA. The peer was not lost: this end lost its route or its address "
                "towards the peer (an interface down, a WAN address that changed).",
                peer_desc(n), n->send_error.p, tries, tries == 1 ? "" : "s");
    } else if (n->facts & FACT(FD_DPD_TIMEOUT))
        v.detail = arena_printf(&rc->a,
            "The established IKE_SA with %s was declared dead: the peer stopped answering DPD "
            "requests (DPD check timed out). The peer went down, or the path (UDP 500/4500, NAT "
            "mapping) broke.", peer_desc(n));
    else if (n->msgid_mismatch_up && !n->malformed_up && !n->unreadable_up) {
        /* not silent either: its requests came with message IDs this end
         * did not expect, and were ignored, as the peer ignores this end's */
        v.title = "IKE_SA deleted: the two ends' message IDs are out of step";
        v.confidence = 0.7;
        v.sa_desync = 2;
        v.detail = arena_printf(&rc->a,
            "This end retransmitted a request%s %d time%s and gave up, which deleted the IKE_SA "
            "with %s, but the peer was not silent: it sent %u request%s with a message ID this end "
            "did not expect (\"received message ID ..., expected ..., ignored\"). The two ends no "
            "longer agree on the state of this IKE_SA: the peer still has it (it sends requests "
            "on it) but not its current message IDs, as after a failover to a high-availability "
            "node whose copy of the SA is stale, or its implementation counts them wrongly. A new "
            "IKE_SA is negotiated when either end initiates again; if it recurs, check the peer's "
            "failovers and its SA synchronisation.",
            retransmitted_id(rc, n),
            tries, tries == 1 ? "" : "s", peer_desc(n), (unsigned)n->msgid_mismatch_up,
            n->msgid_mismatch_up == 1 ? "" : "s");
    } else if (n->malformed_up || n->unreadable_up) {
        /* not silent: the peer answered with messages that show the two
         * ends' keying state of this IKE_SA diverged */
        v.title = "IKE_SA deleted: the peer could not read this end's request";
        v.confidence = 0.7;
        v.sa_desync = 1;
        v.detail = arena_printf(&rc->a,
            "This end retransmitted a request%s %d time%s and gave up, which deleted the IKE_SA "
            "with %s, but the peer was not silent:%s%s. The two ends no longer agree on the "
            "encryption state of this IKE_SA. In IKEv1 this happens when a Quick Mode request "
            "overtakes the Main Mode's last message (lost or reordered on the way, typically "
            "when both ends start the tunnel at once): the peer decrypts it, and its "
            "retransmissions, with the wrong IV. A new IKE_SA is negotiated when either end "
            "initiates again; it is no configuration error.",
            retransmitted_id(rc, n),
            tries, tries == 1 ? "" : "s", peer_desc(n),
            n->malformed_up ? arena_printf(&rc->a, " it answered with %u PAYLOAD_MALFORMED error "
                                           "notif%s (it could not read what this end sent)",
                                           n->malformed_up, n->malformed_up == 1 ? "y" : "ies")
                            : "",
            n->unreadable_up ? arena_printf(&rc->a, "%s %u of its messages could not be decrypted "
                                            "here", n->malformed_up ? ", and" : "", n->unreadable_up)
                             : "");
    } else
        v.detail = arena_printf(&rc->a,
            "The established IKE_SA with %s was declared dead: this end retransmitted a request%s "
            "%d time%s without an answer and gave up. The peer went down, or the path (UDP "
            "500/4500, NAT mapping) broke.", peer_desc(n),
            retransmitted_id(rc, n),
            tries, tries == 1 ? "" : "s");
    if (n->remote_addr.len && !v.sa_desync && !v.local_down)
        add_off(rc, "phase1.remote_gateway", n->remote_addr.p, NULL);
    emit(rc, n, &v);
    n->dpd_emitted = 1;
}

static void clear_evidence_phase(negotiation *n, int phase)
{
    for (size_t i = 0; i < n->n_ev; i++) {
        neg_evidence *e = &n->ev[i];
        if (e->prio && (phase == 0 || e->phase == phase || (phase == 2 && e->phase == 0))) {
            neg_drop_evidence(n, e);
        }
    }
    neg_compact_evidence(n);
}

/* Retransmits given up on a request that is not part of setting up the
 * IKE_SA mean the SA was up (a DPD, rekey or delete went unanswered), also
 * when the log starts after it came up: IKEv1 Main/Aggressive Mode use
 * message ID 0, anything else (Quick Mode, INFORMATIONAL_V1 DPD) a random
 * non-zero one; IKEv2 sets up with IKE_SA_INIT (0) and IKE_AUTH (1), and
 * only EAP or IKE_INTERMEDIATE rounds go past 1 before the SA is up. */
static int gave_up_on_established(const negotiation *n)
{
    if (n->ike_established || n->restarting)
        return 1;
    if (n->retransmit_msgid <= 0)
        return 0;
    if (n->ike_version == 1)
        return 1;
    if (n->ike_version == 2 && n->retransmit_msgid >= 2) {
        const char *auth = S(&n->my_auth);
        if ((auth && strstr(auth, "EAP")) || n->main_exch == EX_IKE_INTERMEDIATE ||
            n->main_exch == EX_IKE_AUTH)
            return 0;
        return 1;
    }
    return 0;
}

/* The CHILD_SA success waiting to be reported, once: 1 if there was one. */
static int p2_success_pending(rules_ctx *rc, negotiation *n)
{
    if (!n->child_established_pending)
        return 0;
    p2_success(rc, n);
    n->child_established_pending = 0;
    return 1;
}

void rules_conclude(rules_ctx *rc, negotiation *n)
{
    int p1 = 0, p2 = 0;
    /* a phase 1 failure of this IKE_SA (concluded now or before): its
     * close is the failure's end, not a tunnel that came up and closed */
    int p1_failed = n->p1_failure_emitted;
    /* a CHILD_SA that came up before a phase 1 failure of its IKE_SA (the
     * peer refused this end's authentication after the IKE_AUTH response):
     * its success first, in the log's order, so that the failure is the
     * tunnel's latest state */
    if ((n->facts & F1_MASK) && n->ike_established == 1 && n->ike_established_reported)
        p2 |= p2_success_pending(rc, n);
    if ((n->facts & FACT(F1_GIVING_UP)) && !(n->facts & (F1_MASK & ~(FACT(F1_GIVING_UP) |
        FACT(F1_NOT_RESPONDING)))) && gave_up_on_established(n)) {
        n->facts &= ~(FACT(F1_GIVING_UP) | FACT(F1_NOT_RESPONDING));
        n->facts |= FACT(FD_GIVING_UP);
    }
    if (n->facts & F1_MASK) {
        if (n->p1_failure_emitted)
            neg_clear_facts(n, F1_MASK);
        else
            p1_failure(rc, n), p1_failed = 1;
        p1 = 1;
    }
    if ((n->ike_established == 1) && !n->ike_established_reported) {
        p1_success(rc, n);
        n->ike_established_reported = 1;
        p1 = 1;
    }
    if (n->facts & F2_MASK) {
        p2_failure(rc, n);
        p2 = 1;
    }
    if (!p1 && !(n->facts & F1_MASK) && n->p1_received.len && p1_undecided_proposals(rc, n))
        p1 = 1;
    p2 |= p2_success_pending(rc, n);
    if (n->inactive_child == 1 || n->child_closed) {
        /* (the IKE_SA going too is the tunnel's closure, which says it all) */
        if (!n->ike_gone && !n->closed_by)
            p2_closed(rc, n), p2 = 1;
        n->inactive_child = n->inactive_child ? 2 : 0;
        n->child_closed = 0;
    }
    if (n->cred_warned == 1) {
        p1_cred_warning(rc, n);
        n->cred_warned = 2;
        p1 = 1;
    }
    if (n->ke2_warned == 1) {
        p2_ke_retry_warning(rc, n);
        n->ke2_warned = 2;
        p2 = 1;
    }
    if (n->no_route == 1 && !(n->facts & F1_MASK)) {
        p1_no_route_warning(rc, n);
        n->no_route = 2;
        p1 = 1;
    }
    if ((n->closed_early == 1 || n->closed_early == 3) && !p1_failed) {
        p1_failed = p1_closed_early(rc, n);
        n->closed_early = 2;
        p1 = 1;
    }
    if (n->closed_by && !n->closed_reported && !(n->facts & F1_MASK) && !p1_failed) {
        p1_closed(rc, n);
        if (n->closed_by == 2 && n->closed_soon && child_carries_l2tp(n))
            p1_closed_l2tp_warning(rc, n);
        n->closed_reported = 1;
        p1 = 1;
    }
    if (n->route_error.len && !n->route_warned && n->child_ever_established) {
        p2_route_warning(rc, n);
        n->route_warned = 1;
        p2 = 1;
    }
    if (n->facts & FD_MASK) {
        if (!n->dpd_emitted)
            dpd(rc, n);
        n->facts &= ~FD_MASK;
        clear_evidence_phase(n, 0);
    }
    if (p1)
        clear_evidence_phase(n, 1);
    if (p2)
        clear_evidence_phase(n, 2);
    nstr_clear(&n->time);
}
