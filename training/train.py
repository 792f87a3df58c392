"""Deep-supervision training of DeFusionNet / R²MRF on the synthetic defocus caches; resumable.

  /usr/bin/python3 training/train.py configs/<name>.json [--minutes M]     train (resumes from runs/<name>/last.pt)
  /usr/bin/python3 training/train.py configs/<name>.json --export          export models/<name>.onnx + card

Loss: pixel-wise binary cross-entropy on every intermediate map and on the final one, all weights 1.
Augmentation (as in R²MRF): random rotation, resizing and horizontal flip, on top of the synthesizer.
The poly learning-rate schedule runs on progress = max(step / steps, minutes / train_minutes), so a run
fits its wall-clock budget. A checkpoint is written every `checkpoint_minutes` and when a sitting ends; the
loss curve and validation figures go to runs/<name>/log.csv.
"""
from __future__ import annotations

import argparse
import csv
import functools
import glob
import json
import math
import os
import pathlib
import shutil
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

import metrics
import nets
import real_dpdd
from export import OPSET, export_onnx

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def load_config(path):
    config = json.loads(pathlib.Path(path).read_text())
    config.setdefault("name", pathlib.Path(path).stem)
    return config


def normalize(rgb_uint8):
    x = torch.from_numpy(rgb_uint8).float().div_(255.0)
    x = (x - torch.tensor(MEAN)) / torch.tensor(STD)
    return x.permute(0, 3, 1, 2).contiguous() if x.ndim == 4 else x.permute(2, 0, 1).contiguous()


class SyntheticBatches:
    """Random batches from the rendered caches with rotation, resizing and flips."""

    def __init__(self, cache_dir, crop, seed):
        self.cache_dir, self.crop = cache_dir, crop
        self.rng = np.random.default_rng(seed)
        self.images = self.labels = None
        self.reload()

    def reload(self):
        files = sorted(glob.glob(os.path.join(self.cache_dir, "train-*.npz")))
        if not files:
            raise SystemExit(f"no training caches in {self.cache_dir}: run training/build_caches.sh")
        if self.images is not None and len(files) == self.loaded:
            return
        data = [np.load(f) for f in files]
        self.images = np.concatenate([d["images"] for d in data])
        self.labels = np.concatenate([d["labels"] for d in data])
        self.loaded = len(files)
        print(f"training on {len(self.images)} rendered samples from {len(files)} caches", flush=True)

    def sample(self):
        i = self.rng.integers(len(self.images))
        image, label = self.images[i], self.labels[i]
        h, w = label.shape
        scale = self.rng.uniform(0.75, 1.25)
        angle = self.rng.uniform(-20, 20) if self.rng.random() < 0.5 else 0.0
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
        image = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        label = cv2.warpAffine(label, m, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
        y, x = self.rng.integers(0, h - self.crop + 1), self.rng.integers(0, w - self.crop + 1)
        image, label = image[y:y + self.crop, x:x + self.crop], label[y:y + self.crop, x:x + self.crop]
        if self.rng.random() < 0.5:
            image, label = image[:, ::-1], label[:, ::-1]
        return image, label

    def batch(self, size):
        pairs = [self.sample() for _ in range(size)]
        images = normalize(np.stack([p[0] for p in pairs]))
        labels = torch.from_numpy(np.stack([p[1] for p in pairs]).astype(np.float32) / 255.0)[:, None]
        return images, labels


def deep_supervision_loss(outputs, labels):
    return sum(F.binary_cross_entropy_with_logits(o, labels) for o in outputs)


def native_size(h, w):
    """The image's own size with each side rounded to a multiple of 32 (the `Native` input-size policy)."""
    return max(32, round(h / 32) * 32), max(32, round(w / 32) * 32)


def predict(model, rgb_uint8, size=None):
    """Blur map (HxW float, 1 = blurred) for one RGB image, run at `size` (None: native) and resized back."""
    h, w = rgb_uint8.shape[:2]
    size = size or native_size(h, w)
    x = normalize(cv2.resize(rgb_uint8, (size[1], size[0]), interpolation=cv2.INTER_LINEAR))[None]
    with torch.no_grad():
        out = model(x)[0, 0].numpy()
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)


