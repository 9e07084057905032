/*
 * line_source.c - bytes in any chunking -> charon lines (see line_source.h).
 *
 * Why it is shaped this way: the whole pipeline has to read a gigabyte a
 * second on one core, yet it also has to cope with pasted logs that were
 * wrapped, escaped, doubled and reversed on their way to us. So the common
 * case (ascending syslog or filelog lines, plain ASCII) is one tight loop:
 * the bytes that need a decision (a control byte such as LF, CR or NUL,
 * '&', a non-ASCII byte) found 64 at a time as a bit mask, each line's end
 * taken from it with a bit pop (AVX2 when the CPU has it), the envelope's
 * fast path (envelope.h) run inline on the line where it lies in the
 * caller's buffer (the previous line's header compared in 16-byte pieces,
 * the usual prefix read in a few word operations), a length check against
 * a few recent lines, and the callback. Anything else takes the general
 * routes (take_line_slow, the envelope parsers), which decide the same
 * way. Every repair costs only when its trigger byte or shape is seen.
 *
 * In place or copied: a line that lies whole in the buffer given to feed()
 * and needs no rewrite (no '&', no non-ASCII byte, no NUL, not JSON, not
 * over max_line_bytes) is parsed where it is, without a copy. Everything
 * else - a line straddling two feed() calls (byte-at-a-time input is all
 * such lines), or one to repair - is gathered into a slot buffer first. The
 * caller's buffer is only ours during feed(), while the held line and the
 * duplicate window keep lines past it: before feed() returns, the few
 * lines still kept there (at most SLOTS - 1, whatever the chunk size) have
 * their text copied into their slots (own_kept_lines), and a held line is
 * copied before a continuation is joined to it. Both ways give the same
 * lines, which the unit tests check by feeding every chunking from a
 * buffer that is overwritten after each call.
 *
 * Pipeline for one physical line:
 *   split (LF, CRLF, lone CR; cut at max_line_bytes, the rest of the line
 *   dropped)
 *   -> repair text (invalid UTF-8 and NUL -> '?', HTML entities decoded)
 *   -> envelope_classify_cached
 *   -> hold: a long charon line waits for the next physical line, which is
 *      joined to it if it is the tail of a hard wrap (wrap_append); a bare
 *      line (no envelope, no prefix: charon_line.bare) may be such a tail,
 *      else it passes on unheld (two bare lines are never joined) and is
 *      counted by the event layer, not here
 *   -> drop the second copy of an event logged twice (dup_window)
 *   -> order: the first lines are looked at (ORDER_LOOKAHEAD physical lines
 *      at most, fewer once ORDER_VOTES time steps were seen) to tell a
 *      newest-first paste; such a paste is buffered and handed out reversed
 *      at finish, anything else passes straight through.
 *
 * Memory: SLOTS line buffers, each grown on demand up to max_line_bytes,
 * with the line parsed from each (the line being read, the held line, and
 * the lines the duplicate window compares against, kept in place rather
 * than copied), and the reorder buffer, which never passes reorder_bytes:
 * when a newest-first paste outgrows it, what it holds is handed out
 * reversed and the rest of the input passes in the order read, so only the
 * first part of such an input comes out in time order. That is the best
 * bounded memory can do, and the lines are all still there.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#include <immintrin.h>
#endif

#include "envelope.h"
#include "line_source.h"
#include "paste_repair.h"
#include "status_output.h"

/* Physical lines looked at before the time order is decided without votes. */
#define ORDER_LOOKAHEAD 64
/* Time steps (strictly up or down between timestamped lines) that decide
 * the order early, by majority. */
#define ORDER_VOTES 3
/* A head cut at the longest line's length is a terminal's fixed-width cut
 * (joined without a space: the cut may fall inside a word) only from this
 * width on: terminals are 80 columns and wider, while mail clients wrap at
 * a word boundary before 72-78 columns and drop the space there, so a
 * shorter head was wrapped at a space even when it is the longest line.
 * A 79-column head is an 80-column cut whose last column, a space, was
 * trimmed ("No such file" / "or directory"), as long as no 80-column line
 * has been seen. */
#define TERMINAL_MIN_WIDTH 80
/* The reorder buffer stores spans as 32-bit offsets. */
#define MAX_LINE_CAP ((size_t)1 << 30)
#define DEFAULT_MAX_LINE ((size_t)65536)
#define DEFAULT_REORDER_BYTES ((size_t)64 << 20)
/* The line being read, the held line, and the duplicate window's lines. */
#define SLOTS (DUP_WINDOW + 2)
#define SLOT_MIN_CAP ((size_t)256)

enum line_flag { LINE_HAS_AMP = 1, LINE_HAS_HIGH = 2 };

typedef enum order_state {
    ORDER_DECIDING, /* looking ahead, lines buffered */
    ORDER_FORWARD,  /* lines pass as read */
    ORDER_REVERSING /* newest-first: lines buffered until finish */
} order_state;

/* The bytes needing a decision among the 64 at p, as a bit mask (bit i:
 * p[i]); see special_mask. */
typedef uint64_t (*special_block)(const char *p, const char *consts);

/* The in-place loop for whole lines (lines_in_place_with), for this CPU. */
typedef const char *(*in_place_loop)(line_source *ls, const char *p, const char *end, int *rc);

