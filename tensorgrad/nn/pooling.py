"""Pooling layers over NCHW batches: MaxPool2D and AvgPool2D (aliases MaxPool2d, AvgPool2d)."""

from __future__ import annotations

from ..ops.conv import avg_pool2d, max_pool2d
from ..tensor import Tensor
from .conv import call_op, pair
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
        self.kernel_size = pair(kernel_size, "kernel_size", name)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", name)
        self.padding = pair(padding, "padding", name, minimum=0)

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
        self.dilation = pair(dilation, "dilation", type(self).__name__)

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


MaxPool2d = MaxPool2D
AvgPool2d = AvgPool2D
