"""ImageNet-trained ResNet-18 from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT).

The package carries a CNTK 2.6 export (ONNX opset 8) of ResNet-18: input BGR in 0..255 minus a mean image,
output the 512-d pooled feature. Its graph is plain Conv/BatchNormalization/Relu/Add/MaxPool with CNTK's
asymmetric paddings (top/left only on every stride-2 layer), so it converts to PyTorch weight for weight.
`scripts/setup.sh` restores `training/pretrained.proj`, which downloads the package into the NuGet cache;
`onnx_path()` finds it there.

The detectors keep the card's input contract (RGB scaled to [0,1], normalized by the card's mean/std): with
mean = the mean image's per-channel means / 255 and std = 1/255 the normalized input is RGB in 0..255 minus
those means, and the trunk's first convolution takes RGB by reversing its input channels. Both are exact.
"""
from __future__ import annotations

import os
import pathlib

import torch
import torch.nn.functional as F
from torch import nn

PACKAGE = "microsoft.ml.dnnimagefeaturizer.resnet18"
VERSION = "0.23.1"
MODEL_FILE = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx"
PREPROCESS_FILE = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx"

# Per-channel means of the package's mean image (ResNetPreprocess.onnx), R, G, B on 0..255.
MEAN_RGB_255 = (123.15163, 115.902885, 103.06262)
CARD_MEAN = [m / 255.0 for m in MEAN_RGB_255]
CARD_STD = [1.0 / 255.0] * 3

FULL_BLOCKS = (2, 2, 2, 3)  # this export's layer4 has three blocks (22 convolutions)
STAGE_CHANNELS = (64, 128, 256, 512)


def package_file(relative=MODEL_FILE):
    """The file inside the NuGet package, from $NUGET_PACKAGES or the default cache ~/.nuget/packages."""
    root = pathlib.Path(os.environ.get("NUGET_PACKAGES") or pathlib.Path.home() / ".nuget" / "packages")
    path = root / PACKAGE / VERSION / relative
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run scripts/setup.sh (it restores training/pretrained.proj, "
                                f"which downloads {PACKAGE} {VERSION} into the NuGet cache)")
    return path


class PaddedConvBN(nn.Module):
    """Convolution with CNTK's padding (`pads` = top, left, bottom, right), then BatchNorm.

    CNTK pads less at the end than at the start at stride 2; on an even-sized input the last window never reaches
    the end padding, so the convolution's own symmetric padding (the start's) computes the same and exports as a
    plain Conv instead of a computed Pad. The detectors' inputs are multiples of 32: every stride-2 input is even."""

    def __init__(self, cin, cout, kernel, stride, pads):
        super().__init__()
        top, left, bottom, right = pads
        if top != left or bottom > top or right > left:
            raise ValueError(f"unsupported padding {pads}")
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding=top, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


def _same(kernel, stride):
    """CNTK's paddings for a 'same' convolution: symmetric at stride 1, top/left only at stride 2."""
    half = kernel // 2
    return (half, half, half, half) if stride == 1 else (half, half, half - 1, half - 1)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = PaddedConvBN(cin, cout, 3, stride, _same(3, stride))
        self.conv2 = PaddedConvBN(cout, cout, 3, 1, _same(3, 1))
        self.shortcut = PaddedConvBN(cin, cout, 1, stride, (0, 0, 0, 0)) if stride != 1 or cin != cout else None

    def forward(self, x):
        skip = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.conv2(F.relu(self.conv1(x))) + skip)


class ResNet18Trunk(nn.Module):
    """ResNet-18 without its classifier; returns the five feature layers conv1 (1/2), layer1 (1/4) … layer4 (1/32).

    `blocks` may shorten the stages or, shorter than four, drop the last ones (the detectors keep one of layer4's
    three blocks: the other two are 9.4 M of the trunk's 15.9 M parameters). `rgb_input` reverses the first convolution's input channels so the
    trunk takes RGB instead of the export's BGR. BatchNorm statistics stay frozen in training (`train()` keeps
    them in eval mode): a batch of 8 crops would estimate them worse than ImageNet did."""

    def __init__(self, blocks=FULL_BLOCKS, rgb_input=True):
        super().__init__()
        self.blocks, self.rgb_input = tuple(blocks), rgb_input
        self.stem = PaddedConvBN(3, 64, 7, 2, (3, 3, 2, 2))
        stages, cin = [], 64
        for i, (count, cout) in enumerate(zip(self.blocks, STAGE_CHANNELS)):
            stride = 1 if i == 0 else 2
            stages.append(nn.Sequential(*[BasicBlock(cin if j == 0 else cout, cout, stride if j == 0 else 1)
                                          for j in range(count)]))
            cin = cout
        self.stages = nn.ModuleList(stages)
        self.channels = (64,) + STAGE_CHANNELS[:len(self.blocks)]

    def forward(self, x):
        x = F.relu(self.stem(x))
        layers = [x]
        x = F.max_pool2d(x, 3, 2, padding=1)  # CNTK's (1, 0, 1, 0): the same on an even size (PaddedConvBN)
        for stage in self.stages:
            x = stage(x)
            layers.append(x)
        return layers

    def train(self, mode=True):
        super().train(mode)
        for module in self.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        return self

    def load_imagenet(self, path=None):
        """Loads the package's weights (in the export's order of convolutions) into this trunk."""
        import onnx
        from onnx import numpy_helper
        graph = onnx.load(str(path or package_file())).graph
        tensors = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
        convs = [node for node in graph.node if node.op_type == "Conv"]
        norms = {node.input[0]: node for node in graph.node if node.op_type == "BatchNormalization"}
        targets = [self.stem]
        for stage, count in zip(self.stages, self.blocks):
            for block in stage:
                # The export writes a downsampling block's shortcut before its first convolution.
                targets += ([block.shortcut] if block.shortcut is not None else []) + [block.conv1, block.conv2]
        wanted = self._onnx_order(len(convs))
        with torch.no_grad():
            for target, index in zip(targets, wanted):
                conv = convs[index]
                weight = tensors[conv.input[1]]
                if target is self.stem and self.rgb_input:
                    weight = weight.flip(1)
                target.conv.weight.copy_(weight)
                norm = norms[conv.output[0]]
                scale, bias, mean, var = (tensors[name] for name in norm.input[1:5])
                target.bn.weight.copy_(scale)
                target.bn.bias.copy_(bias)
                target.bn.running_mean.copy_(mean)
                target.bn.running_var.copy_(var)
                target.bn.eps = next(a.f for a in norm.attribute if a.name == "epsilon")
        return self

    def _onnx_order(self, count):
        """Indices, among the export's convolutions, of this trunk's convolutions in `targets` order."""
        indices, position = [0], 1
        for stage_index, full in enumerate(FULL_BLOCKS):
            kept = self.blocks[stage_index] if stage_index < len(self.blocks) else 0
            for block in range(full):
                width = 3 if stage_index > 0 and block == 0 else 2
                if block < kept:
                    indices += list(range(position, position + width))
                position += width
        assert position == count, f"expected {position} convolutions in the export, found {count}"
        return indices
