"""The gradient check run before anything is timed: every implementation must compute the same numbers.

For one workload, each implementation is built from the same initial weights and batch; its gradients
are compared with the hand-written numpy ones (the reference), elementwise:

    |got - ref| <= rtol * (|ref| + max |ref| / 100)

with rtol 1e-4 unless the workload says otherwise (the second term keeps entries that are tiny compared
with the rest of their array, where float32 sums cancel, from failing on rounding). Then, where the
workload has parameters, its parameters after a few training steps, which covers the optimizer's update
too, normwise: ||got - ref|| <= rtol * ||ref|| per array. (Not elementwise: Adam divides by sqrt(v) + eps,
so a gradient entry near eps turns a rounding difference into an update difference of a fraction of lr
on that entry; a wrong update, such as a missing bias correction or a wrong momentum, changes every entry
by about lr and fails the normwise check by orders of magnitude.)

W6 and W7 have no hand-written numpy; their reference is tensorgrad in float64 (``workload.reference``),
whose gradients are first checked against float64 central differences of its loss along random directions
(``finite_differences``), so the reference is the gradient of the loss and not only tensorgrad agreeing
with itself; then tensorgrad and PyTorch in float32 are compared with it as above (the parameters with
``params_rtol`` where the workload gives one).

A failure raises :class:`GradientMismatch` naming the implementation, the array and the worst entry.
"""

from __future__ import annotations

import re

import numpy as np
from workloads import WORKLOADS
from workloads.base import Arrays, Bench

REFERENCE = "numpy"  # the default reference: the hand-written implementation
FD_STEP = 1e-5  # the central differences' step along a unit direction (float64)
FD_RTOL = 1e-5


class GradientMismatch(AssertionError):
    """An implementation computes different gradients (or parameters) than the reference."""


def compare(reference: Arrays, got: Arrays, rtol: float, what: str) -> dict[str, float]:
    """Check the gradients ``got`` against ``reference`` elementwise (the rule above); return the largest
    errors: ``max_rel_err`` is the largest |got - ref| / (|ref| + max |ref| / 100), <= rtol when it passes."""
    _same_arrays(reference, got, what)
    worst = {"max_abs_err": 0.0, "max_rel_err": 0.0}
    for key, ref in reference.items():
        ref64, value64 = ref.astype(np.float64), got[key].astype(np.float64)
        err = np.abs(value64 - ref64)
        scale = np.abs(ref64) + np.abs(ref64).max(initial=0.0) / 100
        rel = np.where(np.isfinite(err), err / np.where(scale > 0, scale, 1.0), np.inf)
        if rel.max(initial=0.0) > rtol:
            i = np.unravel_index(np.argmax(rel), ref.shape)
            raise GradientMismatch(
                f"{what} {key}: differs from the reference beyond rtol {rtol:g}: at index "
                f"{tuple(int(k) for k in i)} got {value64[i]:.8g}, expected {ref64[i]:.8g} (relative error "
                f"{rel[i]:.3g}); the comparison of the implementations would not be honest"
            )
        worst["max_abs_err"] = max(worst["max_abs_err"], float(err.max(initial=0.0)))
        worst["max_rel_err"] = max(worst["max_rel_err"], float(rel.max(initial=0.0)))
    return worst


def compare_normwise(reference: Arrays, got: Arrays, rtol: float, what: str) -> float:
    """Check ``got`` against ``reference`` array by array: ||got - ref|| <= rtol ||ref||; return the largest
    ||got - ref|| / ||ref||."""
    _same_arrays(reference, got, what)
    worst = 0.0
    for key, ref in reference.items():
        ref64, value64 = ref.astype(np.float64), got[key].astype(np.float64)
        norm = float(np.linalg.norm(ref64)) or 1.0
        rel = float(np.linalg.norm(value64 - ref64)) / norm
        if not rel <= rtol:  # also catches NaN
            raise GradientMismatch(
                f"{what} {key}: ||got - expected|| / ||expected|| = {rel:.3g} exceeds rtol {rtol:g}; "
                "the comparison of the implementations would not be honest"
            )
        worst = max(worst, rel)
    return worst


