"""Weight initialisers, as ``torch.nn.init``: each fills a Tensor in place (outside the graph), returns it,
and draws from tensorgrad's one seeded generator (``tg.manual_seed``).

Fans: for a weight of shape (out, in, *kernel), fan_in = in * prod(kernel) and fan_out = out * prod(kernel).

* ``xavier_uniform_``: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))   (Glorot & Bengio, 2010)
* ``xavier_normal_``:  N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))
* ``kaiming_uniform_``: U(-b, b) with b = gain * sqrt(3 / fan)                  (He et al., 2015)
* ``kaiming_normal_``:  N(0, std^2) with std = gain / sqrt(fan)
  where fan is fan_in (``mode="fan_in"``) or fan_out, and gain = ``calculate_gain(nonlinearity, a)``.

PyTorch's default for Dense and Conv2D weights is ``kaiming_uniform_(w, a=sqrt(5))``, that is
U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for their biases; our layers do the same.
"""

from __future__ import annotations

import math

import numpy as np

from ..random import Generator, numpy_generator
from ..tensor import Tensor

_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table); ``param`` is leaky_relu's slope."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; "
            f"expected one of {', '.join(sorted([*_GAINS, 'leaky_relu']))}"
        )
    return _GAINS[nonlinearity]


def fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in, *kernel)."""
    if tensor.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a tensor with at least 2 dimensions, got shape {tensor.shape}"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill(tensor: Tensor, values: np.ndarray | float) -> Tensor:
    tensor.array[...] = values
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with U(a, b) (from ``generator``, a ``tg.Generator``, or the default one)."""
    return _fill(tensor, numpy_generator(generator).uniform(a, b, tensor.shape))


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Fill with N(mean, std^2) (from ``generator``, a ``tg.Generator``, or the default one)."""
    return _fill(tensor, numpy_generator(generator).normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, value: float) -> Tensor:
    return _fill(tensor, value)


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """Fill with U(-b, b), b = gain * sqrt(3 / fan). A tensor with no elements is left as it is (PyTorch)."""
    if tensor.numel() == 0:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """Fill with N(0, std^2), std = gain / sqrt(fan). A tensor with no elements is left as it is (PyTorch)."""
    if tensor.numel() == 0:
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain`` (Saxe et al., 2013), from the QR of a Gaussian."""
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: needs at least 2 dimensions, got shape {tensor.shape}")
    rows, cols = tensor.shape[0], math.prod(tensor.shape[1:])
    flat = numpy_generator(generator).normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))


def default_layer_init_(weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's default for Dense and Conv2D: both from U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)
