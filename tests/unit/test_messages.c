/*
 * test_messages.c - the message table and the format-string matcher:
 * charon's wordings of several releases classify alike, and the right
 * parts are captured.
 */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "fmt_match.h"
#include "messages.h"

static msg_index IDX;

static void setup(void)
{
    msg_index_init(&IDX);
}

/* Classifies msg under subsys; returns the kind (EV_NONE if unmatched). */
static msg_kind classify(const char *subsys, const char *msg, msg_event *ev)
{
    msg_event local = MSG_EVENT_INIT;
    if (!ev)
        ev = &local;
    if (!msg_classify(msg_index_get(), subsys, msg, strlen(msg), ev))
        return EV_NONE;
    return ev->kind;
}

static void assert_field(const msg_event *ev, msg_field f, const char *want)
{
    span s = ev->f[f];
    ck_assert_msg(s.n == strlen(want) && memcmp(s.p, want, s.n) == 0,
                  "field %d: got '%.*s', want '%s'", (int)f, (int)s.n, s.p ? s.p : "", want);
}

/* ---- the index generated at build time ---- */

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The build generates the index from the table (gen_msg_index); it must
 * equal one built from the table now, field by field (the prefix and
 * suffix pointers by the text they point at). */
START_TEST(generated_index_matches_table)
{
    const msg_index *g = msg_index_get();
    size_t rows;
    msg_table(&rows);
    ck_assert(g->hash_mult == IDX.hash_mult);
    ck_assert_mem_eq(g->bucket_start, IDX.bucket_start, sizeof IDX.bucket_start);
    ck_assert_mem_eq(g->bucket_row, IDX.bucket_row, sizeof IDX.bucket_row);
    ck_assert_uint_eq(g->nwild, IDX.nwild);
    ck_assert_mem_eq(g->wild, IDX.wild, sizeof IDX.wild);
    ck_assert_mem_eq(g->wild_by_last, IDX.wild_by_last, sizeof IDX.wild_by_last);
    ck_assert_mem_eq(g->wild_by_first, IDX.wild_by_first, sizeof IDX.wild_by_first);
    ck_assert_mem_eq(g->wild_by_subsys, IDX.wild_by_subsys, sizeof IDX.wild_by_subsys);
    ck_assert_mem_eq(g->plen, IDX.plen, sizeof IDX.plen);
    ck_assert_mem_eq(g->slen, IDX.slen, sizeof IDX.slen);
    ck_assert_mem_eq(g->head_word, IDX.head_word, sizeof IDX.head_word);
    ck_assert_mem_eq(g->head_mask, IDX.head_mask, sizeof IDX.head_mask);
    ck_assert_mem_eq(g->prefix_end_word, IDX.prefix_end_word, sizeof IDX.prefix_end_word);
    ck_assert_mem_eq(g->tail_word, IDX.tail_word, sizeof IDX.tail_word);
    ck_assert_mem_eq(g->tail_mask, IDX.tail_mask, sizeof IDX.tail_mask);
    ck_assert_mem_eq(g->literal_only, IDX.literal_only, sizeof IDX.literal_only);
    ck_assert_mem_eq(g->subsys_code, IDX.subsys_code, sizeof IDX.subsys_code);
    ck_assert_mem_eq(g->field, IDX.field, sizeof IDX.field);
    ck_assert_mem_eq(g->fills, IDX.fills, sizeof IDX.fills);
    ck_assert_mem_eq(g->nconv, IDX.nconv, sizeof IDX.nconv);
    ck_assert_mem_eq(g->slow, IDX.slow, sizeof IDX.slow);
    ck_assert_mem_eq(g->checked_convs, IDX.checked_convs, sizeof IDX.checked_convs);
    ck_assert_mem_eq(g->nonempty_convs, IDX.nonempty_convs, sizeof IDX.nonempty_convs);
    ck_assert_mem_eq(g->conv, IDX.conv, sizeof IDX.conv);
    ck_assert_mem_eq(g->lit_off, IDX.lit_off, sizeof IDX.lit_off);
    ck_assert_mem_eq(g->lit_len, IDX.lit_len, sizeof IDX.lit_len);
    ck_assert_mem_eq(g->lit_word, IDX.lit_word, sizeof IDX.lit_word);
    for (size_t i = 0; i < rows && i < MSG_MAX_ROWS; i++) {
        ck_assert_msg(same_text(g->pre[i], IDX.pre[i]), "row %zu prefix", i);
        ck_assert_msg(same_text(g->suf[i], IDX.suf[i]), "row %zu suffix", i);
    }
}
END_TEST

/* ---- the matcher ---- */

START_TEST(matcher_captures_up_to_literals)
{
    span c[FMT_MAX_CONV];
    const char *m = "IKE_SA con1[12] established between 192.0.2.1[192.0.2.1]...192.0.2.2[C=CH, O=Org, CN=gw]";
    ck_assert_int_eq(fmt_match("IKE_SA %s[%u] established between %H[%Y]...%H[%Y]", m, strlen(m), c, FMT_MAX_CONV), 6);
    ck_assert_int_eq((int)c[0].n, 4);
    ck_assert(memcmp(c[1].p, "12", 2) == 0);
    ck_assert(c[5].n == strlen("C=CH, O=Org, CN=gw"));
    /* numeric conversions must be digits */
    const char *bad = "IKE_SA con1[x] established between a[b]...c[d]";
    ck_assert_int_eq(fmt_match("IKE_SA %s[%u] established between %H[%Y]...%H[%Y]", bad, strlen(bad), c, FMT_MAX_CONV), -1);
    /* leading spaces and trailing spaces are not significant */
    const char *ind = "   no acceptable INTEGRITY_ALGORITHM found  ";
    ck_assert_int_eq(fmt_match("  no acceptable %N found", ind, strlen(ind), c, FMT_MAX_CONV), 1);
    ck_assert_int_eq((int)c[0].n, (int)strlen("INTEGRITY_ALGORITHM"));
    /* %% is a literal percent, and conversions in a row */
    const char *pct = "100% done";
    ck_assert_int_eq(fmt_match("%d%% done", pct, strlen(pct), c, FMT_MAX_CONV), 1);
    const char *sad = "unable to install inbound and outbound IPsec SA (SAD) in kernel";
    ck_assert_int_eq(fmt_match("unable to install %s%s%sIPsec SA (SAD) in kernel", sad, strlen(sad), c, FMT_MAX_CONV), 3);
    ck_assert_int_eq((int)c[2].n, (int)strlen("inbound and outbound "));
    ck_assert_int_eq(fmt_count_conversions("a %s b %#R c %% d %.8x"), 3);
    /* %H takes at least one byte: a redacted host that begins with the
     * literal after it ("[server ip]" before "[") */
    const char *red = "IKE_SA c[1] established between 10.0.0.8[10.0.0.8]...[server ip][[server ip]]";
    ck_assert_int_eq(fmt_match("IKE_SA %s[%u] established between %H[%Y]...%H[%Y]", red, strlen(red), c, FMT_MAX_CONV), 6);
    ck_assert(c[4].n == strlen("[server ip]") && memcmp(c[4].p, "[server ip]", c[4].n) == 0);
    ck_assert(c[5].n == strlen("[server ip]") && memcmp(c[5].p, "[server ip]", c[5].n) == 0);
}
END_TEST

