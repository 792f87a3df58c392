import pathlib

import numpy as np
import onnx
from onnx import numpy_helper
import pytest
import torch

import export
import metrics
import nets
from export import NEGLIGIBLE_WEIGHT, export_onnx


def test_perfect_and_inverted_maps():
    mask = np.zeros((20, 30), np.uint8)
    mask[:, :12] = 255
    perfect = metrics.score_image((mask / 255.0).astype(np.float32), mask)
    assert perfect["mae"] == 0 and perfect["fbeta"] == pytest.approx(1) and perfect["iou"] == pytest.approx(1)
    inverted = metrics.score_image(1 - (mask / 255.0).astype(np.float32), mask)
    assert inverted["mae"] == 1 and inverted["fbeta"] == 0 and inverted["iou"] == 0


def test_partial_case_by_hand():
    # 10 pixels, GT blurred on the first 4; prediction blurred on pixels 2..5 (0-based): TP 2, FP 2, FN 2.
    mask = np.array([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0]], np.float32)
    blur = np.array([[0, 0, 1, 1, 1, 1, 0, 0, 0, 0]], np.float32)
    s = metrics.score_image(blur, mask)
    # P = R = 0.5 → Fβ = 0.5; IoU = 2 / 6; MAE = 4 / 10
    assert s["fbeta"] == pytest.approx(0.5) and s["iou"] == pytest.approx(2 / 6) and s["mae"] == pytest.approx(0.4)


def test_export_contract(tmp_path):
    model = nets.DeFusionNet(width=0.0625, side_width=0.0625).eval()
    path = tmp_path / "m.onnx"
    export_onnx(model, path, (64, 64))
    graph = onnx.load(str(path))
    onnx.checker.check_model(graph)
    assert [i.name for i in graph.graph.input] == ["image"]
    assert [o.name for o in graph.graph.output] == ["blur"]
    dims = graph.graph.input[0].type.tensor_type.shape.dim
    assert dims[1].dim_value == 3 and dims[2].dim_param and dims[3].dim_param
    assert max(op.version for op in graph.opset_import if op.domain in ("", "ai.onnx")) <= 17


def test_valid_mask_leaves_pixels_out():
    mask = np.array([[1, 1, 0, 0]], np.float32)
    blur = np.array([[1, 0, 0, 1]], np.float32)
    valid = np.array([[True, False, True, False]])
    s = metrics.score_image(blur, mask, valid)
    assert s["mae"] == 0 and s["fbeta"] == pytest.approx(1)
    assert metrics.score_image(blur, mask)["mae"] == pytest.approx(0.5)


def test_export_zeroes_negligible_weights_and_keeps_small_ones(tmp_path):
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3, padding=1), torch.nn.BatchNorm2d(2)).eval()
    with torch.no_grad():
        model[0].weight[0, 0, 0, :] = torch.tensor([1e-40, 1e-20, 1e-6])
    path = tmp_path / "m.onnx"
    export_onnx(model, path, (32, 32))
    conv = next(w for w in onnx_weights(path) if w.shape == (2, 3, 3, 3))
    assert conv[0, 0, 0, 0] == 0 and conv[0, 0, 0, 1] == 0
    assert conv[0, 0, 0, 2] == pytest.approx(1e-6, rel=1e-3)
    assert negligible_weights(path) == 0


@pytest.mark.parametrize("path", sorted((pathlib.Path(__file__).resolve().parents[2] / "models").glob("*.onnx")),
                         ids=lambda path: path.stem)
def test_shipped_model_has_no_negligible_weights(path):
    assert negligible_weights(path) == 0


def onnx_weights(path):
    """The initializers, but for an INT8 file's quantization scales (`*_scale`: grid steps, not weights)."""
    return [numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer if not i.name.endswith("_scale")]


def negligible_weights(path):
    """How many float weights of an ONNX file are non-zero but below NEGLIGIBLE_WEIGHT."""
    return sum(int(((w != 0) & (np.abs(w) < NEGLIGIBLE_WEIGHT)).sum()) for w in onnx_weights(path) if w.dtype == np.float32)


def test_metrics_reproduce_the_shared_evaluation_fixture():
    """The same maps, masks and hand-derived figures the C# evaluator is tested against (EvaluationFixtureTests)."""
    import json
    import cv2
    folder = pathlib.Path(__file__).resolve().parents[2] / "tests" / "BlurVideo.Tests" / "Fixtures" / "evaluation"
    expected = json.loads((folder / "expected.json").read_text())
    names = sorted(expected["images"])
    pairs = [(cv2.imread(str(folder / "maps" / f"{n}.png"), cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255,
              cv2.imread(str(folder / "masks" / f"{n}.png"), cv2.IMREAD_GRAYSCALE)) for n in names]
    for name, pair in zip(names, pairs):
        figures = metrics.score_image(*pair)
        for key, value in expected["images"][name].items():
            assert figures[key] == pytest.approx(value, abs=1e-6), (name, key)
    dataset = metrics.score_dataset(pairs)
    for key in ("mae", "fbeta", "iou", "max_f"):
        assert dataset[key] == pytest.approx(expected[key], abs=1e-6), key
    f = metrics.f_beta(dataset["precision"], dataset["recall"])
    assert int(np.argmax(f)) == expected["max_f_level"]


def test_folding_batchnorm_keeps_the_function():
    torch.manual_seed(3)
    for model in (nets.DeFusionNet(width=0.0625, side_width=0.0625, steps=1),
                  nets.R2MRF(width=0.0625, blocks=(1, 1, 1, 1), side_channels=8, steps=1),
                  nets.FastBlurNet(channels=8)):
        model.train()
        model(torch.randn(2, 3, 64, 64))  # BatchNorm statistics that are not the identity
        model.eval()
        x = torch.randn(1, 3, 64, 64)
        with torch.no_grad():
            before = model(x)
            export.fold_batchnorm(model)
            after = model(x)
        assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
        assert torch.allclose(before, after, atol=1e-5)


def test_float16_storage_halves_the_file_and_holds_the_rounded_weights(tmp_path):
    torch.manual_seed(4)
    export_onnx(nets.FastBlurNet(channels=16), tmp_path / "float32.onnx", (64, 64))
    model = nets.FastBlurNet(channels=16)
    export_onnx(model, tmp_path / "float16.onnx", (64, 64), weight_storage="float16")
    assert (tmp_path / "float16.onnx").stat().st_size < 0.6 * (tmp_path / "float32.onnx").stat().st_size
    graph = onnx.load(str(tmp_path / "float16.onnx")).graph
    onnx.checker.check_model(onnx.load(str(tmp_path / "float16.onnx")))
    halves = {t.name: numpy_helper.to_array(t) for t in graph.initializer if t.data_type == onnx.TensorProto.FLOAT16}
    casts = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Cast"}
    conv_weights = [casts.get(n.input[1]) for n in graph.node if n.op_type == "Conv"]
    assert conv_weights and all(name in halves for name in conv_weights)
    assert "BatchNormalization" not in {n.op_type for n in graph.node}
    # The PyTorch model now holds exactly the stored weights (its parity fixture is written from this form).
    ours = [m.weight.detach().numpy() for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    for name in conv_weights:  # (the side predictions used only in training are not in the graph)
        assert any(np.array_equal(halves[name].astype(np.float32), weight) for weight in ours), name
