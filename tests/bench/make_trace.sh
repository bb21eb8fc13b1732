#!/usr/bin/env bash
# make_trace.sh N OUT: writes a trace.csv of N calls for the replay measurements of
# docs/PERFORMANCE.md (the same calls as replay_bench.cpp's trace): one call every 0.1 ms, each
# lasting (13 i mod 50) ms, a failure when (7919 i mod 50) = 0 (2 %) and for 2000 calls from
# every 50 000th of each 100 000 (a burst: the breakers open, probe and close).
set -euo pipefail
n=${1:?usage: make_trace.sh N OUT}
out=${2:?usage: make_trace.sh N OUT}
awk -v n="$n" 'BEGIN {
  print "t_ms,outcome,duration_ms"
  for (i = 0; i < n; i++) {
    b = i % 100000
    fail = (b >= 50000 && b < 52000) || (i * 7919) % 50 == 0
    printf "%d.%d,%s,%d\n", int(i / 10), i % 10, fail ? "failure" : "success", (i * 13) % 50
  }
}' >"$out"
