/*
 * paste_repair.c - undoing what pasting did to a log (see paste_repair.h).
 *
 * Everything here works in place or on memory its caller owns, and never
 * makes a line longer than it came in, so the line buffer's bound holds.
 */
#include <stdlib.h>
#include <string.h>

#include "paste_repair.h"

static const char EMPTY[] = "";

static inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* ---- HTML entities ----------------------------------------------------- */

static const struct named_entity {
    const char *name;
    size_t len;
    char value;
} named_entities[] = {
    {"lt", 2, '<'},    {"gt", 2, '>'},   {"amp", 3, '&'},
    {"quot", 4, '"'},  {"apos", 4, '\''}, {"nbsp", 4, ' '},
};

/* "#NNN" or "#xHH" (between '&' and ';') -> code point, or -1. */
static long numeric_entity(const char *p, const char *semi)
{
    int base = 10;
    p++;
    if (p < semi && (*p == 'x' || *p == 'X')) {
        base = 16;
        p++;
    }
    if (p == semi || semi - p > 7)
        return -1;
    long v = 0;
    for (; p < semi; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
            d = (*p | 0x20) - 'a' + 10;
        else
            return -1;
        v = v * base + d;
    }
    return v;
}

/* The entity at r ('&'): writes its value at *w and returns the number of
 * bytes it took, or 0 if r is no entity we know. A decoded line break would
 * split the line, so it becomes a space. */
static size_t decode_entity(const char *r, const char *end, char **w)
{
    const char *semi = r + 1;
    while (semi < end && semi - r <= 10 && *semi != ';')
        semi++;
    if (semi >= end || *semi != ';' || semi == r + 1)
        return 0;
    const char *name = r + 1;
    size_t name_len = (size_t)(semi - name);
    if (*name == '#') {
        long cp = numeric_entity(name, semi);
        if (cp < 0)
            return 0;
        *w = utf8_put(*w, (cp == '\n' || cp == '\r') ? ' ' : (uint32_t)cp);
        return name_len + 2;
    }
    for (size_t i = 0; i < sizeof named_entities / sizeof *named_entities; i++) {
        if (named_entities[i].len == name_len &&
            memcmp(named_entities[i].name, name, name_len) == 0) {
            *(*w)++ = named_entities[i].value;
            return name_len + 2;
        }
    }
    return 0;
}

/* Never grows: the shortest entity for an n-byte UTF-8 sequence ("&#N;",
 * "&#128;", "&#2048;", "&#65536;") is longer than n. */
size_t html_unescape(char *s, size_t n)
{
    char *r = memchr(s, '&', n), *end = s + n;
    if (!r)
        return n;
    char *w = r;
    while (r < end) {
        size_t used = *r == '&' ? decode_entity(r, end, &w) : 0;
        if (used)
            r += used;
        else
            *w++ = *r++;
    }
    return (size_t)(w - s);
}

/* ---- HTML markup -------------------------------------------------------- */

/* The elements a ticket system or wiki wraps a pasted log in (Jira's
 * "<p>...</p>" and "<span class=\"error\">&#91;IKE&#93;</span>", mail
 * bodies, forum posts). Only these are taken for markup: the log's own
 * angle brackets ("<con1|3>", "<REDACTED>", "<30>1 ...") are never a known
 * name followed by '>', ' ' or '/'. */
static const char *const markup_tags[] = {
    "a", "b", "i", "u", "p", "br", "hr", "em", "tt", "li", "ol", "ul", "td", "th", "tr",
    "pre", "div", "code", "font", "span", "nobr", "samp", "small", "table", "tbody",
    "thead", "strong", "blockquote",
};

/* The length of the tag at r ('<'), or 0 when it is not one of ours. */
static size_t markup_tag_len(const char *r, const char *end)
{
    const char *name = r + 1;
    if (name < end && *name == '/')
        name++;
    const char *e = name;
    while (e < end && e - name < 12 && (*e | 0x20) >= 'a' && (*e | 0x20) <= 'z')
        e++;
    if (e == name || e >= end || (*e != '>' && *e != ' ' && *e != '/'))
        return 0;
    size_t n = (size_t)(e - name);
    size_t k = 0, count = sizeof markup_tags / sizeof *markup_tags;
    for (; k < count; k++) {
        if (strlen(markup_tags[k]) != n)
            continue;
        size_t j = 0;
        while (j < n && (name[j] | 0x20) == markup_tags[k][j])
            j++;
        if (j == n)
            break;
    }
    if (k == count)
        return 0;
    const char *gt = memchr(e, '>', (size_t)(end - e) < 256 ? (size_t)(end - e) : 256);
    return gt ? (size_t)(gt + 1 - r) : 0;
}

