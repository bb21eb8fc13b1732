#!/usr/bin/env bash
# input_safety_e2e.sh APP CLI OUTDIR: the real app with inputs and outputs that are not plain
# files. (1) --scenario naming a FIFO nobody writes: the app blocks opening it, and SIGTERM
# must still stop it. (2) --screenshot to a path that cannot be written is refused at start
# (exit 2). (3) --screenshot whose path turns into a directory before the shot: exit 1.
set -uo pipefail
app=$1 out=$3
rm -rf "$out" && mkdir -p "$out"
: "${DISPLAY:?run me under xvfb-run}"
export XDG_CONFIG_HOME=$out/config
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "1. --scenario FIFO, then SIGTERM"
mkfifo "$out/scenario.fifo"
"$app" --scenario "$out/scenario.fifo" --fps 30 >"$out/fifo.log" 2>&1 &
pid=$!
sleep 3
kill -0 "$pid" 2>/dev/null || fail "the app ended before SIGTERM: $(cat "$out/fifo.log")"
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  kill -9 "$pid"
  fail "the app ignored SIGTERM while opening a FIFO: $(cat "$out/fifo.log")"
fi
wait "$pid"
echo "  stopped: $(grep -m1 -i 'scenario.fifo' "$out/fifo.log")"

echo "2. --screenshot into a missing folder"
rc=0
"$app" --screenshot "$out/no/such/shot.png" --frames 5 >"$out/bad.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "exit $rc, wanted 2: $(cat "$out/bad.log")"
grep -q "^cbsim: --screenshot $out/no/such/shot.png: parent directory $out/no/such does not exist" "$out/bad.log" \
  || fail "message: $(cat "$out/bad.log")"

echo "3. --screenshot path turned into a directory before the shot"
rc=0
"$app" --test-report --screenshot "$out/shot.png" --screenshot-frame 150 --frames 180 --fps 30 \
  >"$out/dir.log" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q '^READY' "$out/dir.log" && break; sleep 0.05; done
grep -q '^READY' "$out/dir.log" || fail "the app never became READY: $(cat "$out/dir.log")"
grep -q '^SCREENSHOT' "$out/dir.log" && fail "the screenshot was taken before the test could act"
mkdir "$out/shot.png"
wait "$pid" || rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, wanted 1: $(cat "$out/dir.log")"
grep -q "^cbsim: --screenshot cannot write $out/shot.png: is a directory" "$out/dir.log" \
  || fail "message: $(cat "$out/dir.log")"
[ -d "$out/shot.png" ] || fail "the directory was replaced"

echo "E2E: PASS"
