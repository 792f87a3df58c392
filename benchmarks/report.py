"""Turns the measurements of benchmarks/run.sh (artifacts/benchmark) into docs/benchmark.md and docs/benchmark.svg."""
import glob
import json
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def live_rows(out):
    """The live run's per-frame CSV rows, split into fields; empty when the run wrote none."""
    csv = Path(f"{out}/live.csv")
    return [row.split(",") for row in csv.read_text().splitlines()[1:]] if csv.exists() else []


def live_steady_state(rows, after_ms=1000.0):
    """Live results whose source time is past the first second: (frames/s out, results, frames dropped in that span,
    latency p50, p99). Frames/s is over the source's own timestamps, so waiting for the stream does not count."""
    rows = [(int(r[0]), float(r[1]), float(r[4])) for r in rows if float(r[1]) >= after_ms]
    if len(rows) < 2:
        return None
    span_ms = rows[-1][1] - rows[0][1]
    dropped = rows[-1][0] - rows[0][0] + 1 - len(rows)
    latencies = sorted(r[2] for r in rows)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    return (len(rows) - 1) * 1000 / span_ms, len(rows), dropped, pick(0.5), pick(0.99)


def bdn(directory):
    rows = []
    for path in glob.glob(f"{directory}/**/*.json", recursive=True):
        for bench in json.loads(Path(path).read_text()).get("Benchmarks", []):
            params = dict(p.split("=", 1) for p in (bench.get("Parameters") or "").split("&") if "=" in p)
            stats = bench.get("Statistics") or {}
            memory = bench.get("Memory") or {}
            rows.append({
                "method": bench.get("Method"),
                "title": (bench.get("MethodTitle") or bench.get("Method")).strip("'"),
                "params": params,
                "median_ms": stats.get("Median", float("nan")) / 1e6,
                "allocated": memory.get("BytesAllocatedPerOperation"),
            })
    return rows


def stats(path):
    p = Path(path)
    return json.loads(p.read_text()) if p.exists() else None


def fmt(x, digits=1):
    return "—" if x is None else f"{x:.{digits}f}"


