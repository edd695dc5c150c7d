"""Train a tiny MLP on XOR with nothing but tensors, backward and a gradient-descent step.

The network is 2 -> hidden (tanh) -> 1 (sigmoid) with binary cross-entropy; the update is plain
gradient descent, ``p <- p - lr * dL/dp``, done on the arrays outside the graph.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import creation, random
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
TARGETS = np.array([[0], [1], [1], [0]], dtype=np.float32)


def train_xor(
    hidden: int = 8,
    lr: float = 0.5,
    epochs: int = 2000,
    seed: int = 0,
    report: Callable[[int, float], None] | None = None,
    every: int = 200,
) -> tuple[list[float], np.ndarray]:
    """Train on the four XOR points; returns the loss per epoch and the final predictions."""
    random.manual_seed(seed)
    x, y = Tensor(INPUTS), Tensor(TARGETS)
    w1 = creation.randn(2, hidden) * np.sqrt(1 / 2)
    w2 = creation.randn(hidden, 1) * np.sqrt(1 / hidden)
    params = [w1.detach().requires_grad_(), creation.zeros(hidden, requires_grad=True)]
    params += [w2.detach().requires_grad_(), creation.zeros(1, requires_grad=True)]
    w1, b1, w2, b2 = params

    losses = []
    for epoch in range(1, epochs + 1):
        p = ((x @ w1 + b1).tanh() @ w2 + b2).sigmoid().clip(1e-7, 1 - 1e-7)
        loss = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
        for param in params:
            param.grad = None
        loss.backward()
        with no_grad():
            for param in params:
                param.array -= lr * param.grad.array
        losses.append(loss.item())
        if report is not None and (epoch % every == 0 or epoch == 1):
            report(epoch, losses[-1])
    with no_grad():
        predictions = ((x @ w1 + b1).tanh() @ w2 + b2).sigmoid().array
    return losses, predictions
