"""Batch normalisation and dropout, as functions (the layers in ``tensorgrad.nn`` hold their state).

``batch_norm`` normalises each channel (dimension 1) with statistics over every other dimension:

    y = (x - mean) / sqrt(var + eps) * weight + bias.

In training it uses the batch's mean and biased variance, and updates the running averages in place
(running = (1 - momentum) running + momentum * batch statistic, with the unbiased variance, as PyTorch);
in evaluation it uses the running averages, so it is a fixed per-channel affine map.

Training mode is one node, ``BatchNorm`` (normalisation, weight and bias), with the compact gradient

    dx = inv_std * weight * (g - mean(g) - xhat * mean(g * xhat)),    xhat = (x - mean) * inv_std,

instead of the eleven nodes of its composition (mean, sub, mul, mean, add, sqrt, div, reshape, mul, ...):
five passes over the data in backward instead of about twelve. The backward uses ``xhat`` and ``inv_std``
as nodes that are functions of x (``BatchNorm`` and ``InvStd`` handed the values forward computed), so the
gradient differentiates again.

``dropout`` zeroes each element with probability p and scales the rest by 1 / (1 - p) ("inverted"
dropout: nothing to rescale at evaluation), drawing from tensorgrad's shared generator (``tg.manual_seed``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..random import generator
from ..tensor import Tensor, as_array, wrap
from .reduce import sum
from .shape import reshape


class BatchNorm(Function):
    """y = xhat * weight + bias per channel, xhat = (x - mean) * inv_std, with the batch's mean and biased
    variance over ``axes`` and inv_std = 1 / sqrt(var + eps). The caller computes xhat and inv_std (it needs
    the statistics for the running averages); ``weight`` and ``bias`` are optional inputs. With n values per
    channel and sums over ``axes``:

        d/dbias = sum(g),   d/dweight = sum(g * xhat),
        d/dx = inv_std * weight * (g - sum(g) / n - xhat * sum(g * xhat) / n).
    """

    def forward(
        self,
        x: np.ndarray,
        *affine: np.ndarray,
        axes: tuple[int, ...],
        xhat: np.ndarray,
        inv_std: np.ndarray,
        weighted: bool,
        biased: bool,
    ) -> np.ndarray:
        self.axes, self.weighted, self.biased = axes, weighted, biased
        self.saved = (xhat, inv_std)
        if not affine:
            return xhat
        out = xhat * affine[0].reshape(inv_std.shape) if weighted else xhat.copy()
        if biased:
            out += affine[-1].reshape(inv_std.shape)
        return out

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        x = self.inputs[0]
        weight = self.inputs[1] if self.weighted else None
        bias = self.inputs[-1] if self.biased else None
        xhat, inv_std = _as_nodes(self)
        axes, count = self.axes, x.array.size // inv_std.array.size
        g_sum = sum(g, axes, keepdims=True)
        g_xhat = None
        if x.requires_grad or (weight is not None and weight.requires_grad):
            g_xhat = sum(g * xhat, axes, keepdims=True)
        grads: list[Tensor | None] = [None]
        if x.requires_grad:
            scale = inv_std if weight is None else inv_std * reshape(weight, inv_std.shape)
            grads[0] = (g - g_sum / count - xhat * (g_xhat / count)) * scale
        if weight is not None:
            grads.append(reshape(g_xhat, weight.shape) if weight.requires_grad else None)
        if bias is not None:
            grads.append(reshape(g_sum, bias.shape) if bias.requires_grad else None)
        return tuple(grads)


class InvStd(Function):
    """inv_std = 1 / sqrt(var + eps) per channel (shape with 1 on ``axes``), value from the caller;

    d/dx = -g * inv_std^2 * xhat / n   (n: the number of values per channel).
    """

    def forward(
        self, x: np.ndarray, axes: tuple[int, ...], xhat: np.ndarray, inv_std: np.ndarray
    ) -> np.ndarray:
        self.axes = axes
        self.saved = (xhat, inv_std)
        return inv_std

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        xhat, inv_std = _as_nodes(self)
        count = self.inputs[0].array.size // inv_std.array.size
        return (g * inv_std * inv_std * xhat * (-1.0 / count),)


def _as_nodes(fn: Function) -> tuple[Tensor, Tensor]:
    """xhat and inv_std as functions of the node's input x: the saved arrays as they are in an ordinary
    backward (no graph recorded, nothing recomputed), graph nodes under ``create_graph`` (so the gradient
    differentiates again)."""
    x = fn.inputs[0]
    xhat, inv_std = fn.saved
    return (
        BatchNorm.apply(x, axes=fn.axes, xhat=xhat, inv_std=inv_std, weighted=False, biased=False),
        InvStd.apply(x, axes=fn.axes, xhat=xhat, inv_std=inv_std),
    )


class Dropout(Function):
    """x * mask, the mask (0 or 1 / (1 - p) per element, or per channel) a constant drawn before;
    d/dx = mask (broadcast to x)."""

    def forward(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        self.saved = (mask,)
        return x * mask

    def backward(self, g: Tensor) -> tuple[Tensor | None, ...]:
        return (g * self.saved[0],)


# ---------------------------------------------------------------------------- functions
def batch_norm(
    input: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over dimension 1 (channels) of an input of shape (N, C), (N, C, L) or
    (N, C, H, W), as PyTorch's ``F.batch_norm``.

    ``running_mean`` / ``running_var``: numpy arrays of shape (C,) (or Tensors: their ``.array``), or None.
    ``training=True`` normalises with the batch's statistics and, when they are given, updates them in
    place: running = (1 - momentum) running + momentum * batch statistic (unbiased variance).
    ``training=False`` normalises with them. ``weight`` and ``bias`` (shape (C,)) scale and shift the result.
    """
    x = input if isinstance(input, Tensor) else wrap(as_array(input))
    if x.ndim < 2:
        raise ValueError(
            f"batch_norm: expected input of shape (N, C), (N, C, L) or (N, C, H, W), got shape {x.shape}"
        )
    if x.dtype.kind != "f":
        raise TypeError(f"batch_norm: input must be floating point, got dtype {x.dtype}")
    channels = x.shape[1]
    run_mean = _running("running_mean", running_mean, x)
    run_var = _running("running_var", running_var, x)
    w = _affine("weight", weight, x)
    b = _affine("bias", bias, x)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    axes = (0, *range(2, x.ndim))
    if training:
        count = x.array.size // channels
        if count <= 1:
            raise ValueError(
                f"batch_norm: Expected more than 1 value per channel when training, got input of shape "
                f"{x.shape}"
            )
        batch_mean = x.array.mean(axis=axes, keepdims=True)
        xhat = x.array - batch_mean
        var = (xhat * xhat).mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat *= inv_std
        if run_mean is not None:
            run_mean *= 1 - momentum
            run_mean += momentum * batch_mean.reshape(channels)
        if run_var is not None:
            run_var *= 1 - momentum
            run_var += momentum * count / (count - 1) * var.reshape(channels)
        affine = [t for t in (w, b) if t is not None]
        return BatchNorm.apply(
            x, *affine, axes=axes, xhat=xhat, inv_std=inv_std, weighted=w is not None, biased=b is not None
        )
    if run_mean is None or run_var is None:
        raise ValueError(
            "batch_norm: running_mean and running_var must be given when training=False (evaluation "
            "normalises with them); pass training=True to normalise with the batch's statistics"
        )
    # evaluation: y = x * scale + shift, scale = weight / sqrt(running_var + eps), shift = bias - mean * scale
    scale: Any = (1.0 / np.sqrt(run_var + eps)).astype(x.dtype).reshape(shape)
    if w is not None:
        scale = reshape(w, shape) * scale
    shift = -run_mean.astype(x.dtype).reshape(shape) * scale
    if b is not None:
        shift = shift + reshape(b, shape)
    return x * scale + shift


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: each element is zeroed with probability ``p``, the others scaled by 1 / (1 - p),
    so the expected value is unchanged. The input itself when not training or p = 0; zeros when p = 1.

    The mask comes from tensorgrad's shared generator: ``tg.manual_seed`` makes it reproducible.
    ``inplace`` is accepted for PyTorch code; the result is always a new Tensor.
    """
    return _dropout("dropout", input, p, training, channels=False)


def feature_dropout(
    input: Any, p: float = 0.5, training: bool = True, inplace: bool = False, *, op: str = "dropout2d"
) -> Tensor:
    """Channel dropout (PyTorch's ``dropout1d``/``dropout2d``/``dropout3d``): each whole channel
    ``x[n, c]`` is zeroed with probability ``p``, the others scaled by 1 / (1 - p), so neighbouring
    (correlated) pixels of a feature map are dropped together. Input (N, C, ...)."""
    return _dropout(op, input, p, training, channels=True)


def dropout1d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of an (N, C, L) input: see ``feature_dropout``."""
    return feature_dropout(input, p, training, op="dropout1d")


def dropout2d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of an (N, C, H, W) input: see ``feature_dropout``."""
    return feature_dropout(input, p, training, op="dropout2d")


def dropout3d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of an (N, C, D, H, W) input: see ``feature_dropout``."""
    return feature_dropout(input, p, training, op="dropout3d")


def _dropout(op: str, input: Any, p: float, training: bool, channels: bool) -> Tensor:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: probability p must be in [0, 1], got {p}")
    x = input if isinstance(input, Tensor) else wrap(as_array(input))
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {x.dtype} (shape {x.shape})")
    if channels and x.ndim < 2:
        raise ValueError(f"{op}: expects an input of shape (N, C, ...), got shape {x.shape}")
    if not training or p == 0:
        return x
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if channels else x.shape
    if p == 1:
        mask = np.zeros(shape, x.dtype)
    else:
        mask = (generator().random(shape, dtype=np.float32) >= p).astype(x.dtype)
        mask *= 1 / (1 - p)
    return Dropout.apply(x, mask=mask)


# ---------------------------------------------------------------------------- helpers
def _running(name: str, value: Any, x: Tensor) -> np.ndarray | None:
    """A running statistic as the array to read and update in place (shape (C,)), or None."""
    if value is None:
        return None
    array = value.array if isinstance(value, Tensor) else value
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        raise TypeError(
            f"batch_norm: {name} must be a floating numpy array or Tensor of shape ({x.shape[1]},) (it is "
            f"updated in place), got {type(value).__name__}"
        )
    if array.shape != (x.shape[1],):
        raise ValueError(
            f"batch_norm: {name} has shape {array.shape} but the input of shape {x.shape} has {x.shape[1]} "
            f"channels (dimension 1): expected shape ({x.shape[1]},)"
        )
    return array


def _affine(name: str, value: Any, x: Tensor) -> Tensor | None:
    if value is None:
        return None
    t = value if isinstance(value, Tensor) else wrap(as_array(value, x.dtype))
    if t.shape != (x.shape[1],):
        raise ValueError(
            f"batch_norm: {name} has shape {t.shape} but the input of shape {x.shape} has {x.shape[1]} "
            f"channels (dimension 1): expected shape ({x.shape[1]},)"
        )
    return t
