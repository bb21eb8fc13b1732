#!/usr/bin/env bash
# sweep_test.sh CLI SOURCE_DIR WORK_DIR: `cbsim-cli sweep`, `sweep merge` and `recommend`: the
# same bytes for --jobs 1 and 2, a sweep killed with SIGKILL and run again equals one run
# through, shards merged equal the whole, every profile kind runs, and recommend writes a
# breaker file that validates.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
spec="$src/assets/sweeps/consecutive.sweep.toml"
lines() { { wc -l <"$1"; } 2>/dev/null || echo 0; }

# 1. --jobs 1 and --jobs 2: byte-identical sweep.csv and points.csv; 20 points x 2 profiles x
#    5 seeds = 200 rows; points.csv one row per point and profile.
"$cli" sweep "$spec" --jobs 1 --out "$work/j1" >"$work/j1.out" 2>&1 || fail "jobs 1: $(cat "$work/j1.out")"
"$cli" sweep "$spec" --jobs 2 --out "$work/j2" >"$work/j2.out" 2>&1 || fail "jobs 2: $(cat "$work/j2.out")"
for f in sweep.csv points.csv; do
  cmp "$work/j1/$f" "$work/j2/$f" || fail "$f differs between --jobs 1 and --jobs 2"
done
[ "$(lines "$work/j1/sweep.csv")" -eq 201 ] || fail "sweep.csv rows: $(lines "$work/j1/sweep.csv")"
[ "$(lines "$work/j1/points.csv")" -eq 41 ] || fail "points.csv rows: $(lines "$work/j1/points.csv")"
grep -q "rounded 3107.2" "$work/j1.out" || fail "no rounding note: $(cat "$work/j1.out")"
grep -q '^0,outage,1,2,1000,' "$work/j1/sweep.csv" || fail "first outage row: $(sed -n 6p "$work/j1/sweep.csv")"
# The folder re-runs from its own sweep.toml with the same bytes.
"$cli" sweep "$work/j1/sweep.toml" --jobs 2 --out "$work/again" >/dev/null 2>&1 || fail "re-run"
cmp "$work/j1/sweep.csv" "$work/again/sweep.csv" || fail "DIR/sweep.toml re-run differs"
# One task re-runs as an ordinary scenario: task 5 is point 0, outage, seed 1.
"$cli" run "$work/j1/scenario.toml" --set 'A->B.breaker.trip.consecutive_failures=2' \
  --set 'A->B.breaker.timeout_ms=1000' --duration 600 --out "$work/task5" >/dev/null 2>&1 \
  || fail "run of the base"
grep -q '"opens"' "$work/task5/summary.json" || fail "no summary"

# 2. Killed with SIGKILL halfway, then run again: the same files as run through. The journal's
#    torn last line (here also a forged line with a bad checksum) is dropped.
"$cli" sweep "$spec" --jobs 1 --out "$work/killed" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 3000); do  # up to a minute on a loaded machine
  [ "$(lines "$work/killed/journal")" -ge 61 ] && break
  sleep 0.02
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ -e "$work/killed/sweep.csv" ] && fail "the sweep finished before it was killed; make it longer"
done_before=$(($(lines "$work/killed/journal") - 1))
[ "$done_before" -ge 60 ] && [ "$done_before" -lt 200 ] || fail "killed after $done_before tasks"
printf '199 0123456789abcdef 9,outage,5,forged\n150 00' >>"$work/killed/journal"
"$cli" sweep "$spec" --jobs 2 --out "$work/killed" >"$work/resumed.out" 2>&1 || fail "resume: $(cat "$work/resumed.out")"
for f in sweep.csv points.csv; do
  cmp "$work/j1/$f" "$work/killed/$f" || fail "$f of the resumed sweep differs"
done
[ "$(($(lines "$work/killed/journal") - 1))" -eq 200 ] || fail "journal: $(lines "$work/killed/journal") lines"
# Run again when finished: nothing to do, the same files.
"$cli" sweep "$spec" --jobs 2 --out "$work/killed" >/dev/null 2>&1 || fail "finished re-run"
cmp "$work/j1/sweep.csv" "$work/killed/sweep.csv" || fail "finished re-run differs"

# 3. Shards 0..2 of 3, merged in any order, equal the whole sweep.
for i in 0 1 2; do
  "$cli" sweep "$spec" --jobs 1 --shard "$i/3" --out "$work/shard$i" >/dev/null 2>&1 || fail "shard $i"
  [ -e "$work/shard$i/points.csv" ] && fail "a shard wrote points.csv"
