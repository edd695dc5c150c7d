"""Elementwise math as PyTorch's: trigonometric/hyperbolic functions, logs and exponentials, erf, rounding,
atan2/hypot/lerp/remainder/fmod, division modes, clamp with tensor bounds, nan_to_num, and the predicates,
comparisons and logical ops.

Differentiable ops: forward against numpy (or ``math``) over generated shapes, ``tg.gradcheck`` in float64,
and ``tg.gradgradcheck`` where the op is smooth. Inputs stay inside each op's domain and away from its
discontinuities. Values marked "computed once with torch 2.13.0 (CPU)" are PyTorch's own results.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tests.values import away_from_zero, leaf, positive, reduction_cases, uniform

SEEDS = st.integers(0, 2**32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
TRIPLES = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)
math_erf = np.vectorize(math.erf)


def within(low: float, high: float):
    return lambda seed, shape: uniform(seed, shape, low, high)


# ---------------------------------------------------------------------------- unary, differentiable
# name: (tensorgrad function, numpy reference, values)
UNARY = {
    "sin": (tg.sin, np.sin, within(-4.0, 4.0)),
    "cos": (tg.cos, np.cos, within(-4.0, 4.0)),
    "tan": (tg.tan, np.tan, within(-1.2, 1.2)),
    "sinh": (tg.sinh, np.sinh, uniform),
    "cosh": (tg.cosh, np.cosh, uniform),
    "asin": (tg.asin, np.arcsin, within(-0.9, 0.9)),
    "acos": (tg.acos, np.arccos, within(-0.9, 0.9)),
    "atan": (tg.atan, np.arctan, within(-3.0, 3.0)),
    "log1p": (tg.log1p, np.log1p, within(-0.5, 2.0)),
    "expm1": (tg.expm1, np.expm1, uniform),
    "log2": (tg.log2, np.log2, positive),
    "log10": (tg.log10, np.log10, positive),
    "rsqrt": (tg.rsqrt, lambda a: 1 / np.sqrt(a), positive),
    "reciprocal": (tg.reciprocal, np.reciprocal, away_from_zero),
    "erf": (tg.erf, math_erf, within(-3.0, 3.0)),
    "square": (tg.square, np.square, uniform),
    "neg": (tg.neg, np.negative, uniform),
    "negative": (tg.negative, np.negative, uniform),
}


@pytest.mark.parametrize("name", list(UNARY))
@given(shape=SHAPES, seed=SEEDS)
def test_unary_math_op_forward_matches_numpy_and_passes_gradcheck(name, shape, seed):
    op, np_op, values = UNARY[name]
    x_np = values(seed, shape)
    x = leaf(x_np)
    out = op(x)
    assert out.shape == shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), np_op(x_np), rtol=1e-13, atol=1e-15)
    assert tg.gradcheck(op, (x,))


@pytest.mark.parametrize("name", list(UNARY))
@settings(max_examples=6)
@given(shape=SHAPES, seed=SEEDS)
def test_unary_math_op_passes_gradgradcheck(name, shape, seed):
    op, _, values = UNARY[name]
    assert tg.gradgradcheck(op, (leaf(values(seed, shape)),))


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_math_method_equals_the_module_function(name):
    op, _, values = UNARY[name]
    x = tg.tensor(values(7, (2, 3)))
    np.testing.assert_array_equal(getattr(x, name)().numpy(), op(x).numpy())


def test_erf_matches_math_erf_to_about_one_ulp_everywhere():
    points = np.concatenate(
        [
            np.linspace(-7.0, 7.0, 20001),
            np.geomspace(1e-300, 1.0, 2000),
            -np.geomspace(1e-300, 1.0, 2000),
            [0.0, -0.0, 1.9999999, 2.0, 5.9999, 6.0, 40.0, -40.0],
        ]
    )
    got = tg.erf(tg.tensor(points)).numpy()
    expected = math_erf(points)
    np.testing.assert_allclose(got, expected, rtol=3e-15, atol=0)
    assert np.signbit(tg.erf(tg.tensor([-0.0], dtype=tg.float64)).numpy()[0])
    special = tg.erf(tg.tensor([np.inf, -np.inf, np.nan], dtype=tg.float64)).numpy()
    np.testing.assert_array_equal(special[:2], [1.0, -1.0])
    assert np.isnan(special[2])


def test_erf_of_float32_is_within_3_ulp_of_math_erf_everywhere():
    # float32 takes two fitted polynomials (scripts/fit_erf_float32.py), not the float64 series
    points = np.concatenate(
        [
            np.linspace(-7.0, 7.0, 200001),
            np.geomspace(1e-38, 1.0, 2000),
            -np.geomspace(1e-38, 1.0, 2000),
            np.nextafter(np.float32([1.0, 4.0]), np.float32(0)),
            [0.0, 1.0, 4.0, 40.0, -40.0],
        ]
    ).astype(np.float32)
    got = tg.erf(tg.tensor(points)).numpy()
    assert got.dtype == np.float32
    expected = math_erf(points.astype(np.float64))
    ulp = np.spacing(np.abs(expected).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(got - expected) / ulp) <= 3.0
    assert np.signbit(tg.erf(tg.tensor([-0.0])).numpy()[0])
    special = tg.erf(tg.tensor([np.inf, -np.inf, np.nan])).numpy()
    np.testing.assert_array_equal(special[:2], [1.0, -1.0])
    assert np.isnan(special[2])


def test_gelu_of_float32_matches_its_float64_value_to_float32_rounding():
    a = np.random.default_rng(0).standard_normal(10_000) * 3
    got = tg.nn.functional.gelu(tg.tensor(a.astype(np.float32))).numpy()
    expected = tg.nn.functional.gelu(tg.tensor(a.astype(np.float32).astype(np.float64))).numpy()
    np.testing.assert_allclose(got, expected, rtol=4e-7, atol=1e-7)


def test_erf_agrees_with_values_computed_by_torch():
    # computed once with torch 2.13.0 (CPU), float64
    expected = [0.1124629160182849, 0.8427007929497149, 0.999593047982555, 0.9999999999984626]
    got = tg.erf(tg.tensor([0.1, 1.0, 2.5, 5.0], dtype=tg.float64)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-15)


@pytest.mark.parametrize(
    "name", ["sin", "cos", "tan", "atan", "log1p", "expm1", "rsqrt", "reciprocal", "erf"]
)
def test_unary_math_of_an_integer_tensor_is_float32_and_of_float32_stays_float32(name):
    ints = tg.tensor([1, 2, 3])
    out = getattr(tg, name)(ints)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), UNARY[name][1](np.array([1.0, 2.0, 3.0])), rtol=1e-6)
    assert getattr(tg, name)(tg.tensor([0.5, 1.5])).dtype == np.float32


# ---------------------------------------------------------------------------- rounding: gradient zero
ROUNDING = {
    "sign": (tg.sign, np.sign),
    "floor": (tg.floor, np.floor),
    "ceil": (tg.ceil, np.ceil),
    "trunc": (tg.trunc, np.trunc),
    "round": (tg.round, np.round),
    "round_decimals": (lambda t: tg.round(t, decimals=2), lambda a: np.round(a, 2)),
    "round_negative_decimals": (lambda t: tg.round(t, decimals=-1), lambda a: np.round(a, -1)),
}


@pytest.mark.parametrize("name", list(ROUNDING))
@given(shape=SHAPES, seed=SEEDS)
def test_rounding_op_matches_numpy_and_has_gradient_zero(name, shape, seed):
    op, np_op = ROUNDING[name]
    x_np = uniform(seed, shape, -50.0, 50.0)
    x = leaf(x_np)
    out = op(x)
    np.testing.assert_array_equal(out.numpy(), np_op(x_np))
    assert out.requires_grad  # a node, as PyTorch's (the gradient is zero, not missing)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(shape))


def test_rounding_keeps_integer_tensors_integer_and_rounds_halves_to_even():
    ints = tg.tensor([-3, 0, 7])
    for name in ("sign", "floor", "ceil", "trunc", "round"):
        out = getattr(ints, name)()
        assert out.dtype == np.int64
    np.testing.assert_array_equal(ints.sign().numpy(), [-1, 0, 1])
    halves = tg.tensor([0.5, 1.5, 2.5, -0.5, -2.5])
    np.testing.assert_array_equal(halves.round().numpy(), [0.0, 2.0, 2.0, -0.0, -2.0])
    # computed once with torch 2.13.0 (CPU)
    np.testing.assert_allclose(tg.round(tg.tensor([1.2345]), decimals=2).numpy(), [1.23])
    np.testing.assert_allclose(tg.round(tg.tensor([1234.5, 0.5]), decimals=-2).numpy(), [1200.0, 0.0])


# ---------------------------------------------------------------------------- binary, differentiable
def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """numpy reference for the gradient of broadcasting: sum ``g`` back down to ``shape``."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


