/*
 * envelope.c - one physical log line -> charon_line.
 *
 * charon writes one fixed core prefix ("09[IKE] <con1|5> message"), but by
 * the time a log reaches us something has wrapped it: syslogd (RFC 3164 or
 * 5424), journald, charon's own file logger with or without a time, swanctl,
 * the Android app and logcat, an OPNsense GUI export, or charon 6's JSON
 * logger. Each of those shapes is recognised by one small parser in the
 * table `forms` at the end of this file; the first one that claims the line
 * wins.
 *
 * A parser answers ENVELOPE_NONE ("not my shape"), ENVELOPE_OTHER ("a log
 * line, but not charon's") or ENVELOPE_CHARON. When none claims the line,
 * form_unknown looks for the core prefix behind an envelope nobody knows
 * (OpenWrt's logread, a clock alone), and failing that the text is a bare
 * line (ENVELOPE_BARE: `ipsec up` output, a message pasted alone, prose;
 * only the message table can tell which) unless it is blank or punctuation
 * (NONE). NONE and BARE differ from OTHER for the line source: only such a
 * line can be the tail of a hard-wrapped line.
 *
 * Strictness, so that prose is not mistaken for a prefixed line: the
 * charon prefix must be \d{2,3}\[[A-Z]{3}\d?\] or \[[A-Z]{3}\] followed by a
 * space (or the end of the line), and behind an unknown envelope it must
 * follow a blank or ':'. A message without that prefix (journald's MESSAGE
 * never has one) is a charon line only behind a timestamp and only from a
 * program known to be charon; anywhere else it is a bare line.
 *
 * Pasted decoration is looked through before the forms run: mail quote
 * markers and emphasis or code marks around the whole line (raw keeps
 * them), and around the message of a line without a time (a time-stamped
 * line is taken as logged, as the header cache takes it).
 *
 * Speed: this runs once per line on the hot path. Every parser is a forward
 * scan over the line by hand: no sscanf, no regex, no allocation. The one
 * rewrite it does is decoding a JSON string's escapes in place (so the line
 * source may hand in a line it does not own as long as it is not JSON).
 * The usual line costs little more than a compare: the header cache
 * (envelope_classify_cached) matches the bytes before the message, and
 * envelope_prefix_fast checks "TT[GRP] " as one 64-bit word and reads a
 * "<NAME|ID>" context with a vector search and its digits as one word;
 * both are inline in envelope.h, where the line source runs them itself
 * (envelope_classify_fast). A header whose time moved on only in its clock
 * (nearly every change) is re-read by new_clock without the time parser.
 * Anything else on those paths falls back to the general parsers, which
 * decide the same way.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "envelope.h"
#include "line_source.h"
#include "paste_repair.h"
#include "swar.h"

static const char EMPTY[] = "";

/* ---- small helpers ----------------------------------------------------- */

static inline bool is_upper(char c) { return (unsigned char)(c - 'A') < 26; }
static inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

static inline span make_span(const char *b, const char *e)
{
    return (span){b, (size_t)(e - b)};
}

static inline span empty_span(void) { return (span){EMPTY, 0}; }

static char *skip_spaces(char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    return p;
}

static char *token_end(char *p, const char *end)
{
    while (p < end && !is_blank(*p))
        p++;
    return p;
}

