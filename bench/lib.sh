# bench/lib.sh - shared by bench/run.sh and bench/http/run.sh (sourced).
#
# need COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND is
# missing (apt-get update once per run; sudo when not root), so that each
# benchmark brings what it measures against on a fresh Debian machine.

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
APT_UPDATED=0
need() {   # need COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "run.sh: installing $2 (for $1)"
    if [ $APT_UPDATED -eq 0 ]; then
        $SUDO apt-get update -qq || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
