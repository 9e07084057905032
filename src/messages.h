/*
 * messages.h - the message table: charon log messages -> events.
 *
 * Every entry of the table (messages.c) is one strongSwan format string as
 * charon logs it (5.0 - 6.0 wordings side by side), the subsystem it is
 * logged under, the event kind it stands for, and which conversion of the
 * format fills which named field of the event. Classifying a line costs a
 * hash of its first bytes (read in one 8-byte load) and a few 8-byte
 * compares: the index is generated at build time and dispatches on those
 * first bytes.
 */
#ifndef IDG_MESSAGES_H
#define IDG_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "charon_line.h"

/* Event kinds. */
typedef enum msg_kind {
    EV_NONE = 0,
    /* daemon / configuration */
    EV_DAEMON_START,
    EV_CONF_CONN,            /* " conn %s:" (vici load-conn dump) */
    EV_CONF_CHILD,           /* "  child %s:" */
    EV_CONF_LOCAL,           /* "  local:" */
    EV_CONF_REMOTE,          /* "  remote:" */
    EV_CONF_KV,              /* "  key = value" of the dump */
    EV_CONF_ADDED,           /* "added vici connection: %s" and friends */
    EV_SECRETS_REREAD,       /* stroke: "rereading secrets" (the secrets are loaded anew) */
    EV_SECRET_LOADED,        /* stroke: "  loaded %N secret for %s" (type, identities) */
    EV_FILE_OPEN_FAILED,     /* a credential file's builder: "  opening '%s' failed: %s" */
    EV_SECRETS_UNREADABLE,   /* stroke: "opening secrets file '%s' failed: %s", "expanding file
                              * expression '%s' failed" (ipsec.secrets or an include of it) */
    EV_RADIUS_CONFIG,        /* eap-radius at start: no server, or one skipped (no address or
                              * secret): EAP_RADIUS will not load */
    EV_UDP_DECAP_FAILED,     /* socket-default at start: "enabling UDP decapsulation for %s on
                              * port %d failed" (the kernel has no IPsec loaded) */
    EV_STROKE_ADD_CONN,      /* stroke: "received stroke: add connection '%s'" (ipsec.conf loaded) */
    EV_STROKE_CONN,          /* stroke's dump of that connection: "conn %s" */
    EV_STROKE_KV,            /* ... and its "  key=value" lines (leftid=, rightauth=, ...) */
    EV_STROKE_ID_DEFAULTED,  /* "  id '%Y' not confirmed by certificate, defaulting to '%Y'" */
    EV_PROPOSAL_SKIPPED,     /* stroke: "skipped invalid proposal string: %s" */
    EV_PROPOSAL_PARSE_ERROR, /* proposal.c: why a proposal string is invalid ("a PRF algorithm
                              * is mandatory in IKE proposals", "algorithm '%s' not recognized") */
    /* lifecycle */
    EV_INITIATING_V2,
    EV_INITIATING_MM,
    EV_INITIATING_AM,
    EV_RESPONDING_V2,        /* "%H is initiating an IKE_SA" */
    EV_RESPONDING_MM,
    EV_RESPONDING_AM,
    EV_IKE_ESTABLISHED,
    EV_CHILD_ESTABLISHED,
    EV_ESTABLISHING_CHILD,
    EV_IKE_STATE,
    EV_CHILD_STATE,
    EV_CHILD_CLOSING,
    EV_UNIQUE_REPLACED,      /* ike_sa_manager.c, in the old SA's context: "deleting duplicate
                              * IKE_SA for peer '%Y' due to uniqueness policy": the same peer
                              * identity set up a new IKE_SA, this one goes */
    EV_UNIQUE_REAUTH,        /* ... "schedule delete of duplicate IKE_SA ... and suspected
                              * reauthentication": the same, the new one taken for the client's
                              * reauthentication */
    EV_CHILD_DELETE_RECV,    /* "received DELETE for %N CHILD_SA with SPI %.8x": the peer closes one */
    EV_CHILD_DELETE_SEND,    /* "sending DELETE for %N CHILD_SA ...": this end closes one */
    EV_CHILD_INACTIVE,       /* inactivity_job.c: this end deletes the CHILD_SA, no traffic for
                              * its inactivity timeout ("... after %d seconds of inactivity") */
    EV_IKE_INACTIVE,         /* ... and the IKE_SA with it ("... of CHILD_SA inactivity") */        /* closing CHILD_SA %s{%u} with SPIs ...: a CHILD_SA is torn down */
    EV_IKE_REKEYED,
    EV_IKE_REAUTH,
    EV_PACKET_RECV,
    EV_PACKET_SEND,
    EV_VENDOR_ID,            /* received/sending %s vendor ID */
    EV_SEND_ERROR,
    EV_VERSION_UNSUPPORTED,  /* received unsupported IKE version %d.%d from %H, sending INVALID_MAJOR_VERSION */
    EV_VERSION_NOT_BUILT,    /* IKE version %d not supported (this end initiating a version not built in) */
    EV_UNENCRYPTED_INFO,     /* received unencrypted informational: from %#H to %#H (an IKEv2 one) */
    EV_NO_ROUTE_TO_PEER,     /* no route found to reach %H, MOBIKE update deferred: this end lost its path */
    EV_NO_SOCKET,            /* no socket implementation registered, sending failed: no socket plugin */           /* error writing to socket: %s (the sender thread, no SA context) */
    EV_GENERATING,
    EV_PARSED,
    EV_NAT_REMOTE,
    EV_NAT_LOCAL,
    EV_NAT_FAKE,
    EV_AUTH_MYSELF,          /* authentication of '%Y' (myself) with %N */
    EV_AUTH_MYSELF_OK,       /* v1 pubkey: authentication of '%Y' (myself) successful */
    EV_AUTH_MYSELF_FAILED,
    EV_AUTH_PEER_OK,
    EV_SELECTED_PEER_CFG,
    EV_REMOTE_ID_MATCH,      /* DBG3 "  remote id match: %d (%N: %#B)": the type of the id the peer sent */
    EV_FOUND_CHILD_CFG,
    EV_IKE_CFG_LOOKUP,
    EV_SEND_CERT,
    EV_UNKNOWN_CA_REQ,
    /* proposals */
    EV_SELECTING_PROPOSAL,
    EV_NO_ACCEPTABLE_TYPE,   /* "  no acceptable %N found" */
    EV_PROPOSAL_MATCHES,
    EV_RECEIVED_PROPOSALS,
    EV_CONFIGURED_PROPOSALS,
    EV_SELECTED_PROPOSAL,
    EV_P1_UNACCEPTABLE,      /* v2 R: received proposals unacceptable */
    EV_NO_ACCEPTABLE_PROPOSAL, /* v2: no acceptable proposal found */
    EV_V1_NO_PROPOSAL,       /* v1 MM/AM: no proposal found */
    EV_QM_NO_PROPOSAL,       /* v1 QM: no matching proposal found[, sending %N] */
    EV_PEER_PROPOSAL_INVALID,
    EV_NOTIFY_ERROR_V1,      /* received %N error notify */
    EV_NOTIFY_ERROR_V2,      /* received %N notify error */
    EV_NOTIFY_CHILD,         /* received %N notify, no CHILD_SA built */
    EV_NOTIFY_STATUS,        /* received %N notify */
    EV_INVALID_KE_I,         /* peer didn't accept DH group %N, it requested %N */
    EV_INVALID_KE_R,         /* DH group %N unacceptable, requesting %N */
    EV_KE_FAILED,
    EV_KE_MALFORMED,         /* the peer's key exchange value is malformed (crypto plugin) */            /* giving up after %d retries / selection invalid ... */
    /* traffic selectors */
    EV_LOOKING_CHILD_CFG,
    EV_TS_HEADER_PROPOSE_US,
    EV_TS_HEADER_PROPOSE_OTHER,
    EV_TS_HEADER_SELECT_US,
    EV_TS_HEADER_SELECT_OTHER,
    EV_TS_NARROW,
    EV_NO_CHILD_CFG,
    EV_TS_UNACCEPTABLE,
    EV_NO_ACCEPTABLE_TS,
    EV_PEER_INVALID_TS,
    EV_CHILD_FAILED,         /* failed to establish CHILD_SA, keeping IKE_SA */
    /* authentication */
    EV_DECRYPT_FAILED,
    EV_COULD_NOT_DECRYPT,
    EV_PARSE_FAILED,
    EV_PROCESSING_FAILED,
    EV_INTEGRITY_FAILED,
    EV_NOT_ENCRYPTED,        /* payload type %N was not encrypted */
    EV_PAYLOAD_MISSING,      /* "IDr payload missing", "KE payload missing in message": evidence */
    EV_HASH_MISMATCH,
    EV_NO_SHARED_KEY,
    EV_MAC_MISMATCH,
    EV_LOOKING_PEER_CFG_V1,
    EV_NO_PEER_CFG_V1,
    EV_NO_ALT_CONFIG,        /* no alternative config found */
    EV_EAP_CFG_UNACCEPTABLE, /* peer requested EAP, config unacceptable */
    EV_NO_AUTH_MODE,
    EV_IDIR_MISMATCH,
    EV_LOOKING_PEER_CFG_V2,
    EV_NO_PEER_CFG_V2,
    EV_PEER_CFG_UNACCEPTABLE,
    EV_IDR_REQUIRE,
    EV_CONSTRAINT_ID,
    EV_AGGR_PSK_DISABLED,
    EV_NO_IKE_CFG,
    EV_CERT_FAILURE,         /* no trusted key, no issuer, CA constraint */
    EV_CERT_SUBJECT_DATES,   /* subject certificate invalid (valid from %T to %T) */
    EV_CERT_ISSUER_DATES,    /* issuer certificate invalid (valid from %T to %T) */
    EV_CERT_REVOKED,         /* certificate was revoked on %T, reason: %N */
    EV_CERT_ISSUER,          /* "  issuer is %Y" */
    EV_PEER_CANDIDATE,       /* "  candidate %s, match: %d/%d/%d (me/other/ike)": a peer config
                              * that matches the addresses (level 2) */
    EV_CERT_CA_REQUIRED,     /* "constraint check failed: peer not authenticated by CA %Y":
                              * the connection requires another CA than the chain's */
    EV_CERT_CHAIN_CA,        /* "  using trusted ca certificate %Y": the CA certificate the
                              * chain check of the peer's certificate is at */
    EV_NO_PRIVATE_KEY,
    EV_EAP_FAILED,
    /* libradius, on an EAP or XAuth server that hands authentication to a
     * RADIUS server (eap-radius): */
    EV_RADIUS_SENT,          /* "sending RADIUS %N to server '%s'": the server's name */
    EV_RADIUS_ANSWER,        /* "received RADIUS %N from server '%s'" (Access-Reject ...) */
    EV_RADIUS_UNREACHABLE,   /* sending / receiving failed: the socket's error ("Connection
                              * refused"), or its address did not resolve or connect */
    EV_RADIUS_TIMEOUT,       /* "RADIUS %N timed out after %d attempts": no answer */
    EV_RADIUS_SECRET,        /* the answer's authenticator does not verify: another shared secret */
    EV_RADIUS_INVALID,       /* an answer that does not parse */
    EV_XAUTH_FAILED,
    EV_XAUTH_NO_SECRET,      /* the server has no XAuth secret for the user */
    EV_XAUTH_CLIENT_NO_SECRET, /* no XAuth %s found for '%Y' - '%Y': the client has no password (PIN) */
    EV_XAUTH_SCRIPT_FAILED,  /* OPNsense's xauth-script: the script did not run */
    EV_XAUTH_OK,             /* XAuth authentication of '%Y' successful: the user's password was right */
    EV_V1_AUTH_UNSUPPORTED,  /* configuration uses unsupported authentication: IKEv1 cannot do this
                              * end's local/remote methods (two different ones, EAP), or it has no
                              * private key for its certificate (logged just before) */
    EV_EAP_SUCCEEDED,        /* EAP method %N succeeded, %sMSK established */
    EV_PEER_CERT,            /* received end entity cert "%Y" */
    EV_EAP_RETRY,
    EV_EAP_METHOD,           /* server requested %N authentication / initiating %N method */
    EV_EAP_IDENTITY_SENT,    /* server requested %N (id 0x%02X), sending '%Y': the client's EAP identity */
    EV_EAP_USER,             /* the identity a server got from the EAP client (received EAP identity, MSCHAPv2 username) */
    EV_EAP_NAK_SENT,         /* the client refuses the method the server requested */
    EV_EAP_NAK_RECEIVED,     /* the server: received EAP_NAK, sending EAP_FAILURE */            /* an EAP round failed, the server retries */
    /* timeouts */
    EV_RETRANSMIT_V2,
    EV_RETRANSMIT_V1,
    EV_GIVING_UP,
    EV_PEER_NOT_RESPONDING,  /* establishing IKE_SA failed, peer not responding */
    EV_PEER_RETRY,           /* peer not responding, trying again (%d/%d) */
    EV_RESOLVE_FAILED,       /* unable to resolve %s, initiate aborted */
    EV_NO_CONFIG_NAMED,      /* no config named '%s': asked to start a connection it does not have */
    EV_DAEMON_CRASH,         /* thread %u received %d / killing ourself, received critical signal */
    EV_DAEMON_INIT_FAILED,   /* initialization failed - aborting charon / charon has quit */
    EV_DAEMON_INIT_CAUSE,    /* feature %s in critical plugin '%s' has unmet dependency: %s */
    EV_NETLINK_UNAVAILABLE,  /* unable to create netlink socket: the kernel has no xfrm (IPsec) */
    EV_DAEMON_GAVE_UP,       /* the starter no longer restarts charon */
    EV_DAEMON_STARTED,       /* the starter: "charon (%d) started after %d ms" */
    EV_PLUGIN_LOAD_FAILED,   /* plugin_loader.c: "plugin '%s' failed to load: %s" (dlopen's error):
                              * fatal only where a critical feature then lacks what it gave */
    EV_DAEMON_RUNNING,       /* charon already running ('<pid file>' exists): a second one exits */
    EV_DAEMON_EXEC_FAILED,   /* the daemon could not be run at all (NetworkManager: "Failed to
                              * execute child process" charon-nm) */
    EV_CRED_LOAD_FAILED,     /* a certificate, key or CRL not loaded (stroke's "loading ... failed",
                              * swanctl's "loading '%s' failed: %s") */
    EV_CERT_PARSE_CAUSE,     /* the X.509 parser's reason a certificate did not load ("found
                              * unsupported critical X.509 extension: %s") */
    EV_KEY_LOAD_FAILED,      /* this end's private key not loaded (stroke names the file; the
                              * credential factory's "building CRED_PRIVATE_KEY - %N failed" only
                              * its type) */
    EV_CONN_LOAD_FAILED,     /* swanctl: loading connection '%s' failed: %s */
    EV_TRAP_NOT_FOUND,       /* trap not found, unable to acquire reqid %d: traffic for a policy charon has no connection for */
    EV_RESTARTING_CHILD,     /* restarting CHILD_SA %s (an SA that was up re-establishes) */
    EV_CERT_ID_UNCONFIRMED,  /* certificate does not confirm identity '%Y' */
    EV_REKEY_NOT_RESPONDING,
    EV_DPD_REQUEST,
    EV_DPD_TIMEOUT,
    EV_HALF_OPEN_TIMEOUT,
    EV_SETUP_DROPPED_HALF_OPEN,   /* ignoring IKE_SA setup from %H, half-open IKE_SA limit of %d reached */
    EV_SETUP_DROPPED_PER_IP,      /* ... per-IP half-open IKE_SA limit of %d reached / peer too aggressive */
    EV_SETUP_DROPPED_JOB_LOAD,    /* ... job load of %d exceeds limit of %d */
    EV_SETUP_DROPPED_IKESA_LIMIT, /* ignoring %N, hitting IKE_SA limit (%u) */
    EV_PEER_RETRANSMIT,      /* received retransmit of request with ID %d, retransmitting response */
    EV_MSGID_MISMATCH,       /* received message ID %d, expected %d, ignored (IKEv2) */
    EV_ADDR_GONE,            /* %H disappeared from %s: an address of this host went away */
    EV_ADDR_BACK,            /* %H appeared on %s */
    /* virtual IPs: configuration payload (v2), mode config (v1), pools, DHCP */
    EV_VIP_NOT_FOUND,        /* no virtual IP found, sending %N: none of the requested */
    EV_VIP_NOT_FOUND_FOR,    /* no virtual IP found for %H requested by '%Y': one of them */
    EV_VIP_ASSIGNED,         /* assigning virtual IP %H to peer '%Y' */
    EV_VIP_NOT_REQUESTED,    /* expected a virtual IP request, sending %N */
    EV_CP_FAILED,            /* configuration payload negotiation failed, no CHILD_SA built */
    EV_POOL_EXHAUSTED,       /* pool '%s' is full, unable to assign address */
    EV_VIP_INSTALL_FAILED,   /* installing virtual IP %H failed */
    EV_DHCP_DISCOVER,        /* sending DHCP DISCOVER for %#B to %H */
    EV_DHCP_OFFER,           /* received DHCP OFFER %H from %H */
    EV_DHCP_TIMEOUT,         /* DHCP DISCOVER timed out */
    /* kernel / CHILD_SA install */
    EV_INSTALL_FAILED,
    EV_INSTALL_SPI_FAILED,   /* allocating SPI failed: the kernel gave no SPI (before any algorithm) */
    EV_KNL_FAILED,
    EV_KNL_SPI_FAILED,       /* allocating SPI failed: %s (%d) / unable to get SPI */
    EV_KNL_ALG_UNSUPPORTED,  /* algorithm %N not supported by kernel! */
    /* this end's charon lacks an algorithm it selected or proposes */
    EV_ALG_UNSUPPORTED,      /* %N %N not supported! (keymat) */
    EV_KE_UNSUPPORTED,       /* configured DH group %N not supported, ... */
    EV_UNIQUE_REFUSED,       /* canceling IKE_SA setup due to uniqueness policy */
    EV_EAP_CRYPTO_MISSING,   /* EAP-MS-CHAPv2 failed, no MD4 hasher available */
    EV_EAP_METHOD_UNLOADABLE, /* loading %N method failed (the EAP server's plugin) */
    EV_SIG_SCHEME_REFUSED,   /* %s signature scheme %N not acceptable */
    EV_SECRETS_SYNTAX,       /* line %d: missing ' : ' separator (ipsec.secrets) */
    EV_SECRETS_FILE,         /* loading secrets from '%s' */
    EV_STROKE_ADDED,         /* added configuration '%s' (stroke kept the connection) */
    EV_CRASH_FRAME,          /* "  %s @ %p (%s+0x%tx) [%p]": a frame of a crash's backtrace */
    EV_TRANSPORT_REFUSED,    /* not using transport mode, not host-to-host */
    EV_MODE_UNACCEPTABLE,    /* %N mode requested by responder is unacceptable */
    EV_POLICY_CONFLICT,      /* the same policy for reqid %u exists */
    EV_KNL_ERROR,
    EV_KNL_SA_ALGORITHM,     /* "  using encryption algorithm %N with key size %d": what the kernel installs */
    EV_ROUTE_FAILED,         /* unable to install source route for %H: the SA is up, its route not */
    /* rekey / delete */
    EV_CHILD_REKEY_FAILED,
    EV_IKE_REKEY_FAILED,
    EV_CHILD_CREATE_RETRY,
    EV_RECV_DELETE_IKE,
    EV_DELETING_IKE,
    EV_SEND_DELETE_IKE,
    EV_IKE_DELETED,
    EV_DESTROY_NO_NOTIFY,
    /* the stroke plugin's answer to "ipsec up", printed on the console */
    EV_CONN_RESULT,          /* establishing connection '%s' failed (stroke's ipsec up) */
    EV_CONN_UP,              /* connection '%s' established successfully (stroke's ipsec up) */
    EV__COUNT
} msg_kind;

