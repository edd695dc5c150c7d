"""``summary(model, input_shape)``: a table of layers, their output shapes and parameter counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import zeros
from ..tensor import Tensor
from .module import Module


@dataclass
class ModelSummary:
    """What ``summary`` found; ``str()`` (or the Jupyter repr) is the table."""

    rows: list[tuple[str, str, str, int]]  # (dotted name, type, output shape, own parameter count)
    total_params: int
    trainable_params: int
    input_shape: tuple[int, ...]

    def __str__(self) -> str:
        header = ("Layer (type)", "Output shape", "Param #")
        body = [
            (f"{name} ({kind})" if name else kind, shape, f"{count:,}")
            for name, kind, shape, count in self.rows
        ]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(3)]
        rule = "-" * (sum(widths) + 6)

        def line(cells: tuple[str, str, str]) -> str:
            return f"{cells[0]:<{widths[0]}}   {cells[1]:<{widths[1]}}   {cells[2]:>{widths[2]}}"

        return "\n".join(
            [
                rule,
                line(header),
                "=" * len(rule),
                *map(line, body),
                "=" * len(rule),
                f"Input shape: {self.input_shape}",
                f"Total params: {self.total_params:,}",
                f"Trainable params: {self.trainable_params:,}",
                f"Non-trainable params: {self.total_params - self.trainable_params:,}",
                rule,
            ]
        )

    __repr__ = __str__


def _shape_of(output: Any) -> str:
    if isinstance(output, Tensor):
        return str(tuple(output.shape))
    if isinstance(output, (tuple, list)):
        return ", ".join(_shape_of(o) for o in output)
    return type(output).__name__


def summary(model: Module, input_shape: tuple[int, ...], dtype: Any = np.float32) -> ModelSummary:
    """Run ``model`` once on zeros of ``input_shape`` (batch dimension included, e.g. (1, 1, 28, 28)) in
    eval mode without recording a graph, and tabulate every submodule it called, in call order.

    >>> from tensorgrad import nn
    >>> print(summary(nn.Sequential(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 2)), (1, 4)))
    -------------------------------------
    Layer (type)   Output shape   Param #
    =====================================
    0 (Dense)      (1, 8)              40
    1 (ReLU)       (1, 8)               0
    2 (Dense)      (1, 2)              18
    =====================================
    Input shape: (1, 4)
    Total params: 58
    Trainable params: 58
    Non-trainable params: 0
    -------------------------------------
    """
    calls: list[tuple[str, str, str, int]] = []
    handles = []
    for name, module in model.named_modules():
        if module is model and any(True for _ in model.children()):
            continue
        own = sum(p.array.size for p in module.parameters(recurse=False))

        def record(mod: Module, inputs: Any, output: Any, name: str = name, own: int = own) -> None:
            calls.append((name, type(mod).__name__, _shape_of(output), own))

        handles.append(module.register_forward_hook(record))
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with no_grad():
            model(zeros(*input_shape, dtype=dtype))
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            object.__setattr__(module, "training", training)
    params = list(model.parameters())
    return ModelSummary(
        rows=calls,
        total_params=sum(p.array.size for p in params),
        trainable_params=sum(p.array.size for p in params if p.requires_grad),
        input_shape=tuple(input_shape),
    )
