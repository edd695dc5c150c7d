"""PyTorch's ``out=`` keyword for the module-level functions programs use it with (``tg.add(x, y, out=z)``).

``f(..., out=t)`` computes ``f(...)`` and writes the result into ``t``, which it returns. As in PyTorch:

* ``t`` is resized to the result's shape when the shapes differ (its old values are then gone);
* the result is cast to ``t``'s dtype when that stays within the same kind (float64 into float32, int into
  float), else it is an error;
* functions with ``out=`` do not support automatic differentiation: with grad mode on, an argument that
  requires grad is an error (call it under ``tg.no_grad()``, or drop ``out=``).

Without ``out`` the call is the plain function's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .autograd import grad_mode
from .tensor import Tensor, _scaled, legacy_scale_first


def with_out(function: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``function`` with an ``out=`` keyword (see the module docstring)."""
    name = function.__name__

    @functools.wraps(function)
    def call(*args: Any, out: Tensor | None = None, **kwargs: Any) -> Tensor:
        if out is None:
            return function(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"{name}(): out= must be a Tensor, got {type(out).__name__}")
        if grad_mode.enabled and any(
            isinstance(a, Tensor) and a.requires_grad for a in (*args, *kwargs.values(), out)
        ):
            raise RuntimeError(
                f"{name}(): functions with out=... arguments don't support automatic differentiation, but "
                "one of the arguments requires grad. Call it under tg.no_grad(), or drop out= and assign "
                f"the result (z = tg.{name}(...))"
            )
        result = function(*args, **kwargs).array
        if result.shape != out.shape:
            out.array = np.empty(result.shape, out.dtype)  # PyTorch resizes out to the result's shape
        return out._write(f"{name}(out=...)", result)

    return call


@with_out
def add(input: Any, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
    """input + alpha * other, broadcasting."""
    if rest:
        (other,), alpha = legacy_scale_first("add", "other", "alpha", (other, *rest), 1)
    return ops.add(input, other if alpha == 1 else _scaled(other, alpha))


@with_out
def sub(input: Any, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
    """input - alpha * other, broadcasting."""
    if rest:
        (other,), alpha = legacy_scale_first("sub", "other", "alpha", (other, *rest), 1)
    return ops.sub(input, other if alpha == 1 else _scaled(other, alpha))


@with_out
def mul(input: Any, other: Any) -> Tensor:
    """input * other, broadcasting."""
    return ops.mul(input, other)


@with_out
def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other, broadcasting (true division; ``rounding_mode`` 'trunc' or 'floor' rounds it)."""
    return ops.div(input, other, rounding_mode=rounding_mode)


matmul = with_out(ops.matmul)

__all__ = ["add", "div", "matmul", "mul", "sub", "with_out"]
