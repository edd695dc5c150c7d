"""More of PyTorch's layers: activations (softmin, hardsigmoid, hardswish, celu, glu, threshold, hardshrink,
softshrink, prelu, rrelu), ParameterList / ParameterDict, Unflatten, padding layers, Upsample /
F.interpolate, PixelShuffle / PixelUnshuffle and the distance layers.

Forward against numpy references of PyTorch's formulas and values "computed once with torch 2.13.0 (CPU)",
``tg.gradcheck`` / ``tg.gradgradcheck`` in float64 (inputs away from kinks), reprs as PyTorch prints them,
and parameters registered under PyTorch's names.
"""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
from tests.values import leaf

XA = np.array([-3.5, -2.0, -0.7, -0.2, 0.3, 0.9, 2.5, 3.6])  # away from every kink used below
X4 = np.arange(24, dtype=float).reshape(1, 2, 3, 4) / 10 - 1


def t64(a):
    return tg.tensor(np.asarray(a, dtype=np.float64))


# computed once with torch 2.13.0 (CPU), float64 inputs as above
TORCH = {
    "softmin": [
        0.73595682564548,
        0.164214164368606,
        0.044753580656958,
        0.027144418800367,
        0.016463922242503,
        0.009035592102433,
        0.001824254583501,
        0.000607241600151,
    ],
    "hardsigmoid": [
        0.0,
        0.166666666666667,
        0.383333333333333,
        0.466666666666667,
        0.55,
        0.65,
        0.916666666666667,
        1.0,
    ],
    "hardswish": [
        -0.0,
        -0.333333333333333,
        -0.268333333333333,
        -0.093333333333333,
        0.165,
        0.585,
        2.291666666666666,
        3.6,
    ],
    "celu": [-0.69528343710064, -0.659797166512668, -0.44248439117999, -0.1739658948473, 0.3, 0.9, 2.5, 3.6],
    "glu": [-2.010548808840807, -1.421899005250008, -0.64689927398513, -0.194680601284627],
    "threshold": [-2.0, -2.0, -2.0, -2.0, -2.0, 0.9, 2.5, 3.6],
    "hardshrink": [-3.5, -2.0, 0.0, 0.0, 0.0, 0.9, 2.5, 3.6],
    "softshrink": [-2.7, -1.2, 0.0, 0.0, 0.0, 0.1, 1.7, 2.8],
    "prelu": [[[-0.1, -0.09, -0.08, -0.07], [0.2, 0.3, 0.4, 0.5]]],
    "rrelu_eval": [
        -0.802083333333333,
        -0.458333333333333,
        -0.160416666666667,
        -0.045833333333333,
        0.3,
        0.9,
        2.5,
        3.6,
    ],
    "nearest_x2": [[-1.0, -1.0, -0.9], [-1.0, -1.0, -0.9], [-0.6, -0.6, -0.5]],
    "nearest_size": [[0.2, 0.2, 0.3, 0.4, 0.5], [0.6, 0.6, 0.7, 0.8, 0.9]],
    "bilinear_x2": [
        [-1.0, -0.975, -0.925, -0.875, -0.825, -0.775, -0.725, -0.7],
        [-0.9, -0.875, -0.825, -0.775, -0.725, -0.675, -0.625, -0.6],
        [-0.7, -0.675, -0.625, -0.575, -0.525, -0.475, -0.425, -0.4],
    ],
    "bilinear_align": [
        [0.2, 0.35, 0.5],
        [0.466666666666667, 0.616666666666667, 0.766666666666667],
        [0.733333333333333, 0.883333333333333, 1.033333333333333],
        [1.0, 1.15, 1.3],
    ],
    "pixel_shuffle": [[0.0, 2.0, 1.0, 3.0], [4.0, 6.0, 5.0, 7.0]],
    "reflection_pad2d": [
        [-0.1, -0.2, -0.1, 0.0, 0.1],
        [-0.5, -0.6, -0.5, -0.4, -0.3],
        [-0.9, -1.0, -0.9, -0.8, -0.7],
        [-0.5, -0.6, -0.5, -0.4, -0.3],
        [-0.1, -0.2, -0.1, 0.0, 0.1],
        [-0.5, -0.6, -0.5, -0.4, -0.3],
    ],
    "replication_pad1d": [-1.0, -1.0, -1.0, -0.9, -0.8, -0.7, -0.7],
}


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


