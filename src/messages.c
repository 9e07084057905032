/*
 * messages.c - THE message table: charon's format strings -> events.
 *
 * Each row is a format string exactly as strongSwan passes it to DBGn()
 * (see the reference catalogue), with the versions that log it. When a
 * wording changed between releases, every wording has its own row of the
 * same kind, so that logs of 5.0 ... 6.0 classify alike. A format that
 * starts with "%s" whose values are fixed words (e.g. "%sCHILD_SA ...",
 * "%s traffic selectors for %s:") is written out once per value so that
 * the row can be dispatched on its first bytes.
 *
 * Order matters only among rows that can match the same message: a more
 * specific wording comes before a more general one ("received %N notify
 * error" before "received %N notify").
 *
 * Below the table, its index (messages.h, msg_index) and the matcher that
 * runs every line through it. Every line of a log is classified, so the
 * matcher is on the hot path: a message is dispatched on its first three
 * bytes (one load, one multiply), its candidates are rejected by 8-byte
 * compares of their literal prefix and suffix, and a row is matched by
 * looking for its literals between conversions 16 or 8 bytes at a time.
 * The index is built from the table at build time (gen_msg_index), so all
 * of that is precomputed constant data.
 *
 * The event a line is classified into is reused from line to line (see
 * msg_event in messages.h): a match writes its row's fields and empties
 * only those an earlier line left set (keep_fields), rather than clearing
 * all 23 fields of every line. The subsystem is compared as one 32-bit
 * word (the caller passes charon_line.subsys, four NUL-padded bytes), and
 * only for the rows whose head and tail already matched.
 */
#include <string.h>

#include "fmt_match.h"
#include "messages.h"
#include "swar.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define R(kind, sub, fmt, ...) {kind, sub, fmt, {__VA_ARGS__}}
#define NOF 0