START_TEST(table_is_well_formed)
{
    size_t n;
    const msg_pattern *t = msg_table(&n);
    ck_assert(n > 100 && n <= MSG_MAX_ROWS);
    size_t wild = 0;
    for (size_t i = 0; i < n; i++) {
        int conv = fmt_count_conversions(t[i].fmt);
        ck_assert_msg(conv <= MSG_MAX_CONV, "row %zu: too many conversions", i);
        for (int k = conv; k < MSG_MAX_CONV; k++)
            ck_assert_msg(t[i].fields[k] == MF_SKIP, "row %zu (%s): field for a missing conversion", i, t[i].fmt);
        for (int k = 0; k < MSG_MAX_CONV; k++)
            ck_assert_msg(t[i].fields[k] < MF__COUNT, "row %zu (%s): no such field", i, t[i].fmt);
        /* the index packs a subsystem's three letters into an integer */
        ck_assert_msg(!t[i].subsys || strlen(t[i].subsys) == 3, "row %zu: subsystem not 3 letters", i);
        /* a row whose literal prefix is shorter than the index's key is
         * tried apart, and only MSG_WILD_CAP of them are */
        const char *f = t[i].fmt + strspn(t[i].fmt, " ");
        if (strcspn(f, "%") < MSG_KEY_BYTES)
            wild++;
    }
    ck_assert(wild <= MSG_WILD_CAP);
}
END_TEST

/* A message as charon would print row f: each conversion replaced by a
 * value of its kind. */
static void sample_of(const char *f, char *out, size_t cap)
{
    size_t o = 0;
    while (*f && o + 48 < cap) {
        if (*f != '%') {
            out[o++] = *f++;
            continue;
        }
        f++;
        if (*f == '%') {
            out[o++] = *f++;
            continue;
        }
        int alt = 0;
        for (; *f && strchr("#-+ 0123456789.*lhzj", *f); f++)
            alt |= *f == '#';
        const char *v;
        switch (*f) {
        case 's': v = "some text"; break;
        case 'd': case 'u': case 'i': v = "7"; break;
        case 'x': case 'X': v = "c1d0e2f3"; break;
        case 'H': v = alt ? "192.0.2.1[500]" : "192.0.2.1"; break;
        case 'Y': v = "gw.example.net"; break;
        case 'N': v = "SOME_NAME"; break;
        case 'R': v = "10.0.0.0/24"; break;
        case 'B': v = "0a:0b:0c"; break;
        case 'V': v = "3 seconds"; break;
        case 'T': v = "Nov 01 00:00:00 2026"; break;
        case 'P': v = "ESP:AES_CBC_128/HMAC_SHA1_96/NO_EXT_SEQ"; break;
        default: v = "x"; break;
        }
        if (*f)
            f++;
        size_t n = strlen(v);
        memcpy(out + o, v, n);
        o += n;
    }
    out[o] = '\0';
}

/* Every row's own message is read as its kind, with its subsystem and
 * with none (journald and `ipsec up` output log none): a general row put
 * ahead of a specific one it also matches would take its lines. */
START_TEST(every_row_reads_its_own_message)
{
    size_t n;
    const msg_pattern *t = msg_table(&n);
    for (size_t i = 0; i < n; i++) {
        char m[1024];
        msg_event ev = MSG_EVENT_INIT;
        sample_of(t[i].fmt, m, sizeof m);
        msg_kind k = classify(t[i].subsys, m, &ev);
        ck_assert_msg(k == t[i].kind, "row %zu '%s': '%s' read as %s", i, t[i].fmt, m, msg_kind_name(k));
        k = classify("", m, &ev);
        ck_assert_msg(k == t[i].kind, "row %zu '%s' without subsystem: read as %s (%s)", i, t[i].fmt,
                      msg_kind_name(k), k != EV_NONE && ev.pat ? ev.pat->fmt : "no row");
    }
}
END_TEST

/* ---- version wordings ---- */

START_TEST(proposal_rejection_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    /* <= 5.6.3 and 5.7.0+ */
    ck_assert_int_eq(classify("IKE", "received proposals inacceptable", NULL), EV_P1_UNACCEPTABLE);
    ck_assert_int_eq(classify("IKE", "received proposals unacceptable", NULL), EV_P1_UNACCEPTABLE);
    /* DIFFIE_HELLMAN_GROUP <= 5.9.6, KEY_EXCHANGE_METHOD 5.9.7+ */
    ck_assert_int_eq(classify("CFG", "  no acceptable DIFFIE_HELLMAN_GROUP found", &ev), EV_NO_ACCEPTABLE_TYPE);
    assert_field(&ev, MF_TYPE, "DIFFIE_HELLMAN_GROUP");
    ck_assert_int_eq(classify("CFG", "  no acceptable KEY_EXCHANGE_METHOD found", &ev), EV_NO_ACCEPTABLE_TYPE);
    assert_field(&ev, MF_TYPE, "KEY_EXCHANGE_METHOD");
    /* the pfSense document trims the indentation */
    ck_assert_int_eq(classify("CFG", "no acceptable ENCRYPTION_ALGORITHM found", &ev), EV_NO_ACCEPTABLE_TYPE);
    ck_assert_int_eq(classify("IKE", "no acceptable proposal found", NULL), EV_NO_ACCEPTABLE_PROPOSAL);
    ck_assert_int_eq(classify("IKE", "no proposal found", NULL), EV_V1_NO_PROPOSAL);
    ck_assert_int_eq(classify("IKE", "no matching proposal found, sending NO_PROPOSAL_CHOSEN", &ev), EV_QM_NO_PROPOSAL);
    assert_field(&ev, MF_NOTIFY, "NO_PROPOSAL_CHOSEN");
    ck_assert_int_eq(classify("IKE", "no matching proposal found, trying alternative config", NULL), EV_NONE);
    ck_assert_int_eq(classify("IKE", "peers proposal selection invalid", NULL), EV_PEER_PROPOSAL_INVALID);
    ck_assert_int_eq(classify("IKE", "peer's proposal selection invalid", NULL), EV_PEER_PROPOSAL_INVALID);
    ck_assert_int_eq(classify("CFG", "received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024, "
                                     "IKE:3DES_CBC/HMAC_MD5_96/PRF_HMAC_MD5/MODP_1024", &ev), EV_RECEIVED_PROPOSALS);
    ck_assert(ev.f[MF_PROPOSALS].n > 40);
    ck_assert_int_eq(classify("CFG", "configured proposals: ESP:AES_GCM_16_256/ECP_256/NO_EXT_SEQ/KE1_ML_KEM_768", &ev),
                     EV_CONFIGURED_PROPOSALS);
}
END_TEST

