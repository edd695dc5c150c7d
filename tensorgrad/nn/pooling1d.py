"""Adaptive pooling layers over (N, C, L) sequences: AdaptiveAvgPool1D and AdaptiveMaxPool1D (aliases
AdaptiveAvgPool1d, AdaptiveMaxPool1d)."""

from __future__ import annotations

from typing import Any

from ..ops.pool1d import adaptive_avg_pool1d, adaptive_max_pool1d
from .module import Module


class AdaptiveAvgPool1D(Module):
    """Average-pool a sequence (N, C, L) or (C, L) to ``output_size`` positions: output i averages the
    positions floor(i L / out) .. ceil((i + 1) L / out) - 1. ``AdaptiveAvgPool1d(1)`` is the mean over L."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Any) -> Any:
        try:
            return adaptive_avg_pool1d(x, self.output_size)
        except ValueError as err:
            raise ValueError(f"{self!r}: {err}") from None

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1D(Module):
    """Max-pool a sequence to ``output_size`` positions, over the same windows as ``AdaptiveAvgPool1D``; with
    ``return_indices`` the layer also returns where each maximum is along L."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x: Any) -> Any:
        try:
            return adaptive_max_pool1d(x, self.output_size, self.return_indices)
        except ValueError as err:
            raise ValueError(f"{self!r}: {err}") from None

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(AdaptiveAvgPool1D):
    """PyTorch's name for ``AdaptiveAvgPool1D`` (the same layer, printed as PyTorch prints it)."""

    pytorch_name = True


class AdaptiveMaxPool1d(AdaptiveMaxPool1D):
    """PyTorch's name for ``AdaptiveMaxPool1D`` (the same layer, printed as PyTorch prints it)."""

    pytorch_name = True
