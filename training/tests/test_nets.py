import torch
import pytest

import nets


def small_defusion(steps=3):
    return nets.DeFusionNet(width=0.0625, side_width=0.0625, steps=steps)


def small_r2mrf(steps=6):
    return nets.R2MRF(width=0.0625, blocks=(1, 1, 1, 1), side_channels=8, steps=steps)


def fast_student():
    return nets.FastBlurNet(channels=8)


@pytest.mark.parametrize("factory,count", [(small_defusion, 6 * 3 + 1), (small_r2mrf, 5 * 6 + 1), (fast_student, 3)])
def test_intermediate_output_count_and_size(factory, count):
    model = factory().train()
    outputs = model(torch.randn(2, 3, 64, 96))
    assert len(outputs) == count
    assert all(o.shape == (2, 1, 64, 96) for o in outputs)


def test_step_counts_are_configurable():
    assert len(small_defusion(steps=2).train()(torch.randn(1, 3, 64, 64))) == 6 * 2 + 1
    assert len(small_r2mrf(steps=3).train()(torch.randn(1, 3, 64, 64))) == 5 * 3 + 1


@pytest.mark.parametrize("factory", [small_defusion, small_r2mrf, fast_student])
def test_eval_output_is_a_probability_map_of_input_size(factory):
    model = factory().eval()
    with torch.no_grad():
        out = model(torch.randn(1, 3, 96, 64))
    assert out.shape == (1, 1, 96, 64)
    assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("factory,first", [(small_defusion, lambda m: m.stages[0][0][0]),
                                           (small_r2mrf, lambda m: m.conv1[0])])
def test_gradients_reach_the_first_layer(factory, first):
    model = factory().train()
    loss = sum(o.mean() for o in model(torch.randn(1, 3, 64, 64)))
    loss.backward()
    grad = first(model).weight.grad
    assert grad is not None and grad.abs().sum() > 0


def test_r2mrf_residual_update_holds():
    model = small_r2mrf(steps=4).train()
    recorded = []
    model.rrm[2].register_forward_hook(lambda module, inputs, output: recorded.append((inputs[2], output)))
    model(torch.randn(1, 3, 64, 64))
    assert len(recorded) == 4
    for (previous, residual), (current, _) in zip(recorded, recorded[1:]):
        assert torch.allclose(current, previous + residual, atol=1e-6)


def test_full_size_configurations_build():
    defusion = nets.DeFusionNet(width=1.0)
    assert [s[-1][0].out_channels for s in defusion.stages] == [64, 128, 256, 512, 512]
    r2mrf = nets.R2MRF(width=1.0)
    assert [len(s) for s in r2mrf.stages] == [3, 4, 6, 3]


@pytest.mark.parametrize("small,large", [
    (small_defusion, lambda: nets.DeFusionNet(width=0.125, side_width=0.0625, steps=3)),
    (small_r2mrf, lambda: nets.R2MRF(width=0.0625, blocks=(2, 1, 3, 2), side_channels=8, steps=6)),
])
def test_a_grown_network_starts_with_the_smaller_ones_function(small, large):
    torch.manual_seed(0)
    smaller, grown = small(), large()
    assert sum(p.numel() for p in grown.parameters()) > sum(p.numel() for p in smaller.parameters())
    nets.grow_from(grown, smaller.state_dict())
    x = torch.randn(2, 3, 64, 64)
    for mode in (True, False):
        smaller.train(mode), grown.train(mode)
        with torch.no_grad():
            a, b = smaller(x), grown(x)
        for p, q in zip(a if mode else [a], b if mode else [b]):
            assert torch.allclose(p, q, atol=1e-5)
    grown.train()
    grown(x)[-1].mean().backward()
    zeroed = grown.side[3][0][0].weight.grad[:, smaller.side[3][0][0].in_channels:] if small is small_defusion \
        else grown.stages[2][2].body[3].weight.grad
    assert zeroed.abs().sum() > 0, "the weights that hide the new capacity must train"


def test_global_context_starts_silent_in_a_grown_student_and_then_trains():
    torch.manual_seed(0)
    plain, grown = nets.FastBlurNet(channels=8), nets.FastBlurNet(channels=8, global_context=True)
    nets.grow_from(grown, plain.state_dict())
    x = torch.randn(2, 3, 64, 96)
    plain.eval(), grown.eval()
    with torch.no_grad():
        assert torch.equal(plain(x), grown(x))
    grown.train()
    grown(x)[-1].mean().backward()
    assert grown.context.weight.grad.abs().sum() > 0
    with torch.no_grad():
        grown.context.bias.fill_(1.0)  # once trained, the whole picture moves every 1/16 position alike
        grown.eval()
        assert not torch.allclose(plain(x), grown(x))


def test_growing_refuses_a_larger_state():
    with pytest.raises(ValueError, match="does not fit"):
        nets.grow_from(small_defusion(), nets.DeFusionNet(width=0.125, side_width=0.0625).state_dict())


def test_growing_refuses_another_architecture():
    with pytest.raises(ValueError, match="not in the grown network"):
        nets.grow_from(small_defusion(), small_r2mrf().state_dict())


def test_student_trunk_stops_at_a_sixteenth_and_loads_the_leading_imagenet_blocks():
    student = nets.FastBlurNet(channels=8)
    assert student.trunk.channels == (64, 64, 128, 256)
    student.trunk.load_imagenet()
    full = nets.ResNet18Trunk().load_imagenet().state_dict()
    assert all(torch.equal(t, full[n]) for n, t in student.trunk.state_dict().items())
