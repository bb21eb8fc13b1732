#!/usr/bin/env bash
# topology_e2e.sh APP CLI WORKDIR: the topology map under Xvfb with real input. Opens
# gateway_profile_auth.toml paused (gateway -> profile -> auth, a shared gobreaker breaker on
# profile -> auth), starts it, clicks auth's node in the map (the Services panel scrolls to
# auth's sliders: their new RECT is reported), drags auth's failure rate to the top so the
# breaker opens, clicks the gateway -> profile arrow, then the open profile -> auth arrow, and
# checks that each click changed the selected edge (SELECTED lines of the test report); an
# export holds the transition to open on profile -> auth.
# Artifacts in WORKDIR: app.log, map_open.png (the map with the open edge in red; look at it),
# selected.png, the export.
set -euo pipefail
app=$1 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"
scenario=$(dirname "$0")/../../assets/scenarios/gateway_profile_auth.toml

start_app --scenario "$scenario" --paused --pos 0 0 --fps 30 --export-dir "$work/exports"

selected() { grep '^SELECTED ' "$log" | tail -1 | cut -d' ' -f2-; }

[ "$(selected)" = "profile->auth" ] || fail "first selected edge is '$(selected)', not profile->auth"
xdo key space
sleep 1

# A click on auth's node brings its sliders into the Services panel.
read -r _ sy0 _ _ < <(rect auth.failure_rate)
click_rect map.node.auth
for _ in $(seq 30); do
    read -r _ y_now _ _ < <(rect auth.failure_rate)
    [ "$y_now" != "$sy0" ] && break
    sleep 0.1
done
read -r x0 y0 x1 y1 < <(rect auth.failure_rate)
echo "auth.failure_rate slider: y $sy0 before the click on auth, $y0 after"
[ "$y0" -lt "$sy0" ] && [ "$y1" -lt 800 ] || fail "auth's slider did not come into view"

# Fail auth: the breaker on profile -> auth opens.
drag $(((y0 + y1) / 2)) $((x0 + 3)) $((x1 + 20)) 25
sleep 3
import -window root "$work/map_open.png"

click_rect map.edge.gateway-\>profile
for _ in $(seq 30); do [ "$(selected)" = "gateway->profile" ] && break; sleep 0.1; done
[ "$(selected)" = "gateway->profile" ] || fail "click on gateway->profile selected '$(selected)'"
click_rect map.edge.profile-\>auth
for _ in $(seq 30); do [ "$(selected)" = "profile->auth" ] && break; sleep 0.1; done
[ "$(selected)" = "profile->auth" ] || fail "click on the open edge selected '$(selected)'"
echo "selection: $(grep '^SELECTED ' "$log" | cut -d' ' -f2- | paste -sd' ')"
xdo mousemove --sync 640 790
sleep 1
import -window root "$work/selected.png"

chord ctrl e
for _ in $(seq 300); do grep -q '^EXPORTED ' "$log" && break; sleep 0.1; done
export_dir=$(grep '^EXPORTED ' "$log" | head -1 | cut -d' ' -f2-)
[ -n "$export_dir" ] || fail "no export"
events=$export_dir/events.csv
t_drag=$(awk -F, 'NR > 1 && $2 == "auth.failure_rate" { print $1; exit }' "$events")
[ -n "$t_drag" ] || fail "no auth.failure_rate change in events.csv"
opens=$(awk -F, -v t="$t_drag" 'NR > 1 && $2 == "profile->auth" && $5 == "open" && $1 + 0 >= t + 0' "$events" | wc -l)
echo "auth failing from t=$t_drag s; profile->auth opened $opens times after"
[ "$opens" -ge 1 ] || fail "the breaker on profile->auth did not open"

quit_app
echo "screenshots: $work/map_open.png $work/selected.png"
echo "E2E: PASS"
