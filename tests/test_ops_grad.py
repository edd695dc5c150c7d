"""Every op, property-based: first derivatives pass ``tg.gradcheck`` in float64 over generated shapes
(broadcasting included), and the forward pass agrees with the equivalent numpy expression.

Inputs are kept away from the points where an op is not differentiable (kinks of abs/relu/clip, ties of
max/min/maximum, zero for log/sqrt/division), so finite differences measure the true derivative.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tests.values import away_from_zero, distinct, leaf, on_grid, positive, reduction_cases, uniform

# ---------------------------------------------------------------------------- strategies and helpers
SEEDS = st.integers(0, 2**32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4)
NONSCALAR_SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4)
TRIPLES = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """numpy reference for the gradient of broadcasting: sum ``g`` back down to ``shape``."""
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


def grad_of_sum(fn, *tensors: tg.Tensor) -> list[np.ndarray]:
    """Run ``fn(*tensors).sum().backward()`` and return each input's gradient (asserting its shape)."""
    for t in tensors:
        t.grad = None
    fn(*tensors).sum().backward()
    grads = []
    for t in tensors:
        assert t.grad is not None
        assert t.grad.shape == t.shape
        assert t.grad.dtype == np.float64
        grads.append(t.grad.numpy())
    return grads


def reduced_count(shape: tuple[int, ...], axis) -> int:
    if axis is None:
        return math.prod(shape)
    axes = (axis,) if isinstance(axis, int) else axis
    return math.prod(shape[a] for a in axes)


# ---------------------------------------------------------------------------- binary ops, tensor-tensor
# name: (tensorgrad op, numpy op, values of a, values of b, (d/da, d/db) as numpy functions of a and b)
BINARY = {
    "add": (
        lambda a, b: a + b,
        np.add,
        uniform,
        uniform,
        lambda a, b: (np.ones_like(a + b), np.ones_like(a + b)),
    ),
    "sub": (
        lambda a, b: a - b,
        np.subtract,
        uniform,
        uniform,
        lambda a, b: (np.ones_like(a + b), -np.ones_like(a + b)),
    ),
    "mul": (
        lambda a, b: a * b,
        np.multiply,
        uniform,
        uniform,
        lambda a, b: (b + 0 * a, a + 0 * b),
    ),
    "truediv": (
        lambda a, b: a / b,
        np.divide,
        uniform,
        away_from_zero,
        lambda a, b: (1 / b + 0 * a, -a / b**2),
    ),
    "pow": (
        lambda a, b: a**b,
        np.power,
        positive,
        uniform,
        lambda a, b: (b * a ** (b - 1), a**b * np.log(a)),
    ),
    "method_add": (lambda a, b: a.add(b), np.add, uniform, uniform, None),
    "method_sub": (lambda a, b: a.sub(b), np.subtract, uniform, uniform, None),
    "method_mul": (lambda a, b: a.mul(b), np.multiply, uniform, uniform, None),
    "method_div": (lambda a, b: a.div(b), np.divide, uniform, away_from_zero, None),
    "method_pow": (lambda a, b: a.pow(b), np.power, positive, uniform, None),
    "function_pow": (tg.pow, np.power, positive, uniform, None),
}


@pytest.mark.parametrize("name", list(BINARY))
@given(shapes=PAIRS, seed=SEEDS)
def test_binary_op_gradcheck_and_forward_with_two_broadcasting_shapes(name, shapes, seed):
    op, np_op, values_a, values_b, _ = BINARY[name]
    shape_a, shape_b = shapes.input_shapes
    a_np, b_np = values_a(seed, shape_a), values_b(seed + 1, shape_b)
    a, b = leaf(a_np), leaf(b_np)
    out = op(a, b)
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), np_op(a_np, b_np), rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(op, (a, b))


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv", "pow"])
@given(shapes=PAIRS, seed=SEEDS)
def test_binary_op_grad_broadcasts_back_to_each_input_shape(name, shapes, seed):
    op, _, values_a, values_b, derivatives = BINARY[name]
    shape_a, shape_b = shapes.input_shapes
    a_np, b_np = values_a(seed, shape_a), values_b(seed + 1, shape_b)
    a, b = leaf(a_np), leaf(b_np)
    grad_a, grad_b = grad_of_sum(op, a, b)
    da, db = derivatives(*np.broadcast_arrays(a_np, b_np))
    np.testing.assert_allclose(grad_a, unbroadcast(da, shape_a), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_b, unbroadcast(db, shape_b), rtol=1e-10, atol=1e-12)


def test_mul_grad_of_a_row_times_a_column_sums_over_the_broadcast_dimension():
    row, col = leaf(np.array([[1.0, 2.0, 3.0]])), leaf(np.array([[10.0], [20.0]]))
    (row * col).sum().backward()
    assert row.grad.shape == (1, 3)
    assert col.grad.shape == (2, 1)
    np.testing.assert_allclose(row.grad.numpy(), [[30.0, 30.0, 30.0]])
    np.testing.assert_allclose(col.grad.numpy(), [[6.0], [6.0]])


# ---------------------------------------------------------------------------- binary ops with a Python number
# name: (tensorgrad op, numpy op, values of x)
SCALAR = {
    "add_scalar": (lambda x: x + 2.5, lambda a: a + 2.5, uniform),
    "radd": (lambda x: 2.5 + x, lambda a: 2.5 + a, uniform),
    "sub_scalar": (lambda x: x - 1.5, lambda a: a - 1.5, uniform),
    "rsub": (lambda x: 1.5 - x, lambda a: 1.5 - a, uniform),
    "mul_scalar": (lambda x: x * -3.0, lambda a: a * -3.0, uniform),
    "rmul": (lambda x: -3.0 * x, lambda a: -3.0 * a, uniform),
    "mul_int": (lambda x: x * 3, lambda a: a * 3, uniform),
    "rmul_int": (lambda x: 3 * x, lambda a: 3 * a, uniform),
    "truediv_scalar": (lambda x: x / 4.0, lambda a: a / 4.0, uniform),
    "rtruediv": (lambda x: 2.0 / x, lambda a: 2.0 / a, away_from_zero),
    "rtruediv_int": (lambda x: 2 / x, lambda a: 2 / a, away_from_zero),
    "pow_int": (lambda x: x**3, lambda a: a**3, uniform),
    "pow_two_negative_base": (lambda x: x**2, lambda a: a**2, away_from_zero),
    "pow_float": (lambda x: x**1.5, lambda a: a**1.5, positive),
    "pow_negative": (lambda x: x**-2.0, lambda a: a**-2.0, away_from_zero),
    "rpow": (lambda x: 2.0**x, lambda a: 2.0**a, uniform),
    "rpow_int": (lambda x: 3**x, lambda a: 3.0**a, uniform),
    "neg": (lambda x: -x, lambda a: -a, uniform),
}


