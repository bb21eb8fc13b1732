#!/usr/bin/env bash
# output_safety_test.sh CLI SOURCE_DIR WORK_DIR: what cbsim-cli does with what is already at an
# output path, and with outputs that cannot be written, as a real process:
#  1. replay --out: a device node (made here with mknod, root only), a FIFO, a directory and a
#     read-only file are refused with exit 2 before any work and left as they were; a symlink is
#     written through (the link stays, its target gets the output); a replaced file keeps its
#     mode; "-" is standard output.
#  2. standard output that cannot be written (/dev/full): exit 1 and a message, for run,
#     replay, validate and keys.
#  3. validate reads its file once: a pipe (<(...)), /dev/stdin and a FIFO work.
#  4. run --out: a user's DIR.staging and a user's folder inside an earlier export are refused
#     and kept; a name past NAME_MAX is refused before the run; two exports to one folder at
#     once both succeed and leave one complete export (several tries).
#  5. SIGTERM while an export is written: no temp file is left; the next export succeeds.
#  6. a scenario whose saved text would exceed the loader's limit is refused when loaded.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1
cd "$work"
scenario="$src/assets/scenarios/default.toml"
traces="$src/tests/data/traces"
cfg="$traces/grpc_style.toml" trace="$traces/grpc_style.csv" want="$traces/grpc_style.expected.csv"
replay() { "$cli" replay --config "$cfg" --trace "$trace" "$@"; }

echo "1. replay --out onto what is there"
if [ "$(id -u)" -eq 0 ]; then
  mknod dev c 1 3 || fail "root cannot mknod"
  expect 2 "^cbsim-cli replay: --out dev: is a character device; expected a regular file$" -- replay --out dev
  [ -c dev ] || fail "the device node was replaced"
else
  echo "  NOTICE: device node case skipped (mknod needs root)"
fi
mkfifo fifo
expect 2 "^cbsim-cli replay: --out fifo: is a FIFO; expected a regular file$" -- replay --out fifo
[ -p fifo ] || fail "the FIFO was replaced"
mkdir folder
expect 2 "^cbsim-cli replay: --out folder: is a directory; expected a regular file$" -- replay --out folder
[ -d folder ] || fail "the directory was replaced"
expect 2 "^cbsim-cli replay: --out no/decisions.csv: parent directory no does not exist$" -- replay --out no/decisions.csv
echo x >afile
expect 2 "^cbsim-cli replay: --out afile/decisions.csv: parent afile is not a directory$" -- replay --out afile/decisions.csv
mkdir real && echo old >real/decisions.csv && ln -s real/decisions.csv link.csv
expect 0 "" -- replay --out link.csv
[ -L link.csv ] || fail "the symlink was replaced by a file"
cmp -s real/decisions.csv "$want" || fail "the symlink's target did not get the output"
echo old >mode.csv && chmod 640 mode.csv
expect 0 "" -- replay --out mode.csv
[ "$(stat -c %a mode.csv)" = 640 ] || fail "mode 640 became $(stat -c %a mode.csv)"
cmp -s mode.csv "$want" || fail "mode.csv not written"
echo old >ro.csv && chmod 444 ro.csv
if [ "$(id -u)" -eq 0 ]; then
  expect 0 "" -- replay --out ro.csv  # root may write it, as cp would; it stays read-only
  cmp -s ro.csv "$want" || fail "ro.csv not written"
else
  expect 2 "^cbsim-cli replay: --out ro.csv: the file is not writable: Permission denied$" -- replay --out ro.csv
  grep -qx old ro.csv || fail "the read-only file was written"
fi
[ "$(stat -c %a ro.csv)" = 444 ] || fail "read-only file came back $(stat -c %a ro.csv)"
replay --out - >dash.out || fail "replay --out - exited $?"
cmp -s dash.out "$want" || fail "--out - did not go to standard output"
[ ! -e ./- ] || fail "--out - wrote a file named '-'"
ls -A . real | grep -q '\.tmp-' && fail "temporary files left: $(ls -A . real)"

echo "2. standard output that cannot be written"
if [ -w /dev/full ]; then
  for cmd in "replay --config $cfg --trace $trace" "run $scenario --duration 1" "validate $scenario" \
    keys "keys --markdown"; do
    out=$("$cli" $cmd 2>&1 >/dev/full)
    rc=$?
    [ "$rc" -eq 1 ] || fail "$cmd > /dev/full: exit $rc, wanted 1"
    grep -Eq "^cbsim-cli ${cmd%% *}: cannot write to standard output: No space left on device$" <<<"$out" \
      || fail "$cmd > /dev/full: message: $out"
  done
else
  echo "  NOTICE: /dev/full case skipped (no /dev/full)"
fi

