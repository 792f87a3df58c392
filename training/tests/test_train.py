import json
import shutil
import uuid

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import backbone
import data
import real_dpdd
import synth
import train
import validation
from config import RunConfig


def test_loss_counts_only_labelled_pixels():
    torch.manual_seed(0)
    outputs = [torch.randn(2, 1, 8, 8, requires_grad=True) for _ in range(3)]
    labels = (torch.rand(2, 1, 8, 8) > 0.5).float()
    everywhere = torch.ones_like(labels)
    expected = sum(F.binary_cross_entropy_with_logits(o, labels) for o in outputs)
    assert train.deep_supervision_loss(outputs, labels, everywhere).item() == pytest.approx(expected.item(), rel=1e-6)

    left_half = torch.zeros_like(labels)
    left_half[..., :4] = 1
    loss = train.deep_supervision_loss(outputs, labels, left_half)
    loss.backward()
    assert all((o.grad[..., 4:] == 0).all() and (o.grad[..., :4] != 0).any() for o in outputs)
    changed = labels.clone()
    changed[..., 4:] = 1 - changed[..., 4:]
    assert train.deep_supervision_loss(outputs, changed, left_half).item() == pytest.approx(loss.item())


def test_iou_term_counts_labelled_pixels_only_and_rewards_confident_maps():
    labels = torch.zeros(2, 1, 8, 8)
    labels[..., :, 4:] = 1
    left_half = torch.zeros_like(labels)
    left_half[..., :4] = 1
    unsure = [torch.zeros(2, 1, 8, 8, requires_grad=True)]
    bce = train.deep_supervision_loss(unsure, labels, left_half)
    both = train.deep_supervision_loss(unsure, labels, left_half, iou=True)
    # the labelled half is all sharp: overlap 0, union Σp = 0.5 × 32 per image → 1 − 1 / 17
    assert (both - bce).item() == pytest.approx(1 - 1 / 17, rel=1e-6)
    both.backward()
    assert (unsure[0].grad[..., 4:] == 0).all() and (unsure[0].grad[..., :4] > 0).all()

    everywhere = torch.ones_like(labels)
    confident = [(labels * 2 - 1) * 6]
    hesitant = [(labels * 2 - 1) * 1]
    iou_only = lambda o: (train.deep_supervision_loss(o, labels, everywhere, iou=True)
                          - train.deep_supervision_loss(o, labels, everywhere)).item()
    assert iou_only(confident) < 0.01 < 0.2 < iou_only(hesitant)


def test_augment_moves_image_label_and_valid_mask_together():
    rng = np.random.default_rng(3)
    label = np.zeros((96, 96), np.uint8)
    label[:, 40:] = 255
    label[60:, :] = 255
    image = np.repeat(label[..., None], 3, axis=2)
    for _ in range(10):
        out_image, out_label, out_valid = data.augment(rng, image, label, label.copy(), 64)
        assert out_image.shape == (64, 64, 3) and out_label.shape == out_valid.shape == (64, 64)
        assert (out_valid == out_label).all()
        agree = ((out_image[..., 0] >= 128) == (out_label >= 128)).mean()
        assert agree > 0.97


def test_dpdd_split_holds_out_every_fourth_pair_from_the_second(tmp_path):
    folder = tmp_path / "real-bokeh" / "dpdd"
    folder.mkdir(parents=True)
    tile = (np.random.default_rng(0).random((64, 96, 3)) * 255).astype(np.uint8)
    names = [f"pair{i:02d}" for i in range(6)]
    for name in names:
        cv2.imwrite(str(folder / f"{name}_input.jpg"), tile)
        cv2.imwrite(str(folder / f"{name}_gt.jpg"), tile)
    held_out = [p[0] for p in real_dpdd.pairs(tmp_path, "held_out")]
    trained = [p[0] for p in real_dpdd.pairs(tmp_path, "train")]
    assert held_out == ["pair01", "pair05"]
    assert sorted(held_out + trained) == names == [p[0] for p in real_dpdd.pairs(tmp_path)]


