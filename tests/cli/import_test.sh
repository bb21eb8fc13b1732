#!/usr/bin/env bash
# import_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli synth-log` and `cbsim-cli import`: every
# format round-trips the known traces byte for byte; .gz and rotated files; the report; bad
# lines and --max-bad; a file no line of which parses; --key into a directory; refused outputs.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1
logs="$src/tests/data/logs"

# Every format (the names from --help), every known trace: log and back, byte for byte.
formats=$("$cli" import --help | sed -n '/^Formats:/,/^Failure/p' | awk 'NF && !/:/ {print $1}')
[ "$(wc -w <<<"$formats")" -eq 5 ] || fail "import --help lists formats '$formats'"
for f in $formats; do
  traces="every_third outage_30s grpc_consecutive"
  [ "$f" = nginx ] && traces=every_third_1s  # $time_local has whole seconds
  for t in $traces; do
    "$cli" synth-log --format "$f" "$logs/$t.csv" --out "$work/$f-$t.log" \
      || fail "synth-log $f $t exited $?"
    "$cli" import --format "$f" "$work/$f-$t.log" --out "$work/$f-$t.csv" 2>"$work/report" \
      || fail "import $f $t exited $?: $(cat "$work/report")"
    cmp -s "$work/$f-$t.csv" "$logs/$t.csv" || fail "$f $t: the imported trace differs"
  done
done
# nginx with $msec keeps milliseconds: the traces with durations round-trip too.
layout='$remote_addr - $remote_user [$msec] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'
"$cli" synth-log --format nginx --log-format "$layout" "$logs/outage_30s.csv" >"$work/msec.log" \
  || fail "synth-log nginx --log-format exited $?"
"$cli" import --format nginx --log-format "$layout" "$work/msec.log" >"$work/msec.csv" 2>/dev/null \
  || fail "import nginx --log-format exited $?"
cmp -s "$work/msec.csv" "$logs/outage_30s.csv" || fail "nginx \$msec: the imported trace differs"
# The default nginx layout cannot hold milliseconds: refused naming the row.
expect 2 "outage_30s.csv:2: key 't_ms'.*whole|outage_30s.csv:2: key 't_ms'.*steps of 1000 ms" -- \
  "$cli" synth-log --format nginx "$logs/outage_30s.csv"

# The report: lines, span, rate, failures.
"$cli" import --format envoy "$work/envoy-every_third.log" --out "$work/r.csv" 2>"$work/report"
grep -q '^lines: 300 read, 300 calls, 0 skipped' "$work/report" || fail "report lines: $(cat "$work/report")"
grep -q '^span: 29900 ms from 2026-01-01T00:00:00.000000Z (t_ms 0), rate 10.000 calls/s' \
  "$work/report" || fail "report span: $(cat "$work/report")"
grep -q '^outcomes: 100 failures (33.33 %)' "$work/report" || fail "report failures: $(cat "$work/report")"

# .gz and rotated files, given in any order: one trace in time order.
split -l 150 "$work/haproxy-outage_30s.log" "$work/rot."
mv "$work/rot.aa" "$work/access.log.2" && gzip -f "$work/access.log.2"
mv "$work/rot.ab" "$work/access.log.1"
mv "$work/rot.ac" "$work/access.log"
"$cli" import --format haproxy "$work/access.log" "$work/access.log.2.gz" "$work/access.log.1" \
  --out "$work/rotated.csv" 2>"$work/report" || fail "rotated import exited $?"
cmp -s "$work/rotated.csv" "$logs/outage_30s.csv" || fail "rotated files: the trace differs"
grep -q '^import: 3 files' "$work/report" || fail "rotated report: $(cat "$work/report")"

