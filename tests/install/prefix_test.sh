#!/usr/bin/env bash
# prefix_test.sh CMAKE BUILD SRC VERSION OUT: `cmake --install` into a temporary prefix, copy that
# prefix to another folder outside the source tree, and check the copy (check_tree.sh).
set -euo pipefail
cmake=$1 build=$2 src=$3 version=$4 out=$5
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$src/tests/install/lib.sh"
work_dirs "$out" "$src" prefix
"$cmake" --install "$build" --prefix "$tmp/stage" >"$out/install.log"
mkdir "$tmp/elsewhere"
cp -a "$tmp/stage" "$tmp/elsewhere/cbsim"
rm -rf "$tmp/stage"
bash "$src/tests/install/check_tree.sh" "$tmp/elsewhere/cbsim" "$out/check" "$src" "$build" "$version"
echo "INSTALL PREFIX: PASS"