def save_run(path, config, model):
    torch.save({"model": model.state_dict(), "config": config.to_dict(), "step": 1, "elapsed": 1.0}, path)


def save_shifted_run(path, config):
    """Saves a fresh network of `config` with every parameter moved by 0.5, unlike any fresh initialization."""
    model = train.build_model(config)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.5)
    save_run(path, config, model)
    return model


def test_teacher_sees_the_picture_in_its_own_normalization(tmp_path):
    torch.manual_seed(1)
    config = RunConfig(architecture="DeFusionNet", run="teacher",
                       model={"width": 0.0625, "side_width": 0.0625, "steps": 1})  # ImageNet mean/std
    model = train.build_model(config).eval()
    save_run(tmp_path / "teacher.pt", config, model)
    student_normalization = (backbone.CARD_MEAN, backbone.CARD_STD)
    teacher = train.Teacher([tmp_path / "teacher.pt"], student_normalization)
    rgb = (np.random.default_rng(2).random((2, 32, 32, 3)) * 255).astype(np.uint8)
    with torch.no_grad():
        expected = model(data.normalize(rgb))
    assert torch.allclose(teacher.maps(data.normalize(rgb, student_normalization)), expected, atol=1e-5)


def test_an_ensemble_teacher_maps_the_mean_of_its_members_each_in_its_own_normalization(tmp_path):
    torch.manual_seed(3)
    members = []
    # A scratch member (ImageNet mean/std) and a ResNet-18 one (the card's): each sees the picture its own way.
    for name, model_config in (("scratch", {"width": 0.0625, "side_width": 0.0625, "steps": 1}),
                               ("resnet", {"backbone": "resnet18", "side_width": 0.0625, "steps": 1})):
        config = RunConfig(architecture="DeFusionNet", run=name, model=model_config)
        model = train.build_model(config).eval()
        save_run(tmp_path / f"{name}.pt", config, model)
        members.append((model, data.input_normalization(model_config)))
    student_normalization = (backbone.CARD_MEAN, backbone.CARD_STD)
    teacher = train.Teacher([tmp_path / "scratch.pt", tmp_path / "resnet.pt"], student_normalization)
    rgb = (np.random.default_rng(4).random((2, 64, 64, 3)) * 255).astype(np.uint8)
    with torch.no_grad():
        each = [model(data.normalize(rgb, normalization)) for model, normalization in members]
    assert members[0][1] != members[1][1], "the members' normalizations differ"
    assert (each[0] - each[1]).abs().max() > 1e-3, "the members' maps differ, so the mean is neither one"
    assert torch.allclose(teacher.maps(data.normalize(rgb, student_normalization)), (each[0] + each[1]) / 2, atol=1e-5)
    photo = rgb[0]
    expected = sum(validation.predict(model, photo, normalization=normalization) for model, normalization in members) / 2
    assert np.abs(teacher.photo_map(photo) / 255.0 - expected).max() <= 0.5 / 255 + 1e-6
    with pytest.raises(ValueError, match="two or more"):
        RunConfig(architecture="FastBlurNet", model={}, teacher=["a.pt"])


def test_distillation_run_trains_on_teacher_maps_and_resumes(tmp_path):
    synth.build_cache(str(tmp_path / "train-000.npz"), 3, (96, 96), 0)
    teacher_config = RunConfig(architecture="DeFusionNet", run="t", model={"width": 0.0625, "side_width": 0.0625, "steps": 1})
    save_run(tmp_path / "teacher.pt", teacher_config, train.build_model(teacher_config))
    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="R2MRF", run=run, cache_dir=str(tmp_path), crop=64, batch=3, real_per_batch=1,
                       unlabelled_per_batch=1, teacher=str(tmp_path / "teacher.pt"), init_from=None, steps=2,
                       validate_every=1000, model={"width": 0.0625, "blocks": [1, 1, 1, 1], "side_channels": 8, "steps": 1})
    try:
        training = train.Training(config)
        targets = []
        original = training.teacher.maps
        training.teacher.maps = lambda images: targets.append(original(images)) or targets[-1]
        training.run(minutes=5)
        assert training.step == 2 and len(targets) == 2 and targets[0].shape == (1, 1, 64, 64)
        assert ((targets[0] > 0) & (targets[0] < 1)).all()  # soft targets, not labels
        config.steps = 3
        resumed = train.Training(config)
        assert resumed.step == 2
        resumed.run(minutes=5)
        assert resumed.step == 3
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)


