#!/usr/bin/env bash
# slurm_scripts_test.sh CLI SOURCE_DIR WORK_DIR: scripts/slurm/sweep.sbatch and merge.sbatch run
# as plain bash scripts with the SLURM_* variables an array task gets, no cluster needed: a
# 4-task array (0-3) merged equals the local sweep byte for byte, each task runs the sweep with
# --jobs from SLURM_CPUS_PER_TASK, a failed task re-run alone (`sbatch --array=3`: task id 3,
# array min 3, count 1) rewrites exactly shard 3/4 and leaves the others alone, and a task id
# outside 0..N-1 or a missing N is refused with exit 2.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
sweep_sbatch=$src/scripts/slurm/sweep.sbatch
merge_sbatch=$src/scripts/slurm/merge.sbatch
cd "$work" || fail "cd $work"

spec=$src/tests/data/sweeps/small.sweep.toml

# CBSIM_CLI for the tasks: logs its arguments, then runs the real cli.
cat >"$work/logging-cli" <<WRAP
#!/usr/bin/env bash
echo "\$*" >>"$work/cli.log"
exec "$cli" "\$@"
WRAP
chmod +x "$work/logging-cli"

# task ID MIN COUNT CPUS [ARG...]: sweep.sbatch as Slurm runs it for array task ID of an array
# starting at MIN with COUNT tasks (CPUS empty: no --cpus-per-task given).
task() {
  local id=$1 min=$2 count=$3 cpus=$4
  shift 4
  env -u SLURM_CPUS_PER_TASK SLURM_ARRAY_TASK_ID="$id" SLURM_ARRAY_TASK_MIN="$min" \
    SLURM_ARRAY_TASK_MAX="$((min + count - 1))" SLURM_ARRAY_TASK_COUNT="$count" \
    ${cpus:+SLURM_CPUS_PER_TASK=$cpus} CBSIM_CLI="$work/logging-cli" bash "$sweep_sbatch" "$@"
}

"$cli" sweep "$spec" --jobs 1 --out "$work/local" >/dev/null 2>&1 || fail "local sweep"

# 1. The whole array 0-3 with --cpus-per-task=2, then the merge.
for i in 0 1 2 3; do
  task "$i" 0 4 2 "$spec" "$work/run" 4 >"$work/task$i.out" 2>&1 || fail "task $i: $(cat "$work/task$i.out")"
done
for i in 0 1 2 3; do
  grep -qx -- "sweep $spec --shard $i/4 --out $work/run/shards/$i --jobs 2" "$work/cli.log" \
    || fail "task $i did not run shard $i/4 with --jobs 2: $(cat "$work/cli.log")"
done
CBSIM_CLI=$cli bash "$merge_sbatch" "$work/run" 4 >"$work/merge.out" 2>&1 || fail "merge: $(cat "$work/merge.out")"
for f in sweep.csv points.csv; do
  cmp "$work/local/$f" "$work/run/result/$f" || fail "merged $f differs from the local sweep"
done

# 2. Task 3 failed (its folder is gone): the merge fails; `sbatch --array=3` runs task 3 alone
#    (SLURM_ARRAY_TASK_MIN=3, COUNT=1) without --cpus-per-task; it writes shard 3/4 with --jobs 1,
#    shard 0 keeps its bytes, and the merge equals the local sweep again.
cp -r "$work/run/shards/0" "$work/shard0.before"
rm -rf "$work/run/shards/3" "$work/run/result"
expect 2 "" -- env CBSIM_CLI="$cli" bash "$merge_sbatch" "$work/run" 4
: >"$work/cli.log"
task 3 3 1 "" "$spec" "$work/run" 4 >"$work/rerun.out" 2>&1 || fail "re-run of task 3: $(cat "$work/rerun.out")"
grep -qx -- "sweep $spec --shard 3/4 --out $work/run/shards/3 --jobs 1" "$work/cli.log" \
  || fail "the re-run of task 3 ran: $(cat "$work/cli.log")"
diff -r "$work/shard0.before" "$work/run/shards/0" >/dev/null || fail "the re-run of task 3 changed shard 0"
CBSIM_CLI=$cli bash "$merge_sbatch" "$work/run" 4 >"$work/merge2.out" 2>&1 || fail "merge after the re-run: $(cat "$work/merge2.out")"
for f in sweep.csv points.csv; do
  cmp "$work/local/$f" "$work/run/result/$f" || fail "$f merged after the re-run differs from the local sweep"
done

# 3. Refused with exit 2, nothing run: a task id outside 0..N-1, no N, N = 0, not an array task.
: >"$work/cli.log"
expect 2 "array task id 4 is not a shard of 4" -- task 4 1 4 "" "$spec" "$work/bad" 4
expect 2 "usage:" -- task 0 0 4 "" "$spec" "$work/bad"
expect 2 "usage:" -- task 0 0 4 "" "$spec" "$work/bad" 0
expect 2 "not an array task" -- env -u SLURM_ARRAY_TASK_ID CBSIM_CLI="$work/logging-cli" bash "$sweep_sbatch" "$spec" "$work/bad" 4
[ -s "$work/cli.log" ] && fail "a refused task ran the cli: $(cat "$work/cli.log")"
[ -e "$work/bad" ] && fail "a refused task wrote $work/bad"
finish
