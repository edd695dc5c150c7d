"""Grad mode: whether new operations record a graph.

``no_grad()`` switches recording off (inference, optimizer updates, the engine's own backward pass);
``enable_grad()`` switches it back on inside a ``no_grad`` block. Both work as context managers and as
decorators. The flag is a module attribute that ``Function.apply`` reads once per op.
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

enabled = True


def is_grad_enabled() -> bool:
    """True when new operations record a graph for backward."""
    return enabled


class ModeSwitch:
    """Sets the module flag ``module.flag`` to ``mode`` for a ``with`` block, or for every call of a
    decorated function, and restores the previous value afterwards (also when an exception escapes)."""

    module = __name__
    flag = "enabled"

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self.previous: list[bool] = []

    def __enter__(self) -> None:
        module = sys.modules[self.module]
        self.previous.append(getattr(module, self.flag))
        setattr(module, self.flag, self.mode)

    def __exit__(self, *exc: object) -> None:
        setattr(sys.modules[self.module], self.flag, self.previous.pop())

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with copy.copy(self):  # a fresh switch per call: recursion and threads keep their own stacks
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def __copy__(self) -> ModeSwitch:
        clone = object.__new__(type(self))
        clone.mode, clone.previous = self.mode, []
        return clone


class set_grad_enabled(ModeSwitch):
    """Turn graph recording on or off: ``with tg.set_grad_enabled(is_training): ...``."""


class no_grad(set_grad_enabled):
    """Disable graph recording: ``with tg.no_grad(): ...`` or ``@tg.no_grad()``."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Re-enable graph recording inside a ``no_grad`` block; also a decorator."""

    def __init__(self) -> None:
        super().__init__(True)
