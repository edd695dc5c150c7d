"""A training run as a function of its hyperparameters, for ``sweep``: the learning-rate, batch-size and
momentum tuning of the classic optimizer tutorials.

    from tensorgrad.experiments import load_dataset, models, plot_sweep, sweep, training_objective
    objective = training_objective(models.mlp, load_dataset("digits"), optimizer="momentum", epochs=5)
    result = sweep(objective, {"lr": [0.003, 0.01, 0.03, 0.1, 0.3, 1.0], "batch_size": [16, 64]})
    print(result.table(sort_by="val_accuracy"))  # best first
    plot_sweep(result, "lr", "val_accuracy", by="batch_size")

Each call trains a fresh model, built under ``tg.manual_seed(seed)``, for ``epochs`` epochs on batches
shuffled with ``seed``, and returns the last epoch's train loss, test loss and test accuracy. A run whose
loss becomes nan or inf (a learning rate too large) returns nan for all three instead of failing, so the
sweep records where training diverges (a rate too large may also leave a finite but huge loss, or a net
whose ReLUs all died: the table shows those as they are).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .. import nn
from .compare import compare_optimizers
from .datasets import DataSplit
from .optimizers import OPTIMIZERS, make_optimizer

DIVERGED = {"loss": math.nan, "val_loss": math.nan, "val_accuracy": math.nan}


def training_objective(
    model_fn: Callable[[], nn.Module],
    split: DataSplit,
    optimizer: str = "momentum",
    epochs: int = 5,
    loss_fn: nn.Module | None = None,
) -> Callable[..., dict[str, float]]:
    """``objective(lr=None, batch_size=32, seed=0, **options) -> {"loss", "val_loss", "val_accuracy"}``.

    ``model_fn()`` builds the network (as for ``compare_optimizers``, which runs the training: one optimizer,
    ``seed`` for the weights and the batch order); ``optimizer`` is a name of ``OPTIMIZERS``; ``options``
    go to the optimizer (``momentum=0.8``, ``betas=(0.9, 0.99)``, ``weight_decay=1e-4``). ``lr=None`` takes
    the optimizer's ``DEFAULT_LR``.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"training_objective: unknown optimizer {optimizer!r}; choose from {', '.join(OPTIMIZERS)}"
        )

    def objective(
        lr: float | None = None, batch_size: int = 32, seed: int = 0, **options: Any
    ) -> dict[str, float]:
        def build(params: Any) -> Any:
            return make_optimizer(optimizer, params, lr=lr, **options)

        result = compare_optimizers(
            model_fn,
            split,
            {optimizer: build},
            epochs,
            seed,
            batch_size=int(batch_size),
            loss_fn=loss_fn,
            progress=False,
        )
        run = result.runs[optimizer]
        if run.diverged:  # the sweep records nan
            return dict(DIVERGED)
        return {key: run.final[key] for key in DIVERGED}

    return objective
