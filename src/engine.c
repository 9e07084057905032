/*
 * engine.c - the diagnosis engine: charon lines -> events -> negotiations
 * -> diagnoses, streaming.
 *
 * Each charon line from the line layer is classified by the message table
 * (messages.c), attached to the negotiation it belongs to, and folded into
 * that negotiation's state. A terminal event (established, a failure
 * notify, a rejection, giving up, DESTROYING ...) opens a short grace
 * window -- the negotiation's next few lines or a few dozen lines of the
 * log, whichever ends first -- so that the lines charon logs right after
 * (the notify it sends, the message ids) still join the evidence; then the
 * rules conclude and the callback receives the diagnoses.
 *
 * Attaching lines: by the IKE_SA unique id of the <name|id> prefix; by the
 * name[id] in the text for the lines that carry one (an IKEv2 IKE rekey
 * logs the new SA's lines in the old SA's context); without either (the
 * ike_name option is off by default on Linux) by the worker thread's
 * current job, the peer address of the packet that started it, and
 * proximity.
 *
 * Cost per line: most lines are routine (an established SA's packets,
 * keep-alives, task bookkeeping), so the common path does the least: a
 * message summary is parsed once per line however many steps read it
 * (line_summary), the connection name of the <NAME|ID> prefix is copied
 * only when it changed (holds_conn, an inline word compare: it is asked on
 * nearly every line), and the after-line bookkeeping returns inline when
 * nothing is due (after_line). The line's msg_event lives in the engine and
 * is reused, so that msg_classify empties only the fields the previous
 * lines left set instead of the whole event (messages.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "fnv.h"
#include "ipsecdiag/ipsecdiag.h"
#include "line_source.h"
#include "load_errors.h"
#include "messages.h"
#include "negotiation.h"
#include "proposal.h"
#include "rules.h"
#include "status_output.h"
#include "traffic_selector.h"
#include "utf8.h"

#define THREAD_SLOTS 256
#define GRACE_OWN_LINES 8
#define GRACE_GLOBAL_LINES 64
/* An IKE_SA's delete joins a window still open (its CHILD_SA's success just
 * before) with at least this many more lines of its own: the state change,
 * then the line that names who deletes it ("sending DELETE") */
#define GRACE_CLOSER_LINES 3
#define PROXIMITY_LINES 400
/* A negotiation no line has touched for this many lines is concluded and
 * freed, exactly as if the store had evicted it (oldest first): a long log
 * of SAs that never log DESTROYING (rekeyed away, abandoned attempts) keeps
 * a flat memory footprint instead of filling the store up to
 * max_negotiations. Generous on purpose: an SA touched again after being
 * freed would start over without its history (at 20,000 lines, routine
 * tunnels of the generated benchmark logs already came back). */
#define IDLE_EXPIRE_LINES 200000
#define ADDR_SCAN_MAX 64
/* Addresses of this host remembered as gone (see idg_engine.addr_gone) */
#define ADDR_GONE_MAX 8
/* "error writing to socket" follows the "sending packet" it is about
 * within this many lines (other threads' lines may come between) */
#define SEND_ERROR_LINES 16

/* A parsed message summary: "IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]". */
struct summary {
    exch_type x;
    int version;
    int request;
    uint32_t msgid;
    span payloads;
    int error_notify;  /* the payloads hold an error notify */
};
typedef struct summary summary;

/* An SA that re-establishes itself (DPD or close action restart, keyingtries)
 * logs "initiating IKE_SA name[NEW]" and the new SA's first request under its
 * own "<name|OLD>" prefix: those few lines on that thread go to NEW. */
typedef struct handoff {
    int64_t from, to;
    int thread;
    uint64_t line;
    int request_sent; /* the new SA's first request was generated */
} handoff;
#define HANDOFF_LINES 4

typedef struct thread_bind {
    int thread;
    int64_t id;
    uint64_t line;    /* engine known_lines when bound */
} thread_bind;

struct idg_engine {
    idg_options opts;
    idg_stats stats;
    idg_diagnosis_cb cb;
    void *user;
    line_source *ls;
    neg_store store;
    conf_store conf;
    rules_ctx *rules;
    negotiation *pend_head, *pend_tail;
    int ike_name;                 /* the log carries <name|id> prefixes */
    uint64_t thread_used[THREAD_SLOTS / 64]; /* which threads[] slots are bound */
    int64_t last_id;
    uint64_t last_id_line;        /* known_lines when last_id was bound */
    int in_flat;                  /* reading the pieces of a flattened paste (split_flattened) */
    uint64_t known_lines;         /* lines whose message the table knows: the clock of
                                   * the thread and proximity bindings, so that a debug
                                   * log's hex dumps (level 4) do not push them apart */
    int64_t crash_id;             /* the negotiation collecting a crash's lines (0: none) */
    int64_t last_send_id;         /* the SA that logged the last "sending packet" */
    uint64_t last_send_line;
    int64_t last_ts;              /* the latest time of a charon line (charon_line.ts), 0: none */
    handoff handoff;              /* see handoff; from -1: none */
    uint64_t line;                /* lines read, in the order read: the clock
                                   * of proximity and idle expiry (a
                                   * newest-first paste arrives reordered, so
                                   * its line numbers run backwards) */
    int finished;
    int finishing;                /* retiring what is open because the input ended */
    negotiation *cache;           /* the negotiation of the previous line */
    uint64_t next_expire_check;   /* line of the next look for idle ones */
    uint32_t open_drops;          /* negotiations of dropped setups not concluded (setup_drops_of) */
    struct gone_addr {            /* this host's addresses that went away ("%H disappeared
                                   * from %s") and did not come back: ADDR_GONE_MAX, newest */
        char host[48], iface[24], time[40];
        kept_line line;           /* the kernel's line: evidence of the SA that loses it */
    } addr_gone[ADDR_GONE_MAX];
    unsigned n_addr_gone;
    const msg_index *idx;         /* the table's index: constant data */
    msg_event ev;                 /* the current line's event, reused from
                                   * line to line (zeroed with the engine):
                                   * msg_classify then empties only the
                                   * fields the previous lines left set */
    uint64_t summary_line;        /* the line `summary` was parsed for */
    int summary_ok;               /* it parsed */
    summary summary;              /* see line_summary */
    char *recased;                /* a message with its first letter lowered */
    size_t recased_cap;
    load_errors loads;            /* why connections of ipsec.conf were refused */
    uint64_t daemon_started_seq;  /* line of the starter's "charon (%d) started" (0: none) */
    /* Last, and left unzeroed at creation (6 KiB, most of the engine, of
     * which a short log binds a few slots): a slot is read only where
     * thread_used has its bit; tb gives the others as empty. */
    thread_bind threads[THREAD_SLOTS];
};

/* ---- options ---------------------------------------------------------------- */

void idg_options_init(idg_options *o)
{
    o->max_line_bytes = 65536;
    o->max_negotiations = 4096;
    o->max_evidence = 16;
    o->reorder_bytes = (size_t)64 << 20;
}

/* ---- small helpers -------------------------------------------------------------- */

static int span_eq(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* Adds the item s to a ", "-separated list unless the list holds it. */
static void list_add_unique(nstr *list, span s)
{
    for (const char *p = nstr_c(list); p && *p;) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == s.n && memcmp(p, s.p, n) == 0)
            return;
        p = end ? end + 2 : NULL;
    }
    if (list->len)
        nstr_append(list, ", ", 2);
    nstr_append(list, s.p, s.n);
}

/* Where lit first occurs in s, or NULL. */
static const char *span_find(span s, const char *lit)
{
    size_t n = strlen(lit);
    if (n == 0)
        return s.p;
    if (n > s.n)
        return NULL;
    const char *p = s.p, *end = s.p + s.n - n;
    while (p <= end) {
        p = memchr(p, lit[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, lit, n) == 0)
            return p;
        p++;
    }
    return NULL;
}

static int span_has(span s, const char *lit)
{
    return *lit == '\0' || span_find(s, lit) != NULL;
}

static int span_u64(span s, uint64_t *out)
{
    if (s.n == 0 || s.n > 19)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    *out = v;
    return 0;
}

/* Names, addresses, identities: short fields. */
static void set_span(nstr *dst, span s)
{
    nstr_set(dst, s.p, utf8_cut(s.p, s.n, NEG_SMALL_CAP));
}

/* Proposal and traffic selector lists. */
static void set_big(nstr *dst, span s)
{
    nstr_set(dst, s.p, s.n);
}

/* A little-endian 64-bit word from a load in memory order. */
static inline uint64_t le64(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* "198.51.100.2[500]" -> host span and port. Two per packet line: the
 * digits are found in one 8-byte load (a byte loop for short spans and
 * the rare run of seven digits) and valued (as span_u64 would: 1 to 19 of
 * them) only when the port is asked for. */
static inline __attribute__((always_inline)) span host_of(span s, int *port)
{
    if (port)
        *port = 0;
    if (s.n > 2 && s.p[s.n - 1] == ']') {
        size_t i = s.n - 1;
        if (s.n >= 8) {
            /* the seven bytes before the ']' in one load: the last of them
             * that is not a digit (a port has at most five digits; a run of
             * seven falls back to the byte loop) */
            const uint64_t h = 0x8080808080808080ull, ones = 0x0101010101010101ull;
            uint64_t w;
            memcpy(&w, s.p + s.n - 8, 8);
            w = le64(w);
            uint64_t ge0 = ((w | h) - ones * '0') & h;       /* byte >= '0' */
            uint64_t gt9 = ((w | h) - ones * ('9' + 1)) & h; /* byte > '9' */
            uint64_t nondigit = (~(ge0 & ~gt9 & ~w) & h) & ~(0xffull << 56);
            if (nondigit)
                i = s.n - 8 + (size_t)(63 - __builtin_clzll(nondigit)) / 8 + 1;
            else
                while (i > 0 && (unsigned)(unsigned char)s.p[i - 1] - '0' <= 9)
                    i--;
        } else {
            while (i > 0 && (unsigned)(unsigned char)s.p[i - 1] - '0' <= 9)
                i--;
        }
        if (i > 0 && s.p[i - 1] == '[') {
            size_t digits = s.n - 1 - i;
            if (port && digits > 0 && digits <= 19) {
                uint64_t v = 0;
                for (size_t k = i; k < s.n - 1; k++)
                    v = v * 10 + (unsigned)((unsigned char)s.p[k] - '0');
                *port = (int)v;
            }
            s.n = i - 1;
        } else {
            /* a port redacted in the paste ("x.x.x.x[yyyy]"): an address
             * holds no '[', so what follows one is the port */
            const char *open = memrchr(s.p, '[', s.n - 1);
            if (open && open > s.p && s.n - 1 - (size_t)(open - s.p) <= 16 &&
                !memchr(open, ' ', s.n - (size_t)(open - s.p)))
                s.n = (size_t)(open - s.p);
        }
    } else if (s.n > 2 && (unsigned)(unsigned char)s.p[s.n - 1] - '0' <= 9) {
        /* "host[45": a line cut inside the port (the last line of a paste) */
        const char *open = memchr(s.p, '[', s.n);
        if (open)
            s.n = (size_t)(open - s.p);
    }
    return s;
}

/* No name: none logged, charon's "(unnamed)", or a poster's "..." where
 * the name was elided. */
static int is_unnamed(span s)
{
    size_t dots = 0;
    while (dots < s.n && s.p[dots] == '.')
        dots++;
    return dots == s.n || span_eq(s, "(unnamed)");
}

/* Every line of a log with <NAME|ID> prefixes names its connection: the
 * name is copied only when it differs from the one held (it rarely does). */
static void set_conn(negotiation *n, span name, int prio)
{
    if (is_unnamed(name) || prio < n->conn_prio)
        return;
    size_t len = utf8_cut(name.p, name.n, NEG_SMALL_CAP);
    if (len > 1 && name.p[len - 1] == '\\')
        len--; /* "<con1\|3>": the bar escaped for a Markdown table */
    if (len == 0 || n->conn.len != len || memcmp(n->conn.p, name.p, len) != 0) {
        nstr_set(&n->conn, name.p, len);
        n->tunnel_dirty = 1;
    }
    n->conn_prio = prio;
}

/* a[0 .. len) == b[0 .. len) for the short texts compared on every line
 * (a connection name, an address): two overlapping loads of 8 (or 4)
 * bytes from each end of both instead of a call to memcmp; nothing is read
 * outside either range. */
static inline int same_text(const char *a, const char *b, size_t len)
{
    if (len >= 8) {
        uint64_t x, y;
        for (size_t k = 0; k + 8 < len; k += 8) {
            memcpy(&x, a + k, 8), memcpy(&y, b + k, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + len - 8, 8), memcpy(&y, b + len - 8, 8);
        return x == y;
    }
    if (len >= 4) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4), memcpy(&y0, b, 4);
        memcpy(&x1, a + len - 4, 4), memcpy(&y1, b + len - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    for (size_t k = 0; k < len; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

/* The name of a line's <NAME|ID> prefix is the one the negotiation holds
 * already, from a prefix or better: set_conn would change nothing. Checked
 * inline because nearly every line of such a log asks (almost always yes). */
static inline int holds_conn(const negotiation *n, span name)
{
    return n->conn_prio >= 1 && n->conn.len == name.n && same_text(n->conn.p, name.p, name.n);
}

/* ---- pending list --------------------------------------------------------------- */

static void pend_remove(idg_engine *e, negotiation *n)
{
    if (!n->pending)
        return;
    negotiation **pp = &e->pend_head;
    negotiation *prev = NULL;
    while (*pp && *pp != n) {
        prev = *pp;
        pp = &(*pp)->pend_next;
    }
    if (*pp == n) {
        *pp = n->pend_next;
        if (e->pend_tail == n)
            e->pend_tail = prev;
    }
    n->pend_next = NULL;
    n->pending = 0;
}

static void pend_add(idg_engine *e, negotiation *n)
{
    n->pending = 1;
    n->pend_next = NULL;
    n->pend_deadline = e->line + GRACE_GLOBAL_LINES;
    n->pend_own_lines = GRACE_OWN_LINES;
    if (e->pend_tail)
        e->pend_tail->pend_next = n;
    else
        e->pend_head = n;
    e->pend_tail = n;
}

static void conclude_unfinished(const idg_engine *e, negotiation *n);

/* A negotiation the input ended in the middle of (asked while finishing):
 * it began here (this end initiated or answered its first exchange),
 * nothing concluded it, and it was still logging near the end. */
#define IN_PROGRESS_LINES 40

static int cut_in_progress(const idg_engine *e, const negotiation *n)
{
    return !n->ike_established && !n->facts && !n->p1_failure_emitted &&
           (n->ike_role != IDG_ROLE_UNKNOWN || n->main_exch != EX_NONE) &&
           e->line - n->last_line <= IN_PROGRESS_LINES;
}

static void conclude(idg_engine *e, negotiation *n)
{
    if (n->setup_drops && !n->setup_concluded) {
        n->setup_concluded = 1;
        e->open_drops--;
    }
    pend_remove(e, n);
    conclude_unfinished(e, n);
    if (__builtin_expect(e->finishing, 0) && cut_in_progress(e, n))
        e->stats.in_progress++;
    rules_conclude(e->rules, n);
}

/* The end of a grace window. A CHILD_SA that closed alone late in it is
 * held for a window of its own: its IKE_SA's DELETE often follows at once
 * (IKEv1 peers delete the CHILD_SA first), and then the tunnel's closure
 * says it all (rules.c p2_closed). */
static void conclude_window(idg_engine *e, negotiation *n)
{
    uint8_t held = 0;
    if (n->child_closed && !n->child_closed_held && e->line - n->p2_closed_seq < GRACE_OWN_LINES) {
        held = n->child_closed;
        n->child_closed = 0;
    }
    conclude(e, n);
    if (held) {
        n->child_closed = held;
        n->child_closed_held = 1;
        pend_add(e, n);
    }
}

static void release(idg_engine *e, negotiation *n)
{
    if (e->cache == n)
        e->cache = NULL;
    neg_release(&e->store, n);
}

static void retire(idg_engine *e, negotiation *n)
{
    conclude(e, n);
    release(e, n);
}

static void retire_all(idg_engine *e)
{
    negotiation *n;
    /* oldest first, so that diagnoses come out in log order */
    while ((n = neg_oldest(&e->store)) != NULL)
        retire(e, n);
    e->pend_head = e->pend_tail = NULL;
}

/* ---- negotiation lookup ------------------------------------------------------------ */

static negotiation *get_neg(idg_engine *e, int64_t id, int create)
{
    negotiation *n;
    if (e->cache && e->cache->id == id)
        return e->cache;
    n = id == INT64_MIN ? NULL : neg_find(&e->store, id);
    if (n) {
        e->cache = n;
        return n;
    }
    if (!create)
        return NULL;
    for (;;) {
        negotiation *old;
        n = neg_create(&e->store, id, e->line, &old);
        if (n) {
            e->stats.negotiations++;
            return n;
        }
        if (!old)
            return NULL;
        e->stats.evicted++;
        conclude(e, old);
        release(e, old);
    }
}

/* Kinds the daemon logs about itself, in no SA's context: a crash, a start
 * that failed, what did not load (resolve gathers them in one negotiation). */
static int daemon_kind(msg_kind k)
{
    switch (k) {
    case EV_DAEMON_CRASH:
    case EV_CRASH_FRAME:
    case EV_DAEMON_INIT_FAILED:
    case EV_DAEMON_INIT_CAUSE:
    case EV_NETLINK_UNAVAILABLE:
    case EV_DAEMON_GAVE_UP:
    case EV_DAEMON_EXEC_FAILED:
    case EV_DAEMON_RUNNING:
    case EV_PLUGIN_LOAD_FAILED:
    case EV_CRED_LOAD_FAILED:
    case EV_CERT_PARSE_CAUSE:
    case EV_KEY_LOAD_FAILED:
    case EV_CONN_LOAD_FAILED:
    case EV_TRAP_NOT_FOUND:
        return 1;
    default:
        return 0;
    }
}

/* Whether a binding made at known-line `at` is still near enough to
 * attach the current line. */
static inline int near(const idg_engine *e, uint64_t at)
{
    return e->known_lines - at <= PROXIMITY_LINES;
}

/* The slot of a thread (NULL for a line without one); a slot never bound
 * reads as empty: thread 0, id 0, line 0. */
static const thread_bind *tb(const idg_engine *e, int thread)
{
    static const thread_bind unbound;
    if (thread < 0)
        return NULL;
    unsigned i = (unsigned)thread % THREAD_SLOTS;
    return (e->thread_used[i / 64] >> (i % 64) & 1) ? &e->threads[i] : &unbound;
}

static void bind_thread(idg_engine *e, int thread, negotiation *n)
{
    if (thread >= 0) {
        unsigned i = (unsigned)thread % THREAD_SLOTS;
        e->threads[i] = (thread_bind){.thread = thread, .id = n->id, .line = e->known_lines};
        e->thread_used[i / 64] |= 1ull << (i % 64);
    }
    e->last_id = n->id;
    e->last_id_line = e->known_lines;
}

static void rebind_id(idg_engine *e, int64_t from, int64_t to)
{
    for (size_t w = 0; w < THREAD_SLOTS / 64; w++)
        for (uint64_t used = e->thread_used[w]; used; used &= used - 1) {
            thread_bind *b = &e->threads[w * 64 + (size_t)__builtin_ctzll(used)];
            if (b->id == from)
                b->id = to;
        }
    if (e->last_id == from)
        e->last_id = to;
}

/* Whether n's peer address is [p, p + len) (both may be empty). */
static int has_remote(const negotiation *n, const char *p, size_t len)
{
    return n->remote_addr.len == len && (len == 0 || memcmp(n->remote_addr.p, p, len) == 0);
}

static negotiation *find_by_remote(idg_engine *e, span host)
{
    negotiation *n = e->store.lru_head;
    for (int k = 0; n && k < ADDR_SCAN_MAX; k++, n = n->lru_next) {
        /* (a peer's dropped setups are no SA: setup_drops_of) */
        if (has_remote(n, host.p, host.n) && !n->setup_drops)
            return n;
    }
    return NULL;
}

/* ---- message summaries ---------------------------------------------------------------- */

#define EXCH(s) s, sizeof(s) - 1
static const struct {
    const char *name;
    size_t len;
    exch_type x;
    int version;
} EXCHANGES[] = {
    {EXCH("ID_PROT"), EX_ID_PROT, 1},
    {EXCH("AGGRESSIVE"), EX_AGGRESSIVE, 1},
    {EXCH("QUICK_MODE"), EX_QUICK_MODE, 1},
    {EXCH("INFORMATIONAL_V1"), EX_INFORMATIONAL_V1, 1},
    {EXCH("TRANSACTION"), EX_TRANSACTION, 1},
    {EXCH("IKE_SA_INIT"), EX_IKE_SA_INIT, 2},
    {EXCH("IKE_AUTH"), EX_IKE_AUTH, 2},
    {EXCH("CREATE_CHILD_SA"), EX_CREATE_CHILD_SA, 2},
    {EXCH("INFORMATIONAL"), EX_INFORMATIONAL, 2},
    {EXCH("IKE_INTERMEDIATE"), EX_IKE_INTERMEDIATE, 2},
    {EXCH("IKE_FOLLOWUP_KE"), EX_IKE_INTERMEDIATE, 2},
};
#undef EXCH

/* The error notifies of a payload list by charon's short names (after
 * "N(", with their ')' except INVAL_CERT's, whose variants share the
 * prefix), and the name "received %N notify" prints. */
#define ERRN(abbr, full) {abbr, sizeof(abbr) - 1, {full, sizeof(full) - 1}}
static const struct error_notify {
    const char *abbr;
    size_t len;
    span name;
} error_notifies[] = {
    ERRN("NO_PROP)", "NO_PROPOSAL_CHOSEN"), ERRN("AUTH_FAILED)", "AUTHENTICATION_FAILED"),
    ERRN("INVAL_ID)", "INVALID_ID_INFORMATION"), ERRN("TS_UNACCEPT)", "TS_UNACCEPTABLE"),
    ERRN("INVAL_KE)", "INVALID_KE_PAYLOAD"), ERRN("PLD_MAL)", "PAYLOAD_MALFORMED"),
    ERRN("INVAL_HASH)", "INVALID_HASH_INFORMATION"), ERRN("INVAL_SYN)", "INVALID_SYNTAX"),
    ERRN("INVAL_MAJOR)", "INVALID_MAJOR_VERSION"), ERRN("INVAL_SEL)", "INVALID_SELECTORS"),
    ERRN("SINGLE_PAIR)", "SINGLE_PAIR_REQUIRED"), ERRN("INT_ADDR_FAIL)", "INTERNAL_ADDRESS_FAILURE"),
    ERRN("FAIL_CP_REQ)", "FAILED_CP_REQUIRED"), ERRN("INVAL_CERT", "INVALID_CERTIFICATE"),
};
#undef ERRN

/* Whether an IKEv2 error notify (by the name "received %N notify" prints)
 * is about a CHILD_SA's proposal or traffic selectors. */
static int is_child_notify(span name)
{
    return span_eq(name, "NO_PROPOSAL_CHOSEN") || span_eq(name, "TS_UNACCEPTABLE") ||
           span_eq(name, "INVALID_SELECTORS") || span_eq(name, "SINGLE_PAIR_REQUIRED");
}

/* The next error notify of the payload list [*q, end), or NULL; *q moves
 * past it. Every notify starts with "N(", so one pass visits each and
 * compares the name after it with the table (the payload lists of routine
 * messages hold none or one or two status notifies). Inlined: the test of
 * summary_has_error_notify runs for every message line. */
static inline __attribute__((always_inline)) const struct error_notify *
next_error_notify(const char **q, const char *end)
{
    const char *c = *q;
    while (end - c >= 2 && (c = memchr(c, 'N', (size_t)(end - c - 1))) != NULL) {
        c++;
        if (*c != '(')
            continue;
        const char *name = c + 1;
        size_t room = (size_t)(end - name);
        for (size_t k = 0; k < sizeof error_notifies / sizeof error_notifies[0]; k++) {
            const struct error_notify *en = &error_notifies[k];
            if (en->len <= room && name[0] == en->abbr[0] && memcmp(name, en->abbr, en->len) == 0) {
                *q = name + en->len;
                return en;
            }
        }
    }
    *q = end;
    return NULL;
}

static int summary_has_error_notify(span p)
{
    const char *q = p.p;
    return next_error_notify(&q, p.p + p.n) != NULL;
}

static int parse_summary(span s, struct summary *out)
{
    const char *end = s.p + s.n;
    const char *sp = s.n ? memchr(s.p, ' ', s.n) : NULL;
    size_t name_len = sp ? (size_t)(sp - s.p) : s.n;
    out->x = EX_OTHER;
    out->version = 0;
    for (size_t k = 0; k < sizeof EXCHANGES / sizeof EXCHANGES[0]; k++) {
        if (name_len == EXCHANGES[k].len && s.p[0] == EXCHANGES[k].name[0] &&
            memcmp(s.p, EXCHANGES[k].name, name_len) == 0) {
            out->x = EXCHANGES[k].x;
            out->version = EXCHANGES[k].version;
            break;
        }
    }
    if (!sp)
        return -1;
    /* the direction, a space, and at least one byte of message id */
    const char *p = sp + 1;
    size_t rest = (size_t)(end - p);
    if (rest > 8 && memcmp(p, "request ", 8) == 0) {
        out->request = 1;
        p += 8;
    } else if (rest > 9 && memcmp(p, "response ", 9) == 0) {
        out->request = 0;
        p += 9;
    } else {
        return -1;
    }
    /* the message id: 1 to 19 digits up to a space or the end (past 19,
     * v may wrap, but is not used) */
    const char *q = p;
    uint64_t v = 0;
    for (unsigned d; q < end && (d = (unsigned)(unsigned char)*q - '0') <= 9; q++)
        v = v * 10 + d;
    if (q == p || q - p > 19 || (q < end && *q != ' ') || v > 0xffffffffu)
        return -1;
    out->msgid = (uint32_t)v;
    out->payloads = q < end ? (span){q, (size_t)(end - q)} : (span){end, 0};
    out->error_notify = summary_has_error_notify(out->payloads);
    return 0;
}

/* The summary of the current line (EV_GENERATING / EV_PARSED), parsed once
 * however many of the attaching and folding steps read it; NULL if the
 * text is not a summary. */
static const summary *line_summary(idg_engine *e, const msg_event *ev)
{
    if (e->summary_line != e->line) {
        e->summary_line = e->line;
        e->summary_ok = parse_summary(ev->f[MF_TEXT], &e->summary) == 0;
    }
    return e->summary_ok ? &e->summary : NULL;
}

/* Kinds whose name[id] names the SA the line is about (which can differ
 * from the SA whose context logs it). */
static int text_id_names_sa(msg_kind k)
{
    switch (k) {
    case EV_INITIATING_V2:
    case EV_INITIATING_MM:
    case EV_INITIATING_AM:
    case EV_RESPONDING_V2:
    case EV_IKE_ESTABLISHED:
    case EV_IKE_STATE:
    case EV_IKE_REAUTH:
    case EV_RECV_DELETE_IKE:
    case EV_DELETING_IKE:
    case EV_SEND_DELETE_IKE:
    case EV_HALF_OPEN_TIMEOUT:
        return 1;
    default:
        return 0;
    }
}

static int relevant_kind(msg_kind k)
{
    switch (k) {
    case EV_NONE:
    case EV_DAEMON_START:
    case EV_CONF_CONN:
    case EV_CONF_CHILD:
    case EV_CONF_LOCAL:
    case EV_CONF_REMOTE:
    case EV_CONF_KV:
    case EV_CONF_ADDED:
    case EV_STROKE_CONN:
    case EV_STROKE_KV:
    case EV_STROKE_ID_DEFAULTED:
    case EV_SECRETS_REREAD:
    case EV_SECRET_LOADED:
    case EV_FILE_OPEN_FAILED:
    case EV_KNL_ERROR:
    case EV_KNL_SA_ALGORITHM:
    case EV_CERT_CHAIN_CA: /* read into the SA its context names, never one of its own */
    case EV_PEER_CANDIDATE:
        return 0;
    default:
        return 1;
    }
}

/* How well a parsed message fits what negotiation c expects next:
 * 3 = exactly what it waits for, 1 = plausible, 0 = not this one. */
static int sequence_fit(const negotiation *c, const struct summary *s)
{
    if (!s->request)
        return (c->awaiting && c->last_gen_x == s->x && c->last_gen_msgid == s->msgid) ? 3 : 0;
    switch (s->x) {
    case EX_IKE_AUTH:
    case EX_CREATE_CHILD_SA:
    case EX_INFORMATIONAL:
        if (c->ike_version == 1)
            return 0;
        return c->next_peer_msgid == s->msgid && (s->x != EX_IKE_AUTH || !c->ike_established) ? 3 : 0;
    case EX_ID_PROT:
    case EX_AGGRESSIVE:
        return (!c->ike_established && c->main_exch == s->x && c->last_gen_x == s->x &&
                !c->last_gen_request) ? 3 : 0;
    case EX_QUICK_MODE:
        if (c->ike_version == 2)
            return 0;
        if (c->p2_msgid == s->msgid && c->p2_exch == EX_QUICK_MODE)
            return 3;
        /* a peer's new Quick Mode: likelier for an SA that has not had
         * one yet than for one whose CHILD_SA is up or being set up */
        if (c->ike_established && !c->child_ever_established && !c->p2_open)
            return 2;
        return c->ike_established ? 1 : 0;
    case EX_INFORMATIONAL_V1:
        if (c->ike_version == 2 || !c->ike_established)
            return 0;
        /* an error notify (NO_PROPOSAL_CHOSEN, INVALID_ID_INFORMATION...)
         * answers the Quick Mode of ours that never completed */
        if (s->error_notify && c->p2_open && c->p2_we_initiated &&
            c->p2_exch == EX_QUICK_MODE)
            return 2;
        return 1;
    case EX_TRANSACTION:
        return c->ike_version != 2 && c->ike_established ? 1 : 0;
    default:
        return 0;
    }
}

/* Without SA ids, a parsed message is matched to the negotiation with the
 * same peer that expects it (several tunnels between the same two hosts
 * interleave); a peer's initial request starts a new negotiation. */
static negotiation *by_sequence(idg_engine *e, negotiation *bound, const msg_event *ev)
{
    const summary *sum = bound ? line_summary(e, ev) : NULL;
    if (!sum)
        return bound;
    const summary s = *sum;
    int initial = s.request && s.msgid == 0 &&
                  (s.x == EX_IKE_SA_INIT || s.x == EX_ID_PROT || s.x == EX_AGGRESSIVE) &&
                  s.payloads.n >= 4 && memcmp(s.payloads.p, " [ SA", 5 < s.payloads.n ? 5 : s.payloads.n) == 0;
    if (initial) {
        /* the peer sending again the first message this end accepted and
         * answered (its answer is lost) is no new negotiation */
        if (bound->init_accepted && bound->last_gen_x == s.x && bound->main_exch == s.x &&
            !bound->ike_established)
            return bound;
        return (bound->last_gen_x == EX_NONE && bound->exch == EX_NONE) ? bound : get_neg(e, INT64_MIN, 1);
    }
    int bound_fit = sequence_fit(bound, &s);
    if (bound_fit >= 3)
        return bound;
    negotiation *best = NULL;
    int best_fit = 0;
    negotiation *c = e->store.lru_head;
    for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next) {
        if (!has_remote(c, bound->remote_addr.p, bound->remote_addr.len))
            continue;
        int fit = sequence_fit(c, &s);
        /* among equals the oldest waits longest; for a peer's first Quick
         * Mode that is the SA whose phase 1 completed first (its initiator
         * learnt of it first), not the one whose phase 1 started first */
        int by_est = fit == 2 && s.x == EX_QUICK_MODE;
        if (fit > best_fit ||
            (fit == best_fit && fit > 0 &&
             (by_est ? c->established_line < best->established_line : c->first_line < best->first_line))) {
            best = c;
            best_fit = fit;
        }
    }
    /* exactly expected, or (2) likelier than the bound one */
    return best_fit >= 3 || (best_fit >= 2 && best_fit > bound_fit) ? best : bound;
}

/* Failures that only happen before an IKE_SA is up (a packet that cannot
 * be decrypted is not parsed, so no message summary tells its SA). */
static int phase1_only_kind(msg_kind k)
{
    return k == EV_DECRYPT_FAILED || k == EV_COULD_NOT_DECRYPT || k == EV_HASH_MISMATCH ||
           k == EV_INTEGRITY_FAILED || k == EV_MAC_MISMATCH || k == EV_NOT_ENCRYPTED;
}

/* A Main or Aggressive Mode message, generated or parsed: an IKE_SA that
 * is up sends and receives none (an IKEv1 SA re-authenticates as a new
 * one), so such a line on a thread last seen with an established SA
 * belongs to another, still in phase 1 (two tunnels with one peer,
 * interleaved, no SA ids). */
static int phase1_message(idg_engine *e, const msg_event *ev)
{
    if (ev->kind != EV_GENERATING && ev->kind != EV_PARSED)
        return 0;
    const summary *s = line_summary(e, ev);
    return s && s->msgid == 0 && (s->x == EX_ID_PROT || s->x == EX_AGGRESSIVE);
}

/* The negotiation with the same peer still in phase 1 (the oldest). */
static negotiation *unestablished_peer(idg_engine *e, negotiation *bound)
{
    negotiation *best = NULL;
    negotiation *c = e->store.lru_head;
    for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next) {
        if (c->ike_established || !has_remote(c, bound->remote_addr.p, bound->remote_addr.len))
            continue;
        if (!best || c->first_line < best->first_line)
            best = c;
    }
    return best ? best : bound;
}

/* The negotiation the log's first "<NAME|ID>" prefix names: it adopts the
 * negotiation that lines without one opened just before it (a
 * paste that mixes a journald copy of a line with charon's own, an excerpt
 * whose first lines lost their prefix): without SA ids those lines had no
 * other place to go. */
static __attribute__((noinline)) negotiation *first_prefix(idg_engine *e, int64_t id, int create)
{
    e->ike_name = 1;
    negotiation *n = get_neg(e, id, 0);
    if (!n && e->last_id_line && near(e, e->last_id_line)) {
        negotiation *unnamed = neg_find(&e->store, e->last_id);
        if (unnamed && unnamed->synthetic) {
            int64_t old = unnamed->id;
            if (neg_rekey(&e->store, unnamed, id) == 0) {
                rebind_id(e, old, id);
                e->cache = NULL;
                n = unnamed;
            }
        }
    }
    if (!n && create)
        n = get_neg(e, id, 1);
    return n;
}

/* The negotiation of a "<NAME|ID>" prefix (first_prefix for the log's first). */
static inline negotiation *sa_of_prefix(idg_engine *e, int64_t id, int create)
{
    if (__builtin_expect(e->ike_name, 1))
        return get_neg(e, id, create);
    return first_prefix(e, id, create);
}

/* Whether a line of a handoff's old SA is the new SA's: the initial
 * IKE_SA_INIT / Main / Aggressive Mode request and the packet that carries
 * it. The rekey of an IKE_SA, also announced as "initiating IKE_SA
 * name[NEW]", runs on the old SA (CREATE_CHILD_SA) and stays there. */
static int handed_off(idg_engine *e, const msg_event *ev)
{
    if (ev->kind == EV_PACKET_SEND && e->handoff.request_sent) {
        e->handoff.from = -1; /* done */
        return 1;
    }
    if (ev->kind != EV_GENERATING)
        return 0;
    const summary *s = line_summary(e, ev);
    if (!s || !s->request || s->msgid != 0 ||
        (s->x != EX_IKE_SA_INIT && s->x != EX_ID_PROT && s->x != EX_AGGRESSIVE))
        return 0;
    e->handoff.request_sent = 1;
    return 1;
}

/* The negotiation a half-open timeout without SA ids deletes: the oldest
 * one (of the peer, when the line names it) that accepted the peer's first
 * message and got nothing more. */
static negotiation *half_open_of(idg_engine *e, const msg_event *ev)
{
    span host = ev->f[MF_RHOST].n ? host_of(ev->f[MF_RHOST], NULL) : SPAN_NULL;
    negotiation *best = NULL;
    negotiation *c = e->store.lru_head;
    for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next) {
        if (c->ike_established || !c->init_accepted || c->main_exch != c->last_gen_x ||
            (host.n && !has_remote(c, host.p, host.n)))
            continue;
        if (!best || c->first_line < best->first_line)
            best = c;
    }
    return best;
}

/* The old SA of an IKE rekey whose "IKE_SA name[NEW] rekeyed between ..."
 * line carries no <name|OLD> prefix: the SA of that name in state REKEYING
 * (fold_ike_state), the newest if several. */
static negotiation *rekeyed_from(idg_engine *e, const msg_event *ev)
{
    uint64_t to;
    if (span_u64(ev->f[MF_ID], &to) != 0)
        return NULL;
    negotiation *c = e->store.lru_head;
    for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next)
        if (c->ike_rekeying && !c->ike_rekeyed && c->id != (int64_t)to && holds_conn(c, ev->f[MF_NAME]))
            return c;
    return NULL;
}

