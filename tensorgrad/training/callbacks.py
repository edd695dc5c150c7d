"""Callbacks: code that ``fit`` runs at the start and end of training and of each epoch.

A callback overrides any of ``on_train_begin(trainer)``, ``on_epoch_begin(epoch, trainer)``,
``on_epoch_end(epoch, logs, trainer)`` and ``on_train_end(trainer)``. ``trainer`` exposes ``model``,
``optimizer``, ``history`` and ``stop_training`` (set it to True to stop after this epoch). Epochs are
counted from 1, as the progress bar shows them. ``logs`` holds the epoch's numbers (``loss``, ``accuracy``,
``val_loss``, ``val_accuracy``, ``lr``, ``time``, custom metrics); keys a callback adds to it are recorded in
the history and seen by the callbacks after it in the list.

* ``EarlyStopping``: stop when the monitored value has not improved for ``patience`` epochs (Keras'
  semantics). Improvement in mode "min" means ``value < best - min_delta``, in mode "max"
  ``value > best + min_delta``; each epoch without improvement adds 1 to ``wait``, an improvement resets it
  to 0, and training stops at the epoch where ``wait`` reaches ``patience``.
* ``ModelCheckpoint``: save ``model.state_dict()`` with ``tg.save`` when the monitored value improves (or
  every epoch); the path is a template filled with the epoch and the logs.
* ``LambdaCallback``: a callback made of plain functions.

Mode "auto" minimises names that end in "loss" and maximises names that end in "accuracy" (or "acc").
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io import save
from .metrics import resolve_mode

if TYPE_CHECKING:
    from .loop import Trainer

__all__ = ["Callback", "EarlyStopping", "LambdaCallback", "ModelCheckpoint"]


class Callback:
    """Base class: every hook does nothing; override the ones you need."""

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once, before the first epoch."""

    def on_epoch_begin(self, epoch: int, trainer: Trainer) -> None:
        """Called before each epoch's first step (``epoch`` counts from 1)."""

    def on_step_end(self, step: int, loss: float, trainer: Trainer) -> None:
        """Called after each optimizer step, with the step's number (counted from 1 over the whole run) and
        its loss: to record parameters along the optimizer's path, say. A callback that does not override it
        costs the loop nothing."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float], trainer: Trainer) -> None:
        """Called after each epoch's validation and scheduler step, with the epoch's numbers."""

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once, after the last epoch (also after an early stop)."""


def _monitored(logs: Mapping[str, float], monitor: str, epoch: int, who: str) -> float:
    if monitor not in logs:
        hint = " (pass val_loader to fit to get val_* values)" if monitor.startswith("val_") else ""
        raise ValueError(
            f"{who}: monitor {monitor!r} is not among the logs of epoch {epoch}{hint}; "
            f"available: {', '.join(logs)}"
        )
    return float(logs[monitor])


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has stopped improving (Keras' ``EarlyStopping``; see the module doc).

    After training, ``.best`` is the best value seen, ``.best_epoch`` its epoch and ``.stopped_epoch`` the
    epoch training stopped at (0 when it ran all its epochs). With ``restore_best_weights=True`` a copy of
    ``model.state_dict()`` is kept at each new best and loaded back into the model when training ends.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be a log key such as 'val_loss', got {monitor!r}")
        if int(patience) != patience or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        self.monitor = monitor
        self.patience = int(patience)
        self.min_delta = abs(float(min_delta))
        self.mode = resolve_mode(monitor, mode, "EarlyStopping")
        self.restore_best_weights = restore_best_weights
        self._reset()

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights: dict[str, Any] | None = None

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_train_begin(self, trainer: Trainer) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict[str, float], trainer: Trainer) -> None:
        value = _monitored(logs, self.monitor, epoch, "EarlyStopping")
        if self._improves(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = copy.deepcopy(trainer.model.state_dict())  # its values share memory
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            trainer.stop_training = True

    def on_train_end(self, trainer: Trainer) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            trainer.model.load_state_dict(self.best_weights)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, min_delta={self.min_delta}, "
            f"mode={self.mode!r}, best={self.best:.4g}, stopped_epoch={self.stopped_epoch})"
        )


