/*
 * traffic_selector.c - charon's traffic selectors, parsed and compared.
 *
 * Why: a phase 2 mismatch is diagnosed by comparing what the peer proposed
 * ("looking for a child config for A === B", "traffic selectors A === B
 * unacceptable") with what is configured ("proposing traffic selectors for
 * us:" lines). Text comparison is not enough: strongSwan narrows, so a
 * configured 10.0.0.0/16 accepts a proposed 10.0.1.0/24, and protocol and
 * port names come from the host's /etc/protocols and /etc/services ("udp"
 * vs "17", "isakmp" vs "500"). Addresses are therefore parsed into ranges
 * (inet_pton: pure, no I/O) and names into numbers where we know them.
 *
 * What the text can look like besides charon's own form: pfSense's patched
 * charon appends the NAT side ("10.3.0.0/24|/0", "a|nat..b|nat"), of which
 * only the part before '|' is negotiated; logs shared publicly are redacted
 * ("x.x.x.x/24", "<REDACTED>"), which we keep as opaque text compared
 * byte for byte; strongSwan up to 5.3.3 left a space after each selector.
 */
#include "ascii.h"
#include "traffic_selector.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define ADDR_TEXT_MAX 64     /* longest address we hand to inet_pton */

typedef struct name_number {
    const char *name;
    int number;
} name_number;

/* /etc/protocols names charon may print (Linux and FreeBSD spellings). */
static const name_number protocol_names[] = {
    {"icmp", 1}, {"igmp", 2}, {"ipencap", 4}, {"ipip", 4}, {"tcp", 6},
    {"udp", 17}, {"ipv6", 41}, {"gre", 47}, {"esp", 50}, {"ah", 51},
    {"ipv6-icmp", 58}, {"icmp6", 58}, {"ospf", 89}, {"pim", 103},
    {"vrrp", 112}, {"l2tp", 115}, {"sctp", 132}, {"udplite", 136},
};

/* /etc/services names likely in IPsec selectors (Linux and FreeBSD). */
static const name_number service_names[] = {
    {"ftp-data", 20}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23},
    {"smtp", 25}, {"domain", 53}, {"bootps", 67}, {"bootpc", 68},
    {"tftp", 69}, {"http", 80}, {"www", 80}, {"kerberos", 88},
    {"pop3", 110}, {"ntp", 123}, {"netbios-ns", 137}, {"netbios-dgm", 138},
    {"netbios-ssn", 139}, {"imap", 143}, {"snmp", 161}, {"snmp-trap", 162},
    {"bgp", 179}, {"ldap", 389}, {"https", 443}, {"microsoft-ds", 445},
    {"isakmp", 500}, {"syslog", 514}, {"ldaps", 636}, {"openvpn", 1194},
    {"l2f", 1701}, {"l2tp", 1701}, {"radius", 1812}, {"radius-acct", 1813},
    {"mysql", 3306}, {"ms-wbt-server", 3389}, {"ipsec-nat-t", 4500},
    {"nat-t-ike", 4500}, {"sip", 5060},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Copies n bytes into a NUL-terminated buffer; -1 if they do not fit. */
static int copy_exact(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        return -1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/* Parses all of s[0..n) as a decimal number up to max; -1 if it is not. */
static long parse_decimal(const char *s, size_t n, long max)
{
    long v = 0;

    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!ascii_is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
        if (v > max)
            return -1;
    }
    return v;
}

static int lookup_number(const name_number *table, size_t count,
                         const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].number;
    return -1;
}

/* ---- addresses ---- */

static size_t addr_bytes(int family)
{
    return family == 6 ? 16 : 4;
}

/* One address literal; returns its family (4 or 6), or 0 if it is none. */
static int parse_address(const char *s, size_t n, uint8_t out[16])
{
    char buf[ADDR_TEXT_MAX];
    int v6;

    if (copy_exact(buf, sizeof(buf), s, n) < 0)
        return 0;
    v6 = memchr(s, ':', n) != NULL;
    memset(out, 0, 16);
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, out) != 1)
        return 0;
    return v6 ? 6 : 4;
}

