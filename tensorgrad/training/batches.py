"""What a data loader is to ``fit`` and ``evaluate``: any re-iterable that yields ``(inputs, targets)`` pairs.

A list of pairs, a ``tensorgrad.data.DataLoader``, or anything with ``__iter__`` that starts over each time
it is iterated (a generator does not: it is spent after the first epoch, and ``fit`` says so). Inputs and
targets are Tensors or numpy arrays (numpy arrays are wrapped without a copy; their dtype is kept); the
batch size is the length of the inputs' first axis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..creation import as_tensor
from ..tensor import Tensor


def unpack(batch: Any, op: str, name: str) -> tuple[Tensor, Tensor, int]:
    """``(inputs, targets, batch size)`` of one batch, or a clear error naming ``op`` and the loader."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        kind = f"a {len(batch)}-tuple" if isinstance(batch, (tuple, list)) else type(batch).__name__
        raise TypeError(f"{op}: {name} must yield (inputs, targets) pairs, got {kind}")
    inputs, targets = as_tensor(batch[0]), as_tensor(batch[1])
    if inputs.ndim == 0:
        raise ValueError(f"{op}: {name} yielded scalar inputs; expected a batch with the samples on axis 0")
    return inputs, targets, inputs.shape[0]


def check_loader(loader: Any, op: str, name: str) -> None:
    """Raise TypeError unless ``loader`` can be iterated."""
    if not isinstance(loader, Iterable) or isinstance(loader, (Tensor, np.ndarray, str)):
        raise TypeError(
            f"{op}: {name} must be an iterable of (inputs, targets) batches (a list of pairs or a "
            f"DataLoader), got {type(loader).__name__}"
        )


def length(loader: Any) -> int | None:
    """The number of batches per pass, when the loader knows it (``len(loader)``), else None."""
    try:
        return len(loader)
    except TypeError:
        return None
