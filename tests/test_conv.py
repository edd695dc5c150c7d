"""Convolution and pooling: forward against direct loops written here, first and second derivatives by
``tg.gradcheck`` / ``tg.gradgradcheck`` in float64 over generated shapes and window parameters, the
max-pool gradient's routing (ties, overlapping windows, padding), and the error messages.

The references loop over every output element and every kernel offset, reading the input through explicit
index arithmetic, so they share nothing with the im2col implementation but the definition.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.ops.conv import avg_pool2d, col2im, conv2d, im2col, max_pool2d
from tests.values import distinct, leaf, uniform

FEW = settings(max_examples=6)
SEEDS = st.integers(0, 2**32 - 1)


# ---------------------------------------------------------------------------- references: direct loops
def as_pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def windows(x: np.ndarray, kernel, stride, padding, dilation, fill: float):
    """Yield (n, c, r, q, [(h, w, value) for each kernel offset in row-major order]) for every window, with
    padded positions given as (None, None, fill). Output positions are found by scanning, not by formula."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = map(as_pair, (kernel, stride, padding, dilation))
    n_, c_, h_, w_ = x.shape
    rows = range(0, h_ + 2 * ph - (kh - 1) * dh, sh)
    cols = range(0, w_ + 2 * pw - (kw - 1) * dw, sw)
    for n, c, (r, top), (q, left) in itertools.product(
        range(n_), range(c_), enumerate(rows), enumerate(cols)
    ):
        entries = []
        for i, j in itertools.product(range(kh), range(kw)):
            h, w = top + i * dh - ph, left + j * dw - pw
            inside = 0 <= h < h_ and 0 <= w < w_
            entries.append((h, w, x[n, c, h, w]) if inside else (None, None, fill))
        yield n, c, r, q, entries


def output_hw(x, kernel, stride, padding, dilation) -> tuple[int, int]:
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = map(as_pair, (kernel, stride, padding, dilation))
    return (
        len(range(0, x.shape[2] + 2 * ph - (kh - 1) * dh, sh)),
        len(range(0, x.shape[3] + 2 * pw - (kw - 1) * dw, sw)),
    )


def conv2d_loops(x, w, b, stride, padding, dilation) -> np.ndarray:
    c_out, _, kh, kw = w.shape
    oh, ow = output_hw(x, (kh, kw), stride, padding, dilation)
    out = np.zeros((x.shape[0], c_out, oh, ow))
    for o in range(c_out):
        for n, c, r, q, entries in windows(x, (kh, kw), stride, padding, dilation, 0.0):
            out[n, o, r, q] += sum(
                w[o, c, i, j] * v for (i, j), (_, _, v) in zip(np.ndindex(kh, kw), entries)
            )
        if b is not None:
            out[:, o] += b[o]
    return out


def max_pool2d_loops(x, kernel, stride, padding, dilation, grad=None):
    """The max of each window (padding is -inf) and, given ``grad``, the input gradient: each window's
    gradient goes to its first maximum in row-major order, overlapping windows adding up."""
    out = np.zeros((x.shape[0], x.shape[1], *output_hw(x, kernel, stride, padding, dilation)))
    dx = np.zeros_like(x)
    for n, c, r, q, entries in windows(x, kernel, stride, padding, dilation, -np.inf):
        best = max(range(len(entries)), key=lambda k: (entries[k][2], -k))  # first of equal maxima
        h, w, out[n, c, r, q] = entries[best]
        if grad is not None and h is not None:
            dx[n, c, h, w] += grad[n, c, r, q]
    return out, dx


def avg_pool2d_loops(x, kernel, stride, padding) -> np.ndarray:
    kh, kw = as_pair(kernel)
    out = np.zeros((x.shape[0], x.shape[1], *output_hw(x, kernel, stride, padding, 1)))
    for n, c, r, q, entries in windows(x, kernel, stride, padding, 1, 0.0):
        out[n, c, r, q] = sum(v for _, _, v in entries) / (kh * kw)
    return out


