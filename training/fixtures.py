"""Writes a model's .NET parity fixture: a fixed input and PyTorch's output for it (raw float32 LE), which the C#
tests compare with ONNX Runtime's output of the exported model (ParityTests).

  /usr/bin/python3 training/fixtures.py configs/<run>.json     from training/checkpoints/<run>.pt (the exported state)
"""
import argparse

import torch

from config import HERE, RunConfig
from export import REPO, selected_state

FIXTURES = REPO / "tests" / "BlurVideo.Tests" / "Fixtures" / "parity"


def write_parity_fixture(model, name, size=(64, 64), folder=FIXTURES):
    folder.mkdir(parents=True, exist_ok=True)
    x = torch.randn(1, 3, *size, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        y = model.eval()(x)
    x.numpy().astype("<f4").tofile(folder / f"{name}.input.bin")
    y.numpy().astype("<f4").tofile(folder / f"{name}.output.bin")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    config = RunConfig.load(parser.parse_args().config)
    from train import build_model
    exported = HERE / "checkpoints" / f"{config.run}.pt"
    state = torch.load(exported if exported.exists() else selected_state(config))
    model = build_model(config)
    model.load_state_dict(state["model"])
    write_parity_fixture(model, config.name)


if __name__ == "__main__":
    main()
