/*
 * proposal.c - charon's proposal lists, parsed, compared and re-spelled.
 *
 * Why the whole-list comparison: charon's responder logs one "no acceptable
 * X found" per (configured x received) pair and stops at the first failing
 * type of each pair. With several proposals on either side, the first such
 * line often names a type that does overlap elsewhere, so the only reliable
 * answer to "which setting differs" is to compare the received list with
 * the configured list ourselves, per transform type, the way charon's
 * selection does (same protocol only, a type absent on one side fails,
 * KE_NONE means "no key exchange").
 *
 * Why the parser is forgiving: the lists come from syslog lines that may be
 * cut at a length limit, from strongSwan versions newer than our tables and
 * from peers sending private IDs ("(1234)", "UNKNOWN_6_36"). Every algorithm
 * is filed by its name, else by its position (types are always printed in
 * the order ENCR, INTEG, PRF, KE, ESN, KE1..KE7), else skipped; a last
 * proposal cut off in the middle of a name is dropped and the list marked
 * truncated rather than compared as if it were complete.
 */
#include "ascii.h"
#include "proposal.h"

#include <string.h>

#define MAX_TOKENS 128      /* algorithms looked at in one proposal */

typedef struct token {
    const char *p;
    size_t n;
    transform_type type;
} token;

/* Per protocol: which types may appear, and which a well-formed proposal
 * has (IKE: ENCR, PRF, KE; ESP: ENCR; AH: INTEG; ESP/AH always carry an
 * ESN). The latter only guides filing an unnamed algorithm and spotting a
 * cut-off ESP/AH proposal: charon drops transforms it cannot map, so real
 * logs do show e.g. "IKE:AES_CBC_256/MODP_1024". */
typedef struct protocol_rule {
    const char *name;
    unsigned allowed;
    unsigned mandatory;
} protocol_rule;

#define BIT(t) (1u << (t))
#define ALL_TYPES (BIT(TT__COUNT) - 1)

static const protocol_rule protocol_rules[] = {
    {"IKE", ALL_TYPES & ~BIT(TT_ESN), BIT(TT_ENCR) | BIT(TT_PRF) | BIT(TT_KE)},
    {"ESP", ALL_TYPES & ~BIT(TT_PRF), BIT(TT_ENCR) | BIT(TT_ESN)},
    {"AH", ALL_TYPES & ~BIT(TT_PRF) & ~BIT(TT_ENCR),
     BIT(TT_INTEG) | BIT(TT_ESN)},
};

static const protocol_rule any_protocol = {"", ALL_TYPES, 0};

static const char *const type_fields[TT__COUNT] = {
    "encryption", "integrity", "prf", "dh_group", "esn", "additional_ke",
};

static const char none_value[] = "NONE";

const char *transform_type_field(transform_type t)
{
    return (unsigned)t < TT__COUNT ? type_fields[t] : "unknown";
}

/* Words of charon's transform_type_names (5.x and 6.x), in the order they
 * are tried: ADDITIONAL_KEY_EXCHANGE_n before the KEY_EXCHANGE it holds.
 * IKEv1's HASH_ALGORITHM is this end's integrity algorithm. */
static const struct {
    const char *word;
    transform_type type;
} type_words[] = {
    {"ENCRYPTION", TT_ENCR},
    {"INTEGRITY", TT_INTEG},
    {"HASH_ALGORITHM", TT_INTEG},
    {"PSEUDO_RANDOM", TT_PRF},
    {"PRF", TT_PRF},
    {"ADDITIONAL_KEY_EXCHANGE", TT_ADDKE},
    {"DIFFIE_HELLMAN", TT_KE},
    {"KEY_EXCHANGE", TT_KE},
    {"SEQUENCE", TT_ESN},
};

static int contains_word(const char *s, size_t len, const char *word)
{
    size_t w = strlen(word);

    for (size_t i = 0; i + w <= len; i++)
        if (memcmp(s + i, word, w) == 0)
            return 1;
    return 0;
}

