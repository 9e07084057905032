/*
 * test_engine.c - the diagnosis engine end to end: chunking does not
 * matter, memory stays bounded, the reference cases and interleaved
 * tunnels come out right, and a log without an outcome concludes nothing.
 *
 * Fixtures are read from $IDG_SOURCE_DIR (set by ctest to the repo root).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsecdiag/ipsecdiag.h"
#include "recommend.h"

/* ---- fixtures ------------------------------------------------------------ */

static char *read_fixture(const char *rel, size_t *len)
{
    const char *dir = getenv("IDG_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f && !dir) {
        snprintf(path, sizeof path, "../%s", rel);
        f = fopen(path, "rb");
    }
    ck_assert_msg(f != NULL, "fixture %s not found (set IDG_SOURCE_DIR)", rel);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* ---- collecting diagnoses ------------------------------------------------- */

#define MAX_DIAG 256

typedef struct collected {
    size_t n;
    idg_diagnosis *d[MAX_DIAG];
    char *json;          /* all diagnoses as JSON, one per line */
    size_t json_len;
    int during_feed;     /* diagnoses seen before idg_engine_finish */
    int finishing;
} collected;

static void on_diag(void *user, const idg_diagnosis *d)
{
    collected *c = user;
    char *j = idg_diagnosis_to_json(d);
    ck_assert_ptr_nonnull(j);
    size_t jl = strlen(j);
    c->json = realloc(c->json, c->json_len + jl + 2);
    memcpy(c->json + c->json_len, j, jl);
    c->json_len += jl;
    c->json[c->json_len++] = '\n';
    c->json[c->json_len] = '\0';
    free(j);
    if (c->n < MAX_DIAG)
        c->d[c->n++] = idg_diagnosis_copy(d);
    if (!c->finishing)
        c->during_feed++;
}

static void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        idg_diagnosis_free(c->d[i]);
    free(c->json);
    memset(c, 0, sizeof *c);
}

/* chunk: 0 = whole buffer, 1 = byte by byte, -1 = random sizes */
static void run(const char *buf, size_t len, int chunk, unsigned seed, const idg_options *o,
                collected *c, idg_stats *stats)
{
    memset(c, 0, sizeof *c);
    idg_engine *e = idg_engine_new(o, on_diag, c);
    ck_assert_ptr_nonnull(e);
    size_t pos = 0;
    while (pos < len) {
        size_t n = len - pos;
        if (chunk == 1)
            n = 1;
        else if (chunk < 0) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 16) % 700;
            if (n > len - pos)
                n = len - pos;
        }
        ck_assert_int_eq(idg_engine_feed(e, buf + pos, n), 0);
        pos += n;
    }
    c->finishing = 1;
    ck_assert_int_eq(idg_engine_finish(e), 0);
    if (stats)
        *stats = *idg_engine_stats(e);
    idg_engine_free(e);
}

static void run_file(const char *rel, collected *c)
{
    size_t len;
    char *buf = read_fixture(rel, &len);
    run(buf, len, 0, 0, NULL, c, NULL);
    free(buf);
}

/* How many diagnoses of class cls were made. */
static int count_class(const collected *c, idg_class cls)
{
    int k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += c->d[i]->cls == cls;
    return k;
}

static const idg_diagnosis *first_error(const collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->d[i]->severity == IDG_SEVERITY_ERROR)
            return c->d[i];
    return NULL;
}

static const idg_offending *off(const idg_diagnosis *d, const char *field)
{
    for (size_t i = 0; i < d->n_offending; i++)
        if (strcmp(d->offending[i].field, field) == 0)
            return &d->offending[i];
    return NULL;
}

static int has_msgid(const idg_diagnosis *d, uint32_t id)
{
    for (size_t i = 0; i < d->n_msgids; i++)
        if (d->msgids[i] == id)
            return 1;
    return 0;
}

/* ---- chunking ---------------------------------------------------------------- */

static const char *const CHUNK_FILES[] = {
    "tests/corpus/lab/ikev2-p2-pfs-rekey/initiator.log",
    "tests/corpus/lab/ikev2-p2-pfs-rekey/responder.log",
    "tests/corpus/lab/ikev1-p1-psk-mismatch/initiator.log",
    "tests/corpus/lab/ikev1-p2-ts-mismatch/responder.log",
    "tests/corpus/lab/ikev2-p1-dh-invalid-ke-retry/responder.log",
    "tests/corpus/reference/p2-network-mismatch/responder.log",
};

START_TEST(chunking_is_irrelevant)
{
    const char *rel = CHUNK_FILES[_i];
    size_t len;
    char *buf = read_fixture(rel, &len);
    collected whole, bytes, rnd;
    run(buf, len, 0, 0, NULL, &whole, NULL);
    run(buf, len, 1, 0, NULL, &bytes, NULL);
    run(buf, len, -1, 42u + (unsigned)_i, NULL, &rnd, NULL);
    ck_assert_msg(whole.n > 0, "%s: no diagnosis", rel);
    ck_assert_str_eq(whole.json, bytes.json);
    ck_assert_str_eq(whole.json, rnd.json);
    collected_free(&whole);
    collected_free(&bytes);
    collected_free(&rnd);
    free(buf);
}
END_TEST

/* ---- streaming --------------------------------------------------------------------- */

START_TEST(diagnoses_stream_before_finish)
{
    collected c;
    run_file("tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log", &c);
    ck_assert_int_eq((int)c.n, 1);
    ck_assert_int_eq(c.during_feed, 1); /* concluded without waiting for the end */
    collected_free(&c);
}
END_TEST

/* ---- bounded memory ------------------------------------------------------------------- */

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*cap + n + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

START_TEST(negotiations_are_bounded)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char line[512];
    const int total = 100000, every = 1000;
    for (int id = 1; id <= total; id++) {
        int t = 1 + id % 16;
        ck_assert_int_lt(snprintf(line, sizeof line,
                 "Nov 27 14:07:46 fw charon: %02d[NET] <%d> received packet: from 198.51.100.%d[500] to 203.0.113.2[500] (180 bytes)\n"
                 "Nov 27 14:07:46 fw charon: %02d[ENC] <%d> parsed ID_PROT request 0 [ SA V V V V V ]\n"
                 "Nov 27 14:07:46 fw charon: %02d[IKE] <%d> 198.51.100.%d is initiating a Main Mode IKE_SA\n",
                 t, id, id % 250 + 1, t, id, t, id, id % 250 + 1), (int)sizeof line);
        append(&buf, &len, &cap, line);
        if (id % every == 0) {
            ck_assert_int_lt(snprintf(line, sizeof line,
                     "Nov 27 14:07:46 fw charon: %02d[CFG] <%d> received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048\n"
                     "Nov 27 14:07:46 fw charon: %02d[CFG] <%d> configured proposals: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048\n"
                     "Nov 27 14:07:46 fw charon: %02d[IKE] <%d> no proposal found\n"
                     "Nov 27 14:07:46 fw charon: %02d[ENC] <%d> generating INFORMATIONAL_V1 request %d [ N(NO_PROP) ]\n"
                     "Nov 27 14:07:46 fw charon: %02d[IKE] <%d> IKE_SA (unnamed)[%d] state change: CONNECTING => DESTROYING\n",
                     t, id, t, id, t, id, t, id, 7000 + id, t, id, id), (int)sizeof line);
            append(&buf, &len, &cap, line);
        }
    }
    idg_options o;
    idg_options_init(&o);
    o.max_negotiations = 64;
    collected c;
    idg_stats st;
    run(buf, len, -1, 7u, &o, &c, &st);
    ck_assert_uint_eq(st.negotiations, (uint64_t)total);
    ck_assert(st.evicted > 0);
    ck_assert_uint_eq(st.diagnoses, (uint64_t)(total / every));
    ck_assert_int_eq((int)c.n, total / every);
    for (size_t i = 0; i < c.n; i++) {
        ck_assert_int_eq(c.d[i]->cls, IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH);
        ck_assert_int_eq((int)c.d[i]->ike_sa_id, (int)((i + 1) * every));
        ck_assert(has_msgid(c.d[i], (uint32_t)(7000 + (i + 1) * every)));
    }
    collected_free(&c);
    free(buf);
}
END_TEST

