"""``tensorgrad.linalg``: the parts of ``torch.linalg`` tensorgrad has (norms, products, ``cross``)."""

from .ops.linalg import cross as _cross
from .ops.linalg import diagonal as _diagonal
from .ops.linalg import matmul, outer
from .ops.norm import linalg_norm as norm
from .ops.norm import matrix_norm, vector_norm
from .tensor import Tensor


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (default -1, unlike ``torch.cross``)."""
    return _cross(input, other, dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix over the last two dimensions (``torch.linalg.diagonal``)."""
    return _diagonal(A, offset, dim1, dim2)


__all__ = ["cross", "diagonal", "matmul", "matrix_norm", "norm", "outer", "vector_norm"]
