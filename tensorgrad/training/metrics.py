"""Metrics: ``accuracy``, the accumulators that add metrics up over batches, and the "auto" rule.

``accuracy(outputs, targets)`` is the fraction of samples whose predicted class is the target class:

* class scores ``outputs`` of shape (N, C) (logits or probabilities, C >= 2; more generally (N, C, d1, ...)
  with the classes on axis 1): the prediction is ``argmax`` over the classes; ``targets`` are integer labels
  of shape (N,) (or (N, d1, ...)), or one-hot / probability rows shaped like ``outputs`` (their argmax);
  labels equal to ``ignore_index`` are left out, as ``CrossEntropyLoss`` leaves them out;
* one score per sample, ``outputs`` of shape (N,) or (N, 1) (a sigmoid output): the prediction is
  ``outputs > threshold`` (0.5; use 0.0 for logits) and ``targets`` are 0/1 labels (values in [0, 1],
  read as ``target > 0.5``) of shape (N,) or (N, 1).

Over many batches ``fit`` and ``evaluate`` add up exact counts, ``Accuracy``: ``sum correct / sum counted``;
a custom metric ``fn(outputs, targets)`` is averaged over samples, ``BatchMean``: ``sum n_b m_b / sum n_b``.

The "auto" rule (``metrics="auto"``): accuracy is reported when the loss is a classification loss
(``CrossEntropyLoss``, ``NLLLoss``, ``BCELoss``, ``BCEWithLogitsLoss`` or their functional forms), never for a
regression loss (``MSELoss``, ``L1Loss``, ``HuberLoss``, ``SmoothL1Loss``), and for any other loss function
when the targets are integer class labels. With ``BCEWithLogitsLoss`` the outputs are logits, so the
threshold is 0 instead of 0.5. ``metrics=()`` reports none; a dict ``{name: fn(outputs, targets)}`` reports
custom metrics.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from ..tensor import Tensor

__all__ = ["Accuracy", "BatchMean", "accuracy", "count_correct", "resolve_metrics", "resolve_mode"]

_CLASSIFICATION_LOSSES = (CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss)
_CLASSIFICATION_NAMES = {
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
}
_REGRESSION_LOSSES = (MSELoss, L1Loss, HuberLoss, SmoothL1Loss)
_REGRESSION_NAMES = {"mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss"}
_LOGIT_NAMES = {"binary_cross_entropy_with_logits"}
#: keys that ``fit`` writes itself; a custom metric may not take them
RESERVED_KEYS = frozenset({"loss", "lr", "time", "epoch"})


def _numpy(value: Any, what: str) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.array
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"accuracy: {what} must be a Tensor or an array, got {type(value).__name__}") from err
    if array.dtype.kind not in "fiub":
        raise TypeError(f"accuracy: {what} must hold numbers, got dtype {array.dtype}")
    return array


def accuracy(outputs: Any, targets: Any, threshold: float = 0.5, ignore_index: int | None = None) -> float:
    """The fraction of samples whose predicted class equals the target class (see the module docstring).

    Samples whose class label equals ``ignore_index`` are left out (nan when every one is).

    >>> accuracy([[2.0, 0.1], [0.3, 0.9], [1.0, 3.0]], [0, 1, 0])
    0.6666666666666666
    >>> accuracy([0.9, 0.2, 0.6], [1, 0, 0])
    0.6666666666666666
    """
    correct, counted = count_correct(outputs, targets, threshold, ignore_index)
    return correct / counted if counted else math.nan


def count_correct(
    outputs: Any, targets: Any, threshold: float = 0.5, ignore_index: int | None = None
) -> tuple[int, int]:
    """``(correct, counted)``: how many predictions match their targets, out of how many counted targets."""
    out, tgt = _numpy(outputs, "outputs"), _numpy(targets, "targets")
    if out.ndim == 0 or out.shape[0] == 0:
        raise ValueError(
            f"accuracy: outputs of shape {out.shape} hold no samples; expected (N, C) class scores or (N,) "
            "sigmoid outputs with N >= 1"
        )
    n = out.shape[0]
    if out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1):
        if tgt.shape not in ((n,), (n, 1)):
            raise ValueError(
                f"accuracy: outputs of shape {out.shape} and targets of shape {tgt.shape} do not match; "
                f"one output per sample (binary) needs 0/1 targets of shape ({n},) or ({n}, 1)"
            )
        tgt = tgt.reshape(n)
        if tgt.dtype.kind != "b" and (tgt.min() < 0 or tgt.max() > 1):
            raise ValueError(
                f"accuracy: binary outputs of shape {out.shape} need 0/1 targets, got values from "
                f"{tgt.min()} to {tgt.max()}; for C classes the model should output (N, C) class scores"
            )
        return int(np.count_nonzero((out.reshape(n) > threshold) == (tgt > 0.5))), n
    classes = out.shape[1]
    label_shape = out.shape[:1] + out.shape[2:]
    if tgt.shape == out.shape:
        return int(np.count_nonzero(out.argmax(axis=1) == tgt.argmax(axis=1))), tgt.size // classes
    if tgt.shape != label_shape:
        raise ValueError(
            f"accuracy: outputs of shape {out.shape} and targets of shape {tgt.shape} do not match; "
            f"expected targets of shape {label_shape} (class labels) or {out.shape} (one-hot / probabilities)"
        )
    if tgt.dtype.kind == "f" and not np.array_equal(tgt, np.round(tgt)):
        raise ValueError(
            f"accuracy: targets of shape {tgt.shape} should be integer class labels, got fractional values; "
            "pass probability targets shaped like the outputs instead"
        )
    predicted = out.argmax(axis=1)
    if tgt.size == 0:
        return 0, 0
    low, high = tgt.min(), tgt.max()
    if ignore_index is not None and low <= ignore_index <= high:
        keep = tgt != ignore_index
        predicted, tgt = predicted[keep], tgt[keep]
        if tgt.size == 0:
            return 0, 0
        low, high = tgt.min(), tgt.max()
    if low < 0 or high >= classes:
        raise ValueError(
            f"accuracy: class labels must lie in [0, {classes}) for outputs of shape {out.shape}, got labels "
            f"from {low} to {high}"
        )
    return int(np.count_nonzero(predicted == tgt)), tgt.size


class Accuracy:
    """Accuracy over many batches, exactly: ``sum_b correct_b / sum_b counted_b``."""

    def __init__(self, threshold: float = 0.5, ignore_index: int | None = None) -> None:
        self.threshold, self.ignore_index = threshold, ignore_index
        self.reset()

    def reset(self) -> None:
        self.correct = self.counted = 0

    def update(self, outputs: Tensor, targets: Tensor, n: int) -> None:
        correct, counted = count_correct(outputs, targets, self.threshold, self.ignore_index)
        self.correct += correct
        self.counted += counted

    def result(self) -> float:
        return self.correct / self.counted if self.counted else math.nan


class BatchMean:
    """A metric ``fn(outputs, targets)`` per batch, averaged over the samples: ``sum_b n_b m_b / sum_b n_b``.

    ``fn`` runs under ``no_grad``: given the training outputs, it records no graph.
    """

    def __init__(self, fn: Callable[[Any, Any], Any]) -> None:
        self.fn = fn
        self.reset()

    def reset(self) -> None:
        self.total, self.count = 0.0, 0

    def update(self, outputs: Tensor, targets: Tensor, n: int) -> None:
        with no_grad():
            value = self.fn(outputs, targets)
        self.total += n * float(value)
        self.count += n

    def result(self) -> float:
        return self.total / self.count if self.count else math.nan


Metric = Accuracy | BatchMean


def resolve_mode(name: str, mode: str, who: str, otherwise: str | None = None) -> str:
    """Whether ``name`` should go down ("min") or up ("max"): ``mode`` itself, or for "auto" "min" when
    ``name`` ends in "loss", "max" when it ends in "accuracy" or "acc", else ``otherwise`` (None: an error).
    ``who`` names the caller in errors."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    if name.endswith("loss"):
        return "min"
    if name.endswith(("accuracy", "acc")):
        return "max"
    if otherwise is not None:
        return otherwise
    raise ValueError(
        f"{who}: mode='auto' cannot tell whether {name!r} should go down or up (it ends neither in 'loss' "
        "nor in 'accuracy'); pass mode='min' or mode='max'"
    )


