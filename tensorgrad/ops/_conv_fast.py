"""The nodes behind conv2d, max_pool2d and avg_pool2d: Conv2D, MaxPool2D, AvgPool2D.

They compute the numbers of conv.py's references (im2col, then a matrix product, a max or a mean), faster.
The pools read the kernel-offset slices of the padded input without copying them into columns, and send
their gradient back through conv.py's Col2im.

Conv2D is one matrix product on the columns, with K = C_in*kh*kw and P = H_out*W_out:
out = W.reshape(C_out, K) @ cols + bias, whose backward, written with Tensor ops, gives the columns
``W^T @ grad`` (turned into the input gradient by col2im) and the weight ``grad @ cols^T``. Conv2D keeps its
columns as one (K, P*N) matrix, the batch folded in with the pixels, so that the forward and each gradient
are one GEMM for the whole batch, not N small ones and a sum over the batch. They are the same entries as
Im2col's, indexed the same way (``Im2colStored`` returns them as a transposed view, ``Col2imStored`` adds
them back), only stored in another order, a ``Layout``:

* CHWN, batch last: the input stored (C, H, W, N), the columns (C, kh, kw, H_out, W_out, N). The rows and
  columns that one kernel offset reads are then runs of W_out*N contiguous elements, so im2col's kh*kw
  copies and col2im's kh*kw adds each run as one numpy call with long inner loops; in NCHW the runs are
  W_out long (14 elements in a small CNN), and col2im costs several times more. The price is moving the
  batch axis between first and last for the output and its gradient: transposing copies that numpy does
  element by element (``_batch_first`` does the one of the output in cache-sized blocks).
* CNHW, batch second: the input stored (C, N, H, W), the columns (C, kh, kw, N, H_out, W_out): runs of
  only W_out, but the transposing copies move whole images.

The copies and adds scale with the columns (K rows), the batch transposes with the output (C_out rows), so
Conv2D takes CHWN where the columns are taller than the output (K > C_out: deeper layers), else CNHW (a
first layer with one or three input channels), and CNHW for 1x1 kernels too, whose columns are the input
itself (no overlapping windows: there the one copy and one add move whole images in CNHW).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..autograd import grad_mode
from ..tensor import Tensor, wrap
from .conv import Col2im
from .shape import broadcast_to, permute, reshape
from .window import Pair, Window, WindowOp, padded


# ---------------------------------------------------------------------------- memory layouts
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
        """x (N, C, H, W) zero-padded by ``padding``, as a C-contiguous stored image (to be read only): one
        transposing copy, none where x is already so in memory (one channel in CNHW, no padding)."""
        rows_and_columns = (self.image.index(2), self.image.index(3))
        return np.ascontiguousarray(padded(x.transpose(self.image), padding, 0, rows_and_columns))

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
    for i, j, _, inputs in window.offsets(h, w, padded=True):
        cols[:, i, j] = stored[layout.pixels(*inputs)]
    return cols


class Im2colStored(WindowOp):
    """x (N, C, H, W) -> cols (N, C, kh, kw, H_out, W_out), the columns of Im2col (zero padding, no mask),
    ``cols[n, c, i, j, oh, ow] = xpad[n, c, oh*s + i*d, ow*s + j*d]``, stored in ``layout``: the result is
    a transposed view of a C-contiguous (C, kh, kw, ...) array (see Layout). Linear in x, so backward is
    the adjoint, Col2imStored."""

    def forward(self, x: np.ndarray, window: Window, layout: Layout) -> np.ndarray:
        self.window, self.layout = window, layout
        return _stored_columns(x, window, layout).transpose(_inverse(layout.columns))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Col2imStored.apply(g, window=self.window, shape=self.inputs[0].shape, layout=self.layout),)


class Col2imStored(WindowOp):
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
        tiles = window.tiles(h, w)  # every element is written exactly once: assign into empty memory
        x = (np.empty if tiles else np.zeros)(layout.shape(n, c, h, w), dtype=cols.dtype)
        for i, j, outputs, inputs in window.offsets(h, w, padded=False):  # kh*kw strided slices
            part = stored[:, i, j][layout.pixels(*outputs)]
            if tiles:
                x[layout.pixels(*inputs)] = part
            else:
                x[layout.pixels(*inputs)] += part
        return layout.to_nchw(x)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Im2colStored.apply(g, window=self.window, layout=self.layout),)


# ---------------------------------------------------------------------------- the nodes the graph shows
class Conv2D(WindowOp):
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


class MaxPool2D(WindowOp):
    """out[n, c, oh, ow] = max over the window of xpad (padded with -inf). The derivative is 1 at the window's
    maximum and 0 elsewhere; at ties the first maximum in row-major window order takes it (as PyTorch), and
    where windows overlap their gradients add up. backward: Col2im of the gradient broadcast over the window
    and masked by ``onehot`` (N, C, kh, kw, H_out, W_out), which marks each window's maximum."""

    def forward(self, x: np.ndarray, window: Window) -> np.ndarray:
        self.window = window
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = padded(x, window.padding, lowest)
        offsets = window.offsets(*x.shape[2:], padded=True)
        views = [(i, j, xp[:, :, rows, columns]) for i, j, _, (rows, columns) in offsets]  # no copies
        out = views[0][2].copy()
        for _, _, view in views[1:]:
            np.maximum(out, view, out=out)
        # each window's first maximum: a hit at an offset where no earlier offset had one. Stored offset-major
        # (kh, kw, N, C, H_out, W_out) in memory, so that each offset's slice is contiguous
        onehot = np.empty((*window.kernel, *out.shape), dtype=bool).transpose(2, 3, 0, 1, 4, 5)
        found = np.zeros(out.shape, dtype=bool)
        for i, j, view in views:
            hit = onehot[:, :, i, j]
            np.equal(view, out, out=hit)
            np.greater(hit, found, out=hit)  # hit and not found
            found |= hit
        self.saved = (onehot,)
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        (onehot,) = self.saved
        spread = broadcast_to(reshape(g, (*g.shape[:2], 1, 1, *g.shape[2:])), onehot.shape)
        return (Col2im.apply(spread, window=self.window, shape=self.inputs[0].shape, mask=onehot),)


class AvgPool2D(WindowOp):
    """out[n, c, oh, ow] = mean over the window of xpad (padded with zeros, which count: PyTorch's
    count_include_pad=True). d out / d x = 1/(kh*kw) at every window position; backward: Col2im of the
    gradient divided by kh*kw and broadcast over the window."""

    def forward(self, x: np.ndarray, window: Window) -> np.ndarray:
        self.window = window
        xp = padded(x, window.padding, 0)
        offsets = window.offsets(*x.shape[2:], padded=True)
        views = (xp[:, :, rows, columns] for _, _, _, (rows, columns) in offsets)  # no copies
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)  # the mean of integers is a float
        out = next(views).astype(dtype, copy=True)
        for view in views:
            out += view
        out /= window.kernel[0] * window.kernel[1]
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        n, c, out_h, out_w = g.shape
        (kh, kw) = self.window.kernel
        share = reshape(g, (n, c, 1, 1, out_h, out_w)) * (1.0 / (kh * kw))
        spread = broadcast_to(share, (n, c, kh, kw, out_h, out_w))
        return (Col2im.apply(spread, window=self.window, shape=self.inputs[0].shape),)
