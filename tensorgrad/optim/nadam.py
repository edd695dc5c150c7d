"""NAdam (Dozat, 2016): Adam with Nesterov momentum, with the momentum schedule of the paper."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class NAdam(Optimizer):
    r"""NAdam, PyTorch's update (``torch.optim.NAdam``).

    For each parameter p with gradient g, at step t = 1, 2, ... (m and v start at zero, the product
    ``mu_product`` at one)::

        g = -g                                           if maximize
        p = p * (1 - lr * weight_decay)                  if weight_decay != 0 and decoupled_weight_decay
        g = g + weight_decay * p                         if weight_decay != 0 and not decoupled
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))          (the momentum schedule)
        mu_{t+1} = beta1 * (1 - 0.5 * 0.96^((t + 1) * momentum_decay))
        mu_product = mu_product * mu_t                   (= mu_1 mu_2 ... mu_t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        denom = sqrt(v / (1 - beta2^t)) + eps            (eps added after the square root)
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

    The first update term is the current gradient, the second the momentum looked one step ahead (Nesterov);
    each is divided by its own bias correction built from the products of the mu's.

    Defaults: ``lr=2e-3``, ``betas=(0.9, 0.999)``, ``eps=1e-8``, ``weight_decay=0``,
    ``momentum_decay=4e-3``, ``decoupled_weight_decay=False`` (True is NAdamW), ``maximize=False``.
    State per parameter: ``step`` (t), ``mu_product``, ``exp_avg`` (m), ``exp_avg_sq`` (v).

    As in PyTorch, ``mu_product`` is held in float32 (PyTorch keeps it in a scalar tensor of the default
    dtype), so it is rounded to float32 after each multiplication: float64 trajectories then agree with
    ``torch.optim.NAdam``'s to within rounding of the last bits.
    """

    scalar_state = ("step", "mu_product")

    def __init__(
        self,
        params: Params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas) if isinstance(betas, list) else betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(
            group["momentum_decay"] >= 0,
            "momentum_decay",
            group["momentum_decay"],
            "the momentum decay must be >= 0",
        )

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, eps, weight_decay, momentum_decay = (
            group["lr"],
            group["eps"],
            group["weight_decay"],
            group["momentum_decay"],
        )
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

        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        # float32, as PyTorch's scalar tensor: float32 times float32(mu), rounded to float32
        mu_product = float(np.float32(state.get("mu_product", 1.0)) * np.float32(mu))
        state["mu_product"] = mu_product

        # the order of operations is torch.optim.NAdam's (lerp for m, addcmul for v)
        scratch = np.subtract(grad, exp_avg)  # the step's scratch array
        scratch *= 1 - beta1
        exp_avg += scratch  # m = m + (1 - beta1) (g - m) = beta1 m + (1 - beta1) g
        np.multiply(grad, 1 - beta2, out=scratch)
        scratch *= grad
        exp_avg_sq *= beta2
        exp_avg_sq += scratch  # v = beta2 v + (1 - beta2) g^2
        denom = np.divide(exp_avg_sq, 1 - beta2**step)
        np.sqrt(denom, out=denom)
        denom += eps
        np.multiply(grad, -lr * (1.0 - mu) / (1.0 - mu_product), out=scratch)
        scratch /= denom
        param += scratch  # the gradient's part
        np.multiply(exp_avg, -lr * mu_next / (1.0 - mu_product * mu_next), out=scratch)
        scratch /= denom
        param += scratch  # the momentum's part
