#!/usr/bin/env bash
# expect_exit.sh CODE PATTERN -- COMMAND...: runs COMMAND, passes when it exits with CODE and its
# combined output matches the extended regex PATTERN (empty = any output).
set -uo pipefail
want=$1 pattern=$2
shift 2
[ "${1:-}" = "--" ] && shift
out=$("$@" </dev/null 2>&1)
got=$?
printf '%s\n' "$out"
if [ "$got" -ne "$want" ]; then
  echo "expect_exit: exit code $got, wanted $want: $*" >&2
  exit 1
fi
if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" <<<"$out"; then
  echo "expect_exit: output does not match /$pattern/: $*" >&2
  exit 1
fi
echo "expect_exit: ok"