# ---------------------------------------------------------------------------- strategies
def int_or_pair(low: int, high: int):
    """An int, or a (rows, columns) pair (list or tuple): the forms PyTorch accepts."""
    return st.one_of(
        st.integers(low, high),
        st.tuples(st.integers(low, high), st.integers(low, high)),
        st.lists(st.integers(low, high), min_size=2, max_size=2),
    )


@st.composite
def conv_cases(draw, max_batch=2, max_channels=3, max_kernel=3, max_extra=3):
    """(input shape, weight shape, stride, padding, dilation) where at least one window fits."""
    kh, kw = draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel))
    stride, padding, dilation = draw(int_or_pair(1, 3)), draw(int_or_pair(0, 2)), draw(int_or_pair(1, 2))
    (ph, pw), (dh, dw) = as_pair(padding), as_pair(dilation)
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), max(1, dh * (kh - 1) + 1 - 2 * ph) + max_extra))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), max(1, dw * (kw - 1) + 1 - 2 * pw) + max_extra))
    n, c_in = draw(st.integers(1, max_batch)), draw(st.integers(1, max_channels))
    c_out = draw(st.integers(1, max_channels))
    return (n, c_in, h, w), (c_out, c_in, kh, kw), stride, padding, dilation


@st.composite
def pool_cases(draw, max_kernel=3, max_extra=3, dilation=True):
    """(input shape, kernel, stride or None, padding <= kernel/2, dilation) where at least one window fits."""
    kernel = draw(int_or_pair(1, max_kernel))
    kh, kw = as_pair(kernel)
    padding = draw(st.tuples(st.integers(0, kh // 2), st.integers(0, kw // 2)))
    stride = draw(st.one_of(st.none(), int_or_pair(1, 3)))
    dil = draw(int_or_pair(1, 2)) if dilation else 1
    (ph, pw), (dh, dw) = padding, as_pair(dil)
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), max(1, dh * (kh - 1) + 1 - 2 * ph) + max_extra))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), max(1, dw * (kw - 1) + 1 - 2 * pw) + max_extra))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)
    return shape, kernel, stride, padding, dil


# ---------------------------------------------------------------------------- conv2d
@given(case=conv_cases(), with_bias=st.booleans(), seed=SEEDS)
def test_conv2d_forward_matches_direct_loops_and_gradcheck_passes(case, with_bias, seed):
    x_shape, w_shape, stride, padding, dilation = case
    x_np, w_np, b_np = uniform(seed, x_shape), uniform(seed + 1, w_shape), uniform(seed + 2, w_shape[:1])
    x, w, b = leaf(x_np), leaf(w_np), leaf(b_np)
    bias, bias_np = (b, b_np) if with_bias else (None, None)
    out = conv2d(x, w, bias, stride=stride, padding=padding, dilation=dilation)
    expected = conv2d_loops(x_np, w_np, bias_np, stride, padding, dilation)
    assert out.shape == expected.shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    inputs = (x, w, b) if with_bias else (x, w)
    assert tg.gradcheck(lambda *t: conv2d(*t, stride=stride, padding=padding, dilation=dilation), inputs)


@FEW
@given(case=conv_cases(max_batch=1, max_channels=2, max_extra=2), with_bias=st.booleans(), seed=SEEDS)
def test_conv2d_second_derivatives(case, with_bias, seed):
    x_shape, w_shape, stride, padding, dilation = case
    x, w, b = (
        leaf(uniform(seed, x_shape)),
        leaf(uniform(seed + 1, w_shape)),
        leaf(uniform(seed + 2, w_shape[:1])),
    )
    inputs = (x, w, b) if with_bias else (x, w)
    assert tg.gradgradcheck(lambda *t: conv2d(*t, stride=stride, padding=padding, dilation=dilation), inputs)


