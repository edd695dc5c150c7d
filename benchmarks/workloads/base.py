"""What a workload is, and what an implementation of it gives the worker that times it.

A *workload* (W1 ... W5) is one computation, defined once: its data (fixed seed), its initial parameters
(fixed seed, the same arrays for every implementation) and a builder per implementation ("numpy",
"tensorgrad", "pytorch"). A builder returns a :class:`Bench`: the step to time, and the numbers the
gradient check compares across implementations before anything is timed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Arrays = dict[str, np.ndarray]


@dataclass
class Bench:
    """One implementation of a workload, built and ready to run.

    ``step()`` is what is timed (e.g. forward, backward, update and zero grad). ``grads()`` returns the
    gradients at the current parameters without changing them (keys: PyTorch's state-dict names, or the
    input's name for the op chains). ``params()``, when the workload has parameters, returns copies of them,
    so the check can also compare the state after a few ``step()`` calls (which covers the optimizer).
    ``loss_at(params)``, where given, is the loss at other parameter values (the current ones left as they
    were): the check's finite differences of a reference that is not written by hand (W6, W7).
    """

    step: Callable[[], Any]
    grads: Callable[[], Arrays]
    params: Callable[[], Arrays] | None = None
    loss_at: Callable[[Arrays], float] | None = None


@dataclass(frozen=True)
class Workload:
    """A workload of the suite: what it measures, how its time is reported, and how to build it.

    ``scale`` turns the seconds of one timed step into ``unit`` (1e3 for ms per step; 1e6 / 1000 for µs
    per op of a 1,000-op chain). ``timed`` lists the implementations that are timed; ``builders`` may hold
    more (W5's hand-written numpy is only the gradient check's reference). ``steps`` and ``warmup`` are per
    worker process and round; ``quick_steps`` is what ``--quick`` uses. ``reference`` is the builder whose
    gradients the check compares every implementation with: the hand-written "numpy" (W1-W5) or, for W6 and
    W7, which have none, "float64": tensorgrad in float64, itself checked by finite differences first.
    """

    key: str
    title: str
    unit: str
    scale: float
    make_data: Callable[[], Any]
    builders: dict[str, Callable[[Any], Bench]]
    timed: tuple[str, ...]
    steps: int
    warmup: int
    quick_steps: int = 2
    check_steps: int = 2  # optimizer steps taken before the parameters are compared
    rtol: float = 1e-4
    # the parameters after ``check_steps`` steps, normwise (None: rtol). W7's attention key biases have an
    # exact gradient of 0, so Adam turns float32 round-off there into updates of up to a fraction of lr
    params_rtol: float | None = None
    reference: str = "numpy"
    # issue 8's target for tensorgrad's median time: at most ``ratio`` times the named implementation's
    target: tuple[str, float] | None = None
    # and for its peak RSS (issue 8: 1.5x the numpy limit's; issue 17, W6 and W7: 1.5x PyTorch's)
    memory_target: tuple[str, float] = ("numpy", 1.5)
    notes: dict[str, str] = field(default_factory=dict)  # implementation -> why it is not timed
