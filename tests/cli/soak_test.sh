#!/usr/bin/env bash
# soak_test.sh CLI SOURCE_DIR WORK_DIR: memory guard of a long headless run. One simulated hour
# of tests/data/soak_5000.toml (5000 requests/s, 18 M requests) with its export; the peak
# resident set of the process (VmHWM at exit, from getrusage of the child) must stay below a
# bound set from the measured figure (docs/RELIABILITY.md: 17.3 MB measured, bound 26 MB, about
# 1.5x; a leak of half a byte per request fails it). In a sanitizer build (ASan keeps freed
# memory in quarantine) the run is shorter and only its completion is checked.
# Environment: SOAK_DURATION_S (default 3600), SOAK_MAX_RSS_KB (default 26624).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
duration=${SOAK_DURATION_S:-3600}
limit=${SOAK_MAX_RSS_KB:-26624}
sanitized=0
if grep -aqm1 -e __asan_init -e __tsan_init "$cli"; then
  sanitized=1
  duration=${SOAK_DURATION_S:-600}
fi
scenario=$src/tests/data/soak_5000.toml

# Run as a child of python3: RUSAGE_CHILDREN.ru_maxrss is the child's peak RSS in kB.
python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as log:
    rc = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$work/run.log" "$cli" run "$scenario" --duration "$duration" --out "$work/run" >"$work/rusage"
read -r rc peak_kb <"$work/rusage"
[ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$work/run.log")"
requests=$(awk '$1 == "simulated" { print $4 }' "$work/run.log")
rows=$(($(wc -l <"$work/run/timeseries.csv") - 1))
echo "simulated ${duration} s, $requests requests, $rows timeseries rows; peak RSS $peak_kb kB (limit $limit kB)"
[ "${requests:-0}" -ge $((duration * 4900)) ] || fail "only $requests requests: not a 5000/s run"
[ "$rows" -ge $((duration * 10 * 2 * 9 / 10)) ] || fail "export incomplete: $rows rows"
if [ "$sanitized" -eq 1 ]; then
  echo "NOTICE: sanitizer build: the RSS bound is not checked"
else
  [ "$peak_kb" -le "$limit" ] || fail "peak RSS $peak_kb kB is above $limit kB"
fi
finish
