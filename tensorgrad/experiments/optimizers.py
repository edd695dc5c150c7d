"""The optimizers the experiments compare, by name, with learning rates that suit each.

``make_optimizer("momentum", model.parameters(), lr=0.05)`` builds one; without ``lr`` it takes the
optimizer's default here (``DEFAULT_LR``). The four names are the four classic algorithms:

=========  ===============================  ==============================================
name       class                            update (g: gradient, see each class for details)
=========  ===============================  ==============================================
sgd        ``optim.SGD``                    p -= lr g
momentum   ``optim.Momentum`` (mu = 0.9)    v = mu v + g;  p -= lr v
rmsprop    ``optim.RMSProp`` (alpha = 0.99) s = alpha s + (1 - alpha) g²;  p -= lr g / (sqrt(s) + eps)
adam       ``optim.Adam`` (0.9, 0.999)      bias-corrected moments m, v;  p -= lr m̂ / (sqrt(v̂) + eps)
=========  ===============================  ==============================================

Extra keyword arguments go to the class (``momentum=0.8``, ``betas=(0.9, 0.99)``, ``weight_decay=...``).
"""

from __future__ import annotations

from typing import Any

from .. import optim

OPTIMIZERS: dict[str, type[optim.Optimizer]] = {
    "sgd": optim.SGD,
    "momentum": optim.Momentum,
    "rmsprop": optim.RMSProp,
    "adam": optim.Adam,
}

#: learning rates that train the built-in models on the built-in data sets well (tuned on digits)
DEFAULT_LR: dict[str, float] = {"sgd": 0.1, "momentum": 0.05, "rmsprop": 1e-3, "adam": 3e-3}


def make_optimizer(name: str, params: Any, lr: float | None = None, **options: Any) -> optim.Optimizer:
    """Build the optimizer called ``name`` (sgd, momentum, rmsprop, adam) over ``params``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose from {', '.join(OPTIMIZERS)}")
    if lr is not None and not lr > 0:
        raise ValueError(f"{name}: the learning rate must be positive, got {lr}")
    return OPTIMIZERS[name](params, lr=DEFAULT_LR[name] if lr is None else lr, **options)
