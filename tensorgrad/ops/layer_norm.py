"""Layer normalisation as one node: each sample is normalised over its last dimensions (``normalized_shape``),

    y = (x - mean) / sqrt(var + eps) * weight + bias,

with the mean and the biased variance of the values of one sample over those dimensions, and ``weight`` and
``bias`` of shape ``normalized_shape`` (PyTorch's ``F.layer_norm``). Unlike batch normalisation there are no
running statistics: training and evaluation compute the same thing.

``LayerNorm`` is one node with the compact gradient (n values per sample, sums over the normalised axes)

    xhat = (x - mean) * inv_std,   gx = g * weight,   dx = inv_std * (gx - mean(gx) - xhat * mean(gx * xhat)),
    d/dweight = sum over the other axes of g * xhat,   d/dbias = sum over the other axes of g,

instead of the ten nodes of its composition. As for batch normalisation, the backward reads ``xhat`` and
``inv_std`` as nodes that are functions of x (a ``LayerNorm`` without weight and bias handed the values
forward computed, and batch norm's ``InvStd``), so the gradient differentiates again (``gradgradcheck``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, as_array, operand, wrap
from .normalization import InvStd
from .reduce import Mean, Sum


class LayerNorm(Function):
    """y = xhat * weight + bias, xhat = (x - mean) * inv_std over the last ``normalized_ndim`` axes;
    ``weight`` and ``bias`` are optional inputs. ``stats`` = (xhat, inv_std) hands the values computed before
    (the backward's own xhat node): forward then returns xhat as it is."""

    def forward(
        self,
        x: np.ndarray,
        *affine: np.ndarray,
        normalized_ndim: int,
        eps: float,
        weighted: bool,
        biased: bool,
        stats: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        axes = tuple(range(x.ndim - normalized_ndim, x.ndim))
        self.axes, self.eps, self.weighted, self.biased = axes, eps, weighted, biased
        if stats is None:
            stats = _statistics(x, axes, eps)
        self.saved = stats
        xhat = stats[0]
        if not affine:
            return xhat
        out = xhat * affine[0] if weighted else xhat.copy()
        if biased:
            out += affine[-1]
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x = self.inputs[0]
        weight = self.inputs[1] if self.weighted else None
        bias = self.inputs[-1] if self.biased else None
        axes = self.axes
        grads: list[Tensor | None] = [None]
        xhat = inv_std = None
        if x.requires_grad or (weight is not None and weight.requires_grad):
            xhat, inv_std = _as_nodes(self)
        if x.requires_grad:
            gx = g if weight is None else g * weight
            g_mean = Mean.apply(gx, axes=axes, keepdims=True)
            gx_mean = Mean.apply(gx * xhat, axes=axes, keepdims=True)
            grads[0] = (gx - g_mean - xhat * gx_mean) * inv_std
        if weight is not None:
            grads.append(self._over_samples(g * xhat) if weight.requires_grad else None)
        if bias is not None:
            grads.append(self._over_samples(g) if bias.requires_grad else None)
        return tuple(grads)

    def _over_samples(self, t: Tensor) -> Tensor:
        """``t`` summed over the axes that are not normalised (the samples): a parameter's gradient."""
        lead = tuple(range(t.ndim - len(self.axes)))
        return Sum.apply(t, axes=lead, keepdims=False) if lead else t


def _statistics(x: np.ndarray, axes: tuple[int, ...], eps: float) -> tuple[np.ndarray, np.ndarray]:
    """(xhat, inv_std) over ``axes``, inv_std kept with 1 on them; in x's dtype (float32 stays float32)."""
    centred = x - x.mean(axis=axes, keepdims=True)
    var = np.square(centred).mean(axis=axes, keepdims=True)
    var += eps
    inv_std = np.sqrt(var, out=var)
    np.reciprocal(inv_std, out=inv_std)
    centred *= inv_std
    return centred, inv_std


def _as_nodes(fn: LayerNorm) -> tuple[Tensor, Tensor]:
    """xhat and inv_std as functions of the node's input x: the saved arrays as they are in an ordinary
    backward (no graph recorded, nothing recomputed), graph nodes under ``create_graph`` (so the gradient
    differentiates again)."""
    x = fn.inputs[0]
    xhat, inv_std = fn.saved
    ndim = len(fn.axes)
    return (
        LayerNorm.apply(
            x, normalized_ndim=ndim, eps=fn.eps, weighted=False, biased=False, stats=(xhat, inv_std)
        ),
        InvStd.apply(x, axes=fn.axes, xhat=xhat, inv_std=inv_std),
    )


# ---------------------------------------------------------------------------- function
def layer_norm(
    input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> Tensor:
    """Layer normalisation over the last ``len(normalized_shape)`` dimensions of ``input``, as PyTorch's
    ``F.layer_norm``: each sample's values there are shifted to mean 0 and scaled to variance 1 (the biased
    variance, plus ``eps``), then multiplied by ``weight`` and shifted by ``bias`` (both of shape
    ``normalized_shape``, optional)."""
    x = operand(input)
    shape = _normalized_shape(normalized_shape)
    if x.dtype.kind != "f":
        raise TypeError(f"layer_norm: input must be floating point, got dtype {x.dtype} (shape {x.shape})")
    if not shape or x.ndim < len(shape) or x.shape[x.ndim - len(shape) :] != shape:
        raise ValueError(
            f"layer_norm: normalized_shape={list(shape)} expects an input of shape "
            f"[*, {', '.join(map(str, shape))}] (the normalised dimensions last), got shape {x.shape}"
        )
    affine = []
    for name, value in (("weight", weight), ("bias", bias)):
        if value is None:
            continue
        t = value if isinstance(value, Tensor) else wrap(as_array(value, x.dtype))
        if t.shape != shape:
            raise ValueError(
                f"layer_norm: {name} has shape {t.shape} but normalized_shape is {shape}: expected "
                f"{name} of shape {shape}"
            )
        affine.append(t)
    if math.prod(shape) == 0:
        raise ValueError(f"layer_norm: normalized_shape={shape} has no values to normalise")
    return LayerNorm.apply(
        x, *affine, normalized_ndim=len(shape), eps=eps, weighted=weight is not None, biased=bias is not None
    )


def _normalized_shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    try:
        shape = tuple(int(n) for n in value)
    except TypeError:
        raise TypeError(
            f"layer_norm: normalized_shape must be an int or a sequence of ints, got {value!r}"
        ) from None
    return shape
