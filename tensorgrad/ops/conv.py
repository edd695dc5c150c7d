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
differentiates twice. Pooling reads the kernel-offset slices of the input without copying them, and sends
its gradient back through ``Col2im``.

Convolution (the ``Conv2D`` node) is one matrix product on the columns, with K = C_in*kh*kw and
P = H_out*W_out: out = W.reshape(C_out, K) @ cols + bias, whose backward, written with Tensor ops, gives
the columns ``W^T @ grad`` (turned into the input gradient by col2im) and the weight ``grad @ cols^T``.
Conv2D keeps its columns as one (K, P*N) matrix, the batch folded in with the pixels, so that the forward
and each gradient are one GEMM for the whole batch, not N small ones and a sum over the batch. They are the
same entries as Im2col's, indexed the same way (``Im2colStored`` returns them as a transposed view,
``Col2imStored`` adds them back), only stored in another order, a ``Layout``:

* CHWN, batch last: the input stored (C, H, W, N), the columns (C, kh, kw, H_out, W_out, N). The rows and
  columns that one kernel offset reads are then runs of W_out*N contiguous elements, so im2col's kh*kw
  copies and col2im's kh*kw adds each run as one numpy call with long inner loops; in NCHW the runs are
  W_out long (14 elements in a small CNN), and col2im costs several times more. The price is moving the
  batch axis between first and last for the output and its gradient: transposing copies that numpy does
  element by element.
* CNHW, batch second: the input stored (C, N, H, W), the columns (C, kh, kw, N, H_out, W_out): runs of
  only W_out, but the transposing copies move whole images.

The copies and adds scale with the columns (K rows), the batch transposes with the output (C_out rows), so
Conv2D takes CHWN where the columns are taller than the output (K > C_out: deeper layers), else CNHW (a
first layer with one or three input channels), and CNHW for 1x1 kernels too, whose columns are the input
itself (no overlapping windows: there the one copy and one add move whole images in CNHW).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor, as_array, wrap
from .shape import broadcast_to, permute, reshape

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

    def slices(self, out_h: int, out_w: int) -> Iterator[tuple[int, int, slice, slice]]:
        """``(i, j, rows, columns)`` per kernel offset: the rows and columns of the padded input that kernel
        offset (i, j) reads, one per output position (H_out rows, W_out columns)."""
        (kh, kw), (sh, sw), _, (dh, dw) = self.kernel, self.stride, self.padding, self.dilation
        for i in range(kh):
            rows = slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh)
            for j in range(kw):
                yield i, j, rows, slice(j * dw, j * dw + sw * (out_w - 1) + 1, sw)

    def offsets(self, out_h: int, out_w: int) -> Iterator[tuple[int, int, tuple[Any, ...]]]:
        """``(i, j, index)`` per kernel offset; ``xpad[index]`` (N, C, H_out, W_out) is what (i, j) sees."""
        for i, j, rows, columns in self.slices(out_h, out_w):
            yield i, j, (slice(None), slice(None), rows, columns)

    def inside(
        self, height: int, width: int, out_h: int, out_w: int
    ) -> Iterator[tuple[int, int, tuple[slice, slice], tuple[slice, slice]]]:
        """``(i, j, outputs, inputs)`` per kernel offset, leaving the padding out: ``outputs`` (rows, columns)
        are the output positions whose kernel offset (i, j) falls inside the unpadded input, ``inputs``
        (rows, columns) the input positions they read, in the same order. Offsets that only ever read
        padding are skipped."""
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = self.kernel, self.stride, self.padding, self.dilation
        for i in range(kh):
            rows = _inside(i * dh - ph, sh, out_h, height)
            if rows is None:
                continue
            for j in range(kw):
                columns = _inside(j * dw - pw, sw, out_w, width)
                if columns is not None:
                    yield i, j, (rows[0], columns[0]), (rows[1], columns[1])

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


