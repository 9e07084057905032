/*
 * ipsecdiag.h - the whole public API of libipsecdiag.
 *
 * libipsecdiag reads strongSwan (charon) logs and says why an IPsec tunnel
 * did or did not come up. It is a pure library: no I/O, no global mutable
 * state, no threads. You feed it bytes, in any chunking, and it calls you
 * back with each diagnosis as soon as it is concluded:
 *
 *     idg_engine *e = idg_engine_new(NULL, on_diagnosis, ctx);
 *     while ((n = read(fd, buf, sizeof buf)) > 0)
 *         idg_engine_feed(e, buf, n);
 *     idg_engine_finish(e);      // flushes the last line, concludes the rest
 *     idg_engine_free(e);
 *
 * Data flows one way: bytes -> lines -> envelope -> charon event ->
 * per-negotiation state -> diagnoses. Memory is bounded by the options
 * (line length, number of open negotiations), never by the input size.
 *
 * A report (idg_report) collects the diagnoses of one or more logs (for
 * example the two ends of one tunnel), correlates them, and renders the
 * result as JSON, plain text or Markdown.
 *
 * Thread safety: distinct engines and reports may be used from distinct
 * threads at the same time; one object must not be shared without locking.
 */
#ifndef IPSECDIAG_H
#define IPSECDIAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IDG_VERSION "0.1.0"

/* ---- failure classes -------------------------------------------------- */

/*
 * Every class the engine can conclude, as an X-macro so that the enum, the
 * catalogue (names, titles, descriptions) and the API schema are generated
 * from one list. Columns: C identifier suffix, stable snake_case name,
 * phase (0 = whole IKE_SA / not phase specific), default severity.
 */
#define IDG_CLASS_MAP(X)                                                     \
    X(PHASE1_ESTABLISHED,           "phase1_established",           1, INFO)    \
    X(PHASE2_ESTABLISHED,           "phase2_established",           2, INFO)    \
    X(PHASE1_MODE_MISMATCH,         "phase1_mode_mismatch",         1, ERROR)   \
    X(PHASE1_IDENTIFIER_MISMATCH,   "phase1_identifier_mismatch",   1, ERROR)   \
    X(PHASE1_NAT_IDENTIFIER_MISMATCH, "phase1_nat_identifier_mismatch", 1, ERROR) \
    X(PHASE1_PSK_MISMATCH,          "phase1_psk_mismatch",          1, ERROR)   \
    X(PHASE1_ENCRYPTION_MISMATCH,   "phase1_encryption_mismatch",   1, ERROR)   \
    X(PHASE1_HASH_MISMATCH,         "phase1_hash_mismatch",         1, ERROR)   \
    X(PHASE1_PRF_MISMATCH,          "phase1_prf_mismatch",          1, ERROR)   \
    X(PHASE1_DH_GROUP_MISMATCH,     "phase1_dh_group_mismatch",     1, ERROR)   \
    X(PHASE1_PROPOSAL_MISMATCH,     "phase1_proposal_mismatch",     1, ERROR)   \
    X(PHASE1_VERSION_MISMATCH,      "phase1_version_mismatch",      1, ERROR)   \
    X(PHASE1_NO_MATCHING_GATEWAY,   "phase1_no_matching_gateway",   1, ERROR)   \
    X(PHASE1_PEER_UNREACHABLE,      "phase1_peer_unreachable",      1, ERROR)   \
    X(PHASE1_AUTHENTICATION_FAILURE, "phase1_authentication_failure", 1, ERROR) \
    X(PHASE1_CERTIFICATE_FAILURE,   "phase1_certificate_failure",   1, ERROR)   \
    X(PHASE1_EAP_FAILURE,           "phase1_eap_failure",           1, ERROR)   \
    X(PHASE1_CONNECTION_NOT_LOADED, "phase1_connection_not_loaded", 1, ERROR)   \
    X(PHASE1_DOS_PROTECTION,        "phase1_dos_protection",        1, ERROR)   \
    X(PHASE2_NETWORK_MISMATCH,      "phase2_network_mismatch",      2, ERROR)   \
    X(PHASE2_ENCRYPTION_MISMATCH,   "phase2_encryption_mismatch",   2, ERROR)   \
    X(PHASE2_HASH_MISMATCH,         "phase2_hash_mismatch",         2, ERROR)   \
    X(PHASE2_PFS_MISMATCH,          "phase2_pfs_mismatch",          2, ERROR)   \
    X(PHASE2_PROPOSAL_MISMATCH,     "phase2_proposal_mismatch",     2, ERROR)   \
    X(PHASE2_INSTALL_FAILURE,       "phase2_install_failure",       2, ERROR)   \
    X(PHASE2_VIRTUAL_IP_FAILURE,    "phase2_virtual_ip_failure",    2, ERROR)   \
    X(PHASE2_REKEY_FAILURE,         "phase2_rekey_failure",         2, ERROR)   \
    X(DPD_TIMEOUT,                  "dpd_timeout",                  1, ERROR)   \
    X(CHARON_CRASHED,               "charon_crashed",               1, ERROR)   \
    X(TUNNEL_CLOSED_EARLY,          "tunnel_closed_early",          1, WARNING) \
    X(TUNNEL_CLOSED,                "tunnel_closed",                1, INFO)

