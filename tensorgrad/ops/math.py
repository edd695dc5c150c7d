"""Elementwise math beyond arithmetic, as PyTorch's: trigonometric and hyperbolic functions, logarithms and
exponentials, erf, rounding, and the binary ops atan2, hypot, lerp, remainder/fmod and rounded division.

Each op states its formula and its gradient; backward formulas use Tensor ops, so they differentiate again.
Integer (and bool) inputs of ops with a fractional result are computed in float32, as PyTorch does
(``torch.sin(torch.tensor([1, 2]))`` is float32); the rounding ops keep integers as they are. The rounding
ops (sign, floor, ceil, round, trunc) and rounded division have gradient zero, as in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, get_default_dtype, operand, operands, wrap
from .elementwise import _Binary, clip, exp, log, sigmoid, sqrt
from .shape import sum_to


def _float(a: np.ndarray) -> np.ndarray:
    """``a`` itself when floating point, else in the default dtype (float32; PyTorch's rule for integers)."""
    return a if a.dtype.kind == "f" else a.astype(get_default_dtype())


def _zeros(g: Tensor) -> Tensor:
    return wrap(np.zeros(g.shape, dtype=g.dtype))


# ---------------------------------------------------------------------------- trigonometric, hyperbolic
class Sin(Function):
    """sin a;  d/da = cos a."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.sin(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * cos(self.inputs[0]),)


class Cos(Function):
    """cos a;  d/da = -sin a."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.cos(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (-g * sin(self.inputs[0]),)


class Tan(Function):
    """tan a;  d/da = 1 + tan^2 a."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.tan(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        y = self.output()
        return (g * (1 + y * y),)


class Sinh(Function):
    """sinh a;  d/da = cosh a."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.sinh(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * cosh(self.inputs[0]),)


class Cosh(Function):
    """cosh a;  d/da = sinh a."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.cosh(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * sinh(self.inputs[0]),)


class Asin(Function):
    """arcsin a (for -1 <= a <= 1);  d/da = 1 / sqrt(1 - a^2)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.arcsin(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        return (g / sqrt(1 - a * a),)


class Acos(Function):
    """arccos a (for -1 <= a <= 1);  d/da = -1 / sqrt(1 - a^2)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.arccos(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        return (-g / sqrt(1 - a * a),)


class Atan(Function):
    """arctan a;  d/da = 1 / (1 + a^2)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.arctan(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        return (g / (1 + a * a),)


# ---------------------------------------------------------------------------- logarithms, exponentials
class Log1p(Function):
    """ln(1 + a), accurate for small a;  d/da = 1 / (1 + a)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.log1p(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (1 + self.inputs[0]),)


class Expm1(Function):
    """e^a - 1, accurate for small a;  d/da = e^a."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.expm1(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * exp(self.inputs[0]),)


class Log2(Function):
    """log2 a;  d/da = 1 / (a ln 2)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.log2(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (self.inputs[0] * math.log(2.0)),)


class Log10(Function):
    """log10 a;  d/da = 1 / (a ln 10)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.log10(_float(a))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (self.inputs[0] * math.log(10.0)),)


class Rsqrt(Function):
    """1 / sqrt(a);  d/da = -a^(-3/2) / 2 = -y^3 / 2."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        a = _float(a)
        return 1 / np.sqrt(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        y = self.output()
        return (g * (-0.5 * y * y * y),)


class Reciprocal(Function):
    """1 / a;  d/da = -1 / a^2 = -y^2."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        a = _float(a)
        return 1 / a

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        y = self.output()
        return (-g * y * y,)


# erf on float32: erf(x) = x P(x^2) for |x| < 1, 1 - e^(-x^2) Q(1/x) for 1 <= |x| < 4, sign(x) beyond;
# P and Q are least-squares fits to the float64 series below (scripts/fit_erf_float32.py); within 3 ulp
_ERF32_NEAR = (1.1283791641731373, -0.37612622457617256, 0.11283567395631165, -0.02685351805780487,
               0.005188347441241122, -0.0008014284472052785, 7.878117839019201e-05)  # fmt: skip
_ERF32_FAR = (3.2305013208278055e-05, 0.5635959878979633, 0.004061850116449356, -0.2903005774230213,
              -0.053326801218862435, 0.8663477525566781, -1.477490171336469, 1.3802890871818476,
              -0.7843321402817581, 0.25552621370262274, -0.03681993280300933)  # fmt: skip


def _polynomial(coefficients: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    """sum_k c_k z^k by Horner's rule, in z's dtype."""
    out = np.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        out *= z
        out += c
    return out


def _erf_float32(x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    near = x * _polynomial(_ERF32_NEAR, x * x)
    b = np.clip(a, 1, 4)
    far = 1 - np.exp(-(b * b)) * _polynomial(_ERF32_FAR, 1 / b)
    return np.where(a < 1, near, np.copysign(far, x))  # both computed everywhere: no slow fancy indexing


def erf_array(x: np.ndarray) -> np.ndarray:
    """The error function erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt on a numpy array (numpy has none).

    float32 (and float16) input: two fitted polynomials in float32 (``_ERF32_NEAR``/``_FAR``), within 3 ulp
    of the true value and about 10x faster than the series. Otherwise computed in float64 to about 1e-15
    relative error: for |x| < 2 by the series
    erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)) (positive terms: no cancellation),
    for 2 <= |x| < 6 by the continued fraction
    erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), and erf(x) = sign(x) beyond,
    where erfc(6) ~ 2e-17 is below float64's resolution of 1.
    """
    x = np.asarray(x)
    if x.dtype in (np.float32, np.float16):
        return _erf_float32(x.astype(np.float32, copy=False)).astype(x.dtype, copy=False)
    a = np.abs(np.asarray(x, dtype=np.float64))
    out = np.ones_like(a)
    small = a < 2.0
    s = a[small]
    x2 = s * s
    term, total = s.copy(), s.copy()
    for n in range(1, 40):
        term *= 2 * x2 / (2 * n + 1)
        total += term
    out[small] = (2 / math.sqrt(math.pi)) * np.exp(-x2) * total
    middle = ~small & (a < 6.0)
    b = a[middle]
    fraction = b.copy()
    for k in range(80, 0, -1):
        fraction = b + (k / 2) / fraction
    out[middle] = 1 - np.exp(-b * b) / math.sqrt(math.pi) / fraction
    out[np.isnan(a)] = np.nan
    return np.copysign(out, x)


class Erf(Function):
    """erf(a) = 2/sqrt(pi) integral_0^a e^(-t^2) dt;  d/da = 2/sqrt(pi) e^(-a^2)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        a = _float(a)
        return erf_array(a).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a = self.inputs[0]
        return (g * (2 / math.sqrt(math.pi)) * exp(-(a * a)),)


# ---------------------------------------------------------------------------- rounding: gradient zero
class _Rounding(Function):
    """A piecewise constant function: its gradient is zero wherever it is defined (PyTorch returns zero)."""

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (_zeros(g),)


class Sign(_Rounding):
    """-1, 0 or 1 by the sign of a;  d/da = 0."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.sign(a)


class Floor(_Rounding):
    """The largest integer <= a;  d/da = 0."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.floor(a) if a.dtype.kind == "f" else a.copy()


class Ceil(_Rounding):
    """The smallest integer >= a;  d/da = 0."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.ceil(a) if a.dtype.kind == "f" else a.copy()


class Trunc(_Rounding):
    """a rounded towards zero;  d/da = 0."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.trunc(a) if a.dtype.kind == "f" else a.copy()


class Round(_Rounding):
    """a rounded to ``decimals`` decimal places, halves to even (as PyTorch and numpy);  d/da = 0."""

    def forward(self, a: np.ndarray, decimals: int) -> np.ndarray:
        return np.round(a, decimals) if a.dtype.kind == "f" or decimals < 0 else a.copy()


# ---------------------------------------------------------------------------- binary
class Atan2(_Binary):
    """atan2(a, b): the angle of the point (b, a);  d/da = b / (a^2 + b^2),  d/db = -a / (a^2 + b^2)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.arctan2(_float(a), _float(b))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        scale = g / (a * a + b * b)
        return (
            sum_to(scale * b, a.shape) if a.requires_grad else None,
            sum_to(-scale * a, b.shape) if b.requires_grad else None,
        )


class Hypot(_Binary):
    """sqrt(a^2 + b^2) without overflow;  d/da = a / y,  d/db = b / y."""

    save_output = True

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.hypot(_float(a), _float(b))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        scale = g / self.output()
        return (
            sum_to(scale * a, a.shape) if a.requires_grad else None,
            sum_to(scale * b, b.shape) if b.requires_grad else None,
        )


class Remainder(_Binary):
    """a - floor(a / b) * b (the sign of b, Python's %);  d/da = 1,  d/db = -floor(a / b)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.remainder(a, b)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g, a.shape) if a.requires_grad else None,
            sum_to(-g * np.floor(a.array / b.array), b.shape) if b.requires_grad else None,
        )


class Fmod(_Binary):
    """a - trunc(a / b) * b (the sign of a, C's fmod);  d/da = 1,  d/db = -trunc(a / b)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.fmod(a, b)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g, a.shape) if a.requires_grad else None,
            sum_to(-g * np.trunc(a.array / b.array), b.shape) if b.requires_grad else None,
        )


def _rounded_quotient(a: np.ndarray, b: np.ndarray, rounding_mode: str) -> np.ndarray:
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        q = a / b
        return np.floor(q) if rounding_mode == "floor" else np.trunc(q)
    q = np.floor_divide(a, b)
    if rounding_mode == "floor":
        return q
    return q + ((q < 0) & (q * b != a))  # integers: towards zero where b does not divide a exactly


class RoundedDiv(_Binary):
    """a / b rounded towards zero ('trunc') or down ('floor');  gradient zero for both, as PyTorch."""

    def forward(self, a: np.ndarray, b: np.ndarray, rounding_mode: str) -> np.ndarray:
        return _rounded_quotient(a, b, rounding_mode)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            wrap(np.zeros(a.shape, dtype=g.dtype)) if a.requires_grad else None,
            wrap(np.zeros(b.shape, dtype=g.dtype)) if b.requires_grad else None,
        )


class Lerp(Function):
    """a + w (b - a), computed as PyTorch: b - (b - a)(1 - w) where w >= 0.5 (exact at w = 1);
    d/da = 1 - w,  d/db = w,  d/dw = b - a."""

    def forward(self, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        diff = b - a
        return np.where(w < 0.5, a + w * diff, b - diff * (1 - w))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b, w = self.inputs
        return (
            sum_to(g * (1 - w), a.shape) if a.requires_grad else None,
            sum_to(g * w, b.shape) if b.requires_grad else None,
            sum_to(g * (b - a), w.shape) if w.requires_grad else None,
        )

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        return f"lerp: input, end and weight of shapes {shapes} do not broadcast together (numpy rules)"


class NanToNum(Function):
    """a with NaN, +inf and -inf replaced by numbers;  d/da = 1 where a is finite, else 0 (as PyTorch)."""

    def forward(self, a: np.ndarray, nan: float, posinf: float | None, neginf: float | None) -> np.ndarray:
        self.saved = (np.isfinite(a),)
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.saved[0],)


# ---------------------------------------------------------------------------- functions
def sin(input: Any) -> Tensor:
    return Sin.apply(operand(input))


def cos(input: Any) -> Tensor:
    return Cos.apply(operand(input))


def tan(input: Any) -> Tensor:
    return Tan.apply(operand(input))


def sinh(input: Any) -> Tensor:
    return Sinh.apply(operand(input))


def cosh(input: Any) -> Tensor:
    return Cosh.apply(operand(input))


def asin(input: Any) -> Tensor:
    return Asin.apply(operand(input))


def acos(input: Any) -> Tensor:
    return Acos.apply(operand(input))


def atan(input: Any) -> Tensor:
    return Atan.apply(operand(input))


def log1p(input: Any) -> Tensor:
    return Log1p.apply(operand(input))


def expm1(input: Any) -> Tensor:
    return Expm1.apply(operand(input))


def log2(input: Any) -> Tensor:
    return Log2.apply(operand(input))


def log10(input: Any) -> Tensor:
    return Log10.apply(operand(input))


def rsqrt(input: Any) -> Tensor:
    return Rsqrt.apply(operand(input))


def reciprocal(input: Any) -> Tensor:
    return Reciprocal.apply(operand(input))


def erf(input: Any) -> Tensor:
    return Erf.apply(operand(input))


def sign(input: Any) -> Tensor:
    return Sign.apply(operand(input))


def floor(input: Any) -> Tensor:
    return Floor.apply(operand(input))


def ceil(input: Any) -> Tensor:
    return Ceil.apply(operand(input))


def trunc(input: Any) -> Tensor:
    return Trunc.apply(operand(input))


def round(input: Any, *, decimals: int = 0) -> Tensor:
    """Round to ``decimals`` places (negative: to tens, hundreds, ...), halves to even, as PyTorch."""
    return Round.apply(operand(input), decimals=int(decimals))


def square(input: Any) -> Tensor:
    """input * input."""
    input = operand(input)
    return input * input


def atan2(input: Any, other: Any) -> Tensor:
    """The angle of the point (other, input) in (-pi, pi], broadcasting."""
    return Atan2.apply(*operands(input, other))


def hypot(input: Any, other: Any) -> Tensor:
    """sqrt(input^2 + other^2), broadcasting."""
    return Hypot.apply(*operands(input, other))


def remainder(input: Any, other: Any) -> Tensor:
    """Python's %: input - floor(input / other) * other, with the sign of ``other``."""
    return Remainder.apply(*operands(input, other))


def fmod(input: Any, other: Any) -> Tensor:
    """C's fmod: input - trunc(input / other) * other, with the sign of ``input``."""
    return Fmod.apply(*operands(input, other))


def floor_divide(input: Any, other: Any) -> Tensor:
    """input // other, rounded down (Python's //). Not differentiable, as in PyTorch: no graph is recorded."""
    a, b = operands(input, other)
    return wrap(_rounded_quotient(a.array, b.array, "floor"))


def lerp(input: Any, end: Any, weight: Any) -> Tensor:
    """input + weight * (end - input), broadcasting all three; ``weight`` may be a number or a Tensor."""
    a, b = operands(input, end)
    w = weight if isinstance(weight, Tensor) else wrap(np.asarray(weight, dtype=a.dtype))
    if a.dtype.kind != "f":
        raise TypeError(f"lerp: input and end must be floating point, got {a.dtype}")
    return Lerp.apply(a, b, w)


def nan_to_num(
    input: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """NaN -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (by default the dtype's largest and smallest
    finite values, as PyTorch); integer tensors are returned unchanged in value."""
    return NanToNum.apply(operand(input), nan=nan, posinf=posinf, neginf=neginf)


def rounded_div(a: Tensor, b: Tensor, rounding_mode: str) -> Tensor:
    """``div(a, b, rounding_mode=...)``'s work: a / b rounded towards zero or down (gradient zero)."""
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
    return RoundedDiv.apply(a, b, rounding_mode=rounding_mode)


# ---------------------------------------------------------------------------- xlogy, logaddexp, frac, logit
class XLogY(_Binary):
    """x * log(y), 0 where x = 0 (even for y = 0), NaN where y is NaN (PyTorch's ``xlogy``);
    d/dx = log(y) where x != 0 else 0,  d/dy = x / y."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = _float(a), _float(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(a == 0, np.zeros((), a.dtype), a * np.log(b))
        return np.where(np.isnan(b), b, out).astype(np.result_type(a, b), copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        nonzero = wrap((a.array != 0).astype(g.dtype))
        return (
            sum_to(g * XLogY.apply(nonzero, b), a.shape) if a.requires_grad else None,
            sum_to(g * a / b, b.shape) if b.requires_grad else None,
        )


class LogAddExp(_Binary):
    """log(exp(a) + exp(b)) = max(a, b) + log1p(exp(-|a - b|)) (a where a = b = +-inf);
    d/da = sigmoid(a - b),  d/db = sigmoid(b - a)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = _float(a), _float(b)
        with np.errstate(invalid="ignore"):
            out = np.maximum(a, b) + np.log1p(np.exp(-np.abs(a - b)))
        return np.where(np.isinf(a) & (a == b), a, out)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g * sigmoid(a - b), a.shape) if a.requires_grad else None,
            sum_to(g * sigmoid(b - a), b.shape) if b.requires_grad else None,
        )


def xlogy(input: Any, other: Any) -> Tensor:
    """input * log(other), 0 where input = 0 (PyTorch's ``xlogy``), broadcasting; integers give float32."""
    return XLogY.apply(*operands(input, other))


def logaddexp(input: Any, other: Any) -> Tensor:
    """log(exp(input) + exp(other)) without overflow, broadcasting."""
    return LogAddExp.apply(*operands(input, other))


def frac(input: Any) -> Tensor:
    """The fractional part, with the sign of the input: input - trunc(input);  d/dinput = 1."""
    input = operand(input)
    return input - trunc(input)


def logit(input: Any, eps: float | None = None) -> Tensor:
    """log(z / (1 - z)) with z = input clamped to [eps, 1 - eps] when ``eps`` is given (PyTorch's ``logit``);
    d/dinput = 1 / (z (1 - z)), 0 outside [eps, 1 - eps]."""
    z = operand(input)
    if z.dtype.kind != "f":
        z = z.astype(get_default_dtype())
    if eps is not None:
        z = clip(z, eps, 1 - eps)
    with np.errstate(divide="ignore"):
        return log(z / (1 - z))
