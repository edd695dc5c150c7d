"""The backward engine: walk the graph from the outputs back to the leaves, applying the chain rule.

1. Order: every graph node carries its creation number (``node.sequence``), and an op is always created
   after its inputs. So the engine keeps the tensors that have received a gradient in a heap and always
   takes the latest-created one: by then everything computed from it has passed its gradient on, so its
   gradient is complete. No recursion and no separate sorting pass: a 100,000-op chain is fine.
2. Propagate: the tensor's hooks run, its node's ``backward`` turns the gradient into gradients for the
   node's inputs, and those are added to what the inputs have gathered so far.
3. Leaves: their gradient for this pass runs through their hooks and is added into ``.grad``.

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
from . import anomaly, function, grad_mode

#: when set (by ``tg.viz.record_backward()``), each node keeps the gradient it received and the ones it passed
#: on (``node.grad_output``, ``node.grad_inputs``), so the backward pass can be drawn with its values
record_gradients = False


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Add d(root)/d(leaf) (times ``grad_tensors``) into ``leaf.grad`` for every leaf that requires grad
    (``tg.autograd.backward``; ``t.backward()`` is this for one root). Several roots add up: their gradients
    are summed, each weighted by its ``grad_tensors`` entry. With ``inputs`` only those tensors get a
    ``.grad``."""
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    for root in roots:
        if not root.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad, so it has no graph to differentiate. Create "
                "the inputs with requires_grad=True (e.g. tg.tensor(x, requires_grad=True)) and make sure "
                "the computation did not run under tg.no_grad()."
            )
    seeds = [_seed(t, w, "backward") for t, w in zip(roots, _weights(roots, grad_tensors, "backward"))]
    retain = create_graph if retain_graph is None else retain_graph
    chosen = None if inputs is None else ([inputs] if isinstance(inputs, Tensor) else list(inputs))
    targets = None if chosen is None else {id(t) for t in chosen}
    leaves, grads = _propagate(roots, seeds, retain, create_graph, targets)
    if chosen is not None:
        leaves = [t for t in chosen if id(t) in grads]
    with grad_mode.set_grad_enabled(create_graph):
        # arrays that already have an owner: the caller's gradient, and what earlier leaves took
        owned = {id(_owner(seed.array)) for seed in seeds}
        for leaf in leaves:
            g = _leaf_gradient(leaf, grads[id(leaf)])
            if leaf.grad is not None:
                leaf.grad = leaf.grad + g
                continue
            owner = _owner(g.array)
            if not create_graph and (id(owner) in owned or not g.array.flags.writeable):
                # the graph can hand one array (or views of it) to several leaves, and broadcasting
                # gives read-only views: each leaf gets its own writable .grad, so in-place updates
                # of one (clipping, zeroing) never touch another
                g = wrap(g.array.copy())
                owner = g.array
            owned.add(id(owner))
            leaf.grad = g


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
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    weights = _weights(outs, grad_outputs, "grad")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad, so it has no gradient")
    for i, t in enumerate(outs):
        if not t.requires_grad:
            raise RuntimeError(
                f"grad: output {i} does not require grad: it does not depend on any input that requires grad"
            )
    seeds = [_seed(t, w, "grad") for t, w in zip(outs, weights)]
    retain = create_graph if retain_graph is None else retain_graph
    _, grads = _propagate(outs, seeds, retain, create_graph, targets={id(t) for t in ins})
    result = []
    for i, t in enumerate(ins):
        g = grads.get(id(t))
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        result.append(g)
    return tuple(result)


def _propagate(
    roots: list[Tensor],
    seeds: list[Tensor],
    retain_graph: bool,
    create_graph: bool,
    targets: set[int] | None,
) -> tuple[list[Tensor], dict[int, Tensor]]:
    """Run the chain rule from ``roots``. Returns the leaves reached and the gradients by ``id``.

    With ``targets`` (ids of the tensors ``grad`` asks about) only the part of the graph that leads to a
    target is run, and the gradients of those targets are kept even when they are not leaves.
    """
    useful = None if targets is None else _leading_to(roots, targets)
    grads: dict[int, Tensor] = {}  # the gradients gathered for leaves (and for targets, by id)
    leaves: list[Tensor] = []
    # non-leaf tensors waiting for their turn, latest-created first: every tensor computed from t was
    # created after t, so when t comes out of this heap its gradient (gathered on its node) is complete
    pending: list[tuple[int, Tensor]] = []
    check = anomaly.enabled
    record = record_gradients
    modified = function.last_modification
    step = 0
    try:
        with grad_mode.set_grad_enabled(create_graph):
            for root, seed in zip(roots, seeds):
                _gather(grads, leaves, pending, root, seed)
            while pending:
                t = heappop(pending)[1]
                node = t._node
                g = node.gathered
                node.gathered = None
                if t._hooks:
                    g = _run_hooks(t, g)
                if useful is not None:
                    if id(t) in targets:
                        grads[id(t)] = g
                        if not any(id(x) in useful for x in node.inputs):
                            continue  # no other target behind this one: its node is not run (nor freed)
                elif t._retain_grad:
                    t.grad = g if t.grad is None else t.grad + g
                if node.saved is None:
                    raise RuntimeError(
                        f"backward: trying to go through the graph a second time (at {node.name}); what "
                        "it saved was released after the first backward. Pass retain_graph=True to the "
                        "first backward if you need to go through the graph again, or recompute the "
                        "forward pass."
                    )
                if modified > node.sequence:  # something changed in place since this node was made
                    _check_unmodified(t, node)
                step += 1
                node.order = step
                input_grads = node.backward(g)
                if check:
                    anomaly.check_gradients(node, input_grads)
                if record:
                    node.grad_output, node.grad_inputs = g, tuple(input_grads)
                elif node.grad_inputs is not None:  # an earlier recorded pass: its gradients are stale now
                    node.grad_output = node.grad_inputs = None
                for x, gx in zip(node.inputs, input_grads):
                    if gx is not None and x.requires_grad and (useful is None or id(x) in useful):
                        _gather(grads, leaves, pending, x, gx)
                if not retain_graph:
                    node.saved = None
    finally:
        for _, t in pending:  # only left over when an error stopped the pass
            t._node.gathered = None
    return leaves, grads


