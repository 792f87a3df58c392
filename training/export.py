"""ONNX export with the shipped I/O contract: input `image` [N,3,H,W] float32 RGB normalized per the card,
H and W dynamic (multiples of 32); output `blur` [N,1,H,W] in [0,1], 1 = blurred (sigmoid inside the graph);
and a run's export: the model file, its card, its checkpoint and its log (`export_run`)."""
import glob
import json
import os
import pathlib
import shutil
import time

import numpy as np
import torch

import backbone
import nets
from config import HERE, RunConfig
from data import input_normalization
from validation import SELECTION, validate

REPO = HERE.parent
OPSET = 17


NEGLIGIBLE_WEIGHT = 1e-12


def flush_negligible_weights(model):
    """Zeroes the dead weights weight decay leaves behind (|w| < 1e-12). They change no output (the shipped maps are
    bit-identical with them gone) but their products with activations are denormal floats, which a CPU computes many
    times slower: r2mrf-s ran at half the speed of the larger r2mrf-m in ONNX Runtime because of them."""
    with torch.no_grad():
        for tensor in model.state_dict().values():
            if tensor.is_floating_point():
                tensor[tensor.abs() < NEGLIGIBLE_WEIGHT] = 0


def fold_batchnorm(model):
    """Folds every BatchNorm that follows a convolution into it (eval mode), as the ONNX export would, so that the
    PyTorch model holds the very weights the file stores."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    model.eval()
    for module in model.modules():
        if isinstance(module, backbone.PaddedConvBN) and isinstance(module.bn, torch.nn.BatchNorm2d):
            module.conv, module.bn = fuse_conv_bn_eval(module.conv, module.bn), torch.nn.Identity()
        elif isinstance(module, torch.nn.Sequential):
            children = list(module)
            for i, (first, second) in enumerate(zip(children, children[1:])):
                if isinstance(first, torch.nn.Conv2d) and isinstance(second, torch.nn.BatchNorm2d):
                    module[i], module[i + 1] = fuse_conv_bn_eval(first, second), torch.nn.Identity()
    return model


def shipped_form(model, weight_storage="float32"):
    """The model as the shipped file computes it: negligible weights zeroed; with "float16" storage, BatchNorm
    folded and the convolution weights rounded to float16 (biases stay float32)."""
    model.eval()
    flush_negligible_weights(model)
    if weight_storage == "float16":
        fold_batchnorm(model)
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, torch.nn.Conv2d):
                    module.weight.copy_(module.weight.half().float())
    elif weight_storage != "float32":
        raise ValueError(f"unknown weight storage {weight_storage!r} (float32 or float16)")
    return model


def store_conv_weights_as_float16(path):
    """Rewrites an exported file so that its convolution weights are float16 initializers, each cast to float32 by
    a Cast node: half the file, and ONNX Runtime folds the casts at load (it computes in float32 as before)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    model = onnx.load(str(path))
    graph = model.graph
    weights = {node.input[1] for node in graph.node if node.op_type == "Conv"}
    initializers, casts = [], []
    for initializer in graph.initializer:
        if initializer.name in weights and initializer.data_type == TensorProto.FLOAT:
            half = numpy_helper.to_array(initializer).astype(np.float16)
            initializers.append(numpy_helper.from_array(half, initializer.name + "_float16"))
            casts.append(helper.make_node("Cast", [initializer.name + "_float16"], [initializer.name], to=TensorProto.FLOAT))
        else:
            initializers.append(initializer)
    nodes = casts + list(graph.node)
    del graph.initializer[:], graph.node[:]
    graph.initializer.extend(initializers)
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def export_onnx(model, path, input_size, weight_storage="float32"):
    """Exports `model` in its shipped form (`shipped_form`; the model is changed in place to it)."""
    shipped_form(model, weight_storage)
    h, w = input_size
    dummy = torch.zeros(1, 3, h, w)
    torch.onnx.export(
        model, dummy, str(pathlib.Path(path)),
        input_names=["image"], output_names=["blur"],
        dynamic_axes={"image": {0: "N", 2: "H", 3: "W"}, "blur": {0: "N", 2: "H", 3: "W"}},
        opset_version=OPSET, do_constant_folding=True)
    if weight_storage == "float16":
        store_conv_weights_as_float16(path)


