#!/usr/bin/env bash
# bench/http/run.sh - the HTTP service against nginx, side by side, in one run.
#
#   bench/http/run.sh [--bin build/ipsec-diag] [--duration 10] [--upload-mib 500] [--quick]
#
# 1. wrk (2 threads, 64 connections, --duration s each) against
#      nginx serving a small static JSON file       (the yardstick),
#      POST /rpc {"method":"version"}               (target: >= nginx),
#      POST /rpc {"method":"diagnose"} of a ~3 KiB failure log (target: >= nginx / 2),
#    printing requests/s, p50, p99 (target p99 < 5 ms) and the ratios.
# 2. A --upload-mib MiB log (the lab corpus repeated) through
#      the CLI (ipsec-diag diagnose FILE)           (the yardstick),
#      POST /v1/diagnose (curl -T, Content-Length)  (target: >= 80% of the CLI),
#      PUT /v1/stream (curl -T -, chunked)          (target: >= 80% of the CLI),
#    with the server's peak RSS during each upload (VmHWM; target < 64 MiB).
#
# Both servers run 2 workers on 127.0.0.1 only, without access logs; the
# machine is shared with whatever else runs, which is why every comparison
# is made within one run. Everything is bounded and cleaned up on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=""
DURATION=10
UPLOAD_MIB=500
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) BIN=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --upload-mib) UPLOAD_MIB=$2; shift 2 ;;
        --quick) DURATION=3; UPLOAD_MIB=50; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need curl; then
    echo "installing wrk nginx-light curl ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk nginx-light curl >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -z "$BIN" ]; then
    BIN="$ROOT/build/ipsec-diag"
    if [ ! -x "$BIN" ]; then
        BIN="$ROOT/build-bench/ipsec-diag"
        cmake -S "$ROOT" -B "$ROOT/build-bench" -DIDG_BUILD_TESTS=OFF >/dev/null
        cmake --build "$ROOT/build-bench" -j2 --target ipsec-diag >/dev/null
    fi
fi
[ -x "$BIN" ] || { echo "run.sh: no binary at $BIN" >&2; exit 2; }

TMP=$(mktemp -d /tmp/idg-bench-http.XXXXXX)
chmod 755 "$TMP"   # nginx workers run as an unprivileged user
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "run.sh: $1 did not come up" >&2
    return 1
}

# ---- servers ------------------------------------------------------------------
NPORT=$(free_port)
mkdir -p "$TMP/nginx/html" "$TMP/nginx/tmp"
chmod -R 755 "$TMP/nginx"
sed "s/__PORT__/$NPORT/" "$HERE/nginx.conf" > "$TMP/nginx/nginx.conf"
VERSION_JSON='{"jsonrpc":"2.0","result":{"version":"0.1.0","llhttp":"9.2.1","libuv":"1.44.2","jansson":"2.14"},"id":1}'
printf '%s' "$VERSION_JSON" > "$TMP/nginx/html/version.json"
chmod 644 "$TMP/nginx/html/version.json"
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2>"$TMP/nginx.err" &
PIDS+=($!)

# ipsec-diag serve; a fresh one per upload, so that each peak RSS is that
# upload's own (freed heap stays in the process and would count again).
SPID=""
start_server() {
    SPORT=$(free_port)
    "$BIN" serve --listen "127.0.0.1:$SPORT" --workers 2 --no-access-log --max-body 4G --max-log 4G \
           2>>"$TMP/serve.err" &
    SPID=$!
    PIDS+=($SPID)
    wait_http "http://127.0.0.1:$SPORT/healthz"
}
stop_server() {
    kill "$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
}
start_server
wait_http "http://127.0.0.1:$NPORT/version.json"

# ---- request bodies ------------------------------------------------------------
FAILLOG="$ROOT/tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log"
tail -n 35 "$FAILLOG" > "$TMP/fail.log"
python3 - "$TMP/fail.log" "$TMP/diagnose.json" <<'PY'
import json, sys
log = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(json.dumps({"jsonrpc": "2.0", "method": "diagnose", "params": {"log": log}, "id": 1}))
PY
printf '%s' '{"jsonrpc":"2.0","method":"version","id":1}' > "$TMP/version.json"
cat > "$TMP/post.lua" <<'LUA'
-- POST the file named by IDG_BENCH_BODY as application/json
local f = assert(io.open(os.getenv("IDG_BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA
# sanity: the bodies give the answers we mean to measure
answer=$(curl -fs -H 'Content-Type: application/json' --data-binary @"$TMP/diagnose.json" "http://127.0.0.1:$SPORT/rpc")
case "$answer" in
    *'"phase1_encryption_mismatch"'*) ;;
    *) echo "run.sh: the diagnose body does not diagnose: ${answer:0:300}" >&2; exit 1 ;;
esac

# ---- wrk -------------------------------------------------------------------------
# Prints "rps p50_ms p99_ms errors" from wrk's --latency output.
wrk_run() {
    local out
    out=$("$@" 2>&1)
    echo "$out" >> "$TMP/wrk.log"
    echo "$out" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { err += $5 }
        /Socket errors:/ { err += 0 }
        END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, err }'
}
WRK=(wrk -t2 -c64 -d"${DURATION}s" --latency)
echo "wrk: 2 threads, 64 connections, ${DURATION} s each"
read -r N_RPS N_P50 N_P99 N_ERR < <(wrk_run "${WRK[@]}" "http://127.0.0.1:$NPORT/version.json")
read -r V_RPS V_P50 V_P99 V_ERR < <(IDG_BENCH_BODY="$TMP/version.json" wrk_run "${WRK[@]}" -s "$TMP/post.lua" "http://127.0.0.1:$SPORT/rpc")
read -r D_RPS D_P50 D_P99 D_ERR < <(IDG_BENCH_BODY="$TMP/diagnose.json" wrk_run "${WRK[@]}" -s "$TMP/post.lua" "http://127.0.0.1:$SPORT/rpc")

verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "MISSED"; fi; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

printf '\n%-34s %12s %9s %9s %8s\n' "request" "req/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-34s %12s %9s %9s %8s\n' "nginx static JSON (GET)" "$N_RPS" "$N_P50" "$N_P99" "$N_ERR"
printf '%-34s %12s %9s %9s %8s\n' "ipsec-diag rpc version (POST)" "$V_RPS" "$V_P50" "$V_P99" "$V_ERR"
printf '%-34s %12s %9s %9s %8s\n' "ipsec-diag rpc diagnose 3KiB (POST)" "$D_RPS" "$D_P50" "$D_P99" "$D_ERR"
printf '\nversion / nginx  = %s   (target >= 1.00: %s)\n' "$(ratio "$V_RPS" "$N_RPS")" "$(verdict "$(ge "$V_RPS" "$N_RPS")")"
printf 'diagnose / nginx = %s   (target >= 0.50: %s)\n' "$(ratio "$D_RPS" "$N_RPS")" "$(verdict "$(ge "$D_RPS" "$(awk -v n="$N_RPS" 'BEGIN{print n/2}')")")"
printf 'p99 version %s ms, diagnose %s ms  (target < 5 ms: %s, %s)\n' "$V_P99" "$D_P99" \
    "$(verdict "$(ge 5 "$V_P99")")" "$(verdict "$(ge 5 "$D_P99")")"

# ---- uploads ---------------------------------------------------------------------
BIG="$TMP/big.log"
python3 - "$ROOT/tests/corpus/lab" "$BIG" "$UPLOAD_MIB" <<'PY'
import glob, os, sys
lab, out, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunk = b"".join(open(p, "rb").read() for p in sorted(glob.glob(os.path.join(lab, "*", "*.log"))))
target = mib * 1024 * 1024
with open(out, "wb") as f:
    n = 0
    while n + len(chunk) <= target:
        f.write(chunk)
        n += len(chunk)
    f.write(chunk[: target - n])
PY
SIZE=$(stat -c %s "$BIG")
cat "$BIG" > /dev/null   # into the page cache, so no run pays for the disk
echo
echo "upload: $((SIZE / 1024 / 1024)) MiB (the lab corpus repeated)"

now() { date +%s.%N; }
mibps() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.1f", s / 1048576 / t }'; }
hwm() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$SPID/status"; }

t0=$(now); "$BIN" diagnose "$BIG" > "$TMP/cli.out" || true; t1=$(now)
CLI_T=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

stop_server; start_server
t0=$(now)
curl -fsS -X POST -H 'Content-Type: text/plain' -H 'Expect:' -T "$BIG" "http://127.0.0.1:$SPORT/v1/diagnose" > "$TMP/diag.out"
t1=$(now)
UP_T=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
UP_RSS=$(hwm)

stop_server; start_server
t0=$(now)
curl -fsS -H 'Content-Type: text/plain' -H 'Expect:' -T - "http://127.0.0.1:$SPORT/v1/stream" < "$BIG" > "$TMP/stream.out"
t1=$(now)
ST_T=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
ST_RSS=$(hwm)

python3 - "$TMP/diag.out" "$TMP/stream.out" "$SIZE" <<'PY' || echo "WARNING: upload answers incomplete"
import json, sys
doc = json.load(open(sys.argv[1]))
assert sum(s["bytes"] for s in doc["sources"]) == int(sys.argv[3]), "diagnose saw fewer bytes"
last = open(sys.argv[2]).read().splitlines()[-1]
summ = json.loads(last)
assert summ["type"] == "summary" and summ["stats"]["bytes"] == int(sys.argv[3]), "stream saw fewer bytes"
print("answers: /v1/diagnose %d diagnoses, /v1/stream %d diagnoses, both read every byte"
      % (len(doc["diagnoses"]), summ["diagnoses"]))
PY

printf '\n%-34s %9s %10s %14s\n' "path" "seconds" "MiB/s" "server RSS MiB"
printf '%-34s %9.2f %10s %14s\n' "CLI ipsec-diag diagnose FILE" "$CLI_T" "$(mibps "$CLI_T")" "-"
printf '%-34s %9.2f %10s %14s\n' "POST /v1/diagnose (curl -T)" "$UP_T" "$(mibps "$UP_T")" "$UP_RSS"
printf '%-34s %9.2f %10s %14s\n' "PUT /v1/stream (curl -T -, chunked)" "$ST_T" "$(mibps "$ST_T")" "$ST_RSS"
printf '\n/v1/diagnose / CLI = %s  (target >= 0.80: %s)\n' "$(ratio "$CLI_T" "$UP_T")" "$(verdict "$(ge "$(ratio "$CLI_T" "$UP_T")" 0.8)")"
printf '/v1/stream / CLI   = %s  (target >= 0.80: %s)\n' "$(ratio "$CLI_T" "$ST_T")" "$(verdict "$(ge "$(ratio "$CLI_T" "$ST_T")" 0.8)")"
printf 'peak RSS %s / %s MiB  (target < 64 MiB: %s, %s)\n' "$UP_RSS" "$ST_RSS" \
    "$(verdict "$(ge 64 "$UP_RSS")")" "$(verdict "$(ge 64 "$ST_RSS")")"