/* ---- reference cases ------------------------------------------------------------------------ */

START_TEST(reference_p1_encryption_responder)
{
    collected c;
    run_file("tests/corpus/reference/p1-encryption-mismatch/responder.log", &c);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH);
    ck_assert_int_eq(d->phase, 1);
    ck_assert_int_eq(d->ike_version, 1);
    ck_assert_int_eq(d->role, IDG_ROLE_RESPONDER);
    const idg_offending *o = off(d, "phase1.encryption");
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->local, "AES_CBC_256");
    ck_assert_str_eq(o->peer, "AES_CBC_128");
    ck_assert(d->confidence >= 0.9);
    ck_assert(has_msgid(d, 3851683074u));
    ck_assert(d->n_evidence >= 3);
    ck_assert_ptr_nonnull(d->pfsense);
    ck_assert_ptr_nonnull(strstr(d->pfsense, "Edit Phase 1"));
    ck_assert_ptr_nonnull(d->strongswan);
    ck_assert_ptr_nonnull(strstr(d->strongswan, "proposals"));
    collected_free(&c);
}
END_TEST

START_TEST(reference_p1_initiator_only_sees_the_notify)
{
    collected c;
    run_file("tests/corpus/reference/p1-encryption-mismatch/initiator.log", &c);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_PROPOSAL_MISMATCH);
    ck_assert(d->confidence < 0.8);
    collected_free(&c);
}
END_TEST

START_TEST(reference_p1_dh_and_hash)
{
    collected c;
    run_file("tests/corpus/reference/p1-dh-group-mismatch/responder.log", &c);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_DH_GROUP_MISMATCH);
    ck_assert_str_eq(off(d, "phase1.dh_group")->local, "MODP_1024");
    ck_assert_str_eq(off(d, "phase1.dh_group")->peer, "MODP_8192");
    ck_assert_ptr_nonnull(strstr(d->pfsense, "18 (8192 bit)"));
    collected_free(&c);
    /* IKEv1 hash: INTEG and PRF from one setting are one hash mismatch */
    run_file("tests/corpus/reference/p1-hash-mismatch/responder.log", &c);
    d = first_error(&c);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_HASH_MISMATCH);
    ck_assert_str_eq(off(d, "phase1.integrity")->local, "HMAC_SHA1_96");
    collected_free(&c);
}
END_TEST

START_TEST(reference_p2_network_responder)
{
    collected c;
    run_file("tests/corpus/reference/p2-network-mismatch/responder.log", &c);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE2_NETWORK_MISMATCH);
    ck_assert_int_eq(d->phase, 2);
    const idg_offending *o = off(d, "phase2.local_network");
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->local, "10.5.1.0/24");
    ck_assert_str_eq(o->peer, "10.5.0.0/24");
    ck_assert_ptr_null(off(d, "phase2.remote_network")); /* only what differs */
    ck_assert(has_msgid(d, 2732380262u));
    ck_assert(has_msgid(d, 1136605099u));
    collected_free(&c);
}
END_TEST

START_TEST(reference_p2_pfs_and_mode)
{
    collected c;
    run_file("tests/corpus/reference/p2-pfs-mismatch/responder.log", &c);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE2_PFS_MISMATCH);
    const idg_offending *o = off(d, "phase2.pfs_group");
    ck_assert(o->local == NULL || strcmp(o->local, "NONE") == 0);
    ck_assert_str_eq(o->peer, "MODP_2048");
    collected_free(&c);
    run_file("tests/corpus/reference/p1-mode-aggressive-vs-main/responder.log", &c);
    d = first_error(&c);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_MODE_MISMATCH);
    ck_assert_str_eq(off(d, "phase1.mode")->peer, "aggressive");
    collected_free(&c);
    run_file("tests/corpus/reference/p1-nat-identifier-mismatch/responder.log", &c);
    d = first_error(&c);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_NAT_IDENTIFIER_MISMATCH);
    ck_assert_str_eq(off(d, "phase1.peer_identifier")->peer, "192.0.2.10");
    collected_free(&c);
}
END_TEST

START_TEST(ikev2_pfs_fails_only_at_rekey)
{
    collected c;
    run_file("tests/corpus/lab/ikev2-p2-pfs-rekey/responder.log", &c);
    ck_assert_int_eq(c.d[0]->cls, IDG_CLASS_PHASE1_ESTABLISHED);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE2_PFS_MISMATCH);
    ck_assert_str_eq(off(d, "phase2.pfs_group")->peer, "MODP_2048");
    collected_free(&c);
    /* a retried INVALID_KE is a warning, not an error */
    run_file("tests/corpus/lab/ikev2-p1-dh-invalid-ke-retry/initiator.log", &c);
    ck_assert_ptr_null(first_error(&c));
    int warn = 0, est = 0;
    for (size_t i = 0; i < c.n; i++) {
        warn += c.d[i]->severity == IDG_SEVERITY_WARNING;
        est += c.d[i]->cls == IDG_CLASS_PHASE1_ESTABLISHED;
        /* titled as the retry it is, not as the class's failure */
        if (c.d[i]->severity == IDG_SEVERITY_WARNING)
            ck_assert_ptr_nonnull(strstr(c.d[i]->title, "retried"));
    }
    ck_assert_int_eq(warn, 1);
    ck_assert_int_eq(est, 1);
    collected_free(&c);
}
END_TEST

/* ---- interleaved tunnels ------------------------------------------------------------------------ */

/* Copies src replacing every occurrence of each from[i] by to[i]. */
static char *replace_all(const char *src, const char *const *from, const char *const *to, size_t n)
{
    size_t cap = strlen(src) * 2 + 64, len = 0;
    char *out = malloc(cap);
    for (const char *p = src; *p;) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strncmp(p, from[k], strlen(from[k])) == 0)
                break;
        const char *add = k < n ? to[k] : p;
        size_t al = k < n ? strlen(to[k]) : 1;
        if (len + al + 1 > cap) {
            cap = (cap + al) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + len, add, al);
        len += al;
        p += k < n ? strlen(from[k]) : 1;
    }
    out[len] = '\0';
    return out;
}

START_TEST(interleaved_tunnels)
{
    size_t la, lb;
    char *a = read_fixture("tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log", &la);
    char *b0 = read_fixture("tests/corpus/lab/ikev2-p2-ts-mismatch/responder.log", &lb);
    static const char *const from[] = {"<con1|1>", "<1>", "con1[1]", "con1{1}", "con1", "Starting IKE charon daemon"};
    static const char *const to[] = {"<con2|7>", "<7>", "con2[7]", "con2{3}", "con2", "Restarting something else"};
    char *b = replace_all(b0, from, to, 6);
    /* interleave line by line */
    char *mix = malloc(la + strlen(b) + 2);
    size_t ml = 0;
    const char *pa = a, *pb = b;
    while (*pa || *pb) {
        for (int side = 0; side < 2; side++) {
            const char **pp = side ? &pb : &pa;
            if (!**pp)
                continue;
            const char *nl = strchr(*pp, '\n');
            size_t n = nl ? (size_t)(nl - *pp) + 1 : strlen(*pp);
            memcpy(mix + ml, *pp, n);
            ml += n;
            *pp += n;
        }
    }
    mix[ml] = '\0';
    collected c;
    run(mix, ml, -1, 99u, NULL, &c, NULL);
    const idg_diagnosis *enc = NULL, *net = NULL;
    for (size_t i = 0; i < c.n; i++) {
        if (c.d[i]->cls == IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH)
            enc = c.d[i];
        if (c.d[i]->cls == IDG_CLASS_PHASE2_NETWORK_MISMATCH)
            net = c.d[i];
    }
    ck_assert_ptr_nonnull(enc);
    ck_assert_ptr_nonnull(net);
    ck_assert_int_eq((int)enc->ike_sa_id, 1);
    ck_assert_str_eq(enc->connection, "con1");
    ck_assert_int_eq((int)net->ike_sa_id, 7);
    ck_assert_str_eq(net->connection, "con2");
    ck_assert_int_eq(net->ike_version, 2);
    ck_assert_int_eq(enc->ike_version, 1);
    collected_free(&c);
    free(mix);
    free(b);
    free(b0);
    free(a);
}
END_TEST

