"""Train the same network with several optimizers and compare them: the main job of ``tensorgrad compare``.

``compare_optimizers`` is a controlled experiment. Every optimizer starts from **the same initial weights**
(one model is built under ``tg.manual_seed(seed)`` and its ``state_dict`` loaded into each copy), sees **the
same batches in the same order** (a ``DataLoader`` shuffled with ``seed``), and trains for the same number of
epochs with ``training.fit``; only the update rule differs. What it records per optimizer: the loss of every
step, per epoch the training loss and accuracy, the test loss and accuracy, and the wall time.
``plot_comparison`` draws the curves side by side.

    from tensorgrad.experiments import compare_optimizers, load_dataset, models, plot_comparison
    split = load_dataset("digits")
    result = compare_optimizers(models.cnn, split, ["sgd", "momentum", "rmsprop", "adam"], epochs=20)
    print(result.table())
    plot_comparison(result).savefig("comparison.png")
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import nn, random
from ..data import DataLoader, Dataset, TensorDataset
from ..optim import Optimizer
from ..training import History, fit
from ..viz.figures import new_figure, require_matplotlib, whole_number_ticks
from .datasets import DataSplit
from .optimizers import DEFAULT_LR, OPTIMIZERS, make_optimizer
from .text import text_table

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported lazily
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: one colour per optimizer, the same in every picture
COLOURS = {"sgd": "tab:blue", "momentum": "tab:orange", "rmsprop": "tab:green", "adam": "tab:red"}
#: the batch whose backward pass ``write_outputs`` draws (graph.svg) and lets one step through (graph.html)
GRAPH_BATCH = 4
#: graph.html starts with its module frames folded above this many tensors (so a big model opens readable)
GRAPH_MAX_NODES = 200

OptimizerSpec = Callable[[Any], Optimizer]


@dataclass
class Run:
    """One optimizer's training: its name, its learning rate (when known) and the ``History`` of ``fit``;
    ``diverged`` says where the loss became nan or inf, when it did (the history then ends there)."""

    name: str
    lr: float | None
    history: History
    diverged: str | None = None
    #: the trained network (for samples and checkpoints; not part of the JSON results)
    model: nn.Module | None = field(default=None, repr=False, compare=False)

    @property
    def final(self) -> dict[str, float]:
        """The last epoch's numbers: train loss and accuracy, test loss and accuracy, seconds per epoch."""
        h = self.history.history
        last = {key: float(values[-1]) for key, values in h.items() if values}
        last["seconds_per_epoch"] = float(np.median(h["time"])) if h.get("time") else math.nan
        return last


