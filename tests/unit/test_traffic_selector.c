/*
 * test_traffic_selector.c - selectors as charon (and pfSense's patched
 * charon) log them: parsing, equality, narrowing, lists.
 *
 * Forms come from strongswan-messages.md 2.5 (printf hook grammar and the
 * pfSense "|" patch), the Netgate troubleshooting guide ("10.3.0.0/24|/0")
 * and the lab corpus ("traffic selectors 10.6.0.0/24 === 10.5.0.0/24
 * unacceptable"); a last test parses every "A === B" in the corpus logs.
 */
#include "traffic_selector.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *s, traffic_selector *ts)
{
    return ts_parse(s, strlen(s), ts);
}

static const char *addr_text(const traffic_selector *ts, const uint8_t *a,
                             char *buf, size_t n)
{
    return inet_ntop(ts->family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n);
}

typedef struct parse_case {
    const char *in;
    int family, dynamic, prefix;
    const char *from, *to;       /* NULL for family 0 */
    const char *proto, *ports, *text;
} parse_case;

static const parse_case parse_cases[] = {
    {"10.3.0.0/24", 4, 0, 24, "10.3.0.0", "10.3.0.255", "", "", "10.3.0.0/24"},
    {"10.3.0.0/24|/0", 4, 0, 24, "10.3.0.0", "10.3.0.255", "", "", "10.3.0.0/24"},
    {"10.1.0.0/24|192.168.1.0/24", 4, 0, 24, "10.1.0.0", "10.1.0.255", "", "", "10.1.0.0/24"},
    {"0.0.0.0/0|/0", 4, 0, 0, "0.0.0.0", "255.255.255.255", "", "", "0.0.0.0/0"},
    {"  10.42.42.0/24|/0 ", 4, 0, 24, "10.42.42.0", "10.42.42.255", "", "", "10.42.42.0/24"},
    {"10.0.0.5/24", 4, 0, 24, "10.0.0.0", "10.0.0.255", "", "", "10.0.0.5/24"},
    {"192.0.2.1", 4, 0, 32, "192.0.2.1", "192.0.2.1", "", "", "192.0.2.1"},
    {"10.0.0.1..10.0.0.9", 4, 0, -1, "10.0.0.1", "10.0.0.9", "", "", "10.0.0.1..10.0.0.9"},
    {"10.0.0.0..10.0.0.255", 4, 0, 24, "10.0.0.0", "10.0.0.255", "", "", "10.0.0.0..10.0.0.255"},
    {"10.0.0.1|192.168.0.1..10.0.0.9|192.168.0.9", 4, 0, -1, "10.0.0.1", "10.0.0.9",
     "", "", "10.0.0.1..10.0.0.9"},
    {"2001:db8::/64", 6, 0, 64, "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", "", "",
     "2001:db8::/64"},
    {"::/0", 6, 0, 0, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", "", "::/0"},
    {"fe80::1/128|/0", 6, 0, 128, "fe80::1", "fe80::1", "", "", "fe80::1/128"},
    {"2001:db8::1..2001:db8::ff", 6, 0, -1, "2001:db8::1", "2001:db8::ff", "", "",
     "2001:db8::1..2001:db8::ff"},
    {"2001:db8::..2001:db8::ffff", 6, 0, 112, "2001:db8::", "2001:db8::ffff", "", "",
     "2001:db8::..2001:db8::ffff"},
    {"10.0.0.0/24[tcp/http]", 4, 0, 24, "10.0.0.0", "10.0.0.255", "tcp", "http",
     "10.0.0.0/24[tcp/http]"},
    {"0.0.0.0/0[udp/500]", 4, 0, 0, "0.0.0.0", "255.255.255.255", "udp", "500",
     "0.0.0.0/0[udp/500]"},
    {"0.0.0.0/0[udp]", 4, 0, 0, "0.0.0.0", "255.255.255.255", "udp", "", "0.0.0.0/0[udp]"},
    {"192.0.2.5/32[udp/isakmp]", 4, 0, 32, "192.0.2.5", "192.0.2.5", "udp", "isakmp",
     "192.0.2.5/32[udp/isakmp]"},
    {"192.0.2.1/32[icmp/8]", 4, 0, 32, "192.0.2.1", "192.0.2.1", "icmp", "8",
     "192.0.2.1/32[icmp/8]"},
    {"10.1.0.0/16[icmp/8(0)]", 4, 0, 16, "10.1.0.0", "10.1.255.255", "icmp", "8(0)",
     "10.1.0.0/16[icmp/8(0)]"},
    {"10.0.0.0/8[0/1000-2000]", 4, 0, 8, "10.0.0.0", "10.255.255.255", "", "1000-2000",
     "10.0.0.0/8[0/1000-2000]"},
    {"10.0.0.0/8[tcp/0-65535]", 4, 0, 8, "10.0.0.0", "10.255.255.255", "tcp", "",
     "10.0.0.0/8[tcp/0-65535]"},
    {"10.42.42.0/24|/0[gre]", 4, 0, 24, "10.42.42.0", "10.42.42.255", "gre", "",
     "10.42.42.0/24[gre]"},
    {"2001:db8::/32[ipv6-icmp/128(0)]", 6, 0, 32, "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
     "ipv6-icmp", "128(0)", "2001:db8::/32[ipv6-icmp/128(0)]"},
    {"dynamic", 0, 1, -1, NULL, NULL, "", "", "dynamic"},
    {"dynamic[udp/l2f]", 0, 1, -1, NULL, NULL, "udp", "l2f", "dynamic[udp/l2f]"},
    {"x.x.x.x/24", 0, 0, 24, NULL, NULL, "", "", "x.x.x.x/24"},
    {"A.A.A.A/32|/0", 0, 0, 32, NULL, NULL, "", "", "A.A.A.A/32"},
    {"<REDACTED>", 0, 0, -1, NULL, NULL, "", "", "<REDACTED>"},
    {"10.x.x.0/24[tcp/22]", 0, 0, 24, NULL, NULL, "tcp", "22", "10.x.x.0/24[tcp/22]"},
    {"2001:db8:XXXX::/48", 0, 0, 48, NULL, NULL, "", "", "2001:db8:XXXX::/48"},
};

START_TEST(test_parse)
{
    const parse_case *c = &parse_cases[_i];
    traffic_selector ts;
    char buf[64];

    ck_assert_msg(parse(c->in, &ts) == 0, "'%s' did not parse", c->in);
    ck_assert_int_eq(ts.family, c->family);
    ck_assert_int_eq(ts.dynamic, c->dynamic);
    ck_assert_int_eq(ts.prefix, c->prefix);
    ck_assert_str_eq(ts.proto, c->proto);
    ck_assert_str_eq(ts.ports, c->ports);
    ck_assert_str_eq(ts.text, c->text);
    if (c->from) {
        ck_assert_str_eq(addr_text(&ts, ts.from, buf, sizeof(buf)), c->from);
        ck_assert_str_eq(addr_text(&ts, ts.to, buf, sizeof(buf)), c->to);
    }
}
END_TEST

static const char *const bad_cases[] = {
    "", "   ", "===", "10.0.0.0/33", "10.0.0.300/24", "10.0.0.9..10.0.0.1",
    "10.0.0.1..2001:db8::1", "10.0.0.0/24[tcp", "10.0.0.0/24[]",
    "unacceptable", "|/0", "10.0.0.0/24[tcp/80/90]", "2001:db8::/129",
    "10.0.0.0/abc", "10.0.0.0/24[tcp/verylongportname-verylongportname]",
};

START_TEST(test_parse_bad)
{
    traffic_selector ts;

    ck_assert_msg(parse(bad_cases[_i], &ts) == -1, "'%s' parsed", bad_cases[_i]);
}
END_TEST

typedef struct pair_case {
    const char *a, *b;
    int expect;
} pair_case;

static const pair_case equal_cases[] = {
    {"10.3.0.0/24|/0", "10.3.0.0/24", 1},
    {"0.0.0.0/0[udp/500]", "0.0.0.0/0[17/isakmp]", 1},
    {"10.0.0.0..10.0.0.255", "10.0.0.0/24", 1},
    {"10.0.0.5/24", "10.0.0.0/24", 1},
    {"2001:db8::/64", "2001:DB8:0::/64", 1},
    {"10.0.0.0/24[tcp/http]", "10.0.0.0/24[6/80]", 1},
    {"10.0.0.0/24[tcp/0-65535]", "10.0.0.0/24[tcp]", 1},
    {"10.0.0.0/8[0/1000-2000]", "10.0.0.0/8[0/1000-2000]", 1},
    {"x.x.x.x/24", "x.x.x.x/24|/0", 1},
    {"dynamic", "dynamic", 1},
    {"<REDACTED>", "<REDACTED>", 1},
    {"10.3.0.0/24", "10.3.0.0/24[tcp]", 0},
    {"10.3.0.0/24", "10.3.1.0/24", 0},
    {"10.3.0.0/24", "10.3.0.0/25", 0},
    {"x.x.x.x/24", "y.y.y.y/24", 0},
    {"x.x.x.x/24", "10.0.0.0/24", 0},
    {"dynamic", "0.0.0.0/0", 0},
    {"::/0", "0.0.0.0/0", 0},
    {"10.0.0.0/24[icmp/8]", "10.0.0.0/24[icmp/8(0)]", 0},
    {"10.0.0.0/24[udp/53]", "10.0.0.0/24[tcp/53]", 0},
    {"10.0.0.0/24[tcp/OPAQUE]", "10.0.0.0/24[tcp/OPAQUE]", 1},
};

START_TEST(test_equal)
{
    const pair_case *c = &equal_cases[_i];
    traffic_selector a, b;

    ck_assert_int_eq(parse(c->a, &a), 0);
    ck_assert_int_eq(parse(c->b, &b), 0);
    ck_assert_msg(ts_equal(&a, &b) == c->expect, "%s == %s", c->a, c->b);
    ck_assert_msg(ts_equal(&b, &a) == c->expect, "%s == %s", c->b, c->a);
}
END_TEST

static const pair_case contains_cases[] = {
    {"10.0.0.0/16", "10.0.1.0/24", 1},
    {"10.0.1.0/24", "10.0.0.0/16", 0},
    {"10.0.0.0/24", "10.0.0.0/24|/0", 1},
    {"0.0.0.0/0|/0", "192.168.1.0/24", 1},
    {"10.0.0.0/24", "10.0.0.1..10.0.0.9", 1},
    {"10.0.0.1..10.0.0.9", "10.0.0.0/24", 0},
    {"10.0.0.1..10.0.0.9", "10.0.0.4/31", 1},
    {"10.0.0.0/24", "10.0.0.0/24[tcp/80]", 1},
    {"10.0.0.0/24[tcp]", "10.0.0.0/24", 0},
    {"10.0.0.0/24[tcp]", "10.0.0.0/24[6/http]", 1},
    {"10.0.0.0/24[udp]", "10.0.0.0/24[tcp/80]", 0},
    {"10.0.0.0/24[tcp/1000-2000]", "10.0.0.0/24[tcp/1500]", 1},
    {"10.0.0.0/24[tcp/1000-2000]", "10.0.0.0/24[tcp/999]", 0},
    {"10.0.0.0/24[tcp/1000-2000]", "10.0.0.0/24[tcp/1500-2500]", 0},
    {"10.0.0.0/24[tcp/1000-2000]", "10.0.0.0/24[tcp]", 0},
    {"10.0.0.0/24[tcp/80]", "10.0.0.0/24[tcp/http]", 1},
    {"10.0.0.0/24[udp/l2f]", "10.0.0.0/24[udp/1701]", 1},
    {"0.0.0.0/0[icmp/8]", "10.0.0.1/32[icmp/8(0)]", 1},
    {"0.0.0.0/0[icmp/8(0)]", "10.0.0.1/32[icmp/8]", 0},
    {"0.0.0.0/0[icmp/3-5]", "10.0.0.1/32[icmp/4(1)]", 1},
    {"0.0.0.0/0[icmp/3-5]", "10.0.0.1/32[icmp/6]", 0},
    {"::/0", "2001:db8::/64", 1},
    {"2001:db8::/64", "2001:db8:0:1::/64", 0},
    {"2001:db8::/32", "2001:db8::1..2001:db8::ff", 1},
    {"::/0", "10.0.0.0/8", 0},
    {"0.0.0.0/0", "::/0", 0},
    {"x.x.x.x/24", "x.x.x.x/24", 1},
    {"x.x.x.x/24", "x.x.x.x/24[tcp]", 1},
    {"x.x.x.x/24", "10.0.0.0/24", 0},
    {"0.0.0.0/0", "x.x.x.x/24", 0},
    {"dynamic", "dynamic", 1},
    {"dynamic", "dynamic[udp/l2f]", 1},
    {"dynamic[udp/l2f]", "dynamic", 0},
    /* lab ikev2-p2-ts-mismatch: responder's config vs what it received */
    {"10.5.1.0/24", "10.5.0.0/24", 0},
};

START_TEST(test_contains)
{
    const pair_case *c = &contains_cases[_i];
    traffic_selector a, b;

    ck_assert_int_eq(parse(c->a, &a), 0);
    ck_assert_int_eq(parse(c->b, &b), 0);
    ck_assert_msg(ts_contains(&a, &b) == c->expect, "%s contains %s", c->a, c->b);
}
END_TEST

START_TEST(test_contains_self)
{
    traffic_selector ts;

    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        ck_assert_int_eq(parse(parse_cases[i].in, &ts), 0);
        ck_assert_msg(ts_contains(&ts, &ts), "%s", parse_cases[i].in);
        ck_assert_msg(ts_equal(&ts, &ts), "%s", parse_cases[i].in);
    }
}
END_TEST

