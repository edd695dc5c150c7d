"""PyTorch-style custom Functions: ``forward(ctx, ...)`` on Tensors, ``backward(ctx, *grad_outputs)``.

    class Square(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * x

    y = Square.apply(x)

``Square.apply`` (``apply_with_ctx`` below) runs ``forward`` under ``no_grad``, so the ops inside record
nothing, with a fresh ``ctx``: an instance of ``SquareBackward``, the class that
``Function.__init_subclass__`` made for ``Square``. When grad mode is on and an input requires grad, that ctx
is also the graph node of the result: the engine calls ``ctx.backward(grad)`` as for any op, which calls
``Square.backward(ctx, grad)`` and checks what it returns (one gradient or None per forward argument, each
of its input's shape). Written with Tensor ops, that backward records a graph under ``create_graph=True``:
double backward works, as in PyTorch.

**Several outputs.** The engine's nodes have one output each. A Function that returns k differentiable
tensors gets one small node per output (``OutputNode``), all sharing the ctx. Their creation numbers are
consecutive, so the engine (latest created first) reaches them one after another, and only after everything
computed from any of them: by the time the first one runs, every output's gradient is complete. Each keeps
what it received; the last one to run (no sibling still waiting) calls the user's backward, once, with a
gradient per output: zeros where an output got none, or None after ``ctx.set_materialize_grads(False)``.

**Saved outputs.** ``ctx.save_for_backward(result)`` of one of forward's outputs keeps only its array and
position; ``ctx.saved_tensors`` hands back a tensor on that array whose node is that output's node. So a
backward written in terms of its output (``exp``) is differentiated through it, without the reference cycle
ctx -> output -> ctx.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar

import numpy as np

from ..tensor import Tensor, wrap
from . import function, grad_mode, observers
from .function import Function, NodeName

_new = object.__new__


@classmethod  # type: ignore[misc]
def apply_with_ctx(cls: type[Function], *args: Any, **kwargs: Any) -> Any:
    """``apply`` of a PyTorch-style Function: run forward with a ctx, then link the outputs into the graph."""
    ctx = _new(cls._backward_cls)  # type: ignore[attr-defined]
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    setup_context = getattr(cls, "setup_context", None)
    with grad_mode.no_grad():
        if setup_context is not None:  # PyTorch 2's spelling: forward(*args) without ctx, then setup_context
            outputs = cls.forward(*args, **kwargs)
            setup_context(ctx, args, outputs)
        else:
            outputs = cls.forward(ctx, *args, **kwargs)
    items = outputs if isinstance(outputs, tuple) else (outputs,)
    for i, o in enumerate(items):
        if isinstance(o, np.ndarray):
            raise TypeError(
                f"{cls.__name__}.forward returned a numpy array (output {i}, shape {o.shape}); a forward "
                "written PyTorch's way (forward(ctx, ...)) works on Tensors and returns Tensors"
            )
    if not (grad_mode.enabled and any(ctx.needs_input_grad)):
        return outputs
    excluded = ctx.__dict__.pop("non_differentiable", ())
    differentiable = [
        isinstance(o, Tensor) and o.array.dtype.kind == "f" and not any(o is e for e in excluded)
        for o in items
    ]
    if not any(differentiable):
        return outputs
    ctx.inputs = tuple(a for a in args if isinstance(a, Tensor))
    ctx.tensor_positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
    ctx.output_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else None for o in items)
    ctx.scope = observers.scope
    if observers.created:
        observers.notify_created(ctx)
    if len(items) == 1:
        ctx.sequence = next(function._sequence)
        ctx.output_nodes = None
        nodes: list[Function | None] = [ctx]
    else:
        nodes = [
            OutputNode(ctx, i, next(function._sequence)) if d else None for i, d in enumerate(differentiable)
        ]
        ctx.output_nodes = [None if n is None else weakref.ref(n) for n in nodes]
        ctx.received = [None] * len(items)
    results = tuple(_attach(o, node, args) for o, node in zip(items, nodes))
    if ctx.saved:  # outputs are kept as (position, array): see "Saved outputs" above
        ctx.saved = tuple(_saved_entry(t, items, args) for t in ctx.saved)
    return results if isinstance(outputs, tuple) else results[0]


def _attach(o: Any, node: Function | None, args: tuple[Any, ...]) -> Any:
    """``o`` linked to ``node``: ``o`` itself when forward made it, else a new tensor on its array."""
    if node is None:
        return o
    if o._node is not None or o.requires_grad or any(o is a for a in args):
        return wrap(o.array, True, node)  # an input (or a tensor with a graph of its own): leave it as it is
    o.requires_grad, o._node = True, node
    return o


def _saved_entry(t: Any, outputs: tuple[Any, ...], args: tuple[Any, ...]) -> Any:
    if not isinstance(t, Tensor) or any(t is a for a in args):
        return t
    for i, o in enumerate(outputs):
        if t is o:
            return _SavedOutput(i, o)
    return t


class _SavedOutput:
    """An output saved with ``save_for_backward``: its position and array, and a weak reference to its tensor
    to notice a change in place (see the module docstring)."""

    __slots__ = ("array", "index", "tensor")

    def __init__(self, index: int, output: Tensor) -> None:
        self.index, self.array, self.tensor = index, output.array, weakref.ref(output)

    def unpack(self, ctx: BackwardFunction) -> Tensor:
        node = ctx.output_node(self.index)
        output = self.tensor()
        if node is not None and getattr(output, "_modified_at", -1) > node.sequence:
            raise RuntimeError(
                f"{ctx.name}: output {self.index} (shape {tuple(output.shape)}), which backward reads from "
                "ctx.saved_tensors, was changed in place after the Function made it; make the change out of "
                "place (y = y + 1)"
            )
        return wrap(self.array, node is not None, node)


class BackwardFunction(Function):
    """The ctx of a PyTorch-style Function call, and the graph node of its result (of each output's
    ``OutputNode`` when there are several). Subclassed once per user class (``SquareBackward``)."""

    forward_cls: ClassVar[type]
    materialize_grads = True
    needs_input_grad: tuple[bool, ...] = ()
    output_nodes: list[weakref.ref[OutputNode] | None] | None = None

    # ----------------------------------------------------------------- PyTorch's ctx methods
    def save_for_backward(self, *tensors: Any) -> None:
        """Keep ``tensors`` (inputs, outputs, or None) for backward: ``ctx.saved_tensors`` gives them back."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward: argument {i} is a {type(t).__name__}; it takes Tensors or None. "
                    "Keep other values as attributes: ctx.k = k"
                )
        self.saved = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        if self.saved is None:
            raise RuntimeError(
                f"{self.name}: trying to backward through the graph a second time (or to read saved tensors "
                "after they were freed). Pass retain_graph=True to the first backward if you need to go "
                "through the graph again."
            )
        return tuple(t.unpack(self) if isinstance(t, _SavedOutput) else t for t in self.saved)

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """These outputs get no gradient (indices, masks): they do not require grad, and backward receives
        zeros for them."""
        self.non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs whose gradient was not needed."""
        self.materialize_grads = bool(value)

    # ----------------------------------------------------------------- the engine's side
    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return self.call_backward([grad])

    def output_node(self, index: int) -> Function | None:
        """The node of output ``index`` (made again, with its old number, if its tensor was dropped)."""
        if self.output_nodes is None:
            return self
        ref = self.output_nodes[index]
        if ref is None:
            return None
        node = ref()
        if node is None:
            node = OutputNode(self, index, self.sequences[index])
            self.output_nodes[index] = weakref.ref(node)
        return node

    def call_backward(self, grads: list[Tensor | None]) -> tuple[Tensor | None, ...]:
        """Run the user's backward on one gradient per output; return one gradient per input Tensor."""
        for i, meta in enumerate(self.output_meta):
            if grads[i] is None and meta is not None and self.materialize_grads:
                grads[i] = wrap(np.zeros(*meta))
        backward = self.forward_cls.backward
        if backward is Function.backward:  # not defined: PyTorch also accepts the name vjp
            backward = getattr(self.forward_cls, "vjp", None)
            if backward is None:
                raise NotImplementedError(
                    f"{self.forward_cls.__name__} has no backward: define @staticmethod def backward(ctx, "
                    "*grad_outputs) returning one gradient per forward argument"
                )
        result = backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        expected = len(self.needs_input_grad)
        if len(result) != expected and not (
            len(result) > expected and all(g is None for g in result[expected:])
        ):
            raise RuntimeError(
                f"{self.name}: {self.forward_cls.__name__}.backward returned {len(result)} gradients, but "
                f"forward took {expected} arguments: return one gradient (or None) per forward argument"
            )
        for i, g in enumerate(result[:expected]):
            if g is not None and i not in self.tensor_positions:
                raise RuntimeError(
                    f"{self.name}: backward returned a gradient (not None) for forward argument {i}, "
                    f"which is not a Tensor ({type(g).__name__}); return None for it"
                )
        return tuple(_checked(self, i, x, result[i]) for i, x in zip(self.tensor_positions, self.inputs))


