#!/usr/bin/env python3
"""Runs ipsec-diag over every corpus scenario and checks expected.json.

Usage: run_corpus.py --bin PATH [--corpus DIR] [-v]

A scenario is any directory below the corpus root (default: this script's
directory, i.e. tests/corpus/{lab,reference,...}) holding an expected.json
and at least one of initiator.log / responder.log. expected.json maps each
side ("initiator", "responder") to:

  outcome       "failed" | "established" | "not_determinable" | "no_conclusion"
  accept_class  list of classes, any one is right (outcome failed)
  offending     optional {field, local: [..], peer: [..]}: a diagnosis must
                carry that field with the same value sets ("NONE" also
                matches null)
  also_class    optional list of classes that must be reported too (any
                severity), e.g. phase1_established beside a phase 2 failure
  absent_class  optional list of classes that must not be reported (any
                severity), e.g. tunnel_closed for a rekey
  detail_contains / detail_lacks / title_contains / advice_contains / advice_lacks
                optional texts the first error's detail, title or
                recommendation must (or must not) say
  latest        optional {"phase1": "closed", ...}: every tunnel row's
                "latest" of that phase (every outcome); a list: any of them
  summary_contains
                optional texts the document's summary must say
  stats         optional {"status_ike_sas": 1, ...}: counters of the sources
                (summed) that must have these values

Checks per side: the single log alone, per its expectation. Per scenario:
both logs together must not crash and must still report the failure.
Prints one line per check and ends with "N passed, M failed".
"""
import argparse
import json
import os
import subprocess
import sys

SIDES = ("initiator", "responder")
HIGH_CONFIDENCE = 0.8



def as_list(exp, key):
    """exp[key] as a list: one text or class may be given bare (a bare string
    would otherwise be checked character by character)."""
    v = exp.get(key)
    if not v:
        return []
    return [v] if isinstance(v, str) else list(v)

def run(binary, logs):
    cmd = [binary, "diagnose", "--format", "json"] + logs
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if p.returncode < 0:
        return None, "crashed with signal %d" % -p.returncode
    try:
        return json.loads(p.stdout.decode("utf-8")), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, "exit %d, invalid JSON (%s): %s" % (p.returncode, exc, p.stderr.decode("utf-8", "replace")[:200])


def value_set(v):
    if v is None:
        return {"NONE"}
    if isinstance(v, list):
        items = v
    else:
        items = [x.strip() for x in str(v).split(", ")]
    out = set()
    for x in items:
        out.add("NONE" if x is None or x in ("NONE", "null", "") else str(x))
    return out


def errors_of(doc):
    return [d for d in doc.get("diagnoses", []) if d.get("severity") == "error"]


def check_offending(diags, want):
    field = want.get("field")
    for d in diags:
        for o in d.get("offending") or []:
            if o.get("field") != field:
                continue
            ok = True
            for key in ("local", "peer"):
                if key in want and want[key] is not None:
                    if value_set(o.get(key)) != value_set(want[key]):
                        ok = False
            if ok:
                return True, None
            return False, "%s: got local=%s peer=%s, want local=%s peer=%s" % (
                field, o.get("local"), o.get("peer"), want.get("local"), want.get("peer"))
    return False, "no offending entry for %s" % field


def check_side(doc, exp):
    """Returns (ok, message)."""
    ok, msg = check_side_outcome(doc, exp)
    if not ok:
        return ok, msg
    classes = [d.get("class") for d in doc.get("diagnoses", [])]
    for cls in as_list(exp, "absent_class"):
        if cls in classes:
            return False, "unexpected %s (got %s)" % (cls, classes)
    summary = doc.get("summary") or ""
    for text in as_list(exp, "summary_contains"):
        if text not in summary:
            return False, "summary lacks %r: %s" % (text, summary[:300])
    for key, want in (exp.get("stats") or {}).items():
        got = sum(src.get(key, 0) for src in doc.get("sources") or [])
        if got != want:
            return False, "sources' %s is %s, want %s" % (key, got, want)
    for phase, want in (exp.get("latest") or {}).items():
        rows = doc.get("tunnels") or []
        if not rows:
            return False, "no tunnel rows (want %s latest %s)" % (phase, want)
        for row in rows:
            got = (row.get(phase) or {}).get("latest")
            if got not in (want if isinstance(want, list) else [want]):
                return False, "tunnel %s: %s latest is %s, want %s" % (row.get("connection"), phase, got, want)
    return ok, msg


