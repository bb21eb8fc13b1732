#!/usr/bin/env bash
# export_e2e.sh APP CLI WORKDIR: the user's story end to end, with real input under Xvfb.
# Launches the app paused on the default scenario (A calls B behind gobreaker), starts it with
# a Space tap, drags B's failure-rate slider to >= 0.9 with real mouse moves, waits, drags it
# back to 0, waits, taps Ctrl+E, then
# checks the exported run: no transition to open before the drag, one after it, rejected calls
# after it, recovery through half-open to closed after the slider went back down; and
# `CLI run <export>/scenario.toml` gives a byte-identical timeseries.csv.
# Artifacts in WORKDIR: app.log, before/after/recovered.png (look at them), the export, the re-run.
set -euo pipefail
app=$1 cli=$2 work=$3
: "${DISPLAY:?run me under xvfb-run}"
rm -rf "$work"
mkdir -p "$work"
export XDG_CONFIG_HOME=$work/config  # never touch the user's UI settings
log=$work/app.log
fail() { echo "FAIL: $*"; echo "--- app log"; cat "$log"; exit 1; }
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_app --paused --pos 0 0 --fps 30 --export-dir "$work/exports"
slider B.failure_rate
echo "B.failure_rate slider: x $x0..$x1 y $y0..$y1"

# Started paused: a plain Space tap starts the run (without it nothing below would happen).
xdo key space

# Let the healthy run go on for a while: the breaker must stay closed.
sleep 3
import -window root "$work/before.png"

drag "$cy" $((x0 + 3)) $((x1 - 2)) 20

# The breaker opens within seconds; give it time to reject calls and show it.
sleep 5
import -window root "$work/after.png"

# Back down: after its open timeout (5 s) the breaker probes (half-open) and closes.
drag "$cy" $((x1 - 3)) $((x0 - 10)) -20
sleep 8
import -window root "$work/recovered.png"

# Ctrl+E as a plain tap: the press and release may fall between two frames.
chord ctrl e
for _ in $(seq 300); do grep -q '^EXPORTED ' "$log" && break; sleep 0.1; done
grep -q '^EXPORTED ' "$log" || fail "no EXPORTED line after Ctrl+E"
export_dir=$(grep '^EXPORTED ' "$log" | head -1 | cut -d' ' -f2-)
echo "export: $export_dir"
case "$export_dir" in "$work/exports/"*) ;; *) fail "export went to $export_dir, not under --export-dir" ;; esac
for f in timeseries.csv events.csv scenario.toml summary.json; do
    [ -s "$export_dir/$f" ] || fail "missing $export_dir/$f"
done

# events.csv: t_s,edge,instance,from,to,reason; a change row has the path in `edge`.
events=$export_dir/events.csv
head -1 "$events" | grep -q '^t_s,edge,instance,from,to,reason' || fail "events.csv header"
# Each drag is one change row, recorded at its mouse-up; its reason names its start:
# "drag B.failure_rate 10.2 s to 11 s (0.8 s)".
[ "$(awk -F, 'NR > 1 && $2 == "B.failure_rate"' "$events" | wc -l)" -eq 2 ] ||
    fail "not one change row per drag (2) in events.csv"
[ "$(grep -c '^\[\[timeline\]\]' "$export_dir/scenario.toml")" -eq 2 ] ||
    fail "not one timeline entry per drag (2) in scenario.toml"
