#!/usr/bin/env bash
# Capture→display latency of `blurvideo monitor`: the monitor on the synthetic focus pull (card size, the default
# model) with a headless Debian chromium showing its page, which acknowledges each frame after drawing it.
# Prints the monitor's summary line (frames shown, p50/p95 capture→display). Usage: latency.sh [seconds] [model]
set -euo pipefail
seconds=${1:-60}
model=${2:-defusionnet-s}
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
profile=$(mktemp -d)
trap 'kill "${browser:-}" 2>/dev/null && wait "${browser:-}" 2>/dev/null; rm -rf "$profile"' EXIT

dotnet build -c Release "$repo/src/BlurVideo.Cli" -v q -nologo >/dev/null
dotnet "$repo/src/BlurVideo.Cli/bin/Release/net10.0/BlurVideo.Cli.dll" monitor synthetic --port "$port" \
  --duration "$seconds" --model "$model" > "$profile/monitor.log" &
monitor=$!
until grep -q "open http" "$profile/monitor.log" 2>/dev/null; do
  kill -0 "$monitor" 2>/dev/null || { cat "$profile/monitor.log" >&2; exit 1; }
  sleep 0.2
done
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$profile/chromium" \
  --window-size=1280,900 "http://127.0.0.1:$port/" >/dev/null 2>&1 &
browser=$!
wait "$monitor"
grep "frames shown" "$profile/monitor.log"
