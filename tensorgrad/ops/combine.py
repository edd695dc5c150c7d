"""Ops composed from other differentiable ops, as PyTorch's: stacking (``hstack``, ``vstack``, ``dstack``,
``column_stack``, ``atleast_1d/2d/3d``), ``broadcast_tensors``, ``tensordot``, ``diff``, ``trapezoid`` and
``contiguous``. Their gradients are those of the ops they are made of."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand, operands, wrap
from .linalg import matmul
from .logic import logical_xor
from .reduce import sum as reduce_sum
from .shape import _as_tensors, broadcast_to, cat, getitem, normalize_axes, permute, reshape


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one dimension (a 0-d one becomes shape (1,))."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two dimensions: () -> (1, 1), (n,) -> (1, n)."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three dimensions: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _atleast(tensors, 3)


def _atleast(tensors: tuple[Any, ...], ndim: int) -> Any:
    """``tensors`` (or one list of them) each reshaped to at least ``ndim`` dimensions, numpy's way."""
    single = len(tensors) == 1 and not isinstance(tensors[0], (list, tuple))
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = []
    for t in _as_tensors(items, f"atleast_{ndim}d"):
        if t.ndim == 0:
            t = reshape(t, (1,) * ndim)
        elif t.ndim == 1 and ndim > 1:
            t = reshape(t, (1, t.shape[0], 1)[:ndim])
        elif t.ndim == 2 and ndim > 2:
            t = reshape(t, (*t.shape, 1))
        out.append(t)
    return out[0] if single else tuple(out)


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Concatenated along dimension 1 (along 0 for 1-D tensors); 0-d tensors count as 1-D."""
    items = _atleast(tuple(tensors), 1)
    items = items if isinstance(items, tuple) else (items,)
    return cat(items, 0 if items[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Stacked as rows: 1-D (n,) tensors become (1, n), then concatenated along dimension 0."""
    items = _atleast(tuple(tensors), 2)
    return cat(items if isinstance(items, tuple) else (items,), 0)


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Stacked in depth: each tensor made at least 3-D (``atleast_3d``), concatenated along dimension 2."""
    items = _atleast(tuple(tensors), 3)
    return cat(items if isinstance(items, tuple) else (items,), 2)


def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Columns side by side: 0-d and 1-D tensors become columns (n, 1), then ``hstack``."""
    items = [reshape(t, (-1, 1)) if t.ndim <= 1 else t for t in _as_tensors(tensors, "column_stack")]
    return cat(items, 1)


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """The tensors broadcast to their common shape (numpy's rules), as PyTorch's ``broadcast_tensors``."""
    items = _as_tensors(tensors, "broadcast_tensors")
    try:
        shape = np.broadcast_shapes(*(t.shape for t in items))
    except ValueError:
        shapes = ", ".join(str(tuple(t.shape)) for t in items)
        raise ValueError(f"broadcast_tensors: shapes {shapes} do not broadcast together") from None
    return tuple(t if t.shape == shape else broadcast_to(t, shape) for t in items)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """sum over the paired dimensions of a[..., i, j] * b[i, j, ...]: ``dims=n`` pairs the last n dimensions
    of ``a`` with the first n of ``b``; ``dims=([1, 2], [1, 0])`` names the pairs. Computed as one matrix
    product of the two tensors permuted and reshaped (so its gradient is matmul's)."""
    a, b = operands(a, b)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if not 0 <= dims <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: dims={dims} does not fit tensors of shapes {a.shape} and {b.shape}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        if len(dims) != 2:
            raise ValueError(f"tensordot: dims must be an int or a pair of dimension lists, got {dims!r}")
        dims_a, dims_b = ([d] if isinstance(d, (int, np.integer)) else list(d) for d in dims)
        dims_a = [int(d) % max(a.ndim, 1) for d in dims_a]
        dims_b = [int(d) % max(b.ndim, 1) for d in dims_b]
    if len(dims_a) != len(dims_b) or any(a.shape[i] != b.shape[j] for i, j in zip(dims_a, dims_b)):
        raise ValueError(
            f"tensordot: the contracted dimensions {dims_a} of {tuple(a.shape)} and {dims_b} of "
            f"{tuple(b.shape)} must match in number and size"
        )
    normalize_axes(dims_a, a.ndim, "tensordot")  # repeats and ranges
    normalize_axes(dims_b, b.ndim, "tensordot")
    free_a = [i for i in range(a.ndim) if i not in dims_a]
    free_b = [j for j in range(b.ndim) if j not in dims_b]
    inner = math.prod(a.shape[i] for i in dims_a)
    left = reshape(permute(a, free_a + dims_a), (-1, inner))
    right = reshape(permute(b, dims_b + free_b), (inner, -1))
    shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b)
    return reshape(matmul(left, right), shape)


