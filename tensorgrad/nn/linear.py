"""Dense (PyTorch's name: Linear): y = x W^T + b, with PyTorch's layout and default initialisation."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.linalg import Dense as DenseOp
from ..ops.linalg import linear
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter


class Dense(Module):
    """Fully connected layer: y = x W^T + b for x of shape (..., in_features).

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,), both drawn from
    U(-1/sqrt(in_features), 1/sqrt(in_features)) as in PyTorch.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype))
        else:
            self.register_parameter("bias", None)
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):  # a numpy array or a list: the op lifts it and checks it
            return linear(x, self.weight, self.bias)
        if not x.shape or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self!r}: expected input with {self.in_features} features in its last dimension, got "
                f"shape {x.shape}" + (" (flatten images first: nn.Flatten())" if x.ndim > 2 else "")
            )
        if self.bias is None:
            return DenseOp.apply(x, self.weight)
        return DenseOp.apply(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to remove a layer from a model)."""

    def forward(self, x: Any) -> Any:
        return x


class Linear(Dense):
    """PyTorch's name for ``Dense`` (the same layer; it prints as ``Linear(...)``)."""

    pytorch_name = True