typedef struct line_buf {
    char *p;
    size_t cap;
} line_buf;

struct line_source {
    idg_stats *stats;
    idg_stats own_stats; /* used when the caller passed no stats */
    in_place_loop in_place; /* lines_in_place_with for this CPU */
    char scan_consts[64];   /* 32 bytes 0x0E, 32 bytes '&' (the block scan's) */
    charon_line_cb cb;
    void *user;
    known_message_fn known_message; /* see line_source_set_known_message */
    void *known_user;
    size_t max_line;

    /*
     * Line buffers and the lines parsed from them. A charon line that is
     * held or kept by the duplicate window stays in its slot (busy) and
     * reading moves on to a free slot; the window keeps at most DUP_WINDOW
     * lines and at most one line is held, so there always is one.
     */
    line_buf slot[SLOTS];
    charon_line line[SLOTS];
    unsigned busy; /* bit per slot */
    /* the caller's buffer during feed() (empty otherwise): a line whose
     * text lies in it was read in place, and is copied into its slot
     * before feed() returns if it is kept. Told by address rather than
     * marked per line: the usual line then costs nothing here. */
    uintptr_t lent, lent_len;
    unsigned cur;

    /* the physical line being read, in slot[cur] */
    size_t cur_len;
    unsigned cur_flags;
    bool cutting;  /* past max_line: dropping bytes up to the line end */
    bool after_cr; /* the last byte fed was a CR: a following LF is its pair */
    bool failed;   /* out of memory: the rest of the input is ignored */
    bool splitting; /* reading the lines of a JSON string (split_escaped) */
    uint64_t lineno;
    envelope_cache headers;

    /* the last charon line, held (in line[held_slot]) until the next line
     * shows whether it continues; its tail is the last physical line
     * joined to it */
    unsigned held_slot;
    bool holding;
    bool held_cut;
    size_t held_tail_len;
    size_t max_phys_len; /* longest physical line so far: the wrap width */

    dup_window dups;

    order_state order;
    uint64_t deciding_lines;
    int64_t last_ts;
    unsigned steps_up, steps_down;
    reorder_buf reorder;
};

/* ---- finding the bytes that need a decision ---------------------------- */

/* Control bytes below 0x0E (LF, CR, NUL; also tab and a few others, which
 * are then simply copied), '&' for HTML entities, and non-ASCII bytes for
 * UTF-8 validation. */
static inline bool is_special(unsigned char c)
{
    return c < 0x0E || c == '&' || c >= 0x80;
}

static const char *find_special_scalar(const char *p, const char *end)
{
    while (p < end && !is_special((unsigned char)*p))
        p++;
    return p;
}

#if defined(__SSE2__)
/* One signed compare finds both the control bytes and the non-ASCII bytes
 * (negative as signed chars), one more finds '&'. */
static inline __attribute__((always_inline)) const char *find_special(const char *p,
                                                                       const char *end)
{
    const __m128i below = _mm_set1_epi8(0x0E), amp = _mm_set1_epi8('&');
    /* 32 bytes a round (a log line is some 60 to 200 bytes): one test and
     * branch for two vectors */
    for (; end - p >= 32; p += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
        __m128i hit_a = _mm_or_si128(_mm_cmplt_epi8(a, below), _mm_cmpeq_epi8(a, amp));
        __m128i hit_b = _mm_or_si128(_mm_cmplt_epi8(b, below), _mm_cmpeq_epi8(b, amp));
        if (_mm_movemask_epi8(_mm_or_si128(hit_a, hit_b))) {
            unsigned mask = (unsigned)_mm_movemask_epi8(hit_a) |
                            (unsigned)_mm_movemask_epi8(hit_b) << 16;
            return p + __builtin_ctz(mask);
        }
    }
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_cmplt_epi8(v, below), _mm_cmpeq_epi8(v, amp));
        int mask = _mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz((unsigned)mask);
    }
    return find_special_scalar(p, end);
}
#else
static const char *find_special(const char *p, const char *end)
{
    return find_special_scalar(p, end);
}
#endif

/*
 * The scan for whole lines, which is most of the bytes: the bytes needing
 * a decision in 64 at a time, as a bit mask the in-place loop
 * (lines_in_place_with) takes line ends from one by one, so a line costs a
 * bit pop rather than a scan of its own. With AVX2 (x86-64 hosts from 2013
 * on) a block is two compares of 32 bytes; the loop is compiled once per
 * block scan, with the scan inlined, and picked once per line source for
 * the CPU at hand. The result is the same either way.
 */
static uint64_t special_block_baseline(const char *p, const char *consts)
{
    (void)consts;
    uint64_t mask = 0;
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8(0x0E), amp = _mm_set1_epi8('&');
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        __m128i hit = _mm_or_si128(_mm_cmplt_epi8(v, below), _mm_cmpeq_epi8(v, amp));
        mask |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * i);
    }
#else
    for (int i = 0; i < 64; i++)
        mask |= (uint64_t)is_special((unsigned char)p[i]) << i;
#endif
    return mask;
}

