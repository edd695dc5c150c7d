"""Running sums, products, maxima and minima along one dimension: cumsum, cumprod, cummax and cummin.

The gradient of a running sum is the running sum of the gradient taken from the other end; that of a
running product divides by the element where no element is zero, and is built exactly otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand, wrap
from .arrange import flip
from .elementwise import astype, where
from .reduce import ValuesIndices
from .shape import gather_along, movedim, normalize_axes, reshape, unsqueeze


def _reverse_cumsum(g: Tensor, axis: int) -> Tensor:
    """sum_{k >= i} g_k along ``axis``."""
    return flip(Cumsum.apply(flip(g, axis), axis=axis), axis)


class Cumsum(Function):
    """out_i = sum_{j <= i} a_j along ``axis``;  d/da_j = sum_{i >= j} g_i."""

    def forward(self, a: np.ndarray, axis: int) -> np.ndarray:
        self.axis = axis
        return np.cumsum(a, axis=axis, dtype=a.dtype)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (_reverse_cumsum(g, self.axis),)


class Cumprod(Function):
    """out_i = prod_{j <= i} a_j along ``axis``;  d/da_j = sum_{i >= j} g_i prod_{k <= i, k != j} a_k,
    which is (sum_{i >= j} g_i out_i) / a_j when no element is zero."""

    save_output = True

    def forward(self, a: np.ndarray, axis: int) -> np.ndarray:
        self.axis = axis
        return np.cumprod(a, axis=axis, dtype=a.dtype)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = self.inputs
        if not (a.array == 0).any():
            out = self.output()
            out = Cumprod.apply(a, axis=self.axis) if out is None else out
            return (_reverse_cumsum(g * out, self.axis) / a,)
        # exact with zeros: row j of `others` is a with a_j replaced by 1, so its running product at i >= j
        # is prod_{k <= i, k != j} a_k
        last = movedim(a, self.axis, -1)
        n = last.shape[-1]
        others = where(np.eye(n, dtype=bool), 1.0, unsqueeze(last, -2))
        running = Cumprod.apply(others, axis=others.ndim - 1)
        later = np.triu(np.ones((n, n), dtype=bool))  # i >= j
        terms = where(later, running * unsqueeze(movedim(g, self.axis, -1), -2), 0.0)
        return (movedim(terms.sum(axis=-1), -1, self.axis),)


def _prepare(x: Any, dim: int, dtype: Any, op: str) -> tuple[Tensor, int]:
    x = operand(x)
    if dtype is not None:
        x = astype(x, dtype)
    elif x.dtype.kind in "biu":
        x = astype(x, np.int64)  # PyTorch: running sums and products of integers and bools are int64
    if x.ndim == 0:
        normalize_axes(dim, 0, op)
        return reshape(x, (1,)), 0
    return x, normalize_axes(dim, x.ndim, op)[0]


def cumsum(x: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sum along ``dim``: out_i = x_0 + ... + x_i."""
    x0 = operand(x)
    x, d = _prepare(x0, dim, dtype, "cumsum")
    out = Cumsum.apply(x, axis=d)
    return reshape(out, ()) if x0.ndim == 0 else out


def cumprod(x: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """Running product along ``dim``: out_i = x_0 * ... * x_i."""
    x0 = operand(x)
    x, d = _prepare(x0, dim, dtype, "cumprod")
    out = Cumprod.apply(x, axis=d)
    return reshape(out, ()) if x0.ndim == 0 else out


def _running_extreme(x: Any, dim: int, op: str) -> Any:
    """(values, indices) of the running maximum (``op`` "cummax") or minimum along ``dim``, as PyTorch's: the
    index is the latest position holding the running value (ties go to the later element), and a NaN, once
    met, is the running value from there on (with the index of the latest NaN)."""
    x = operand(x)
    if x.ndim == 0:
        normalize_axes(dim, 0, op)
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    (d,) = normalize_axes(dim, x.ndim, op)
    a = x.array
    running = (np.maximum if op == "cummax" else np.minimum).accumulate(a, axis=d)
    positions = np.arange(a.shape[d]).reshape((-1,) + (1,) * (a.ndim - d - 1))
    updated = a == running
    if a.dtype.kind == "f":
        updated |= np.isnan(a)
    indices = np.maximum.accumulate(np.where(updated, positions, 0), axis=d).astype(np.int64, copy=False)
    return ValuesIndices(gather_along(x, d, indices), wrap(indices))


def cummax(x: Any, dim: int) -> Any:
    """``(values, indices)``: the running maximum along ``dim`` and where it was found; the gradient goes to
    that index (PyTorch's ``cummax``)."""
    return _running_extreme(x, dim, "cummax")


def cummin(x: Any, dim: int) -> Any:
    """``(values, indices)``: the running minimum along ``dim`` and where it was found (see ``cummax``)."""
    return _running_extreme(x, dim, "cummin")
