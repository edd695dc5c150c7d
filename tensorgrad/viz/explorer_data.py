"""The data behind ``tg.viz.explore``: one backward pass (or a forward graph) as plain JSON-ready values.

``explorer_data(drawing, picture, svg)`` reads the graph the engine ran (the tensors ``draw_graph``
drew, the gradients ``record_backward`` kept, each node's ``order``) and the SVG that Graphviz made of
``draw_graph``'s picture, and returns one dict, laid out for the page's JavaScript (``explorer.js``):

* ``nodes``: one entry per tensor of the graph, leaves first, then ops in creation order (a node's id is its
  position in this list, and the ``t3`` of ``draw_graph``'s DOT is the same number). Each has ``name``,
  ``kind`` (``op``, ``parameter``, ``input``, ``constant``: ops and parameters require grad), ``shape``,
  ``dtype`` and ``value`` (a summary, below), and where they apply: ``op`` and ``attrs`` (the op's name and
  settings); ``module`` (the modules whose forward made it); ``where`` (the ``file:line`` that made it,
  recorded only for graphs built under ``tg.viz.record_locations()`` or ``tg.detect_anomaly()``);
  ``inputs`` (node ids); ``grad`` (a summary); ``forward`` (its position in the forward pass); ``step``
  (the engine's backward step, ``node.order``); ``contributions`` (``[step, from, input]`` for each gradient
  sent to it, found in ``steps``); ``ready`` (the step after which its gradient is complete: its own step for
  an op, its last contribution for a leaf); ``note`` (a leaf whose ``.grad`` is not the sum of this pass's
  contributions: earlier passes added to it). A key that does not apply (a leaf's ``op``, a gradient not
  known) is left out: the page stays small for a graph of 10,000 nodes.
* ``forward``: the node ids of the ops in the order they ran; ``steps``: the backward steps in the engine's
  order, each ``{"node", "step", "sends": [{"to", "input", "grad"}]}``: the gradient each input was sent
  (left out when the pass was not recorded; ``"same": true`` instead when it was the receiver's only
  contribution, so equal to the receiver's ``grad``, which is not repeated).
* ``boxes`` (by SVG element id): the tensors a box draws (``members``: one, or a collapsed picture's many),
  when it appears (``forward``), when its gradient is complete (``ready``) and its gradient norm.
* ``frames``: the module frames of a picture that draws every op (``picture.frames``), outer ones first,
  each ``{"svg", "label", "members", "parent"}`` (``members``: the node ids drawn inside it, nested frames'
  included; ``parent``: the position of the frame around it, or None); ``folded``: the positions of the
  frames the page starts folded (``explore`` sets it).
* ``edges``: each SVG arrow's element ids (two where a wrapped picture splits an arrow between rows), the
  ``[node, input]`` pairs it stands for, when it appears (``forward``) and when a gradient is sent along it
  (``sent``).

* ``opens`` (by SVG element id: the view that box opens) and ``views`` (``[{"label", "parent", "inside"}]``,
  the whole graph's first) for a graph too big to lay out whole (``explorer_views``); the other views'
  ``boxes``, ``edges``, ``frames``, ``folded`` and ``opens`` travel with their pictures (``Explorer.views``).
* ``training`` (from ``tg.viz.record_steps``): ``steps``, ``loss`` and ``params`` (``[{"name", "node",
  "norms"}]``: each followed parameter's node id in this graph and its gradient norm at each step).

A summary holds the ``values`` (flat, row-major) of a tensor of at most ``values_limit`` elements (the page
computes their statistics). A bigger one is ``summarised: true``: it has ``stats`` (min, max, mean, std and
L2 norm of the finite elements; ``nan``/``inf`` counts when there are any), a 20-bin ``hist`` and, when 2-D,
a ``matrix`` of block means at most 32 x 32 (for the heatmap). ``shape`` and ``dtype`` are given only where
they differ from those of the tensor the summary belongs to. A number that is not finite is written as the
string ``"NaN"``, ``"Infinity"`` or ``"-Infinity"`` (JSON has no such numbers; JavaScript's ``Number()``
reads those strings back).
"""

from __future__ import annotations

import bisect
import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import graph, labels
from .picture import GraphPicture
from .recording import gradients

