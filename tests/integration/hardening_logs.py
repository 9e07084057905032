"""hardening_logs.py - synthetic charon logs with a known number of failures,
for test_hardening.py (python3 standard library only).

A log of N failed negotiations is made from real lab logs (tests/corpus/lab)
by repeating each one with its IKE_SA unique id rewritten, so that every copy
is a negotiation of its own: the `<N>` / `<con|N>` log prefixes, the
`name[N]` IKE_SA references and the `{N}` CHILD_SA ids all get the same new
number within one copy. The charon PID is rewritten too, as if each copy came
from a restarted daemon.
"""
import json
import os
import re
import subprocess

# Responder logs with exactly one failure each (checked by expected_counts()).
FAIL_CASES = (
    "ikev1-p1-encryption-mismatch",
    "ikev2-p1-dh-mismatch",
    "ikev2-p2-ts-mismatch",
)

_PREFIX = re.compile(rb"<((?:[^|<>\s]+\|)?)(\d+)>")
_SAREF = re.compile(rb"(\w[\w.-]*|\(unnamed\))\[(\d+)\]")
_CHILD = re.compile(rb"\{(\d+)\}")
_PID = re.compile(rb"charon\[(\d+)\]")


def lab_path(src, case, end="responder"):
    return os.path.join(src, "tests", "corpus", "lab", case, end + ".log")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def renumber(text, base):
    """The log with every IKE_SA id k made base + k (CHILD_SA ids likewise),
    and the charon PID made unique."""
    def prefix(m):
        return b"<%s%d>" % (m.group(1), base + int(m.group(2)))

    def saref(m):
        # only IKE_SA/CHILD_SA references (name[id]); leave ports like [500]
        name = m.group(1)
        if name.isdigit() or b"." in name or name == b"charon":
            return m.group(0)
        return b"%s[%d]" % (name, base + int(m.group(2)))

    def child(m):
        return b"{%d}" % (base + int(m.group(1)))

    text = _PREFIX.sub(prefix, text)
    text = _SAREF.sub(saref, text)
    text = _CHILD.sub(child, text)
    return _PID.sub(lambda m: b"charon[%d]" % (10000 + base // 100 % 50000), text)


def build(src, copies, cases=FAIL_CASES):
    """`copies` renumbered copies of each case's responder log, interleaved
    case by case: (bytes, number of negotiations)."""
    logs = [read(lab_path(src, c)) for c in cases]
    out = []
    n = 0
    for i in range(copies):
        for log in logs:
            n += 1
            out.append(renumber(log, n * 100))
    return b"".join(out), n


def cli_counts(binary, path):
    """Per-class failure counts from `ipsec-diag diagnose` (repeats are folded
    in its document: occurrences), the oracle for the stream."""
    p = subprocess.run([binary, "diagnose", "--format", "json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if p.returncode not in (0, 1):
        raise RuntimeError("ipsec-diag diagnose failed: %s" % p.stderr.decode(errors="replace"))
    doc = json.loads(p.stdout)
    counts = {}
    for d in doc.get("diagnoses", []):
        if d.get("severity") != "error":
            continue
        counts[d["class"]] = counts.get(d["class"], 0) + int(d.get("occurrences", 1))
    return counts


def big_failing_log(src, approx_bytes):
    """A log of about approx_bytes made of renumbered copies of the shortest
    failing negotiation (only its lines with an IKE_SA prefix): many
    diagnoses per megabyte, for a stream whose answer is large."""
    lines = read(lab_path(src, FAIL_CASES[0])).split(b"\n")
    neg = b"\n".join(l for l in lines if _PREFIX.search(l)) + b"\n"
    # renumber once to a marker id, then copy by plain replacement (fast)
    tmpl = renumber(neg, 7770000)
    mark = b"7770001"
    out = []
    total = 0
    k = 0
    while total < approx_bytes:
        k += 1
        piece = tmpl.replace(mark, b"%d" % (k * 100 + 1))
        out.append(piece)
        total += len(piece)
    return b"".join(out), k
