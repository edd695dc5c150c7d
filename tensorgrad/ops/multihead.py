"""Multi-head attention (Vaswani et al., 2017) from the attention core: project the query, key and value,
split the embedding into ``num_heads`` heads of ``embed_dim // num_heads``, attend in every head at once (one
``Attention`` node over a (N, heads, L, S) batch: batched matmuls, no loop over heads), join the heads and
project the result. PyTorch's ``F.multi_head_attention_forward``, with its masks and options:

* ``attn_mask`` (L, S) or (N * num_heads, L, S): bool (True: *not* allowed to attend, the opposite of
  ``scaled_dot_product_attention``'s bool mask) or float (added to the scores);
* ``key_padding_mask`` (N, S): bool (True: a padding key, ignored) or float (added); both masks are turned
  into float masks (-inf where True) and added, as PyTorch does;
* ``bias_k`` / ``bias_v`` (one more learned key and value), ``add_zero_attn`` (one more key and value of
  zeros), ``static_k`` / ``static_v`` (keys and values given per head, already projected);
* ``need_weights``: also return the attention weights (after dropout), averaged over the heads unless
  ``average_attn_weights=False``.

Computations run batch-first inside (the sequence-first layout is a transposed view), and inputs are
flattened to rows for the projections, so each projection is one matrix product.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, operand
from .attention import attention
from .linalg import linear
from .reduce import mean
from .shape import broadcast_to, cat, getitem, pad_last, permute, reshape, squeeze, transpose, unsqueeze

OP = "multi_head_attention_forward"


def multi_head_attention_forward(
    query: Any,
    key: Any,
    value: Any,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Any,
    in_proj_bias: Any,
    bias_k: Any,
    bias_v: Any,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Any,
    out_proj_bias: Any,
    training: bool = True,
    key_padding_mask: Any = None,
    need_weights: bool = True,
    attn_mask: Any = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Any = None,
    k_proj_weight: Any = None,
    v_proj_weight: Any = None,
    static_k: Any = None,
    static_v: Any = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on sequence-first inputs: query (L, N, E), key (S, N, kdim), value (S, N, vdim)
    (or unbatched (L, E), (S, kdim), (S, vdim)) -> (attention output (L, N, E), weights (N, L, S) or None),
    as PyTorch's ``F.multi_head_attention_forward`` (see the module docstring for the masks). Dropout
    applies to the attention weights when ``training``. ``is_causal`` is a hint that ``attn_mask`` is the
    causal mask and needs it given; without a key padding mask and weights it stands for the mask."""
    return multi_head_attention(
        query,
        key,
        value,
        embed_dim_to_check,
        num_heads,
        in_proj_weight,
        in_proj_bias,
        bias_k,
        bias_v,
        add_zero_attn,
        dropout_p,
        out_proj_weight,
        out_proj_bias,
        training=training,
        key_padding_mask=key_padding_mask,
        need_weights=need_weights,
        attn_mask=attn_mask,
        use_separate_proj_weight=use_separate_proj_weight,
        q_proj_weight=q_proj_weight,
        k_proj_weight=k_proj_weight,
        v_proj_weight=v_proj_weight,
        static_k=static_k,
        static_v=static_v,
        average_attn_weights=average_attn_weights,
        is_causal=is_causal,
    )