def test_a_compact_committed_checkpoint_resumes_the_run_with_its_weights(tmp_path):
    import export
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="FastBlurNet", run=run, cache_dir=str(tmp_path), crop=64, batch=2, steps=1,
                       validate_every=1000, model={"channels": 8})
    committed = train.HERE / "checkpoints" / f"{run}.pt"
    try:
        first = train.Training(config)
        first.run(minutes=5)
        full = first.state()
        compact = export.compact_state(full)
        floats = [v for v in compact["model"].values() if v.is_floating_point()]
        assert "optimizer" not in compact
        assert all(v.dtype == (torch.float16 if v.dim() > 1 else torch.float32) for v in floats)
        assert any(v.dim() > 1 for v in floats) and any(v.dim() == 1 for v in floats)
        torch.save(compact, committed)
        shutil.rmtree(config.run_dir)
        config.steps = 2
        resumed = train.Training(config)
        assert resumed.step == 1
        for name, value in resumed.model.state_dict().items():
            assert torch.equal(value, full["model"][name].half().to(value.dtype)) if value.is_floating_point() \
                and value.dim() > 1 else torch.equal(value, full["model"][name]), name
        resumed.run(minutes=5)
        assert resumed.step == 2
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)
        committed.unlink(missing_ok=True)


def test_unlabelled_photos_are_rescaled_but_never_below_the_crop():
    image = np.arange(400 * 600 * 3, dtype=np.uint8).reshape(400, 600, 3)
    assert data.rescale(image, 0.5, 192).shape == (200, 300, 3)
    assert data.rescale(image, 0.25, 192).shape[0] == 192  # the shorter side stops at the crop
    assert data.rescale(image, 1.0, 192) is image


def test_real_crops_are_rescaled_with_their_label_and_valid_mask(tmp_path, monkeypatch):
    stripes = np.zeros((256, 320), np.uint8)
    stripes[:, np.arange(320) % 32 < 16] = 255  # period 32 px
    valid = np.ones_like(stripes, bool)
    valid[:, :8] = False
    monkeypatch.setattr(data.real_dpdd, "pairs", lambda subset: iter([("p", np.dstack([stripes] * 3), stripes, valid)]))
    synth.build_cache(str(tmp_path / "train-000.npz"), 1, (96, 96), 0)

    def transitions(real_scale):
        batches = data.TrainingBatches(str(tmp_path), 64, 0, real_per_batch=1, real_scale=real_scale)
        counts = []
        for _ in range(40):
            image, label, weight = batches.sample("real")
            assert image.shape[:2] == label.shape == weight.shape == (64, 64)
            assert ((image[..., 0] > 127) == (label > 127)).mean() > 0.9  # the label moved with the photo
            counts.append(np.count_nonzero(np.diff(label[32] > 127)))
        return np.mean(counts)

    # half the size: twice the stripes in a crop (the augmentation's own ±25 % resizing and rotation aside)
    assert transitions((0.5, 0.5)) > 1.6 * transitions((1.0, 1.0))


