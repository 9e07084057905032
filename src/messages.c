/*
 * messages.c - THE message table: charon's format strings -> events.
 *
 * Each row is a format string exactly as strongSwan passes it to DBGn()
 * (see the reference catalogue), with the versions that log it. When a
 * wording changed between releases, every wording has its own row of the
 * same kind, so that logs of 5.0 ... 6.0 classify alike. A format that
 * starts with "%s" whose values are fixed words (e.g. "%sCHILD_SA ...",
 * "%s traffic selectors for %s:") is written out once per value so that
 * the row can be dispatched on its first word.
 *
 * Order matters only among rows sharing a first word: a more specific
 * wording comes before a more general one ("received %N notify error"
 * before "received %N notify").
 */
#include <string.h>

#include "fmt_match.h"
#include "messages.h"
#include "swar.h"

#define R(kind, sub, fmt, ...) {kind, sub, fmt, {__VA_ARGS__}}
#define NOF 0

static const msg_pattern TABLE[] = {
    /* ---- daemon ------------------------------------------------------ */
    /* charon.c / charon-systemd.c (all versions) */
    R(EV_DAEMON_START, NULL, "Starting IKE charon daemon%s", NOF),
    R(EV_DAEMON_START, NULL, "Starting charon-systemd IKE daemon%s", NOF),

    /* ---- vici load-conn dump (vici_config.c, 5.2.0+, DBG2 CFG) ---------- */
    R(EV_CONF_CONN, "CFG", " conn %s:", MF_NAME),
    R(EV_CONF_CHILD, "CFG", "  child %s:", MF_CHILD),
    R(EV_CONF_LOCAL, "CFG", "  local:", NOF),
    R(EV_CONF_REMOTE, "CFG", "  remote:", NOF),
    R(EV_CONF_KV, "CFG", "  version = %u", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  local_addrs = %s", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  remote_addrs = %s", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  local_port = %u", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  remote_port = %u", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  aggressive = %u", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  encap = %u", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  proposals = %#P", MF_VALUE),  /* conn and child level */
    R(EV_CONF_KV, "CFG", "   local_ts = %#R", MF_VALUE),
    R(EV_CONF_KV, "CFG", "   remote_ts = %#R", MF_VALUE),
    R(EV_CONF_KV, "CFG", "   id = %Y", MF_VALUE),
    R(EV_CONF_KV, "CFG", "   class = %N", MF_VALUE),
    R(EV_CONF_KV, "CFG", "   mode = %N%s", MF_VALUE),
    R(EV_CONF_KV, "CFG", "   start_action = %N", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  dpd_delay = %llu", MF_VALUE),
    R(EV_CONF_ADDED, "CFG", "added vici connection: %s", MF_NAME),
    R(EV_CONF_ADDED, "CFG", "replaced vici connection: %s", MF_NAME),
    R(EV_CONF_ADDED, "CFG", "updated vici connection: %s", MF_NAME),

    /* ---- starting an IKE_SA (§2.1) --------------------------------------- */
    /* ike_init.c build_i; %d <= 6.0.5, %u 6.0.6+ (same text) */
    R(EV_INITIATING_V2, "IKE", "initiating IKE_SA %s[%u] to %H", MF_NAME, MF_ID, MF_RHOST),
    R(EV_INITIATING_MM, "IKE", "initiating Main Mode IKE_SA %s[%u] to %H", MF_NAME, MF_ID, MF_RHOST),
    R(EV_INITIATING_AM, "IKE", "initiating Aggressive Mode IKE_SA %s[%u] to %H", MF_NAME, MF_ID, MF_RHOST),
    /* responder side: these start with %H (wildcard rows) */
    R(EV_RESPONDING_V2, "IKE", "%H is initiating IKE_SA %s[%u]", MF_RHOST, MF_NAME, MF_ID), /* 6.0.6+ */
    R(EV_RESPONDING_V2, "IKE", "%H is initiating an IKE_SA", MF_RHOST),                    /* 5.0.0-6.0.5 */
    R(EV_RESPONDING_MM, "IKE", "%H is initiating a Main Mode IKE_SA", MF_RHOST),
    R(EV_RESPONDING_AM, "IKE", "%H is initiating a Aggressive Mode IKE_SA", MF_RHOST),

    /* ---- IKE_SA lines with name[id] ---------------------------------------- */
    R(EV_IKE_ESTABLISHED, "IKE", "IKE_SA %s[%u] established between %H[%Y]...%H[%Y]",
      MF_NAME, MF_ID, MF_LHOST, MF_LID, MF_RHOST, MF_RID),
    R(EV_IKE_STATE, NULL, "IKE_SA %s[%u] state change: %N => %N", MF_NAME, MF_ID, MF_FROM, MF_TO),
    R(EV_IKE_REKEYED, "IKE", "IKE_SA %s[%u] rekeyed between %H[%Y]...%H[%Y]",
      MF_NAME, MF_ID, MF_LHOST, MF_LID, MF_RHOST, MF_RID),
    R(EV_IKE_REKEY_FAILED, "IKE", "IKE_SA rekeying failed, trying again in %d seconds", MF_COUNT),
    R(EV_IKE_DELETED, "IKE", "IKE_SA deleted", NOF),

    /* ---- CHILD_SA --------------------------------------------------------- */
    /* quick_mode.c / child_create.c; "%#R=== %#R" <= 5.3.3 */
    R(EV_CHILD_ESTABLISHED, "IKE", "CHILD_SA %s{%u} established with SPIs %.8x_i %.8x_o and TS %#R === %#R",
      MF_CHILD, MF_CHILD_ID, MF_SKIP, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_CHILD_ESTABLISHED, "IKE", "CHILD_SA %s{%u} established with SPIs %.8x_i %.8x_o and TS %#R=== %#R",
      MF_CHILD, MF_CHILD_ID, MF_SKIP, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    /* "%sCHILD_SA ..." 5.5.3+: "inbound " on a rekey responder */
    R(EV_CHILD_ESTABLISHED, "IKE", "inbound CHILD_SA %s{%u} established with SPIs %.8x_i %.8x_o and TS %#R === %#R",
      MF_CHILD, MF_CHILD_ID, MF_SKIP, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_CHILD_STATE, NULL, "CHILD_SA %s{%u} state change: %N => %N", MF_CHILD, MF_CHILD_ID, MF_FROM, MF_TO),
    R(EV_CHILD_REKEY_FAILED, "IKE", "CHILD_SA rekeying failed, trying again in %d seconds", MF_COUNT),
    /* child_create.c build_i: 5.6.0+ with {id}, <= 5.5.3 name only */
    R(EV_ESTABLISHING_CHILD, "IKE", "establishing CHILD_SA %s{%u} reqid %d", MF_CHILD, MF_CHILD_ID, MF_SKIP),
    R(EV_ESTABLISHING_CHILD, "IKE", "establishing CHILD_SA %s{%u}", MF_CHILD, MF_CHILD_ID),
    R(EV_ESTABLISHING_CHILD, "IKE", "establishing CHILD_SA %s", MF_CHILD),
    R(EV_CHILD_CREATE_RETRY, "IKE", "creating CHILD_SA failed, trying again in %d seconds", MF_COUNT),

    /* ---- packets and message summaries -------------------------------------- */
    R(EV_PACKET_RECV, "NET", "received packet: from %#H to %#H (%zu bytes)", MF_RHOST, MF_LHOST, MF_SKIP),
    R(EV_PACKET_RECV, "NET", "received packet: from %#H to %#H", MF_RHOST, MF_LHOST),  /* <= 5.0.1 */
    R(EV_PACKET_SEND, "NET", "sending packet: from %#H to %#H (%zu bytes)", MF_LHOST, MF_RHOST, MF_SKIP),
    R(EV_PACKET_SEND, "NET", "sending packet: from %#H to %#H", MF_LHOST, MF_RHOST),
    R(EV_GENERATING, "ENC", "generating %s", MF_TEXT),
    R(EV_PARSED, "ENC", "parsed %s", MF_TEXT),

    /* ---- NAT ----------------------------------------------------------------- */
    R(EV_NAT_REMOTE, "IKE", "remote host is behind NAT", NOF),
    R(EV_NAT_LOCAL, "IKE", "local host is behind NAT, sending keep alives", NOF),
    R(EV_NAT_FAKE, "IKE", "faking NAT situation to enforce UDP encapsulation", NOF),

    /* ---- authentication outcome lines --------------------------------------------- */
    R(EV_AUTH_MYSELF, "IKE", "authentication of '%Y' (myself) with %N successful", MF_LID, MF_TYPE),
    R(EV_AUTH_MYSELF, "IKE", "authentication of '%Y' (myself) with %N", MF_LID, MF_TYPE),
    R(EV_AUTH_MYSELF_OK, "IKE", "authentication of '%Y' (myself) successful", MF_LID),  /* v1 pubkey */
    R(EV_AUTH_MYSELF_FAILED, "IKE", "authentication of '%Y' (myself) failed", MF_LID),
    R(EV_AUTH_PEER_OK, "IKE", "authentication of '%Y' with %N successful", MF_RID, MF_TYPE),
    R(EV_XAUTH_FAILED, "IKE", "XAuth authentication of '%Y' (myself) failed", MF_LID),
    R(EV_XAUTH_FAILED, "IKE", "XAuth authentication of '%Y' failed", MF_RID),

    /* ---- configuration selection ------------------------------------------------------ */
    /* ike_auth.c update_cfg_candidates: unacceptable 5.7.0+, inacceptable 5.0.3-5.6.3 */
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' unacceptable: %s", MF_NAME, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' inacceptable: %s", MF_NAME, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' inacceptable", MF_NAME),
    R(EV_SELECTED_PEER_CFG, "CFG", "selected peer config \"%s\"", MF_NAME),  /* v1 phase1.c */
    R(EV_SELECTED_PEER_CFG, "CFG", "selected peer config '%s'", MF_NAME),    /* v2 ike_auth.c */
    R(EV_SELECTED_PEER_CFG, "CFG", "switching to peer config '%s'", MF_NAME),
    R(EV_FOUND_CHILD_CFG, "CFG", "found matching child config \"%s\" with prio %d", MF_CHILD, MF_SKIP),
    /* peer_cfg.c select_child_cfg: "%#R=== %#R" <= 5.3.3 */
    R(EV_LOOKING_CHILD_CFG, "CFG", "looking for a child config for %#R === %#R", MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_LOOKING_CHILD_CFG, "CFG", "looking for a child config for %#R=== %#R", MF_TS_LOCAL, MF_TS_REMOTE),
    /* ike_auth.c load_cfg_candidates (v2 responder) */
    R(EV_LOOKING_PEER_CFG_V2, "CFG", "looking for peer configs matching %H[%Y]...%H[%Y]",
      MF_LHOST, MF_LID, MF_RHOST, MF_RID),
    /* backend_manager.c get_ike_cfg: 5.7.0+ / <= 5.6.3 */
    R(EV_IKE_CFG_LOOKUP, "CFG", "looking for an %N config for %H...%H", MF_TYPE, MF_LHOST, MF_RHOST),
    R(EV_IKE_CFG_LOOKUP, "CFG", "looking for an ike config for %H...%H", MF_LHOST, MF_RHOST),
    /* ikev1/phase1.c select_config (v1 responder): local...remote[IDi] */
    R(EV_LOOKING_PEER_CFG_V1, "CFG", "looking for %N peer configs matching %H...%H[%Y]",
      MF_TYPE, MF_LHOST, MF_RHOST, MF_RID),
    R(EV_IKE_CFG_LOOKUP, "CFG", "looking for %N configs for %H...%H", MF_TYPE, MF_LHOST, MF_RHOST),
    R(EV_NO_PEER_CFG_V2, "CFG", "no matching peer config found", NOF),
    R(EV_NO_PEER_CFG_V1, "IKE", "no peer config found", NOF),
    R(EV_NO_ALT_CONFIG, "CFG", "no alternative config found", NOF),
    /* phase1.c 5.2.1+: Main/Aggressive or auth method mismatch */
    R(EV_NO_AUTH_MODE, "IKE", "found %d matching config%s, but none allows %N authentication using %s Mode",
      MF_COUNT, MF_SKIP, MF_TYPE, MF_MODE),
    /* main_mode.c / aggressive_mode.c process_i (v1 initiator): received, configured */
    R(EV_IDIR_MISMATCH, "IKE", "IDir '%Y' does not match to '%Y'", MF_RID, MF_VALUE),
    R(EV_IDR_REQUIRE, "CFG", "received IDr %Y, but require %Y", MF_RID, MF_VALUE),
    R(EV_AGGR_PSK_DISABLED, "IKE", "Aggressive Mode PSK disabled for security reasons", NOF),
    /* task_manager_v1/v2.c process_message: no ike_cfg for these addresses (and version) */
    R(EV_NO_IKE_CFG, "IKE", "no IKE config found for %H...%H, sending %N", MF_LHOST, MF_RHOST, MF_NOTIFY),

    /* ---- proposal selection (§2.2) ----------------------------------------------------- */
    R(EV_SELECTING_PROPOSAL, "CFG", "selecting proposal:", NOF),
    R(EV_NONE, "CFG", "  protocol mismatch, skipping", NOF),
    R(EV_PROPOSAL_MATCHES, "CFG", "  proposal matches", NOF),
    R(EV_NO_ACCEPTABLE_PROPOSAL, "IKE", "no acceptable proposal found", NOF),
    R(EV_NO_ACCEPTABLE_TS, "IKE", "no acceptable traffic selectors found", NOF),
    /* ENCRYPTION_ALGORITHM, INTEGRITY_ALGORITHM, PSEUDO_RANDOM_FUNCTION,
     * DIFFIE_HELLMAN_GROUP (<= 5.9.6) / KEY_EXCHANGE_METHOD (5.9.7+), ... */
    R(EV_NO_ACCEPTABLE_TYPE, "CFG", "  no acceptable %N found", MF_TYPE),
    R(EV_P1_UNACCEPTABLE, "IKE", "received proposals unacceptable", NOF),   /* 5.7.0+ */
    R(EV_P1_UNACCEPTABLE, "IKE", "received proposals inacceptable", NOF),   /* <= 5.6.3 */
    R(EV_RECEIVED_PROPOSALS, "CFG", "received proposals: %#P", MF_PROPOSALS),
    R(EV_CONFIGURED_PROPOSALS, "CFG", "configured proposals: %#P", MF_PROPOSALS),
    R(EV_SELECTED_PROPOSAL, "CFG", "selected proposal: %P", MF_PROPOSALS),
    R(EV_V1_NO_PROPOSAL, "IKE", "no proposal found", NOF),
    R(EV_NONE, "IKE", "no matching proposal found, trying alternative config", NOF),  /* 5.7.0+ */
    R(EV_QM_NO_PROPOSAL, "IKE", "no matching proposal found, sending %N", MF_NOTIFY),
    R(EV_QM_NO_PROPOSAL, "IKE", "no matching proposal found", NOF),
    R(EV_PEER_PROPOSAL_INVALID, "IKE", "peers proposal selection invalid", NOF),  /* <= 5.9.14 */
    R(EV_PEER_PROPOSAL_INVALID, "IKE", "peer's proposal selection invalid", NOF), /* 6.0.0+ */

    /* ---- notifies (§2.14) --------------------------------------------------------------- */
    R(EV_NOTIFY_ERROR_V2, "IKE", "received %N notify error, destroying IKE_SA", MF_NOTIFY),  /* 5.8.2+ */
    R(EV_NOTIFY_ERROR_V2, "IKE", "received %N notify error", MF_NOTIFY),
    R(EV_NOTIFY_ERROR_V1, "IKE", "received %N error notify", MF_NOTIFY),
    R(EV_NOTIFY_CHILD, "IKE", "received %N notify, no CHILD_SA built", MF_NOTIFY),
    R(EV_NOTIFY_STATUS, "IKE", "received %N notify, will retry later", MF_NOTIFY),
    R(EV_EAP_FAILED, "IKE", "received %N, EAP authentication failed", MF_TYPE),
    R(EV_NOTIFY_STATUS, "IKE", "received %N notify", MF_NOTIFY),

    /* ---- INVALID_KE (§2.4) --------------------------------------------------------------- */
    R(EV_INVALID_KE_I, "IKE", "peer didn't accept DH group %N, it requested %N", MF_ALG1, MF_ALG2),  /* <= 5.9.14 */
    R(EV_INVALID_KE_I, "IKE", "peer didn't accept key exchange method %N, it requested %N", MF_ALG1, MF_ALG2),
    R(EV_INVALID_KE_R, "IKE", "DH group %N inacceptable, requesting %N", MF_ALG1, MF_ALG2),  /* <= 5.6.3 */
    R(EV_INVALID_KE_R, "IKE", "DH group %N unacceptable, requesting %N", MF_ALG1, MF_ALG2),  /* 5.7.0-5.9.14 */
    R(EV_INVALID_KE_R, "IKE", "key exchange method %N unacceptable, requesting %N", MF_ALG1, MF_ALG2), /* 6.0+ */
    R(EV_KE_FAILED, "IKE", "giving up after %d retries", MF_COUNT),
    R(EV_KE_FAILED, "IKE", "already retried with DH group %N, ignore requested %N", MF_ALG1, MF_ALG2),
    R(EV_KE_FAILED, "IKE", "already retried with DH group %N, ignorerequested %N", MF_ALG1, MF_ALG2),
    R(EV_KE_FAILED, "IKE", "already retried with key exchange method %N, ignore requested %N", MF_ALG1, MF_ALG2),
    R(EV_KE_FAILED, "IKE", "peer DH group selection invalid", NOF),
    R(EV_KE_FAILED, "IKE", "peer's key exchange method selection invalid", NOF),
    R(EV_KE_FAILED, "IKE", "requested DH group %N not contained in any of our proposals", MF_ALG2),
    R(EV_KE_FAILED, "IKE", "requested key exchange method %N not contained in any of our proposals", MF_ALG2),

    /* ---- traffic selectors (§2.5) ------------------------------------------------------- */
    /* child_cfg.c "%s traffic selectors for %s:" (5.0.1+), written out */
    R(EV_TS_HEADER_PROPOSE_US, "CFG", "proposing traffic selectors for us:", NOF),
    R(EV_TS_HEADER_PROPOSE_OTHER, "CFG", "proposing traffic selectors for other:", NOF),
    R(EV_TS_HEADER_SELECT_US, "CFG", "selecting traffic selectors for us:", NOF),
    R(EV_TS_HEADER_SELECT_OTHER, "CFG", "selecting traffic selectors for other:", NOF),
    R(EV_TS_NARROW, "CFG", " config: %R, received: %R => match: %R", MF_TS_LOCAL, MF_TS_REMOTE, MF_SKIP),
    R(EV_TS_NARROW, "CFG", " config: %R, received: %R => no match", MF_TS_LOCAL, MF_TS_REMOTE),
    /* quick_mode.c process_r: TSi === TSr, i.e. remote === local (5.7.2+) */
    R(EV_NO_CHILD_CFG, "IKE", "no matching CHILD_SA config found for %#R === %#R", MF_TS_REMOTE, MF_TS_LOCAL),
    R(EV_NO_CHILD_CFG, "IKE", "no matching CHILD_SA config found", NOF),  /* <= 5.7.1 */
    /* child_create.c build_r: TSr (local) === TSi (remote) */
    R(EV_TS_UNACCEPTABLE, "IKE", "traffic selectors %#R === %#R unacceptable", MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_TS_UNACCEPTABLE, "IKE", "traffic selectors %#R === %#R inacceptable", MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_TS_UNACCEPTABLE, "IKE", "traffic selectors %#R=== %#R inacceptable", MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_PEER_INVALID_TS, "IKE", "peer selected invalid traffic selectors: %R for %R, %R for %R",
      MF_SKIP, MF_TS_LOCAL, MF_SKIP, MF_TS_REMOTE),
    R(EV_CHILD_FAILED, "IKE", "failed to establish CHILD_SA, keeping IKE_SA", NOF),
    R(EV_CHILD_FAILED, "IKE", "closing IKE_SA due CHILD_SA setup failure", NOF),

    /* ---- PSK / decryption (§2.6) ---------------------------------------------------------- */
    R(EV_DECRYPT_FAILED, "ENC", "invalid %N payload length, decryption failed?", MF_TYPE),
    R(EV_COULD_NOT_DECRYPT, "ENC", "could not decrypt payloads", NOF),
    R(EV_PARSE_FAILED, "IKE", "message parsing failed", NOF),
    R(EV_PROCESSING_FAILED, "IKE", "%N %s with message ID %u processing failed", MF_TYPE, MF_TEXT, MF_MSGID),
    R(EV_INTEGRITY_FAILED, "IKE", "integrity check failed", NOF),
    R(EV_HASH_MISMATCH, "IKE", "calculated HASH does not match HASH payload", NOF),
    R(EV_HASH_MISMATCH, "ENC", "received HASH payload does not match", NOF),
    R(EV_NO_SHARED_KEY, "IKE", "no shared key found for '%Y'[%H] - '%Y'[%H]", MF_LID, MF_LHOST, MF_RID, MF_RHOST),
    R(EV_NO_SHARED_KEY, "IKE", "no shared key found for '%Y' - '%Y'", MF_LID, MF_RID),
    R(EV_NO_SHARED_KEY, "IKE", "no shared key found for %H - %H", MF_LHOST, MF_RHOST),
    R(EV_MAC_MISMATCH, "IKE", "tried %d shared key%s for '%Y' - '%Y', but MAC mismatched",
      MF_COUNT, MF_SKIP, MF_LID, MF_RID),

    /* ---- identity constraints (auth_cfg.c complies) -------------------------------------- */
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: identity '%Y' (%N) required, not matched by '%Y' (%N)",
      MF_VALUE, MF_SKIP, MF_RID, MF_SKIP),  /* 5.9.14+ */
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: EAP identity '%Y' (%N) required, not matched by '%Y' (%N)",
      MF_VALUE, MF_SKIP, MF_RID, MF_SKIP),
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: identity '%Y' (%N) required", MF_VALUE, MF_SKIP),
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: EAP identity '%Y' (%N) required", MF_VALUE, MF_SKIP),
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: identity '%Y' required ", MF_VALUE),  /* <= 5.9.13 */
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: EAP identity '%Y' required ", MF_VALUE),
    R(EV_CONSTRAINT_ID, "CFG", "constraint check failed: certificate does not confirm identity '%Y' (%N)",
      MF_VALUE, MF_SKIP),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: peer not authenticated by CA '%Y'.", MF_VALUE),  /* <= 5.3.2 */
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: peer not authenticated by CA '%Y'", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: peer not authenticated with peer cert '%Y'.", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: peer not authenticated with peer cert '%Y'", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: %N is %N, but requires at least %N", MF_TYPE, MF_VALUE, MF_SKIP),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint requires %N authentication, but %N was used", MF_TYPE, MF_TEXT),

    /* ---- certificates (§2.11) -------------------------------------------------------------- */
    R(EV_CERT_FAILURE, "IKE", "no trusted %N public key found for '%Y'", MF_TYPE, MF_RID),
    R(EV_CERT_FAILURE, "CFG", "no issuer certificate found for \"%Y\"", MF_VALUE),
    R(EV_CERT_ISSUER, "CFG", "  issuer is \"%Y\"", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "  self-signed certificate \"%Y\" is not trusted", MF_VALUE),
    /* "%s certificate invalid (valid from %T to %T)", %s = subject|issuer */
    R(EV_CERT_FAILURE, "CFG", "subject certificate invalid (valid from %T to %T)", MF_SKIP, MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "issuer certificate invalid (valid from %T to %T)", MF_SKIP, MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "certificate was revoked on %T, reason: %N", MF_SKIP, MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "maximum path length of %d exceeded", MF_COUNT),
    R(EV_CERT_FAILURE, "IKE", "rejecting certificate without digitalSignature or nonRepudiation keyUsage flags", NOF),
    R(EV_NO_PRIVATE_KEY, "IKE", "no private key found for '%Y'", MF_LID),
    R(EV_NO_PRIVATE_KEY, "IKE", "no %N private key found for '%Y'", MF_TYPE, MF_LID),
    R(EV_SEND_CERT, "IKE", "sending end entity cert \"%Y\"", MF_LID),
    R(EV_UNKNOWN_CA_REQ, "IKE", "received cert request for unknown ca with keyid %Y", MF_VALUE),
    R(EV_UNKNOWN_CA_REQ, "IKE", "received cert request for unknown ca '%Y'", MF_VALUE),
    R(EV_UNKNOWN_CA_REQ, "IKE", "received %u cert requests for an unknown ca", MF_COUNT),

    /* ---- EAP ---------------------------------------------------------------------------------- */
    R(EV_EAP_FAILED, "IKE", "EAP method %N failed for peer %Y", MF_TYPE, MF_RID),
    R(EV_EAP_FAILED, "IKE", "EAP vendor specific method %d-%N failed for peer %Y", MF_SKIP, MF_TYPE, MF_RID),
    R(EV_EAP_FAILED, "IKE", "RADIUS authentication of '%Y' failed", MF_RID),
    R(EV_EAP_FAILED, "IKE", "EAP-MS-CHAPv2 verification failed: maximum number of retries reached", NOF),
    R(EV_EAP_FAILED, "IKE", "EAP-MS-CHAPv2 verification failed", NOF),
    R(EV_EAP_RETRY, "IKE", "EAP-MS-CHAPv2 verification failed, retry (%d)", MF_COUNT),
    R(EV_EAP_FAILED, "IKE", "%N method failed", MF_TYPE),  /* eap_authenticator.c: "EAP_MSCHAPV2 method failed" */
    R(EV_EAP_FAILED, "IKE", "EAP-MS-CHAPv2 failed with error %N: '%s'", MF_TYPE, MF_TEXT),
    R(EV_EAP_FAILED, "IKE", "verification of AUTH payload with%s EAP MSK failed", MF_SKIP),
    R(EV_EAP_FAILED, "IKE", "peer requested EAP, config unacceptable", NOF),  /* 5.7.0+ */
    R(EV_EAP_FAILED, "IKE", "peer requested EAP, config inacceptable", NOF),  /* <= 5.6.3 */
    R(EV_EAP_FAILED, "IKE", "no EAP key found for hosts '%Y' - '%Y'", MF_LID, MF_RID),
    R(EV_EAP_FAILED, "IKE", "EAP-only authentication requires a mutual and MSK deriving EAP method, but %N is not",
      MF_TYPE),

    /* ---- retransmits, timeouts, DPD (§2.10) ----------------------------------------------------- */
    R(EV_RETRANSMIT_V2, "IKE", "retransmit %d of request with message ID %d", MF_COUNT, MF_MSGID),
    R(EV_RETRANSMIT_V1, "IKE", "sending retransmit %u of %s message ID %u, seq %u", MF_COUNT, MF_TEXT, MF_MSGID, MF_SKIP),
    R(EV_GIVING_UP, "IKE", "giving up after %d retransmits", MF_COUNT),
    R(EV_PEER_NOT_RESPONDING, "IKE", "establishing IKE_SA failed, peer not responding", NOF),
    R(EV_PEER_RETRY, "IKE", "peer not responding, trying again (%d/%d)", MF_COUNT, MF_SKIP),
    R(EV_REKEY_NOT_RESPONDING, "IKE", "rekeying IKE_SA failed, peer not responding", NOF),
    R(EV_REKEY_NOT_RESPONDING, "IKE", "proper IKE_SA delete failed, peer not responding", NOF),
    R(EV_REKEY_NOT_RESPONDING, "IKE", "reauthentication failed, trying to reestablish IKE_SA", NOF),
    R(EV_DPD_REQUEST, "IKE", "sending DPD request", NOF),
    R(EV_DPD_TIMEOUT, NULL, "DPD check timed out, enforcing DPD action", NOF),
    /* delete_ike_sa_job.c: 6.0.6+ / 5.5.2-6.0.5 / <= 5.5.1 */
    R(EV_HALF_OPEN_TIMEOUT, NULL, "deleting half open IKE_SA %s[%u] with %H after timeout", MF_NAME, MF_ID, MF_RHOST),
    R(EV_HALF_OPEN_TIMEOUT, NULL, "deleting half open IKE_SA with %H after timeout", MF_RHOST),
    R(EV_HALF_OPEN_TIMEOUT, NULL, "deleting half open IKE_SA after timeout", NOF),

    /* ---- CHILD_SA installation (§2.12) -------------------------------------------------------- */
    R(EV_INSTALL_FAILED, "IKE", "unable to install %s%s%sIPsec SA (SAD) in kernel", MF_SKIP, MF_SKIP, MF_TEXT),
    R(EV_INSTALL_FAILED, "IKE", "unable to install IPsec policies (SPD) in kernel", NOF),
    R(EV_INSTALL_FAILED, "IKE", "unable to allocate SPIs from kernel", NOF),  /* <= 5.9.14 */
    R(EV_INSTALL_FAILED, "IKE", "unable to allocate SPI from kernel", NOF),   /* 6.0.0+ */
    R(EV_INSTALL_FAILED, "IKE", "allocating SPI from kernel failed", NOF),    /* v1 */
    R(EV_KNL_FAILED, "KNL", "unable to add SAD entry with SPI %.8x: %s (%d)", MF_SKIP, MF_TEXT, MF_SKIP),  /* pfkey */
    R(EV_KNL_FAILED, "KNL", "unable to add SAD entry with SPI %.8x%s (%N)", MF_SKIP, MF_SKIP, MF_TEXT),  /* netlink */
    R(EV_KNL_FAILED, "KNL", "unable to add SAD entry with SPI %.8x", MF_SKIP),
    R(EV_KNL_FAILED, "KNL", "unable to %s policy %R === %R %N%s%s", MF_TEXT, MF_TS_LOCAL, MF_TS_REMOTE, MF_SKIP),
    R(EV_KNL_FAILED, "KNL", "unable to %s policy %R === %R %N", MF_TEXT, MF_TS_LOCAL, MF_TS_REMOTE, MF_SKIP),
    R(EV_KNL_FAILED, "CFG", "unable to install policy %R === %R %N%s for reqid %u, the same policy for reqid %u exists",
      MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_KNL_FAILED, "KNL", "allocating SPI failed: %s (%d)", MF_TEXT, MF_SKIP),
    R(EV_KNL_ERROR, "KNL", "received netlink error: %s (%d)", MF_TEXT, MF_SKIP),

    /* ---- delete (§2.13) -------------------------------------------------------------------------- */
    R(EV_RECV_DELETE_IKE, "IKE", "received DELETE for IKE_SA %s[%u]", MF_NAME, MF_ID),
    R(EV_DELETING_IKE, "IKE", "deleting IKE_SA %s[%u] between %H[%Y]...%H[%Y]",
      MF_NAME, MF_ID, MF_LHOST, MF_LID, MF_RHOST, MF_RID),
    R(EV_SEND_DELETE_IKE, "IKE", "sending DELETE for IKE_SA %s[%u]", MF_NAME, MF_ID),
    R(EV_DESTROY_NO_NOTIFY, "IKE", "destroying IKE_SA in state %N without notification", MF_FROM),
    R(EV_DESTROY_NO_NOTIFY, "IKE", "deleting unestablished IKE_SA", NOF),
};

