"""Scaled dot-product attention, the core of a transformer, as one node:

    scores = q k^T * scale + mask,    P = softmax(scores) along the keys,    out = P v

for q (..., L, E), k (..., S, E), v (..., S, Ev): each of the L queries takes a weighted average of the S
values, weighted by how well it matches each key. A mask blocks positions (-inf, a weight of 0) or adds to
their scores (a float mask, itself differentiable: a learned positional bias).

``Attention`` is one node, forward on numpy arrays (two batched matmuls and a softmax over the heads of all
batch items at once), with the softmax's compact gradient (dP = g v^T, dropout's mask applied):

    dv = P^T g,    dS = P * (dP - sum(dP * P)),    dq = dS k * scale,    dk = dS^T q * scale,    dmask = dS.

Its backward reads P as a node that is a function of q, k and the mask (an ``AttentionWeights`` handed the
weights forward computed: in an ordinary backward, the saved array as it is), so the gradient differentiates
again (``gradgradcheck``), and the weights themselves are an ``AttentionWeights`` node where a layer returns
them (``MultiheadAttention(need_weights=True)``).

A row whose keys are all blocked has no weights to share out. PyTorch's ``scaled_dot_product_attention``
gives such a row zero weights (an output of 0, gradients of 0) and its explicit softmax (the weights of
``MultiheadAttention``) gives NaN: ``nan_rows`` picks which.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..random import generator
from ..tensor import Tensor, operand
from .arrange import repeat_interleave
from .reduce import Sum
from .shape import sum_to


class AttentionWeights(Function):
    """P = softmax(q k^T * scale + mask + blocked) along the last axis; the inputs are q, k and an optional
    float ``mask``; ``blocked`` is a constant array of 0 (take part) and -inf (blocked), ``causal`` blocks the
    keys after each query, ``nan_rows`` gives a query with every key blocked NaN weights instead of zeros.
    ``weights`` hands the values computed before (the backward's own node of P)."""

    def forward(
        self,
        q: np.ndarray,
        k: np.ndarray,
        *mask: np.ndarray,
        scale: float,
        causal: bool = False,
        blocked: np.ndarray | None = None,
        nan_rows: bool = False,
        weights: np.ndarray | None = None,
    ) -> np.ndarray:
        self.settings = {"scale": scale, "causal": causal, "blocked": blocked, "nan_rows": nan_rows}
        if weights is None:
            weights = _softmax_weights(q, k, mask[0] if mask else None, **self.settings)
        self.saved = (weights,)
        return weights

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return _score_grads(self, _weights_node(self), g)


class Attention(Function):
    """out = dropped(P) v, P = softmax(q k^T * scale + mask + blocked) along the keys (``AttentionWeights``,
    the same settings); the inputs are q, k, v and an optional float ``mask``. ``dropout`` is a constant
    array (0 or 1 / (1 - p)) multiplying the weights, ``weights`` the weights when the caller computed them
    already."""

    def forward(
        self,
        q: np.ndarray,
        k: np.ndarray,
        v: np.ndarray,
        *mask: np.ndarray,
        scale: float,
        causal: bool = False,
        blocked: np.ndarray | None = None,
        nan_rows: bool = False,
        dropout: np.ndarray | None = None,
        weights: np.ndarray | None = None,
    ) -> np.ndarray:
        self.settings = {"scale": scale, "causal": causal, "blocked": blocked, "nan_rows": nan_rows}
        if weights is None:
            weights = _softmax_weights(q, k, mask[0] if mask else None, **self.settings)
        self.saved = (weights, dropout)
        return np.matmul(weights if dropout is None else weights * dropout, v)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        v = self.inputs[2]
        drop = self.saved[1]
        weights = _weights_node(self)
        dropped = weights if drop is None else weights * drop
        dv = sum_to(dropped.mT @ g, v.shape) if v.requires_grad else None
        if not any(t.requires_grad for i, t in enumerate(self.inputs) if i != 2):
            return (None, None, dv, *[None] * (len(self.inputs) - 3))
        g_weights = g @ v.mT
        if drop is not None:
            g_weights = g_weights * drop
        dq, dk, *dmask = _score_grads(self, weights, g_weights)
        return (dq, dk, dv, *dmask)


def _softmax_weights(
    q: np.ndarray,
    k: np.ndarray,
    mask: np.ndarray | None,
    scale: float,
    causal: bool,
    blocked: np.ndarray | None,
    nan_rows: bool,
) -> np.ndarray:
    """softmax(q k^T * scale + mask + blocked) along the last axis, in q's dtype (``causal``: the keys after
    each query blocked too). A row with every key blocked gets zeros, or NaN with ``nan_rows`` (the max of
    the row is -inf)."""
    scores = np.matmul(q, np.swapaxes(k, -1, -2))
    scores *= scale
    causal_blocked = causal_mask(q.shape[-2], k.shape[-2], scores.dtype) if causal else None
    for extra in (mask, blocked, causal_blocked):
        if extra is not None:
            if np.broadcast_shapes(extra.shape, scores.shape) == scores.shape:
                scores += extra
            else:
                scores = scores + extra
    top = scores.max(axis=-1, keepdims=True)
    empty = None if nan_rows else np.isneginf(top)
    if empty is not None and empty.any():
        top[empty] = 0  # exp(-inf - 0) = 0 along the row: its sum is 0, and its weights become 0
    else:
        empty = None
    with np.errstate(invalid="ignore"):  # -inf - -inf: NaN, the row's weights (``nan_rows``)
        scores -= top
    np.exp(scores, out=scores)
    total = scores.sum(axis=-1, keepdims=True)
    if empty is not None:
        total[empty] = 1
    np.reciprocal(total, out=total)
    scores *= total
    return scores


def _weights_node(fn: AttentionWeights | Attention) -> Tensor:
    """The node's attention weights as a function of q, k and the mask: the saved array in an ordinary
    backward (no graph is recorded, nothing recomputed), a graph node under ``create_graph``."""
    inputs = fn.inputs
    mask = inputs[3:] if isinstance(fn, Attention) else inputs[2:]
    return AttentionWeights.apply(inputs[0], inputs[1], *mask, **fn.settings, weights=fn.saved[0])


def _score_grads(
    fn: AttentionWeights | Attention, weights: Tensor, g_weights: Tensor
) -> tuple[Tensor | None, ...]:
    """Gradients of q, k (and the float mask) from the gradient of the weights: the softmax's
    dS = P * (dP - sum(dP * P)), then the product q k^T * scale + mask."""
    q, k = fn.inputs[0], fn.inputs[1]
    mask = fn.inputs[-1] if len(fn.inputs) == (4 if isinstance(fn, Attention) else 3) else None
    rows = Sum.apply(g_weights * weights, axes=(weights.ndim - 1,), keepdims=True)
    d_scores = weights * (g_weights - rows)
    scale = fn.settings["scale"]
    dq = sum_to(d_scores @ k, q.shape) * scale if q.requires_grad else None
    dk = sum_to(d_scores.mT @ q, k.shape) * scale if k.requires_grad else None
    if mask is None:
        return (dq, dk)
    return (dq, dk, sum_to(d_scores, mask.shape) if mask.requires_grad else None)


# ---------------------------------------------------------------------------- functions
def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(query key^T * scale + mask) value, as PyTorch's ``F.scaled_dot_product_attention``.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); the batch dimensions broadcast.
    ``attn_mask`` broadcasts to (..., L, S): a bool mask says which positions take part (True), a float mask
    is added to the scores. ``is_causal`` lets query i see keys 0..i only (top-left aligned when L != S).
    ``scale`` defaults to 1 / sqrt(E). ``dropout_p`` > 0 zeroes attention weights with that probability
    (scaling the others by 1 / (1 - p)) whenever it is given: this is a function, with no training mode.
    ``enable_gqa`` lets key and value have fewer heads (dimension -3) than query, a divisor of its count:
    each is shared by a group of query heads. A query whose keys are all masked gives 0.
    """
    q, k, v = _checked_qkv(query, key, value, "scaled_dot_product_attention")
    if enable_gqa:
        k, v = _grouped(q, k, v)
    _check_batch(q, k, v, "scaled_dot_product_attention")
    if is_causal and attn_mask is not None:
        raise ValueError(
            "scaled_dot_product_attention: give attn_mask or is_causal=True, not both (is_causal is the "
            "lower-triangular mask); combine them into one mask if both are needed"
        )
    return attention(q, k, v, attn_mask, dropout_p, is_causal, scale, op="scaled_dot_product_attention")[0]


def attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    *,
    nan_rows: bool = False,
    need_weights: bool = False,
    op: str = "attention",
) -> tuple[Tensor, Tensor | None]:
    """The attention core shared by ``scaled_dot_product_attention`` and ``MultiheadAttention``: (output,
    the weights after dropout or None). q, k, v are checked Tensors of one floating dtype. ``attn_mask`` as
    in ``scaled_dot_product_attention`` (bool: True takes part); a query with every key masked gets zero
    weights, or NaN ones with ``nan_rows`` (as an explicit softmax)."""
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{op}: dropout_p must be a probability in [0, 1], got {dropout_p}")
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    scores_shape = (*batch, q.shape[-2], k.shape[-2])
    mask: tuple[Tensor, ...] = ()
    blocked = None
    if attn_mask is not None:
        m = operand(attn_mask)
        _check_mask(m, scores_shape, op)
        if m.dtype == np.bool_:
            blocked = np.where(m.array, q.dtype.type(0), q.dtype.type(-np.inf))
        else:
            mask = (m if m.dtype == q.dtype else m.astype(q.dtype),)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    settings = {"scale": float(scale), "causal": is_causal, "blocked": blocked, "nan_rows": nan_rows}
    weights = None
    if need_weights:
        weights = AttentionWeights.apply(q, k, *mask, **settings)
        settings["weights"] = weights.array
    drop = None
    if dropout_p > 0:
        if dropout_p == 1:
            drop = np.zeros(scores_shape, q.dtype)
        else:
            drop = (generator().random(scores_shape, dtype=np.float32) >= dropout_p).astype(q.dtype)
            drop *= 1 / (1 - dropout_p)
        if weights is not None:
            weights = weights * drop
    out = Attention.apply(q, k, v, *mask, dropout=drop, **settings)
    return out, weights


_CAUSAL: dict[tuple[int, int, np.dtype], np.ndarray] = {}


def causal_mask(length: int, source: int, dtype: np.dtype) -> np.ndarray:
    """(L, S) additive mask: 0 where key j <= query i (top-left aligned), -inf above that diagonal. Cached
    (read-only): a model asks for the same few again and again."""
    key = (length, source, np.dtype(dtype))
    blocked = _CAUSAL.get(key)
    if blocked is None:
        keep = np.tri(length, source, dtype=bool)
        blocked = np.where(keep, key[2].type(0), key[2].type(-np.inf))
        blocked.flags.writeable = False
        if len(_CAUSAL) >= 64:
            _CAUSAL.clear()
        _CAUSAL[key] = blocked
    return blocked


def _checked_qkv(query: Any, key: Any, value: Any, op: str) -> tuple[Tensor, Tensor, Tensor]:
    q, k, v = operand(query), operand(key), operand(value)
    shapes = f"query {q.shape}, key {k.shape}, value {v.shape}"
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ValueError(
            f"{op}: query (..., L, E), key (..., S, E) and value (..., S, Ev) need at least 2 dimensions, "
            f"got {shapes}"
        )
    if not (q.dtype == k.dtype == v.dtype) or q.dtype.kind != "f":
        raise TypeError(
            f"{op}: query, key and value must have one floating dtype, got {q.dtype}, {k.dtype}, {v.dtype}"
        )
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"{op}: query and key must have the same embedding size E (last dimension), got {shapes}"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"{op}: key and value must have the same sequence length S (dimension -2), got {shapes}"
        )
    return q, k, v


def _check_batch(q: Tensor, k: Tensor, v: Tensor, op: str) -> None:
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"{op}: the batch dimensions (all but the last two) of query {q.shape}, key {k.shape}, value "
            f"{v.shape} do not broadcast"
        ) from None


def _grouped(q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    """Grouped-query attention: key and value heads (dimension -3) repeated to match the query's."""
    op = "scaled_dot_product_attention"
    if q.ndim < 3 or k.ndim < 3 or v.ndim < 3:
        raise ValueError(
            f"{op}: enable_gqa=True needs a heads dimension (-3) in query, key and value, got shapes "
            f"{q.shape}, {k.shape}, {v.shape}"
        )
    heads, kv_heads = q.shape[-3], k.shape[-3]
    if v.shape[-3] != kv_heads or heads % kv_heads:
        raise ValueError(
            f"{op}: with enable_gqa=True key and value need the same number of heads (dimension -3), a "
            f"divisor of the query's {heads}; got query {q.shape}, key {k.shape}, value {v.shape}"
        )
    if heads == kv_heads:
        return k, v
    group = heads // kv_heads
    return repeat_interleave(k, group, dim=-3), repeat_interleave(v, group, dim=-3)


def _check_mask(mask: Tensor, scores_shape: tuple[int, ...], op: str) -> None:
    if mask.dtype != np.bool_ and mask.dtype.kind != "f":
        raise TypeError(
            f"{op}: attn_mask must be bool (True: take part) or floating (added to the scores), got dtype "
            f"{mask.dtype}"
        )
    try:
        fits = np.broadcast_shapes(mask.shape, scores_shape) == scores_shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: attn_mask of shape {mask.shape} does not broadcast to the attention scores' shape "
            f"(..., L, S) = {scores_shape}: expected a mask of shape (L, S) = {scores_shape[-2:]} or one "
            f"that broadcasts to {scores_shape}"
        )