static const msg_pattern TABLE[] = {
    /* ---- daemon ------------------------------------------------------ */
    /* charon.c / charon-systemd.c (all versions) */
    R(EV_DAEMON_START, NULL, "Starting IKE charon daemon%s", NOF),
    R(EV_DAEMON_START, NULL, "Starting charon-systemd IKE daemon%s", NOF),
    /* charon.c, 4.x (IKEv1 was pluto's then) */
    R(EV_DAEMON_START, NULL, "Starting IKEv2 charon daemon%s", NOF),

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
    /* %N%s: the mode and "_PROXY" (two conversions the matcher cannot
     * split: the value is both) */
    R(EV_CONF_KV, "CFG", "   mode = %s", MF_VALUE),
    R(EV_CONF_KV, "CFG", "   start_action = %N", MF_VALUE),
    R(EV_CONF_KV, "CFG", "  dpd_delay = %llu", MF_VALUE),
    R(EV_CONF_ADDED, "CFG", "added vici connection: %s", MF_NAME),
    R(EV_CONF_ADDED, "CFG", "replaced vici connection: %s", MF_NAME),
    R(EV_CONF_ADDED, "CFG", "updated vici connection: %s", MF_NAME),
    /* ---- stroke add-connection dump (stroke_socket.c, DBG2 CFG): an
     * ipsec.conf conn as the starter sent it, one "  key=value" line per
     * option set ("  %s=%s" up to 5.1.3, a macro of the same output since);
     * the keys the diagnosis reads, each its own row (a "%s=%s" row would
     * take any message with an '=' in it). ike= and esp= are keywords
     * ("aes256-sha256-modp2048!"), not the proposal format the lines of a
     * negotiation log, and are left to those lines. Ends with "added
     * configuration '%s'" (EV_STROKE_ADDED). */
    R(EV_STROKE_CONN, "CFG", "conn %s", MF_NAME),
    R(EV_STROKE_KV, "CFG", "  left=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  right=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  leftid=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  rightid=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  leftauth=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  rightauth=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  leftsubnet=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  rightsubnet=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  keyexchange=%s", MF_VALUE),
    R(EV_STROKE_KV, "CFG", "  aggressive=%s", MF_VALUE),
    /* stroke_config.c (DBG1): leftid is not in the certificate (subject or
     * subjectAltName), so the connection identifies as its subject */
    R(EV_STROKE_ID_DEFAULTED, "CFG", "  id '%Y' not confirmed by certificate, defaulting to '%Y'",
      MF_VALUE, MF_TEXT),
    /* stroke_cred.c: ipsec.secrets (and what it includes) */
    R(EV_SECRETS_REREAD, "CFG", "rereading secrets", NOF),
    R(EV_SECRET_LOADED, "CFG", "  loaded %N secret for %s", MF_TYPE, MF_TEXT),
    R(EV_SECRETS_FILE, "CFG", "loading secrets from '%s'", MF_VALUE),
    R(EV_SECRETS_UNREADABLE, "CFG", "opening secrets file '%s' failed: %s", MF_VALUE, MF_TEXT),
    R(EV_SECRETS_UNREADABLE, "CFG", "expanding file expression '%s' failed", MF_VALUE),
    /* stroke_cred.c: a syntax error in ipsec.secrets; charon stops reading
     * the file there, so the secrets after it are not loaded */
    R(EV_SECRETS_SYNTAX, "CFG", "line %d: missing ' : ' separator", MF_VALUE),
    R(EV_SECRETS_SYNTAX, "CFG", "line %d: missing token", MF_VALUE),
    R(EV_SECRETS_SYNTAX, "CFG", "line %d: malformed secret: %s", MF_VALUE, MF_TEXT),
    R(EV_SECRETS_SYNTAX, "CFG", "line %d: empty filename", MF_VALUE),
    R(EV_SECRETS_SYNTAX, "CFG", "line %d: token must be either %s", MF_VALUE, MF_TEXT),
    /* pem/sshkey builders (libstrongswan): the file of a key or certificate */
    R(EV_FILE_OPEN_FAILED, "LIB", "  opening '%s' failed: %s", MF_VALUE, MF_TEXT),
    /* socket_default_socket.c (5.0.1+), at start */
    /* eap_radius_plugin.c at start ("RADUIS" up to 5.0.3 and 5.8.4) */
    R(EV_RADIUS_CONFIG, "CFG", "no RADIUS server defined", NOF),
    R(EV_RADIUS_CONFIG, "CFG", "no RADUIS server defined", NOF),
    R(EV_RADIUS_CONFIG, "CFG", "no RADIUS secret defined", NOF),
    R(EV_RADIUS_CONFIG, "CFG", "no RADUIS secret defined", NOF),
    R(EV_RADIUS_CONFIG, "CFG", "RADIUS server '%s' misses address, skipped", MF_TEXT),
    R(EV_RADIUS_CONFIG, "CFG", "RADIUS server '%s' misses secret, skipped", MF_TEXT),
    R(EV_RADIUS_CONFIG, "CFG", "loading RADIUS server '%s' failed, skipped", MF_TEXT),
    R(EV_UDP_DECAP_FAILED, "NET", "enabling UDP decapsulation for %s on port %d failed", MF_VALUE, MF_SKIP),
    /* stroke_socket.c / stroke_config.c: a connection of ipsec.conf being
     * added, and a proposal string of it refused (5.x from about 5.5 on
     * refuse the whole connection then: "no config named" follows) */
    R(EV_STROKE_ADD_CONN, "CFG", "received stroke: add connection '%s'", MF_NAME),
    R(EV_STROKE_ADDED, "CFG", "added configuration '%s'", MF_NAME),
    R(EV_STROKE_ADDED, "CFG", "added child to existing configuration '%s'", MF_NAME),
    R(EV_PROPOSAL_SKIPPED, "CFG", "skipped invalid proposal string: %s", MF_VALUE),
    /* proposal.c (libcharon 5.5.1-5.6.1, libstrongswan 5.6.2+): why */
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "a PRF algorithm is mandatory in IKE proposals", NOF),
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "a DH group is mandatory in IKE proposals", NOF),
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "an encryption algorithm is mandatory in %N proposals", MF_SKIP),
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "classic and combined-mode (AEAD) encryption algorithms can't be contained in the same %N proposal", MF_SKIP),
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "an integrity algorithm is mandatory in %N proposals with classic (non-AEAD) encryption algorithms", MF_SKIP),
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "an integrity algorithm is mandatory in AH proposals", NOF),
    R(EV_PROPOSAL_PARSE_ERROR, "CFG", "algorithm '%s' not recognized", MF_VALUE),

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
    /* the SA is about to be replaced by a new one (deleted before or after
     * it): its delete closes no tunnel */
    R(EV_IKE_REAUTH, "IKE", "reauthenticating IKE_SA %s[%u]", MF_NAME, MF_ID),
    R(EV_IKE_REAUTH, "IKE", "reauthenticating IKE_SA %s[%u] actively", MF_NAME, MF_ID),
    R(EV_IKE_REKEY_FAILED, "IKE", "IKE_SA rekeying failed, trying again in %d seconds", MF_COUNT),
    R(EV_IKE_DELETED, "IKE", "IKE_SA deleted", NOF),

    /* ---- CHILD_SA --------------------------------------------------------- */
    /* quick_mode.c / child_create.c; "%#R=== %#R" <= 5.3.3. The SPIs (%.8x
     * in charon) are read as any text: a redacted or normalised SPI
     * ("xxxxxxxx_i", a test harness's "SPISPI_i") still says it is up. The
     * inbound SPI (MF_VALUE) tells a repeat of the line from a new SA. */
    R(EV_CHILD_ESTABLISHED, "IKE", "CHILD_SA %s{%u} established with SPIs %s_i %s_o and TS %#R === %#R",
      MF_CHILD, MF_CHILD_ID, MF_VALUE, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_CHILD_ESTABLISHED, "IKE", "CHILD_SA %s{%u} established with SPIs %s_i %s_o and TS %#R=== %#R",
      MF_CHILD, MF_CHILD_ID, MF_VALUE, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    /* "%sCHILD_SA ..." 5.5.3+: "inbound " on a rekey responder */
    R(EV_CHILD_ESTABLISHED, "IKE", "inbound CHILD_SA %s{%u} established with SPIs %s_i %s_o and TS %#R === %#R",
      MF_CHILD, MF_CHILD_ID, MF_VALUE, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_CHILD_STATE, NULL, "CHILD_SA %s{%u} state change: %N => %N", MF_CHILD, MF_CHILD_ID, MF_FROM, MF_TO),
    /* ike_sa_manager.c check_uniqueness: logged in the duplicate's (the old
     * SA's) context, which it checks out */
    R(EV_UNIQUE_REPLACED, "IKE", "deleting duplicate IKE_SA for peer '%Y' due to uniqueness policy", MF_RID),
    R(EV_UNIQUE_REPLACED, "IKE", "destroying duplicate IKE_SA for peer '%Y', received INITIAL_CONTACT", MF_RID),
    R(EV_UNIQUE_REAUTH, "IKE", "schedule delete of duplicate IKE_SA for peer '%Y' due to uniqueness policy and suspected reauthentication",
      MF_RID),
    R(EV_CHILD_DELETE_RECV, "IKE", "received DELETE for %N CHILD_SA with SPI %.8x", MF_TYPE, MF_VALUE),
    R(EV_CHILD_DELETE_SEND, "IKE", "sending DELETE for %N CHILD_SA with SPI %.8x", MF_TYPE, MF_VALUE),
    R(EV_CHILD_INACTIVE, "JOB", "deleting CHILD_SA after %d seconds of inactivity", MF_COUNT),
    R(EV_IKE_INACTIVE, "JOB", "deleting IKE_SA after %d seconds of CHILD_SA inactivity", MF_COUNT),
    R(EV_CHILD_CLOSING, "IKE", "closing CHILD_SA %s{%u} with SPIs %s_i (%llu bytes) %s_o (%llu bytes) and TS %#R === %#R",
      MF_CHILD, MF_CHILD_ID, MF_SKIP, MF_SKIP, MF_SKIP, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_CHILD_CLOSING, "IKE", "closing CHILD_SA %s{%u} with SPIs %s_i (%llu bytes) %s_o (%llu bytes) and TS %#R=== %#R",
      MF_CHILD, MF_CHILD_ID, MF_SKIP, MF_SKIP, MF_SKIP, MF_SKIP, MF_TS_LOCAL, MF_TS_REMOTE),  /* <= 5.3.3 */
    R(EV_CHILD_REKEY_FAILED, "IKE", "CHILD_SA rekeying failed, trying again in %d seconds", MF_COUNT),
    /* child_create.c build_i: 5.6.0+ with {id}, <= 5.5.3 name only */
    R(EV_ESTABLISHING_CHILD, "IKE", "establishing CHILD_SA %s{%u} reqid %d", MF_CHILD, MF_CHILD_ID, MF_SKIP),
    R(EV_ESTABLISHING_CHILD, "IKE", "establishing CHILD_SA %s{%u}", MF_CHILD, MF_CHILD_ID),
    R(EV_ESTABLISHING_CHILD, "IKE", "establishing CHILD_SA %s", MF_CHILD),
    R(EV_CHILD_CREATE_RETRY, "IKE", "creating CHILD_SA failed, trying again in %d seconds", MF_COUNT),

    /* ---- packets and message summaries -------------------------------------- */
    R(EV_PACKET_RECV, "NET", "received packet: from %#H to %#H (%zu bytes)", MF_RHOST, MF_LHOST, MF_SKIP),
    R(EV_PACKET_RECV, "NET", "received packet: from %#H to %#H", MF_RHOST, MF_LHOST),  /* <= 5.0.1 */
    R(EV_PACKET_SEND, "NET", "sending packet: from %#H to %#H (%zu bytes)", MF_LHOST, MF_RHOST, MF_VALUE),
    /* isakmp_vendor.c (received at level 1, sending at 2): IKEv1 announces
     * fragmentation by vendor ID (FRAGMENTATION); ike_vendor.c's IKEv2 ones
     * read the same */
    R(EV_VENDOR_ID, "IKE", "received %s vendor ID", MF_VALUE),
    R(EV_VENDOR_ID, "IKE", "sending %s vendor ID", MF_VALUE),
    R(EV_PACKET_SEND, "NET", "sending packet: from %#H to %#H", MF_LHOST, MF_RHOST),
    /* receiver.c (all versions): a message of an IKE version this charon
     * does not speak (IKEv1 in a build without it), refused unread */
    R(EV_VERSION_UNSUPPORTED, "NET", "received unsupported IKE version %d.%d from %H, sending INVALID_MAJOR_VERSION",
      MF_VALUE, MF_SKIP, MF_RHOST),
    /* ike_sa.c (all versions): an IKE_SA of a version this build leaves out
     * (IKEv1 with configure --disable-ikev1, as Debian's 6.1 packages are)
     * cannot even be created: this end initiating such a connection */
    R(EV_VERSION_NOT_BUILT, "IKE", "IKE version %d not supported", MF_VALUE),
    /* process_message_job.c (all versions): an IKEv2 INFORMATIONAL (IKEv1's
     * is INFORMATIONAL_V1) without encrypted payload, in no SA's context:
     * an IKEv2-only peer's INVALID_MAJOR_VERSION answer to an IKEv1 request */
    R(EV_UNENCRYPTED_INFO, "NET", "received unencrypted informational: from %#H to %#H", MF_RHOST,
      MF_LHOST),
    /* receiver.c (DoS protection): a new peer's first message (IKE_SA_INIT,
     * Main or Aggressive Mode message 1) dropped unanswered, before any
     * IKE_SA exists, because a limit of this end is reached: the global
     * half-open limit (charon.init_limit_half_open; "count of %d exceeds"
     * up to 5.9.5), the per-IP one (charon.block_threshold; "peer too
     * aggressive" up to 5.9.5), the job queue (charon.init_limit_job_load);
     * ike_sa_manager.c: the IKE_SA count (charon.ikesa_limit, 5.0.2+) */
    R(EV_SETUP_DROPPED_PER_IP, "NET", "ignoring IKE_SA setup from %H, per-IP half-open IKE_SA limit of %d reached",
      MF_RHOST, MF_VALUE),
    R(EV_SETUP_DROPPED_PER_IP, "NET", "ignoring IKE_SA setup from %H, peer too aggressive", MF_RHOST),
    R(EV_SETUP_DROPPED_HALF_OPEN, "NET", "ignoring IKE_SA setup from %H, half-open IKE_SA limit of %d reached",
      MF_RHOST, MF_VALUE),
    R(EV_SETUP_DROPPED_HALF_OPEN, "NET", "ignoring IKE_SA setup from %H, half open IKE_SA count of %d exceeds limit of %d",
      MF_RHOST, MF_COUNT, MF_VALUE),
    R(EV_SETUP_DROPPED_JOB_LOAD, "NET", "ignoring IKE_SA setup from %H, job load of %d exceeds limit of %d",
      MF_RHOST, MF_COUNT, MF_VALUE),
    R(EV_SETUP_DROPPED_IKESA_LIMIT, "MGR", "ignoring %N, hitting IKE_SA limit (%u)", MF_TEXT, MF_VALUE),
    /* socket_default / socket_dynamic: the kernel refused the packet just sent */
    R(EV_SEND_ERROR, "NET", "error writing to socket: %s", MF_TEXT),
    R(EV_NO_SOCKET, "NET", "no socket implementation registered, sending failed", NOF),
    /* MOBIKE (ike_sa.c, task_manager_v2.c): this end has no route to the
     * peer any more (its network went away), so the SA waits for one */
    R(EV_NO_ROUTE_TO_PEER, "IKE", "no route found to reach %H, MOBIKE update deferred", MF_RHOST),
    R(EV_NO_ROUTE_TO_PEER, "IKE", "no route found to reach peer, MOBIKE update deferred", NOF),  /* 5.2.1+ */
    R(EV_NO_ROUTE_TO_PEER, "IKE", "no route found to reach peer, path probing deferred", NOF),   /* 5.2.1+ */
    /* generator.c, parser.c, message.c at ENC level 2 and up (pfSense's
     * "Diag" for Encoding, or "Highest" everywhere): the encoder's trace of
     * each payload, dozens of lines per message, which the two rows after
     * them would read as a message generated or parsed */
    R(EV_NONE, "ENC", "generating payload of type %N", MF_SKIP),
    R(EV_NONE, "ENC", "  generating rule %d LIST of %N", MF_SKIP, MF_SKIP),  /* 6.0.0+ */
    R(EV_NONE, "ENC", "  generating rule %d %N", MF_SKIP, MF_SKIP),
    R(EV_NONE, "ENC", "generating %N payload finished", MF_SKIP),
    R(EV_NONE, "ENC", "parsed a %N %s header", MF_SKIP, MF_SKIP),
    R(EV_NONE, "ENC", "parsed content of encrypted payload", NOF),   /* 5.2.1+ */
    R(EV_NONE, "ENC", "parsed content of encryption payload", NOF),  /* <= 5.2.0 */
    R(EV_GENERATING, "ENC", "generating %s", MF_TEXT),
    R(EV_PARSED, "ENC", "parsed %s", MF_TEXT),

    /* ---- NAT ----------------------------------------------------------------- */
    R(EV_NAT_REMOTE, "IKE", "remote host is behind NAT", NOF),
    R(EV_NAT_LOCAL, "IKE", "local host is behind NAT, sending keep alives", NOF),
    R(EV_NAT_FAKE, "IKE", "faking NAT situation to enforce UDP encapsulation", NOF),

    /* ---- authentication outcome lines --------------------------------------------- */
    R(EV_AUTH_MYSELF, "IKE", "authentication of '%Y' (myself) with %N successful", MF_LID, MF_TYPE),
    /* pubkey_authenticator.c "... with %N %s": "failed" when signing fails */
    R(EV_AUTH_MYSELF_FAILED, "IKE", "authentication of '%Y' (myself) with %N failed", MF_LID, MF_TYPE),
    R(EV_AUTH_MYSELF, "IKE", "authentication of '%Y' (myself) with %N", MF_LID, MF_TYPE),
    R(EV_AUTH_MYSELF_OK, "IKE", "authentication of '%Y' (myself) successful", MF_LID),  /* v1 pubkey */
    R(EV_AUTH_MYSELF_FAILED, "IKE", "authentication of '%Y' (myself) failed", MF_LID),
    R(EV_AUTH_PEER_OK, "IKE", "authentication of '%Y' with %N successful", MF_RID, MF_TYPE),
    R(EV_XAUTH_FAILED, "IKE", "XAuth authentication of '%Y' (myself) failed", MF_LID),
    R(EV_XAUTH_FAILED, "IKE", "XAuth authentication of '%Y' failed", MF_RID),
    /* the round passed: the server names the user (a constraint on the
     * connection may still refuse it: "selected peer config '%s' unacceptable") */
    R(EV_XAUTH_OK, "IKE", "XAuth authentication of '%Y' (myself) successful", MF_LID),
    R(EV_XAUTH_OK, "IKE", "XAuth authentication of '%Y' successful", MF_RID),
    /* xauth-generic, the server's side: the user's secret is missing or
     * the password given does not match it */
    R(EV_XAUTH_NO_SECRET, "IKE", "no XAuth secret found for '%Y' - '%Y'", MF_LID, MF_RID),
    /* OPNsense's xauth-script plugin (not upstream): the script itself failed */
    R(EV_XAUTH_SCRIPT_FAILED, "IKE", "XAUTH-SCRIPT failed to execute script '%s'.", MF_TEXT),
    R(EV_XAUTH_FAILED, "IKE", "none of %d found XAuth secrets for '%Y' - '%Y' matched", MF_SKIP, MF_LID, MF_RID),
    R(EV_XAUTH_CLIENT_NO_SECRET, "IKE", "no XAuth %s found for '%Y' - '%Y'", MF_SKIP, MF_LID, MF_RID),  /* 5.1.1+, the client */
    R(EV_XAUTH_FAILED, "IKE", "peer did not respond to our XAuth request", NOF),
    /* ikev1 main_mode.c / aggressive_mode.c, an initiator starting: its
     * connection's authentication is no IKEv1 method */
    R(EV_V1_AUTH_UNSUPPORTED, "CFG", "configuration uses unsupported authentication", NOF),
    /* eap_radius_xauth.c (5.1.1+): the round's attribute (X_PWD, ...) */
    R(EV_XAUTH_FAILED, "IKE", "peer did not respond to our XAuth %N request", MF_SKIP),

    /* ---- configuration selection ------------------------------------------------------ */
    /* ike_auth.c update_cfg_candidates: unacceptable 5.7.0+, inacceptable 5.0.3-5.6.3 */
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' unacceptable: %s", MF_NAME, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' inacceptable: %s", MF_NAME, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' inacceptable", MF_NAME),
    /* ikev1 xauth.c (5.7.0+): after the XAuth round, a constraint failed */
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "selected peer config '%s' unacceptable", MF_NAME),
    R(EV_SELECTED_PEER_CFG, "CFG", "selected peer config \"%s\"", MF_NAME),  /* v1 phase1.c */
    /* backend_manager.c at level 2, each peer config that matches the
     * addresses (and, once known, the identities) */
    R(EV_PEER_CANDIDATE, "CFG", "  candidate \"%s\", match: %d/%d/%d (me/other/ike)", MF_NAME, MF_SKIP,
      MF_SKIP, MF_SKIP),
    R(EV_PEER_CANDIDATE, "CFG", "  candidate \"%s\", match: %d/%d/%d/%d (me/other/ike/version)", MF_NAME,
      MF_SKIP, MF_SKIP, MF_SKIP, MF_SKIP),  /* 5.0.0-5.0.1 */
    /* backend_manager.c at level 3, per candidate config: the identity the peer sent, typed */
    R(EV_REMOTE_ID_MATCH, "CFG", "  remote id match: %d (%N: %#B)", MF_SKIP, MF_TYPE, MF_VALUE),
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
    /* the crypto plugins (openssl, gmp, curve25519, ...): the peer's public value does not fit the
     * group; ike_init then fails to apply it */
    R(EV_KE_MALFORMED, "LIB", "ECDH public value is malformed", NOF),
    R(EV_KE_MALFORMED, "LIB", "ECDH public value is invalid", NOF),
    R(EV_KE_MALFORMED, "LIB", "DH public value is malformed", NOF),
    R(EV_KE_MALFORMED, "LIB", "DH public key value invalid", NOF),
    R(EV_KE_MALFORMED, "LIB", "%N public value is malformed", MF_TYPE),
    R(EV_KE_MALFORMED, "IKE", "applying DH public value failed", NOF),        /* <= 5.9.14 */
    R(EV_KE_MALFORMED, "IKE", "applying KE public value failed", NOF),        /* 6.0 */
    R(EV_KE_MALFORMED, "IKE", "applying key exchange public value failed", NOF),
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
    R(EV_NOT_ENCRYPTED, "ENC", "payload type %N was not encrypted", MF_TYPE),
    /* ike_auth.c, ike_init.c, main_mode.c, phase1.c, ... (all versions): an
     * answer without a payload charon needs (a bare error notify, as 6.0.1's
     * IKE_AUTH [ N(NO_PROP) ] or an INVALID_SYNTAX to IKE_INTERMEDIATE):
     * evidence beside the notify that tells why */
    R(EV_PAYLOAD_MISSING, "IKE", "%s payload missing in message", MF_TYPE),
    R(EV_PAYLOAD_MISSING, "IKE", "%s payload missing", MF_TYPE),
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
    R(EV_CERT_ID_UNCONFIRMED, "CFG", "constraint check failed: certificate does not confirm identity '%Y' (%N)",
      MF_VALUE, MF_SKIP),  /* 5.9.14+ */
    R(EV_CERT_CA_REQUIRED, "CFG", "constraint check failed: peer not authenticated by CA '%Y'.", MF_VALUE),  /* <= 5.3.2 */
    R(EV_CERT_CA_REQUIRED, "CFG", "constraint check failed: peer not authenticated by CA '%Y'", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: peer not authenticated with peer cert '%Y'.", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: peer not authenticated with peer cert '%Y'", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "constraint check failed: %N is %N, but requires at least %N", MF_TYPE, MF_VALUE, MF_SKIP),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint requires %N authentication, but %N was used", MF_TYPE, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint requires %N, but %N was used", MF_TYPE, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint requires EAP vendor %d, but %d was used", MF_TYPE, MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint requires cert policy %s", MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint check failed: group membership to '%Y' required", MF_TEXT),
    R(EV_PEER_CFG_UNACCEPTABLE, "CFG", "constraint check failed: group membership required", NOF),
    /* the peer signed with a scheme (or key strength) this end's remote
     * auth constraint (pubkey-sha256, ike:...) does not accept */
    R(EV_SIG_SCHEME_REFUSED, "CFG", "%s signature scheme %N not acceptable", MF_TYPE, MF_VALUE),  /* 5.4+ */
    R(EV_SIG_SCHEME_REFUSED, "CFG", "signature scheme %N not acceptable", MF_VALUE),
    R(EV_SIG_SCHEME_REFUSED, "CFG", "%s-%d signatures not acceptable", MF_VALUE, MF_TEXT),

    /* ---- certificates (§2.11) -------------------------------------------------------------- */
    R(EV_CERT_FAILURE, "IKE", "no trusted %N public key found for '%Y'", MF_TYPE, MF_RID),
    R(EV_CERT_FAILURE, "CFG", "no issuer certificate found for \"%Y\"", MF_VALUE),
    R(EV_CERT_ISSUER, "CFG", "  issuer is \"%Y\"", MF_VALUE),
    /* credential_manager.c, the chain of the peer's certificate as it is
     * checked (every certificate authentication logs it): the CA a
     * following "issuer certificate invalid" is about */
    R(EV_CERT_CHAIN_CA, "CFG", "  using trusted ca certificate \"%Y\"", MF_VALUE),
    R(EV_CERT_CHAIN_CA, "CFG", "  using trusted intermediate ca certificate \"%Y\"", MF_VALUE),
    R(EV_CERT_CHAIN_CA, "CFG", "  using untrusted intermediate certificate \"%Y\"", MF_VALUE),
    R(EV_CERT_FAILURE, "CFG", "  self-signed certificate \"%Y\" is not trusted", MF_VALUE),
    /* "%s certificate invalid (valid from %T to %T)", %s = subject|issuer */
    R(EV_CERT_SUBJECT_DATES, "CFG", "subject certificate invalid (valid from %T to %T)", MF_FROM, MF_TO),
    R(EV_CERT_ISSUER_DATES, "CFG", "issuer certificate invalid (valid from %T to %T)", MF_FROM, MF_TO),
    R(EV_CERT_REVOKED, "CFG", "certificate was revoked on %T, reason: %N", MF_VALUE, MF_TEXT),
    R(EV_CERT_FAILURE, "CFG", "maximum path length of %d exceeded", MF_COUNT),
    R(EV_CERT_FAILURE, "TLS", "no trusted certificate found for '%Y' to verify TLS peer", MF_VALUE),  /* EAP-TLS, EAP-PEAP, EAP-TTLS */
    R(EV_CERT_FAILURE, "IKE", "rejecting certificate without digitalSignature or nonRepudiation keyUsage flags", NOF),
    R(EV_NO_PRIVATE_KEY, "IKE", "no private key found for '%Y'", MF_LID),
    R(EV_NO_PRIVATE_KEY, "IKE", "no %N private key found for '%Y'", MF_TYPE, MF_LID),
    R(EV_SEND_CERT, "IKE", "sending end entity cert \"%Y\"", MF_LID),
    R(EV_PEER_CERT, "IKE", "received end entity cert \"%Y\"", MF_VALUE),
    R(EV_UNKNOWN_CA_REQ, "IKE", "received cert request for unknown ca with keyid %Y", MF_VALUE),
    R(EV_UNKNOWN_CA_REQ, "IKE", "received cert request for unknown ca '%Y'", MF_VALUE),
    R(EV_UNKNOWN_CA_REQ, "IKE", "received %u cert requests for an unknown ca", MF_COUNT),

    /* ---- EAP ---------------------------------------------------------------------------------- */
    R(EV_EAP_FAILED, "IKE", "EAP method %N failed for peer %Y", MF_TYPE, MF_RID),
    R(EV_EAP_SUCCEEDED, "IKE", "EAP method %N succeeded, %sMSK established", MF_TYPE, MF_TEXT),
    /* eap_authenticator.c: the method, and a client that refuses it */
    R(EV_EAP_METHOD, "IKE", "server requested %N authentication (id 0x%02X)", MF_TYPE, MF_SKIP),
    R(EV_EAP_METHOD, "IKE", "initiating %N method (id 0x%02X)", MF_TYPE, MF_SKIP),
    /* the server's side: who the EAP client says it is */
    R(EV_EAP_USER, "IKE", "received EAP identity '%Y'", MF_RID),
    R(EV_EAP_USER, "IKE", "EAP-MS-CHAPv2 username: '%Y'", MF_RID),
    R(EV_EAP_NAK_SENT, "IKE", "EAP method not supported, sending EAP_NAK", NOF),
    R(EV_EAP_NAK_SENT, "IKE", "requesting %N authentication, sending EAP_NAK", MF_VALUE),
    R(EV_EAP_NAK_SENT, "IKE", "requesting EAP method %d-%N, sending EAP_NAK", MF_SKIP, MF_VALUE),
    R(EV_EAP_NAK_SENT, "IKE", "%N not supported, sending EAP_NAK", MF_TYPE),
    R(EV_EAP_IDENTITY_SENT, "IKE", "server requested %N (id 0x%02X), sending '%Y'", MF_TYPE, MF_SKIP, MF_LID),
    R(EV_EAP_NAK_RECEIVED, "IKE", "received EAP_NAK, sending EAP_FAILURE", NOF),
    R(EV_EAP_FAILED, "IKE", "EAP vendor specific method %d-%N failed for peer %Y", MF_SKIP, MF_TYPE, MF_RID),
    R(EV_EAP_FAILED, "IKE", "RADIUS authentication of '%Y' failed", MF_RID),
    /* libradius (radius_client.c, radius_socket.c, radius_message.c):
     * the EAP or XAuth server's exchange with its RADIUS server, in the
     * IKE_SA's context. A fault here fails the user before any credential
     * is checked. */
    R(EV_RADIUS_SENT, "CFG", "sending RADIUS %N to server '%s'", MF_TYPE, MF_TEXT),
    R(EV_RADIUS_ANSWER, "CFG", "received RADIUS %N from server '%s'", MF_TYPE, MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "receiving RADIUS message failed: %s", MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "sending RADIUS message failed: %s", MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "waiting for RADIUS message failed: %s", MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "resolving RADIUS server address '%s' failed", MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "opening RADIUS socket for %#H failed: %s", MF_SKIP, MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "connecting RADIUS socket to %#H failed: %s", MF_SKIP, MF_TEXT),
    R(EV_RADIUS_UNREACHABLE, "CFG", "binding RADIUS socket to %H failed: %s", MF_SKIP, MF_TEXT),
    R(EV_RADIUS_TIMEOUT, "CFG", "RADIUS %N timed out after %d attempts", MF_TYPE, MF_COUNT),
    R(EV_RADIUS_TIMEOUT, "CFG", "RADIUS %N timed out after %d retransmits", MF_TYPE, MF_COUNT), /* 5.0.1-5.3.x */
    R(EV_RADIUS_TIMEOUT, "CFG", "RADIUS server is not responding", NOF), /* 5.0.0 */
    R(EV_RADIUS_SECRET, "CFG", "RADIUS Response-Authenticator verification failed", NOF),
    R(EV_RADIUS_SECRET, "CFG", "RADIUS Message-Authenticator verification failed", NOF),
    R(EV_RADIUS_INVALID, "CFG", "received invalid RADIUS message, ignored", NOF),
    R(EV_RADIUS_INVALID, "CFG", "RADIUS Message-Authenticator attribute missing", NOF),
    R(EV_RADIUS_INVALID, "CFG", "RADIUS Message-Authenticator invalid length", NOF),
    R(EV_RADIUS_INVALID, "IKE", "RADIUS message truncated", NOF),
    R(EV_RADIUS_INVALID, "IKE", "RADIUS message has invalid length", NOF),
    R(EV_EAP_FAILED, "IKE", "EAP-MS-CHAPv2 verification failed: maximum number of retries reached", NOF),
    R(EV_EAP_FAILED, "IKE", "EAP-MS-CHAPv2 verification failed", NOF),
    /* eap_mschapv2.c: this charon lacks what MS-CHAPv2 computes with (MD4
     * and DES are in OpenSSL 3's legacy provider only) */
    R(EV_EAP_CRYPTO_MISSING, "IKE", "EAP-MS-CHAPv2 failed, no MD4 hasher available", NOF),
    R(EV_EAP_CRYPTO_MISSING, "IKE", "EAP-MS-CHAPv2 failed, DES-ECB not supported", NOF),
    R(EV_EAP_CRYPTO_MISSING, "IKE", "EAP-MS-CHAPv2 failed, SHA1 not supported", NOF),
    R(EV_EAP_RETRY, "IKE", "EAP-MS-CHAPv2 verification failed, retry (%d)", MF_COUNT),
    /* eap_authenticator.c, the EAP server: "%s %N method failed", %s being
     * "loading" (no plugin provides the method) or "initiating" */
    R(EV_EAP_METHOD_UNLOADABLE, "IKE", "loading %N method failed", MF_TYPE),
    R(EV_EAP_METHOD_UNLOADABLE, "IKE", "loading EAP vendor type %d-%N method failed", MF_SKIP, MF_TYPE),
    R(EV_EAP_FAILED, "IKE", "initiating %N method failed", MF_TYPE),
    R(EV_EAP_FAILED, "IKE", "%N method failed", MF_TYPE),  /* eap_authenticator.c: "EAP_MSCHAPV2 method failed" */
    R(EV_EAP_FAILED, "IKE", "EAP-MS-CHAPv2 failed with error %N: '%s'", MF_TYPE, MF_TEXT),
    R(EV_EAP_FAILED, "IKE", "verification of AUTH payload with%s EAP MSK failed", MF_SKIP),
    /* the selected config does not authenticate the peer by EAP: another
     * is tried ("switching to peer config", "no alternative config found") */
    R(EV_EAP_CFG_UNACCEPTABLE, "IKE", "peer requested EAP, config unacceptable", NOF),  /* 5.7.0+ */
    R(EV_EAP_CFG_UNACCEPTABLE, "IKE", "peer requested EAP, config inacceptable", NOF),  /* <= 5.6.3 */
    R(EV_EAP_FAILED, "IKE", "no EAP key found for hosts '%Y' - '%Y'", MF_LID, MF_RID),
    R(EV_EAP_FAILED, "IKE", "EAP-only authentication requires a mutual and MSK deriving EAP method, but %N is not",
      MF_TYPE),

    /* ---- retransmits, timeouts, DPD (§2.10) ----------------------------------------------------- */
    R(EV_RETRANSMIT_V2, "IKE", "retransmit %d of request with message ID %d", MF_COUNT, MF_MSGID),
    R(EV_RETRANSMIT_V1, "IKE", "sending retransmit %u of %s message ID %u, seq %u", MF_COUNT, MF_TEXT, MF_MSGID, MF_SKIP),
    R(EV_GIVING_UP, "IKE", "giving up after %d retransmits", MF_COUNT),
    R(EV_PEER_NOT_RESPONDING, "IKE", "establishing IKE_SA failed, peer not responding", NOF),
    R(EV_PEER_RETRY, "IKE", "peer not responding, trying again (%d/%d)", MF_COUNT, MF_SKIP),
    /* the remote gateway is a host name that does not resolve (DNS) */
    R(EV_RESOLVE_FAILED, "IKE", "unable to resolve %s, initiate aborted", MF_TEXT),
    /* stroke_control.c (ipsec up, GUIs); swanctl's console answer from vici */
    R(EV_NO_CONFIG_NAMED, "CFG", "no config named '%s'", MF_NAME),
    /* charon's crash handler (segv_handler), and the starter watching it */
    R(EV_DAEMON_CRASH, "DMN", "thread %u received %d", MF_SKIP, MF_VALUE),
    R(EV_DAEMON_CRASH, "DMN", "killing ourself, received critical signal", NOF),
    /* backtrace.c, after "dumping %d stack frame addresses:": a frame, its
     * library and, where known, its function ("KeccakP1600_Initialize+0x0") */
    R(EV_CRASH_FRAME, "LIB", "  %s @ %s (%s) [%s]", MF_VALUE, MF_SKIP, MF_TEXT, MF_SKIP),
    R(EV_CRASH_FRAME, "LIB", "  %s @ %s [%s]", MF_VALUE, MF_SKIP, MF_SKIP),
    R(EV_DAEMON_CRASH, NULL, "charon has died -- restart scheduled (%dsec)", MF_SKIP),
    R(EV_DAEMON_CRASH, NULL, "child %d (charon) has been killed by sig %d", MF_SKIP, MF_VALUE),
    R(EV_DAEMON_INIT_FAILED, "DMN", "initialization failed - aborting %s", MF_SKIP),
    R(EV_DAEMON_INIT_FAILED, NULL, "charon has quit: initialization failed", NOF),
    R(EV_DAEMON_GAVE_UP, NULL, "charon refused to be started", NOF),
    /* the starter (ipsec start), after charon wrote its pid file */
    R(EV_DAEMON_STARTED, NULL, "charon (%d) started after %d ms", MF_SKIP, MF_VALUE),
    /* plugin_loader.c (all versions): dlopen's own error, e.g. a symbol
     * the library it was built against has and this one lacks */
    R(EV_PLUGIN_LOAD_FAILED, "LIB", "plugin '%s' failed to load: %s", MF_NAME, MF_TEXT),
    /* charon.c check_pidfile: the pid file's path is compiled in ('...' 5.9+, "..." before) */
    R(EV_DAEMON_RUNNING, "DMN", "charon already running ('%s' exists)", MF_VALUE),
    R(EV_DAEMON_RUNNING, "DMN", "charon already running (\"%s\" exists)", MF_VALUE),
    /* NetworkManager's own line when its strongSwan plugin cannot run
     * charon-nm (the program is not where the plugin was built to find it) */
    R(EV_DAEMON_EXEC_FAILED, NULL, "%s: failure to start VPN service: Failed to execute child process %s (%s)",
      MF_SKIP, MF_VALUE, MF_TEXT),
    R(EV_DAEMON_INIT_CAUSE, "LIB", "feature %s in critical plugin '%s' has unmet dependency: %s", MF_SKIP, MF_NAME, MF_TEXT),
    R(EV_DAEMON_INIT_FAILED, "LIB", "failed to load %d critical plugin feature%s", MF_COUNT, MF_SKIP),
    R(EV_NETLINK_UNAVAILABLE, "KNL", "unable to create netlink socket: %s (%d)", MF_TEXT, MF_SKIP),  /* 5.5.0+ */
    R(EV_NETLINK_UNAVAILABLE, "KNL", "unable to create netlink socket", NOF),
    /* credentials and connections that did not load: charon's stroke
     * plugin at start (reread), and swanctl --load-all's own output */
    R(EV_CRED_LOAD_FAILED, "CFG", "  ca certificate \"%Y\" lacks ca basic constraint, discarded", MF_VALUE),
    R(EV_CRED_LOAD_FAILED, "CFG", "  ca certificate \"%Y\" misses ca basic constraint, discarded", MF_VALUE),  /* <= 5.3.2 */
    R(EV_CRED_LOAD_FAILED, "CFG", "  loading ca certificate from '%s' failed", MF_VALUE),
    R(EV_CRED_LOAD_FAILED, "CFG", "  loading certificate from '%s' failed", MF_VALUE),
    R(EV_CRED_LOAD_FAILED, "CFG", "  loading crl from '%s' failed", MF_VALUE),
    R(EV_CRED_LOAD_FAILED, NULL, "loading '%s' failed: %s", MF_VALUE, MF_TEXT),
    R(EV_CRED_LOAD_FAILED, NULL, "loading %s certificate '%s' failed: %s", MF_SKIP, MF_VALUE, MF_TEXT),
    R(EV_KEY_LOAD_FAILED, "CFG", "  loading private key from '%s' failed", MF_VALUE),
    /* the Android app (android_creds.c): the key of the user certificate
     * from the system's KeyChain (older releases end it with a period) */
    R(EV_KEY_LOAD_FAILED, "CFG", "failed to load private key", NOF),
    R(EV_KEY_LOAD_FAILED, "CFG", "failed to load private key.", NOF),
    R(EV_CRED_LOAD_FAILED, "CFG", "failed to load user certificate", NOF),
    /* x509 / openssl plugins: a certificate with a critical extension the
     * parser does not know is refused (RFC 5280), before stroke's or
     * swanctl's "loading ... failed" names the file */
    R(EV_CERT_PARSE_CAUSE, "LIB", "found unsupported critical X.509 extension: %s", MF_TEXT),
    R(EV_KEY_LOAD_FAILED, "CFG", "line %d: malformed passphrase: %s", MF_SKIP, MF_TEXT),
    /* credential_factory.c: every builder refused the file (written before stroke's line) */
    R(EV_KEY_LOAD_FAILED, "LIB", "building CRED_PRIVATE_KEY - %N failed, tried %d builders", MF_TYPE, MF_SKIP),
    R(EV_CONN_LOAD_FAILED, NULL, "loading connection '%s' failed: %s", MF_NAME, MF_TEXT),
    R(EV_TRAP_NOT_FOUND, "CFG", "trap not found, unable to acquire reqid %d", MF_VALUE),
    R(EV_TRAP_NOT_FOUND, "KNL", "received an SADB_ACQUIRE with policy id %d but no matching policy found", MF_SKIP),
    R(EV_NO_CONFIG_NAMED, NULL, "initiate failed: %s config '%s' not found", MF_SKIP, MF_NAME),
    /* ike_sa.c reestablish(): only an IKE_SA that was established restarts
     * its CHILD_SAs (DPD or close action restart after it died) */
    R(EV_RESTARTING_CHILD, "IKE", "restarting CHILD_SA %s", MF_CHILD),
    R(EV_RESOLVE_FAILED, "IKE", "unable to resolve %s, retrying in %ds", MF_TEXT, MF_SKIP),
    R(EV_REKEY_NOT_RESPONDING, "IKE", "rekeying IKE_SA failed, peer not responding", NOF),
    R(EV_REKEY_NOT_RESPONDING, "IKE", "proper IKE_SA delete failed, peer not responding", NOF),
    R(EV_REKEY_NOT_RESPONDING, "IKE", "reauthentication failed, trying to reestablish IKE_SA", NOF),
    R(EV_DPD_REQUEST, "IKE", "sending DPD request", NOF),
    R(EV_DPD_TIMEOUT, NULL, "DPD check timed out, enforcing DPD action", NOF),
    /* delete_ike_sa_job.c: 6.0.6+ / 5.5.2-6.0.5 / <= 5.5.1 */
    R(EV_HALF_OPEN_TIMEOUT, NULL, "deleting half open IKE_SA %s[%u] with %H after timeout", MF_NAME, MF_ID, MF_RHOST),
    R(EV_HALF_OPEN_TIMEOUT, NULL, "deleting half open IKE_SA with %H after timeout", MF_RHOST),
    /* the peer sends its request again though this end answered it: the
     * answers do not reach the peer (IKEv1 logs the same words with %u) */
    R(EV_PEER_RETRANSMIT, "IKE", "received retransmit of request with ID %d, retransmitting response", MF_MSGID),
    /* task_manager_v2.c: a request whose message ID is neither the next
     * one nor the last one's retransmit is ignored: the ends are out of
     * step (5.5.2+ / 5.0.0-5.5.1) */
    R(EV_MSGID_MISMATCH, "IKE", "received message ID %d, expected %d, ignored", MF_MSGID, MF_VALUE),
    R(EV_MSGID_MISMATCH, "IKE", "received message ID %d, expected %d. Ignored", MF_MSGID, MF_VALUE),
    /* kernel_netlink_net.c and kernel_pfroute_net.c (pfSense, BSD): an
     * address of this host went away or came (a WAN renumbered, an
     * interface down, a CARP VIP moved) */
    R(EV_ADDR_GONE, "KNL", "%H disappeared from %s", MF_LHOST, MF_TEXT),
    R(EV_ADDR_BACK, "KNL", "%H appeared on %s", MF_LHOST, MF_TEXT),
    R(EV_HALF_OPEN_TIMEOUT, NULL, "deleting half open IKE_SA after timeout", NOF),

    /* ---- virtual IPs: the responder's pool or DHCP server, the initiator's install ------------ */
    /* ike_config.c (v2) and mode_config.c (v1); "sending %N" is INTERNAL_ADDRESS_FAILURE
     * or FAILED_CP_REQUIRED */
    R(EV_VIP_NOT_FOUND_FOR, "IKE", "no virtual IP found for %H requested by '%Y'", MF_VALUE, MF_RID),
    R(EV_VIP_ASSIGNED, "IKE", "assigning virtual IP %H to peer '%Y'", MF_VALUE, MF_RID),
    R(EV_VIP_NOT_FOUND, "IKE", "no virtual IP found, sending %N", MF_NOTIFY),
    R(EV_VIP_NOT_FOUND, "IKE", "no virtual IP found, sending empty config payload", NOF), /* v1 */
    R(EV_VIP_NOT_REQUESTED, "IKE", "expected a virtual IP request, sending %N", MF_NOTIFY),
    R(EV_CP_FAILED, "IKE", "configuration payload negotiation failed, no CHILD_SA built", NOF),
    /* mem_pool.c, attr_sql_provider.c */
    R(EV_POOL_EXHAUSTED, "CFG", "pool '%s' is full, unable to assign address", MF_TEXT),
    R(EV_POOL_EXHAUSTED, "CFG", "no available address found in pool '%s'", MF_TEXT),
    /* ike_sa.c: the initiator could not put the address it got on an interface */
    R(EV_VIP_INSTALL_FAILED, "IKE", "installing virtual IP %H failed", MF_VALUE),
    R(EV_VIP_INSTALL_FAILED, "IKE", "looking up interface for virtual IP %H failed", MF_VALUE),
    /* dhcp_socket.c: the responder asks a DHCP server for the peer's address */
    R(EV_DHCP_DISCOVER, "CFG", "sending DHCP DISCOVER for %#B to %H", MF_SKIP, MF_VALUE),
    R(EV_DHCP_OFFER, "CFG", "received DHCP OFFER %H from %H", MF_VALUE, MF_SKIP),
    R(EV_DHCP_TIMEOUT, "CFG", "DHCP DISCOVER timed out", NOF),
    R(EV_DHCP_TIMEOUT, "CFG", "DHCP REQUEST timed out", NOF),
    R(EV_DHCP_TIMEOUT, "CFG", "sending DHCP DISCOVER failed: %s", MF_TEXT),

    /* ---- algorithms this charon does not implement ------------------------------------------ */
    /* keymat_v1/_v2: the selected transform has no implementation among the
     * loaded plugins: "%N %N not supported!", the first %N one of
     * transform_type_names. Written out per type (the fold reads the type
     * from the row): a row that starts with two bare conversions would also
     * match the wrapped tail of a line ("(key size 256) not supported!") */
    R(EV_ALG_UNSUPPORTED, "IKE", "ENCRYPTION_ALGORITHM %N (key size %d) not supported!", MF_VALUE, MF_SKIP),
    R(EV_ALG_UNSUPPORTED, "IKE", "ENCRYPTION_ALGORITHM %N not supported!", MF_VALUE),
    R(EV_ALG_UNSUPPORTED, "IKE", "INTEGRITY_ALGORITHM %N not supported!", MF_VALUE),
    R(EV_ALG_UNSUPPORTED, "IKE", "PSEUDO_RANDOM_FUNCTION %N not supported!", MF_VALUE),
    R(EV_ALG_UNSUPPORTED, "IKE", "HASH_ALGORITHM %N not supported!", MF_VALUE),
    R(EV_ALG_UNSUPPORTED, "IKE", "DIFFIE_HELLMAN_GROUP %N not supported!", MF_VALUE),
    R(EV_ALG_UNSUPPORTED, "IKE", "KEY_EXCHANGE_METHOD %N not supported!", MF_VALUE),
    R(EV_ALG_UNSUPPORTED, "IKE", "key derivation failed", NOF),  /* ike_init, after one of those */
    /* ike_init (phase 1), quick_mode / child_create (phase 2), aggressive_mode */
    R(EV_KE_UNSUPPORTED, "IKE", "configured DH group %N not supported", MF_VALUE),
    R(EV_KE_UNSUPPORTED, "IKE", "negotiated DH group %N not supported", MF_VALUE),
    R(EV_KE_UNSUPPORTED, "IKE", "negotiated DH group not supported", NOF),
    R(EV_KE_UNSUPPORTED, "IKE", "DH group %N not supported", MF_VALUE),
    R(EV_KE_UNSUPPORTED, "IKE", "configured key exchange method %N not supported", MF_VALUE),  /* 6.0+ */
    /* ike_init.c: the group an INVALID_KE_PAYLOAD asked for (5.6.2+) */
    R(EV_KE_UNSUPPORTED, "IKE", "requested DH group %N not supported", MF_VALUE),
    R(EV_KE_UNSUPPORTED, "IKE", "requested key exchange method %N not supported", MF_VALUE),  /* 6.0+ */
    R(EV_KE_UNSUPPORTED, "IKE", "negotiated key exchange method %N not supported", MF_VALUE),
    R(EV_KE_UNSUPPORTED, "IKE", "selected key exchange method %N not supported", MF_VALUE),
    R(EV_KE_UNSUPPORTED, "IKE", "key exchange method %N not supported", MF_VALUE),

    /* ---- the responder's uniqueness policy (uniqueids / unique = keep) --------------------------- */
    /* ike_auth, main_mode, aggressive_mode, xauth: the peer authenticated,
     * but an IKE_SA with the same identities is up and kept (5.9.3 changed
     * the spelling) */
    R(EV_UNIQUE_REFUSED, "IKE", "canceling IKE_SA setup due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "cancelling IKE_SA setup due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "canceling Main Mode due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "cancelling Main Mode due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "canceling Aggressive Mode due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "cancelling Aggressive Mode due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "canceling XAuth due to uniqueness policy", NOF),
    R(EV_UNIQUE_REFUSED, "IKE", "cancelling XAuth due to uniqueness policy", NOF),

    /* ---- the CHILD_SA's mode (child_create.c, 5.8+) ------------------------------------------- */
    R(EV_TRANSPORT_REFUSED, "IKE", "not using transport mode, not host-to-host", NOF),
    R(EV_MODE_UNACCEPTABLE, "IKE", "%N mode requested by responder is unacceptable", MF_MODE),

    /* ---- CHILD_SA installation (§2.12) -------------------------------------------------------- */
    R(EV_INSTALL_FAILED, "IKE", "unable to install %s%s%sIPsec SA (SAD) in kernel", MF_SKIP, MF_SKIP, MF_TEXT),
    R(EV_INSTALL_FAILED, "IKE", "unable to install IPsec policies (SPD) in kernel", NOF),
    R(EV_INSTALL_SPI_FAILED, "IKE", "unable to allocate SPIs from kernel", NOF),  /* <= 5.9.14 */
    R(EV_INSTALL_SPI_FAILED, "IKE", "unable to allocate SPI from kernel", NOF),   /* 6.0.0+ */
    R(EV_INSTALL_SPI_FAILED, "IKE", "allocating SPI from kernel failed", NOF),    /* v1 */
    R(EV_INSTALL_SPI_FAILED, "IKE", "allocating SPI failed", NOF),                /* child_create <= 5.9.14 */
    R(EV_KNL_FAILED, "KNL", "unable to add SAD entry with SPI %.8x: %s (%d)", MF_SKIP, MF_TEXT, MF_SKIP),  /* pfkey */
    R(EV_KNL_FAILED, "KNL", "unable to add SAD entry with SPI %.8x%s (%N)", MF_SKIP, MF_SKIP, MF_TEXT),  /* netlink */
    R(EV_KNL_FAILED, "KNL", "unable to add SAD entry with SPI %.8x", MF_SKIP),
    /* before the general "unable to %s policy" rows, which also match it
     * when the subsystem is not logged (journald) */
    R(EV_POLICY_CONFLICT, "CFG", "unable to install policy %R === %R %N%s for reqid %u, the same policy for reqid %u exists",
      MF_TS_LOCAL, MF_TS_REMOTE),
    R(EV_KNL_FAILED, "KNL", "unable to %s policy %R === %R %N%s%s", MF_TEXT, MF_TS_LOCAL, MF_TS_REMOTE, MF_SKIP),
    R(EV_KNL_FAILED, "KNL", "unable to %s policy %R === %R %N", MF_TEXT, MF_TS_LOCAL, MF_TS_REMOTE, MF_SKIP),
    R(EV_KNL_SPI_FAILED, "KNL", "allocating SPI failed: %s (%d)", MF_TEXT, MF_COUNT),
    R(EV_KNL_SPI_FAILED, "KNL", "unable to get SPI", NOF),
    /* kernel_netlink / kernel_pfkey: the kernel has no such algorithm (the
     * SA is not even sent to it) */
    R(EV_KNL_ALG_UNSUPPORTED, "KNL", "algorithm %N not supported by kernel!", MF_VALUE),
    R(EV_KNL_ALG_UNSUPPORTED, "KNL", "extended sequence numbers (ESN) not supported by kernel!", NOF),
    R(EV_KNL_SPI_FAILED, "KNL", "unable to get SPI for reqid {%u}", MF_SKIP),  /* 5.0-5.2 */
    /* kernel_netlink/_pfkey: the CHILD_SA is installed, the route for its traffic is not */
    R(EV_ROUTE_FAILED, "KNL", "unable to install source route for %H", MF_VALUE),
    R(EV_ROUTE_FAILED, "KNL", "installing route failed: %R via %H src %H dev %s", MF_TS_REMOTE, MF_SKIP, MF_VALUE, MF_SKIP),
    R(EV_KNL_ERROR, "KNL", "received netlink error: %s (%d)", MF_TEXT, MF_COUNT),
    R(EV_KNL_ERROR, "KNL", "received netlink error: %s", MF_TEXT),  /* an excerpt without the number */
    /* kernel_netlink/_pfkey (DBG2) while adding an SAD entry: the kernel's
     * names of the SA's algorithms, read when the kernel refuses it */
    R(EV_KNL_SA_ALGORITHM, "KNL", "  using encryption algorithm %N with key size %d", MF_VALUE, MF_SKIP),
    R(EV_KNL_SA_ALGORITHM, "KNL", "  using integrity algorithm %N with key size %d", MF_VALUE, MF_SKIP),
    /* kernel_pfkey (5.1+): the policy's route would carry the IKE packets
     * themselves; the policies then fail. The selectors tell it apart. */
    R(EV_KNL_ERROR, "KNL", "can't install route for %R === %R %N, conflicts with IKE traffic",
      MF_TS_LOCAL, MF_TS_REMOTE, MF_SKIP),

    /* ---- delete (§2.13) -------------------------------------------------------------------------- */
    R(EV_RECV_DELETE_IKE, "IKE", "received DELETE for IKE_SA %s[%u]", MF_NAME, MF_ID),
    /* stroke_control.c, "ipsec up" output: the outcome, already told by charon's lines */
    R(EV_CONN_UP, NULL, "connection '%s' established successfully", MF_NAME),
    R(EV_CONN_RESULT, NULL, "establishing connection '%s' failed", MF_NAME),
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