#define TABLE_SIZE (sizeof(TABLE) / sizeof(TABLE[0]))

const msg_pattern *msg_table(size_t *count)
{
    *count = TABLE_SIZE;
    return TABLE;
}

/* Compiles row i's format into idx (see msg_index). */
static void compile_row(msg_index *idx, size_t i)
{
    const char *fmt = TABLE[i].fmt;
    const char *f = fmt;
    int k = 0;
    idx->slow[i] = 0;
    while (*f == ' ')
        f++;
    while (*f && !(f[0] == '%' && f[1] != '%'))
        f++;
    while (*f) {
        /* f is at a conversion */
        f++;
        while (*f == '#' || *f == '-' || *f == '+' || *f == ' ' || *f == '0')
            f++;
        while ((*f >= '0' && *f <= '9') || *f == '*' || *f == '.')
            f++;
        while (*f == 'l' || *f == 'z' || *f == 'h' || *f == 'j' || *f == 't')
            f++;
        if (k >= MSG_MAX_CONV || !*f) {
            idx->slow[i] = 1;
            return;
        }
        idx->conv[i][k] = *f++;
        const char *lit = f;
        while (*f && *f != '%')
            f++;
        if (f[0] == '%' && f[1] == '%') {
            idx->slow[i] = 1;
            return;
        }
        size_t ll = (size_t)(f - lit);
        if (!*f)
            while (ll > 0 && lit[ll - 1] == ' ')
                ll--;
        idx->lit_off[i][k] = (uint16_t)(lit - fmt);
        idx->lit_len[i][k] = (uint16_t)ll;
        k++;
    }
    idx->nconv[i] = (uint8_t)k;
}

