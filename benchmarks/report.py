"""The one table every benchmark prints: median per implementation, min-max, and ratios to the numpy limit
and (when measured) to PyTorch. Ratios come from one run, interleaved, because machines are noisy."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(steps: dict[str, Callable[[], object]], repeats: int, scale: float) -> dict[str, list[float]]:
    """Time each step ``repeats`` times, round by round, every other round in reverse order, so drifts in the
    machine's load hit all implementations alike; times are multiplied by ``scale`` (e.g. 1e3 for ms)."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    order = list(steps.items())
    for r in range(repeats):
        for name, step in order if r % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            step()
            times[name].append((time.perf_counter() - start) * scale)
    return times


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(ts) for name, ts in times.items()}


def markdown_table(times: dict[str, list[float]], unit: str) -> str:
    """``times`` maps implementation -> its measurements (``numpy`` is the limit; ``pytorch`` optional)."""
    median = medians(times)
    columns = ["implementation", f"{unit} (median)", "min-max", "x numpy limit"]
    if "pytorch" in median:
        columns.append("x PyTorch")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for name, ts in times.items():
        cells = [
            name,
            f"{median[name]:.2f}",
            f"{min(ts):.2f}-{max(ts):.2f}",
            f"{median[name] / median['numpy']:.2f}x",
        ]
        if "pytorch" in median:
            cells.append(f"{median[name] / median['pytorch']:.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
