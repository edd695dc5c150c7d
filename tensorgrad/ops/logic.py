"""Comparisons, predicates and logical ops, as PyTorch's: boolean (or index) results, never part of the graph.

``eq``/``lt``/... and ``isclose``/``isnan``/... give boolean Tensors; ``allclose`` and ``equal`` give Python
bools (as PyTorch); ``nonzero`` and ``count_nonzero`` give int64 Tensors of indices and counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, as_array, wrap
from .elementwise import compare
from .shape import normalize_axes


def _values(x: Any) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else as_array(x)


# ---------------------------------------------------------------------------- comparisons
def eq(input: Any, other: Any) -> Tensor:
    """input == other elementwise (broadcasting), a boolean Tensor."""
    return compare(np.equal, input, other)


def ne(input: Any, other: Any) -> Tensor:
    """input != other elementwise."""
    return compare(np.not_equal, input, other)


def lt(input: Any, other: Any) -> Tensor:
    """input < other elementwise."""
    return compare(np.less, input, other)


def le(input: Any, other: Any) -> Tensor:
    """input <= other elementwise."""
    return compare(np.less_equal, input, other)


def gt(input: Any, other: Any) -> Tensor:
    """input > other elementwise."""
    return compare(np.greater, input, other)


def ge(input: Any, other: Any) -> Tensor:
    """input >= other elementwise."""
    return compare(np.greater_equal, input, other)


def logical_and(input: Any, other: Any) -> Tensor:
    """Both nonzero, elementwise (any dtypes: zero is False)."""
    return compare(np.logical_and, input, other)


def logical_or(input: Any, other: Any) -> Tensor:
    """Either nonzero, elementwise."""
    return compare(np.logical_or, input, other)


def logical_xor(input: Any, other: Any) -> Tensor:
    """Exactly one nonzero, elementwise."""
    return compare(np.logical_xor, input, other)


def logical_not(input: Any) -> Tensor:
    """input == 0, elementwise."""
    return wrap(np.logical_not(_values(input)))


# ---------------------------------------------------------------------------- predicates
def isnan(input: Any) -> Tensor:
    return wrap(np.isnan(_values(input)))


def isinf(input: Any) -> Tensor:
    """True at +inf and -inf."""
    return wrap(np.isinf(_values(input)))


def isfinite(input: Any) -> Tensor:
    """True where the value is neither NaN nor infinite."""
    return wrap(np.isfinite(_values(input)))


def isposinf(input: Any) -> Tensor:
    return wrap(np.isposinf(_values(input)))


def isneginf(input: Any) -> Tensor:
    return wrap(np.isneginf(_values(input)))


def isclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """|input - other| <= atol + rtol * |other| elementwise (broadcasting), as PyTorch and numpy."""
    a, b = _values(input), _values(other)
    try:
        return wrap(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:
        raise ValueError(f"isclose: shapes {a.shape} and {b.shape} do not broadcast") from None


def allclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """Whether ``isclose`` holds everywhere: a Python bool, as PyTorch's ``allclose``."""
    return bool(isclose(input, other, rtol, atol, equal_nan).array.all())


def equal(input: Any, other: Any) -> bool:
    """True if both have the same shape and the same values (a Python bool; NaN equals nothing)."""
    a, b = _values(input), _values(other)
    return a.shape == b.shape and bool(np.array_equal(a, b))


# ---------------------------------------------------------------------------- indices and counts
def nonzero(input: Any, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero elements: an int64 Tensor of shape (count, ndim), one row per element in
    row-major order; with ``as_tuple=True`` a tuple of ndim 1-D index Tensors (what ``x[...]`` takes)."""
    a = _values(input)
    if as_tuple:
        if a.ndim == 0:  # PyTorch treats a 0-d input as 1-d here
            a = a.reshape(1)
        return tuple(wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(a))
    return wrap(np.argwhere(a).astype(np.int64, copy=False))


def count_nonzero(input: Any, dim: Any = None) -> Tensor:
    """The number of nonzero elements (over ``dim``: an int, a tuple, or None for all), an int64 Tensor."""
    a = _values(input)
    axes = normalize_axes(dim, a.ndim, "count_nonzero")
    return wrap(np.asarray(np.count_nonzero(a, axis=axes), dtype=np.int64))