/* Named fields a conversion can fill. */
typedef enum msg_field {
    MF_SKIP = 0,
    MF_NAME,        /* IKE_SA / peer config name */
    MF_ID,          /* IKE_SA unique id */
    MF_CHILD,       /* CHILD_SA name */
    MF_CHILD_ID,
    MF_LHOST,
    MF_RHOST,
    MF_LID,         /* identity of this end */
    MF_RID,         /* identity of the other end */
    MF_NOTIFY,      /* notify type name */
    MF_TYPE,        /* transform type, payload type, auth class ... */
    MF_TEXT,        /* free text (summary, reason, key) */
    MF_VALUE,       /* value of a dump key; a CHILD_SA's inbound SPI */
    MF_PROPOSALS,
    MF_TS_LOCAL,
    MF_TS_REMOTE,
    MF_ALG1,        /* e.g. DH group offered */
    MF_ALG2,        /* e.g. DH group requested */
    MF_COUNT,
    MF_MSGID,
    MF_FROM,        /* state before */
    MF_TO,          /* state after */
    MF_MODE,
    MF__COUNT
} msg_field;

#define MSG_MAX_CONV 8

typedef struct msg_pattern {
    msg_kind kind;
    const char *subsys;                 /* "IKE", "CFG", ...; NULL = any */
    const char *fmt;                    /* strongSwan's format string */
    unsigned char fields[MSG_MAX_CONV]; /* msg_field per conversion */
} msg_pattern;

