"""Pictures of what a network does: its forward graph and backward pass (Graphviz), a page that steps
through them in the browser (``explore``), gradient flow and training curves (matplotlib, optional).

matplotlib is imported only when a plotting function is called (``pip install 'tensorgrad[plot]'``).

Each name is imported on first use (see ``tensorgrad._lazy``): ``tensorgrad.viz.draw_graph`` imports graphviz,
but importing a light module such as ``tensorgrad.viz.labels`` does not.
"""

import typing as _typing

from .._lazy import attach as _attach

__getattr__, __dir__ = _attach(
    __name__,
    submodules=[
        "explorer",
        "explorer_data",
        "explorer_views",
        "figures",
        "graph",
        "labels",
        "picture",
        "plots",
        "recording",
        "steps",
    ],
    names={
        "Explorer": "explorer",
        "GraphPicture": "picture",
        "GraphvizNotFoundError": "picture",
        "Steps": "steps",
        "draw_graph": "graph",
        "explore": "explorer",
        "plot_grad_flow": "plots",
        "plot_history": "plots",
        "record_backward": "recording",
        "record_locations": "explorer",
        "record_steps": "steps",
    },
)
if _typing.TYPE_CHECKING:  # what type checkers and editors see
    from .explorer import Explorer, explore, record_locations
    from .graph import draw_graph
    from .picture import GraphPicture, GraphvizNotFoundError
    from .plots import plot_grad_flow, plot_history
    from .recording import record_backward
    from .steps import Steps, record_steps

__all__ = [
    "Explorer",
    "GraphPicture",
    "GraphvizNotFoundError",
    "Steps",
    "draw_graph",
    "explore",
    "plot_grad_flow",
    "plot_history",
    "record_backward",
    "record_locations",
    "record_steps",
]