def real_smoke_pairs():
    root = pathlib.Path(os.environ.get("BLURVIDEO_SHARED_DATA", REPO.parent / "shared" / "data")) / "real-smoke"
    for image_path in sorted((root / "images").glob("*.png")):
        image = cv2.imread(str(image_path))[..., ::-1]
        mask = cv2.imread(str(root / "masks" / image_path.name), cv2.IMREAD_GRAYSCALE)
        yield np.ascontiguousarray(image), mask


@functools.lru_cache(maxsize=1)
def real_photos():
    """The real-smoke pairs and the DPDD-derived pairs, decoded (and labelled) once per process."""
    return list(real_smoke_pairs()), list(real_dpdd.pairs())


def summary(figures):
    return {k: v for k, v in figures.items() if not isinstance(v, np.ndarray)}


def validate(model, config, val_count=100, native=False):
    """Synthetic validation (fixed seeds, never trained on) and the real photos (real-smoke, DPDD-derived labels)
    by the DESIGN protocol, at the card's input size and, with `native`, at each photo's own size."""
    model.eval()
    size = tuple(config["input_size"])
    results = {}
    val_path = os.path.join(config["cache_dir"], "val.npz")
    if os.path.exists(val_path):
        val = np.load(val_path)
        pairs = ((predict(model, im, size), lb) for im, lb in zip(val["images"][:val_count], val["labels"][:val_count]))
        results["synthetic_val"] = summary(metrics.score_dataset(pairs))
    smoke, dpdd = real_photos()
    sizes = {"": size, "_native": None} if native else {"": size}
    for suffix, at in sizes.items():
        pairs = ((predict(model, im, at), mask) for im, mask in smoke)
        results["real_smoke" + suffix] = summary(metrics.score_dataset(pairs))
        pairs = ((predict(model, im, at), mask, valid) for _, im, mask, valid in dpdd)
        results["real_dpdd" + suffix] = summary(metrics.score_dataset(pairs))
    model.train()
    return results