def test_unlabelled_sources_and_whole_photos(tmp_path, monkeypatch):
    monkeypatch.setenv("BLURVIDEO_SHARED_DATA", str(tmp_path))
    halves = np.zeros((300, 900, 3), np.uint8)
    halves[:, 450:] = 255  # dark left half, bright right half
    (tmp_path / "sharp" / "set").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "sharp" / "set" / "halves.png"), halves)
    (tmp_path / "real-bokeh" / "photos").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "real-bokeh" / "photos" / "small.jpg"), halves[:100, 400:600])
    photos = data.unlabelled_photos([], ("sharp", "real-bokeh"))
    assert [p.shape for p in photos] == [(213, 640, 3), (100, 200, 3)]  # in the sources' order, at most 640 px
    assert len(data.unlabelled_photos([])) == 1  # the default sources leave the sharp photos out
    with pytest.raises(ValueError, match="unknown unlabelled source 'cuhk'"):
        data.unlabelled_photos([], ("sharp", "cuhk"))

    synth.build_cache(str(tmp_path / "train-000.npz"), 1, (96, 96), 0)
    def samples(**options):
        batches = data.TrainingBatches(str(tmp_path), 64, 0, unlabelled_per_batch=1, unlabelled_sources=("sharp",),
                                       **options)
        return [batches.sample("unlabelled")[0] for _ in range(20)]
    def both_halves(image):
        return (image < 50).mean() > 0.2 and (image > 200).mean() > 0.2
    assert all(both_halves(image) for image in samples(unlabelled_whole=True))  # the whole photo, squeezed to 64²
    assert not all(both_halves(image) for image in samples())  # a crop often sees one half only
    with pytest.raises(ValueError, match="unlabelled_whole"):
        RunConfig(architecture="FastBlurNet", model={}, teacher="t.pt", unlabelled_per_batch=1, unlabelled_whole=True,
                  unlabelled_scale=(0.5, 1.0))


def test_weight_average_is_what_validates_and_resumes_beside_the_trained_weights(tmp_path):
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="FastBlurNet", run=run, cache_dir=str(tmp_path), crop=64, batch=2, steps=2,
                       validate_every=1000, freeze_batchnorm=True, weight_average=0.75, model={"channels": 8})
    try:
        training = train.Training(config)
        start = {k: v.clone() for k, v in training.model.state_dict().items()}
        training.train_step()
        first = {k: v.clone() for k, v in training.model.state_dict().items()}
        training.train_step()
        name = next(n for n, p in training.model.named_parameters() if p.requires_grad)
        expected = 0.75 * (0.75 * start[name] + 0.25 * first[name]) + 0.25 * training.model.state_dict()[name]
        assert torch.allclose(training.average.state_dict()[name], expected, atol=1e-7)
        assert not torch.equal(training.average.state_dict()[name], training.model.state_dict()[name])
        assert training.evaluated is training.average
        state = training.state()
        assert torch.equal(state["model"][name], training.average.state_dict()[name])
        assert torch.equal(state["trained"][name], training.model.state_dict()[name])
        train.save_atomic(state, config.run_dir / "last.pt")
        resumed = train.Training(config)
        assert torch.equal(resumed.model.state_dict()[name], state["trained"][name])
        assert torch.equal(resumed.average.state_dict()[name], state["model"][name])
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)


def test_weight_average_needs_frozen_batchnorm():
    with pytest.raises(ValueError, match="freeze_batchnorm"):
        RunConfig(architecture="FastBlurNet", model={"channels": 8}, weight_average=0.99)


def test_trunk_from_starts_the_trunk_from_another_detectors_and_nothing_else(tmp_path):
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    source_config = RunConfig(architecture="DeFusionNet", run="source",
                              model={"backbone": "resnet18", "side_width": 0.0625, "steps": 1})
    source = save_shifted_run(tmp_path / "source.pt", source_config)
    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="R2MRF", run=run, cache_dir=str(tmp_path), pretrained="imagenet",
                       trunk_from=str(tmp_path / "source.pt"), model={"backbone": "resnet18", "side_channels": 8, "steps": 1})
    try:
        torch.manual_seed(config.seed)
        fresh = train.build_model(config).state_dict()
        started = train.Training(config).model.state_dict()
        source_state = source.state_dict()
        trunk = [k for k in started if k.startswith("trunk.")]
        assert trunk and all(torch.equal(started[k], source_state[k]) for k in trunk)
        head = [k for k in started if not k.startswith("trunk.") and started[k].is_floating_point()]
        assert head and all(torch.equal(started[k], fresh[k]) for k in head)
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)
    with pytest.raises(ValueError, match="pretrained"):
        RunConfig(architecture="R2MRF", model={}, trunk_from="x.pt")


