"""Dropout: inverted dropout, active in training mode only."""

from __future__ import annotations

from ..ops.normalization import dropout
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
        return f"p={self.p}"