# ------------------------------------------------------------------------------------------- a run's export
def training_stages(config, state):
    """Every stage that led to `state`, first to last (a run with `init_from` continues its checkpoint's stages)."""
    stage = {"run": config.run or "synthetic", "model": config.model, "steps": state["step"],
             "wall_clock_minutes": round(state["elapsed"] / 60, 1), "lr": config.lr, "loss": config.loss}
    if config.real_per_batch:
        stage |= {"real_per_batch": config.real_per_batch, "real_whole_per_batch": config.real_whole_per_batch}
    selection = {"selected_by": f"{SELECTION}_native MAE (best of the validations every {config.validate_every} "
                                "steps after step 0)"} if config.steps else {"selected_by": "its start (no training)"}
    if config.pretrained:
        stage |= {"pretrained": f"{config.pretrained}: {backbone.PACKAGE} {backbone.VERSION} (NuGet)",
                  "frozen": list(config.frozen), "trunk_lr_scale": config.trunk_lr_scale}
        if config.trunk_from:
            stage["trunk_from"] = config.trunk_from
    if config.teacher:
        stage |= {"teacher": config.teacher, "unlabelled_per_batch": config.unlabelled_per_batch,
                  "unlabelled_shown": "whole" if config.unlabelled_whole else f"cropped, scaled {list(config.unlabelled_scale)}",
                  "teacher_maps": config.teacher_maps}
    if config.weight_average:
        stage["weight_average"] = config.weight_average
    stage["batchnorm"] = {"head": "frozen" if config.freeze_batchnorm else
                          f"re-estimated over {config.batchnorm_batches} batches before validation"
                          if config.batchnorm_batches else "momentum 0.1",
                          "trunk": f"{config.trunk_batchnorm}, frozen"}
    if not config.init_from:
        return [stage | selection] if config.selects_checkpoint else [stage]
    before = torch.load(HERE / config.init_from)
    earlier = recorded_stages(RunConfig.from_dict(before["config"]), before)
    earlier[-1]["checkpoint"] = config.init_from
    if config.init_leave_out:
        stage |= {"cut_from": config.init_from, "left_out": list(config.init_leave_out)}
    elif before["config"]["model"] != config.model:
        stage["grown_from"] = config.init_from
    return earlier + [stage | selection]


def recorded_stages(config, state):
    """The stages of a checkpoint a run starts from. A committed checkpoint's own predecessors (runs/) are often not on
    this machine; the card exported from that checkpoint recorded them, so they come from there."""
    if config.init_from and not (HERE / config.init_from).exists():
        card = REPO / "models" / f"{config.name}.json"
        stages = json.loads(card.read_text())["training"]["stages"] if card.exists() else []
        runs = [stage["run"] for stage in stages]
        if config.run not in runs:
            raise FileNotFoundError(f"{config.init_from} (a stage before {config.run}) is missing and "
                                    f"{card.name} does not record {config.run}'s stages")
        return stages[:runs.index(config.run) + 1]  # the card may go on past it (a later stage shipped from it)
    return training_stages(config, state)


def training_record(config, state):
    """What the card says about training: data, steps and wall-clock time of every stage."""
    record = {
        "data": "synthetic defocus renders (training/synth.py), seeds 0..; augmentation rotation/resize/flip",
        "samples_rendered": len(glob.glob(os.path.join(config.cache_path, "train-*.npz"))) * 1000,
        "steps": state["step"], "batch": config.batch, "crop": config.crop,
        "wall_clock_minutes": round(state["elapsed"] / 60, 1),
    }
    if not config.selects_checkpoint:
        return record
    stages = training_stages(config, state)
    real_per_batch = max(stage.get("real_per_batch", 0) for stage in stages)
    if real_per_batch:
        record["data"] += (f"; plus up to {real_per_batch} rows per batch of the DPDD training pairs, crops or whole "
                           "photos squeezed to the crop (labels derived by training/real_dpdd.py, loss over their "
                           "textured pixels only; each stage's rows in `stages`)")
    if config.teacher:
        targets = "teacher's maps" if len(config.teachers) == 1 else "mean of the teachers' maps"
        record["data"] += (f"; plus {config.unlabelled_per_batch} unlabelled real photos per batch with the "
                           f"{targets} as targets ({', '.join(config.teachers)})")
    return {"stages": stages} | record | {
        "steps": sum(stage["steps"] for stage in stages),
        "wall_clock_minutes": round(sum(stage["wall_clock_minutes"] for stage in stages), 1),
    }


