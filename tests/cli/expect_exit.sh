#!/usr/bin/env bash
# expect_exit.sh CODE PATTERN -- COMMAND...: runs COMMAND, passes when it exits with CODE and its
# combined output matches the extended regex PATTERN (empty = any output): the `expect` of
# lib.sh as a command of its own, for add_test. Prints COMMAND's output.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
expect "$@"
printf '%s\n' "$last_out"
finish