/* A classified line. Spans point into the charon_line.
 *
 * An event is meant to be reused from line to line (the engine keeps one):
 * it starts zeroed (MSG_EVENT_INIT or memset) and msg_classify keeps it so
 * that every field outside `set` is empty ({NULL, 0}). A match then writes
 * the fields of its row and empties only those the previous lines left
 * behind (bits of `set` the row does not fill) instead of all 23 of them:
 * consecutive lines mostly fill the same few fields, so that is a store or
 * two instead of 368 bytes per line. After a match `set` is exactly the
 * fields the row's conversions fill; after no match the fields hold
 * whatever the rows tried left (still inside `set`): read none of them. */
typedef struct msg_event {
    msg_kind kind;
    uint32_t set; /* bit f: f[f] may be non-empty; every other field is */
    const msg_pattern *pat;
    span f[MF__COUNT];
} msg_event;

#define MSG_EVENT_INIT {0}
_Static_assert(MF__COUNT <= 32, "msg_event.set has a bit per field");

/* The dispatch index over the table (generated at build time).
 *
 * Rows are grouped by their key: the first MSG_KEY_BYTES bytes of their
 * literal prefix (after leading spaces), read as one integer. A message's
 * key is the same bytes of one 8-byte load, so finding its candidates
 * costs a mask, a multiply and two loads: no byte loop, no word search.
 * A bucket's rows are bucket_row[bucket_start[b] .. bucket_start[b + 1]),
 * in table order (a more specific wording before a more general one).
 * The hash's multiplier is chosen when the index is built so that no two
 * keys of the table share a bucket; rows of one key (and a message whose
 * key merely collides with a row's) are told apart by the prefix compare.
 * Rows whose literal prefix is shorter than the key ("%H is initiating
 * ...") are "wild": tried apart, filtered by the message's first and last
 * bytes. */
