"""Counting and locating, with integer (or count) results and no gradient, as in PyTorch: ``bincount``,
``histc``, ``searchsorted``, ``bucketize``, ``argwhere``, ``tril_indices`` and ``triu_indices``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_device
from ..tensor import Tensor, as_array, wrap


def _values(x: Any) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else as_array(x)


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ..., max(input) occurs in the 1-D non-negative integer ``input`` (at least
    ``minlength`` counts). With ``weights`` (same shape), the sum of the weights of each value instead:
    float weights keep their dtype, others give float64, as PyTorch."""
    values = _values(input)
    if values.ndim != 1 or values.dtype.kind not in "iub":
        raise ValueError(
            f"bincount: expects a 1-D tensor of non-negative integers, got {values.dtype} of shape "
            f"{values.shape}"
        )
    if values.size and values.min() < 0:
        raise ValueError(f"bincount: the values must be non-negative, got {values.min()}")
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if weights is None:
        return wrap(np.bincount(values, minlength=minlength).astype(np.int64, copy=False))
    w = _values(weights)
    if w.shape != values.shape:
        raise ValueError(f"bincount: weights {w.shape} must have the shape of the input {values.shape}")
    dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
    return wrap(np.bincount(values, weights=w, minlength=minlength).astype(dtype, copy=False))


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """A histogram of ``input`` in ``bins`` equal bins over [min, max] (the data's own range when min = max,
    widened by 1 each side if that is a single value); values outside are ignored, a value equal to max
    counts in the last bin. The counts have the input's (floating) dtype, as PyTorch's ``histc``."""
    values = _values(input)
    if values.dtype.kind != "f":
        raise TypeError(f"histc: expects a floating-point tensor, got {values.dtype}")
    if bins <= 0:
        raise ValueError(f"histc: bins must be positive, got {bins}")
    low, high = float(min), float(max)
    if low == high and values.size:
        low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise ValueError(f"histc: max ({max}) must be larger than min ({min})")
    flat = values.reshape(-1)
    inside = flat[(flat >= low) & (flat <= high)]
    position = ((inside - low) * bins / (high - low)).astype(np.int64)
    position[position == bins] = bins - 1
    return wrap(np.bincount(position, minlength=bins).astype(values.dtype))


def searchsorted(
    sorted_sequence: Any,
    input: Any,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Any = None,
) -> Tensor:
    """Where each value of ``input`` would go in ``sorted_sequence`` (sorted along its last dimension) to keep
    it sorted: the first such position, or the last with ``right=True`` / ``side="right"``. A 1-D sequence
    serves every value; an N-D one has one row per row of ``input`` (the leading dimensions match)."""
    sequence, values = _values(sorted_sequence), _values(input)
    if side is not None:
        if side not in ("left", "right") or (right and side == "left"):
            raise ValueError(
                f"searchsorted: side must be 'left' or 'right' and agree with right, got {side!r}"
            )
        right = side == "right"
    if sorter is not None:
        sequence = np.take_along_axis(sequence, _values(sorter), axis=-1)
    how = "right" if right else "left"
    if sequence.ndim == 0:
        raise ValueError("searchsorted: sorted_sequence must have at least one dimension")
    if sequence.ndim == 1:
        out = np.searchsorted(sequence, values, side=how)
    else:
        if values.ndim != sequence.ndim or values.shape[:-1] != sequence.shape[:-1]:
            raise ValueError(
                f"searchsorted: the leading dimensions of sorted_sequence {sequence.shape} and input "
                f"{values.shape} must match"
            )
        rows, flat_values = sequence.reshape(-1, sequence.shape[-1]), values.reshape(-1, values.shape[-1])
        out = np.stack([np.searchsorted(r, v, side=how) for r, v in zip(rows, flat_values)]).reshape(
            values.shape
        )
    return wrap(np.asarray(out).astype(np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each value of ``input`` among the 1-D sorted ``boundaries``: i with
    boundaries[i-1] < x <= boundaries[i] (or boundaries[i-1] <= x < boundaries[i] with ``right=True``)."""
    edges = _values(boundaries)
    if edges.ndim != 1:
        raise ValueError(f"bucketize: boundaries must be 1-D, got shape {edges.shape}")
    return searchsorted(edges, input, out_int32=out_int32, right=right)


def argwhere(input: Any) -> Tensor:
    """The indices of the nonzero elements, one row per element: an int64 tensor (count, ndim)."""
    return wrap(np.argwhere(_values(input)).astype(np.int64, copy=False))


def _check_sizes(op: str, row: int, col: int) -> None:
    if row < 0 or col < 0:
        raise ValueError(f"{op}: row and col must be non-negative, got {row} and {col}")


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = np.int64, device: Any = None) -> Tensor:
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix (``offset`` shifts the
    diagonal up), as a 2 x N tensor in row-major order."""
    check_device(device, "tril_indices")
    _check_sizes("tril_indices", row, col)
    return wrap(np.stack(np.tril_indices(row, offset, col)).astype(dtype).reshape(2, -1))


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = np.int64, device: Any = None) -> Tensor:
    """The (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix (``offset`` shifts the
    diagonal up), as a 2 x N tensor in row-major order."""
    check_device(device, "triu_indices")
    _check_sizes("triu_indices", row, col)
    return wrap(np.stack(np.triu_indices(row, offset, col)).astype(dtype).reshape(2, -1))
