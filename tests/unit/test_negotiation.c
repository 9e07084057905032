/*
 * test_negotiation.c - the negotiation store (src/negotiation.h): its
 * tunnel index, which chains the SAs that are up by connection name and
 * by peer address.
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

int main(void)
{
    Suite *s = suite_create("negotiation");
    TCase *tc = tcase_create("tunnel_index");
    tcase_add_test(tc, every_filed_sa_is_on_both_its_chains);
    tcase_add_test(tc, chain_of_one_kind_holds_no_sa_of_the_other);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