/* Short compares: most candidates differ within a few bytes, so a byte
 * loop beats a library call here. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

/* The literals between conversions are short (" to ", "[", "...") and
 * found within a few dozen bytes: an inline scan beats memchr + memcmp
 * calls here. */
static inline const char *find_lit(const char *p, const char *end, const char *lit, size_t n)
{
    if ((size_t)(end - p) < n)
        return NULL;
    const char c0 = lit[0];
    for (const char *last = end - n; p <= last; p++)
        if (*p == c0 && same_bytes(p + 1, lit + 1, n - 1))
            return p;
    return NULL;
}

/* Matches row i on msg[s..t) (trimmed) after quick_ok accepted its head and
 * tail; fills ev. */
static int run_row(const msg_index *idx, uint16_t i, const char *msg, size_t s, size_t t, msg_event *ev)
{
    const msg_pattern *p = &TABLE[i];
    const char *fmt = p->fmt;
    const char *pos = msg + s + idx->plen[i], *end = msg + t;
    int nc = idx->nconv[i];
    span caps[MSG_MAX_CONV];
    for (int k = 0; k < nc; k++) {
        const char *lit = fmt + idx->lit_off[i][k];
        size_t ll = idx->lit_len[i][k];
        span cap;
        if (k == nc - 1) {
            if ((size_t)(end - pos) < ll)
                return 0;
            cap = (span){pos, (size_t)(end - pos) - ll};
            pos = end;
        } else if (ll == 0) {
            caps[k] = (span){pos, 0}; /* conversions in a row */
            continue;
        } else {
            const char *hit = find_lit(pos, end, lit, ll);
            if (!hit)
                return 0;
            cap = (span){pos, (size_t)(hit - pos)};
            pos = hit + ll;
        }
        if (!fmt_capture_ok(idx->conv[i][k], cap.p, cap.n))
            return 0;
        caps[k] = cap;
    }
    ev->kind = p->kind;
    ev->pat = p;
    memset(ev->f, 0, sizeof ev->f);
    for (int k = 0; k < nc; k++) {
        unsigned f = p->fields[k];
        if (f != MF_SKIP && f < MF__COUNT)
            ev->f[f] = caps[k];
    }
    return 1;
}

