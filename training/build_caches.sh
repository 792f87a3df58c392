#!/usr/bin/env bash
# Renders the synthetic training set in resumable chunks of 1000 samples (seeds 0 …) and the fixed
# validation set (seeds from 10_000_000, never trained on). Usage: build_caches.sh [chunks] [cache dir]
set -euo pipefail
cd "$(dirname "$0")"
chunks=${1:-8}
dir=${2:-cache}
mkdir -p "$dir"
[ -f "$dir/val.npz" ] || /usr/bin/python3 synth.py "$dir/val.npz" --count 300 --size 320 --first-seed 10000000
for ((i = 0; i < chunks; i++)); do
  out="$dir/train-$(printf %03d "$i").npz"
  if [ ! -f "$out" ]; then
    /usr/bin/python3 synth.py "$out.tmp.npz" --count 1000 --size 288 --first-seed $((i * 1000))
    mv "$out.tmp.npz" "$out"
  fi
done