/* (IDG_NO_AVX2_SCAN builds the baseline alone, to test it on an AVX2 host) */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__) && !defined(IDG_NO_AVX2_SCAN)
#define HAVE_AVX2_SCAN 1
__attribute__((target("avx2"))) static uint64_t special_block_avx2(const char *p,
                                                                   const char *consts)
{
    /* the constants from the line source (scan_consts), not written here:
     * a broadcast would be redone after every call the loop makes (a call
     * may change every vector register), and a load of bytes the compiler
     * knows is made one */
    const __m256i below = _mm256_loadu_si256((const __m256i *)(const void *)consts);
    const __m256i amp = _mm256_loadu_si256((const __m256i *)(const void *)(consts + 32));
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    __m256i hit_a = _mm256_or_si256(_mm256_cmpgt_epi8(below, a), _mm256_cmpeq_epi8(a, amp));
    __m256i hit_b = _mm256_or_si256(_mm256_cmpgt_epi8(below, b), _mm256_cmpeq_epi8(b, amp));
    return (uint64_t)(unsigned)_mm256_movemask_epi8(hit_a) |
           (uint64_t)(unsigned)_mm256_movemask_epi8(hit_b) << 32;
}
#endif

/* The bytes needing a decision in [p, min(p + 64, end)), bit i for p[i]
 * (the last, short block of a buffer is scanned from a padded copy). */
static inline __attribute__((always_inline)) uint64_t
special_mask(special_block block, const line_source *ls, const char *p, const char *end)
{
    if (end - p >= 64)
        return block(p, ls->scan_consts);
    char tail[64];
    size_t n = (size_t)(end - p);
    memcpy(tail, p, n);
    memset(tail + n, 'x', sizeof tail - n);
    return block(tail, ls->scan_consts);
}

/* ---- line buffers ------------------------------------------------------ */

/* Room for `need` bytes in a slot (need <= max_line). The slot's text may
 * move; the caller re-points what points into it. */
