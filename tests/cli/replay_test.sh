#!/usr/bin/env bash
# replay_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli replay` and `cbsim-cli validate` on breaker
# files: decisions, atomic output, exit codes (0 ok, 2 bad input with file:line, 1 runtime).
set -uo pipefail
cli=$1 src=$2 work=$3
traces="$src/tests/data/traces"
rm -rf "$work" && mkdir -p "$work"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE PATTERN -- COMMAND...: exit code and combined output (extended regex).
expect() {
  local want=$1 pattern=$2
  shift 3
  local out got
  out=$("$@" 2>&1 </dev/null)
  got=$?
  [ "$got" -eq "$want" ] || fail "exit $got, wanted $want: $* :: $out"
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" <<<"$out"; then
    fail "output does not match /$pattern/: $* :: $out"
  fi
}

# Parity traces: stdout and --out give the expected decisions, byte for byte.
for name in grpc_style fixed_window reanchor every_third half_open_durations stale_generation \
            rolling excluded defaults silent_probe silent_probe_timeout; do
  "$cli" replay --config "$traces/$name.toml" --trace "$traces/$name.csv" >"$work/$name.stdout" \
    || fail "replay $name exited $?"
  cmp -s "$work/$name.stdout" "$traces/$name.expected.csv" || fail "stdout of $name differs"
  "$cli" replay --config "$traces/$name.toml" --trace "$traces/$name.csv" --out "$work/$name.csv" \
    || fail "replay --out $name exited $?"
  cmp -s "$work/$name.csv" "$traces/$name.expected.csv" || fail "--out of $name differs"
done
# opossum traces (the library's own decisions): stdout reproduces them row for row.
for toml in "$traces"/opossum_*.toml; do
  name=$(basename "$toml" .toml)
  "$cli" replay --config "$toml" --trace "$traces/$name.csv" >"$work/$name.stdout" \
    || fail "replay $name exited $?"
  cmp -s "$work/$name.stdout" "$traces/$name.expected.csv" || fail "stdout of $name differs"
done
ls -A "$work" | grep -q '^\.' && fail "temporary files left in $work"

# Bad traces: exit 2, the message names the file and the line.
expect 2 "bad_decreasing.csv:4: key 't_ms'" -- \
  "$cli" replay --config "$traces/grpc_style.toml" --trace "$traces/bad_decreasing.csv"
expect 2 "bad_outcome.csv:3: key 'outcome'" -- \
  "$cli" replay --config "$traces/grpc_style.toml" --trace "$traces/bad_outcome.csv"
expect 2 "bad_header.csv:1: key 'header'" -- \
  "$cli" replay --config "$traces/grpc_style.toml" --trace "$traces/bad_header.csv"
expect 2 "bad_number.csv:3: key 't_ms'" -- \
  "$cli" replay --config "$traces/grpc_style.toml" --trace "$traces/bad_number.csv"
expect 2 "no_such.csv" -- \
  "$cli" replay --config "$traces/grpc_style.toml" --trace "$traces/no_such.csv"

# Bad breaker files: exit 2 with file, line, key and the allowed range.
printf '[breaker]\npreset = "gobreaker"\ntimeout_ms = -5\n' >"$work/range.toml"
expect 2 "range.toml:3: key 'breaker.timeout_ms': -5 is out of range; expected an integer in \[0, 1000000000\]" -- \
  "$cli" replay --config "$work/range.toml" --trace "$traces/grpc_style.csv"
printf '[breaker]\n[breaker.trip]\nconsecutive_failures = 3\ntotal_failures = 3\n' >"$work/two.toml"
expect 2 "two.toml:[34]: key 'breaker.trip.*two trip forms" -- "$cli" validate "$work/two.toml"
printf '[breaker]\nmax_request = 3\n' >"$work/unknown.toml"
expect 2 "unknown.toml:2: key 'breaker.max_request': unknown key" -- \
  "$cli" validate "$work/unknown.toml"
printf '[breaker]\n[breaker.trip]\nfailure_ratio = nan\n' >"$work/nan.toml"
expect 2 "nan.toml:3: .*nan is not allowed" -- "$cli" validate "$work/nan.toml"
printf '[breaker\n' >"$work/syntax.toml"
expect 2 "syntax.toml:1" -- "$cli" validate "$work/syntax.toml"
expect 2 "" -- "$cli" validate "$work/missing.toml"

# Good files validate.
expect 0 "ok, breaker preset gobreaker" -- "$cli" validate "$traces/rolling.toml"
for f in "$src"/assets/presets/*.toml; do
  [ -e "$f" ] || continue
  expect 0 "ok" -- "$cli" validate "$f"
done

# Usage errors: exit 2.
expect 2 "--config" -- "$cli" replay --trace "$traces/grpc_style.csv"
expect 2 "" -- "$cli" validate

# An output that cannot be written is refused before the replay (exit 2); a bad config leaves
# the old file untouched.
expect 2 "no_dir/decisions.csv: parent directory .*no_dir does not exist" -- "$cli" replay --config "$traces/grpc_style.toml" \
  --trace "$traces/grpc_style.csv" --out "$work/no_dir/decisions.csv"
echo "old" >"$work/keep.csv"
"$cli" replay --config "$work/range.toml" --trace "$traces/grpc_style.csv" \
  --out "$work/keep.csv" >/dev/null 2>&1
[ "$(cat "$work/keep.csv")" = "old" ] || fail "a failed replay replaced its output"

if [ "$failures" -ne 0 ]; then
  echo "replay_test: $failures failure(s)" >&2
  exit 1
fi
echo "replay_test: ok"