# name: (tensorgrad op, numpy reference, values of a, values of b, smooth)
BINARY = {
    "atan2": (tg.atan2, np.arctan2, away_from_zero, away_from_zero, True),
    "atan2_method": (lambda a, b: a.atan2(b), np.arctan2, away_from_zero, away_from_zero, True),
    "hypot": (tg.hypot, np.hypot, away_from_zero, away_from_zero, True),
    "hypot_method": (lambda a, b: a.hypot(b), np.hypot, away_from_zero, away_from_zero, True),
    "pow_tensor_exponent": (tg.pow, np.power, positive, uniform, True),
    "add_alpha": (lambda a, b: tg.add(a, b, alpha=2.5), lambda a, b: a + 2.5 * b, uniform, uniform, True),
    "sub_alpha": (lambda a, b: tg.sub(a, b, alpha=-3), lambda a, b: a - (-3) * b, uniform, uniform, True),
    "mul": (tg.mul, np.multiply, uniform, uniform, True),
    "div": (tg.div, np.divide, uniform, away_from_zero, True),
    "true_divide": (tg.true_divide, np.divide, uniform, away_from_zero, True),
    "add_alpha_method": (lambda a, b: a.add(b, alpha=0.5), lambda a, b: a + 0.5 * b, uniform, uniform, True),
}