#: tensors with at most this many elements have their values in the page; bigger ones are summarised
VALUES_LIMIT = 64
#: a summarised 2-D tensor's heatmap has at most this many rows and columns (block means)
MATRIX_SIZE = 32
#: the bins of a summarised tensor's histogram
BINS = 20
_SVG = "{http://www.w3.org/2000/svg}"
_ACCUMULATED = (
    ".grad holds more than this pass's contributions: the gradients of every backward pass add up in .grad "
    "until it is zeroed (optimizer.zero_grad())"
)
_CONNECTOR = re.compile(r"c(\d+)([ab])")


def explorer_data(
    drawing: graph._Drawing,
    picture: GraphPicture,
    svg: bytes,
    *,
    values_limit: int = VALUES_LIMIT,
    opens: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The page's data for the graph ``drawing`` holds (see the module docstring); ``drawing`` also names the
    tensors as the picture does. ``picture`` is ``draw_graph``'s, ``svg`` what Graphviz made of it;
    ``opens``: the views its boxes open (see ``picture_data``)."""
    tensors = drawing.tensors
    index = {id(t): i for i, t in enumerate(tensors)}
    forward = [i for i, t in enumerate(tensors) if t._node is not None]  # _collect: in creation order
    ran = sorted((t for t in tensors if t._node is not None and t._node.order is not None),
                 key=lambda t: t._node.order)  # fmt: skip
    recorded = any(gradients(t._node) is not None for t in ran)

    grads = [drawing.grad_of(t) for t in tensors]
    sent: list[tuple[dict[str, Any], Any]] = []  # each send, with the gradient it carried
    steps, contributions = [], defaultdict(list)
    for t in ran:
        node = t._node
        kept = gradients(node)
        sends = []
        for i, x in enumerate(node.inputs):
            g = kept[1][i] if kept is not None else None
            if not x.requires_grad or (kept is not None and g is None):
                continue  # the engine passes nothing to this input
            sends.append({"to": index[id(x)], "input": i})
            sent.append((sends[-1], g))
            contributions[index[id(x)]].append([node.order, index[id(t)], i])
        steps.append({"node": index[id(t)], "step": node.order, "sends": sends})
    received: dict[int, list[np.ndarray]] = defaultdict(list)
    for send, g in sent:
        if g is None:
            continue  # not recorded
        received[send["to"]].append(g.array)
        receiver, whole = tensors[send["to"]], grads[send["to"]]
        if len(contributions[send["to"]]) == 1 and _same(g.array, whole):
            send["same"] = True  # the receiver's only contribution: its gradient, kept there once
        else:
            send["grad"] = summary(g.array, values_limit, like=receiver)

    nodes = [
        _node(i, t, grads[i], drawing, index, forward, contributions[i], values_limit)
        for i, t in enumerate(tensors)
    ]
    for i, arrays in received.items():  # a leaf's .grad should be the sum of what this pass sent it
        if tensors[i]._node is not None or len(arrays) < len(contributions[i]) or grads[i] is None:
            continue
        if not np.allclose(sum(arrays[1:], arrays[0]), grads[i], rtol=1e-4, atol=1e-6, equal_nan=True):
            nodes[i]["note"] = _ACCUMULATED
    part = picture_data(drawing, picture, svg, index, nodes, grads, opens)
    return {
        "format": 1,
        "note": picture.note,
        "backward": bool(ran),
        "recorded": recorded,
        "collapsed": any(len(b["members"]) > 1 for b in part["boxes"].values()),
        "limits": {"values": values_limit, "matrix": MATRIX_SIZE, "bins": BINS},
        "gradColor": labels.GRAD_COLOR,
        "palette": list(labels.NORM_PALETTE),
        "nodes": nodes,
        "forward": forward,
        "steps": steps,
        **part,
        "folded": [],
    }


def picture_data(
    drawing: graph._Drawing,
    picture: GraphPicture,
    svg: bytes,
    index: dict[int, int],
    nodes: list[dict[str, Any]],
    grads: list[np.ndarray | None],
    opens: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The ``boxes``, ``edges`` and ``frames`` of one picture of the graph (``index``: each tensor's node id,
    by ``id``; ``nodes`` and ``grads`` by node id): the whole graph's, or one of ``explore``'s views of a
    part (``drawing.tensors``; ``opens``: the view each of its boxes opens, by DOT node, which becomes
    ``opens`` by SVG element)."""
    tensors = {index[id(t)]: t for t in drawing.tensors}
    boxes, edges, frames, elements = _svg_parts(svg, picture, drawing, index)
    for box in boxes.values():
        members, ids = [nodes[i] for i in box["members"]], box["members"]
        box["forward"] = min((m["forward"] for m in members if "forward" in m), default=None)
        box["ready"] = max((m["ready"] for m in members if "ready" in m), default=None)
        box["norm"] = _box_norm([tensors[i] for i in ids], [grads[i] for i in ids], drawing)
    for edge in edges:
        heads = [nodes[head] for head, _ in edge["pairs"]]
        edge["forward"] = min(h["forward"] for h in heads)
        edge["sent"] = min((h["step"] for h in heads if "step" in h), default=None)
    part: dict[str, Any] = {"boxes": boxes, "edges": edges, "frames": frames}
    if opens:
        part["opens"] = {elements[name]: view for name, view in opens.items()}
    return part


# ----------------------------------------------------------------------------------------- nodes
def _node(
    i: int,
    t: Tensor,
    grad: np.ndarray | None,
    drawing: graph._Drawing,
    index: dict[int, int],
    forward: list[int],
    contributions: list[list[int]],
    values_limit: int,
) -> dict[str, Any]:
    node = t._node
    scope = drawing.scope_of(t)
    entry: dict[str, Any] = {
        "name": (t.name or node.name) if node is not None else drawing.name_of(t),
        "kind": "op" if node is not None else _leaf_kind(t),
        "shape": list(t.shape),
        "dtype": np.dtype(t.dtype).name,
        "value": summary(t.array, values_limit, like=t),
    }
    optional = {
        "op": None if node is None else str(node.name),
        "attrs": None if node is None else graph._attributes(node),
        "module": " / ".join(drawing.module_label(m) for m in scope),
        "where": None if node is None or node.location == "<unknown>" else node.location,
        "inputs": None if node is None else [index[id(x)] for x in node.inputs],
        "grad": None if grad is None else summary(grad, values_limit, like=t),
        "forward": None if node is None else bisect.bisect_left(forward, i),  # ids are in creation order
        "step": None if node is None else node.order,
        "contributions": contributions,
        # when its gradient is complete: when its backward runs (the root's: from the start), or for a leaf
        # when its last contribution arrives
        "ready": node.order if node is not None and node.order is not None
        else max((step for step, _, _ in contributions), default=None),
    }  # fmt: skip
    entry.update((key, value) for key, value in optional.items() if value not in (None, [], ""))
    return entry


def _leaf_kind(t: Tensor) -> str:
    if t.requires_grad:
        return "parameter"
    return "input" if t.ndim > 0 and t.size > 1 else "constant"


def _box_norm(tensors: list[Tensor], grads: list[np.ndarray | None], drawing: graph._Drawing) -> float | None:
    """The gradient norm a box is coloured by: its tensor's, or a merged box's as ``draw_graph`` gives it."""
    if len(tensors) == 1:
        return None if grads[0] is None else _short(labels.norm(grads[0]))
    norm = drawing.group_norm(tensors)
    return None if norm is None else _short(norm)


def _same(a: np.ndarray, b: np.ndarray | None) -> bool:
    return b is not None and a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))