/* The negotiation a relaying program (NetworkManager) just reported up
 * under this connection name, with no SA id yet (fold_conn_up). */
#define RELAYED_UP_LINES 20

static negotiation *relayed_up(idg_engine *e, span name)
{
    if (!name.n)
        return NULL;
    negotiation *c = e->store.lru_head;
    for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next)
        if (c->synthetic && c->relayed_up && e->line - c->last_line <= RELAYED_UP_LINES &&
            holds_conn(c, name))
            return c;
    return NULL;
}

/* A peer's IKE_SA setup this end dropped (a DoS-protection limit) is in no
 * SA's context: there is no SA. The drops of one peer address gather in a
 * negotiation of their own until a setup of that peer is accepted
 * (admit_after_drops) or the log ends. */
static int setup_dropped_kind(msg_kind k)
{
    return k == EV_SETUP_DROPPED_HALF_OPEN || k == EV_SETUP_DROPPED_PER_IP ||
           k == EV_SETUP_DROPPED_JOB_LOAD || k == EV_SETUP_DROPPED_IKESA_LIMIT;
}

static negotiation *setup_drops_of(idg_engine *e, span rhost, int create)
{
    span host = rhost.n ? host_of(rhost, NULL) : SPAN_NULL;
    negotiation *c = e->store.lru_head, *many = NULL;
    for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next) {
        if (!c->setup_drops || c->setup_concluded)
            continue;
        if (c->setup_many)
            many = c;
        else if (has_remote(c, host.p, host.n))
            return c;
    }
    if (!create)
        return NULL;
    /* a flood from many addresses (spoofed, or a crowd of clients) gathers
     * in one negotiation past SETUP_DROP_PEERS: one per address would
     * crowd the tunnels' own negotiations out of the store */
    if (e->open_drops >= SETUP_DROP_PEERS && many)
        return many;
    if ((c = get_neg(e, INT64_MIN, 1)) == NULL)
        return NULL;
    c->setup_many = e->open_drops >= SETUP_DROP_PEERS;
    e->open_drops++; /* its first drop is folded next (fold_setup_dropped) */
    return c;
}

/* Finds (or creates) the negotiation a line belongs to. *ctx_neg receives
 * the negotiation of the line's context when it differs (IKE rekey). */
static negotiation *resolve(idg_engine *e, const charon_line *l, const msg_event *ev,
                            int relevant, negotiation **ctx_neg)
{
    uint64_t tid = 0;
    int has_tid = text_id_names_sa(ev->kind) && ev->f[MF_ID].n && span_u64(ev->f[MF_ID], &tid) == 0;
    *ctx_neg = NULL;

    if (l->sa_id >= 0) {
        if (!has_tid && l->sa_id == e->handoff.from && l->thread == e->handoff.thread &&
            e->line - e->handoff.line <= HANDOFF_LINES && handed_off(e, ev))
            return get_neg(e, e->handoff.to, 1);
        negotiation *ctx = sa_of_prefix(e, l->sa_id, relevant || has_tid);
        if (has_tid && (int64_t)tid != l->sa_id) {
            *ctx_neg = ctx;
            if (ev->kind == EV_INITIATING_V2 || ev->kind == EV_INITIATING_MM || ev->kind == EV_INITIATING_AM)
                e->handoff = (handoff){l->sa_id, (int64_t)tid, l->thread, e->line, 0};
            return get_neg(e, (int64_t)tid, 1);
        }
        return ctx;
    }
    if (has_tid) {
        negotiation *n = get_neg(e, (int64_t)tid, 0);
        if (!n) {
            /* a job on this thread may have started it without an id */
            const thread_bind *b = tb(e, l->thread);
            negotiation *bound = (b && b->thread == l->thread && near(e, b->line))
                                     ? neg_find(&e->store, b->id) : NULL;
            /* no thread (ipsec up, swanctl output): the lines just before */
            if (!b && e->last_id_line && near(e, e->last_id_line))
                bound = neg_find(&e->store, e->last_id);
            /* or a program relaying charon said it came up just before
             * ("connection '%s' established successfully", no id) */
            negotiation *up = relayed_up(e, ev->f[MF_NAME]);
            if (up && !(bound && bound->synthetic && bound->conn.len))
                bound = up;
            if (bound && bound->synthetic) {
                int64_t old = bound->id;
                if (neg_rekey(&e->store, bound, (int64_t)tid) == 0) {
                    rebind_id(e, old, (int64_t)tid);
                    n = bound;
                }
            }
            if (!n)
                n = get_neg(e, (int64_t)tid, 1);
        }
        if (n)
            bind_thread(e, l->thread, n);
        return n;
    }
    if (__builtin_expect(ev->kind == EV_NO_CONFIG_NAMED, 0))
        return get_neg(e, INT64_MIN, 1); /* no SA: a negotiation of its own */
    if (__builtin_expect(daemon_kind(ev->kind), 0)) {
        /* one negotiation for the daemon's own few lines: a crash, a start
         * that failed, what did not load */
        negotiation *c = e->crash_id ? neg_find(&e->store, e->crash_id) : NULL;
        if (!c && (c = get_neg(e, INT64_MIN, 1)) != NULL)
            e->crash_id = c->id;
        return c;
    }
    if (__builtin_expect(ev->kind == EV_SEND_ERROR || ev->kind == EV_NO_SOCKET, 0)) {
        /* the sender thread, in no SA's context: the packet it failed to
         * send is the one logged just before */
        return e->last_send_line && e->line - e->last_send_line <= SEND_ERROR_LINES
                   ? neg_find(&e->store, e->last_send_id) : NULL;
    }
    if (__builtin_expect(setup_dropped_kind(ev->kind), 0))
        return setup_drops_of(e, ev->f[MF_RHOST], 1);
    if (__builtin_expect(ev->kind == EV_UNENCRYPTED_INFO, 0)) {
        /* no SA context: the IKEv1 SA still waiting for its peer's first
         * answer, to which an IKEv2 INFORMATIONAL is an answer it cannot
         * read (fold_unencrypted_info) */
        span host = host_of(ev->f[MF_RHOST], NULL);
        negotiation *c = e->store.lru_head;
        for (int k = 0; c && k < ADDR_SCAN_MAX; k++, c = c->lru_next)
            if (c->ike_version == 1 && !c->ike_established && c->awaiting &&
                has_remote(c, host.p, host.n))
                return c;
        return NULL;
    }
    if (e->ike_name)
        return NULL; /* a line without SA context in a log that has them */

    negotiation *n = NULL;
    if (ev->kind == EV_HALF_OPEN_TIMEOUT && (n = half_open_of(e, ev)) != NULL) {
        /* a timer job: the SA it deletes, not the thread's last */
    } else if (ev->kind == EV_IKE_REKEYED && (n = rekeyed_from(e, ev)) != NULL) {
        /* logged by the old SA, naming the new one: not the thread's
         * last SA, which is the new one by its state change */
    } else if (ev->kind == EV_PACKET_RECV) {
        /* a new job: the packet's sender tells which SA */
        span host = host_of(ev->f[MF_RHOST], NULL);
        n = find_by_remote(e, host);
        if (!n)
            n = get_neg(e, INT64_MIN, 1);
    } else {
        const thread_bind *b = tb(e, l->thread);
        if (b && b->thread == l->thread && near(e, b->line))
            n = neg_find(&e->store, b->id);
        if (!n && e->last_id_line && near(e, e->last_id_line))
            n = neg_find(&e->store, e->last_id);
        if (n && ev->kind == EV_PARSED)
            n = by_sequence(e, n, ev);
        if (n && n->ike_established && (phase1_only_kind(ev->kind) || phase1_message(e, ev)))
            n = unestablished_peer(e, n);
        /* a kernel error can come first, before the "unable to install"
         * lines of its SA (swanctl --initiate output) */
        if (!n && (relevant || ev->kind == EV_KNL_ERROR))
            n = get_neg(e, INT64_MIN, 1);
    }
    if (n)
        bind_thread(e, l->thread, n);
    return n;
}

/* ---- config dump ------------------------------------------------------------------------ */

static size_t lead_spaces(span s)
{
    size_t i = 0;
    while (i < s.n && s.p[i] == ' ')
        i++;
    return i;
}

/* The connection whose dump line l continues: the one being dumped, if l
 * comes from the thread that began it (dumps of two loads may interleave);
 * NULL for none. */
static conf_conn *dumped_conn(conf_store *cs, const charon_line *l)
{
    if (!cs->cur || (cs->thread >= 0 && l->thread >= 0 && l->thread != cs->thread))
        return NULL;
    return cs->cur;
}

static void conf_kv(idg_engine *e, const charon_line *l, const msg_event *ev)
{
    conf_store *cs = &e->conf;
    conf_conn *c = dumped_conn(cs, l);
    if (!c)
        return;
    size_t ind = lead_spaces(l->msg);
    size_t k = ind;
    while (k < l->msg.n && l->msg.p[k] != ' ')
        k++;
    span key = {l->msg.p + ind, k - ind};
    span val = ev->f[MF_VALUE];
    int level; /* 2 = conn, 3 = child/auth */
    if (ind == 2 || ind == 3)
        level = (int)ind;
    else if (span_eq(key, "local_ts") || span_eq(key, "remote_ts") || span_eq(key, "mode") ||
             span_eq(key, "start_action") || span_eq(key, "id") || span_eq(key, "class"))
        level = 3;
    else if (span_eq(key, "proposals"))
        level = cs->section == 3 ? 3 : 2;
    else
        level = 2;
    if (level == 2) {
        cs->section = 0;
        if (span_eq(key, "version")) {
            uint64_t v;
            c->version = span_u64(val, &v) == 0 ? (int)v : -1;
        } else if (span_eq(key, "aggressive")) {
            c->aggressive = span_eq(val, "1") || span_eq(val, "yes");
        } else if (span_eq(key, "local_addrs")) {
            set_big(&c->local_addrs, val);
        } else if (span_eq(key, "remote_addrs")) {
            set_big(&c->remote_addrs, val);
        } else if (span_eq(key, "proposals")) {
            set_big(&c->proposals, val);
        }
        conf_conn_changed(cs, c);
        return;
    }
    if (cs->section == 1 || cs->section == 2) {
        nstr *id = cs->section == 1 ? &c->local_id : &c->remote_id;
        nstr *cls = cs->section == 1 ? &c->local_class : &c->remote_class;
        if (span_eq(key, "id") && id->len == 0)
            set_span(id, val);
        else if (span_eq(key, "class") && cls->len == 0)
            set_span(cls, val);
        return;
    }
    if (cs->section == 3 && cs->cur_child) {
        conf_child *ch = cs->cur_child;
        if (span_eq(key, "proposals"))
            set_big(&ch->proposals, val);
        else if (span_eq(key, "local_ts"))
            set_big(&ch->local_ts, val);
        else if (span_eq(key, "remote_ts"))
            set_big(&ch->remote_ts, val);
        else if (span_eq(key, "mode"))
            set_span(&ch->mode, val);
    }
}

/* An authentication round of ipsec.conf (leftauth=, rightauth=) as the
 * class the vici dump names ("pre-shared key", "public key", "EAP",
 * "XAuth"), which the rules compare with charon's messages; NULL for
 * what maps to none ("any"). */
static const char *stroke_auth_class(span v)
{
    static const struct {
        const char *prefix, *cls;
    } map[] = {
        {"psk", "pre-shared key"}, {"secret", "pre-shared key"}, {"pubkey", "public key"},
        {"rsa", "public key"}, {"ecdsa", "public key"}, {"bliss", "public key"},
        {"eap", "EAP"}, {"xauth", "XAuth"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].prefix);
        if (v.n >= n && strncasecmp(v.p, map[i].prefix, n) == 0)
            return map[i].cls;
    }
    return NULL;
}

/* The one CHILD_SA of an ipsec.conf conn: named after it, made on first use. */
static conf_child *stroke_child(conf_conn *c)
{
    if (c->n_children > 0)
        return &c->children[0];
    conf_child *ch = conf_add_child(c);
    if (ch && c->name.len)
        set_span(&ch->name, (span){c->name.p, c->name.len});
    return ch;
}

/* "  key=value" of stroke's dump (EV_STROKE_KV): the ipsec.conf option as
 * the vici dump's field it stands for. */
static void stroke_kv(idg_engine *e, const charon_line *l, const msg_event *ev)
{
    conf_store *cs = &e->conf;
    conf_conn *c = dumped_conn(cs, l);
    if (!c)
        return;
    size_t ind = lead_spaces(l->msg);
    const char *eq = memchr(l->msg.p + ind, '=', l->msg.n - ind);
    if (!eq)
        return;
    span key = {l->msg.p + ind, (size_t)(eq - l->msg.p) - ind};
    span val = ev->f[MF_VALUE];
    conf_child *ch;
    const char *cls;
    if (span_eq(key, "left")) {
        set_big(&c->local_addrs, val);
    } else if (span_eq(key, "right")) {
        set_big(&c->remote_addrs, val);
    } else if (span_eq(key, "leftid")) {
        set_span(&c->local_id, val);
    } else if (span_eq(key, "rightid")) {
        set_span(&c->remote_id, val);
    } else if (span_eq(key, "leftauth") || span_eq(key, "rightauth")) {
        nstr *dst = key.p[0] == 'l' ? &c->local_class : &c->remote_class;
        if (!dst->len && (cls = stroke_auth_class(val)) != NULL)
            set_span(dst, (span){cls, strlen(cls)});
    } else if (span_eq(key, "keyexchange")) {
        c->version = span_eq(val, "ikev1") ? 1 : span_eq(val, "ikev2") ? 2 : span_eq(val, "ike") ? 0 : -1;
    } else if (span_eq(key, "aggressive")) {
        c->aggressive = span_eq(val, "1") || span_eq(val, "yes");
    } else if (span_eq(key, "leftsubnet") || span_eq(key, "rightsubnet")) {
        if ((ch = stroke_child(c)) != NULL)
            set_big(key.p[0] == 'l' ? &ch->local_ts : &ch->remote_ts, val);
    }
    conf_conn_changed(cs, c);
}

static void conf_event(idg_engine *e, const charon_line *l, const msg_event *ev)
{
    conf_store *cs = &e->conf;
    cs->generation++; /* whatever this line changes in the loaded set */
    switch (ev->kind) {
    case EV_CONF_CONN:
        conf_begin(cs, ev->f[MF_NAME].p, ev->f[MF_NAME].n, l->thread);
        break;
    case EV_CONF_CHILD:
        if (cs->cur) {
            conf_child *ch = conf_add_child(cs->cur);
            if (!ch)
                break;
            set_span(&ch->name, ev->f[MF_CHILD]);
            cs->cur_child = ch;
            cs->section = 3;
        }
        break;
    case EV_CONF_LOCAL:
        if (cs->cur)
            cs->section = 1;
        break;
    case EV_CONF_REMOTE:
        if (cs->cur)
            cs->section = 2;
        break;
    case EV_CONF_KV:
        conf_kv(e, l, ev);
        break;
    case EV_STROKE_CONN:
        conf_begin(cs, ev->f[MF_NAME].p, ev->f[MF_NAME].n, l->thread);
        break;
    case EV_STROKE_KV:
        stroke_kv(e, l, ev);
        break;
    case EV_STROKE_ID_DEFAULTED: {
        conf_conn *c = dumped_conn(cs, l);
        if (c) {
            set_span(&c->id_unconfirmed, ev->f[MF_VALUE]);
            set_span(&c->local_id, ev->f[MF_TEXT]);
            conf_conn_changed(cs, c);
        }
        break;
    }
    case EV_STROKE_ADDED:
    case EV_CONF_ADDED:
        if (cs->cur && span_eq(ev->f[MF_NAME], cs->cur->name.p ? cs->cur->name.p : ""))
            cs->cur->complete = 1;
        cs->cur = NULL;
        cs->cur_child = NULL;
        break;
    default:
        break;
    }
}

/* ---- folding events into a negotiation ---------------------------------------------------- */

static void set_version(negotiation *n, int v)
{
    if (v && !n->ike_version)
        n->ike_version = v;
}

static void set_role(negotiation *n, idg_role r)
{
    if (n->ike_role == IDG_ROLE_UNKNOWN)
        n->ike_role = r;
}

/* Sets dst to s unless it already holds it; 1 if it changed. */
static int set_if_changed(nstr *dst, span s)
{
    if (dst->len == s.n && (!s.n || same_text(dst->p, s.p, s.n)))
        return 0;
    set_span(dst, s);
    return 1;
}

static void set_addrs(negotiation *n, span local, span remote)
{
    int port = 0;
    if (local.n)
        set_if_changed(&n->local_addr, host_of(local, NULL));
    if (remote.n) {
        if (set_if_changed(&n->remote_addr, host_of(remote, &port)))
            n->tunnel_dirty = 1;
        if (port)
            n->remote_port = port;
    }
}