/* from = addr with the host bits cleared, to = with them set. */
static void apply_prefix(traffic_selector *ts, const uint8_t addr[16])
{
    size_t bytes = addr_bytes(ts->family);

    for (size_t i = 0; i < bytes; i++) {
        int bits = ts->prefix - (int)(i * 8);
        uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
        ts->from[i] = addr[i] & mask;
        ts->to[i] = (uint8_t)(addr[i] | (uint8_t)~mask);
    }
}

/* The prefix length if [from, to] is exactly one CIDR block, else -1. */
static int range_prefix(const traffic_selector *ts)
{
    size_t bytes = addr_bytes(ts->family);
    int prefix = 0;
    size_t i = 0;

    while (i < bytes && ts->from[i] == ts->to[i]) {
        prefix += 8;
        i++;
    }
    if (i < bytes) {
        uint8_t diff = ts->from[i] ^ ts->to[i];
        int host = 0;
        while (diff >> host)
            host++;
        if ((ts->from[i] & ((1u << host) - 1)) != 0
            || (ts->to[i] & ((1u << host) - 1)) != (1u << host) - 1)
            return -1;
        prefix += 8 - host;
        for (i++; i < bytes; i++)
            if (ts->from[i] != 0 || ts->to[i] != 0xff)
                return -1;
    }
    return prefix;
}

/* "a/len" or a bare address (a host). */
static int parse_cidr(const char *s, size_t n, traffic_selector *ts)
{
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    uint8_t addr[16];
    long prefix;

    ts->family = parse_address(s, alen, addr);
    if (!ts->family)
        return -1;
    prefix = (long)addr_bytes(ts->family) * 8;
    if (slash)
        prefix = parse_decimal(slash + 1, n - alen - 1, prefix);
    if (prefix < 0)
        return -1;
    ts->prefix = (int)prefix;
    apply_prefix(ts, addr);
    return 0;
}

/* "from..to" */
static int parse_range(const char *s, size_t n, const char *dots,
                       traffic_selector *ts)
{
    size_t left = (size_t)(dots - s);
    int f1 = parse_address(s, left, ts->from);
    int f2 = parse_address(dots + 2, n - left - 2, ts->to);

    if (!f1 || f1 != f2
        || memcmp(ts->from, ts->to, addr_bytes(f1)) > 0)
        return -1;
    ts->family = f1;
    ts->prefix = range_prefix(ts);
    return 0;
}

static int is_hex_letter(char c)
{
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Redacted addresses: "<REDACTED>", or address-shaped text with letters
 * or '*' in it: "x.x.x.x", "A.A.A.A", "2001:db8:XXXX::" (in IPv6 only
 * letters beyond a-f count, as a-f are hex digits there). */
static int looks_redacted(const char *s, size_t n)
{
    int v6 = memchr(s, ':', n) != NULL, masked = 0, separators = 0;

    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        return 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '*' || (ascii_is_alpha(c) && !(v6 && is_hex_letter(c))))
            masked = 1;
        else if (c == '.' || c == ':')
            separators = 1;
        else if (!ascii_is_digit(c) && !ascii_is_alpha(c) && c != '_' && c != '-')
            return 0;
    }
    return masked && separators;
}

/* Redacted text, with an optional numeric "/prefix". */
static int parse_opaque(const char *s, size_t n, traffic_selector *ts)
{
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;

    if (!looks_redacted(s, alen))
        return -1;
    if (slash) {
        long prefix = parse_decimal(slash + 1, n - alen - 1, 128);
        if (prefix < 0)
            return -1;
        ts->prefix = (int)prefix;
    }
    return 0;
}

static int parse_addr_part(const char *s, size_t n, traffic_selector *ts)
{
    const char *dots;

    if (n == 7 && memcmp(s, "dynamic", 7) == 0) {
        ts->dynamic = 1;
        return 0;
    }
    dots = memmem(s, n, "..", 2);
    if (dots ? parse_range(s, n, dots, ts) == 0 : parse_cidr(s, n, ts) == 0)
        return 0;
    memset(ts->from, 0, sizeof(ts->from));
    memset(ts->to, 0, sizeof(ts->to));
    ts->family = 0;
    ts->prefix = -1;
    return parse_opaque(s, n, ts);
}

