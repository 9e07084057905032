#!/usr/bin/env python3
"""py_classifier.py - the baseline: what an engineer would write instead of
ipsec-diag. A dict of compiled regexes, one list per failure class, tried on
every line; hits are attributed to the IKE_SA of the line's "<name|id>"
prefix, and each IKE_SA is reported once per class.

    bench/py_classifier.py FILE...      prints {"class": count, ...} as JSON

It knows nothing of sides, phases, proposal lists or correlation - it only
says which key messages occurred for which IKE_SA - so it does strictly less
work than ipsec-diag; bench/run.sh uses it as the throughput baseline.
"""
import json
import re
import sys

CLASSES = {
    "phase1_proposal_mismatch": [
        r"  no acceptable (ENCRYPTION_ALGORITHM|INTEGRITY_ALGORITHM|PSEUDO_RANDOM_FUNCTION|"
        r"DIFFIE_HELLMAN_GROUP|KEY_EXCHANGE_METHOD) found",
        r"received proposals unacceptable",
        r"no (acceptable )?proposal found",
        r"received NO_PROPOSAL_CHOSEN (error )?notify",
    ],
    "phase2_proposal_mismatch": [
        r"no matching proposal found, sending NO_PROPOSAL_CHOSEN",
        r"received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built",
    ],
    "phase1_dh_group_mismatch": [
        r"DH group \S+ unacceptable, requesting \S+",
        r"peer didn't accept DH group \S+, it requested \S+",
    ],
    "phase1_no_matching_gateway": [r"no IKE config found for \S+, sending NO_PROPOSAL_CHOSEN"],
    "phase1_identifier_mismatch": [
        r"no matching peer config found",
        r"no peer config found",
        r"received INVALID_ID_INFORMATION error notify",
    ],
    "phase1_mode_mismatch": [
        r"found \d+ matching configs?, but none allows .* using (Main|Aggressive) Mode",
        r"Aggressive Mode PSK disabled for security reasons",
    ],
    "phase1_psk_mismatch": [
        r"tried \d+ shared keys? for '.*' - '.*', but MAC mismatched",
        r"calculated HASH does not match HASH payload",
        r"invalid (HASH|ID)_V1 payload length, decryption failed\?",
    ],
    "phase1_authentication_failure": [r"received AUTHENTICATION_FAILED (error )?notify"],
    "phase1_certificate_failure": [
        r"no trusted \S+ public key found for",
        r"no issuer certificate found for",
    ],
    "phase1_peer_unreachable": [
        r"giving up after \d+ retransmits",
        r"establishing IKE_SA failed, peer not responding",
    ],
    "dpd_timeout": [r"DPD check timed out, enforcing DPD action"],
    "phase2_network_mismatch": [
        r"received TS_UNACCEPTABLE notify, no CHILD_SA built",
        r"traffic selectors .* unacceptable",
        r"no matching CHILD_SA config found for",
    ],
    "phase2_install_failure": [
        r"unable to install inbound and outbound IPsec SA \(SAD\) in kernel",
        r"unable to add SAD entry with SPI",
    ],
    "phase2_rekey_failure": [r"CHILD_SA rekeying failed"],
    "phase1_established": [r"IKE_SA \S+\[\d+\] established between"],
    "phase2_established": [r"CHILD_SA \S+\{\d+\} established with SPIs"],
}

PATTERNS = {cls: [re.compile(p) for p in pats] for cls, pats in CLASSES.items()}
PREFIX = re.compile(r"\d+\[\w+\] <(?:([^|>]*)\|)?(\d+)>")


def classify(paths):
    seen = {cls: set() for cls in PATTERNS}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                for cls, regexes in PATTERNS.items():
                    for rx in regexes:
                        if rx.search(line):
                            m = PREFIX.search(line)
                            seen[cls].add(m.group(2) if m else line)
                            break
    return {cls: len(ids) for cls, ids in seen.items() if ids}


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(classify(sys.argv[1:]), sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