def test_rsub_and_rtruediv_gradients_have_the_right_sign():
    x = leaf(np.array([1.0, 2.0, 4.0]))
    (3.0 - x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-1.0, -1.0, -1.0])
    x.grad = None
    (2.0 / x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-2.0, -0.5, -0.125])
    x.grad = None
    (2.0**x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0 ** np.array([1.0, 2.0, 4.0]) * np.log(2.0))


# ---------------------------------------------------------------------------- unary ops
# name: (tensorgrad op, numpy op, values of x)
UNARY = {
    "neg": (lambda x: -x, np.negative, uniform),
    "abs": (tg.abs, np.abs, away_from_zero),
    "abs_builtin": (abs, np.abs, away_from_zero),
    "abs_method": (lambda x: x.abs(), np.abs, away_from_zero),
    "exp": (tg.exp, np.exp, uniform),
    "exp_method": (lambda x: x.exp(), np.exp, uniform),
    "log": (tg.log, np.log, positive),
    "log_method": (lambda x: x.log(), np.log, positive),
    "sqrt": (tg.sqrt, np.sqrt, positive),
    "sqrt_method": (lambda x: x.sqrt(), np.sqrt, positive),
    "square_method": (lambda x: x.square(), np.square, uniform),
    "tanh": (tg.tanh, np.tanh, uniform),
    "tanh_method": (lambda x: x.tanh(), np.tanh, uniform),
    "sigmoid": (tg.sigmoid, lambda a: 1 / (1 + np.exp(-a)), lambda s, shape: uniform(s, shape, -6.0, 6.0)),
    "sigmoid_method": (lambda x: x.sigmoid(), lambda a: 1 / (1 + np.exp(-a)), uniform),
    "relu": (tg.relu, lambda a: np.maximum(a, 0), away_from_zero),
    "relu_method": (lambda x: x.relu(), lambda a: np.maximum(a, 0), away_from_zero),
    "leaky_relu": (tg.leaky_relu, lambda a: np.where(a > 0, a, 0.01 * a), away_from_zero),
    "leaky_relu_slope": (
        lambda x: x.leaky_relu(0.2),
        lambda a: np.where(a > 0, a, 0.2 * a),
        away_from_zero,
    ),
    "leaky_relu_keyword": (
        lambda x: tg.leaky_relu(x, negative_slope=0.3),
        lambda a: np.where(a > 0, a, 0.3 * a),
        away_from_zero,
    ),
    # values are odd multiples of 0.1, bounds even multiples: never on a bound
    "clip": (
        lambda x: tg.clip(x, -0.4, 0.6),
        lambda a: np.clip(a, -0.4, 0.6),
        lambda s, sh: on_grid(s, sh, 0.1),
    ),
    "clip_min_only": (
        lambda x: x.clip(min=-0.4),
        lambda a: np.maximum(a, -0.4),
        lambda s, sh: on_grid(s, sh, 0.1),
    ),
    "clip_max_only": (
        lambda x: x.clip(max=0.6),
        lambda a: np.minimum(a, 0.6),
        lambda s, sh: on_grid(s, sh, 0.1),
    ),
    "clamp": (
        lambda x: tg.clamp(x, -1.0, 1.0),
        lambda a: np.clip(a, -1.0, 1.0),
        lambda s, sh: on_grid(s, sh, 0.1),
    ),
    "clamp_method": (
        lambda x: x.clamp(-1.0, 1.0),
        lambda a: np.clip(a, -1.0, 1.0),
        lambda s, sh: on_grid(s, sh, 0.1),
    ),
}


@pytest.mark.parametrize("name", [*SCALAR, *UNARY])
@given(shape=SHAPES, seed=SEEDS)
def test_one_input_op_gradcheck_and_forward_match_numpy_and_stay_float64(name, shape, seed):
    """Unary ops, and binary ops with a Python number on either side (radd, rsub, rpow, ...)."""
    op, np_op, values = {**SCALAR, **UNARY}[name]
    x_np = values(seed, shape)
    x = leaf(x_np)
    out = op(x)
    assert out.shape == shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), np_op(x_np), rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(op, (x,))
    grad_of_sum(op, x)


@given(shape=SHAPES, seed=SEEDS)
def test_piecewise_linear_ops_pass_gradient_only_where_active(shape, seed):
    x_np = on_grid(seed, shape, 0.1)
    x = leaf(x_np)
    (grad,) = grad_of_sum(tg.relu, x)
    np.testing.assert_array_equal(grad, (x_np > 0).astype(float))
    (grad,) = grad_of_sum(lambda t: t.leaky_relu(0.2), x)
    np.testing.assert_allclose(grad, np.where(x_np > 0, 1.0, 0.2))
    (grad,) = grad_of_sum(tg.abs, x)
    np.testing.assert_array_equal(grad, np.sign(x_np))
    (grad,) = grad_of_sum(lambda t: tg.clip(t, -0.4, 0.6), x)
    np.testing.assert_array_equal(grad, ((x_np > -0.4) & (x_np < 0.6)).astype(float))


def test_sigmoid_is_stable_for_large_inputs():
    x = leaf(np.array([-800.0, -30.0, 0.0, 30.0, 800.0]))
    out = tg.sigmoid(x)
    assert np.all(np.isfinite(out.numpy()))
    np.testing.assert_allclose(out.numpy(), [0.0, 1 / (1 + np.exp(30.0)), 0.5, 1 / (1 + np.exp(-30.0)), 1.0])


# ---------------------------------------------------------------------------- maximum, minimum, where
@pytest.mark.parametrize(
    "op, np_op",
    [(tg.maximum, np.maximum), (tg.minimum, np.minimum)],
    ids=["maximum", "minimum"],
)
@given(shapes=PAIRS, seed=SEEDS)
def test_maximum_minimum_gradcheck_forward_and_grad_goes_to_the_winner(op, np_op, shapes, seed):
    shape_a, shape_b = shapes.input_shapes
    # a on even multiples of 0.1, b on odd ones: never tied
    a_np, b_np = on_grid(seed, shape_a, 0.0), on_grid(seed + 1, shape_b, 0.1)
    a, b = leaf(a_np), leaf(b_np)
    np.testing.assert_allclose(op(a, b).numpy(), np_op(a_np, b_np))
    assert tg.gradcheck(op, (a, b))
    grad_a, grad_b = grad_of_sum(op, a, b)
    a_wins = (np_op(a_np, b_np) == a_np).astype(float)
    a_wins = np.broadcast_to(a_wins, shapes.result_shape)
    np.testing.assert_allclose(grad_a, unbroadcast(a_wins, shape_a))
    np.testing.assert_allclose(grad_b, unbroadcast(1 - a_wins, shape_b))


@given(shape=SHAPES, seed=SEEDS)
def test_maximum_minimum_methods_with_a_scalar(shape, seed):
    x_np = on_grid(seed, shape, 0.1)
    x = leaf(x_np)
    np.testing.assert_allclose(x.maximum(0.0).numpy(), np.maximum(x_np, 0.0))
    np.testing.assert_allclose(x.minimum(0.4).numpy(), np.minimum(x_np, 0.4))
    assert tg.gradcheck(lambda t: t.maximum(0.0), (x,))
    assert tg.gradcheck(lambda t: t.minimum(0.4), (x,))


