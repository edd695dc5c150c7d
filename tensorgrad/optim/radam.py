"""RAdam (Liu et al., 2020): Adam whose adaptive step is switched on, and rectified, once the variance of
the second-moment estimate is tractable."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class RAdam(Optimizer):
    r"""RAdam, PyTorch's update (``torch.optim.RAdam``).

    For each parameter p with gradient g, at step t = 1, 2, ... (m and v start at zero)::

        g = -g                                           if maximize
        p = p * (1 - lr * weight_decay)                  if weight_decay != 0 and decoupled_weight_decay
        g = g + weight_decay * p                         if weight_decay != 0 and not decoupled
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        m_hat = m / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)    (length of the approximated moving average)
        if rho_t > 5:
            r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p = p - lr * m_hat * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r_t
        else:
            p = p - lr * m_hat                          (SGD with momentum while the variance is untractable)

    With the default ``beta2=0.999`` the first five steps are momentum steps without the adaptive term.
    Note that eps is added to the uncorrected ``sqrt(v)``, as in PyTorch's code (not to ``sqrt(v_hat)``).

    Defaults: ``lr=1e-3``, ``betas=(0.9, 0.999)``, ``eps=1e-8``, ``weight_decay=0``,
    ``decoupled_weight_decay=False`` (True is RAdamW), ``maximize=False``. State per parameter: ``step`` (t),
    ``exp_avg`` (m), ``exp_avg_sq`` (v).
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas) if isinstance(betas, list) else betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
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
        exp_avg_sq = self._state_array(state, "exp_avg_sq", param)
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                param *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * param

        # the order of operations is torch.optim.RAdam's (lerp for m, addcmul for v)
        scratch = np.subtract(grad, exp_avg)  # the step's scratch array
        scratch *= 1 - beta1
        exp_avg += scratch  # m = m + (1 - beta1) (g - m) = beta1 m + (1 - beta1) g
        np.multiply(grad, 1 - beta2, out=scratch)
        scratch *= grad
        exp_avg_sq *= beta2
        exp_avg_sq += scratch  # v = beta2 v + (1 - beta2) g^2

        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * beta2**step / bias_correction2
        update = np.divide(exp_avg, bias_correction1, out=scratch)  # m_hat
        update *= lr
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = np.sqrt(exp_avg_sq)
            adaptive += eps
            np.reciprocal(adaptive, out=adaptive)
            adaptive *= math.sqrt(bias_correction2)  # sqrt(1 - beta2^t) / (sqrt(v) + eps)
            update *= adaptive
            update *= rect
        param -= update
