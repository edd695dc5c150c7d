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
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from ..files import atomic_write
from ..tensor import Tensor
from ..training.metrics import resolve_mode
from ..viz.plots import _matplotlib
from .text import text_table

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["IntUniform", "LogUniform", "SweepResult", "Uniform", "plot_sweep", "sweep"]

FORMAT = "tensorgrad.sweep"
VERSION = 1


# ----------------------------------------------------------------------------------------------------
# distributions for random mode


def _check_bounds(kind: str, low: Any, high: Any) -> None:
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
_DISTRIBUTIONS = (Uniform, LogUniform, IntUniform)


# ----------------------------------------------------------------------------------------------------
# the result


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers (for tables, JSON and equality)."""
    return value.item() if isinstance(value, np.generic) else value


def _format(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


@dataclass
class SweepResult:
    """The rows of a sweep: one dict per setting, its parameters (in ``params`` order) then its metrics.

    ``column(name)`` gives one column as an array; ``best(metric)`` the best row; ``table()`` /
    ``to_markdown()`` text tables; ``to_json()`` / ``save_json(path)`` and ``from_json`` / ``load_json``
    a lossless round trip (nan is written as JSON null).
    """

    rows: list[dict[str, Any]]
    params: list[str]
    metrics: list[str]
    mode: str = "grid"
    seed: int = 0
    repeats: int = 1

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return (
            f"SweepResult({len(self.rows)} rows, mode={self.mode!r}, params={self.params}, "
            f"metrics={self.metrics})"
        )

    def __str__(self) -> str:
        return self.table()

    def _check_column(self, name: str, function: str, metric_only: bool = False) -> None:
        names = self.metrics if metric_only else self.params + self.metrics
        if name not in names:
            what = "metric" if metric_only else "column"
            raise ValueError(f"SweepResult.{function}: no {what} {name!r}; the result has {', '.join(names)}")

    def column(self, name: str) -> np.ndarray:
        """One column, in row order: float64 for metrics and numeric parameters, else an object array."""
        self._check_column(name, "column")
        values = [row[name] for row in self.rows]
        if name in self.metrics or all(_is_number(v) for v in values):
            return np.array(values, dtype=np.float64 if name in self.metrics else None)
        return np.array(values, dtype=object)

    def best(self, metric: str | None = None, mode: str = "auto") -> dict[str, Any]:
        """The row (a copy) with the smallest (``mode="min"``) or largest (``"max"``) finite ``metric``;
        ``metric`` defaults to the first one; "auto" is max for an accuracy, else min. Ties go to the
        earlier row."""
        metric = self.metrics[0] if metric is None else metric
        self._check_column(metric, "best", metric_only=True)
        mode = resolve_mode(metric, mode, "SweepResult.best", otherwise="min")
        values = self.column(metric)
        finite = np.flatnonzero(np.isfinite(values))
        if finite.size == 0:
            raise ValueError(f"SweepResult.best: every run has {metric} = nan (they all diverged or failed)")
        chosen = finite[np.argmin(values[finite]) if mode == "min" else np.argmax(values[finite])]
        return dict(self.rows[int(chosen)])

    def _sorted_rows(self, sort_by: str | None, mode: str) -> list[dict[str, Any]]:
        if sort_by is None:
            return list(self.rows)
        self._check_column(sort_by, "table")
        mode = resolve_mode(sort_by, mode, "SweepResult.table", otherwise="min")
        if sort_by not in self.metrics and not all(_is_number(row[sort_by]) for row in self.rows):
            return sorted(self.rows, key=lambda row: str(row[sort_by]), reverse=mode == "max")
        sign = 1.0 if mode == "min" else -1.0

        def key(row: dict[str, Any]) -> tuple[bool, float]:
            value = float(row[sort_by])
            return (math.isnan(value), sign * value if not math.isnan(value) else 0.0)

        return sorted(self.rows, key=key)  # stable: equal values keep their order; nan last

    def _cells(self, sort_by: str | None, mode: str) -> tuple[list[str], list[list[str]], list[bool]]:
        header = self.params + self.metrics
        rows = self._sorted_rows(sort_by, mode)
        cells = [[_format(row[name]) for name in header] for row in rows]
        numeric = [all(_is_number(row[name]) for row in rows) for name in header]
        return header, cells, numeric

    def table(self, sort_by: str | None = None, mode: str = "auto") -> str:
        """An aligned plain-text table, one line per row (numbers with 4 significant digits, right-aligned),
        sorted by ``sort_by`` (ascending for ``mode="min"``, descending for "max", "auto": descending for an
        accuracy; nan rows last)."""
        return text_table(*self._cells(sort_by, mode))

    def to_markdown(self, sort_by: str | None = None, mode: str = "auto") -> str:
        """The table in Markdown (GitHub pipe table; numeric columns right-aligned)."""
        header, cells, numeric = self._cells(sort_by, mode)
        lines = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---:" if n else ":---" for n in numeric) + "|",
        ]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)

    # ----------------------------------------------------------------- JSON
    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON: ``{"format": "tensorgrad.sweep", "version": 1, "mode", "seed", "repeats",
        "params", "metrics", "rows": [{name: value}, ...]}``; nan metrics are null. Parameter values must
        be JSON values (numbers, strings, bools, None, lists); anything else is written as its ``str``."""

        def metric(value: float) -> float | None:
            return None if math.isnan(value) else value

        rows = [
            {**{p: _json_value(row[p]) for p in self.params}, **{m: metric(row[m]) for m in self.metrics}}
            for row in self.rows
        ]
        document = {
            "format": FORMAT,
            "version": VERSION,
            "mode": self.mode,
            "seed": self.seed,
            "repeats": self.repeats,
            "params": self.params,
            "metrics": self.metrics,
            "rows": rows,
        }
        try:
            return json.dumps(document, indent=indent, allow_nan=False)
        except ValueError:
            raise ValueError(
                "SweepResult.to_json: a parameter value is inf or nan, which JSON cannot hold"
            ) from None

    def save_json(self, path: str | os.PathLike[str]) -> None:
        """Write ``to_json()`` to ``path`` atomically (complete or not at all)."""
        atomic_write(path, self.to_json().encode("utf-8"), op="SweepResult.save_json")

    @classmethod
    def from_json(cls, text: str) -> SweepResult:
        """Read what ``to_json`` wrote."""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"SweepResult.from_json: not valid JSON ({error})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f"SweepResult.from_json: not a sweep result (expected format {FORMAT!r})")
        if document.get("version") != VERSION:
            raise ValueError(
                f"SweepResult.from_json: unsupported version {document.get('version')!r} "
                f"(this version of tensorgrad reads {VERSION})"
            )
        params, metrics = list(document["params"]), list(document["metrics"])
        rows = []
        for row in document["rows"]:
            values = {p: row[p] for p in params}
            values.update({m: math.nan if row[m] is None else float(row[m]) for m in metrics})
            rows.append(values)
        return cls(
            rows=rows,
            params=params,
            metrics=metrics,
            mode=document.get("mode", "grid"),
            seed=document.get("seed", 0),
            repeats=document.get("repeats", 1),
        )

    @classmethod
    def load_json(cls, path: str | os.PathLike[str]) -> SweepResult:
        """Read a file written by ``save_json``."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"SweepResult.load_json: no such file {os.fspath(path)!r}")
        with open(path, encoding="utf-8") as file:
            return cls.from_json(file.read())


def _json_value(value: Any) -> Any:
    value = _plain(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)


# ----------------------------------------------------------------------------------------------------
# running the sweep


def _check_space(space: Any, mode: str) -> dict[str, Any]:
    if not isinstance(space, Mapping) or not space:
        raise TypeError(
            "sweep: space must be a non-empty dict of parameter name -> list of values (or a distribution "
            f"in random mode), got {space!r}"
        )
    checked: dict[str, Any] = {}
    for name, values in space.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"sweep: parameter names must be identifiers (keyword arguments), got {name!r}")
        if isinstance(values, _DISTRIBUTIONS):
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
        listed = [_plain(v) for v in values]
        if not listed:
            raise ValueError(f"sweep: parameter {name!r} has no values")
        checked[name] = listed
    return checked


def _settings(space: dict[str, Any], mode: str, trials: int | None, seed: int) -> list[dict[str, Any]]:
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
                values.sample(rng)
                if isinstance(values, _DISTRIBUTIONS)
                else values[rng.integers(len(values))]
            )
        settings.append(setting)
    return settings


def _accepts_seed(objective: Callable[..., Any]) -> bool:
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
    if not _is_number(value):
        raise TypeError(
            f"sweep: the objective must return a number or a dict of numbers; metric {name!r} is "
            f"{type(value).__name__} ({value!r}) at {_describe(setting)}"
        )
    value = float(value)
    return value if math.isfinite(value) else math.nan


def _metrics(returned: Any, setting: dict[str, Any]) -> dict[str, float]:
    if isinstance(returned, Mapping):
        if not returned:
            raise ValueError(f"sweep: the objective returned an empty dict at {_describe(setting)}")
        return {str(k): _metric(v, str(k), setting) for k, v in returned.items()}
    return {"value": _metric(returned, "value", setting)}


def _describe(setting: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in setting.items())


def _call(objective: Callable[..., Any], setting: dict[str, Any], extra: dict[str, Any]) -> Any:
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
    if not callable(objective):
        raise TypeError(f"sweep: objective must be callable, got {type(objective).__name__}")
    if mode not in ("grid", "random"):
        raise ValueError(f"sweep: mode must be 'grid' or 'random', got {mode!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ValueError(f"sweep: repeats must be a positive integer, got {repeats!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"sweep: seed must be an integer, got {seed!r}")
    checked = _check_space(space, mode)
    settings = _settings(checked, mode, trials, int(seed))
    give_seed = "seed" not in checked and _accepts_seed(objective)
    if "seed" in checked and repeats > 1:
        raise ValueError("sweep: 'seed' is a swept parameter, so repeats (which set the seed) must be 1")

    bar = None
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError as error:
            raise ImportError(
                "sweep(progress=True) needs tqdm: pip install 'tensorgrad[progress]' (or pip install tqdm)"
            ) from error
        bar = tqdm(total=len(settings) * repeats, desc="sweep", unit="run")

    collected: list[tuple[dict[str, Any], list[dict[str, float]]]] = []
    names: list[str] = []  # every metric any run returned, in the order first seen
    try:
        for setting in settings:
            runs = []
            for i in range(repeats):
                extra = {"seed": int(seed) + i} if give_seed else {}
                runs.append(_metrics(_call(objective, setting, extra), setting))
                if bar is not None:
                    bar.update(1)
            for run in runs:
                names += [m for m in run if m not in names]
            clash = [m for m in names if m in checked]
            if clash:
                raise ValueError(
                    f"sweep: the objective returned the metric {clash[0]!r}, which is also a parameter "
                    "name; rename the metric"
                )
            collected.append((setting, runs))
    finally:
        if bar is not None:
            bar.close()

    table = []
    for setting, runs in collected:
        row = dict(setting)
        for m in names:
            values = np.array([run.get(m, math.nan) for run in runs], dtype=np.float64)
            if repeats == 1:
                row[m] = float(values[0])
            else:
                row[m] = float(values.mean())
                row[f"{m}_std"] = float(values.std(ddof=1))
        table.append(row)
    metrics = [n for m in names for n in ((m, f"{m}_std") if repeats > 1 else (m,))]
    return SweepResult(
        rows=table,
        params=list(checked),
        metrics=metrics,
        mode=mode,
        seed=int(seed),
        repeats=int(repeats),
    )


# ----------------------------------------------------------------------------------------------------
# the sensitivity plot


def _numeric(values: list[Any]) -> bool:
    return all(_is_number(v) for v in values)


def plot_sweep(
    result: SweepResult,
    param: str,
    metric: str,
    by: str | None = None,
    ax: Axes | None = None,
    log_x: bool | str = "auto",
    *,
    mode: str = "auto",
    log_y: bool = False,
    title: str | None = None,
) -> Figure:
    """The sensitivity plot: ``metric`` against ``param``, one line per value of ``by``; returns the Figure.

    The x axis is logarithmic when ``log_x=True``, or with ``"auto"`` when the values are positive and span
    more than two decades (max/min > 100); a non-numeric ``param`` (an optimizer name) is placed on
    categorical ticks. Where several rows share one x (and ``by``) value, because other parameters were swept
    too, the best of them (``mode``: "min" or "max") is drawn and the y label says so. A ``<metric>_std``
    column (from repeats) is drawn as a ±1 std band. Runs with a nan metric (diverged) are drawn as x markers
    on the top edge of the axes, in their line's colour; the best point is a star. Draws into ``ax`` when
    given, else into a new Figure.
    """
    Figure, _ = _matplotlib("tensorgrad.experiments.plot_sweep")
    if not isinstance(result, SweepResult):
        raise TypeError(f"plot_sweep: expected a SweepResult (from sweep()), got {type(result).__name__}")
    if param not in result.params:
        raise ValueError(f"plot_sweep: no parameter {param!r}; the sweep has {', '.join(result.params)}")
    if metric not in result.metrics:
        raise ValueError(f"plot_sweep: no metric {metric!r}; the sweep has {', '.join(result.metrics)}")
    if by is not None and (by not in result.params or by == param):
        others = ", ".join(p for p in result.params if p != param) or "none"
        raise ValueError(f"plot_sweep: by must be another parameter of the sweep ({others}), got {by!r}")
    mode = resolve_mode(metric, mode, "plot_sweep", otherwise="min")
    if not result.rows:
        raise ValueError("plot_sweep: the sweep has no rows")

    xs_all = [row[param] for row in result.rows]
    numeric = _numeric(xs_all)
    if numeric:
        positive = all(x > 0 for x in xs_all)
        span = max(xs_all) / min(xs_all) if positive else 0.0
        if log_x is True and not positive:
            raise ValueError(f"plot_sweep: log_x=True needs positive {param} values, got min {min(xs_all)!r}")
        if log_x not in (True, False, "auto"):
            raise ValueError(f"plot_sweep: log_x must be True, False or 'auto', got {log_x!r}")
        log = log_x is True or (log_x == "auto" and positive and span > 100)
        categories: list[Any] = []
    else:
        if log_x is True:
            raise ValueError(f"plot_sweep: log_x=True needs numeric {param} values")
        log = False
        categories = list(dict.fromkeys(xs_all))

    def position(x: Any) -> float:
        return float(x) if numeric else float(categories.index(x))

    std_name = f"{metric}_std"
    has_std = std_name in result.metrics
    groups: dict[Any, dict[float, tuple[float, float]]] = {}
    aggregated = False
    for row in result.rows:
        group = groups.setdefault(row[by] if by is not None else None, {})
        x, y = position(row[param]), float(row[metric])
        std = float(row[std_name]) if has_std else math.nan
        if x in group:
            aggregated = True
            old = group[x][0]
            better = math.isnan(old) or (not math.isnan(y) and (y < old if mode == "min" else y > old))
            if not better:
                continue
        group[x] = (y, std)

    if ax is None:
        fig = Figure(figsize=(7.0, 4.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure

    best: tuple[float, float, Any] | None = None
    diverged_rows = 0  # each line's diverged markers get their own row below the top edge: none hides another
    for key, group in groups.items():
        xs = np.array(sorted(group), dtype=np.float64)
        ys = np.array([group[x][0] for x in xs])
        stds = np.array([group[x][1] for x in xs])
        label = f"{by}={_format(_plain(key))}" if by is not None else metric
        (line,) = ax.plot(xs, ys, marker="o", markersize=4, linewidth=1.6, label=label)
        colour = line.get_color()
        if has_std and np.isfinite(stds).any():
            ax.fill_between(xs, ys - stds, ys + stds, color=colour, alpha=0.2, linewidth=0)
        bad = np.isnan(ys)
        if bad.any():
            ax.plot(
                xs[bad],
                np.full(int(bad.sum()), 1.0 - 0.04 * diverged_rows),
                transform=ax.get_xaxis_transform(),  # x in data, y in axes units: 1 is the top edge
                linestyle="none",
                marker="x",
                markersize=9,
                markeredgewidth=2,
                color=colour,
                clip_on=False,
                label="diverged (nan)" if diverged_rows == 0 else "_nolegend_",
                zorder=4,
            )
            diverged_rows += 1
        for x, y in zip(xs[~bad], ys[~bad]):
            if best is None or (y < best[1] if mode == "min" else y > best[1]):
                best = (x, y, key)

    if best is not None:
        x, y, key = best
        shown_x = categories[int(x)] if not numeric else x
        where = f"{param}={_format(_plain(shown_x))}" + (f", {by}={_format(_plain(key))}" if by else "")
        ax.plot(
            [x],
            [y],
            linestyle="none",
            marker="*",
            markersize=16,
            color="gold",
            markeredgecolor="black",
            label=f"best: {metric}={y:.4g} at {where}",
            zorder=5,
        )
    ax.use_sticky_edges = False  # the ±std bands would pin the x limits to the first and last point
    if log:
        ax.set_xscale("log")
    if not numeric:
        ax.set_xticks(range(len(categories)), [str(c) for c in categories])
        ax.set_xlim(-0.5, len(categories) - 0.5)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(param + (" (log scale)" if log else ""))
    others = [p for p in result.params if p not in (param, by)]
    ax.set_ylabel(f"{metric} ({mode} over {', '.join(others)})" if aggregated and others else metric)
    ax.grid(alpha=0.35, which="both" if log else "major")
    handles, labels = ax.get_legend_handles_labels()  # the lines first, then the diverged and best markers
    last = ("diverged (nan)", "best: ")
    ranked = sorted(zip(handles, labels), key=lambda hl: any(hl[1].startswith(s) for s in last))
    ax.legend(*zip(*ranked), title=by, fontsize="small")
    default = f"{metric} vs {param}" + (f", by {by}" if by else "")
    ax.set_title(default if title is None else title)
    return fig
