"""INT8 form of a shipped model: static QDQ quantization, calibrated on real photos, its accuracy measured on the
quantized file's own arithmetic.

  /usr/bin/python3 training/quantize.py models/<name>.onnx     models/<name>-int8.onnx, its card, its parity fixture

The exported float file (models/<name>.onnx) is rewritten, not re-exported. Every activation that a quantizable
operator (Conv, Add, Concat, MaxPool, AveragePool, Resize) reads or writes passes through
QuantizeLinear→DequantizeLinear (uint8, per tensor, asymmetric; a ReLU that is an output's only consumer is folded
into the zero point, as ONNX Runtime fuses it), every consumer reads it dequantized, and convolution weights are int8
per output channel (symmetric) with int32 biases. ONNX Runtime turns each such group into QLinearConv, QLinearAdd,
QLinearConcat, ...; what is left (Sigmoid) runs in float.

Why this tool: ONNX Runtime's Python quantizer is not installable here (no onnxruntime wheel for Debian's Python),
and PyTorch's quantized export does not produce QDQ graphs for these models. `GraphRunner` evaluates an ONNX graph
with PyTorch operators: it records every tensor's range (calibration) and runs the quantized file itself
(accuracy). The .NET tests check ONNX Runtime's result on the file against it.

Weights use 7 of their 8 bits ([-63, 63]): on AVX2 without VNNI (this machine) ONNX Runtime multiplies uint8 by int8
with VPMADDUBSW, whose 16-bit pair sums saturate for full-range weights (255·127·2 > 32767) and not for these.
"""
from __future__ import annotations

import argparse
import json
import pathlib

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper

from config import HERE
from data import normalize, unlabelled_photos
from fixtures import write_parity_fixture
from validation import SELECTION, validate

REPO = HERE.parent
WEIGHT_LEVELS = 63
BIAS_LIMIT = 2 ** 30  # a quantized bias's largest magnitude: int32 with headroom for rounding
CALIBRATION_PHOTOS = 48
QUANTIZED_OPERATORS = {"Conv", "Add", "Concat", "MaxPool", "AveragePool", "Resize"}


# ------------------------------------------------------------------------------------------- graph evaluation
def _attributes(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _quantize(x, scale, zero_point, axis=1):
    shape = [1] * x.dim()
    if scale.dim():
        shape[axis] = -1
    scale, zero_point = scale.reshape(shape), zero_point.reshape(shape).float()
    return torch.clamp(torch.round(x / scale) + zero_point, 0, 255)


def _dequantize(q, scale, zero_point, axis=1):
    shape = [1] * q.dim()
    if scale.dim():
        shape[axis] = -1
    return (q.float() - zero_point.reshape(shape).float()) * scale.reshape(shape)


def _pool_padding(x, pads, value):
    top, left, bottom, right = pads
    return F.pad(x, (left, right, top, bottom), value=value) if any(pads) else x


class GraphRunner(torch.nn.Module):
    """An ONNX graph of the operators the exported detectors use, evaluated with PyTorch; `observe(name, tensor)`
    sees every tensor the graph computes. A module, so that validation.validate runs it as it runs a model."""

    def __init__(self, model, observe=None):
        super().__init__()
        self.graph = model.graph
        self.nodes = [(node, _attributes(node)) for node in self.graph.node]
        self.constants = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in self.graph.initializer}
        self.observe = observe

    def forward(self, image):
        values = dict(self.constants)
        values[self.graph.input[0].name] = image
        if self.observe is not None:
            self.observe(self.graph.input[0].name, image)
        with torch.no_grad():
            for node, attributes in self.nodes:
                inputs = [values[name] if name else None for name in node.input]
                output = self._run(node, attributes, inputs)
                values[node.output[0]] = output
                if self.observe is not None and node.op_type not in ("Constant", "Cast"):
                    self.observe(node.output[0], output)
        return values[self.graph.output[0].name]

    @staticmethod
    def _run(node, a, x):
        op = node.op_type
        if op == "Constant":
            return torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        if op == "Cast":
            return x[0].float()
        if op == "Conv":
            top, left, bottom, right = a.get("pads", [0, 0, 0, 0])
            data = x[0]
            if (top, left) != (bottom, right):
                data, padding = F.pad(data, (left, right, top, bottom)), 0
            else:
                padding = (top, left)
            return F.conv2d(data, x[1].float(), None if len(x) < 3 else x[2], a.get("strides", [1, 1]), padding,
                            a.get("dilations", [1, 1]), a.get("group", 1))
        if op == "Identity":
            return x[0]
        if op == "Relu":
            return F.relu(x[0])
        if op == "Sigmoid":
            return torch.sigmoid(x[0])
        if op == "Add":
            return x[0] + x[1]
        if op == "Mul":
            return x[0] * x[1]
        if op == "Concat":
            return torch.cat(x, a["axis"])
        if op == "MaxPool":
            if a.get("ceil_mode", 0) or a.get("dilations", [1, 1]) != [1, 1]:
                raise NotImplementedError("MaxPool with ceil_mode or dilations")
            return F.max_pool2d(_pool_padding(x[0], a.get("pads", [0, 0, 0, 0]), -torch.inf), a["kernel_shape"],
                                a.get("strides", a["kernel_shape"]))
        if op == "AveragePool":
            if a.get("ceil_mode", 0) or any(a.get("pads", [0])):
                raise NotImplementedError("AveragePool with ceil_mode or pads")
            return F.avg_pool2d(x[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]))
        if op == "GlobalAveragePool":
            return x[0].mean((2, 3), keepdim=True)
        if op == "Pad":
            if a.get("mode", b"constant") != b"constant":
                raise NotImplementedError("Pad mode")
            pads = x[1].tolist()  # N, C, H, W begins, then ends
            value = float(x[2]) if len(x) > 2 and x[2] is not None else 0.0
            return F.pad(x[0], (pads[3], pads[7], pads[2], pads[6]), value=value)
        if op == "Resize":
            if a.get("mode") != b"linear" or a.get("coordinate_transformation_mode") != b"half_pixel":
                raise NotImplementedError("Resize other than linear/half_pixel")
            if len(x) > 3 and x[3] is not None:
                return F.interpolate(x[0], size=[int(v) for v in x[3][2:]], mode="bilinear", align_corners=False)
            scales = [float(v) for v in x[2][2:]]
            return F.interpolate(x[0], scale_factor=scales, mode="bilinear", align_corners=False)
        if op == "QuantizeLinear":
            return _quantize(x[0], x[1], x[2], a.get("axis", 1))
        if op == "DequantizeLinear":
            return _dequantize(x[0], x[1], x[2], a.get("axis", 1))
        raise NotImplementedError(f"operator {op}")


