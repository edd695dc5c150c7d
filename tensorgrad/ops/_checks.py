"""The argument checks of the losses, shared by ``ops/loss.py``, ``ops/loss_extra.py`` and ``nn/loss.py``.

Each input is checked once, at the loss function's entry (the layers of ``nn/loss.py`` pass their inputs on
unchecked; the graph nodes trust what reaches them). A check raises where the mistake is visible, naming the
loss, the shapes and the fix; when the arguments are fine it returns them in the form the loss computes with
(a Tensor, a class axis, an array of weights).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, operand

REDUCTIONS = ("mean", "sum", "none")


def reduction(op: str, value: str, allowed: tuple[str, ...] = REDUCTIONS) -> None:
    """``value`` is one of the ``allowed`` reductions (``kl_div`` also allows 'batchmean')."""
    if value not in allowed:
        names = ", ".join(repr(name) for name in allowed[:-1])
        raise ValueError(f"{op}: reduction must be {names} or {allowed[-1]!r}, got {value!r}")


# ---------------------------------------------------------------------------- input and target of one shape
def same_shape(op: str, input: Any, target: Any) -> tuple[Tensor, Tensor]:
    """Input and target as Tensors of the same floating dtype and shape. Different shapes are refused, not
    broadcast: predictions (N, 1) against targets (N,) would compare every prediction with every target."""
    x, y = operand(input), operand(target)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {x.dtype}")
    if x.shape != y.shape:
        raise ValueError(
            f"{op}: input of shape {x.shape} and target of shape {y.shape} differ. Broadcasting them would "
            "compare every input with every target, silently; reshape one to the other's shape "
            "(e.g. input.squeeze(-1) or target.reshape(input.shape))"
        )
    if y.dtype != x.dtype:
        y = y.astype(x.dtype)
    return x, y


def broadcasts_to_input(op: str, name: str, value: Any, x: Tensor) -> np.ndarray | None:
    """``weight`` / ``pos_weight`` as an array of the input's dtype that broadcasts to the input's shape."""
    if value is None:
        return None
    v = np.asarray(value.array if isinstance(value, Tensor) else value, dtype=x.dtype)
    try:
        fits = np.broadcast_shapes(v.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: {name} of shape {v.shape} does not broadcast to the input's shape {x.shape} "
            "(aligned from the right, each dimension must match or be 1)"
        )
    return v


def unit_interval(op: str, x: Tensor) -> None:
    """Every value of ``x`` is a probability in [0, 1] (binary_cross_entropy's input)."""
    if not np.all((x.array >= 0) & (x.array <= 1)):
        raise ValueError(
            f"{op}: input values must be probabilities in [0, 1], got values in "
            f"[{np.nanmin(x.array)}, {np.nanmax(x.array)}]{' (and nan)' if np.isnan(x.array).any() else ''}. "
            "Apply sigmoid first, or pass the logits to binary_cross_entropy_with_logits (more stable)."
        )


# ---------------------------------------------------------------------------- classification
def class_input(op: str, input: Any) -> tuple[Tensor, int]:
    """The input as a floating Tensor of rank >= 1, and its class axis (1, or 0 for shape (C,))."""
    x = operand(input)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {x.dtype} (shape {x.shape})")
    if x.ndim == 0:
        raise ValueError(
            f"{op}: input must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...), "
            "got a 0-d tensor"
        )
    return x, 1 if x.ndim >= 2 else 0


def label_smoothing(value: float) -> None:
    """cross_entropy's ``label_smoothing`` eps is in [0, 1]."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {value}")


def class_weight(op: str, weight: Any, x: Tensor, axis: int) -> np.ndarray | None:
    """One weight per class, as an array of the input's dtype (None: no weights)."""
    if weight is None:
        return None
    w = np.asarray(weight.array if isinstance(weight, Tensor) else weight, dtype=x.dtype)
    classes = x.shape[axis]
    if w.shape != (classes,):
        raise ValueError(
            f"{op}: weight of shape {w.shape} does not fit input of shape {x.shape}, which has {classes} "
            f"classes (dimension {axis}): expected one weight per class, shape ({classes},)"
        )
    return w


def class_indices(
    op: str, x: Tensor, target: np.ndarray, axis: int, ignore_index: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Validated class indices: (labels, with ignored samples pointing at class 0; mask of the samples that
    count, None when all do)."""
    expected = _samples_shape(x, axis)
    if target.dtype.kind not in "iu":
        what = (
            f"{op}: target of shape {target.shape} and dtype {target.dtype} holds no class indices: class "
            f"indices must be integers of shape {expected} (convert with target.long() or .astype(int))"
        )
        if op == "cross_entropy":
            what += f"; class probabilities must be floats of the input's shape {x.shape}"
        raise TypeError(what)
    if target.shape != expected:
        _wrong_indices_shape(op, x, target, expected)
    if target.size == 0:
        return target.astype(np.intp, copy=False), None
    classes = x.shape[axis]
    low, high = target.min(), target.max()
    valid = target != ignore_index if low <= ignore_index <= high else None
    if valid is not None and valid.all():
        valid = None
    if low < 0 or high >= classes:
        wrong = (target < 0) | (target >= classes)
        if valid is not None:
            wrong &= valid
        if wrong.any():
            raise ValueError(
                f"{op}: target label {target[wrong].flat[0]} is out of range for {classes} classes: labels "
                f"must be in [0, {classes}) (or equal ignore_index={ignore_index})"
            )
    if valid is None:
        return target.astype(np.intp, copy=False), None
    return np.where(valid, target, 0).astype(np.intp, copy=False), valid


def _wrong_indices_shape(op: str, x: Tensor, target: np.ndarray, expected: tuple[int, ...]) -> None:
    if target.shape == x.shape and op == "cross_entropy":
        raise ValueError(
            f"cross_entropy: integer target of shape {target.shape} has the input's shape: for class indices "
            f"pass shape {expected}; for one-hot class probabilities convert the target to float"
        )
    if x.ndim >= 2 and target.ndim >= 1 and target.shape[0] != x.shape[0]:
        raise ValueError(
            f"{op}: batch size mismatch: input of shape {x.shape} has {x.shape[0]} samples, target of "
            f"shape {target.shape} has {target.shape[0]}"
        )
    raise ValueError(
        f"{op}: target of shape {target.shape} does not fit input of shape {x.shape}: expected class indices "
        f"of shape {expected}"
    )


def class_probabilities(x: Tensor, target: np.ndarray, axis: int, ignore_index: int) -> None:
    """A float target of cross_entropy holds class probabilities: the input's shape, no ignore_index."""
    if target.shape != x.shape:
        samples = _samples_shape(x, axis)
        if target.shape == samples:
            raise TypeError(
                f"cross_entropy: float target of shape {target.shape} looks like class indices, but class "
                f"indices must be integers (convert with target.long() or .astype(int)); class probabilities "
                f"must have the input's shape {x.shape}"
            )
        raise ValueError(
            f"cross_entropy: target of shape {target.shape} does not fit input of shape {x.shape}: class "
            f"probabilities (floats, one-hot included) must have the input's shape {x.shape}, class indices "
            f"(integers) shape {samples}"
        )
    if ignore_index >= 0:
        raise ValueError(
            f"cross_entropy: ignore_index ({ignore_index}) is not supported with class-probability "
            "targets (float target of the input's shape); pass class indices to ignore samples"
        )


def _samples_shape(x: Tensor, axis: int) -> tuple[int, ...]:
    return x.shape[:axis] + x.shape[axis + 1 :]
