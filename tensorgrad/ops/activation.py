"""Activation functions beyond relu/sigmoid/tanh, with PyTorch's definitions and defaults.

softplus, gelu (exact and tanh), silu, elu, selu, mish, hardtanh/relu6, logsigmoid, softsign, tanhshrink.
Each op's docstring gives its formula and gradient. Backward formulas use Tensor ops (smooth ones
differentiate twice); the masks of the piecewise ones (softplus's linear region, elu's and hardtanh's
branches) are constants, as in relu.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand
from .elementwise import exp, sigmoid, tanh, where
from .math import erf_array

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _stable_sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


class Softplus(Function):
    """log(1 + e^(beta a)) / beta, and a itself where beta a > threshold (PyTorch's linear region);
    d/da = sigmoid(beta a), and 1 in the linear region."""

    def forward(self, a: np.ndarray, beta: float, threshold: float) -> np.ndarray:
        self.beta = beta
        z = a * beta
        self.linear = z > threshold
        return np.where(self.linear, a, np.logaddexp(0, z) / beta).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (where(self.linear, g, g * sigmoid(self.inputs[0] * self.beta)),)


def _normal_cdf(a: np.ndarray) -> np.ndarray:
    return (0.5 * (1 + erf_array(a * (1 / math.sqrt(2))))).astype(a.dtype, copy=False)


class NormalCdf(Function):
    """Phi(a) = (1 + erf(a / sqrt 2)) / 2, the standard normal CDF;  d/da = phi(a) = e^(-a^2/2) / sqrt(2 pi).
    ``value``: Phi(a) already computed (GELU's forward keeps it), so its backward needs no second erf."""

    def forward(self, a: np.ndarray, value: np.ndarray | None = None) -> np.ndarray:
        return _normal_cdf(a) if value is None else value

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        return (g * exp(-0.5 * a * a) * (1 / math.sqrt(2 * math.pi)),)


class GELU(Function):
    """a Phi(a), Phi the standard normal CDF: 'none' a/2 (1 + erf(a/sqrt 2)),
    'tanh' a/2 (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3)));
    d/da = Phi(a) + a phi(a) ('none'), the derivative of the tanh form for 'tanh'."""

    def forward(self, a: np.ndarray, approximate: str) -> np.ndarray:
        self.approximate = approximate
        if approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (a + 0.044715 * (a * a * a))  # a**3 is numpy's slow pow
            return 0.5 * a * (1 + np.tanh(inner))
        self.cdf = _normal_cdf(a)
        return a * self.cdf

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        if self.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = tanh(k * (a + 0.044715 * a * a * a))
            slope = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * (k * (1 + 3 * 0.044715 * a * a))
        else:
            cdf = NormalCdf.apply(a, value=self.cdf)
            slope = cdf + a * exp(-0.5 * a * a) * (1 / math.sqrt(2 * math.pi))
        return (g * slope,)


class SiLU(Function):
    """a sigmoid(a) (also called swish);  d/da = s (1 + a (1 - s)), s = sigmoid(a)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return (a * _stable_sigmoid(a)).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        s = sigmoid(a)
        return (g * (s * (1 + a * (1 - s))),)


class ELU(Function):
    """scale * (a where a > 0, else alpha (e^a - 1));  d/da = scale, or scale alpha e^a where a <= 0.
    ``scale`` is 1 for elu and SELU_SCALE for selu (with alpha SELU_ALPHA)."""

    def forward(self, a: np.ndarray, alpha: float, scale: float) -> np.ndarray:
        self.alpha, self.scale = alpha, scale
        self.positive = a > 0
        return (scale * np.where(self.positive, a, alpha * np.expm1(np.minimum(a, 0)))).astype(
            a.dtype, copy=False
        )

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        # a where a < 0, else the constant 0 (e^a never overflows unused; at a = 0 the slope is scale*alpha
        # and, as PyTorch's, its own derivative is 0)
        negative_part = where(a.array < 0, a, np.zeros((), dtype=a.dtype))
        slope = where(self.positive, self.scale, exp(negative_part) * (self.scale * self.alpha))
        return (g * slope,)


class Mish(Function):
    """a tanh(softplus(a));  d/da = tanh(sp) + a (1 - tanh(sp)^2) sigmoid(a), sp = softplus(a)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return (a * np.tanh(np.logaddexp(0, a))).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        t = tanh(softplus(a))
        return (g * (t + a * (1 - t * t) * sigmoid(a)),)


class Hardtanh(Function):
    """a limited to [min_val, max_val];  d/da = 1 strictly inside, 0 elsewhere (PyTorch's hardtanh and relu6:
    unlike clamp, the gradient at a bound is 0)."""

    def forward(self, a: np.ndarray, min_val: float, max_val: float) -> np.ndarray:
        self.inside = (a > min_val) & (a < max_val)
        return np.clip(a, min_val, max_val).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.inside,)


class LogSigmoid(Function):
    """log sigmoid(a) = min(a, 0) - log(1 + e^-|a|) (stable);  d/da = sigmoid(-a)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return (np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * sigmoid(-self.inputs[0]),)


class Softsign(Function):
    """a / (1 + |a|);  d/da = 1 / (1 + |a|)^2."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return a / (1 + np.abs(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        d = 1 + abs(a)
        return (g / (d * d),)


class Tanhshrink(Function):
    """a - tanh(a);  d/da = tanh(a)^2."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return a - np.tanh(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        t = tanh(self.inputs[0])
        return (g * (t * t),)


# ---------------------------------------------------------------------------- functions (PyTorch's names)
def _floating(x: Any, op: str) -> Tensor:
    x = operand(x)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expects a floating-point tensor, got {x.dtype}; convert it with .float()")
    return x


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return Softplus.apply(_floating(input, "softplus"), beta=beta, threshold=threshold)


def gelu(input: Any, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GELU.apply(_floating(input, "gelu"), approximate=approximate)


def silu(input: Any, inplace: bool = False) -> Tensor:
    """``inplace`` is accepted so PyTorch code runs; the result is always a new Tensor."""
    return SiLU.apply(_floating(input, "silu"))


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return ELU.apply(_floating(input, "elu"), alpha=alpha, scale=1.0)


def selu(input: Any, inplace: bool = False) -> Tensor:
    """SELU_SCALE * elu(input, SELU_ALPHA): self-normalising (Klambauer et al. 2017)."""
    return ELU.apply(_floating(input, "selu"), alpha=SELU_ALPHA, scale=SELU_SCALE)


def mish(input: Any, inplace: bool = False) -> Tensor:
    return Mish.apply(_floating(input, "mish"))


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    return Hardtanh.apply(operand(input), min_val=min_val, max_val=max_val)


def relu6(input: Any, inplace: bool = False) -> Tensor:
    """min(max(input, 0), 6): hardtanh(input, 0, 6)."""
    return Hardtanh.apply(operand(input), min_val=0.0, max_val=6.0)


def logsigmoid(input: Any) -> Tensor:
    return LogSigmoid.apply(_floating(input, "logsigmoid"))


def softsign(input: Any) -> Tensor:
    return Softsign.apply(_floating(input, "softsign"))


def tanhshrink(input: Any) -> Tensor:
    return Tanhshrink.apply(_floating(input, "tanhshrink"))


# ---------------------------------------------------------------------------- more of PyTorch's activations
class Hardswish(Function):
    """a relu6(a + 3) / 6;  d/da = 0 for a < -3, a/3 + 1/2 for -3 <= a <= 3, 1 for a > 3 (PyTorch's
    gradient, boundaries included)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return (a * np.clip(a + 3, 0, 6) / 6).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        middle = (a.array >= -3) & (a.array <= 3)
        slope = where(middle, a * (1 / 3) + 0.5, (a.array > 3).astype(a.dtype))
        return (g * slope,)


class Threshold(Function):
    """a where a > threshold, else value;  d/da = 1 where a > threshold, else 0."""

    def forward(self, a: np.ndarray, threshold: float, value: float) -> np.ndarray:
        self.kept = a > threshold
        return np.where(self.kept, a, np.asarray(value, dtype=a.dtype))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.kept,)


