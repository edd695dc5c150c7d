"""tensorgrad.experiments.sweep: grid and random sweeps, repeats, failures, tables, JSON and the plot."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

import tensorgrad as tg
from tensorgrad.experiments.paths import optimize_path, plot_paths
from tensorgrad.experiments.surfaces import rosenbrock
from tensorgrad.experiments.sweep import IntUniform, LogUniform, SweepResult, Uniform, plot_sweep, sweep


def _same_rows(a: list[dict], b: list[dict]) -> bool:
    """Row lists equal, with nan equal to nan."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if list(x) != list(y):
            return False
        for key in x:
            both_nan = isinstance(x[key], float) and isinstance(y[key], float) and math.isnan(x[key])
            if not (x[key] == y[key] or (both_nan and math.isnan(y[key]))):
                return False
    return True


def _lr_objective(lr: float, batch: int) -> dict[str, float]:
    """A made-up learning-rate curve: best near lr = 0.03, blowing up (nan) at lr >= 1."""
    if lr >= 1:
        return {"loss": math.inf, "accuracy": math.nan}
    loss = (math.log10(lr) + 1.5) ** 2 + 1 / batch
    return {"loss": loss, "accuracy": 1 / (1 + loss)}


LR_SPACE = {"lr": [1e-4, 1e-3, 1e-2, 1e-1, 1.0], "batch": [16, 64]}


# ----------------------------------------------------------------------------------------------------
# grid mode


def test_grid_runs_the_cartesian_product_in_order_last_parameter_fastest():
    calls = []

    def objective(a, b):
        calls.append((a, b))
        return a * 10 + len(b)

    result = sweep(objective, {"a": [1, 2], "b": ["x", "yy", "zzz"]})
    expected = [(1, "x"), (1, "yy"), (1, "zzz"), (2, "x"), (2, "yy"), (2, "zzz")]
    assert calls == expected
    assert len(result) == 6
    assert [(r["a"], r["b"]) for r in result.rows] == expected
    assert [r["value"] for r in result.rows] == [11.0, 12.0, 13.0, 21.0, 22.0, 23.0]
    assert result.params == ["a", "b"] and result.metrics == ["value"]
    assert list(result.rows[0]) == ["a", "b", "value"]  # parameters first, then metrics


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4))
def test_grid_size_is_the_product_of_the_list_lengths(sizes):
    space = {f"p{i}": list(range(n)) for i, n in enumerate(sizes)}
    result = sweep(lambda **params: sum(params.values()), space)
    assert len(result) == math.prod(sizes)
    assert len({tuple(r[p] for p in space) for r in result.rows}) == len(result)


def test_a_dict_of_metrics_becomes_columns():
    result = sweep(_lr_objective, LR_SPACE)
    assert result.metrics == ["loss", "accuracy"]
    row = result.rows[2]  # lr = 1e-3, batch = 16
    assert row["lr"] == 1e-3 and row["batch"] == 16
    assert row["loss"] == pytest.approx(1.5**2 + 1 / 16)  # (log10(1e-3) + 1.5)² + 1/16


# ----------------------------------------------------------------------------------------------------
# random mode


def test_random_mode_is_reproducible_by_seed_and_draws_from_the_lists():
    space = {"lr": LogUniform(1e-4, 1.0), "width": IntUniform(8, 12), "act": ["relu", "tanh"]}
    a = sweep(lambda lr, width, act: lr * width, space, mode="random", trials=20, seed=3)
    b = sweep(lambda lr, width, act: lr * width, space, mode="random", trials=20, seed=3)
    c = sweep(lambda lr, width, act: lr * width, space, mode="random", trials=20, seed=4)
    assert a.rows == b.rows
    assert a.rows != c.rows
    assert len(a) == 20
    for row in a.rows:
        assert 1e-4 <= row["lr"] <= 1.0 and isinstance(row["lr"], float)
        assert row["width"] in range(8, 13) and isinstance(row["width"], int)
        assert row["act"] in ("relu", "tanh")
    assert {r["act"] for r in a.rows} == {"relu", "tanh"}


def test_random_mode_does_not_depend_on_the_global_seed():
    space = {"x": Uniform(0.0, 1.0)}
    tg.manual_seed(1)
    first = sweep(lambda x: x, space, mode="random", trials=5)
    tg.manual_seed(2)
    assert sweep(lambda x: x, space, mode="random", trials=5).rows == first.rows


