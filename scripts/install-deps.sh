#!/usr/bin/env bash
# Installs the Debian packages ipsec-diag needs to build and test.
#
# Why this is more than one apt-get line: llhttp must be 9.2.1 or newer
# (older releases accept request-smuggling payloads: CVE-2023-30589,
# CVE-2024-27982). Debian 12 ships no libllhttp-dev at all, but Debian 13's
# libllhttp-dev/libllhttp9.2 depend only on libc6, so on Debian 12 we add the
# trixie suite of the machine's *own* configured mirror (read from the apt
# sources, never a hard-coded host), pinned low so nothing else is pulled
# from it, and install just those two packages from it.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS_BUILD=(build-essential cmake pkg-config libuv1-dev libjansson-dev check curl
            python3 clang)

have_llhttp() {
    pkg-config --exists 'libllhttp >= 9.2.1' 2>/dev/null
}

# The machine's own Debian mirror (scripts/debian-mirror.sh), empty if none.
debian_mirror() {
    "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh" || true
}

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
need_update=1
missing=()
for p in "${PKGS_BUILD[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ] || ! have_llhttp; then
    if ! have_llhttp && ! apt-cache policy libllhttp-dev 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        if [ "$codename" = "bookworm" ]; then
            mirror=$(debian_mirror)
            if [ -z "$mirror" ]; then
                echo "install-deps: cannot find the Debian mirror in the apt sources" >&2
                exit 1
            fi
            echo "install-deps: adding trixie (pinned, llhttp only) from $mirror"
            $SUDO tee /etc/apt/sources.list.d/ipsec-diag-trixie.sources >/dev/null <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
            $SUDO tee /etc/apt/preferences.d/ipsec-diag-trixie >/dev/null <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100

Package: libllhttp-dev libllhttp9.2
Pin: release n=trixie
Pin-Priority: 990
PIN
        fi
    fi
    if [ $need_update -eq 1 ]; then
        $SUDO apt-get update -qq || $SUDO apt-get update
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -qq --no-install-recommends "${PKGS_BUILD[@]}" libllhttp-dev
fi

if ! have_llhttp; then
    echo "install-deps: llhttp >= 9.2.1 not available" >&2
    exit 1
fi
echo "install-deps: ok (llhttp $(pkg-config --modversion libllhttp))"
