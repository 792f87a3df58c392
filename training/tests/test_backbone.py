import numpy as np
import onnx
import pytest
import torch
import torch.nn.functional as F
from onnx import numpy_helper

import backbone
import data
import export
import nets
import train
from config import RunConfig


def run_export_graph(graph, x):
    """Evaluates the package's ONNX graph node by node from its own attributes (pads, strides, epsilon), so the
    comparison checks the trunk's structure, not one implementation against itself."""
    tensors = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    values = {graph.input[0].name: x}
    for node in graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        inputs = [values.get(name, tensors.get(name)) for name in node.input]
        if node.op_type in ("Conv", "MaxPool"):
            top, left, bottom, right = attrs["pads"]
            padded = F.pad(inputs[0], (left, right, top, bottom), value=0.0 if node.op_type == "Conv" else -1e30)
            y = F.conv2d(padded, inputs[1], None, attrs["strides"]) if node.op_type == "Conv" \
                else F.max_pool2d(padded, attrs["kernel_shape"], attrs["strides"])
        elif node.op_type == "BatchNormalization":
            y = F.batch_norm(inputs[0], inputs[3], inputs[4], inputs[1], inputs[2], False, 0.0, attrs["epsilon"])
        elif node.op_type == "Relu":
            y = F.relu(inputs[0])
        elif node.op_type == "Add":
            y = inputs[0] + inputs[1]
        elif node.op_type == "AveragePool":
            y = F.avg_pool2d(inputs[0], attrs["kernel_shape"], attrs["strides"])
        else:
            raise AssertionError(f"unexpected operator {node.op_type}")
        values[node.output[0]] = y
    return values[graph.output[0].name]


@pytest.fixture(scope="module")
def export_graph():
    return onnx.load(str(backbone.package_file())).graph


def photo_like_input(seed=3):
    """A smooth random BGR picture in 0..255 minus the package's channel means, 1×3×224×224."""
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(1, 3, 14, 14, generator=g) * 255
    image = F.interpolate(coarse, size=(224, 224), mode="bilinear", align_corners=False)
    return image - torch.tensor(backbone.MEAN_RGB_255[::-1]).view(1, 3, 1, 1)


def test_trunk_reproduces_the_package_pooled_feature(export_graph):
    x = photo_like_input()
    trunk = backbone.ResNet18Trunk(rgb_input=False).load_imagenet().eval()
    with torch.no_grad():
        expected = run_export_graph(export_graph, x).flatten()
        pooled = trunk(x)[-1].mean(dim=(2, 3)).flatten()
    assert expected.shape == (512,)
    assert expected.abs().max() > 1  # a real feature, not zeros
    assert torch.allclose(pooled, expected, atol=1e-4)


def test_rgb_trunk_takes_the_same_picture_in_rgb_order():
    x = photo_like_input(seed=4)
    bgr = backbone.ResNet18Trunk(rgb_input=False).load_imagenet().eval()
    rgb = backbone.ResNet18Trunk(rgb_input=True).load_imagenet().eval()
    with torch.no_grad():
        for a, b in zip(bgr(x), rgb(x.flip(1))):
            assert torch.allclose(a, b, atol=1e-4)


def test_card_normalization_gives_the_trunk_its_own_input_convention():
    rgb = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    normalized = data.normalize(rgb, (backbone.CARD_MEAN, backbone.CARD_STD))
    expected = torch.from_numpy(rgb.astype(np.float32)).permute(2, 0, 1) - torch.tensor(backbone.MEAN_RGB_255).view(3, 1, 1)
    assert torch.allclose(normalized, expected, atol=1e-3)


def test_shortened_trunk_takes_the_leading_blocks_of_each_stage():
    full = backbone.ResNet18Trunk().load_imagenet()
    short = backbone.ResNet18Trunk(blocks=(2, 2, 2, 1)).load_imagenet()
    full_state = full.state_dict()
    for name, tensor in short.state_dict().items():
        assert torch.equal(tensor, full_state[name]), name
    assert sum(p.numel() for p in short.parameters()) < 0.45 * sum(p.numel() for p in full.parameters())


def test_trunk_batchnorm_statistics_stay_frozen_in_training():
    trunk = backbone.ResNet18Trunk(blocks=(1, 1, 1, 1)).load_imagenet().train()
    before = trunk.stem.bn.running_mean.clone()
    trunk(torch.randn(2, 3, 64, 64) * 50)
    assert torch.equal(trunk.stem.bn.running_mean, before)


@pytest.mark.parametrize("architecture,config", [
    ("DeFusionNet", {"backbone": "resnet18", "side_width": 0.125, "steps": 2, "fuse_scale": 4}),
    ("R2MRF", {"backbone": "resnet18", "side_channels": 8, "steps": 2}),
])
def test_resnet18_detectors_export_without_an_imagenet_classifier(tmp_path, architecture, config):
    model = nets.build(architecture, **config)
    model.trunk.load_imagenet()
    model.train()
    outputs = model(torch.randn(1, 3, 64, 96))
    assert all(o.shape == (1, 1, 64, 96) for o in outputs)
    path = tmp_path / "m.onnx"
    export.export_onnx(model, path, (64, 64))
    graph = onnx.load(str(path)).graph
    operators = {node.op_type for node in graph.node}
    assert not operators & {"Gemm", "MatMul", "GlobalAveragePool", "Flatten", "Softmax"}
    assert all(1000 not in numpy_helper.to_array(t).shape for t in graph.initializer)


def test_frozen_trunk_stages_do_not_train_and_the_rest_learns_slower():
    config = RunConfig(architecture="R2MRF", lr=1e-3, trunk_lr_scale=0.1, frozen=["stem", "stages.0"],
                       model={"backbone": "resnet18", "side_channels": 8, "steps": 1, "trunk_blocks": [1, 1, 1, 1]})
    model = train.build_model(config)
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    assert frozen and all(n.startswith(("trunk.stem.", "trunk.stages.0.")) for n in frozen)
    optimizer = train.optimizer_for(model, config)
    assert [g["lr_scale"] for g in optimizer.param_groups] == [1.0, 0.1]
    trunk_params = {id(p) for n, p in model.named_parameters() if n.startswith("trunk.")}
    assert all(id(p) in trunk_params for p in optimizer.param_groups[1]["params"])
    assert not any(id(p) in trunk_params for p in optimizer.param_groups[0]["params"])