def test_log_uniform_samples_stay_inside_and_spread_evenly_over_the_decades():
    rng = np.random.default_rng(0)
    dist = LogUniform(1e-4, 1.0)
    samples = np.array([dist.sample(rng) for _ in range(4000)])
    assert samples.min() >= 1e-4 and samples.max() <= 1.0
    per_decade = np.histogram(np.log10(samples), bins=[-4, -3, -2, -1, 0])[0] / samples.size
    np.testing.assert_allclose(
        per_decade, 0.25, atol=0.03
    )  # uniform over [low, high] would put ~90% in the top one
    assert np.mean(np.log10(samples)) == pytest.approx(-2.0, abs=0.05)


@given(st.floats(1e-8, 1e3), st.floats(1.001, 1e6), st.integers(0, 2**32 - 1))
def test_distributions_sample_within_their_bounds(low, factor, seed):
    rng = np.random.default_rng(seed)
    high = low * factor
    assert low <= LogUniform(low, high).sample(rng) <= high
    assert low <= Uniform(low, high).sample(rng) <= high
    assert 3 <= IntUniform(3, 5).sample(rng) <= 5


def test_int_uniform_includes_both_ends():
    rng = np.random.default_rng(0)
    assert {IntUniform(1, 3).sample(rng) for _ in range(200)} == {1, 2, 3}
    assert IntUniform(7, 7).sample(rng) == 7


# ----------------------------------------------------------------------------------------------------
# repeats


def test_repeats_pass_seeds_and_record_mean_and_sample_std():
    seen = []

    def objective(x, seed):
        seen.append((x, seed))
        return {"loss": x + seed}

    result = sweep(objective, {"x": [10, 20]}, repeats=3, seed=5)
    assert seen == [(10, 5), (10, 6), (10, 7), (20, 5), (20, 6), (20, 7)]
    assert result.metrics == ["loss", "loss_std"]
    assert result.rows[0]["loss"] == 16.0 and result.rows[1]["loss"] == 26.0
    assert result.rows[0]["loss_std"] == pytest.approx(1.0)  # std of 15, 16, 17 with ddof = 1


def test_repeats_call_an_objective_without_seed_several_times():
    counter = {"n": 0}

    def objective(x):
        counter["n"] += 1
        return counter["n"]

    result = sweep(objective, {"x": [1, 2]}, repeats=2)
    assert counter["n"] == 4
    assert result.column("value").tolist() == [1.5, 3.5]
    assert result.rows[0]["value_std"] == pytest.approx(math.sqrt(0.5))


def test_a_single_run_also_gets_the_sweep_seed_when_accepted():
    result = sweep(lambda x, seed=0: seed, {"x": [1]}, seed=42)
    assert result.rows[0]["value"] == 42.0


def test_one_nan_run_makes_the_mean_nan():
    result = sweep(lambda x, seed: math.nan if seed == 1 else x, {"x": [1.0, 2.0]}, repeats=2)
    assert math.isnan(result.rows[0]["value"]) and math.isnan(result.rows[0]["value_std"])


# ----------------------------------------------------------------------------------------------------
# failures


def test_non_finite_metrics_are_recorded_as_nan_and_the_sweep_goes_on():
    result = sweep(_lr_objective, LR_SPACE)
    assert len(result) == 10
    diverged = [r for r in result.rows if r["lr"] == 1.0]
    assert len(diverged) == 2 and all(math.isnan(r["loss"]) and math.isnan(r["accuracy"]) for r in diverged)
    assert np.isfinite(result.column("loss")[:8]).all()


def test_a_metric_missing_from_some_runs_is_nan():
    result = sweep(lambda x: {"a": x} if x == 1 else {"a": x, "b": 2 * x}, {"x": [1, 2]})
    assert result.metrics == ["a", "b"]
    assert math.isnan(result.rows[0]["b"]) and result.rows[1]["b"] == 4.0


def test_an_exception_in_the_objective_names_the_parameters():
    def objective(lr, batch):
        if lr == 0.1:
            raise ValueError("boom")
        return lr

    with pytest.raises(ValueError, match=r"lr=0.1, batch=16: boom") as info:
        sweep(objective, {"lr": [0.01, 0.1], "batch": [16, 32]})
    assert isinstance(info.value.__cause__, ValueError) and str(info.value.__cause__) == "boom"


