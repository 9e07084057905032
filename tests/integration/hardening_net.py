"""hardening_net.py - client-side helpers of test_hardening.py: one-shot
requests with their latency, many non-blocking connections driven by a
selector, a /v1/stream uploader that reads the NDJSON answer while it sends,
and the server's resource use from /proc. Python standard library only;
every wait is bounded.
"""
import errno
import json
import os
import re
import selectors
import socket
import struct
import threading
import time

HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
RPC_VERSION_BODY = b'{"jsonrpc":"2.0","method":"version","id":1}'
RPC_VERSION = (b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(RPC_VERSION_BODY)) + RPC_VERSION_BODY


def parse_response(buf):
    """One Content-Length response at the start of buf: (status, headers,
    body, rest), or None if incomplete."""
    i = buf.find(b"\r\n\r\n")
    if i < 0:
        return None
    lines = buf[:i].decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ")[1])
    except (IndexError, ValueError):
        return (-1, {}, buf, b"")
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hd[k.strip().lower()] = v.strip()
    n = int(hd.get("content-length", "0"))
    if len(buf) < i + 4 + n:
        return None
    return status, hd, buf[i + 4:i + 4 + n], buf[i + 4 + n:]


def one_request(host, port, req, timeout=5.0):
    """A request on a new connection: (status, body, seconds), status 0 on
    failure (error text as body)."""
    t0 = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(req)
            buf = b""
            while True:
                p = parse_response(buf)
                if p:
                    return p[0], p[2], time.monotonic() - t0
                d = s.recv(65536)
                if not d:
                    return 0, b"closed: " + buf[:100], time.monotonic() - t0
                buf += d
    except OSError as e:
        return 0, repr(e).encode(), time.monotonic() - t0


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


class Prober(threading.Thread):
    """Alternates GET /healthz and a JSON-RPC `version` call on fresh
    connections every `interval` s until stopped; records latencies."""

    def __init__(self, host, port, interval=0.05, timeout=5.0):
        super().__init__(daemon=True)
        self.host, self.port, self.interval, self.timeout = host, port, interval, timeout
        self.lat = []
        self.failures = []
        self.stop_ev = threading.Event()

    def run(self):
        i = 0
        while not self.stop_ev.is_set():
            req = HEALTHZ if i % 2 == 0 else RPC_VERSION
            st, body, dt = one_request(self.host, self.port, req, self.timeout)
            ok = st == 200 and (i % 2 == 0 or b'"result"' in body)
            if ok:
                self.lat.append(dt)
            else:
                self.failures.append((st, body[:100]))
            i += 1
            self.stop_ev.wait(self.interval)

    def stop(self):
        self.stop_ev.set()
        self.join(10)

    def summary(self):
        ms = [x * 1000 for x in self.lat]
        return {"n": len(ms), "failed": len(self.failures), "p50": percentile(ms, 50),
                "p99": percentile(ms, 99), "max": max(ms) if ms else float("nan")}


# ---- many connections ------------------------------------------------------------

def open_many(host, port, n, batch=250, timeout=60.0):
    """n connected non-blocking sockets (batches of `batch` connects in
    flight): (sockets, failures)."""
    socks, failed = [], 0
    end = time.monotonic() + timeout
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    for start in range(0, n, batch):
        sel = selectors.DefaultSelector()
        for _ in range(min(batch, n - start)):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            rc = s.connect_ex((host, port))
            if rc not in (0, errno.EINPROGRESS):
                failed += 1
                s.close()
                continue
            sel.register(s, selectors.EVENT_WRITE)
        while sel.get_map() and time.monotonic() < end:
            for key, _ in sel.select(0.5):
                s = key.fileobj
                sel.unregister(s)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    failed += 1
                    s.close()
                else:
                    socks.append(s)
        for key in list(sel.get_map().values()):
            failed += 1
            key.fileobj.close()
        sel.close()
    return socks, failed


def wave(socks, idxs, req, timeout=60.0):
    """Sends `req` on socks[i] for each i, reads one response from each:
    {i: (status, body)} with status 0 = closed / error, and the seconds taken."""
    t0 = time.monotonic()
    sel = selectors.DefaultSelector()
    results, bufs = {}, {}
    for i in idxs:
        try:
            if socks[i].send(req) != len(req):
                raise OSError("short send")
        except OSError as e:
            results[i] = (0, repr(e).encode())
            continue
        bufs[i] = b""
        sel.register(socks[i], selectors.EVENT_READ, i)
    end = t0 + timeout
    while sel.get_map() and time.monotonic() < end:
        for key, _ in sel.select(0.5):
            i = key.data
            try:
                d = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                d = b""
            if not d:
                results[i] = (0, b"closed")
                sel.unregister(key.fileobj)
                continue
            bufs[i] += d
            p = parse_response(bufs[i])
            if p:
                results[i] = (p[0], p[2])
                sel.unregister(key.fileobj)
    for key in list(sel.get_map().values()):
        results[key.data] = (0, b"timeout")
    sel.close()
    return results, time.monotonic() - t0


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def rst_close(s):
    """Close with a reset (SO_LINGER 0): the client vanishes."""
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    except OSError:
        pass


