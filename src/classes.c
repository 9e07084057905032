/*
 * classes.c - the catalogue of failure classes.
 *
 * The list of classes lives in one X-macro (IDG_CLASS_MAP in ipsecdiag.h);
 * this file adds the words people read: a title and a description saying
 * what the class means and how it shows in a charon log. The API schema's
 * class list is checked against this table by the tests, so the two cannot
 * drift apart.
 */
#include <string.h>

#include "ipsecdiag/ipsecdiag.h"

/* Title and description of each class, named after its IDG_CLASS_MAP id. */
#define TITLE_PHASE1_ESTABLISHED "Phase 1 (IKE SA) established"
#define DESC_PHASE1_ESTABLISHED \
    "The IKE SA was negotiated and authenticated: charon logged " \
    "'IKE_SA name[id] established between ...'."
#define TITLE_PHASE2_ESTABLISHED "Phase 2 (CHILD SA) established"
#define DESC_PHASE2_ESTABLISHED \
    "A CHILD SA (the tunnel carrying traffic) was negotiated and installed: " \
    "charon logged 'CHILD_SA name{id} established with SPIs ... and TS ...'."
#define TITLE_PHASE1_MODE_MISMATCH "Phase 1 negotiation mode mismatch (Main vs Aggressive)"
#define DESC_PHASE1_MODE_MISMATCH \
    "One end uses IKEv1 Main Mode and the other Aggressive Mode. The " \
    "responder logs 'Aggressive Mode PSK disabled for security reasons' or " \
    "'found N matching config, but none allows ... authentication using " \
    "... Mode'; the initiator only sees AUTHENTICATION_FAILED."
#define TITLE_PHASE1_IDENTIFIER_MISMATCH "Phase 1 identifier mismatch"
#define DESC_PHASE1_IDENTIFIER_MISMATCH \
    "The identity one end sends is not the peer identifier the other end " \
    "expects, so no peer configuration matches: 'no peer config found' " \
    "(IKEv1), 'no matching peer config found' or a failed identity " \
    "constraint (IKEv2), or 'IDir ... does not match to ...' on an IKEv1 " \
    "initiator."
#define TITLE_PHASE1_NAT_IDENTIFIER_MISMATCH "Phase 1 identifier mismatch behind NAT"
#define DESC_PHASE1_NAT_IDENTIFIER_MISMATCH \
    "The peer is behind NAT and identifies itself with its private " \
    "(pre-NAT) address, while this end expects its public address as the " \
    "peer identifier. The log shows 'remote host is behind NAT' and a " \
    "received identity that differs from the peer's address."
#define TITLE_PHASE1_PSK_MISMATCH "Phase 1 pre-shared key mismatch"
#define DESC_PHASE1_PSK_MISMATCH \
    "The two ends use different pre-shared keys. IKEv1 cannot decrypt the " \
    "peer's messages ('invalid HASH_V1/ID_V1 payload length, decryption " \
    "failed?', 'could not decrypt payloads'); IKEv2 logs 'tried N shared " \
    "key for ... but MAC mismatched' or receives AUTHENTICATION_FAILED."
#define TITLE_PHASE1_ENCRYPTION_MISMATCH "Phase 1 encryption algorithm mismatch"
#define DESC_PHASE1_ENCRYPTION_MISMATCH \
    "No phase 1 proposal shares an encryption algorithm (or key length) " \
    "with the other end's: compare 'received proposals' with " \
    "'configured proposals' on the responder."
#define TITLE_PHASE1_HASH_MISMATCH "Phase 1 hash (integrity) algorithm mismatch"
#define DESC_PHASE1_HASH_MISMATCH \
    "No phase 1 proposal shares an integrity (HMAC) algorithm with the " \
    "other end's."
#define TITLE_PHASE1_PRF_MISMATCH "Phase 1 PRF mismatch"
#define DESC_PHASE1_PRF_MISMATCH \
    "No phase 1 proposal shares a pseudo-random function with the other " \
    "end's (pfSense: PRF Selection)."
