#!/usr/bin/env bash
# bench/run.sh - ipsec-diag side by side with grep, ripgrep, lognormalizer and
# a Python regex classifier, on the same generated charon logs.
#
#   bench/run.sh                 sizes 1, 10, 100, 500 MiB + callgrind (~5-15 min)
#   bench/run.sh --quick         1 and 10 MiB only, no callgrind (~1 min)
#   bench/run.sh --sizes "1 50"  other sizes (MiB)
#   bench/run.sh --no-callgrind | --update-baseline | --seed N | --no-check
#
# Environment: BENCH_DIR (logs and results, default /tmp/ipsec-diag-bench),
# BENCH_BUILD_DIR (default build-bench/), BENCH_BIN (an ipsec-diag binary to
# measure instead of building one).
#
# What it does:
#   1. installs what it needs (ripgrep, liblognorm-utils, valgrind, time) and
#      builds a Release ipsec-diag (-O3, with -g for callgrind) in its own dir;
#   2. generates the logs with bench/gen_log.py (seeded; reused while
#      gen_log.py is unchanged);
#   3. measures on each file: ipsec-diag diagnose FILE >/dev/null,
#      bench/engine_only.c (the library alone: no report, nothing rendered),
#      grep -c -F -f bench/phrases.txt, rg -c -F -f bench/phrases.txt,
#      lognormalizer -r bench/charon.rulebase, bench/py_classifier.py
#      (wall time best of N, peak RSS from /usr/bin/time -v);
#      then ipsec-diag alone on logs of the same sizes (>= 10 MiB) whose
#      tunnels and failures are fixed (200 and 100), so that only the log's
#      length grows: its peak RSS must stay flat;
#   4. checks ipsec-diag's diagnoses against the generator's expected counts
#      (bench/check_expected.py);
#   5. callgrind: instructions for ipsec-diag diagnose on the fixed 10 MiB log
#      (seed 1) against bench/callgrind-baseline.txt, and the top functions.
# Prints the tables (bench/table.py); results stay in $BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/ipsec-diag-bench}
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-bench}
SIZES="1 10 100 500"
SEED=1
CALLGRIND=1
CHECK=1
UPDATE_BASELINE=0
CG_SEED=1
CG_SIZE=10

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) SIZES="1 10"; CALLGRIND=0 ;;
        --sizes) SIZES="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        --no-callgrind) CALLGRIND=0 ;;
        --callgrind) CALLGRIND=1 ;;
        --no-check) CHECK=0 ;;
        --update-baseline) UPDATE_BASELINE=1; CALLGRIND=1 ;;
        -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

say() { printf '\n== %s\n' "$*"; }
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- tools -------------------------------------------------------------------
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"   # need COMMAND PACKAGE
need python3 python3
need rg ripgrep
need lognormalizer liblognorm-utils
need /usr/bin/time time
need cmake cmake
need pkg-config pkg-config
[ $CALLGRIND -eq 1 ] && need valgrind valgrind
[ $CALLGRIND -eq 1 ] && need callgrind_annotate valgrind

# ---- build -----------------------------------------------------------------
if [ -n "${BENCH_BIN:-}" ]; then
    BIN=$BENCH_BIN
else
    if ! pkg-config --exists jansson libuv 'libllhttp >= 9.2.1' 2>/dev/null; then
        bash scripts/install-deps.sh
    fi
    say "build (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG -g" -DIDG_BUILD_TESTS=OFF \
          -DIDG_SANITIZE=OFF -DIDG_FUZZ=OFF >/dev/null
    cmake --build "$BUILD_DIR" --target ipsec-diag -j"$(nproc 2>/dev/null || echo 2)" 2>&1 | tail -n 3
    BIN=$BUILD_DIR/ipsec-diag
fi
[ -x "$BIN" ] || { echo "run.sh: no ipsec-diag binary at $BIN" >&2; exit 1; }
# The library alone (no report kept, nothing rendered): tells the engine's
# cost from the CLI's.
ENGINE_ONLY=""
if [ -f "$BUILD_DIR/libipsecdiag.a" ]; then
    if cc -std=c11 -O3 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -D_GNU_SOURCE -I"$ROOT/include" "$ROOT/bench/engine_only.c" \
          "$BUILD_DIR/libipsecdiag.a" $(pkg-config --libs jansson) -o "$BUILD_DIR/engine_only"; then
        ENGINE_ONLY=$BUILD_DIR/engine_only
    fi
