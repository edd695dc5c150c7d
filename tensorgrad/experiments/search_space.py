"""The search space of a sweep: the values each parameter may take, and the settings a sweep runs.

A space maps each parameter name to a list of values or (random mode only) to a distribution, ``Uniform``,
``LogUniform`` or ``IntUniform``. ``check_space`` checks one; ``settings_to_run`` lists its settings, one dict
of parameter values each: every combination in order for a grid, ``trials`` seeded draws in random mode.
The rules are those of ``tensorgrad.experiments.sweep`` (its module docstring states them).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

__all__ = [
    "DISTRIBUTIONS",
    "Distribution",
    "IntUniform",
    "LogUniform",
    "Uniform",
    "check_space",
    "plain_value",
    "settings_to_run",
]


def _check_bounds(kind: str, low: Any, high: Any) -> None:
    """A ValueError naming the distribution ``kind`` unless ``low`` and ``high`` are finite real numbers."""
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, Real) or not math.isfinite(bound):
            raise ValueError(f"{kind}: low and high must be finite numbers, got low={low!r}, high={high!r}")


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high): every value equally likely."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_bounds("Uniform", self.low, self.high)
        if not self.low < self.high:
            raise ValueError(f"Uniform: needs low < high, got low={self.low!r}, high={self.high!r}")

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class LogUniform:
    """Log-uniform on [low, high]: log(value) is uniform, each decade equally likely (0 < low < high)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_bounds("LogUniform", self.low, self.high)
        if not 0 < self.low < self.high:
            raise ValueError(f"LogUniform: needs 0 < low < high, got low={self.low!r}, high={self.high!r}")

    def sample(self, rng: np.random.Generator) -> float:
        value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        return min(max(value, self.low), self.high)  # exp(log(x)) may round a hair outside the bounds


@dataclass(frozen=True)
class IntUniform:
    """A uniformly drawn integer in [low, high], both ends included."""

    low: int
    high: int

    def __post_init__(self) -> None:
        for bound in (self.low, self.high):
            if isinstance(bound, bool) or not isinstance(bound, int | np.integer):
                raise ValueError(
                    f"IntUniform: low and high must be integers, got low={self.low!r}, high={self.high!r}"
                )
        if not self.low <= self.high:
            raise ValueError(f"IntUniform: needs low <= high, got low={self.low!r}, high={self.high!r}")

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.low, self.high, endpoint=True))


Distribution = Uniform | LogUniform | IntUniform
#: the distribution classes, for ``isinstance``
DISTRIBUTIONS = (Uniform, LogUniform, IntUniform)


def plain_value(value: Any) -> Any:
    """numpy scalars as Python numbers (for tables, JSON and equality); anything else as it is."""
    return value.item() if isinstance(value, np.generic) else value


def check_space(space: Any, mode: str) -> dict[str, Any]:
    """``space`` checked for ``mode`` ("grid" or "random"): parameter name -> list of plain values, or a
    distribution (random mode only). Raises a TypeError or ValueError saying what is wrong."""
    if not isinstance(space, Mapping) or not space:
        raise TypeError(
            "sweep: space must be a non-empty dict of parameter name -> list of values (or a distribution "
            f"in random mode), got {space!r}"
        )
    checked: dict[str, Any] = {}
    for name, values in space.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"sweep: parameter names must be identifiers (keyword arguments), got {name!r}")
        if isinstance(values, DISTRIBUTIONS):
            if mode == "grid":
                raise ValueError(
                    f"sweep: parameter {name!r} is a distribution ({values!r}), which a grid cannot "
                    "enumerate; give a list of values, or use mode='random' with trials=N"
                )
            checked[name] = values
            continue
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            raise TypeError(
                f"sweep: the values of {name!r} must be a list (or a Uniform / LogUniform / IntUniform "
                f"distribution in random mode), got {type(values).__name__}: {values!r}"
            )
        listed = [plain_value(v) for v in values]
        if not listed:
            raise ValueError(f"sweep: parameter {name!r} has no values")
        checked[name] = listed
    return checked


def settings_to_run(space: dict[str, Any], mode: str, trials: int | None, seed: int) -> list[dict[str, Any]]:
    """The settings of a checked ``space``, in the order they run: every combination for a grid (the last
    parameter fastest), else ``trials`` independent draws from ``np.random.default_rng(seed)``."""
    names = list(space)
    if mode == "grid":
        if trials is not None:
            raise ValueError("sweep: trials is for mode='random'; a grid runs every combination")
        return [dict(zip(names, combination)) for combination in itertools.product(*space.values())]
    if isinstance(trials, bool) or not isinstance(trials, int | np.integer) or trials < 1:
        raise ValueError(f"sweep: mode='random' needs trials, a positive integer, got {trials!r}")
    rng = np.random.default_rng(seed)
    settings = []
    for _ in range(int(trials)):
        setting = {}
        for name, values in space.items():
            setting[name] = (
                values.sample(rng) if isinstance(values, DISTRIBUTIONS) else values[rng.integers(len(values))]
            )
        settings.append(setting)
    return settings