@pytest.mark.parametrize("name", list(BINARY))
@given(shapes=PAIRS, seed=SEEDS)
def test_binary_math_op_forward_matches_numpy_and_passes_gradcheck_with_broadcasting(name, shapes, seed):
    op, np_op, values_a, values_b, _ = BINARY[name]
    shape_a, shape_b = shapes.input_shapes
    a_np, b_np = values_a(seed, shape_a), values_b(seed + 1, shape_b)
    a, b = leaf(a_np), leaf(b_np)
    out = op(a, b)
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), np_op(a_np, b_np), rtol=1e-13, atol=1e-15)
    assert tg.gradcheck(op, (a, b))


@pytest.mark.parametrize("name", ["atan2", "hypot", "pow_tensor_exponent", "div"])
@settings(max_examples=6)
@given(shapes=PAIRS, seed=SEEDS)
def test_binary_math_op_passes_gradgradcheck(name, shapes, seed):
    op, _, values_a, values_b, _ = BINARY[name]
    shape_a, shape_b = shapes.input_shapes
    assert tg.gradgradcheck(op, (leaf(values_a(seed, shape_a)), leaf(values_b(seed + 1, shape_b))))


@pytest.mark.parametrize(
    "op, np_op, rounding",
    [
        (tg.remainder, np.remainder, np.floor),
        (lambda a, b: a % b, np.remainder, np.floor),
        (lambda a, b: a.remainder(b), np.remainder, np.floor),
        (tg.fmod, np.fmod, np.trunc),
        (lambda a, b: a.fmod(b), np.fmod, np.trunc),
    ],
    ids=["remainder", "mod_operator", "remainder_method", "fmod", "fmod_method"],
)
@given(shapes=PAIRS, seed=SEEDS)
def test_remainder_and_fmod_match_numpy_and_their_gradients_are_one_and_minus_the_rounded_quotient(
    op, np_op, rounding, shapes, seed
):
    shape_a, shape_b = shapes.input_shapes
    rng = np.random.default_rng(seed)
    # divisors +-1.5 and dividends 1.5 (k + f), f in [0.2, 0.8]: quotients stay away from remainder's jumps
    b_np = 1.5 * rng.choice([-1.0, 1.0], shape_b)
    a_np = 1.5 * (rng.integers(-3, 4, shape_a) + rng.uniform(0.2, 0.8, shape_a))
    a, b = leaf(a_np), leaf(b_np)
    np.testing.assert_allclose(op(a, b).numpy(), np_op(a_np, b_np), rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(op, (a, b))
    op(a, b).sum().backward()
    ones = np.ones(shapes.result_shape)
    np.testing.assert_allclose(a.grad.numpy(), unbroadcast(ones, shape_a))
    np.testing.assert_allclose(b.grad.numpy(), unbroadcast(-rounding(a_np / b_np) * ones, shape_b))


def test_remainder_fmod_and_their_gradients_match_torch_on_mixed_signs():
    a = tg.tensor([5.5, -5.5, 5.5, -5.5], requires_grad=True)
    b = tg.tensor([2.0, 2.0, -2.0, -2.0], requires_grad=True)
    # computed once with torch 2.13.0 (CPU)
    out = tg.remainder(a, b)
    np.testing.assert_allclose(out.numpy(), [1.5, 0.5, -0.5, -1.5])
    out.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(b.grad.numpy(), [-2.0, 3.0, 3.0, -2.0])
    a.grad = b.grad = None
    out = tg.fmod(a, b)
    np.testing.assert_allclose(out.numpy(), [1.5, -1.5, 1.5, -1.5])
    out.sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [-2.0, 2.0, 2.0, -2.0])


