"""Embedding lookup (PyTorch's ``F.embedding``): the rows of a weight matrix picked by integer indices.

``out[p] = weight[indices[p]]`` for every position p of ``indices`` (any shape), so the result has shape
``indices.shape + (embedding_dim,)``. Two nodes, each the other's backward:

* ``Embedding`` gathers the rows. Its gradient adds each position's output gradient into the row that
  position read, ``d weight[r] = sum over p with indices[p] = r of s[p] g[p]``: an ``EmbeddingGrad`` node.
  ``s[p]`` is 0 where ``indices[p]`` is ``padding_idx`` (that row learns nothing) and, with
  ``scale_grad_by_freq``, 1 / (how often row ``indices[p]`` occurs in ``indices``); else 1.
* ``EmbeddingGrad`` is that scatter-add (``np.add.at`` into a zero matrix of the weight's shape, computed by
  sorting the positions by row and summing each row's run). It is linear, and its adjoint, hence its
  backward, is the gather again times the same ``s``: so double backward works.

``max_norm`` rescales, before the lookup and in place (outside autograd, as PyTorch's ``embedding_renorm_``),
every row looked up whose ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, mark_modified
from ..tensor import Tensor, operand, wrap


class Embedding(Function):
    """out = weight[indices] (rows), shape indices.shape + (embedding_dim,);  d/dweight = EmbeddingGrad(g)."""

    def forward(
        self, weight: np.ndarray, indices: np.ndarray, padding_idx: int | None, scale_grad_by_freq: bool
    ) -> np.ndarray:
        self.indices, self.padding_idx, self.by_freq = indices, padding_idx, scale_grad_by_freq
        return np.take(weight, indices, axis=0)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        rows = self.inputs[0].shape[0]
        return (
            EmbeddingGrad.apply(
                g,
                indices=self.indices,
                num_embeddings=rows,
                padding_idx=self.padding_idx,
                scale_grad_by_freq=self.by_freq,
            ),
        )


class EmbeddingGrad(Function):
    """g (indices.shape + (D,)) -> (num_embeddings, D), row r = sum over p with indices[p] = r of s[p] g[p]
    (see the module docstring for s). Linear in g; backward: gg[indices] * s, the gather and the same s."""

    def forward(
        self,
        g: np.ndarray,
        indices: np.ndarray,
        num_embeddings: int,
        padding_idx: int | None,
        scale_grad_by_freq: bool,
    ) -> np.ndarray:
        self.indices, by_freq = indices, scale_grad_by_freq
        flat = indices.reshape(-1).astype(np.intp, copy=False)
        scale = _position_scale(flat, num_embeddings, padding_idx, scale_grad_by_freq, g.dtype)
        self.saved = (None if scale is None else scale.reshape(*indices.shape, 1),)
        # a padding row's sum is simply dropped; only the frequency scaling weighs each position
        out = _add_rows(g.reshape(flat.size, g.shape[-1]), flat, num_embeddings, scale if by_freq else None)
        if padding_idx is not None:
            out[padding_idx] = 0
        return out

    def backward(self, gg: Tensor) -> tuple[Tensor | None, ...]:
        (scale,) = self.saved
        picked = Embedding.apply(gg, indices=self.indices, padding_idx=None, scale_grad_by_freq=False)
        return (picked if scale is None else picked * wrap(scale),)


def _position_scale(
    flat: np.ndarray, rows: int, padding_idx: int | None, by_freq: bool, dtype: np.dtype
) -> np.ndarray | None:
    """s[p] per position (see the module docstring), or None where every s[p] is 1."""
    if padding_idx is None and not by_freq:
        return None
    scale = np.ones(flat.size, dtype=dtype)
    if by_freq:
        scale /= np.bincount(flat, minlength=rows)[flat]
    if padding_idx is not None:
        scale[flat == padding_idx] = 0
    return scale


def _add_rows(g: np.ndarray, flat: np.ndarray, rows: int, scale: np.ndarray | None) -> np.ndarray:
    """Zeros (rows, D) with ``scale[p] * g[p]`` added to row ``flat[p]`` for every p: ``np.add.at``'s result,
    computed as one stable sort of the positions by row and one ``np.add.reduceat`` over each row's run
    (numpy's ``add.at`` with row values is several times slower)."""
    out = np.zeros((rows, g.shape[1]), dtype=g.dtype)
    if flat.size == 0:
        return out
    order = np.argsort(flat, kind="stable")  # positions of each row together, in their original order
    ordered = flat[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))  # where each run begins
    values = np.take(g, order, axis=0)
    if scale is not None:
        values *= scale[order, None]
    out[ordered[starts]] = np.add.reduceat(values, starts, axis=0)
    return out


# ---------------------------------------------------------------------------- the function
def embedding(
    input: Any,
    weight: Any,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """PyTorch's ``F.embedding``: the rows of ``weight`` (num_embeddings, embedding_dim) at ``input``, integer
    indices of any shape (a Tensor, a numpy array or a list); the result has shape ``input.shape +
    (embedding_dim,)``. The ``padding_idx`` row (negative counts from the end) gets no gradient;
    ``scale_grad_by_freq`` divides each position's gradient by how often its row occurs in ``input``;
    ``max_norm`` rescales the rows looked up, in place, to a ``norm_type``-norm of at most ``max_norm``.
    ``sparse=True`` is accepted: the gradient has the same values, as a dense array (tensorgrad has no
    sparse tensors)."""
    w = operand(weight)
    if w.ndim != 2:
        raise ValueError(
            f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {tuple(w.shape)}"
        )
    rows = w.shape[0]
    indices = embedding_indices("embedding", input, rows)
    padding_idx = padding_index("embedding", padding_idx, rows)
    if max_norm is not None:
        renorm_rows_(w, indices, max_norm, norm_type)
    return Embedding.apply(
        w, indices=indices, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq)
    )


def embedding_indices(op: str, input: Any, rows: int) -> np.ndarray:
    """``input`` as a numpy integer array, every value in [0, rows)."""
    indices = np.asarray(input.array if isinstance(input, Tensor) else input)
    if indices.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: indices must be integers (int64 or int32, as PyTorch's LongTensor or IntTensor), got "
            f"dtype {indices.dtype} of shape {indices.shape}"
        )
    if indices.size:
        low, high = indices.min(), indices.max()
        if low < 0 or high >= rows:
            bad = low if low < 0 else high
            raise IndexError(
                f"{op}: index {bad} is out of range for an embedding of num_embeddings={rows} rows; indices "
                f"must lie in [0, {rows}) (indices of shape {indices.shape})"
            )
    return indices


def padding_index(op: str, padding_idx: Any, rows: int) -> int | None:
    """``padding_idx`` in [0, rows) (a negative one counts from the end), or None."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"{op}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -rows <= padding_idx < rows:
        raise ValueError(
            f"{op}: padding_idx={padding_idx} must lie within num_embeddings={rows} (in [{-rows}, {rows}))"
        )
    return int(padding_idx) % rows


def renorm_rows_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``, in place and outside autograd: every row of ``weight`` in ``indices``
    whose ``norm_type``-norm exceeds ``max_norm`` is multiplied by ``max_norm / (norm + 1e-7)``."""
    rows = np.unique(indices)
    array = weight.array
    norms = np.linalg.norm(array[rows], ord=norm_type, axis=1).astype(np.float64)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(array.dtype)
        array[rows[over]] *= scale[:, None]
        mark_modified(weight)  # a graph that read the old rows can no longer backpropagate