size_t html_strip_tags(char *s, size_t n)
{
    char *r = memchr(s, '<', n), *end = s + n;
    if (!r)
        return n;
    char *w = r;
    while (r < end) {
        size_t used = *r == '<' ? markup_tag_len(r, end) : 0;
        if (used)
            r += used;
        else
            *w++ = *r++;
    }
    return (size_t)(w - s);
}

/* ---- hard-wrapped lines ------------------------------------------------ */

bool wrap_append(char *line, size_t *len, size_t floor, size_t cap,
                 const char *cont, size_t cont_len, bool fixed_width)
{
    size_t n = *len;
    bool space_at_break = false;
    while (n > floor && is_blank(line[n - 1])) {
        n--;
        space_at_break = true;
    }
    while (cont_len > 0 && is_blank(*cont)) {
        cont++;
        cont_len--;
        space_at_break = true;
    }
    bool fit = true;
    if ((space_at_break || !fixed_width) && n < cap)
        line[n++] = ' ';
    if (cont_len > cap - n) {
        cont_len = utf8_cut(cont, cont_len, cap - n); /* never inside a sequence */
        fit = false;
    }
    memcpy(line + n, cont, cont_len);
    *len = n + cont_len;
    return fit;
}

/* ---- events logged twice ----------------------------------------------- */

#define DUP_MAX_SKEW_MS 2000

