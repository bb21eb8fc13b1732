#!/usr/bin/env bash
# prefix_test.sh CMAKE BUILD SRC VERSION OUT: `cmake --install` into a temporary prefix, copy that
# prefix to another folder outside the source tree, and check the copy (check_tree.sh).
set -euo pipefail
cmake=$1 build=$2 src=$3 version=$4 out=$5
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cbsim-prefix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
case $(realpath "$tmp") in "$(realpath "$src")"/*) echo "temporary folder inside the source tree" >&2; exit 1 ;; esac
"$cmake" --install "$build" --prefix "$tmp/stage" >"$out/install.log"
mkdir "$tmp/elsewhere"
cp -a "$tmp/stage" "$tmp/elsewhere/cbsim"
rm -rf "$tmp/stage"
bash "$src/tests/install/check_tree.sh" "$tmp/elsewhere/cbsim" "$out/check" "$src" "$build" "$version"
echo "INSTALL PREFIX: PASS"