@given(shapes=TRIPLES, seed=SEEDS)
def test_lerp_with_a_tensor_weight_matches_numpy_and_passes_gradcheck_and_gradgradcheck(shapes, seed):
    shape_a, shape_b, shape_w = shapes.input_shapes
    a_np, b_np, w_np = uniform(seed, shape_a), uniform(seed + 1, shape_b), uniform(seed + 2, shape_w, 0, 1)
    a, b, w = leaf(a_np), leaf(b_np), leaf(w_np)
    out = tg.lerp(a, b, w)
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), a_np + w_np * (b_np - a_np), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(a.lerp(b, w).numpy(), out.numpy())
    assert tg.gradcheck(tg.lerp, (a, b, w))
    assert tg.gradgradcheck(tg.lerp, (a, b, w))


def test_lerp_with_a_number_weight_is_exact_at_the_end_points_as_torch():
    start, end = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])
    np.testing.assert_allclose(tg.lerp(start, end, 0.5).numpy(), [2.0, 3.0])  # computed once with torch
    x = tg.tensor([0.1, 1e8], dtype=tg.float64)
    y = tg.tensor([0.3, -7.0], dtype=tg.float64)
    np.testing.assert_array_equal(tg.lerp(x, y, 1.0).numpy(), y.numpy())
    np.testing.assert_array_equal(tg.lerp(x, y, 0.0).numpy(), x.numpy())


# ---------------------------------------------------------------------------- pow, division modes
def test_pow_with_a_number_base_and_a_tensor_exponent():
    t = tg.tensor([1, 2])
    out = tg.pow(2, t)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), [2, 4])
    np.testing.assert_allclose(tg.pow(2.0, t).numpy(), [2.0, 4.0])
    x = leaf(np.array([0.5, 1.5]))
    assert tg.gradcheck(lambda e: tg.pow(2, e), (x,))
    assert tg.gradcheck(lambda e: 3.0**e, (x,))