def save_atomic(state, path):
    tmp = str(path) + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(config, minutes):
    torch.manual_seed(config["seed"])
    torch.set_num_threads(config.get("threads", 1))
    run = HERE / "runs" / config["name"]
    run.mkdir(parents=True, exist_ok=True)
    model = nets.build(config["architecture"], **config["model"])
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"], weight_decay=config.get("weight_decay", 1e-4))
    step, elapsed = 0, 0.0
    checkpoint = run / "last.pt"
    data = SyntheticBatches(config["cache_dir"], config["crop"], config["seed"])
    committed = HERE / "checkpoints" / f"{config['name']}.pt"  # the shipped model's final state, for later sittings
    if checkpoint.exists() or committed.exists():
        state = torch.load(checkpoint if checkpoint.exists() else committed)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, elapsed = state["step"], state["elapsed"]
        data.rng.bit_generator.state = state["data_rng"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed {config['name']} at step {step} ({elapsed / 60:.1f} min)", flush=True)
    model.train()
    total = config["steps"]
    log_path = run / "log.csv"
    new_log = not log_path.exists()
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "minutes", "lr", "loss", "val_mae", "val_fbeta", "smoke_mae", "smoke_fbeta"])
    started = time.time()
    last_checkpoint = started
    running = None

    def checkpoint_now():
        save_atomic({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                     "elapsed": elapsed + time.time() - started, "data_rng": data.rng.bit_generator.state,
                     "torch_rng": torch.get_rng_state(), "config": config}, checkpoint)

    while step < total and time.time() - started < minutes * 60:
        progress = max(step / total, (elapsed + time.time() - started) / 60 / config["train_minutes"])
        if progress >= 1:
            break
        lr = config["lr"] * (1 - progress) ** 0.9
        for group in optimizer.param_groups:
            group["lr"] = lr
        images, labels = data.batch(config["batch"])
        loss = deep_supervision_loss(model(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        row = None
        if step % config.get("log_every", 25) == 0:
            row = [step, round((elapsed + time.time() - started) / 60, 2), f"{lr:.2e}", f"{running:.4f}", "", "", "", ""]
        if step % config.get("validate_every", 500) == 0 or step == total:
            figures = validate(model, config, val_count=60)
            row = [step, round((elapsed + time.time() - started) / 60, 2), f"{lr:.2e}", f"{running:.4f}",
                   f"{figures.get('synthetic_val', {}).get('mae', float('nan')):.4f}",
                   f"{figures.get('synthetic_val', {}).get('fbeta', float('nan')):.4f}",
                   f"{figures['real_smoke']['mae']:.4f}", f"{figures['real_smoke']['fbeta']:.4f}"]
            data.reload()
        if row:
            writer.writerow(row)
            log.flush()
            print(",".join(map(str, row)), flush=True)
        if time.time() - last_checkpoint > config.get("checkpoint_minutes", 3) * 60:
            checkpoint_now()
            last_checkpoint = time.time()
    checkpoint_now()
    log.close()


def write_parity_fixture(model, name, size=(64, 64)):
    """A saved input and PyTorch's output for it, for the C# ONNX Runtime parity test (raw float32 LE)."""
    fixtures = REPO / "tests" / "BlurVideo.Tests" / "Fixtures" / "parity"
    fixtures.mkdir(parents=True, exist_ok=True)
    x = torch.randn(1, 3, *size, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        y = model(x)
    x.numpy().astype("<f4").tofile(fixtures / f"{name}.input.bin")
    y.numpy().astype("<f4").tofile(fixtures / f"{name}.output.bin")


def export(config):
    run = HERE / "runs" / config["name"]
    state = torch.load(run / "last.pt")
    model = nets.build(config["architecture"], **config["model"])
    model.load_state_dict(state["model"])
    model.eval()
    models = REPO / "models"
    models.mkdir(exist_ok=True)
    onnx_path = models / f"{config['name']}.onnx"
    export_onnx(model, onnx_path, tuple(config["input_size"]))
    figures = validate(model, config, val_count=300, native=True)
    model.eval()
    size = tuple(config["input_size"])
    timings = []
    with torch.no_grad():
        x = torch.zeros(1, 3, 320, 320)
        model(x)
        for _ in range(5):
            t = time.perf_counter()
            model(x)
            timings.append(time.perf_counter() - t)
    card = {
        "name": config["name"],
        "architecture": config["architecture"],
        "config": config["model"],
        "input_size": list(size),
        "mean": MEAN,
        "std": STD,
        "output": "blur: 1 = blurred",
        "params": sum(p.numel() for p in model.parameters()),
        "gflops": round(nets.count_macs(model, (320, 320)) / 1e9, 3),
        "gflops_note": "multiply-accumulates at 320x320 (the convention under which VGG16 is 15.5 GFLOPs at 224x224)",
        "onnx_opset": OPSET,
        "training": {
            "data": "synthetic defocus renders (training/synth.py), seeds 0..; augmentation rotation/resize/flip",
            "samples_rendered": len(glob.glob(os.path.join(config["cache_dir"], "train-*.npz"))) * 1000,
            "steps": state["step"], "batch": config["batch"], "crop": config["crop"],
            "wall_clock_minutes": round(state["elapsed"] / 60, 1),
            "torch_seconds_per_320_image": round(float(np.median(timings)), 4),
        },
        "validation": figures,
    }
    (models / f"{config['name']}.json").write_text(json.dumps(card, indent=2) + "\n")
    write_parity_fixture(model, config["name"])
    (HERE / "checkpoints").mkdir(exist_ok=True)
    shutil.copyfile(run / "last.pt", HERE / "checkpoints" / f"{config['name']}.pt")
    logs = models / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{config['name']}.csv").write_text((run / "log.csv").read_text())
    print(json.dumps(card["validation"], indent=2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("--minutes", type=float, default=1e9, help="time budget of this sitting")
    parser.add_argument("--export", action="store_true")
    args = parser.parse_args()
    config = load_config(args.config)
    config["cache_dir"] = str((HERE / config.get("cache_dir", "cache")).resolve())
    if args.export:
        export(config)
    else:
        train(config, args.minutes)


if __name__ == "__main__":
    main()