START_TEST(invalid_ke_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("IKE", "DH group MODP_1024 inacceptable, requesting MODP_2048", &ev), EV_INVALID_KE_R);
    ck_assert_int_eq(classify("IKE", "DH group MODP_2048 unacceptable, requesting ECP_256", &ev), EV_INVALID_KE_R);
    assert_field(&ev, MF_ALG1, "MODP_2048");
    assert_field(&ev, MF_ALG2, "ECP_256");
    ck_assert_int_eq(classify("IKE", "key exchange method ECP_256 unacceptable, requesting CURVE_25519", &ev), EV_INVALID_KE_R);
    assert_field(&ev, MF_ALG2, "CURVE_25519");
    ck_assert_int_eq(classify("IKE", "peer didn't accept DH group MODP_2048, it requested ECP_256", &ev), EV_INVALID_KE_I);
    assert_field(&ev, MF_ALG1, "MODP_2048");
    ck_assert_int_eq(classify("IKE", "peer didn't accept key exchange method ECP_384, it requested ML_KEM_768", &ev), EV_INVALID_KE_I);
    assert_field(&ev, MF_ALG2, "ML_KEM_768");
    ck_assert_int_eq(classify("IKE", "giving up after 5 retries", NULL), EV_KE_FAILED);
    /* the group an INVALID_KE_PAYLOAD asked for, which this end cannot compute */
    ck_assert_int_eq(classify("IKE", "requested DH group MODP_8192 not supported", &ev), EV_KE_UNSUPPORTED);
    assert_field(&ev, MF_VALUE, "MODP_8192");
    ck_assert_int_eq(classify("IKE", "requested key exchange method ML_KEM_1024 not supported", &ev), EV_KE_UNSUPPORTED);
    assert_field(&ev, MF_VALUE, "ML_KEM_1024");
    ck_assert_int_eq(classify("IKE", "giving up after 5 retransmits", NULL), EV_GIVING_UP);
}
END_TEST

START_TEST(traffic_selector_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    /* <= 5.7.1 */
    ck_assert_int_eq(classify("IKE", "no matching CHILD_SA config found", &ev), EV_NO_CHILD_CFG);
    ck_assert_int_eq((int)ev.f[MF_TS_LOCAL].n, 0);
    /* 5.7.2+: TSi === TSr, the responder's remote first */
    ck_assert_int_eq(classify("IKE", "no matching CHILD_SA config found for 10.5.0.0/24 === 10.6.0.0/24", &ev), EV_NO_CHILD_CFG);
    assert_field(&ev, MF_TS_REMOTE, "10.5.0.0/24");
    assert_field(&ev, MF_TS_LOCAL, "10.6.0.0/24");
    ck_assert_int_eq(classify("CFG", "looking for a child config for 10.5.0.0/24|/0 === 10.3.0.0/24|/0", &ev), EV_LOOKING_CHILD_CFG);
    assert_field(&ev, MF_TS_LOCAL, "10.5.0.0/24|/0");
    assert_field(&ev, MF_TS_REMOTE, "10.3.0.0/24|/0");
    ck_assert_int_eq(classify("IKE", "traffic selectors 10.6.0.0/24 10.7.0.0/24 === 10.5.0.0/24 unacceptable", &ev), EV_TS_UNACCEPTABLE);
    assert_field(&ev, MF_TS_LOCAL, "10.6.0.0/24 10.7.0.0/24");
    ck_assert_int_eq(classify("IKE", "traffic selectors 10.6.0.0/24 === 10.5.0.0/24 inacceptable", NULL), EV_TS_UNACCEPTABLE);
    ck_assert_int_eq(classify("CFG", "proposing traffic selectors for us:", NULL), EV_TS_HEADER_PROPOSE_US);
    ck_assert_int_eq(classify("CFG", "proposing traffic selectors for other:", NULL), EV_TS_HEADER_PROPOSE_OTHER);
    ck_assert_int_eq(classify("CFG", "selecting traffic selectors for us:", NULL), EV_TS_HEADER_SELECT_US);
    ck_assert_int_eq(classify("CFG", " config: 10.5.0.0/24, received: 10.5.0.0/24 => match: 10.5.0.0/24", NULL), EV_TS_NARROW);
    ck_assert_int_eq(classify("IKE", "received TS_UNACCEPTABLE notify, no CHILD_SA built", &ev), EV_NOTIFY_CHILD);
    assert_field(&ev, MF_NOTIFY, "TS_UNACCEPTABLE");
}
END_TEST

START_TEST(notify_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("IKE", "received NO_PROPOSAL_CHOSEN error notify", &ev), EV_NOTIFY_ERROR_V1);
    assert_field(&ev, MF_NOTIFY, "NO_PROPOSAL_CHOSEN");
    ck_assert_int_eq(classify("IKE", "received NO_PROPOSAL_CHOSEN notify error", &ev), EV_NOTIFY_ERROR_V2);
    assert_field(&ev, MF_NOTIFY, "NO_PROPOSAL_CHOSEN");
    ck_assert_int_eq(classify("IKE", "received AUTHENTICATION_FAILED notify error, destroying IKE_SA", &ev), EV_NOTIFY_ERROR_V2);
    assert_field(&ev, MF_NOTIFY, "AUTHENTICATION_FAILED");
    ck_assert_int_eq(classify("IKE", "received (29) error notify", &ev), EV_NOTIFY_ERROR_V1);
    assert_field(&ev, MF_NOTIFY, "(29)");
    ck_assert_int_eq(classify("IKE", "received FRAGMENTATION_SUPPORTED notify", NULL), EV_NOTIFY_STATUS);
    ck_assert_int_eq(classify("IKE", "received EAP_FAILURE, EAP authentication failed", NULL), EV_EAP_FAILED);
    /* what charon says of an answer that is a bare error notify */
    ck_assert_int_eq(classify("IKE", "IDr payload missing", &ev), EV_PAYLOAD_MISSING);
    assert_field(&ev, MF_TYPE, "IDr");
    ck_assert_int_eq(classify("IKE", "KE payload missing in message", &ev), EV_PAYLOAD_MISSING);
    assert_field(&ev, MF_TYPE, "KE");
    /* an IKEv2-only peer's answer to IKEv1, and a version this build lacks */
    ck_assert_int_eq(classify("NET", "received unencrypted informational: from 203.0.113.2[500] to 198.51.100.2[500]", &ev),
                     EV_UNENCRYPTED_INFO);
    assert_field(&ev, MF_RHOST, "203.0.113.2[500]");
    ck_assert_int_eq(classify("IKE", "IKE version 1 not supported", &ev), EV_VERSION_NOT_BUILT);
    assert_field(&ev, MF_VALUE, "1");
}
END_TEST

