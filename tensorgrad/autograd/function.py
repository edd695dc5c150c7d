"""Function: the node type of the computation graph.

Every differentiable op is a subclass with two methods, side by side:

* ``forward(self, *arrays, **params) -> ndarray`` computes the result on numpy arrays. It may keep what
  backward needs: parameters as plain attributes, arrays in ``self.saved`` (released after backward).
* ``backward(self, grad) -> tuple`` returns one gradient per input (a Tensor, or None where the input does
  not require grad), written with Tensor ops. The engine runs it under ``no_grad`` for an ordinary
  backward, and with grad mode on for ``create_graph=True``: the same code then records the graph of the
  backward pass, which is how higher-order gradients come for free.

``Function.apply(*tensors, **params)`` runs forward and, when grad mode is on and an input requires grad,
links the new node into the graph: the result Tensor points at the node, the node at its input Tensors.
Ops with ``save_output = True`` also keep a weak reference to their result (``self.output()``), for
backward formulas written in terms of it (exp, tanh, sigmoid, softmax) without a reference cycle.

PyTorch's way of writing a custom op works with the same base class: ``@staticmethod forward(ctx, ...)`` on
Tensors and ``@staticmethod backward(ctx, *grad_outputs)``. ``Function.__init_subclass__`` recognises that
style once per class and gives the class the ``apply`` of ``autograd/custom.py``; the project's own ops keep
the ``apply`` below, unchanged.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import weakref
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from ..tensor import Tensor, operand, wrap
from . import grad_mode, observers

_new = object.__new__
_sequence = itertools.count()

#: the number (from the same count as ``Function.sequence``) of the latest in-place change to any tensor;
#: each changed tensor keeps its own in ``_modified_at``. The engine looks at a node's tensors only when
#: this is later than the node: so checking costs one comparison per node when nothing changed in place.
last_modification = -1


def check_in_place(op: str, what: str, x: Tensor, value: Any, fix: str) -> None:
    """In-place changes are for tensors outside a recorded graph: refuse one on a tensor that requires grad
    (or with a value that does) while grad mode is on, saying ``fix``."""
    if grad_mode.enabled and (x.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
        raise RuntimeError(
            f"{op}: in-place {what} a tensor that requires grad would break its gradient. {fix}"
        )


def records_in_place(x: Tensor, value: Any) -> bool:
    """Whether ``x op= value`` joins the graph, as in PyTorch: grad mode is on and ``x`` is an op's result (a
    leaf that requires grad is refused by ``check_in_place``), or ``x`` is a constant and ``value`` requires
    grad (``total = zeros(3); total += x``)."""
    return grad_mode.enabled and (
        x._node is not None or (not x.requires_grad and isinstance(value, Tensor) and value.requires_grad)
    )


def record_in_place(x: Tensor, op: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """``x op= value`` inside a recorded graph: ``compute(before)`` (the out-of-place op) is written into
    ``x``'s array, so every view and reference sees it, and ``x`` takes the new node. ``before``, a tensor on
    a copy of the old values, takes ``x``'s old place in the graph. Nodes that read ``x`` itself (``x * y``
    made earlier) are checked by the engine as for any in-place change.

    A view (``x[0:2]``, ``x.reshape(...)``, ``x.T``) is refused: writing into it would change the tensor it
    views, whose place in the graph would not know (PyTorch rewrites that tensor's history; tensorgrad says
    so instead of computing a wrong gradient)."""
    if _is_view(x):
        raise RuntimeError(
            f"{op}: in-place change of a view (a tensor sharing memory with another, such as x[0:2], "
            f"x.reshape(...) or x.T; shape {tuple(x.shape)}) while the graph is recorded: the tensor it "
            f"views would change without its gradient knowing. Compute it out of place "
            f"(y = y {op[0]} ...), or clone the view first (y = x[0:2].clone())"
        )
    before = wrap(x.array.copy(), x.requires_grad, x._node)
    if x._node is not None and type(x._node).save_output:
        x._node.output = weakref.ref(before)
    mark_modified(x)  # before the new node is made: its own output is x as it is now
    result = compute(before)
    if result.shape != x.shape:
        raise ValueError(
            f"{op}: the result has shape {tuple(result.shape)}, but an in-place op must keep this tensor's "
            f"shape {tuple(x.shape)} (other operands broadcast to it, not the other way)"
        )
    if result.dtype != x.dtype:
        result = result.astype(x.dtype)
    np.copyto(x.numpy(), result.array)
    x.requires_grad, x._node = result.requires_grad, result._node
    if x._node is not None and type(x._node).save_output:
        x._node.output = weakref.ref(x)
    return x


def _is_view(x: Tensor) -> bool:
    """Whether ``x``'s array may share memory with another tensor's: a constant over someone else's array, or
    an op's result that shares memory with one of the op's inputs (what view ops such as index, reshape and
    transpose return)."""
    if x.array.base is None:
        return False
    return x._node is None or any(np.may_share_memory(x.array, t.array) for t in x._node.inputs)


def mark_modified(t: Tensor) -> None:
    """Record that ``t``'s array was just changed in place (``+=``, ``x[i] = v``, ``copy_``, ...): a node made
    before now that uses ``t`` would compute a wrong gradient, and the engine says so instead."""
    global last_modification
    t._modified_at = last_modification = next(_sequence)


class Function:
    """Base class of graph nodes. Subclasses define ``forward`` and ``backward``."""

    save_output: ClassVar[bool] = False
    #: what backward needs beyond the inputs; ``None`` once released after backward
    saved: tuple[Any, ...] | None = ()
    inputs: tuple[Tensor, ...] = ()
    #: the op's settings: the keyword arguments ``apply`` received (``axis=1``, ``window=...``)
    params: Mapping[str, Any] = MappingProxyType({})
    #: creation order: an op's node always comes after the nodes of its inputs (a topological order)
    sequence: int = -1
    #: position in the engine's last backward pass (1 = first node whose backward ran)
    order: int | None = None
    location: str = "<unknown>"
    #: the gradient of this node's output gathered so far during a backward pass (None outside one)
    gathered: Tensor | None = None
    #: what ``observers.scope`` held when this node was made (tg.viz: the modules whose forward made it)
    scope: tuple[Any, ...] = ()
    #: which of its op's outputs this node stands for (only a PyTorch-style Function has several)
    output_index: int = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give a PyTorch-style subclass (``forward(ctx, ...)``) custom.py's apply; refuse mixed styles."""
        super().__init_subclass__(**kwargs)
        forward = inspect.getattr_static(cls, "forward")
        backward = inspect.getattr_static(cls, "backward")
        if isinstance(forward, staticmethod) or _first_parameter(forward) == "ctx":
            if "apply" not in cls.__dict__:
                from .custom import apply_with_ctx

                cls.apply = apply_with_ctx  # type: ignore[method-assign]
            # the class of its graph nodes (and of ctx), PyTorch's MyFnBackward
            namespace = {"forward_cls": cls, "__module__": cls.__module__}
            cls._backward_cls = type(f"{cls.__name__}Backward", (_backward_base(),), namespace)
        elif isinstance(backward, staticmethod) or _first_parameter(backward) == "ctx":
            raise TypeError(
                f"{cls.__name__}: backward is written in PyTorch's style (backward(ctx, *grad_outputs)) but "
                "forward is not: write forward as @staticmethod def forward(ctx, *inputs) working on "
                "Tensors, or keep both in tensorgrad's style: def forward(self, *arrays) on numpy arrays and "
                "def backward(self, grad)"
            )

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run ``forward`` on the inputs' arrays; if grad mode is on and an input requires grad, the result
        is made by a new node of this class, which keeps the inputs and ``params`` for ``backward``."""
        fn = _new(cls)
        try:  # the common shapes of call spelled out: calls with * and ** unpacking are slower
            if params:
                data = fn.forward(*[t.array for t in inputs], **params)
            elif len(inputs) == 2:
                data = fn.forward(inputs[0].array, inputs[1].array)
            elif len(inputs) == 1:
                data = fn.forward(inputs[0].array)
            else:
                data = fn.forward(*[t.array for t in inputs])
        except (AttributeError, ValueError, IndexError, TypeError) as err:
            return cls._forward_failed(err, inputs, params)
        if grad_mode.enabled:
            for t in inputs:
                if t.requires_grad:  # record: the result points at this node, the node at its inputs
                    out = wrap(data, True, fn)
                    fn.inputs = inputs
                    if params:  # (the class's empty one otherwise: a dict per node slows long chains)
                        fn.params = params
                    fn.sequence, fn.scope = next(_sequence), observers.scope
                    if cls.save_output:
                        fn.output = weakref.ref(out)
                    if observers.created:
                        observers.notify_created(fn)
                    return out
        return wrap(data)

    @classmethod
    def _forward_failed(cls, err: Exception, inputs: tuple[Any, ...], params: dict[str, Any]) -> Tensor:
        """``forward`` raised: an input that is not a Tensor (every op accepts numpy arrays, lists and
        numbers where it takes a Tensor) makes a retry with constants; numpy's complaint is said again in
        the op's words (``explain``)."""
        if isinstance(err, AttributeError):  # an input without .array (or a bug inside forward)
            if all(isinstance(t, Tensor) for t in inputs):
                raise err
            return cls.apply(*map(operand, inputs), **params)
        kind = next(k for k in (ValueError, IndexError, TypeError) if isinstance(err, k))
        raise kind(cls.explain(err, inputs, params)) from None

    def forward(self, *arrays: np.ndarray, **params: Any) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        raise NotImplementedError(f"{type(self).__name__} must define backward")

    def output(self) -> Tensor | None:  # replaced per instance by a weakref when save_output is set
        raise RuntimeError(f"{type(self).__name__} does not keep its output (set save_output = True)")

    @property
    def metadata(self) -> dict[str, Any]:
        """A dict where tools keep what they learn about this node (PyTorch's ``grad_fn.metadata``):
        ``tg.viz.record_backward()`` keeps the gradients of the backward pass here."""
        return self.__dict__.setdefault("_metadata", {})

    @property
    def name(self) -> NodeName:
        """The op's name, as shown in errors and pictures; ``node.name()`` (PyTorch's spelling) too."""
        return NodeName(type(self).__name__)

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """PyTorch's view of the graph one step back: a ``(node, output index)`` pair per input; the node is
        the input's ``grad_fn``, an ``AccumulateGrad`` for a leaf that requires grad, or None."""
        return tuple(_next_function(x) for x in self.inputs)

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        """The message for a forward that numpy rejected; ops override it to say what was expected."""
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        extra = "".join(f", {k}={v!r}" for k, v in params.items())
        return f"{cls.__name__}: cannot apply to inputs of shape {shapes}{extra}: {err}"

    def __repr__(self) -> str:
        return f"<{self.name}>"