def test_conv2d_gradients_match_the_closed_forms():
    # out = sum over the window of w * x: d out / d w is the window, d out / d x spreads w over the windows
    x_np, w_np = uniform(0, (1, 1, 3, 4)), uniform(1, (1, 1, 2, 2))
    x, w, b = leaf(x_np), leaf(w_np), leaf(np.zeros(1))
    conv2d(x, w, b).sum().backward()
    expected_w = [[x_np[0, 0, i : i + 2, j : j + 3].sum() for j in range(2)] for i in range(2)]
    np.testing.assert_allclose(w.grad.numpy()[0, 0], expected_w)
    expected_x = np.zeros((3, 4))
    for r, q in itertools.product(range(2), range(3)):
        expected_x[r : r + 2, q : q + 2] += w_np[0, 0]
    np.testing.assert_allclose(x.grad.numpy()[0, 0], expected_x)
    np.testing.assert_allclose(b.grad.numpy(), [6.0])  # one per output position


def test_conv2d_output_size_follows_the_pytorch_formula():
    x, w = tg.zeros((2, 3, 11, 8)), tg.zeros((5, 3, 3, 2))
    out = conv2d(x, w, stride=(2, 3), padding=(1, 2), dilation=(2, 1))
    # H_out = (11 + 2 - 2*2 - 1)//2 + 1 = 5,  W_out = (8 + 4 - 1 - 1)//3 + 1 = 4
    assert out.shape == (2, 5, 5, 4)


def test_conv2d_keeps_float32_and_float64():
    for dtype in (np.float32, np.float64):
        x = tg.tensor(uniform(0, (2, 3, 6, 5)).astype(dtype), requires_grad=True)
        w = tg.tensor(uniform(1, (4, 3, 3, 3)).astype(dtype), requires_grad=True)
        b = tg.tensor(uniform(2, (4,)).astype(dtype), requires_grad=True)
        out = conv2d(x, w, b, padding=1)
        assert out.dtype == dtype
        out.sum().backward()
        assert x.grad.dtype == w.grad.dtype == b.grad.dtype == dtype
        assert x.grad.shape == x.shape and w.grad.shape == w.shape


def test_conv2d_of_one_unbatched_image_equals_the_batch_of_one():
    x_np, w_np, b_np = uniform(0, (2, 5, 6)), uniform(1, (3, 2, 3, 3)), uniform(2, (3,))
    single = conv2d(leaf(x_np), leaf(w_np), leaf(b_np), padding=1)
    batch = conv2d(leaf(x_np[None]), leaf(w_np), leaf(b_np), padding=1)
    assert single.shape == (3, 5, 6)
    np.testing.assert_allclose(single.numpy(), batch.numpy()[0])
    x = leaf(x_np)
    assert tg.gradcheck(lambda t: conv2d(t, leaf(w_np), padding=1), (x,))


def test_conv2d_gradients_only_for_the_inputs_that_require_them():
    x_np, w_np = uniform(0, (2, 2, 5, 5)), uniform(1, (3, 2, 3, 3))
    x, w = tg.tensor(x_np), leaf(w_np)
    conv2d(x, w).sum().backward()
    assert x.grad is None and w.grad.shape == w.shape
    x, w, b = leaf(x_np), tg.tensor(w_np), tg.tensor(np.ones(3))
    conv2d(x, w, b, stride=2).sum().backward()
    assert w.grad is None and b.grad is None and x.grad.shape == x.shape


def test_conv2d_is_one_node_on_the_image_and_frees_its_columns_after_backward():
    x, w, b = leaf(uniform(0, (2, 3, 6, 6))), leaf(uniform(1, (4, 3, 3, 3))), leaf(uniform(2, (4,)))
    out = conv2d(x, w, b, stride=1, padding=1)
    node = out.grad_fn
    # the graph (and its pictures) sees the image, not the columns
    assert [id(t) for t in node.inputs] == [id(x), id(w), id(b)]
    assert node.saved[0].shape == (2, 3, 3, 3, 6, 6)  # the columns: kh*kw = 9 times the input
    out.sum().backward()
    assert node.saved is None  # released: only the image and the output stay reachable from out


