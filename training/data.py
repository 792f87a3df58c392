"""Training batches: synthetic renders, crops of the DPDD training pairs, and unlabelled real photos for
distillation, all with the same augmentation (as in R²MRF: random rotation, resizing and horizontal flip)."""
from __future__ import annotations

import glob
import os
import pathlib

import cv2
import numpy as np
import torch

import backbone
import real_dpdd

# ImageNet's statistics: the card's normalization of the networks trained from scratch.
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def shared_data():
    return pathlib.Path(os.environ.get("BLURVIDEO_SHARED_DATA",
                                       pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"))


def input_normalization(model_config):
    """The card's (mean, std): ImageNet's for the scratch backbones; for the ResNet-18 trunk, the values under which
    the normalized input is exactly what the pretrained weights expect (backbone.py)."""
    if model_config.get("backbone") == "resnet18":
        return backbone.CARD_MEAN, backbone.CARD_STD
    return MEAN, STD


def normalize(rgb_uint8, normalization=(MEAN, STD)):
    """HxWx3 or NxHxWx3 RGB uint8 → [3,H,W] or [N,3,H,W] float, (rgb / 255 - mean) / std."""
    mean, std = normalization
    x = torch.from_numpy(rgb_uint8).float().div_(255.0)
    x = (x - torch.tensor(mean)) / torch.tensor(std)
    return x.permute(0, 3, 1, 2).contiguous() if x.ndim == 4 else x.permute(2, 0, 1).contiguous()


def augment(rng, image, label, valid, crop):
    """Random rotation, resizing, crop and horizontal flip of an image, its label and its valid mask alike."""
    h, w = label.shape
    scale = rng.uniform(0.75, 1.25)
    angle = rng.uniform(-20, 20) if rng.random() < 0.5 else 0.0
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    image = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    label = cv2.warpAffine(label, m, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
    valid = cv2.warpAffine(valid, m, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
    y, x = rng.integers(0, h - crop + 1), rng.integers(0, w - crop + 1)
    window = (slice(y, y + crop), slice(x, x + crop))
    image, label, valid = image[window], label[window], valid[window]
    if rng.random() < 0.5:
        image, label, valid = image[:, ::-1], label[:, ::-1], valid[:, ::-1]
    return image, label, valid


def rescale(image, factor, crop):
    """`image` resized by `factor`, but never below `crop` on its shorter side."""
    factor = max(factor, crop / min(image.shape[:2]))
    if factor == 1.0:
        return image
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


# Sources of unlabelled photos: folders of ../shared/data (searched recursively), or the DPDD training inputs.
UNLABELLED = {"real-bokeh": "real-bokeh/photos", "focal-stack": "focal-stack-lytro", "sharp": "sharp",
              "dpdd-train": None}
DEFAULT_UNLABELLED = ("real-bokeh", "focal-stack", "dpdd-train")


def unlabelled_photos(dpdd_train, sources=DEFAULT_UNLABELLED, longest_side=640):
    """Real photos without labels, for distillation, from `sources` (keys of UNLABELLED) in that order: photos scaled
    to at most `longest_side` (the CUHK photos' size); "dpdd-train" adds the inputs of `dpdd_train` (real_dpdd's
    training pairs, never the held-out ones)."""
    unknown = sorted(set(sources) - set(UNLABELLED))
    if unknown:
        raise ValueError(f"unknown unlabelled source {unknown[0]!r}; known: {', '.join(UNLABELLED)}")
    root = shared_data()
    photos = []
    for source in sources:
        if UNLABELLED[source] is None:
            photos += [image for _, image, _, _ in dpdd_train]
            continue
        for path in sorted(p for p in (root / UNLABELLED[source]).rglob("*") if p.suffix.lower() in (".jpg", ".png")):
            image = cv2.imread(str(path))
            if image is None:
                continue
            scale = longest_side / max(image.shape[:2])
            if scale < 1:
                image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            photos.append(np.ascontiguousarray(image[..., ::-1]))
    return photos


class TrainingBatches:
    """Random augmented batches: `real_per_batch` DPDD training crops (scored where their derived label is valid),
    `unlabelled_per_batch` crops of unlabelled photos (label None: the teacher provides it), the rest renders."""

    def __init__(self, cache_dir, crop, seed, real_per_batch=0, unlabelled_per_batch=0, normalization=(MEAN, STD),
                 unlabelled_scale=(1.0, 1.0), unlabelled_sources=DEFAULT_UNLABELLED, unlabelled_whole=False,
                 unlabelled_labeller=None, real_scale=(1.0, 1.0), real_whole_per_batch=0):
        """`unlabelled_labeller` (RGB uint8 photo → uint8 map, 255 = blurred), if given, labels each unlabelled photo
        once, whole; its map is then resized and augmented with the photo. Without it their label is left to the
        caller (`teacher_rows` of a batch). `real_whole_per_batch` of the real rows show a whole DPDD photo squeezed to
        crop × crop, with its label and valid mask, as the card's input size shows a frame."""
        self.cache_dir, self.crop = cache_dir, crop
        self.real_whole_per_batch = real_whole_per_batch
        self.scales = {"real": tuple(real_scale), "unlabelled": tuple(unlabelled_scale)}
        self.real_per_batch, self.unlabelled_per_batch = real_per_batch, unlabelled_per_batch
        self.normalization = normalization
        self.rng = np.random.default_rng(seed)
        self.images = self.labels = None
        self.reload()
        dpdd_train = list(real_dpdd.pairs(subset="train")) if real_per_batch or unlabelled_per_batch else []
        self.real = [(image, mask, valid.astype(np.uint8)) for _, image, mask, valid in dpdd_train] if real_per_batch else []
        self.unlabelled = unlabelled_photos(dpdd_train, unlabelled_sources) if unlabelled_per_batch else []
        # photos shown whole at the crop size are resized once, here
        whole = lambda image: cv2.resize(image, (crop, crop), interpolation=cv2.INTER_AREA)
        self.real_whole = [tuple(whole(x) for x in pair) for pair in self.real] if real_whole_per_batch else []
        self.unlabelled_maps = [unlabelled_labeller(image) for image in self.unlabelled] if unlabelled_labeller else None
        if unlabelled_whole:
            self.unlabelled = [whole(image) for image in self.unlabelled]
            self.unlabelled_maps = self.unlabelled_maps and [whole(label) for label in self.unlabelled_maps]

    def reload(self):
        """Picks up caches rendered since the last call (build_caches.sh may still be running)."""
        files = sorted(glob.glob(os.path.join(self.cache_dir, "train-[0-9][0-9][0-9].npz")))  # not a .tmp being written
        if not files:
            raise SystemExit(f"no training caches in {self.cache_dir}: run training/build_caches.sh")
        if self.images is not None and len(files) == self.loaded:
            return
        data = [np.load(f) for f in files]
        self.images = np.concatenate([d["images"] for d in data])
        self.labels = np.concatenate([d["labels"] for d in data])
        self.loaded = len(files)
        print(f"training on {len(self.images)} rendered samples from {len(files)} caches", flush=True)

    def sample(self, kind):
        if kind == "real":
            image, label, valid = self.real[self.rng.integers(len(self.real))]
        elif kind == "real_whole":
            image, label, valid = self.real_whole[self.rng.integers(len(self.real_whole))]
        elif kind == "unlabelled":
            index = self.rng.integers(len(self.unlabelled))
            image = self.unlabelled[index]
            label = self.unlabelled_maps[index] if self.unlabelled_maps else np.ones(image.shape[:2], np.uint8)
            valid = np.ones(image.shape[:2], np.uint8)
        else:
            i = self.rng.integers(len(self.images))
            image, label = self.images[i], self.labels[i]
            valid = np.ones_like(label)
        if self.scales.get(kind, (1.0, 1.0)) != (1.0, 1.0):  # no draw otherwise: earlier runs' streams stay as they were
            factor = self.rng.uniform(*self.scales[kind])
            image, label, valid = (rescale(x, factor, self.crop) for x in (image, label, valid))
        return augment(self.rng, image, label, valid, self.crop)

    def batch(self, size):
        """(images [N,3,c,c], labels [N,1,c,c] in {0,1}, weights [N,1,c,c], teacher_rows): the first rows are the
        real ones (crops, then whole photos), then `teacher_rows` = the unlabelled ones, whose labels the caller
        replaces unless the photos were labelled when loaded."""
        kinds = ["real"] * (self.real_per_batch - self.real_whole_per_batch) + ["real_whole"] * self.real_whole_per_batch
        kinds += ["unlabelled"] * self.unlabelled_per_batch
        kinds += ["synthetic"] * (size - len(kinds))
        samples = [self.sample(kind) for kind in kinds]
        images = normalize(np.stack([s[0] for s in samples]), self.normalization)
        labels = torch.from_numpy(np.stack([s[1] for s in samples]).astype(np.float32) / 255.0)[:, None]
        weights = torch.from_numpy(np.stack([s[2] for s in samples]).astype(np.float32))[:, None]
        teacher_rows = slice(self.real_per_batch, self.real_per_batch + self.unlabelled_per_batch)
        return images, labels, weights, teacher_rows