def check_side_outcome(doc, exp):
    outcome = exp.get("outcome")
    diags = doc.get("diagnoses", [])
    errs = errors_of(doc)
    classes = [d.get("class") for d in diags]
    if outcome == "failed":
        if not errs:
            return False, "no error diagnosis (got %s)" % (classes or "nothing")
        first = errs[0]
        accept = as_list(exp, "accept_class")
        if accept and first.get("class") not in accept:
            return False, "first error is %s, want one of %s" % (first.get("class"), accept)
        want = exp.get("offending")
        if want:
            ok, msg = check_offending(errs, want)
            if not ok:
                return False, msg
        side = exp.get("change_side")
        got_side = (first.get("recommendation") or {}).get("change_side")
        if side and got_side != side:
            return False, "recommendation's change_side is %s, want %s" % (got_side, side)
        for text in as_list(exp, "detail_contains"):
            if text not in (first.get("detail") or ""):
                return False, "detail does not say %r" % text
        for text in as_list(exp, "title_contains"):
            if text not in (first.get("title") or ""):
                return False, "title does not say %r" % text
        for text in as_list(exp, "detail_lacks"):
            if text in (first.get("detail") or ""):
                return False, "detail says %r, which it must not" % text
        rec = first.get("recommendation") or {}
        advice = " ".join(rec.get(k) or "" for k in ("summary", "pfsense", "strongswan"))
        for text in as_list(exp, "advice_contains"):
            if text not in advice:
                return False, "recommendation does not say %r" % text
        for text in as_list(exp, "advice_lacks"):
            if text in advice:
                return False, "recommendation says %r, which it must not" % text
        for cls in as_list(exp, "also_class"):
            if cls not in classes:
                return False, "no %s beside the failure (got %s)" % (cls, classes)
        return True, first.get("class")
    if outcome == "established":
        if errs:
            return False, "unexpected error %s" % errs[0].get("class")
        if "phase1_established" not in classes:
            return False, "no phase1_established (got %s)" % (classes or "nothing")
        want_warn = exp.get("warning_class")
        if want_warn and not any(d.get("severity") == "warning" and d.get("class") in want_warn
                                 for d in diags):
            return False, "no warning of class %s" % want_warn
        ok, msg = check_warning_texts(diags, exp)
        if not ok:
            return ok, msg
        not_warn = as_list(exp, "no_warning_class")
        bad = [d.get("class") for d in diags if d.get("severity") == "warning" and d.get("class") in not_warn]
        if bad:
            return False, "unexpected warning %s" % bad[0]
        also = as_list(exp, "also_class")
        for cls in also:
            if cls not in classes:
                return False, "no %s beside the success (got %s)" % (cls, classes)
        # texts: said by a diagnosis of also_class (any other than an
        # established one, without also_class)
        others = [d for d in diags if (d.get("class") in also if also else
                                       d.get("class") not in ("phase1_established", "phase2_established"))]
        for key, get in (("title_contains", lambda d: d.get("title") or ""),
                         ("detail_contains", lambda d: d.get("detail") or ""),
                         ("advice_contains", lambda d: json.dumps(d.get("recommendation") or {}))):
            for text in as_list(exp, key):
                if not any(text in get(d) for d in others):
                    return False, "no %s diagnosis has %s %r" % ("/".join(also) or "other", key, text)
        return True, "established"
    if outcome in ("not_determinable", "no_conclusion"):
        bad = [d for d in errs if (d.get("confidence") or 0) >= HIGH_CONFIDENCE]
        if outcome == "no_conclusion" and errs:
            return False, "unexpected error %s" % errs[0].get("class")
        if bad:
            return False, "claims %s with confidence %.2f" % (bad[0].get("class"), bad[0].get("confidence"))
        want_warn = exp.get("warning_class")
        if want_warn and not any(d.get("severity") == "warning" and d.get("class") in want_warn
                                 for d in diags):
            return False, "no warning of class %s" % want_warn
        ok, msg = check_warning_texts(diags, exp)
        if not ok:
            return ok, msg
        return True, "honest (%s)" % (", ".join(classes) or "no conclusion")
    return False, "unknown outcome %r in expected.json" % outcome