# The same file given twice, under any name (the same spelling, ./x, a symbolic or hard link),
# is refused naming it, not read twice.
ln -sf "access.log.1" "$work/sym.log"
ln -f "$work/access.log.1" "$work/hard.log"
expect 2 "access.log.1: given twice; give each log once" -- "$cli" import --format haproxy \
  "$work/access.log.1" "$work/access.log" "$work/access.log.1" --out "$work/twice.csv"
for other in "$work/./access.log.1" "$work/sym.log" "$work/hard.log"; do
  expect 2 "cbsim-cli import: $other: the same file as $work/access.log.1, given twice" -- \
    "$cli" import --format haproxy "$work/access.log.1" "$other" --out "$work/twice.csv"
done
[ -e "$work/twice.csv" ] && fail "a file given twice was imported"

# A truncated .gz (a partial copy) is bad input naming the file, like a corrupt one (a wrong
# CRC), not a shorter log: exit 2, nothing written, for import and replay --format alike.
gzip -c "$work/json-every_third.log" >"$work/whole.log.gz"
head -c 300 "$work/whole.log.gz" >"$work/trunc.log.gz"
expect 2 "trunc.log.gz: cannot read the file: the gzip data ends early \(the file is truncated\)" -- \
  "$cli" import --format json "$work/trunc.log.gz" --out "$work/trunc.csv"
[ -e "$work/trunc.csv" ] && fail "a truncated .gz was imported"
expect 2 "trunc.log.gz: cannot read the file: the gzip data ends early" -- \
  "$cli" replay --config "$src/assets/presets/gobreaker.toml" --format json \
  --trace "$work/trunc.log.gz" --out "$work/trunc_decisions.csv"
[ -e "$work/trunc_decisions.csv" ] && fail "a truncated .gz was replayed"
python3 - "$work/whole.log.gz" "$work/crc.log.gz" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
data[-8] ^= 0xFF  # the CRC32 of the trailer
open(sys.argv[2], 'wb').write(data)
PY
expect 2 "crc.log.gz(:1)?: cannot read the file: .*incorrect data check" -- \
  "$cli" import --format json "$work/crc.log.gz" --out "$work/crc.csv"
[ -e "$work/crc.csv" ] && fail "a corrupt .gz was imported"
expect 0 "" -- "$cli" import --format json "$work/whole.log.gz" --out "$work/whole.csv"
cmp -s "$work/whole.csv" "$logs/every_third.csv" || fail "the whole .gz imports differently"

# Bad lines: skipped, reported with file and line, exit 0; --max-bad turns them into exit 2.
{ echo "not a log line"; head -5 "$work/json-every_third.log"; echo '{"time": 12'; 
  tail -n +6 "$work/json-every_third.log"; } >"$work/bad.json"
expect 0 "bad.json:1: not in the format .*'not a log line'" -- \
  "$cli" import --format json "$work/bad.json" --out "$work/bad.csv"
cmp -s "$work/bad.csv" "$logs/every_third.csv" || fail "bad lines: the good ones differ"
expect 0 "2 skipped \(0.66 %\)" -- "$cli" import --format json "$work/bad.json" --out "$work/bad.csv"
expect 0 "" -- "$cli" import --format json "$work/bad.json" --out "$work/b2.csv" --max-bad 2
expect 2 "2 of 302 lines skipped, more than --max-bad 1; nothing written" -- \
  "$cli" import --format json "$work/bad.json" --out "$work/b1.csv" --max-bad 1
[ -e "$work/b1.csv" ] && fail "--max-bad exceeded but the trace was written"
expect 2 "more than --max-bad 0.5%" -- \
  "$cli" import --format json "$work/bad.json" --out "$work/b1.csv" --max-bad 0.5%
expect 0 "" -- "$cli" import --format json "$work/bad.json" --out "$work/b1.csv" --max-bad 1%
expect 2 "--max-bad 'x' is not a limit" -- \
  "$cli" import --format json "$work/bad.json" --max-bad x

