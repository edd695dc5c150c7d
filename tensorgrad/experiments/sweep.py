"""Hyperparameter sweeps: run an objective over a grid or random samples of settings, tabulate, plot.

``sweep(objective, space)`` calls ``objective(**params)`` once per setting and collects what it returns (a
number, or a dict of named numbers) into a ``SweepResult``::

    def train(lr, batch_size):
        ...
        return {"loss": final_loss, "accuracy": accuracy}

    result = sweep(train, {"lr": [1e-3, 1e-2, 1e-1, 1.0], "batch_size": [16, 64]})
    print(result.table(sort_by="loss"))
    plot_sweep(result, "lr", "loss", by="batch_size").savefig("lr_sensitivity.png")

The space, per parameter: a list of values, or (random mode only) a distribution, ``Uniform(low, high)``,
``LogUniform(low, high)`` (uniform in log(value): each decade equally likely, the right prior for learning
rates) or ``IntUniform(low, high)`` (both ends included).

* ``mode="grid"``: the full Cartesian product of the lists, in order: the first parameter varies slowest,
  the last fastest (as nested for-loops, as ``itertools.product``).
* ``mode="random"``: ``trials`` settings, each parameter drawn independently: uniformly from its list, or
  from its distribution, with ``np.random.default_rng(seed)`` (reproducible; independent of
  ``tg.manual_seed``).

Failure rule: a metric that is not finite (nan, ±inf: training blew up) is recorded as nan, and the sweep goes
on: finding where training diverges is the point of a learning-rate sweep. An exception inside the objective
is a bug, not a result: it propagates, its message prefixed with the parameters that caused it.

Repeats: with ``repeats=r`` each setting runs r times; an objective that accepts a ``seed`` argument gets
``seed=seed + i`` on run i (the same seeds for every setting, so settings are compared on the same random
draws). The row then holds, per metric ``m``, the mean ``m`` and the sample standard deviation ``m_std``
(ddof = 1) over the runs; one nan run makes both nan (a setting that sometimes diverges is not reliable).

This module runs the sweep; the space and its settings are in ``search_space``, the table in
``sweep_result``, the plot in ``sweep_plot`` (their public names are importable from here too).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..tensor import Tensor
from .search_space import IntUniform, LogUniform, Uniform, check_space, settings_to_run
from .sweep_plot import plot_sweep
from .sweep_result import SweepResult, is_number

__all__ = ["IntUniform", "LogUniform", "SweepResult", "Uniform", "plot_sweep", "sweep"]


def sweep(
    objective: Callable[..., Any],
    space: Mapping[str, Any],
    *,
    mode: str = "grid",
    trials: int | None = None,
    seed: int = 0,
    repeats: int = 1,
    progress: bool = False,
) -> SweepResult:
    """Run ``objective(**params)`` for every setting of ``space`` (see the module docstring for the rules).

    ``mode``: "grid" (every combination of the lists, in order) or "random" (``trials`` draws, seeded by
    ``seed``). ``repeats``: runs per setting, each with ``seed=seed + i`` when the objective accepts
    ``seed``; rows then hold the mean and ``<metric>_std``. ``progress=True`` shows a tqdm progress bar.
    """
    _check_options(objective, mode, repeats, seed)
    checked = check_space(space, mode)
    settings = settings_to_run(checked, mode, trials, int(seed))
    give_seed = "seed" not in checked and _accepts_seed(objective)
    if "seed" in checked and repeats > 1:
        raise ValueError("sweep: 'seed' is a swept parameter, so repeats (which set the seed) must be 1")
    first_seed = int(seed) if give_seed else None
    collected, names = _run_all(objective, settings, list(checked), repeats, first_seed, progress)
    return SweepResult(
        rows=[_row(setting, runs, names, repeats) for setting, runs in collected],
        params=list(checked),
        metrics=[n for m in names for n in ((m, f"{m}_std") if repeats > 1 else (m,))],
        mode=mode,
        seed=int(seed),
        repeats=int(repeats),
    )


def _check_options(objective: Any, mode: Any, repeats: Any, seed: Any) -> None:
    """A TypeError or ValueError for an objective that cannot be called or a bad mode, repeats or seed."""
    if not callable(objective):
        raise TypeError(f"sweep: objective must be callable, got {type(objective).__name__}")
    if mode not in ("grid", "random"):
        raise ValueError(f"sweep: mode must be 'grid' or 'random', got {mode!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ValueError(f"sweep: repeats must be a positive integer, got {repeats!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"sweep: seed must be an integer, got {seed!r}")


def _progress_bar(total: int) -> Any:
    """A tqdm progress bar counting ``total`` runs, or an ImportError saying how to install tqdm."""
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            "sweep(progress=True) needs tqdm: pip install 'tensorgrad[progress]' (or pip install tqdm)"
        ) from error
    return tqdm(total=total, desc="sweep", unit="run")


def _run_all(
    objective: Callable[..., Any],
    settings: list[dict[str, Any]],
    params: list[str],
    repeats: int,
    first_seed: int | None,
    progress: bool,
) -> tuple[list[tuple[dict[str, Any], list[dict[str, float]]]], list[str]]:
    """Run each setting ``repeats`` times: ``[(setting, its runs' metrics)]``, and the names of every metric
    any run returned, in the order first seen. A metric named like one of ``params`` is a ValueError."""
    bar = _progress_bar(len(settings) * repeats) if progress else None
    collected: list[tuple[dict[str, Any], list[dict[str, float]]]] = []
    names: list[str] = []
    try:
        for setting in settings:
            runs = []
            for i in range(repeats):
                extra = {"seed": first_seed + i} if first_seed is not None else {}
                runs.append(_metrics(_call(objective, setting, extra), setting))
                if bar is not None:
                    bar.update(1)
            for run in runs:
                names += [m for m in run if m not in names]
            clash = [m for m in names if m in params]
            if clash:
                raise ValueError(
                    f"sweep: the objective returned the metric {clash[0]!r}, which is also a parameter "
                    "name; rename the metric"
                )
            collected.append((setting, runs))
    finally:
        if bar is not None:
            bar.close()
    return collected, names


def _row(
    setting: dict[str, Any], runs: list[dict[str, float]], names: list[str], repeats: int
) -> dict[str, Any]:
    """One row of the result: the setting, then each metric (nan where a run lacks it); with repeats, the
    mean and the sample standard deviation ``<metric>_std`` over the runs."""
    row = dict(setting)
    for m in names:
        values = np.array([run.get(m, math.nan) for run in runs], dtype=np.float64)
        if repeats == 1:
            row[m] = float(values[0])
        else:
            row[m] = float(values.mean())
            row[f"{m}_std"] = float(values.std(ddof=1))
    return row


def _accepts_seed(objective: Callable[..., Any]) -> bool:
    """Whether ``objective`` takes a ``seed`` keyword argument (or any, through ``**kwargs``)."""
    try:
        parameters = inspect.signature(objective).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature
        return False
    return any(
        (p.name == "seed" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)) or p.kind == p.VAR_KEYWORD
        for p in parameters
    )


def _metric(value: Any, name: str, setting: dict[str, Any]) -> float:
    """One metric as a float; non-finite becomes nan; anything else is a TypeError naming the setting."""
    if isinstance(value, Tensor | np.ndarray) and np.size(value) == 1:
        value = np.asarray(value.array if isinstance(value, Tensor) else value).item()
    if not is_number(value):
        raise TypeError(
            f"sweep: the objective must return a number or a dict of numbers; metric {name!r} is "
            f"{type(value).__name__} ({value!r}) at {_describe(setting)}"
        )
    value = float(value)
    return value if math.isfinite(value) else math.nan


def _metrics(returned: Any, setting: dict[str, Any]) -> dict[str, float]:
    """What the objective returned as metric name -> float: a dict's items, or one number as "value"."""
    if isinstance(returned, Mapping):
        if not returned:
            raise ValueError(f"sweep: the objective returned an empty dict at {_describe(setting)}")
        return {str(k): _metric(v, str(k), setting) for k, v in returned.items()}
    return {"value": _metric(returned, "value", setting)}


def _describe(setting: dict[str, Any]) -> str:
    """A setting as errors name it: ``lr=0.1, batch=16``."""
    return ", ".join(f"{k}={v!r}" for k, v in setting.items())


def _call(objective: Callable[..., Any], setting: dict[str, Any], extra: dict[str, Any]) -> Any:
    """``objective(**setting, **extra)``; an exception it raises propagates, its message prefixed with the
    setting (or, for an exception class that cannot be rebuilt with a new message, with a note added)."""
    try:
        return objective(**setting, **extra)
    except Exception as error:
        where = _describe({**setting, **extra})
        message = f"sweep: the objective failed at {where}: {error}"
        try:
            wrapped = type(error)(message)
        except Exception:  # an exception class with a constructor of its own
            wrapped = None
        if wrapped is None or str(wrapped) != message:
            if hasattr(error, "add_note"):
                error.add_note(f"(sweep: raised at {where})")
            raise
        raise wrapped.with_traceback(error.__traceback__) from error