def test_maximum_splits_the_gradient_equally_at_ties():
    a, b = leaf(np.array([1.0, 2.0, 3.0])), leaf(np.array([1.0, 5.0, 0.0]))
    tg.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.5, 0.0, 1.0])
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 1.0, 0.0])


@given(shapes=TRIPLES, seed=SEEDS)
def test_where_gradcheck_forward_and_grad_follows_the_condition(shapes, seed):
    shape_c, shape_x, shape_y = shapes.input_shapes
    cond = np.random.default_rng(seed).random(shape_c) > 0.5
    x_np, y_np = uniform(seed + 1, shape_x), uniform(seed + 2, shape_y)
    x, y = leaf(x_np), leaf(y_np)
    for condition in (cond, tg.tensor(cond)):
        out = tg.where(condition, x, y)
        assert out.shape == shapes.result_shape
        np.testing.assert_allclose(out.numpy(), np.where(cond, x_np, y_np))
        assert tg.gradcheck(lambda a, b, c=condition: tg.where(c, a, b), (x, y))
    grad_x, grad_y = grad_of_sum(lambda a, b: tg.where(cond, a, b), x, y)
    picked = np.broadcast_to(cond, shapes.result_shape).astype(float)
    np.testing.assert_allclose(grad_x, unbroadcast(picked, shape_x))
    np.testing.assert_allclose(grad_y, unbroadcast(1 - picked, shape_y))


@given(shape=SHAPES, seed=SEEDS)
def test_where_with_a_scalar_branch(shape, seed):
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    cond = x_np > 0
    np.testing.assert_allclose(tg.where(cond, x, 0.0).numpy(), np.where(cond, x_np, 0.0))
    np.testing.assert_allclose(tg.where(cond, -1.0, x).numpy(), np.where(cond, -1.0, x_np))
    assert tg.gradcheck(lambda t: tg.where(cond, t, 0.0), (x,))
    assert tg.gradcheck(lambda t: tg.where(cond, -1.0, t), (x,))


# ---------------------------------------------------------------------------- matmul
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3,)),
    ((2, 3), (3, 4)),
    ((1, 1), (1, 1)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
    ((3, 4), (2, 4, 5)),
    ((2, 4, 5), (5, 3)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
]


@pytest.mark.parametrize("shape_a, shape_b", MATMUL_SHAPES, ids=str)
@pytest.mark.parametrize(
    "op", [lambda a, b: a @ b, tg.matmul, lambda a, b: a.matmul(b)], ids=["operator", "function", "method"]
)
def test_matmul_gradcheck_and_forward_for_each_rank_combination(op, shape_a, shape_b):
    a_np, b_np = uniform(1, shape_a), uniform(2, shape_b)
    a, b = leaf(a_np), leaf(b_np)
    out = op(a, b)
    expected = np.matmul(a_np, b_np)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(op, (a, b))
    grad_a, grad_b = grad_of_sum(op, a, b)
    assert grad_a.shape == shape_a
    assert grad_b.shape == shape_b


@given(
    shapes=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=4, max_side=4),
    seed=SEEDS,
)
def test_matmul_gradcheck_and_forward_over_generated_batch_broadcasting(shapes, seed):
    shape_a, shape_b = shapes.input_shapes
    a_np, b_np = uniform(seed, shape_a), uniform(seed + 1, shape_b)
    a, b = leaf(a_np), leaf(b_np)
    out = a @ b
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.numpy(), np.matmul(a_np, b_np), rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(lambda p, q: p @ q, (a, b))


def test_matmul_grad_matches_the_closed_form_with_broadcast_batch():
    a_np, b_np = uniform(3, (3, 4)), uniform(4, (2, 4, 5))
    a, b = leaf(a_np), leaf(b_np)
    grad_a, grad_b = grad_of_sum(lambda p, q: p @ q, a, b)
    ones = np.ones((2, 3, 5))
    np.testing.assert_allclose(grad_a, (ones @ np.swapaxes(b_np, -1, -2)).sum(axis=0))
    np.testing.assert_allclose(grad_b, np.broadcast_to(a_np.T, (2, 4, 3)) @ ones)


def test_matmul_with_a_numpy_operand_on_either_side():
    a_np, m = uniform(5, (2, 3)), uniform(6, (3, 2))
    a = leaf(a_np)
    np.testing.assert_allclose((a @ m).numpy(), a_np @ m)
    np.testing.assert_allclose((m @ a).numpy(), m @ a_np)
    assert tg.gradcheck(lambda t: m @ t, (a,))


