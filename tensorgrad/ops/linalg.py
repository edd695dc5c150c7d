"""Matrix multiplication: 1-D, 2-D, batched, with numpy's broadcasting of batch dimensions.

For C = A @ B:  dL/dA = dL/dC @ B^T  and  dL/dB = A^T @ dL/dC, each summed back over broadcast batch
dimensions. 1-D operands are promoted to matrices (a row on the left, a column on the right) with
differentiable reshapes, so the one ``MatMul`` node only ever sees matrices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, lift, operand
from .elementwise import _pair
from .shape import reshape, sum_to, unsqueeze


class MatMul(Function):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a @ b

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g @ b.mT, a.shape) if a.requires_grad else None,
            sum_to(a.mT @ g, b.shape) if b.requires_grad else None,
        )

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        a, b = (tuple(t.shape) for t in inputs)
        return (
            f"matmul: batch dimensions {a[:-2]} and {b[:-2]} (of shapes {a} @ {b}) do not broadcast "
            "(numpy broadcasting rules)"
        )


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product ``a @ b`` (numpy's ``matmul`` semantics)."""
    a, b = _pair(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: both operands need at least 1 dimension, got shapes {a.shape} @ {b.shape}; "
            "use * to multiply by a scalar"
        )
    inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if a.shape[-1] != inner_b:
        where = "second-to-last" if b.ndim > 1 else "only"
        raise ValueError(
            f"matmul: inner dimensions differ in {a.shape} @ {b.shape}: the last dimension of the left "
            f"operand ({a.shape[-1]}) must equal the {where} dimension of the right ({inner_b}). "
            "Transpose one of them (e.g. b.T) or check the layer sizes."
        )
    if a.ndim > 1 and b.ndim > 1:
        return MatMul.apply(a, b)
    out = MatMul.apply(unsqueeze(a, 0) if a.ndim == 1 else a, unsqueeze(b, -1) if b.ndim == 1 else b)
    shape = out.shape
    if b.ndim == 1:
        shape = shape[:-1]
    if a.ndim == 1:
        shape = shape[:-2] + shape[-1:] if b.ndim > 1 else shape[:-1]
    return reshape(out, shape)


class Dense(Function):
    """y = x W^T + b, the Dense layer as one node (instead of a transpose, a matmul and an add).

    With the batch dimensions of x and g = dL/dy flattened into rows:
    dL/dx = g W,  dL/dW = g^T x,  dL/db = sum of g over the rows.
    """

    def forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
        y = x @ weight.T
        if bias is not None:
            y += bias
        return y

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = self.inputs[0], self.inputs[1]
        rows_g = g if g.ndim == 2 else reshape(g, (-1, g.shape[-1]))
        grads = [
            g @ weight if x.requires_grad else None,
            rows_g.mT @ (x if x.ndim == 2 else reshape(x, (-1, x.shape[-1])))
            if weight.requires_grad
            else None,
        ]
        if len(self.inputs) == 3:
            grads.append(rows_g.sum(axis=0) if self.inputs[2].requires_grad else None)
        return tuple(grads)


def linear(x: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` for x of shape (..., in_features), weight (out_features, in_features)."""
    weight = operand(weight)
    x = lift(x, weight)
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got shape {weight.shape}")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input of shape {x.shape} has {x.shape[-1] if x.ndim else 'no'} features in its last "
            f"dimension, but weight {weight.shape} expects {weight.shape[1]}"
        )
    if bias is None:
        return Dense.apply(x, weight)
    bias = operand(bias)
    if bias.shape != (weight.shape[0],):
        raise ValueError(f"linear: bias must have shape ({weight.shape[0]},), got {bias.shape}")
    return Dense.apply(x, weight, bias)
