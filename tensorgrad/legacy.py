"""PyTorch's older spellings that teaching code still uses: ``torch.Size``, the typed constructors
``torch.FloatTensor(...)`` (and Double, Long, Int, Bool, ...) and the deprecated ``torch.range``.

``torch.FloatTensor([1, 2])`` makes a float32 tensor from data and ``torch.FloatTensor(2, 3)`` an
uninitialised one of that shape (zeros here, as ``tg.empty``); ``isinstance(t, torch.FloatTensor)`` asks for
a float32 tensor, as in PyTorch.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .tensor import Tensor, get_default_dtype, wrap


class Size(tuple):
    """A shape, as ``torch.Size``: a tuple of ints (``x.shape == tg.Size([2, 3])`` holds) with ``numel()``."""

    def __new__(cls, sizes: Any = ()) -> Size:
        return super().__new__(cls, (int(n) for n in sizes))

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        return math.prod(self)

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item


class _TypedTensor(type):
    """The metaclass of ``FloatTensor`` and its kin: calling one makes a Tensor of its dtype, and
    ``isinstance(t, FloatTensor)`` asks whether ``t`` is a Tensor of that dtype."""

    dtype: np.dtype

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:  # type: ignore[override]
        from .device import check_device

        check_device(device, cls.__name__)
        if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
            return Tensor(args[0], dtype=cls.dtype)
        sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
        if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in sizes):
            raise TypeError(
                f"{cls.__name__}: expects data (a list, array or tensor) or sizes (non-negative ints), "
                f"got {args!r}"
            )
        shape = tuple(int(n) for n in sizes) if sizes else (0,)
        return wrap(np.zeros(shape, dtype=cls.dtype))

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor) and instance.dtype == cls.dtype


def _typed(name: str, dtype: Any) -> type:
    doc = (
        f"``{name}(data)``: a {np.dtype(dtype)} tensor of ``data``; ``{name}(*sizes)``: zeros of that shape."
    )
    return _TypedTensor(name, (), {"dtype": np.dtype(dtype), "__doc__": doc})


FloatTensor = _typed("FloatTensor", np.float32)
DoubleTensor = _typed("DoubleTensor", np.float64)
HalfTensor = _typed("HalfTensor", np.float16)
LongTensor = _typed("LongTensor", np.int64)
IntTensor = _typed("IntTensor", np.int32)
ShortTensor = _typed("ShortTensor", np.int16)
CharTensor = _typed("CharTensor", np.int8)
ByteTensor = _typed("ByteTensor", np.uint8)
BoolTensor = _typed("BoolTensor", np.bool_)


def range(
    start: float = 0,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """PyTorch's deprecated ``torch.range``: start, start + step, ... up to and including ``end``, in the
    default float dtype unless ``dtype``; warns as PyTorch does (``arange`` excludes ``end``)."""
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior is "
        "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
        "[start, end).",
        UserWarning,
        stacklevel=2,
    )
    if end is None:
        start, end = 0, start
    if step == 0 or (end - start) * step < 0:
        raise ValueError(f"range: step {step} cannot go from {start} to {end}")
    count = math.floor((end - start) / step) + 1
    values = start + step * np.arange(count, dtype=np.float64)
    return Tensor(values, dtype=dtype or get_default_dtype(), requires_grad=requires_grad)