/*
 * Eight bytes at a time. Every line of a log is classified, most of them
 * against one or two rows: the compares below are plain 64-bit loads
 * (swar.h) of the message and of the row's literals, never a library call
 * and never a byte loop over a literal longer than a few bytes. A load
 * never reaches outside msg[0 .. n) or outside the row's format string.
 */

/* The first min(n, 8) bytes at p as an integer in memory order, the bytes
 * beyond n zero. Reads only p[0 .. min(n, 8)). */
static inline uint64_t load_upto8(const char *p, size_t n)
{
    if (n >= 8)
        return swar_load(p);
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return v;
}

/* The low k bytes (k <= 8) of a word set. */
static inline uint64_t low_bytes(size_t k)
{
    return k >= 8 ? ~0ull : (1ull << (8 * k)) - 1;
}

/* The same for 1 <= k <= 8, without a branch. */
static inline uint64_t low_bytes_1to8(size_t k)
{
    return ~0ull >> (8 * (8 - k));
}

/* Compiles row i's format into idx (see msg_index). */
static void compile_row(msg_index *idx, size_t i)
{
    const char *fmt = TABLE[i].fmt;
    const char *f = fmt;
    int k = 0;
    idx->slow[i] = 0;
    idx->checked_convs[i] = 0;
    idx->nonempty_convs[i] = 0;
    memset(idx->conv[i], 0, sizeof idx->conv[i]);
    memset(idx->lit_off[i], 0, sizeof idx->lit_off[i]);
    memset(idx->lit_len[i], 0, sizeof idx->lit_len[i]);
    memset(idx->lit_word[i], 0, sizeof idx->lit_word[i]);
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
        if (fmt_capture_checked(*f))
            idx->checked_convs[i] |= (uint8_t)(1u << k);
        if (*f == 'H' || *f == 'N') /* fmt_capture_ok: n > 0 */
            idx->nonempty_convs[i] |= (uint8_t)(1u << k);
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
        idx->lit_word[i][k] = load_upto8(lit, ll);
        k++;
    }
    idx->nconv[i] = (uint8_t)k;
}