def main():
    out, frames, decode_s, blurdetect_s, quick = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
    default_model = sys.argv[6]
    network = bdn(f"{out}/bdn-network")
    stages = bdn(f"{out}/bdn-stages")
    torch = json.loads(Path(f"{out}/torch.json").read_text())
    no_overlay, overlay, live = stats(f"{out}/file-no-overlay.json"), stats(f"{out}/file-overlay.json"), stats(f"{out}/live.json")
    live_csv = live_rows(out)
    load = open("/proc/loadavg").read().split()[:3]
    cpus = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Side-by-side benchmark",
        "",
        f"`bash benchmarks/run.sh{' --quick' if quick else ''}`, one run on one machine ({platform.machine()}, {cpus} cores, no GPU), "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average at the end {' / '.join(load)} "
        "(the ratios are the claims: every figure of a row was measured in this run, side by side).",
        "",
        "## Network at 320×320 (2 cores, CPU)",
        "",
        "| model | ONNX Runtime FP32 ms | ONNX Runtime INT8 ms | PyTorch eager ms | FP32 vs eager | INT8 vs eager | INT8 vs FP32 |",
        "|---|---|---|---|---|---|---|",
    ]
    chart = []
    for model, eager_s in torch.items():
        fp32 = next((r["median_ms"] for r in network if r["params"].get("Model") == model and r["params"].get("Precision") == "fp32"), None)
        int8 = next((r["median_ms"] for r in network if r["params"].get("Model") == model and r["params"].get("Precision") == "int8"), None)
        eager = eager_s * 1000
        lines.append(f"| {model} | {fmt(fp32)} | {fmt(int8)} | {fmt(eager)} | {fmt(eager / fp32 if fp32 else None, 2)}× | "
                     f"{fmt(eager / int8 if int8 else None, 2)}× | {fmt(fp32 / int8 if fp32 and int8 else None, 2)}× |")
        chart.append((f"{model} network (frames/s)", [("PyTorch eager", 1000 / eager), ("ORT FP32", 1000 / fp32 if fp32 else 0), ("ORT INT8", 1000 / int8 if int8 else 0)]))
    decode_fps, blurdetect_fps = frames / decode_s, frames / blurdetect_s
    lines += [
        "",
        f"## A 1280×720 30 fps clip ({frames} frames, H.264; `video` in file mode on its first 150), video default model `{default_model}` at 320²",
        "",
        "| what | frames/s | vs ffmpeg blurdetect | latency p50 / p99 ms |",
        "|---|---|---|---|",
        f"| ffmpeg decode only | {decode_fps:.1f} | {decode_fps / blurdetect_fps:.2f}× | |",
        f"| ffmpeg `blurdetect` (one score per frame, no map) | {blurdetect_fps:.1f} | 1× | |",
    ]
    rows = [("`video`, file mode, CSV + statistics (no overlay video)", no_overlay), ("`video`, file mode, overlay video written", overlay)]
    for label, s in rows:
        if s:
            lines.append(f"| {label} | {s['fps']:.1f} | {s['fps'] / blurdetect_fps:.2f}× | {s['latency_ms']['p50']:.0f} / {s['latency_ms']['p99']:.0f} |")
    if live:
        lines.append(f"| `video --live` from `ffmpeg -re` over UDP (30 fps in) | {live['fps']:.1f} out "
                     f"({live['frames_out']} of {live['frames_in']} frames, {live['dropped']['total']} dropped) | | "
                     f"{live['latency_ms']['p50']:.0f} / {live['latency_ms']['p99']:.0f} |")
        steady = live_steady_state(live_csv)
        if steady:
            lines.append(f"| the same after its first second (start-up excluded) | {steady[0]:.1f} out "
                         f"({steady[1]} results, {steady[2]} frames dropped) | | {steady[3]:.0f} / {steady[4]:.0f} |")
    chart.append(("720p30 clip (frames/s)", [("ffmpeg blurdetect", blurdetect_fps)]
                  + [(n, s["fps"]) for n, s in (("video, no overlay", no_overlay), ("video, overlay", overlay), ("live out", live)) if s]))
    if no_overlay:
        st = no_overlay.get("stage_ms", {})
        lines += ["", "Per-stage time in file mode without the overlay (mean ms per frame; the stages overlap, so the rate follows the slowest): "
                  + ", ".join(f"{k} {v['mean']:.1f}" for k, v in st.items()) + "."]
    if live:
        levels = {}
        for parts in live_csv:
            levels[f"{parts[6]}x{parts[7]}"] = levels.get(f"{parts[6]}x{parts[7]}", 0) + 1
        lines += ["", "Live input sizes chosen by adaptive quality (frames): " + ", ".join(f"{k}: {v}" for k, v in sorted(levels.items())) + "."]
    lines += ["", "## Pipeline stages, one steady-state 1280×720 frame (BenchmarkDotNet MemoryDiagnoser)", "", "| stage | ms | allocated B/frame |", "|---|---|---|"]
    for r in stages:
        lines.append(f"| {r['title']} | {fmt(r['median_ms'], 2)} | {r['allocated'] if r['allocated'] is not None else '—'} |")
    lines += ["", "BenchmarkDotNet runs in-process here (no separate build per case), so the memory diagnoser counts what the whole "
              "process allocates during an operation: for the long inference call that includes the host's background work; "
              "`StagedPipelineTests` asserts that Prepare + Infer allocate 0 B on their thread, and `BlurPipelineTests` that the "
              "file-mode pipeline stays under 1 KB per frame in all (thread hand-offs).",
              "", "![chart](benchmark.svg)", ""]
    (REPO / "docs" / "benchmark.md").write_text("\n".join(lines))
    (REPO / "docs" / "benchmark.svg").write_text(svg(chart))
    print("\n".join(lines))


def svg(groups):
    width, bar, gap, left = 760, 18, 26, 190
    height = 40 + sum(len(g[1]) * (bar + 4) + gap for g in groups)
    colors = ["#8c8c8c", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="10" y="20" font-size="14" font-weight="bold">BlurVideo benchmark (higher is faster; one run, loaded 2-core machine)</text>']
    y = 40
    for title, bars in groups:
        top = max([v for _, v in bars] + [1e-9])
        parts.append(f'<text x="10" y="{y + 12}" font-weight="bold">{title}</text>')
        y += 18
        for i, (label, value) in enumerate(bars):
            w = (width - left - 80) * value / top
            parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{label}</text>')
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colors[i % len(colors)]}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}">{value:.1f}</text>')
            y += bar + 4
        y += gap - 18
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
