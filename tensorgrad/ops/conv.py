"""Convolution and pooling on NCHW images: im2col / col2im, conv2d, max_pool2d, avg_pool2d.

A sliding window (kernel size k, stride s, padding p, dilation d, each one per axis) over an input of
height H sees ``H_out = (H + 2p - d(k - 1) - 1) // s + 1`` positions. Kernel offset (i, j) of the window at
output position (oh, ow) reads the padded input at row ``oh*s + i*d``, column ``ow*s + j*d``.

* ``Im2col`` copies every window into columns,
  ``cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d, ow*s + j*d]`` (one strided copy, via
  ``sliding_window_view``).
* ``Col2im`` is its adjoint: it adds each column back where it came from (overlapping windows accumulate),
  by a loop over the kh*kw kernel offsets only, each adding one strided slice.

Both are linear, so each one's backward is the other, as in DeZero: everything built from them
differentiates twice. Convolution is then one matrix product on the columns (the ``Conv2d`` node, with the
bias added in place),

    out[n] = W.reshape(C_out, C_in*kh*kw) @ cols[n].reshape(C_in*kh*kw, H_out*W_out) + bias,

whose backward, written with Tensor ops, gives the columns ``W^T @ grad`` (which Im2col's backward turns
into the input gradient with Col2im) and the weight ``sum_n grad[n] @ cols[n]^T``. Pooling reads the
kernel-offset slices of the input without copying them, and sends its gradient back through ``Col2im``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor, as_array, wrap
from .shape import broadcast_to, reshape, sum_to

Pair = tuple[int, int]


class Window(NamedTuple):
    """The geometry of a sliding 2-D window; each field is a (rows, columns) pair."""

    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair

    def output_size(self, height: int, width: int) -> Pair:
        """(H_out, W_out): (H + 2p - d(k - 1) - 1) // s + 1 per axis (<= 0 where the kernel does not fit)."""
        return tuple(  # type: ignore[return-value]
            (n + 2 * p - d * (k - 1) - 1) // s + 1
            for n, k, s, p, d in zip((height, width), self.kernel, self.stride, self.padding, self.dilation)
        )

    def offsets(self, out_h: int, out_w: int) -> Iterator[tuple[int, int, tuple[Any, ...]]]:
        """``(i, j, index)`` per kernel offset; ``xpad[index]`` (N, C, H_out, W_out) is what (i, j) sees."""
        (kh, kw), (sh, sw), _, (dh, dw) = self.kernel, self.stride, self.padding, self.dilation
        for i in range(kh):
            rows = slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh)
            for j in range(kw):
                yield i, j, (slice(None), slice(None), rows, slice(j * dw, j * dw + sw * (out_w - 1) + 1, sw))

    def tiles(self, height: int, width: int) -> bool:
        """Whether the windows cover the input exactly once: no overlap, no gap, no padding."""
        (kh, kw), (oh, ow) = self.kernel, self.output_size(height, width)
        return (
            self.stride == self.kernel
            and self.dilation == (1, 1)
            and self.padding == (0, 0)
            and (oh * kh, ow * kw) == (height, width)
        )


def _padded(x: np.ndarray, padding: Pair, fill: float) -> np.ndarray:
    """``x`` with ``padding`` rows / columns of ``fill`` on each side of its last two axes."""
    ph, pw = padding
    if not ph and not pw:
        return x
    n, c, h, w = x.shape
    xp = np.full((n, c, h + 2 * ph, w + 2 * pw), fill, dtype=x.dtype)
    xp[:, :, ph : ph + h, pw : pw + w] = x
    return xp


def _columns(x: np.ndarray, window: Window, fill: float = 0.0) -> np.ndarray:
    """The windows of x (N, C, H, W), padded with ``fill``, as columns (N, C, kh, kw, H_out, W_out)."""
    (kh, kw), (sh, sw), _, (dh, dw) = window.kernel, window.stride, window.padding, window.dilation
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    views = sliding_window_view(_padded(x, window.padding, fill), span, axis=(2, 3))
    views = views[:, :, ::sh, ::sw, ::dh, ::dw]  # (N, C, H_out, W_out, kh, kw), no copy yet
    return views.transpose(0, 1, 4, 5, 2, 3).copy()  # the one copy, straight into column order


