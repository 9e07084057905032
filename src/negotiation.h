/*
 * negotiation.h - what one log says about one IKE_SA, and the store of them.
 *
 * A negotiation is keyed by the IKE_SA unique id charon prints as <name|id>
 * or name[id] (or a synthetic id when the log has neither, assigned from
 * thread runs, addresses and proximity by the engine). It accumulates what
 * the rules need: version, roles, addresses, names, the proposals and
 * traffic selectors compared, the failure facts seen, and the evidence
 * lines. The store bounds the number of open negotiations (LRU eviction)
 * and finds them by id in O(1).
 *
 * The loaded-configuration store keeps what the vici load-conn dump said
 * about each connection (this end's configured values), so that a
 * negotiation failing before its peer config is known can still be told
 * what this end expected.
 */
#ifndef IDG_NEGOTIATION_H
#define IDG_NEGOTIATION_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "charon_line.h"
#include "ipsecdiag/ipsecdiag.h"
#include "kept_line.h"

/* ---- small owned strings ------------------------------------------------ */

/* A bounded owned string: set/append copy and cut at NEG_STR_CAP bytes
 * (never inside a UTF-8 sequence: utf8_cut); the buffer is reused (no
 * allocation once grown). */
#define NEG_STR_CAP 4096   /* proposal and selector lists */
#define NEG_SMALL_CAP 256  /* names, addresses, identities, single lines */

typedef struct nstr {
    char *p;      /* NUL-terminated when len > 0 */
    uint32_t len; /* <= NEG_STR_CAP: 32-bit sizes keep the ~60 of them in a
                   * negotiation at 16 bytes each (1,400 are open at once) */
    uint32_t cap; /* bytes at p; the NSTR_INLINE bit set: p is a buffer
                   * inside the owner (nstr_inline), not from malloc */
} nstr;

/* A few strings read on nearly every line (the connection name and the
 * addresses, compared with each line's prefix and packet addresses) start
 * in a buffer inside their negotiation (nstr_inline), so that comparing
 * them touches no other cache line; one that outgrows it moves to the
 * heap. */
#define NSTR_INLINE 0x80000000u
#define NEG_INLINE_STR 32
static inline void nstr_inline(nstr *s, char *buf, size_t size)
{
    s->p = buf;
    s->p[0] = '\0';
    s->len = 0;
    s->cap = (uint32_t)size | NSTR_INLINE;
}

void nstr_set(nstr *s, const char *p, size_t n);
void nstr_append(nstr *s, const char *p, size_t n);
void nstr_clear(nstr *s);
void nstr_free(nstr *s);
static inline const char *nstr_c(const nstr *s) { return s->len ? s->p : NULL; }

/* ---- failure facts -------------------------------------------------------- */

enum {
    /* phase 1 */
    F1_PROPOSAL_REJECT = 0, /* this end rejected the peer's IKE proposals */
    F1_NOTIFY_NO_PROP,      /* the peer rejected ours (NO_PROPOSAL_CHOSEN) */
    F1_PEER_PROPOSAL_INVALID,
    F1_NO_IKE_CFG,
    F1_AGGR_PSK_DISABLED,
    F1_NO_AUTH_MODE,
    F1_NO_PEER_CFG,
    F1_IDIR_MISMATCH,
    F1_IDR_REQUIRE,
    F1_CONSTRAINT_ID,
    F1_PEER_CFG_UNACCEPTABLE,
    F1_CERT,
    F1_NO_PRIVATE_KEY,
    F1_MAC_MISMATCH,
    F1_DECRYPT_FAILED,
    F1_HASH_MISMATCH,
    F1_NO_SHARED_KEY,
    F1_NOTIFY_AUTH_FAILED,
    F1_NOTIFY_PSK,          /* PAYLOAD_MALFORMED / INVALID_HASH_INFORMATION */
    F1_NOTIFY_VERSION,      /* INVALID_MAJOR_VERSION ... */
    F1_NOTIFY_CERT,         /* INVALID_CERTIFICATE ... */
    F1_NOTIFY_EXCHANGE,     /* IKEv1 UNSUPPORTED_EXCHANGE_TYPE ("(29)") */
    F1_NOTIFY_OTHER,
    F1_NOTIFY_ADDKE,        /* INVALID_SYNTAX answering an additional key exchange (IKE_INTERMEDIATE) */
    F1_INVALID_KE,          /* INVALID_KE exchanged (retry expected) */
    F1_KE_FAILED,           /* INVALID_KE retries failed */
    F1_EAP_FAILED,
    F1_XAUTH_FAILED,
    F1_GIVING_UP,
    F1_NOT_RESPONDING,
    F1_RETRANSMITTING,      /* the log ends with this end's request unanswered */
    F1_UNRESOLVED,          /* the peer's host name does not resolve */
    F1_HALF_OPEN,
    F1_SENT_NO_PROP,        /* this end answered NO_PROPOSAL_CHOSEN (reason not logged) */
    F1_SENT_AUTH_FAILED,    /* this end answered AUTHENTICATION_FAILED */
    F1_EAP_UNCONFIGURED,    /* the peer requests EAP, no config of this end has it */
    F1_CONFIG_NOT_LOADED,
    F1_DAEMON_CRASH,        /* charon died on a signal */
    F1_KE_MALFORMED,        /* the peer's key exchange value does not fit the selected group */   /* asked to start a connection charon does not have */
    F1_VERSION_UNSUPPORTED, /* this end's charon does not speak the peer's IKE version at all */
    F1_NOT_ENCRYPTED,       /* the peer's answer carried a payload outside
                             * the encryption (an unprotected error notify) */
    F1_ALG_UNSUPPORTED,     /* this end's charon lacks an algorithm of its phase 1 (alg_unsupported) */
    F1_UNIQUE_REFUSED,      /* this end refused an authenticated peer: uniqueness policy "keep" */
    F1_V1_AUTH_UNSUPPORTED, /* this end's IKEv1 connection authenticates in no way IKEv1 can */
    F1_SETUP_DROPPED,       /* this end dropped a new peer's IKE_SA setup: a DoS-protection limit */
    /* phase 2 */
    F2_NO_CHILD_CFG,
    F2_TS_UNACCEPTABLE,
    F2_NOTIFY_TS,           /* TS_UNACCEPTABLE / INVALID_ID_INFORMATION / ... */
    F2_NO_ACCEPTABLE_TS,
    F2_PROPOSAL_REJECT,     /* this end rejected the peer's ESP/AH proposals */
    F2_NOTIFY_NO_PROP,
    F2_INSTALL_FAILED,
    F2_REKEY_FAILED,
    F2_CHILD_FAILED,
    F2_NOTIFY_OTHER,
    F2_VIP_FAILED,          /* no virtual IP for the peer, or none installed here */
    F2_NOTIFY_VIP,          /* the peer answered INTERNAL_ADDRESS_FAILURE / FAILED_CP_REQUIRED */
    F2_PEER_DELETED,        /* IKEv1: the peer deleted the IKE_SA in answer to our Quick Mode */
    F2_ALG_UNSUPPORTED,     /* this end's charon lacks the PFS group (alg_unsupported) */
    F2_MODE_MISMATCH,       /* the responder's CHILD_SA mode is not this end's (p2_mode_peer) */
    /* established SA */
    FD_DPD_TIMEOUT,
    FD_GIVING_UP,           /* retransmits on an established SA gave up */
    F__COUNT
};

