"""Activation layers: thin Modules around the elementwise and softmax ops."""

from __future__ import annotations

from ..ops import elementwise, reduce
from ..tensor import Tensor
from .module import Module


class ReLU(Module):
    """max(x, 0). ``inplace`` is accepted so that PyTorch code runs as is; the result is always a new
    Tensor."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.relu(x)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x. ``inplace`` is accepted and ignored, as in ReLU."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.sigmoid(x)


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.tanh(x)


class Softmax(Module):
    """e^x_i / sum_j e^x_j along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return reduce.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """x_i - log sum_j e^x_j along ``dim`` (stable)."""

    def forward(self, x: Tensor) -> Tensor:
        return reduce.log_softmax(x, self.dim)