/* ---- nothing to conclude ----------------------------------------------------------------------------- */

START_TEST(no_conclusion)
{
    collected c;
    run_file("tests/corpus/lab/ikev1-peer-down/responder.log", &c);
    ck_assert_int_eq((int)c.n, 0);
    collected_free(&c);
    static const char prose[] = "This is not a log.\nNov 27 14:07:46 fw sshd[1]: accepted\n"
                                "Nov 27 14:07:46 fw charon: 05[CFG] vici client 1 connected\n\n\xff\xfe\n";
    run(prose, sizeof prose - 1, 1, 0, NULL, &c, NULL);
    ck_assert_int_eq((int)c.n, 0);
    collected_free(&c);
    run("", 0, 0, 0, NULL, &c, NULL);
    ck_assert_int_eq((int)c.n, 0);
    collected_free(&c);
}
END_TEST

START_TEST(ike_rekey_is_not_an_error)
{
    collected c;
    run_file("tests/corpus/lab/ikev2-ike-rekey-ok/initiator.log", &c);
    ck_assert_ptr_null(first_error(&c));
    ck_assert_int_eq(count_class(&c, IDG_CLASS_PHASE1_ESTABLISHED), 1);
    collected_free(&c);
}
END_TEST

START_TEST(strings_are_valid)
{
    /* every string handed out is NUL-terminated UTF-8 (checked via JSON
     * encoding, which rejects invalid UTF-8) */
    static const char bad[] =
        "charon: 12[CFG] looking for pre-shared key peer configs matching 203.0.113.5...198.51.100.3[s\xc3\xa9\xff id]\n"
        "charon: 12[IKE] no peer config found\n";
    collected c;
    run(bad, sizeof bad - 1, 0, 0, NULL, &c, NULL);
    ck_assert_int_eq((int)c.n, 1);
    ck_assert_ptr_nonnull(c.json);
    collected_free(&c);
}
END_TEST

/* ---- other releases' wordings, end to end ---------------------------------------------- */

static collected run_text(const char *text)
{
    collected c;
    run(text, strlen(text), -1, 5u, NULL, &c, NULL);
    return c;
}

/* A success's evidence ends with the line that says so, however much of
 * the established SA's traffic follows, and in a newest-first paste too
 * (its last lines in the file are its first in time). */
static void check_success_evidence(const collected *c)
{
    int seen = 0;
    for (size_t i = 0; i < c->n; i++) {
        const idg_diagnosis *d = c->d[i];
        if (d->cls != IDG_CLASS_PHASE1_ESTABLISHED && d->cls != IDG_CLASS_PHASE2_ESTABLISHED)
            continue;
        seen++;
        ck_assert_uint_gt(d->n_evidence, 0);
        ck_assert_ptr_nonnull(strstr(d->evidence[d->n_evidence - 1].text, " established "));
    }
    ck_assert_int_eq(seen, 2);
}

START_TEST(success_evidence_ends_at_the_established_line)
{
    static const char *const fwd[] = {
        "Jul 06 15:47:06 gw charon[1]: 09[IKE] <rw|1> IKE_SA rw[1] established between 192.0.2.1[gw]...198.51.100.9[phone]",
        "Jul 06 15:47:07 gw charon[1]: 09[CFG] <rw|1> selected proposal: ESP:AES_GCM_16_256/NO_EXT_SEQ",
        "Jul 06 15:47:07 gw charon[1]: 09[IKE] <rw|1> CHILD_SA rw{1} established with SPIs c0fdc545_i 075798ab_o and TS 0.0.0.0/0 === 10.19.48.1/32",
        "Jul 06 15:47:07 gw charon[1]: 09[ENC] <rw|1> generating IKE_AUTH response 1 [ IDr AUTH CPRP(ADDR) SA TSi TSr ]",
        "Jul 06 15:47:07 gw charon[1]: 09[NET] <rw|1> sending packet: from 192.0.2.1[4500] to 198.51.100.9[4500] (300 bytes)",
        "Jul 06 15:47:17 gw charon[1]: 12[NET] <rw|1> received packet: from 198.51.100.9[4500] to 192.0.2.1[4500] (80 bytes)",
        "Jul 06 15:47:17 gw charon[1]: 12[ENC] <rw|1> parsed INFORMATIONAL request 2 [ ]",
        "Jul 06 15:47:17 gw charon[1]: 12[ENC] <rw|1> generating INFORMATIONAL response 2 [ ]",
        "Jul 06 15:47:17 gw charon[1]: 12[NET] <rw|1> sending packet: from 192.0.2.1[4500] to 198.51.100.9[4500] (80 bytes)",
        "Jul 06 15:47:27 gw charon[1]: 14[NET] <rw|1> received packet: from 198.51.100.9[4500] to 192.0.2.1[4500] (80 bytes)",
    };
    size_t n = sizeof fwd / sizeof fwd[0];
    char text[4096], rev[4096];
    size_t tl = 0, rl = 0;
    for (size_t i = 0; i < n; i++) {
        tl += (size_t)sprintf(text + tl, "%s\n", fwd[i]);
        rl += (size_t)sprintf(rev + rl, "%s\n", fwd[n - 1 - i]);
    }
    collected c = run_text(text);
    check_success_evidence(&c);
    collected_free(&c);
    c = run_text(rev);
    check_success_evidence(&c);
    collected_free(&c);
}
END_TEST

