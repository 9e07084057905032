#!/usr/bin/env bash
# CI step of the real strongSwan lab (tests/lab/README.md).
#
#   bash tests/lab/ci.sh PATH_TO_ipsec-diag
#
# When this machine can run the lab (root, working `ip netns`, strongSwan
# installed or installable with apt-get), regenerates every lab scenario into
# a temp dir with real charon daemons and checks the ipsec-diag binary on the
# fresh logs with tests/corpus/run_corpus.py; then again with the host's
# release at each log level of LAB_LOG_LEVELS (default 4), with ipsec.conf
# instead of swanctl.conf (LAB_STROKE=0: not), and with the strongSwan of each
# Debian suite in LAB_RELEASES (default "trixie forky": 6.0 and 6.1; "" leaves
# these passes out), with swanctl.conf (at the usual levels and at each of
# LAB_LOG_LEVELS) and with ipsec.conf, each from a root file system of its
# own (`lab.py make-root`, kept in LAB_ROOTS/<suite>, default /var/cache/idg-lab).
# Otherwise prints "lab: skipped: <reason>" and exits 0 (a machine that cannot
# make a root skips only that pass).
#
# Ends with the checker's "N passed, M failed" over all passes (M also counts
# scenarios whose logs did not show what the scenario is about). Exit status:
# 0 all passed (or skipped), 1 something failed. Bounded: apt-get at most 6.5
# min (only when packages are missing), making a root at most 15 min (~1 min
# here; once per machine), each pass at most LAB_TIMEOUT seconds (default 420;
# a pass takes 2-4 min on 2 cores): about 35 min in all here. LAB_JOBS: scenarios run at once
# (default 3); LAB_RUNNER: another corpus checker (for testing).
set -uo pipefail

BIN=${1:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_TIMEOUT=${LAB_TIMEOUT:-420}
LAB_JOBS=${LAB_JOBS:-3}
RUNNER=${LAB_RUNNER:-$REPO/tests/corpus/run_corpus.py}
# libstrongswan-standard-plugins (openssl: ECP groups, MD4 for EAP-MSCHAPv2) is
# only a Recommends of strongswan-charon, which --no-install-recommends skips
PKGS=(strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins
      libcharon-extauth-plugins libstrongswan-extra-plugins libstrongswan-standard-plugins
      strongswan-starter iproute2 nftables)

skip() { echo "lab: skipped: $*"; exit 0; }

if [ -z "$BIN" ]; then
    echo "usage: $0 PATH_TO_ipsec-diag" >&2
    exit 2
fi
[ "$(id -u)" -eq 0 ] || skip "not root (network namespaces and charon need root)"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
[ -f "$RUNNER" ] || skip "corpus checker $RUNNER not present"
if [ ! -x "$BIN" ]; then
    echo "lab: FAILED: $BIN is not an executable (was ipsec-diag built?)"
    echo "0 passed, 1 failed"
    exit 1
fi

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    timeout 150 apt-get install -y -q --no-install-recommends "$@" >/tmp/idglab-apt.$$ 2>&1 && return 0
    timeout 90 apt-get update -q >>/tmp/idglab-apt.$$ 2>&1
    timeout 150 apt-get install -y -q --no-install-recommends "$@" >>/tmp/idglab-apt.$$ 2>&1
}

missing=()
for p in "${PKGS[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || skip "strongSwan not installed and no apt-get"
    echo "lab: installing ${missing[*]}"
    if ! apt_install "${missing[@]}"; then
        tail -n 5 /tmp/idglab-apt.$$ 2>/dev/null
        rm -f /tmp/idglab-apt.$$
        skip "cannot install strongSwan (${missing[*]}) with apt-get"
    fi
    rm -f /tmp/idglab-apt.$$
fi
command -v ip >/dev/null 2>&1 || skip "iproute2 'ip' not installed"
probe="idglabci$$"
if ! ip netns add "$probe" >/dev/null 2>&1; then
    skip "'ip netns' does not work here (no network namespaces)"
fi
ip netns del "$probe" >/dev/null 2>&1