# ---------------------------------------------------------------------------- reductions
REDUCTIONS = {
    "sum": (lambda x, axis, keep: x.sum(axis, keepdims=keep), np.sum),
    "sum_function": (lambda x, axis, keep: tg.sum(x, axis=axis, keepdims=keep), np.sum),
    "mean": (lambda x, axis, keep: x.mean(axis, keepdims=keep), np.mean),
    "mean_function": (lambda x, axis, keep: tg.mean(x, axis, keep), np.mean),
    "amax": (lambda x, axis, keep: x.amax(axis, keepdims=keep), np.max),
    "amax_function": (lambda x, axis, keep: tg.amax(x, axis, keepdims=keep), np.max),
    "amin": (lambda x, axis, keep: x.amin(axis, keepdims=keep), np.min),
    "amin_function": (lambda x, axis, keep: tg.amin(x, axis, keepdims=keep), np.min),
    "logsumexp": (
        lambda x, axis, keep: x.logsumexp(axis, keepdims=keep),
        lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
    ),
    "logsumexp_function": (
        lambda x, axis, keep: tg.logsumexp(x, axis, keepdims=keep),
        lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
    ),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@given(case=reduction_cases(), keepdims=st.booleans(), seed=SEEDS)
def test_reduction_gradcheck_and_forward_for_every_axis_form(name, case, keepdims, seed):
    op, np_op = REDUCTIONS[name]
    shape, axis = case
    x_np = distinct(seed, shape)  # no ties, so max/min are differentiable
    x = leaf(x_np)
    out = op(x, axis, keepdims)
    expected = np_op(x_np, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(lambda t: op(t, axis, keepdims), (x,))
    grad_of_sum(lambda t: op(t, axis, keepdims), x)


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "logsumexp", "var", "std"])
@given(case=reduction_cases(min_side=2, allow_scalar=False), keepdim=st.booleans(), seed=SEEDS)
def test_reductions_accept_pytorch_dim_and_keepdim_keywords(name, case, keepdim, seed):
    shape, axis = case
    x_np = distinct(seed, shape)
    x = leaf(x_np)
    method = getattr(x, name)
    function = getattr(tg, name)
    np_op = {
        "sum": np.sum,
        "mean": np.mean,
        "amax": np.max,
        "amin": np.min,
        "logsumexp": lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
        "var": lambda a, axis, keepdims: np.var(a, axis=axis, keepdims=keepdims, ddof=1),
        "std": lambda a, axis, keepdims: np.std(a, axis=axis, keepdims=keepdims, ddof=1),
    }[name]
    expected = np_op(x_np, axis=axis, keepdims=keepdim)
    for out in (method(dim=axis, keepdim=keepdim), function(x, dim=axis, keepdim=keepdim)):
        assert out.shape == np.shape(expected)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(lambda t: getattr(t, name)(dim=axis, keepdim=keepdim), (x,))


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("correction", [None, 1, 0])
@given(case=reduction_cases(min_side=2, allow_scalar=False), keepdims=st.booleans(), seed=SEEDS)
def test_var_std_match_numpy_ddof_equal_to_correction_default_one(name, correction, case, keepdims, seed):
    shape, axis = case
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    kwargs = {} if correction is None else {"correction": correction}
    ddof = 1 if correction is None else correction
    expected = getattr(np, name)(x_np, axis=axis, keepdims=keepdims, ddof=ddof)
    kwargs["keepdims"] = keepdims
    for out in (getattr(x, name)(axis=axis, **kwargs), getattr(tg, name)(x, axis=axis, **kwargs)):
        assert out.shape == np.shape(expected)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(lambda t: getattr(t, name)(axis=axis, **kwargs), (x,))
    grad_of_sum(lambda t: getattr(t, name)(axis=axis, **kwargs), x)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_positional_arguments_mean_pytorchs_dim_unbiased_keepdim(name):
    """``x.var(1, False)`` is PyTorch's population variance (unbiased=False), never numpy's keepdims."""
    x_np = uniform(3, (3, 4))
    x = leaf(x_np)
    population = getattr(np, name)(x_np, axis=1, ddof=0)
    np.testing.assert_allclose(getattr(x, name)(1, False).numpy(), population, rtol=1e-12)
    np.testing.assert_allclose(getattr(tg, name)(x, 1, False, True).numpy(), population[:, None], rtol=1e-12)
    np.testing.assert_allclose(getattr(x, name)(False).numpy(), getattr(np, name)(x_np, ddof=0), rtol=1e-12)
    np.testing.assert_allclose(
        getattr(x, name)(1).numpy(), getattr(np, name)(x_np, axis=1, ddof=1), rtol=1e-12
    )
    with pytest.raises(TypeError, match="unbiased .* or correction, not both"):
        getattr(x, name)(1, False, correction=0)


def test_amax_amin_and_the_full_max_split_the_gradient_equally_between_tied_values():
    """As PyTorch's amax/amin and max()/min() without a dim."""
    x = leaf(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]))
    x.amax(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])
    x.grad = None
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]])
    x.grad = None
    x.amin().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def test_classification_idiom_max_along_dim_returns_values_and_indices_as_pytorch():
    """``_, predicted = torch.max(outputs, 1)`` on a batch of 2 used to unpack the two row maxima silently."""
    outputs = tg.tensor([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1]])
    _, predicted = tg.max(outputs, 1)
    np.testing.assert_array_equal(predicted.numpy(), [1, 0])
    assert predicted.dtype == np.int64
    np.testing.assert_array_equal(outputs.max(1)[1].numpy(), [1, 0])
    result = outputs.max(dim=1, keepdim=True)
    np.testing.assert_allclose(result.values.numpy(), [[2.0], [1.5]])
    np.testing.assert_array_equal(result.indices.numpy(), [[1], [0]])
    values, indices = outputs.min(0)
    np.testing.assert_allclose(values.numpy(), [0.1, 0.2, 0.1])
    np.testing.assert_array_equal(indices.numpy(), [0, 1, 1])
    assert outputs.max().item() == 2.0  # no dim: the largest value
    np.testing.assert_allclose(tg.max(outputs, tg.tensor(1.0)).numpy(), [[1.0, 2.0, 1.0], [1.5, 1.0, 1.0]])
    np.testing.assert_allclose(outputs.min(tg.tensor(0.2)).numpy(), [[0.1, 0.2, 0.2], [0.2, 0.2, 0.1]])


def test_max_along_dim_sends_the_gradient_to_the_first_largest_value_only():
    x = leaf(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]))
    values, indices = x.max(1)
    (values * tg.tensor([1.0, 10.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 1.0, 0.0], [10.0, 0.0, 0.0]])


def test_max_along_several_dims_says_to_use_amax():
    with pytest.raises(TypeError, match=r"max: dim must be one integer .* amax reduces over several"):
        tg.ones((2, 3)).max((0, 1))


@pytest.mark.parametrize("op", ["max", "min"])
@given(case=reduction_cases(min_side=1, allow_scalar=False), keepdim=st.booleans(), seed=SEEDS)
def test_max_min_along_one_dim_match_numpy_and_pass_gradcheck(op, case, keepdim, seed):
    shape, axis = case
    dim = axis if isinstance(axis, int) else len(shape) - 1
    x_np = distinct(seed, shape)
    x = leaf(x_np)
    values, indices = getattr(x, op)(dim, keepdim)
    expected_indices = getattr(np, "arg" + op)(x_np, axis=dim)
    expected_values = getattr(np, op)(x_np, axis=dim)
    if keepdim:
        expected_indices = np.expand_dims(expected_indices, dim)
        expected_values = np.expand_dims(expected_values, dim)
    np.testing.assert_array_equal(indices.numpy(), expected_indices)
    np.testing.assert_array_equal(values.numpy(), expected_values)
    assert tg.gradcheck(lambda t: getattr(t, op)(dim, keepdim).values, (x,))


def test_mean_grad_is_one_over_the_count_of_reduced_elements():
    x = leaf(np.arange(24.0).reshape(2, 3, 4))
    x.mean(axis=(0, -1)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3, 4), 1 / 8))


def test_logsumexp_is_stable_for_large_inputs():
    x_np = np.array([[1000.0, 1000.0], [-1000.0, -1001.0]])
    x = leaf(x_np)
    out = x.logsumexp(axis=1)
    np.testing.assert_allclose(out.numpy(), [1000.0 + np.log(2.0), -1000.0 + np.log1p(np.exp(-1.0))])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.5, 0.5], [1 / (1 + np.exp(-1.0)), 1 / (1 + np.exp(1.0))]])


# ---------------------------------------------------------------------------- softmax, log_softmax
@st.composite
def shape_and_axis(draw, extra: int = 0):
    """A shape with at least one dimension and an axis of it (maybe negative); ``extra`` allows new axes."""
    shape = draw(NONSCALAR_SHAPES)
    ndim = len(shape) + extra
    return shape, draw(st.integers(-ndim, ndim - 1))