/* pfSense's "a|nat" (and "a|nat..b|nat" for ranges): keeps the negotiated
 * part before each '|'. Writes the result to buf. */
static int strip_nat(const char *s, size_t n, char *buf, size_t cap)
{
    const char *dots = memmem(s, n, "..", 2);
    const char *bar = memchr(s, '|', n);
    size_t left, right_len;
    const char *right, *rbar;

    if (!bar)
        return copy_exact(buf, cap, s, n);
    if (!dots || dots < bar)
        return copy_exact(buf, cap, s, (size_t)(bar - s));
    left = (size_t)(bar - s);
    right = dots + 2;
    rbar = memchr(right, '|', n - (size_t)(right - s));
    right_len = rbar ? (size_t)(rbar - right) : n - (size_t)(right - s);
    if (left + 2 + right_len >= cap)
        return -1;
    memcpy(buf, s, left);
    memcpy(buf + left, "..", 2);
    memcpy(buf + left + 2, right, right_len);
    buf[left + 2 + right_len] = '\0';
    return 0;
}

/* ---- protocol and ports ---- */

static int is_port_char(char c)
{
    return ascii_is_alpha(c) || ascii_is_digit(c) || c == '-' || c == '_' || c == '.'
           || c == '(' || c == ')';
}

/* "tcp", "tcp/http", "udp/500", "icmp/8(0)", "0/1000-2000" */
static int parse_proto_ports(const char *s, size_t n, traffic_selector *ts)
{
    const char *slash = memchr(s, '/', n);
    size_t plen = slash ? (size_t)(slash - s) : n;
    size_t rlen = slash ? n - plen - 1 : 0;

    if (plen == 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!is_port_char(s[i]) && s + i != slash)
            return -1;
    if (copy_exact(ts->proto, sizeof(ts->proto), s, plen) < 0
        || copy_exact(ts->ports, sizeof(ts->ports), slash ? slash + 1 : s,
                      rlen) < 0)
        return -1;
    /* protocol 0 and the full port range are charon's "any" */
    if (strcmp(ts->proto, "0") == 0)
        ts->proto[0] = '\0';
    if (strcmp(ts->ports, "0-65535") == 0)
        ts->ports[0] = '\0';
    return 0;
}

static int proto_number(const char *proto)
{
    long v = parse_decimal(proto, strlen(proto), 255);

    return v >= 0 ? (int)v
                  : lookup_number(protocol_names, COUNT_OF(protocol_names), proto);
}

static int is_icmp(const char *proto)
{
    int p = proto_number(proto);

    return p == 1 || p == 58;
}

/* A port or an ICMP type as a number, names looked up. */
static long port_value(const char *s, size_t n, long max)
{
    char buf[24];
    long v = parse_decimal(s, n, max);

    if (v >= 0 || copy_exact(buf, sizeof(buf), s, n) < 0)
        return v;
    return lookup_number(service_names, COUNT_OF(service_names), buf);
}

/* The ports as a numeric range; for ICMP, type << 8 | code as charon
 * stores them ("8" = type 8 any code, "8(0)", "3-5"). -1 if not numeric
 * (an unknown service name, "OPAQUE"). */
static int port_range(const traffic_selector *ts, long *lo, long *hi)
{
    const char *p = ts->ports;
    size_t n = strlen(p);
    const char *dash = memchr(p, '-', n);
    const char *paren = memchr(p, '(', n);
    int icmp = is_icmp(ts->proto);
    long max = icmp ? 255 : 65535;

    if (icmp && paren && p[n - 1] == ')') {
        long type = port_value(p, (size_t)(paren - p), max);
        long code = port_value(paren + 1, n - (size_t)(paren - p) - 2, max);
        if (type < 0 || code < 0)
            return -1;
        *lo = *hi = type << 8 | code;
        return 0;
    }
    *lo = port_value(p, dash ? (size_t)(dash - p) : n, max);
    *hi = dash ? port_value(dash + 1, n - (size_t)(dash - p) - 1, max) : *lo;
    if (*lo < 0 || *hi < 0 || *lo > *hi)
        return -1;
    if (icmp) {
        *lo <<= 8;
        *hi = *hi << 8 | 0xff;
    }
    return 0;
}

