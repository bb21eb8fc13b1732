#!/usr/bin/env bash
# export_safety_test.sh CLI SOURCE_DIR WORK_DIR: `cbsim-cli run --out` on a full disk and in a
# read-only place, as a real process. Every failure must exit with the documented code (1 when
# writing fails at run time, 2 when the folder is refused before the run), print a message that
# names the folder and the reason, and leave the folder as it was: a new folder absent, an
# earlier export byte-identical; no staging directory and no temp file anywhere.
#  1. file-size limit (ulimit -f; the CLI ignores SIGXFSZ, so write() fails with EFBIG);
#  2. a 64 KiB tmpfs (needs root and mount; only this case is skipped, with a notice, if not);
#  3. a read-only folder: read-only bind mount (root), else chattr +i, else chmod 555 - refused
#     before the run, and made read-only while the run simulates (fails when writing).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
scenario="$src/assets/scenarios/default.toml"
mounts=()
immutable=()
cleanup() {
  local m
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  for m in "${immutable[@]}"; do chattr -i "$m" 2>/dev/null || true; done
  chmod -R u+w "$work" 2>/dev/null || true
}
trap cleanup EXIT

# run_cli OUT_FILE ARGS...: runs the CLI, its stdout+stderr in OUT_FILE; prints the exit code.
run_cli() {
  local out=$1 rc=0
  shift
  "$cli" "$@" >"$out" 2>&1 </dev/null || rc=$?
  echo "$rc"
}
# expect_failure RC WANT PATTERN OUT_FILE: the exit code and the message.
expect_failure() {
  [ "$1" -eq "$2" ] || fail "exit code $1, wanted $2: $(cat "$4")"
  grep -Eq -- "$3" "$4" || fail "message does not match /$3/: $(cat "$4")"
  echo "  exit $1: $(grep -E -- "$3" "$4" | head -1)"
}
# no_leftovers DIR: no staging directory and no temp file in DIR (recursively).
no_leftovers() {
  local left
  left=$(find "$1" \( -name '*.staging' -o -name '.*.tmp-*' -o -name '*.old' \) -print)
  [ -z "$left" ] || fail "left behind: $left"
}
# same_tree A B: the two folders hold the same files with the same bytes.
same_tree() { diff -r "$1" "$2" >/dev/null || fail "$1 changed (differs from the copy $2)"; }

# 1. File-size limit: 64 KiB per file; a 120 s export's timeseries.csv is ~180 KiB.
echo "1. file-size limit (ulimit -f 64)"
d=$work/fsize
mkdir -p "$d"
"$cli" run "$scenario" --duration 2 --out "$d/out" >/dev/null
cp -a "$d/out" "$d/out.copy"
rc=$( (ulimit -f 64 && run_cli "$d/new.log" run "$scenario" --duration 120 --out "$d/new") )
[ "$rc" -ne 153 ] || fail "killed by SIGXFSZ (exit 153): the CLI must ignore it"
expect_failure "$rc" 1 "cannot write the run folder $d/new: .*timeseries.csv.*File too large" "$d/new.log"
[ ! -e "$d/new" ] || fail "a new folder appeared after a failed export"
rc=$( (ulimit -f 64 && run_cli "$d/old.log" run "$scenario" --duration 120 --out "$d/out") )
expect_failure "$rc" 1 "cannot write the run folder $d/out: .*File too large" "$d/old.log"
same_tree "$d/out" "$d/out.copy"
no_leftovers "$d"
# The same export without the limit works (the limit was the only problem).
"$cli" run "$scenario" --duration 120 --out "$d/new" >/dev/null || fail "export without limit"
[ "$(($(wc -l <"$d/new/timeseries.csv") - 1))" -eq 2400 ] || fail "unlimited export incomplete"

