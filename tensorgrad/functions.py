"""PyTorch's module-level spellings of Tensor methods: ``torch.relu_(x)``, ``torch.detach(x)``,
``torch.clamp_min(x, 0)``. Each ``tg.<name>(x, ...)`` is ``x.<name>(...)``: one rule, no second copy of any op
(``tests/test_namespace.py`` checks that every Tensor op PyTorch also has as a function is here or in ops)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .tensor import Tensor, operand

#: the methods PyTorch also offers as ``torch.<name>``, not defined as functions elsewhere in tensorgrad
METHODS = [
    "abs_",
    "ceil_",
    "clamp_",
    "clamp_max",
    "clamp_max_",
    "clamp_min",
    "clamp_min_",
    "clip_",
    "detach",
    "detach_",
    "exp_",
    "fill_",
    "floor_",
    "frac_",
    "get_device",
    "log_",
    "neg_",
    "relu_",
    "round_",
    "sigmoid_",
    "sqrt_",
    "tanh_",
    "trunc_",
    "zero_",
]


def _calls(name: str) -> Callable[..., Any]:
    def function(input: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(operand(input), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``tg.{name}(x, ...)`` is ``x.{name}(...)``: see ``Tensor.{name}``."
    return function


globals().update({name: _calls(name) for name in METHODS})


def arctan2(input: Any, other: Any) -> Tensor:
    """numpy's and PyTorch's other name for ``atan2``."""
    return operand(input).atan2(other)
