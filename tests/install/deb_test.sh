#!/usr/bin/env bash
# deb_test.sh CPACK BUILD SRC VERSION OUT: builds the .deb with cpack, has lintian check it (no
# errors allowed; warnings are listed in docs/INSTALL.md), lists it, extracts it into a
# temporary root and checks the extracted tree like an installed one (check_tree.sh).
set -euo pipefail
cpack=$1 build=$2 src=$3 version=$4 out=$5
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$src/tests/install/lib.sh"
work_dirs "$out" "$src" deb

"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$out/cpack.log" 2>&1 ||
    fail "cpack failed: $(cat "$out/cpack.log")"
deb=$tmp/pkg/cbsim_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $(basename "$deb"): $(ls "$tmp/pkg")"
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# Control data: dependencies from dpkg-shlibdeps, section, maintainer, version.
dpkg-deb -f "$deb" >"$out/control.txt"
cat "$out/control.txt"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = cbsim ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Section)" = devel ] || fail "Section"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
for dep in libc6 libstdc++6 libglfw3 libtomlplusplus3 libgl1 fonts-dejavu-core; do
    field Depends | tr ',' '\n' | grep -q "^ *$dep\b" || fail "Depends lacks $dep: $(field Depends)"
done

# lintian: no errors.
lintian --no-tag-display-limit "$deb" >"$out/lintian.txt" 2>&1 || true
cat "$out/lintian.txt"
! grep -q '^E:' "$out/lintian.txt" || fail "lintian reports errors"
grep -q . "$out/lintian.txt" || lintian --version >/dev/null || fail "lintian did not run"

# Contents: everything under /usr, and the files expected there.
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$out/contents.txt"
! grep -v '^\./usr/' "$out/contents.txt" | grep -v '^\./$' || fail "files outside /usr"
libdir=$(sed -n 's|^\./\(usr/lib.*\)/libcbsim_core\.a$|\1|p' "$out/contents.txt")
[ -n "$libdir" ] || fail "the package lacks libcbsim_core.a"
for f in usr/bin/cbsim usr/bin/cbsim-cli usr/share/cbsim/scenarios/default.toml \
    usr/share/man/man1/cbsim.1.gz usr/share/man/man1/cbsim-cli.1.gz \
    usr/share/doc/cbsim/copyright usr/share/doc/cbsim/changelog.gz \
    usr/share/applications/io.github.cbsim.cbsim.desktop \
    usr/share/metainfo/io.github.cbsim.cbsim.metainfo.xml \
    usr/share/bash-completion/completions/cbsim-cli usr/include/cbsim/concurrent_breaker.hpp \
    "$libdir/libcbsim_core.a" "$libdir/cmake/cbsim/cbsimConfig.cmake" "$libdir/pkgconfig/cbsim.pc"; do
    grep -qx "\./$f" "$out/contents.txt" || fail "the package lacks /$f"
done
echo "contents: $(wc -l <"$out/contents.txt") entries, all under /usr"

dpkg-deb -x "$deb" "$tmp/root"
bash "$src/tests/install/check_tree.sh" "$tmp/root/usr" "$out/check" "$src" "$build" "$version"
echo "INSTALL DEB: PASS"