fi

# ---- logs ------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
GEN=$ROOT/bench/gen_log.py
log_for() {   # log_for SIZE_MIB SEED -> path (generated when missing or stale)
    local f="$BENCH_DIR/charon-$1M-s$2.log"
    if [ ! -s "$f" ] || [ ! -s "$f.expected.json" ] || [ "$GEN" -nt "$f" ]; then
        python3 "$GEN" --size "$1M" --seed "$2" --out "$f" >&2
    fi
    printf '%s' "$f"
}
say "logs in $BENCH_DIR (seed $SEED)"
declare -A LOG
for s in $SIZES; do
    LOG[$s]=$(log_for "$s" "$SEED")
    ls -l "${LOG[$s]}" | awk '{printf "  %s  %d bytes\n", $NF, $5}'
done

# ---- measurements ------------------------------------------------------------
RESULTS=$BENCH_DIR/results.jsonl
: > "$RESULTS"
OUT=$BENCH_DIR/tool-output.txt
record() {   # record TOOL SIZE FILE MEASURE-ARGS... -- CMD...
    local tool=$1 size=$2 file=$3; shift 3
    local bytes lines m
    bytes=$(stat -c %s "$file")
    lines=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lines"])' "$file.expected.json")
    printf '  %-14s %4s MiB ... ' "$tool" "$size"
    if m=$(python3 "$ROOT/bench/measure.py" --label "$tool" "$@"); then
        :
    fi
    python3 - "$tool" "$size" "$bytes" "$lines" "$m" >>"$RESULTS" <<'PY'
import json, sys
tool, size, nbytes, lines, m = sys.argv[1:6]
try:
    r = json.loads(m)
except ValueError:
    r = {"error": "no result"}
r.update(tool=tool, size_mib=int(size), bytes=int(nbytes), lines=int(lines))
print(json.dumps(r))
PY
    tail -n 1 "$RESULTS" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read())
print("%.3f s, %.0f MB/s, %.1f MiB" % (r["seconds"], r["bytes"]/r["seconds"]/1e6, r["rss_kib"]/1024) if "seconds" in r else r.get("error"))'
}

for s in $SIZES; do
    f=${LOG[$s]}
    say "measure $s MiB"
    if [ "$s" -le 10 ]; then runs=5; elif [ "$s" -le 100 ]; then runs=3; else runs=2; fi
    record ipsec-diag "$s" "$f" --runs $runs -- "$BIN" diagnose "$f"
    [ -n "$ENGINE_ONLY" ] && record engine-only "$s" "$f" --runs $runs -- "$ENGINE_ONLY" "$f"
    record grep "$s" "$f" --runs $runs --stdout "$OUT" -- grep -c -F -f "$ROOT/bench/phrases.txt" "$f"
    record rg "$s" "$f" --runs $runs --stdout "$OUT" -- rg -c -F -f "$ROOT/bench/phrases.txt" "$f"
    if [ "$s" -le 10 ]; then
        record lognormalizer "$s" "$f" --runs 3 --stdin "$f" --stdout "$OUT" -- \
            lognormalizer -r "$ROOT/bench/charon.rulebase" -T -p -e json
        record python "$s" "$f" --runs 2 --stdout "$OUT" -- python3 "$ROOT/bench/py_classifier.py" "$f"
    else
        record lognormalizer "$s" "$f" --single --stdin "$f" --stdout "$OUT" -- \
            lognormalizer -r "$ROOT/bench/charon.rulebase" -T -p -e json
        record python "$s" "$f" --single --stdout "$OUT" -- python3 "$ROOT/bench/py_classifier.py" "$f"
    fi
done