_Static_assert(F__COUNT <= 64, "facts are bits of a uint64_t");
#define FACT(f) ((uint64_t)1 << (f))
#define F1_MASK (FACT(F2_NO_CHILD_CFG) - 1)
#define F2_MASK ((FACT(FD_DPD_TIMEOUT) - 1) & ~F1_MASK)
#define FD_MASK (FACT(FD_DPD_TIMEOUT) | FACT(FD_GIVING_UP))

/* Why a virtual IP (IKEv2 configuration payload, IKEv1 mode config) failed,
 * as far as the log says (negotiation.vip_cause). */
typedef enum vip_cause {
    VIP_UNKNOWN = 0,
    VIP_NO_ADDRESS,        /* this end found no address for the peer */
    VIP_POOL_FULL,         /* ... because its pool is exhausted */
    VIP_DHCP_NO_ANSWER,    /* ... because its DHCP server did not answer */
    VIP_NOT_REQUESTED,     /* this end has a pool, the peer requested no address */
    VIP_INSTALL,           /* this end got an address and could not install it */
    VIP_PEER_NO_ADDRESS,   /* the peer had no address for this end */
    VIP_PEER_REQUIRES,     /* the peer requires this end to request one */
    VIP_PEER_REFUSES_CP    /* the peer answered this end's IKEv1 mode config request with an error */
} vip_cause;

/* Peer addresses whose dropped setups are gathered one by one; past these,
 * in one negotiation for all others (engine.c setup_drops_of) */
#define SETUP_DROP_PEERS 8

/* Which limit of this end dropped a peer's IKE_SA setup (negotiation.setup_drop_kind). */
typedef enum setup_limit {
    SETUP_LIMIT_HALF_OPEN = 1, /* charon.init_limit_half_open: half-open IKE_SAs of all peers */
    SETUP_LIMIT_PER_IP,        /* charon.block_threshold: half-open IKE_SAs of this peer's address */
    SETUP_LIMIT_JOB_LOAD,      /* charon.init_limit_job_load: queued jobs */
    SETUP_LIMIT_IKESA          /* charon.ikesa_limit: IKE_SAs in all */
} setup_limit;

/* Why this end's RADIUS server gave no usable answer (negotiation.radius_fault). */
typedef enum radius_fault {
    RADIUS_OK = 0,
    RADIUS_UNREACHABLE,    /* the request could not be sent or its answer received (a closed
                            * port: "Connection refused"; no route; an address that does not
                            * resolve) */
    RADIUS_TIMEOUT,        /* sent, retransmitted, never answered */
    RADIUS_SECRET,         /* answered, but signed with another shared secret */
    RADIUS_INVALID,        /* answered with a message charon could not use */
    RADIUS_UNCONFIGURED    /* no server with an address and a secret: eap-radius does not load */
} radius_fault;

/* Why the peer's certificate was refused, when charon says more than "not
 * trusted" (negotiation.cert_cause). */
typedef enum cert_cause {
    CERT_UNTRUSTED = 0,    /* no trusted CA, no issuer, a constraint: the trust chain */
    CERT_SUBJECT_DATES,    /* the peer's certificate is outside its validity period */
    CERT_ISSUER_DATES,     /* a CA certificate of its chain is outside its validity period */
    CERT_REVOKED,          /* a CRL or OCSP answer says it was revoked */
    CERT_STATUS_UNKNOWN,   /* no CRL or OCSP status, and the policy wants one (strict) */
    CERT_NOT_SENT,         /* the peer's authentication carried no certificate, none is here */
    CERT_CA_REQUIRED       /* its chain is trusted, but the connection requires another CA
                            * (remote.cacerts, pfSense's Peer Certificate Authority) */
} cert_cause;

/* Why the kernel refused a negotiated CHILD_SA, where the log says more
 * than "unable to install" (negotiation.install_cause). */
typedef enum install_cause {
    INSTALL_UNKNOWN = 0,
    INSTALL_OFFLOAD,       /* the NIC's driver refused to offload it (the kernel's extended ack) */
    INSTALL_SA_EXISTS,     /* an SA with that SPI is already installed (ALREADY_DONE) */
    INSTALL_ROUTE_IS_IKE,  /* the policy's route would carry the IKE traffic (kernel-pfkey) */
    INSTALL_SPI_ALLOC,     /* the kernel gave no SPI: its IPsec interface fails before any algorithm */
    INSTALL_ALG_UNSUPPORTED, /* the kernel has no such algorithm (or ESN): install_algs names it */
    INSTALL_NO_KERNEL_IPSEC /* charon could not even enable UDP decapsulation at its start: the
                             * kernel has no IPsec loaded (FreeBSD's ipsec module) */
} install_cause;

/* ---- exchanges ------------------------------------------------------------ */

