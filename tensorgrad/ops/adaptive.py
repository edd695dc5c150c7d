"""Adaptive pooling: pool an (N, C, H, W) batch to a fixed output size, whatever the input size.

Output cell i along a dimension of size H pools the input rows floor(i H / out) .. ceil((i + 1) H / out) - 1
(PyTorch's rule: windows may overlap when out does not divide H). The average is linear, so it is two
matrix products with constant averaging matrices, out = A_h x A_w^T, and its gradient A_h^T g A_w comes
from matmul. The maximum reads each window's largest element (the gradient goes there: at ties to the first
in row-major order, as PyTorch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, operand, wrap
from .linalg import matmul
from .shape import reshape, stack


def _bounds(size: int, out: int) -> list[tuple[int, int]]:
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _output_size(op: str, x: Tensor, output_size: Any) -> tuple[int, int]:
    if x.ndim not in (3, 4):
        raise ValueError(f"{op}: expected input of shape (N, C, H, W) or (C, H, W), got {x.shape}")
    sizes = (output_size, output_size) if isinstance(output_size, (int, np.integer)) else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
    out = tuple(x.shape[-2 + i] if n is None else int(n) for i, n in enumerate(sizes))
    if min(out) < 1 or min(x.shape[-2:]) < 1:
        raise ValueError(f"{op}: output size {out} and input size {x.shape[-2:]} must be positive")
    return out


def _averaging(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """The (out, size) matrix whose row i averages the rows of window i."""
    matrix = np.zeros((out, size), dtype=dtype)
    for i, (lo, hi) in enumerate(_bounds(size, out)):
        matrix[i, lo:hi] = 1.0 / (hi - lo)
    return matrix


def adaptive_avg_pool2d(input: Any, output_size: Any) -> Tensor:
    """out[..., i, j] = mean of x[..., rows of window i, columns of window j] (see the module docstring)."""
    x = operand(input)
    out_h, out_w = _output_size("adaptive_avg_pool2d", x, output_size)
    rows = wrap(_averaging(x.shape[-2], out_h, x.dtype))
    cols = wrap(_averaging(x.shape[-1], out_w, x.dtype).T.copy())
    return matmul(matmul(rows, x), cols)


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Tensor:
    """out[..., i, j] = max of x[..., rows of window i, columns of window j]; at ties the first maximum in
    row-major order takes the gradient (as PyTorch)."""
    x = operand(input)
    if return_indices:
        raise NotImplementedError("adaptive_max_pool2d: return_indices=True is not supported")
    out_h, out_w = _output_size("adaptive_max_pool2d", x, output_size)
    cells = [
        reshape(x[..., r0:r1, c0:c1], (*x.shape[:-2], -1)).max(dim=-1).values
        for r0, r1 in _bounds(x.shape[-2], out_h)
        for c0, c1 in _bounds(x.shape[-1], out_w)
    ]
    return reshape(stack(cells, -1), (*x.shape[:-2], out_h, out_w))
