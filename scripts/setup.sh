#!/usr/bin/env bash
# cbsim's one setup script: installs what is missing from Debian's packages, configures and
# builds. Idempotent: a second run installs nothing and rebuilds only what changed.
#
#   scripts/setup.sh [BUILD_DIR]        (default: build)
#
# Environment: CBSIM_BUILD_TYPE (default Release), CBSIM_CMAKE_ARGS (extra configure args).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$here/build}
build_type=${CBSIM_BUILD_TYPE:-Release}

packages=(
  cmake ninja-build pkg-config g++ git clang libclang-rt-14-dev
  libimgui-dev libstb-dev libglfw3 libglfw3-dev libgl-dev libgl1-mesa-dri python3-glad
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libtomlplusplus-dev zlib1g-dev
  xvfb xauth xdotool imagemagick fonts-dejavu-core libx11-dev
  help2man librsvg2-bin dpkg-dev man-db desktop-file-utils appstream lintian
  slurm-wlm munge
)

missing=()
for p in "${packages[@]}"; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get is not available; cbsim builds on Debian 12 (bookworm)." >&2
    echo "setup: install these packages by other means: ${missing[*]}" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi

# shellcheck disable=SC2086
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" ${CBSIM_CMAKE_ARGS:-}
cmake --build "$build_dir" -j "$(nproc)"