def np_softmax(a: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize(
    "op, reference",
    [
        (lambda x, ax: x.softmax(ax), np_softmax),
        (lambda x, ax: tg.softmax(x, axis=ax), np_softmax),
        (lambda x, ax: tg.softmax(x, dim=ax), np_softmax),
        (lambda x, ax: x.log_softmax(ax), lambda a, ax: np.log(np_softmax(a, ax))),
        (lambda x, ax: tg.log_softmax(x, axis=ax), lambda a, ax: np.log(np_softmax(a, ax))),
        (lambda x, ax: x.log_softmax(dim=ax), lambda a, ax: np.log(np_softmax(a, ax))),
    ],
    ids=[
        "softmax_method",
        "softmax_function",
        "softmax_dim",
        "log_softmax_method",
        "log_softmax_function",
        "log_softmax_dim",
    ],
)
@given(case=shape_and_axis(), seed=SEEDS)
def test_softmax_and_log_softmax_gradcheck_and_forward_along_each_axis(op, reference, case, seed):
    shape, axis = case
    x_np = uniform(seed, shape, -3.0, 3.0)
    x = leaf(x_np)
    out = op(x, axis)
    assert out.shape == shape
    np.testing.assert_allclose(out.numpy(), reference(x_np, axis), rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(lambda t: op(t, axis), (x,))


@given(case=shape_and_axis(), seed=SEEDS)
def test_softmax_sums_to_one_and_its_gradient_of_the_sum_is_zero(case, seed):
    shape, axis = case
    x = leaf(uniform(seed, shape, -3.0, 3.0))
    out = x.softmax(axis)
    np.testing.assert_allclose(out.numpy().sum(axis=axis), 1.0)
    (grad,) = grad_of_sum(lambda t: t.softmax(axis), x)
    np.testing.assert_allclose(grad, 0.0, atol=1e-12)


def test_softmax_is_stable_for_large_inputs():
    x = leaf(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(x.softmax(0).numpy(), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(x.log_softmax(0).numpy(), [-np.log(2.0), -np.log(2.0), -2000.0 - np.log(2.0)])


# ---------------------------------------------------------------------------- shape ops
@st.composite
def reshape_cases(draw):
    """A shape and a target shape of the same size (maybe with one -1)."""
    shape = draw(SHAPES)
    size = math.prod(shape)
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    first = draw(st.sampled_from(divisors))
    rest = size // first
    second = draw(st.sampled_from([d for d in divisors if rest % d == 0]))
    target = [first, second, rest // second]
    if draw(st.booleans()):
        target[draw(st.integers(0, 2))] = -1
    return shape, tuple(target)


@given(case=reshape_cases(), seed=SEEDS)
def test_reshape_gradcheck_and_forward_with_tuple_varargs_and_minus_one(case, seed):
    shape, target = case
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    expected = x_np.reshape(target)
    for out in (x.reshape(target), x.reshape(*target), x.view(target), tg.reshape(x, target)):
        assert out.shape == expected.shape
        np.testing.assert_array_equal(out.numpy(), expected)
    assert tg.gradcheck(lambda t: t.reshape(target) * np.arange(expected.size).reshape(expected.shape), (x,))
    assert tg.gradcheck(lambda t: tg.reshape(t, -1), (x,))


@given(shape=SHAPES, data=st.data(), seed=SEEDS)
def test_flatten_gradcheck_and_forward_between_start_and_end_dims(shape, data, seed):
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    ndim = len(shape)
    if ndim == 0:
        start, end, expected_shape = 0, -1, (1,)
    else:
        start = data.draw(st.integers(-ndim, ndim - 1))
        end = data.draw(st.integers(start % ndim, ndim - 1))  # at or after start
        if data.draw(st.booleans()):
            end -= ndim
        s, e = start % ndim, end % ndim
        expected_shape = (*shape[:s], math.prod(shape[s : e + 1]), *shape[e + 1 :])
    for out in (x.flatten(start, end), tg.flatten(x, start, end)):
        assert out.shape == expected_shape
        np.testing.assert_array_equal(out.numpy(), x_np.reshape(expected_shape))
    assert tg.gradcheck(lambda t: t.flatten(start, end), (x,))
    assert x.flatten().shape == (max(1, x_np.size),)


@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_transpose_and_permute_gradcheck_and_forward(shape, data, seed):
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    ndim = len(shape)
    d0, d1 = data.draw(st.integers(-ndim, ndim - 1)), data.draw(st.integers(-ndim, ndim - 1))
    perm = tuple(data.draw(st.permutations(range(ndim))))
    np.testing.assert_array_equal(x.transpose(d0, d1).numpy(), np.swapaxes(x_np, d0, d1))
    np.testing.assert_array_equal(tg.transpose(x, d0, d1).numpy(), np.swapaxes(x_np, d0, d1))
    np.testing.assert_array_equal(x.permute(perm).numpy(), np.transpose(x_np, perm))
    np.testing.assert_array_equal(x.permute(*perm).numpy(), np.transpose(x_np, perm))
    np.testing.assert_array_equal(tg.permute(x, perm).numpy(), np.transpose(x_np, perm))
    np.testing.assert_array_equal(x.T.numpy(), x_np.T)
    np.testing.assert_array_equal(x.transpose().numpy(), x_np.T)
    assert tg.gradcheck(lambda t: t.transpose(d0, d1), (x,))
    assert tg.gradcheck(lambda t: t.permute(perm), (x,))
    assert tg.gradcheck(lambda t: t.T, (x,))
    if ndim >= 2:
        np.testing.assert_array_equal(x.mT.numpy(), np.swapaxes(x_np, -1, -2))
        assert tg.gradcheck(lambda t: t.mT, (x,))


SHAPES_WITH_ONES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=2)


@given(shape=SHAPES_WITH_ONES, data=st.data(), seed=SEEDS)
def test_squeeze_and_unsqueeze_gradcheck_and_forward(shape, data, seed):
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    ndim = len(shape)
    np.testing.assert_array_equal(x.squeeze().numpy(), np.squeeze(x_np))
    assert x.squeeze().shape == np.squeeze(x_np).shape
    assert tg.gradcheck(lambda t: t.squeeze(), (x,))
    if ndim:
        axis = data.draw(st.integers(-ndim, ndim - 1))
        # PyTorch semantics: a dimension that is not 1 is left in place
        expected = np.squeeze(x_np, axis) if shape[axis] == 1 else x_np
        for out in (x.squeeze(axis), x.squeeze(dim=axis), tg.squeeze(x, axis)):
            assert out.shape == expected.shape
            np.testing.assert_array_equal(out.numpy(), expected)
        assert tg.gradcheck(lambda t: t.squeeze(axis), (x,))
    new = data.draw(st.integers(-ndim - 1, ndim))
    for out in (x.unsqueeze(new), tg.unsqueeze(x, new)):
        assert out.shape == np.expand_dims(x_np, new).shape
        np.testing.assert_array_equal(out.numpy(), np.expand_dims(x_np, new))
    assert tg.gradcheck(lambda t: t.unsqueeze(new), (x,))


@given(shapes=PAIRS, seed=SEEDS)
def test_broadcast_to_gradcheck_forward_and_grad_sums_over_the_copies(shapes, seed):
    shape, target = shapes.input_shapes[0], shapes.result_shape
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    for out in (tg.broadcast_to(x, target), x.broadcast_to(target), x.expand(*target)):
        assert out.shape == target
        np.testing.assert_array_equal(out.numpy(), np.broadcast_to(x_np, target))
    assert tg.gradcheck(lambda t: tg.broadcast_to(t, target), (x,))
    (grad,) = grad_of_sum(lambda t: tg.broadcast_to(t, target), x)
    np.testing.assert_allclose(grad, unbroadcast(np.ones(target), shape))


@st.composite
def pad_cases(draw):
    shape = draw(NONSCALAR_SHAPES)
    widths = st.integers(0, 2)
    form = draw(st.sampled_from(["int", "pair", "per_dim"]))
    if form == "int":
        pad_width = draw(widths)
    elif form == "pair":
        pad_width = (draw(widths), draw(widths))
    else:
        pad_width = tuple((draw(widths), draw(widths)) for _ in shape)
    return shape, pad_width, draw(st.sampled_from([0.0, -1.5]))


@given(case=pad_cases(), seed=SEEDS)
def test_pad_gradcheck_forward_and_grad_ignores_the_padding(case, seed):
    shape, pad_width, value = case
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    out = tg.pad(x, pad_width, value=value)
    expected = np.pad(x_np, pad_width, mode="constant", constant_values=value)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    assert tg.gradcheck(lambda t: tg.pad(t, pad_width, value=value), (x,))
    (grad,) = grad_of_sum(lambda t: tg.pad(t, pad_width, value=value) * 2.0, x)
    np.testing.assert_allclose(grad, np.full(shape, 2.0))


def test_pad_of_a_zero_dim_tensor_by_zero_returns_its_value_like_numpy():
    x = leaf(np.array(1.5))
    out = tg.pad(x, 0)
    assert out.shape == ()
    np.testing.assert_array_equal(out.numpy(), np.pad(np.array(1.5), 0))


# ---------------------------------------------------------------------------- indexing
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_basic_indexing_gradcheck_and_forward_with_ints_slices_none_and_ellipsis(shape, data, seed):
    index = data.draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    out = x[index]
    assert out.shape == x_np[index].shape
    np.testing.assert_array_equal(out.numpy(), x_np[index])
    assert tg.gradcheck(lambda t: t[index], (x,))
    (grad,) = grad_of_sum(lambda t: t[index], x)
    expected = np.zeros(shape)
    expected[index] = 1.0
    np.testing.assert_array_equal(grad, expected)


@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_integer_array_indexing_accumulates_gradient_at_repeated_indices(shape, data, seed):
    index = data.draw(
        hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=5))
    )
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    out = x[index]
    np.testing.assert_array_equal(out.numpy(), x_np[index])
    assert tg.gradcheck(lambda t: t[index], (x,))
    (grad,) = grad_of_sum(lambda t: t[index], x)
    expected = np.zeros(shape)
    np.add.at(expected, index, 1.0)
    np.testing.assert_array_equal(grad, expected)


def test_repeated_list_index_gives_gradient_two_at_the_repeated_position():
    x = leaf(np.array([1.0, 2.0, 3.0, 4.0]))
    x[[0, 0, 1]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 1.0, 0.0, 0.0])
    for index in (np.array([0, 0, 1]), tg.tensor([0, 0, 1])):
        x.grad = None
        out = x[index]
        np.testing.assert_array_equal(out.numpy(), [1.0, 1.0, 2.0])
        out.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [2.0, 1.0, 0.0, 0.0])
    y = leaf(np.arange(6.0).reshape(2, 3))
    (y[[1, 1, 1], [2, 2, 0]] * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [[0.0, 0.0, 0.0], [100.0, 0.0, 11.0]])


