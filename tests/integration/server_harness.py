"""server_harness.py - starting `ipsec-diag serve` and talking raw HTTP to it.

Used by test_server.py (python3 standard library only). Everything stays on
the loopback interface; every wait is bounded.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import http.client


def free_port(host="127.0.0.1"):
    """A port that was free a moment ago (the server may still lose a race
    for it, so Server.start retries)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Server:
    """One `ipsec-diag serve` process on a free loopback port."""

    def __init__(self, binary, args=(), env=None, host="127.0.0.1"):
        self.binary = binary
        self.args = list(args)
        self.env = env or {}
        self.host = host
        self.port = None
        self.proc = None
        self.errfile = None

    def start(self, tries=3):
        for _ in range(tries):
            self.port = free_port(self.host)
            listen = "[%s]:%d" % (self.host, self.port) if ":" in self.host else "%s:%d" % (self.host, self.port)
            self.errfile = tempfile.NamedTemporaryFile(prefix="idg-serve-", suffix=".log", delete=False)
            env = dict(os.environ)
            env.update(self.env)
            self.proc = subprocess.Popen([self.binary, "serve", "--listen", listen] + self.args,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=self.errfile, env=env)
            if self.wait_ready():
                return self
            self.kill()
        raise RuntimeError("server did not start: " + self.stderr())

    def wait_ready(self, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                return False
            try:
                st, _, _ = self.request("GET", "/healthz", timeout=1)
                if st == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stderr(self):
        try:
            with open(self.errfile.name, "r", errors="replace") as f:
                return f.read()
        except (OSError, AttributeError):
            return ""

    def request(self, method, path, body=None, headers=None, timeout=10):
        """One request on a new connection: (status, headers dict (lower-case), body bytes)."""
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def rpc(self, payload, headers=None, raw=False):
        """POST /rpc; payload is an object (encoded) or bytes/str (as is)."""
        if isinstance(payload, (bytes, str)):
            body = payload.encode() if isinstance(payload, str) else payload
        else:
            body = json.dumps(payload).encode()
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        st, hd, data = self.request("POST", "/rpc", body, h)
        if raw:
            return st, hd, data
        return st, (json.loads(data) if data else None)

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def wait(self, timeout=20):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self):
        """SIGTERM and wait; returns the exit status (None if it had to be killed)."""
        rc = self.proc.poll() if self.proc else None
        if self.proc and rc is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.wait(15)
            if rc is None:
                self.kill()
        self.last_stderr = self.stderr()
        if self.errfile:
            try:
                os.unlink(self.errfile.name)
            except OSError:
                pass
        return rc


class Raw:
    """A raw TCP connection with an HTTP/1.1 response reader."""

    def __init__(self, host, port, timeout=5.0):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.buf = b""
        self.eof = False

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self, deadline):
        if self.eof:
            return False
        self.sock.settimeout(max(0.01, deadline - time.time()))
        try:
            d = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            d = b""
        except socket.timeout:
            return None
        if not d:
            self.eof = True
            return False
        self.buf += d
        return True

    def _read_until(self, marker, deadline):
        while marker not in self.buf:
            r = self._fill(deadline)
            if not r:
                return None
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def _read_n(self, n, deadline):
        while len(self.buf) < n:
            r = self._fill(deadline)
            if not r:
                return None
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self, timeout=5.0):
        """Status line and headers: (status, headers dict lower-case), or None."""
        deadline = time.time() + timeout
        head = self._read_until(b"\r\n\r\n", deadline)
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        hdrs = {}
        for ln in lines[1:]:
            if ":" in ln:
                k, v = ln.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        return int(parts[1]), hdrs

    def read_chunk(self, timeout=5.0):
        """One chunk of a chunked body: bytes, b"" for the last, None on timeout/EOF."""
        deadline = time.time() + timeout
        line = self._read_until(b"\r\n", deadline)
        if line is None:
            return None
        size = int(line.split(b";")[0].strip(), 16)
        data = self._read_n(size + 2, deadline)
        if data is None:
            return None
        if size == 0:
            return b""
        return data[:-2]

    def read_response(self, timeout=5.0, head_request=False):
        """(status, headers, body) or None; 1xx interim answers are skipped."""
        deadline = time.time() + timeout
        while True:
            h = self.read_head(max(0.01, deadline - time.time()))
            if h is None:
                return None
            if not (100 <= h[0] < 200):
                break
        status, hdrs = h
        if head_request or status in (204, 304):
            return status, hdrs, b""
        if hdrs.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                c = self.read_chunk(max(0.01, deadline - time.time()))
                if c is None:
                    return None
                if c == b"":
                    break
                body += c
            return status, hdrs, body
        n = int(hdrs.get("content-length", "0"))
        body = self._read_n(n, deadline)
        if body is None:
            return None
        return status, hdrs, body

    def closed(self, timeout=3.0):
        """True if the server closes the connection (EOF or reset) in time,
        with no further bytes."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self._fill(deadline)
            if r is False:
                return self.buf == b""
            if r is None:
                return False
        return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
