import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import real_dpdd
import train


def test_loss_counts_only_labelled_pixels():
    torch.manual_seed(0)
    outputs = [torch.randn(2, 1, 8, 8, requires_grad=True) for _ in range(3)]
    labels = (torch.rand(2, 1, 8, 8) > 0.5).float()
    everywhere = torch.ones_like(labels)
    expected = sum(F.binary_cross_entropy_with_logits(o, labels) for o in outputs)
    assert train.deep_supervision_loss(outputs, labels, everywhere).item() == pytest.approx(expected.item(), rel=1e-6)

    left_half = torch.zeros_like(labels)
    left_half[..., :4] = 1
    loss = train.deep_supervision_loss(outputs, labels, left_half)
    loss.backward()
    assert all((o.grad[..., 4:] == 0).all() and (o.grad[..., :4] != 0).any() for o in outputs)
    changed = labels.clone()
    changed[..., 4:] = 1 - changed[..., 4:]
    assert train.deep_supervision_loss(outputs, changed, left_half).item() == pytest.approx(loss.item())


def test_augment_moves_image_label_and_valid_mask_together():
    rng = np.random.default_rng(3)
    label = np.zeros((96, 96), np.uint8)
    label[:, 40:] = 255
    label[60:, :] = 255
    image = np.repeat(label[..., None], 3, axis=2)
    for _ in range(10):
        out_image, out_label, out_valid = train.augment(rng, image, label, label.copy(), 64)
        assert out_image.shape == (64, 64, 3) and out_label.shape == out_valid.shape == (64, 64)
        assert (out_valid == out_label).all()
        agree = ((out_image[..., 0] >= 128) == (out_label >= 128)).mean()
        assert agree > 0.97


def test_dpdd_split_holds_out_every_fourth_pair_from_the_second(tmp_path):
    folder = tmp_path / "real-bokeh" / "dpdd"
    folder.mkdir(parents=True)
    tile = (np.random.default_rng(0).random((64, 96, 3)) * 255).astype(np.uint8)
    names = [f"pair{i:02d}" for i in range(6)]
    for name in names:
        cv2.imwrite(str(folder / f"{name}_input.jpg"), tile)
        cv2.imwrite(str(folder / f"{name}_gt.jpg"), tile)
    held_out = [p[0] for p in real_dpdd.pairs(tmp_path, "held_out")]
    trained = [p[0] for p in real_dpdd.pairs(tmp_path, "train")]
    assert held_out == ["pair01", "pair05"]
    assert sorted(held_out + trained) == names == [p[0] for p in real_dpdd.pairs(tmp_path)]
