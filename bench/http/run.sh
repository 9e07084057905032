#!/usr/bin/env bash
# bench/http/run.sh - the HTTP service against nginx and Node.js, side by side, in one run.
#
#   bench/http/run.sh                  full run: 3 rounds x 10 s per wrk run, 500 MiB upload (~10 min)
#   bench/http/run.sh --quick          1 round x 3 s, 50 MiB upload (~1.5 min)
#   options: --bin PATH (an ipsec-diag to measure; default: Release build in
#            build-bench/) --duration S --rounds N --upload-mib N --upload-runs N --no-upload
#            --workers N (all three servers; default nproc) --conns "1 64 1000"
#            --fail-on-miss (exit 3 when a target is missed)
#            --pin (pinned cores: see below)
#
# 1. wrk -t2 --latency (-t1 at 1 connection), at each of --conns connections (64 is the main table), against
#      nginx serving a small static JSON file (GET)           (the yardstick),
#      a minimal Node.js `http` server (bench/http/node_server.js, the same
#        libuv + llhttp stack) answering the same bytes to a POST, with one
#        `cluster` worker per server worker (and, at 64 connections only, one
#        plain process, and the cluster receiving the diagnose body),
#      POST /rpc {"method":"version"}                         (target: >= nginx, > Node),
#      POST /rpc {"method":"diagnose"} of a ~3 KiB failure log (target: >= nginx / 2),
#    nginx and Node answer ipsec-diag's own `version` answer, byte for byte.
#    Requests/s, p50, p99 (target: p99 < 5 ms at 64 connections), ratios,
#    and the server's CPU time per request (all its processes and threads).
#    The runs are interleaved (round 1 of everything, then round 2...) and the
#    tables give medians, so a burst of load on the shared machine hits all
#    servers alike rather than one.
# 2. Two --upload-mib MiB logs, bench/gen_log.py's (the realistic case, shared
#    with bench/run.sh in $BENCH_LOG_DIR, default /tmp/ipsec-diag-bench) and
#    the lab corpus repeated (a diagnosis every few KiB: the stream's worst case),
#    each through
#      the CLI (ipsec-diag diagnose FILE)                     (the yardstick),
#      POST /v1/diagnose (curl -T, Content-Length)            (target: >= 80% of the CLI),
#      PUT /v1/stream (curl -T -, chunked; the timed runs discard the answer,
#        one more run keeps it for the check)                   (target: >= 80% of the CLI),
#    best of --upload-runs runs (3; --quick 2), with the CPU time of the CLI and
#    of the server, and the server's peak RSS (VmHWM, a fresh server per
#    upload; target < 64 MiB).
#
# All servers listen on 127.0.0.1 with the same number of workers and no
# access log; wrk runs on the same machine. Results (TSV, every wrk output)
# stay in $BENCH_DIR/http (default /tmp/ipsec-diag-bench/http); the tables
# are printed as Markdown by bench/http/report.py.
# Exit status: 0 (figures printed, targets met or not), 1 harness failure
# (a server did not start or died, a wrong answer, wrk errors), 2 usage,
# 3 a target missed with --fail-on-miss.
#
# --pin: the load generator isolated from the server under test (by default
# wrk and the servers share every CPU, and the contention shows in every
# server's p99). Every server runs under `taskset -c S` with 1 worker (nginx
# worker_processes 1, Node 1 process for both `node` and `node1`,
# `serve --workers 1`; --workers is refused), every wrk under `taskset -c W`
# with -t1; W is the first CPU of run.sh's allowed set, S the last (at least 2
# CPUs needed). The uploads: the server and the CLI on CPU S, curl unpinned.
# The mode is recorded (a `meta pin` line) and shown in the tables' headings.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${BENCH_BIN:-}
DURATION=10
ROUNDS=3
UPLOAD_MIB=500
UPLOAD_RUNS=3
WORKERS=$(nproc 2>/dev/null || echo 2)
CONNS="1 64 1000"
FAIL_ON_MISS=""
PIN=""
WORKERS_SET=""
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) BIN=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --upload-mib) UPLOAD_MIB=$2; shift 2 ;;
        --no-upload) UPLOAD_MIB=0; shift ;;
        --workers) WORKERS=$2; WORKERS_SET=1; shift 2 ;;
        --conns) CONNS=$2; shift 2 ;;
        --upload-runs) UPLOAD_RUNS=$2; shift 2 ;;
        --quick) DURATION=3; ROUNDS=1; UPLOAD_MIB=50; UPLOAD_RUNS=2; shift ;;
        --fail-on-miss) FAIL_ON_MISS=--fail-on-miss; shift ;;
        --pin) PIN=1; shift ;;
        -h|--help) sed -n '2,49p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case " $CONNS " in *" 64 "*) ;; *) echo "run.sh: --conns must include 64 (the main table)" >&2; exit 2 ;; esac
