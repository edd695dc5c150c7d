"""Matrix multiplication: 1-D, 2-D, batched, with numpy's broadcasting of batch dimensions.

For C = A @ B:  dL/dA = dL/dC @ B^T  and  dL/dB = A^T @ dL/dC, each summed back over broadcast batch
dimensions. 1-D operands are promoted to matrices (a row on the left, a column on the right) with
differentiable reshapes, so the one ``MatMul`` node only ever sees matrices.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, lift, operand, operands
from .shape import IndexAdd, broadcast_to, cat, getitem, normalize_axes, permute, reshape, sum_to, unsqueeze


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


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product ``input @ other`` (numpy's ``matmul`` semantics; PyTorch's argument names)."""
    a, b = operands(input, other)
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
        if x.ndim == 2:  # the usual case, with no reshape on the hot path
            y = x @ weight.T
        else:  # rows first: numpy runs a 3-D @ 2-D product as one product per batch entry, 20-30% slower
            rows = x.reshape(math.prod(x.shape[:-1]), x.shape[-1])
            y = (rows @ weight.T).reshape((*x.shape[:-1], weight.shape[0]))
        if bias is not None:
            y += bias
        return y

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = self.inputs[0], self.inputs[1]
        rows_g = _rows(g)
        grads = [
            reshape(rows_g @ weight, x.shape) if x.requires_grad else None,
            rows_g.mT @ _rows(x) if weight.requires_grad else None,
        ]
        if len(self.inputs) == 3:
            grads.append(rows_g.sum(axis=0) if self.inputs[2].requires_grad else None)
        return tuple(grads)


def _rows(t: Tensor) -> Tensor:
    """t with its batch dimensions flattened into rows: (..., features) -> (rows, features)."""
    return t if t.ndim == 2 else reshape(t, (math.prod(t.shape[:-1]), t.shape[-1]))


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


# ---------------------------------------------------------------------------- products under PyTorch's names
def _check_dims(op: str, x: Tensor, ndim: int, name: str) -> None:
    if x.ndim != ndim:
        raise ValueError(f"{op}: {name} must be {ndim}-D, got shape {x.shape}")


def mm(input: Any, mat2: Any) -> Tensor:
    """The product of two matrices (2-D only; ``matmul`` broadcasts)."""
    a, b = operands(input, mat2)
    _check_dims("mm", a, 2, "input")
    _check_dims("mm", b, 2, "mat2")
    return matmul(a, b)


def bmm(input: Any, mat2: Any) -> Tensor:
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p), without broadcasting."""
    a, b = operands(input, mat2)
    _check_dims("bmm", a, 3, "input")
    _check_dims("bmm", b, 3, "mat2")
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"bmm: batch sizes differ: {a.shape} @ {b.shape}")
    return matmul(a, b)


def mv(input: Any, vec: Any) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,)."""
    a, b = operands(input, vec)
    _check_dims("mv", a, 2, "input")
    _check_dims("mv", b, 1, "vec")
    return matmul(a, b)


def dot(input: Any, other: Any) -> Tensor:
    """The inner product of two 1-D tensors of equal length: sum_i a_i b_i."""
    a, b = operands(input, other)
    _check_dims("dot", a, 1, "input")
    _check_dims("dot", b, 1, "other")
    return matmul(a, b)


def outer(input: Any, vec2: Any) -> Tensor:
    """The outer product of two 1-D tensors: out[i, j] = a_i b_j."""
    a, b = operands(input, vec2)
    _check_dims("outer", a, 1, "input")
    _check_dims("outer", b, 1, "vec2")
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), ``input`` broadcast to the product's shape."""
    product = mm(mat1, mat2)
    product = product if alpha == 1 else product * alpha
    return product + (input if beta == 1 else operand(input) * beta)


def kron(input: Any, other: Any) -> Tensor:
    """The Kronecker product: out[i*m + k, ...] = a[i, ...] b[k, ...] (the shorter shape padded by ones)."""
    a, b = operands(input, other)
    ndim = max(a.ndim, b.ndim)
    a = reshape(a, (1,) * (ndim - a.ndim) + a.shape)
    b = reshape(b, (1,) * (ndim - b.ndim) + b.shape)
    spread_a = reshape(a, tuple(d for n in a.shape for d in (n, 1)))
    spread_b = reshape(b, tuple(d for n in b.shape for d in (1, n)))
    return reshape(spread_a * spread_b, tuple(m * n for m, n in zip(a.shape, b.shape)))


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of ``input`` over dims ``dim1``, ``dim2`` (``offset`` > 0 above it), as a last dimension;
    its gradient goes back onto the diagonal."""
    x = operand(input)
    if x.ndim < 2:
        raise ValueError(f"diagonal: needs at least 2 dimensions, got shape {x.shape}")
    d1, d2 = (normalize_axes(d, x.ndim, "diagonal")[0] for d in (dim1, dim2))
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
    rest = [d for d in range(x.ndim) if d not in (d1, d2)]
    moved = permute(x, (*rest, d1, d2))
    rows, cols = moved.shape[-2:]
    start_row, start_col = max(-offset, 0), max(offset, 0)
    length = max(min(rows - start_row, cols - start_col), 0)
    steps = np.arange(length)
    return getitem(moved, (Ellipsis, steps + start_row, steps + start_col))


_diagonal = diagonal  # diag's argument is named diagonal too


def diag(input: Any, diagonal: int = 0) -> Tensor:
    """PyTorch's ``diag``: a 1-D input becomes a square matrix with it on diagonal ``diagonal``; a 2-D input
    gives that diagonal as a 1-D tensor."""
    x = operand(input)
    if x.ndim == 2:
        return _diagonal(x, diagonal)
    if x.ndim != 1:
        raise ValueError(f"diag: expects a 1-D or 2-D tensor, got shape {x.shape}")
    n = x.shape[0] + abs(diagonal)
    steps = np.arange(x.shape[0])
    index = (steps + max(-diagonal, 0), steps + max(diagonal, 0))
    return IndexAdd.apply(x, index=index, shape=(n, n))


def trace(input: Any) -> Tensor:
    """The sum of the main diagonal of a matrix."""
    x = operand(input)
    _check_dims("trace", x, 2, "input")
    return diagonal(x).sum()


def cross(input: Any, other: Any, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (PyTorch's default: the first dimension of size 3;
    ``torch.linalg.cross`` uses -1), the operands broadcast together."""
    a, b = operands(input, other)
    shape = np.broadcast_shapes(a.shape, b.shape)
    if dim is None:
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ValueError(f"cross: no dimension of size 3 in shapes {a.shape} and {b.shape}")
    (d,) = normalize_axes(dim, len(shape), "cross")
    if a.ndim != len(shape) or b.ndim != len(shape) or shape[d] != 3:
        raise ValueError(
            f"cross: needs size 3 along dim {dim} of equal-rank shapes, got {a.shape} and {b.shape}"
        )
    a, b = broadcast_to(a, shape), broadcast_to(b, shape)

    def part(t: Tensor, i: int) -> Tensor:
        return getitem(t, (slice(None),) * d + (slice(i, i + 1),))

    return cat(
        [
            part(a, (i + 1) % 3) * part(b, (i + 2) % 3) - part(a, (i + 2) % 3) * part(b, (i + 1) % 3)
            for i in range(3)
        ],
        d,
    )
