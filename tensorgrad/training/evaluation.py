"""``evaluate``: the loss and metrics of a model over a whole data loader, without training it.

Each batch's loss (the batch mean, as losses return by default) is weighted by the batch's size, so the
result is the mean over samples, the same number one full batch would give, however the loader splits the
data:

    loss = sum_b n_b * loss_b / sum_b n_b,    metric = sum_b n_b * metric_b / sum_b n_b.

It runs under ``no_grad`` (no graph is recorded) and in evaluation mode (dropout off, batch norm on its
running statistics), and afterwards gives every submodule back the train/eval mode it had, also when an
error escapes.
"""

from __future__ import annotations

from typing import Any

from ..autograd.grad_mode import no_grad
from ..nn.module import Module
from ..tensor import Tensor
from .batches import check_loader, unpack
from .metrics import Metric, resolve_metrics

__all__ = ["evaluate"]


def evaluate(model: Module, loss_fn: Any, loader: Any, metrics: Any = "auto") -> dict[str, float]:
    """``{"loss": mean loss over the samples, "accuracy": ..., custom metrics}`` of ``model`` on ``loader``.

    ``loss_fn(outputs, targets)`` returns a scalar Tensor (None: report metrics only). ``metrics`` is
    "auto" (accuracy for classification), ``()`` for none, or a dict ``{name: fn(outputs, targets)}``; see
    ``tensorgrad.training.metrics``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"evaluate: model must be an nn.Module, got {type(model).__name__}")
    check_loader(loader, "evaluate", "loader")
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with no_grad():
            return _evaluate(model, loss_fn, loader, metrics)
    finally:
        for module, training in modes:
            object.__setattr__(module, "training", training)


def _evaluate(model: Module, loss_fn: Any, loader: Any, metrics: Any) -> dict[str, float]:
    functions: dict[str, Metric] | None = None
    loss_sum, count = 0.0, 0
    for batch in loader:
        inputs, targets, n = unpack(batch, "evaluate", "loader")
        if functions is None:
            functions = resolve_metrics(metrics, loss_fn, targets, "evaluate")
        outputs = model(inputs)
        if loss_fn is not None:
            loss_sum += n * scalar(loss_fn(outputs, targets), "evaluate")
        for metric in functions.values():
            metric.update(outputs, targets, n)
        count += n
    if count == 0:
        raise ValueError("evaluate: the loader yielded no samples (is it empty, or a spent generator?)")
    results = {"loss": loss_sum / count} if loss_fn is not None else {}
    results.update({name: metric.result() for name, metric in (functions or {}).items()})
    return results


def scalar(loss: Any, op: str) -> float:
    """The value of a loss as a Python float; a clear error when loss_fn returned no scalar Tensor."""
    if not isinstance(loss, Tensor):
        raise TypeError(f"{op}: loss_fn must return a scalar Tensor, got {type(loss).__name__}")
    if loss.array.size != 1:
        raise ValueError(
            f"{op}: loss_fn returned a tensor of shape {loss.shape}; expected a scalar (the batch mean: "
            "use reduction='mean')"
        )
    return loss.array.item()
