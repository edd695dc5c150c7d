"""Pictures of what a network does: its forward graph and backward pass (Graphviz), gradient flow and
training curves (matplotlib, optional).

matplotlib is imported only when a plotting function is called (``pip install 'tensorgrad[plot]'``).

Each name is imported on first use (see ``tensorgrad._lazy``): ``tensorgrad.viz.draw_graph`` imports graphviz,
but importing a light module such as ``tensorgrad.viz.labels`` does not.
"""

import typing as _typing

from .._lazy import attach as _attach

__getattr__, __dir__ = _attach(
    __name__,
    submodules=["figures", "graph", "labels", "picture", "plots", "recording"],
    names={
        "GraphPicture": "picture",
        "GraphvizNotFoundError": "picture",
        "draw_graph": "graph",
        "plot_grad_flow": "plots",
        "plot_history": "plots",
        "record_backward": "recording",
    },
)
if _typing.TYPE_CHECKING:  # what type checkers and editors see
    from .graph import draw_graph
    from .picture import GraphPicture, GraphvizNotFoundError
    from .plots import plot_grad_flow, plot_history
    from .recording import record_backward

__all__ = [
    "GraphPicture",
    "GraphvizNotFoundError",
    "draw_graph",
    "plot_grad_flow",
    "plot_history",
    "record_backward",
]