/* ---- public ---- */

int ts_parse(const char *s, size_t len, traffic_selector *out)
{
    char addr[TS_TEXT_MAX];
    size_t alen;
    const char *open = NULL;

    if (!out)
        return -1;
    memset(out, 0, sizeof(*out));
    out->prefix = -1;
    if (!s)
        return -1;
    ascii_trim(&s, &len);
    if (len == 0)
        return -1;
    if (s[len - 1] == ']') {
        open = memrchr(s, '[', len);
        if (!open || parse_proto_ports(open + 1, len - (size_t)(open - s) - 2,
                                       out) < 0)
            return -1;
    }
    alen = open ? (size_t)(open - s) : len;
    if (alen == 0 || strip_nat(s, alen, addr, sizeof(addr)) < 0 || !addr[0]
        || parse_addr_part(addr, strlen(addr), out) < 0)
        return -1;
    /* text: the negotiated address, then "[proto/ports]" as logged, cut
     * to the field (the longest IPv6 range with ports is; all of it ASCII) */
    size_t a = strlen(addr), t = open ? len - (size_t)(open - s) : 0;
    if (a > sizeof(out->text) - 1)
        a = sizeof(out->text) - 1;
    if (t > sizeof(out->text) - 1 - a)
        t = sizeof(out->text) - 1 - a;
    memcpy(out->text, addr, a);
    if (t)
        memcpy(out->text + a, open, t);
    out->text[a + t] = '\0';
    return 0;
}

static int is_list_separator(char c)
{
    return ascii_is_space(c) || c == ',';
}

size_t ts_list_parse(const char *s, size_t len, ts_list *out)
{
    size_t i = 0;

    if (!out)
        return 0;
    memset(out, 0, sizeof(*out));
    while (s && i < len) {
        size_t start;
        traffic_selector ts;
        while (i < len && is_list_separator(s[i]))
            i++;
        start = i;
        while (i < len && !is_list_separator(s[i]))
            i++;
        if (i > start && ts_parse(s + start, i - start, &ts) == 0
            && ts_list_add(out, &ts) < 0)
            break;
    }
    return out->count;
}

int ts_list_add(ts_list *l, const traffic_selector *ts)
{
    if (!l || !ts)
        return -1;
    if (l->count == TS_LIST_MAX) {
        l->truncated = 1;
        return -1;
    }
    l->items[l->count++] = *ts;
    return 0;
}

/* Length of the address part of the text (before "[proto/ports]"). */
static size_t addr_text_len(const traffic_selector *ts)
{
    return strcspn(ts->text, "[");
}

static int same_address(const traffic_selector *a, const traffic_selector *b)
{
    size_t n = addr_text_len(a);

    if (a->family != b->family || a->dynamic != b->dynamic)
        return 0;
    if (a->family == 0)
        return n == addr_text_len(b) && memcmp(a->text, b->text, n) == 0;
    return memcmp(a->from, b->from, addr_bytes(a->family)) == 0
           && memcmp(a->to, b->to, addr_bytes(a->family)) == 0;
}

static int address_contains(const traffic_selector *a,
                            const traffic_selector *b)
{
    size_t bytes = addr_bytes(a->family);

    if (a->family == 0 || b->family == 0)
        return same_address(a, b);
    return a->family == b->family && memcmp(a->from, b->from, bytes) <= 0
           && memcmp(b->to, a->to, bytes) <= 0;
}

