"""One worker process of the benchmark suite: one workload, one implementation, one JSON line on stdout.

    python benchmarks/worker.py time W1 tensorgrad --steps 300 --warmup 30
        builds the workload, runs ``warmup`` untimed steps, then times ``steps`` steps one by one
        (``time.perf_counter`` around each; Python's garbage collector left on, as a user has it) and prints
        {"times_s": [...], "peak_rss_kib": ...}
    python benchmarks/worker.py baseline W1 tensorgrad
        only imports the implementation's library and builds the workload's data, and prints
        {"peak_rss_kib": ...}: what the worker costs before the workload (so the increment can be reported)
    python benchmarks/worker.py check W1 numpy,tensorgrad,pytorch
        the gradient check (``gradient_check.py``); prints its result, or exits with status 3 and the reason
        on stderr when an implementation disagrees with the numpy reference

Peak RSS is the process's high-water resident set size at the end of its work, in KiB: on Linux the
``VmHWM`` line of /proc/self/status, elsewhere ``resource.getrusage(RUSAGE_SELF).ru_maxrss``. (On Linux,
``ru_maxrss`` keeps the maximum across ``execve``, so a worker started by a driver that holds 40 MiB would
report at least 40 MiB whatever it did; VmHWM belongs to the process image alone. Both are in the JSON.)
``run.py`` starts these processes; each process imports only the library it measures.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def peak_rss() -> dict[str, int]:
    """{"peak_rss_kib": the peak (VmHWM where there is one), "ru_maxrss_kib": getrusage's}."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss = maxrss // 1024 if sys.platform == "darwin" else maxrss  # bytes on macOS, KiB on Linux
    peak = maxrss
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])  # "VmHWM:    8728 kB"
    except OSError:
        pass
    return {"peak_rss_kib": peak, "ru_maxrss_kib": maxrss}


def time_steps(workload_key: str, impl: str, steps: int, warmup: int) -> dict:
    from workloads import WORKLOADS

    workload = WORKLOADS[workload_key]
    bench = workload.builders[impl](workload.make_data())
    step = bench.step
    for _ in range(warmup):
        step()
    clock = time.perf_counter
    times = []
    for _ in range(steps):
        start = clock()
        step()
        times.append(clock() - start)
    return {"times_s": times, **peak_rss()}


def baseline(workload_key: str, impl: str) -> dict:
    from workloads import WORKLOADS, frameworks

    if impl != "numpy":
        frameworks.load(impl)
    WORKLOADS[workload_key].make_data()
    return peak_rss()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=["time", "baseline", "check"])
    parser.add_argument("workload")
    parser.add_argument("impl", help="the implementation (for check: a comma-separated list)")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    if args.mode == "time":
        result = time_steps(args.workload, args.impl, args.steps, args.warmup)
    elif args.mode == "baseline":
        result = baseline(args.workload, args.impl)
    else:
        from gradient_check import GradientMismatch, check

        try:
            result = check(args.workload, args.impl.split(","))
        except GradientMismatch as e:
            print(f"gradient check failed: {e}", file=sys.stderr)
            return 3
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
