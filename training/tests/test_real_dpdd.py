import cv2
import numpy as np

import real_dpdd


def test_label_marks_where_detail_is_lost_and_leaves_out_flat_regions():
    rng = np.random.default_rng(0)
    focused = (rng.random((480, 1280, 3)) * 255).astype(np.uint8)
    focused[:, 960:] = 128  # flat: nothing to compare
    blurred_copy = cv2.GaussianBlur(focused, (0, 0), 4.0)
    captured = focused.copy()
    captured[:, 480:] = blurred_copy[:, 480:]
    image, mask, valid = real_dpdd.derive_label(captured, focused)
    assert image.shape[1] == real_dpdd.LABEL_WIDTH and mask.shape == valid.shape == image.shape[:2]
    rows = slice(100, 200)
    assert (mask[rows, 20:220] == 0).all(), "kept detail is labelled sharp"
    assert (mask[rows, 260:460] == 255).all(), "lost detail is labelled blurred"
    assert valid[rows, 20:460].all() and not valid[rows, 500:].any(), "flat regions are left out"
    assert not valid[:10, :100].any(), "the burned-in text corner is left out"
