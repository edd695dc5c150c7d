"""Plain numpy references for the sequence layers' tests, written from the textbook formulas with explicit
loops over batch items and heads (nothing shared with tensorgrad's batched, fused implementation): layer
norm, scaled dot-product attention, PyTorch's multi-head attention and the transformer encoder layer."""

from __future__ import annotations

import math

import numpy as np

erf = np.vectorize(math.erf)


def np_layer_norm(x, normalized_ndim, weight=None, bias=None, eps=1e-5):
    axes = tuple(range(x.ndim - normalized_ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # biased, as PyTorch
    y = (x - mean) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


def np_softmax_rows(scores, safe):
    """Softmax of each row; a row that is all -inf gives zeros (``safe``) or NaN."""
    out = np.empty_like(scores)
    for i, row in enumerate(scores):
        if np.isneginf(row).all():
            out[i] = 0.0 if safe else np.nan
            continue
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


def np_sdpa(q, k, v, mask=None, causal=False, scale=None, safe=True):
    """softmax(q k^T * scale + mask) v, one batch item at a time. Bool mask: True takes part."""
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    length, source = q.shape[-2], k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    q, k, v = (np.broadcast_to(t, batch + t.shape[-2:]) for t in (q, k, v))
    if mask is not None:
        mask = np.broadcast_to(mask, (*batch, length, source))
    out = np.empty((*batch, length, v.shape[-1]))
    for idx in np.ndindex(*batch):
        scores = q[idx] @ k[idx].T * scale
        if causal:
            for i in range(length):
                scores[i, i + 1 :] = -np.inf  # query i sees keys 0..i
        if mask is not None:
            m = mask[idx]
            scores = np.where(m, scores, -np.inf) if m.dtype == bool else scores + m
        out[idx] = np_softmax_rows(scores, safe) @ v[idx]
    return out


def np_mha(query, key, value, state, num_heads, key_padding_mask=None, attn_mask=None, batch_first=False,
           need_weights=True, average=True, add_zero_attn=False, safe=False):  # fmt: skip
    """PyTorch's MultiheadAttention from its state dict (numpy arrays), heads and batch items one by one.
    Masks as PyTorch's MultiheadAttention: bool True is masked out, float is added."""
    unbatched = query.ndim == 2
    if unbatched:
        query, key, value = query[:, None], key[:, None], value[:, None]
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask[None]
    elif batch_first:
        query, key, value = (np.swapaxes(t, 0, 1) for t in (query, key, value))
    length, batch, embed = query.shape
    head = embed // num_heads
    if "in_proj_weight" in state:
        w_q, w_k, w_v = np.split(state["in_proj_weight"], 3)
    else:
        w_q, w_k, w_v = state["q_proj_weight"], state["k_proj_weight"], state["v_proj_weight"]
    b_q, b_k, b_v = np.split(state["in_proj_bias"], 3) if "in_proj_bias" in state else (0, 0, 0)
    q, k, v = query @ w_q.T + b_q, key @ w_k.T + b_k, value @ w_v.T + b_v  # (length, batch, embed)
    as_float = lambda m: np.where(m, -np.inf, 0.0) if m is not None and m.dtype == bool else m  # noqa: E731
    attn_mask, key_padding_mask = as_float(attn_mask), as_float(key_padding_mask)
    if "bias_k" in state:
        k = np.concatenate([k, np.broadcast_to(state["bias_k"], (1, batch, embed))])
        v = np.concatenate([v, np.broadcast_to(state["bias_v"], (1, batch, embed))])
        attn_mask = (
            None if attn_mask is None else np.pad(attn_mask, [(0, 0)] * (attn_mask.ndim - 1) + [(0, 1)])
        )
        key_padding_mask = None if key_padding_mask is None else np.pad(key_padding_mask, [(0, 0), (0, 1)])
    if add_zero_attn:
        k = np.concatenate([k, np.zeros((1, batch, embed))])
        v = np.concatenate([v, np.zeros((1, batch, embed))])
        attn_mask = (
            None if attn_mask is None else np.pad(attn_mask, [(0, 0)] * (attn_mask.ndim - 1) + [(0, 1)])
        )
        key_padding_mask = None if key_padding_mask is None else np.pad(key_padding_mask, [(0, 0), (0, 1)])
    source = k.shape[0]
    out = np.zeros((length, batch, embed))
    weights = np.zeros((batch, num_heads, length, source))
    for n in range(batch):
        for h in range(num_heads):
            cols = slice(h * head, (h + 1) * head)
            scores = q[:, n, cols] @ k[:, n, cols].T / math.sqrt(head)
            if attn_mask is not None:
                scores = scores + (attn_mask if attn_mask.ndim == 2 else attn_mask[n * num_heads + h])
            if key_padding_mask is not None:
                scores = scores + key_padding_mask[n]
            p = np_softmax_rows(scores, safe)
            weights[n, h] = p
            out[:, n, cols] = p @ v[:, n, cols]
    out = out @ state["out_proj.weight"].T + state.get("out_proj.bias", 0)
    if average:
        weights = weights.mean(axis=1)
    if unbatched:
        return out[:, 0], weights[0]
    if batch_first:
        out = np.swapaxes(out, 0, 1)
    return out, (weights if need_weights else None)


def np_gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def np_encoder_layer(x, state, num_heads, norm_first=False, activation="relu", src_mask=None,
                     src_key_padding_mask=None, batch_first=False, eps=1e-5, safe=True):  # fmt: skip
    """PyTorch's TransformerEncoderLayer (dropout off) from its state dict."""
    attn = {k.removeprefix("self_attn."): v for k, v in state.items() if k.startswith("self_attn.")}
    act = np.maximum if activation == "relu" else None

    def norm(t, i):
        return np_layer_norm(t, 1, state[f"norm{i}.weight"], state.get(f"norm{i}.bias"), eps)

    def sa(t):
        out, _ = np_mha(t, t, t, attn, num_heads, src_key_padding_mask, src_mask, batch_first, safe=safe)
        return out

    def ff(t):
        hidden = t @ state["linear1.weight"].T + state["linear1.bias"]
        hidden = act(hidden, 0) if act is not None else np_gelu(hidden)
        return hidden @ state["linear2.weight"].T + state["linear2.bias"]

    if norm_first:
        x = x + sa(norm(x, 1))
        return x + ff(norm(x, 2))
    x = norm(x + sa(x), 1)
    return norm(x + ff(x), 2)
