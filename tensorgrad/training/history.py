"""History: what ``fit`` measured, per epoch and per optimizer step.

* ``history.history``: a dict of per-epoch lists, as Keras' ``History.history``: ``loss`` and the training
  metrics (``accuracy``, custom ones), ``val_loss`` / ``val_accuracy`` / ``val_*`` when there is validation
  data, ``lr`` (the learning rate of the first parameter group during the epoch) and ``time`` (seconds the
  epoch took, training and validation). Every list has one value per epoch; a key that first appears after
  some epochs (written by a callback) is padded with nan for the epochs before.
* ``history.steps``: a dict of per-step lists, ``loss`` (each batch's loss) and ``lr``.

``tensorgrad.viz.plot_history(history)`` draws it. ``to_dict()`` is plain JSON (non-finite numbers become
None) and ``History.from_dict`` reads it back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["History"]


class History:
    """Per-epoch (``.history``) and per-step (``.steps``) records of a training run.

    >>> h = History()
    >>> h.record_epoch({"loss": 0.5, "lr": 0.1})
    >>> h.record_epoch({"loss": 0.25, "lr": 0.1})
    >>> h["loss"], h.epochs
    ([0.5, 0.25], 2)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.steps: dict[str, list[float]] = {"loss": [], "lr": []}

    @property
    def epochs(self) -> int:
        """How many epochs were recorded."""
        return max((len(values) for values in self.history.values()), default=0)

    def record_epoch(self, logs: Mapping[str, Any]) -> None:
        """Append one epoch's values (numbers), keeping every list one value per epoch."""
        epochs = self.epochs
        for key, value in logs.items():
            values = self.history.setdefault(key, [])
            values.extend([math.nan] * (epochs - len(values)))
            values.append(float(value))
        for values in self.history.values():
            values.extend([math.nan] * (epochs + 1 - len(values)))

    def update_last_epoch(self, logs: Mapping[str, Any]) -> None:
        """Overwrite (or add) values of the last recorded epoch: what callbacks wrote into the logs."""
        epochs = self.epochs
        if epochs == 0:
            raise ValueError("History.update_last_epoch: no epoch has been recorded yet")
        for key, value in logs.items():
            values = self.history.setdefault(key, [])
            values.extend([math.nan] * (epochs - len(values)))
            values[-1] = float(value)

    def __getitem__(self, key: str) -> list[float]:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(
                f"History: no metric {key!r}; recorded: {', '.join(self.history) or 'nothing yet'}"
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def keys(self) -> list[str]:
        return list(self.history)

    def __repr__(self) -> str:
        last = ", ".join(f"{key}={values[-1]:.4g}" for key, values in self.history.items() if values)
        return f"History(epochs={self.epochs}" + (f", last: {last})" if last else ")")

    def to_dict(self) -> dict[str, Any]:
        """``{"epochs": n, "history": {...}, "steps": {...}}`` as plain JSON values (nan and inf -> None)."""
        return {
            "epochs": self.epochs,
            "history": {key: [_json(v) for v in values] for key, values in self.history.items()},
            "steps": {key: [_json(v) for v in values] for key, values in self.steps.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """The History that ``to_dict`` described (None reads back as nan)."""
        if not isinstance(data, Mapping) or "history" not in data:
            raise ValueError("History.from_dict: expected the dict that History.to_dict() returns")
        history = cls()
        history.history = {k: [_number(v) for v in vs] for k, vs in data["history"].items()}
        history.steps = {k: [_number(v) for v in vs] for k, vs in data.get("steps", {}).items()}
        return history


def _json(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)
