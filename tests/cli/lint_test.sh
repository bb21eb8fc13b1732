#!/usr/bin/env bash
# lint_test.sh CLI SOURCE_DIR WORKDIR: `cbsim-cli lint`: a clean scenario prints "0 warnings"
# (exit 0); a scenario with settings that cannot work prints each warning with its edge, rule,
# numbers and fix (exit 0, or 3 with --strict); a bad or missing file and a lone breaker file
# exit 2.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1

default=$src/assets/scenarios/default.toml
expect 0 "^$default: 0 warnings$" -- "$cli" lint "$default"
expect 0 "^$default: 0 warnings$" -- "$cli" lint --strict "$default"

# default.toml (A: 2 instances at 50 requests/s calls B) with a Polly breaker that needs 2000
# calls in 30 s, where 25 calls/s per instance hold 750.
bad=$work/bad.toml
sed -e 's/^preset = "gobreaker".*/preset = "polly"\nminimum_throughput = 2000/' \
  -e '/^max_requests = 1/d' -e '/^timeout_ms = 5000/d' \
  -e '/^\[service.dependency.breaker.trip\]/d' -e '/^consecutive_failures = 3/d' "$default" >"$bad"
expect 0 "^$bad: ok" -- "$cli" validate "$bad"
expect 0 "^$bad: A->B: warning \[min_calls_above_window\] minimum_throughput 2000 > the 750 calls one 30000 ms window \(sampling_duration_ms\) holds: at most 25 calls/s reach this breaker" -- "$cli" lint "$bad"
expect 0 "^  fix: lower minimum_throughput to at most 750, or lengthen sampling_duration_ms to at least 80000 ms$" -- "$cli" lint "$bad"
expect 0 "^$bad: 1 warning$" -- "$cli" lint "$bad"
expect 3 "^$bad: 1 warning$" -- "$cli" lint --strict "$bad"

# A compare file: the findings of each variant, named.
cp "$default" "$work/base.toml"
printf 'scenario = "base.toml"\nvariants = ["plain", "rolling:A->B.breaker.interval_ms=10000,A->B.breaker.bucket_period_ms=3000"]\n' \
  >"$work/cmp.toml"
expect 0 "^$work/cmp.toml: variant rolling: A->B: warning \[bucket_not_dividing_window\] bucket_period_ms 3000 does not divide interval_ms 10000" -- "$cli" lint "$work/cmp.toml"
expect 3 "^$work/cmp.toml: 1 warning$" -- "$cli" lint --strict "$work/cmp.toml"

# Bad input: exit 2 with the file named.
sed -e 's/^rate_rps = 50/rate_rps = -5/' "$default" >"$work/invalid.toml"
expect 2 "invalid.toml:16: key 'traffic.rate_rps': -5 is out of range" -- "$cli" lint "$work/invalid.toml"
expect 2 "no-such.toml" -- "$cli" lint "$work/no-such.toml"
expect 2 "a breaker file has no traffic" -- "$cli" lint "$src/assets/presets/gobreaker.toml"
expect 2 "FILE" -- "$cli" lint

finish