START_TEST(strongswan_5_3_responder_without_ike_name)
{
    /* 5.3: "inacceptable", no <con|id>, syslog with a PID */
    collected c = run_text(
        "Mar  1 10:00:00 gw charon[811]: 07[NET] received packet: from 192.0.2.7[500] to 192.0.2.1[500] (336 bytes)\n"
        "Mar  1 10:00:00 gw charon[811]: 07[ENC] parsed IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "Mar  1 10:00:00 gw charon[811]: 07[IKE] 192.0.2.7 is initiating an IKE_SA\n"
        "Mar  1 10:00:00 gw charon[811]: 07[CFG] received proposals: IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024\n"
        "Mar  1 10:00:00 gw charon[811]: 07[CFG] configured proposals: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024\n"
        "Mar  1 10:00:00 gw charon[811]: 07[IKE] received proposals inacceptable\n"
        "Mar  1 10:00:00 gw charon[811]: 07[ENC] generating IKE_SA_INIT response 0 [ N(NO_PROP) ]\n"
        "Mar  1 10:00:00 gw charon[811]: 07[NET] sending packet: from 192.0.2.1[500] to 192.0.2.7[500] (36 bytes)\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_ENCRYPTION_MISMATCH);
    ck_assert_int_eq(d->ike_version, 2);
    ck_assert_int_eq(d->role, IDG_ROLE_RESPONDER);
    ck_assert_str_eq(d->remote_addr, "192.0.2.7");
    ck_assert_str_eq(off(d, "phase1.encryption")->peer, "3DES_CBC");
    ck_assert_int_eq((int)c.n, 1);
    collected_free(&c);
}
END_TEST

/* The fix "accepts the peer's proposal" only with a proposal the peer
 * offers: this end's first proposal with the peer's DH group would be
 * aes128-sha256-modp2048, which the peer (aes256 with sha256) does not. */
/* The reference's phase 1 hash case: the peer's IKEv1 proposal carries no
 * hash charon recognised ("IKE:AES_CBC_256/MODP_1024"); phase 1 has no
 * hash "off", so the fix never proposes one without it. */
/* The advice table: well formed, and its templates filled from the
 * diagnosis (the connection and the peer's address), with the stated
 * default where the log has no value. */
/* The same "CHILD_SA ... established" line twice (syslog writing to two
 * files, a relay repeating it) is one SA; a rekeyed SA (new unique id and
 * SPIs) is another. */
START_TEST(repeated_child_established_line_is_one_sa)
{
    static const char text[] =
        "Jul 06 15:47:06 gw charon[1]: 09[IKE] <s2s|1> IKE_SA s2s[1] established between 192.0.2.1[gw]...198.51.100.9[br]\n"
        "Jul 06 15:47:07 gw charon[1]: 09[IKE] <s2s|1> CHILD_SA net{1} established with SPIs c0fdc545_i 075798ab_o and TS 10.1.0.0/16 === 10.2.0.0/16\n"
        "Jul 06 15:47:07 gw charon[1]: 09[IKE] <s2s|1> CHILD_SA net{1} established with SPIs c0fdc545_i 075798ab_o and TS 10.1.0.0/16 === 10.2.0.0/16\n"
        "Jul 06 16:47:07 gw charon[1]: 11[IKE] <s2s|1> CHILD_SA net{2} established with SPIs c5a1b2c3_i 0a0b0c0d_o and TS 10.1.0.0/16 === 10.2.0.0/16\n";
    collected c = run_text(text);
    uint64_t up = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.d[i]->cls == IDG_CLASS_PHASE2_ESTABLISHED)
            up++;
    ck_assert_uint_eq(up, 2);
    collected_free(&c);
}
END_TEST

/* A retried INVALID_KE is a warning whose evidence ends at the INVALID_KE:
 * the IKE_AUTH of the retried SA is the success's. */
START_TEST(invalid_ke_retry_evidence_ends_at_the_retry)
{
    static const char text[] =
        "09[IKE] <a|1> initiating IKE_SA a[1] to 192.0.2.2\n"
        "09[ENC] <a|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "10[ENC] <a|1> parsed IKE_SA_INIT response 0 [ N(INVAL_KE) ]\n"
        "10[IKE] <a|1> peer didn't accept DH group MODP_2048, it requested ECP_256\n"
        "10[IKE] <a|1> initiating IKE_SA a[1] to 192.0.2.2\n"
        "11[ENC] <a|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "11[IKE] <a|1> authentication of 'gw-a' (myself) with pre-shared key\n"
        "11[ENC] <a|1> generating IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]\n"
        "12[IKE] <a|1> IKE_SA a[1] established between 192.0.2.1[gw-a]...192.0.2.2[gw-b]\n";
    collected c = run_text(text);
    int seen = 0;
    for (size_t i = 0; i < c.n; i++) {
        const idg_diagnosis *d = c.d[i];
        if (d->cls != IDG_CLASS_PHASE1_DH_GROUP_MISMATCH)
            continue;
        seen = 1;
        ck_assert_int_eq(d->severity, IDG_SEVERITY_WARNING);
        ck_assert_uint_gt(d->n_evidence, 0);
        ck_assert_ptr_nonnull(strstr(d->evidence[d->n_evidence - 1].text, "requested ECP_256"));
    }
    ck_assert_int_eq(seen, 1);
    collected_free(&c);
}
END_TEST

START_TEST(advice_templates_are_filled)
{
    ck_assert_int_eq(rec_templates_ok(), 1);
    collected c = run_text(
        "09[IKE] <site|3> initiating Main Mode IKE_SA site[3] to 198.51.100.7\n"
        "09[ENC] <site|3> generating ID_PROT request 0 [ SA V V V V V ]\n"
        "11[ENC] <site|3> parsed ID_PROT response 0 [ SA V V V ]\n"
        "11[ENC] <site|3> generating ID_PROT request 0 [ KE No NAT-D NAT-D ]\n"
        "12[ENC] <site|3> parsed ID_PROT response 0 [ KE No NAT-D NAT-D ]\n"
        "12[ENC] <site|3> generating ID_PROT request 0 [ ID HASH N(INITIAL_CONTACT) ]\n"
        "13[ENC] <site|3> parsed INFORMATIONAL_V1 request 4096 [ N(AUTH_FAILED) ]\n"
        "13[IKE] <site|3> received AUTHENTICATION_FAILED error notify\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(d->strongswan);
    ck_assert_msg(strstr(d->strongswan, "${") == NULL, "%s", d->strongswan);
    ck_assert_msg(strstr(d->strongswan, "connections.site.") != NULL || strstr(d->strongswan, "ike-site") != NULL,
                  "%s", d->strongswan);
    collected_free(&c);
    /* no connection name logged: the template's default */
    c = run_text(
        "09[CFG] loading connection 'gone' failed\n");
    d = first_error(&c);
    if (d && d->summary)
        ck_assert_msg(strstr(d->summary, "${") == NULL, "%s", d->summary);
    collected_free(&c);
}
END_TEST

/* A paste cut in the middle of a negotiation says so (stats.in_progress):
 * the one that began near the end and was not concluded, not one that
 * came up, nor one that went quiet long before the end. */
START_TEST(cut_negotiation_is_in_progress)
{
    static const char cut[] =
        "10[IKE] <c|1> initiating IKE_SA c[1] to 192.0.2.2\n"
        "10[ENC] <c|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "10[NET] <c|1> sending packet: from 192.0.2.1[500] to 192.0.2.2[500] (464 bytes)\n"
        "11[NET] <c|1> received packet: from 192.0.2.2[500] to 192.0.2.1[500] (472 bytes)\n"
        "11[ENC] <c|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "11[IKE] <c|1> authentication of 'a' (myself) with pre-shared key\n"
        "11[ENC] <c|1> generating IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]\n";
    collected c;
    idg_stats st;
    run(cut, sizeof cut - 1, -1, 7u, NULL, &c, &st);
    ck_assert_uint_eq(st.in_progress, 1);
    ck_assert_ptr_null(first_error(&c));
    collected_free(&c);
    /* the same, answered and up: nothing under way */
    static const char up[] =
        "10[IKE] <c|1> initiating IKE_SA c[1] to 192.0.2.2\n"
        "10[ENC] <c|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "11[ENC] <c|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "11[ENC] <c|1> generating IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]\n"
        "12[ENC] <c|1> parsed IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]\n"
        "12[IKE] <c|1> IKE_SA c[1] established between 192.0.2.1[a]...192.0.2.2[b]\n";
    run(up, sizeof up - 1, -1, 7u, NULL, &c, &st);
    ck_assert_uint_eq(st.in_progress, 0);
    collected_free(&c);
}
END_TEST

START_TEST(phase1_unrecognised_peer_hash_is_not_off)
{
    collected c;
    run_file("tests/corpus/reference/p1-hash-mismatch/responder.log", &c);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_HASH_MISMATCH);
    ck_assert_msg(strstr(d->pfsense, "off") == NULL, "%s", d->pfsense);
    ck_assert_msg(strstr(d->strongswan, "aes256-modp1024") == NULL, "%s", d->strongswan);
    ck_assert_msg(strstr(d->strongswan, "aes256-sha1-modp1024") != NULL, "%s", d->strongswan);
    collected_free(&c);
}
END_TEST