static int proposals_phase(span s)
{
    size_t i = lead_spaces(s);
    if (s.n - i >= 4 && memcmp(s.p + i, "IKE:", 4) == 0)
        return 1;
    return 2;
}

static void fact(negotiation *n, int f)
{
    n->facts |= FACT(f);
}

/* A rejection without the proposal lists logged: keep the transform type
 * of the failed selection as the hint. */
static void take_sel_type(negotiation *n, int phase)
{
    nstr *dst = phase == 1 ? &n->p1_no_acceptable : &n->p2_no_acceptable;
    if (n->sel_failed && n->sel_type.len && !dst->len)
        nstr_set(dst, n->sel_type.p, n->sel_type.len);
}

/* Per-kind evidence priority: 3 key lines, 2 supporting, 1 context. */
static int evidence_prio(msg_kind k)
{
    switch (k) {
    case EV_PACKET_RECV:
    case EV_PACKET_SEND:
    case EV_GENERATING:
    case EV_PARSED:
    case EV_IKE_STATE:
    case EV_CHILD_STATE:
    case EV_CHILD_CLOSING:
    case EV_CHILD_DELETE_RECV:
    case EV_CHILD_DELETE_SEND:
    case EV_SELECTING_PROPOSAL:
    case EV_PROPOSAL_MATCHES:
    case EV_SELECTED_PROPOSAL:
    case EV_PARSE_FAILED:
    case EV_PROCESSING_FAILED:
    case EV_COULD_NOT_DECRYPT:
    case EV_DPD_REQUEST:
    case EV_TS_HEADER_SELECT_US:
    case EV_TS_HEADER_SELECT_OTHER:
    case EV_TS_NARROW:
    case EV_FOUND_CHILD_CFG:
    case EV_SELECTED_PEER_CFG:
    case EV_IKE_CFG_LOOKUP:
    case EV_SEND_CERT:
    case EV_AUTH_MYSELF:
    case EV_AUTH_MYSELF_OK:
    case EV_AUTH_PEER_OK:
    case EV_ESTABLISHING_CHILD:
    case EV_RECV_DELETE_IKE:
    case EV_DELETING_IKE:
    case EV_SEND_DELETE_IKE:
    case EV_IKE_DELETED:
    case EV_NOTIFY_STATUS:
    case EV_IKE_REKEY_FAILED:
    case EV_CHILD_CREATE_RETRY:
    case EV_VIP_ASSIGNED:
    case EV_DHCP_OFFER:
    case EV_KNL_SA_ALGORITHM:
        return 1;
    case EV_INITIATING_V2:
    case EV_INITIATING_MM:
    case EV_INITIATING_AM:
    case EV_RESPONDING_V2:
    case EV_RESPONDING_MM:
    case EV_RESPONDING_AM:
    case EV_NAT_REMOTE:
    case EV_NAT_LOCAL:
    case EV_NAT_FAKE:
    case EV_NO_ACCEPTABLE_TYPE:
    case EV_RECEIVED_PROPOSALS:
    case EV_CONFIGURED_PROPOSALS:
    case EV_LOOKING_CHILD_CFG:
    case EV_TS_HEADER_PROPOSE_US:
    case EV_TS_HEADER_PROPOSE_OTHER:
    case EV_LOOKING_PEER_CFG_V1:
    case EV_LOOKING_PEER_CFG_V2:
    case EV_UNKNOWN_CA_REQ:
    case EV_CERT_ISSUER:
    case EV_KNL_FAILED:
    case EV_KNL_SPI_FAILED:
    case EV_POLICY_CONFLICT:
    case EV_KNL_ERROR:
    case EV_INVALID_KE_I:
    case EV_INVALID_KE_R:
    case EV_GIVING_UP:
    case EV_RETRANSMIT_V1:
    case EV_RETRANSMIT_V2:
    case EV_NO_ALT_CONFIG:
    case EV_PEER_RETRY:
    case EV_RESOLVE_FAILED:
    case EV_PEER_CERT:
    case EV_EAP_METHOD:
    case EV_EAP_IDENTITY_SENT:
    case EV_EAP_SUCCEEDED:
    case EV_XAUTH_OK:
    case EV_REMOTE_ID_MATCH:
    case EV_DHCP_DISCOVER:
    case EV_VIP_NOT_FOUND_FOR:
    case EV_CONN_RESULT:
    case EV_CONN_UP:
        return 2;
    case EV_NONE:
    case EV__COUNT:
    case EV_DAEMON_START:
    case EV_CONF_CONN:
    case EV_CONF_CHILD:
    case EV_CONF_LOCAL:
    case EV_CONF_REMOTE:
    case EV_CONF_KV:
    case EV_CONF_ADDED:
    case EV_VENDOR_ID: /* read for what it announces, no evidence */
    case EV_CERT_CHAIN_CA: /* named in the detail when it matters */
    case EV_PEER_CANDIDATE:
        return 0;
    default:
        return 3;
    }
}

static int current_phase(const negotiation *n)
{
    switch (n->exch) {
    case EX_QUICK_MODE:
    case EX_CREATE_CHILD_SA:
        return n->exch_ike_rekey ? 1 : 2;
    case EX_IKE_AUTH:
        return 0;
    case EX_ID_PROT:
    case EX_AGGRESSIVE:
    case EX_IKE_SA_INIT:
    case EX_IKE_INTERMEDIATE:
        return 1;
    default:
        return (n->ike_established || n->main_exch == EX_QUICK_MODE) ? 2 : 1;
    }
}

typedef struct fold_result {
    int terminal;    /* 1 = start the grace window, 2 = conclude after this line,
                      * 3 = start it, or keep the open one GRACE_CLOSER_LINES more */
    int phase;       /* evidence phase */
    int prio;        /* evidence priority */
} fold_result;

/* An error notify this end sends says what it rejected, also when the
 * reason itself was logged at a level not enabled. */
/* This end could not give the peer a virtual IP, or install its own: the
 * cause, kept when a later line says less ("no virtual IP found" after
 * "pool ... is full"; the notify it sends after either). What this end
 * learnt before about its pool or DHCP server explains a bare "no virtual
 * IP found". */
static void vip_failed(negotiation *n, vip_cause c)
{
    fact(n, F2_VIP_FAILED);
    if (c == VIP_NO_ADDRESS || c == VIP_UNKNOWN) {
        if (n->vip_pool.len)
            c = VIP_POOL_FULL;
        else if (n->dhcp_discovers && !n->dhcp_offered)
            c = VIP_DHCP_NO_ANSWER;
    }
    if (n->vip_cause == VIP_UNKNOWN || (n->vip_cause == VIP_NO_ADDRESS && c != VIP_UNKNOWN))
        n->vip_cause = (uint8_t)c;
}

static void on_sent_notify(negotiation *n, const summary *s, fold_result *r)
{
    span p = s->payloads;
    int p2ctx = n->ike_established || n->main_exch == EX_QUICK_MODE || n->info_protected ||
                n->main_exch == EX_CREATE_CHILD_SA ||
                (n->main_exch == EX_NONE && n->last_prop_phase == 2) ||
                (s->x == EX_INFORMATIONAL_V1 && span_has(p, "HASH") && n->facts & F2_MASK) ||
                /* an IKE_AUTH response with AUTH: the IKE_SA is up, a
                 * notify in it is about the CHILD_SA */
                (s->x == EX_IKE_AUTH && span_has(p, " AUTH "));
    int p1x = s->x == EX_ID_PROT || s->x == EX_AGGRESSIVE || s->x == EX_IKE_SA_INIT ||
              (!p2ctx && (s->x == EX_INFORMATIONAL_V1 || s->x == EX_IKE_AUTH));
    if (span_has(p, "N(NO_PROP)")) {
        if (p1x && !n->ike_established)
            n->facts |= FACT(F1_SENT_NO_PROP);
        else if (!(n->facts & FACT(F2_INSTALL_FAILED)))
            n->facts |= FACT(F2_PROPOSAL_REJECT);
        r->terminal = 1;
    } else if (span_has(p, "N(TS_UNACCEPT)") || (span_has(p, "N(INVAL_ID)") && !p1x)) {
        n->facts |= FACT(F2_TS_UNACCEPTABLE);
        r->terminal = 1;
    } else if (span_has(p, "N(INT_ADDR_FAIL)") || span_has(p, "N(FAIL_CP_REQ)")) {
        vip_failed(n, span_has(p, "N(FAIL_CP_REQ)") ? VIP_NOT_REQUESTED : VIP_NO_ADDRESS);
        r->terminal = 1;
    } else if (span_has(p, "N(AUTH_FAILED)") && !n->ike_established &&
               !n->payload_notify_unauthenticated) {
        n->facts |= FACT(F1_SENT_AUTH_FAILED);
        /* IKEv2: a responder rejects in its IKE_AUTH response; an INFORMATIONAL
         * request is the initiator rejecting the responder's AUTH */
        if (s->version == 2 && s->x == EX_INFORMATIONAL && s->request)
            set_role(n, IDG_ROLE_INITIATOR);
        r->terminal = 1;
    }
}

static void on_received_notifies(negotiation *n, const summary *s);

static void on_summary(negotiation *n, const summary *sum, int generating, fold_result *r)
{
    if (!sum)
        return;
    const summary s = *sum;
    int we_init = generating ? s.request : !s.request;
    set_version(n, s.version);
    if (generating) {
        n->last_gen_x = s.x;
        n->last_gen_request = s.request;
        n->last_gen_msgid = s.msgid;
        /* this end took the peer's first message (its answer carries an
         * SA), rather than refusing it with a notify (INVALID_KE, COOKIE) */
        n->init_accepted = !s.request && s.msgid == 0 && s.payloads.n >= 5 &&
                           memcmp(s.payloads.p, " [ SA", 5) == 0;
        if (s.request)
            n->awaiting = 1;
    } else if (!s.request) {
        n->awaiting = 0;
    } else if (s.version == 2) {
        n->next_peer_msgid = s.msgid + 1;
    }
    if (!generating && s.request && s.x == EX_IKE_AUTH && span_has(s.payloads, "CPRQ("))
        n->peer_wants_vip = 1;
    /* a Quick Mode request with a KE payload asks for PFS */
    if (generating && s.request && s.x == EX_QUICK_MODE)
        n->qm_sent_ke = span_has(s.payloads, " KE ");
    /* Main Mode message 5, the first encrypted one: [ ID HASH ] with a
     * pre-shared key, [ ID CERT SIG ] with certificates */
    if (generating && s.request && s.x == EX_ID_PROT && span_has(s.payloads, " ID "))
        n->v1_id_sent = span_has(s.payloads, " HASH ") ? 2 : 1;
    /* the peer's signed authentication (IKEv2 AUTH, IKEv1 SIG): whether it
     * carried its certificate (fold_cert_problem: a key not found for a
     * peer that sent none) */
    if (!generating && (s.x == EX_IKE_AUTH || s.x == EX_ID_PROT || s.x == EX_AGGRESSIVE) &&
        (span_has(s.payloads, " AUTH ") || span_has(s.payloads, " SIG ")))
        n->peer_auth_cert = span_has(s.payloads, " CERT ") ? 1 : 2;
    if (s.x == EX_INFORMATIONAL_V1)
        n->info_protected = s.msgid != 0 && s.payloads.n >= 7 &&
                            memcmp(s.payloads.p, " [ HASH", 7) == 0; /* HASH comes first */
    /* IKEv1 XAuth: the peer's TRANSACTION asks for a user and password; an
     * answer whose CP carries no attributes ("[ HASH CP ]") has none */
    if (s.x == EX_TRANSACTION && !generating && s.request && span_has(s.payloads, "X_USER"))
        n->xauth_asked = 1;
    else if (s.x == EX_TRANSACTION && generating && !s.request && n->xauth_asked == 1 &&
             span_has(s.payloads, " CP ]"))
        n->xauth_asked = 2;
    n->exch = s.x;
    if (s.x != EX_INFORMATIONAL && s.x != EX_INFORMATIONAL_V1 && s.x != EX_OTHER)
        n->main_exch = s.x;
    n->exch_we_initiated = we_init;
    n->exch_msgid = s.msgid;
    n->exch_rekey = 0;
    n->exch_ike_rekey = 0;
    if (s.x == EX_ID_PROT || s.x == EX_AGGRESSIVE || s.x == EX_IKE_SA_INIT) {
        if (s.msgid == 0 && !n->ike_established)
            set_role(n, we_init ? IDG_ROLE_INITIATOR : IDG_ROLE_RESPONDER);
        /* the IKE_SA_INIT answer says whether IKE fragmentation was
         * negotiated (charon adds N(FRAG_SUP) only when both ends have it) */
        if (s.x == EX_IKE_SA_INIT && !s.request && span_has(s.payloads, " KE "))
            n->frag_sup = span_has(s.payloads, "N(FRAG_SUP)") ? 1 : 2;
        /* the peer's answer to the retry after an INVALID_KE_PAYLOAD
         * carries its key exchange: it took the group it asked for */
        if (s.x == EX_IKE_SA_INIT && we_init && !generating && (n->facts & FACT(F1_INVALID_KE)) &&
            span_has(s.payloads, " KE "))
            n->ke_retry_accepted = 1;
        if (s.x == EX_AGGRESSIVE && !n->mode)
            n->mode = 2;
        else if (s.x == EX_ID_PROT && !n->mode)
            n->mode = 1;
    }
    if (s.x == EX_CREATE_CHILD_SA) {
        if (span_has(s.payloads, "REKEY_SA"))
            n->exch_rekey = 1;
        else if (!span_has(s.payloads, "TSi") && span_has(s.payloads, " SA "))
            n->exch_ike_rekey = n->ike_rekeyed = n->tunnel_dirty = 1;
    }
    if (s.x == EX_QUICK_MODE || s.x == EX_IKE_AUTH ||
        (s.x == EX_CREATE_CHILD_SA && !n->exch_ike_rekey)) {
        if (n->p2_exch != s.x || n->p2_msgid != s.msgid || n->p2_we_initiated != we_init) {
            /* a new phase 2 attempt: the child name is known only if this
             * end announced it ("establishing CHILD_SA") */
            n->child_fresh = we_init && n->child_announced;
            n->child_announced = 0;
            n->p2_exch = s.x;
            n->p2_msgid = s.msgid;
            n->p2_we_initiated = we_init;
            n->p2_rekey = n->exch_rekey || (s.x == EX_QUICK_MODE && n->child_ever_established);
            n->p2_open = 1;
        }
    }
    int routine = (n->ike_established || n->main_exch == EX_NONE) && !n->facts && !n->pending &&
                  (s.x == EX_INFORMATIONAL || s.x == EX_INFORMATIONAL_V1) && n->retransmits == 0;
    if (!routine && (s.version == 2 || ((s.x == EX_QUICK_MODE || s.x == EX_INFORMATIONAL_V1 ||
                                         s.x == EX_TRANSACTION) && s.msgid != 0)))
        neg_add_msgid(n, s.msgid);
    r->phase = current_phase(n);
    if (s.error_notify) {
        r->prio = 2;
        if (generating)
            on_sent_notify(n, &s, r);
        else
            on_received_notifies(n, &s);
    }
}

/* The error notifies of a received message, read from its payload list
 * (charon's short names): the "received ... notify" line that usually
 * follows says the same and is often cut from a paste, and for an
 * unprotected IKEv1 notify charon logs none ("ignoring unprotected
 * INFORMATIONAL"). IKEv2's INVALID_KE is left to its own lines (a retry
 * with the group asked for is routine). */
static void on_received_notifies(negotiation *n, const summary *s)
{
    /* an IKE_AUTH answer that authenticated the IKE_SA: its error is the
     * CHILD_SA's */
    int auth_answer = s->version == 2 && s->x == EX_IKE_AUTH;
    int authenticated = auth_answer && span_has(s->payloads, " AUTH ");
    const char *q = s->payloads.p, *end = s->payloads.p + s->payloads.n;
    const struct error_notify *en;
    while (!n->payload_notify && (en = next_error_notify(&q, end)) != NULL) {
        if (s->version == 2 && span_eq(en->name, "INVALID_KE_PAYLOAD"))
            continue;
        /* IKE_AUTH's SA and TS payloads are the CHILD_SA's (the IKE_SA's
         * proposal was settled in IKE_SA_INIT): a proposal or selector
         * error in its answer is the CHILD_SA's even without IDr and AUTH
         * (strongSwan 6.0.1 answers [ N(NO_PROP) ] alone when it cannot
         * install the CHILD_SA, and the initiator then finds IDr missing) */
        int child = authenticated || (auth_answer && is_child_notify(en->name));
        n->payload_notify = en->name.p;
        n->payload_notify_len = en->name.n;
        n->payload_notify_version = s->version;
        n->payload_notify_child = child;
        n->payload_notify_unauthenticated = child && !authenticated;
        n->payload_notify_p2 = child || n->ike_established;
        n->payload_notify_child_est = n->child_est_count;
    }
}

/* An error notify the peer sent (nt as charon names it; child: it is
 * about the CHILD_SA alone) as a fact of the negotiation. */
static void on_notify(negotiation *n, span nt, int v, int child, fold_result *r)
{
    int est = n->ike_established != 0;
    /* IKEv1: a Quick Mode in progress makes a notify a phase 2 answer,
     * also in excerpts that do not show the IKE_SA coming up */
    int qm = n->main_exch == EX_QUICK_MODE ||
             (n->main_exch == EX_NONE && n->last_prop_phase == 2);
    if (v == 1 && (qm || (n->exch == EX_INFORMATIONAL_V1 && n->info_protected)))
        est = 1; /* a notify under the ISAKMP SA's protection (HASH): after Main Mode */
    int f = -1;
    set_version(n, v);
    if (span_eq(nt, "INTERNAL_ADDRESS_FAILURE") || span_eq(nt, "FAILED_CP_REQUIRED")) {
        /* about the virtual IP, whatever the exchange */
        f = F2_NOTIFY_VIP;
        n->vip_cause = nt.p[0] == 'I' ? VIP_PEER_NO_ADDRESS : VIP_PEER_REQUIRES;
    } else if (v == 1 && n->ike_established && n->last_gen_x == EX_TRANSACTION && n->last_gen_request &&
               !n->xauth_asked) {
        /* an IKEv1 error notify answering this end's mode config request
         * (TRANSACTION [ CPRQ(ADDR ...) ]): the peer gives no addresses */
        f = F2_NOTIFY_VIP;
        n->vip_cause = VIP_PEER_REFUSES_CP;
    } else if (child) {
        if (span_eq(nt, "NO_PROPOSAL_CHOSEN"))
            f = F2_NOTIFY_NO_PROP;
        else if (span_eq(nt, "TS_UNACCEPTABLE") || span_eq(nt, "INVALID_SELECTORS") ||
                 span_eq(nt, "SINGLE_PAIR_REQUIRED"))
            f = F2_NOTIFY_TS;
        else
            f = F2_NOTIFY_OTHER;
    } else if (span_eq(nt, "NO_PROPOSAL_CHOSEN")) {
        int p2 = v == 1 ? (est && n->main_exch != EX_ID_PROT && n->main_exch != EX_AGGRESSIVE)
                        : (n->exch == EX_CREATE_CHILD_SA && !n->exch_ike_rekey);
        f = p2 ? F2_NOTIFY_NO_PROP : F1_NOTIFY_NO_PROP;
    } else if (span_eq(nt, "INVALID_ID_INFORMATION")) {
        f = est ? F2_NOTIFY_TS : F1_NOTIFY_AUTH_FAILED;
    } else if (span_eq(nt, "TS_UNACCEPTABLE") || span_eq(nt, "INVALID_SELECTORS")) {
        f = F2_NOTIFY_TS;
    } else if (span_eq(nt, "AUTHENTICATION_FAILED")) {
        f = F1_NOTIFY_AUTH_FAILED;
    } else if (span_eq(nt, "PAYLOAD_MALFORMED") || span_eq(nt, "INVALID_HASH_INFORMATION")) {
        f = est ? -1 : F1_NOTIFY_PSK;
        if (est && n->ike_established && nt.p[0] == 'P' && n->malformed_up < UINT16_MAX)
            n->malformed_up++;
    } else if (v == 2 && !est && n->exch == EX_IKE_INTERMEDIATE && span_eq(nt, "INVALID_SYNTAX")) {
        /* the answer to this end's additional key exchange (RFC 9370): the
         * peer selected a method it cannot compute (6.0.1 without an ML-KEM
         * provider: "negotiated key exchange method ML_KEM_768 not
         * supported"), no version matter */
        f = F1_NOTIFY_ADDKE;
    } else if (span_eq(nt, "INVALID_MAJOR_VERSION") || span_eq(nt, "INVALID_SYNTAX")) {
        f = est ? -1 : F1_NOTIFY_VERSION;
    } else if (span_eq(nt, "INVALID_CERTIFICATE") || span_eq(nt, "INVALID_CERT_AUTHORITY") ||
               span_eq(nt, "CERT_TYPE_UNSUPPORTED") || span_eq(nt, "INVALID_CERT_ENCODING") ||
               span_eq(nt, "INVALID_SIGNATURE")) {
        f = est ? -1 : F1_NOTIFY_CERT;
    } else if (span_eq(nt, "INVALID_KE_PAYLOAD")) {
        /* v2 IKE_SA_INIT INVALID_KE is logged elsewhere; IKEv1's
         * INVALID_KEY_INFORMATION prints as INVALID_KE_PAYLOAD: the Main
         * Mode responder could not derive keys (no pre-shared key found) */
        f = est ? F2_NOTIFY_NO_PROP : (v == 1 ? F1_NOTIFY_PSK : -1);
    } else if (v == 1 && !est && (span_eq(nt, "(29)") || span_eq(nt, "UNSUPPORTED_EXCHANGE_TYPE"))) {
        /* RFC 2408's UNSUPPORTED-EXCHANGE-TYPE, which charon prints as a
         * number: the peer does not do this mode */
        f = F1_NOTIFY_EXCHANGE;
    } else if (!est && (nt.n && (nt.p[0] == '(' || span_eq(nt, "UNSUPPORTED_CRITICAL_PAYLOAD") ||
                                 span_eq(nt, "INVALID_IKE_SPI") || span_eq(nt, "INVALID_MESSAGE_ID") ||
                                 span_eq(nt, "NO_ADDITIONAL_SAS") || span_eq(nt, "TEMPORARY_FAILURE")))) {
        f = F1_NOTIFY_OTHER;
    }
    if (f < 0) {
        r->prio = 2;
        return;
    }
    fact(n, f);
    set_span(&n->notify, nt);
    n->notify_phase = (FACT(f) & F1_MASK) ? 1 : 2;
    r->phase = n->notify_phase;
    r->terminal = 1;
}

/* A responder's IKEv2 negotiation that answered IKE_SA_INIT and got no
 * IKE_AUTH while the log ran on this long is half open, though the log
 * ends before charon's own timeout (30 s) says so. */
#define HALF_OPEN_CUT_MS 10000

/* What a negotiation that ends without a failure line still tells (a
 * paste is often cut before charon concludes): a responder's IKE_SA_INIT
 * answered and no IKE_AUTH for HALF_OPEN_CUT_MS; this end's request still
 * unanswered after retransmits; an error notify seen only in a received
 * payload list (on_received_notifies), when what it was about did not come
 * up after all: the notify line that usually follows
 * may be cut from the paste, and without SA ids a payload list can be read
 * into the wrong one of two negotiations with the same peer, whose own
 * lines then show it succeed. */
static void conclude_unfinished(const idg_engine *e, negotiation *n)
{
    /* a client that refused the server's EAP method and never got in:
     * that, rather than the retransmits or the EAP_FAILURE that follow */
    if (n->eap_nak == 1 && !n->ike_established && !(n->facts & F2_MASK)) {
        fact(n, F1_EAP_FAILED);
        return;
    }
    /* an IKEv2 initiator that verified the peer's AUTH, the paste ending
     * before "IKE_SA ... established": up (a DH group retry the peer
     * accepted is no failure of it) */
    uint64_t failed = n->facts & (F1_MASK | F2_MASK) & ~(n->ke_retry_accepted ? FACT(F1_INVALID_KE) : 0);
    if (!failed && n->ike_version == 2 && n->ike_role == IDG_ROLE_INITIATOR && !n->ike_established &&
        n->peer_auth_ok_line && n->main_exch == EX_IKE_AUTH) {
        n->ike_established = 1;
        n->ike_inferred = 3;
        n->tunnel_dirty = 1;
        n->established_line = n->peer_auth_ok_line;
        n->established_ts = n->peer_auth_ok_ts;
        n->ike_est_seq = (uint32_t)n->peer_auth_ok_line;
        if (!n->payload_notify)
            return; /* (an error notify in that answer is the CHILD_SA's: below) */
    }
    if (n->facts & (F1_MASK | F2_MASK))
        return;
    if (n->ike_version == 2 && n->ike_role == IDG_ROLE_RESPONDER && !n->ike_established &&
        n->main_exch == EX_IKE_SA_INIT && n->last_gen_x == EX_IKE_SA_INIT && !n->last_gen_request &&
        n->last_send_ts >= 0 && e->last_ts - n->last_send_ts >= HALF_OPEN_CUT_MS) {
        fact(n, F1_HALF_OPEN);
        n->half_open_waited_ms = e->last_ts - n->last_send_ts;
        return;
    }
    /* the peer keeps sending its first request although this end answers
     * each one ("received retransmit of request with ID 0, retransmitting
     * response"), and the paste ends there: the answers do not reach it */
    if (n->ike_role == IDG_ROLE_RESPONDER && !n->ike_established && n->peer_retransmits >= 2 &&
        !n->last_gen_request && (n->main_exch == EX_IKE_SA_INIT || n->main_exch == EX_ID_PROT ||
                                 n->main_exch == EX_AGGRESSIVE)) {
        fact(n, F1_HALF_OPEN);
        n->half_open_cut = 1;
        return;
    }
    /* a paste cut while charon retransmits its phase 1 request: two
     * retransmits unanswered is what a reader concludes from; one, when
     * the peer answered the messages before it (IKE_AUTH after IKE_SA_INIT,
     * Main Mode message 5 after 1-4) and the SA then ended or the log did */
    int answered_before = (n->ike_version == 2 && n->retransmit_msgid >= 1) ||
                          (n->v1_id_sent && n->last_gen_x == EX_ID_PROT);
    /* ... unless the peer did answer, with an error notify that charon
     * then ignored (an unprotected IKEv1 PAYLOAD_MALFORMED after Main Mode
     * message 5: the peer could not decrypt it): that answer tells more */
    int peer_notified = n->payload_notify && !n->payload_notify_p2;
    if (!n->ike_established && !peer_notified &&
        ((n->awaiting && n->retransmits >= (answered_before ? 1 : 2) &&
          n->retransmit_msgid == (int64_t)n->last_gen_msgid) ||
         n->send_error.len)) { /* or this end could not even send it */
        fact(n, F1_RETRANSMITTING);
        return;
    }
    /* a paste cut while this end waits for its DHCP server to offer the
     * peer an address (the peer retransmits meanwhile) */
    /* a paste cut after a rekey collision's TEMPORARY_FAILURE */
    if (n->rekey_collision) {
        fact(n, F2_REKEY_FAILED);
        return;
    }
    /* IKEv1 mode config found none of the addresses, and no CHILD_SA came */
    if (n->vip_missing && !n->vip_assigned && !n->child_est_count) {
        vip_failed(n, VIP_NO_ADDRESS);
        return;
    }
    if (n->dhcp_discovers >= 2 && !n->dhcp_offered) {
        vip_failed(n, VIP_DHCP_NO_ANSWER);
        return;
    }
    if (!n->payload_notify)
        return;
    if (n->payload_notify_p2 ? n->child_est_count != n->payload_notify_child_est
                             : n->ike_established != 0)
        return;
    fold_result r = {0};
    on_notify(n, (span){n->payload_notify, n->payload_notify_len}, n->payload_notify_version,
              n->payload_notify_child, &r);
}