START_TEST(lifecycle_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("IKE", "initiating IKE_SA con1[1] to 203.0.113.2", &ev), EV_INITIATING_V2);
    assert_field(&ev, MF_ID, "1");
    assert_field(&ev, MF_RHOST, "203.0.113.2");
    ck_assert_int_eq(classify("IKE", "initiating Aggressive Mode IKE_SA con2[1] to 203.0.113.5", NULL), EV_INITIATING_AM);
    /* <= 6.0.5 and 6.0.6+ */
    ck_assert_int_eq(classify("IKE", "198.51.100.2 is initiating an IKE_SA", &ev), EV_RESPONDING_V2);
    assert_field(&ev, MF_RHOST, "198.51.100.2");
    ck_assert_int_eq(classify("IKE", "2001:db8::2 is initiating IKE_SA (unnamed)[3]", &ev), EV_RESPONDING_V2);
    assert_field(&ev, MF_ID, "3");
    ck_assert_int_eq(classify("IKE", "198.51.100.2 is initiating a Aggressive Mode IKE_SA", NULL), EV_RESPONDING_AM);
    ck_assert_int_eq(classify("IKE", "IKE_SA con2[11] established between 192.0.2.90[192.0.2.90]...192.0.2.74[192.0.2.74]", &ev),
                     EV_IKE_ESTABLISHED);
    assert_field(&ev, MF_NAME, "con2");
    assert_field(&ev, MF_RID, "192.0.2.74");
    ck_assert_int_eq(classify("IKE", "CHILD_SA con2{2} established with SPIs cf4973bf_i c1cbfdf2_o and TS 192.168.48.0/24|/0 === 10.42.42.0/24|/0", &ev),
                     EV_CHILD_ESTABLISHED);
    assert_field(&ev, MF_TS_LOCAL, "192.168.48.0/24|/0");
    assert_field(&ev, MF_TS_REMOTE, "10.42.42.0/24|/0");
    ck_assert_int_eq(classify("IKE", "inbound CHILD_SA con1{4} established with SPIs c1_i c2_o and TS 10.0.0.0/24 === 10.1.0.0/24", NULL),
                     EV_CHILD_ESTABLISHED);
    ck_assert_int_eq(classify("IKE", "IKE_SA (unnamed)[1] state change: CONNECTING => DESTROYING", &ev), EV_IKE_STATE);
    assert_field(&ev, MF_TO, "DESTROYING");
    ck_assert_int_eq(classify("IKE", "IKE_SA con1[2] rekeyed between 198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]", NULL),
                     EV_IKE_REKEYED);
    ck_assert_int_eq(classify("JOB", "deleting half open IKE_SA after timeout", NULL), EV_HALF_OPEN_TIMEOUT);
    ck_assert_int_eq(classify("JOB", "deleting half open IKE_SA with 192.0.2.1 after timeout", &ev), EV_HALF_OPEN_TIMEOUT);
    assert_field(&ev, MF_RHOST, "192.0.2.1");
    ck_assert_int_eq(classify("JOB", "deleting half open IKE_SA con1[5] with 192.0.2.1 after timeout", &ev), EV_HALF_OPEN_TIMEOUT);
    assert_field(&ev, MF_ID, "5");
    ck_assert_int_eq(classify("NET", "received packet: from 198.51.100.2[500] to 203.0.113.2[500] (180 bytes)", &ev), EV_PACKET_RECV);
    assert_field(&ev, MF_RHOST, "198.51.100.2[500]");
    ck_assert_int_eq(classify("NET", "sending packet: from 198.51.100.3[500] to 203.0.113.5[500]", NULL), EV_PACKET_SEND);
    ck_assert_int_eq(classify("IKE", "ID_PROT request with message ID 0 processing failed", &ev), EV_PROCESSING_FAILED);
    assert_field(&ev, MF_MSGID, "0");
    ck_assert_int_eq(classify("IKE", "sending retransmit 1 of request message ID 0, seq 1", &ev), EV_RETRANSMIT_V1);
    assert_field(&ev, MF_COUNT, "1");
    ck_assert_int_eq(classify("IKE", "retransmit 2 of request with message ID 2", &ev), EV_RETRANSMIT_V2);
    assert_field(&ev, MF_MSGID, "2");
    ck_assert_int_eq(classify("DMN", "Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0, x86_64)", NULL), EV_DAEMON_START);
}
END_TEST

/* receiver.c's DoS protection (5.0-5.9.5 and 5.9.6+ wordings) and
 * ike_sa_manager.c's IKE_SA limit: one kind per limit, the peer and the
 * limit's value read. */
