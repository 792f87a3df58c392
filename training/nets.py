"""DeFusionNet (Tang et al., CVPR 2019) and R²MRF (Tang et al., AAAI 2020), at any width.

Both return, in training mode, every intermediate prediction (logits at the input size, for deep
supervision) followed by the final fused logits; in eval mode they return only sigmoid(final), the shipped
`blur` map with 1 = blurred.

Backbones: the papers' VGG16 (DeFusionNet) and ResNeXt (R²MRF), trained from scratch here, with batch normalization
after every convolution (folded by ONNX Runtime at load) and width/depth multipliers so the same code builds the
full networks and small real-time variants; or, with `backbone="resnet18"`, the ImageNet-trained ResNet-18 of
`backbone.py` for both (the only ImageNet weights available here; a documented deviation). On ResNet-18 DeFusionNet
takes its side features from conv1, layer1 … layer4 and a stride-1 pool5 (scales 2 … 32), R²MRF its five layers from
conv1, layer1 … layer4 as it does from ResNeXt.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from backbone import ResNet18Trunk

# The detectors' trunk: ImageNet ResNet-18 with one block of layer4 (its other two are 9.4 M of 15.9 M parameters).
RESNET18_DETECTOR_BLOCKS = (2, 2, 2, 1)


def scaled(channels, width, minimum=8):
    return max(minimum, int(round(channels * width / 8.0)) * 8)


class Conv1x1(nn.Conv2d):
    """A 1×1 convolution. In training it runs as a batched matrix product, because torch's CPU backend sends
    small-batch single-threaded 1×1 convolutions to a slow reference path; the parameters and the exported
    ONNX Conv are those of nn.Conv2d."""

    def __init__(self, cin, cout, bias=True):
        super().__init__(cin, cout, 1, bias=bias)

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        y = torch.matmul(self.weight.view(self.out_channels, -1), x.flatten(2))
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1)
        return y.view(x.shape[0], self.out_channels, x.shape[2], x.shape[3])


def conv_bn_relu(cin, cout, kernel=3, stride=1, groups=1, dilation=1):
    padding = dilation * (kernel // 2)
    conv = Conv1x1(cin, cout, bias=False) if kernel == 1 and stride == 1 and groups == 1 else \
        nn.Conv2d(cin, cout, kernel, stride, padding, dilation=dilation, groups=groups, bias=False)
    return nn.Sequential(conv,
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def upsample_to(x, factor):
    return x if factor == 1 else F.interpolate(x, scale_factor=float(factor), mode="bilinear", align_corners=False)


def downsample_by(x, factor):
    return x if factor == 1 else F.avg_pool2d(x, factor, factor)


# ============================================================================================ DeFusionNet
VGG16_STAGES = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


class DeFusionNet(nn.Module):
    """VGG16 side features (conv1_2, conv2_2, conv3_3, conv4_3, conv5_3, pool5), two extra convs each;
    fused shallow (FSHF, first 3) and semantic (FSEF, last 3) features at input size via deconvolution fixed
    to bilinear interpolation (as FCN fixes its upsampling deconvolutions) + 1×1 conv; the Feature Fusing and Refining Module refines shallow layers with FSEF and deep layers with FSHF
    (cross-layer), reduces channels back to each layer's count, recomputes FSHF/FSEF, `steps` times; each layer
    predicts at each step; the final map fuses the 6 last-step maps with one conv."""

    def __init__(self, width=1.0, side_width=None, fused_channels=None, steps=3, fuse_scale=1, backbone="vgg16",
                 trunk_blocks=None):
        super().__init__()
        self.steps = steps
        self.fuse_scale = fuse_scale  # FSHF/FSEF resolution: input size / fuse_scale (1 = the paper's)
        if backbone == "resnet18":
            # conv1, layer1 … layer4 and a pool5 (3×3 max pool, stride 1, as DeepLab keeps pool5 at its layer's size)
            self.trunk = ResNet18Trunk(trunk_blocks or RESNET18_DETECTOR_BLOCKS)
            self.scales = (2, 4, 8, 16, 32, 32)
            backbone_channels = list(self.trunk.channels) + [self.trunk.channels[-1]]
        else:
            stages, cin = [], 3
            for channels, convs in VGG16_STAGES:
                cout = scaled(channels, width)
                stages.append(nn.Sequential(*[conv_bn_relu(cin if i == 0 else cout, cout) for i in range(convs)]))
                cin = cout
            self.stages = nn.ModuleList(stages)
            self.scales = (1, 2, 4, 8, 16, 32)
            backbone_channels = [scaled(c, width) for c, _ in VGG16_STAGES]
            backbone_channels.append(backbone_channels[-1])  # pool5
        side_width = side_width or width
        self.side_channels = [scaled(c, side_width) for c in (64, 128, 256, 256, 256, 256)]
        fused = fused_channels or scaled(64, side_width)
        self.side = nn.ModuleList(nn.Sequential(conv_bn_relu(b, s), conv_bn_relu(s, s))
                                  for b, s in zip(backbone_channels, self.side_channels))
        self.fuse_shallow = nn.Sequential(Conv1x1(sum(self.side_channels[:3]), fused), nn.ReLU(inplace=True))
        self.fuse_deep = nn.Sequential(Conv1x1(sum(self.side_channels[3:]), fused), nn.ReLU(inplace=True))
        self.refine = nn.ModuleList(nn.Sequential(Conv1x1(s + fused, s), nn.ReLU(inplace=True),
                                                  nn.Conv2d(s, s, 3, padding=1), nn.ReLU(inplace=True))
                                    for s in self.side_channels)
        self.predict = nn.ModuleList(Conv1x1(s, 1) for s in self.side_channels)
        self.final = nn.Conv2d(len(self.side_channels), 1, 3, padding=1)

    def _fused(self, layers):
        ups = [self._rescale(x, scale) for x, scale in zip(layers, self.scales)]
        return self.fuse_shallow(torch.cat(ups[:3], 1)), self.fuse_deep(torch.cat(ups[3:], 1))

    def _rescale(self, x, scale):
        """From a layer at 1/scale of the input to the fused features' resolution (1/fuse_scale)."""
        if scale >= self.fuse_scale:
            return upsample_to(x, scale // self.fuse_scale)
        return downsample_by(x, self.fuse_scale // scale)

    def _to_layer(self, fused, scale):
        if scale >= self.fuse_scale:
            return downsample_by(fused, scale // self.fuse_scale)
        return upsample_to(fused, self.fuse_scale // scale)

    def _backbone(self, image):
        if hasattr(self, "trunk"):
            layers = self.trunk(image)
            return layers + [F.max_pool2d(layers[-1], 3, 1, 1)]
        layers, x = [], image
        for i, stage in enumerate(self.stages):
            x = stage(x if i == 0 else F.max_pool2d(x, 2))
            layers.append(x)
        return layers + [F.max_pool2d(x, 2)]

    def forward(self, image):
        layers = [side(f) for side, f in zip(self.side, self._backbone(image))]
        outputs = []
        for _ in range(self.steps):
            shallow, deep = self._fused(layers)
            layers = [refine(torch.cat([f, self._to_layer(deep if i < 3 else shallow, scale)], 1))
                      for i, (refine, f, scale) in enumerate(zip(self.refine, layers, self.scales))]
            maps = [upsample_to(predict(f), scale) for predict, f, scale in zip(self.predict, layers, self.scales)]
            outputs.extend(maps)
        final = self.final(torch.cat(outputs[-len(self.scales):], 1))
        if self.training:
            return outputs + [final]
        return torch.sigmoid(final)


# ================================================================================================== R²MRF
RESNEXT50_BLOCKS = (3, 4, 6, 3)


class ResNeXtBlock(nn.Module):
    def __init__(self, cin, cout, bottleneck, cardinality, stride):
        super().__init__()
        self.body = nn.Sequential(
            conv_bn_relu(cin, bottleneck, 1),
            conv_bn_relu(bottleneck, bottleneck, 3, stride, groups=cardinality),
            Conv1x1(bottleneck, cout, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        skip = x if self.shortcut is None else self.shortcut(x)
        return F.relu(self.body(x) + skip, inplace=True)


class DualPathBlock(nn.Module):
    """Two paths with different receptive fields (3×3 and 5×5) that exchange features halfway."""

    def __init__(self, channels):
        super().__init__()
        half = channels // 2
        self.small1 = nn.Sequential(nn.Conv2d(channels, half, 3, padding=1), nn.ReLU(inplace=True))
        self.large1 = nn.Sequential(nn.Conv2d(channels, half, 5, padding=2), nn.ReLU(inplace=True))
        self.small2 = nn.Sequential(nn.Conv2d(channels, half, 3, padding=1), nn.ReLU(inplace=True))
        self.large2 = nn.Sequential(nn.Conv2d(channels, half, 5, padding=2), nn.ReLU(inplace=True))
        self.merge = Conv1x1(channels, channels)

    def forward(self, x):
        a, b = self.small1(x), self.large1(x)
        exchanged = torch.cat([a, b], 1)
        return F.relu(self.merge(torch.cat([self.small2(exchanged), self.large2(exchanged)], 1)) + x, inplace=True)


class ResidualRefinementModule(nn.Module):
    """RRM: from the layer's features, the aggregated features (AMDF) and the previous output O(t-1),
    predict the residual R(t); the branch then sets O(t) = O(t-1) + R(t)."""

    def __init__(self, feature_channels, amdf_channels, channels):
        super().__init__()
        self.enter = nn.Sequential(Conv1x1(feature_channels + amdf_channels + 1, channels), nn.ReLU(inplace=True))
        self.dual = DualPathBlock(channels)
        self.residual = nn.Conv2d(channels, 1, 3, padding=1)

    def forward(self, features, amdf, previous):
        return self.residual(self.dual(self.enter(torch.cat([features, amdf, previous], 1))))


class R2MRF(nn.Module):
    """ResNeXt backbone (conv1, conv2_x … conv5_x); AMDF = the last four layers upsampled to conv1's size,
    concatenated with it, merged by one conv; per layer a recurrent branch of residual refinement modules
    (weights shared across steps) with O(t) = O(t−1) + R(t) for `steps` steps; the 5 side outputs are
    concatenated and fused by conv + ReLU (then a 1×1 prediction conv)."""

    SCALES = (2, 4, 8, 16, 32)

    def __init__(self, width=1.0, blocks=RESNEXT50_BLOCKS, cardinality=32, side_channels=None, steps=6,
                 backbone="resnext", trunk_blocks=None):
        super().__init__()
        self.steps = steps
        if backbone == "resnet18":
            self.trunk = ResNet18Trunk(trunk_blocks or RESNET18_DETECTOR_BLOCKS)
            channels = self.trunk.channels
        else:
            stem = scaled(64, width)
            self.conv1 = conv_bn_relu(3, stem, 7, 2)
            outs = [scaled(c, width) for c in (256, 512, 1024, 2048)]
            bottlenecks = [scaled(c, width) for c in (128, 256, 512, 1024)]
            stages, cin = [], stem
            for i, (count, cout, bottleneck) in enumerate(zip(blocks, outs, bottlenecks)):
                groups = max(1, min(cardinality, bottleneck // 4))
                while bottleneck % groups:
                    groups -= 1
                stride = 1 if i == 0 else 2
                stages.append(nn.Sequential(*[ResNeXtBlock(cin if j == 0 else cout, cout, bottleneck, groups,
                                                           stride if j == 0 else 1) for j in range(count)]))
                cin = cout
            self.stages = nn.ModuleList(stages)
            channels = [stem] + outs
        side = side_channels or scaled(32, width * 2)
        self.reduce = nn.ModuleList(nn.Sequential(Conv1x1(c, side), nn.ReLU(inplace=True)) for c in channels)
        self.amdf = nn.Sequential(nn.Conv2d(5 * side, side, 3, padding=1), nn.ReLU(inplace=True))
        self.initial = nn.ModuleList(Conv1x1(side, 1) for _ in self.SCALES)
        self.rrm = nn.ModuleList(ResidualRefinementModule(side, side, side) for _ in self.SCALES)
        self.fuse = nn.Sequential(nn.Conv2d(len(self.SCALES), 16, 3, padding=1), nn.ReLU(inplace=True),
                                  Conv1x1(16, 1))

    def _backbone(self, image):
        if hasattr(self, "trunk"):
            return self.trunk(image)
        x = self.conv1(image)
        layers = [x]
        x = F.max_pool2d(x, 3, 2, 1)
        for stage in self.stages:
            x = stage(x)
            layers.append(x)
        return layers

    def forward(self, image):
        layers = [reduce(f) for reduce, f in zip(self.reduce, self._backbone(image))]
        amdf = self.amdf(torch.cat([layers[0]] + [upsample_to(f, s // 2) for f, s in zip(layers[1:], self.SCALES[1:])], 1))
        outputs, last = [], []
        for i, (f, scale) in enumerate(zip(layers, self.SCALES)):
            context = downsample_by(amdf, scale // 2)
            o = self.initial[i](f)
            for _ in range(self.steps):
                o = o + self.rrm[i](f, context, o)
                outputs.append(upsample_to(o, scale))
            last.append(outputs[-1])
        final = self.fuse(torch.cat(last, 1))
        if self.training:
            return outputs + [final]
        return torch.sigmoid(final)


# ============================================================================================ FastBlurNet
class FastBlurNet(nn.Module):
    """The real-time student: the ResNet-18 trunk to 1/16 with one block per stage, a top-down path (upsample, add
    the lateral 1×1 projection, 3×3 conv) to 1/4 — or to 1/2 with `stem_lateral`, which brings in the stem's
    finest detail — a prediction at each level (deep supervision), the final one upsampled to the input. No
    full-resolution layer: ONNX Runtime spends most of a thin network's time there. `global_context` adds the
    picture's mean 1/16 feature, projected, to the 1/16 level: context beyond the trunk's receptive field (a
    background soft all over)."""

    def __init__(self, channels=32, trunk_blocks=(1, 1, 1), stem_lateral=False, global_context=False):
        super().__init__()
        self.trunk = ResNet18Trunk(trunk_blocks)
        lateral = self.trunk.channels[1:][::-1]  # layer3, layer2, layer1
        self.scales = (16, 8, 4)
        if stem_lateral:
            lateral, self.scales = lateral + (self.trunk.channels[0],), self.scales + (2,)
        self.lateral = nn.ModuleList(conv_bn_relu(c, channels, 1) for c in lateral)
        self.smooth = nn.ModuleList(conv_bn_relu(channels, channels) for _ in lateral)
        self.predict = nn.ModuleList(nn.Conv2d(channels, 1, 3, padding=1) for _ in lateral)
        self.context = nn.Conv2d(lateral[0], channels, 1) if global_context else None
        if self.context is not None:  # starts at zero: a network grown from one without it computes the same
            nn.init.zeros_(self.context.weight)
            nn.init.zeros_(self.context.bias)

    def forward(self, image):
        layers = self.trunk(image)[::-1]  # layer3 … layer1, then the stem (zip stops at the laterals)
        outputs, x = [], None
        for lateral, smooth, predict, f, scale in zip(self.lateral, self.smooth, self.predict, layers, self.scales):
            if x is None:
                x = lateral(f)
                if self.context is not None:
                    x = x + self.context(F.adaptive_avg_pool2d(f, 1))
            else:
                x = lateral(f) + upsample_to(x, 2)
            x = smooth(x)
            if self.training or scale == self.scales[-1]:
                outputs.append(upsample_to(predict(x), scale))
        if self.training:
            return outputs
        return torch.sigmoid(outputs[-1])


ARCHITECTURES = {"DeFusionNet": DeFusionNet, "R2MRF": R2MRF, "FastBlurNet": FastBlurNet}


def build(architecture, **config):
    return ARCHITECTURES[architecture](**config)


def count_macs(model, size=(320, 320)):
    """Multiply–accumulates of the eval-mode forward pass at `size` (convolutions), the unit papers call FLOPs."""
    macs = 0

    def hook(module, inputs, output):
        nonlocal macs
        if isinstance(module, nn.ConvTranspose2d):
            taps = module.out_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            macs += inputs[0].numel() // inputs[0].shape[0] * taps
        elif isinstance(module, nn.Conv2d):
            per_output = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            macs += output.numel() // output.shape[0] * per_output

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, *size))
    model.train(was_training)
    for h in handles:
        h.remove()
    return macs


def grow_from(model, smaller_state):
    """Starts `model` from the weights of a smaller one of the same architecture — wider backbone (DeFusionNet)
    or more blocks per stage (R²MRF) — so that it computes exactly the smaller one's function: each smaller
    tensor fills the leading slice of its counterpart, the weights from new input channels to old output
    channels are zero, and new residual blocks start as identities (last BatchNorm scale 0). New channels keep
    their random initialization, so the extra capacity trains from there."""
    own = model.state_dict()
    unknown = sorted(set(smaller_state) - set(own))
    if unknown:
        raise ValueError(f"not in the grown network: {', '.join(unknown[:3])}")
    with torch.no_grad():
        for name, tensor in own.items():
            small = smaller_state.get(name)
            if small is None:
                continue
            if small.dim() != tensor.dim() or any(s > t for s, t in zip(small.shape, tensor.shape)):
                raise ValueError(f"{name}: {tuple(small.shape)} does not fit in {tuple(tensor.shape)}")
            if tensor.dim() > 1:
                tensor[:small.shape[0]].zero_()
            tensor[tuple(slice(0, s) for s in small.shape)].copy_(small)
        for name, module in model.named_modules():
            if isinstance(module, ResNeXtBlock) and f"{name}.body.3.weight" not in smaller_state:
                module.body[3].weight.zero_()
    model.load_state_dict(own)