/* ---- the fold table: what each event kind does to its negotiation ------------------------ */

/*
 * fold() looks the event's kind up in fold_table (below the handlers) and
 * calls that row's handler; a kind without a row changes nothing in the
 * negotiation (its line may still be evidence). A handler records what the
 * line says in the negotiation and fills the result: the evidence phase
 * (left at -1, the negotiation's current phase is taken) and whether the
 * line is terminal. A handler shared by several kinds takes the fact and
 * phase to record from its row, so a plain failure is a row (FAILURE),
 * not code.
 */
typedef struct fold_entry fold_entry;

/* What a handler reads besides the negotiation it folds into. */
typedef struct fold_in {
    idg_engine *e;
    negotiation *ctx;        /* the SA in whose context the line was logged, or NULL */
    const charon_line *l;
    const msg_event *ev;
    const span *f;           /* ev->f: the event's fields */
    const fold_entry *entry; /* the table row: its fact and phase */
} fold_in;

typedef void fold_fn(const fold_in *in, negotiation *n, fold_result *r);

struct fold_entry {
    fold_fn *fold;
    int fact;  /* for a shared handler: the fact (F1_.., F2_.., FD_..) to record */
    int phase; /* for a shared handler: the evidence phase */
};

/* ---- generic handlers ---- */

/* A plain failure: the row's fact, terminal, the row's phase. */
static void fold_failure(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, in->entry->fact);
    r->terminal = 1;
    r->phase = in->entry->phase;
}

/* A failure only while the IKE_SA is not established (afterwards the same
 * message is routine or another SA's business). */
static void fold_failure_before_ike_sa(const fold_in *in, negotiation *n, fold_result *r)
{
    int f = in->entry->fact;
    if (n->peer_answered_v2 && !n->ike_established && (f == F1_DECRYPT_FAILED || f == F1_NOT_ENCRYPTED)) {
        /* the IKEv2 INFORMATIONAL an IKEv1 SA's peer answered with, parsed
         * without keys ("payload type NOTIFY was not encrypted", "could
         * not decrypt payloads"): in no SA's context, so in a log without
         * <name|id> prefixes its lines reach this SA. The answer says the
         * peer speaks no IKEv1 (fold_unencrypted_info), no key mismatch. */
        r->phase = 1;
        return;
    }
    if (!n->ike_established) {
        fact(n, in->entry->fact);
        /* an IKEv1 decryption failure waits for its "processing failed"
         * line, which names the exchange and decides (fold_processing_failed):
         * at high log levels over a hundred lines may come between */
        if (in->entry->fact != F1_DECRYPT_FAILED || n->ike_version == 2)
            r->terminal = 1;
        else if (!n->decrypt_named)
            n->decrypt_unnamed = 1; /* until its line names the exchange */
    } else if (in->ev->kind == EV_COULD_NOT_DECRYPT && n->unreadable_up < UINT16_MAX) {
        n->unreadable_up++; /* kept for a later "giving up" (see rules.c dpd) */
    }
    r->phase = in->entry->phase;
}

/* "QUICK_MODE request with message ID N processing failed" right after a
 * decryption failure, the IKE_SA not yet up: the peer's first request
 * after its Main Mode (Quick Mode, or a TRANSACTION of XAuth or Mode
 * Config) overtook the Main Mode's last message, lost or reordered on the
 * way, and is encrypted with an IV this end learns only from that message;
 * the retransmitted MM5 and MM6 then complete the IKE_SA. No key mismatch:
 * with different keys the peer never gets past MM5, so it never sends a
 * request of phase 2. (A failed INFORMATIONAL is what a mismatch logs:
 * the peer's error notify, encrypted with its key.) */
static void fold_processing_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    span x = in->f[MF_TYPE];
    n->decrypt_unnamed = 0;
    if (n->ike_established || !(n->facts & FACT(F1_DECRYPT_FAILED)))
        return;
    if (!(span_eq(x, "QUICK_MODE") || span_eq(x, "TRANSACTION"))) {
        n->decrypt_named = 1; /* the peer's retransmits fail alike */
        r->terminal = 1; /* the decryption failure it waited for */
        r->phase = 1;
        return;
    }
    n->facts &= ~FACT(F1_DECRYPT_FAILED);
    if (!(n->facts & (F1_MASK | F2_MASK)))
        pend_remove(in->e, n);
}

/* Evidence of the row's phase, nothing else. */
static void fold_phase(const fold_in *in, negotiation *n, fold_result *r)
{
    r->phase = in->entry->phase;
}

/* ---- lifecycle ---- */

static void fold_initiating(const fold_in *in, negotiation *n, fold_result *r)
{
    msg_kind k = in->ev->kind;
    set_version(n, k == EV_INITIATING_V2 ? 2 : 1);
    if (k == EV_INITIATING_AM)
        n->mode = 2;
    else if (k == EV_INITIATING_MM)
        n->mode = 1;
    set_conn(n, in->f[MF_NAME], 1);
    if (in->ctx && in->ctx->ike_established) {
        /* IKE rekey: this end starts the new SA */
        if (in->ctx->conn.len && !n->conn.len)
            nstr_set(&n->conn, in->ctx->conn.p, in->ctx->conn.len), n->tunnel_dirty = 1;
    } else if (!n->ike_established) {
        n->ike_role = IDG_ROLE_INITIATOR;
    }
    if (in->f[MF_RHOST].n)
        set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    r->phase = 1;
}

static void admit_after_drops(idg_engine *e, negotiation *n);

static void fold_responding(const fold_in *in, negotiation *n, fold_result *r)
{
    msg_kind k = in->ev->kind;
    if (n->ike_established || (in->ctx && in->ctx->ike_established))
        return; /* an IKE rekey handled by an established SA */
    set_version(n, k == EV_RESPONDING_V2 ? 2 : 1);
    if (k == EV_RESPONDING_AM)
        n->mode = 2;
    else if (k == EV_RESPONDING_MM)
        n->mode = 1;
    set_role(n, IDG_ROLE_RESPONDER);
    set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    r->phase = 1;
    admit_after_drops(in->e, n);
}

/* The IKE_SA is up (again: a report of it is due) as of this line. */
static void ike_came_up(const fold_in *in, negotiation *n)
{
    if (n->ike_established != 1) {
        n->ike_established = 1;
        n->tunnel_dirty = 1;
        n->ike_inferred = 0;
        n->ike_established_reported = 0;
        n->established_line = in->e->line;
        n->established_ts = in->l->ts;
    }
    n->ike_est_seq = (uint32_t)in->e->line;
}

/* A CHILD_SA is up as of this line; its name and selectors are set by the
 * caller. */
static void child_came_up(const fold_in *in, negotiation *n)
{
    n->child_closing = 0;
    n->child_established_pending++;
    n->child_est_seq = (uint32_t)in->e->line;
    n->child_ever_established = 1;
    n->child_est_count++;
    n->p2_open = 0;
    n->p2_auth_child_ok = 1;
}

/* A payload that should have been encrypted was not: a failure before the
 * IKE_SA is up. An ID or HASH of Main Mode is a peer that sends them in the
 * clear (charon.accept_unencrypted_mainmode_messages). */
static void fold_not_encrypted(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_failure_before_ike_sa(in, n, r);
    if (n->ike_established)
        return;
    span t = in->f[MF_TYPE];
    if (!n->unencrypted_type.len)
        set_span(&n->unencrypted_type, t);
    if (span_eq(t, "ID_V1") || span_eq(t, "HASH_V1"))
        n->mm_unencrypted_id = 1;
}

/* "failed to establish CHILD_SA, keeping IKE_SA": a phase 2 failure, and
 * the IKE_SA authenticated -- up, even when the line that said so is not
 * in the paste. */
static void fold_child_failed_keeping(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_failure(in, n, r);
    if (!n->ike_established) {
        ike_came_up(in, n);
        n->ike_inferred = 1;
    }
}

static void fold_ike_established(const fold_in *in, negotiation *n, fold_result *r)
{
    set_conn(n, in->f[MF_NAME], 1);
    set_addrs(n, in->f[MF_LHOST], in->f[MF_RHOST]);
    set_span(&n->local_id, in->f[MF_LID]);
    set_span(&n->remote_id, in->f[MF_RID]);
    ike_came_up(in, n);
    r->phase = 1;
    r->terminal = 1;
}

static void file_if_up(idg_engine *e, negotiation *n);

/* Logged in the old SA's context, names the new SA: it inherits what the
 * old one knew. */
static void fold_ike_rekeyed(const fold_in *in, negotiation *n, fold_result *r)
{
    n->ike_rekeyed = 1;
    n->tunnel_dirty = 1;
    uint64_t nid;
    negotiation *nn = NULL;
    if (span_u64(in->f[MF_ID], &nid) == 0 && (int64_t)nid != n->id)
        nn = get_neg(in->e, (int64_t)nid, 1);
    if (nn) {
        nn->ike_established = 2;
        nn->ike_established_reported = 1;
        nn->ike_version = n->ike_version ? n->ike_version : 2;
        nn->ike_role = n->ike_role;
        if (n->conn.len)
            nstr_set(&nn->conn, n->conn.p, n->conn.len), nn->conn_prio = n->conn_prio;
        set_conn(nn, in->f[MF_NAME], 1);
        set_addrs(nn, in->f[MF_LHOST], in->f[MF_RHOST]);
        nn->tunnel_dirty = 1;
        file_if_up(in->e, nn); /* up as of this line, which is n's */
        set_span(&nn->local_id, in->f[MF_LID]);
        set_span(&nn->remote_id, in->f[MF_RID]);
        nn->child_ever_established = n->child_ever_established;
        nn->p2_auth_child_ok = n->p2_auth_child_ok;
        if (n->child.len)
            nstr_set(&nn->child, n->child.p, n->child.len);
    }
    r->phase = 1;
}

/* "reauthenticating IKE_SA": a new IKE_SA replaces this one, before
 * (make-before-break) or after (break-before-make, the default) it is
 * deleted. */
static void fold_ike_reauth(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    n->ike_reauth = 1;
    n->tunnel_dirty = 1;
    r->phase = 1;
}

static void fold_ike_state(const fold_in *in, negotiation *n, fold_result *r)
{
    span to = in->f[MF_TO];
    set_conn(n, in->f[MF_NAME], 1);
    if (span_eq(to, "ESTABLISHED") && !n->ike_established) {
        n->ike_established = 3;
        n->tunnel_dirty = 1;
        n->ike_established_reported = 1;
    } else if (span_eq(to, "DESTROYING")) {
        n->ike_state_destroying = 1;
        r->terminal = 2;
    } else if (span_eq(to, "DELETING") && (n->facts || !n->ike_established)) {
        r->terminal = 1;
    } else if (span_eq(to, "REKEYING")) {
        n->ike_rekeying = 1;
    }
}

/* FNV-1a of s, continuing from h. */
static uint64_t span_hash(uint64_t h, span s)
{
    return fnv1a(h, s.p, s.n);
}

static void fold_child_established(const fold_in *in, negotiation *n, fold_result *r)
{
    uint64_t cid;
    /* unique id '{' inbound SPI: one SA's line, however often it is read */
    uint64_t key = span_hash(span_hash(FNV1A_OFFSET, in->f[MF_CHILD_ID]),
                             (span){"{", 1});
    key = span_hash(key, in->f[MF_VALUE]);
    r->phase = 2;
    if (n->child_ever_established && key == n->child_est_key)
        return;   /* this SA's line again */
    n->child_est_key = key;
    set_span(&n->child, in->f[MF_CHILD]);
    n->child_fresh = 1;
    set_span(&n->child_est_name, in->f[MF_CHILD]);
    set_big(&n->child_est_ts_local, in->f[MF_TS_LOCAL]);
    set_big(&n->child_est_ts_remote, in->f[MF_TS_REMOTE]);
    n->child_est_id = span_u64(in->f[MF_CHILD_ID], &cid) == 0 ? (int64_t)cid : -1;
    n->rekey_collision = 0; /* a collision resolves into the new SA */
    child_came_up(in, n);
    r->terminal = 1;
}

/* ipsec up's "connection '%s' established successfully": stroke reports it
 * once the CHILD_SA is up, so both phases are, even where the lines that
 * say so are missing from the paste (cut, or split mid-line). Only what no
 * line said yet is taken from it. */
static void fold_conn_up(const fold_in *in, negotiation *n, fold_result *r)
{
    in->e->conf.uses_stroke = 1; /* "ipsec up" prints it */
    set_conn(n, in->f[MF_NAME], 1);
    if (!n->ike_established) {
        ike_came_up(in, n);
        n->relayed_up = 1;
    }
    if (!n->child_ever_established && !(n->facts & F2_MASK)) {
        set_span(&n->child_est_name, in->f[MF_NAME]);
        n->child_est_id = -1;
        child_came_up(in, n);
    }
    r->phase = 2;
    r->terminal = 1;
}

/* "establishing CHILD_SA" (this end announces it) or "found matching child
 * config": the CHILD_SA being negotiated. */
static void fold_child_named(const fold_in *in, negotiation *n, fold_result *r)
{
    n->child_closing = 0; /* a new CHILD_SA is set up */
    if (!is_unnamed(in->f[MF_CHILD]))
        set_span(&n->child, in->f[MF_CHILD]);
    n->child_fresh = 1;
    if (in->ev->kind == EV_ESTABLISHING_CHILD)
        n->child_announced = 1;
    r->phase = 2;
}

/* Names the CHILD_SA being set up or torn down. */
static void fold_child_state(const fold_in *in, negotiation *n, fold_result *r)
{
    if (span_eq(in->f[MF_FROM], "CREATED") || (n->facts & F2_MASK)) {
        set_span(&n->child, in->f[MF_CHILD]);
        n->child_fresh = 1;
    }
    if (span_eq(in->f[MF_TO], "DESTROYING") && (n->facts & F2_MASK))
        r->terminal = 1;
    r->phase = 2;
}

static void fold_packet_addresses(const fold_in *in, negotiation *n, fold_result *r)
{
    /* a packet from the peer: sending works (again), an earlier
     * "error writing to socket" was passing (an address not up yet) */
    if (__builtin_expect(n->send_error.len != 0, 0))
        nstr_clear(&n->send_error);
    set_addrs(n, in->f[MF_LHOST], in->f[MF_RHOST]);
}

static void fold_packet_sent(const fold_in *in, negotiation *n, fold_result *r)
{
    in->e->last_send_id = n->id;
    in->e->last_send_line = in->e->line;
    n->last_send_ts = in->l->ts;
    set_addrs(n, in->f[MF_LHOST], in->f[MF_RHOST]);
    uint64_t bytes;
    n->last_send_bytes = span_u64(in->f[MF_VALUE], &bytes) == 0 && bytes < UINT32_MAX
                             ? (uint32_t)bytes : 0;
}

/* Vendor IDs: whether the peer's are in the log at all, and which ends
 * announced IKEv1 fragmentation (FRAGMENTATION). */
static void fold_vendor_id(const fold_in *in, negotiation *n, fold_result *r)
{
    int received = in->l->msg.n && in->l->msg.p[0] == 'r';
    if (received)
        n->v1_frag |= 4;
    if (span_eq(in->f[MF_VALUE], "FRAGMENTATION"))
        n->v1_frag |= received ? 2 : 1;
    r->phase = 1;
}

/* An IKE major version as charon logs it, 1 or 2; 0 for anything else
 * (only these two exist). */
static int ike_major(span v)
{
    return v.n == 1 && (v.p[0] == '1' || v.p[0] == '2') ? v.p[0] - '0' : 0;
}

/* "received unsupported IKE version %d.%d from %H, sending
 * INVALID_MAJOR_VERSION": charon refused the peer's message unread (no
 * IKE_SA, no connection looked up); the peer's version is kept. Only
 * major versions 1 and 2 exist: any other is a datagram that is no IKE at
 * all (ESP-in-UDP data reaching charon's socket, a scanner), which says
 * nothing of the peer's configuration. */
static void fold_version_unsupported(const fold_in *in, negotiation *n, fold_result *r)
{
    int major = ike_major(in->f[MF_VALUE]);
    if (!major)
        return;
    fact(n, F1_VERSION_UNSUPPORTED);
    set_role(n, IDG_ROLE_RESPONDER);
    /* the peer's version, whatever came before: charon logs its IKEv2
     * answer ("generating INFORMATIONAL response 0 [ N(INVAL_MAJOR) ]")
     * before this line (seen with 6.1.0) */
    n->ike_version = major;
    set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    r->terminal = 1;
    r->phase = 1;
}

/* "IKE version %d not supported": this end was to initiate an IKE_SA of a
 * version its charon was built without, and destroyed it at once (nothing
 * was sent). */
static void fold_version_not_built(const fold_in *in, negotiation *n, fold_result *r)
{
    int major = ike_major(in->f[MF_VALUE]);
    if (!major)
        return;
    fact(n, F1_VERSION_UNSUPPORTED);
    n->version_not_built = 1;
    set_role(n, IDG_ROLE_INITIATOR);
    set_version(n, major);
    r->terminal = 1;
    r->phase = 1;
}

/* "received unencrypted informational" for an IKEv1 SA awaiting the peer's
 * answer (see resolve): the peer answered in IKEv2, which it alone speaks
 * (INVALID_MAJOR_VERSION, as charon without IKEv1 answers), and this end
 * cannot read it and retransmits until it gives up. */
static void fold_unencrypted_info(const fold_in *in, negotiation *n, fold_result *r)
{
    r->phase = 1;
    if (n->ike_version != 1 || n->ike_established)
        return;
    fact(n, F1_NOTIFY_VERSION);
    n->peer_answered_v2 = 1;
    static const char answer[] = "an unencrypted IKEv2 INFORMATIONAL (most likely INVALID_MAJOR_VERSION)";
    set_span(&n->notify, (span){answer, sizeof answer - 1});
    n->notify_phase = 1;
    r->terminal = 1;
}

/* Kept once per negotiation: the first error says it. Evidence of a phase
 * 1 that is not up (the peer never answers what never left). */
static void fold_send_error(const fold_in *in, negotiation *n, fold_result *r)
{
    if (n->ike_established)
        n->send_error_up = 1;
    if (!n->send_error.len) {
        n->send_no_socket = in->ev->kind == EV_NO_SOCKET;
        set_span(&n->send_error, n->send_no_socket ? in->l->msg : in->f[MF_TEXT]);
    }
    r->phase = n->ike_established ? 0 : 1;
}

/* "no route found to reach %H, MOBIKE update deferred": this end's own
 * network went away (an interface down, Wi-Fi and mobile data switched,
 * IPv6 lost); the SA waits for a route, so a warning, not a failure. */
static void fold_no_route(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->no_route) {
        n->no_route = 1;
        r->terminal = 1;
    }
    if (in->f[MF_RHOST].n && !n->remote_addr.len)
        set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    r->phase = 1;
}

/* A message summary of either direction. A CREATE_CHILD_SA or Quick Mode
 * as the first exchange of an SA in the log runs on an IKE_SA that is up:
 * the excerpt starts after it came up. */
static void summary_seen(const fold_in *in, negotiation *n, int generating, fold_result *r)
{
    const summary *s = line_summary(in->e, in->ev);
    int unseen = n->main_exch == EX_NONE && !n->ike_established;
    on_summary(n, s, generating, r);
    if (s && unseen && (s->x == EX_CREATE_CHILD_SA || s->x == EX_QUICK_MODE)) {
        ike_came_up(in, n);
        n->ike_inferred = 2;
    }
}

static void fold_generating(const fold_in *in, negotiation *n, fold_result *r)
{
    summary_seen(in, n, 1, r);
}

static void fold_parsed(const fold_in *in, negotiation *n, fold_result *r)
{
    n->send_error_up = 0; /* a message from the peer: the way works again */
    summary_seen(in, n, 0, r);
}

static void fold_nat_remote(const fold_in *in, negotiation *n, fold_result *r)
{
    n->nat_remote = 1;
    r->phase = 1;
}

static void fold_nat_local(const fold_in *in, negotiation *n, fold_result *r)
{
    n->nat_local = 1;
    r->phase = 1;
}

static void fold_nat_fake(const fold_in *in, negotiation *n, fold_result *r)
{
    n->nat_fake = 1;
    r->phase = 1;
}

static void fold_auth_myself(const fold_in *in, negotiation *n, fold_result *r)
{
    set_span(&n->my_auth, in->f[MF_TYPE]);
    set_span(&n->local_id, in->f[MF_LID]);
    r->phase = 1;
}

static void fold_auth_myself_ok(const fold_in *in, negotiation *n, fold_result *r)
{
    nstr_set(&n->my_auth, "signature", 9);
    set_span(&n->local_id, in->f[MF_LID]);
    r->phase = 1;
}

static void fold_auth_peer_ok(const fold_in *in, negotiation *n, fold_result *r)
{
    set_span(&n->remote_id, in->f[MF_RID]);
    set_span(&n->peer_auth_method, in->f[MF_TYPE]);
    /* an IKEv2 initiator verifies the peer's AUTH last: the IKE_SA is up
     * from here (conclude_unfinished infers it if the paste ends first) */
    n->peer_auth_ok_line = in->e->line;
    n->peer_auth_ok_ts = in->l->ts;
    r->phase = 1;
}

/* A peer config that matches before one is selected: an IKEv1 Main Mode
 * responder picks its pre-shared key from the first of them, before it
 * knows the peer's identity (rules.c says so when the key was wrong). */
#define PEER_CANDIDATES_MAX 8
static void fold_peer_candidate(const fold_in *in, negotiation *n, fold_result *r)
{
    span name = in->f[MF_NAME];
    if (n->conn_prio >= 2 || !name.n || n->n_peer_candidates >= PEER_CANDIDATES_MAX)
        return;
    /* each name once: the lookup runs again when the identity is known */
    const char *list = n->peer_candidates.len ? n->peer_candidates.p : "";
    for (const char *p = list; (p = strstr(p, "\"")) != NULL; p++) {
        const char *q = strchr(p + 1, '"');
        if (!q)
            break;
        if ((size_t)(q - p - 1) == name.n && memcmp(p + 1, name.p, name.n) == 0)
            return;
        p = q;
    }
    if (n->peer_candidates.len)
        nstr_append(&n->peer_candidates, ", ", 2);
    nstr_append(&n->peer_candidates, "\"", 1);
    nstr_append(&n->peer_candidates, name.p, name.n);
    nstr_append(&n->peer_candidates, "\"", 1);
    n->n_peer_candidates++;
    r->phase = 1;
}

static void fold_selected_peer_cfg(const fold_in *in, negotiation *n, fold_result *r)
{
    set_conn(n, in->f[MF_NAME], 2);
    r->phase = 1;
}

static void fold_ike_cfg_lookup(const fold_in *in, negotiation *n, fold_result *r)
{
    span type = in->f[MF_TYPE];
    if (span_has(type, "IKEv1") && !span_has(type, "/"))
        set_version(n, 1);
    else if (span_eq(type, "IKEv2"))
        set_version(n, 2);
    if (!n->local_addr.len)
        set_addrs(n, in->f[MF_LHOST], SPAN_NULL);
    if (!n->remote_addr.len)
        set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    r->phase = 1;
}

static void fold_sent_cert(const fold_in *in, negotiation *n, fold_result *r)
{
    n->sent_cert = 1;
    r->phase = 1;
}

static void fold_unknown_ca_request(const fold_in *in, negotiation *n, fold_result *r)
{
    n->unknown_ca = 1;
    r->phase = 1;
}

/* ---- proposals ---- */

static void fold_selecting_proposal(const fold_in *in, negotiation *n, fold_result *r)
{
    n->sel_failed = 1;
    nstr_clear(&n->sel_type);
}

static void fold_no_acceptable_type(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->sel_type.len)
        set_span(&n->sel_type, in->f[MF_TYPE]);
}

static void fold_proposal_matches(const fold_in *in, negotiation *n, fold_result *r)
{
    n->sel_failed = 0;
}

static void fold_received_proposals(const fold_in *in, negotiation *n, fold_result *r)
{
    int ph = proposals_phase(in->f[MF_PROPOSALS]);
    set_big(ph == 1 ? &n->p1_received : &n->p2_received, in->f[MF_PROPOSALS]);
    if (n->sel_failed && n->sel_type.len)
        nstr_set(ph == 1 ? &n->p1_no_acceptable : &n->p2_no_acceptable,
                 n->sel_type.p, n->sel_type.len);
    n->last_prop_phase = ph;
    n->last_prop_was_received = 1;
    r->phase = ph;
}

/* This end's proposals: what it accepts when they answer the peer's just
 * received, else what it proposes. */
static void fold_configured_proposals(const fold_in *in, negotiation *n, fold_result *r)
{
    int ph = proposals_phase(in->f[MF_PROPOSALS]);
    if (n->last_prop_was_received && n->last_prop_phase == ph)
        set_big(ph == 1 ? &n->p1_configured : &n->p2_configured, in->f[MF_PROPOSALS]);
    else
        set_big(ph == 1 ? &n->p1_proposed : &n->p2_proposed, in->f[MF_PROPOSALS]);
    n->last_prop_phase = ph;
    n->last_prop_was_received = 0;
    r->phase = ph;
}

static void fold_selected_proposal(const fold_in *in, negotiation *n, fold_result *r)
{
    int ph = proposals_phase(in->f[MF_PROPOSALS]);
    if (ph == 2) {
        n->p2_selected_ok = 1;
        set_big(&n->p2_selected, in->f[MF_PROPOSALS]);
        n->p2_ah = in->f[MF_PROPOSALS].n >= 3 && memcmp(in->f[MF_PROPOSALS].p, "AH:", 3) == 0;
    }
    else if (ph == 1)
        set_big(&n->p1_selected, in->f[MF_PROPOSALS]);
    n->sel_failed = 0;
    r->phase = ph;
}

/* This end rejected the peer's proposals: a "configured proposals" list
 * logged without a "received proposals" line before it (cut from the
 * paste) was read as this end's offer, but it is its configuration. */