transform_type transform_type_named(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++)
        if (contains_word(name, len, type_words[i].word))
            return type_words[i].type;
    return TT__COUNT;
}

static const protocol_rule *protocol_rule_of(const char *protocol)
{
    for (size_t i = 0; i < sizeof(protocol_rules) / sizeof(protocol_rules[0]); i++)
        if (strcmp(protocol_rules[i].name, protocol) == 0)
            return &protocol_rules[i];
    return &any_protocol;
}

static int is_protocol_char(char c)
{
    return (c >= 'A' && c <= 'Z') || c == '_';
}

/* Copies at most cap-1 bytes and terminates; 1 if everything fit. */
static int copy_text(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = n < cap - 1 ? n : cap - 1;

    memcpy(dst, src, k);
    dst[k] = '\0';
    return k == n;
}

/* Markdown emphasis or code marks a paste put around part of a proposal
 * (two asterisks around HMAC_SHA2_256_128): no algorithm name has them. */
static int is_paste_mark(char c)
{
    return c == '*' || c == '`';
}

/* The length of s without an ellipsis a paste ends with ("...", "…"):
 * the writer cut the list there. */
static size_t without_ellipsis(const char *s, size_t len)
{
    size_t n = len;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n >= 3 && memcmp(s + n - 3, "...", 3) == 0)
        n -= 3;
    else if (n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0) /* U+2026 */
        n -= 3;
    else
        return len;
    while (n > 0 && s[n - 1] == '.')
        n--;
    return n;
}

/* Splits "a/b/c" into typed tokens, paste marks trimmed; returns how many
 * (capped). A list cut with an ellipsis ends where the ellipsis starts
 * (and counts as capped): "PRF_HMAC_SHA2_256..." is PRF_HMAC_SHA2_256,
 * "PRF_HMAC_SH..." a name cut off (name_cut). */
static size_t tokenize(const char *s, size_t len, token *toks, int *capped)
{
    size_t n = 0, start = 0;
    size_t cut = without_ellipsis(s, len);
    if (cut != len) {
        len = cut;
        *capped = 1;
    }

    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '/')
            continue;
        if (n == MAX_TOKENS) {
            *capped = 1;
            break;
        }
        size_t b = start, e = i;
        while (b < e && is_paste_mark(s[b]))
            b++;
        while (e > b && is_paste_mark(s[e - 1]))
            e--;
        toks[n].p = s + b;
        toks[n].n = e - b;
        toks[n].type = transform_type_of(toks[n].p, toks[n].n);
        n++;
        start = i + 1;
    }
    return n;
}

static unsigned present_types(const token *toks, size_t n)
{
    unsigned seen = 0;

    for (size_t i = 0; i < n; i++)
        if (toks[i].type != TT__COUNT)
            seen |= BIT(toks[i].type);
    return seen;
}

/* The only type in 'set', or TT__COUNT if it holds none or several. */
static transform_type single_type(unsigned set)
{
    for (int t = 0; t < TT__COUNT; t++)
        if (set == BIT(t))
            return (transform_type)t;
    return TT__COUNT;
}

/* Files an unnamed algorithm by its neighbours: it lies between the type
 * of the last named one before it and the first named one after it. A
 * bare "(n)" is never an additional KE (those print as "KEn_(n)"). */
static transform_type type_by_position(const token *toks, size_t n, size_t i,
                                       const protocol_rule *rule, unsigned seen)
{
    int prev = -1, next = TT_ADDKE - 1;
    unsigned candidates = 0;
    transform_type t;

    for (size_t j = i; j-- > 0;)
        if (toks[j].type != TT__COUNT) {
            prev = toks[j].type;
            break;
        }
    for (size_t j = i + 1; j < n; j++)
        if (toks[j].type != TT__COUNT) {
            next = toks[j].type < TT_ADDKE ? (int)toks[j].type : TT_ADDKE - 1;
            break;
        }
    if (prev == next)
        return (transform_type)prev;
    for (int k = prev < 0 ? 0 : prev; k <= next; k++)
        candidates |= BIT(k);
    candidates &= rule->allowed & ~BIT(TT_ADDKE);
    t = single_type(candidates & rule->mandatory & ~seen);
    return t != TT__COUNT ? t : single_type(candidates);
}

