"""Elementwise ops with numpy broadcasting.

Binary ops sum each input's gradient back to that input's shape with ``sum_to`` (the one broadcasting
helper). Backward formulas use Tensor ops, so they differentiate again under ``create_graph=True``; masks
(relu, clip, max) are constants, which is right because those functions are piecewise linear.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, get_default_dtype, lift, operand, operands, wrap
from .shape import sum_to


class _Binary(Function):
    """Shared error message: the inputs' shapes do not broadcast."""

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        a, b = (tuple(t.shape) for t in inputs)
        return (
            f"{cls.__name__.lower()}: shapes {a} and {b} do not broadcast: aligned from the right, "
            "each pair of dimensions must be equal or one of them 1 (numpy broadcasting rules). "
            "Reshape or unsqueeze one input so the dimensions line up."
        )


class Add(_Binary):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g, a.shape) if a.requires_grad else None,
            sum_to(g, b.shape) if b.requires_grad else None,
        )


class Sub(_Binary):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g, a.shape) if a.requires_grad else None,
            sum_to(-g, b.shape) if b.requires_grad else None,
        )


class Mul(_Binary):
    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        return (
            sum_to(g * b, a.shape) if a.requires_grad else None,
            sum_to(g * a, b.shape) if b.requires_grad else None,
        )


class Div(_Binary):
    """a / b;  d/da = 1/b,  d/db = -a/b^2."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a / b

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        ga = g / b
        return (
            sum_to(ga, a.shape) if a.requires_grad else None,
            sum_to(-ga * a / b, b.shape) if b.requires_grad else None,
        )


class Pow(_Binary):
    """a ** b;  d/da = b a^(b-1),  d/db = a^b log(a)."""

    save_output = True

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a**b

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        grad_b = None
        if b.requires_grad:  # at a = 0 the exponent's gradient is 0, as PyTorch's (not 0 * log 0 = nan)
            zero = a.array == 0
            base = where(zero, np.ones((), dtype=a.dtype), a) if zero.any() else a
            grad_b = sum_to(g * self.output() * log(base), b.shape)
        grad_a = None
        if a.requires_grad:  # where b = 0 the base's gradient is 0, as PyTorch's (not 0 * 0^-1 at a = 0)
            exponent = b - 1
            if (b.array == 0).any():  # b a^1 there: zero, without computing 0^-1
                exponent = where(b.array == 0, np.ones((), dtype=exponent.dtype), exponent)
            grad_a = sum_to(g * b * a**exponent, a.shape)
        return (grad_a, grad_b)


class Maximum(_Binary):
    """The larger of a and b; at ties the gradient is split equally (as PyTorch)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        share = (a > b) + 0.5 * (a == b)
        self.saved = (share.astype(np.result_type(a, b), copy=False),)
        return np.maximum(a, b)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        (share,) = self.saved
        return (
            sum_to(g * share, a.shape) if a.requires_grad else None,
            sum_to(g * (1 - share), b.shape) if b.requires_grad else None,
        )


class Minimum(_Binary):
    """The smaller of a and b; at ties the gradient is split equally (as PyTorch)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        share = (a < b) + 0.5 * (a == b)
        self.saved = (share.astype(np.result_type(a, b), copy=False),)
        return np.minimum(a, b)

    backward = Maximum.backward


class Where(Function):
    """where(cond, a, b): a where cond holds, else b. ``cond`` is a constant boolean array."""

    def forward(self, a: np.ndarray, b: np.ndarray, cond: np.ndarray) -> np.ndarray:
        self.cond = cond
        return np.where(cond, a, b)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        zero = np.zeros((), dtype=g.dtype)
        return (
            sum_to(where(self.cond, g, zero), a.shape) if a.requires_grad else None,
            sum_to(where(self.cond, zero, g), b.shape) if b.requires_grad else None,
        )

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        a, b = (tuple(t.shape) for t in inputs)
        return (
            f"where: condition {tuple(np.shape(params['cond']))}, x {a} and y {b} do not broadcast "
            "together (numpy broadcasting rules)"
        )


class Neg(Function):
    def forward(self, a: np.ndarray) -> np.ndarray:
        return -a

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (-g,)


class Abs(Function):
    """|a|;  d/da = sign(a) (0 at 0, as PyTorch)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.saved = (np.sign(a),)
        return np.abs(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.saved[0],)


