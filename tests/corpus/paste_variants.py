#!/usr/bin/env python3
"""Every corpus log, pasted the ways people paste logs, must diagnose alike.

Usage: paste_variants.py --bin PATH [--corpus DIR] [-v] [--only NAME]

For each log of the corpus (every *.log below the corpus root) this takes
the charon part of each line ("09[IKE] <con1|7> message"), keeps the
line's time when it has one (else it makes up one a second apart), and
writes the log again in each of the shapes the README promises to read:
BSD syslog, RFC 5424, journald short-iso, bare "charon:" and bare core
lines, CRLF line ends, HTML-escaped (as a ticket system stores it),
newest first (pfSense's GUI), an OPNsense GUI export (tab-separated,
newest first), Android logcat, every event twice (charon and
charon-systemd), hard-wrapped by a terminal and by a mail client,
interleaved with other daemons' lines, surrounded by prose, and with
every IPv4 address redacted three ways ("x.x.x.x" for all, "A.A.A.A",
"B.B.B.B"... one per address, "<REDACTED>" for all), and without the
"<name|id>" prefixes (charon's ike_name option is off by default on
Linux, so most hosts other than pfSense log none).

A log whose expected.json has "skip_variants" (the reason) rests on lines
that are not charon's (NetworkManager relaying charon's result): the
variants, made of charon lines, lose them, so it is not compared.

A log whose expected.json lists "redacted_may_lose" (classes, and why in
"note") has peers told apart by their addresses alone: with every address
"x.x.x.x" or "<REDACTED>" their lines join one SA, and what was inferred
for one of them (its IKE_SA up, from a Quick Mode as its first exchange)
can be lost. Those classes are left out of the comparison of those two
redacted shapes only.

A log whose expected.json has "needs_ike_name" (the reason) tells its
SAs apart by those prefixes alone (several tunnels to the same peer
negotiating at once, a grace window that the other lines would close):
its shape without them is not compared.

A log whose expected.json says "needs_times": true rests on the time
between its lines (a tunnel deleted seconds after it came up, in a log
whose lines are too sparse to count): its shapes without times (bare
"charon:" and bare core lines) are not compared.

The diagnoses of every shape must equal those of the BSD syslog shape,
compared on what a user acts on: class, phase, severity and the offending
fields with their values (evidence line numbers differ by construction);
a redacted shape on class, phase and severity (its values are redacted).
The BSD shape itself must equal the original file. A difference is a bug
in the line layer (envelopes, paste repairs), not in the rules: the rules
see the same events whatever the shape.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_corpus  # noqa: E402  (its run(): the binary on log files -> (document, error))

CORE = re.compile(r"(\d\d\d?\[[A-Z]{3}\d?\] .*)$")
# a charon line without a core ("charon-systemd[9]: message"): the variants,
# made of cores, would lose it
CORELESS_CHARON = re.compile(r"\bcharon(-systemd)?(\[\d+\])?: (?!\d\d\d?\[[A-Z]{3}\d?\] )")
BSD_TIME = re.compile(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)")
ISO_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def parse(text):
    """[(seconds since Jan 1 or None, core)] for the charon lines."""
    out = []
    for line in text.splitlines():
        if line.startswith("| ") and line.rstrip().endswith(" |"):
            line = line.rstrip()[:-2].rstrip()  # a Markdown table's row: its closing bar is decoration
        m = CORE.search(line)
        if not m:
            continue
        t = None
        b = BSD_TIME.match(line)
        i = ISO_TIME.search(line[: m.start()]) if not b else None
        if b:
            mon = MONTHS.index(b.group(1)) if b.group(1) in MONTHS else 0
            t = ((mon * 31 + int(b.group(2))) * 24 + int(b.group(3))) * 3600 + int(b.group(4)) * 60 + int(b.group(5))
        elif i:
            t = ((int(i.group(2)) - 1) * 31 + int(i.group(3))) * 86400 + int(i.group(4)) * 3600 + int(i.group(5)) * 60 + int(i.group(6))
        out.append((t, m.group(1)))
    # lines without a time: one second apart, after the last known time
    base = 10 * 31 * 86400 + 27 * 86400 + 13 * 3600  # Nov 27 13:00:00
    fixed, last = [], None
    for k, (t, core) in enumerate(out):
        if t is None:
            t = (last + 1) if last is not None else base + k
        last = t
        fixed.append((t, core))
    return fixed


def clock(t):
    day, rest = divmod(t, 86400)
    mon, mday = divmod(day, 31)
    hh, rest = divmod(rest, 3600)
    mm, ss = divmod(rest, 60)
    return min(mon, 11), max(mday, 1), hh, mm, ss


def bsd(t, core, prog="charon", pid=4242):
    mon, mday, hh, mm, ss = clock(t)
    return "%s %2d %02d:%02d:%02d fw %s[%d]: %s" % (MONTHS[mon], mday, hh, mm, ss, prog, pid, core)


def rfc5424(t, core):
    mon, mday, hh, mm, ss = clock(t)
    return "<30>1 2026-%02d-%02dT%02d:%02d:%02d.123456+00:00 fw charon 4242 - - %s" % (mon + 1, mday, hh, mm, ss, core)


def journald_iso(t, core):
    mon, mday, hh, mm, ss = clock(t)
    return "2026-%02d-%02dT%02d:%02d:%02d+0000 fw charon-systemd[4242]: %s" % (mon + 1, mday, hh, mm, ss, core)


def opnsense(t, core):
    mon, mday, hh, mm, ss = clock(t)
    return "2026-%02d-%02dT%02d:%02d:%02d\tNotice\tcharon\t%s" % (mon + 1, mday, hh, mm, ss, core)


def logcat(t, core):
    mon, mday, hh, mm, ss = clock(t)
    return "%02d-%02d %02d:%02d:%02d.123  1234  1300 I charon  : %s" % (mon + 1, mday, hh, mm, ss, core)


def mail_wrap(line, width=72):
    """A mail client's wrap: at the last space before the width. A word
    longer than the width (a proposal list) is not broken: it ends its line
    at the next space, as mail clients do."""
    out = []
    while len(line) > width:
        cut = line.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = line.find(" ", width + 1)
            if cut < 0:
                break
        out.append(line[:cut])
        line = line[cut:].lstrip(" ")
    out.append(line)
    return out


def other_daemon(t, k):
    mon, mday, hh, mm, ss = clock(t)
    what = ["php-fpm[371]: /status_ipsec.php: Forcefully reloading IPsec",
            "kernel: pflog0: promiscuous mode enabled",
            "filterlog[6029]: 5,,,1000000103,vtnet0,match,block,in,4,0x0,,64"][k % 3]
    return "%s %2d %02d:%02d:%02d fw %s" % (MONTHS[mon], mday, hh, mm, ss, what)


def html_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace("[", "&#91;").replace("]", "&#93;"))


# the "<name|id> " (or "<id> ") a line of an SA carries after its thread and subsystem
IKE_NAME = re.compile(r"^(\d\d\d?\[[A-Z]{3}\d?\] )<[^>|]*(\|\d+)?> ")
IPV4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def redact_letters(text):
    """One made-up address per real one: A.A.A.A, B.B.B.B, ..."""
    seen = {}

    def sub(m):
        if m.group(0) not in seen:
            c = chr(ord("A") + len(seen) % 26) * (1 + len(seen) // 26)
            seen[m.group(0)] = ".".join([c] * 4)
        return seen[m.group(0)]
    return IPV4.sub(sub, text)


REDACTED = ("redacted-x", "redacted-letters", "redacted-tag")


def wrap(line, width):
    return [line[i:i + width] for i in range(0, len(line), width)] or [""]


def variants(lines):
    """name -> text"""
    v = {}
    v["bsd"] = "\n".join(bsd(t, c) for t, c in lines) + "\n"
    v["rfc5424"] = "\n".join(rfc5424(t, c) for t, c in lines) + "\n"
    v["journald-short-iso"] = "\n".join(journald_iso(t, c) for t, c in lines) + "\n"
    v["bare-charon"] = "\n".join("charon: " + c for t, c in lines) + "\n"
    v["bare-core"] = "\n".join(c for t, c in lines) + "\n"
    v["crlf"] = "".join(bsd(t, c) + "\r\n" for t, c in lines)
    v["html-escaped"] = "\n".join(html_escape(bsd(t, c)) for t, c in lines) + "\n"
    # Newest first can only be told by time: a log within one second keeps
    # the order it is given in.
    steps = sum(1 for (a, _), (b, _) in zip(lines, lines[1:]) if b > a)
    v["newest-first"] = "\n".join(bsd(t, c) for t, c in reversed(lines)) + "\n"
    v["doubled"] = "\n".join(bsd(t, c) + "\n" + bsd(t, c, "charon-systemd", 4243) for t, c in lines) + "\n"
    v["terminal-wrap-120"] = "\n".join(x for t, c in lines for x in wrap(bsd(t, c), 120)) + "\n"
    v["opnsense-export"] = "\n".join(opnsense(t, c) for t, c in reversed(lines)) + "\n"
    if steps < 3:
        del v["newest-first"], v["opnsense-export"]
    v["logcat"] = "\n".join(logcat(t, c) for t, c in lines) + "\n"
    unnamed = [(t, IKE_NAME.sub(r"\1", c, count=1)) for t, c in lines]
    if unnamed != lines:
        v["no-ike-name"] = "\n".join(bsd(t, c) for t, c in unnamed) + "\n"
    v["mail-wrap-72"] = "\n".join(x for t, c in lines for x in mail_wrap(bsd(t, c))) + "\n"
    v["other-daemons"] = "\n".join(bsd(t, c) + ("\n" + other_daemon(t, k) if k % 3 == 0 else "")
                                   for k, (t, c) in enumerate(lines)) + "\n"
    v["redacted-x"] = IPV4.sub("x.x.x.x", v["bsd"])
    v["redacted-letters"] = redact_letters(v["bsd"])
    v["redacted-tag"] = IPV4.sub("<REDACTED>", v["bsd"])
    v["prose"] = ("Hi, the tunnel to the branch is down since this morning.\n"
                  "Here is what the firewall logged:\n\n" + v["bsd"] +
                  "\nAny idea? Thanks,\nBob\n")
    return v


def diagnose(binary, text):
    """run_corpus.run on the text, written to a temporary file."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        return run_corpus.run(binary, [path])
    finally:
        os.unlink(path)