# ------------------------------------------------------------------------------------------------ calibration
def calibration_images(size, count=CALIBRATION_PHOTOS, seed=0):
    """Real photos (the distillation set: never real-smoke, never a held-out DPDD pair) at the card's size."""
    import cv2
    photos = unlabelled_photos([])
    chosen = np.random.default_rng(seed).choice(len(photos), size=min(count, len(photos)), replace=False)
    return [cv2.resize(photos[i], (size[1], size[0]), interpolation=cv2.INTER_AREA) for i in sorted(chosen)]


RANGES = {"minmax": "min/max over the calibration photos",
          "mean": "mean over the calibration photos of each photo's min and max"}


def calibrate(float_model, images, normalization, ranges="minmax"):
    """(low, high) of every tensor the float graph computes, over the calibration images (see `tensor_ranges`)."""
    return tensor_ranges(float_model, (normalize(image, normalization)[None] for image in images), ranges)


def tensor_ranges(float_model, inputs, ranges="minmax"):
    """(low, high) of every tensor the float graph computes over normalized input tensors: the extremes over all
    inputs ("minmax"), or the mean of each input's extremes ("mean": one photo's outliers widen no step)."""
    seen = {}

    def observe(name, tensor):
        seen.setdefault(name, []).append((float(tensor.min()), float(tensor.max())))

    runner = GraphRunner(float_model, observe)
    for x in inputs:
        runner(x)
    reduce = {"minmax": lambda lows, highs: (min(lows), max(highs)),
              "mean": lambda lows, highs: (float(np.mean(lows)), float(np.mean(highs)))}[ranges]
    return {name: reduce(*zip(*extremes)) for name, extremes in seen.items()}


