"""Ops that rearrange copies of the elements: repeat, tile, repeat_interleave, flip, roll, meshgrid.

Each is built from shape ops (reshape, broadcast_to, indexing) or is its own inverse, so every gradient
is another rearrangement: repeated elements add up their gradients, flipped and rolled ones go back.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand
from .shape import broadcast_to, getitem, normalize_axes, reshape


def _sizes(sizes: tuple[Any, ...]) -> tuple[int, ...]:
    """``f(2, 3)`` or ``f((2, 3))``, as PyTorch accepts both."""
    if len(sizes) == 1 and not isinstance(sizes[0], (int, np.integer)):
        sizes = tuple(sizes[0])
    return tuple(int(n) for n in sizes)


def repeat(x: Any, *sizes: Any) -> Tensor:
    """PyTorch's ``Tensor.repeat`` (numpy's ``tile``): the whole tensor copied ``sizes[i]`` times along each
    dimension; extra leading sizes add dimensions. ``[1, 2].repeat(2)`` is ``[1, 2, 1, 2]``.

    Built as reshape -> broadcast -> reshape, so the gradient sums over the copies."""
    x = operand(x)
    sizes = _sizes(sizes)
    if len(sizes) < x.ndim:
        raise ValueError(
            f"repeat: needs at least one size per dimension ({x.ndim} for shape {x.shape}), got {sizes}"
        )
    if builtins.any(n < 0 for n in sizes):
        raise ValueError(f"repeat: sizes must be non-negative, got {sizes}")
    shape = (1,) * (len(sizes) - x.ndim) + x.shape
    interleaved = [d for n in shape for d in (1, n)]
    target = [d for r, n in zip(sizes, shape) for d in (r, n)]
    out = broadcast_to(reshape(x, interleaved), target)
    return reshape(out, tuple(r * n for r, n in zip(sizes, shape)))


def tile(x: Any, dims: Sequence[int]) -> Tensor:
    """PyTorch's ``tile``: ``repeat``, with fewer ``dims`` than dimensions padded by ones in front."""
    x = operand(x)
    dims = _sizes((dims,))
    return repeat(x, (1,) * (x.ndim - len(dims)) + dims)


def repeat_interleave(x: Any, repeats: Any, dim: int | None = None) -> Tensor:
    """Each element repeated ``repeats`` times in place along ``dim`` (flattened first when ``dim`` is None):
    ``[1, 2]`` -> ``[1, 1, 2, 2]`` (numpy's ``repeat``). ``repeats`` is an int or one count per element."""
    x = operand(x)
    if dim is None:
        x, d = reshape(x, (-1,)), 0
    else:
        (d,) = normalize_axes(dim, x.ndim, "repeat_interleave")
    counts = np.asarray(repeats.array if isinstance(repeats, Tensor) else repeats)
    if counts.dtype.kind not in "iu" or (counts < 0).any():
        raise ValueError(f"repeat_interleave: repeats must be non-negative integers, got {repeats!r}")
    if x.ndim == 0:
        x = reshape(x, (1,))
    if counts.ndim == 0 or counts.size == 1:
        r = int(counts.reshape(()))
        before, after = x.shape[: d + 1], x.shape[d + 1 :]
        out = broadcast_to(reshape(x, (*before, 1, *after)), (*before, r, *after))
        return reshape(out, (*before[:-1], before[-1] * r, *after))
    if counts.shape != (x.shape[d],):
        raise ValueError(
            f"repeat_interleave: {counts.size} repeat counts for dimension {d} of size {x.shape[d]} "
            f"(shape {x.shape}): give one count per element"
        )
    return getitem(x, (slice(None),) * d + (np.repeat(np.arange(x.shape[d]), counts),))


def flip(x: Any, dims: Any) -> Tensor:
    """The order of elements reversed along each dimension in ``dims`` (its own gradient)."""
    x = operand(x)
    axes = normalize_axes(dims, x.ndim, "flip")
    return getitem(x, tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim)))


def fliplr(x: Any) -> Tensor:
    """Flip dimension 1 (left-right), for tensors with at least 2 dimensions."""
    x = operand(x)
    if x.ndim < 2:
        raise ValueError(f"fliplr: needs at least 2 dimensions, got shape {x.shape}")
    return flip(x, 1)


def flipud(x: Any) -> Tensor:
    """Flip dimension 0 (up-down), for tensors with at least 1 dimension."""
    x = operand(x)
    if x.ndim < 1:
        raise ValueError("flipud: needs at least 1 dimension, got a 0-d tensor")
    return flip(x, 0)


class Roll(Function):
    """Shift elements by ``shifts`` along ``axes``, those pushed off the end coming back at the front;
    the gradient rolls back by ``-shifts``."""

    def forward(self, a: np.ndarray, shifts: tuple[int, ...], axes: tuple[int, ...] | None) -> np.ndarray:
        self.shifts, self.axes = shifts, axes
        return np.roll(a, shifts, axes)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (Roll.apply(g, shifts=tuple(-s for s in self.shifts), axes=self.axes),)


def roll(x: Any, shifts: Any, dims: Any = None) -> Tensor:
    """PyTorch's ``roll``: with ``dims`` None the flattened tensor rolls and keeps its shape."""
    x = operand(x)
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ValueError(f"roll: {len(shifts)} shifts need as many dims, got dims=None")
        return Roll.apply(x, shifts=shifts, axes=None)
    axes = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(axes) != len(shifts):
        raise ValueError(f"roll: shifts {shifts} and dims {dims} differ in length")
    axes = tuple(normalize_axes(a, x.ndim, "roll")[0] for a in axes)
    return Roll.apply(x, shifts=shifts, axes=axes)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors: result k varies along dimension k (``indexing="ij"``, PyTorch's
    default) or, with ``"xy"``, the first two dimensions swapped (numpy's default)."""
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    parts = [operand(t) for t in tensors]
    for t in parts:
        if t.ndim > 1:
            raise ValueError(f"meshgrid: expects 0-d or 1-D tensors, got shape {t.shape}")
    parts = [reshape(t, (-1,)) for t in parts]
    sizes = [t.shape[0] for t in parts]
    where = list(range(len(parts)))
    if indexing == "xy" and len(parts) >= 2:
        where[0], where[1] = 1, 0
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for t, k in zip(parts, where):
        shape = [1] * len(parts)
        shape[k] = t.shape[0]
        grids.append(broadcast_to(reshape(t, shape), sizes))
    return tuple(grids)
