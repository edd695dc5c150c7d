"""The benchmark suite of issue 8: ``make bench``, or ``python benchmarks/run.py [options]``.

Workloads (float32, fixed seeds, the same initial weights and data for every implementation; see
``workloads/__init__.py`` and the file of each):
  W1  tiny MLP 64-128-10, ReLU, batch 32, softmax cross-entropy, SGD lr 0.1: one training step (ms)
  W2  MLP 784-512-512-10, ReLU, batch 128, softmax cross-entropy, Adam lr 1e-3: one training step (ms)
  W3  CNN on 64x1x28x28 (conv 16, pool, conv 32, pool, dense 10), cross-entropy, SGD momentum 0.9 (ms)
  W4  1,000 elementwise ops (mul/add/tanh) on a (16,) tensor, sum, backward: time per op (µs)
  W5  100,000 elementwise ops on a (16,) tensor, sum, backward: seconds for forward + backward
  W6  char-LSTM: embedding 64, LSTM 256, Linear to 65 at each of 32 x 64 positions, cross-entropy, Adam (ms)
  W7  small GPT: 4 pre-norm encoder layers (4 heads, d 128, GELU), causal mask, 32 x 64 tokens, AdamW (ms)
Implementations:
  numpy       written by hand: the limit for a framework on numpy (not timed in W5: its gradient is only
              the check's reference there)
  tensorgrad  written as a user writes it (nn.Sequential, nn.Linear, nn.CrossEntropyLoss, optim.SGD, ...)
  pytorch     the same code with torch on CPU, when ``import torch`` works (otherwise a note in the table)
W6 and W7 have no hand-written numpy: tensorgrad is measured against PyTorch, and their gradient check's
reference is tensorgrad in float64, itself checked by central differences first.

How it measures. For each workload, first the gradient check (``gradient_check.py``, in its own process):
every implementation's gradients (and, for the training steps W1-W3, its parameters after two steps) must
agree with the hand-written numpy ones, or the suite stops with the reason. Then one baseline process per
implementation (imports its library and builds the data: its peak RSS is the floor the workload's memory
is measured from). Then R rounds; in each round one worker process per implementation (``worker.py``),
the order reversed every other round, each building the workload, warming up, timing K steps one by one
and reporting them with its peak RSS (see ``worker.py``). Reported: the median over all R x K steps,
min-max, ratios of medians to the numpy limit and to PyTorch, and the median over rounds of the peak RSS,
absolute and over the import baseline, with ratios to numpy's.

Threads: by default every worker runs with one BLAS/OpenMP thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS,
MKL_NUM_THREADS = 1), so all implementations do the same single-threaded arithmetic: on a shared machine a
multi-threaded BLAS whose threads wait on a core some other process holds turns 20 ms steps into 300 ms
ones. ``--threads 0`` keeps the libraries' defaults (PyTorch's OpenMP threads are told to wait passively
either way). Output: the tables on stdout, progress on stderr; with ``--out DIR``, DIR/results.json (every
measurement) and DIR/results.md (the tables).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from report import markdown_table, summarize, targets_table
from workloads import IMPLEMENTATIONS, WORKLOADS
from workloads.frameworks import torch_available

HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"
DEFAULT_ROUNDS = 7


class WorkerFailed(RuntimeError):
    pass


def worker_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_WAIT_POLICY"] = "PASSIVE"  # read when torch loads: its OpenMP threads must not spin
    if threads > 0:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
            env[name] = str(threads)
    return env


def run_worker(args: list[str], env: dict[str, str]) -> dict:
    """Start ``worker.py`` with ``args``; return the JSON it prints. Raises WorkerFailed with its stderr."""
    result = subprocess.run(
        [sys.executable, str(WORKER), *args], capture_output=True, text=True, env=env, cwd=HERE
    )
    if result.returncode != 0:
        raise WorkerFailed(
            f"worker {' '.join(args)} failed (exit {result.returncode}):\n{result.stderr.strip()}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(
    key: str,
    impls: list[str],
    unavailable: dict[str, str],
    rounds: int,
    steps: int | None,
    warmup: int | None,
    quick: bool,
    env: dict,
) -> dict:
    """Check, baselines and the interleaved rounds of one workload; its entry of the JSON document.
    ``unavailable`` maps requested implementations that cannot run to the reason (a row of the table)."""
    workload = WORKLOADS[key]
    n_steps = steps if steps is not None else (workload.quick_steps if quick else workload.steps)
    n_warmup = warmup if warmup is not None else (0 if quick else workload.warmup)
    timed = [i for i in impls if i in workload.timed]

    checked = [i for i in impls if i in workload.builders and i != workload.reference]
    log(f"{key}: gradient check ({', '.join(checked)} against the {workload.reference} reference)")
    check = run_worker(["check", key, ",".join(impls)], env)
    baselines = {}
    for impl in timed:
        baselines[impl] = run_worker(["baseline", key, impl], env)["peak_rss_kib"]
    times: dict[str, list[list[float]]] = {impl: [] for impl in timed}
    peaks: dict[str, list[int]] = {impl: [] for impl in timed}
    for r in range(rounds):
        order = timed if r % 2 == 0 else timed[::-1]
        log(f"{key}: round {r + 1}/{rounds} ({' '.join(order)}): {n_steps} steps each, {n_warmup} warm-up")
        for impl in order:
            result = run_worker(["time", key, impl, "--steps", str(n_steps), "--warmup", str(n_warmup)], env)
            times[impl].append(result["times_s"])
            peaks[impl].append(result["peak_rss_kib"])
    summary = summarize(times, peaks, baselines, workload.scale)
    results: dict[str, dict] = {}
    for impl in IMPLEMENTATIONS:  # the table's order, with a note where an implementation is not timed
        if impl in summary:
            results[impl] = {**summary[impl], "times_s": times[impl], "peak_rss_kib": peaks[impl]}
        elif impl in unavailable:
            results[impl] = {"skipped": unavailable[impl]}
        elif impl in impls and impl in workload.notes:
            results[impl] = {"skipped": "not timed", "note": workload.notes[impl]}
    return {
        "title": workload.title,
        "unit": workload.unit,
        "steps_per_round": n_steps,
        "warmup_steps": n_warmup,
        "target": list(workload.target) if workload.target else None,
        "memory_target": list(workload.memory_target),
        "gradient_check": check,
        "results": results,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="e.g. W1,W3 (default: all)")
    parser.add_argument(
        "--impls", default=",".join(IMPLEMENTATIONS), help="e.g. numpy,tensorgrad (default: all available)"
    )
    parser.add_argument(
        "--rounds", type=int, help=f"rounds per workload (default {DEFAULT_ROUNDS}; 1 with --quick)"
    )
    parser.add_argument("--steps", type=int, help="timed steps per worker and round (default: per workload)")
    parser.add_argument("--warmup", type=int, help="untimed steps before them (default: per workload)")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS/OpenMP threads per worker; 0: library defaults"
    )
    parser.add_argument("--quick", action="store_true", help="one round of a step or two: a smoke test")
    parser.add_argument("--out", type=Path, help="write results.json and results.md into this directory")
    args = parser.parse_args(argv)
    args.workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    args.impls = [i.strip().lower() for i in args.impls.split(",") if i.strip()]
    for w in args.workloads:
        if w not in WORKLOADS:
            parser.error(f"unknown workload {w!r}; choose from {', '.join(WORKLOADS)}")
    for i in args.impls:
        if i not in IMPLEMENTATIONS:
            parser.error(f"unknown implementation {i!r}; choose from {', '.join(IMPLEMENTATIONS)}")
    if args.rounds is None:
        args.rounds = 1 if args.quick else DEFAULT_ROUNDS
    for name in ("rounds", "steps"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def versions() -> dict[str, str | None]:
    import tensorgrad

    found: dict[str, str | None] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorgrad": getattr(tensorgrad, "__version__", None),
        "torch": None,
    }
    if torch_available():  # its version without importing it here
        from importlib.metadata import PackageNotFoundError, version

        try:
            found["torch"] = version("torch")
        except PackageNotFoundError:
            found["torch"] = "unknown"
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    impls = list(args.impls)
    unavailable = {}
    if "pytorch" in impls and not torch_available():
        impls.remove("pytorch")
        unavailable["pytorch"] = "not installed (pip install torch)"
        log("pytorch: torch is not installed, skipped (pip install torch to include it)")
    env = worker_env(args.threads)
    doc: dict = {
        "suite": "tensorgrad benchmark suite (issue 8)",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "settings": {
            "workloads": args.workloads,
            "implementations": impls,
            "rounds": args.rounds,
            "threads": args.threads or "library defaults",
            "quick": args.quick,
        },
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
        },
        "versions": versions(),
        "workloads": {},
    }
    try:
        for key in args.workloads:
            doc["workloads"][key] = measure(
                key, impls, unavailable, args.rounds, args.steps, args.warmup, args.quick, env
            )
    except WorkerFailed as e:
        print(f"\nbenchmark stopped: {e}", file=sys.stderr)
        return 1
    doc["wall_s"] = time.perf_counter() - start

    text = render(doc)
    print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(doc, indent=1) + "\n")
        (args.out / "results.md").write_text(text + "\n")
        log(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    return 0


def render(doc: dict) -> str:
    s, v = doc["settings"], doc["versions"]
    torch = f"PyTorch {v['torch']} CPU" if v["torch"] else "PyTorch not installed"
    lines = [
        f"tensorgrad benchmark suite: {s['rounds']} round(s) per workload, each implementation in its own "
        f"process, order alternating; threads: {s['threads']}",
        f"numpy {v['numpy']}, {torch}, Python {v['python']}, {doc['machine']['cpus']} CPUs; "
        f"gradients checked against the reference (the numpy limit; W6, W7: float64) before timing; "
        f"{doc['wall_s']:.0f} s",
        "",
    ]
    for key, w in doc["workloads"].items():
        lines.append(f"- {key}: {w['title']} ({w['steps_per_round']} steps x {s['rounds']} rounds)")
    targets = "Targets of issue 8 (W6, W7: issue 17), tensorgrad:"
    lines += ["", markdown_table(doc), "", targets, "", targets_table(doc)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
