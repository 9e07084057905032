#!/usr/bin/env python3
"""check_expected.py - does ipsec-diag find what bench/gen_log.py spliced in?

    ipsec-diag diagnose --format json LOG > out.json
    bench/check_expected.py LOG.expected.json out.json

Attributes every error diagnosis to a spliced failure (by IKE_SA unique
id, else by connection name) or to a routine tunnel, then prints:
  found     spliced failures with >= 1 error diagnosis in their accept_class
  wrong     spliced failures whose error diagnoses are all of other classes
  missed    spliced failures with no error diagnosis at all
  false+    error diagnoses attributed to routine tunnels (must be 0)
  classes   error diagnoses per class, against the expected primary counts
Exit status 0 when every failure is found and there is no false positive,
1 otherwise (bench/run.sh reports it, it does not stop the benchmark).
"""
import json
import sys
from collections import Counter


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        exp = json.load(f)
    with open(sys.argv[2]) as f:
        out = json.load(f)

    by_name = {e["connection"]: i for i, e in enumerate(exp["failure_list"])}
    by_id = {}
    for i, e in enumerate(exp["failure_list"]):
        for sa in e["ike_sa_ids"]:
            by_id[sa] = i
    got = [[] for _ in exp["failure_list"]]
    false_pos = []
    classes = Counter()
    severities = Counter()
    for d in out.get("diagnoses", []):
        severities[d.get("severity")] += 1
        if d.get("severity") != "error":
            continue
        classes[d.get("class")] += 1
        conn = d.get("connection") or {}
        # the IKE_SA unique id first: every id belongs to one negotiation,
        # while a name may be the engine's guess for a negotiation that never
        # got a peer config
        i = by_id.get(conn.get("ike_sa_id"))
        if i is None:
            i = by_name.get(conn.get("name"))
        if i is None:
            false_pos.append(d)
        else:
            got[i].append(d.get("class"))

    found = wrong = missed = 0
    problems = []
    for e, classes_got in zip(exp["failure_list"], got):
        if any(c in e["accept_class"] for c in classes_got):
            found += 1
        elif classes_got:
            wrong += 1
            problems.append("wrong  %s (%s %s): got %s, want one of %s" % (
                e["connection"], e["scenario"], e["side"], sorted(set(classes_got)),
                e["accept_class"]))
        else:
            missed += 1
            problems.append("missed %s (%s %s): want one of %s" % (
                e["connection"], e["scenario"], e["side"], e["accept_class"]))
    n = len(exp["failure_list"])
    print("check: %d spliced failures: %d found, %d wrong class, %d missed; "
          "%d false positive error diagnoses on routine tunnels" %
          (n, found, wrong, missed, len(false_pos)))
    print("check: diagnoses by severity: %s" %
          ", ".join("%s=%d" % kv for kv in sorted(severities.items(), key=str)))
    want = exp.get("failures_by_primary_class", {})
    rows = sorted(set(want) | set(classes))
    print("check: %-34s %8s %8s   (expected: each failure under its first accepted"
          % ("error class", "expected", "got"))
    print("check: %-34s %8s %8s    class; an initiator may rightly give the generic one)"
          % ("", "", ""))
    for c in rows:
        print("check: %-34s %8d %8d" % (c, want.get(c, 0), classes.get(c, 0)))
    for p in problems[:20]:
        print("check: " + p)
    if len(problems) > 20:
        print("check: ... %d more" % (len(problems) - 20))
    for d in false_pos[:5]:
        conn = d.get("connection") or {}
        print("check: false+ %s %s[%s]: %s" % (d.get("class"), conn.get("name"),
                                               conn.get("ike_sa_id"), d.get("detail")))
    return 0 if found == n and not false_pos else 1


if __name__ == "__main__":
    sys.exit(main())
