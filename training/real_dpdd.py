"""Blur labels derived from the DPDD pairs in ../shared/data/real-bokeh/dpdd: a second set of real photos.

Each pair is a wide-aperture capture (`*_input.jpg`) and its all-in-focus capture (`*_gt.jpg`) of the same
scene. At LABEL_WIDTH (the width of the CUHK photos) a pixel is **blurred** where the input keeps less than
DETAIL_KEPT of the all-in-focus capture's local band-pass energy. Where the all-in-focus capture itself has
no detail the question cannot be answered, so those pixels (and the burned-in text label) are left out.
"""
import os
import pathlib

import cv2
import numpy as np

LABEL_WIDTH = 640
DETAIL_KEPT = 0.5
WINDOW_SIGMA = 6.0
HELD_OUT_EVERY = 4


def is_held_out(index):
    """Pairs 1, 5, 9, 13 in name order are never trained on (model selection and the honest DPDD figure)."""
    return index % HELD_OUT_EVERY == 1


def _band_energy(gray):
    detail = gray - cv2.GaussianBlur(gray, (0, 0), 1.5)
    return cv2.GaussianBlur(detail * detail, (0, 0), WINDOW_SIGMA)


def derive_label(input_rgb, focused_rgb):
    """(input at LABEL_WIDTH, mask uint8 255 = blurred, valid bool) for one DPDD pair."""
    h, w = input_rgb.shape[:2]
    size = (LABEL_WIDTH, round(h * LABEL_WIDTH / w))
    image = cv2.resize(input_rgb, size, interpolation=cv2.INTER_AREA)
    gray = [cv2.cvtColor(cv2.resize(im, size, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
            for im in (input_rgb, focused_rgb)]
    kept_energy, focused_energy = _band_energy(gray[0]), _band_energy(gray[1])
    textured = focused_energy > np.float32(2e-4)
    blurred = kept_energy < DETAIL_KEPT * focused_energy
    valid = textured.copy()
    valid[: size[1] // 10, : size[0] // 3] = False  # the burned-in "Input"/"Ground truth" text
    return image, np.where(blurred, 255, 0).astype(np.uint8), valid


def pairs(root=None, subset="all"):
    """Yields (name, input RGB at LABEL_WIDTH, mask, valid) for the DPDD pairs of `subset`: "all", "train" or
    "held_out"."""
    root = pathlib.Path(root or os.environ.get("BLURVIDEO_SHARED_DATA", pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"))
    for index, path in enumerate(sorted((root / "real-bokeh" / "dpdd").glob("*_input.jpg"))):
        if subset == "all" or is_held_out(index) == (subset == "held_out"):
            focused = path.with_name(path.name.replace("_input", "_gt"))
            yield (path.name.replace("_input.jpg", ""), *derive_label(_read_rgb(path), _read_rgb(focused)))


def _read_rgb(path):
    return np.ascontiguousarray(cv2.imread(str(path))[..., ::-1])