typedef enum idg_class {
#define IDG__CLASS_ENUM(id, name, phase, sev) IDG_CLASS_##id,
    IDG_CLASS_MAP(IDG__CLASS_ENUM)
#undef IDG__CLASS_ENUM
    IDG_CLASS__COUNT
} idg_class;

typedef enum idg_severity {
    IDG_SEVERITY_INFO = 0,
    IDG_SEVERITY_WARNING,
    IDG_SEVERITY_ERROR
} idg_severity;

/* One entry of the class catalogue. All strings are static. */
typedef struct idg_class_info {
    idg_class id;
    const char *name;        /* stable snake_case identifier */
    int phase;               /* 1 = IKE SA, 2 = CHILD SA */
    idg_severity severity;   /* default severity */
    const char *title;       /* one line, for people */
    const char *description; /* what it means and how it shows in a log */
} idg_class_info;

/* The catalogue entry of a class, or NULL if out of range. */
const idg_class_info *idg_class_get(idg_class c);
/* The class with that snake_case name, or NULL. */
const idg_class_info *idg_class_by_name(const char *name);
/* "error", "warning", "info". */
const char *idg_severity_name(idg_severity s);

/* ---- diagnoses -------------------------------------------------------- */

typedef enum idg_role {
    IDG_ROLE_UNKNOWN = 0,
    IDG_ROLE_INITIATOR,
    IDG_ROLE_RESPONDER
} idg_role;

/* "initiator", "responder" or NULL for unknown. */
const char *idg_role_name(idg_role r);

/*
 * One offending setting: what this log's side has (local) against what the
 * other end has (peer), as strongSwan logs the values ("AES_CBC_256",
 * "MODP_1024", "10.5.1.0/24"). Several values are joined by ", ". NULL means
 * the log cannot know; "NONE" means no such transform (e.g. PFS off).
 */
typedef struct idg_offending {
    const char *field;  /* "phase1.encryption", "phase2.remote_network", ... */
    const char *local;
    const char *peer;
} idg_offending;

/* One log line a diagnosis rests on. */
typedef struct idg_evidence {
    uint64_t line;      /* 1-based line number in its source */
    const char *text;   /* the line as read (valid UTF-8, cut if too long) */
} idg_evidence;

/*
 * A diagnosis. Every pointer is owned by whoever handed it out (the engine,
 * for the callback's duration; a report, until idg_report_free) and is
 * either NULL or a NUL-terminated, valid UTF-8 string.
 */
typedef struct idg_diagnosis {
    idg_class cls;
    int phase;                 /* 1 or 2 */
    idg_severity severity;
    const char *title;         /* from the catalogue */
    const char *detail;        /* what happened, in one or two sentences */
    int ike_version;           /* 1, 2, or 0 if unknown */
    idg_role role;             /* this log's side in the failed exchange */
    const char *connection;    /* connection (peer config) name, or NULL */
    int64_t ike_sa_id;         /* IKE_SA unique id, or -1 */
    const char *child_name;    /* CHILD_SA name for phase 2, or NULL */
    const char *local_addr;    /* this end's address, or NULL */
    const char *remote_addr;   /* the other end's address, or NULL */
    const char *time;          /* time of the concluding line, as logged */
    double confidence;         /* 0..1 */

    size_t n_offending;
    const idg_offending *offending;

    /* The recommended change. */
    const char *summary;       /* one sentence */
    const char *change_side;   /* "local", "peer", "both", "either" or NULL */
    const char *pfsense;       /* in pfSense GUI terms (menu path, field, value label) */
    const char *strongswan;    /* in swanctl.conf terms */

    size_t n_evidence;
    const idg_evidence *evidence;

    /* Message IDs of IKE exchanges seen in this negotiation (for joining
     * the two ends' logs); 0-terminated-free: n_msgids entries. */
    size_t n_msgids;
    const uint32_t *msgids;

    const char *source;        /* the log's name, set by the report, or NULL */
    const char *peer_source;   /* the other end's log when correlated, or NULL */

    /* A report folds repeats of the same diagnosis (same log, class,
     * connection, role and offending values: a tunnel retrying every few
     * seconds) into one: how many were seen, and the time of the last.
     * The engine leaves these 0/NULL (0 counts as 1). */
    uint64_t occurrences;
    const char *last_time;
} idg_diagnosis;

