"""Deep-supervision training of DeFusionNet / R²MRF on the synthetic defocus caches; resumable.

  /usr/bin/python3 training/train.py configs/<run>.json [--minutes M]     train (resumes from runs/<run>/last.pt)
  /usr/bin/python3 training/train.py configs/<run>.json --export          export models/<name>.onnx + card

Loss: pixel-wise binary cross-entropy on every intermediate map and on the final one, all weights 1 (over the
pixels that carry a label: all of a synthetic render, the textured part of a DPDD crop).
Augmentation (as in R²MRF): random rotation, resizing and horizontal flip, on top of the synthesizer.
A config with `init_from` starts from another run's checkpoint (weights only, possibly of a smaller network of the
same architecture: `nets.grow_from`) and may mix `real_per_batch` crops of the DPDD training pairs into every
batch; the held-out DPDD pairs then pick the exported checkpoint.
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

import backbone
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
    config["run"] = pathlib.Path(path).stem
    config.setdefault("name", config["run"])
    return config


def input_normalization(config):
    """The card's (mean, std): ImageNet's for the scratch backbones; for the ResNet-18 trunk, the values under which
    the normalized input is exactly what the pretrained weights expect (backbone.py)."""
    if config["model"].get("backbone") == "resnet18":
        return backbone.CARD_MEAN, backbone.CARD_STD
    return MEAN, STD


def normalize(rgb_uint8, normalization=(MEAN, STD)):
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


class SyntheticBatches:
    """Random batches from the rendered caches with rotation, resizing and flips, plus `real_per_batch` crops of
    the DPDD training pairs (their derived labels, scored only where valid)."""

    def __init__(self, cache_dir, crop, seed, real_per_batch=0, normalization=(MEAN, STD)):
        self.cache_dir, self.crop, self.real_per_batch = cache_dir, crop, real_per_batch
        self.normalization = normalization
        self.rng = np.random.default_rng(seed)
        self.images = self.labels = None
        self.reload()
        self.real = [(image, mask, valid.astype(np.uint8)) for _, image, mask, valid in real_dpdd.pairs(subset="train")] \
            if real_per_batch else []

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

    def sample(self, real):
        if real:
            image, label, valid = self.real[self.rng.integers(len(self.real))]
        else:
            i = self.rng.integers(len(self.images))
            image, label = self.images[i], self.labels[i]
            valid = np.ones_like(label)
        return augment(self.rng, image, label, valid, self.crop)

    def batch(self, size):
        samples = [self.sample(real=i < self.real_per_batch) for i in range(size)]
        images = normalize(np.stack([s[0] for s in samples]), self.normalization)
        labels = torch.from_numpy(np.stack([s[1] for s in samples]).astype(np.float32) / 255.0)[:, None]
        weights = torch.from_numpy(np.stack([s[2] for s in samples]).astype(np.float32))[:, None]
        return images, labels, weights


def deep_supervision_loss(outputs, labels, weights):
    """Mean pixel-wise BCE over the labelled pixels, summed over every intermediate map and the final one."""
    return sum(F.binary_cross_entropy_with_logits(o, labels, weight=weights, reduction="sum") for o in outputs) \
        / weights.sum().clamp_min(1.0)


def native_size(h, w):
    """The image's own size with each side rounded to a multiple of 32 (the `Native` input-size policy)."""
    return max(32, round(h / 32) * 32), max(32, round(w / 32) * 32)


def predict(model, rgb_uint8, size=None, normalization=(MEAN, STD)):
    """Blur map (HxW float, 1 = blurred) for one RGB image, run at `size` (None: native) and resized back."""
    h, w = rgb_uint8.shape[:2]
    size = size or native_size(h, w)
    x = normalize(cv2.resize(rgb_uint8, (size[1], size[0]), interpolation=cv2.INTER_LINEAR), normalization)[None]
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
    """The real photos by check name, decoded (and labelled) once per process: real-smoke, all DPDD pairs and the
    held-out DPDD pairs."""
    dpdd = [(im, mask, valid) for _, im, mask, valid in real_dpdd.pairs()]
    held_out = [pair for index, pair in enumerate(dpdd) if real_dpdd.is_held_out(index)]
    return {"real_smoke": list(real_smoke_pairs()), "real_dpdd": dpdd, "real_dpdd_held_out": held_out}


def summary(figures):
    return {k: v for k, v in figures.items() if not isinstance(v, np.ndarray)}


