"""Functions that make tensors: from data, filled with a constant, ranges, and random draws.

Shapes are given as separate ints or one tuple (``zeros(2, 3)`` or ``zeros((2, 3))``). The dtype is
float32 unless given (``arange`` of ints gives int64, as PyTorch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_device
from .random import generator
from .tensor import DEFAULT_FLOAT, Tensor, as_array, wrap


def tensor(
    data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None, device: Any = None
) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, numpy arrays or a Tensor)."""
    check_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def from_numpy(array: np.ndarray, requires_grad: bool = False) -> Tensor:
    """A tensor sharing memory with ``array`` (no copy; its dtype is kept)."""
    return wrap(np.asarray(array)).requires_grad_(requires_grad)


def _shape(shape: tuple[Any, ...], op: str) -> tuple[int, ...]:
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{op}: a shape is non-negative integers, got {shape!r}")
    return tuple(int(n) for n in shape)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device(device, "zeros")
    return from_numpy(np.zeros(_shape(shape, "zeros"), dtype=dtype or DEFAULT_FLOAT), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device(device, "ones")
    return from_numpy(np.ones(_shape(shape, "ones"), dtype=dtype or DEFAULT_FLOAT), requires_grad)


def full(
    shape: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    check_device(device, "full")
    shape = _shape((shape,) if isinstance(shape, (int, np.integer)) else tuple(shape), "full")
    return from_numpy(np.full(shape, fill_value, dtype=dtype or as_array(fill_value).dtype), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device(device, "zeros_like")
    return from_numpy(np.zeros(np.shape(t), dtype=dtype or as_array(t).dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    check_device(device, "ones_like")
    return from_numpy(np.ones(np.shape(t), dtype=dtype or as_array(t).dtype), requires_grad)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """The n x m identity matrix."""
    check_device(device, "eye")
    return from_numpy(np.eye(n, m, dtype=dtype or DEFAULT_FLOAT), requires_grad)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Evenly spaced values in [start, stop); int64 when all arguments are ints, else float32."""
    check_device(device, "arange")
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
    return from_numpy(
        np.arange(start, stop, step, dtype=dtype or (np.int64 if ints else DEFAULT_FLOAT)), requires_grad
    )


def linspace(
    start: float, stop: float, num: int, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """``num`` evenly spaced values from start to stop, both included."""
    check_device(device, "linspace")
    return from_numpy(np.linspace(start, stop, num, dtype=dtype or DEFAULT_FLOAT), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples from the shared generator (see ``manual_seed``)."""
    check_device(device, "randn")
    array = generator().standard_normal(_shape(shape, "randn"))
    return from_numpy(array.astype(dtype or DEFAULT_FLOAT), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1) from the shared generator."""
    check_device(device, "rand")
    array = generator().random(_shape(shape, "rand"))
    return from_numpy(array.astype(dtype or DEFAULT_FLOAT), requires_grad)


def randint(
    low: int, high: int | None = None, size: Any = (), dtype: Any = np.int64, device: Any = None
) -> Tensor:
    """Random integers in [low, high) from the shared generator."""
    check_device(device, "randint")
    if high is None:
        low, high = 0, low
    shape = _shape((size,) if isinstance(size, (int, np.integer)) else tuple(size), "randint")
    return from_numpy(generator().integers(low, high, shape, dtype=dtype), False)


def randperm(n: int, dtype: Any = np.int64, device: Any = None) -> Tensor:
    """A random permutation of 0 .. n-1 from the shared generator."""
    check_device(device, "randperm")
    return from_numpy(generator().permutation(n).astype(dtype, copy=False), False)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor without copying where possible (a Tensor of the right dtype is returned as is,
    a numpy array of the right dtype is shared)."""
    check_device(device, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or np.dtype(dtype) == data.dtype):
        return data
    return from_numpy(as_array(data, dtype), False)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)