def activation_quantization(low, high):
    """uint8 (scale, zero point) covering [low, high] and 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    scale = max(high - low, 1e-8) / 255.0
    return np.float32(scale), int(np.clip(round(-low / scale), 0, 255))


def weight_quantization(weight, least_scales=0.0):
    """int8 weights per output channel (symmetric, ±WEIGHT_LEVELS) and their float32 scales, each at least
    `least_scales` (what keeps a bias, quantized at input scale × weight scale, within int32)."""
    peak = np.abs(weight.reshape(weight.shape[0], -1)).max(axis=1)
    scales = np.maximum(np.maximum(peak, 1e-12) / WEIGHT_LEVELS, least_scales).astype(np.float32)
    q = np.clip(np.round(weight / scales.reshape(-1, *[1] * (weight.ndim - 1))), -WEIGHT_LEVELS, WEIGHT_LEVELS)
    return q.astype(np.int8), scales


# ------------------------------------------------------------------------------------------------- rewrite
def quantized_tensors(graph):
    """The activations to quantize: what a quantizable operator reads or writes, a written tensor replaced by its
    ReLU's output when that ReLU is its only consumer (folded into the zero point). Returns {name: fused ReLU}."""
    constants = {t.name for t in graph.initializer} | {n.output[0] for n in graph.node if n.op_type in ("Constant", "Cast")}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    chosen = {}
    for node in graph.node:
        if node.op_type not in QUANTIZED_OPERATORS:
            continue
        reads = node.input[:1] if node.op_type in ("Conv", "Resize") else node.input
        for name in reads:
            if name and name not in constants:
                chosen.setdefault(name, False)
        output = node.output[0]
        after = consumers.get(output, [])
        if len(after) == 1 and after[0].op_type == "Relu":
            chosen[after[0].output[0]] = True
        else:
            chosen.setdefault(output, False)
    graph_outputs = {o.name for o in graph.output}
    return {name: relu for name, relu in chosen.items() if name not in graph_outputs}


def quantized_graph(float_model, ranges):
    """The ONNX model with Q/DQ inserted and int8 convolution weights (a copy), checked by onnx.checker."""
    model = onnx.ModelProto()
    model.CopyFrom(float_model)
    graph = model.graph
    tensors = quantized_tensors(graph)
    arrays = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    producers = {out: node for node in graph.node for out in node.output}
    initializers, constants, after_producer, dequantized = list(graph.initializer), [], {}, {}

    def constant(name):
        """(value, the name it is stored under): through float16 storage's Cast and a shared weight's Identity."""
        node = producers.get(name)
        while node is not None and node.op_type in ("Cast", "Identity"):
            name, node = node.input[0], producers.get(node.input[0])
        if node is not None and node.op_type == "Constant":
            return numpy_helper.to_array(node.attribute[0].t).astype(np.float32), name
        return arrays[name].astype(np.float32), name

    def dequantize_constant(key, values, scales):
        initializers.extend([numpy_helper.from_array(values, f"{key}_quantized"),
                             numpy_helper.from_array(scales, f"{key}_scale"),
                             numpy_helper.from_array(np.zeros(len(scales), values.dtype), f"{key}_zero_point")])
        constants.append(helper.make_node("DequantizeLinear", [f"{key}_quantized", f"{key}_scale", f"{key}_zero_point"],
                                          [key], axis=0, name=f"{key}_DequantizeLinear"))
        return key

    ranges = dict(ranges)
    # Value-preserving operators (zero padding too: 0 is on every grid) keep their input's grid, so that ONNX Runtime
    # runs them on uint8 without requantizing.
    for node in graph.node:
        if node.op_type in ("MaxPool", "Resize", "Pad") and node.input[0] in tensors and node.output[0] in tensors:
            ranges[node.output[0]] = ranges[node.input[0]]
    scales, shared = {}, {}
    for index, name in enumerate(sorted(tensors)):
        low, high = ranges[name]
        scale, zero_point = activation_quantization(max(low, 0.0) if tensors[name] else low, high)
        scales[name] = scale
        key = f"act{index}"
        initializers.extend([numpy_helper.from_array(np.array(scale, np.float32), f"{key}_scale"),
                             numpy_helper.from_array(np.array(zero_point, np.uint8), f"{key}_zero_point")])
        producer = producers.get(name)
        after_producer.setdefault(producer.name if producer else None, []).extend([
            helper.make_node("QuantizeLinear", [name, f"{key}_scale", f"{key}_zero_point"], [f"{key}_uint8"],
                             name=f"{key}_QuantizeLinear"),
            helper.make_node("DequantizeLinear", [f"{key}_uint8", f"{key}_scale", f"{key}_zero_point"], [key],
                             name=f"{key}_DequantizeLinear")])
        dequantized[name] = key

    # A channel whose weights are all zero, or whose input is constant over the calibration photos, would get a
    # bias scale so small that its bias overflows int32: its weight scale is raised to what the bias needs.
    least_weight_scales = {}
    for node in graph.node:
        if node.op_type == "Conv" and len(node.input) > 2 and node.input[2]:
            bias, stored = np.abs(constant(node.input[2])[0]), constant(node.input[1])[1]
            least = bias / (float(scales[node.input[0]]) * BIAS_LIMIT)
            least_weight_scales[stored] = np.maximum(least_weight_scales.get(stored, 0.0), least)

    for index, node in enumerate(graph.node):
        read = node.input[0] if node.input else None
        for i, name in enumerate(node.input):
            if name in dequantized:
                node.input[i] = dequantized[name]
        if node.op_type == "Conv":  # a weight shared by several convolutions (R²MRF's steps) is stored once
            weight, stored = constant(node.input[1])
            weight_key = (stored,)
            if weight_key not in shared:
                q, weight_scales = weight_quantization(weight, least_weight_scales.get(stored, 0.0))
                shared[weight_key] = dequantize_constant(f"conv{index}_weight", q, weight_scales), weight_scales
            node.input[1], weight_scales = shared[weight_key]
            if len(node.input) > 2 and node.input[2]:
                bias, stored = constant(node.input[2])
                bias_key = (stored, float(scales[read]))
                if bias_key not in shared:
                    bias_scales = (scales[read] * weight_scales).astype(np.float32)
                    shared[bias_key] = dequantize_constant(f"conv{index}_bias", np.round(bias / bias_scales).astype(np.int32),
                                                           bias_scales), None
                node.input[2] = shared[bias_key][0]

    ordered = constants + after_producer.get(None, [])
    for node in graph.node:
        ordered.append(node)
        ordered.extend(after_producer.get(node.name, []))
    needed = {o.name for o in graph.output} | {name for node in ordered for name in node.input}
    for _ in range(2):  # the float weights' Casts and Identities, now unread
        ordered = [node for node in ordered if set(node.output) & needed]
        needed = {o.name for o in graph.output} | {name for node in ordered for name in node.input}
    used = {name for node in ordered for name in node.input}
    del graph.node[:], graph.initializer[:]
    graph.node.extend(ordered)
    graph.initializer.extend(t for t in initializers if t.name in used)
    onnx.checker.check_model(model)
    return model


