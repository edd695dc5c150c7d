"""Dropout: inverted dropout, active in training mode only; per element, or per channel (``Dropout2d``)."""

from __future__ import annotations

from ..ops.normalization import dropout, feature_dropout
from ..tensor import Tensor
from .module import Module


class Dropout(Module):
    """In training: y = x * m / (1 - p) with m ~ Bernoulli(1 - p) per element (so E[y] = x); in eval: y = x.

    The mask is drawn from tensorgrad's seeded generator (``tg.manual_seed``). ``inplace`` is accepted so
    that PyTorch code runs as is; the result is always a new Tensor.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p is a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """In training each channel ``x[n, c]`` (a whole feature map) is zeroed with probability ``p`` and the
    others scaled by 1 / (1 - p): y = x * m[n, c] / (1 - p), m ~ Bernoulli(1 - p). Input (N, C, H, W)."""

    def forward(self, x: Tensor) -> Tensor:
        return feature_dropout(x, self.p, self.training, op=type(self).__name__)


class Dropout1d(Dropout2d):
    """``Dropout2d`` for (N, C, L) inputs: whole channels of a sequence are zeroed together."""


class Dropout3d(Dropout2d):
    """``Dropout2d`` for (N, C, D, H, W) inputs."""