typedef enum exch_type {
    EX_NONE = 0,
    EX_ID_PROT,
    EX_AGGRESSIVE,
    EX_QUICK_MODE,
    EX_INFORMATIONAL_V1,
    EX_TRANSACTION,
    EX_IKE_SA_INIT,
    EX_IKE_AUTH,
    EX_CREATE_CHILD_SA,
    EX_INFORMATIONAL,
    EX_IKE_INTERMEDIATE,
    EX_OTHER
} exch_type;

/* The errno values of netlink errors the rules explain (netlink is
 * Linux's: its numbers are Linux's, whatever libc printed the text). */
enum {
    KNL_ENOENT = 2,            /* crypto API: algorithm's module missing */
    KNL_ENOSYS = 38,           /* XFRM lacks the algorithm */
    KNL_EOPNOTSUPP = 95,       /* XFRM refuses a 32-bit caller on a 64-bit kernel */
    KNL_EPROTONOSUPPORT = 93   /* no ESP in the kernel */
};

/* ---- evidence ------------------------------------------------------------- */

/* An evidence slot refers to its text in the negotiation's evidence arena
 * (ev_text): one compact buffer per negotiation instead of one separately
 * grown string per slot, which cost ~6 KB per open negotiation (power-of-2
 * rounding plus a malloc header per slot). Replaced or cleared texts leave
 * garbage that neg_add_evidence compacts away before the arena grows. */
typedef struct neg_evidence {
    uint64_t line;
    uint32_t off, len; /* text: ev_text + off, len bytes, NUL-terminated */
    int16_t prio;      /* 0 = free slot */
    int16_t phase;     /* 1, 2, or 0 = both */
    uint32_t seq;      /* when it was read: the engine's line count (wraps),
                        * which a newest-first paste does not share with line */
} neg_evidence;

/* ---- a negotiation -------------------------------------------------------- */

#define NEG_MAX_MSGIDS 16

/* The keys an SA is filed under in the store's tunnel index: its
 * connection name and its peer's address. */
enum { NEG_BY_CONN, NEG_BY_PEER, NEG_TUNNEL_KEYS };

typedef struct neg_link {
    struct negotiation *next, **pprev;
} neg_link;