START_TEST(dos_protection_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("NET", "ignoring IKE_SA setup from 198.51.100.2, half-open IKE_SA limit of 1 reached", &ev),
                     EV_SETUP_DROPPED_HALF_OPEN);
    assert_field(&ev, MF_RHOST, "198.51.100.2");
    assert_field(&ev, MF_VALUE, "1");
    ck_assert_int_eq(classify("NET", "ignoring IKE_SA setup from 198.51.100.2, half open IKE_SA count of 1001 exceeds limit of 1000", &ev),
                     EV_SETUP_DROPPED_HALF_OPEN);
    assert_field(&ev, MF_VALUE, "1000");
    ck_assert_int_eq(classify("NET", "ignoring IKE_SA setup from 2001:db8::7, per-IP half-open IKE_SA limit of 5 reached", &ev),
                     EV_SETUP_DROPPED_PER_IP);
    assert_field(&ev, MF_RHOST, "2001:db8::7");
    assert_field(&ev, MF_VALUE, "5");
    ck_assert_int_eq(classify("NET", "ignoring IKE_SA setup from x.x.x.x, peer too aggressive", &ev), EV_SETUP_DROPPED_PER_IP);
    assert_field(&ev, MF_RHOST, "x.x.x.x");
    ck_assert_int_eq(classify("NET", "ignoring IKE_SA setup from 192.0.2.9, job load of 120 exceeds limit of 100", &ev),
                     EV_SETUP_DROPPED_JOB_LOAD);
    assert_field(&ev, MF_VALUE, "100");
    ck_assert_int_eq(classify("MGR", "ignoring IKE_SA_INIT, hitting IKE_SA limit (2000)", &ev), EV_SETUP_DROPPED_IKESA_LIMIT);
    assert_field(&ev, MF_VALUE, "2000");
    /* a request of the peer out of step (5.5.2+ and the older wording) */
    ck_assert_int_eq(classify("IKE", "received message ID 2, expected 38, ignored", &ev), EV_MSGID_MISMATCH);
    assert_field(&ev, MF_MSGID, "2");
    assert_field(&ev, MF_VALUE, "38");
    ck_assert_int_eq(classify("IKE", "received message ID 7, expected 5. Ignored", &ev), EV_MSGID_MISMATCH);
}
END_TEST

/* A row that starts with %H reads an address a paste redacted as well:
 * such rows are tried by the message's first byte, and "x", "<", "*" and
 * "[" start no real address. */
START_TEST(leading_address_may_be_redacted)
{
    msg_event ev = MSG_EVENT_INIT;
    static const char *const hosts[] = {"x.x.x.x", "<REDACTED>", "***.***.***.***", "[server-ip]",
                                        "A.A.A.A", "10.x.x.x", "2001:db8::1"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s is initiating an IKE_SA", hosts[i]);
        ck_assert_msg(classify("IKE", msg, &ev) == EV_RESPONDING_V2, "%s", msg);
        assert_field(&ev, MF_RHOST, hosts[i]);
        snprintf(msg, sizeof msg, "%s is initiating a Main Mode IKE_SA", hosts[i]);
        ck_assert_msg(classify("IKE", msg, &ev) == EV_RESPONDING_MM, "%s", msg);
    }
}
END_TEST

START_TEST(authentication_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    /* XAuth: the round passed (server: the user; client: itself), then a
     * constraint may refuse the config (xauth.c 5.7.0+, no reason given) */
    ck_assert_int_eq(classify("IKE", "XAuth authentication of 'bob' successful", &ev), EV_XAUTH_OK);
    assert_field(&ev, MF_RID, "bob");
    ck_assert_int_eq(classify("IKE", "XAuth authentication of 'bob' (myself) successful", &ev), EV_XAUTH_OK);
    assert_field(&ev, MF_LID, "bob");
    ck_assert_int_eq(classify("IKE", "XAuth authentication of 'bob' (myself) failed", &ev), EV_XAUTH_FAILED);
    ck_assert_int_eq(classify("CFG", "selected peer config 'con1' unacceptable", &ev), EV_PEER_CFG_UNACCEPTABLE);
    assert_field(&ev, MF_NAME, "con1");
    ck_assert_int_eq(classify("CFG", "selected peer config 'con1' unacceptable: constraint checking failed", &ev),
                     EV_PEER_CFG_UNACCEPTABLE);
    assert_field(&ev, MF_NAME, "con1");
    ck_assert_int_eq(classify("IKE", "peer did not respond to our XAuth X_PWD request", NULL), EV_XAUTH_FAILED);
    /* an IKEv1 initiator's connection with no IKEv1 authentication method */
    ck_assert_int_eq(classify("CFG", "configuration uses unsupported authentication", NULL), EV_V1_AUTH_UNSUPPORTED);
    ck_assert_int_eq(classify("IKE", "tried 1 shared key for '203.0.113.2' - '198.51.100.2', but MAC mismatched", &ev), EV_MAC_MISMATCH);
    assert_field(&ev, MF_LID, "203.0.113.2");
    assert_field(&ev, MF_RID, "198.51.100.2");
    ck_assert_int_eq(classify("IKE", "tried 2 shared keys for 'a.example' - 'b.example', but MAC mismatched", NULL), EV_MAC_MISMATCH);
    ck_assert_int_eq(classify("ENC", "invalid HASH_V1 payload length, decryption failed?", &ev), EV_DECRYPT_FAILED);
    assert_field(&ev, MF_TYPE, "HASH_V1");
    ck_assert_int_eq(classify("CFG", "looking for pre-shared key peer configs matching 203.0.113.5...198.51.100.3[someid]", &ev),
                     EV_LOOKING_PEER_CFG_V1);
    assert_field(&ev, MF_TYPE, "pre-shared key");
    assert_field(&ev, MF_RID, "someid");
    ck_assert_int_eq(classify("CFG", "looking for peer configs matching 203.0.113.2[%any]...198.51.100.2[198.51.100.2]", &ev),
                     EV_LOOKING_PEER_CFG_V2);
    assert_field(&ev, MF_LID, "%any");
    ck_assert_int_eq(classify("IKE", "found 1 matching config, but none allows pre-shared key authentication using Main Mode", &ev),
                     EV_NO_AUTH_MODE);
    assert_field(&ev, MF_MODE, "Main");
    ck_assert_int_eq(classify("IKE", "found 2 matching configs, but none allows pre-shared key authentication using Aggressive Mode", &ev),
                     EV_NO_AUTH_MODE);
    assert_field(&ev, MF_MODE, "Aggressive");
    ck_assert_int_eq(classify("IKE", "IDir '192.0.2.10' does not match to '203.0.113.245'", &ev), EV_IDIR_MISMATCH);
    assert_field(&ev, MF_RID, "192.0.2.10");
    assert_field(&ev, MF_VALUE, "203.0.113.245");
    /* <= 5.9.13 (trailing space) and 5.9.14+ */
    ck_assert_int_eq(classify("CFG", "constraint check failed: identity 'fw-b.example.net' required ", &ev), EV_CONSTRAINT_ID);
    assert_field(&ev, MF_VALUE, "fw-b.example.net");
    ck_assert_int_eq(classify("CFG", "constraint check failed: identity 'fw-b.example.net' (FQDN) required, not matched by '203.0.113.2' (IPV4_ADDR)", &ev),
                     EV_CONSTRAINT_ID);
    assert_field(&ev, MF_RID, "203.0.113.2");
    ck_assert_int_eq(classify("CFG", "constraint check failed: peer not authenticated by CA 'C=XX, O=Lab, CN=Lab CA'.", NULL), EV_CERT_CA_REQUIRED);
    ck_assert_int_eq(classify("IKE", "no trusted ECDSA public key found for '198.51.100.2'", NULL), EV_CERT_FAILURE);
    ck_assert_int_eq(classify("CFG", "subject certificate invalid (valid from Jan 01 00:00:00 2020 to Jan 01 00:00:00 2021)", &ev),
                     EV_CERT_SUBJECT_DATES);
    assert_field(&ev, MF_FROM, "Jan 01 00:00:00 2020");
    assert_field(&ev, MF_TO, "Jan 01 00:00:00 2021");
    ck_assert_int_eq(classify("CFG", "issuer certificate invalid (valid from Jan 01 00:00:00 2020 to Jan 01 00:00:00 2021)", NULL),
                     EV_CERT_ISSUER_DATES);
    ck_assert_int_eq(classify("CFG", "certificate was revoked on Sep 28 11:05:12 UTC 2026, reason: superseded", &ev),
                     EV_CERT_REVOKED);
    assert_field(&ev, MF_VALUE, "Sep 28 11:05:12 UTC 2026");
    assert_field(&ev, MF_TEXT, "superseded");
    ck_assert_int_eq(classify("IKE", "Aggressive Mode PSK disabled for security reasons", NULL), EV_AGGR_PSK_DISABLED);
    ck_assert_int_eq(classify("IKE", "no IKE config found for 203.0.113.2...198.51.100.2, sending NO_PROPOSAL_CHOSEN", &ev), EV_NO_IKE_CFG);
    assert_field(&ev, MF_LHOST, "203.0.113.2");
    assert_field(&ev, MF_RHOST, "198.51.100.2");
    ck_assert_int_eq(classify("IKE", "no IKE config found for 2001:db8::1...2001:db8::2, sending NO_PROPOSAL_CHOSEN", &ev), EV_NO_IKE_CFG);
    assert_field(&ev, MF_RHOST, "2001:db8::2");
}
END_TEST

