"""Conv2D (PyTorch's name: Conv2d): 2-D convolution over NCHW batches, PyTorch's layout and initialisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ops.conv import conv2d
from ..ops.window import size_pair
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter


def call_op(layer: Module, op: Callable[..., Tensor], *args: Any) -> Tensor:
    """``op(*args)``, with the layer's repr in front of the op's error message (so the user sees which
    layer of the model rejected its input)."""
    try:
        return op(*args)
    except ValueError as err:
        raise ValueError(f"{layer!r}: {err}") from None


class Conv2D(Module):
    """out[n, o] = bias[o] + sum over c, i, j of weight[o, c, i, j] * x_padded[n, c, s*y + d*i, s*x + d*j].

    Input (N, in_channels, H, W) -> output (N, out_channels, H_out, W_out) (or one image without N) with
    H_out = floor((H + 2 padding - dilation (kernel - 1) - 1) / stride) + 1 (likewise W_out).
    ``weight`` is (out_channels, in_channels, kh, kw); weight and bias are drawn from
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels * kh * kw, as in PyTorch.
    ``kernel_size``, ``stride``, ``padding`` and ``dilation`` take an int or a pair; ``padding`` also takes
    "valid" (no padding) or "same" (output as large as the input, stride 1).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = "Conv2D"
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = size_pair(name, "kernel_size", kernel_size, minimum=1)
        self.stride = size_pair(name, "stride", stride, minimum=1)
        self.dilation = size_pair(name, "dilation", dilation, minimum=1)
        self.padding = self._padding(padding)
        self._padding_text = padding if isinstance(padding, str) else None  # PyTorch prints "padding=same"
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        self.weight = Parameter(np.empty((self.out_channels, self.in_channels, *self.kernel_size), dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype))
        else:
            self.register_parameter("bias", None)
        init.default_layer_init_(self.weight, self.bias)

    def _padding(self, padding: Any) -> tuple[int, int]:
        if padding == "valid":
            return 0, 0
        if padding == "same":
            if self.stride != (1, 1):
                raise ValueError(
                    "Conv2D: padding='same' needs stride 1 (the output would not match the input)"
                )
            extents = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            if any(e % 2 for e in extents):
                raise ValueError(
                    f"Conv2D: padding='same' needs an odd kernel extent (kernel {self.kernel_size}, "
                    f"dilation {self.dilation}); pad the input yourself with tg.pad for even kernels"
                )
            return extents[0] // 2, extents[1] // 2
        if isinstance(padding, str):
            raise ValueError(f"Conv2D: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
        return size_pair("Conv2D", "padding", padding, minimum=0)

    def forward(self, x: Tensor) -> Tensor:
        channels = x.shape[-3] if x.ndim in (3, 4) else None  # (N, C, H, W), or one image (C, H, W)
        if channels != self.in_channels:
            raise ValueError(
                f"{self!r}: expected input of shape (N, {self.in_channels}, H, W) or "
                f"({self.in_channels}, H, W), got {x.shape}"
                + (
                    f": it has {channels} channels, the layer {self.in_channels}"
                    if channels is not None
                    else ""
                )
            )
        return call_op(self, conv2d, x, self.weight, self.bias, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        )
        if self._padding_text is not None:
            text += f", padding={self._padding_text}"
        elif self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(Conv2D):
    """PyTorch's name for ``Conv2D`` (the same layer; it prints as ``Conv2d(...)``)."""

    pytorch_name = True