/* The bucket of a key (see msg_index): multiplicative hashing, the top
 * bits of the product (they depend on every bit of the key). */
#define MSG_BUCKET_BITS 10
_Static_assert(MSG_BUCKETS == 1u << MSG_BUCKET_BITS, "MSG_BUCKETS is 2^MSG_BUCKET_BITS");

static inline uint32_t key_bucket(uint64_t key, uint64_t mult)
{
    return (uint32_t)((key * mult) >> (64 - MSG_BUCKET_BITS));
}

/* The multiplier for key_bucket under which no two distinct keys of the
 * table share a bucket, so a message is compared only against rows that
 * start with its own first bytes: the first such one of a fixed sequence
 * of odd numbers (the search runs at build time; failing it, the one with
 * the fewest collisions, which costs only speed). */
static uint64_t choose_hash_mult(const uint64_t *keys, size_t nkeys)
{
    uint64_t best = 0x9E3779B97F4A7C15ull, mult = best;
    size_t best_collisions = SIZE_MAX;
    for (unsigned attempt = 0; attempt < 16384 && best_collisions > 0; attempt++) {
        uint8_t used[MSG_BUCKETS] = {0};
        size_t collisions = 0;
        for (size_t k = 0; k < nkeys; k++) {
            uint32_t b = key_bucket(keys[k], mult);
            collisions += used[b];
            used[b] = 1;
        }
        if (collisions < best_collisions)
            best = mult, best_collisions = collisions;
        mult += 0x6A09E667F3BCC90Aull; /* even: mult stays odd */
    }
    return best;
}

