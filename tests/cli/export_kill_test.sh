#!/usr/bin/env bash
# export_kill_test.sh CLI SOURCE_DIR WORK_DIR: `kill -9` of `cbsim-cli run --out DIR` while DIR
# holds a complete earlier export. The run is long (6 simulated hours, an export of ~20 MB)
# so the export takes measurable time; it is killed at several moments: while simulating, as
# soon as the staging folder appears, while timeseries.csv is being written, after it, at the
# last file, and at fixed delays into the writing. After each kill DIR must hold either the old
# export (byte-identical to a saved copy) or the complete new one (byte-identical to an
# uninterrupted run of the same command; every CSV ends with a newline, timeseries.csv and
# services.csv have one row per bucket per edge/service, summary.json parses), never a mix.
# A staging folder may be left beside DIR by a kill, never inside it; the next export removes
# it. At least one kill must land while the export was being written.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
scenario="$src/assets/scenarios/default.toml"
out=$work/out
hours=6
grep -aqm1 -e __asan_init -e __tsan_init "$cli" && hours=2  # sanitizer builds run ~5x slower
long=(run "$scenario" --duration $((hours * 3600)) --seed 2 --out)

"$cli" run "$scenario" --duration 600 --seed 1 --out "$out" >/dev/null
cp -a "$out" "$work/old"
"$cli" "${long[@]}" "$work/new" >/dev/null
new_rows=$(($(wc -l <"$work/new/timeseries.csv") - 1))
echo "old export: $(du -sk "$work/old" | cut -f1) KiB; new export: $(du -sk "$work/new" | cut -f1) KiB, $new_rows timeseries rows"

# complete DIR: every file of a finished export is whole.
complete() {
  local f
  for f in timeseries.csv services.csv events.csv scenario.toml summary.json; do
    [ -s "$1/$f" ] || return 1
  done
  for f in timeseries.csv services.csv events.csv; do
    [ "$(tail -c 1 "$1/$f" | od -An -c | tr -d ' ')" = '\n' ] || return 1
  done
  # 2 edges and 2 services: the same number of rows in both files.
  [ "$(wc -l <"$1/timeseries.csv")" -eq "$(wc -l <"$1/services.csv")" ] || return 1
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1/summary.json" 2>/dev/null || return 1
  "$cli" validate "$1/scenario.toml" >/dev/null 2>&1 || return 1
}
complete "$work/old" || fail "the old export is not complete"
complete "$work/new" || fail "the reference export is not complete"

hits=0 old_seen=0 new_seen=0
# trial NAME WAIT_FOR DELAY: start the long export into $out, wait until the path pattern
# WAIT_FOR exists (empty: do not wait), sleep DELAY, kill -9, then judge $out.
trial() {
  local name=$1 pattern=$2 delay=$3 pid state writing=0 reached=0
  "$cli" "${long[@]}" "$out" >/dev/null 2>&1 &
  pid=$!
  if [ -n "$pattern" ]; then
    while kill -0 "$pid" 2>/dev/null; do
      # shellcheck disable=SC2086
      if compgen -G "$pattern" >/dev/null; then reached=1; break; fi
      sleep 0.01
    done
  else
    reached=1
  fi
  sleep "$delay"
  [ -e "$out.staging" ] && writing=1
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if diff -r "$out" "$work/old" >/dev/null 2>&1; then
    state=old
    old_seen=$((old_seen + 1))
  elif diff -r "$out" "$work/new" >/dev/null 2>&1 && complete "$out"; then
    state=new
    new_seen=$((new_seen + 1))
  else
    echo "--- $out after the kill:"
    ls -la "$out" || true
    diff -rq "$out" "$work/old" || true
    fail "$name: the folder holds neither the old nor the complete new export"
  fi
  [ "$writing" -eq 1 ] && [ "$state" = old ] && hits=$((hits + 1))
  if [ -n "$(ls -A "$out" | grep -v -x -E 'timeseries.csv|services.csv|events.csv|scenario.toml|summary.json|\.cbsim-run')" ]; then
    fail "$name: foreign entries inside the folder: $(ls -A "$out")"
  fi
  echo "  $name: reached=$reached staging_present=$writing -> $state export"
  # Back to the old export for the next trial.
  rm -rf "$out" && cp -a "$work/old" "$out"
}

echo "kill -9 at:"
trial "simulating (0.3 s)" "" 0.3
trial "staging folder appears" "$out.staging" 0
trial "timeseries.csv being written" "$out.staging/.timeseries.csv.tmp-*" 0.05
trial "timeseries.csv done" "$out.staging/timeseries.csv" 0
trial "services.csv done" "$out.staging/services.csv" 0
trial "summary.json being written" "$out.staging/.summary.json.tmp-*" 0
for delay in 0.1 0.3; do
  trial "staging + ${delay} s" "$out.staging" "$delay"
done
echo "old export kept $old_seen times, complete new export $new_seen times; $hits kills during writing"
[ "$hits" -ge 1 ] || fail "no kill landed while the export was being written"

# An uninterrupted export after the kills: the new export, nothing left beside it.
"$cli" "${long[@]}" "$out" >/dev/null || fail "export after the kills"
diff -r "$out" "$work/new" >/dev/null || fail "the export after the kills differs from the reference"
[ ! -e "$out.staging" ] || fail "staging folder left after a finished export"
finish