static void resolve_positions(token *toks, size_t n, const protocol_rule *rule)
{
    unsigned seen = present_types(toks, n);
    transform_type resolved[MAX_TOKENS];

    for (size_t i = 0; i < n; i++)
        resolved[i] = toks[i].type != TT__COUNT
                          ? toks[i].type
                          : type_by_position(toks, n, i, rule, seen);
    for (size_t i = 0; i < n; i++)
        toks[i].type = resolved[i];
}

static void file_tokens(proposal *p, const token *toks, size_t n, int *truncated)
{
    for (size_t i = 0; i < n; i++) {
        transform_type t = toks[i].type;
        if (t == TT__COUNT || toks[i].n == 0)
            continue;
        if (p->count[t] == PROPOSAL_MAX_ALGS) {
            *truncated = 1;
            continue;
        }
        if (!copy_text(p->alg[t][p->count[t]], PROPOSAL_NAME_MAX, toks[i].p,
                       toks[i].n))
            *truncated = 1;
        p->count[t]++;
    }
}

/* Was the last proposal cut off in the middle of a name ("PRF_HMAC_SH",
 * "MODP_20", a trailing "/")? Its types cannot be trusted then. A cut
 * exactly between two names leaves no trace, except for ESP/AH, which
 * always end in an ESN transform; there the proposal is kept (an absent
 * ESN is not compared) and only the list is marked truncated. The missing
 * types of an IKE proposal are no evidence: charon drops transforms it
 * cannot map, and logs e.g. "IKE:AES_CBC_256/MODP_1024". */
static int name_cut(const token *toks, size_t n)
{
    return n == 0 || alg_name_is_cut(toks[n - 1].p, toks[n - 1].n);
}

static int ends_early(const proposal *p, const protocol_rule *rule)
{
    return (rule->mandatory & BIT(TT_ESN)) && p->count[TT_ESN] == 0;
}

/* Parses "PROTO:alg/alg/..." into *p. Returns 1 if parsed, 0 if not a
 * proposal, -1 if it is the last one and was cut off. */
static int parse_proposal(const char *s, size_t len, int last, proposal *p,
                          int *truncated)
{
    token toks[MAX_TOKENS];
    const protocol_rule *rule;
    const char *colon = memchr(s, ':', len);
    size_t plen, n;

    memset(p, 0, sizeof(*p));
    if (!colon)
        return last ? -1 : 0;
    while (s < colon && is_paste_mark(*s)) {
        s++;
        len--;
    }
    plen = (size_t)(colon - s);
    if (plen == 0)
        return 0;
    for (size_t i = 0; i < plen; i++)
        if (!is_protocol_char(s[i]))
            return 0;
    copy_text(p->protocol, sizeof(p->protocol), s, plen);
    rule = protocol_rule_of(p->protocol);
    n = tokenize(colon + 1, len - plen - 1, toks, truncated);
    resolve_positions(toks, n, rule);
    file_tokens(p, toks, n, truncated);
    if (last && name_cut(toks, n))
        return -1;
    if (last && ends_early(p, rule))
        *truncated = 1;
    return 1;
}

size_t proposal_list_parse(const char *s, size_t len, proposal_list *out)
{
    size_t start = 0;

    if (!out)
        return 0;
    /* Only the header: parse_proposal clears each item it fills, and no
     * item past count is read (a list is ~120 KiB, most of it unused). */
    out->count = 0;
    out->truncated = 0;
    if (!s)
        return 0;
    ascii_trim(&s, &len);
    while (start < len) {
        const char *end = memchr(s + start, ',', len - start);
        size_t stop = end ? (size_t)(end - s) : len;
        const char *seg = s + start;
        size_t seglen = stop - start;
        int rc;

        ascii_trim(&seg, &seglen);
        start = stop + 1;
        if (seglen == 0)
            continue;
        if (out->count == PROPOSAL_MAX) {
            out->truncated = 1;
            break;
        }
        rc = parse_proposal(seg, seglen, !end, &out->items[out->count],
                            &out->truncated);
        if (rc > 0)
            out->count++;
        else if (rc < 0)
            out->truncated = 1;
    }
    if (len && s[len - 1] == ',')
        out->truncated = 1;
    return out->count;
}

