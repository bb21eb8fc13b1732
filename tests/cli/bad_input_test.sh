#!/usr/bin/env bash
# bad_input_test.sh CLI SOURCE_DIR WORK_DIR: every bad input of docs/RELIABILITY.md, run for
# real. Each case names the file or option, the command, the exit code it must give and a
# pattern its message must match (file, line and key where there is one). With
# BAD_INPUT_TABLE=FILE the cases are also written to FILE as the markdown rows of the table in
# docs/RELIABILITY.md (command, exit code, the exact message).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1
cd "$work"  # messages name files relative to here
table=${BAD_INPUT_TABLE:-}
[ -z "$table" ] || : >"$table"

# case_ WHAT CODE PATTERN -- ARGS...: runs `cbsim-cli ARGS`, checks exit code and message.
case_() {
  local what=$1 want=$2 pattern=$3 out got=0
  shift 4
  out=$("$cli" "$@" 2>&1 </dev/null) || got=$?
  out=$(head -3 <<<"$out")
  [ "$got" -eq "$want" ] || fail "$what: exit $got, wanted $want: $out"
  grep -Eq -- "$pattern" <<<"$out" || fail "$what: message does not match /$pattern/: $out"
  if [ -n "$table" ]; then
    local msg=${out//|/\\|}
    msg=${msg//$'\n'/ }
    printf '| %s | `cbsim-cli %s` | %d | `%s` |\n' "$what" "$*" "$got" "$msg" >>"$table"
  fi
}

# A valid scenario to break one line at a time: scen NAME SED-EXPRESSION writes NAME.toml.
cat >base.toml <<'TOML'
name = "bad"
duration_s = 10

[traffic]
target = "A"
rate_rps = 10

[[service]]
name = "A"
capacity = 10

[[service.dependency]]
target = "B"
timeout_ms = 100

[service.dependency.breaker]
preset = "gobreaker"

[[service]]
name = "B"
failure_rate = 0.1
TOML
scen() { sed -e "$2" base.toml >"$1.toml"; }
tl='s/^failure_rate = 0.1$/failure_rate = 0.1\n[[timeline]]\nat_s = AT\nset = "SET"\nvalue = VALUE/'
timeline() { scen "$1" "$(sed -e "s/AT/$2/; s/SET/$3/; s/VALUE/$4/" <<<"$tl")"; }

case_ "valid scenario (reference)" 0 "ok, scenario" -- validate base.toml
scen nan_rate 's/^rate_rps = 10$/rate_rps = nan/'
case_ "scenario: NaN rate" 2 "nan_rate.toml:6: key 'traffic.rate_rps': nan is not allowed" -- validate nan_rate.toml
scen inf_rate 's/^rate_rps = 10$/rate_rps = inf/'
case_ "scenario: Inf rate" 2 "inf_rate.toml:6: key 'traffic.rate_rps': inf is not allowed" -- validate inf_rate.toml
scen neg_duration 's/^duration_s = 10$/duration_s = -5/'
case_ "scenario: negative duration" 2 "neg_duration.toml:2: key 'duration_s': -5 is out of range" -- validate neg_duration.toml
scen zero_duration 's/^duration_s = 10$/duration_s = 0/'
case_ "scenario: zero duration" 2 "zero_duration.toml:2: key 'duration_s'" -- run zero_duration.toml
scen huge_duration 's/^duration_s = 10$/duration_s = 1e15/'
case_ "scenario: absurd duration" 2 "huge_duration.toml:2: key 'duration_s'.*out of range" -- validate huge_duration.toml
scen huge_rate 's/^rate_rps = 10$/rate_rps = 1e12/'
case_ "scenario: absurd rate" 2 "huge_rate.toml:6: key 'traffic.rate_rps'.*out of range" -- validate huge_rate.toml
scen huge_instances 's/^capacity = 10$/capacity = 10\ninstances = 1000000000/'
case_ "scenario: absurd instances" 2 "huge_instances.toml:11: key 'service\[0\].instances'.*out of range" -- validate huge_instances.toml
scen int64_queue 's/^capacity = 10$/capacity = 10\nqueue_limit = 9223372036854775807/'
case_ "scenario: int64 max queue_limit" 2 "int64_queue.toml:11: key 'service\\[0\\].queue_limit': 9223372036854775807 is out of range" -- validate int64_queue.toml
scen huge_queue 's/^capacity = 10$/capacity = 10\nqueue_limit = 100000000000/'
case_ "scenario: absurd queue_limit" 2 "huge_queue.toml:11: key 'service\[0\].queue_limit'" -- validate huge_queue.toml
scen zero_resolution 's/^duration_s = 10$/duration_s = 10\nresolution_ms = 0/'
case_ "scenario: zero resolution" 2 "zero_resolution.toml:3: key 'resolution_ms'" -- validate zero_resolution.toml
scen unknown_top 's/^name = "bad"$/nme = "bad"/'
case_ "scenario: unknown top-level key" 2 "unknown_top.toml:1: key 'nme': unknown key" -- validate unknown_top.toml
scen unknown_key 's/^capacity = 10$/capacty = 10/'
case_ "scenario: misspelt service key" 2 "unknown_key.toml:10: key 'service\[0\].capacty': unknown key" -- validate unknown_key.toml
scen type_string 's/^capacity = 10$/capacity = "ten"/'
case_ "scenario: string for an integer" 2 "type_string.toml:10: key 'service\[0\].capacity': expected an integer, got a string" -- validate type_string.toml
scen type_float 's/^capacity = 10$/capacity = 10.5/'
case_ "scenario: fraction for an integer" 2 "type_float.toml:10: key 'service\[0\].capacity': 10.5 is not an integer" -- validate type_float.toml
scen type_table 's/^capacity = 10$/capacity = 10\nlatency_ms = 5/'
case_ "scenario: number for a table" 2 "type_table.toml:11: key 'service\[0\].latency_ms': expected a table" -- validate type_table.toml
scen seed_negative 's/^duration_s = 10$/duration_s = 10\nseed = -1/'
case_ "scenario: negative seed" 2 "seed_negative.toml:3: key 'seed': -1 is negative" -- validate seed_negative.toml
scen seed_overflow 's/^duration_s = 10$/duration_s = 10\nseed = 18446744073709551616/'
case_ "scenario: seed beyond 64 bits" 2 "seed_overflow.toml:3: not valid TOML" -- validate seed_overflow.toml
scen syntax 's/^name = "bad"$/name = "bad/'
case_ "scenario: unterminated string" 2 "syntax.toml:1: not valid TOML" -- validate syntax.toml
scen duplicate_key 's/^capacity = 10$/capacity = 10\ncapacity = 20/'
case_ "scenario: key given twice" 2 "duplicate_key.toml:11: not valid TOML.*capacity" -- validate duplicate_key.toml
scen duplicate_service 's/^name = "B"$/name = "A"/'
case_ "scenario: two services of one name" 2 "duplicate_service.toml:20: key 'service\[1\].name'" -- validate duplicate_service.toml
scen bad_name 's/^name = "B"$/name = "B,C"/; s/^target = "B"$/target = "B,C"/'
case_ "scenario: comma in a service name" 2 "bad_name.toml:20: key 'service\[1\].name'.*not a valid name" -- validate bad_name.toml
scen long_name "s/^name = \"A\"$/name = \"$(printf 'A%.0s' $(seq 100000))\"/"
case_ "scenario: 100 kB service name" 2 "long_name.toml:9: key 'service\[0\].name': is 100000 bytes long" -- validate long_name.toml
scen esc_name 's/^name = "B"$/name = "B\\u001b[2J"/; s/^target = "B"$/target = "B\\u001b[2J"/'
case_ "scenario: escape sequence in a service name" 2 "esc_name.toml:20: key 'service\\[1\\].name': \"B\\\\x1b\\[2J\" is not a valid name" -- validate esc_name.toml
scen esc_key 's/^capacity = 10$/"cap\\u0007" = 10/'
case_ "scenario: control character in a key" 2 "esc_key.toml:10: key 'service\\[0\\].cap\\\\x07': unknown key" -- validate esc_key.toml
scen unknown_target 's/^target = "B"$/target = "C"/'
case_ "scenario: dependency on a missing service" 2 "unknown_target.toml:13: key 'service\[0\].dependency\[0\].target'" -- validate unknown_target.toml
scen cycle 's/^failure_rate = 0.1$/failure_rate = 0.1\n[[service.dependency]]\ntarget = "A"/'
case_ "scenario: dependency cycle" 2 "cycle.toml:12: key 'service\[0\].dependency'.*cycle" -- validate cycle.toml
scen latency_order 's/^capacity = 10$/capacity = 10\nlatency_ms = { p50 = 50, p99 = 5 }/'
case_ "scenario: p99 below p50" 2 "latency_order.toml:11: key 'service\[0\].latency_ms.p99'" -- validate latency_order.toml
scen preset 's/^preset = "gobreaker"$/preset = "sentinel"/'
case_ "scenario: unknown breaker preset" 2 "preset.toml:17: key 'service\[0\].dependency\[0\].breaker.preset'" -- validate preset.toml
scen ratio 's/^preset = "gobreaker"$/preset = "gobreaker"\n[service.dependency.breaker.trip]\nfailure_ratio = 1.5/'
case_ "scenario: breaker ratio above 1" 2 "ratio.toml:19: key 'service\[0\].dependency\[0\].breaker.trip.failure_ratio'" -- validate ratio.toml
timeline tl_negative -1 B.failure_rate 0.5
case_ "scenario: timeline at a negative time" 2 "tl_negative.toml:23: key 'timeline\[0\].at_s'" -- validate tl_negative.toml
timeline tl_nan 1 B.failure_rate nan
case_ "scenario: timeline NaN value" 2 "tl_nan.toml:25: key 'timeline\[0\].value': nan is not allowed" -- validate tl_nan.toml
timeline tl_path 1 B.nope 0.5
case_ "scenario: timeline unknown path" 2 "tl_path.toml:24: key 'timeline\[0\].set'" -- validate tl_path.toml
timeline tl_bool 1 B.failure_rate true
case_ "scenario: timeline true for a number" 2 "tl_bool.toml:25: key 'timeline\\[0\\].value': B.failure_rate: \"true\" is not allowed; expected a number in \\[0, 1\\]" -- validate tl_bool.toml
timeline tl_range 1 B.failure_rate 7
case_ "scenario: timeline value out of range" 2 "tl_range.toml:25: key 'timeline\[0\].value'" -- validate tl_range.toml
: >empty.toml
case_ "scenario: empty file" 2 "empty.toml: key 'service': at least one" -- validate empty.toml
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe' >binary.toml
case_ "scenario: binary file" 2 "binary.toml:1: not valid TOML" -- validate binary.toml
mkdir -p folder.toml
case_ "scenario: a directory" 2 "folder.toml: cannot read the file: it is a directory" -- validate folder.toml
case_ "scenario: missing file" 2 "missing.toml: cannot read the file: No such file or directory" -- run missing.toml

# Breaker files.
br() { printf "$2" >"$1.toml"; }
br br_nan '[breaker]\ntimeout_ms = nan\n'
case_ "breaker: NaN" 2 "br_nan.toml:2: key 'breaker.timeout_ms': nan is not an integer" -- validate br_nan.toml
br br_inf '[breaker]\n[breaker.trip]\nfailure_ratio = inf\nmin_requests = 3\n'
case_ "breaker: Inf" 2 "br_inf.toml:3: key 'breaker.trip.failure_ratio': inf is not allowed" -- validate br_inf.toml
br br_negative '[breaker]\ntimeout_ms = -5\n'
case_ "breaker: negative duration" 2 "br_negative.toml:2: key 'breaker.timeout_ms': -5 is out of range" -- validate br_negative.toml
br br_huge '[breaker]\nmax_requests = 99999999999\n'
case_ "breaker: absurd size" 2 "br_huge.toml:2: key 'breaker.max_requests'.*out of range" -- validate br_huge.toml
br br_int64 '[breaker]\nmax_requests = 9223372036854775807\n'
case_ "breaker: int64 max" 2 "br_int64.toml:2: key 'breaker.max_requests': 9223372036854775807 is out of range" -- validate br_int64.toml
br br_buckets '[breaker]\nbucket_period_ms = 1\ninterval_ms = 1000000000\n'
case_ "breaker: a billion rolling buckets" 2 "br_buckets.toml:3: key 'breaker.interval_ms'.*at most 100000" -- validate br_buckets.toml
br br_r4j_backoff '[breaker]\npreset = "resilience4j"\nexponential_backoff_multiplier = 0.5\n'
case_ "breaker: a backoff multiplier the library refuses" 2 "br_r4j_backoff.toml:3: key 'breaker.exponential_backoff_multiplier': .*is below 1, which Resilience4j refuses.*or a number in \\[1, 10\\]" -- validate br_r4j_backoff.toml
br br_type '[breaker]\ntimeout_ms = "10s"\n'
case_ "breaker: string for a number" 2 "br_type.toml:2: key 'breaker.timeout_ms': a string is not allowed" -- validate br_type.toml
br br_unknown '[breaker]\nmax_request = 1\n'
case_ "breaker: misspelt key" 2 "br_unknown.toml:2: key 'breaker.max_request': unknown key" -- validate br_unknown.toml
br br_other '[breaker]\npreset = "polly"\nmax_requests = 2\n'
case_ "breaker: key of another preset" 2 "br_other.toml:3: key 'breaker.max_requests': unknown key for preset 'polly'" -- validate br_other.toml
br br_two '[breaker]\n[breaker.trip]\nconsecutive_failures = 3\ntotal_failures = 3\n'
case_ "breaker: two trip rules" 2 "br_two.toml:[34]: key 'breaker.trip.*two trip forms" -- validate br_two.toml
br br_r4j '[breaker]\npreset = "resilience4j"\nfailure_rate_threshold = 150\n'
case_ "breaker: percentage above 100" 2 "br_r4j.toml:3: key 'breaker.failure_rate_threshold'" -- validate br_r4j.toml
br br_table 'breaker = 5\n'
case_ "breaker: not a table" 2 "br_table.toml:1: key 'breaker': expected a table" -- validate br_table.toml
case_ "breaker: a directory" 2 "folder.toml: cannot read the file: it is a directory" -- replay --config folder.toml --trace t.csv
br br_lint '[breaker]\npreset = "polly"\n'
case_ "lint: a breaker file (no traffic)" 2 "br_lint.toml: a breaker file has no traffic" -- lint br_lint.toml

# Traces (replay).
br good '[breaker]\n[breaker.trip]\nconsecutive_failures = 3\n'
tr() { printf "$2" >"$1.csv"; }
tr t 't_ms,outcome\n0,success\n'
rp() { case_ "$1" "$2" "$3" -- replay --config good.toml --trace "$4"; }
tr tr_header 'time,result\n0,success\n'
rp "trace: wrong header" 2 "tr_header.csv:1: key 'header'" tr_header.csv
tr tr_bom '\xef\xbb\xbft_ms,outcome\n0,success\n'
rp "trace: UTF-8 byte order mark (accepted)" 0 "^t_ms,outcome,decision,state" tr_bom.csv
tr tr_negative 't_ms,outcome\n-1,success\n'
rp "trace: negative time" 2 "tr_negative.csv:2: key 't_ms': '-1' is not a time" tr_negative.csv
tr tr_nan 't_ms,outcome\nnan,success\n'
rp "trace: NaN time" 2 "tr_nan.csv:2: key 't_ms': 'nan' is not a time" tr_nan.csv
tr tr_inf 't_ms,outcome\n0,success\ninf,failure\n'
rp "trace: Inf time" 2 "tr_inf.csv:3: key 't_ms': 'inf' is not a time" tr_inf.csv
tr tr_huge 't_ms,outcome\n99999999999999999999,success\n'
rp "trace: time beyond 31 years" 2 "tr_huge.csv:2: key 't_ms'" tr_huge.csv
tr tr_decimals 't_ms,outcome\n1.0001,success\n'
rp "trace: sub-microsecond time" 2 "tr_decimals.csv:2: key 't_ms'" tr_decimals.csv
tr tr_decreasing 't_ms,outcome\n5,success\n3,failure\n'
rp "trace: time going back" 2 "tr_decreasing.csv:3: key 't_ms': 3 is before the previous row's 5" tr_decreasing.csv
tr tr_outcome 't_ms,outcome\n0,SUCCESS\n'
rp "trace: unknown outcome" 2 "tr_outcome.csv:2: key 'outcome'" tr_outcome.csv
tr tr_nul 't_ms,outcome\n0,succ\0ess\n'
rp "trace: NUL byte in a field" 2 "tr_nul.csv:2: key 'outcome': 'succ.x00ess'" tr_nul.csv
tr tr_fields 't_ms,outcome\n0,success,12\n'
rp "trace: extra field" 2 "tr_fields.csv:2: expected 2 fields, got 3" tr_fields.csv
tr tr_duration 't_ms,outcome,duration_ms\n0,success,-5\n'
rp "trace: negative duration" 2 "tr_duration.csv:2: key 'duration_ms'" tr_duration.csv
tr tr_empty ''
rp "trace: empty file" 2 "tr_empty.csv:1: key 'header': empty trace" tr_empty.csv
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe' >tr_binary.csv
rp "trace: binary file" 2 "tr_binary.csv:1: key 'header'.*x89PNG" tr_binary.csv
rp "trace: a directory" 2 "folder.toml: cannot read the file: it is a directory" folder.toml
rp "trace: missing file" 2 "missing.csv: cannot read the file" missing.csv

# Access logs (import, synth-log).
printf '203.0.113.7 - - [07/Dec/2026:03:00:01 +0000] "GET /a HTTP/1.1" 200 5 "-" "curl/7.88.1" 0.012\n203.0.113.7 - - [07/Dec/2026:03:00:02 +0000] "GET /a HTTP/1.1" 503 5 "-" "curl/7.88.1" 0.020\n' >ok.log
{ cat ok.log; printf 'GET /a 200\n'; } >bad_line.log
printf '{"ts":"2026-12-07T03:00:01Z","code":200}\n' >other.log
: >empty.log
printf 'ts,code\n2026-12-07T03:00:01Z,200\n' >calls.csv
im() { case_ "$1" "$2" "$3" -- import "${@:4}"; }
im "import: a line not in the format (skipped, exit 0)" 0 "lines: 3 read, 2 calls, 1 skipped" --format nginx bad_line.log --out im.csv
im "import: more bad lines than --max-bad" 2 "1 of 3 lines skipped, more than --max-bad 0; nothing written" --format nginx bad_line.log --out im.csv --max-bad 0
case_ "replay: a log line not in the format (skipped, exit 0)" 0 "lines: 3 read, 2 calls, 1 skipped" -- replay --config good.toml --format nginx --trace bad_line.log --out rp.csv
case_ "replay: more bad log lines than --max-bad" 2 "1 of 3 lines skipped, more than --max-bad 0; nothing written" -- replay --config good.toml --format nginx --trace bad_line.log --out rp.csv --max-bad 0
im "import: --max-bad not a limit" 2 "--max-bad '5x' is not a limit" --format nginx ok.log --max-bad 5x
im "import: no line of a file in the format" 2 "other.log:1: no line is in the nginx format .*first line: '\{\"ts\"" --format nginx ok.log other.log
im "import: empty log" 2 "empty.log: the file is empty" --format nginx empty.log
im "import: missing log" 2 "missing.log: cannot read the file: No such file or directory" --format nginx missing.log
ln -sf ok.log ok_link.log
im "import: one log given twice" 2 "ok_link.log: the same file as ok.log, given twice; give each log once" --format nginx ok.log ok_link.log --out im.csv
case_ "replay: one log given twice" 2 "ok.log: given twice; give each log once" -- replay --config good.toml --format nginx --trace ok.log --trace ok.log --out rp.csv
gzip -c ok.log >ok.log.gz
head -c 60 ok.log.gz >trunc.log.gz
im "import: a truncated .gz log" 2 "trunc.log.gz: cannot read the file: the gzip data ends early" --format nginx trunc.log.gz --out im.csv
{ head -c -8 ok.log.gz; printf '\0\0\0\0'; tail -c 4 ok.log.gz; } >crc.log.gz
im "import: a .gz log with a wrong CRC" 2 "crc.log.gz(:1)?: cannot read the file: crc.log.gz: incorrect data check" --format nginx crc.log.gz --out im.csv
im "import: a directory as log" 2 "folder.toml: cannot read the file" --format nginx folder.toml
im "import: unknown format" 2 "--format: apache not in" --format apache ok.log
im "import: failure rule syntax" 2 "--failure: 'status => 500' column 8: expected >=, >, <=, <, == or !=" --format nginx ok.log --failure 'status => 500'
im "import: --field unknown name" 2 "--field: key 'when=ts': expected NAME=FIELD\[:UNIT\]" --format json other.log --field when=ts
im "import: --field unit" 2 "--field: key 'duration=d:h': 'h' is not a unit; expected s, ms, us or ns" --format json other.log --field time=ts,duration=d:h
im "import: --field for nginx" 2 "--field is for json and csv" --format nginx ok.log --field time=ts
im "import: csv without the mapped column" 2 "calls.csv:1: key 'time': no such column in the header 'ts,code'" --format csv calls.csv
im "import: --log-format without a time" 2 "--log-format: the layout has no time; expected \\\$time_local" --format nginx ok.log --log-format '$remote_addr $status'
im "import: --key the layout lacks" 2 "--: key 'upstream': the nginx layout has no such field|--key: key 'upstream': the nginx layout has no such field" --format nginx ok.log --key upstream --out keys
im "import: --key without --out DIR" 2 "--key writes one trace per key; give --out DIR" --format json other.log --field time=ts --key code
im "import: --timeout-ms -5" 2 "--timeout-ms '-5' is not a duration" --format nginx ok.log --timeout-ms -5
[ -p out.fifo ] || mkfifo out.fifo
im "import: --out is a FIFO" 2 "--out out.fifo: is a FIFO; expected a regular file" --format nginx ok.log --out out.fifo
printf 't_ms,outcome,duration_ms\n0,success,12\n' >sy.csv
case_ "synth-log: a time the format cannot hold" 2 "sy.csv:2: key 't_ms': 12 ms cannot be written in nginx's \\\$time_local" -- synth-log --format nginx sy.csv

# Command-line values.
s=$src/assets/scenarios/default.toml
cp "$s" default.toml
case_ "option: --duration nan" 2 "--duration nan is not allowed; expected a number in" -- run default.toml --duration nan
case_ "option: --duration -1" 2 "--duration -1 is out of range" -- run default.toml --duration -1
case_ "option: --duration 1e300" 2 "--duration 1e\+300 is out of range" -- run default.toml --duration 1e300
case_ "option: --seed -1" 2 "--seed: must be an integer in \[0, 18446744073709551615\], got '-1'" -- run default.toml --seed -1
case_ "option: --seed abc" 2 "--seed" -- run default.toml --seed abc
: >a_file
case_ "option: --out is a file" 2 "--out a_file: exists and is not a directory" -- run default.toml --duration 1 --out a_file
case_ "option: --out parent missing" 2 "--out no/such/dir: parent directory no/such does not exist" -- run default.toml --duration 1 --out no/such/dir
mkdir -p mine && echo "notes" >mine/notes.txt
case_ "option: --out holds other files" 2 "--out mine: holds 'notes.txt', which is not part of a run export" -- run default.toml --duration 1 --out mine
grep -qx notes mine/notes.txt || fail "the refused folder was touched"
case_ "option: --out is the current directory" 2 "--out \.: is the current directory" -- run default.toml --duration 1 --out .
case_ "option: replay --out in a missing folder" 2 "--out no/decisions.csv: parent directory no does not exist" -- replay --config good.toml --trace t.csv --out no/decisions.csv
case_ "option: replay --out is a directory" 2 "--out folder.toml: is a directory; expected a regular file" -- replay --config good.toml --trace t.csv --out folder.toml
[ -p out.fifo ] || mkfifo out.fifo
case_ "option: replay --out is a FIFO" 2 "--out out.fifo: is a FIFO; expected a regular file" -- replay --config good.toml --trace t.csv --out out.fifo
[ -p out.fifo ] || fail "the FIFO was replaced"
case_ "option: replay --out under a file" 2 "--out a_file/decisions.csv: parent a_file is not a directory" -- replay --config good.toml --trace t.csv --out a_file/decisions.csv
br other '[breaker]\npreset = "polly"\n'
case_ "option: replay several --config without --out" 2 "--out DIR is required with several --config" -- replay --config good.toml --config other.toml --trace t.csv
mkdir -p sub && cp good.toml sub/good.toml
case_ "option: replay two configs of one name" 2 "--config good.toml and --config sub/good.toml have the same name 'good'" -- replay --config good.toml --config sub/good.toml --trace t.csv --out replayed
cp good.toml "a b.toml"
case_ "option: replay a config name unfit for a file name" 2 "--config a b.toml: config name 'a b' is not allowed" -- replay --config good.toml --config "a b.toml" --trace t.csv --out replayed
case_ "option: replay --out folder holds other files" 2 "--out mine: holds 'notes.txt', which is not part of a replay folder" -- replay --config good.toml --config other.toml --trace t.csv --out mine
case_ "trace: bad row in a several-config replay" 2 "tr_decreasing.csv:3: key 't_ms': 3 is before the previous row's 5" -- replay --config good.toml --config other.toml --trace tr_decreasing.csv --out replayed
[ -e replayed ] || [ -e replayed.staging ] && fail "a refused replay left a folder"
case_ "option: --out under a file" 2 "--out a_file/x: parent a_file is not a directory" -- run default.toml --duration 1 --out a_file/x
case_ "option: --out name too long" 2 "--out n{250}: cannot create the staging directory n{250}.staging: File name too long" -- run default.toml --duration 1 --out "$(printf 'n%.0s' $(seq 250))"
case_ "option: --out under /proc" 2 "--out /proc/cbsim-out: (cannot create the staging directory /proc/cbsim-out.staging|parent directory /proc is not writable)" -- run default.toml --duration 1 --out /proc/cbsim-out
mkdir -p staged.staging && echo "notes" >staged.staging/notes.txt
case_ "option: --out beside a foreign DIR.staging" 2 "--out staged: staged.staging \\(the staging folder of an export\\) exists and is not one cbsim left: holds 'notes.txt'" -- run default.toml --duration 1 --out staged
grep -qx notes staged.staging/notes.txt || fail "the foreign staging folder was touched"
case_ "option: --seed 2^64" 2 "--seed: must be an integer in \\[0, 18446744073709551615\\], got '18446744073709551616'" -- run default.toml --seed 18446744073709551616
case_ "option: --duration ''" 2 "--duration: must be a number of seconds" -- run default.toml --duration ''
case_ "option: --duration 1e-7" 2 "--duration 1e-07 is out of range; expected a number in \\[1e-06, 10000000\\] \\(seconds\\)" -- run default.toml --duration 1e-7
case_ "option: unknown flag" 2 "--frobnicate" -- run default.toml --frobnicate
case_ "option: --set out of range" 2 "--set B.failure_rate=2: B.failure_rate: 2 is out of range; expected a number in \\[0, 1\\]" -- run default.toml --set B.failure_rate=2
case_ "option: --set an integer past 2^53" 2 "--set B.capacity=9007199254740993: B.capacity: 9007199254740993 is out of range; expected an integer in \\[0, 1000000\\]" -- run default.toml --set B.capacity=9007199254740993
case_ "option: --set unknown choice" 2 "--set A->B.retry.jitter=fulll: A->B.retry.jitter: \"fulll\" is not allowed; expected one of: none, full, equal, decorrelated" -- run default.toml --set 'A->B.retry.jitter=fulll'
case_ "option: --set unknown path" 2 "--set B.capacty=5: B.capacty: not a settable path.*cbsim-cli keys" -- run default.toml --set B.capacty=5
case_ "option: --set one path twice" 2 "--set B.failure_rate=0.2: B.failure_rate: given twice; give each path once" -- run default.toml --set B.failure_rate=0.1 --set B.failure_rate=0.2
case_ "option: --set without a value" 2 "--set B.failure_rate: expected PATH=VALUE" -- run default.toml --set B.failure_rate
case_ "compare: misspelt variant path" 2 "variant 'r3': A->B.retry.max_attemps: not a protection setting.*close matches: A->B.retry.max_attempts" -- compare default.toml --variant base --variant 'r3:A->B.retry.max_attemps=3'
case_ "compare: variant value out of range" 2 "variant 'r0': A->B.retry.max_attempts: 0 is out of range; expected an integer in \\[1, 100\\]" -- compare default.toml --variant base --variant 'r0:A->B.retry.max_attempts=0'
case_ "compare: variant sets the world" 2 "variant 'bad': B.failure_rate: a world setting" -- compare default.toml --variant base --variant 'bad:B.failure_rate=0.5'
case_ "compare: variant unknown preset" 2 "variant 'p': A->B.breaker.preset: \"sentinel\" is not allowed; expected one of: none, gobreaker" -- compare default.toml --variant base --variant 'p:A->B.breaker.preset=sentinel'
case_ "compare: variant breaker key on an edge without breaker" 2 "variant 'n': A->B.breaker.timeout_ms: the edge A->B has no breaker; set A->B.breaker.preset too \\(one of: gobreaker" -- compare default.toml --variant base --variant 'n:A->B.breaker.preset=none,A->B.breaker.timeout_ms=5'
case_ "compare: variant without a value" 2 "variant 't': 'A->B.timeout_ms' is not PATH=VALUE" -- compare default.toml --variant base --variant 't:A->B.timeout_ms'
case_ "compare: variant name with a slash" 2 "variant name 'a/b' is not allowed; expected 1 to 64 letters" -- compare default.toml --variant 'a/b'
case_ "compare: two variants of one name" 2 "variant name 'base' is used twice" -- compare default.toml --variant base --variant base
case_ "compare: nine variants" 2 "9 variants; expected 1 to 8" -- compare default.toml --variant a --variant b --variant c --variant d --variant e --variant f --variant g --variant h --variant i
case_ "compare: no variant" 2 "no --variant given; expected 1 to 8" -- compare default.toml
case_ "compare: --seeds 0" 2 "--seeds 0 is out of range; expected \\[1, 1000\\]" -- compare default.toml --variant base --seeds 0
case_ "compare: seeds past 2^64" 2 "run past 18446744073709551615" -- compare default.toml --variant base --seed 18446744073709551615 --seeds 2
case_ "compare: --out holds other files" 2 "--out mine: holds 'notes.txt', which is not part of a compare folder" -- compare default.toml --duration 1 --variant base --out mine
printf 'scenario = "default.toml"\nseeds = 0\nvariants = ["base"]\n' >cmp_seeds.toml
case_ "compare file: seeds 0" 2 "cmp_seeds.toml:2: key 'seeds': expected an integer in \\[1, 1000\\]" -- compare cmp_seeds.toml
printf 'scenario = "default.toml"\nvariants = ["base", "x:B.failure_rate=1"]\n' >cmp_world.toml
case_ "compare file: variant sets the world" 2 "cmp_world.toml: key 'variants': variant 'x': B.failure_rate: a world setting" -- compare cmp_world.toml

# Sweep specs (docs/SWEEPS.md): one line off a valid spec on default.toml.
cat >sw.sweep.toml <<'TOML'
scenario = "default.toml"
edge = "A->B"
seeds = 2
duration_s = 5

[[axis]]
path = "A->B.breaker.trip.consecutive_failures"
values = [2, 3]

[[profile]]
name = "outage"
kind = "step"
at_s = 1
failure_rate = 0.5
TOML
sw() { sed -e "$2" sw.sweep.toml >"$1.sweep.toml"; }
case_ "sweep spec (reference)" 0 "sweep: 2 points x 1 profile x 2 seeds = 4 runs" -- sweep sw.sweep.toml --jobs 1 --out sw_ok
sw sw_unknown 's/^seeds = 2$/seedz = 2/'
case_ "sweep: unknown key" 2 "sw_unknown.sweep.toml:3: key 'seedz': unknown key; a sweep spec has" -- sweep sw_unknown.sweep.toml
sw sw_edge 's/^edge = "A->B"$/edge = "A->C"/'
case_ "sweep: unknown edge" 2 "sw_edge.sweep.toml:2: key 'edge': 'A->C' is not an edge of the base scenario; expected one of: A->B" -- sweep sw_edge.sweep.toml
sw sw_seeds 's/^seeds = 2$/seeds = 0/'
case_ "sweep: seeds 0" 2 "sw_seeds.sweep.toml:3: key 'seeds': expected an integer in \\[1, 1000\\]" -- sweep sw_seeds.sweep.toml
sw sw_path 's/^path = .*$/path = "A->B.breaker.trip.consecutive"/'
case_ "sweep: axis path not settable" 2 "sw_path.sweep.toml:7: key 'axis\\[0\\].path': 'A->B.breaker.trip.consecutive' is not a settable path" -- sweep sw_path.sweep.toml
sw sw_value 's/^values = \[2, 3\]$/values = [0, 3]/'
case_ "sweep: axis value out of range" 2 "sw_value.sweep.toml:8: key 'axis\\[0\\].values': A->B.breaker.trip.consecutive_failures: 0 is out of range; expected an integer in \\[1, " -- sweep sw_value.sweep.toml
sw sw_two 's/^values = \[2, 3\]$/values = [2, 3]\nlinear = { from = 1, to = 5, steps = 5 }/'
case_ "sweep: axis with values and a range" 2 "sw_two.sweep.toml:6: key 'axis\\[0\\].values': expected exactly one of values" -- sweep sw_two.sweep.toml
sw sw_log 's/^values = \[2, 3\]$/log = { from = 0, to = 5, steps = 5 }/'
case_ "sweep: log range from 0" 2 "sw_log.sweep.toml:8: key 'axis\\[0\\].log.from': expected a number in \\[1e-300, " -- sweep sw_log.sweep.toml
sw sw_rate 's/^failure_rate = 0.5$/failure_rate = 1.5/'
case_ "sweep: profile failure rate 1.5" 2 "sw_rate.sweep.toml:14: key 'profile\\[0\\].failure_rate': expected a number in \\[0, 1\\]" -- sweep sw_rate.sweep.toml
sw sw_end 's/^failure_rate = 0.5$/failure_rate = 0.5\nend_s = 0.5/'
case_ "sweep: profile ends before it starts" 2 "sw_end.sweep.toml:15: key 'profile\\[0\\].end_s': expected a time after at_s = 1, in \\(1, 5\\]" -- sweep sw_end.sweep.toml
sw sw_late 's/^at_s = 1$/at_s = 9/'
case_ "sweep: fault after the run" 2 "sw_late.sweep.toml:13: key 'profile\\[0\\].at_s': expected a number in \\[0, 5\\]" -- sweep sw_late.sweep.toml
sw sw_kind 's/^kind = "step"$/kind = "outage"/'
case_ "sweep: unknown profile kind" 2 "sw_kind.sweep.toml:12: key 'profile\\[0\\].kind': 'outage' is not a profile kind; expected one of: healthy, step" -- sweep sw_kind.sweep.toml
sw sw_partial 's/^kind = "step"$/kind = "partial"\nfaulty_instances = 5/'
case_ "sweep: more faulty instances than instances" 2 "sw_partial.sweep.toml:13: key 'profile\\[0\\].faulty_instances': expected a number in \\[1, 1\\]" -- sweep sw_partial.sweep.toml
sw sw_flap 's/^kind = "step"$/kind = "flapping"\nperiod_s = 2\nduty = 0.5\nperiod = 3/'
case_ "sweep: a key of another kind" 2 "sw_flap.sweep.toml:15: key 'profile\\[0\\].period': unknown key for a flapping profile; it takes name, kind, service, at_s, period_s, duty, failure_rate, end_s" -- sweep sw_flap.sweep.toml
sw sw_preset 's/^\[\[axis\]\]$/[[axis]]\npath = "A->B.breaker.preset"\nvalues = ["gobreaker", "polly"]\n\n[[axis]]/'
case_ "sweep: a key the preset of an earlier axis lacks" 2 "sw_preset.sweep.toml:10: key 'axis\\[1\\].values': A->B.breaker.trip.consecutive_failures: .*\\(with A->B.breaker.preset = polly; an axis applies after the axes before it" -- sweep sw_preset.sweep.toml
case_ "sweep: --shard 3/3" 2 "--shard 3/3: expected I/N, integers with 0 <= I < N" -- sweep sw.sweep.toml --shard 3/3
case_ "sweep: --jobs 0" 2 "--jobs 0 is out of range; expected \\[1, 256\\]" -- sweep sw.sweep.toml --jobs 0
case_ "sweep: --out under /proc" 2 "/proc/cbsim-sweep: cannot create it" -- sweep sw.sweep.toml --out /proc/cbsim-sweep
case_ "sweep: --out holds other files" 2 "--out mine: holds 'notes.txt', which is not part of a sweep folder" -- sweep sw.sweep.toml --out mine
"$cli" sweep sw.sweep.toml --jobs 1 --shard 0/2 --out sw_s0 >/dev/null 2>&1 || fail "sweep shard 0/2"
sw sw_other 's/^seeds = 2$/seeds = 3/'
"$cli" sweep sw_other.sweep.toml --jobs 1 --shard 1/2 --out sw_o1 >/dev/null 2>&1 || fail "sweep other shard 1/2"
case_ "sweep merge: shards of two sweeps" 2 "sw_o1: a shard of another sweep \\(spec hash [0-9a-f]{16}, expected [0-9a-f]{16} as in sw_s0\\)" -- sweep merge sw_s0 sw_o1 --out sw_m
case_ "sweep merge: a shard missing" 2 "shard 1/2 is missing; give every shard folder 0..1" -- sweep merge sw_s0 --out sw_m
case_ "recommend: not a sweep folder" 2 "mine: key.*not a sweep folder|mine: not a sweep folder" -- recommend mine

# Fitting a scenario to a trace (fit): the trace reader's errors, too few calls, options.
case_ "fit: a bad trace" 2 "tr_decreasing.csv:3: key 't_ms': 3 is before the previous row's 5" -- fit tr_decreasing.csv
case_ "fit: too few calls" 2 "t.csv: the trace has 1 call; a fit needs at least 100 calls" -- fit t.csv
{ echo "t_ms,outcome"; for i in $(seq 0 99); do echo "$((i * 200000000)),success"; done; } >tr_long.csv
case_ "fit: a trace longer than a scenario" 2 "tr_long.csv:101: key 't_ms': the last call is at 19800000 s; a fitted scenario runs at most 10000000 s" -- fit tr_long.csv
case_ "fit: --penalty 0" 2 "--penalty: 0 is out of range; expected a number in \\(0, 1000\\]" -- fit t.csv --penalty 0
case_ "fit: --bin-s 0" 2 "--bin-s: 0 is out of range; expected seconds in \\[0.001, 3600\\]" -- fit t.csv --bin-s 0
case_ "fit: --min-segment-s nan" 2 "--min-segment-s: nan is out of range" -- fit t.csv --min-segment-s nan
case_ "fit: --service caller" 2 "--service: \"caller\" names the calling service" -- fit t.csv --service caller
case_ "fit: --out is a directory" 2 "--out folder.toml: is a directory; expected a regular file" -- fit t.csv --out folder.toml

finish
