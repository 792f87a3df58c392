"""A training run's configuration: every key, its default and its meaning in one place.

A run is a JSON file in `configs/`; its file name is the run's name (`runs/<run>/`), `name` the exported model's.
"""
from __future__ import annotations

import dataclasses
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


@dataclasses.dataclass
class RunConfig:
    architecture: str                    # "DeFusionNet" or "R2MRF" (nets.ARCHITECTURES)
    model: dict                          # keyword arguments of the architecture (width, backbone, steps, ...)
    run: str = ""                        # set from the file name
    name: str = ""                       # the exported model's name; defaults to `run`
    input_size: tuple = (320, 320)       # the card's input size (H, W)
    crop: int = 192                      # training crop (pixels)
    batch: int = 8
    real_per_batch: int = 0              # DPDD training crops per batch (derived labels, textured pixels only)
    real_scale: tuple = (1.0, 1.0)       # DPDD photos are resized by a random factor in this range before augmentation
    #                                      (0.5: the card's 320² shows a 640-px photo at half its width)
    unlabelled_per_batch: int = 0        # real photos without labels per batch; needs `teacher`
    unlabelled_scale: tuple = (1.0, 1.0) # unlabelled photos are resized by a random factor in this range before
    #                                      augmentation, so the student also learns the teacher's maps at the card's
    #                                      size (a 640-px photo shown at 320 px halves every blur radius)
    unlabelled_sources: tuple = ("real-bokeh", "focal-stack", "dpdd-train")  # where they come from: keys of
    #                                      data.UNLABELLED (this default is data.DEFAULT_UNLABELLED)
    real_whole_per_batch: int = 0        # of the real rows, those showing a whole DPDD photo squeezed to crop × crop
    #                                      (as the card's size shows a frame), with its label and valid mask
    unlabelled_whole: bool = False       # unlabelled photos are shown whole, resized to crop × crop as the card's input
    #                                      size shows a frame (teacher and student see the same context), not cropped
    teacher: str | list | None = None    # a run's checkpoint (relative to training/) whose maps are the targets
    #                                      of unlabelled photos (distillation); its config is in the checkpoint. A
    #                                      list of checkpoints: the mean of their maps (an ensemble teacher)
    teacher_maps: str = "crop"           # "crop": the teacher maps the crop the student sees; "photo": it maps each
    #                                      whole photo once, at its own size, and that map is resized and augmented
    #                                      with the photo (a photo shown smaller keeps its own-size answer)
    loss: str = "bce"                    # "bce", or "bce+iou": each map's soft IoU loss added (harder maps where BCE
    #                                      leaves them unsure; salient-object detection's hybrid loss)
    lr: float = 5e-4                     # Adam, poly schedule (power 0.9) over max(step/steps, minutes/train_minutes)
    weight_decay: float = 1e-4
    steps: int = 20000                   # 0: no training; the run exports its start (a cut: init_leave_out)
    train_minutes: float = 120.0         # wall-clock budget of the whole run, over any number of sittings
    seed: int = 0
    threads: int = 1                     # torch intra-op threads
    validate_every: int = 500            # steps between validations (which also pick the exported checkpoint)
    log_every: int = 25
    checkpoint_minutes: float = 3.0
    keep_validated: bool = False         # every validated state's weights also kept as runs/<run>/step-NNNNNN.pt (the
    #                                      states interpolate.py mixes with the run's start)
    cache_dir: str = "cache"             # synthetic renders (build_caches.sh), relative to training/
    init_from: str | None = None         # a checkpoint to start from (possibly of a smaller network: nets.grow_from)
    mix_with: str | None = None          # with init_from: a fine-tuned state of init_from's network; the run starts at
    #                                      (1 − mix_weight) · init_from + mix_weight · mix_with (weight-space
    #                                      interpolation, as WiSE-FT; interpolate.py sweeps the weight)
    mix_weight: float = 0.5
    init_leave_out: tuple = ()           # prefixes of init_from's tensors that this network does not have (it keeps
    #                                      the rest of the checkpoint's network, e.g. one output level fewer)
    pretrained: str | None = None        # "imagenet": the ResNet-18 trunk starts from backbone.py's weights
    trunk_from: str | None = None        # with `pretrained`: a checkpoint (relative to training/) of another detector on
    #                                      the ResNet-18 trunk whose fine-tuned trunk starts this run's instead
    frozen: tuple = ()                   # trunk parts that do not train, e.g. ["stem", "stages.0"]
    trunk_lr_scale: float = 1.0          # the trunk's learning rate relative to the head's
    batchnorm_batches: int = 0           # training batches that estimate the head's BatchNorm statistics: before every
    #                                      validation (so the exported state's too); 0: momentum averages
    freeze_batchnorm: bool = False       # the head's BatchNorm layers keep their statistics too, so training
    #                                      normalizes as inference does; a fresh run estimates them first over
    #                                      `batchnorm_batches` batches, a continued run keeps its own
    trunk_batchnorm: str = "imagenet"    # the pretrained trunk's (frozen) BatchNorm statistics: "imagenet", or
    #                                      "estimated" once at the start over `batchnorm_batches` training batches
    #                                      (a trunk with fewer blocks per stage than ResNet-18)
    weight_storage: str = "float32"      # the exported file's convolution weights: "float32" or "float16" (export.py)
    weight_average: float = 0.0          # decay per step of an exponential moving average of the weights, which is what
    #                                      validates, is selected and is exported (0: the trained weights themselves);
    #                                      needs `freeze_batchnorm`, so that every averaged state normalizes alike

    def __post_init__(self):
        self.input_size, self.frozen, self.init_leave_out = (tuple(self.input_size), tuple(self.frozen),
                                                             tuple(self.init_leave_out))
        self.unlabelled_scale, self.unlabelled_sources = tuple(self.unlabelled_scale), tuple(self.unlabelled_sources)
        self.real_scale = tuple(self.real_scale)
        if isinstance(self.teacher, list) and len(self.teacher) < 2:
            raise ValueError("a list of teachers names two or more checkpoints; one is named as a string")
        self.name = self.name or self.run
        if self.unlabelled_per_batch and not self.teacher:
            raise ValueError("unlabelled_per_batch needs a teacher")
        if self.real_per_batch + self.unlabelled_per_batch > self.batch:
            raise ValueError("real_per_batch + unlabelled_per_batch exceed the batch")
        if not 0 <= self.real_whole_per_batch <= self.real_per_batch:
            raise ValueError("real_whole_per_batch counts rows among real_per_batch")
        if self.unlabelled_whole and self.unlabelled_scale != (1.0, 1.0):
            raise ValueError("unlabelled_whole shows photos at the crop size: unlabelled_scale does not apply")
        if self.teacher_maps not in ("crop", "photo"):
            raise ValueError(f"teacher_maps is \"crop\" or \"photo\", not {self.teacher_maps!r}")
        if self.loss not in ("bce", "bce+iou"):
            raise ValueError(f"loss is \"bce\" or \"bce+iou\", not {self.loss!r}")
        if self.init_leave_out and not self.init_from:
            raise ValueError("init_leave_out needs init_from")
        if self.mix_with and not self.init_from:
            raise ValueError("mix_with needs init_from (the state it is mixed with)")
        if not 0 <= self.mix_weight <= 1:
            raise ValueError("mix_weight is in [0, 1]")
        if not 0 <= self.weight_average < 1:
            raise ValueError("weight_average is a decay in [0, 1)")
        if self.trunk_from and self.pretrained != "imagenet":
            raise ValueError("trunk_from needs pretrained: imagenet (it replaces the ImageNet trunk's weights)")
        if self.weight_average and not self.freeze_batchnorm:
            raise ValueError("weight_average needs freeze_batchnorm")

    @property
    def selects_checkpoint(self):
        """Runs that start from trained weights (another run's, ImageNet's) export the checkpoint that the held-out
        DPDD pairs pick; a run from scratch exports its last state."""
        return bool(self.init_from or self.pretrained)

    @property
    def cache_path(self):
        return (HERE / self.cache_dir).resolve()

    @property
    def run_dir(self):
        return HERE / "runs" / self.run

    @property
    def teachers(self):
        """The teacher checkpoints as a list (none, one, or an ensemble's)."""
        return [self.teacher] if isinstance(self.teacher, str) else list(self.teacher or [])

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values):
        """From a config file's or a checkpoint's dict (older checkpoints carry keys no longer used: ignored)."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    @classmethod
    def load(cls, path):
        path = pathlib.Path(path)
        return cls.from_dict(json.loads(path.read_text()) | {"run": path.stem})
