"""Pooling layers over NCHW batches: MaxPool2D and AvgPool2D (aliases MaxPool2d, AvgPool2d)."""

from __future__ import annotations

import inspect
from typing import Any

from ..ops.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
from ..ops.conv import avg_pool2d, max_pool2d
from ..ops.window import size_pair
from ..tensor import Tensor
from .conv import call_op
from .module import Module


class _Pool2D(Module):
    """The window of a pooling layer: ``stride`` defaults to ``kernel_size`` (non-overlapping windows)."""

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = size_pair(name, "kernel_size", kernel_size, minimum=1)
        self.stride = self.kernel_size if stride is None else size_pair(name, "stride", stride, minimum=1)
        self.padding = size_pair(name, "padding", padding, minimum=0)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2D(_Pool2D):
    """out[n, c, y, x] = max over kernel offsets (i, j) of x_padded[n, c, s*y + d*i, s*x + d*j].

    ``stride`` defaults to ``kernel_size`` (non-overlapping windows); padding pads with -inf.
    The gradient flows to the position of each window's maximum.
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
    ) -> None:
        super().__init__(kernel_size, stride, padding)
        self.dilation = size_pair(type(self).__name__, "dilation", dilation, minimum=1)

    def forward(self, x: Tensor) -> Tensor:
        _check_rank(self, x)
        return call_op(self, max_pool2d, x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, dilation={self.dilation}"


class AvgPool2D(_Pool2D):
    """out[n, c, y, x] = mean of the window x_padded[n, c, s*y + i, s*x + j] over the kernel offsets.

    ``stride`` defaults to ``kernel_size``; zero padding counts in the mean (PyTorch's count_include_pad).
    """

    def forward(self, x: Tensor) -> Tensor:
        _check_rank(self, x)
        return call_op(self, avg_pool2d, x, self.kernel_size, self.stride, self.padding)


def _check_rank(layer: Module, x: Tensor) -> None:
    if x.ndim not in (3, 4):
        raise ValueError(f"{layer!r}: expected input of shape (N, C, H, W) or (C, H, W), got {x.shape}")


class _AsGiven:
    """PyTorch's pooling repr: the arguments as the user gave them (``kernel_size=2``, not ``(2, 2)``), the
    stride defaulting to the kernel size, in the order of ``_torch_fields`` (name, default)."""

    _torch_fields: tuple[tuple[str, Any], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = inspect.signature(super().__init__).bind(*args, **kwargs).arguments
        if given.get("stride") is None:
            given["stride"] = given["kernel_size"]
        object.__setattr__(self, "_given", given)

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={self._given.get(name, default)}" for name, default in self._torch_fields)


class MaxPool2d(_AsGiven, MaxPool2D):
    """PyTorch's name for ``MaxPool2D`` (the same layer; it prints as PyTorch's ``MaxPool2d(...)``)."""

    pytorch_name = True

    _torch_fields = (
        ("kernel_size", None),
        ("stride", None),
        ("padding", 0),
        ("dilation", 1),
        ("ceil_mode", False),
    )


class AvgPool2d(_AsGiven, AvgPool2D):
    """PyTorch's name for ``AvgPool2D`` (the same layer; it prints as PyTorch's ``AvgPool2d(...)``)."""

    pytorch_name = True

    _torch_fields = (("kernel_size", None), ("stride", None), ("padding", 0))


class AdaptiveAvgPool2D(Module):
    """Average-pool to a fixed ``output_size`` (an int, or a pair whose None keeps the input size): output
    cell i of a dimension of size H averages the rows floor(i H / out) .. ceil((i + 1) H / out) - 1.
    ``AdaptiveAvgPool2d(1)`` is global average pooling."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return call_op(self, adaptive_avg_pool2d, x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2D(AdaptiveAvgPool2D):
    """Max-pool to a fixed ``output_size``, over the same windows as ``AdaptiveAvgPool2D``."""

    def forward(self, x: Tensor) -> Tensor:
        return call_op(self, adaptive_max_pool2d, x, self.output_size)


class AdaptiveAvgPool2d(AdaptiveAvgPool2D):
    """PyTorch's name for ``AdaptiveAvgPool2D`` (the same layer, printed as PyTorch prints it)."""


class AdaptiveMaxPool2d(AdaptiveMaxPool2D):
    """PyTorch's name for ``AdaptiveMaxPool2D`` (the same layer, printed as PyTorch prints it)."""
