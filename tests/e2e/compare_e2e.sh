#!/usr/bin/env bash
# compare_e2e.sh APP CLI WORKDIR: compare mode end to end, with real input under Xvfb.
# Opens assets/scenarios/four_libraries.toml (A -> B behind gobreaker, Resilience4j, Polly,
# Hystrix, opossum and cockatiel, each at its library's defaults, on the same traffic and
# failures), drags B's failure rate up with real mouse moves, waits, taps Ctrl+E, then checks
# the exported compare folder: one run folder per variant, every library opened after the
# drag and not before, not all at the same instant; and `CLI compare <export>/compare.toml`
# gives byte-identical files for every variant.
# Artifacts in WORKDIR: app.log, compare.png (look at it), the export, the re-run.
set -euo pipefail
app=$1 cli=$2 work=$3
: "${DISPLAY:?run me under xvfb-run}"
rm -rf "$work"
mkdir -p "$work"
export XDG_CONFIG_HOME=$work/config  # never touch the user's UI settings
log=$work/app.log
fail() { echo "FAIL: $*"; echo "--- app log"; cat "$log"; exit 1; }
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
scenario=$(cd "$(dirname "$0")/../../assets/scenarios" && pwd)/four_libraries.toml
variants="gobreaker resilience4j polly hystrix opossum cockatiel"

start_app --pos 0 0 --fps 30 --scenario "$scenario" --export-dir "$work/exports"
grep -q '^RECT compare.add ' "$log" || fail "no variant bar (RECT compare.add): not in compare mode"
slider B.failure_rate

# Healthy for a while, then B's failure rate up with a real drag: a world change, so every
# variant sees it at the same simulated instant.
sleep 2
drag "$cy" $((x0 + 3)) $((x1 - 2)) 20
sleep 6
import -window root "$work/compare.png"

chord ctrl e
for _ in $(seq 300); do grep -q '^EXPORTED ' "$log" && break; sleep 0.1; done
grep -q '^EXPORTED ' "$log" || fail "no EXPORTED line after Ctrl+E"
export_dir=$(grep '^EXPORTED ' "$log" | head -1 | cut -d' ' -f2-)
echo "export: $export_dir"
for f in compare.csv compare.toml scenario.toml; do
    [ -s "$export_dir/$f" ] || fail "missing $export_dir/$f"
done

opens=""
for v in $variants; do
    events=$export_dir/$v/events.csv
    [ -s "$events" ] || fail "missing $events"
    # One change row for the drag, at its mouse-up; its reason names its start.
    [ "$(awk -F, 'NR > 1 && $2 == "B.failure_rate"' "$events" | wc -l)" -eq 1 ] ||
        fail "$v: the drag is not one change row"
    t_drag=$(awk -F, 'NR > 1 && $2 == "B.failure_rate" { split($6, w, " "); print w[3]; exit }' "$events")
    [ -n "$t_drag" ] || fail "$v: no B.failure_rate change in events.csv"
    before=$(awk -F, -v t="$t_drag" 'NR > 1 && $2 == "A->B" && $5 == "open" && $1 + 0 < t + 0' "$events" | wc -l)
    first=$(awk -F, -v t="$t_drag" 'NR > 1 && $2 == "A->B" && $5 == "open" && $1 + 0 >= t + 0 { print $1; exit }' "$events")
    echo "$v: drag at $t_drag s, first open at ${first:-never}"
    [ "$before" -eq 0 ] || fail "$v opened before the drag"
    [ -n "$first" ] || fail "$v never opened after the drag"
    opens="$opens $first"
done
distinct=$(echo "$opens" | tr ' ' '\n' | grep -v '^$' | sort -u | wc -l)
[ "$distinct" -ge 2 ] || fail "every library opened at the same instant ($opens)"
# The drag is one world change: the same instants in every variant's timeline.
ref=$(grep -A2 'B.failure_rate' "$export_dir/gobreaker/scenario.toml" | md5sum)
for v in $variants; do
    [ "$(grep -A2 'B.failure_rate' "$export_dir/$v/scenario.toml" | md5sum)" = "$ref" ] ||
        fail "$v saw the drag at other instants"
done

# The exported compare re-runs headless, byte for byte.
"$cli" compare "$export_dir/compare.toml" --out "$work/rerun" >"$work/cli.log" 2>&1 || {
    cat "$work/cli.log"
    fail "cbsim-cli compare failed"
}
for v in $variants; do
    for f in timeseries.csv events.csv services.csv; do
        cmp "$export_dir/$v/$f" "$work/rerun/$v/$f" || fail "re-run $v/$f differs"
    done
done
cmp "$export_dir/compare.csv" "$work/rerun/compare.csv" || fail "re-run compare.csv differs"
echo "cbsim-cli compare re-run: identical files for $variants"

quit_app
echo "screenshot: $work/compare.png"
echo "E2E: PASS"
