#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a bounded time and reports executions and
# coverage. A crash fails the script; the crashing input is left in BUILD/fuzz/artifacts/ and
# belongs, once fixed, in tests/fuzz/regressions/<target>/ (replayed by every ctest run).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [BUILD_DIR]     (default 60, build-fuzz)
# Environment: CBSIM_FUZZ_JOBS, how many targets run at once (default: all of them).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
build=${2:-$here/build-fuzz}

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup.sh installs it)" >&2; exit 1; }
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCBSIM_FUZZ=ON -DCBSIM_BUILD_GUI=OFF -DCBSIM_BUILD_TESTS=OFF -DCBSIM_BUILD_BENCH=OFF >/dev/null
targets=(fuzz_scenario fuzz_scenario_run fuzz_breaker_config fuzz_trace)
log_formats=(nginx envoy haproxy json csv)  # the access-log formats (cbsim/access_log.hpp)
for f in "${log_formats[@]}"; do targets+=("fuzz_log_$f"); done
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

declare -A seeds=(
  [fuzz_scenario]="$here/tests/fuzz/corpus/scenario $here/assets/scenarios"
  [fuzz_scenario_run]="$here/tests/fuzz/corpus/scenario $here/assets/scenarios"
  [fuzz_breaker_config]="$here/tests/fuzz/corpus/breaker $here/assets/presets"
  [fuzz_trace]="$here/tests/fuzz/corpus/trace $here/tests/data/traces"
)
for f in "${log_formats[@]}"; do seeds[fuzz_log_$f]="$here/tests/fuzz/corpus/log_$f"; done
declare -A dicts=(
  [fuzz_scenario]=$here/tests/fuzz/toml.dict
  [fuzz_scenario_run]=$here/tests/fuzz/toml.dict
  [fuzz_breaker_config]=$here/tests/fuzz/toml.dict
  [fuzz_trace]=$here/tests/fuzz/trace.dict
)
for f in "${log_formats[@]}"; do dicts[fuzz_log_$f]=$here/tests/fuzz/log.dict; done
# The fuzzers run side by side (each is single-threaded; on fewer cores than targets they share
# them, which bounds the wall time at SECONDS); results are reported in target order.
fuzz_one() {
  local target=$1 work=$build/fuzz/corpus-$1 log=$build/fuzz/$1.log
  mkdir -p "$work" "$build/fuzz/artifacts"
  # Seeds are copied into a work corpus that grows across runs; the repository stays untouched.
  for dir in ${seeds[$target]}; do
    [ -d "$dir" ] && find "$dir" -maxdepth 1 -type f -exec cp -n {} "$work"/ \;
  done
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/$target" "$work" -dict="${dicts[$target]}" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz/artifacts/$target-" >"$log" 2>&1
}

parallel=${CBSIM_FUZZ_JOBS:-${#targets[@]}}
declare -A pids=()
running=0
for target in "${targets[@]}"; do
  if ((running >= parallel)); then
    wait -n || true
    running=$((running - 1))
  fi
  echo "fuzz: $target for ${seconds}s"
  fuzz_one "$target" &
  pids[$target]=$!
  running=$((running + 1))
done

status=0
for target in "${targets[@]}"; do
  log=$build/fuzz/$target.log
  if wait "${pids[$target]}"; then
    # The last status line: "#N DONE cov: C ft: F corp: K/S ... exec/s: E"
    summary=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1)
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $target ok: $execs executions; $summary"
  else
    echo "fuzz: $target FOUND A CRASH (log: $log)"
    tail -40 "$log"
    status=1
  fi
done
exit $status