/* a[0 .. n) == b[0 .. n) for n >= 8, compared from byte `from` on, the
 * last load overlapping the one before it instead of a byte loop. */
static inline int same_from(const char *a, const char *b, size_t from, size_t n)
{
    for (; from + 8 < n; from += 8)
        if (swar_load(a + from) != swar_load(b + from))
            return 0;
    return swar_load(a + n - 8) == swar_load(b + n - 8);
}

/* Short compares of the few bytes a literal has beyond its first one. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

/* Whether lit (n >= 1 bytes, its first min(n, 8) bytes lit_word)
 * starts at c, where c + n <= end: one masked 8-byte compare when the
 * message has eight bytes from c on (always so for n >= 8). */
static inline int lit_at(const char *c, const char *end, const char *lit, size_t n, uint64_t lit_word,
                         uint64_t lit_mask)
{
    if (end - c >= 8)
        return (swar_load(c) & lit_mask) == lit_word && (n <= 8 || same_from(c, lit, 8, n));
    return same_bytes(c, lit, n);
}

/* The first place in [p, end) where lit (n >= 1 bytes, first bytes as
 * lit_word: see lit_at) starts. The literals between conversions are
 * short (" to ", "[", "...") and found within a few dozen bytes: their
 * first byte is looked for sixteen bytes at a time where SSE2 is there
 * (every x86-64), then eight at a time, the rest compared in place. No
 * load reaches past end. */