def test_a_network_with_one_output_level_fewer_starts_from_the_larger_ones_weights(tmp_path):
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    source_config = RunConfig(architecture="FastBlurNet", run="source", model={"channels": 8, "stem_lateral": True})
    source = save_shifted_run(tmp_path / "source.pt", source_config)
    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="FastBlurNet", run=run, cache_dir=str(tmp_path), model={"channels": 8},
                       init_from=str(tmp_path / "source.pt"), init_leave_out=["lateral.3.", "smooth.3.", "predict.3."])
    try:
        started = train.Training(config).model.state_dict()
        source_state = source.state_dict()
        assert set(source_state) - set(started) == {k for k in source_state if k.split(".")[1] == "3"}
        assert all(torch.equal(value, source_state[name]) for name, value in started.items())
        config.steps = 0  # the cut itself, exported as it starts
        train.Training(config).run(minutes=5)
        import export
        exported = torch.load(export.selected_state(config))
        assert exported["step"] == 0 and exported["model"].keys() == started.keys()
        assert all(torch.equal(value, started[name]) for name, value in exported["model"].items())
        shutil.rmtree(config.run_dir)
        config.init_leave_out = ("lateral.3.", "smooth.3.")
        with pytest.raises(ValueError, match="not in the grown network: predict.3"):
            train.Training(config)
        config.init_leave_out = ("lateral.3.", "smooth.3.", "predict.4.")
        with pytest.raises(ValueError, match="predict.4."):
            train.Training(config)
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)


def test_photo_maps_follow_their_photo_through_rescaling_and_augmentation(tmp_path, monkeypatch):
    monkeypatch.setenv("BLURVIDEO_SHARED_DATA", str(tmp_path))
    halves = np.zeros((300, 900, 3), np.uint8)
    halves[:, 450:] = 255
    (tmp_path / "sharp").mkdir()
    cv2.imwrite(str(tmp_path / "sharp" / "halves.png"), halves)
    synth.build_cache(str(tmp_path / "train-000.npz"), 1, (96, 96), 0)
    labelled = []
    def labeller(photo):  # "blurred" where the photo is bright
        labelled.append(photo.shape)
        return np.where(photo[..., 0] > 127, 255, 0).astype(np.uint8)
    batches = data.TrainingBatches(str(tmp_path), 64, 0, unlabelled_per_batch=1, unlabelled_sources=("sharp",),
                                   unlabelled_scale=(0.3, 1.0), unlabelled_labeller=labeller)
    assert labelled == [(213, 640, 3)]  # each photo once, whole, at its loaded size
    agreement = []
    for _ in range(30):
        image, label, valid = batches.sample("unlabelled")
        assert image.shape[:2] == label.shape == (64, 64) and valid.all()
        agreement.append(((image[..., 0] > 127) == (label > 127)).mean())
    assert min(agreement) > 0.95
    _, labels, _, rows = batches.batch(1)
    assert set(np.unique(labels[rows].numpy())) <= {0.0, 1.0}  # the map scaled to [0, 1], not a placeholder


