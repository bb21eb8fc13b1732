# Sourced by the *_test.sh scripts of tests/cli and by expect_exit.sh: the arguments every
# script takes, failing (at once, or counted to the end), the exit-code-and-message check of a
# command, and the closing line. A script starts with
#     source "$(dirname "$0")/lib.sh"   # before any cd: $0 may be a relative path
#     begin "$@"
# sets keep_going=1 if it checks many independent cases, and ends with `finish`.

# begin CLI SOURCE_DIR WORK_DIR: the arguments ctest passes (tests/cli/CMakeLists.txt). Sets
# $cli and $src (both made absolute, so they hold after a cd) and $work, and makes $work a
# fresh, empty folder (one a previous run left read-only is made writable first).
begin() {
  cli=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  src=$(cd "$2" && pwd)
  work=$3
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work" && mkdir -p "$work"
}

# fail MESSAGE: prints "FAIL: MESSAGE" on stderr and fails the test: it stops there, or, with
# keep_going=1, the failure is counted and the script goes on to its other cases (`finish`
# then exits 1). Called in a subshell, it ends (or counts in) that subshell only.
failures=0
keep_going=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
  [ "$keep_going" -eq 1 ] || exit 1
}

# expect CODE PATTERN [--] COMMAND...: runs COMMAND (a program or a shell function) with stdin
# from /dev/null; it must exit with CODE and its combined stdout and stderr must match the
# extended regex PATTERN somewhere (an empty PATTERN matches any output). Each miss is a
# `fail` naming the command and showing its output. The output stays in $last_out.
expect() {
  local want=$1 pattern=$2 got=0
  shift 2
  [ "${1:-}" = "--" ] && shift
  last_out=$("$@" </dev/null 2>&1) || got=$?
  [ "$got" -eq "$want" ] || fail "exit $got, wanted $want: $* :: $last_out"
  grep -Eq -- "$pattern" <<<"$last_out" || fail "output does not match /$pattern/: $* :: $last_out"
}

# finish: the end of a script: exit 1 with the count of counted failures, else "NAME: ok".
finish() {
  local name
  name=$(basename "$0" .sh)
  if [ "$failures" -ne 0 ]; then
    echo "$name: $failures failure(s)" >&2
    exit 1
  fi
  echo "$name: ok"
}