START_TEST(recommended_proposal_is_one_the_peer_offers)
{
    collected c = run_text(
        "Dec 26 06:12:16 gw charon[8544]: 13[IKE] 192.0.2.7 is initiating an IKE_SA\n"
        "Dec 26 06:12:16 gw charon[8544]: 13[CFG] received proposals: "
        "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048, "
        "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024\n"
        "Dec 26 06:12:16 gw charon[8544]: 13[CFG] configured proposals: "
        "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072\n"
        "Dec 26 06:12:16 gw charon[8544]: 13[IKE] received proposals unacceptable\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_DH_GROUP_MISMATCH);
    ck_assert_ptr_nonnull(d->strongswan);
    ck_assert_msg(strstr(d->strongswan, "proposals = aes256-sha256-modp2048 ") != NULL, "%s", d->strongswan);
    collected_free(&c);
}
END_TEST

START_TEST(strongswan_6_key_exchange_wordings)
{
    /* 6.0: key exchange method wording; the retries fail for good */
    collected c = run_text(
        "09[IKE] <vpn|4> initiating IKE_SA vpn[4] to 198.51.100.9\n"
        "09[ENC] <vpn|4> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "11[ENC] <vpn|4> parsed IKE_SA_INIT response 0 [ N(INVAL_KE) ]\n"
        "11[IKE] <vpn|4> peer didn't accept key exchange method ECP_384, it requested ML_KEM_768\n"
        "11[IKE] <vpn|4> initiating IKE_SA vpn[4] to 198.51.100.9\n"
        "11[IKE] <vpn|4> giving up after 5 retries\n"
        "11[IKE] <vpn|4> IKE_SA vpn[4] state change: CONNECTING => DESTROYING\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_DH_GROUP_MISMATCH);
    ck_assert_str_eq(d->connection, "vpn");
    ck_assert_int_eq((int)d->ike_sa_id, 4);
    ck_assert_str_eq(off(d, "phase1.dh_group")->peer, "ML_KEM_768");
    collected_free(&c);
    /* 6.0.6 responder line names the SA; KEY_EXCHANGE_METHOD hint only */
    c = run_text(
        "05[IKE] <2> 203.0.113.9 is initiating IKE_SA (unnamed)[2]\n"
        "05[CFG] <2> selecting proposal:\n"
        "05[CFG] <2>   no acceptable KEY_EXCHANGE_METHOD found\n"
        "05[IKE] <2> received proposals unacceptable\n"
        "05[ENC] <2> generating IKE_SA_INIT response 0 [ N(NO_PROP) ]\n");
    d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_DH_GROUP_MISMATCH);
    ck_assert_int_eq(d->role, IDG_ROLE_RESPONDER);
    collected_free(&c);
}
END_TEST

START_TEST(ikev2_initiator_narrowing_and_half_open)
{
    collected c = run_text(
        "10[IKE] <c|1> initiating IKE_SA c[1] to 192.0.2.2\n"
        "10[IKE] <c|1> IKE_SA c[1] established between 192.0.2.1[a]...192.0.2.2[b]\n"
        "10[CFG] <c|1> proposing traffic selectors for us:\n"
        "10[CFG] <c|1>  10.0.0.0/16\n"
        "10[CFG] <c|1> proposing traffic selectors for other:\n"
        "10[CFG] <c|1>  10.1.0.0/16\n"
        "10[IKE] <c|1> no acceptable traffic selectors found\n"
        "10[IKE] <c|1> failed to establish CHILD_SA, keeping IKE_SA\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE2_NETWORK_MISMATCH);
    ck_assert_str_eq(off(d, "phase2.local_network")->local, "10.0.0.0/16");
    collected_free(&c);
    /* a half-open SA is not an error by itself */
    c = run_text(
        "07[IKE] <9> 192.0.2.50 is initiating an IKE_SA\n"
        "07[ENC] <9> generating IKE_SA_INIT response 0 [ SA KE No ]\n"
        "15[JOB] <9> deleting half open IKE_SA with 192.0.2.50 after timeout\n");
    ck_assert_ptr_null(first_error(&c));
    ck_assert_int_eq((int)c.n, 1);
    ck_assert_int_eq(c.d[0]->severity, IDG_SEVERITY_WARNING);
    collected_free(&c);
}
END_TEST

START_TEST(daemon_restart_splits_sessions)
{
    /* ids restart with the daemon: [1] before and after are two SAs */
    collected c = run_text(
        "00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0, x86_64)\n"
        "09[IKE] <con1|1> initiating Main Mode IKE_SA con1[1] to 203.0.113.2\n"
        "09[IKE] <con1|1> sending retransmit 1 of request message ID 0, seq 1\n"
        "00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0, x86_64)\n"
        "09[IKE] <con1|1> initiating Main Mode IKE_SA con1[1] to 203.0.113.2\n"
        "09[IKE] <con1|1> IKE_SA con1[1] established between 198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]\n");
    ck_assert_ptr_null(first_error(&c));
    ck_assert_int_eq((int)c.n, 1);
    ck_assert_int_eq(c.d[0]->cls, IDG_CLASS_PHASE1_ESTABLISHED);
    collected_free(&c);
}
END_TEST

/* An IKE_SA known to be up only because a Quick Mode ran on it cites that
 * Quick Mode line as its evidence (a phase 2 line). */
START_TEST(inferred_ike_sa_cites_the_exchange)
{
    collected c;
    run_file("tests/corpus/reference/p2-pfs-mismatch/initiator.log", &c);
    const idg_diagnosis *up = NULL;
    for (size_t i = 0; i < c.n; i++)
        if (c.d[i]->cls == IDG_CLASS_PHASE1_ESTABLISHED)
            up = c.d[i];
    ck_assert_ptr_nonnull(up);
    ck_assert_uint_ge(up->n_evidence, 1);
    ck_assert_ptr_nonnull(strstr(up->evidence[up->n_evidence - 1].text, "QUICK_MODE request"));
    collected_free(&c);
}
END_TEST

/* A paste that redacted the ports as well as the addresses
 * ("x.x.x.x[yyyy]"): the addresses are the hosts, without the brackets. */
START_TEST(redacted_port_is_no_part_of_the_address)
{
    collected c = run_text(
        "Sep 21 20:26:43 12[NET] <vpn|1> sending packet: from 10.9.8.7[yyyy] to x.x.x.x[PORT] (68 bytes)\n"
        "Sep 21 20:26:43 12[ENC] <vpn|1> parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]\n"
        "Sep 21 20:26:43 12[IKE] <vpn|1> received AUTHENTICATION_FAILED notify error\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->local_addr, "10.9.8.7");
    ck_assert_str_eq(d->remote_addr, "x.x.x.x");
    collected_free(&c);
}
END_TEST

/* Setups dropped by a DoS-protection limit are in no SA's context: the
 * drops of one peer address make one diagnosis, an error unless a later
 * setup of that peer is accepted, which makes it a warning at once. */
START_TEST(dropped_setups_gather_per_peer)
{
    collected c = run_text(
        "Nov 30 00:23:54 fw charon[1]: 03[NET] ignoring IKE_SA setup from 198.51.100.2, per-IP half-open IKE_SA limit of 5 reached\n"
        "Nov 30 00:23:55 fw charon[1]: 03[NET] ignoring IKE_SA setup from 198.51.100.7, per-IP half-open IKE_SA limit of 5 reached\n"
        "Nov 30 00:23:56 fw charon[1]: 03[NET] ignoring IKE_SA setup from 198.51.100.2, per-IP half-open IKE_SA limit of 5 reached\n"
        "Nov 30 00:23:58 fw charon[1]: 14[NET] <4> received packet: from 198.51.100.7[500] to 203.0.113.2[500] (464 bytes)\n"
        "Nov 30 00:23:58 fw charon[1]: 14[IKE] <4> 198.51.100.7 is initiating an IKE_SA\n"
        "Nov 30 00:24:02 fw charon[1]: 03[NET] ignoring IKE_SA setup from 198.51.100.2, per-IP half-open IKE_SA limit of 5 reached\n");
    ck_assert_int_eq(count_class(&c, IDG_CLASS_PHASE1_DOS_PROTECTION), 2);
    const idg_diagnosis *err = NULL, *warn = NULL;
    for (size_t i = 0; i < c.n; i++) {
        if (c.d[i]->cls != IDG_CLASS_PHASE1_DOS_PROTECTION)
            continue;
        if (c.d[i]->severity == IDG_SEVERITY_ERROR)
            err = c.d[i];
        else
            warn = c.d[i];
    }
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(warn);
    ck_assert_str_eq(err->remote_addr, "198.51.100.2");
    ck_assert_ptr_nonnull(strstr(err->detail, "3 times"));
    ck_assert_int_eq(err->n_evidence, 3);
    ck_assert_int_eq(err->role, IDG_ROLE_RESPONDER);
    const idg_offending *o = off(err, "charon.block_threshold");
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->local, "5");
    ck_assert_ptr_null(o->peer);
    ck_assert_str_eq(warn->remote_addr, "198.51.100.7");
    ck_assert_ptr_nonnull(strstr(warn->detail, "dropped the first IKE message of 198.51.100.7 unanswered once"));
    ck_assert_ptr_nonnull(err->summary);
    ck_assert_ptr_nonnull(strstr(err->strongswan, "charon.block_threshold"));
    collected_free(&c);
}
END_TEST

/* A stream's reader hears of a peer's dropped setups while the stream
 * runs: some thousand lines after the last drop, not at its end. */
START_TEST(dropped_setups_conclude_while_streaming)
{
    size_t len = 0, cap = 0;
    char *buf = NULL;
    append(&buf, &len, &cap,
           "Nov 30 00:23:54 fw charon[1]: 03[NET] ignoring IKE_SA setup from 198.51.100.2, half-open IKE_SA limit of 3 reached\n");
    for (int i = 0; i < 9000; i++)
        append(&buf, &len, &cap, "Nov 30 00:24:00 fw charon[1]: 05[IKE] <con9|7> sending keep alive to 198.51.100.9[4500]\n");
    collected c;
    run(buf, len, 0, 0, NULL, &c, NULL);
    ck_assert_int_eq(count_class(&c, IDG_CLASS_PHASE1_DOS_PROTECTION), 1);
    ck_assert_int_eq(c.during_feed, 1);
    collected_free(&c);
    free(buf);
}
END_TEST

/* A flood of dropped setups from many addresses makes a bounded number of
 * diagnoses: the first SETUP_DROP_PEERS addresses one by one, the rest
 * together, so that they cannot crowd the tunnels out of the store. */
START_TEST(dropped_setups_of_a_flood_are_bounded)
{
    size_t len = 0, cap = 0;
    char *buf = NULL, line[200];
    for (int i = 0; i < 500; i++) {
        snprintf(line, sizeof line, "Nov 30 00:23:%02d fw charon[1]: 03[NET] ignoring IKE_SA setup from "
                 "10.%d.%d.1, half-open IKE_SA limit of 1000 reached\n", i % 60, i / 250, i % 250);
        append(&buf, &len, &cap, line);
    }
    collected c;
    idg_stats st;
    run(buf, len, 0, 0, NULL, &c, &st);
    ck_assert_int_eq(count_class(&c, IDG_CLASS_PHASE1_DOS_PROTECTION), 9);
    ck_assert_uint_le(st.negotiations, 9);
    const idg_diagnosis *all = c.d[c.n - 1];
    ck_assert_ptr_null(all->remote_addr);
    ck_assert_ptr_nonnull(strstr(all->detail, "492 more"));
    collected_free(&c);
    free(buf);
}
END_TEST

/* An established SA that gives up after this end's own address went away
 * ("%H disappeared from %s", in no SA's context) lost no peer; an address
 * that came back before is no cause. */
static const char *const ADDR_GONE_LOG[] = {
    "Nov 30 01:00:00 fw charon[1]: 12[IKE] <wan|3> IKE_SA wan[3] established between 198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]\n",
    "Nov 30 01:00:05 fw charon[1]: 04[KNL] 198.51.100.2 disappeared from pppoe0\n",
    "",
    "Nov 30 01:00:06 fw charon[1]: 04[IKE] <wan|3> sending DPD request\n",
    "Nov 30 01:00:06 fw charon[1]: 04[ENC] <wan|3> generating INFORMATIONAL request 2 [ ]\n",
    "Nov 30 01:00:08 fw charon[1]: 16[IKE] <wan|3> retransmit 1 of request with message ID 2\n",
    "Nov 30 01:00:20 fw charon[1]: 14[IKE] <wan|3> giving up after 1 retransmits\n",
};

static collected addr_gone_run(const char *between)
{
    size_t len = 0, cap = 0;
    char *buf = NULL;
    for (size_t i = 0; i < sizeof ADDR_GONE_LOG / sizeof ADDR_GONE_LOG[0]; i++)
        append(&buf, &len, &cap, ADDR_GONE_LOG[i][0] ? ADDR_GONE_LOG[i] : between);
    collected c;
    run(buf, len, -1, 3u, NULL, &c, NULL);
    free(buf);
    return c;
}

START_TEST(own_address_gone_is_no_dead_peer)
{
    collected c = addr_gone_run("");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_DPD_TIMEOUT);
    ck_assert_str_eq(d->title, "IKE_SA deleted: this end's own address went away");
    ck_assert_ptr_nonnull(strstr(d->detail, "198.51.100.2 disappeared from pppoe0"));
    ck_assert_ptr_nonnull(off(d, "phase1.local_address"));
    ck_assert_ptr_null(off(d, "phase1.remote_gateway"));
    collected_free(&c);

    c = addr_gone_run("Nov 30 01:00:05 fw charon[1]: 04[KNL] 198.51.100.2 appeared on pppoe0\n");
    d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_DPD_TIMEOUT);
    ck_assert_ptr_null(strstr(d->title, "own address"));
    collected_free(&c);

    /* no address line, but this end's sends fail */
    c = run_text(
        "Nov 30 01:00:00 fw charon[1]: 12[IKE] <wan|3> IKE_SA wan[3] established between 198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]\n"
        "Nov 30 01:00:06 fw charon[1]: 04[NET] <wan|3> sending packet: from 198.51.100.2[4500] to 203.0.113.2[4500] (80 bytes)\n"
        "Nov 30 01:00:06 fw charon[1]: 06[NET] error writing to socket: Network is unreachable\n"
        "Nov 30 01:00:08 fw charon[1]: 16[IKE] <wan|3> retransmit 1 of request with message ID 2\n"
        "Nov 30 01:00:20 fw charon[1]: 14[IKE] <wan|3> giving up after 1 retransmits\n");
    d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->title, "IKE_SA deleted: this end could not send to the peer");
    collected_free(&c);
}
END_TEST