class _WindowOp(Function):
    """Shared error message for the window ops (the user-facing checks come before, in the functions)."""

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        window = params["window"]
        return (
            f"{cls.__name__.lower()}: cannot apply a window (kernel {window.kernel}, stride {window.stride}, "
            f"padding {window.padding}, dilation {window.dilation}) to a tensor of shape "
            f"{tuple(inputs[0].shape)}: {err}"
        )


class Im2col(_WindowOp):
    """x (N, C, H, W) -> cols (N, C, kh, kw, H_out, W_out),  cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d,
    ow*s + j*d], where xpad is x padded with ``fill``; times ``mask`` (a constant of the columns' shape) if
    given. Linear in x (padding and mask are constants), so d cols / d x is the adjoint map: backward is
    Col2im with the same mask."""

    def forward(
        self, x: np.ndarray, window: Window, fill: float = 0.0, mask: np.ndarray | None = None
    ) -> np.ndarray:
        self.window, self.mask = window, mask
        cols = _columns(x, window, fill)
        if mask is not None:
            cols *= mask
        return cols

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Col2im.apply(g, window=self.window, shape=self.inputs[0].shape, mask=self.mask),)


class Col2im(_WindowOp):
    """cols (N, C, kh, kw, H_out, W_out) -> x (N, C, H, W), the adjoint of Im2col: every column entry (times
    ``mask`` if given) is added to the input element it was copied from, ``x[n, c, oh*s + i*d - p, ow*s + j*d
    - p] += cols[n, c, i, j, oh, ow]`` (entries that fall in the padding are dropped). Linear, so backward is
    Im2col with the same mask."""

    def forward(
        self, cols: np.ndarray, window: Window, shape: tuple[int, ...], mask: np.ndarray | None = None
    ) -> np.ndarray:
        self.window, self.mask = window, mask
        n, c, h, w = shape
        (ph, pw), (out_h, out_w) = window.padding, cols.shape[-2:]
        tiles = window.tiles(h, w)  # every element is written exactly once: assign into empty memory
        x = (np.empty if tiles else np.zeros)((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
        for i, j, index in window.offsets(out_h, out_w):  # kh*kw strided slices, no loop over pixels
            part = cols[:, :, i, j]
            if mask is not None and tiles:
                np.multiply(part, mask[:, :, i, j], out=x[index])
            elif mask is not None:
                x[index] += part * mask[:, :, i, j]
            elif tiles:
                x[index] = part
            else:
                x[index] += part
        return x[:, :, ph : ph + h, pw : pw + w] if ph or pw else x

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Im2col.apply(g, window=self.window, mask=self.mask),)


class Conv2d(_WindowOp):
    """The convolution as one matrix product on the columns cols = Im2col(x) (N, C_in, kh, kw, H_out, W_out):
    with K = C_in*kh*kw, P = H_out*W_out and W the weight as a (C_out, K) matrix,

        out[n] = W @ cols[n] + bias  (C_out, P), returned as (N, C_out, H_out, W_out);
        d/dx = Col2im(W^T @ g[n]),  d/dW = sum_n g[n] @ cols[n]^T,  d/dbias = g summed over n and pixels.

    The columns are kept in ``saved``, so they are freed after backward (they are kh*kw times the input).
    When the backward pass is itself recorded (create_graph), backward takes them from an Im2col node of x
    instead, so that d/dW differentiates with respect to x: the formulas are the same either way."""

    def forward(self, x: np.ndarray, weight: np.ndarray, *bias: np.ndarray, window: Window) -> np.ndarray:
        self.window = window
        cols = _columns(x, window)
        n, _, _, _, out_h, out_w = cols.shape
        c_out = weight.shape[0]
        out = weight.reshape(c_out, -1) @ cols.reshape(n, -1, out_h * out_w)
        if bias:
            out += bias[0][:, None]  # in place: ``out`` is ours alone
        self.saved = (cols,)
        return out.reshape(n, c_out, out_h, out_w)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, weight, *bias = self.inputs
        n, c_out, out_h, out_w = g.shape
        g = reshape(g, (n, c_out, out_h * out_w))  # (N, C_out, P)
        w = reshape(weight, (c_out, -1))  # (C_out, K)
        cols_shape = (n, x.shape[1], *self.window.kernel, out_h, out_w)
        d_x = None
        if x.requires_grad:
            d_x = Col2im.apply(reshape(w.mT @ g, cols_shape), window=self.window, shape=x.shape)
        d_weight = None
        if weight.requires_grad:
            cols = Im2col.apply(x, window=self.window) if grad_mode.enabled else wrap(self.saved[0])
            columns = reshape(cols, (n, -1, out_h * out_w))  # (N, K, P)
            d_weight = reshape(sum_to(g @ columns.mT, w.shape), weight.shape)  # summed over the batch
        if not bias:
            return d_x, d_weight
        return d_x, d_weight, g.sum(axis=(0, 2)) if bias[0].requires_grad else None


class MaxPool2d(_WindowOp):
    """out[n, c, oh, ow] = max over the window of xpad (padded with -inf). The derivative is 1 at the window's
    maximum and 0 elsewhere; at ties the first maximum in row-major window order takes it (as PyTorch), and
    where windows overlap their gradients add up. backward: Col2im of the gradient broadcast over the window
    and masked by ``onehot`` (N, C, kh, kw, H_out, W_out), which marks each window's maximum."""

    def forward(self, x: np.ndarray, window: Window) -> np.ndarray:
        self.window = window
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = _padded(x, window.padding, lowest)
        out_h, out_w = window.output_size(*x.shape[2:])
        offsets = list(window.offsets(out_h, out_w))
        out = xp[offsets[0][2]].copy()
        for _, _, index in offsets[1:]:  # the kernel-offset slices are views: nothing is copied
            np.maximum(out, xp[index], out=out)
        # each window's first maximum: a hit at an offset where no earlier offset had one. Stored offset-major
        # (kh, kw, N, C, H_out, W_out) in memory, so that each offset's slice is contiguous
        n, c = out.shape[:2]
        onehot = np.empty((*window.kernel, n, c, out_h, out_w), dtype=bool).transpose(2, 3, 0, 1, 4, 5)
        found = np.zeros(out.shape, dtype=bool)
        for i, j, index in offsets:
            hit = onehot[:, :, i, j]
            np.equal(xp[index], out, out=hit)
            np.greater(hit, found, out=hit)  # hit and not found
            found |= hit
        self.saved = (onehot,)
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        (onehot,) = self.saved
        spread = broadcast_to(reshape(g, (*g.shape[:2], 1, 1, *g.shape[2:])), onehot.shape)
        return (Col2im.apply(spread, window=self.window, shape=self.inputs[0].shape, mask=onehot),)


class AvgPool2d(_WindowOp):
    """out[n, c, oh, ow] = mean over the window of xpad (padded with zeros, which count: PyTorch's
    count_include_pad=True). d out / d x = 1/(kh*kw) at every window position; backward: Col2im of the
    gradient divided by kh*kw and broadcast over the window."""

    def forward(self, x: np.ndarray, window: Window) -> np.ndarray:
        self.window = window
        xp = _padded(x, window.padding, 0)
        offsets = window.offsets(*window.output_size(*x.shape[2:]))
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)  # the mean of integers is a float
        out = xp[next(offsets)[2]].astype(dtype, copy=True)
        for _, _, index in offsets:
            out += xp[index]
        out /= window.kernel[0] * window.kernel[1]
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        n, c, out_h, out_w = g.shape
        (kh, kw) = self.window.kernel
        share = reshape(g, (n, c, 1, 1, out_h, out_w)) * (1.0 / (kh * kw))
        spread = broadcast_to(share, (n, c, kh, kw, out_h, out_w))
        return (Col2im.apply(spread, window=self.window, shape=self.inputs[0].shape),)


