#!/usr/bin/env bash
# slurm_sweep_test.sh CLI SOURCE_DIR WORKDIR: a sweep on a one-node Slurm cluster equals the
# local sweep byte for byte. Takes the small sweep tests/data/sweeps/small.sweep.toml (3 x 2
# points of default.toml's gobreaker, a healthy and an outage profile, 2 seeds: 24 runs of
# 30 s), starts the cluster
# (slurm_cluster.sh) in a short directory under /tmp, submits the spec as a 4-task job array and its
# dependent merge job with scripts/slurm/submit.sh --wait, runs `cbsim-cli sweep SPEC` locally,
# compares sweep.csv and points.csv, and stops the cluster on every exit path, then checks that
# no daemon it started still runs.
set -euo pipefail
cli=$1 src=$2 work=$3
harness=$src/tests/cluster/slurm_cluster.sh
shards=4

# The cluster lives in a short directory under /tmp (its Unix socket paths must stay under 108
# bytes, and WORKDIR can be deep in a build tree); WORKDIR/cluster.dir names it. A previous run
# killed halfway may have left its daemons: stop them by their pid files.
if [[ -s $work/cluster.dir ]]; then
  old=$(<"$work/cluster.dir")
  if [[ $old == /tmp/cbsim-slurm.* && -d $old ]]; then
    "$harness" stop "$old"
    rm -rf "$old"
  fi
fi
rm -rf "$work" && mkdir -p "$work"
cd "$work"
cluster=$(mktemp -d /tmp/cbsim-slurm.XXXXXX)
echo "$cluster" >"$work/cluster.dir"

spec=$src/tests/data/sweeps/small.sweep.toml

pids=()
cleanup() {
  local rc=$?
  "$harness" stop "$cluster" || rc=1
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: daemon $pid still runs after stop" >&2
      rc=1
    fi
  done
  if ((rc != 0)); then
    local log
    for log in "$cluster"/log/*.log "$work"/slurm/logs/*.out; do
      [[ -f $log ]] || continue
      echo "---- $log (last 15 lines)" >&2
      tail -n 15 "$log" >&2
    done
  fi
  rm -rf "$cluster" "$work/cluster.dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

eval "$("$harness" start "$cluster")"
for d in munged slurmctld slurmd; do pids+=("$(<"$cluster/$d.pid")"); done
sinfo -h -N -o '%N %t'

# --time: a job that hangs fails after 5 minutes instead of holding sbatch --wait.
CBSIM_CLI=$cli "$src/scripts/slurm/submit.sh" --wait "$spec" "$work/slurm" "$shards" --time=5
for ((i = 0; i < shards; i++)); do
  [[ -d $work/slurm/shards/$i ]] || { echo "FAIL: shard $i wrote no folder" >&2; exit 1; }
done

"$cli" sweep "$spec" --out "$work/local" >/dev/null
for f in sweep.csv points.csv; do
  if ! cmp "$work/local/$f" "$work/slurm/result/$f"; then
    echo "FAIL: $f of the cluster differs from the local sweep" >&2
    exit 1
  fi
done
lines=$(wc -l <"$work/local/points.csv")
((lines > 1)) || { echo "FAIL: points.csv has no point" >&2; exit 1; }
echo "slurm_sweep_test: $shards shards merged = local sweep ($((lines - 1)) points); ok"
