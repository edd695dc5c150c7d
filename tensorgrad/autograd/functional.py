"""Derivatives of whole functions, as ``torch.autograd.functional``: Jacobians, Hessians and their products.

For ``f: R^n -> R^m`` with Jacobian ``J`` (``J[i, j] = d f_i / d x_j``) and, for scalar ``f``, Hessian ``H``:

    vjp(f, x, v) = v^T J        one backward pass (reverse mode)
    jvp(f, x, v) = J v          two backward passes: u -> u^T J is linear in u, so d(u^T J v)/du = J v
    jacobian(f, x) = J          one vjp per output element (rows of J), shape out.shape + in.shape
    hessian(f, x) = H           the Jacobian of the gradient, shape in.shape + in.shape
    vhp(f, x, v) = v^T H        the gradient with create_graph, then one more backward
    hvp(f, x, v) = H v          jvp of the gradient (equal to vhp when f is twice differentiable)

Conventions are PyTorch's: ``inputs`` (and ``v``) may be a Tensor or a tuple of Tensors, and results follow
the same structure (a tuple in, a tuple out; for ``jacobian`` of a tuple of outputs, one entry per output;
for ``hessian`` of tuple inputs, ``H[i][j]``). ``vjp``, ``jvp``, ``vhp`` and ``hvp`` return
``(f(inputs), result)``. Without ``create_graph`` the results are cut from the graph; with it they can be
differentiated again. An input that the outputs do not depend on gets zeros, or an error under ``strict``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor, wrap
from . import grad_mode
from .engine import grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def vjp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """``(func(inputs), v^T J)``: the vector-Jacobian product (``v`` may be omitted for a scalar output)."""
    is_tuple, xs = _as_inputs("vjp", inputs, create_graph)
    with grad_mode.enable_grad():
        out = func(*xs)
        out_tuple, outs = _as_outputs("vjp", out)
        vs = _vectors("vjp", v, outs, "outputs of func")
        result = _grads("vjp", outs, xs, vs, create_graph, strict)
    return _pack(out_tuple, _detached(outs, create_graph)), _pack(is_tuple, result)


def jvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double-vjp trick (see the module doc)."""
    _, xs = _as_inputs("jvp", inputs, create_graph)
    vs = _vectors("jvp", v, xs, "inputs")
    with grad_mode.enable_grad():
        out = func(*xs)
        out_tuple, outs = _as_outputs("jvp", out)
        result = _jvp(outs, xs, vs, create_graph, strict)
    return _pack(out_tuple, _detached(outs, create_graph)), _pack(out_tuple, result)


def jacobian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: for one output and one input, a Tensor of shape
    ``out.shape + in.shape``; tuples of them otherwise (``J[i][j]`` for output i, input j). ``vectorize`` and
    ``strategy`` are accepted for PyTorch's signature; the result is the same either way (rows by reverse
    mode)."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")
    is_tuple, xs = _as_inputs("jacobian", inputs, create_graph)
    with grad_mode.enable_grad():
        out_tuple, outs = _as_outputs("jacobian", func(*xs))
        blocks = [_jacobian_of(o, i, xs, create_graph, strict) for i, o in enumerate(outs)]
    rows = [_pack(is_tuple, tuple(b)) for b in blocks]
    return _pack(out_tuple, tuple(rows))


