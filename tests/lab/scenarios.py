"""The lab's scenarios: one small declarative entry each.

An entry is a dict:

  name         base name; the fixture id is "ikev<1|2>-<name>"
  versions     IKE versions to generate it for (default (1, 2))
  description  one line, for people
  family       4 (default) or 6: the endpoints' address family
  net          "routed" (default: fw-a -- router -- fw-b) or "nat" (the router
               masquerades fw-a behind {A_PUB})
  block_ike    the router drops UDP 500/4500 from the start
  drop_small_ike_once  "initiator" or "responder": the router loses the first IKE
               datagram of under 140 bytes towards that end (Main Mode's last message)
  drop_fragments  the router drops fragmented IP packets (before conntrack reassembles
               them); meta.json's lab.ip_fragments_dropped counts them
  radius       {mode: "reject"|"silent", secret}: a RADIUS server (radius_stub.py) on
               127.0.0.1:1812 in fw-b's namespace that rejects every user, signing with
               `secret`, or never answers; charon's eap-radius plugin is configured by "r"
  addr2        fw-a has a second address {A2} on its uplink (a peer that comes
               back from another address)
  responder_down  the responder's charon is never started
  kernel       "netlink" (default; the lab kernel has no ESP, so SAs cannot be
               installed) or "libipsec" (userspace ESP, for working tunnels)
  i, r         the initiator's / responder's settings, merged over the default
               connection (see lab.build_conn): connection keys (proposals,
               version, aggressive, remote_addrs, dpd_delay, ...), "local" /
               "remote" (auth round keys: id, auth, certs, eap_id, ...),
               "child" (keys of the CHILD_SA: esp_proposals, local_ts, ...),
               plus "psk" (the IKE secret; None for none), "secrets" (more
               swanctl secrets), "vip_pools" (swanctl's pools section), "conns" (more connections, each a dict of the
               same kind), "strongswan" (charon.* settings), "plugins" (more
               plugins to load)
  certs        certificates to make with `pki` (see cert scenarios); per end x509,
               x509ca, x509crl ([{ca, revoke: [cert names], reason}]: a CRL), and nokey
               (x509 names whose private key is not installed); "key" {type, size}
               (default ecdsa 256) for every key, or per certificate / CA
  actions      what the lab does (default DEFAULT_ACTIONS): ("initiate", {...}),
               ("settle", {quiet, max}), ("wait", s), ("wait_log", {end, pattern,
               timeout}), ("rekey_child", {...}), ("rekey_ike", {...}),
               ("terminate", {end, ike | child}), ("addr_del", {end}) / ("addr_add", {end}):
               the end's uplink address goes away / comes back (with its default route),
               ("block_ike",), ("kill", {end}), ("join",)
  log_expect   {initiator|responder: [regex, ...]} lines the run must show
               ("!regex": must not); a run without them is retried once, then
               reported as UNEXPECTED
  expect       expected.json: per end "established", "not_determinable", or
               {outcome, accept_class, offending, ...: see run_corpus.py}
  needs_times  expected.json's needs_times (paste_variants.py: the untimed
               shapes are not compared)
  needs_ike_name  expected.json's needs_ike_name, the reason (paste_variants.py: the
               shape without <name|id> prefixes is not compared)
  misconfigured  {setting, initiator, responder} for meta.json
  log          charon filelog overrides (lab.LOG_DEFAULT): levels "default",
               "ike", "cfg", ... and "ike_name" ("no": no <conn|N> prefixes)
  phase, class, notes   for meta.json

Any dict may hold "v1"/"v2" (or "ip4"/"ip6") keys whose content is merged in
for that IKE version (address family) only. Strings may use the address
tokens {A} {A2} {B} {A_PUB} {R_A} {R_B} {OTHER} {A_NET} {B_NET} {A_NET2} {B_NET2}
{A_NET3} {B_NET3} {A_WIDE} {B_WIDE} (see lab.NETS).
"""

PSK = "Lab-PSK-0123456789"
RETRANSMIT = {"timeout": "2.0", "base": "1.4", "tries": 3}   # 2+2.8+3.9+5.5 = 14 s

DEFAULT_ACTIONS = [("initiate", {}), ("settle", {})]

EST = "established"
ND = "not_determinable"

# lines that show a working tunnel
UP = [r"IKE_SA con1\[\d+\] established", r"CHILD_SA con1\{\d+\} established"]
REKEYED = r"CHILD_SA con1\{[2-9]\d*\} established"     # a second CHILD_SA: the rekeyed one
# INVALID_KE_PAYLOAD, both ends: strongSwan 6.0 says "key exchange method" where 5.x says
# "DH group"
PEER_REFUSED_MODP2048 = r"peer didn't accept (DH group|key exchange method) MODP_2048, it requested ECP_256"
MODP2048_REFUSED = r"(DH group|key exchange method) MODP_2048 unacceptable, requesting ECP_256"
# RFC 9370 hybrid key exchange (strongSwan 6.0+): X25519, then ML-KEM-768 as additional KE 1
MLKEM_IKE = "aes256-sha256-x25519-ke1_mlkem768"
MLKEM_ESP = "aes256-sha256-x25519-ke1_mlkem768"
MLKEM_SELECTED = r"selected proposal: IKE:.*/CURVE_25519/KE1_ML_KEM_768"
AGGR_FLAG = {"i_dont_care_about_security_and_use_aggressive_mode_psk": "yes"}


