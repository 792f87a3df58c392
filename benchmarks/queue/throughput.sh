#!/usr/bin/env bash
# Queue throughput: N clips (real photos, 320x240, 2 s at 25 fps, Gaussian-blurred for the middle second) through
# 1, 2 and 3 `blurvideo worker` processes on a throwaway RabbitMQ broker (temporary node, data and free ports, stopped
# at the end). Prints clips per minute and frames per second for each worker count.
#
#   bash benchmarks/queue/throughput.sh [--clips N] [--workers "1 2 3"] [--model M]
#
# Needs scripts/setup.sh (rabbitmq-server, ffmpeg) and a Release build of src/BlurVideo.Cli; run as root (the broker
# runs as the calling user from /usr/lib/rabbitmq/bin, with its files in a temporary folder).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
clips=12
worker_counts="1 2 3"
model="defusionnet-s"
while (($#)); do
  case "$1" in
    --clips) clips="$2"; shift 2 ;;
    --workers) worker_counts="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "throughput.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

cli="$repo_root/src/BlurVideo.Cli/bin/Release/net10.0/BlurVideo.Cli.dll"
[[ -f "$cli" ]] || { echo "throughput.sh: build first: dotnet build src/BlurVideo.Cli -c Release" >&2; exit 1; }
shared="${BLURVIDEO_SHARED_DATA:-$repo_root/../shared/data}"
work="$(mktemp -d /tmp/blurvideo-queue-bench.XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
amqp_port="$(free_port)"; dist_port="$(free_port)"; epmd_port="$(free_port)"
broker_env=(HOME="$work/broker" RABBITMQ_NODENAME="bench$$@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$amqp_port" RABBITMQ_DIST_PORT="$dist_port" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1
  RABBITMQ_MNESIA_BASE="$work/broker/mnesia" RABBITMQ_LOG_BASE="$work/broker/log"
  RABBITMQ_ENABLED_PLUGINS_FILE="$work/broker/enabled_plugins" RABBITMQ_CONFIG_FILE="$work/broker/rabbitmq")
broker_pid=""
worker_pids=()
cleanup() {
  for pid in "${worker_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$broker_pid" ]]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  env "${broker_env[@]}" epmd -kill >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/broker" "$work/clips"
echo '[].' >"$work/broker/enabled_plugins"
echo 'loopback_users = none' >"$work/broker/rabbitmq.conf"
env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server >"$work/broker/stdout.log" 2>&1 &
broker_pid=$!
broker="amqp://guest:guest@127.0.0.1:$amqp_port/"

photos=("$shared"/sharp/Kodak24/kodim*.png)
for ((i = 0; i < clips; i++)); do
  ffmpeg -v error -y -framerate 25 -loop 1 -i "${photos[i % ${#photos[@]}]}" -t 2 \
    -vf "scale=320:240,gblur=sigma=$((4 + i % 5)):enable='gte(t,0.5)*lt(t,1.5)'" -c:v libx264 -pix_fmt yuv420p \
    "$work/clips/clip$(printf %02d "$i").mp4"
done

for _ in $(seq 1 600); do
  grep -q "Server startup complete" "$work/broker/log/"*.log 2>/dev/null && break
  kill -0 "$broker_pid" 2>/dev/null || { cat "$work/broker/stdout.log" >&2; exit 1; }
  sleep 0.2
done

echo "clips: $clips x 50 frames (320x240), model $model, $(nproc) cores"
printf '%-8s %-10s %-12s %-10s\n' workers seconds clips/min frames/s
for workers in $worker_counts; do
  out="$work/out-$workers"
  dotnet "$cli" queue submit "$work/clips" -o "$out" --broker "$broker" --model "$model" >/dev/null
  start=$(date +%s.%N)
  worker_pids=()
  for ((w = 0; w < workers; w++)); do
    dotnet "$cli" worker --broker "$broker" >"$work/worker-$workers-$w.log" 2>&1 &
    worker_pids+=($!)
  done
  while (($(find "$out" -mindepth 2 -maxdepth 2 -name job.json 2>/dev/null | wc -l) < clips)); do sleep 0.2; done
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  for pid in "${worker_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  worker_pids=()
  printf '%-8s %-10.1f %-12.1f %-10.1f\n' "$workers" "$seconds" "$(echo "$clips * 60 / $seconds" | bc -l)" "$(echo "$clips * 50 / $seconds" | bc -l)"
done