static inline const char *find_lit(const char *p, const char *end, const char *lit, size_t n,
                                   uint64_t lit_word)
{
    if ((size_t)(end - p) < n)
        return NULL;
    const uint64_t lit_mask = low_bytes_1to8(n < 8 ? n : 8);
    const char *last = end - n; /* the last place lit can start */
#ifdef __SSE2__
    /* the first byte in all sixteen lanes: broadcast from a 32-bit
     * integer, since _mm_set1_epi8 on plain SSE2 went through a one-byte
     * stack store and a wider reload, a store-forwarding stall that cost
     * ~14% of msg_classify (perf annotate) */
    const __m128i c0v = _mm_set1_epi32((int)(0x01010101u * (unsigned char)lit[0]));
    for (; last - p >= 15; p += 16) {
        /* p[0..16) are all places lit can start, within [p, end) */
        unsigned hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), c0v));
        for (; hit; hit &= hit - 1) {
            const char *c = p + __builtin_ctz(hit);
            if (lit_at(c, end, lit, n, lit_word, lit_mask))
                return c;
        }
    }
#endif
    const uint64_t c0s = SWAR_ONES * (unsigned char)lit[0];
    for (; last - p >= 7; p += 8) {
        /* p[0..8) are all places lit can start; flags above the first
         * may be false alarms, which lit_at rejects */
        for (uint64_t hit = swar_zero_bytes(swar_load(p) ^ c0s); hit; hit &= hit - 1) {
            const char *c = p + swar_first(hit);
            if (lit_at(c, end, lit, n, lit_word, lit_mask))
                return c;
        }
    }
    for (; p <= last; p++)
        if (*p == lit[0] && lit_at(p, end, lit, n, lit_word, lit_mask))
            return p;
    return NULL;
}

/* Keeps only the fields of `fills` (msg_event.set bits): empties the
 * others that earlier lines (or rows tried on this one) left set. Most
 * lines leave none or one or two behind, where emptying all 23 fields
 * would cost 23 stores a line. */
static inline void keep_fields(msg_event *ev, uint32_t fills)
{
    for (uint32_t stale = ev->set & ~fills; stale; stale &= stale - 1)
        ev->f[__builtin_ctz(stale)] = (span){NULL, 0};
    ev->set = fills;
}

/* Matches row i on msg[s..t) (trimmed) after row_head_tail_ok accepted
 * its head and tail (so the last literal is known to end the message);
 * fills ev. Inlined (as is match_row) into the candidate loop: a call
 * here cost more than half of what the matching of a short row does. The captures go straight into their fields (a conversion
 * without one into the unused slot MF_SKIP, cleared again at the end): a
 * row that fails half-way leaves ev half-filled, which is no match. */
static inline __attribute__((always_inline)) int run_row(const msg_index *idx, uint16_t i, const char *msg,
                                                       size_t s, size_t t, msg_event *ev)
{
    const char *fmt = TABLE[i].fmt;
    const char *pos = msg + s + idx->plen[i], *end = msg + t;
    const int last = idx->nconv[i] - 1;
    const char *conv = idx->conv[i];
    const unsigned checked = idx->checked_convs[i], nonempty = idx->nonempty_convs[i];
    const uint8_t *field = idx->field[i];
    const uint16_t *lit_off = idx->lit_off[i], *lit_len = idx->lit_len[i];
    ev->set |= idx->fills[i]; /* what a failure half-way leaves behind */
    for (int k = 0; k < last; k++) {
        size_t ll = lit_len[k];
        if (ll == 0) {
            ev->f[field[k]] = (span){pos, 0}; /* conversions in a row */
            continue;
        }
        /* a conversion that must capture something takes at least its
         * first byte, even one that begins the literal ("[server ip]") */
        const char *from = pos + (nonempty >> k & 1);
        const char *hit = from <= end ? find_lit(from, end, fmt + lit_off[k], ll, idx->lit_word[i][k]) : NULL;
        if (!hit ||
            ((checked & ~nonempty) >> k & 1 && !fmt_capture_ok(conv[k], pos, (size_t)(hit - pos))))
            return 0;
        ev->f[field[k]] = (span){pos, (size_t)(hit - pos)};
        pos = hit + ll;
    }
    if (last >= 0) {
        /* the final literal (already compared) ends the message */
        size_t ll = lit_len[last];
        size_t cn = (size_t)(end - pos) - ll;
        if ((size_t)(end - pos) < ll || (cn == 0 && (nonempty >> last & 1)) ||
            ((checked & ~nonempty) >> last & 1 && !fmt_capture_ok(conv[last], pos, cn)))
            return 0;
        ev->f[field[last]] = (span){pos, fmt_last_capture_len(conv[last], pos, cn)};
    }
    ev->f[MF_SKIP] = (span){NULL, 0};
    keep_fields(ev, idx->fills[i]);
    ev->kind = TABLE[i].kind;
    ev->pat = &TABLE[i];
    return 1;
}

/* A row's subsystem (charon's are three letters) as one integer, 0 for
 * a row of any subsystem. */
static uint32_t subsys_code(const char *subsys)
{
    if (!subsys)
        return 0;
    return (uint32_t)(unsigned char)subsys[0] | (uint32_t)(unsigned char)subsys[1] << 8 |
           (uint32_t)(unsigned char)subsys[2] << 16;
}

/* The subsystem a message was logged under as the integer subsys_code
 * makes of a row's: one 32-bit load of the four NUL-padded bytes of
 * charon_line.subsys (msg_classify's contract), 0 for NULL or "" (unknown),
 * which is never loaded past its NUL. A longer name ("ABCD") gives a word
 * no row's code equals. */
static inline uint32_t subsys_word(const char *subsys)
{
    if (!subsys || !subsys[0])
        return 0;
    uint32_t w;
    memcpy(&w, subsys, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w); /* subsys_code is in little-endian order */
#endif
    return w;
}

/* Whether row i may be logged under subsys (NULL or "": unknown, any row
 * may): a row's code has its three letters and a zero byte, so equal words
 * are equal names. The word is loaded here, for the few rows that get this
 * far, not for every line. */
static inline int subsys_ok(const msg_index *idx, uint16_t i, const char *subsys)
{
    uint32_t code = idx->subsys_code[i], sw;
    return code == 0 || (sw = subsys_word(subsys)) == 0 || code == sw;
}

/* The bytes a conversion that starts a message can start with: %H (an
 * address: hex digits, ':' of IPv6, '%' of %any; or an address a paste
 * redacted: "x.x.x.x", "<REDACTED>", "***.***.***.***", "[server ip]"),
 * %N (an upper-case enum name), a '(' of "(null)"; %s (another program's
 * text before the part a row knows) any visible byte. A row that starts
 * with a conversion is tried only on messages that start with one of
 * them. */
static int conv_can_start_with(char conv, unsigned char c)
{
    if (conv == 's')
        return c > ' ';
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'Z') || c == ':' ||
           c == '%' || c == '(' || c == 'x' || c == '<' || c == '*' || c == '[';
}

/* The kinds nearly every line of a busy log is: an established SA's
 * packets and liveness checks, rekeying's proposal and traffic selector
 * listings, deletes. Their rows are tried first within their bucket. */