def test_pow_gradients_at_a_zero_base_or_a_zero_exponent_are_zero_as_torch():
    base = tg.tensor([0.0, 1.0], requires_grad=True)
    exponent = tg.tensor([2.0, 0.0], requires_grad=True)
    (base**exponent).sum().backward()
    # computed once with torch 2.13.0 (CPU)
    np.testing.assert_array_equal(base.grad.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(exponent.grad.numpy(), [0.0, 0.0])
    base.grad = None
    (base**0.0).sum().backward()
    np.testing.assert_array_equal(base.grad.numpy(), [0.0, 0.0])


@given(shapes=PAIRS, seed=SEEDS)
def test_div_rounding_modes_and_floor_divide_match_numpy_for_floats_and_integers(shapes, seed):
    shape_a, shape_b = shapes.input_shapes
    rng = np.random.default_rng(seed)
    a_int, b_int = rng.integers(-20, 21, shape_a), rng.integers(1, 6, shape_b) * rng.choice([-1, 1], shape_b)
    a_float, b_float = uniform(seed, shape_a, -9, 9), away_from_zero(seed + 1, shape_b)
    for a_np, b_np in ((a_int, b_int), (a_float, b_float)):
        a, b = tg.tensor(a_np), tg.tensor(b_np)
        floor = tg.div(a, b, rounding_mode="floor")
        trunc = a.div(b, rounding_mode="trunc")
        assert floor.dtype == trunc.dtype == np.result_type(a_np, b_np)
        np.testing.assert_array_equal(floor.numpy(), np.floor(a_np / b_np))
        np.testing.assert_array_equal(trunc.numpy(), np.trunc(a_np / b_np))
        np.testing.assert_array_equal(tg.floor_divide(a, b).numpy(), np.floor(a_np / b_np))
        np.testing.assert_array_equal((a // b).numpy(), np.floor(a_np / b_np))


def test_true_division_of_integers_is_float32_and_rounded_division_has_gradient_zero():
    out = tg.tensor([1, 2]) / tg.tensor([2, 2])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [0.5, 1.0])
    assert (tg.tensor([1, 2]) / 2).dtype == np.float32
    assert tg.true_divide(tg.tensor([1]), 2).dtype == np.float32
    # computed once with torch 2.13.0 (CPU)
    np.testing.assert_array_equal((7 % tg.tensor([3, -3])).numpy(), [1, -2])
    np.testing.assert_array_equal((7 // tg.tensor([2.0, -2.0])).numpy(), [3.0, -4.0])
    x = tg.tensor([5.5, -5.5], requires_grad=True)
    out = tg.div(x, 2.0, rounding_mode="floor")
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [2.0, -3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    assert not (x // 2.0).requires_grad  # floor_divide is not differentiable in PyTorch either
    with pytest.raises(ValueError, match="rounding_mode must be None, 'trunc' or 'floor'"):
        tg.div(x, 2.0, rounding_mode="round")


def test_add_and_sub_scale_other_by_alpha_as_torch():
    # computed once with torch 2.13.0 (CPU)
    np.testing.assert_allclose(tg.add(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 1.0]), alpha=2).numpy(), [3, 4])
    out = tg.sub(tg.tensor([1, 2]), 1, alpha=3)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), [-2, -1])


# ---------------------------------------------------------------------------- clamp with tensor bounds
@given(shapes=TRIPLES, seed=SEEDS)
def test_clamp_with_tensor_bounds_matches_numpy_and_sends_the_gradient_to_the_chosen_value(shapes, seed):
    shape_x, shape_lo, shape_hi = shapes.input_shapes
    rng = np.random.default_rng(seed)
    x_np = rng.integers(-10, 11, shape_x) * 0.2 + 0.1  # odd multiples of 0.1: never on a bound
    lo_np = rng.integers(-10, 0, shape_lo) * 0.2
    hi_np = rng.integers(0, 11, shape_hi) * 0.2
    x, lo, hi = leaf(x_np), leaf(lo_np), leaf(hi_np)
    out = tg.clamp(x, min=lo, max=hi)
    np.testing.assert_array_equal(out.numpy(), np.clip(x_np, lo_np, hi_np))
    np.testing.assert_array_equal(x.clamp(lo, hi).numpy(), out.numpy())
    assert tg.gradcheck(lambda a, b, c: tg.clamp(a, min=b, max=c), (x, lo, hi))


def test_clamp_with_tensor_bounds_gradients_at_ties_and_min_above_max_as_torch():
    x = tg.tensor([0.0, 2.0, 5.0], requires_grad=True)
    lo = tg.tensor([1.0, 2.0, 1.0], requires_grad=True)
    hi = tg.tensor([3.0, 3.0, 5.0], requires_grad=True)
    out = tg.clamp(x, min=lo, max=hi)
    out.sum().backward()
    # computed once with torch 2.13.0 (CPU): at a tie the gradient goes to the input
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.0, 5.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(lo.grad.numpy(), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(hi.grad.numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(tg.clamp(tg.tensor([0.0, 5.0]), min=3, max=1).numpy(), [1.0, 1.0])


# ---------------------------------------------------------------------------- nan_to_num
@given(shape=SHAPES, seed=SEEDS)
def test_nan_to_num_replaces_like_numpy_and_passes_the_gradient_only_where_finite(shape, seed):
    rng = np.random.default_rng(seed)
    x_np = np.where(
        rng.random(shape) < 0.3, rng.choice([np.nan, np.inf, -np.inf], shape), uniform(seed, shape)
    )
    x = leaf(x_np)
    for kwargs in ({}, {"nan": 1.5, "posinf": 9.0, "neginf": -9.0}):
        x.grad = None
        out = tg.nan_to_num(x, **kwargs)
        np.testing.assert_array_equal(out.numpy(), np.nan_to_num(x_np, **kwargs))
        out.backward(tg.ones_like(out))
        np.testing.assert_array_equal(x.grad.numpy(), np.isfinite(x_np).astype(float))
    finite = leaf(uniform(seed, shape))
    assert tg.gradcheck(lambda t: t.nan_to_num(), (finite,))


def test_nan_to_num_defaults_to_the_dtype_extremes_as_torch():
    out = tg.nan_to_num(tg.tensor([float("nan"), float("inf"), -float("inf"), 1.0]))
    assert out.dtype == np.float32
    f32 = np.finfo(np.float32)
    np.testing.assert_array_equal(out.numpy(), [0.0, f32.max, f32.min, 1.0])
    np.testing.assert_array_equal(tg.nan_to_num(tg.tensor([1, 2])).numpy(), [1, 2])


# ---------------------------------------------------------------------------- predicates, comparisons, logic
def special_values(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice([np.nan, np.inf, -np.inf, 0.0, -1.5, 2.0], shape)


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "isposinf", "isneginf"])
@given(shape=SHAPES, seed=SEEDS)
def test_predicates_match_numpy_as_boolean_tensors_without_graph(name, shape, seed):
    x_np = special_values(seed, shape)
    x = leaf(x_np)
    for out in (getattr(tg, name)(x), getattr(x, name)()):
        assert out.dtype == np.bool_
        assert not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), getattr(np, name)(x_np))


@pytest.mark.parametrize(
    "name, np_op",
    [
        ("eq", np.equal),
        ("ne", np.not_equal),
        ("lt", np.less),
        ("le", np.less_equal),
        ("gt", np.greater),
        ("ge", np.greater_equal),
        ("logical_and", np.logical_and),
        ("logical_or", np.logical_or),
        ("logical_xor", np.logical_xor),
    ],
)
@given(shapes=PAIRS, seed=SEEDS)
def test_comparison_and_logical_functions_match_numpy_with_broadcasting(name, np_op, shapes, seed):
    shape_a, shape_b = shapes.input_shapes
    rng = np.random.default_rng(seed)
    a_np, b_np = rng.integers(-1, 2, shape_a).astype(float), rng.integers(-1, 2, shape_b).astype(float)
    a, b = tg.tensor(a_np), tg.tensor(b_np)
    for out in (getattr(tg, name)(a, b), getattr(a, name)(b), getattr(tg, name)(a, b_np)):
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out.numpy(), np_op(a_np, b_np))


