"""AdaGrad (Duchi, Hazan & Singer, 2011): per-coordinate step sizes from the sum of all squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class AdaGrad(Optimizer):
    r"""AdaGrad, PyTorch's update (``torch.optim.Adagrad``); also available as ``Adagrad``.

    For each parameter p with gradient g, at step t = 1, 2, ... (the sum s starts at
    ``initial_accumulator_value``)::

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = s + g^2
        p = p - lr_t * g / (sqrt(s) + eps)       (eps added after the square root)

    Defaults: ``lr=1e-2``, ``lr_decay=0``, ``weight_decay=0``, ``initial_accumulator_value=0``,
    ``eps=1e-10``, ``maximize=False``. State per parameter: ``step`` (t), ``sum`` (s).
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(group["lr_decay"] >= 0, "lr_decay", group["lr_decay"], "lr_decay must be >= 0")
        value = group["initial_accumulator_value"]
        self._require(
            value >= 0, "initial_accumulator_value", value, "the initial sum of squares must be >= 0"
        )

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, lr_decay, eps, weight_decay = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        step = state["step"] = state.get("step", 0) + 1
        state_sum = self._state_array(state, "sum", param, group["initial_accumulator_value"])
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param

        scratch = np.multiply(grad, grad)  # the one temporary array of this step
        state_sum += scratch  # s = s + g^2
        np.sqrt(state_sum, out=scratch)
        scratch += eps
        update = np.divide(grad, scratch, out=scratch)  # g / (sqrt(s) + eps)
        update *= lr / (1 + (step - 1) * lr_decay)
        param -= update


Adagrad = AdaGrad
