"""Norms: vector p-norms (``norm``, ``linalg.vector_norm``), the matrix norms built from them, ``dist`` and
``normalize``.

||x||_p = (sum_i |x_i|^p)^(1/p);  d/dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1), taken as 0 where x_i = 0
(as PyTorch: the gradient of a norm at a zero vector is 0, not NaN). p = inf is max |x_i|, -inf min |x_i|
(ties share the gradient), p = 0 counts the nonzero elements (gradient 0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand
from .elementwise import abs, clip, where
from .reduce import _axes_of, _kept_shape, _spread, amax, amin
from .reduce import sum as reduce_sum
from .shape import normalize_axes, reshape


class VectorNorm(Function):
    """||a||_p over ``axes`` (see the module docstring for the formula and its gradient)."""

    save_output = True

    def forward(self, a: np.ndarray, p: float, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        self.p, self.axes = p, axes
        size = np.abs(a)
        if p == math.inf:
            out = size.max(axis=axes, keepdims=keepdims, initial=0)
        elif p == -math.inf:
            out = size.min(axis=axes, keepdims=keepdims)
        elif p == 0:
            out = (size != 0).sum(axis=axes, keepdims=keepdims)
        elif p == 1:
            out = size.sum(axis=axes, keepdims=keepdims)
        elif p == 2:
            out = np.sqrt((size * size).sum(axis=axes, keepdims=keepdims))
        else:
            out = (size**p).sum(axis=axes, keepdims=keepdims) ** (1 / p)
        return np.asarray(out, dtype=a.dtype)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = self.inputs
        p, spread = self.p, _spread(g, self)
        sign = np.sign(a.array)
        if p == 0:
            return (spread * 0.0,)
        if p == 1:
            return (spread * sign,)
        out = self.output()
        out = VectorNorm.apply(a, p=p, axes=self.axes, keepdims=True) if out is None else out
        kept = reshape(out, _kept_shape(a.shape, self.axes))
        if math.isinf(p):
            hits = np.abs(a.array) == kept.array
            return (spread * (sign * hits / hits.sum(axis=self.axes, keepdims=True)),)
        safe_norm = where(kept.array == 0, 1.0, kept)
        if p == 2:
            return (spread * a / safe_norm,)
        nonzero = a.array != 0
        safe_size = where(nonzero, abs(a), 1.0)
        return (spread * where(nonzero, sign * safe_size ** (p - 1) / safe_norm ** (p - 1), 0.0),)


def _order(p: Any, op: str) -> float:
    if isinstance(p, str) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise ValueError(f"{op}: the order of a vector norm must be a number (or inf, -inf), got {p!r}")
    return float(p)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """||x||_ord over ``dim`` (None: all elements, flattened), as ``torch.linalg.vector_norm``."""
    x = operand(x)
    if dtype is not None:
        x = x.astype(dtype)
    if x.dtype.kind != "f":
        raise TypeError(f"norm: expects a floating-point tensor, got {x.dtype}; convert it with .float()")
    p = _order(ord, "vector_norm")
    return VectorNorm.apply(x, p=p, axes=_axes_of(x, None, dim, "norm"), keepdims=bool(keepdim))


def norm(x: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """``torch.norm``: the p-norm over ``dim`` of the elements taken as one vector ('fro' is p = 2);
    p may be any float, inf or -inf (max / min |x|) or 0 (the number of nonzero elements)."""
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError(
            "norm: the nuclear norm (p='nuc') needs an SVD, which tensorgrad does not have"
        )
    return vector_norm(x, p, dim, keepdim, dtype=dtype)


def matrix_norm(x: Any, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False) -> Tensor:
    """``torch.linalg.matrix_norm`` over the two dimensions ``dim``: 'fro' (sqrt of the sum of squares),
    1 / -1 (largest / smallest column sum of |x|), inf / -inf (largest / smallest row sum of |x|)."""
    x = operand(x)
    if x.ndim < 2:
        raise ValueError(f"matrix_norm: needs at least 2 dimensions, got shape {x.shape}")
    rows, cols = (normalize_axes(d, x.ndim, "matrix_norm")[0] for d in dim)
    if rows == cols:
        raise ValueError(f"matrix_norm: dim must name two different dimensions, got {dim}")
    if ord == "fro":
        return vector_norm(x, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"matrix_norm: ord={ord!r} needs an SVD, which tensorgrad does not have")
    if ord not in (1, -1, math.inf, -math.inf):
        raise ValueError(f"matrix_norm: ord must be 'fro', 1, -1, inf or -inf, got {ord!r}")
    summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = reduce_sum(abs(x), summed, keepdims=True)
    out = (amax if ord > 0 else amin)(sums, other, keepdims=True)
    return out if keepdim else reshape(out, tuple(n for i, n in enumerate(x.shape) if i not in (rows, cols)))


def linalg_norm(
    x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """``torch.linalg.norm``: a vector norm for an int ``dim`` (or a 1-D input), a matrix norm for a pair of
    dims (or a 2-D input); with ``ord`` and ``dim`` both None, the 2-norm of all elements."""
    x = operand(x)
    if dtype is not None:
        x = x.astype(dtype)
    if dim is None:
        if ord is None:
            return vector_norm(x, 2, None, keepdim)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"linalg.norm: with ord={ord!r} and no dim the input must be 1-D or 2-D, got {x.shape}"
            )
        dim = 0 if x.ndim == 1 else (0, 1)
    if isinstance(dim, (int, np.integer)) or len(dim) == 1:
        return vector_norm(x, 2 if ord is None else ord, dim, keepdim)
    return matrix_norm(x, "fro" if ord is None else ord, dim, keepdim)


def dist(a: Any, b: Any, p: float = 2) -> Tensor:
    """||a - b||_p over all elements (after broadcasting), as ``torch.dist``."""
    a = operand(a)
    return vector_norm(a - b, p)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``F.normalize``: x / max(||x||_p, eps) along ``dim``."""
    x = operand(input)
    return x / clip(vector_norm(x, p, dim, keepdim=True), eps)