def test_a_non_numeric_metric_is_a_type_error_naming_the_parameters():
    with pytest.raises(TypeError, match=r"metric 'value' is str.*x=3"):
        sweep(lambda x: "fine", {"x": [3]})
    with pytest.raises(TypeError, match=r"metric 'acc' is NoneType"):
        sweep(lambda x: {"acc": None}, {"x": [3]})


def test_a_metric_named_like_a_parameter_is_an_error():
    with pytest.raises(ValueError, match="metric 'lr', which is also a parameter"):
        sweep(lambda lr: {"lr": lr}, {"lr": [0.1]})


def test_tensor_and_numpy_scalars_are_accepted_as_metrics():
    result = sweep(lambda x: {"a": tg.tensor(x) * 2, "b": np.float32(x), "c": np.array([x])}, {"x": [1.5]})
    assert result.rows[0] == {"x": 1.5, "a": 3.0, "b": 1.5, "c": 1.5}


@pytest.mark.parametrize(
    ("space", "kwargs", "error", "match"),
    [
        ({"lr": LogUniform(1e-4, 1)}, {}, ValueError, "mode='random'"),
        ({"lr": [0.1]}, {"mode": "random"}, ValueError, "needs trials"),
        ({"lr": [0.1]}, {"mode": "random", "trials": 0}, ValueError, "needs trials"),
        ({"lr": [0.1]}, {"trials": 3}, ValueError, "trials is for mode='random'"),
        ({"lr": [0.1]}, {"mode": "bayes"}, ValueError, "mode must be 'grid' or 'random'"),
        ({"lr": []}, {}, ValueError, "'lr' has no values"),
        ({"lr": "0.1"}, {}, TypeError, "must be a list"),
        ({"lr": 0.1}, {}, TypeError, "must be a list"),
        ({}, {}, TypeError, "non-empty dict"),
        ([("lr", [0.1])], {}, TypeError, "non-empty dict"),
        ({"learning rate": [0.1]}, {}, ValueError, "identifiers"),
        ({"lr": [0.1]}, {"repeats": 0}, ValueError, "repeats must be a positive integer"),
        ({"lr": [0.1], "seed": [1, 2]}, {"repeats": 2}, ValueError, "'seed' is a swept parameter"),
    ],
)
def test_bad_spaces_and_options_are_clear_errors(space, kwargs, error, match):
    with pytest.raises(error, match=match):
        sweep(lambda **params: 0.0, space, **kwargs)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: LogUniform(0.0, 1.0), "0 < low < high"),
        (lambda: LogUniform(1.0, 0.1), "0 < low < high"),
        (lambda: Uniform(2.0, 1.0), "low < high"),
        (lambda: Uniform(0.0, math.inf), "finite"),
        (lambda: IntUniform(1.5, 3), "integers"),
        (lambda: IntUniform(4, 3), "low <= high"),
    ],
)
def test_bad_distributions_are_rejected(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# ----------------------------------------------------------------------------------------------------
# the result: best, column, table, JSON


def test_best_ignores_nan_and_picks_min_or_max():
    result = sweep(_lr_objective, LR_SPACE)
    best = result.best("loss")
    assert (best["lr"], best["batch"]) == (1e-2, 64)  # log10(lr) + 1.5 = -0.5 is closest to 0; larger batch
    assert result.best("accuracy", mode="max") == best
    assert result.best() == best  # the first metric by default
    best["lr"] = 0  # a copy
    assert result.best("loss")["lr"] == 1e-2
    with pytest.raises(ValueError, match="no metric 'acc'"):
        result.best("acc")
    with pytest.raises(ValueError, match="mode must be"):
        result.best("loss", mode="lowest")


def test_best_when_everything_diverged_is_an_error():
    result = sweep(lambda x: math.inf, {"x": [1, 2]})
    with pytest.raises(ValueError, match="all diverged"):
        result.best()


def test_column_gives_numbers_as_floats_and_other_values_as_objects():
    result = sweep(lambda lr, opt: lr, {"lr": [0.1, 1.0], "opt": ["sgd", "adam"]})
    np.testing.assert_array_equal(result.column("lr"), [0.1, 0.1, 1.0, 1.0])
    assert result.column("value").dtype == np.float64
    assert result.column("opt").tolist() == ["sgd", "adam", "sgd", "adam"]
    with pytest.raises(ValueError, match="no column 'loss'; the result has lr, opt, value"):
        result.column("loss")


def test_table_is_aligned_and_sorted_with_nan_last():
    result = sweep(_lr_objective, LR_SPACE)
    lines = result.table(sort_by="loss").splitlines()
    assert lines[0].split() == ["lr", "batch", "loss", "accuracy"]
    assert set(lines[1]) <= {"-", " "}
    body = [line.split() for line in lines[2:]]
    assert len(body) == 10
    assert body[0][:2] == ["0.01", "64"]
    assert [b[2] for b in body[-2:]] == ["nan", "nan"]
    losses = [float(b[2]) for b in body[:-2]]
    assert losses == sorted(losses)
    # right-aligned numbers: each column ends at the same place on every line
    ends = {line.index(b[2]) + len(b[2]) for line, b in zip(lines[2:], body)}
    assert len(ends) == 1
    descending = result.table(sort_by="accuracy", mode="max").splitlines()[2].split()
    assert descending[:2] == ["0.01", "64"]
    assert str(result) == result.table()


def test_to_markdown_is_a_pipe_table():
    result = sweep(lambda opt, lr: lr, {"opt": ["a|b"], "lr": [0.5]})
    assert result.to_markdown().splitlines() == [
        "| opt | lr | value |",
        "|:---|---:|---:|",
        "| a\\|b | 0.5 | 0.5 |",
    ]


def test_json_round_trip_keeps_every_value_and_writes_nan_as_null(tmp_path):
    result = sweep(_lr_objective, LR_SPACE, repeats=2)
    document = json.loads(result.to_json())
    assert document["format"] == "tensorgrad.sweep" and document["version"] == 1
    assert document["rows"][8]["loss"] is None  # nan
    path = tmp_path / "sweep.json"
    result.save_json(path)
    loaded = SweepResult.load_json(path)
    assert _same_rows(loaded.rows, result.rows)
    assert (loaded.params, loaded.metrics, loaded.repeats, loaded.mode) == (
        result.params,
        result.metrics,
        2,
        "grid",
    )
    assert [p.name for p in tmp_path.iterdir()] == ["sweep.json"]  # no temporary file left behind
    assert SweepResult.from_json(result.to_json()).table() == result.table()


def test_json_errors_are_clear(tmp_path):
    result = sweep(lambda x: x, {"x": [1]})
    with pytest.raises(FileNotFoundError, match="does not exist"):
        result.save_json(tmp_path / "missing" / "sweep.json")
    with pytest.raises(FileNotFoundError, match="no such file"):
        SweepResult.load_json(tmp_path / "nothing.json")
    with pytest.raises(ValueError, match="not valid JSON"):
        SweepResult.from_json("{")
    with pytest.raises(ValueError, match="not a sweep result"):
        SweepResult.from_json('{"rows": []}')


def test_progress_bar_reports_every_run(capsys):
    sweep(lambda x: x, {"x": [1, 2, 3]}, repeats=2, progress=True)
    assert "6/6" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------
# plot_sweep


def _labels(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_plot_sweep_draws_one_line_per_by_value_with_diverged_and_best_markers(tmp_path):
    result = sweep(_lr_objective, LR_SPACE)
    fig = plot_sweep(result, "lr", "loss", by="batch")
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    # two curves, the diverged markers of each, the best star
    assert labels[0] == "batch=16" and labels.count("diverged (nan)") == 1 and len(ax.lines) == 5
    assert _labels(fig)[:2] == ["batch=16", "batch=64"]
    assert fig.axes[0].get_legend().get_title().get_text() == "batch"
    curve = ax.lines[0]
    np.testing.assert_array_equal(curve.get_xdata(), [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert math.isnan(curve.get_ydata()[-1])
    crosses = ax.lines[1]
    assert crosses.get_marker() == "x" and list(crosses.get_xdata()) == [1.0]
    assert list(crosses.get_ydata()) == [1.0]  # the top edge, in axes units
    second = ax.lines[3]  # batch=64 diverged at the same lr: its crosses sit one row lower, not on top
    assert second.get_marker() == "x" and list(second.get_xdata()) == [1.0]
    assert second.get_ydata()[0] < 1.0 and second.get_color() != crosses.get_color()
    star = ax.lines[-1]
    assert star.get_marker() == "*" and (star.get_xdata()[0], star.get_ydata()[0]) == (
        1e-2,
        pytest.approx(result.best("loss")["loss"]),
    )
    assert ax.get_xscale() == "log"  # 1e-4 .. 1 spans four decades
    assert ax.get_xlabel().startswith("lr") and ax.get_ylabel() == "loss"
    assert ax.get_title() == "loss vs lr, by batch"
    fig.savefig(tmp_path / "sweep.png")
    assert (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_sweep_keeps_a_linear_axis_for_values_within_two_decades():
    result = sweep(lambda lr: lr, {"lr": [0.1, 0.2, 0.5, 1.0, 5.0]})
    assert plot_sweep(result, "lr", "value").axes[0].get_xscale() == "linear"
    assert plot_sweep(result, "lr", "value", log_x=True).axes[0].get_xscale() == "log"
    wide = sweep(lambda lr: lr, {"lr": [0.01, 2.0]})  # 200x: more than two decades
    assert plot_sweep(wide, "lr", "value").axes[0].get_xscale() == "log"
    assert plot_sweep(wide, "lr", "value", log_x=False).axes[0].get_xscale() == "linear"
    with pytest.raises(ValueError, match="log_x=True needs positive"):
        plot_sweep(sweep(lambda x: x, {"x": [0, 1]}), "x", "value", log_x=True)


def test_plot_sweep_takes_the_best_over_other_parameters_and_says_so():
    result = sweep(lambda lr, wd: lr + wd, {"lr": [1.0, 2.0], "wd": [0.0, 0.5]})
    fig = plot_sweep(result, "lr", "value")
    ax = fig.axes[0]
    assert list(ax.lines[0].get_ydata()) == [1.0, 2.0]  # the min over wd
    assert ax.get_ylabel() == "value (min over wd)"
    maxed = plot_sweep(result, "lr", "value", mode="max").axes[0]
    assert list(maxed.lines[0].get_ydata()) == [1.5, 2.5]


def test_plot_sweep_places_names_on_categorical_ticks_and_draws_std_bands():
    result = sweep(
        lambda opt, seed: {"sgd": 1.0, "adam": 0.5}[opt] + seed, {"opt": ["sgd", "adam"]}, repeats=3
    )
    fig = plot_sweep(result, "opt", "value")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sgd", "adam"]
    assert list(ax.lines[0].get_xdata()) == [0.0, 1.0]
    assert len(ax.collections) == 1  # the ±1 std band
    assert "best: value=1.5 at opt=adam" in _labels(fig)


def test_plot_sweep_draws_into_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    result = sweep(lambda lr: lr, {"lr": [0.1, 0.2]})
    assert plot_sweep(result, "lr", "value", ax=ax, title="mine") is fig
    assert ax.get_title() == "mine"


def test_plot_sweep_rejects_unknown_names():
    result = sweep(_lr_objective, LR_SPACE)
    with pytest.raises(ValueError, match="no parameter 'momentum'"):
        plot_sweep(result, "momentum", "loss")
    with pytest.raises(ValueError, match="no metric 'acc'"):
        plot_sweep(result, "lr", "acc")
    with pytest.raises(ValueError, match="by must be another parameter"):
        plot_sweep(result, "lr", "loss", by="lr")
    with pytest.raises(TypeError, match="expected a SweepResult"):
        plot_sweep(result.rows, "lr", "loss")  # type: ignore[arg-type]


def test_the_modules_import_without_matplotlib_and_the_plots_say_how_to_install_it(monkeypatch):
    code = (
        "import sys, tensorgrad.experiments.paths, tensorgrad.experiments.sweep; "
        "assert 'matplotlib' not in sys.modules and 'tqdm' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    result = sweep(lambda lr: lr, {"lr": [0.1, 0.2]})
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'tensorgrad\[plot\]'"):
        plot_sweep(result, "lr", "value")
    with pytest.raises(ImportError, match=r"pip install 'tensorgrad\[plot\]'"):
        plot_paths(rosenbrock, optimize_path(rosenbrock, None, "sgd", steps=1))