def validate(model, config, val_count=100, checks=("real_smoke", "real_dpdd", "real_dpdd_held_out"), card_size=True):
    """Synthetic validation (fixed seeds, never trained on) and the real photos (real-smoke, DPDD-derived labels)
    by the DESIGN protocol, at each photo's own size (`<check>_native`) and, with `card_size`, at the card's."""
    model.eval()
    size = tuple(config["input_size"])
    normalization = input_normalization(config)
    results = {}
    val_path = os.path.join(config["cache_dir"], "val.npz")
    if os.path.exists(val_path):
        val = np.load(val_path)
        pairs = ((predict(model, im, size, normalization), lb)
                 for im, lb in zip(val["images"][:val_count], val["labels"][:val_count]))
        results["synthetic_val"] = summary(metrics.score_dataset(pairs))
    photos = real_photos()
    sizes = {"": size, "_native": None} if card_size else {"_native": None}
    for suffix, at in sizes.items():
        for check in checks:
            pairs = ((predict(model, pair[0], at, normalization), *pair[1:]) for pair in photos[check])
            results[check + suffix] = summary(metrics.score_dataset(pairs))
    model.train()
    return results


def save_atomic(state, path):
    tmp = str(path) + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


SELECTION = "real_dpdd_held_out"  # the check (at own size) that picks the exported checkpoint of a selecting run


def selects_checkpoint(config):
    """Runs that start from trained weights (another run's, or ImageNet's) export the checkpoint the held-out DPDD
    pairs pick; a run from scratch exports its last state."""
    return "init_from" in config or "pretrained" in config


def build_model(config):
    """The network of `config`, with its frozen trunk parameters (`frozen`: names under `trunk.`) marked."""
    model = nets.build(config["architecture"], **config["model"])
    for name, parameter in model.named_parameters():
        if any(name.startswith(f"trunk.{prefix}.") for prefix in config.get("frozen", ())):
            parameter.requires_grad_(False)
    return model


def optimizer_for(model, config):
    """Adam; the pretrained trunk learns at `trunk_lr_scale` × the head's rate (the group's `lr_scale`)."""
    trunk = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("trunk.")]
    head = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("trunk.")]
    groups = [{"params": head, "lr_scale": 1.0}]
    if trunk:
        groups.append({"params": trunk, "lr_scale": config.get("trunk_lr_scale", 1.0)})
    return torch.optim.Adam(groups, lr=config["lr"], weight_decay=config.get("weight_decay", 1e-4))


def train(config, minutes):
    torch.manual_seed(config["seed"])
    torch.set_num_threads(config.get("threads", 1))
    run = HERE / "runs" / config["run"]
    run.mkdir(parents=True, exist_ok=True)
    model = build_model(config)
    optimizer = optimizer_for(model, config)
    step, elapsed, best = 0, 0.0, math.inf
    checkpoint = run / "last.pt"
    data = SyntheticBatches(config["cache_dir"], config["crop"], config["seed"], config.get("real_per_batch", 0),
                            input_normalization(config))
    committed = HERE / "checkpoints" / f"{config['run']}.pt"  # the exported state, for later sittings
    if checkpoint.exists() or committed.exists():
        state = torch.load(checkpoint if checkpoint.exists() else committed)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, elapsed, best = state["step"], state["elapsed"], state.get("best", math.inf)
        data.rng.bit_generator.state = state["data_rng"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed {config['run']} at step {step} ({elapsed / 60:.1f} min)", flush=True)
    elif "init_from" in config:
        nets.grow_from(model, torch.load(HERE / config["init_from"])["model"])
        print(f"{config['run']} starts from {config['init_from']}", flush=True)
    elif config.get("pretrained") == "imagenet":
        model.trunk.load_imagenet()
        print(f"{config['run']} starts from the ImageNet-trained ResNet-18 ({backbone.package_file()})", flush=True)
    model.train()
    total = config["steps"]
    log_path = run / "log.csv"
    new_log = not log_path.exists()
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "minutes", "lr", "loss", "val_mae", "val_fbeta", "smoke_mae", "smoke_fbeta",
                         "dpdd_held_out_mae", "dpdd_held_out_fbeta"])
    started = time.time()
    last_checkpoint = started
    running = None

    def state_now():
        return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                "elapsed": elapsed + time.time() - started, "data_rng": data.rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(), "config": config, "best": best}

    def checkpoint_now():
        save_atomic(state_now(), checkpoint)

    def validation_row():
        """Validates (photos at their own size); keeps the best trained checkpoint by the held-out DPDD pairs (step 0,
        the starting point, is the reference: a grown network computes exactly its smaller one's function there)."""
        nonlocal best
        figures = validate(model, config, val_count=60, checks=("real_smoke", SELECTION), card_size=False)
        if selects_checkpoint(config) and step > 0 and figures[SELECTION + "_native"]["mae"] < best:
            best = figures[SELECTION + "_native"]["mae"]
            save_atomic(state_now(), run / "best.pt")
        return [step, round((elapsed + time.time() - started) / 60, 2), f"{lr:.2e}", f"{running or math.nan:.4f}"] + [
            f"{figures.get(check, {}).get(figure, math.nan):.4f}"
            for check in ("synthetic_val", "real_smoke_native", SELECTION + "_native") for figure in ("mae", "fbeta")]

    lr = config["lr"]
    if step == 0 and selects_checkpoint(config):
        row = validation_row()
        writer.writerow(row)
        print(",".join(map(str, row)), flush=True)

    while step < total and time.time() - started < minutes * 60:
        progress = max(step / total, (elapsed + time.time() - started) / 60 / config["train_minutes"])
        if progress >= 1:
            break
        lr = config["lr"] * (1 - progress) ** 0.9
        for group in optimizer.param_groups:
            group["lr"] = lr * group.get("lr_scale", 1.0)
        images, labels, weights = data.batch(config["batch"])
        loss = deep_supervision_loss(model(images), labels, weights)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        row = None
        if step % config.get("log_every", 25) == 0:
            row = [step, round((elapsed + time.time() - started) / 60, 2), f"{lr:.2e}", f"{running:.4f}"] + [""] * 6
        if step % config.get("validate_every", 500) == 0 or step == total:
            row = validation_row()
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


