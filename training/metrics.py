"""The evaluation protocol of DESIGN.md (the same as the C# `blurvideo eval`).

Maps in [0,1], 1 = blurred; ground truth binarized at 0.5; maps resized (bilinear) to the mask's size.
Per image: MAE; Fβ (β² = 0.3) at threshold 0.5 with blurred positive; IoU at 0.5. Averaged over images.
PR curve: per-image precision/recall at 256 thresholds k/255 on the map quantized as round(255 v), averaged
over images; maxF = max over
thresholds of Fβ of the averaged precision and recall.
Degenerate cases: precision is 1 when nothing is predicted positive; recall is 1 when the mask has no
positive pixel; Fβ is 0 when precision and recall are both 0; IoU is 1 when both sets are empty.
"""
import cv2
import numpy as np

BETA2 = 0.3


def f_beta(precision, recall):
    denominator = BETA2 * precision + recall
    return np.where(denominator > 0, (1 + BETA2) * precision * recall / np.maximum(denominator, 1e-12), 0.0)


def score_image(blur_map, mask, valid=None):
    """blur_map: float HxW in [0,1]; mask: float/uint8 (1 or 255 = blurred); valid: optional bool HxW, the
    pixels that count (all when None). Returns a dict of figures."""
    gt = (mask.astype(np.float32) / (255.0 if mask.dtype == np.uint8 else 1.0)) >= 0.5
    if blur_map.shape != gt.shape:
        blur_map = cv2.resize(blur_map.astype(np.float32), (gt.shape[1], gt.shape[0]), interpolation=cv2.INTER_LINEAR)
    blur_map = np.clip(blur_map, 0, 1)
    if valid is not None:
        blur_map, gt = blur_map[valid], gt[valid]
    mae = float(np.abs(blur_map - gt).mean())
    bins = np.rint(blur_map * 255).astype(np.int64)  # quantized as an 8-bit map: positive at threshold k/255 iff bin >= k
    positives = np.bincount(bins[gt], minlength=256)[::-1].cumsum()[::-1]
    negatives = np.bincount(bins[~gt], minlength=256)[::-1].cumsum()[::-1]
    predicted = positives + negatives
    precision = np.where(predicted > 0, positives / np.maximum(predicted, 1), 1.0)
    recall = positives / gt.sum() if gt.any() else np.ones(256)
    predicted_half = blur_map >= 0.5
    tp = float(np.logical_and(predicted_half, gt).sum())
    p_half = tp / predicted_half.sum() if predicted_half.any() else 1.0
    r_half = tp / gt.sum() if gt.any() else 1.0
    union = float(np.logical_or(predicted_half, gt).sum())
    return {"mae": mae, "fbeta": float(f_beta(p_half, r_half)), "iou": tp / union if union else 1.0,
            "precision_curve": precision, "recall_curve": recall}


def score_dataset(pairs):
    """pairs: iterable of (blur_map, mask) or (blur_map, mask, valid). Returns averaged MAE, Fbeta, IoU, maxF
    and the PR curve."""
    rows = [score_image(*pair) for pair in pairs]
    precision = np.mean([r["precision_curve"] for r in rows], axis=0)
    recall = np.mean([r["recall_curve"] for r in rows], axis=0)
    return {"images": len(rows),
            "mae": float(np.mean([r["mae"] for r in rows])),
            "fbeta": float(np.mean([r["fbeta"] for r in rows])),
            "iou": float(np.mean([r["iou"] for r in rows])),
            "max_f": float(f_beta(precision, recall).max()),
            "precision": precision, "recall": recall}
