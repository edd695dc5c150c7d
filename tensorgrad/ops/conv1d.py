"""1-D convolution over (N, C, L) sequences (PyTorch's ``F.conv1d``), as 2-D convolution over images of unit
height.

A sequence (N, C, L) is the image (N, C, 1, L) and a kernel (C_out, C_in, k) the kernel (C_out, C_in, 1, k),
so the window's rows are (kernel 1, stride 1, padding 0, dilation 1) and its columns are the sequence's:

    out[n, o, t] = bias[o] + sum_{c, j} weight[o, c, j] * xpad[n, c, t*s + j*d]

with L_out = (L + 2p - d(k - 1) - 1) // s + 1. Without groups that is conv2d's ``Conv2D`` node (its fast
batch-last GEMM and its backward, to any order). With ``groups`` g the channels split into g blocks, block i
of the output reading block i of the input only: the window's columns (conv.py's ``Im2col``, its backward
``Col2im``) are multiplied by each group's weight in one batched matrix product,

    out[n, i] = weight[i] (C_out/g, C_in/g * k) @ cols[n, i] (C_in/g * k, L_out),

so that every derivative comes from nodes that differentiate again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, operand
from ._conv_fast import Conv2D
from .conv import Im2col
from .shape import pad_last, reshape
from .window import Window


def conv1d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution (cross-correlation, as in PyTorch) of ``input`` (N, C_in, L), or one sequence (C_in,
    L), with ``weight`` (C_out, C_in / groups, k), plus ``bias`` (C_out,) if given (see the module docstring).

    ``stride``, ``padding`` (zeros) and ``dilation`` are ints or 1-tuples; ``padding`` also takes "valid" (no
    padding) or "same" (L_out = L, stride 1; an odd number of padded zeros puts the extra one on the right,
    as PyTorch). Returns (N, C_out, L_out), or (C_out, L_out) for one sequence."""
    x, w = operand(input), operand(weight)
    if w.ndim != 3:
        raise ValueError(f"conv1d: weight must be 3-D (C_out, C_in / groups, k), got shape {tuple(w.shape)}")
    if x.ndim not in (2, 3):
        raise ValueError(
            f"conv1d: expected a 3-D input (N, C, L) (or 2-D (C, L) for a single sequence), got shape "
            f"{tuple(x.shape)}"
        )
    groups = positive_int("conv1d", "groups", groups)
    c_out, c_group, k = w.shape
    channels = x.shape[-2]
    if channels != c_group * groups:
        raise ValueError(
            f"conv1d: input has {channels} channels but weight {tuple(w.shape)} with groups={groups} expects "
            f"{c_group * groups} (input shape {tuple(x.shape)}; weight is (C_out, C_in / groups, k))"
        )
    if c_out % groups:
        raise ValueError(
            f"conv1d: weight {tuple(w.shape)} has {c_out} output channels, which groups={groups} does not "
            "divide"
        )
    b = None if bias is None else operand(bias)
    if b is not None and tuple(b.shape) != (c_out,):
        raise ValueError(
            f"conv1d: bias has shape {tuple(b.shape)} but weight {tuple(w.shape)} has {c_out} output "
            f"channels; expected bias of shape ({c_out},)"
        )
    stride = single("conv1d", "stride", stride, minimum=1)
    dilation = single("conv1d", "dilation", dilation, minimum=1)
    left, right = conv1d_padding("conv1d", padding, k, stride, dilation)
    unbatched = x.ndim == 2
    if unbatched:
        x = reshape(x, (1, *x.shape))
    if right != left:  # "same" with an odd total: the extra zero goes on the right
        x = pad_last(x, (0, right - left))
    length = x.shape[2]
    span = dilation * (k - 1) + 1
    if length + 2 * left < span:
        raise ValueError(
            f"conv1d: the kernel of size {k} (dilation {dilation}, so it spans {span}) is longer than the "
            f"padded input ({length + 2 * left}: input shape {tuple(x.shape)}, padding {left}); use a "
            "smaller kernel or dilation, more padding, or a longer input"
        )
    window = Window((1, k), (1, stride), (0, left), (1, dilation))
    image = reshape(x, (x.shape[0], channels, 1, length))
    if groups == 1:
        kernel = reshape(w, (c_out, c_group, 1, k))
        out = (
            Conv2D.apply(image, kernel, window=window)
            if b is None
            else Conv2D.apply(image, kernel, b, window=window)
        )
        out = reshape(out, (out.shape[0], c_out, out.shape[3]))
    else:
        out = _grouped(image, w, b, window, groups)
    return reshape(out, out.shape[1:]) if unbatched else out


def _grouped(image: Tensor, weight: Tensor, bias: Tensor | None, window: Window, groups: int) -> Tensor:
    """out[n, i] = weight[i] @ cols[n, i] for each group i (see the module docstring): (N, C_out, L_out)."""
    cols = Im2col.apply(image, window=window)  # (N, C_in, 1, k, 1, L_out)
    n, length = cols.shape[0], cols.shape[-1]
    c_out = weight.shape[0]
    per_group = reshape(cols, (n, groups, -1, length))  # (N, g, C_in/g * k, L_out)
    out = reshape(weight, (groups, c_out // groups, -1)) @ per_group  # (N, g, C_out/g, L_out)
    out = reshape(out, (n, c_out, length))
    return out if bias is None else out + reshape(bias, (c_out, 1))


# ---------------------------------------------------------------------------- argument checks
def single(op: str, name: str, value: Any, minimum: int) -> int:
    """``op``'s argument ``name``: an int or a 1-tuple (or list) of one, at least ``minimum``."""
    item = value
    if isinstance(value, (tuple, list)) and len(value) == 1:
        item = value[0]
    if isinstance(item, bool) or not isinstance(item, (int, np.integer)) or item < minimum:
        raise ValueError(f"{op}: {name} must be an int >= {minimum} or a tuple of one, got {value!r}")
    return int(item)


def positive_int(op: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: {name} must be a positive integer, got {value!r}")
    return int(value)


def conv1d_padding(op: str, padding: Any, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """The zeros before and after the sequence: from an int, a 1-tuple, "valid" or "same"."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding != "same":
            raise ValueError(
                f"{op}: padding must be an int, a tuple of one, 'valid' or 'same', got {padding!r}"
            )
        if stride != 1:
            raise ValueError(
                f"{op}: padding='same' needs stride 1 (got stride {stride}): PyTorch does not support it "
                "for strided convolutions"
            )
        total = dilation * (kernel - 1)
        return total // 2, total - total // 2
    p = single(op, "padding", padding, minimum=0)
    return p, p
