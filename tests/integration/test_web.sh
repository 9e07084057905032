#!/usr/bin/env bash
# test_web.sh - the helpdesk page (web/index.html, served by the real server
# at GET /) in a real browser: Debian's chromium driven by playwright-core.
#
#   bash tests/integration/test_web.sh path/to/ipsec-diag
#   bash tests/integration/test_web.sh --node-deps   # only install the npm
#                                                    # packages; print their dir
#
# Installs what is missing: chromium with apt-get (never a downloaded browser
# build), the npm packages of tests/integration/package-lock.json with
# `npm ci` into a cache directory outside the tree (keyed by the lockfile's
# hash, shared by test_api.py, locked against parallel runs). Starts two
# servers on free loopback ports (one plain with small limits, one with a
# bearer token) and runs test_web.js. Without chromium it prints "skipped"
# and exits 0.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${IDG_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}

# ---- npm packages, out of tree ----------------------------------------------------
node_deps() {
    local lock=$HERE/package-lock.json hash dir
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "node/npm missing" >&2; return 1; }
    hash=$(cat "$HERE/package.json" "$lock" | sha256sum | cut -c1-16)
    dir=${IDG_NODE_DEPS_DIR:-${TMPDIR:-/tmp}/ipsec-diag-node-deps}/$hash
    mkdir -p "$dir" || return 1
    (
        flock -w 600 9 || { echo "timed out waiting for the npm lock" >&2; exit 1; }
        if [ ! -f "$dir/node_modules/.ipsec-diag-ok" ]; then
            cp "$HERE/package.json" "$lock" "$dir/" &&
            (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) &&
            touch "$dir/node_modules/.ipsec-diag-ok"
        fi
    ) 9>"$dir.lock" || return 1
    printf '%s\n' "$dir/node_modules"
}

if [ "${1:-}" = "--node-deps" ]; then
    node_deps
    exit $?
fi

BIN=${1:?usage: test_web.sh path/to/ipsec-diag}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "# installing chromium (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends chromium >/dev/null 2>&1 ||
        { apt-get update -o DPkg::Lock::Timeout=300 -qq >/dev/null 2>&1
          apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends chromium >/dev/null 2>&1; }
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "skipped - chromium is not installed and could not be installed"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
# Fonts: without any, pages render as boxes (the screenshot is for people).
if ! fc-list 2>/dev/null | grep -q . && [ "$(id -u)" = 0 ]; then
    apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends fonts-dejavu-core >/dev/null 2>&1 || true
fi

if ! NODE_MODULES=$(node_deps); then
    echo "FAIL - npm ci of tests/integration/package-lock.json"
    echo "0 passed, 1 failed"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_web.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
start_server() { # VAR-FOR-URL extra args...
    local var=$1 port; shift
    for _ in 1 2 3; do
        port=$(free_port)
        "$BIN" serve --listen "127.0.0.1:$port" --workers 1 "$@" >/dev/null 2>>"$tmp/server.log" &
        pids+=($!)
        for _ in $(seq 1 100); do
            if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null; then
                printf -v "$var" 'http://127.0.0.1:%s' "$port"
                return 0
            fi
            kill -0 "${pids[-1]}" 2>/dev/null || break
            sleep 0.05
        done
    done
    return 1
}

# Small limits so that "too large" can be shown without megabytes of data.
if ! start_server BASE_URL --max-log 200K --max-body 300K; then
    echo "FAIL - ipsec-diag serve starts: $(tail -n 3 "$tmp/server.log")"
    echo "0 passed, 1 failed"
    exit 1
fi
printf 'web-test-token-%s\n' "$$" > "$tmp/token"
start_server TOKEN_URL --token-file "$tmp/token" || TOKEN_URL=

ARTIFACTS=$ROOT/tests/artifacts
mkdir -p "$ARTIFACTS"
export ROOT ARTIFACTS CHROMIUM BASE_URL TOKEN_URL
NODE_PATH=$NODE_MODULES TOKEN=$(head -n 1 "$tmp/token") PROFILE_DIR=$tmp/profile node "$HERE/test_web.js"