def test_a_run_with_photo_teacher_maps_labels_each_photo_once_and_never_a_crop(tmp_path, monkeypatch):
    monkeypatch.setenv("BLURVIDEO_SHARED_DATA", str(tmp_path))
    (tmp_path / "sharp").mkdir()
    cv2.imwrite(str(tmp_path / "sharp" / "noise.png"),
                (np.random.default_rng(3).random((100, 140, 3)) * 255).astype(np.uint8))
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    teacher_config = RunConfig(architecture="DeFusionNet", run="t", model={"width": 0.0625, "side_width": 0.0625, "steps": 1})
    teacher_model = train.build_model(teacher_config).eval()
    save_run(tmp_path / "teacher.pt", teacher_config, teacher_model)
    teacher = train.Teacher([tmp_path / "teacher.pt"], (data.MEAN, data.STD))
    photo = data.unlabelled_photos([], ("sharp",))[0]
    expected = validation.predict(teacher_model, photo, normalization=(data.MEAN, data.STD))
    assert np.abs(teacher.photo_map(photo) / 255.0 - expected).max() <= 0.5 / 255 + 1e-6

    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="FastBlurNet", run=run, cache_dir=str(tmp_path), crop=64, batch=2, steps=2,
                       unlabelled_per_batch=1, unlabelled_sources=("sharp",), teacher=str(tmp_path / "teacher.pt"),
                       teacher_maps="photo", validate_every=1000, model={"channels": 8})
    calls = []
    original_photo_map, original_maps = train.Teacher.photo_map, train.Teacher.maps
    monkeypatch.setattr(train.Teacher, "photo_map", lambda self, rgb: calls.append("photo") or original_photo_map(self, rgb))
    monkeypatch.setattr(train.Teacher, "maps", lambda self, images: calls.append("crop") or original_maps(self, images))
    try:
        training = train.Training(config)
        training.run(minutes=5)
        assert training.step == 2 and calls == ["photo"]
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)
    with pytest.raises(ValueError, match="teacher_maps"):
        RunConfig(architecture="FastBlurNet", model={}, teacher_maps="frame")


def test_a_mixing_run_starts_between_two_states_and_keeps_each_validated_state(tmp_path):
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    source_config = RunConfig(architecture="FastBlurNet", run="source", model={"channels": 8})
    torch.manual_seed(3)
    start = train.build_model(source_config)
    save_run(tmp_path / "start.pt", source_config, start)
    tuned = save_shifted_run(tmp_path / "tuned.pt", source_config)
    run = f"pytest-{uuid.uuid4().hex[:8]}"
    config = RunConfig(architecture="FastBlurNet", run=run, cache_dir=str(tmp_path), model={"channels": 8},
                       init_from=str(tmp_path / "start.pt"), mix_with=str(tmp_path / "tuned.pt"), mix_weight=0.25,
                       steps=0, keep_validated=True)
    try:
        started = train.Training(config).model.state_dict()
        a, b = start.state_dict(), tuned.state_dict()
        floating = [k for k in a if a[k].is_floating_point()]
        moved = [k for k in floating if not torch.equal(a[k], b[k])]
        assert moved and all(torch.allclose(started[k], 0.75 * a[k] + 0.25 * b[k], atol=1e-6) for k in floating)
        counters = [k for k in a if not a[k].is_floating_point()]
        assert counters and all(torch.equal(started[k], a[k]) for k in counters)
        train.Training(config).run(minutes=5)  # the mix itself, validated (step 0) and exported as it starts
        kept = torch.load(config.run_dir / "step-000000.pt")
        assert kept["step"] == 0 and all(torch.equal(kept["model"][k], started[k]) for k in started)
        assert RunConfig.from_dict(kept["config"]) == config and kept["elapsed"] >= 0  # exportable as it is
    finally:
        shutil.rmtree(config.run_dir, ignore_errors=True)
    with pytest.raises(ValueError, match="mix_with needs init_from"):
        RunConfig(architecture="FastBlurNet", model={}, mix_with="x.pt")
    with pytest.raises(ValueError, match="mix_weight"):
        RunConfig(architecture="FastBlurNet", model={}, init_from="a.pt", mix_with="x.pt", mix_weight=1.5)


def test_caches_are_picked_up_when_finished_and_never_while_being_written(tmp_path):
    synth.build_cache(str(tmp_path / "train-000.npz"), 2, (96, 96), 0)
    batches = data.TrainingBatches(str(tmp_path), 64, 0)
    assert len(batches.images) == 2
    (tmp_path / "train-001.npz.tmp.npz").write_bytes(b"PK\x03\x04 half written")  # build_caches.sh's work in progress
    batches.reload()
    assert len(batches.images) == 2
    synth.build_cache(str(tmp_path / "train-001.npz"), 3, (96, 96), 10)
    batches.reload()
    assert len(batches.images) == 5