# ---- memory against log length alone ------------------------------------------
# The logs above grow by adding tunnels (4 per MiB, up to 500) and failures (2
# per MiB, each its own connection): their peak RSS follows the tunnels alive
# at once and the distinct diagnoses the report must hold. These hold the
# population fixed (FIXED_TUNNELS routine tunnels, FIXED_FAILURES failures at
# every size) so that only the log's length grows: the memory must not.
FIXED_TUNNELS=200
FIXED_FAILURES=100
fixed_log_for() {   # fixed_log_for SIZE_MIB SEED -> path
    local f="$BENCH_DIR/charon-fixedpop-$1M-s$2.log"
    if [ ! -s "$f" ] || [ ! -s "$f.expected.json" ] || [ "$GEN" -nt "$f" ]; then
        python3 "$GEN" --size "$1M" --seed "$2" --tunnels $FIXED_TUNNELS \
            --failures $FIXED_FAILURES --out "$f" >&2
    fi
    printf '%s' "$f"
}
say "memory against log length: $FIXED_TUNNELS tunnels and $FIXED_FAILURES failures at every size"
for s in $SIZES; do
    [ "$s" -ge 10 ] || continue   # below 10 MiB the population does not fit
    f=$(fixed_log_for "$s" "$SEED")
    record ipsec-diag-fixedpop "$s" "$f" --runs 2 -- "$BIN" diagnose "$f"
done

# ---- does it find what was spliced in? -------------------------------------
CHECK_STATUS=0
if [ $CHECK -eq 1 ]; then
    say "diagnoses against the generator's expected counts"
    for s in $SIZES; do
        f=${LOG[$s]}
        echo "  -- $s MiB"
        rc=0
        "$BIN" diagnose --format json "$f" >"$BENCH_DIR/diagnose-$s.json" 2>"$BENCH_DIR/diagnose-$s.err" || rc=$?
        if [ $rc -ge 2 ]; then
            echo "  ipsec-diag exited $rc: $(head -c 300 "$BENCH_DIR/diagnose-$s.err")"
            CHECK_STATUS=1
            continue
        fi
        python3 "$ROOT/bench/check_expected.py" "$f.expected.json" "$BENCH_DIR/diagnose-$s.json" \
            | sed 's/^/  /' || CHECK_STATUS=1
    done
fi

# ---- callgrind ---------------------------------------------------------------
if [ $CALLGRIND -eq 1 ]; then
    say "callgrind: ipsec-diag diagnose, fixed ${CG_SIZE} MiB log (seed $CG_SEED)"
    cgf=$(log_for "$CG_SIZE" "$CG_SEED")
    cgout=$BENCH_DIR/callgrind.out
    valgrind --tool=callgrind --callgrind-out-file="$cgout" "$BIN" diagnose "$cgf" \
        >/dev/null 2>"$BENCH_DIR/callgrind.log" || true
    ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$cgout")
    sha=$(sha256sum "$cgf" | cut -c1-16)
    base=$ROOT/bench/callgrind-baseline.txt
    echo "  instructions: $ir"
    if [ -f "$base" ] && [ $UPDATE_BASELINE -eq 0 ]; then
        bir=$(awk '$1=="instructions" {print $2}' "$base")
        bsha=$(awk '$1=="log_sha256" {print $2}' "$base")
        python3 -c 'import sys; c,b=int(sys.argv[1]),int(sys.argv[2]); print("  baseline:     %d  -> current/baseline = %.3f%s" % (b, c/b, "  (slower)" if c > b*1.02 else "  (faster)" if c < b*0.98 else ""))' "$ir" "$bir"
        [ "$bsha" != "$sha" ] && echo "  note: the log differs from the baseline's (sha256 $bsha vs $sha): gen_log.py changed, compare with care"
    else
        {
            echo "# ipsec-diag diagnose on bench/gen_log.py --size ${CG_SIZE}M --seed $CG_SEED,"
            echo "# valgrind --tool=callgrind, instructions executed (Ir). Written by"
            echo "# bench/run.sh --update-baseline (or the first run); compare, never edit."
            echo "instructions $ir"
            echo "log_sha256 $sha"
            echo "recorded $(date -u +%Y-%m-%dT%H:%MZ) git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)"
        } >"$base"
        echo "  baseline written: $base"
    fi
    callgrind_annotate "$cgout" 2>/dev/null >"$BENCH_DIR/callgrind-annotate.txt" || true
    echo "  top functions (self instructions; full list: $BENCH_DIR/callgrind-annotate.txt):"
    grep -E '^ *[0-9,]+ \([ 0-9.]+%\) ' "$BENCH_DIR/callgrind-annotate.txt" | sed -n '2,16p' | sed 's/^/    /' || true
fi

# ---- tables ------------------------------------------------------------------
say "results ($(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load average at start $LOAD_START, now $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$ROOT/bench/table.py" "$RESULTS"
exit $CHECK_STATUS