def _weights(outs: list[Tensor], given: Any, op: str) -> list[Any]:
    """One gradient weight per output (None: the output must be a scalar)."""
    if given is None or isinstance(given, (Tensor, np.ndarray, float, int)):
        weights = [given] * len(outs) if given is None else [given]
    else:
        weights = list(given)
    if len(weights) != len(outs):
        raise ValueError(f"{op}: got {len(outs)} outputs but {len(weights)} gradients for them")
    return weights


def _check_unmodified(output: Tensor, node: function.Function) -> None:
    """The node's inputs and output must hold what they held when it ran: its formula reads them."""
    for i, x in enumerate((*node.inputs, output)):
        if getattr(x, "_modified_at", -1) > node.sequence:
            which = f"input {i}" if i < len(node.inputs) else "the output"
            raise RuntimeError(
                f"backward: {which} of {node.name} (shape {x.shape}) was changed in place (+=, x[i] = v, "
                f"copy_, ...) after {node.name} used it, so the gradient could be wrong. Make the change "
                "out of place (x = x + 1), or before the forward pass"
                + (f"; {node.name} was called at {node.location}" if node.location != "<unknown>" else "")
            )


def _gather(
    grads: dict[int, Tensor], leaves: list[Tensor], pending: list[tuple[int, Tensor]], x: Tensor, g: Tensor
) -> None:
    """Add ``g`` to what ``x`` has gathered: on its node for inner tensors (which join the heap when they
    receive their first gradient), in ``grads`` for leaves."""
    node = x._node
    if node is not None:
        if node.gathered is None:
            node.gathered = g
            heappush(pending, (-node.sequence, x))
        else:
            node.gathered = node.gathered + g
    elif id(x) in grads:
        grads[id(x)] = grads[id(x)] + g
    else:
        grads[id(x)] = g
        leaves.append(x)


def _leading_to(roots: list[Tensor], targets: set[int]) -> set[int]:
    """Ids of the tensors reachable from ``roots`` from which some target can be reached."""
    reached: dict[int, Tensor] = {}
    stack = list(roots)
    while stack:
        t = stack.pop()
        if id(t) in reached:
            continue
        reached[id(t)] = t
        if t._node is not None:
            stack.extend(x for x in t._node.inputs if x.requires_grad)
    useful = {key for key in targets if key in reached}
    inner = sorted((t for t in reached.values() if t._node is not None), key=lambda t: t._node.sequence)
    for t in inner:  # inputs before outputs
        if id(t) in useful or any(id(x) in useful for x in t._node.inputs):
            useful.add(id(t))
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


def _leaf_gradient(leaf: Tensor, g: Tensor) -> Tensor:
    if leaf._hooks and leaf._node is None:  # an inner tensor (``inputs=``) ran its hooks on the way
        g = _run_hooks(leaf, g)
    if g.shape != leaf.shape:
        raise RuntimeError(
            f"backward: internal error: the gradient for a leaf of shape {leaf.shape} has shape {g.shape}"
        )
    if g.dtype != leaf.dtype:
        g = g.astype(leaf.dtype)
    return g


def _seed(root: Tensor, gradient: Any, op: str) -> Tensor:
    """The starting gradient d(root)/d(root), checked against the root's shape."""
    if gradient is None:
        if root.size != 1:
            raise RuntimeError(
                f"{op}: the output has shape {root.shape}; without a gradient argument it must be a "
                f"scalar. Reduce it first (e.g. loss.mean() or loss.sum()), or pass a gradient of shape "
                f"{root.shape} (e.g. tg.ones_like(t))."
            )
        return wrap(np.ones(root.shape, dtype=root.dtype))
    if isinstance(gradient, Tensor):
        if gradient.shape != root.shape:
            raise RuntimeError(
                f"{op}: the gradient has shape {gradient.shape} but the output has shape {root.shape}; "
                "they must match"
            )
        return gradient if gradient.dtype == root.dtype else gradient.astype(root.dtype)
    array = as_array(gradient, dtype=root.dtype, copy=True)
    if array.shape != root.shape:
        raise RuntimeError(
            f"{op}: the gradient has shape {array.shape} but the output has shape {root.shape}; "
            "they must match"
        )
    return wrap(array)