class NodeName(str):
    """A node's name: a plain string (``f"{node.name}"``) that can also be called, as PyTorch's
    ``grad_fn.name()``. Both spellings appear in code people port, and the attribute one is used throughout
    the pictures and error messages: a method would turn every ``f"{node.name}"`` into ``<bound method>``."""

    __slots__ = ()

    def __call__(self) -> str:
        return str(self)


class AccumulateGrad:
    """What PyTorch shows in ``next_functions`` for a leaf that requires grad: the step that adds the
    gradient into ``variable.grad``. tensorgrad's engine does that itself; this object only describes it."""

    __slots__ = ("variable",)
    next_functions: tuple[tuple[Any, int], ...] = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


def _next_function(x: Tensor) -> tuple[Any, int]:
    node = x._node
    if node is not None:
        return node, node.output_index
    return (AccumulateGrad(x) if x.requires_grad else None), 0


def _first_parameter(method: Any) -> str | None:
    code = getattr(method, "__code__", None)
    return code.co_varnames[0] if code is not None and code.co_argcount else None


def _backward_base() -> type:
    from .custom import BackwardFunction

    return BackwardFunction


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """PyTorch's decorator for a custom ``backward`` that cannot itself be differentiated (one written with
    numpy, say): it runs without recording, and when a second derivative is being built (a gradient it
    receives requires grad), its results raise if differentiated, instead of silently giving zero."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grad_outputs: Any) -> Any:
        with grad_mode.no_grad():
            result = backward(ctx, *grad_outputs)
        recording = [g for g in grad_outputs if isinstance(g, Tensor) and g.requires_grad]
        if not (grad_mode.enabled and recording):
            return result
        items = tuple(
            OnceDifferentiated.apply(g, *recording) if isinstance(g, Tensor) else g
            for g in (result if isinstance(result, tuple) else (result,))
        )
        return items if isinstance(result, tuple) else items[0]

    return wrapper


class OnceDifferentiated(Function):
    """A gradient from a ``@once_differentiable`` backward, linked to the gradients it was computed from, so
    that differentiating it again is an error (PyTorch's DelayedError)."""

    def forward(self, value: np.ndarray, *grad_outputs: np.ndarray) -> np.ndarray:
        return value

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        raise RuntimeError(
            "backward: trying to differentiate twice a function whose backward is marked @once_differentiable"
        )
