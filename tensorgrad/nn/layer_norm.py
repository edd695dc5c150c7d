"""Layer normalisation: LayerNorm normalises each sample over its last dimensions (PyTorch's layout)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_device
from ..ops.layer_norm import _normalized_shape, layer_norm
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, with the mean and (biased) variance of each sample
    over its last ``len(normalized_shape)`` dimensions, which must be ``normalized_shape``.

    ``weight`` (ones) and ``bias`` (zeros) have shape ``normalized_shape`` when ``elementwise_affine``;
    ``bias=False`` leaves the bias out. Training and evaluation compute the same thing. As in PyTorch.
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device, "LayerNorm")
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        self.normalized_shape = _normalized_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            self.weight.array[...] = 1
        if self.bias is not None:
            self.bias.array[...] = 0

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
