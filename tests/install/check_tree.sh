#!/usr/bin/env bash
# check_tree.sh ROOT OUT SRC BUILD VERSION: checks an installed cbsim tree ROOT (a prefix: bin/,
# share/, include/, lib*/) that was moved or extracted away from where it was built. Runs the
# programs from ROOT with CBSIM_ASSET_DIR unset and the working directory OUT, so the data can
# only come from ROOT itself; needs an X display (run under xvfb-run) for the desktop app.
set -euo pipefail
root=$1 out=$2 src=$3 build=$4 version=$5
mkdir -p "$out"
fail() {
    echo "check_tree: $*" >&2
    [ -n "${log:-}" ] && [ -f "$log" ] && cat "$log" >&2
    exit 1
}
unset CBSIM_ASSET_DIR
export HOME=$out/home XDG_CONFIG_HOME=$out/config
mkdir -p "$HOME"
cd "$out"
app_id=io.github.cbsim.cbsim

# 1. The files a user and a packager expect.
libdir=$(cd "$root" && find lib* -name libcbsim_core.a -printf '%h\n' 2>/dev/null | head -1)
[ -n "$libdir" ] || fail "no libcbsim_core.a under $root/lib*"
for f in bin/cbsim bin/cbsim-cli \
    share/cbsim/scenarios/default.toml share/cbsim/presets/gobreaker_grpc.toml \
    share/doc/cbsim/README.md share/doc/cbsim/docs/APP.md share/doc/cbsim/docs/screenshot.png \
    share/doc/cbsim/copyright share/doc/cbsim/changelog.gz \
    share/man/man1/cbsim.1.gz share/man/man1/cbsim-cli.1.gz \
    share/bash-completion/completions/cbsim-cli \
    share/applications/$app_id.desktop share/metainfo/$app_id.metainfo.xml \
    share/icons/hicolor/scalable/apps/$app_id.svg \
    include/cbsim/concurrent_breaker.hpp include/cbsim/version.hpp \
    "$libdir/libcbsim_core.a" "$libdir/cmake/cbsim/cbsimConfig.cmake" \
    "$libdir/cmake/cbsim/cbsimTargets.cmake" "$libdir/pkgconfig/cbsim.pc"; do
    [ -e "$root/$f" ] || fail "missing $f"
