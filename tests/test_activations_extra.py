"""Activations as PyTorch defines them: softplus (with its linear region), gelu (exact and tanh), silu, elu,
selu, mish, hardtanh, relu6, logsigmoid, softsign, tanhshrink, as functions (``F.*``) and layers (``nn.*``).

Forward against a numpy reference of PyTorch's formula, ``tg.gradcheck`` and ``tg.gradgradcheck`` in float64
(inputs away from kinks and from softplus's threshold), the layers' repr as PyTorch prints it, and values
"computed once with torch 2.13.0 (CPU)".
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
from tests.values import away_from_zero, leaf, uniform

SEEDS = st.integers(0, 2**32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
math_erf = np.vectorize(math.erf)


def softplus_ref(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def elu_ref(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def gelu_tanh_ref(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def avoiding(points, gap=0.2, low=-4.0, high=4.0):
    """Values in [low, high] at least ``gap`` away from each of ``points`` (kinks, thresholds)."""

    def values(seed, shape):
        x = uniform(seed, shape, low, high)
        for p in points:
            near = np.abs(x - p) < gap
            x = np.where(near, p + np.copysign(gap, x - p + 1e-300), x)
        return x

    return values


# name: (function, numpy reference of PyTorch's definition, values, layer or None, smooth)
ACTIVATIONS = {
    "softplus": (F.softplus, softplus_ref, uniform, nn.Softplus(), True),
    "softplus_beta_threshold": (
        lambda x: F.softplus(x, beta=2.0, threshold=3.0),
        lambda x: softplus_ref(x, 2.0, 3.0),
        avoiding([1.5]),
        nn.Softplus(beta=2.0, threshold=3.0),
        True,
    ),
    "gelu": (F.gelu, lambda x: 0.5 * x * (1 + math_erf(x / math.sqrt(2))), uniform, nn.GELU(), True),
    "gelu_tanh": (
        lambda x: F.gelu(x, approximate="tanh"),
        gelu_tanh_ref,
        uniform,
        nn.GELU(approximate="tanh"),
        True,
    ),
    "silu": (F.silu, lambda x: x / (1 + np.exp(-x)), uniform, nn.SiLU(), True),
    "elu": (F.elu, elu_ref, away_from_zero, nn.ELU(), True),
    "elu_alpha": (
        lambda x: F.elu(x, alpha=0.5),
        lambda x: elu_ref(x, 0.5),
        away_from_zero,
        nn.ELU(alpha=0.5),
        True,
    ),
    "selu": (F.selu, lambda x: SELU_SCALE * elu_ref(x, SELU_ALPHA), away_from_zero, nn.SELU(), True),
    "mish": (F.mish, lambda x: x * np.tanh(np.log1p(np.exp(x))), uniform, nn.Mish(), True),
    "hardtanh": (F.hardtanh, lambda x: np.clip(x, -1, 1), avoiding([-1.0, 1.0]), nn.Hardtanh(), False),
    "hardtanh_bounds": (
        lambda x: F.hardtanh(x, -2.0, 0.5),
        lambda x: np.clip(x, -2.0, 0.5),
        avoiding([-2.0, 0.5]),
        nn.Hardtanh(-2.0, 0.5),
        False,
    ),
    "relu6": (
        F.relu6,
        lambda x: np.minimum(np.maximum(x, 0), 6),
        avoiding([0.0, 6.0], 0.2, -3, 9),
        nn.ReLU6(),
        False,
    ),
    "logsigmoid": (F.logsigmoid, lambda x: np.log(1 / (1 + np.exp(-x))), uniform, nn.LogSigmoid(), True),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x)), away_from_zero, nn.Softsign(), True),
    "tanhshrink": (F.tanhshrink, lambda x: x - np.tanh(x), uniform, nn.Tanhshrink(), True),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(shape=SHAPES, seed=SEEDS)
def test_activation_forward_matches_pytorch_formula_and_passes_gradcheck(name, shape, seed):
    op, reference, values, _, _ = ACTIVATIONS[name]
    x_np = values(seed, shape)
    x = leaf(x_np)
    out = op(x)
    assert out.shape == shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), reference(x_np), rtol=1e-12, atol=1e-14)
    assert tg.gradcheck(op, (x,))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@settings(max_examples=6)
@given(shape=SHAPES, seed=SEEDS)
def test_activation_passes_gradgradcheck(name, shape, seed):
    op, _, values, _, _ = ACTIVATIONS[name]
    assert tg.gradgradcheck(op, (leaf(values(seed, shape)),))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_layer_equals_the_functional_form_and_keeps_float32(name):
    op, _, values, layer, _ = ACTIVATIONS[name]
    x = tg.tensor(values(3, (4, 5)).astype(np.float32))
    out = layer(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), op(x).numpy())


def test_activation_layers_print_as_pytorch():
    # computed once with torch 2.13.0 (CPU)
    expected = {
        nn.Softplus(): "Softplus(beta=1.0, threshold=20.0)",
        nn.Softplus(beta=2, threshold=10): "Softplus(beta=2, threshold=10)",
        nn.GELU(): "GELU(approximate='none')",
        nn.GELU("tanh"): "GELU(approximate='tanh')",
        nn.SiLU(): "SiLU()",
        nn.ELU(): "ELU(alpha=1.0)",
        nn.ELU(alpha=2, inplace=True): "ELU(alpha=2, inplace=True)",
        nn.SELU(): "SELU()",
        nn.LogSigmoid(): "LogSigmoid()",
        nn.Hardtanh(): "Hardtanh(min_val=-1.0, max_val=1.0)",
        nn.Hardtanh(-2, 2): "Hardtanh(min_val=-2, max_val=2)",
        nn.ReLU6(): "ReLU6()",
        nn.Mish(): "Mish()",
        nn.Softsign(): "Softsign()",
        nn.Tanhshrink(): "Tanhshrink()",
    }
    for layer, text in expected.items():
        assert repr(layer) == text


def test_activation_values_agree_with_torch():
    x = tg.tensor([-3.0, -0.5, 0.25, 2.0, 25.0], dtype=tg.float64)
    # computed once with torch 2.13.0 (CPU), float64
    expected = {
        "gelu": [-0.00404969409489031, -0.15426876936299344, 0.14967658142073093, 1.9544997361036416, 25.0],
        "gelu_tanh": [
            -0.0036373920817729943,
            -0.15428599017485606,
            0.149675350701685,
            1.954597694087775,
            25.0,
        ],
        "softplus": [0.04858735157374206, 0.4740769841801067, 0.8259394198788436, 2.1269280110429727, 25.0],
        "softplus_b2_t5": [
            0.0012378425688652247,
            0.15663084375911143,
            0.48703849209005334,
            2.0090749639589047,
            25.0,
        ],
        "selu": [
            -1.6705687287671118,
            -0.6917581878028713,
            0.2626752468388701,
            2.101401974710961,
            26.26752468388701,
        ],
        "mish": [-0.1456474612756246, -0.22074377465173, 0.1695724096638176, 1.9439589595339946, 25.0],
        "logsigmoid": [
            -3.048587351573742,
            -0.9740769841801067,
            -0.5759394198788436,
            -0.1269280110429725,
            -1.3887943864867583e-11,
        ],
        "silu": [
            -0.14227761953270035,
            -0.1887703343990727,
            0.14054412522144952,
            1.7615941559557646,
            24.9999999996528,
        ],
        "elu": [-0.950212931632136, -0.3934693402873666, 0.25, 2.0, 25.0],
    }
    got = {
        "gelu": F.gelu(x),
        "gelu_tanh": F.gelu(x, approximate="tanh"),
        "softplus": F.softplus(x),
        "softplus_b2_t5": F.softplus(x, beta=2, threshold=5),
        "selu": F.selu(x),
        "mish": F.mish(x),
        "logsigmoid": F.logsigmoid(x),
        "silu": F.silu(x),
        "elu": F.elu(x),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(got[name].numpy(), values, rtol=1e-14, atol=1e-16, err_msg=name)


def test_softplus_is_linear_above_its_threshold_with_gradient_one():
    x = tg.tensor([10.0, 30.0], requires_grad=True)
    out = F.softplus(x, beta=2, threshold=20)
    # computed once with torch 2.13.0 (CPU): beta * 10 = 20 is not above the threshold
    np.testing.assert_allclose(out.numpy(), [10.0, 30.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / (1 + math.exp(-20.0)), 1.0])


def test_stable_activations_stay_finite_for_large_float32_inputs():
    x = tg.tensor([-100.0, 100.0])
    # computed once with torch 2.13.0 (CPU), float32
    np.testing.assert_allclose(F.logsigmoid(x).numpy(), [-100.0, -3.923635700109488e-44], atol=1e-43)
    np.testing.assert_allclose(F.softplus(x).numpy(), [3.783505853677006e-44, 100.0], atol=1e-43)
    np.testing.assert_allclose(F.mish(x).numpy(), [0.0, 100.0], atol=1e-40)
    np.testing.assert_allclose(F.silu(x).numpy(), [0.0, 100.0], atol=1e-40)
    for op in (F.gelu, F.elu, F.selu, F.logsigmoid, F.softplus, F.mish, F.silu):
        x.requires_grad_(True)
        x.grad = None
        op(x).sum().backward()
        assert np.all(np.isfinite(x.grad.numpy())), op.__name__


def test_hardtanh_and_relu6_gradient_is_zero_at_the_bounds_unlike_clamp():
    x = tg.tensor([-1.0, 0.0, 1.0, 6.0, 3.0], requires_grad=True)
    # computed once with torch 2.13.0 (CPU)
    expected = {
        "hardtanh": (F.hardtanh, [0.0, 1.0, 0.0, 0.0, 0.0]),
        "relu6": (F.relu6, [0.0, 0.0, 1.0, 0.0, 1.0]),
        "clamp": (lambda t: t.clamp(-1, 1), [1.0, 1.0, 1.0, 0.0, 0.0]),
        "elu": (F.elu, [math.exp(-1.0), 1.0, 1.0, 1.0, 1.0]),
    }
    for name, (op, grad) in expected.items():
        x.grad = None
        op(x).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), grad, rtol=1e-6, err_msg=name)


def test_activation_argument_errors_name_the_op():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh'"):
        F.gelu(tg.tensor([1.0]), approximate="fast")
    with pytest.raises(ValueError, match="hardtanh: min_val"):
        F.hardtanh(tg.tensor([1.0]), 2.0, 1.0)
    with pytest.raises(TypeError, match="softplus: expects a floating-point tensor"):
        F.softplus(tg.tensor([1, 2]))
    np.testing.assert_array_equal(F.relu6(tg.tensor([-1, 3, 9])).numpy(), [0, 3, 6])  # integers, as torch


def test_activation_layers_work_inside_a_model():
    tg.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(3, 4), nn.GELU(), nn.Linear(4, 4), nn.SiLU(), nn.Linear(4, 1), nn.Softplus()
    )
    out = model(tg.randn(5, 3))
    assert out.shape == (5, 1)
    assert np.all(out.numpy() > 0)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_second_derivatives_stay_finite_for_large_inputs():
    x = tg.tensor([-100.0, 100.0], requires_grad=True)
    for op in (F.gelu, F.elu, F.selu, F.logsigmoid, F.softplus, F.mish, F.silu, F.softsign, F.tanhshrink):
        x.grad = None
        (slope,) = tg.grad(op(x).sum(), [x], create_graph=True)
        slope.sum().backward()
        assert np.all(np.isfinite(slope.numpy())), op.__name__
        assert np.all(np.isfinite(x.grad.numpy())), op.__name__
