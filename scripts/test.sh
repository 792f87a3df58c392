#!/usr/bin/env bash
# Sets up, builds and runs every test suite of BlurVideo: the native shim (CTest), the .NET solution
# (NUnit) and the training code (pytest). Exits non-zero if any step fails; the test suites all run
# even when an earlier one fails, and a summary lists the failures at the end.
#
#   bash scripts/test.sh            # what CI runs (.ci/run)
#
# Shared data (real-smoke/, ...) is found at ../shared/data beside the repository, or at $BLURVIDEO_SHARED_DATA.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

section() { printf '\n==> %s\n' "$*"; }

# Every suite has tests on the shared data (real CUHK pairs, masks, photos): without it a run proves little.
shared_data="${BLURVIDEO_SHARED_DATA:-$repo_root/../shared/data}"
if [[ ! -d "$shared_data" ]]; then
  echo "test.sh: error: shared data not found at $shared_data." >&2
  echo "  Put the shared folder beside the repository (../shared/data) or set BLURVIDEO_SHARED_DATA." >&2
  exit 1
fi
BLURVIDEO_SHARED_DATA="$(cd "$shared_data" && pwd)"
export BLURVIDEO_SHARED_DATA

section "setup (scripts/setup.sh)"
bash scripts/setup.sh

section "build (dotnet build BlurVideo.sln, Release)"
dotnet build BlurVideo.sln -c Release -m:1 -nologo -v:minimal

# Each suite's output is also kept in artifacts/test-logs, so the summary at the end can name the failing tests
# (a CI report may show only the log's tail).
logs="$repo_root/artifacts/test-logs"
rm -rf "$logs"
mkdir -p "$logs"
failed=()
failure_logs=()
run_suite() {
  local name="$1"; shift
  section "$name"
  local log
  log="$logs/$(tr -cs 'A-Za-z0-9' '-' <<<"$name" | sed 's/^-//; s/-$//').log"
  local status=0
  "$@" 2>&1 | tee "$log" || status=$?
  if ((status != 0)); then
    failed+=("$name")
    failure_logs+=("$log")
  fi
}

# BlurVideo and BlurVideo.Models packed into a local folder feed, and samples/PackageConsumer (outside the solution)
# restored from it alone and run on a photo: an application needs no CMake and no setup script.
package_consumer() {
  local feed="$repo_root/artifacts/packages"
  rm -rf "$feed"
  dotnet pack src/BlurVideo/BlurVideo.csproj -c Release --no-build -o "$feed" -nologo -v:quiet &&
    dotnet pack src/BlurVideo.Models/BlurVideo.Models.csproj -c Release -o "$feed" -nologo -v:quiet || return 1
  # The same version is packed on every run: drop the copies an earlier run left in the NuGet cache.
  local cache
  cache="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
  rm -rf "$cache/blurvideo/0.1.0" "$cache/blurvideo.models/0.1.0"
  local output
  output="$(dotnet run --project samples/PackageConsumer -c Release -- "$BLURVIDEO_SHARED_DATA/real-smoke/images/cuhk_0011.png")" || return 1
  echo "$output"
  grep -q "blurred fraction" <<<"$output"
}

# A hung test fails its suite (and names itself) instead of holding CI until its deadline.
run_suite "native tests (CTest)" \
  ctest --test-dir build/native --output-on-failure --timeout 600
run_suite ".NET tests (dotnet test)" \
  dotnet test BlurVideo.sln -c Release -m:1 --no-build -nologo -v:minimal \
  --blame-hang-timeout 10m --blame-hang-dump-type none
run_suite "package consumer (dotnet pack, samples/PackageConsumer)" package_consumer
run_suite "training tests (pytest)" \
  timeout 30m /usr/bin/python3 -m pytest -q -p no:cacheprovider training/tests

if ((${#failed[@]} > 0)); then
  printf '\nFailures (full output in artifacts/test-logs):\n' >&2
  for log in "${failure_logs[@]}"; do
    grep -E -A4 '^\s*Failed [A-Za-z_]|^FAILED |\*\*\*Failed|^ERROR ' "$log" | head -60 >&2 || true
  done
  printf '\nFAILED: %s\n' "${failed[*]}" >&2
  exit 1
fi
printf '\nAll tests passed.\n'
