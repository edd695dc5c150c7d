"""Second derivatives, property-based: every differentiable op passes ``tg.gradgradcheck`` in float64.

``gradgradcheck`` differentiates the backward formula itself (taken with ``create_graph=True``), so this
checks that each op's backward is written with differentiable Tensor ops and that they compose correctly.
Inputs stay away from kinks, ties and zero, as in ``test_ops_grad``; shapes are small (second-order
finite differences run the backward pass for every element of the inputs and of the output weights).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tests.values import away_from_zero, distinct, leaf, on_grid, positive, reduction_cases, uniform

FEW = settings(max_examples=8)

SEEDS = st.integers(0, 2**32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
NONSCALAR_SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


# ---------------------------------------------------------------------------- elementwise
BINARY = {
    "add": (lambda a, b: a + b, uniform, uniform),
    "sub": (lambda a, b: a - b, uniform, uniform),
    "mul": (lambda a, b: a * b, uniform, uniform),
    "truediv": (lambda a, b: a / b, uniform, away_from_zero),
    "pow": (lambda a, b: a**b, positive, uniform),
    "maximum": (tg.maximum, lambda s, sh: on_grid(s, sh, 0.0), lambda s, sh: on_grid(s, sh, 0.1)),
    "minimum": (tg.minimum, lambda s, sh: on_grid(s, sh, 0.0), lambda s, sh: on_grid(s, sh, 0.1)),
}


@pytest.mark.parametrize("name", list(BINARY))
@FEW
@given(shapes=PAIRS, seed=SEEDS)
def test_binary_op_second_derivatives_with_broadcasting(name, shapes, seed):
    op, values_a, values_b = BINARY[name]
    shape_a, shape_b = shapes.input_shapes
    a, b = leaf(values_a(seed, shape_a)), leaf(values_b(seed + 1, shape_b))
    assert tg.gradgradcheck(op, (a, b))


SCALAR = {
    "add_scalar": (lambda x: x + 2.5, uniform),
    "radd": (lambda x: 2.5 + x, uniform),
    "sub_scalar": (lambda x: x - 1.5, uniform),
    "rsub": (lambda x: 1.5 - x, uniform),
    "mul_scalar": (lambda x: x * -3.0, uniform),
    "rmul": (lambda x: -3.0 * x, uniform),
    "truediv_scalar": (lambda x: x / 4.0, uniform),
    "rtruediv": (lambda x: 2.0 / x, away_from_zero),
    "pow_int": (lambda x: x**3, uniform),
    "pow_float": (lambda x: x**1.5, positive),
    "pow_negative": (lambda x: x**-2.0, away_from_zero),
    "rpow": (lambda x: 2.0**x, uniform),
    "neg": (lambda x: -x, uniform),
    "square": (lambda x: x * x, uniform),
}


@pytest.mark.parametrize("name", list(SCALAR))
@FEW
@given(shape=SHAPES, seed=SEEDS)
def test_scalar_operand_op_second_derivatives(name, shape, seed):
    op, values = SCALAR[name]
    assert tg.gradgradcheck(op, (leaf(values(seed, shape)),))


UNARY = {
    "abs": (tg.abs, away_from_zero),
    "exp": (tg.exp, uniform),
    "log": (tg.log, positive),
    "sqrt": (tg.sqrt, positive),
    "tanh": (tg.tanh, uniform),
    "sigmoid": (tg.sigmoid, uniform),
    "relu": (tg.relu, away_from_zero),
    "leaky_relu": (lambda x: tg.leaky_relu(x, 0.2), away_from_zero),
    "clip": (lambda x: tg.clip(x, -0.4, 0.6), lambda s, sh: on_grid(s, sh, 0.1)),
    "clip_min_only": (lambda x: x.clip(min=-0.4), lambda s, sh: on_grid(s, sh, 0.1)),
    "maximum_scalar": (lambda x: x.maximum(0.0), lambda s, sh: on_grid(s, sh, 0.1)),
    "minimum_scalar": (lambda x: x.minimum(0.4), lambda s, sh: on_grid(s, sh, 0.1)),
    # nonlinear compositions, so a wrong second derivative of the piecewise-linear ops cannot hide
    "relu_squared": (lambda x: tg.relu(x) ** 2, away_from_zero),
    "abs_times_exp": (lambda x: tg.abs(x) * tg.exp(x), away_from_zero),
    "tanh_of_sigmoid": (lambda x: tg.tanh(tg.sigmoid(x) * 3.0), uniform),
}


@pytest.mark.parametrize("name", list(UNARY))
@FEW
@given(shape=SHAPES, seed=SEEDS)
def test_unary_op_second_derivatives(name, shape, seed):
    op, values = UNARY[name]
    assert tg.gradgradcheck(op, (leaf(values(seed, shape)),))


@FEW
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), seed=SEEDS)
def test_where_second_derivatives_with_broadcast_condition(shapes, seed):
    shape_c, shape_x, shape_y = shapes.input_shapes
    cond = np.random.default_rng(seed).random(shape_c) > 0.5
    x, y = leaf(uniform(seed + 1, shape_x)), leaf(uniform(seed + 2, shape_y))
    assert tg.gradgradcheck(lambda a, b: tg.where(cond, a * a, b.exp()), (x, y))


def test_second_derivative_through_astype_float32_is_cast_back_to_float64():
    x_np = np.array([0.5, -1.25, 2.0])
    x = leaf(x_np)
    y = (x.astype(tg.float32) ** 3).sum()
    (g,) = tg.grad(y, x, create_graph=True)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g.numpy(), 3 * x_np**2, rtol=1e-6)
    (gg,) = tg.grad(g.sum(), x)
    assert gg.dtype == np.float64
    np.testing.assert_allclose(gg.numpy(), 6 * x_np, rtol=1e-6)


def test_second_derivative_of_x_cubed_by_double_backward():
    x = leaf(np.array([1.0, -2.0, 3.0]))
    (g,) = tg.grad((x**3).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0, 27.0])
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, -12.0, 18.0])


# ---------------------------------------------------------------------------- matmul
@pytest.mark.parametrize(
    "shape_a, shape_b",
    [
        ((3,), (3,)),
        ((3,), (3, 2)),
        ((2, 3), (3,)),
        ((2, 3), (3, 2)),
        ((2, 2, 3), (2, 3, 2)),
        ((2, 1, 2, 3), (3, 3, 2)),
        ((2, 3), (2, 3, 2)),
    ],
    ids=str,
)
def test_matmul_second_derivatives_for_each_rank_combination(shape_a, shape_b):
    a, b = leaf(uniform(1, shape_a)), leaf(uniform(2, shape_b))
    assert tg.gradgradcheck(lambda p, q: p @ q, (a, b))


@FEW
@given(
    shapes=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3),
    seed=SEEDS,
)
def test_matmul_second_derivatives_over_generated_batch_broadcasting(shapes, seed):
    shape_a, shape_b = shapes.input_shapes
    a, b = leaf(uniform(seed, shape_a)), leaf(uniform(seed + 1, shape_b))
    assert tg.gradgradcheck(tg.matmul, (a, b))


# ---------------------------------------------------------------------------- reductions
REDUCTIONS = {
    "sum": lambda x, axis, keep: x.sum(axis, keepdims=keep),
    "mean": lambda x, axis, keep: x.mean(axis, keepdims=keep),
    "amax": lambda x, axis, keep: x.amax(axis, keepdims=keep),
    "amin": lambda x, axis, keep: x.amin(axis, keepdims=keep),
    "logsumexp": lambda x, axis, keep: x.logsumexp(axis, keepdims=keep),
    "sum_dim_keepdim": lambda x, axis, keep: x.sum(dim=axis, keepdim=keep),
    "amax_dim_keepdim": lambda x, axis, keep: x.amax(dim=axis, keepdim=keep),
    # max along one dim (values, indices): the values through the index picked
    "max_one_dim": lambda x, axis, keep: x.max(axis if isinstance(axis, int) else -1, keep).values ** 2,
    # squared, so the zero second derivative of sum/max cannot hide a mistake
    "mean_squared": lambda x, axis, keep: x.mean(axis, keepdims=keep) ** 2,
    "amax_times_exp": lambda x, axis, keep: x.exp().amax(axis, keepdims=keep) * 2.0,
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@FEW
@given(case=reduction_cases(max_side=3), keepdims=st.booleans(), seed=SEEDS)
def test_reduction_second_derivatives_for_every_axis_form(name, case, keepdims, seed):
    shape, axis = case
    x = leaf(distinct(seed, shape))
    assert tg.gradgradcheck(lambda t: REDUCTIONS[name](t, axis, keepdims), (x,))


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("correction", [1, 0])
@FEW
@given(case=reduction_cases(min_side=2, max_side=3, allow_scalar=False), keepdims=st.booleans(), seed=SEEDS)
def test_var_std_second_derivatives(name, correction, case, keepdims, seed):
    shape, axis = case
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(
        lambda t: getattr(t, name)(axis=axis, keepdims=keepdims, correction=correction), (x,)
    )


@pytest.mark.parametrize(
    "op",
    [lambda x, ax: x.softmax(ax), lambda x, ax: x.log_softmax(ax), lambda x, ax: tg.softmax(x, dim=ax)],
    ids=["softmax", "log_softmax", "softmax_dim"],
)
@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_softmax_and_log_softmax_second_derivatives_along_each_axis(op, shape, data, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: op(t, axis), (x,))


# ---------------------------------------------------------------------------- shape ops
# each composed with a square, so the second derivative is not trivially zero
@FEW
@given(shape=SHAPES, seed=SEEDS)
def test_reshape_and_flatten_second_derivatives(shape, seed):
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: t.reshape(-1) ** 2, (x,))
    assert tg.gradgradcheck(lambda t: t.flatten() * t.reshape(-1), (x,))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_transpose_and_permute_second_derivatives(shape, data, seed):
    ndim = len(shape)
    d0, d1 = data.draw(st.integers(-ndim, ndim - 1)), data.draw(st.integers(-ndim, ndim - 1))
    perm = tuple(data.draw(st.permutations(range(ndim))))
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: t.transpose(d0, d1) ** 2, (x,))
    assert tg.gradgradcheck(lambda t: t.permute(perm) ** 2, (x,))


@FEW
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=2), data=st.data(), seed=SEEDS)
def test_squeeze_and_unsqueeze_second_derivatives(shape, data, seed):
    new = data.draw(st.integers(-len(shape) - 1, len(shape)))
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: t.squeeze() ** 2, (x,))
    assert tg.gradgradcheck(lambda t: t.unsqueeze(new) ** 2, (x,))


@FEW
@given(shapes=PAIRS, seed=SEEDS)
def test_broadcast_to_second_derivatives(shapes, seed):
    target = shapes.result_shape
    x = leaf(uniform(seed, shapes.input_shapes[0]))
    assert tg.gradgradcheck(lambda t: tg.broadcast_to(t, target) ** 2, (x,))


@FEW
@given(shape=NONSCALAR_SHAPES, widths=st.integers(0, 2), seed=SEEDS)
def test_pad_second_derivatives(shape, widths, seed):
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: tg.pad(t, widths, value=1.0) ** 2, (x,))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_basic_indexing_second_derivatives(shape, data, seed):
    index = data.draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    x = leaf(uniform(seed, shape))
    assume(
        x.numpy()[index].size > 0
    )  # empty results: see test_gradgradcheck_of_an_empty_slice_passes_trivially
    assert tg.gradgradcheck(lambda t: t[index] ** 2, (x,))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_integer_array_indexing_with_repeats_second_derivatives(shape, data, seed):
    index = data.draw(
        hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4))
    )
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: t[index] ** 2, (x,))


def test_repeated_index_second_derivative_accumulates():
    x = leaf(np.array([1.0, 2.0, 3.0]))
    (g,) = tg.grad((x[[0, 0, 1]] ** 2).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [4.0, 4.0, 0.0])
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 2.0, 0.0])
    assert tg.gradgradcheck(lambda t: t[[0, 0, 1]] ** 3, (x,))


def test_gradgradcheck_of_an_empty_slice_passes_trivially():
    # an op with an empty result has nothing to check; gradcheck already accepts it at first order
    x = leaf(np.array([1.0, 2.0, 3.0]))
    assert tg.gradcheck(lambda t: t[1:1] * 2.0, (x,))
    assert tg.gradgradcheck(lambda t: t[1:1] * 2.0, (x,))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_boolean_mask_indexing_second_derivatives(shape, data, seed):
    mask = data.draw(hnp.arrays(np.bool_, shape))
    assume(mask.any())  # empty results: see test_gradgradcheck_of_an_empty_slice_passes_trivially
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: t[mask] ** 2, (x,))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_cat_and_stack_second_derivatives(shape, data, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    a, b = leaf(uniform(seed, shape)), leaf(uniform(seed + 1, shape))
    assert tg.gradgradcheck(lambda p, q: tg.cat([p, q * q], axis) ** 2, (a, b))
    assert tg.gradgradcheck(lambda p, q: tg.concatenate([p * q, q], dim=axis), (a, b))
    assert tg.gradgradcheck(lambda p, q: tg.stack([p, q], new_axis) ** 2, (a, b))


@FEW
@given(shape=NONSCALAR_SHAPES, data=st.data(), seed=SEEDS)
def test_split_and_chunk_second_derivatives(shape, data, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(1, shape[axis]))
    chunks = data.draw(st.integers(1, 3))
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(lambda t: tuple(p**2 for p in tg.split(t, size, axis)), (x,))
    assert tg.gradgradcheck(lambda t: tuple(p**2 for p in t.split([shape[axis]], dim=axis)), (x,))
    assert tg.gradgradcheck(lambda t: tuple(p**2 for p in tg.chunk(t, chunks, axis)), (x,))
