#!/usr/bin/env bash
# window_smoke.sh APP OUTDIR: starts the real app under the current X display, finds its window,
# takes a screenshot (OUTDIR/window.png), closes it with a real Ctrl+Q and checks a clean exit.
set -euo pipefail
app=$1 out=$2
mkdir -p "$out"
: "${DISPLAY:?run me under xvfb-run}"
log=$out/app.log
export XDG_CONFIG_HOME=$out/config  # keep UI settings out of the user's home
"$app" --test-report --pos 0 0 --fps 30 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT

wid=$(timeout 20 xdotool search --sync --onlyvisible --name '^cbsim' | head -1)
for _ in $(seq 200); do grep -q '^READY' "$log" && break; sleep 0.1; done
grep -q '^READY' "$log" || { echo "app never became READY"; cat "$log"; exit 1; }
echo "window $wid ready"
import -window root "$out/window.png"
# The screenshot must show the window, not an empty root: count the distinct colours.
colours=$(convert "$out/window.png" -format '%k' info:)
echo "screenshot $out/window.png: $colours colours"
[ "$colours" -gt 4 ] || { echo "screenshot looks empty"; exit 1; }

# A plain Ctrl+Q tap closes the app.
xdotool key ctrl+q
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "Ctrl+Q did not close the app"; cat "$log"; exit 1; fi
rc=0
wait "$pid" || rc=$?
trap - EXIT
grep -q '^EXIT' "$log" || { echo "no clean shutdown line"; cat "$log"; exit 1; }
[ "$rc" -eq 0 ] || { echo "exit code $rc"; cat "$log"; exit 1; }
echo "WINDOW SMOKE: PASS"
