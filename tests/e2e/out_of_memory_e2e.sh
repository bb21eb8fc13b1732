#!/usr/bin/env bash
# out_of_memory_e2e.sh APP CLI WORKDIR: the real app runs out of memory and stays usable.
# tests/data/oom_queue.toml, one slow worker behind an unbounded queue: the calls queued at B grow
# until the app's address-space limit (ulimit -v: its own size when started, measured here, plus
# 256 MiB). The user first moves B's failure-rate slider (an edit: a timeline entry at t = 0),
# then plays at 1000x. Checks: the app prints the out-of-memory notice naming the calls queued
# at B and keeps running, paused (Space is refused with a hint); Ctrl+S saves the scenario with
# the edit; Ctrl+E exports the run (its scenario.toml has the edit too); after R (Reset) Space
# plays again; Ctrl+Q exits 0.
# Artifacts in WORKDIR: app.log, size.log, oom.png, the saved scenario and the export.
set -euo pipefail
app=$1 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"

scenario=$work/queue.toml
cp "$(dirname "$0")/../data/oom_queue.toml" "$scenario"  # a copy: Ctrl+S writes it

# The app's address space once it shows its window (paused, so nothing grows), then quit.
log=$work/size.log
"$app" --test-report --pos 0 0 --fps 30 --paused --scenario "$scenario" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_ready
sleep 1
base_kb=$(awk '/^VmPeak/ { print $2 }' "/proc/$pid/status")
quit_app
limit_kb=$((base_kb + 256 * 1024))
echo "address space at start: $base_kb KiB; limit: $limit_kb KiB"

log=$work/app.log
(ulimit -v "$limit_kb" && exec "$app" --test-report --pos 0 0 --fps 30 --paused --speed 1000 \
  --scenario "$scenario" --export-dir "$work/exports") >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_ready

# The edit: B's failure rate up by a drag, while paused (a timeline entry at t = 0).
read -r _ _ x0 y0 x1 y1 < <(grep '^RECT B.failure_rate ' "$log") || fail "no RECT B.failure_rate"
cy=$(((y0 + y1) / 2))
xdo mousemove --sync $((x0 + 3)) "$cy"
sleep 0.3
xdo mousedown 1
sleep 0.3
for x in $(seq $((x0 + 3)) 10 $(((x0 + x1) / 2))); do
  xdo mousemove --sync "$x" "$cy"
  sleep 0.1
done
sleep 0.6
xdo mouseup 1
sleep 0.3
xdo mousemove --sync $((x1 + 200)) $((cy + 300))

# press KEY: held longer than a frame (the app polls key state once per frame).
press() {
  xdo keydown "$1"
  sleep 0.5
  xdo keyup "$1"
}

# Play until the notice (the queue grows by tens of MB per second of real time).
press space
for _ in $(seq 1200); do
  grep -q '^ERROR Out of memory' "$log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^ERROR Out of memory' "$log"; then
  kill -0 "$pid" 2>/dev/null || fail "the app died"
  fail "no out-of-memory notice within 120 s"
fi
notice=$(grep -m1 '^ERROR Out of memory' "$log")
echo "notice: $notice"
echo "$notice" | grep -Eq '^ERROR Out of memory after [0-9.]+ simulated s: the calls queued at service B hold the most \([0-9.]+ MiB\); lower traffic.rate_rps, B.queue_limit or B.instances, or make B faster. The run is paused; Save and Export still work' ||
  fail "the notice does not name the calls queued at B"
sleep 2
kill -0 "$pid" 2>/dev/null || fail "the app died after the notice"
import -window root "$work/oom.png" || true

# Play is refused with a hint, the app stays.
press space
for _ in $(seq 100); do grep -q '^ERROR The run ran out of memory: Reset' "$log" && break; sleep 0.1; done
grep -q '^ERROR The run ran out of memory: Reset' "$log" || fail "Space after the failure: no hint"

# Save and Export work, and both keep the edit.
chord ctrl s
for _ in $(seq 300); do grep -q '^SAVED ' "$log" && break; sleep 0.1; done
grep -q "^SAVED $scenario" "$log" || fail "no SAVED line after Ctrl+S"
grep -q 'B.failure_rate' "$scenario" || fail "the saved scenario lost the edit"
chord ctrl e
for _ in $(seq 600); do grep -q '^EXPORTED ' "$log" && break; sleep 0.1; done
grep -q '^EXPORTED ' "$log" || fail "no EXPORTED line after Ctrl+E"
export_dir=$(grep '^EXPORTED ' "$log" | head -1 | cut -d' ' -f2-)
for f in timeseries.csv services.csv events.csv scenario.toml summary.json; do
  [ -s "$export_dir/$f" ] || fail "missing $export_dir/$f"
done
grep -q 'B.failure_rate' "$export_dir/scenario.toml" || fail "the exported scenario lost the edit"
echo "saved $scenario, exported $export_dir ($(wc -l <"$export_dir/services.csv") lines of services.csv)"

# Reset replaces the run (the old one's memory goes first): Space plays again, no refusal.
press r
sleep 1
press space
sleep 2
kill -0 "$pid" 2>/dev/null || fail "the app died after Reset"
[ "$(grep -c '^ERROR The run ran out of memory' "$log")" -eq 1 ] || fail "Play refused after Reset"

quit_app
echo "E2E: PASS"
