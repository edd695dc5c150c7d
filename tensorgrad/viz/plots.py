"""matplotlib plots: gradient flow through a network's layers, and training curves per epoch.

``plot_grad_flow(model)`` draws, after ``loss.backward()``, one group of bars per layer (the gradient's L2
norm and its mean absolute value, with the largest absolute value as a marker) on a log axis, so gradients
that vanish towards the input (a deep sigmoid net) or explode show as a slope of several decades.
``plot_history(history)`` draws the training curves, one panel per metric, its validation curve beside it.

matplotlib is optional (``pip install 'tensorgrad[plot]'``): it is imported when a function is called, never
when this module is imported. The functions build ``matplotlib.figure.Figure`` objects directly, without
pyplot's global state, so they work headless (``fig.savefig("grads.png")``) and display inline in Jupyter;
pass ``ax=`` to draw into axes of your own instead. The plumbing that every plot shares (the optional
import, a new figure or the axes given) is in ``figures``. Example::

    loss = loss_fn(model(x), y)
    loss.backward()
    plot_grad_flow(model).savefig("grad_flow.png")
    plot_history({"loss": train_losses, "val_loss": val_losses}).savefig("history.png")
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..nn.module import Module
from ..tensor import Tensor
from .figures import figure_and_axes, new_figure, ordered_legend, require_matplotlib, whole_number_ticks

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_grad_flow", "plot_history"]

_GRAD_KINDS = ("both", "norm", "mean")
_ROLE_PREFIXES = (("val_", "validation"), ("train_", "train"), ("test_", "test"))
_ROLE_COLOURS = {"train": "tab:blue", "validation": "tab:orange", "test": "tab:green"}
_ROLE_ORDER = {"train": 0, "validation": 1, "test": 2}
_LEGEND_ORDER = ("L2 norm", "mean |grad|", "max |grad|", "zero gradient", "nan / inf gradient")


# ----------------------------------------------------------------------------------------------------
# gradient flow


def _named_parameters(model_or_named_params: Any) -> list[tuple[str, Tensor]]:
    """The (name, Parameter) pairs of a Module, or of an iterable of such pairs, in order."""
    if isinstance(model_or_named_params, Module):
        return list(model_or_named_params.named_parameters())
    if isinstance(model_or_named_params, Tensor) or not isinstance(model_or_named_params, Iterable):
        raise TypeError(
            "plot_grad_flow: expected an nn.Module or an iterable of (name, Parameter) pairs such as "
            f"model.named_parameters(), got {type(model_or_named_params).__name__}"
        )
    pairs = []
    for item in model_or_named_params:
        if isinstance(item, Tensor):
            raise TypeError(
                "plot_grad_flow: expected (name, Parameter) pairs, got a bare Parameter (from "
                "model.parameters()?); pass the model itself or model.named_parameters()"
            )
        if not (isinstance(item, tuple | list) and len(item) == 2 and isinstance(item[1], Tensor)):
            raise TypeError(f"plot_grad_flow: expected (name, Parameter) pairs, got the item {item!r}")
        pairs.append((str(item[0]), item[1]))
    return pairs


def _grad_stats(named: list[tuple[str, Tensor]], include_bias: bool) -> list[tuple[str, float, float, float]]:
    """(name, L2 norm, mean |grad|, max |grad|) per plotted parameter, computed in float64 on copies."""
    stats = []
    for name, param in named:
        if param.grad is None or param.array.size == 0 or (not include_bias and param.array.ndim < 2):
            continue
        grad = np.asarray(param.grad.array, dtype=np.float64)  # float64: a float32 norm could overflow
        magnitude = np.abs(grad)  # a new array: the gradient itself is only read
        stats.append(
            (name, float(np.linalg.norm(grad.ravel())), float(magnitude.mean()), float(magnitude.max()))
        )
    if not stats:
        if not include_bias and any(p.grad is not None and p.array.size for _, p in named):
            raise ValueError(
                "plot_grad_flow: no weight (a parameter with ndim > 1) has a gradient; only 1-D parameters "
                "(biases, normalisation scales) do: pass include_bias=True to plot them"
            )
        raise ValueError("plot_grad_flow: no parameter has a gradient yet; call loss.backward() first")
    return stats


def _log_limits(values: np.ndarray) -> tuple[float, float]:
    """y limits on whole decades around the positive finite ``values``, one decade of margin at each end."""
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return 1e-3, 1.0
    low = 10.0 ** (math.floor(math.log10(positive.min())) - 1)
    high = 10.0 ** (math.ceil(math.log10(positive.max())) + 1)
    return low, high


def plot_grad_flow(
    model_or_named_params: Module | Iterable[tuple[str, Tensor]],
    *,
    ax: Axes | None = None,
    kind: str = "both",
    include_bias: bool = False,
    title: str | None = None,
) -> Figure:
    """Bar chart of each layer's gradient magnitude on a log axis, to spot vanishing or exploding gradients.

    Call it after ``loss.backward()``. ``model_or_named_params`` is an ``nn.Module`` (its
    ``named_parameters()`` are used) or an iterable of ``(name, Parameter)`` pairs. The x axis holds the
    parameters in forward order (their names as tick labels); for each, the bars show the L2 norm of its
    gradient (``kind="norm"``), the mean absolute value (``kind="mean"``) or both side by side (``"both"``,
    the default), and a black line the largest absolute value. A healthy network keeps the bars within a few
    decades of each other; bars that shrink decade after decade towards the input mean vanishing gradients.

    Only weights (parameters with ``ndim > 1``) are drawn by default, as in the classic gradient-flow plot:
    biases and normalisation scales have gradients of another scale and would crowd the picture.
    ``include_bias=True`` draws every parameter. Parameters without a gradient (``grad is None``) and empty
    ones are skipped.

    A log axis cannot show 0: a gradient that is exactly zero is drawn as a red cross on the bottom of the
    axis and annotated "0"; a non-finite one (nan/inf) as a red triangle on the top, annotated with its value.

    Draws into ``ax`` when given (and returns its figure); otherwise builds a new ``Figure`` (not pyplot's
    current one). Nothing of the parameters or their gradients is changed.

    Raises ``ValueError`` when no parameter has a gradient (call ``loss.backward()`` first) or ``kind`` is
    unknown, and ``ImportError`` when matplotlib is not installed.
    """
    require_matplotlib("plot_grad_flow")
    if kind not in _GRAD_KINDS:
        raise ValueError(
            f"plot_grad_flow: kind must be one of {', '.join(map(repr, _GRAD_KINDS))}, got {kind!r}"
        )
    stats = _grad_stats(_named_parameters(model_or_named_params), include_bias)
    names = [s[0] for s in stats]
    columns = np.array([s[1:] for s in stats], dtype=np.float64).reshape(-1, 3)  # norm, mean, max per row
    norms, means, maxes = columns.T
    fig, ax = figure_and_axes(ax, figsize=(max(6.0, 0.55 * len(stats) + 3.0), 4.8))
    x = np.arange(len(stats), dtype=np.float64)
    bars = _bar_kinds(kind, norms, means)
    low, high = _grad_axis_limits(ax, np.concatenate([b[1] for b in bars] + [maxes]))
    ax.set_yscale("log")
    ax.set_ylim(low, high)
    zero_x, bad_x = _draw_grad_bars(ax, x, bars, low, high)
    _draw_max_marks(ax, x, maxes)
    _edge_markers(ax, zero_x, low, "zero gradient", marker="x", markeredgewidth=2)
    _edge_markers(ax, bad_x, high, "nan / inf gradient", marker="^")
    _label_grad_axes(ax, x, names, title)
    return fig


def _bar_kinds(kind: str, norms: np.ndarray, means: np.ndarray) -> list[tuple[str, np.ndarray, str]]:
    """The bars ``kind`` asks for, each as (label, heights, colour), in the order they stand side by side."""
    bars = [("L2 norm", norms, "tab:blue"), ("mean |grad|", means, "tab:orange")]
    if kind != "both":
        bars = [bars[0] if kind == "norm" else bars[1]]
    return bars


def _grad_axis_limits(ax: Axes, values: np.ndarray) -> tuple[float, float]:
    """The log y limits for ``values`` (``_log_limits``), widened to the current ones when ``ax`` shares its
    y axis with earlier plots (sharey=True): never cut their bars off."""
    low, high = _log_limits(values)
    if any(a.has_data() for a in ax.get_shared_y_axes().get_siblings(ax)) and ax.get_yscale() == "log":
        low, high = min(low, ax.get_ylim()[0]), max(high, ax.get_ylim()[1])
    return low, high


def _draw_grad_bars(
    ax: Axes, x: np.ndarray, bars: list[tuple[str, np.ndarray, str]], low: float, high: float
) -> tuple[list[float], list[float]]:
    """The bars side by side around each x; a zero height is annotated "0" on the bottom edge and a
    non-finite one with its value on the top edge. Returns the x of the zero bars and of the non-finite
    ones, for their markers."""
    width = 0.8 / len(bars)
    zero_x, bad_x = [], []
    for i, (label, heights, colour) in enumerate(bars):
        at = x + (i - (len(bars) - 1) / 2) * width
        shown = np.where(np.isfinite(heights), heights, 0.0)  # non-finite ones are marked on the top instead
        ax.bar(at, shown, width=width, color=colour, label=label, zorder=2)
        for j in np.flatnonzero(heights == 0.0):
            zero_x.append(at[j])
            _edge_note(ax, "0", (at[j], low), rise=7, va="bottom")
        for j in np.flatnonzero(~np.isfinite(heights)):
            bad_x.append(at[j])
            _edge_note(ax, str(heights[j]), (at[j], high), rise=-9, va="top")
    return zero_x, bad_x


def _edge_note(ax: Axes, text: str, at: tuple[float, float], rise: float, va: str) -> None:
    """A small red note ``rise`` points above (below, when negative) the point ``at`` on an edge."""
    ax.annotate(
        text,
        at,
        xytext=(0, rise),
        textcoords="offset points",
        ha="center",
        va=va,
        fontsize=8,
        color="tab:red",
    )


def _draw_max_marks(ax: Axes, x: np.ndarray, maxes: np.ndarray) -> None:
    """A black line across each layer's bars at its largest absolute gradient (where positive and finite)."""
    drawn = np.isfinite(maxes) & (maxes > 0)
    ax.hlines(
        maxes[drawn],
        x[drawn] - 0.42,
        x[drawn] + 0.42,
        colors="black",
        linewidth=2.0,
        label="max |grad|",
        zorder=3,
    )


