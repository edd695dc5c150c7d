"""Flatten: merge dimensions ``start_dim..end_dim`` into one (by default all but the batch dimension);
Unflatten: split one dimension into several."""

from __future__ import annotations

import math

from ..ops.shape import flatten, reshape
from ..tensor import Tensor
from .module import Module


class Flatten(Module):
    """(N, C, H, W) -> (N, C*H*W) with the defaults ``start_dim=1, end_dim=-1``."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``: (N, 50) -> (N, 2, 5) with ``Unflatten(1, (2, 5))``
    (one size may be -1, inferred). The inverse of Flatten."""

    def __init__(self, dim: int, unflattened_size: tuple[int, ...] | list[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, x: Tensor) -> Tensor:
        sizes = tuple(int(n) for n in self.unflattened_size)
        if not -x.ndim <= self.dim < x.ndim:
            raise IndexError(f"Unflatten: dim {self.dim} is out of range for an input of shape {x.shape}")
        d = self.dim % x.ndim
        known = math.prod(n for n in sizes if n != -1)
        if sizes.count(-1) > 1 or (-1 not in sizes and known != x.shape[d]) or (known and x.shape[d] % known):
            raise ValueError(
                f"Unflatten: cannot split dimension {d} of size {x.shape[d]} (input shape {x.shape}) into "
                f"{sizes}: their product must be {x.shape[d]} (one size may be -1)"
            )
        return reshape(x, x.shape[:d] + sizes + x.shape[d + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