def check_warning_texts(diags, exp):
    """warning_detail_contains / warning_advice_contains: texts some warning
    of the expected class must say (where the exchange stopped, what to do)."""
    warns = [d for d in diags if d.get("severity") == "warning" and
             d.get("class") in (as_list(exp, "warning_class"))]
    for key, get in (("warning_detail_contains", lambda d: d.get("detail") or ""),
                     ("warning_advice_contains", lambda d: json.dumps(d.get("recommendation") or {}))):
        for text in as_list(exp, key):
            if not any(text in get(d) for d in warns):
                return False, "no warning says %r" % text
    return True, ""


def check_tunnel(doc, spec):
    """Per-connection expectation of a log with several tunnels."""
    conn = spec.get("connection")
    child = spec.get("child")
    diags = []
    for d in doc.get("diagnoses", []):
        c = d.get("connection") or {}
        if c.get("name") != conn:
            continue
        # a child-specific expectation: that child's phase 2, and phase 1
        if child is not None and d.get("phase") == 2 and c.get("child") != child:
            continue
        diags.append(d)
    sub = {"diagnoses": diags}
    if child is not None and spec.get("outcome") == "established":
        if not any(d.get("class") == "phase2_established" for d in diags):
            return False, "%s/%s: no phase2_established" % (conn, child)
    ok, msg = check_side(sub, spec)
    return ok, "%s%s: %s" % (conn, "/" + child if child else "", msg)


def scenarios(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if "expected.json" in filenames and any(s + ".log" in filenames for s in SIDES):
            yield dirpath


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    passed = failed = 0
    for sdir in scenarios(args.corpus):
        name = os.path.relpath(sdir, args.corpus)
        with open(os.path.join(sdir, "expected.json")) as f:
            expected = json.load(f)
        logs = []
        for side in SIDES:
            log = os.path.join(sdir, side + ".log")
            if not os.path.exists(log) or side not in expected:
                continue
            logs.append(log)
            doc, err = run(args.bin, [log])
            if err:
                ok, msg = False, err
            else:
                ok, msg = check_side(doc, expected[side])
            print("%s %s/%s: %s" % ("PASS" if ok else "FAIL", name, side, msg))
            if args.verbose and not ok and doc:
                for d in doc.get("diagnoses", []):
                    print("    %s %s %.2f %s" % (d.get("severity"), d.get("class"), d.get("confidence") or 0,
                                                 d.get("detail")))
            passed += ok
            failed += not ok
            for spec in (expected.get("tunnels") or {}).get(side, []):
                if doc is None:
                    ok, msg = False, err
                else:
                    ok, msg = check_tunnel(doc, spec)
                print("%s %s/%s/tunnel %s" % ("PASS" if ok else "FAIL", name, side, msg))
                passed += ok
                failed += not ok
        if len(logs) == 2:
            doc, err = run(args.bin, logs)
            if err:
                ok, msg = False, err
            else:
                fails = [expected[s] for s in SIDES if s in expected and expected[s].get("outcome") == "failed"]
                errs = errors_of(doc)
                if fails and not errs:
                    ok, msg = False, "both logs together: no error diagnosis"
                elif not fails and any(expected[s].get("outcome") == "established" for s in SIDES if s in expected) \
                        and errs:
                    ok, msg = False, "both logs together: unexpected error %s" % errs[0].get("class")
                else:
                    ok, msg = True, "%d diagnoses" % len(doc.get("diagnoses", []))
            print("%s %s/both: %s" % ("PASS" if ok else "FAIL", name, msg))
            passed += ok
            failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