/* Deep copy / free (for keeping a diagnosis beyond its callback). */
idg_diagnosis *idg_diagnosis_copy(const idg_diagnosis *d);
void idg_diagnosis_free(idg_diagnosis *d);

/* One diagnosis as a compact JSON object (one line, no newline).
 * Returns a malloc'd string, or NULL on allocation failure. */
char *idg_diagnosis_to_json(const idg_diagnosis *d);
/* The same text appended to a growable buffer, as getline() grows one:
 * *buf (NULL or malloc'd) holds *len bytes of *cap allocated, is realloc'd
 * when it must grow, and stays NUL-terminated. A caller rendering many
 * diagnoses (a stream) reuses one buffer and allocates nothing per
 * diagnosis. Returns 0, or -1 on allocation failure (*len unchanged;
 * *buf and *cap, possibly changed, remain the caller's to free). */
int idg_diagnosis_json_append(const idg_diagnosis *d, char **buf, size_t *len, size_t *cap);

/* ---- the engine ------------------------------------------------------- */

typedef struct idg_options {
    size_t max_line_bytes;     /* longer lines are cut and counted; default 65536 */
    size_t max_negotiations;   /* open negotiations tracked at once; default 4096 */
    size_t max_evidence;       /* evidence lines kept per diagnosis; default 16 */
    size_t reorder_bytes;      /* max bytes buffered to re-read a newest-first
                                  paste in time order; default 64 MiB, 0 = off */
} idg_options;

/* Fills *o with the defaults. */
void idg_options_init(idg_options *o);

/* Counters, valid at any time. */
typedef struct idg_stats {
    uint64_t bytes;            /* bytes fed */
    uint64_t lines;            /* lines seen */
    uint64_t charon_lines;     /* lines recognised as charon log lines */
    uint64_t skipped_lines;    /* not charon lines (other daemons, prose) */
    uint64_t cut_lines;        /* lines longer than max_line_bytes */
    uint64_t joined_lines;     /* hard-wrapped continuation lines re-joined */
    uint64_t duplicate_lines;  /* the same event logged twice, dropped */
    uint64_t diagnoses;        /* diagnoses emitted */
    uint64_t negotiations;     /* negotiations tracked in all */
    uint64_t evicted;          /* negotiations dropped at max_negotiations */
    uint64_t in_progress;      /* negotiations still under way where the input ends (a paste cut
                                * before their outcome), set by idg_engine_finish */
    /* Status output pasted instead of (or beside) a log: `ipsec statusall`,
     * `swanctl --list-sas`, `--list-conns`. A snapshot of the SAs, not log
     * lines (they are counted in skipped_lines too): */
    uint64_t status_lines;           /* lines of status output */
    uint64_t status_ike_sas;         /* IKE SAs it lists ... */
    uint64_t status_ike_established; /* ... of which ESTABLISHED */
    uint64_t status_child_sas;       /* CHILD SAs it lists ... */
    uint64_t status_child_installed; /* ... of which INSTALLED */
    int reversed;              /* 1 if the input was newest-first and re-read */
} idg_stats;

/* The counters of idg_stats a report's sources and a stream's summary
 * write, in that order, each as X(member) and under the member's name
 * (diagnoses is not among them: a report counts its own). */
#define IDG_STATS_COUNTERS(X)                                                 \
    X(bytes) X(lines) X(charon_lines) X(skipped_lines) X(cut_lines)           \
    X(joined_lines) X(duplicate_lines) X(negotiations) X(evicted)             \
    X(in_progress) X(status_lines) X(status_ike_sas)                          \
    X(status_ike_established) X(status_child_sas) X(status_child_installed)

typedef struct idg_engine idg_engine;

/* Called once per diagnosis, as soon as it is concluded. `d` is valid only
 * during the call. */
typedef void (*idg_diagnosis_cb)(void *user, const idg_diagnosis *d);

/* A new engine; opts may be NULL for defaults. Returns NULL on OOM. */
idg_engine *idg_engine_new(const idg_options *opts, idg_diagnosis_cb cb, void *user);
/* Feeds bytes; any chunking gives the same result. Returns 0, or -1 on OOM. */
int idg_engine_feed(idg_engine *e, const void *buf, size_t len);
/* End of input: flushes the last line and concludes what is still open. */
int idg_engine_finish(idg_engine *e);
const idg_stats *idg_engine_stats(const idg_engine *e);
void idg_engine_free(idg_engine *e);

