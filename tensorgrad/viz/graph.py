"""Pictures of a computation graph: the forward pass, and the backward pass with its gradients.

``draw_graph(loss)`` reads the graph the engine itself uses (each Tensor's node, each node's inputs) and
draws it with Graphviz:

* a box per **leaf** tensor (parameters, inputs, constants): its name, shape, dtype, values or statistics,
  and after backward its ``.grad`` with the gradient's norm;
* a box per **op**, which stands for the op and the tensor it made: the op's name (a layer's op is named as
  the layer: ``Dense``, ``Conv2D``) and attributes (axis, stride, ...), the output's shape and values or
  statistics, and the gradient that reached it;
* ``backward=True`` turns the arrows around to the way gradients flow and numbers each op by the step at
  which the engine ran its backward (``node.order``); each arrow carries the gradient that went along it;
* ``color_by="grad_norm"`` fills each box by the log of its gradient's norm, blue for the graph's smallest
  to red for its largest, with a legend;
* ``group_modules=True`` draws the ops of each ``nn.Module`` call inside a labelled frame (each node records
  the modules whose forward created it);
* graphs bigger than ``max_nodes`` are drawn with one box per module (or per run of ops outside modules),
  with a note saying what was merged, so a whole network stays readable;
* a left-to-right picture longer than ``ROW_LENGTH`` (about a screen's width) wraps into rows of whole
  modules, read top to bottom like lines of text; an arrow from one row to the next goes through a pair of
  small numbered circles, one at the end of the row and one at the start of the next.

The gradients of inner tensors are only known if the backward pass kept them: run it inside
``with tg.viz.record_backward():``. Leaf gradients (``.grad``) are always shown. Drawing reads the graph and
changes nothing in it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..nn.module import Module, design_name
from ..tensor import Tensor
from . import labels
from .picture import GraphPicture
from .recording import gradients

SHOW_VALUES = ("auto", "values", "stats", "none")
COLOR_BY = (None, "grad_norm")
RANKDIRS = ("LR", "RL", "TB", "BT")
#: a left-to-right picture longer than this, in points (about 1870 pixels on a screen), wraps into rows
ROW_LENGTH = 1400.0
_WRAPPING = ("LR", "RL")
_RANK_GAP = 42.0  # the space dot leaves between two columns besides an arrow's label, in points
_FRAME_MARGIN = 8.0  # a module frame's margins, in points
_EDGE_CHAR_WIDTH = 4.4  # the average width of a character of an arrow's label (9 points), in points
_ROW_START, _ROW_END = 65.0, 190.0  # the room the connectors at a row's start and end take (with the label)
_FILL = {"op": "#dbe9f6", "parameter": "#d9f0d3", "leaf": "#eeeeee", "module": "#e7e1ef"}
_FORWARD_EDGE = "#555555"


def draw_graph(
    root: Tensor | Sequence[Tensor],
    *,
    params: Module | Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_values: str = "auto",
    show_grads: bool = True,
    backward: bool = False,
    color_by: str | None = None,
    group_modules: bool = True,
    max_nodes: int | None = 200,
    rankdir: str = "LR",
) -> GraphPicture:
    """Draw the graph that computed ``root`` (a Tensor or a list of them); see the module docstring.

    ``params`` names the leaves: a Module (its parameter and module names are used), a dict or an iterable
    of ``(name, tensor)`` pairs such as ``model.named_parameters()``; tensors with ``.name`` set are named
    too. ``show_values`` is ``"auto"`` (values for tensors of up to 8 elements, statistics for bigger ones),
    ``"values"``, ``"stats"`` or ``"none"``. ``max_nodes=None`` never collapses.

    >>> import tensorgrad as tg
    >>> a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    >>> loss = (a * 3).sum()
    >>> loss.backward()
    >>> picture = tg.viz.draw_graph(loss, backward=True)
    >>> "Mul" in picture.source and "a.grad" in picture.source
    True
    """
    roots = _roots(root, "draw_graph")
    _check_options(show_values, color_by, max_nodes, rankdir)
    names, module_names, whole_model = _names(_params(params, "draw_graph"))
    tensors = _collect(roots)
    drawing = _Drawing(
        roots=roots,
        tensors=tensors,
        names=names,
        module_names=module_names,
        whole_model=whole_model,
        show_values=show_values,
        show_grads=show_grads,
        backward=backward,
        color_by=color_by,
        group_modules=group_modules,
    )
    if max_nodes is not None and len(tensors) > max_nodes:
        return drawing.collapsed(max_nodes, rankdir)
    return drawing.full(rankdir)


# ----------------------------------------------------------------------------------------- arguments
def _roots(root: Any, op: str) -> list[Tensor]:
    """``root`` as a list of Tensors (one, or a list or tuple of them); errors name ``op``."""
    roots = [root] if isinstance(root, Tensor) else list(root) if isinstance(root, (list, tuple)) else None
    if not roots or not all(isinstance(t, Tensor) for t in roots):
        raise TypeError(
            f"{op}: expected a Tensor (e.g. the loss) or a list of Tensors, got {type(root).__name__}"
        )
    return roots


#: ``params`` as ``_params`` returns them
Params = Module | list[tuple[str, Tensor]] | None


def _params(params: Any, op: str) -> Params:
    """``params`` checked: None, a Module, or ``(name, tensor)`` pairs: a dict's items, or an iterable of
    pairs such as ``model.named_parameters()`` (read once). Errors name ``op``."""
    if params is None or isinstance(params, Module):
        return params
    try:
        pairs = list(params.items() if isinstance(params, Mapping) else params)
    except TypeError:
        pairs = None
    if pairs is None or not all(
        isinstance(p, (tuple, list)) and len(p) == 2 and isinstance(p[1], Tensor) for p in pairs
    ):
        raise TypeError(
            f"{op}: params must be a Module, a dict of name -> Tensor, or (name, Tensor) pairs such as "
            f"model.named_parameters(); got {type(params).__name__}"
        )
    return [(str(name), tensor) for name, tensor in pairs]


def _check_options(show_values: str, color_by: str | None, max_nodes: int | None, rankdir: str) -> None:
    if show_values not in SHOW_VALUES:
        raise ValueError(f"draw_graph: show_values must be one of {SHOW_VALUES}, got {show_values!r}")
    if color_by not in COLOR_BY:
        raise ValueError(f"draw_graph: color_by must be None or 'grad_norm', got {color_by!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 2):
        raise ValueError(f"draw_graph: max_nodes must be an int >= 2 or None, got {max_nodes!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")


def _names(params: Params) -> tuple[dict[int, str], dict[int, str], Module | None]:
    """Names of parameters and of modules by ``id``, and the whole model when a Module was given
    (``params`` as ``_params`` returns it)."""
    if params is None:
        return {}, {}, None
    if isinstance(params, Module):
        modules = {id(m): name for name, m in params.named_modules() if name}
        return {id(p): name for name, p in params.named_parameters()}, modules, params
    return {id(tensor): name for name, tensor in params}, {}, None


def _collect(roots: list[Tensor]) -> list[Tensor]:
    """Every tensor the roots were computed from, each once, inputs before the ops that used them."""
    seen: dict[int, Tensor] = {}
    stack = list(roots)
    while stack:  # iterative: a 100,000-op chain must draw too
        t = stack.pop()
        if id(t) in seen:
            continue
        seen[id(t)] = t
        if t._node is not None:
            stack.extend(t._node.inputs)
    leaves = [t for t in seen.values() if t._node is None]
    inner = sorted((t for t in seen.values() if t._node is not None), key=lambda t: t._node.sequence)
    return leaves + inner


# ----------------------------------------------------------------------------------------- drawing
class _Drawing:
    """One picture in the making: the tensors, what is known about their gradients, and the DOT output."""

    def __init__(
        self,
        *,
        roots: list[Tensor],
        tensors: list[Tensor],
        names: dict[int, str],
        module_names: dict[int, str],
        whole_model: Module | None,
        show_values: str,
        show_grads: bool,
        backward: bool,
        color_by: str | None,
        group_modules: bool,
        outside: frozenset[int] = frozenset(),
        depth: int = 0,
    ) -> None:
        self.roots = roots
        self.tensors = tensors
        self.ids = {id(t): f"t{i}" for i, t in enumerate(tensors)}
        self.names = names
        self.module_names = module_names
        self.whole_model = whole_model
        self.show_values = show_values
        self.show_grads = show_grads
        self.backward = backward
        self.color_by = color_by
        self.group_modules = group_modules
        # a picture of part of a graph (one of explore's views): the ids of the tensors drawn as they come
        # from outside the part (their inputs are not drawn, nor the frames they were made in), and how many
        # module frames are open around the part (its frames start below them)
        self.outside = outside
        self.depth = depth
        # id (or a collapsed box's key) -> about how wide its box is drawn, in points
        self.widths: dict[Any, float] = {}
        self.recorded = any(t._node is not None and gradients(t._node) is not None for t in tensors)
        self.ran_backward = any(t._node is not None and t._node.order is not None for t in tensors)
        self.outputs = {id(t._node): t for t in tensors if t._node is not None}  # node id -> its output
        self.consumers: dict[int, list[Function]] = defaultdict(list)
        for t in tensors:
            if t._node is not None and id(t) not in outside:
                for x in t._node.inputs:
                    self.consumers[id(x)].append(t._node)

    # ------------------------------------------------------------------ what is known about a tensor
    def grad_of(self, t: Tensor) -> np.ndarray | None:
        """The gradient to show for ``t``: ``.grad`` for leaves (and retained inner tensors), else what the
        recorded backward pass delivered to its node."""
        if t.grad is not None:
            return t.grad.array
        recorded = None if t._node is None else gradients(t._node)
        return None if recorded is None else recorded[0].array

    def name_of(self, t: Tensor) -> str:
        if id(t) in self.names:
            return self.names[id(t)]
        if t.name:
            return t.name
        if t.requires_grad:
            return "leaf"
        return "input" if t.ndim > 0 and t.size > 1 else "constant"

    def module_label(self, module: Module) -> str:
        name = self.module_names.get(id(module))
        kind = design_name(module)  # Dense for nn.Linear: the name of the op drawn inside the frame
        return f"{name}: {kind}" if name else kind

    def scope_of(self, t: Tensor) -> tuple[Module, ...]:
        """The modules a box is drawn inside: an op's recorded scope; for a parameter, the scope of the module
        that owns it (found through the ops that used it); nothing for inputs and constants."""
        scope: tuple[Module, ...] = ()
        if t._node is not None:
            scope = t._node.scope
        else:
            for consumer in self.consumers.get(id(t), ()):
                for depth in range(len(consumer.scope), 0, -1):
                    module = consumer.scope[depth - 1]
                    if any(p is t for p in module._parameters.values()):
                        scope = consumer.scope[:depth]
                        break
                if scope:
                    break
        if self.whole_model is not None and scope and scope[0] is self.whole_model:
            scope = scope[1:]  # the frame around everything would say nothing
        return scope

    def frame_scope(self, t: Tensor) -> tuple[Module, ...]:
        """The modules whose frames a box is drawn inside: ``scope_of`` below the frames open around the
        picture (nothing for a tensor from outside a part)."""
        return () if id(t) in self.outside else self.scope_of(t)[self.depth :]

    def inputs_of(self, t: Tensor) -> list[tuple[int, Tensor]]:
        """The inputs of ``t`` that the picture draws, with their positions (none for a leaf, or for a
        tensor from outside a part)."""
        if t._node is None or id(t) in self.outside:
            return []
        return [(i, x) for i, x in enumerate(t._node.inputs) if id(x) in self.ids]

    # ------------------------------------------------------------------ the full picture
    def full(self, rankdir: str) -> GraphPicture:
        picture = self.new_picture(rankdir)
        norms = self.norms() if self.color_by else {}
        low, high = _range(norms.values())
        box_labels, keys, lengths = {}, {}, {}
        scopes: dict[tuple[int, ...], tuple[Module, ...]] = {(): ()}
        for t in self.tensors:
            fill = labels.norm_color(norms[id(t)], low, high) if id(t) in norms and norms[id(t)] > 0 else None
            label = self.op_label(t, fill) if t._node is not None else self.leaf_label(t, fill)
            scope = self.frame_scope(t) if self.group_modules else ()
            keys[id(t)] = tuple(id(m) for m in scope)
            scopes[keys[id(t)]] = scope
            box_labels[id(t)] = label
            lengths[id(t)] = self.length(t)
        rows = self.rows(keys, lengths) if rankdir in _WRAPPING else dict.fromkeys(keys, 0)
        layers: dict[int, dict[tuple[int, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in self.tensors:  # row -> frame (scope as module ids) -> DOT statements
            layers[rows[id(t)]][keys[id(t)]].append(_node_statement(self.ids[id(t)], box_labels[id(t)]))
        uses = self.constant_uses()
        links = _Links(self.backward)
        for t in self.tensors:
            for i, x in self.inputs_of(t):
                tail, tail_row = self.ids[id(x)], rows[id(x)]
                if (id(t), i) in uses:  # a shared constant's box of its own, beside this op
                    tail, tail_row = uses[(id(t), i)], rows[id(t)]
                    layers[tail_row][()].append(_node_statement(tail, box_labels[id(x)]))
                links.add(tail, self.ids[id(t)], tail_row, rows[id(t)], (t, i, x))

        named: dict[str, tuple[int, ...]] = {}  # each frame's cluster name -> its scope (module ids)

        def emit(into: Any, frames: dict[tuple[int, ...], list[str]], path: str) -> None:
            _emit_frames(into, frames, scopes, self.module_label, path, named)

        _emit_rows(picture, layers, links, emit)
        for tail, head, (t, i, x), labelled in links.edges:
            self.edge(picture, tail, head, t._node, i, x, labelled)
        self.finish(picture, norms, low, high)
        picture.boxes = {id(t): self.ids[id(t)] for t in self.tensors}
        picture.uses = uses
        picture.frames = {
            name: (
                self.module_label(scopes[key][-1]),
                [id(t) for t in self.tensors if keys[id(t)][: len(key)] == key],
            )
            for name, key in named.items()
        }
        return picture

    def constant_uses(self) -> dict[tuple[int, int], str]:
        """The boxes of a constant that several ops use, by ``(id(op's output), input)``: the first use
        draws the constant's own box (``t0``), each later one a box of its own (``t0_1``, ``t0_2``...) beside
        its op. A Python number is one cached tensor (every ``x * 0.5`` in a model shares it), and arrows from
        one box to ops all over the graph would cross the whole picture; they also cost Graphviz seconds per
        hundred ops (a 100-op chain alternating ``* 1.0001`` and ``+ 0.001``: 11 s with shared boxes, 0.03 s
        with a box per use)."""
        uses: dict[tuple[int, int], str] = {}
        seen: Counter[int] = Counter()
        for t in self.tensors:
            for i, x in self.inputs_of(t):
                if x._node is None and not x.requires_grad:
                    if seen[id(x)]:
                        uses[(id(t), i)] = f"{self.ids[id(x)]}_{seen[id(x)]}"
                    seen[id(x)] += 1
        return uses

    def length(self, t: Tensor) -> float:
        """About how much room the box of ``t`` takes along a left-to-right picture, in points: its width and,
        for an op, the gap before it with the widest gradient label on the arrows into it."""
        node = t._node
        if node is None:
            return self.widths[id(t)]
        arrows = max((len(self.edge_label(node, i, x)) for i, x in enumerate(node.inputs)), default=0)
        return self.widths[id(t)] + _RANK_GAP + (_EDGE_CHAR_WIDTH * arrows if self.backward else 0.0)

    def rows(self, keys: dict[int, tuple[int, ...]], lengths: dict[int, float]) -> dict[int, int]:
        """The row of each box of a left-to-right picture: whole modules (or ops outside modules) fill rows
        in forward order, each row at most ``ROW_LENGTH`` long; a module longer than a row is split into its
        parts. Leaves outside a module go with the op that first used them."""
        level: dict[int, int] = {}
        for t in self.tensors:  # leaves first, then ops in forward order: a column of the picture
            level[id(t)] = 1 + max((level[id(x)] for _, x in self.inputs_of(t)), default=-1)
        first_user: dict[int, Tensor] = {}
        for t in reversed(self.tensors):  # ops last to first: the earliest user is seen last
            for _, x in self.inputs_of(t):
                first_user[id(x)] = t

        def unit(t: Tensor, depth: int) -> Any:
            """What ``t`` goes with inside a frame ``depth`` modules deep: the module of the next level down,
            else the op itself, or for a leaf the op that first used it."""
            while len(keys[id(t)]) <= depth and id(t) in first_user:  # a loop: a chain of 1,000 ops is deep
                t = first_user[id(t)]
            key = keys[id(t)]
            return key[: depth + 1] if len(key) > depth else id(t)

        def length(ts: list[Tensor]) -> float:
            columns: dict[int, float] = defaultdict(float)
            for t in ts:
                columns[level[id(t)]] = max(columns[level[id(t)]], lengths[id(t)])
            return sum(columns.values()) + _FRAME_MARGIN

        def split(ts: list[Tensor], depth: int) -> list[list[Tensor]]:
            parts: dict[Any, list[Tensor]] = defaultdict(list)
            for t in sorted(ts, key=lambda t: t._node.sequence if t._node is not None else -1):
                parts[unit(t, depth)].append(t)
            order = sorted(
                parts, key=lambda u: min(t._node.sequence if t._node else math.inf for t in parts[u])
            )
            units = []
            for u in order:
                long = isinstance(u, tuple) and len(parts[u]) > 1 and length(parts[u]) > ROW_LENGTH
                units += split(parts[u], depth + 1) if long else [parts[u]]
            return units

        units = split(self.tensors, 0)
        rows = _wrap([length(ts) for ts in units], ROW_LENGTH)
        return {id(t): row for ts, row in zip(units, rows) for t in ts}

    def op_label(self, t: Tensor, fill: str | None) -> str:
        node = t._node
        rows = [("header", [node.name])]
        badge = f"#{node.order}" if self.backward and node.order is not None else None
        attributes = _attributes(node)
        if attributes:
            rows.append(("attrs", labels.packed(attributes)))
        name = f"{t.name}: " if t.name else ""
        rows.append(("value", [name + labels.shape_text(t.shape, t.dtype), *self.values(t.array)]))
        rows.extend(self.grad_rows(t, "grad"))
        root = any(t is r for r in self.roots)
        self.widths[id(t)] = labels.box_width(rows)
        return labels.table(rows, fill=fill, header_fill=_FILL["op"], bold=root, badge=badge)

    def leaf_label(self, t: Tensor, fill: str | None) -> str:
        name = self.name_of(t)
        kind = "parameter" if t.requires_grad else "leaf"
        rows = [
            ("header", [name]),
            ("value", [labels.shape_text(t.shape, t.dtype), *self.values(t.array)]),
            *self.grad_rows(t, f"{name}.grad"),
        ]
        self.widths[id(t)] = labels.box_width(rows)
        return labels.table(rows, fill=fill, header_fill=_FILL[kind], bold=any(t is r for r in self.roots))

    def values(self, array: np.ndarray) -> list[str]:
        return labels.describe(array, self.show_values)

    def grad_rows(self, t: Tensor, title: str) -> list[tuple[str, list[str]]]:
        if not self.show_grads:
            return []
        g = self.grad_of(t)
        if g is None:
            return []
        lines = [f"{title}  ‖g‖ {labels.number(labels.norm(g))}", *self.values(g)]
        return [("grad", lines)]

    def edge(
        self, picture: GraphPicture, tail: str, head: str, node: Function, i: int, x: Tensor, labelled: bool
    ) -> None:
        """The arrow for input ``i`` (``x``) of ``node``, from ``tail`` to ``head``: the two boxes, or a box
        and a connector where the picture wraps (the gradient's label goes on the part that reaches x)."""
        if not self.backward:
            picture.edge(tail, head, color=_FORWARD_EDGE)
        elif not x.requires_grad:  # no gradient flows to a constant
            picture.edge(tail, head, color="#bbbbbb", style="dashed", arrowhead="none")
        else:
            label = self.edge_label(node, i, x) if labelled else ""
            picture.edge(tail, head, dir="back", color=labels.GRAD_COLOR, fontcolor=labels.GRAD_COLOR,
                         label=label, penwidth="1.4")  # fmt: skip

    def edge_label(self, node: Function, i: int, x: Tensor) -> str:
        parts = [f"#{node.order}" if node.order is not None else "#?"]
        recorded = gradients(node)
        g = recorded[1][i] if recorded is not None else None
        if g is not None:
            parts.append(f"{tuple(g.shape)} ‖g‖ {labels.number(labels.norm(g.array))}")
        else:
            parts.append(str(tuple(x.shape)))
        return "  ".join(parts)

    def norms(self) -> dict[int, float]:
        result = {}
        for t in self.tensors:
            g = self.grad_of(t)
            if g is not None:
                result[id(t)] = labels.norm(g)
        return result

    # ------------------------------------------------------------------ the collapsed picture
    def collapsed(self, max_nodes: int, rankdir: str) -> GraphPicture:
        """One box per module, at the deepest nesting that fits in ``max_nodes`` (ops outside modules stay
        single); if even the outermost modules are too many, consecutive boxes merge into runs, in creation
        order. Leaves join the box of the first op that used them."""
        inner = [t for t in self.tensors if t._node is not None]
        depth = max((len(self.frame_scope(t)) for t in inner), default=0)
        while True:
            groups = {id(t): self.group_key(t, depth) for t in inner}
            boxes = list(dict.fromkeys(groups.values()))  # in creation order
            if len(boxes) <= max_nodes or depth <= 1:
                break
            depth -= 1
        if len(boxes) > max_nodes:
            size = math.ceil(len(boxes) / max_nodes)
            run = {key: ("run", position // size) for position, key in enumerate(boxes)}
            groups = {key: run[box] for key, box in groups.items()}
        for t in self.tensors:
            if id(t) in self.outside:
                groups[id(t)] = ("outside", id(t))  # a box of its own
            elif t._node is None:
                first = self.consumers.get(id(t))
                groups[id(t)] = groups[id(self.outputs[id(first[0])])] if first else ("leaf", id(t))
        return self.draw_groups(groups, rankdir)

    def group_key(self, t: Tensor, depth: int) -> tuple[Any, ...]:
        scope = self.frame_scope(t)[:depth]
        return ("module", *(id(m) for m in scope)) if scope else ("op", id(t))

    def draw_groups(self, groups: dict[int, Any], rankdir: str) -> GraphPicture:
        members: dict[Any, list[Tensor]] = defaultdict(list)
        for t in self.tensors:
            members[groups[id(t)]].append(t)
        box_ids = {key: f"g{i}" for i, key in enumerate(members)}
        picture = self.new_picture(rankdir)
        norms = {key: self.group_norm(ts) for key, ts in members.items()}
        low, high = _range(v for v in norms.values() if v is not None)
        box_labels = {}
        for key, ts in members.items():
            norm = norms[key]
            fill = labels.norm_color(norm, low, high) if norm and self.color_by else None
            box_labels[key] = self.group_label(key, ts, norm, fill)
        counts: Counter[tuple[Any, Any]] = Counter()
        for t in self.tensors:
            if t._node is not None:
                for _, x in self.inputs_of(t):
                    if x._node is None and not x.requires_grad:
                        continue  # a constant is listed in the box that first used it, with no arrows
                    a, b = groups[id(x)], groups[id(t)]
                    if a != b:
                        counts[(a, b)] += 1
        # boxes in forward order (by their first op), each as long as its box and the arrow into it
        first = {
            key: min((t._node.sequence for t in ts if t._node is not None), default=math.inf)
            for key, ts in members.items()
        }
        order = sorted(members, key=first.__getitem__)
        arrows = {b: _EDGE_CHAR_WIDTH * len("9999 tensors") for (_, b), count in counts.items() if count > 1}
        lengths = [self.widths[key] + _RANK_GAP + arrows.get(key, 0.0) for key in order]
        rows = dict(zip(order, _wrap(lengths, ROW_LENGTH) if rankdir in _WRAPPING else [0] * len(order)))
        links = _Links(self.backward)
        for (a, b), count in counts.items():
            links.add(box_ids[a], box_ids[b], rows[a], rows[b], count)
        layers: dict[int, list[Any]] = defaultdict(list)
        for key in order:
            layers[rows[key]].append(key)

        def emit(into: Any, keys: list[Any], path: str) -> None:
            for key in keys:
                into.node(box_ids[key], label=box_labels[key], shape="plaintext", margin="0")

        _emit_rows(picture, layers, links, emit)
        for tail, head, count, labelled in links.edges:
            label = f"{count} tensors" if count > 1 and labelled else ""
            if self.backward:
                picture.edge(tail, head, dir="back", color=labels.GRAD_COLOR, label=label,
                             fontcolor=labels.GRAD_COLOR)  # fmt: skip
            else:
                picture.edge(tail, head, color=_FORWARD_EDGE, label=label)
        ops = len(self.outputs)
        picture.note = (
            f"collapsed: {ops} ops and {len(self.tensors) - ops} leaves drawn as {len(members)} boxes "
            f"(one per module or run of ops); pass max_nodes=None to draw every op"
        )
        self.finish(picture, {k: v for k, v in norms.items() if v} if self.color_by else {}, low, high)
        picture.boxes = {id(t): box_ids[groups[id(t)]] for t in self.tensors}
        picture.groups = {box_ids[key]: key for key in members}
        return picture

    def group_label(
        self, key: tuple[Any, ...], ts: list[Tensor], norm: float | None, fill: str | None
    ) -> str:
        inner = [t for t in ts if t._node is not None]
        leaves = [t for t in ts if t._node is None]
        if key[0] == "module":
            scope = self.frame_scope(inner[0])
            header = " / ".join(self.module_label(m) for m in scope[: len(key) - 1])
        elif key[0] == "run":
            header = f"ops {inner[0]._node.sequence}-{inner[-1]._node.sequence}" if inner else "ops"
        elif inner:
            header = inner[0]._node.name
        else:
            header = self.name_of(ts[0])
        rows = [("header", [header])]
        if inner:
            kinds = Counter(t._node.name for t in inner)
            ops = ", ".join(f"{name} x{n}" if n > 1 else name for name, n in kinds.most_common(4))
            more = f", +{len(kinds) - 4} more kinds" if len(kinds) > 4 else ""
            rows.append(("attrs", [f"{len(inner)} ops: {ops}{more}"]))
            steps = [t._node.order for t in inner if t._node.order is not None]
            if self.backward and steps:
                span = f"step {min(steps)}" if len(steps) == 1 else f"steps {min(steps)}-{max(steps)}"
                rows[0] = ("header", [f"{header} (backward {span})"])
            out = inner[-1]
            rows.append(("value", [f"out {labels.shape_text(out.shape, out.dtype)}"]))
        for leaf in leaves[:6]:
            rows.append(("value", [f"{self.name_of(leaf)} {labels.shape_text(leaf.shape, leaf.dtype)}"]))
        if len(leaves) > 6:
            rows.append(("value", [f"+{len(leaves) - 6} more leaves"]))
        if self.show_grads and norm is not None:
            rows.append(("grad", [f"grad ‖g‖ {labels.number(norm)}"]))
        self.widths[key] = labels.box_width(rows)
        return labels.table(rows, fill=fill, header_fill=_FILL["module"], bold=False)

    def group_norm(self, ts: list[Tensor]) -> float | None:
        """The gradient norm of a box: of its parameters' gradients together, else of its output's."""
        grads = [self.grad_of(t) for t in ts if t._node is None and t.requires_grad]
        grads = [g for g in grads if g is not None]
        if not grads:
            inner = [t for t in ts if t._node is not None]
            last = self.grad_of(inner[-1]) if inner else None
            grads = [last] if last is not None else []
        if not grads:
            return None
        return math.sqrt(sum(labels.norm(g) ** 2 for g in grads))

    # ------------------------------------------------------------------ shared
    def new_picture(self, rankdir: str) -> GraphPicture:
        title = "backward pass" if self.backward else "forward graph"
        picture = GraphPicture(name=title)
        picture.attr(rankdir=rankdir, fontname="Helvetica", fontsize="11", nodesep="0.25", ranksep="0.45")
        picture.attr("node", shape="plaintext", fontname="Helvetica", fontsize="10", margin="0")
        picture.attr("edge", fontname="Helvetica", fontsize="9", arrowsize="0.7")
        return picture

    def finish(self, picture: GraphPicture, norms: Mapping[Any, float], low: float, high: float) -> None:
        notes = [picture.note] if picture.note else []
        if self.backward and not self.ran_backward:
            notes.append("backward has not run on this graph yet: call loss.backward() first")
        elif self.backward and self.show_grads and not self.recorded:
            notes.append(
                "gradients of inner tensors were not recorded: run the backward pass inside "
                "`with tg.viz.record_backward():` to see them"
            )
        if self.color_by:
            if norms:
                picture.node("legend", label=labels.legend(low, high), shape="plaintext")
            else:
                notes.append("color_by='grad_norm': no gradients to colour by yet")
        picture.note = "; ".join(notes)
        if picture.note:
            picture.attr(label=picture.note, labelloc="b", labeljust="l", fontsize="10")


def _attributes(node: Function) -> list[str]:
    """The op's settings worth showing (``axis=1``, ``stride=(2, 2)``): what its ``apply`` received."""
    shown = []
    for name, value in node.params.items():
        if hasattr(value, "_asdict"):  # a named tuple of settings (the conv window): its fields
            shown.extend(filter(None, (labels.attribute_text(k, v) for k, v in value._asdict().items())))
            continue
        text = labels.attribute_text(name, value)
        if text is not None:
            shown.append(text)
    return shown


def _node_statement(node_id: str, label: str) -> str:
    return f"\t{node_id} [label={label}]\n"


def _emit_frames(
    picture: GraphPicture,
    frames: dict[tuple[int, ...], list[str]],
    scopes: dict[tuple[int, ...], tuple[Module, ...]],
    module_label: Any,
    path: str = "cluster",
    named: dict[str, tuple[int, ...]] | None = None,
) -> None:
    """Write the node statements, each module's inside a nested cluster frame labelled with its name (the
    frames named ``path_0``, ``path_0_1``, ...); ``named`` gathers each frame's name and scope."""
    # every enclosing frame exists, even if it holds no node itself; frames are listed in the order in which
    # their first node was met (inputs before outputs), so sibling modules appear in forward order
    children: dict[tuple[int, ...], list[tuple[int, ...]]] = defaultdict(list)
    for key in list(frames):
        for depth in range(1, len(key) + 1):
            parent, child = key[: depth - 1], key[:depth]
            if child not in children[parent]:
                children[parent].append(child)
            scopes.setdefault(child, scopes[key][:depth])

    def write(key: tuple[int, ...], into: Any, path: str = "cluster") -> None:
        into.body.extend(frames.get(key, ()))
        for i, child in enumerate(children.get(key, ())):
            # named by position (cluster_0_1: the second frame inside the first), not by id(): the same
            # graph gives the same DOT text every run
            with into.subgraph(name=f"{path}_{i}") as frame:
                if named is not None:
                    named[f"{path}_{i}"] = child
                module = scopes[child][-1]
                frame.attr(label=module_label(module), style="rounded,filled", fillcolor="#f7f7f7",
                           color="#999999", fontname="Helvetica", fontsize="10", labeljust="l")  # fmt: skip
                write(child, frame, f"{path}_{i}")

    write((), picture, path)


class _Links:
    """The arrows of a picture. In a picture wrapped into rows, an arrow from one row to another becomes two
    arrows, each to a small numbered circle (a connector): one at the end of the first row, one at the start
    of the other, with the same number."""

    def __init__(self, backward: bool) -> None:
        self.colour = labels.GRAD_COLOR if backward else _FORWARD_EDGE
        self.edges: list[tuple[str, str, Any, bool]] = []  # tail, head, what it stands for, labelled
        self.connectors: dict[int, list[str]] = defaultdict(list)  # row -> DOT statements
        self.count = 0  # connector pairs so far

    def add(self, tail: str, head: str, tail_row: int, head_row: int, data: Any) -> None:
        if tail_row == head_row:
            self.edges.append((tail, head, data, True))
            return
        self.count += 1
        number = self.count
        ends = (f"c{number}a", f"c{number}b")
        for end, row in zip(ends, (tail_row, head_row)):
            self.connectors[row].append(
                f'\t{end} [label="{number}" shape=circle fixedsize=true width=0.3 fontsize=10 '
                f'color="{self.colour}" fontcolor="{self.colour}"]\n'
            )
        self.edges += [(tail, ends[0], data, True), (ends[1], head, data, False)]


def _emit_rows(picture: GraphPicture, layers: Mapping[int, Any], links: _Links, emit: Any) -> None:
    """Write each row's boxes (``emit(into, layers[row], path)``) with its connectors; a picture of one row
    is written as it is, a wrapped one as one invisible frame per row."""
    if len(layers) == 1:
        emit(picture, layers[0], "cluster")
        return
    for row in sorted(layers, reverse=True):  # dot stacks these frames upwards: the last row is written first
        with picture.subgraph(name=f"cluster_row{row}") as into:
            into.attr(style="invis")
            into.body.extend(links.connectors.get(row, ()))
            emit(into, layers[row], f"cluster_row{row}")


def _wrap(lengths: Sequence[float], budget: float) -> list[int]:
    """The row of each item, in order: items fill a row while it stays within ``budget`` with the connectors
    at its ends (an item longer than that has a row of its own)."""
    rows, row, used, items = [], 0, 0.0, 0
    for i, length in enumerate(lengths):
        end = _ROW_END if i < len(lengths) - 1 else 0.0
        if items and used + length + end > budget:
            row, used, items = row + 1, _ROW_START, 0
        rows.append(row)
        used, items = used + length, items + 1
    return rows


def _range(values: Iterable[float]) -> tuple[float, float]:
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return 1.0, 1.0
    return min(positive), max(positive)
