#!/usr/bin/env bash
# test_deploy.sh - deploy/nginx.conf in front of two real ipsec-diag
# instances, and deploy/kubernetes.yaml checked for what a cluster needs.
#
#   bash tests/integration/test_deploy.sh path/to/ipsec-diag
#
# Installs Debian's nginx if missing, runs the repository's nginx.conf (ports
# and paths substituted, nothing else changed) with a temporary prefix, and
# checks /rpc, /v1/diagnose and /v1/stream through it: the first streamed
# diagnosis must arrive while the upload is still open (no buffering
# anywhere), and requests must keep succeeding while one instance is down.
# Prints one line per check, then "N passed, M failed".
set -u

BIN=${1:?usage: test_deploy.sh path/to/ipsec-diag}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=${IDG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CORPUS=$ROOT/tests/corpus/lab
RESP=$CORPUS/ikev1-p1-encryption-mismatch/responder.log
INIT=$CORPUS/ikev1-p1-encryption-mismatch/initiator.log

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [ $failed -eq 0 ]; exit $?; }
# Runs a command that prints its own "ok - " / "FAIL - " lines; counts them.
counted() {
    local out=$tmp/counted.out rc
    "$@" > "$out" 2>&1
    rc=$?
    cat "$out"
    passed=$((passed + $(grep -c '^ok - ' "$out")))
    failed=$((failed + $(grep -c '^FAIL - ' "$out")))
    if [ $rc -ne 0 ] && ! grep -q '^FAIL - ' "$out"; then fail "$1 exited with status $rc"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_deploy.XXXXXX")
chmod 755 "$tmp"
pids=()
nginx_pid=
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_http() { # URL [tries]
    for _ in $(seq 1 "${2:-100}"); do
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ---- kubernetes.yaml ------------------------------------------------------------
PY=python3
if ! python3 -c 'import yaml' 2>/dev/null; then
    if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null && [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends python3-yaml >/dev/null 2>&1 ||
            { apt-get update -o DPkg::Lock::Timeout=300 -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends python3-yaml >/dev/null 2>&1; }
    fi
    PY=/usr/bin/python3
fi
if $PY -c 'import yaml' 2>/dev/null; then
    counted $PY - "$ROOT/deploy/kubernetes.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
def check(ok, what):
    print(("ok - " if ok else "FAIL - ") + "kubernetes.yaml: " + what)
def get(d, *path):
    for p in path:
        if isinstance(d, dict):
            d = d.get(p)
        elif isinstance(d, list) and isinstance(p, int) and p < len(d):
            d = d[p]
        else:
            return None
    return d
check(True, "parses as YAML (%d documents)" % len(docs))
kinds = {d.get("kind"): d for d in docs}
dep, svc = kinds.get("Deployment"), kinds.get("Service")
check(dep is not None and dep.get("apiVersion") == "apps/v1", "has an apps/v1 Deployment")
check(svc is not None and svc.get("apiVersion") == "v1", "has a v1 Service")
dep = dep or {}
svc = svc or {}
pod = get(dep, "spec", "template") or {}
c = get(pod, "spec", "containers", 0) or {}
check(get(dep, "spec", "selector", "matchLabels") is not None and
      all(get(pod, "metadata", "labels", k) == v for k, v in get(dep, "spec", "selector", "matchLabels").items()),
      "Deployment selector matches the pod labels")
check(isinstance(get(dep, "spec", "replicas"), int) and get(dep, "spec", "replicas") >= 2, "at least 2 replicas")
check(bool(c.get("image")), "container has an image")
args = (c.get("command") or []) + (c.get("args") or [])
check("serve" in args and "0.0.0.0:8080" in args, "container runs serve --listen 0.0.0.0:8080")
ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
check(8080 in ports.values(), "container port 8080")
for probe in ("readinessProbe", "livenessProbe"):
    p = c.get(probe) or {}
    check(get(p, "httpGet", "path") == "/healthz" and get(p, "httpGet", "port") in (8080, *ports.keys()),
          "%s is an HTTP GET of /healthz on the service port" % probe)
for kind in ("requests", "limits"):
    r = get(c, "resources", kind) or {}
    check("cpu" in r and "memory" in r, "resources.%s has cpu and memory" % kind)
psc = get(pod, "spec", "securityContext") or {}
csc = c.get("securityContext") or {}
check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, "runAsNonRoot: true")
uid = csc.get("runAsUser", psc.get("runAsUser"))
check(isinstance(uid, int) and uid != 0, "runAsUser is not 0 (%r)" % uid)
check(csc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation: false")
check(csc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem: true")
check("ALL" in (get(csc, "capabilities", "drop") or []), "capabilities drop ALL")
check(get(svc, "spec", "selector") == get(pod, "metadata", "labels") or
      all(get(pod, "metadata", "labels", k) == v for k, v in (get(svc, "spec", "selector") or {"x": None}).items()),
      "Service selector matches the pod labels")
sp = get(svc, "spec", "ports", 0) or {}
check(sp.get("targetPort") in (8080, *ports.keys()), "Service targets the container port")
env = {e.get("name"): e for e in c.get("env") or []}
mounts = [m.get("mountPath", "") for m in c.get("volumeMounts") or []]
tf = get(env.get("IDG_TOKEN_FILE") or {}, "value")
check(tf is None or any(tf.startswith(m.rstrip("/") + "/") for m in mounts),
      "IDG_TOKEN_FILE (if set) lies in a mounted volume")
PY
else
    echo "skipped - kubernetes.yaml checks (no PyYAML and python3-yaml could not be installed)"
fi

# ---- nginx ------------------------------------------------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ] && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 ||
        apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends nginx >/dev/null 2>&1 ||
        { apt-get update -o DPkg::Lock::Timeout=300 -qq >/dev/null 2>&1
          apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends nginx >/dev/null 2>&1; }
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
if [ ! -x "$NGINX" ]; then
    fail "nginx is installed (apt-get install nginx failed)"
    finish
fi
ok "nginx available ($("$NGINX" -v 2>&1 | sed 's/^nginx version: //'))"

P1=$(free_port); P2=$(free_port); PN=$(free_port)
while [ "$P2" = "$P1" ]; do P2=$(free_port); done
while [ "$PN" = "$P1" ] || [ "$PN" = "$P2" ]; do PN=$(free_port); done
start_instance() { # PORT LOGNAME VAR: starts one instance, its pid in $VAR
    "$BIN" serve --listen "127.0.0.1:$1" --workers 1 --stream-timeout 30 >/dev/null 2>>"$tmp/$2.log" &
    pids+=($!)
    printf -v "$3" '%s' $!
}
stop_instance() { # PID: SIGTERM, then wait until it is gone
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
start_instance "$P1" i1 I1
start_instance "$P2" i2 I2
check "instance 1 is up on 127.0.0.1:$P1" wait_http "http://127.0.0.1:$P1/healthz"
check "instance 2 is up on 127.0.0.1:$P2" wait_http "http://127.0.0.1:$P2/healthz"

# The repository's nginx.conf with test ports and a private prefix.
prefix=$tmp/nginx
mkdir -p "$prefix/logs" "$prefix/tmp"
chmod 777 "$prefix/tmp"
conf=$prefix/nginx.conf
sed -e '/^user /d' \
    -e "s|^pid .*|pid $prefix/nginx.pid;|" \
    -e "s|^error_log .*|error_log $prefix/logs/error.log warn;|" \
    -e "s|access_log /var/log/nginx/[^;]*;|access_log $prefix/logs/access.log;|" \
    -e "s|server 127.0.0.1:8081 |server 127.0.0.1:$P1 |" \
    -e "s|server 127.0.0.1:8082 |server 127.0.0.1:$P2 |" \
    -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$PN;|" \
    -e '/listen \[::\]:80;/d' \
    -e 's|worker_processes auto;|worker_processes 2;|' \
    -e 's|worker_connections 4096;|worker_connections 256;|' \
    -e "s|^http {|http {\n    client_body_temp_path $prefix/tmp/body;\n    proxy_temp_path $prefix/tmp/proxy;\n    fastcgi_temp_path $prefix/tmp/fastcgi;\n    uwsgi_temp_path $prefix/tmp/uwsgi;\n    scgi_temp_path $prefix/tmp/scgi;|" \
    "$ROOT/deploy/nginx.conf" > "$conf"
if [ ! -f /etc/nginx/mime.types ]; then
    sed -i 's|include /etc/nginx/mime.types;||' "$conf"
fi
check "deploy/nginx.conf: all upstream ports substituted" grep -q "127.0.0.1:$P2 " "$conf"
if "$NGINX" -t -p "$prefix" -c "$conf" >"$tmp/nginx-t.log" 2>&1; then
    ok "nginx -t accepts deploy/nginx.conf"
else
    fail "nginx -t accepts deploy/nginx.conf: $(tail -n 3 "$tmp/nginx-t.log")"
    finish
fi
"$NGINX" -p "$prefix" -c "$conf" -g 'daemon off;' 2>>"$tmp/nginx.err" &
nginx_pid=$!
NG=http://127.0.0.1:$PN
check "nginx answers /healthz" wait_http "$NG/healthz"

# ---- through nginx ------------------------------------------------------------------
out=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"version"}' "$NG/rpc")
check "POST /rpc version through nginx" grep -q '"result":{"version"' <<<"$out"

out=$(curl -sS --max-time 30 -H 'Content-Type: text/plain' --data-binary "@$RESP" "$NG/v1/diagnose")
check "POST /v1/diagnose (raw) through nginx: outcome failed" grep -q '"outcome": "failed"' <<<"$out"
check "POST /v1/diagnose: phase1_encryption_mismatch" grep -q '"class": "phase1_encryption_mismatch"' <<<"$out"

out=$(curl -sS --max-time 30 -F "a=@$INIT;type=text/plain" -F "b=@$RESP;type=text/plain" "$NG/v1/diagnose?format=text")
check "POST /v1/diagnose (multipart, two ends) through nginx" grep -q 'IPsec diagnosis: failed' <<<"$out"

out=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$NG/metrics")
check "/metrics is not exposed through nginx (404)" test "$out" = 404

# Streaming: the upload stays open until the first diagnosis has come back.
counted python3 - "$PN" "$RESP" <<'PY'
import json, socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
lines = open(path, "rb").read().splitlines(keepends=True)
# up to and including the line that concludes the failure, then more lines
# all but the last two lines: the failure (and the line after it, which the
# engine reads before it concludes) is in, the upload is not finished
first, rest = b"".join(lines[:-2]), b"".join(lines[-2:])
s = socket.create_connection(("127.0.0.1", port), timeout=20)
s.sendall(b"POST /v1/stream HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n")
def chunk(b):
    return b"%x\r\n" % len(b) + b + b"\r\n" if b else b""
s.sendall(chunk(first))
buf, t0, got = b"", time.time(), None
while time.time() - t0 < 15:
    d = s.recv(65536)
    if not d:
        break
    buf += d
    if b'"type":"diagnosis"' in buf:
        got = time.time() - t0
        break
print(("ok - " if got is not None else "FAIL - ") +
      "/v1/stream through nginx: first diagnosis arrives while the upload is still open" +
      (" (%.2fs)" % got if got is not None else ""))
ok = got is not None and b"phase1_encryption_mismatch" in buf
print(("ok - " if ok else "FAIL - ") + "/v1/stream: streamed diagnosis is phase1_encryption_mismatch")
s.sendall(chunk(rest) + b"0\r\n\r\n")
t0 = time.time()
while b'"type":"summary"' not in buf and time.time() - t0 < 15:
    d = s.recv(65536)
    if not d:
        break
    buf += d
ok = b'"type":"summary"' in buf and b'"outcome":"failed"' in buf
print(("ok - " if ok else "FAIL - ") + "/v1/stream: summary record after the upload ends")
s.close()
PY

# ---- one instance down ----------------------------------------------------------------
stop_instance "$I1"
ok_rpc=0; ok_diag=0; N=12
for _ in $(seq 1 $N); do
    r=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"health"}' "$NG/rpc" 2>/dev/null)
    grep -q '"status":"ok"' <<<"$r" && ok_rpc=$((ok_rpc + 1))
    r=$(curl -sS --max-time 10 -H 'Content-Type: text/plain' --data-binary "@$RESP" "$NG/v1/diagnose" 2>/dev/null)
    grep -q '"outcome": "failed"' <<<"$r" && ok_diag=$((ok_diag + 1))
done
check "instance 1 stopped: $ok_rpc/$N /rpc calls still succeed" test $ok_rpc -eq $N
check "instance 1 stopped: $ok_diag/$N /v1/diagnose calls still succeed" test $ok_diag -eq $N
r=$(printf '%s' "$(cat "$RESP")" | curl -sS --max-time 20 -T - -H 'Content-Type: text/plain' "$NG/v1/stream" 2>/dev/null)
check "instance 1 stopped: /v1/stream still works" grep -q '"type":"summary"' <<<"$r"
start_instance "$P1" i1b I1
check "instance 1 restarted" wait_http "http://127.0.0.1:$P1/healthz"
# nginx leaves a failed instance out for fail_timeout (5 s) after its last
# failure before trying it again; the last failure may have been recorded a
# moment after the restart on a loaded machine, so wait two periods.
sleep 11
stop_instance "$I2"
ok_rpc=0
for _ in $(seq 1 $N); do
    r=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"health"}' "$NG/rpc" 2>/dev/null)
    grep -q '"status":"ok"' <<<"$r" && ok_rpc=$((ok_rpc + 1))
done
check "instance 2 stopped (1 back): $ok_rpc/$N /rpc calls succeed" test $ok_rpc -eq $N

finish
