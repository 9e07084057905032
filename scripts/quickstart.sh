#!/usr/bin/env bash
# From a fresh clone to a running service: installs what is missing,
# builds, shows the CLI on a sample failure log, then runs the server on
# 127.0.0.1:8080 (Ctrl-C stops it). Pass --no-serve to stop after the CLI,
# or any `ipsec-diag serve` option (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target ipsec-diag

sample=tests/corpus/lab/ikev1-p1-encryption-mismatch/responder.log
echo
echo "=== ipsec-diag diagnose --format text $sample"
./build/ipsec-diag diagnose --format text "$sample" || true

if [ "${1:-}" = "--no-serve" ]; then
    exit 0
fi
echo "=== ipsec-diag serve (Ctrl-C to stop); try:"
echo "    curl --data-binary @$sample http://127.0.0.1:8080/v1/diagnose"
exec ./build/ipsec-diag serve "$@"