# ---------------------------------------------------------------------------- im2col and col2im
@given(case=pool_cases(), seed=SEEDS)
def test_col2im_is_the_adjoint_of_im2col_and_each_is_the_others_gradient(case, seed):
    shape, kernel, stride, padding, dilation = case
    stride = kernel if stride is None else stride
    x_np = uniform(seed, shape)
    cols = im2col(leaf(x_np), kernel, stride, padding, dilation)
    c_np = uniform(seed + 1, cols.shape)
    back = col2im(leaf(c_np), shape, kernel, stride, padding, dilation)
    assert back.shape == shape
    # <im2col(x), c> = <x, col2im(c)>
    np.testing.assert_allclose((cols.numpy() * c_np).sum(), (x_np * back.numpy()).sum(), rtol=1e-10)
    x, c = leaf(x_np), leaf(c_np)
    assert tg.gradcheck(lambda t: im2col(t, kernel, stride, padding, dilation) ** 2, (x,))
    assert tg.gradcheck(lambda t: col2im(t, shape, kernel, stride, padding, dilation) ** 2, (c,))


def test_im2col_columns_are_the_windows():
    x = tg.arange(12.0).reshape(1, 1, 3, 4)
    cols = im2col(x, (2, 3), stride=1)
    assert cols.shape == (1, 1, 2, 3, 2, 2)  # (N, C, kh, kw, H_out, W_out)
    np.testing.assert_array_equal(cols.numpy()[0, 0, :, :, 1, 0], [[4, 5, 6], [8, 9, 10]])


# ---------------------------------------------------------------------------- max_pool2d
@given(case=pool_cases(), seed=SEEDS)
def test_max_pool2d_forward_and_gradient_match_direct_loops_and_gradcheck(case, seed):
    shape, kernel, stride, padding, dilation = case
    x_np = distinct(seed, shape)  # no ties: the max is differentiable
    out_np, _ = max_pool2d_loops(x_np, kernel, stride or kernel, padding, dilation)
    assume(np.isfinite(out_np).all())  # (a dilated window can fall wholly in the padding)
    x = leaf(x_np)
    out = max_pool2d(x, kernel, stride, padding, dilation)
    np.testing.assert_array_equal(out.numpy(), out_np)
    g = uniform(seed + 1, out.shape)
    out.backward(tg.tensor(g))
    _, dx = max_pool2d_loops(x_np, kernel, stride or kernel, padding, dilation, grad=g)
    np.testing.assert_allclose(x.grad.numpy(), dx, rtol=1e-12, atol=1e-12)
    assert tg.gradcheck(lambda t: max_pool2d(t, kernel, stride, padding, dilation), (leaf(x_np),))


@FEW
@given(case=pool_cases(max_extra=2), seed=SEEDS)
def test_max_pool2d_second_derivatives(case, seed):
    shape, kernel, stride, padding, dilation = case
    x_np = distinct(seed, shape)
    assume(np.isfinite(max_pool2d_loops(x_np, kernel, stride or kernel, padding, dilation)[0]).all())
    # squared, so the (zero) second derivative of the max itself cannot hide a mistake
    assert tg.gradgradcheck(lambda t: max_pool2d(t, kernel, stride, padding, dilation) ** 2, (leaf(x_np),))


def test_max_pool2d_overlapping_windows_accumulate_the_gradient():
    x_np = np.array([[1.0, 2.0, 3.0], [4.0, 9.0, 5.0], [6.0, 7.0, 8.0]])[None, None]
    x = leaf(x_np)
    out = max_pool2d(x, 2, stride=1)  # four windows, all holding the 9 in the middle
    np.testing.assert_array_equal(out.numpy()[0, 0], [[9.0, 9.0], [9.0, 9.0]])
    out.backward(tg.tensor(np.array([[1.0, 2.0], [3.0, 4.0]])[None, None]))
    expected = np.zeros((3, 3))
    expected[1, 1] = 1.0 + 2.0 + 3.0 + 4.0
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)


