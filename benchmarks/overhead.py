"""Per-op overhead: a chain of elementwise ops on a tiny tensor, forward and backward.

The chain: 1,000 steps on a (16,) tensor; every 10th step is ``x = tanh(x)``, the others
``x = x * 1.0001 + 0.001`` (two ops), then ``sum`` and backward: 1,900 elementwise ops in all. With
arrays this small, the time is the framework's per-op bookkeeping, not arithmetic.

Implementations, timed in one run, interleaved, on the same input:
  numpy       the same forward and its hand-written backward (the limit for a numpy framework)
  tensorgrad  the graph recorded forward, then ``backward()``
  pytorch     the same as tensorgrad with torch CPU tensors (only if torch is installed)

Run: ``python benchmarks/overhead.py [--repeats 30]``. Reports the median µs per op, min-max, and the
ratio of each to the numpy limit and to PyTorch; ``--json FILE`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from functools import partial

import numpy as np
from report import interleaved, markdown_table, medians

import tensorgrad as tg

STEPS = 1000
OPS = sum(1 if i % 10 == 9 else 2 for i in range(STEPS))  # primitive ops in the chain


def numpy_step(x0: np.ndarray) -> np.ndarray:
    x = x0
    tanh_outputs = []
    for i in range(STEPS):
        if i % 10 == 9:
            x = np.tanh(x)
            tanh_outputs.append(x)
        else:
            x = x * 1.0001 + 0.001
    _loss = x.sum()
    g = np.ones_like(x)
    for i in reversed(range(STEPS)):
        if i % 10 == 9:
            y = tanh_outputs.pop()
            g = g * (1 - y * y)
        else:
            g = g * 1.0001
    return g


def tensorgrad_step(x0: np.ndarray) -> np.ndarray:
    x = start = tg.tensor(x0, requires_grad=True)
    for i in range(STEPS):
        x = x.tanh() if i % 10 == 9 else x * 1.0001 + 0.001
    x.sum().backward()
    return start.grad.data


def torch_step_factory() -> Callable[[np.ndarray], np.ndarray] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def torch_step(x0: np.ndarray) -> np.ndarray:
        x = start = torch.tensor(x0, requires_grad=True)
        for i in range(STEPS):
            x = x.tanh() if i % 10 == 9 else x * 1.0001 + 0.001
        x.sum().backward()
        return start.grad.numpy()

    return torch_step


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    x0 = np.random.default_rng(0).standard_normal(16).astype(np.float32)
    steps: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "numpy": numpy_step,
        "tensorgrad": tensorgrad_step,
    }
    torch_step = torch_step_factory()
    if torch_step is not None:
        steps["pytorch"] = torch_step

    reference = numpy_step(x0)
    for name, step in steps.items():  # honest comparison: all compute the same gradient
        np.testing.assert_allclose(step(x0), reference, rtol=1e-4, err_msg=name)

    times = interleaved({name: partial(step, x0) for name, step in steps.items()}, args.repeats, 1e6 / OPS)

    median = medians(times)
    print(f"per-op cost: {STEPS} steps = {OPS} elementwise ops on a (16,) float32 tensor, forward + backward")
    print(f"median of {args.repeats} interleaved runs\n")
    print(markdown_table(times, "µs per op"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"ops": OPS, "median_us_per_op": median, "runs_us_per_op": times}, f, indent=2)


if __name__ == "__main__":
    main()
