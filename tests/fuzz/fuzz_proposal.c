/*
 * fuzz_proposal.c - proposal_list_parse + proposal_diff_compute +
 * proposal_to_swanctl, and the algorithm tables they use.
 *
 * Input: "<received list>\n<configured list>" (no '\n': the same text on
 * both sides). Each list is parsed from an exact-size copy (no terminator).
 * Checked:
 *   - counts within their bounds, every kept name NUL-terminated inside its
 *     field, the protocol a terminated string;
 *   - the diff's value strings terminated inside their fields, n_mismatch
 *     equal to the number of mismatch[] flags, flags 0 or 1;
 *   - a list compared with itself overlaps in every type (no mismatch);
 *   - proposal_to_swanctl never writes past n and always terminates, for
 *     buffer sizes n from 1 to the full length (written = min(full, n-1));
 *   - the name tables (transform_type_of, alg_info_lookup_n,
 *     alg_name_is_cut, alg_prf_for_integ) on every kept name.
 */
#include "fuzz_common.h"
#include "proposal.h"

static void check_name_field(const char *f, size_t cap, const char *what)
{
    fuzz_check(memchr(f, '\0', cap) != NULL, "%s not terminated within %zu", what, cap);
}

static void check_list(const proposal_list *l, size_t parsed)
{
    fuzz_check(parsed == l->count, "returned %zu, count %zu", parsed, l->count);
    fuzz_check(l->count <= PROPOSAL_MAX, "count %zu > PROPOSAL_MAX", l->count);
    for (size_t i = 0; i < l->count; i++) {
        const proposal *p = &l->items[i];
        check_name_field(p->protocol, sizeof p->protocol, "protocol");
        for (int t = 0; t < TT__COUNT; t++) {
            fuzz_check(p->count[t] <= PROPOSAL_MAX_ALGS, "count[%d] = %u", t, p->count[t]);
            for (unsigned k = 0; k < p->count[t]; k++) {
                const char *name = p->alg[t][k];
                check_name_field(name, PROPOSAL_NAME_MAX, "algorithm name");
                size_t n = strlen(name);
                transform_type tt = transform_type_of(name, n);
                fuzz_check((unsigned)tt <= TT__COUNT, "transform_type_of %d", (int)tt);
                (void)transform_type_field(tt);
                const alg_info *ai = alg_info_lookup_n(name, n);
                if (ai) {
                    fuzz_check(ai->logged != NULL, "alg_info without logged name");
                    (void)alg_info_dh_group_number(ai->logged);
                }
                (void)alg_info_lookup(name);
                (void)alg_name_is_cut(name, n);
                const char *prf = alg_prf_for_integ(name);
                if (prf)
                    fuzz_touch(prf, strlen(prf));
            }
        }
    }
}

static void check_diff(const proposal_diff *d)
{
    int n = 0;
    for (int t = 0; t < TT__COUNT; t++) {
        fuzz_check(d->mismatch[t] == 0 || d->mismatch[t] == 1, "mismatch[%d] = %d", t,
                   d->mismatch[t]);
        n += d->mismatch[t];
        check_name_field(d->local[t], sizeof d->local[t], "diff local");
        check_name_field(d->peer[t], sizeof d->peer[t], "diff peer");
    }
    fuzz_check(n == d->n_mismatch, "n_mismatch %d, flags %d", d->n_mismatch, n);
}

static void check_swanctl(const proposal *p)
{
    char full[4096], small[4096 + 16];
    size_t len = proposal_to_swanctl(p, full, sizeof full);
    fuzz_check(len < sizeof full && strlen(full) == len, "swanctl length %zu, strlen %zu", len,
               strlen(full));
    /* buffer sizes around every interesting cut: tiny, the middle, the end */
    const size_t sizes[] = {1, 2, 3, 4, 7, len / 3 + 1, len / 2 + 1, len > 1 ? len - 1 : 1,
                            len, len + 1};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        if (n == 0 || n > len + 1)
            continue;
        memset(small, 0x5A, n + 16);
        size_t w = proposal_to_swanctl(p, small, n);
        fuzz_check(w == (len < n - 1 ? len : n - 1), "n %zu: wrote %zu, full %zu", n, w, len);
        fuzz_check(small[w] == '\0', "n %zu: not terminated", n);
        fuzz_check(memcmp(small, full, w) == 0, "n %zu: not a prefix of the full text", n);
        for (size_t k = n; k < n + 16; k++)
            fuzz_check((unsigned char)small[k] == 0x5A, "n %zu: wrote at %zu", n, k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static proposal_list rl, cl; /* large: keep them off the stack */
    static proposal_diff d;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t rn = nl ? (size_t)(nl - data) : size;
    const uint8_t *cp = nl ? nl + 1 : data;
    size_t cn = nl ? size - rn - 1 : size;

    char *r = fuzz_dup_exact(data, rn), *c = fuzz_dup_exact(cp, cn);
    memset(&rl, 0xA5, sizeof rl);
    memset(&cl, 0xA5, sizeof cl);
    size_t nr = proposal_list_parse(r, rn, &rl);
    size_t nc = proposal_list_parse(c, cn, &cl);
    check_list(&rl, nr);
    check_list(&cl, nc);

    memset(&d, 0xA5, sizeof d);
    int rc = proposal_diff_compute(&rl, &cl, &d);
    fuzz_check(rc == 0 || rc == -1, "proposal_diff_compute returned %d", rc);
    fuzz_check((rc == -1) == (nr == 0 || nc == 0), "rc %d with %zu and %zu proposals", rc, nr, nc);
    if (rc == 0)
        check_diff(&d);

    if (nr > 0) {
        memset(&d, 0xA5, sizeof d);
        fuzz_check(proposal_diff_compute(&rl, &rl, &d) == 0, "self diff failed");
        check_diff(&d);
        fuzz_check(d.n_mismatch == 0, "a list compared with itself has %d mismatching types "
                   "(first: %s)", d.n_mismatch,
                   d.mismatch[0] ? "encryption" : d.mismatch[1] ? "integrity" :
                   d.mismatch[2] ? "prf" : d.mismatch[3] ? "dh_group" :
                   d.mismatch[4] ? "esn" : "additional_ke");
    }
    for (size_t i = 0; i < rl.count; i++)
        check_swanctl(&rl.items[i]);
    for (size_t i = 0; i < cl.count; i++)
        check_swanctl(&cl.items[i]);
    for (int g = -2; g < 4; g++)
        (void)alg_info_for_dh_group_number(size > 0 ? data[0] * 4 + g : g);
    free(r);
    free(c);
    return 0;
}
