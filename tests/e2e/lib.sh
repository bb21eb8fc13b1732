# Sourced by the *_e2e.sh scripts: xdotool with retries, key taps as a person makes them,
# waiting for the app's READY report and a clean Ctrl+Q exit. The sourcing script defines
# fail MESSAGE, and sets $log (the app's output) and $pid (the app) before using them.

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

# quit_app: a real Ctrl+Q closes the app within 10 s with exit code 0.
quit_app() {
    chord ctrl q
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the app"
    local rc=0
    wait "$pid" || rc=$?
    trap - EXIT
    [ "$rc" -eq 0 ] || fail "exit code $rc"
}