/*
 * The bucket of a message's first word. Every line is classified, so this
 * is on the hot path: the word's end is found eight bytes at a time, and
 * the hash reads the word's first eight bytes as one integer (with its
 * length) instead of folding byte by byte. Rows of one bucket share their
 * first word; words that merely collide are told apart by quick_ok's
 * prefix compare, so the hash only has to spread, never to be exact.
 */
static inline uint32_t word_bucket(const char *w, size_t n)
{
    uint64_t v = 0;
    if (n >= 8) {
        v = swar_load(w);
    } else {
        for (size_t i = 0; i < n; i++)
            v |= (uint64_t)(unsigned char)w[i] << (8 * i);
    }
    v ^= (uint64_t)n << 59;
    v *= 0x9E3779B97F4A7C15ull;
    return (uint32_t)(v >> 40) % MSG_BUCKETS;
}

/* The end of the word starting at p (the first space, or end). */
static inline const char *word_end(const char *p, const char *end)
{
    for (; end - p >= 8; p += 8) {
        uint64_t hit = swar_bytes_equal(swar_load(p), ' ');
        if (hit)
            return p + swar_first(hit);
    }
    while (p < end && *p != ' ')
        p++;
    return p;
}

/* Builds the index in one walk per format (compile_row) plus the prefix
 * and first word: an engine builds it on creation, so it has to be cheap
 * (a few microseconds). Only rows that need the generic matcher ask
 * fmt_final_literal for their suffix; for the others it is the literal
 * compile_row found after the last conversion. */
