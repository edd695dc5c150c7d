"""Parameters as one flat vector and back (PyTorch's ``torch.nn.utils.parameters_to_vector`` and
``vector_to_parameters``), e.g. for line searches, loss-surface pictures or evolution strategies."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..autograd.function import mark_modified
from ..ops import cat, reshape
from ..tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and joined in order: [p0.ravel(), p1.ravel(), ...] (differentiable)."""
    return cat([reshape(p, (-1,)) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive pieces of ``vec`` into the parameters, each reshaped to its parameter's shape (the
    inverse of ``parameters_to_vector``). The values are written in place, outside the graph."""
    params = list(parameters)
    values = np.asarray(vec.array if isinstance(vec, Tensor) else vec)
    needed = sum(p.array.size for p in params)
    if values.ndim != 1 or values.size != needed:
        raise ValueError(
            f"vector_to_parameters: the vector has {values.size} elements (shape {values.shape}), the "
            f"parameters {needed}; expected a 1-D vector such as parameters_to_vector gives"
        )
    start = 0
    for p in params:
        size = p.array.size
        p.array[...] = values[start : start + size].reshape(p.shape)
        mark_modified(p)
        start += size
