"""Schedulers made of schedulers: ``SequentialLR`` (one after another) and ``ChainedScheduler`` (all at once).

Importable from ``tensorgrad.optim.lr_scheduler``, as in ``torch.optim.lr_scheduler``.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from .lr_scheduler import LRScheduler, ReduceLROnPlateau
from .optimizer import Optimizer


def _check_schedulers(owner: str, schedulers: Sequence[LRScheduler], optimizer: Optimizer) -> None:
    if len(schedulers) < 1:
        raise ValueError(f"{owner}: expected at least one scheduler, got none")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(
                f"{owner}: the scheduler at index {i} ({type(scheduler).__name__}) has no optimizer"
            )
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(
                f"{owner}: can't combine ReduceLROnPlateau (index {i}): its step() needs the metric; "
                "step it yourself next to the combined scheduler"
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(
                f"{owner}: all schedulers must belong to the same optimizer, but the "
                f"{type(scheduler).__name__} at index {i} has another one"
            )


def _combined_state_dict(scheduler: LRScheduler) -> dict[str, Any]:
    state = {k: copy.deepcopy(v) for k, v in vars(scheduler).items() if k not in ("optimizer", "_schedulers")}
    state["_schedulers"] = [s.state_dict() for s in scheduler._schedulers]  # type: ignore[attr-defined]
    return state


def _combined_load_state_dict(scheduler: LRScheduler, state_dict: dict[str, Any]) -> None:
    state = dict(state_dict)
    saved = state.pop("_schedulers")
    for name, value in state.items():
        setattr(scheduler, name, copy.deepcopy(value))
    for inner, inner_state in zip(scheduler._schedulers, saved):  # type: ignore[attr-defined]
        inner.load_state_dict(inner_state)


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at the epochs in ``milestones``.

    ``schedulers[i]`` is in charge from epoch ``milestones[i-1]`` on; at its milestone it restarts from its
    epoch 0 (its closed form there, so ``LinearLR(...)`` then ``ExponentialLR(...)`` gives a warm-up followed
    by a decay from the base lr). Needs ``len(milestones) == len(schedulers) - 1``. The schedulers must be
    built on ``optimizer`` before this one; building this one resets every group's lr to its ``initial_lr``
    and undoes their epoch-0 steps, as PyTorch does.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        _check_schedulers("SequentialLR", schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: expected one milestone fewer than schedulers, got {len(schedulers)} "
                f"schedulers and {len(milestones)} milestones"
            )
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo_initial_steps(self)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _undo_initial_steps(self, scheduler: LRScheduler) -> None:
        """Each inner scheduler's constructor stepped once; move them back (recursively, as PyTorch's)."""
        if hasattr(scheduler, "_schedulers"):
            for inner in scheduler._schedulers:  # type: ignore[attr-defined]
                self._undo_initial_steps(inner)
        elif hasattr(scheduler, "last_epoch"):
            scheduler.last_epoch -= 1

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch: step the scheduler in charge (restarting it at its milestone)."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """This scheduler's values, with each inner scheduler's ``state_dict()`` under ``_schedulers``."""
        return _combined_state_dict(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _combined_load_state_dict(self, state_dict)


class ChainedScheduler(LRScheduler):
    """Step every scheduler in ``schedulers`` at each ``step()``: their factors multiply.

    ``ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2), ExponentialLR(opt, gamma=0.9)])`` gives
    ``base_lr * 0.1 * 0.9^t`` for ``t < 2`` and ``base_lr * 0.9^t`` afterwards. ``optimizer`` defaults to the
    first scheduler's.
    """

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise ValueError("ChainedScheduler: expected at least one scheduler, got none")
        optimizer = optimizer or schedulers[0].optimizer
        _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = self._current_lrs()

    def __repr__(self) -> str:
        names = ", ".join(type(s).__name__ for s in self._schedulers)
        return f"ChainedScheduler([{names}], last_lr={self._last_lr})"

    def step(self) -> None:  # type: ignore[override]
        """Step each scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current_lrs()

    def state_dict(self) -> dict[str, Any]:
        """This scheduler's values, with each inner scheduler's ``state_dict()`` under ``_schedulers``."""
        return _combined_state_dict(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _combined_load_state_dict(self, state_dict)
