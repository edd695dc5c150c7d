"""What the training layer costs: ``DataLoader`` against numpy indexing, ``fit`` against the loop it replaces.

    python benchmarks/training.py [--rounds 7] [--quick]

Two comparisons, each timed in interleaved rounds in one process (one BLAS thread), reported as medians and
the ratio of medians:

  loader  one shuffled epoch of a 60,000 x 784 float32 TensorDataset with int64 labels, batch 128, as Tensors:
          ``DataLoader(..., shuffle=True, seed=0)`` against a hand-written ``x[perm[i:i + 128]]`` loop.
  fit     10 epochs of 50 steps (MLP 20-64-10, batch 32, SGD momentum): ``fit(progress=False)`` against the
          hand-written loop that does the same work (zero_grad, forward, loss, backward, step, ``loss.item()``
          and the accuracy of each batch), and ``fit`` with its tqdm bar (``progress=True``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported: see run.py's docstring
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

import tensorgrad as tg
from tensorgrad import nn, optim
from tensorgrad.data import DataLoader, TensorDataset
from tensorgrad.training import accuracy, fit


def loader_cases(n: int) -> dict[str, object]:
    rng = np.random.default_rng(0)
    x = rng.random((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, n)
    loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True, seed=0)

    def by_hand() -> None:
        order = np.random.default_rng(0).permutation(n)
        for start in range(0, n, 128):
            index = order[start : start + 128]
            tg.from_numpy(x[index]), tg.from_numpy(y[index])

    def with_loader() -> None:
        for _ in loader:
            pass

    return {"numpy indexing": by_hand, "DataLoader": with_loader}


def fit_cases(epochs: int) -> dict[str, object]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50 * 32, 20)).astype(np.float32)
    y = rng.integers(0, 10, 50 * 32)
    batches = [(tg.tensor(x[i : i + 32]), tg.tensor(y[i : i + 32])) for i in range(0, len(x), 32)]

    def setup() -> tuple[nn.Module, optim.Optimizer, nn.Module]:
        tg.manual_seed(0)
        model = nn.Sequential(nn.Dense(20, 64), nn.ReLU(), nn.Dense(64, 10))
        return model, optim.SGD(model.parameters(), lr=0.01, momentum=0.9), nn.CrossEntropyLoss()

    def by_hand() -> None:
        model, optimizer, loss_fn = setup()
        for _ in range(epochs):
            model.train()
            total = correct = 0.0
            for inputs, labels in batches:
                optimizer.zero_grad()
                outputs = model(inputs)
                loss = loss_fn(outputs, labels)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(inputs)
                correct += accuracy(outputs, labels) * len(inputs)

    def with_fit(progress: bool) -> None:
        model, optimizer, loss_fn = setup()
        with contextlib.redirect_stderr(io.StringIO()):
            fit(model, loss_fn, optimizer, batches, epochs, progress=progress)

    return {
        "hand-written loop": by_hand,
        "fit(progress=False)": lambda: with_fit(False),
        "fit(progress=True)": lambda: with_fit(True),
    }


def measure(cases: dict[str, object], rounds: int) -> dict[str, float]:
    """Median seconds per case over ``rounds`` interleaved rounds (the order reversed every other round)."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds + 1):  # round 0 warms up
        for name in names if r % 2 else reversed(names):
            start = time.perf_counter()
            cases[name]()
            if r:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def report(title: str, medians: dict[str, float]) -> str:
    base = next(iter(medians.values()))
    lines = [title, f"  {'':22s} {'median':>10s}  ratio"]
    lines += [f"  {name:22s} {1e3 * t:8.2f} ms  {t / base:5.2f}x" for name, t in medians.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, 1 round")
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else args.rounds
    print(
        report(
            "loader: one shuffled epoch, 60,000 x 784, batch 128",
            measure(loader_cases(2_000 if args.quick else 60_000), rounds),
        )
    )
    print(
        report("fit: 10 epochs x 50 steps, MLP 20-64-10", measure(fit_cases(1 if args.quick else 10), rounds))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
