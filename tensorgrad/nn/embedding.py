"""Embedding: a lookup table of vectors, one row per index, with PyTorch's arguments, layout and init."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_device
from ..ops.embedding import embedding, padding_index
from ..tensor import Tensor, get_default_dtype
from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """out[..., :] = weight[index] for integer indices of any shape: (*) -> (*, embedding_dim).

    ``weight`` is (num_embeddings, embedding_dim), drawn from N(0, 1) with the ``padding_idx`` row zeroed, as
    in PyTorch; that row receives no gradient (negative ``padding_idx`` counts from the end). ``max_norm``
    rescales the rows looked up, in place, to a ``norm_type``-norm of at most ``max_norm``;
    ``scale_grad_by_freq`` divides each row's gradient by how often it occurs in the batch. ``sparse=True``
    is refused (tensorgrad's gradients are dense). ``_weight`` gives the initial table (copied; it is not
    re-initialised) and ``_freeze=True`` makes it a parameter that does not require grad.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "Embedding")
        if sparse:
            raise NotImplementedError(
                "Embedding: sparse=True is not supported: tensorgrad has no sparse gradients; use "
                "sparse=False (the same gradient values, as a dense (num_embeddings, embedding_dim) array)"
            )
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = padding_index("Embedding", padding_idx, self.num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
            self.weight = Parameter(np.empty(shape, dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            self.weight = Parameter(_weight, requires_grad=not _freeze)
            if tuple(self.weight.shape) != shape:
                raise ValueError(
                    f"Embedding: _weight has shape {tuple(self.weight.shape)}, expected (num_embeddings, "
                    f"embedding_dim) = {shape}"
                )

    def reset_parameters(self) -> None:
        """N(0, 1), the ``padding_idx`` row zeroed (PyTorch's default)."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.array[self.padding_idx] = 0

    def forward(self, input: Any) -> Tensor:
        try:
            return embedding(
                input,
                self.weight,
                self.padding_idx,
                self.max_norm,
                self.norm_type,
                self.scale_grad_by_freq,
                self.sparse,
            )
        except (ValueError, IndexError, TypeError) as err:
            raise type(err)(f"{self!r}: {err}") from None

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose table is ``embeddings`` (num_embeddings, embedding_dim), copied as it is (the
        ``padding_idx`` row is not zeroed, as in PyTorch); ``freeze=True`` keeps it from learning."""
        table = np.asarray(embeddings.array if isinstance(embeddings, Tensor) else embeddings)
        if table.ndim != 2:
            raise ValueError(
                f"Embedding.from_pretrained: embeddings must be 2-D (num_embeddings, embedding_dim), got "
                f"shape {table.shape}"
            )
        return cls(
            *table.shape,
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return text
