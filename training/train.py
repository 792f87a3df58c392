"""Deep-supervision training of DeFusionNet / R²MRF; resumable and wall-clock budgeted.

  /usr/bin/python3 training/train.py configs/<run>.json [--minutes M]   train (resumes from runs/<run>/last.pt)
  /usr/bin/python3 training/train.py configs/<run>.json --export        models/<name>.onnx + card (export.py)
  /usr/bin/python3 training/fixtures.py configs/<run>.json               the .NET parity fixture of that model

Loss: pixel-wise binary cross-entropy on every intermediate map and on the final one, all weights 1, over the pixels
that carry a label (all of a render, the textured part of a DPDD crop), with `loss: "bce+iou"` plus each map's soft
IoU loss; an unlabelled photo's target is the teacher's map (distillation). The keys of a config and their defaults
are in config.py.
"""
from __future__ import annotations

import argparse
import copy
import csv
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import backbone
import nets
from config import HERE, RunConfig
from data import TrainingBatches, input_normalization
from validation import SELECTION, predict, validate

LOG_COLUMNS = ["step", "minutes", "lr", "loss", "val_mae", "val_fbeta", "smoke_mae", "smoke_fbeta",
               "dpdd_held_out_mae", "dpdd_held_out_fbeta",  # the real photos at their own size, then at the card's
               "smoke_card_mae", "smoke_card_fbeta", "dpdd_held_out_card_mae", "dpdd_held_out_card_fbeta"]


def deep_supervision_loss(outputs, labels, weights, iou=False):
    """Mean pixel-wise BCE over the labelled pixels, summed over every intermediate map and the final one; with `iou`,
    plus each map's soft IoU loss per image (1 − Σpy / Σ(p + y − py) over its labelled pixels, smoothed by 1)."""
    total = sum(F.binary_cross_entropy_with_logits(o, labels, weight=weights, reduction="sum") for o in outputs) \
        / weights.sum().clamp_min(1.0)
    if iou:
        for o in outputs:
            p = torch.sigmoid(o)
            overlap = (p * labels * weights).sum(dim=(1, 2, 3))
            union = ((p + labels - p * labels) * weights).sum(dim=(1, 2, 3))
            total = total + (1 - (overlap + 1) / (union + 1)).mean()
    return total


def build_model(config):
    """The network of `config`, with its frozen trunk parameters (`frozen`: names under `trunk.`) marked."""
    model = nets.build(config.architecture, **config.model)
    for name, parameter in model.named_parameters():
        if any(name.startswith(f"trunk.{prefix}.") for prefix in config.frozen):
            parameter.requires_grad_(False)
    return model


def optimizer_for(model, config):
    """Adam; the pretrained trunk learns at `trunk_lr_scale` × the head's rate (the group's `lr_scale`)."""
    trunk = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("trunk.")]
    head = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("trunk.")]
    groups = [{"params": head, "lr_scale": 1.0}]
    if trunk:
        groups.append({"params": trunk, "lr_scale": config.trunk_lr_scale})
    return torch.optim.Adam(groups, lr=config.lr, weight_decay=config.weight_decay)


def load_run(checkpoint_path):
    """(model in eval mode, its config) from a checkpoint, which carries its run's config."""
    state = torch.load(checkpoint_path)
    config = RunConfig.from_dict(state["config"])
    model = build_model(config)
    model.load_state_dict(state["model"])
    return model.eval(), config


def mixed_state(start, tuned, weight):
    """(1 − weight) · start + weight · tuned, tensor by tensor (integer counters from `start`)."""
    return {k: torch.lerp(v.float(), tuned[k].float(), weight).to(v.dtype) if v.is_floating_point() else v
            for k, v in start.items()}


def starting_state(config):
    """The weights `init_from` names, mixed with `mix_with` when the run has one."""
    start = torch.load(HERE / config.init_from)["model"]
    return mixed_state(start, torch.load(HERE / config.mix_with)["model"], config.mix_weight) if config.mix_with \
        else start