@pytest.mark.parametrize(
    "index",
    [
        0,
        -1,
        (1, -2),
        slice(None, None, -1),
        slice(3, 0, -2),
        (slice(None), slice(None, None, 2)),
        (Ellipsis, 1),
        (None, Ellipsis, None),
        (1, None, slice(1, None)),
        [2, 0, 2],
        np.array([-1, 0, -1]),
        (slice(None), [0, 0, 3]),
        ([0, 2], [1, 1]),
        (Ellipsis, [1, 1]),
        ([[0, 1], [1, 0]], slice(None, None, -1)),
        (slice(1, 3), np.array([1, 1]), slice(None)),
        (np.array([0, 2]), slice(None), np.array([1, 1])),
        (None, [1, 1], Ellipsis),
    ],
    ids=repr,
)
def test_mixed_indexing_gradcheck_forward_and_accumulated_grad(index):
    x_np = uniform(7, (3, 4, 2))
    x = leaf(x_np)
    expected = x_np[index]
    out = x[index]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    assert tg.gradcheck(lambda t: t[index], (x,))
    (grad,) = grad_of_sum(lambda t: t[index], x)
    counts = np.zeros(x_np.shape)
    np.add.at(counts, index, 1.0)
    np.testing.assert_array_equal(grad, counts)


@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_boolean_mask_indexing_gradcheck_forward_and_grad_is_the_mask(shape, data, seed):
    lead = data.draw(st.integers(1, len(shape)))
    mask = data.draw(hnp.arrays(np.bool_, shape[:lead]))
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    for index in (mask, tg.tensor(mask)):
        out = x[index]
        assert out.shape == x_np[mask].shape
        np.testing.assert_array_equal(out.numpy(), x_np[mask])
    assert tg.gradcheck(lambda t: t[mask], (x,))
    (grad,) = grad_of_sum(lambda t: t[mask], x)
    expected = np.broadcast_to(mask.reshape(mask.shape + (1,) * (len(shape) - lead)), shape).astype(float)
    np.testing.assert_array_equal(grad, expected)


@given(shape=NONSCALAR_SHAPES, seed=SEEDS)
def test_comparison_mask_selects_positive_values_and_their_gradient(shape, seed):
    x_np = away_from_zero(seed, shape)
    x = leaf(x_np)
    out = x[x > 0]
    np.testing.assert_array_equal(out.numpy(), x_np[x_np > 0])
    (grad,) = grad_of_sum(lambda t: t[t > 0] ** 2, x)
    np.testing.assert_allclose(grad, np.where(x_np > 0, 2 * x_np, 0.0))


@given(shape=NONSCALAR_SHAPES, seed=SEEDS)
def test_iterating_a_tensor_yields_rows_whose_gradients_add_up(shape, seed):
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    rows = list(x)
    assert len(rows) == shape[0]
    for row, expected in zip(rows, x_np):
        np.testing.assert_array_equal(row.numpy(), expected)
    (grad,) = grad_of_sum(lambda t: tg.stack([r * (i + 1) for i, r in enumerate(t)]), x)
    np.testing.assert_allclose(
        grad, np.broadcast_to(np.arange(1.0, shape[0] + 1).reshape((-1,) + (1,) * (len(shape) - 1)), shape)
    )