#define MSG_KEY_BYTES 3
#define MSG_BUCKETS 1024
#define MSG_MAX_ROWS 512
#define MSG_WILD_CAP 32

typedef struct msg_index {
    uint64_t hash_mult; /* chosen so that no two keys share a bucket */
    uint16_t bucket_start[MSG_BUCKETS + 1];
    uint16_t bucket_row[MSG_MAX_ROWS];
    uint16_t nwild;
    uint16_t wild[MSG_WILD_CAP];
    /* by the last byte of a (trimmed) message, the wild rows (bit k =
     * wild[k]) whose final literal ends with that byte or that end with a
     * conversion; by its first byte, those whose prefix starts with it or
     * whose first conversion can: a message no wild row can match costs
     * two loads */
    uint32_t wild_by_last[256];
    uint32_t wild_by_first[256];
    /* and by the first letter of the line's subsystem (0: none logged),
     * those of no subsystem or of one that starts with it: a row ending
     * in a conversion ("%H disappeared from %s") passes every last byte */
    uint32_t wild_by_subsys[256];
    /* per row: the literal text before the first conversion and after the
     * last one, for a quick reject before the full match */
    const char *pre[MSG_MAX_ROWS];
    const char *suf[MSG_MAX_ROWS];
    uint16_t plen[MSG_MAX_ROWS];
    uint16_t slen[MSG_MAX_ROWS];
    /* the same as integers, compared against one 8-byte load each: the
     * prefix's first min(plen, 8) bytes (head_word, the bytes beyond them
     * masked out by head_mask), its last 8 bytes if it has more
     * (prefix_end_word: the rows of a bucket share their first bytes and
     * often their first word, so this tells them apart first), and the
     * suffix's last min(slen, 8) bytes as they sit in the top of a load
     * that ends with the message (tail_word, tail_mask; both 0 for a row
     * without a suffix) */
    uint64_t head_word[MSG_MAX_ROWS];
    uint64_t head_mask[MSG_MAX_ROWS];
    uint64_t prefix_end_word[MSG_MAX_ROWS];
    uint64_t tail_word[MSG_MAX_ROWS];
    uint64_t tail_mask[MSG_MAX_ROWS];
    /* 1 if the row has no conversion: its prefix is the whole message */
    uint8_t literal_only[MSG_MAX_ROWS];
    /* the row's subsystem, its three letters as an integer (0: any) */
    uint32_t subsys_code[MSG_MAX_ROWS];
    /* per row, the msg_field each conversion fills (MF_SKIP for none or
     * for a value out of range): a slot to store into, no test */
    uint8_t field[MSG_MAX_ROWS][MSG_MAX_CONV];
    /* per row, the fields those conversions fill as msg_event.set bits
     * (MF_SKIP's bit never: that slot is emptied after every match) */
    uint32_t fills[MSG_MAX_ROWS];
    /* per row, the format compiled: conversion letters and the literal
     * after each (offset into the format, length); slow rows (with %% in
     * a literal or too many conversions) use the generic matcher */
    uint8_t nconv[MSG_MAX_ROWS];
    uint8_t slow[MSG_MAX_ROWS];
    /* bit k: conversion k constrains its capture (fmt_capture_checked);
     * the others are not tested at all */
    uint8_t checked_convs[MSG_MAX_ROWS];
    /* the checked ones that need only be non-empty (%H, %N: most of them),
     * tested inline without fmt_capture_ok's switch */
    uint8_t nonempty_convs[MSG_MAX_ROWS];
    char conv[MSG_MAX_ROWS][MSG_MAX_CONV];
    uint16_t lit_off[MSG_MAX_ROWS][MSG_MAX_CONV];
    uint16_t lit_len[MSG_MAX_ROWS][MSG_MAX_CONV];
    /* the first min(lit_len, 8) bytes of each such literal as an integer
     * (zero above), for an 8-byte compare where the literal is looked for */
    uint64_t lit_word[MSG_MAX_ROWS][MSG_MAX_CONV];
} msg_index;

/* The table itself. */
const msg_pattern *msg_table(size_t *count);
/* Builds the index over the table (used by the build's generator and by
 * the tests that check what it generated). */
void msg_index_init(msg_index *idx);
/* The index, generated at build time from the table (constant data). */
const msg_index *msg_index_get(void);
/* Whether a row's format ends in literal text ("... inacceptable",
 * "... (%d bytes)"), so that a message it matched is complete: nothing of
 * it can follow on a wrapped line. */
int msg_row_ends_in_literal(const msg_index *idx, const msg_pattern *p);

/* Classifies a message. Returns 1 and fills *ev on a match, 0 otherwise.
 * *ev must be zeroed before its first use and then only be written by
 * msg_classify (see msg_event): fields the match does not fill are left
 * empty. subsys is NULL or "" (unknown: any entry may match) or four
 * readable bytes, the subsystem's letters NUL-padded (charon_line.subsys):
 * it is compared as one 32-bit word. */
int msg_classify(const msg_index *idx, const char *subsys, const char *msg,
                 size_t n, msg_event *ev);

/* "EV_..." name of a kind (for tests and debugging). */
const char *msg_kind_name(msg_kind k);

#endif
