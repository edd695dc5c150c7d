"""The backward engine: walk the graph from the outputs back to the leaves, applying the chain rule.

1. Order: every graph node carries its creation number (``node.sequence``), and an op is always created
   after its inputs. So the engine keeps the tensors that have received a gradient in a heap and always
   takes the latest-created one: by then everything computed from it has passed its gradient on, so its
   gradient is complete. No recursion and no separate sorting pass: a 100,000-op chain is fine.
2. Propagate: the tensor's hooks run, its node's ``backward`` turns the gradient into gradients for the
   node's inputs, and those are added to what the inputs have gathered so far.
3. Leaves: their gradient for this pass runs through their hooks and is added into ``.grad``.

The loop in ``_propagate`` is the whole idea; everything else is a named step beside it: ``_arrived``
(hooks, ``retain_grad``, ``grad``'s targets), ``_check_runnable`` (a released graph, in-place changes) and
the ``observers.ran`` that watch each step (anomaly mode, ``tg.viz.record_backward``); ``observers.finished``
hear of each ``backward`` once ``.grad`` is filled (``tg.viz.record_steps``).

Without ``retain_graph`` each node releases what it saved once its backward has run; the structure
(``node.inputs``) stays, so the graph can still be drawn. ``create_graph`` runs the backward formulas with
grad mode on, so the gradients themselves have a graph and can be differentiated again.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np

from ..tensor import Tensor, as_array, wrap
from . import function, grad_mode, observers

_NO_GRAPH = (
    "backward: this tensor does not require grad, so it has no graph to differentiate. Create the inputs "
    "with requires_grad=True (e.g. tg.tensor(x, requires_grad=True)) and make sure the computation did not "
    "run under tg.no_grad()."
)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Add d(root)/d(leaf) into ``leaf.grad`` for each leaf (``t.backward()`` is this for one root). Several
    roots add up, each weighted by its ``grad_tensors`` entry; with ``inputs`` only those get a ``.grad``."""
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if not all(root.requires_grad for root in roots):
        raise RuntimeError(_NO_GRAPH)
    seeds = _seeds(roots, grad_tensors, "backward")
    targets = None if inputs is None else set(_tensors(inputs))
    retain = create_graph if retain_graph is None else retain_graph
    with grad_mode.set_grad_enabled(create_graph):  # the backward formulas record a graph only for this
        grads = _propagate(roots, seeds, retain, targets)
        _accumulate(grads, seeds, create_graph)
    for observer in observers.finished[:]:  # a copy: an observer may stop watching
        observer(roots)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` w.r.t. ``inputs``, returned as a tuple (``.grad`` is left untouched).

    ``grad_outputs`` weights each output (needed for non-scalar outputs); ``create_graph=True`` returns
    gradients that can be differentiated again. An input the outputs do not depend on raises unless
    ``allow_unused=True``, which gives ``None`` for it.
    """
    outs, ins = _tensors(outputs), _tensors(inputs)
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad, so it has no gradient")
    for i, t in enumerate(outs):
        if not t.requires_grad:
            raise RuntimeError(
                f"grad: output {i} does not require grad: it does not depend on any input that requires grad"
            )
    seeds = _seeds(outs, grad_outputs, "grad")
    retain = create_graph if retain_graph is None else retain_graph
    with grad_mode.set_grad_enabled(create_graph):
        grads = _propagate(outs, seeds, retain, targets=set(ins))
    for i, t in enumerate(ins):
        if t not in grads and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
    return tuple(grads.get(t) for t in ins)


def _propagate(
    roots: list[Tensor], seeds: list[Tensor], retain_graph: bool, targets: set[Tensor] | None = None
) -> dict[Tensor, Tensor]:
    """The chain rule, from ``roots`` back to the leaves: each leaf's gradient (with ``targets``, each
    target's, running only the part of the graph that leads to one)."""
    grads: dict[Tensor, Tensor] = {}
    pending: list[tuple[int, Tensor]] = []  # inner tensors that have a gradient, latest-created first
    wanted = None if targets is None else _leading_to(roots, targets)
    watchers, modified, step = tuple(observers.ran), function.last_modification, 0
    try:
        for root, seed in zip(roots, seeds):
            _gather(grads, pending, root, seed)
        while pending:
            t = heappop(pending)[1]  # all that was computed from t came later: t's gradient is complete
            node = t._node
            g, node.gathered = node.gathered, None
            if t._hooks or t._retain_grad or wanted is not None:
                g = _arrived(t, g, grads, targets, wanted)  # hooks, retain_grad(), grad()'s targets
                if g is None:
                    continue
            if node.saved is None or modified > node.sequence:
                _check_runnable(t, node)  # released by an earlier backward, or changed in place since
            step += 1
            node.order = step
            input_grads = node.backward(g)  # d(root)/d(input), from d(root)/d(output) and the saved values
            for watch in watchers:
                watch(node, g, input_grads)
            for x, gx in zip(node.inputs, input_grads):
                if gx is not None and x.requires_grad and (wanted is None or x in wanted):
                    _gather(grads, pending, x, gx)
            if not retain_graph:
                node.saved = None
    finally:
        for _, t in pending:  # only left over when an error stopped the pass
            t._node.gathered = None
    return grads


def _gather(grads: dict[Tensor, Tensor], pending: list[tuple[int, Tensor]], x: Tensor, g: Tensor) -> None:
    """Add ``g`` to what ``x`` has gathered: a leaf's in ``grads``, an inner tensor's on its node."""
    node = x._node
    if node is None:
        grads[x] = grads[x] + g if x in grads else g
    elif node.gathered is None:
        node.gathered = g
        heappush(pending, (-node.sequence, x))
    else:
        node.gathered = node.gathered + g


def _accumulate(grads: dict[Tensor, Tensor], seeds: list[Tensor], create_graph: bool) -> None:
    """Add each leaf's gradient into its ``.grad``. The graph can hand one array (or views of it) to several
    leaves, and broadcasting gives read-only views: each leaf gets its own writable ``.grad``, so changing
    one in place (clipping, zeroing) never touches another or the caller's gradient."""
    owned = {id(_owner(seed.array)) for seed in seeds}  # arrays that already have an owner
    for leaf, g in grads.items():
        if leaf._hooks and leaf._node is None:  # an inner tensor (``inputs=``) ran its hooks on the way
            g = _run_hooks(leaf, g)
        g = g if g.dtype == leaf.dtype else g.astype(leaf.dtype)
        if leaf.grad is not None:
            leaf.grad = leaf.grad + g
        elif create_graph or (g.array.flags.writeable and id(_owner(g.array)) not in owned):
            owned.add(id(_owner(g.array)))
            leaf.grad = g
        else:  # shared with another leaf or the caller, or a read-only broadcast view: a copy of its own
            leaf.grad = wrap(g.array.copy())


def _arrived(
    t: Tensor, g: Tensor, grads: dict[Tensor, Tensor], targets: set[Tensor] | None, wanted: set[Tensor] | None
) -> Tensor | None:
    """An inner tensor's gradient is complete: its hooks may replace it; ``grad`` keeps it when ``t`` is one
    of its targets, and stops there (returns None) when no other target lies behind ``t``; after
    ``t.retain_grad()`` backward adds it into ``t.grad``. Returns the gradient to pass on."""
    if t._hooks:
        g = _run_hooks(t, g)
    if wanted is None:
        if t._retain_grad:
            t.grad = g if t.grad is None else t.grad + g
    elif t in targets:  # type: ignore[operator]
        grads[t] = g
        if not any(x in wanted for x in t._node.inputs):
            return None
    return g


def _check_runnable(output: Tensor, node: function.Function) -> None:
    """Refuse to run a node's backward when what it saved was released, or when its inputs or output
    changed in place after it ran: its formula reads them."""
    if node.saved is None:
        raise RuntimeError(
            f"backward: trying to go through the graph a second time (at {node.name}); what "
            "it saved was released after the first backward. Pass retain_graph=True to the "
            "first backward if you need to go through the graph again, or recompute the "
            "forward pass."
        )
    for i, x in enumerate((*node.inputs, output)):
        if getattr(x, "_modified_at", -1) > node.sequence:
            which = f"input {i}" if i < len(node.inputs) else "the output"
            raise RuntimeError(
                f"backward: {which} of {node.name} (shape {x.shape}) was changed in place (+=, x[i] = v, "
                f"copy_, ...) after {node.name} used it, so the gradient could be wrong. Make the change "
                "out of place (x = x + 1), or before the forward pass"
                + (f"; {node.name} was called at {node.location}" if node.location != "<unknown>" else "")
            )


def _tensors(given: Tensor | Sequence[Tensor]) -> list[Tensor]:
    return [given] if isinstance(given, Tensor) else list(given)


def _leading_to(roots: list[Tensor], targets: set[Tensor]) -> set[Tensor]:
    """The tensors reachable from ``roots`` from which some target can be reached."""
    reached: set[Tensor] = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t in reached:
            continue
        reached.add(t)
        if t._node is not None:
            stack.extend(x for x in t._node.inputs if x.requires_grad)
    useful = targets & reached
    inner = sorted((t for t in reached if t._node is not None), key=lambda t: t._node.sequence)
    for t in inner:  # inputs before outputs
        if t in useful or any(x in useful for x in t._node.inputs):
            useful.add(t)
    return useful


def _run_hooks(t: Tensor, g: Tensor) -> Tensor:
    for hook in list(t._hooks or ()):
        replaced = hook(g)
        if replaced is not None:
            if not isinstance(replaced, Tensor) or replaced.shape != g.shape:
                raise RuntimeError(
                    f"hook {getattr(hook, '__name__', hook)!s} returned "
                    f"{type(replaced).__name__} {getattr(replaced, 'shape', '')}; a hook must return None "
                    f"or a Tensor of the gradient's shape {g.shape}"
                )
            g = replaced
    return g


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (itself, or the base it is a view of)."""
    return array if array.base is None else array.base


def _seeds(roots: list[Tensor], given: Any, op: str) -> list[Tensor]:
    """The gradient each root starts from: d(root)/d(root) = 1 for a scalar root, else the one given."""
    if given is not None:
        return _given_seeds(roots, given, op)
    for root in roots:
        if root.size != 1:
            raise RuntimeError(_NOT_SCALAR.format(op=op, shape=root.shape))
    return [wrap(np.ones(root.shape, dtype=root.dtype)) for root in roots]


_NOT_SCALAR = (
    "{op}: the output has shape {shape}; without a gradient argument it must be a scalar. Reduce it first "
    "(e.g. loss.mean() or loss.sum()), or pass a gradient of shape {shape} (e.g. tg.ones_like(t))."
)


def _given_seeds(roots: list[Tensor], given: Any, op: str) -> list[Tensor]:
    """The gradients given for the roots (Tensors, arrays or numbers; one per root), checked."""
    given = [given] if isinstance(given, (Tensor, np.ndarray, float, int)) else list(given)
    if len(given) != len(roots):
        raise ValueError(f"{op}: got {len(roots)} outputs but {len(given)} gradients for them")
    return [
        _seeds([root], None, op)[0] if gradient is None else _given_seed(root, gradient, op)
        for root, gradient in zip(roots, given)
    ]


def _given_seed(root: Tensor, gradient: Any, op: str) -> Tensor:
    """The gradient given for a root (a Tensor, array or number), checked against its shape."""
    given = isinstance(gradient, Tensor)
    array = gradient.array if given else as_array(gradient, dtype=root.dtype, copy=True)
    if array.shape != root.shape:
        raise RuntimeError(
            f"{op}: the gradient has shape {array.shape} but the output has shape {root.shape}; "
            "they must match"
        )
    if given:
        return gradient if gradient.dtype == root.dtype else gradient.astype(root.dtype)
    return wrap(array)
