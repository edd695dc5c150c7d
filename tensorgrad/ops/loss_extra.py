"""More of PyTorch's losses: distribution (kl_div, poisson_nll_loss, gaussian_nll_loss), margin and ranking
(margin_ranking_loss, hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss) and embedding
(cosine_embedding_loss, triplet_margin_loss) losses, with PyTorch's names, arguments and formulas.

Each is a composition of differentiable ops (so each differentiates twice where its formula is smooth); the
docstrings give PyTorch's formula. Every loss takes ``reduction`` ``"mean"`` (the default), ``"sum"`` or
``"none"``, applied by ``loss.reduce_losses``; ``kl_div`` also ``"batchmean"``. As the other losses of
``tensorgrad.ops.loss``, input and target must have the same shape (``_checks.same_shape``): broadcasting
them silently compares every input with every target.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand
from . import _checks as check
from .activation import logsigmoid, softplus
from .elementwise import clip, exp, log, minimum, sqrt, where
from .loss import reduce_losses
from .reduce import sum


class ClampedNoGrad(Function):
    """max(a, low) whose gradient is the identity: PyTorch's ``var.clamp_(min=eps)`` under ``no_grad`` in
    gaussian_nll_loss (the clamp changes the value, the gradient flows as if it had not)."""

    def forward(self, a: np.ndarray, low: float) -> np.ndarray:
        return np.maximum(a, np.asarray(low, a.dtype))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g,)


# ---------------------------------------------------------------------------- distribution losses
def kl_div(
    input: Any,
    target: Any,
    size_average: None = None,
    reduce: None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence, pointwise, with ``input`` holding log-probabilities:

        target (log target - input)   (0 where target = 0, as xlogy),   or with ``log_target=True``
        e^target (target - input)     (target holds log-probabilities too).

    ``reduction``: 'batchmean' (sum / batch size: the KL divergence of the math, per sample), 'sum',
    'none', or 'mean' (PyTorch's default: the mean over every element, i.e. also divided by the number of
    classes; PyTorch warns about it, and so does this).
    """
    x, t = check.same_shape("kl_div", input, target)
    check.reduction("kl_div", reduction, ("mean", "batchmean", "sum", "none"))
    if log_target:
        losses = exp(t) * (t - x)
    else:
        positive = t.array > 0
        t_or_one = where(positive, t, np.ones((), t.dtype))
        losses = where(positive, t * log(t_or_one), np.zeros((), t.dtype)) - t * x
    if reduction == "batchmean":  # the sum divided by the batch size
        return reduce_losses(losses, "mean", x.shape[0]) if x.ndim > 0 else reduce_losses(losses, "sum")
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    return reduce_losses(losses, reduction)


