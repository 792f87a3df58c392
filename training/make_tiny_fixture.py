"""Writes the tiny test model that the C# tests use: a few-KB network with the shipped models' I/O contract.

Outputs (in the folder given, default tests/BlurVideo.Tests/Fixtures/tiny):
  tiny_blur.onnx, tiny_blur.json      the model and its card
  tiny_blur.input.bin / .output.bin   a known input [1,3,64,64] and PyTorch's output [1,1,64,64], float32 LE
"""
import argparse
import json
import pathlib

import numpy as np
import torch
from torch import nn

from export import export_onnx


class TinyBlurNet(nn.Module):
    """Local contrast energy → blur probability: enough structure to give input-dependent output."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=2, dilation=2), nn.ReLU(),
            nn.Conv2d(8, 1, 3, padding=1))

    def forward(self, image):
        return torch.sigmoid(self.features(image))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent
                                             / "tests/BlurVideo.Tests/Fixtures/tiny"))
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(7)
    model = TinyBlurNet().eval()
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(11))
    with torch.no_grad():
        y = model(x)
    export_onnx(model, out / "tiny_blur.onnx", input_size=(64, 64))
    x.numpy().astype("<f4").tofile(out / "tiny_blur.input.bin")
    y.numpy().astype("<f4").tofile(out / "tiny_blur.output.bin")
    card = {
        "name": "tiny_blur",
        "architecture": "tiny",
        "config": {"note": "test fixture, untrained"},
        "input_size": [64, 64],
        "mean": [0.485, 0.456, 0.406],
        "std": [0.229, 0.224, 0.225],
        "output": "blur: 1 = blurred",
        "params": sum(p.numel() for p in model.parameters()),
        "gflops": None,
        "training": None,
        "validation": None,
    }
    (out / "tiny_blur.json").write_text(json.dumps(card, indent=2) + "\n")


if __name__ == "__main__":
    main()
