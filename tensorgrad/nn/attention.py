"""MultiheadAttention: attention over ``num_heads`` heads, with PyTorch's parameters, layouts and masks."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import grad_mode
from ..device import check_device
from ..ops.multihead import multi_head_attention
from ..tensor import Tensor
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """PyTorch's name for the output projection of ``MultiheadAttention``: a ``Linear`` (the name only keeps
    the printed model and the state dict as PyTorch's)."""

    pytorch_name = True


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al., 2017): the query, key and value are projected, split into
    ``num_heads`` heads of ``embed_dim // num_heads``, each head attends (softmax(q k^T / sqrt(head_dim)) v),
    and the heads are joined and projected by ``out_proj``.

    Parameters as PyTorch's: ``in_proj_weight`` (3 * embed_dim, embed_dim) holding the query, key and value
    projections (xavier-uniform) and ``in_proj_bias`` (zeros); with ``kdim`` or ``vdim`` different from
    ``embed_dim``, ``q_proj_weight``, ``k_proj_weight`` (embed_dim, kdim) and ``v_proj_weight``
    (embed_dim, vdim) instead; ``out_proj`` a Linear (its bias zeroed). ``add_bias_kv`` adds a learned key
    and value ``bias_k``, ``bias_v`` (1, 1, embed_dim) to every sequence; ``add_zero_attn`` a key and value
    of zeros. ``dropout`` drops attention weights in training mode.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` -> (output, weights or None). Inputs are (L, N, E)
    (``batch_first=True``: (N, L, E)) or one unbatched sequence (L, E). ``attn_mask`` (L, S) or
    (N * num_heads, L, S) and ``key_padding_mask`` (N, S) take bool (True: masked out, PyTorch's convention
    here) or float (added to the scores) values. ``weights`` are averaged over the heads, (N, L, S), unless
    ``average_attn_weights=False``: (N, num_heads, L, S).
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "MultiheadAttention")
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got embed_dim="
                f"{embed_dim} and num_heads={num_heads}"
            )
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim must be divisible by num_heads (each head takes "
                f"embed_dim // num_heads features), got embed_dim={embed_dim} and num_heads={num_heads}"
            )
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.register_parameter("in_proj_weight", None)
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dtype))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dtype))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dtype))
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * embed_dim, dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, embed_dim), dtype))
            self.bias_v = Parameter(np.empty((1, 1, embed_dim), dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        nan_rows = self._fused_inference(query, key, value, key_padding_mask, attn_mask)
        return self._attend(
            query,
            key,
            value,
            key_padding_mask,
            need_weights,
            attn_mask,
            average_attn_weights,
            is_causal,
            nan_rows,
        )

    def _attend(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None,
        need_weights: bool,
        attn_mask: Tensor | None,
        average_attn_weights: bool,
        is_causal: bool,
        nan_rows: bool,
    ) -> tuple[Tensor, Tensor | None]:
        separate = not self._qkv_same_embed_dim
        return multi_head_attention(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            use_separate_proj_weight=separate,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
            batch_first=self.batch_first,
            nan_rows=nan_rows,
            op=type(self).__name__,
        )

    def _fused_inference(
        self, query: Any, key: Any, value: Any, key_padding_mask: Any, attn_mask: Any
    ) -> bool:
        """Whether PyTorch would run this call on its fused inference kernel, whose only visible difference
        is that a query with every key masked gives NaN (its ``scaled_dot_product_attention`` gives 0)."""
        floats = [
            m for m in (key_padding_mask, attn_mask) if m is not None and np.dtype(_dtype(m)).kind == "f"
        ]
        if floats or self.training or not (query is key and key is value) or _ndim(query) != 3:
            return False
        if self.num_heads % 2 or not self.batch_first or self.bias_k is not None or self.add_zero_attn:
            return False
        if not self._qkv_same_embed_dim or self.in_proj_bias is None:
            return False
        params = (self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)
        return not grad_enabled_for(query, *params)


def grad_enabled_for(*tensors: Any) -> bool:
    """Grad mode is on and one of ``tensors`` requires grad (PyTorch then leaves its fused inference path)."""
    return grad_mode.enabled and any(isinstance(t, Tensor) and t.requires_grad for t in tensors)


def _dtype(value: Any) -> Any:
    return value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype


def _ndim(value: Any) -> int:
    return value.ndim if hasattr(value, "ndim") else np.ndim(value)