# ----------------------------------------------------------------------------------------- values
def summary(array: np.ndarray, values_limit: int = VALUES_LIMIT, like: Tensor | None = None) -> dict:
    """What the page shows of a tensor's value or gradient (see the module docstring); the ``shape`` and
    ``dtype`` are left out where they are those of ``like``, the tensor the summary belongs to.

    >>> summary(np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32))["values"]
    [1.0, 2.0, 3.0, 4.0]
    >>> big = summary(np.zeros((100, 3)))
    >>> big["summarised"], big["stats"]["max"], len(big["hist"]["counts"]), big["matrix"]["shape"]
    (True, 0.0, 20, [32, 3])
    """
    a = np.asarray(array)
    entry: dict[str, Any] = {}
    if like is None or tuple(like.shape) != a.shape or np.dtype(like.dtype) != a.dtype:
        entry.update(shape=list(a.shape), dtype=a.dtype.name)
    if a.size <= values_limit:
        entry["values"] = _numbers(a)
        return entry
    entry["summarised"] = True
    entry["stats"] = _stats(a)
    entry["hist"] = _histogram(a)
    if a.ndim == 2:
        entry["matrix"] = _matrix(a)
    return entry


def _stats(a: np.ndarray) -> dict[str, Any]:
    if a.size == 0:
        return {}
    values = a.astype(np.float64, copy=False).ravel()
    finite = np.isfinite(values)
    stats: dict[str, Any] = {}
    if not finite.all():
        stats["nan"] = int(np.isnan(values).sum())
        stats["inf"] = int(np.isinf(values).sum())
        values = values[finite]
        if values.size == 0:
            return stats
    stats.update(
        min=_short(values.min()),
        max=_short(values.max()),
        mean=_short(values.mean()),
        std=_short(values.std()),
        norm=_short(math.sqrt(np.dot(values, values))),
    )
    return stats