static void rejecting_keeps_configured(negotiation *n, int phase)
{
    nstr *conf = phase == 1 ? &n->p1_configured : &n->p2_configured;
    nstr *offer = phase == 1 ? &n->p1_proposed : &n->p2_proposed;
    if (!conf->len && offer->len)
        nstr_set(conf, offer->p, offer->len);
}

static void fold_p1_unacceptable(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    set_role(n, IDG_ROLE_RESPONDER);
    fact(n, F1_PROPOSAL_REJECT);
    take_sel_type(n, 1);
    rejecting_keeps_configured(n, 1);
    r->terminal = 1;
    r->phase = 1;
}

/* IKEv2 "no acceptable proposal found": phase 2 when a CHILD_SA was being
 * negotiated, else phase 1. */
static void fold_no_acceptable_proposal(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    if (n->last_prop_phase == 2 || n->exch == EX_IKE_AUTH ||
        (n->exch == EX_CREATE_CHILD_SA && !n->exch_ike_rekey)) {
        fact(n, F2_PROPOSAL_REJECT);
        take_sel_type(n, 2);
        rejecting_keeps_configured(n, 2);
        r->phase = 2;
    } else {
        fact(n, F1_PROPOSAL_REJECT);
        take_sel_type(n, 1);
        rejecting_keeps_configured(n, 1);
        r->phase = 1;
    }
    r->terminal = 1;
}

/* IKEv1 Main/Aggressive Mode (phase 1) or Quick Mode (phase 2) found no
 * proposal: the row's fact and phase. */
static void fold_v1_no_proposal(const fold_in *in, negotiation *n, fold_result *r)
{
    int ph = in->entry->phase;
    set_version(n, 1);
    fact(n, in->entry->fact);
    take_sel_type(n, ph);
    rejecting_keeps_configured(n, ph);
    r->terminal = 1;
    r->phase = ph;
}

/* ---- notifies ---- */

/* The "received %N notify" line tells what the payload list said: the
 * list's notify (on_received_notifies) is not applied a second time. */
static void fold_error_notify_v1(const fold_in *in, negotiation *n, fold_result *r)
{
    n->payload_notify = NULL;
    on_notify(n, in->ev->f[MF_NOTIFY], 1, 0, r);
}

static void fold_error_notify_v2(const fold_in *in, negotiation *n, fold_result *r)
{
    n->payload_notify = NULL;
    on_notify(n, in->ev->f[MF_NOTIFY], 2, in->ev->kind == EV_NOTIFY_CHILD, r);
}

/* The groups of an INVALID_KE_PAYLOAD: the first offered, the last asked
 * for, and which end asked (the _R line: this end). */
static void note_invalid_ke(const fold_in *in, nstr *offered, nstr *requested, idg_role *role)
{
    if (!offered->len)
        set_span(offered, in->f[MF_ALG1]);
    set_span(requested, in->f[MF_ALG2]);
    *role = in->ev->kind == EV_INVALID_KE_I ? IDG_ROLE_INITIATOR : IDG_ROLE_RESPONDER;
}

/* INVALID_KE_PAYLOAD, either end: the DH group offered and the one asked
 * for. */
static void fold_invalid_ke(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    if (n->exch == EX_CREATE_CHILD_SA && !n->exch_ike_rekey) {
        /* a CREATE_CHILD_SA with PFS (the IKE_SA is up, even when the
         * paste starts after it): the group is retried, a warning of
         * phase 2 */
        note_invalid_ke(in, &n->ke2_offered, &n->ke2_requested, &n->ke2_role);
        if (!n->ke2_warned)
            n->ke2_warned = 1;
        r->phase = 2;
        return;
    }
    fact(n, F1_INVALID_KE);
    note_invalid_ke(in, &n->ke_offered, &n->ke_requested, &n->ke_role);
    n->ke_seq = (uint32_t)in->e->line;
    n->ke_retry_accepted = 0;
    set_role(n, n->ke_role);
    r->phase = 1;
}

static void fold_ke_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    if (n->ike_established) {
        fact(n, F2_NOTIFY_NO_PROP);
        r->phase = 2;
    } else {
        fact(n, F1_KE_FAILED);
        r->phase = 1;
    }
    if (in->f[MF_ALG2].n)
        set_span(&n->ke_requested, in->f[MF_ALG2]);
    r->terminal = 1;
}

/* ---- traffic selectors ---- */

static void fold_looking_child_cfg(const fold_in *in, negotiation *n, fold_result *r)
{
    set_big(&n->ts_peer_local, in->f[MF_TS_LOCAL]);
    set_big(&n->ts_peer_remote, in->f[MF_TS_REMOTE]);
    n->n_ts_cand = 0;
    n->child_cfg_found = n->ts_matched = n->ts_select = 0; /* a new lookup */
    r->phase = 2;
}

/* "proposing traffic selectors for us/other:": the selector lines that
 * follow (try_ts_line) are this end's, of the current candidate config. */
static void fold_ts_listing_start(const fold_in *in, negotiation *n, fold_result *r)
{
    int us = in->ev->kind == EV_TS_HEADER_PROPOSE_US;
    nstr_clear(us ? &n->ts_conf_local : &n->ts_conf_remote);
    /* a header for a side the current candidate already has starts
     * the next child config candidate */
    int k = n->n_ts_cand - 1;
    if (k < 0 || (us ? n->ts_cand_us[k].len : n->ts_cand_other[k].len)) {
        if (n->n_ts_cand < NEG_TS_CAND) {
            k = n->n_ts_cand++;
            nstr_clear(&n->ts_cand_us[k]);
            nstr_clear(&n->ts_cand_other[k]);
        } else {
            k = -1;
        }
    }
    n->ts_listing = us ? 1 : 2;
    n->ts_listing_cand = k;
    n->ts_listing_thread = in->l->thread;
    r->phase = 2;
}

static void fold_no_child_cfg(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 1);
    if (in->f[MF_TS_LOCAL].n && !n->ts_peer_local.len)
        set_big(&n->ts_peer_local, in->f[MF_TS_LOCAL]);
    if (in->f[MF_TS_REMOTE].n && !n->ts_peer_remote.len)
        set_big(&n->ts_peer_remote, in->f[MF_TS_REMOTE]);
    if (n->child_cfg_found && n->ts_matched == 3) {
        /* the child config and both selectors matched: the mode did not */
        fact(n, F2_MODE_MISMATCH);
        n->mode_refused_here = 1;
        set_role(n, IDG_ROLE_RESPONDER);
    } else {
        fact(n, F2_NO_CHILD_CFG);
    }
    /* IKEv1 mode config gave the client no address: it proposes its own
     * instead, which no child config matches (the virtual IP is the cause) */
    if (n->vip_missing && !n->vip_assigned)
        vip_failed(n, VIP_NO_ADDRESS);
    n->child_cfg_found = n->ts_matched = n->ts_select = 0;
    r->terminal = 1;
    r->phase = 2;
}

/* A responder's child lookup at CFG level 2 (fold_no_child_cfg reads it):
 * "found matching child config", the "selecting traffic selectors for
 * other:/us:" headers and the "=> match:" lines under them. */
static void fold_child_lookup(const fold_in *in, negotiation *n, fold_result *r)
{
    switch (in->ev->kind) {
    case EV_FOUND_CHILD_CFG:
        n->child_cfg_found = 1;
        n->ts_matched = n->ts_select = 0;
        fold_child_named(in, n, r);
        return;
    case EV_TS_HEADER_SELECT_OTHER:
        n->ts_select = 1;
        break;
    case EV_TS_HEADER_SELECT_US:
        n->ts_select = 2;
        break;
    default: /* EV_TS_NARROW: a selector matched in the current section */
        n->ts_matched |= n->ts_select;
        break;
    }
    r->phase = 2;
}

static void fold_ts_unacceptable(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    if (!n->ts_peer_local.len)
        set_big(&n->ts_peer_local, in->f[MF_TS_LOCAL]);
    if (!n->ts_peer_remote.len)
        set_big(&n->ts_peer_remote, in->f[MF_TS_REMOTE]);
    fact(n, F2_TS_UNACCEPTABLE);
    r->terminal = 1;
    r->phase = 2;
}

static void fold_no_acceptable_ts(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F2_NO_ACCEPTABLE_TS);
    if (in->f[MF_TS_LOCAL].n)
        set_big(&n->ts_peer_local, in->f[MF_TS_LOCAL]);
    if (in->f[MF_TS_REMOTE].n)
        set_big(&n->ts_peer_remote, in->f[MF_TS_REMOTE]);
    r->terminal = 1;
    r->phase = 2;
}

/* ---- authentication ---- */

/* No pre-shared key for the identities: keeps the identities looked up. */
static void fold_no_shared_key(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F1_NO_SHARED_KEY);
    /* IKEv1 by address pair ("for %H - %H"): the addresses are what the
     * secret was looked up for */
    span lid = in->f[MF_LID].n ? in->f[MF_LID] : host_of(in->f[MF_LHOST], NULL);
    span rid = in->f[MF_RID].n ? in->f[MF_RID] : host_of(in->f[MF_RHOST], NULL);
    if (lid.n)
        set_span(&n->lookup_local_id, lid);
    if (rid.n)
        set_span(&n->lookup_remote_id, rid);
    /* the secrets could not be read: that is why there is no key */
    const kept_line *unreadable = &in->e->conf.secrets_unreadable;
    if (unreadable->text[0] && !n->secrets_unreadable) {
        n->secrets_unreadable = 1;
        neg_add_kept_evidence(n, unreadable, 3, 1);
    }
    r->terminal = 1;
    r->phase = 1;
}

static void fold_mac_mismatch(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    fact(n, F1_MAC_MISMATCH);
    set_span(&n->lookup_local_id, in->f[MF_LID]);
    set_span(&n->lookup_remote_id, in->f[MF_RID]);
    r->terminal = 1;
    r->phase = 1;
}

/* The responder looks for a peer config: the hosts and identities it
 * looks with. */
static void fold_looking_peer_cfg(const fold_in *in, negotiation *n, fold_result *r)
{
    int v1 = in->ev->kind == EV_LOOKING_PEER_CFG_V1;
    set_version(n, v1 ? 1 : 2);
    set_role(n, IDG_ROLE_RESPONDER);
    set_span(&n->lookup_local_host, in->f[MF_LHOST]);
    set_span(&n->lookup_remote_host, in->f[MF_RHOST]);
    set_span(&n->lookup_local_id, in->f[MF_LID]);
    set_span(&n->lookup_remote_id, in->f[MF_RID]);
    if (v1 && in->f[MF_TYPE].n)
        set_span(&n->auth_mode_class, in->f[MF_TYPE]);
    set_addrs(n, in->f[MF_LHOST], in->f[MF_RHOST]);
    r->phase = 1;
}

static void fold_no_alt_config(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->ike_established && !(n->facts & F1_MASK))
        fact(n, n->peer_wants_eap ? F1_EAP_UNCONFIGURED : F1_NO_PEER_CFG);
    r->terminal = 1;
    r->phase = 1;
}

/* The peer's IKE_AUTH has no AUTH payload (it wants EAP) and the selected
 * config authenticates it otherwise: no failure while charon still looks
 * for another config, one if it finds none (fold_no_alt_config). */
static void fold_eap_cfg_unacceptable(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    set_version(n, 2);
    n->peer_wants_eap = 1;
    r->phase = 1;
}

static void fold_no_auth_mode(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 1);
    fact(n, F1_NO_AUTH_MODE);
    set_span(&n->auth_mode_peer, in->f[MF_MODE]);
    set_span(&n->auth_mode_class, in->f[MF_TYPE]);
    r->terminal = 1;
    r->phase = 1;
}

/* The peer's identity is not the one configured (IKEv1 ID_I/ID_R, or the
 * IDr this end requires): the row's fact. */
static void fold_identity_mismatch(const fold_in *in, negotiation *n, fold_result *r)
{
    if (in->ev->kind == EV_IDIR_MISMATCH)
        set_version(n, 1);
    fact(n, in->entry->fact);
    set_span(&n->idir_received, in->f[MF_RID]);
    set_span(&n->idir_configured, in->f[MF_VALUE]);
    r->terminal = 1;
    r->phase = 1;
}

static void fold_constraint_id(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F1_CONSTRAINT_ID);
    if (in->ev->kind == EV_CERT_ID_UNCONFIRMED)
        n->cert_id_unconfirmed = 1;
    n->constraint_eap = span_has(in->l->msg, "EAP identity");
    set_span(&n->constraint_required, in->f[MF_VALUE]);
    set_span(&n->constraint_got, in->f[MF_RID]);
    r->terminal = 1;
    r->phase = 1;
}

static void fold_peer_cfg_unacceptable(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F1_PEER_CFG_UNACCEPTABLE);
    if (!n->peer_cfg_unacceptable.len)
        set_span(&n->peer_cfg_unacceptable, in->l->msg);
    /* "constraint requires %N authentication, but %N was used" (or an EAP
     * type): the method the config wants and the one the peer used */
    if (in->f[MF_TYPE].n && in->f[MF_TEXT].n && !n->auth_required.len) {
        set_span(&n->auth_required, in->f[MF_TYPE]);
        set_span(&n->auth_used, in->f[MF_TEXT]);
    }
    set_conn(n, in->f[MF_NAME], 1); /* the config charon selected (and then refused) */
    r->phase = 1;
}

/* auth_cfg's complies(): the peer's signature scheme ("RSA_EMSA_PKCS1_SHA1")
 * or key ("RSA-1024") is not one this end's constraint accepts; the
 * "selected peer config ... unacceptable" line follows. */
static void fold_sig_scheme_refused(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_peer_cfg_unacceptable(in, n, r);
    if (!n->sig_scheme_refused.len) {
        /* auth_cfg: "IKE" for the AUTH payload's signature, "X.509" for the
         * certificate chain's */
        n->sig_scheme_x509 = span_eq(in->f[MF_TYPE], "X.509");
        span v = in->f[MF_VALUE];
        if (in->f[MF_TEXT].n) { /* "%s-%d": the key type and its size */
            char buf[64];
            int len = snprintf(buf, sizeof buf, "%.*s-%.*s", (int)v.n, v.p, (int)in->f[MF_TEXT].n,
                               in->f[MF_TEXT].p);
            if (len > 0 && (size_t)len < sizeof buf)
                set_span(&n->sig_scheme_refused, (span){buf, (size_t)len});
        } else {
            set_span(&n->sig_scheme_refused, v);
        }
    }
}

static void fold_aggr_psk_disabled(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 1);
    n->mode = 2;
    set_role(n, IDG_ROLE_RESPONDER);
    fact(n, F1_AGGR_PSK_DISABLED);
    r->terminal = 1;
    r->phase = 1;
}

static void fold_no_ike_cfg(const fold_in *in, negotiation *n, fold_result *r)
{
    set_role(n, IDG_ROLE_RESPONDER);
    set_span(&n->no_ike_cfg_local, in->f[MF_LHOST]);
    set_span(&n->no_ike_cfg_remote, in->f[MF_RHOST]);
    set_addrs(n, in->f[MF_LHOST], in->f[MF_RHOST]);
    fact(n, F1_NO_IKE_CFG);
    r->terminal = 1;
    r->phase = 1;
}

/* A certificate or private key problem: the row's fact, and the first such
 * message as the detail. */
static void fold_cert_problem(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, in->entry->fact);
    /* "constraint check failed: RULE_CRL_VALIDATION is SKIPPED, but
     * requires at least GOOD": the revocation policy wants a status that
     * neither a CRL nor OCSP gave (a revoked one says so itself) */
    if (in->ev->kind == EV_CERT_FAILURE && span_has(in->f[MF_TYPE], "_VALIDATION") &&
        n->cert_cause == CERT_UNTRUSTED)
        n->cert_cause = CERT_STATUS_UNKNOWN;
    if (!n->cert_detail.len) {
        set_span(&n->cert_detail, in->l->msg);
        if (in->ev->kind == EV_CERT_FAILURE)
            set_span(&n->cert_for, in->f[MF_RID]);
        /* "no trusted %N public key found for '%Y'" after a signed message
         * of the peer without a CERT payload, with no certificate received
         * and no issuer named: not an untrusted CA */
        if (n->cert_for.len && n->cert_cause == CERT_UNTRUSTED && n->peer_auth_cert == 2 &&
            !n->peer_cert.len && !n->cert_issuer.len)
            n->cert_cause = CERT_NOT_SENT;
        if (in->ev->kind == EV_NO_PRIVATE_KEY)
            set_span(&n->key_for, in->f[MF_LID]);
        n->own_sign_failed = in->ev->kind == EV_AUTH_MYSELF_FAILED &&
                             !span_has(in->f[MF_TYPE], "pre-shared");
    }
    r->terminal = 1;
    r->phase = 1;
}

/* The peer's certificate refused by its dates or by revocation: a
 * certificate failure whose fix is a new certificate (or this end's clock),
 * not a CA to import. The first such line says which. */
static void fold_cert_refused(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_cert_problem(in, n, r);
    if (n->cert_validity.len)
        return;
    char buf[NEG_SMALL_CAP];
    int len;
    if (in->ev->kind == EV_CERT_REVOKED) {
        n->cert_cause = CERT_REVOKED;
        len = snprintf(buf, sizeof buf, "revoked on %.*s (%.*s)", (int)in->f[MF_VALUE].n,
                       in->f[MF_VALUE].p, (int)in->f[MF_TEXT].n, in->f[MF_TEXT].p);
    } else {
        n->cert_cause = in->ev->kind == EV_CERT_ISSUER_DATES ? CERT_ISSUER_DATES : CERT_SUBJECT_DATES;
        len = snprintf(buf, sizeof buf, "valid from %.*s to %.*s", (int)in->f[MF_FROM].n,
                       in->f[MF_FROM].p, (int)in->f[MF_TO].n, in->f[MF_TO].p);
    }
    if (len > 0)
        set_span(&n->cert_validity, (span){buf, len < (int)sizeof buf ? (size_t)len : sizeof buf - 1});
}

/* The CA certificate the chain check is at, until a certificate is
 * refused: then the last one names the CA an "issuer certificate invalid"
 * is about. */
static void fold_cert_chain_ca(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->cert_validity.len)
        set_span(&n->cert_chain_ca, in->f[MF_VALUE]);
    r->phase = 1;
}

/* "constraint check failed: peer not authenticated by CA '%Y'": the
 * peer's chain checked out (to the CA of the last "using trusted ca
 * certificate"), but the connection accepts only certificates of the CA
 * it names. */
static void fold_cert_ca_required(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_cert_problem(in, n, r);
    if (n->cert_cause == CERT_UNTRUSTED && !n->cert_required_ca.len) {
        n->cert_cause = CERT_CA_REQUIRED;
        set_span(&n->cert_required_ca, in->f[MF_VALUE]);
    }
}

static void fold_cert_issuer(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->cert_issuer.len)
        set_span(&n->cert_issuer, in->f[MF_VALUE]);
    r->phase = 1;
}

/* EAP or XAuth failed: the row's fact, and the first such message as the
 * detail. An EAP round the server retries is not final: it is concluded
 * with the peer's AUTHENTICATION_FAILED. */
static void fold_user_auth_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, in->entry->fact);
    /* a missing secret says why, whatever line came first */
    msg_kind k = in->ev->kind;
    if ((k == EV_XAUTH_NO_SECRET || k == EV_XAUTH_SCRIPT_FAILED || k == EV_XAUTH_CLIENT_NO_SECRET) &&
        !n->xauth_no_secret) {
        n->xauth_no_secret = k == EV_XAUTH_NO_SECRET ? 1 : k == EV_XAUTH_SCRIPT_FAILED ? 2 : 3;
        set_span(&n->eap_detail, in->l->msg);
    }
    if (!n->eap_detail.len)
        set_span(&n->eap_detail, in->l->msg);
    /* "no EAP key found for hosts '%Y' - '%Y'": this server has no secret
     * for the user (the second identity); "RADIUS authentication of '%Y'
     * failed": the user its RADIUS server rejected */
    if (k == EV_EAP_FAILED && in->f[MF_RID].n && !in->f[MF_TYPE].n) {
        n->eap_no_key = in->f[MF_LID].n != 0;
        if (!n->eap_user.len)
            set_span(&n->eap_user, in->f[MF_RID]);
    }
    if (in->ev->kind != EV_EAP_RETRY)
        r->terminal = 1;
    r->phase = 1;
}

/* EAP-MS-CHAPv2 could not compute at all: this charon lacks MD4, DES or
 * SHA-1; the user's password was never checked. */
static void fold_eap_crypto_missing(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_user_auth_failed(in, n, r);
    n->eap_crypto_missing = 1;
    set_span(&n->eap_detail, in->l->msg);
}

/* The EAP server has no plugin for the method its connection names
 * ("loading EAP_RADIUS method failed"): every client fails alike. */
static void fold_eap_method_unloadable(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_user_auth_failed(in, n, r);
    n->eap_method_unloadable = 1;
    set_span(&n->eap_detail, in->l->msg);
    if (in->f[MF_TYPE].n) /* the method that did not load, not the EAP-Identity before it */
        set_span(&n->eap_method, in->f[MF_TYPE]);
    set_role(n, IDG_ROLE_RESPONDER);
}

/* This end's exchange with its RADIUS server (an EAP or XAuth server with
 * eap-radius): the server's name, its Access-Reject, or the first fault
 * that left charon without an answer; the EAP or XAuth failure that follows
 * is then the RADIUS server's, not the user's credentials. */
static void fold_radius(const fold_in *in, negotiation *n, fold_result *r)
{
    static const uint8_t fault_of[EV__COUNT] = {
        [EV_RADIUS_UNREACHABLE] = RADIUS_UNREACHABLE, [EV_RADIUS_TIMEOUT] = RADIUS_TIMEOUT,
        [EV_RADIUS_SECRET] = RADIUS_SECRET, [EV_RADIUS_INVALID] = RADIUS_INVALID,
    };
    msg_kind k = in->ev->kind;
    if (k == EV_RADIUS_SENT) {
        set_span(&n->radius_server, in->f[MF_TEXT]);
    } else if (k == EV_RADIUS_ANSWER) {
        set_span(&n->radius_server, in->f[MF_TEXT]);
        n->radius_rejected = span_eq(in->f[MF_TYPE], "Access-Reject");
        n->radius_fault = RADIUS_OK; /* a retransmission was answered after all */
    } else if (!n->radius_fault) {
        n->radius_fault = fault_of[k];
        set_span(&n->radius_fault_msg, in->l->msg);
    }
    r->phase = 1;
}

/* The EAP client's identity, as this server received it: the latest (a
 * client may retry as another user). */
static void fold_eap_user(const fold_in *in, negotiation *n, fold_result *r)
{
    set_span(&n->eap_user, in->f[MF_RID]);
    r->phase = 1;
}

/* "XAuth authentication of '%Y' successful": the user's password was
 * right. The server names the user, whom a constraint of its connection
 * may still refuse (p1_identifier); the client's "(myself)" line names it. */
static void fold_xauth_ok(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 1);
    if (in->f[MF_RID].n)
        set_span(&n->xauth_user, in->f[MF_RID]);
    r->phase = 1;
}

static void fold_eap_method(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    set_span(&n->eap_method, in->f[MF_TYPE]); /* the latest: a server may try another */
    r->phase = 1;
}

/* The client answers the server's EAP-Identity request: EAP is under way,
 * with this identity. */
static void fold_eap_identity_sent(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    set_span(&n->eap_identity, in->f[MF_LID]);
    set_role(n, IDG_ROLE_INITIATOR);
    r->phase = 1;
}

/* A client that refuses the server's method: not final, the server may
 * offer another (conclude_unfinished decides). */
static void fold_eap_nak_sent(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    n->eap_nak = 1;
    if (in->f[MF_TYPE].n) /* "%N not supported, sending EAP_NAK" */
        set_span(&n->eap_method, in->f[MF_TYPE]);
    if (in->f[MF_VALUE].n)
        set_span(&n->eap_wanted, in->f[MF_VALUE]);
    set_role(n, IDG_ROLE_INITIATOR);
    r->phase = 1;
}

static void fold_eap_nak_received(const fold_in *in, negotiation *n, fold_result *r)
{
    set_version(n, 2);
    n->eap_nak = 2;
    fact(n, F1_EAP_FAILED);
    if (!n->eap_detail.len)
        set_span(&n->eap_detail, in->l->msg);
    set_role(n, IDG_ROLE_RESPONDER);
    r->terminal = 1;
    r->phase = 1;
}

/* "no MSK": the method (RADIUS) gave no key, so AUTH cannot be verified */
static void fold_eap_succeeded(const fold_in *in, negotiation *n, fold_result *r)
{
    set_span(&n->eap_method, in->f[MF_TYPE]);
    if (span_eq(in->f[MF_TEXT], "no "))
        n->eap_no_msk = 1;
    r->phase = 1;
}

static void fold_peer_cert(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->peer_cert.len)
        set_span(&n->peer_cert, in->f[MF_VALUE]);
    r->phase = 1;
}

/* ---- timeouts ---- */

static void fold_retransmit(const fold_in *in, negotiation *n, fold_result *r)
{
    uint64_t c, m;
    if (span_u64(in->f[MF_COUNT], &c) == 0)
        n->retransmits = (int)c;
    if (span_u64(in->f[MF_MSGID], &m) == 0)
        n->retransmit_msgid = (int64_t)m;
    set_version(n, in->ev->kind == EV_RETRANSMIT_V1 ? 1 : 2); /* each has its own wording */
    r->phase = n->ike_established ? 0 : 1;
}

/* The remote gateway is a host name charon cannot resolve: "initiate
 * aborted" ends the attempt, "retrying in %ds" is the same failure while
 * charon keeps trying (keyingtries). */
static void fold_resolve_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    /* "%any": a connection without a peer address (a server's) was started
     * by hand; it can only respond. No DNS involved, and no tunnel failed. */
    span h = in->f[MF_TEXT];
    if (n->ike_established || span_eq(h, "%any") || span_eq(h, "%any6"))
        return;
    fact(n, F1_UNRESOLVED);
    set_role(n, IDG_ROLE_INITIATOR);
    set_span(&n->unresolved_host, in->f[MF_TEXT]);
    r->phase = 1;
    r->terminal = 1;
}

/* This end dropped a new peer's first message unanswered: a limit of its
 * DoS protection is reached (setup_drops_of). Not terminal: the peer
 * retransmits, and each retransmit is dropped or admitted in turn. */
static void fold_setup_dropped(const fold_in *in, negotiation *n, fold_result *r)
{
    static const uint8_t limit_of[] = {
        [EV_SETUP_DROPPED_HALF_OPEN] = SETUP_LIMIT_HALF_OPEN,
        [EV_SETUP_DROPPED_PER_IP] = SETUP_LIMIT_PER_IP,
        [EV_SETUP_DROPPED_JOB_LOAD] = SETUP_LIMIT_JOB_LOAD,
        [EV_SETUP_DROPPED_IKESA_LIMIT] = SETUP_LIMIT_IKESA,
    };
    uint64_t v;
    fact(n, F1_SETUP_DROPPED);
    set_role(n, IDG_ROLE_RESPONDER);
    if (in->f[MF_RHOST].n && !n->setup_many)
        set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    n->setup_drop_kind = limit_of[in->ev->kind];
    if (span_u64(in->f[MF_VALUE], &v) == 0 && v <= UINT32_MAX)
        n->setup_drop_limit = (uint32_t)v;
    if (n->setup_drops < UINT32_MAX)
        n->setup_drops++;
    r->phase = 1;
}

