"""``fit``: the training loop you would write by hand, with records, validation, callbacks and a progress bar.

Each step is exactly the PyTorch loop, nothing added to the arithmetic::

    optimizer.zero_grad()
    outputs = model(inputs)
    loss = loss_fn(outputs, targets)
    loss.backward()
    clip_grad_norm_(model.parameters(), grad_clip)   # only with grad_clip
    optimizer.step()

so a model trained by ``fit`` ends with the same parameters, bit for bit, as one trained by that loop on the
same batches. Around it, per epoch:

1. ``callback.on_epoch_begin(epoch, trainer)``; ``model.train()``;
2. the steps, recording each step's loss (``loss.item()``) and learning rate in ``history.steps``; the
   epoch's train loss is the mean over samples, ``sum_b n_b loss_b / sum_b n_b``, and its metrics come from
   the same forward passes (no second pass over the data; the model changes during the epoch, so they
   describe the epoch, not its final model);
3. ``evaluate(model, loss_fn, val_loader)`` when there is a ``val_loader``, recorded as ``val_*``;
4. ``scheduler.step()`` (``ReduceLROnPlateau``: ``step(val_loss)``, or ``step(loss)`` without validation);
5. the epoch's ``logs`` (``loss``, metrics, ``val_*``, ``lr`` used during the epoch, ``time`` in seconds for
   steps 2-3) are appended to the history and shown; ``callback.on_epoch_end(epoch, logs, trainer)``.

After each optimizer step, ``callback.on_step_end(step, loss, trainer)`` runs (for callbacks that define it).

Epochs are counted from 1. Training stops early when a callback sets ``trainer.stop_training``. A loss that is
nan or inf raises ``FloatingPointError`` naming the epoch and step, before the step corrupts the parameters;
the error's ``history`` attribute holds what was recorded until then.
``fit`` leaves the model in training mode, as a hand-written loop does. When an error escapes (a nan loss,
Ctrl-C), the progress bar is closed and the error goes on; ``on_train_end`` is not called.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..nn.clip_grad import clip_grad_norm_
from ..nn.module import Module
from ..optim.lr_scheduler import ReduceLROnPlateau
from ..optim.optimizer import Optimizer
from .batches import check_loader, length, unpack
from .callbacks import Callback
from .evaluation import evaluate, scalar
from .history import History
from .metrics import Metric, resolve_metrics
from .progress import POSTFIX_EVERY, PlainProgress, TqdmProgress, make_progress

__all__ = ["Trainer", "fit"]


@dataclass(eq=False)
class Trainer:
    """What callbacks see of a training run. Set ``stop_training = True`` to end it after this epoch."""

    model: Module
    optimizer: Optimizer
    history: History
    loss_fn: Any = None
    scheduler: Any = None
    epochs: int = 0
    epoch: int = 0
    step: int = 0  # optimizer steps taken so far in this run
    stop_training: bool = False


def fit(
    model: Module,
    loss_fn: Any,
    optimizer: Optimizer,
    train_loader: Iterable[Any],
    epochs: int,
    val_loader: Iterable[Any] | None = None,
    scheduler: Any = None,
    callbacks: Iterable[Callback] = (),
    metrics: Any = "auto",
    progress: bool | str = True,
    grad_clip: float | None = None,
    label: str | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_loader``; return the ``History``.

    ``loss_fn(outputs, targets)`` returns the batch's mean loss (a scalar Tensor). Loaders yield
    ``(inputs, targets)`` pairs of Tensors or numpy arrays. ``metrics``: "auto" (accuracy for
    classification), ``()`` for none, or a dict ``{name: fn(outputs, targets)}``. ``grad_clip`` clips the
    gradients' total L2 norm before each step. ``progress``: True (or "epoch") for a tqdm bar per epoch,
    "run" for one bar over all epochs, False for nothing; ``label`` names the run in front of the bars.

    >>> import numpy as np, tensorgrad as tg
    >>> _ = tg.manual_seed(0)
    >>> model = tg.nn.Dense(2, 1)
    >>> data = [(np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32))]
    >>> history = fit(model, tg.nn.MSELoss(), tg.optim.SGD(model.parameters(), lr=0.1), data, epochs=3,
    ...               progress=False)
    >>> history.epochs, sorted(history.history)
    (3, ['loss', 'lr', 'time'])
    """
    callbacks = _check_arguments(
        model, loss_fn, optimizer, train_loader, epochs, val_loader, scheduler, callbacks, grad_clip
    )
    history = History()
    trainer = Trainer(model, optimizer, history, loss_fn, scheduler, int(epochs))
    reporter = make_progress(progress, label)
    functions: dict[str, Metric] | None = None
    step_hooks = [callback.on_step_end for callback in callbacks if _overrides_on_step_end(callback)]
    for callback in callbacks:
        callback.on_train_begin(trainer)
    try:
        for epoch in range(1, int(epochs) + 1):
            if trainer.stop_training:
                break
            trainer.epoch = epoch
            for callback in callbacks:
                callback.on_epoch_begin(epoch, trainer)
            start = time.perf_counter()
            logs, functions = _train_epoch(
                trainer, train_loader, metrics, functions, grad_clip, reporter, step_hooks
            )
            if val_loader is not None:
                results = evaluate(model, loss_fn, val_loader, functions)
                logs.update({f"val_{name}": value for name, value in results.items()})
            logs["lr"] = float(optimizer.param_groups[0]["lr"])
            logs["time"] = time.perf_counter() - start
            if scheduler is not None:
                if isinstance(scheduler, ReduceLROnPlateau):
                    scheduler.step(logs.get("val_loss", logs["loss"]))
                else:
                    scheduler.step()
            history.record_epoch(logs)
            if reporter is not None:
                reporter.end_epoch(epoch, trainer.epochs, logs)
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs, trainer)
            if callbacks:
                history.update_last_epoch(logs)  # what the callbacks wrote into the logs
            if trainer.stop_training:
                break
    except FloatingPointError as error:
        error.history = history  # what was recorded before the loss became nan: its steps, finished epochs
        raise
    finally:
        if reporter is not None:
            reporter.close()
    for callback in callbacks:
        callback.on_train_end(trainer)
    return history