if [ -n "$PIN" ] && [ -n "$WORKERS_SET" ] && [ "$WORKERS" != 1 ]; then
    echo "run.sh: --pin runs every server with 1 worker; --workers $WORKERS conflicts with it" >&2; exit 2
fi

say() { printf '\n== %s\n' "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# ---- tools ------------------------------------------------------------------------
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"   # need COMMAND PACKAGE
need python3 python3
need wrk wrk
need curl curl
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need nginx nginx-light
command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 || need node nodejs
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
NODE=$(command -v node || command -v nodejs)

# ---- --pin: wrk on the first allowed CPU, the servers on the last --------------
# SRV_PIN / WRK_PIN: command prefixes (empty without --pin).
SRV_PIN=()
WRK_PIN=()
WRK_THREADS=""   # wrk -t at every connection count (empty: 2, 1 at one connection)
if [ -n "$PIN" ]; then
    need taskset util-linux
    # the allowed set, e.g. "0-3,6", one CPU a line
    mapfile -t ALLOWED < <(taskset -pc $$ | sed 's/.*: *//' | tr ',' '\n' \
        | awk -F- 'NF { hi = (NF > 1) ? $2 : $1; for (i = $1; i <= hi; i++) print i }')
    [ "${#ALLOWED[@]}" -ge 2 ] || die "--pin needs at least 2 CPUs (one for wrk, one for the server); this process may use only: ${ALLOWED[*]:-none}"
    WRK_CPU=${ALLOWED[0]}
    SRV_CPU=${ALLOWED[${#ALLOWED[@]} - 1]}
    SRV_PIN=(taskset -c "$SRV_CPU")
    WRK_PIN=(taskset -c "$WRK_CPU")
    WRK_THREADS=1
fi

# 1000 connections: wrk, nginx and the servers need descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 2100 ] \
    || echo "run.sh: warning: ulimit -n is $(ulimit -n); the 1000-connection runs may fail" >&2

# ---- the binary -----------------------------------------------------------------
if [ -z "$BIN" ]; then
    BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-bench}
    if ! pkg-config --exists jansson libuv 'libllhttp >= 9.2.1' 2>/dev/null; then
        bash "$ROOT/scripts/install-deps.sh"
    fi
    say "build (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG -g" -DIDG_BUILD_TESTS=OFF \
          -DIDG_SANITIZE=OFF -DIDG_FUZZ=OFF >/dev/null
    cmake --build "$BUILD_DIR" --target ipsec-diag -j"$WORKERS" 2>&1 | tail -n 1
    BIN=$BUILD_DIR/ipsec-diag
fi
[ -x "$BIN" ] || { echo "run.sh: no binary at $BIN" >&2; exit 2; }
[ -z "$PIN" ] || WORKERS=1   # (after the build, which keeps its -j)

OUT=${BENCH_DIR:-/tmp/ipsec-diag-bench}/http
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
WRKLOG=$OUT/wrk.log
: > "$RESULTS"
: > "$WRKLOG"
TMP=$(mktemp -d /tmp/idg-bench-http.XXXXXX)
chmod 755 "$TMP"   # nginx workers run as an unprivileged user
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {   # wait_http URL PID
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
alive() { kill -0 "$1" 2>/dev/null; }
meta() { printf 'meta\t%s\t%s\n' "$1" "$2" >> "$RESULTS"; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
meta duration "$DURATION"
meta rounds "$ROUNDS"
meta conns_main 64
[ -z "$PIN" ] || meta pin "wrk on CPU $WRK_CPU (-t1), servers on CPU $SRV_CPU with 1 worker each"

# ---- ipsec-diag serve ------------------------------------------------------------
# A fresh one per upload, so that each peak RSS is that upload's own (freed
# heap stays in the process and would count again).
SPID=""
start_server() {
    SPORT=$(free_port)
    "${SRV_PIN[@]}" "$BIN" serve --listen "127.0.0.1:$SPORT" --workers "$WORKERS" --no-access-log \
           --max-body 4G --max-log 4G 2>>"$OUT/serve.err" &
    SPID=$!
    PIDS+=("$SPID")
    wait_http "http://127.0.0.1:$SPORT/healthz" "$SPID" || die "ipsec-diag serve did not come up: $(tail -n 3 "$OUT/serve.err")"
}
stop_server() {
    kill "$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
}
: > "$OUT/serve.err"
start_server

rpc() { curl -fsS -H 'Content-Type: application/json' --data-binary "@$1" "http://127.0.0.1:$SPORT/rpc"; }

# ---- request bodies and the static answer ----------------------------------------
FAILLOG="$ROOT/tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log"
tail -n 35 "$FAILLOG" > "$TMP/fail.log"
python3 - "$TMP/fail.log" "$TMP/diagnose.json" <<'PY'
import json, sys
log = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(json.dumps({"jsonrpc": "2.0", "method": "diagnose", "params": {"log": log}, "id": 1}))
PY
meta diagnose_log "$(awk -v n="$(stat -c %s "$TMP/fail.log")" 'BEGIN { printf "%.1f KiB", n / 1024 }')"
printf '%s' '{"jsonrpc":"2.0","method":"version","id":1}' > "$TMP/version.json"
# nginx and Node serve ipsec-diag's own answer to `version`, byte for byte.
rpc "$TMP/version.json" > "$TMP/answer.json" || die "POST /rpc version failed"
grep -q '"result":{"version"' "$TMP/answer.json" || die "unexpected version answer: $(head -c 300 "$TMP/answer.json")"
answer=$(rpc "$TMP/diagnose.json") || die "POST /rpc diagnose failed"
case "$answer" in
    *'"phase1_encryption_mismatch"'*) ;;
    *) die "the diagnose body does not diagnose: ${answer:0:300}" ;;
esac
cat > "$TMP/post.lua" <<'LUA'
-- POST the file named by IDG_BENCH_BODY as application/json
local f = assert(io.open(os.getenv("IDG_BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

# ---- nginx -----------------------------------------------------------------------
NPORT=$(free_port)
mkdir -p "$TMP/nginx/html" "$TMP/nginx/tmp"
sed -e "s/__PORT__/$NPORT/" -e "s/__WORKERS__/$WORKERS/" "$HERE/nginx.conf" > "$TMP/nginx/nginx.conf"
cp "$TMP/answer.json" "$TMP/nginx/html/version.json"
chmod -R a+rX "$TMP/nginx"
"${SRV_PIN[@]}" "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2>"$OUT/nginx.err" &
NGPID=$!
PIDS+=("$NGPID")
wait_http "http://127.0.0.1:$NPORT/version.json" "$NGPID" || die "nginx did not come up: $(tail -n 3 "$OUT/nginx.err")"

# ---- Node.js (cluster, and one process) ------------------------------------------
start_node() {   # start_node WORKERS -> NODE_PORT, NODE_PID
    NODE_PORT=$(free_port)
    "${SRV_PIN[@]}" "$NODE" "$HERE/node_server.js" "$NODE_PORT" "$TMP/answer.json" "$1" 2>>"$OUT/node.err" &
    NODE_PID=$!
    PIDS+=("$NODE_PID")
    wait_http "http://127.0.0.1:$NODE_PORT/" "$NODE_PID" || die "node_server.js did not come up: $(tail -n 3 "$OUT/node.err")"
    # every cluster worker listening (the first answer may come from the first one up)
    sleep 0.5
}
: > "$OUT/node.err"
start_node "$WORKERS"; CPORT=$NODE_PORT; CPID=$NODE_PID
start_node 1;          SPPORT=$NODE_PORT; SPPID=$NODE_PID
for p in "$NPORT/version.json" "$CPORT/" "$SPPORT/"; do
    cmp -s "$TMP/answer.json" <(curl -fsS "http://127.0.0.1:$p") || die "http://127.0.0.1:$p does not answer the version JSON"
done

# ---- wrk -------------------------------------------------------------------------
# The targets: NAME PID URL BODY(- for GET)
declare -A T_PID T_URL T_BODY
target() { T_PID[$1]=$2; T_URL[$1]=$3; T_BODY[$1]=$4; }
target nginx     "$NGPID" "http://127.0.0.1:$NPORT/version.json" -
target node      "$CPID"  "http://127.0.0.1:$CPORT/rpc"  "$TMP/version.json"
target node1     "$SPPID" "http://127.0.0.1:$SPPORT/rpc" "$TMP/version.json"
target node_body "$CPID"  "http://127.0.0.1:$CPORT/rpc"  "$TMP/diagnose.json"
target version   "$SPID"  "http://127.0.0.1:$SPORT/rpc"  "$TMP/version.json"
target diagnose  "$SPID"  "http://127.0.0.1:$SPORT/rpc"  "$TMP/diagnose.json"

HARNESS=0
# wrk_run NAME CONNS SECONDS -> "rps p50_ms p99_ms errors timeouts requests detail", tab-separated
# (rps 0 when wrk failed). errors: non-2xx answers and connect/read/write
# errors (a broken run); timeouts: no answer within 5 s (counted, not failed:
# wrk leaves them out of its percentiles).
wrk_run() {
    local name=$1 c=$2 d=$3 out rc=0
    local args=("${WRK_PIN[@]}" wrk -t"${WRK_THREADS:-$(( c < 2 ? 1 : 2 ))}" -c"$c" -d"${d}s" --latency --timeout 5s)
    [ "${T_BODY[$name]}" != - ] && args+=(-s "$TMP/post.lua")
    out=$(IDG_BENCH_BODY=${T_BODY[$name]} timeout $((d + 30)) "${args[@]}" "${T_URL[$name]}" 2>&1) || rc=$?
    printf '### %s -c%s -d%ss (rc %s, load average %s)\n%s\n\n' "$name" "$c" "$d" "$rc" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$out" >> "$WRKLOG"
    echo "$out" | awk -v rc="$rc" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { err += $5; det = det "non-2xx " $5 " " }
        /Socket errors:/ { gsub(",", ""); n = $4 + $6 + $8; err += n; to += $10
                           if (n) det = det "socket errors " $3 " " $4 " " $5 " " $6 " " $7 " " $8 " " }
        / requests in / { reqs = $1 }
        END { if (rc != 0 || rps == "" || p99 == "") { rps = 0; det = det "wrk exit " rc }
              printf "%.0f\t%.3f\t%.3f\t%d\t%d\t%d\t%s\n", rps, p50, p99, err, to, reqs, det }'
}
# CPU seconds (user + system, all threads) of a server: the process and its
# children (nginx's and Node's workers). Steadier than req/s on a shared
# machine: the other load steals time from the server, not work.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {
    local p t=0 x
    for p in "$1" $(pgrep -P "$1" || true); do
        x=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) && t=$((t + x))
    done
    echo "$t"
}
record() {   # record NAME CONNS ROUND
    local name=$1 c=$2 r=$3 line c0 c1 cpu
    local rps p50 p99 err to reqs det
    alive "${T_PID[$name]}" || { echo "run.sh: the server for $name died" >&2; HARNESS=1; }
    c0=$(cpu_ticks "${T_PID[$name]}")
    line=$(wrk_run "$name" "$c" "$DURATION")
    c1=$(cpu_ticks "${T_PID[$name]}")
    cpu=$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }')
    IFS=$'\t' read -r rps p50 p99 err to reqs det <<<"$line"
    printf 'wrk\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$c" "$r" \
        "$rps" "$p50" "$p99" "$err" "$to" "$reqs" "$cpu" "$det" >> "$RESULTS"
    printf '  %-10s %5s conns  %9s req/s  p50 %8s ms  p99 %8s ms  cpu %6s s%s%s\n' "$name" "$c" "$rps" "$p50" "$p99" "$cpu" \
        "$( [ "$to" = 0 ] || echo "  timeouts $to")" "$( [ "$err" = 0 ] && [ "$rps" != 0 ] || echo "  ERRORS: $err $det")"
}

NRUNS=$(( ROUNDS * ( $(wc -w <<<"$CONNS") * 4 + 2 ) ))
say "wrk: $( [ -n "$PIN" ] && echo "1 thread on CPU $WRK_CPU, servers on CPU $SRV_CPU" || echo "2 threads"), ${DURATION} s per run, $ROUNDS round(s) of $((NRUNS / ROUNDS)) runs (~$(( (NRUNS * DURATION + 12) / 60 + 1 )) min); $WORKERS workers each"
echo "  warm-up (2 s each, not recorded)"
for name in nginx node node1 version diagnose; do
    wrk_run "$name" 64 2 > /dev/null
done
for r in $(seq "$ROUNDS"); do
    echo "  -- round $r / $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for c in $CONNS; do
        for name in nginx node version diagnose; do
            record "$name" "$c" "$r"
        done
        if [ "$c" = 64 ]; then
            record node1 64 "$r"
            record node_body 64 "$r"
        fi
    done
done
for name in nginx node node1 version; do
    alive "${T_PID[$name]}" || { echo "run.sh: the server for $name died during the runs" >&2; HARNESS=1; }
done
kill "$CPID" "$SPPID" "$NGPID" 2>/dev/null || true

# ---- uploads ---------------------------------------------------------------------
# Two logs of --upload-mib MiB, each through the CLI and both upload paths:
#   gen  bench/gen_log.py's log (what bench/run.sh measures: hundreds of
#        tunnels, mostly routine lines, 2 failures per MiB), the realistic case;
#   lab  the lab corpus repeated: a complete negotiation every ~7 KiB, so a
#        diagnosis every few KiB, the worst case for /v1/stream, which renders
#        and sends each one (the CLI and /v1/diagnose report each distinct one once).
if [ "$UPLOAD_MIB" -gt 0 ]; then
    now() { date +%s.%N; }
    hwm() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$SPID/status" 2>/dev/null || echo "?"; }
    secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
    GEN_DIR=${BENCH_LOG_DIR:-/tmp/ipsec-diag-bench}
    mkdir -p "$GEN_DIR"
    for set in gen lab; do
    if [ "$set" = gen ]; then
        BIG="$GEN_DIR/charon-${UPLOAD_MIB}M-s1.log"   # bench/run.sh's name: generated once, shared
        [ -s "$BIG" ] || python3 "$ROOT/bench/gen_log.py" --size "${UPLOAD_MIB}M" --seed 1 --out "$BIG" > /dev/null
        what="bench/gen_log.py's generated log"
    else
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
        what="the lab corpus repeated (a diagnosis every few KiB: the worst case for /v1/stream)"
    fi
    SIZE=$(stat -c %s "$BIG")
    cat "$BIG" > /dev/null   # into the page cache, so no run pays for the disk
    meta "upload_desc_$set" "a $((SIZE / 1024 / 1024)) MiB log, $what; best of $UPLOAD_RUNS run(s), file in the page cache$( [ -z "$PIN" ] || echo "; server and CLI pinned to CPU $SRV_CPU, curl unpinned")"
    say "uploads: $((SIZE / 1024 / 1024)) MiB ($what)"

    # best[PATH] "seconds cpu_s rss" of the fastest run; rss: the largest of the runs
    unset best
    declare -A best
    keep() {   # keep PATH SECONDS CPU RSS
        local t=$2 c=$3 r=$4 bt bc brss
        echo "  $1: $t s, cpu $c s$( [ "$r" = - ] || echo ", server peak RSS $r MiB")"
        if [ -n "${best[$1]:-}" ]; then
            read -r bt bc brss <<<"${best[$1]}"
            if [ "$brss" != - ] && [ "$r" != - ]; then
                r=$(awk -v a="$brss" -v b="$r" 'BEGIN { print (a > b) ? a : b }')
            fi
            awk -v a="$t" -v b="$bt" 'BEGIN { exit !(a >= b) }' && { t=$bt; c=$bc; }
        fi
        best[$1]="$t $c $r"
    }
    for _ in $(seq "$UPLOAD_RUNS"); do
        t0=$(now)
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f '%U %S' -o "$TMP/cli.time" "${SRV_PIN[@]}" "$BIN" diagnose "$BIG" > "$TMP/cli.out" || true
        else
            "${SRV_PIN[@]}" "$BIN" diagnose "$BIG" > "$TMP/cli.out" || true
        fi
        t1=$(now)
        # (its last line: the first says "Command exited with non-zero status 1" when diagnoses were found)
        cpu=$(tail -n 1 "$TMP/cli.time" 2>/dev/null | awk '{ printf "%.2f", $1 + $2 }')
        keep cli "$(secs "$t0" "$t1")" "${cpu:--}" -

        stop_server; start_server
        c0=$(cpu_ticks "$SPID"); t0=$(now)
        if curl -fsS -X POST -H 'Content-Type: text/plain' -H 'Expect:' -T "$BIG" \
                "http://127.0.0.1:$SPORT/v1/diagnose" > "$TMP/diag.out"; then
            t1=$(now); c1=$(cpu_ticks "$SPID")
            keep diagnose "$(secs "$t0" "$t1")" "$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }')" "$(hwm)"
        else
            echo "run.sh: POST /v1/diagnose failed" >&2; HARNESS=1
        fi

        # The timed stream's answer goes to /dev/null: on the lab set it is
        # 186 MB of NDJSON, and curl writing that to a file took a core's
        # share the server then lacked (0.66-0.73 s against 0.50-0.52 s
        # discarded, same server). The answer is checked on a run of its own
        # below.
        stop_server; start_server
        c0=$(cpu_ticks "$SPID"); t0=$(now)
        if curl -fsS -H 'Content-Type: text/plain' -H 'Expect:' -T - -o /dev/null \
                "http://127.0.0.1:$SPORT/v1/stream" < "$BIG"; then
            t1=$(now); c1=$(cpu_ticks "$SPID")
            keep stream "$(secs "$t0" "$t1")" "$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }')" "$(hwm)"
        else
            echo "run.sh: PUT /v1/stream failed" >&2; HARNESS=1
        fi
    done
    # the stream's answer, untimed, for the check below
    stop_server; start_server
    curl -fsS -H 'Content-Type: text/plain' -H 'Expect:' -T - \
        "http://127.0.0.1:$SPORT/v1/stream" < "$BIG" > "$TMP/stream.out" ||
        { echo "run.sh: PUT /v1/stream (the checked run) failed" >&2; HARNESS=1; }
    stop_server
    for k in cli diagnose stream; do
        [ -n "${best[$k]:-}" ] || continue
        read -r bt bc brss <<<"${best[$k]}"
        printf 'upload\t%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$k" "$bt" "$SIZE" "$brss" "$bc" >> "$RESULTS"
    done

    python3 - "$TMP/diag.out" "$TMP/stream.out" "$SIZE" <<'PY' || { echo "run.sh: upload answers incomplete" >&2; HARNESS=1; }
import json, sys
doc = json.load(open(sys.argv[1]))
assert sum(s["bytes"] for s in doc["sources"]) == int(sys.argv[3]), "diagnose saw fewer bytes"
last = open(sys.argv[2]).read().splitlines()[-1]
summ = json.loads(last)
assert summ["type"] == "summary" and summ["stats"]["bytes"] == int(sys.argv[3]), "stream saw fewer bytes"
print("  answers: /v1/diagnose %d diagnoses, /v1/stream %d diagnoses, both read every byte"
      % (len(doc["diagnoses"]), summ["diagnoses"]))
PY
    done
fi

# ---- tables ----------------------------------------------------------------------
say "results ($(date -u +%Y-%m-%d), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load average at start $LOAD_START, now $(cut -d' ' -f1-3 /proc/loadavg); $NODE $("$NODE" --version), $("$NGINX" -v 2>&1 | sed 's/.*: //'), $WORKERS workers each)"
rc=0
python3 "$HERE/report.py" "$RESULTS" $FAIL_ON_MISS || rc=$?
echo
echo "raw: $RESULTS, every wrk output: $WRKLOG"
if [ $HARNESS -ne 0 ]; then
    echo "run.sh: harness failure (see above): the figures are not trustworthy" >&2
    exit 1
fi
exit $rc
