import numpy as np
import onnx
from onnx import numpy_helper
import pytest
import torch

import nets
import quantize
from export import export_onnx

ARCHITECTURES = [
    (nets.DeFusionNet, dict(width=0.0625, side_width=0.0625), "float32"),
    (nets.R2MRF, dict(width=0.0625, side_channels=4, steps=2), "float32"),
    (nets.FastBlurNet, dict(channels=16), "float16"),
    (nets.FastBlurNet, dict(channels=16, global_context=True), "float16"),
]


def photo_like(seed, size=64):
    """Smooth shapes plus texture in one half, normalized like a card's input."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    base = np.stack([np.sin(6 * x + c) * np.cos(4 * y - c) for c in range(3)])
    base[:, :, : size // 2] += 0.5 * rng.standard_normal((3, size, size // 2))
    return torch.from_numpy(base.astype(np.float32))[None]


@pytest.fixture(params=ARCHITECTURES, ids=lambda a: a[0].__name__ + "".join(f"-{k}" for k in a[1] if k != "channels"))
def exported(request, tmp_path):
    architecture, config, storage = request.param
    torch.manual_seed(2)
    model = architecture(**config).eval()
    if getattr(model, "context", None) is not None:  # trained, not at its zero start
        torch.nn.init.normal_(model.context.weight, std=0.05)
    path = tmp_path / "model.onnx"
    export_onnx(model, path, (64, 64), weight_storage=storage)
    graph = onnx.load(str(path))
    for node in graph.graph.node:
        node.name = node.name or node.output[0]
    return model, graph


def quantized(graph, seeds=range(4)):
    return quantize.quantized_graph(graph, quantize.tensor_ranges(graph, (photo_like(seed) for seed in seeds)))


def test_the_graph_runner_computes_what_the_model_computes(exported):
    model, graph = exported
    x = photo_like(9)
    with torch.no_grad():
        expected = model(x)
    assert torch.allclose(quantize.GraphRunner(graph)(x), expected, atol=1e-5)


def test_every_convolution_reads_quantized_activations_and_int8_weights(exported):
    _, graph = exported
    model = quantized(graph)
    nodes = model.graph.node
    producers = {out: n for n in nodes for out in n.output}
    initializers = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    convs = [n for n in nodes if n.op_type == "Conv"]
    assert convs
    for conv in convs:
        activation, weight = producers[conv.input[0]], producers[conv.input[1]]
        assert activation.op_type == "DequantizeLinear"
        assert producers[activation.input[0]].op_type == "QuantizeLinear"
        assert weight.op_type == "DequantizeLinear"
        values = initializers[weight.input[0]]
        assert values.dtype == np.int8 and np.abs(values).max() <= quantize.WEIGHT_LEVELS
        if float(initializers[activation.input[1]]) > 1e-9:  # a constant input leaves the weight scale to the bias
            assert np.abs(values).max() == quantize.WEIGHT_LEVELS  # the peak uses the whole grid
        if len(conv.input) > 2:
            assert initializers[producers[conv.input[2]].input[0]].dtype == np.int32
    # No float convolution weights remain (the float16 ones' Casts are gone too).
    assert not [n for n in nodes if n.op_type == "Cast"]
    assert all(v.ndim != 4 or v.dtype == np.int8 for v in initializers.values())


def test_a_relu_after_a_quantized_output_is_folded_into_a_zero_point_of_zero(exported):
    _, graph = exported
    model = quantized(graph)
    consumers = {}
    for n in model.graph.node:
        for name in n.input:
            consumers.setdefault(name, []).append(n)
    initializers = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    relu_quantizers = [c for n in model.graph.node if n.op_type == "Relu" for c in consumers[n.output[0]]
                       if c.op_type == "QuantizeLinear"]
    assert relu_quantizers
    assert all(int(initializers[q.input[2]]) == 0 for q in relu_quantizers)


def test_the_quantized_graph_stays_close_to_the_float_one(exported):
    _, graph = exported
    model = quantized(graph)
    x = photo_like(11)  # not a calibration input
    float_map, int8_map = quantize.GraphRunner(graph)(x), quantize.GraphRunner(model)(x)
    difference = (float_map - int8_map).abs()
    assert float(difference.mean()) < 0.01
    assert float(difference.max()) > 0  # it is quantized: not the float graph again


def test_activation_grid_covers_the_range_and_zero():
    scale, zero_point = quantize.activation_quantization(-1.0, 3.0)
    assert scale == pytest.approx(4 / 255)
    assert (0 - zero_point) * scale == pytest.approx(-1.0, abs=scale)
    assert (255 - zero_point) * scale == pytest.approx(3.0, abs=scale)
    assert quantize.activation_quantization(0.5, 2.0)[1] == 0  # a positive range still holds 0


def test_mean_ranges_average_each_inputs_extremes_and_minmax_takes_the_extremes_of_all(exported):
    _, graph = exported
    inputs = [photo_like(seed) for seed in range(3)]
    extremes = {}
    for x in inputs:
        quantize.GraphRunner(graph, lambda name, t: extremes.setdefault(name, []).append((float(t.min()), float(t.max()))))(x)
    minmax = quantize.tensor_ranges(graph, iter(inputs), "minmax")
    mean = quantize.tensor_ranges(graph, iter(inputs), "mean")
    assert minmax.keys() == mean.keys() == extremes.keys()
    for name, seen in extremes.items():
        lows, highs = zip(*seen)
        assert minmax[name] == (min(lows), max(highs))
        assert mean[name] == pytest.approx((np.mean(lows), np.mean(highs)), rel=1e-6)
    assert any(mean[name][1] < minmax[name][1] for name in extremes), "inputs differ, so some mean range is narrower"


class _ZeroChannelAndDeadInput(torch.nn.Module):
    """A convolution with an all-zero weight channel, and one whose input is zero on every photo (a dead ReLU): both
    channels' outputs are their biases alone."""

    def __init__(self):
        super().__init__()
        self.first = torch.nn.Conv2d(3, 2, 3, padding=1)
        self.pick = torch.nn.Conv2d(2, 1, 1, bias=False)  # the first channel alone
        self.dead = torch.nn.Conv2d(3, 2, 1)
        self.second = torch.nn.Conv2d(2, 1, 3, padding=1)
        with torch.no_grad():
            self.first.weight[0].zero_()
            self.first.bias[0] = 0.7
            self.pick.weight.copy_(torch.tensor([1.0, 0.0]).view(1, 2, 1, 1))
            self.dead.weight.zero_()
            self.dead.bias.fill_(-1.0)
            self.second.bias.fill_(0.4)

    def forward(self, image):
        return self.pick(self.first(image)) + self.second(torch.relu(self.dead(image)))


def test_a_bias_survives_when_its_weights_or_its_input_are_zero(tmp_path):
    torch.manual_seed(3)
    model = _ZeroChannelAndDeadInput().eval()
    path = tmp_path / "model.onnx"
    export_onnx(model, path, (64, 64))
    graph = onnx.load(str(path))
    for node in graph.graph.node:
        node.name = node.name or node.output[0]
    x = photo_like(5)
    with torch.no_grad():
        expected = model(x)
    assert torch.allclose(expected, torch.full_like(expected, 1.1), atol=1e-6)  # 0.7 + 0.4: biases only
    with np.errstate(invalid="raise", over="raise"):
        model_int8 = quantized(graph)
    assert torch.allclose(quantize.GraphRunner(model_int8)(x), expected, atol=0.02)