def _edge_markers(ax: Axes, xs: list[float], y: float, label: str, **style: Any) -> None:
    """Red markers at each of ``xs`` on the edge ``y`` of the axes (unclipped); nothing when ``xs`` is
    empty."""
    if xs:
        ax.plot(
            xs,
            [y] * len(xs),
            linestyle="none",
            markersize=7,
            color="tab:red",
            clip_on=False,
            label=label,
            zorder=4,
            **style,
        )


def _label_grad_axes(ax: Axes, x: np.ndarray, names: list[str], title: str | None) -> None:
    """The parameter names as x ticks, the axis labels, the title, a grid, and the legend beside the axes."""
    ax.set_xticks(x, names, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_xlabel("layer")
    ax.set_ylabel("gradient magnitude (log scale)")
    ax.set_title("Gradient flow" if title is None else title)
    ax.grid(axis="y", which="major", alpha=0.35, zorder=0)
    ax.set_axisbelow(True)
    ordered_legend(
        ax,
        rank=lambda label: _LEGEND_ORDER.index(label) if label in _LEGEND_ORDER else len(_LEGEND_ORDER),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
    )


# ----------------------------------------------------------------------------------------------------
# training history


def _series(key: str, values: Any) -> np.ndarray:
    """One metric's values as a 1-D float64 array, or a TypeError naming the metric."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(
            f"plot_history: the history of {key!r} must be a list of numbers (one per epoch), "
            f"got {type(values).__name__}"
        )
    try:
        array = np.array([float(v) for v in values], dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"plot_history: the history of {key!r} must hold numbers, one per epoch: {error}"
        ) from None
    return array


def _history_series(history: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """metric name -> (1-based epochs, values), from a mapping of lists or a list of per-epoch dicts."""
    if not isinstance(history, Mapping | Sequence) and hasattr(history, "history"):
        history = history.history
    if isinstance(history, Mapping):
        series = {}
        for key, values in history.items():
            array = _series(str(key), values)
            series[str(key)] = (np.arange(1, array.size + 1, dtype=np.float64), array)
        return series
    if isinstance(history, Sequence) and not isinstance(history, str | bytes):
        columns: dict[str, tuple[list[float], list[Any]]] = {}
        for epoch, row in enumerate(history, start=1):
            if not isinstance(row, Mapping):
                raise TypeError(
                    f"plot_history: a list history must hold one dict per epoch, got {type(row).__name__} "
                    f"for epoch {epoch}"
                )
            for key, value in row.items():
                epochs, values = columns.setdefault(str(key), ([], []))
                epochs.append(float(epoch))  # an epoch without this metric leaves a gap in x, not a shift
                values.append(value)
        return {key: (np.array(e, dtype=np.float64), _series(key, v)) for key, (e, v) in columns.items()}
    raise TypeError(
        "plot_history: expected a mapping of metric name -> list of numbers per epoch, a list of per-epoch "
        f"dicts, or an object with a .history attribute holding one, got {type(history).__name__}"
    )


def _split_key(key: str) -> tuple[str, str]:
    """(family, role): "val_loss" -> ("loss", "validation"), "loss" -> ("loss", "train")."""
    for prefix, role in _ROLE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :], role
    return key, "train"


def _families(series: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """family -> [(key, role), ...] in the order the families first appear, train before validation."""
    families: dict[str, list[tuple[str, str]]] = {}
    for key in series:
        family, role = _split_key(key)
        families.setdefault(family, []).append((key, role))
    for members in families.values():
        members.sort(key=lambda member: _ROLE_ORDER[member[1]])  # stable: keeps the input order within a role
    return families


def _selected(families: dict[str, list[tuple[str, str]]], metrics: Any) -> list[str]:
    """The families ``metrics`` names (a family or any of its keys), in the order given."""
    if metrics is None:
        return list(families)
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    available = ", ".join(repr(f) for f in families)
    if not wanted:
        raise ValueError(f"plot_history: metrics is empty; name some of the available metrics: {available}")
    chosen: list[str] = []
    for name in wanted:
        family = name if name in families else _split_key(str(name))[0]
        if family not in families or not any(name in (family, key) for key, _ in families[family]):
            raise ValueError(f"plot_history: unknown metric {name!r}; the history has: {available}")
        if family not in chosen:
            chosen.append(family)
    return chosen


def plot_history(
    history: Any,
    *,
    metrics: str | Iterable[str] | None = None,
    ax: Axes | None = None,
    axes: Axes | Sequence[Axes] | None = None,
    title: str | None = None,
) -> Figure:
    """Training curves per epoch: one panel per metric, its validation (and test) curve in the same panel.

    ``history`` is a mapping of metric name -> one number per epoch (``{"loss": [...], "val_loss": [...]}``,
    as Keras' ``History.history``), a list of per-epoch dicts (``[{"loss": 0.9, "val_loss": 1.1}, ...]``;
    an epoch that lacks a metric leaves a gap), or an object with a ``.history`` attribute holding either.
    Keys ``val_X``, ``train_X`` and ``test_X`` are drawn in the panel of ``X`` (labelled "validation",
    "train", "test"; ``X`` itself is "train"); each other key gets a panel of its own. Curves of different
    lengths are drawn as they are. The x axis is the epoch, counted from 1.

    ``metrics`` restricts the panels, by family name (``"loss"``) or key (``"val_loss"`` selects its family),
    in the order given. ``axes`` (or ``ax``) draws into axes of your own, one per panel; otherwise a new
    ``Figure`` is built, with the panels in rows of at most three and ``title`` (default "Training history")
    above them. With axes of your own the figure gets a title only when ``title`` is given.

    Raises ``ValueError`` for an empty history, an unknown metric (naming the available ones) or a number of
    axes that does not match the panels; ``TypeError`` for a history of another shape.
    """
    require_matplotlib("plot_history")
    series = _history_series(history)
    _check_not_empty(series)
    families = _families(series)
    chosen = _selected(families, metrics)
    if ax is not None and axes is not None:
        raise ValueError("plot_history: pass ax (one Axes) or axes (one per metric), not both")
    given = axes if axes is not None else ax
    fig, panels = _new_panels(chosen, title) if given is None else _given_panels(given, chosen, title)
    for panel, family in zip(panels, chosen):
        _draw_family(panel, family, families[family], series)
    return fig


def _check_not_empty(series: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """A ValueError when no metric of the history holds a value."""
    if not series or all(values.size == 0 for _, values in series.values()):
        has = f" (its metrics {', '.join(map(repr, series))} hold no values)" if series else ""
        raise ValueError(
            f"plot_history: the history is empty{has}; expected a mapping such as "
            "{'loss': [0.9, 0.5, ...]} or a list of per-epoch dicts"
        )


def _given_panels(given: Any, chosen: list[str], title: str | None) -> tuple[Figure, list[Axes]]:
    """The axes given (one Axes, a list, or a grid of them), one per chosen family, and their figure, titled
    only when ``title`` is given."""
    panels = list(np.ravel(np.asarray(given, dtype=object)))
    if len(panels) != len(chosen):
        raise ValueError(
            f"plot_history: got {len(panels)} axes for {len(chosen)} metrics ({', '.join(chosen)}); pass "
            "one Axes per metric, or metrics= to choose which to draw"
        )
    fig = panels[0].figure
    if title is not None:
        fig.suptitle(title)
    return fig, panels


def _new_panels(chosen: list[str], title: str | None) -> tuple[Figure, list[Axes]]:
    """A new figure with one panel per chosen family, in rows of at most three, under ``title``."""
    ncols = min(3, len(chosen))
    nrows = math.ceil(len(chosen) / ncols)
    fig = new_figure(figsize=(4.6 * ncols, 3.6 * nrows + 0.4))
    grid = fig.subplots(nrows, ncols, squeeze=False)
    panels = list(grid.ravel()[: len(chosen)])
    for extra in grid.ravel()[len(chosen) :]:
        extra.set_visible(False)
    fig.suptitle("Training history" if title is None else title)
    return fig, panels


def _draw_family(
    panel: Axes, family: str, members: list[tuple[str, str]], series: dict[str, tuple[np.ndarray, np.ndarray]]
) -> None:
    """One family's curves (train, validation, test) in ``panel``, with epochs as whole-number ticks."""
    roles = [role for _, role in members]
    for key, role in members:
        epochs, values = series[key]
        label = role if roles.count(role) == 1 else key  # two keys of one role: tell them apart by name
        marker = "o" if values.size <= 30 else None
        panel.plot(
            epochs,
            values,
            label=label,
            color=_ROLE_COLOURS[role] if roles.count(role) == 1 else None,
            marker=marker,
            markersize=3.5,
            linewidth=1.8,
        )
    panel.set_xlabel("epoch")
    panel.set_ylabel(family)
    whole_number_ticks(panel, steps=[1, 2, 5, 10])
    panel.grid(alpha=0.35)
    panel.legend()
