"""The benchmark suite (benchmarks/run.py) runs, measures and checks: not timed here, only kept from rotting.

The smoke test runs every workload once for numpy and tensorgrad (never torch) with ``--quick``.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"]
NO_NUMPY = ("W6", "W7")  # sequence models: tensorgrad against PyTorch, no hand-written numpy


def run_suite(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = run_suite("--quick", "--impls", "numpy,tensorgrad", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return result, json.loads((out / "results.json").read_text()), (out / "results.md").read_text()


@pytest.fixture
def gradient_check(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import gradient_check

    return gradient_check


def test_quick_run_prints_the_table_and_writes_it_as_markdown(quick_run):
    result, _, markdown = quick_run
    for key in WORKLOADS:
        assert f"| {key} | tensorgrad |" in result.stdout
    assert "| W1 | numpy |" in result.stdout
    assert "| W5 | numpy | not timed |" in result.stdout  # the table has no numpy limit for W5
    assert "| pytorch |" not in markdown  # not requested: no rows (and torch never imported)
    assert markdown.strip() in result.stdout


def test_quick_run_measures_every_workload_with_real_numbers(quick_run):
    _, doc, _ = quick_run
    assert list(doc["workloads"]) == WORKLOADS
    for key, workload in doc["workloads"].items():
        tg = workload["results"]["tensorgrad"]
        assert 0 < tg["min"] <= tg["median"] <= tg["max"], key
        assert np.isfinite(tg["median"]), key
        assert tg["peak_mib"] > 0 and tg["baseline_mib"] > 0, key
        if key == "W5" or key in NO_NUMPY:
            assert workload["results"]["numpy"]["skipped"] == "not timed"
            assert tg["x_numpy"] is None
            continue
        numpy_row = workload["results"]["numpy"]
        assert numpy_row["median"] > 0 and numpy_row["x_numpy"] == 1.0, key
        assert tg["x_numpy"] == pytest.approx(tg["median"] / numpy_row["median"]), key
        assert tg["peak_x_numpy"] == pytest.approx(tg["peak_mib"] / numpy_row["peak_mib"]), key
        assert tg["x_pytorch"] is None  # torch was not requested


def test_quick_run_checks_gradients_before_timing(quick_run):
    _, doc, _ = quick_run
    for key, workload in doc["workloads"].items():
        check = workload["gradient_check"]
        assert check["passed"] and check["reference"] == ("float64" if key in NO_NUMPY else "numpy"), key
        assert check["compared"]["tensorgrad"]["max_rel_err"] <= check["rtol"], key
        if key in ("W1", "W2", "W3", *NO_NUMPY):  # training steps: the parameters after the optimizer's too
            assert check["optimizer_steps_compared"] == 2, key
            assert check["compared"]["tensorgrad"]["params_max_rel_err"] <= check["params_rtol"], key
        if key in NO_NUMPY:  # the float64 reference was itself checked by central differences
            assert check["reference_finite_differences_max_rel_err"] <= 1e-5, key


def test_gradient_check_fails_loudly_on_a_different_gradient(gradient_check):
    ref = {"0.weight": np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)}
    wrong = {"0.weight": ref["0.weight"] * 1.001}
    with pytest.raises(gradient_check.GradientMismatch, match=r"0\.weight.*beyond rtol"):
        gradient_check.compare(ref, wrong, 1e-4, "W1 tensorgrad: gradient of")
    with pytest.raises(gradient_check.GradientMismatch, match="exceeds rtol"):
        gradient_check.compare_normwise(ref, wrong, 1e-4, "W1 tensorgrad: after 2 steps,")
    with pytest.raises(gradient_check.GradientMismatch, match="differ from the reference"):
        gradient_check.compare(ref, {"2.weight": ref["0.weight"]}, 1e-4, "W1")


def test_finite_differences_catch_a_wrong_reference_gradient(gradient_check):
    # L(p) = sum(p^2): the gradient is 2p; a reference that says 2.1p must fail the check
    p = {
        "layers.0.w": np.linspace(-1, 1, 6).reshape(2, 3),
        "layers.1.w": np.linspace(0.5, 2, 6).reshape(2, 3),
    }
    bench = gradient_check.Bench(
        step=lambda: None,
        grads=lambda: {k: 2 * v for k, v in p.items()},
        params=lambda: {k: v.copy() for k, v in p.items()},
        loss_at=lambda values: float(sum((v * v).sum() for v in {**p, **values}.values())),
    )
    assert gradient_check.finite_differences(bench, bench.grads(), "toy") < 1e-8
    wrong = {k: 2.1 * v for k, v in p.items()}
    with pytest.raises(gradient_check.GradientMismatch, match=r"layers\.\*\.w.*central differences"):
        gradient_check.finite_differences(bench, wrong, "toy")


def test_gradient_check_accepts_float32_rounding(gradient_check):
    ref = {"b": np.array([1.0, -3.0, 1e-9, 0.0], np.float32)}
    close = {"b": np.array([1.0000001, -3.0000002, 2e-9, 0.0], np.float32)}
    assert gradient_check.compare(ref, close, 1e-4, "W1")["max_rel_err"] < 1e-4


def test_unknown_workload_or_implementation_is_a_usage_error():
    for args in (["--workloads", "W9"], ["--impls", "jax"]):
        result = run_suite("--quick", *args)
        assert result.returncode == 2
        assert "choose from" in result.stderr


def test_the_training_layer_benchmark_runs_and_reports_ratios():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "training.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("loader:") and lines[4].startswith("fit:")
    rows = {line.split("  ")[1].strip(): line.split()[-1] for line in lines if line.endswith("x")}
    assert set(rows) == {
        "numpy indexing",
        "DataLoader",
        "hand-written loop",
        "fit(progress=False)",
        "fit(progress=True)",
    }
    assert rows["numpy indexing"] == rows["hand-written loop"] == "1.00x"  # each ratio is to the first row
