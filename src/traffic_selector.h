/*
 * traffic_selector.h - strongSwan traffic selectors, parsed and compared.
 *
 * Logged forms (traffic_selector_printf_hook, plus pfSense's NAT patch):
 *   10.3.0.0/24   10.3.0.0/24|/0   10.0.0.1..10.0.0.9   dynamic
 *   2001:db8::/64   10.0.0.0/24[tcp/http]   0.0.0.0/0[udp/500]
 *   192.0.2.1/32[icmp/8]   10.1.0.0/24|192.168.1.0/24 (pfSense BINAT:
 *   the part before '|' is what is negotiated)
 * Redacted addresses ("x.x.x.x", "A.A.A.A", "<REDACTED>") parse as opaque
 * text and compare by text.
 */
#ifndef IDG_TRAFFIC_SELECTOR_H
#define IDG_TRAFFIC_SELECTOR_H

#include <stddef.h>
#include <stdint.h>

#define TS_TEXT_MAX 96
#define TS_LIST_MAX 16

typedef struct traffic_selector {
    int family;              /* 4, 6, or 0 for opaque/dynamic */
    int dynamic;
    uint8_t from[16], to[16];/* address range, network order */
    int prefix;              /* CIDR prefix if the range is one, else -1 */
    char proto[16];          /* "" = any, else "tcp", "udp", "17", ... */
    char ports[24];          /* "" = any, else "http", "500", "1000-2000" */
    char text[TS_TEXT_MAX];  /* normalised text: "10.3.0.0/24" (no "|/0") */
} traffic_selector;

typedef struct ts_list {
    size_t count;
    int truncated;
    traffic_selector items[TS_LIST_MAX];
} ts_list;

/* One selector; returns 0 on success, -1 if the text is not one. */
int ts_parse(const char *s, size_t len, traffic_selector *out);
/* A space-separated list (%#R). Returns the number parsed. */
size_t ts_list_parse(const char *s, size_t len, ts_list *out);
/* Appends one selector (e.g. from a one-per-line listing); 0 or -1 if full. */
int ts_list_add(ts_list *l, const traffic_selector *ts);
/* Same addresses, protocol and ports. */
int ts_equal(const traffic_selector *a, const traffic_selector *b);
/* b lies within a (a could be narrowed to b). */
int ts_contains(const traffic_selector *a, const traffic_selector *b);
/* Same selectors in any order. */
int ts_list_equal(const ts_list *a, const ts_list *b);
/* Every selector of b is contained in some selector of a. */
int ts_list_covers(const ts_list *a, const ts_list *b);
/* a and b share some traffic (address ranges intersect, protocols and
 * ports compatible): narrowing one to the other leaves something. */
int ts_overlaps(const traffic_selector *a, const traffic_selector *b);
/* Some selector of a overlaps some selector of b. */
int ts_list_overlaps(const ts_list *a, const ts_list *b);
/* "10.3.0.0/24, 10.4.0.0/24". Returns the length written. */
size_t ts_list_format(const ts_list *l, char *buf, size_t n);

/* Whether a is a dotted-quad IPv4 address that is private (RFC 1918) or
 * shared (RFC 6598): the address of a host behind NAT, as a cloud VM or a
 * LAN host has. 0 for NULL, public addresses, IPv6 and names. */
int ipv4_is_private(const char *a);
/* Whether priv is a private IPv4 address (ipv4_is_private) and pub a
 * dotted address that is not: the two sides of a NAT. */
int ipv4_private_and_public(const char *priv, const char *pub);

#endif