/* libradius, every release's wording of a RADIUS server that is not
 * there, silent, or signs with another secret; and the lines that say why
 * an SA that was up goes (a duplicate replaced, inactivity, a CHILD_SA's
 * DELETE) */
START_TEST(radius_and_closing_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("CFG", "sending RADIUS Access-Request to server 'nps'", &ev), EV_RADIUS_SENT);
    assert_field(&ev, MF_TEXT, "nps");
    ck_assert_int_eq(classify("CFG", "received RADIUS Access-Reject from server 'nps'", &ev), EV_RADIUS_ANSWER);
    assert_field(&ev, MF_TYPE, "Access-Reject");
    ck_assert_int_eq(classify("CFG", "receiving RADIUS message failed: Connection refused", &ev),
                     EV_RADIUS_UNREACHABLE);
    assert_field(&ev, MF_TEXT, "Connection refused");
    ck_assert_int_eq(classify("CFG", "connecting RADIUS socket to 192.0.2.9[1812] failed: Network is unreachable",
                              &ev), EV_RADIUS_UNREACHABLE);
    ck_assert_int_eq(classify("CFG", "RADIUS Access-Request timed out after 3 attempts", NULL), EV_RADIUS_TIMEOUT);
    ck_assert_int_eq(classify("CFG", "RADIUS Access-Request timed out after 3 retransmits", NULL), EV_RADIUS_TIMEOUT);
    ck_assert_int_eq(classify("CFG", "RADIUS server is not responding", NULL), EV_RADIUS_TIMEOUT);
    ck_assert_int_eq(classify("CFG", "RADIUS Response-Authenticator verification failed", NULL), EV_RADIUS_SECRET);
    ck_assert_int_eq(classify("CFG", "RADIUS Message-Authenticator verification failed", NULL), EV_RADIUS_SECRET);
    ck_assert_int_eq(classify("CFG", "received invalid RADIUS message, ignored", NULL), EV_RADIUS_INVALID);
    /* the same peer identity set up a new IKE_SA: this one goes */
    ck_assert_int_eq(classify("IKE", "deleting duplicate IKE_SA for peer 'alice' due to uniqueness policy", &ev),
                     EV_UNIQUE_REPLACED);
    assert_field(&ev, MF_RID, "alice");
    ck_assert_int_eq(classify("IKE", "destroying duplicate IKE_SA for peer 'alice', received INITIAL_CONTACT", NULL),
                     EV_UNIQUE_REPLACED);
    ck_assert_int_eq(classify("IKE", "schedule delete of duplicate IKE_SA for peer 'alice' due to uniqueness "
                                     "policy and suspected reauthentication", NULL), EV_UNIQUE_REAUTH);
    ck_assert_int_eq(classify("JOB", "deleting CHILD_SA after 300 seconds of inactivity", NULL), EV_CHILD_INACTIVE);
    ck_assert_int_eq(classify("JOB", "deleting IKE_SA after 300 seconds of CHILD_SA inactivity", NULL),
                     EV_IKE_INACTIVE);
    ck_assert_int_eq(classify("IKE", "received DELETE for ESP CHILD_SA with SPI c9d3e4f5", NULL), EV_CHILD_DELETE_RECV);
    ck_assert_int_eq(classify("IKE", "sending DELETE for ESP CHILD_SA with SPI c9d3e4f5", NULL), EV_CHILD_DELETE_SEND);
    /* the user's own rejection stays an EAP failure */
    ck_assert_int_eq(classify("IKE", "RADIUS authentication of 'alice' failed", NULL), EV_EAP_FAILED);
}
END_TEST

START_TEST(kernel_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("IKE", "unable to install inbound and outbound IPsec SA (SAD) in kernel", NULL), EV_INSTALL_FAILED);
    ck_assert_int_eq(classify("IKE", "unable to install IPsec policies (SPD) in kernel", NULL), EV_INSTALL_FAILED);
    ck_assert_int_eq(classify("KNL", "unable to add SAD entry with SPI c347e668 (FAILED)", &ev), EV_KNL_FAILED);   /* netlink */
    ck_assert_int_eq(classify("KNL", "unable to add SAD entry with SPI c347e668: Invalid argument (22)", &ev), EV_KNL_FAILED); /* pfkey */
    assert_field(&ev, MF_TEXT, "Invalid argument");
    ck_assert_int_eq(classify("KNL", "received netlink error: Protocol not supported (93)", &ev), EV_KNL_ERROR);
    assert_field(&ev, MF_TEXT, "Protocol not supported");
    ck_assert_int_eq(classify("JOB", "DPD check timed out, enforcing DPD action", NULL), EV_DPD_TIMEOUT);
    ck_assert_int_eq(classify("KNL", "unable to add SAD entry with SPI c2d98fd8 (ALREADY_DONE)", &ev), EV_KNL_FAILED);
    assert_field(&ev, MF_TEXT, "ALREADY_DONE");
}
END_TEST