/* An IKEv1 decryption failure is a key mismatch once its "processing
 * failed" line names a phase 1 exchange; a paste cut before that line
 * says so, with less confidence (a Quick Mode overtaking Main Mode's last
 * message fails alike). */
START_TEST(ikev1_decryption_failure_cut_before_its_exchange)
{
    static const char head[] =
        "Jan 05 19:02:13 gw charon: 08[IKE] <l2tp|1> initiating Main Mode IKE_SA l2tp[1] to 198.51.100.5\n"
        "Jan 05 19:02:13 gw charon: 10[ENC] <l2tp|1> generating ID_PROT request 0 [ ID HASH ]\n"
        "Jan 05 19:02:13 gw charon: 11[ENC] <l2tp|1> invalid HASH_V1 payload length, decryption failed?\n"
        "Jan 05 19:02:13 gw charon: 11[ENC] <l2tp|1> could not decrypt payloads\n"
        "Jan 05 19:02:13 gw charon: 11[IKE] <l2tp|1> message parsing failed\n";
    collected c = run_text(head);
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_PSK_MISMATCH);
    ck_assert(d->confidence < 0.8);
    ck_assert_ptr_nonnull(strstr(d->detail, "The log ends before charon says which exchange"));
    collected_free(&c);

    char full[2048];
    snprintf(full, sizeof full, "%s%s", head,
             "Jan 05 19:02:13 gw charon: 11[IKE] <l2tp|1> ID_PROT response with message ID 0 processing failed\n");
    c = run_text(full);
    d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_PSK_MISMATCH);
    ck_assert(d->confidence >= 0.9);
    ck_assert_ptr_null(strstr(d->detail, "The log ends before"));
    collected_free(&c);
}
END_TEST