# A file no line of which is in the format: exit 2 naming it and its first line.
expect 2 "envoy-every_third.log:1: no line is in the nginx format .*first line: '\[2026-01-01T00:00:00.000Z\] " -- \
  "$cli" import --format nginx "$work/nginx-every_third_1s.log" "$work/envoy-every_third.log"
: >"$work/empty.log"
expect 2 "empty.log: the file is empty" -- "$cli" import --format nginx "$work/empty.log"
expect 2 "missing.log: cannot read the file" -- "$cli" import --format nginx "$work/missing.log"

# --key: one trace per key in a directory, the mapping in the report.
expect 0 "keys: 3 \(--key upstream\)" -- \
  "$cli" import --format envoy "$work/envoy-grpc_consecutive.log" --key upstream --out "$work/keys"
for host in 10.0.3.7_8080 10.0.3.8_8080 10.0.3.9_8080; do
  [ -f "$work/keys/trace-$host.csv" ] || fail "--key upstream: no trace-$host.csv"
done
rows=$(cat "$work"/keys/trace-*.csv | grep -vc '^t_ms')
[ "$rows" -eq 240 ] || fail "--key upstream: $rows rows in all, wanted 240"
expect 0 "'/api/cart' -> trace-_api_cart.csv" -- \
  "$cli" import --format json "$work/json-grpc_consecutive.log" --key route --out "$work/routes"
expect 2 "--key writes one trace per key; give --out DIR" -- \
  "$cli" import --format envoy "$work/envoy-grpc_consecutive.log" --key upstream
expect 2 "key 'upstream': the nginx layout has no such field" -- \
  "$cli" import --format nginx "$work/nginx-every_third_1s.log" --key upstream --out "$work/k2"

# Options: rule, timeout, mapping.
expect 0 "failure rule 'status>=400', timeout 900 ms" -- \
  "$cli" import --format envoy "$work/envoy-outage_30s.log" --failure 'status>=400' --timeout-ms 900 --out "$work/t.csv"
grep -q ',timeout,1000$' "$work/t.csv" || fail "--timeout-ms: no timeout row"
expect 2 "--failure: 'status >> 5' column 9: expected a status" -- \
  "$cli" import --format envoy "$work/envoy-outage_30s.log" --failure 'status >> 5'
expect 2 "--field: key 'when=ts': expected NAME=FIELD" -- \
  "$cli" import --format json "$work/bad.json" --field when=ts
expect 2 "--field is for json and csv" -- \
  "$cli" import --format nginx "$work/nginx-every_third_1s.log" --field time=ts
expect 2 "--format: .*apache" -- "$cli" import --format apache "$work/bad.json"

# --no-duration: the two-column trace; --reorder-ms 0 skips the calls logged out of start order.
"$cli" import --format json "$work/json-outage_30s.log" --no-duration >"$work/nd.csv" 2>/dev/null \
  || fail "--no-duration exited $?"
cut -d, -f1,2 "$logs/outage_30s.csv" | sed '1s/.*/t_ms,outcome/' | cmp -s - "$work/nd.csv" \
  || fail "--no-duration: not the trace without durations"
expect 0 "later than the reorder window" -- \
  "$cli" import --format json "$work/json-outage_30s.log" --reorder-ms 0 --out "$work/r0.csv"
expect 2 "--reorder-ms 'x' is not a duration" -- \
  "$cli" import --format json "$work/json-outage_30s.log" --reorder-ms x

# Outputs: devices, FIFOs and directories are refused before any work.
mkfifo "$work/fifo"
expect 2 "--out .*fifo.*FIFO" -- "$cli" import --format json "$work/bad.json" --out "$work/fifo"
expect 2 "--out .*is a directory" -- "$cli" import --format json "$work/bad.json" --out "$work"
expect 2 "--out /dev/null: is a character device" -- \
  "$cli" import --format json "$work/bad.json" --out /dev/null
ls -A "$work" | grep -q '^\.' && fail "temporary files left in $work"

finish
