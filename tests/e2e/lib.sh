# Sourced by the *_e2e.sh scripts: their working folder, xdotool with retries, key taps as a
# person makes them, real mouse drags, waiting for the app's READY report, exports and their
# byte-for-byte re-runs, and a clean Ctrl+Q exit. A script sources it, calls e2e_workdir WORKDIR, and sets $pid (the app) before using
# the functions that need it.

# e2e_workdir DIR: a fresh DIR for the test's artifacts, the app's UI settings kept inside it
# (never the user's), and $log, the file for the app's output.
e2e_workdir() {
    : "${DISPLAY:?run me under xvfb-run}"
    rm -rf "$1"
    mkdir -p "$1"
    export XDG_CONFIG_HOME=$1/config
    log=$1/app.log
    e2e_dir=$1
}

# fail MESSAGE: the test fails, showing the app's output; the screen at that moment is left in
# WORKDIR/fail.png. On stderr: from inside a command substitution it still reaches the output.
fail() {
    {
        echo "FAIL: $*"
        import -window root "$e2e_dir/fail.png" 2>/dev/null && echo "screen: $e2e_dir/fail.png"
        echo "--- app log"
        cat "$log"
    } >&2
    exit 1
}

# xdotool with a retry: opening the X display can fail for a moment on a loaded machine.
xdo() {
    for _ in 1 2 3; do xdotool "$@" && return 0; sleep 0.5; done
    fail "xdotool $* failed"
}

# chord MOD KEY: a plain tap of MOD+KEY (`xdotool key`), as a fast typist makes it: the press
# and release can fall between two frames, and the app must still act on it.
chord() {
    xdo key "$1+$2"
}

# drag Y FROM_X TO_X STEP: a real mouse drag along y = Y, from FROM_X to TO_X by STEP pixels;
# each step waits more than two frames (llvmpipe frames can take 100 ms on a loaded machine).
# The mouse is moved away at the end so no tooltip covers the view.
drag() {
    xdo mousemove --sync "$2" "$1"
    sleep 0.3
    xdo mousedown 1
    sleep 0.3
    local x
    for x in $(seq "$2" "$4" "$3") "$3"; do
        xdo mousemove --sync "$x" "$1"
        sleep 0.1
    done
    sleep 0.6  # the last position must be seen by a frame with the button still down
    xdo mouseup 1
    sleep 0.3
    xdo mousemove --sync 5 $(($1 + 300))
}

# wait_ready: the window is mapped and the app has printed READY (widget positions follow it).
wait_ready() {
    timeout 30 xdotool search --sync --onlyvisible --name '^cbsim' >/dev/null || fail "no window"
    for _ in $(seq 300); do grep -q '^READY' "$log" && break; sleep 0.1; done
    grep -q '^READY' "$log" || fail "app never became READY"
}

# start_app ARGS...: the app ($app) with --test-report and ARGS, its output in $log; sets $pid,
# kills the app if the script fails, and waits for READY.
start_app() {
    "$app" --test-report "$@" >"$log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    wait_ready
}

# slider PATH: the reported rectangle of PATH's slider as x0 y0 x1 y1, and its middle row cy.
slider() {
    read -r _ _ x0 y0 x1 y1 < <(grep "^RECT $1 " "$log") || fail "no RECT $1"
    cy=$(((y0 + y1) / 2))
}

# rect NAME: the last reported rectangle of NAME as "x0 y0 x1 y1".
rect() {
    local r
    r=$(grep "^RECT $1 " "$log" | tail -1 | cut -d' ' -f3-)
    [ -n "$r" ] || fail "no RECT $1"
    echo "$r"
}

# click_rect NAME: a real left click at the middle of NAME's rectangle.
click_rect() {
    local r x0 y0 x1 y1
    r=$(rect "$1") || exit 1
    read -r x0 y0 x1 y1 <<<"$r"
    xdo mousemove --sync $(((x0 + x1) / 2)) $(((y0 + y1) / 2))
    sleep 0.3
    xdo click 1
    sleep 0.6
}

# quit_app: a real Ctrl+Q closes the app within 10 s with exit code 0. A run with changes not
# saved or exported asks first (ASKING quit): Discard is clicked.
quit_app() {
    local asked
    asked=$(grep -c '^ASKING quit' "$log" || true)
    chord ctrl q
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        if [ "$(grep -c '^ASKING quit' "$log" || true)" -gt "$asked" ]; then
            sleep 0.5  # the question settles and reports its buttons
            click_rect unsaved.discard
            asked=$((asked + 1))
        fi
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the app"
    local rc=0
    wait "$pid" || rc=$?
    trap - EXIT
    [ "$rc" -eq 0 ] || fail "exit code $rc"
}

# export_n N: Ctrl+E, waits for the Nth EXPORTED line, prints the folder.
export_n() {
    chord ctrl e
    for _ in $(seq 300); do [ "$(grep -c '^EXPORTED ' "$log")" -ge "$1" ] && break; sleep 0.1; done
    [ "$(grep -c '^EXPORTED ' "$log")" -ge "$1" ] || fail "no EXPORTED line $1 after Ctrl+E"
    grep '^EXPORTED ' "$log" | sed -n "${1}p" | cut -d' ' -f2-
}
# rerun DIR NAME: `$cli run DIR/scenario.toml` into WORKDIR/NAME gives the same CSVs, byte
# for byte (the script sets $cli and $work).
rerun() {
    "$cli" run "$1/scenario.toml" --out "$work/$2" >"$work/$2.log" 2>&1 || {
        cat "$work/$2.log"
        fail "cbsim-cli run of $1 failed"
    }
    for f in timeseries.csv services.csv events.csv; do
        cmp "$1/$f" "$work/$2/$f" || fail "re-run $f of $1 differs"
    done
}
