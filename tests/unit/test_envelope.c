/*
 * test_envelope.c - every envelope form envelope_parse recognises, field by
 * field, and the lines it must refuse.
 *
 * Each case is one line as some log pipeline writes it, with every field
 * the parser must find in it. The table is the specification: a new form
 * is a new row. Expected times are worked out by hand (see TS_BSD) and
 * checked against Python's datetime for the ISO ones.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line_source.h"
#include "paste_repair.h"

/* "Nov 27 13:18:09" without a year: day 331 of a leap-year calendar
 * (Jan..Oct = 305 days, + 26), times 86400 s, plus 13:18:09. */
#define TS_BSD 28646289000LL
/* 2026-11-27T13:18:09Z in ms since the epoch. */
#define TS_ISO 1795785489000LL
#define ANY_TS (-2)

typedef struct envelope_case {
    const char *name;
    const char *line;
    const char *time;
    int64_t ts;
    const char *host;
    const char *program;
    int thread;
    const char *subsys;
    int level;
    const char *conn;
    int64_t sa_id;
    const char *msg;
} envelope_case;

static const envelope_case cases[] = {
    {"bsd syslog with host and pid",
     "Nov 27 13:18:09 fw-b charon[3243]: 13[CFG] <con1|1>   no acceptable ENCRYPTION_ALGORITHM found",
     "Nov 27 13:18:09", TS_BSD, "fw-b", "charon", 13, "CFG", -1, "con1", 1,
     "  no acceptable ENCRYPTION_ALGORITHM found"},
    {"bsd syslog indented by a tab (a systemctl status paste)",
     "\tNov 27 13:18:09 fw-b charon[3243]: 00[DMN] initialization failed - aborting charon",
     "Nov 27 13:18:09", TS_BSD, "fw-b", "charon", 0, "DMN", -1, "", -1,
     "initialization failed - aborting charon"},
    {"bsd syslog without pid (charon's own syslog)",
     "Nov 27 13:18:09 fw charon: 09[IKE] <con1|12> IKE_SA con1[12] established",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon", 9, "IKE", -1, "con1", 12,
     "IKE_SA con1[12] established"},
    {"bsd syslog without host",
     "Nov 27 13:18:09 charon[77]: 05[NET] <7> received packet: from 192.0.2.1[500]",
     "Nov 27 13:18:09", TS_BSD, "", "charon", 5, "NET", -1, "", 7,
     "received packet: from 192.0.2.1[500]"},
    {"bsd syslog, space-padded day",
     "Nov  7 13:18:09 fw charon: 09[IKE] x",
     "Nov  7 13:18:09", (305 + 6) * 86400000LL + 47889000LL, "fw", "charon", 9, "IKE", -1, "", -1,
     "x"},
    {"charon-systemd to syslog with prefix",
     "Nov 27 13:18:09 fw charon-systemd[1234]: 16[CHD] <con1|3> CHILD_SA con1{1} state change",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon-systemd", 16, "CHD", -1, "con1", 3,
     "CHILD_SA con1{1} state change"},
    {"ipsec program",
     "Nov 27 13:18:09 fw ipsec: 09[IKE] initiating Main Mode IKE_SA con1[1] to 192.0.2.2",
     "Nov 27 13:18:09", TS_BSD, "fw", "ipsec", 9, "IKE", -1, "", -1,
     "initiating Main Mode IKE_SA con1[1] to 192.0.2.2"},
    {"ipsec_starter program with prefix",
     "Nov 27 13:18:09 fw ipsec_starter[99]: 00[DMN] Starting IKE charon daemon",
     "Nov 27 13:18:09", TS_BSD, "fw", "ipsec_starter", 0, "DMN", -1, "", -1,
     "Starting IKE charon daemon"},
    {"rfc5424 (pfSense option)",
     "<30>1 2026-11-27T13:18:09.123456+00:00 fw charon 123 - - 09[IKE] <con1|3> msg here",
     "2026-11-27T13:18:09.123456+00:00", TS_ISO + 123, "fw", "charon", 9, "IKE", -1, "con1", 3,
     "msg here"},
    {"rfc5424 with structured data and nil pid",
     "<30>1 2026-11-27T14:18:09+01:00 fw.example.com charon - - [meta x=\"a]b\"] 12[CFG] sd",
     "2026-11-27T14:18:09+01:00", TS_ISO, "fw.example.com", "charon", 12, "CFG", -1, "", -1,
     "sd"},
    {"rfc3164 with priority",
     "<30>Nov 27 13:18:09 fw charon: 09[IKE] wire",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon", 9, "IKE", -1, "", -1, "wire"},
    {"journald short: bare message",
     "Nov 27 13:18:09 host charon-systemd[1234]: initiating IKE_SA con1[1] to 192.0.2.1",
     "Nov 27 13:18:09", TS_BSD, "host", "charon-systemd", -1, "", -1, "", -1,
     "initiating IKE_SA con1[1] to 192.0.2.1"},
    {"journald short-precise",
     "Nov 27 13:18:09.250361 host charon-systemd[1234]: received NO_PROPOSAL_CHOSEN notify error",
     "Nov 27 13:18:09.250361", TS_BSD + 250, "host", "charon-systemd", -1, "", -1, "", -1,
     "received NO_PROPOSAL_CHOSEN notify error"},
    {"journald short-iso",
     "2026-11-27T14:18:09+0100 host charon[1]: 09[IKE] short-iso",
     "2026-11-27T14:18:09+0100", TS_ISO, "host", "charon", 9, "IKE", -1, "", -1, "short-iso"},
    {"journald short-iso bare from strongswan",
     "2026-11-27T13:18:09Z host strongswan[1]: deleting IKE_SA con1[2]",
     "2026-11-27T13:18:09Z", TS_ISO, "host", "strongswan", -1, "", -1, "", -1,
     "deleting IKE_SA con1[2]"},
    {"filelog with bsd time",
     "Nov 27 13:18:09 09[IKE] <con1|2> filelog",
     "Nov 27 13:18:09", TS_BSD, "", "", 9, "IKE", -1, "con1", 2, "filelog"},
    {"filelog with iso time and ms",
     "2026-11-27 13:18:09.123 09[IKE] <con1|2> filelog iso",
     "2026-11-27 13:18:09.123", TS_ISO + 123, "", "", 9, "IKE", -1, "con1", 2, "filelog iso"},
    {"filelog without time",
     "10[ENC] <con1|1> parsed ID_PROT response 0 [ SA V V V ]",
     "", -1, "", "", 10, "ENC", -1, "con1", 1, "parsed ID_PROT response 0 [ SA V V V ]"},
    {"bare charon: prefix (pfSense guide)",
     "charon: 14[IKE] received NO_PROPOSAL_CHOSEN error notify",
     "", -1, "", "charon", 14, "IKE", -1, "", -1, "received NO_PROPOSAL_CHOSEN error notify"},
    {"log_level in the tag",
     "09[IKE2] <con1|5> IKE_SA con1[5] state change: CONNECTING => ESTABLISHED",
     "", -1, "", "", 9, "IKE", 2, "con1", 5, "IKE_SA con1[5] state change: CONNECTING => ESTABLISHED"},
    {"three-digit thread",
     "100[NET] sending packet", "", -1, "", "", 100, "NET", -1, "", -1, "sending packet"},
    {"swanctl --initiate console",
     "[IKE] initiating IKE_SA con1[1] to 192.0.2.1",
     "", -1, "", "", -1, "IKE", -1, "", -1, "initiating IKE_SA con1[1] to 192.0.2.1"},
    {"swanctl --log",
     "07[CFG] received stroke: initiate 'con1'",
     "", -1, "", "", 7, "CFG", -1, "", -1, "received stroke: initiate 'con1'"},
    {"opnsense export: time, severity, process, message",
     "2026-11-27T13:18:09\tInformational\tcharon\t09[IKE] <con1|1> msg",
     "2026-11-27T13:18:09", TS_ISO, "", "charon", 9, "IKE", -1, "con1", 1, "msg"},
    {"opnsense export: process before severity",
     "2026-11-27T13:18:09\tcharon[55]\tNotice\t11[CFG] <con1|4> other order",
     "2026-11-27T13:18:09", TS_ISO, "", "charon", 11, "CFG", -1, "con1", 4, "other order"},
    {"opnsense export: bare message after charon column",
     "2026-11-27T13:18:09\tNotice\tcharon\tinitiating IKE_SA con1[1]",
     "2026-11-27T13:18:09", TS_ISO, "", "charon", -1, "", -1, "", -1, "initiating IKE_SA con1[1]"},
    {"android app log",
     "Nov 27 13:18:09 12[IKE] <android|1> establishing CHILD_SA android{1}",
     "Nov 27 13:18:09", TS_BSD, "", "", 12, "IKE", -1, "android", 1,
     "establishing CHILD_SA android{1}"},
    {"android app log with year and ms",
     "Nov 27 2026 13:18:09.042 12[IKE] with year",
     "Nov 27 2026 13:18:09.042", TS_ISO + 42, "", "", 12, "IKE", -1, "", -1, "with year"},
    {"logcat threadtime",
     "11-27 13:18:09.123  1234  1300 I charon  : 09[IKE] logcat threadtime",
     "11-27 13:18:09.123", TS_BSD + 123, "", "charon", 9, "IKE", -1, "", -1, "logcat threadtime"},
    {"logcat brief",
     "I/charon  ( 1234): 09[IKE] <con1|1> logcat brief",
     "", -1, "", "charon", 9, "IKE", -1, "con1", 1, "logcat brief"},
    {"logcat time",
     "11-27 13:18:09.123 I/charon( 1234): 13[CFG] logcat time",
     "11-27 13:18:09.123", TS_BSD + 123, "", "charon", 13, "CFG", -1, "", -1, "logcat time"},
    {"json filelog (charon 6)",
     "{\"time\":\"2026-11-27 13:18:09.123\",\"thread\":9,\"group\":\"IKE\",\"level\":1,"
     "\"ikesa-uniqueid\":\"3\",\"ikesa-name\":\"con1\",\"msg\":\"received proposals: IKE:AES_CBC_256\"}",
     "2026-11-27 13:18:09.123", TS_ISO + 123, "", "", 9, "IKE", 1, "con1", 3,
     "received proposals: IKE:AES_CBC_256"},
    {"json filelog escapes decoded in place",
     "{\"thread\":11,\"group\":\"CFG\",\"level\":2,\"msg\":\"a \\\"q\\\" \\\\ \\u00e9\\ud83d\\ude00 b\"}",
     "", -1, "", "", 11, "CFG", 2, "", -1, "a \"q\" \\ \xc3\xa9\xf0\x9f\x98\x80 b"},
    {"redacted host <REDACTED>",
     "Nov 27 13:18:09 <REDACTED> charon[1]: 09[IKE] <con1|1> sending DPD request",
     "Nov 27 13:18:09", TS_BSD, "<REDACTED>", "charon", 9, "IKE", -1, "con1", 1,
     "sending DPD request"},
    {"redacted host x.x.x.x and redacted context",
     "Nov 27 13:18:09 x.x.x.x charon: 09[IKE] <REDACTED> deleting IKE_SA to A.A.A.A",
     "Nov 27 13:18:09", TS_BSD, "x.x.x.x", "charon", 9, "IKE", -1, "", -1,
     "deleting IKE_SA to A.A.A.A"},
    {"connection name with spaces, redacted id",
     "09[IKE] <site a to b|x> hello",
     "", -1, "", "", 9, "IKE", -1, "site a to b", -1, "hello"},
    {"a '<' that is no context stays in the message",
     "09[IKE] <a b> c", "", -1, "", "", 9, "IKE", -1, "", -1, "<a b> c"},
    {"empty message at the end of the line",
     "Nov 27 13:18:09 fw charon: 09[IKE]",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon", 9, "IKE", -1, "", -1, ""},
    {"leading byte order mark",
     "\xEF\xBB\xBFNov 27 13:18:09 fw charon: 09[IKE] bom",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon", 9, "IKE", -1, "", -1, "bom"},
    /* the edges of the one-word prefix check and the SA id read eight
     * digits at a time: each must read as the byte-by-byte rule does */
    {"context to the end of the line, 7-digit id",
     "09[IKE] <con1|1234567>", "", -1, "", "", 9, "IKE", -1, "con1", 1234567, ""},
    {"context and a trailing space",
     "09[IKE] <con1|5> ", "", -1, "", "", 9, "IKE", -1, "con1", 5, ""},
    {"8-digit id",
     "09[IKE] <con1|12345678> eight digits", "", -1, "", "", 9, "IKE", -1, "con1", 12345678,
     "eight digits"},
    {"18-digit id, the most read",
     "09[IKE] <c|123456789012345678> ok", "", -1, "", "", 9, "IKE", -1, "c", 123456789012345678LL,
     "ok"},
    {"19-digit id is no id",
     "09[IKE] <c|1234567890123456789> big", "", -1, "", "", 9, "IKE", -1, "c", -1, "big"},
    {"id with a letter is no id",
     "09[IKE] <con1|5a> id with letter", "", -1, "", "", 9, "IKE", -1, "con1", -1,
     "id with letter"},
    {"empty id",
     "09[IKE] <con1|> empty id here", "", -1, "", "", 9, "IKE", -1, "con1", -1, "empty id here"},
    {"empty name",
     "09[IKE] <|5> empty name here", "", -1, "", "", 9, "IKE", -1, "", 5, "empty name here"},
    {"context not followed by a space stays in the message",
     "09[IKE] <con1|5>x no space", "", -1, "", "", 9, "IKE", -1, "", -1, "<con1|5>x no space"},
    {"thread 99, group with a level and context",
     "99[KNL3] <con1|123456> level", "", -1, "", "", 99, "KNL", 3, "con1", 123456, "level"},
    {"capitals at the ends of the range",
     "00[AZZ] edges", "", -1, "", "", 0, "AZZ", -1, "", -1, "edges"},
    {"html-escaped paste",
     "Nov 27 13:18:09 fw charon: 09&#91;IKE&#93; &lt;con1|3&gt; it&#39;s &quot;x&quot; &amp; y",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon", 9, "IKE", -1, "con1", 3, "it's \"x\" & y"},
    /* unknown envelopes: the first core prefix after a blank or ':', the
     * time read when it leads */
    {"openwrt logread, empty program",
     "Tue Dec 27 12:48:55 2020 daemon.info : 05[KNL] unable to add SAD entry with SPI c0ffee01",
     "Tue Dec 27 12:48:55 2020", 1609073335000LL, "", "", 5, "KNL", -1, "", -1,
     "unable to add SAD entry with SPI c0ffee01"},
    {"openwrt logread with program",
     "Tue Dec 27 12:48:55 2020 daemon.info charon: 05[IKE] <gw|4> received DELETE",
     "Tue Dec 27 12:48:55 2020", 1609073335000LL, "", "", 5, "IKE", -1, "gw", 4,
     "received DELETE"},
    {"clock alone",
     "17:10:22 charon: 11[IKE] DH group MODP_2048 inacceptable, requesting MODP_1024",
     "17:10:22", 61822000LL, "", "", 11, "IKE", -1, "", -1,
     "DH group MODP_2048 inacceptable, requesting MODP_1024"},
    {"clock to the minute",
     "17:10 11[IKE] to the minute", "17:10", 61800000LL, "", "", 11, "IKE", -1, "", -1,
     "to the minute"},
    {"weekday, iso date, no seconds",
     "Sun, 2017-04-16 19:11 27[CFG] <drop-test|12>   no acceptable DIFFIE_HELLMAN_GROUP found",
     "Sun, 2017-04-16 19:11", 1492369860000LL, "", "", 27, "CFG", -1, "drop-test", 12,
     "  no acceptable DIFFIE_HELLMAN_GROUP found"},
    {"rancher: a US date and 12-hour clock, the thread glued to PM",
     "4/18/2017 1:42:46 PM13[NET] received packet: from 172.31.34.15[500]",
     "4/18/2017 1:42:46 PM", 1492522966000LL, "", "", 13, "NET", -1, "", -1,
     "received packet: from 172.31.34.15[500]"},
    {"a US 12-hour clock past midnight, a blank before the thread",
     "9/10/2017 12:05:01 AM 06[IKE] peer not responding, trying again (23/0)",
     "9/10/2017 12:05:01 AM", 1505001901000LL, "", "", 6, "IKE", -1, "", -1,
     "peer not responding, trying again (23/0)"},
    {"turris: iso time, a severity and an empty tag",
     "2016-12-02T20:26:42+02:00 info []: 05[KNL] received netlink error: No such file",
     "2016-12-02T20:26:42+02:00", 1480703202000LL, "", "", 5, "KNL", -1, "", -1,
     "received netlink error: No such file"},
    {"a GUI table copied with spaces for its tabs",
     "Nov 27 13:18:09 charon 58961 09[IKE] <con1|5> spaces for tabs",
     "Nov 27 13:18:09", TS_BSD, "", "", 9, "IKE", -1, "con1", 5, "spaces for tabs"},
    {"charon[pid] without its colon",
     "Nov 27 13:18:09 charon[58961] 09[IKE] no colon", "Nov 27 13:18:09", TS_BSD, "", "", 9, "IKE",
     -1, "", -1, "no colon"},
    {"unknown words before the core, no time",
     "vpn-box daemon.notice ipsec: 13[CFG] looking for peer configs",
     "", -1, "", "", 13, "CFG", -1, "", -1, "looking for peer configs"},
    /* "[NAME|ID]": the context retyped after Markdown dropped the '<' */
    {"console line with a bracket context",
     "[IKE] [gw-4|16] no acceptable traffic selectors found",
     "", -1, "", "", -1, "IKE", -1, "gw-4", 16, "no acceptable traffic selectors found"},
    {"core with a bracket context",
     "09[IKE] [con1|3] IKE_SA con1[3] established",
     "", -1, "", "", 9, "IKE", -1, "con1", 3, "IKE_SA con1[3] established"},
    {"syslog with a bracket context",
     "Nov 27 13:18:09 fw charon: 09[IKE] [con1|3] deleting IKE_SA",
     "Nov 27 13:18:09", TS_BSD, "fw", "charon", 9, "IKE", -1, "con1", 3, "deleting IKE_SA"},
    {"a bracket without a bar is message text",
     "09[IKE] [12] twelve", "", -1, "", "", 9, "IKE", -1, "", -1, "[12] twelve"},
    {"a bracket with a name only is message text",
     "09[IKE] [con1] x", "", -1, "", "", 9, "IKE", -1, "", -1, "[con1] x"},
    {"a bracket whose id is no number is message text",
     "09[IKE] [con1|x] y", "", -1, "", "", 9, "IKE", -1, "", -1, "[con1|x] y"},
    {"a bracket context not followed by a space is message text",
     "09[IKE] [con1|3]x", "", -1, "", "", 9, "IKE", -1, "", -1, "[con1|3]x"},
    /* a paste's decoration: raw keeps it, the fields do not */
    {"mail quote",
     "> Nov 27 13:18:09 fw charon: 09[IKE] quoted", "Nov 27 13:18:09", TS_BSD, "fw", "charon",
     9, "IKE", -1, "", -1, "quoted"},
    {"nested mail quote",
     ">> > 09[IKE] <con1|2> twice quoted", "", -1, "", "", 9, "IKE", -1, "con1", 2,
     "twice quoted"},
    {"bar quote",
     "| 14[IKE] bar quoted", "", -1, "", "", 14, "IKE", -1, "", -1, "bar quoted"},
    {"bold line",
     "**Nov 27 13:18:09 fw charon: 09[IKE] no proposal chosen**  ", "Nov 27 13:18:09", TS_BSD,
     "fw", "charon", 9, "IKE", -1, "", -1, "no proposal chosen"},
    {"code span line",
     "`09[IKE] in backticks`", "", -1, "", "", 9, "IKE", -1, "", -1, "in backticks"},
    {"bold message of a pasted fragment",
     "charon: 09[IKE] **no shared key found**", "", -1, "", "charon", 9, "IKE", -1, "", -1,
     "no shared key found"},
    {"a line with a time is taken as logged",
     "Nov 27 13:18:09 fw charon: 09[IKE] **no shared key found**", "Nov 27 13:18:09", TS_BSD,
     "fw", "charon", 9, "IKE", -1, "", -1, "**no shared key found**"},
    {"underlined message, quoted",
     "> 09[CFG] __no acceptable proposal found__", "", -1, "", "", 9, "CFG", -1, "", -1,
     "no acceptable proposal found"},
    {"bold and italic message (Markdown)",
     "[CFG] **_selected proposal: ESP:SM4_CBC_128/HMAC_SM3/NO_EXT_SEQ_**", "", -1, "", "", -1, "CFG",
     -1, "", -1, "selected proposal: ESP:SM4_CBC_128/HMAC_SM3/NO_EXT_SEQ"},
    {"a vendor's template: level word, padded pid, spaced prefix",
     "Nov  7 10:52:12 GWUZ notic charon  [ 2452]: IKE 15     : initiating Main Mode IKE_SA t[1] to 172.16.0.34",
     "Nov  7 10:52:12", ANY_TS, "GWUZ", "charon", 15, "IKE", -1, "", -1,
     "initiating Main Mode IKE_SA t[1] to 172.16.0.34"},
    {"the same template with an SA context",
     "Nov 13 14:35:05 BOX info  charon  [ 1679]: IKE 08     : <c1|3> sending DPD request",
     "Nov 13 14:35:05", ANY_TS, "BOX", "charon", 8, "IKE", -1, "c1", 3, "sending DPD request"},
    /* journald and GUI exports write the month in the host's language */
    {"a German journal's month",
     "M\xC3\xA4r 02 09:41:07 edge charon-systemd[1204]: 09[KNL] received netlink error",
     "M\xC3\xA4r 02 09:41:07", ANY_TS, "edge", "charon-systemd", 9, "KNL", -1, "", -1,
     "received netlink error"},
    {"a Spanish journal's month, lower case",
     "mar 05 17:20:06 archlinux charon[30672]: 12[CFG] received stroke: add connection 'x'",
     "mar 05 17:20:06", ANY_TS, "archlinux", "charon", 12, "CFG", -1, "", -1,
     "received stroke: add connection 'x'"},
    {"a French journal's month, with its period",
     "f\xC3\xA9vr. 11 08:02:47 gw charon: 07[IKE] sending DPD request",
     "f\xC3\xA9vr. 11 08:02:47", ANY_TS, "gw", "charon", 7, "IKE", -1, "", -1, "sending DPD request"},
    {"a Russian journal's month",
     "\xD1\x81\xD0\xB5\xD0\xBD 24 07:55:03 deathboard charon-nm[61362]: 06[LIB] x",
     "\xD1\x81\xD0\xB5\xD0\xBD 24 07:55:03", ANY_TS, "deathboard", "charon-nm", 6, "LIB", -1, "",
     -1, "x"},
    {"a message that only ends with a mark keeps it",
     "09[CFG] selected ESP_* proposals: AES_*", "", -1, "", "", 9, "CFG", -1, "", -1,
     "selected ESP_* proposals: AES_*"},
};

static void assert_span(span s, const char *want, const char *field, const char *name)
{
    ck_assert_msg(s.p != NULL, "%s: %s is NULL", name, field);
    ck_assert_msg(s.n == strlen(want) && memcmp(s.p, want, s.n) == 0,
                  "%s: %s is [%.*s], want [%s]", name, field, (int)s.n, s.p, want);
}

START_TEST(test_form)
{
    const envelope_case *c = &cases[_i];
    char buf[1024];
    size_t n = strlen(c->line);
    ck_assert_uint_lt(n, sizeof buf);
    memcpy(buf, c->line, n);
    charon_line l;
    ck_assert_msg(envelope_parse(buf, n, 42, &l) == 1, "%s: not a charon line", c->name);
    ck_assert_uint_eq(l.lineno, 42);
    ck_assert_int_eq(l.bare, 0);
    if (c->line[0] != '{' && !strchr(c->line, '&')) /* (those shrink) */
        ck_assert_uint_eq(l.raw.n, n);
    ck_assert_ptr_eq(l.raw.p, buf);
    assert_span(l.time, c->time, "time", c->name);
    if (c->ts != ANY_TS)
        ck_assert_msg(l.ts == c->ts, "%s: ts %lld, want %lld", c->name, (long long)l.ts,
                      (long long)c->ts);
    assert_span(l.host, c->host, "host", c->name);
    assert_span(l.program, c->program, "program", c->name);
    ck_assert_msg(l.thread == c->thread, "%s: thread %d", c->name, l.thread);
    ck_assert_msg(strcmp(l.subsys, c->subsys) == 0, "%s: subsys %s", c->name, l.subsys);
    ck_assert_msg(l.level == c->level, "%s: level %d", c->name, l.level);
    assert_span(l.conn, c->conn, "conn", c->name);
    ck_assert_msg(l.sa_id == c->sa_id, "%s: sa_id %lld", c->name, (long long)l.sa_id);
    assert_span(l.msg, c->msg, "msg", c->name);
    /* every non-empty span lies inside raw */
    const span *spans[] = {&l.time, &l.host, &l.program, &l.conn, &l.msg};
    for (size_t i = 0; i < sizeof spans / sizeof *spans; i++)
        if (spans[i]->n)
            ck_assert(spans[i]->p >= l.raw.p && spans[i]->p + spans[i]->n <= l.raw.p + l.raw.n);
}
END_TEST

/* The same cases through the header cache, each twice and interleaved:
 * the cached parse must give what the plain one gives. */
START_TEST(test_cache_agrees)
{
    envelope_cache cache;
    memset(&cache, 0, sizeof cache);
    size_t ncases = sizeof cases / sizeof *cases;
    for (size_t round = 0; round < 2 * ncases; round++) {
        const envelope_case *c = &cases[(round * 7) % ncases];
        char a[1024], b[1024];
        size_t n = strlen(c->line), nb = n;
        memcpy(a, c->line, n);
        memcpy(b, c->line, n);
        utf8_repair(b, nb);
        if (memchr(b, '&', nb))
            nb = html_unescape(b, nb);
        charon_line la, lb;
        ck_assert_int_eq(envelope_parse(a, n, 1, &la), 1);
        ck_assert_int_eq(envelope_classify_cached(&cache, b, nb, 1, &lb), ENVELOPE_CHARON);
        ck_assert_int_eq(la.ts, lb.ts);
        ck_assert_int_eq(la.thread, lb.thread);
        ck_assert_int_eq(la.level, lb.level);
        ck_assert_int_eq(la.sa_id, lb.sa_id);
        ck_assert_str_eq(la.subsys, lb.subsys);
        ck_assert_uint_eq(la.raw.n, lb.raw.n);
        ck_assert_uint_eq(la.msg.n, lb.msg.n);
        ck_assert_uint_eq(la.program.n, lb.program.n);
        ck_assert_uint_eq(la.time.n, lb.time.n);
        ck_assert_uint_eq(la.host.n, lb.host.n);
        ck_assert_uint_eq(la.conn.n, lb.conn.n);
        ck_assert(memcmp(la.msg.p, lb.msg.p, la.msg.n) == 0);
        ck_assert(memcmp(la.program.p, lb.program.p, la.program.n) == 0);
    }
}
END_TEST

/* A cached syslog header must not swallow the next line's changed time. */
START_TEST(test_cache_new_time)
{
    envelope_cache cache;
    memset(&cache, 0, sizeof cache);
    char l1[] = "Nov 27 13:18:09 fw charon[1]: 09[IKE] one";
    char l2[] = "Nov 27 13:18:10 fw charon[1]: 09[IKE] two";
    char l3[] = "Nov 27 13:18:10 fw charon[2]: 09[IKE] three";
    charon_line l;
    ck_assert_int_eq(envelope_classify_cached(&cache, l1, strlen(l1), 1, &l), ENVELOPE_CHARON);
    ck_assert_int_eq(l.ts, TS_BSD);
    ck_assert_int_eq(envelope_classify_cached(&cache, l2, strlen(l2), 2, &l), ENVELOPE_CHARON);
    ck_assert_int_eq(l.ts, TS_BSD + 1000);
    assert_span(l.msg, "two", "msg", "second");
    ck_assert_int_eq(envelope_classify_cached(&cache, l3, strlen(l3), 3, &l), ENVELOPE_CHARON);
    assert_span(l.program, "charon", "program", "third");
    assert_span(l.msg, "three", "msg", "third");
    /* a file logger's header is the start of a syslog line too */
    char f1[] = "Nov 27 13:18:10 09[IKE] filelog";
    char f2[] = "Nov 27 13:18:10 fw charon: 09[IKE] syslog";
    ck_assert_int_eq(envelope_classify_cached(&cache, f1, strlen(f1), 4, &l), ENVELOPE_CHARON);
    ck_assert_int_eq(envelope_classify_cached(&cache, f2, strlen(f2), 5, &l), ENVELOPE_CHARON);
    assert_span(l.host, "fw", "host", "syslog after filelog");
    assert_span(l.msg, "syslog", "msg", "syslog after filelog");
}
END_TEST

/* Every field of two parses of the same text (in different buffers). */
static void assert_same_parse(const charon_line *a, const charon_line *b, const char *what)
{
    const span *sa[] = {&a->raw, &a->time, &a->host, &a->program, &a->conn, &a->msg};
    const span *sb[] = {&b->raw, &b->time, &b->host, &b->program, &b->conn, &b->msg};
    for (size_t i = 0; i < sizeof sa / sizeof *sa; i++) {
        ck_assert_ptr_nonnull(sb[i]->p);
        ck_assert_msg(sa[i]->n == sb[i]->n && memcmp(sa[i]->p, sb[i]->p, sa[i]->n) == 0,
                      "%s: span %zu is [%.*s], want [%.*s]", what, i, (int)sb[i]->n,
                      sb[i]->p, (int)sa[i]->n, sa[i]->p);
        /* a span read from the line lies at the same offset in it */
        if (sa[i]->n)
            ck_assert_int_eq(sa[i]->p - a->raw.p, sb[i]->p - b->raw.p);
    }
    ck_assert_uint_eq(a->lineno, b->lineno);
    ck_assert_msg(a->ts == b->ts, "%s: ts %lld, want %lld", what, (long long)b->ts,
                  (long long)a->ts);
    ck_assert_msg(a->sa_id == b->sa_id, "%s: sa_id %lld, want %lld", what,
                  (long long)b->sa_id, (long long)a->sa_id);
    ck_assert_int_eq(a->thread, b->thread);
    ck_assert_int_eq(a->level, b->level);
    ck_assert_str_eq(a->subsys, b->subsys);
}

/* One line through the cache and through the plain parse: the same kind
 * and, for a charon line, the same fields. */
static void check_cached(envelope_cache *cache, const char *text, uint64_t lineno)
{
    char a[512], b[512];
    size_t n = strlen(text);
    ck_assert_uint_lt(n, sizeof a);
    memcpy(a, text, n);
    memcpy(b, text, n);
    charon_line la, lb;
    envelope_kind ka = envelope_classify(a, n, lineno, &la);
    envelope_kind kb = envelope_classify_cached(cache, b, n, lineno, &lb);
    ck_assert_msg(ka == kb, "[%s]: kind %d, want %d", text, kb, ka);
    if (ka == ENVELOPE_CHARON)
        assert_same_parse(&la, &lb, text);
}

/*
 * A cached header whose clock moves on (envelope.c's new_clock): seconds,
 * minutes, hours, the day's end, a leap second, and clocks that are no
 * clock, each after a line that filled the cache, in every time format the
 * cache keeps.
 */
START_TEST(test_cache_clock)
{
    static const char *const clocks[] = {
        "13:18:09", "13:18:10", "13:18:59", "13:19:00", "13:59:59", "14:00:00", "23:59:59",
        "00:00:00", "24:00:00", "23:59:60", "25:00:00", "13:60:00", "13:18:61", "1x:18:09",
        "13:1x:09", "13:18:0x", "13-18-09", "13:18:09", "09:05:03", "13:18:09",
    };
    static const char *const formats[] = {
        "Nov 27 %s fw charon[1]: 09[IKE] <con1|5> msg",
        "Nov  7 %s fw charon: 09[IKE] msg",
        "2026 Nov 27 %s 09[IKE] filelog, year first",
        "Nov 27 2026 %s 09[IKE] filelog, year before the clock",
        "Nov 27 %s 2026 09[IKE] filelog, year after the clock",
        "Nov 27 %s.123 fw charon: 09[IKE] fraction",
        "<30>1 2026-11-27T%s.5+01:00 fw charon 123 - - 09[IKE] rfc 5424",
        "2026-11-27 %s 09[IKE] iso filelog",
        "11-27 %s.123  1234  5678 I charon  : 09[IKE] logcat",
    };
    char line[256];
    uint64_t lineno = 1;
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
        envelope_cache cache;
        memset(&cache, 0, sizeof cache);
        for (size_t i = 0; i < sizeof clocks / sizeof *clocks; i++) {
            snprintf(line, sizeof line, formats[f], clocks[i]);
            check_cached(&cache, line, lineno++);
            /* the same line again: now from the cache as it is */
            check_cached(&cache, line, lineno++);
        }
    }
}
END_TEST

/*
 * The fast path for the usual prefix (envelope.h) against the plain parse:
 * every prefix shape at its edges behind a cached header, so that the fast
 * path sees each line first and hands what it does not take to the general
 * parsers.
 */
START_TEST(test_cache_prefixes)
{
    static const char *const prefixes[] = {
        "09[IKE] plain", "09[IKE] <con1|5> one digit", "09[IKE] <con1|1234567> seven digits",
        "09[IKE] <con1|12345678> eight digits", "09[IKE] <con1|123456789012> twelve digits",
        "09[IKE] <con1|0000012> leading zeros", "09[IKE] <|5> no name", "09[IKE] <con1|> no id",
        "09[IKE] <5> id only", "09[IKE] <con1|5>x no space", "09[IKE] <con1|5>",
        "09[IKE] <con1|5", "09[IKE] <con1|5a> letter", "09[IKE] <con1>> two",
        "09[IKE] <a-very-long-connection-name-of-many-bytes|77> long name",
        "09[IKE] <name with space|7> spaces", "09[IKE] <con1|7> <con2|8> two contexts",
        "09[IKE]", "09[IKE] ", "09[IKE]  two spaces", "09[IKE2] level", "099[IKE] three digits",
        "09[ike] lower", "09[IK1] digit", "9[IKE] one digit", "09[IKE]x no space",
        "[IKE] console", "09[IKE] <", "09[IKE] <c|", "09[IKE] <c|1", "09[IKE] <c|12>",
        "\xEF\xBB\xBF" "09[IKE] byte-order mark", "09[IKE] \xc3\xa9 non-ASCII",
        "99[ZZZ] <\x7f|9> edges", "00[AAA] <c|9999999> edges",
        "09[IKE] <0> zero", "09[IKE] <1234567> seven digits", "09[IKE] <12345678> eight digits",
        "09[IKE] <123456789012345678> eighteen", "09[IKE] <1234567890123456789> nineteen",
        "09[IKE] <5>x no space", "09[IKE] <5>", "09[IKE] <5> ", "09[IKE] <> empty",
        "09[IKE] <5 1> space", "09[IKE] <12a> letter", "09[IKE] <a12> letter first",
        "09[IKE] <REDACTED> redacted", "09[IKE] <7> <8> two", "09[IKE] <5",
        "09[IKE] <1>", "09[IKE] <12>", "09[IKE] <123>", "09[IKE] <1234>",
        "09[IKE] [con1|3] bracket", "09[IKE] [con1|3]", "09[IKE] [12] no bar", "09[IKE] [c|x] x",
        "09[IKE] [", "09[IKE] [a|1]x", "09[IKE] **bold**", "09[IKE] `code`", "09[IKE] __u__",
        "09[IKE] ends with a star *", "09[IKE] x_", "09[IKE] **", "09[IKE] ``", "09[IKE] `",
        "09[IKE] **bold** ", "09[IKE] <con1|5> **bold**", "no prefix at all", "09[IKE]*",
    };
    static const char *const heads[] = {
        "Nov 27 13:18:09 fw charon[4242]: ",
        "Nov 27 13:18:09 charon: ",
        "Nov 27 13:18:09 ",
        "<30>1 2026-11-27T13:18:09.123+01:00 fw charon 123 - - ",
        "Nov 27 13:18:09 a-host-name-long-enough-to-need-six-vector-loads charon[1]: ",
    };
    char line[512];
    uint64_t lineno = 1;
    for (size_t h = 0; h < sizeof heads / sizeof *heads; h++) {
        envelope_cache cache;
        memset(&cache, 0, sizeof cache);
        for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
            /* a line that fills the cache, then the one to test */
            snprintf(line, sizeof line, "%s09[IKE] <con1|5> fill", heads[h]);
            check_cached(&cache, line, lineno++);
            snprintf(line, sizeof line, "%s%s", heads[h], prefixes[i]);
            check_cached(&cache, line, lineno++);
            check_cached(&cache, line, lineno++);
        }
    }
}
END_TEST

/* Lines of other programs: a log line, but not charon's. */
static const char *const other_lines[] = {
    "Nov 27 13:18:09 fw php-fpm[123]: /index.php: Successful login for user 'admin'",
    "Nov 27 13:18:09 fw kernel: pflog0: promiscuous mode enabled",
    /* a core after a blank counts only where the words before name charon */
    "Nov 27 13:18:09 fw kernel 09[IKE] not charon's",
    "Nov 27 13:18:09 fw charonX 09[IKE] not charon's either",
    "Nov 27 13:18:09 fw sshd[4321]: Accepted publickey for root from 192.0.2.9",
    /* the vendor template, another program's */
    "Nov  7 10:52:12 GWUZ notic sshd  [ 2452]: IKE 15     : not charon's",
    "Nov  7 10:52:12 GWUZ notic charonX  [ 2452]: IKE 15     : nor this",
    "Nov 27 13:18:09 fw charon[1]:",
    "Nov 27 13:18:09 fw ipsec_starter[1]: charon (4567) started after 20 ms",
    "<13>1 2026-11-27T13:18:09Z fw sshd 1 - - session opened",
    "2026-11-27T13:18:09+0100 host systemd[1]: Started strongSwan IPsec.",
    "{\"time\":\"x\",\"level\":\"info\",\"message\":\"json from another program\"}",
};

START_TEST(test_other_program)
{
    char buf[512];
    size_t n = strlen(other_lines[_i]);
    memcpy(buf, other_lines[_i], n);
    charon_line l;
    ck_assert_int_eq(envelope_parse(buf, n, 1, &l), 0);
    memcpy(buf, other_lines[_i], n);
    /* another program's line; its message is a bare one (a charon line
     * only if the message table knows it), without the envelope */
    envelope_kind k = envelope_classify(buf, n, 1, &l);
    ck_assert_msg(k == ENVELOPE_OTHER || (k == ENVELOPE_BARE && l.bare == 1 && l.msg.p > buf &&
                                          l.thread == -1 && l.sa_id == -1),
                  "%s", other_lines[_i]);
}
END_TEST

/* Text that is no log line at all (may be the tail of a wrapped line). */
static const char *const prose_lines[] = {
    "",
    "   ",
    "The tunnel does not come up, see the log below.",
    "Note: 09 IKE is mentioned here",
    "This is prose: [IKE]x",
    "09[ike] lower case is not a subsystem",
    "9[IKE] one digit is not a thread",
    "1234[IKE] four digits is not a thread",
    "09[IKEV] four letters",
    "09[IKE]no space",
    "0:[IKE] colon is not a digit",
    "/9[IKE] slash is not a digit",
    "09[@KE] @ is not a capital",
    "09[IK[] [ is not a capital",
    "09(IKE) parentheses",
    "09[IKE}x brace",
    "[IKE2] console lines have no level",
    "192.168.1.0/24|/0 === 10.0.0.0/24|/0",
    "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
    "{ not json at all",
    "{\"msg\":\"unterminated",
    "charon: initiating without a time is prose",
};

/* Prose is a bare line: the text trimmed, nothing else set (the message
 * table tells whether it is charon's); blank text is nothing. */
START_TEST(test_prose)
{
    char buf[512];
    size_t n = strlen(prose_lines[_i]);
    memcpy(buf, prose_lines[_i], n);
    charon_line l;
    envelope_kind kind = envelope_classify(buf, n, 1, &l);
    ck_assert_uint_eq(l.raw.n, n);
    size_t b = 0, e = n;
    while (b < e && (buf[b] == ' ' || buf[b] == '\t'))
        b++;
    while (e > b && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
        e--;
    if (b == e || buf[b] == '{') { /* JSON that is not charon's is nothing */
        ck_assert_msg(kind == ENVELOPE_NONE, "[%s]", prose_lines[_i]);
        ck_assert_int_eq(l.bare, 0);
        return;
    }
    ck_assert_msg(kind == ENVELOPE_BARE, "[%s]: kind %d", prose_lines[_i], kind);
    ck_assert_int_eq(l.bare, 1);
    ck_assert_ptr_eq(l.msg.p, buf + b);
    ck_assert_uint_eq(l.msg.n, e - b);
    ck_assert_int_eq(l.thread, -1);
    ck_assert_int_eq(l.level, -1);
    ck_assert_int_eq(l.ts, -1);
    ck_assert_int_eq(l.sa_id, -1);
    ck_assert_str_eq(l.subsys, "");
    ck_assert_uint_eq(l.time.n + l.host.n + l.program.n + l.conn.n, 0);
    memcpy(buf, prose_lines[_i], n);
    ck_assert_int_eq(envelope_parse(buf, n, 1, &l), 0);
}
END_TEST

/* Bare lines as pasted: the message alone, the decoration around it
 * stripped, the blanks around it trimmed. */
static const struct {
    const char *line, *msg;
} bare_lines[] = {
    {"no shared key found for 192.0.2.8 - 203.0.113.93",
     "no shared key found for 192.0.2.8 - 203.0.113.93"},
    {"IDir '192.0.2.254' does not match to 'vpn.example.net'",
     "IDir '192.0.2.254' does not match to 'vpn.example.net'"},
    {"initiating Main Mode IKE_SA vpn[1] to 198.51.100.4",
     "initiating Main Mode IKE_SA vpn[1] to 198.51.100.4"},
    {"generating ID_PROT request 0 [ SA V V V V ]", "generating ID_PROT request 0 [ SA V V V V ]"},
    {"  \tsending packet: from 192.0.2.1[500] to 198.51.100.4[500] (212 bytes) \t ",
     "sending packet: from 192.0.2.1[500] to 198.51.100.4[500] (212 bytes)"},
    {"> no shared key found", "no shared key found"},
    {">>  | no shared key found", "no shared key found"},
    {"**no shared key found for 192.0.2.8 - 203.0.113.93**",
     "no shared key found for 192.0.2.8 - 203.0.113.93"},
    {"__received AUTHENTICATION_FAILED notify error__",
     "received AUTHENTICATION_FAILED notify error"},
    {"`peer not responding, trying again (2/3)`", "peer not responding, trying again (2/3)"},
    {"``` establishing connection 'vpn' failed ```", "establishing connection 'vpn' failed"},
    {"> `** ** x`", "** ** x"},
    /* a code fence glued to a paste's first or last line */
    {"```initiating Main Mode IKE_SA vpn[1] to 192.0.2.1", "initiating Main Mode IKE_SA vpn[1] to 192.0.2.1"},
    {"establishing connection 'vpn' failed ```", "establishing connection 'vpn' failed"},
    {"**unbalanced", "**unbalanced"},
    {"`a``", "`a``"},
    {"9[IKE] one digit", "9[IKE] one digit"},
    {"root@gw:~# ipsec up vpn", "root@gw:~# ipsec up vpn"},
};

START_TEST(test_bare)
{
    char buf[512];
    size_t n = strlen(bare_lines[_i].line);
    memcpy(buf, bare_lines[_i].line, n);
    charon_line l;
    ck_assert_msg(envelope_classify(buf, n, 7, &l) == ENVELOPE_BARE, "[%s]", bare_lines[_i].line);
    ck_assert_int_eq(l.bare, 1);
    ck_assert_ptr_eq(l.raw.p, buf);
    ck_assert_uint_eq(l.raw.n, n);
    ck_assert_uint_eq(l.lineno, 7);
    assert_span(l.msg, bare_lines[_i].msg, "msg", bare_lines[_i].line);
    ck_assert_int_eq(l.thread, -1);
    ck_assert_int_eq(l.ts, -1);
    ck_assert_int_eq(l.sa_id, -1);
    ck_assert_str_eq(l.subsys, "");
    /* the cache reads it the same way, and a bare line leaves no trace in
     * the next line's fields */
    envelope_cache cache;
    memset(&cache, 0, sizeof cache);
    char fill[] = "Nov 27 13:18:09 fw charon: 09[IKE] <con1|5> fill";
    ck_assert_int_eq(envelope_classify_cached(&cache, fill, strlen(fill), 1, &l), ENVELOPE_CHARON);
    memcpy(buf, bare_lines[_i].line, n);
    ck_assert_int_eq(envelope_classify_cached(&cache, buf, n, 2, &l), ENVELOPE_BARE);
    assert_span(l.msg, bare_lines[_i].msg, "msg", bare_lines[_i].line);
    ck_assert_int_eq(envelope_classify_cached(&cache, fill, strlen(fill), 3, &l), ENVELOPE_CHARON);
    ck_assert_int_eq(l.bare, 0);
}
END_TEST

/* A charon message in another envelope: relayed by another program, after
 * a time alone, behind a date in another language. The message is bare
 * (the table decides), the envelope's time and program are kept. */
static const struct {
    const char *line, *msg, *time, *program;
} enveloped_bare[] = {
    {"Sep  8 11:18:24 parsed CREATE_CHILD_SA response 0 [ N(TEMP_FAIL) ]",
     "parsed CREATE_CHILD_SA response 0 [ N(TEMP_FAIL) ]", "Sep  8 11:18:24", ""},
    {"May 29 10:31:37 laptop NetworkManager[975]: parsed TRANSACTION request 25 [ HASH CPRQ(X_TYPE X_USER X_PWD) ]",
     "parsed TRANSACTION request 25 [ HASH CPRQ(X_TYPE X_USER X_PWD) ]", "May 29 10:31:37", "NetworkManager"},
    {"\xD1\x82\xD1\x80\xD0\xB0 29 10:31:37 laptop NetworkManager[975]: generating QUICK_MODE request 5 [ HASH SA No ID ID ]",
     "generating QUICK_MODE request 5 [ HASH SA No ID ID ]", "\xD1\x82\xD1\x80\xD0\xB0 29 10:31:37",
     "NetworkManager"},
};

START_TEST(test_enveloped_bare)
{
    char buf[512];
    size_t n = strlen(enveloped_bare[_i].line);
    memcpy(buf, enveloped_bare[_i].line, n);
    charon_line l;
    ck_assert_msg(envelope_classify(buf, n, 3, &l) == ENVELOPE_BARE, "[%s]", enveloped_bare[_i].line);
    ck_assert_int_eq(l.bare, 1);
    assert_span(l.msg, enveloped_bare[_i].msg, "msg", enveloped_bare[_i].line);
    assert_span(l.time, enveloped_bare[_i].time, "time", enveloped_bare[_i].line);
    assert_span(l.program, enveloped_bare[_i].program, "program", enveloped_bare[_i].line);
    ck_assert_int_eq(l.thread, -1);
    ck_assert_int_eq(l.sa_id, -1);
}
END_TEST

/* Nothing to read: blank, or punctuation only (a code fence, a rule). */
static const char *const empty_lines[] = {
    "", "   ", "\t", "```", "  ```  ", "-----", "====", "...", "> ", ">", "**", "`` ``", "* * *",
    "[ ]", "|",
};

START_TEST(test_nothing)
{
    char buf[64];
    size_t n = strlen(empty_lines[_i]);
    memcpy(buf, empty_lines[_i], n);
    charon_line l;
    ck_assert_msg(envelope_classify(buf, n, 1, &l) == ENVELOPE_NONE, "[%s]", empty_lines[_i]);
    ck_assert_int_eq(l.bare, 0);
}
END_TEST

/* Every span handed out is valid UTF-8 without NUL, whatever came in. */
START_TEST(test_bad_bytes)
{
    char buf[] = "Nov 27 13:18:09 fw charon: 09[IKE] a\xff\xc3 b\x00z \xe2\x82\xac \xed\xa0\x80";
    size_t n = sizeof buf - 1;
    charon_line l;
    ck_assert_int_eq(envelope_parse(buf, n, 1, &l), 1);
    assert_span(l.msg, "a?? b?z \xe2\x82\xac ???", "msg", "bad bytes");
}
END_TEST

/* JSON shrinks in place; raw covers the rewritten line. */
START_TEST(test_json_raw)
{
    char buf[] = "{\"thread\":3,\"group\":\"NET\",\"msg\":\"x\\ty\"}";
    size_t n = sizeof buf - 1;
    charon_line l;
    ck_assert_int_eq(envelope_parse(buf, n, 1, &l), 1);
    ck_assert_uint_eq(l.raw.n, n - 1);
    assert_span(l.raw, "{\"thread\":3,\"group\":\"NET\",\"msg\":\"x\ty\"}", "raw", "json");
    assert_span(l.msg, "x\ty", "msg", "json");
}
END_TEST

/* A JSON line cut inside a string (a CR ended it, or a paste stopped
 * there) is no JSON: its text stays as it was. Its escapes were decoded in
 * place and the line kept its length, so its last bytes came out twice
 * ("...\xd1\xb3\xb3": invalid UTF-8; found by fuzz_line_source). */
START_TEST(test_json_unterminated_string_unchanged)
{
    char buf[] = "{\"thread\":9,\"group\":\"CFG\",\"msg\":\"a\\nb \xd1\xb3";
    const char want[] = "{\"thread\":9,\"group\":\"CFG\",\"msg\":\"a\\nb \xd1\xb3";
    size_t n = sizeof buf - 1;
    charon_line l;
    ck_assert_int_ne(envelope_classify(buf, n, 1, &l), ENVELOPE_CHARON);
    ck_assert_uint_eq(l.raw.n, n);
    ck_assert(memcmp(l.raw.p, want, n) == 0);
}
END_TEST

static Suite *envelope_suite(void)
{
    Suite *s = suite_create("envelope");
    TCase *tc = tcase_create("forms");
    tcase_add_loop_test(tc, test_form, 0, (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_cache_agrees);
    tcase_add_test(tc, test_cache_new_time);
    tcase_add_test(tc, test_cache_clock);
    tcase_add_test(tc, test_cache_prefixes);
    tcase_add_loop_test(tc, test_other_program, 0,
                        (int)(sizeof other_lines / sizeof *other_lines));
    tcase_add_loop_test(tc, test_prose, 0, (int)(sizeof prose_lines / sizeof *prose_lines));
    tcase_add_loop_test(tc, test_bare, 0, (int)(sizeof bare_lines / sizeof *bare_lines));
    tcase_add_loop_test(tc, test_enveloped_bare, 0, (int)(sizeof enveloped_bare / sizeof *enveloped_bare));
    tcase_add_loop_test(tc, test_nothing, 0, (int)(sizeof empty_lines / sizeof *empty_lines));
    tcase_add_test(tc, test_bad_bytes);
    tcase_add_test(tc, test_json_raw);
    tcase_add_test(tc, test_json_unterminated_string_unchanged);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(envelope_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}