@dataclass
class Comparison:
    """What ``compare_optimizers`` measured: one ``Run`` per optimizer, in the order given."""

    runs: dict[str, Run]
    epochs: int
    batch_size: int
    seed: int
    steps_per_epoch: int
    info: dict[str, Any] = field(default_factory=dict)

    def table(self) -> str:
        """A plain-text table: final train loss, test loss and accuracy, and time per epoch, per optimizer."""
        header = ("optimizer", "lr", "train loss", "test loss", "test accuracy", "time/epoch")
        rows = []
        for run in self.runs.values():
            final = run.final
            rows.append(
                (
                    run.name,
                    "-" if run.lr is None else f"{run.lr:g}",
                    "diverged" if run.diverged else _number(final.get("loss")),
                    "-" if run.diverged else _number(final.get("val_loss")),
                    "-" if run.diverged else _percent(final.get("val_accuracy")),
                    "-" if math.isnan(final["seconds_per_epoch"]) else f"{final['seconds_per_epoch']:.3f} s",
                )
            )
        notes = [f"{run.name} diverged: {run.diverged}" for run in self.runs.values() if run.diverged]
        return "\n".join([text_table(header, rows, [False] + [True] * 5), *notes])

    def to_dict(self) -> dict[str, Any]:
        """Everything measured, as plain JSON-ready numbers (non-finite values become ``None``)."""
        return _json_ready(
            {
                **self.info,
                "epochs": self.epochs,
                "batch_size": self.batch_size,
                "seed": self.seed,
                "steps_per_epoch": self.steps_per_epoch,
                "runs": {
                    name: {
                        "lr": run.lr,
                        "diverged": run.diverged,
                        "final": run.final,
                        **run.history.to_dict(),
                    }
                    for name, run in self.runs.items()
                },
            }
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def compare_optimizers(
    model_fn: Callable[[], nn.Module],
    data: DataSplit | tuple[Any, Any],
    optimizers: Sequence[str] | Mapping[str, float | OptimizerSpec] = ("sgd", "momentum", "rmsprop", "adam"),
    epochs: int = 10,
    seed: int = 0,
    *,
    batch_size: int = 32,
    lr: Mapping[str, float] | None = None,
    loss_fn: nn.Module | None = None,
    scheduler: Callable[[Any], Any] | None = None,
    grad_clip: float | None = None,
    progress: bool = True,
) -> Comparison:
    """Train ``model_fn()`` once per optimizer from the same initial weights on the same batches.

    ``data``: a ``DataSplit`` (``load_dataset``), or a pair ``(train, test)`` of datasets or of
    ``(inputs, labels)`` array pairs. ``optimizers``: names (sgd, momentum, rmsprop, adam) with their
    learning rates from ``lr`` or ``DEFAULT_LR``, or a mapping name -> learning rate, or name -> a function
    ``params -> Optimizer`` for anything else. ``loss_fn`` defaults to cross-entropy. ``scheduler``: a
    function ``optimizer -> scheduler`` applied to every run alike (stepped once per epoch), e.g.
    ``lambda opt: CosineAnnealingLR(opt, T_max=epochs)``; ``grad_clip`` clips every run's gradient norm.
    """
    train, test = _datasets(data)
    specs = _optimizer_specs(optimizers, lr or {})
    if not (isinstance(epochs, int) and epochs >= 1):
        raise ValueError(f"compare_optimizers: epochs must be a positive int, got {epochs!r}")
    loss_fn = nn.CrossEntropyLoss() if loss_fn is None else loss_fn

    random.manual_seed(seed)
    initial = model_fn().state_dict()
    runs: dict[str, Run] = {}
    for name, (rate, build) in specs.items():
        random.manual_seed(seed)  # dropout and anything else random: the same draws for every optimizer
        model = model_fn()
        model.load_state_dict(initial)
        optimizer = build(model.parameters())
        train_loader = DataLoader(train, batch_size=batch_size, shuffle=True, seed=seed)
        test_loader = DataLoader(test, batch_size=max(batch_size, 256))
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # a run that blows up is reported in the table
                history = fit(
                    model,
                    loss_fn,
                    optimizer,
                    train_loader,
                    epochs,
                    val_loader=test_loader,
                    scheduler=None if scheduler is None else scheduler(optimizer),
                    grad_clip=grad_clip,
                    progress="run" if progress else False,
                    label=name,
                )
            runs[name] = Run(name, rate, history, model=model)
        except FloatingPointError as error:  # a learning rate too large: a result, not a failure
            reason = str(error).removeprefix("fit: ").split(";")[0]
            runs[name] = Run(name, rate, error.history, diverged=reason, model=model)
    steps = len(DataLoader(train, batch_size=batch_size))
    info = {"train_size": len(train), "test_size": len(test)}
    return Comparison(runs, epochs, batch_size, seed, steps, info)


def _datasets(data: Any) -> tuple[Dataset, Dataset]:
    if isinstance(data, DataSplit):
        return data.train, data.test
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise TypeError(
            "compare_optimizers: data must be a DataSplit (load_dataset) or a pair (train, test), "
            f"got {type(data).__name__}"
        )
    parts = []
    for part in data:
        if isinstance(part, (tuple, list)):
            part = TensorDataset(*part)
        parts.append(part)
    return parts[0], parts[1]


def _optimizer_specs(
    optimizers: Sequence[str] | Mapping[str, float | OptimizerSpec], lr: Mapping[str, float]
) -> dict[str, tuple[float | None, OptimizerSpec]]:
    if isinstance(optimizers, str):
        optimizers = [optimizers]
    if not optimizers:
        raise ValueError("compare_optimizers: no optimizers given")
    unknown = [name for name in lr if name not in OPTIMIZERS]
    if unknown:
        raise ValueError(f"unknown optimizer {unknown[0]!r} in lr: choose from {', '.join(OPTIMIZERS)}")
    chosen = optimizers if isinstance(optimizers, Mapping) else dict.fromkeys(optimizers)
    specs: dict[str, tuple[float | None, OptimizerSpec]] = {}
    for name, spec in chosen.items():
        if callable(spec):
            specs[name] = (None, spec)
            continue
        rate = spec if spec is not None else lr.get(name, DEFAULT_LR.get(name))
        if name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {name!r}: choose from {', '.join(OPTIMIZERS)}")
        if not (isinstance(rate, (int, float)) and rate > 0):
            raise ValueError(f"{name}: the learning rate must be a positive number, got {rate!r}")
        specs[name] = (
            float(rate),
            lambda params, name=name, rate=rate: make_optimizer(name, params, lr=rate),
        )
    return specs


def plot_comparison(
    result: Comparison, *, title: str | None = None, smoothing: float | None = None
) -> Figure:
    """The curves side by side: training loss per step, test loss and test accuracy per epoch.

    A run that diverged ends where its loss became nan (an x marks its last finite step loss). The loss axes
    show the range of the runs that did not diverge, so that a diverged run's blow-up (a loss of 1e24) does
    not flatten their curves; where a diverged run leaves the axes, a triangle on the top edge says
    "<name> diverged at step N".
    Step losses are noisy; each optimizer's raw curve is drawn faintly with an exponential moving average
    over it (``smoothing``: the average's weight on the past, by default one giving a window of about half
    an epoch). The x axis is the epoch in all three panels, so they line up.
    """
    require_matplotlib("tensorgrad.experiments.plot_comparison")
    fig = new_figure(figsize=(15, 4.4))
    step_ax, loss_ax, accuracy_ax = fig.subplots(1, 3)
    per_epoch = max(result.steps_per_epoch, 1)
    if smoothing is None:
        smoothing = 1 - 2 / (per_epoch / 2 + 1)
    step_curves, loss_curves = [], []
    for index, (name, run) in enumerate(result.runs.items()):
        colour = COLOURS.get(name, f"C{index}")
        step_curve, loss_curve = _draw_run(
            (step_ax, loss_ax, accuracy_ax), name, run, colour, per_epoch, smoothing
        )
        step_curves.append(step_curve)
        loss_curves.append(loss_curve)
    step_ax.set(title="Training loss per step", xlabel="epoch", ylabel="cross-entropy loss", yscale="log")
    loss_ax.set(title="Test loss per epoch", xlabel="epoch", ylabel="cross-entropy loss", yscale="log")
    accuracy_ax.set(title="Test accuracy per epoch", xlabel="epoch", ylabel="accuracy (%)")
    _show_runs_that_did_not_diverge(step_ax, step_curves)
    _show_runs_that_did_not_diverge(loss_ax, loss_curves)
    for ax in (step_ax, loss_ax, accuracy_ax):
        whole_number_ticks(ax)
        ax.grid(alpha=0.35, which="both")
        ax.legend()
    model, dataset = result.info.get("model", "model"), result.info.get("dataset", "the data")
    default = (
        f"The {model} on {dataset}: {len(result.runs)} optimizers from the same initial weights "
        f"({result.epochs} epochs, batch {result.batch_size})"
    )
    fig.suptitle(title or default)
    return fig


Curve = tuple[np.ndarray, np.ndarray, str, str | None]  # x, losses, colour, "<name> diverged at step N"


def _draw_run(
    axes: tuple[Axes, Axes, Axes], name: str, run: Run, colour: str, per_epoch: int, smoothing: float
) -> tuple[Curve, Curve]:
    """The run ``name``'s curves in the three panels (step loss, raw and smoothed; test loss; test
    accuracy); returns its step-loss and test-loss curves, for ``_show_runs_that_did_not_diverge``."""
    step_ax, loss_ax, accuracy_ax = axes
    label = name if run.lr is None else f"{name} (lr {run.lr:g})"
    steps = np.asarray(run.history.steps["loss"], dtype=float)
    x = np.arange(1, steps.size + 1) / per_epoch
    step_ax.plot(x, steps, color=colour, alpha=0.18, linewidth=0.8)
    step_ax.plot(x, _moving_average(steps, smoothing), color=colour, linewidth=1.8, label=label)
    if run.diverged and steps.size:
        step_ax.plot(x[-1], steps[-1], "x", color=colour, markersize=9, markeredgewidth=2)
    h = run.history.history
    epochs = np.arange(1, len(h.get("val_loss", [])) + 1)
    loss_ax.plot(epochs, h.get("val_loss", []), color=colour, marker="o", markersize=3, label=label)
    # where the loss became nan: the step after the last one recorded
    diverged = f"{name} diverged at step {steps.size + 1}" if run.diverged else None
    accuracy = 100 * np.asarray(h.get("val_accuracy", []), dtype=float)
    final = "diverged" if run.diverged else f"{accuracy[-1]:.1f}%"
    accuracy_ax.plot(epochs, accuracy, color=colour, marker="o", markersize=3, label=f"{name}: {final}")
    test_losses = np.asarray(h.get("val_loss", []), dtype=float)
    return (x, steps, colour, diverged), (epochs, test_losses, colour, diverged)


def _show_runs_that_did_not_diverge(ax: Axes, curves: list[Curve]) -> None:
    """Limit the log y axis of ``ax`` to the finite losses of the runs that did not diverge (down to the
    lowest loss of any run), and mark each diverged run that leaves the axes with a triangle on the top edge
    where it does, labelled with its note. ``curves``: (x, losses, colour, note or None) per run."""
    kept = [y[np.isfinite(y) & (y > 0)] for _, y, _, note in curves if note is None]
    kept = [y for y in kept if y.size]
    if not kept:  # every run diverged: nothing to keep in view but them
        return
    high = max(float(y.max()) for y in kept)
    shown = [y[np.isfinite(y) & (y > 0) & (y <= high)] for _, y, _, _ in curves]
    low = min(float(y.min()) for y in shown if y.size)
    margin = 10 ** (0.05 * max(math.log10(high / low), 0.5))  # 5% of the range, on a log axis
    bottom, top = low / margin, high * margin
    ax.set_ylim(bottom, top)
    left, right = ax.get_xlim()
    for x, y, colour, note in curves:
        above = np.flatnonzero(y > top)
        if note is None or not above.size:
            continue
        at = x[above[0]]
        ax.plot(at, top, marker="^", markersize=9, color=colour, clip_on=False, zorder=5)
        on_left = at < (left + right) / 2
        ax.annotate(
            note,
            (at, top),
            xytext=(8 if on_left else -8, -6),
            textcoords="offset points",
            ha="left" if on_left else "right",
            va="top",
            fontsize=9,
            color=colour,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )


def _moving_average(values: np.ndarray, weight: float) -> np.ndarray:
    """Exponential moving average, bias-corrected as Adam's: a_t = weight a_{t-1} + (1 - weight) x_t,
    reported as a_t / (1 - weight^t)."""
    out = np.empty_like(values)
    average = 0.0
    for t, value in enumerate(values, start=1):
        average = weight * average + (1 - weight) * value
        out[t - 1] = average / (1 - weight**t)
    return out


def _number(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.4f}"


def _percent(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_outputs(result: Comparison, folder: Path, model: nn.Module, split: DataSplit) -> list[Path]:
    """Write the comparison into ``folder``: the curves (PNG and SVG), ``results.json``, the table, and the
    model's backward pass on one batch: ``graph.svg`` (coloured by gradient norm) and ``graph.html``, the page
    that steps through the same pass (``tg.viz.explore``). Each file is complete or absent (written
    atomically). Returns the paths written.

    Without Graphviz's ``dot`` the picture is written as its DOT source (``graph.dot``, which any Graphviz
    renders) and ``graph.html`` is left out: the page is laid out by ``dot`` too, and has no source form."""
    from .. import viz
    from ..files import atomic_write

    figure = plot_comparison(result)
    written = []
    for suffix in ("png", "svg"):
        path = folder / f"comparison.{suffix}"
        atomic_write(path, lambda file, s=suffix: figure.savefig(file, format=s, dpi=110), op="compare")
        written.append(path)
    for name, text in (("results.json", result.to_json()), ("results.txt", result.table())):
        atomic_write(folder / name, (text + "\n").encode(), op="compare")
        written.append(folder / name)

    inputs, labels = next(iter(DataLoader(split.train, batch_size=GRAPH_BATCH)))
    loss = nn.CrossEntropyLoss()(model(inputs), labels)
    with viz.record_backward():
        loss.backward()
    picture = viz.draw_graph(loss, params=model, backward=True, color_by="grad_norm")  # wraps to fit a screen
    try:
        picture.save(folder / "graph.svg")
        written.append(folder / "graph.svg")
    except viz.GraphvizNotFoundError:  # no `dot`: keep the picture's source, which any Graphviz can render
        picture.save(folder / "graph.dot")
        written.append(folder / "graph.dot")
        return written
    name, data = result.info.get("model", "model"), result.info.get("dataset")
    title = f"the {name}'s backward pass on a batch of {GRAPH_BATCH}" + (f" from {data}" if data else "")
    page = viz.explore(loss, params=model, max_nodes=GRAPH_MAX_NODES, title=title, color_by="grad_norm")
    written.append(page.save(folder / "graph.html"))
    return written
