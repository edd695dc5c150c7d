"""Reductions added for PyTorch programs: prod, cumsum, cumprod, norms, dist, median, any/all, var_mean,
sum/mean with dtype=, argsort, unique, F.normalize and adaptive pooling.

Each differentiable one passes ``tg.gradcheck`` in float64 over generated shapes and dims (``gradgradcheck``
where it is smooth) and agrees with numpy; the PyTorch details (the lower median, the gradient of a norm at
zero, of a product with a zero) are pinned by hand-computed values checked against PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
from tests.values import away_from_zero, distinct, leaf, reduction_cases, uniform

SEEDS = st.integers(0, 2**32 - 1)
SMALL = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def _axes(axis, ndim):
    return tuple(range(ndim)) if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))


def _np_norm(a, p, axis, keepdims=False):
    axes = _axes(axis, a.ndim)
    size = np.abs(a)
    if p == math.inf:
        return size.max(axis=axes, keepdims=keepdims)
    if p == -math.inf:
        return size.min(axis=axes, keepdims=keepdims)
    if p == 0:
        return (size != 0).sum(axis=axes, keepdims=keepdims).astype(a.dtype)
    return (size**p).sum(axis=axes, keepdims=keepdims) ** (1 / p)


# ---------------------------------------------------------------------------- reductions over dims
# name: (tensorgrad op of (x, dim, keepdim), numpy reference of (array, axes, keepdims), values, smooth)
REDUCTIONS = {
    "prod": (lambda x, d, k: tg.prod(x, d, k), lambda a, ax, k: a.prod(axis=ax, keepdims=k), uniform, True),
    "prod_method": (
        lambda x, d, k: x.prod(d, k),
        lambda a, ax, k: a.prod(axis=ax, keepdims=k),
        uniform,
        True,
    ),
    "norm_2": (lambda x, d, k: x.norm(2, d, k), lambda a, ax, k: _np_norm(a, 2, ax, k), away_from_zero, True),
    "norm_fro": (
        lambda x, d, k: tg.norm(x, "fro", d, k),
        lambda a, ax, k: _np_norm(a, 2, ax, k),
        uniform,
        True,
    ),
    "norm_1": (
        lambda x, d, k: x.norm(1, d, k),
        lambda a, ax, k: _np_norm(a, 1, ax, k),
        away_from_zero,
        False,
    ),
    "norm_3": (lambda x, d, k: x.norm(3, d, k), lambda a, ax, k: _np_norm(a, 3, ax, k), away_from_zero, True),
    "norm_half": (
        lambda x, d, k: x.norm(0.5, d, k),
        lambda a, ax, k: _np_norm(a, 0.5, ax, k),
        away_from_zero,
        True,
    ),
    "norm_inf": (
        lambda x, d, k: x.norm(math.inf, d, k),
        lambda a, ax, k: _np_norm(a, math.inf, ax, k),
        distinct,
        False,
    ),
    "norm_neg_inf": (
        lambda x, d, k: tg.linalg.vector_norm(x, -math.inf, d, k),
        lambda a, ax, k: _np_norm(a, -math.inf, ax, k),
        distinct,
        False,
    ),
    "vector_norm_2": (
        lambda x, d, k: tg.linalg.vector_norm(x, dim=d, keepdim=k),
        lambda a, ax, k: _np_norm(a, 2, ax, k),
        uniform,
        True,
    ),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@given(case=reduction_cases(max_side=3, allow_scalar=False), keepdim=st.booleans(), seed=SEEDS)
def test_reduction_matches_numpy_and_passes_gradcheck(name, case, keepdim, seed):
    op, reference, values, smooth = REDUCTIONS[name]
    shape, axis = case
    a = values(seed, shape)
    x = leaf(a)
    out = op(x, axis, keepdim)
    expected = reference(a, _axes(axis, a.ndim), keepdim)
    assert out.shape == np.shape(expected)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    assert tg.gradcheck(lambda t: op(t, axis, keepdim), (x,))
    if smooth:
        assert tg.gradgradcheck(lambda t: op(t, axis, keepdim), (x,))


@given(shape=SMALL, seed=SEEDS, data=st.data())
def test_cumsum_and_cumprod_match_numpy_and_differentiate_twice(shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = uniform(seed, shape)
    x = leaf(a)
    np.testing.assert_allclose(tg.cumsum(x, dim).numpy(), np.cumsum(a, axis=dim), rtol=1e-12)
    np.testing.assert_allclose(x.cumprod(dim).numpy(), np.cumprod(a, axis=dim), rtol=1e-12)
    for op in (lambda t: t.cumsum(dim), lambda t: tg.cumprod(t, dim)):
        assert tg.gradcheck(op, (x,)) and tg.gradgradcheck(op, (x,))


def test_prod_gradient_with_one_zero_is_the_product_of_the_others_and_with_two_zeros_is_zero():
    x = leaf([[2.0, 0.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
    x.prod(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 6.0, 0.0], [6.0, 3.0, 2.0], [0.0, 0.0, 0.0]])
    assert tg.gradcheck(lambda t: t.prod(1), (leaf([[2.0, 0.0, 3.0]]),))


def test_cumprod_gradient_with_a_zero_is_exact_as_pytorch():
    x = leaf([2.0, 0.0, 3.0])
    x.cumprod(0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 8.0, 0.0])  # torch gives [1, 8, 0]
    assert tg.gradcheck(lambda t: t.cumprod(0), (leaf([2.0, 0.0, 3.0, 0.0, 1.5]),))


def test_running_sums_and_products_of_integers_are_int64_as_pytorch():
    ints = tg.tensor([1, 2, 3], dtype=tg.int32)
    assert tg.cumsum(ints, 0).dtype == np.int64 and tg.cumsum(ints, 0).tolist() == [1, 3, 6]
    assert tg.prod(ints).dtype == np.int64 and tg.prod(ints).item() == 6
    assert tg.cumsum(tg.tensor([True, True]), 0).tolist() == [1, 2]
    assert tg.tensor([1.0, 2.0]).cumsum(0, dtype=tg.float64).dtype == np.float64


def test_norm_gradient_at_a_zero_vector_or_zero_element_is_zero_not_nan():
    for p in (2, 1, 3, 0.5):
        x = leaf([0.0, 0.0, 0.0])
        x.norm(p).backward()
        np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    x = leaf([3.0, 0.0, 1.0])
    x.norm(0.5).backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.5773503, 0.0, 2.7320508], rtol=1e-6)  # PyTorch's values


def test_norm_p0_counts_nonzero_elements_with_zero_gradient_and_inf_norm_ties_share():
    x = leaf([3.0, 0.0, -4.0])
    n = x.norm(0)
    assert n.item() == 2.0
    n.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    y = leaf([3.0, -3.0, 1.0])
    y.norm(math.inf).backward()
    np.testing.assert_array_equal(y.grad.numpy(), [0.5, -0.5, 0.0])  # as PyTorch


def test_norm_defaults_are_the_2_norm_of_all_elements_in_the_input_dtype():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.norm().dtype == np.float32
    np.testing.assert_allclose(x.norm().item(), math.sqrt(30), rtol=1e-6)
    np.testing.assert_allclose(tg.norm(x, dim=1, keepdim=True).numpy(), [[math.sqrt(5)], [5.0]], rtol=1e-6)
    np.testing.assert_allclose(tg.linalg.norm(x).item(), math.sqrt(30), rtol=1e-6)
    with pytest.raises(TypeError, match="floating-point"):
        tg.tensor([1, 2]).norm()


@pytest.mark.parametrize("ord", ["fro", 1, -1, math.inf, -math.inf])
def test_linalg_matrix_norms_match_numpy_and_pass_gradcheck(ord):
    a = distinct(3, (3, 4))
    x = leaf(a)
    np.testing.assert_allclose(tg.linalg.norm(x, ord).item(), np.linalg.norm(a, ord), rtol=1e-12)
    np.testing.assert_allclose(
        tg.linalg.matrix_norm(leaf(np.stack([a, 2 * a])), ord).numpy(),
        [np.linalg.norm(a, ord), np.linalg.norm(2 * a, ord)],
        rtol=1e-12,
    )
    assert tg.gradcheck(lambda t: tg.linalg.norm(t, ord), (x,))


def test_linalg_norm_without_svd_says_so():
    with pytest.raises(NotImplementedError, match="SVD"):
        tg.linalg.norm(tg.ones(2, 2), 2)


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), seed=SEEDS)
def test_dist_is_the_norm_of_the_broadcast_difference(shapes, seed):
    a, b = uniform(seed, shapes.input_shapes[0]), uniform(seed + 1, shapes.input_shapes[1])
    x, y = leaf(a), leaf(b)
    np.testing.assert_allclose(tg.dist(x, y).item(), np.sqrt(((a - b) ** 2).sum()), rtol=1e-12)
    np.testing.assert_allclose(x.dist(y, 1).item(), np.abs(a - b).sum(), rtol=1e-12)
    assert tg.gradcheck(lambda s, t: tg.dist(s, t, 3), (x, y))


# ---------------------------------------------------------------------------- median and order
def test_median_takes_the_lower_middle_value_as_pytorch():
    assert tg.median(tg.tensor([1.0, 4.0, 2.0, 3.0])).item() == 2.0
    values, indices = tg.tensor([[1.0, 4.0, 2.0, 3.0], [9.0, 7.0, 8.0, 0.0]]).median(1)
    assert values.tolist() == [2.0, 7.0] and indices.tolist() == [2, 1]
    kept = tg.tensor([[1.0, 4.0, 2.0]]).median(dim=1, keepdim=True)
    assert kept.values.shape == (1, 1) and kept.indices.tolist() == [[2]]


@given(shape=SMALL, seed=SEEDS, data=st.data())
def test_median_along_a_dim_matches_the_sorted_middle_and_sends_the_gradient_there(shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = distinct(seed, shape)
    x = leaf(a)
    values, indices = tg.median(x, dim)
    middle = (a.shape[dim] - 1) // 2
    np.testing.assert_array_equal(values.numpy(), np.take(np.sort(a, axis=dim), middle, axis=dim))
    np.testing.assert_array_equal(
        np.take_along_axis(a, np.expand_dims(indices.numpy(), dim), dim).squeeze(dim), values.numpy()
    )
    assert tg.gradcheck(lambda t: tg.median(t, dim).values, (x,))
    assert tg.gradcheck(lambda t: t.median(), (x,))


@given(shape=SMALL, seed=SEEDS, descending=st.booleans())
def test_argsort_orders_like_numpy_stable_sort(shape, seed, descending):
    a = np.random.default_rng(seed).integers(0, 3, shape)
    order = tg.argsort(tg.tensor(a), dim=-1, descending=descending)
    expected = np.argsort(-a if descending else a, axis=-1, kind="stable")
    assert order.dtype == np.int64
    np.testing.assert_array_equal(order.numpy(), expected)


def test_unique_returns_sorted_values_inverse_and_counts_as_pytorch():
    values, inverse, counts = tg.unique(tg.tensor([3, 1, 2, 3, 1]), return_inverse=True, return_counts=True)
    assert (
        values.tolist() == [1, 2, 3] and inverse.tolist() == [2, 0, 1, 2, 0] and counts.tolist() == [2, 1, 2]
    )
    assert tg.tensor([3, 1, 2, 3]).unique(sorted=False).tolist() == [1, 2, 3]
    rows, where = tg.tensor([[1, 2], [1, 2], [0, 5]]).unique(dim=0, return_inverse=True)
    assert rows.tolist() == [[0, 5], [1, 2]] and where.tolist() == [1, 1, 0]


# ---------------------------------------------------------------------------- logical and dtype
def test_any_and_all_return_bool_tensors_that_still_work_in_if():
    x = tg.tensor([[1.0, 0.0], [0.0, 0.0]])
    assert isinstance(x.any(), tg.Tensor) and x.any().dtype == np.bool_ and x.any().shape == ()
    assert bool(x.any()) and not x.all()
    assert x.any(1).tolist() == [True, False] and x.all(dim=0, keepdim=True).tolist() == [[False, False]]
    assert tg.any(x, dim=(0, 1)).item() is True
    assert tg.all(tg.tensor([True, True])).item() is True


def test_sum_and_mean_with_dtype_convert_first_as_pytorch():
    ints = tg.tensor([1, 2, 4])
    assert ints.sum(dtype=tg.float64).dtype == np.float64 and ints.sum(dtype=tg.float64).item() == 7.0
    assert tg.mean(ints, dtype=tg.float32).dtype == np.float32
    x = leaf([1.0, 2.0])
    x.float().sum(dtype=tg.float64).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


@given(case=reduction_cases(min_side=2, max_side=3, allow_scalar=False), seed=SEEDS)
def test_var_mean_and_std_mean_are_unbiased_var_std_and_mean(case, seed):
    shape, axis = case
    a = uniform(seed, shape)
    axes = _axes(axis, a.ndim)
    var, mean = tg.var_mean(leaf(a), axis)
    np.testing.assert_allclose(var.numpy(), a.var(axis=axes, ddof=1), rtol=1e-10)
    np.testing.assert_allclose(mean.numpy(), a.mean(axis=axes), rtol=1e-10, atol=1e-14)
    std, mean = tg.std_mean(leaf(a), axis, correction=0, keepdim=True)
    np.testing.assert_allclose(std.numpy(), a.std(axis=axes, keepdims=True), rtol=1e-10)
    assert mean.shape == std.shape


# ---------------------------------------------------------------------------- F.normalize, adaptive pooling
@given(shape=SMALL, seed=SEEDS, p=st.sampled_from([1.0, 2.0, 3.0]))
def test_normalize_divides_by_the_norm_along_dim_one(shape, seed, p):
    a = away_from_zero(seed, shape)
    dim = 1 if len(shape) > 1 else 0
    out = F.normalize(leaf(a), p=p, dim=dim)
    norm = (np.abs(a) ** p).sum(axis=dim, keepdims=True) ** (1 / p)
    np.testing.assert_allclose(out.numpy(), a / norm, rtol=1e-12)
    assert tg.gradcheck(lambda t: F.normalize(t, p=p, dim=dim), (leaf(a),))


def test_normalize_of_a_zero_vector_is_zero_with_eps():
    out = F.normalize(tg.zeros(2, 3))
    assert out.tolist() == [[0.0] * 3] * 2


def _adaptive_reference(a, out_h, out_w, reduce):
    h, w = a.shape[-2:]
    out = np.empty((*a.shape[:-2], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            rows = slice(i * h // out_h, -(-(i + 1) * h // out_h))
            cols = slice(j * w // out_w, -(-(j + 1) * w // out_w))
            out[..., i, j] = reduce(a[..., rows, cols], axis=(-2, -1))
    return out


@given(
    size=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    out=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    seed=SEEDS,
)
def test_adaptive_pooling_uses_pytorchs_windows(size, out, seed):
    a = distinct(seed, (2, 1, *size))
    x = leaf(a)
    avg = F.adaptive_avg_pool2d(x, out)
    np.testing.assert_allclose(avg.numpy(), _adaptive_reference(a, *out, np.mean), rtol=1e-12, atol=1e-14)
    top = nn.AdaptiveMaxPool2d(out)(x)
    np.testing.assert_array_equal(top.numpy(), _adaptive_reference(a, *out, np.max))
    assert tg.gradcheck(lambda t: F.adaptive_avg_pool2d(t, out), (x,))
    assert tg.gradcheck(lambda t: F.adaptive_max_pool2d(t, out), (x,))


def test_adaptive_avg_pool_to_one_is_the_global_mean_and_prints_as_pytorch():
    layer = nn.AdaptiveAvgPool2d(1)
    x = tg.randn(2, 3, 5, 7)
    np.testing.assert_allclose(layer(x).numpy(), x.numpy().mean(axis=(2, 3), keepdims=True), rtol=1e-5)
    assert repr(layer) == "AdaptiveAvgPool2d(output_size=1)"
    assert F.adaptive_avg_pool2d(tg.ones(3, 4, 4), (2, None)).shape == (3, 2, 4)
    with pytest.raises(ValueError, match="AdaptiveAvgPool2d"):
        layer(tg.ones(4, 4))
