#!/usr/bin/env bash
# consumer_test.sh CMAKE BUILD SRC VERSION OUT: installs cbsim into a temporary prefix, then
# builds tests/install/consumer (the README's example) against it with find_package(cbsim), and
# the same example with pkg-config, and runs both with the installed presets.
set -euo pipefail
cmake=$1 build=$2 src=$3 version=$4 out=$5
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$src/tests/install/lib.sh"
work_dirs "$out" "$src" consumer
prefix=$tmp/prefix
"$cmake" --install "$build" --prefix "$prefix" >"$out/install.log"

"$cmake" -S "$src/tests/install/consumer" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCBSIM_README="$src/README.md" >"$out/configure.log" 2>&1 ||
    fail "configure: $(cat "$out/configure.log")"
grep -F "cbsim ${version%%+*} from $prefix/" "$out/configure.log" || fail "find_package(cbsim) did not find $prefix"
"$cmake" --build "$out/build" >"$out/build.log" 2>&1 || fail "build: $(cat "$out/build.log")"

# The example loads "assets/presets/gobreaker_grpc.toml": give it the installed presets.
mkdir -p "$tmp/run/assets"
ln -s "$prefix/share/cbsim/presets" "$tmp/run/assets/presets"
want="calls=4 failures=3 served_from_cache=2"
got=$(cd "$tmp/run" && "$out/build/readme_example")
echo "cmake consumer: $got"
[ "$got" = "$want" ] || fail "the example printed '$got', wanted '$want'"

pc_path=$(dirname "$(find "$prefix" -name cbsim.pc)")
[ "$(PKG_CONFIG_PATH=$pc_path pkg-config --modversion cbsim)" = "$version" ] || fail "pkg-config version"
# shellcheck disable=SC2046
c++ -std=c++20 -o "$tmp/example_pc" "$out/build/readme_example.cpp" \
    $(PKG_CONFIG_PATH=$pc_path pkg-config --cflags --libs cbsim) 2>"$out/pkg-config-build.log" ||
    fail "pkg-config build: $(cat "$out/pkg-config-build.log")"
got=$(cd "$tmp/run" && "$tmp/example_pc")
echo "pkg-config consumer: $got"
[ "$got" = "$want" ] || fail "the pkg-config build printed '$got', wanted '$want'"
echo "INSTALL CONSUMER: PASS"
