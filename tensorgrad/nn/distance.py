"""Distance layers: ``CosineSimilarity`` and ``PairwiseDistance``, thin Modules around
``tensorgrad.ops.distance`` (F.cosine_similarity, F.pairwise_distance). PyTorch prints them without their
settings, and so do these."""

from __future__ import annotations

from ..tensor import Tensor
from .module import Module


class CosineSimilarity(Module):
    """x1 . x2 / max(|x1| |x2|, eps) along ``dim`` (F.cosine_similarity)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        from ..ops.distance import cosine_similarity  # written beside this file's ops; imported when used

        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """|x1 - x2 + eps|_p along the last dimension (F.pairwise_distance)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        from ..ops.distance import pairwise_distance

        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