class Softshrink(Function):
    """a - lambd where a > lambd, a + lambd where a < -lambd, else 0;  d/da = 1 where |a| > lambd, else 0."""

    def forward(self, a: np.ndarray, lambd: float) -> np.ndarray:
        self.kept = np.abs(a) > lambd
        return np.where(self.kept, a - np.sign(a) * np.asarray(lambd, a.dtype), np.zeros((), a.dtype))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.kept,)


def softmin(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(-input) along ``dim``: e^-x_i / sum_j e^-x_j. Without ``dim``, PyTorch's legacy choice (dim 0
    for 0-, 1- and 3-d inputs, else 1) with PyTorch's warning."""
    from .reduce import softmax

    x = _floating(input, "softmin")
    if dtype is not None:
        x = x.astype(dtype)
    return softmax(-x, _implicit_dim("softmin", x.ndim, _stacklevel) if dim is None else dim)


def _implicit_dim(op: str, ndim: int, stacklevel: int) -> int:
    import warnings

    warnings.warn(
        f"Implicit dimension choice for {op} has been deprecated. Change the call to include dim=X as an "
        "argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def hardsigmoid(input: Any, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between;  d/dx = 1/6 strictly inside (-3, 3)."""
    return Hardtanh.apply(_floating(input, "hardsigmoid") + 3, min_val=0.0, max_val=6.0) * (1 / 6)


def hardswish(input: Any, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6 (MobileNetV3's activation)."""
    return Hardswish.apply(_floating(input, "hardswish"))


def celu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (e^(x / alpha) - 1)) = alpha elu(x / alpha): continuously differentiable."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (the formula divides by alpha)")
    return ELU.apply(_floating(input, "celu") * (1 / alpha), alpha=1.0, scale=alpha)


def glu(input: Any, dim: int = -1) -> Tensor:
    """Gated linear unit: the input split in halves a, b along ``dim``, then a * sigmoid(b)."""
    from .shape import chunk

    x = _floating(input, "glu")
    if x.ndim == 0:
        raise ValueError("glu: expects a tensor with at least one dimension, got a 0-d tensor")
    d = dim % x.ndim if -x.ndim <= dim < x.ndim else None
    if d is None:
        raise IndexError(f"glu: dim {dim} is out of range for a tensor of shape {x.shape}")
    if x.shape[d] % 2:
        raise ValueError(
            f"glu: halving dimension must be even, but dimension {d} of shape {x.shape} has size {x.shape[d]}"
        )
    a, b = chunk(x, 2, axis=d)
    return a * sigmoid(b)


def threshold(input: Any, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    return Threshold.apply(_floating(input, "threshold"), threshold=threshold, value=value)


def hardshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    x = _floating(input, "hardshrink")
    return x * (np.abs(x.array) > lambd)


def softshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0 (lambd >= 0)."""
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got {lambd}")
    return Softshrink.apply(_floating(input, "softshrink"), lambd=lambd)


def prelu(input: Any, weight: Any) -> Tensor:
    """x where x > 0, else weight * x. ``weight`` has one element, or one per channel (dimension 1 of the
    input, dimension 0 for a 1-d input); both x and weight get gradients."""
    x, w = _floating(input, "prelu"), operand(weight)
    if w.ndim > 1:
        raise ValueError(f"prelu: weight must be 0-d or 1-d, got shape {w.shape}")
    if w.array.size != 1:
        channels = 0 if x.ndim == 0 else x.shape[1 if x.ndim >= 2 else 0]
        if x.ndim == 0 or w.array.size != channels:
            raise ValueError(
                f"prelu: weight of shape {w.shape} does not fit input of shape {x.shape}: expected one "
                f"weight, or one per channel ({channels}, dimension {1 if x.ndim >= 2 else 0})"
            )
        if x.ndim >= 2:
            w = w.reshape((channels,) + (1,) * (x.ndim - 2))
    elif w.ndim == 1:
        w = w.reshape(())
    return where(x.array > 0, x, w * x)


def rrelu(
    input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, inplace: bool = False
) -> Tensor:
    """Randomized leaky ReLU: x where x >= 0, else a x. In training a ~ U(lower, upper) per element, drawn
    from tensorgrad's shared generator (``tg.manual_seed``); in evaluation a = (lower + upper) / 2."""
    from ..random import generator

    x = _floating(input, "rrelu")
    if lower > upper:
        raise ValueError(f"rrelu: lower ({lower}) must not exceed upper ({upper})")
    if not training:
        return where(x.array >= 0, x, x * ((lower + upper) / 2))
    slopes = generator().uniform(lower, upper, x.shape).astype(x.dtype)
    return x * np.where(x.array >= 0, np.ones((), x.dtype), slopes)