typedef struct negotiation {
    /* What nearly every line of the SA reads or writes comes first, in a
     * few adjacent cache lines: with ~1,400 negotiations open, each line
     * otherwise touched a dozen lines of its negotiation scattered over
     * 1.5 KB (the identity, exchange state, evidence bookkeeping). */
    int64_t id;                /* IKE_SA unique id, or negative synthetic */
    int synthetic;             /* id not (yet) known from the log */
    uint64_t first_line, last_line;
    struct negotiation *lru_prev, *lru_next;
    struct negotiation *pend_next; /* pending-conclusion list */
    int pending;               /* a terminal event was seen: conclude soon */
    uint64_t pend_deadline;    /* global line number */
    int pend_own_lines;        /* own lines left in the grace window */

    /* identity of the SA (the rest below) */
    nstr conn;                 /* peer config name */
    int conn_prio;             /* 0 none, 1 from text name[id], 2 prefix/selected */
    /* conn's inline buffer (see nstr_inline); the addresses' are below */
    char conn_inline[NEG_INLINE_STR];
    /* facts of the current episode */
    uint64_t facts;
    nstr time;                 /* time of the concluding (terminal) line */
    uint64_t terminal_line;
    int ike_established;       /* 1 established, 2 via rekey */
    uint8_t tunnel_dirty;      /* a line changed conn, remote_addr or whether the SA is up: its
                                * place in the store's tunnel index is to be renewed (read on
                                * every line, so it sits here) */
    uint8_t ike_inferred;      /* ... known only from: 1 "keeping IKE_SA" (the CHILD_SA of an
                                * authenticated IKE_SA failed), 2 a CREATE_CHILD_SA or Quick
                                * Mode as its first exchange in the log; no line said it came up */
    int child_established_pending; /* CHILD_SAs established, not yet reported */
    int retransmits;           /* of the current request */
    int ts_listing;            /* 1 = us, 2 = other: TS lines follow */
    int ts_listing_thread;
    int ts_listing_cand;       /* candidate the TS lines go to, -1 none */

    /* evidence */
    size_t n_ev_cap;           /* allocated slots */
    size_t n_ev_max;           /* the most slots kept */
    size_t n_ev;               /* used slots, kept dense at the front */
    neg_evidence *ev;
    char *ev_text;             /* evidence arena */
    size_t ev_text_len, ev_text_cap;
    size_t ev_text_live;       /* bytes of it still referenced (with NULs) */

    /* current exchange */
    exch_type exch;
    exch_type main_exch;       /* last exchange other than INFORMATIONAL */
    int exch_we_initiated;     /* 1 we sent the request, 0 the peer did */
    uint32_t exch_msgid;
    int exch_rekey;            /* CREATE_CHILD_SA with REKEY_SA */
    int exch_ike_rekey;        /* CREATE_CHILD_SA rekeying the IKE_SA */
    /* message sequence, for attaching lines when the log has no SA ids */
    exch_type last_gen_x;      /* last message this end generated */
    int last_gen_request;
    uint32_t last_gen_msgid;
    int awaiting;              /* a request of ours awaits its response */
    uint32_t next_peer_msgid;  /* IKEv2: the peer's next request id */
    int child_fresh;           /* `child` names the current phase 2 attempt */
    int child_announced;       /* "establishing CHILD_SA" named the next one */
    exch_type p2_exch;         /* exchange of the phase 2 attempt */
    int p2_we_initiated;
    uint32_t p2_msgid;
    int p2_rekey;
    int p2_open;               /* that attempt has not established its CHILD_SA */
    uint64_t established_line; /* engine line at which the IKE_SA came up */

    /* identity of the SA */
    nstr child;                /* CHILD_SA (child config) name */
    int ike_version;           /* 0 unknown, 1, 2 */
    idg_role ike_role;         /* original role of this end */
    int mode;                  /* 0 unknown, 1 main, 2 aggressive (v1) */
    nstr local_addr, remote_addr;
    int remote_port;
    /* the inline buffers of local_addr and remote_addr */
    char local_addr_inline[NEG_INLINE_STR], remote_addr_inline[NEG_INLINE_STR];
    nstr local_id, remote_id;  /* from established / auth lines */
    nstr my_auth;              /* "pre-shared key", "RSA signature", ... */
    int nat_local, nat_remote, nat_fake;
    int sent_cert, unknown_ca;

    /* lifecycle */
    int ike_established_reported;
    int ike_state_destroying;
    nstr child_est_name, child_est_ts_local, child_est_ts_remote;
    int64_t child_est_id;
    int child_ever_established;
    int child_est_count;       /* CHILD_SAs established so far */
    uint64_t child_est_key;    /* the last one's unique id and inbound SPI (hashed): the same
                                * line again (syslog to two files, a relay) is no new SA */
    uint32_t ike_est_seq;      /* when the lines that said so were read (neg_evidence.seq): */
    uint32_t child_est_seq;    /* a success's evidence ends there */
    /* An error notify read only from a received message's payload list
     * (the "received ... notify" line is cut from the paste, or charon
     * logs none): a fact only if the negotiation concludes with no other
     * (engine.c, apply_payload_notify). */
    const char *payload_notify;
    size_t payload_notify_len;
    int payload_notify_version;
    int payload_notify_child;     /* about the CHILD_SA of an IKE_AUTH */
    int payload_notify_p2;        /* about a CHILD_SA (or Quick Mode) */
    int payload_notify_child_est; /* child_est_count when it was read */
    /* the peer's IKE_AUTH answer held a CHILD_SA error notify and no AUTH:
     * it did not authenticate because its CHILD_SA failed, so this end's
     * AUTHENTICATION_FAILED for the missing IDr/AUTH is no key or
     * identity problem */
    int payload_notify_unauthenticated;
    /* F1_VERSION_UNSUPPORTED is this end's: it was to initiate a version its
     * charon was built without ("IKE version %d not supported") */
    int version_not_built;
    /* this end's IKEv1 request was answered in IKEv2 ("received unencrypted
     * informational", fold_unencrypted_info) */
    int peer_answered_v2;
    int p1_failure_emitted;
    int dpd_emitted;
    uint32_t p2_emitted_msgid;
    int p2_emitted_any;
    int invalid_ke_warned;

    /* proposals: IKE (phase 1) and ESP/AH (phase 2) */
    nstr p1_received, p1_configured, p1_proposed; /* proposed: initiator's own */
    nstr p2_received, p2_configured, p2_proposed;
    nstr p1_no_acceptable, p2_no_acceptable;      /* first "no acceptable X found" */
    int sel_phase;             /* phase of the running "selecting proposal:" */
    nstr sel_type;             /* first "no acceptable X found" of the running selection */
    int last_prop_phase;       /* phase of the last proposal list logged */
    int last_prop_was_received;
    int sel_failed;            /* no "proposal matches" in it yet */
    int p2_selected_ok;        /* a phase 2 proposal was selected */
    uint8_t install_netlink_only; /* F2_INSTALL_FAILED from a netlink error alone (ENOSYS, ...):
                                   * 1 after a selected proposal, 2 with nothing else of the SA */
    int p2_auth_child_ok;      /* the IKE_AUTH / first child came up */

    /* traffic selectors */
    nstr ts_peer_local, ts_peer_remote;   /* what the peer proposed (for our side / its side) */
    nstr ts_conf_local, ts_conf_remote;   /* what this end proposes (configured) */
    /* configured selectors per child config candidate, as the responder
     * lists them while looking for a child config ("proposing traffic
     * selectors for us:" starts one candidate, "... for other:" completes it) */
#define NEG_TS_CAND 6
    nstr ts_cand_us[NEG_TS_CAND], ts_cand_other[NEG_TS_CAND];
    int n_ts_cand;

    /* identities in peer config lookup / mismatches */
    nstr lookup_local_host, lookup_remote_host, lookup_local_id, lookup_remote_id;
    nstr idir_received, idir_configured;
    nstr constraint_required, constraint_got;
    nstr auth_mode_peer, auth_mode_class;
    nstr no_ike_cfg_local, no_ike_cfg_remote;
    nstr notify;               /* last error notify received */
    int notify_phase;
    nstr ke_offered, ke_requested;
    idg_role ke_role;
    nstr alg_unsupported;      /* the algorithm this end's charon lacks ("not supported!"), or empty */
    nstr knl_alg_unsupported;  /* what the kernel lacks ("algorithm %N not supported by kernel!") */
    nstr key_for;              /* the identity "no private key found for '%Y'" names */
    nstr crash_frame;          /* where charon crashed: "liboqs.so.0 (KeccakP1600_Initialize)" */
    nstr peer_keyid_text;      /* the peer's ID_KEY_ID as text ("remote id match"), when printable */
    nstr sig_scheme_refused;   /* the peer's signature scheme or key this end's constraint refused */
    uint8_t sig_scheme_x509;   /* ... of its certificate chain (X.509), not of its AUTH payload */
    nstr p2_mode_peer;         /* the mode the responder chose ("TRANSPORT mode requested by ...") */
    uint8_t transport_refused; /* "not using transport mode, not host-to-host" was logged */
    /* An IKEv1 responder's child lookup (CFG level 2): a child config was
     * found, and the traffic selectors matched it for the other end (bit
     * 1) and for this end (bit 2); ts_select: which of the two the
     * current "selecting traffic selectors for" section is (1 other, 2 us).
     * All matched, and still "no matching CHILD_SA config found": the
     * modes differ (quick_mode.c checks nothing else there). */
    uint8_t child_cfg_found, ts_matched, ts_select;
    uint8_t mode_refused_here; /* F2_MODE_MISMATCH seen from the responder */
    uint8_t closed_soon;       /* closed_by: within moments of coming up (up_moments_ago) */
    uint8_t constraint_eap;    /* F1_CONSTRAINT_ID: an EAP identity was required (an EAP
                                * round the connection asks for and the peer did not do) */
    nstr peer_auth_method;     /* "authentication of '%Y' with %N successful": the %N */
    int alg_unsupported_tt;    /* its transform type (TT_ENCR ...), TT__COUNT unknown */
    uint8_t ke_retry_accepted;
    uint8_t frag_sup;
    uint8_t v1_frag;           /* vendor IDs: 1 this end sent FRAGMENTATION, 2 the peer did,
                                * 4 the peer's vendor IDs are logged */
    uint32_t last_send_bytes;  /* the size of the last packet this end sent (0: not logged) */
    uint8_t half_open_cut;
    uint8_t conn_add_unconfirmed; /* "no config named": stroke received its add, never added it */
    uint64_t peer_auth_ok_line;  /* the engine line of "authentication of '%Y' with %N successful" */
    int64_t peer_auth_ok_ts;     /* F1_HALF_OPEN from the peer's retransmits, the log cut before the timeout */          /* IKEv2 fragmentation: 1 negotiated, 2 not (IKE_SA_INIT answer), 0 unknown */ /* the peer answered the retry with its KE (IKE_SA_INIT done) */
    uint32_t ke_seq;           /* when the INVALID_KE was read (neg_evidence.seq): a retry's
                                * warning's evidence ends there */
    nstr unencrypted_type;     /* "payload type %N was not encrypted": the first such type */
    uint8_t mm_unencrypted_id; /* ... was ID_V1 or HASH_V1 before the IKE_SA came up (Main Mode) */
    /* the same for a CREATE_CHILD_SA (PFS): a warning of phase 2 */
    nstr ke2_offered, ke2_requested;
    idg_role ke2_role;
    uint8_t ke2_warned;        /* 1: to report; 2: reported */
    int64_t retransmit_msgid;
    int giving_up_count;
    nstr cert_detail, cert_issuer;
    nstr cert_required_ca;     /* the CA the connection requires (CERT_CA_REQUIRED) */
    nstr peer_candidates;      /* the peer configs that matched ("con1, site-a"), each once, until
                                * one was selected (level 2: backend_manager's candidates) */
    unsigned n_peer_candidates;
    nstr cert_chain_ca;        /* the CA certificate the check of the peer's chain was last at
                                * ("using trusted ca certificate ..."): the one an "issuer
                                * certificate invalid" names */
    nstr knl_error, install_detail;
    int knl_errno;             /* the errno of knl_error when it is a netlink error's, else 0 */
    int policy_conflict;       /* another CHILD_SA holds the same policy */
    nstr eap_detail;
    nstr eap_method;           /* the EAP method the server requested (or this server initiated) */
    nstr eap_wanted;           /* the method a client that refused it asked for instead */
    nstr eap_identity;         /* the EAP identity this end (the client) sent */
    nstr eap_user;             /* the EAP identity the client sent this end (the server) */
    /* this end (EAP or XAuth server) and its RADIUS server (eap-radius) */
    nstr radius_server;        /* the server's name, from "sending RADIUS ... to server '%s'" */
    nstr radius_fault_msg;     /* the message of the fault below */
    uint8_t radius_fault;      /* a radius_fault: why no usable answer came */
    uint8_t radius_rejected;   /* the server answered Access-Reject */
    nstr xauth_user;           /* the XAuth user whose password this end (the server) accepted */
    nstr auth_required, auth_used; /* "constraint requires %N authentication, but %N was used" */
    uint8_t eap_no_key;        /* this server has no EAP secret for eap_user */
    uint8_t xauth_asked;       /* 1: the peer asked this end for XAuth credentials; 2: and got none */
    uint8_t peer_auth_cert;    /* the peer's AUTH / SIG message: 1 with a CERT payload, 2 without
                                * (a key not found after one without is CERT_NOT_SENT) */
    uint8_t info_protected;    /* the last IKEv1 INFORMATIONAL carried a HASH: sent under the ISAKMP SA */
    uint8_t peer_wants_vip;    /* the peer's IKE_AUTH request asks for a virtual IP (CPRQ): a remote-access client */
    uint8_t xauth_no_secret;   /* XAuth: 1 the server has no secret for the user, 2 its script
                                * failed, 3 this end (the client) had no credentials to send */
    uint8_t qm_sent_ke;        /* this end's last Quick Mode request carried a KE payload (PFS) */
    uint8_t v1_id_sent;        /* this end sent its Main Mode identification (message 5):
                                * 1, or 2 with a HASH payload (pre-shared key auth) */
    uint8_t install_cause;     /* install_cause, for F2_INSTALL_FAILED */
    uint8_t p2_ah;             /* the phase 2 proposal selected is AH, not ESP */
    uint8_t send_no_socket;    /* send_error: charon has no socket plugin, nothing was sent */
    uint8_t eap_no_msk;        /* the EAP method succeeded without deriving an MSK */
    uint8_t eap_crypto_missing; /* EAP-MS-CHAPv2 lacks MD4/DES/SHA-1 in this charon */
    uint8_t eap_method_unloadable; /* the EAP server could not load its method's plugin */
    nstr peer_cert;            /* the subject of the peer's end entity certificate */
    nstr cert_for;             /* the identity "no trusted %N public key found for '%Y'" names */
    nstr cert_validity;        /* why a certificate was refused by date or revocation ("valid from
                                * .. to ..", "revoked on .. (reason)"), per cert_cause */
    uint8_t cert_cause;        /* cert_cause of the first certificate failure */
    uint8_t own_sign_failed;   /* ... which was this end's own signature: it had the key
                                * ("authentication of ... (myself) with <signature> failed",
                                * not "no private key found") */
    nstr p1_selected;          /* the IKE proposal selected ("selected proposal: IKE:...") */
    nstr p2_selected;          /* ... and the ESP/AH one, whose algorithms the kernel installs */
    nstr install_algs;         /* the kernel's names of them ("AES_GCM_16, ..."), from KNL lines */
    nstr crash_signal;         /* the signal charon died of ("11") */
    uint8_t daemon_init_failed;  /* charon did not start at all */
    nstr pid_file;             /* ... because its pid file exists (another charon runs) */
    nstr init_cause;           /* the unmet dependency of a critical plugin ("CUSTOM:kernel-ipsec"), or
                                * why the daemon's program could not be run (daemon_program) */
    nstr daemon_program;       /* the daemon's program that could not be run at all */
    nstr netlink_error;        /* why the kernel refused the netlink socket ("Protocol not supported") */
    uint8_t daemon_gave_up;      /* the starter stopped restarting it */
    uint8_t died_at_start;       /* the starter saw it die right after it started */
    nstr plugin_failed, plugin_error; /* the first plugin that did not load, and dlopen's error */
    nstr cred_cause;             /* the X.509 parser's last reason a certificate is refused */
    uint32_t cred_cause_seq;     /* ... read at this engine line */
    uint8_t cred_cause_used;     /* ... and it is why cred_failed did not load */
    uint8_t eap_nak;           /* 1: this end (the client) sent EAP_NAK; 2: this end received one */
    nstr peer_cfg_unacceptable;
    nstr unresolved_host;      /* "unable to resolve %s" */
    /* a new peer's IKE_SA setup this end dropped unanswered, a DoS-protection
     * limit reached (receiver.c; a negotiation of its own, one per peer) */
    uint32_t setup_drops;      /* ... how many of its messages */
    uint8_t setup_drop_kind;   /* setup_limit: which limit (the latest line's) */
    uint8_t setup_admitted;    /* a later setup from the same peer was accepted */
    uint8_t setup_concluded;   /* its drops were concluded (one diagnosis per gathering) */
    uint8_t setup_many;        /* ... of many peer addresses at once, gathered here (no address) */
    uint32_t setup_drop_limit; /* the limit's value (0: not logged) */
    int peer_wants_eap;        /* "peer requested EAP, config unacceptable" */
    int restarting;            /* "restarting CHILD_SA": it was up, and died */
    int cert_id_unconfirmed;   /* the identity constraint failed on the peer's certificate */
    uint8_t vip_cause;         /* vip_cause, for F2_VIP_FAILED / F2_NOTIFY_VIP */
    uint8_t dhcp_discovers;    /* DHCP DISCOVERs sent for the peer (saturates) */
    uint8_t dhcp_offered;      /* a DHCP OFFER came back */
    uint8_t vip_missing;       /* an address the peer requested was not found (one of several, maybe) */
    uint8_t vip_assigned;      /* an address was assigned to the peer */
    nstr vip_requested;        /* the address the peer asked for ("0.0.0.0": any) */
    nstr vip_pool;             /* the exhausted pool's name */
    nstr send_error;           /* "error writing to socket: %s": the packets never left */
    nstr route_error;          /* the route of an installed CHILD_SA failed ("unable to install source route") */
    nstr peer_id_type;         /* "ID_KEY_ID", ...: the type of the identity the peer sent (level 3) */
    uint8_t route_warned;
    uint8_t child_closing;     /* a CHILD_SA is being closed (until the next one is set up) */
    uint8_t rekey_collision;   /* the peer answered a rekey with TEMPORARY_FAILURE: it was rekeying too */
    int64_t established_ts;    /* the line time (charon_line.ts) the IKE_SA came up at, or -1 */
    int64_t last_send_ts;      /* the line time of this SA's last "sending packet", or -1 */
    int64_t half_open_waited_ms; /* half open without charon's timeout line: how long the log ran
                                  * on after this end's IKE_SA_INIT answer (0: the timeout said it) */
    int64_t closed_after_ms;   /* the peer deleted the IKE_SA this long after it came up (-1: no time
                                * logged), when it did so soon (closed_early) */
    uint8_t closed_early;      /* 1: the peer deleted the IKE_SA soon after it came up; 2: warned;
                                * 3: it was deleted soon, and no line says by which end (a log at
                                * level 0 has "deleting IKE_SA" alone) */
    uint8_t ike_gone;          /* a line said the IKE_SA is being deleted or destroyed */
    uint8_t closed_by;         /* the IKE_SA was up, went away with nothing wrong, and no other
                                * IKE_SA of its connection is up: 1 the peer deleted it, 2 this
                                * end, 3 no line says which end (tunnel_closed) */
    uint8_t closed_reported;   /* tunnel_closed was emitted */
    uint32_t closed_seq;       /* the engine line (neg_evidence.seq) closed_by was set at */
    nstr closed_time;          /* ... and its time (the diagnosis time of tunnel_closed) */
    uint16_t peer_retransmits; /* the peer sent a request again that this end had answered */
    uint32_t inactive_s;       /* this end deleted an SA after so many seconds without traffic */
    uint8_t inactive_ike;      /* ... the IKE_SA (1), or a CHILD_SA (0) */
    uint8_t inactive_child;    /* 1: a CHILD_SA closed for inactivity to report; 2: reported */
    uint8_t child_closed;      /* the newest CHILD_SA closed alone, the IKE_SA up: 1 by the peer,
                                * 2 by this end, 3 no line says (a closure to report) */
    uint8_t child_delete_recv; /* the peer's DELETE for a CHILD_SA was read, its closing not yet */
    uint8_t child_closed_held; /* child_closed was held over one grace window (conclude_window) */
    uint8_t unique_replaced;   /* this end deletes the IKE_SA: the same peer identity set up a new
                                * one (uniqueness policy replace); 2: a reauthentication suspected */
    uint32_t p2_closed_seq;     /* the engine line of it (neg_evidence.seq) */
    nstr p2_closed_time;        /* ... and its time */
    uint16_t unreadable_up;    /* the peer's messages this end could not decrypt, the IKE_SA up */
    uint16_t msgid_mismatch_up; /* the peer's requests ignored for an unexpected message ID, the IKE_SA up */
    uint8_t send_error_up;     /* a send of this end failed while the IKE_SA was up */
    uint8_t decrypt_unnamed;   /* an IKEv1 decryption failure whose "processing failed" line,
                                * naming the exchange, has not come (yet) */
    uint8_t decrypt_named;     /* ... such a line named a phase 1 exchange: a key mismatch */
    nstr addr_gone_iface;      /* the interface this end's own address disappeared from ("%H
                                * disappeared from %s") before the SA gave up, and when */
    nstr addr_gone_time;
    uint16_t malformed_up;     /* PAYLOAD_MALFORMED notifies received, the IKE_SA up: the peer
                                * could not read this end's message */
    uint8_t relayed_up;        /* established by a relaying program's line alone (EV_CONN_UP) */
    uint8_t init_accepted;     /* this end's last answer was to the peer's first message, with an SA */
    uint8_t no_route;          /* 1: this end lost its route to the peer (MOBIKE deferred); 2: warned */
    uint8_t ike_delete_logged; /* "received DELETE" or "sending DELETE" for the IKE_SA was read */
    nstr cred_failed;          /* the first credential that did not load (its message) */
    uint8_t cred_warned;       /* 1: cred_failed to report; 2: reported */
    uint8_t cred_key;          /* cred_failed is this end's private key: 1 by type only, 2 by file,
                                * 3 from the system's key store (the Android app) */
    nstr conn_load_error;      /* why charon refused the connection swanctl loaded, or (stroke)
                                * the proposal string of ipsec.conf it refused */
    nstr conn_load_why;        /* stroke: proposal.c's reason for that ("" when not logged) */
    uint8_t conn_load_stroke;  /* conn_load_error is stroke's */
    uint8_t secrets_unreadable; /* no shared key: the secrets file could not be read (conf_store) */
    nstr trap_reqid;           /* "trap not found, unable to acquire reqid %d" */
    uint8_t trap_missing;      /* the kernel acquired for a policy charon has no trap (connection) for */
    uint8_t ike_rekeyed;       /* an IKE_SA rekey ran on it: its delete ends the old SA, not the tunnel */
    uint8_t ike_rekeying;      /* its state went to REKEYING: the old SA of an IKE rekey */
    uint8_t ike_reauth;        /* "reauthenticating IKE_SA": a new SA replaces it, its delete
                                * closes no tunnel */

    /* message ids seen */
    size_t n_msgids;
    uint32_t msgids[NEG_MAX_MSGIDS];

    /* The store's tunnel index (neg_file_tunnel): the chains this SA is
     * filed in (pprev NULL: not in that one). */
    neg_link tunnel[NEG_TUNNEL_KEYS];
} negotiation;

