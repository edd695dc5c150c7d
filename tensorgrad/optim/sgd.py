"""SGD: stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's update (``torch.optim.SGD``).

    For each parameter p with gradient g, at step t (hyperparameters read from p's group every step)::

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0      (L2 penalty, coupled)
        if momentum != 0:
            b = g                                at the first step          (no dampening on it)
            b = momentum * b + (1 - dampening) * g   afterwards
            g = g + momentum * b                 if nesterov
            g = b                                otherwise
        p = p - lr * g

    Defaults: ``lr=1e-3`` (as PyTorch 2.x), ``momentum=0``, ``dampening=0``, ``weight_decay=0``,
    ``nesterov=False``, ``maximize=False``. Nesterov needs ``momentum > 0`` and ``dampening == 0``.
    The buffer ``b`` is kept in ``state[p]["momentum_buffer"]`` (only when momentum != 0).
    See :class:`Momentum` for how this momentum relates to the textbook and Keras formulations.

    >>> import tensorgrad as tg
    >>> w = tg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()         # grad = 2w
    >>> opt.step()
    >>> w
    tensor([ 0.8, -1.6], requires_grad=True)
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(group["momentum"] >= 0, "momentum", group["momentum"], "momentum must be >= 0")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{self._name}: Nesterov momentum requires a momentum > 0 and zero dampening "
                f"(got momentum={group['momentum']!r}, dampening={group['dampening']!r})"
            )

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay = group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param  # a new array: p.grad itself stays as backward left it
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)  # b = g, a copy
            else:
                buf *= momentum
                buf += grad if dampening == 0 else (1 - dampening) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= lr * grad