/* A setup of a peer whose earlier ones were dropped is accepted (its
 * retransmit came after the limit cleared): the drops conclude, as a
 * delay rather than a failure. */
static void admit_after_drops(idg_engine *e, negotiation *n)
{
    if (!n->remote_addr.len)
        return;
    negotiation *d = setup_drops_of(e, (span){n->remote_addr.p, n->remote_addr.len}, 0);
    if (!d || d == n)
        return;
    d->setup_admitted = 1;
    retire(e, d);
}

/* A request of the peer ignored for its message ID (neither the next one
 * nor a retransmit of the last): alone no failure (a late duplicate), but
 * an established SA whose requests then go unanswered has ends out of step
 * (rules.c dpd). */
static void fold_msgid_mismatch(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    if (n->ike_established && n->msgid_mismatch_up < UINT16_MAX)
        n->msgid_mismatch_up++;
    r->phase = 1;
}

static void fold_ke_malformed(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    if (!n->ike_established) {
        fact(n, F1_KE_MALFORMED);
        r->terminal = 1;
    }
    r->phase = 1;
}

/* A death this close (in lines read) to the starter's "started" line is
 * one at start: the lines of an IKE_SA's work would come between. */
#define DIED_AT_START_LINES 8

/* A plugin that did not load: kept as the cause of an initialization
 * that then fails (its unmet dependency is what the plugin gave). No
 * failure by itself: plugins that are not needed fail to load harmlessly. */
static void fold_plugin_load_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->plugin_failed.len) {
        set_span(&n->plugin_failed, in->f[MF_NAME]);
        set_span(&n->plugin_error, in->f[MF_TEXT]);
    }
    r->phase = 1;
}

static void fold_daemon_crash(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F1_DAEMON_CRASH);
    if (in->ev->kind == EV_DAEMON_INIT_FAILED || in->ev->kind == EV_DAEMON_INIT_CAUSE ||
        in->ev->kind == EV_DAEMON_EXEC_FAILED || in->ev->kind == EV_DAEMON_RUNNING)
        n->daemon_init_failed = 1;
    if (in->ev->kind == EV_DAEMON_RUNNING && !n->pid_file.len)
        set_span(&n->pid_file, in->f[MF_VALUE]);
    if (in->ev->kind == EV_DAEMON_EXEC_FAILED && !n->daemon_program.len) {
        /* the program as quoted, without its quotes (“...” or "...") */
        span prog = in->f[MF_VALUE];
        static const char *const quotes[] = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\"", "'"};
        for (int again = 1; again;) {
            again = 0;
            for (size_t k = 0; k < sizeof quotes / sizeof quotes[0]; k++) {
                size_t q = strlen(quotes[k]);
                if (prog.n > q && memcmp(prog.p, quotes[k], q) == 0)
                    prog.p += q, prog.n -= q, again = 1;
                if (prog.n > q && memcmp(prog.p + prog.n - q, quotes[k], q) == 0)
                    prog.n -= q, again = 1;
            }
        }
        set_span(&n->daemon_program, prog);
        set_span(&n->init_cause, in->f[MF_TEXT]);
    }
    /* why it cannot start: the first unmet dependency, or the kernel's
     * refusal of the netlink xfrm socket (without which kernel-netlink
     * provides no kernel-ipsec) */
    if (in->ev->kind == EV_DAEMON_INIT_CAUSE && !n->init_cause.len)
        set_span(&n->init_cause, in->f[MF_TEXT]);
    if (in->ev->kind == EV_NETLINK_UNAVAILABLE && !n->netlink_error.len)
        set_span(&n->netlink_error, in->f[MF_TEXT].n ? in->f[MF_TEXT] : in->l->msg);
    if (in->ev->kind == EV_DAEMON_GAVE_UP)
        n->daemon_gave_up = 1;
    /* the starter saw it start and then die, with (nearly) nothing
     * between: charon cannot initialize here, it did not crash at work */
    if (in->ev->kind == EV_DAEMON_CRASH && !in->f[MF_VALUE].n && in->e->daemon_started_seq &&
        in->e->line - in->e->daemon_started_seq <= DIED_AT_START_LINES) {
        n->died_at_start = 1;
        n->daemon_init_failed = 1;
    }
    if (in->f[MF_VALUE].n && in->ev->kind == EV_DAEMON_CRASH && !n->crash_signal.len)
        set_span(&n->crash_signal, in->f[MF_VALUE]);
    r->phase = 1;
    r->terminal = 1;
}

/* A frame of the backtrace charon logs when it crashes: the first one
 * outside the C library and the signal's own frame is where it crashed. */
static void fold_crash_frame(const fold_in *in, negotiation *n, fold_result *r)
{
    static const char *const system_libs[] = {"/libpthread", "/libc.", "/libc-", "/ld-linux"};
    span lib = in->f[MF_VALUE], fn = in->f[MF_TEXT];
    r->phase = 1;
    if (n->crash_frame.len || !lib.n)
        return;
    for (size_t i = 0; i < sizeof system_libs / sizeof system_libs[0]; i++)
        if (span_has(lib, system_libs[i]))
            return;
    /* the library's file name, and the function without its offset */
    const char *slash = lib.p + lib.n;
    while (slash > lib.p && slash[-1] != '/')
        slash--;
    size_t fn_n = 0;
    while (fn_n < fn.n && fn.p[fn_n] != '+')
        fn_n++;
    char buf[NEG_SMALL_CAP];
    int len = fn_n ? snprintf(buf, sizeof buf, "%.*s (%.*s)", (int)(lib.p + lib.n - slash), slash,
                              (int)fn_n, fn.p)
                   : snprintf(buf, sizeof buf, "%.*s", (int)(lib.p + lib.n - slash), slash);
    if (len > 0)
        set_span(&n->crash_frame, (span){buf, (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1});
}

static void fold_no_config_named(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F1_CONFIG_NOT_LOADED);
    set_conn(n, in->f[MF_NAME], 2);
    set_role(n, IDG_ROLE_INITIATOR);
    /* refused when ipsec.conf was loaded: why, and the lines that said so */
    const load_error *le = load_errors_find(&in->e->loads, in->f[MF_NAME]);
    if (le && !n->conn_load_error.len) {
        nstr_set(&n->conn_load_error, le->proposal, strlen(le->proposal));
        nstr_set(&n->conn_load_why, le->why, strlen(le->why));
        n->conn_load_stroke = 1;
        for (int i = 0; i < le->n_lines; i++)
            neg_add_kept_evidence(n, &le->lines[i], 3, 1);
    } else if (!le) {
        /* handed to charon, but never "added configuration": refused */
        const kept_line *add = load_errors_unconfirmed(&in->e->loads, in->f[MF_NAME]);
        if (add) {
            n->conn_add_unconfirmed = 1;
            neg_add_kept_evidence(n, add, 3, 1);
        }
    }
    r->phase = 1;
    r->terminal = 1;
}

static void set_cred_failed(negotiation *n, span msg)
{
    ascii_trim(&msg.p, &msg.n);   /* stroke indents its lines */
    set_span(&n->cred_failed, msg);
}

/* Why the next certificate will not load; no failure by itself (the
 * "loading ... failed" line that follows is). */
static void fold_cert_parse_cause(const fold_in *in, negotiation *n, fold_result *r)
{
    set_span(&n->cred_cause, in->l->msg);
    n->cred_cause_seq = (uint32_t)in->e->line;
    r->phase = 1;
}

/* A credential that did not load: the first one, "<what>: <why>". A
 * warning of its own, or the cause of a connection that did not load. */
static void fold_cred_load_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->cred_failed.len) {
        set_cred_failed(n, in->l->msg);
        /* the parser's reason, logged just before (the builder's lines between) */
        n->cred_cause_used = n->cred_cause.len && in->e->line - n->cred_cause_seq <= 4;
    }
    if (!n->cred_warned)
        n->cred_warned = 1;
    r->phase = 1;
    r->terminal = 1;
}

/* This end's private key did not load. The credential factory's line
 * comes first and names only the key type; stroke's, right after it, names
 * the file: that one is kept. Only the first credential is reported. */
static void fold_key_load_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    conf_store *cs = &in->e->conf;
    span msg = in->l->msg;
    int named = in->f[MF_TYPE].n == 0;   /* not the factory's line */
    if (!named && cs->open_failed[0] && in->e->line - cs->open_failed_line <= 2) {
        /* the builder could not open the file just before: that line
         * names the file and why ("Permission denied") */
        msg = (span){cs->open_failed, strlen(cs->open_failed)};
        named = 1;
    }
    /* the Android app's line names nothing: the key of the user
     * certificate is not in the system's key store */
    int keystore = !in->f[MF_TYPE].n && !in->f[MF_VALUE].n && !in->f[MF_TEXT].n;
    if (!n->cred_failed.len || (n->cred_key == 1 && named)) {
        set_cred_failed(n, msg);
        n->cred_key = keystore ? 3 : named ? 2 : 1;
    }
    if (!cs->key_failed[0] || named)
        cstr_copy(cs->key_failed, sizeof cs->key_failed, msg, 1);
    if (!n->cred_warned)
        n->cred_warned = 1;
    r->phase = 1;
    r->terminal = 1;
}

/* swanctl --load-all: charon refused the connection (its answer says why). */
static void fold_conn_load_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F1_CONFIG_NOT_LOADED);
    set_conn(n, in->f[MF_NAME], 2);
    if (!n->conn_load_error.len)
        set_span(&n->conn_load_error, in->f[MF_TEXT]);
    r->phase = 1;
    r->terminal = 1;
}

/* The kernel's acquire for a policy charon holds no trap for: no IKE is
 * started for that traffic. Only a policy that is not charon's tells
 * something: reqid 0 (charon gives each of its policies a reqid), or one
 * pfkey finds no policy for. A policy of charon's own (reqid 1, 2, ...)
 * whose SA is gone while the tunnel re-establishes logs the same line on
 * the way, and says nothing the rest of the log does not. */
static void fold_trap_not_found(const fold_in *in, negotiation *n, fold_result *r)
{
    span reqid = in->f[MF_VALUE];
    if (reqid.n && !span_eq(reqid, "0"))
        return;
    fact(n, F1_CONFIG_NOT_LOADED);
    if (!n->trap_reqid.len && reqid.n)
        set_span(&n->trap_reqid, reqid);
    n->trap_missing = 1;
    r->phase = 1;
    /* the trap manager's line ends it; pfkey's acquire line comes with it */
    r->terminal = reqid.n != 0;
}

static void fold_restarting_child(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    n->restarting = 1;
    r->phase = 0;
}

static void addr_gone_check(idg_engine *e, negotiation *n);

/* IKEv1's "DPD check timed out": as a failure row, and like giving up, a
 * loss of this end's own address before it is noted (addr_gone_check). */
static void fold_dpd_timeout(const fold_in *in, negotiation *n, fold_result *r)
{
    addr_gone_check(in->e, n);
    fold_failure(in, n, r);
}

static void fold_giving_up(const fold_in *in, negotiation *n, fold_result *r)
{
    uint64_t c;
    if (span_u64(in->f[MF_COUNT], &c) == 0)
        n->giving_up_count = (int)c;
    if (n->ike_established)
        addr_gone_check(in->e, n);
    fact(n, n->ike_established ? FD_GIVING_UP : F1_GIVING_UP);
    r->terminal = 1;
    r->phase = n->ike_established ? 0 : 1;
}

static void fold_rekey_not_responding(const fold_in *in, negotiation *n, fold_result *r)
{
    if (n->ike_established) {
        fact(n, FD_GIVING_UP);
        r->terminal = 1;
    }
    r->phase = 0;
}

/* "deleting CHILD_SA after %d seconds of inactivity" (or the IKE_SA "after
 * %d seconds of CHILD_SA inactivity"): this end closes an SA no traffic
 * used for its inactivity timeout. The IKE_SA's deletion lines follow
 * (note_ike_closing); a CHILD_SA closed alone leaves the IKE_SA up and is
 * reported on its own (rules.c p2_closed). */
static void fold_inactivity(const fold_in *in, negotiation *n, fold_result *r)
{
    uint64_t s;
    if (span_u64(in->f[MF_COUNT], &s) == 0)
        n->inactive_s = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
    n->inactive_ike = in->ev->kind == EV_IKE_INACTIVE;
    if (!n->inactive_ike && n->child_ever_established) {
        n->inactive_child = 1;
        n->p2_closed_seq = (uint32_t)in->e->line;
        nstr_set(&n->p2_closed_time, in->l->time.p, in->l->time.n);
        n->tunnel_dirty = 1;
    }
    r->prio = 2;
    r->phase = n->inactive_ike ? 1 : 2;
}

/* "received retransmit of request with ID %d, retransmitting response":
 * the peer did not get this end's answer. */
static void fold_peer_retransmit(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    if (n->peer_retransmits < UINT16_MAX)
        n->peer_retransmits++;
    r->phase = 1;
}

static void fold_half_open_timeout(const fold_in *in, negotiation *n, fold_result *r)
{
    if (in->f[MF_RHOST].n && !n->remote_addr.len)
        set_addrs(n, SPAN_NULL, in->f[MF_RHOST]);
    if (!n->ike_established) {
        fact(n, F1_HALF_OPEN);
        r->terminal = 1;
    }
    r->phase = 1;
}

/* ---- virtual IPs ---- */

/* "no virtual IP found, sending %N": none of the addresses the peer
 * requested could be given */
static void fold_vip_not_found(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    vip_failed(n, VIP_NO_ADDRESS);
    r->terminal = 1;
    r->phase = 2;
}

/* One requested address not found: a dual-stack client asks for an IPv4
 * and an IPv6 address, and one of them is enough. A failure only when none
 * is assigned (IKEv2 says so in "no virtual IP found, sending %N";
 * conclude_unfinished for IKEv1's mode config). */
static void fold_vip_not_found_for(const fold_in *in, negotiation *n, fold_result *r)
{
    if (in->f[MF_VALUE].n && !n->vip_requested.len)
        set_span(&n->vip_requested, in->f[MF_VALUE]);
    n->vip_missing = 1;
    r->phase = 2;
}

static void fold_vip_assigned(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    n->vip_assigned = 1;
    r->phase = 2;
}

static void fold_vip_not_requested(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    vip_failed(n, VIP_NOT_REQUESTED);
    r->terminal = 1;
    r->phase = 2;
}

/* child_create's summary of either: the cause came on the lines before */
static void fold_cp_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    vip_failed(n, VIP_UNKNOWN);
    r->terminal = 1;
    r->phase = 2;
}

/* A pool may be full while another of the connection's pools has room:
 * not a failure until "no virtual IP found" follows. */
static void fold_pool_exhausted(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->vip_pool.len)
        set_span(&n->vip_pool, in->f[MF_TEXT].n ? in->f[MF_TEXT] : (span){"(unnamed)", 9});
    r->phase = 2;
}

static void fold_vip_install_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    if (in->f[MF_VALUE].n && !n->vip_requested.len)
        set_span(&n->vip_requested, in->f[MF_VALUE]);
    vip_failed(n, VIP_INSTALL);
    r->terminal = 1;
    r->phase = 2;
}

static void fold_dhcp(const fold_in *in, negotiation *n, fold_result *r)
{
    switch (in->ev->kind) {
    case EV_DHCP_DISCOVER:
        if (n->dhcp_discovers < UINT8_MAX)
            n->dhcp_discovers++;
        break;
    case EV_DHCP_OFFER:
        n->dhcp_offered = 1;
        break;
    default: /* timed out, or could not send */
        if (!n->dhcp_discovers)
            n->dhcp_discovers = 1;
        n->dhcp_offered = 0;
        break;
    }
    r->phase = 2;
}

/* ---- kernel ---- */

/* The kernel refused an SA after charon could not enable UDP
 * decapsulation at its start: no IPsec in the kernel is the likely cause
 * (the start's line becomes evidence). */
static void note_no_kernel_ipsec(const fold_in *in, negotiation *n)
{
    const kept_line *decap = &in->e->conf.udp_decap_failed;
    if (!decap->text[0] || n->install_cause)
        return;
    n->install_cause = INSTALL_NO_KERNEL_IPSEC;
    neg_add_kept_evidence(n, decap, 3, 2);
}

static void fold_install_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F2_INSTALL_FAILED);
    n->install_netlink_only = 0;
    note_no_kernel_ipsec(in, n);
    if (!n->install_detail.len)
        set_span(&n->install_detail, in->l->msg);
    r->terminal = 1;
    r->phase = 2;
}

/* The errno of "received netlink error: %s (%d)": its number, or where an
 * excerpt lost it, the C library's text for one of the values the rules
 * explain (glibc and musl word these alike). */
static int netlink_errno(span text, span number)
{
    static const struct {
        int errnum;
        const char *text;
    } known[] = {
        {KNL_ENOENT, "No such file or directory"},
        {KNL_ENOSYS, "Function not implemented"},
        {KNL_EPROTONOSUPPORT, "Protocol not supported"},
        {KNL_EOPNOTSUPP, "Operation not supported"},
    };
    uint64_t v;
    if (span_u64(number, &v) == 0 && v > 0 && v < 4096)
        return (int)v;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (span_eq(text, known[i].text))
            return known[i].errnum;
    return 0;
}

static void fold_kernel_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F2_INSTALL_FAILED);
    n->install_netlink_only = 0;
    if (in->ev->kind == EV_KNL_FAILED) {
        /* "unable to add SAD entry with SPI %.8x%s (%N)": status ALREADY_DONE */
        if (!span_eq(in->f[MF_TEXT], "ALREADY_DONE"))
            note_no_kernel_ipsec(in, n);
        else if (!n->install_cause)
            n->install_cause = INSTALL_SA_EXISTS;
    }
    if (in->ev->kind == EV_POLICY_CONFLICT && !n->policy_conflict) {
        n->policy_conflict = 1;
        set_span(&n->knl_error, in->l->msg); /* it names both reqids */
    }
    if (!n->knl_error.len)
        set_span(&n->knl_error, in->l->msg);
    r->phase = 2;
}

/* The kernel gave no SPI for the CHILD_SA ("allocating SPI failed: %s (%d)",
 * then charon's "allocating SPI failed"): that request carries no
 * algorithm, so its errno says the kernel's IPsec interface itself fails. */
static void fold_install_spi_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_install_failed(in, n, r);
    if (!n->install_cause)
        n->install_cause = INSTALL_SPI_ALLOC;
}

static void fold_kernel_spi_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    int had_error = n->knl_error.len != 0;
    fold_kernel_failed(in, n, r);
    if (!n->install_cause)
        n->install_cause = INSTALL_SPI_ALLOC;
    if (!had_error)
        n->knl_errno = netlink_errno(in->f[MF_TEXT], in->f[MF_COUNT]);
}

/* "algorithm %N not supported by kernel!" (kernel_netlink, kernel_pfkey):
 * the SA never reached the kernel; the "unable to add SAD entry" and
 * "unable to install" lines follow. */
static void fold_kernel_alg_unsupported(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_kernel_failed(in, n, r);
    if (n->install_cause && n->install_cause != INSTALL_ALG_UNSUPPORTED)
        return;
    n->install_cause = INSTALL_ALG_UNSUPPORTED;
    static const char esn[] = "extended sequence numbers (ESN)";
    span a = in->f[MF_VALUE].n ? in->f[MF_VALUE] : (span){esn, sizeof esn - 1};
    list_add_unique(&n->knl_alg_unsupported, a);
}

/* This end's charon has no implementation of an algorithm it must use:
 * "<TYPE> %N not supported!" (keymat: a transform of the selected IKE
 * proposal), "configured DH group %N not supported" and the like (its own
 * key exchange, phase 1 or the PFS of phase 2). "key derivation failed",
 * which follows the former, adds only evidence. */
static void fold_alg_unsupported(const fold_in *in, negotiation *n, fold_result *r)
{
    int ph = current_phase(n) == 2 ? 2 : 1;
    /* the keymat rows name the type in their literal head */
    const char *fmt = in->ev->pat->fmt;
    int tt = in->ev->kind == EV_KE_UNSUPPORTED ? TT_KE : (int)transform_type_named(fmt, strcspn(fmt, " "));
    r->phase = ph;
    if (in->ev->kind == EV_ALG_UNSUPPORTED && !in->f[MF_VALUE].n)
        return; /* key derivation failed */
    if (ph == 1 && n->ike_established)
        return; /* an IKE rekey: not this diagnosis */
    if (!(n->facts & (FACT(F1_ALG_UNSUPPORTED) | FACT(F2_ALG_UNSUPPORTED)))) {
        set_span(&n->alg_unsupported, in->f[MF_VALUE]);
        n->alg_unsupported_tt = tt;
    }
    fact(n, ph == 2 ? F2_ALG_UNSUPPORTED : F1_ALG_UNSUPPORTED);
    r->terminal = 1;
}

/* The peer authenticated, and this end refused the IKE_SA anyway: one
 * with the same identities is up and its uniqueness policy keeps it. The
 * peer gets AUTHENTICATION_FAILED, which its log reads as a key mismatch. */
static void fold_unique_refused(const fold_in *in, negotiation *n, fold_result *r)
{
    fold_failure(in, n, r);
    set_role(n, IDG_ROLE_RESPONDER);
}

/* "not using transport mode, not host-to-host": transport was asked for
 * (or configured) but the traffic selectors are networks */
static void fold_transport_refused(const fold_in *in, negotiation *n, fold_result *r)
{
    (void)in;
    n->transport_refused = 1;
    r->phase = 2;
}

/* "%N mode requested by responder is unacceptable" (the initiator): the
 * responder answered in a mode this end's CHILD_SA is not set to. */
static void fold_mode_unacceptable(const fold_in *in, negotiation *n, fold_result *r)
{
    fact(n, F2_MODE_MISMATCH);
    set_span(&n->p2_mode_peer, in->f[MF_MODE]);
    r->terminal = 1;
    r->phase = 2;
}

/* "  using encryption algorithm %N with key size %d" (DBG2) while an SAD
 * entry is added: the kernel's names of the SA's algorithms, each once,
 * for an install failure that has no "selected proposal" line. */
static void fold_knl_sa_algorithm(const fold_in *in, negotiation *n, fold_result *r)
{
    span a = in->f[MF_VALUE];
    if (a.n)
        list_add_unique(&n->install_algs, a);
    r->phase = 2;
}

static void fold_kernel_error(const fold_in *in, negotiation *n, fold_result *r)
{
    int errnum = netlink_errno(in->f[MF_TEXT], in->f[MF_COUNT]);
    if (in->f[MF_TS_LOCAL].n && !n->install_cause) {
        /* "can't install route for <selectors>, conflicts with IKE traffic" */
        n->install_cause = INSTALL_ROUTE_IS_IKE;
        set_span(&n->knl_error, in->l->msg);
    }
    if (!n->knl_error.len) {
        set_span(&n->knl_error, in->f[MF_TEXT]);
        n->knl_errno = errnum;
    }
    /* The kernel lacks what the SA needs (ENOSYS, EPROTONOSUPPORT) right
     * after a phase 2 proposal was selected: the SA is not installed,
     * even where an excerpt keeps no "unable to add" line. Other errors
     * (EEXIST, ENETUNREACH, ...) are routine for routes and policies. */
    if (n->p2_selected_ok && !n->child_established_pending && !(n->facts & FACT(F2_INSTALL_FAILED)) &&
        (errnum == KNL_ENOSYS || errnum == KNL_EPROTONOSUPPORT)) {
        fact(n, F2_INSTALL_FAILED);
        n->install_netlink_only = 1; /* (no terminal: the "unable to" lines usually follow) */
    } else if (errnum == KNL_ENOSYS && !n->child_established_pending && !n->facts) {
        /* with nothing else of its SA in the log: XFRM answers ENOSYS to an
         * SA whose algorithm it does not know, and to nothing else charon
         * sends, so this much is still said (at a low confidence) */
        fact(n, F2_INSTALL_FAILED);
        n->install_netlink_only = 2;
    }
    /* the driver's own words (netlink extended ack), e.g. "mlx5_core:
     * Device failed to offload this state" */
    if (!n->install_cause && span_has(in->f[MF_TEXT], "offload"))
        n->install_cause = INSTALL_OFFLOAD;
    r->phase = 2;
}

/* Not a failure of the negotiation: a warning once the CHILD_SA is up
 * (rules: p2_route_warning). The kernel's error, if logged just before,
 * is in knl_error. */
static void fold_route_failed(const fold_in *in, negotiation *n, fold_result *r)
{
    /* while a CHILD_SA is torn down, charon re-installs the route of a
     * policy another CHILD_SA still uses: that failing is no setup's */
    if (!n->route_error.len && !n->child_closing)
        set_span(&n->route_error, in->l->msg);
    r->phase = 2;
}

/* "closing CHILD_SA %s{%u} ...": of the newest CHILD_SA that came up, with
 * the IKE_SA up and nothing wrong, phase 2 is down (an older one closing is
 * the end of a rekey: its successor is up). Which end closed it: the
 * peer's DELETE read before, this end's sent after (fold_child_delete). */
static void fold_child_closing(const fold_in *in, negotiation *n, fold_result *r)
{
    uint64_t id;
    n->child_closing = 1;
    int peer = n->child_delete_recv;
    n->child_delete_recv = 0;
    r->phase = 2;
    if (!n->ike_established || n->facts || n->inactive_child || n->ike_gone ||
        span_u64(in->f[MF_CHILD_ID], &id) != 0 || n->child_est_id < 0 || (int64_t)id != n->child_est_id)
        return;
    n->child_closed = peer ? 1 : 3;
    n->child_closed_held = 0;
    n->p2_closed_seq = (uint32_t)in->e->line;
    nstr_set(&n->p2_closed_time, in->l->time.p, in->l->time.n);
    n->tunnel_dirty = 1;
    /* not terminal: reported with the negotiation's next conclusion, which
     * leaves it out when the IKE_SA went too (its DELETE often follows) */
}

/* "deleting duplicate IKE_SA for peer '%Y' due to uniqueness policy", in
 * this (the old) IKE_SA's context: its deletion, which follows, is no
 * tunnel closed early but a replacement (rules.c p1_closed). */
static void fold_unique_replaced(const fold_in *in, negotiation *n, fold_result *r)
{
    n->unique_replaced = in->ev->kind == EV_UNIQUE_REAUTH ? 2 : 1;
    if (in->f[MF_RID].n && !n->remote_id.len)
        set_span(&n->remote_id, in->f[MF_RID]);
    r->phase = 1;
}

static void fold_child_delete(const fold_in *in, negotiation *n, fold_result *r)
{
    if (in->ev->kind == EV_CHILD_DELETE_RECV)
        n->child_delete_recv = 1;
    else if (n->child_closed == 3)
        n->child_closed = 2;
    r->phase = 2;
}

