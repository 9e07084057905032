#!/usr/bin/env python3
"""test_hardening.py - `ipsec-diag serve` under faults and load, over loopback.

    python3 tests/integration/test_hardening.py --bin build/ipsec-diag

Groups (each on its own server, started by server_harness.Server):
  slow      slowloris and slow POST (slowhttptest, installed with apt-get when
            missing and possible; a built-in slow client otherwise) with 3 s
            header/body timeouts, while a probe measures /healthz and JSON-RPC
            `version` latency: answers stay fast, the slow connections are
            dropped by the timeouts (408), open connections go back down.
  many      5,000 concurrent keep-alive connections (RLIMIT_NOFILE raised),
            requests on all of them and on a sample, in waves; then
            --max-connections: connections over it get 503 (or a close) and
            the ones already open keep working; and out of file descriptors
            (RLIMIT_NOFILE 64): extra connections are closed, none hangs, the
            server recovers.
  vanish    clients that disappear mid-headers, mid-body, mid-upload, with a
            reset or a FIN; half-closed sockets still get their answer; a
            /v1/stream uploader that never reads: the server stops reading
            (backpressure), its RSS stays bounded, others are served. Then
            no fd or memory left behind (/proc/PID/fd, VmRSS).
  burst     a burst of new connections while the (one) worker is off the CPU
            (SIGSTOP, as on a loaded machine): 1,500 connects all complete in
            the kernel's accept queue (--listen-backlog; with the old 1024
            the rest were dropped and waited for SYN retransmissions of 1,
            3, 7 s), and once it runs again every one is answered. Then 1,000
            connections at once on 2 workers: all answered, and the kernel's
            SO_REUSEPORT hash gave both workers some (the per-worker counts
            the server prints when it stops).
  rate      slow POST against --body-min-rate: a body that trickles in (a
            byte a second, each read well within --body-timeout) gets 408
            once its average falls below the rate after the 5 s grace; a slow
            but steady body is answered; IDG_BODY_MIN_RATE=0 turns it off.
  lost      N known failures in one log uploaded to /v1/stream in 1-byte,
            random and 64 KiB chunks, fast, throttled, with Content-Length,
            and to a slow reader: exactly N diagnosis records per class each
            time (oracle: `ipsec-diag diagnose`, occurrences summed).
Every server is stopped with SIGTERM at the end of its group: it must exit 0
with no AddressSanitizer / LeakSanitizer / UBSan report on its stderr, so the
sanitizer build (-DIDG_SANITIZE=ON) fails here on a leak at exit.

Prints one line per check ("ok"/"FAIL", figures indented), then
"N passed, M failed"; exits 1 on any failure. Python standard library only
(plus slowhttptest when available); every loop is bounded in count and time.
"""
import argparse
import errno
import json
import os
import random
import re
import resource
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_harness import Raw, Server  # noqa: E402
import hardening_logs as logs  # noqa: E402
import hardening_net as net  # noqa: E402

