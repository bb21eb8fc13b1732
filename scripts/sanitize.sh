#!/usr/bin/env bash
# Sanitizer runs: the whole ctest suite under ASan+UBSan (but the two tests that bound memory
# with ulimit -v), then the concurrency tests (the thread-safe breaker, the recorder read while
# a run advances, the GUI's worker-thread handoff)
# under TSan. Each build lives in its own directory under ROOT (ROOT/asan, ROOT/tsan); ctest
# runs this as reliability.asan and reliability.tsan with ROOT inside the main build tree.
#
#   scripts/sanitize.sh [asan|tsan|all] [ROOT]     (default: all, the repository root with
#                                                   build-asan/ and build-tsan/)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
what=${1:-all}
root=${2:-}
if [ -n "$root" ]; then
  asan_dir=$root/asan
  tsan_dir=$root/tsan
else
  asan_dir=$here/build-asan
  tsan_dir=$here/build-tsan
fi
jobs=$(nproc)
# -O0 with line tables and assertions on: a sanitizer build of the whole tree compiles about
# 3.5 times faster than at -O1 (gtest- and CLI11-heavy files dominate); reports keep file and
# line. The engine library alone is built at -O1 (core/CMakeLists.txt): the simulation-heavy
# tests (sweeps, soaks, the app end to end) then run about 4 times faster for the same build
# time (cli.sweep_test 241 s -> 61 s under ASan, the whole ASan suite 13 -> 8 min).
flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O0 -g1")
case "$what" in asan | tsan | all) ;; *)
  echo "sanitize: unknown run '$what' (asan, tsan or all)" >&2
  exit 2
  ;;
esac

# Only third-party code is suppressed: the GL driver (Mesa/llvmpipe) and the X libraries,
# which are not built with the sanitizers. Nothing of cbsim's own is listed there.
export LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tests/sanitizers/tsan.supp"

if [ "$what" = asan ] || [ "$what" = all ]; then
  echo "sanitize: ASan+UBSan build and the whole test suite"
  cmake -S "$here" -B "$asan_dir" -G Ninja "${flags[@]}" \
    -DCBSIM_SANITIZE=address,undefined -DCBSIM_BUILD_BENCH=OFF -DCBSIM_RELIABILITY_TESTS=OFF >/dev/null
  cmake --build "$asan_dir" -j "$jobs"
  # Tests labelled ulimit bound the address space with `ulimit -v` to make the program run out
  # of memory; ASan reserves terabytes of address space for its shadow memory, so they cannot
  # run here (they run in the main suite).
  ctest --test-dir "$asan_dir" --output-on-failure -j2 -LE ulimit
fi

if [ "$what" = tsan ] || [ "$what" = all ]; then
  echo "sanitize: TSan build and the concurrency tests"
  cmake -S "$here" -B "$tsan_dir" -G Ninja "${flags[@]}" \
    -DCBSIM_SANITIZE=thread -DCBSIM_BUILD_BENCH=OFF -DCBSIM_RELIABILITY_TESTS=OFF >/dev/null
  cmake --build "$tsan_dir" -j "$jobs" --target cbsim_core_tests cbsim_app_tests
  # Tests whose names say they run threads: Concurrent*, *Thread*, *Concurrency*, SimWorker*.
  ctest --test-dir "$tsan_dir" --output-on-failure -j2 \
    -R 'Concurrent|Thread|Concurrency|SimWorker|Stress'
fi
