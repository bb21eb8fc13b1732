#!/usr/bin/env bash
# topology_edit_e2e.sh APP CLI WORKDIR: the system built in the app by real clicks and typing
# only. File > New scenario (one service A, paused at t = 0); A renamed gateway; profile and
# auth added; gateway -> profile and profile -> auth (shared scope, gobreaker) added through
# the Add dependency forms. Then it runs, auth's failure rate is dragged to the top (the
# breaker on profile -> auth opens), the dependency profile -> auth is removed while running
# and Ctrl+Z brings it back (undo: a new change at the current time). The export holds the
# transitions on profile -> auth and both topology changes; `cbsim-cli run` on its
# scenario.toml gives the same CSVs byte for byte; reopening that file shows the same map.
# Artifacts in WORKDIR: app.log, app2.log, built.png (the map after the edits), map_open.png
# (the open edge in red; look at it), reopened.png, the export.
set -euo pipefail
app=$1 cli=$2 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"

start_app --paused --pos 0 0 --fps 30 --export-dir "$work/exports"

# wait_rect NAME: waits (up to 10 s) until NAME has been reported.
wait_rect() {
    for _ in $(seq 100); do grep -q "^RECT $1 " "$log" && return 0; sleep 0.1; done
    import -window root "$work/failed.png"
    fail "no RECT $1 (screenshot failed.png)"
}
# wait_moved NAME OLD: waits until NAME's rectangle differs from OLD ("x0 y0 x1 y1").
wait_moved() {
    for _ in $(seq 50); do [ "$(rect "$1")" != "$2" ] && return 0; sleep 0.1; done
    return 0  # it may have been in place already
}
# type_into FIELD TEXT: a click in the field, then TEXT typed key by key.
type_into() {
    click_rect "$1"
    xdo type --delay 80 "$2"
    sleep 0.5
}
# pick COMBO CHOICE: opens a combo and clicks one of its rows.
pick() {
    click_rect "$1"
    wait_rect "$1.$2"
    sleep 0.5  # the list is placed in the frame after it opens: its rows' last report
    click_rect "$1.$2"
}
# show_service NAME: a click on NAME's node in the map scrolls the Services panel to its
# sliders.
show_service() {
    local old
    old=$(rect "$1.failure_rate")
    click_rect "map.node.$1"
    wait_moved "$1.failure_rate" "$old"
    sleep 0.5
}
# to_editor: the mouse wheel scrolls the Services panel down to the editor below the sliders.
to_editor() {
    local x0 y0 x1 y1
    read -r x0 y0 x1 y1 < <(rect traffic.rate_rps)
    xdo mousemove --sync $(((x0 + x1) / 2)) 500
    xdo click --repeat 40 --delay 20 5
    sleep 1
}
# edit SERVICE: the editor shows SERVICE.
edit() {
    to_editor
    pick edit.service "$1"
    wait_rect "service.$1.dependency"
    sleep 0.5
}

# add_dependency CALLER TARGET [KEY CHOICE]...: CALLER's Add dependency form, TARGET and each
# KEY's CHOICE picked, then its button.
add_dependency() {
    local caller=$1 target=$2
    shift 2
    edit "$caller"
    click_rect "service.$caller.dependency"
    wait_rect "service.$caller.dependency.add"
    to_editor
    pick "service.$caller.dependency.target" "$target"
    while [ $# -gt 1 ]; do
        pick "service.$caller.dependency.$1" "$2"
        shift 2
    done
    click_rect "service.$caller.dependency.add"
    wait_rect "dependency.$caller->$target.remove"
}

# File > New scenario.
click_rect menu.file
wait_rect menu.file.new
click_rect menu.file.new
wait_rect service.A.rename.name

# A becomes gateway; profile and auth are added (the editor shows each one it adds).
type_into service.A.rename.name gateway
click_rect service.A.rename
wait_rect service.gateway.rename
type_into services.add.name profile
click_rect services.add
wait_rect service.profile.remove
to_editor
type_into services.add.name auth
click_rect services.add
wait_rect service.auth.remove
to_editor

# A duplicate name is refused inline, and nothing is added.
type_into services.add.name auth
click_rect services.add
wait_rect services.add.error
echo "duplicate name refused inline"

# gateway -> profile, then profile -> auth (shared scope, gobreaker).
add_dependency gateway profile
add_dependency profile auth breaker_scope shared breaker.preset gobreaker
wait_rect 'map.edge.profile->auth'
xdo mousemove --sync 640 790
sleep 1
import -window root "$work/built.png"

# Run, then fail auth: the breaker on profile -> auth opens.
xdo key space
sleep 2
show_service auth
read -r x0 y0 x1 y1 < <(rect auth.failure_rate)
drag $(((y0 + y1) / 2)) $((x0 + 3)) $((x1 + 20)) 25
sleep 3
import -window root "$work/map_open.png"

# While running: remove profile -> auth, then Ctrl+Z brings it back with its settings.
edit profile
click_rect 'dependency.profile->auth.remove'
sleep 1.5
chord ctrl z
sleep 1.5

export_dir=$(export_n 1)
events=$export_dir/events.csv
opens=$(awk -F, 'NR > 1 && $2 == "profile->auth" && $5 == "open"' "$events" | wc -l)
echo "profile->auth opened $opens times"
[ "$opens" -ge 1 ] || fail "the breaker on profile -> auth did not open"
removed=$(awk -F, 'NR > 1 && $2 == "dependencies.remove" && $4 == "profile->auth" { print $1 }' "$events")
readded=$(awk -F, 'NR > 1 && $2 == "dependencies.add" && $5 == "profile->auth" { print $1 }' "$events" | tail -1)
echo "profile->auth removed at ${removed:-?} s, back (undo) at ${readded:-?} s"
[ -n "$removed" ] && [ -n "$readded" ] || fail "the removal and its undo are not in events.csv"
awk -v a="$removed" -v b="$readded" 'BEGIN { exit !(b + 0 > a + 0) }' ||
    fail "the undo is not after the removal"
grep -q 'set = "dependencies.add"' "$export_dir/scenario.toml" || fail "no topology entries"

rerun "$export_dir" rerun
echo "cbsim-cli re-run: identical timeseries.csv, services.csv and events.csv"
quit_app

# Reopened: the same map.
log=$work/app2.log
start_app --scenario "$export_dir/scenario.toml" --paused --pos 0 0 --fps 30
for name in map.node.gateway map.node.profile map.node.auth 'map.edge.client->gateway' \
    'map.edge.gateway->profile' 'map.edge.profile->auth'; do
    grep -q "^RECT $name " "$log" || fail "the reopened scenario has no $name"
done
if grep -q '^RECT map.node.A ' "$log"; then fail "the reopened scenario still has A"; fi
echo "reopened: gateway -> profile -> auth"
xdo mousemove --sync 640 790
sleep 1
import -window root "$work/reopened.png"
quit_app
echo "screenshots: $work/built.png $work/map_open.png $work/reopened.png"
echo "E2E: PASS"
