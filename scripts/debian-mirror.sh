#!/usr/bin/env bash
# Prints the first URI of the main Debian archive in this machine's apt
# sources (deb822 .sources, else one-line .list), the security archive
# excluded; exits 1 when there is none.
#
# Why a script of its own: everything that fetches from Debian beyond the
# configured suites (install-deps.sh's trixie llhttp, lint-dockerfile.sh's
# trixie package check, the lab's trixie strongSwan root) must use the
# machine's own mirror, never a hard-coded host, and must find it the same way.
set -euo pipefail

uri=""
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk '/^URIs:/ {for (i=2;i<=NF;i++) print $i}' "$f" | grep -v -- '-security' | grep -i debian | head -n1 || true)
    [ -n "$uri" ] && break
done
if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
          | awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^(https?|file|mirror\+[a-z]+):/) {print $i; break}}' \
          | grep -v -- '-security' | grep -i debian | head -n1 || true)
fi
[ -n "$uri" ] || exit 1
printf '%s\n' "$uri"
