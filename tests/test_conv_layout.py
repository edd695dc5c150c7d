"""Conv2d's memory layouts (``ops/_conv_fast.py``): the columns stored CHWN or CNHW are Im2col's columns (the
same entries, the same indexing), their col2im is Col2im, the two are each other's adjoint and gradient (so
they differentiate twice), and the helpers behind them (the window's kernel-offset slices, the blocked batch
transpose) agree with plain numpy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.ops._conv_fast import CHWN, CNHW, Col2imStored, Im2colStored, _batch_first
from tensorgrad.ops.conv import Col2im, Im2col, conv2d
from tensorgrad.ops.window import Window, checked_window
from tensorgrad.viz.graph import _attributes
from tests.test_conv import conv_cases, pool_cases
from tests.values import leaf, uniform

LAYOUTS = pytest.mark.parametrize("layout", [CHWN, CNHW], ids=["CHWN", "CNHW"])
SEEDS = st.integers(0, 2**32 - 1)


def window_of(kernel, stride, padding, dilation) -> Window:
    return checked_window("test", kernel, kernel if stride is None else stride, padding, dilation)


@LAYOUTS
@given(case=pool_cases(), seed=SEEDS)
def test_stored_columns_are_im2cols_columns_and_their_col2im_is_col2im(layout, case, seed):
    shape, kernel, stride, padding, dilation = case
    window = window_of(kernel, stride, padding, dilation)
    x_np = uniform(seed, shape)
    cols = Im2colStored.apply(tg.tensor(x_np), window=window, layout=layout)
    np.testing.assert_array_equal(cols.numpy(), Im2col.apply(tg.tensor(x_np), window=window).numpy())
    assert cols.numpy().transpose(layout.columns).flags.c_contiguous  # stored in the layout's order
    c_np = uniform(seed + 1, cols.shape)
    back = Col2imStored.apply(tg.tensor(c_np), window=window, shape=shape, layout=layout)
    assert back.shape == shape and back.numpy().flags.c_contiguous
    np.testing.assert_allclose(
        back.numpy(),
        Col2im.apply(tg.tensor(c_np), window=window, shape=shape).numpy(),
        rtol=1e-12,
        atol=1e-12,
    )
    # the adjoint: <im2col(x), c> = <x, col2im(c)>
    np.testing.assert_allclose((cols.numpy() * c_np).sum(), (x_np * back.numpy()).sum(), rtol=1e-10)


@LAYOUTS
@settings(max_examples=8)
@given(case=pool_cases(max_extra=2), seed=SEEDS)
def test_stored_im2col_and_col2im_differentiate_twice(layout, case, seed):
    shape, kernel, stride, padding, dilation = case
    window = window_of(kernel, stride, padding, dilation)
    x = leaf(uniform(seed, shape))
    c = leaf(uniform(seed + 1, Im2col.apply(x, window=window).shape))

    def unfold(t):
        return Im2colStored.apply(t, window=window, layout=layout) ** 2

    def fold(t):
        return Col2imStored.apply(t, window=window, shape=shape, layout=layout) ** 2

    assert tg.gradcheck(unfold, (x,)) and tg.gradgradcheck(unfold, (x,))
    assert tg.gradcheck(fold, (c,)) and tg.gradgradcheck(fold, (c,))


@pytest.mark.parametrize(
    "c_in, c_out, kernel, layout",
    [(3, 4, 3, CHWN), (1, 16, 3, CNHW), (2, 18, 3, CNHW), (2, 17, 3, CHWN), (8, 4, 1, CNHW)],
)
def test_conv2d_stores_columns_batch_last_where_they_are_taller_than_the_output(c_in, c_out, kernel, layout):
    # (a 1x1 kernel's columns are the input itself: no overlapping windows to gain from CHWN)
    x, w = leaf(uniform(0, (2, c_in, 6, 5))), leaf(uniform(1, (c_out, c_in, kernel, kernel)))
    out = conv2d(x, w, padding=kernel // 2)
    node = out.grad_fn
    assert node.layout is layout
    (cols,) = node.saved
    assert cols.shape == (2, c_in, kernel, kernel, 6, 5)  # indexed as Im2col's columns, no more elements
    assert cols.transpose(layout.columns).flags.c_contiguous  # one (C_in*kh*kw, pixels*images) matrix
    assert out.numpy().flags.c_contiguous


@given(case=conv_cases(max_channels=5), seed=SEEDS)
def test_conv2d_matches_im2col_and_a_matmul_per_image_in_either_layout(case, seed):
    x_shape, w_shape, stride, padding, dilation = case
    x_np, w_np, b_np = uniform(seed, x_shape), uniform(seed + 1, w_shape), uniform(seed + 2, w_shape[:1])
    out = conv2d(leaf(x_np), leaf(w_np), leaf(b_np), stride=stride, padding=padding, dilation=dilation)
    window = window_of(w_shape[2:], stride, padding, dilation)
    cols = Im2col.apply(tg.tensor(x_np), window=window).numpy()
    n, _, _, _, out_h, out_w = cols.shape
    expected = w_np.reshape(w_shape[0], -1) @ cols.reshape(n, -1, out_h * out_w) + b_np[:, None]
    np.testing.assert_allclose(out.numpy(), expected.reshape(out.shape), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("c_in, c_out", [(2, 1), (1, 3)], ids=["CHWN", "CNHW"])
@pytest.mark.parametrize("stride, padding, dilation", [(1, 1, 1), ((2, 1), (0, 2), (1, 2))])
def test_conv2d_second_derivatives_in_both_layouts(c_in, c_out, stride, padding, dilation):
    x, w = leaf(uniform(0, (2, c_in, 5, 4))), leaf(uniform(1, (c_out, c_in, 2, 3)))
    b = leaf(uniform(2, (c_out,)))

    def conv(*t):
        return conv2d(*t, stride=stride, padding=padding, dilation=dilation)

    assert tg.gradgradcheck(conv, (x, w, b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c_out", [2, 40], ids=["CHWN", "CNHW"])
def test_conv2d_keeps_the_dtype_and_returns_contiguous_gradients(dtype, c_out):
    x = tg.tensor(uniform(0, (3, 2, 7, 6)).astype(dtype), requires_grad=True)
    w = tg.tensor(uniform(1, (c_out, 2, 3, 3)).astype(dtype), requires_grad=True)
    b = tg.tensor(uniform(2, (c_out,)).astype(dtype), requires_grad=True)
    out = conv2d(x, w, b, stride=2, padding=1)
    assert out.dtype == dtype
    out.sum().backward()
    for t in (x, w, b):
        assert t.grad.dtype == dtype and t.grad.shape == t.shape and t.grad.numpy().flags.c_contiguous


@pytest.mark.parametrize("shape", [(3, 5, 7, 4), (300, 64), (1, 1), (129, 3)])
def test_batch_first_moves_the_last_axis_to_the_front(shape):
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    moved = _batch_first(a)
    np.testing.assert_array_equal(moved, np.moveaxis(a, -1, 0))
    assert moved.dtype == a.dtype and moved.flags.c_contiguous


@pytest.mark.parametrize("padded", [False, True], ids=["inside the padding", "in the padded input"])
@given(case=pool_cases(max_kernel=4, max_extra=4))
def test_window_offsets_pair_every_output_with_the_input_it_reads(padded, case):
    shape, kernel, stride, padding, dilation = case
    window = window_of(kernel, stride, padding, dilation)
    height, width = shape[2:]
    out_h, out_w = window.output_size(height, width)
    (sh, sw), (ph, pw), (dh, dw) = window.stride, window.padding, window.dilation
    # input positions counted from the padded input's corner, or from the input's (padding left out)
    top, left, rows, columns = (0, 0, height + 2 * ph, width + 2 * pw) if padded else (ph, pw, height, width)
    found = {}
    for i, j, (out_rows, out_cols), (in_rows, in_cols) in window.offsets(height, width, padded=padded):
        outputs = itertools.product(range(out_h)[out_rows], range(out_w)[out_cols])
        inputs = itertools.product(range(rows)[in_rows], range(columns)[in_cols])
        found[i, j] = list(zip(outputs, inputs))
    for i, j in itertools.product(*map(range, window.kernel)):
        expected = [
            ((oh, ow), (oh * sh + i * dh - top, ow * sw + j * dw - left))
            for oh, ow in itertools.product(range(out_h), range(out_w))
            if 0 <= oh * sh + i * dh - top < rows and 0 <= ow * sw + j * dw - left < columns
        ]
        assert found.get((i, j), []) == expected
        if padded:  # every output reads the padded input at every offset
            assert len(expected) == out_h * out_w


def test_graph_pictures_show_the_conv_window_but_not_the_memory_layout():
    x, w = leaf(uniform(0, (2, 3, 5, 5))), leaf(uniform(1, (4, 3, 3, 3)))
    shown = _attributes(conv2d(x, w, padding=1).grad_fn)
    assert shown == ["kernel=(3, 3)", "stride=(1, 1)", "padding=(1, 1)", "dilation=(1, 1)"]
