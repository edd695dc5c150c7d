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
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, ClassVar

import numpy as np

from ..tensor import Tensor, operand, wrap
from . import anomaly, grad_mode

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


def mark_modified(t: Tensor) -> None:
    """Record that ``t``'s array was just changed in place (``+=``, ``x[i] = v``, ``copy_``, ...): a node made
    before now that uses ``t`` would compute a wrong gradient, and the engine says so instead."""
    global last_modification
    t._modified_at = last_modification = next(_sequence)


#: the ``nn.Module`` calls under way, outermost first (kept by ``Module.__call__``): every node records the
#: modules whose forward created it, so pictures can draw each module's ops together
module_scope: tuple[Any, ...] = ()


class Function:
    """Base class of graph nodes. Subclasses define ``forward`` and ``backward``."""

    save_output: ClassVar[bool] = False
    #: what backward needs beyond the inputs; ``None`` once released after backward
    saved: tuple[Any, ...] | None = ()
    inputs: tuple[Tensor, ...] = ()
    #: creation order: an op's node always comes after the nodes of its inputs (a topological order)
    sequence: int = -1
    #: position in the engine's last backward pass (1 = first node whose backward ran)
    order: int | None = None
    location: str = "<unknown>"
    #: the gradient of this node's output gathered so far during a backward pass (None outside one)
    gathered: Tensor | None = None
    #: the modules whose forward created this node, outermost first
    scope: tuple[Any, ...] = ()
    #: what the last backward received and passed on, kept only while recording (``tg.viz.record_backward``)
    grad_output: Tensor | None = None
    grad_inputs: tuple[Tensor | None, ...] | None = None

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
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
        except AttributeError:  # an input without .array: not a Tensor (or a bug inside forward)
            if all(isinstance(t, Tensor) for t in inputs):
                raise
            # every op accepts array-likes (numpy arrays, lists, numbers) where it accepts a Tensor
            return cls.apply(*map(operand, inputs), **params)
        except (ValueError, IndexError, TypeError) as err:  # numpy's complaint, in the op's words
            kind = next(k for k in (ValueError, IndexError, TypeError) if isinstance(err, k))
            raise kind(cls.explain(err, inputs, params)) from None
        if grad_mode.enabled:
            for t in inputs:
                if t.requires_grad:
                    out = wrap(data, True, fn)
                    fn.inputs = inputs
                    fn.sequence = next(_sequence)
                    fn.scope = module_scope
                    if cls.save_output:
                        fn.output = weakref.ref(out)
                    if anomaly.enabled:
                        fn.location = anomaly.caller_location()
                    return out
        return wrap(data)

    def forward(self, *arrays: np.ndarray, **params: Any) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def backward(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        raise NotImplementedError(f"{type(self).__name__} must define backward")

    def output(self) -> Tensor | None:  # replaced per instance by a weakref when save_output is set
        raise RuntimeError(f"{type(self).__name__} does not keep its output (set save_output = True)")

    @property
    def name(self) -> str:
        """The op's name, as shown in errors and pictures."""
        return type(self).__name__

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        """The message for a forward that numpy rejected; ops override it to say what was expected."""
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        extra = "".join(f", {k}={v!r}" for k, v in params.items())
        return f"{cls.__name__}: cannot apply to inputs of shape {shapes}{extra}: {err}"

    def __repr__(self) -> str:
        return f"<{self.name}>"