SRC = os.environ.get("IDG_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))

PASSED = 0
FAILED = 0
SANITIZED = False      # the binary is an ASan/UBSan build (slower, more memory)
SAN_MARKERS = ("ERROR: LeakSanitizer", "ERROR: AddressSanitizer", "runtime error:",
               "ERROR: ThreadSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")


def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok   %s" % name)
    else:
        FAILED += 1
        print("FAIL %s%s" % (name, (": " + str(detail)[:600]) if detail else ""))
    sys.stdout.flush()
    return bool(cond)


def figure(text):
    print("     %s" % text)
    sys.stdout.flush()


def start(binary, args, env=None):
    return Server(binary, list(args), env=env).start()


def stop_checked(s, what):
    """SIGTERM; exit status 0 and no sanitizer report on stderr."""
    rc = s.stop()
    err = getattr(s, "last_stderr", "") or ""
    reports = [m for m in SAN_MARKERS if m in err]
    at = min((err.find(m) for m in reports), default=-1)
    check("%s: exit 0 on SIGTERM, no sanitizer report on stderr" % what, rc == 0 and not reports,
          (rc, reports, err[at:at + 3000] if at >= 0 else err[-1500:]))


def raise_nofile(need):
    """Soft RLIMIT_NOFILE of this process (inherited by the servers) up to
    `need`, raising the hard limit too when allowed (root). Returns the
    soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            soft, hard = need, need
        except (ValueError, OSError):
            pass
    want = need if hard == resource.RLIM_INFINITY else min(max(soft, need), hard)
    if want > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def is_sanitized(binary):
    try:
        with open(binary, "rb") as f:
            data = f.read()
        if b"AddressSanitizer" in data or b"__asan_init" in data:
            return True
        out = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=10).stdout
        return b"libasan" in out or b"libubsan" in out
    except (OSError, subprocess.SubprocessError):
        return False


# ---- 1. slowloris, slow POST ------------------------------------------------------

def find_slowhttptest():
    if os.environ.get("IDG_HARDENING_NO_SLOWHTTPTEST"):
        return None  # to exercise the built-in slow clients
    exe = shutil.which("slowhttptest")
    if exe or os.geteuid() != 0 or not shutil.which("apt-get"):
        return exe
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "install", "-y", "-qq", "--no-install-recommends", "slowhttptest"],
                ["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "slowhttptest"]):
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, timeout=120)
        except (OSError, subprocess.SubprocessError):
            return None
        exe = shutil.which("slowhttptest")
        if exe:
            return exe
    return None


class SlowClients(threading.Thread):
    """The fallback when slowhttptest is not available: `n` connections at
    `rate`/s, each sending a request head (mode "headers") or a body (mode
    "body") a few bytes every `interval` s, for at most `length` s."""

    def __init__(self, host, port, mode, n, rate, interval, length):
        super().__init__(daemon=True)
        self.host, self.port, self.mode, self.n = host, port, mode, n
        self.rate, self.interval, self.length = rate, interval, length
        self.closed_by_server = 0

    def run(self):
        t0 = time.monotonic()
        socks = []
        opened = 0
        next_tick = {}
        while time.monotonic() - t0 < self.length:
            now = time.monotonic()
            while opened < self.n and opened < (now - t0) * self.rate:
                try:
                    s = socket.create_connection((self.host, self.port), timeout=2)
                    s.setblocking(False)
                    if self.mode == "headers":
                        s.send(b"GET /healthz?slow HTTP/1.1\r\nHost: x\r\n")
                    else:
                        s.send(b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                               b"Content-Length: 65536\r\n\r\nNov")
                    socks.append(s)
                    next_tick[s] = now + self.interval
                except OSError:
                    pass
                opened += 1
            if socks:
                readable, _, _ = select.select(socks, [], [], 0)
                for s in readable:  # the 408 or the close: the server ended it
                    self.closed_by_server += 1
                    socks.remove(s)
                    s.close()
            for s in list(socks):
                if now >= next_tick[s]:
                    next_tick[s] = now + self.interval
                    try:
                        s.send(b"X-a: b\r\n" if self.mode == "headers" else b" 27 ")
                    except OSError:
                        self.closed_by_server += 1
                        socks.remove(s)
                        s.close()
            if opened >= self.n and not socks:
                break
            time.sleep(0.05)
        for s in socks:
            s.close()


def test_slow(binary):
    s = start(binary, ["--workers", "2", "--header-timeout", "3", "--body-timeout", "3"])
    tmp = tempfile.mkdtemp(prefix="idg-slow-")
    try:
        base = net.scrape(s.host, s.port)
        exe = find_slowhttptest()
        n_each = 500
        probe = net.Prober(s.host, s.port, interval=0.05)
        probe.start()
        time.sleep(1.0)  # latency without the attack, for comparison
        calm = probe.summary()
        procs, fallback = [], []
        t0 = time.monotonic()
        if exe:
            url = "http://%s:%d" % (s.host, s.port)
            common = ["-c", str(n_each), "-i", "5", "-r", "100", "-l", "20", "-p", "3", "-g"]
            for mode, path, extra, name in (("-H", "/healthz", [], "slowloris"),
                                             ("-B", "/v1/diagnose", ["-s", "65536"], "slowbody")):
                out = open(os.path.join(tmp, name + ".out"), "wb")
                procs.append((name, subprocess.Popen(
                    [exe, mode] + common + extra + ["-u", url + path, "-o", os.path.join(tmp, name)],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=tmp), out))
            figure("slowhttptest -H (slowloris, /healthz) and -B (slow POST, /v1/diagnose), "
                   "each -c %d -r 100 -i 5 -l 20; server header/body timeouts 3 s" % n_each)
        else:
            for mode in ("headers", "body"):
                c = SlowClients(s.host, s.port, mode, n_each, 100, 5, 20)
                c.start()
                fallback.append(c)
            figure("slowhttptest not available: built-in slow clients (%d slow headers + %d slow "
                   "bodies, 100/s, a few bytes every 5 s); timeouts 3 s" % (n_each, n_each))
        probe.lat, probe.failures = [], []
        # sample the open connections while the attack runs
        series = []
        while time.monotonic() - t0 < 25:
            txt = net.scrape(s.host, s.port)
            series.append((round(time.monotonic() - t0, 1), net.metric(txt, "ipsecdiag_connections_open")))
            running = any(p.poll() is None for _, p, _ in procs) or any(c.is_alive() for c in fallback)
            if not running and time.monotonic() - t0 > 10:
                break
            time.sleep(0.5)
        for name, p, out in procs:
            try:
                p.wait(timeout=max(1, 40 - (time.monotonic() - t0)))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
            out.close()
        for c in fallback:
            c.join(10)
        attacked = probe.summary()
        probe.stop()
        peak = max((v for _, v in series), default=-1)
        figure("latency before: n=%d p50=%.2f ms p99=%.2f ms; under attack: n=%d p50=%.2f ms "
               "p99=%.2f ms max=%.2f ms, %d failed" % (calm["n"], calm["p50"], calm["p99"],
                                                     attacked["n"], attacked["p50"], attacked["p99"],
                                                     attacked["max"], attacked["failed"]))
        figure("open connections (t s, n): %s" % " ".join("%s:%d" % x for x in series[::2]))
        check("slow attack reached the server (peak open connections %d >= 300)" % peak, peak >= 300, series)
        check("other clients answered during the attack (%d probes, none failed)" % attacked["n"],
              attacked["n"] >= 50 and attacked["failed"] == 0, probe.failures[:5])
        # Latency: the median says whether the server keeps its normal pace;
        # a stall (a worker blocked by the attack) shows as seconds. A p99
        # or max of a few hundred ms alone is the shared CI machine's noise
        # (the figure above reports it), not something to fail on.
        check("probe median latency < 50 ms and max < 2 s under attack (p50 %.1f ms, max %.1f ms)"
              % (attacked["p50"], attacked["max"]),
              attacked["p50"] < 50 and attacked["max"] < 2000, attacked)
        # every slow connection was ended by the server (408), not by the client
        txt = net.scrape(s.host, s.port)
        n408 = net.metric(txt, 'ipsecdiag_http_requests_total{status="408"}') - \
            net.metric(base, 'ipsecdiag_http_requests_total{status="408"}')
        figure("408 answers: %d (slow headers + slow bodies opened: %d)" % (n408, 2 * n_each))
        check("slow connections dropped by the header/body timeouts (>= 90%% got 408: %d)" % n408,
              n408 >= 0.9 * 2 * n_each, n408)
        dropped_early = [v for t, v in series if 10 <= t <= 18]
        if exe:
            for name, _, _ in procs:
                try:
                    with open(os.path.join(tmp, name + ".out"), "rb") as f:
                        out = re.sub(r"\x1b\[[0-9;]*m", "", f.read().decode("latin-1"))
                    with open(os.path.join(tmp, name + ".csv")) as f:
                        rows = [r.split(",") for r in f.read().split("\n")[1:] if r.strip()]
                    ended = re.findall(r"Test ended on (\d+)\w* second\s*Exit status:\s*([^\n]*)", out)
                    figure("slowhttptest %s: %s; last CSV row: seconds=%s closed=%s pending=%s connected=%s" %
                           ((name, "test ended on second %s: %s" % ended[-1] if ended else "no end line")
                            + tuple(rows[-1][:4])))
                    check("slowhttptest %s: ended before its 20 s because the server closed every connection"
                          % name, ended and "No open connections left" in ended[-1][1]
                          and int(ended[-1][0]) < 20, out[-800:])
                except (OSError, IndexError, ValueError) as e:
                    check("slowhttptest %s report readable" % name, False, repr(e))
        if dropped_early:
            check("open connections back down while the attack still runs (t=10..18 s: max %d)"
                  % max(dropped_early), max(dropped_early) <= 20, series)
        ok = net.wait_until(lambda: net.metric(net.scrape(s.host, s.port), "ipsecdiag_connections_open") <= 1, 10)
        check("after the attack: open connections back to 1 (the scrape itself)", ok)
        st, _, _ = net.one_request(s.host, s.port, net.HEALTHZ)
        check("after the attack: /healthz 200", st == 200, st)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        stop_checked(s, "slow")


# ---- 2. many connections, --max-connections ---------------------------------------------

def test_many(binary):
    n = 5000
    limit = raise_nofile(n + 1000)
    if limit < n + 200:
        n = max(500, limit - 300)
        figure("RLIMIT_NOFILE is %d: %d connections instead of 5000" % (limit, n))
    # the first request of a new connection must come within header-timeout:
    # generous here, as connecting them all takes a few seconds
    s = start(binary, ["--workers", "2", "--header-timeout", "60", "--idle-timeout", "120"])
    socks = []
    try:
        pid = s.proc.pid
        fds0, rss0 = net.steady_fd_count(pid), net.rss_kib(pid)
        t0 = time.monotonic()
        socks, failed = net.open_many(s.host, s.port, n)
        figure("%d connections opened in %.1f s (%d failed)" % (len(socks), time.monotonic() - t0, failed))
        check("%d concurrent connections opened" % n, len(socks) == n and failed == 0, (len(socks), failed))
        held = net.wait_until(lambda: net.metric(net.scrape(s.host, s.port),
                                                 "ipsecdiag_connections_open") >= len(socks) + 1, 20, 0.25)
        check("server holds them all (ipsecdiag_connections_open >= %d)" % (len(socks) + 1), held)
        idx = list(range(len(socks)))
        rnd = random.Random(6)
        for name, sample, req in (("all, GET /healthz", idx, net.HEALTHZ),
                                  ("sample of 500, JSON-RPC version", rnd.sample(idx, min(500, len(idx))),
                                   net.RPC_VERSION),
                                  ("all, JSON-RPC version", idx, net.RPC_VERSION),
                                  ("all, GET /healthz again", idx, net.HEALTHZ)):
            res, dt = net.wave(socks, sample, req, timeout=60)
            bad = [(i, r) for i, r in res.items() if r[0] != 200]
            figure("wave %s: %d requests in %.2f s (%.0f/s)" % (name, len(sample), dt, len(sample) / dt))
            check("wave %s: every response 200 on its keep-alive connection" % name,
                  len(res) == len(sample) and not bad, bad[:3])
        fds1, rss1 = net.fd_count(pid), net.rss_kib(pid)
        st, _, lat = net.one_request(s.host, s.port, net.HEALTHZ)
        figure("server with %d open connections: %d fds (idle: %d), RSS %.1f MiB (idle: %.1f MiB); "
               "a new client's /healthz: %.2f ms" % (len(socks), fds1, fds0, rss1 / 1024, rss0 / 1024, lat * 1000))
        check("a new client is served while %d connections are open" % len(socks), st == 200, st)
        net.close_all(socks)
        socks = []
        back = net.wait_until(lambda: net.fd_count(pid) <= fds0, 20, 0.2)
        check("all closed: server fds back to %d (now %d)" % (fds0, net.fd_count(pid)), back)
        check("all closed: ipsecdiag_connections_open back to 1",
              net.wait_until(lambda: net.metric(net.scrape(s.host, s.port), "ipsecdiag_connections_open") == 1, 10))
    finally:
        net.close_all(socks)
        stop_checked(s, "many")

    # --max-connections (per worker; one worker so the limit is exact)
    cap = 64
    s = start(binary, ["--workers", "1", "--max-connections", str(cap)])
    conns, extra = [], []
    try:
        base = net.metric(net.scrape(s.host, s.port), "ipsecdiag_connections_rejected_total")
        # wait until the scrape's connection is gone, so that `cap` fit
        net.wait_until(lambda: net.metric(net.scrape(s.host, s.port), "ipsecdiag_connections_open") <= 1, 5)
        time.sleep(0.2)
        conns, failed = net.open_many(s.host, s.port, cap)
        res, _ = net.wave(conns, range(len(conns)), net.HEALTHZ, 20)
        check("--max-connections %d: %d connections served" % (cap, cap),
              len(conns) == cap and all(r[0] == 200 for r in res.values()), (len(conns), failed, list(res.items())[:3]))
        outcomes = {"503": 0, "closed": 0, "200": 0, "hang": 0, "other": 0}
        read_first_503 = 0
        for k in range(16):
            try:
                c = socket.create_connection((s.host, s.port), timeout=5)
            except OSError:
                outcomes["closed"] += 1
                continue
            extra.append(c)
            if k % 2:
                try:  # send first: the refusal may come as 503 or as a reset
                    c.sendall(net.HEALTHZ)
                except OSError:
                    pass
            buf = b""
            try:
                while True:
                    d = c.recv(4096)
                    if not d:
                        break
                    buf += d
            except socket.timeout:
                outcomes["hang"] += 1
                continue
            except OSError:
                pass
            p = net.parse_response(buf)
            if p and p[0] == 503:
                read_first_503 += 0 if k % 2 else 1
                outcomes["503"] += 1 if p[1].get("connection") == "close" else 0
                outcomes["other"] += 0 if p[1].get("connection") == "close" else 1
            elif p and p[0] == 200:
                outcomes["200"] += 1
            elif not buf:
                outcomes["closed"] += 1
            else:
                outcomes["other"] += 1
        figure("16 connections over the limit: %s" % outcomes)
        check("over the limit: refused cleanly (503 + close, or a close), none served, none hanging",
              outcomes["200"] == 0 and outcomes["hang"] == 0 and outcomes["other"] == 0, outcomes)
        check("over the limit: the 8 that connected and only read got a 503 (%d)" % read_first_503,
              read_first_503 == 8, outcomes)
        res, _ = net.wave(conns, range(len(conns)), net.RPC_VERSION, 20)
        check("over the limit: the %d open connections still work" % cap,
              all(r[0] == 200 for r in res.values()) and len(res) == cap, list(res.items())[:3])
        for c in conns[:8]:
            c.close()
        ok = net.wait_until(lambda: net.one_request(s.host, s.port, net.HEALTHZ)[0] == 200, 5, 0.2)
        check("after some close: new connections accepted again", ok)
        rej = net.metric(net.scrape(s.host, s.port), "ipsecdiag_connections_rejected_total") - base
        check("ipsecdiag_connections_rejected_total counts them (%d)" % rej, rej >= 16, rej)
    finally:
        net.close_all(conns)
        net.close_all(extra)
        stop_checked(s, "max-connections")

    # out of file descriptors: a server whose RLIMIT_NOFILE (64, inherited
    # at fork) is far below the connections coming in
    old = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, old[1]))
    try:
        s = start(binary, ["--workers", "1"])
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, old)
    socks = []
    try:
        pid = s.proc.pid
        fds0 = net.steady_fd_count(pid)
        socks, _ = net.open_many(s.host, s.port, 200)
        res, _ = net.wave(socks, range(len(socks)), net.HEALTHZ, 20)
        served = sum(1 for r in res.values() if r[0] == 200)
        closed = sum(1 for r in res.values() if r[0] == 0 and r[1] == b"closed")
        figure("RLIMIT_NOFILE 64, 200 connections: %d served, %d closed by the server, %d other"
               % (served, closed, len(res) - served - closed))
        check("out of fds: every connection served or closed at once (none hangs, no crash)",
              served > 0 and served + closed == len(res) == len(socks) and s.proc.poll() is None,
              (served, closed, len(res), len(socks)))
        net.close_all(socks)
        socks = []
        ok = net.wait_until(lambda: net.one_request(s.host, s.port, net.HEALTHZ)[0] == 200, 10, 0.2)
        check("out of fds: the server recovers once clients leave (/healthz 200, fds back to %d)" % fds0,
              ok and net.wait_until(lambda: net.fd_count(pid) <= fds0, 10, 0.2), net.fd_count(pid))
    finally:
        net.close_all(socks)
        stop_checked(s, "out of fds")


# ---- 2b. a burst of connections while the server is off the CPU ------------------------

def somaxconn():
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def connect_burst(host, port, n, wait):
    """n non-blocking connects started at once; waits up to `wait` s for
    them to complete: (connected sockets, still pending, failed). The
    pending ones are closed."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    sel = selectors.DefaultSelector()
    socks, failed = [], 0
    for _ in range(n):
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.setblocking(False)
        if c.connect_ex((host, port)) not in (0, errno.EINPROGRESS):
            failed += 1
            c.close()
            continue
        sel.register(c, selectors.EVENT_WRITE)
    end = time.monotonic() + wait
    while sel.get_map() and time.monotonic() < end:
        for key, _ in sel.select(0.25):
            c = key.fileobj
            sel.unregister(c)
            if c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                failed += 1
                c.close()
            else:
                socks.append(c)
    pending = list(sel.get_map().values())
    for key in pending:
        key.fileobj.close()
    sel.close()
    return socks, len(pending), failed


def per_worker_counts(stderr_text):
    m = re.search(r"stopped \(connections per worker:([ 0-9]*)\)", stderr_text or "")
    return [int(x) for x in m.group(1).split()] if m else None


def test_burst(binary):
    n = 1500
    limit = raise_nofile(2 * n + 500)
    if limit < n + 300:
        n = max(200, limit - 300)
        figure("RLIMIT_NOFILE is %d: a burst of %d connections instead of 1500" % (limit, n))
    cap = somaxconn()
    # the burst must fit the kernel's cap on the backlog to be judged
    judge_queue = cap >= n + 10
    if not judge_queue:
        figure("net.core.somaxconn is %d (< %d): the accept queue check is skipped" % (cap, n + 10))
    s = start(binary, ["--workers", "1", "--header-timeout", "60", "--idle-timeout", "120"])
    socks = []
    stopped = False
    try:
        os.kill(s.proc.pid, signal.SIGSTOP)
        stopped = True
        # loopback handshakes complete in the kernel at once; 8 s covers a
        # loaded machine but not the SYN retransmissions (1 s, 3 s, 7 s) a
        # dropped connection needs while the server stays stopped
        socks, pending, failed = connect_burst(s.host, s.port, n, 8.0)
        figure("server stopped, burst of %d connects: %d connected, %d still pending, %d failed (somaxconn %d)"
               % (n, len(socks), pending, failed, cap))
        if judge_queue:
            check("burst of %d while the worker is stopped: every connect completes in the accept queue" % n,
                  len(socks) == n and pending == 0 and failed == 0, (len(socks), pending, failed))
        os.kill(s.proc.pid, signal.SIGCONT)
        stopped = False
        res, dt = net.wave(socks, range(len(socks)), net.RPC_VERSION, timeout=90)
        ok = sum(1 for r in res.values() if r[0] == 200)
        figure("after SIGCONT: %d/%d JSON-RPC version answers in %.2f s" % (ok, len(socks), dt))
        check("burst: every queued connection answered once the worker runs again",
              len(socks) > 0 and ok == len(socks), [(i, r) for i, r in res.items() if r[0] != 200][:3])
    finally:
        if stopped:
            os.kill(s.proc.pid, signal.SIGCONT)
        net.close_all(socks)
        stop_checked(s, "burst")

    # 1000 at once on 2 workers: all answered, both workers get some
    m = min(1000, max(200, limit - 300))
    s = start(binary, ["--workers", "2", "--header-timeout", "60", "--idle-timeout", "120"])
    socks = []
    try:
        socks, pending, failed = connect_burst(s.host, s.port, m, 30.0)
        check("%d connections at once on 2 workers: all connected" % m,
              len(socks) == m and pending == 0 and failed == 0, (len(socks), pending, failed))
        res, dt = net.wave(socks, range(len(socks)), net.RPC_VERSION, timeout=90)
        ok = sum(1 for r in res.values() if r[0] == 200)
        figure("%d JSON-RPC version answers on %d connections in %.2f s" % (ok, len(socks), dt))
        check("%d connections at once: every one answered" % m, len(socks) > 0 and ok == len(socks),
              [(i, r) for i, r in res.items() if r[0] != 200][:3])
    finally:
        net.close_all(socks)
        stop_checked(s, "burst, 2 workers")
    counts = per_worker_counts(getattr(s, "last_stderr", ""))
    figure("connections per worker (SO_REUSEPORT hash): %s" % counts)
    check("both workers received connections (%s)" % counts,
          counts is not None and len(counts) == 2 and min(counts) > 0 and sum(counts) >= m, counts)


# ---- 3. clients that vanish, half-close, a reader that never reads ------------------------

def vanish_once(s, case, log):
    """One client that goes away in the middle of `case`."""
    r = Raw(s.host, s.port, timeout=5)
    sock = r.sock
    if case == "headers":
        r.send(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Ty")
    elif case == "body-rpc":
        r.send(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
               b'{"jsonrpc":"2.0","method":"diagnose","params":{"log":"' + b"x" * 400)
    elif case == "body-diagnose":
        r.send(b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
               % len(log) + log[:len(log) // 2])
    elif case == "body-multipart":
        b = b"----hardening"
        r.send(b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + b +
               b"\r\nContent-Length: 100000\r\n\r\n--" + b + b"\r\nContent-Disposition: form-data; name=\"f\"; "
               b"filename=\"a.log\"\r\n\r\n" + log[:len(log) // 2])
    elif case == "stream":
        r.send(b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
        r.send(b"%x\r\n%s\r\n" % (len(log), log))
        h = r.read_head(5)       # the first diagnosis has come: the stream is live
        c = r.read_chunk(5) if h else None
        if not (h and h[0] == 200 and c and b'"diagnosis"' in c):
            r.close()
            return "no diagnosis before vanishing: %r %r" % (h, c)
        r.send(b"400\r\n" + log[:0x200])  # a chunk cut in the middle
    time.sleep(0.01)
    return sock


def test_vanish(binary):
    # ASan keeps freed memory in quarantine (256 MiB by default), which would
    # hide the server's own RSS; a small one keeps RSS telling (leaks at exit
    # are LeakSanitizer's job).
    env = None
    if SANITIZED:
        env = {"ASAN_OPTIONS": ":".join(x for x in (os.environ.get("ASAN_OPTIONS", ""),
                                                    "quarantine_size_mb=16") if x)}
    s = start(binary, ["--workers", "2"], env)
    try:
        pid = s.proc.pid
        small, _ = logs.build(SRC, 1, logs.FAIL_CASES[:1])
        multi, n_multi = logs.build(SRC, 2)
        # warm up every path once (allocator arenas, cached answers)
        for req in (net.HEALTHZ, net.RPC_VERSION):
            net.one_request(s.host, s.port, req)
        rd, _ = net.stream_upload(s.host, s.port, multi, [65536] * 100)
        check("warm-up stream upload answered", rd.complete and rd.status == 200, rd.error)
        time.sleep(0.5)
        fds0, rss0 = net.steady_fd_count(pid), net.rss_kib(pid)

        rounds = 25
        problems = []
        rss_phase = []
        for phase in (1, 2):
            for case in ("headers", "body-rpc", "body-diagnose", "body-multipart", "stream"):
                for k in range(rounds):
                    sock = vanish_once(s, case, small)
                    if isinstance(sock, str):
                        problems.append((case, sock))
                        break
                    if k % 2:
                        net.rst_close(sock)
                    else:
                        sock.close()
            net.wait_until(lambda: net.fd_count(pid) <= fds0, 5, 0.1)
            rss_phase.append(net.rss_kib(pid))
        check("vanishing clients: mid-headers, mid-body (rpc, diagnose, multipart), mid-stream, "
              "%d each, FIN and RST, twice" % rounds, not problems, problems)
        figure("RSS: before %.1f MiB, after a first round of vanishing clients %.1f MiB, after a second %.1f MiB"
               % (rss0 / 1024, rss_phase[0] / 1024, rss_phase[1] / 1024))
        step = (16 if SANITIZED else 2) * 1024
        check("vanishing clients: a second round grows RSS by < %d MiB (%.2f MiB)" %
              (step // 1024, (rss_phase[1] - rss_phase[0]) / 1024), rss_phase[1] - rss_phase[0] < step, rss_phase)
        st, _, _ = net.one_request(s.host, s.port, net.HEALTHZ)
        check("after vanishing clients: /healthz 200", st == 200, st)

        # half-closed: a full request, then shutdown(SHUT_WR): the answer still comes
        for name, req in (("GET /healthz", net.HEALTHZ), ("JSON-RPC version", net.RPC_VERSION)):
            r = Raw(s.host, s.port, timeout=5)
            r.send(req)
            r.sock.shutdown(socket.SHUT_WR)
            resp = r.read_response(5)
            check("half-closed after %s: response arrives, then the server closes" % name,
                  resp is not None and resp[0] == 200 and r.closed(3), resp and resp[:2])
            r.close()
        r = Raw(s.host, s.port, timeout=20)
        r.send(b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"%x\r\n%s\r\n0\r\n\r\n" % (len(multi), multi))
        r.sock.shutdown(socket.SHUT_WR)
        resp = r.read_response(20)
        recs = [json.loads(ln) for ln in (resp[2] if resp else b"").split(b"\n") if ln.strip()]
        counts, _ = class_counts(recs)
        check("half-closed after a whole /v1/stream upload: every record and the summary arrive",
              resp is not None and resp[0] == 200 and sum(counts.values()) == n_multi
              and recs[-1].get("type") == "summary", (resp and resp[:2], counts, n_multi))
        r.close()

        # a /v1/stream uploader that never reads its answer
        big, k_big = logs.big_failing_log(SRC, 48 << 20)
        bp = backpressure(s, big)
        figure("never-reading uploader: %.1f of %.1f MiB accepted before the server stopped reading "
               "(stalled %.1f s); server RSS peak %.1f MiB (idle %.1f MiB)" %
               (bp["sent"] / 2**20, len(big) / 2**20, bp["stalled_for"], bp["rss_peak"] / 1024, rss0 / 1024))
        check("never-reading uploader: the server stops reading (backpressure)",
              bp["stalled"] and bp["sent"] < len(big), bp)
        rss_cap = (128 if SANITIZED else 64) * 1024
        check("never-reading uploader: server RSS stays < %d MiB (peak %.1f MiB)" % (rss_cap // 1024, bp["rss_peak"] / 1024),
              bp["rss_peak"] < rss_cap, bp)
        # while the upload still flows, a worker diagnoses up to 32 reads of
        # 64 KiB of it (libuv's read loop) before serving another connection:
        # tens of ms, more under ASan
        # tens of ms, more under ASan; judged by the median (the pace) and
        # the max (no stall), as for the slow attack above
        lat_cap = 500 if SANITIZED else 200
        check("never-reading uploader: other clients served meanwhile (%d probes, p50 %.1f ms < %d ms, "
              "max %.1f ms < 3 s)" % (bp["probe"]["n"], bp["probe"]["p50"], lat_cap, bp["probe"]["max"]),
              bp["probe"]["n"] >= 10 and bp["probe"]["failed"] == 0
              and bp["probe"]["p50"] < lat_cap and bp["probe"]["max"] < 3000, bp["probe"])

        # nothing left behind
        settled = net.wait_until(lambda: net.fd_count(pid) <= fds0, 10, 0.2)
        time.sleep(0.3)
        fds1, rss1 = net.fd_count(pid), net.rss_kib(pid)
        figure("server fds before %d, after %d; RSS before %.1f MiB, after %.1f MiB" %
               (fds0, fds1, rss0 / 1024, rss1 / 1024))
        check("no fd leaked (before %d, after %d)" % (fds0, fds1), settled and fds1 <= fds0, (fds0, fds1))
        slack = (64 if SANITIZED else 16) * 1024  # ASan: leaks are LeakSanitizer's (at exit)
        check("no memory left behind: RSS grew %.1f MiB (slack %d MiB)" % ((rss1 - rss0) / 1024, slack // 1024),
              rss1 - rss0 < slack, (rss0, rss1))
        txt = net.scrape(s.host, s.port)
        check("ipsecdiag_connections_open back to 1", net.metric(txt, "ipsecdiag_connections_open") == 1,
              net.metric(txt, "ipsecdiag_connections_open"))
        st, _, _ = net.one_request(s.host, s.port, net.HEALTHZ)
        check("/healthz still fine", st == 200, st)
    finally:
        stop_checked(s, "vanish")


def backpressure(s, big):
    """Uploads `big` to /v1/stream in chunks without ever reading the answer,
    until the server stops reading for 2 s (or 40 s pass); watches the
    server's RSS and probes other requests meanwhile; then vanishes (RST)."""
    pid = s.proc.pid
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    c.connect((s.host, s.port))
    c.sendall(b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
    c.setblocking(False)
    probe = net.Prober(s.host, s.port, interval=0.1)
    probe.start()
    sent, pending, off = 0, b"", 0
    last_progress = t0 = time.monotonic()
    rss_peak = net.rss_kib(pid)
    stalled = False
    while time.monotonic() - t0 < 40:
        if not pending and off < len(big):
            piece = big[off:off + 65536]
            off += len(piece)
            pending = b"%x\r\n%s\r\n" % (len(piece), piece)
        if not pending:
            break
        _, w, _ = select.select([], [c], [], 0.2)
        if w:
            try:
                n = c.send(pending)
                pending = pending[n:]
                sent += n
                last_progress = time.monotonic()
            except BlockingIOError:
                pass
        rss_peak = max(rss_peak, net.rss_kib(pid))
        if time.monotonic() - last_progress > 2.0:
            stalled = True
            break
    stalled_for = time.monotonic() - last_progress
    # stay stalled a moment longer while the probe runs
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        rss_peak = max(rss_peak, net.rss_kib(pid))
        time.sleep(0.1)
    probe.stop()
    net.rst_close(c)
    return {"sent": sent, "stalled": stalled, "stalled_for": stalled_for, "rss_peak": rss_peak,
            "probe": probe.summary(), "probe_failures": probe.failures[:3]}


# ---- 4. nothing lost --------------------------------------------------------------------

def class_counts(records):
    counts, ids = {}, []
    for r in records:
        if r.get("type") != "diagnosis":
            continue
        d = r["diagnosis"]
        if d.get("severity") != "error":
            continue
        counts[d["class"]] = counts.get(d["class"], 0) + 1
        ids.append((d["class"], (d.get("connection") or {}).get("ike_sa_id")))
    return counts, ids


def test_lost(binary):
    # a small write queue: the slow reader makes the server pause mid-stream
    s = start(binary, ["--workers", "2", "--write-queue", "64K"])
    tmp = tempfile.mkdtemp(prefix="idg-lost-")
    try:
        small, n_small = logs.build(SRC, 1)                 # 3 failures, ~27 KB
        big, n_big = logs.build(SRC, 40)                    # 120 failures, ~1.1 MB
        large, n_large = logs.build(SRC, 120)               # 360 failures, ~3.4 MB
        oracle = {}
        for name, data in (("small", small), ("big", big), ("large", large)):
            path = os.path.join(tmp, name + ".log")
            with open(path, "wb") as f:
                f.write(data)
            oracle[name] = logs.cli_counts(binary, path)
        figure("oracle (ipsec-diag diagnose, occurrences summed): small %s; big %s; large %s"
               % (oracle["small"], oracle["big"], oracle["large"]))
        check("oracle: the CLI finds the %d, %d and %d failures built in" % (n_small, n_big, n_large),
              sum(oracle["small"].values()) == n_small and sum(oracle["big"].values()) == n_big
              and sum(oracle["large"].values()) == n_large, oracle)
        seed = int(os.environ.get("IDG_HARDENING_SEED", "0")) or random.randrange(1, 1 << 30)
        rnd = random.Random(seed)
        figure("random chunking seed %d (IDG_HARDENING_SEED to replay)" % seed)

        def rand_sizes(lo, hi):
            while True:
                yield rnd.randint(lo, hi)

        cases = (
            ("small, 1-byte chunks", "small", iter(lambda: 1, 0), 0.0, True, None),
            ("big, random chunks 1..20000 B, fast", "big", rand_sizes(1, 20000), 0.0, True, None),
            ("big, 64 KiB chunks, fast", "big", iter(lambda: 65536, 0), 0.0, True, None),
            ("big, 64 KiB chunks, throttled 50 ms", "big", iter(lambda: 65536, 0), 0.05, True, None),
            ("big, random chunks 1..4096 B, throttled 2 ms", "big", rand_sizes(1, 4096), 0.002, True, None),
            ("big, Content-Length, random writes", "big", rand_sizes(1, 30000), 0.0, False, None),
            ("large, 64 KiB chunks, slow reader", "large", iter(lambda: 65536, 0), 0.0, True, (8192, 0.004)),
        )
        datas = {"small": small, "big": big, "large": large}
        for name, which, pieces, delay, chunked, slow in cases:
            data = datas[which]
            rd, dt = net.stream_upload(s.host, s.port, data, pieces, delay=delay, chunked=chunked,
                                       rcvbuf=8192 if slow else None, slow_reader=slow, timeout=90)
            counts, ids = class_counts(rd.records)
            summ = rd.records[-1] if rd.records else {}
            n_diag = sum(1 for r in rd.records if r.get("type") == "diagnosis")
            ok = (rd.status == 200 and rd.complete and rd.error is None and counts == oracle[which]
                  and len(set(ids)) == len(ids) and summ.get("type") == "summary"
                  and summ.get("diagnoses") == n_diag and summ.get("outcome") == "failed")
            figure("%s: %d records in %.2f s" % (name, len(rd.records), dt))
            check("nothing lost: %s: %s" % (name, counts), ok,
                  {"status": rd.status, "complete": rd.complete, "error": rd.error, "got": counts,
                   "want": oracle[which], "distinct": len(set(ids)), "summary": summ})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        stop_checked(s, "lost")


def trickle(port, body_len, step, pause, until, wait=6.0, path="/v1/diagnose"):
    """Sends a POST of body_len bytes `step` bytes at a time, `pause` s apart,
    until the server answers or `until` s have passed, then waits up to
    `wait` s for the answer. Returns (status or None, seconds, message)."""
    r = Raw("127.0.0.1", port, timeout=until + wait + 5)
    t0 = time.time()
    r.send(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
           % (path.encode(), body_len))
    sent = 0
    chunk = (b"Nov 27 14:07:46 fw-b charon[3243]: 11[CFG] <1> no acceptable ENCRYPTION_ALGORITHM found\n"
             * (step // 80 + 1))
    try:
        while sent < body_len and time.time() - t0 < until:
            n = min(step, body_len - sent)
            r.send(chunk[:n])
            sent += n
            ready, _, _ = select.select([r.sock], [], [], pause)
            if ready:
                break
        resp = r.read_response(timeout=wait)
    except OSError:
        resp = None
    r.close()
    if resp is None:
        return None, time.time() - t0, ""
    try:
        msg = json.loads(resp[2])["error"]["message"]
    except (ValueError, KeyError, TypeError):
        msg = ""
    return resp[0], time.time() - t0, msg


def test_rate(binary):
    s = start(binary, ["--workers", "1", "--body-timeout", "3", "--body-min-rate", "1K"])
    off = start(binary, ["--workers", "1", "--body-timeout", "3"], env={"IDG_BODY_MIN_RATE": "0"})
    try:
        out = {}
        jobs = {
            # 1 byte/s: every read within --body-timeout, the average far below 1 KiB/s
            "trickle": lambda: trickle(s.port, 100000, 1, 1.0, 15),
            # 4 KiB every 0.5 s for several seconds: slow, but over the rate
            "steady": lambda: trickle(s.port, 48 * 1024, 4096, 0.5, 25),
            # the same trickle with the guard off: only the pause after the
            # client stops (8 s) ends it, by --body-timeout (3 s)
            "off": lambda: trickle(off.port, 100000, 1, 1.0, 8),
        }
        ts = [threading.Thread(target=lambda k=k, f=f: out.__setitem__(k, f())) for k, f in jobs.items()]
        for t in ts:
            t.start()
        for t in ts:
            t.join(40)
        st, secs, msg = out.get("trickle", (None, 0, ""))
        figure("trickle: %s after %.1f s (%s)" % (st, secs, msg))
        check("slow POST under --body-min-rate: 408 after the grace (5 s), not at the body's end",
              st == 408 and 4.5 <= secs <= 10 and "too slow" in msg, (st, secs, msg))
        st, secs, msg = out.get("steady", (None, 0, ""))
        figure("steady: %s after %.1f s (%.1f KiB/s)" % (st, secs, 48 / max(secs, 0.1)))
        check("a slow but steady body (over 1 KiB/s) is answered", st == 200, (st, secs, msg))
        st, secs, msg = out.get("off", (None, 0, ""))
        figure("trickle with IDG_BODY_MIN_RATE=0: %s after %.1f s (%s)" % (st, secs, msg))
        check("IDG_BODY_MIN_RATE=0: the trickle is cut only by --body-timeout once it pauses",
              st == 408 and secs >= 10 and "too slow" not in msg, (st, secs, msg))
        h = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, timeout=10)
        check("--help documents --body-min-rate and IDG_BODY_MIN_RATE",
              "--body-min-rate" in h.stdout and "IDG_BODY_MIN_RATE" in h.stdout, h.stdout[-800:])
        bad = subprocess.run([binary, "serve", "--body-min-rate", "fast"], capture_output=True, text=True,
                             timeout=10)
        check("--body-min-rate with a bad value: usage error (2)", bad.returncode == 2, bad.stderr)
    finally:
        stop_checked(s, "rate")
        stop_checked(off, "rate (off)")


def main():
    global SANITIZED
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("groups", nargs="*", help="slow many burst vanish rate lost (default: all)")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    SANITIZED = is_sanitized(binary)
    raise_nofile(8192)
    t0 = time.time()
    if SANITIZED:
        figure("sanitizer build: memory bounds relaxed for ASan's shadow memory and quarantine")
    groups = {"slow": test_slow, "many": test_many, "burst": test_burst, "vanish": test_vanish, "rate": test_rate, "lost": test_lost}
    for name in args.groups or list(groups):
        t1 = time.time()
        try:
            groups[name](binary)
        except Exception as e:  # noqa: BLE001 - one broken group must not hide the rest
            import traceback
            traceback.print_exc()
            check("%s ran without an exception" % name, False, repr(e))
        figure("(%s: %.1f s)" % (name, time.time() - t1))
    print("(%.1f s)" % (time.time() - t0))
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