def training_stages(config, state):
    """Every stage that led to `state`, first to last (a run with `init_from` continues its checkpoint's stages)."""
    stage = {"run": config.get("run", "synthetic"), "model": config["model"], "steps": state["step"],
             "wall_clock_minutes": round(state["elapsed"] / 60, 1)}
    if "init_from" not in config:
        if "pretrained" in config:
            stage |= {"pretrained": f"{config['pretrained']}: {backbone.PACKAGE} {backbone.VERSION} (NuGet)",
                      "frozen": config.get("frozen", []), "trunk_lr_scale": config.get("trunk_lr_scale", 1.0),
                      "real_per_batch": config.get("real_per_batch", 0),
                      "selected_by": f"{SELECTION}_native MAE (best of the validations every "
                                     f"{config.get('validate_every', 500)} steps after step 0)"}
        return [stage]
    before = torch.load(HERE / config["init_from"])
    earlier = training_stages(before["config"], before)
    earlier[-1]["checkpoint"] = config["init_from"]
    if before["config"]["model"] != config["model"]:
        stage["grown_from"] = config["init_from"]
    stage |= {"real_per_batch": config.get("real_per_batch", 0),
              "selected_by": f"{SELECTION}_native MAE (best of the validations every {config.get('validate_every', 500)} steps after step 0)"}
    return earlier + [stage]


def training_record(config, state):
    """What the card says about training: data, steps and wall-clock time of every stage."""
    record = {
        "data": "synthetic defocus renders (training/synth.py), seeds 0..; augmentation rotation/resize/flip",
        "samples_rendered": len(glob.glob(os.path.join(config["cache_dir"], "train-*.npz"))) * 1000,
        "steps": state["step"], "batch": config["batch"], "crop": config["crop"],
        "wall_clock_minutes": round(state["elapsed"] / 60, 1),
    }
    if not selects_checkpoint(config):
        return record
    stages = training_stages(config, state)
    real_per_batch = max(stage.get("real_per_batch", 0) for stage in stages)
    if real_per_batch:
        record["data"] += (f"; plus {real_per_batch} crops per batch of the DPDD training pairs "
                           "(labels derived by training/real_dpdd.py, loss over their textured pixels only)")
    return {"stages": stages} | record | {
        "steps": sum(stage["steps"] for stage in stages),
        "wall_clock_minutes": round(sum(stage["wall_clock_minutes"] for stage in stages), 1),
    }


def export(config):
    run = HERE / "runs" / config["run"]
    selected = run / ("best.pt" if selects_checkpoint(config) else "last.pt")
    state = torch.load(selected)
    model = build_model(config)
    model.load_state_dict(state["model"])
    model.eval()
    models = REPO / "models"
    models.mkdir(exist_ok=True)
    onnx_path = models / f"{config['name']}.onnx"
    export_onnx(model, onnx_path, tuple(config["input_size"]))
    figures = validate(model, config, val_count=300)
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
        "mean": list(input_normalization(config)[0]),
        "std": list(input_normalization(config)[1]),
        "output": "blur: 1 = blurred",
        "params": sum(p.numel() for p in model.parameters()),
        "gflops": round(nets.count_macs(model, (320, 320)) / 1e9, 3),
        "gflops_note": "multiply-accumulates at 320x320 (the convention under which VGG16 is 15.5 GFLOPs at 224x224)",
        "onnx_opset": OPSET,
        "training": training_record(config, state) | {"torch_seconds_per_320_image": round(float(np.median(timings)), 4)},
        "validation": figures,
    }
    (models / f"{config['name']}.json").write_text(json.dumps(card, indent=2) + "\n")
    write_parity_fixture(model, config["name"])
    (HERE / "checkpoints").mkdir(exist_ok=True)
    shutil.copyfile(selected, HERE / "checkpoints" / f"{config['run']}.pt")
    logs = models / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{config['run']}.csv").write_text((run / "log.csv").read_text())
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
