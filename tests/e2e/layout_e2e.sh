#!/usr/bin/env bash
# layout_e2e.sh APP CLI WORKDIR: the tiled layout under Xvfb with the real mouse. Drags the
# border between the left column and the centre 150 px to the right (the Services panel's
# sliders grow by as much) and the border between the Plots and the All edges strip 60 px up,
# quits with Ctrl+Q, starts the app again: both borders are where they were left (ui.ini keeps
# them). Then View > Reset layout puts every border back where it started, and a double-click
# on a border resets that border alone.
# Artifacts in WORKDIR: app.log, dragged.png (look at it), the UI settings in config/.
set -euo pipefail
app=$1 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"
ini=$XDG_CONFIG_HOME/cbsim/ui.ini

# drag_to X0 Y0 X1 Y1: a real drag in 10 steps, holding the end before the mouse-up.
drag_to() {
    xdo mousemove --sync "$1" "$2"
    sleep 0.3
    xdo mousedown 1
    sleep 0.3
    local i
    for i in $(seq 1 10); do
        xdo mousemove --sync $(($1 + ($3 - $1) * i / 10)) $(($2 + ($4 - $2) * i / 10))
        sleep 0.1
    done
    sleep 0.6
    xdo mouseup 1
    sleep 0.3
    xdo mousemove --sync 640 790
    sleep 0.5
}
mid() { read -r x0 y0 x1 y1 < <(rect "$1"); mx=$(((x0 + x1) / 2)); my=$(((y0 + y1) / 2)); }
# wait_rect NAME OLD: until NAME's last reported rectangle differs from OLD (5 s at most).
wait_rect() {
    for _ in $(seq 50); do [ "$(rect "$1")" != "$2" ] && return 0; sleep 0.1; done
    return 0
}

start_app --paused --pos 0 0 --fps 30
slider0=$(rect B.failure_rate)
read -r _ _ sx1_0 _ <<<"$slider0"
plots0=$(rect split.plots/edges)
read -r _ py0_0 _ _ <<<"$plots0"

mid split.left
drag_to "$mx" 400 $((mx + 150)) 400
wait_rect B.failure_rate "$slider0"
read -r _ _ sx1_1 _ < <(rect B.failure_rate)
echo "B.failure_rate slider right end: $sx1_0 -> $sx1_1 after dragging the left border 150 px"
[ $((sx1_1 - sx1_0)) -ge 140 ] && [ $((sx1_1 - sx1_0)) -le 160 ] ||
    fail "the left column did not grow by 150 px"

mid split.plots/edges
drag_to 700 "$my" 700 $((my - 60))
wait_rect split.plots/edges "$plots0"
read -r _ py0_1 _ _ < <(rect split.plots/edges)
echo "plots/edges border: y $py0_0 -> $py0_1 after dragging it 60 px up"
[ $((py0_0 - py0_1)) -ge 50 ] && [ $((py0_0 - py0_1)) -le 70 ] || fail "the border did not move up 60 px"
import -window root "$work/dragged.png"
quit_app
grep -q '^layout.left = ' "$ini" || fail "ui.ini has no layout.left: $(cat "$ini")"
grep -q '^layout.weight.plots = ' "$ini" || fail "ui.ini has no plots weight: $(cat "$ini")"

# A new session keeps both borders.
start_app --paused --pos 0 0 --fps 30
read -r _ _ sx1_2 _ < <(rect B.failure_rate)
read -r _ py0_2 _ _ < <(rect split.plots/edges)
echo "after a restart: slider right end $sx1_2, plots/edges border y $py0_2"
[ $((sx1_2 - sx1_1)) -ge -2 ] && [ $((sx1_2 - sx1_1)) -le 2 ] || fail "the left column width was not kept"
[ $((py0_2 - py0_1)) -ge -2 ] && [ $((py0_2 - py0_1)) -le 2 ] || fail "the plots' height was not kept"

# A double-click on the left border resets it alone.
before=$(rect B.failure_rate)
mid split.left
xdo mousemove --sync "$mx" 400
sleep 0.3
xdo click --repeat 2 --delay 80 1
sleep 0.3
xdo mousemove --sync 640 790
wait_rect B.failure_rate "$before"
read -r _ _ sx1_3 _ < <(rect B.failure_rate)
read -r _ py0_3 _ _ < <(rect split.plots/edges)
echo "after a double-click on the left border: slider right end $sx1_3, plots/edges border y $py0_3"
[ $((sx1_3 - sx1_0)) -ge -2 ] && [ $((sx1_3 - sx1_0)) -le 2 ] || fail "the double-click did not reset the left border"
[ "$py0_3" = "$py0_2" ] || fail "the double-click moved another border"

# View > Reset layout: every border back.
click_rect menu.view
click_rect menu.view.reset_layout
for _ in $(seq 50); do
    read -r _ py0_4 _ _ < <(rect split.plots/edges)
    [ "$py0_4" = "$py0_0" ] && break
    sleep 0.1
done
echo "after View > Reset layout: plots/edges border y $py0_4 (at start $py0_0)"
[ "$py0_4" = "$py0_0" ] || fail "Reset layout did not put the plots' border back"
quit_app
grep -q '^layout\.' "$ini" && fail "ui.ini still has a layout after Reset layout: $(cat "$ini")"
echo "E2E: PASS"