def test_max_pool2d_gives_the_gradient_of_a_tie_to_the_first_maximum_only():
    x = leaf(np.zeros((1, 1, 4, 4)))
    max_pool2d(x, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0  # the top-left of each window, as PyTorch
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)
    x.grad = None
    max_pool2d(x, 3, stride=1, padding=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0, :2, :2], [[4.0, 2.0], [2.0, 1.0]])


def test_max_pool2d_padding_is_minus_infinity_and_takes_no_gradient():
    x = leaf(-np.arange(1.0, 10.0).reshape(1, 1, 3, 3))  # all negative: zero padding would win
    out = max_pool2d(x, 2, stride=2, padding=1)
    np.testing.assert_array_equal(out.numpy()[0, 0], [[-1.0, -2.0], [-4.0, -5.0]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_max_pool2d_stride_defaults_to_the_kernel_and_floors_the_output():
    x_np = distinct(0, (2, 3, 7, 5))
    out = max_pool2d(leaf(x_np), 2)
    assert out.shape == (2, 3, 3, 2)
    np.testing.assert_array_equal(out.numpy(), x_np[:, :, :6, :4].reshape(2, 3, 3, 2, 2, 2).max(axis=(3, 5)))
    assert max_pool2d(leaf(x_np), (3, 2), stride=(1, 2)).shape == (2, 3, 5, 2)


def test_max_pool2d_keeps_float32_and_pools_unbatched_images():
    x = tg.tensor(distinct(0, (3, 4, 6)).astype(np.float32), requires_grad=True)
    out = max_pool2d(x, 2)
    assert out.shape == (3, 2, 3) and out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.numpy().sum() == 3 * 2 * 3


# ---------------------------------------------------------------------------- avg_pool2d
@given(case=pool_cases(dilation=False), seed=SEEDS)
def test_avg_pool2d_forward_matches_direct_loops_and_gradcheck(case, seed):
    shape, kernel, stride, padding, _ = case
    x_np = uniform(seed, shape)
    out = avg_pool2d(leaf(x_np), kernel, stride, padding)
    np.testing.assert_allclose(
        out.numpy(), avg_pool2d_loops(x_np, kernel, stride or kernel, padding), rtol=1e-12
    )
    assert tg.gradcheck(lambda t: avg_pool2d(t, kernel, stride, padding), (leaf(x_np),))


@FEW
@given(case=pool_cases(max_extra=2, dilation=False), seed=SEEDS)
def test_avg_pool2d_second_derivatives(case, seed):
    shape, kernel, stride, padding, _ = case
    assert tg.gradgradcheck(
        lambda t: avg_pool2d(t, kernel, stride, padding) ** 2, (leaf(uniform(seed, shape)),)
    )


def test_avg_pool2d_counts_the_padding_and_spreads_the_gradient_evenly():
    x = leaf(np.ones((1, 1, 2, 2)))
    out = avg_pool2d(x, 2, stride=1, padding=1)
    np.testing.assert_allclose(out.numpy()[0, 0], [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])
    out.sum().backward()
    np.testing.assert_allclose(
        x.grad.numpy(), np.ones((1, 1, 2, 2))
    )  # each element is in 4 windows, 1/4 each


def test_avg_pool2d_keeps_float32():
    x = tg.tensor(uniform(0, (2, 2, 4, 4)).astype(np.float32), requires_grad=True)
    out = avg_pool2d(x, 2)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), 0.25)


# ---------------------------------------------------------------------------- errors
def raises(match: str):
    return pytest.raises(ValueError, match=re.escape(match))