# name: (function, numpy reference of PyTorch's formula, smooth (differentiates twice))
ACTIVATIONS = {
    "softmin": (lambda x: F.softmin(x, dim=0), lambda a: np.exp(-a) / np.exp(-a).sum(), True),
    "hardsigmoid": (F.hardsigmoid, lambda a: np.clip(a + 3, 0, 6) / 6, False),
    "hardswish": (F.hardswish, lambda a: a * np.clip(a + 3, 0, 6) / 6, True),
    "celu": (
        lambda x: F.celu(x, 0.7),
        lambda a: np.maximum(a, 0) + np.minimum(0, 0.7 * np.expm1(a / 0.7)),
        True,
    ),
    "glu": (F.glu, lambda a: a[:4] * sigmoid(a[4:]), True),
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0), lambda a: np.where(a > 0.5, a, -2.0), False),
    "hardshrink": (lambda x: F.hardshrink(x, 0.8), lambda a: np.where(np.abs(a) > 0.8, a, 0), False),
    "softshrink": (
        lambda x: F.softshrink(x, 0.8),
        lambda a: np.sign(a) * np.maximum(np.abs(a) - 0.8, 0),
        False,
    ),
    "rrelu_eval": (F.rrelu, lambda a: np.where(a >= 0, a, a * (1 / 8 + 1 / 3) / 2), False),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_numpy_and_pytorch(name):
    fn, ref, _ = ACTIVATIONS[name]
    got = fn(t64(XA)).numpy()
    np.testing.assert_allclose(got, ref(XA), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got, TORCH[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients(name):
    fn, _, smooth = ACTIVATIONS[name]
    x = leaf(XA)
    assert tg.gradcheck(fn, (x,))
    if smooth:
        assert tg.gradgradcheck(fn, (x,))


def test_hardswish_gradient_at_the_bounds_is_pytorchs():
    x = leaf([-3.0, 3.0, -4.0, 4.0])
    F.hardswish(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 1.5, 0.0, 1.0])  # torch 2.13.0 (CPU)


def test_prelu_function_and_layer_learn_one_slope_per_channel():
    x = t64(X4[:, :, 0])
    np.testing.assert_allclose(F.prelu(x, t64([0.1, 0.3])).numpy(), TORCH["prelu"], rtol=1e-12)
    w = leaf([0.1, 0.3])
    assert tg.gradcheck(F.prelu, (leaf(X4[:, :, 0] + 0.05), w))
    layer = nn.PReLU(2, init=0.1).double()
    assert repr(layer) == "PReLU(num_parameters=2)" and repr(nn.PReLU()) == "PReLU(num_parameters=1)"
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_allclose(layer.weight.numpy(), [0.1, 0.1])
    layer(t64(X4)).sum().backward()
    negatives = np.where(X4 < 0, X4, 0).sum(axis=(0, 2, 3))
    np.testing.assert_allclose(layer.weight.grad.numpy(), negatives)
    with pytest.raises(
        ValueError, match=r"prelu: weight of shape \(3,\) does not fit input of shape \(1, 2, 4\)"
    ):
        F.prelu(x, t64([0.1, 0.2, 0.3]))


def test_rrelu_draws_slopes_in_training_from_the_shared_generator():
    layer = nn.RReLU(0.1, 0.3)
    x = t64(-np.ones(1000))
    tg.manual_seed(0)
    first = layer(x).numpy()
    tg.manual_seed(0)
    np.testing.assert_array_equal(layer(x).numpy(), first)
    assert first.min() >= -0.3 and first.max() <= -0.1 and first.std() > 0.03
    np.testing.assert_allclose(layer.eval()(x).numpy(), -0.2)
    np.testing.assert_array_equal(layer.train()(t64([2.0])).numpy(), [2.0])


def test_glu_and_softmin_errors_and_implicit_dim():
    with pytest.raises(ValueError, match=r"glu: halving dimension must be even.*shape \(2, 3\)"):
        F.glu(t64(np.ones((2, 3))))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        got = nn.Softmin()(t64(np.zeros((2, 4))))
    np.testing.assert_allclose(got.numpy(), 0.25)


def test_activation_layers_print_as_pytorch():
    expected = {
        nn.Softmin(): "Softmin(dim=None)",
        nn.Softmin(dim=1): "Softmin(dim=1)",
        nn.Hardsigmoid(): "Hardsigmoid()",
        nn.Hardswish(): "Hardswish()",
        nn.CELU(): "CELU(alpha=1.0)",
        nn.CELU(0.5): "CELU(alpha=0.5)",
        nn.GLU(): "GLU(dim=-1)",
        nn.Threshold(0.1, 20): "Threshold(threshold=0.1, value=20)",
        nn.Threshold(0.1, 20.0, inplace=True): "Threshold(threshold=0.1, value=20.0, inplace=True)",
        nn.Hardshrink(): "Hardshrink(0.5)",
        nn.Softshrink(0.3): "Softshrink(0.3)",
        nn.RReLU(): "RReLU(lower=0.125, upper=0.3333333333333333)",
        nn.RReLU(0.1, 0.3, inplace=True): "RReLU(lower=0.1, upper=0.3, inplace=True)",
    }
    for layer, text in expected.items():
        assert repr(layer) == text
    x = t64(XA)
    np.testing.assert_allclose(nn.CELU(0.7)(x).numpy(), TORCH["celu"], rtol=1e-12)
    np.testing.assert_allclose(nn.Softshrink(0.8)(x).numpy(), TORCH["softshrink"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(nn.Hardswish()(x).numpy(), TORCH["hardswish"], rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------- containers
def test_parameter_list_registers_parameters_under_their_positions():
    params = nn.ParameterList([nn.Parameter(tg.zeros(3, 4)), tg.ones(3, dtype=tg.float64)])
    params.append(tg.zeros(2))
    assert len(params) == 3 and isinstance(params[1], nn.Parameter) and params[1].requires_grad
    assert [name for name, _ in params.named_parameters()] == ["0", "1", "2"]
    assert list(params.state_dict()) == ["0", "1", "2"]
    assert params[-1] is list(params)[2]
    assert repr(nn.ParameterList(list(params)[:2])) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [torch.float32 of size 3x4]\n"
        "    (1): Parameter containing: [torch.float64 of size 3]\n"
        ")"
    )

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = nn.ParameterList([nn.Parameter(tg.zeros(2))])
            self.lin = nn.Linear(2, 2)

    model = Model()
    assert [name for name, _ in model.named_parameters()] == ["scales.0", "lin.weight", "lin.bias"]
    assert repr(model) == (
        "Model(\n"
        "  (scales): ParameterList(  (0): Parameter containing: [torch.float32 of size 2])\n"
        "  (lin): Linear(in_features=2, out_features=2, bias=True)\n"
        ")"
    )
    assert repr(nn.ParameterList()) == "ParameterList()"


def test_parameter_dict_registers_parameters_under_their_keys():
    params = nn.ParameterDict({"a": nn.Parameter(tg.zeros(3)), "b": tg.ones(2, 2)})
    params["c"] = nn.Parameter(tg.zeros(1))
    assert [name for name, _ in params.named_parameters()] == ["a", "b", "c"]
    assert isinstance(params["b"], nn.Parameter) and "a" in params and len(params) == 3
    del params["c"]
    assert list(params) == ["a", "b"] and list(params.state_dict()) == ["a", "b"]
    assert repr(params) == (
        "ParameterDict(\n"
        "    (a): Parameter containing: [torch.FloatTensor of size 3]\n"
        "    (b): Parameter containing: [torch.FloatTensor of size 2x2]\n"
        ")"
    )
    with pytest.raises(KeyError, match="ParameterDict has no parameter 'z'"):
        params["z"]


# ---------------------------------------------------------------------------- shape layers
def test_unflatten_splits_one_dimension():
    layer = nn.Unflatten(1, (2, 5))
    assert repr(layer) == "Unflatten(dim=1, unflattened_size=(2, 5))"
    assert layer(tg.zeros(3, 10)).shape == (3, 2, 5)
    assert nn.Unflatten(-1, (2, -1))(tg.zeros(3, 10)).shape == (3, 2, 5)
    x = leaf(np.arange(12.0).reshape(2, 6))
    assert tg.gradcheck(nn.Unflatten(1, (3, 2)), (x,))
    with pytest.raises(ValueError, match=r"Unflatten: cannot split dimension 1 of size 10 .* into \(3, 3\)"):
        nn.Unflatten(1, (3, 3))(tg.zeros(3, 10))


def test_padding_layers_match_pytorch():
    x = t64(X4)
    np.testing.assert_allclose(nn.ReflectionPad2d((1, 0, 2, 1))(x).numpy()[0, 0], TORCH["reflection_pad2d"])
    np.testing.assert_allclose(
        nn.ReplicationPad1d((2, 1))(t64(X4[0, 0])).numpy()[0], TORCH["replication_pad1d"]
    )
    np.testing.assert_allclose(nn.ZeroPad2d(1)(x).numpy(), np.pad(X4, ((0, 0), (0, 0), (1, 1), (1, 1))))
    np.testing.assert_allclose(
        nn.ConstantPad1d((1, 2), 3.5)(x[0]).numpy(),
        np.pad(X4[0], ((0, 0), (0, 0), (1, 2)), constant_values=3.5),
    )
    np.testing.assert_allclose(
        nn.ReplicationPad2d(2)(x).numpy(), np.pad(X4, ((0, 0), (0, 0), (2, 2), (2, 2)), mode="edge")
    )
    np.testing.assert_allclose(
        nn.ReflectionPad1d(2)(x[0]).numpy(), np.pad(X4[0], ((0, 0), (0, 0), (2, 2)), mode="reflect")
    )
    assert tg.gradcheck(nn.ReflectionPad2d(1), (leaf(X4),))
    reprs = {
        nn.ZeroPad2d(2): "ZeroPad2d((2, 2, 2, 2))",
        nn.ZeroPad2d((1, 2, 3, 4)): "ZeroPad2d((1, 2, 3, 4))",
        nn.ConstantPad1d(2, 3.5): "ConstantPad1d(padding=(2, 2), value=3.5)",
        nn.ConstantPad2d((1, 2, 3, 4), 1): "ConstantPad2d(padding=(1, 2, 3, 4), value=1)",
        nn.ReflectionPad1d(2): "ReflectionPad1d((2, 2))",
        nn.ReflectionPad2d(1): "ReflectionPad2d((1, 1, 1, 1))",
        nn.ReplicationPad1d((1, 2)): "ReplicationPad1d((1, 2))",
        nn.ReplicationPad2d(2): "ReplicationPad2d((2, 2, 2, 2))",
    }
    for layer, text in reprs.items():
        assert repr(layer) == text
    with pytest.raises(ValueError, match=r"ReflectionPad2d: expected a 3-d or 4-d input, got shape \(4,\)"):
        nn.ReflectionPad2d(1)(tg.zeros(4))


def test_interpolate_matches_pytorch():
    x = t64(X4)
    np.testing.assert_allclose(F.interpolate(x, scale_factor=2).numpy()[0, 0, :3, :3], TORCH["nearest_x2"])
    np.testing.assert_allclose(F.interpolate(x, size=(2, 5)).numpy()[0, 1], TORCH["nearest_size"])
    np.testing.assert_allclose(
        F.interpolate(x, scale_factor=2, mode="bilinear").numpy()[0, 0, :3], TORCH["bilinear_x2"], atol=1e-14
    )
    got = F.interpolate(x, size=(4, 3), mode="bilinear", align_corners=True).numpy()[0, 1]
    np.testing.assert_allclose(got, TORCH["bilinear_align"], atol=1e-14)
    np.testing.assert_array_equal(
        F.interpolate(x, scale_factor=2).numpy(), X4.repeat(2, axis=2).repeat(2, axis=3)
    )


def test_interpolate_differentiates_and_upsample_prints_as_pytorch():
    x = leaf(X4)
    assert tg.gradcheck(lambda t: F.interpolate(t, scale_factor=1.5), (x,))
    bilinear = lambda t: F.interpolate(t, size=(5, 3), mode="bilinear")  # noqa: E731
    assert tg.gradcheck(bilinear, (x,)) and tg.gradgradcheck(bilinear, (x,))
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert repr(nn.Upsample(size=(4, 5), mode="bilinear")) == "Upsample(size=(4, 5), mode='bilinear')"
    up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
    assert repr(up) == "Upsample(scale_factor=2.0, mode='bilinear')"
    assert up(t64(X4)).shape == (1, 2, 6, 8)
    with pytest.raises(NotImplementedError, match="interpolate: mode 'bicubic' is not implemented"):
        F.interpolate(t64(X4), scale_factor=2, mode="bicubic")
    with pytest.raises(ValueError, match="give either size or scale_factor"):
        F.interpolate(t64(X4))


def test_pixel_shuffle_and_unshuffle_are_inverse_rearrangements():
    x = t64(np.arange(8.0).reshape(1, 4, 1, 2))
    np.testing.assert_array_equal(F.pixel_shuffle(x, 2).numpy()[0, 0], TORCH["pixel_shuffle"])
    big = t64(np.random.default_rng(0).normal(size=(2, 8, 3, 2)))
    shuffled = nn.PixelShuffle(2)(big)
    assert shuffled.shape == (2, 2, 6, 4)
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(shuffled).numpy(), big.numpy())
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(nn.PixelUnshuffle(2)) == "PixelUnshuffle(downscale_factor=2)"
    assert tg.gradcheck(lambda t: F.pixel_shuffle(t, 2), (leaf(big.numpy()),))
    with pytest.raises(ValueError, match=r"pixel_shuffle: expects an input of shape \(\*, C \* 2\^2, H, W\)"):
        F.pixel_shuffle(tg.zeros(1, 3, 2, 2), 2)


def test_distance_layers():
    a, b = t64(X4[0, 0]), t64(X4[0, 1] * -0.5)
    assert repr(nn.CosineSimilarity()) == "CosineSimilarity()"
    assert repr(nn.PairwiseDistance(p=1.0, keepdim=True)) == "PairwiseDistance()"
    cos = (X4[0, 0] * X4[0, 1]).sum(1) / np.linalg.norm(X4[0, 0], axis=1) / np.linalg.norm(X4[0, 1], axis=1)
    np.testing.assert_allclose(nn.CosineSimilarity(dim=1)(a, b).numpy(), -cos, rtol=1e-12)
    dist = np.linalg.norm(X4[0, 0] - X4[0, 1] * -0.5 + 1e-6, axis=1)
    np.testing.assert_allclose(nn.PairwiseDistance()(a, b).numpy(), dist, rtol=1e-12)
    assert nn.PairwiseDistance(keepdim=True)(a, b).shape == (3, 1)
