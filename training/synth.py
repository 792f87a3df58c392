"""Physically based defocus synthesizer: layered scenes, a thin-lens camera, disk PSFs, camera realism.

A scene is a stack of layers at depths (back to front). Each layer has a linear-light colour image and an
alpha matte. The thin-lens camera gives each pixel of each layer a circle-of-confusion radius (in output
pixels); layers are blurred with a soft-edged disk (optionally polygonal) PSF — colour premultiplied by
alpha and alpha itself — and composited back to front, so occlusion boundaries blur like real optics.

Label: a pixel is "blurred" (1) where the visible layers' radius exceeds BLUR_THRESHOLD_PX at the output
resolution (composited with the same blurred alphas, binarized at 0.5).

Every random choice comes from a numpy Generator seeded by the caller: same seed, same pixels.
"""
from __future__ import annotations

import dataclasses
import functools
import glob
import io
import math
import os
import pathlib

import cv2
import numpy as np

BLUR_THRESHOLD_PX = 1.5
"""CoC radius (output pixels) above which a pixel is labelled blurred. Sharp layers are drawn below 0.8 px
and blurred ones mostly above 2.5 px so that labels are unambiguous except on tilted planes."""

DATA_ROOT = pathlib.Path(os.environ.get(
    "BLURVIDEO_SHARED_DATA", pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"))


# ----------------------------------------------------------------------------------------------- optics
@dataclasses.dataclass(frozen=True)
class ThinLensCamera:
    """Thin lens: focal length f (mm), f-number N, focus distance S1 (mm), sensor width (mm), image width (px)."""
    focal_mm: float
    f_number: float
    focus_mm: float
    sensor_mm: float
    width_px: int

    def coc_radius_px(self, depth_mm):
        """Circle-of-confusion radius in pixels for an object at depth_mm (scalar or array)."""
        f, s1 = self.focal_mm, self.focus_mm
        aperture = f / self.f_number
        diameter_mm = aperture * f / (s1 - f) * np.abs(np.asarray(depth_mm, np.float64) - s1) / np.asarray(depth_mm)
        return 0.5 * diameter_mm * self.width_px / self.sensor_mm

    def depth_for_radius(self, radius_px, behind=True):
        """Inverse of coc_radius_px: the depth (mm) behind (or in front of) the focus plane with that radius."""
        f, s1 = self.focal_mm, self.focus_mm
        k = (f / self.f_number) * f / (s1 - f) * self.width_px / self.sensor_mm / 2.0  # radius = k |1 - s1/d|
        ratio = radius_px / k
        if behind:
            return s1 / max(1e-6, 1.0 - ratio) if ratio < 1.0 else 1e9
        return s1 / (1.0 + ratio)


def disk_psf(radius, sides=0, rotation=0.0, softness=0.5):
    """Normalized soft-edged disk (or regular polygon with `sides` >= 5) of the given radius in pixels.

    Each tap's weight is the fraction of a pixel-wide ramp inside the aperture edge, so small radii
    stay smooth and the kernel always sums to exactly 1."""
    radius = float(radius)
    if radius < 0.5:
        return np.ones((1, 1), np.float32)
    half = int(math.ceil(radius + softness))
    y, x = np.mgrid[-half:half + 1, -half:half + 1].astype(np.float32)
    dist = np.hypot(x, y)
    edge = np.full_like(dist, radius)
    if sides >= 5:
        theta = np.arctan2(y, x) - rotation
        sector = 2 * math.pi / sides
        local = np.mod(theta, sector) - sector / 2
        edge = radius * math.cos(math.pi / sides) / np.cos(local)
    kernel = np.clip(edge + softness - dist, 0.0, 2 * softness) / (2 * softness)
    return (kernel / kernel.sum()).astype(np.float32)


def blur_layer(image, radius, psf_shape):
    """Blur with a constant-radius PSF (reflect border). image: HxW or HxWxC float32."""
    kernel = disk_psf(radius, *psf_shape)
    if kernel.shape == (1, 1):
        return image
    return cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_REFLECT)


def blur_varying(image, radius_map, psf_shape, levels=6):
    """Spatially varying blur: blur at a few radii and interpolate per pixel by the radius map."""
    lo, hi = float(radius_map.min()), float(radius_map.max())
    if hi - lo < 0.25:
        return blur_layer(image, 0.5 * (lo + hi), psf_shape)
    radii = np.linspace(lo, hi, levels)
    stack = [blur_layer(image, r, psf_shape) for r in radii]
    position = (radius_map - lo) / (hi - lo) * (levels - 1)
    index = np.clip(np.floor(position).astype(np.int32), 0, levels - 2)
    frac = (position - index).astype(np.float32)
    if image.ndim == 3:
        frac = frac[..., None]
    out = np.zeros_like(image)
    for k in range(levels - 1):
        sel = index == k
        if image.ndim == 3:
            sel = sel[..., None]
        out = np.where(sel, stack[k] * (1 - frac) + stack[k + 1] * frac, out)
    return out


# ----------------------------------------------------------------------------------------------- assets
def srgb_to_linear(x):
    return np.power(np.clip(x, 0, 1), 2.2).astype(np.float32)


@functools.lru_cache(maxsize=None)
def photo_paths():
    sharp = DATA_ROOT / "sharp"
    paths = []
    for pattern in ("BSDS500/train/*", "BSDS500/test/*", "Urban100/*", "Sun-Hays80/*", "Kodak24/*", "McMaster/*"):
        paths += sorted(glob.glob(str(sharp / pattern)))
    return tuple(p for p in paths if p.lower().endswith((".png", ".jpg", ".jpeg", ".bmp", ".tif")))


@functools.lru_cache(maxsize=None)
def object_pairs():
    root = DATA_ROOT / "sod-bsds300"
    pairs = []
    for image in sorted(glob.glob(str(root / "images" / "*"))):
        stem = pathlib.Path(image).stem
        masks = glob.glob(str(root / "masks" / (stem + ".*")))
        if masks:
            pairs.append((image, masks[0]))
    return tuple(pairs)


@functools.lru_cache(maxsize=None)
def layout_masks():
    return tuple(sorted(glob.glob(str(DATA_ROOT / "cuhk-tr-masks" / "*.png"))))


@functools.lru_cache(maxsize=256)
def _read(path, gray=False):
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(path)
    return image


def random_photo(rng, size):
    """A random sharp photo crop resized (down, mostly) to size (h, w), as linear RGB float32."""
    h, w = size
    image = _read(photo_paths()[rng.integers(len(photo_paths()))])
    ih, iw = image.shape[:2]
    scale = max(h / ih, w / iw) * rng.uniform(1.0, 1.6)
    crop_h, crop_w = min(ih, int(math.ceil(h / scale))), min(iw, int(math.ceil(w / scale)))
    y0, x0 = rng.integers(0, ih - crop_h + 1), rng.integers(0, iw - crop_w + 1)
    crop = image[y0:y0 + crop_h, x0:x0 + crop_w]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    crop = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)
    return srgb_to_linear(crop[..., ::-1].astype(np.float32) / 255.0)