#define TITLE_PHASE1_DH_GROUP_MISMATCH "Phase 1 DH group mismatch"
#define DESC_PHASE1_DH_GROUP_MISMATCH \
    "No phase 1 proposal shares a Diffie-Hellman group (key exchange " \
    "method) with the other end's. In IKEv2 a group the responder does " \
    "not accept first triggers INVALID_KE_PAYLOAD and a retry; that is " \
    "only a warning when the retry succeeds."
#define TITLE_PHASE1_PROPOSAL_MISMATCH "Phase 1 proposal mismatch"
#define DESC_PHASE1_PROPOSAL_MISMATCH \
    "The phase 1 proposals do not match: several transforms differ, or " \
    "only this end's proposals are known (the initiator receives only " \
    "NO_PROPOSAL_CHOSEN)."
#define TITLE_PHASE1_VERSION_MISMATCH "IKE version mismatch (IKEv1 vs IKEv2)"
#define DESC_PHASE1_VERSION_MISMATCH \
    "One end speaks IKEv1 and the other IKEv2 for this peer, so the " \
    "responder finds no IKE config for that version: 'no IKE config found " \
    "for A...B, sending NO_PROPOSAL_CHOSEN'."
#define TITLE_PHASE1_NO_MATCHING_GATEWAY "No phase 1 matches the peer's address"
#define DESC_PHASE1_NO_MATCHING_GATEWAY \
    "The responder has no IKE configuration for the local and remote " \
    "addresses of the request ('no IKE config found for A...B'): the " \
    "Remote Gateway or the local interface/VIP address differs from what " \
    "the peer uses."
#define TITLE_PHASE1_PEER_UNREACHABLE "Peer unreachable (no answer to IKE)"
#define DESC_PHASE1_PEER_UNREACHABLE \
    "The initiator retransmitted its first IKE message and gave up " \
    "('giving up after N retransmits', 'peer not responding'): the peer " \
    "is down, the address is wrong, or UDP 500/4500 is blocked on the " \
    "way."
#define TITLE_PHASE1_DOS_PROTECTION "Peer's IKE setup dropped by a limit of the responder"
#define DESC_PHASE1_DOS_PROTECTION \
    "The responder dropped the peer's first IKE message unanswered because " \
    "one of its DoS-protection limits was reached: 'ignoring IKE_SA setup " \
    "from A, half-open IKE_SA limit of N reached' (per-IP, job load) or " \
    "'ignoring IKE_SA_INIT, hitting IKE_SA limit'. The initiator only sees " \
    "its requests go unanswered."
#define TITLE_PHASE1_AUTHENTICATION_FAILURE "Phase 1 authentication failed"
#define DESC_PHASE1_AUTHENTICATION_FAILURE \
    "Authentication failed for a reason the log does not pin down further " \
    "(AUTHENTICATION_FAILED notify, authentication method or constraint " \
    "mismatch)."
#define TITLE_PHASE1_CERTIFICATE_FAILURE "Phase 1 certificate validation failed"
#define DESC_PHASE1_CERTIFICATE_FAILURE \
    "The peer's certificate could not be trusted: no trusted public key, " \
    "no issuer certificate (CA not imported), expired, revoked, or a " \
    "constraint check failed."
#define TITLE_PHASE1_EAP_FAILURE "EAP authentication failed"
#define DESC_PHASE1_EAP_FAILURE \
    "The EAP exchange (EAP-MSCHAPv2, EAP-TLS, EAP-RADIUS, ...) failed: " \
    "wrong user credentials, method mismatch, or the RADIUS server " \
    "rejected the user."
#define TITLE_PHASE1_CONNECTION_NOT_LOADED "Connection not loaded"
#define DESC_PHASE1_CONNECTION_NOT_LOADED \
    "charon was asked to start a connection it does not have ('no config " \
    "named ...', swanctl's 'config ... not found'): the configuration was " \
    "never loaded (a syntax error, a config the GUI did not write) or the " \
    "name is wrong. No packet was sent."
