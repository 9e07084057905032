#!/usr/bin/env bash
# test_dockerfile.sh - the Dockerfile, checked without a Docker engine.
#
#   bash tests/integration/test_dockerfile.sh path/to/ipsec-diag
#
# 1. scripts/lint-dockerfile.sh: structure, apt packages exist in Debian
#    trixie, COPY sources and .dockerignore, non-root USER, HEALTHCHECK, and the
#    runtime packages ship every shared library the built binary needs.
# 2. What the image would run, run here: the image's CMD (with 127.0.0.1 and a
#    free port for 0.0.0.0:8080) as the image's unprivileged uid, and its
#    HEALTHCHECK command for real, which must pass against that server and
#    fail once it is gone.
# Prints one line per check, then "N passed, M failed".
set -u
BIN=${1:?usage: test_dockerfile.sh path/to/ipsec-diag}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=${IDG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_dockerfile.XXXXXX")
chmod 755 "$tmp"
srv=
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# ---- the lint ---------------------------------------------------------------------
LINT_EXPORT_DIR=$tmp bash "$ROOT/scripts/lint-dockerfile.sh" --binary "$BIN" > "$tmp/lint.out" 2>&1
rc=$?
sed '$d' "$tmp/lint.out"        # its own lines, without its summary
passed=$((passed + $(grep -c '^ok - ' "$tmp/lint.out")))
failed=$((failed + $(grep -c '^FAIL - ' "$tmp/lint.out")))
if [ $rc -ne 0 ] && ! grep -q '^FAIL - ' "$tmp/lint.out"; then fail "lint-dockerfile.sh exited with $rc"; fi

# ---- the image's command and healthcheck, run here -----------------------------------------
if [ ! -s "$tmp/argv.json" ] || [ ! -s "$tmp/healthcheck.json" ]; then
    fail "the lint exported the image's CMD and HEALTHCHECK"
    echo "$passed passed, $failed failed"; exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
uid=$(grep -Eo '^USER +[0-9]+' "$ROOT/Dockerfile" | tail -n 1 | awk '{print $2}')
uid=${uid:-10001}
# argv of the image, with the binary from this build and a loopback address
mapfile -t argv < <(python3 - "$tmp/argv.json" "$BIN" "$port" <<'PY'
import json, sys
argv, binary, port = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
out = [binary if a.endswith("/ipsec-diag") or a == "ipsec-diag" else a.replace("0.0.0.0:8080", "127.0.0.1:" + port)
       for a in argv]
print("\n".join(out))
PY
)
cp "$BIN" "$tmp/ipsec-diag"
chmod 755 "$tmp/ipsec-diag"
argv[0]=$tmp/ipsec-diag
runner=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    runner=(setpriv --reuid "$uid" --regid "$uid" --clear-groups --no-new-privs)
fi
"${runner[@]}" "${argv[@]}" >/dev/null 2>"$tmp/serve.log" &
srv=$!
up=0
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null && { up=1; break; }
    sleep 0.05
done
if [ $up -eq 1 ]; then ok "the image's command serves (${argv[*]:1}${runner:+, as uid $uid})"
else fail "the image's command serves: $(tail -n 2 "$tmp/serve.log")"; fi
if [ ${#runner[@]} -gt 0 ]; then
    owner=$(ps -o uid= -p "$srv" 2>/dev/null | tr -d ' ')
    [ "$owner" = "$uid" ] && ok "it runs unprivileged (uid $owner)" || fail "it runs as uid $uid (got ${owner:-none})"
fi
hc() { # runs the HEALTHCHECK command against $1 (port)
    python3 - "$tmp/healthcheck.json" "$1" <<'PY'
import json, subprocess, sys
argv = [a.replace("127.0.0.1/8080", "127.0.0.1/" + sys.argv[2]).replace("localhost:8080", "localhost:" + sys.argv[2])
        .replace("127.0.0.1:8080", "127.0.0.1:" + sys.argv[2]) for a in json.load(open(sys.argv[1]))]
try:
    sys.exit(subprocess.run(argv, timeout=5).returncode)
except subprocess.TimeoutExpired:
    sys.exit(124)
PY
}
hc "$port" && ok "HEALTHCHECK passes against the running server" || fail "HEALTHCHECK fails against the running server"
kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=
hc "$port" 2>/dev/null && fail "HEALTHCHECK passes with no server" || ok "HEALTHCHECK fails once the server is gone"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
