#!/usr/bin/env bash
# bench/http/rpc_instr.sh - instructions one JSON-RPC call costs the server,
# counted by callgrind: a figure that does not move with the machine's load.
#
#   bench/http/rpc_instr.sh [BODY.json]
#
# Builds bench/http/rpc_calls.c (the handler alone: rpc_handle() as a worker
# runs it for POST /rpc, no sockets or HTTP) in build-bench/ (BENCH_BUILD_DIR),
# runs it under valgrind --tool=callgrind for 100 and for 1100 calls, and
# prints (difference) / 1000: the cost of one call without the start-up.
# The default body is bench/http/run.sh's `diagnose` request (the last 35
# lines, 3.0 KiB, of a lab responder log with a phase 1 encryption mismatch).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-bench}
. "$ROOT/bench/lib.sh"   # need COMMAND PACKAGE
need valgrind valgrind
need python3 python3
need cmake cmake

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BODY=${1:-}
if [ -z "$BODY" ]; then
    BODY=$TMP/diagnose.json
    tail -n 35 "$ROOT/tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log" > "$TMP/fail.log"
    python3 - "$TMP/fail.log" "$BODY" <<'PY'
import json, sys
log = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(json.dumps({"jsonrpc": "2.0", "method": "diagnose", "params": {"log": log}, "id": 1}))
PY
fi
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG -g" -DIDG_BUILD_TESTS=OFF \
      -DIDG_SANITIZE=OFF -DIDG_FUZZ=OFF >/dev/null
cmake --build "$BUILD_DIR" --target bench_rpc_calls -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

count() {   # count N -> instructions of rpc_calls BODY N
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.$1" \
        "$BUILD_DIR/bench_rpc_calls" "$BODY" "$1" >/dev/null 2>"$TMP/vg.$1"
    awk '/Collected :/ { print $NF }' "$TMP/vg.$1"
}
a=$(count 100)
b=$(count 1100)
printf 'rpc_handle: %s instructions per call (%s bytes of body; callgrind, %s - %s over 1000 calls)\n' \
    "$(( (b - a) / 1000 ))" "$(stat -c %s "$BODY")" "$b" "$a"
echo "top functions of the 1100 calls:"
callgrind_annotate "$TMP/cg.1100" 2>/dev/null | awk '/file:function/ { f = 1; getline; next } f && NF' \
    | head -n 12 | cut -c1-120