def quantize_model(float_path, ranges="minmax"):
    """Writes <name>-int8.onnx and its card beside the float model (the float card, with the precision, the
    quantization and the float and INT8 figures on real-smoke and the held-out DPDD pairs at own and card size),
    and its parity fixture."""
    float_path = pathlib.Path(float_path)
    card = json.loads(float_path.with_suffix(".json").read_text())
    normalization, input_size = (card["mean"], card["std"]), tuple(card["input_size"])
    float_model = onnx.load(str(float_path))
    for node in float_model.graph.node:  # the rewrite places Q/DQ after their producer, found by name
        node.name = node.name or node.output[0]
    quantized = quantized_graph(float_model, calibrate(float_model, calibration_images(input_size), normalization, ranges))
    name = f"{card['name']}-int8"
    onnx.save(quantized, str(float_path.with_name(f"{name}.onnx")))

    checks = ("real_smoke", SELECTION)
    reference = validate(GraphRunner(float_model), input_size, normalization, checks=checks)
    figures = validate(GraphRunner(quantized), input_size, normalization, checks=checks)
    card.pop("weight_storage", None)
    card |= {"name": name, "precision": "int8", "quantized_from": float_path.stem,
             "quantization": {"method": "static QDQ, training/quantize.py",
                              "activations": f"uint8 per tensor, {RANGES[ranges]}",
                              "weights": f"int8 per output channel, symmetric, [-{WEIGHT_LEVELS}, {WEIGHT_LEVELS}]",
                              "calibration_photos": CALIBRATION_PHOTOS,
                              "float_validation": reference},
             "validation": figures}
    float_path.with_name(f"{name}.json").write_text(json.dumps(card, indent=2) + "\n")
    write_parity_fixture(GraphRunner(quantized), name)
    for check in figures:
        print(f"{name:22s} {check:26s} float MAE {reference[check]['mae']:.4f} Fβ {reference[check]['fbeta']:.4f}   "
              f"int8 MAE {figures[check]['mae']:.4f} Fβ {figures[check]['fbeta']:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="+", help="float models (models/<name>.onnx)")
    parser.add_argument("--ranges", choices=sorted(RANGES), default="minmax", help="activation ranges (tensor_ranges)")
    arguments = parser.parse_args()
    for path in arguments.models:
        quantize_model(path, arguments.ranges)


if __name__ == "__main__":
    main()
