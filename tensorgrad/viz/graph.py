"""Pictures of a computation graph: the forward pass, and the backward pass with its gradients.

``draw_graph(loss)`` reads the graph the engine itself uses (each Tensor's node, each node's inputs) and
draws it with Graphviz:

* a box per **leaf** tensor (parameters, inputs, constants): its name, shape, dtype, values or statistics,
  and after backward its ``.grad`` with the gradient's norm;
* a box per **op**, which stands for the op and the tensor it made: the op's name and attributes (axis,
  stride, ...), the output's shape and values or statistics, and the gradient that reached it;
* ``backward=True`` turns the arrows around to the way gradients flow and numbers each op by the step at
  which the engine ran its backward (``node.order``); each arrow carries the gradient that went along it;
* ``color_by="grad_norm"`` fills each box by the log of its gradient's norm, blue for the graph's smallest
  to red for its largest, with a legend;
* ``group_modules=True`` draws the ops of each ``nn.Module`` call inside a labelled frame (each node records
  the modules whose forward created it);
* graphs bigger than ``max_nodes`` are drawn with one box per module (or per run of ops outside modules),
  with a note saying what was merged, so a whole network stays readable.

The gradients of inner tensors are only known if the backward pass kept them: run it inside
``with tg.viz.record_backward():``. Leaf gradients (``.grad``) are always shown. Drawing reads the graph and
changes nothing in it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..autograd import engine
from ..autograd.function import Function
from ..nn.module import Module
from ..tensor import Tensor
from . import labels
from .picture import GraphPicture

SHOW_VALUES = ("auto", "values", "stats", "none")
COLOR_BY = (None, "grad_norm")
RANKDIRS = ("LR", "RL", "TB", "BT")
#: attributes of a node that are the engine's bookkeeping, not the op's settings
_BOOKKEEPING = {
    "inputs",
    "saved",
    "sequence",
    "order",
    "location",
    "gathered",
    "scope",
    "grad_output",
    "grad_inputs",
    "output",
    "count",
    "normaliser",
    "bounds",
    "inner",
}
_FILL = {"op": "#dbe9f6", "parameter": "#d9f0d3", "leaf": "#eeeeee", "module": "#e7e1ef"}
_FORWARD_EDGE = "#555555"


@contextmanager
def record_backward() -> Iterator[None]:
    """Keep every gradient of the backward passes run inside this block, for ``draw_graph``.

    Each node then holds the gradient its output received (``node.grad_output``) and the gradients it passed
    to its inputs (``node.grad_inputs``), until the graph itself is freed.

    >>> import tensorgrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> with tg.viz.record_backward():
    ...     y.backward()
    >>> y._node.grad_output.item()
    1.0
    """
    previous = engine.record_gradients
    engine.record_gradients = True
    try:
        yield
    finally:
        engine.record_gradients = previous


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
    roots = _roots(root)
    _check_options(show_values, color_by, max_nodes, rankdir)
    names, module_names, whole_model = _names(params)
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
def _roots(root: Any) -> list[Tensor]:
    roots = [root] if isinstance(root, Tensor) else list(root) if isinstance(root, (list, tuple)) else None
    if not roots or not all(isinstance(t, Tensor) for t in roots):
        raise TypeError(
            f"draw_graph: expected a Tensor (e.g. the loss) or a list of Tensors, got {type(root).__name__}"
        )
    return roots


def _check_options(show_values: str, color_by: str | None, max_nodes: int | None, rankdir: str) -> None:
    if show_values not in SHOW_VALUES:
        raise ValueError(f"draw_graph: show_values must be one of {SHOW_VALUES}, got {show_values!r}")
    if color_by not in COLOR_BY:
        raise ValueError(f"draw_graph: color_by must be None or 'grad_norm', got {color_by!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 2):
        raise ValueError(f"draw_graph: max_nodes must be an int >= 2 or None, got {max_nodes!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")


def _names(params: Any) -> tuple[dict[int, str], dict[int, str], Module | None]:
    """Names of parameters and of modules by ``id``, and the whole model when a Module was given."""
    if params is None:
        return {}, {}, None
    if isinstance(params, Module):
        modules = {id(m): name for name, m in params.named_modules() if name}
        return {id(p): name for name, p in params.named_parameters()}, modules, params
    pairs = params.items() if isinstance(params, Mapping) else params
    names: dict[int, str] = {}
    try:
        for name, tensor in pairs:
            if not isinstance(tensor, Tensor):
                raise TypeError
            names[id(tensor)] = str(name)
    except (TypeError, ValueError):
        raise TypeError(
            "draw_graph: params must be a Module, a dict of name -> Tensor, or (name, Tensor) pairs such as "
            f"model.named_parameters(); got {type(params).__name__}"
        ) from None
    return names, {}, None


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
        self.recorded = any(t._node is not None and t._node.grad_output is not None for t in tensors)
        self.ran_backward = any(t._node is not None and t._node.order is not None for t in tensors)
        self.outputs = {id(t._node): t for t in tensors if t._node is not None}  # node id -> its output
        self.consumers: dict[int, list[Function]] = defaultdict(list)
        for t in tensors:
            if t._node is not None:
                for x in t._node.inputs:
                    self.consumers[id(x)].append(t._node)

    # ------------------------------------------------------------------ what is known about a tensor
    def grad_of(self, t: Tensor) -> np.ndarray | None:
        """The gradient to show for ``t``: ``.grad`` for leaves (and retained inner tensors), else what the
        recorded backward pass delivered to its node."""
        if t.grad is not None:
            return t.grad.data
        if t._node is not None and t._node.grad_output is not None:
            return t._node.grad_output.data
        return None

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
        return f"{name}: {type(module).__name__}" if name else type(module).__name__

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

    # ------------------------------------------------------------------ the full picture
    def full(self, rankdir: str) -> GraphPicture:
        picture = self.new_picture(rankdir)
        norms = self.norms() if self.color_by else {}
        low, high = _range(norms.values())
        frames: dict[tuple[int, ...], list[str]] = defaultdict(list)  # scope (module ids) -> DOT statements
        scopes: dict[tuple[int, ...], tuple[Module, ...]] = {(): ()}
        for t in self.tensors:
            fill = labels.norm_color(norms[id(t)], low, high) if id(t) in norms and norms[id(t)] > 0 else None
            label = self.op_label(t, fill) if t._node is not None else self.leaf_label(t, fill)
            scope = self.scope_of(t) if self.group_modules else ()
            key = tuple(id(m) for m in scope)
            scopes[key] = scope
            frames[key].append(_node_statement(self.ids[id(t)], label))
        _emit_frames(picture, frames, scopes, self.module_label)
        for t in self.tensors:
            if t._node is not None:
                self.edges(picture, t)
        self.finish(picture, norms, low, high)
        return picture

    def op_label(self, t: Tensor, fill: str | None) -> str:
        node = t._node
        rows = [("header", [node.name])]
        badge = f"#{node.order}" if self.backward and node.order is not None else None
        attributes = _attributes(node)
        if attributes:
            rows.append(("attrs", [", ".join(attributes)]))
        name = f"{t.name}: " if t.name else ""
        rows.append(("value", [name + labels.shape_text(t.shape, t.dtype), *self.values(t.data)]))
        rows.extend(self.grad_rows(t, "grad"))
        root = any(t is r for r in self.roots)
        return labels.table(rows, fill=fill, header_fill=_FILL["op"], bold=root, badge=badge)

    def leaf_label(self, t: Tensor, fill: str | None) -> str:
        name = self.name_of(t)
        kind = "parameter" if t.requires_grad else "leaf"
        rows = [
            ("header", [name]),
            ("value", [labels.shape_text(t.shape, t.dtype), *self.values(t.data)]),
            *self.grad_rows(t, f"{name}.grad"),
        ]
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

    def edges(self, picture: GraphPicture, t: Tensor) -> None:
        node = t._node
        head = self.ids[id(t)]
        for i, x in enumerate(node.inputs):
            tail = self.ids[id(x)]
            if not self.backward:
                picture.edge(tail, head, color=_FORWARD_EDGE)
            elif not x.requires_grad:  # no gradient flows to a constant
                picture.edge(tail, head, color="#bbbbbb", style="dashed", arrowhead="none")
            else:
                picture.edge(tail, head, dir="back", color=labels.GRAD_COLOR, fontcolor=labels.GRAD_COLOR,
                             label=self.edge_label(node, i, x), penwidth="1.4")  # fmt: skip

    def edge_label(self, node: Function, i: int, x: Tensor) -> str:
        parts = [f"#{node.order}" if node.order is not None else "#?"]
        g = node.grad_inputs[i] if node.grad_inputs is not None else None
        if g is not None:
            parts.append(f"{tuple(g.shape)} ‖g‖ {labels.number(labels.norm(g.data))}")
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
        depth = max((len(self.scope_of(t)) for t in inner), default=0)
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
            if t._node is None:
                first = self.consumers.get(id(t))
                groups[id(t)] = groups[id(self.outputs[id(first[0])])] if first else ("leaf", id(t))
        return self.draw_groups(groups, rankdir)

    def group_key(self, t: Tensor, depth: int) -> tuple[Any, ...]:
        scope = self.scope_of(t)[:depth]
        return ("module", *(id(m) for m in scope)) if scope else ("op", id(t))

    def draw_groups(self, groups: dict[int, Any], rankdir: str) -> GraphPicture:
        members: dict[Any, list[Tensor]] = defaultdict(list)
        for t in self.tensors:
            members[groups[id(t)]].append(t)
        box_ids = {key: f"g{i}" for i, key in enumerate(members)}
        picture = self.new_picture(rankdir)
        norms = {key: self.group_norm(ts) for key, ts in members.items()}
        low, high = _range(v for v in norms.values() if v is not None)
        for key, ts in members.items():
            norm = norms[key]
            fill = labels.norm_color(norm, low, high) if norm and self.color_by else None
            label = self.group_label(key, ts, norm, fill)
            picture.node(box_ids[key], label=label, shape="plaintext", margin="0")
        links: Counter[tuple[Any, Any]] = Counter()
        for t in self.tensors:
            if t._node is not None:
                for x in t._node.inputs:
                    if x._node is None and not x.requires_grad:
                        continue  # a constant is listed in the box that first used it, with no arrows
                    a, b = groups[id(x)], groups[id(t)]
                    if a != b:
                        links[(a, b)] += 1
        for (a, b), count in links.items():
            label = f"{count} tensors" if count > 1 else ""
            if self.backward:
                picture.edge(box_ids[a], box_ids[b], dir="back", color=labels.GRAD_COLOR, label=label,
                             fontcolor=labels.GRAD_COLOR)  # fmt: skip
            else:
                picture.edge(box_ids[a], box_ids[b], color=_FORWARD_EDGE, label=label)
        ops = len(self.outputs)
        picture.note = (
            f"collapsed: {ops} ops and {len(self.tensors) - ops} leaves drawn as {len(members)} boxes "
            f"(one per module or run of ops); pass max_nodes=None to draw every op"
        )
        self.finish(picture, {k: v for k, v in norms.items() if v} if self.color_by else {}, low, high)
        return picture

    def group_label(
        self, key: tuple[Any, ...], ts: list[Tensor], norm: float | None, fill: str | None
    ) -> str:
        inner = [t for t in ts if t._node is not None]
        leaves = [t for t in ts if t._node is None]
        if key[0] == "module":
            scope = self.scope_of(inner[0])
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
    """The op's settings worth showing (``axis=1``, ``stride=(2, 2)``), from its own attributes."""
    shown = []
    for name, value in vars(node).items():
        if name in _BOOKKEEPING or name.startswith("_"):
            continue
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
) -> None:
    """Write the node statements, each module's inside a nested cluster frame labelled with its name."""
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
                module = scopes[child][-1]
                frame.attr(label=module_label(module), style="rounded,filled", fillcolor="#f7f7f7",
                           color="#999999", fontname="Helvetica", fontsize="10", labeljust="l")  # fmt: skip
                write(child, frame, f"{path}_{i}")

    write((), picture)


def _range(values: Iterable[float]) -> tuple[float, float]:
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return 1.0, 1.0
    return min(positive), max(positive)
