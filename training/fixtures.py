"""Writes the .NET tests' parity fixtures: PyTorch's outputs (raw float32 LE) that the C# tests compare with
ONNX Runtime's on the same inputs.

  /usr/bin/python3 training/fixtures.py configs/<run>.json     a model's, from training/checkpoints/<run>.pt (the exported state)
  /usr/bin/python3 training/fixtures.py --backbone             the ResNet-18 trunk's pooled feature (BackboneParityTests)
"""
import argparse

import numpy as np
import torch

import backbone

from config import HERE, RunConfig
from export import REPO, selected_state, shipped_form

FIXTURES = REPO / "tests" / "BlurVideo.Tests" / "Fixtures" / "parity"


def write_parity_fixture(model, name, size=(64, 64), folder=FIXTURES):
    folder.mkdir(parents=True, exist_ok=True)
    x = torch.randn(1, 3, *size, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        y = model.eval()(x)
    x.numpy().astype("<f4").tofile(folder / f"{name}.input.bin")
    y.numpy().astype("<f4").tofile(folder / f"{name}.output.bin")


def backbone_test_input():
    """1×3×224×224, x[c, y, x] = 100 sin(0.05 x + 0.07 y + c): computed the same way by the C# test."""
    c, y, x = np.meshgrid(np.arange(3), np.arange(224), np.arange(224), indexing="ij")
    return (100 * np.sin(0.05 * x + 0.07 * y + c)).astype(np.float32)[None]


def write_backbone_fixture(folder=FIXTURES):
    """The pooled 512-d feature of the trunk (BGR input, the package's convention) on `backbone_test_input()`."""
    trunk = backbone.ResNet18Trunk(rgb_input=False).load_imagenet().eval()
    with torch.no_grad():
        pooled = trunk(torch.from_numpy(backbone_test_input()))[-1].mean(dim=(2, 3))
    folder.mkdir(parents=True, exist_ok=True)
    pooled.numpy().astype("<f4").tofile(folder / "resnet18-trunk.pooled.bin")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("config", nargs="?")
    parser.add_argument("--backbone", action="store_true")
    args = parser.parse_args()
    if args.backbone:
        write_backbone_fixture()
        return
    config = RunConfig.load(args.config)
    from train import build_model
    exported = HERE / "checkpoints" / f"{config.run}.pt"
    state = torch.load(exported if exported.exists() else selected_state(config))
    model = build_model(config)
    model.load_state_dict(state["model"])
    write_parity_fixture(shipped_form(model, config.weight_storage), config.name)


if __name__ == "__main__":
    main()
