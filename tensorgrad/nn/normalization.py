"""Batch normalisation: BatchNorm1D over (N, C) or (N, C, L), BatchNorm2D over (N, C, H, W)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.normalization import batch_norm
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


class _BatchNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (dimension 1).

    In training mode mean and var are the batch's (biased var), and the running statistics are updated:
    running = (1 - momentum) * running + momentum * batch statistic (the unbiased var for running_var);
    ``momentum=None`` gives the cumulative average instead. In eval mode the running statistics are used.
    ``weight`` starts at 1 and ``bias`` at 0. As in PyTorch.
    """

    ranks: tuple[int, ...] = ()
    layout = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.array[...] = 0
            self.running_var.array[...] = 1
            self.num_batches_tracked.array[...] = 0

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self.ranks or x.shape[1] != self.num_features:
            raise ValueError(
                f"{self!r}: expected input of shape {self.layout.format(C=self.num_features)}, got {x.shape}"
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array += 1
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.array)
        use_batch_stats = self.training or not self.track_running_stats
        keep_running = not self.training or self.track_running_stats
        return batch_norm(
            x,
            self.running_mean if keep_running else None,
            self.running_var if keep_running else None,
            self.weight,
            self.bias,
            training=use_batch_stats,
            momentum=momentum,
            eps=self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1D(_BatchNorm):
    __doc__ = _BatchNorm.__doc__
    ranks = (2, 3)
    layout = "(N, {C}) or (N, {C}, L)"


class BatchNorm2D(_BatchNorm):
    __doc__ = _BatchNorm.__doc__
    ranks = (4,)
    layout = "(N, {C}, H, W)"


class BatchNorm1d(BatchNorm1D):
    """PyTorch's name for ``BatchNorm1D`` (the same layer; it prints as ``BatchNorm1d(...)``)."""

    pytorch_name = True


class BatchNorm2d(BatchNorm2D):
    """PyTorch's name for ``BatchNorm2D`` (the same layer; it prints as ``BatchNorm2d(...)``)."""

    pytorch_name = True
