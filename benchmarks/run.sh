#!/usr/bin/env bash
# One side-by-side benchmark, one command, one run, one machine (issue 17):
#   bash benchmarks/run.sh [--quick]
# per model FP32 and INT8 network time (BenchmarkDotNet, short in-process job) against the same network in PyTorch
# eager; ffmpeg blurdetect and decode-only on a 720p 30 fps clip made here; `video` end to end on that clip in file
# mode with and without the overlay video; live from the clip paced by `ffmpeg -re` over UDP; the pipeline stages'
# allocations per frame (MemoryDiagnoser). Writes docs/benchmark.md and docs/benchmark.svg (from
# artifacts/benchmark/results.json). --quick: the default model only and a 5 s clip (about 5 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
OUT=artifacts/benchmark
rm -rf "$OUT" && mkdir -p "$OUT"
# The model `video` runs when none is named (ModelCatalog.DefaultModelName), e.g. fastblur-r18-int8; the network
# rows name float models (each is run FP32 and as its -int8 twin, and in PyTorch eager), so --quick takes its float name.
DEFAULT_MODEL=$(sed -n 's/.*DefaultModelName = "\(.*\)";.*/\1/p' src/BlurVideo/Inference/ModelCatalog.cs)
[[ -n "$DEFAULT_MODEL" ]] || { echo "run.sh: no DefaultModelName in ModelCatalog.cs" >&2; exit 1; }
if (( QUICK )); then MODELS=${DEFAULT_MODEL%-int8}; SECONDS_CLIP=5; else MODELS=fastblur-r18,defusionnet-r18,defusionnet-s,r2mrf-s; SECONDS_CLIP=10; fi
CLIP="$OUT/clip720p30.mp4"
RESULTS="$OUT/results.json"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

log "build (Release)"
dotnet build src/BlurVideo.Cli -c Release -m:1 -v q -nologo >/dev/null
dotnet build benchmarks/BlurVideo.Benchmarks -c Release -m:1 -v q -nologo >/dev/null
CLI=(dotnet src/BlurVideo.Cli/bin/Release/net10.0/BlurVideo.Cli.dll)

log "clip: 1280x720 30 fps, ${SECONDS_CLIP} s, a photo pulled into and out of focus (H.264)"
PHOTO=../shared/data/sharp/Kodak24/kodim23.png; [[ -f "$PHOTO" ]] || PHOTO=""
if [[ -n "$PHOTO" ]]; then INPUT=(-loop 1 -framerate 30 -i "$PHOTO"); else INPUT=(-f lavfi -i "testsrc2=size=1280x720:rate=30"); fi
HALF=$(python3 -c "print($SECONDS_CLIP / 2)")
ffmpeg -hide_banner -loglevel error -y "${INPUT[@]}" -t "$SECONDS_CLIP" \
  -filter_complex "[0]scale=1280:720,setsar=1,format=yuva420p,split[a][b];[b]gblur=sigma=8,fade=t=in:st=0:d=$HALF:alpha=1,fade=t=out:st=$HALF:d=$HALF:alpha=1[c];[a][c]overlay=format=yuv420,format=yuv420p" \
  -r 30 -c:v libx264 -preset ultrafast -g 30 -pix_fmt yuv420p "$CLIP"
FRAMES=$((SECONDS_CLIP * 30))
# File mode runs the first FILE_FRAMES frames (a rate; bounds the run on a loaded machine).
FILE_FRAMES=150

timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); python3 -c "print($end - $start)"; }

log "ffmpeg decode-only and blurdetect"
DECODE_S=$(timed ffmpeg -hide_banner -i "$CLIP" -f null -)
BLURDETECT_S=$(timed ffmpeg -hide_banner -i "$CLIP" -vf blurdetect -f null -)

log "video, file mode, CSV + statistics only (no overlay video)"
"${CLI[@]}" video "$CLIP" --max-frames "$FILE_FRAMES" --csv "$OUT/file.csv" --stats-json "$OUT/file-no-overlay.json" >/dev/null
log "video, file mode, with the overlay video"
"${CLI[@]}" video "$CLIP" --max-frames "$FILE_FRAMES" -o "$OUT/overlay.mp4" --stats-json "$OUT/file-overlay.json" >/dev/null

log "live: the clip paced by ffmpeg -re over UDP into video (adaptive quality on)"
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${CLI[@]}" video "udp://127.0.0.1:$PORT" --csv "$OUT/live.csv" --stats-json "$OUT/live.json" --duration $((SECONDS_CLIP + 8)) >/dev/null 2>"$OUT/live.err" &
CLI_PID=$!
sleep 3
ffmpeg -hide_banner -loglevel error -re -i "$CLIP" -c copy -f mpegts "udp://127.0.0.1:$PORT?pkt_size=1316"
wait "$CLI_PID" || true

log "PyTorch eager (2 threads)"
/usr/bin/python3 benchmarks/torch_eager.py "$MODELS" 2 $(( QUICK ? 5 : 9 )) > "$OUT/torch.json"

log "BenchmarkDotNet: network FP32/INT8 and the pipeline stages (MemoryDiagnoser)"
BDN=(dotnet benchmarks/BlurVideo.Benchmarks/bin/Release/net10.0/BlurVideo.Benchmarks.dll --inProcess --warmupCount 2
     --iterationCount $(( QUICK ? 3 : 5 )) --invocationCount 4 --unrollFactor 1 --exporters json)
BLURVIDEO_BENCH_MODELS="$MODELS" "${BDN[@]}" --filter '*NetworkBenchmarks*' --artifacts "$OUT/bdn-network" >"$OUT/bdn-network.log"
"${BDN[@]}" --filter '*PipelineStageBenchmarks*' --memory --artifacts "$OUT/bdn-stages" >"$OUT/bdn-stages.log"

log "report"
/usr/bin/python3 benchmarks/report.py "$OUT" "$FRAMES" "$DECODE_S" "$BLURDETECT_S" "$QUICK" "$DEFAULT_MODEL"
log "done: docs/benchmark.md, docs/benchmark.svg"
