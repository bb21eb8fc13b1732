#!/usr/bin/env bash
# gesture_e2e.sh APP CLI WORKDIR: one change per gesture, and undo, with real input under Xvfb.
# Starts the default scenario, drags B's failure-rate slider for 2 seconds through 60 mouse
# positions, exports (Ctrl+E) and checks: exactly one B.failure_rate change row in events.csv
# and one [[timeline]] entry (with its steps) in scenario.toml; `CLI run` of the export gives
# byte-identical CSVs. Then Ctrl+Z: a second change, back to 0, recorded at the current time;
# the second export re-runs byte for byte as well.
# Artifacts in WORKDIR: app.log, events_after_drag.png, after_undo.png (look at them), exports.
set -euo pipefail
app=$1 cli=$2 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"

start_app --paused --pos 0 0 --fps 30 --export-dir "$work/exports"
slider B.failure_rate
xdo key space
sleep 1

# The drag: mouse-down at the left end, 60 positions over 2 seconds, mouse-up.
xdo mousemove --sync $((x0 + 3)) "$cy"
sleep 0.3
xdo mousedown 1
# Position i at 2 * i / 60 s after the mouse-down (microseconds, bash's clock), then the up.
us() { echo $((${EPOCHREALTIME/./} )); }
start=$(us)
for i in $(seq 1 60); do
    xdo mousemove $((x0 + 3 + (x1 - x0 - 6) * i * 8 / 600)) "$cy"
    wait_us=$((start + i * 2000000 / 60 - $(us)))
    if [ "$wait_us" -gt 0 ]; then sleep "$(printf '0.%06d' "$wait_us")"; fi
done
# The last position must be seen by a frame with the button still down: on a loaded machine a
# frame can take longer than the 33 ms between two positions.
sleep 0.6
xdo mouseup 1
elapsed_ms=$((($(us) - start) / 1000))
echo "drag: 60 positions in $elapsed_ms ms"
[ "$elapsed_ms" -ge 2000 ] && [ "$elapsed_ms" -lt 3500 ] || fail "the drag took $elapsed_ms ms, not about 2 s"
xdo mousemove --sync 5 $((cy + 300))
sleep 1.5
import -window root "$work/events_after_drag.png"

changes() { awk -F, 'NR > 1 && $2 == "B.failure_rate"' "$1/events.csv"; }

first=$(export_n 1)
echo "export 1: $first"
changes "$first"
[ "$(changes "$first" | wc -l)" -eq 1 ] || fail "the drag gave $(changes "$first" | wc -l) change rows, not 1"
changes "$first" | grep -q ',B.failure_rate,,0,0\.[0-9]*,drag B.failure_rate .* s to .* s (.* s)$' ||
    fail "the change row is not one drag from 0"
[ "$(grep -c '^\[\[timeline\]\]' "$first/scenario.toml")" -eq 1 ] || fail "not exactly 1 timeline entry"
steps=$(sed -n '/^steps = \[/,/^\]/p' "$first/scenario.toml" | grep -o '\[[0-9.]*, [0-9.]*\]' | wc -l)
echo "the timeline entry holds $steps steps"
[ "$steps" -ge 2 ] || fail "the drag's entry has $steps steps"
rerun "$first" rerun1
echo "export 1 re-runs byte for byte"

# Ctrl+Z: the drag's old value (0) as a new change now.
chord ctrl z
sleep 1.5
import -window root "$work/after_undo.png"
second=$(export_n 2)
echo "export 2: $second"
changes "$second"
[ "$(changes "$second" | wc -l)" -eq 2 ] || fail "after Ctrl+Z: $(changes "$second" | wc -l) change rows, not 2"
changes "$second" | tail -1 | grep -q ',B.failure_rate,,0\.[0-9]*,0,set B.failure_rate$' ||
    fail "the undo is not a change back to 0"
t1=$(changes "$second" | head -1 | cut -d, -f1) t2=$(changes "$second" | tail -1 | cut -d, -f1)
awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b + 0 > a + 0) }' || fail "the undo is not later than the drag"
[ "$(grep -c '^\[\[timeline\]\]' "$second/scenario.toml")" -eq 2 ] || fail "not 2 timeline entries after undo"
rerun "$second" rerun2
echo "export 2 re-runs byte for byte"

quit_app
echo "screenshots: $work/events_after_drag.png $work/after_undo.png"
echo "E2E: PASS"
