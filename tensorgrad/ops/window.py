"""The sliding window of convolution and pooling: its geometry, the checks of its arguments, its padding.

A window (kernel size k, stride s, padding p, dilation d, each one per axis) over an input of height H sees
``H_out = (H + 2p - d(k - 1) - 1) // s + 1`` positions. Kernel offset (i, j) of the window at output position
(oh, ow) reads the padded input at row ``oh*s + i*d``, column ``ow*s + j*d``: the input itself at row
``oh*s + i*d - p``, column ``ow*s + j*d - p``.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor

Pair = tuple[int, int]
#: per kernel offset (i, j): (i, j, (output rows, output columns), (input rows, input columns)), all slices
Offset = tuple[int, int, tuple[slice, slice], tuple[slice, slice]]


class Window(NamedTuple):
    """The geometry of a sliding 2-D window; each field is a (rows, columns) pair. (Graph pictures show a
    node's named-tuple settings field by field: ``kernel=(3, 3), stride=(1, 1), ...``.)"""

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

    def offsets(self, height: int, width: int, padded: bool) -> tuple[Offset, ...]:
        """``(i, j, outputs, inputs)`` per kernel offset (i, j) of a window over an input (H, W): the output
        positions ``outputs`` (rows, columns) read, at that offset, the input positions ``inputs`` (rows,
        columns), in the same order. With ``padded``, positions in the padded input (H + 2p, W + 2p), which
        every output reads; else positions in the input itself, leaving out the outputs whose offset falls in
        the padding (and the offsets that only ever read padding)."""
        return _offsets(self, height, width, padded)

    def tiles(self, height: int, width: int) -> bool:
        """Whether the windows cover the input exactly once: no overlap, no gap, no padding."""
        (kh, kw), (oh, ow) = self.kernel, self.output_size(height, width)
        return (
            self.stride == self.kernel
            and self.dilation == (1, 1)
            and self.padding == (0, 0)
            and (oh * kh, ow * kw) == (height, width)
        )


@functools.lru_cache(maxsize=1024)  # the same few windows and image sizes come back at every step
def _offsets(window: Window, height: int, width: int, padded: bool) -> tuple[Offset, ...]:
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = window
    out_h, out_w = window.output_size(height, width)
    if padded:
        height, width, ph, pw = height + 2 * ph, width + 2 * pw, 0, 0
    rows = [_reads(i * dh - ph, sh, out_h, height) for i in range(kh)]
    columns = [_reads(j * dw - pw, sw, out_w, width) for j in range(kw)]
    return tuple(
        (i, j, (r[0], c[0]), (r[1], c[1]))
        for i, r in enumerate(rows)
        for j, c in enumerate(columns)
        if r is not None and c is not None
    )


def _reads(shift: int, stride: int, count: int, size: int) -> tuple[slice, slice] | None:
    """Along one axis, output t of a kernel offset reads input ``t*stride + shift``. Returns (outputs,
    inputs): the slice of the ``count`` outputs that read inside [0, size), and the slice of the inputs they
    read; None where none does."""
    first = max(0, -(shift // stride))  # the smallest t with t*stride + shift >= 0
    stop = min(count, (size - 1 - shift) // stride + 1)  # one past the largest t with t*stride + shift < size
    if first >= stop:
        return None
    return slice(first, stop), slice(first * stride + shift, (stop - 1) * stride + shift + 1, stride)


def padded(x: np.ndarray, padding: Pair, fill: float = 0.0, axes: Pair = (2, 3)) -> np.ndarray:
    """``x`` with ``padding`` (rows, columns) entries of ``fill`` before and after it along ``axes`` (the
    rows' axis, the columns' axis): a new array, or ``x`` itself where there is no padding."""
    if padding == (0, 0):
        return x
    shape, inside = list(x.shape), [slice(None)] * x.ndim
    for axis, p in zip(axes, padding):
        shape[axis] += 2 * p
        inside[axis] = slice(p, p + x.shape[axis])
    out = np.zeros(shape, dtype=x.dtype) if fill == 0 else np.full(shape, fill, dtype=x.dtype)
    out[tuple(inside)] = x
    return out


class WindowOp(Function):
    """A node that slides a window (its ``window`` parameter): numpy's complaints in the window's words.
    (The user-facing checks come before, in the functions.)"""

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        window = params["window"]
        return (
            f"{cls.__name__.lower()}: cannot apply a window (kernel {window.kernel}, stride {window.stride}, "
            f"padding {window.padding}, dilation {window.dilation}) to a tensor of shape "
            f"{tuple(inputs[0].shape)}: {err}"
        )


# ---------------------------------------------------------------------------- argument checks
def size_pair(op: str, name: str, value: Any, minimum: int | None = None) -> Pair:
    """The argument ``name`` of ``op``, an int or a (rows, columns) pair of ints (bools are not ints), as a
    pair; with ``minimum``, each must be at least that (else the caller checks the range)."""
    pair = (value, value) if _is_int(value) else _items(value)
    if len(pair) != 2 or not all(_is_int(v) and (minimum is None or v >= minimum) for v in pair):
        rule = "(rows, columns)" if minimum is None else f">= {minimum}"
        raise ValueError(f"{op}: {name} must be an int or a pair of ints {rule}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _items(value: Any) -> tuple[Any, ...]:
    try:
        return tuple(value)
    except TypeError:
        return ()


def checked_window(op: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> Window:
    """The window of ``op``'s arguments: kernel size, stride and dilation positive, padding non-negative."""
    window = Window(
        size_pair(op, "kernel_size", kernel_size),
        size_pair(op, "stride", stride),
        size_pair(op, "padding", padding),
        size_pair(op, "dilation", dilation),
    )
    for name in ("kernel", "stride", "dilation"):
        if min(getattr(window, name)) <= 0:
            label = "kernel_size" if name == "kernel" else name
            raise ValueError(f"{op}: {label} must be positive, got {getattr(window, name)}")
    if min(window.padding) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {window.padding}")
    return window


def check_images(op: str, x: Tensor, batched_only: bool = False) -> bool:
    """Raise unless ``x`` is (N, C, H, W), or (C, H, W) where allowed; returns whether it is unbatched."""
    if x.ndim == 4 or (x.ndim == 3 and not batched_only):
        return x.ndim == 3
    also = "" if batched_only else " (or 3-D (C, H, W) for a single image)"
    raise ValueError(f"{op}: expected a 4-D input (N, C, H, W){also}, got shape {x.shape}")


def check_fits(op: str, x: Tensor, window: Window) -> None:
    """Raise unless at least one window fits in the padded input."""
    height, width = x.shape[2:]
    if min(window.output_size(height, width)) > 0:
        return
    span = tuple(d * (k - 1) + 1 for k, d in zip(window.kernel, window.dilation))
    padded_size = tuple(n + 2 * p for n, p in zip((height, width), window.padding))
    raise ValueError(
        f"{op}: the kernel {window.kernel} (dilation {window.dilation}, so it spans {span}) is larger than "
        f"the padded input {padded_size} (input shape {x.shape}, padding {window.padding}); use a smaller "
        "kernel or dilation, more padding, or a larger input"
    )
