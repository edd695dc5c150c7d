"""The fast path equals the reference path. conv2d, max_pool2d and avg_pool2d apply the Conv2D, MaxPool2D and
AvgPool2D nodes of ``ops/_conv_fast.py`` (batch-last column layouts, strided views); ``ops/conv.py`` writes
the same ops on im2col in a few lines each. In float64, over generated shapes, strides, paddings and
dilations, with and without bias, both give the same values, the same gradient of every input, and the
same second derivatives: the gradient, with respect to every input and to the output gradient ``g``, of a
random weighting of the first gradients, each path differentiating the graph its own backward recorded.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.ops.conv import (
    avg_pool2d,
    avg_pool2d_reference,
    conv2d,
    conv2d_reference,
    max_pool2d,
    max_pool2d_reference,
)
from tensorgrad.ops.window import checked_window
from tests.test_conv import conv_cases, pool_cases
from tests.values import leaf, uniform

SEEDS = st.integers(0, 2**32 - 1)
FEW = settings(max_examples=6)


def derivatives(fn, arrays: list[np.ndarray], seed: int) -> list[np.ndarray]:
    """``fn`` at ``arrays`` (float64 leaves): its value; the gradient of <g, value> with respect to each
    input, for a random g; and the gradient of sum_k <v_k, that gradient of input k>, for random v_k, with
    respect to each input and to g (zeros where it does not depend on one)."""
    inputs = [leaf(a) for a in arrays]
    out = fn(*inputs)
    g = leaf(uniform(seed, out.shape))
    firsts = tg.grad(out, inputs, grad_outputs=g, create_graph=True)
    weighted = [(d * tg.tensor(uniform(seed + 1 + k, d.shape))).sum() for k, d in enumerate(firsts)]
    seconds = tg.grad(sum(weighted[1:], weighted[0]), [*inputs, g], allow_unused=True)
    second_values = [np.zeros(t.shape) if d is None else d.numpy() for d, t in zip(seconds, [*inputs, g])]
    return [out.numpy(), *(d.numpy() for d in firsts), *second_values]


def assert_same_derivatives(fast, reference, arrays: list[np.ndarray], seed: int, node: str) -> None:
    fast_result, reference_result = derivatives(fast, arrays, seed), derivatives(reference, arrays, seed)
    assert type(fast(*(leaf(a) for a in arrays)).grad_fn).__name__ == node  # the fast path is under test
    assert len(fast_result) == len(reference_result) == 2 * len(arrays) + 2
    for got, expected in zip(fast_result, reference_result):
        assert got.shape == expected.shape and got.dtype == expected.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------- conv2d
@given(case=conv_cases(max_channels=4), with_bias=st.booleans(), seed=SEEDS)
def test_conv2d_equals_im2col_and_a_matmul_to_the_second_derivative(case, with_bias, seed):
    x_shape, w_shape, stride, padding, dilation = case
    window = checked_window("conv2d", w_shape[2:], stride, padding, dilation)
    arrays = [uniform(seed, x_shape), uniform(seed + 1, w_shape), uniform(seed + 2, w_shape[:1])]
    if not with_bias:
        arrays.pop()

    def fast(x, w, b=None):
        return conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)

    def reference(x, w, b=None):
        return conv2d_reference(x, w, b, window)

    assert_same_derivatives(fast, reference, arrays, seed + 3, "Conv2D")


@pytest.mark.parametrize(
    "c_in, c_out, kernel", [(3, 2, 3), (1, 8, 3), (4, 2, 1)], ids=["CHWN", "CNHW", "1x1"]
)
def test_conv2d_equals_its_reference_in_each_memory_layout_with_a_larger_batch(c_in, c_out, kernel):
    arrays = [uniform(0, (5, c_in, 7, 6)), uniform(1, (c_out, c_in, kernel, kernel)), uniform(2, (c_out,))]
    window = checked_window("conv2d", kernel, 2, 1, 1)
    assert_same_derivatives(
        lambda x, w, b: conv2d(x, w, b, stride=2, padding=1),
        lambda x, w, b: conv2d_reference(x, w, b, window),
        arrays,
        3,
        "Conv2D",
    )


# ---------------------------------------------------------------------------- pooling
def pool_window(op: str, kernel, stride, padding, dilation):
    return checked_window(op, kernel, kernel if stride is None else stride, padding, dilation)


@given(case=pool_cases(), ties=st.booleans(), seed=SEEDS)
def test_max_pool2d_equals_the_max_of_im2col_to_the_second_derivative(case, ties, seed):
    shape, kernel, stride, padding, dilation = case
    window = pool_window("max_pool2d", kernel, stride, padding, dilation)
    # on a coarse grid windows hold equal maxima: both paths give the gradient to the first one
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, shape).astype(np.float64) if ties else uniform(seed, shape)
    assert_same_derivatives(
        lambda t: max_pool2d(t, kernel, stride, padding, dilation),
        lambda t: max_pool2d_reference(t, window),
        [x],
        seed + 1,
        "MaxPool2D",
    )


@given(case=pool_cases(dilation=False), seed=SEEDS)
def test_avg_pool2d_equals_the_mean_of_im2col_to_the_second_derivative(case, seed):
    shape, kernel, stride, padding, _ = case
    window = pool_window("avg_pool2d", kernel, stride, padding, 1)
    assert_same_derivatives(
        lambda t: avg_pool2d(t, kernel, stride, padding),
        lambda t: avg_pool2d_reference(t, window),
        [uniform(seed, shape)],
        seed + 1,
        "AvgPool2D",
    )


def test_max_pool2d_reference_gives_a_tie_to_the_first_maximum_and_padding_no_gradient():
    x = leaf(np.zeros((1, 1, 3, 3)))
    window = pool_window("max_pool2d", 2, 1, 1, 1)
    out = max_pool2d_reference(x, window)
    np.testing.assert_array_equal(out.numpy()[0, 0], np.zeros((4, 4)))
    out.sum().backward()
    # each of the 16 windows gives its gradient to its first element inside the input (row-major), none to
    # its padding: x[0, 0] comes first in the 4 windows of the top-left corner
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[4, 2, 2], [2, 1, 1], [2, 1, 1]])


# ---------------------------------------------------------------------------- the references themselves
@FEW
@given(case=conv_cases(max_batch=1, max_channels=2, max_extra=2), seed=SEEDS)
def test_conv2d_reference_differentiates_twice(case, seed):
    x_shape, w_shape, stride, padding, dilation = case
    window = checked_window("conv2d", w_shape[2:], stride, padding, dilation)
    inputs = (
        leaf(uniform(seed, x_shape)),
        leaf(uniform(seed + 1, w_shape)),
        leaf(uniform(seed + 2, w_shape[:1])),
    )
    assert tg.gradcheck(lambda *t: conv2d_reference(*t, window), inputs)
    assert tg.gradgradcheck(lambda *t: conv2d_reference(*t, window), inputs)


@pytest.mark.parametrize("reference", [max_pool2d_reference, avg_pool2d_reference])
@FEW
@given(case=pool_cases(max_extra=2, dilation=False), seed=SEEDS)
def test_pool_references_differentiate_twice(reference, case, seed):
    shape, kernel, stride, padding, _ = case
    window = pool_window("avg_pool2d", kernel, stride, padding, 1)
    x = leaf(uniform(seed, shape))
    # squared, so that the second derivative is not zero everywhere
    assert tg.gradcheck(lambda t: reference(t, window) ** 2, (x,))
    assert tg.gradgradcheck(lambda t: reference(t, window) ** 2, (x,))
