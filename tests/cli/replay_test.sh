#!/usr/bin/env bash
# replay_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli replay` and `cbsim-cli validate` on breaker
# files: decisions, atomic output, exit codes (0 ok, 2 bad input with file:line, 1 runtime);
# several configs at once: the replay folder, its names and its bad input.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1
traces="$src/tests/data/traces"

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

# [Several configs] The replay folder: decisions-<config>.csv byte-identical to single-config
# replays, summary.csv, bursts.csv, written whole or not at all.
presets="$src/assets/presets"
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

# An access log replayed directly (--format) gives the decisions of its imported trace, one
# config and several, and rotated files (several --trace) as well.
logs="$src/tests/data/logs"
for f in json envoy; do
  "$cli" synth-log --format "$f" "$logs/outage_30s.csv" --out "$work/outage.$f.log" \
    || fail "synth-log $f exited $?"
  "$cli" import --format "$f" "$work/outage.$f.log" --out "$work/outage.$f.csv" 2>/dev/null \
    || fail "import $f exited $?"
  "$cli" replay --config "$presets/gobreaker.toml" --trace "$work/outage.$f.csv" \
    --out "$work/from_trace.$f.csv" || fail "replay of the imported $f trace exited $?"
  "$cli" replay --config "$presets/gobreaker.toml" --format "$f" --trace "$work/outage.$f.log" \
    --out "$work/from_log.$f.csv" || fail "replay --format $f exited $?"
  cmp -s "$work/from_trace.$f.csv" "$work/from_log.$f.csv" \
    || fail "replay --format $f differs from replaying its imported trace"
  grep -q ',rejected,' "$work/from_log.$f.csv" || fail "the outage log opened no breaker ($f)"
  "$cli" replay --config "$presets/gobreaker.toml" --config "$presets/polly.toml" \
    --format "$f" --trace "$work/outage.$f.log" --out "$work/folder.$f" >/dev/null \
    || fail "replay --format $f into a folder exited $?"
  cmp -s "$work/from_trace.$f.csv" "$work/folder.$f/decisions-gobreaker.csv" \
    || fail "the folder's gobreaker decisions differ from the single replay ($f)"
done
# Rotated: the log cut in two, given newest first; the reader puts them in time order.
n=$(wc -l <"$work/outage.json.log")
head -n $((n / 2)) "$work/outage.json.log" >"$work/rot.1.log"
tail -n +$((n / 2 + 1)) "$work/outage.json.log" | gzip >"$work/rot.2.log.gz"
"$cli" replay --config "$presets/gobreaker.toml" --format json --trace "$work/rot.2.log.gz" \
  --trace "$work/rot.1.log" --out "$work/rotated.csv" || fail "replay of rotated logs exited $?"
cmp -s "$work/from_trace.json.csv" "$work/rotated.csv" || fail "rotated logs replay differently"
# A rotated file given twice (here through a symbolic link) is refused naming it.
ln -sf rot.1.log "$work/rot.again.log"
expect 2 "rot.again.log: the same file as .*rot.1.log, given twice; give each log once" -- \
  "$cli" replay --config "$presets/gobreaker.toml" --format json --trace "$work/rot.1.log" \
  --trace "$work/rot.2.log.gz" --trace "$work/rot.again.log" --out "$work/twice.csv"
[ -e "$work/twice.csv" ] && fail "a log given twice was replayed"
# Malformed lines of a log: skipped, with the report import gives (count per reason, the first
# five quoted with file and line) on stderr; --max-bad refuses (exit 2) and writes nothing: no
# decisions file, nothing on standard output, an earlier replay folder left as it was.
{ head -n 100 "$work/outage.envoy.log"; for i in 1 2 3 4 5 6 7; do echo "garbage line $i"; done
  tail -n +101 "$work/outage.envoy.log"; } >"$work/bad.envoy.log"
"$cli" import --format envoy "$work/bad.envoy.log" --out "$work/bad_import.csv" \
  2>"$work/import.err" || fail "import of the log with bad lines exited $?"
"$cli" replay --config "$presets/gobreaker.toml" --format envoy --trace "$work/bad.envoy.log" \
  --out "$work/bad_replay.csv" 2>"$work/replay.err" || fail "replay of the log with bad lines exited $?"
