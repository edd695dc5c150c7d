"""Reductions and the ops that normalise along an axis: sum, mean, var, prod, max/min, median, sort,
softmax, log-softmax; and the ones without a gradient (any, all, argsort, unique).

Axis arguments take numpy's names (``axis``, ``keepdims``) and PyTorch's (``dim``, ``keepdim``), so code
from either ports unchanged. A reduction's gradient is the incoming gradient, reshaped to keep the reduced
dimensions as 1 and broadcast back over them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand, wrap
from .elementwise import astype, exp, maximum, minimum, sqrt, where
from .shape import broadcast_to, gather_along, normalize_axes, reshape


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _spread(g: Tensor, fn: Function) -> Tensor:
    """The gradient of a reduction, broadcast back over the reduced dimensions of its input."""
    shape = fn.inputs[0].shape
    return broadcast_to(reshape(g, _kept_shape(shape, fn.axes)), shape)


class Sum(Function):
    def forward(self, a: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        self.axes = axes
        return a.sum(axis=axes, keepdims=keepdims)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (_spread(g, self),)


class Mean(Function):
    def forward(self, a: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        self.axes = axes
        self.count = int(np.prod([a.shape[i] for i in axes]))
        return a.mean(axis=axes, keepdims=keepdims)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (_spread(g, self) / self.count,)


class Max(Function):
    """Largest value along ``axes``; ties share the gradient equally (as PyTorch's ``amax``)."""

    pick = staticmethod(np.max)

    def forward(self, a: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        self.axes = axes
        best = self.pick(a, axis=axes, keepdims=True)
        hits = a == best
        self.saved = ((hits / hits.sum(axis=axes, keepdims=True)).astype(a.dtype, copy=False),)
        return best if keepdims else best.reshape([n for i, n in enumerate(a.shape) if i not in axes])

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (_spread(g, self) * self.saved[0],)

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        shape, axes = inputs[0].shape, params["axes"]
        return f"{cls.__name__.lower()}: cannot reduce a tensor of shape {shape} over axes {axes}: {err}"


class Min(Max):
    """Smallest value along ``axes``; ties share the gradient equally."""

    pick = staticmethod(np.min)


class Softmax(Function):
    """softmax(a)_i = e^(a_i - max a) / sum_j e^(a_j - max a);  grad = y * (g - sum(g * y))."""

    save_output = True

    def forward(self, a: np.ndarray, axis: int) -> np.ndarray:
        self.axis = axis
        e = np.exp(a - a.max(axis=axis, keepdims=True))
        e /= e.sum(axis=axis, keepdims=True)
        return e

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        y = self.output()
        return (y * (g - (g * y).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    """log_softmax(a) = a - max a - log sum e^(a - max a);  grad = g - softmax(a) * sum(g)."""

    save_output = True

    def forward(self, a: np.ndarray, axis: int) -> np.ndarray:
        self.axis = axis
        shifted = a - a.max(axis=axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g - exp(self.output()) * g.sum(axis=self.axis, keepdims=True),)


class LogSumExp(Function):
    """log sum e^a along ``axes``, shifted by the max so it never overflows;  grad = g * softmax(a)."""

    save_output = True

    def forward(self, a: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        self.axes = axes
        top = a.max(axis=axes, keepdims=True)
        top = np.where(np.isfinite(top), top, 0)
        out = np.log(np.exp(a - top).sum(axis=axes, keepdims=True)) + top
        return out if keepdims else out.reshape([n for i, n in enumerate(a.shape) if i not in axes])

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        kept = _kept_shape(a.shape, self.axes)
        return (reshape(g, kept) * exp(a - reshape(self.output(), kept)),)


# ---------------------------------------------------------------------------- functions
def _axes_of(x: Tensor, axis: Any, dim: Any, op: str) -> tuple[int, ...]:
    if axis is not None and dim is not None:
        raise TypeError(f"{op}: give axis (numpy's name) or dim (PyTorch's), not both")
    return normalize_axes(axis if dim is None else dim, x.ndim, op)


def _one_axis(x: Tensor, axis: Any, op: str) -> int:
    if not isinstance(axis, (int, np.integer)) or x.ndim == 0:
        raise ValueError(
            f"{op}: needs one integer axis of a tensor with at least 1 dimension, "
            f"got axis={axis!r} for shape {x.shape}"
        )
    return normalize_axes(axis, x.ndim, op)[0]


def _keep(keepdims: bool, keepdim: bool | None) -> bool:
    return bool(keepdims if keepdim is None else keepdim)


def _converted(x: Any, dtype: Any) -> Tensor:
    x = operand(x)
    return x if dtype is None else astype(x, dtype)


def sum(
    x: Tensor,
    axis: Any = None,
    keepdims: bool = False,
    *,
    dim: Any = None,
    keepdim: bool | None = None,
    dtype: Any = None,
) -> Tensor:
    """Sum over ``axis`` (int, tuple, or None for all); ``dtype`` converts the input first (PyTorch's)."""
    x = _converted(x, dtype)
    return Sum.apply(x, axes=_axes_of(x, axis, dim, "sum"), keepdims=_keep(keepdims, keepdim))


def mean(
    x: Tensor,
    axis: Any = None,
    keepdims: bool = False,
    *,
    dim: Any = None,
    keepdim: bool | None = None,
    dtype: Any = None,
) -> Tensor:
    """Arithmetic mean over ``axis``; ``dtype`` converts the input first (PyTorch's)."""
    x = _converted(x, dtype)
    axes = _axes_of(x, axis, dim, "mean")
    if x.ndim and not np.prod([x.shape[i] for i in axes]):
        raise ValueError(f"mean: cannot average over an empty axis (shape {x.shape}, axes {axes})")
    return Mean.apply(x, axes=axes, keepdims=_keep(keepdims, keepdim))


def var(
    x: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool | None = None,
    *,
    correction: int | None = None,
    axis: Any = None,
    keepdims: bool = False,
) -> Tensor:
    """Variance: sum (x - mean)^2 / (N - correction), PyTorch's ``var(dim, unbiased, keepdim)``.
    ``correction=1`` (the default) is unbiased; ``unbiased=False`` (PyTorch's older spelling) or
    ``correction=0`` divides by N, numpy's default ``ddof=0``. numpy's ``axis=``/``keepdims=`` keywords work
    too; positional arguments always mean PyTorch's (``x.var(1, False)`` divides by N, as in PyTorch)."""
    x = operand(x)
    if isinstance(dim, bool) and unbiased is None:  # x.var(False): PyTorch's var(unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError("var: give unbiased (PyTorch's older spelling) or correction, not both")
    correction = (1 if unbiased is None or unbiased else 0) if correction is None else correction
    axes = _axes_of(x, axis, dim, "var")
    count = int(np.prod([x.shape[i] for i in axes]))
    if count - correction <= 0:
        raise ValueError(
            f"var: {count} element(s) over axes {axes} leave no degrees of freedom "
            f"with correction={correction}"
        )
    centered = x - mean(x, axes, keepdims=True)
    return sum(centered * centered, axes, keepdims=_keep(keepdims, keepdim)) / (count - correction)


def std(
    x: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool | None = None,
    *,
    correction: int | None = None,
    axis: Any = None,
    keepdims: bool = False,
) -> Tensor:
    """Standard deviation: the square root of ``var`` with the same arguments."""
    return sqrt(
        var(x, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)  # type: ignore[arg-type]
    )


class ValuesIndices(NamedTuple):
    """What ``max``/``min`` along a dimension return, as PyTorch's ``torch.return_types.max``:
    ``values, indices = x.max(1)``, or ``x.max(1).values`` and ``x.max(1).indices``."""

    values: Tensor
    indices: Tensor


def max(
    x: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None
) -> Tensor | ValuesIndices:
    """PyTorch's ``max``, with its three meanings:

    * ``max(x)``: the largest value (ties share the gradient equally);
    * ``max(x, dim)``: ``(values, indices)`` along one dimension; the gradient goes to the index picked
      (the first largest value);
    * ``max(x, other)`` with a Tensor ``other``: the elementwise maximum.

    ``amax`` reduces over several dimensions and returns the values only (numpy's ``max``).
    """
    return _extreme(x, axis, keepdims, dim, keepdim, "max")


def min(
    x: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None
) -> Tensor | ValuesIndices:
    """PyTorch's ``min``: the smallest value, ``(values, indices)`` along ``dim``, or the elementwise minimum
    with a Tensor; see ``max``. ``amin`` gives values only, over any dimensions."""
    return _extreme(x, axis, keepdims, dim, keepdim, "min")


def _extreme(x: Any, axis: Any, keepdims: bool, dim: Any, keepdim: bool | None, op: str) -> Any:
    x = operand(x)
    if isinstance(axis, (Tensor, np.ndarray)):
        return (maximum if op == "max" else minimum)(x, axis)
    if axis is not None and dim is not None:
        raise TypeError(f"{op}: give axis (numpy's name) or dim (PyTorch's), not both")
    along = axis if dim is None else dim
    if along is None:
        return (Max if op == "max" else Min).apply(x, axes=tuple(range(x.ndim)), keepdims=False)
    if not isinstance(along, (int, np.integer)):
        raise TypeError(
            f"{op}: dim must be one integer (it returns values and indices along it), got {along!r}; "
            f"a{op} reduces over several dimensions"
        )
    if x.ndim == 0:
        normalize_axes(along, 0, op)  # dim 0 or -1: a 0-d tensor is its own maximum, at index 0
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    (d,) = normalize_axes(along, x.ndim, op)
    picked = (np.argmax if op == "max" else np.argmin)(x.array, axis=d, keepdims=True)
    values = gather_along(x, d, picked)  # the gradient goes to the index picked, as in PyTorch
    if not _keep(keepdims, keepdim):
        values, picked = reshape(values, picked.shape[:d] + picked.shape[d + 1 :]), picked.squeeze(d)
    return ValuesIndices(values, wrap(picked.astype(np.int64, copy=False)))


def sort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:
    """``(values, indices)`` of ``x`` sorted along ``dim``, as PyTorch's ``sort``; equal values keep their
    order (a stable sort, which PyTorch's default allows). The gradient goes back to each value's position."""
    x = operand(x)
    if x.ndim == 0:
        normalize_axes(dim, 0, "sort")
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    (d,) = normalize_axes(dim, x.ndim, "sort")
    order = _order(x, d, descending)
    return ValuesIndices(gather_along(x, d, order), wrap(order))


def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """The ``k`` largest (or smallest) values along ``dim`` and their positions, as PyTorch's ``topk``
    (always in sorted order)."""
    x = operand(x)
    (d,) = normalize_axes(dim, x.ndim, "topk")
    length = x.shape[d] if x.ndim else 1
    if not 0 <= k <= length:
        raise ValueError(
            f"topk: k={k} is out of range for dimension {dim} of size {length} (shape {x.shape})"
        )
    if x.ndim == 0:
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    picked = _order(x, d, largest).take(np.arange(k), axis=d)
    return ValuesIndices(gather_along(x, d, picked), wrap(picked))


def _order(x: Tensor, d: int, descending: bool) -> np.ndarray:
    """The int64 positions that sort ``x`` along ``d``, equal values in their order."""
    data = x.array.astype(np.int64) if x.dtype.kind in "bu" else x.array  # so that -data is the reverse order
    return np.argsort(-data if descending else data, axis=d, kind="stable").astype(np.int64, copy=False)


def amax(
    x: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None
) -> Tensor:
    """Largest value over ``axis`` (int, tuple, or None for all), values only: numpy's ``max``, PyTorch's
    ``amax``. Ties share the gradient equally."""
    x = operand(x)
    return Max.apply(x, axes=_axes_of(x, axis, dim, "amax"), keepdims=_keep(keepdims, keepdim))


def amin(
    x: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None
) -> Tensor:
    """Smallest value over ``axis``, values only (numpy's ``min``, PyTorch's ``amin``)."""
    x = operand(x)
    return Min.apply(x, axes=_axes_of(x, axis, dim, "amin"), keepdims=_keep(keepdims, keepdim))


def argmax(
    x: Tensor,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: Any = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Positions of the largest values (an int64 tensor, not differentiable)."""
    x = operand(x)
    ax = axis if dim is None else dim
    if ax is not None:
        (ax,) = normalize_axes(ax, x.ndim, "argmax")
    return wrap(np.argmax(x.array, axis=ax, keepdims=_keep(keepdims, keepdim)))


def argmin(
    x: Tensor,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: Any = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Positions of the smallest values (an int64 tensor, not differentiable)."""
    x = operand(x)
    ax = axis if dim is None else dim
    if ax is not None:
        (ax,) = normalize_axes(ax, x.ndim, "argmin")
    return wrap(np.argmin(x.array, axis=ax, keepdims=_keep(keepdims, keepdim)))


def softmax(x: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """Softmax along ``axis`` (numerically stable)."""
    x = operand(x)
    ax = _one_axis(x, axis if dim is None else dim, "softmax")
    return Softmax.apply(x, axis=ax)


def log_softmax(x: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along ``axis``, computed stably (no log of a rounded-to-zero probability)."""
    x = operand(x)
    ax = _one_axis(x, axis if dim is None else dim, "log_softmax")
    return LogSoftmax.apply(x, axis=ax)


def logsumexp(
    x: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None
) -> Tensor:
    """log(sum(exp(x))) over ``axis``, stable for large inputs."""
    x = operand(x)
    return LogSumExp.apply(x, axes=_axes_of(x, axis, dim, "logsumexp"), keepdims=_keep(keepdims, keepdim))


# ---------------------------------------------------------------------------- products
class Prod(Function):
    """prod over ``axes``;  d/da_i = prod_{j != i} a_j.

    Written as out / a_i where no element of the product is zero; where exactly one is, that element gets
    the product of the others and the rest get 0 (exact, as PyTorch's); with two or more zeros all get 0.
    """

    def forward(self, a: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        self.axes = axes
        return a.prod(axis=axes, keepdims=keepdims)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = self.inputs
        zero = a.array == 0
        spread = _spread(g, self)
        if not zero.any():
            kept = reshape(Prod.apply(a, axes=self.axes, keepdims=True), _kept_shape(a.shape, self.axes))
            return (spread * kept / a,)
        zeros = zero.sum(axis=self.axes, keepdims=True)
        safe = where(zero, 1.0, a)
        others = Prod.apply(safe, axes=self.axes, keepdims=True)  # the product of the nonzero elements
        local = where(zeros == 0, others / safe, where((zeros == 1) & zero, others, 0.0))
        return (spread * local,)


def prod(
    x: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Product over ``dim`` (None: all elements); integer and bool inputs give int64, as PyTorch."""
    x = _converted(x, dtype)
    if x.dtype.kind in "bu" or (x.dtype.kind == "i" and dtype is None):
        x = astype(x, np.int64)
    axes = _axes_of(x, axis, dim, "prod")
    return Prod.apply(x, axes=axes, keepdims=_keep(keepdim, keepdims))


# ---------------------------------------------------------------------------- logical reductions (no grad)
def any(
    x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """True where any element over ``dim`` (None: all) is nonzero: a bool tensor (0-d without ``dim``)."""
    x = operand(x)
    axes = _axes_of(x, axis, dim, "any")
    return wrap(np.asarray(np.any(x.array, axis=axes, keepdims=_keep(keepdim, keepdims))))


def all(
    x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """True where every element over ``dim`` (None: all) is nonzero: a bool tensor (0-d without ``dim``)."""
    x = operand(x)
    axes = _axes_of(x, axis, dim, "all")
    return wrap(np.asarray(np.all(x.array, axis=axes, keepdims=_keep(keepdim, keepdims))))


# ---------------------------------------------------------------------------- order statistics
def median(x: Any, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """PyTorch's ``median``: the lower of the two middle values for an even count (no averaging).

    Without ``dim`` the median of all elements (a 0-d tensor); with ``dim``, ``(values, indices)`` along it.
    The gradient goes to the element picked."""
    x = operand(x)
    if dim is None:
        flat = reshape(x, (-1,))
        if not flat.shape[0]:
            raise ValueError("median: cannot take the median of an empty tensor")
        order = _order(flat, 0, False)
        return gather_along(flat, 0, order[(flat.shape[0] - 1) // 2 :][:1]).reshape(())
    if x.ndim == 0:
        normalize_axes(dim, 0, "median")
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    (d,) = normalize_axes(dim, x.ndim, "median")
    if not x.shape[d]:
        raise ValueError(f"median: dimension {d} of shape {x.shape} is empty")
    picked = _order(x, d, False).take([(x.shape[d] - 1) // 2], axis=d)
    values = gather_along(x, d, picked)
    if not keepdim:
        values, picked = reshape(values, picked.shape[:d] + picked.shape[d + 1 :]), picked.squeeze(d)
    return ValuesIndices(values, wrap(picked))


def kthvalue(x: Any, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``(values, indices)`` of the ``k``-th smallest element (k = 1 is the smallest) along ``dim``, as
    PyTorch's ``kthvalue``; among equal values the one met first in a stable sort. The gradient goes to the
    element picked."""
    x = operand(x)
    (d,) = normalize_axes(dim, x.ndim, "kthvalue")
    length = x.shape[d] if x.ndim else 1
    if not 1 <= k <= length:
        raise ValueError(
            f"kthvalue: k={k} is out of range for dimension {dim} of size {length} (shape {x.shape})"
        )
    if x.ndim == 0:
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    picked = _order(x, d, False).take([k - 1], axis=d)
    return _picked(x, d, picked, keepdim)


def mode(x: Any, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``(values, indices)``: the most frequent value along ``dim`` (the smallest of those equally frequent)
    and the last position holding it, as PyTorch's ``mode`` on the CPU. The gradient goes to that element."""
    x = operand(x)
    (d,) = normalize_axes(dim, x.ndim, "mode")
    if x.ndim == 0:
        return ValuesIndices(x, wrap(np.zeros((), np.int64)))
    if not x.shape[d]:
        raise ValueError(f"mode: dimension {d} of shape {x.shape} is empty")
    a = np.moveaxis(x.array, d, -1)
    ordered = np.sort(a, axis=-1)
    n = ordered.shape[-1]
    positions = np.arange(n)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    run_start = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1)
    count = positions - run_start + 1  # how many equal values up to here in sorted order
    best = np.argmax(count == count.max(axis=-1, keepdims=True), axis=-1)  # the first run of greatest length
    value = np.take_along_axis(ordered, best[..., None], axis=-1)
    last = np.where(a == value, positions, -1).max(axis=-1, keepdims=True)
    picked = np.moveaxis(last, -1, d).astype(np.int64, copy=False)
    return _picked(x, d, picked, keepdim)


def _picked(x: Tensor, d: int, picked: np.ndarray, keepdim: bool) -> ValuesIndices:
    """``x`` read at ``picked`` (one position along ``d``, kept as size 1) and those positions, as a
    ``(values, indices)`` pair with dimension ``d`` removed unless ``keepdim``."""
    values = gather_along(x, d, picked)
    if not keepdim:
        values, picked = reshape(values, picked.shape[:d] + picked.shape[d + 1 :]), picked.squeeze(d)
    return ValuesIndices(values, wrap(picked))


def argsort(x: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The int64 positions that sort ``x`` along ``dim``, equal values in their order (not differentiable)."""
    x = operand(x)
    if x.ndim == 0:
        normalize_axes(dim, 0, "argsort")
        return wrap(np.zeros((), np.int64))
    (d,) = normalize_axes(dim, x.ndim, "argsort")
    return wrap(_order(x, d, descending))


def unique(
    x: Any,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Tensor | tuple[Tensor, ...]:
    """The distinct values (or with ``dim`` the distinct slices along ``dim``) in ascending order, as PyTorch
    on the CPU (also with ``sorted=False``); optionally the position of each input element (or slice) among
    them and how often each occurs. Not differentiable."""
    x = operand(x)
    axis = None if dim is None else normalize_axes(dim, x.ndim, "unique")[0]
    values, inverse, counts = np.unique(x.array, return_inverse=True, return_counts=True, axis=axis)
    out = [wrap(values)]
    if return_inverse:
        shape = x.shape if axis is None else (x.shape[axis],)
        out.append(wrap(inverse.reshape(shape).astype(np.int64, copy=False)))
    if return_counts:
        out.append(wrap(counts.astype(np.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


# ---------------------------------------------------------------------------- moments together
def var_mean(x: Any, dim: Any = None, *, correction: int = 1, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim``, as PyTorch's ``var_mean``."""
    x = operand(x)
    return var(x, dim=dim, correction=correction, keepdim=keepdim), mean(x, dim=dim, keepdim=keepdim)


def std_mean(x: Any, dim: Any = None, *, correction: int = 1, keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim``, as PyTorch's ``std_mean``."""
    x = operand(x)
    return std(x, dim=dim, correction=correction, keepdim=keepdim), mean(x, dim=dim, keepdim=keepdim)