/* ---- lists ---- */

static size_t list(const char *s, ts_list *l)
{
    return ts_list_parse(s, strlen(s), l);
}

START_TEST(test_list_parse_format)
{
    ts_list l;
    char buf[256];

    /* pfSense, IKEv2 with several P2s merged */
    ck_assert_uint_eq(list("10.3.0.0/24|/0 10.4.0.0/24|/0 2001:db8::/64|/0", &l), 3);
    ck_assert_int_eq(l.truncated, 0);
    ck_assert_uint_eq(ts_list_format(&l, buf, sizeof(buf)),
                      strlen("10.3.0.0/24, 10.4.0.0/24, 2001:db8::/64"));
    ck_assert_str_eq(buf, "10.3.0.0/24, 10.4.0.0/24, 2001:db8::/64");
    ck_assert_int_eq(l.items[2].family, 6);

    /* <= 5.3.3: every selector followed by a space */
    ck_assert_uint_eq(list("10.5.0.0/24 10.7.0.0/24 ", &l), 2);
    ck_assert_str_eq(l.items[1].text, "10.7.0.0/24");
    ck_assert_uint_eq(list("10.6.0.0/24 ", &l), 1);

    /* our own format reads back */
    ck_assert_uint_eq(list("10.3.0.0/24, 10.4.0.0/24[tcp/http]", &l), 2);
    ck_assert_str_eq(l.items[1].ports, "http");

    /* junk between selectors is skipped */
    ck_assert_uint_eq(list("=== 10.0.0.0/24 ===", &l), 1);
    ck_assert_uint_eq(list("", &l), 0);
    ck_assert_uint_eq(ts_list_parse(NULL, 3, &l), 0);
    ck_assert_uint_eq(ts_list_format(&l, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_list_limits)
{
    char in[1024] = "";
    ts_list l;
    traffic_selector ts;
    char buf[16];

    for (int i = 0; i < TS_LIST_MAX + 4; i++) {
        char one[32];
        snprintf(one, sizeof(one), "10.%d.0.0/16 ", i);
        strcat(in, one);
    }
    ck_assert_uint_eq(list(in, &l), TS_LIST_MAX);
    ck_assert_int_eq(l.truncated, 1);
    ck_assert_str_eq(l.items[TS_LIST_MAX - 1].text, "10.15.0.0/16");

    ck_assert_int_eq(parse("10.99.0.0/16", &ts), 0);
    ck_assert_int_eq(ts_list_add(&l, &ts), -1);
    list("10.1.0.0/16", &l);
    ck_assert_int_eq(ts_list_add(&l, &ts), 0);
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[1].text, "10.99.0.0/16");

    /* format never overruns, returns what it wrote */
    ck_assert_uint_eq(ts_list_format(&l, buf, sizeof(buf)), 15);
    ck_assert_str_eq(buf, "10.1.0.0/16, 10");
    ck_assert_uint_eq(ts_list_format(&l, buf, 0), 0);
}
END_TEST

START_TEST(test_list_equal)
{
    ts_list a, b;

    list("10.3.0.0/24|/0 10.4.0.0/24|/0", &a);
    list("10.4.0.0/24 10.3.0.0/24", &b);
    ck_assert_int_eq(ts_list_equal(&a, &b), 1);
    list("10.4.0.0/24 10.4.0.0/24", &b);
    ck_assert_int_eq(ts_list_equal(&a, &b), 0);
    list("10.3.0.0/24", &b);
    ck_assert_int_eq(ts_list_equal(&a, &b), 0);
    list("10.3.0.0/24 10.4.0.0/24 10.5.0.0/24", &b);
    ck_assert_int_eq(ts_list_equal(&a, &b), 0);
    list("x.x.x.x/24 2001:db8::/64", &a);
    list("2001:DB8::/64 x.x.x.x/24|/0", &b);
    ck_assert_int_eq(ts_list_equal(&a, &b), 1);
}
END_TEST

START_TEST(test_list_covers)
{
    ts_list cfg, got;

    /* lab ikev1/ikev2-p2-ts-mismatch, responder: "proposing traffic
     * selectors for other: 10.5.1.0/24" vs "traffic selectors
     * 10.6.0.0/24 === 10.5.0.0/24 unacceptable" (remote side) */
    list("10.5.1.0/24", &cfg);
    list("10.5.0.0/24", &got);
    ck_assert_int_eq(ts_list_covers(&cfg, &got), 0);
    /* Netgate guide: responder has 10.5.1.0/24, initiator 10.5.0.0/24 */
    list("10.5.1.0/24|/0", &cfg);
    list("10.5.0.0/24|/0", &got);
    ck_assert_int_eq(ts_list_covers(&cfg, &got), 0);
    /* a wider config narrows to what was proposed */
    list("10.0.0.0/8 192.168.0.0/16", &cfg);
    list("10.5.0.0/24 192.168.7.0/24", &got);
    ck_assert_int_eq(ts_list_covers(&cfg, &got), 1);
    ck_assert_int_eq(ts_list_covers(&got, &cfg), 0);
    list("10.5.0.0/24 172.16.0.0/24", &got);
    ck_assert_int_eq(ts_list_covers(&cfg, &got), 0);
    list("", &got);
    ck_assert_int_eq(ts_list_covers(&cfg, &got), 1);
}
END_TEST

/* ---- corpus: every "A === B" parses ---- */

static const char *const ts_markers[] = {
    "looking for a child config for ", " and TS ", "traffic selectors ",
    "no matching CHILD_SA config found for ",
};

static int check_line(const char *line)
{
    const char *start = NULL, *sep = strstr(line, " === ");
    const char *end;
    ts_list l, r;

    if (!sep)
        return 0;
    for (size_t i = 0; i < sizeof(ts_markers) / sizeof(ts_markers[0]) && !start; i++) {
        const char *m = strstr(line, ts_markers[i]);
        if (m && m < sep)
            start = m + strlen(ts_markers[i]);
    }
    if (!start)
        return 0;
    end = strstr(sep, " unacceptable");
    if (!end)
        end = sep + strcspn(sep, "\r\n");
    ck_assert_uint_ge(ts_list_parse(start, (size_t)(sep - start), &l), 1);
    ck_assert_uint_ge(ts_list_parse(sep + 5, (size_t)(end - sep - 5), &r), 1);
    ck_assert_int_eq(l.items[0].family, 4);
    ck_assert_int_eq(r.items[0].family, 4);
    return 1;
}

START_TEST(test_corpus)
{
    const char *src = getenv("IDG_SOURCE_DIR");
    char lab[1024];
    int lines = 0;
    struct dirent *e;
    DIR *d;

    if (!src)
        return;
    snprintf(lab, sizeof(lab), "%s/tests/corpus/lab", src);
    d = opendir(lab);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        static const char *const roles[] = {"responder", "initiator"};
        if (e->d_name[0] == '.')
            continue;
        for (size_t i = 0; i < 2; i++) {
            char path[2048], line[4096];
            FILE *f;
            snprintf(path, sizeof(path), "%s/%s/%s.log", lab, e->d_name, roles[i]);
            f = fopen(path, "r");
            if (!f)
                continue;
            while (fgets(line, sizeof(line), f))
                lines += check_line(line);
            fclose(f);
        }
    }
    closedir(d);
    ck_assert_int_ge(lines, 20);
}
END_TEST

#define LOOP(tc, fn, arr) tcase_add_loop_test(tc, fn, 0, (int)(sizeof(arr) / sizeof(arr[0])))

static Suite *ts_suite(void)
{
    Suite *s = suite_create("traffic_selector");
    TCase *one = tcase_create("selector");
    TCase *lists = tcase_create("list");
    TCase *corpus = tcase_create("corpus");

    LOOP(one, test_parse, parse_cases);
    LOOP(one, test_parse_bad, bad_cases);
    LOOP(one, test_equal, equal_cases);
    LOOP(one, test_contains, contains_cases);
    tcase_add_test(one, test_contains_self);
    tcase_add_test(lists, test_list_parse_format);
    tcase_add_test(lists, test_list_limits);
    tcase_add_test(lists, test_list_equal);
    tcase_add_test(lists, test_list_covers);
    tcase_add_test(corpus, test_corpus);
    tcase_set_timeout(corpus, 60);
    suite_add_tcase(s, one);
    suite_add_tcase(s, lists);
    suite_add_tcase(s, corpus);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ts_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
