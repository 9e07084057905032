#!/usr/bin/env python3
"""measure.py - time one command on one file, the way bench/run.sh needs it.

    bench/measure.py --runs 3 --stdin FILE --label NAME -- CMD ARG...

Runs CMD --runs times (after one untimed warm-up run that also fills the
page cache), stdout to /dev/null (or to --stdout FILE), stderr to /dev/null,
stdin from --stdin if given.
Wall time is time.perf_counter() around fork..wait4 (best of the runs).
Peak RSS comes from one more run under `/usr/bin/time -v` ("Maximum
resident set size"), when /usr/bin/time exists; otherwise from wait4's
ru_maxrss, which is the same kernel figure.
Prints one JSON object: {"label", "seconds", "seconds_all", "cpu_seconds"
(user + system of the child: less disturbed than wall time on a busy
machine), "rss_kib", "rc"}. Exit status 0 unless the command could not run or exited >= 2
(ipsec-diag exits 1 when it found a failure, grep 1 when nothing matched).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time


def open_stdout(path):
    return open(path, "wb") if path else subprocess.DEVNULL


def run_once(cmd, stdin_path, timeout, stdout_path=None):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open_stdout(stdout_path)
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=stdin, stdout=stdout,
                             stderr=subprocess.DEVNULL)
        killer = threading.Timer(timeout, p.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        dt = time.perf_counter() - t0
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        if rc == -9:
            return None, None, rc
        run_once.cpu = ru.ru_utime + ru.ru_stime
        return dt, ru.ru_maxrss, rc
    finally:
        if stdin_path:
            stdin.close()
        if stdout_path:
            stdout.close()


def rss_time_v(cmd, stdin_path, timeout, stdout_path=None):
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open_stdout(stdout_path)
    try:
        r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdin=stdin,
                           stdout=stdout, stderr=subprocess.PIPE,
                           timeout=timeout)
    finally:
        if stdin_path:
            stdin.close()
        if stdout_path:
            stdout.close()
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    u = re.search(rb"User time \(seconds\): ([\d.]+)", r.stderr)
    k = re.search(rb"System time \(seconds\): ([\d.]+)", r.stderr)
    rss_time_v.cpu = (float(u.group(1)) + float(k.group(1))) if u and k else None
    if r.returncode >= 2 or r.returncode < 0:
        return None
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--stdin")
    ap.add_argument("--stdout", help="write the command's output here instead of "
                    "/dev/null (GNU grep stops at the first match when its output "
                    "is /dev/null)")
    ap.add_argument("--label", default="")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--single", action="store_true",
                    help="for slow commands: one run under /usr/bin/time -v, timed "
                    "as a whole (no warm-up, no separate RSS run)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    if a.single and os.access("/usr/bin/time", os.X_OK):
        t0 = time.perf_counter()
        rss_v = rss_time_v(cmd, a.stdin, a.timeout, a.stdout)
        dt = time.perf_counter() - t0
        if rss_v is None:
            print(json.dumps({"label": a.label, "error": "command failed"}))
            return 1
        print(json.dumps({"label": a.label, "seconds": dt, "seconds_all": [dt],
                          "cpu_seconds": rss_time_v.cpu, "rss_kib": rss_v, "rss_source": "/usr/bin/time -v", "rc": 0}))
        return 0
    for _ in range(a.warmup):
        run_once(cmd, a.stdin, a.timeout, a.stdout)
    times, cpus, rss, rc = [], [], 0, 0
    for _ in range(max(1, a.runs)):
        dt, r, rc = run_once(cmd, a.stdin, a.timeout, a.stdout)
        if dt is None or rc >= 2 or rc < 0:
            print(json.dumps({"label": a.label, "error": "exit status %s" % rc}))
            return 1
        times.append(dt)
        cpus.append(run_once.cpu)
        rss = max(rss, r)
    rss_v = rss_time_v(cmd, a.stdin, a.timeout, a.stdout)
    print(json.dumps({"label": a.label, "seconds": min(times), "seconds_all": times,
                      "cpu_seconds": min(cpus),
                      "rss_kib": rss_v if rss_v is not None else rss,
                      "rss_source": "/usr/bin/time -v" if rss_v is not None else "wait4",
                      "rc": rc}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
