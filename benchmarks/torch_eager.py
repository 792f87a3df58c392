"""PyTorch eager time of the shipped networks at 320x320 (the modules of training/nets.py built from each model's card,
with its last stage's committed checkpoint when training/checkpoints has it), eval mode, no_grad, 2 threads: the other side of the
ONNX Runtime network times in benchmarks/run.sh. Prints one JSON object {model: median seconds}."""
import json
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))
import nets  # noqa: E402


def median_seconds(model, repeats):
    x = torch.rand(1, 3, 320, 320)
    timings = []
    with torch.no_grad():
        for _ in range(2):
            model(x)
        for _ in range(repeats):
            started = time.perf_counter()
            model(x)
            timings.append(time.perf_counter() - started)
    timings.sort()
    return timings[len(timings) // 2]


def main():
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    figures = {}
    for name in sys.argv[1].split(","):
        card = json.loads((REPO / "models" / f"{name}.json").read_text())
        model = nets.build(card["architecture"], **card["config"]).eval()
        # The exported state is the last stage's committed checkpoint (checkpoints/<run>.pt), named by its run.
        stages = card.get("training", {}).get("stages") or [{"run": name}]
        checkpoint = REPO / "training" / "checkpoints" / f"{stages[-1]['run']}.pt"
        if checkpoint.exists():
            state = torch.load(checkpoint, map_location="cpu")
            model.load_state_dict({k: v.float() for k, v in state["model"].items()})
        figures[name] = median_seconds(model, repeats)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