def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """The n-th forward difference along ``dim``: out[i] = x[i + 1] - x[i], ``n`` times, after ``prepend``
    and ``append`` (tensors with the input's number of dimensions) are joined on; for bool tensors x[i + 1]
    xor x[i], as PyTorch."""
    x = operand(input)
    if x.ndim == 0:
        raise ValueError("diff: expects a tensor with at least one dimension, got a 0-d tensor")
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    (d,) = normalize_axes(dim, x.ndim, "diff")
    if n == 0:  # the input itself, without prepend and append (PyTorch's and numpy's rule)
        return x
    parts = []
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is not None:
            extra = operand(extra)
            if extra.ndim != x.ndim:
                raise ValueError(
                    f"diff: {name} must have the input's number of dimensions ({x.ndim}), got shape "
                    f"{tuple(extra.shape)}"
                )
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        x = cat([t for t in (parts[0], x, parts[1]) if t is not None], d)
    before, after = [slice(None)] * x.ndim, [slice(None)] * x.ndim
    before[d], after[d] = slice(None, -1), slice(1, None)
    for _ in range(n):
        if x.shape[d] == 0:
            break
        later, earlier = getitem(x, tuple(after)), getitem(x, tuple(before))
        x = logical_xor(later, earlier) if x.dtype == np.bool_ else later - earlier
    return x


def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, with sample points ``x`` (1-D, or the
    shape of ``y``) or a constant spacing ``dx`` (default 1), computed as PyTorch's ``trapezoid``:
    sum((y[i] + y[i + 1]) * (x[i + 1] - x[i])) / 2, or (sum(y) - (y[0] + y[-1]) / 2) * dx."""
    y = operand(y)
    if x is not None and dx is not None:
        raise TypeError("trapezoid: give x or dx, not both")
    (d,) = normalize_axes(dim, y.ndim, "trapezoid")
    if y.ndim == 0:
        raise ValueError("trapezoid: expects y with at least one dimension, got a 0-d tensor")
    if y.shape[d] == 0:
        return reduce_sum(y, dim=d)
    if x is None:
        first = getitem(y, (slice(None),) * d + (0,))
        last = getitem(y, (slice(None),) * d + (-1,))
        return (reduce_sum(y, dim=d) - (first + last) * 0.5) * (1 if dx is None else dx)
    x = operand(x)
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise ValueError(f"trapezoid: x of length {x.shape[0]} needs y's dim {d} to match, got {y.shape}")
        spacing = reshape(diff(x), (-1,) + (1,) * (y.ndim - d - 1))
    else:
        spacing = diff(x, dim=d)
    left = getitem(y, (slice(None),) * d + (slice(None, -1),))
    right = getitem(y, (slice(None),) * d + (slice(1, None),))
    return reduce_sum((left + right) * spacing, dim=d) / 2.0


class Contiguous(Function):
    """A C-ordered copy of ``a``;  d/da = the identity."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a) if a.ndim else a.copy()

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g,)


def contiguous(x: Tensor) -> Tensor:
    """``x`` itself when its array is C-contiguous, else a C-ordered copy that stays in the graph."""
    if x.array.flags.c_contiguous:
        return x
    if x.dtype.kind != "f":
        return wrap(np.ascontiguousarray(x.array))
    return Contiguous.apply(x)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *rest: Any, value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2 (PyTorch's ``addcmul``)."""
    return operand(input).addcmul(tensor1, tensor2, *rest, value=value)


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *rest: Any, value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2 (PyTorch's ``addcdiv``)."""
    return operand(input).addcdiv(tensor1, tensor2, *rest, value=value)


def t(input: Any) -> Tensor:
    """The transpose of a matrix (at most 2 dimensions), as PyTorch's ``t``."""
    return operand(input).t()
