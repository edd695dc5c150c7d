"""Indexing along one dimension with an index tensor: index_select, take_along_dim, scatter, scatter_add.

Reading (``index_select``, ``take_along_dim``) is an ``Index`` node, whose gradient adds up into the
positions read; writing (``scatter_add``) is an ``IndexAdd`` node, whose gradient reads them back. ``scatter``
overwrites: the gradient of the tensor written into is zero where it was overwritten, and each source element
gets the gradient of the position it was written to (as PyTorch's, also for repeated indices).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, lift, operand
from .elementwise import where
from .shape import Index, IndexAdd, broadcast_to, gather_along, getitem, normalize_axes, reshape


def _indices(index: Any, op: str) -> np.ndarray:
    array = np.asarray(index.array if isinstance(index, Tensor) else index)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an integer tensor, got dtype {array.dtype}")
    return array


def _check_range(op: str, picked: np.ndarray, size: int, d: int, shape: tuple[int, ...]) -> None:
    if picked.size and not (picked.min() >= 0 and picked.max() < size):
        raise IndexError(f"{op}: index values must lie in [0, {size}) along dim {d} of shape {shape}")


def index_select(x: Any, dim: int, index: Any) -> Tensor:
    """The slices of ``x`` at the positions ``index`` (a 1-D integer tensor) along ``dim``."""
    x = operand(x)
    picked = _indices(index, "index_select")
    if picked.ndim > 1:
        raise ValueError(f"index_select: index must be 0-d or 1-D, got shape {picked.shape}")
    (d,) = normalize_axes(dim, x.ndim, "index_select")
    if x.ndim == 0:
        return getitem(reshape(x, (1,)), picked.reshape(-1))
    _check_range("index_select", picked, x.shape[d], d, x.shape)
    return Index.apply(x, index=(slice(None),) * d + (picked.reshape(-1),))


def take_along_dim(x: Any, indices: Any, dim: int | None = None) -> Tensor:
    """``x`` read at ``indices`` along ``dim`` (numpy's ``take_along_axis``); the two broadcast against each
    other outside ``dim``. With ``dim`` None both are flattened first."""
    x = operand(x)
    picked = _indices(indices, "take_along_dim")
    if dim is None:
        x, picked, d = reshape(x, (-1,)), picked.reshape(-1), 0
    else:
        (d,) = normalize_axes(dim, x.ndim, "take_along_dim")
        if picked.ndim != x.ndim:
            raise ValueError(
                f"take_along_dim: indices of shape {picked.shape} need as many dimensions as the input "
                f"{x.shape}"
            )
        try:
            outer = np.broadcast_shapes(_without(x.shape, d), _without(picked.shape, d))
        except ValueError:
            raise ValueError(
                f"take_along_dim: input {x.shape} and indices {picked.shape} do not broadcast outside dim {d}"
            ) from None
        x = broadcast_to(x, (*outer[:d], x.shape[d], *outer[d:]))
        picked = np.broadcast_to(picked, (*outer[:d], picked.shape[d], *outer[d:]))
    _check_range("take_along_dim", picked, x.shape[d], d, x.shape)
    return gather_along(x, d, picked)


def _without(shape: tuple[int, ...], d: int) -> tuple[int, ...]:
    return shape[:d] + shape[d + 1 :]


def _scatter_index(op: str, x: Tensor, dim: int, index: Any, src: Any) -> tuple[int, tuple[Any, ...]]:
    """PyTorch's rule: ``index`` has the input's number of dimensions and fits inside the input (outside
    ``dim``) and inside ``src``; position ``p`` of ``index`` writes ``src[p]`` to ``x[p with p[dim] =
    index[p]]``. Returns ``dim`` and that target as a numpy advanced index."""
    picked = _indices(index, op)
    (d,) = normalize_axes(dim, x.ndim, op)
    if picked.ndim != x.ndim:
        raise ValueError(
            f"{op}: index of shape {picked.shape} needs as many dimensions as the input {x.shape}"
        )
    if builtins.any(n > m for i, (n, m) in enumerate(zip(picked.shape, x.shape)) if i != d):
        raise ValueError(
            f"{op}: index of shape {picked.shape} is larger than the input {x.shape} outside dim {d}"
        )
    if isinstance(src, Tensor) and (
        src.ndim != x.ndim or builtins.any(n > m for n, m in zip(picked.shape, src.shape))
    ):
        raise ValueError(f"{op}: index of shape {picked.shape} is larger than src {src.shape}")
    _check_range(op, picked, x.shape[d] if x.ndim else 1, d, x.shape)
    target = list(np.ogrid[tuple(slice(n) for n in picked.shape)])
    target[d] = picked
    return d, tuple(target)


def _part(src: Tensor, shape: tuple[int, ...]) -> Tensor:
    """The leading ``shape`` block of ``src`` (what ``index`` reads from it)."""
    return src if src.shape == shape else getitem(src, tuple(slice(n) for n in shape))


def scatter_add(x: Any, dim: int, index: Any, src: Any) -> Tensor:
    """``out = x`` with ``src[p]`` added at ``out[p with p[dim] = index[p]]``; repeated positions add up.

    d out / d x = identity;  d out / d src[p] = the gradient at the position ``p`` was added to."""
    x = operand(x)
    src = lift(src, x)
    d, target = _scatter_index("scatter_add", x, dim, index, src)
    part = _part(src, target[d].shape)
    return x + IndexAdd.apply(part, index=target, shape=x.shape)


class Scatter(Function):
    """``out = x`` with ``src`` written at ``target`` (the last write wins where positions repeat).

    d out / d x = 1 where nothing was written, else 0;  d out / d src[p] = the gradient at its target."""

    def forward(self, a: np.ndarray, src: np.ndarray, target: tuple[Any, ...]) -> np.ndarray:
        self.target = target
        out = a.copy()
        out[target] = src
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, src = self.inputs
        kept = None
        if a.requires_grad:
            mask = np.ones(a.shape, dtype=bool)
            mask[self.target] = False
            kept = where(mask, g, 0.0)
        return kept, Index.apply(g, index=self.target) if src.requires_grad else None


def scatter(
    x: Any, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: str | None = None
) -> Tensor:
    """PyTorch's ``scatter``: ``out = x`` with ``src[p]`` (or the number ``value``) written to
    ``out[p with p[dim] = index[p]]``. ``reduce="add"`` adds instead (``scatter_add``); ``"multiply"`` is not
    supported. Where an index repeats, the last write wins."""
    x = operand(x)
    if value is not None:
        if src is not None:
            raise TypeError("scatter: give src or value, not both")
        src = value
    if src is None:
        raise TypeError("scatter: missing src (a tensor or a number)")
    if reduce == "add":
        if not isinstance(src, Tensor) and np.ndim(src) == 0:
            src = broadcast_to(lift(src, x), _indices(index, "scatter").shape)
        return scatter_add(x, dim, index, src)
    if reduce is not None:
        raise ValueError(f"scatter: reduce={reduce!r} is not supported; use reduce='add' or None")
    number = not isinstance(src, Tensor) and np.ndim(src) == 0
    src = lift(src, x)
    d, target = _scatter_index("scatter", x, dim, index, None if number else src)
    if number:
        mask = np.zeros(x.shape, dtype=bool)
        mask[target] = True
        return where(mask, src, x)
    if src.dtype != x.dtype:
        src = src.astype(x.dtype)
    return Scatter.apply(x, _part(src, target[d].shape), target=target)


def _index_along(op: str, x: Tensor, dim: int, index: Any) -> tuple[int, np.ndarray]:
    """``dim`` normalised and ``index`` as a checked 1-D int64 array of positions along it (negative ones
    count from the end, as PyTorch allows)."""
    picked = _indices(index, op)
    if picked.ndim > 1:
        raise ValueError(f"{op}: index must be 0-d or 1-D, got shape {picked.shape}")
    (d,) = normalize_axes(dim, x.ndim, op)
    size = x.shape[d]
    picked = picked.reshape(-1).astype(np.int64, copy=False)
    if picked.size and not (picked.min() >= -size and picked.max() < size):
        raise IndexError(f"{op}: index values must lie in [{-size}, {size}) along dim {d} of shape {x.shape}")
    return d, picked % builtins.max(size, 1)


def index_add(x: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """PyTorch's ``index_add``: ``out = x`` with ``alpha * source[i]`` added to the slice ``index[i]`` along
    ``dim`` (repeated indices add up); ``source`` has ``x``'s shape except ``len(index)`` along ``dim``.

    d out / d x = identity;  d out / d source[i] = alpha * the gradient at slice ``index[i]``."""
    x = operand(x)
    source = lift(source, x)
    if x.ndim == 0:
        raise ValueError("index_add: the input must have at least one dimension, got a 0-d tensor")
    d, picked = _index_along("index_add", x, dim, index)
    expected = (*x.shape[:d], len(picked), *x.shape[d + 1 :])
    if tuple(source.shape) != expected:
        raise ValueError(
            f"index_add: source must have shape {expected} (the input {x.shape} with {len(picked)} along dim "
            f"{d}), got {source.shape}"
        )
    if alpha != 1:
        source = source * alpha
    if source.dtype != x.dtype:
        source = source.astype(x.dtype)
    return x + IndexAdd.apply(source, index=(slice(None),) * d + (picked,), shape=x.shape)


def index_fill(x: Any, dim: int, index: Any, value: Any) -> Tensor:
    """PyTorch's ``index_fill``: ``x`` with the slices ``index`` along ``dim`` set to ``value`` (a number or
    a 0-d tensor, which then gets the gradient of the filled places)."""
    x = operand(x)
    if x.ndim == 0:
        raise ValueError("index_fill: the input must have at least one dimension, got a 0-d tensor")
    d, picked = _index_along("index_fill", x, dim, index)
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ValueError(f"index_fill: value must be a number or a 0-d tensor, got shape {value.shape}")
    along = np.zeros(x.shape[d], dtype=bool)
    along[picked] = True
    mask = np.broadcast_to(along.reshape((-1,) + (1,) * (x.ndim - d - 1)), x.shape)
    value = lift(value, x)
    if value.dtype != x.dtype:
        value = value.astype(x.dtype)
    return where(mask, value, x)


def masked_select(x: Any, mask: Any) -> Tensor:
    """The elements of ``x`` where the boolean ``mask`` is true, as a 1-D tensor (the two broadcast
    together first, as PyTorch's ``masked_select``); the gradient goes back to the elements picked."""
    x = operand(x)
    cond = np.asarray(mask.array if isinstance(mask, Tensor) else mask)
    if cond.dtype != np.bool_:
        raise TypeError(f"masked_select: the mask must be boolean, got dtype {cond.dtype}")
    try:
        shape = np.broadcast_shapes(x.shape, cond.shape)
    except ValueError:
        raise ValueError(
            f"masked_select: the mask {cond.shape} and the input {x.shape} do not broadcast together"
        ) from None
    if x.shape != shape:
        x = broadcast_to(x, shape)
    return getitem(x, np.broadcast_to(cond, shape))


def take(x: Any, index: Any) -> Tensor:
    """``x`` read as a 1-D tensor at ``index`` (negative positions count from the end); the result has the
    shape of ``index`` (PyTorch's ``take``)."""
    x = operand(x)
    picked = _indices(index, "take")
    flat = reshape(x, (-1,))
    size = flat.shape[0]
    if picked.size and not (picked.min() >= -size and picked.max() < size):
        raise IndexError(f"take: index values must lie in [{-size}, {size}) for an input of {size} elements")
    return getitem(flat, picked % builtins.max(size, 1))


def select(x: Any, dim: int, index: int) -> Tensor:
    """The slice of ``x`` at position ``index`` along ``dim``, that dimension removed (``x[:, index]`` for
    ``dim=1``); PyTorch's ``select``."""
    x = operand(x)
    if x.ndim == 0:
        raise ValueError("select: cannot select from a 0-d tensor")
    (d,) = normalize_axes(dim, x.ndim, "select")
    if not -x.shape[d] <= index < x.shape[d]:
        raise IndexError(
            f"select: index {index} is out of range for dim {d} of size {x.shape[d]} in {x.shape}"
        )
    return getitem(x, (slice(None),) * d + (int(index),))
