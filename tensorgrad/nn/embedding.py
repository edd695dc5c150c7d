"""Embedding and EmbeddingBag: a lookup table of vectors, one row per index, with PyTorch's arguments, layout
and init; EmbeddingBag reduces each bag of looked-up rows to one (sum, mean or max)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_device
from ..ops.embedding import embedding, padding_index
from ..ops.embedding_bag import MODES, embedding_bag
from ..tensor import Tensor, get_default_dtype
from . import init
from .module import Module
from .parameter import Parameter


class _Table(Module):
    """What Embedding and EmbeddingBag share: the (num_embeddings, embedding_dim) ``weight``, drawn from
    N(0, 1) with the ``padding_idx`` row zeroed as in PyTorch, or ``_weight`` copied as it is (not
    re-initialised), and the check of ``from_pretrained``'s table. Errors name the layer's class."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None,
        _weight: Any,
        requires_grad: bool,
        device: Any,
        dtype: Any,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = padding_index(name, padding_idx, self.num_embeddings)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
            self.weight = Parameter(np.empty(shape, dtype), requires_grad=requires_grad)
            self.reset_parameters()
        else:
            self.weight = Parameter(_weight, requires_grad=requires_grad)
            if tuple(self.weight.shape) != shape:
                raise ValueError(
                    f"{name}: _weight has shape {tuple(self.weight.shape)}, expected (num_embeddings, "
                    f"embedding_dim) = {shape}"
                )

    def reset_parameters(self) -> None:
        """N(0, 1), the ``padding_idx`` row zeroed (PyTorch's default)."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.array[self.padding_idx] = 0

    @classmethod
    def _pretrained_shape(cls, embeddings: Any) -> tuple[int, int]:
        """``from_pretrained``'s table must be 2-D: its (num_embeddings, embedding_dim)."""
        table = np.asarray(embeddings.array if isinstance(embeddings, Tensor) else embeddings)
        if table.ndim != 2:
            raise ValueError(
                f"{cls.__name__}.from_pretrained: embeddings must be 2-D (num_embeddings, embedding_dim), "
                f"got shape {table.shape}"
            )
        return table.shape

    def _lookup_repr(self) -> str:
        """The repr of the lookup's settings both layers have, where they differ from the defaults."""
        text = ""
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return text


class Embedding(_Table):
    """out[..., :] = weight[index] for integer indices of any shape: (*) -> (*, embedding_dim).

    ``weight`` is (num_embeddings, embedding_dim), drawn from N(0, 1) with the ``padding_idx`` row zeroed, as
    in PyTorch; that row receives no gradient (negative ``padding_idx`` counts from the end). ``max_norm``
    rescales the rows looked up, in place, to a ``norm_type``-norm of at most ``max_norm``;
    ``scale_grad_by_freq`` divides each row's gradient by how often it occurs in the batch. ``sparse=True``
    is accepted, for PyTorch code: the gradient has the same values, as a dense array (tensorgrad has no
    sparse tensors). ``_weight`` gives the initial table (copied; it is not
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
        super().__init__(num_embeddings, embedding_dim, padding_idx, _weight, not _freeze, device, dtype)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse

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
        return cls(
            *cls._pretrained_shape(embeddings),
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
        text += self._lookup_repr()
        if self.sparse is not False:
            text += ", sparse=True"
        return text


class EmbeddingBag(_Table):
    """The sum, mean (default) or max of the embedding rows of each bag of indices (PyTorch's
    ``nn.EmbeddingBag``; the equations are in ``tensorgrad/ops/embedding_bag.py``): ``forward(input,
    offsets=None, per_sample_weights=None)`` with a 1-D ``input`` and the bags' start ``offsets``, or a 2-D
    ``input`` of one bag per row, gives (bags, embedding_dim). ``weight`` (num_embeddings, embedding_dim) is
    drawn from N(0, 1), the ``padding_idx`` row zeroed; entries equal to ``padding_idx`` are left out of
    their bag (a mean divides by the entries left). ``per_sample_weights`` weigh the rows (mode "sum").
    ``sparse=True`` is accepted; the gradient is dense (see ``Embedding``).

    The text classifier of PyTorch's "Text classification with the torchtext library" tutorial is
    ``EmbeddingBag(vocab_size, embed_dim)`` then ``Linear(embed_dim, num_class)``, called as
    ``model(text, offsets)``.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"EmbeddingBag: mode must be one of {MODES}, got {mode!r}")
        super().__init__(num_embeddings, embedding_dim, padding_idx, _weight, True, device, dtype)
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset

    def forward(self, input: Any, offsets: Any = None, per_sample_weights: Any = None) -> Tensor:
        try:
            return embedding_bag(
                input,
                self.weight,
                offsets,
                self.max_norm,
                self.norm_type,
                self.scale_grad_by_freq,
                self.mode,
                self.sparse,
                per_sample_weights,
                self.include_last_offset,
                self.padding_idx,
            )
        except (ValueError, IndexError, TypeError, NotImplementedError) as err:
            raise type(err)(f"{self!r}: {err}") from None

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag whose table is ``embeddings`` (num_embeddings, embedding_dim), copied as it is;
        ``freeze=True`` keeps it from learning."""
        bag = cls(
            *cls._pretrained_shape(embeddings),
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            mode=mode,
            sparse=sparse,
            _weight=embeddings,
            include_last_offset=include_last_offset,
            padding_idx=padding_idx,
        )
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}" + self._lookup_repr()
        text += f", mode='{self.mode}'"  # PyTorch's repr, which leaves out include_last_offset and sparse
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
