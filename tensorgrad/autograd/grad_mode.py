"""Grad mode: whether new operations record a graph.

``no_grad()`` switches recording off (inference, optimizer updates, the engine's own backward pass);
``enable_grad()`` switches it back on inside a ``no_grad`` block. Both work as context managers and as
decorators. The flag is a module attribute that ``Function.apply`` reads once per op.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

enabled = True


def is_grad_enabled() -> bool:
    """True when new operations record a graph for backward."""
    return enabled


class set_grad_enabled:
    """Context manager / decorator that sets grad mode to ``mode`` and restores the old one on exit."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self.previous: list[bool] = []

    def __enter__(self) -> None:
        global enabled
        self.previous.append(enabled)
        enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        global enabled
        enabled = self.previous.pop()

    def __call__(self, func: F) -> F:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(set_grad_enabled):
    """Disable graph recording: ``with tg.no_grad(): ...`` or ``@tg.no_grad()``."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Re-enable graph recording inside a ``no_grad`` block; also a decorator."""

    def __init__(self) -> None:
        super().__init__(True)