/* "  remote id match: %d (%N: %#B)": the peer's identity type, and its
 * bytes in hex ("67:6c:73"); a key ID of printable bytes is kept as text,
 * which a paste that redacted the "looking for" line's identity still
 * shows. */
static void fold_remote_id_match(const fold_in *in, negotiation *n, fold_result *r)
{
    if (!n->peer_id_type.len)
        set_span(&n->peer_id_type, in->f[MF_TYPE]);
    span hex = in->f[MF_VALUE];
    if (!n->peer_keyid_text.len && span_eq(in->f[MF_TYPE], "ID_KEY_ID") && hex.n >= 2 &&
        hex.n < 3 * NEG_SMALL_CAP && (hex.n + 1) % 3 == 0) {
        char text[NEG_SMALL_CAP];
        size_t len = 0;
        for (size_t i = 0; i + 1 < hex.n; i += 3) {
            int hi = ascii_hex_value(hex.p[i]), lo = ascii_hex_value(hex.p[i + 1]);
            if (hi < 0 || lo < 0 || (i + 2 < hex.n && hex.p[i + 2] != ':'))
                return;
            int c = hi << 4 | lo;
            if (c < 0x21 || c > 0x7e)
                return; /* a binary key ID: the hex is all there is */
            text[len++] = (char)c;
        }
        set_span(&n->peer_keyid_text, (span){text, len});
    }
    r->phase = 1;
}

/* "received %N notify, will retry later": TEMPORARY_FAILURE is the
 * answer to a CHILD_SA rekey that collided with the peer's own. */
static void fold_notify_status(const fold_in *in, negotiation *n, fold_result *r)
{
    if (span_eq(in->f[MF_NOTIFY], "TEMPORARY_FAILURE") &&
        (n->child_ever_established || n->exch == EX_CREATE_CHILD_SA)) {
        n->rekey_collision = 1;
        r->phase = 2;
    }
}

/* ---- delete ---- */

/* An IKE_SA that came up and is neither replaced (rekey, reauthentication)
 * nor going away: what the tunnel index files (its failure facts, which
 * come and go, are read when it is asked). */
static inline int sa_up(const negotiation *m)
{
    return m->ike_established && !m->ike_rekeyed && !m->ike_reauth && !m->ike_gone;
}

/* Keeps n's place in the tunnel index current once a line changed what
 * it is filed by (tunnel_dirty: its name, its peer address, whether it is
 * up): filed while up, under its keys as they are now, unfiled once it is
 * no longer up. Out of memory leaves it unfiled: a close may then be
 * reported that another SA would have covered, nothing worse. */
static void file_if_up(idg_engine *e, negotiation *n)
{
    if (!n->tunnel_dirty)
        return;
    n->tunnel_dirty = 0;
    if (sa_up(n))
        neg_file_tunnel(&e->store, n);
    else
        neg_unfile_tunnel(n); /* (nothing to do if it is not filed) */
}

/* Whether another IKE_SA of n's connection (its name; without one, its
 * peer address) is up and not on its way out. A delete that leaves one
 * up closed no tunnel: the old SA of an IKEv1 reauthentication, one
 * client of a road-warrior connection among others, a duplicate. Deletes
 * are rare beside the lines of a log, but a log of thousands of open SAs
 * and as many closes made a walk of the store per close quadratic (52 MB
 * of such lines took 6 s): the store's tunnel index chains the SAs that
 * are up by connection and by peer, and only n's chain is read. */
static int another_sa_up(idg_engine *e, const negotiation *n, negotiation *ctx)
{
    if (!n->conn.len && !n->remote_addr.len)
        return 1; /* no tunnel to tell apart: say nothing */
    if (ctx)
        file_if_up(e, ctx); /* the one other SA this line may have changed */
    int kind = n->conn.len ? NEG_BY_CONN : NEG_BY_PEER;
    const nstr *a = kind == NEG_BY_CONN ? &n->conn : &n->remote_addr;
    for (const negotiation *m = neg_tunnel_chain(&e->store, kind, a->p, a->len); m;
         m = m->tunnel[kind].next) {
        if (m == n || !sa_up(m) || (m->facts & F1_MASK))
            continue;
        const nstr *b = kind == NEG_BY_CONN ? &m->conn : &m->remote_addr;
        if (a->len == b->len && memcmp(a->p, b->p, a->len) == 0)
            return 1;
    }
    return 0;
}

/* A line that says the IKE_SA goes away; closer: 1 the peer, 2 this end,
 * 3 the line does not say. An SA that was up and goes with nothing wrong
 * (no failure, no rekey: the old SA of a rekey is replaced, not closed)
 * while no other SA of its connection is up closed the tunnel: on purpose
 * (an admin, a client that disconnects), by an inactivity or lifetime
 * limit, or at a shutdown. A line that names the closer wins over one
 * that does not, whichever comes first ("deleting IKE_SA" comes before
 * this end's "sending DELETE" and after the peer's "received DELETE"). */
static int up_moments_ago(const fold_in *in, const negotiation *n, int64_t *after_ms);

static void note_ike_closing(const fold_in *in, negotiation *n, int closer, fold_result *r)
{
    int was_gone = n->ike_gone;
    n->ike_gone = 1;
    n->tunnel_dirty = 1;
    if (!n->ike_established || n->facts || n->ike_rekeyed || n->ike_reauth || n->closed_reported)
        return;
    if (!n->closed_by) {
        if (was_gone || another_sa_up(in->e, n, in->ctx))
            return;
        n->closed_by = (uint8_t)closer;
        n->closed_seq = (uint32_t)in->e->line;
        nstr_set(&n->closed_time, in->l->time.p, in->l->time.n);
        n->closed_soon = (uint8_t)up_moments_ago(in, n, &n->closed_after_ms);
    } else if (closer != 3 && n->closed_by == 3) {
        n->closed_by = (uint8_t)closer;
    } else {
        return;
    }
    if (r->prio < 2)
        r->prio = 2;
    r->phase = 1;
    r->terminal = 1; /* concluded after the grace lines: the line naming the closer may follow */
}

/* The IKE_SA is being deleted (closer: see note_ike_closing): terminal
 * once anything went wrong, else perhaps the end of the tunnel. */
static void ike_going_away(const fold_in *in, negotiation *n, int closer, fold_result *r)
{
    if (n->facts)
        r->terminal = 1;
    else
        note_ike_closing(in, n, closer, r);
}

static void fold_ike_going_away(const fold_in *in, negotiation *n, fold_result *r)
{
    ike_going_away(in, n, 3, r);
}

/* A peer that deletes the IKE_SA this soon after it came up closed it on
 * purpose (it rejected something after authentication), not at the end of
 * a working session. */
#define CLOSED_EARLY_MS 20000
#define CLOSED_EARLY_LINES 40

/* Whether the IKE_SA came up this soon before the current line: within
 * CLOSED_EARLY_MS (or, with no time logged, within CLOSED_EARLY_LINES
 * lines); *after_ms is how long after, or -1. */
static int up_moments_ago(const fold_in *in, const negotiation *n, int64_t *after_ms)
{
    int64_t ts = in->l->ts, up = n->established_ts;
    int timed = ts >= 0 && up >= 0 && ts >= up;
    *after_ms = timed ? ts - up : -1;
    if (n->ike_inferred)   /* when it came up is not in the log */
        return 0;
    return timed ? ts - up <= CLOSED_EARLY_MS
                 : in->e->line - n->established_line <= CLOSED_EARLY_LINES;
}

/* Nothing went wrong with an IKE_SA that came up, and it is going away. */
static int closing_cleanly(const negotiation *n)
{
    return n->ike_established == 1 && !n->facts && !n->closed_early && !n->ike_rekeyed;
}

/* "deleting IKE_SA": with no DELETE line of either end before it, a log at
 * level 0 (whose only delete line this is) or a filtered paste. Deleted
 * this soon after it came up, someone closed the tunnel on purpose; a
 * "sending DELETE" right after (fold_this_end_deletes_ike) says it was
 * this end, which needs no warning. */
static void fold_deleting_ike(const fold_in *in, negotiation *n, fold_result *r)
{
    int64_t after_ms;
    /* (timed only: a level-0 log is sparse, so its lines are no clock) */
    int early = !n->ike_delete_logged && !n->unique_replaced && closing_cleanly(n) &&
                up_moments_ago(in, n, &after_ms) && after_ms >= 0;
    fold_ike_going_away(in, n, r);
    if (early) {
        n->closed_early = 3;
        n->closed_after_ms = after_ms;
        r->phase = 1;
        /* concluded after the grace lines: a "sending DELETE" may follow,
         * also when the window of its CHILD_SA's success is still open */
        r->terminal = 3;
    }
}

static void fold_this_end_deletes_ike(const fold_in *in, negotiation *n, fold_result *r)
{
    n->ike_delete_logged = 1;
    if (n->closed_early == 3)
        n->closed_early = 0;
    ike_going_away(in, n, 2, r);
}

/* The peer deletes the IKE_SA: IKEv1 peers that reject a Quick Mode
 * without a notify answer this end's first request that way. */
static void fold_peer_deletes_ike(const fold_in *in, negotiation *n, fold_result *r)
{
    int64_t after_ms;
    n->ike_delete_logged = 1;
    if (n->xauth_asked == 2 && !(n->facts & F1_MASK)) {
        /* it asked for XAuth credentials, got none, and gave up on this end */
        fact(n, F1_XAUTH_FAILED);
        static const char none_sent[] = "the peer asked for XAuth credentials and this end sent none";
        if (!n->eap_detail.len)
            nstr_set(&n->eap_detail, none_sent, sizeof none_sent - 1);
        n->xauth_no_secret = 3;
        r->phase = 1;
    } else if (n->ike_version == 1 && n->awaiting && n->last_gen_request &&
               n->last_gen_x == EX_QUICK_MODE && !n->child_ever_established &&
               !(n->facts & F2_MASK)) { /* not a rekey racing a delete */
        fact(n, F2_PEER_DELETED);
        r->phase = 2;
    } else if (closing_cleanly(n) && up_moments_ago(in, n, &after_ms)) {
        /* up, and closed by the peer at once */
        n->closed_early = 1;
        n->closed_after_ms = after_ms;
        r->phase = 1;
        r->terminal = 1;
    }
    ike_going_away(in, n, 1, r);
}

/* ---- the table ---- */

#define ON(kind, fn) [kind] = {fn, 0, 0}
#define ON_FACT(kind, fn, f, ph) [kind] = {fn, f, ph}
#define FAILURE(kind, f, ph) [kind] = {fold_failure, f, ph}
#define FAILURE_BEFORE_IKE_SA(kind, f) [kind] = {fold_failure_before_ike_sa, f, 1}
#define PHASE(kind, ph) [kind] = {fold_phase, 0, ph}

/* By event kind. Not here, so nothing but evidence: EV_NOTIFY_STATUS,
 * EV_PARSE_FAILED, EV_IKE_REKEY_FAILED (and the
 * daemon and configuration kinds, which on_line handles itself). */
static const fold_entry fold_table[EV__COUNT] = {
    /* lifecycle */
    ON(EV_INITIATING_V2, fold_initiating),
    ON(EV_INITIATING_MM, fold_initiating),
    ON(EV_INITIATING_AM, fold_initiating),
    ON(EV_RESPONDING_V2, fold_responding),
    ON(EV_RESPONDING_MM, fold_responding),
    ON(EV_RESPONDING_AM, fold_responding),
    ON(EV_IKE_ESTABLISHED, fold_ike_established),
    ON(EV_IKE_REKEYED, fold_ike_rekeyed),
    ON(EV_IKE_REAUTH, fold_ike_reauth),
    ON(EV_IKE_STATE, fold_ike_state),
    ON(EV_CHILD_ESTABLISHED, fold_child_established),
    ON(EV_ESTABLISHING_CHILD, fold_child_named),
    ON(EV_FOUND_CHILD_CFG, fold_child_lookup),
    ON(EV_CHILD_STATE, fold_child_state),
    ON(EV_PACKET_RECV, fold_packet_addresses),
    ON(EV_PACKET_SEND, fold_packet_sent),
    ON(EV_VENDOR_ID, fold_vendor_id),
    ON(EV_SEND_ERROR, fold_send_error),
    ON(EV_VERSION_UNSUPPORTED, fold_version_unsupported),
    ON(EV_VERSION_NOT_BUILT, fold_version_not_built),
    ON(EV_UNENCRYPTED_INFO, fold_unencrypted_info),
    ON(EV_NO_SOCKET, fold_send_error),
    ON(EV_NO_ROUTE_TO_PEER, fold_no_route),
    ON(EV_PEER_RETRANSMIT, fold_peer_retransmit),
    ON(EV_MSGID_MISMATCH, fold_msgid_mismatch),
    ON(EV_CHILD_INACTIVE, fold_inactivity),
    ON(EV_IKE_INACTIVE, fold_inactivity),
    ON(EV_GENERATING, fold_generating),
    ON(EV_PARSED, fold_parsed),
    ON(EV_NAT_REMOTE, fold_nat_remote),
    ON(EV_NAT_LOCAL, fold_nat_local),
    ON(EV_NAT_FAKE, fold_nat_fake),
    ON(EV_AUTH_MYSELF, fold_auth_myself),
    ON(EV_AUTH_MYSELF_OK, fold_auth_myself_ok),
    ON_FACT(EV_AUTH_MYSELF_FAILED, fold_cert_problem, F1_NO_PRIVATE_KEY, 1),
    ON(EV_AUTH_PEER_OK, fold_auth_peer_ok),
    ON(EV_SELECTED_PEER_CFG, fold_selected_peer_cfg),
    ON(EV_IKE_CFG_LOOKUP, fold_ike_cfg_lookup),
    ON(EV_SEND_CERT, fold_sent_cert),
    ON(EV_UNKNOWN_CA_REQ, fold_unknown_ca_request),
    /* proposals */
    ON(EV_SELECTING_PROPOSAL, fold_selecting_proposal),
    ON(EV_NO_ACCEPTABLE_TYPE, fold_no_acceptable_type),
    ON(EV_PROPOSAL_MATCHES, fold_proposal_matches),
    ON(EV_RECEIVED_PROPOSALS, fold_received_proposals),
    ON(EV_CONFIGURED_PROPOSALS, fold_configured_proposals),
    ON(EV_SELECTED_PROPOSAL, fold_selected_proposal),
    ON(EV_P1_UNACCEPTABLE, fold_p1_unacceptable),
    ON(EV_NO_ACCEPTABLE_PROPOSAL, fold_no_acceptable_proposal),
    ON_FACT(EV_V1_NO_PROPOSAL, fold_v1_no_proposal, F1_PROPOSAL_REJECT, 1),
    ON_FACT(EV_QM_NO_PROPOSAL, fold_v1_no_proposal, F2_PROPOSAL_REJECT, 2),
    FAILURE(EV_PEER_PROPOSAL_INVALID, F1_PEER_PROPOSAL_INVALID, 1),
    FAILURE(EV_V1_AUTH_UNSUPPORTED, F1_V1_AUTH_UNSUPPORTED, 1),
    /* notifies */
    ON(EV_NOTIFY_ERROR_V1, fold_error_notify_v1),
    ON(EV_NOTIFY_ERROR_V2, fold_error_notify_v2),
    ON(EV_NOTIFY_CHILD, fold_error_notify_v2),
    ON(EV_INVALID_KE_I, fold_invalid_ke),
    ON(EV_INVALID_KE_R, fold_invalid_ke),
    ON(EV_KE_FAILED, fold_ke_failed),
    /* traffic selectors */
    ON(EV_LOOKING_CHILD_CFG, fold_looking_child_cfg),
    ON(EV_TS_HEADER_PROPOSE_US, fold_ts_listing_start),
    ON(EV_TS_HEADER_PROPOSE_OTHER, fold_ts_listing_start),
    ON(EV_TS_HEADER_SELECT_US, fold_child_lookup),
    ON(EV_TS_HEADER_SELECT_OTHER, fold_child_lookup),
    ON(EV_TS_NARROW, fold_child_lookup),
    ON(EV_NO_CHILD_CFG, fold_no_child_cfg),
    ON(EV_TS_UNACCEPTABLE, fold_ts_unacceptable),
    ON(EV_NO_ACCEPTABLE_TS, fold_no_acceptable_ts),
    ON(EV_PEER_INVALID_TS, fold_no_acceptable_ts),
    ON_FACT(EV_CHILD_FAILED, fold_child_failed_keeping, F2_CHILD_FAILED, 2),
    /* authentication */
    FAILURE_BEFORE_IKE_SA(EV_DECRYPT_FAILED, F1_DECRYPT_FAILED),
    FAILURE_BEFORE_IKE_SA(EV_COULD_NOT_DECRYPT, F1_DECRYPT_FAILED),
    FAILURE_BEFORE_IKE_SA(EV_INTEGRITY_FAILED, F1_DECRYPT_FAILED),
    ON_FACT(EV_NOT_ENCRYPTED, fold_not_encrypted, F1_NOT_ENCRYPTED, 1),
    FAILURE_BEFORE_IKE_SA(EV_HASH_MISMATCH, F1_HASH_MISMATCH),
    ON(EV_PROCESSING_FAILED, fold_processing_failed),
    ON(EV_NO_SHARED_KEY, fold_no_shared_key),
    ON(EV_MAC_MISMATCH, fold_mac_mismatch),
    ON(EV_LOOKING_PEER_CFG_V1, fold_looking_peer_cfg),
    ON(EV_LOOKING_PEER_CFG_V2, fold_looking_peer_cfg),
    FAILURE(EV_NO_PEER_CFG_V1, F1_NO_PEER_CFG, 1),
    FAILURE(EV_NO_PEER_CFG_V2, F1_NO_PEER_CFG, 1),
    ON(EV_NO_ALT_CONFIG, fold_no_alt_config),
    ON(EV_EAP_CFG_UNACCEPTABLE, fold_eap_cfg_unacceptable),
    ON(EV_NO_AUTH_MODE, fold_no_auth_mode),
    ON_FACT(EV_IDIR_MISMATCH, fold_identity_mismatch, F1_IDIR_MISMATCH, 1),
    ON_FACT(EV_IDR_REQUIRE, fold_identity_mismatch, F1_IDR_REQUIRE, 1),
    ON(EV_CONSTRAINT_ID, fold_constraint_id),
    ON(EV_CERT_ID_UNCONFIRMED, fold_constraint_id),
    ON(EV_PEER_CFG_UNACCEPTABLE, fold_peer_cfg_unacceptable),
    ON(EV_SIG_SCHEME_REFUSED, fold_sig_scheme_refused),
    ON(EV_AGGR_PSK_DISABLED, fold_aggr_psk_disabled),
    ON(EV_NO_IKE_CFG, fold_no_ike_cfg),
    ON_FACT(EV_CERT_FAILURE, fold_cert_problem, F1_CERT, 1),
    ON_FACT(EV_CERT_SUBJECT_DATES, fold_cert_refused, F1_CERT, 1),
    ON_FACT(EV_CERT_ISSUER_DATES, fold_cert_refused, F1_CERT, 1),
    ON_FACT(EV_CERT_REVOKED, fold_cert_refused, F1_CERT, 1),
    ON(EV_CERT_ISSUER, fold_cert_issuer),
    ON(EV_CERT_CHAIN_CA, fold_cert_chain_ca),
    ON(EV_PEER_CANDIDATE, fold_peer_candidate),
    ON_FACT(EV_CERT_CA_REQUIRED, fold_cert_ca_required, F1_CERT, 1),
    ON_FACT(EV_NO_PRIVATE_KEY, fold_cert_problem, F1_NO_PRIVATE_KEY, 1),
    ON_FACT(EV_EAP_FAILED, fold_user_auth_failed, F1_EAP_FAILED, 1),
    ON(EV_RADIUS_SENT, fold_radius),
    ON(EV_RADIUS_ANSWER, fold_radius),
    ON(EV_RADIUS_UNREACHABLE, fold_radius),
    ON(EV_RADIUS_TIMEOUT, fold_radius),
    ON(EV_RADIUS_SECRET, fold_radius),
    ON(EV_RADIUS_INVALID, fold_radius),
    ON_FACT(EV_EAP_CRYPTO_MISSING, fold_eap_crypto_missing, F1_EAP_FAILED, 1),
    ON(EV_CRASH_FRAME, fold_crash_frame),
    ON_FACT(EV_EAP_METHOD_UNLOADABLE, fold_eap_method_unloadable, F1_EAP_FAILED, 1),
    ON_FACT(EV_EAP_RETRY, fold_user_auth_failed, F1_EAP_FAILED, 1),
    ON(EV_EAP_METHOD, fold_eap_method),
    ON(EV_EAP_NAK_SENT, fold_eap_nak_sent),
    ON(EV_EAP_IDENTITY_SENT, fold_eap_identity_sent),
    ON(EV_EAP_USER, fold_eap_user),
    ON(EV_XAUTH_OK, fold_xauth_ok),
    ON(EV_CHILD_CLOSING, fold_child_closing),
    ON(EV_UNIQUE_REPLACED, fold_unique_replaced),
    ON(EV_UNIQUE_REAUTH, fold_unique_replaced),
    ON(EV_CHILD_DELETE_RECV, fold_child_delete),
    ON(EV_CHILD_DELETE_SEND, fold_child_delete),
    ON(EV_CONN_UP, fold_conn_up),
    ON(EV_EAP_NAK_RECEIVED, fold_eap_nak_received),
    ON_FACT(EV_XAUTH_FAILED, fold_user_auth_failed, F1_XAUTH_FAILED, 1),
    ON_FACT(EV_XAUTH_NO_SECRET, fold_user_auth_failed, F1_XAUTH_FAILED, 1),
    ON_FACT(EV_XAUTH_CLIENT_NO_SECRET, fold_user_auth_failed, F1_XAUTH_FAILED, 1),
    ON_FACT(EV_XAUTH_SCRIPT_FAILED, fold_user_auth_failed, F1_XAUTH_FAILED, 1),
    ON(EV_EAP_SUCCEEDED, fold_eap_succeeded),
    ON(EV_PEER_CERT, fold_peer_cert),
    /* timeouts */
    ON(EV_RETRANSMIT_V1, fold_retransmit),
    ON(EV_RETRANSMIT_V2, fold_retransmit),
    ON(EV_GIVING_UP, fold_giving_up),
    FAILURE_BEFORE_IKE_SA(EV_PEER_NOT_RESPONDING, F1_NOT_RESPONDING),
    FAILURE_BEFORE_IKE_SA(EV_PEER_RETRY, F1_NOT_RESPONDING),
    ON(EV_RESOLVE_FAILED, fold_resolve_failed),
    ON(EV_SETUP_DROPPED_HALF_OPEN, fold_setup_dropped),
    ON(EV_SETUP_DROPPED_PER_IP, fold_setup_dropped),
    ON(EV_SETUP_DROPPED_JOB_LOAD, fold_setup_dropped),
    ON(EV_SETUP_DROPPED_IKESA_LIMIT, fold_setup_dropped),
    ON(EV_NO_CONFIG_NAMED, fold_no_config_named),
    ON(EV_DAEMON_CRASH, fold_daemon_crash),
    ON(EV_PLUGIN_LOAD_FAILED, fold_plugin_load_failed),
    ON(EV_CERT_PARSE_CAUSE, fold_cert_parse_cause),
    ON(EV_DAEMON_INIT_FAILED, fold_daemon_crash),
    ON(EV_DAEMON_INIT_CAUSE, fold_daemon_crash),
    ON(EV_CRED_LOAD_FAILED, fold_cred_load_failed),
    ON(EV_KEY_LOAD_FAILED, fold_key_load_failed),
    ON(EV_CONN_LOAD_FAILED, fold_conn_load_failed),
    ON(EV_TRAP_NOT_FOUND, fold_trap_not_found),
    ON(EV_NETLINK_UNAVAILABLE, fold_daemon_crash),
    ON(EV_DAEMON_GAVE_UP, fold_daemon_crash),
    ON(EV_DAEMON_EXEC_FAILED, fold_daemon_crash),
    ON(EV_DAEMON_RUNNING, fold_daemon_crash),
    ON(EV_KE_MALFORMED, fold_ke_malformed),
    ON(EV_RESTARTING_CHILD, fold_restarting_child),
    ON(EV_REKEY_NOT_RESPONDING, fold_rekey_not_responding),
    PHASE(EV_DPD_REQUEST, 0),
    ON_FACT(EV_DPD_TIMEOUT, fold_dpd_timeout, FD_DPD_TIMEOUT, 0),
    ON(EV_HALF_OPEN_TIMEOUT, fold_half_open_timeout),
    /* kernel */
    ON(EV_VIP_NOT_FOUND, fold_vip_not_found),
    ON(EV_VIP_NOT_FOUND_FOR, fold_vip_not_found_for),
    ON(EV_VIP_ASSIGNED, fold_vip_assigned),
    ON(EV_VIP_NOT_REQUESTED, fold_vip_not_requested),
    ON(EV_CP_FAILED, fold_cp_failed),
    ON(EV_POOL_EXHAUSTED, fold_pool_exhausted),
    ON(EV_VIP_INSTALL_FAILED, fold_vip_install_failed),
    ON(EV_DHCP_DISCOVER, fold_dhcp),
    ON(EV_DHCP_OFFER, fold_dhcp),
    ON(EV_DHCP_TIMEOUT, fold_dhcp),
    ON(EV_INSTALL_FAILED, fold_install_failed),
    ON(EV_INSTALL_SPI_FAILED, fold_install_spi_failed),
    ON(EV_KNL_FAILED, fold_kernel_failed),
    ON(EV_KNL_SPI_FAILED, fold_kernel_spi_failed),
    ON(EV_KNL_ALG_UNSUPPORTED, fold_kernel_alg_unsupported),
    ON(EV_ALG_UNSUPPORTED, fold_alg_unsupported),
    ON(EV_KE_UNSUPPORTED, fold_alg_unsupported),
    ON_FACT(EV_UNIQUE_REFUSED, fold_unique_refused, F1_UNIQUE_REFUSED, 1),
    ON(EV_TRANSPORT_REFUSED, fold_transport_refused),
    ON(EV_MODE_UNACCEPTABLE, fold_mode_unacceptable),
    ON(EV_POLICY_CONFLICT, fold_kernel_failed),
    ON(EV_KNL_ERROR, fold_kernel_error),
    ON(EV_KNL_SA_ALGORITHM, fold_knl_sa_algorithm),
    ON(EV_ROUTE_FAILED, fold_route_failed),
    ON(EV_REMOTE_ID_MATCH, fold_remote_id_match),
    /* rekey / delete */
    FAILURE(EV_CHILD_REKEY_FAILED, F2_REKEY_FAILED, 2),
    ON(EV_NOTIFY_STATUS, fold_notify_status),
    FAILURE(EV_CHILD_CREATE_RETRY, F2_CHILD_FAILED, 2),
    ON(EV_RECV_DELETE_IKE, fold_peer_deletes_ike),
    ON(EV_DELETING_IKE, fold_deleting_ike),
    ON(EV_SEND_DELETE_IKE, fold_this_end_deletes_ike),
    ON(EV_IKE_DELETED, fold_ike_going_away),
    ON(EV_DESTROY_NO_NOTIFY, fold_ike_going_away),
};

