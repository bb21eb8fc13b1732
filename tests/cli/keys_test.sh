#!/usr/bin/env bash
# keys_test.sh CLI SOURCE_DIR WORK_DIR: `cbsim-cli keys` lists every scenario key, and the key
# tables of docs/SCENARIOS.md are exactly what `cbsim-cli keys --markdown` generates (every
# block between `<!-- BEGIN keys:NAME` and `<!-- END keys:NAME -->`, in the same order).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
keep_going=1

# 1. The plain listing: exit 0, a header, one line per key with its path, range and help.
"$cli" keys >"$work/keys.txt" 2>"$work/keys.err" || fail "keys exit $?: $(cat "$work/keys.err")"
[ ! -s "$work/keys.err" ] || fail "keys wrote to stderr: $(cat "$work/keys.err")"
head -1 "$work/keys.txt" | grep -Eq '^key +type +default +allowed +unit +settable path$' ||
  fail "header: $(head -1 "$work/keys.txt")"
grep -Eq '^service\.faulty_instances +integer +0 +\[0, 1000\], <= SERVICE\.instances +instances +SERVICE\.faulty_instances$' \
  "$work/keys.txt" || fail "no faulty_instances line"
grep -Eq '^service\.latency_ms\.p50 +real +1 +\[0\.001, 3600000\], <= SERVICE\.latency_p99_ms +ms +SERVICE\.latency_p50_ms$' \
  "$work/keys.txt" || fail "no latency p50 line"
grep -Eq '^service\.dependency\.retry\.jitter +choice +"none" +none, full, equal, decorrelated +CALLER->TARGET\.retry\.jitter$' \
  "$work/keys.txt" || fail "no retry jitter line"
grep -Eq '^duration_s +real +60 +\[1e-06, 10000000\] +s +-$' "$work/keys.txt" ||
  fail "no duration_s line"

# 2. The markdown form: the committed docs embed it block for block.
"$cli" keys --markdown >"$work/generated.md" || fail "keys --markdown exit $?"
blocks=$(grep -c '^<!-- BEGIN keys:' "$work/generated.md")
[ "$blocks" -ge 7 ] || fail "only $blocks generated blocks"
awk '/^<!-- BEGIN keys:/ { on = 1 } on { print } /^<!-- END keys:/ { on = 0 }' \
  "$src/docs/SCENARIOS.md" >"$work/committed.md"
if ! diff -u "$work/committed.md" "$work/generated.md" >"$work/docs.diff"; then
  fail "docs/SCENARIOS.md key tables differ from \`cbsim-cli keys --markdown\`:"
  cat "$work/docs.diff" >&2
fi

# 3. A bad option is a usage error.
expect 2 "" -- "$cli" keys --nope

finish
