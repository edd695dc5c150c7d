"""Momentum: SGD with (heavy-ball or Nesterov) momentum, as a class of its own, and how the common
formulations of momentum relate."""

from __future__ import annotations

from .optimizer import Params
from .sgd import SGD


class Momentum(SGD):
    r"""SGD with momentum: exactly :class:`SGD` with ``momentum=0.9`` by default.

    The update (PyTorch's), for gradient g_t at step t = 1, 2, ... and constant hyperparameters::

        g_t = g_t + weight_decay * p_{t-1}                   if weight_decay != 0
        v_1 = g_1                                            (the buffer starts as the first gradient;
                                                              dampening is not applied on that step)
        v_t = mu * v_{t-1} + (1 - dampening) * g_t           for t > 1
        p_t = p_{t-1} - lr * v_t                             (nesterov: p_t = p_{t-1} - lr * (g_t + mu * v_t))

    Defaults: ``lr=1e-3``, ``momentum=0.9`` (mu), ``dampening=0``, ``weight_decay=0``,
    ``nesterov=False``, ``maximize=False``.

    Three formulations of momentum are in common use. They differ in where the learning rate and the
    (1 - beta) factor go:

    1. **PyTorch** (above, ``dampening=0``): ``v = mu v + g;  p -= lr v``, with ``v_1 = g_1``.
       The velocity is a sum of gradients, ``v_t = sum_k mu^k g_{t-k}``; the lr applies to it at the
       moment of the step.

    2. **Textbook EMA** (Andrew Ng's course, many notes): ``v = beta v + (1 - beta) g;  p -= lr v``.
       This is the PyTorch update with ``momentum = dampening = beta``, except on the first step: PyTorch
       starts the buffer at ``v_1 = g_1``, whereas the EMA from ``v_0 = 0`` gives ``v_1 = (1 - beta) g_1``.
       Put differently, ``Momentum(params, lr, momentum=beta, dampening=beta)`` is the textbook EMA
       started from ``v_0 = g_1`` (then ``beta g_1 + (1 - beta) g_1 = g_1``). Because an EMA averages
       rather than sums, its steps are ``(1 - beta)`` times smaller than the undampened ones in the
       long run: textbook lr ``a`` behaves like PyTorch lr ``a (1 - beta)``.

    3. **Keras / Sutskever et al.**: ``v = mu v - lr g;  p += v``, with ``v_0 = 0``. For a constant lr
       this is the same trajectory as PyTorch's with ``dampening=0``: by induction
       ``v_keras_t = -lr v_torch_t`` (true at t = 1: ``-lr g_1``; then
       ``mu (-lr v_{t-1}) - lr g_t = -lr (mu v_{t-1} + g_t)``). They differ when the lr changes during
       training (a scheduler): Keras' velocity keeps the old learning rates inside it
       (``sum_k mu^k lr_{t-k} g_{t-k}``), PyTorch rescales the whole velocity by today's lr.

    Nesterov (``nesterov=True``) uses PyTorch's (Bengio et al.'s) rewriting of Sutskever's look-ahead
    gradient: ``p -= lr (g_t + mu v_t)``.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov, maximize=maximize)