def _checked(ctx: BackwardFunction, position: int, x: Tensor, g: Any) -> Tensor | None:
    """``g`` as the gradient of input ``x``: a Tensor of x's shape (summed down from a broadcast shape, as
    PyTorch does) and dtype, or None."""
    if g is None:
        return None
    if not isinstance(g, Tensor):
        raise TypeError(
            f"{ctx.name}: backward returned a {type(g).__name__} as the gradient of argument {position}; "
            "expected a Tensor or None"
        )
    if g.shape != x.shape:
        try:
            expandable = np.broadcast_shapes(x.shape, g.shape) == g.shape
        except ValueError:
            expandable = False
        if not expandable:
            raise RuntimeError(
                f"{ctx.name}: backward returned a gradient of shape {tuple(g.shape)} for argument "
                f"{position}, which has shape {tuple(x.shape)}: they must match (or broadcast)"
            )
        from ..ops.shape import sum_to

        g = sum_to(g, x.shape)
    return g if g.dtype == x.dtype else g.astype(x.dtype)


class OutputNode(Function):
    """The node of one output of a PyTorch-style Function with several (see the module docstring). Reads
    of attributes it lacks go to the ctx (``y.grad_fn.saved_tensors``)."""

    def __init__(self, ctx: BackwardFunction, index: int, sequence: int) -> None:
        self.ctx, self.output_index, self.sequence = ctx, index, sequence
        self.inputs, self.scope, self.location = ctx.inputs, ctx.scope, ctx.location
        self.ran_backward = False
        ctx.__dict__.setdefault("sequences", {})[index] = sequence

    def __getattr__(self, name: str) -> Any:
        if name == "ctx":
            raise AttributeError(name)
        return getattr(self.ctx, name)

    @property
    def name(self) -> NodeName:  # type: ignore[override]
        return self.ctx.name

    @property  # type: ignore[override]
    def saved(self) -> tuple[Any, ...] | None:
        return self.ctx.saved

    @saved.setter
    def saved(self, value: Any) -> None:
        if self.ran_backward:  # the engine releases what the ctx saved after the backward that used it
            self.ctx.saved = value

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        ctx = self.ctx
        ctx.received[self.output_index] = grad
        self.ran_backward = False
        for ref in ctx.output_nodes[: self.output_index]:
            sibling = None if ref is None else ref()
            if sibling is not None and sibling.gathered is not None:
                return (None,) * len(self.inputs)  # that sibling runs later and calls backward for all
        self.ran_backward = True
        grads, ctx.received = ctx.received, [None] * len(ctx.received)
        return ctx.call_backward(grads)
