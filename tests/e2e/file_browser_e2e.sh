#!/usr/bin/env bash
# file_browser_e2e.sh APP CLI WORKDIR: Open and Save as through the app's file dialog, with
# the real mouse and keyboard. Ctrl+O (a plain tap) opens the dialog; a click on the
# "Scenarios" place, a click on gateway_profile_auth.toml and a click on Open load it (the
# selected edge becomes profile->auth). The Run panel's "Save as..." shows the dialog in the
# exports folder with the scenario's file name filled in; the name is replaced by typing and
# Enter saves it (SAVED, a valid scenario for cbsim-cli validate). Ctrl+O again lists it first
# under Recent, and one click on it opens it. File > New (a scenario with no file), then Ctrl+O:
# the dialog opens in the first place and the app keeps running. After Ctrl+Q, ui.ini keeps
# the saved file as a recent file. Started again with --scenario FILE, the file is a recent
# file as well; after one change, File > New asks first (Escape keeps the scenario, Discard
# replaces it). Quitting after a change asks the same question: Escape keeps the app running,
# Save as... saves the scenario and then quits.
# Artifacts in WORKDIR: app.log, open.png, save.png, new_open.png, unsaved.png and quit.png
# (the dialog and the questions; look at them), saved/.
set -euo pipefail
app=$1 cli=$2 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"
mkdir -p "$work/saved"

start_app --paused --pos 0 0 --fps 30 --export-dir "$work/saved"
selected() { grep '^SELECTED ' "$log" | tail -1 | cut -d' ' -f2-; }
wait_for() { # wait_for REGEX: until a line of the log matches (10 s at most)
    for _ in $(seq 100); do grep -q "$1" "$log" && return 0; sleep 0.1; done
    fail "no line matching '$1'"
}
[ "$(selected)" = "A->B" ] || fail "the default scenario's edge is '$(selected)'"

chord ctrl o
wait_for '^RECT browser.place.Scenarios '
sleep 0.5
click_rect browser.place.Scenarios
wait_for '^RECT browser.entry.gateway_profile_auth.toml '
click_rect browser.entry.gateway_profile_auth.toml
import -window root "$work/open.png"
click_rect browser.accept
for _ in $(seq 50); do [ "$(selected)" = "profile->auth" ] && break; sleep 0.1; done
[ "$(selected)" = "profile->auth" ] || fail "the chosen scenario did not load (selected '$(selected)')"
grep -q '^ERROR' "$log" && fail "an error was reported"

# Save as: the dialog starts in the exports folder with the scenario's name.
click_rect run.save_as
wait_for '^RECT browser.field '
sleep 0.5
# Select the name and type another (Ctrl+A held as a person holds it), then Enter.
xdo keydown ctrl+a
sleep 0.4
xdo keyup ctrl+a
xdo type --delay 60 "mine.toml"
sleep 0.5
import -window root "$work/save.png"
xdo key Return
wait_for '^SAVED '
saved=$(grep '^SAVED ' "$log" | tail -1 | cut -d' ' -f2-)
echo "saved: $saved"
[ "$saved" = "$work/saved/mine.toml" ] || fail "saved to '$saved', not $work/saved/mine.toml"
"$cli" validate "$saved" >/dev/null || fail "the saved scenario does not validate"

# The saved file is the first recent file; one click opens it.
chord ctrl o
wait_for '^RECT browser.recent.0 '
sleep 0.5
click_rect browser.recent.0
sleep 1
grep -q '^ERROR' "$log" && fail "opening the recent file failed"

# A new scenario has no file: Open starts in the first place (Home).
click_rect menu.file
for _ in $(seq 50); do grep -q '^RECT menu.file.new ' "$log" && break; sleep 0.1; done
click_rect menu.file.new
sleep 0.5
chord ctrl o
sleep 1
kill -0 "$pid" 2>/dev/null || fail "the app ended when Open was asked for a new scenario"
import -window root "$work/new_open.png"
xdo key Escape
sleep 0.5
quit_app
grep -qx "recent = $work/saved/mine.toml" "$XDG_CONFIG_HOME/cbsim/ui.ini" ||
    fail "ui.ini does not keep the recent file: $(cat "$XDG_CONFIG_HOME/cbsim/ui.ini")"

# A file opened with --scenario is a recent file too. One change to it (a click on a slider),
# then File > New asks first: Escape keeps the scenario, Discard replaces it.
cp "$(dirname "$0")/../../assets/scenarios/gateway_profile_auth.toml" "$work/cli_opened.toml"
: >"$log"
start_app --paused --pos 0 0 --fps 30 --scenario "$work/cli_opened.toml"
[ "$(selected)" = "profile->auth" ] || fail "--scenario did not load (selected '$(selected)')"
click_rect gateway.failure_rate
click_rect menu.file
wait_for '^RECT menu.file.new '
click_rect menu.file.new
wait_for '^RECT unsaved.discard '
sleep 0.5
import -window root "$work/unsaved.png"
xdo key Escape
sleep 1
[ "$(selected)" = "profile->auth" ] || fail "Escape replaced the scenario (selected '$(selected)')"
click_rect menu.file
click_rect menu.file.new
sleep 0.5
click_rect unsaved.discard
for _ in $(seq 50); do [ "$(selected)" != "profile->auth" ] && break; sleep 0.1; done
[ "$(selected)" != "profile->auth" ] || fail "Discard did not replace the scenario"
# Quitting with a change not saved asks too: Escape keeps the app running; Save as... then
# saves and quits.
wait_for "^RECT A.failure_rate "
click_rect A.failure_rate
chord ctrl q
wait_for '^ASKING quit'
sleep 0.5
import -window root "$work/quit.png"
xdo key Escape
sleep 1
kill -0 "$pid" 2>/dev/null || fail "Escape in the quit question ended the app"
chord ctrl q
for _ in $(seq 100); do [ "$(grep -c '^ASKING quit' "$log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c '^ASKING quit' "$log")" -ge 2 ] || fail "the second Ctrl+Q did not ask"
sleep 0.5
click_rect unsaved.save_as
wait_for '^RECT browser.field '
sleep 0.5
xdo keydown ctrl+a
sleep 0.4
xdo keyup ctrl+a
xdo type --delay 30 "$work/saved/before_quit.toml"
sleep 0.5
xdo key Return
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the app did not quit after Save as... in the quit question"
rc=0
wait "$pid" || rc=$?
trap - EXIT
[ "$rc" -eq 0 ] || fail "exit code $rc after saving and quitting"
grep -q "^SAVED $work/saved/before_quit.toml" "$log" || fail "no SAVED line before quitting"
"$cli" validate "$work/saved/before_quit.toml" >/dev/null || fail "the file saved before quitting is not valid"
grep -qx "recent = $work/cli_opened.toml" "$XDG_CONFIG_HOME/cbsim/ui.ini" ||
    fail "a file opened with --scenario is not a recent file: $(cat "$XDG_CONFIG_HOME/cbsim/ui.ini")"
echo "E2E: PASS"