static int routine_kind(msg_kind k)
{
    switch (k) {
    case EV_PACKET_RECV:
    case EV_PACKET_SEND:
    case EV_DPD_REQUEST:
    case EV_SELECTING_PROPOSAL:
    case EV_PROPOSAL_MATCHES:
    case EV_SELECTED_PROPOSAL:
    case EV_RECEIVED_PROPOSALS:
    case EV_CONFIGURED_PROPOSALS:
    case EV_TS_HEADER_PROPOSE_US:
    case EV_TS_HEADER_PROPOSE_OTHER:
    case EV_TS_HEADER_SELECT_US:
    case EV_TS_HEADER_SELECT_OTHER:
    case EV_RECV_DELETE_IKE:
    case EV_SEND_DELETE_IKE:
    case EV_IKE_DELETED:
        return 1;
    default:
        return 0;
    }
}

/* Whether rows a and b can match the same message: only if one's literal
 * prefix starts the other's (a message starts with the whole prefix of the
 * row it matches, after leading spaces). Rows that cannot may be tried in
 * any order; the others keep table order (specific before general). */
static int rows_overlap(const msg_index *idx, uint16_t a, uint16_t b)
{
    size_t n = idx->plen[a] < idx->plen[b] ? idx->plen[a] : idx->plen[b];
    return memcmp(idx->pre[a], idx->pre[b], n) == 0;
}

/* Reorders a bucket's rows (in table order) so that routine rows come
 * first, as far as table order allows: a row moves ahead only of rows it
 * cannot share a message with. The result is the same for every message;
 * a routine line is compared against fewer rows before its own ("sending
 * DPD request" was the fifth of six). Runs at build time. */
static void routine_first(const msg_index *idx, uint16_t *row, size_t n)
{
    uint16_t out[MSG_MAX_ROWS];
    uint8_t taken[MSG_MAX_ROWS] = {0};
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t c = 0; c < n && pick == n; c++) {
            if (taken[c] || !routine_kind(TABLE[row[c]].kind))
                continue;
            size_t e = 0; /* an earlier row still waiting that it overlaps? */
            while (e < c && (taken[e] || !rows_overlap(idx, row[e], row[c])))
                e++;
            if (e == c)
                pick = c;
        }
        if (pick == n) /* no routine row free to go: the first waiting one */
            for (pick = 0; taken[pick]; pick++)
                ;
        taken[pick] = 1;
        out[k] = row[pick];
    }
    memcpy(row, out, n * sizeof *row);
}

/* Builds the index in one walk per format (compile_row) plus the prefix,
 * suffix and key. It runs at build time (gen_msg_index) and in the unit
 * test that checks what was generated. Only rows that need the generic
 * matcher ask fmt_final_literal for their suffix; for the others it is
 * the literal compile_row found after the last conversion. */
void msg_index_init(msg_index *idx)
{
    uint16_t bucket_of[MSG_MAX_ROWS]; /* 0xffff: a wild row */
    uint64_t row_key[MSG_MAX_ROWS];
    uint16_t count[MSG_BUCKETS] = {0};
    memset(idx->bucket_start, 0, sizeof idx->bucket_start);
    memset(idx->bucket_row, 0xff, sizeof idx->bucket_row);
    memset(idx->wild_by_last, 0, sizeof idx->wild_by_last);
    memset(idx->wild_by_first, 0, sizeof idx->wild_by_first);
    memset(idx->wild_by_subsys, 0, sizeof idx->wild_by_subsys);
    memset(idx->wild, 0, sizeof idx->wild);
    idx->nwild = 0;
    size_t rows = TABLE_SIZE < MSG_MAX_ROWS ? TABLE_SIZE : MSG_MAX_ROWS;
    for (size_t i = 0; i < rows; i++) {
        const char *f = TABLE[i].fmt;
        while (*f == ' ')
            f++;
        size_t pl = 0; /* the literal prefix: up to the first '%' */
        while (f[pl] && f[pl] != '%')
            pl++;
        idx->pre[i] = f;
        idx->plen[i] = (uint16_t)pl;
        idx->head_mask[i] = low_bytes(pl);
        idx->head_word[i] = load_upto8(f, pl);
        idx->prefix_end_word[i] = pl > 8 ? swar_load(f + pl - 8) : 0;
        idx->literal_only[i] = f[pl] == '\0';
        /* the table's subsystems are charon's three-letter names */
        idx->subsys_code[i] = subsys_code(TABLE[i].subsys);
        idx->fills[i] = 0;
        for (size_t k = 0; k < MSG_MAX_CONV; k++) {
            idx->field[i][k] = TABLE[i].fields[k] < MF__COUNT ? TABLE[i].fields[k] : MF_SKIP;
            if (idx->field[i][k] != MF_SKIP)
                idx->fills[i] |= 1u << idx->field[i][k];
        }
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
        /* the suffix's last min(sl, 8) bytes where an 8-byte load ending
         * with the message holds them: at its top */
        size_t tl = sl < 8 ? sl : 8;
        idx->tail_mask[i] = tl ? ~0ull << (8 * (8 - tl)) : 0;
        idx->tail_word[i] = tl ? load_upto8(suf + sl - tl, tl) << (8 * (8 - tl)) : 0;
        bucket_of[i] = 0xffff;
        if (pl < MSG_KEY_BYTES) {
            if (idx->nwild < MSG_WILD_CAP) {
                unsigned bit = 1u << idx->nwild;
                for (size_t c = 0; c < 256; c++) {
                    if (sl == 0 || c == (unsigned char)suf[sl - 1])
                        idx->wild_by_last[c] |= (uint32_t)bit;
                    if (pl > 0 ? c == (unsigned char)f[0] : conv_can_start_with(f[1], (unsigned char)c))
                        idx->wild_by_first[c] |= (uint32_t)bit;
                    if (c == 0 || !TABLE[i].subsys || c == (unsigned char)TABLE[i].subsys[0])
                        idx->wild_by_subsys[c] |= (uint32_t)bit;
                }
                idx->wild[idx->nwild++] = (uint16_t)i;
            }
            continue;
        }
        row_key[i] = load_upto8(f, MSG_KEY_BYTES);
        bucket_of[i] = 0;
    }
    /* the distinct keys, and a multiplier that keeps them apart */
    uint64_t keys[MSG_MAX_ROWS];
    size_t nkeys = 0;
    for (size_t i = 0; i < rows; i++) {
        if (bucket_of[i] == 0xffff)
            continue;
        size_t k = 0;
        while (k < nkeys && keys[k] != row_key[i])
            k++;
        if (k == nkeys)
            keys[nkeys++] = row_key[i];
    }
    idx->hash_mult = choose_hash_mult(keys, nkeys);
    for (size_t i = 0; i < rows; i++) {
        if (bucket_of[i] == 0xffff)
            continue;
        bucket_of[i] = (uint16_t)key_bucket(row_key[i], idx->hash_mult);
        count[bucket_of[i]]++;
    }
    /* buckets laid out one after the other, rows in table order */
    for (size_t b = 0; b < MSG_BUCKETS; b++)
        idx->bucket_start[b + 1] = (uint16_t)(idx->bucket_start[b] + count[b]);
    uint16_t fill[MSG_BUCKETS];
    memcpy(fill, idx->bucket_start, sizeof fill);
    for (size_t i = 0; i < rows; i++)
        if (bucket_of[i] != 0xffff)
            idx->bucket_row[fill[bucket_of[i]]++] = (uint16_t)i;
    for (size_t b = 0; b < MSG_BUCKETS; b++)
        routine_first(idx, idx->bucket_row + idx->bucket_start[b],
                      (size_t)(idx->bucket_start[b + 1] - idx->bucket_start[b]));
}

/* What msg_classify trims off the end of a message. */
static inline int is_trailing_space(char c)
{
    return c == ' ' || c == '\r' || c == '\t';
}

/* Whether msg[0..n) holds an odd number of '"'. */
static int unbalanced_quote(const char *msg, size_t n)
{
    size_t count = 0;
    for (const char *p = msg, *end = msg + n; (p = memchr(p, '"', (size_t)(end - p))) != NULL; p++)
        count++;
    return count & 1;
}

/* The message's first and last eight bytes, loaded once for all the rows
 * it is compared against. */
typedef struct msg_ends {
    uint64_t head; /* msg[s .. s + 8), zero beyond t */
    uint64_t tail; /* msg[t - 8 .. t), zero below msg[0] */
} msg_ends;

/* Cheap checks of the literal head and tail of row i against msg[s..t):
 * one masked compare each, a few more loads for a literal beyond 8 bytes. */
static inline int row_head_tail_ok(const msg_index *idx, uint16_t i, const char *msg, size_t s,
                                   size_t t, const msg_ends *m)
{
    size_t pl = idx->plen[i], sl = idx->slen[i];
    if (pl > t - s)
        return 0;
    if (pl > 8) {
        /* the end of the prefix first: the rows of a bucket often share
         * their first eight bytes ("received ...", "sending ...") */
        if (swar_load(msg + s + pl - 8) != idx->prefix_end_word[i] || m->head != idx->head_word[i])
            return 0;
        if (pl > 16 && !same_from(msg + s, idx->pre[i], 8, pl - 8))
            return 0;
    } else if ((m->head & idx->head_mask[i]) != idx->head_word[i]) {
        return 0;
    }
    if (sl) {
        if (sl > t - s - pl || (m->tail & idx->tail_mask[i]) != idx->tail_word[i])
            return 0;
        if (sl > 8 && !same_from(msg + t - sl, idx->suf[i], 0, sl))
            return 0;
    }
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
        if (f != MF_SKIP && f < MF__COUNT) {
            ev->f[f] = caps[i];
            ev->set |= 1u << f;
        }
    }
    return 1;
}

/* Row i, its head and tail accepted: the full match (subsystem, then the
 * literal, compiled or generic matcher). */
static inline __attribute__((always_inline)) int match_row(const msg_index *idx, uint16_t i,
                                                         const char *subsys, const char *msg, size_t n,
                                                         size_t s, size_t t, msg_event *ev)
{
    const msg_pattern *p = &TABLE[i];
    if (!subsys_ok(idx, i, subsys))
        return 0;
    if (idx->literal_only[i]) {
        /* no conversion: the literal is the whole message */
        if (t - s != idx->plen[i])
            return 0;
        ev->kind = p->kind;
        ev->pat = p;
        keep_fields(ev, 0);
        return 1;
    }
    return idx->slow[i] ? try_row(p, msg, n, ev) : run_row(idx, i, msg, s, t, ev);
}

/* The wild rows of the mask tried on msg[s..t): rare, kept out of
 * msg_classify's way. */
static __attribute__((noinline)) int classify_wild(const msg_index *idx, unsigned wild, const char *subsys,
                                                   const char *msg, size_t n, size_t s, size_t t,
                                                   const msg_ends *m, msg_event *ev)
{
    for (; wild; wild &= wild - 1) {
        uint16_t i = idx->wild[__builtin_ctz(wild)];
        if (row_head_tail_ok(idx, i, msg, s, t, m) && match_row(idx, i, subsys, msg, n, s, t, ev))
            return 1;
    }
    return 0;
}