/* ---- the store ------------------------------------------------------------ */

/* A hash slot holds the id beside the pointer: a probe reads no
 * negotiation but the one it finds (with ~1,400 open, each read of one is
 * a likely cache miss). */
typedef struct neg_slot {
    int64_t id;
    negotiation *neg;          /* NULL = empty */
} neg_slot;

typedef struct neg_store {
    size_t max;                /* max open negotiations */
    size_t max_evidence;
    size_t count;
    size_t hcap;               /* hash slots (power of 2) */
    neg_slot *slots;           /* open addressing by id */
    negotiation *lru_head, *lru_tail; /* head = most recent */
    negotiation **tunnels;     /* the tunnel index's chains (allocated at first use) */
    size_t tcap;               /* its chain heads per kind (power of 2) */
    negotiation *free_list;    /* released negotiations kept for reuse */
    size_t n_free;
    int64_t next_synthetic;
} neg_store;

int neg_store_init(neg_store *st, size_t max, size_t max_evidence);
void neg_store_free(neg_store *st);
negotiation *neg_find(neg_store *st, int64_t id);
/* Creates a negotiation for id (or a synthetic one if id == INT64_MIN).
 * When the store is full, *evicted receives the least recently used one
 * (unlinked, still allocated: conclude it, then neg_release it) and the
 * caller retries. Returns NULL on OOM or when full. */