/* ---- comparison ---- */

/* Additional key exchanges (strongSwan 6.x) are seven transform types,
 * one per slot: "KE3_MLKEM_768" is slot 3. A slot a proposal does not
 * name, or names as KEn_NONE / KEn_KE_NONE (both spellings are logged),
 * is "none" in it; two proposals agree when every slot shares a value. */
#define ADDKE_SLOTS 7

int proposal_unknown_addke_slot(const char *name, long *id)
{
    size_t len = strlen(name);
    long type;
    if (alg_unknown_numbers(name, len, &type, id) != len || type < 6 || type > 5 + ADDKE_SLOTS)
        return 0;
    return (int)type - 5;
}

static int addke_slot(const char *name)
{
    long id;
    if (name[0] == 'U')
        return proposal_unknown_addke_slot(name, &id);
    return name[0] == 'K' && name[1] == 'E' && name[2] >= '1' && name[2] <= '0' + ADDKE_SLOTS &&
                   name[3] == '_'
               ? name[2] - '0'
               : 0;
}

static int addke_is_none(const char *name)
{
    long id = -1;
    if (name[0] == 'U')
        return proposal_unknown_addke_slot(name, &id) && id == 0;
    return strcmp(name + 4, "NONE") == 0 || strcmp(name + 4, "KE_NONE") == 0;
}

/* KE_NONE and MODP_NONE mean "no key exchange", which is also what an
 * absent KE type means. (An additional KE's none, "KE1_NONE", is compared
 * per slot by addke_overlaps and shown as logged.) */
static const char *normalised(const char *name)
{
    static const char *const nones[] = {"KE_NONE", "MODP_NONE"};

    for (size_t i = 0; i < sizeof(nones) / sizeof(nones[0]); i++)
        if (strcmp(name, nones[i]) == 0)
            return none_value;
    return name;
}

/* The values of type t in p, normalised; {"NONE"} when the type is absent,
 * except an IKE proposal's key exchange: an IKE_SA cannot go without one,
 * so such a proposal (a cut line, a broken config) offers no group at all
 * rather than "none". */
static size_t type_values(const proposal *p, transform_type t,
                          const char *vals[PROPOSAL_MAX_ALGS])
{
    if (p->count[t] == 0 && t == TT_KE && strcmp(p->protocol, "IKE") == 0)
        return 0;
    if (p->count[t] == 0) {
        vals[0] = none_value;
        return 1;
    }
    for (size_t i = 0; i < p->count[t]; i++)
        vals[i] = t == TT_ADDKE ? p->alg[t][i] : normalised(p->alg[t][i]);
    return p->count[t];
}

/* Whether p allows "no key exchange" in the slot: it names none there, or
 * names the slot's none. */
static int addke_allows_none(const proposal *p, int slot)
{
    int named = 0;
    for (size_t i = 0; i < p->count[TT_ADDKE]; i++)
        if (addke_slot(p->alg[TT_ADDKE][i]) == slot) {
            if (addke_is_none(p->alg[TT_ADDKE][i]))
                return 1;
            named = 1;
        }
    return !named;
}

