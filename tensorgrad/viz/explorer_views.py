"""The pictures of a graph too big to lay out whole: ``explore``'s views, one per box that opens.

Graphviz lays out a picture of every op in time and size that grow faster than the graph: a 10,000-op
chain in 100 modules took ``dot`` 154 s and 28 MB of SVG. So a graph of more than ``FULL_LAYOUT_LIMIT``
tensors (or a big one without modules) is drawn as ``draw_graph``'s collapsed picture, one box per module
or run of ops, and each of those boxes opens into a picture of its own: its ops, drawn by the same rule
(every op, with module frames that fold in place, when they are few enough; else collapsed again, with
boxes that open further), with the tensors it takes from outside as boxes at its start. Each picture is
laid out once, when the page is made, and the page shows one at a time, with the path back to the whole
graph above it. No layout is made in the browser, and every picture is Graphviz's.

``views(make, tensors, max_nodes)`` returns the pictures, the whole graph's first, each with the view it
opens from (``parent``) and the boxes that open another (``opens``, by DOT node).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..tensor import Tensor
from . import graph
from .picture import GraphPicture

#: a graph of up to this many tensors is laid out whole (its frames fold in the page); a bigger one is drawn
#: collapsed, its boxes opening into pictures of their own (Graphviz takes about 2 s and the SVG 3 MB for
#: 1,000 boxes)
FULL_LAYOUT_LIMIT = 1000
_RANKDIR = "LR"


@dataclass
class View:
    """One picture of the page: ``tensors`` drawn (the part's own and, first, those it takes from outside),
    ``inside`` (the part's own), the picture, whether its module frames start folded, and the DOT nodes of its
    boxes that open another view (by that view's position)."""

    label: str
    parent: int | None
    drawing: graph._Drawing
    inside: list[Tensor]
    picture: GraphPicture
    folded: bool
    opens: dict[str, int] = field(default_factory=dict)


MakeDrawing = Callable[[Sequence[Tensor], frozenset, int], graph._Drawing]


def picture_of(drawing: graph._Drawing, max_nodes: int | None) -> tuple[GraphPicture, bool]:
    """The picture of a drawing's tensors, and whether its frames start folded: every op when there are at
    most ``max_nodes`` tensors (``None``: always), or at most ``FULL_LAYOUT_LIMIT`` in module frames (which
    then start folded); else the collapsed picture, one box per module or run of ops."""
    n = len(drawing.tensors)
    framed = any(drawing.frame_scope(t) for t in drawing.tensors if t._node is not None)
    if max_nodes is None or n <= max_nodes or (framed and n <= FULL_LAYOUT_LIMIT):
        return drawing.full(_RANKDIR), max_nodes is not None and n > max_nodes
    return drawing.collapsed(max_nodes, _RANKDIR), False


def views(make: MakeDrawing, tensors: list[Tensor], max_nodes: int | None, label: str) -> list[View]:
    """The whole graph's picture and, for each collapsed box of several ops, the picture it opens into
    (breadth first: a view's parent comes before it). ``make(tensors, outside, depth)`` makes the drawing of a
    part; ``label`` names the whole graph's view."""
    whole = make(tensors, frozenset(), 0)
    position = {id(t): i for i, t in enumerate(tensors)}  # leaves first, then ops in creation order
    picture, folded = picture_of(whole, max_nodes)
    found = [View(label, None, whole, list(tensors), picture, folded)]
    for k, view in enumerate(found):  # grows while it is read
        if not view.picture.groups:
            continue  # every op drawn: nothing opens
        members: dict[str, list[Tensor]] = {}
        for t in view.inside:
            members.setdefault(view.picture.boxes[id(t)], []).append(t)
        for box, inside in members.items():
            key = view.picture.groups[box]
            ops = [t for t in inside if t._node is not None]
            if len(ops) < 2 or len(inside) == len(view.inside):
                continue  # one op is shown whole by its box; a box of everything would open into itself
            ids = {id(t) for t in inside}
            outside = {id(x) for t in ops for x in t._node.inputs if id(x) not in ids}
            drawn = sorted(
                inside + [x for x in _unique(x for t in ops for x in t._node.inputs) if id(x) in outside],
                key=lambda t: position[id(t)],
            )
            depth = view.drawing.depth + (len(key) - 1 if key[0] == "module" else 0)
            part = make(drawn, frozenset(outside), depth)
            picture, folded = picture_of(part, max_nodes)
            view.opens[box] = len(found)
            found.append(View(_label(view.drawing, key, ops), k, part, inside, picture, folded))
    return found


def _label(drawing: graph._Drawing, key: tuple[Any, ...], ops: list[Tensor]) -> str:
    """The name of an opened box: its module (``4: Block``), or the run of ops it stands for."""
    if key[0] == "module":
        return drawing.module_label(drawing.frame_scope(ops[0])[len(key) - 2])
    return f"ops {ops[0]._node.sequence}-{ops[-1]._node.sequence}"


def _unique(tensors: Any) -> list[Tensor]:
    """Each tensor once (by identity: ``==`` on tensors compares their elements)."""
    return list({id(t): t for t in tensors}.values())
