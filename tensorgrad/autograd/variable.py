"""``Variable``: PyTorch's wrapper from before tensors carried gradients, kept so old tutorials port.

``Variable(t, requires_grad=True)`` is a new leaf sharing ``t``'s values (``t.detach().requires_grad_()``),
and ``isinstance(t, Variable)`` holds for every Tensor, as in PyTorch today.
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: a new leaf on the tensor's values (a Tensor itself)."""

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # type: ignore[misc]
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
