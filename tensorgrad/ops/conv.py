"""Convolution and pooling on NCHW images, the plain way: im2col / col2im, conv2d, max_pool2d, avg_pool2d.

Kernel offset (i, j) of the window at output position (oh, ow) reads the padded input xpad at row
``oh*s + i*d``, column ``ow*s + j*d`` (kernel size k, stride s, padding p, dilation d; see window.py).

* ``Im2col`` copies every window into columns, ``cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d, ow*s +
  j*d]``: one strided copy, via ``sliding_window_view``.
* ``Col2im`` is its adjoint: it adds each column entry back where it came from (overlapping windows add
  up; entries that fall in the padding are dropped), by a loop over the kh*kw kernel offsets only.

Both are linear, so each one's backward is the other, as in DeZero: everything built from them
differentiates twice. On them, each op is a few lines (the ``*_reference`` functions at the end):

    conv2d      out[n] = W.reshape(C_out, C_in*kh*kw) @ im2col(x)[n].reshape(C_in*kh*kw, H_out*W_out) + b
    max_pool2d  the largest entry of each window's column of im2col(x) (padding -inf), the first at ties
    avg_pool2d  the mean of each window's column of im2col(x) (zero padding counts)

The public functions check their arguments once and apply one node, the one the graph and its pictures
show: Conv2D, MaxPool2D or AvgPool2D, from ``_conv_fast.py``. Those compute the references' numbers faster
(the convolution as one GEMM for the whole batch in a batch-last memory layout, the pools on strided views
of the input); tests/test_conv_reference.py checks that the two agree, to the second derivative.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..tensor import Tensor, operand
from .shape import reshape
from .window import Window, WindowOp, check_fits, check_images, checked_window, padded


class Im2col(WindowOp):
    """x (N, C, H, W) -> cols (N, C, kh, kw, H_out, W_out),  cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d,
    ow*s + j*d], where xpad is x padded with ``fill``; times ``mask`` (a constant of the columns' shape) if
    given. Linear in x (padding and mask are constants), so d cols / d x is the adjoint map: backward is
    Col2im with the same mask."""

    def forward(
        self, x: np.ndarray, window: Window, fill: float = 0.0, mask: np.ndarray | None = None
    ) -> np.ndarray:
        self.window, self.mask = window, mask
        (kh, kw), (sh, sw), _, (dh, dw) = window
        span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)  # the rows and columns one window covers
        views = sliding_window_view(padded(x, window.padding, fill), span, axis=(2, 3))
        views = views[:, :, ::sh, ::sw, ::dh, ::dw]  # (N, C, H_out, W_out, kh, kw), no copy yet
        cols = views.transpose(0, 1, 4, 5, 2, 3).copy()  # the one copy, straight into column order
        if mask is not None:
            cols *= mask
        return cols

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Col2im.apply(g, window=self.window, shape=self.inputs[0].shape, mask=self.mask),)


class Col2im(WindowOp):
    """cols (N, C, kh, kw, H_out, W_out) -> x (N, C, H, W), the adjoint of Im2col: every column entry (times
    ``mask`` if given) is added to the input element it was copied from, ``x[n, c, oh*s + i*d - p, ow*s + j*d
    - p] += cols[n, c, i, j, oh, ow]`` (entries that fall in the padding are dropped). Linear, so backward is
    Im2col with the same mask."""

    def forward(
        self, cols: np.ndarray, window: Window, shape: tuple[int, ...], mask: np.ndarray | None = None
    ) -> np.ndarray:
        self.window, self.mask = window, mask
        height, width = shape[2:]
        tiles = window.tiles(height, width)  # every element is written exactly once: assign, no zeros
        x = (np.empty if tiles else np.zeros)(shape, dtype=cols.dtype)
        for i, j, (out_rows, out_cols), (rows, columns) in window.offsets(height, width, padded=False):
            part = cols[:, :, i, j, out_rows, out_cols]
            into = x[:, :, rows, columns]  # a view: the input elements that offset (i, j) read
            if mask is not None and tiles:
                np.multiply(part, mask[:, :, i, j], out=into)
            elif mask is not None:
                into += part * mask[:, :, i, j, out_rows, out_cols]
            elif tiles:
                into[...] = part
            else:
                into += part
        return x

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Im2col.apply(g, window=self.window, mask=self.mask),)


# ---------------------------------------------------------------------------- functions
def im2col(input: Tensor, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Tensor:
    """The sliding windows of ``input`` (N, C, H, W) as columns (N, C, kh, kw, H_out, W_out):
    ``cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d, ow*s + j*d]``, xpad padded with zeros."""
    x = operand(input)
    check_images("im2col", x, batched_only=True)
    window = checked_window("im2col", kernel_size, stride, padding, dilation)
    check_fits("im2col", x, window)
    return Im2col.apply(x, window=window)


def col2im(
    cols: Tensor, input_shape: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> Tensor:
    """Add columns (N, C, kh, kw, H_out, W_out) back into an image of ``input_shape`` (N, C, H, W), the
    adjoint of ``im2col``: ``x[n, c, oh*s + i*d - p, ow*s + j*d - p] += cols[n, c, i, j, oh, ow]``
    (overlapping windows add up, entries in the padding are dropped)."""
    c = operand(cols)
    shape = tuple(int(n) for n in input_shape)
    if len(shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {input_shape!r}")
    window = checked_window("col2im", kernel_size, stride, padding, dilation)
    expected = (*shape[:2], *window.kernel, *window.output_size(*shape[2:]))
    if c.shape != expected:
        raise ValueError(
            f"col2im: columns of shape {c.shape} do not match an image of shape {shape} with this window; "
            f"expected {expected} (N, C, kh, kw, H_out, W_out)"
        )
    return Col2im.apply(c, window=window, shape=shape)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
) -> Tensor:
    """2-D convolution (cross-correlation, as in PyTorch) of ``input`` (N, C_in, H, W) with ``weight``
    (C_out, C_in, kh, kw), plus ``bias`` (C_out,) if given:

        out[n, o, oh, ow] = bias[o] + sum_{c, i, j} weight[o, c, i, j] * xpad[n, c, oh*s + i*d, ow*s + j*d]

    ``stride``, ``padding`` (zeros) and ``dilation`` are ints or (rows, columns) pairs. Returns (N, C_out,
    H_out, W_out) with H_out = (H + 2p - d(kh - 1) - 1) // s + 1. A 3-D input (C_in, H, W) is one image.
    """
    x, w = operand(input), operand(weight)
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (C_out, C_in, kh, kw), got shape {w.shape}")
    unbatched = check_images("conv2d", x)
    if unbatched:
        x = reshape(x, (1, *x.shape))
    c_out, c_in, kh, kw = w.shape
    if x.shape[1] != c_in:
        raise ValueError(
            f"conv2d: input has {x.shape[1]} channels but weight {w.shape} expects {c_in} "
            f"(input shape {x.shape}; weight is (C_out, C_in, kh, kw))"
        )
    b = None if bias is None else operand(bias)
    if b is not None and b.shape != (c_out,):
        raise ValueError(
            f"conv2d: bias has shape {b.shape} but weight {w.shape} has {c_out} output channels; "
            f"expected bias of shape ({c_out},)"
        )
    window = checked_window("conv2d", (kh, kw), stride, padding, dilation)
    check_fits("conv2d", x, window)
    out = Conv2D.apply(x, w, window=window) if b is None else Conv2D.apply(x, w, b, window=window)
    return reshape(out, out.shape[1:]) if unbatched else out


def max_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1
) -> Tensor:
    """Max over each window of ``input`` (N, C, H, W) or (C, H, W); padding counts as -inf:
    ``out[n, c, oh, ow] = max_{i, j} xpad[n, c, oh*s + i*d, ow*s + j*d]``.

    ``stride`` defaults to ``kernel_size``; ``padding`` may be at most half the kernel size (as PyTorch).
    The gradient goes to each window's maximum (the first one at ties); overlapping windows add up.
    """
    return _pool("max_pool2d", MaxPool2D, input, kernel_size, stride, padding, dilation)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Mean over each window of ``input`` (N, C, H, W) or (C, H, W), ``out[n, c, oh, ow] = mean_{i, j}
    xpad[n, c, oh*s + i, ow*s + j]``; zero padding is counted in the mean (PyTorch's
    ``count_include_pad=True``). ``stride`` defaults to ``kernel_size``; ``padding`` may be at most half the
    kernel size."""
    return _pool("avg_pool2d", AvgPool2D, input, kernel_size, stride, padding, 1)


