#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine to build and test BlurVideo. Idempotent: re-running it only does
# what is missing. Quiet on success; on failure prints what went wrong and exits non-zero.
#
#   bash scripts/setup.sh           # Debian packages, ONNX Runtime (npm, CPU), native/ CMake build
#   bash scripts/setup.sh --gpu     # also the CUDA/TensorRT execution providers (or BLURVIDEO_GPU=1)
#
# Nothing third-party is committed: the ONNX Runtime npm package is fetched by exact version into .deps/
# (ignored) and checked against the checksum pinned below before anything is extracted from it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps_dir="$repo_root/.deps"
native_build_dir="$repo_root/build/native"

want_gpu="${BLURVIDEO_GPU:-0}"
for arg in "$@"; do
  case "$arg" in
    --gpu) want_gpu=1 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (expected --gpu)" >&2; exit 2 ;;
  esac
done

fail() { echo "setup.sh: error: $*" >&2; exit 1; }

# One setup at a time per checkout: concurrent runs would share .deps/ staging folders and the CMake build.
mkdir -p "$deps_dir"
exec 9>"$deps_dir/.setup.lock"
flock 9

# Runs a command with its output captured; prints the output only if the command fails.
run_quietly() {
  local description="$1"; shift
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    echo "setup.sh: $description failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

# ---------------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------------
debian_packages=(
  ca-certificates
  cmake g++ make pkg-config
  libopencv-dev ffmpeg
  nodejs npm
  python3 python3-numpy python3-torch python3-torchvision python3-onnx python3-opencv python3-pytest
  libopenblas0-pthread  # fast BLAS for torch (the reference BLAS makes CPU training several times slower)
)

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

# npm may come from outside Debian (e.g. a node distribution); only its command is needed.
command_present_for() {
  case "$1" in
    nodejs) command -v node >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

missing_packages=()
for package in "${debian_packages[@]}"; do
  if ! is_installed "$package" && ! command_present_for "$package"; then
    missing_packages+=("$package")
  fi
done

if ((${#missing_packages[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 ||
    fail "missing packages (${missing_packages[*]}) and apt-get is not available; install them by hand"
  apt_prefix=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 ||
      fail "missing packages (${missing_packages[*]}); run as root or install sudo"
    apt_prefix=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  run_quietly "apt-get update" "${apt_prefix[@]}" apt-get update -q
  run_quietly "apt-get install ${missing_packages[*]}" \
    "${apt_prefix[@]}" apt-get install -y -q --no-install-recommends "${missing_packages[@]}"
fi

# ---------------------------------------------------------------------------------------------------
# .NET SDK (not packaged by Debian 12; global.json names the feature band)
# ---------------------------------------------------------------------------------------------------
required_sdk_major=10
if ! command -v dotnet >/dev/null 2>&1; then
  fail ".NET SDK not found. Install the .NET ${required_sdk_major} SDK (https://dotnet.microsoft.com/download;" \
    "Debian 12 does not package it), make 'dotnet' available on PATH, then re-run scripts/setup.sh."
fi
if ! dotnet --list-sdks 2>/dev/null | grep -q "^${required_sdk_major}\."; then
  fail "the .NET ${required_sdk_major} SDK is required, found: $(dotnet --list-sdks 2>/dev/null | tr '\n' ' ')" \
    "— install it from https://dotnet.microsoft.com/download and re-run scripts/setup.sh."
fi

# ---------------------------------------------------------------------------------------------------
# ONNX Runtime from npm, by exact version, checked against a pinned checksum
# ---------------------------------------------------------------------------------------------------
# Pinned sha512 (hex) of the registry tarballs; npm's "integrity" fields, base64, in the comments.
onnxruntime_version=0.4.9
# sha512-BkzxduSZ9IkeDP6Q8lz2TFU2ie7hSSvS7ZIfzMooExoq0CNzJnuuGaUJ7IsojBgqO4ouD1jXah8OYyJbCN29Fg==
onnxruntime_sha512=064cf176e499f4891e0cfe90f25cf64c553689eee1492bd2ed921fccca28131a2ad02373267bae19a509ec8b288c182a3b8a2e0f58d76a1f0e63225b08ddbd16
# sha512-FopIhNE/Ng+v2X65wVc9clPCBCvhvA53Hxo2U0Kf5fGdVsC7iCA+mZ0KLWggcQAj7TIZ6pNidR4AC10g74Xo6w==
onnxruntime_gpu_sha512=168a4884d13f360fafd97eb9c1573d7253c2042be1bc0e771f1a3653429fe5f19d56c0bb88203e999d0a2d6820710023ed3219ea9362751e000b5d20ef85e8eb

# fetch_npm_package NAME VERSION SHA512 REQUIRED_FILE MEMBER...
# Extracts the listed tar members (wildcards allowed) of NAME@VERSION into .deps/NAME/ and records the
# verified checksum in .deps/NAME/.verified. Skips everything when that record matches and REQUIRED_FILE
# (relative to .deps/NAME/) is there.
fetch_npm_package() {
  local name="$1" version="$2" sha512="$3" required_file="$4"; shift 4
  local target="$deps_dir/$name"
  local stamp="$target/.verified"
  local expected_stamp="$name@$version sha512=$sha512"

  if [[ -f "$stamp" && "$(cat "$stamp")" == "$expected_stamp" && -f "$target/$required_file" ]]; then
    return 0
  fi

  local downloads="$deps_dir/downloads"
  local tarball="$downloads/$name-$version.tgz"
  mkdir -p "$downloads"
  if [[ ! -f "$tarball" ]] || ! echo "$sha512  $tarball" | sha512sum --check --status; then
    rm -f "$tarball"
    command -v npm >/dev/null 2>&1 || fail "npm is required to fetch $name@$version"
    run_quietly "npm pack $name@$version" \
      npm pack "$name@$version" --pack-destination "$downloads" --silent --no-fund --no-audit
    [[ -f "$tarball" ]] || fail "npm pack did not produce $tarball"
  fi
  if ! echo "$sha512  $tarball" | sha512sum --check --status; then
    rm -f "$tarball"
    fail "checksum mismatch for $name@$version: expected sha512 $sha512 (tarball deleted)"
  fi

  local staging="$target.staging"
  rm -rf "$staging"
  mkdir -p "$staging"
  run_quietly "extracting $name@$version" \
    tar -xzf "$tarball" -C "$staging" --wildcards --no-same-owner "$@"
  [[ -f "$staging/$required_file" ]] || fail "$required_file missing from $name@$version"
  echo "$expected_stamp" >"$staging/.verified"
  rm -rf "$target"
  mv "$staging" "$target"
  # The package stays in npm's own cache; the 150 MB tarball is not needed once extracted.
  rm -f "$tarball"
}

fetch_npm_package com.github.asus4.onnxruntime "$onnxruntime_version" "$onnxruntime_sha512" \
  'package/Plugins/Linux/x64/libonnxruntime.so' \
  'package/LICENSE' 'package/ThirdPartyNotices.txt' 'package/package.json' \
  'package/Runtime/*.cs' 'package/Plugins/Linux/x64/*.so'

if [[ "$want_gpu" == 1 ]]; then
  fetch_npm_package com.github.asus4.onnxruntime.linux-x64-gpu "$onnxruntime_version" "$onnxruntime_gpu_sha512" \
    'package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so' \
    'package/package.json' 'package/Plugins/Linux/x64/*.so'
fi

# ---------------------------------------------------------------------------------------------------
# native/ (the OpenCV shim) with CMake, Release, into build/native/
# ---------------------------------------------------------------------------------------------------
[[ -f "$repo_root/CMakeLists.txt" ]] || fail "CMakeLists.txt missing at the repository root"
run_quietly "CMake configure of native/" \
  cmake -S "$repo_root" -B "$native_build_dir" -DCMAKE_BUILD_TYPE=Release
run_quietly "CMake build of native/" \
  cmake --build "$native_build_dir" --parallel 2
[[ -f "$native_build_dir/libblurvideo_native.so" ]] ||
  fail "the native build did not produce $native_build_dir/libblurvideo_native.so"
