#!/usr/bin/env bash
# Runs a cbsim sweep on a Slurm cluster: an N-task job array (one shard per task, sweep.sbatch)
# and a merge job that starts when every task has succeeded (merge.sbatch).
#
#   scripts/slurm/submit.sh [--wait] SPEC OUT N [SBATCH_OPTION...]
#
# Writes OUT/shards/0..N-1 (one shard each), OUT/result (the merged sweep.csv and points.csv)
# and the jobs' output in OUT/logs/. Prints the two job ids. With --wait it returns when the
# merge is done (both sbatch calls use --wait) and exits non-zero when a task or the merge
# failed. Extra arguments go to both sbatch calls (for example --partition=NAME).
# Environment: CBSIM_CLI, the cbsim-cli to run (default: cbsim-cli on PATH, resolved here).
set -euo pipefail

wait=()
if [[ ${1:-} == --wait ]]; then
  wait=(--wait)
  shift
fi
if (($# < 3)) || ! [[ $3 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [--wait] SPEC OUT N [SBATCH_OPTION...]  (N: shards, at least 1)" >&2
  exit 2
fi
spec=$1
out=$2
count=$3
shift 3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ ! -f $spec ]]; then
  echo "$0: sweep spec '$spec' does not exist" >&2
  exit 2
fi
cli=${CBSIM_CLI:-$(command -v cbsim-cli || true)}
if [[ -z $cli || ! -x $cli ]]; then
  echo "$0: no cbsim-cli: put it on PATH or set CBSIM_CLI" >&2
  exit 2
fi
# The jobs start in this directory with this environment; absolute paths keep them valid.
export CBSIM_CLI
CBSIM_CLI=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")
spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)

if ! array=$(sbatch --parsable "${wait[@]}" --array="0-$((count - 1))" \
  --output="$out/logs/shard-%a.out" "$@" "$here/sweep.sbatch" "$spec" "$out" "$count"); then
  echo "$0: the sweep array failed (job ${array:-not submitted}); see $out/logs/shard-*.out" >&2
  exit 1
fi
array=${array%%;*}
echo "array job $array: $count shards"
if ! merge=$(sbatch --parsable "${wait[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$out/logs/merge.out" "$@" "$here/merge.sbatch" "$out" "$count"); then
  echo "$0: the merge failed (job ${merge:-not submitted}); see $out/logs/merge.out" >&2
  exit 1
fi
merge=${merge%%;*}
echo "merge job $merge: $out/result"
