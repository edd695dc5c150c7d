"""Progress reports for ``fit``: a tqdm bar per epoch, or one printed line per epoch when tqdm is missing.

With tqdm (``pip install 'tensorgrad[progress]'``) each epoch gets a bar from ``tqdm.auto`` (a widget in
Jupyter, text on stderr elsewhere) labelled ``Epoch 3/10``; its postfix shows the running loss, metrics and
learning rate, refreshed every ``POSTFIX_EVERY`` steps (formatting numbers every step would cost more than
a small model's step), and at the end of the epoch the epoch's train and validation values. Without tqdm
the same end-of-epoch values are printed, one line per epoch, to stdout::

    Epoch 3/10: loss 0.2514, accuracy 0.9375, val_loss 0.3011, val_accuracy 0.9, lr 0.01 (0.12 s)

tqdm is imported when ``fit`` starts with ``progress=True``, never when this module is imported.
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
    """One tqdm bar per epoch."""

    def __init__(self, tqdm: Any) -> None:
        self._tqdm = tqdm
        self._bar: Any = None

    def begin_epoch(self, epoch: int, epochs: int, total: int | None) -> None:
        self.close()
        self._bar = self._tqdm(total=total, desc=f"Epoch {epoch}/{epochs}", unit="step", leave=True)

    def update(self) -> None:
        self._bar.update(1)

    def postfix(self, logs: Mapping[str, float]) -> None:
        self._bar.set_postfix(_shown(logs), refresh=False)

    def end_epoch(self, epoch: int, epochs: int, logs: Mapping[str, float]) -> None:
        self._bar.set_postfix(_shown(logs), refresh=False)
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class PlainProgress:
    """One printed line per epoch (when tqdm is not installed)."""

    def begin_epoch(self, epoch: int, epochs: int, total: int | None) -> None:
        pass

    def update(self) -> None:
        pass

    def postfix(self, logs: Mapping[str, float]) -> None:
        pass

    def end_epoch(self, epoch: int, epochs: int, logs: Mapping[str, float]) -> None:
        values = ", ".join(f"{key} {text}" for key, text in _shown(logs).items())
        seconds = f" ({logs['time']:.2f} s)" if "time" in logs else ""
        print(f"Epoch {epoch}/{epochs}: {values}{seconds}", flush=True)

    def close(self) -> None:
        pass


def make_progress(enabled: bool) -> TqdmProgress | PlainProgress | None:
    """A tqdm reporter, the plain-line one when tqdm cannot be imported, or None when ``enabled`` is False."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return PlainProgress()
    return TqdmProgress(tqdm)