static int addke_overlaps(const proposal *r, const proposal *c)
{
    for (int slot = 1; slot <= ADDKE_SLOTS; slot++) {
        int ok = addke_allows_none(r, slot) && addke_allows_none(c, slot);
        for (size_t i = 0; i < r->count[TT_ADDKE] && !ok; i++) {
            const char *a = r->alg[TT_ADDKE][i];
            if (addke_slot(a) != slot || addke_is_none(a))
                continue;
            for (size_t j = 0; j < c->count[TT_ADDKE] && !ok; j++)
                ok = strcmp(a, c->alg[TT_ADDKE][j]) == 0;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

/* Do r and c share a value of type t? ESN is only compared when both
 * carry it: IKE proposals have none, ESP/AH ones always do. */
static int type_overlaps(const proposal *r, const proposal *c, transform_type t)
{
    const char *rv[PROPOSAL_MAX_ALGS], *cv[PROPOSAL_MAX_ALGS];
    size_t rn, cn;

    if (t == TT_ESN && (r->count[t] == 0 || c->count[t] == 0))
        return 1;
    if (t == TT_ADDKE)
        return addke_overlaps(r, c);
    rn = type_values(r, t, rv);
    cn = type_values(c, t, cv);
    if (rn == 0 && cn == 0)
        return 1; /* both IKE proposals lack a key exchange: no difference */
    for (size_t i = 0; i < rn; i++)
        for (size_t j = 0; j < cn; j++)
            if (strcmp(rv[i], cv[j]) == 0)
                return 1;
    return 0;
}

int proposal_pair_matches(const proposal *a, const proposal *b)
{
    for (int t = 0; t < TT__COUNT; t++)
        if (!type_overlaps(a, b, (transform_type)t))
            return 0;
    return 1;
}

static int same_protocol(const proposal *r, const proposal *c)
{
    return strcmp(r->protocol, c->protocol) == 0;
}

static int any_same_protocol(const proposal_list *a, const proposal_list *b)
{
    for (size_t i = 0; i < a->count; i++)
        for (size_t j = 0; j < b->count; j++)
            if (same_protocol(&a->items[i], &b->items[j]))
                return 1;
    return 0;
}

/* vals[0 .. n) joined with ", " into buf, each value once, first seen
 * first; values that do not fit whole are left out. */
static void join_distinct(const char *const *vals, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        size_t vlen = strlen(vals[k]), sep = used ? 2 : 0;
        int dup = 0;
        for (size_t s = 0; s < k && !dup; s++)
            dup = strcmp(vals[s], vals[k]) == 0;
        if (dup || used + sep + vlen + 1 > cap)
            continue;
        memcpy(buf + used, ", ", sep);
        memcpy(buf + used + sep, vals[k], vlen + 1);
        used += sep + vlen;
    }
}

/* The distinct protocols of a list ("ESP", "AH, ESP"). */
static void join_protocols(const proposal_list *l, char *buf, size_t cap)
{
    const char *vals[PROPOSAL_MAX];
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].protocol[0])
            vals[n++] = l->items[i].protocol;
    join_distinct(vals, n, buf, cap);
}

/* The distinct values of type t over the list. */
static void join_values(const proposal_list *l, transform_type t, char *buf,
                        size_t cap)
{
    const char *vals[PROPOSAL_MAX * PROPOSAL_MAX_ALGS];
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        n += type_values(&l->items[i], t, vals + n);
    join_distinct(vals, n, buf, cap);
}

int proposal_diff_compute(const proposal_list *received,
                          const proposal_list *configured, proposal_diff *out)
{
    int overlap[TT__COUNT] = {0};
    int by_protocol;

    if (!out)
        return -1;
    memset(out, 0, sizeof(*out));
    if (!received || !configured || received->count == 0
        || configured->count == 0)
        return -1;
    /* Lists that share no protocol at all are compared across protocols,
     * so the result still says which algorithms differ. */
    by_protocol = any_same_protocol(received, configured);
    out->protocol_mismatch = !by_protocol;
    join_protocols(configured, out->local_protocol, sizeof out->local_protocol);
    join_protocols(received, out->peer_protocol, sizeof out->peer_protocol);
    for (size_t i = 0; i < received->count; i++) {
        for (size_t j = 0; j < configured->count; j++) {
            const proposal *r = &received->items[i], *c = &configured->items[j];
            int all = 1;
            if (by_protocol && !same_protocol(r, c))
                continue;
            for (int t = 0; t < TT__COUNT; t++) {
                int ok = type_overlaps(r, c, (transform_type)t);
                overlap[t] |= ok;
                all &= ok;
            }
            out->any_pair_matches |= all && by_protocol;
        }
    }
    for (int t = 0; t < TT__COUNT; t++) {
        out->mismatch[t] = !overlap[t];
        out->n_mismatch += out->mismatch[t];
        join_values(configured, (transform_type)t, out->local[t],
                    sizeof(out->local[t]));
        join_values(received, (transform_type)t, out->peer[t],
                    sizeof(out->peer[t]));
    }
    out->combination_only = out->n_mismatch == 0 && !out->any_pair_matches;
    return 0;
}

