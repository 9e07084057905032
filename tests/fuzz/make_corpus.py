#!/usr/bin/env python3
"""make_corpus.py - builds the fuzzers' seed corpora from the real logs.

    tests/fuzz/make_corpus.py [--out tests/fuzz/corpus] [target...]

For each target, tests/fuzz/corpus/<target>/ gets (content-addressed file
names, so re-running is idempotent):
  * the committed hand-picked seeds of tests/fuzz/seeds/<target>/ (envelope
    forms and paste damage the lab logs do not have);
  * inputs cut from tests/corpus/**/*.log in the shape the target reads:
      fuzz_envelope          distinct line shapes, and runs of consecutive lines
      fuzz_line_source       9-byte header (options, chunk seed) + log slices
      fuzz_proposal          "received\\nconfigured" proposal lists
      fuzz_traffic_selector  "a\\nb" traffic selectors and lists
      fuzz_pipeline          9-byte header + whole logs, and both ends of one
                             scenario joined by a form feed (two sources)
The generated corpus is not committed (tests/fuzz/.gitignore).
"""
import argparse
import glob
import hashlib
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "tests", "corpus")

MAX_LEN = {  # keep in step with scripts/fuzz.sh
    "fuzz_envelope": 4096,
    "fuzz_line_source": 32768,
    "fuzz_proposal": 2048,
    "fuzz_traffic_selector": 512,
    "fuzz_pipeline": 65536,
}


def logs():
    return sorted(glob.glob(os.path.join(CORPUS, "**", "*.log"), recursive=True))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def header(opt, seed):
    return bytes([opt & 0xFF]) + struct.pack("<Q", seed & 0xFFFFFFFFFFFFFFFF)


def shape(line):
    """A line's message with numbers and addresses blanked: lines of one
    shape exercise the same parser path."""
    m = re.search(rb"\]: (.*)$", line)
    msg = m.group(1) if m else line
    msg = re.sub(rb"<[^>]*>", b"<>", msg)
    msg = re.sub(rb"[0-9a-f]{8}", b"H", msg)
    return re.sub(rb"\d+", b"0", msg)


def gen_envelope():
    seen = set()
    for path in logs():
        lines = read(path).split(b"\n")
        for l in lines:
            s = shape(l)
            if s not in seen:
                seen.add(s)
                yield l
        # a run of consecutive lines (exercises the header cache)
        for start in (0, len(lines) // 2):
            yield b"\n".join(lines[start:start + 12])


def gen_line_source():
    for i, path in enumerate(logs()):
        data = read(path)
        for j, (off, n) in enumerate(((0, 6000), (len(data) // 2, 6000), (0, 32000))):
            yield header(i * 7 + j, i * 1000 + j) + data[off:off + n]


PROP_RE = re.compile(rb"(received|configured) proposals: (.*)$|proposals = (.*)$")


def gen_proposal():
    for path in logs():
        received = None
        for l in read(path).split(b"\n"):
            m = PROP_RE.search(l)
            if not m:
                continue
            if m.group(1) == b"received":
                received = m.group(2)
            elif m.group(1) == b"configured":
                if received is not None:
                    yield received + b"\n" + m.group(2)
                    received = None
                else:
                    yield m.group(2)
            else:
                yield m.group(3)


TS_RE = re.compile(rb"and TS (.*) === (.*)$|local_ts = (.*)$|remote_ts = (.*)$|"
                   rb"config: (\S+), received: (\S+) =>|for (\S+) === (\S+)")


def gen_traffic_selector():
    for path in logs():
        for l in read(path).split(b"\n"):
            m = TS_RE.search(l)
            if not m:
                continue
            g = [x for x in m.groups() if x is not None]
            yield b"\n".join(g[:2])


def gen_pipeline():
    scen = {}
    for i, path in enumerate(logs()):
        data = read(path)
        yield header(i, i) + data[:MAX_LEN["fuzz_pipeline"] - 9]
        scen.setdefault(os.path.dirname(path), []).append(data)
    for i, (d, parts) in enumerate(sorted(scen.items())):
        if len(parts) == 2:
            budget = (MAX_LEN["fuzz_pipeline"] - 10) // 2
            yield header(0x40 | i, i) + parts[0][-budget:] + b"\f" + parts[1][-budget:]


GENERATORS = {
    "fuzz_envelope": gen_envelope,
    "fuzz_line_source": gen_line_source,
    "fuzz_proposal": gen_proposal,
    "fuzz_traffic_selector": gen_traffic_selector,
    "fuzz_pipeline": gen_pipeline,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"))
    ap.add_argument("targets", nargs="*")
    a = ap.parse_args()
    targets = a.targets or sorted(GENERATORS)
    for t in targets:
        d = os.path.join(a.out, t)
        os.makedirs(d, exist_ok=True)
        n = 0
        seeds = os.path.join(HERE, "seeds", t)
        items = []
        if os.path.isdir(seeds):
            items += [read(p) for p in sorted(glob.glob(os.path.join(seeds, "*")))]
        if t in GENERATORS:
            items += list(GENERATORS[t]())
        for data in items:
            data = data[:MAX_LEN.get(t, 65536)]
            if not data:
                continue
            name = os.path.join(d, hashlib.sha1(data).hexdigest())
            if not os.path.exists(name):
                with open(name, "wb") as f:
                    f.write(data)
            n += 1
        print("make_corpus: %-24s %4d inputs in %s" % (t, n, os.path.relpath(d, ROOT)))


if __name__ == "__main__":
    main()
