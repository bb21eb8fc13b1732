#!/usr/bin/env bash
# compare_test.sh CLI SOURCE_DIR WORK_DIR: `cbsim-cli compare` and `run --set`: folders,
# compare.csv, re-runs, byte identity, exit 2 with the variant, path and allowed values, and
# docs/COMPARE.md's worked example (its table and compare.csv lines are what its command gives).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
begin "$@"
scenario="$src/assets/scenarios/retry_storm.toml"

# 1. One seed: DIR/<variant>/ run folders, compare.csv, compare.toml, the base scenario.toml.
"$cli" compare "$scenario" --duration 10 --variant base --variant same \
  --variant r1:'A->B.retry.max_attempts=1' --out "$work/one" >"$work/one.out" 2>"$work/one.err" \
  || fail "compare exit $?: $(cat "$work/one.err")"
for v in base same r1; do
  for f in timeseries.csv services.csv events.csv scenario.toml summary.json; do
    [ -s "$work/one/$v/$f" ] || fail "missing $v/$f"
  done
done
for f in compare.csv compare.toml scenario.toml .cbsim-compare; do
  [ -f "$work/one/$f" ] || fail "missing $f"
done
ls "$work" | grep -q staging && fail "staging directory left behind"
grep -q "one seed gives no confidence interval" "$work/one.out" || fail "one-seed note"
grep -q "^r1 - base" "$work/one.out" || fail "no r1 block: $(cat "$work/one.out")"

# 2. Two identical variants give byte-identical run folders; a variant alone gives its files.
diff -r "$work/one/base" "$work/one/same" >/dev/null || fail "identical variants differ"
diff -r "$work/one/base" "$work/one/r1" >/dev/null && fail "r1 equals base"
"$cli" run "$work/one/r1/scenario.toml" --out "$work/r1-alone" >/dev/null 2>&1 || fail "run r1"
diff -r "$work/r1-alone" "$work/one/r1" >/dev/null || fail "r1 alone differs from r1 in compare"
grep -q "max_attempts = 1" "$work/one/r1/scenario.toml" || fail "override not in scenario.toml"

# 3. run --set equals editing the file.
"$cli" run "$scenario" --duration 10 --set 'A->B.retry.max_attempts=1' --out "$work/set" \
  >/dev/null 2>&1 || fail "run --set"
diff -r "$work/set" "$work/one/r1" >/dev/null || fail "run --set differs from the variant"
sed 's/max_attempts = 4/max_attempts = 1/' "$scenario" >"$work/edited.toml"
grep -q "max_attempts = 1" "$work/edited.toml" || fail "test scenario changed: edit did not apply"
"$cli" run "$work/edited.toml" --duration 10 --out "$work/edited" >/dev/null 2>&1 || fail "edited"
diff -r "$work/set" "$work/edited" >/dev/null || fail "--set != edited file"

# 4. Several seeds: DIR/<variant>/seed-<s>/, compare.csv one row per variant, seed and edge.
"$cli" compare "$scenario" --duration 5 --seeds 3 --seed 10 --variant base \
  --variant nob:'A->B.breaker.preset=gobreaker' --out "$work/many" >"$work/many.out" 2>&1 \
  || fail "compare --seeds: $(cat "$work/many.out")"
for s in 10 11 12; do
  [ -s "$work/many/nob/seed-$s/summary.json" ] || fail "missing nob/seed-$s"
done
grep -q "95 % CI" "$work/many.out" || fail "no CI column"
header=$(head -1 "$work/many/compare.csv")
grep -Eq '^variant,seed,edge,availability,' <<<"$header" || fail "compare.csv header: $header"
fields=$(awk -F, 'NR == 1 { print NF }' "$work/many/compare.csv")
rows=$(($(wc -l <"$work/many/compare.csv") - 1))
[ "$rows" -eq 12 ] || fail "expected 12 rows (2 variants x 3 seeds x 2 edges), got $rows"
awk -F, -v n="$fields" 'NF != n { bad = 1 } END { exit bad }' "$work/many/compare.csv" \
  || fail "compare.csv field count"
grep -q '^nob,12,A->B,' "$work/many/compare.csv" || fail "no row nob,12,A->B"

# 5. compare.toml re-runs the compare with one command, byte for byte.
"$cli" compare "$work/many/compare.toml" --out "$work/again" >/dev/null 2>&1 || fail "re-run"
diff -r "$work/many" "$work/again" >/dev/null || fail "re-run of compare.toml differs"
"$cli" compare "$work/many/compare.toml" --out "$work/many" >/dev/null 2>&1 || fail "replace"
diff -r "$work/many" "$work/again" >/dev/null || fail "replaced folder differs"

# A scenario from a pipe is read once (it may be a compare file or a scenario).
"$cli" compare <(cat "$scenario") --duration 1 --variant a >"$work/pipe.out" 2>&1 \
  || fail "compare from a pipe: $(cat "$work/pipe.out")"

