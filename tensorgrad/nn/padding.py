"""Padding layers, as PyTorch's: constant (``ZeroPad2d``, ``ConstantPad1d/2d``), ``ReflectionPad1d/2d``
(mirror without repeating the edge) and ``ReplicationPad1d/2d`` (repeat the edge), on top of ``F.pad``.

``padding`` is an int (the same on every side) or a tuple (left, right) for 1d, (left, right, top, bottom)
for 2d, last dimension first as ``F.pad``.
"""

from __future__ import annotations

from typing import Any

from ..ops.shape import pad_last
from ..tensor import Tensor
from .module import Module


class _Pad(Module):
    _mode = "constant"
    _sides = 2  # 2 for 1d, 4 for 2d

    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__()
        name = type(self).__name__
        if isinstance(padding, int):
            padding = (padding,) * self._sides
        padding = tuple(padding)
        if len(padding) != self._sides or not all(isinstance(p, int) for p in padding):
            raise ValueError(
                f"{name}: padding must be an int or a tuple of {self._sides} ints, got {padding!r}"
            )
        self.padding = padding

    def forward(self, x: Tensor) -> Tensor:
        dims = self._sides // 2
        if x.ndim not in (dims + 1, dims + 2):
            raise ValueError(
                f"{type(self).__name__}: expected a {dims + 1}-d or {dims + 2}-d input, got shape {x.shape}"
            )
        return pad_last(x, self.padding, self._mode, self._value())

    def _value(self) -> Any:
        return None

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    def __init__(self, padding: int | tuple[int, ...], value: float) -> None:
        super().__init__(padding)
        self.value = value

    def _value(self) -> Any:
        return self.value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    """Pad the last dimension of (C, W) or (N, C, W) with ``value``: (left, right)."""


class ConstantPad2d(_ConstantPad):
    """Pad the last two dimensions of (C, H, W) or (N, C, H, W) with ``value``: (left, right, top, bottom)."""

    _sides = 4


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dimensions with zeros: (left, right, top, bottom)."""

    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_Pad):
    """Mirror the last dimension at its edges (the edge itself not repeated): (left, right)."""

    _mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirror the last two dimensions at their edges: (left, right, top, bottom)."""

    _sides = 4


class ReplicationPad1d(_Pad):
    """Repeat the edge values of the last dimension: (left, right)."""

    _mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Repeat the edge values of the last two dimensions: (left, right, top, bottom)."""

    _sides = 4
