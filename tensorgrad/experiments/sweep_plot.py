"""The sensitivity plot of a sweep: one metric against one parameter, one line per value of another.

``plot_sweep(result, "lr", "loss", by="batch_size")`` shows how sensitive training is to the learning rate,
and whether the batch size changes that: the diverged runs on the top edge, the best point as a star.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..training.metrics import resolve_mode
from ..viz.figures import figure_and_axes, ordered_legend, require_matplotlib
from .search_space import plain_value
from .sweep_result import SweepResult, format_value, is_number

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_sweep"]

#: the labels of the legend entries that follow the lines: the diverged markers and the best point
_MARKER_LABELS = ("diverged (nan)", "best: ")

Group = dict[float, tuple[float, float]]  # x position -> (metric, its std) on one line
Best = tuple[float, float, Any]  # x position, metric, the line's value of ``by``


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
    require_matplotlib("tensorgrad.experiments.plot_sweep")
    mode = _check_arguments(result, param, metric, by, mode)
    x_axis = _XAxis.of([row[param] for row in result.rows], param, log_x)
    groups, aggregated = _best_per_point(result, param, metric, by, mode, x_axis)
    fig, ax = figure_and_axes(ax, figsize=(7.0, 4.8))
    best = _draw_lines(ax, groups, by, metric, mode, has_std=f"{metric}_std" in result.metrics)
    if best is not None:
        _draw_best(ax, best, param, metric, by, x_axis)
    _scale_axes(ax, x_axis, log_y)
    others = [p for p in result.params if p not in (param, by)]
    ax.set_xlabel(param + (" (log scale)" if x_axis.log else ""))
    ax.set_ylabel(f"{metric} ({mode} over {', '.join(others)})" if aggregated and others else metric)
    ax.grid(alpha=0.35, which="both" if x_axis.log else "major")
    ordered_legend(ax, rank=lambda label: label.startswith(_MARKER_LABELS), title=by, fontsize="small")
    default = f"{metric} vs {param}" + (f", by {by}" if by else "")
    ax.set_title(default if title is None else title)
    return fig


def _check_arguments(result: Any, param: str, metric: str, by: str | None, mode: str) -> str:
    """A TypeError or ValueError for arguments that do not name what ``result`` holds; else the mode
    ("min" or "max") that makes a point of ``metric`` better."""
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
    return mode


@dataclass
class _XAxis:
    """Where the swept parameter's values stand on the x axis: at themselves (numbers, on a log scale or
    not), or at 0, 1, 2... (names, ``categories`` in the order first seen)."""

    numeric: bool
    log: bool
    categories: list[Any]

    @classmethod
    def of(cls, values: list[Any], param: str, log_x: bool | str) -> _XAxis:
        """The axis for ``values``; a ValueError when ``log_x`` cannot apply to them."""
        if not all(is_number(v) for v in values):
            if log_x is True:
                raise ValueError(f"plot_sweep: log_x=True needs numeric {param} values")
            return cls(numeric=False, log=False, categories=list(dict.fromkeys(values)))
        positive = all(x > 0 for x in values)
        span = max(values) / min(values) if positive else 0.0
        if log_x is True and not positive:
            raise ValueError(f"plot_sweep: log_x=True needs positive {param} values, got min {min(values)!r}")
        if log_x not in (True, False, "auto"):
            raise ValueError(f"plot_sweep: log_x must be True, False or 'auto', got {log_x!r}")
        log = log_x is True or (log_x == "auto" and positive and span > 100)
        return cls(numeric=True, log=log, categories=[])

    def position(self, value: Any) -> float:
        """The x of a parameter value."""
        return float(value) if self.numeric else float(self.categories.index(value))

    def value(self, position: float) -> Any:
        """The parameter value at an x."""
        return position if self.numeric else self.categories[int(position)]


def _best_per_point(
    result: SweepResult, param: str, metric: str, by: str | None, mode: str, x_axis: _XAxis
) -> tuple[dict[Any, Group], bool]:
    """The points of each line (one per value of ``by``; one line, keyed None, without it): where several
    rows share an x, the best of them by ``mode`` (a nan only where all are nan). Also whether any did."""
    std_name = f"{metric}_std"
    has_std = std_name in result.metrics
    groups: dict[Any, Group] = {}
    aggregated = False
    for row in result.rows:
        group = groups.setdefault(row[by] if by is not None else None, {})
        x, y = x_axis.position(row[param]), float(row[metric])
        std = float(row[std_name]) if has_std else math.nan
        if x in group:
            aggregated = True
            old = group[x][0]
            better = math.isnan(old) or (not math.isnan(y) and (y < old if mode == "min" else y > old))
            if not better:
                continue
        group[x] = (y, std)
    return groups, aggregated


def _draw_lines(
    ax: Axes, groups: dict[Any, Group], by: str | None, metric: str, mode: str, has_std: bool
) -> Best | None:
    """Each group as a line (with its ±std band, and its diverged runs on the top edge); returns the best
    finite point of them all, or None when every run diverged. Each line's diverged markers get their own
    row below the top edge, so that none hides another."""
    best: Best | None = None
    diverged_rows = 0
    for key, group in groups.items():
        xs = np.array(sorted(group), dtype=np.float64)
        ys = np.array([group[x][0] for x in xs])
        stds = np.array([group[x][1] for x in xs])
        label = f"{by}={format_value(plain_value(key))}" if by is not None else metric
        (line,) = ax.plot(xs, ys, marker="o", markersize=4, linewidth=1.6, label=label)
        colour = line.get_color()
        if has_std and np.isfinite(stds).any():
            ax.fill_between(xs, ys - stds, ys + stds, color=colour, alpha=0.2, linewidth=0)
        bad = np.isnan(ys)
        if bad.any():
            _draw_diverged(ax, xs[bad], colour, diverged_rows)
            diverged_rows += 1
        for x, y in zip(xs[~bad], ys[~bad]):
            if best is None or (y < best[1] if mode == "min" else y > best[1]):
                best = (x, y, key)
    return best


def _draw_diverged(ax: Axes, xs: np.ndarray, colour: str, row: int) -> None:
    """x markers at ``xs`` in the ``row``-th row below the top edge; only the first row gets a legend
    entry."""
    ax.plot(
        xs,
        np.full(xs.size, 1.0 - 0.04 * row),
        transform=ax.get_xaxis_transform(),  # x in data, y in axes units: 1 is the top edge
        linestyle="none",
        marker="x",
        markersize=9,
        markeredgewidth=2,
        color=colour,
        clip_on=False,
        label="diverged (nan)" if row == 0 else "_nolegend_",
        zorder=4,
    )


def _draw_best(ax: Axes, best: Best, param: str, metric: str, by: str | None, x_axis: _XAxis) -> None:
    """The best point as a gold star, its legend entry saying its value and where it is."""
    x, y, key = best
    where = f"{param}={format_value(plain_value(x_axis.value(x)))}"
    where += f", {by}={format_value(plain_value(key))}" if by else ""
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


def _scale_axes(ax: Axes, x_axis: _XAxis, log_y: bool) -> None:
    """The x scale (log, linear, or the names on categorical ticks) and the y scale."""
    ax.use_sticky_edges = False  # the ±std bands would pin the x limits to the first and last point
    if x_axis.log:
        ax.set_xscale("log")
    if not x_axis.numeric:
        ax.set_xticks(range(len(x_axis.categories)), [str(c) for c in x_axis.categories])
        ax.set_xlim(-0.5, len(x_axis.categories) - 0.5)
    if log_y:
        ax.set_yscale("log")
