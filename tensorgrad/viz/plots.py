"""matplotlib plots: gradient flow through a network's layers, and training curves per epoch.

``plot_grad_flow(model)`` draws, after ``loss.backward()``, one group of bars per layer (the gradient's L2
norm and its mean absolute value, with the largest absolute value as a marker) on a log axis, so gradients
that vanish towards the input (a deep sigmoid net) or explode show as a slope of several decades.
``plot_history(history)`` draws the training curves, one panel per metric, its validation curve beside it.

matplotlib is optional (``pip install 'tensorgrad[plot]'``): it is imported when a function is called, never
when this module is imported. The functions build ``matplotlib.figure.Figure`` objects directly, without
pyplot's global state, so they work headless (``fig.savefig("grads.png")``) and display inline in Jupyter;
pass ``ax=`` to draw into axes of your own instead. Example::

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

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_grad_flow", "plot_history"]

_GRAD_KINDS = ("both", "norm", "mean")
_ROLE_PREFIXES = (("val_", "validation"), ("train_", "train"), ("test_", "test"))
_ROLE_COLOURS = {"train": "tab:blue", "validation": "tab:orange", "test": "tab:green"}
_ROLE_ORDER = {"train": 0, "validation": 1, "test": 2}


def _matplotlib(function: str) -> tuple[type, Any]:
    """``(Figure, matplotlib.ticker)``, or an ImportError naming ``function`` (a name in ``tensorgrad.viz``,
    or a dotted name elsewhere) and how to install it."""
    try:
        import matplotlib  # noqa: F401  (fails first, with the clearest message, when it is not installed)
        import matplotlib.ticker as ticker
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            f"{function if '.' in function else 'tensorgrad.viz.' + function} needs matplotlib: "
            "pip install 'tensorgrad[plot]' (or pip install matplotlib)"
        ) from error
    return Figure, ticker


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
    Figure, _ = _matplotlib("plot_grad_flow")
    if kind not in _GRAD_KINDS:
        raise ValueError(
            f"plot_grad_flow: kind must be one of {', '.join(map(repr, _GRAD_KINDS))}, got {kind!r}"
        )
    stats = _grad_stats(_named_parameters(model_or_named_params), include_bias)
    names = [s[0] for s in stats]
    columns = np.array([s[1:] for s in stats], dtype=np.float64).reshape(-1, 3)  # norm, mean, max per row
    norms, means, maxes = columns.T
    n = len(stats)

    if ax is None:
        fig = Figure(figsize=(max(6.0, 0.55 * n + 3.0), 4.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    x = np.arange(n, dtype=np.float64)
    bars = [("L2 norm", norms, "tab:blue"), ("mean |grad|", means, "tab:orange")]
    if kind != "both":
        bars = [bars[0] if kind == "norm" else bars[1]]
    width = 0.8 / len(bars)
    low, high = _log_limits(np.concatenate([b[1] for b in bars] + [maxes]))
    if any(a.has_data() for a in ax.get_shared_y_axes().get_siblings(ax)) and ax.get_yscale() == "log":
        # beside earlier plots on this y axis (sharey=True): widen its range, never cut theirs off
        low, high = min(low, ax.get_ylim()[0]), max(high, ax.get_ylim()[1])

    ax.set_yscale("log")
    ax.set_ylim(low, high)
    zero_x, bad_x = [], []
    for i, (label, heights, colour) in enumerate(bars):
        at = x + (i - (len(bars) - 1) / 2) * width
        shown = np.where(np.isfinite(heights), heights, 0.0)  # non-finite ones are marked on the top instead
        ax.bar(at, shown, width=width, color=colour, label=label, zorder=2)
        for j in np.flatnonzero(heights == 0.0):
            zero_x.append(at[j])
            ax.annotate(
                "0",
                (at[j], low),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="tab:red",
            )
        for j in np.flatnonzero(~np.isfinite(heights)):
            bad_x.append(at[j])
            ax.annotate(
                str(heights[j]),
                (at[j], high),
                xytext=(0, -9),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                color="tab:red",
            )
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
    if zero_x:
        ax.plot(
            zero_x,
            [low] * len(zero_x),
            linestyle="none",
            marker="x",
            markersize=7,
            markeredgewidth=2,
            color="tab:red",
            clip_on=False,
            label="zero gradient",
            zorder=4,
        )
    if bad_x:
        ax.plot(
            bad_x,
            [high] * len(bad_x),
            linestyle="none",
            marker="^",
            markersize=7,
            color="tab:red",
            clip_on=False,
            label="nan / inf gradient",
            zorder=4,
        )

    ax.set_xticks(x, names, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_xlabel("layer")
    ax.set_ylabel("gradient magnitude (log scale)")
    ax.set_title("Gradient flow" if title is None else title)
    ax.grid(axis="y", which="major", alpha=0.35, zorder=0)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    order = ["L2 norm", "mean |grad|", "max |grad|", "zero gradient", "nan / inf gradient"]
    ranked = sorted(zip(handles, labels), key=lambda hl: order.index(hl[1]) if hl[1] in order else len(order))
    ax.legend(*zip(*ranked), loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, frameon=False)
    return fig


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
    Figure, ticker = _matplotlib("plot_history")
    series = _history_series(history)
    if not series or all(values.size == 0 for _, values in series.values()):
        has = f" (its metrics {', '.join(map(repr, series))} hold no values)" if series else ""
        raise ValueError(
            f"plot_history: the history is empty{has}; expected a mapping such as "
            "{'loss': [0.9, 0.5, ...]} or a list of per-epoch dicts"
        )
    families = _families(series)
    chosen = _selected(families, metrics)

    if ax is not None and axes is not None:
        raise ValueError("plot_history: pass ax (one Axes) or axes (one per metric), not both")
    given = axes if axes is not None else ax
    if given is not None:
        panels = list(np.ravel(np.asarray(given, dtype=object)))  # one Axes, a list, or a grid of them
        if len(panels) != len(chosen):
            raise ValueError(
                f"plot_history: got {len(panels)} axes for {len(chosen)} metrics ({', '.join(chosen)}); pass "
                "one Axes per metric, or metrics= to choose which to draw"
            )
        fig = panels[0].figure
        if title is not None:
            fig.suptitle(title)
    else:
        ncols = min(3, len(chosen))
        nrows = math.ceil(len(chosen) / ncols)
        fig = Figure(figsize=(4.6 * ncols, 3.6 * nrows + 0.4), layout="constrained")
        grid = fig.subplots(nrows, ncols, squeeze=False)
        panels = list(grid.ravel()[: len(chosen)])
        for extra in grid.ravel()[len(chosen) :]:
            extra.set_visible(False)
        fig.suptitle("Training history" if title is None else title)

    for panel, family in zip(panels, chosen):
        members = families[family]
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
        panel.xaxis.set_major_locator(ticker.MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        panel.grid(alpha=0.35)
        panel.legend()
    return fig