# ---------------------------------------------------------------------------- cat, stack, split, chunk
@st.composite
def cat_cases(draw):
    """Shapes of 1-3 tensors that differ only along ``axis``, and the axis (maybe negative)."""
    base = draw(NONSCALAR_SHAPES)
    ndim = len(base)
    axis = draw(st.integers(-ndim, ndim - 1))
    lengths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    shapes = []
    for n in lengths:
        shape = list(base)
        shape[axis] = n
        shapes.append(tuple(shape))
    return shapes, axis


@pytest.mark.parametrize(
    "join",
    [
        lambda xs, axis: tg.cat(xs, axis),
        lambda xs, axis: tg.cat(xs, dim=axis),
        lambda xs, axis: tg.concatenate(xs, axis=axis),
    ],
    ids=["cat", "cat_dim", "concatenate"],
)
@given(case=cat_cases(), seed=SEEDS)
def test_cat_gradcheck_forward_and_each_piece_gets_its_slice_of_the_gradient(join, case, seed):
    shapes, axis = case
    arrays = [uniform(seed + i, s) for i, s in enumerate(shapes)]
    xs = [leaf(a) for a in arrays]
    out = join(xs, axis)
    expected = np.concatenate(arrays, axis=axis)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    assert tg.gradcheck(lambda *ts: join(list(ts), axis), xs)
    weights = uniform(seed + 10, expected.shape)
    grads = grad_of_sum(lambda *ts: join(list(ts), axis) * weights, *xs)
    bounds = np.cumsum([0] + [s[axis] for s in shapes])
    for g, lo, hi in zip(grads, bounds, bounds[1:]):
        np.testing.assert_array_equal(g, np.take(weights, np.arange(lo, hi), axis=axis))


def test_cat_with_an_empty_piece_gradcheck_and_forward():
    a_np, empty_np = uniform(3, (2, 3)), np.zeros((0, 3))
    a, empty = leaf(a_np), leaf(empty_np)
    out = tg.cat([a, empty], 0)
    np.testing.assert_array_equal(out.numpy(), np.concatenate([a_np, empty_np]))
    grad_a, grad_empty = grad_of_sum(lambda p, q: tg.cat([p, q]), a, empty)
    np.testing.assert_array_equal(grad_a, np.ones((2, 3)))
    assert grad_empty.shape == (0, 3)
    assert tg.gradcheck(lambda p, q: tg.cat([p, q]), (a, empty))


@given(shape=SHAPES, count=st.integers(1, 3), data=st.data(), seed=SEEDS)
def test_stack_gradcheck_and_forward_along_a_new_axis(shape, count, data, seed):
    ndim = len(shape) + 1
    axis = data.draw(st.integers(-ndim, ndim - 1))
    arrays = [uniform(seed + i, shape) for i in range(count)]
    xs = [leaf(a) for a in arrays]
    expected = np.stack(arrays, axis=axis)
    for out in (tg.stack(xs, axis), tg.stack(xs, dim=axis)):
        assert out.shape == expected.shape
        np.testing.assert_array_equal(out.numpy(), expected)
    assert tg.gradcheck(lambda *ts: tg.stack(list(ts), axis), xs)
    grads = grad_of_sum(lambda *ts: tg.stack(list(ts), axis) * expected, *xs)
    for g, a in zip(grads, arrays):
        np.testing.assert_array_equal(g, a)


@st.composite
def split_cases(draw):
    shape = draw(NONSCALAR_SHAPES)
    ndim = len(shape)
    axis = draw(st.integers(-ndim, ndim - 1))
    length = shape[axis]
    if draw(st.booleans()):
        sections = draw(st.integers(1, length + 1))
    else:
        cuts = sorted(draw(st.lists(st.integers(0, length), max_size=3)))
        bounds = [0, *cuts, length]
        sections = [hi - lo for lo, hi in itertools.pairwise(bounds)]
    return shape, axis, sections


def np_split_sizes(length: int, sections) -> list[int]:
    """PyTorch's split: an int is the size of each piece (the last may be smaller); a list the sizes."""
    if isinstance(sections, int):
        return [min(sections, length - lo) for lo in range(0, length, sections)]
    return list(sections)


@pytest.mark.parametrize(
    "split",
    [
        lambda x, s, axis: tg.split(x, s, axis),
        lambda x, s, axis: tg.split(x, s, dim=axis),
        lambda x, s, axis: x.split(s, axis),
        lambda x, s, axis: x.split(s, dim=axis),
    ],
    ids=["function", "function_dim", "method", "method_dim"],
)
@given(case=split_cases(), seed=SEEDS)
def test_split_gradcheck_and_forward_with_size_or_sections(split, case, seed):
    shape, axis, sections = case
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    pieces = split(x, sections, axis)
    sizes = np_split_sizes(shape[axis], sections)
    expected = np.split(x_np, np.cumsum(sizes)[:-1], axis=axis)
    assert [p.shape for p in pieces] == [e.shape for e in expected]
    for p, e in zip(pieces, expected):
        np.testing.assert_array_equal(p.numpy(), e)
    assert tg.gradcheck(lambda t: tuple(split(t, sections, axis)), (x,))
    x.grad = None
    total = pieces[0].sum() * 1.0
    for i, p in enumerate(pieces[1:], start=2):
        total = total + p.sum() * float(i)
    total.backward()
    factors = np.repeat(np.arange(1.0, len(sizes) + 1), sizes)
    factors = factors.reshape([-1 if i == axis % len(shape) else 1 for i in range(len(shape))])
    np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(factors, shape))


