"""Plain numpy optimizers for the hand-written limits: PyTorch's updates, in place, no temporaries per step.

Each ``step(grads)`` takes the gradients in the order of the parameters and may overwrite them (they are
the hand-written backward's own buffers, rewritten on the next step), which saves a scratch array.
"""

from __future__ import annotations

import math

import numpy as np


class SGD:
    """p -= lr * g; with momentum (PyTorch's, no dampening): b = g at the first step, then
    b = momentum * b + g, and p -= lr * b."""

    def __init__(self, params: list[np.ndarray], lr: float, momentum: float = 0.0) -> None:
        self.params, self.lr, self.momentum = params, lr, momentum
        self.buffers: list[np.ndarray] | None = None

    def step(self, grads: list[np.ndarray]) -> None:
        if self.momentum == 0:
            for p, g in zip(self.params, grads):
                g *= self.lr
                p -= g
            return
        if self.buffers is None:
            self.buffers = [g.copy() for g in grads]
        else:
            for b, g in zip(self.buffers, grads):
                b *= self.momentum
                b += g
        for p, b, g in zip(self.params, self.buffers, grads):
            np.multiply(b, self.lr, out=g)
            p -= g


class Adam:
    """PyTorch's Adam (no weight decay, no amsgrad): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)."""

    def __init__(
        self,
        params: list[np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        beta1, beta2 = self.betas
        self.t += 1
        step_size = self.lr / (1 - beta1**self.t)
        inv_sqrt_bc2 = 1 / math.sqrt(1 - beta2**self.t)
        for p, g, m, v, s in zip(self.params, grads, self.m, self.v, self.scratch):
            m *= beta1
            np.multiply(g, 1 - beta1, out=s)
            m += s  # m = b1 m + (1 - b1) g
            v *= beta2
            np.multiply(g, g, out=s)
            s *= 1 - beta2
            v += s  # v = b2 v + (1 - b2) g^2
            np.sqrt(v, out=s)
            s *= inv_sqrt_bc2
            s += self.eps
            np.divide(m, s, out=s)
            s *= step_size
            p -= s
