"""ONNX export with the shipped I/O contract: input `image` [N,3,H,W] float32 RGB normalized per the card,
H and W dynamic (multiples of 32); output `blur` [N,1,H,W] in [0,1], 1 = blurred (sigmoid inside the graph)."""
import pathlib

import torch

OPSET = 17


NEGLIGIBLE_WEIGHT = 1e-12


def flush_negligible_weights(model):
    """Zeroes the dead weights weight decay leaves behind (|w| < 1e-12). They change no output (the shipped maps are
    bit-identical with them gone) but their products with activations are denormal floats, which a CPU computes many
    times slower: r2mrf-s ran at half the speed of the larger r2mrf-m in ONNX Runtime because of them."""
    with torch.no_grad():
        for tensor in model.state_dict().values():
            if tensor.is_floating_point():
                tensor[tensor.abs() < NEGLIGIBLE_WEIGHT] = 0


def export_onnx(model, path, input_size):
    model.eval()
    flush_negligible_weights(model)
    h, w = input_size
    dummy = torch.zeros(1, 3, h, w)
    torch.onnx.export(
        model, dummy, str(pathlib.Path(path)),
        input_names=["image"], output_names=["blur"],
        dynamic_axes={"image": {0: "N", 2: "H", 3: "W"}, "blur": {0: "N", 2: "H", 3: "W"}},
        opset_version=OPSET, do_constant_folding=True)
