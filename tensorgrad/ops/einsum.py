"""einsum: Einstein summation, ``einsum("ij,jk->ik", a, b)`` is ``a @ b``.

out[o] = sum over the letters not in the output of prod_k operand_k[letters of k].

The gradient of operand k is another einsum: the output's gradient times the other operands, summed to
operand k's letters. Two cases need more than that: a letter only operand k has (summed there, so its
gradient is the same along it: broadcast), and a repeated letter (``"ii->i"`` reads a diagonal: its gradient
is written back onto the diagonal). ``...`` is spelled out as letters first, broadcasting included.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, operand
from .shape import IndexAdd, broadcast_to, reshape, sum_to


def _explicit(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """The input letters (one string per operand) and output letters, with ``...`` and an implicit output
    spelled out (numpy's rules: the implicit output is the letters seen once, in alphabetical order)."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(
            f"einsum: the equation {equation!r} names {len(inputs)} operand(s), got {len(shapes)}"
        )
    used = set(equation) - set(".,->")
    free = [c for c in string.ascii_letters if c not in used]
    broadcast = 0
    for term, shape in zip(inputs, shapes):
        letters = len(term.replace("...", ""))
        if "..." in term:
            broadcast = max(broadcast, len(shape) - letters)
        elif letters != len(shape):
            raise ValueError(
                f"einsum: operand {term!r} of {equation!r} names {letters} dimension(s) but has shape {shape}"
            )
    ellipsis = "".join(free[:broadcast])
    spelled = []
    for term, shape in zip(inputs, shapes):
        if "..." in term:
            count = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[broadcast - count :] if count else "")
        spelled.append(term)
    if arrow:
        output = rhs.replace("...", ellipsis)
    else:
        letters = "".join(spelled)
        output = ellipsis + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        )
    return spelled, output


class Einsum(Function):
    """The einsum of explicit letters ``inputs -> output`` (see the module docstring)."""

    def forward(self, *arrays: np.ndarray, inputs: tuple[str, ...], output: str) -> np.ndarray:
        self.terms, self.output_letters = inputs, output
        equation = ",".join(inputs) + "->" + output
        return np.asarray(np.einsum(equation, *arrays, optimize=len(arrays) > 2))

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        grads = []
        for k, (x, term) in enumerate(zip(self.inputs, self.terms)):
            grads.append(self._grad(g, k, x, term) if x.requires_grad else None)
        return tuple(grads)

    def _grad(self, g: Tensor, k: int, x: Tensor, term: str) -> Tensor:
        sizes = {}
        for t, letters in zip(self.inputs, self.terms):
            sizes.update((c, n) for c, n in zip(letters, t.shape) if n != 1 or c not in sizes)
        others = [i for i in range(len(self.inputs)) if i != k]
        seen = set(self.output_letters).union(*(self.terms[i] for i in others))
        unique = "".join(dict.fromkeys(term))
        reached = "".join(c for c in unique if c in seen)
        grad = Einsum.apply(
            g,
            *(self.inputs[i] for i in others),
            inputs=(self.output_letters, *(self.terms[i] for i in others)),
            output=reached,
        )
        if reached != unique:  # letters summed in this operand alone: the gradient is constant along them
            grad = reshape(grad, tuple(grad.shape[reached.index(c)] if c in reached else 1 for c in unique))
            grad = broadcast_to(
                grad, tuple(grad.shape[i] if c in reached else sizes[c] for i, c in enumerate(unique))
            )
        if unique != term:  # a repeated letter reads a diagonal: write the gradient back onto it
            axes = {c: i for i, c in enumerate(unique)}
            index = tuple(
                np.arange(grad.shape[axes[c]]).reshape(
                    [-1 if i == axes[c] else 1 for i in range(len(unique))]
                )
                for c in term
            )
            shape = tuple(grad.shape[axes[c]] for c in term)
            grad = IndexAdd.apply(grad, index=index, shape=shape)
        return sum_to(grad, x.shape)

    @classmethod
    def explain(cls, err: Exception, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        equation = ",".join(params["inputs"]) + "->" + params["output"]
        return f"einsum: cannot apply {equation!r} to operands of shape {shapes}: {err}"


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation over ``operands`` (given one by one or as one list), as ``torch.einsum``."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [operand(t) for t in operands]
    floats = [t.dtype for t in tensors if t.dtype.kind == "f"]
    if floats:
        dtype = np.result_type(*floats)
        tensors = [t if t.dtype == dtype else t.astype(dtype) for t in tensors]
    inputs, output = _explicit(equation, [t.shape for t in tensors])
    return Einsum.apply(*tensors, inputs=tuple(inputs), output=output)