class Exp(Function):
    """e^a;  d/da = e^a (the output)."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.exp(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.output(),)


class Log(Function):
    """ln a;  d/da = 1/a."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.log(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g / self.inputs[0],)


class Sqrt(Function):
    """sqrt(a);  d/da = 1 / (2 sqrt(a))."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.sqrt(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g / (2 * self.output()),)


class Tanh(Function):
    """tanh(a);  d/da = 1 - tanh(a)^2."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.tanh(a)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        y = self.output()
        return (g * (1 - y * y),)


class Sigmoid(Function):
    """1 / (1 + e^-a), computed without overflow;  d/da = s (1 - s)."""

    save_output = True

    def forward(self, a: np.ndarray) -> np.ndarray:
        # exp of a non-positive number only: e^-|a| never overflows
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        s = self.output()
        return (g * (s * (1 - s)),)


class ReLU(Function):
    """max(a, 0);  d/da = 1 where a > 0, else 0."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.saved = (a > 0,)
        return np.maximum(a, 0)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.saved[0],)


class LeakyReLU(Function):
    """a where a > 0, else slope * a;  d/da = 1 or slope."""

    def forward(self, a: np.ndarray, negative_slope: float) -> np.ndarray:
        factor = np.where(a > 0, 1, negative_slope).astype(a.dtype, copy=False)
        self.saved = (factor,)
        return a * factor

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.saved[0],)


class Clip(Function):
    """a limited to [low, high];  d/da = 1 inside (bounds included, as PyTorch), 0 outside."""

    def forward(self, a: np.ndarray, low: Any, high: Any) -> np.ndarray:
        inside = np.ones(a.shape, dtype=bool)
        if low is not None:
            inside &= a >= low
        if high is not None:
            inside &= a <= high
        self.saved = (inside,)
        return np.clip(a, low, high)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.saved[0],)


class Cast(Function):
    """A copy in another dtype; the gradient is cast back to the input's dtype."""

    def forward(self, a: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return a.astype(dtype)

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (astype(g, self.inputs[0].dtype),)


# ---------------------------------------------------------------------------- functions
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input + alpha * other, broadcasting (PyTorch's ``add``; ``alpha`` scales ``other``)."""
    a, b = operands(input, other)
    if alpha != 1:
        b = mul(b, alpha)
    return Add.apply(a, b)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input - alpha * other, broadcasting (PyTorch's ``sub``)."""
    a, b = operands(input, other)
    if alpha != 1:
        b = mul(b, alpha)
    return Sub.apply(a, b)


def mul(input: Any, other: Any) -> Tensor:
    """input * other, broadcasting."""
    a, b = operands(input, other)
    return Mul.apply(a, b)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other, broadcasting. True division always gives floating point (integers divide in float32,
    as PyTorch); ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient (keeping integer dtypes, with
    gradient zero)."""
    a, b = operands(input, other)
    if rounding_mode is not None:
        from .math import rounded_div

        return rounded_div(a, b, rounding_mode)
    if a.array.dtype.kind != "f":  # then b is not floating either (operands): int / int is float32
        dtype = get_default_dtype()
        a, b = wrap(a.array.astype(dtype)), wrap(b.array.astype(dtype))
    return Div.apply(a, b)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent, broadcasting; both may be Tensors that require grad (``pow(2, t)`` works too)."""
    a, b = operands(input, exponent)
    return Pow.apply(a, b)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum, broadcasting."""
    a, b = operands(a, b)
    return Maximum.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum, broadcasting."""
    a, b = operands(a, b)
    return Minimum.apply(a, b)


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """Elements of ``x`` where ``condition`` is true, else of ``y`` (broadcasting all three).

    ``where(condition)`` alone is PyTorch's ``nonzero(condition, as_tuple=True)``: a tuple of index Tensors.
    """
    cond = condition.array if isinstance(condition, Tensor) else np.asarray(condition)
    if x is None and y is None:
        return tuple(wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(np.atleast_1d(cond)))
    if cond.dtype != np.bool_:
        raise TypeError(f"where: the condition must be boolean, got dtype {cond.dtype}")
    x, y = operands(x, y)
    return Where.apply(x, y, cond=cond)


def masked_fill(x: Any, mask: Any, value: Any) -> Tensor:
    """PyTorch's ``masked_fill``: ``value`` where the boolean ``mask`` (broadcast to ``x``) is true, else
    ``x``; the gradient flows to ``x`` where the mask is false."""
    x = operand(x)
    cond = np.asarray(mask.array if isinstance(mask, Tensor) else mask)
    if cond.dtype != np.bool_:
        raise TypeError(f"masked_fill: the mask must be boolean, got dtype {cond.dtype}")
    try:
        cond = np.broadcast_to(cond, x.shape)
    except ValueError:
        raise ValueError(
            f"masked_fill: a mask of shape {cond.shape} does not broadcast to {x.shape}"
        ) from None
    return where(cond, lift(value, x), x)


def tril(x: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (``diagonal`` shifts it up), zeros above, as PyTorch."""
    return _triangle(x, diagonal, lower=True)


def triu(x: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (``diagonal`` shifts it up), zeros below, as PyTorch."""
    return _triangle(x, diagonal, lower=False)


def _triangle(x: Any, diagonal: int, lower: bool) -> Tensor:
    x = operand(x)
    if x.ndim < 2:
        raise ValueError(f"{'tril' if lower else 'triu'}: needs at least 2 dimensions, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    keep = (
        np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    )
    return where(np.broadcast_to(keep, x.shape), x, lift(0, x))


def neg(a: Tensor) -> Tensor:
    return Neg.apply(a)


def abs(a: Tensor) -> Tensor:
    return Abs.apply(a)


def exp(a: Tensor) -> Tensor:
    return Exp.apply(a)


def log(a: Tensor) -> Tensor:
    """Natural logarithm."""
    return Log.apply(a)


def sqrt(a: Tensor) -> Tensor:
    return Sqrt.apply(a)


def tanh(a: Tensor) -> Tensor:
    return Tanh.apply(a)


def sigmoid(a: Tensor) -> Tensor:
    """The logistic function 1 / (1 + e^-a)."""
    return Sigmoid.apply(a)


def relu(a: Tensor) -> Tensor:
    return ReLU.apply(a)


def leaky_relu(a: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyReLU.apply(a, negative_slope=negative_slope)


def clip(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """Limit values to [min, max] (either bound may be None; numbers or Tensors, broadcasting). PyTorch calls
    it ``clamp``. As PyTorch: where min > max the result is max; at a bound the gradient goes to ``input``;
    Tensor bounds receive the gradient where they are the result."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    a = operand(input)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if min is not None:
            low = lift(min, a)
            a = where(a.array >= low.array, a, low)
        if max is not None:
            high = lift(max, a)
            a = where(a.array <= high.array, a, high)
        return a
    return Clip.apply(a, low=min, high=max)


def astype(a: Tensor, dtype: Any) -> Tensor:
    """A copy of ``a`` in ``dtype``. Only floating results keep the graph."""
    dtype = np.dtype(dtype)
    if dtype == a.dtype:
        return a
    if dtype.kind != "f":
        return wrap(a.array.astype(dtype))
    return Cast.apply(a, dtype=dtype)


def clone(a: Tensor) -> Tensor:
    """A copy of ``a``'s data that stays in the graph (the gradient flows back to ``a``)."""
    if a.array.dtype.kind != "f":
        return wrap(a.array.copy())
    return Cast.apply(a, dtype=a.array.dtype)


def compare(op: np.ufunc, a: Any, b: Any) -> Tensor:
    """A boolean tensor from a comparison ufunc; never part of the graph."""
    a_data = a.array if isinstance(a, Tensor) else a
    b_data = b.array if isinstance(b, Tensor) else b
    try:
        return wrap(op(a_data, b_data))
    except ValueError:
        raise ValueError(
            f"{op.__name__}: shapes {np.shape(a_data)} and {np.shape(b_data)} do not broadcast"
        ) from None