void msg_index_init(msg_index *idx)
{
    uint16_t tail[MSG_BUCKETS];
    memset(idx->head, 0xff, sizeof idx->head);
    memset(idx->next, 0xff, sizeof idx->next);
    memset(tail, 0xff, sizeof tail);
    memset(idx->wild_by_last, 0, sizeof idx->wild_by_last);
    idx->nwild = 0;
    for (size_t i = 0; i < TABLE_SIZE && i < MSG_MAX_ROWS; i++) {
        const char *f = TABLE[i].fmt;
        while (*f == ' ')
            f++;
        /* the first word (literal up to a space; none if a conversion
         * starts inside it) and its hash, then the literal prefix */
        size_t pl = 0, wl = 0;
        int word = 1;
        while (f[pl] && f[pl] != '%') {
            if (word && f[pl] == ' ')
                word = 0, wl = pl;
            pl++;
        }
        if (word)
            wl = f[pl] == '%' ? 0 : pl;
        idx->pre[i] = f;
        idx->plen[i] = (uint16_t)pl;
        compile_row(idx, i);
        const char *suf;
        size_t sl;
        if (f[pl] == '\0' || (!idx->slow[i] && idx->nconv[i] == 0)) {
            suf = f + pl;
            sl = 0; /* no conversion: the prefix says it all */
        } else if (!idx->slow[i]) {
            unsigned k = idx->nconv[i] - 1u;
            suf = TABLE[i].fmt + idx->lit_off[i][k];
            sl = idx->lit_len[i][k]; /* trailing spaces already trimmed */
        } else {
            suf = fmt_final_literal(TABLE[i].fmt, &sl);
            while (sl > 0 && suf[sl - 1] == ' ')
                sl--;
            if (memchr(suf, '%', sl))
                sl = 0; /* a %% in it */
        }
        idx->suf[i] = suf;
        idx->slen[i] = (uint16_t)sl;
        if (wl == 0) {
            if (idx->nwild < MSG_WILD_CAP) {
                unsigned bit = 1u << idx->nwild;
                if (sl == 0) {
                    for (size_t c = 0; c < 256; c++)
                        idx->wild_by_last[c] |= (uint16_t)bit;
                } else {
                    idx->wild_by_last[(unsigned char)suf[sl - 1]] |= (uint16_t)bit;
                }
                idx->wild[idx->nwild++] = (uint16_t)i;
            }
            continue;
        }
        uint32_t b = word_bucket(f, wl);
        if (idx->head[b] == 0xffff)
            idx->head[b] = (uint16_t)i;
        else
            idx->next[tail[b]] = (uint16_t)i;
        tail[b] = (uint16_t)i;
    }
}

