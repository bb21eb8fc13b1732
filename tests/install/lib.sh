# shellcheck shell=bash
# Sourced by the install tests. fail MESSAGE; work_dirs OUT SRC NAME: a fresh OUT (kept for
# inspection) and $tmp, a temporary folder outside the source tree removed on exit.
fail() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}
work_dirs() {
    rm -rf "$1" && mkdir -p "$1"
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cbsim-$3.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    case $(realpath "$tmp") in "$(realpath "$2")"/*) fail "temporary folder $tmp is inside the source tree" ;; esac
}