def test_conv2d_rejects_an_input_that_is_not_nchw():
    with raises(
        "conv2d: expected a 4-D input (N, C, H, W) (or 3-D (C, H, W) for a single image), got shape (28, 28)"
    ):
        conv2d(tg.zeros((28, 28)), tg.zeros((4, 1, 3, 3)))
    with raises("conv2d: weight must be 4-D (C_out, C_in, kh, kw), got shape (4, 3, 3)"):
        conv2d(tg.zeros((1, 3, 8, 8)), tg.zeros((4, 3, 3)))


def test_conv2d_names_the_channel_mismatch():
    with raises("conv2d: input has 3 channels but weight (16, 1, 3, 3) expects 1"):
        conv2d(tg.zeros((2, 3, 8, 8)), tg.zeros((16, 1, 3, 3)))


def test_conv2d_rejects_a_kernel_larger_than_the_padded_input():
    with raises(
        "conv2d: the kernel (5, 5) (dilation (1, 1), so it spans (5, 5)) is larger than the padded "
        "input (4, 6) (input shape (1, 1, 2, 4), padding (1, 1)); use a smaller kernel"
    ):
        conv2d(tg.zeros((1, 1, 2, 4)), tg.zeros((1, 1, 5, 5)), padding=1)
    with raises("conv2d: the kernel (3, 3) (dilation (3, 3), so it spans (7, 7))"):
        conv2d(tg.zeros((1, 1, 6, 6)), tg.zeros((1, 1, 3, 3)), dilation=3)


def test_conv2d_rejects_bad_stride_padding_dilation_and_bias():
    x, w = tg.zeros((1, 2, 6, 6)), tg.zeros((4, 2, 3, 3))
    with raises("conv2d: stride must be positive, got (0, 0)"):
        conv2d(x, w, stride=0)
    with raises("conv2d: stride must be positive, got (1, -2)"):
        conv2d(x, w, stride=(1, -2))
    with raises("conv2d: padding must be non-negative, got (-1, -1)"):
        conv2d(x, w, padding=-1)
    with raises("conv2d: dilation must be positive, got (0, 0)"):
        conv2d(x, w, dilation=0)
    with raises("conv2d: stride must be an int or a pair of ints (rows, columns), got (1, 2, 3)"):
        conv2d(x, w, stride=(1, 2, 3))
    with raises("conv2d: padding must be an int or a pair of ints (rows, columns), got 1.5"):
        conv2d(x, w, padding=1.5)
    with raises(
        "conv2d: bias has shape (2,) but weight (4, 2, 3, 3) has 4 output channels; "
        "expected bias of shape (4,)"
    ):
        conv2d(x, w, tg.zeros(2))


def test_pooling_errors_name_the_op_and_the_rule():
    x = tg.zeros((1, 1, 4, 4))
    with raises("max_pool2d: padding (2, 2) must be at most half the kernel size (3, 3)"):
        max_pool2d(x, 3, padding=2)
    with raises("avg_pool2d: padding (0, 2) must be at most half the kernel size (2, 2)"):
        avg_pool2d(x, 2, padding=(0, 2))
    with raises("max_pool2d: kernel_size must be positive, got (0, 0)"):
        max_pool2d(x, 0)
    with raises("avg_pool2d: stride must be positive, got (0, 0)"):
        avg_pool2d(x, 2, stride=0)
    with raises(
        "max_pool2d: the kernel (5, 5) (dilation (1, 1), so it spans (5, 5)) is larger than the padded "
        "input (4, 4)"
    ):
        max_pool2d(x, 5)
    with raises(
        "max_pool2d: expected a 4-D input (N, C, H, W) (or 3-D (C, H, W) for a single image), "
        "got shape (4, 4)"
    ):
        max_pool2d(tg.zeros((4, 4)), 2)


def test_col2im_rejects_columns_that_do_not_fit_the_image():
    with raises("col2im: columns of shape (1, 1, 2, 2, 3, 3) do not match an image of shape (1, 1, 5, 5)"):
        col2im(tg.zeros((1, 1, 2, 2, 3, 3)), (1, 1, 5, 5), 2)