done
"$cli" sweep merge "$work/shard2" "$work/shard0" "$work/shard1" --out "$work/merged" \
  >"$work/merge.out" 2>&1 || fail "merge: $(cat "$work/merge.out")"
for f in sweep.csv points.csv; do
  cmp "$work/j1/$f" "$work/merged/$f" || fail "merged $f differs from the whole sweep"
done
expect 2 "given twice" -- "$cli" sweep merge "$work/shard0" "$work/shard0" "$work/shard1" --out "$work/m2"
rm "$work/shard1/sweep.csv"
expect 2 "not finished" -- "$cli" sweep merge "$work/shard0" "$work/shard1" "$work/shard2" --out "$work/m3"

# 4. Every profile kind runs; the timeline of each reaches the run (events counted as changes).
cat >"$work/kinds.sweep.toml" <<TOML
scenario = "$src/assets/sweeps/noisy_b.toml"
edge = "A->B"
seeds = 2
duration_s = 60
[[axis]]
path = "A->B.breaker.trip.consecutive_failures"
linear = { from = 2, to = 4, steps = 3 }
[[profile]]
name = "healthy"
kind = "healthy"
[[profile]]
name = "step"
kind = "step"
at_s = 10
failure_rate = 0.6
end_s = 40
[[profile]]
name = "flap"
kind = "flapping"
at_s = 5
period_s = 10
duty = 0.3
failure_rate = 0.8
[[profile]]
name = "brown"
kind = "brownout"
at_s = 10
until_s = 30
factor = 20
step_s = 2
end_s = 50
[[profile]]
name = "partial"
kind = "partial"
at_s = 10
faulty_instances = 1
failure_rate = 1
TOML
sed -i "s|scenario = \"$src/assets/sweeps/noisy_b.toml\"|scenario = \"noisy_b.toml\"|" "$work/kinds.sweep.toml"
cp "$src/assets/sweeps/noisy_b.toml" "$work/noisy_b.toml"
"$cli" sweep "$work/kinds.sweep.toml" --jobs 2 --out "$work/kinds" >"$work/kinds.out" 2>&1 \
  || fail "kinds: $(cat "$work/kinds.out")"
[ "$(lines "$work/kinds/sweep.csv")" -eq 31 ] || fail "kinds rows: $(lines "$work/kinds/sweep.csv")"
# The faults column (summary.json "faults") is 0 when healthy and at least 1 under each fault.
col=$(head -1 "$work/kinds/sweep.csv" | tr ',' '\n' | grep -nx faults | cut -d: -f1)
awk -F, -v c="$col" 'NR > 1 { if (($2 == "healthy") != ($c == 0)) { print; bad = 1 } } END { exit bad }' \
  "$work/kinds/sweep.csv" || fail "faults column does not follow the profiles"

# 5. recommend: Pareto front, best per preset, a breaker file that validates.
"$cli" recommend "$work/j1" --max-false-trips-per-hour 10 >"$work/rec.out" 2>&1 || fail "recommend: $(cat "$work/rec.out")"
grep -q "Pareto front" "$work/rec.out" || fail "no Pareto front"
grep -q "^recommended: point" "$work/rec.out" || fail "no recommendation: $(cat "$work/rec.out")"
grep -Eq "detection [0-9.]+ s \(detected [0-9]+\.[0-9] %\)" "$work/rec.out" || fail "no detected share: $(cat "$work/rec.out")"
"$cli" validate "$work/j1/recommended.toml" >/dev/null 2>&1 || fail "recommended.toml does not validate"
"$cli" recommend "$work/j1" --max-detection-delay-s 0.5 --out "$work/fast.toml" >/dev/null 2>&1 || fail "recommend --out"
"$cli" validate "$work/fast.toml" >/dev/null 2>&1 || fail "fast.toml does not validate"
# Impossible constraints: exit 1, no file.
expect 1 "" -- "$cli" recommend "$work/j1" --max-false-trips-per-hour 0 --max-detection-delay-s 0.001 --out "$work/none.toml"
[ -e "$work/none.toml" ] && fail "a file was written with no point meeting the constraints"
# The sweep folder with recommended.toml is still a sweep folder: a new sweep may replace it.
"$cli" sweep "$spec" --jobs 2 --out "$work/j1" >/dev/null 2>&1 || fail "sweep into a folder with recommended.toml"
finish
