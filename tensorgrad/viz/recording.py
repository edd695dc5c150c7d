"""What the pictures need to know about a graph, gathered by watching (autograd and nn know nothing of it).

* **Module calls**: a global hook before and after every ``nn.Module``'s forward keeps the calls under way
  in ``autograd.observers.scope``, which every new node records as ``node.scope``; so ``draw_graph`` can
  frame each module's ops, from the engine's own graph. Installed when tensorgrad is imported (this module
  needs neither graphviz nor matplotlib).
* **Gradients of a backward pass**: inside ``with record_backward():`` an observer of the engine keeps, in
  each node's ``metadata``, the gradient its output received and the gradients it passed on
  (``gradients(node)``). A later backward pass through the same node outside the block forgets them, so a
  picture never shows an older pass's gradients as the latest one's.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..autograd import observers
from ..nn import module as nn_module

_GRADIENTS = "tensorgrad.viz.gradients"
_recording = 0  # how many record_backward blocks are open
_kept: weakref.WeakSet[Any] = weakref.WeakSet()  # the nodes holding recorded gradients


def _enter_module(module: Any, inputs: tuple[Any, ...]) -> None:
    observers.scope = (*observers.scope, module)


def _leave_module(module: Any, inputs: tuple[Any, ...], output: Any) -> None:
    observers.scope = observers.scope[:-1]


nn_module.register_module_forward_pre_hook(_enter_module)
nn_module.register_module_forward_hook(_leave_module, always_call=True)


@contextmanager
def record_backward() -> Iterator[None]:
    """Keep every gradient of the backward passes run inside this block, for ``draw_graph``.

    Each node then holds the gradient its output received and the gradients it passed to its inputs
    (``gradients(node)``), until the graph itself is freed.

    >>> import tensorgrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> with tg.viz.record_backward():
    ...     y.backward()
    >>> tg.viz.recording.gradients(y.grad_fn)[0].item()
    1.0
    """
    global _recording
    _recording += 1
    observers.watch(observers.ran, _forget, on=False)
    observers.watch(observers.ran, _keep)
    try:
        yield
    finally:
        _recording -= 1
        if not _recording:
            observers.watch(observers.ran, _keep, on=False)
            observers.watch(observers.ran, _forget, on=bool(_kept))


def gradients(node: Any) -> tuple[Any, tuple[Any, ...]] | None:
    """``(grad_output, grad_inputs)`` of ``node``'s backward in the latest pass, if that pass was recorded
    (``record_backward``); otherwise None."""
    return node.metadata.get(_GRADIENTS)


def _keep(node: Any, grad_output: Any, grad_inputs: tuple[Any, ...]) -> None:
    node.metadata[_GRADIENTS] = (grad_output, tuple(grad_inputs))
    _kept.add(node)


def _forget(node: Any, grad_output: Any, grad_inputs: tuple[Any, ...]) -> None:
    """After recording: a pass outside ``record_backward`` makes a node's recorded gradients stale. Watches
    only while some node still holds recorded gradients."""
    if node in _kept:
        _kept.discard(node)
        del node.metadata[_GRADIENTS]
    if not _kept:
        observers.watch(observers.ran, _forget, on=False)