done
for f in cbsim cbsim-cli; do [ -x "$root/bin/$f" ] || fail "bin/$f is not executable"; done
for f in "$src"/assets/presets/*.toml "$src"/assets/scenarios/*.toml "$src"/assets/sweeps/*.toml; do
    rel=${f#"$src"/assets/}
    cmp -s "$f" "$root/share/cbsim/$rel" || fail "share/cbsim/$rel differs from assets/$rel"
done
[ ! -e "$root/bin/cbsim-assets.path" ] || fail "the build tree's asset marker was installed"
echo "files: ok (libdir $libdir)"

# 2. Nothing installed names the source or build tree: the programs cannot reach it.
for f in "$root"/bin/* "$root"/share/man/man1/* "$root"/share/bash-completion/completions/* \
    "$root"/share/metainfo/* "$root/$libdir"/pkgconfig/* "$root/$libdir"/cmake/cbsim/*; do
    if zcat -f "$f" | grep -a -q -F -e "$src" -e "$build"; then
        fail "$f contains a source or build path: $(zcat -f "$f" | strings | grep -F -e "$src" -e "$build" | head -3)"
    fi
done
echo "no source or build path inside: ok"

# 3. Versions.
[ "$("$root/bin/cbsim" --version)" = "cbsim $version" ] || fail "cbsim --version: $("$root/bin/cbsim" --version)"
[ "$("$root/bin/cbsim-cli" --version)" = "cbsim-cli $version" ] ||
    fail "cbsim-cli --version: $("$root/bin/cbsim-cli" --version)"
echo "versions: ok ($version)"

# 4. cbsim-cli runs the installed default scenario; same bytes as the build tree's run.
"$root/bin/cbsim-cli" run "$root/share/cbsim/scenarios/default.toml" --out "$out/run" >"$out/run.log" 2>&1 ||
    fail "cbsim-cli run failed: $(cat "$out/run.log")"
"$build/cbsim-cli" run "$src/assets/scenarios/default.toml" --out "$out/run-build" >/dev/null 2>&1 ||
    fail "the build tree's cbsim-cli run failed"
for f in timeseries.csv events.csv services.csv summary.json; do
    cmp "$out/run/$f" "$out/run-build/$f" || fail "run/$f differs from the build tree's run"
done
echo "cbsim-cli run: ok ($(wc -l <"$out/run/timeseries.csv") timeseries rows)"

# 5. Man pages render; cbsim-cli(1) documents every subcommand the installed CLI has.
render() { MANWIDTH=100 MANPAGER=cat man --warnings -l "$1" 2>"$out/man-warnings.txt"; }
render "$root/share/man/man1/cbsim.1.gz" >"$out/cbsim.1.txt" || fail "man -l cbsim.1.gz failed"
render "$root/share/man/man1/cbsim-cli.1.gz" >"$out/cbsim-cli.1.txt" || fail "man -l cbsim-cli.1.gz failed"
grep -q 'cbsim - interactive circuit-breaker simulator' "$out/cbsim.1.txt" || fail "cbsim(1): no NAME"
grep -q -- '--scenario FILE' "$out/cbsim.1.txt" || fail "cbsim(1): no --scenario"
grep -q 'CBSIM_ASSET_DIR' "$out/cbsim.1.txt" || fail "cbsim(1): no ENVIRONMENT"
grep -q "cbsim $version" "$out/cbsim.1.txt" || fail "cbsim(1): not version $version"
grep -q 'cbsim-cli - headless circuit-breaker simulator' "$out/cbsim-cli.1.txt" || fail "cbsim-cli(1): no NAME"
subcommands=$("$root/bin/cbsim-cli" --help | awk '/^Subcommands:$/ { s = 1; next } s && /^  [^ ]/ { print $1 }')
[ -n "$subcommands" ] || fail "cbsim-cli --help lists no subcommands"
awk '/^SUBCOMMANDS$/ { s = 1; next } /^[A-Z]/ { s = 0 } s' "$out/cbsim-cli.1.txt" >"$out/subcommands.txt"
for sub in $subcommands; do
    grep -Eq "^ +$sub( |$)" "$out/subcommands.txt" || fail "cbsim-cli(1)'s SUBCOMMANDS lacks '$sub'"
done
echo "man pages: ok (subcommands: ${subcommands//$'\n'/ })"

# 6. Desktop entry, AppStream metadata and icons.
desktop=$root/share/applications/$app_id.desktop
desktop-file-validate "$desktop" >"$out/desktop-file-validate.txt" 2>&1 ||
    fail "desktop-file-validate: $(cat "$out/desktop-file-validate.txt")"
[ ! -s "$out/desktop-file-validate.txt" ] || fail "desktop-file-validate: $(cat "$out/desktop-file-validate.txt")"
grep -qx 'Categories=Development;' "$desktop" || fail "desktop entry: Categories"
[ -x "$root/bin/$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")" ] || fail "desktop entry: Exec is not an installed program"
icon=$(sed -n 's/^Icon=//p' "$desktop")
for size in 16 24 32 48 64 128 256; do
    png=$root/share/icons/hicolor/${size}x${size}/apps/$icon.png
    [ "$(identify -format '%wx%h' "$png")" = "${size}x${size}" ] || fail "icon $png is not ${size}x${size}"
done
appstreamcli validate --no-net --explain "$root/share/metainfo/$app_id.metainfo.xml" >"$out/appstream.txt" 2>&1 ||
    fail "appstreamcli validate: $(cat "$out/appstream.txt")"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" \
    "$root/share/metainfo/$app_id.metainfo.xml" || fail "metainfo does not launch $app_id.desktop"
grep -q "<release version=\"$version\"" "$root/share/metainfo/$app_id.metainfo.xml" || fail "metainfo: release $version"
grep -q 'docs/screenshot.png</image>' "$root/share/metainfo/$app_id.metainfo.xml" || fail "metainfo: screenshot"
echo "desktop entry, metainfo, icons: ok"

# 7. The bash completion loads and completes the subcommands.
completion=$root/share/bash-completion/completions/cbsim-cli
got=$(bash -c 'source "$1"; COMP_WORDS=(cbsim-cli ""); COMP_CWORD=1; _cbsim_cli; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" | sort)
[ "$got" = "$(sort <<<"$subcommands")" ] || fail "completion offers '$got', the CLI has '$subcommands'"
echo "bash completion: ok"

# 8. The desktop app opens the installed default scenario. The copy's scenario gets a name of
#    its own, so the window title proves which file the app read.
: "${DISPLAY:?run me under xvfb-run}"
marker="cbsim install check $$"
sed -i "0,/^name = .*/s//name = \"$marker\"/" "$root/share/cbsim/scenarios/default.toml"
grep -q "^name = \"$marker\"" "$root/share/cbsim/scenarios/default.toml" || fail "could not mark the scenario"
log=$out/app.log
"$root/bin/cbsim" --test-report --pos 0 0 --fps 30 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# shellcheck source=/dev/null
source "$src/tests/e2e/lib.sh"
timeout 30 xdotool search --sync --onlyvisible --name "^cbsim - $marker\$" >/dev/null ||
    fail "no window titled 'cbsim - $marker': the app did not open the installed scenario"
for _ in $(seq 300); do grep -q '^READY' "$log" && break; sleep 0.1; done
grep -q '^READY' "$log" || fail "app never became READY"
sleep 1  # a few more frames of the running simulation
import -window root "$out/screenshot.png"
colours=$(convert "$out/screenshot.png" -format '%k' info:)
[ "$colours" -gt 4 ] || fail "screenshot $out/screenshot.png looks empty ($colours colours)"
quit_app
echo "cbsim: opened '$marker' from $root/share/cbsim, screenshot $out/screenshot.png ($colours colours)"
echo "CHECK TREE: PASS"
