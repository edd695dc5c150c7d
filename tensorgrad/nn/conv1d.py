"""Conv1D (PyTorch's name: Conv1d): 1-D convolution over (N, C, L) sequences, PyTorch's arguments, layout and
initialisation."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_device
from ..ops.conv1d import conv1d, conv1d_padding, positive_int, single
from ..ops.shape import pad_last
from ..tensor import Tensor, get_default_dtype
from . import init
from .module import Module
from .parameter import Parameter

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv1D(Module):
    """out[n, o, t] = bias[o] + sum over c, j of weight[o, c, j] * x_padded[n, g(o) + c, s*t + d*j].

    Input (N, in_channels, L) -> output (N, out_channels, L_out) (or one sequence without N) with
    L_out = floor((L + 2 padding - dilation (kernel - 1) - 1) / stride) + 1. ``weight`` is (out_channels,
    in_channels / groups, kernel_size); weight and bias are drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    fan_in = in_channels / groups * kernel_size, as in PyTorch. With ``groups`` g the channels split into g
    blocks and output block i sees input block i only (g(o) above is the first input channel of o's block).
    ``padding`` takes an int, "valid" (none) or "same" (L_out = L, stride 1); ``padding_mode`` pads with
    zeros, or "reflect", "replicate" or "circular" (F.pad's modes). ``kernel_size``, ``stride``, ``padding``
    and ``dilation`` are kept as 1-tuples, as PyTorch keeps them.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int],
        stride: int | tuple[int] = 1,
        padding: int | tuple[int] | str = 0,
        dilation: int | tuple[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = "Conv1D"
        check_device(device, name)
        self.in_channels = positive_int(name, "in_channels", in_channels)
        self.out_channels = positive_int(name, "out_channels", out_channels)
        self.groups = positive_int(name, "groups", groups)
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                f"{name}: in_channels ({self.in_channels}) and out_channels ({self.out_channels}) must both "
                f"be divisible by groups ({self.groups})"
            )
        self.kernel_size = (single(name, "kernel_size", kernel_size, minimum=1),)
        self.stride = (single(name, "stride", stride, minimum=1),)
        self.dilation = (single(name, "dilation", dilation, minimum=1),)
        if padding_mode not in PADDING_MODES:
            raise ValueError(
                f"{name}: padding_mode must be one of {', '.join(PADDING_MODES)}, got {padding_mode!r}"
            )
        self.padding_mode = padding_mode
        # the zeros (or padding_mode's values) before and after the sequence; PyTorch's spelling kept
        left, right = conv1d_padding(name, padding, self.kernel_size[0], self.stride[0], self.dilation[0])
        self.padding = padding if isinstance(padding, str) else (left,)
        self._reversed_padding_repeated_twice = [left, right]
        dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
        shape = (self.out_channels, self.in_channels // self.groups, self.kernel_size[0])
        self.weight = Parameter(np.empty(shape, dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: kaiming_uniform_(weight, a=sqrt(5)), bias from U(-1/sqrt(fan_in), ...)."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, x: Any) -> Tensor:
        channels = x.shape[-2] if isinstance(x, Tensor) and x.ndim in (2, 3) else None
        if isinstance(x, Tensor) and channels != self.in_channels:
            raise ValueError(
                f"{self!r}: expected input of shape (N, {self.in_channels}, L) or ({self.in_channels}, L), "
                f"got {tuple(x.shape)}"
                + (
                    f": it has {channels} channels, the layer {self.in_channels}"
                    if channels is not None
                    else ""
                )
            )
        try:
            if self.padding_mode != "zeros":
                padded = pad_last(x, self._reversed_padding_repeated_twice, mode=self.padding_mode)
                return conv1d(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
            return conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        except ValueError as err:
            raise ValueError(f"{self!r}: {err}") from None

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        )
        if self.padding != (0,):
            text += f", padding={self.padding}"
        if self.dilation != (1,):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(Conv1D):
    """PyTorch's name for ``Conv1D`` (the same layer; it prints as ``Conv1d(...)``)."""

    pytorch_name = True