def leave_out(state, prefixes):
    """`state` without the tensors under `prefixes` (each must name some)."""
    for prefix in prefixes:
        if not any(name.startswith(prefix) for name in state):
            raise ValueError(f"init_leave_out: no tensor of the checkpoint starts with {prefix!r}")
    return {name: tensor for name, tensor in state.items() if not name.startswith(tuple(prefixes))}


class Teacher:
    """Trained models whose mean map is the target of unlabelled photos (one model, or an ensemble); each
    re-normalizes the student's input to its own card's normalization."""

    def __init__(self, checkpoint_paths, student_normalization):
        mean_s, std_s = (torch.tensor(v).view(1, 3, 1, 1) for v in student_normalization)
        self.members = []
        for path in checkpoint_paths:
            model, config = load_run(path)
            normalization = input_normalization(config.model)
            mean_t, std_t = (torch.tensor(v).view(1, 3, 1, 1) for v in normalization)
            self.members.append((model, normalization, std_s / std_t, (mean_s - mean_t) / std_t))

    def photo_map(self, rgb_uint8):
        """The teacher's map of a whole photo at its own size, as uint8 (255 = blurred)."""
        mean = sum(predict(model, rgb_uint8, normalization=normalization)
                   for model, normalization, _, _ in self.members) / len(self.members)
        return np.round(mean * 255).astype(np.uint8)

    def maps(self, images):
        with torch.no_grad():
            return sum(model(images * scale + shift) for model, _, scale, shift in self.members) / len(self.members)


def save_atomic(state, path):
    tmp = str(path) + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