START_TEST(renamed_sa_still_keeps_its_tunnel_up)
{
    /* SA 2 is named x, then rw by its prefix: the tunnel index must file
     * it under rw, so the close of SA 1 leaves rw up (no tunnel_closed);
     * the close of SA 2 then closes it */
    const char *up =
        "09[IKE] <rw|1> IKE_SA rw[1] established between 192.0.2.1[gw]...198.51.100.7[c1]\n"
        "10[IKE] IKE_SA x[2] established between 192.0.2.1[gw]...198.51.100.8[c2]\n"
        "10[IKE] <rw|2> sending keep alive to 198.51.100.8[4500]\n"
        "09[IKE] <rw|1> received DELETE for IKE_SA rw[1]\n"
        "09[IKE] <rw|1> deleting IKE_SA rw[1] between 192.0.2.1[gw]...198.51.100.7[c1]\n"
        "09[IKE] <rw|1> IKE_SA deleted\n";
    collected c = run_text(up);
    ck_assert_int_eq(count_class(&c, IDG_CLASS_TUNNEL_CLOSED), 0);
    collected_free(&c);

    char both[2048];
    snprintf(both, sizeof both, "%s%s", up,
             "10[IKE] <rw|2> received DELETE for IKE_SA rw[2]\n"
             "10[IKE] <rw|2> deleting IKE_SA rw[2] between 192.0.2.1[gw]...198.51.100.8[c2]\n"
             "10[IKE] <rw|2> IKE_SA deleted\n");
    c = run_text(both);
    ck_assert_int_eq(count_class(&c, IDG_CLASS_TUNNEL_CLOSED), 1);
    collected_free(&c);
}
END_TEST

/* strongSwan 6.0.1, real lab log (its kernel refused the peer's SAs): the
 * responder answered IKE_AUTH with NO_PROPOSAL_CHOSEN alone, no IDr or
 * AUTH, and this initiator sent AUTHENTICATION_FAILED for the missing IDr.
 * That is the CHILD_SA's failure, not a key or identity one. And charon's
 * start-up probe of XFRM interfaces (5.9.10 on), refused by a kernel
 * without them on thread 00, is no evidence of any SA. */
START_TEST(bare_ike_auth_no_proposal_is_phase2)
{
    collected c = run_text(
        "Nov 29 07:45:59 fw-a charon[5047]: 00[DMN] Starting IKE charon daemon (strongSwan 6.0.1, Linux 6.18.44, x86_64)\n"
        "Nov 29 07:45:59 fw-a charon[5047]: 00[KNL] received netlink error: Unknown device type (95)\n"
        "Nov 29 07:45:59 fw-a charon[5047]: 00[KNL] failed to create XFRM interface 'xfrmi-test-1718'\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 06[IKE] <con1|1> initiating IKE_SA con1[1] to 203.0.113.2\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 06[ENC] <con1|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 11[ENC] <con1|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 11[CFG] <con1|1> selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 11[IKE] <con1|1> authentication of '198.51.100.2' (myself) with pre-shared key\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 11[CFG] <con1|1> configured proposals: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 11[IKE] <con1|1> establishing CHILD_SA con1{1}\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 11[ENC] <con1|1> generating IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 14[ENC] <con1|1> parsed IKE_AUTH response 1 [ N(NO_PROP) ]\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 14[IKE] <con1|1> IDr payload missing\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 14[ENC] <con1|1> generating INFORMATIONAL request 2 [ N(AUTH_FAILED) ]\n"
        "Nov 29 07:46:00 fw-a charon[5047]: 14[IKE] <con1|1> IKE_SA con1[1] state change: CONNECTING => DESTROYING\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE2_PROPOSAL_MISMATCH);
    ck_assert_int_eq(count_class(&c, IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE), 0);
    for (size_t i = 0; i < c.n; i++)
        for (size_t k = 0; k < c.d[i]->n_evidence; k++)
            ck_assert_ptr_null(strstr(c.d[i]->evidence[k].text, "00[KNL]"));
    collected_free(&c);
}
END_TEST

/* The dump of an ipsec.conf conn (stroke, DBG2 CFG) as the vici dump's
 * fields: a real 5.9.8 responder (lab, --backend stroke) whose conn is
 * aggressive=yes, which stroke's dump leaves out, refusing a Main Mode
 * peer. rightauth=psk says the method fits, so the mode is what differs. */
static const char STROKE_DUMP_V1[] =
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG] received stroke: add connection 'con1'\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG] conn con1\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   left=203.0.113.2\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   leftsubnet=192.0.2.128/27\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   leftauth=psk\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   leftid=203.0.113.2\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   right=198.51.100.2\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   rightsubnet=192.0.2.0/27\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   rightauth=%s\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   rightid=198.51.100.2\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   ike=aes256-sha256-modp2048!\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   esp=aes256-sha256!\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   dpddelay=10\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG]   keyexchange=ikev1\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 05[CFG] added configuration 'con1'\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[NET] <1> received packet: from 198.51.100.2[500] to 203.0.113.2[500] (180 bytes)\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[ENC] <1> parsed ID_PROT request 0 [ SA V V V V V ]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[CFG] <1> looking for an IKEv1 config for 203.0.113.2...198.51.100.2\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[CFG] <1> found matching ike config: 203.0.113.2...198.51.100.2 with prio 3100\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[IKE] <1> 198.51.100.2 is initiating a Main Mode IKE_SA\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[CFG] <1> selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 15[ENC] <1> generating ID_PROT response 0 [ SA V V V V ]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 01[ENC] <1> parsed ID_PROT request 0 [ KE No NAT-D NAT-D ]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 01[ENC] <1> generating ID_PROT response 0 [ KE No NAT-D NAT-D ]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 06[ENC] <1> parsed ID_PROT request 0 [ ID HASH N(INITIAL_CONTACT) ]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 06[CFG] <1> looking for pre-shared key peer configs matching 203.0.113.2...198.51.100.2[198.51.100.2]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 06[CFG] <1>   candidate \"con1\", match: 1/20/3100 (me/other/ike)\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 06[IKE] <1> found 1 matching config, but none allows pre-shared key authentication using Main Mode\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 06[ENC] <1> generating INFORMATIONAL_V1 request 3519481098 [ HASH N(AUTH_FAILED) ]\n"
    "Nov 29 11:00:17 fw-b charon[29602]: 06[IKE] <1> IKE_SA (unnamed)[1] state change: CONNECTING => DESTROYING\n";

