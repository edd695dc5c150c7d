"""Adam (Kingma & Ba, 2015), its AMSGrad variant (Reddi et al., 2018) and AdamW (Loshchilov & Hutter, 2019).

Adam and AdamW share one update; they differ only in how weight decay enters it: Adam adds
``weight_decay * p`` to the gradient (an L2 penalty, which then passes through the moment estimates), AdamW
shrinks the parameter directly, ``p *= 1 - lr * weight_decay``, before the Adam step ("decoupled").
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class Adam(Optimizer):
    r"""Adam, PyTorch's update (``torch.optim.Adam``).

    For each parameter p with gradient g, at step t = 1, 2, ... (m, v and v_max start at zero)::

        g = -g                                           if maximize
        p = p * (1 - lr * weight_decay)                  if weight_decay != 0 and decoupled_weight_decay
        g = g + weight_decay * p                         if weight_decay != 0 and not decoupled
        m = beta1 * m + (1 - beta1) * g                  (first moment)
        v = beta2 * v + (1 - beta2) * g^2                (second moment, raw)
        v_max = max(v_max, v)                            if amsgrad (the max of the raw v)
        denom = sqrt(v_max or v) / sqrt(1 - beta2^t) + eps
        p = p - lr / (1 - beta1^t) * m / denom

    which is the paper's ``p -= lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected moments
    ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``: eps is added after the square root.

    Defaults: ``lr=1e-3``, ``betas=(0.9, 0.999)``, ``eps=1e-8``, ``weight_decay=0``, ``amsgrad=False``,
    ``maximize=False``, ``decoupled_weight_decay=False`` (True is :class:`AdamW`). State per parameter:
    ``step`` (t), ``exp_avg`` (m), ``exp_avg_sq`` (v), ``max_exp_avg_sq`` (v_max, when amsgrad).
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas) if isinstance(betas, list) else betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
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

        scratch = np.multiply(grad, 1 - beta1)  # the one temporary array of this step
        exp_avg *= beta1
        exp_avg += scratch  # m = beta1 m + (1 - beta1) g
        np.multiply(grad, grad, out=scratch)
        scratch *= 1 - beta2
        exp_avg_sq *= beta2
        exp_avg_sq += scratch  # v = beta2 v + (1 - beta2) g^2
        if group["amsgrad"]:
            second_moment = self._state_array(state, "max_exp_avg_sq", param)
            np.maximum(second_moment, exp_avg_sq, out=second_moment)
        else:
            second_moment = exp_avg_sq

        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        # lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps), with sqrt(bc2) multiplied through (one pass fewer):
        # lr sqrt(bc2) / bc1 * m / (sqrt(v) + eps sqrt(bc2))
        root_bc2 = math.sqrt(bias_correction2)
        denom = np.sqrt(second_moment, out=scratch)
        denom += eps * root_bc2
        update = np.divide(exp_avg, denom, out=scratch)
        update *= lr * root_bc2 / bias_correction1
        param -= update


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay, PyTorch's update (``torch.optim.AdamW``).

    For each parameter p with gradient g, at step t = 1, 2, ...::

        g = -g                                           if maximize
        p = p * (1 - lr * weight_decay)                  (decay the weights, outside the gradient)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                            if amsgrad
        p = p - lr / (1 - beta1^t) * m / (sqrt(v_max or v) / sqrt(1 - beta2^t) + eps)

    Defaults: ``lr=1e-3``, ``betas=(0.9, 0.999)``, ``eps=1e-8``, ``weight_decay=1e-2``, ``amsgrad=False``,
    ``maximize=False``. Unlike Adam's L2 penalty, the decay is not divided by sqrt(v): every weight shrinks
    by the same factor each step.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True
        )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # AdamW always decouples, whatever the saved groups say
            group["decoupled_weight_decay"] = True