static int proto_equal(const char *a, const char *b)
{
    int na = proto_number(a), nb = proto_number(b);

    if (!a[0] || !b[0])
        return !a[0] && !b[0];
    return na >= 0 && nb >= 0 ? na == nb : strcmp(a, b) == 0;
}

/* b's ports within a's (both already of an equal protocol). */
static int ports_within(const traffic_selector *a, const traffic_selector *b)
{
    long alo, ahi, blo, bhi;

    if (!a->ports[0])
        return 1;
    if (!b->ports[0])
        return 0;
    if (port_range(a, &alo, &ahi) < 0 || port_range(b, &blo, &bhi) < 0)
        return strcmp(a->ports, b->ports) == 0;
    return alo <= blo && bhi <= ahi;
}

int ts_equal(const traffic_selector *a, const traffic_selector *b)
{
    if (!a || !b)
        return 0;
    return same_address(a, b) && proto_equal(a->proto, b->proto)
           && ports_within(a, b) && ports_within(b, a);
}

int ts_contains(const traffic_selector *a, const traffic_selector *b)
{
    if (!a || !b || !address_contains(a, b))
        return 0;
    if (a->proto[0] && !proto_equal(a->proto, b->proto))
        return 0;
    return ports_within(a, b);
}

int ts_list_equal(const ts_list *a, const ts_list *b)
{
    int used[TS_LIST_MAX] = {0};

    if (!a || !b || a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        size_t j = 0;
        while (j < b->count && (used[j] || !ts_equal(&a->items[i], &b->items[j])))
            j++;
        if (j == b->count)
            return 0;
        used[j] = 1;
    }
    return 1;
}

int ts_list_covers(const ts_list *a, const ts_list *b)
{
    if (!a || !b)
        return 0;
    for (size_t i = 0; i < b->count; i++) {
        size_t j = 0;
        while (j < a->count && !ts_contains(&a->items[j], &b->items[i]))
            j++;
        if (j == a->count)
            return 0;
    }
    return 1;
}

int ts_overlaps(const traffic_selector *a, const traffic_selector *b)
{
    long alo, ahi, blo, bhi;
    size_t bytes;

    if (!a || !b)
        return 0;
    if (a->dynamic || b->dynamic)
        return 1; /* resolved only when negotiated */
    if (a->family == 0 || b->family == 0) {
        if (!same_address(a, b))
            return 0;
    } else {
        bytes = addr_bytes(a->family);
        if (a->family != b->family || memcmp(a->from, b->to, bytes) > 0 ||
            memcmp(b->from, a->to, bytes) > 0)
            return 0;
    }
    if (a->proto[0] && b->proto[0] && !proto_equal(a->proto, b->proto))
        return 0;
    if (!a->ports[0] || !b->ports[0])
        return 1;
    if (port_range(a, &alo, &ahi) < 0 || port_range(b, &blo, &bhi) < 0)
        return strcmp(a->ports, b->ports) == 0;
    return alo <= bhi && blo <= ahi;
}

int ts_list_overlaps(const ts_list *a, const ts_list *b)
{
    if (!a || !b)
        return 0;
    for (size_t i = 0; i < a->count; i++)
        for (size_t j = 0; j < b->count; j++)
            if (ts_overlaps(&a->items[i], &b->items[j]))
                return 1;
    return 0;
}

size_t ts_list_format(const ts_list *l, char *buf, size_t n)
{
    size_t used = 0;

    if (!buf || n == 0)
        return 0;
    buf[0] = '\0';
    for (size_t i = 0; l && i < l->count; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                         l->items[i].text);
        if (w < 0)
            break;
        used += (size_t)w < n - used ? (size_t)w : n - used - 1;
        if (used == n - 1)
            break;
    }
    return used;
}

int ipv4_is_private(const char *a)
{
    unsigned b[4];
    char tail;
    if (!a || sscanf(a, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4 || b[0] > 255 ||
        b[1] > 255)
        return 0;
    return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) ||
           (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
}

int ipv4_private_and_public(const char *priv, const char *pub)
{
    return ipv4_is_private(priv) && pub && strchr(pub, '.') && !ipv4_is_private(pub);
}