def multi_head_attention(
    query: Any,
    key: Any,
    value: Any,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Any,
    in_proj_bias: Any,
    bias_k: Any,
    bias_v: Any,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Any,
    out_proj_bias: Any,
    *,
    training: bool = True,
    key_padding_mask: Any = None,
    need_weights: bool = True,
    attn_mask: Any = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Any = None,
    k_proj_weight: Any = None,
    v_proj_weight: Any = None,
    static_k: Any = None,
    static_v: Any = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
    batch_first: bool = False,
    nan_rows: bool = False,
    op: str = OP,
) -> tuple[Tensor, Tensor | None]:
    """``multi_head_attention_forward`` with ``batch_first`` (inputs (N, L, E)), and ``nan_rows``: a query
    whose keys are all masked gives NaN (PyTorch's fused inference path) rather than 0 (its
    ``scaled_dot_product_attention``) when no weights are asked for; with weights it is always NaN."""
    self_attention = query is key and key is value
    shared_kv = key is value
    q_in, k_in, v_in = operand(query), operand(key), operand(value)
    kpm = None if key_padding_mask is None else operand(key_padding_mask)
    mask = None if attn_mask is None else operand(attn_mask)
    batched = _check_shapes(q_in, k_in, v_in, kpm, mask, num_heads, op)
    if not batched:  # one sequence: a batch of 1
        q_in, k_in, v_in = unsqueeze(q_in, 0), unsqueeze(k_in, 0), unsqueeze(v_in, 0)
        kpm = None if kpm is None else unsqueeze(kpm, 0)
    elif not batch_first:
        q_in, k_in, v_in = transpose(q_in, 0, 1), transpose(k_in, 0, 1), transpose(v_in, 0, 1)
    batch, length, embed_dim = q_in.shape
    source = k_in.shape[1]
    if embed_dim != embed_dim_to_check:
        raise ValueError(
            f"{op}: expected an embedding dimension of {embed_dim_to_check}, got query {query.shape}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise ValueError(f"{op}: embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
    if k_in.shape[:2] != v_in.shape[:2] or k_in.shape[0] != batch:
        raise ValueError(
            f"{op}: key and value need the batch size and sequence length of each other (and the batch "
            f"size of the query), got query {query.shape}, key {key.shape}, value {value.shape}"
        )

    kpm = canonical_mask(kpm, q_in.dtype, "key_padding_mask", op)
    keys = source if static_k is None else operand(static_k).shape[1]
    if kpm is not None and kpm.shape != (batch, keys):
        raise ValueError(
            f"{op}: key_padding_mask has shape {tuple(kpm.shape)}, expected (N, S) = {(batch, keys)} (one "
            "value per key of each sequence)"
        )
    if is_causal and mask is None:
        raise ValueError(
            f"{op}: is_causal=True is a hint that attn_mask is the causal mask, and needs attn_mask given: "
            "make it with nn.Transformer.generate_square_subsequent_mask(L)"
        )
    causal = is_causal and kpm is None and not need_weights
    mask = None if causal else canonical_mask(mask, q_in.dtype, "attn_mask", op)
    if mask is not None:  # (1, 1, L, S) or (N, H, L, S)
        expected = (length, source) if mask.ndim == 2 else (batch * num_heads, length, source)
        if mask.shape != expected:
            raise ValueError(
                f"{op}: the {mask.ndim}-D attn_mask has shape {mask.shape}, expected {expected} (query "
                f"length L={length}, key length S={source}, batch N={batch}, num_heads={num_heads})"
            )
        mask = reshape(mask, (1, 1, length, source) if mask.ndim == 2 else (batch, num_heads, length, source))

    q, k, v = _projections(
        q_in, k_in, v_in, in_proj_weight, in_proj_bias, use_separate_proj_weight,
        (q_proj_weight, k_proj_weight, v_proj_weight), self_attention, shared_kv, op,
    )  # fmt: skip
    if bias_k is not None or bias_v is not None:
        if bias_k is None or bias_v is None:
            raise ValueError(f"{op}: bias_k and bias_v go together: one of them is None")
        if static_k is not None or static_v is not None:
            raise ValueError(f"{op}: bias_k and bias_v cannot be added to static_k / static_v")
        k = cat([k, broadcast_to(reshape(operand(bias_k), (1, 1, embed_dim)), (batch, 1, embed_dim))], 1)
        v = cat([v, broadcast_to(reshape(operand(bias_v), (1, 1, embed_dim)), (batch, 1, embed_dim))], 1)
        mask, kpm = _pad(mask), _pad(kpm)
    q = _heads(q, num_heads)
    k = (
        _static(static_k, "static_k", batch, num_heads, head_dim, op)
        if static_k is not None
        else _heads(k, num_heads)
    )
    v = (
        _static(static_v, "static_v", batch, num_heads, head_dim, op)
        if static_v is not None
        else _heads(v, num_heads)
    )
    if add_zero_attn:
        zeros = np.zeros((batch, num_heads, 1, head_dim), q.dtype)
        k, v = cat([k, zeros], 2), cat([v, zeros], 2)
        mask, kpm = _pad(mask), _pad(kpm)
    source = k.shape[2]
    if kpm is not None:
        kpm = reshape(kpm, (batch, 1, 1, source))
        mask = kpm if mask is None else mask + kpm
    if not training:
        dropout_p = 0.0
    out, weights = attention(
        q, k, v, mask, dropout_p, causal, nan_rows=nan_rows or need_weights,
        need_weights=need_weights, op=op,
    )  # fmt: skip
    out = reshape(permute(out, (0, 2, 1, 3)), (batch * length, embed_dim))
    out = reshape(linear(out, out_proj_weight, out_proj_bias), (batch, length, -1))
    if not batched:
        out = squeeze(out, 0)
    elif not batch_first:
        out = transpose(out, 0, 1)
    if weights is not None:
        if average_attn_weights:
            weights = mean(weights, 1)
        if not batched:
            weights = squeeze(weights, 0)
    return out, weights


def _check_shapes(
    q: Tensor, k: Tensor, v: Tensor, kpm: Tensor | None, mask: Tensor | None, num_heads: int, op: str
) -> bool:
    """PyTorch's checks of the ranks: batched (3-D) or unbatched (2-D) inputs and masks to match."""
    if q.ndim not in (2, 3):
        raise ValueError(f"{op}: query must be (L, N, E), (N, L, E) or unbatched (L, E), got shape {q.shape}")
    batched = q.ndim == 3
    if k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(
            f"{op}: for a {q.ndim}-D query, key and value must be {q.ndim}-D too, got query {q.shape}, key "
            f"{k.shape}, value {v.shape}"
        )
    if kpm is not None and kpm.ndim != q.ndim - 1:
        raise ValueError(
            f"{op}: for a {q.ndim}-D query, key_padding_mask must be {q.ndim - 1}-D "
            f"({'(N, S)' if batched else '(S,)'}), got shape {kpm.shape}"
        )
    if mask is not None and mask.ndim not in (2, 3):
        raise ValueError(
            f"{op}: attn_mask must be 2-D (L, S) or 3-D (N * num_heads, L, S), got shape {mask.shape}"
        )
    if not batched and mask is not None and mask.ndim == 3:
        expected = (num_heads, q.shape[0], k.shape[0])
        if mask.shape != expected:
            raise ValueError(
                f"{op}: for an unbatched query the 3-D attn_mask must have shape (num_heads, L, S) = "
                f"{expected}, got {mask.shape}"
            )
    return batched


def canonical_mask(mask: Any, dtype: np.dtype, name: str, op: str = OP) -> Tensor | None:
    """PyTorch's canonical mask: a bool mask becomes 0 / -inf (True: -inf, masked out), a float mask stays
    (in ``dtype``)."""
    if mask is None:
        return None
    mask = operand(mask)
    if mask.dtype == np.bool_:
        return operand(np.where(mask.array, dtype.type(-np.inf), dtype.type(0)))
    if mask.dtype.kind != "f":
        raise TypeError(
            f"{op}: {name} must be bool (True: masked out) or floating (added), got dtype {mask.dtype}"
        )
    return mask if mask.dtype == dtype else mask.astype(dtype)


def _projections(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    in_proj_weight: Any,
    in_proj_bias: Any,
    separate: bool,
    separate_weights: tuple[Any, Any, Any],
    self_attention: bool,
    shared_kv: bool,
    op: str,
) -> tuple[Tensor, Tensor, Tensor]:
    """q W_q^T + b_q, k W_k^T + b_k, v W_v^T + b_v, each (N, length, E), from the packed ``in_proj_weight``
    (3E, E) or the separate ones; rows flattened so that each projection is one matrix product."""
    embed_dim = q.shape[-1]
    if separate:
        if any(w is None for w in separate_weights):
            raise ValueError(
                f"{op}: use_separate_proj_weight=True needs q_proj_weight, k_proj_weight and v_proj_weight"
            )
        weights = [operand(w) for w in separate_weights]
    else:
        if in_proj_weight is None:
            raise ValueError(f"{op}: in_proj_weight is None (give it, or use_separate_proj_weight=True)")
        packed = operand(in_proj_weight)
        if packed.shape != (3 * embed_dim, embed_dim):
            raise ValueError(
                f"{op}: in_proj_weight must have shape (3E, E) = {(3 * embed_dim, embed_dim)}, got "
                f"{packed.shape}"
            )
        if self_attention or shared_kv:
            weights = [packed]
        else:
            weights = [getitem(packed, slice(i * embed_dim, (i + 1) * embed_dim)) for i in range(3)]
    biases: list[Any] = [None, None, None]
    if in_proj_bias is not None:
        bias = operand(in_proj_bias)
        if bias.shape != (3 * embed_dim,):
            raise ValueError(
                f"{op}: in_proj_bias must have shape (3E,) = {(3 * embed_dim,)}, got {bias.shape}"
            )
        biases = (
            [bias]
            if len(weights) == 1
            else [getitem(bias, slice(i * embed_dim, (i + 1) * embed_dim)) for i in range(3)]
        )
    if len(weights) == 1 and self_attention:  # one product for the three, then three views
        qkv = _rows(q, weights[0], biases[0], op, "query")
        return tuple(getitem(qkv, (Ellipsis, slice(i * embed_dim, (i + 1) * embed_dim))) for i in range(3))  # type: ignore[return-value]
    if len(weights) == 1:  # key is value: the query's rows, then the key and value's from the rest
        packed, bias = weights[0], biases[0]
        w_q, w_kv = getitem(packed, slice(0, embed_dim)), getitem(packed, slice(embed_dim, None))
        b_q = b_kv = None
        if bias is not None:
            b_q, b_kv = getitem(bias, slice(0, embed_dim)), getitem(bias, slice(embed_dim, None))
        kv = _rows(k, w_kv, b_kv, op, "key")
        return (
            _rows(q, w_q, b_q, op, "query"),
            getitem(kv, (Ellipsis, slice(0, embed_dim))),
            getitem(kv, (Ellipsis, slice(embed_dim, None))),
        )
    return (
        _rows(q, weights[0], biases[0], op, "query"),
        _rows(k, weights[1], biases[1], op, "key"),
        _rows(v, weights[2], biases[2], op, "value"),
    )


def _rows(x: Tensor, weight: Tensor, bias: Tensor | None, op: str, name: str) -> Tensor:
    """x W^T + b for x (N, length, features), computed on the (N * length, features) rows."""
    if weight.shape[1] != x.shape[-1]:
        raise ValueError(
            f"{op}: {name} has {x.shape[-1]} features (shape {x.shape}) but its projection weight "
            f"{weight.shape} expects {weight.shape[1]}"
        )
    n, length, features = x.shape
    return reshape(linear(reshape(x, (n * length, features)), weight, bias), (n, length, -1))


def _heads(x: Tensor, num_heads: int) -> Tensor:
    """(N, length, E) -> (N, heads, length, E / heads): a view, each head's columns side by side."""
    n, length, embed_dim = x.shape
    return permute(reshape(x, (n, length, num_heads, embed_dim // num_heads)), (0, 2, 1, 3))


def _static(value: Any, name: str, batch: int, num_heads: int, head_dim: int, op: str) -> Tensor:
    t = operand(value)
    if t.ndim != 3 or t.shape[0] != batch * num_heads or t.shape[2] != head_dim:
        raise ValueError(
            f"{op}: {name} must have shape (N * num_heads, S, head_dim) = ({batch * num_heads}, S, "
            f"{head_dim}), got {t.shape}"
        )
    return reshape(t, (batch, num_heads, t.shape[1], head_dim))


def _pad(mask: Tensor | None) -> Tensor | None:
    """One more key position (a bias or zero key) that takes part: a 0 at the end of the last axis."""
    return None if mask is None else pad_last(mask, (0, 1))