/* what charon (or swanctl) says when it cannot start, send, or load */
START_TEST(daemon_wordings)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify("LIB", "feature CUSTOM:libcharon in critical plugin 'charon' has unmet dependency: CUSTOM:kernel-ipsec", &ev),
                     EV_DAEMON_INIT_CAUSE);
    assert_field(&ev, MF_TEXT, "CUSTOM:kernel-ipsec");
    ck_assert_int_eq(classify("LIB", "failed to load 1 critical plugin feature", NULL), EV_DAEMON_INIT_FAILED);
    ck_assert_int_eq(classify("LIB", "failed to load 2 critical plugin features", NULL), EV_DAEMON_INIT_FAILED);
    ck_assert_int_eq(classify("KNL", "unable to create netlink socket: Protocol not supported (93)", &ev), EV_NETLINK_UNAVAILABLE);
    assert_field(&ev, MF_TEXT, "Protocol not supported");
    ck_assert_int_eq(classify("KNL", "unable to create netlink socket", NULL), EV_NETLINK_UNAVAILABLE);
    ck_assert_int_eq(classify("NET", "no socket implementation registered, sending failed", NULL), EV_NO_SOCKET);
    ck_assert_int_eq(classify("CFG", "  ca certificate \"CN=Lab Root\" lacks ca basic constraint, discarded", &ev), EV_CRED_LOAD_FAILED);
    assert_field(&ev, MF_VALUE, "CN=Lab Root");
    ck_assert_int_eq(classify("CFG", "  loading ca certificate from '/etc/ipsec.d/cacerts/a.pem' failed", NULL), EV_CRED_LOAD_FAILED);
    /* swanctl's own output: no subsystem */
    ck_assert_int_eq(classify(NULL, "loading '/etc/swanctl/x509/a.crt' failed: parsing X509 certificate failed", &ev), EV_CRED_LOAD_FAILED);
    assert_field(&ev, MF_TEXT, "parsing X509 certificate failed");
    ck_assert_int_eq(classify(NULL, "loading connection 'to-b' failed: invalid value for: certs, config discarded", &ev), EV_CONN_LOAD_FAILED);
    assert_field(&ev, MF_NAME, "to-b");
    assert_field(&ev, MF_TEXT, "invalid value for: certs, config discarded");
    ck_assert_int_eq(classify("IKE", "server requested EAP_IDENTITY (id 0x2A), sending 'maria'", &ev), EV_EAP_IDENTITY_SENT);
    assert_field(&ev, MF_LID, "maria");
    ck_assert_int_eq(classify("IKE", "EAP_IDENTITY not supported, sending EAP_NAK", &ev), EV_EAP_NAK_SENT);
    assert_field(&ev, MF_TYPE, "EAP_IDENTITY");
    ck_assert_int_eq(classify("IKE", "no XAuth password found for 'user' - 'group'", NULL), EV_XAUTH_CLIENT_NO_SECRET);
    ck_assert_int_eq(classify("IKE", "no XAuth secret found for 'user' - 'group'", NULL), EV_XAUTH_NO_SECRET);
    ck_assert_int_eq(classify("TLS", "no trusted certificate found for 'CN=x' to verify TLS peer", NULL), EV_CERT_FAILURE);
    /* a host that ends a format ends at a blank: a byte count a harness
     * replaced is no part of the address */
    ck_assert_int_eq(classify("NET", "received packet: from 192.1.2.23[500] to 192.1.2.45[500] (XXX bytes)", &ev), EV_PACKET_RECV);
    assert_field(&ev, MF_LHOST, "192.1.2.45[500]");
    ck_assert_int_eq(classify("NET", "received packet: from 192.1.2.23[500] to 192.1.2.45[500]", &ev), EV_PACKET_RECV);
    assert_field(&ev, MF_LHOST, "192.1.2.45[500]");
    ck_assert_int_eq(classify("IKE", "closing CHILD_SA net-a{1} with SPIs c1a2b3c4_i (0 bytes) d5e6f708_o (4504 bytes) and TS 192.168.0.0/24 === 0.0.0.0/0", &ev),
                     EV_CHILD_CLOSING);
    assert_field(&ev, MF_CHILD, "net-a");
    /* SPIs are any text (redacted, normalised) */
    ck_assert_int_eq(classify("IKE", "CHILD_SA lan{1} established with SPIs xxxxxxxx_i yyyyyyyy_o and TS 10.1.0.0/16 === 10.2.0.0/16", &ev),
                     EV_CHILD_ESTABLISHED);
    assert_field(&ev, MF_TS_REMOTE, "10.2.0.0/16");
    ck_assert_int_eq(classify("CFG", "trap not found, unable to acquire reqid 0", &ev), EV_TRAP_NOT_FOUND);
    assert_field(&ev, MF_VALUE, "0");
    ck_assert_int_eq(classify("KNL", "received an SADB_ACQUIRE with policy id 52 but no matching policy found", NULL), EV_TRAP_NOT_FOUND);
    /* the compiled rows agree with fmt_match on a redacted host */
    ck_assert_int_eq(classify("IKE", "IKE_SA c[1] established between 10.0.0.8[10.0.0.8]...[server ip][[server ip]]", &ev),
                     EV_IKE_ESTABLISHED);
    assert_field(&ev, MF_RHOST, "[server ip]");
    assert_field(&ev, MF_RID, "[server ip]");
    ck_assert_int_eq(classify("DMN", "charon already running ('/var/run/charon.pid' exists)", &ev), EV_DAEMON_RUNNING);
    assert_field(&ev, MF_VALUE, "/var/run/charon.pid");
    ck_assert_int_eq(classify("LIB", "building CRED_PRIVATE_KEY - RSA failed, tried 9 builders", &ev), EV_KEY_LOAD_FAILED);
    assert_field(&ev, MF_TYPE, "RSA");
    ck_assert_int_eq(classify("CFG", "  loaded IKE secret for %any", &ev), EV_SECRET_LOADED);
    assert_field(&ev, MF_TEXT, "%any");
}
END_TEST