static inline int subsys_ok(const msg_pattern *p, const char *subsys)
{
    if (!p->subsys || !subsys || !subsys[0])
        return 1;
    const char *a = p->subsys;
    return a[0] == subsys[0] && a[1] == subsys[1] && a[2] == subsys[2] && subsys[3] == '\0';
}

/* Cheap checks of the literal head and tail of row i against msg[s..t). */
static inline int quick_ok(const msg_index *idx, uint16_t i, const char *msg, size_t s, size_t t)
{
    size_t pl = idx->plen[i], sl = idx->slen[i];
    /* the first byte alone rejects most candidates of a wild row; a
     * bucket's rows share their first word, so their prefixes are
     * compared in full (memcmp: they run to 20 bytes and more) */
    if (pl > t - s || (pl && msg[s] != idx->pre[i][0]) || memcmp(msg + s, idx->pre[i], pl) != 0)
        return 0;
    if (sl && (sl > t - s - pl || msg[t - 1] != idx->suf[i][sl - 1] ||
               !same_bytes(msg + t - sl, idx->suf[i], sl)))
        return 0;
    return 1;
}

static int try_row(const msg_pattern *p, const char *msg, size_t n, msg_event *ev)
{
    span caps[FMT_MAX_CONV];
    int nc = fmt_match(p->fmt, msg, n, caps, FMT_MAX_CONV);
    if (nc < 0)
        return 0;
    memset(ev, 0, sizeof *ev);
    ev->kind = p->kind;
    ev->pat = p;
    for (int i = 0; i < nc && i < MSG_MAX_CONV; i++) {
        unsigned f = p->fields[i];
        if (f != MF_SKIP && f < MF__COUNT)
            ev->f[f] = caps[i];
    }
    return 1;
}

