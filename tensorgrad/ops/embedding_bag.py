"""Bags of embeddings (PyTorch's ``F.embedding_bag``): the sum, mean or max of the rows of ``weight`` that
each bag of indices picks (a sentence as the average of its words' vectors, say).

Bag b is ``input[offsets[b]:offsets[b + 1]]`` for a 1-D ``input`` (the last bag runs to the end, or to the
last offset with ``include_last_offset``), or row b of a 2-D ``input`` (bags of one length). For bag b with
entries j (those equal to ``padding_idx`` left out) and w_j the ``per_sample_weights`` (1 without them):

    sum:  out[b] = sum_j w_j weight[input[j]]
    mean: out[b] = sum_j weight[input[j]] / (number of entries j)
    max:  out[b] = max_j weight[input[j]]     (per coordinate)

and an empty bag gives zeros. Built from the lookup node (``ops/embedding.py``: its backward is the
scatter-add into the used rows, and double backward works) and a gather of each bag's rows into a padded
(bags, longest bag, embedding_dim) block, reduced over the bag axis; the padding slots read a constant row
(zeros, or the dtype's lowest value for max) that takes no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, operand, wrap
from .elementwise import where
from .embedding import Embedding, embedding_indices, padding_index, renorm_rows_
from .shape import cat, getitem

MODES = ("sum", "mean", "max")


def embedding_bag(
    input: Any,
    weight: Any,
    offsets: Any = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """PyTorch's ``F.embedding_bag``: (bags, embedding_dim), see the module docstring. ``max_norm``,
    ``norm_type``, ``scale_grad_by_freq`` and ``sparse`` (accepted; the gradient is dense) as in
    ``embedding``."""
    w = operand(weight)
    if w.ndim != 2:
        raise ValueError(
            f"embedding_bag: weight must be 2-D (num_embeddings, embedding_dim), got shape {tuple(w.shape)}"
        )
    if mode not in MODES:
        raise ValueError(f"embedding_bag: mode must be one of {MODES}, got {mode!r}")
    indices = embedding_indices("embedding_bag", input, w.shape[0])
    starts, ends = _bags(indices, offsets, include_last_offset)
    flat = indices.reshape(-1)
    padding_idx = padding_index("embedding_bag", padding_idx, w.shape[0])
    if max_norm is not None:
        renorm_rows_(w, flat, max_norm, norm_type)
    rows = Embedding.apply(
        w, indices=flat, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq)
    )
    if per_sample_weights is not None:
        rows = rows * _sample_weights(per_sample_weights, indices, mode)[:, None]

    kept = np.ones(flat.size, bool) if padding_idx is None else flat != padding_idx
    counts, slots = _slots(starts, ends, kept)
    filler = np.finfo(w.dtype).min if mode == "max" else 0.0
    block = getitem(cat([rows, wrap(np.full((1, w.shape[1]), filler, w.dtype))], 0), slots)
    if mode == "max":
        return where(counts[:, None] > 0, block.amax(1), wrap(np.zeros((), w.dtype)))
    total = block.sum(1)
    if mode == "mean":
        return total / wrap(np.maximum(counts, 1).astype(w.dtype)[:, None])
    return total


def _bags(indices: np.ndarray, offsets: Any, include_last_offset: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each bag's [start, end) in the flattened input."""
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "embedding_bag: if input is 2D, then offsets has to be None, as input is treated as a "
                f"mini-batch of fixed length sequences (input of shape {indices.shape}); got offsets"
            )
        length = indices.shape[1]
        starts = np.arange(indices.shape[0], dtype=np.int64) * length
        return starts, starts + length
    if indices.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D, got shape {indices.shape}")
    if offsets is None:
        raise ValueError(
            f"embedding_bag: offsets has to be a 1D tensor of bag starts for a 1D input (shape "
            f"{indices.shape}), got None"
        )
    starts = np.asarray(offsets.array if isinstance(offsets, Tensor) else offsets)
    if starts.ndim != 1 or (starts.size and starts.dtype.kind not in "iu"):
        raise ValueError(
            f"embedding_bag: offsets has to be a 1D integer tensor, got {starts.dtype} {starts.shape}"
        )
    starts = starts.astype(np.int64)
    if starts.size and starts[0] != 0:
        raise ValueError(
            f"embedding_bag: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {starts[0]}"
        )
    if (np.diff(starts) < 0).any() or (starts.size and starts[-1] > indices.size):
        raise ValueError(
            f"embedding_bag: offsets must be non-decreasing and at most len(input) = {indices.size}, got "
            f"{starts.tolist()}"
        )
    if include_last_offset:
        return starts[:-1], starts[1:]
    return starts, np.append(starts[1:], indices.size)


def _slots(starts: np.ndarray, ends: np.ndarray, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries per bag, and the (bags, longest bag) block of row numbers: slot (b, k) reads bag b's k-th
    kept entry, or the filler row (number ``kept.size``) past the bag's end."""
    before = np.concatenate([[0], np.cumsum(kept)])  # kept entries before each position
    counts = before[ends] - before[starts]
    kept_positions = np.append(np.flatnonzero(kept), kept.size)
    k = np.arange(max(int(counts.max(initial=0)), 1))
    picked = kept_positions[np.minimum(before[starts][:, None] + k, kept_positions.size - 1)]
    return counts, np.where(k < counts[:, None], picked, kept.size)


def _sample_weights(per_sample_weights: Any, indices: np.ndarray, mode: str) -> Tensor:
    if mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for "
            f"mode='sum' (got mode='{mode}')"
        )
    weights = operand(per_sample_weights)
    if weights.shape != indices.shape:
        raise ValueError(
            f"embedding_bag: per_sample_weights must have the input's shape {indices.shape}, got "
            f"{tuple(weights.shape)}"
        )
    return weights.reshape(-1)
