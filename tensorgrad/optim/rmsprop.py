"""RMSProp: divide the gradient by a running root mean square of recent gradients (Hinton, lecture 6e)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Params


class RMSProp(Optimizer):
    r"""RMSProp, PyTorch's update (``torch.optim.RMSprop``); also available as ``RMSprop``.

    For each parameter p with gradient g (v, g_avg and b start at zero)::

        g = -g                                      if maximize
        g = g + weight_decay * p                    if weight_decay != 0
        v = alpha * v + (1 - alpha) * g^2
        if centered:
            g_avg = g_avg + (1 - alpha) * (g - g_avg)  (= alpha g_avg + (1 - alpha) g, as PyTorch's lerp)
            avg = sqrt(v - g_avg^2) + eps           (eps added after the square root)
        else:
            avg = sqrt(v) + eps
        if momentum > 0:
            b = momentum * b + g / avg
            p = p - lr * b
        else:
            p = p - lr * g / avg

    Defaults: ``lr=1e-2``, ``alpha=0.99``, ``eps=1e-8``, ``weight_decay=0``, ``momentum=0``,
    ``centered=False``, ``maximize=False``. State per parameter: ``step``, ``square_avg`` (v),
    ``momentum_buffer`` (b, when momentum > 0), ``grad_avg`` (g_avg, when centered).

    Each step computes in ``torch.optim.RMSprop``'s order of operations, so float64 trajectories equal
    PyTorch's bit for bit where its kernels are plain IEEE arithmetic; its AVX2 kernels fuse multiply-adds
    and round sqrt within half an ulp, which leaves differences of an ulp or so per step.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(
            0 <= group["alpha"] <= 1, "alpha", group["alpha"], "the smoothing constant must be in [0, 1]"
        )
        self._require(group["momentum"] >= 0, "momentum", group["momentum"], "momentum must be >= 0")

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        weight_decay = group["weight_decay"]
        state["step"] = state.get("step", 0) + 1
        square_avg = self._state_array(state, "square_avg", param)
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param

        # the order of operations is torch.optim.RMSprop's, so float64 trajectories agree to the last bit
        avg = np.multiply(grad, 1 - alpha)  # the step's scratch array: (1 - alpha) g^2, then the denominator
        avg *= grad
        square_avg *= alpha
        square_avg += avg  # v = alpha v + (1 - alpha) g^2
        if group["centered"]:
            grad_avg = self._state_array(state, "grad_avg", param)
            np.subtract(grad, grad_avg, out=avg)
            avg *= 1 - alpha
            grad_avg += avg  # g_avg = g_avg + (1 - alpha) (g - g_avg), PyTorch's lerp
            np.multiply(grad_avg, grad_avg, out=avg)
            np.subtract(square_avg, avg, out=avg)
            np.sqrt(avg, out=avg)  # sqrt(v - g_avg^2)
        else:
            np.sqrt(square_avg, out=avg)
        avg += eps

        if momentum > 0:
            buf = self._state_array(state, "momentum_buffer", param)
            buf *= momentum
            np.divide(grad, avg, out=avg)
            buf += avg  # b = momentum b + g / avg
            np.multiply(buf, -lr, out=avg)
        else:
            np.divide(np.multiply(grad, -lr), avg, out=avg)  # -lr g / avg
        param += avg


RMSprop = RMSProp
