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
        self.changed()

    def __exit__(self, *exc: object) -> None:
        setattr(sys.modules[self.module], self.flag, self.previous.pop())
        self.changed()

    def changed(self) -> None:
        """Called after each change of the flag (anomaly mode puts its observers in place or out)."""

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


class ImmediateSwitch(ModeSwitch):
    """A ``ModeSwitch`` that a plain call also flips, at once and until flipped back, as PyTorch's
    ``set_grad_enabled(False)`` and ``set_detect_anomaly(True)``; ``with`` restores the value from before."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__(mode)
        module = sys.modules[self.module]
        self.before = getattr(module, self.flag)
        setattr(module, self.flag, self.mode)
        self.changed()

    def __enter__(self) -> None:
        module = sys.modules[self.module]
        self.previous.append(getattr(module, self.flag) if self.previous else self.before)
        setattr(module, self.flag, self.mode)
        self.changed()

    def __call__(self, func: F) -> F:
        setattr(sys.modules[self.module], self.flag, self.before)  # a decorator switches per call only
        self.changed()
        return super().__call__(func)

    def __copy__(self) -> ModeSwitch:
        clone = super().__copy__()
        clone.before = getattr(sys.modules[self.module], self.flag)  # type: ignore[attr-defined]
        return clone


class set_grad_enabled(ImmediateSwitch):
    """Turn graph recording on or off: ``with tg.set_grad_enabled(is_training): ...``, or by a plain call
    ``tg.set_grad_enabled(False)``, which switches at once (as in PyTorch)."""


class no_grad(ModeSwitch):
    """Disable graph recording: ``with tg.no_grad(): ...`` or ``@tg.no_grad()``."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(ModeSwitch):
    """Re-enable graph recording inside a ``no_grad`` block; also a decorator."""

    def __init__(self) -> None:
        super().__init__(True)


#: True inside ``inference_mode()`` (``tg.is_inference_mode_enabled()``)
inference = False


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return inference


class inference_mode(ModeSwitch):
    """``no_grad`` for code that only evaluates, under PyTorch's name: ``with tg.inference_mode(): ...``,
    ``@tg.inference_mode()`` (or ``@tg.inference_mode``). ``inference_mode(False)`` switches recording back
    on, as PyTorch's does. tensorgrad has no separate kind of inference tensor: the results are ordinary
    tensors without a graph."""

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # used bare as a decorator, @inference_mode: decorate with inference_mode()
            return cls(True)(mode)
        return super().__new__(cls)

    def __enter__(self) -> None:
        global inference, enabled
        self.previous.append((inference, enabled))
        inference, enabled = self.mode, not self.mode

    def __exit__(self, *exc: object) -> None:
        global inference, enabled
        inference, enabled = self.previous.pop()
