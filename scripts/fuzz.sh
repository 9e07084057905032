#!/usr/bin/env bash
# scripts/fuzz.sh - builds the libFuzzer targets (clang, ASan + UBSan +
# LeakSanitizer), replays every saved regression input, then fuzzes each
# target for a while. Exits non-zero on any crash, leak, timeout, OOM or
# sanitizer report; prints "N passed, M failed" at the end.
#
#   scripts/fuzz.sh                       every target, 60 s each
#   scripts/fuzz.sh --seconds 600 fuzz_pipeline fuzz_envelope
#   scripts/fuzz.sh --long                every target, 1 hour each (--seconds overrides),
#                                         in fork mode: keeps going after a crash
#   scripts/fuzz.sh --replay-only         only replay tests/fuzz/regressions/
#   scripts/fuzz.sh --jobs 2              run two targets at a time
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz/), FUZZ_EXTRA (more
# libFuzzer flags).
#
# Layout:
#   tests/fuzz/fuzz_<target>.c       the targets (built by CMake's IDG_FUZZ block)
#   tests/fuzz/seeds/<target>/       committed hand-picked seeds
#   tests/fuzz/corpus/<target>/      seeds + inputs cut from tests/corpus, built
#                                    here by tests/fuzz/make_corpus.py (not committed)
#   $FUZZ_BUILD_DIR/corpus/<target>/ what the fuzzer found (kept between runs)
#   $FUZZ_BUILD_DIR/artifacts/<target>/  crash-*, leak-*, timeout-*, oom-* inputs
#   tests/fuzz/regressions/<target>/ minimised reproducers of fixed (or reported)
#                                    bugs: replayed on every run, so they stay fixed
#   tests/fuzz/charon.dict, http.dict    dictionaries
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_PER_TARGET=60
LONG=0
REPLAY_ONLY=0
JOBS=1
SECONDS_SET=0
TARGETS=()

while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_TARGET="$2"; SECONDS_SET=1; shift ;;
        --seconds=*) SECONDS_PER_TARGET="${1#*=}"; SECONDS_SET=1 ;;
        --long) LONG=1 ;;
        --replay-only) REPLAY_ONLY=1 ;;
        --jobs) JOBS="$2"; shift ;;
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) TARGETS+=("$1") ;;
    esac
    shift
done
if [ $LONG -eq 1 ] && [ $SECONDS_SET -eq 0 ]; then
    SECONDS_PER_TARGET=3600
fi

# ---- dependencies ------------------------------------------------------------
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v clang >/dev/null 2>&1 || ! pkg-config --exists jansson libuv 2>/dev/null; then
    bash scripts/install-deps.sh
fi
# libFuzzer's runtime ships in compiler-rt
if ! echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}' \
        | clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libclang-rt-dev >/dev/null \
        || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev" >/dev/null
fi
command -v python3 >/dev/null 2>&1 || { $SUDO apt-get install -y -qq python3 >/dev/null; }

# ---- targets -------------------------------------------------------------------
if [ ${#TARGETS[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do
        TARGETS+=("$(basename "$f" .c)")
    done
fi

max_len() {
    case "$1" in
        fuzz_envelope) echo 4096 ;;
        fuzz_line_source) echo 32768 ;;
        fuzz_proposal) echo 2048 ;;
        fuzz_traffic_selector) echo 512 ;;
        fuzz_pipeline) echo 65536 ;;
        fuzz_http*|fuzz_rpc*|fuzz_server*|fuzz_multipart*) echo 16384 ;;
        *) echo 8192 ;;
    esac
}
dict_for() {
    case "$1" in
        fuzz_http*|fuzz_rpc*|fuzz_server*|fuzz_multipart*) echo "$ROOT/tests/fuzz/http.dict" ;;
        *) echo "$ROOT/tests/fuzz/charon.dict" ;;
    esac
}

echo "== build ($BUILD, clang, -DIDG_FUZZ=ON -DIDG_SANITIZE=ON)"
CC=clang cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIDG_FUZZ=ON -DIDG_SANITIZE=ON -DIDG_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc 2>/dev/null || echo 2)" --target "${TARGETS[@]}"

echo "== seed corpora"
python3 tests/fuzz/make_corpus.py "${TARGETS[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

PASSED=0
FAILED=0
FAILURES=()
LOGDIR=$BUILD/fuzz-logs
mkdir -p "$LOGDIR"

# A log that shows a sanitizer or libFuzzer report counts as a failure even if
# the exit status were 0.
has_report() {
    grep -qE '^==[0-9]+==ERROR|runtime error:|^SUMMARY: (Address|Undefined|Leak|Memory)|ERROR: libFuzzer|fuzz check failed|deadly signal' "$1"
}

