#!/usr/bin/env bash
# fit_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli fit` on the synthetic incident of
# tests/data/fit/incident.csv (50 then 80 calls/s from 35 s; failing and slow from 20.25 s to
# 40 s): the fitted scenario validates, runs and takes a breaker in a compare; the same trace
# gives the same bytes; bad traces, too few calls, bad options and bad outputs exit 2.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1
trace="$src/tests/data/fit/incident.csv"
traces="$src/tests/data/traces"

# The fit: a summary of the segments on stdout, the scenario in --out.
"$cli" fit "$trace" --out "$work/fitted.toml" >"$work/summary.txt" 2>"$work/err.txt" \
  || fail "fit exited $?: $(cat "$work/err.txt")"
grep -q "start_s       end_s    calls  rate_rps failure    p50_ms    p99_ms" "$work/summary.txt" \
  || fail "no segment table: $(cat "$work/summary.txt")"
grep -q "2 rate, 3 failure and 3 latency pieces" "$work/summary.txt" \
  || fail "pieces: $(cat "$work/summary.txt")"
grep -q "^wrote $work/fitted.toml$" "$work/summary.txt" || fail "no 'wrote' line"
[ -s "$work/err.txt" ] && fail "stderr not empty: $(cat "$work/err.txt")"
# Two failure_rate entries, at the start and the end of the incident (within 1 s).
at=$(awk '/^at_s = /{t=$3} /^set = "upstream.failure_rate"/{print t}' "$work/fitted.toml")
[ "$(wc -l <<<"$at")" -eq 2 ] || fail "failure_rate entries at: $at"
awk -v a="$(sed -n 1p <<<"$at")" -v b="$(sed -n 2p <<<"$at")" \
  'BEGIN { d1 = a - 20.25; d2 = b - 40; exit !(d1 < 1 && d1 > -1 && d2 < 1 && d2 > -1) }' \
  || fail "failure phases start at $at, not near 20.25 and 40"
grep -q '^phases = \[' "$work/fitted.toml" || fail "no traffic phase"

# It is a valid scenario that runs, and a breaker goes on its edge for a comparison.
expect 0 'ok, scenario "fit of incident.csv": 2 services, 1 dependency \(0 with a breaker\), 6 timeline entries, 59\.98[0-9]* s' \
  -- "$cli" validate "$work/fitted.toml"
expect 0 "availability" -- "$cli" run "$work/fitted.toml" --out "$work/run"
expect 0 "gobreaker" -- "$cli" compare "$work/fitted.toml" --variant none \
  --variant gobreaker:'caller->upstream.breaker.preset=gobreaker' --out "$work/cmp"

# The same trace gives the same bytes; without --out the scenario goes to stdout and the
# summary to stderr.
"$cli" fit "$trace" --out "$work/again.toml" >/dev/null || fail "second fit exited $?"
cmp -s "$work/fitted.toml" "$work/again.toml" || fail "two fits of one trace differ"
"$cli" fit "$trace" >"$work/stdout.toml" 2>"$work/stderr.txt" || fail "fit to stdout exited $?"
cmp -s "$work/fitted.toml" "$work/stdout.toml" || fail "stdout differs from --out"
grep -q "rate_rps" "$work/stderr.txt" || fail "no summary on stderr"
"$cli" fit "$trace" --out - >"$work/dash.toml" 2>/dev/null || fail "--out - exited $?"
cmp -s "$work/fitted.toml" "$work/dash.toml" || fail "--out - differs from --out"

# Options: the service's name, the scenario's name, coarser bins, a penalty.
expect 0 "wrote" -- "$cli" fit "$trace" --service payments --name "checkout incident" \
  --bin-s 5 --min-segment-s 10 --penalty 2 --out "$work/named.toml"
grep -q '^name = "checkout incident"$' "$work/named.toml" || fail "--name not used"
grep -q '^target = "payments"$' "$work/named.toml" || fail "--service not used"
expect 0 "" -- "$cli" validate "$work/named.toml"

# Bad traces: exit 2, the message names the file and the line (the replay reader's).
expect 2 "bad_decreasing.csv:4: key 't_ms'" -- "$cli" fit "$traces/bad_decreasing.csv"
expect 2 "bad_outcome.csv:3: key 'outcome'" -- "$cli" fit "$traces/bad_outcome.csv"
expect 2 "bad_header.csv:1: key 'header'" -- "$cli" fit "$traces/bad_header.csv"
expect 2 "no_such.csv: cannot read the file" -- "$cli" fit "$work/no_such.csv"
expect 2 "cannot read the file: it is a directory" -- "$cli" fit "$work"
# Too few calls: the count and the minimum.
printf 't_ms,outcome\n0,success\n5,failure\n9,success\n' >"$work/few.csv"
expect 2 "few.csv: the trace has 3 calls; a fit needs at least 100 calls" -- "$cli" fit "$work/few.csv"
# Options out of range, a name that is not a service name.
expect 2 "--penalty: 0 is out of range; expected a number in \(0, 1000\]" -- \
  "$cli" fit "$trace" --penalty 0
expect 2 "--bin-s: 7200 is out of range; expected seconds in \[0.001, 3600\]" -- \
  "$cli" fit "$trace" --bin-s 7200
expect 2 "--min-segment-s: -1 is out of range" -- "$cli" fit "$trace" --min-segment-s -1
expect 2 "--bin-s" -- "$cli" fit "$trace" --bin-s abc
expect 2 '--service: "caller" names the calling service of the fitted scenario; choose another name' -- "$cli" fit "$trace" --service caller
expect 2 '--service: "a b" is not a valid name' -- "$cli" fit "$trace" --service "a b"
expect 2 '--name: "a\\x09b" holds a control character' -- "$cli" fit "$trace" --name $'a\tb'
expect 2 "TRACE" -- "$cli" fit

# Outputs that cannot be written are refused before the fit (exit 2); the old file stays.
expect 2 "--out $work: .*directory" -- "$cli" fit "$trace" --out "$work"
expect 2 "no_dir/x.toml: parent directory .*no_dir does not exist" -- \
  "$cli" fit "$trace" --out "$work/no_dir/x.toml"
expect 2 "--out /dev/null" -- "$cli" fit "$trace" --out /dev/null
echo "old" >"$work/keep.toml"
"$cli" fit "$work/few.csv" --out "$work/keep.toml" >/dev/null 2>&1
[ "$(cat "$work/keep.toml")" = "old" ] || fail "a failed fit replaced its output"
if [ -w /dev/full ]; then
  expect 1 "cannot write to standard output" -- sh -c "'$cli' fit '$trace' >/dev/full"
fi
ls -A "$work" | grep -q '^\.' && fail "temporary files left in $work"

finish
