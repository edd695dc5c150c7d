"""Progress reports for ``fit``: a tqdm bar per epoch (or one for the whole run), or one printed line per
epoch when tqdm is missing.

With tqdm (``pip install 'tensorgrad[progress]'``) each epoch gets a bar from ``tqdm.auto`` (a widget in
Jupyter, text on stderr elsewhere) labelled ``Epoch 3/10``; its postfix shows the running loss, metrics and
learning rate, refreshed every ``POSTFIX_EVERY`` steps (formatting numbers every step would cost more than
a small model's step), and at the end of the epoch the epoch's train and validation values. Without tqdm
the same end-of-epoch values are printed, one line per epoch, to stdout::

    Epoch 3/10: loss 0.2514, accuracy 0.9375, val_loss 0.3011, val_accuracy 0.9, lr 0.01 (0.12 s)

``fit(progress="run", label="adam")`` draws one bar over all the epochs instead, its postfix naming the epoch
(``tensorgrad compare`` shows one such bar per optimizer). tqdm is imported when ``fit`` starts with progress
on, never when this module is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["POSTFIX_EVERY", "PlainProgress", "TqdmProgress", "make_progress"]

#: steps between refreshes of a bar's postfix
POSTFIX_EVERY = 10


def _format(value: float) -> str:
    return f"{value:.4g}"


def _shown(logs: Mapping[str, float]) -> dict[str, str]:
    return {key: _format(value) for key, value in logs.items() if key != "time"}


class TqdmProgress:
    """tqdm bars: one per epoch (``per="epoch"``), or one for the whole run (``per="run"``) whose postfix
    names the epoch. ``label`` goes in front of each bar's description (``adam: Epoch 3/10``)."""

    def __init__(self, tqdm: Any, label: str | None = None, per: str = "epoch") -> None:
        self._tqdm = tqdm
        self._bar: Any = None
        self._label = label
        self._per = per
        self._epoch = ""

    def begin_epoch(self, epoch: int, epochs: int, total: int | None) -> None:
        self._epoch = f"{epoch}/{epochs}"
        if self._per == "run":
            if self._bar is None:
                whole = None if total is None else total * epochs
                self._bar = self._tqdm(total=whole, desc=self._label or "Training", unit="step", leave=True)
            return
        self.close()
        desc = f"Epoch {self._epoch}" if self._label is None else f"{self._label}: Epoch {self._epoch}"
        self._bar = self._tqdm(total=total, desc=desc, unit="step", leave=True)

    def update(self) -> None:
        self._bar.update(1)

    def postfix(self, logs: Mapping[str, float]) -> None:
        self._bar.set_postfix(self._shown(logs), refresh=False)

    def end_epoch(self, epoch: int, epochs: int, logs: Mapping[str, float]) -> None:
        if self._per == "run":
            self._bar.set_postfix(self._shown(logs), refresh=True)
            return
        self._bar.set_postfix(self._shown(logs), refresh=False)
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _shown(self, logs: Mapping[str, float]) -> dict[str, str]:
        return {"epoch": self._epoch, **_shown(logs)} if self._per == "run" else _shown(logs)


class PlainProgress:
    """One printed line per epoch (when tqdm is not installed), after ``label`` if there is one."""

    def __init__(self, label: str | None = None) -> None:
        self._label = "" if label is None else f"{label}: "

    def begin_epoch(self, epoch: int, epochs: int, total: int | None) -> None:
        pass

    def update(self) -> None:
        pass

    def postfix(self, logs: Mapping[str, float]) -> None:
        pass

    def end_epoch(self, epoch: int, epochs: int, logs: Mapping[str, float]) -> None:
        values = ", ".join(f"{key} {text}" for key, text in _shown(logs).items())
        seconds = f" ({logs['time']:.2f} s)" if "time" in logs else ""
        print(f"{self._label}Epoch {epoch}/{epochs}: {values}{seconds}", flush=True)

    def close(self) -> None:
        pass


def make_progress(enabled: bool | str, label: str | None = None) -> TqdmProgress | PlainProgress | None:
    """The reporter for ``fit(progress=...)``: ``True`` or ``"epoch"`` gives a tqdm bar per epoch, ``"run"``
    one bar for the whole run, ``False`` nothing; the plain-line reporter when tqdm cannot be imported."""
    if enabled is False or enabled is None:
        return None
    if enabled is True:
        enabled = "epoch"
    if enabled not in ("epoch", "run"):
        raise ValueError(f"fit: progress must be True, False, 'epoch' or 'run', got {enabled!r}")
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return PlainProgress(label)
    return TqdmProgress(tqdm, label, per=enabled)
