#!/usr/bin/env python3
"""test_server.py - `ipsec-diag serve` end to end, over loopback sockets.

    python3 tests/integration/test_server.py --bin build/ipsec-diag

Starts real servers (each on a free 127.0.0.1 port, small limits where a
limit is tested) and checks every endpoint, the JSON-RPC 2.0 examples of the
specification (section 7) adapted to our methods, each limit, request
smuggling payloads, keep-alive and pipelining, uploads (also with curl),
streaming with the first answer before the upload ends, auth, CORS and the
orderly stop on SIGTERM. Prints one line per check and "N passed, M failed";
exits 1 on any failure. Python standard library only.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Raw, Server  # noqa: E402

SRC = os.environ.get("IDG_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB = os.path.join(SRC, "tests", "corpus", "lab")

PASSED = 0
FAILED = 0


def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok   %s" % name)
    else:
        FAILED += 1
        print("FAIL %s%s" % (name, (": " + str(detail)[:400]) if detail else ""))
    sys.stdout.flush()
    return bool(cond)


def stop_checked(s, what):
    rc = s.stop()
    check("%s server exits 0 on SIGTERM" % what, rc == 0, (rc, getattr(s, "last_stderr", "")[-1500:]))


def lab_log(case, end="responder"):
    with open(os.path.join(LAB, case, end + ".log"), "rb") as f:
        return f.read()


FAIL_CASE = "ikev1-p1-encryption-mismatch"
FAIL_CLASS = "phase1_encryption_mismatch"


def classes_of(doc):
    return [d.get("class") for d in (doc or {}).get("diagnoses", [])]


def err_shape(resp, code, rid):
    """Exact JSON-RPC error shape: jsonrpc, error{code,message[,data]}, id."""
    if not isinstance(resp, dict) or set(resp) != {"jsonrpc", "error", "id"}:
        return False
    e = resp["error"]
    return (resp["jsonrpc"] == "2.0" and resp["id"] == rid and isinstance(e, dict)
            and e.get("code") == code and isinstance(e.get("message"), str)
            and set(e) <= {"code", "message", "data"})


def ok_shape(resp, rid):
    return (isinstance(resp, dict) and set(resp) == {"jsonrpc", "result", "id"}
            and resp["jsonrpc"] == "2.0" and resp["id"] == rid)


# ---- endpoints ----------------------------------------------------------------

def test_basic(s):
    st, hd, body = s.request("GET", "/healthz")
    check("GET /healthz 200 {status: ok}", st == 200 and json.loads(body) == {"status": "ok"}
          and hd.get("content-type") == "application/json", (st, body))
    st, hd, body = s.request("HEAD", "/healthz")
    check("HEAD /healthz 200 without body", st == 200 and body == b"", (st, body))
    st, hd, body = s.request("GET", "/metrics")
    text = body.decode()
    check("GET /metrics Prometheus text", st == 200 and hd.get("content-type", "").startswith("text/plain")
          and "# TYPE ipsecdiag_http_requests_total counter" in text
          and 'ipsecdiag_http_requests_total{endpoint="healthz",status="200"}' in text
          and "ipsecdiag_http_request_duration_seconds_bucket{le=\"+Inf\"}" in text
          and "ipsecdiag_connections_open" in text and "ipsecdiag_diagnoses_total{class=" in text
          and "ipsecdiag_rpc_errors_total{code=\"-32700\"}" in text
          and "ipsecdiag_bytes_diagnosed_total" in text and "ipsecdiag_lines_diagnosed_total" in text, text[:300])
    st, hd, body = s.request("GET", "/openrpc.json")
    check("GET /openrpc.json is the OpenRPC document", st == 200 and json.loads(body).get("openrpc", "").startswith("1."))
    st, hd, body = s.request("GET", "/no/such/path")
    check("404 unknown path with JSON error body", st == 404 and json.loads(body)["error"]["status"] == 404
          and isinstance(json.loads(body)["error"]["message"], str), (st, body))
    st, hd, body = s.request("GET", "/rpc")
    check("405 GET /rpc with Allow header", st == 405 and "POST" in hd.get("allow", "")
          and json.loads(body)["error"]["status"] == 405, (st, hd))
    st, hd, body = s.request("DELETE", "/healthz")
    check("405 DELETE /healthz, Allow: GET", st == 405 and "GET" in hd.get("allow", ""), (st, hd))
    st, hd, body = s.request("POST", "/rpc", b'{"jsonrpc":"2.0","method":"version","id":1}',
                             {"Content-Type": "text/plain"})
    check("415 /rpc with text/plain", st == 415 and json.loads(body)["error"]["status"] == 415, (st, body))
    st, hd, body = s.request("POST", "/rpc", b'{"jsonrpc":"2.0","method":"version","id":1}', {})
    check("415 /rpc without Content-Type", st == 415, st)
    st, _, body = s.request("POST", "/rpc", b'{"jsonrpc":"2.0","method":"version","id":1}',
                            {"Content-Type": "application/json; charset=utf-8"})
    check("application/json; charset=utf-8 accepted", st == 200 and json.loads(body)["id"] == 1, (st, body))
    st, _, body = s.request("POST", "/v1/diagnose", b'{}', {"Content-Type": "application/json"})
    check("415 /v1/diagnose with application/json", st == 415, st)
    # 411: POST without Content-Length and not chunked (raw socket)
    r = Raw(s.host, s.port)
    r.send("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n")
    resp = r.read_response()
    check("411 POST /rpc without length", resp is not None and resp[0] == 411, resp)
    r.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    resp = r.read_response()
    check("connection kept after 411 (no body)", resp is not None and resp[0] == 200, resp)
    r.close()
    r = Raw(s.host, s.port)
    r.send("POST /v1/diagnose HTTP/1.1\r\nHost: x\r\n\r\n")
    resp = r.read_response()
    check("411 POST /v1/diagnose without length", resp is not None and resp[0] == 411, resp)
    r.close()
    p = subprocess.run([s.binary, "serve", "--help"], capture_output=True, timeout=10)
    out = p.stdout.decode()
    check("serve --help exits 0 and lists the limits", p.returncode == 0 and "--max-body" in out
          and "--listen" in out and "IDG_MAX_BODY" in out, p.returncode)
    check("serve --help documents --no-yield and IDG_YIELD", "--no-yield" in out and "IDG_YIELD=0" in out)
    p = subprocess.run([s.binary, "serve", "--bogus"], capture_output=True, timeout=10)
    check("serve --bogus exits non-zero", p.returncode != 0, p.returncode)
    # the loop's yield is a scheduling choice only: turned off by the flag or
    # the environment, the server answers the same bytes
    for args, env in ((["--no-yield"], None), ([], {"IDG_YIELD": "off"})):
        other = Server(s.binary, ["--workers", "1"] + args, env=env).start()
        try:
            body = json.dumps({"jsonrpc": "2.0", "method": "version", "id": 1})
            a = s.request("POST", "/rpc", body=body, headers={"Content-Type": "application/json"})
            b = other.request("POST", "/rpc", body=body, headers={"Content-Type": "application/json"})
            check("serve %s: the same answer as with the yield" % (args or env),
                  a[0] == b[0] == 200 and a[2] == b[2], (a[0], b[0]))
        finally:
            stop_checked(other, "the server without the yield")
    p = subprocess.run([s.binary, "serve", "--listen", "%s:%d" % (s.host, s.port)], capture_output=True, timeout=10)
    check("a second server on a port in use refuses to start", p.returncode != 0
          and b"in use" in p.stderr, (p.returncode, p.stderr[-200:]))


# ---- JSON-RPC ---------------------------------------------------------------------

def test_rpc_spec(s):
    log = lab_log(FAIL_CASE).decode()
    # rpc call with positional parameters
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "params": [log], "id": 1})
    check("rpc by position: result document, id 1", st == 200 and ok_shape(r, 1)
          and r["result"].get("outcome") in ("failed", "established", "no_conclusion"), r)
    check("rpc by position: %s diagnosed" % FAIL_CLASS, FAIL_CLASS in classes_of(r.get("result")),
          classes_of(r.get("result")))
    # rpc call with named parameters
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "params": {"log": log}, "id": 2})
    check("rpc by name: result document, id 2", st == 200 and ok_shape(r, 2)
          and set(r["result"]) >= {"version", "outcome", "summary", "sources", "diagnoses"}, r)
    check("rpc by name: outcome failed", r["result"].get("outcome") == "failed", r["result"].get("outcome"))
    # notifications
    st, hd, body = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "params": [log]}, raw=True)
    check("notification: HTTP 204, empty body", st == 204 and body == b"", (st, body))
    st, hd, body = s.rpc({"jsonrpc": "2.0", "method": "foobar"}, raw=True)
    check("notification of unknown method: 204", st == 204 and body == b"", (st, body))
    # non-existent method
    st, r = s.rpc({"jsonrpc": "2.0", "method": "foobar", "id": "1"})
    check("method not found -32601", st == 200 and err_shape(r, -32601, "1")
          and r["error"]["message"] == "Method not found", r)
    # invalid JSON
    st, r = s.rpc('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]')
    check("invalid JSON -32700, id null", st == 200 and err_shape(r, -32700, None)
          and r["error"]["message"] == "Parse error", r)
    # invalid Request object
    st, r = s.rpc('{"jsonrpc": "2.0", "method": 1, "params": "bar"}')
    check("invalid Request -32600, id null", st == 200 and err_shape(r, -32600, None)
          and r["error"]["message"] == "Invalid Request", r)
    # batch, invalid JSON
    st, r = s.rpc('[{"jsonrpc": "2.0", "method": "version", "params": [], "id": "1"},'
                  '{"jsonrpc": "2.0", "method"\n]')
    check("batch with invalid JSON: one -32700 object", st == 200 and err_shape(r, -32700, None), r)
    # empty array
    st, r = s.rpc("[]")
    check("empty batch: single -32600 object (not an array)", st == 200 and err_shape(r, -32600, None), r)
    # invalid batch, not empty
    st, r = s.rpc("[1]")
    check("batch [1]: array of one -32600", st == 200 and isinstance(r, list) and len(r) == 1
          and err_shape(r[0], -32600, None), r)
    st, r = s.rpc("[1,2,3]")
    check("batch [1,2,3]: array of three -32600", st == 200 and isinstance(r, list) and len(r) == 3
          and all(err_shape(x, -32600, None) for x in r), r)
    # mixed batch
    batch = [
        {"jsonrpc": "2.0", "method": "version", "id": "1"},
        {"jsonrpc": "2.0", "method": "health"},
        {"jsonrpc": "2.0", "method": "diagnose", "params": {"log": 42}, "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "classes", "id": "9"},
    ]
    st, r = s.rpc(batch)
    byid = {}
    if isinstance(r, list):
        for x in r:
            byid.setdefault(json.dumps(x.get("id")), []).append(x)
    check("mixed batch: 5 answers (notification has none)", st == 200 and isinstance(r, list) and len(r) == 5,
          r if not isinstance(r, list) else len(r))
    check("mixed batch: version ok", ok_shape(byid.get('"1"', [None])[0], "1")
          and byid['"1"'][0]["result"]["version"], byid.get('"1"'))
    check("mixed batch: invalid params -32602", err_shape(byid.get('"2"', [None])[0], -32602, "2"), byid.get('"2"'))
    check("mixed batch: invalid request -32600 id null", err_shape(byid.get("null", [None])[0], -32600, None),
          byid.get("null"))
    check("mixed batch: method not found -32601", err_shape(byid.get('"5"', [None])[0], -32601, "5"))
    check("mixed batch: classes ok", ok_shape(byid.get('"9"', [None])[0], "9")
          and isinstance(byid['"9"'][0]["result"], list))
    # all notifications
    st, hd, body = s.rpc([{"jsonrpc": "2.0", "method": "version"}, {"jsonrpc": "2.0", "method": "health"}], raw=True)
    check("batch of only notifications: HTTP 204", st == 204 and body == b"", (st, body))


def test_rpc_methods(s):
    for rid in ["abc", 7, 1.5, -3, None, 0]:
        st, r = s.rpc({"jsonrpc": "2.0", "method": "version", "id": rid})
        check("id %r echoed with its type" % (rid,), st == 200 and ok_shape(r, rid)
              and type(r["id"]) is type(rid), r)
    for bad in [{"a": 1}, [1], True]:
        st, r = s.rpc({"jsonrpc": "2.0", "method": "version", "id": bad})
        check("id of type %s: -32600, id null" % type(bad).__name__, err_shape(r, -32600, None), r)
    st, r = s.rpc({"jsonrpc": "1.0", "method": "version", "id": 1})
    check('jsonrpc "1.0": -32600', err_shape(r, -32600, 1), r)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "version", "params": 3, "id": 1})
    check("params not structured: -32600", err_shape(r, -32600, 1), r)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "version", "id": 1})
    v = r.get("result", {})
    check("version: version, llhttp, libuv, jansson", set(v) == {"version", "llhttp", "libuv", "jansson"}
          and v["llhttp"].startswith("9."), v)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "health", "id": 1})
    check("health: status ok", r.get("result", {}).get("status") == "ok", r)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "classes", "id": 1})
    cl = r.get("result") or []
    # as many as the contract lists (api/class-list.json, which test_api.py keeps equal to the binary's)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "api",
                           "class-list.json")) as f:
        n_classes = len(json.load(f))
    check("classes: one entry per class of api/class-list.json, with name/phase/severity/title/description",
          len(cl) == n_classes and n_classes >= 25 and
          all(set(c) == {"name", "phase", "severity", "title", "description"} for c in cl)
          and FAIL_CLASS in [c["name"] for c in cl], (len(cl), n_classes))
    st, r = s.rpc({"jsonrpc": "2.0", "method": "rpc.discover", "id": 1})
    doc = r.get("result") or {}
    names = [m.get("name") for m in doc.get("methods", [])]
    check("rpc.discover: OpenRPC document naming every method",
          doc.get("openrpc", "").startswith("1.") and
          set(names) >= {"diagnose", "classes", "version", "health", "rpc.discover"}, names)
    with open(os.path.join(SRC, "api", "openrpc.json")) as f:
        check("rpc.discover equals api/openrpc.json", json.load(f) == doc)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "version", "params": [1], "id": 1})
    check("version with params: -32602", err_shape(r, -32602, 1), r)
    # diagnose parameter checks
    for p, what in [({}, "no log"), ({"log": 5}, "log not a string"), ([], "empty array"),
                    ({"log": "x", "logs": []}, "log and logs"), ({"log": "x", "format": "xml"}, "bad format"),
                    ({"logs": []}, "empty logs"), ({"logs": [{"name": "a"}]}, "logs item without log"),
                    ({"log": "x", "color": 1}, "unknown member")]:
        st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "params": p, "id": 1})
        check("diagnose invalid params (%s): -32602" % what, err_shape(r, -32602, 1), r)
    a, b = lab_log(FAIL_CASE, "responder").decode(), lab_log(FAIL_CASE, "initiator").decode()
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "id": 3,
                   "params": {"logs": [{"name": "site-a", "log": a}, {"name": "site-b", "log": b}]}})
    res = r.get("result") or {}
    check("diagnose logs[]: one report with both sources",
          [x.get("name") for x in res.get("sources", [])] == ["site-a", "site-b"], res.get("sources"))
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "id": 4, "params": {"log": a, "format": "text"}})
    res = r.get("result") or {}
    check("diagnose format text: {format, text}", res.get("format") == "text" and isinstance(res.get("text"), str)
          and len(res["text"]) > 20, res)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "id": 5, "params": [a, "markdown"]})
    res = r.get("result") or {}
    check("diagnose by position with format markdown", res.get("format") == "markdown", res)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "id": 6, "params": {"log": ""}})
    check("diagnose of an empty log: no_conclusion", (r.get("result") or {}).get("outcome") == "no_conclusion", r)
    st, r = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "id": 7, "params": {"log": "\u00e9\u0000\ufffd x\n"}})
    check("diagnose of odd bytes (NUL, non-ASCII): an answer", ok_shape(r, 7), r)


# ---- limits ---------------------------------------------------------------------

def test_limits(binary):
    s = Server(binary, ["--workers", "1", "--max-header-size", "1K", "--max-headers", "10",
                        "--max-body", "4K", "--max-batch", "3", "--max-json-depth", "8",
                        "--max-log", "1K", "--header-timeout", "1", "--body-timeout", "1",
                        "--idle-timeout", "2", "--max-connections", "4"]).start()
    try:
        r = Raw(s.host, s.port)
        r.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 1100 + "\r\n\r\n")
        resp = r.read_response()
        check("header size over limit: 431", resp is not None and resp[0] == 431, resp)
        check("431 closes the connection", r.closed())
        r.close()
        r = Raw(s.host, s.port)
        r.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + "".join("X-%d: y\r\n" % i for i in range(10)) + "\r\n")
        resp = r.read_response()
        check("header count over limit: 431", resp is not None and resp[0] == 431, resp)
        r.close()
        r = Raw(s.host, s.port)
        r.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + "".join("X-%d: y\r\n" % i for i in range(8)) + "\r\n")
        resp = r.read_response()
        check("9 headers (under the limit): 200", resp is not None and resp[0] == 200, resp)
        r.close()
        st, hd, body = s.request("POST", "/rpc", b"[" + b" " * 5000 + b"]", {"Content-Type": "application/json"})
        check("body over limit (Content-Length): 413", st == 413 and json.loads(body)["error"]["status"] == 413, st)
        r = Raw(s.host, s.port)
        r.send("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(5):
            r.send("400\r\n" + " " * 1024 + "\r\n")
        resp = r.read_response()
        check("body over limit (chunked): 413", resp is not None and resp[0] == 413, resp)
        r.close()
        st, hd, body = s.request("POST", "/v1/diagnose", b"x" * 5000, {"Content-Type": "text/plain"})
        check("/v1/diagnose body over limit: 413", st == 413, st)
        r = Raw(s.host, s.port)
        r.send("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(5):
            r.send("400\r\n" + " " * 1024 + "\r\n")
        resp = r.read_response()
        check("a body on GET /healthz is capped too: 413", resp is not None and resp[0] == 413, resp)
        r.close()
        st, hd, body = s.request("PUT", "/v1/stream", b"x" * 6000, {"Content-Type": "text/plain"})
        check("/v1/stream is not capped by --max-body", st == 200, st)
        st, r2 = s.rpc([{"jsonrpc": "2.0", "method": "version", "id": i} for i in range(4)])
        check("batch over limit: -32001", err_shape(r2, -32001, None)
              and r2["error"]["message"] == "Batch too large", r2)
        st, r2 = s.rpc([{"jsonrpc": "2.0", "method": "version", "id": i} for i in range(3)])
        check("batch at the limit: 3 answers", isinstance(r2, list) and len(r2) == 3, r2)
        deep = '{"jsonrpc":"2.0","method":"version","id":1,"params":' + "[" * 8 + "]" * 8 + "}"
        st, r2 = s.rpc(deep)
        check("JSON depth over limit: -32700 with a message", err_shape(r2, -32700, None)
              and "deep" in r2["error"].get("data", ""), r2)
        ok = '{"jsonrpc":"2.0","method":"version","id":1,"params":' + "[" * 7 + "]" * 7 + "}"
        st, r2 = s.rpc(ok)
        check("JSON depth at the limit: parsed (-32602 for params)", err_shape(r2, -32602, 1), r2)
        st, r2 = s.rpc({"jsonrpc": "2.0", "method": "diagnose", "params": {"log": "x" * 1500}, "id": 1})
        check("log over --max-log: -32000", err_shape(r2, -32000, 1) and r2["error"]["message"] == "Log too large", r2)
        # header timeout (slowloris: bytes keep coming, the deadline holds)
        r = Raw(s.host, s.port)
        t0 = time.time()
        r.send("GET /healthz HTTP/1.1\r\n")
        resp = None
        for i in range(20):
            try:
                r.send("X-%d: y\r\n" % i)
            except OSError:
                break
            time.sleep(0.15)
            if time.time() - t0 > 2.5:
                break
        resp = r.read_response(timeout=3)
        el = time.time() - t0
        check("header timeout (slowloris): 408 within the deadline", resp is not None and resp[0] == 408 and el < 3.5,
              (resp, el))
        r.close()
        r = Raw(s.host, s.port)
        r.send("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        resp = r.read_response(timeout=4)
        check("body timeout: 408", resp is not None and resp[0] == 408, resp)
        check("408 closes the connection", r.closed())
        r.close()
        r = Raw(s.host, s.port)
        r.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        resp = r.read_response()
        t0 = time.time()
        check("idle keep-alive: closed after the idle timeout", resp and resp[0] == 200 and r.closed(timeout=5)
              and 1.5 < time.time() - t0 < 4.5, time.time() - t0)
        r.close()
        # connections per worker (1 worker, limit 4). A connection the
        # server closed above may still be draining for a moment (it reads
        # the client's leftovers before closing), so the attempt is retried
        # a few times: what is checked is the limit, not that timing.
        for attempt in range(4):
            conns = []
            for _ in range(4):
                c = Raw(s.host, s.port)
                c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                conns.append(c)
            good = all((c.read_response() or [0])[0] == 200 for c in conns)
            extra = Raw(s.host, s.port)
            resp = extra.read_response()
            over = (good and resp is not None and resp[0] == 503
                    and json.loads(resp[2])["error"]["status"] == 503 and extra.closed())
            extra.close()
            for c in conns:
                c.close()
            if over:
                break
            time.sleep(1.0)
        check("connection over the per-worker limit: 503 and close", over, resp)
        time.sleep(0.2)
        st, _, _ = s.request("GET", "/healthz")
        check("server healthy after the limits", st == 200 and s.proc.poll() is None)
    finally:
        stop_checked(s, "limits")


# ---- strict HTTP ------------------------------------------------------------------

SMUGGLING = [
    ("bare LF line endings (CVE-2023-30589)", b"GET /healthz HTTP/1.1\nHost: x\n\n"),
    ("bare LF after a header", b"GET /healthz HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"),
    ("CR-only line endings", b"GET /healthz HTTP/1.1\rHost: x\r\r"),
    ("bare CR in a header value", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n"),
    ("space before colon in Content-Length (CVE-2024-27982)",
     b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length : 5\r\n\r\n[1,2]"),
    ("Content-Length and Transfer-Encoding",
     b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("Transfer-Encoding and Content-Length",
     b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
     b"Content-Length: 5\r\n\r\n0\r\n\r\n"),
    ("duplicate Content-Length",
     b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
     b"Content-Length: 5\r\n\r\n[1,2]"),
    ("conflicting Content-Length",
     b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
     b"Content-Length: 6\r\n\r\n[1,2] "),
    ("Content-Length list", b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: 5, 5\r\n\r\n[1,2]"),
    ("Content-Length with a sign", b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: +5\r\n\r\n[1,2]"),
    ("obs-fold header continuation", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n"),
    ("obs-fold with a tab", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\r\n\tb\r\n\r\n"),
    ("Transfer-Encoding: chunked, gzip", b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
    ("Transfer-Encoding: xchunked", b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
    ("space before colon in Transfer-Encoding", b"POST /rpc HTTP/1.1\r\nHost: x\r\n"
     b"Content-Type: application/json\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
    ("chunk size line with bare LF (CVE-2022-32214)", b"POST /rpc HTTP/1.1\r\nHost: x\r\n"
     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\n[1,2]\r\n0\r\n\r\n"),
    ("chunk data without CRLF", b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n5\r\n[1,2]0\r\n\r\n"),
    ("NUL in a header value", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n"),
    ("control character in a header value", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n"),
    ("header line starting with a space", b"GET /healthz HTTP/1.1\r\n Host: x\r\n\r\n"),
    ("HTTP/0.9 request line", b"GET /healthz\r\n\r\n"),
    ("missing Host (HTTP/1.1)", b"GET /healthz HTTP/1.1\r\n\r\n"),
    ("two Host headers", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ("invalid HTTP version", b"GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n"),
    ("space in the request target", b"GET /health z HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
]

SMUGGLED = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"


def test_smuggling(s):
    for name, payload in SMUGGLING:
        r = Raw(s.host, s.port)
        try:
            r.send(payload + SMUGGLED)
        except OSError:
            pass
        resp = r.read_response()
        closed = r.closed()
        check("smuggling: %s -> 400 and close" % name, resp is not None and resp[0] == 400 and closed
              and json.loads(resp[2])["error"]["status"] == 400, (resp and resp[0], closed))
        r.close()
    r = Raw(s.host, s.port)
    r.send(b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n")
    resp = r.read_response()
    check("HTTP/2.0 request line -> 505 and close", resp is not None and resp[0] == 505 and r.closed(), resp)
    r.close()
    st, _, _ = s.request("GET", "/healthz")
    check("server healthy after the smuggling payloads", st == 200)


# ---- keep-alive and pipelining -----------------------------------------------------

def test_pipelining(s):
    body = b'{"jsonrpc":"2.0","method":"version","id":42}'
    r = Raw(s.host, s.port)
    r.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
           b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
           b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /rpc HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" % (len(body), body))
    got = [r.read_response() for _ in range(5)]
    sts = [g[0] if g else None for g in got]
    check("pipelined requests answered in order", sts == [200, 200, 404, 405, 200], sts)
    check("pipelined rpc answer is the rpc's", got[1] is not None and json.loads(got[1][2]).get("id") == 42)
    r.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    resp = r.read_response()
    check("keep-alive: the connection still works after 404/405", resp is not None and resp[0] == 200, resp)
    # many pipelined requests at once (answers exceed one socket write)
    n = 300
    r.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * n)
    cnt = 0
    for _ in range(n):
        g = r.read_response(timeout=10)
        if not g or g[0] != 200:
            break
        cnt += 1
    check("%d pipelined /metrics answered" % n, cnt == n, cnt)
    r.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    resp = r.read_response()
    check("Connection: close honoured", resp is not None and resp[1].get("connection") == "close" and r.closed(), resp)
    r.close()
    r = Raw(s.host, s.port)
    r.send(b"GET /healthz HTTP/1.0\r\n\r\n")
    resp = r.read_response()
    check("HTTP/1.0 without keep-alive: answered and closed", resp is not None and resp[0] == 200 and r.closed(), resp)
    r.close()
    r = Raw(s.host, s.port)
    r.send(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    resp = r.read_response()
    r.send(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    resp2 = r.read_response()
    check("HTTP/1.0 keep-alive: two answers on one connection", resp and resp2 and resp2[0] == 200
          and resp[1].get("connection", "").lower() == "keep-alive", (resp, resp2))
    r.close()
    # Expect: 100-continue
    r = Raw(s.host, s.port)
    r.send(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body))
    head = r.read_head()
    check("Expect: 100-continue answered with 100 before the body", head is not None and head[0] == 100, head)
    r.send(body)
    resp = r.read_response()
    check("... then the final answer", resp is not None and resp[0] == 200 and json.loads(resp[2])["id"] == 42, resp)
    r.close()
    # many connections at once
    errors = []

    def worker():
        try:
            for _ in range(20):
                st, _, _ = s.request("POST", "/rpc", body, {"Content-Type": "application/json"})
                if st != 200:
                    errors.append(st)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    ts = [threading.Thread(target=worker) for _ in range(32)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    check("32 concurrent clients x 20 requests all 200", not errors, errors[:3])


# ---- uploads ------------------------------------------------------------------------

def multipart(files, fields=None, boundary="----idgBoundary7MA4YWxkTrZu0gW"):
    out = b""
    for name, value in (fields or {}).items():
        out += (b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary.encode(), name.encode(), value.encode()))
    for field, fname, data in files:
        out += (b"--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n" % (boundary.encode(), field.encode(), fname.encode()))
        out += data + b"\r\n"
    out += b"--%s--\r\n" % boundary.encode()
    return out, "multipart/form-data; boundary=" + boundary


def test_uploads(s):
    log = lab_log(FAIL_CASE)
    st, hd, body = s.request("POST", "/v1/diagnose", log, {"Content-Type": "text/plain"})
    doc = json.loads(body) if st == 200 else {}
    check("/v1/diagnose text/plain: document", st == 200 and hd.get("content-type") == "application/json"
          and doc.get("outcome") == "failed", (st, body[:200]))
    check("/v1/diagnose text/plain: %s" % FAIL_CLASS, FAIL_CLASS in classes_of(doc), classes_of(doc))
    st, hd, body = s.request("POST", "/v1/diagnose", log, {})
    check("/v1/diagnose without Content-Type", st == 200 and json.loads(body).get("outcome") == "failed", st)
    st, hd, body = s.request("POST", "/v1/diagnose?format=text", log, {"Content-Type": "application/octet-stream"})
    check("/v1/diagnose?format=text -> text/plain", st == 200 and hd.get("content-type", "").startswith("text/plain")
          and len(body) > 20 and not body.startswith(b"{"), (st, hd.get("content-type")))
    st, hd, body = s.request("POST", "/v1/diagnose?format=markdown", log, {"Content-Type": "text/plain"})
    check("/v1/diagnose?format=markdown -> text/markdown", st == 200
          and hd.get("content-type", "").startswith("text/markdown"), (st, hd.get("content-type")))
    st, hd, body = s.request("POST", "/v1/diagnose?format=xml", log, {"Content-Type": "text/plain"})
    check("/v1/diagnose?format=xml -> 400", st == 400, st)
    a, b = lab_log(FAIL_CASE, "responder"), lab_log(FAIL_CASE, "initiator")
    mp, ct = multipart([("file", "fw-b.log", a), ("file", "fw-a.log", b)])
    st, hd, body = s.request("POST", "/v1/diagnose", mp, {"Content-Type": ct})
    doc = json.loads(body) if st == 200 else {}
    check("multipart with two files: one report, two sources named by filename",
          st == 200 and [x.get("name") for x in doc.get("sources", [])] == ["fw-b.log", "fw-a.log"],
          (st, body[:300]))
    check("multipart: %s found" % FAIL_CLASS, FAIL_CLASS in classes_of(doc), classes_of(doc))
    mp, ct = multipart([("file", "fw-b.log", a)], fields={"format": "text"})
    st, hd, body = s.request("POST", "/v1/diagnose", mp, {"Content-Type": ct})
    check("multipart with a format field: text", st == 200 and hd.get("content-type", "").startswith("text/plain"), st)
    mp, ct = multipart([("file", "fw-b.log", a), ("file", "fw-a.log", b)])
    st, hd, body = s.request("POST", "/v1/diagnose?format=text", mp, {"Content-Type": ct})
    check("multipart two files with ?format=text", st == 200 and hd.get("content-type", "").startswith("text/plain")
          and b"fw-b.log" in body, (st, body[:200]))
    # the same multipart body fed one byte at a time
    r = Raw(s.host, s.port)
    mp, ct = multipart([("file", "fw-b.log", a[:3000])], fields={"note": "x"})
    r.send(("POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (ct, len(mp))).encode())
    r.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(0, len(mp), 97):
        r.send(mp[i:i + 97])
    resp = r.read_response()
    check("multipart in small pieces", resp is not None and resp[0] == 200
          and json.loads(resp[2])["sources"][0]["bytes"] == 3000, resp and resp[2][:200])
    r.close()
    mp, ct = multipart([], fields={"x": "y"})
    st, hd, body = s.request("POST", "/v1/diagnose", mp, {"Content-Type": ct})
    check("multipart without a file: 400", st == 400, st)
    st, hd, body = s.request("POST", "/v1/diagnose", b"--abc\r\nContent-Disposition: form-data; name=\"f\"; "
                             b"filename=\"a\"\r\n\r\nhello", {"Content-Type": "multipart/form-data; boundary=abc"})
    check("multipart without the closing boundary: 400", st == 400, st)
    st, hd, body = s.request("POST", "/v1/diagnose", b"x", {"Content-Type": "multipart/form-data"})
    check("multipart without boundary: 400", st == 400, st)
    # chunked upload to /v1/diagnose
    r = Raw(s.host, s.port)
    r.send(b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
    for i in range(0, len(log), 1000):
        part = log[i:i + 1000]
        r.send(b"%x\r\n%s\r\n" % (len(part), part))
    r.send(b"0\r\n\r\n")
    resp = r.read_response()
    check("/v1/diagnose chunked upload", resp is not None and resp[0] == 200
          and json.loads(resp[2]).get("outcome") == "failed", resp and resp[0])
    r.close()
    # curl, as users do
    curl = shutil.which("curl")
    if curl:
        path = os.path.join(LAB, FAIL_CASE, "responder.log")
        p = subprocess.run([curl, "-sS", "--data-binary", "@" + path, "http://%s:%d/v1/diagnose" % (s.host, s.port)],
                           capture_output=True, timeout=30)
        doc = {}
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            pass
        check("curl --data-binary @file (x-www-form-urlencoded) -> document", p.returncode == 0
              and doc.get("outcome") == "failed" and FAIL_CLASS in classes_of(doc), p.stdout[:200])
        p = subprocess.run([curl, "-sS", "-F", "a=@" + path, "-F",
                            "b=@" + os.path.join(LAB, FAIL_CASE, "initiator.log"),
                            "http://%s:%d/v1/diagnose?format=markdown" % (s.host, s.port)],
                           capture_output=True, timeout=30)
        check("curl -F two files ?format=markdown", p.returncode == 0 and b"responder.log" in p.stdout, p.stdout[:200])
        big = tempfile.NamedTemporaryFile(delete=False)
        try:
            for _ in range(200):
                big.write(log)
            big.close()
            p = subprocess.run([curl, "-sS", "-T", big.name, "http://%s:%d/v1/stream" % (s.host, s.port)],
                               capture_output=True, timeout=60)
            lines = [json.loads(x) for x in p.stdout.decode().splitlines() if x.strip()]
            check("curl -T file /v1/stream (PUT): NDJSON lines and a summary",
                  p.returncode == 0 and lines and lines[-1].get("type") == "summary"
                  and lines[-1]["stats"]["bytes"] == 200 * len(log)
                  and all(x.get("type") == "diagnosis" for x in lines[:-1]), p.stdout[-300:])
        finally:
            os.unlink(big.name)
    else:
        print("skip curl checks (no curl)")


def test_stream(s):
    log = lab_log(FAIL_CASE)
    lines = log.splitlines(keepends=True)
    r = Raw(s.host, s.port, timeout=10)
    r.send(b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
    # all the lines, but not the end of the upload
    for i in range(0, len(lines), 10):
        part = b"".join(lines[i:i + 10])
        r.send(b"%x\r\n%s\r\n" % (len(part), part))
    head = r.read_head(timeout=10)
    check("/v1/stream: 200 application/x-ndjson, chunked", head is not None and head[0] == 200
          and head[1].get("content-type") == "application/x-ndjson"
          and head[1].get("transfer-encoding") == "chunked", head)
    first = r.read_chunk(timeout=10) if head else None
    d = json.loads(first) if first else {}
    check("/v1/stream: a diagnosis line arrives before the upload ends",
          d.get("type") == "diagnosis" and isinstance(d.get("diagnosis"), dict), first)
    check("/v1/stream: the early diagnosis is %s" % FAIL_CLASS,
          d.get("diagnosis", {}).get("class") == FAIL_CLASS, d.get("diagnosis", {}).get("class"))
    # the rest of the upload, then its end
    r.send(b"%x\r\n%s\r\n" % (len(lines[0]), lines[0]))
    r.send(b"0\r\n\r\n")
    rest = []
    while True:
        c = r.read_chunk(timeout=10)
        if c is None or c == b"":
            break
        rest.append(c)
    objs = [json.loads(x) for c in rest for x in c.decode().splitlines() if x.strip()]
    summ = objs[-1] if objs else {}
    check("/v1/stream: summary line last, with outcome, count and stats",
          summ.get("type") == "summary" and summ.get("outcome") == "failed"
          and summ.get("diagnoses") == 1 + len(objs) - 1 and summ.get("stats", {}).get("bytes") == len(log) + len(lines[0]),
          summ)
    r.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    resp = r.read_response()
    check("/v1/stream: connection kept after the stream", resp is not None and resp[0] == 200, resp)
    r.close()

    # ?severity=: a tunnel that came up and one that failed, errors only
    both = lab_log("ikev2-success") + lab_log(FAIL_CASE)
    st, hd, body = s.request("PUT", "/v1/stream?severity=error", both, {"Content-Type": "text/plain"})
    recs = [json.loads(x) for x in body.decode().splitlines() if x.strip()] if st == 200 else []
    diags = [x["diagnosis"] for x in recs if x.get("type") == "diagnosis"]
    summ = recs[-1] if recs else {}
    check("/v1/stream?severity=error: only error records, the summary counts sent and found",
          st == 200 and diags and all(d["severity"] == "error" for d in diags)
          and summ.get("type") == "summary" and summ.get("diagnoses") == len(diags)
          and summ.get("found", 0) > len(diags) and summ.get("outcome") == "failed",
          (st, [d.get("class") for d in diags], summ))
    st, hd, body = s.request("PUT", "/v1/stream", both, {"Content-Type": "text/plain"})
    recs = [json.loads(x) for x in body.decode().splitlines() if x.strip()] if st == 200 else []
    check("/v1/stream without ?severity=: every diagnosis (diagnoses == found)",
          st == 200 and recs and recs[-1].get("diagnoses") == recs[-1].get("found") == len(recs) - 1
          and any(x["diagnosis"]["severity"] == "info" for x in recs[:-1]), recs[-1:] )
    st, hd, body = s.request("PUT", "/v1/stream?severity=fatal", both, {"Content-Type": "text/plain"})
    check("/v1/stream?severity=fatal: 400", st == 400, (st, body[:200]))
    # ?repeats=once: the same two logs three times over (each negotiation
    # again, with its own line numbers): each finding is sent once, the
    # repeats are counted; the default sends them all
    once_recs = {}
    for q in ("?repeats=once", "?repeats=once&severity=error", ""):
        st, hd, body = s.request("PUT", "/v1/stream" + q, both * 3, {"Content-Type": "text/plain"})
        once_recs[q] = [json.loads(x) for x in body.decode().splitlines() if x.strip()] if st == 200 else []
    one = [x["diagnosis"] for x in recs[:-1]]
    keys = lambda ds: sorted((d["class"], d.get("connection") or "") for d in ds)
    for q, want in (("?repeats=once", one), ("?repeats=once&severity=error",
                                              [d for d in one if d["severity"] == "error"])):
        got = once_recs[q]
        summ = got[-1] if got else {}
        check("/v1/stream%s: each finding of the log sent once, %d repeats counted" % (q, 2 * len(want)),
              got and keys(x["diagnosis"] for x in got[:-1]) == keys(want)
              and summ.get("diagnoses") == len(want) and summ.get("repeats") == 2 * len(want)
              and summ.get("found") == 3 * len(one), (keys(x["diagnosis"] for x in got[:-1]), summ))
    got = once_recs[""]
    check("/v1/stream without ?repeats=: every repeat sent, no repeats count",
          got and got[-1].get("diagnoses") == 3 * len(one) and "repeats" not in got[-1], got[-1:])
    st, hd, body = s.request("PUT", "/v1/stream?repeats=twice", both, {"Content-Type": "text/plain"})
    check("/v1/stream?repeats=twice: 400", st == 400, (st, body[:200]))
    # a client that goes away mid-stream
    r = Raw(s.host, s.port)
    r.send(b"PUT /v1/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    part = b"".join(lines[:50])
    r.send(b"%x\r\n%s\r\n" % (len(part), part))
    time.sleep(0.2)
    r.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    r.close()
    deadline = time.time() + 5
    while True:
        time.sleep(0.2)
        st, _, body = s.request("GET", "/metrics")
        open_now = [ln for ln in body.decode().splitlines() if ln.startswith("ipsecdiag_connections_open ")]
        if open_now == ["ipsecdiag_connections_open 1"] or time.time() > deadline:
            break
    check("client gone mid-stream: server healthy, its connection closed", st == 200 and s.proc.poll() is None
          and open_now == ["ipsecdiag_connections_open 1"], open_now)
    # a bigger stream, with a slow reader: backpressure must not lose data
    r = Raw(s.host, s.port, timeout=30)
    r.send(b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    total = 0
    for _ in range(300):
        r.send(b"%x\r\n%s\r\n" % (len(log), log))
        total += len(log)
    r.send(b"0\r\n\r\n")
    head = r.read_head(timeout=30)
    n = 0
    last = None
    while head:
        c = r.read_chunk(timeout=30)
        if c is None or c == b"":
            break
        for x in c.decode().splitlines():
            last = json.loads(x)
            n += 1
    check("stream of %d KiB: every diagnosis line and the summary" % (total // 1024),
          last is not None and last.get("type") == "summary" and last["stats"]["bytes"] == total
          and last["diagnoses"] == n - 1, (n, last))
    r.close()


# ---- auth and CORS --------------------------------------------------------------------

def test_auth_cors(binary):
    tok = tempfile.NamedTemporaryFile("w", delete=False)
    tok.write("s3cret-token\n")
    tok.close()
    s = Server(binary, ["--workers", "1", "--token-file", tok.name, "--cors-origin", "https://ok.example",
                        "--cors-origin", "http://localhost:3000"]).start()
    try:
        body = b'{"jsonrpc":"2.0","method":"version","id":1}'
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json"})
        check("auth: no token -> 401 with WWW-Authenticate: Bearer", st == 401
              and hd.get("www-authenticate", "").startswith("Bearer")
              and json.loads(data)["error"]["status"] == 401, (st, hd))
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json",
                                                         "Authorization": "Bearer wrong-token!"})
        check("auth: wrong token -> 401", st == 401, st)
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json",
                                                         "Authorization": "Bearer s3cret-tok"})
        check("auth: prefix of the token -> 401", st == 401, st)
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json",
                                                         "Authorization": "Bearer s3cret-token"})
        check("auth: right token -> 200", st == 200 and json.loads(data)["result"]["version"], st)
        st, hd, data = s.request("GET", "/metrics")
        check("auth: /metrics needs the token", st == 401, st)
        st, hd, data = s.request("GET", "/healthz")
        check("auth: /healthz stays open", st == 200, st)
        st, hd, data = s.request("POST", "/v1/diagnose", b"x" * 100000, {"Content-Type": "text/plain"})
        check("auth: 401 before reading a large upload", st == 401, st)
        # CORS
        st, hd, data = s.request("OPTIONS", "/rpc", None, {"Origin": "https://ok.example",
                                                            "Access-Control-Request-Method": "POST",
                                                            "Access-Control-Request-Headers": "content-type"})
        check("CORS preflight from a listed origin: 204 with Allow-Origin/Methods/Headers", st == 204
              and hd.get("access-control-allow-origin") == "https://ok.example"
              and "POST" in hd.get("access-control-allow-methods", "")
              and "Authorization" in hd.get("access-control-allow-headers", ""), (st, hd))
        st, hd, data = s.request("OPTIONS", "/rpc", None, {"Origin": "https://evil.example",
                                                            "Access-Control-Request-Method": "POST"})
        check("CORS preflight from another origin: no Allow-Origin", "access-control-allow-origin" not in hd, hd)
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json",
                                                         "Authorization": "Bearer s3cret-token",
                                                         "Origin": "http://localhost:3000"})
        check("CORS: listed origin echoed on the answer", st == 200
              and hd.get("access-control-allow-origin") == "http://localhost:3000"
              and "Origin" in hd.get("vary", ""), hd)
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json",
                                                         "Authorization": "Bearer s3cret-token",
                                                         "Origin": "https://evil.example"})
        check("CORS: other origin not echoed", st == 200 and "access-control-allow-origin" not in hd, hd)
        st, hd, data = s.request("POST", "/rpc", body, {"Content-Type": "application/json",
                                                         "Origin": "https://ok.example"})
        check("CORS: a 401 carries Allow-Origin (the page can read it)", st == 401
              and hd.get("access-control-allow-origin") == "https://ok.example", hd)
    finally:
        stop_checked(s, "auth/CORS")
        os.unlink(tok.name)


# ---- SIGTERM, IPv6 -----------------------------------------------------------------------

def test_sigterm(binary):
    s = Server(binary, ["--workers", "2"]).start()
    log = lab_log(FAIL_CASE)
    r = Raw(s.host, s.port, timeout=10)
    r.send(b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
           % len(log) + log[:1000])
    idle = Raw(s.host, s.port)
    idle.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    idle.read_response()
    time.sleep(0.2)
    s.signal(signal.SIGTERM)
    time.sleep(0.5)
    check("SIGTERM: idle keep-alive connection closed", idle.closed(timeout=3))
    refused = False
    try:
        c = socket.create_connection((s.host, s.port), timeout=2)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        refused = c.recv(100) == b""
        c.close()
    except OSError:
        refused = True
    check("SIGTERM: new connections refused", refused)
    r.send(log[1000:])
    resp = r.read_response(timeout=10)
    check("SIGTERM: in-flight request answered (Connection: close)", resp is not None and resp[0] == 200
          and resp[1].get("connection") == "close" and json.loads(resp[2]).get("outcome") == "failed",
          resp and resp[:2])
    rc = s.wait(15)
    check("SIGTERM: exit status 0", rc == 0, (rc, s.stderr()[-500:]))
    check("access log: one line per request (method, path, status, bytes, µs)",
          any(ln.startswith("POST /v1/diagnose 200 ") and ln.endswith("us") for ln in s.stderr().splitlines()),
          s.stderr()[-300:])
    r.close()
    idle.close()
    s.stop()


def test_ipv6(binary):
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError:
        print("skip IPv6 (no ::1)")
        return
    s = Server(binary, ["--workers", "1"], host="::1").start()
    try:
        st, _, body = s.request("GET", "/healthz")
        check("IPv6 [::1] listen", st == 200, st)
    finally:
        stop_checked(s, "IPv6")

# ---- large diagnoses in the thread pool ---------------------------------------------

def big_lab_log(mib):
    """The lab corpus repeated to about `mib` MiB."""
    chunk = b"".join(open(p, "rb").read() for p in sorted(glob.glob(os.path.join(LAB, "*", "*.log"))))
    return chunk * max(1, (mib * 1024 * 1024) // len(chunk))


def test_offload(binary):
    """Bodies over --offload-above are diagnosed in libuv's thread pool: with
    one worker, a small request on another connection is answered while a
    large diagnosis runs; pipelined answers stay in order; the answers and
    the counters are those of an inline run."""
    big = big_lab_log(24)
    rpc_big = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "diagnose",
                          "params": {"log": big.decode()}}).encode()
    version = b'{"jsonrpc":"2.0","method":"version","id":8}'

    def rpc_req(body):
        return (b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)) + body

    s = Server(binary, ["--workers", "1", "--max-body", "256M", "--max-log", "256M"]).start()
    try:
        # the reference: the same log through the thread pool and inline (a
        # server whose threshold is above it) must give the same document
        st, _, pooled = s.request("POST", "/v1/diagnose", big, {"Content-Type": "text/plain"}, timeout=120)
        ref = Server(binary, ["--workers", "1", "--max-body", "256M", "--offload-above", "1G"]).start()
        try:
            st2, _, inline = ref.request("POST", "/v1/diagnose", big, {"Content-Type": "text/plain"}, timeout=120)
        finally:
            ref.stop()
        check("offload: /v1/diagnose of %d MiB in the pool = inline" % (len(big) >> 20),
              st == 200 and st2 == 200 and pooled == inline and json.loads(pooled)["sources"][0]["bytes"] == len(big),
              (st, st2, len(pooled), len(inline)))
        # /v1/stream past --offload-above: the engine runs in the pool (its
        # lines leave several to a chunk); the same records, in the same
        # order, as an inline run, and the summary counts every one
        def stream_all(srv, body):
            # reads the answer while sending: a stream whose reader waits
            # for the end of its upload is held back (backpressure)
            r = Raw(srv.host, srv.port, timeout=120)
            t = threading.Thread(target=r.send, args=(
                b"POST /v1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body,))
            t.start()
            resp = r.read_response(timeout=120)
            t.join(120)
            r.close()
            return resp
        pooled = stream_all(s, big)
        ref = Server(binary, ["--workers", "1", "--offload-above", "1G"]).start()
        try:
            inline = stream_all(ref, big)
        finally:
            ref.stop()
        recs = [json.loads(x) for x in pooled[2].splitlines()] if pooled and pooled[0] == 200 else []
        check("offload: /v1/stream of %d MiB in the pool = inline, every record and the summary" % (len(big) >> 20),
              inline is not None and pooled[2] == inline[2] and len(recs) > 1
              and all(x.get("type") == "diagnosis" for x in recs[:-1]) and recs[-1].get("type") == "summary"
              and recs[-1]["diagnoses"] == len(recs) - 1 and recs[-1]["stats"]["bytes"] == len(big),
              (pooled and pooled[0], inline and inline[0], len(recs)))
        form, ctype = multipart([("a", "a.log", big), ("b", "b.log", lab_log(FAIL_CASE))])
        st, _, body = s.request("POST", "/v1/diagnose", form, {"Content-Type": ctype}, timeout=120)
        doc = json.loads(body) if st == 200 else {}
        check("offload: a large multipart form in the pool", st == 200
              and [x["name"] for x in doc.get("sources", [])] == ["a.log", "b.log"], (st, body[:200]))

        # a large /rpc diagnose, and meanwhile small requests on another
        # connection: from its first byte to its answer (the server reads
        # the body into the pool's engine as it arrives, so most of the
        # diagnosis overlaps the upload; counting only after the last byte
        # left a window of a few ms that a loaded machine could miss)
        for what, req in (("/rpc", rpc_req(rpc_big)),
                          ("/v1/diagnose", b"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                                           b"Content-Length: %d\r\n\r\n" % len(big) + big)):
            r = Raw(s.host, s.port, timeout=120)
            result = {}

            def big_one():
                result["sent"] = time.time()
                r.send(req)
                result["resp"] = r.read_response(timeout=120)
                result["done"] = time.time()
            t = threading.Thread(target=big_one)
            t.start()
            while "sent" not in result and t.is_alive():
                time.sleep(0.001)
            small = []
            while "done" not in result and t.is_alive():
                t0 = time.time()
                st, _, b = s.request("POST", "/rpc", version, {"Content-Type": "application/json"})
                small.append((st, time.time() - t0, time.time()))
            t.join(120)
            r.close()
            resp = result.get("resp")
            answered_during = [x for x in small if x[0] == 200 and x[2] < result.get("done", 0)]
            check("offload: small requests answered while a large %s diagnose runs (one worker): %d, "
                  "slowest %.0f ms, the large one took %.0f ms" % (
                      what, len(answered_during), 1000 * max([x[1] for x in small] or [0]),
                      1000 * (result.get("done", 0) - result.get("sent", 0))),
                  resp is not None and resp[0] == 200 and len(answered_during) >= 1
                  and all(x[0] == 200 for x in small), (resp and resp[0], small[:5]))

        # pipelined behind a large one: answered after it, in order
        r = Raw(s.host, s.port, timeout=120)
        r.send(rpc_req(rpc_big) + rpc_req(version) + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        got = [r.read_response(timeout=120) for _ in range(3)]
        ids = [json.loads(g[2]).get("id") if g and g[0] == 200 and g[2][:1] == b"{" and b'"jsonrpc"' in g[2] else
               (g[0] if g else None) for g in got]
        check("offload: pipelined behind a large diagnose, answered in order", ids == [7, 8, 200], ids)
        r.close()

        # the peer leaves while its diagnosis runs: the server goes on
        r = Raw(s.host, s.port)
        r.send(rpc_req(rpc_big))
        r.close()
        st, _, _ = s.request("GET", "/healthz")
        check("offload: a client gone during its diagnosis does no harm", st == 200 and s.proc.poll() is None)
        st, _, body = s.request("GET", "/metrics")
        text = body.decode()
        n = [l for l in text.splitlines() if l.startswith('ipsecdiag_diagnoses_total{class="%s"}' % FAIL_CLASS)]
        check("offload: diagnoses made in the pool are counted", n and int(n[0].split()[-1]) > 0, n)
        s.signal(signal.SIGTERM)
        rc = s.wait(60)
        check("offload: exit 0 on SIGTERM", rc == 0, (rc, s.stderr()[-1500:]))
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    t0 = time.time()
    s = Server(binary, ["--workers", "2"]).start()
    s.binary = binary
    try:
        for t in (test_basic, test_rpc_spec, test_rpc_methods, test_smuggling, test_pipelining,
                  test_uploads, test_stream):
            try:
                t(s)
            except Exception as e:  # noqa: BLE001 - one broken group must not hide the rest
                check("%s ran without an exception" % t.__name__, False, repr(e))
        try:
            st, _, body = s.request("GET", "/metrics")
        except OSError as e:
            st, body = 0, b""
            check("server reachable after all groups", False, (repr(e), s.stderr()[-3000:]))
        text = body.decode()
        check("metrics count what was done", 'ipsecdiag_rpc_errors_total{code="-32601"}' in text
              and 'ipsecdiag_diagnoses_total{class="%s"} 0' % FAIL_CLASS not in text
              and 'ipsecdiag_http_requests_total{endpoint="rpc",status="200"} 0' not in text, "")
        check("server still alive after all groups", s.proc.poll() is None, s.stderr()[-500:])
        s.signal(signal.SIGTERM)
        rc = s.wait(20)
        check("server exits 0 on SIGTERM after all groups", rc == 0, (rc, s.stderr()[-1500:]))
    finally:
        s.stop()
    for t in (test_limits, test_auth_cors, test_sigterm, test_ipv6, test_offload):
        try:
            t(binary)
        except Exception as e:  # noqa: BLE001
            check("%s ran without an exception" % t.__name__, False, repr(e))
    print("(%.1f s)" % (time.time() - t0))
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
