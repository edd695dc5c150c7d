"""Transformer layers (Vaswani et al., 2017) with PyTorch's names, submodules and state dict keys:
``TransformerEncoderLayer`` / ``TransformerEncoder``, ``TransformerDecoderLayer`` / ``TransformerDecoder``
and the encoder-decoder ``Transformer``.

An encoder layer is self-attention then a feed-forward block, each wrapped in a residual connection with a
layer norm: after it (``norm_first=False``, the paper's) or before it (``norm_first=True``, the usual choice
for deep models, GPT's). A decoder layer adds attention over the encoder's output (``memory``) in between.

PyTorch runs these layers in evaluation on fused kernels when it can; the results are the same except in
two corners, which tensorgrad reproduces: a query whose keys are all masked gives NaN there (0 otherwise),
and ``TransformerEncoder`` with a ``src_key_padding_mask`` gives 0 at the padded positions (before its
``norm``), as PyTorch's nested-tensor path does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from ..device import check_device
from ..ops.activation import gelu
from ..ops.elementwise import relu
from ..ops.multihead import canonical_mask
from ..tensor import Tensor, operand, wrap
from .activation import GELU, ReLU
from .attention import MultiheadAttention, grad_enabled_for
from .containers import ModuleList
from .dropout import Dropout
from .init import xavier_uniform_
from .layer_norm import LayerNorm
from .linear import Linear
from .module import Module


def _get_activation_fn(activation: str) -> Callable[[Tensor], Tensor]:
    if activation == "relu":
        return relu
    if activation == "gelu":
        return gelu
    raise ValueError(f"activation should be 'relu' or 'gelu' (or a callable), not {activation!r}")


def _get_clones(module: Module, n: int) -> ModuleList:
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _generate_square_subsequent_mask(sz: int, dtype: Any = None) -> Tensor:
    dtype = np.dtype(np.float32 if dtype is None else dtype)
    return wrap(np.triu(np.full((sz, sz), -np.inf, dtype), 1))


def _seq_len(src: Tensor, batch_first: bool) -> int:
    return src.shape[0] if src.ndim == 2 else src.shape[1 if batch_first else 0]


def _detect_is_causal_mask(mask: Tensor | None, is_causal: bool | None, size: int) -> bool:
    """``is_causal`` when given; else whether ``mask`` is the causal mask of ``size`` (PyTorch's rule)."""
    if is_causal is not None or mask is None:
        return is_causal is True
    causal = _generate_square_subsequent_mask(size, mask.dtype).array
    return mask.shape == causal.shape and bool((mask.array == causal).all())


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block (linear1, activation, dropout, linear2), each in a residual
    connection with a layer norm:

        norm_first=False:  x = norm1(x + sa(x));        x = norm2(x + ff(x))
        norm_first=True:   x = x + sa(norm1(x));        x = x + ff(norm2(x))

    ``activation`` is "relu", "gelu" or a callable. Submodules as PyTorch's: ``self_attn``
    (MultiheadAttention), ``linear1``, ``dropout``, ``linear2``, ``norm1``, ``norm2``, ``dropout1``,
    ``dropout2``. ``forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)``: masks as
    ``MultiheadAttention``'s (bool True: masked out).
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        _set_activation(self, activation)

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        src = operand(src)
        op = type(self).__name__
        src_key_padding_mask = canonical_mask(src_key_padding_mask, src.dtype, "src_key_padding_mask", op)
        src_mask = canonical_mask(src_mask, src.dtype, "src_mask", op)
        fused = self._fused_inference(src)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal, fused)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal, fused))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(
        self, x: Tensor, attn_mask: Any, key_padding_mask: Any, is_causal: bool, fused: bool = False
    ) -> Tensor:
        if fused:  # PyTorch's fused layer: the same attention, NaN for a query with every key masked
            out = self.self_attn._attend(
                x, x, x, key_padding_mask, need_weights=False, attn_mask=attn_mask, average_attn_weights=True,
                is_causal=is_causal, nan_rows=True,
            )  # fmt: skip
        else:
            out = self.self_attn(
                x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                is_causal=is_causal,
            )  # fmt: skip
        return self.dropout1(out[0])

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _fused_inference(self, src: Tensor) -> bool:
        """Whether PyTorch would run this call on its fused inference kernel (``_transformer_encoder_layer
        _fwd``), the conditions of its ``forward``."""
        attn = self.self_attn
        if src.ndim != 3 or self.training or not attn.batch_first or attn.in_proj_bias is None:
            return False
        if not attn._qkv_same_embed_dim or not self.activation_relu_or_gelu:
            return False
        if self.norm1.eps != self.norm2.eps or attn.num_heads % 2:
            return False
        if any(m._forward_hooks or m._forward_pre_hooks for m in self.modules()):
            return False
        return not grad_enabled_for(src, *_fast_path_parameters(self))


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer`` (deep copies: each its own parameters, all
    starting equal, as in PyTorch), then ``norm`` if given.

    ``forward(src, mask=None, src_key_padding_mask=None, is_causal=None)``; ``is_causal=None`` detects
    whether ``mask`` is the causal mask.
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor and _nested_capable(encoder_layer)
        self.mask_check = mask_check

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        src = operand(src)
        op = type(self).__name__
        src_key_padding_mask = canonical_mask(src_key_padding_mask, src.dtype, "src_key_padding_mask", op)
        mask = canonical_mask(mask, src.dtype, "mask", op)
        first = self.layers[0]
        batch_first = first.self_attn.batch_first if isinstance(first, TransformerEncoderLayer) else False
        keep = self._nested_keep(src, mask, src_key_padding_mask)
        is_causal = _detect_is_causal_mask(mask, is_causal, _seq_len(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(
                output, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask
            )
        if keep is not None:  # PyTorch's nested tensors hold the unpadded positions only: 0 at the others
            output = wrap(np.where(keep[..., None], output.array, output.dtype.type(0)))
        if self.norm is not None:
            output = self.norm(output)
        return output

    def _nested_keep(self, src: Tensor, mask: Tensor | None, padding: Tensor | None) -> np.ndarray | None:
        """The (N, S) positions that are not padding, when PyTorch would run on nested tensors (evaluation,
        batch-first, a key padding mask and no other mask, gradients not needed, ...); else None."""
        first = self.layers[0]
        if (
            not self.use_nested_tensor
            or first.training
            or src.ndim != 3
            or padding is None
            or mask is not None
        ):
            return None
        keep = padding.array == 0
        if getattr(self, "mask_check", True) and not (keep[:, :-1] >= keep[:, 1:]).all():
            return None  # the padding is not all at the end of each sequence
        if grad_enabled_for(src, *_fast_path_parameters(first)):
            return None
        return keep


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's output (``memory``) and a feed-forward block, each in a
    residual connection with a layer norm (after it, or before it with ``norm_first=True``). Submodules as
    PyTorch's: ``self_attn``, ``multihead_attn``, ``linear1``, ``dropout``, ``linear2``, ``norm1``-``norm3``,
    ``dropout1``-``dropout3``.
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, dtype=dtype
        )
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _get_activation_fn(activation) if isinstance(activation, str) else activation

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(
                self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(
                x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            )
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Tensor:
        out = self.self_attn(
            x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
            need_weights=False,
        )  # fmt: skip
        return self.dropout1(out[0])

    def _mha_block(
        self, x: Tensor, mem: Tensor, attn_mask: Any, key_padding_mask: Any, is_causal: bool
    ) -> Tensor:
        out = self.multihead_attn(
            x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
            need_weights=False,
        )  # fmt: skip
        return self.dropout2(out[0])

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer``, then ``norm`` if given.

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)``.
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        tgt = operand(tgt)
        first = self.layers[0]
        batch_first = first.self_attn.batch_first if isinstance(first, TransformerDecoderLayer) else False
        mask = None if tgt_mask is None else operand(tgt_mask)
        tgt_is_causal = _detect_is_causal_mask(mask, tgt_is_causal, _seq_len(tgt, batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(
                output,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder transformer: ``encoder`` (a TransformerEncoder of ``num_encoder_layers`` layers
    and a final LayerNorm) reads ``src``, ``decoder`` (a TransformerDecoder, likewise) reads ``tgt`` and
    attends to the encoder's output. Every parameter with more than one dimension starts xavier-uniform,
    as in PyTorch. ``Transformer.generate_square_subsequent_mask(sz)`` makes the causal mask for ``tgt``.
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = relu,
        custom_encoder: Any = None,
        custom_decoder: Any = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "Transformer")
        settings = (
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
        )
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(*settings, bias=bias, dtype=dtype)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(*settings, bias=bias, dtype=dtype)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        src, tgt = operand(src), operand(tgt)
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_axis] != tgt.shape[batch_axis]):
            raise ValueError(
                f"Transformer: the batch sizes of src {src.shape} and tgt {tgt.shape} must be equal "
                f"(dimension {batch_axis} with batch_first={self.batch_first})"
            )
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ValueError(
                f"Transformer: the last dimension of src {src.shape} and tgt {tgt.shape} must be d_model="
                f"{self.d_model}"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """The (sz, sz) causal mask: -inf above the diagonal (a position may not attend to later ones), 0
        elsewhere; float32 unless ``dtype`` is given."""
        check_device(device, "generate_square_subsequent_mask")
        return _generate_square_subsequent_mask(sz, dtype)

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.ndim > 1:
                xavier_uniform_(p)


# ---------------------------------------------------------------------------- helpers
def _set_activation(layer: Module, activation: str | Callable[[Tensor], Tensor]) -> None:
    """The activation (a string names relu or gelu) and PyTorch's ``activation_relu_or_gelu`` flag (1 for
    relu, 2 for gelu, 0 for anything else), which decides its fused inference path."""
    if isinstance(activation, str):
        activation = _get_activation_fn(activation)
    if activation is relu or isinstance(activation, ReLU):
        layer.activation_relu_or_gelu = 1
    elif activation is gelu or isinstance(activation, GELU):
        layer.activation_relu_or_gelu = 2
    else:
        layer.activation_relu_or_gelu = 0
    layer.activation = activation


def _nested_capable(layer: Module) -> bool:
    """PyTorch's conditions (checked once, in ``TransformerEncoder.__init__``) for its nested-tensor path."""
    if not isinstance(layer, TransformerEncoderLayer) or layer.norm_first:
        return False
    attn = layer.self_attn
    if not attn.batch_first or not attn._qkv_same_embed_dim or attn.in_proj_bias is None:
        return False
    return (
        bool(layer.activation_relu_or_gelu) and layer.norm1.eps == layer.norm2.eps and attn.num_heads % 2 == 0
    )


def _fast_path_parameters(layer: TransformerEncoderLayer) -> tuple[Any, ...]:
    attn = layer.self_attn
    return (
        attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias,
        layer.norm1.weight, layer.norm1.bias, layer.norm2.weight, layer.norm2.bias,
        layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias,
    )  # fmt: skip
