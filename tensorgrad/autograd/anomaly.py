"""Anomaly detection: find the op whose backward produced NaN or inf, and where its forward was called.

Inside ``with tg.detect_anomaly():`` every op remembers the ``file:line`` of the user code that called it,
and each gradient the engine computes is checked: two observers (``autograd/observers.py``), in place
exactly while anomaly mode is on. The first non-finite gradient raises ``AnomalyError``
naming the op, which of its inputs got the bad gradient, and that ``file:line``. Off by default: it costs
a stack walk per op and a finiteness check per gradient.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from . import observers
from .grad_mode import ImmediateSwitch, ModeSwitch

enabled = False

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class AnomalyError(RuntimeError):
    """A backward pass produced NaN or inf (raised only under ``detect_anomaly``)."""


class detect_anomaly(ModeSwitch):
    """Context manager / decorator that turns anomaly detection on (``check_nan=True``) or off."""

    module = __name__

    def __init__(self, check_nan: bool = True) -> None:
        super().__init__(check_nan)

    def changed(self) -> None:
        _watch()


class set_detect_anomaly(ImmediateSwitch):
    """Anomaly detection on or off: as a plain call (``tg.autograd.set_detect_anomaly(True)``, at once) or
    in a ``with`` block, as PyTorch's."""

    module = __name__

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        super().__init__(mode)

    def changed(self) -> None:
        _watch()


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    return enabled


def caller_location() -> str:
    """``file:line`` of the innermost stack frame outside the tensorgrad package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def note_location(node: Any) -> None:
    """Observer of new nodes: where in the user's code the op was called."""
    node.location = caller_location()


def check_gradients(node: Any, grad_output: Any, grad_inputs: tuple[Any, ...]) -> None:
    """Observer of backward steps: raise ``AnomalyError`` if a gradient ``node``'s backward returned
    (Tensors or None) is not finite."""
    for position, grad in enumerate(grad_inputs):
        if grad is None:
            continue
        array = grad.array
        if np.issubdtype(array.dtype, np.inexact) and not np.isfinite(array).all():
            kind = "nan" if np.isnan(array).any() else "inf"
            raise AnomalyError(
                f"{node.name} backward returned {kind} values in the gradient for its input {position} "
                f"(shape {array.shape}); that {node.name} was called at {node.location}"
            )


def _watch() -> None:
    """Put anomaly mode's observers in place while it is on, and take them out when it is off."""
    observers.watch(observers.created, note_location, enabled)
    observers.watch(observers.ran, check_gradients, enabled)
