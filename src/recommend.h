/*
 * recommend.h - what to change, in pfSense GUI terms and in swanctl.conf
 * terms, for a concluded diagnosis.
 */
#ifndef IDG_RECOMMEND_H
#define IDG_RECOMMEND_H

#include "ipsecdiag/ipsecdiag.h"
#include "proposal.h"
#include "rules.h"

typedef struct rec_input {
    idg_class cls;
    int ike_version;
    const char *conn;           /* connection name or NULL */
    const char *child;          /* child name or NULL */
    const char *local_addr;
    const char *remote_addr;
    size_t n_off;
    const idg_offending *off;
    const proposal *local_prop; /* this end's first configured proposal of the phase */
    const proposal *peer_prop;  /* the peer's first proposal of the phase */
    int nat;                    /* a NAT was detected */
    int psk;                    /* PSK authentication (1), certificates (2), unknown (0) */
    int rekey;                  /* the failure happened at a rekey */
    int policy_conflict;        /* install failure: the same policy exists for another SA */
    int psk_missing;            /* this end found no pre-shared key for the peer */
    int remote_port;            /* the peer's IKE port when it is neither 500 nor 4500, else 0 */
    const char *unresolved_host; /* the peer's host name did not resolve (DNS), or NULL */
    int half_open;              /* the peer started an IKE_SA and never completed it (1), or its
                                 * IKE_AUTH had not come when the log ended (2) */
    int xauth;                  /* IKEv1 XAuth failed: 1 the password, 2 no secret here for the user,
                                 * 3 this end's XAuth script failed, 4 this end sent no credentials */
    int eap_no_msk;             /* EAP failure: the method succeeded without an MSK (RADIUS keys) */
    int eap_nak;                /* EAP failure: 1 this end (client) refused the method, 2 the peer did */
    const char *eap_method;     /* ... the method the server requested */
    const char *peer_id_type;   /* the type of the identity the peer sent ("ID_KEY_ID"), or NULL */
    int rekey_collision;        /* rekey failure: the peer answered TEMPORARY_FAILURE (both rekeyed) */
    int remote_access;          /* the peer is a remote-access client (it requests a virtual IP) */
    int cert_id_mismatch;       /* certificate failure: the peer's certificate lacks the expected
                                 * identity (1), or the identity the peer sent (2, this end responds) */
    int kernel_no_xfrm;         /* charon failed to start: the kernel refused its netlink socket */
    const char *plugin_failed;  /* ... after this plugin did not load, or NULL */
    int install_cause;          /* install failure: an install_cause (negotiation.h) */
    int p2_ah;                  /* install failure: the phase 2 protocol is AH */
    int trap_missing;           /* connection not loaded: a kernel acquire found no trap */
    int secrets_unreadable;     /* psk_missing: ... because the secrets file could not be read */
    const char *bad_proposal;   /* ... stroke refused it for this proposal string of ipsec.conf */
    const char *proposal_why;   /* ... for this reason (NULL: none logged) */
    int cred_critical_ext;      /* ... a certificate refused for an unsupported critical extension */
    int cred_load;              /* certificate failure: a credential did not load at all
                                 * (1; 2: this end's private key; 3: the same, from
                                 * the system's credential store of the Android app) */
    int send_no_socket;         /* send_error: charon has no socket plugin */
    int cert_cause;             /* certificate failure: a cert_cause (negotiation.h) */
    int own_cert_refused;       /* ... the peer refused this end's certificate (not a cause here) */
    const char *mm_psk_candidates; /* PSK mismatch of a Main Mode responder that had to guess the
                                * key among these connections ("\"con1\", \"site-a\"") */
    int daemon_init_failed;     /* charon_crashed: it did not start at all */
    const char *pid_file;       /* ... because this pid file exists (another charon runs) */
    int setup_limit;            /* dos protection: the setup_limit (negotiation.h) that dropped the
                                 * peer's setup */
    const char *setup_limit_value; /* ... its value as logged, or NULL */
    const char *daemon_program; /* ... because this program could not be run (charon-nm), or NULL */
    int own_key;                /* certificate failure: this end has no usable private key */
    int own_sign_failed;        /* ... it has one, and signing with it failed (a crypto policy) */
    const char *knl_error;      /* install failure: the kernel's error text, or NULL */
    int addke_unimplemented_peer; /* DH mismatch: the peer accepted an additional key exchange
                                     it cannot compute (INVALID_SYNTAX to IKE_INTERMEDIATE) */
    int version_unsupported;    /* this charon has no IKEv1: 1 it refused the peer's IKEv1 unread,
                                   2 this end's own connection is IKEv1 */
    int unique_keep;            /* authentication failure: this end's uniqueness policy refused it */
    const char *sig_scheme;     /* authentication failure: the peer's signature scheme refused here */
    int eap_crypto_missing;     /* EAP failure: MS-CHAPv2 lacks MD4/DES/SHA-1 in this charon */
    int eap_method_unloadable;  /* EAP failure: this server has no plugin for its method */
    int secrets_syntax;         /* PSK missing: the secrets file has a syntax error (secrets_unreadable too) */
    int ipsec_conf;             /* the connections come from ipsec.conf (stroke): name its keys too */
    int network_manager;        /* ... from NetworkManager (charon-nm): name its VPN settings too */
    int opnsense;               /* the log is an OPNsense firewall's: name its menu paths too */
    const char *pre_swanctl;    /* the release of a charon older than swanctl.conf (5.2), or NULL */
    int rejected_here;          /* proposal mismatch: this end rejected the peer's (responder) */
    const char *p2_mode_peer;   /* phase 2 proposal mismatch: the mode the responder chose */
    int transport_refused;      /* ... transport, refused here: the selectors are not host-to-host */
    int mode_refused_here;      /* ... an IKEv1 responder: the initiator asked for the other mode */
    int eap_round_missing;      /* authentication failure: the connection the peer's identity
                                 * matched requires EAP, which the peer did not do */
    const char *xauth_user;     /* authentication failure: the XAuth user who logged in (right
                                 * password), whom the connection's XAuth identity rule refused */
    const char *xauth_required; /* ... the XAuth user that rule requires */
    int v1_auth_unsupported;    /* authentication failure: this end's IKEv1 connection authenticates
                                 * in no way IKEv1 can (different methods for the ends, EAP) */
    const char *kernel_alg;     /* install failure: what the kernel lacks ("not supported by kernel!") */
    const char *alg_unimplemented; /* an algorithm this end selected or proposes but has no
                                   * implementation of ("not supported", or it requested that
                                   * very DH group), or NULL */
    int route_failed;           /* install warning: the CHILD_SA is up, its route is not */
    const char *send_error;     /* "error writing to socket: %s": this end could not send */
    int vip_cause;              /* virtual IP failure: a vip_cause (negotiation.h) */
    const char *vip_pool;       /* the full address pool's name, or NULL */
    int id_constraint;          /* identifier mismatch: the identity constraint check failed */
    int half_open_stage;        /* half open: 1 no IKE_AUTH arrived, 2 the peer went silent after this
                                 * end's IKE_AUTH answer, 3 this end's IKE_SA_INIT answers are lost */
    int unanswered_after;       /* peer unreachable after answering the first messages: 1 IKEv2
                                 * IKE_AUTH, 2 IKEv1 Main Mode message 5, 3 IKEv1 on UDP 4500,
                                 * 4 Main Mode message 5 on UDP 4500 (after NAT detection) */
    int v2_undecryptable;       /* authentication failure, IKEv2: 1 the peer answered unprotected,
                                 * 2 its messages do not decrypt (damaged on the way, or other keys) */
    unsigned any_psks;          /* pre-shared keys loaded for %any (more than one: ambiguous) */
    int mm_unencrypted;         /* authentication failure, IKEv1: the peer sent its Main Mode ID
                                 * or HASH unencrypted (as some SonicWall devices do) */
    int no_route;               /* peer unreachable: this end lost its route to the peer (MOBIKE) */
    int l2tp_closed;            /* closed early: an L2TP/IPsec client closed IPsec itself */
    int v1_frag_lost;           /* peer unreachable: IKEv1 message 5 left as IP fragments */
    int sa_desync;              /* dpd timeout: the peer answered the request given up on with
                                 * messages that show the ends' encryption state diverged (1),
                                 * or with requests of message IDs out of step (2) */
    int local_down;             /* dpd timeout: this end's own address went away (1), or its
                                 * sends failed (2), while the IKE_SA was up */
    int radius_fault;           /* EAP / XAuth failure: a radius_fault (negotiation.h) of this
                                 * end's RADIUS server */
    const char *radius_server;  /* ... its name in charon's eap-radius configuration */
    int radius_rejected;        /* EAP failure: the RADIUS server answered Access-Reject */
    const char *eap_user;       /* EAP failure on the server: the user the client authenticated as */
    const char *eap_id_refused; /* EAP failure on the client: the EAP identity it sent, which the
                                 * server refused before any EAP method began */
    int eap_no_key;             /* ... for whom this server has no secret */
    int closer_unknown;         /* tunnel closed early: no line says which end deleted the IKE_SA */
} rec_input;

/* Fills d->summary, d->change_side, d->pfsense and d->strongswan from
 * the advice table's first row for in->cls whose condition holds. */
void recommend(arena *a, const rec_input *in, idg_diagnosis *d);

/* 1 if every row of the advice table is well formed (texts or a build
 * function, known template names, a class's default row last); for the
 * unit tests. */
int rec_templates_ok(void);

/* The pfSense GUI label of a logged algorithm list ("AES_CBC_256, ..."),
 * e.g. "AES (256 bits)"; unknown names are kept as logged. */
const char *rec_gui_values(arena *a, const char *logged);

#endif