int msg_classify(const msg_index *idx, const char *subsys, const char *msg,
                 size_t n, msg_event *ev)
{
    size_t s = 0;
    while (s < n && msg[s] == ' ')
        s++;
    size_t t = n;
    while (t > s && (msg[t - 1] == ' ' || msg[t - 1] == '\r' || msg[t - 1] == '\t'))
        t--;
    if (t == s)
        return 0;
    size_t e = (size_t)(word_end(msg + s, msg + t) - msg);
    uint32_t b = word_bucket(msg + s, e - s);
    for (uint16_t i = idx->head[b]; i != 0xffff; i = idx->next[i]) {
        const msg_pattern *p = &TABLE[i];
        if (!quick_ok(idx, i, msg, s, t) || !subsys_ok(p, subsys))
            continue;
        if (idx->pre[i][idx->plen[i]] == '\0') {
            /* no conversion: the literal is the whole message */
            if (t - s != idx->plen[i])
                continue;
            ev->kind = p->kind;
            ev->pat = p;
            memset(ev->f, 0, sizeof ev->f);
            return 1;
        }
        if (idx->slow[i] ? try_row(p, msg, n, ev) : run_row(idx, i, msg, s, t, ev))
            return 1;
    }
    /* rows that start with a conversion (a host or a name): their last
     * literal is checked first */
    unsigned char c0 = (unsigned char)msg[s];
    if (!((c0 >= '0' && c0 <= '9') || (c0 >= 'a' && c0 <= 'f') || (c0 >= 'A' && c0 <= 'Z') ||
          c0 == ':' || c0 == '%' || c0 == '('))
        return 0;
    for (unsigned bits = idx->wild_by_last[(unsigned char)msg[t - 1]]; bits; bits &= bits - 1) {
        uint16_t i = idx->wild[__builtin_ctz(bits)];
        const msg_pattern *p = &TABLE[i];
        if (quick_ok(idx, i, msg, s, t) && subsys_ok(p, subsys) &&
            (idx->slow[i] ? try_row(p, msg, n, ev) : run_row(idx, i, msg, s, t, ev)))
            return 1;
    }
    return 0;
}