#define TITLE_PHASE2_NETWORK_MISMATCH "Phase 2 network (traffic selector) mismatch"
#define DESC_PHASE2_NETWORK_MISMATCH \
    "The local/remote networks of the phase 2 entries do not mirror each " \
    "other: 'no matching CHILD_SA config found' (IKEv1, initiator gets " \
    "INVALID_ID_INFORMATION) or 'traffic selectors ... unacceptable' " \
    "(IKEv2, initiator gets TS_UNACCEPTABLE)."
#define TITLE_PHASE2_ENCRYPTION_MISMATCH "Phase 2 encryption algorithm mismatch"
#define DESC_PHASE2_ENCRYPTION_MISMATCH \
    "No phase 2 (ESP/AH) proposal shares an encryption algorithm with the " \
    "other end's: 'no acceptable ENCRYPTION_ALGORITHM found'."
#define TITLE_PHASE2_HASH_MISMATCH "Phase 2 hash algorithm mismatch"
#define DESC_PHASE2_HASH_MISMATCH \
    "No phase 2 proposal shares an integrity algorithm with the other " \
    "end's: 'no acceptable INTEGRITY_ALGORITHM found'."
#define TITLE_PHASE2_PFS_MISMATCH "Phase 2 PFS group mismatch"
#define DESC_PHASE2_PFS_MISMATCH \
    "The phase 2 PFS key groups differ (or PFS is on at one end and off " \
    "at the other): 'no acceptable DIFFIE_HELLMAN_GROUP found' / " \
    "'KEY_EXCHANGE_METHOD'. In IKEv2 this shows only when the CHILD SA is " \
    "rekeyed or a second one is created."
#define TITLE_PHASE2_PROPOSAL_MISMATCH "Phase 2 proposal mismatch"
#define DESC_PHASE2_PROPOSAL_MISMATCH \
    "The phase 2 proposals do not match: several transforms differ, or " \
    "only this end's proposals are known (the initiator receives only " \
    "NO_PROPOSAL_CHOSEN)."
#define TITLE_PHASE2_INSTALL_FAILURE "Phase 2 SA could not be installed in the kernel"
#define DESC_PHASE2_INSTALL_FAILURE \
    "Negotiation succeeded but the kernel refused the IPsec SA or policy " \
    "('unable to install ... IPsec SA (SAD) in kernel', 'unable to install " \
    "IPsec policies (SPD) in kernel'): an algorithm the kernel lacks, a " \
    "conflicting policy, or missing ESP support."
#define TITLE_PHASE2_VIRTUAL_IP_FAILURE "Virtual IP (configuration payload) assignment failed"
#define DESC_PHASE2_VIRTUAL_IP_FAILURE \
    "The IKE SA came up, but no CHILD SA, because the virtual IP did not " \
    "work out: this end had no address for the peer ('no virtual IP found " \
    "for ...', a full pool, a silent DHCP server) and sent " \
    "INTERNAL_ADDRESS_FAILURE, or it has a pool and the peer asked for no " \
    "address (FAILED_CP_REQUIRED), or the peer answered so, or the address " \
    "received could not be installed."
#define TITLE_PHASE2_REKEY_FAILURE "Phase 2 rekey failed"
#define DESC_PHASE2_REKEY_FAILURE \
    "The CHILD SA came up but its rekey failed (often a PFS group " \
    "mismatch, which IKEv2 only negotiates at rekey)."
#define TITLE_CHARON_CRASHED "charon crashed or did not start"
#define DESC_CHARON_CRASHED \
    "The IKE daemon died on a signal ('thread %u received %d', 'killing " \
    "ourself, received critical signal', the starter's 'charon has died -- " \
    "restart scheduled'): every tunnel drops and is set up again after the " \
    "restart. A bug (or a plugin that does not fit the system) to report " \
    "with the version and the backtrace charon logs. Also a charon that " \
    "never started ('initialization failed - aborting charon', 'charon has " \
    "quit: initialization failed', a critical plugin feature with an unmet " \
    "dependency): a plugin it needs did not load, or the kernel (or the " \
    "container) refused its netlink socket and has no IPsec (xfrm) support; " \
    "that refusal alone is a warning."
