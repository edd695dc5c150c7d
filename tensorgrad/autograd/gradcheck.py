"""Numerical gradient checks: compare backward's gradients with central finite differences.

The rule, for every element i of every input x that requires grad:

    |analytic_i - numeric_i| <= atol + rtol * |numeric_i|,
    numeric_i = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps),

where f is the function's output projected on a fixed random vector v (sum(v * out) over all outputs), and
analytic_i is the gradient of the same projection computed by backward. A random v checks every output's
gradient at once (an error cancels only with probability zero) and needs one backward pass instead of one
per output element. Inputs must be float64: float32 differences are too coarse to test anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor, wrap
from . import grad_mode
from .engine import grad


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def gradcheck(
    fn: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check ``fn``'s first derivatives w.r.t. every input that requires grad. Returns True if they agree.

    ``fn(*inputs)`` returns a Tensor or a tuple of Tensors. On disagreement raises ``GradcheckError``
    naming the input, the element index and both values (or returns False if ``raise_exception=False``).
    """
    args, checked = _checked_inputs(inputs)
    rng = np.random.default_rng(seed)
    outputs = _as_tuple(fn(*args))
    projections = [rng.standard_normal(o.shape) for o in outputs]

    def projected(*values: Any) -> float:
        return float(sum(np.sum(v * o.array) for v, o in zip(projections, _as_tuple(fn(*values)))))

    differentiable = [(o, v) for o, v in zip(outputs, projections) if o.requires_grad]
    if differentiable:
        analytic = grad(
            [o for o, _ in differentiable],
            [args[i] for i in checked],
            grad_outputs=[wrap(v.astype(o.dtype)) for o, v in differentiable],
            allow_unused=True,
        )
    else:
        analytic = (None,) * len(checked)

    for i, g in zip(checked, analytic):
        x = args[i]
        numeric = _numeric_gradient(projected, args, x, eps)
        got = np.zeros(x.shape) if g is None else g.array
        bad = np.abs(got - numeric) > atol + rtol * np.abs(numeric)
        if bad.any():
            index = tuple(int(k) for k in np.argwhere(bad)[0])
            message = (
                f"gradcheck: the gradient of input {i} (shape {x.shape}) is wrong at element {index}: "
                f"analytic {float(got[index]):.6g} vs numeric {float(numeric[index]):.6g} "
                f"(rule |a - n| <= atol + rtol*|n|, atol={atol}, rtol={rtol}); "
                f"{int(bad.sum())} of {bad.size} elements disagree"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check second derivatives: gradcheck of the map (inputs, v) -> grad(fn(inputs), inputs, v).

    The gradient is taken with ``create_graph=True``, so this checks that each backward formula is itself
    differentiated correctly.
    """
    args, checked = _checked_inputs(inputs)
    rng = np.random.default_rng(seed + 1)
    with grad_mode.no_grad():
        outputs = _as_tuple(fn(*args))
    weights = [Tensor(rng.standard_normal(o.shape), dtype=np.float64, requires_grad=True) for o in outputs]
    count = len(args)

    def first_derivatives(*values: Any) -> tuple[Tensor, ...]:
        xs, vs = values[:count], values[count:]
        with grad_mode.enable_grad():  # also inside gradcheck's no_grad finite differences
            return _first_derivatives(xs, vs)

    def _first_derivatives(xs: tuple[Any, ...], vs: tuple[Any, ...]) -> tuple[Tensor, ...]:
        outs = _as_tuple(fn(*xs))
        pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        grads = grad(
            [o for o, _ in pairs],
            [xs[i] for i in checked],
            grad_outputs=[v for _, v in pairs],
            create_graph=True,
            allow_unused=True,
        )
        # a gradient without a graph (a backward computed in numpy) stays in, as a constant: the finite
        # differences then see it change while its analytic derivative is zero, and the check fails
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_derivatives, (*args, *weights), eps, atol, rtol, raise_exception=raise_exception, seed=seed
    )


def _checked_inputs(inputs: Tensor | Sequence[Any]) -> tuple[tuple[Any, ...], list[int]]:
    """The arguments as a tuple, and the positions of those to check (float64 tensors requiring grad)."""
    args = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    for i in checked:
        if args[i].dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} is {args[i].dtype}; use float64 inputs "
                "(e.g. tg.tensor(x, dtype=tg.float64, requires_grad=True)) - finite differences in "
                "float32 are too coarse to check anything"
            )
    return args, checked


def _numeric_gradient(
    projected: Callable[..., float], args: tuple[Any, ...], x: Tensor, eps: float
) -> np.ndarray:
    numeric = np.zeros(x.shape)
    if x.size == 0:
        return numeric
    flat = x.array.reshape(-1)  # a view: perturbing it perturbs x
    if not np.shares_memory(flat, x.array):
        raise ValueError("gradcheck: inputs must be contiguous arrays")
    with grad_mode.no_grad():
        for k in range(flat.size):
            original = flat[k]
            flat[k] = original + eps
            plus = projected(*args)
            flat[k] = original - eps
            minus = projected(*args)
            flat[k] = original
            numeric.flat[k] = (plus - minus) / (2 * eps)
    return numeric


def _as_tuple(out: Any) -> tuple[Tensor, ...]:
    if isinstance(out, Tensor):
        return (out,)
    if isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out):
        return tuple(out)
    raise TypeError(
        f"gradcheck: the function must return a Tensor or a tuple of Tensors, got {type(out).__name__}"
    )