def _numbers(a: np.ndarray) -> list[Any]:
    """The elements, row-major, each as the shortest decimal that reads back as the same value of its dtype
    (float32's 0.1 is ``0.1``, not ``0.10000000149011612``); non-finite ones as strings."""
    flat = a.ravel()
    if np.issubdtype(a.dtype, np.floating):
        if not np.isfinite(flat).all():
            return [_number_text(float(v)) for v in flat.astype(str)]
        return [float(v) for v in flat.astype(str)]
    if np.issubdtype(a.dtype, np.complexfloating):
        return [_number_text(float(v)) for v in np.abs(flat)]
    return [v if isinstance(v, (bool, int)) else float(v) for v in flat.tolist()]


def _number_text(x: float) -> Any:
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _short(x: Any) -> float | str:
    """A statistic in 7 significant digits (plenty for a reader, and short in the page)."""
    x = float(x)
    return float(f"{x:.7g}") if math.isfinite(x) else _number_text(x)


def _histogram(a: np.ndarray) -> dict[str, Any]:
    values = a.astype(np.float64, copy=False).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"lo": 0.0, "hi": 0.0, "counts": [0] * BINS}
    counts, edges = np.histogram(values, bins=BINS)
    return {"lo": _short(edges[0]), "hi": _short(edges[-1]), "counts": counts.tolist()}


def _matrix(a: np.ndarray) -> dict[str, Any]:
    """The block means of a 2-D array on a grid of at most ``MATRIX_SIZE`` x ``MATRIX_SIZE`` cells
    (non-finite elements make their cell NaN, drawn grey)."""
    rows, cols = a.shape
    r = np.linspace(0, rows, min(rows, MATRIX_SIZE) + 1).astype(int)
    c = np.linspace(0, cols, min(cols, MATRIX_SIZE) + 1).astype(int)
    values = a.astype(np.float64, copy=False)
    sums = np.add.reduceat(np.add.reduceat(values, r[:-1], axis=0), c[:-1], axis=1)
    means = sums / np.outer(np.diff(r), np.diff(c))
    return {"shape": list(means.shape), "values": [_cell(v) for v in means.ravel()]}


def _cell(x: Any) -> float | str:
    """A heatmap cell in 3 significant digits: it only picks a colour (and keeps big pages small)."""
    x = float(x)
    return float(f"{x:.3g}") if math.isfinite(x) else _number_text(x)


