"""Optimizer paths on a 2-D surface: run a real training loop on one point and record where it goes.

``optimize_path(fn, start, "adam", steps=200)`` makes one float64 Parameter ``p`` at ``start`` and runs the
ordinary training step ``steps`` times::

    optimizer.zero_grad();  loss = fn(p);  loss.backward();  optimizer.step()

with tensorgrad's own autograd and optimizers (no gradient written by hand), recording at every iterate
p_0 = start, p_1, ..., p_steps the point, the value f(p_k) and the gradient norm |∇f(p_k)|. The last point's
value and gradient come from one more forward/backward pass without a step, so every array has steps + 1 rows.

Divergence rule: the run stops, and the path is marked ``diverged``, as soon as an iterate leaves the box
max(|x|, |y|) <= 1e6 (``BOUND``) or its point, value or gradient is not finite. That iterate is not recorded,
so a path holds only finite numbers, up to the last good point.

``compare_paths`` runs several optimizers from one start; ``plot_paths`` draws them over the surface's
contours::

    paths = compare_paths(rosenbrock, ["sgd", "momentum", "rmsprop", "adam"], steps=300)
    plot_paths(rosenbrock, paths).savefig("rosenbrock.png")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..nn.parameter import Parameter
from ..optim.optimizer import Optimizer
from ..tensor import Tensor
from ..viz.figures import figure_and_axes, require_matplotlib
from .optimizers import OPTIMIZERS, make_optimizer
from .surfaces import Surface

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["BOUND", "OptimizerPath", "compare_paths", "optimize_path", "plot_paths"]

#: a path stops (diverged) when an iterate leaves the box max(|x|, |y|) <= BOUND
BOUND = 1e6

OptimizerSpec = str | Callable[[list[Tensor]], Optimizer]


@dataclass
class OptimizerPath:
    """Where one optimizer went: ``points`` (k + 1, 2), ``values`` (k + 1,) = f(points), ``grad_norms``
    (k + 1,) = |∇f(points)|, after k = ``steps`` steps (k < the steps asked for when ``diverged``).

    ``name`` labels the path (the optimizer's name, or the key it was given under); ``lr`` is the learning
    rate the optimizer started with (None when it has none).
    """

    name: str
    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    diverged: bool = False
    lr: float | None = None

    @property
    def steps(self) -> int:
        """The number of optimizer steps the path records (one less than its points)."""
        return len(self.points) - 1

    @property
    def final_point(self) -> np.ndarray:
        """The last recorded point (before the divergence, if it diverged)."""
        return self.points[-1]

    @property
    def final_value(self) -> float:
        """f at the last recorded point."""
        return float(self.values[-1])

    def __repr__(self) -> str:
        x, y = self.final_point
        state = f", diverged after {self.steps} steps" if self.diverged else f", steps={self.steps}"
        return (
            f"OptimizerPath({self.name!r}, lr={self.lr!r}{state}, final point ({x:.4g}, {y:.4g}), "
            f"final value {self.final_value:.4g})"
        )


def _start_point(fn: Any, start: Any, function: str) -> np.ndarray:
    """``start`` (or the surface's own) as a float64 array of shape (2,), checked."""
    if start is None:
        if not isinstance(fn, Surface):
            raise ValueError(f"{function}: give a start point (x, y); only a Surface has a default start")
        start = fn.start
    try:
        point = np.array(start.array if isinstance(start, Tensor) else start, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{function}: start must be a pair of numbers (x, y), got {start!r}") from None
    if point.shape != (2,) or not np.isfinite(point).all():
        raise ValueError(f"{function}: start must be two finite numbers (x, y), got {start!r}")
    if np.abs(point).max() > BOUND:
        raise ValueError(f"{function}: start must lie within |x|, |y| <= {BOUND:g}, got {start!r}")
    return point


def _build_optimizer(
    fn: Any, optimizer: OptimizerSpec, param: Parameter, lr: float | None, options: dict[str, Any]
) -> tuple[Any, str]:
    """The optimizer over ``[param]`` and the path's default name."""
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimize_path: unknown optimizer {optimizer!r}; choose from {', '.join(OPTIMIZERS)} or "
                "pass a factory such as lambda params: tg.optim.Adam(params, lr=0.1)"
            )
        if lr is None and isinstance(fn, Surface):
            lr = fn.suggested_lr.get(optimizer)
        return make_optimizer(optimizer, [param], lr=lr, **options), optimizer
    if not callable(optimizer):
        raise TypeError(
            "optimize_path: optimizer must be a name (" + ", ".join(OPTIMIZERS) + ") or a factory "
            f"callable(params) -> Optimizer, got {type(optimizer).__name__}"
        )
    if lr is not None or options:
        raise TypeError(
            "optimize_path: lr and options apply to an optimizer given by name; a factory sets its own "
            "(e.g. lambda params: tg.optim.Adam(params, lr=0.1))"
        )
    built = optimizer([param])
    if not (callable(getattr(built, "step", None)) and callable(getattr(built, "zero_grad", None))):
        raise TypeError(
            "optimize_path: the optimizer factory must return an optimizer (with step() and zero_grad()), "
            f"got {type(built).__name__}"
        )
    groups = getattr(built, "param_groups", None)
    if groups is not None and not any(q is param for group in groups for q in group["params"]):
        raise ValueError(
            "optimize_path: the optimizer factory ignored the parameters it was given; build the optimizer "
            "over them, e.g. lambda params: tg.optim.Adam(params, lr=0.1)"
        )
    return built, type(built).__name__


def _loss(fn: Callable[[Tensor], Any], param: Parameter) -> Tensor:
    """``fn(param)``, checked to be a scalar Tensor that depends on ``param``."""
    loss = fn(param)
    if not isinstance(loss, Tensor):
        raise TypeError(
            f"optimize_path: fn must return a scalar Tensor computed from its (2,) Tensor argument with "
            f"tensor operations, got {type(loss).__name__} (numpy functions or float() cut the graph)"
        )
    if loss.size != 1:
        raise ValueError(
            f"optimize_path: fn must return a scalar (one value), got a Tensor of shape {loss.shape}; "
            "reduce it, e.g. with .sum()"
        )
    if not loss.requires_grad:
        raise ValueError(
            "optimize_path: fn's result does not depend on its argument (it does not require grad); "
            "compute it from the point p with tensor operations, e.g. (p ** 2).sum()"
        )
    return loss


def optimize_path(
    fn: Surface | Callable[[Tensor], Tensor],
    start: Any,
    optimizer: OptimizerSpec,
    steps: int = 200,
    lr: float | None = None,
    *,
    name: str | None = None,
    **options: Any,
) -> OptimizerPath:
    """Run ``steps`` optimizer steps on ``fn`` from ``start`` and record the path (see the module docstring).

    ``fn``: a Surface or any callable taking a (2,) float64 Tensor and returning a scalar Tensor.
    ``start``: (x, y); None means ``fn.start`` for a Surface. ``optimizer``: a name from ``OPTIMIZERS``
    ("sgd", "momentum", "rmsprop", "adam"), built by ``make_optimizer(name, params, lr, **options)``, where
    ``lr=None`` takes the surface's ``suggested_lr`` (then ``DEFAULT_LR``); or a factory ``callable(params) ->
    Optimizer`` such as ``lambda p: tg.optim.Adam(p, lr=0.1)`` (then ``lr`` and options must not be given).
    ``name`` labels the path (default: the optimizer's name or class name).
    """
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"optimize_path: steps must be an integer >= 0, got {steps!r}")
    if not callable(fn):
        raise TypeError(f"optimize_path: fn must be a Surface or a callable of a (2,) Tensor, got {fn!r}")
    point = _start_point(fn, start, "optimize_path")
    param = Parameter(point)
    opt, default_name = _build_optimizer(fn, optimizer, param, lr, options)
    groups = getattr(opt, "param_groups", None)
    start_lr = groups[0].get("lr") if groups else None
    points, values, grad_norms, diverged = _walk(fn, param, opt, steps)
    return OptimizerPath(
        name=default_name if name is None else str(name),
        points=np.array(points, dtype=np.float64).reshape(-1, 2),
        values=np.array(values, dtype=np.float64),
        grad_norms=np.array(grad_norms, dtype=np.float64),
        diverged=diverged,
        lr=None if start_lr is None else float(start_lr),
    )


def _walk(
    fn: Callable[[Tensor], Any], param: Parameter, opt: Any, steps: int
) -> tuple[list[np.ndarray], list[float], list[float], bool]:
    """The training loop: up to ``steps`` steps of ``opt`` on ``fn(param)``, recording each iterate's point,
    value and gradient norm; stops, diverged, at the first iterate out of bounds or not finite (not
    recorded). Returns (points, values, gradient norms, diverged)."""
    points, values, grad_norms = [], [], []
    diverged = False
    # overflow on the way out is expected when a run diverges: it is detected below, not warned about
    with enable_grad(), np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            here = param.array.copy()
            if not (np.isfinite(here).all() and np.abs(here).max() <= BOUND):
                diverged = True
                break
            opt.zero_grad()
            loss = _loss(fn, param)
            loss.backward()
            value = float(loss.item())
            grad = param.grad.array if param.grad is not None else np.zeros(2)
            norm = float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
            if not np.isfinite([value, norm]).all():
                if k == 0:
                    raise ValueError(
                        f"optimize_path: f or its gradient is not finite at the start point {tuple(here)} "
                        f"(f = {value}, |grad f| = {norm}); start somewhere f is defined"
                    )
                diverged = True
                break
            points.append(here)
            values.append(value)
            grad_norms.append(norm)
            if k < steps:
                opt.step()
    return points, values, grad_norms, diverged


def compare_paths(
    fn: Surface | Callable[[Tensor], Tensor],
    optimizers: Mapping[str, Any] | Iterable[str],
    start: Any = None,
    steps: int = 200,
) -> dict[str, OptimizerPath]:
    """Run several optimizers from the same start; returns name -> OptimizerPath, in the order given.

    ``optimizers`` is a list of names (each with the surface's suggested learning rate, else the default)
    or a dict whose keys label the paths and whose values are, each: a learning rate, None (the suggested
    one), a dict of keyword arguments for ``make_optimizer`` (``{"lr": 0.01, "momentum": 0.8}``) — with these
    three the key must be an optimizer name — or a factory ``callable(params) -> Optimizer`` under any key.
    ``start`` defaults to the surface's start.
    """
    if isinstance(optimizers, str):
        optimizers = [optimizers]
    if not isinstance(optimizers, Mapping):
        optimizers = {name: None for name in optimizers}
    if not optimizers:
        raise ValueError("compare_paths: no optimizers given; pass names such as ['sgd', 'adam'] or a dict")
    point = _start_point(fn, start, "compare_paths")
    paths = {}
    for key, spec in optimizers.items():
        label = str(key)
        if callable(spec):
            paths[label] = optimize_path(fn, point, spec, steps, name=label)
            continue
        if label not in OPTIMIZERS:
            raise ValueError(
                f"compare_paths: {label!r} is not an optimizer name ({', '.join(OPTIMIZERS)}); to label a "
                "path freely, give a factory as its value, e.g. "
                "{'adam 0.1': lambda p: tg.optim.Adam(p, lr=0.1)}"
            )
        if spec is None or (isinstance(spec, Real) and not isinstance(spec, bool)):
            paths[label] = optimize_path(fn, point, label, steps, lr=None if spec is None else float(spec))
        elif isinstance(spec, Mapping):
            paths[label] = optimize_path(fn, point, label, steps, **dict(spec))
        else:
            raise TypeError(
                f"compare_paths: the value for {label!r} must be a learning rate, None, a dict of options or "
                f"an optimizer factory, got {type(spec).__name__}"
            )
    return paths


def _as_paths(paths: Any) -> list[OptimizerPath]:
    if isinstance(paths, OptimizerPath):
        return [paths]
    items = list(paths.values()) if isinstance(paths, Mapping) else list(paths)
    for item in items:
        if not isinstance(item, OptimizerPath):
            raise TypeError(
                f"plot_paths: expected OptimizerPath objects (from optimize_path / compare_paths), got "
                f"{type(item).__name__}"
            )
    if not items:
        raise ValueError("plot_paths: no paths to draw")
    return items


def _levels(surface: Surface, Z: np.ndarray, levels: int | Iterable[float]) -> tuple[np.ndarray, bool]:
    """The contour levels and whether they are log-spaced."""
    if not isinstance(levels, int | np.integer):
        try:
            explicit = np.sort(np.asarray(list(levels), dtype=np.float64))
        except (TypeError, ValueError):
            explicit = np.empty(0)
        if explicit.size < 2 or not np.isfinite(explicit).all():
            raise ValueError(
                f"plot_paths: levels must be a count >= 2 or two or more numbers, got {levels!r}"
            )
        return explicit, bool(surface.log_levels and explicit.min() > 0)
    if isinstance(levels, bool) or levels < 2:
        raise ValueError(f"plot_paths: levels must be a count >= 2 or two or more numbers, got {levels!r}")
    finite = Z[np.isfinite(Z)]
    high = float(finite.max())
    positive = finite[finite > 0]
    if surface.log_levels and positive.size:
        low = max(float(positive.min()), high * 1e-9)
        return np.geomspace(low, high, int(levels)), True
    return np.linspace(float(finite.min()), high, int(levels)), False


#: how paths are told apart where they run together: each its own dash pattern, the first ones wider (drawn
#: underneath, so that a later path on top of an earlier one leaves it showing along both sides)
LINESTYLES = ("-", "--", "-.", ":")
#: an end point this close to a minimum (as a fraction of the domain's width) gets a zoomed inset
ZOOM_NEAR = 0.05
_STAR_ZORDER = 3  # the minima: under every path and end marker

Window = tuple[float, float, float, float]  # x0, x1, y0, y1


def plot_paths(
    surface: Surface,
    paths: Mapping[str, OptimizerPath] | Iterable[OptimizerPath] | OptimizerPath,
    ax: Axes | None = None,
    levels: int | Iterable[float] = 30,
    title: str | None = None,
) -> Figure:
    """Draw optimizer paths over the surface's contours; returns the matplotlib Figure.

    Filled contours with contour lines on top (``levels`` of them, log-spaced when ``surface.log_levels``,
    or the given values), the global minima as stars, and each path as a line with markers every tenth of the
    way, its start as a circle and its end as a square (a cross when it diverged). Paths that run together
    stay visible: each has its own dash pattern, the earlier ones are wider and drawn underneath, the end
    markers shrink from path to path so that ends at one place nest, and every path and end marker lies above
    the stars. When paths end near a minimum (within ``ZOOM_NEAR`` of the domain's width), an inset zooms
    into it, in the corner the paths leave most free. The legend, below the axes, names each path with its
    learning rate and final value. The axes show the surface's domain: paths that leave it are clipped by the
    axes, their data untouched. Draws into ``ax`` when given, else into a new Figure.
    """
    require_matplotlib("tensorgrad.experiments.plot_paths")
    if not isinstance(surface, Surface):
        raise TypeError(
            "plot_paths: surface must be a Surface (such as SURFACES['rosenbrock']), got "
            f"{type(surface).__name__}"
        )
    items = _as_paths(paths)
    fig, ax = figure_and_axes(ax, figsize=(7.5, 7.0))
    X, Y, Z = surface.grid(300)
    values, log = _levels(surface, Z, levels)
    _colour_bar(fig, ax, _contours(ax, X, Y, Z, values, log), surface, log)
    _draw_paths(ax, surface, items, labelled=True)
    _legend_below(ax, surface, items)
    (xmin, xmax), (ymin, ymax) = surface.domain
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_xlabel(surface.variables[0])
    ax.set_ylabel(surface.variables[1])
    ax.set_title(f"{surface.title}: f = {surface.formula}" if title is None else title)
    zoom = _zoom_window(surface, items)
    if zoom is not None:
        _draw_inset(ax, surface, items, zoom, values, log)
    return fig


def _colour_bar(fig: Figure, ax: Axes, filled: Any, surface: Surface, log: bool) -> None:
    """The colour bar of the filled contours beside ``ax``, labelled f(x, y), with ticks on decades when the
    levels are log-spaced."""
    from matplotlib import ticker

    ticks = dict(ticks=ticker.LogLocator(), format=ticker.LogFormatterSciNotation()) if log else {}
    bar = fig.colorbar(filled, ax=ax, shrink=0.9, **ticks)
    u, v = surface.variables
    bar.set_label(f"f({u}, {v})" + (" (log scale)" if log else ""))


def _legend_below(ax: Axes, surface: Surface, items: list[OptimizerPath]) -> None:
    """The legend below the axes: the paths, then what the markers mean (start, end, end (diverged) when a
    path diverged, global minimum when the surface has one)."""
    from matplotlib.lines import Line2D

    handles, labels = ax.get_legend_handles_labels()
    markers = [
        (
            Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="grey"),
            "start",
        ),
        (Line2D([], [], linestyle="none", marker="s", color="grey"), "end"),
    ]
    if any(path.diverged for path in items):
        markers.append((Line2D([], [], linestyle="none", marker="X", color="grey"), "end (diverged)"))
    if surface.minima:
        star = Line2D(
            [], [], linestyle="none", marker="*", markersize=12, color="gold", markeredgecolor="black"
        )
        markers.append((star, "global minimum"))
    ax.legend(
        handles + [h for h, _ in markers],
        labels + [t for _, t in markers],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncols=2,
        fontsize="small",
        frameon=False,
    )