def _loss_name(loss_fn: Any) -> str:
    return getattr(loss_fn, "__name__", "") or getattr(getattr(loss_fn, "func", None), "__name__", "")


def _is_classification(loss_fn: Any, targets: Any) -> bool:
    name = _loss_name(loss_fn)
    if isinstance(loss_fn, _CLASSIFICATION_LOSSES) or name in _CLASSIFICATION_NAMES:
        return True
    if isinstance(loss_fn, _REGRESSION_LOSSES) or name in _REGRESSION_NAMES:
        return False
    dtype = targets.dtype if isinstance(targets, (Tensor, np.ndarray)) else np.asarray(targets).dtype
    return dtype.kind in "iub"


def _accuracy_for(loss_fn: Any) -> Accuracy:
    """Accuracy as the loss sees it: threshold 0 when the loss takes logits of a binary problem, and the
    loss's ``ignore_index`` left out."""
    threshold = 0.0 if isinstance(loss_fn, BCEWithLogitsLoss) or _loss_name(loss_fn) in _LOGIT_NAMES else 0.5
    return Accuracy(threshold, getattr(loss_fn, "ignore_index", None))


def resolve_metrics(metrics: Any, loss_fn: Any, targets: Any, op: str) -> dict[str, Metric]:
    """Fresh metric accumulators ``{name: Accuracy | BatchMean}`` from ``fit``'s / ``evaluate``'s ``metrics``.

    ``metrics`` is "auto" (the rule in the module docstring, which looks at ``loss_fn`` and a batch of
    ``targets``), None or an empty sequence (none), a dict of name -> ``fn(outputs, targets)`` (or
    accumulators, which are copied), or a sequence of "accuracy" and functions (named by their
    ``__name__``). ``op`` names the caller in errors.
    """
    if isinstance(metrics, str) and metrics == "auto":
        return {"accuracy": _accuracy_for(loss_fn)} if _is_classification(loss_fn, targets) else {}
    if metrics is None:
        return {}
    if isinstance(metrics, str):
        metrics = [metrics]
    chosen: dict[Any, Any] = {}
    if isinstance(metrics, Mapping):
        chosen = dict(metrics)
    elif isinstance(metrics, Iterable):
        for item in metrics:
            if isinstance(item, str):
                if item not in ("accuracy", "acc"):
                    raise ValueError(
                        f"{op}: unknown metric {item!r}; the built-in one is 'accuracy', others are given as "
                        "functions or a dict {name: fn(outputs, targets)}"
                    )
                chosen["accuracy"] = _accuracy_for(loss_fn)
            elif callable(item):
                chosen[_loss_name(item) or type(item).__name__] = item
            else:
                raise TypeError(f"{op}: a metric must be 'accuracy' or a function, got {type(item).__name__}")
    else:
        raise TypeError(
            f"{op}: metrics must be 'auto', a dict {{name: fn(outputs, targets)}} or a sequence of metrics, "
            f"got {type(metrics).__name__}"
        )
    resolved: dict[str, Metric] = {}
    for name, fn in chosen.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{op}: metric names must be non-empty strings, got {name!r}")
        if name in RESERVED_KEYS or name.startswith("val_"):
            raise ValueError(
                f"{op}: the metric name {name!r} is taken (fit reports {sorted(RESERVED_KEYS)} and val_* "
                "itself); choose another"
            )
        if isinstance(fn, (Accuracy, BatchMean)):
            resolved[name] = copy.copy(fn)
            resolved[name].reset()
        elif fn is accuracy:
            resolved[name] = _accuracy_for(loss_fn)
        elif callable(fn):
            resolved[name] = BatchMean(fn)
        else:
            raise TypeError(f"{op}: metric {name!r} must be a function fn(outputs, targets), got {fn!r}")
    return resolved
