"""Pictures of what a network does: its forward graph and backward pass (Graphviz), gradient flow and
training curves (matplotlib, optional).

matplotlib is imported only when a plotting function is called (``pip install 'tensorgrad[plot]'``).
"""

from .graph import draw_graph, record_backward
from .picture import GraphPicture, GraphvizNotFoundError
from .plots import plot_grad_flow, plot_history

__all__ = [
    "GraphPicture",
    "GraphvizNotFoundError",
    "draw_graph",
    "plot_grad_flow",
    "plot_history",
    "record_backward",
]
