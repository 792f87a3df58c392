import numpy as np
import pytest

import synth


def camera():
    return synth.ThinLensCamera(focal_mm=100, f_number=1.4, focus_mm=2000, sensor_mm=36, width_px=256)


def textured(size, seed):
    return np.random.default_rng(seed).random((*size, 3)).astype(np.float32)


def test_layer_at_focus_is_sharp_and_far_layer_is_blurred():
    cam, size = camera(), (96, 96)
    half = np.zeros(size, np.float32)
    half[:, 48:] = 1
    far = synth.Layer(textured(size, 1), np.ones(size, np.float32), 20000.0)
    near = synth.Layer(textured(size, 2), half, cam.focus_mm)
    rgb, label, radius = synth.render([far, near], cam)
    assert cam.coc_radius_px(cam.focus_mm) == pytest.approx(0.0)
    assert cam.coc_radius_px(20000.0) > 3 * synth.BLUR_THRESHOLD_PX
    assert label[:, :40].min() == 1.0          # far layer: blurred
    assert label[:, 56:].max() == 0.0          # in-focus layer: sharp
    # the in-focus half keeps its texture, the far half loses it
    assert rgb[:, 56:].std() > 2 * rgb[:, :40].std()


def test_radius_inverse_and_monotonic():
    cam = camera()
    for radius in (0.5, 2.0, 6.0):
        assert cam.coc_radius_px(cam.depth_for_radius(radius, behind=True)) == pytest.approx(radius, rel=1e-6)
        assert cam.coc_radius_px(cam.depth_for_radius(radius, behind=False)) == pytest.approx(radius, rel=1e-6)
    depths = np.array([2000, 3000, 5000, 10000])
    assert np.all(np.diff(cam.coc_radius_px(depths)) > 0)


@pytest.mark.parametrize("radius,sides", [(0.7, 0), (3.0, 0), (7.5, 0), (6.0, 6), (9.0, 5)])
def test_psf_conserves_energy(radius, sides):
    kernel = synth.disk_psf(radius, sides, 0.3, 0.5)
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    assert kernel.min() >= 0
    flat = np.full((64, 64), 0.37, np.float32)
    assert synth.blur_layer(flat, radius, (sides, 0.3, 0.5)).mean() == pytest.approx(0.37, abs=1e-5)


def test_same_seed_same_pixels_and_different_seed_differs():
    a_image, a_label = synth.synthesize(123, (96, 96))
    b_image, b_label = synth.synthesize(123, (96, 96))
    c_image, _ = synth.synthesize(124, (96, 96))
    assert np.array_equal(a_image, b_image) and np.array_equal(a_label, b_label)
    assert not np.array_equal(a_image, c_image)
    assert a_image.dtype == np.uint8 and a_image.shape == (96, 96, 3)
    assert set(np.unique(a_label)) <= {0.0, 1.0}


def test_video_labels_every_frame_and_focus_pull_changes_labels():
    frames = list(synth.synthesize_video(5, frames=12, size=(64, 80)))
    assert len(frames) == 12
    assert all(f.shape == (64, 80, 3) and l.shape == (64, 80) for f, l in frames)
    blurred_fraction = [l.mean() for _, l in frames]
    assert max(blurred_fraction) - min(blurred_fraction) > 0.2
