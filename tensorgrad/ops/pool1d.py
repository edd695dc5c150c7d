"""Adaptive pooling of (N, C, L) sequences to a fixed length (PyTorch's ``F.adaptive_avg_pool1d``,
``F.adaptive_max_pool1d``): the 1-D case of adaptive.py's windows.

Output cell i of ``out`` pools the input positions floor(i L / out) .. ceil((i + 1) L / out) - 1 (PyTorch's
rule; windows overlap when ``out`` does not divide L). The average is one matrix product with adaptive.py's
constant averaging matrix, x @ A^T, whose gradient g @ A comes from matmul. The maximum reads each window
(a reshape where ``out`` divides L, else one gather of the windows padded to the longest by repeating their
last position) and takes ``max`` along it, which sends the gradient to the first maximum, as PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, operand, wrap
from .adaptive import _averaging, _bounds
from .linalg import matmul
from .shape import getitem, reshape


def _output_length(op: str, x: Tensor, output_size: Any) -> int:
    if x.ndim not in (2, 3):
        raise ValueError(
            f"{op}: expected a 3-D input (N, C, L) (or 2-D (C, L) for a single sequence), got shape "
            f"{tuple(x.shape)}"
        )
    size = output_size
    if isinstance(size, (tuple, list)) and len(size) == 1:
        size = size[0]
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"{op}: output_size must be a positive int or a tuple of one, got {output_size!r}")
    if x.shape[-1] < 1:
        raise ValueError(f"{op}: the input must have a positive length, got shape {tuple(x.shape)}")
    return int(size)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Tensor:
    """out[..., i] = mean of x[..., window i] (see the module docstring); (N, C, L) -> (N, C, out)."""
    x = operand(input)
    out = _output_length("adaptive_avg_pool1d", x, output_size)
    if x.dtype.kind != "f":
        raise TypeError(f"adaptive_avg_pool1d: expected a floating point input, got dtype {x.dtype}")
    return matmul(x, wrap(_averaging(x.shape[-1], out, x.dtype).T.copy()))


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """out[..., i] = max of x[..., window i] (see the module docstring); (N, C, L) -> (N, C, out). With
    ``return_indices``, also the int64 position along L of each maximum (the first one at ties)."""
    x = operand(input)
    out = _output_length("adaptive_max_pool1d", x, output_size)
    length = x.shape[-1]
    if length % out == 0:  # equal windows side by side: a view
        windows = reshape(x, (*x.shape[:-1], out, length // out))
        positions = np.arange(length).reshape(out, length // out)
    else:
        bounds = _bounds(length, out)
        longest = max(hi - lo for lo, hi in bounds)
        positions = np.array([[min(lo + j, hi - 1) for j in range(longest)] for lo, hi in bounds])
        windows = getitem(x, (Ellipsis, positions))  # (..., out, longest)
    values, which = windows.max(dim=-1)
    if not return_indices:
        return values
    indices = np.take_along_axis(
        np.broadcast_to(positions, (*which.shape, positions.shape[1])), which.array[..., None], axis=-1
    )[..., 0]
    return values, wrap(indices.astype(np.int64))
