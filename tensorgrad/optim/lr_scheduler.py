"""Learning-rate schedulers: change each parameter group's ``lr`` as training goes on, as PyTorch's do.

Usage: call ``scheduler.step()`` once per epoch, after ``optimizer.step()``::

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(...)        # calls optimizer.step()
        scheduler.step()

PyTorch's semantics, kept here: constructing a scheduler records ``group["initial_lr"]`` (the base lr; it is
not overwritten when a second scheduler is attached) and performs the epoch-0 step (``last_epoch`` becomes 0
and the group's ``lr`` is set to the epoch-0 value). Each ``step()`` then computes the next lr from the
group's *current* lr (PyTorch's recursive, "chainable" forms), so two schedulers on one optimizer compose:
each multiplies in its own factor. Without chaining or outside changes the values equal the closed forms
given in each docstring (up to float rounding).

``ReduceLROnPlateau`` is different: it reacts to a metric, ``scheduler.step(val_loss)``.

``step(epoch)`` (deprecated in PyTorch, and warned about as there) jumps to ``epoch`` and sets the closed-form
lr of the schedulers that have one. The cyclical schedules (``CyclicLR``, ``OneCycleLR``,
``CosineAnnealingWarmRestarts``) live in ``cyclic_lr.py`` and the combinations (``SequentialLR``,
``ChainedScheduler``) in ``combined_lr.py``; all are importable from here, as in ``torch.optim.lr_scheduler``.
"""

from __future__ import annotations

import copy
import math
import types
import warnings
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

from .optimizer import Optimizer

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible "
    "(as in PyTorch). Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch "
    "is different from None, the closed form is used instead of the new chainable form, where available."
)