def poisson_nll_loss(
    input: Any,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    size_average: None = None,
    eps: float = 1e-8,
    reduce: None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of ``target`` under Poisson(rate), pointwise:

        e^input - target input        (``log_input=True``: input is log(rate)),
        input - target log(input + eps)   (``log_input=False``: input is the rate);

    ``full`` adds Stirling's approximation of log(target!), target log target - target + log(2 pi target)/2,
    where target > 1.
    """
    x, t = check.same_shape("poisson_nll_loss", input, target)
    check.reduction("poisson_nll_loss", reduction)
    losses = exp(x) - t * x if log_input else x - t * log(x + eps)
    if full:
        big = t.array > 1
        t_big = where(big, t, np.ones((), t.dtype))
        stirling = t_big * log(t_big) - t_big + 0.5 * log(t_big * (2 * math.pi))
        losses = losses + where(big, stirling, np.zeros((), t.dtype))
    return reduce_losses(losses, reduction)


def gaussian_nll_loss(
    input: Any,
    target: Any,
    var: Any,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of ``target`` under Normal(input, var), pointwise:

        (log max(var, eps) + (input - target)^2 / max(var, eps)) / 2   (+ log(2 pi) / 2 with ``full``).

    ``var`` has the input's shape, or its shape without the last dimension or with a last dimension of 1
    (one variance shared by a sample's values); it must be non-negative. As PyTorch, the clamp at ``eps``
    changes the value only: the gradient to ``var`` flows as if it were not clamped.
    """
    op = "gaussian_nll_loss"
    x, t = check.same_shape(op, input, target)
    v = operand(var)
    if v.dtype != x.dtype:
        v = v.astype(x.dtype)
    if v.shape != x.shape:
        if x.ndim >= 1 and v.shape == x.shape[:-1]:
            v = v.reshape((*v.shape, 1))
        elif not (x.ndim >= 1 and v.ndim == x.ndim and v.shape[:-1] == x.shape[:-1] and v.shape[-1] == 1):
            raise ValueError(
                f"{op}: var of shape {v.shape} does not fit input of shape {x.shape}: expected the input's "
                f"shape, {(*x.shape[:-1], 1) if x.ndim else ()} or {x.shape[:-1]}"
            )
    check.reduction(op, reduction)
    if (v.array < 0).any():
        raise ValueError(f"{op}: var has negative entry/entries (min {v.array.min()}); variances are >= 0")
    v = ClampedNoGrad.apply(v, low=eps)
    diff = x - t
    losses = 0.5 * (log(v) + diff * diff / v)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return reduce_losses(losses, reduction)


# ---------------------------------------------------------------------------- margin and ranking losses
def margin_ranking_loss(
    input1: Any,
    input2: Any,
    target: Any,
    margin: float = 0.0,
    size_average: None = None,
    reduce: None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -target (input1 - input2) + margin): ``target`` = 1 says input1 should rank higher, -1 lower."""
    op = "margin_ranking_loss"
    x1, y = check.same_shape(op, input1, target)
    x2 = operand(input2)
    if x2.shape != x1.shape:
        raise ValueError(
            f"{op}: input1 of shape {x1.shape}, input2 of shape {x2.shape} and target of shape {y.shape} "
            "must have the same shape"
        )
    check.reduction(op, reduction)
    return reduce_losses(clip(-y * (x1 - x2) + margin, min=0), reduction)


def hinge_embedding_loss(
    input: Any,
    target: Any,
    margin: float = 1.0,
    size_average: None = None,
    reduce: None = None,
    reduction: str = "mean",
) -> Tensor:
    """input where target = 1, max(0, margin - input) where target = -1 (``input`` is typically a distance,
    ``target`` says similar (1) or dissimilar (-1)); as PyTorch, other target values get both terms."""
    op = "hinge_embedding_loss"
    x, y = check.same_shape(op, input, target)
    check.reduction(op, reduction)
    zero = np.zeros((), x.dtype)
    losses = where(y.array != 1, clip(margin - x, min=0), zero) + where(y.array != -1, x, zero)
    return reduce_losses(losses, reduction)


def soft_margin_loss(
    input: Any, target: Any, size_average: None = None, reduce: None = None, reduction: str = "mean"
) -> Tensor:
    """log(1 + e^(-target input)) per element (two-class logistic loss, target in {1, -1}), computed as
    softplus so that it never overflows."""
    x, y = check.same_shape("soft_margin_loss", input, target)
    check.reduction("soft_margin_loss", reduction)
    return reduce_losses(softplus(-y * x), reduction)


def multilabel_soft_margin_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: None = None,
    reduce: None = None,
    reduction: str = "mean",
) -> Tensor:
    """One-vs-all logistic loss over C classes, per sample (classes along the last dimension):

    -1/C sum_c w_c [y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c)],   y_c in {0, 1}.
    """
    op = "multilabel_soft_margin_loss"
    x, y = check.same_shape(op, input, target)
    check.reduction(op, reduction)
    if x.ndim == 0:
        raise ValueError(f"{op}: expects an input of shape (N, C) or (C,), got a 0-d tensor")
    losses = -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))
    if weight is not None:
        w = np.asarray(weight.array if isinstance(weight, Tensor) else weight, dtype=x.dtype)
        try:
            np.broadcast_shapes(w.shape, x.shape)
        except ValueError:
            raise ValueError(
                f"{op}: weight of shape {w.shape} does not broadcast to the input's shape {x.shape}"
            ) from None
        losses = losses * w
    return reduce_losses(sum(losses, -1) / x.shape[-1], reduction)


# ---------------------------------------------------------------------------- embedding losses
#: added to each squared norm in cosine_embedding_loss, as PyTorch's
_COSINE_EPSILON = 1e-12


def cosine_embedding_loss(
    input1: Any,
    input2: Any,
    target: Any,
    margin: float = 0.0,
    size_average: None = None,
    reduce: None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where target = 1, max(0, cos(x1, x2) - margin) where target = -1; inputs (N, D) with
    target (N,), or (D,) with a 0-d target. PyTorch's formula, cos = x1.x2 / sqrt((|x1|^2 + 1e-12)
    (|x2|^2 + 1e-12)) (not cosine_similarity's eps rule, so the values match PyTorch's to the last bit)."""
    op = "cosine_embedding_loss"
    x1, x2, y = operand(input1), operand(input2), operand(target)
    if x1.dtype.kind != "f":
        raise TypeError(f"{op}: input1 must be floating point, got dtype {x1.dtype}")
    if y.ndim not in (0, 1) or x1.shape != x2.shape or x1.ndim != y.ndim + 1 or x1.shape[:1] != y.shape[:1]:
        raise ValueError(
            f"{op}: input1 of shape {x1.shape}, input2 of shape {x2.shape} and target of shape {y.shape} do "
            "not fit: expected inputs (N, D) with target (N,), or inputs (D,) with a 0-d target"
        )
    check.reduction(op, reduction)
    d = y.ndim
    squares1 = sum(x1 * x1, d) + _COSINE_EPSILON
    squares2 = sum(x2 * x2, d) + _COSINE_EPSILON
    cos = sum(x1 * x2, d) / sqrt(squares1 * squares2)
    zero = np.zeros((), cos.dtype)
    losses = where(y.array == 1, 1 - cos, zero) + where(y.array == -1, clip(cos - margin, min=0), zero)
    return reduce_losses(losses, reduction)


def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: None = None,
    reduce: None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d = ``pairwise_distance(., ., p, eps)``;
    ``swap`` uses min(d(a, n), d(p, n)) as the negative distance. Inputs (N, D) or (D,)."""
    from .distance import pairwise_distance

    op = "triplet_margin_loss"
    a, pos, neg = operand(anchor), operand(positive), operand(negative)
    if not (a.ndim == pos.ndim == neg.ndim) or a.ndim not in (1, 2):
        raise ValueError(
            f"{op}: anchor {a.shape}, positive {pos.shape} and negative {neg.shape} must all be (N, D) "
            "or (D,)"
        )
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    check.reduction(op, reduction)
    d_pos = pairwise_distance(a, pos, p, eps)
    d_neg = pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(pos, neg, p, eps))
    return reduce_losses(clip(d_pos - d_neg + margin, min=0), reduction)