# ---- replay the regressions ------------------------------------------------------
echo "== replay tests/fuzz/regressions"
for t in "${TARGETS[@]}"; do
    dir=tests/fuzz/regressions/$t
    [ -d "$dir" ] || continue
    mapfile -t files < <(find "$dir" -type f ! -name '*.md' ! -name '.*' | sort)
    [ ${#files[@]} -eq 0 ] && continue
    log=$LOGDIR/$t.replay.log
    : >"$log"
    bad=()
    # one process per file: libFuzzer stops at the first input that crashes
    for f in "${files[@]}"; do
        one=$LOGDIR/$t.replay.one.log
        if ! "$BUILD/$t" -runs=1 "$f" >"$one" 2>&1 || has_report "$one"; then
            bad+=("$f")
        fi
        cat "$one" >>"$log"
    done
    if [ ${#bad[@]} -eq 0 ]; then
        echo "  $t: ${#files[@]} regression input(s) pass"
        PASSED=$((PASSED + 1))
    else
        echo "  $t: ${#bad[@]} of ${#files[@]} regression input(s) FAIL (log: $log)"
        for f in "${bad[@]}"; do
            echo "    $f"
        done
        grep -E 'fuzz check failed|runtime error|^SUMMARY: (Address|Undefined|Leak)' "$log" | sort -u | head -n 8 | sed 's/^/      /'
        FAILED=$((FAILED + 1))
        FAILURES+=("$t (regressions)")
    fi
done

# ---- fuzz ------------------------------------------------------------------------
# --long runs in libFuzzer's fork mode and keeps going after a crash, so one
# known bug does not hide the next; any artifact written counts as a failure.
run_target() {
    local t=$1
    local log=$LOGDIR/$t.log
    local work=$BUILD/corpus/$t art=$BUILD/artifacts/$t
    local mode=()
    mkdir -p "$work" "$art"
    [ $LONG -eq 1 ] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    find "$art" -type f >"$LOGDIR/$t.artifacts-before"
    # shellcheck disable=SC2086
    "$BUILD/$t" "$work" "tests/fuzz/corpus/$t" "${mode[@]}" \
        -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
        -dict="$(dict_for "$t")" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$art/" \
        ${FUZZ_EXTRA:-} >"$log" 2>&1
}

new_artifacts() {
    find "$BUILD/artifacts/$1" -type f | sort | comm -13 <(sort "$LOGDIR/$1.artifacts-before") -
}

report_target() {
    local t=$1 rc=$2
    local log=$LOGDIR/$t.log
    local arts
    arts=$(new_artifacts "$t")
    if [ -n "$arts" ]; then
        echo "  $t: FAILED ($(echo "$arts" | wc -l) new artifact(s), exit $rc, log: $log)"
        grep -E 'fuzz check failed|^==[0-9]+==ERROR|runtime error|SUMMARY' "$log" | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/    /'
        echo "$arts" | head -n 5 | sed 's/^/    artifact: /'
        echo "    reproduce: $BUILD/$t <artifact>;  minimise: $BUILD/$t -minimize_crash=1 -runs=100000 <artifact>"
        FAILED=$((FAILED + 1))
        FAILURES+=("$t")
    elif [ "$rc" -eq 0 ] && ! has_report "$log"; then
        local runs
        runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n1)
        [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -n1 | tr -d '#')
        echo "  $t: passed (${runs:-?} runs, cov $(grep -oE 'cov: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2 || echo '?'))"
        PASSED=$((PASSED + 1))
    else
        echo "  $t: FAILED (exit $rc, log: $log)"
        grep -E 'fuzz check failed|^==[0-9]+==ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 6 | sed 's/^/    /'
        echo "    reproduce: $BUILD/$t <artifact>;  minimise: $BUILD/$t -minimize_crash=1 -runs=100000 <artifact>"
        FAILED=$((FAILED + 1))
        FAILURES+=("$t")
    fi
}

if [ $REPLAY_ONLY -eq 0 ]; then
    echo "== fuzz ${SECONDS_PER_TARGET}s per target (${#TARGETS[@]} targets, $JOBS at a time; logs in $LOGDIR)"
    if [ "$JOBS" -le 1 ]; then
        for t in "${TARGETS[@]}"; do
            rc=0
            run_target "$t" || rc=$?
            report_target "$t" "$rc"
        done
    else
        i=0
        while [ $i -lt ${#TARGETS[@]} ]; do
            batch=("${TARGETS[@]:$i:$JOBS}")
            pids=()
            for t in "${batch[@]}"; do
                run_target "$t" &
                pids+=($!)
            done
            for k in "${!batch[@]}"; do
                rc=0
                wait "${pids[$k]}" || rc=$?
                report_target "${batch[$k]}" "$rc"
            done
            i=$((i + JOBS))
        done
    fi
fi

echo
echo "$PASSED passed, $FAILED failed"
if [ $FAILED -ne 0 ]; then
    printf '  failed: %s\n' "${FAILURES[@]}"
    exit 1
fi