class ModelCheckpoint(Callback):
    """Save ``model.state_dict()`` to ``path`` with ``tg.save`` (npz, written atomically).

    ``path`` is a template: ``{epoch}`` and any log key are filled in with ``str.format``
    (``"ckpt-{epoch:02d}-{val_loss:.3f}.npz"``); missing folders are created. With ``save_best_only=True``
    (the default) a file is written only at epochs where ``monitor`` improves on the best so far (strictly);
    otherwise at every epoch. ``.best_path`` is the file of the best epoch so far (with
    ``save_best_only=False`` and no ``monitor`` in the logs: the latest file), ``.best`` its value and
    ``.saved`` every path written, in order.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = True,
    ) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"ModelCheckpoint: path must be a str or a Path, got {type(path).__name__}")
        self.path = os.fspath(path)
        self.monitor = monitor
        self.mode = resolve_mode(monitor, mode, "ModelCheckpoint")
        self.save_best_only = save_best_only
        self._reset()

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_path: str | None = None
        self.saved: list[str] = []

    def on_train_begin(self, trainer: Trainer) -> None:
        self._reset()

    def _improves(self, value: float) -> bool:
        return value < self.best if self.mode == "min" else value > self.best

    def filename(self, epoch: int, logs: Mapping[str, float]) -> str:
        """The template filled in with ``epoch`` and ``logs``."""
        try:
            return self.path.format(**{**logs, "epoch": epoch})
        except KeyError as err:
            raise ValueError(
                f"ModelCheckpoint: the path {self.path!r} names {{{err.args[0]}}}, which is not a log key; "
                f"available: epoch, {', '.join(logs)}"
            ) from None
        except (ValueError, IndexError) as err:
            raise ValueError(f"ModelCheckpoint: cannot fill in the path {self.path!r} ({err})") from None

    def on_epoch_end(self, epoch: int, logs: dict[str, float], trainer: Trainer) -> None:
        if self.save_best_only:
            value = _monitored(logs, self.monitor, epoch, "ModelCheckpoint")
            if not self._improves(value):
                return
        path = self.filename(epoch, logs)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        save(trainer.model.state_dict(), path)
        self.saved.append(path)
        if self.monitor in logs:
            value = float(logs[self.monitor])
            if self._improves(value):
                self.best, self.best_path = value, path
        elif not self.save_best_only:
            self.best_path = path

    def __repr__(self) -> str:
        return (
            f"ModelCheckpoint({self.path!r}, monitor={self.monitor!r}, mode={self.mode!r}, "
            f"save_best_only={self.save_best_only}, best_path={self.best_path!r})"
        )


class LambdaCallback(Callback):
    """A callback from plain functions, each optional, with the hooks' signatures::

    LambdaCallback(on_epoch_end=lambda epoch, logs, trainer: print(epoch, logs["loss"]))
    """

    def __init__(
        self,
        on_train_begin: Callable[[Trainer], Any] | None = None,
        on_epoch_begin: Callable[[int, Trainer], Any] | None = None,
        on_epoch_end: Callable[[int, dict[str, float], Trainer], Any] | None = None,
        on_train_end: Callable[[Trainer], Any] | None = None,
        on_step_end: Callable[[int, float, Trainer], Any] | None = None,
    ) -> None:
        hooks = {
            "on_train_begin": on_train_begin,
            "on_epoch_begin": on_epoch_begin,
            "on_step_end": on_step_end,
            "on_epoch_end": on_epoch_end,
            "on_train_end": on_train_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                if not callable(fn):
                    raise TypeError(f"LambdaCallback: {name} must be a function, got {type(fn).__name__}")
                setattr(self, name, fn)  # the instance attribute shadows the do-nothing method