negotiation *neg_create(neg_store *st, int64_t id, uint64_t line, negotiation **evicted);
/* Gives a synthetic negotiation its real id (if no other has it). */
int neg_rekey(neg_store *st, negotiation *n, int64_t id);
void neg_touch(neg_store *st, negotiation *n, uint64_t line);
/* Removes n from the store and keeps it for reuse. */
void neg_release(neg_store *st, negotiation *n);
/* Oldest-first iteration over open negotiations (by LRU order). */
negotiation *neg_oldest(neg_store *st);

/* The tunnel index: open SAs that came up, chained by connection name
 * and by peer address, so that "is another SA of this tunnel up?" reads
 * the SAs of that tunnel, not every open one (a firewall keeps thousands
 * open, and each clean close asks). neg_file_tunnel files n under its
 * current keys (again, after either changed: tunnel_dirty); release unfiles
 * it. Returns -1 on OOM (n stays unfiled). */
int neg_file_tunnel(neg_store *st, negotiation *n);
void neg_unfile_tunnel(negotiation *n);
/* The first SA of the chain key falls in (kind: NEG_BY_CONN or
 * NEG_BY_PEER); follow tunnel[kind].next. A chain may hold SAs of other
 * keys with the same hash, and SAs no longer up: the caller compares. */