# ---------------------------------------------------------------------------- functions
def im2col(input: Tensor, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> Tensor:
    """The sliding windows of ``input`` (N, C, H, W) as columns (N, C, kh, kw, H_out, W_out)."""
    x = _as_tensor(input)
    _check_images("im2col", x, batched_only=True)
    window = _window("im2col", kernel_size, stride, padding, dilation)
    _check_fits("im2col", x, window)
    return Im2col.apply(x, window=window)


def col2im(
    cols: Tensor,
    input_shape: Any,
    kernel_size: Any,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
) -> Tensor:
    """Add columns (N, C, kh, kw, H_out, W_out) back into an image of ``input_shape`` (N, C, H, W): the
    adjoint of ``im2col`` (overlapping windows add up)."""
    c = _as_tensor(cols)
    shape = tuple(int(n) for n in input_shape)
    if len(shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {input_shape!r}")
    window = _window("col2im", kernel_size, stride, padding, dilation)
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
    x, w = _as_tensor(input), _as_tensor(weight)
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (C_out, C_in, kh, kw), got shape {w.shape}")
    unbatched = _check_images("conv2d", x)
    if unbatched:
        x = reshape(x, (1, *x.shape))
    c_out, c_in, kh, kw = w.shape
    if x.shape[1] != c_in:
        raise ValueError(
            f"conv2d: input has {x.shape[1]} channels but weight {w.shape} expects {c_in} "
            f"(input shape {x.shape}; weight is (C_out, C_in, kh, kw))"
        )
    b = None
    if bias is not None:
        b = _as_tensor(bias)
        if b.shape != (c_out,):
            raise ValueError(
                f"conv2d: bias has shape {b.shape} but weight {w.shape} has {c_out} output channels; "
                f"expected bias of shape ({c_out},)"
            )
    window = _window("conv2d", (kh, kw), stride, padding, dilation)
    _check_fits("conv2d", x, window)
    out = Conv2d.apply(x, w, window=window) if b is None else Conv2d.apply(x, w, b, window=window)
    return reshape(out, out.shape[1:]) if unbatched else out


def max_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1
) -> Tensor:
    """Max over each window of ``input`` (N, C, H, W) or (C, H, W); padding counts as -inf.

    ``stride`` defaults to ``kernel_size``; ``padding`` may be at most half the kernel size (as PyTorch).
    The gradient goes to each window's maximum (the first one at ties); overlapping windows add up.
    """
    return _pool("max_pool2d", MaxPool2d, input, kernel_size, stride, padding, dilation)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Mean over each window of ``input`` (N, C, H, W) or (C, H, W); zero padding is counted in the mean
    (PyTorch's ``count_include_pad=True``). ``stride`` defaults to ``kernel_size``; ``padding`` may be at most
    half the kernel size."""
    return _pool("avg_pool2d", AvgPool2d, input, kernel_size, stride, padding, 1)


# ---------------------------------------------------------------------------- argument checks
def _pool(
    op: str, fn: type[Function], input: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any
) -> Tensor:
    x = _as_tensor(input)
    unbatched = _check_images(op, x)
    if unbatched:
        x = reshape(x, (1, *x.shape))
    window = _window(op, kernel_size, kernel_size if stride is None else stride, padding, dilation)
    if any(2 * p > k for p, k in zip(window.padding, window.kernel)):
        raise ValueError(
            f"{op}: padding {window.padding} must be at most half the kernel size {window.kernel} "
            "(so that every window holds at least one input element)"
        )
    _check_fits(op, x, window)
    out = fn.apply(x, window=window)
    return reshape(out, out.shape[1:]) if unbatched else out


def _as_tensor(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else wrap(as_array(value))


def _check_images(op: str, x: Tensor, batched_only: bool = False) -> bool:
    """Raise unless ``x`` is (N, C, H, W), or (C, H, W) where allowed; returns whether it is unbatched."""
    if x.ndim == 4 or (x.ndim == 3 and not batched_only):
        return x.ndim == 3
    also = "" if batched_only else " (or 3-D (C, H, W) for a single image)"
    raise ValueError(f"{op}: expected a 4-D input (N, C, H, W){also}, got shape {x.shape}")


def _pair(op: str, name: str, value: Any) -> Pair:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    try:
        pair = tuple(value)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair):
        raise ValueError(f"{op}: {name} must be an int or a pair of ints (rows, columns), got {value!r}")
    return int(pair[0]), int(pair[1])


def _window(op: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> Window:
    kernel = _pair(op, "kernel_size", kernel_size)
    window = Window(
        kernel, _pair(op, "stride", stride), _pair(op, "padding", padding), _pair(op, "dilation", dilation)
    )
    for name in ("kernel", "stride", "dilation"):
        if min(getattr(window, name)) <= 0:
            label = "kernel_size" if name == "kernel" else name
            raise ValueError(f"{op}: {label} must be positive, got {getattr(window, name)}")
    if min(window.padding) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {window.padding}")
    return window


def _check_fits(op: str, x: Tensor, window: Window) -> None:
    """Raise unless at least one window fits in the padded input."""
    height, width = x.shape[2:]
    if min(window.output_size(height, width)) > 0:
        return
    span = tuple(d * (k - 1) + 1 for k, d in zip(window.kernel, window.dilation))
    padded = tuple(n + 2 * p for n, p in zip((height, width), window.padding))
    raise ValueError(
        f"{op}: the kernel {window.kernel} (dilation {window.dilation}, so it spans {span}) is larger than "
        f"the padded input {padded} (input shape {x.shape}, padding {window.padding}); use a smaller kernel "
        "or dilation, more padding, or a larger input"
    )