static bool same_text(span a, span b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* Same length already checked by the caller. */
/* Same message length already checked by the caller; the cheap tests
 * first. */
static bool same_event(const charon_line *kept, const charon_line *l)
{
    if (kept->thread >= 0 && l->thread >= 0 && kept->thread != l->thread)
        return false;
    if (kept->ts >= 0 && l->ts >= 0 &&
        (kept->ts - l->ts > DUP_MAX_SKEW_MS || l->ts - kept->ts > DUP_MAX_SKEW_MS))
        return false;
    if (same_text(kept->program, l->program))
        return false;
    if (kept->conn.n && l->conn.n && !same_text(kept->conn, l->conn))
        return false;
    return memcmp(kept->msg.p, l->msg.p, l->msg.n) == 0;
}

/* The first line from a second program: the remembered lines, none spent,
 * go into their buckets. */
static void dup_window_go_multi(dup_window *w)
{
    w->multi = true;
    w->solo_len_plus1 = 0;
    memset(w->bucket, 0, sizeof w->bucket);
    for (unsigned i = 0; i < DUP_WINDOW; i++) {
        if (!w->tag_x[i]) /* not filled yet */
            continue;
        unsigned b = (unsigned)(w->line[i]->msg.n % DUP_BUCKETS);
        w->bucket_of[i] = b;
        w->bucket[b] |= 1u << i;
    }
}

bool dup_window_is_repeat_slow(dup_window *w, const charon_line *l, unsigned tag,
                               unsigned *evicted)
{
    if (!w->multi) {
        /* a program other than the first (or the first line, or a name too
         * long to remember): decide, then go on as usual */
        if (!w->have_prog0 && l->program.n <= sizeof w->prog0) {
            if (l->program.n)
                memcpy(w->prog0, l->program.p, l->program.n);
            w->prog0_len = (unsigned char)l->program.n;
            memcpy(&w->prog0_word, w->prog0, 8);
            w->prog0_mask = l->program.n >= 8 ? ~(uint64_t)0
                                               : (((uint64_t)1 << (8 * l->program.n)) - 1);
            w->have_prog0 = true;
            w->solo_len_plus1 = l->program.n + 1;
            return dup_window_remember(w, l, tag, evicted);
        }
        dup_window_go_multi(w);
    }
    unsigned b = (unsigned)(l->msg.n % DUP_BUCKETS), same_bucket = w->bucket[b];
    for (unsigned set = same_bucket; set; set &= set - 1) {
        unsigned i = (unsigned)__builtin_ctz(set);
        if (w->line[i]->msg.n == l->msg.n && same_event(w->line[i], l)) {
            w->bucket[b] = same_bucket & ~(1u << i); /* spent: one copy per line */
            *evicted = DUP_NO_TAG;
            return true;
        }
    }
    /* the bucket words are updated from registers: a store and a reload of
     * what may be the same word would stall */
    unsigned i = w->next, bit = 1u << i;
    unsigned old = DUP_NO_TAG;
    if (w->tag_x[i]) { /* filled: its line leaves */
        unsigned ob = w->bucket_of[i];
        if (ob == b)
            same_bucket &= ~bit;
        else
            w->bucket[ob] &= ~bit;
        old = w->tag_x[i] ^ DUP_NO_TAG;
    }
    w->line[i] = l;
    w->tag_x[i] = tag ^ DUP_NO_TAG;
    w->bucket_of[i] = b;
    w->bucket[b] = same_bucket | bit;
    w->next = (i + 1) % DUP_WINDOW;
    *evicted = old;
    return false;
}

/* ---- newest-first pastes ----------------------------------------------- */

/*
 * One stored line: this header, the raw text padded to 8 bytes, and the
 * record's total size as a trailer so the block can be walked backwards.
 * Spans are offsets into the text (all spans of a charon_line lie inside
 * raw); an empty span is stored as {0, 0}.
 */
typedef struct rec_span {
    uint32_t off;
    uint32_t len;
} rec_span;

typedef struct reorder_rec {
    uint64_t lineno;
    int64_t ts;
    int64_t sa_id;
    int32_t thread;
    int32_t level;
    uint32_t raw_len;
    char subsys[4];
    int32_t bare;
    rec_span time, host, program, conn, msg;
} reorder_rec;

#define REC_ALIGN 8
#define REORDER_MIN_BLOCK ((size_t)64 * 1024)

static size_t padded(size_t n) { return (n + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1); }

static size_t record_size(size_t raw_len)
{
    return sizeof(reorder_rec) + padded(raw_len) + sizeof(uint64_t);
}

/* Spans lie inside raw (the envelope parser's contract); one that did not
 * would be stored empty rather than read out of bounds later. */
static rec_span to_rec_span(span s, span raw)
{
    uintptr_t at = (uintptr_t)s.p, base = (uintptr_t)raw.p;
    if (s.n == 0 || at < base || s.n > raw.n || at - base > raw.n - s.n)
        return (rec_span){0, 0};
    return (rec_span){(uint32_t)(at - base), (uint32_t)s.n};
}

static span from_rec_span(rec_span s, const char *base)
{
    return s.len ? (span){base + s.off, s.len} : (span){EMPTY, 0};
}

void reorder_init(reorder_buf *b, size_t limit)
{
    *b = (reorder_buf){.limit = limit};
}

static int reorder_reserve(reorder_buf *b, size_t need)
{
    if (b->used + need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : REORDER_MIN_BLOCK;
    while (cap < b->used + need)
        cap *= 2;
    if (cap > b->limit)
        cap = b->limit;
    unsigned char *mem = realloc(b->mem, cap);
    if (!mem)
        return -1;
    b->mem = mem;
    b->cap = cap;
    return 0;
}

int reorder_push(reorder_buf *b, const charon_line *l)
{
    size_t size = record_size(l->raw.n);
    if (b->used + size > b->limit)
        return 1;
    if (reorder_reserve(b, size) < 0)
        return -1;
    reorder_rec rec = {
        .lineno = l->lineno,
        .ts = l->ts,
        .sa_id = l->sa_id,
        .thread = l->thread,
        .level = l->level,
        .raw_len = (uint32_t)l->raw.n,
        .bare = l->bare,
        .time = to_rec_span(l->time, l->raw),
        .host = to_rec_span(l->host, l->raw),
        .program = to_rec_span(l->program, l->raw),
        .conn = to_rec_span(l->conn, l->raw),
        .msg = to_rec_span(l->msg, l->raw),
    };
    memcpy(rec.subsys, l->subsys, sizeof rec.subsys);
    unsigned char *at = b->mem + b->used;
    uint64_t trailer = size;
    memcpy(at, &rec, sizeof rec);
    memcpy(at + sizeof rec, l->raw.p, l->raw.n);
    memcpy(at + size - sizeof trailer, &trailer, sizeof trailer);
    b->used += size;
    b->count++;
    return 0;
}

static void emit_record(const unsigned char *at, charon_line_cb cb, void *user)
{
    reorder_rec rec;
    memcpy(&rec, at, sizeof rec);
    const char *base = (const char *)at + sizeof rec;
    charon_line l = {
        .lineno = rec.lineno,
        .raw = {rec.raw_len ? base : EMPTY, rec.raw_len},
        .time = from_rec_span(rec.time, base),
        .ts = rec.ts,
        .host = from_rec_span(rec.host, base),
        .program = from_rec_span(rec.program, base),
        .thread = rec.thread,
        .level = rec.level,
        .conn = from_rec_span(rec.conn, base),
        .sa_id = rec.sa_id,
        .msg = from_rec_span(rec.msg, base),
        .bare = rec.bare,
    };
    memcpy(l.subsys, rec.subsys, sizeof l.subsys);
    cb(user, &l);
}

void reorder_emit(reorder_buf *b, bool reverse, charon_line_cb cb, void *user)
{
    if (reverse) {
        for (size_t end = b->used; end > 0;) {
            uint64_t size;
            memcpy(&size, b->mem + end - sizeof size, sizeof size);
            end -= (size_t)size;
            emit_record(b->mem + end, cb, user);
        }
    } else {
        for (size_t at = 0; at < b->used;) {
            reorder_rec rec;
            memcpy(&rec, b->mem + at, sizeof rec);
            emit_record(b->mem + at, cb, user);
            at += record_size(rec.raw_len);
        }
    }
    b->used = 0;
    b->count = 0;
}

void reorder_free(reorder_buf *b)
{
    free(b->mem);
    *b = (reorder_buf){.limit = b->limit};
}