negotiation *neg_tunnel_chain(const neg_store *st, int kind, const char *key, size_t len);

/* Evidence: adds a line (its number in the log, and seq: the order read)
 * with a priority; keeps the most relevant. */
void neg_add_evidence(negotiation *n, uint64_t line, uint32_t seq, int prio, int phase,
                      const char *text, size_t len);
void neg_clear_evidence(negotiation *n);
/* A line kept from before (kept_line.h) as evidence. */
void neg_add_kept_evidence(negotiation *n, const kept_line *k, int prio, int phase);
/* Frees one slot (its text becomes arena garbage); compact afterwards. */
void neg_drop_evidence(negotiation *n, neg_evidence *e);
static inline const char *neg_ev_text(const negotiation *n, const neg_evidence *e)
{
    return e->len ? n->ev_text + e->off : "";
}
/* Packs the used slots (prio > 0) to the front after some were cleared. */
void neg_compact_evidence(negotiation *n);
void neg_add_msgid(negotiation *n, uint32_t id);
/* Clears the failure facts (and per-episode data) of a phase mask. */
void neg_clear_facts(negotiation *n, uint64_t mask);

/* ---- loaded configuration (vici load-conn dump) --------------------------- */

/* A firewall with hundreds of tunnels loads hundreds of connections. The
 * table grows on demand; past either bound the oldest are forgotten (the
 * byte bound counts each connection's struct and strings, so a dump of
 * long proposal lists cannot blow the memory budget). */
#define CONF_MAX_CONNS 2048
#define CONF_MAX_BYTES (4u << 20)
#define CONF_MAX_CHILDREN 8