# ---------------------------------------------------------------------------- conv2d's memory layouts
def _inside(shift: int, stride: int, count: int, size: int) -> tuple[slice, slice] | None:
    """Along one axis, output t of a kernel offset reads input ``t*stride + shift`` (shift = offset*d - p).
    Returns (outputs, inputs): the slice of the ``count`` outputs that read inside [0, size), and the slice
    of the inputs they read; None where every one reads padding."""
    first = max(0, -(shift // stride))  # the smallest t with t*stride + shift >= 0
    stop = min(count, (size - 1 - shift) // stride + 1)  # one past the largest t with t*stride + shift < size
    if first >= stop:
        return None
    return slice(first, stop), slice(first * stride + shift, (stop - 1) * stride + shift + 1, stride)


@dataclass(frozen=True)
class Layout:
    """How Conv2D keeps images and columns in memory: channels first, so that the columns are a
    (C*kh*kw, pixels*images) matrix, and the batch axis last (CHWN) or second (CNHW). ``image`` and
    ``columns`` are axis orders for ``ndarray.transpose``. (Not a named tuple: graph pictures list a node's
    named-tuple settings, and a memory layout is no setting of the op.)"""

    name: str
    image: tuple[int, int, int, int]  # (N, C, H, W) -> the stored image
    columns: tuple[int, ...]  # Im2col's (N, C, kh, kw, H_out, W_out) -> the stored columns

    def shape(self, n: int, c: int, h: int, w: int) -> tuple[int, ...]:
        """The shape of a stored (N, C, H, W) image."""
        return tuple((n, c, h, w)[axis] for axis in self.image)

    def pixels(self, rows: slice, columns: slice) -> tuple[slice, ...]:
        """The index of ``rows`` and ``columns`` of every channel and image in a stored image."""
        index = [slice(None)] * 4
        index[self.image.index(2)], index[self.image.index(3)] = rows, columns
        return tuple(index)

    def store(self, x: np.ndarray, padding: Pair) -> np.ndarray:
        """x (N, C, H, W) zero-padded by ``padding``, as a new stored image: one transposing copy."""
        n, c, h, w = x.shape
        ph, pw = padding
        stored = (np.zeros if ph or pw else np.empty)(self.shape(n, c, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
        stored[self.pixels(slice(ph, ph + h), slice(pw, pw + w))] = x.transpose(self.image)
        return stored

    def to_nchw(self, stored: np.ndarray) -> np.ndarray:
        """A new C-contiguous (N, C, H, W) array from a stored image."""
        if self.image[-1] == 0:  # the batch is the last axis: see _batch_first
            return _batch_first(stored)
        return np.ascontiguousarray(stored.transpose(_inverse(self.image)))


#: batch last: runs of W_out*N contiguous elements for each kernel offset's copy and add, at the price of a
#: transposing copy of the output and of its gradient (see the module docstring)
CHWN = Layout("CHWN", image=(1, 2, 3, 0), columns=(1, 2, 3, 4, 5, 0))
#: batch second: runs of only W_out elements, but the images stay whole: its transposing copies move runs
#: of H*W elements
CNHW = Layout("CNHW", image=(1, 0, 2, 3), columns=(1, 2, 3, 0, 4, 5))


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    """The axis order that undoes ``transpose(axes)``."""
    return tuple(sorted(range(len(axes)), key=axes.__getitem__))


#: elements per block in ``_batch_first``: 8192 float32 are 32 KiB, within L1 cache
_BLOCK_ELEMENTS = 8192


def _batch_first(a: np.ndarray) -> np.ndarray:
    """A new C-contiguous array: ``a`` (..., N) with its last axis moved to the front, (N, ...).

    Viewing ``a`` as a matrix (M, N), numpy copies the transpose one element at a time, reading ``a`` at a
    stride of N elements; copied in blocks of rows whose source stays in L1 cache, it runs faster than one
    ``np.ascontiguousarray(np.moveaxis(a, -1, 0))`` on a convolution's output: twice at N = 64, four times
    at N = 256 (and as fast below N = 16)."""
    n = a.shape[-1]
    rows = a.reshape(-1, n)
    out = np.empty((n, rows.shape[0]), dtype=a.dtype)
    step = max(1, _BLOCK_ELEMENTS // n)  # rows per block
    for start in range(0, rows.shape[0], step):
        out[:, start : start + step] = rows[start : start + step].T
    return out.reshape(n, *a.shape[:-1])


def _stored_columns(x: np.ndarray, window: Window, layout: Layout) -> np.ndarray:
    """The columns of x (N, C, H, W) zero-padded, as a new C-contiguous array (C, kh, kw, ...) whose last
    three axes are (H_out, W_out, N) in ``layout``'s order: ``cols[c, i, j, oh, ow, n] = xpad[n, c, oh*s +
    i*d, ow*s + j*d]`` for CHWN. One strided copy per kernel offset."""
    n, c, h, w = x.shape
    out_h, out_w = window.output_size(h, w)
    stored = layout.store(x, window.padding)
    cols = np.empty((c, *window.kernel, *layout.shape(n, c, out_h, out_w)[1:]), dtype=x.dtype)
    for i, j, rows, columns in window.slices(out_h, out_w):
        cols[:, i, j] = stored[layout.pixels(rows, columns)]
    return cols


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


class Im2colStored(_WindowOp):
    """x (N, C, H, W) -> cols (N, C, kh, kw, H_out, W_out), the columns of Im2col (zero padding, no mask),
    ``cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d, ow*s + j*d]``, stored in ``layout``: the result is
    a transposed view of a C-contiguous (C, kh, kw, ...) array (see Layout). Linear in x, so backward is
    the adjoint, Col2imStored."""

    def forward(self, x: np.ndarray, window: Window, layout: Layout) -> np.ndarray:
        self.window, self.layout = window, layout
        return _stored_columns(x, window, layout).transpose(_inverse(layout.columns))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Col2imStored.apply(g, window=self.window, shape=self.inputs[0].shape, layout=self.layout),)


class Col2imStored(_WindowOp):
    """cols (N, C, kh, kw, H_out, W_out) -> x (N, C, H, W), the adjoint of Im2colStored (the same map as
    Col2im): ``x[n, c, oh*s + i*d - p, ow*s + j*d - p] += cols[n, c, i, j, oh, ow]``, entries that fall in
    the padding dropped. Fast when ``cols`` is stored in ``layout`` (as Im2colStored makes it, and as
    Conv2D's ``W^T @ grad`` comes out): one add per kernel offset into x stored in ``layout``, which is
    transposed to NCHW at the end; in CHWN each add runs over W_out*N contiguous elements. Linear, so
    backward is Im2colStored."""

    def forward(self, cols: np.ndarray, window: Window, shape: tuple[int, ...], layout: Layout) -> np.ndarray:
        self.window, self.layout = window, layout
        n, c, h, w = shape
        stored = cols.transpose(layout.columns)  # (C, kh, kw, ...): C-contiguous if cols is in layout
        out_h, out_w = cols.shape[4:]
        tiles = window.tiles(h, w)  # every element is written exactly once: assign into empty memory
        x = (np.empty if tiles else np.zeros)(layout.shape(n, c, h, w), dtype=cols.dtype)
        for i, j, outputs, inputs in window.inside(h, w, out_h, out_w):  # kh*kw strided slices
            part = stored[:, i, j][layout.pixels(*outputs)]
            if tiles:
                x[layout.pixels(*inputs)] = part
            else:
                x[layout.pixels(*inputs)] += part
        return layout.to_nchw(x)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Im2colStored.apply(g, window=self.window, layout=self.layout),)


class Conv2D(_WindowOp):
    """The convolution as one matrix product on the columns cols = Im2colStored(x), kept as a (K, P*N)
    matrix with K = C_in*kh*kw, P = H_out*W_out (see Layout and the module docstring for why). With W the
    weight as a (C_out, K) matrix and g the output gradient as a (C_out, P*N) matrix in the same layout,

        out = W @ cols + bias  (C_out, P*N), returned as (N, C_out, H_out, W_out);
        d/dx = Col2imStored(W^T @ g),  d/dW = g @ cols^T,  d/dbias = g summed over images and pixels.

    The layout is CHWN where the columns are taller than the output (K > C_out) and the kernel is larger
    than 1x1, else CNHW. The columns are kept in ``saved`` (indexed as Im2col's, (N, C_in, kh, kw, H_out,
    W_out)), so they are freed after backward (they are kh*kw times the input). When the backward pass is
    itself recorded (create_graph), backward takes them from an Im2colStored node of x instead, so that
    d/dW differentiates with respect to x: the formulas are the same either way."""

    def forward(self, x: np.ndarray, weight: np.ndarray, *bias: np.ndarray, window: Window) -> np.ndarray:
        self.window = window
        c_out, c_in, kh, kw = weight.shape
        k = c_in * kh * kw
        self.layout = CHWN if k > c_out and kh * kw > 1 else CNHW  # see the module docstring
        cols = _stored_columns(x, window, self.layout)  # (C_in, kh, kw, ...)
        out = weight.reshape(c_out, k) @ cols.reshape(k, -1)  # (C_out, P*N): one GEMM
        if bias:
            out += bias[0][:, None]  # in place: ``out`` is ours alone
        self.saved = (cols.transpose(_inverse(self.layout.columns)),)
        return self.layout.to_nchw(out.reshape(c_out, *cols.shape[3:]))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, weight, *bias = self.inputs
        layout, c_out = self.layout, g.shape[1]
        g = permute(g, layout.image)  # (C_out, ...) in the layout: a view
        pixels = g.shape[1:]
        g = reshape(g, (c_out, -1))  # (C_out, P*N): one transposing copy
        w = reshape(weight, (c_out, -1))  # (C_out, K)
        d_x = None
        if x.requires_grad:
            d_cols = reshape(w.mT @ g, (x.shape[1], *self.window.kernel, *pixels))  # stored columns
            d_cols = permute(d_cols, _inverse(layout.columns))  # indexed as Im2col's: a view
            d_x = Col2imStored.apply(d_cols, window=self.window, shape=x.shape, layout=layout)
        d_weight = None
        if weight.requires_grad:
            if grad_mode.enabled:
                cols = Im2colStored.apply(x, window=self.window, layout=layout)
            else:
                cols = wrap(self.saved[0])
            columns = reshape(permute(cols, layout.columns), (w.shape[1], -1))  # (K, P*N): a view
            d_weight = reshape(g @ columns.mT, weight.shape)  # one GEMM sums over images and pixels
        if not bias:
            return d_x, d_weight
        return d_x, d_weight, g.sum(axis=1) if bias[0].requires_grad else None


class MaxPool2D(_WindowOp):
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


class AvgPool2D(_WindowOp):
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
    out = Conv2D.apply(x, w, window=window) if b is None else Conv2D.apply(x, w, b, window=window)
    return reshape(out, out.shape[1:]) if unbatched else out


def max_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1
) -> Tensor:
    """Max over each window of ``input`` (N, C, H, W) or (C, H, W); padding counts as -inf.

    ``stride`` defaults to ``kernel_size``; ``padding`` may be at most half the kernel size (as PyTorch).
    The gradient goes to each window's maximum (the first one at ties); overlapping windows add up.
    """
    return _pool("max_pool2d", MaxPool2D, input, kernel_size, stride, padding, dilation)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Mean over each window of ``input`` (N, C, H, W) or (C, H, W); zero padding is counted in the mean
    (PyTorch's ``count_include_pad=True``). ``stride`` defaults to ``kernel_size``; ``padding`` may be at most
    half the kernel size."""
    return _pool("avg_pool2d", AvgPool2D, input, kernel_size, stride, padding, 1)


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