/* ---- swanctl spelling ---- */

typedef struct outbuf {
    char *buf;
    size_t cap, len;
} outbuf;

static void out_append(outbuf *o, const char *s, int lower)
{
    for (; *s; s++) {
        char c = *s;
        if (lower && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (o->len + 1 < o->cap)
            o->buf[o->len++] = c;
    }
    if (o->cap)
        o->buf[o->len] = '\0';
}

/* One algorithm: its keyword ("ke1_" + keyword for an additional KE),
 * "modpnone"/"keN_none" for no KE, else the name lower-cased. */
static void out_alg(outbuf *o, const char *name)
{
    size_t skip = transform_type_of(name, strlen(name)) == TT_ADDKE ? 4 : 0;
    const alg_info *info = alg_info_lookup(name);

    if (o->len)
        out_append(o, "-", 0);
    if (skip) {
        char prefix[5];
        memcpy(prefix, name, 4);
        prefix[4] = '\0';
        out_append(o, prefix, 1);
    }
    if (info && info->keyword)
        out_append(o, info->keyword, 0);
    else if (normalised(name) == none_value || strcmp(name + skip, "NONE") == 0)
        out_append(o, skip ? "none" : "modpnone", 0);
    else
        out_append(o, name + skip, 1);
}

/* swanctl derives the PRFs from the integrity algorithms when a proposal
 * names none, so the PRFs are only written when they differ from that. */
static int prf_implied(const proposal *p)
{
    const char *derived[PROPOSAL_MAX_ALGS];
    size_t n = 0;

    for (size_t i = 0; i < p->count[TT_INTEG]; i++) {
        const char *prf = alg_prf_for_integ(p->alg[TT_INTEG][i]);
        int dup = 0;
        if (!prf)
            return 0;
        for (size_t k = 0; k < n; k++)
            dup |= strcmp(derived[k], prf) == 0;
        if (!dup)
            derived[n++] = prf;
    }
    if (n == 0 || n != p->count[TT_PRF])
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(derived[i], p->alg[TT_PRF][i]) != 0)
            return 0;
    return 1;
}

/* Types left out of the swanctl string: implied PRFs, a KE list that only
 * says "none" (PFS off), and a lone NO_EXT_SEQ (the default). */
static int type_omitted(const proposal *p, transform_type t)
{
    if (t == TT_PRF)
        return prf_implied(p);
    if (t == TT_KE || t == TT_ADDKE) {
        for (size_t i = 0; i < p->count[t]; i++)
            if (normalised(p->alg[t][i]) != none_value)
                return 0;
        return 1;
    }
    if (t == TT_ESN)
        return p->count[t] == 1 && strcmp(p->alg[t][0], "NO_EXT_SEQ") == 0;
    return 0;
}

size_t proposal_to_swanctl(const proposal *p, char *buf, size_t n)
{
    outbuf o = {buf, n, 0};

    if (!buf || n == 0)
        return 0;
    buf[0] = '\0';
    if (!p)
        return 0;
    for (int t = 0; t < TT__COUNT; t++) {
        if (type_omitted(p, (transform_type)t))
            continue;
        for (size_t i = 0; i < p->count[t]; i++)
            out_alg(&o, p->alg[t][i]);
    }
    return o.len;
}
