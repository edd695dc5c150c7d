"""Distances and similarities between vectors, with PyTorch's formulas: ``cosine_similarity`` and
``pairwise_distance`` (``F.cosine_similarity``, ``F.pairwise_distance``, the layers ``nn.CosineSimilarity``
and ``nn.PairwiseDistance``) and ``cdist`` (all pairs of rows).

cosine_similarity(x1, x2) = sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps)) along ``dim``: each norm is
clamped on its own (PyTorch's code, not the max(|x1| |x2|, eps) of its documentation), and, as PyTorch does
it (an in-place clamp under no_grad), the clamp is invisible to the gradient.

pairwise_distance(x1, x2) = ||x1 - x2 + eps||_p along the last dimension.

cdist(x1, x2)[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p; for p = 2 its gradient is
(x1_i - x2_j) / d_ij, taken as 0 where d_ij = 0 (as PyTorch's).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, get_default_dtype, operands
from .elementwise import astype, where
from .norm import vector_norm
from .reduce import sum as reduce_sum
from .shape import broadcast_to, matrix_transpose, sum_to, unsqueeze


class _ClampMinStraight(Function):
    """max(a, eps) in the forward pass, the identity in the backward pass (PyTorch clamps the norms in
    cosine_similarity in place under no_grad, so its gradient never sees the clamp)."""

    def forward(self, a: np.ndarray, eps: float) -> np.ndarray:
        return np.maximum(a, np.asarray(eps, dtype=a.dtype))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g,)


def _floats(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    a, b = operands(x1, x2)
    if a.dtype.kind != "f":  # PyTorch computes integer (and bool) inputs in the default float dtype
        a, b = astype(a, get_default_dtype()), astype(b, get_default_dtype())
    return a, b


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along ``dim``, ``x1`` and ``x2`` broadcast together
    (PyTorch's ``F.cosine_similarity``; see the module docstring for the gradient at the clamp)."""
    a, b = _floats(x1, x2)
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"cosine_similarity: x1 {tuple(a.shape)} and x2 {tuple(b.shape)} do not broadcast together"
        ) from None
    a, b = broadcast_to(a, shape), broadcast_to(b, shape)
    norm_a = _ClampMinStraight.apply(vector_norm(a, 2, dim, keepdim=True), eps=eps)
    norm_b = _ClampMinStraight.apply(vector_norm(b, 2, dim, keepdim=True), eps=eps)
    return reduce_sum((a / norm_a) * (b / norm_b), dim=dim)


def pairwise_distance(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p along the last dimension (PyTorch's ``F.pairwise_distance``), broadcasting."""
    a, b = _floats(x1, x2)
    try:
        difference = a - b + eps
    except ValueError:
        raise ValueError(
            f"pairwise_distance: x1 {tuple(a.shape)} and x2 {tuple(b.shape)} do not broadcast together"
        ) from None
    return vector_norm(difference, p, -1, keepdim=keepdim)


class EuclideanDist(Function):
    """d_ij = ||a_i - b_j||_2 for the rows of a (..., P, M) and b (..., R, M);
    d/da_i = sum_j g_ij (a_i - b_j) / d_ij,  d/db_j = sum_i g_ij (b_j - a_i) / d_ij  (0 where d_ij = 0).

    The forward pass computes as PyTorch's default ``compute_mode`` does: directly for at most 25 rows on
    each side, else through a matrix product (|a|^2 - 2 a.b + |b|^2, clamped at 0), which is faster and
    rounds differently."""

    save_output = True

    def forward(self, a: np.ndarray, b: np.ndarray, use_mm: bool) -> np.ndarray:
        if use_mm:
            squared = (
                (a * a).sum(-1)[..., :, None]
                - 2 * (a @ np.swapaxes(b, -1, -2))
                + (b * b).sum(-1)[..., None, :]
            )
            return np.sqrt(np.maximum(squared, 0))
        difference = a[..., :, None, :] - b[..., None, :, :]
        return np.sqrt((difference * difference).sum(-1))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        out = self.output()
        out = EuclideanDist.apply(a, b, use_mm=False) if out is None else out
        zero = out.array == 0
        ratio = where(zero, 0.0, g / where(zero, 1.0, out))  # (..., P, R)
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = sum_to(a * unsqueeze(reduce_sum(ratio, dim=-1), -1) - ratio @ b, a.shape)
        if b.requires_grad:
            grad_b = sum_to(
                b * unsqueeze(reduce_sum(ratio, dim=-2), -1) - matrix_transpose(ratio) @ a, b.shape
            )
        return grad_a, grad_b


_COMPUTE_MODES = (
    "use_mm_for_euclid_dist_if_necessary",
    "use_mm_for_euclid_dist",
    "donot_use_mm_for_euclid_dist",
)


def cdist(
    x1: Any, x2: Any, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
) -> Tensor:
    """The p-norm distance between each row of ``x1`` (..., P, M) and each row of ``x2`` (..., R, M): a tensor
    (..., P, R), batch dimensions broadcast (PyTorch's ``torch.cdist``)."""
    a, b = _floats(x1, x2)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"cdist: expects x1 (..., P, M) and x2 (..., R, M) with the same M, got {tuple(a.shape)} and "
            f"{tuple(b.shape)}"
        )
    if p < 0:
        raise ValueError(f"cdist: p must be non-negative, got {p}")
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(
            f"cdist: compute_mode must be one of {', '.join(_COMPUTE_MODES)}, got {compute_mode!r}"
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"cdist: the batch dimensions of x1 {tuple(a.shape)} and x2 {tuple(b.shape)} do not broadcast"
        ) from None
    if p == 2:
        rows_a, rows_b = a.shape[-2], b.shape[-2]
        use_mm = compute_mode == "use_mm_for_euclid_dist" or (
            compute_mode == _COMPUTE_MODES[0] and (rows_a > 25 or rows_b > 25)
        )
        return EuclideanDist.apply(a, b, use_mm=use_mm)
    return vector_norm(unsqueeze(a, -2) - unsqueeze(b, -3), float(p), -1)
