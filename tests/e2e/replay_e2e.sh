#!/usr/bin/env bash
# replay_e2e.sh APP CLI WORKDIR: the Replay view end to end, with real input under Xvfb.
# Writes a trace of an outage (10 minutes at 50 calls/s; from minute 3, 30 s in which 9 calls
# in 10 fail; each call ends on a whole second, which nginx's $time_local holds), turns it into
# an nginx access log with `cbsim-cli synth-log --format nginx`, starts the app, clicks File >
# Open trace..., types the log's path into the dialog and clicks Open. The view detects the
# format and replays the log through every preset; the test waits for its REPLAYED report and
# checks that every preset's band opens during the outage (first open between 180 s and
# 210 s), then takes replay.png (look at it) and, zoomed in at the outage to single calls,
# replay_zoom.png. Then opens a log of another nginx layout, types the layout into the "Read
# as" popup that opens and checks the log replays (read_as.png).
set -euo pipefail
app=$1 cli=$2 work=$3
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"

awk 'BEGIN {
  print "t_ms,outcome,duration_ms"
  for (i = 0; i < 600 * 50; i++) {
    ms = i * 20
    fail = ms >= 180000 && ms < 210000 && i % 10 != 0
    printf "%d,%s,%d\n", ms, fail ? "failure" : "success", (1000 - ms % 1000) % 1000
  }
}' >"$work/outage.csv"
"$cli" synth-log --format nginx "$work/outage.csv" --out "$work/access.log" \
    --start 2026-12-07T03:00:00Z
[ "$(wc -l <"$work/access.log")" -eq 30000 ] || fail "synth-log wrote no 30000 lines"

start_app --pos 0 0 --fps 30 --export-dir "$work/exports"
# Only the Replay view: Ctrl+1..8 hide the other panels (the Sweep panel is closed).
for d in 1 2 3 4 5 6 7 8; do chord ctrl "$d"; sleep 0.1; done
sleep 0.5

click_rect menu.file
for _ in $(seq 50); do grep -q '^RECT menu.file.open_trace ' "$log" && break; sleep 0.1; done
click_rect menu.file.open_trace
for _ in $(seq 50); do grep -q '^RECT browser.field ' "$log" && break; sleep 0.1; done
sleep 0.5
click_rect browser.field
xdo type --delay 20 "$work/access.log"
sleep 0.3
click_rect browser.accept

for _ in $(seq 300); do grep -q '^REPLAYED \|^REPLAY_ERROR ' "$log" && break; sleep 0.1; done
grep '^REPLAY' "$log" || true
grep -q '^REPLAY_ERROR ' "$log" && fail "the replay failed"
grep -q '^REPLAYED 6 30000$' "$log" || fail "no REPLAYED 6 30000 (six presets, 30000 calls)"
for p in gobreaker resilience4j polly hystrix opossum cockatiel; do
    line=$(grep "^REPLAY_CONFIG $p " "$log") || fail "no REPLAY_CONFIG $p"
    first=${line##*first_open_ms=}
    [ "$first" -ge 180000 ] && [ "$first" -lt 210000 ] ||
        fail "$p: first open at $first ms, not during the outage (180000..210000)"
    grep -q "^RECT replay.band.$p " "$log" || fail "no band for $p"
done

# Hover the gobreaker band in the outage: the tooltip names the state and the reason.
read -r x0 y0 x1 y1 < <(rect replay.band.gobreaker)
xdo mousemove --sync $((x0 + (x1 - x0) * 185 / 600)) $(((y0 + y1) / 2))
sleep 1.5
import -window root "$work/replay.png"

# Zoom in at the outage with the wheel, over the calls/s plot, down to single calls (each a
# tick coloured by its outcome): replay_zoom.png.
read -r x0 y0 x1 y1 < <(rect replay.rate)
xdo mousemove --sync $((x0 + (x1 - x0) * 185 / 600)) $(((y0 + y1) / 2))
sleep 0.3
xdo click --repeat 50 --delay 40 4
sleep 1.5
import -window root "$work/replay_zoom.png"

# A log of another nginx layout: no format reads it with its default, so the view opens with
# "Read as..."; the layout is typed into it and applied, and the log replays (read_as.png shows
# the popup, the layout typed in).
layout='$remote_addr [$msec] "$request" $status $request_time'
"$cli" synth-log --format nginx "$work/outage.csv" --out "$work/custom.log" \
    --start 2026-12-07T03:00:00Z --log-format "$layout"
click_rect menu.file
click_rect menu.file.open_trace
sleep 0.5
click_rect browser.field
xdo key ctrl+a
xdo type --delay 20 "$work/custom.log"
sleep 0.3
click_rect browser.accept
for _ in $(seq 50); do grep -q '^RECT replay.read.layout ' "$log" && break; sleep 0.1; done
click_rect replay.read.layout
xdo type --delay 10 "$layout"
sleep 0.5
import -window root "$work/read_as.png"
click_rect replay.read.apply
for _ in $(seq 300); do [ "$(grep -c '^REPLAYED ' "$log")" -ge 2 ] && break; sleep 0.1; done
grep '^REPLAY_READ_AS ' "$log" || fail "no REPLAY_READ_AS report"
grep -q '^REPLAY_READ_AS ok$' "$log" || fail "the typed layout was refused"
[ "$(grep '^REPLAYED ' "$log" | tail -1)" = "REPLAYED 6 30000" ] ||
    fail "the custom log did not replay 30000 calls through six presets"
quit_app
echo "screenshot: $work/replay.png"
echo "E2E: PASS"