def key(doc):
    """What a user acts on, order-free."""
    out = []
    for d in doc.get("diagnoses", []):
        off = tuple(sorted((o.get("field"), json.dumps(o.get("local")), json.dumps(o.get("peer")))
                           for o in d.get("offending", []) or []))
        out.append((d.get("class"), d.get("phase"), d.get("severity"), off))
    return sorted(out, key=repr)


def classes_key(doc):
    """Class, phase and severity of each diagnosis: what survives redaction,
    once per occurrence (two clients of one connection, told apart by their
    addresses alone, are one diagnosis seen twice once those are redacted)."""
    return sorted(((d.get("class"), d.get("phase"), d.get("severity"))
                   for d in doc.get("diagnoses", []) for _ in range(d.get("occurrences") or 1)),
                  key=repr)


def describe(a, b):
    ca, cb = collections.Counter(map(repr, a)), collections.Counter(map(repr, b))
    return "missing %s; extra %s" % (sorted((ca - cb).elements())[:3], sorted((cb - ca).elements())[:3])


UNTIMED = ("bare-charon", "bare-core")


def expected_of(log_path):
    """The log's expected.json ({} when there is none)."""
    exp = os.path.join(os.path.dirname(log_path), "expected.json")
    try:
        with open(exp, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def needs_times(log_path):
    """Whether the log's expected.json marks it as resting on its times."""
    return bool(expected_of(log_path).get("needs_times"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--only")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()

    logs = []
    for root, _, files in os.walk(args.corpus):
        for f in sorted(files):
            if f.endswith(".log") and (not args.only or args.only in os.path.join(root, f)):
                logs.append(os.path.join(root, f))
    logs.sort()
    jobs = []
    may_lose = {}
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = parse(text)
        skip = expected_of(path).get("skip_variants")
        if skip:
            if args.v:
                print("skip %s: %s" % (path, skip))
            continue
        if lines and any(CORELESS_CHARON.search(l) for l in text.splitlines()):
            # a paste that mixes both shapes is itself the variant
            if args.v:
                print("skip %s: charon lines with and without a thread prefix" % path)
            continue
        if lines:
            may_lose[os.path.relpath(path, args.corpus)] = expected_of(path).get("redacted_may_lose")
            jobs.append((os.path.relpath(path, args.corpus), "original", text))
            skip = UNTIMED if needs_times(path) else ()
            if expected_of(path).get("needs_ike_name"):
                skip += ("no-ike-name",)
            jobs += [(os.path.relpath(path, args.corpus), v, t) for v, t in variants(lines).items()
                     if v not in skip]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda j: diagnose(args.bin, j[2]), jobs))
    passed = failed = 0
    want, want_classes = {}, {}
    for (name, vname, _), (doc, err) in zip(jobs, results):
        if vname == "original":
            want[name] = key(doc) if doc else None
            want_classes[name] = classes_key(doc) if doc else None
            if err:
                failed += 1
                print("FAIL %s: original: %s" % (name, err))
            continue
        if want[name] is None:
            continue
        keyf, expected = (classes_key, want_classes[name]) if vname in REDACTED else (key, want[name])
        got = keyf(doc) if doc else None
        lose = set(may_lose.get(name) or ()) if vname in ("redacted-x", "redacted-tag") else set()
        if lose and got is not None:
            expected = [k for k in expected if k[0] not in lose]
            got = [k for k in got if k[0] not in lose]
        if err or got != expected:
            failed += 1
            print("FAIL %s [%s]: %s" % (name, vname, err or describe(expected, got)))
        else:
            passed += 1
            if args.v:
                print("ok   %s [%s]" % (name, vname))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
