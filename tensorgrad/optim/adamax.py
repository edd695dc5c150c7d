"""Adamax (Kingma & Ba, 2015, section 7.1): Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class Adamax(Optimizer):
    r"""Adamax, PyTorch's update (``torch.optim.Adamax``).

    For each parameter p with gradient g, at step t = 1, 2, ... (m and u start at zero)::

        g = -g                                           if maximize
        g = g + weight_decay * p                         if weight_decay != 0
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)                    (exponentially weighted infinity norm)
        p = p - lr / (1 - beta1^t) * m / u

    u needs no bias correction. eps goes inside the maximum, as in PyTorch's code (the paper has no eps:
    ``u = max(beta2 u, |g|)``), so u is never zero and the division is always finite.

    Defaults: ``lr=2e-3``, ``betas=(0.9, 0.999)``, ``eps=1e-8``, ``weight_decay=0``, ``maximize=False``.
    State per parameter: ``step`` (t), ``exp_avg`` (m), ``exp_inf`` (u).
    """

    def __init__(
        self,
        params: Params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas) if isinstance(betas, list) else betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        step = state["step"] = state.get("step", 0) + 1
        exp_avg = self._state_array(state, "exp_avg", param)
        exp_inf = self._state_array(state, "exp_inf", param)
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param

        scratch = np.subtract(grad, exp_avg)  # the step's scratch array
        scratch *= 1 - beta1
        exp_avg += scratch  # m = m + (1 - beta1) (g - m), PyTorch's lerp
        np.abs(grad, out=scratch)
        scratch += eps
        exp_inf *= beta2
        np.maximum(exp_inf, scratch, out=exp_inf)  # u = max(beta2 u, |g| + eps)
        np.multiply(exp_avg, -lr / (1 - beta1**step), out=scratch)
        scratch /= exp_inf
        param += scratch  # p = p - lr / (1 - beta1^t) * m / u
