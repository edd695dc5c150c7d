"""The suite's numbers and its one table: per workload and implementation, the median time, min-max, the
ratios to the numpy limit and to PyTorch, and peak memory, absolute and over the worker's import baseline,
with ratios to numpy's. Ratios come from one run, interleaved, because machines are noisy.

``summarize`` turns the workers' raw measurements into the numbers; ``markdown_table`` and
``targets_table`` render the JSON document ``run.py`` writes, so a saved JSON can be rendered again.
"""

from __future__ import annotations

import statistics

MIB = 1024  # KiB per MiB (ru_maxrss is in KiB)
MEMORY_TARGET = 1.5  # issue 8: tensorgrad's peak RSS within 1.5x of numpy's (W6, W7: of PyTorch's)
DASH = "—"


def summarize(
    times_s: dict[str, list[list[float]]],
    peaks_kib: dict[str, list[int]],
    baselines_kib: dict[str, int],
    scale: float,
) -> dict[str, dict]:
    """Per implementation: ``times_s`` its step times in seconds, one list per round; ``peaks_kib`` the
    peak RSS of its worker in each round; ``baselines_kib`` the peak RSS of a worker that only imported its
    library and built the data. ``scale`` turns seconds into the workload's unit.

    Returns per implementation: ``median``, ``min``, ``max`` (all steps of all rounds, in the unit),
    ``round_medians``, ``x_numpy`` / ``x_pytorch`` (ratio of medians; None without that implementation),
    ``peak_mib`` (the median over rounds of the worker's peak RSS), ``baseline_mib``, ``increment_mib``
    (peak - baseline: what the workload itself costs), ``peak_x_numpy`` and ``increment_x_numpy`` (None
    where numpy's increment is under 1 MiB: a ratio to a few pages would be noise), ``peak_x_pytorch``.
    """
    out: dict[str, dict] = {}
    for impl, rounds in times_s.items():
        steps = [t * scale for r in rounds for t in r]
        peak = statistics.median(peaks_kib[impl]) / MIB
        baseline = baselines_kib[impl] / MIB
        out[impl] = {
            "median": statistics.median(steps),
            "min": min(steps),
            "max": max(steps),
            "round_medians": [statistics.median(r) * scale for r in rounds],
            "steps_timed": len(steps),
            "peak_mib": peak,
            "baseline_mib": baseline,
            "increment_mib": peak - baseline,
        }
    for row in out.values():
        for other in ("numpy", "pytorch"):
            ref = out.get(other)
            row[f"x_{other}"] = row["median"] / ref["median"] if ref else None
        ref = out.get("numpy")
        row["peak_x_numpy"] = row["peak_mib"] / ref["peak_mib"] if ref else None
        row["peak_x_pytorch"] = row["peak_mib"] / out["pytorch"]["peak_mib"] if "pytorch" in out else None
        row["increment_x_numpy"] = (
            row["increment_mib"] / ref["increment_mib"] if ref and ref["increment_mib"] >= 1 else None
        )
    return out


def verdicts(workload: dict) -> list[dict]:
    """Issue 8's targets for tensorgrad on one workload (from the JSON ``workload`` entry): its time
    against ``workload["target"]``, and its peak RSS against ``workload["memory_target"]`` (within
    MEMORY_TARGET of numpy's where the entry has none)."""
    results = workload["results"]
    tg = results.get("tensorgrad", {})
    if "median" not in tg:
        return []
    found = []
    target = workload.get("target")
    if target:
        versus, ratio = target
        measured = tg.get(f"x_{versus}")
        found.append(
            {
                "target": f"time <= {ratio:g}x {_name(versus)}",
                "measured": measured,
                "met": None if measured is None else measured <= ratio,
            }
        )
    versus, ratio = workload.get("memory_target") or ("numpy", MEMORY_TARGET)
    measured = tg.get(f"peak_x_{versus}")
    if measured is not None:
        found.append(
            {
                "target": f"peak RSS <= {ratio:g}x {'numpy' if versus == 'numpy' else _name(versus)}",
                "measured": measured,
                "met": measured <= ratio,
            }
        )
    return found


def markdown_table(doc: dict) -> str:
    """The suite's table, from the JSON document ``run.py`` writes."""
    columns = [
        "workload",
        "implementation",
        "median",
        "min-max",
        "x numpy limit",
        "x PyTorch",
        "peak RSS (MiB)",
        "peak x numpy",
        "over import (MiB)",
        "over import x numpy",
    ]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for key, workload in doc["workloads"].items():
        unit = workload["unit"]
        for impl, row in workload["results"].items():
            if "skipped" in row:
                cells = [key, impl, row["skipped"]] + [DASH] * (len(columns) - 3)
            else:
                cells = [
                    key,
                    impl,
                    f"{_num(row['median'])} {unit}",
                    f"{_num(row['min'])}-{_num(row['max'])}",
                    _ratio(row["x_numpy"]),
                    _ratio(row["x_pytorch"]),
                    f"{row['peak_mib']:.1f}",
                    _ratio(row["peak_x_numpy"]),
                    f"{row['increment_mib']:.1f}",
                    _ratio(row["increment_x_numpy"]),
                ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(doc: dict) -> str:
    """tensorgrad against issue 8's targets, one line per target."""
    lines = ["| workload | target | tensorgrad | met |", "|---|---|---|---|"]
    for key, workload in doc["workloads"].items():
        for v in verdicts(workload):
            met = DASH if v["met"] is None else ("yes" if v["met"] else "**no**")
            lines.append(f"| {key} | {v['target']} | {_ratio(v['measured'])} | {met} |")
    return "\n".join(lines)


def _name(impl: str) -> str:
    return {"pytorch": "PyTorch", "numpy": "numpy limit"}.get(impl, impl)


def _num(x: float) -> str:
    """Three significant digits or so, without an exponent for the sizes seen here."""
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:#.3g}"


def _ratio(x: float | None) -> str:
    return DASH if x is None else f"{x:.2f}x"