def per_group(owner: str, name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """``value`` once per parameter group: a list or tuple needs one entry per group; a number is repeated."""
    n_groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n_groups:
            raise ValueError(
                f"{owner}: expected {n_groups} values for {name} (one per parameter group), got {len(value)}"
            )
        return list(value)
    return [value] * n_groups


class LRScheduler:
    """Base class: ``step()``, ``get_last_lr()``, ``state_dict()`` / ``load_state_dict()``.

    Subclasses implement ``get_lr()``, the lr of each group at epoch ``self.last_epoch`` computed from the
    groups' current lrs (``self._is_initial`` is True during the constructor's epoch-0 step).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr', needed to resume a "
                        f"schedule at last_epoch={last_epoch}; load the optimizer's state_dict first"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and perform the epoch-0 step (``SequentialLR`` calls it again, as PyTorch)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rate of each group at epoch ``last_epoch`` (called by ``step``)."""
        raise NotImplementedError

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and set each group's ``lr``.

        ``epoch`` (deprecated, as in PyTorch, with the same warning) jumps to that epoch instead; schedulers
        with a closed form then use it.
        """
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.base_lrs):
            raise RuntimeError(
                f"{type(self).__name__}: the optimizer has {len(groups)} parameter groups but the scheduler "
                f"was built for {len(self.base_lrs)}; build the scheduler after add_param_group"
            )
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(groups, values):
            group["lr"] = lr
        self._last_lr = self._current_lrs()

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything the scheduler keeps except the optimizer (plain numbers, lists and strings)."""
        return {name: copy.deepcopy(value) for name, value in vars(self).items() if name != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``'s values. Load the optimizer's state too: the current lrs live there."""
        for name, value in state_dict.items():
            setattr(self, name, copy.deepcopy(value))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    Closed form: ``lr_t = base_lr * gamma ** (t // step_size)``. Default ``gamma=0.1``.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if int(step_size) != step_size or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones``.

    Closed form: ``lr_t = base_lr * gamma ** (number of milestones <= t)`` (a milestone listed twice counts
    twice). Default ``gamma=0.1``.
    """

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        times = self.milestones.count(self.last_epoch)
        if times == 0:
            return self._current_lrs()
        return [lr * self.gamma**times for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** bisect_right(self.milestones, self.last_epoch) for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch.

    Closed form: ``lr_t = base_lr * gamma ** t``.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the base lr down to ``eta_min`` over ``T_max`` epochs (SGDR without restarts).

    Closed form: ``lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``; past ``T_max`` it
    rises again along the same cosine (period ``2 * T_max``), as PyTorch's. Computed, as PyTorch does,
    recursively from the current lr::

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max))

    with the step out of the minimum (where that ratio is 0/0) taken from the closed form's increment.
    Default ``eta_min=0``.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be > 0, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        # PyTorch's closed-form restart for a scheduler built with last_epoch > 0. Not reached through step():
        # the constructor's step (the only one with _step_count == 1) returns above; kept to mirror PyTorch.
        if self._step_count == 1 and t > 0:
            return [
                eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs
            ]
        if (t - 1 - T) % (2 * T) == 0:  # leaving the minimum
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for lr, base in zip(self._current_lrs(), self.base_lrs)
            ]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        return [eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / T)) / 2 for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr by a factor going linearly from ``start_factor`` to ``end_factor`` over ``total_iters``
    epochs, then keep it (a warm-up with the defaults).

    Closed form: ``lr_t = base_lr * (start + (end - start) * min(t, total_iters) / total_iters)``.
    Defaults: ``start_factor=1/3``, ``end_factor=1.0``, ``total_iters=5``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor!r}")
        if total_iters < 1:
            raise ValueError(f"LinearLR: total_iters must be >= 1, got {total_iters!r}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, start, end = self.last_epoch, self.start_factor, self.end_factor
        if t == 0:
            return [lr * start for lr in self._current_lrs()]
        if self._is_initial or t > self.total_iters:
            return self._current_lrs()
        ratio = 1.0 + (end - start) / (self.total_iters * start + (t - 1) * (end - start))
        return [lr * ratio for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        start, end, n = self.start_factor, self.end_factor, self.total_iters
        return [base * (start + (end - start) * min(n, self.last_epoch) / n) for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the lr by ``factor`` for the first ``total_iters`` epochs, then restore it (a constant warm-up).

    Closed form: ``lr_t = base_lr * factor`` for ``t < total_iters``, ``base_lr`` afterwards.
    Defaults: ``factor=1/3``, ``total_iters=5``.
    """

    def __init__(
        self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
    ) -> None:
        if not 0 <= factor <= 1:
            raise ValueError(f"ConstantLR: factor must be in [0, 1], got {factor!r}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        factor = 1.0 if self.last_epoch >= self.total_iters else self.factor
        return [base * factor for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr along a polynomial to zero at ``total_iters``, then keep it at zero.

    Closed form: ``lr_t = base_lr * (1 - min(t, total_iters) / total_iters) ** power``, computed as PyTorch
    does, recursively: ``lr_t = lr_{t-1} * ((1 - t / N) / (1 - (t - 1) / N)) ** power``.
    Defaults: ``total_iters=5``, ``power=1.0`` (linear).
    """

    def __init__(
        self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        if total_iters < 1:
            raise ValueError(f"PolynomialLR: total_iters must be >= 1, got {total_iters!r}")
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, n = self.last_epoch, self.total_iters
        if self._is_initial or t > n:
            return self._current_lrs()
        factor = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** self.power
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        fraction = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (1.0 - fraction) ** self.power for base in self.base_lrs]


def _lambdas(owner: str, optimizer: Optimizer, lr_lambda: Any) -> list[Callable[[int], float]]:
    lambdas = per_group(owner, "lr_lambda", optimizer, lr_lambda)
    for fn in lambdas:
        if not callable(fn):
            raise TypeError(f"{owner}: lr_lambda must be a function of the epoch, got {type(fn).__name__}")
    return lambdas


def _lambdas_state_dict(scheduler: LRScheduler) -> dict[str, Any]:
    """PyTorch's: functions and lambdas are not saved (None); a callable object saves its ``__dict__``."""
    state = {k: copy.deepcopy(v) for k, v in vars(scheduler).items() if k not in ("optimizer", "lr_lambdas")}
    state["lr_lambdas"] = [
        None if isinstance(fn, types.FunctionType) else copy.deepcopy(fn.__dict__)
        for fn in scheduler.lr_lambdas  # type: ignore[attr-defined]
    ]
    return state


def _lambdas_load_state_dict(scheduler: LRScheduler, state_dict: dict[str, Any]) -> None:
    state = dict(state_dict)
    saved_lambdas = state.pop("lr_lambdas")
    LRScheduler.load_state_dict(scheduler, state)
    for fn, saved in zip(scheduler.lr_lambdas, saved_lambdas):  # type: ignore[attr-defined]
        if saved is not None:
            fn.__dict__.update(copy.deepcopy(saved))


class LambdaLR(LRScheduler):
    """Set the lr to the base lr times a function of the epoch.

    Closed form: ``lr_t = base_lr * lr_lambda(t)``; ``lr_lambda`` is one function, or a list with one per
    parameter group. ``state_dict()`` saves callable objects' attributes, not functions or lambdas (as
    PyTorch's).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.lr_lambdas = _lambdas("LambdaLR", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        return _lambdas_state_dict(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _lambdas_load_state_dict(self, state_dict)


class MultiplicativeLR(LRScheduler):
    """Multiply the lr by a function of the epoch, every epoch.

    ``lr_t = lr_{t-1} * lr_lambda(t)`` for ``t >= 1`` (so ``lr_t = base_lr * lr_lambda(1) * ... *
    lr_lambda(t)``); ``lr_lambda`` is one function, or a list with one per parameter group.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.lr_lambdas = _lambdas("MultiplicativeLR", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, self._current_lrs())]

    def state_dict(self) -> dict[str, Any]:
        return _lambdas_state_dict(self)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _lambdas_load_state_dict(self, state_dict)


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` when a metric has stopped improving for ``patience`` epochs.

    ``step(metric)`` once per epoch. In ``mode="min"`` a value improves on the best so far when it is below
    ``best * (1 - threshold)`` (``threshold_mode="rel"``) or ``best - threshold`` (``"abs"``); ``"max"``
    mirrors that. After more than ``patience`` epochs in a row without improvement every group's lr becomes
    ``max(lr * factor, min_lr)`` (changes smaller than ``eps`` are skipped), then ``cooldown`` epochs pass
    in which bad epochs are not counted.

    Defaults: ``mode="min"``, ``factor=0.1``, ``patience=10``, ``threshold=1e-4``, ``threshold_mode="rel"``,
    ``cooldown=0``, ``min_lr=0`` (a number, or one per group), ``eps=1e-8``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: {type(optimizer).__name__} is not an Optimizer")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1.0, got {factor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        self.optimizer = optimizer
        n_groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n_groups:
                raise ValueError(
                    f"ReduceLROnPlateau: expected {n_groups} min_lr values (one per group), got {len(min_lr)}"
                )
            self.default_min_lr: float | None = None
            self.min_lrs = [float(v) for v in min_lr]
        else:
            self.default_min_lr = float(min_lr)  # also for groups added to the optimizer later
            self.min_lrs = [self.default_min_lr] * n_groups
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = self._current_lrs()

    def is_better(self, value: float, best: float) -> bool:
        """Whether ``value`` counts as an improvement on ``best``, given the mode and threshold."""
        if self.mode == "min":
            return value < (
                best * (1 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold
            )
        return value > (
            best * (1 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold
        )

    def step(self, metrics: Any) -> None:  # type: ignore[override]
        """Record this epoch's metric (a number or a one-element Tensor) and reduce the lr if it is time."""
        value = float(metrics)
        self.last_epoch += 1
        if self.is_better(value, self.best):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during the cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._match_min_lrs_to_groups()
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old_lr = float(group["lr"])
                new_lr = max(old_lr * self.factor, min_lr)
                if old_lr - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _match_min_lrs_to_groups(self) -> None:
        """After ``optimizer.add_param_group``: give the new groups the scalar ``min_lr``, as PyTorch does;
        with one ``min_lr`` per group given, the user must extend ``min_lrs`` themselves."""
        n_groups = len(self.optimizer.param_groups)
        if len(self.min_lrs) == n_groups:
            return
        if self.default_min_lr is None:
            raise RuntimeError(
                f"ReduceLROnPlateau: the optimizer now has {n_groups} parameter groups but min_lr was given "
                f"for {len(self.min_lrs)} (a group was added after the scheduler was built); set "
                "scheduler.min_lrs to one value per group"
            )
        self.min_lrs = [self.default_min_lr] * n_groups


# the cyclical schedules and the combinations live in their own files; importable from here, as in PyTorch
from .combined_lr import ChainedScheduler, SequentialLR  # noqa: E402
from .cyclic_lr import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR  # noqa: E402