# 6. Bad input: exit 2, naming the variant, the path and what is allowed.
expect 2 "variant 'x': A->B.retry.max_attemps: .*close matches: A->B.retry.max_attempts" \
  "$cli" compare "$scenario" --variant base --variant 'x:A->B.retry.max_attemps=3'
expect 2 "variant 'x': A->B.retry.max_attempts: 0 is out of range; expected an integer in \[1, 100\]" \
  "$cli" compare "$scenario" --variant base --variant 'x:A->B.retry.max_attempts=0'
expect 2 "variant 'x': B.failure_rate: a world setting" \
  "$cli" compare "$scenario" --variant base --variant 'x:B.failure_rate=0.5'
expect 2 "variant 'x': A->B.breaker.preset: \"nope\" is not allowed; expected one of: none, gobreaker" \
  "$cli" compare "$scenario" --variant base --variant 'x:A->B.breaker.preset=nope'
expect 2 "variant 'x': 'A->B.timeout_ms' is not PATH=VALUE" \
  "$cli" compare "$scenario" --variant base --variant 'x:A->B.timeout_ms'
expect 2 "variant name 'a/b' is not allowed; expected 1 to 64 letters" \
  "$cli" compare "$scenario" --variant 'a/b'
expect 2 "variant name 'base' is used twice" "$cli" compare "$scenario" --variant base --variant base
expect 2 "9 variants; expected 1 to 8" "$cli" compare "$scenario" --variant a --variant b \
  --variant c --variant d --variant e --variant f --variant g --variant h --variant i
expect 2 "no --variant given" "$cli" compare "$scenario"
expect 2 "--seeds 0 is out of range; expected \[1, 1000\]" \
  "$cli" compare "$scenario" --variant base --seeds 0
expect 2 "is a compare file and names its variants" \
  "$cli" compare "$work/many/compare.toml" --variant base
mkdir -p "$work/mine" && echo keep >"$work/mine/notes.txt"
expect 2 "--out .*holds 'notes.txt'" "$cli" compare "$scenario" --variant base --out "$work/mine"
[ "$(cat "$work/mine/notes.txt")" = keep ] || fail "a refused folder was touched"
expect 2 "--set B.failure_rate=2: B.failure_rate: 2 is out of range; expected a number in \[0, 1\]" \
  "$cli" run "$scenario" --set B.failure_rate=2
expect 2 "--set A->B.retry.jitter=fulll: .*expected one of: none, full, equal, decorrelated" \
  "$cli" run "$scenario" --set 'A->B.retry.jitter=fulll'
expect 2 "--set Q.x=1: Q.x: not a settable path.*cbsim-cli keys" "$cli" run "$scenario" --set Q.x=1
expect 2 "--set B.failure_rate: expected PATH=VALUE" "$cli" run "$scenario" --set B.failure_rate

# 7. docs/COMPARE.md's worked example: its command, run as written, prints the documented table
# and writes the documented first lines of compare.csv.
doc="$src/docs/COMPARE.md"
# The first ```sh block after "## A worked example", continuation lines joined.
cmd=$(awk '/^## A worked example/ { on = 1 } on && /^```sh/ { inside = 1; next }
           inside && /^```/ { exit } inside { print }' "$doc" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
grep -q '^build/cbsim-cli compare ' <<<"$cmd" || fail "no example command in COMPARE.md: $cmd"
cmd=${cmd/build\/cbsim-cli/\"\$cli\"}
cmd=${cmd//\/tmp\/storm-compare/\"\$work\/doc-example\"}
(cd "$src" && cli="$cli" work="$work" bash -c "$cmd") >"$work/doc-example.out" 2>&1 \
  || fail "the example command failed: $(cat "$work/doc-example.out")"
# The ```text block right after the command: the printed table.
awk '/^## A worked example/ { on = 1 } on && /^```text/ { inside = 1; next }
     inside && /^```/ { exit } inside { print }' "$doc" >"$work/doc-table.txt"
sed "s|$work/doc-example|/tmp/storm-compare|" "$work/doc-example.out" >"$work/doc-example.shown"
diff "$work/doc-table.txt" "$work/doc-example.shown" >"$work/doc-table.diff" \
  || fail "COMPARE.md's table differs from the command's output: $(cat "$work/doc-table.diff")"
# The compare.csv sample: its lines are the first lines of the file the command wrote.
awk '/^variant,seed,edge,/ { on = 1 } on && /^```/ { exit } on { print }' "$doc" \
  >"$work/doc-csv.txt"
n=$(wc -l <"$work/doc-csv.txt")
[ "$n" -ge 2 ] || fail "no compare.csv sample in COMPARE.md"
head -n "$n" "$work/doc-example/compare.csv" | diff "$work/doc-csv.txt" - >"$work/doc-csv.diff" \
  || fail "COMPARE.md's compare.csv sample differs from compare.csv: $(cat "$work/doc-csv.diff")"

finish
