"""Observers: code beside autograd that watches graphs being made and run, without autograd knowing why.

``Function.apply`` and the backward engine call what is registered here, and nothing else:

* ``created``: each ``observer(node)`` is called with every new graph node (anomaly mode notes the
  ``file:line`` of the user's code that made it);
* ``ran``: each ``observer(node, grad_output, grad_inputs)`` is called after a node's backward ran, with
  the gradient its output received and the gradients it passed on (anomaly mode checks them for nan and
  inf; ``tg.viz.record_backward()`` keeps them for its pictures);
* ``finished``: each ``observer(roots)`` is called when a ``backward()`` pass has filled the leaves'
  ``.grad``, with the tensors it started from (``tg.viz.record_steps()`` notes each parameter's gradient
  norm then; ``tg.grad()``, which fills no ``.grad``, does not call them);
* ``scope``: a value that every new node records as ``node.scope``. autograd gives it no meaning;
  ``tg.viz`` keeps there the ``nn.Module`` calls under way (through nn's global module hooks), so a
  picture can frame each module's ops.

The lists are empty unless someone watches, so watching costs nothing when nobody does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

created: list[Callable[[Any], None]] = []
ran: list[Callable[[Any, Any, tuple[Any, ...]], None]] = []
finished: list[Callable[[list[Any]], None]] = []
scope: tuple[Any, ...] = ()


def watch(observers: list[Callable[..., None]], observer: Callable[..., None], on: bool = True) -> None:
    """Add ``observer`` to ``observers`` (``created``, ``ran`` or ``finished``), or with ``on=False`` take
    it out; adding one already there, or taking out one that is not, does nothing."""
    if on and observer not in observers:
        observers.append(observer)
    elif not on and observer in observers:
        observers.remove(observer)


def notify_created(node: Any) -> None:
    """Tell the ``created`` observers about ``node`` (called only when there are some)."""
    for observer in created:
        observer(node)