/* ---- reports ---------------------------------------------------------- */

typedef enum idg_format {
    IDG_FORMAT_JSON = 0,       /* the document, indented by 2 (for people and diffs) */
    IDG_FORMAT_TEXT,
    IDG_FORMAT_MARKDOWN,
    IDG_FORMAT_JSON_COMPACT    /* the same document without any whitespace, for
                                  programs (smaller, faster); no name parses to it */
} idg_format;

/* Parses "json", "text", "markdown" (or "md"); returns -1 if unknown. */
int idg_format_parse(const char *s, idg_format *out);

typedef struct idg_report idg_report;

idg_report *idg_report_new(void);
/* Starts a new source (one log); subsequent adds belong to it. */
int idg_report_begin_source(idg_report *r, const char *name);
/* Adds a copy of a diagnosis to the current source. */
int idg_report_add(idg_report *r, const idg_diagnosis *d);
/* Records the current source's engine counters. */
int idg_report_set_stats(idg_report *r, const idg_stats *s);
/* Joins the diagnoses of different sources that belong to one negotiation
 * seen from its two ends, filling each side's unknown peer values. With
 * cold storage, it first reads every kept diagnosis back into memory. */
void idg_report_correlate(idg_report *r);
size_t idg_report_count(const idg_report *r);
/* The diagnoses of error severity: those kept, and those past the
 * report's cap that were only counted. Nonzero means a failure was found. */
size_t idg_report_errors(const idg_report *r);
/* What makes two diagnoses the same finding (a report folds them into one
 * with an occurrence count): their source, class, severity, role,
 * connection, child, addresses and offending values; not their times,
 * IKE_SA ids or evidence. Equal for the same finding, and different for
 * different ones but with the odds of a 64-bit hash collision: for a
 * consumer that folds repeats itself (the server's /v1/stream?repeats=once). */
uint64_t idg_diagnosis_fold_key(const idg_diagnosis *d);
/* Diagnosis i (0 <= i < idg_report_count), valid until idg_report_free;
 * with cold storage, the first call for it reads its texts back and keeps
 * them in memory from then on. */
const idg_diagnosis *idg_report_get(const idg_report *r, size_t i);
/* The whole report rendered; a malloc'd NUL-terminated string or NULL. */
char *idg_report_render(const idg_report *r, idg_format fmt);

/* Receives rendered output piece by piece; returns 0, or -1 to stop. */
typedef int (*idg_write_cb)(void *user, const char *data, size_t len);
/* The same text as idg_report_render, handed to cb in pieces of about
 * 64 KiB as it is produced, so a large report never sits in memory whole.
 * Returns 0, or -1 if cb stopped or memory ran out. */
int idg_report_write(const idg_report *r, idg_format fmt, idg_write_cb cb, void *user);
void idg_report_free(idg_report *r);

/*
 * Cold storage. A report keeps every distinct diagnosis until it is freed,
 * ~2 KB each, three quarters of it the evidence lines and the texts only
 * rendering reads (detail and recommendation): a log of thousands of
 * distinct failures would hold megabytes for them. With a cold store set,
 * each diagnosis the report keeps from then on has those texts written out
 * through it at once, and read back one at a time when it is rendered; the
 * report holds a few hundred bytes per distinct diagnosis.
 *
 * The library does no I/O: the caller provides the store (the CLI an
 * unlinked temporary file). write appends len bytes and sets *at to where
 * they went; read copies the len bytes stored at at into data. Both return
 * 0, or -1 on failure: a failed write keeps that diagnosis whole in memory,
 * a failed read makes idg_report_write return -1 and idg_report_render
 * NULL. The store must outlive the report (or its last use of it).
 */
typedef struct idg_cold_store {
    int (*write)(void *user, const void *data, size_t len, uint64_t *at);
    int (*read)(void *user, uint64_t at, void *data, size_t len);
    void *user;
} idg_cold_store;
/* Sets the store (copied; NULL: none) for the diagnoses added from now on.
 * Returns 0, or -1 if store lacks a callback, memory ran out, or the
 * report already stored a diagnosis's texts (its store can no longer
 * change: they are read back through it). */
int idg_report_set_cold_store(idg_report *r, const idg_cold_store *store);

/* ---- one-call convenience --------------------------------------------- */

/* Diagnoses one in-memory log and renders it: the CLI and the server's
 * non-streaming endpoints in one call. Returns a malloc'd string or NULL. */
char *idg_diagnose_buffer(const void *log, size_t len, const char *name,
                          const idg_options *opts, idg_format fmt);

#ifdef __cplusplus
}
#endif
#endif /* IPSECDIAG_H */