def compact_state(state):
    """The state a later sitting (or a student's teacher) needs, small enough to commit: convolution weights in
    float16, every one-dimensional tensor (BatchNorm statistics and affine, biases) in float32 — BatchNorm variances
    in float16 lose the model —, step, time, config; no optimizer moments (two thirds of a full checkpoint) and no
    random-generator states."""
    weights = {k: v.half() if v.is_floating_point() and v.dim() > 1 else v for k, v in state["model"].items()}
    return {"model": weights} | {k: state[k] for k in ("step", "elapsed", "config", "best") if k in state}


def selected_state(config):
    """The state a run exports: the held-out pairs' pick for a selecting run that trains, else the last."""
    return config.run_dir / ("best.pt" if config.selects_checkpoint and config.steps else "last.pt")


def export_run(config):
    """Writes models/<name>.onnx and its card from the run's selected state, copies that state to
    training/checkpoints/<run>.pt (a fresh checkout resumes from it) and the run's log to models/logs/<run>.csv."""
    from train import build_model  # train imports this module
    selected = selected_state(config)
    state = torch.load(selected)
    if config.weight_storage == "float16":  # the committed checkpoint then reproduces the shipped file exactly
        state = compact_state(state)
    record = training_record(config, state)  # before anything is written: a stage it cannot trace fails the export whole
    model = build_model(config)
    model.load_state_dict(state["model"])
    model.eval()
    models = REPO / "models"
    models.mkdir(exist_ok=True)
    export_onnx(model, models / f"{config.name}.onnx", config.input_size, config.weight_storage)
    mean, std = input_normalization(config.model)
    figures = validate(model, config.input_size, (mean, std), str(config.cache_path), val_count=300)
    card = {
        "name": config.name,
        "architecture": config.architecture,
        "config": config.model,
        "input_size": list(config.input_size),
        "mean": list(mean),
        "std": list(std),
        "output": "blur: 1 = blurred",
        "params": sum(p.numel() for p in model.parameters()),
        "gflops": round(nets.count_macs(model, (320, 320)) / 1e9, 3),
        "gflops_note": "multiply-accumulates at 320x320 (the convention under which VGG16 is 15.5 GFLOPs at 224x224)",
        "onnx_opset": OPSET,
        "weight_storage": config.weight_storage,
        "training": record | {"torch_seconds_per_320_image": torch_seconds(model)},
        "validation": figures,
    }
    (models / f"{config.name}.json").write_text(json.dumps(card, indent=2) + "\n")
    (HERE / "checkpoints").mkdir(exist_ok=True)
    if config.weight_storage == "float16":
        torch.save(state, HERE / "checkpoints" / f"{config.run}.pt")
    else:
        shutil.copyfile(selected, HERE / "checkpoints" / f"{config.run}.pt")
    logs = models / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{config.run}.csv").write_text((config.run_dir / "log.csv").read_text())
    print(json.dumps(card["validation"], indent=2))


def torch_seconds(model, size=(320, 320), repeats=5):
    """Median PyTorch eval time of one image at `size` (this process's thread count)."""
    timings = []
    with torch.no_grad():
        x = torch.zeros(1, 3, *size)
        model(x)
        for _ in range(repeats):
            started = time.perf_counter()
            model(x)
            timings.append(time.perf_counter() - started)
    return round(float(np.median(timings)), 4)