echo "3. validate reads its file once"
expect 0 "ok, scenario" -- "$cli" validate <(cat "$scenario")
expect 0 "ok, breaker preset" -- "$cli" validate <(cat "$cfg")
out=$(cat "$scenario" | "$cli" validate /dev/stdin 2>&1) || fail "validate /dev/stdin: $out"
mkfifo in.fifo
cat "$scenario" >in.fifo &
expect 0 "^in.fifo: ok, scenario" -- timeout 20 "$cli" validate in.fifo
wait
if [ "$(id -u)" -eq 0 ]; then
  expect 2 "^cbsim-cli validate: dev: cannot read the file: it is a device$" -- "$cli" validate dev
fi

echo "4. run --out"
mkdir -p mine.staging && echo keep >mine.staging/notes.txt
expect 2 "^cbsim-cli run: --out mine: .*mine.staging \(the staging folder of an export\) exists and is not one cbsim left: holds 'notes.txt'" -- \
  "$cli" run "$scenario" --duration 1 --out mine
grep -qx keep mine.staging/notes.txt || fail "the user's staging folder was touched"
"$cli" run "$scenario" --duration 1 --out exp >/dev/null || fail "export exp"
rm exp/events.csv && mkdir exp/events.csv && echo keep >exp/events.csv/notes.txt
expect 2 "^cbsim-cli run: --out exp: its 'events.csv' is not a regular file" -- "$cli" run "$scenario" --duration 1 --out exp
grep -qx keep exp/events.csv/notes.txt || fail "the user's folder inside the export was touched"
long=$(printf 'n%.0s' $(seq 250))
expect 2 "cannot create the staging directory .*File name too long" -- "$cli" run "$scenario" --duration 1 --out "$long"
grep -q availability <<<"$last_out" && fail "the run simulated before refusing the folder"
for try in 1 2 3 4 5; do
  rm -rf both
  "$cli" run "$scenario" --duration 30 --out both >a.log 2>&1 &
  a=$!
  "$cli" run "$scenario" --duration 30 --seed 7 --out both >b.log 2>&1 &
  b=$!
  ra=0 rb=0
  wait $a || ra=$?
  wait $b || rb=$?
  [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] || fail "try $try: two exports at once: exits $ra and $rb: $(cat a.log b.log | grep cbsim-cli)"
  [ "$(ls -A both | sort | tr '\n' ' ')" = ".cbsim-run events.csv scenario.toml services.csv summary.json timeseries.csv " ] \
    || fail "try $try: the folder holds: $(ls -A both)"
  [ ! -e both.staging ] || fail "try $try: staging folder left"
done

echo "5. SIGTERM (as Ctrl-C) while the export is written"
"$cli" run "$scenario" --duration 10800 --out sig >sig.log 2>&1 &
pid=$!
seen=0
while kill -0 "$pid" 2>/dev/null; do
  if compgen -G "sig.staging/.timeseries.csv.tmp-*" >/dev/null; then seen=1; break; fi
  sleep 0.01
done
kill -TERM "$pid" 2>/dev/null
rc=0
wait "$pid" || rc=$?
[ "$seen" -eq 1 ] || fail "the export ended before the signal (exit $rc): $(cat sig.log)"
[ "$rc" -eq 143 ] || fail "exit $rc after SIGTERM, wanted 143 (killed by it)"
left=$(find . -name '.*.tmp-*')
[ -z "$left" ] || fail "temp files left after SIGTERM: $left"
[ ! -e sig ] || fail "a folder appeared after an interrupted export"
"$cli" run "$scenario" --duration 1 --out sig >/dev/null || fail "the next export after the signal"
[ ! -e sig.staging ] || fail "the next export did not remove the staging folder"

echo "6. a scenario whose saved text would be past the loader's 64 MiB"
# 1e6 inline timeline tables, about 61 MB; written out as [[timeline]] blocks they would be
# about 78 MB, which the loader would refuse: refused when loaded, so an export always reloads.
python3 - >big.toml <<'PY'
import sys
b = "B" * 21
print('name = "big"\nduration_s = 10\ntimeline = [')
sys.stdout.writelines('{at_s=%d,set="%s.failure_rate",value=0.5},\n' % (i % 10, b)
                      for i in range(1000000))
print(']\n[traffic]\ntarget = "A"\nrate_rps = 10\n[[service]]\nname = "A"')
print('[[service.dependency]]\ntarget = "%s"\n[[service]]\nname = "%s"' % (b, b))
PY
size=$(stat -c %s big.toml)
[ "$size" -le $((64 << 20)) ] || fail "big.toml is $size bytes, past the file limit itself"
expect 2 "^cbsim-cli validate: big.toml: key 'timeline': the scenario saved again would be [0-9]+ bytes, more than the 64 MiB a scenario file may have; use fewer timeline entries$" -- \
  "$cli" validate big.toml
rm -f big.toml

finish
