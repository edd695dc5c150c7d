"""Resizing, as PyTorch's ``F.interpolate`` ('nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear'),
``F.pixel_shuffle`` and ``F.pixel_unshuffle``.

``interpolate`` works one spatial dimension at a time: gather the source rows (an indexing op, whose
gradient adds up into the rows it copied) and, for the linear modes, mix two neighbours with constant
weights. So each mode differentiates (twice) with no op of its own. The index and weight rules are
PyTorch's (``area_pixel_compute_source_index`` and ``nearest_idx``), so results match PyTorch's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor, operand
from .shape import getitem, permute, reshape

#: spatial dimensions each linear mode needs (the input has 2 more: batch and channels)
_LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}
_NEAREST_MODES = ("nearest", "nearest-exact")


def interpolate(
    input: Any,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dimensions (all after N, C) of ``input`` to ``size``, or by ``scale_factor``
    (output size floor(in * scale)), as PyTorch's.

    'nearest': output i copies input min(floor(i s), in - 1), s = 1 / scale_factor (or in / out when
    ``size`` is given); 'nearest-exact': min(floor((i + 0.5) s), in - 1). Linear modes: the source
    coordinate c = s (i + 0.5) - 0.5 (at least 0), or i (in - 1) / (out - 1) with ``align_corners=True``,
    and output i = (1 - t) x[floor(c)] + t x[floor(c) + 1], t = c - floor(c), per spatial dimension.
    """
    x = operand(input)
    spatial = x.ndim - 2
    if spatial < 1:
        raise ValueError(f"interpolate: expects an input of shape (N, C, ...spatial), got shape {x.shape}")
    if mode not in _NEAREST_MODES and mode not in _LINEAR_MODES:
        raise NotImplementedError(
            f"interpolate: mode {mode!r} is not implemented; tensorgrad has 'nearest', 'nearest-exact', "
            "'linear', 'bilinear' and 'trilinear'"
        )
    if mode in _LINEAR_MODES and _LINEAR_MODES[mode] != spatial:
        raise NotImplementedError(
            f"interpolate: got {x.ndim}D input, but {mode} mode needs {_LINEAR_MODES[mode] + 2}D input "
            f"(shape {x.shape})"
        )
    if mode in _NEAREST_MODES and align_corners is not None:
        raise ValueError(
            "interpolate: align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not implemented")
    if x.dtype.kind != "f":
        raise TypeError(f"interpolate: input must be floating point, got dtype {x.dtype}")
    in_sizes = x.shape[2:]
    out_sizes, scales = _output_sizes(in_sizes, size, scale_factor, recompute_scale_factor)
    for k, (n_in, n_out, scale) in enumerate(zip(in_sizes, out_sizes, scales)):
        axis = 2 + k
        if mode in _NEAREST_MODES:
            x = _take(x, axis, _nearest_source(n_in, n_out, scale, exact=mode == "nearest-exact"))
        else:
            x = _linear(x, axis, n_in, n_out, scale, bool(align_corners))
    return x


def _output_sizes(
    in_sizes: tuple[int, ...], size: Any, scale_factor: Any, recompute: bool | None
) -> tuple[list[int], list[float | None]]:
    """The output sizes, and the scale factors PyTorch passes to its kernels (None: use in / out)."""
    n = len(in_sizes)
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give either size or scale_factor (exactly one of them)")
    if size is not None:
        sizes = [int(size)] * n if np.ndim(size) == 0 else [int(s) for s in size]
        if len(sizes) != n:
            raise ValueError(
                f"interpolate: size {size!r} must have {n} element(s), one per spatial dimension of "
                f"{in_sizes}"
            )
        return sizes, [None] * n
    factors = [float(scale_factor)] * n if np.ndim(scale_factor) == 0 else [float(s) for s in scale_factor]
    if len(factors) != n:
        raise ValueError(
            f"interpolate: scale_factor {scale_factor!r} must have {n} element(s), one per spatial dimension "
            f"of {in_sizes}"
        )
    sizes = [math.floor(m * f) for m, f in zip(in_sizes, factors)]
    if any(s <= 0 for s in sizes):
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} gives an empty output for {in_sizes}")
    return sizes, [None] * n if recompute else list(factors)


def _scale(n_in: int, n_out: int, scale: float | None) -> float:
    return 1.0 / scale if scale is not None and scale > 0 else n_in / n_out


def _nearest_source(n_in: int, n_out: int, scale: float | None, exact: bool) -> np.ndarray:
    s = np.float32(_scale(n_in, n_out, scale))  # PyTorch computes the nearest index in float32
    i = np.arange(n_out, dtype=np.float32)
    src = np.floor(((i + np.float32(0.5)) if exact else i) * s).astype(np.int64)
    return np.minimum(src, n_in - 1)


def _linear(x: Tensor, axis: int, n_in: int, n_out: int, scale: float | None, align_corners: bool) -> Tensor:
    i = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = i * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        src = np.maximum(_scale(n_in, n_out, scale) * (i + 0.5) - 0.5, 0.0)
    low = np.minimum(src.astype(np.int64), n_in - 1)
    high = np.where(low < n_in - 1, low + 1, low)
    t = (src - low).astype(x.dtype).reshape((-1,) + (1,) * (x.ndim - 1 - axis))
    return _take(x, axis, low) * (1 - t) + _take(x, axis, high) * t


def _take(x: Tensor, axis: int, index: np.ndarray) -> Tensor:
    return getitem(x, (slice(None),) * axis + (index,))


def pixel_shuffle(input: Any, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): out[c, h r + i, w r + j] = in[c r^2 + i r + j, h, w]
    (sub-pixel convolution's rearrangement)."""
    x, r = operand(input), int(upscale_factor)
    if x.ndim < 3 or r <= 0 or x.shape[-3] % (r * r):
        raise ValueError(
            f"pixel_shuffle: expects an input of shape (*, C * {r}^2, H, W) with upscale_factor > 0, got "
            f"shape {x.shape} and upscale_factor={upscale_factor}"
        )
    *batch, c, h, w = x.shape
    n = len(batch)
    x = reshape(x, (*batch, c // (r * r), r, r, h, w))
    x = permute(x, (*range(n), n, n + 3, n + 1, n + 4, n + 2))
    return reshape(x, (*batch, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Any, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of ``pixel_shuffle``."""
    x, r = operand(input), int(downscale_factor)
    if x.ndim < 3 or r <= 0 or x.shape[-2] % r or x.shape[-1] % r:
        raise ValueError(
            f"pixel_unshuffle: expects an input of shape (*, C, H * {r}, W * {r}) with downscale_factor > 0, "
            f"got shape {x.shape} and downscale_factor={downscale_factor}"
        )
    *batch, c, h, w = x.shape
    n = len(batch)
    x = reshape(x, (*batch, c, h // r, r, w // r, r))
    x = permute(x, (*range(n), n, n + 2, n + 4, n + 1, n + 3))
    return reshape(x, (*batch, c * r * r, h // r, w // r))