# One pass of the lab: regenerate every scenario with one strongSwan release
# and check BIN on the fresh logs. lab_pass LABEL [--root DIR]; adds to
# total_passed / total_failed; returns 77 when the lab skipped.
total_passed=0
total_failed=0
lab_pass() {
    local label=$1; shift
    local out log rc summary bad passed failed
    out=$(mktemp -d /tmp/idglab-ci.XXXXXX)
    log="$out.log"
    echo "lab ($label): regenerating the strongSwan lab into $out and checking $BIN"
    local start; start=$(date +%s)
    timeout --signal=TERM --kill-after=30 "$LAB_TIMEOUT" \
        python3 "$HERE/lab.py" check --bin "$BIN" --out "$out" --jobs "$LAB_JOBS" \
        --runner "$RUNNER" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    echo "lab ($label): took $(( $(date +%s) - start ))s"
    if [ "$rc" -eq 77 ]; then
        SKIP_REASON=$(grep -m1 'skipped:' "$log" | sed 's/.*skipped: //')
        rm -rf "$out" "$out-unexpected" "$log"
        return 77
    fi
    if [ "$rc" -eq 124 ]; then
        echo "lab ($label): FAILED: timed out after ${LAB_TIMEOUT}s"
    fi
    # the checker's closing line, plus the scenarios that did not show their lines
    summary=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    bad=$(sed -nE 's/^lab: ([0-9]+) scenarios did not produce the expected log lines.*/\1/p' "$log" | tail -n 1)
    bad=${bad:-0}
    if [ -n "$summary" ]; then
        passed=$(echo "$summary" | sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/')
        failed=$(echo "$summary" | sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/')
    else
        # the checker printed no summary: judge by its exit status
        local n; n=$(find "$out" -mindepth 2 -maxdepth 2 -name expected.json | wc -l)
        if [ "$rc" -eq 0 ]; then passed=$n; failed=0; else passed=0; failed=$(( n > 0 ? n : 1 )); fi
    fi
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]; then
        failed=1   # the lab or the checker failed without saying what
    fi
    failed=$(( failed + bad ))
    echo "lab ($label): $passed passed, $failed failed"
    total_passed=$(( total_passed + passed ))
    total_failed=$(( total_failed + failed ))
    rm -rf "$out" "$out-unexpected" "$log"
    return 0
}

# The variants of a pass: lab_variants LABEL [lab.py's arguments for its
# release]. Every subsystem at each level of LAB_LOG_LEVELS, and ipsec.conf
# instead of swanctl.conf unless LAB_STROKE=0; a variant that skips says why.
lab_variants() {
    local label=$1 level; shift
    for level in ${LAB_LOG_LEVELS-4}; do
        lab_pass "$label, every subsystem at level $level" "$@" --log-level "$level" ||
            echo "lab ($label, level $level): skipped: $SKIP_REASON"
    done
    if [ "${LAB_STROKE:-1}" != 0 ]; then
        lab_pass "$label, ipsec.conf (stroke)" "$@" --backend stroke ||
            echo "lab ($label, ipsec.conf): skipped: $SKIP_REASON"
    fi
}

SKIP_REASON=""
host="strongSwan $(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)"
if ! lab_pass "$host"; then
    skip "$SKIP_REASON"
fi

# The host's release again with every subsystem at each level of LAB_LOG_LEVELS
# (default 4, pfSense's "Highest": hex dumps of every packet and netlink
# message, thousands of lines per negotiation, among which the diagnosis must
# still find its lines; "" leaves this pass out). And with ipsec.conf instead
# of swanctl.conf (LAB_STROKE=0 leaves it out): the ipsec starter loads each
# end's connections through stroke and `ipsec up` initiates, as on pfSense
# before 2.5 and many Linux hosts; charon's dump of the loaded connection is
# another (stroke's), and so is what it leaves out.
lab_variants "$host"

# Then the same scenarios with other releases: Debian trixie's strongSwan 6.0
# and forky's 6.1 (built without IKEv1: the lab leaves its IKEv1 scenarios
# out), with swanctl.conf (also at each of LAB_LOG_LEVELS) and (unless
# LAB_STROKE=0) with ipsec.conf, each in a root file system of its own (`lab.py make-root`, from this
# machine's Debian mirror; kept in LAB_ROOTS/<suite> between runs). A machine
# that cannot make a root skips that pass, saying why; the host pass stands.
LAB_ROOTS=${LAB_ROOTS:-/var/cache/idg-lab}
for suite in ${LAB_RELEASES-trixie forky}; do
    root="$LAB_ROOTS/$suite"
    if [ -x "$root/usr/lib/ipsec/charon" ] ||
       timeout 900 python3 "$HERE/lab.py" make-root "$root" --suite "$suite"; then
        if ! lab_pass "Debian $suite root" --root "$root"; then
            echo "lab (Debian $suite root): skipped: $SKIP_REASON"
        fi
        lab_variants "Debian $suite root" --root "$root"
    else
        # (never through a mount debootstrap may have left inside it)
        grep -q " $root/" /proc/mounts || rm -rf "$root"
        echo "lab (Debian $suite root): skipped: cannot make $root"
    fi
done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