def _pool(
    op: str, node: type[WindowOp], input: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any
) -> Tensor:
    x = operand(input)
    unbatched = check_images(op, x)
    if unbatched:
        x = reshape(x, (1, *x.shape))
    window = checked_window(op, kernel_size, kernel_size if stride is None else stride, padding, dilation)
    if any(2 * p > k for p, k in zip(window.padding, window.kernel)):
        raise ValueError(
            f"{op}: padding {window.padding} must be at most half the kernel size {window.kernel} "
            "(so that every window holds at least one input element)"
        )
    check_fits(op, x, window)
    out = node.apply(x, window=window)
    return reshape(out, out.shape[1:]) if unbatched else out


# ---------------------------------------------------------------------------- the references
def conv2d_reference(x: Tensor, weight: Tensor, bias: Tensor | None, window: Window) -> Tensor:
    """What the Conv2D node computes, on Im2col: for each image n, with K = C_in*kh*kw,
    ``out[n] = weight (C_out, K) @ cols[n] (K, H_out*W_out) + bias``. ``x`` is (N, C_in, H, W)."""
    cols = Im2col.apply(x, window=window)  # (N, C_in, kh, kw, H_out, W_out)
    n, _, _, _, out_h, out_w = cols.shape
    c_out = weight.shape[0]
    out = reshape(weight, (c_out, -1)) @ reshape(cols, (n, -1, out_h * out_w))  # (N, C_out, H_out*W_out)
    if bias is not None:
        out = out + reshape(bias, (c_out, 1))
    return reshape(out, (n, c_out, out_h, out_w))


def max_pool2d_reference(x: Tensor, window: Window) -> Tensor:
    """What the MaxPool2D node computes, on Im2col: the largest entry of each window's column, the padding
    -inf (``x`` is a floating (N, C, H, W)); ``max`` along one dimension sends the gradient to the first."""
    cols = Im2col.apply(x, window=window, fill=-np.inf)  # (N, C, kh, kw, H_out, W_out)
    n, c, kh, kw, out_h, out_w = cols.shape
    return reshape(cols, (n, c, kh * kw, out_h, out_w)).max(dim=2).values


def avg_pool2d_reference(x: Tensor, window: Window) -> Tensor:
    """What the AvgPool2D node computes, on Im2col: the mean of each window's column, the zero padding
    included. ``x`` is a floating (N, C, H, W)."""
    return Im2col.apply(x, window=window).mean(axis=(2, 3))


# the nodes the functions apply (they send their gradients back through Col2im, defined above)
from ._conv_fast import AvgPool2D, Conv2D, MaxPool2D  # noqa: E402