static inline int two_digits(const char *p)
{
    if (!ascii_is_digit(p[0]) || !ascii_is_digit(p[1]))
        return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

static bool span_equals(span s, const char *lit, size_t n)
{
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* ---- timestamps -------------------------------------------------------- */

/* Days before each month of a leap year: a year-less BSD date maps to its
 * place in a 366-day year, so Feb 29 still sorts between Feb 28 and Mar 1. */
static const uint16_t leap_days_before[12] = {
    0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};

/* Month abbreviations as strftime's %b writes them: charon's own file
 * logger and syslog use the C locale's, but journald and GUI exports use
 * the host's, so a German, Spanish or Russian journal reads "Mär 02",
 * "mar 05", "сен 24". One row per language, January first; compared
 * ignoring ASCII case. */
static const char *const month_names[][12] = {
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},        /* en */
    {"jan", "feb", "mär", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"},        /* de */
    {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},       /* es */
    {"janv.", "févr.", "mars", "avril", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
     "déc."},                                                                                    /* fr */
    {"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},        /* it */
    {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},        /* pt */
    {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},        /* nl */
    {"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},        /* sv, da */
    {"sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"},        /* pl */
    {"led", "úno", "bře", "dub", "kvě", "čvn", "čvc", "srp", "zář", "říj", "lis", "pro"},        /* cs */
    {"oca", "şub", "mar", "nis", "may", "haz", "tem", "ağu", "eyl", "eki", "kas", "ara"},        /* tr */
    {"sau", "vas", "kov", "bal", "geg", "bir", "lie", "rgp", "rgs", "spa", "lap", "grd"},        /* lt */
    {"янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"},        /* ru */
    {"янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сент", "окт", "нояб", "дек"},      /* ru, other forms */
    {"січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"},        /* uk */
};

/* The month of the abbreviation at [p, p + n), or -1. */
static int month_of(const char *p, size_t n)
{
    char low[16];
    if (n == 0 || n >= sizeof low)
        return -1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    for (size_t l = 0; l < sizeof month_names / sizeof month_names[0]; l++)
        for (int m = 0; m < 12; m++)
            if (strlen(month_names[l][m]) == n && memcmp(month_names[l][m], low, n) == 0)
                return m;
    return -1;
}

/* The month abbreviation that starts at p, ending at a space: its month,
 * *len its length; -1 if it is none. */
static int month_index(const char *p, const char *end, size_t *len)
{
    size_t n = 0;
    while (p + n < end && n < 12 && p[n] != ' ')
        n++;
    *len = n;
    if (p + n >= end)
        return -1;
    if (n == 3) { /* the C locale's, the usual case: capitalised, no table walk */
        static const char c_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
        for (int m = 0; m < 12; m++)
            if (memcmp(p, c_names + 3 * m, 3) == 0)
                return m;
    }
    return month_of(p, n);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic:
 * 400-year cycles of 146097 days, years counted from March). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "HH:MM:SS[.fraction]" (',' also taken as the decimal mark) -> the
 * milliseconds of the day; returns the end, or NULL. */
static char *parse_clock(char *p, const char *end, int64_t *ms_of_day)
{
    if (end - p < 8 || p[2] != ':' || p[5] != ':')
        return NULL;
    int h = two_digits(p), m = two_digits(p + 3), s = two_digits(p + 6);
    if (h < 0 || m < 0 || s < 0 || h > 24 || m > 59 || s > 60)
        return NULL;
    p += 8;
    int64_t ms = 0;
    if (end - p >= 2 && (*p == '.' || *p == ',') && ascii_is_digit(p[1])) {
        int digits = 0;
        for (p++; p < end && ascii_is_digit(*p); p++, digits++)
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++)
            ms *= 10;
    }
    *ms_of_day = ((int64_t)h * 3600 + m * 60 + s) * 1000 + ms;
    return p;
}

/* A 4-digit year followed by a space (or, when at_end_ok, the end). */
static int parse_year(const char *p, const char *end, bool at_end_ok)
{
    if (end - p < 4 || !ascii_is_digit(p[0]) || !ascii_is_digit(p[1]) || !ascii_is_digit(p[2]) ||
        !ascii_is_digit(p[3]))
        return -1;
    if (end - p == 4 ? !at_end_ok : p[4] != ' ')
        return -1;
    return two_digits(p) * 100 + two_digits(p + 2);
}

/* "Nov 27 13:18:09[.fff]" (strftime "%b %e %T", syslog, journald), day
 * space-padded or not. A filelog's time_format may add the year before the
 * month, before the clock or after it ("%Y %b %e %T", "%b %e %Y %T",
 * "%b %e %T %Y"). Without a year the value is the time within the year. */
static char *parse_bsd_stamp(char *p, const char *end, int64_t *ts)
{
    int year = parse_year(p, end, false);
    if (year >= 0)
        p += 5;
    size_t mlen;
    if (end - p < 14)
        return NULL;
    int mon = month_index(p, end, &mlen);
    if (mon < 0)
        return NULL;
    p = skip_spaces(p + mlen, end);
    int day = 0, digits = 0;
    for (; p < end && ascii_is_digit(*p) && digits < 2; p++, digits++)
        day = day * 10 + (*p - '0');
    if (digits == 0 || day < 1 || day > 31 || p >= end || *p != ' ')
        return NULL;
    p++;
    if (year < 0 && (year = parse_year(p, end, false)) >= 0)
        p += 5;
    int64_t ms;
    if (!(p = parse_clock(p, end, &ms)))
        return NULL;
    if (year < 0 && end - p >= 5 && *p == ' ' && (year = parse_year(p + 1, end, true)) >= 0)
        p += 5;
    int64_t days = year >= 0 ? days_from_civil(year, mon + 1, day)
                             : leap_days_before[mon] + day - 1;
    *ts = days * 86400000 + ms;
    return p;
}

/* "+01:00", "+0100", "+01", "Z" -> seconds east of UTC; returns the end. */
static char *parse_zone(char *p, const char *end, int64_t *offset_s)
{
    *offset_s = 0;
    if (p < end && *p == 'Z')
        return p + 1;
    if (end - p < 3 || (*p != '+' && *p != '-'))
        return p;
    int sign = *p == '-' ? -1 : 1, h = two_digits(p + 1), m = 0;
    if (h < 0)
        return p;
    char *q = p + 3;
    if (end - q >= 3 && *q == ':' && two_digits(q + 1) >= 0) {
        m = two_digits(q + 1);
        q += 3;
    } else if (end - q >= 2 && two_digits(q) >= 0) {
        m = two_digits(q);
        q += 2;
    }
    *offset_s = sign * (h * 3600 + m * 60);
    return q;
}

/* "2026-11-27T13:18:09[.f][zone]" or with a space for the 'T'; the value is
 * milliseconds since the epoch, UTC when a zone is given. */
static char *parse_iso_stamp(char *p, const char *end, int64_t *ts)
{
    if (end - p < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' '))
        return NULL;
    int yh = two_digits(p), yl = two_digits(p + 2);
    int mon = two_digits(p + 5), day = two_digits(p + 8);
    if (yh < 0 || yl < 0 || mon < 1 || mon > 12 || day < 1 || day > 31)
        return NULL;
    int64_t ms, offset_s;
    char *q = parse_clock(p + 11, end, &ms);
    if (!q)
        return NULL;
    q = parse_zone(q, end, &offset_s);
    *ts = days_from_civil(yh * 100 + yl, mon, day) * 86400000 + ms - offset_s * 1000;
    return q;
}

/* logcat's "11-27 13:18:09.123" (no year). */
static char *parse_month_day_stamp(char *p, const char *end, int64_t *ts)
{
    if (end - p < 14 || p[2] != '-' || p[5] != ' ')
        return NULL;
    int mon = two_digits(p), day = two_digits(p + 3);
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return NULL;
    int64_t ms;
    char *q = parse_clock(p + 6, end, &ms);
    if (!q)
        return NULL;
    *ts = (int64_t)(leap_days_before[mon - 1] + day - 1) * 86400000 + ms;
    return q;
}

static char *parse_any_stamp(char *p, const char *end, int64_t *ts)
{
    char *q = parse_bsd_stamp(p, end, ts);
    return q ? q : parse_iso_stamp(p, end, ts);
}

typedef char *(*stamp_parser)(char *p, const char *end, int64_t *ts);

/* The time parsers by kind, so that a cached header can re-read its time
 * with the parser that first read it (see envelope_classify_cached). */
typedef enum stamp_kind { STAMP_NONE, STAMP_BSD, STAMP_ISO, STAMP_MONTH_DAY } stamp_kind;

static const stamp_parser stamp_parsers[] = {
    [STAMP_NONE] = NULL,
    [STAMP_BSD] = parse_bsd_stamp,
    [STAMP_ISO] = parse_iso_stamp,
    [STAMP_MONTH_DAY] = parse_month_day_stamp,
};

/* One parse in progress: the line being filled, and what the header cache
 * needs to know: where the message part starts and which parser read the
 * time. */
typedef struct parser {
    charon_line *out;
    char *body;
    stamp_kind stamp;
} parser;

static void set_time(parser *ps, const char *b, const char *e, int64_t ts, stamp_kind kind)
{
    ps->out->time = make_span(b, e);
    ps->out->ts = ts;
    ps->stamp = kind;
}

bool envelope_time_alone(span text)
{
    const char *b = text.p, *e = text.p + text.n;
    while (b < e && is_blank(*b))
        b++;
    while (e > b && is_blank(e[-1]))
        e--;
    if (e - b < 8)
        return false;
    for (size_t k = 1; k < sizeof stamp_parsers / sizeof stamp_parsers[0]; k++) {
        int64_t ts;
        if (stamp_parsers[k]((char *)b, e, &ts) == e)
            return true;
    }
    return false;
}

/* ---- the charon core prefix -------------------------------------------- */

/* All digits (at most 18, so no overflow) -> value, else -1. */
static int64_t digits_value(const char *p, const char *e)
{
    if (p == e || e - p > 18)
        return -1;
    int64_t v = 0;
    for (; p < e; p++) {
        if (!ascii_is_digit(*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/*
 * The IKE_SA context after the subsystem, p just after " <": "NAME|ID>" or
 * "ID>". NAME is anything but '|' and '>'. A redacted context ("<REDACTED>",
 * "<con1|x>") is accepted as far as it can be read, but only as one token.
 * Returns the char after '>' (conn and sa_id set), or NULL if this is no
 * context (nothing set).
 */
static inline char *parse_context(char *p, const char *end, span *conn, int64_t *sa_id)
{
    char *q = envelope_find_bar_or_gt(p, end);
    if (q >= end)
        return NULL;
    if (*q == '>') {
        int64_t id = digits_value(p, q);
        if (id < 0 && memchr(p, ' ', (size_t)(q - p)))
            return NULL;
        *sa_id = id;
        return q + 1;
    }
    /* the id, read as it is scanned: digits_value's rule (1..18 digits,
     * else -1) in one pass; the digits first, as they nearly always are,
     * then whatever else runs up to the '>' */
    char *id_start = q + 1, *id_end = id_start;
    const char *digits_end = end - id_start > 18 ? id_start + 18 : end;
    int64_t id = 0;
    for (; id_end < digits_end && ascii_is_digit(*id_end); id_end++)
        id = id * 10 + (*id_end - '0');
    bool number = id_end > id_start;
    if (id_end >= end || *id_end != '>') {
        number = false;
        while (id_end < end && *id_end != '>' && *id_end != ' ')
            id_end++;
        if (id_end >= end || *id_end != '>')
            return NULL;
    }
    if (q > p)
        *conn = make_span(p, q);
    *sa_id = number ? id : -1;
    return id_end + 1;
}

/*
 * "[NAME|ID]" in place of "<NAME|ID>", p just after '[': what a user types
 * back when a Markdown renderer (GitHub's) dropped the angle brackets. Only
 * the exact shape, a name without blanks, brackets or bars, a bar and 1 to
 * 18 digits: "[12]" or "[con1]" may be message text. Returns the char after
 * ']' (conn and sa_id set), or NULL (nothing set).
 */
static char *parse_bracket_context(char *p, const char *end, span *conn, int64_t *sa_id)
{
    char *bar = p;
    while (bar < end && *bar != '|' && *bar != ']' && *bar != '[' && *bar != '<' &&
           *bar != '>' && !is_blank(*bar))
        bar++;
    if (bar == p || bar >= end || *bar != '|')
        return NULL;
    char *close = bar + 1;
    while (close < end && ascii_is_digit(*close))
        close++;
    if (close >= end || *close != ']')
        return NULL;
    int64_t id = digits_value(bar + 1, close);
    if (id < 0)
        return NULL;
    *conn = make_span(p, bar);
    *sa_id = id;
    return close + 1;
}

/* "[GRP]" or "[GRP2]" at p: returns the char after ']' or NULL; the group
 * is p[1..3]. */
static inline char *parse_group(char *p, const char *end, int *level)
{
    if (end - p < 5 || p[0] != '[' || !is_upper(p[1]) || !is_upper(p[2]) ||
        !is_upper(p[3]))
        return NULL;
    char *q = p + 4;
    *level = -1;
    if (ascii_is_digit(*q)) {
        *level = *q - '0';
        q++;
    }
    return q < end && *q == ']' ? q + 1 : NULL;
}

/*
 * What follows "TT[GRP]" (at q): the optional " <context>", then the one
 * separator space (or the end of the line); the rest is the message. A '<'
 * that does not make a context is left to the message. Fills the line only
 * if all of it reads, so a prefix that fails half-way leaves nothing behind.
 */
static inline bool finish_prefix(char *q, char *end, const char *group, int thread,
                                 int level, charon_line *out)
{
    span conn = empty_span();
    int64_t sa_id = -1;
    if (end - q >= 2 && q[0] == ' ' && q[1] == '<') {
        char *c = parse_context(q + 2, end, &conn, &sa_id);
        if (c && (c == end || *c == ' ')) {
            q = c;
        } else {
            conn = empty_span();
            sa_id = -1;
        }
    } else if (end - q >= 2 && q[0] == ' ' && q[1] == '[') {
        char *c = parse_bracket_context(q + 2, end, &conn, &sa_id);
        if (c && (c == end || *c == ' ')) {
            q = c;
        } else {
            conn = empty_span();
            sa_id = -1;
        }
    }
    if (q < end && *q != ' ')
        return false;
    out->thread = thread;
    out->level = level;
    memcpy(out->subsys, group, 3);
    out->subsys[3] = '\0';
    out->conn = conn;
    out->sa_id = sa_id;
    out->msg = q < end ? make_span(q + 1, end) : empty_span();
    return true;
}

static bool parse_core_general(char *p, char *end, charon_line *out);

/* "TT[GRP(L)]( <NAME|ID>)? message" with a 2 or 3 digit thread. */
static inline bool parse_core(char *p, char *end, charon_line *out)
{
    return envelope_prefix_fast(p, end, out) || parse_core_general(p, end, out);
}

static __attribute__((noinline)) bool parse_core_general(char *p, char *end, charon_line *out)
{
    if (end - p < 7 || !ascii_is_digit(p[0]) || !ascii_is_digit(p[1]))
        return false;
    int thread = two_digits(p), level;
    char *g = p + 2;
    if (ascii_is_digit(*g)) {
        thread = thread * 10 + (*g - '0');
        g++;
    }
    char *q = parse_group(g, end, &level);
    return q && finish_prefix(q, end, g + 1, thread, level, out);
}

/* ---- programs ---------------------------------------------------------- */

/* Programs whose un-prefixed messages are charon's (journald's MESSAGE
 * carries no "09[IKE]" prefix). */
static const struct {
    const char *name;
    size_t len;
} charon_programs[] = {
    {"charon", 6},      {"charon-systemd", 14}, {"charon-nm", 9},
    {"charon-cmd", 10}, {"ipsec", 5},           {"strongswan", 10},
};

static bool is_charon_program(span name)
{
    for (size_t i = 0; i < sizeof charon_programs / sizeof *charon_programs; i++)
        if (span_equals(name, charon_programs[i].name, charon_programs[i].len))
            return true;
    return false;
}

/* After a program's name: "[pid]" (padded inside the brackets if `padded`)
 * if any, then ':' followed by a space or the end of the line. Returns the
 * char after ':', or NULL. */
static char *pid_and_colon(char *q, const char *end, bool padded)
{
    if (q < end && *q == '[') {
        q++;
        if (padded)
            q = skip_spaces(q, end);
        while (q < end && *q != ']' && !is_blank(*q))
            q++;
        if (q >= end || *q != ']')
            return NULL;
        q++;
    }
    if (q >= end || *q != ':' || (q + 1 < end && q[1] != ' '))
        return NULL;
    return q + 1;
}

/* "name:" or "name[pid]:" followed by a space or the end of the line.
 * Returns the char after ':', or NULL. */
static char *parse_program_token(char *p, const char *end, span *name)
{
    char *q = p;
    while (q < end && !is_blank(*q) && *q != ':' && *q != '[')
        q++;
    if (q == p || q >= end)
        return NULL;
    char *name_end = q;
    q = pid_and_colon(q, end, false);
    if (q)
        *name = make_span(p, name_end);
    return q;
}

/* "IKE 15     : message": the prefix as a vendor's syslog template writes
 * it (group, thread, padding, colon), seen behind a charon program only. */
static bool parse_core_spaced(char *p, char *end, charon_line *out)
{
    if (end - p < 7 || !is_upper(p[0]) || !is_upper(p[1]) || !is_upper(p[2]) || p[3] != ' ' ||
        !ascii_is_digit(p[4]))
        return false;
    char *q = p + 4;
    int thread = 0;
    while (q < end && ascii_is_digit(*q) && q - p < 7)
        thread = thread * 10 + (*q++ - '0');
    if (q < end && ascii_is_digit(*q))
        return false;
    q = skip_spaces(q, end);
    if (q >= end || *q != ':')
        return false;
    return finish_prefix(q + 1, end, p, thread, -1, out);
}

/* "notic charon  [ 2452]:" -- a syslog level word, then the program with
 * its pid padded inside the brackets (the same vendor template). Only a
 * charon program is taken, so prose with a colon is not read as one.
 * Returns the char after ':', or NULL. */
static char *parse_leveled_program(char *p, const char *end, span *name)
{
    char *q = p;
    while (q < end && (unsigned char)(*q - 'a') < 26)
        q++;
    if (q == p || q - p > 8 || q >= end || *q != ' ')
        return NULL;
    char *n = skip_spaces(q, end), *ne = n;
    while (ne < end && !is_blank(*ne) && *ne != '[' && *ne != ':')
        ne++;
    span prog = make_span(n, ne);
    if (ne == n || !is_charon_program(prog))
        return NULL;
    q = pid_and_colon(skip_spaces(ne, end), end, true);
    if (q)
        *name = prog;
    return q;
}

/* The message part behind an envelope: the charon prefix, or a bare
 * message when the envelope named a charon program. */
static envelope_kind parse_body(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    ps->body = p;
    if (parse_core(p, end, out))
        return ENVELOPE_CHARON;
    if (p < end && is_charon_program(out->program)) {
        if (!parse_core_spaced(p, end, out))
            out->msg = make_span(p, end);
        return ENVELOPE_CHARON;
    }
    return ENVELOPE_OTHER;
}

/* After a timestamp and one or more spaces: a file logger's core prefix, or
 * "[host] program[pid]: body" as syslog and journald write it. */
static envelope_kind parse_syslog_tail(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    if (p >= end || *p != ' ')
        return ENVELOPE_NONE;
    p = skip_spaces(p, end);
    if (parse_core(p, end, out)) {
        ps->body = p;
        return ENVELOPE_CHARON;
    }
    char *body = parse_program_token(p, end, &out->program);
    if (!body) {
        char *host_end = token_end(p, end);
        out->host = make_span(p, host_end);
        body = parse_program_token(skip_spaces(host_end, end), end, &out->program);
        if (!body)
            body = parse_leveled_program(skip_spaces(host_end, end), end, &out->program);
        if (!body) {
            /* a time and words with no program: the words are the body
             * (a paste with the envelope cut down to its time) */
            out->host = empty_span();
            ps->body = p;
            return ENVELOPE_OTHER;
        }
    }
    return parse_body(body < end ? body + 1 : end, end, ps);
}

/* ---- the envelope forms ------------------------------------------------ */

/* "Nov 27 13:18:09 ..." : BSD syslog, journald short/short-precise, the
 * filelog with `time_format = %b %e %T`, the Android app's log. */
static envelope_kind form_bsd(char *p, char *end, parser *ps)
{
    int64_t ts;
    char *q = parse_bsd_stamp(p, end, &ts);
    if (!q)
        return ENVELOPE_NONE;
    set_time(ps, p, q, ts, STAMP_BSD);
    return parse_syslog_tail(q, end, ps);
}

/* "2026-11-27T13:18:09+0100 host charon[1]: ..." (journald short-iso,
 * rsyslog) and "2026-11-27 13:18:09.123 09[IKE] ..." (filelog). A tab after
 * the time is an export's column: form_columns takes those. */
static envelope_kind form_iso(char *p, char *end, parser *ps)
{
    int64_t ts;
    char *q = parse_iso_stamp(p, end, &ts);
    if (!q)
        return ENVELOPE_NONE;
    set_time(ps, p, q, ts, STAMP_ISO);
    return parse_syslog_tail(q, end, ps);
}

/* "09[IKE] ...": the filelog without time, `swanctl --log`. */
static envelope_kind form_core(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    return parse_core(p, end, out) ? ENVELOPE_CHARON : ENVELOPE_NONE;
}

/* "[IKE] ...": what `swanctl --initiate/--terminate` print (no thread,
 * no level). */
static envelope_kind form_console(char *p, char *end, parser *ps)
{
    int level;
    char *q = parse_group(p, end, &level);
    if (!q || level >= 0 || !finish_prefix(q, end, p + 1, -1, -1, ps->out))
        return ENVELOPE_NONE;
    return ENVELOPE_CHARON;
}

/* One RFC 5424 header field and the single space after it. */
static char *next_field(char *p, char *end, span *field)
{
    char *e = token_end(p, end);
    if (e == p || e >= end || *e != ' ')
        return NULL;
    *field = (e - p == 1 && *p == '-') ? empty_span() : make_span(p, e);
    return e + 1;
}

/* STRUCTURED-DATA: "-" or one or more "[id k="v" ...]", where a quoted
 * value may hold an escaped '"', ']' or '\'. Returns the end, or NULL. */
static char *skip_structured_data(char *p, const char *end)
{
    if (p < end && *p == '-')
        return p + 1;
    if (p >= end || *p != '[')
        return NULL;
    while (p < end && *p == '[') {
        bool quoted = false;
        for (p++; p < end; p++) {
            if (quoted && *p == '\\' && p + 1 < end)
                p++;
            else if (*p == '"')
                quoted = !quoted;
            else if (!quoted && *p == ']')
                break;
        }
        if (p >= end)
            return NULL;
        p++;
    }
    return p;
}

/* RFC 5424 after "<PRI>1 ": TIMESTAMP HOST APP PROCID MSGID SD [MSG]. */
static envelope_kind parse_rfc5424(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    span stamp, host, app, procid, msgid;
    if (!(p = next_field(p, end, &stamp)))
        return ENVELOPE_OTHER;
    if (stamp.n) {
        int64_t ts;
        char *stamp_p = (char *)stamp.p;
        if (parse_iso_stamp(stamp_p, stamp_p + stamp.n, &ts) != stamp_p + stamp.n)
            return ENVELOPE_OTHER;
        set_time(ps, stamp.p, stamp.p + stamp.n, ts, STAMP_ISO);
    }
    if (!(p = next_field(p, end, &host)) || !(p = next_field(p, end, &app)) ||
        !(p = next_field(p, end, &procid)) || !(p = next_field(p, end, &msgid)))
        return ENVELOPE_OTHER;
    if (!(p = skip_structured_data(p, end)))
        return ENVELOPE_OTHER;
    out->host = host;
    out->program = app;
    if (p < end && *p == ' ')
        p++;
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    return parse_body(p, end, ps);
}

/* "<30>1 2026-... fw charon 123 - - 09[IKE] ..." (RFC 5424, pfSense's
 * option) or "<30>Nov 27 13:18:09 ..." (RFC 3164 as sent on the wire). */
static envelope_kind form_pri(char *p, char *end, parser *ps)
{
    if (end - p < 4 || p[0] != '<' || !ascii_is_digit(p[1]))
        return ENVELOPE_NONE;
    char *q = p + 1;
    while (q < end && ascii_is_digit(*q) && q - p <= 3)
        q++;
    if (q >= end || *q != '>')
        return ENVELOPE_NONE;
    q++;
    if (end - q >= 2 && q[0] == '1' && q[1] == ' ')
        return parse_rfc5424(q + 2, end, ps);
    envelope_kind kind = form_bsd(q, end, ps);
    return kind != ENVELOPE_NONE ? kind : form_iso(q, end, ps);
}

/* After a logcat time: threadtime "  1234  1300 I charon  : msg" or time
 * format "I/charon( 1234): msg". */
static envelope_kind parse_logcat_tail(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    p = skip_spaces(p, end);
    if (p < end && ascii_is_digit(*p)) {
        for (int ids = 0; ids < 2 && p < end && ascii_is_digit(*p); ids++) {
            while (p < end && ascii_is_digit(*p))
                p++;
            p = skip_spaces(p, end);
        }
        if (end - p < 3 || !is_upper(p[0]) || p[1] != ' ')
            return ENVELOPE_OTHER;
        char *tag = skip_spaces(p + 1, end), *colon = tag;
        while (colon < end && *colon != ':')
            colon++;
        if (colon >= end)
            return ENVELOPE_OTHER;
        char *tag_end = colon;
        while (tag_end > tag && tag_end[-1] == ' ')
            tag_end--;
        out->program = make_span(tag, tag_end);
        return parse_body(colon + 1 < end ? colon + 2 : end, end, ps);
    }
    if (end - p < 3 || !is_upper(p[0]) || p[1] != '/')
        return ENVELOPE_OTHER;
    char *tag = p + 2, *q = tag;
    while (q < end && *q != '(' && *q != ':')
        q++;
    char *tag_end = q;
    while (tag_end > tag && tag_end[-1] == ' ')
        tag_end--;
    if (q < end && *q == '(') {
        while (q < end && *q != ')')
            q++;
        q++;
    }
    if (q >= end || *q != ':' || tag_end == tag)
        return ENVELOPE_OTHER;
    out->program = make_span(tag, tag_end);
    return parse_body(q + 1 < end ? q + 2 : end, end, ps);
}

/* Android logcat: "11-27 13:18:09.123  1234  1300 I charon  : 09[IKE] ..."
 * or, without a time, "I/charon  ( 1234): 09[IKE] ...". */
static envelope_kind form_logcat(char *p, char *end, parser *ps)
{
    int64_t ts;
    char *q = parse_month_day_stamp(p, end, &ts);
    if (q) {
        set_time(ps, p, q, ts, STAMP_MONTH_DAY);
        return parse_logcat_tail(q, end, ps);
    }
    if (end - p < 4 || !is_upper(p[0]) || p[1] != '/')
        return ENVELOPE_NONE;
    envelope_kind kind = parse_logcat_tail(p, end, ps);
    return kind == ENVELOPE_CHARON ? kind : ENVELOPE_NONE;
}

/* "charon: 09[IKE] ..." with no time (as the pfSense guide quotes lines).
 * Only with the charon prefix: "Note: see below" is prose. */
static envelope_kind form_program(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    char *body = parse_program_token(p, end, &out->program);
    if (!body || !parse_core(body < end ? body + 1 : end, end, out))
        return ENVELOPE_NONE;
    return ENVELOPE_CHARON;
}

/* ---- tab-separated exports (OPNsense GUI) ------------------------------ */

static const char *const severity_words[] = {
    "emergency", "emerg", "alert", "critical", "crit", "error", "err",
    "warning", "warn", "notice", "informational", "info", "debug"};

static bool is_severity_word(span s)
{
    for (size_t i = 0; i < sizeof severity_words / sizeof *severity_words; i++)
        if (s.n == strlen(severity_words[i]) &&
            strncasecmp(s.p, severity_words[i], s.n) == 0)
            return true;
    return false;
}

/* A process column: "charon", "charon[123]", "charon:"; empty if it is
 * none (a severity, a number, free text). */
static span column_program(span col)
{
    const char *e = col.p;
    while (e < col.p + col.n && *e != '[' && *e != ':' && !is_blank(*e))
        e++;
    span name = make_span(col.p, e);
    bool letter = name.n && (unsigned char)((*name.p | 0x20) - 'a') < 26;
    if (!letter || is_severity_word(name) || (e < col.p + col.n && is_blank(*e)))
        return empty_span();
    return name;
}

/*
 * Columns separated by tabs, in whatever order and number the export chose
 * (time, severity, process, message, ...). The message column is the one
 * that starts with the charon prefix; the time is the first column that
 * reads as a time; the process is the last one-word column before the
 * message that is not a severity. A
 * message without prefix is taken only after a charon process column and
 * with a time.
 */
static envelope_kind form_columns(char *p, char *end, parser *ps)
{
    charon_line *out = ps->out;
    if (!memchr(p, '\t', (size_t)(end - p)))
        return ENVELOPE_NONE;
    span program = empty_span(), bare_program = empty_span();
    char *bare_msg = NULL;
    for (char *col = p;;) {
        char *col_end = memchr(col, '\t', (size_t)(end - col));
        if (!col_end)
            col_end = end;
        int64_t ts;
        if (parse_core(col, end, out)) {
            out->program = program;
            return ENVELOPE_CHARON;
        }
        if (out->ts < 0 && parse_any_stamp(col, col_end, &ts)) {
            set_time(ps, col, col_end, ts, STAMP_NONE);
        } else {
            span name = column_program(make_span(col, col_end));
            if (name.n)
                program = name;
            if (!bare_msg && col_end < end && is_charon_program(name)) {
                bare_program = name;
                bare_msg = col_end + 1;
            }
        }
        if (col_end == end)
            break;
        col = col_end + 1;
    }
    if (bare_msg && out->ts >= 0 && bare_msg < end) {
        out->program = bare_program;
        out->msg = make_span(bare_msg, end);
        return ENVELOPE_CHARON;
    }
    return out->ts >= 0 ? ENVELOPE_OTHER : ENVELOPE_NONE;
}

/* ---- charon 6 JSON filelog --------------------------------------------- */

static long hex4(const char *p, const char *end)
{
    if (end - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = ascii_hex_value(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* "\uXXXX" (a surrogate pair counts as one) at r -> UTF-8 at w; advances
 * both. An escape that cannot be read is copied as it is. */
static void decode_unicode_escape(char **wp, char **rp, const char *end)
{
    char *r = *rp;
    long cp = hex4(r + 2, end);
    if (cp < 0) {
        *(*wp)++ = *r;
        *rp = r + 1;
        return;
    }
    r += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && end - r >= 6 && r[0] == '\\' && r[1] == 'u') {
        long lo = hex4(r + 2, end);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            r += 6;
        }
    }
    *wp = utf8_put(*wp, (uint32_t)cp);
    *rp = r;
}

static const char json_simple_escapes[][2] = {
    {'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', '\b'},
    {'f', '\f'}, {'n', '\n'}, {'r', '\r'}, {'t', '\t'}};

/* One escape at r ('\\') -> w; advances both. */
static void decode_escape(char **wp, char **rp, const char *end)
{
    char *r = *rp;
    if (r + 1 < end && r[1] == 'u') {
        decode_unicode_escape(wp, rp, end);
        return;
    }
    for (size_t i = 0; r + 1 < end && i < sizeof json_simple_escapes / 2; i++) {
        if (r[1] == json_simple_escapes[i][0]) {
            *(*wp)++ = json_simple_escapes[i][1];
            *rp = r + 2;
            return;
        }
    }
    *(*wp)++ = *r;
    *rp = r + 1;
}

/*
 * The JSON string at p (on its opening '"'). Escapes are decoded in place
 * and the rest of the line is moved left over the bytes saved, so the line
 * stays one contiguous text; *end moves with it. Returns the char after the
 * closing quote, or NULL if the string is not closed: then nothing is
 * written (the line is no JSON and is read as the text it is; decoding it
 * would leave its last bytes twice, the line keeping its length).
 */
static char *json_string(char *p, char **end, span *value)
{
    char *r = p + 1;
    while (r < *end && *r != '"' && *r != '\\')
        r++;
    char *close = r; /* the closing quote: an escape is a backslash and one more byte */
    while (close < *end && *close != '"')
        close += *close == '\\' && *end - close > 1 ? 2 : 1;
    if (close >= *end)
        return NULL;
    char *w = r;
    while (r < close) {
        if (*r == '\\')
            decode_escape(&w, &r, *end);
        else
            *w++ = *r++;
    }
    if (w != r) {
        memmove(w, r, (size_t)(*end - r));
        *end -= r - w;
    }
    *value = make_span(p + 1, w);
    return w + 1;
}

/* A number, true, false or null: up to the next ',', '}' or blank. */
static char *json_scalar(char *p, const char *end, span *value)
{
    char *q = p;
    while (q < end && *q != ',' && *q != '}' && !is_blank(*q))
        q++;
    *value = make_span(p, q);
    return q == p ? NULL : q;
}

/* A JSON number field that must be a count or an id: a non-negative
 * integer that fits the field (max), else -1 ("none"), as the contract of
 * charon_line says. A negative or oversized value is no thread or id. */
static int64_t span_count(span s, int64_t max)
{
    int64_t v = digits_value(s.p, s.p + s.n);
    return v < 0 || v > max ? -1 : v;
}

static void json_set_time(charon_line *out, span v)
{
    int64_t ts;
    char *p = (char *)v.p;
    if (v.n && parse_any_stamp(p, p + v.n, &ts))
        out->ts = ts;
    out->time = v;
}

static void json_set_thread(charon_line *out, span v) { out->thread = (int)span_count(v, INT_MAX); }
static void json_set_level(charon_line *out, span v) { out->level = (int)span_count(v, INT_MAX); }
static void json_set_sa_id(charon_line *out, span v) { out->sa_id = span_count(v, INT64_MAX); }
static void json_set_conn(charon_line *out, span v) { out->conn = v; }
static void json_set_msg(charon_line *out, span v) { out->msg = v; }

static void json_set_group(charon_line *out, span v)
{
    if (v.n == 0 || v.n > 3)
        return;
    for (size_t i = 0; i < v.n; i++)
        if (!is_upper(v.p[i]))
            return;
    memcpy(out->subsys, v.p, v.n);
    out->subsys[v.n] = '\0';
}

static const struct json_field {
    const char *key;
    size_t len;
    void (*set)(charon_line *out, span value);
} json_fields[] = {
    {"time", 4, json_set_time},
    {"thread", 6, json_set_thread},
    {"group", 5, json_set_group},
    {"level", 5, json_set_level},
    {"ikesa-uniqueid", 14, json_set_sa_id},
    {"ikesa-name", 10, json_set_conn},
    {"msg", 3, json_set_msg},
};

static void json_apply(charon_line *out, span key, span value)
{
    for (size_t i = 0; i < sizeof json_fields / sizeof *json_fields; i++)
        if (span_equals(key, json_fields[i].key, json_fields[i].len)) {
            json_fields[i].set(out, value);
            return;
        }
}

static char *json_skip_ws(char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

/* One "key": value pair at p; returns the char after the value or NULL. */
static char *json_member(char *p, char **end, charon_line *out)
{
    span key, value;
    if (p >= *end || *p != '"' || !(p = json_string(p, end, &key)))
        return NULL;
    p = json_skip_ws(p, *end);
    if (p >= *end || *p != ':')
        return NULL;
    p = json_skip_ws(p + 1, *end);
    p = (p < *end && *p == '"') ? json_string(p, end, &value)
                                : json_scalar(p, *end, &value);
    if (p)
        json_apply(out, key, value);
    return p;
}

/* A JSON value that was absent or "" reads as an empty span. */
static span nonempty_or_empty(span v) { return v.n ? v : empty_span(); }

/*
 * {"time":"...","thread":9,"group":"IKE","level":1,"ikesa-uniqueid":"3",
 *  "ikesa-name":"con1","msg":"..."} (charon 6.0+ `json = yes`). A flat
 * object of strings and numbers is all charon writes, so that is all this
 * reads; unknown keys are skipped. The line may shrink (escapes decoded in
 * place), so out->raw is set on every path.
 */
static envelope_kind form_json(char *line, char *p, char *end, charon_line *out)
{
    bool closed = false;
    const char *no_msg = out->msg.p;
    p = json_skip_ws(p + 1, end);
    while (p && p < end && !(closed = *p == '}')) {
        if ((p = json_member(p, &end, out))) {
            p = json_skip_ws(p, end);
            if (p < end && *p == ',')
                p = json_skip_ws(p + 1, end);
        }
    }
    out->raw = make_span(line, end);
    out->time = nonempty_or_empty(out->time);
    out->conn = nonempty_or_empty(out->conn);
    if (!closed)
        return ENVELOPE_NONE;
    bool has_msg = out->msg.p != no_msg;
    out->msg = nonempty_or_empty(out->msg);
    return has_msg && (out->subsys[0] || out->thread >= 0) ? ENVELOPE_CHARON
                                                           : ENVELOPE_OTHER;
}

/* ---- an unknown envelope around the charon core ----------------------- */

static const char weekday_names[7][3] = {
    {'M', 'o', 'n'}, {'T', 'u', 'e'}, {'W', 'e', 'd'}, {'T', 'h', 'u'},
    {'F', 'r', 'i'}, {'S', 'a', 't'}, {'S', 'u', 'n'}};

/* "Tue " or "Sun, " (a weekday before the date: OpenWrt's logread, a
 * locale's date); returns the char after it, or p. */
static char *skip_weekday(char *p, const char *end)
{
    if (end - p < 4)
        return p;
    for (int i = 0; i < 7; i++) {
        if (memcmp(p, weekday_names[i], 3) != 0)
            continue;
        if (p[3] == ' ')
            return p + 4;
        if (p[3] == ',' && end - p >= 5 && p[4] == ' ')
            return p + 5;
    }
    return p;
}

/* "HH:MM:SS[.f]" as parse_clock reads it, or a clock to the minute "HH:MM"
 * that no digit or ':' follows. */
static char *parse_clock_or_minute(char *p, const char *end, int64_t *ms_of_day)
{
    char *q = parse_clock(p, end, ms_of_day);
    if (q)
        return q;
    if (end - p < 5 || p[2] != ':')
        return NULL;
    int h = two_digits(p), m = two_digits(p + 3);
    if (h < 0 || m < 0 || h > 24 || m > 59 || (end - p > 5 && (ascii_is_digit(p[5]) || p[5] == ':')))
        return NULL;
    *ms_of_day = ((int64_t)h * 3600 + m * 60) * 1000;
    return p + 5;
}

/* "2017-04-16 19:11" (an ISO date with a clock to the minute, no zone). */
static char *parse_iso_minute_stamp(char *p, const char *end, int64_t *ts)
{
    if (end - p < 16 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' '))
        return NULL;
    int yh = two_digits(p), yl = two_digits(p + 2);
    int mon = two_digits(p + 5), day = two_digits(p + 8);
    int64_t ms;
    if (yh < 0 || yl < 0 || mon < 1 || mon > 12 || day < 1 || day > 31)
        return NULL;
    char *q = parse_clock_or_minute(p + 11, end, &ms);
    if (!q)
        return NULL;
    *ts = days_from_civil(yh * 100 + yl, mon, day) * 86400000 + ms;
    return q;
}

/* 1 or 2 digits at *pp, their value (and *pp moved past them), or -1. */
static int one_or_two_digits(char **pp, const char *end)
{
    char *p = *pp;
    if (p >= end || !ascii_is_digit(*p))
        return -1;
    int v = *p++ - '0';
    if (p < end && ascii_is_digit(*p))
        v = v * 10 + (*p++ - '0');
    *pp = p;
    return v;
}

/* "4/18/2017 1:42:46 PM" (a US locale's M/D/YYYY and 12-hour clock, as
 * Rancher's log view shows it, the thread glued to "PM"). */
static char *parse_us_stamp(char *p, const char *end, int64_t *ts)
{
    int mon = one_or_two_digits(&p, end);
    if (mon < 1 || mon > 12 || p >= end || *p++ != '/')
        return NULL;
    int day = one_or_two_digits(&p, end);
    if (day < 1 || day > 31 || p >= end || *p++ != '/')
        return NULL;
    int year = parse_year(p, end, false);
    if (year < 0)
        return NULL;
    p += 5;
    int h = one_or_two_digits(&p, end);
    if (h < 1 || h > 12 || end - p < 6 || *p != ':')
        return NULL;
    int m = two_digits(p + 1), s = p[3] == ':' ? two_digits(p + 4) : -1;
    if (m < 0 || m > 59 || s < 0 || s > 60)
        return NULL;
    p += 6;
    if (p < end && *p == ' ')
        p++;
    if (end - p < 2 || (p[0] != 'A' && p[0] != 'P') || p[1] != 'M')
        return NULL;
    int h24 = h % 12 + (p[0] == 'P' ? 12 : 0);
    *ts = days_from_civil(year, mon, day) * 86400000 + ((int64_t)h24 * 3600 + m * 60 + s) * 1000;
    return p + 2;
}

/* A time at the start of an unknown envelope, in any shape a time parser
 * knows, after an optional weekday, or a clock alone ("17:10:22", "17:10":
 * the milliseconds of the day); it must end at a blank or at `end`. */
static char *parse_lead_stamp(char *p, const char *end, int64_t *ts)
{
    char *s = skip_weekday(p, end), *q;
    if (!(q = parse_bsd_stamp(s, end, ts)) && !(q = parse_iso_stamp(s, end, ts)) &&
        !(q = parse_month_day_stamp(s, end, ts)) && !(q = parse_iso_minute_stamp(s, end, ts)) &&
        !(q = parse_clock_or_minute(s, end, ts)))
        return NULL;
    return q == end || is_blank(*q) ? q : NULL;
}

/*
 * The last resort before a bare line: the first charon core prefix
 * ("05[KNL] ...", as parse_core reads it) that starts the text or follows
 * a blank or ':', behind an envelope no form knows (OpenWrt's logread
 * "Tue Dec 27 12:48:55 2020 daemon.info : ", a clock alone "17:10:22
 * charon: ", "Sun, 2017-04-16 19:11 ", Turris' "... info []: "). With
 * after_colon, only a core right after ": " counts (a log line of another
 * shape that some form took for another program's: the message of a
 * syslog-like line starting with the core is charon's). The time is read
 * if a time parser reads one at the start; the rest of the envelope is
 * not taken apart. Never cached (ps->stamp stays STAMP_NONE).
 */
/* Whether [p, q) holds the word "charon" (charon, charon-systemd,
 * charon-nm): a program column of a syslog shape no form knows
 * ("Nov 27 13:18:10 charon 58961 09[IKE] ...", a GUI table copied with its
 * tabs turned to spaces). */
static bool names_charon(const char *p, const char *q)
{
    for (const char *c = p; q - c >= 6; c++)
        if (memcmp(c, "charon", 6) == 0 && (c == p || is_blank(c[-1])) &&
            (q - c == 6 || is_blank(c[6]) || c[6] == '[' || c[6] == '-' || c[6] == ':'))
            return true;
    return false;
}

static envelope_kind form_unknown(char *p, char *end, parser *ps, bool after_colon)
{
    charon_line *out = ps->out;
    int64_t us_ts;
    char *us = p < end && ascii_is_digit(*p) ? parse_us_stamp(p, end, &us_ts) : NULL;
    if (us) { /* the core right after "PM", or after a blank */
        char *c = us;
        while (c < end && is_blank(*c))
            c++;
        if (parse_core(c, end, out)) {
            out->time = make_span(p, us);
            out->ts = us_ts;
            return ENVELOPE_CHARON;
        }
    }
    for (char *q = p; end - q >= 7; q++) {
        if (!ascii_is_digit(*q) || !ascii_is_digit(q[1]))
            continue;
        if (after_colon ? (q - p < 2 || !is_blank(q[-1]) || (q[-2] != ':' && !names_charon(p, q)))
                        : (q > p && !is_blank(q[-1]) && q[-1] != ':'))
            continue;
        if (!parse_core(q, end, out))
            continue;
        int64_t ts;
        char *t = parse_lead_stamp(p, q, &ts);
        if (t) {
            out->time = make_span(p, t);
            out->ts = ts;
        }
        return ENVELOPE_CHARON;
    }
    return ENVELOPE_NONE;
}

/* ---- pasted decoration ------------------------------------------------- */

/* A mark a paste wraps a line or a message in: "**", "__", or a run of
 * backticks (a code span); its length at p, or 0. */
static size_t mark_len(const char *p, const char *end)
{
    if (end - p >= 2 && (p[0] == '*' || p[0] == '_') && p[1] == p[0])
        return 2;
    size_t n = 0;
    while (p + n < end && p[n] == '`')
        n++;
    return n;
}

/* Whether [p, end) is wrapped in the same mark at both ends, with text
 * between; the mark's length, or 0. */
static size_t wrapping_mark(const char *p, const char *end)
{
    size_t k = mark_len(p, end);
    if (k == 0 || (size_t)(end - p) <= 2 * k || memcmp(p, end - k, k) != 0)
        return 0;
    /* the closing run is exactly as long (no "`a``") */
    if (end - k - 1 >= p + k && end[-(ptrdiff_t)k - 1] == *p)
        return 0;
    return k;
}

/* A byte a wrapped message ends with. */
static inline bool is_mark_byte(char c) { return c == '*' || c == '_' || c == '`'; }

/* The message of a charon line wrapped in emphasis or code marks. */
/* The end of [b, e) without a run of backticks that ends it and that no
 * backtick before it opens (and the blanks before the run); e if there is
 * none. */
static const char *without_unclosed_ticks(const char *b, const char *e)
{
    size_t trail = 0;
    while (e - trail > b && e[-1 - (ptrdiff_t)trail] == '`')
        trail++;
    if (!trail || memchr(b, '`', (size_t)(e - trail - b)))
        return e;
    const char *t = e - trail;
    while (t > b && is_blank(t[-1]))
        t--;
    return t;
}

static void strip_msg_marks(charon_line *out)
{
    const char *b = out->msg.p, *e = b + out->msg.n;
    size_t k = out->msg.n > 2 && is_mark_byte(e[-1]) ? wrapping_mark(b, e) : 0;
    if (k) {
        b += k, e -= k;
        /* bold and italic at once ("**_text_**"): no charon message
         * starts with '_' or '*', nor ends with the same one */
        if (e - b > 2 && (*b == '_' || *b == '*') && e[-1] == *b && b[1] != *b)
            b++, e--;
        out->msg = make_span(b, e);
        return;
    }
    /* a code fence or span that a paste's last line ends with, opened on
     * an earlier line ("... failed ```") */
    const char *t = without_unclosed_ticks(b, e);
    if (t != e && t > b)
        out->msg = make_span(b, t);
}

static char *trim_end(char *p, char *end)
{
    while (end > p && is_blank(end[-1]))
        end--;
    return end;
}

/* Whether the text has a letter or a digit (a line of only punctuation,
 * "```" or "-----", is no message). */
static bool has_alnum(const char *p, const char *end)
{
    for (; p < end; p++)
        if (ascii_is_digit(*p) || (unsigned char)((*p | 0x20) - 'a') < 26)
            return true;
    return false;
}

/* ---- dispatch ---------------------------------------------------------- */

typedef envelope_kind (*form_parser)(char *p, char *end, parser *ps);

/* Most common first; each parser rejects a foreign line on its first bytes.
 * JSON is not in the table: it is the one form that rewrites the line, so a
 * line starting with '{' is JSON's to judge alone. */
static const form_parser forms[] = {
    form_bsd,     form_core,    form_iso,    form_pri,
    form_console, form_logcat,  form_program, form_columns,
};

static void reset_line(charon_line *out, char *line, size_t len, uint64_t lineno)
{
    *out = (charon_line){
        .lineno = lineno,
        .raw = {line, len},
        .time = empty_span(),
        .ts = -1,
        .host = empty_span(),
        .program = empty_span(),
        .thread = -1,
        .subsys = "",
        .level = -1,
        .conn = empty_span(),
        .sa_id = -1,
        .msg = empty_span(),
        .bare = 0,
    };
}

/*
 * A pasted line's decoration, before the forms see it: mail quote markers
 * ("> ", ">> ", "| ", with a closing " |" a Markdown table's row) and
 * emphasis or code marks wrapping the whole line
 * ("**...**", "__...__", "`...`"). *end moves in past a closing mark;
 * returns the start of the text. (raw stays the line as read.)
 */
static char *strip_decoration(char *p, char **end, bool *wrapped)
{
    bool bar = false;
    for (;;) {
        if (p < *end && *p == '>') {
            while (p < *end && *p == '>')
                p++;
            p = skip_spaces(p, *end);
        } else if (*end - p >= 2 && *p == '|' && p[1] == ' ') {
            p = skip_spaces(p + 1, *end);
            bar = true;
            /* a table row's end may be its closing bar: the header cache,
             * which reads a body to the line's end, must not take it */
            *wrapped = true;
        } else {
            break;
        }
    }
    char *e = trim_end(p, *end);
    if (bar && e - p >= 2 && e[-1] == '|' && e[-2] == ' ') {
        /* a Markdown table's row: "| ... |" */
        e = trim_end(p, e - 1);
        *end = e;
    }
    size_t k = wrapping_mark(p, e);
    if (k) {
        *wrapped = true;
        *end = trim_end(p + k, e - k);
        p = skip_spaces(p + k, *end);
        return p;
    }
    /* a code fence or span glued to the first or last line of a paste
     * ("```Mar 1 ...", "... failed ```"): a run of backticks at one end
     * that nothing on the line closes */
    size_t lead = 0;
    while (p + lead < e && p[lead] == '`')
        lead++;
    if (lead && !memchr(p + lead, '`', (size_t)(e - (p + lead)))) {
        *wrapped = true;
        p += lead;
        while (p < e && is_blank(*p))
            p++;
    }
    if (lead) { /* (an unclosed run at the end alone: strip_msg_marks) */
        e = trim_end(p, e);
        const char *t = without_unclosed_ticks(p, e);
        if (t != e)
            *end = (char *)(uintptr_t)t;
    }
    return p;
}

/* The forms in turn on [p, end), then an unknown envelope around the core. */
static envelope_kind classify_forms(char *line, size_t len, char *p, char *end, parser *ps)
{
    uint64_t lineno = ps->out->lineno;
    envelope_kind other = ENVELOPE_NONE;
    size_t other_form = 0;
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        ps->body = NULL;
        ps->stamp = STAMP_NONE;
        envelope_kind kind = forms[i](p, end, ps);
        if (kind == ENVELOPE_CHARON)
            return kind;
        reset_line(ps->out, line, len, lineno);
        if (kind != ENVELOPE_NONE) {
            other = kind;
            other_form = i;
            break;
        }
    }
    ps->body = NULL;
    ps->stamp = STAMP_NONE;
    envelope_kind kind = form_unknown(p, end, ps, other != ENVELOPE_NONE);
    if (kind == ENVELOPE_CHARON)
        return kind;
    reset_line(ps->out, line, len, lineno);
    ps->body = NULL;
    ps->stamp = STAMP_NONE;
    if (other != ENVELOPE_NONE) /* its time, program and body, for classify */
        forms[other_form](p, end, ps);
    return other;
}

/* The message after a "name[pid]: " head in the first bytes of a line no
 * form reads (a date in another language: "тра 29 10:31:37 host
 * NetworkManager[975]: parsed ..."), with the name as the program; NULL
 * if there is none. */
static char *after_program_head(char *p, char *end, span *program)
{
    const char *limit = end - p > 96 ? p + 96 : end;
    for (char *q = p; q + 3 <= limit; q++) {
        if (q[0] != ']' || q[1] != ':' || q[2] != ' ')
            continue;
        char *d = q;
        while (d > p && ascii_is_digit(d[-1]))
            d--;
        if (d == q || d == p || d[-1] != '[')
            return NULL;
        char *name = d - 1;
        while (name > p && !is_blank(name[-1]))
            name--;
        if (name == d - 1)
            return NULL;
        *program = make_span(name, d - 1);
        return q + 3;
    }
    return NULL;
}

static envelope_kind classify(char *line, size_t len, uint64_t lineno, parser *ps)
{
    char *end = line + len, *p = line;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && is_blank(*p)) /* an indented paste: spaces or tabs */
        p++;
    reset_line(ps->out, line, len, lineno);
    if (p == end)
        return ENVELOPE_NONE;
    if (*p == '{') {
        envelope_kind kind = form_json(line, p, end, ps->out);
        if (kind != ENVELOPE_CHARON)
            reset_line(ps->out, line, ps->out->raw.n, lineno);
        else
            strip_msg_marks(ps->out);
        return kind;
    }
    /* (after decoration no JSON: the line source hands lines it does not
     * own to this parser unless they start with '{') */
    bool wrapped = false;
    p = strip_decoration(p, &end, &wrapped);
    envelope_kind kind = classify_forms(line, len, p, end, ps);
    if (kind == ENVELOPE_CHARON) {
        /* marks around the message of a pasted fragment; a line with a
         * time is taken as logged (as the header cache takes it) */
        if (ps->stamp == STAMP_NONE)
            strip_msg_marks(ps->out);
        if (wrapped) /* the header is not the line's start: not cached */
            ps->body = NULL;
        return kind;
    }
    /* another program's line ("NetworkManager[975]: parsed ..." relaying
     * charon, a time and a message with no program): its message is a
     * bare one, a charon line only if the table knows it */
    if (kind == ENVELOPE_OTHER && ps->body && ps->body < end) {
        char *b = ps->body, *e = trim_end(b, end);
        while (b < e && is_blank(*b))
            b++;
        if (has_alnum(b, e)) {
            ps->out->msg = make_span(b, e);
            ps->out->bare = 1;
            ps->body = NULL; /* never cached */
            return ENVELOPE_BARE;
        }
    }
    if (kind != ENVELOPE_NONE) {
        reset_line(ps->out, line, len, lineno);
        return kind;
    }
    /* no envelope, no prefix: a bare message if there is text */
    while (p < end && is_blank(*p))
        p++;
    char *after = after_program_head(p, end, &ps->out->program);
    if (after)
        p = after;
    end = trim_end(p, end);
    if (!has_alnum(p, end))
        return ENVELOPE_NONE;
    ps->out->msg = make_span(p, end);
    ps->out->bare = 1;
    strip_msg_marks(ps->out);
    return ENVELOPE_BARE;
}

envelope_kind envelope_classify(char *line, size_t len, uint64_t lineno,
                                charon_line *out)
{
    parser ps = {out, NULL, STAMP_NONE};
    return classify(line, len, lineno, &ps);
}

/* ---- the header cache -------------------------------------------------- */

static span cached_span(char *line, uint16_t off, uint16_t len)
{
    return len ? (span){line + off, len} : empty_span();
}

/*
 * A new time in the cached header that differs from the cached one only in
 * the digits of its clock ("14:07:52" -> "14:07:53", nearly every change):
 * the time is the cached one moved by the difference, as every time parser
 * adds the clock's seconds of the day to the rest. The clock must read as
 * parse_clock reads it; anything else returns false for the time parser.
 */
static bool new_clock(const envelope_cache *c, const char *line, int64_t *ts)
{
    size_t k = c->clock_off;
    if (k == ENVELOPE_NO_CLOCK || memcmp(line, c->head, k) != 0 ||
        memcmp(line + k + 8, c->head + k + 8, c->head_len - k - 8) != 0)
        return false;
    const char *a = line + k, *b = c->head + k;
    if (a[2] != ':' || a[5] != ':')
        return false;
    int h = two_digits(a), m = two_digits(a + 3), s = two_digits(a + 6);
    if (h < 0 || m < 0 || s < 0 || h > 24 || m > 59 || s > 60)
        return false;
    int64_t was = (int64_t)two_digits(b) * 3600 + two_digits(b + 3) * 60 + two_digits(b + 6);
    *ts = c->ts + ((int64_t)h * 3600 + m * 60 + s - was) * 1000;
    return true;
}

/*
 * The line read with the cached header: its bytes must equal the header's,
 * or equal it around a time that the same time parser reads to the same
 * length. Only a charon result is trusted (a header of a file logger,
 * "Nov 27 13:18:09 ", is also the start of a syslog line); anything else is
 * left to the full parse. (envelope_classify_fast, envelope.h, is the part
 * of this for an unchanged header and the usual prefix.)
 */
static bool classify_from_cache(envelope_cache *c, char *line, char *end,
                                uint64_t lineno, charon_line *out)
{
    if (!c->stamp || (size_t)(end - line) <= c->head_len)
        return false;
    int64_t ts = c->ts;
    if (memcmp(line, c->head, c->head_len) != 0) {
        if (!new_clock(c, line, &ts) &&
            (memcmp(line, c->head, c->time_off) != 0 ||
             stamp_parsers[c->stamp](line + c->time_off, end, &ts) != line + c->time_end ||
             memcmp(line + c->time_end, c->head + c->time_end, c->head_len - c->time_end) != 0))
            return false;
        /* a new time, same header: the next lines will have this time */
        memcpy(c->head + c->time_off, line + c->time_off, c->time_end - c->time_off);
        c->ts = ts;
    }
    /* a byte-order mark opening the body is read by the form's own parser
     * (RFC 5424 skips it), not by the cache */
    char *body = line + c->head_len;
    if ((unsigned char)*body == 0xEF && end - body >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
        return false;
    /* every field is set once: the header's here, the prefix's by
     * parse_core (which sets them all when it succeeds) */
    out->lineno = lineno;
    out->raw = make_span(line, end);
    out->time = (span){line + c->time_off, (size_t)(c->time_end - c->time_off)};
    out->ts = ts;
    out->host = cached_span(line, c->host_off, c->host_len);
    out->program = cached_span(line, c->program_off, c->program_len);
    out->bare = 0;
    if (parse_core(body, end, out))
        return true;
    /* parse_body's other charon cases: a vendor's spaced prefix, a bare
     * message from a charon program */
    if (!is_charon_program(out->program))
        return false;
    if (parse_core_spaced(body, end, out))
        return true;
    out->thread = -1;
    out->level = -1;
    memset(out->subsys, 0, sizeof out->subsys);
    out->conn = empty_span();
    out->sa_id = -1;
    out->msg = make_span(body, end);
    return true;
}

static uint16_t offset_in(const char *line, span s)
{
    return s.n ? (uint16_t)(s.p - line) : 0;
}

/* Remembers the header of a charon line read by a header + message form. */
static void fill_cache(envelope_cache *c, char *line, char *end, const parser *ps)
{
    const charon_line *l = ps->out;
    size_t head_len = ps->body ? (size_t)(ps->body - line) : 0;
    c->stamp = STAMP_NONE;
    c->head_len = 0;
    /* a header that does not end with a blank is no boundary the next line
     * can be cut at: "- -\b\b 12[ENC]" read its body from the control bytes
     * on, while the next line's "- - 05[IKE]" must be parsed on its own */
    if (ps->stamp == STAMP_NONE || !ps->body || ps->body >= end || head_len > sizeof c->head ||
        head_len == 0 || (line[head_len - 1] != ' ' && line[head_len - 1] != '\t') ||
        l->time.p < line || l->time.p + l->time.n > ps->body)
        return;
    memcpy(c->head, line, head_len);
    c->head_len = (uint16_t)head_len;
    c->time_off = offset_in(line, l->time);
    c->time_end = (uint16_t)(c->time_off + l->time.n);
    c->time_len = l->time.n;
    c->host_off = offset_in(line, l->host);
    c->host_len = (uint16_t)l->host.n;
    c->program_off = offset_in(line, l->program);
    c->program_len = (uint16_t)l->program.n;
    c->host_mask = l->host.n ? UINTPTR_MAX : 0;
    c->host_add = l->host.n ? c->host_off : (uintptr_t)EMPTY;
    c->program_mask = l->program.n ? UINTPTR_MAX : 0;
    c->program_add = l->program.n ? c->program_off : (uintptr_t)EMPTY;
    c->ts = l->ts;
    c->stamp = (uint8_t)ps->stamp;
    /* the clock "HH:MM:SS" in the time, for new_clock: the first such
     * pattern, as no date a time parser reads has a ':' */
    c->clock_off = ENVELOPE_NO_CLOCK;
    for (size_t k = c->time_off; k + 8 <= c->time_end; k++) {
        const char *h = c->head + k;
        if (h[2] == ':' && h[5] == ':' && two_digits(h) >= 0 && two_digits(h + 3) >= 0 &&
            two_digits(h + 6) >= 0) {
            c->clock_off = (uint16_t)k;
            break;
        }
    }
}

/* A line the cache could not read: the full parse, which then fills the
 * cache (out of line: the cached path stays small). */
static __attribute__((noinline)) envelope_kind
classify_and_cache(envelope_cache *cache, char *line, size_t len, uint64_t lineno,
                   charon_line *out)
{
    char *end = line + len;
    parser ps = {out, NULL, STAMP_NONE};
    envelope_kind kind = classify(line, len, lineno, &ps);
    if (kind == ENVELOPE_CHARON)
        fill_cache(cache, line, end, &ps);
    return kind;
}

envelope_kind envelope_classify_cached(envelope_cache *cache, char *line, size_t len,
                                       uint64_t lineno, charon_line *out)
{
    if (envelope_classify_fast(cache, line, len, lineno, out) ||
        classify_from_cache(cache, line, line + len, lineno, out))
        return ENVELOPE_CHARON;
    return classify_and_cache(cache, line, len, lineno, out);
}

int envelope_parse(char *line, size_t len, uint64_t lineno, charon_line *out)
{
    utf8_repair(line, len);
    if (memchr(line, '&', len) || (len > 1 && line[0] == '<' && line[1] > '9')) {
        len = html_strip_tags(line, len);
        len = html_unescape(line, len);
    }
    return envelope_classify(line, len, lineno, out) == ENVELOPE_CHARON;
}
