"""Adadelta (Zeiler, 2012): step sizes from the ratio of two running root mean squares, of the past updates
and of the gradients, so the update has the units of the parameter."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class Adadelta(Optimizer):
    r"""Adadelta, PyTorch's update (``torch.optim.Adadelta``).

    For each parameter p with gradient g (v and a start at zero)::

        g = -g                                           if maximize
        g = g + weight_decay * p                         if weight_decay != 0
        v = rho * v + (1 - rho) * g^2                    (running mean of squared gradients)
        delta = sqrt(a + eps) / sqrt(v + eps) * g        (eps inside both square roots)
        a = rho * a + (1 - rho) * delta^2                (running mean of squared updates)
        p = p - lr * delta

    The paper has no learning rate (it is PyTorch's ``lr=1.0``, which scales the whole update). At the start
    ``a = 0``, so the first steps are about ``sqrt(eps) / sqrt(v + eps) * g``: small, and they grow as ``a``
    accumulates.

    Defaults: ``lr=1.0``, ``rho=0.9``, ``eps=1e-6``, ``weight_decay=0``, ``maximize=False``. State per
    parameter: ``step``, ``square_avg`` (v), ``acc_delta`` (a).
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(0 <= group["rho"] <= 1, "rho", group["rho"], "rho must be in [0, 1]")

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, rho, eps, weight_decay = group["lr"], group["rho"], group["eps"], group["weight_decay"]
        state["step"] = state.get("step", 0) + 1
        square_avg = self._state_array(state, "square_avg", param)
        acc_delta = self._state_array(state, "acc_delta", param)
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param

        # the order of operations is torch.optim.Adadelta's
        scratch = np.multiply(grad, 1 - rho)  # the step's scratch array
        scratch *= grad
        square_avg *= rho
        square_avg += scratch  # v = rho v + (1 - rho) g^2
        std = np.add(square_avg, eps)
        np.sqrt(std, out=std)  # sqrt(v + eps)
        delta = np.add(acc_delta, eps, out=scratch)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= grad  # delta = sqrt(a + eps) / sqrt(v + eps) * g
        np.multiply(delta, 1 - rho, out=std)
        std *= delta
        acc_delta *= rho
        acc_delta += std  # a = rho a + (1 - rho) delta^2
        delta *= -lr
        param += delta