# ---- /v1/stream ------------------------------------------------------------------

class StreamReader(threading.Thread):
    """Reads a chunked NDJSON /v1/stream answer from its own duplicate of the
    socket (so its timeouts do not touch the sender's): status, records,
    and whether the final chunk arrived."""

    def __init__(self, sock, timeout=60.0, slow=None):
        super().__init__(daemon=True)
        self.sock = sock.dup()
        self.sock.settimeout(timeout)
        self.slow = slow            # (bytes per recv, pause in s): a slow reader
        self.status = None
        self.records = []
        self.complete = False
        self.error = None
        self.buf = b""

    def _fill(self):
        n = self.slow[0] if self.slow else 65536
        d = self.sock.recv(n)
        if not d:
            raise EOFError("connection closed")
        self.buf += d
        if self.slow:
            time.sleep(self.slow[1])

    def _until(self, marker):
        while marker not in self.buf:
            self._fill()
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def _n(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def run(self):
        try:
            while True:
                head = self._until(b"\r\n\r\n").decode("latin-1")
                self.status = int(head.split(" ", 2)[1])
                if not 100 <= self.status < 200:
                    break
            if "transfer-encoding: chunked" not in head.lower():
                self.error = "not chunked: " + head[:200]
                return
            body = b""
            while True:
                size = int(self._until(b"\r\n").split(b";")[0].strip(), 16)
                data = self._n(size + 2)
                if size == 0:
                    self.complete = True
                    break
                body += data[:-2]
                while b"\n" in body:
                    line, body = body.split(b"\n", 1)
                    if line.strip():
                        self.records.append(json.loads(line))
        except Exception as e:  # noqa: BLE001 - reported by the check
            self.error = repr(e)
        finally:
            self.sock.close()


def stream_upload(host, port, data, pieces, delay=0.0, chunked=True, rcvbuf=None,
                  slow_reader=None, timeout=90.0):
    """Uploads data to /v1/stream cut at `pieces` (an iterable of sizes),
    sleeping `delay` s after each piece, while a thread reads the answer.
    Returns the StreamReader (joined) and the upload's seconds."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t0 = time.monotonic()
    head = b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
    head += b"Transfer-Encoding: chunked\r\n\r\n" if chunked else b"Content-Length: %d\r\n\r\n" % len(data)
    rd = StreamReader(s, timeout, slow_reader)
    try:
        s.sendall(head)
        rd.start()
        off = 0
        for n in pieces:
            if off >= len(data):
                break
            piece = data[off:off + n]
            off += len(piece)
            s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if delay:
                time.sleep(delay)
        if chunked:
            s.sendall(b"0\r\n\r\n")
        rd.join(timeout)
    except OSError as e:
        rd.error = rd.error or "send: " + repr(e)
    finally:
        s.close()
    return rd, time.monotonic() - t0


# ---- the server process ------------------------------------------------------------

def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def steady_fd_count(pid, timeout=3.0):
    """The fd count once it has not changed for 0.3 s (a server that has
    just answered its first request may still be starting a worker)."""
    end = time.monotonic() + timeout
    last, same = fd_count(pid), 0
    while same < 3 and time.monotonic() < end:
        time.sleep(0.1)
        n = fd_count(pid)
        same = same + 1 if n == last else 0
        last = n
    return last


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1)) if m else -1


def metric(text, name):
    """Value of an unlabelled sample, or the sum of a labelled family
    filtered by a label regex: metric(text, 'x') / metric(text, 'x{...}')."""
    if "{" in name:
        fam, rx = name.split("{", 1)
        rx = re.compile(rx.rstrip("}"))
        total = 0
        for m in re.finditer(r"^%s\{([^}]*)\} (\d+)$" % re.escape(fam), text, re.M):
            if rx.search(m.group(1)):
                total += int(m.group(2))
        return total
    m = re.search(r"^%s (\d+)$" % re.escape(name), text, re.M)
    return int(m.group(1)) if m else -1


def scrape(host, port):
    st, body, _ = one_request(host, port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 10)
    return body.decode(errors="replace") if st == 200 else ""


def wait_until(pred, timeout, step=0.1):
    """Polls pred() until true or timeout; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)
