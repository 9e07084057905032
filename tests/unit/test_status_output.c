/*
 * test_status_output.c - strongSwan's status output (src/status_output.h):
 * each shape of `ipsec statusall`, `swanctl --list-sas` and `--list-conns`
 * as the daemons print it (lines from tests/corpus/status/, and the
 * not-established forms of stroke_list.c's formats), its name and state;
 * lines that resemble it (another program's "name[pid]: text", prose with a
 * colon, an unknown state) are none; the tally; and the engine: a status
 * paste is counted, in any chunking, and never joined to a log line.
 */
#include <check.h>
#include <string.h>

#include "ipsecdiag/ipsecdiag.h"
#include "status_output.h"

static status_kind parse(const char *line, status_line *out)
{
    return status_line_parse(line, strlen(line), out);
}

static int span_is(span s, const char *want)
{
    return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

#define SA(line, want_kind, want_name, want_state)                                    \
    do {                                                                              \
        status_line sl;                                                               \
        ck_assert_int_eq(parse(line, &sl), want_kind);                                \
        ck_assert_int_eq(sl.kind, want_kind);                                         \
        ck_assert_msg(span_is(sl.name, want_name), "name of %s", line);               \
        ck_assert_msg(span_is(sl.state, want_state), "state of %s", line);            \
    } while (0)

START_TEST(test_stroke)
{
    SA("        con1[1]: ESTABLISHED 2 seconds ago, 198.51.100.2[198.51.100.2]...203.0.113.2[203.0.113.2]",
       STATUS_IKE_SA, "con1", "ESTABLISHED");
    SA("      site-a[3]: CONNECTING, 198.51.100.1[%any]...203.0.113.2[%any]", STATUS_IKE_SA, "site-a",
       "CONNECTING");
    SA("   con1000[12]: DELETING, 198.51.100.1[fw]...203.0.113.2[peer]", STATUS_IKE_SA, "con1000",
       "DELETING");
    SA("        con1{1}:  INSTALLED, TUNNEL, reqid 1, ESP in UDP SPIs: fd6e2396_i b5275604_o",
       STATUS_CHILD_SA, "con1", "INSTALLED");
    SA("        con1{4}:  ROUTED, TUNNEL, reqid 1", STATUS_CHILD_SA, "con1", "ROUTED");
    /* the lines of no SA's state */
    const char *other[] = {
        "Status of IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0, x86_64):",
        "Security Associations (1 up, 0 connecting):",
        "        con1[1]: IKEv2 SPIs: 2833f0141972911e_i* 46b3046610fd60a6_r, rekeying in 7 hours",
        "        con1[1]: IKE proposal: AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
        "      site-a[3]: Tasks active: ISAKMP_VENDOR MAIN_MODE",
        "        con1{1}:  AES_CBC_256/HMAC_SHA2_256_128, 0 bytes_i, 0 bytes_o, rekeying in 51 minutes",
        "        con1{1}:   192.0.2.0/27 === 192.0.2.128/27",
        "        con1:  198.51.100.2...203.0.113.2  IKEv2, dpddelay=10s",
        "        con1:   local:  [198.51.100.2] uses pre-shared key authentication",
        "        con1:   remote: [203.0.113.2] uses pre-shared key authentication",
        "        con1:   child:  192.0.2.0/27 === 192.0.2.128/27 TUNNEL, dpdaction=none",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        ck_assert_msg(parse(other[i], NULL) == STATUS_OTHER, "%s", other[i]);
}
END_TEST

START_TEST(test_swanctl)
{
    SA("con1: #1, ESTABLISHED, IKEv2, 53eaf4ceb7d7a933_i* 37db255a157dcbcd_r", STATUS_IKE_SA, "con1",
       "ESTABLISHED");
    SA("gw-b: #7, CONNECTING, IKEv1, 6f1b2c3d4e5f6a7b_i* 0000000000000000_r", STATUS_IKE_SA, "gw-b",
       "CONNECTING");
    SA("  con1: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_CBC-256/HMAC_SHA2_256_128",
       STATUS_CHILD_SA, "con1", "INSTALLED");
    const char *other[] = {
        "con1: IKEv2, no reauthentication, rekeying every 25920s, dpd delay 10s",
        "con1: IKEv1, reauthentication every 25920s, dpd delay 10s",
        "  local  '198.51.100.2' @ 198.51.100.2[4500]",
        "  remote '203.0.113.2' @ 203.0.113.2[4500]",
        "  established 2s ago, rekeying in 23598s",
        "    installed 2s ago, rekeying in 3032s, expires in 3598s",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        ck_assert_msg(parse(other[i], NULL) == STATUS_OTHER, "%s", other[i]);
}
END_TEST

START_TEST(test_lookalikes)
{
    const char *none[] = {
        "",
        "   ",
        "sshd[1234]: Accepted publickey for root from 192.0.2.9 port 50022 ssh2",
        "Nov 27 13:18:09 fw sshd[1234]: Accepted, 192.0.2.9...x",
        "dhcpd[77]: WAITING, 10.0.0.1...10.0.0.2",   /* no charon state */
        "con1[1]: established 2 seconds ago, a...b", /* states are upper case */
        "con1{1}:INSTALLED, TUNNEL",                 /* two blanks after the colon */
        "Note: IKEv2, both ends",
        "Connections:",
        "the tunnel: #1, ESTABLISHED, IKEv2, but not from swanctl",
        "con1: #x, ESTABLISHED, IKEv2, abc_i* def_r", /* the unique id is a number */
        "Status of the firewall:",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        ck_assert_msg(parse(none[i], NULL) == STATUS_NONE, "%s", none[i]);
}
END_TEST

START_TEST(test_tally)
{
    idg_stats st = {0};
    const char *lines[] = {
        "Security Associations (1 up, 1 connecting):",
        "        con1[1]: ESTABLISHED 5 minutes ago, 198.51.100.2[a]...203.0.113.2[b]",
        "        con1{1}:  INSTALLED, TUNNEL, reqid 1, ESP SPIs: c7b0ea5c_i c5d8c3ff_o",
        "        con1{2}:  ROUTED, TUNNEL, reqid 2",
        "        con2[2]: CONNECTING, 198.51.100.2[%any]...192.0.2.77[%any]",
        "prose that is no status output",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        status_output_tally(&st, lines[i], strlen(lines[i]));
    ck_assert_uint_eq(st.status_lines, 5);
    ck_assert_uint_eq(st.status_ike_sas, 2);
    ck_assert_uint_eq(st.status_ike_established, 1);
    ck_assert_uint_eq(st.status_child_sas, 2);
    ck_assert_uint_eq(st.status_child_installed, 1);
}
END_TEST

/* A log line, then `swanctl --list-sas` output: the engine counts the
 * status lines whatever the chunking, and joins none of them to the log
 * line before (a long unknown message, which would take a wrapped tail). */
static const char PASTE[] =
    "Nov 27 13:18:09 fw charon[42]: 09[CFG] vici client 5 requests: list-sas and a message long "
    "enough to be the head of a hard-wrapped line\n"
    "con1: IKEv2, no reauthentication, rekeying every 25920s, dpd delay 10s\n"
    "con1: #1, ESTABLISHED, IKEv2, 9b6c396c43aa87cf_i* def4118af5ae9b41_r\n"
    "  local  '198.51.100.2' @ 198.51.100.2[500]\n"
    "  con1: #1, reqid 1, INSTALLED, TUNNEL, ESP:AES_GCM_16-256\n";

static void no_diag(void *user, const idg_diagnosis *d)
{
    (void)user;
    (void)d;
}

START_TEST(test_engine_counts)
{
    size_t len = sizeof PASTE - 1;
    for (size_t chunk = 1; chunk <= len; chunk = chunk < 8 ? chunk + 1 : chunk * 3) {
        idg_engine *e = idg_engine_new(NULL, no_diag, NULL);
        ck_assert_ptr_nonnull(e);
        for (size_t off = 0; off < len; off += chunk)
            ck_assert_int_eq(idg_engine_feed(e, PASTE + off, off + chunk < len ? chunk : len - off), 0);
        ck_assert_int_eq(idg_engine_finish(e), 0);
        const idg_stats *st = idg_engine_stats(e);
        ck_assert_uint_eq(st->status_lines, 4);
        ck_assert_uint_eq(st->status_ike_sas, 1);
        ck_assert_uint_eq(st->status_ike_established, 1);
        ck_assert_uint_eq(st->status_child_installed, 1);
        ck_assert_uint_eq(st->joined_lines, 0);
        ck_assert_uint_eq(st->charon_lines, 1);
        idg_engine_free(e);
    }
}
END_TEST

static Suite *status_suite(void)
{
    Suite *s = suite_create("status_output");
    TCase *tc = tcase_create("shapes");
    tcase_add_test(tc, test_stroke);
    tcase_add_test(tc, test_swanctl);
    tcase_add_test(tc, test_lookalikes);
    tcase_add_test(tc, test_tally);
    tcase_add_test(tc, test_engine_counts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(status_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