START_TEST(stroke_dump_tells_mode_from_method)
{
    /* rightauth=psk: the method fits, the mode is refused; rightauth=pubkey
     * (certificates): the method is */
    static const struct {
        const char *rightauth;
        idg_class cls;
        const char *field, *local, *peer;
    } cases[] = {
        {"psk", IDG_CLASS_PHASE1_MODE_MISMATCH, "phase1.mode", "aggressive", "main"},
        {"pubkey", IDG_CLASS_PHASE1_AUTHENTICATION_FAILURE, "phase1.authentication_method",
         "public key", "pre-shared key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[sizeof STROKE_DUMP_V1 + 16];
        snprintf(text, sizeof text, STROKE_DUMP_V1, cases[i].rightauth);
        collected c = run_text(text);
        const idg_diagnosis *d = first_error(&c);
        ck_assert_ptr_nonnull(d);
        ck_assert_int_eq(d->cls, cases[i].cls);
        const idg_offending *o = off(d, cases[i].field);
        ck_assert_ptr_nonnull(o);
        ck_assert_str_eq(o->local, cases[i].local);
        ck_assert_str_eq(o->peer, cases[i].peer);
        collected_free(&c);
    }
}
END_TEST

/* rightid= of the dump is the identity this end asks of the peer: an IKEv2
 * initiator that gets AUTHENTICATION_FAILED names it (real 5.9.8 lines). */
START_TEST(stroke_dump_gives_peer_identifier)
{
    collected c = run_text(
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG] received stroke: add connection 'con1'\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG] conn con1\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   left=198.51.100.2\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   leftauth=psk\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   leftid=198.51.100.2\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   right=203.0.113.2\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   rightauth=psk\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   rightid=fw-b.example.net\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG]   keyexchange=ikev2\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 05[CFG] added configuration 'con1'\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 14[CFG] received stroke: initiate 'con1'\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 14[IKE] <con1|1> initiating IKE_SA con1[1] to 203.0.113.2\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 14[ENC] <con1|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 04[ENC] <con1|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(CHDLESS_SUP) N(MULT_AUTH) ]\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 04[CFG] <con1|1> selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 04[IKE] <con1|1> authentication of '198.51.100.2' (myself) with pre-shared key\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 04[IKE] <con1|1> establishing CHILD_SA con1{1}\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 04[ENC] <con1|1> generating IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 13[ENC] <con1|1> parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]\n"
        "Nov 29 11:00:09 fw-a charon[28576]: 13[IKE] <con1|1> received AUTHENTICATION_FAILED notify error\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH);
    const idg_offending *o = off(d, "phase1.peer_identifier");
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->local, "fw-b.example.net");
    collected_free(&c);
}
END_TEST

/* ipsec.conf: a leftid the certificate does not carry is replaced by the
 * certificate's subject when the starter loads the connection (stroke logs
 * it at level 1); the peer, expecting leftid, refuses that (real 5.9.8
 * IKEv2 initiator, lab --backend stroke). */
START_TEST(stroke_id_defaulted_to_subject)
{
    collected c = run_text(
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG] received stroke: add connection 'con1'\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG] conn con1\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   left=198.51.100.2\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   leftauth=pubkey\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   leftid=fw-a.example.net\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   leftcert=a.crt\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   right=203.0.113.2\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   rightauth=pubkey\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   rightid=203.0.113.2\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   keyexchange=ikev2\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   loaded certificate \"C=XX, O=Lab, CN=198.51.100.2\" from 'a.crt'\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG]   id 'fw-a.example.net' not confirmed by certificate, defaulting to 'C=XX, O=Lab, CN=198.51.100.2'\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[CFG] added configuration 'con1'\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 06[CFG] received stroke: initiate 'con1'\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[IKE] <con1|1> initiating IKE_SA con1[1] to 203.0.113.2\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 05[ENC] <con1|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[ENC] <con1|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) CERTREQ N(FRAG_SUP) N(HASH_ALG) N(CHDLESS_SUP) N(MULT_AUTH) ]\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[CFG] <con1|1> selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[IKE] <con1|1> received cert request for \"C=XX, O=Lab, CN=Lab CA\"\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[IKE] <con1|1> authentication of 'C=XX, O=Lab, CN=198.51.100.2' (myself) with ECDSA_WITH_SHA256_DER successful\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[IKE] <con1|1> sending end entity cert \"C=XX, O=Lab, CN=198.51.100.2\"\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[IKE] <con1|1> establishing CHILD_SA con1{1}\n"
        "Nov 29 11:57:28 fw-a charon[3706]: 08[ENC] <con1|1> generating IKE_AUTH request 1 [ IDi CERT N(INIT_CONTACT) CERTREQ IDr AUTH SA TSi TSr N(MULT_AUTH) N(EAP_ONLY) N(MSG_ID_SYN_SUP) ]\n"
        "Nov 29 11:57:29 fw-a charon[3706]: 07[ENC] <con1|1> parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]\n"
        "Nov 29 11:57:29 fw-a charon[3706]: 07[IKE] <con1|1> received AUTHENTICATION_FAILED notify error\n"
        "Nov 29 11:57:29 fw-a charon[3706]: 07[IKE] <con1|1> IKE_SA con1[1] state change: CONNECTING => DESTROYING\n");
    const idg_diagnosis *d = first_error(&c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->cls, IDG_CLASS_PHASE1_IDENTIFIER_MISMATCH);
    const idg_offending *o = off(d, "phase1.my_identifier");
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->local, "C=XX, O=Lab, CN=198.51.100.2");
    ck_assert_ptr_nonnull(strstr(d->detail, "fw-a.example.net"));
    collected_free(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, chunking_is_irrelevant, 0, (int)(sizeof CHUNK_FILES / sizeof CHUNK_FILES[0]));
    tcase_add_test(tc, diagnoses_stream_before_finish);
    tcase_add_test(tc, negotiations_are_bounded);
    tcase_add_test(tc, renamed_sa_still_keeps_its_tunnel_up);
    tcase_add_test(tc, redacted_port_is_no_part_of_the_address);
    tcase_add_test(tc, dropped_setups_gather_per_peer);
    tcase_add_test(tc, dropped_setups_conclude_while_streaming);
    tcase_add_test(tc, dropped_setups_of_a_flood_are_bounded);
    tcase_add_test(tc, own_address_gone_is_no_dead_peer);
    tcase_add_test(tc, ikev1_decryption_failure_cut_before_its_exchange);
    tcase_add_test(tc, inferred_ike_sa_cites_the_exchange);
    tcase_add_test(tc, reference_p1_encryption_responder);
    tcase_add_test(tc, reference_p1_initiator_only_sees_the_notify);
    tcase_add_test(tc, reference_p1_dh_and_hash);
    tcase_add_test(tc, reference_p2_network_responder);
    tcase_add_test(tc, reference_p2_pfs_and_mode);
    tcase_add_test(tc, ikev2_pfs_fails_only_at_rekey);
    tcase_add_test(tc, interleaved_tunnels);
    tcase_add_test(tc, no_conclusion);
    tcase_add_test(tc, ike_rekey_is_not_an_error);
    tcase_add_test(tc, strings_are_valid);
    tcase_add_test(tc, strongswan_5_3_responder_without_ike_name);
    tcase_add_test(tc, strongswan_6_key_exchange_wordings);
    tcase_add_test(tc, recommended_proposal_is_one_the_peer_offers);
    tcase_add_test(tc, phase1_unrecognised_peer_hash_is_not_off);
    tcase_add_test(tc, advice_templates_are_filled);
    tcase_add_test(tc, cut_negotiation_is_in_progress);
    tcase_add_test(tc, ikev2_initiator_narrowing_and_half_open);
    tcase_add_test(tc, daemon_restart_splits_sessions);
    tcase_add_test(tc, repeated_child_established_line_is_one_sa);
    tcase_add_test(tc, invalid_ke_retry_evidence_ends_at_the_retry);
    tcase_add_test(tc, success_evidence_ends_at_the_established_line);
    tcase_add_test(tc, bare_ike_auth_no_proposal_is_phase2);
    tcase_add_test(tc, stroke_dump_tells_mode_from_method);
    tcase_add_test(tc, stroke_dump_gives_peer_identifier);
    tcase_add_test(tc, stroke_id_defaulted_to_subject);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
