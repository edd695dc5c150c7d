"""Cyclical learning-rate schedules: ``CyclicLR`` (Smith, 2017), ``OneCycleLR`` (Smith & Topin, 2018) and
``CosineAnnealingWarmRestarts`` (SGDR, Loshchilov & Hutter, 2017).

Importable from ``tensorgrad.optim.lr_scheduler``, as in ``torch.optim.lr_scheduler``. ``CyclicLR`` and
``OneCycleLR`` are stepped once per *batch*, not per epoch, and by default cycle the momentum in the opposite
direction to the lr: the group's ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam and the like).
"""

from __future__ import annotations

import copy
import math
import types
from collections.abc import Callable
from typing import Any

from .lr_scheduler import LRScheduler, per_group
from .optimizer import Optimizer


def _setup_momentum(
    owner: str, optimizer: Optimizer, base_momentum: Any, max_momentum: Any, last_epoch: int
) -> tuple[bool, list[float], list[float]]:
    """Check that the optimizer has a momentum to cycle; start every group at its max momentum."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(
            f"{owner}: cycle_momentum=True (the default) needs an optimizer with a 'momentum' or 'betas' "
            f"hyperparameter, and {type(optimizer).__name__} has neither; pass cycle_momentum=False"
        )
    use_beta1 = "betas" in optimizer.defaults
    base_momentums = per_group(owner, "base_momentum", optimizer, base_momentum)
    max_momentums = per_group(owner, "max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for high, low, group in zip(max_momentums, base_momentums, optimizer.param_groups):
            _set_momentum(group, high, use_beta1)
            group["max_momentum"] = high
            group["base_momentum"] = low
    return use_beta1, base_momentums, max_momentums


def _set_momentum(group: dict[str, Any], momentum: float, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


class CyclicLR(LRScheduler):
    """Cycle the lr between ``base_lr`` and ``max_lr`` along triangles (Smith's cyclical learning rates).

    Call ``step()`` after every batch. With ``t`` the number of steps, ``T = step_size_up + step_size_down``
    (``step_size_down`` defaults to ``step_size_up``) and ``r = step_size_up / T``::

        cycle = floor(1 + t / T)                  (1, 2, ...)
        x = 1 + t / T - cycle                     (the position in the cycle, in [0, 1))
        h = x / r                   if x <= r     (rising)
          = (x - 1) / (r - 1)       otherwise     (falling)
        lr = base_lr + (max_lr - base_lr) * h * scale

    where ``scale`` is, by ``mode``: ``"triangular"`` 1; ``"triangular2"`` ``1 / 2^(cycle - 1)`` (the
    amplitude halves each cycle); ``"exp_range"`` ``gamma^t``; or ``scale_fn(cycle)`` /
    ``scale_fn(t)`` (``scale_mode="cycle"`` / ``"iterations"``) for a custom ``scale_fn``.

    With ``cycle_momentum=True`` (the default) the momentum moves the other way,
    ``momentum = max_momentum - (max_momentum - base_momentum) * h * scale``, into the group's ``momentum``
    or ``betas[0]``; an optimizer with neither (Adagrad, Adadelta) is a ``ValueError``, as in PyTorch.
    Building the scheduler sets each group's lr to ``base_lr``.

    Defaults: ``step_size_up=2000``, ``mode="triangular"``, ``gamma=1.0``, ``scale_mode="cycle"``,
    ``cycle_momentum=True``, ``base_momentum=0.8``, ``max_momentum=0.9``. ``base_lr``, ``max_lr`` and the
    momenta may be lists, one value per parameter group.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"CyclicLR: {type(optimizer).__name__} is not an Optimizer")
        base_lrs = per_group("CyclicLR", "base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = per_group("CyclicLR", "max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        if up <= 0 or down <= 0:
            raise ValueError(
                f"CyclicLR: step sizes must be > 0, got up={step_size_up!r}, down={step_size_down!r}"
            )
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(
                "CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' (or pass scale_fn), "
                f"got {mode!r}"
            )
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"CyclicLR: scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        # the built-in modes fix their own scale_mode, as PyTorch's
        self.scale_mode = (
            scale_mode if scale_fn is not None else ("iterations" if mode == "exp_range" else "cycle")
        )
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = _setup_momentum(
                "CyclicLR", optimizer, base_momentum, max_momentum, last_epoch
            )
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at cycle (or step) ``x``."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x  # exp_range

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        height = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else t)
        lrs = [base + (high - base) * height * scale for base, high in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                _set_momentum(group, high - (high - low) * height * scale, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """As PyTorch's: a custom ``scale_fn`` is saved only as a callable object's attributes."""
        state = {
            k: copy.deepcopy(v) for k, v in vars(self).items() if k not in ("optimizer", "_scale_fn_custom")
        }
        fn = self._scale_fn_custom
        state["_scale_fn_custom"] = (
            None if fn is None or isinstance(fn, types.FunctionType) else copy.deepcopy(fn.__dict__)
        )
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved_fn = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if saved_fn is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(copy.deepcopy(saved_fn))


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the lr rises from ``max_lr / div_factor`` to ``max_lr``, then anneals far below the
    start; the momentum does the opposite.

    Call ``step()`` after every batch, ``total_steps`` times in all (or ``epochs * steps_per_epoch``); one
    step more is a ``ValueError``. With ``N = total_steps``, ``initial = max_lr / div_factor`` and
    ``min = initial / final_div_factor``, the phases end at steps::

        two phases (default):  pct_start N - 1: initial -> max_lr,   N - 1: max_lr -> min
        three_phase=True:      pct_start N - 1: initial -> max_lr,   2 pct_start N - 2: max_lr -> initial,
                               N - 1: initial -> min

    Within a phase from step ``s0`` to ``s1``, with ``pct = (t - s0) / (s1 - s0)``, the lr goes from ``a`` to
    ``b`` along ``b + (a - b) (1 + cos(pi pct)) / 2`` (``anneal_strategy="cos"``) or ``a + (b - a) pct``
    (``"linear"``). With ``cycle_momentum=True`` the momentum (``momentum``, or ``betas[0]`` for Adam-style
    optimizers) runs ``max_momentum -> base_momentum -> max_momentum`` along the same curves (in the
    three-phase schedule it stays at ``max_momentum`` in the last phase); an optimizer with neither is a
    ``ValueError``.

    Building the scheduler sets each group's ``initial_lr`` (``max_lr / div_factor``), ``max_lr`` and
    ``min_lr``, as PyTorch's. Defaults: ``pct_start=0.3``, ``anneal_strategy="cos"``, ``cycle_momentum=True``,
    ``base_momentum=0.85``, ``max_momentum=0.95``, ``div_factor=25``, ``final_div_factor=1e4``,
    ``three_phase=False``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"OneCycleLR: {type(optimizer).__name__} is not an Optimizer")
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"OneCycleLR: total_steps must be a positive integer, got {total_steps!r}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"OneCycleLR: epochs must be a positive integer, got {epochs!r}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(
                    f"OneCycleLR: steps_per_epoch must be a positive integer, got {steps_per_epoch!r}"
                )
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("OneCycleLR: give either total_steps, or both epochs and steps_per_epoch")
        if not 0 <= pct_start <= 1:
            raise ValueError(f"OneCycleLR: pct_start must be in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        n = self.total_steps
        # each phase: (its last step, start and end lr keys, start and end momentum keys)
        if three_phase:
            self._schedule_phases = [
                (float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * n) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._schedule_phases = [
                (float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        self.anneal_strategy = anneal_strategy
        max_lrs = per_group("OneCycleLR", "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for high, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = high / div_factor
                group["max_lr"] = high
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, _, _ = _setup_momentum(
                "OneCycleLR", optimizer, base_momentum, max_momentum, last_epoch
            )
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(
                f"OneCycleLR: stepped {t} times, but the schedule has total_steps={self.total_steps}; "
                "call step() once per batch, and give total_steps (or epochs * steps_per_epoch) for the "
                "whole run"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, lr_from, lr_to, momentum_from, momentum_to) in enumerate(self._schedule_phases):
                if t <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (t - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[momentum_from], group[momentum_to], pct)
                        _set_momentum(group, momentum, self.use_beta1)
                    break
                start_step = end_step
        return lrs


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing from the base lr to ``eta_min`` over ``T_i`` epochs, then a restart (SGDR).

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``, where ``T_cur`` counts the
    epochs since the last restart; the first period is ``T_0`` epochs and each one is ``T_mult`` times the one
    before. ``step()`` advances one epoch; ``step(epoch)`` jumps to ``epoch``, which may be fractional (call
    ``scheduler.step(epoch + i / iters)`` after each batch for a smooth curve). Defaults: ``T_mult=1``,
    ``eta_min=0``.
    """

    def __init__(
        self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_0 must be a positive integer, got {T_0!r}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, got {T_mult!r}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(f"CosineAnnealingWarmRestarts: eta_min must be a number, got {eta_min!r}")
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (a float allowed: a fraction of the way through an epoch)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"CosineAnnealingWarmRestarts: epoch must be >= 0, got {epoch!r}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:  # the restart n with T_0 (T_mult^n - 1) / (T_mult - 1) <= epoch
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._current_lrs()
