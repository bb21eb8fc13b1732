#!/usr/bin/env bash
# cockatiel_replay_test.sh CLI SOURCE_DIR WORKDIR: every cockatiel reference trace (tests/data/traces/cockatiel_*,
# decisions recorded from cockatiel 4.0.0 itself) replays byte for byte through cbsim-cli,
# including the waited_allowed / waited_rejected rows and their released_ms column.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
traces="$src/tests/data/traces"

count=0
for config in "$traces"/cockatiel_*.toml; do
  name="$(basename "$config" .toml)"
  "$cli" replay --config "$config" --trace "$traces/$name.csv" >"$work/$name.csv" \
    || fail "replay $name exited $?"
  cmp -s "$work/$name.csv" "$traces/$name.expected.csv" || fail "decisions of $name differ"
  count=$((count + 1))
done
[ "$count" -eq 12 ] || fail "expected 12 cockatiel traces, found $count"
grep -q ',waited_allowed,' "$traces"/cockatiel_*.expected.csv || fail "no waited_allowed row"
grep -q ',waited_rejected,' "$traces"/cockatiel_*.expected.csv || fail "no waited_rejected row"
echo "$count cockatiel traces"
finish