# an XAuth client, user alice with her right password
XAUTH_CLIENT_ALICE = {"local-xauth": {"auth": "xauth", "xauth_id": "alice"},
                      "plugins": ["xauth-generic"],
                      "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-password"'}}}

# an EAP-MD5 client, user alice with her right password
EAP_MD5_CLIENT_ALICE = {"local": {"auth": "eap-md5", "eap_id": "alice", "id": "{A}"},
                        "plugins": ["eap-identity", "eap-md5"],
                        "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}}

# fw-b's RADIUS server, where radius_stub.py listens when a scenario has one (retransmits
# shortened: timeout 1s, base 1.2, 2 tries)
EAP_RADIUS_SETTINGS = {"plugins": {"eap-radius": {
    "retransmit_timeout": "1.0", "retransmit_base": "1.2", "retransmit_tries": 2,
    "servers": {"nps": {"address": "127.0.0.1", "secret": "radius-secret"}}}}}


def failed(*classes, offending=None, **kw):
    d = {"outcome": "failed", "accept_class": list(classes)}
    if offending:
        d["offending"] = {"field": offending[0], "local": offending[1], "peer": offending[2]}
    d.update(kw)
    return d


def proposal_lines(kind):
    """What the responder logs when its proposal selection fails."""
    if kind == "ike":
        return {"v1": [r"no proposal found"], "v2": [r"received proposals unacceptable"]}
    return {"v1": [r"no matching proposal found, sending NO_PROPOSAL_CHOSEN"],
            "v2": [r"no acceptable proposal found"]}


def notify_lines(kind):
    """What the initiator logs when the responder refused its proposal."""
    if kind == "ike":
        return {"v1": [r"received NO_PROPOSAL_CHOSEN error notify"],
                "v2": [r"received NO_PROPOSAL_CHOSEN notify error"]}
    return {"v1": [r"received NO_PROPOSAL_CHOSEN error notify"],
            "v2": [r"received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"]}


def p1_mismatch(name, desc, field, cls, ini, res, local, peer, transform, versions=(1, 2),
                extra_r=None, first_line=None, notes=""):
    """Phase 1 proposal mismatch: initiator proposes `ini`, responder has `res`."""
    r_lines = [r"selecting proposal:", r"received proposals: IKE:",
               r"configured proposals: IKE:"]
    if first_line:
        r_lines.append(first_line)
    if transform:
        r_lines.append(r"no acceptable %s found" % transform)
    return {
        "name": name, "versions": versions, "description": desc, "phase": 1, "class": cls,
        "i": {"proposals": ini}, "r": dict({"proposals": res}, **(extra_r or {})),
        "misconfigured": {"setting": field, "initiator": ini, "responder": res},
        "log_expect": {"initiator": notify_lines("ike"),
                       "responder": {"v1": r_lines + [r"no proposal found"],
                                     "v2": r_lines + [r"received proposals unacceptable"]}},
        "expect": {"responder": failed(cls, offending=(field, local, peer)),
                   "initiator": failed(cls, "phase1_proposal_mismatch")},
        "notes": notes,
    }


def p2_mismatch(name, desc, field, cls, ini, res, local, peer, transform, versions=(1, 2),
                notes=""):
    return {
        "name": name, "versions": versions, "description": desc, "phase": 2, "class": cls,
        "i": {"child": {"esp_proposals": ini}}, "r": {"child": {"esp_proposals": res}},
        "misconfigured": {"setting": field, "initiator": ini, "responder": res},
        "log_expect": {"initiator": notify_lines("esp"),
                       "responder": [r"received proposals: ESP:", r"configured proposals: ESP:",
                                     r"no acceptable %s found" % transform,
                                     proposal_lines("esp")]},
        "expect": {"responder": failed(cls, offending=(field, local, peer)),
                   "initiator": failed(cls, "phase2_proposal_mismatch")},
        "notes": notes,
    }


KE = {"v1": "DIFFIE_HELLMAN_GROUP", "v2": "DIFFIE_HELLMAN_GROUP"}
KE_NAME = r"(DIFFIE_HELLMAN_GROUP|KEY_EXCHANGE_METHOD)"


def _flatten_lines(entry):
    """proposal_lines()/notify_lines() return per-version dicts; allow them inside lists."""
    le = entry.get("log_expect", {})
    for role, pats in list(le.items()):
        if isinstance(pats, list) and any(isinstance(p, dict) for p in pats):
            v1 = [p for x in pats for p in (x["v1"] if isinstance(x, dict) else [x])]
            v2 = [p for x in pats for p in (x["v2"] if isinstance(x, dict) else [x])]
            le[role] = {"v1": v1, "v2": v2}
    return entry


def ts_refused_lines():
    """What both ends log when the responder has no phase 2 for the proposed traffic
    selectors (a fresh dict per scenario)."""
    return {"v1": {"responder": [r"no matching CHILD_SA config found"],
                   "initiator": [r"received INVALID_ID_INFORMATION error notify"]},
            "v2": {"responder": [r"traffic selectors .* unacceptable"],
                   "initiator": [r"received TS_UNACCEPTABLE notify, no CHILD_SA built"]}}


# An IKEv2 initiator only receives AUTHENTICATION_FAILED: its log is the same for a wrong
# PSK and a wrong identifier, so "authentication failed" is as right as "PSK mismatch".
PSK_V2_INITIATOR = failed("phase1_psk_mismatch", "phase1_authentication_failure",
                          note="IKEv2 initiator: only AUTHENTICATION_FAILED, the same log as "
                               "for an identifier mismatch")


# certificates (pki): a Lab CA that signs both ends, and an Other CA
CERT_DNS = {"labca": "C=XX, O=Lab, CN=Lab CA", "otherca": "C=XX, O=Other, CN=Other CA"}


def certs(responder_trusts="labca", a_not_before=None, a_not_after=None):
    a = {"dn": "C=XX, O=Lab, CN={A}", "san": "{A}", "ca": "labca"}
    if a_not_before:
        a.update(not_before=a_not_before, not_after=a_not_after)
    return {
        "cas": dict(CERT_DNS),
        "certs": {"a": a, "b": {"dn": "C=XX, O=Lab, CN={B}", "san": "{B}", "ca": "labca"}},
        "initiator": {"x509": ["a"], "x509ca": ["labca"]},
        "responder": {"x509": ["b"], "x509ca": [responder_trusts]},
    }


CERT_AUTH = {"i": {"psk": None, "local": {"auth": "pubkey", "certs": "a.crt"},
                   "remote": {"auth": "pubkey"}},
             "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
                   "remote": {"auth": "pubkey"}}}

SCENARIOS = [
    # ------------------------------------------------------------------ working tunnels
    {
        "name": "success", "description": "identical configs on both sides, tunnel comes up "
        "(kernel-libipsec data plane)", "kernel": "libipsec",
        "log_expect": {"initiator": UP, "responder": UP},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "success-kernel-netlink", "phase": 2, "class": "phase2_install_failure",
        "description": "identical configs, but only kernel-netlink is loaded and the lab kernel "
        "has no ESP support: IKE works, installing the IPsec SAs fails",
        "misconfigured": {"setting": "host.kernel_esp_support", "initiator": "none",
                          "responder": "none"},
        "log_expect": {"v1": {"initiator": [r"IKE_SA con1\[\d+\] established",
                                            r"unable to install"]},
                       "v2": {"responder": [r"IKE_SA con1\[\d+\] established",
                                            r"unable to install"]}},
        "expect": {"v1": {"responder": failed("phase2_install_failure", "phase2_proposal_mismatch"),
                          "initiator": failed("phase2_install_failure")},
                   "v2": {"responder": failed("phase2_install_failure"),
                          "initiator": failed("phase2_install_failure",
                                              "phase2_proposal_mismatch")}},
        "notes": {"v1": "Not a config mismatch: the lab kernel has no ESP. IKEv1: the Quick Mode "
                        "initiator installs first, fails, and sends NO_PROPOSAL_CHOSEN, so the "
                        "responder log looks like a phase 2 proposal problem.",
                  "v2": "Not a config mismatch: the lab kernel has no ESP. IKEv2: the responder "
                        "installs first (IKE_AUTH), fails and answers N(NO_PROP), so the "
                        "initiator log shows a NO_PROPOSAL_CHOSEN although the proposals match."},
    },
    {
        "name": "nat-success", "net": "nat", "kernel": "libipsec",
        "description": "initiator behind a NAT router (masquerade to {A_PUB}); the responder "
        "expects the ID the initiator sends ({A}) from remote gateway {A_PUB}: tunnel comes up "
        "with NAT-T",
        "log_expect": {"initiator": UP + [r"local host is behind NAT"],
                       "responder": UP + [r"remote host is behind NAT"]},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "aggressive-success", "versions": (1,), "kernel": "libipsec",
        "description": "both sides Aggressive Mode with PSK (both allow it, as pfSense writes "
        "i_dont_care_about_security_and_use_aggressive_mode_psk)",
        "i": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "r": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "log_expect": {"initiator": UP + [r"initiating Aggressive Mode"], "responder": UP},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "ipv6-success", "family": 6, "kernel": "libipsec",
        "description": "IPv6 endpoints ({A} -- {B}) and IPv6 subnets, identical configs, "
        "tunnel comes up",
        "log_expect": {"initiator": UP, "responder": UP},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "p1-dh-invalid-ke-retry", "versions": (2,), "kernel": "libipsec",
        "description": "red herring: the initiator offers MODP_2048 and ECP_256 and sends its KE "
        "for MODP_2048; the responder only accepts ECP_256 and answers INVALID_KE_PAYLOAD; the "
        "initiator retries with ECP_256 and the tunnel comes up",
        "i": {"proposals": "aes256-sha256-modp2048-ecp256"},
        "r": {"proposals": "aes256-sha256-ecp256"},
        "log_expect": {"initiator": UP + [PEER_REFUSED_MODP2048],
                       "responder": UP + [MODP2048_REFUSED]},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "p2-ts-narrowing", "kernel": "libipsec",
        "description": "traffic selector narrowing: the initiator proposes {A_WIDE} === {B_WIDE}, "
        "the responder is configured for {B_NET2} === {A_NET2} and narrows to it",
        "i": {"child": {"local_ts": "{A_WIDE}", "remote_ts": "{B_WIDE}"}},
        "r": {"child": {"local_ts": "{B_NET2}", "remote_ts": "{A_NET2}"}},
        "log_expect": {"initiator": UP + [r"and TS {A_NET2} === {B_NET2}"],
                       "responder": UP + [r"=> match: {A_NET2}"]},
        "expect": {"initiator": EST, "responder": EST},
        "notes": "Both IKE versions narrow (strongSwan 5.9.8 narrows IKEv1 Quick Mode "
                 "proposals too): the CHILD_SA comes up with the responder's subnets.",
    },
    {
        "name": "ike-rekey-ok", "versions": (2,), "kernel": "libipsec",
        "description": "control: the initiator rekeys the IKE_SA (swanctl --rekey --ike), "
        "identical configs",
        "actions": [("initiate", {}), ("wait", 1), ("rekey_ike", {}),
                    ("wait_log", {"end": "initiator", "pattern": r"IKE_SA con1\[\d+\] rekeyed",
                                  "timeout": 8}), ("settle", {})],
        "log_expect": {"initiator": UP + [r"IKE_SA con1\[\d+\] rekeyed between"],
                       "responder": UP + [r"IKE_SA con1\[\d+\] rekeyed between"]},
        # the old IKE_SA's delete ends no tunnel: the new one is up
        "expect": {r: {"outcome": "established", "absent_class": ["tunnel_closed"],
                       "latest": {"phase1": "established"},
                       "note": "no error diagnosis; the rekeyed IKE_SA's delete closes no tunnel"}
                   for r in ("initiator", "responder")},
    },
    {
        # IKEv2 only: crossed IKEv1 Main Modes came up in 5 of 5 runs here, but in one CI
        # pass (2 cores, 3 scenarios at once) an IKE_SA of the initiator logged a
        # decryption failure before another came up
        "name": "both-initiate-ok",
        "needs_ike_name": "both ends initiate con1 at once: without prefixes the two IKE_SAs of the same peer and connection are told apart by thread and proximity only", "kernel": "libipsec",
        "description": "control: both ends initiate the same tunnel at the same moment (both "
        "with a Child SA Start Action of 'Initiate at start'), identical configs: two IKE_SAs "
        "cross, and the duplicate is resolved by the ends",
        "actions": [("initiate", {"background": True}),
                    ("initiate", {"end": "responder", "background": True}),
                    ("join",), ("wait", 2), ("settle", {})],
        "log_expect": {"initiator": UP, "responder": UP},
        "expect": {r: {"outcome": "established", "latest": {"phase1": "established"},
                       "note": "no error diagnosis: crossed initiations are no failure"}
                   for r in ("initiator", "responder")},
    },
    {
        "name": "both-initiate-mm-lost", "versions": (1,), "kernel": "libipsec",
        "drop_small_ike_once": "initiator",
        "description": "control: the Main Mode's last message (MM6) towards fw-a is lost on "
        "the way, and fw-b, which also wants the tunnel up, starts its Quick Mode on the IKE_SA "
        "at once: fw-a receives it before the Main Mode is complete and cannot decrypt it yet, "
        "then the retransmitted MM5 and MM6 complete the Main Mode",
        "actions": [("initiate", {"background": True}),
                    ("wait_log", {"end": "responder", "pattern": r"IKE_SA con1\[\d+\] established",
                                  "timeout": 8}),
                    ("initiate", {"end": "responder", "background": True}),
                    ("join",), ("wait", 2), ("settle", {})],
        "log_expect": {"initiator": UP, "responder": UP},
        "expect": {r: {"outcome": "established", "latest": {"phase1": "established"},
                       "note": "no error diagnosis: a message that cannot be decrypted before "
                               "its Main Mode completes is no pre-shared key mismatch"}
                   for r in ("initiator", "responder")},
    },
    {
        "name": "both-initiate-mm-lost-qm-given-up", "versions": (1,), "kernel": "libipsec",
        "drop_small_ike_once": "initiator",
        "description": "as both-initiate-mm-lost, with fw-b's retransmits shortened (timeout 1s, "
        "base 1.2, 2 tries): fw-a decrypts fw-b's early Quick Mode request, and each "
        "retransmission of it, with the wrong IV and answers PAYLOAD_MALFORMED, so fw-b gives "
        "up on it and deletes the IKE_SA (with the CHILD_SA fw-a had set up on it); the ends "
        "then set up a new IKE_SA",
        "r": {"strongswan": {"retransmit_timeout": "1.0", "retransmit_base": "1.2",
                             "retransmit_tries": 2}},
        "actions": [("initiate", {"background": True}),
                    ("wait_log", {"end": "responder", "pattern": r"IKE_SA con1\[\d+\] established",
                                  "timeout": 8}),
                    ("initiate", {"end": "responder", "background": True}),
                    ("join",),
                    ("wait_log", {"end": "responder", "pattern": r"giving up after 2 retransmits",
                                  "timeout": 12}),
                    ("wait", 3), ("settle", {})],
        "log_expect": {"initiator": UP + [r"QUICK_MODE request with message ID \d+ processing failed"],
                       "responder": UP + [r"received PAYLOAD_MALFORMED error notify",
                                          r"giving up after 2 retransmits"]},
        "expect": {"initiator": {"outcome": "established",
                                 "note": "fw-a's first decryption failure precedes its Main Mode's "
                                         "end: no pre-shared key mismatch"},
                   "responder": failed("dpd_timeout",
                                       title_contains="could not read this end's request",
                                       detail_contains="PAYLOAD_MALFORMED",
                                       advice_contains="None (Responder Only)")},
    },
    {
        "name": "child-inactivity-closed", "kernel": "libipsec",
        "description": "control: the tunnel comes up, no traffic flows, and the initiator's "
        "CHILD_SA has an inactivity timeout of 3 s (children.con1.inactivity): it deletes the "
        "CHILD_SA, the IKE_SA stays up",
        "i": {"child": {"inactivity": 3}},
        "actions": [("initiate", {}),
                    ("wait_log", {"end": "initiator", "pattern": r"seconds of inactivity",
                                  "timeout": 15}),
                    ("wait", 1), ("settle", {})],
        "log_expect": {"initiator": UP + [r"deleting CHILD_SA after 3 seconds of inactivity"]},
        "expect": {"initiator": {"outcome": "established", "also_class": ["tunnel_closed"],
                                 "latest": {"phase1": "established", "phase2": "closed"},
                                 "note": "phase 2 closed by this end's inactivity timeout, "
                                         "phase 1 still up"},
                   "responder": "established"},
    },
    {
        "name": "child-terminate-ok", "kernel": "libipsec",
        "description": "control: the tunnel comes up and the initiator closes its CHILD_SA alone "
        "(swanctl --terminate --child); the IKE_SA stays up",
        "actions": [("initiate", {}), ("wait", 1), ("terminate", {"child": "con1"}),
                    ("wait_log", {"end": "responder", "pattern": r"closing CHILD_SA con1",
                                  "timeout": 8}), ("wait", 1), ("settle", {})],
        "log_expect": {"initiator": UP + [r"closing CHILD_SA con1\{1\}"],
                       "responder": UP + [r"received DELETE for ESP CHILD_SA",
                                          r"!received DELETE for IKE_SA"]},
        "expect": {"initiator": {"outcome": "established", "also_class": ["tunnel_closed"],
                                 "latest": {"phase1": "established", "phase2": "closed"},
                                 "title_contains": "closed by this end"},
                   "responder": {"outcome": "established", "also_class": ["tunnel_closed"],
                                 "latest": {"phase1": "established", "phase2": "closed"},
                                 "title_contains": "closed by the peer"}},
    },
    {
        "name": "ike-inactivity-closed", "kernel": "libipsec",
        # the responder's early-close warning rests on the seconds between the lines
        "needs_times": True,
        "description": "control: as child-inactivity-closed, with charon.inactivity_close_ike = "
        "yes on the initiator: it deletes the IKE_SA with its idle CHILD_SA",
        "i": {"child": {"inactivity": 3}, "strongswan": {"inactivity_close_ike": "yes"}},
        "actions": [("initiate", {}),
                    ("wait_log", {"end": "initiator", "pattern": r"seconds of CHILD_SA inactivity",
                                  "timeout": 15}),
                    ("wait", 2), ("settle", {})],
        "log_expect": {"initiator": UP + [r"deleting IKE_SA after 3 seconds of CHILD_SA inactivity"]},
        # this end closed it on its inactivity timer: no warning that it closed early
        "expect": {"initiator": {"outcome": "established", "also_class": ["tunnel_closed"],
                                 "detail_contains": "inactivity timeout",
                                 "advice_contains": "inactivity",
                                 "no_warning_class": ["tunnel_closed_early"],
                                 "latest": {"phase1": "closed", "phase2": "closed"}},
                   "responder": {"outcome": "established", "also_class": ["tunnel_closed"],
                                 "latest": {"phase1": "closed"}}},
    },
    {
        "name": "ike-terminate-ok", "kernel": "libipsec",
        "description": "control: the tunnel comes up and the initiator closes it "
        "(swanctl --terminate --ike), identical configs",
        "actions": [("initiate", {}), ("wait", 1), ("terminate", {}),
                    ("wait_log", {"end": "responder", "pattern": r"IKE_SA deleted|deleting IKE_SA",
                                  "timeout": 8}), ("settle", {})],
        "log_expect": {"initiator": UP + [r"deleting IKE_SA con1\[\d+\]"],
                       "responder": UP + [r"received DELETE for IKE_SA con1\[\d+\]"]},
        # up, then closed on purpose: established, and the tunnel row ends closed;
        # the responder's early-close warning rests on the 1 s between the lines
        "needs_times": True,
        "expect": {r: {"outcome": "established", "also_class": ["tunnel_closed"],
                       "latest": {"phase1": "closed"},
                       "note": "no error diagnosis; the tunnel came up and was closed by the "
                               "initiator (tunnel_closed, latest closed)"}
                   for r in ("initiator", "responder")},
    },
    {
        "name": "child-rekey-ok", "kernel": "libipsec",
        "description": "control: the initiator rekeys the CHILD_SA with PFS on both sides "
        "(swanctl --rekey --child), identical configs",
        "i": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "r": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "actions": [("initiate", {}), ("wait", 1), ("rekey_child", {}), ("wait", 2),
                    ("settle", {})],
        "log_expect": {"initiator": UP + [REKEYED], "responder": UP + [REKEYED]},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "p2-rekey-invalid-ke-retry", "versions": (2,), "kernel": "libipsec",
        "description": "red herring at rekey: the initiator's ESP proposal has PFS MODP_2048 and "
        "ECP_256, the responder only ECP_256; the CHILD_SA rekey (swanctl --rekey --child) gets "
        "INVALID_KE_PAYLOAD, retries with ECP_256 and succeeds",
        "i": {"child": {"esp_proposals": "aes256-sha256-modp2048-ecp256"}},
        "r": {"child": {"esp_proposals": "aes256-sha256-ecp256"}},
        "actions": [("initiate", {}), ("wait", 1), ("rekey_child", {}), ("wait", 2),
                    ("settle", {})],
        "log_expect": {"initiator": UP + [PEER_REFUSED_MODP2048, REKEYED],
                       "responder": UP + [MODP2048_REFUSED,
                                          REKEYED]},
        "expect": {"initiator": EST, "responder": EST},
    },
    # ------------------------------------------------------------------ phase 1 proposals
    p1_mismatch("p1-encryption-mismatch", "P1 encryption AES128 (initiator) vs AES256 "
                "(responder)", "phase1.encryption", "phase1_encryption_mismatch",
                "aes128-sha256-modp2048", "aes256-sha256-modp2048",
                ["AES_CBC_256"], ["AES_CBC_128"], "ENCRYPTION_ALGORITHM"),
    p1_mismatch("p1-hash-mismatch", "P1 hash/integrity SHA1 (initiator) vs SHA256 (responder)",
                "phase1.integrity", "phase1_hash_mismatch",
                "aes256-sha1-modp2048", "aes256-sha256-modp2048",
                ["HMAC_SHA2_256_128"], ["HMAC_SHA1_96"], "INTEGRITY_ALGORITHM"),
    p1_mismatch("p1-prf-mismatch", "P1 PRF differs, everything else equal: PRF_HMAC_SHA1 "
                "(initiator, prfsha1) vs PRF_HMAC_SHA2_256 (responder, prfsha256), both "
                "integrity SHA256", "phase1.prf", "phase1_prf_mismatch",
                "aes256-sha256-prfsha1-modp2048", "aes256-sha256-prfsha256-modp2048",
                ["PRF_HMAC_SHA2_256"], ["PRF_HMAC_SHA1"], "PSEUDO_RANDOM_FUNCTION",
                versions=(2,),
                notes="IKEv2 only: IKEv1 has no separate PRF transform (the P1 hash is both)."),
    p1_mismatch("p1-dh-mismatch", "P1 DH group MODP_1024 (initiator) vs MODP_2048 (responder)",
                "phase1.dh_group", "phase1_dh_group_mismatch",
                "aes256-sha256-modp1024", "aes256-sha256-modp2048",
                ["MODP_2048"], ["MODP_1024"], KE_NAME),
    p1_mismatch("p1-dh-ecp-vs-modp", "P1 DH group ECP_256 (initiator) vs MODP_2048 (responder)",
                "phase1.dh_group", "phase1_dh_group_mismatch",
                "aes256-sha256-ecp256", "aes256-sha256-modp2048",
                ["MODP_2048"], ["ECP_256"], KE_NAME),
    p1_mismatch("p1-multi-proposal-dh",
                "several P1 proposals on the initiator (AES128 and AES256, both MODP_1024), one "
                "on the responder (AES256/MODP_2048): the first 'no acceptable' line names the "
                "encryption, but only the DH group has no overlap",
                "phase1.dh_group", "phase1_dh_group_mismatch",
                "aes128-sha256-modp1024, aes256-sha256-modp1024", "aes256-sha256-modp2048",
                ["MODP_2048"], ["MODP_1024"], KE_NAME,
                first_line=r"no acceptable ENCRYPTION_ALGORITHM found(.|\n)*no acceptable "
                           + KE_NAME),
    p1_mismatch("p1-multi-proposal-hash",
                "several P1 proposals on the responder (AES128/SHA256, AES256/SHA256), one on "
                "the initiator (AES256/SHA1): the first 'no acceptable' line names the "
                "encryption, but only the hash (integrity) has no overlap",
                "phase1.integrity", "phase1_hash_mismatch",
                {"v1": "aes256-sha1-modp2048", "v2": "aes256-sha1-prfsha256-modp2048"},
                {"v1": "aes128-sha256-modp2048, aes256-sha256-modp2048",
                 "v2": "aes128-sha256-prfsha256-modp2048, aes256-sha256-prfsha256-modp2048"},
                ["HMAC_SHA2_256_128"], ["HMAC_SHA1_96"], "INTEGRITY_ALGORITHM",
                first_line=r"no acceptable ENCRYPTION_ALGORITHM found(.|\n)*no acceptable "
                           r"INTEGRITY_ALGORITHM found",
                notes={"v2": "IKEv2: the PRF is named (prfsha256) on both ends so that only the "
                             "integrity algorithm differs.",
                       "v1": "IKEv1: the P1 hash is both the integrity algorithm and the PRF, "
                             "so both show no overlap."}),
    {
        "name": "p1-multi-proposal-combination", "phase": 1, "class": "phase1_proposal_mismatch",
        "description": "several P1 proposals on the initiator (AES128/SHA256, AES256/SHA1) "
        "against AES256/SHA256 on the responder: every transform type has an overlap, but no "
        "single proposal matches, so no one algorithm is 'the' mismatch",
        "i": {"proposals": "aes128-sha256-modp2048, aes256-sha1-modp2048"},
        "r": {"proposals": "aes256-sha256-modp2048"},
        "misconfigured": {"setting": "phase1.proposal_combination",
                          "initiator": "aes128-sha256-modp2048, aes256-sha1-modp2048",
                          "responder": "aes256-sha256-modp2048"},
        "log_expect": {"initiator": notify_lines("ike"),
                       "responder": {"v1": [r"no acceptable ENCRYPTION_ALGORITHM found",
                                            r"no acceptable INTEGRITY_ALGORITHM found",
                                            r"no proposal found"],
                                     "v2": [r"no acceptable ENCRYPTION_ALGORITHM found",
                                            r"no acceptable INTEGRITY_ALGORITHM found",
                                            r"received proposals unacceptable"]}},
        "expect": {"responder": failed("phase1_proposal_mismatch"),
                   "initiator": failed("phase1_proposal_mismatch")},
    },
    {
        "name": "ipv6-p1-dh-mismatch", "family": 6, "phase": 1,
        "class": "phase1_dh_group_mismatch",
        "description": "IPv6 endpoints; P1 DH group ECP_384 (initiator) vs ECP_256 (responder)",
        "i": {"proposals": "aes256-sha256-ecp384"}, "r": {"proposals": "aes256-sha256-ecp256"},
        "misconfigured": {"setting": "phase1.dh_group", "initiator": "ecp384",
                          "responder": "ecp256"},
        "log_expect": {"initiator": notify_lines("ike"),
                       "responder": [r"no acceptable " + KE_NAME + " found",
                                     r"received proposals: IKE:.*ECP_384",
                                     proposal_lines("ike")]},
        "expect": {"responder": failed("phase1_dh_group_mismatch",
                                       offending=("phase1.dh_group", ["ECP_256"], ["ECP_384"])),
                   "initiator": failed("phase1_dh_group_mismatch", "phase1_proposal_mismatch")},
    },
    # ------------------------------------------------------------------ RFC 9370 hybrid KE (6.0+)
    # strongSwan 6.0 knows the keI_ keywords (additional key exchanges, RFC 9370); ML-KEM is
    # implemented by its `ml` plugin (not packaged by Debian, not loaded by the lab) and by
    # `openssl` since 6.0.2 with OpenSSL 3.5: "needs" ml_kem / !ml_kem (lab.charon_features)
    {
        "name": "p1-ke1-mlkem-success", "versions": (2,), "min_strongswan": (6, 0),
        "needs": ("ml_kem",), "kernel": "libipsec",
        "description": "both ends propose X25519 + ML-KEM-768 as additional key exchange 1 "
        "(RFC 9370, aes256-sha256-x25519-ke1_mlkem768): the tunnel comes up after an "
        "IKE_INTERMEDIATE exchange",
        "i": {"proposals": MLKEM_IKE}, "r": {"proposals": MLKEM_IKE},
        "log_expect": {"initiator": UP + [MLKEM_SELECTED,
                                          r"generating IKE_INTERMEDIATE request 1 \[ KE \]",
                                          r"parsed IKE_INTERMEDIATE response 1 \[ KE \]"],
                       "responder": UP + [MLKEM_SELECTED,
                                          r"parsed IKE_INTERMEDIATE request 1 \[ KE \]",
                                          r"generating IKE_INTERMEDIATE response 1 \[ KE \]"]},
        "expect": {"initiator": EST, "responder": EST},
    },
    {
        "name": "p1-ke1-mlkem-rekey-ok", "versions": (2,), "min_strongswan": (6, 0),
        "needs": ("ml_kem",), "kernel": "libipsec",
        "description": "X25519 + ML-KEM-768 for the IKE_SA and as CHILD_SA PFS on both ends; "
        "the initiator rekeys the CHILD_SA and the IKE_SA: each rekey adds an "
        "IKE_FOLLOWUP_KE exchange for the ML-KEM key",
        "i": {"proposals": MLKEM_IKE, "child": {"esp_proposals": MLKEM_ESP}},
        "r": {"proposals": MLKEM_IKE, "child": {"esp_proposals": MLKEM_ESP}},
        "actions": [("initiate", {}), ("wait", 1), ("rekey_child", {}),
                    ("wait_log", {"end": "initiator", "pattern": REKEYED, "timeout": 8}),
                    ("rekey_ike", {}),
                    ("wait_log", {"end": "initiator", "pattern": r"IKE_SA con1\[\d+\] rekeyed",
                                  "timeout": 8}), ("settle", {})],
        "log_expect": {r: UP + [REKEYED, r"IKE_SA con1\[\d+\] rekeyed between",
                                r"IKE_FOLLOWUP_KE (request|response) \d+ \[ (N\(ADD_KE\) )?KE"]
                       for r in ("initiator", "responder")},
        "expect": {r: {"outcome": "established", "absent_class": ["tunnel_closed"],
                       "latest": {"phase1": "established"},
                       "note": "no error diagnosis; the rekeyed IKE_SA's delete closes no tunnel"}
                   for r in ("initiator", "responder")},
    },
    {
        "name": "p1-ke1-mlkem-not-implemented", "versions": (2,), "min_strongswan": (6, 0),
        "needs": ("!ml_kem",), "phase": 1, "class": "phase1_dh_group_mismatch",
        "description": "both ends propose X25519 + ML-KEM-768 (ke1_mlkem768) and select it, "
        "but no plugin the charon loads implements ML-KEM (Debian's 6.0.1: openssl learnt "
        "ML-KEM in 6.0.2): the initiator gives up before IKE_INTERMEDIATE",
        "i": {"proposals": MLKEM_IKE}, "r": {"proposals": MLKEM_IKE},
        "misconfigured": {"setting": "phase1.additional_ke (no ML-KEM implementation loaded)",
                          "initiator": MLKEM_IKE, "responder": MLKEM_IKE},
        "log_expect": {"initiator": [MLKEM_SELECTED,
                                     r"negotiated key exchange method ML_KEM_768 not supported",
                                     r"!IKE_INTERMEDIATE"],
                       "responder": [MLKEM_SELECTED, r"generating IKE_SA_INIT response 0",
                                     r"!IKE_INTERMEDIATE"]},
        "expect": {"initiator": failed("phase1_dh_group_mismatch",
                                       offending=("phase1.additional_ke",
                                                  ["ML_KEM_768 (not implemented)"],
                                                  ["ML_KEM_768"])),
                   # answered IKE_SA_INIT, then nothing: the initiator destroyed its
                   # IKE_SA without a word (the responder lacks ML-KEM too, unknown to it)
                   "responder": ND},
        "notes": "The responder only learns anything at its half-open timeout (30 s, after "
                 "the lab stops).",
    },
    {
        "name": "p1-ke1-mlkem-mismatch", "versions": (2,), "min_strongswan": (6, 0),
        "phase": 1, "class": "phase1_dh_group_mismatch",
        "description": "initiator requires ML-KEM-768 as additional key exchange 1 "
        "(x25519-ke1_mlkem768), responder proposes X25519 alone",
        "i": {"proposals": MLKEM_IKE}, "r": {"proposals": "aes256-sha256-x25519"},
        "misconfigured": {"setting": "phase1.additional_ke", "initiator": "ke1_mlkem768",
                          "responder": "none"},
        "log_expect": {"initiator": notify_lines("ike"),
                       "responder": [r"no acceptable ADDITIONAL_KEY_EXCHANGE_1 found",
                                     r"received proposals: IKE:.*/CURVE_25519/KE1_ML_KEM_768",
                                     r"configured proposals: IKE:[^\n]*/CURVE_25519(\n|$)",
                                     proposal_lines("ike")]},
        "expect": {"responder": failed("phase1_dh_group_mismatch", "phase1_proposal_mismatch",
                                       offending=("phase1.additional_ke", ["NONE"],
                                                  ["KE1_ML_KEM_768"]),
                                       advice_contains=["additional key exchange"]),
                   "initiator": failed("phase1_dh_group_mismatch", "phase1_proposal_mismatch",
                                       offending=("phase1.additional_ke", ["KE1_ML_KEM_768"],
                                                  None))},
    },
    {
        "name": "p2-ke1-mlkem-rekey-mismatch", "versions": (2,), "min_strongswan": (6, 0),
        "kernel": "libipsec", "phase": 2, "class": "phase2_pfs_mismatch",
        "description": "CHILD_SA PFS X25519 + ML-KEM-768 (initiator) vs X25519 alone "
        "(responder): the first CHILD_SA comes up (no KE in IKE_AUTH), the CHILD_SA rekey "
        "(swanctl --rekey --child) fails",
        "i": {"child": {"esp_proposals": MLKEM_ESP}},
        "r": {"child": {"esp_proposals": "aes256-sha256-x25519"}},
        "misconfigured": {"setting": "phase2.additional_ke", "initiator": "ke1_mlkem768",
                          "responder": "none"},
        "actions": [("initiate", {}), ("wait", 1), ("rekey_child", {}), ("wait", 1),
                    ("settle", {})],
        "log_expect": {"initiator": UP + [r"received NO_PROPOSAL_CHOSEN notify"],
                       "responder": UP + [r"no acceptable ADDITIONAL_KEY_EXCHANGE_1 found",
                                          r"no acceptable proposal found"]},
        "expect": {"responder": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       offending=("phase2.additional_ke", ["NONE"],
                                                  ["KE1_ML_KEM_768"]),
                                       advice_contains=["additional key exchange"]),
                   "initiator": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       "phase2_proposal_mismatch",
                                       offending=("phase2.additional_ke", ["KE1_ML_KEM_768"],
                                                  None))},
    },
    # ------------------------------------------------------------------ phase 1 identity / auth
    {
        "name": "p1-id-mismatch", "phase": 1, "class": "phase1_identifier_mismatch",
        "description": "initiator sends its IP address as ID, responder expects FQDN "
        "fw-a.example.net",
        "r": {"remote": {"id": "fw-a.example.net"}},
        "misconfigured": {"setting": "phase1.peer_identifier", "initiator": "my IP address {A}",
                          "responder": "peer identifier fw-a.example.net"},
        "log_expect": {"v1": {"responder": [r"no peer config found"],
                              "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
                       "v2": {"responder": [r"no matching peer config found"],
                              "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
        "expect": {"responder": failed("phase1_identifier_mismatch"),
                   "initiator": {"v1": failed("phase1_identifier_mismatch",
                                              "phase1_authentication_failure"),
                                 # An IKEv2 initiator only receives AUTHENTICATION_FAILED:
                                 # its log is byte-identical to a PSK mismatch's.
                                 "v2": failed("phase1_identifier_mismatch",
                                              "phase1_authentication_failure",
                                              "phase1_psk_mismatch")}},
    },
    {
        "name": "p1-id-mismatch-remote", "phase": 1, "class": "phase1_identifier_mismatch",
        "description": "the initiator expects the responder to identify as fw-b.example.net, "
        "the responder sends its IP address {B}",
        "i": {"remote": {"id": "fw-b.example.net"}},
        "misconfigured": {"setting": "phase1.peer_identifier",
                          "initiator": "peer identifier fw-b.example.net",
                          "responder": "my IP address {B}"},
        "log_expect": {"v1": {"initiator": [r"IDir '{B}' does not match to 'fw-b.example.net'"]},
                       "v2": {"initiator": [r"received AUTHENTICATION_FAILED notify error"],
                              "responder": [r"no matching peer config found"]}},
        "expect": {"v1": {"responder": ND,
                          "initiator": failed("phase1_identifier_mismatch",
                                              "phase1_authentication_failure")},
                   "v2": {"responder": failed("phase1_identifier_mismatch"),
                          "initiator": failed("phase1_identifier_mismatch",
                                              "phase1_authentication_failure")}},
    },
    {
        "name": "p1-id-mismatch-nat", "net": "nat", "phase": 1,
        "class": "phase1_nat_identifier_mismatch",
        "description": "initiator behind a NAT router (masquerade to {A_PUB}) sends its interface "
        "address {A} as ID; the responder expects the public address {A_PUB}",
        "r": {"remote": {"id": "{A_PUB}"}},
        "misconfigured": {"setting": "phase1.peer_identifier", "initiator": "my IP address {A}",
                          "responder": "peer identifier {A_PUB} (NAT public address)"},
        "log_expect": {"v1": {"responder": [r"remote host is behind NAT", r"no peer config found"],
                              "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
                       "v2": {"responder": [r"remote host is behind NAT",
                                            r"no matching peer config found"],
                              "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
        "expect": {"responder": failed("phase1_nat_identifier_mismatch",
                                       "phase1_identifier_mismatch"),
                   "initiator": failed("phase1_nat_identifier_mismatch",
                                       "phase1_identifier_mismatch",
                                       "phase1_authentication_failure")},
    },
    {
        "name": "p1-id-mismatch-aggressive", "versions": (1,), "phase": 1,
        "class": "phase1_identifier_mismatch",
        "description": "Aggressive Mode (ID sent in the clear in the first message); initiator "
        "sends FQDN fw-a.example.net, responder expects the peer IP address {A}",
        "i": {"aggressive": "yes", "local": {"id": "fw-a.example.net"},
              "strongswan": AGGR_FLAG},
        "r": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "misconfigured": {"setting": "phase1.my_identifier", "initiator": "fw-a.example.net",
                          "responder": "peer identifier {A}"},
        "log_expect": {"responder": [r"no peer config found"],
                       "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
        "expect": {"responder": failed("phase1_identifier_mismatch"),
                   "initiator": failed("phase1_identifier_mismatch",
                                       "phase1_authentication_failure")},
    },
    {
        "name": "p1-psk-mismatch", "phase": 1, "class": "phase1_psk_mismatch",
        "description": "different pre-shared keys",
        "r": {"psk": "Other-PSK-9876543210"},
        "misconfigured": {"setting": "phase1.pre_shared_key", "initiator": PSK,
                          "responder": "Other-PSK-9876543210"},
        "actions": [("initiate", {"timeout": 20}), ("settle", {})],
        "log_expect": {"v1": {"responder": [r"invalid ID_V1 payload length, decryption failed"],
                              "initiator": [r"(PAYLOAD_MALFORMED|AUTHENTICATION_FAILED|"
                                            r"INVALID_HASH|giving up)"]},
                       "v2": {"responder": [r"tried 1 shared key for '{B}' - '{A}', but MAC "
                                            r"mismatched"],
                              "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
        "expect": {"responder": failed("phase1_psk_mismatch"),
                   "initiator": {"v1": failed("phase1_psk_mismatch"), "v2": PSK_V2_INITIATOR}},
    },
    {
        "name": "p1-psk-mismatch-aggressive", "versions": (1,), "phase": 1,
        "class": "phase1_psk_mismatch",
        "description": "different pre-shared keys, both sides Aggressive Mode",
        "i": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "r": {"aggressive": "yes", "strongswan": AGGR_FLAG, "psk": "Other-PSK-9876543210"},
        "misconfigured": {"setting": "phase1.pre_shared_key", "initiator": PSK,
                          "responder": "Other-PSK-9876543210"},
        "log_expect": {"initiator": [r"calculated HASH does not match HASH payload"]},
        "expect": {"responder": ND, "initiator": failed("phase1_psk_mismatch")},
        "notes": "In Aggressive Mode the initiator checks the responder's HASH first and fails; "
                 "the responder cannot decrypt the initiator's notify and only sees its own "
                 "exchange time out, so its log alone cannot tell.",
    },
    {
        "name": "p1-dh-mismatch-aggressive", "versions": (1,), "phase": 1,
        "class": "phase1_dh_group_mismatch",
        "description": "both sides Aggressive Mode (PSK); P1 DH group MODP_1024 (initiator) vs "
        "MODP_2048 (responder): in Aggressive Mode the key exchange travels in the first message",
        "i": {"aggressive": "yes", "strongswan": AGGR_FLAG, "proposals": "aes256-sha256-modp1024"},
        "r": {"aggressive": "yes", "strongswan": AGGR_FLAG, "proposals": "aes256-sha256-modp2048"},
        "misconfigured": {"setting": "phase1.dh_group", "initiator": "MODP_1024",
                          "responder": "MODP_2048"},
        "log_expect": {"responder": [r"received proposals: IKE:"]},
        "expect": {"responder": failed("phase1_dh_group_mismatch",
                                       offending=("phase1.dh_group", ["MODP_2048"], ["MODP_1024"])),
                   "initiator": failed("phase1_dh_group_mismatch", "phase1_proposal_mismatch")},
    },
    {
        "name": "ipv6-p1-psk-mismatch", "family": 6, "versions": (2,), "phase": 1,
        "class": "phase1_psk_mismatch",
        "description": "IPv6 endpoints; different pre-shared keys",
        "r": {"psk": "Other-PSK-9876543210"},
        "misconfigured": {"setting": "phase1.pre_shared_key", "initiator": PSK,
                          "responder": "Other-PSK-9876543210"},
        "log_expect": {"responder": [r"tried 1 shared key for '{B}' - '{A}', but MAC "
                                     r"mismatched"],
                       "initiator": [r"received AUTHENTICATION_FAILED notify error"]},
        "expect": {"responder": failed("phase1_psk_mismatch"),
                   "initiator": PSK_V2_INITIATOR},
    },
    {
        "name": "p1-mode-aggressive-vs-main", "versions": (1,), "phase": 1,
        "class": "phase1_mode_mismatch",
        "description": "initiator Aggressive Mode, responder Main Mode; responder strongswan.conf "
        "without i_dont_care_about_security_and_use_aggressive_mode_psk (as pfSense writes it "
        "when no local P1 uses aggressive mode)",
        "i": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "misconfigured": {"setting": "phase1.negotiation_mode", "initiator": "aggressive",
                          "responder": "main"},
        "log_expect": {"responder": [r"Aggressive Mode PSK disabled for security reasons"],
                       "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
        "expect": {"responder": failed("phase1_mode_mismatch"),
                   "initiator": failed("phase1_mode_mismatch", "phase1_authentication_failure")},
    },
    {
        "name": "p1-mode-aggressive-vs-main-pskflag", "versions": (1,), "phase": 1,
        "class": "phase1_mode_mismatch",
        "description": "initiator Aggressive, responder Main, but the responder allows "
        "Aggressive Mode PSK (another P1 on it uses aggressive mode)",
        "i": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "r": {"strongswan": AGGR_FLAG},
        "misconfigured": {"setting": "phase1.negotiation_mode", "initiator": "aggressive",
                          "responder": "main"},
        "log_expect": {"responder": [r"none allows pre-shared key authentication using "
                                     r"Aggressive Mode|no peer config found"]},
        "expect": {"responder": failed("phase1_mode_mismatch", "phase1_identifier_mismatch"),
                   "initiator": failed("phase1_mode_mismatch", "phase1_identifier_mismatch",
                                       "phase1_authentication_failure")},
    },
    {
        "name": "p1-mode-main-vs-aggressive", "versions": (1,), "phase": 1,
        "class": "phase1_mode_mismatch",
        "description": "initiator Main Mode, responder configured for Aggressive Mode",
        "r": {"aggressive": "yes", "strongswan": AGGR_FLAG},
        "misconfigured": {"setting": "phase1.negotiation_mode", "initiator": "main",
                          "responder": "aggressive"},
        "log_expect": {"responder": [r"none allows pre-shared key authentication using Main "
                                     r"Mode"]},
        "expect": {"responder": failed("phase1_mode_mismatch"),
                   "initiator": failed("phase1_mode_mismatch", "phase1_authentication_failure",
                                       "phase1_identifier_mismatch")},
    },
    {
        "name": "p1-version-mismatch", "phase": 1, "class": "phase1_version_mismatch",
        "description": "key exchange version differs: the initiator uses the IKE version in the "
        "scenario id, the responder the other one",
        "r": {"v1": {"version": 2}, "v2": {"version": 1}},
        "misconfigured": {"setting": "phase1.key_exchange_version",
                          "initiator": {"v1": "IKEv1", "v2": "IKEv2"},
                          "responder": {"v1": "IKEv2", "v2": "IKEv1"}},
        "log_expect": {"responder": [r"no IKE config found for {B}...{A}, sending "
                                     r"NO_PROPOSAL_CHOSEN"],
                       "initiator": notify_lines("ike")},
        "expect": {"responder": failed("phase1_version_mismatch", "phase1_no_matching_gateway"),
                   "initiator": failed("phase1_version_mismatch", "phase1_no_matching_gateway",
                                       "phase1_proposal_mismatch")},
    },
    {
        "name": "p1-remote-gateway-mismatch", "phase": 1, "class": "phase1_no_matching_gateway",
        "description": "the responder's P1 remote gateway is {OTHER}, not the initiator's "
        "address {A}",
        "r": {"remote_addrs": "{OTHER}"},
        "misconfigured": {"setting": "phase1.remote_gateway", "initiator": "{A} (its address)",
                          "responder": "remote gateway {OTHER}"},
        "log_expect": {"responder": [r"no IKE config found for {B}...{A}, sending "
                                     r"NO_PROPOSAL_CHOSEN"],
                       "initiator": notify_lines("ike")},
        "expect": {"responder": failed("phase1_no_matching_gateway", "phase1_version_mismatch"),
                   "initiator": failed("phase1_no_matching_gateway", "phase1_proposal_mismatch")},
    },
    # ------------------------------------------------------------------ reachability
    {
        "name": "peer-down", "responder_down": True, "phase": 1,
        "class": "phase1_peer_unreachable",
        "description": "responder charon not running (nothing listens on UDP 500)",
        "misconfigured": {"setting": "network.peer_running", "initiator": "running",
                          "responder": "not running"},
        "actions": [("initiate", {"timeout": 20}), ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"giving up after 3 retransmits",
                                     r"establishing IKE_SA failed, peer not responding"]},
        "expect": {"responder": ND, "initiator": failed("phase1_peer_unreachable")},
    },
    {
        "name": "peer-udp500-blocked", "block_ike": True, "phase": 1,
        "class": "phase1_peer_unreachable",
        "description": "responder runs, but the router drops UDP 500/4500 between the peers",
        "misconfigured": {"setting": "network.udp_500_4500", "initiator": "sent",
                          "responder": "dropped on the path"},
        "actions": [("initiate", {"timeout": 20}), ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"giving up after 3 retransmits",
                                     r"establishing IKE_SA failed, peer not responding"],
                       "responder": [r"!received packet"]},
        "expect": {"responder": ND, "initiator": failed("phase1_peer_unreachable")},
    },
    {
        "name": "p1-udp4500-blocked-nat", "net": "nat", "block_ike": 4500, "phase": 1,
        "class": "phase1_peer_unreachable",
        "description": "initiator behind NAT; the path passes UDP 500 but drops UDP 4500, so the "
        "exchange stalls right after the switch to NAT-T (IKEv2 IKE_AUTH, IKEv1 Main Mode "
        "message 5); the responder deletes the half-open SA (half_open_timeout 12s)",
        "r": {"remote_addrs": "{A_PUB}", "strongswan": {"half_open_timeout": 12}},
        "misconfigured": {"setting": "network.udp_4500", "initiator": "sent",
                          "responder": "dropped on the path (UDP 500 passes)"},
        "actions": [("initiate", {"timeout": 20}),
                    ("wait_log", {"end": "responder", "pattern": r"deleting half open IKE_SA",
                                  "timeout": 6}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"local host is behind NAT", r"to {B}\[4500\]",
                                     r"giving up after 3 retransmits",
                                     r"establishing IKE_SA failed, peer not responding"],
                       "responder": [r"remote host is behind NAT",
                                     r"deleting half open IKE_SA (\S+ )?with {A_PUB} after timeout"]},
        "expect": {"responder": ND, "initiator": failed("phase1_peer_unreachable")},
        "notes": "The responder only sees the peer start (UDP 500) and go silent: its log "
                 "alone cannot tell why.",
    },
    {
        "name": "dpd-peer-dead", "kernel": "libipsec", "class": "dpd_timeout",
        "description": "tunnel comes up, then the router starts dropping UDP 500/4500 (peer "
        "vanished); DPD (dpd_delay 2s, IKEv1 dpd_timeout 8s) detects the dead peer on both ends",
        "i": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "r": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "misconfigured": {"setting": "network.path_lost_after_up",
                          "initiator": "tunnel up, then UDP 500/4500 dropped on the path",
                          "responder": "(same)"},
        "actions": [("initiate", {}), ("wait", 1), ("block_ike",),
                    ("wait_log", {"end": "initiator", "pattern": r"giving up after|DPD check "
                                  r"timed out", "timeout": 24}),
                    ("wait_log", {"end": "responder", "pattern": r"giving up after|DPD check "
                                  r"timed out", "timeout": 6}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": UP + [r"giving up after|DPD check timed out"],
                       "responder": UP + [r"giving up after|DPD check timed out"]},
        "expect": {"responder": failed("dpd_timeout", "phase1_peer_unreachable"),
                   "initiator": failed("dpd_timeout", "phase1_peer_unreachable")},
    },
    # ------------------------------------------------------------------ phase 2
    {
        "name": "dpd-responder-killed", "kernel": "libipsec", "class": "dpd_timeout",
        "description": "tunnel comes up, then the responder's charon is killed (SIGKILL, no "
        "DELETE sent); the initiator's DPD (dpd_delay 2s, IKEv1 dpd_timeout 8s) declares it dead",
        "i": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "r": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "misconfigured": {"setting": "network.peer_crashed", "initiator": "running",
                          "responder": "killed after the tunnel came up"},
        "actions": [("initiate", {}), ("wait", 1), ("kill", {"end": "responder"}),
                    ("wait_log", {"end": "initiator", "pattern": r"giving up after|DPD check "
                                  r"timed out", "timeout": 24}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": UP + [r"giving up after|DPD check timed out"],
                       "responder": UP},
        "expect": {"responder": "established: its log ends with the tunnel up (the daemon was "
                                "killed); no failure can be seen in it",
                   "initiator": failed("dpd_timeout", "phase1_peer_unreachable")},
    },
    p2_mismatch("p2-encryption-mismatch", "P2 (ESP) encryption AES128 (initiator) vs AES256 "
                "(responder)", "phase2.encryption", "phase2_encryption_mismatch",
                "aes128-sha256", "aes256-sha256", ["AES_CBC_256"], ["AES_CBC_128"],
                "ENCRYPTION_ALGORITHM"),
    p2_mismatch("p2-hash-mismatch", "P2 (ESP) hash SHA1 (initiator) vs SHA256 (responder)",
                "phase2.integrity", "phase2_hash_mismatch",
                "aes256-sha1", "aes256-sha256", ["HMAC_SHA2_256_128"], ["HMAC_SHA1_96"],
                "INTEGRITY_ALGORITHM"),
    p2_mismatch("p2-pfs-group-mismatch", "both use PFS but different groups: MODP_2048 "
                "(initiator) vs MODP_1024 (responder)", "phase2.pfs_group", "phase2_pfs_mismatch",
                "aes256-sha256-modp2048", "aes256-sha256-modp1024", ["MODP_1024"], ["MODP_2048"],
                KE_NAME, versions=(1,)),
    p2_mismatch("p2-pfs-on-vs-off", "initiator requests PFS (MODP_2048) in phase 2, responder "
                "has PFS off", "phase2.pfs_group", "phase2_pfs_mismatch",
                "aes256-sha256-modp2048", "aes256-sha256", ["NONE"], ["MODP_2048"],
                KE_NAME, versions=(1,)),
    p2_mismatch("p2-multi-proposal-pfs", "several P2 proposals on the initiator (AES128 and "
                "AES256, both PFS MODP_2048), one on the responder (AES256, PFS MODP_1024): the "
                "first 'no acceptable' line names the encryption, only the PFS group has no overlap",
                "phase2.pfs_group", "phase2_pfs_mismatch",
                "aes128-sha256-modp2048, aes256-sha256-modp2048", "aes256-sha256-modp1024",
                ["MODP_1024"], ["MODP_2048"], KE_NAME, versions=(1,)),
    p2_mismatch("p2-multi-proposal-hash", "several P2 proposals on the responder (AES128/SHA256, "
                "AES256/SHA256), one on the initiator (AES256/SHA1): the first 'no acceptable' "
                "line names the encryption, only the hash has no overlap",
                "phase2.integrity", "phase2_hash_mismatch",
                "aes256-sha1", "aes128-sha256, aes256-sha256",
                ["HMAC_SHA2_256_128"], ["HMAC_SHA1_96"], "INTEGRITY_ALGORITHM"),
    {
        "name": "p2-pfs-not-negotiated", "versions": (2,), "kernel": "libipsec",
        "description": "PFS MODP_2048 (initiator) vs MODP_1024 (responder): the first CHILD_SA "
        "is created in IKE_AUTH without a key exchange, so the tunnel comes up (the mismatch "
        "only shows at the first rekey, see ikev2-p2-pfs-rekey-group)",
        "i": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "r": {"child": {"esp_proposals": "aes256-sha256-modp1024"}},
        "log_expect": {"initiator": UP, "responder": UP},
        "expect": {"initiator": "established: no error diagnosis yet; a warning about the PFS "
                                "groups may be added (the CHILD_SA in IKE_AUTH has no KE)",
                   "responder": "established: no error diagnosis yet; a warning about the PFS "
                                "groups may be added (the CHILD_SA in IKE_AUTH has no KE)"},
    },
    {
        "name": "p2-pfs-rekey", "versions": (2,), "kernel": "libipsec", "phase": 2,
        "class": "phase2_pfs_mismatch",
        "description": "PFS on (MODP_2048, initiator) vs off (responder): the first CHILD_SA "
        "comes up (no KE in IKE_AUTH), the CHILD_SA rekey (swanctl --rekey --child) fails",
        "i": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "r": {"child": {"esp_proposals": "aes256-sha256"}},
        "misconfigured": {"setting": "phase2.pfs_group", "initiator": "modp2048",
                          "responder": "off"},
        "actions": [("initiate", {}), ("wait", 1), ("rekey_child", {}), ("wait", 1),
                    ("settle", {})],
        "log_expect": {"initiator": UP + [r"received NO_PROPOSAL_CHOSEN notify"],
                       "responder": UP + [r"no acceptable " + KE_NAME + " found",
                                          r"no acceptable proposal found"]},
        "expect": {"responder": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       offending=("phase2.pfs_group", ["NONE"], ["MODP_2048"])),
                   "initiator": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       "phase2_proposal_mismatch")},
    },
    {
        "name": "p2-pfs-rekey-group", "versions": (2,), "kernel": "libipsec", "phase": 2,
        "class": "phase2_pfs_mismatch",
        "description": "PFS MODP_2048 (initiator) vs ECP_256 (responder): the first CHILD_SA "
        "comes up (no KE in IKE_AUTH), the CHILD_SA rekey (swanctl --rekey --child) fails",
        "i": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "r": {"child": {"esp_proposals": "aes256-sha256-ecp256"}},
        "misconfigured": {"setting": "phase2.pfs_group", "initiator": "modp2048",
                          "responder": "ecp256"},
        "actions": [("initiate", {}), ("wait", 1), ("rekey_child", {}), ("wait", 1),
                    ("settle", {})],
        "log_expect": {"initiator": UP + [r"received NO_PROPOSAL_CHOSEN notify"],
                       "responder": UP + [r"no acceptable " + KE_NAME + " found"]},
        "expect": {"responder": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       offending=("phase2.pfs_group", ["ECP_256"], ["MODP_2048"])),
                   "initiator": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       "phase2_proposal_mismatch")},
    },
    {
        "name": "p2-ts-mismatch", "phase": 2, "class": "phase2_network_mismatch",
        "description": "initiator local subnet {A_NET}, responder expects remote subnet {A_NET2}",
        "r": {"child": {"remote_ts": "{A_NET2}"}},
        "misconfigured": {"setting": "phase2.remote_network", "initiator": "local {A_NET}",
                          "responder": "remote {A_NET2}"},
        "log_expect": ts_refused_lines(),
        "expect": {"responder": failed("phase2_network_mismatch"),
                   "initiator": failed("phase2_network_mismatch")},
    },
    {
        "name": "p2-ts-swapped", "phase": 2, "class": "phase2_network_mismatch",
        "description": "the responder's phase 2 is not mirrored: its local and remote networks "
        "are swapped (local {A_NET}, remote {B_NET}: the initiator's own), the classic slip of "
        "copying one side's phase 2 to the other",
        "r": {"child": {"local_ts": "{A_NET}", "remote_ts": "{B_NET}"}},
        "misconfigured": {"setting": "phase2.local_network/remote_network",
                          "initiator": "local {A_NET}, remote {B_NET}",
                          "responder": "local {A_NET}, remote {B_NET}"},
        "log_expect": ts_refused_lines(),
        "expect": {"responder": failed("phase2_network_mismatch", offending=(
                       "phase2.local_network", ["{A_NET}"], ["{B_NET}"]),
                       advice_contains=["Both ends have the same phase 2 networks",
                                        "set Local Network to {B_NET} and Remote Network to {A_NET}"]),
                   "initiator": failed("phase2_network_mismatch")},
    },
    {
        "name": "p2-ts-family-mismatch", "phase": 2, "class": "phase2_network_mismatch",
        "description": "IPv4 endpoints and subnets, but the responder's remote network is an "
        "IPv6 subnet (2001:db8:5::/64) where the initiator's local network is {A_NET}",
        "r": {"child": {"remote_ts": "2001:db8:5::/64"}},
        "misconfigured": {"setting": "phase2.remote_network", "initiator": "local {A_NET}",
                          "responder": "remote 2001:db8:5::/64"},
        "log_expect": ts_refused_lines(),
        "expect": {"responder": failed("phase2_network_mismatch", offending=(
                       "phase2.remote_network", ["2001:db8:5::/64"], ["{A_NET}"]),
                       advice_contains=["Mode is Tunnel IPv4 for IPv4 networks"]),
                   "initiator": failed("phase2_network_mismatch")},
    },
    {
        "name": "p2-ts-protocol-mismatch", "phase": 2, "class": "phase2_network_mismatch",
        "description": "the same subnets, but the initiator's phase 2 carries UDP only and the "
        "responder's TCP only (local_ts/remote_ts with [17] and [6])",
        # (by number: the lab's release roots have no /etc/protocols to resolve names)
        "i": {"child": {"local_ts": "{A_NET}[17]", "remote_ts": "{B_NET}[17]"}},
        "r": {"child": {"local_ts": "{B_NET}[6]", "remote_ts": "{A_NET}[6]"}},
        "misconfigured": {"setting": "phase2.protocol_selector", "initiator": "udp",
                          "responder": "tcp"},
        "log_expect": {},
        "expect": {"responder": failed("phase2_network_mismatch"),
                   "initiator": failed("phase2_network_mismatch")},
    },
    # ------------------------------------------------------------------ virtual IPs
    {
        "name": "vip-not-requested", "versions": (2,), "phase": 2,
        "class": "phase2_virtual_ip_failure",
        "description": "the responder assigns virtual IPs from a pool on this connection (a "
        "remote-access setup); the initiator, a site-to-site gateway, requests none",
        "r": {"pools": "vip4", "vip_pools": {"vip4": {"addrs": "10.99.0.0/24"}}},
        "misconfigured": {"setting": "phase2.virtual_ip", "initiator": "no vips",
                          "responder": "pools = vip4"},
        "log_expect": {"responder": [r"expected a virtual IP request, sending FAILED_CP_REQUIRED"],
                       "initiator": [r"received FAILED_CP_REQUIRED notify, no CHILD_SA built"]},
        "expect": {"responder": failed("phase2_virtual_ip_failure"),
                   "initiator": failed("phase2_virtual_ip_failure")},
    },
    {
        "name": "vip-no-pool", "versions": (2,), "phase": 2,
        "class": "phase2_virtual_ip_failure",
        "description": "the initiator requests a virtual IP (vips = 0.0.0.0); the responder's "
        "connection has no pool",
        "i": {"vips": "0.0.0.0"},
        "misconfigured": {"setting": "phase2.virtual_ip", "initiator": "vips = 0.0.0.0",
                          "responder": "no pools"},
        "log_expect": {"responder": [r"no virtual IP found for \S+ requested by"],
                       "initiator": [r"received INTERNAL_ADDRESS_FAILURE notify, no CHILD_SA "
                                     r"built"]},
        "expect": {"responder": failed("phase2_virtual_ip_failure"),
                   "initiator": failed("phase2_virtual_ip_failure")},
    },
    {
        "name": "ipv6-p2-ts-mismatch", "family": 6, "phase": 2,
        "class": "phase2_network_mismatch",
        "description": "IPv6 endpoints and subnets; initiator local subnet {A_NET}, responder "
        "expects remote subnet {A_NET2}",
        "r": {"child": {"remote_ts": "{A_NET2}"}},
        "misconfigured": {"setting": "phase2.remote_network", "initiator": "local {A_NET}",
                          "responder": "remote {A_NET2}"},
        "log_expect": ts_refused_lines(),
        "expect": {"responder": failed("phase2_network_mismatch"),
                   "initiator": failed("phase2_network_mismatch")},
    },
    {
        "name": "multi-child-ts-mismatch", "kernel": "libipsec", "phase": 2,
        "class": "phase2_network_mismatch",
        "description": "one P1 with two P2s (children con1 and con1_2, as pfSense writes several "
        "phase 2 entries); con1 comes up, con1_2 has a remote subnet the responder does not "
        "have ({B_NET3} instead of {B_NET2})",
        "i": {"children": {
            "con1": {"local_ts": "{A_NET}", "remote_ts": "{B_NET}",
                     "esp_proposals": "aes256-sha256", "start_action": "none",
                     "dpd_action": "clear"},
            "con1_2": {"local_ts": "{A_NET2}", "remote_ts": "{B_NET3}",
                       "esp_proposals": "aes256-sha256", "start_action": "none",
                       "dpd_action": "clear"}}},
        "r": {"children": {
            "con1": {"local_ts": "{B_NET}", "remote_ts": "{A_NET}",
                     "esp_proposals": "aes256-sha256", "start_action": "none",
                     "dpd_action": "clear"},
            "con1_2": {"local_ts": "{B_NET2}", "remote_ts": "{A_NET2}",
                       "esp_proposals": "aes256-sha256", "start_action": "none",
                       "dpd_action": "clear"}}},
        "misconfigured": {"setting": "phase2.remote_network (second P2)",
                          "initiator": "remote {B_NET3}", "responder": "local {B_NET2}"},
        "actions": [("initiate", {"child": "con1"}), ("initiate", {"child": "con1_2"}),
                    ("settle", {})],
        "log_expect": {"v1": {"responder": [r"CHILD_SA con1\{\d+\} established",
                                            r"no matching CHILD_SA config found"],
                              "initiator": [r"CHILD_SA con1\{\d+\} established",
                                            r"received INVALID_ID_INFORMATION error notify"]},
                       "v2": {"responder": [r"CHILD_SA con1\{\d+\} established",
                                            r"traffic selectors .* unacceptable"],
                              "initiator": [r"CHILD_SA con1\{\d+\} established",
                                            r"received TS_UNACCEPTABLE notify, no CHILD_SA "
                                            r"built"]}},
        "expect": {"responder": failed("phase2_network_mismatch"),
                   "initiator": failed("phase2_network_mismatch")},
        "expect_tunnels": {
            "initiator": [{"connection": "con1", "child": "con1", "outcome": "established"},
                          {"connection": "con1", "child": "con1_2",
                           **failed("phase2_network_mismatch")}],
            "responder": [{"connection": "con1", "child": "con1", "outcome": "established"},
                          {"connection": "con1", "child": "con1_2",
                           **failed("phase2_network_mismatch")}]},
        "notes": "Two diagnoses per log: con1 up, con1_2 refused. The responder may not name "
                 "con1_2 (no child config matches the proposed subnets).",
    },
    # ------------------------------------------------------------------ certificates / EAP
    dict({
        "name": "cert-untrusted-ca", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the responder does not trust the CA that "
        "signed the initiator's certificate",
        "certs": certs(responder_trusts="otherca"),
        "misconfigured": {"setting": "phase1.peer_certificate_authority",
                          "initiator": "certificate signed by Lab CA",
                          "responder": "trusts Other CA only"},
        "log_expect": {"responder": [r"no issuer certificate found for",
                                     r"no trusted ECDSA public key found for '{A}'"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure"),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure",
                                       advice_contains=["the peer must trust the CA that issued "
                                                        "it"])},
    }, **CERT_AUTH),
    dict({
        "name": "cert-untrusted-ca-initiator", "phase": 1, "kernel": "libipsec",
        "class": "phase1_certificate_failure",
        "description": "certificate authentication; the initiator does not trust the CA that "
        "signed the responder's certificate (the responder trusts the initiator's): the "
        "responder authenticates the initiator and sends its own AUTH, which the initiator "
        "then refuses",
        "certs": dict(certs(), initiator={"x509": ["a"], "x509ca": ["otherca"]}),
        "misconfigured": {"setting": "phase1.peer_certificate_authority",
                          "initiator": "trusts Other CA only",
                          "responder": "certificate signed by Lab CA"},
        "log_expect": {"initiator": [r"no trusted ECDSA public key found for '{B}'"]},
        "expect": {"initiator": failed("phase1_certificate_failure"),
                   "responder": failed("phase1_certificate_failure",
                                       title_contains=["the peer refused this end's certificate"],
                                       advice_contains=["the peer must trust the CA that issued "
                                                        "it"],
                                       absent_class=["tunnel_closed", "tunnel_closed_early"],
                                       latest={"phase1": "failed"})},
    }, **CERT_AUTH),
    dict({
        "name": "p1-auth-psk-vs-cert", "phase": 1, "class": "phase1_authentication_failure",
        "description": "authentication method mismatch: the initiator authenticates with a "
        "pre-shared key, the responder expects a certificate (and has no PSK for it)",
        "certs": certs(),
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "pubkey"}},
        "misconfigured": {"setting": "phase1.authentication_method",
                          "initiator": "Mutual PSK", "responder": "Mutual Certificate"},
        "log_expect": {},
        "expect": {"responder": failed("phase1_authentication_failure",
                                       offending=("phase1.authentication_method",
                                                  ["public key"], ["pre-shared key"])),
                   # the initiator reads what a peer without this end's key answers
                   # (IKEv2 AUTHENTICATION_FAILED, IKEv1 INVALID_KEY_INFORMATION)
                   "initiator": failed("phase1_psk_mismatch", "phase1_authentication_failure")},
        "notes": "The responder's dump of its connection (remote class = public key) tells "
                 "the methods apart from a missing key; without it (logs below level 2 for "
                 "CFG) 'no shared key found' reads as this end lacking the key.",
    }),
    {
        "name": "p2-protocol-ah-vs-esp", "phase": 2, "class": "phase2_proposal_mismatch",
        "description": "phase 2 protocol mismatch: the initiator proposes AH (integrity only), "
        "the responder ESP",
        "i": {"child": {"esp_proposals": None, "ah_proposals": "sha256"}},
        "misconfigured": {"setting": "phase2.protocol", "initiator": "AH", "responder": "ESP"},
        "log_expect": {},
        "expect": {"responder": failed("phase2_proposal_mismatch",
                                       offending=("phase2.protocol", ["ESP"], ["AH"])),
                   "initiator": failed("phase2_proposal_mismatch")},
        "notes": "The responder's 'protocol mismatch, skipping' (CFG 2) and the lists' "
                 "prefixes (AH: against ESP:) say it; no algorithm is the difference.",
    },
    dict({
        "name": "p1-auth-cert-vs-psk", "phase": 1, "class": "phase1_authentication_failure",
        "description": "authentication method mismatch: the initiator authenticates with its "
        "certificate, the responder expects a pre-shared key (and trusts the same CA)",
        "certs": certs(),
        "i": {"psk": None, "local": {"auth": "pubkey", "certs": "a.crt"},
              "remote": {"auth": "pubkey"}},
        "misconfigured": {"setting": "phase1.authentication_method",
                          "initiator": "Mutual Certificate", "responder": "Mutual PSK"},
        "log_expect": {},
        "expect": {"responder": failed("phase1_authentication_failure",
                                       offending=("phase1.authentication_method",
                                                  ["pre-shared key"], None)),
                   "initiator": failed("phase1_authentication_failure",
                                       "phase1_certificate_failure", "phase1_psk_mismatch")},
    }),
    dict({
        "name": "p1-auth-asymmetric-ikev1", "versions": (1,), "phase": 1,
        "class": "phase1_authentication_failure",
        "description": "IKEv1 initiator whose connection authenticates itself with a pre-shared "
        "key and expects a certificate from the peer: IKEv1 has no such method",
        "certs": certs(),
        "i": {"local": {"auth": "psk"}, "remote": {"auth": "pubkey"}},
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "pubkey"}},
        "misconfigured": {"setting": "phase1.authentication_method",
                          "initiator": "local psk, remote pubkey", "responder": "pubkey"},
        "log_expect": {"initiator": [r"configuration uses unsupported authentication"]},
        "expect": {"initiator": failed("phase1_authentication_failure",
                                       offending=("phase1.authentication_method",
                                                  ["pre-shared key for this end; public key for the peer"],
                                                  [None])),
                   "responder": ND},
        "notes": "The responder never hears of it: charon stops before its first message.",
    }),
    dict({
        "name": "cert-expired", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the initiator's certificate expired "
        "(valid 2020-01-01 to 2021-01-01)",
        "certs": certs(a_not_before="2020-01-01 00:00:00", a_not_after="2021-01-01 00:00:00"),
        "misconfigured": {"setting": "phase1.my_certificate",
                          "initiator": "expired certificate", "responder": "(valid CA)"},
        "log_expect": {"responder": [r"certificate invalid \(valid from"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure"),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    }, **CERT_AUTH),
    dict({
        "name": "cert-ca-expired", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; both certificates are valid, but the CA "
        "that issued them (and that both ends trust) expired (valid 2015-01-01 to 2020-01-01)",
        "certs": dict(certs(), cas={"labca": {"dn": CERT_DNS["labca"],
                                              "not_before": "2015-01-01 00:00:00",
                                              "not_after": "2020-01-01 00:00:00"},
                                    "otherca": CERT_DNS["otherca"]}),
        "misconfigured": {"setting": "phase1.certificate_authority",
                          "initiator": "Lab CA (expired)", "responder": "Lab CA (expired)"},
        "log_expect": {"responder": [r"certificate invalid \(valid from|no trusted"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       detail_contains=['the CA "C=XX, O=Lab, CN=Lab CA" of the '
                                                        "peer's certificate chain"],
                                       advice_contains=['The CA certificate "C=XX, O=Lab, CN=Lab '
                                                        'CA" of the peer\'s chain is outside its '
                                                        'validity period']),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    }, **CERT_AUTH),
    dict({
        "name": "cert-intermediate-missing", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the initiator's certificate is issued by an "
        "intermediate CA (Lab Sub CA, under Lab CA) that neither end has: the initiator cannot "
        "send it and the responder, trusting Lab CA, cannot build the chain",
        "certs": {"cas": {"labca": CERT_DNS["labca"],
                          "labsub": {"dn": "C=XX, O=Lab, CN=Lab Sub CA", "issuer": "labca"}},
                  "certs": {"a": {"dn": "C=XX, O=Lab, CN={A}", "san": "{A}", "ca": "labsub"},
                            "b": {"dn": "C=XX, O=Lab, CN={B}", "san": "{B}", "ca": "labca"}},
                  "initiator": {"x509": ["a"], "x509ca": ["labca"]},
                  "responder": {"x509": ["b"], "x509ca": ["labca"]}},
        "misconfigured": {"setting": "phase1.certificate_authority",
                          "initiator": "certificate issued by Lab Sub CA, which it does not have",
                          "responder": "trusts Lab CA only"},
        "log_expect": {"responder": [r"no issuer certificate found for"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       detail_contains=['issuer "C=XX, O=Lab, CN=Lab Sub CA" is '
                                                        'not a trusted CA here']),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    }, **CERT_AUTH),
    {
        "name": "cert-peer-ca-pinned-wrong", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the responder has both CAs, but its "
        "connection pins the peer's CA to Other CA (remote.cacerts, pfSense's Peer Certificate "
        "Authority) while the initiator's certificate is issued by Lab CA",
        "certs": dict(certs(), responder={"x509": ["b"], "x509ca": ["labca", "otherca"]}),
        "i": dict(CERT_AUTH["i"]),
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "pubkey", "cacerts": "otherca.crt"}},
        "misconfigured": {"setting": "phase1.peer_certificate_authority",
                          "initiator": "certificate issued by Lab CA",
                          "responder": "Peer Certificate Authority: Other CA"},
        "log_expect": {"responder": [r"peer not authenticated by CA"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       title_contains=["not from the CA the connection requires"],
                                       detail_contains=['checked out up to "C=XX, O=Lab, CN=Lab '
                                                        'CA"']),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    },
    {
        "name": "cert-signature-scheme-refused", "versions": (2,), "phase": 1,
        "class": "phase1_authentication_failure",
        "description": "certificate authentication; the responder accepts only SHA-512 "
        "signatures from the initiator (remote.auth = pubkey-sha512), which signs with SHA-256",
        "certs": certs(),
        "i": dict(CERT_AUTH["i"]),
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "pubkey-sha512"}},
        "misconfigured": {"setting": "phase1.signature_scheme",
                          "initiator": "signs with SHA-256", "responder": "requires SHA-512"},
        "log_expect": {"responder": [r"signature scheme .* not acceptable"]},
        "expect": {"responder": failed("phase1_authentication_failure",
                                       offending=("phase1.signature_scheme", [None],
                                                  ["ECDSA_WITH_SHA256_DER"]),
                                       title_contains=["signature scheme"]),
                   "initiator": failed("phase1_authentication_failure",
                                       "phase1_certificate_failure")},
    },
    {
        "name": "eap-md5-failure", "versions": (2,), "phase": 1, "class": "phase1_eap_failure",
        "description": "EAP-MD5 client (initiator, user alice) with a wrong password; the "
        "responder authenticates with the PSK",
        "plugins_note": "eap-md5 eap-identity from libcharon-extra-plugins",
        "i": {"local": {"auth": "eap-md5", "eap_id": "alice", "id": "{A}"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-wrong-password"'}}},
        "r": {"remote": {"auth": "eap-md5", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "misconfigured": {"setting": "mobile.user_password", "initiator": "alice-wrong-password",
                          "responder": "alice-password"},
        "log_expect": {"responder": [r"EAP method EAP_MD5 failed for peer"],
                       "initiator": [r"received EAP_FAILURE, EAP authentication failed"]},
        "expect": {"responder": failed("phase1_eap_failure", "phase1_authentication_failure"),
                   "initiator": failed("phase1_eap_failure", "phase1_authentication_failure")},
    },
    {
        "name": "eap-identity-plugin-missing", "versions": (2,), "phase": 1,
        "class": "phase1_eap_failure",
        "description": "EAP-MD5 client (initiator, user alice) without the eap-identity plugin: "
        "it answers the server's EAP-Identity request with EAP_NAK",
        "i": {"local": {"auth": "eap-md5", "eap_id": "alice", "id": "{A}"},
              "plugins": ["eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "r": {"remote": {"auth": "eap-md5", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "misconfigured": {"setting": "client plugin eap-identity", "initiator": "not loaded",
                          "responder": "loaded"},
        "log_expect": {"initiator": [r"EAP_IDENTITY not supported, sending EAP_NAK"]},
        "expect": {"initiator": failed("phase1_eap_failure"),
                   "responder": failed("phase1_eap_failure", "phase1_authentication_failure")},
    },
    {
        "name": "eap-md5-success", "versions": (2,), "kernel": "libipsec",
        "description": "control: EAP-MD5 client (initiator, user alice) with the right "
        "password; the responder authenticates with the PSK",
        "i": EAP_MD5_CLIENT_ALICE,
        "r": {"remote": {"auth": "eap-md5", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "log_expect": {"initiator": UP, "responder": UP + [r"EAP method EAP_MD5 succeeded"]},
        "expect": {"initiator": EST, "responder": EST},
    },
    *[{
        "name": "eap-radius-" + name, "versions": (2,), "phase": 1,
        "class": "phase1_eap_failure",
        "description": "EAP-MD5 client (initiator, user alice, right password) against a "
        "responder that hands EAP to a RADIUS server (remote auth eap-radius, the pfSense "
        "mobile-client setup with a RADIUS authentication server) at 127.0.0.1:1812: " + desc,
        "radius": radius,
        "i": EAP_MD5_CLIENT_ALICE,
        "r": {"remote": {"auth": "eap-radius", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-radius"],
              "strongswan": EAP_RADIUS_SETTINGS},
        "misconfigured": misconf,
        "log_expect": {"responder": [r"sending RADIUS Access-Request to server 'nps'", line],
                       "initiator": [r"received EAP_FAILURE"]},
        "expect": {"responder": failed("phase1_eap_failure", **res),
                   "initiator": failed("phase1_eap_failure")},
    } for name, desc, radius, line, misconf, res in (
        ("server-refused", "no RADIUS server runs there (the port is closed)", None,
         r"receiving RADIUS message failed: Connection refused",
         {"setting": "radius.server", "initiator": None, "responder": "127.0.0.1:1812 (closed)"},
         {"title_contains": "RADIUS server", "advice_contains": "Authentication Servers",
          "detail_contains": "Connection refused"}),
        ("server-silent", "the RADIUS server reads the requests and never answers "
         "(retransmits shortened: timeout 1s, base 1.2, 2 tries)", {"mode": "silent",
                                                                    "secret": "radius-secret"},
         r"RADIUS Access-Request timed out after 2 attempts",
         {"setting": "radius.server", "initiator": None, "responder": "no answer"},
         {"title_contains": "RADIUS server", "advice_contains": "Authentication Servers",
          "detail_contains": "timed out"}),
        ("secret-mismatch", "the RADIUS server answers with another shared secret than "
         "charon's", {"mode": "reject", "secret": "other-secret"},
         r"RADIUS Response-Authenticator verification failed",
         {"setting": "radius.shared_secret", "initiator": None,
          "responder": "radius-secret (RADIUS server: other-secret)"},
         {"title_contains": "RADIUS", "advice_contains": "Shared Secret",
          "detail_contains": "shared secret"}),
        ("user-rejected", "the RADIUS server (same shared secret) rejects the user",
         {"mode": "reject", "secret": "radius-secret"},
         r"RADIUS authentication of 'alice' failed",
         {"setting": "radius.user", "initiator": "alice", "responder": "rejected by RADIUS"},
         {"detail_contains": "alice"}),
    )],
    {
        "name": "eap-radius-server-no-secret", "versions": (2,), "phase": 1,
        "class": "phase1_eap_failure",
        "description": "EAP-MD5 client (initiator, user alice, right password) against a "
        "responder whose eap-radius server has an address but no shared secret: charon skips "
        "it at start, and EAP_RADIUS cannot load",
        "i": EAP_MD5_CLIENT_ALICE,
        "r": {"remote": {"auth": "eap-radius", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-radius"],
              "strongswan": {"plugins": {"eap-radius": {"servers": {"nps": {"address": "127.0.0.1"}}}}}},
        "misconfigured": {"setting": "radius.shared_secret", "initiator": None,
                          "responder": "(none)"},
        "log_expect": {"responder": [r"RADIUS server 'nps' misses secret, skipped",
                                     r"loading EAP_RADIUS method failed"]},
        "expect": {"responder": failed("phase1_eap_failure",
                                       title_contains="no usable RADIUS server",
                                       advice_contains="Shared Secret"),
                   "initiator": failed("phase1_eap_failure")},
    },
    {
        "name": "eap-server-cert-untrusted", "versions": (2,), "phase": 1,
        "class": "phase1_certificate_failure",
        "description": "EAP-MD5 client (initiator, user alice, right password) against a "
        "server that authenticates with a certificate (the usual remote-access setup); the "
        "client trusts Other CA only, not Lab CA that issued the server's certificate",
        "certs": {"cas": dict(CERT_DNS),
                  "certs": {"b": {"dn": "C=XX, O=Lab, CN={B}", "san": "{B}", "ca": "labca"}},
                  "initiator": {"x509ca": ["otherca"]},
                  "responder": {"x509": ["b"], "x509ca": ["labca"]}},
        "i": {"psk": None, "local": {"auth": "eap-md5", "eap_id": "alice", "id": "{A}"},
              "remote": {"auth": "pubkey"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "eap-md5", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "misconfigured": {"setting": "phase1.peer_certificate_authority",
                          "initiator": "trusts Other CA only",
                          "responder": "certificate issued by Lab CA"},
        "log_expect": {"initiator": [r"no trusted ECDSA public key found for '{B}'"]},
        "expect": {"initiator": failed("phase1_certificate_failure"),
                   "responder": failed("phase1_certificate_failure",
                                       advice_contains=["the peer must trust the CA that "
                                                        "issued it"])},
    },
    {
        "name": "eap-mschapv2-failure", "versions": (2,), "phase": 1,
        "class": "phase1_eap_failure",
        "description": "EAP-MSCHAPv2 client (initiator, user alice; what pfSense mobile clients "
        "use) with a wrong password; the responder authenticates with the PSK",
        "i": {"local": {"auth": "eap-mschapv2", "eap_id": "alice", "id": "{A}"},
              "plugins": ["eap-identity", "eap-mschapv2"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-wrong-password"'}}},
        "r": {"remote": {"auth": "eap-mschapv2", "eap_id": "%any"},
              "plugins": ["eap-identity", "eap-mschapv2"],
              "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "misconfigured": {"setting": "mobile.user_password", "initiator": "alice-wrong-password",
                          "responder": "alice-password"},
        # 5.x and 6.0: the server asks again once ("verification failed, retry (1)"),
        # the client gives up and sends AUTH_FAILED; 6.1.0's server has no retry
        # and fails the method at once (EAP/FAIL), the client logs only EAP_FAILURE
        "log_expect": {"responder": [r"EAP-MS-CHAPv2 verification failed|"
                                     r"EAP method EAP_MSCHAPV2 failed for peer",
                                     r"parsed INFORMATIONAL request \d+ \[ N\(AUTH_FAILED\) \]|"
                                     r"generating IKE_AUTH response \d+ \[ EAP/FAIL \]"],
                       "initiator": [r"EAP-MS-CHAPv2 failed with error ERROR_AUTHENTICATION_FAILURE|"
                                     r"received EAP_FAILURE, EAP authentication failed",
                                     r"EAP_MSCHAPV2 method failed|generating INFORMATIONAL "
                                     r"request \d+ \[ N\(AUTH_FAILED\) \]"]},
        "expect": {"responder": failed("phase1_eap_failure", "phase1_authentication_failure"),
                   "initiator": failed("phase1_eap_failure", "phase1_authentication_failure")},
    },
    {
        "name": "xauth-failure", "versions": (1,), "phase": 1,
        "class": "phase1_authentication_failure",
        "description": "IKEv1 PSK + XAuth (second round, user alice) with a wrong password",
        "i": {"local-xauth": {"auth": "xauth", "xauth_id": "alice"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-wrong-password"'}}},
        "r": {"remote-xauth": {"auth": "xauth"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "misconfigured": {"setting": "mobile.user_password", "initiator": "alice-wrong-password",
                          "responder": "alice-password"},
        "log_expect": {"responder": [r"XAuth authentication of 'alice' failed"]},
        "expect": {"responder": failed("phase1_authentication_failure", "phase1_eap_failure"),
                   "initiator": failed("phase1_authentication_failure", "phase1_eap_failure")},
    },
    {
        "name": "xauth-user-not-allowed", "versions": (1,), "phase": 1,
        "class": "phase1_authentication_failure",
        "description": "IKEv1 PSK + XAuth: the user bob logs in with his right password, but the "
        "responder's connection accepts only the XAuth user alice (remote-xauth xauth_id)",
        "i": {"local-xauth": {"auth": "xauth", "xauth_id": "bob"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-bob": {"id": "bob", "secret": '"bob-password"'}}},
        "r": {"remote-xauth": {"auth": "xauth", "xauth_id": "alice"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-password"'},
                          "xauth-bob": {"id": "bob", "secret": '"bob-password"'}}},
        "misconfigured": {"setting": "mobile.xauth_user", "initiator": "bob",
                          "responder": "alice"},
        "log_expect": {"responder": [r"XAuth authentication of 'bob' successful",
                                     r"constraint check failed: EAP identity 'alice'",
                                     r"selected peer config 'con1' (un|in)acceptable"]},
        "expect": {"responder": failed("phase1_authentication_failure",
                                       offending=("phase1.xauth_identity", ["alice"], ["bob"])),
                   "initiator": failed("phase1_authentication_failure", "phase1_eap_failure")},
        "notes": "auth_cfg.c logs an XAuth identity constraint as an 'EAP identity' one; the "
                 "XAuth round itself succeeded (the password is right), so this is not a wrong "
                 "password and not a missing EAP round: the connection wants another user.",
    },
    {
        "name": "xauth-mm-lost-ok", "versions": (1,), "drop_small_ike_once": "initiator",
        "kernel": "libipsec",
        "description": "control: IKEv1 PSK + XAuth with the right password, and the Main Mode's "
        "last message (MM6) towards fw-a is lost on the way: the XAuth request fw-b sends right "
        "after it arrives first, and fw-a queues it until the retransmitted MM5 and MM6 "
        "complete the Main Mode; XAuth succeeds",
        "i": XAUTH_CLIENT_ALICE,
        "r": {"remote-xauth": {"auth": "xauth"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "log_expect": {"initiator": [r"queueing TRANSACTION request as tasks still active",
                                     r"IKE_SA con1\[\d+\] established"],
                       "responder": [r"XAuth authentication of 'alice' successful"]},
        "expect": {r: {"outcome": "established", "latest": {"phase1": "established"},
                       "note": "no error diagnosis: a request that cannot be decrypted before "
                               "its Main Mode completes is no pre-shared key mismatch"}
                   for r in ("initiator", "responder")},
    },
    {
        "name": "xauth-radius-server-refused", "versions": (1,), "phase": 1,
        "class": "phase1_authentication_failure",
        "description": "IKEv1 PSK + XAuth (user alice, right password) against a responder "
        "whose XAuth users are checked by a RADIUS server (remote-xauth auth xauth-radius: "
        "pfSense's Mutual PSK + Xauth with a RADIUS user source) at 127.0.0.1:1812, where no "
        "RADIUS server runs",
        "i": XAUTH_CLIENT_ALICE,
        "r": {"remote-xauth": {"auth": "xauth-radius"},
              "plugins": ["eap-radius"],
              "strongswan": EAP_RADIUS_SETTINGS},
        "misconfigured": {"setting": "radius.server", "initiator": None,
                          "responder": "127.0.0.1:1812 (closed)"},
        "log_expect": {"responder": [r"sending RADIUS Access-Request to server 'nps'",
                                     r"receiving RADIUS message failed: Connection refused"]},
        "expect": {"responder": failed("phase1_authentication_failure",
                                       title_contains="RADIUS server",
                                       advice_contains="Authentication Servers"),
                   "initiator": failed("phase1_authentication_failure", "phase1_eap_failure")},
    },
    # ------------------------------------------------------------------ several tunnels
    {
        "name": "multi-tunnel-interleaved",
        "needs_ike_name": "three tunnels to the same peer negotiate at once: without prefixes their lines are told apart by thread and proximity only", "kernel": "libipsec", "phase": 2,
        "class": "phase2_encryption_mismatch",
        "description": "three tunnels between the same two daemons, initiated at the same time "
        "so that their lines interleave: con1 comes up, con2 has a P2 encryption mismatch "
        "(AES128 vs AES256), con3 a PSK mismatch",
        "i": {"local": {"id": "t1.fw-a.example.net"}, "remote": {"id": "t1.fw-b.example.net"},
              "psk": None,
              "conns": {
                  "con2": {"local": {"id": "t2.fw-a.example.net"},
                           "remote": {"id": "t2.fw-b.example.net"},
                           "children": {"con2": {"local_ts": "{A_NET2}", "remote_ts": "{B_NET2}",
                                                 "esp_proposals": "aes128-sha256",
                                                 "start_action": "none",
                                                 "dpd_action": "clear"}}},
                  "con3": {"local": {"id": "t3.fw-a.example.net"},
                           "remote": {"id": "t3.fw-b.example.net"},
                           "children": {"con3": {"local_ts": "{A_NET3}", "remote_ts": "{B_NET3}",
                                                 "esp_proposals": "aes256-sha256",
                                                 "start_action": "none",
                                                 "dpd_action": "clear"}}}},
              "secrets": {"ike-1": {"secret": '"%s"' % PSK, "id-0": "t1.fw-a.example.net",
                                    "id-1": "t1.fw-b.example.net"},
                          "ike-2": {"secret": '"%s"' % PSK, "id-0": "t2.fw-a.example.net",
                                    "id-1": "t2.fw-b.example.net"},
                          "ike-3": {"secret": '"Wrong-PSK-for-t3"', "id-0": "t3.fw-a.example.net",
                                    "id-1": "t3.fw-b.example.net"}}},
        "r": {"local": {"id": "t1.fw-b.example.net"}, "remote": {"id": "t1.fw-a.example.net"},
              "psk": None,
              "conns": {
                  "con2": {"local": {"id": "t2.fw-b.example.net"},
                           "remote": {"id": "t2.fw-a.example.net"},
                           "children": {"con2": {"local_ts": "{B_NET2}", "remote_ts": "{A_NET2}",
                                                 "esp_proposals": "aes256-sha256",
                                                 "start_action": "none",
                                                 "dpd_action": "clear"}}},
                  "con3": {"local": {"id": "t3.fw-b.example.net"},
                           "remote": {"id": "t3.fw-a.example.net"},
                           "children": {"con3": {"local_ts": "{B_NET3}", "remote_ts": "{A_NET3}",
                                                 "esp_proposals": "aes256-sha256",
                                                 "start_action": "none",
                                                 "dpd_action": "clear"}}}},
              "secrets": {"ike-1": {"secret": '"%s"' % PSK, "id-0": "t1.fw-b.example.net",
                                    "id-1": "t1.fw-a.example.net"},
                          "ike-2": {"secret": '"%s"' % PSK, "id-0": "t2.fw-b.example.net",
                                    "id-1": "t2.fw-a.example.net"},
                          "ike-3": {"secret": '"%s"' % PSK, "id-0": "t3.fw-b.example.net",
                                    "id-1": "t3.fw-a.example.net"}}},
        "actions": [("initiate", {"child": "con1", "background": True}),
                    ("initiate", {"child": "con2", "background": True}),
                    ("initiate", {"child": "con3", "background": True, "timeout": 20}),
                    ("join",), ("settle", {})],
        "misconfigured": {"setting": "con2: phase2.encryption; con3: phase1.pre_shared_key",
                          "initiator": "con2 aes128-sha256; con3 Wrong-PSK-for-t3",
                          "responder": "con2 aes256-sha256; con3 " + PSK},
        "log_expect": {"initiator": [r"CHILD_SA con1\{\d+\} established"],
                       "responder": [r"CHILD_SA con1\{\d+\} established",
                                     r"no acceptable ENCRYPTION_ALGORITHM found"]},
        # top level: the first error may be either failing tunnel's (con2 or con3);
        # `offending` is con2's proposal comparison; `tunnels` has each one
        "expect": {"responder": failed("phase2_encryption_mismatch", "phase1_psk_mismatch",
                                       offending=("phase2.encryption", ["AES_CBC_256"],
                                                  ["AES_CBC_128"])),
                   "initiator": {"v1": failed("phase2_encryption_mismatch",
                                              "phase2_proposal_mismatch", "phase1_psk_mismatch"),
                                 "v2": failed("phase2_encryption_mismatch",
                                              "phase2_proposal_mismatch", "phase1_psk_mismatch",
                                              "phase1_authentication_failure")}},
        "expect_tunnels": {
            "initiator": [
                {"connection": "con1", "outcome": "established"},
                {"connection": "con2", **failed("phase2_encryption_mismatch",
                                                "phase2_proposal_mismatch")},
                {"connection": "con3", **{"v1": failed("phase1_psk_mismatch"), "v2": PSK_V2_INITIATOR}}],
            "responder": [
                {"connection": "con1", "outcome": "established"},
                {"connection": "con2", **failed("phase2_encryption_mismatch",
                                                offending=("phase2.encryption", ["AES_CBC_256"],
                                                           ["AES_CBC_128"]))},
                {"v1": {"connection": None, **failed("phase1_psk_mismatch"),
                        "note": "IKEv1 Main Mode: the responder cannot decrypt the initiator's "
                                "ID with its key, so this IKE_SA never gets a connection name "
                                "(<N> prefix only)"},
                 "v2": {"connection": "con3", **failed("phase1_psk_mismatch")}}]},
        "notes": "Several diagnoses per log: the top-level per-end entry accepts the class of "
                 "either failing tunnel (con2, con3) and has con2's proposal comparison as "
                 "`offending`; `tunnels` lists every negotiation per end, by connection "
                 "(IKE_SA) name.",
    },
]


# ---------------------------------------------------------------------------------- variants
# Everything at level 1: pfSense's IPsec Logging Controls with every subsystem at "Control"
# (nobody raised IKE SA / IKE Child SA / Configuration Backend to "Diag"). Gone: "selecting
# proposal:" and "no acceptable X found" (CFG 2), the traffic selector dumps, most of IKE 2.
QUIET_LOG = {"default": 1, "ike": 1, "chd": 1, "cfg": 1}
NOT_DIAG = [r"!selecting proposal:", r"!no acceptable [A-Z_]+ found"]


def _by_name(name):
    for e in SCENARIOS:
        if e["name"] == name:
            return e
    raise KeyError(name)


def quiet(base, log_expect, expect=None, versions=None, notes=None):
    """The scenario `base` again, logged with every subsystem at level 1."""
    import copy
    e = copy.deepcopy(_by_name(base))
    e["name"] = "l1-" + base
    e["description"] = "all log levels 1 (pfSense 'Control' everywhere, no Diag): " + \
        e["description"]
    e["log"] = dict(QUIET_LOG)
    e["log_expect"] = log_expect
    if expect is not None:
        e["expect"] = expect
    if versions is not None:
        e["versions"] = versions
    e["notes"] = notes or ("Logged with every subsystem at level 1: the responder's log has "
                           "the received and configured proposals (or the refusal) but no "
                           "'selecting proposal' / 'no acceptable ... found' lines.")
    return e


# CHILD_SA lifetimes short enough for a rekey within the run (initiator only, so that the
# initiator is the one that rekeys; no rand_time so that it happens when expected)
SHORT_CHILD_LIFE = {"rekey_time": "4s", "life_time": "9s", "rand_time": "0s"}

SCENARIOS += [
    quiet("p1-encryption-mismatch",
          {"initiator": notify_lines("ike"),
           "responder": [r"received proposals: IKE:", r"configured proposals: IKE:"] +
                        NOT_DIAG + [proposal_lines("ike")]}),
    quiet("p1-dh-ecp-vs-modp",
          {"initiator": notify_lines("ike"),
           "responder": [r"received proposals: IKE:.*ECP_256", r"configured proposals: IKE:"
                         r".*MODP_2048"] + NOT_DIAG + [proposal_lines("ike")]}),
    quiet("p2-encryption-mismatch",
          {"initiator": notify_lines("esp"),
           "responder": [r"received proposals: ESP:", r"configured proposals: ESP:"] +
                        NOT_DIAG + [proposal_lines("esp")]}),
    quiet("p1-psk-mismatch",
          {"v1": {"responder": [r"invalid ID_V1 payload length, decryption failed"]},
           "v2": {"responder": [r"MAC mismatched|verification of AUTH payload failed|"
                                r"AUTHENTICATION_FAILED"],
                  "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
          notes="Logged with every subsystem at level 1."),
    quiet("p1-id-mismatch",
          {"v1": {"responder": [r"no peer config found"],
                  "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
           "v2": {"responder": [r"no matching peer config found"],
                  "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
          notes="Logged with every subsystem at level 1. The IKEv2 initiator's log is the same "
                "as for a PSK mismatch (only AUTHENTICATION_FAILED), so phase1_psk_mismatch and "
                "phase1_authentication_failure are accepted for it."),
    quiet("p1-id-mismatch-nat",
          {"v1": {"responder": [r"no peer config found"],
                  "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
           "v2": {"responder": [r"no matching peer config found"],
                  "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
          notes="Logged with every subsystem at level 1: whether the log still says that the "
                "peer is behind a NAT depends on the level of that line."),
    quiet("p2-ts-mismatch",
          {"v1": {"responder": [r"no matching CHILD_SA config found",
                                r"!proposing traffic selectors"],
                  "initiator": [r"received INVALID_ID_INFORMATION error notify"]},
           "v2": {"responder": [r"traffic selectors .* unacceptable"],
                  "initiator": [r"received TS_UNACCEPTABLE notify, no CHILD_SA built"]}},
          notes="Logged with every subsystem at level 1: no 'proposing traffic selectors' "
                "dumps; what is left is the refusal."),
    quiet("p1-mode-aggressive-vs-main",
          {"responder": [r"Aggressive Mode PSK disabled for security reasons"],
           "initiator": [r"received AUTHENTICATION_FAILED error notify"]},
          notes="Logged with every subsystem at level 1."),
    quiet("success", {"initiator": UP + NOT_DIAG, "responder": UP + NOT_DIAG},
          notes="Logged with every subsystem at level 1: a working tunnel must not look like "
                "anything else."),
    # ---------------------------------------------------------------- ike_name = no
    {
        "name": "noname-two-tunnels", "kernel": "libipsec", "phase": 2,
        "class": "phase2_encryption_mismatch", "log": {"ike_name": "no"},
        "description": "charon's log without connection prefixes (filelog ike_name = no): two "
        "tunnels (P1 con1 and con2, own identifiers) to the same peer, one after the other; "
        "con1 comes up, con2 has a P2 encryption mismatch (AES128 vs AES256)",
        "i": {"local": {"id": "t1.fw-a.example.net"}, "remote": {"id": "t1.fw-b.example.net"},
              "psk": None,
              "conns": {"con2": {"local": {"id": "t2.fw-a.example.net"},
                                 "remote": {"id": "t2.fw-b.example.net"},
                                 "children": {"con2": {"local_ts": "{A_NET2}",
                                                       "remote_ts": "{B_NET2}",
                                                       "esp_proposals": "aes128-sha256",
                                                       "start_action": "none",
                                                       "dpd_action": "clear"}}}},
              "secrets": {"ike-1": {"secret": '"%s"' % PSK, "id-0": "t1.fw-a.example.net",
                                    "id-1": "t1.fw-b.example.net"},
                          "ike-2": {"secret": '"%s"' % PSK, "id-0": "t2.fw-a.example.net",
                                    "id-1": "t2.fw-b.example.net"}}},
        "r": {"local": {"id": "t1.fw-b.example.net"}, "remote": {"id": "t1.fw-a.example.net"},
              "psk": None,
              "conns": {"con2": {"local": {"id": "t2.fw-b.example.net"},
                                 "remote": {"id": "t2.fw-a.example.net"},
                                 "children": {"con2": {"local_ts": "{B_NET2}",
                                                       "remote_ts": "{A_NET2}",
                                                       "esp_proposals": "aes256-sha256",
                                                       "start_action": "none",
                                                       "dpd_action": "clear"}}}},
              "secrets": {"ike-1": {"secret": '"%s"' % PSK, "id-0": "t1.fw-b.example.net",
                                    "id-1": "t1.fw-a.example.net"},
                          "ike-2": {"secret": '"%s"' % PSK, "id-0": "t2.fw-b.example.net",
                                    "id-1": "t2.fw-a.example.net"}}},
        "actions": [("initiate", {"child": "con1"}), ("settle", {"quiet": 1, "max": 4}),
                    ("initiate", {"child": "con2"}), ("settle", {})],
        "misconfigured": {"setting": "con2: phase2.encryption", "initiator": "aes128-sha256",
                          "responder": "aes256-sha256"},
        "log_expect": {"initiator": [r"CHILD_SA con1\{\d+\} established", r"!\] <"],
                       "responder": [r"CHILD_SA con1\{\d+\} established",
                                     r"no acceptable ENCRYPTION_ALGORITHM found", r"!\] <"]},
        "expect": {"responder": failed("phase2_encryption_mismatch",
                                       offending=("phase2.encryption", ["AES_CBC_256"],
                                                  ["AES_CBC_128"])),
                   "initiator": failed("phase2_encryption_mismatch",
                                       "phase2_proposal_mismatch")},
        "expect_tunnels": {
            "initiator": [{"connection": "con1", "child": "con1", "outcome": "established"},
                          {"connection": "con2", **failed("phase2_encryption_mismatch",
                                                          "phase2_proposal_mismatch")}],
            "responder": [{"connection": "con1", "child": "con1", "outcome": "established"},
                          {"connection": "con2", **failed("phase2_encryption_mismatch")}]},
        "notes": "No '<con1|1>' prefixes: which lines belong to which tunnel can only be told "
                 "from the order of events and the names in 'IKE_SA con2[2] established' / "
                 "'CHILD_SA con1{1} established'.",
    },
    # ---------------------------------------------------------------- more phase 2 / phase 1
    {
        "name": "p2-ts-narrowing-initiator", "kernel": "libipsec",
        "description": "traffic selector narrowing the other way: the initiator asks for "
        "{A_NET} === {B_NET}, the responder's local subnet is the wider {B_WIDE}: the responder "
        "narrows to the initiator's subnets, the tunnel comes up",
        "r": {"child": {"local_ts": "{B_WIDE}"}},
        "log_expect": {"initiator": UP + [r"and TS {A_NET} === {B_NET}"],
                       "responder": UP + [r"and TS {B_NET} === {A_NET}"]},
        "expect": {"initiator": EST, "responder": EST},
        "notes": "Narrowing is not an error: the CHILD_SA comes up with the narrower subnets.",
    },
    p2_mismatch("p2-esp-gcm-vs-cbc", "P2 (ESP) AES-GCM 256 (initiator, aes256gcm16, no "
                "integrity) vs AES-CBC 256 with SHA256 (responder)", "phase2.encryption",
                "phase2_encryption_mismatch", "aes256gcm16", "aes256-sha256",
                ["AES_CBC_256"], ["AES_GCM_16_256"], "ENCRYPTION_ALGORITHM"),
    p2_mismatch("p2-esp-gcm-icv-length", "P2 (ESP) AES-GCM 128 with a 16-byte ICV "
                "(initiator, aes128gcm16) vs a 12-byte ICV (responder, aes128gcm12)",
                "phase2.encryption", "phase2_encryption_mismatch", "aes128gcm16", "aes128gcm12",
                ["AES_GCM_12_128"], ["AES_GCM_16_128"], "ENCRYPTION_ALGORITHM"),
    p2_mismatch("p2-esp-chacha20-vs-aes", "P2 (ESP) ChaCha20-Poly1305 (initiator) vs "
                "AES-GCM 256 (responder)", "phase2.encryption", "phase2_encryption_mismatch",
                "chacha20poly1305", "aes256gcm16", ["AES_GCM_16_256"], ["CHACHA20_POLY1305"],
                "ENCRYPTION_ALGORITHM", versions=(2,),
                notes="IKEv2 only: IKEv1 has no ChaCha20-Poly1305."),
    p2_mismatch("p2-hash-sha256-96", "P2 (ESP) integrity HMAC-SHA-256 truncated to 96 bits "
                "(initiator, sha256_96, as pre-RFC 4868 Linux kernels did) vs 128 bits "
                "(responder, sha256)", "phase2.integrity", "phase2_hash_mismatch",
                "aes256-sha256_96", "aes256-sha256", ["HMAC_SHA2_256_128"], ["HMAC_SHA2_256_96"],
                "INTEGRITY_ALGORITHM", versions=(2,),
                notes="IKEv2 only: IKEv1 has no identifier for HMAC_SHA2_256_96, so the initiator's "
                      "Quick Mode proposal arrives without integrity (the responder logs "
                      "ESP:AES_CBC_256/NO_EXT_SEQ, and the diagnosis says 'peer NONE')."),
    p1_mismatch("p1-ike-gcm-vs-cbc", "P1 AES-GCM 256 with PRF SHA256 (initiator, "
                "aes256gcm16-prfsha256) vs AES-CBC 256 with SHA256 (responder)",
                "phase1.encryption", "phase1_encryption_mismatch",
                "aes256gcm16-prfsha256-modp2048", "aes256-sha256-modp2048",
                ["AES_CBC_256"], ["AES_GCM_16_256"], "ENCRYPTION_ALGORITHM", versions=(2,),
                notes="IKEv2 only: strongSwan has no AEAD algorithms for IKEv1 phase 1."),
    {
        "name": "p2-pfs-off-vs-on", "versions": (1,), "phase": 2,
        "class": "phase2_pfs_mismatch",
        "description": "PFS the other way round: the initiator has PFS off, the responder "
        "requires MODP_2048",
        "i": {"child": {"esp_proposals": "aes256-sha256"}},
        "r": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "misconfigured": {"setting": "phase2.pfs_group", "initiator": "off",
                          "responder": "modp2048"},
        "log_expect": {"initiator": notify_lines("esp"),
                       "responder": [r"no acceptable " + KE_NAME + " found",
                                     proposal_lines("esp")]},
        "expect": {"responder": failed("phase2_pfs_mismatch",
                                       offending=("phase2.pfs_group", ["MODP_2048"], ["NONE"])),
                   "initiator": failed("phase2_pfs_mismatch", "phase2_proposal_mismatch")},
    },
    {
        "name": "p2-pfs-off-vs-on-rekey-lifetime", "versions": (2,), "kernel": "libipsec",
        "phase": 2, "class": "phase2_pfs_mismatch",
        "description": "PFS off (initiator) vs MODP_2048 (responder): the first CHILD_SA comes "
        "up (no KE in IKE_AUTH); the initiator's short CHILD_SA lifetime (rekey_time 4s) "
        "triggers the rekey on its own, which fails",
        "i": {"child": dict({"esp_proposals": "aes256-sha256"}, **SHORT_CHILD_LIFE)},
        "r": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "misconfigured": {"setting": "phase2.pfs_group", "initiator": "off",
                          "responder": "modp2048"},
        "actions": [("initiate", {}),
                    ("wait_log", {"end": "initiator", "pattern": r"NO_PROPOSAL_CHOSEN",
                                  "timeout": 10}),
                    ("settle", {"quiet": 1.5, "max": 8})],
        "log_expect": {"initiator": UP + [r"received NO_PROPOSAL_CHOSEN notify"],
                       "responder": UP + [r"no acceptable " + KE_NAME + " found"]},
        "expect": {"responder": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       offending=("phase2.pfs_group", ["MODP_2048"], ["NONE"])),
                   "initiator": failed("phase2_pfs_mismatch", "phase2_rekey_failure",
                                       "phase2_proposal_mismatch")},
    },
    {
        "name": "child-rekey-lifetime", "kernel": "libipsec",
        "description": "control: identical configs, PFS MODP_2048 on both ends; the initiator's "
        "short CHILD_SA lifetime (rekey_time 4s, life_time 9s) makes it rekey the CHILD_SA on "
        "its own during the run",
        "i": {"child": dict({"esp_proposals": "aes256-sha256-modp2048"}, **SHORT_CHILD_LIFE)},
        "r": {"child": {"esp_proposals": "aes256-sha256-modp2048"}},
        "actions": [("initiate", {}),
                    ("wait_log", {"end": "initiator", "pattern": REKEYED, "timeout": 10}),
                    ("wait", 1), ("settle", {"quiet": 1, "max": 4})],
        "log_expect": {"initiator": UP + [REKEYED], "responder": UP + [REKEYED]},
        "expect": {"initiator": EST, "responder": EST},
        "notes": "A lifetime-driven rekey: the old CHILD_SA is closed after the new one is up; "
                 "nothing failed.",
    },
    {
        "name": "keyingtries-silent-peer", "block_ike": True, "phase": 1,
        "class": "phase1_peer_unreachable",
        "description": "the router drops UDP 500/4500 (a silent peer); the initiator has "
        "keyingtries = 3 and gives up only after its third attempt (retransmits shortened to "
        "timeout 1s, base 1.2, 2 tries)",
        "i": {"keyingtries": 3,
              "strongswan": {"retransmit_timeout": "1.0", "retransmit_base": "1.2",
                             "retransmit_tries": 2}},
        "misconfigured": {"setting": "network.udp_500_4500", "initiator": "sent (3 attempts)",
                          "responder": "dropped on the path"},
        "actions": [("initiate", {"timeout": 20}),
                    ("wait_log", {"end": "initiator", "pattern": r"establishing IKE_SA failed, "
                                  r"peer not responding", "timeout": 16}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"peer not responding, trying again \(2/3\)",
                                     r"peer not responding, trying again \(3/3\)",
                                     r"establishing IKE_SA failed, peer not responding"],
                       "responder": [r"!received packet"]},
        "expect": {"responder": ND, "initiator": failed("phase1_peer_unreachable")},
    },
]


# strongSwan's own defaults for a log (what a Linux host's journal or a plain filelog holds):
# every subsystem at level 1 and no <conn|N> prefixes
LINUX_DEFAULT_LOG = dict(QUIET_LOG, ike_name="no")


def _linux_default(base, name, desc, actions=None, notes="", tunnels=True):
    import copy
    e = copy.deepcopy(_by_name(base))
    if not tunnels:
        e.pop("expect_tunnels", None)
    e["name"] = name
    e["description"] = desc
    e["log"] = dict(LINUX_DEFAULT_LOG)
    if actions:
        e["actions"] = actions
    le = e["log_expect"]
    le["responder"] = [p for p in le["responder"] if "no acceptable" not in p] + \
        [r"received proposals: ESP:.*AES_CBC_128", r"configured proposals: ESP:.*AES_CBC_256"] + \
        NOT_DIAG
    e["notes"] = notes
    return e


SCENARIOS += [
    _linux_default("noname-two-tunnels", "l1-noname-two-tunnels",
                   "strongSwan's default logging (level 1 everywhere, ike_name = no): two tunnels "
                   "(P1 con1 and con2, own identifiers) to the same peer, one after the other; "
                   "con1 comes up, con2 has a P2 encryption mismatch (AES128 vs AES256)",
                   notes="Neither <conn|N> prefixes nor 'selecting proposal' lines: only the "
                         "order of events, the names in the 'established' lines and the "
                         "received/configured proposals tell which tunnel failed and why."),
    _linux_default("noname-two-tunnels", "l1-noname-two-tunnels-concurrent",
                   "strongSwan's default logging (level 1 everywhere, ike_name = no): two tunnels "
                   "(P1 con1 and con2, own identifiers) to the same peer initiated at the same "
                   "time, so that their lines interleave; con1 comes up, con2 has a P2 "
                   "encryption mismatch (AES128 vs AES256)",
                   actions=[("initiate", {"child": "con1", "background": True}),
                            ("initiate", {"child": "con2", "background": True}),
                            ("join",), ("settle", {})],
                   notes="No <conn|N> prefixes and interleaved negotiations: only the thread "
                         "numbers ('09[IKE]') and the order of events keep them apart. Which "
                         "tunnel the failure is pinned on depends on the race (about 1 run in "
                         "5 interleaves the two Quick Modes so that a single log cannot tell "
                         "them apart), so a fresh run checks the diagnosis, not the tunnel; "
                         "the committed fixture keeps its per-tunnel expectation.",
                   tunnels=False),
]


# ------------------------------------------------------------------ more failures admins hit
EAP_MD5_SERVER = {"remote": {"auth": "eap-md5", "eap_id": "%any"},
                  "plugins": ["eap-identity", "eap-md5"],
                  "secrets": {"eap-alice": {"id": "alice", "secret": '"alice-password"'}}}

# fw-a's second IKE_SA with the same identities ({A} - {B}), from its second address {A2}
SECOND_ADDRESS_SAME_IDENTITY = {"conns": {"con2": {
    "local_addrs": "{A2}", "local": {"id": "{A}"},
    "children": {"con2": {"local_ts": "{A_NET}", "remote_ts": "{B_NET}",
                          "esp_proposals": "aes256-sha256", "start_action": "none",
                          "dpd_action": "clear"}}}}}

SCENARIOS += [
    {
        "name": "p1-unique-replace-second-address", "kernel": "libipsec", "addr2": True,
        # the initiator's early-close warning rests on the seconds between the lines
        "needs_times": True,
        "description": "control: the responder's uniqueness policy is 'replace' (pfSense's "
        "default): con1 comes up, then the initiator opens a second IKE_SA with the same "
        "identities from its second address {A2} (a client back from a new address, or two "
        "clients sharing one identity); the responder deletes the first",
        "i": SECOND_ADDRESS_SAME_IDENTITY,
        "r": {"unique": "replace", "remote_addrs": "{A}, {A2}"},
        "actions": [("initiate", {"child": "con1"}), ("settle", {"quiet": 1, "max": 4}),
                    ("initiate", {"child": "con2"}), ("settle", {})],
        "log_expect": {"responder": [r"IKE_SA con1\[1\] established",
                                     r"deleting duplicate IKE_SA for peer '{A}' due to uniqueness "
                                     r"policy", r"IKE_SA con1\[2\] established"]},
        "expect": {"responder": {"outcome": "established", "also_class": ["tunnel_closed"],
                                 "title_contains": "same peer identity connected again",
                                 "no_warning_class": ["tunnel_closed_early"],
                                 "latest": {"phase1": "established"}},
                   "initiator": "established"},
    },
    {
        "name": "p1-unique-keep-second-address", "kernel": "libipsec", "addr2": True,
        "phase": 1, "class": "phase1_authentication_failure",
        "description": "the responder's uniqueness policy is 'keep' (unique = keep): con1 comes "
        "up, then the initiator opens a second IKE_SA with the same identities ({A} - {B}) from "
        "its second address {A2} (con2: a client back from a new address while its old IKE_SA "
        "is still up, or two clients sharing one identity); the responder refuses it",
        "i": SECOND_ADDRESS_SAME_IDENTITY,
        "r": {"unique": "keep", "remote_addrs": "{A}, {A2}"},
        "actions": [("initiate", {"child": "con1"}), ("settle", {"quiet": 1, "max": 4}),
                    ("initiate", {"child": "con2"}), ("settle", {})],
        "misconfigured": {"setting": "phase1.unique_ids",
                          "initiator": "second IKE_SA, same identities, from {A2}",
                          "responder": "unique = keep"},
        "log_expect": {"v1": {"responder": [r"IKE_SA con1\[1\] established",
                                            r"cancel+ing Main Mode due to uniqueness policy"],
                              "initiator": [r"IKE_SA con1\[1\] established",
                                            r"received AUTHENTICATION_FAILED error notify"]},
                       "v2": {"responder": [r"IKE_SA con1\[1\] established",
                                            r"cancel+ing IKE_SA setup due to uniqueness policy"],
                              "initiator": [r"IKE_SA con1\[1\] established",
                                            r"received AUTHENTICATION_FAILED notify error"]}},
        "expect": {"responder": failed("phase1_authentication_failure",
                                       title_contains=["uniqueness policy"]),
                   "initiator": failed("phase1_authentication_failure", "phase1_psk_mismatch",
                                       "phase1_identifier_mismatch",
                                       note="the initiator only receives AUTHENTICATION_FAILED "
                                            "for con2; nothing in its log names the peer's "
                                            "uniqueness policy, so the classes of a refused "
                                            "authentication are all honest")},
        "notes": "strongSwan's 'keep' only refuses a duplicate from another address or port "
                 "(one from the same address is taken for a reauthentication), so the "
                 "initiator's second connection comes from a second address.",
    },
    {
        "name": "p1-psk-bound-to-other-address", "phase": 1, "class": "phase1_psk_mismatch",
        "description": "the responder's pre-shared key is bound to the peer's old address "
        "(secrets ike-peer id = {OTHER}, no %any); the initiator identifies with its address "
        "{A}: the responder finds no key for it",
        "r": {"psk": None, "secrets": {"ike-peer": {"id": "{OTHER}",
                                                    "secret": '"%s"' % PSK}}},
        "misconfigured": {"setting": "phase1.pre_shared_key (secret's identity)",
                          "initiator": "identity {A}",
                          "responder": "secret bound to id {OTHER}"},
        "log_expect": {"v1": {"responder": [r"no shared key found for"],
                              "initiator": [r"received INVALID_KE_PAYLOAD error notify|"
                                            r"AUTHENTICATION_FAILED|giving up"]},
                       "v2": {"responder": [r"no shared key found for '{B}' - '{A}'"],
                              "initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
        "expect": {"responder": failed("phase1_psk_mismatch"),
                   "initiator": {"v1": failed("phase1_psk_mismatch",
                                              "phase1_authentication_failure"),
                                 "v2": PSK_V2_INITIATOR}},
    },
    {
        "name": "eap-md5-unknown-user", "versions": (2,), "phase": 1,
        "class": "phase1_eap_failure",
        "description": "EAP-MD5 client sends the EAP identity bob (local.eap_id = bob, with a "
        "password for bob); the server (remote.eap_id = %any) only has a secret for alice: it "
        "still requests EAP-MD5, finds no key for bob and answers EAP-Failure",
        "i": {"local": {"auth": "eap-md5", "eap_id": "bob", "id": "{A}"},
              "plugins": ["eap-identity", "eap-md5"],
              "secrets": {"eap-bob": {"id": "bob", "secret": '"bob-password"'}}},
        "r": EAP_MD5_SERVER,
        "misconfigured": {"setting": "mobile.user_name", "initiator": "eap_id = bob",
                          "responder": "EAP secret for alice only"},
        "log_expect": {"responder": [r"received EAP identity 'bob'",
                                     r"initiating EAP_MD5 method",
                                     r"no EAP key found for hosts '{B}' - 'bob'",
                                     r"EAP method EAP_MD5 failed for peer {A}"],
                       "initiator": [r"server requested EAP_IDENTITY \(id 0x00\), sending 'bob'",
                                     r"server requested EAP_MD5 authentication",
                                     r"received EAP_FAILURE, EAP authentication failed"]},
        "expect": {"responder": failed("phase1_eap_failure", "phase1_authentication_failure",
                                       detail_contains=["bob"]),
                   # the server asked for EAP-MD5 before it failed: the identity was not
                   # refused up front, and the client's log is the one of a wrong password
                   "initiator": failed("phase1_eap_failure", "phase1_authentication_failure",
                                       detail_lacks=["refused the EAP identity",
                                                     "requested no EAP method"])},
        "notes": "strongSwan's own EAP-MD5 server does not check the identity before the method: "
                 "it requests EAP-MD5 for any identity and only fails when it looks up the "
                 "secret ('no EAP key found for hosts ... - 'bob''). The server's log names the "
                 "unknown user; the client's log is the same as for a wrong password.",
    },
    {
        "name": "dpd-restart-keyingtries-forever", "kernel": "libipsec", "class": "dpd_timeout",
        "description": "tunnel comes up, then the router drops UDP 500/4500; the initiator's "
        "DPD (dpd_delay 2s, dpd_action restart, keyingtries 0 = %forever) declares the peer "
        "dead and starts reconnecting without end (retransmits timeout 1s, base 1.2, 2 tries)",
        "i": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}, "keyingtries": 0,
              "child": {"dpd_action": "restart"},
              "strongswan": {"retransmit_timeout": "1.0", "retransmit_base": "1.2",
                             "retransmit_tries": 2}},
        "r": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "misconfigured": {"setting": "network.path_lost_after_up",
                          "initiator": "tunnel up, then UDP 500/4500 dropped on the path; "
                                       "dpd_action restart, keyingtries 0",
                          "responder": "(same path)"},
        "actions": [("initiate", {}), ("wait", 1), ("block_ike",),
                    ("wait_log", {"end": "initiator",
                                  "pattern": r"peer not responding, trying again \(3/0\)",
                                  "timeout": 40}),
                    ("wait_log", {"end": "responder", "pattern": r"giving up after|DPD check "
                                  r"timed out", "timeout": 20}),
                    ("settle", {"quiet": 0.8, "max": 2})],
        "log_expect": {"initiator": UP + [r"giving up after|DPD check timed out",
                                          r"restarting CHILD_SA con1",
                                          r"peer not responding, trying again \(2/0\)",
                                          r"peer not responding, trying again \(3/0\)"],
                       "responder": UP + [r"giving up after|DPD check timed out"]},
        # both logs show "CHILD_SA con1{1} state change: INSTALLED => DESTROYING" after the
        # peer was declared dead, and no CHILD_SA comes up again: phase 2 is not up at the end
        "expect": {r: failed("dpd_timeout", "phase1_peer_unreachable",
                             latest={"phase1": "failed", "phase2": ["closed", "failed"]})
                   for r in ("initiator", "responder")},
        "notes": "The initiator's log ends in an endless reconnect loop ('peer not responding, "
                 "trying again (N/0)'); the responder's DPD also declares the initiator dead. "
                 "The CHILD_SA went with the dead IKE_SA on both ends.",
    },
    {
        "name": "p2-mode-transport-vs-tunnel", "versions": (1,), "phase": 2,
        "class": "phase2_proposal_mismatch",
        "description": "host-to-host CHILD_SA (local_ts/remote_ts dynamic on both ends): the "
        "initiator asks for transport mode, the responder is configured for tunnel mode",
        "i": {"child": {"mode": "transport", "local_ts": "dynamic", "remote_ts": "dynamic"}},
        "r": {"child": {"local_ts": "dynamic", "remote_ts": "dynamic"}},
        "misconfigured": {"setting": "phase2.mode", "initiator": "transport",
                          "responder": "tunnel"},
        "log_expect": {"responder": [r"config: {A}/32, received: {A}/32 => match: {A}/32",
                                     r"found matching child config \"con1\"",
                                     r"no matching CHILD_SA config found for {A}/32 === {B}/32"],
                       "initiator": [r"received INVALID_ID_INFORMATION error notify"]},
        "expect": {"responder": failed("phase2_proposal_mismatch",
                                       note="the traffic selectors match (=> match: lines, "
                                            "'found matching child config'), yet the child "
                                            "config is refused: not a network mismatch; IKEv1 "
                                            "refuses a child config of another encapsulation "
                                            "mode this way"),
                   "initiator": failed("phase2_network_mismatch", "phase2_proposal_mismatch",
                                       note="INVALID_ID_INFORMATION alone: the same as for "
                                            "other subnets on the peer")},
        "notes": "IKEv1 only. strongSwan 5.9.8 logs 'no matching CHILD_SA config found' right "
                 "after it found the child config and matched both traffic selectors: the "
                 "encapsulation mode differs. With the same mode on both ends (tunnel/tunnel or "
                 "transport/transport, both tried) the responder gets past this point. IKEv2 "
                 "is not generated: the lab's kernel-libipsec cannot install host-to-host "
                 "policies, so its logs would show an install failure on top.",
    },
]


# ------------------------------------------------------------------ round 3: ESN, VIP pool,
# certificates (identity, CRL), Aggressive Mode XAuth, the wrong peer config
VIP_CHILD = {"local_ts": "dynamic", "remote_ts": "{B_NET}", "esp_proposals": "aes256-sha256",
             "start_action": "none", "dpd_action": "clear"}

SCENARIOS += [
    p2_mismatch("p2-esn-mismatch", "P2 (ESP) extended sequence numbers: the initiator "
                "proposes ESN only (aes256-sha256-esn), the responder no ESN only "
                "(aes256-sha256-noesn)", "phase2.esn", "phase2_proposal_mismatch",
                "aes256-sha256-esn", "aes256-sha256-noesn", ["NO_EXT_SEQ"], ["EXT_SEQ"],
                "EXTENDED_SEQUENCE_NUMBERS"),
    {
        "name": "vip-pool-exhausted", "kernel": "libipsec", "addr2": True, "phase": 2,
        "class": "phase2_virtual_ip_failure",
        "description": "remote access: the responder's pool holds one address (10.99.0.1); a "
        "first client (con1, identity {A}) gets it, a second client (con2, identity "
        "client2.example.net, from {A2}) asks for a virtual IP too and gets none",
        "i": {"vips": "0.0.0.0", "child": {"local_ts": "dynamic"},
              "conns": {"con2": {"local_addrs": "{A2}", "vips": "0.0.0.0",
                                 "local": {"id": "client2.example.net"},
                                 "children": {"con2": dict(VIP_CHILD)}}}},
        "r": {"remote_addrs": "%any", "remote": {"id": "%any"}, "pools": "vip1",
              "vip_pools": {"vip1": {"addrs": "10.99.0.1-10.99.0.1"}},
              "child": {"remote_ts": "dynamic"}},
        "actions": [("initiate", {"child": "con1"}), ("settle", {"quiet": 1, "max": 4}),
                    ("initiate", {"child": "con2"}), ("settle", {})],
        "misconfigured": {"setting": "phase2.virtual_ip (pool size)",
                          "initiator": "two clients request a virtual IP",
                          "responder": "pool vip1 = 10.99.0.1-10.99.0.1 (one address)"},
        "log_expect": {"responder": [r"IKE_SA con1\[1\] established",
                                     r"assigning virtual IP 10\.99\.0\.1 to peer '{A}'",
                                     r"pool 'vip1' is full, unable to assign address",
                                     r"no virtual IP found for %any requested by "
                                     r"'client2\.example\.net'"],
                       "initiator": [r"CHILD_SA con1\{1\} established",
                                     r"installing new virtual IP 10\.99\.0\.1"],
                       "v1": {"initiator": [r"parsed TRANSACTION response \d+ \[ HASH CP \]",
                                            r"received INVALID_ID_INFORMATION error notify"],
                              "responder": [r"no matching CHILD_SA config found for "
                                            r"{A2}/32 === {B_NET}"]},
                       "v2": {"initiator": [r"parsed IKE_AUTH response 1 \[ IDr AUTH "
                                            r"N\(INT_ADDR_FAIL\) \]",
                                            r"received INTERNAL_ADDRESS_FAILURE notify, no "
                                            r"CHILD_SA built"]}},
        "expect": {"responder": failed("phase2_virtual_ip_failure",
                                       note="'pool 'vip1' is full, unable to assign address' "
                                            "names the cause; IKEv1: the Quick Mode that "
                                            "follows with the client's real address fails "
                                            "as a consequence"),
                   "initiator": {
                       "v1": failed("phase2_virtual_ip_failure", "phase2_network_mismatch",
                                    note="IKEv1 client: its mode config request "
                                         "(CPRQ(ADDR)) is answered without an address "
                                         "('[ HASH CP ]', no 'installing new virtual IP'), "
                                         "it proposes its own address {A2}/32 and gets "
                                         "INVALID_ID_INFORMATION; no line of its own names "
                                         "the missing address, so the subnet reading of "
                                         "INVALID_ID_INFORMATION is honest too"),
                       "v2": failed("phase2_virtual_ip_failure")}},
        "expect_tunnels": {
            "initiator": [{"connection": "con1", "child": "con1", "outcome": "established"},
                          {"connection": "con2", "outcome": "failed",
                           "accept_class": {"v1": ["phase2_virtual_ip_failure",
                                                   "phase2_network_mismatch"],
                                            "v2": ["phase2_virtual_ip_failure"]}}]},
        "notes": "Two clients, one log each side: con1 gets the only address, con2 none. The "
                 "responder's two IKE_SAs both use its connection con1 (con1[1], con1[2]), so "
                 "only the initiator's log has per-tunnel expectations.",
    },
]

SCENARIOS += [
    {
        "name": "cert-id-not-in-cert", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the initiator's identity is set to "
        "fw-a.example.net (local.id, as pfSense's 'My identifier: FQDN'), which its certificate "
        "(CN={A}, SAN {A}) does not contain; the responder expects fw-a.example.net",
        "certs": certs(),
        "i": {"psk": None, "local": {"auth": "pubkey", "certs": "a.crt",
                                     "id": "fw-a.example.net"},
              "remote": {"auth": "pubkey"}},
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "pubkey", "id": "fw-a.example.net"}},
        "misconfigured": {"setting": "phase1.my_identifier",
                          "initiator": "fw-a.example.net, not in its certificate",
                          "responder": "peer identifier fw-a.example.net"},
        "log_expect": {"v1": {"initiator": [r"no private key found for 'fw-a\.example\.net'",
                                            r"configuration uses unsupported authentication"],
                              "responder": [r"!parsed ID_PROT request"]},
                       "v2": {"initiator": [r"authentication of 'fw-a\.example\.net' \(myself\) "
                                            r"with ECDSA_WITH_SHA256_DER successful",
                                            r"sending end entity cert \"C=XX, O=Lab, CN={A}\"",
                                            r"received AUTHENTICATION_FAILED notify error"],
                              "responder": [r"received end entity cert \"C=XX, O=Lab, CN={A}\"",
                                            r"selected peer config 'con1'",
                                            r"no trusted ECDSA public key found for "
                                            r"'fw-a\.example\.net'"]}},
        "expect": {"v1": {"responder": ND,
                          "initiator": failed("phase1_certificate_failure",
                                              "phase1_authentication_failure",
                                              note="the initiator stops itself: 'no private "
                                                   "key found for 'fw-a.example.net'' and "
                                                   "'configuration uses unsupported "
                                                   "authentication'; nothing is sent after "
                                                   "it, no peer is involved")},
                   "v2": {"responder": failed("phase1_certificate_failure",
                                              "phase1_authentication_failure",
                                              "phase1_identifier_mismatch",
                                              note="the peer config con1 is selected for "
                                                   "'fw-a.example.net', the received "
                                                   "certificate is CN={A}: no trusted key for "
                                                   "that identity (the identity is not in the "
                                                   "certificate)"),
                          "initiator": failed("phase1_certificate_failure",
                                              "phase1_authentication_failure",
                                              "phase1_identifier_mismatch", "phase1_psk_mismatch",
                                              note="only AUTHENTICATION_FAILED after its "
                                                   "own signature as 'fw-a.example.net'")}},
        # with ipsec.conf (--backend stroke) the starter's connection takes the
        # certificate's subject instead of the leftid it does not confirm, so both
        # ends negotiate and the responder has no config for that identity
        "stroke": {
            "log_expect": {"initiator": [r"id 'fw-a\.example\.net' not confirmed by "
                                         r"certificate, defaulting to 'C=XX, O=Lab, CN={A}'",
                                         r"authentication of 'C=XX, O=Lab, CN={A}' \(myself\)"],
                           "responder": [r"received end entity cert \"C=XX, O=Lab, CN={A}\"",
                                         r"AUTH_FAILED"]},
            "expect": {
                "responder": failed("phase1_identifier_mismatch",
                                    "phase1_authentication_failure",
                                    note="the peer identifies as its certificate's subject "
                                         "CN={A}; this end's connection expects "
                                         "fw-a.example.net"),
                "initiator": failed("phase1_identifier_mismatch",
                                    "phase1_certificate_failure",
                                    "phase1_authentication_failure",
                                    note="the starter said at load: id 'fw-a.example.net' "
                                         "not confirmed by certificate, defaulting to its "
                                         "subject; the peer refused that with "
                                         "AUTHENTICATION_FAILED")}},
        "notes": "strongSwan 5.9.8's vici keeps a local.id its certificate does not contain "
                 "(no 'not confirmed by certificate' warning). IKEv1 Main Mode: the initiator "
                 "looks up the private key by that identity, finds none and gives up before "
                 "its first message, so the responder's log has no negotiation at all. IKEv2: "
                 "the initiator signs as fw-a.example.net with the certificate's key and sends "
                 "the certificate; the responder finds no trusted public key for that "
                 "identity (the same line as for an untrusted CA).",
    },
    dict({
        "name": "cert-revoked-crl", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the responder holds a CRL of the Lab CA "
        "that revokes the initiator's certificate (reason key compromise)",
        "certs": dict(certs(), responder={"x509": ["b"], "x509ca": ["labca"],
                                          "x509crl": [{"ca": "labca", "revoke": ["a"]}]}),
        "misconfigured": {"setting": "phase1.my_certificate",
                          "initiator": "certificate revoked by its CA",
                          "responder": "CRL of the Lab CA loaded"},
        "log_expect": {"responder": [r"certificate was revoked on",
                                     r"no trusted ECDSA public key found for '{A}'"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       detail_contains=["revoked"]),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    }, **CERT_AUTH),
    dict({
        "name": "cert-peer-sends-none", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the initiator never sends its certificate "
        "(send_cert = never) and the responder has no copy of it",
        "certs": certs(),
        "i": {"psk": None, "local": {"auth": "pubkey", "certs": "a.crt"},
              "remote": {"auth": "pubkey"}, "send_cert": "never"},
        "misconfigured": {"setting": "phase1.send_certificate", "initiator": "never",
                          "responder": "(expects the certificate)"},
        "log_expect": {},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       offending=("phase1.peer_certificate", None, ["not sent"])),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    }, **{"r": CERT_AUTH["r"]}),
    dict({
        "name": "cert-revocation-strict-unknown", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the responder checks revocation strictly "
        "(remote revocation = strict) but has no CRL and no OCSP for the Lab CA, so the "
        "initiator's certificate status is unknown",
        "certs": certs(),
        "r": {"psk": None, "local": {"auth": "pubkey", "certs": "b.crt"},
              "remote": {"auth": "pubkey", "revocation": "strict"}},
        "misconfigured": {"setting": "phase1.revocation_check",
                          "initiator": "certificate without CRL/OCSP",
                          "responder": "strict revocation"},
        "log_expect": {"responder": [r"certificate status is not available"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       offending=("phase1.revocation_check", ["strict"], None)),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure")},
    }, **{"i": CERT_AUTH["i"]}),
    {
        "name": "xauth-failure-aggressive", "versions": (1,), "phase": 1,
        "class": "phase1_authentication_failure",
        "description": "IKEv1 Aggressive Mode PSK + XAuth (a pfSense/Cisco-style remote access "
        "client, user alice) with a wrong XAuth password",
        "i": {"aggressive": "yes", "strongswan": AGGR_FLAG,
              "local-xauth": {"auth": "xauth", "xauth_id": "alice"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-wrong-password"'}}},
        "r": {"aggressive": "yes", "strongswan": AGGR_FLAG,
              "remote-xauth": {"auth": "xauth"},
              "plugins": ["xauth-generic"],
              "secrets": {"xauth-alice": {"id": "alice", "secret": '"alice-password"'}}},
        "misconfigured": {"setting": "mobile.user_password", "initiator": "alice-wrong-password",
                          "responder": "alice-password"},
        "log_expect": {"initiator": [r"initiating Aggressive Mode"],
                       "responder": [r"XAuth authentication of 'alice' failed"]},
        "expect": {"responder": failed("phase1_authentication_failure", "phase1_eap_failure"),
                   "initiator": failed("phase1_authentication_failure", "phase1_eap_failure")},
    },
    {
        "name": "p1-mm-psk-any-two-peers", "versions": (1,), "phase": 1, "kernel": "libipsec",
        "class": "phase1_psk_mismatch",
        "description": "Main Mode, PSK: the responder accepts two peers from any address (two "
        "mobile or dynamic-IP phase 1 entries, remote gateway %any), each with its own key, "
        "as pfSense writes them (id-0 = %any); the initiator's key is right for its entry, but "
        "a Main Mode responder must pick the key before it sees the peer's identity",
        "r": {"remote_addrs": "%any", "psk": "Client-B-Key-0000",
              "remote": {"id": "client-b.example.net"},
              "conns": {"site-a": {"remote_addrs": "%any",
                                   "remote": {"id": "{A}", "auth": "psk"},
                                   "children": {"site-a": {"local_ts": "{B_NET}",
                                                           "remote_ts": "{A_NET}",
                                                           "esp_proposals": "aes256-sha256",
                                                           "start_action": "none"}}}},
              "secrets": {"ike-a": {"secret": '"%s"' % PSK, "id-0": "%any", "id-1": "{A}"}}},
        "misconfigured": {"setting": "phase1.pre_shared_key",
                          "initiator": "its own key",
                          "responder": "two %any peers with different keys (Main Mode)"},
        "log_expect": {"responder": [r'candidate "site-a", match:',
                                     r"decryption failed"]},
        "expect": {"responder": failed("phase1_psk_mismatch",
                                       detail_contains=['("con1", "site-a")'],
                                       advice_contains=["this end used another connection's key"]),
                   "initiator": failed("phase1_psk_mismatch")},
    },
    {
        "name": "p1-peer-config-wrong-conn", "versions": (2,), "phase": 1,
        "class": "phase1_identifier_mismatch",
        "description": "the responder has a site-to-site connection con1 (peer identifier {A}, "
        "PSK) and a remote-access connection mobile (any identity, EAP-MSCHAPv2); the "
        "initiator identifies as fw-a.example.net, so the responder picks mobile, whose "
        "EAP requirement a PSK authentication cannot meet",
        "i": {"local": {"id": "fw-a.example.net"}},
        "r": {"plugins": ["eap-identity", "eap-mschapv2"],
              "conns": {"mobile": {"remote_addrs": "%any",
                                   "remote": {"id": "%any", "auth": "eap-mschapv2",
                                              "eap_id": "%any"},
                                   "children": {"mobile": {"local_ts": "0.0.0.0/0",
                                                           "remote_ts": "dynamic",
                                                           "esp_proposals": "aes256-sha256",
                                                           "start_action": "none"}}}}},
        "misconfigured": {"setting": "phase1.my_identifier",
                          "initiator": "fw-a.example.net",
                          "responder": "con1 expects {A}; mobile accepts %any (EAP)"},
        "log_expect": {"responder": [r"candidate \"mobile\", match:",
                                     r"selected peer config 'mobile'",
                                     r"authentication of 'fw-a\.example\.net' with pre-shared "
                                     r"key successful",
                                     r"constraint check failed: EAP identity '%any' (\(ID_ANY\) )?required",
                                     r"selected peer config 'mobile' unacceptable: non-matching "
                                     r"authentication done",
                                     r"no alternative config found"],
                       "initiator": [r"received AUTHENTICATION_FAILED notify error"]},
        "expect": {"responder": failed("phase1_identifier_mismatch",
                                       "phase1_authentication_failure",
                                       absent_class=["phase1_psk_mismatch"],
                                       detail_contains=["mobile", "EAP"],
                                       note="the pre-shared key was right ('with pre-shared "
                                            "key successful'); the identity fw-a.example.net "
                                            "only matched the remote-access connection mobile "
                                            "(con1 expects {A}), whose EAP round ('constraint "
                                            "check failed: EAP identity '%any' required', "
                                            "'non-matching authentication done') a PSK-only "
                                            "peer cannot meet: the detail must name the "
                                            "connection that was picked and the EAP "
                                            "requirement, not an identity '%any' that any "
                                            "identity satisfies"),
                   "initiator": failed("phase1_psk_mismatch", "phase1_authentication_failure",
                                       "phase1_identifier_mismatch",
                                       note="only AUTHENTICATION_FAILED")},
        "notes": "A responder with a catch-all remote-access connection: an initiator whose "
                 "identity matches no site-to-site connection lands in it, and fails its "
                 "constraints instead of getting 'no matching peer config found'.",
    },
]

# certificates with 4096-bit RSA keys (CA and both ends): an IKE_AUTH / Main Mode message
# carrying one of them and its signature is larger than the 1500-byte MTU
RSA_CERTS = dict(certs(), key={"type": "rsa", "size": 4096})

# a second client at {A2} (con2) that starts an IKE_SA and leaves it half open on the
# responder: certificate authentication without a private key, so it never sends IKE_AUTH
HALF_OPEN_HOLDER = {
    "i": {"conns": {"con2": {
        "local_addrs": "{A2}", "local": {"id": "{A2}", "auth": "pubkey"},
        "remote": {"auth": "pubkey"},
        "children": {"con2": {"local_ts": "{A_NET}", "remote_ts": "{B_NET}",
                              "esp_proposals": "aes256-sha256", "start_action": "none"}}}}},
    "r": {"conns": {"con2": {
        "remote_addrs": "{A2}", "local": {"auth": "pubkey"},
        "remote": {"id": "%any", "auth": "pubkey"},
        "children": {"con2": {"local_ts": "{B_NET}", "remote_ts": "{A_NET}",
                              "esp_proposals": "aes256-sha256"}}}}}}

SCENARIOS += [
    dict({
        "name": "cert-responder-no-private-key", "phase": 1,
        "class": "phase1_certificate_failure",
        "description": "certificate authentication; the responder's own certificate is loaded "
        "(local.certs) but its private key is not (nothing in swanctl/private)",
        "certs": dict(certs(), responder={"x509": ["b"], "x509ca": ["labca"], "nokey": ["b"]}),
        "misconfigured": {"setting": "phase1.my_certificate_private_key",
                          "initiator": "(certificate and key)",
                          "responder": "certificate loaded, private key missing"},
        "log_expect": {"responder": [r"received end entity cert \"C=XX, O=Lab, CN={A}\"",
                                     r"authentication of '{A}' with \S+ successful",
                                     r"no (ECDSA )?private key found for '{B}'",
                                     r"N\(AUTH_FAILED\)"],
                       "v1": {"initiator": [r"received AUTHENTICATION_FAILED error notify"]},
                       "v2": {"initiator": [r"received AUTHENTICATION_FAILED notify error"]}},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure",
                                       detail_contains=["private key"],
                                       note="the peer's certificate and signature were "
                                            "accepted ('authentication of '{A}' with ... "
                                            "successful'); this end then has no private key "
                                            "for its own identity ('no private key found for "
                                            "'{B}'', IKEv1 'no ECDSA private key found') and "
                                            "answers AUTH_FAILED: the fault is this end's own "
                                            "key, not the peer"),
                   "initiator": failed("phase1_authentication_failure",
                                       "phase1_certificate_failure",
                                       note="only AUTHENTICATION_FAILED after its own "
                                            "authentication; the reason is in the peer's log")},
        "notes": "vici loads a certificate without its key with no warning; the responder "
                 "only finds out when it has to sign (IKEv2 IKE_AUTH response, IKEv1 Main "
                 "Mode message 6), after it has verified the initiator.",
    }, **CERT_AUTH),
    dict({
        "name": "ike-fragments-dropped", "phase": 1, "class": "phase1_peer_unreachable",
        "kernel": "libipsec", "drop_fragments": True,
        "description": "certificate authentication with 4096-bit RSA keys (messages larger than "
        "the MTU); the router drops fragmented IP packets; the responder has IKE fragmentation "
        "off (fragmentation = no), so the large IKE messages go as IP fragments and are lost",
        "certs": RSA_CERTS,
        "misconfigured": {"setting": "phase1.ike_fragmentation",
                          "initiator": "yes", "responder": "no (IP fragments dropped on the path)"},
        "actions": [("initiate", {"timeout": 25}),
                    ("wait_log", {"end": "initiator", "pattern": r"giving up after",
                                  "timeout": 20}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {
            "v2": {"initiator": [r"parsed IKE_SA_INIT response 0",
                                 r"!received FRAGMENTATION_SUPPORTED notify",
                                 r"generating IKE_AUTH request 1 \[ IDi CERT",
                                 r"sending packet: from {A}\[4500\] to {B}\[4500\] "
                                 r"\((1[5-9]|[2-9]\d)\d\d bytes\)",
                                 r"retransmit 3 of request with message ID 1",
                                 r"giving up after 3 retransmits"],
                   "responder": [r"generating IKE_SA_INIT response 0", r"!N\(FRAG_SUP\) \]",
                                 r"!parsed IKE_AUTH request"]},
            "v1": {"initiator": [r"sending FRAGMENTATION vendor ID",
                                 r"!received FRAGMENTATION vendor ID",
                                 r"generating ID_PROT request 0 \[ ID CERT SIG",
                                 r"sending packet: from {A}\[4500\] to {B}\[4500\] "
                                 r"\((1[5-9]|[2-9]\d)\d\d bytes\)",
                                 r"sending retransmit 3 of request message ID 0, seq 3",
                                 r"giving up after 3 retransmits"],
                   "responder": [r"generating ID_PROT response 0 \[ KE No CERTREQ",
                                 r"!parsed ID_PROT request 0 \[ ID"]}},
        # the IKEv2 responder's warning (IKE_AUTH did not arrive in the N s the log runs on)
        # rests on the time after IKE_SA_INIT: shapes without times are not compared
        "needs_times": True,
        "expect": {"responder": ND,
                   "initiator": failed("phase1_peer_unreachable", detail_contains=["fragment"],
                                       note="the peer answered the first exchange (IKEv2 "
                                            "IKE_SA_INIT, IKEv1 Main Mode messages 1-4), so it "
                                            "is up and reachable; the next message, with the "
                                            "certificate and an RSA-4096 signature, is larger "
                                            "than the MTU ('sending packet: ... (2096 bytes)' / "
                                            "'(1948 bytes)') and goes unanswered; the peer "
                                            "announced no IKE fragmentation (no "
                                            "N(FRAG_SUP) / FRAGMENTATION vendor ID in its "
                                            "answer, though this end offered it): lost IP "
                                            "fragments must be named as a cause. With "
                                            "certificates nothing in the key exchange can make "
                                            "the peer unable to decrypt the message")},
        "notes": "The router drops IP fragments before conntrack reassembles them (meta.json "
                 "lab.ip_fragments_dropped counts them). The responder only sees the first "
                 "exchange and then nothing: its log alone cannot tell why.",
    }, **{"i": CERT_AUTH["i"],
          "r": dict(CERT_AUTH["r"], fragmentation="no")}),
    dict({
        "name": "ike-fragmentation-fragments-dropped-ok", "kernel": "libipsec",
        "drop_fragments": True,
        "description": "control: the same 4096-bit RSA certificates and the router dropping "
        "fragmented IP packets, but IKE fragmentation on at both ends (fragmentation = yes): the "
        "large IKE messages are split by IKE itself and the tunnel comes up",
        "certs": RSA_CERTS,
        "log_expect": {"initiator": UP + [r"splitting IKE message \(\d+ bytes\) into 2 "
                                          r"fragments"],
                       "responder": UP + [r"splitting IKE message \(\d+ bytes\) into 2 "
                                          r"fragments"],
                       "v2": {"initiator": [r"generating IKE_AUTH request 1 \[ EF\(1/2\) \]",
                                            r"reassembled fragmented IKE message"]},
                       "v1": {"initiator": [r"generating ID_PROT request 0 \[ FRAG\(1\) \]"]}},
        "expect": {"initiator": EST, "responder": EST},
        "notes": "IKE fragments (IKEv2 EF(n/m), IKEv1 FRAG(n)) are each below the MTU, so no "
                 "IP fragment is dropped (lab.ip_fragments_dropped 0).",
    }, **CERT_AUTH),
    dict({
        "name": "cert-not-yet-valid", "phase": 1, "class": "phase1_certificate_failure",
        "description": "certificate authentication; the initiator's certificate is not valid "
        "yet (valid from 2035-01-01 to 2037-01-01: a clock that is behind, or a certificate "
        "issued with a future start date)",
        "certs": certs(a_not_before="2035-01-01 00:00:00", a_not_after="2037-01-01 00:00:00"),
        "misconfigured": {"setting": "phase1.my_certificate",
                          "initiator": "certificate not valid yet", "responder": "(valid CA)"},
        "log_expect": {"responder": [r"subject certificate invalid \(valid from Jan 01 00:00:00 "
                                     r"2035 to Jan 01 00:00:00 2037\)",
                                     r"no trusted ECDSA public key found for '{A}'"]},
        "expect": {"responder": failed("phase1_certificate_failure",
                                       detail_lacks=["expired"],
                                       note="'subject certificate invalid (valid from Jan 01 "
                                            "00:00:00 2035 to Jan 01 00:00:00 2037)': outside "
                                            "its validity period, starting in the future; not "
                                            "'expired'"),
                   "initiator": failed("phase1_certificate_failure",
                                       "phase1_authentication_failure",
                                       note="only AUTHENTICATION_FAILED; it loaded its own "
                                            "certificate without a warning")},
    }, **CERT_AUTH),
    {
        "name": "p1-remote-addrs-wrong", "phase": 1, "class": "phase1_peer_unreachable",
        "description": "the initiator's remote gateway (remote_addrs) is 203.0.113.99, an "
        "address nobody has, instead of the responder's {B}",
        "i": {"remote_addrs": "203.0.113.99"},
        "misconfigured": {"setting": "phase1.remote_gateway", "initiator": "203.0.113.99",
                          "responder": "its address is {B}"},
        "actions": [("initiate", {"timeout": 20}), ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"initiating (Main Mode )?IKE_SA con1\[1\] to 203\.0\.113\.99",
                                     r"sending packet: from {A}\[500\] to 203\.0\.113\.99\[500\]",
                                     r"giving up after 3 retransmits",
                                     r"establishing IKE_SA failed, peer not responding"],
                       "responder": [r"!received packet"]},
        "expect": {"responder": ND,
                   "initiator": failed("phase1_peer_unreachable",
                                       offending=("phase1.remote_gateway", ["203.0.113.99"],
                                                  None),
                                       note="no answer from 203.0.113.99; the log cannot tell "
                                            "a wrong address from a peer that is down, but the "
                                            "diagnosis must name the address it sent to")},
    },
    {
        "name": "p1-remote-name-unresolvable", "phase": 1, "class": "phase1_peer_unreachable",
        "description": "the initiator's remote gateway is a host name that does not resolve "
        "(vpn-b.example.invalid, a pfSense Remote Gateway given as a DNS name the firewall "
        "cannot look up) instead of the responder's {B}",
        "i": {"remote_addrs": "vpn-b.example.invalid"},
        "misconfigured": {"setting": "phase1.remote_gateway", "initiator": "vpn-b.example.invalid",
                          "responder": "its address is {B}"},
        "actions": [("initiate", {"timeout": 20}), ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"unable to resolve vpn-b\.example\.invalid"],
                       "responder": [r"!received packet"]},
        "expect": {"responder": ND,
                   "initiator": failed("phase1_peer_unreachable",
                                       offending=("phase1.remote_gateway",
                                                  ["vpn-b.example.invalid"], None),
                                       advice_contains=["vpn-b.example.invalid"],
                                       title_contains=["host name does not resolve"])},
    },
    {
        "name": "p1-local-addr-missing", "phase": 1, "class": "phase1_peer_unreachable",
        "description": "the initiator's local_addrs is 198.51.100.50, an address its host does "
        "not have (a CARP VIP on the backup node, or a WAN address that changed)",
        "i": {"local_addrs": "198.51.100.50"},
        "misconfigured": {"setting": "phase1.local_address", "initiator": "198.51.100.50",
                          "responder": "expects {A}"},
        "actions": [("initiate", {"timeout": 20}), ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": [r"sending packet: from 198\.51\.100\.50\[500\] to {B}\[500\]",
                                     r"error writing to socket: Network is unreachable",
                                     r"giving up after 3 retransmits",
                                     r"establishing IKE_SA failed, peer not responding"],
                       "responder": [r"!received packet"]},
        "expect": {"responder": ND,
                   "initiator": failed("phase1_peer_unreachable",
                                       detail_contains=["error writing to socket"],
                                       note="every send fails locally ('error writing to "
                                            "socket: Network is unreachable' after each "
                                            "'sending packet: from 198.51.100.50[500]'): the "
                                            "packets never left this host, whatever charon's "
                                            "closing 'peer not responding' says")},
    },
    {
        "name": "p1-half-open-limit", "phase": 1, "class": "phase1_dos_protection",
        "addr2": True, "versions": (2,),
        # the responder's warning about con2's half-open SA rests on the seconds after its
        # IKE_SA_INIT: shapes without times are not compared
        "needs_times": True,
        "description": "the responder's global half-open IKE_SA limit is 1 "
        "(charon.init_limit_half_open; pfSense fixes it at 1000): a second client at {A2} "
        "starts an IKE_SA and never finishes it (certificate authentication without a "
        "private key, so it never sends IKE_AUTH / Main Mode message 5); while that SA is "
        "half open the responder ignores con1's IKE_SA setup from {A}, and con1 gives up",
        "misconfigured": {"setting": "strongswan.charon.init_limit_half_open",
                          "initiator": "a second client leaves an IKE_SA half open",
                          "responder": "init_limit_half_open = 1"},
        "i": HALF_OPEN_HOLDER["i"],
        "r": dict(HALF_OPEN_HOLDER["r"], strongswan={"init_limit_half_open": 1}),
        "actions": [("initiate", {"child": "con2", "timeout": 5}),
                    ("settle", {"quiet": 1, "max": 3}),
                    ("initiate", {"timeout": 20}),
                    ("wait_log", {"end": "initiator", "pattern": r"giving up after",
                                  "timeout": 20}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"responder": [r"ignoring IKE_SA setup from {A}, half-open IKE_SA "
                                     r"limit of 1 reached"],
                       "initiator": [r"giving up after 3 retransmits"]},
        "expect": {"initiator": failed("phase1_certificate_failure", "phase1_peer_unreachable",
                                       also_class=["phase1_certificate_failure",
                                                   "phase1_peer_unreachable"],
                                       note="two tunnels: con2 (the client that leaves its SA "
                                            "half open: it has no private key) and con1, whose "
                                            "requests go unanswered; why is in the peer's log"),
                   "responder": failed("phase1_dos_protection",
                                       offending=("charon.init_limit_half_open", ["1"], None),
                                       detail_contains=["4 times", "half-open IKE_SAs"],
                                       advice_contains=["init_limit_half_open"])},
    },
    {
        "name": "p1-half-open-limit-delayed-ok", "addr2": True, "versions": (2,),
        "kernel": "libipsec",
        "description": "as p1-half-open-limit, but the responder deletes half-open IKE_SAs after "
        "8 s (charon.half_open_timeout): con1's first IKE_SA_INIT requests from {A} are ignored, "
        "a retransmit after the stuck SA from {A2} is deleted gets through",
        "i": HALF_OPEN_HOLDER["i"],
        "r": dict(HALF_OPEN_HOLDER["r"],
                  strongswan={"init_limit_half_open": 1, "half_open_timeout": 8}),
        "actions": [("initiate", {"child": "con2", "timeout": 5}),
                    ("initiate", {"timeout": 20}),
                    ("settle", {})],
        "log_expect": {"responder": [r"ignoring IKE_SA setup from {A}, half-open IKE_SA "
                                     r"limit of 1 reached",
                                     r"deleting half open IKE_SA (\S+ )?with {A2} after timeout",
                                     r"IKE_SA con1\[\d+\] established"],
                       "initiator": [r"retransmit 1 of request with message ID 0",
                                     r"IKE_SA con1\[\d+\] established"]},
        "expect": {"initiator": failed("phase1_certificate_failure",
                                       also_class=["phase1_established", "phase2_established"],
                                       note="con2 fails (no private key), con1 comes up"),
                   "responder": {"outcome": "established",
                                 "also_class": ["phase1_dos_protection"],
                                 "title_contains": "delayed by a limit"}},
    },
    {
        "name": "wan-address-lost", "kernel": "libipsec", "class": "dpd_timeout",
        "description": "the tunnel is up (DPD every 2 s, IKEv1 dpd_timeout 8 s) when the "
        "initiator's uplink address {A} goes away (a PPPoE or DHCP WAN renumbered, an interface "
        "down, a CARP VIP moved); both ends' DPD give up",
        "i": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "r": {"dpd_delay": "2s", "v1": {"dpd_timeout": "8s"}},
        "misconfigured": {"setting": "network.local_address_lost_after_up",
                          "initiator": "its address {A} deleted from eth0", "responder": "(none)"},
        "actions": [("initiate", {}), ("settle", {"quiet": 1, "max": 4}),
                    ("addr_del", {"end": "initiator"}),
                    ("wait_log", {"end": "initiator", "pattern": r"giving up after|DPD check "
                                  r"timed out", "timeout": 25}),
                    ("wait_log", {"end": "responder", "pattern": r"giving up after|DPD check "
                                  r"timed out", "timeout": 10}),
                    ("settle", {"quiet": 1, "max": 3})],
        "log_expect": {"initiator": UP + [r"{A} disappeared from eth0",
                                          r"giving up after|DPD check timed out"],
                       "responder": UP + [r"giving up after|DPD check timed out"]},
        "expect": {"initiator": failed("dpd_timeout", offending=("phase1.local_address", ["{A}"], None),
                                       title_contains="own address went away",
                                       detail_contains=["disappeared from eth0"],
                                       note="this end's own address went away while the SA was "
                                            "up ('{A} disappeared from eth0'); its DPD then gave "
                                            "up: the peer was not lost"),
                   "responder": failed("dpd_timeout", note="the peer went silent: from this end "
                                                           "it is a dead peer")},
    },
]

SCENARIOS = [_flatten_lines(e) for e in SCENARIOS]
