"""What every matplotlib plot in tensorgrad shares: the optional import, "the axes given or a new figure",
whole-number ticks, and a legend in a chosen order.

matplotlib is an optional extra (``pip install 'tensorgrad[plot]'``): nothing here imports it when this
module is imported; each function imports what it uses when it is called. A plotting function starts with
``require_matplotlib("its name")``, so that a missing matplotlib fails first, with one sentence saying how
to install it. Figures are built as ``matplotlib.figure.Figure`` objects directly, without pyplot's global
state, so they work headless (``fig.savefig("x.png")``) and display inline in Jupyter::

    def plot_something(values, ax=None):
        require_matplotlib("tensorgrad.experiments.plot_something")
        fig, ax = figure_and_axes(ax, figsize=(7.0, 4.8))
        ax.plot(values, label="values")
        ordered_legend(ax, rank=lambda label: label != "values")
        return fig
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotations; matplotlib is imported when a function is called
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

__all__ = ["figure_and_axes", "new_figure", "ordered_legend", "require_matplotlib", "whole_number_ticks"]


def require_matplotlib(function: str) -> None:
    """Import the parts of matplotlib the plots use, or raise an ImportError naming ``function`` (a name in
    ``tensorgrad.viz``, or a dotted name elsewhere) and how to install matplotlib."""
    try:
        import matplotlib  # fails first, with the clearest message, when it is not installed
        import matplotlib.figure
        import matplotlib.ticker  # noqa: F401  (imported only to check that it is there)
    except ImportError as error:
        raise ImportError(
            f"{function if '.' in function else 'tensorgrad.viz.' + function} needs matplotlib: "
            "pip install 'tensorgrad[plot]' (or pip install matplotlib)"
        ) from error


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A new ``Figure`` of ``figsize`` inches (width, height) with constrained layout, not pyplot's current
    one."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """``(ax.figure, ax)`` when ``ax`` is given; otherwise a ``new_figure(figsize)`` and its one Axes."""
    if ax is not None:
        return ax.figure, ax
    fig = new_figure(figsize)
    return fig, fig.add_subplot()


def whole_number_ticks(ax: Axes, steps: Sequence[float] | None = None) -> None:
    """Put the x ticks of ``ax`` on whole numbers only (epochs), spaced by one of ``steps`` times a power of
    ten (``None``: matplotlib's ``MaxNLocator`` default)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=steps))


def ordered_legend(ax: Axes, rank: Callable[[str], Any], **options: Any) -> Legend:
    """Draw the legend of ``ax`` with its entries sorted by ``rank(label)``: a stable sort, so entries of
    equal rank keep the order they were drawn in. ``options`` go to ``ax.legend``."""
    handles, labels = ax.get_legend_handles_labels()
    ranked = sorted(zip(handles, labels), key=lambda entry: rank(entry[1]))
    return ax.legend(*zip(*ranked), **options)