grep -qx "skipped: 7 not in the format" "$work/replay.err" || fail "no skip count: $(cat "$work/replay.err")"
[ "$(grep -c "^  $work/bad.envoy.log:10[1-5]: not in the format (.*): 'garbage line [1-5]'$" \
  "$work/replay.err")" -eq 5 ] || fail "the first five bad lines are not quoted: $(cat "$work/replay.err")"
diff <(sed 1d "$work/import.err" | grep -v '^trace: ') <(sed 1d "$work/replay.err") \
  || fail "replay's skip report differs from import's"
head -1 "$work/replay.err" | grep -q "^replay: 1 file, format envoy" || fail "replay's report header"
"$cli" replay --config "$presets/gobreaker.toml" --format envoy --trace "$work/bad.envoy.log" \
  --out "$work/bad7.csv" --max-bad 7 2>/dev/null || fail "--max-bad 7 refused 7 bad lines"
[ -s "$work/bad7.csv" ] || fail "--max-bad 7: no decisions"
expect 2 "cbsim-cli replay: 7 of 457 lines skipped, more than --max-bad 6; nothing written" -- \
  "$cli" replay --config "$presets/gobreaker.toml" --format envoy --trace "$work/bad.envoy.log" \
  --out "$work/bad6.csv" --max-bad 6
[ -e "$work/bad6.csv" ] && fail "--max-bad exceeded but the decisions were written"
grep -q "skipped: 7 not in the format" <<<"$last_out" || fail "no report with the refusal"
"$cli" replay --config "$presets/gobreaker.toml" --format envoy --trace "$work/bad.envoy.log" \
  --max-bad 1% >"$work/bad_stdout.csv" 2>/dev/null
[ $? -eq 2 ] || fail "--max-bad 1% to stdout did not exit 2"
[ -s "$work/bad_stdout.csv" ] && fail "--max-bad exceeded but decisions went to stdout"
cp "$work/folder.envoy/summary.csv" "$work/summary.before"
expect 2 "more than --max-bad 0; nothing written" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --config "$presets/polly.toml" --format envoy \
  --trace "$work/bad.envoy.log" --out "$work/folder.envoy" --max-bad 0
cmp -s "$work/summary.before" "$work/folder.envoy/summary.csv" || fail "--max-bad: folder replaced"
[ -e "$work/folder.envoy.staging" ] && fail "--max-bad: the staging folder was left"
expect 2 "more than --max-bad 0" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --config "$presets/polly.toml" --format envoy --trace "$work/bad.envoy.log" \
  --out "$work/new_folder" --max-bad 0
[ -e "$work/new_folder" ] && fail "--max-bad: a new folder was written"
expect 2 "--max-bad 'x' is not a limit" -- "$cli" replay --config "$presets/gobreaker.toml" \
  --format envoy --trace "$work/bad.envoy.log" --max-bad x
# A log without a skipped line says nothing on stderr.
"$cli" replay --config "$presets/gobreaker.toml" --format envoy --trace "$work/outage.envoy.log" \
  --out "$work/quiet.csv" 2>"$work/quiet.err" || fail "replay of a clean log exited $?"
[ -s "$work/quiet.err" ] && fail "a clean log's replay wrote on stderr: $(cat "$work/quiet.err")"

# Bad input: several trace.csv, log options without --format, an unknown format, a log that
# matches no line of the format.
expect 2 "2 --trace given; a trace.csv is one file" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --trace "$traces/grpc_style.csv" --trace "$traces/grpc_style.csv"
expect 2 "read an access log: give its --format" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --trace "$traces/grpc_style.csv" --failure 'status>=500'
expect 2 "read an access log: give its --format" -- "$cli" replay \
  --config "$presets/gobreaker.toml" --trace "$traces/grpc_style.csv" --max-bad 1
expect 2 "--format" -- "$cli" replay --config "$presets/gobreaker.toml" --format apache \
  --trace "$work/outage.json.log"
expect 2 "grpc_style.csv" -- "$cli" replay --config "$presets/gobreaker.toml" --format nginx \
  --trace "$traces/grpc_style.csv"

finish
