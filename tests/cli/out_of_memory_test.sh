#!/usr/bin/env bash
# out_of_memory_test.sh CLI SOURCE_DIR WORK_DIR: `cbsim-cli run` under an address-space limit
# (ulimit -v) stops with exit 1 and a message that names what holds the memory:
#  1. tests/data/oom_rows.toml, 1 ms buckets and almost no traffic: the recorder's rows grow;
#  2. tests/data/oom_queue.toml, one slow worker behind an unbounded queue: the calls queued
#     at B;
#  3. a scenario file whose reading alone does not fit (300000 timeline entries, 20 MB): exit 1
#     and "out of memory" from any subcommand, never an abort.
# The limit is the least address space a one-second run needs plus 24 MiB, measured here, so it
# holds whatever the build's baseline is.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"

cp "$src/tests/data/oom_rows.toml" "$work/rows.toml"
cp "$src/tests/data/oom_queue.toml" "$work/queue.toml"

# The least address space a short run needs (2 MiB steps), then 24 MiB more for the run to grow.
base_kb=0
for kb in $(seq 8192 2048 262144); do
  if (ulimit -v "$kb" && exec "$cli" run "$work/rows.toml" --duration 1) >/dev/null 2>&1 </dev/null; then
    base_kb=$kb
    break
  fi
done
[ "$base_kb" -gt 0 ] || fail "cbsim-cli run --duration 1 fails even with 256 MiB of address space"
limit_kb=$((base_kb + 24 * 1024))
echo "address-space limit: $limit_kb KiB (start: $base_kb KiB)"

# run_limited NAME: runs the scenario NAME.toml under the limit; its output in NAME.log.
run_limited() {
  local rc=0
  (ulimit -v "$limit_kb" && exec "$cli" run "$work/$1.toml") >"$work/$1.log" 2>&1 </dev/null || rc=$?
  echo "  $1: exit $rc: $(tail -1 "$work/$1.log")"
  [ "$rc" -eq 1 ] || fail "$1: exit $rc, wanted 1: $(cat "$work/$1.log")"
  grep -q "Aborted\|terminate called\|std::bad_alloc" "$work/$1.log" && fail "$1: aborted"
  return 0
}

echo "1. the recorder's rows"
run_limited rows
grep -Eq "^cbsim-cli run: out of memory after [0-9.]+ simulated s of $work/rows.toml: the recorder's rows hold the most \([0-9.]+ MiB, [0-9]+ rows of 4 series\); raise resolution_ms" "$work/rows.log" ||
  fail "rows: the message does not name the recorder's rows: $(cat "$work/rows.log")"

echo "2. the calls queued at B"
run_limited queue
grep -Eq "^cbsim-cli run: out of memory after [0-9.]+ simulated s of $work/queue.toml: the calls queued at service B hold the most \([0-9.]+ MiB\); lower traffic.rate_rps, B.queue_limit or B.instances" "$work/queue.log" ||
  fail "queue: the message does not name the calls queued at B: $(cat "$work/queue.log")"
echo "3. a scenario file too large to read under the limit"
{
  cat "$src/assets/scenarios/default.toml"
  awk 'BEGIN { for (i = 0; i < 300000; ++i)
    printf "\n[[timeline]]\nat_s = %d\nset = \"B.failure_rate\"\nvalue = 0.5\n", i % 100 }'
} >"$work/huge.toml"
run_limited huge
grep -qx "cbsim-cli run: out of memory" "$work/huge.log" ||
  fail "huge: wanted 'cbsim-cli run: out of memory': $(cat "$work/huge.log")"
rc=0
(ulimit -v "$limit_kb" && exec "$cli" validate "$work/huge.toml") >"$work/huge_v.log" 2>&1 </dev/null || rc=$?
[ "$rc" -eq 1 ] && grep -qx "cbsim-cli validate: out of memory" "$work/huge_v.log" ||
  fail "huge: validate under the limit: exit $rc, wanted 1 and 'out of memory': $(cat "$work/huge_v.log")"
# Unlimited, the same file is a valid scenario: the limit, not the file, made it fail.
"$cli" validate "$work/huge.toml" >"$work/huge_validate.log" 2>&1 ||
  fail "huge: the file is not valid: $(cat "$work/huge_validate.log")"
finish