class Training:
    """One sitting of a run: resumes or starts the run, steps until the step or time budget, validates and
    checkpoints on the way."""

    def __init__(self, config):
        self.config = config
        torch.manual_seed(config.seed)
        torch.set_num_threads(config.threads)
        config.run_dir.mkdir(parents=True, exist_ok=True)
        self.model = build_model(config)
        self.optimizer = optimizer_for(self.model, config)
        self.normalization = input_normalization(config.model)
        self.teacher = Teacher([HERE / path for path in config.teachers], self.normalization) if config.teacher else None
        labeller = self.teacher.photo_map if self.teacher and config.teacher_maps == "photo" else None
        self.data = TrainingBatches(str(config.cache_path), config.crop, config.seed, config.real_per_batch,
                                    config.unlabelled_per_batch, self.normalization, config.unlabelled_scale,
                                    config.unlabelled_sources, config.unlabelled_whole, labeller,
                                    config.real_scale, config.real_whole_per_batch)
        self.step, self.elapsed, self.best = 0, 0.0, math.inf
        self.started = time.time()
        self.running = None
        self.average = None  # with `weight_average`: the moving average of the weights, the state that is validated
        self._resume_or_start()
        self.lr = self.scheduled_lr()

    # ------------------------------------------------------------------------------------------------ state
    def minutes(self):
        return (self.elapsed + time.time() - self.started) / 60

    @property
    def evaluated(self):
        """The weights that validate and export: the moving average when the run keeps one."""
        return self.average if self.average is not None else self.model

    def state(self):
        """"model" is the evaluated state (what export, fixtures, teachers and later stages load); an averaging run
        also keeps its trained weights as "trained"."""
        state = {"model": self.evaluated.state_dict(), "optimizer": self.optimizer.state_dict(), "step": self.step,
                 "elapsed": self.minutes() * 60, "data_rng": self.data.rng.bit_generator.state,
                 "torch_rng": torch.get_rng_state(), "config": self.config.to_dict(), "best": self.best}
        if self.average is not None:
            state["trained"] = self.model.state_dict()
        return state

    def _resume_or_start(self):
        config, last = self.config, self.config.run_dir / "last.pt"
        committed = HERE / "checkpoints" / f"{config.run}.pt"  # the exported state, for later sittings
        state = None
        if last.exists() or committed.exists():
            state = torch.load(last if last.exists() else committed)
            self.model.load_state_dict(state.get("trained", state["model"]))
            self.step, self.elapsed, self.best = state["step"], state["elapsed"], state.get("best", math.inf)
            if "optimizer" in state:
                self.optimizer.load_state_dict(state["optimizer"])
                self.data.rng.bit_generator.state = state["data_rng"]
                torch.set_rng_state(state["torch_rng"])
            else:  # a compact committed checkpoint (export.compact_state): the optimizer and the draws start anew
                self.data.rng = np.random.default_rng([config.seed, self.step])
            print(f"resumed {config.run} at step {self.step} ({self.elapsed / 60:.1f} min)", flush=True)
        elif config.init_from:
            nets.grow_from(self.model, leave_out(starting_state(config), config.init_leave_out))
            print(f"{config.run} starts from {config.init_from}", flush=True)
        elif config.trunk_from:
            trained = torch.load(HERE / config.trunk_from)["model"]
            self.model.trunk.load_state_dict({k[len("trunk."):]: v for k, v in trained.items() if k.startswith("trunk.")})
            print(f"{config.run} starts its trunk from {config.trunk_from}", flush=True)
        elif config.pretrained == "imagenet":
            self.model.trunk.load_imagenet()
            print(f"{config.run} starts from the ImageNet-trained ResNet-18 ({backbone.package_file()})", flush=True)
        if config.weight_average:  # starts at the starting weights (or resumes the saved average)
            self.average = copy.deepcopy(self.model).eval()
            if state is not None and "trained" in state:
                self.average.load_state_dict(state["model"])
            for parameter in self.average.parameters():
                parameter.requires_grad_(False)

    # ---------------------------------------------------------------------------------------------- training
    def train_step(self):
        config = self.config
        self.lr = self.scheduled_lr()
        for group in self.optimizer.param_groups:
            group["lr"] = self.lr * group.get("lr_scale", 1.0)
        images, labels, weights, teacher_rows = self.data.batch(config.batch)
        if self.teacher is not None and config.unlabelled_per_batch and config.teacher_maps == "crop":
            labels[teacher_rows] = self.teacher.maps(images[teacher_rows])
        loss = deep_supervision_loss(self.model(images), labels, weights, iou=config.loss == "bce+iou")
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        if self.average is not None:
            self.update_average()
        self.step += 1
        self.running = loss.item() if self.running is None else 0.98 * self.running + 0.02 * loss.item()

    def update_average(self):
        """average ← d · average + (1 − d) · weights, d = `weight_average`: at batch 8 consecutive states differ by
        more than the four held-out photos can tell apart, and the average smooths that walk."""
        decay = self.config.weight_average
        with torch.no_grad():
            for averaged, trained in zip(self.average.parameters(), self.model.parameters()):
                averaged.mul_(decay).add_(trained, alpha=1 - decay)
            for averaged, trained in zip(self.average.buffers(), self.model.buffers()):
                averaged.copy_(trained)  # frozen statistics: the same in both

    def training_mode(self):
        """The model in training mode; with `freeze_batchnorm` every BatchNorm layer normalizes with its stored
        statistics, as at inference (the trunk's always do)."""
        self.model.train()
        if self.config.freeze_batchnorm:
            for module in self.model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.eval()

    def recalibrate_batchnorm(self, norms=None):
        """Re-estimates the statistics of `norms` (default: the BatchNorm layers that train, the head's) as the plain
        average over `batchnorm_batches` fresh training batches: at batch 8 the momentum average follows the last few
        batches, and an exported or validated state must not depend on them."""
        if norms is None:
            norms = [m for m in self.model.modules() if isinstance(m, torch.nn.BatchNorm2d) and m.training]
        if not norms or not self.config.batchnorm_batches:
            return
        print(f"re-estimating {len(norms)} BatchNorm layers' statistics over {self.config.batchnorm_batches} batches",
              flush=True)
        for norm in norms:
            norm.reset_running_stats()
            norm.momentum = None  # cumulative average
        with torch.no_grad():
            for _ in range(self.config.batchnorm_batches):
                self.model(self.data.batch(self.config.batch)[0])
        for norm in norms:
            norm.momentum = 0.1

    def validation_row(self):
        """Validates (photos at their own size and at the card's); keeps the best trained checkpoint by the held-out
        DPDD pairs at their own size (step 0, the starting point, is the reference, never selected)."""
        self.training_mode()
        self.recalibrate_batchnorm()
        figures = validate(self.evaluated, self.config.input_size, self.normalization, str(self.config.cache_path),
                           val_count=60, checks=("real_smoke", SELECTION))
        self.training_mode()
        selected = figures[SELECTION + "_native"]["mae"]
        if self.config.keep_validated:
            save_atomic({"model": self.evaluated.state_dict(), "step": self.step, "elapsed": self.minutes() * 60,
                         "config": self.config.to_dict()},
                        self.config.run_dir / f"step-{self.step:06d}.pt")
        if self.config.selects_checkpoint and self.step > 0 and selected < self.best:
            self.best = selected
            save_atomic(self.state(), self.config.run_dir / "best.pt")
        return self.progress_row()[:4] + [
            f"{figures.get(check, {}).get(figure, math.nan):.4f}"
            for check in ("synthetic_val", "real_smoke_native", SELECTION + "_native", "real_smoke", SELECTION)
            for figure in ("mae", "fbeta")]

    def progress_row(self):
        return [self.step, round(self.minutes(), 2), f"{self.lr:.2e}", f"{self.running or math.nan:.4f}"] + \
            [""] * (len(LOG_COLUMNS) - 4)

    def run(self, minutes):
        config = self.config
        log_path = config.run_dir / "log.csv"
        new_log = not log_path.exists()
        with open(log_path, "a", newline="") as log:
            writer = csv.writer(log)

            def write(row):
                writer.writerow(row)
                log.flush()
                print(",".join(map(str, row)), flush=True)

            if new_log:
                writer.writerow(LOG_COLUMNS)
            if self.step == 0 and config.trunk_batchnorm == "estimated" and not config.init_from:
                # A shortened trunk feeds each stage another block's output than ImageNet's statistics describe.
                norms = [m for m in self.model.trunk.modules() if isinstance(m, torch.nn.BatchNorm2d)]
                self.model.train()
                for norm in norms:
                    norm.train()
                self.recalibrate_batchnorm(norms)
                self.training_mode()
            if self.step == 0 and config.freeze_batchnorm and not config.init_from:
                self.model.train()  # the head's statistics are estimated once, then frozen
                self.recalibrate_batchnorm()
            if self.step == 0 and self.average is not None:
                self.average.load_state_dict(self.model.state_dict())  # with the statistics just estimated
            if self.step == 0 and config.selects_checkpoint:
                write(self.validation_row())
            self.training_mode()
            last_checkpoint = time.time()
            sitting_ends = self.started + minutes * 60
            while not self.finished() and time.time() < sitting_ends:
                self.train_step()
                if self.step % config.validate_every == 0 or self.step == config.steps:
                    write(self.validation_row())
                    self.data.reload()
                elif self.step % config.log_every == 0:
                    write(self.progress_row())
                if time.time() - last_checkpoint > config.checkpoint_minutes * 60:
                    save_atomic(self.state(), config.run_dir / "last.pt")
                    last_checkpoint = time.time()
            if self.finished() and self.step % config.validate_every:
                write(self.validation_row())  # the final, most annealed state is a candidate too
            save_atomic(self.state(), config.run_dir / "last.pt")

    def scheduled_lr(self):
        progress = max(self.step / self.config.steps if self.config.steps else 1.0,
                       self.minutes() / self.config.train_minutes)
        return self.config.lr * max(0.0, 1 - progress) ** 0.9

    def finished(self):
        return self.step >= self.config.steps or self.minutes() >= self.config.train_minutes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("--minutes", type=float, default=1e9, help="time budget of this sitting")
    parser.add_argument("--export", action="store_true", help="export the run's selected state (export.py)")
    args = parser.parse_args()
    config = RunConfig.load(args.config)
    if args.export:
        import export
        export.export_run(config)
    else:
        Training(config).run(args.minutes)


if __name__ == "__main__":
    main()