def finite_differences(bench: Bench, grads: Arrays, what: str, seed: int = 0) -> float:
    """Check ``grads`` (float64) against central differences of ``bench.loss_at``. The arrays are taken in
    groups, the same array of every layer together (``layers.0.linear1.weight``, ``layers.1.linear1.weight``
    ...: a wrong formula is wrong in each), one group at a time: along a random unit direction d over the
    group, (L(p + h d) - L(p - h d)) / 2h must equal <grad, d> within FD_RTOL * (|<grad, d>| + ||grad|| / 100)
    (a wrong formula changes <grad, d> by far more). Returns the largest |difference| / (|<grad, d>| +
    ||grad|| / 100)."""
    assert bench.loss_at is not None and bench.params is not None
    rng = np.random.default_rng(seed)
    params = bench.params()
    groups: dict[str, list[str]] = {}
    for key in sorted(grads):
        groups.setdefault(re.sub(r"\.\d+\.", ".*.", key), []).append(key)
    worst = 0.0
    for group, keys in groups.items():
        for key in keys:
            if grads[key].dtype != np.float64:
                raise GradientMismatch(
                    f"{what} {key}: finite differences need float64, not {grads[key].dtype}"
                )
        d = {key: rng.standard_normal(grads[key].shape) for key in keys}
        norm = np.sqrt(sum(float(np.vdot(v, v)) for v in d.values()))
        d = {key: v / norm for key, v in d.items()}
        plus = bench.loss_at({key: params[key] + FD_STEP * d[key] for key in keys})
        minus = bench.loss_at({key: params[key] - FD_STEP * d[key] for key in keys})
        numeric = (plus - minus) / (2 * FD_STEP)
        analytic = sum(float(np.vdot(grads[key], d[key])) for key in keys)
        grad_norm = float(np.sqrt(sum(float(np.vdot(grads[key], grads[key])) for key in keys)))
        rel = abs(numeric - analytic) / (abs(analytic) + grad_norm / 100 or 1.0)
        if not rel <= FD_RTOL:
            raise GradientMismatch(
                f"{what} {group}: the derivative along a random direction is {analytic:.10g}, central "
                f"differences give {numeric:.10g} (relative error {rel:.3g} > {FD_RTOL:g}): the reference "
                "gradient is wrong, so no comparison with it would be honest"
            )
        worst = max(worst, rel)
    return worst


def _same_arrays(reference: Arrays, got: Arrays, what: str) -> None:
    if set(got) != set(reference):
        raise GradientMismatch(
            f"{what}: arrays {sorted(got)} differ from the reference's {sorted(reference)}"
        )
    for key, ref in reference.items():
        if got[key].shape != ref.shape:
            raise GradientMismatch(f"{what} {key}: shape {got[key].shape}, the reference's {ref.shape}")


def check(workload_key: str, implementations: list[str]) -> dict:
    """Build each implementation, compare its gradients (and parameters after ``check_steps`` steps) with
    the reference's (numpy's, or W6/W7's float64 run, itself checked by finite differences first); return
    what was compared and the largest errors. Raises GradientMismatch on a disagreement."""
    workload = WORKLOADS[workload_key]
    reference = workload.reference
    params_rtol = workload.params_rtol or workload.rtol
    data = workload.make_data()
    finite_difference_err = None

    def run(impl: str) -> tuple[Arrays, Arrays | None]:
        nonlocal finite_difference_err
        bench = workload.builders[impl](data)
        grads = bench.grads()
        if impl == reference and reference != REFERENCE:
            finite_difference_err = finite_differences(bench, grads, f"{workload_key} {impl}: gradient of")
        if not workload.check_steps or bench.params is None:
            return grads, None
        for _ in range(workload.check_steps):
            bench.step()
        return grads, bench.params()

    ref_grads, ref_params = run(reference)
    compared: dict[str, dict[str, float]] = {}
    for impl in implementations:
        if impl == reference or impl not in workload.builders:  # W6/W7 have no numpy implementation
            continue
        grads, params = run(impl)
        result = compare(ref_grads, grads, workload.rtol, f"{workload_key} {impl}: gradient of")
        if params is not None and ref_params is not None:
            result["params_max_rel_err"] = compare_normwise(
                ref_params,
                params,
                params_rtol,
                f"{workload_key} {impl}: after {workload.check_steps} steps,",
            )
        compared[impl] = result
    result = {
        "passed": True,
        "reference": reference,
        "rtol": workload.rtol,
        "params_rtol": params_rtol,
        "arrays": sorted(ref_grads),
        "optimizer_steps_compared": workload.check_steps if ref_params is not None else 0,
        "compared": compared,
    }
    if finite_difference_err is not None:
        result["reference_finite_differences_max_rel_err"] = finite_difference_err
    return result
