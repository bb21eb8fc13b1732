#!/usr/bin/env bash
# replay_multi_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli replay` with several --config: the
# replay folder (decisions-<config>.csv byte-identical to single-config replays, summary.csv,
# bursts.csv), the folder written whole or not at all, and bad input (exit 2 naming the file,
# line and key).
set -uo pipefail
cli=$1 src=$2 work=$3
traces="$src/tests/data/traces"
presets="$src/assets/presets"
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

# Every golden trace through its own config and every preset's defaults at once: each
# decisions file is the single-config replay's bytes, the own config's is the expected file.
preset_args=()
for p in "$presets"/*.toml; do preset_args+=(--config "$p"); done
n=0
for expected in "$traces"/*.expected.csv; do
  name=$(basename "$expected" .expected.csv)
  out="$work/folder-$name"
  "$cli" replay --config "$traces/$name.toml" "${preset_args[@]}" --trace "$traces/$name.csv" \
    --out "$out" >"$work/$name.stdout" || { fail "replay folder of $name exited $?"; continue; }
  cmp -s "$out/decisions-$name.csv" "$expected" || fail "decisions-$name.csv differs from expected"
  for p in "$presets"/*.toml; do
    pname=$(basename "$p" .toml)
    "$cli" replay --config "$p" --trace "$traces/$name.csv" >"$work/single.csv" \
      || fail "single replay of $name through $pname exited $?"
    cmp -s "$out/decisions-$pname.csv" "$work/single.csv" \
      || fail "decisions-$pname.csv of $name differs from the single-config replay"
  done
  rows=$(wc -l <"$out/summary.csv")
  [ "$rows" -eq $((1 + 1 + ${#preset_args[@]} / 2)) ] || fail "summary.csv of $name has $rows lines"
  head -1 "$out/summary.csv" | grep -q '^config,calls,opens,open_ms,rejected,good_rejected,failures_let_through,' \
    || fail "summary.csv header of $name"
  head -1 "$out/bursts.csv" | grep -qx 'burst,start_ms,end_ms,config,open_delay_ms' || fail "bursts.csv header"
  [ -f "$out/.cbsim-replay" ] || fail "no marker in $out"
  grep -q "^replay folder: $out\$" "$work/$name.stdout" || fail "stdout of $name does not name the folder"
  n=$((n + 1))
done
[ "$n" -ge 38 ] || fail "only $n golden traces"
ls -A "$work" | grep -Eq '\.staging$|^\.' && fail "staging or temp files left in $work"

# One config with --out DIR/ writes the folder form too.
expect 0 "replay folder" -- "$cli" replay --config "$traces/grpc_style.toml" \
  --trace "$traces/grpc_style.csv" --out "$work/one/"
cmp -s "$work/one/decisions-grpc_style.csv" "$traces/grpc_style.expected.csv" || fail "one/ differs"

# A burst: 12 failures, then 20 successes. gobreaker (5 consecutive) opens inside it.
{ echo "t_ms,outcome"; for i in $(seq 0 11); do echo "$i,failure"; done
  for i in $(seq 100 119); do echo "$i,success"; done; } >"$work/burst.csv"
expect 0 "" -- "$cli" replay --config "$presets/gobreaker.toml" --config "$presets/polly.toml" \
  --trace "$work/burst.csv" --out "$work/burst"
grep -qx '1,9,119,gobreaker,0' "$work/burst/bursts.csv" || fail "bursts.csv: $(cat "$work/burst/bursts.csv")"
grep -q '^gobreaker,32,1,' "$work/burst/summary.csv" || fail "summary.csv: $(cat "$work/burst/summary.csv")"

# An earlier replay folder is replaced whole.
expect 0 "" -- "$cli" replay --config "$presets/gobreaker.toml" --config "$presets/hystrix.toml" \
  --trace "$traces/grpc_style.csv" --out "$work/burst"
[ -f "$work/burst/decisions-hystrix.csv" ] && [ ! -f "$work/burst/decisions-polly.csv" ] \
  || fail "the earlier replay folder was not replaced whole"

# Bad input: exit 2, the folder untouched, no staging folder left.
cp -r "$work/burst" "$work/keep"
before=$(ls -A "$work/keep"; cat "$work/keep"/*.csv)
expect 2 "bad_decreasing.csv:4: key 't_ms'" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --config "$presets/polly.toml" --trace "$traces/bad_decreasing.csv" --out "$work/keep"
expect 2 "bad_header.csv:1: key 'header'" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --config "$presets/polly.toml" --trace "$traces/bad_header.csv" --out "$work/keep"
printf '[breaker]\npreset = "gobreaker"\ntimeout_ms = -5\n' >"$work/range.toml"
expect 2 "range.toml:3: key 'breaker.timeout_ms': -5 is out of range" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --config "$work/range.toml" --trace "$traces/grpc_style.csv" \
  --out "$work/keep"
expect 2 "no_such.csv" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --config "$presets/polly.toml" --trace "$traces/no_such.csv" --out "$work/keep"
[ "$(ls -A "$work/keep"; cat "$work/keep"/*.csv)" = "$before" ] || fail "a failed replay changed the folder"
[ -e "$work/keep.staging" ] && fail "a failed replay left its staging folder"

# Names: the same name twice, a name that cannot name a file, too many configs.
mkdir -p "$work/other" && cp "$presets/gobreaker.toml" "$work/other/gobreaker.toml"
expect 2 "--config .*presets/gobreaker.toml and --config .*other/gobreaker.toml have the same name 'gobreaker'" -- \
  "$cli" replay --config "$presets/gobreaker.toml" --config "$work/other/gobreaker.toml" \
  --trace "$traces/grpc_style.csv" --out "$work/dup"
cp "$presets/gobreaker.toml" "$work/a b.toml"
expect 2 "config name 'a b' is not allowed" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --config "$work/a b.toml" --trace "$traces/grpc_style.csv" --out "$work/space"
many=()
for i in $(seq 1 17); do cp "$presets/gobreaker.toml" "$work/c$i.toml"; many+=(--config "$work/c$i.toml"); done
expect 2 "17 --config given; expected 1 to 16" -- "$cli" replay "${many[@]}" \
  --trace "$traces/grpc_style.csv" --out "$work/many"
[ -e "$work/dup" ] || [ -e "$work/space" ] || [ -e "$work/many" ] && fail "a refused replay created its folder"

# The output: required, a folder, not a foreign one; refused before the replay.
expect 2 "--out DIR is required with several --config" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --config "$presets/polly.toml" --trace "$traces/grpc_style.csv"
echo x >"$work/file"
expect 2 "file: exists and is not a directory" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --config "$presets/polly.toml" --trace "$traces/grpc_style.csv" --out "$work/file"
mkdir -p "$work/foreign" && echo mine >"$work/foreign/notes.txt"
expect 2 "holds 'notes.txt', which is not part of a replay folder" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --config "$presets/polly.toml" --trace "$traces/grpc_style.csv" \
  --out "$work/foreign"
[ "$(cat "$work/foreign/notes.txt")" = mine ] || fail "a foreign folder was touched"
expect 2 "parent directory .*no_dir does not exist" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --config "$presets/polly.toml" --trace "$traces/grpc_style.csv" \
  --out "$work/no_dir/out"

if [ "$failures" -ne 0 ]; then
  echo "replay_multi_test: $failures failure(s)" >&2
  exit 1
fi
echo "replay_multi_test: ok"
