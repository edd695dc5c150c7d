"""W4 and W5: a long chain of elementwise ops on a (16,) float32 tensor, then ``sum``, then backward.

With arrays this small the time is the framework's per-op bookkeeping (building the node, the engine's
walk, the gradient's pass through each node), not arithmetic.

The chain repeats a cycle of five elementwise ops::

    x = x * 0.5;  x = tanh(x);  x = x * 2.0;  x = x + 0.25;  x = x + -0.25

(two mul, one tanh, two add: over 1,000 ops, 400 mul, 400 add and 200 tanh). ``2 tanh(x / 2)`` maps the
reals into (-2, 2) and contracts slowly towards 0, and the adds cancel, so the values stay bounded and the
gradient decays only polynomially: no overflow, no denormals, even over 100,000 ops. The op count is the
chain's; the final ``sum`` is not counted.

Implementations:
  numpy       the same forward (in place where the value is not needed later) and its backward written by
              hand: the adds pass the gradient through (no work), each mul is one in-place multiply, each
              tanh ``g *= 1 - y^2`` with its saved output (the limit for a numpy framework)
  tensorgrad  ``tg.tensor(x0, requires_grad=True)``, the chain with Tensor operators, ``.sum().backward()``
  pytorch     the same code with ``torch.tensor``
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import frameworks
from .base import Bench

CYCLE = 5  # ops per cycle of the chain


class Data:
    """The chain's input and length; ``ops`` must be a multiple of 5."""

    def __init__(self, ops: int, seed: int = 0) -> None:
        if ops % CYCLE:
            raise ValueError(f"the chain's length must be a multiple of {CYCLE}, got {ops}")
        self.ops, self.cycles = ops, ops // CYCLE
        self.x0 = np.random.default_rng(seed).standard_normal(16).astype(np.float32)


def numpy_chain(data: Data) -> np.ndarray:
    """Forward and hand-written backward; returns d sum(chain(x0)) / d x0."""
    x = data.x0.copy()
    saved = []
    for _ in range(data.cycles):
        x *= 0.5
        x = np.tanh(x)
        saved.append(x)
        x = x * 2.0  # a new array: the tanh output is kept for backward
        x += 0.25
        x += -0.25
    _loss = x.sum()
    g = np.ones_like(x)
    scratch = np.empty_like(x)
    for y in reversed(saved):  # the adds pass the gradient through unchanged
        g *= 2.0
        np.multiply(y, y, out=scratch)
        np.subtract(1.0, scratch, out=scratch)
        g *= scratch  # tanh: g (1 - y^2)
        g *= 0.5
    return g


def numpy_bench(data: Data) -> Bench:
    return Bench(lambda: numpy_chain(data), lambda: {"x": numpy_chain(data)})


def framework_chain(tensor: Any, data: Data) -> np.ndarray:
    """The chain as a user writes it; ``tensor`` is ``tg.tensor`` or ``torch.tensor``."""
    x = start = tensor(data.x0, requires_grad=True)
    for _ in range(data.cycles):
        x = x * 0.5
        x = x.tanh()
        x = x * 2.0
        x = x + 0.25
        x = x + -0.25
    x.sum().backward()
    return start.grad.numpy()


def framework_bench(name: str, data: Data) -> Bench:
    tensor = frameworks.load(name).tensor
    return Bench(lambda: framework_chain(tensor, data), lambda: {"x": framework_chain(tensor, data)})
