#!/usr/bin/env bash
# The whole test suite, from a clean checkout: installs what is missing,
# builds twice (optimised, and with AddressSanitizer + UBSan), and runs
# every test in both builds: unit tests (check), the corpus of real charon
# logs, the server integration tests; then the libFuzzer targets for a
# bounded time, and the real strongSwan lab when the machine allows it
# (root, network namespaces), which regenerates its logs and checks them.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

bash scripts/install-deps.sh

status=0
run_build() {
    local dir=$1; shift
    echo "=== build $dir ($*)"
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j"$JOBS"
    echo "=== test $dir"
    if ! ctest --test-dir "$dir" --output-on-failure -j"$JOBS"; then
        status=1
    fi
}

run_build build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_build build-sanitize -DIDG_SANITIZE=ON

# Fuzzing: every libFuzzer target for a bounded time, plus every saved
# regression input; any crash, leak or sanitizer report fails the suite.
# IDG_FUZZ_SECONDS=0 skips it (e.g. on a machine without clang).
if [ "${IDG_FUZZ_SECONDS:-40}" != 0 ]; then
    echo "=== fuzz (${IDG_FUZZ_SECONDS:-40} s per target)"
    if ! bash scripts/fuzz.sh --seconds "${IDG_FUZZ_SECONDS:-40}"; then
        status=1
    fi
fi

if [ -x tests/lab/ci.sh ] || [ -f tests/lab/ci.sh ]; then
    echo "=== strongSwan lab"
    if ! bash tests/lab/ci.sh "$ROOT/build/ipsec-diag"; then
        status=1
    fi
fi

if [ $status -ne 0 ]; then
    echo "test.sh: FAILED" >&2
fi
exit $status
