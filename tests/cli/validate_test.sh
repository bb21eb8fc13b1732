#!/usr/bin/env bash
# validate_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli validate` on scenario files: every asset
# passes with a one-line summary (exit 0); bad files fail with file:line:key and the allowed
# range (exit 2); a lone [breaker] file is still checked as a breaker file.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1

# Every scenario asset validates: exit 0 and exactly one line naming the file and the story.
count=0
for f in "$src"/assets/scenarios/*.toml; do
  count=$((count + 1))
  # A compare file (variants = [...]) names its variants, then the scenario it runs on.
  expect 0 "^$f: ok, (compare of [0-9]+ variants \([a-z0-9_, -]+\), [0-9]+ seeds?, on )?scenario \"[^\"]+\": [0-9]+ services?, " -- "$cli" validate "$f"
  lines=$("$cli" validate "$f" 2>/dev/null | wc -l)
  [ "$lines" -eq 1 ] || fail "validate $f printed $lines lines, wanted 1"
done
[ "$count" -ge 11 ] || fail "only $count scenario assets"
expect 0 "four_libraries.toml: ok, compare of 6 variants \(gobreaker, resilience4j, polly, hystrix, opossum, cockatiel\), 1 seed, on scenario \"Four libraries: A calls B, each library at its defaults\": 2 services" -- \
  "$cli" validate "$src/assets/scenarios/four_libraries.toml"
expect 0 "consecutive.sweep.toml: ok, sweep of [0-9]+ points x [0-9]+ profiles? x 5 seeds on edge A->B, on scenario \"" -- \
  "$cli" validate "$src/assets/sweeps/consecutive.sweep.toml"
expect 0 "default.toml: ok, scenario \"A calls B behind a gobreaker breaker\": 2 services, 1 dependency \(1 with a breaker\), 0 timeline entries, 120 s" -- \
  "$cli" validate "$src/assets/scenarios/default.toml"

# A scenario to break one line at a time.
base() {
  cat <<'TOML'
name = "cli"
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

[[service]]
name = "B"
failure_rate = 0.1

[[timeline]]
at_s = 5
set = "B.failure_rate"
value = 0.5
TOML
}
base >"$work/good.toml"
expect 0 "good.toml: ok, scenario \"cli\": 2 services, 1 dependency \(0 with a breaker\), 1 timeline entry, 10 s" -- \
  "$cli" validate "$work/good.toml"

# bad NAME SED-EXPRESSION CODE PATTERN: a copy of the base with one edit, then validate.
bad() {
  base | sed -e "$2" >"$work/$1.toml"
  expect "$3" "$4" -- "$cli" validate "$work/$1.toml"
}
bad range 's/^failure_rate = 0.1$/failure_rate = 1.5/' 2 \
  "^cbsim-cli validate: .*range.toml:18: key 'service\[1\]\.failure_rate': 1.5 is out of range; expected a number in \[0, 1\]$"
bad unknown 's/^capacity = 10$/capacty = 10/' 2 \
  "unknown.toml:10: key 'service\[0\]\.capacty': unknown key .*capacity"
bad type 's/^capacity = 10$/capacity = "ten"/' 2 \
  "type.toml:10: key 'service\[0\]\.capacity': expected an integer, got a string"
bad nan 's/^rate_rps = 10$/rate_rps = nan/' 2 \
  "nan.toml:6: key 'traffic\.rate_rps': nan is not allowed"
bad negative 's/^duration_s = 10$/duration_s = -10/' 2 \
  "negative.toml:2: key 'duration_s': -10 is out of range; expected a number in \[1e-06, 10000000\]"
bad duplicate 's/^name = "B"$/name = "A"/' 2 \
  "duplicate.toml:17: key 'service\[1\]\.name': \"A\" is used by another service"
bad target 's/^target = "B"$/target = "Z"/' 2 \
  "target.toml:13: key 'service\[0\]\.dependency\[0\]\.target': \"Z\" is not a service"
bad path 's/^set = "B.failure_rate"$/set = "B.colour"/' 2 \
  "path.toml:22: key 'timeline\[0\]\.set': .*not a settable path"
bad value 's/^value = 0.5$/value = 7/' 2 \
  "value.toml:23: key 'timeline\[0\]\.value': .*\[0, 1\]"
bad syntax 's/^rate_rps = 10$/rate_rps = = 10/' 2 "syntax.toml:6: not valid TOML"
bad cycle 's/^failure_rate = 0.1$/failure_rate = 0.1\n[[service.dependency]]\ntarget = "A"/' 2 \
  "cycle.toml:12: key 'service\[0\]\.dependency': .*cycle"
# A [breaker] table beside other keys is not a breaker file: the scenario loader refuses it.
printf 'name = "x"\n[breaker]\npreset = "gobreaker"\n' >"$work/mixed.toml"
expect 2 "mixed.toml:2: key 'breaker': unknown key in the top level" -- "$cli" validate "$work/mixed.toml"

# Unreadable input: exit 2 with the path.
expect 2 "missing.toml: cannot read the file" -- "$cli" validate "$work/missing.toml"
expect 2 "is a directory" -- "$cli" validate "$work"
head -c 1000 /dev/urandom >"$work/binary.toml"
expect 2 "binary.toml" -- "$cli" validate "$work/binary.toml"

# A lone [breaker] file is still a breaker file.
printf '[breaker]\npreset = "polly"\nbreak_duration_ms = 2000\n' >"$work/breaker.toml"
expect 0 "breaker.toml: ok, breaker preset polly" -- "$cli" validate "$work/breaker.toml"
printf '[breaker]\npreset = "polly"\nbreak_duration_ms = -1\n' >"$work/bad_breaker.toml"
expect 2 "bad_breaker.toml:3: key 'breaker.break_duration_ms'" -- \
  "$cli" validate "$work/bad_breaker.toml"

# Nothing was written next to the inputs.
[ -z "$(find "$work" -name '*.tmp*' -o -name '.*' -type f)" ] || fail "stray files in $work"

finish
