#!/usr/bin/env python3
"""test_large_logs.py - the CLI on a large generated log and on truncated
copies of it (python3 standard library only).

    python3 tests/integration/test_large_logs.py --bin build/ipsec-diag

The corpus is made of short logs: a few negotiations each. A log of
hundreds of tunnels alive at once fills the engine's structures (the
negotiation store, the tunnel index, the report) as no fixture does, and a
log cut anywhere (a copy taken while charon writes, a paste cut short)
ends with many of them open, all concluded by idg_engine_finish. This
test makes such a log with bench/gen_log.py (seeded: the same bytes every
run) and checks, on the whole log and on prefixes cut mid-line:
  * the exit status is 0 or 1 and stderr is empty (a sanitizer build
    prints its reports there);
  * the output is one valid JSON document;
  * on the whole log, bench/check_expected.py finds every spliced failure
    and no false positive;
  * the report's cold storage (a temporary file in $TMPDIR) changes
    nothing: the same output without a usable $TMPDIR (kept in memory),
    with a temporary file that cannot grow past 64 KiB (a full disk: the
    records written before stay readable, the rest stay in memory), and
    no file left behind in it.
A heap-use-after-free in the tunnel index (two kinds of chain sharing a
head) showed only on such a prefix.
"""
import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile

ROOT = os.environ.get("IDG_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZE = "12M"
# as many tunnels as the generator makes at its largest (its default at
# this size is 48): the chains and tables are full from the start
TUNNELS = 500
# where the prefixes end, as fractions of the log (each moved by a few
# bytes so that it cuts a line)
CUTS = (0.11, 0.25, 0.5, 0.63, 0.9)

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + name)
    else:
        failed += 1
        print("FAIL - " + name + (": " + detail if detail else ""))


def full_disk_at_64k():
    """A child whose files cannot grow past 64 KiB: writes past it fail
    with EFBIG (SIGXFSZ ignored), as on a full disk; its pipes are not
    files, so stdout is not limited."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))


def diagnose(binary, path, env=None, preexec=None):
    p = subprocess.run([binary, "diagnose", path], capture_output=True, timeout=600, env=env,
                       preexec_fn=preexec)
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        doc = None
        err = str(e)
    else:
        err = ""
    return p, doc, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="idg-large-") as tmp:
        log = os.path.join(tmp, "charon.log")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_log.py"),
                        "--size", SIZE, "--seed", "1", "--tunnels", str(TUNNELS),
                        "--out", log], check=True,
                       stdout=subprocess.DEVNULL)
        data = open(log, "rb").read()

        p, doc, err = diagnose(args.bin, log)
        check("whole log: exit 1 (failures found)", p.returncode == 1, "exit %d" % p.returncode)
        check("whole log: stderr empty", not p.stderr, p.stderr[:300].decode(errors="replace"))
        check("whole log: one JSON document", doc is not None, err)
        if doc is not None:
            out = os.path.join(tmp, "out.json")
            with open(out, "wb") as f:
                f.write(p.stdout)
            c = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "check_expected.py"),
                                log + ".expected.json", out], capture_output=True, text=True)
            check("whole log: every spliced failure found, no false positive",
                  c.returncode == 0, c.stdout[-600:])

        whole = p.stdout
        empty = os.path.join(tmp, "tmpdir")
        os.mkdir(empty)
        for tmpdir, what in ((empty, "an empty $TMPDIR"), (os.path.join(tmp, "missing"), "no usable $TMPDIR")):
            env = dict(os.environ, TMPDIR=tmpdir)
            p, doc, err = diagnose(args.bin, log, env)
            check("whole log with %s: exit 1, stderr empty" % what,
                  p.returncode == 1 and not p.stderr, "exit %d %s" % (p.returncode, p.stderr[:300]))
            check("whole log with %s: the same output" % what, p.stdout == whole)
        p, doc, err = diagnose(args.bin, log, dict(os.environ, TMPDIR=empty), full_disk_at_64k)
        check("whole log with a temporary file full at 64 KiB: exit 1, stderr empty",
              p.returncode == 1 and not p.stderr, "exit %d %s" % (p.returncode, p.stderr[:300]))
        check("whole log with a temporary file full at 64 KiB: the same output", p.stdout == whole)
        check("no file left in $TMPDIR", os.listdir(empty) == [], str(os.listdir(empty)))

        for frac in CUTS:
            cut = int(len(data) * frac) + 7
            part = os.path.join(tmp, "cut.log")
            with open(part, "wb") as f:
                f.write(data[:cut])
            p, doc, err = diagnose(args.bin, part)
            what = "cut at %d of %d bytes" % (cut, len(data))
            check(what + ": exit 0 or 1", p.returncode in (0, 1), "exit %d" % p.returncode)
            check(what + ": stderr empty", not p.stderr, p.stderr[:600].decode(errors="replace"))
            check(what + ": one JSON document", doc is not None, err)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
