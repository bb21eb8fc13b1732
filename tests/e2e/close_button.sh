#!/usr/bin/env bash
# close_button.sh APP WM_CLOSE WORKDIR: the window's close button, as a window manager sends
# it (WM_DELETE_WINDOW, by the WM_CLOSE helper: Xvfb has no window manager). With nothing
# changed the app quits at once (exit 0). After a change (a click on a slider) it asks first
# (ASKING quit): Cancel keeps it running, the close button again and Discard quits (exit 0).
# Artifacts in WORKDIR: app.log, close_question.png (look at it).
set -euo pipefail
app=$1 wm_close=$2 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"

# close_window: the close button of the app's window.
close_window() {
    local wid
    wid=$(xdotool search --onlyvisible --name '^cbsim' | head -1)
    [ -n "$wid" ] || fail "no cbsim window"
    "$wm_close" "$wid" || fail "wm_close $wid failed"
}
# expect_exit: the app ends within 10 s with exit code 0.
expect_exit() {
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "$1"
    local rc=0
    wait "$pid" || rc=$?
    trap - EXIT
    [ "$rc" -eq 0 ] || fail "exit code $rc"
}

# 1. Nothing changed: the close button quits without a question.
start_app --paused --pos 0 0 --fps 30
close_window
expect_exit "the close button did not close an app with nothing to lose"
grep -q '^ASKING' "$log" && fail "asked with nothing to lose"

# 2. One change: the close button asks; Cancel keeps the app, Discard quits.
: >"$log"
start_app --paused --pos 0 0 --fps 30
click_rect B.failure_rate
close_window
for _ in $(seq 100); do grep -q '^ASKING quit' "$log" && break; sleep 0.1; done
grep -q '^ASKING quit' "$log" || fail "the close button did not ask about the unsaved change"
sleep 0.5
import -window root "$work/close_question.png"
click_rect unsaved.cancel
sleep 1
kill -0 "$pid" 2>/dev/null || fail "Cancel in the quit question ended the app"
close_window
for _ in $(seq 100); do [ "$(grep -c '^ASKING quit' "$log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c '^ASKING quit' "$log")" -ge 2 ] || fail "the second close did not ask"
sleep 0.5
click_rect unsaved.discard
expect_exit "Discard in the quit question did not quit"
grep -q '^EXIT ' "$log" || fail "no EXIT line: the app did not end its loop normally"
echo "E2E: PASS"