typedef struct conf_child {
    nstr name, proposals, local_ts, remote_ts, mode;
} conf_child;

typedef struct conf_conn {
    nstr name;
    int version;               /* 0 any, 1, 2; -1 unknown */
    int aggressive;            /* -1 unknown */
    nstr local_addrs, remote_addrs, proposals;
    nstr local_id, remote_id, local_class, remote_class;
    /* ipsec.conf's leftid that the connection's certificate does not
     * confirm: stroke then uses the certificate's subject (local_id) */
    nstr id_unconfirmed;
    size_t n_children;
    /* grown as children come (most connections have one), up to
     * CONF_MAX_CHILDREN: thousands of connections may be loaded */
    conf_child *children;
    size_t cap_children;
    int complete;              /* "added vici connection" seen */
    size_t bytes;              /* counted in conf_store.bytes (0 while open) */
} conf_conn;

/* What conf_match_addrs reads of a loaded connection, kept in an array
 * beside the table: a peer that matches no connection (an unknown gateway)
 * is compared with every one of hundreds, and reading each connection's
 * lists cost a cache miss or three per connection. A list that is one
 * plain address is held here; any other (several entries, %any, a CIDR, a
 * range, a long IPv6 text) is read from the connection. */
#define CONF_KEY_ADDR 24
enum { CONF_ADDRS_ANY, CONF_ADDRS_PLAIN, CONF_ADDRS_OTHER };
typedef struct conf_addr_key {
    int version;               /* the connection's */
    uint8_t local_kind, remote_kind; /* CONF_ADDRS_ANY: nothing configured */
    uint8_t local_len, remote_len;   /* of a CONF_ADDRS_PLAIN text */
    char local[CONF_KEY_ADDR], remote[CONF_KEY_ADDR];
} conf_addr_key;

/* A new child of c (zeroed), or NULL past CONF_MAX_CHILDREN or on OOM. */
conf_child *conf_add_child(conf_conn *c);

typedef struct conf_store {
    size_t n, cap;
    conf_conn **conns;         /* oldest first */
    uint64_t *name_hash;       /* conf_name_hash of conns[i]'s name, beside
                                * it: finding a name reads no other
                                * connection (hundreds are loaded) */
    conf_addr_key *addr_keys;  /* of conns[i], beside it (conf_conn_changed) */
    size_t bytes;              /* of the counted connections */
    conf_conn *open;           /* the newest, not counted until the next begins */
    /* dump parser state */
    conf_conn *cur;
    conf_child *cur_child;
    int section;               /* 0 conn, 1 local, 2 remote, 3 child */
    int thread;
    /* changes with every change of the loaded set (a connection begun,
     * a key of the dump stored, the store cleared): the rules remember
     * their last match by addresses until it moves */
    uint64_t generation;
    /* this end's private key that did not load since the daemon started
     * (the message, cut to fit; "" none): the cause of a later "no private
     * key found" */
    char key_failed[192];
    /* pre-shared keys loaded for %any since the secrets were last read:
     * more than one and charon uses one of them for every peer that has
     * no more specific secret */
    unsigned any_psks;
    /* connections come from ipsec.conf through stroke ("received stroke:
     * add connection", "ipsec up" output): advice adds ipsec.conf's keys */
    int uses_stroke;
    /* the daemon is charon-nm: NetworkManager's strongSwan plugin holds the
     * connection, so advice adds the VPN settings that set each key */
    int uses_nm;
    /* the lines come from a host named OPNsense (its default name): advice
     * adds OPNsense's menu paths for the pfSense ones */
    int uses_opnsense;
    /* the release of the charon that started ("strongSwan 5.9.8" in its
     * start line), as text and as major * 100 + minor; 0: not logged */
    char daemon_version[16];
    int daemon_release;
    /* the secrets files read since the secrets were last (re)read, as
     * hashes of their paths: a file loaded twice (an include of a file the
     * wildcard also names) adds its %any secrets once */
    uint64_t secrets_files[16];
    unsigned n_secrets_files;
    uint8_t secrets_file_again;  /* the file being read now was read before */
    /* the last credential file that could not be opened ("opening '...'
     * failed: <reason>", cut to fit) and the line it was on: the reason
     * of a key that does not load just after */
    char open_failed[192];
    uint64_t open_failed_line;
    /* the secrets file (or an include of it) charon could not read since
     * the secrets were last read (text "" none): the reason a later "no
     * shared key found" has no key */
    kept_line secrets_unreadable;
    int secrets_syntax;        /* ... and it is a syntax error, where charon stopped reading */
    /* charon's start: "enabling UDP decapsulation for %s on port %d
     * failed" (text "" none): the kernel has no IPsec support loaded, so
     * no SA can be installed either */
    kept_line udp_decap_failed;
    /* charon's start: a RADIUS server of eap-radius skipped for a missing
     * address or secret, or none defined (text "" none): why EAP_RADIUS
     * then does not load */
    kept_line radius_unusable;
} conf_store;

void conf_store_init(conf_store *cs);
void conf_store_free(conf_store *cs);
void conf_store_clear(conf_store *cs);
conf_conn *conf_begin(conf_store *cs, const char *name, size_t n, int thread);
/* To be called after changing a loaded connection's version or address
 * lists: keeps its conf_addr_key in step. */
void conf_conn_changed(conf_store *cs, const conf_conn *c);
const conf_conn *conf_find(const conf_store *cs, const char *name);
/* The loaded connection best matching these addresses (either may be NULL)
 * and IKE version (0 = unknown); *exact is set when exactly one connection
 * matches both addresses (and the version). */
const conf_conn *conf_match_addrs(const conf_store *cs, const char *local,
                                  const char *remote, int version, int *exact);
/* 1 if an address list from the dump ("a, b", "%any", CIDR) contains addr. */
int conf_addrs_match(const char *list, const char *addr);

/* Whether an EAP method name is EAP-Identity, which is no method: a client
 * answers it with the eap-identity plugin, and refuses it (EAP_NAK) only
 * without that plugin. */
static inline int eap_is_identity(const char *method)
{
    return method && strcmp(method, "EAP_IDENTITY") == 0;
}

#endif
