/*
 * test_negotiation.c - the negotiation store (src/negotiation.h): its
 * tunnel index, which chains the SAs that are up by connection name and
 * by peer address, and a negotiation's evidence arena.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "negotiation.h"

#define N_SAS 200

/* Whether n is on the chain of key under kind. */
static int on_chain(const neg_store *st, int kind, const char *key, const negotiation *n)
{
    for (const negotiation *m = neg_tunnel_chain(st, kind, key, strlen(key)); m;
         m = m->tunnel[kind].next)
        if (m == n)
            return 1;
    return 0;
}

/* A store far smaller than the SAs' keys, so that chains share heads: a
 * connection's chain and a peer's chain that hash to one head once ran
 * into each other (each kind's links written through the other's), which
 * lost SAs from their chains and freed an SA still linked. */
START_TEST(every_filed_sa_is_on_both_its_chains)
{
    neg_store st;
    negotiation *sa[N_SAS];
    char key[32];
    ck_assert_int_eq(neg_store_init(&st, N_SAS, 4), 0);
    for (int i = 0; i < N_SAS; i++) {
        negotiation *evicted;
        sa[i] = neg_create(&st, i + 1, (uint64_t)i + 1, &evicted);
        ck_assert_ptr_nonnull(sa[i]);
        snprintf(key, sizeof key, "con%d", i);
        nstr_set(&sa[i]->conn, key, strlen(key));
        snprintf(key, sizeof key, "192.0.2.%d", i);
        nstr_set(&sa[i]->remote_addr, key, strlen(key));
        ck_assert_int_eq(neg_file_tunnel(&st, sa[i]), 0);
    }
    for (int i = 0; i < N_SAS; i++) {
        snprintf(key, sizeof key, "con%d", i);
        ck_assert_msg(on_chain(&st, NEG_BY_CONN, key, sa[i]), "SA %d not on %s's chain", i, key);
        snprintf(key, sizeof key, "192.0.2.%d", i);
        ck_assert_msg(on_chain(&st, NEG_BY_PEER, key, sa[i]), "SA %d not on %s's chain", i, key);
    }
    /* every other one goes: the rest stay on their chains */
    for (int i = 0; i < N_SAS; i += 2)
        neg_release(&st, sa[i]);
    for (int i = 1; i < N_SAS; i += 2) {
        snprintf(key, sizeof key, "con%d", i);
        ck_assert_msg(on_chain(&st, NEG_BY_CONN, key, sa[i]), "SA %d lost from %s's chain", i, key);
        snprintf(key, sizeof key, "192.0.2.%d", i);
        ck_assert_msg(on_chain(&st, NEG_BY_PEER, key, sa[i]), "SA %d lost from %s's chain", i, key);
    }
    for (int i = 1; i < N_SAS; i += 2)
        neg_release(&st, sa[i]);
    neg_store_free(&st);
}
END_TEST

/* A chain holds only SAs filed under that kind and key's head: an SA
 * filed by peer only (no name) never shows on a name's chain. */
START_TEST(chain_of_one_kind_holds_no_sa_of_the_other)
{
    neg_store st;
    negotiation *evicted;
    char key[32];
    ck_assert_int_eq(neg_store_init(&st, 16, 4), 0);
    negotiation *named[8], *unnamed[8];
    for (int i = 0; i < 8; i++) {
        named[i] = neg_create(&st, 2 * i + 1, 1, &evicted);
        unnamed[i] = neg_create(&st, 2 * i + 2, 1, &evicted);
        ck_assert_ptr_nonnull(named[i]);
        ck_assert_ptr_nonnull(unnamed[i]);
        snprintf(key, sizeof key, "c%d", i);
        nstr_set(&named[i]->conn, key, strlen(key));
        snprintf(key, sizeof key, "198.51.100.%d", i);
        nstr_set(&unnamed[i]->remote_addr, key, strlen(key));
        ck_assert_int_eq(neg_file_tunnel(&st, named[i]), 0);
        ck_assert_int_eq(neg_file_tunnel(&st, unnamed[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "c%d", i);
        for (const negotiation *m = neg_tunnel_chain(&st, NEG_BY_CONN, key, strlen(key)); m;
             m = m->tunnel[NEG_BY_CONN].next)
            ck_assert_uint_ne(m->conn.len, 0);
        ck_assert(on_chain(&st, NEG_BY_CONN, key, named[i]));
        snprintf(key, sizeof key, "198.51.100.%d", i);
        ck_assert(on_chain(&st, NEG_BY_PEER, key, unnamed[i]));
    }
    neg_store_free(&st);
}
END_TEST

/* A concluded negotiation keeps a line or two of its evidence: compacting
 * fits the arena and the slots to them, and what is left reads the same. */
START_TEST(compacting_fits_the_arena_to_what_is_left)
{
    neg_store st;
    negotiation *evicted;
    char text[201];
    ck_assert_int_eq(neg_store_init(&st, 4, 16), 0);
    negotiation *n = neg_create(&st, 1, 1, &evicted);
    ck_assert_ptr_nonnull(n);
    for (int i = 0; i < 20; i++) {
        memset(text, 'a' + i, 200);
        text[200] = '\0';
        neg_add_evidence(n, (uint64_t)i + 1, (uint32_t)i + 1, 2, 1, text, 200);
    }
    ck_assert_uint_eq(n->n_ev, 20);
    ck_assert_uint_ge(n->ev_text_cap, 20 * 201);
    for (size_t i = 0; i < n->n_ev; i++)
        if (n->ev[i].line != 7)
            neg_drop_evidence(n, &n->ev[i]);
    neg_compact_evidence(n);
    ck_assert_uint_eq(n->n_ev, 1);
    ck_assert_uint_le(n->ev_text_cap, 512);
    ck_assert_uint_le(n->n_ev_cap, 4);
    ck_assert_uint_eq(n->ev[0].line, 7);
    memset(text, 'a' + 6, 200);
    ck_assert_str_eq(n->ev_text + n->ev[0].off, text);
    /* and it grows again from there */
    neg_add_evidence(n, 30, 30, 2, 1, "after", 5);
    ck_assert_uint_eq(n->n_ev, 2);
    ck_assert_str_eq(n->ev_text + n->ev[1].off, "after");
    ck_assert_str_eq(n->ev_text + n->ev[0].off, text);
    neg_release(&st, n);
    neg_store_free(&st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("negotiation");
    TCase *tc = tcase_create("tunnel_index");
    tcase_add_test(tc, every_filed_sa_is_on_both_its_chains);
    tcase_add_test(tc, chain_of_one_kind_holds_no_sa_of_the_other);
    TCase *ev = tcase_create("evidence");
    tcase_add_test(ev, compacting_fits_the_arena_to_what_is_left);
    suite_add_tcase(s, ev);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