def _contours(ax: Axes, X: np.ndarray, Y: np.ndarray, Z: np.ndarray, values: np.ndarray, log: bool) -> Any:
    """Filled contours of Z at ``values`` with white contour lines on top; returns the filled ones."""
    from matplotlib.colors import LogNorm

    norm = LogNorm(vmin=values[0], vmax=values[-1]) if log else None
    shown = np.clip(Z, values[0], None) if log else Z  # a log scale cannot place values <= 0
    filled = ax.contourf(X, Y, shown, levels=values, norm=norm, cmap="viridis", alpha=0.55, extend="both")
    ax.contour(X, Y, shown, levels=values, norm=norm, colors="white", linewidths=0.5, alpha=0.7)
    return filled


def _draw_paths(ax: Axes, surface: Surface, items: list[OptimizerPath], labelled: bool) -> None:
    """Each path as a line with its start and end markers, and the minima as stars underneath them all."""
    n = len(items)
    widths = np.linspace(4.0, 1.3, n) if n > 1 else [1.6]
    sizes = np.linspace(110, 40, n) if n > 1 else [60]
    for i, path in enumerate(items):
        lr = "" if path.lr is None else f" (lr={path.lr:g})"
        status = f", diverged after {path.steps} steps" if path.diverged else ""
        (line,) = ax.plot(
            path.points[:, 0],
            path.points[:, 1],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            marker="o",
            markersize=3,
            markevery=max(1, path.steps // 10),
            linewidth=widths[i],
            alpha=0.9,
            label=f"{path.name}{lr}: f = {path.final_value:.3g}{status}" if labelled else None,
            zorder=_STAR_ZORDER + 1 + i / n,  # later (thinner) paths on top of earlier (wider) ones
        )
        colour = line.get_color()
        ax.scatter(
            *path.points[0],
            s=60,
            facecolors="white",
            edgecolors=colour,
            linewidths=2,
            zorder=_STAR_ZORDER + 3,
        )
        ax.scatter(*path.points[-1], s=sizes[i], marker="X" if path.diverged else "s", color=colour,
                   edgecolors="white", linewidths=0.8, zorder=_STAR_ZORDER + 3 + i / n)  # fmt: skip
    if surface.minima:
        minima = np.array(surface.minima)
        ax.scatter(minima[:, 0], minima[:, 1], s=220, marker="*", color="gold", edgecolors="black",
                   zorder=_STAR_ZORDER)  # fmt: skip


def _zoom_window(surface: Surface, items: list[OptimizerPath]) -> Window | None:
    """(x0, x1, y0, y1) around the minimum that paths end nearest to, when some end within ``ZOOM_NEAR`` of
    the domain's width from it, wide enough to show those ends apart; else None."""
    if not surface.minima:
        return None
    (xmin, xmax), (ymin, ymax) = surface.domain
    near = ZOOM_NEAR * max(xmax - xmin, ymax - ymin)
    ends = np.array([p.final_point for p in items if not p.diverged and np.isfinite(p.final_point).all()])
    if not ends.size:
        return None
    minima = np.array(surface.minima)
    gaps = np.abs(ends[:, None, :] - minima[None, :, :]).max(axis=2)  # (ends, minima), max-norm
    closest = gaps.min(axis=0)
    best = int(closest.argmin())
    close = gaps[:, best] <= near
    if not close.any():
        return None
    half = max(1.5 * gaps[close, best].max(), near / 20)
    (cx, cy) = minima[best]
    return cx - half, cx + half, cy - half, cy + half


def _draw_inset(
    ax: Axes, surface: Surface, items: list[OptimizerPath], window: Window, values: np.ndarray, log: bool
) -> Axes:
    """A zoomed inset of ``window`` (with the contours, paths and markers again) in the corner of ``ax`` that
    holds the fewest path points, linked to the window by lines."""
    x0, x1, y0, y1 = window
    size = 0.36
    corners = [(0.62, 0.04), (0.04, 0.04), (0.62, 0.60), (0.04, 0.60)]  # lower right first: it wins a tie
    to_axes = ax.transAxes.inverted().transform
    points = np.concatenate([to_axes(ax.transData.transform(p.points)) for p in items])

    def crowd(corner: tuple[float, float]) -> int:
        return int(np.all((points >= corner) & (points <= np.add(corner, size)), axis=1).sum())

    corner = min(corners, key=crowd)
    inset = ax.inset_axes([*corner, size, size])
    X, Y = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 120))
    Z = np.asarray(surface.f(X, Y), dtype=np.float64)
    _contours(inset, X, Y, Z, values, log)
    _draw_paths(inset, surface, items, labelled=False)
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    inset.tick_params(labelsize="x-small")
    inset.set_title("near the minimum", fontsize="small")
    ax.indicate_inset_zoom(inset, edgecolor="black", alpha=0.8)
    return inset
