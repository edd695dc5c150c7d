"""Activation layers: thin Modules around the elementwise and softmax ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_device
from ..ops import activation, elementwise, reduce
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


class ReLU(Module):
    """max(x, 0). ``inplace`` is accepted so that PyTorch code runs as is; the result is always a new
    Tensor."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.relu(x)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x. ``inplace`` is accepted and ignored, as in ReLU."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.sigmoid(x)


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return elementwise.tanh(x)


class Softmax(Module):
    """e^x_i / sum_j e^x_j along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return reduce.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """x_i - log sum_j e^x_j along ``dim`` (stable)."""

    def forward(self, x: Tensor) -> Tensor:
        return reduce.log_softmax(x, self.dim)


class Softplus(Module):
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (F.softplus)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return activation.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class GELU(Module):
    """x Phi(x), Phi the standard normal CDF; ``approximate='tanh'`` uses the tanh formula (F.gelu)."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return activation.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class _Inplace(Module):
    """An activation with PyTorch's ``inplace`` flag: accepted (and shown), the result is a new Tensor."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class SiLU(_Inplace):
    """x sigmoid(x) (F.silu)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.silu(x)


class Mish(_Inplace):
    """x tanh(softplus(x)) (F.mish)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.mish(x)


class SELU(_Inplace):
    """scale * elu(x, alpha) with the self-normalising constants (F.selu)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.selu(x)


class ELU(Module):
    """x where x > 0, else alpha (e^x - 1) (F.elu)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x: Tensor) -> Tensor:
        return activation.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Hardtanh(Module):
    """x limited to [min_val, max_val], gradient 1 strictly inside (F.hardtanh)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, x: Tensor) -> Tensor:
        return activation.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """min(max(x, 0), 6): Hardtanh(0, 6) (F.relu6)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LogSigmoid(Module):
    """log sigmoid(x), stable (F.logsigmoid)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.logsigmoid(x)


class Softsign(Module):
    """x / (1 + |x|) (F.softsign)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.softsign(x)


class Tanhshrink(Module):
    """x - tanh(x) (F.tanhshrink)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.tanhshrink(x)


class Softmin(Module):
    """e^-x_i / sum_j e^-x_j along ``dim`` (F.softmin; ``dim=None`` is PyTorch's legacy implicit choice)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return activation.softmin(x, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardsigmoid(_Inplace):
    """relu6(x + 3) / 6 (F.hardsigmoid)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.hardsigmoid(x)

    def extra_repr(self) -> str:
        return ""


class Hardswish(Hardsigmoid):
    """x relu6(x + 3) / 6 (F.hardswish)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.hardswish(x)


class CELU(ELU):
    """max(0, x) + min(0, alpha (e^(x / alpha) - 1)) (F.celu)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.celu(x, self.alpha)


class GLU(Module):
    """a * sigmoid(b), a and b the halves of the input along ``dim`` (F.glu)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return activation.glu(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Threshold(Module):
    """x where x > threshold, else value (F.threshold)."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, x: Tensor) -> Tensor:
        return activation.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class Hardshrink(Module):
    """x where |x| > lambd, else 0 (F.hardshrink)."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: Tensor) -> Tensor:
        return activation.hardshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """x - lambd above lambd, x + lambd below -lambd, else 0 (F.softshrink)."""

    def forward(self, x: Tensor) -> Tensor:
        return activation.softshrink(x, self.lambd)


class PReLU(Module):
    """x where x > 0, else a x, with a learnable slope ``weight``: one shared (``num_parameters=1``) or one
    per channel (dimension 1 of the input), each starting at ``init`` (F.prelu)."""

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        check_device(device, "PReLU")
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(np.full(num_parameters, init, dtype=np.float32 if dtype is None else dtype))

    def reset_parameters(self) -> None:
        self.weight.array[...] = self.init

    def forward(self, x: Tensor) -> Tensor:
        return activation.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """x where x >= 0, else a x: a ~ U(lower, upper) per element in training (from tensorgrad's shared
    generator), a = (lower + upper) / 2 in evaluation (F.rrelu)."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, x: Tensor) -> Tensor:
        return activation.rrelu(x, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")