int msg_classify(const msg_index *idx, const char *subsys, const char *msg,
                 size_t n, msg_event *ev)
{
    /* msg[s..t): the message without leading spaces and trailing
     * white space; most messages have none and are 8 bytes or longer */
    size_t s = 0, t = n;
    msg_ends m;
    if (n >= 8 && msg[0] != ' ' && !is_trailing_space(msg[n - 1]) && msg[n - 1] != '"') {
        m.head = swar_load(msg);
        m.tail = swar_load(msg + n - 8);
    } else {
        while (s < n && msg[s] == ' ')
            s++;
        while (t > s && is_trailing_space(msg[t - 1]))
            t--;
        if (t > s && msg[t - 1] == '"' && unbalanced_quote(msg + s, t - s)) {
            /* the closing quote of a quoted paste ("May 6 ... (464 bytes)"),
             * not one of the message's own pairs (cert "CN=...") */
            t--;
            while (t > s && is_trailing_space(msg[t - 1]))
                t--;
        }
        if (t == s)
            return 0;
        m.head = load_upto8(msg + s, t - s);
        m.tail = t >= 8 ? swar_load(msg + t - 8) : load_upto8(msg, t) << (8 * (8 - t));
    }
    /* the key: the first MSG_KEY_BYTES bytes (zero beyond t already) */
    uint32_t b = key_bucket(m.head & low_bytes(MSG_KEY_BYTES), idx->hash_mult);
    for (unsigned r = idx->bucket_start[b], r_end = idx->bucket_start[b + 1]; r < r_end; r++) {
        uint16_t i = idx->bucket_row[r];
        if (row_head_tail_ok(idx, i, msg, s, t, &m) && match_row(idx, i, subsys, msg, n, s, t, ev))
            return 1;
    }
    /* rows that start with a conversion (a host or a name): filtered by
     * the first and the last byte of the message and its subsystem */
    unsigned wild = idx->wild_by_first[(unsigned char)msg[s]] & idx->wild_by_last[(unsigned char)msg[t - 1]] &
                    idx->wild_by_subsys[subsys ? (unsigned char)subsys[0] : 0];
    return wild ? classify_wild(idx, wild, subsys, msg, n, s, t, &m, ev) : 0;
}

int msg_row_ends_in_literal(const msg_index *idx, const msg_pattern *p)
{
    size_t i = (size_t)(p - TABLE);
    return i < sizeof TABLE / sizeof TABLE[0] && (idx->literal_only[i] || idx->slen[i] > 0);
}

const char *msg_kind_name(msg_kind k)
{
    static const char *const names[] = {
#define N(x) [x] = #x
        N(EV_NONE), N(EV_DAEMON_START), N(EV_CONF_CONN), N(EV_CONF_CHILD),
        N(EV_CONF_LOCAL), N(EV_CONF_REMOTE), N(EV_CONF_KV), N(EV_CONF_ADDED), N(EV_SECRETS_REREAD), N(EV_SECRET_LOADED), N(EV_FILE_OPEN_FAILED),
        N(EV_SECRETS_UNREADABLE), N(EV_RADIUS_CONFIG), N(EV_UDP_DECAP_FAILED), N(EV_STROKE_ADD_CONN), N(EV_STROKE_CONN), N(EV_STROKE_KV), N(EV_STROKE_ID_DEFAULTED), N(EV_PROPOSAL_SKIPPED), N(EV_PROPOSAL_PARSE_ERROR),
        N(EV_INITIATING_V2), N(EV_INITIATING_MM), N(EV_INITIATING_AM),
        N(EV_RESPONDING_V2), N(EV_RESPONDING_MM), N(EV_RESPONDING_AM),
        N(EV_IKE_ESTABLISHED), N(EV_CHILD_ESTABLISHED), N(EV_ESTABLISHING_CHILD),
        N(EV_IKE_STATE), N(EV_CHILD_STATE), N(EV_CHILD_CLOSING), N(EV_UNIQUE_REPLACED), N(EV_UNIQUE_REAUTH), N(EV_CHILD_DELETE_RECV), N(EV_CHILD_DELETE_SEND), N(EV_CHILD_INACTIVE), N(EV_IKE_INACTIVE), N(EV_IKE_REKEYED), N(EV_IKE_REAUTH), N(EV_PACKET_RECV),
        N(EV_PACKET_SEND), N(EV_VENDOR_ID), N(EV_SEND_ERROR), N(EV_VERSION_UNSUPPORTED), N(EV_VERSION_NOT_BUILT), N(EV_UNENCRYPTED_INFO), N(EV_NO_ROUTE_TO_PEER), N(EV_NO_SOCKET), N(EV_GENERATING), N(EV_PARSED), N(EV_NAT_REMOTE),
        N(EV_NAT_LOCAL), N(EV_NAT_FAKE), N(EV_AUTH_MYSELF), N(EV_AUTH_MYSELF_OK),
        N(EV_AUTH_MYSELF_FAILED), N(EV_AUTH_PEER_OK), N(EV_SELECTED_PEER_CFG), N(EV_REMOTE_ID_MATCH),
        N(EV_FOUND_CHILD_CFG), N(EV_IKE_CFG_LOOKUP), N(EV_SEND_CERT),
        N(EV_UNKNOWN_CA_REQ), N(EV_SELECTING_PROPOSAL), N(EV_NO_ACCEPTABLE_TYPE),
        N(EV_PROPOSAL_MATCHES), N(EV_RECEIVED_PROPOSALS), N(EV_CONFIGURED_PROPOSALS),
        N(EV_SELECTED_PROPOSAL), N(EV_P1_UNACCEPTABLE), N(EV_NO_ACCEPTABLE_PROPOSAL),
        N(EV_V1_NO_PROPOSAL), N(EV_QM_NO_PROPOSAL), N(EV_PEER_PROPOSAL_INVALID),
        N(EV_NOTIFY_ERROR_V1), N(EV_NOTIFY_ERROR_V2), N(EV_NOTIFY_CHILD),
        N(EV_NOTIFY_STATUS), N(EV_INVALID_KE_I), N(EV_INVALID_KE_R), N(EV_KE_FAILED), N(EV_KE_MALFORMED),
        N(EV_LOOKING_CHILD_CFG), N(EV_TS_HEADER_PROPOSE_US), N(EV_TS_HEADER_PROPOSE_OTHER),
        N(EV_TS_HEADER_SELECT_US), N(EV_TS_HEADER_SELECT_OTHER), N(EV_TS_NARROW),
        N(EV_NO_CHILD_CFG), N(EV_TS_UNACCEPTABLE), N(EV_NO_ACCEPTABLE_TS),
        N(EV_PEER_INVALID_TS), N(EV_CHILD_FAILED), N(EV_DECRYPT_FAILED),
        N(EV_COULD_NOT_DECRYPT), N(EV_PARSE_FAILED), N(EV_PROCESSING_FAILED),
        N(EV_INTEGRITY_FAILED), N(EV_NOT_ENCRYPTED), N(EV_PAYLOAD_MISSING), N(EV_HASH_MISMATCH), N(EV_NO_SHARED_KEY),
        N(EV_MAC_MISMATCH), N(EV_LOOKING_PEER_CFG_V1), N(EV_NO_PEER_CFG_V1),
        N(EV_NO_AUTH_MODE), N(EV_IDIR_MISMATCH), N(EV_LOOKING_PEER_CFG_V2),
        N(EV_NO_PEER_CFG_V2), N(EV_PEER_CFG_UNACCEPTABLE), N(EV_IDR_REQUIRE),
        N(EV_CONSTRAINT_ID), N(EV_AGGR_PSK_DISABLED), N(EV_NO_IKE_CFG),
        N(EV_CERT_FAILURE), N(EV_CERT_SUBJECT_DATES), N(EV_CERT_ISSUER_DATES), N(EV_CERT_REVOKED), N(EV_CERT_ISSUER), N(EV_PEER_CANDIDATE), N(EV_CERT_CA_REQUIRED), N(EV_CERT_CHAIN_CA), N(EV_NO_PRIVATE_KEY), N(EV_EAP_FAILED),
        N(EV_RADIUS_SENT), N(EV_RADIUS_ANSWER), N(EV_RADIUS_UNREACHABLE), N(EV_RADIUS_TIMEOUT),
        N(EV_RADIUS_SECRET), N(EV_RADIUS_INVALID), N(EV_EAP_CFG_UNACCEPTABLE),
        N(EV_XAUTH_FAILED), N(EV_XAUTH_NO_SECRET), N(EV_XAUTH_CLIENT_NO_SECRET), N(EV_XAUTH_SCRIPT_FAILED), N(EV_XAUTH_OK), N(EV_V1_AUTH_UNSUPPORTED), N(EV_EAP_SUCCEEDED), N(EV_PEER_CERT), N(EV_EAP_RETRY), N(EV_EAP_METHOD), N(EV_EAP_NAK_SENT), N(EV_EAP_IDENTITY_SENT), N(EV_EAP_USER), N(EV_EAP_NAK_RECEIVED), N(EV_RETRANSMIT_V2), N(EV_PEER_RETRANSMIT), N(EV_RETRANSMIT_V1), N(EV_GIVING_UP),
        N(EV_PEER_NOT_RESPONDING), N(EV_PEER_RETRY), N(EV_RESOLVE_FAILED), N(EV_NO_CONFIG_NAMED), N(EV_DAEMON_CRASH), N(EV_DAEMON_INIT_FAILED), N(EV_DAEMON_INIT_CAUSE), N(EV_NETLINK_UNAVAILABLE), N(EV_DAEMON_GAVE_UP), N(EV_DAEMON_STARTED), N(EV_PLUGIN_LOAD_FAILED), N(EV_DAEMON_RUNNING), N(EV_DAEMON_EXEC_FAILED), N(EV_CRED_LOAD_FAILED), N(EV_CERT_PARSE_CAUSE), N(EV_KEY_LOAD_FAILED), N(EV_CONN_LOAD_FAILED), N(EV_TRAP_NOT_FOUND), N(EV_RESTARTING_CHILD), N(EV_CERT_ID_UNCONFIRMED), N(EV_REKEY_NOT_RESPONDING),
        N(EV_DPD_REQUEST), N(EV_DPD_TIMEOUT), N(EV_HALF_OPEN_TIMEOUT), N(EV_MSGID_MISMATCH), N(EV_ADDR_GONE), N(EV_ADDR_BACK),
        N(EV_SETUP_DROPPED_HALF_OPEN), N(EV_SETUP_DROPPED_PER_IP), N(EV_SETUP_DROPPED_JOB_LOAD), N(EV_SETUP_DROPPED_IKESA_LIMIT),
        N(EV_VIP_NOT_FOUND), N(EV_VIP_NOT_FOUND_FOR), N(EV_VIP_ASSIGNED), N(EV_VIP_NOT_REQUESTED), N(EV_CP_FAILED), N(EV_POOL_EXHAUSTED),
        N(EV_VIP_INSTALL_FAILED), N(EV_DHCP_DISCOVER), N(EV_DHCP_OFFER), N(EV_DHCP_TIMEOUT),
        N(EV_INSTALL_FAILED), N(EV_INSTALL_SPI_FAILED), N(EV_KNL_FAILED), N(EV_KNL_SPI_FAILED), N(EV_KNL_ALG_UNSUPPORTED), N(EV_ALG_UNSUPPORTED), N(EV_KE_UNSUPPORTED), N(EV_UNIQUE_REFUSED), N(EV_EAP_CRYPTO_MISSING), N(EV_EAP_METHOD_UNLOADABLE), N(EV_SIG_SCHEME_REFUSED), N(EV_SECRETS_SYNTAX), N(EV_SECRETS_FILE), N(EV_STROKE_ADDED), N(EV_CRASH_FRAME), N(EV_TRANSPORT_REFUSED), N(EV_MODE_UNACCEPTABLE), N(EV_POLICY_CONFLICT), N(EV_KNL_ERROR), N(EV_KNL_SA_ALGORITHM), N(EV_ROUTE_FAILED),
        N(EV_CHILD_REKEY_FAILED), N(EV_IKE_REKEY_FAILED), N(EV_CHILD_CREATE_RETRY),
        N(EV_RECV_DELETE_IKE), N(EV_DELETING_IKE), N(EV_SEND_DELETE_IKE),
        N(EV_IKE_DELETED), N(EV_DESTROY_NO_NOTIFY), N(EV_CONN_RESULT), N(EV_CONN_UP),
#undef N
    };
    if ((unsigned)k < sizeof names / sizeof names[0] && names[k])
        return names[k];
    return "EV_?";
}