def hessian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``func`` at ``inputs``: shape ``in.shape + in.shape`` for one input (``(n, n)``
    for a vector), ``H[i][j]`` of shape ``in_i.shape + in_j.shape`` for a tuple of inputs."""
    is_tuple, xs = _as_inputs("hessian", inputs, create_graph)

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        out = _scalar_output("hessian", func(*args))
        return _grads("hessian", (out,), args, (None,), True, strict)

    with grad_mode.enable_grad():
        blocks = jacobian(gradient, xs, create_graph=create_graph, strict=strict)
    return _pack(is_tuple, tuple(_pack(is_tuple, row) for row in blocks))


def vhp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Tensor, Any]:
    """``(func(inputs), v^T H)`` for a scalar ``func``: the gradient with a graph, then one more backward."""
    is_tuple, xs = _as_inputs("vhp", inputs, create_graph)
    vs = _vectors("vhp", v, xs, "inputs")
    with grad_mode.enable_grad():
        out = _scalar_output("vhp", func(*xs))
        gs = _grads("vhp", (out,), xs, (None,), True, strict)
        result = _grads("vhp", gs, xs, vs, create_graph, strict)
    return _detached((out,), create_graph)[0], _pack(is_tuple, result)


def hvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Tensor, Any]:
    """``(func(inputs), H v)`` for a scalar ``func``: the Jacobian-vector product of its gradient."""
    is_tuple, xs = _as_inputs("hvp", inputs, create_graph)
    vs = _vectors("hvp", v, xs, "inputs")
    with grad_mode.enable_grad():
        out = _scalar_output("hvp", func(*xs))
        gs = _grads("hvp", (out,), xs, (None,), True, strict)
        result = _jvp(gs, xs, vs, create_graph, strict)
    return _detached((out,), create_graph)[0], _pack(is_tuple, result)


# ---------------------------------------------------------------------------- helpers
def _as_inputs(op: str, inputs: Any, create_graph: bool) -> tuple[bool, tuple[Tensor, ...]]:
    """The inputs as fresh tensors requiring grad: linked to the caller's (``clone``) when ``create_graph``
    and they require grad, so the results can be differentiated with respect to them; detached otherwise."""
    is_tuple = isinstance(inputs, (tuple, list))
    items = tuple(inputs) if is_tuple else (inputs,)
    for i, x in enumerate(items):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"{op}: inputs must be a Tensor or a tuple of Tensors; input {i} is {type(x).__name__}"
            )
        if x.dtype.kind != "f":
            raise TypeError(f"{op}: input {i} is {x.dtype}; only floating-point inputs can be differentiated")
    with grad_mode.enable_grad():
        xs = tuple(
            x.clone() if create_graph and x.requires_grad else x.detach().requires_grad_() for x in items
        )
    return is_tuple, xs


def _as_outputs(op: str, out: Any) -> tuple[bool, tuple[Tensor, ...]]:
    is_tuple = isinstance(out, (tuple, list))
    outs = tuple(out) if is_tuple else (out,)
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(
                f"{op}: func must return a Tensor or a tuple of Tensors; output {i} is {type(o).__name__}"
            )
    return is_tuple, outs


def _scalar_output(op: str, out: Any) -> Tensor:
    if not isinstance(out, Tensor) or out.size != 1:
        what = f"shape {tuple(out.shape)}" if isinstance(out, Tensor) else type(out).__name__
        raise RuntimeError(f"{op}: func must return a single Tensor with one element (a scalar), got {what}")
    return out


def _vectors(op: str, v: Any, like: tuple[Tensor, ...], what: str) -> tuple[Tensor | None, ...]:
    """``v`` as one Tensor per entry of ``like``, each of its shape (None allowed for one-element entries)."""
    if v is None:
        if all(t.size == 1 for t in like):
            return (None,) * len(like)
        raise RuntimeError(f"{op}: v can only be omitted when the {what} have a single element each")
    vs = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(vs) != len(like):
        raise RuntimeError(f"{op}: v has {len(vs)} entries but there are {len(like)} {what}")
    for i, (vi, t) in enumerate(zip(vs, like)):
        if not isinstance(vi, Tensor) or vi.shape != t.shape:
            got = f"shape {tuple(vi.shape)}" if isinstance(vi, Tensor) else type(vi).__name__
            raise RuntimeError(
                f"{op}: v[{i}] must be a Tensor of shape {tuple(t.shape)} (like the {what}), got {got}"
            )
    return vs


def _grads(
    op: str,
    outs: tuple[Tensor, ...],
    xs: tuple[Tensor, ...],
    vs: tuple[Tensor | None, ...],
    create_graph: bool,
    strict: bool,
) -> tuple[Tensor, ...]:
    """sum_k v_k^T d outs_k / d xs, one Tensor per input (zeros where unused; an error under ``strict``)."""
    pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if strict and len(pairs) < len(outs):
        raise RuntimeError(
            f"{op}: an output of func does not require grad (it does not depend on the inputs); "
            "strict=True asks for outputs computed differentiably from the inputs"
        )
    found: tuple[Tensor | None, ...] = (None,) * len(xs)
    if pairs:
        found = grad(
            [o for o, _ in pairs],
            list(xs),
            grad_outputs=[v for _, v in pairs],
            retain_graph=True,
            create_graph=create_graph,
            allow_unused=True,
        )
    result = []
    for i, (x, g) in enumerate(zip(xs, found)):
        if g is None:
            if strict:
                raise RuntimeError(f"{op}: the output does not depend on input {i}, and strict=True")
            g = wrap(np.zeros(x.shape, dtype=x.dtype))
        result.append(g if create_graph else g.detach())
    return tuple(result)


def _jvp(
    outs: tuple[Tensor, ...],
    xs: tuple[Tensor, ...],
    vs: tuple[Tensor | None, ...],
    create_graph: bool,
    strict: bool,
) -> tuple[Tensor, ...]:
    """J v by the double-vjp trick: g(u) = u^T J is linear in u, so d(g(u) . v)/du = J v."""
    us = tuple(wrap(np.zeros(o.shape, dtype=o.dtype), True) for o in outs)
    gs = _grads("jvp", outs, xs, us, True, strict)
    vs = tuple(wrap(np.ones(x.shape, dtype=x.dtype)) if v is None else v for v, x in zip(vs, xs))
    return _grads("jvp", gs, us, vs, create_graph, strict)


def _jacobian_of(
    out: Tensor, index: int, xs: tuple[Tensor, ...], create_graph: bool, strict: bool
) -> list[Tensor]:
    """The blocks d out / d x_j (shape out.shape + x_j.shape), one backward pass per element of ``out``."""
    rows: list[list[Tensor]] = [[] for _ in xs]
    for k in range(out.size):
        onehot = np.zeros(out.size, dtype=out.dtype)
        onehot[k] = 1
        for j, g in enumerate(
            _grads("jacobian", (out,), xs, (wrap(onehot.reshape(out.shape)),), create_graph, strict)
        ):
            rows[j].append(g)
    from ..ops import stack

    blocks = []
    for x, row in zip(xs, rows):
        block = stack(row) if row else wrap(np.zeros((0, *x.shape), dtype=x.dtype))
        blocks.append(block.reshape(*out.shape, *x.shape))
    return blocks


def _detached(outs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    return outs if create_graph else tuple(o.detach() for o in outs)


def _pack(is_tuple: bool, values: tuple[Any, ...]) -> Any:
    return tuple(values) if is_tuple else values[0]
