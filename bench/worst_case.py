#!/usr/bin/env python3
"""worst_case.py - logs built to hit the engine's per-event bookkeeping where
it is dearest, timed beside bench/gen_log.py's realistic log of the same size.

    bench/worst_case.py [--bin build-bench/ipsec-diag] [--baseline OTHER_BIN]
                        [--size-mib 50] [--runs 3]

Why: bench/run.sh measures a realistic log, where every structure stays
small. A hostile or merely unusual log can make one structure large and
then ask it something on every line. Each case below is such a log; its
throughput should stay within a small factor of the realistic log's (the
ratio column). --baseline runs another binary (an older build) on the same
files, side by side.

Cases:
  closes   4,000 tunnels up at once, then a stream of SAs of one more
           connection that come up and are deleted by the peer: every
           delete asks whether another SA of its connection is up (the
           tunnel index; a walk of the store made this quadratic).
  threads  lines of 4,000 SAs interleaved without <conn|id> prefixes, so
           lines are placed by thread and message order.
Logs are generated (deterministic) into $BENCH_DIR (default
/tmp/ipsec-diag-bench) and reused.
"""
import argparse
import os
import subprocess
import sys
import time

ENV = "Nov 27 10:00:{s:02d} fw charon[4242]: "


def gen_closes(path, size):
    with open(path, "w") as out:
        sid = 1
        for i in range(4000):
            peer = f"198.51.{i // 250}.{i % 250 + 1}"
            out.write(ENV.format(s=0) + f"05[IKE] <con{i}|{sid}> IKE_SA con{i}[{sid}] established "
                      f"between 192.0.2.1[192.0.2.1]...{peer}[{peer}]\n")
            sid += 1
        while out.tell() < size:
            s = sid % 60
            out.write(ENV.format(s=s) + f"07[IKE] <rw|{sid}> IKE_SA rw[{sid}] established between "
                      f"192.0.2.1[192.0.2.1]...203.0.113.5[client{sid}]\n")
            out.write(ENV.format(s=s) + f"07[IKE] <rw|{sid}> received DELETE for IKE_SA rw[{sid}]\n")
            out.write(ENV.format(s=s) + f"07[IKE] <rw|{sid}> deleting IKE_SA rw[{sid}] between "
                      f"192.0.2.1[192.0.2.1]...203.0.113.5[client{sid}]\n")
            sid += 1


def gen_threads(path, size):
    with open(path, "w") as out:
        k = 0
        while out.tell() < size:
            i = k % 4000
            t = 1 + k % 16
            peer = f"198.51.{i // 250}.{i % 250 + 1}"
            s = k % 60
            out.write(ENV.format(s=s) + f"{t:02d}[NET] received packet: from {peer}[500] to "
                      f"192.0.2.1[500] (76 bytes)\n")
            out.write(ENV.format(s=s) + f"{t:02d}[ENC] parsed INFORMATIONAL request {k} [ ]\n")
            out.write(ENV.format(s=s) + f"{t:02d}[ENC] generating INFORMATIONAL response {k} [ ]\n")
            out.write(ENV.format(s=s) + f"{t:02d}[NET] sending packet: from 192.0.2.1[500] to "
                      f"{peer}[500] (76 bytes)\n")
            k += 1


CASES = {"closes": gen_closes, "threads": gen_threads}


def best_time(binary, path, runs):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run([binary, "diagnose", path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        if r.returncode not in (0, 1):
            sys.exit(f"worst_case: {binary} diagnose {path} exited {r.returncode}")
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build-bench/ipsec-diag")
    ap.add_argument("--baseline", help="another ipsec-diag binary, run on the same files")
    ap.add_argument("--size-mib", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bdir = os.environ.get("BENCH_DIR", "/tmp/ipsec-diag-bench")
    os.makedirs(bdir, exist_ok=True)
    size = a.size_mib << 20
    real = os.path.join(bdir, f"charon-{a.size_mib}M-s1.log")
    if not os.path.exists(real):
        subprocess.run([sys.executable, os.path.join(root, "bench/gen_log.py"), "--size",
                        f"{a.size_mib}M", "--seed", "1", "--out", real], check=True)
    files = [("realistic", real)]
    for name, gen in CASES.items():
        path = os.path.join(bdir, f"worst-{name}-{a.size_mib}M.log")
        if not os.path.exists(path) or os.path.getsize(path) < size:
            gen(path, size)
        files.append((name, path))
    bins = [("ipsec-diag", a.bin)] + ([("baseline", a.baseline)] if a.baseline else [])
    print(f"{'log':<10} {'MiB':>5}  " + "  ".join(f"{b:>12} MB/s  ratio" for b, _ in bins))
    ref = {}
    for name, path in files:
        mb = os.path.getsize(path) / 1e6
        cells = []
        for b, binary in bins:
            rate = mb / best_time(binary, path, a.runs)
            ref.setdefault(b, rate)
            cells.append(f"{rate:17.0f}  {rate / ref[b]:5.2f}")
        print(f"{name:<10} {os.path.getsize(path) / 2**20:5.0f}  " + "  ".join(cells))
    print("(ratio: MB/s against the same binary on the realistic log)")


if __name__ == "__main__":
    main()