#undef ON
#undef ON_FACT
#undef FAILURE
#undef FAILURE_BEFORE_IKE_SA
#undef PHASE

/* Folds one classified line into n: the handler of its kind, then the
 * evidence phase and priority. */
static void fold(idg_engine *e, negotiation *n, negotiation *ctx, const charon_line *l,
                 const msg_event *ev, fold_result *r)
{
    r->terminal = 0;
    r->prio = evidence_prio(ev->kind);
    r->phase = -1;

    if (n->ts_listing && ev->kind != EV_NONE)
        n->ts_listing = 0;

    const fold_entry *row = (unsigned)ev->kind < EV__COUNT ? &fold_table[ev->kind] : NULL;
    if (row && row->fold) {
        fold_in in = {e, ctx, l, ev, ev->f, row};
        row->fold(&in, n, r);
    }
    if (r->phase < 0)
        r->phase = current_phase(n);
}

/* ---- this host's addresses -------------------------------------------------------------- */

/* "%H disappeared from %s" / "%H appeared on %s": the kernel's word on an
 * address of this host, in no SA's context. An SA whose own address is
 * gone when it gives up did not lose its peer (fold_giving_up). */
/* The index of host in the gone addresses, or n_addr_gone. */
static unsigned addr_gone_find(const idg_engine *e, span host)
{
    unsigned i = 0;
    while (i < e->n_addr_gone && !span_eq(host, e->addr_gone[i].host))
        i++;
    return i;
}

static void addr_gone_note(idg_engine *e, const charon_line *l, const msg_event *ev)
{
    span host = ev->f[MF_LHOST];
    unsigned i = addr_gone_find(e, host);
    if (ev->kind == EV_ADDR_BACK) {
        if (i < e->n_addr_gone) /* closed up, so that the oldest stays first */
            memmove(e->addr_gone + i, e->addr_gone + i + 1,
                    sizeof e->addr_gone[0] * (--e->n_addr_gone - i));
        return;
    }
    if (i == e->n_addr_gone) {
        if (e->n_addr_gone == ADDR_GONE_MAX) /* forget the oldest */
            memmove(e->addr_gone, e->addr_gone + 1, sizeof e->addr_gone[0] * (ADDR_GONE_MAX - 1));
        else
            e->n_addr_gone++;
        i = e->n_addr_gone - 1;
    }
    struct gone_addr *g = &e->addr_gone[i];
    cstr_copy(g->host, sizeof g->host, host, 0);
    cstr_copy(g->iface, sizeof g->iface, ev->f[MF_TEXT], 0);
    cstr_copy(g->time, sizeof g->time, l->time, 0);
    kept_line_set(&g->line, l, (uint32_t)e->line);
}

/* Whether this end's address of n went away (and not back) before now:
 * copies the interface and time into n. */
static void addr_gone_check(idg_engine *e, negotiation *n)
{
    unsigned i = n->local_addr.len ? addr_gone_find(e, (span){n->local_addr.p, n->local_addr.len})
                                   : e->n_addr_gone;
    if (i == e->n_addr_gone)
        return;
    const struct gone_addr *g = &e->addr_gone[i];
    nstr_set(&n->addr_gone_iface, g->iface, strlen(g->iface));
    nstr_set(&n->addr_gone_time, g->time, strlen(g->time));
    neg_add_kept_evidence(n, &g->line, 3, 0);
}

/* ---- the line callback ------------------------------------------------------------------- */

/* Retires the negotiations idle for IDLE_EXPIRE_LINES; looked at every
 * EXPIRE_CHECK_LINES lines. The LRU tail is the negotiation touched longest
 * ago; retiring it concludes it first (also when it is pending). */
#define EXPIRE_CHECK_LINES 4096
/* A peer's dropped setups are concluded this many lines after the last
 * of them (looked at every EXPIRE_CHECK_LINES) when no setup of that
 * peer was accepted (admit_after_drops): a stream's reader hears of them
 * while it runs. */
#define SETUP_DROP_IDLE_LINES 4096
static __attribute__((noinline)) void expire_idle(idg_engine *e)
{
    negotiation *old;
    while ((old = e->store.lru_tail) != NULL && e->line > old->last_line + IDLE_EXPIRE_LINES)
        retire(e, old);
    if (e->open_drops) {
        /* a peer's dropped setups with none for a while: it gave up, or
         * got through unseen; said now, not when the stream ends */
        negotiation *c = e->store.lru_head, *next;
        for (; c; c = next) {
            next = c->lru_next;
            if (c->setup_drops && !c->setup_concluded && e->line > c->last_line + SETUP_DROP_IDLE_LINES)
                retire(e, c);
        }
    }
    e->next_expire_check = e->line + EXPIRE_CHECK_LINES;
}

static __attribute__((noinline)) void after_line_slow(idg_engine *e, negotiation *n, int own, int terminal)
{
    if (n) {
        if (terminal == 2) {
            int destroy = n->ike_state_destroying;
            conclude(e, n);
            if (destroy)
                release(e, n);
        } else if (terminal == 1 || terminal == 3) {
            if (!n->pending)
                pend_add(e, n);
            else if (terminal == 3 && n->pend_own_lines < GRACE_CLOSER_LINES)
                n->pend_own_lines = GRACE_CLOSER_LINES;
        } else if (n->pending && own) {
            if (--n->pend_own_lines <= 0)
                conclude_window(e, n);
        }
    }
    while (e->pend_head && e->pend_head->pend_deadline <= e->line)
        conclude_window(e, e->pend_head);
    if (__builtin_expect(e->line >= e->next_expire_check, 0))
        expire_idle(e);
}

/* After every line: the grace windows and idle expiry. Most lines end
 * nothing and find nothing due, which is checked here inline. */
static inline void after_line(idg_engine *e, negotiation *n, int own, int terminal)
{
    if ((!n || (!terminal && !(n->pending && own))) &&
        (!e->pend_head || e->pend_head->pend_deadline > e->line) && e->line < e->next_expire_check)
        return;
    after_line_slow(e, n, own, terminal);
}

static int try_ts_line(idg_engine *e, negotiation *n, const charon_line *l)
{
    if (!n || !n->ts_listing || n->ts_listing_thread != l->thread)
        return 0;
    if (l->subsys[0] && strcmp(l->subsys, "CFG") != 0)
        return 0;
    span m = l->msg;
    size_t s = lead_spaces(m);
    size_t t = m.n;
    while (t > s && (m.p[t - 1] == ' ' || m.p[t - 1] == '\r'))
        t--;
    if (t <= s)
        return 0;
    traffic_selector ts;
    if (ts_parse(m.p + s, t - s, &ts) != 0) {
        n->ts_listing = 0;
        return 0;
    }
    nstr *dst = n->ts_listing == 1 ? &n->ts_conf_local : &n->ts_conf_remote;
    if (dst->len)
        nstr_append(dst, " ", 1);
    nstr_append(dst, m.p + s, t - s);
    int k = n->ts_listing_cand;
    if (k >= 0 && k < n->n_ts_cand) {
        nstr *c = n->ts_listing == 1 ? &n->ts_cand_us[k] : &n->ts_cand_other[k];
        if (c->len)
            nstr_append(c, " ", 1);
        nstr_append(c, m.p + s, t - s);
    }
    neg_add_evidence(n, l->lineno, (uint32_t)e->line, 2, 2, l->raw.p, l->raw.n);
    return 1;
}

/* A message the table does not know that starts like a sentence
 * ("Sending packet: ...": a log viewer that capitalises messages) is tried
 * again with its first letter lowered: charon's messages start in lower
 * case, except names ("IKE_SA", "DPD", "XAuth") and the two rows that start
 * "Starting" and "Aggressive", which matched as they are. The copy holds the
 * event's fields until the next line. */
static __attribute__((noinline)) int classify_recased(idg_engine *e, const charon_line *l,
                                                     msg_event *ev)
{
    const char *m = l->msg.p;
    size_t n = l->msg.n;
    if (m[1] < 'a' || m[1] > 'z')
        return 0;
    if (n > e->recased_cap) {
        char *p = realloc(e->recased, n);
        if (!p)
            return 0;
        e->recased = p;
        e->recased_cap = n;
    }
    memcpy(e->recased, m, n);
    e->recased[0] = (char)(m[0] - 'A' + 'a');
    return msg_classify(e->idx, l->subsys, e->recased, n, ev);
}

static void on_line(void *user, const charon_line *l);

/*
 * A paste whose line breaks were lost (a web page turned into text): the
 * output of `ipsec up`, each message after the last, on one line. Where a
 * message of the table starts after a blank, a new line starts; the line
 * is read as those lines when at least FLAT_MIN_PIECES of them, the first
 * among them, are messages the table knows. Only a bare line (no envelope,
 * no prefix) of FLAT_MIN_LEN to FLAT_MAX_LEN bytes that starts with such
 * a message is tried.
 */
#define FLAT_MIN_PIECES 3
#define FLAT_MIN_LEN 160
#define FLAT_MAX_LEN 16384
#define FLAT_MAX_PIECES 256

#define FLAT_START(s) {s, sizeof s - 1}
static const struct {
    const char *text;
    size_t len;
} flat_starts[] = {
    FLAT_START("initiating "), FLAT_START("generating "), FLAT_START("sending packet: from "),
    FLAT_START("received packet: from "), FLAT_START("parsed "), FLAT_START("selected proposal: "),
    FLAT_START("received "), FLAT_START("establishing "), FLAT_START("IKE_SA "),
    FLAT_START("CHILD_SA "), FLAT_START("authentication of "),
    FLAT_START("local host is behind NAT"), FLAT_START("remote host is behind NAT"),
    FLAT_START("no "), FLAT_START("peer "), FLAT_START("giving up "),
    FLAT_START("sending retransmit "), FLAT_START("retransmit "), FLAT_START("connection '"),
    FLAT_START("installing "), FLAT_START("server requested "), FLAT_START("scheduling "),
    FLAT_START("maximum IKE_SA lifetime "), FLAT_START("deleting "), FLAT_START("closing "),
};
#undef FLAT_START

static int flat_start_at(const char *p, const char *end)
{
    for (size_t k = 0; k < sizeof flat_starts / sizeof flat_starts[0]; k++)
        if ((size_t)(end - p) > flat_starts[k].len &&
            memcmp(p, flat_starts[k].text, flat_starts[k].len) == 0)
            return 1;
    return 0;
}

/* Whether the message table knows [p, p + n) with its trailing blanks
 * trimmed: MESSAGE_UNKNOWN, MESSAGE_KNOWN, or MESSAGE_COMPLETE when the
 * row's format ends in literal text. */
static int flat_piece_known(idg_engine *e, const char *p, size_t n)
{
    while (n > 0 && p[n - 1] == ' ')
        n--;
    msg_event probe = MSG_EVENT_INIT;
    if (!msg_classify(e->idx, NULL, p, n, &probe))
        return MESSAGE_UNKNOWN;
    return msg_row_ends_in_literal(e->idx, probe.pat) ? MESSAGE_COMPLETE : MESSAGE_KNOWN;
}

/* Whether a path is a glob pattern (an include line's wildcard). */
static int is_wildcard(span path)
{
    for (size_t i = 0; i < path.n; i++)
        if (path.p[i] == '*' || path.p[i] == '?' || path.p[i] == '[')
            return 1;
    return 0;
}

/* line_source's known_message_fn: the whole text is a message of the table. */
static int whole_message_known(void *user, const char *msg, size_t len)
{
    return flat_piece_known(user, msg, len);
}

static int split_flattened(idg_engine *e, const charon_line *l)
{
    const char *b = l->msg.p, *end = b + l->msg.n;
    if (l->msg.n > FLAT_MAX_LEN || !flat_start_at(b, end))
        return 0;
    /* where a start word follows a blank: the candidate cuts */
    const char *cut[FLAT_MAX_PIECES];
    size_t ncut = 0;
    for (const char *p = b + 1; p < end && ncut + 1 < FLAT_MAX_PIECES; p++)
        if (p[-1] == ' ' && flat_start_at(p, end))
            cut[ncut++] = p;
    /* the pieces, each up to the next cut (its blanks trimmed); a cut that
     * would leave a piece the table does not know, where running on to
     * the next cut gives one it knows, is a start word inside a message
     * ("initiating Main Mode IKE_SA ..."), not a cut */
    span piece[FLAT_MAX_PIECES];
    size_t n = 0, known = 0;
    const char *from = b;
    for (size_t i = 0; i <= ncut; i++) {
        const char *to = i < ncut ? cut[i] : end;
        int piece_known = flat_piece_known(e, from, (size_t)(to - from));
        if (i < ncut && !piece_known) {
            const char *next = i + 1 < ncut ? cut[i + 1] : end;
            if (flat_piece_known(e, from, (size_t)(next - from)))
                continue;
        }
        const char *t = to;
        while (t > from && t[-1] == ' ')
            t--;
        piece[n++] = (span){from, (size_t)(t - from)};
        known += (size_t)piece_known; /* the pieces the table knows */
        from = to;
    }
    if (known < FLAT_MIN_PIECES)
        return 0;
    e->in_flat = 1; /* a piece is not split again */
    for (size_t i = 0; i < n; i++) {
        charon_line line = *l;
        line.msg = piece[i];
        on_line(e, &line);
    }
    e->in_flat = 0;
    e->stats.charon_lines++; /* the line, once */
    return 1;
}

/* "... (strongSwan 4.3.2)" or "(strongSwan 5.9.8, Linux ...)" of a start
 * line: which release logs (swanctl.conf came with 5.2). */
static void daemon_release(conf_store *cs, span msg)
{
    static const char key[] = "(strongSwan ";
    const char *p = span_find(msg, key);
    if (!p)
        return;
    p += sizeof key - 1;
    const char *end = msg.p + msg.n;
    size_t n = 0;
    while (p + n < end && n < sizeof cs->daemon_version - 1 &&
           ((p[n] >= '0' && p[n] <= '9') || p[n] == '.'))
        n++;
    /* "major.minor[.patch]" */
    const char *dot = memchr(p, '.', n);
    const char *dot2 = dot ? memchr(dot + 1, '.', (size_t)(p + n - dot - 1)) : NULL;
    uint64_t major, minor;
    if (!dot || span_u64((span){p, (size_t)(dot - p)}, &major) != 0 || major > 99 ||
        span_u64((span){dot + 1, (size_t)((dot2 ? dot2 : p + n) - dot - 1)}, &minor) != 0)
        return;
    memcpy(cs->daemon_version, p, n);
    cs->daemon_version[n] = '\0';
    cs->daemon_release = (int)(major * 100 + (minor < 100 ? minor : 99));
}

static void on_line(void *user, const charon_line *l)
{
    idg_engine *e = user;
    msg_event *const ev = &e->ev;
    charon_line trimmed;
    if (__builtin_expect(l->msg.n && (unsigned char)l->msg.p[l->msg.n - 1] >= 0x80, 0)) {
        /* a pictograph a blogger put after the line is no part of it */
        size_t n = utf8_trim_pictographs(l->msg.p, l->msg.n);
        if (n != l->msg.n) {
            trimmed = *l;
            trimmed.msg.n = n;
            l = &trimmed;
        }
    }
    /* (a flattened paste classifies as its first message, so it is tried
     * before the table) */
    if (__builtin_expect(l->bare && l->msg.n >= FLAT_MIN_LEN, 0) && !e->in_flat &&
        split_flattened(e, l))
        return;
    /* NetworkManager's charon: its connections are VPN settings */
    if (__builtin_expect(l->program.n == 9, 0) && memcmp(l->program.p, "charon-nm", 9) == 0)
        e->conf.uses_nm = 1;
    /* an OPNsense firewall under its default host name */
    if (__builtin_expect(l->host.n >= 8 && (l->host.p[0] | 0x20) == 'o', 0) &&
        strncasecmp(l->host.p, "opnsense", 8) == 0 && (l->host.n == 8 || l->host.p[8] == '.'))
        e->conf.uses_opnsense = 1;
    if (!msg_classify(e->idx, l->subsys, l->msg.p, l->msg.n, ev) &&
        !(__builtin_expect(l->msg.n >= 2 && (unsigned char)(l->msg.p[0] - 'A') < 26u, 0) &&
          classify_recased(e, l, ev))) {
        ev->kind = EV_NONE;
        ev->pat = NULL;
        ev->f[MF_ID] = SPAN_NULL;
        ev->f[MF_RHOST] = SPAN_NULL;
        if (__builtin_expect(l->bare, 0)) { /* prose, or a message the table does not know */
            if (!e->in_flat) {
                e->stats.skipped_lines++;
                status_output_tally(&e->stats, l->raw.p, l->raw.n);
            }
            return;
        }
    }
    e->stats.charon_lines += (unsigned)(l->bare && !e->in_flat); /* a bare line the table knows */
    e->line++;
    e->known_lines += ev->kind != EV_NONE;
    if (l->ts > e->last_ts)
        e->last_ts = l->ts;
    switch (ev->kind) {
    case EV_DAEMON_START:
        retire_all(e);
        conf_store_clear(&e->conf);
        daemon_release(&e->conf, l->msg);
        load_errors_clear(&e->loads);
        memset(e->thread_used, 0, sizeof e->thread_used);
        e->last_id_line = 0;
        e->handoff.from = -1;
        return;
    case EV_CONF_CONN:
    case EV_CONF_CHILD:
    case EV_CONF_LOCAL:
    case EV_CONF_REMOTE:
    case EV_CONF_KV:
    case EV_CONF_ADDED:
        conf_event(e, l, ev);
        return;
    case EV_SECRETS_REREAD:
        e->conf.any_psks = 0;
        e->conf.n_secrets_files = 0;
        e->conf.secrets_file_again = 0;
        e->conf.secrets_unreadable.text[0] = '\0';
        e->conf.secrets_syntax = 0;
        return;
    case EV_DAEMON_STARTED:
        e->daemon_started_seq = e->line;
        return;
    case EV_RADIUS_CONFIG:
        /* the first: the reason eap-radius has no server to ask */
        if (!e->conf.radius_unusable.text[0])
            kept_line_set(&e->conf.radius_unusable, l, (uint32_t)e->line);
        return;
    case EV_UDP_DECAP_FAILED:
        /* IPv4 only: a kernel built without IPv6's UDP encapsulation
         * fails it for IPv6 alone, and still installs SAs */
        if (!e->conf.udp_decap_failed.text[0] && span_eq(ev->f[MF_VALUE], "IPv4"))
            kept_line_set(&e->conf.udp_decap_failed, l, (uint32_t)e->line);
        return;
    case EV_SECRETS_UNREADABLE:
    case EV_SECRETS_SYNTAX:
        /* the first (an include's failure follows its file's); a wildcard
         * include that matched no file fails to expand harmlessly */
        if (!e->conf.secrets_unreadable.text[0] &&
            (ev->kind == EV_SECRETS_SYNTAX || !is_wildcard(ev->f[MF_VALUE]))) {
            kept_line_set(&e->conf.secrets_unreadable, l, (uint32_t)e->line);
            e->conf.secrets_syntax = ev->kind == EV_SECRETS_SYNTAX;
        }
        return;
    case EV_STROKE_ADD_CONN:
        e->conf.uses_stroke = 1;
        load_errors_adding(&e->loads, l, ev->f[MF_NAME], (uint32_t)e->line);
        return;
    case EV_STROKE_ADDED:
        e->conf.uses_stroke = 1;
        load_errors_added(&e->loads, ev->f[MF_NAME]);
        conf_event(e, l, ev); /* the end of its dump */
        return;
    case EV_STROKE_CONN:
    case EV_STROKE_KV:
    case EV_STROKE_ID_DEFAULTED:
        e->conf.uses_stroke = 1;
        conf_event(e, l, ev);
        return;
    case EV_ADDR_GONE:
    case EV_ADDR_BACK:
        addr_gone_note(e, l, ev);
        return;
    case EV_PROPOSAL_PARSE_ERROR:
        load_errors_reason(&e->loads, l, (uint32_t)e->line);
        return;
    case EV_PROPOSAL_SKIPPED:
        load_errors_skipped(&e->loads, l, ev->f[MF_VALUE], (uint32_t)e->line);
        return;
    case EV_FILE_OPEN_FAILED:
        cstr_copy(e->conf.open_failed, sizeof e->conf.open_failed, l->msg, 1);
        e->conf.open_failed_line = e->line;
        return;
    case EV_SECRETS_FILE: {
        uint64_t h = fnv1a(FNV1A_OFFSET, ev->f[MF_VALUE].p, ev->f[MF_VALUE].n);
        e->conf.secrets_file_again = 0;
        for (unsigned i = 0; i < e->conf.n_secrets_files; i++)
            if (e->conf.secrets_files[i] == h)
                e->conf.secrets_file_again = 1;
        if (!e->conf.secrets_file_again && e->conf.n_secrets_files < 16)
            e->conf.secrets_files[e->conf.n_secrets_files++] = h;
        return;
    }
    case EV_SECRET_LOADED:
        if (span_eq(ev->f[MF_TYPE], "IKE") && !e->conf.secrets_file_again &&
            (span_eq(ev->f[MF_TEXT], "%any") || span_eq(ev->f[MF_TEXT], "%any %any")))
            e->conf.any_psks++;
        return;
    case EV_CONN_RESULT: /* "ipsec up" output: then folded as usual */
        e->conf.uses_stroke = 1;
        break;
    default:
        break;
    }
    int relevant = relevant_kind(ev->kind);
    /* a kernel error of an SA: thread 00 is charon's main thread, whose
     * kernel errors are start-up probes (5.9.10 on tries an XFRM interface,
     * "failed to create XFRM interface 'xfrmi-test-...'", and a kernel
     * without them refuses it), never an SA's */
    int sa_kernel_error = ev->kind == EV_KNL_ERROR && l->thread != 0;
    negotiation *ctx = NULL;
    negotiation *n = NULL;
    if (relevant || l->sa_id >= 0 || sa_kernel_error || !e->ike_name) {
        if (relevant || sa_kernel_error) {
            n = resolve(e, l, ev, relevant, &ctx);
        } else if (l->sa_id >= 0) {
            n = sa_of_prefix(e, l->sa_id, 0);
        } else {
            const thread_bind *b = tb(e, l->thread);
            if (b && b->thread == l->thread && near(e, b->line))
                n = neg_find(&e->store, b->id);
        }
    }
    if (!n) {
        after_line(e, NULL, 0, 0);
        return;
    }
    neg_touch(&e->store, n, e->line);
    if (ctx && ctx != n)
        neg_touch(&e->store, ctx, e->line);
    /* The NAME of "<NAME|ID>" is the peer config's name: the connection,
     * even in a paste whose lines never spell out "name[id]". */
    if (l->conn.n && l->sa_id >= 0) {
        negotiation *owner = n->id == l->sa_id ? n : ctx;
        if (owner && !holds_conn(owner, l->conn))
            set_conn(owner, l->conn, 1);
    }

    if (ev->kind == EV_NONE) {
        try_ts_line(e, n, l);
        if (__builtin_expect(n->tunnel_dirty, 0))
            file_if_up(e, n);
        after_line(e, n, 1, 0);
        return;
    }
    /* one phase2_established per CHILD_SA: report the previous one first */
    if (ev->kind == EV_CHILD_ESTABLISHED && n->child_established_pending)
        conclude(e, n);
    fold_result r;
    fold(e, n, ctx, l, ev, &r);
    /* routine traffic of an established SA (DPD, keep-alives) is no
     * evidence until something goes wrong */
    if (r.prio == 1 && !n->facts && !n->pending &&
        (n->exch == EX_INFORMATIONAL || n->exch == EX_INFORMATIONAL_V1) &&
        (n->ike_established || n->main_exch == EX_NONE))
        r.prio = 0;
    if (r.prio > 0)
        neg_add_evidence(n, l->lineno, (uint32_t)e->line, r.prio, r.phase, l->raw.p, l->raw.n);
    if (r.terminal && !n->time.len)
        nstr_set(&n->time, l->time.p, l->time.n);
    if (r.terminal)
        n->terminal_line = l->lineno;
    if (__builtin_expect(n->tunnel_dirty, 0))
        file_if_up(e, n);
    if (ctx && ctx != n && ctx->tunnel_dirty)
        file_if_up(e, ctx);
    after_line(e, n, 1, r.terminal);
}

/* ---- public API --------------------------------------------------------------------------- */

idg_engine *idg_engine_new(const idg_options *opts, idg_diagnosis_cb cb, void *user)
{
    /* Zeroed up to threads[], which is read only where bound (tb): ev
     * must start empty (msg_classify clears only the fields earlier lines
     * set); `summary` is too small to be worth leaving out. */
    idg_engine *e = malloc(sizeof *e);
    if (!e)
        return NULL;
    memset(e, 0, offsetof(idg_engine, threads));
    e->handoff.from = -1;
    if (opts)
        e->opts = *opts;
    else
        idg_options_init(&e->opts);
    if (e->opts.max_negotiations == 0)
        e->opts.max_negotiations = 4096;
    if (e->opts.max_evidence == 0)
        e->opts.max_evidence = 16;
    if (e->opts.max_line_bytes == 0)
        e->opts.max_line_bytes = 65536;
    e->cb = cb;
    e->user = user;
    e->idx = msg_index_get();
    conf_store_init(&e->conf);
    if (neg_store_init(&e->store, e->opts.max_negotiations, e->opts.max_evidence) != 0)
        goto fail;
    e->rules = rules_new(&e->opts, &e->conf, cb, user, &e->stats);
    if (!e->rules)
        goto fail;
    e->ls = line_source_new(&e->opts, &e->stats, on_line, e);
    if (!e->ls)
        goto fail;
    line_source_set_known_message(e->ls, whole_message_known, e);
    return e;
fail:
    idg_engine_free(e);
    return NULL;
}

int idg_engine_feed(idg_engine *e, const void *buf, size_t len)
{
    if (!e || e->finished)
        return -1;
    return line_source_feed(e->ls, buf, len);
}

int idg_engine_finish(idg_engine *e)
{
    if (!e)
        return -1;
    if (e->finished)
        return 0;
    int rc = line_source_finish(e->ls);
    e->finishing = 1;
    retire_all(e);
    e->finishing = 0;
    e->finished = 1;
    return rc;
}

const idg_stats *idg_engine_stats(const idg_engine *e)
{
    return e ? &e->stats : NULL;
}

void idg_engine_free(idg_engine *e)
{
    if (!e)
        return;
    if (e->ls)
        line_source_free(e->ls);
    if (e->rules)
        rules_free(e->rules);
    if (e->store.slots)
        neg_store_free(&e->store);
    conf_store_free(&e->conf);
    load_errors_free(&e->loads);
    free(e->recased);
    free(e);
}