def test_whole_real_rows_show_the_squeezed_photo_with_its_label_and_valid_mask(tmp_path, monkeypatch):
    photo = np.zeros((256, 512), np.uint8)
    photo[:, 256:] = 255  # the right half blurred (and bright)
    valid = np.ones_like(photo, bool)
    valid[:128] = False  # the top half unlabelled
    monkeypatch.setattr(data.real_dpdd, "pairs", lambda subset: iter([("p", np.dstack([photo] * 3), photo, valid)]))
    synth.build_cache(str(tmp_path / "train-000.npz"), 1, (96, 96), 0)
    batches = data.TrainingBatches(str(tmp_path), 64, 0, real_per_batch=3, real_whole_per_batch=2)
    images, labels, weights, _ = batches.batch(4)
    # rows 1–2 hold both halves and the unlabelled band (augmentation may shift them a little); a 64-px crop of the
    # 512-px photo (row 0) never holds a quarter of each half
    assert all(0.3 < (labels[i] > 0.5).float().mean() < 0.7 for i in (1, 2))
    assert all(0.3 < (weights[i] > 0.5).float().mean() < 0.7 for i in (1, 2))
    assert not 0.25 < (labels[0] > 0.5).float().mean() < 0.75
    assert torch.equal(weights[3], torch.ones_like(weights[3]))  # the render
    for _ in range(10):
        image, label, weight = batches.sample("real_whole")
        assert ((image[..., 0] > 127) == (label > 127)).mean() > 0.9  # the label moved with the photo
    with pytest.raises(ValueError, match="real_whole_per_batch"):
        RunConfig(architecture="FastBlurNet", model={}, real_per_batch=1, real_whole_per_batch=2)


def test_card_records_every_stage_recipe(tmp_path):
    import export
    model = {"width": 0.0625, "side_width": 0.0625, "steps": 1}
    first = RunConfig(architecture="DeFusionNet", run="first", model=model, lr=3e-4, real_per_batch=2, init_from=None)
    save_run(tmp_path / "first.pt", first, train.build_model(first))
    second = RunConfig(architecture="DeFusionNet", run="second", model=model, init_from=str(tmp_path / "first.pt"),
                       lr=5e-5, loss="bce+iou", real_per_batch=4, real_whole_per_batch=2, unlabelled_per_batch=2,
                       unlabelled_whole=True, teacher=str(tmp_path / "first.pt"), steps=10)
    record = export.training_record(second, {"step": 10, "elapsed": 60.0})
    before, after = record["stages"]
    assert (before["run"], before["lr"], before["loss"], before["real_whole_per_batch"]) == ("first", 3e-4, "bce", 0)
    assert (after["run"], after["lr"], after["loss"], after["real_whole_per_batch"]) == ("second", 5e-5, "bce+iou", 2)
    assert after["unlabelled_shown"] == "whole" and after["teacher_maps"] == "crop"
    assert record["steps"] == 11 and "whole photos" in record["data"] and "2 unlabelled real photos" in record["data"]
    ensemble = RunConfig(**(vars(second) | {"teacher": [str(tmp_path / "first.pt")] * 2}))
    record = export.training_record(ensemble, {"step": 10, "elapsed": 60.0})
    assert record["stages"][-1]["teacher"] == [str(tmp_path / "first.pt")] * 2
    assert "mean of the teachers' maps" in record["data"]


def test_card_traces_a_stage_whose_predecessors_are_gone(tmp_path, monkeypatch):
    import export
    monkeypatch.setattr(export, "REPO", tmp_path)
    (tmp_path / "models").mkdir()
    shipped = {"training": {"stages": [{"run": "first", "steps": 5}, {"run": "second", "steps": 3},
                                       {"run": "third", "steps": 2}]}}
    (tmp_path / "models" / "m.json").write_text(json.dumps(shipped))
    second = RunConfig(architecture="DeFusionNet", run="second", name="m", model={}, init_from="checkpoints/gone.pt")
    assert [stage["run"] for stage in export.recorded_stages(second, {})] == ["first", "second"]
    missing = RunConfig(architecture="DeFusionNet", run="other", name="m", model={}, init_from="checkpoints/gone.pt")
    with pytest.raises(FileNotFoundError, match="does not record other"):
        export.recorded_stages(missing, {})