def dead_leaves(rng, size, min_radius=2.0, max_radius=None, smooth=False, count=1500):
    """Procedural dead-leaves texture (discs with power-law radii painted back to front), linear RGB float32.

    Colours are drawn from a random photo so textures have natural palettes."""
    h, w = size
    max_radius = max_radius or 0.4 * max(h, w)
    palette = random_photo(rng, (16, 16)).reshape(-1, 3)
    image = np.ascontiguousarray(np.broadcast_to(palette[rng.integers(len(palette))], (h, w, 3)), np.float32)
    u = rng.random(count)
    radii = (max_radius ** -2 + u * (min_radius ** -2 - max_radius ** -2)) ** -0.5
    order = np.argsort(-radii)  # large discs first: small ones stay visible, as in the occlusion model
    for i in order:
        centre = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        colour = palette[rng.integers(len(palette))] * rng.uniform(0.7, 1.3)
        cv2.circle(image, centre, max(1, int(radii[i])), tuple(float(c) for c in colour), -1, lineType=cv2.LINE_AA)
    if smooth:
        image = cv2.GaussianBlur(image, (0, 0), 0.6)
    return np.clip(image, 0, 1)


def random_object(rng, size):
    """A salient object cut from its photo by its SOD mask, placed in a frame of `size`: (rgb, alpha)."""
    h, w = size
    for _ in range(10):
        image_path, mask_path = object_pairs()[rng.integers(len(object_pairs()))]
        image, mask = _read(image_path), _read(mask_path, gray=True)
        ys, xs = np.nonzero(mask > 127)
        if len(ys) > 200:
            break
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    obj, alpha = image[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    scale = rng.uniform(0.45, 0.95) * min(h / obj.shape[0], w / obj.shape[1])
    ow, oh = max(8, int(obj.shape[1] * scale)), max(8, int(obj.shape[0] * scale))
    obj = cv2.resize(obj, (ow, oh), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(alpha, (ow, oh), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.5:
        obj, alpha = obj[:, ::-1], alpha[:, ::-1]
    rgb = np.zeros((h, w, 3), np.float32)
    a = np.zeros((h, w), np.float32)
    oy = rng.integers(0, max(1, h - oh + 1)) if rng.random() < 0.5 else max(0, h - oh)  # often standing on the bottom
    ox = rng.integers(0, max(1, w - ow + 1))
    ph, pw = min(oh, h - oy), min(ow, w - ox)
    rgb[oy:oy + ph, ox:ox + pw] = srgb_to_linear(obj[:ph, :pw, ::-1].astype(np.float32) / 255.0)
    a[oy:oy + ph, ox:ox + pw] = alpha[:ph, :pw].astype(np.float32) / 255.0
    return rgb, a


def random_layout(rng, size):
    """A CUHK ground-truth mask resized to size: 1 where the real photo's region was blurred."""
    mask = _read(layout_masks()[rng.integers(len(layout_masks()))], gray=True)
    if rng.random() < 0.5:
        mask = mask[:, ::-1]
    mask = cv2.resize(np.ascontiguousarray(mask), (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
    return (mask.astype(np.float32) / 255.0 > 0.5).astype(np.float32)


# ----------------------------------------------------------------------------------------------- scenes
@dataclasses.dataclass
class Layer:
    rgb: np.ndarray         # HxWx3 linear
    alpha: np.ndarray       # HxW in [0,1]
    depth: np.ndarray       # scalar or HxW depth in mm


def render(layers, camera, psf_shape=(0, 0.0, 0.5)):
    """Composite layers (back to front) through the camera. Returns (linear rgb, label, radius map)."""
    h, w = layers[0].alpha.shape
    out = np.zeros((h, w, 3), np.float32)
    label = np.zeros((h, w), np.float32)
    radius_vis = np.zeros((h, w), np.float32)
    for layer in layers:
        radius = camera.coc_radius_px(layer.depth).astype(np.float32)
        premult = np.concatenate([layer.rgb * layer.alpha[..., None], layer.alpha[..., None]], axis=2)
        if np.ndim(radius) == 0:
            blurred = blur_layer(premult, float(radius), psf_shape)
            radius = np.full((h, w), radius, np.float32)
        else:
            blurred = blur_varying(premult, radius, psf_shape)
        a = np.clip(blurred[..., 3], 0, 1)
        out = out * (1 - a[..., None]) + blurred[..., :3]
        label = label * (1 - a) + a * (radius > BLUR_THRESHOLD_PX)
        radius_vis = radius_vis * (1 - a) + a * radius
    return out, (label > 0.5).astype(np.float32), radius_vis


def random_camera(rng, width_px, max_radius_px=None):
    """A thin-lens camera whose CoC radius at infinity is max_radius_px (log-uniform 5–30 px by default):
    the f-number follows from focal length, focus distance and the blur the scene should be able to show."""
    focal, focus = rng.uniform(35, 135), rng.uniform(800, 4000)
    if max_radius_px is None:
        max_radius_px = float(np.exp(rng.uniform(np.log(5.0), np.log(30.0))))
    sensor = 36.0
    f_number = focal * focal * width_px / (2.0 * sensor * (focus - focal) * max_radius_px)
    return ThinLensCamera(focal_mm=focal, f_number=f_number, focus_mm=focus, sensor_mm=sensor, width_px=width_px)


def _sharp_depth(rng, camera):
    """A depth whose CoC radius is below 0.8 px."""
    r = rng.uniform(0.0, 0.8)
    return camera.depth_for_radius(r, behind=rng.random() < 0.5) if r > 0.01 else camera.focus_mm


def _blurred_depth(rng, camera, behind=True, low=2.5, high=14.0):
    r = float(np.exp(rng.uniform(np.log(low), np.log(high))))
    return camera.depth_for_radius(r, behind=behind)


def _plane_depth(rng, camera, size, start_r, end_r, behind=True):
    """Depth map of a tilted plane whose CoC radius runs from start_r (bottom) to end_r (top) — e.g. a floor."""
    h, w = size
    t = np.linspace(1.0, 0.0, h, dtype=np.float32)[:, None]
    angle = rng.uniform(-0.4, 0.4)
    t = np.clip(t + angle * (np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]), 0, 1)
    radius = start_r + (end_r - start_r) * (1 - t)
    depth = np.vectorize(lambda r: camera.depth_for_radius(float(r), behind=behind))(radius[:, ::max(1, w // 16)])
    return cv2.resize(depth.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def background(rng, size):
    if rng.random() < 0.8:
        return random_photo(rng, size)
    return dead_leaves(rng, size, min_radius=rng.uniform(1.0, 4.0))


def scene_object_over_background(rng, size, camera):
    """The typical DBD photo: an object in focus over a blurred background (or the reverse)."""
    ones = np.ones(size, np.float32)
    object_in_focus = rng.random() < 0.8
    if object_in_focus:
        if rng.random() < 0.35:  # background recedes on a plane: blur grows with distance
            depth = _plane_depth(rng, camera, size, rng.uniform(0.0, 1.0), rng.uniform(3.0, 14.0))
        else:
            depth = _blurred_depth(rng, camera)
        layers = [Layer(background(rng, size), ones, depth)]
        rgb, alpha = random_object(rng, size)
        layers.append(Layer(rgb, alpha, _sharp_depth(rng, camera)))
    else:
        layers = [Layer(background(rng, size), ones, _sharp_depth(rng, camera))]
        rgb, alpha = random_object(rng, size)
        layers.append(Layer(rgb, alpha, _blurred_depth(rng, camera, behind=False, low=2.5, high=10.0)))
    return layers


def scene_layout(rng, size, camera):
    """A CUHK-shaped blur layout: the masked region sits at a blurred depth, the rest in focus."""
    layout = random_layout(rng, size)
    layout = cv2.GaussianBlur(layout, (0, 0), 1.0)
    far = rng.random() < 0.85
    photo = background(rng, size)
    second = photo if rng.random() < 0.6 else background(rng, size)
    blurred_depth = _blurred_depth(rng, camera, behind=far)
    sharp_depth, ones = _sharp_depth(rng, camera), np.ones(size, np.float32)
    if far:  # the background continues behind the in-focus region
        return [Layer(second, ones, blurred_depth), Layer(photo, 1 - layout, sharp_depth)]
    return [Layer(photo, ones, sharp_depth), Layer(second, layout, blurred_depth)]


def scene_textures(rng, size, camera):
    """Procedural dead-leaves layers: sharp-but-smooth and blurred-but-textured cases both occur."""
    ones = np.ones(size, np.float32)
    layers = [Layer(dead_leaves(rng, size, min_radius=rng.uniform(0.7, 2.0)), ones,
                    _blurred_depth(rng, camera, low=2.5, high=6.0) if rng.random() < 0.6 else _sharp_depth(rng, camera))]
    for _ in range(rng.integers(1, 4)):
        rgb = dead_leaves(rng, size, min_radius=rng.uniform(3.0, 12.0), smooth=rng.random() < 0.5)
        if rng.random() < 0.5:
            alpha = random_object(rng, size)[1]
        else:
            alpha = random_layout(rng, size)
            alpha = alpha if rng.random() < 0.5 else 1 - alpha
        in_focus = rng.random() < 0.5
        depth = _sharp_depth(rng, camera) if in_focus else _blurred_depth(rng, camera, behind=rng.random() < 0.5)
        layers.append(Layer(rgb, alpha, depth))
    layers[1:] = sorted(layers[1:], key=lambda layer: -float(np.mean(layer.depth)))
    return layers


SCENES = ((scene_object_over_background, 0.5), (scene_layout, 0.35), (scene_textures, 0.15))


# ----------------------------------------------------------------------------------------------- camera
def boost_highlights(rgb, rng):
    """Photos are clipped; real bright points are brighter. Boosting them gives real-looking bokeh discs."""
    if rng.random() < 0.5:
        return rgb
    luminance = rgb.mean(axis=2, keepdims=True)
    gain = 1 + rng.uniform(2, 8) * np.clip((luminance - 0.85) / 0.15, 0, 1)
    return rgb * gain


def camera_pipeline(linear, rng):
    """Exposure, Poisson–Gaussian sensor noise, gamma/tone, optional sharpening and JPEG. Returns uint8 RGB."""
    x = linear * rng.uniform(0.6, 1.5)
    a, b = rng.uniform(0, 0.01), rng.uniform(0, 2e-4)
    x = x + np.sqrt(np.clip(a * x + b, 0, None)) * rng.standard_normal(x.shape).astype(np.float32)
    x = np.power(np.clip(x, 0, 1), 1 / (2.2 * rng.uniform(0.8, 1.25)))
    if rng.random() < 0.3:  # in-camera sharpening touches sharp and blurred regions alike
        x = x + rng.uniform(0.2, 0.8) * (x - cv2.GaussianBlur(x, (0, 0), 1.0))
    out = np.clip(x * 255 + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        ok, data = cv2.imencode(".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 96))])
        out = cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1]
    return np.ascontiguousarray(out)


def synthesize(seed, size=(288, 288)):
    """One training sample from a seed: (uint8 RGB HxWx3, float32 label HxW with 1 = blurred)."""
    rng = np.random.default_rng(seed)
    camera = random_camera(rng, size[1])
    choice = rng.choice(len(SCENES), p=[p for _, p in SCENES])
    layers = SCENES[choice][0](rng, size, camera)
    for layer in layers:
        layer.rgb = boost_highlights(layer.rgb, rng)
    sides = int(rng.choice([0, 0, 5, 6, 7, 8]))
    psf_shape = (sides, rng.uniform(0, math.pi), rng.uniform(0.3, 1.0))
    linear, label, _ = render(layers, camera, psf_shape)
    return camera_pipeline(linear, rng), label


# ----------------------------------------------------------------------------------------------- video
def synthesize_video(seed, frames=48, size=(240, 320)):
    """A focus pull with a pan and a moving object. Yields (uint8 RGB frame, float32 label) per frame.

    The focus distance sweeps from the background to the foreground object and back; the camera pans (far
    layers move less: parallax); the object slides across the frame."""
    rng = np.random.default_rng(seed)
    h, w = size
    pad = 48
    big = (h + 2 * pad, w + 2 * pad)
    far_rgb = background(rng, big)
    obj_rgb, obj_alpha = random_object(rng, big)
    camera = random_camera(rng, w)
    near_depth, far_depth = camera.focus_mm * 0.7, camera.focus_mm * 3.0
    pan = rng.uniform(-1.0, 1.0, 2)
    drift = rng.uniform(-1.5, 1.5, 2)
    for t in range(frames):
        phase = 0.5 - 0.5 * math.cos(2 * math.pi * t / frames)
        focus = far_depth + (near_depth - far_depth) * phase
        cam = dataclasses.replace(camera, focus_mm=focus)
        def shift(image, dx, dy):
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            return cv2.warpAffine(image, m, (big[1], big[0]), borderMode=cv2.BORDER_REFLECT)
        fx, fy = pan * t * 0.5
        ox, oy = pan * t + drift * t
        layers = [Layer(shift(far_rgb, fx, fy), np.ones(big, np.float32), far_depth),
                  Layer(shift(obj_rgb, ox, oy), shift(obj_alpha, ox, oy), near_depth)]
        linear, label, _ = render(layers, cam)
        frame_rng = np.random.default_rng([seed, t])
        image = camera_pipeline(linear[pad:pad + h, pad:pad + w], frame_rng)
        yield image, label[pad:pad + h, pad:pad + w]


# ----------------------------------------------------------------------------------------------- cache
def build_cache(path, count, size, first_seed):
    """Renders `count` samples (seeds first_seed …) into one .npz: images uint8 NxHxWx3, labels uint8 NxHxW."""
    images = np.zeros((count, size[0], size[1], 3), np.uint8)
    labels = np.zeros((count, size[0], size[1]), np.uint8)
    for i in range(count):
        images[i], label = synthesize(first_seed + i, size)
        labels[i] = (label * 255).astype(np.uint8)
    np.savez(path, images=images, labels=labels, first_seed=first_seed)


def main():
    import argparse
    parser = argparse.ArgumentParser(description="Render a seeded synthetic defocus dataset.")
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=288)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--preview", action="store_true", help="write a preview PNG grid instead")
    args = parser.parse_args()
    if args.preview:
        tiles = []
        for i in range(args.count):
            image, label = synthesize(args.first_seed + i, (args.size, args.size))
            tiles.append(np.hstack([image[..., ::-1], cv2.cvtColor((label * 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)]))
        rows = [np.hstack(tiles[i:i + 3]) for i in range(0, len(tiles) - 2, 3)]
        cv2.imwrite(args.out, np.vstack(rows))
        return
    build_cache(args.out, args.count, (args.size, args.size), args.first_seed)


if __name__ == "__main__":
    main()