@given(shape=NONSCALAR_SHAPES, chunks=st.integers(1, 5), data=st.data(), seed=SEEDS)
def test_chunk_gradcheck_and_forward_like_pytorch(shape, chunks, data, seed):
    ndim = len(shape)
    axis = data.draw(st.integers(-ndim, ndim - 1))
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    length = shape[axis]
    size = -(-length // chunks)
    expected = [
        np.take(x_np, np.arange(lo, min(lo + size, length)), axis=axis) for lo in range(0, length, size)
    ]
    for pieces in (tg.chunk(x, chunks, axis), tg.chunk(x, chunks, dim=axis), x.chunk(chunks, axis)):
        assert len(pieces) <= chunks
        assert [p.shape for p in pieces] == [e.shape for e in expected]
        for p, e in zip(pieces, expected):
            np.testing.assert_array_equal(p.numpy(), e)
    assert tg.gradcheck(lambda t: tuple(tg.chunk(t, chunks, axis)), (x,))


def test_chunk_of_six_into_four_gives_three_pieces_of_two_like_pytorch():
    pieces = tg.chunk(leaf(np.arange(6.0)), 4)
    assert [p.shape for p in pieces] == [(2,), (2,), (2,)]


# ---------------------------------------------------------------------------- dtype casts
@given(shape=SHAPES, seed=SEEDS)
def test_astype_float32_round_trip_forward_and_gradient_dtype(shape, seed):
    x_np = uniform(seed, shape)
    x = leaf(x_np)
    low = x.astype(tg.float32)
    assert low.dtype == np.float32
    np.testing.assert_array_equal(low.numpy(), x_np.astype(np.float32))
    back = low.astype(np.float64)
    assert back.dtype == np.float64
    np.testing.assert_array_equal(back.numpy(), x_np.astype(np.float32).astype(np.float64))
    np.testing.assert_allclose(back.numpy(), x_np, rtol=1e-6)
    np.testing.assert_array_equal(x.float().numpy(), low.numpy())
    np.testing.assert_array_equal(x.float().double().numpy(), back.numpy())
    assert x.astype(np.float64) is x
    (back * 3.0).sum().backward()
    assert x.grad.dtype == np.float64
    assert x.grad.shape == shape
    np.testing.assert_allclose(x.grad.numpy(), np.full(shape, 3.0))
    assert tg.gradcheck(lambda t: t.astype(np.float64) * 2.0, (x,))


@given(case=reduction_cases(min_side=1, allow_scalar=False), descending=st.booleans(), seed=SEEDS)
def test_sort_matches_numpy_and_sends_each_gradient_back_to_its_position(case, descending, seed):
    shape, axis = case
    dim = axis if isinstance(axis, int) else -1
    x_np = distinct(seed, shape)
    x = leaf(x_np)
    values, indices = tg.sort(x, dim, descending=descending)
    order = np.argsort(-x_np if descending else x_np, axis=dim)
    np.testing.assert_array_equal(indices.numpy(), order)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x_np, order, axis=dim))
    assert tg.gradcheck(
        lambda t: t.sort(dim, descending).values * tg.tensor(np.arange(1.0, 1 + t.size).reshape(t.shape)),
        (x,),
    )


@given(
    case=reduction_cases(min_side=1, allow_scalar=False), largest=st.booleans(), seed=SEEDS, data=st.data()
)
def test_topk_is_the_first_k_of_the_sort_as_pytorch(case, largest, seed, data):
    shape, axis = case
    dim = axis if isinstance(axis, int) else -1
    k = data.draw(st.integers(0, shape[dim]))
    x_np = distinct(seed, shape)
    x = leaf(x_np)
    values, indices = x.topk(k, dim, largest=largest)
    order = np.argsort(-x_np if largest else x_np, axis=dim).take(np.arange(k), axis=dim)
    np.testing.assert_array_equal(indices.numpy(), order)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x_np, order, axis=dim))
    if k:
        assert tg.gradcheck(lambda t: t.topk(k, dim, largest).values.sum(), (x,))


def test_sort_keeps_ties_in_order_and_topk_names_a_bad_k():
    values, indices = tg.tensor([2.0, 1.0, 2.0, 0.0]).sort(descending=True)
    np.testing.assert_array_equal(indices.numpy(), [0, 2, 1, 3])
    np.testing.assert_array_equal(values.numpy(), [2.0, 2.0, 1.0, 0.0])
    with pytest.raises(ValueError, match=r"topk: k=5 is out of range for dimension -1 of size 4"):
        tg.tensor([2.0, 1.0, 2.0, 0.0]).topk(5)


@given(case=reduction_cases(min_side=1, allow_scalar=False), seed=SEEDS, data=st.data())
def test_gather_reads_along_dim_as_pytorch_and_adds_up_repeated_reads(case, seed, data):
    shape, axis = case
    dim = axis if isinstance(axis, int) else 0
    d = dim % len(shape)
    rng = np.random.default_rng(seed)
    index_shape = tuple(
        data.draw(st.integers(1, 3)) if i == d else data.draw(st.integers(1, n)) for i, n in enumerate(shape)
    )
    index = rng.integers(0, shape[d], index_shape)
    x_np = distinct(seed, shape)
    x = leaf(x_np)
    out = tg.gather(x, dim, tg.tensor(index))
    expected = np.take_along_axis(
        x_np[tuple(slice(n) if i != d else slice(None) for i, n in enumerate(index_shape))], index, axis=d
    )
    np.testing.assert_array_equal(out.numpy(), expected)
    assert tg.gradcheck(
        lambda t: t.gather(dim, index) * tg.tensor(np.arange(1.0, 1 + index.size).reshape(index_shape)), (x,)
    )
    assert tg.gradgradcheck(lambda t: t.gather(dim, index) ** 2, (x,))


def test_gather_names_a_bad_index():
    x = tg.ones((2, 3))
    with pytest.raises(ValueError, match=r"gather: index must be an integer tensor with 2 dimension"):
        x.gather(1, tg.tensor([0, 1]))
    with pytest.raises(IndexError, match=r"gather: index values must lie in \[0, 3\) along dim 1"):
        x.gather(1, tg.tensor([[3]]))


def test_masked_fill_puts_the_value_where_the_mask_is_true_and_the_gradient_elsewhere():
    x = leaf(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    causal = tg.tensor(np.triu(np.ones((2, 3), dtype=bool), 1))
    out = x.masked_fill(causal, float("-inf"))
    np.testing.assert_array_equal(out.numpy(), [[1.0, -np.inf, -np.inf], [4.0, 5.0, -np.inf]])
    out.softmax(-1).sum().backward()
    assert x.grad is not None and np.all(x.grad.numpy()[causal.numpy()] == 0)
    assert tg.gradcheck(lambda t: t.masked_fill(causal, 0.5) * t, (x,))
    with pytest.raises(TypeError, match="masked_fill: the mask must be boolean"):
        x.masked_fill(tg.ones((2, 3)), 0.0)


@pytest.mark.parametrize("diagonal", [-1, 0, 1, 2])
def test_tril_and_triu_match_numpy_and_pass_gradcheck(diagonal):
    x_np = distinct(3, (2, 3, 4))
    x = leaf(x_np)
    np.testing.assert_array_equal(tg.tril(x, diagonal).numpy(), np.tril(x_np, diagonal))
    np.testing.assert_array_equal(x.triu(diagonal).numpy(), np.triu(x_np, diagonal))
    assert tg.gradcheck(lambda t: t.tril(diagonal) * t + t.triu(diagonal), (x,))


def test_one_hot_as_pytorch():
    import tensorgrad.nn.functional as F

    codes = F.one_hot(tg.tensor([[0, 2], [1, 0]]))
    assert codes.dtype == np.int64 and codes.shape == (2, 2, 3)
    np.testing.assert_array_equal(codes.numpy()[0], [[1, 0, 0], [0, 0, 1]])
    assert F.one_hot(tg.tensor([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    with pytest.raises(
        ValueError, match=r"one_hot: class labels must lie in \[0, 2\), got values from 0 to 2"
    ):
        F.one_hot(tg.tensor([0, 2]), 2)
