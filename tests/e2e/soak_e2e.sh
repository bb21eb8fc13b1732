#!/usr/bin/env bash
# soak_e2e.sh APP CLI WORKDIR: the real app at its top speed (1000x) on a busy scenario
# (tests/data/soak_gui.toml: 10 ms buckets, breakers opening now and then), its resident set
# sampled from /proc/PID/status. After a warm-up (the recorder reaches its row limit within a
# few seconds at 1000x) no sample may exceed the post-warm-up baseline by more than 10 %.
# At the end Ctrl+E exports the run: the simulated time proves the run really went fast, and
# the events show breakers opening, so the plots had something to draw.
# Environment: SOAK_WARMUP_S (default 20), SOAK_SECONDS measured after it (default 60),
# SOAK_INTERVAL_S between samples (default 2), SOAK_MAX_GROWTH_PCT (default 10).
# Artifacts in WORKDIR: app.log, rss.tsv (elapsed_s, VmRSS kB, VmHWM kB), soak.png, the export.
set -euo pipefail
app=$1 cli=$2 work=$3
warmup=${SOAK_WARMUP_S:-20}
duration=${SOAK_SECONDS:-60}
interval=${SOAK_INTERVAL_S:-2}
max_growth=${SOAK_MAX_GROWTH_PCT:-10}
src=$(cd "$(dirname "$0")/../.." && pwd)
scenario=$src/tests/data/soak_gui.toml
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_workdir "$work"
# A soak's log is long: show its end.
fail() { echo "FAIL: $*"; echo "--- app log (tail)"; tail -20 "$log"; exit 1; }
"$cli" validate "$scenario" >/dev/null || fail "soak scenario does not validate"

"$app" --test-report --pos 0 0 --fps 60 --speed 1000 --scenario "$scenario" \
    --export-dir "$work/exports" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_ready
start=$SECONDS

# field NAME: a kB value of /proc/PID/status (fails the test if the app is gone).
field() {
    local v
    v=$(awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status" 2>/dev/null) || true
    [ -n "$v" ] || fail "the app died (no $1 in /proc/$pid/status)"
    echo "$v"
}
printf 'elapsed_s\tvmrss_kb\tvmhwm_kb\n' >"$work/rss.tsv"
baseline=0 peak=0 n=0 first=()
end=$((warmup + duration))
while :; do
    elapsed=$((SECONDS - start))
    rss=$(field VmRSS)
    hwm=$(field VmHWM)
    printf '%d\t%d\t%d\n' "$elapsed" "$rss" "$hwm" >>"$work/rss.tsv"
    if [ "$elapsed" -ge "$warmup" ]; then
        n=$((n + 1))
        if [ "$n" -le 3 ]; then
            first+=("$rss")
            # Baseline: the median of the first three samples after the warm-up.
            [ "$n" -eq 3 ] && baseline=$(printf '%s\n' "${first[@]}" | sort -n | sed -n 2p)
        fi
        [ "$rss" -gt "$peak" ] && peak=$rss
    fi
    [ "$elapsed" -ge "$end" ] && [ "$n" -ge 4 ] && break
    sleep "$interval"
done
import -window root "$work/soak.png"
[ "$baseline" -gt 0 ] || fail "no baseline sample"
growth_pct=$(awk -v p="$peak" -v b="$baseline" 'BEGIN { printf "%.1f", (p - b) * 100 / b }')
last=$(tail -1 "$work/rss.tsv" | cut -f2)
echo "RSS after ${warmup} s warm-up: baseline $baseline kB, peak $peak kB, last $last kB," \
     "growth ${growth_pct} % over $n samples (limit ${max_growth} %)"
if grep -aqm1 -e __asan_init -e __tsan_init "$app"; then
    echo "NOTICE: sanitizer build (freed memory stays in quarantine): growth not checked"
else
    awk -v p="$peak" -v b="$baseline" -v m="$max_growth" 'BEGIN { exit !(p <= b * (1 + m / 100)) }' ||
        fail "resident set grew ${growth_pct} % after the warm-up (limit ${max_growth} %)"
fi

# Ctrl+E: the export says how far the run went.
chord ctrl e
for _ in $(seq 600); do grep -q '^EXPORTED ' "$log" && break; sleep 0.1; done
grep -q '^EXPORTED ' "$log" || fail "no EXPORTED line after Ctrl+E"
export_dir=$(grep '^EXPORTED ' "$log" | head -1 | cut -d' ' -f2-)
real_s=$((SECONDS - start))
sim_s=$(awk -F' = ' '$1 == "duration_s" { print $2 + 0; exit }' "$export_dir/scenario.toml")
opens=$(awk -F, 'NR > 1 && $5 == "open"' "$export_dir/events.csv" | wc -l)
echo "simulated ${sim_s} s in about ${real_s} s of real time; $opens transitions to open"
# At least 100x on average (10x in a sanitizer build; the app aims at 1000x): the run was
# really going.
min_speed=100
grep -aqm1 -e __asan_init -e __tsan_init "$app" && min_speed=10
awk -v s="$sim_s" -v r="$real_s" -v m="$min_speed" 'BEGIN { exit !(s >= m * r) }' ||
    fail "only ${sim_s} simulated seconds in ${real_s} s"
[ "$opens" -ge 1 ] || fail "no breaker opened during the soak"

quit_app
echo "samples: $work/rss.tsv, screenshot: $work/soak.png"
echo "E2E: PASS"