# ----------------------------------------------------------------------------------------- the SVG
def _svg_parts(
    svg: bytes, picture: GraphPicture, drawing: graph._Drawing, index: dict[int, int]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """The boxes, arrows and module frames of the rendered picture of ``drawing``'s tensors, found by the DOT
    names dot writes into each element's ``<title>``: ``t3`` (``g1`` for a merged box) for a box, ``t1->t3``
    for an arrow (an arrow split between two rows runs ``t1->c5a`` and ``c5b->t3``), ``cluster_0_1`` for a
    frame; and the SVG element of each DOT node."""
    tensors = drawing.tensors
    root = ET.fromstring(svg)
    node_element: dict[str, str] = {}  # DOT name -> SVG element id
    cluster_element: dict[str, str] = {}
    parts: list[tuple[str, str, str]] = []  # (SVG id, tail, head)
    for element in root.iter(f"{_SVG}g"):
        kind, title = element.get("class"), element.findtext(f"{_SVG}title", "")
        if kind == "node":
            node_element[title] = element.get("id", "")
        elif kind == "edge" and "->" in title:
            tail, head = title.split("->", 1)
            parts.append((element.get("id", ""), tail, head))
        elif kind == "cluster":
            cluster_element[title] = element.get("id", "")

    arrows = _join_connectors(parts)
    by_ends: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for tail, head, ids in arrows:
        by_ends[(tail, head)].append(ids)

    boxes: dict[str, dict[str, Any]] = {}
    for t in tensors:
        element = node_element.get(picture.boxes.get(id(t), ""))
        if element is None:
            raise RuntimeError(f"explore: the rendered picture has no box for tensor {index[id(t)]}")
        boxes.setdefault(element, {"svg": element, "members": []})["members"].append(index[id(t)])

    edges: dict[str, dict[str, Any]] = {}
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for t in tensors:  # in the order draw_graph wrote the arrows: so an op's two arrows from x stay apart
        for i, x in drawing.inputs_of(t):
            use = picture.uses.get((id(t), i))  # a constant drawn once per use: each of its boxes shows it
            if use is not None:
                boxes[node_element[use]] = {"svg": node_element[use], "members": [index[id(x)]]}
            ends = (use or picture.boxes[id(x)], picture.boxes[id(t)])
            found = by_ends.get(ends)
            if ends[0] == ends[1] or not found:
                continue  # inside one merged box, or a constant drawn without arrows
            ids = found[min(seen[ends], len(found) - 1)]  # a merged arrow stands for several
            seen[ends] += 1
            edge = edges.setdefault(ids[0], {"svg": ids, "pairs": []})
            edge["pairs"].append([index[id(t)], i])
    return boxes, list(edges.values()), _frames(picture, cluster_element, index), node_element


def _frames(picture: GraphPicture, cluster_element: dict[str, str], index: dict[int, int]) -> list[dict]:
    """The module frames of a full picture, outer frames before the frames inside them: each one's SVG id,
    label, members (node ids, nested frames' included) and ``parent`` (the position of the frame it sits in,
    or None)."""
    names = sorted(picture.frames, key=lambda name: (name.count("_"), name))
    position = {name: i for i, name in enumerate(names)}
    frames = []
    for name in names:
        label, members = picture.frames[name]
        if name not in cluster_element:
            raise RuntimeError(f"explore: the rendered picture has no frame {name} ({label})")
        parent = name.rsplit("_", 1)[0]
        frames.append({
            "svg": cluster_element[name],
            "label": label,
            "members": sorted(index[m] for m in members),
            "parent": position.get(parent),
        })  # fmt: skip
    return frames


def _join_connectors(parts: list[tuple[str, str, str]]) -> list[tuple[str, str, list[str]]]:
    """Whole arrows ``(tail, head, [SVG ids])``, in the order they were written in the DOT (dot numbers its
    ``edgeN`` elements so): the two halves of a split arrow joined by their connector's number."""
    leaving: dict[str, tuple[str, str]] = {}
    entering: dict[str, tuple[str, str]] = {}
    arrows: list[tuple[int, str, str, list[str]]] = []
    for element, tail, head in parts:
        to_connector, from_connector = _CONNECTOR.fullmatch(head), _CONNECTOR.fullmatch(tail)
        if to_connector and to_connector.group(2) == "a":
            leaving[to_connector.group(1)] = (element, tail)
        elif from_connector and from_connector.group(2) == "b":
            entering[from_connector.group(1)] = (element, head)
        else:
            arrows.append((_number(element), tail, head, [element]))
    for number, (element, tail) in leaving.items():
        if number in entering:
            other, head = entering[number]
            arrows.append((_number(element), tail, head, [element, other]))
    arrows.sort(key=lambda arrow: arrow[0])
    return [(tail, head, ids) for _, tail, head, ids in arrows]


def _number(element: str) -> int:
    digits = re.sub(r"\D", "", element)
    return int(digits) if digits else 0