START_TEST(subsystems_and_noise)
{
    /* the subsystem must agree when both are known; journald has none */
    ck_assert_int_eq(classify("KNL", "no proposal found", NULL), EV_NONE);
    ck_assert_int_eq(classify("", "no proposal found", NULL), EV_V1_NO_PROPOSAL);
    ck_assert_int_eq(classify("IKE", "sending keep alive to 198.51.100.2[4500]", NULL), EV_NONE);
    ck_assert_int_eq(classify("IKE", "hello world", NULL), EV_NONE);
    ck_assert_int_eq(classify("IKE", "", NULL), EV_NONE);
    ck_assert_int_eq(classify("IKE", "received", NULL), EV_NONE);
    ck_assert_int_eq(classify("CFG", "   ", NULL), EV_NONE);
    /* the encoder's trace at ENC level 2 and up (generator.c, parser.c,
     * message.c): no message generated or parsed, which "generating %s" and
     * "parsed %s" would make of them (real 5.9.8 lines at level 4) */
    static const char *const enc_trace[] = {
        "generating payload of type HEADER", "  generating rule 0 IKE_SPI",
        "  generating rule 3 LIST of PROPOSAL_SUBSTRUCTURE", "generating NOTIFY payload finished",
        "parsed a IKE_SA_INIT request header", "parsed content of encrypted payload",
        "parsed content of encryption payload"};
    for (size_t i = 0; i < sizeof enc_trace / sizeof enc_trace[0]; i++)
        ck_assert_msg(classify("ENC", enc_trace[i], NULL) == EV_NONE, "%s", enc_trace[i]);
    ck_assert_int_eq(classify("ENC", "generating IKE_SA_INIT response 0 [ N(NO_PROP) ]", NULL),
                     EV_GENERATING);
    ck_assert_int_eq(classify("ENC", "parsed IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]", NULL),
                     EV_PARSED);
    ck_assert_str_eq(msg_kind_name(EV_NO_CHILD_CFG), "EV_NO_CHILD_CFG");
}
END_TEST

/* Classifies a copy of msg in a heap block of exactly its length (no NUL
 * after it): the matcher reads 8 and 16 bytes at a time, and under
 * AddressSanitizer a load past the message's end fails here. The copy
 * lives until the next call (the event's spans point into it). */
static char *exact_copy;

static msg_kind classify_exact(const char *subsys, const char *msg, msg_event *ev)
{
    free(exact_copy);
    size_t n = strlen(msg);
    exact_copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(exact_copy);
    memcpy(exact_copy, msg, n);
    msg_event local = MSG_EVENT_INIT;
    if (!ev)
        ev = &local;
    return msg_classify(msg_index_get(), subsys, exact_copy, n, ev) ? ev->kind : EV_NONE;
}

/* Messages shorter than the 8-byte loads, padded with white space, cut
 * short, or with a literal in their last bytes classify as the table says. */
START_TEST(message_edges)
{
    msg_event ev = MSG_EVENT_INIT;
    ck_assert_int_eq(classify_exact("CFG", "local:", NULL), EV_CONF_LOCAL);
    ck_assert_int_eq(classify_exact("CFG", "  local:", NULL), EV_CONF_LOCAL);
    ck_assert_int_eq(classify_exact("CFG", "  local: \t\r", NULL), EV_CONF_LOCAL);
    ck_assert_int_eq(classify_exact("CFG", "local", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("CFG", "loc", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("CFG", "l", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("IKE", "sending", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("IKE", "sending DPD reques", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("IKE", "sending DPD request", NULL), EV_DPD_REQUEST);
    ck_assert_int_eq(classify_exact("IKE", "sending DPD request  ", NULL), EV_DPD_REQUEST);
    ck_assert_int_eq(classify_exact("IKE", "sending DPD requests", NULL), EV_NONE);
    /* " => " within the message's last eight bytes */
    ck_assert_int_eq(classify_exact("IKE", "IKE_SA a[1] state change: X => DELETING", &ev), EV_IKE_STATE);
    assert_field(&ev, MF_NAME, "a");
    assert_field(&ev, MF_TO, "DELETING");
    ck_assert_int_eq(classify_exact("IKE", "IKE_SA a[1] state change: X =>", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("IKE", "IKE_SA a[x] state change: X => DELETING", NULL), EV_NONE);
    /* a literal of more than eight bytes between conversions */
    ck_assert_int_eq(classify_exact("IKE",
                                    "found 2 matching configs, but none allows pre-shared key "
                                    "authentication using Aggressive Mode",
                                    &ev),
                     EV_NO_AUTH_MODE);
    assert_field(&ev, MF_COUNT, "2");
    assert_field(&ev, MF_TYPE, "pre-shared key");
    assert_field(&ev, MF_MODE, "Aggressive");
    /* subsystems that are not three letters: only rows of any subsystem
     * (as charon_line.subsys, four NUL-padded bytes: msg_classify's
     * contract, compared as one 32-bit word) */
    ck_assert_int_eq(classify_exact((const char[4]){"IK"}, "no proposal found", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact("IKEX", "no proposal found", NULL), EV_NONE);
    ck_assert_int_eq(classify_exact(NULL, "no proposal found", NULL), EV_V1_NO_PROPOSAL);
    ck_assert_int_eq(classify_exact("IKEX", "IKE_SA a[1] state change: X => DELETING", NULL), EV_IKE_STATE);
    /* a row that starts with a conversion */
    ck_assert_int_eq(classify_exact("IKE", "192.0.2.1 is initiating an IKE_SA", &ev), EV_RESPONDING_V2);
    assert_field(&ev, MF_RHOST, "192.0.2.1");
    free(exact_copy);
    exact_copy = NULL;
}
END_TEST

int main(void)
{
    Suite *s = suite_create("messages");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, generated_index_matches_table);
    tcase_add_test(tc, matcher_captures_up_to_literals);
    tcase_add_test(tc, table_is_well_formed);
    tcase_add_test(tc, every_row_reads_its_own_message);
    tcase_add_test(tc, proposal_rejection_wordings);
    tcase_add_test(tc, invalid_ke_wordings);
    tcase_add_test(tc, traffic_selector_wordings);
    tcase_add_test(tc, notify_wordings);
    tcase_add_test(tc, lifecycle_wordings);
    tcase_add_test(tc, authentication_wordings);
    tcase_add_test(tc, radius_and_closing_wordings);
    tcase_add_test(tc, kernel_wordings);
    tcase_add_test(tc, daemon_wordings);
    tcase_add_test(tc, dos_protection_wordings);
    tcase_add_test(tc, leading_address_may_be_redacted);
    tcase_add_test(tc, subsystems_and_noise);
    tcase_add_test(tc, message_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