def _train_epoch(
    trainer: Trainer,
    loader: Iterable[Any],
    metrics: Any,
    functions: dict[str, Metric] | None,
    grad_clip: float | None,
    reporter: TqdmProgress | PlainProgress | None,
    step_hooks: list[Callable[[int, float, Trainer], Any]],
) -> tuple[dict[str, float], dict[str, Metric]]:
    """One pass over ``loader``: the optimizer steps, and the epoch's train loss and metrics."""
    model, loss_fn, optimizer, epoch = trainer.model, trainer.loss_fn, trainer.optimizer, trainer.epoch
    model.train()
    if reporter is not None:
        reporter.begin_epoch(epoch, trainer.epochs, length(loader))
    params = list(model.parameters()) if grad_clip is not None else []
    zero_grad, optimizer_step, group = optimizer.zero_grad, optimizer.step, optimizer.param_groups[0]
    step_losses, step_lrs = trainer.history.steps["loss"], trainer.history.steps["lr"]
    for metric in (functions or {}).values():
        metric.reset()
    loss_sum, count = 0.0, 0
    for step, batch in enumerate(loader, 1):
        inputs, targets, n = unpack(batch, "fit", "train_loader")
        if functions is None:
            functions = resolve_metrics(metrics, loss_fn, targets, "fit")
        zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        value = scalar(loss, "fit")
        if not math.isfinite(value):
            raise FloatingPointError(
                f"fit: the loss became {value} at epoch {epoch}, step {step}; try a smaller learning rate "
                "(or grad_clip=1.0; tg.detect_anomaly() finds the op that made it)"
            )
        loss.backward()
        if grad_clip is not None:
            clip_grad_norm_(params, grad_clip)
        optimizer_step()
        loss_sum += n * value
        count += n
        for metric in functions.values():
            metric.update(outputs, targets, n)
        step_losses.append(value)
        step_lrs.append(float(group["lr"]))
        trainer.step += 1
        for hook in step_hooks:
            hook(trainer.step, value, trainer)
        if reporter is not None:
            reporter.update()
            if step % POSTFIX_EVERY == 0:
                running = {name: metric.result() for name, metric in functions.items()}
                reporter.postfix({"loss": loss_sum / count, **running, "lr": group["lr"]})
    if count == 0:
        spent = " (a generator is spent after one pass: pass a list or a DataLoader)" if epoch > 1 else ""
        raise ValueError(f"fit: train_loader yielded no batches in epoch {epoch}{spent}")
    assert functions is not None  # set at the first batch
    logs = {"loss": loss_sum / count}
    logs.update({name: metric.result() for name, metric in functions.items()})
    return logs, functions


def _overrides_on_step_end(callback: Callback) -> bool:
    """Whether the callback does something after each step (a method of its own, or a LambdaCallback's)."""
    hook = getattr(callback, "on_step_end", None)
    return hook is not None and getattr(hook, "__func__", None) is not Callback.on_step_end


def _check_arguments(
    model: Any,
    loss_fn: Any,
    optimizer: Any,
    train_loader: Any,
    epochs: Any,
    val_loader: Any,
    scheduler: Any,
    callbacks: Any,
    grad_clip: Any,
) -> list[Callback]:
    """Clear errors for arguments of the wrong kind; the callbacks as a list."""
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be a function loss_fn(outputs, targets), got {loss_fn!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit: optimizer must be a tensorgrad Optimizer (e.g. tg.optim.SGD(model.parameters(), lr=0.1)), "
            f"got {type(optimizer).__name__}"
        )
    check_loader(train_loader, "fit", "train_loader")
    if val_loader is not None:
        check_loader(val_loader, "fit", "val_loader")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"fit: scheduler must have a step() method (an LRScheduler), got {scheduler!r}")
    if grad_clip is not None and (
        isinstance(grad_clip, bool) or not isinstance(grad_clip, numbers.Real) or not grad_clip > 0
    ):
        raise ValueError(
            f"fit: grad_clip must be a positive number (the max gradient norm) or None, got {grad_clip!r}"
        )
    callbacks = [callbacks] if isinstance(callbacks, Callback) else list(callbacks)
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(
                "fit: callbacks must be Callback instances (EarlyStopping(...), LambdaCallback(...), ...), "
                f"got {type(callback).__name__}"
            )
    return callbacks