static bool slot_reserve(line_buf *b, size_t need, size_t max_line)
{
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : SLOT_MIN_CAP;
    while (cap < need)
        cap *= 2;
    if (cap > max_line)
        cap = max_line;
    char *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

/* A line's spans as offsets into its text, taken before the text moves
 * and applied after (every non-empty span lies inside raw). */
enum { LINE_SPANS = 5 };

static void line_spans(charon_line *l, span *spans[LINE_SPANS])
{
    spans[0] = &l->time, spans[1] = &l->host, spans[2] = &l->program;
    spans[3] = &l->conn, spans[4] = &l->msg;
}

static void spans_to_offsets(charon_line *l, const char *base, size_t off[LINE_SPANS])
{
    span *spans[LINE_SPANS];
    line_spans(l, spans);
    for (int i = 0; i < LINE_SPANS; i++)
        off[i] = spans[i]->n ? (size_t)(spans[i]->p - base) : 0;
}

static void offsets_to_spans(charon_line *l, const char *base, const size_t off[LINE_SPANS])
{
    span *spans[LINE_SPANS];
    line_spans(l, spans);
    for (int i = 0; i < LINE_SPANS; i++)
        if (spans[i]->n)
            spans[i]->p = base + off[i];
    l->raw.p = base;
}

/* The current line stays in its slot (held or kept by the duplicate
 * window); reading moves on to the next free one. */
static void keep_current_slot(line_source *ls)
{
    ls->busy |= 1u << ls->cur;
    unsigned free_slots = ~ls->busy & ((1u << SLOTS) - 1);
    if (free_slots) { /* any free slot will do: the lowest */
        ls->cur = (unsigned)__builtin_ctz(free_slots);
        return;
    }
    /* Cannot happen (at most DUP_WINDOW + 1 slots are busy); should it,
     * forgetting the window frees every slot but the held one. */
    memset(&ls->dups, 0, sizeof ls->dups);
    ls->busy = ls->holding ? 1u << ls->held_slot : 0;
    ls->cur = (ls->held_slot + 1) % SLOTS;
}

/* Slot i is free again (i is DUP_NO_TAG when the duplicate window let go
 * of nothing: bit 31 is never busy, so that costs no branch). */
static inline void free_slot(line_source *ls, unsigned i)
{
    ls->busy &= ~(1u << i);
}

/* A line read in place (its text in the caller's buffer) moves its text
 * into its own slot: it is kept past the feed() call that brought it, or
 * is about to be joined to. */
static bool is_borrowed(const line_source *ls, const charon_line *l)
{
    /* (unsigned: below lent wraps around to a large difference) */
    return (uintptr_t)l->raw.p - ls->lent < ls->lent_len;
}

static bool own_text(line_source *ls, unsigned i)
{
    charon_line *l = &ls->line[i];
    if (!is_borrowed(ls, l))
        return true;
    line_buf *b = &ls->slot[i];
    size_t off[LINE_SPANS];
    spans_to_offsets(l, l->raw.p, off);
    if (!slot_reserve(b, l->raw.n ? l->raw.n : 1, ls->max_line))
        return false;
    memcpy(b->p, l->raw.p, l->raw.n);
    offsets_to_spans(l, b->p, off);
    return true;
}

/* Before feed() returns: every kept line (held, or in the duplicate
 * window) owns its text. Should that fail for want of memory, the kept
 * lines are forgotten rather than left pointing at the caller's buffer. */
static bool own_kept_lines(line_source *ls)
{
    unsigned pending = ls->busy;
    for (; pending; pending &= pending - 1) {
        if (!own_text(ls, (unsigned)__builtin_ctz(pending))) {
            memset(&ls->dups, 0, sizeof ls->dups);
            ls->holding = false;
            ls->busy = 0;
            return false;
        }
    }
    return true;
}

/* ---- the order stage --------------------------------------------------- */

static void decide_order(line_source *ls, bool newest_first)
{
    if (newest_first) {
        ls->order = ORDER_REVERSING;
        ls->stats->reversed = 1;
    } else {
        ls->order = ORDER_FORWARD;
        reorder_emit(&ls->reorder, false, ls->cb, ls->user);
    }
}

static bool votes_say_newest_first(const line_source *ls)
{
    return ls->steps_down > ls->steps_up;
}

/* Equal times are neither step up nor down. */
static void vote(line_source *ls, int64_t ts)
{
    if (ts < 0)
        return;
    if (ls->last_ts >= 0 && ts > ls->last_ts)
        ls->steps_up++;
    else if (ls->last_ts >= 0 && ts < ls->last_ts)
        ls->steps_down++;
    ls->last_ts = ts;
}

static int submit(line_source *ls, const charon_line *l);

/* While the order is being decided, or a newest-first paste is buffered
 * (out of line: most of an input passes in read order). */
static __attribute__((noinline)) int submit_buffered(line_source *ls, const charon_line *l)
{
    int rc;
    switch (ls->order) {
    case ORDER_FORWARD:
        ls->cb(ls->user, l);
        return 0;
    case ORDER_DECIDING:
        vote(ls, l->ts);
        if ((rc = reorder_push(&ls->reorder, l)) < 0)
            return -1;
        if (rc == 1) { /* the lookahead alone fills the buffer: decide now */
            decide_order(ls, votes_say_newest_first(ls));
            return submit(ls, l);
        }
        if (ls->steps_up + ls->steps_down >= ORDER_VOTES)
            decide_order(ls, votes_say_newest_first(ls));
        return 0;
    case ORDER_REVERSING:
        if ((rc = reorder_push(&ls->reorder, l)) < 0)
            return -1;
        if (rc == 1) { /* over reorder_bytes: reverse what fits, then read order */
            reorder_emit(&ls->reorder, true, ls->cb, ls->user);
            ls->order = ORDER_FORWARD;
            ls->cb(ls->user, l);
        }
        return 0;
    }
    return 0;
}

static inline int submit(line_source *ls, const charon_line *l)
{
    if (__builtin_expect(ls->order == ORDER_FORWARD, 1)) {
        ls->cb(ls->user, l);
        return 0;
    }
    return submit_buffered(ls, l);
}

/* ---- holding, joining, releasing --------------------------------------- */

/* Returns 1 if the line was kept by the duplicate window (it must stay in
 * its slot), 0 if it was a copy and dropped, -1 on failure. */
static inline int release(line_source *ls, unsigned slot)
{
    const charon_line *l = &ls->line[slot];
    unsigned evicted;
    bool repeat = dup_window_is_repeat(&ls->dups, l, slot, &evicted);
    free_slot(ls, evicted);
    if (repeat) {
        ls->stats->duplicate_lines++;
        return 0;
    }
    return submit(ls, l) < 0 ? -1 : 1;
}

static inline __attribute__((always_inline)) int release_held(line_source *ls)
{
    if (!ls->holding)
        return 0;
    ls->holding = false;
    unsigned slot = ls->held_slot;
    int rc = release(ls, slot);
    if (rc == 0)
        free_slot(ls, slot);
    return rc < 0 ? -1 : 0;
}

/* Only a line whose message runs to its end can take a continuation (not
 * JSON, where the message sits inside the object). */
static bool can_continue(const charon_line *l)
{
    return l->msg.n == 0 || l->msg.p + l->msg.n == l->raw.p + l->raw.n;
}

static bool has_text(span s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t')
            return true;
    return false;
}

/* A line that marks lines left out of a paste: "...", "[...]", "(…)",
 * "[snip]", "<cut>". It ends the line above rather than continuing it (the
 * pfSense documentation's own excerpts carry "[...]" between lines). */
static bool is_elision(span s)
{
    size_t i = 0, n = s.n;
    while (i < n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    while (n > i && (s.p[n - 1] == ' ' || s.p[n - 1] == '\t'))
        n--;
    if (n - i >= 2 && strchr("[(<{", s.p[i]) && strchr("])>}", s.p[n - 1])) {
        i++;
        n--;
    }
    size_t dots = 0, k = i;
    for (; k < n; k++) {
        if (s.p[k] == '.')
            dots++;
        else if (n - k >= 3 && memcmp(s.p + k, "\xE2\x80\xA6", 3) == 0) /* U+2026 */
            dots += 3, k += 2;
        else if (s.p[k] != ' ')
            break;
    }
    if (k == n)
        return dots >= 2;
    static const char *const words[] = {"snip", "snipped", "cut", "truncated", "omitted"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (n - i == strlen(words[w]) && strncasecmp(s.p + i, words[w], n - i) == 0)
            return true;
    return false;
}

/* The length of the first word of s (after leading blanks). */
static size_t first_word_len(span s)
{
    size_t i = 0, start;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    start = i;
    while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
        i++;
    return i - start;
}

/*
 * A line without envelope after a held charon line continues it when the
 * held line's last piece is long (WRAP_MIN_LEN), or when the continuation's
 * first word would not have fitted after that piece within the widest line
 * seen (and WRAP_MIN_LEN, no wrapper is narrower): that is why a word
 * wrapper broke there. The second rule catches the
 * short middle pieces a mail client leaves when it wraps at spaces (a
 * traffic selector list does not break inside its addresses); prose
 * after a short log line fails both.
 */
static bool is_continuation(const line_source *ls, envelope_kind kind, const charon_line *l)
{
    if (!ls->holding || (kind != ENVELOPE_NONE && kind != ENVELOPE_BARE) || !has_text(l->raw) ||
        is_elision(l->raw) || envelope_time_alone(l->raw))
        return false;
    /* a bare message in an envelope (another program's line, a time) is a
     * line of its own */
    if (kind == ENVELOPE_BARE && (l->ts >= 0 || l->time.n || l->program.n))
        return false;
    bool wraps = ls->held_tail_len >= WRAP_MIN_LEN ||
                 ls->held_tail_len + 1 + first_word_len(l->raw) >
                     (ls->max_phys_len > WRAP_MIN_LEN ? ls->max_phys_len : WRAP_MIN_LEN);
    /* (asked last: a known message of its own is no tail, unless the held
     * line has no message at all: a mail client wrapped the whole message,
     * one long first word, past its "<conn|id>" prefix) */
    if (!wraps)
        return false;
    /* status output pasted after a log ("con1: IKEv2, no reauthentication,
     * ...") is lines of its own */
    if (status_line_parse(l->raw.p, l->raw.n, NULL) != STATUS_NONE)
        return false;
    const charon_line *held = &ls->line[ls->held_slot];
    if (held->msg.n == 0)
        return true;
    if (!ls->known_message)
        return true;
    int held_known = ls->known_message(ls->known_user, held->msg.p, held->msg.n);
    if (held_known == MESSAGE_COMPLETE)
        return false;
    if (!(l->msg.n && ls->known_message(ls->known_user, l->msg.p, l->msg.n) != MESSAGE_UNKNOWN))
        return true;
    /* the tail is a known message by itself ("EAP_RADIUS method failed"),
     * but so may be the two joined when the head is none ("loading
     * EAP_RADIUS method failed"): then it is a tail after all */
    char joined[1024];
    if (held_known != MESSAGE_UNKNOWN || held->msg.n + 1 + l->msg.n > sizeof joined)
        return false;
    memcpy(joined, held->msg.p, held->msg.n);
    joined[held->msg.n] = ' ';
    memcpy(joined + held->msg.n + 1, l->msg.p, l->msg.n);
    return ls->known_message(ls->known_user, joined, held->msg.n + 1 + l->msg.n) != MESSAGE_UNKNOWN;
}

/* Appends a wrapped line's tail to the held line (see wrap_append for where
 * a space goes); the message grows with the raw text. */
static int join_continuation(line_source *ls, const charon_line *tail, size_t phys_len)
{
    charon_line *h = &ls->line[ls->held_slot];
    line_buf *b = &ls->slot[ls->held_slot];
    if (!own_text(ls, ls->held_slot))
        return -1;
    size_t off[LINE_SPANS], len = h->raw.n, need = len + 1 + tail->raw.n;
    spans_to_offsets(h, b->p, off);
    size_t msg_off = h->msg.n ? off[LINE_SPANS - 1] : len;
    if (!slot_reserve(b, need < ls->max_line ? need : ls->max_line, ls->max_line))
        return -1;
    offsets_to_spans(h, b->p, off);
    bool fixed_width = ls->held_tail_len >= ls->max_phys_len &&
                       ls->held_tail_len >= TERMINAL_MIN_WIDTH;
    if (!wrap_append(b->p, &len, msg_off, b->cap, tail->raw.p, tail->raw.n, fixed_width) &&
        !ls->held_cut) {
        ls->held_cut = true;
        ls->stats->cut_lines++;
    }
    if (h->msg.n == 0 && msg_off < len && b->p[msg_off] == ' ')
        msg_off++;
    h->raw = (span){b->p, len};
    h->msg = msg_off < len ? (span){b->p + msg_off, len - msg_off} : h->msg;
    ls->held_tail_len = phys_len;
    ls->stats->joined_lines++;
    return 0;
}

/* A charon line that could be the head of a hard wrap stays in its slot
 * until the next physical line is seen. */
static void hold(line_source *ls, size_t phys_len)
{
    ls->held_slot = ls->cur;
    ls->holding = true;
    ls->held_cut = false;
    ls->held_tail_len = phys_len;
    keep_current_slot(ls);
}

static int take_line_slow(line_source *ls, char *line, size_t len, size_t phys_len);

/* Whether a line that is no log line holds a log as a JSON string: two or
 * more escaped line breaks ("\n"), as Ansible's stdout or an API answer
 * carries swanctl's output. */
static bool has_escaped_lines(span raw)
{
    const char *p = raw.p, *end = raw.p + raw.n;
    if (memchr(p, '\n', raw.n))
        return true; /* decoded by the JSON parser (a line that starts with '{') */
    int found = 0;
    while (found < 2 && p < end && (p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        if (p + 1 < end && p[1] == 'n')
            found++;
        p += 2;
    }
    return found >= 2;
}

/* Reads the lines of such a string, each as a line of its own (numbered
 * on from the physical line's number), with its JSON escapes undone. */
static int split_escaped(line_source *ls, span raw)
{
    char *copy = malloc(raw.n + 1);
    if (!copy)
        return 0;
    memcpy(copy, raw.p, raw.n);
    const char *end = copy + raw.n;
    int rc = 0;
    ls->splitting = true;
    ls->lineno--; /* the first of them takes the physical line's number */
    for (char *seg = copy; seg < end && rc == 0;) {
        char *w = seg, *r = seg;
        while (r < end && r[0] != '\n' && !(r[0] == '\\' && r + 1 < end && r[1] == 'n')) {
            if (r[0] == '\\' && r + 1 < end && (r[1] == '"' || r[1] == '\\' || r[1] == '/')) {
                *w++ = r[1];
                r += 2;
            } else if (r[0] == '\\' && r + 1 < end && r[1] == 't') {
                *w++ = ' ';
                r += 2;
            } else {
                *w++ = *r++;
            }
        }
        size_t n = (size_t)(w - seg);
        line_buf *b = &ls->slot[ls->cur];
        if (n > ls->max_line)
            n = ls->max_line;
        if (n > b->cap && !slot_reserve(b, n, ls->max_line)) {
            ls->failed = true;
            break;
        }
        if (n) /* (an empty piece: a slot never used may have no buffer yet) */
            memcpy(b->p, seg, n);
        ++ls->lineno;
        rc = take_line_slow(ls, b->p, n, n);
        if (r >= end)
            break;
        seg = r + (*r == '\n' ? 1 : 2); /* past the "\n" or a decoded line break */
    }
    ls->splitting = false;
    free(copy);
    return rc;
}

/* The widest physical line so far is the wrap width (is_continuation),
 * except a line that is one word: a word wrapper cannot break it, so it
 * stands longer than the width (a proposal list "IKE:AES_CBC_256/.../
 * KE1_ML_KEM_768" is 80 characters without a space). */
static void widen(line_source *ls, const charon_line *l, size_t phys_len)
{
    if (phys_len > ls->max_phys_len && memchr(l->raw.p, ' ', l->raw.n))
        ls->max_phys_len = phys_len;
}

static int route_line(line_source *ls, envelope_kind kind, const charon_line *l,
                      size_t phys_len)
{
    if (is_continuation(ls, kind, l)) {
        widen(ls, l, phys_len);
        return join_continuation(ls, l, phys_len);
    }
    widen(ls, l, phys_len);
    if (release_held(ls) < 0)
        return -1;
    if (kind == ENVELOPE_BARE && !ls->splitting && has_escaped_lines(l->raw))
        return split_escaped(ls, l->raw);
    if (kind == ENVELOPE_BARE) {
        /* counted by the event layer (a charon line if the message table
         * knows it, else skipped); never held: the next bare line would
         * pass for its wrapped tail */
        int rc = release(ls, ls->cur);
        if (rc > 0)
            keep_current_slot(ls);
        return rc < 0 ? -1 : 0;
    }
    if (kind != ENVELOPE_CHARON) {
        if (!ls->splitting && has_escaped_lines(l->raw))
            return split_escaped(ls, l->raw);
        ls->stats->skipped_lines++;
        status_output_tally(ls->stats, l->raw.p, l->raw.n);
        return 0;
    }
    ls->stats->charon_lines++;
    /* any charon line may be a wrap's head: a word wrapper breaks a short
     * line before a long word too (is_continuation tells) */
    if (can_continue(l)) {
        hold(ls, phys_len);
        return 0;
    }
    int rc = release(ls, ls->cur); /* l is line[cur] (take_line_slow) */
    if (rc > 0)
        keep_current_slot(ls);
    return rc < 0 ? -1 : 0;
}

/* ---- splitting --------------------------------------------------------- */

static void append(line_source *ls, const char *p, size_t n)
{
    if (ls->cutting || n == 0)
        return;
    size_t room = ls->max_line - ls->cur_len;
    if (n > room) {
        n = room;
        ls->cutting = true;
        ls->stats->cut_lines++;
    }
    line_buf *b = &ls->slot[ls->cur];
    if (ls->cur_len + n > b->cap && !slot_reserve(b, ls->cur_len + n, ls->max_line)) {
        ls->failed = true;
        return;
    }
    memcpy(b->p + ls->cur_len, p, n);
    ls->cur_len += n;
}

/* A line the envelope's fast path did not take: the full parse and every
 * route (out of line: the usual line stays on the short path below). */
static __attribute__((noinline)) int take_line_slow(line_source *ls, char *line, size_t len,
                                                    size_t phys_len)
{
    charon_line *l = &ls->line[ls->cur];
    envelope_kind kind =
        envelope_classify_cached(&ls->headers, line ? line : "", len, ls->lineno, l);
    return route_line(ls, kind, l, phys_len);
}

/*
 * The usual line: the previous line's header and the usual prefix, read by
 * envelope_classify_fast. That makes it a charon line whose message runs
 * to its end, so route_line's way for it is known: it is no continuation,
 * the held line is released, and it is held in turn.
 */
static inline int route_usual(line_source *ls, size_t phys_len)
{
    if (phys_len > ls->max_phys_len)
        ls->max_phys_len = phys_len;
    if (release_held(ls) < 0)
        return -1;
    ls->stats->charon_lines++;
    hold(ls, phys_len);
    return 0;
}

/* One physical line, in slot[cur] or (read in place) in the caller's
 * buffer: parsed into line[cur] and routed (inline: this is the per-line
 * work of the in-place loop). */
static inline __attribute__((always_inline)) int take_line(line_source *ls, char *line, size_t len,
                                                           size_t phys_len)
{
    uint64_t lineno = ++ls->lineno; /* stats->lines: see count_lines */
    int rc;
    if (line && envelope_classify_fast(&ls->headers, line, len, lineno, &ls->line[ls->cur]))
        rc = route_usual(ls, phys_len);
    else
        rc = take_line_slow(ls, line, len, phys_len);
    if (rc < 0)
        return -1;
    if (ls->order == ORDER_DECIDING && ++ls->deciding_lines >= ORDER_LOOKAHEAD)
        decide_order(ls, votes_say_newest_first(ls));
    return 0;
}

/* The line gathered in slot[cur] is complete. */
static int end_line(line_source *ls)
{
    char *line = ls->slot[ls->cur].p;
    size_t phys_len = ls->cur_len, len = ls->cur_len;
    if (ls->cur_flags & LINE_HAS_HIGH)
        utf8_repair(line, len);
    /* markup: on a line with entities, or one that starts with a tag
     * (lines_in_place leaves both to this path) */
    size_t lead = 0;
    while (lead < len && line[lead] == ' ')
        lead++;
    if ((ls->cur_flags & LINE_HAS_AMP) || (len - lead > 1 && line[lead] == '<' && line[lead + 1] > '9'))
        len = html_strip_tags(line, len);
    if (ls->cur_flags & LINE_HAS_AMP)
        len = html_unescape(line, len);
    ls->cur_len = 0;
    ls->cur_flags = 0;
    ls->cutting = false;
    return take_line(ls, line, len, phys_len);
}

/* A whole line inside the caller's buffer that needs no repair is parsed
 * where it is: the envelope parser only writes into a line to decode a
 * JSON string's escapes, so a JSON line (first byte after blanks '{') is
 * not taken this way. The text is the caller's only during feed();
 * own_kept_lines copies what outlives it. */
static inline __attribute__((always_inline)) int line_in_place(line_source *ls, const char *p,
                                                              size_t len)
{
    /* the parser takes char * for the JSON rewrite, which a line here never
     * reaches */
    return take_line(ls, (char *)(uintptr_t)p, len, len);
}

/* After the LF, CR or CRLF at q that ended a line. */
static const char *after_line_end(line_source *ls, const char *q, const char *end)
{
    if (*q == '\n')
        return q + 1;
    if (q + 1 < end)
        return q[1] == '\n' ? q + 2 : q + 1;
    ls->after_cr = true;
    return q + 1;
}

/*
 * Whole lines at p read in place while they come: each one's end is the
 * next LF or CR in the block masks (control bytes that are plain text,
 * such as a tab, are passed over). Returns where the in-place reading
 * stopped: at end, or at the start of a line that is not taken this way
 * because a byte needs a repair ('&', non-ASCII, NUL), the line would be
 * cut, it is JSON, or its end is not in this buffer (or *rc is non-zero).
 * Written once and compiled per block scan (lines_in_place_avx2 and
 * _baseline), so that the scan is inlined into the loop.
 */
static inline __attribute__((always_inline)) const char *
lines_in_place_with(special_block block, line_source *ls, const char *p, const char *end,
                    int *rc)
{
    const char *base = p;
    uint64_t mask = special_mask(block, ls, base, end);
    while (p < end) {
        const char *q;
        for (;;) {
            while (!mask) {
                base += 64;
                if (base >= end)
                    return p;
                mask = special_mask(block, ls, base, end);
            }
            q = base + __builtin_ctzll(mask);
            mask &= mask - 1;
            if (q < p) /* the LF of a CRLF already passed */
                continue;
            if (*q == '\n' || *q == '\r')
                break;
            if (*q == '\0' || *q == '&' || (unsigned char)*q >= 0x80)
                return p;
        }
        if ((size_t)(q - p) > ls->max_line)
            return p;
        if ((unsigned char)(*p - ' ') <= '<' - ' ' || *p == '{') { /* ' ' .. '<', '{' */
            /* JSON, or HTML markup (end_line strips it), after blanks or not */
            const char *s = p;
            while (s < q && *s == ' ')
                s++;
            if (s < q && (*s == '{' || (*s == '<' && q - s > 1 && s[1] > '9')))
                return p;
        }
        *rc = line_in_place(ls, p, (size_t)(q - p));
        p = after_line_end(ls, q, end);
        if (*rc != 0)
            break;
    }
    return p;
}

static const char *lines_in_place_baseline(line_source *ls, const char *p, const char *end,
                                           int *rc)
{
    return lines_in_place_with(special_block_baseline, ls, p, end, rc);
}

#if defined(HAVE_AVX2_SCAN)
__attribute__((target("avx2"))) static const char *
lines_in_place_avx2(line_source *ls, const char *p, const char *end, int *rc)
{
    return lines_in_place_with(special_block_avx2, ls, p, end, rc);
}
#endif

static in_place_loop pick_in_place_loop(void)
{
#if defined(HAVE_AVX2_SCAN)
    if (__builtin_cpu_supports("avx2"))
        return lines_in_place_avx2;
#endif
    return lines_in_place_baseline;
}

/* A byte find_special stopped at; returns where scanning resumes. */
static const char *special_byte(line_source *ls, const char *q, const char *end, int *rc)
{
    switch (*q) {
    case '\n':
    case '\r':
        *rc = end_line(ls);
        return after_line_end(ls, q, end);
    case '\0':
        append(ls, "?", 1);
        return q + 1;
    case '&':
        ls->cur_flags |= LINE_HAS_AMP;
        append(ls, q, 1);
        return q + 1;
    default:
        break;
    }
    if ((unsigned char)*q < 0x80) { /* tab and other control bytes: text */
        append(ls, q, 1);
        return q + 1;
    }
    const char *r = q + 1; /* non-ASCII: the whole run, validated at the end */
    while (r < end && (unsigned char)*r >= 0x80)
        r++;
    ls->cur_flags |= LINE_HAS_HIGH;
    append(ls, q, (size_t)(r - q));
    return r;
}

/* stats->lines is added per feed() and finish() call, from how far lineno
 * moved, rather than per line (an increment through the stats pointer on
 * every line). Nothing reads the stats during feed(): the engine and the
 * callers read them between calls (idg_engine_stats). */
static void count_lines(line_source *ls, uint64_t lineno_before)
{
    ls->stats->lines += ls->lineno - lineno_before;
}

int line_source_feed(line_source *ls, const void *buf, size_t len)
{
    const char *p = buf, *end = p + len;
    int rc = 0;
    uint64_t lineno_before = ls->lineno;
    ls->stats->bytes += len;
    ls->lent = (uintptr_t)p;
    ls->lent_len = len;
    if (ls->after_cr && p < end) {
        ls->after_cr = false;
        if (*p == '\n')
            p++;
    }
    while (p < end && rc == 0 && !ls->failed) {
        if (ls->cur_len == 0 && !ls->cutting && !ls->cur_flags) {
            /* at a line start: whole lines in place while they come */
            p = ls->in_place(ls, p, end, &rc);
            if (rc != 0 || p == end)
                break;
        }
        const char *q = find_special(p, end);
        append(ls, p, (size_t)(q - p));
        if (q == end)
            break;
        p = special_byte(ls, q, end, &rc);
    }
    count_lines(ls, lineno_before);
    bool owned = own_kept_lines(ls);
    ls->lent = ls->lent_len = 0; /* nothing is borrowed between calls */
    if (!owned || ls->failed || rc < 0) {
        ls->failed = true;
        return -1;
    }
    return 0;
}

int line_source_finish(line_source *ls)
{
    int rc = ls->failed ? -1 : 0;
    uint64_t lineno_before = ls->lineno;
    if (!ls->failed && (ls->cur_len > 0 || ls->cutting || ls->cur_flags))
        rc = end_line(ls);
    count_lines(ls, lineno_before);
    ls->after_cr = false;
    if (release_held(ls) < 0)
        rc = -1;
    if (ls->order == ORDER_DECIDING)
        decide_order(ls, votes_say_newest_first(ls));
    if (ls->order == ORDER_REVERSING) {
        reorder_emit(&ls->reorder, true, ls->cb, ls->user);
        ls->order = ORDER_FORWARD;
    }
    return rc;
}

/* ---- life cycle -------------------------------------------------------- */

void line_source_set_known_message(line_source *ls, known_message_fn fn, void *user)
{
    ls->known_message = fn;
    ls->known_user = user;
}

line_source *line_source_new(const idg_options *opts, idg_stats *stats,
                             charon_line_cb cb, void *user)
{
    line_source *ls = malloc(sizeof *ls);
    if (!ls)
        return NULL;
    /* Everything zeroed but line[] (1.3 KiB of the 2.5; the server creates
     * a line source per request): the envelope parser writes a slot's line
     * whole (every route sets every field: the slots are reused line after
     * line, so a field left unset would already read a stale value) before
     * anything reads it, and only the lines of busy slots, the held one
     * and the duplicate window's, are read again. Cleared in two parts
     * around it, the layout left as it is for the per-line loop. */
    size_t lines_end = offsetof(line_source, line) + sizeof ls->line;
    memset(ls, 0, offsetof(line_source, line));
    memset((char *)ls + lines_end, 0, sizeof *ls - lines_end);
    size_t max_line = opts && opts->max_line_bytes ? opts->max_line_bytes : DEFAULT_MAX_LINE;
    ls->max_line = max_line < MAX_LINE_CAP ? max_line : MAX_LINE_CAP;
    ls->stats = stats ? stats : &ls->own_stats;
    ls->cb = cb;
    ls->user = user;
    ls->in_place = pick_in_place_loop();
    memset(ls->scan_consts, 0x0E, 32);
    memset(ls->scan_consts + 32, '&', 32);
    ls->last_ts = -1;
    size_t reorder_bytes = opts ? opts->reorder_bytes : DEFAULT_REORDER_BYTES;
    reorder_init(&ls->reorder, reorder_bytes);
    ls->order = reorder_bytes ? ORDER_DECIDING : ORDER_FORWARD;
    return ls;
}

void line_source_free(line_source *ls)
{
    if (!ls)
        return;
    reorder_free(&ls->reorder);
    for (unsigned i = 0; i < SLOTS; i++)
        free(ls->slot[i].p);
    free(ls);
}
