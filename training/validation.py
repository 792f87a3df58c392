"""Validation: the synthetic renders never trained on, and the real photos (real-smoke, DPDD-derived labels) by the
DESIGN protocol (metrics.py), at each photo's own size and at the card's."""
from __future__ import annotations

import functools
import os

import cv2
import numpy as np
import torch

import metrics
import real_dpdd
from data import MEAN, STD, normalize, shared_data

SELECTION = "real_dpdd_held_out"  # the check (at own size) that picks the exported checkpoint of a selecting run


def native_size(h, w):
    """The image's own size with each side rounded to a multiple of 32 (the `Native` input-size policy)."""
    return max(32, round(h / 32) * 32), max(32, round(w / 32) * 32)


def predict(model, rgb_uint8, size=None, normalization=None):
    """Blur map (HxW float, 1 = blurred) for one RGB image, run at `size` (None: native) and resized back."""
    h, w = rgb_uint8.shape[:2]
    size = size or native_size(h, w)
    resized = cv2.resize(rgb_uint8, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
    x = normalize(resized, normalization or (MEAN, STD))[None]
    with torch.no_grad():
        out = model(x)[0, 0].numpy()
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)


def real_smoke_pairs():
    root = shared_data() / "real-smoke"
    for image_path in sorted((root / "images").glob("*.png")):
        image = cv2.imread(str(image_path))[..., ::-1]
        mask = cv2.imread(str(root / "masks" / image_path.name), cv2.IMREAD_GRAYSCALE)
        yield np.ascontiguousarray(image), mask


@functools.lru_cache(maxsize=1)
def real_photos():
    """The real photos by check name, decoded (and labelled) once per process: real-smoke, all DPDD pairs and the
    held-out DPDD pairs."""
    dpdd = [(im, mask, valid) for _, im, mask, valid in real_dpdd.pairs()]
    held_out = [pair for index, pair in enumerate(dpdd) if real_dpdd.is_held_out(index)]
    return {"real_smoke": list(real_smoke_pairs()), "real_dpdd": dpdd, "real_dpdd_held_out": held_out}


def summary(figures):
    return {k: v for k, v in figures.items() if not isinstance(v, np.ndarray)}


def validate(model, input_size, normalization, cache_dir=None, val_count=100,
             checks=("real_smoke", "real_dpdd", "real_dpdd_held_out")):
    """Figures by check: the synthetic validation renders (fixed seeds, at the card's size) and the real photos at
    their own size (`<check>_native`) and at the card's (`<check>`). Leaves the model in eval
    mode."""
    model.eval()
    size = tuple(input_size)
    results = {}
    val_path = os.path.join(cache_dir, "val.npz") if cache_dir else None
    if val_path and os.path.exists(val_path):
        val = np.load(val_path)
        pairs = ((predict(model, im, size, normalization), lb)
                 for im, lb in zip(val["images"][:val_count], val["labels"][:val_count]))
        results["synthetic_val"] = summary(metrics.score_dataset(pairs))
    photos = real_photos()
    for suffix, at in {"": size, "_native": None}.items():
        for check in checks:
            pairs = ((predict(model, pair[0], at, normalization), *pair[1:]) for pair in photos[check])
            results[check + suffix] = summary(metrics.score_dataset(pairs))
    return results
