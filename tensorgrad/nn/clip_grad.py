"""Gradient clipping, in place on ``p.grad`` (as ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_``).

Call between ``loss.backward()`` and ``optimizer.step()``. Both accept one Tensor or an iterable of them and
skip tensors whose ``grad`` is None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..tensor import Tensor


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[np.ndarray]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad.array for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> np.float64:
    """Rescale the gradients so that their total norm is at most ``max_norm``; return the total norm.

    The total norm is the ``norm_type``-norm of all gradients together, as if concatenated into one vector
    (``norm_type=inf``: the largest absolute value). Every gradient is multiplied by
    ``min(1, max_norm / (total_norm + 1e-6))``, as PyTorch does. The returned norm is the one before
    clipping, as an ``np.float64`` (a Python float with ``.item()``). With ``error_if_nonfinite=True`` a
    total norm of nan or inf raises instead of turning every gradient into nan.
    """
    grads = [g for g in _grads(parameters) if g.size > 0]
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return np.float64(0.0)
    norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) for g in grads], dtype=np.float64)
    total = np.float64(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}, so they "
            "cannot be clipped. Look for the nan/inf (tg.detect_anomaly() helps); set "
            "error_if_nonfinite=False to scale by the non-finite norm anyway"
        )
    scale = min(max_norm / (total + 1e-6), 1.0)
    if scale != 1.0:  # also when it is nan, as PyTorch: the gradients become nan
        for g in grads:
            g *= scale
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element into ``[-clip_value, clip_value]``, in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        np.clip(g, -clip_value, clip_value, out=g)
