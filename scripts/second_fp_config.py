"""Run a command under a second floating-point configuration: another OpenBLAS kernel, another thread count.

    python scripts/second_fp_config.py COMMAND [ARG ...]

A notebook claim or a numeric test that holds only for one BLAS kernel's rounding (one summation order in a
matrix product) passes on the machine where it was written and fails on a user's. ``make test`` runs the
notebooks and the numeric tests a second time through this script, so such a claim fails here first.

The second configuration differs from the first in both ways the machine allows:

* the kernel: OpenBLAS picks one for the CPU (SkylakeX, Zen, Haswell, ...); ``OPENBLAS_CORETYPE`` asks for
  another that this CPU can run (Haswell needs AVX2 and FMA, Sandybridge AVX; Nehalem runs on any x86-64).
  Where the environment already sets ``OPENBLAS_CORETYPE`` (some machines need it to work around a faulty
  kernel), it is left as it is;
* the threads: 1 where OpenBLAS uses several, 2 where it uses one (a threaded product splits its sums).

It prints both configurations, as threadpoolctl reports them, then replaces itself with the command.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

#: x86-64 kernels to fall back on, with the CPU flags each needs, the most common first
X86_KERNELS = [("Haswell", {"avx2", "fma"}), ("Sandybridge", {"avx"}), ("Nehalem", set())]
ARM_KERNELS = [("ARMV8", set())]
KERNELS = {"x86_64": X86_KERNELS, "amd64": X86_KERNELS, "aarch64": ARM_KERNELS, "arm64": ARM_KERNELS}

PROBE = (
    "import json, numpy, threadpoolctl; "
    "info = [i for i in threadpoolctl.threadpool_info() if i.get('internal_api') == 'openblas']; "
    "print(json.dumps(info[0] if info else {}))"
)


def blas(env: dict[str, str]) -> dict:
    """What OpenBLAS runs as under ``env``: its kernel ("architecture") and thread count."""
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as f:
            return next((set(line.split(":", 1)[1].split()) for line in f if line.startswith("flags")), set())
    except OSError:
        return set()


def second_configuration(first: dict) -> dict[str, str]:
    """The environment variables of a configuration that differs from ``first`` in kernel and threads."""
    threads = first.get("num_threads", 1)
    env = {"OPENBLAS_NUM_THREADS": "2" if threads == 1 else "1"}
    if "OPENBLAS_CORETYPE" in os.environ:
        return env
    kernels = KERNELS.get(platform.machine().lower(), [])
    flags = cpu_flags()
    current = str(first.get("architecture", "")).lower()
    for name, needs in kernels:
        if name.lower() != current and needs <= flags:
            env["OPENBLAS_CORETYPE"] = name
            break
    return env


def describe(info: dict) -> str:
    if not info:
        return "no OpenBLAS found (numpy uses another BLAS)"
    kernel, threads = info.get("architecture"), info.get("num_threads")
    return f"OpenBLAS {info.get('version')}, kernel {kernel}, {threads} thread(s)"


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    first = blas(dict(os.environ))
    changes = second_configuration(first)
    env = {**os.environ, **changes}
    second = blas(env)
    print(f"first floating-point configuration:  {describe(first)}")
    print(
        f"second floating-point configuration: {describe(second)} "
        f"({' '.join(f'{name}={value}' for name, value in changes.items())})"
    )
    if first and (first.get("architecture"), first.get("num_threads")) == (
        second.get("architecture"),
        second.get("num_threads"),
    ):
        sys.exit("second_fp_config: could not change OpenBLAS's kernel or thread count here")
    sys.stdout.flush()
    os.execvpe(sys.argv[1], sys.argv[1:], env)


if __name__ == "__main__":
    main()
