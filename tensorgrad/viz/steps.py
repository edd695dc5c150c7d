"""Gradient flow over training: ``tg.viz.record_steps`` notes each parameter's gradient norm at every backward
pass of a training loop; its ``explore()`` is the last pass's page (``tg.viz.explore``) with a slider over the
steps, which colours each parameter's box by its gradient norm at that step and draws every parameter's
norm over training.

    with tg.viz.record_steps(model) as steps:
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
    steps.explore().save("training.html")

Each ``backward()`` inside the block is a step (``tg.grad`` fills no ``.grad`` and is not one): when it has
filled the leaves' ``.grad``, the recorder reads each parameter's gradient norm ``||p.grad||_2`` (what the
optimizer is about to use; with gradient accumulation, what has gathered so far) and the loss (the first
root's value, or its mean when it has several elements). ``every=k`` keeps every k-th step (a long run
stays small on the page). The block records the backward passes as ``record_backward`` does, so the last
one's page has its inner gradients; the recorder keeps that last graph, and of the others only the numbers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..autograd import observers
from ..nn.module import Module
from ..tensor import Tensor
from . import graph
from .recording import record_backward


class Steps:
    """What ``record_steps`` noted: ``steps`` (the number of each kept backward pass, from 1), ``losses`` and
    ``norms`` (each parameter's gradient norm per kept step, by name; ``nan`` where it had no gradient)."""

    def __init__(self, params: Any, every: int) -> None:
        self.params = params
        self.every = every
        self.passes = 0  # backward passes seen
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.norms: dict[str, list[float]] = {}
        self._named: list[tuple[str, Tensor]] | None = None
        self._last: list[Tensor] | None = None

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        return f"<Steps: {len(self)} steps of {len(self.norms)} parameters>"

    def _finished(self, roots: list[Tensor]) -> None:
        """An observer of the engine: a backward pass has filled ``.grad``."""
        self.passes += 1
        if (self.passes - 1) % self.every:
            return
        if self._named is None:
            self._named = _named(self.params, roots)
            self.norms = {name: [] for name, _ in self._named}
        self.steps.append(self.passes)
        loss = roots[0].array
        self.losses.append(float(loss.mean()) if loss.size else math.nan)
        for name, p in self._named:
            g = p.grad
            self.norms[name].append(math.nan if g is None else float(np.linalg.norm(g.array.ravel())))
        self._last = roots

    def explore(self, **options: Any) -> Any:
        """The last recorded pass's page (``tg.viz.explore``'s options), with the steps: a slider over them
        colours each parameter's box by its gradient norm at that step, and a chart draws every parameter's
        norm over training."""
        from .explorer import explore

        if self._last is None:
            raise ValueError(
                "record_steps: no backward pass was recorded: call loss.backward() inside the "
                "`with tg.viz.record_steps(...)` block"
            )
        explorer = explore(self._last, self.params if self.params is not None else self._named, **options)
        index = {id(t): i for i, t in enumerate(graph._collect(self._last))}
        explorer.data["training"] = {
            "steps": self.steps,
            "loss": [_number(v) for v in self.losses],
            "params": [
                {"name": name, "node": index.get(id(p)), "norms": [_number(v) for v in self.norms[name]]}
                for name, p in self._named or ()
            ],
        }
        return explorer

    def save(self, path: str | os.PathLike[str]) -> Path:
        """``explore().save(path)``: the page, one self-contained file."""
        return self.explore().save(path)


@contextmanager
def record_steps(
    params: Module | Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None, *, every: int = 1
) -> Iterator[Steps]:
    """Note each parameter's gradient norm and the loss at every ``backward()`` inside the block (see the
    module docstring). ``params`` names the parameters to follow: a Module, a dict, or ``(name, tensor)``
    pairs (``None``: the leaves that require grad in the first pass's graph, by their ``.name``).

    >>> import tensorgrad as tg
    >>> model = tg.nn.Linear(2, 1)
    >>> optimizer = tg.optim.SGD(model.parameters(), lr=0.1)
    >>> with tg.viz.record_steps(model) as steps:
    ...     for _ in range(3):
    ...         optimizer.zero_grad()
    ...         loss = (model(tg.ones(4, 2)) ** 2).mean()
    ...         loss.backward()
    ...         optimizer.step()
    >>> steps.steps, sorted(steps.norms)
    ([1, 2, 3], ['bias', 'weight'])
    """
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ValueError(f"record_steps: every must be an int >= 1, got {every!r}")
    steps = Steps(graph._params(params, "record_steps"), every)
    observers.watch(observers.finished, steps._finished)
    try:
        with record_backward():
            yield steps
    finally:
        observers.watch(observers.finished, steps._finished, on=False)


def _named(params: Any, roots: list[Tensor]) -> list[tuple[str, Tensor]]:
    """The parameters to follow, named: ``params`` (checked), else the graph's leaves that require grad."""
    if isinstance(params, Module):
        return list(params.named_parameters())
    if params is not None:
        return params
    leaves = [t for t in graph._collect(roots) if t._node is None and t.requires_grad]
    return [(t.name or f"parameter {k}", t) for k, t in enumerate(leaves)]


def _number(x: float) -> float | None:
    """A value for the page's JSON: None where it is not finite."""
    return x if math.isfinite(x) else None
