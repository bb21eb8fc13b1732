#!/usr/bin/env bash
# sweep_e2e.sh APP CLI WORKDIR: the Sweep panel end to end, with real input under Xvfb.
# Opens assets/sweeps/noisy_b.toml (A -> B behind gobreaker, B failing 2 % of its calls),
# opens the Sweep panel with Ctrl+9, chooses two knobs of A->B's breaker from their combos
# (trip.consecutive_failures 2..4, timeout_ms 2500..10000 in 3 steps, typed into the fields),
# a step outage (the default), 2 seeds of 60 s, and starts. Waits until every cell of the 3 x 3 heatmap reports a
# result, clicks a cell, picks "Open as compare variant", then exports with Ctrl+E and checks
# the compare folder: a variant named after the point whose breaker has the point's values.
# Artifacts in WORKDIR: app.log, sweep.png (look at it), the export.
set -euo pipefail
app=$1 cli=$2 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"
scenario=$(cd "$(dirname "$0")/../../assets/sweeps" && pwd)/noisy_b.toml
: "$cli"

# rect NAME: the last reported rectangle of NAME as x0 y0 x1 y1 (sets cx, cy: its middle).
rect() {
    local line
    line=$(grep "^RECT $1 " "$log" | tail -1) || true
    [ -n "$line" ] || fail "no RECT $1"
    read -r _ _ x0 y0 x1 y1 <<<"$line"
    cx=$(((x0 + x1) / 2))
    cy=$(((y0 + y1) / 2))
}
# click NAME: a real left click in the middle of NAME's rectangle.
click() {
    rect "$1"
    xdo mousemove --sync "$cx" "$cy"
    sleep 0.2
    xdo click 1
    sleep 0.4
}
# wait_rect NAME: until the app reports NAME (a popup's item appears a frame after it opens).
wait_rect() {
    for _ in $(seq 50); do grep -q "^RECT $1 " "$log" && break; sleep 0.1; done
    grep -q "^RECT $1 " "$log" || fail "no RECT $1"
    sleep 0.5  # a popup places itself over its first frames
}
# hold KEYS: KEYS pressed for a few frames (the text field reads the key state each frame,
# so a tap that begins and ends between two frames would be lost; typed characters are not).
hold() {
    xdo keydown "$1"
    sleep 0.2
    xdo keyup "$1"
    sleep 0.1
}
# type_into NAME TEXT: click the field NAME, replace its text with TEXT, Tab out.
type_into() {
    click "$1"
    hold ctrl+a
    xdo type --delay 60 "$2"
    sleep 0.2
    hold Tab
}

start_app --pos 0 0 --fps 30 --scenario "$scenario" --export-dir "$work/exports"
chord ctrl 9
wait_rect sweep.start

# Knob 1: the breaker's trip.consecutive_failures; its default range is around its value (3):
# 2 to 6 in 5 steps; typed: to 4, so 2, 2.5, 3, 3.5, 4 round to the integers 2, 3, 4.
click sweep.knob1.path
wait_rect 'sweep.knob1.item:A->B.breaker.trip.consecutive_failures'
click 'sweep.knob1.item:A->B.breaker.trip.consecutive_failures'
type_into sweep.knob1.to 4
# Knob 2: timeout_ms (how long it stays open): around 5000, 2500 to 10000; typed: 3 steps.
click sweep.knob2.enable
wait_rect sweep.knob2.path
click sweep.knob2.path
wait_rect 'sweep.knob2.item:A->B.breaker.timeout_ms'
click 'sweep.knob2.item:A->B.breaker.timeout_ms'
type_into sweep.knob2.steps 3
# A step outage at 30 s (the defaults), 2 seeds of 60 s.
type_into sweep.seeds 2
type_into sweep.duration 60
grep -q '^RECT sweep.problem ' "$log" && grep -q '^RECT sweep.progress ' "$log" &&
    fail "the choices were refused"
click sweep.start

# The heatmap fills: every one of the 9 cells reports a result.
for _ in $(seq 300); do
    [ "$(grep -c '^RECT sweep.cell\.' "$log")" -ge 9 ] && break
    sleep 0.1
done
cells=$(grep '^RECT sweep.cell\.' "$log" | cut -d' ' -f2 | sort -u || true)
echo "cells:"
echo "$cells"
if [ "$(echo "$cells" | grep -c .)" -ne 9 ]; then
    import -window root "$work/unfilled.png"
    fail "the heatmap did not fill (9 cells; screen in unfilled.png)"
fi
for v in 2,2500 2,6250 2,10000 3,2500 3,6250 3,10000 4,2500 4,6250 4,10000; do
    echo "$cells" | grep -q "=$v\$" || fail "no cell for the point $v"
done
# Hover a cell (the tooltip with the point's KPIs), then the screenshot.
cell=$(echo "$cells" | grep '=4,2500$')
rect "$cell"
xdo mousemove --sync "$cx" "$cy"
sleep 1.5
import -window root "$work/sweep_hover.png"

# Click it: the menu; open the point as a compare variant.
point=${cell#sweep.cell.}
point=${point%%=*}
click "$cell"
wait_rect sweep.open_variant
click sweep.open_variant
# The Breaker panel now has the variant bar (compare mode): its name field appears.
for _ in $(seq 100); do [ "$(grep -c '^RECT compare.add ' "$log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c '^RECT compare.add ' "$log")" -ge 2 ] || fail "no variant bar after Open as variant"
xdo mousemove --sync 5 795
sleep 4  # the variants run a little, so the plots show both
import -window root "$work/sweep.png"

chord ctrl e
for _ in $(seq 300); do grep -q '^EXPORTED ' "$log" && break; sleep 0.1; done
grep -q '^EXPORTED ' "$log" || fail "no EXPORTED line after Ctrl+E"
export_dir=$(grep '^EXPORTED ' "$log" | head -1 | cut -d' ' -f2-)
echo "export: $export_dir"
[ -s "$export_dir/compare.toml" ] || fail "no compare.toml: the variant did not open"
variant=sweep-p$point
grep -q "$variant" "$export_dir/compare.toml" || fail "no variant $variant in compare.toml"
vs=$export_dir/$variant/scenario.toml
[ -s "$vs" ] || fail "missing $vs"
grep -A8 '^\[service.dependency.breaker\]' "$vs" | grep -q '^timeout_ms = 2500$' ||
    fail "$variant: its breaker's timeout_ms is not 2500"
grep -A3 '^\[service.dependency.breaker.trip\]' "$vs" | grep -q '^consecutive_failures = 4$' ||
    fail "$variant: its breaker's consecutive_failures is not 4"
echo "variant $variant: consecutive_failures = 4, timeout_ms = 2500"

quit_app
echo "screenshot: $work/sweep.png"
echo "E2E: PASS"