t_drag=$(awk -F, 'NR > 1 && $2 == "B.failure_rate" { split($6, w, " "); print w[3]; exit }' "$events")
[ -n "$t_drag" ] || fail "no B.failure_rate change in events.csv"
max_rate=$(awk -F, 'NR > 1 && $2 == "B.failure_rate" && $5 + 0 > m { m = $5 + 0 } END { print m + 0 }' "$events")
opens_before=$(awk -F, -v t="$t_drag" 'NR > 1 && $5 == "open" && $1 + 0 < t + 0' "$events" | wc -l)
opens_after=$(awk -F, -v t="$t_drag" 'NR > 1 && $5 == "open" && $1 + 0 >= t + 0' "$events" | wc -l)
echo "drag at t=$t_drag s, B.failure_rate up to $max_rate; opens before $opens_before, after $opens_after"
awk -v m="$max_rate" 'BEGIN { exit !(m >= 0.9) }' || fail "the slider reached only $max_rate"
[ "$opens_before" -eq 0 ] || fail "the breaker opened before the drag"
[ "$opens_after" -ge 1 ] || fail "the breaker did not open after the drag"
t_down=$(awk -F, 'NR > 1 && $2 == "B.failure_rate" && $5 + 0 == 0 { split($6, w, " "); print w[3] }' "$events" | tail -1)
[ -n "$t_down" ] || fail "the slider never went back to 0"
closes=$(awk -F, -v t="$t_down" 'NR > 1 && $4 == "half_open" && $5 == "closed" && $1 + 0 >= t + 0' "$events" | wc -l)
echo "slider dragged back to 0 from t=$t_down s; half_open -> closed after it: $closes"
[ "$closes" -ge 1 ] || fail "no recovery through half-open after the slider went back down"

# timeseries.csv: rejected calls on A->B after the drag, none before.
ts=$export_dir/timeseries.csv
col() { head -1 "$ts" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
c_edge=$(col edge) c_rej=$(col rejected)
[ -n "$c_edge" ] && [ -n "$c_rej" ] || fail "timeseries.csv header lacks edge/rejected"
rej_before=$(awk -F, -v t="$t_drag" -v e="$c_edge" -v r="$c_rej" 'NR > 1 && $e == "A->B" && $1 + 0 < t + 0 { s += $r } END { print s + 0 }' "$ts")
rej_after=$(awk -F, -v t="$t_drag" -v e="$c_edge" -v r="$c_rej" 'NR > 1 && $e == "A->B" && $1 + 0 >= t + 0 { s += $r } END { print s + 0 }' "$ts")
echo "rejected on A->B: before $rej_before, after $rej_after"
[ "$rej_before" -eq 0 ] || fail "calls rejected before the drag"
[ "$rej_after" -gt 0 ] || fail "no rejected calls after the drag"

# The exported scenario reproduces the run headless, byte for byte.
"$cli" run "$export_dir/scenario.toml" --out "$work/rerun" >"$work/cli.log" 2>&1 || {
    cat "$work/cli.log"
    fail "cbsim-cli run failed"
}
cmp "$export_dir/timeseries.csv" "$work/rerun/timeseries.csv" || fail "re-run timeseries.csv differs"
cmp "$export_dir/events.csv" "$work/rerun/events.csv" || fail "re-run events.csv differs"
echo "cbsim-cli re-run: identical timeseries.csv ($(wc -l <"$ts") lines) and events.csv"

# Ctrl+P: the plots as a PNG beside the exports, cropped to the Plots panel.
chord ctrl p
for _ in $(seq 100); do grep -q '^SCREENSHOT .*-plots.png ok' "$log" && break; sleep 0.1; done
png=$(grep '^SCREENSHOT .*-plots.png ok' "$log" | head -1 | cut -d' ' -f2)
[ -n "$png" ] && [ -s "$png" ] || fail "Ctrl+P wrote no PNG of the plots"
read -r pw ph < <(identify -format '%w %h\n' "$png")
echo "plots PNG: $png (${pw}x$ph)"
[ "$pw" -gt 200 ] && [ "$pw" -lt 1280 ] && [ "$ph" -gt 200 ] || fail "PNG is not the plots panel"
ls "$work/exports" | grep -q '\.tmp' && fail "a temporary file was left behind"

# Quit with a real Ctrl+Q.
quit_app
echo "screenshots: $work/before.png $work/after.png $work/recovered.png"
echo "E2E: PASS"