def test_logical_not_and_xor_operator_on_any_dtype():
    np.testing.assert_array_equal(tg.logical_not(tg.tensor([0, 2, -1])).numpy(), [True, False, False])
    np.testing.assert_array_equal(tg.tensor([1.0, 0.0]).logical_not().numpy(), [False, True])
    # computed once with torch 2.13.0 (CPU)
    np.testing.assert_array_equal(tg.logical_and(tg.tensor([1, 0]), tg.tensor([2, 2])).numpy(), [True, False])
    np.testing.assert_array_equal(
        tg.logical_xor(tg.tensor([1.0, 0.0]), tg.tensor([1, 1])).numpy(), [False, True]
    )
    np.testing.assert_array_equal((tg.tensor([True, False]) ^ tg.tensor([True, True])).numpy(), [False, True])


@given(shapes=PAIRS, seed=SEEDS, equal_nan=st.booleans())
def test_isclose_and_allclose_follow_numpy_rule(shapes, seed, equal_nan):
    shape_a, shape_b = shapes.input_shapes
    rng = np.random.default_rng(seed)
    a_np = rng.choice([1.0, 1.0 + 1e-9, 1.0 + 1e-3, np.nan], shape_a)
    b_np = rng.choice([1.0, np.nan], shape_b)
    a, b = tg.tensor(a_np), tg.tensor(b_np)
    expected = np.isclose(a_np, b_np, equal_nan=equal_nan)
    np.testing.assert_array_equal(tg.isclose(a, b, equal_nan=equal_nan).numpy(), expected)
    np.testing.assert_array_equal(a.isclose(b, equal_nan=equal_nan).numpy(), expected)
    assert tg.allclose(a, b, equal_nan=equal_nan) is bool(expected.all())
    assert a.allclose(b, rtol=0.1, atol=0.0, equal_nan=equal_nan) is bool(
        np.allclose(a_np, b_np, rtol=0.1, atol=0.0, equal_nan=equal_nan)
    )