#define TITLE_DPD_TIMEOUT "Dead peer detected (DPD timeout)"
#define DESC_DPD_TIMEOUT \
    "The established peer stopped answering dead peer detection or other " \
    "requests, and the SA was deleted ('DPD check timed out', or " \
    "retransmits of a request followed by 'giving up'); also when it did " \
    "answer, but only with messages that show the two ends' encryption " \
    "state of the SA diverged (PAYLOAD_MALFORMED, 'decryption failed')."

#define TITLE_TUNNEL_CLOSED_EARLY "Tunnel closed by the peer right after it came up"
#define DESC_TUNNEL_CLOSED_EARLY \
    "The IKE SA came up and the peer deleted it within 20 seconds ('received " \
    "DELETE for IKE_SA'): it closed the tunnel on purpose. A client does so " \
    "when it cannot use what it got (virtual IP, DNS, routes), a gateway " \
    "when a later check fails (a phase 2 policy, a user or licence limit). " \
    "A warning: the peer's log says why."

#define TITLE_TUNNEL_CLOSED "Tunnel closed"
#define DESC_TUNNEL_CLOSED \
    "An IKE SA that was up was deleted with no failure logged before ('received " \
    "DELETE for IKE_SA', 'sending DELETE for IKE_SA', 'deleting IKE_SA'), not " \
    "replaced by a rekey or a reauthentication, and no other IKE SA of its " \
    "connection is up: the " \
    "tunnel is down, closed on purpose, by an inactivity or lifetime limit, or " \
    "when charon stopped; or (phase 2) a CHILD SA this end deleted for its " \
    "inactivity timeout, the IKE SA staying up. Information: the tunnel rows " \
    "say it closed."

static const idg_class_info class_catalogue[IDG_CLASS__COUNT] = {
#define IDG__CLASS_ENTRY(id, name, phase, sev)                              \
    [IDG_CLASS_##id] = {IDG_CLASS_##id, name, phase, IDG_SEVERITY_##sev,    \
                        TITLE_##id, DESC_##id},
    IDG_CLASS_MAP(IDG__CLASS_ENTRY)
#undef IDG__CLASS_ENTRY
};

const idg_class_info *idg_class_get(idg_class c)
{
    if ((int)c < 0 || c >= IDG_CLASS__COUNT)
        return NULL;
    return &class_catalogue[c];
}

const idg_class_info *idg_class_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < IDG_CLASS__COUNT; i++)
        if (strcmp(class_catalogue[i].name, name) == 0)
            return &class_catalogue[i];
    return NULL;
}

const char *idg_severity_name(idg_severity s)
{
    switch (s) {
    case IDG_SEVERITY_INFO: return "info";
    case IDG_SEVERITY_WARNING: return "warning";
    case IDG_SEVERITY_ERROR: return "error";
    }
    return "error";
}

const char *idg_role_name(idg_role r)
{
    switch (r) {
    case IDG_ROLE_INITIATOR: return "initiator";
    case IDG_ROLE_RESPONDER: return "responder";
    case IDG_ROLE_UNKNOWN: break;
    }
    return NULL;
}

int idg_format_parse(const char *s, idg_format *out)
{
    static const struct { const char *name; idg_format fmt; } formats[] = {
        {"json", IDG_FORMAT_JSON},         {"text", IDG_FORMAT_TEXT},
        {"txt", IDG_FORMAT_TEXT},          {"markdown", IDG_FORMAT_MARKDOWN},
        {"md", IDG_FORMAT_MARKDOWN},
    };
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(s, formats[i].name) == 0) {
            *out = formats[i].fmt;
            return 0;
        }
    return -1;
}