# 2. A full tmpfs of 64 KiB.
echo "2. full disk (64 KiB tmpfs)"
d=$work/tmpfs
mkdir -p "$d/mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k,mode=0755 cbsim-test "$d/mnt" 2>"$d/mount.err"; then
  mounts+=("$d/mnt")
  rc=$(run_cli "$d/new.log" run "$scenario" --duration 120 --out "$d/mnt/new")
  expect_failure "$rc" 1 "cannot write the run folder $d/mnt/new: .*No space left on device" "$d/new.log"
  [ -z "$(ls -A "$d/mnt")" ] || fail "the tmpfs is not empty after a failed export: $(ls -A "$d/mnt")"
  "$cli" run "$scenario" --duration 1 --out "$d/mnt/run" >/dev/null || fail "small export"
  cp -a "$d/mnt/run" "$d/run.copy"
  rc=$(run_cli "$d/old.log" run "$scenario" --duration 120 --out "$d/mnt/run")
  expect_failure "$rc" 1 "cannot write the run folder $d/mnt/run: .*No space left on device" "$d/old.log"
  same_tree "$d/mnt/run" "$d/run.copy"
  [ "$(ls -A "$d/mnt")" = "run" ] || fail "the tmpfs holds more than the old export: $(ls -A "$d/mnt")"
  no_leftovers "$d/mnt"
else
  echo "  NOTICE: tmpfs case skipped: cannot mount a tmpfs here ($(id -un): $(cat "$d/mount.err" 2>/dev/null))"
fi

# 3. Read-only folder. make_ro DIR / make_rw DIR with the first method that works here.
echo "3. read-only folder"
d=$work/ro
mkdir -p "$d/parent"
"$cli" run "$scenario" --duration 2 --out "$d/parent/out" >/dev/null
cp -a "$d/parent/out" "$d/out.copy"
method=""
make_ro() {
  case $method in
    bind) mount -o remount,bind,ro "$1" ;;
    chattr) chattr +i "$1" "$1"/out && immutable+=("$1" "$1/out") ;;
    chmod) chmod 555 "$1" "$1/out" ;;
  esac
}
make_rw() {
  case $method in
    bind) mount -o remount,bind,rw "$1" ;;
    chattr) chattr -i "$1" "$1"/out ;;
    chmod) chmod 755 "$1" "$1/out" ;;
  esac
}
if [ "$(id -u)" -eq 0 ] && mount --bind "$d/parent" "$d/parent" 2>/dev/null; then
  mounts+=("$d/parent")
  method=bind
  make_ro "$d/parent" || { umount "$d/parent"; method=""; }
  [ -n "$method" ] && make_rw "$d/parent"
fi
if [ -z "$method" ] && chattr +i "$d/parent" 2>/dev/null; then
  chattr -i "$d/parent"
  method=chattr
fi
if [ -z "$method" ]; then
  [ "$(id -u)" -ne 0 ] || fail "running as root, but neither a read-only bind mount nor chattr works"
  method=chmod
fi
echo "  method: $method"
make_ro "$d/parent"
rc=$(run_cli "$d/a.log" run "$scenario" --duration 1 --out "$d/parent/out")
expect_failure "$rc" 2 "--out $d/parent/out: directory is not writable: " "$d/a.log"
rc=$(run_cli "$d/b.log" run "$scenario" --duration 1 --out "$d/parent/new")
expect_failure "$rc" 2 "--out $d/parent/new: parent directory $d/parent is not writable: " "$d/b.log"
grep -q "availability" "$d/a.log" "$d/b.log" && fail "a refused folder still ran the simulation"
same_tree "$d/parent/out" "$d/out.copy"
[ ! -e "$d/parent/new" ] || fail "a folder appeared in the read-only parent"
make_rw "$d/parent"

# 3c. The folder becomes read-only while the run simulates: the write fails (exit 1).
"$cli" run "$scenario" --duration 43200 --out "$d/parent/out" >"$d/c.log" 2>&1 &
pid=$!
# Wait until it has used 0.1 s of CPU (it checked the folder long before), then make it
# read-only; the run needs several times that before it writes.
for _ in $(seq 600); do
  ticks=$(awk '{ print $14 }' "/proc/$pid/stat" 2>/dev/null || echo gone)
  [ "$ticks" = gone ] && break
  [ "$ticks" -ge 10 ] && break
  sleep 0.05
done
kill -0 "$pid" 2>/dev/null || fail "the long run ended too soon to test: $(cat "$d/c.log")"
[ ! -e "$d/parent/out.staging" ] || fail "the export started before the folder became read-only"
make_ro "$d/parent"
rc=0
wait "$pid" || rc=$?
expect_failure "$rc" 1 "cannot write the run folder $d/parent/out: .*(Read-only file system|Operation not permitted|Permission denied)" "$d/c.log"
make_rw "$d/parent"
same_tree "$d/parent/out" "$d/out.copy"
[ "$(ls -A "$d/parent")" = "out" ] || fail "left beside the folder: $(ls -A "$d/parent")"
no_leftovers "$d/parent"

finish
