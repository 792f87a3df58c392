"""Writes the evaluation fixture that pins metrics.py and the C# evaluator (`blurvideo eval`) to the same figures:
four 10×10 map/mask pairs (8-bit PNG, white = blurred) and expected.json, whose figures are derived by hand below.

  /usr/bin/python3 training/make_evaluation_fixture.py    → tests/BlurVideo.Tests/Fixtures/evaluation/

Masks: a, b, d have their left 5 columns blurred (50 pixels); c its left 4 columns (40 pixels).
  a  map = mask                          MAE 0    P 1    R 1    Fβ 1    IoU 1
  b  map = inverted mask                 MAE 1    TP 0   → Fβ 0  IoU 0
  c  map = 255 on columns 2..5           TP 20 (columns 2-3), FP 20 (4-5), FN 20 (0-1): P = R = 1/2, Fβ 1/2,
                                         IoU 20/60 = 1/3, MAE 40/100 = 0.4
  d  map = 64 everywhere (0.25098)       MAE = (50 (1 - 64/255) + 50 (64/255)) / 100 = 1/2; nothing ≥ 0.5:
                                         P = 1 (nothing predicted), R = 0 → Fβ 0, IoU 0
Means: MAE 1.9/4 = 0.475, Fβ 2.5/4 = 0.375, IoU (4/3)/4 = 1/3.
PR curve (threshold k/255, mean P and R over the four images), F = 1.3 P R / (0.3 P + R):
  k = 0        every pixel positive: P = (0.5, 0.5, 0.4, 0.5), R = 1    → P̄ 0.475, R̄ 1      → F 0.6175 / 1.1425
  k = 1..64    a 1/1, b 0/0, c 1/2,1/2, d 0.5/1                        → P̄ 0.5,   R̄ 0.625  → F 0.40625 / 0.775
  k = 65..255  as above but d predicts nothing (P 1, R 0)              → P̄ 0.625, R̄ 0.375  → F 0.3046875 / 0.5625
maxF = 0.3046875 / 0.5625 = 0.541666…, first reached at k = 65.
"""
import json
import pathlib

import cv2
import numpy as np

FOLDER = pathlib.Path(__file__).resolve().parents[1] / "tests" / "BlurVideo.Tests" / "Fixtures" / "evaluation"


def main():
    half = np.zeros((10, 10), np.uint8)
    half[:, :5] = 255
    four = np.zeros((10, 10), np.uint8)
    four[:, :4] = 255
    band = np.zeros((10, 10), np.uint8)
    band[:, 2:6] = 255
    pairs = {"a": (half, half), "b": (255 - half, half), "c": (band, four), "d": (np.full((10, 10), 64, np.uint8), half)}
    for sub in ("maps", "masks"):
        (FOLDER / sub).mkdir(parents=True, exist_ok=True)
    for name, (blur_map, mask) in pairs.items():
        cv2.imwrite(str(FOLDER / "maps" / f"{name}.png"), blur_map)
        cv2.imwrite(str(FOLDER / "masks" / f"{name}.png"), mask)
    expected = {
        "images": {"a": {"mae": 0.0, "fbeta": 1.0, "iou": 1.0}, "b": {"mae": 1.0, "fbeta": 0.0, "iou": 0.0},
                   "c": {"mae": 0.4, "fbeta": 0.5, "iou": 1 / 3}, "d": {"mae": 0.5, "fbeta": 0.0, "iou": 0.0}},
        "mae": 0.475, "fbeta": 0.375, "iou": 1 / 3, "max_f": 0.3046875 / 0.5625, "max_f_level": 65,
    }
    (FOLDER / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")


if __name__ == "__main__":
    main()
