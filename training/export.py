"""ONNX export with the shipped I/O contract: input `image` [N,3,H,W] float32 RGB normalized per the card,
H and W dynamic (multiples of 32); output `blur` [N,1,H,W] in [0,1], 1 = blurred (sigmoid inside the graph)."""
import pathlib

import torch

OPSET = 17


def flush_denormals(model):
    """Zeroes weights too small for a normal float32 (weight decay leaves dead weights there): a CPU computes with
    denormal numbers many times slower, and they change no output."""
    with torch.no_grad():
        for tensor in model.state_dict().values():
            if tensor.is_floating_point():
                tensor[tensor.abs() < torch.finfo(tensor.dtype).tiny] = 0


def export_onnx(model, path, input_size):
    model.eval()
    flush_denormals(model)
    h, w = input_size
    dummy = torch.zeros(1, 3, h, w)
    torch.onnx.export(
        model, dummy, str(pathlib.Path(path)),
        input_names=["image"], output_names=["blur"],
        dynamic_axes={"image": {0: "N", 2: "H", 3: "W"}, "blur": {0: "N", 2: "H", 3: "W"}},
        opset_version=OPSET, do_constant_folding=True)