def test_equal_is_a_python_bool_of_same_shape_and_values():
    assert tg.equal(tg.tensor([1, 2]), tg.tensor([1.0, 2.0])) is True  # as torch: values, not dtypes
    assert tg.equal(tg.tensor([1, 2]), tg.tensor([[1, 2]])) is False
    assert tg.tensor([1.0, 2.0]).equal(tg.tensor([1.0, 3.0])) is False
    assert tg.equal(tg.tensor([float("nan")]), tg.tensor([float("nan")])) is False


@given(shape=SHAPES, seed=SEEDS)
def test_nonzero_and_where_with_one_argument_give_the_indices_of_nonzero_elements(shape, seed):
    x_np = np.random.default_rng(seed).integers(0, 3, shape)
    x = tg.tensor(x_np)
    rows = tg.nonzero(x)
    assert rows.dtype == np.int64
    np.testing.assert_array_equal(rows.numpy(), np.argwhere(x_np))
    np.testing.assert_array_equal(x.nonzero().numpy(), np.argwhere(x_np))
    as_tuple = tg.nonzero(x, as_tuple=True)
    expected = np.nonzero(np.atleast_1d(x_np))
    assert len(as_tuple) == len(expected)
    for got, want in zip(as_tuple, expected):
        np.testing.assert_array_equal(got.numpy(), want)
    for got, want in zip(tg.where(x > 0), expected):
        np.testing.assert_array_equal(got.numpy(), want)


def test_where_with_one_argument_as_torch():
    rows, cols = tg.where(tg.tensor([[1, 0], [2, 3]]))
    # computed once with torch 2.13.0 (CPU)
    np.testing.assert_array_equal(rows.numpy(), [0, 1, 1])
    np.testing.assert_array_equal(cols.numpy(), [0, 0, 1])
    x = tg.tensor([[1.0, -1.0], [2.0, -3.0]])
    np.testing.assert_array_equal(x[tg.where(x > 0)].numpy(), [1.0, 2.0])


@given(case=reduction_cases(max_side=3), seed=SEEDS)
def test_count_nonzero_matches_numpy_over_any_dims(case, seed):
    shape, axis = case
    x_np = np.random.default_rng(seed).integers(0, 3, shape)
    x = tg.tensor(x_np)
    out = tg.count_nonzero(x, dim=axis)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), np.count_nonzero(x_np, axis=axis))
    np.testing.assert_array_equal(x.count_nonzero(axis).numpy(), np.count_nonzero(x_np, axis=axis))


# ---------------------------------------------------------------------------- PyTorch idioms
def test_torch_sin_and_method_sin_idioms():
    torch = tg
    x = torch.linspace(-math.pi, math.pi, 5)
    np.testing.assert_allclose(torch.sin(x).numpy(), np.sin(x.numpy()), atol=1e-7)
    np.testing.assert_array_equal(x.sin().numpy(), torch.sin(x).numpy())
    assert torch.sin(x).dtype == np.float32


def test_torch_allclose_idiom_gives_a_python_bool():
    torch = tg
    a = torch.tensor([1.0, 2.0])
    assert torch.allclose(a, a + 1e-7) is True
    assert torch.allclose(a, a + 1e-3) is False
    assert a.allclose(a * 1.000001)


def test_torch_isnan_any_idiom():
    torch = tg
    x = torch.tensor([1.0, float("nan"), 3.0])
    assert torch.isnan(x).any()
    assert not torch.isnan(torch.tensor([1.0, 2.0])).any()
    assert torch.isinf(torch.tensor([1.0, -float("inf")])).any()
