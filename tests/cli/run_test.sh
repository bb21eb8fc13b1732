#!/usr/bin/env bash
# run_test.sh CLI SOURCE_DIR WORK_DIR: `cbsim-cli run` exit codes, run folder, reproducibility.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
scenario="$src/assets/scenarios/default.toml"

# 1. A run writes the five files; no progress bar when stderr is not a terminal.
"$cli" run "$scenario" --duration 10 --out "$work/a" >"$work/a.out" 2>"$work/a.err" || fail "run exit $?"
for f in timeseries.csv services.csv events.csv scenario.toml summary.json; do
  [ -s "$work/a/$f" ] || fail "missing $f"
done
[ ! -s "$work/a.err" ] || fail "stderr not empty without a TTY: $(cat "$work/a.err")"
grep -q "availability" "$work/a.out" || fail "no KPIs printed"
ls "$work" | grep -q staging && fail "staging directory left behind"

# 2. timeseries.csv: the documented header, one row per 100 ms bucket per edge, 17 fields each.
head -1 "$work/a/timeseries.csv" | grep -qx \
  't_s,edge,state,calls,allowed,rejected,successes,failures,timeouts,retries,fallbacks,failure_rate,latency_p50_ms,latency_p99_ms,inflight,bulkhead_rejected,open_instances' \
  || fail "timeseries header: $(head -1 "$work/a/timeseries.csv")"
rows=$(($(wc -l <"$work/a/timeseries.csv") - 1))
[ "$rows" -eq 200 ] || fail "expected 200 rows (100 buckets x 2 edges), got $rows"
awk -F, 'NR > 1 && NF != 17 { bad = 1 } END { exit bad }' "$work/a/timeseries.csv" || fail "field count"
sed -n 2p "$work/a/timeseries.csv" | grep -Eq '^0\.000,client->A,closed,' || fail "first row"
sed -n 4p "$work/a/timeseries.csv" | grep -Eq '^0\.100,client->A,' || fail "second bucket"
head -1 "$work/a/events.csv" | grep -qx 't_s,edge,instance,from,to,reason' || fail "events header"
grep -q '"availability"' "$work/a/summary.json" || fail "summary.json"

# 3. Same scenario, same bytes; the exported scenario re-runs byte for byte; other seed differs.
"$cli" run "$scenario" --duration 10 --out "$work/b" >/dev/null 2>&1 || fail "second run"
cmp -s "$work/a/timeseries.csv" "$work/b/timeseries.csv" || fail "same run, different bytes"
"$cli" run "$work/a/scenario.toml" --out "$work/c" >/dev/null 2>&1 || fail "rerun of export"
cmp -s "$work/a/timeseries.csv" "$work/c/timeseries.csv" || fail "exported scenario differs"
cmp -s "$work/a/events.csv" "$work/c/events.csv" || fail "exported events differ"
"$cli" run "$scenario" --duration 10 --seed 99 --out "$work/d" >/dev/null 2>&1 || fail "seed run"
cmp -s "$work/a/timeseries.csv" "$work/d/timeseries.csv" && fail "other seed, same bytes"

# 4. A folder holding an earlier export is replaced by the new export as a whole.
"$cli" run "$scenario" --duration 2 --out "$work/a" >/dev/null 2>&1 || fail "rewrite into existing dir"
rows=$(($(wc -l <"$work/a/timeseries.csv") - 1))
[ "$rows" -eq 40 ] || fail "rewritten folder has $rows rows"

# 5. Bad input: exit 2 with a message naming the problem.
expect 2 "no-such.toml" "$cli" run "$work/no-such.toml"
expect 2 "duration" "$cli" run "$scenario" --duration -1
touch "$work/file"
expect 2 "not a directory" "$cli" run "$scenario" --duration 1 --out "$work/file"
expect 2 "does not exist" "$cli" run "$scenario" --duration 1 --out "$work/missing/dir"
sed 's/^seed = .*/seed = 1\nresolution_ms = 0/' "$scenario" | grep -v '^resolution_ms = 100' >"$work/bad.toml"
expect 2 "resolution_ms" "$cli" run "$work/bad.toml"
expect 2 "SCENARIO|required" "$cli" run

finish