const char *msg_kind_name(msg_kind k)
{
    static const char *const names[] = {
#define N(x) [x] = #x
        N(EV_NONE), N(EV_DAEMON_START), N(EV_CONF_CONN), N(EV_CONF_CHILD),
        N(EV_CONF_LOCAL), N(EV_CONF_REMOTE), N(EV_CONF_KV), N(EV_CONF_ADDED),
        N(EV_INITIATING_V2), N(EV_INITIATING_MM), N(EV_INITIATING_AM),
        N(EV_RESPONDING_V2), N(EV_RESPONDING_MM), N(EV_RESPONDING_AM),
        N(EV_IKE_ESTABLISHED), N(EV_CHILD_ESTABLISHED), N(EV_ESTABLISHING_CHILD),
        N(EV_IKE_STATE), N(EV_CHILD_STATE), N(EV_IKE_REKEYED), N(EV_PACKET_RECV),
        N(EV_PACKET_SEND), N(EV_GENERATING), N(EV_PARSED), N(EV_NAT_REMOTE),
        N(EV_NAT_LOCAL), N(EV_NAT_FAKE), N(EV_AUTH_MYSELF), N(EV_AUTH_MYSELF_OK),
        N(EV_AUTH_MYSELF_FAILED), N(EV_AUTH_PEER_OK), N(EV_SELECTED_PEER_CFG),
        N(EV_FOUND_CHILD_CFG), N(EV_IKE_CFG_LOOKUP), N(EV_SEND_CERT),
        N(EV_UNKNOWN_CA_REQ), N(EV_SELECTING_PROPOSAL), N(EV_NO_ACCEPTABLE_TYPE),
        N(EV_PROPOSAL_MATCHES), N(EV_RECEIVED_PROPOSALS), N(EV_CONFIGURED_PROPOSALS),
        N(EV_SELECTED_PROPOSAL), N(EV_P1_UNACCEPTABLE), N(EV_NO_ACCEPTABLE_PROPOSAL),
        N(EV_V1_NO_PROPOSAL), N(EV_QM_NO_PROPOSAL), N(EV_PEER_PROPOSAL_INVALID),
        N(EV_NOTIFY_ERROR_V1), N(EV_NOTIFY_ERROR_V2), N(EV_NOTIFY_CHILD),
        N(EV_NOTIFY_STATUS), N(EV_INVALID_KE_I), N(EV_INVALID_KE_R), N(EV_KE_FAILED),
        N(EV_LOOKING_CHILD_CFG), N(EV_TS_HEADER_PROPOSE_US), N(EV_TS_HEADER_PROPOSE_OTHER),
        N(EV_TS_HEADER_SELECT_US), N(EV_TS_HEADER_SELECT_OTHER), N(EV_TS_NARROW),
        N(EV_NO_CHILD_CFG), N(EV_TS_UNACCEPTABLE), N(EV_NO_ACCEPTABLE_TS),
        N(EV_PEER_INVALID_TS), N(EV_CHILD_FAILED), N(EV_DECRYPT_FAILED),
        N(EV_COULD_NOT_DECRYPT), N(EV_PARSE_FAILED), N(EV_PROCESSING_FAILED),
        N(EV_INTEGRITY_FAILED), N(EV_HASH_MISMATCH), N(EV_NO_SHARED_KEY),
        N(EV_MAC_MISMATCH), N(EV_LOOKING_PEER_CFG_V1), N(EV_NO_PEER_CFG_V1),
        N(EV_NO_AUTH_MODE), N(EV_IDIR_MISMATCH), N(EV_LOOKING_PEER_CFG_V2),
        N(EV_NO_PEER_CFG_V2), N(EV_PEER_CFG_UNACCEPTABLE), N(EV_IDR_REQUIRE),
        N(EV_CONSTRAINT_ID), N(EV_AGGR_PSK_DISABLED), N(EV_NO_IKE_CFG),
        N(EV_CERT_FAILURE), N(EV_CERT_ISSUER), N(EV_NO_PRIVATE_KEY), N(EV_EAP_FAILED),
        N(EV_XAUTH_FAILED), N(EV_EAP_RETRY), N(EV_RETRANSMIT_V2), N(EV_RETRANSMIT_V1), N(EV_GIVING_UP),
        N(EV_PEER_NOT_RESPONDING), N(EV_PEER_RETRY), N(EV_REKEY_NOT_RESPONDING),
        N(EV_DPD_REQUEST), N(EV_DPD_TIMEOUT), N(EV_HALF_OPEN_TIMEOUT),
        N(EV_INSTALL_FAILED), N(EV_KNL_FAILED), N(EV_KNL_ERROR),
        N(EV_CHILD_REKEY_FAILED), N(EV_IKE_REKEY_FAILED), N(EV_CHILD_CREATE_RETRY),
        N(EV_RECV_DELETE_IKE), N(EV_DELETING_IKE), N(EV_SEND_DELETE_IKE),
        N(EV_IKE_DELETED), N(EV_DESTROY_NO_NOTIFY),
#undef N
    };
    if ((unsigned)k < sizeof names / sizeof names[0] && names[k])
        return names[k];
    return "EV_?";
}
