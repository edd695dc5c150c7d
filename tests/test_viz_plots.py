"""tensorgrad.viz.plots: the gradient-flow bar chart and the training curves, read back from the Figure."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

import tensorgrad as tg
import tensorgrad.viz
from tensorgrad import nn
from tensorgrad.viz import plot_grad_flow, plot_history


def _model_after_backward(depth: int = 2) -> nn.Sequential:
    """A small sigmoid MLP (depth hidden layers) whose parameters hold gradients of one backward pass."""
    tg.manual_seed(0)
    layers: list[nn.Module] = [nn.Linear(4, 8), nn.Sigmoid()]
    for _ in range(depth - 1):
        layers += [nn.Linear(8, 8), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(8, 1))
    x = tg.randn(16, 4)
    loss = (model(x) ** 2).mean()
    loss.backward()
    return model


def _bar_heights(fig: Figure) -> dict[str, list[float]]:
    ax = fig.axes[0]
    return {c.get_label(): [p.get_height() for p in c.patches] for c in ax.containers}


def _snapshot(model: nn.Module) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    return {
        name: (p.numpy().copy(), None if p.grad is None else p.grad.numpy().copy())
        for name, p in model.named_parameters()
    }


def _png_is_written(fig: Figure, path) -> None:
    fig.savefig(path)
    data = path.read_bytes()
    assert len(data) > 1000
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


# ----------------------------------------------------------------------------------------------------
# plot_grad_flow


def test_viz_is_importable_as_a_subpackage_with_both_functions():
    assert tensorgrad.viz.plot_grad_flow is plot_grad_flow
    assert tensorgrad.viz.plot_history is plot_history


def test_grad_flow_bars_are_the_gradient_norms_and_means_of_the_weights_in_forward_order():
    model = _model_after_backward()
    fig = plot_grad_flow(model)
    assert isinstance(fig, Figure)
    weights = [(n, p) for n, p in model.named_parameters() if p.numpy().ndim > 1]
    assert [n for n, _ in weights] == ["0.weight", "2.weight", "4.weight"]

    heights = _bar_heights(fig)
    assert set(heights) == {"L2 norm", "mean |grad|"}
    norms = [np.linalg.norm(p.grad.numpy().astype(np.float64).ravel()) for _, p in weights]
    means = [np.abs(p.grad.numpy().astype(np.float64)).mean() for _, p in weights]
    np.testing.assert_allclose(heights["L2 norm"], norms, rtol=1e-9)
    np.testing.assert_allclose(heights["mean |grad|"], means, rtol=1e-9)
    assert min(norms) > 0

    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.weight", "2.weight", "4.weight"]
    assert all(t.get_rotation() == 40 and t.get_ha() == "right" for t in ax.get_xticklabels())
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "Gradient flow"
    assert ax.get_xlabel() == "layer"
    assert ax.get_ylabel() == "gradient magnitude (log scale)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["L2 norm", "mean |grad|", "max |grad|"]


def test_grad_flow_marks_the_largest_absolute_gradient_of_each_layer():
    model = _model_after_backward()
    ax = plot_grad_flow(model).axes[0]
    (maxima,) = [c for c in ax.collections if c.get_label() == "max |grad|"]
    levels = [segment[0][1] for segment in maxima.get_segments()]
    expected = [np.abs(p.grad.numpy()).max() for _, p in model.named_parameters() if p.numpy().ndim > 1]
    np.testing.assert_allclose(levels, expected, rtol=1e-6)


def test_grad_flow_y_axis_spans_all_bars_on_whole_decades():
    model = _model_after_backward()
    fig = plot_grad_flow(model)
    low, high = fig.axes[0].get_ylim()
    values = [h for hs in _bar_heights(fig).values() for h in hs]
    assert low < min(values) and max(values) < high
    assert np.log10(low) == round(np.log10(low)) and np.log10(high) == round(np.log10(high))


def test_grad_flow_on_shared_y_axes_keeps_every_panels_bars_in_range():
    small, large = _model_after_backward(), _model_after_backward()
    for p in small.parameters():
        p.grad = p.grad * 1e-6  # six decades below the other panel's
    fig = Figure()
    top, bottom = fig.subplots(2, 1, sharey=True)
    plot_grad_flow(small, ax=top)
    plot_grad_flow(large, ax=bottom)
    low, high = top.get_ylim()
    for p in [*small.parameters(), *large.parameters()]:
        assert low < np.linalg.norm(p.grad.numpy()) < high


def test_grad_flow_include_bias_draws_every_parameter_and_kind_chooses_the_bars():
    model = _model_after_backward()
    fig = plot_grad_flow(model, include_bias=True, kind="norm", title="all of them")
    ax = fig.axes[0]
    names = [n for n, _ in model.named_parameters()]
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    heights = _bar_heights(fig)
    assert list(heights) == ["L2 norm"]
    np.testing.assert_allclose(
        heights["L2 norm"], [np.linalg.norm(p.grad.numpy()) for p in model.parameters()]
    )
    assert ax.get_title() == "all of them"

    only_mean = _bar_heights(plot_grad_flow(model, kind="mean"))
    assert list(only_mean) == ["mean |grad|"]


def test_grad_flow_accepts_named_parameter_pairs():
    model = _model_after_backward()
    pairs = [(f"layer{i}", p) for i, (_, p) in enumerate(model.named_parameters())]
    fig = plot_grad_flow(iter(pairs))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["layer0", "layer2", "layer4"]
    np.testing.assert_allclose(
        _bar_heights(fig)["L2 norm"], [np.linalg.norm(p.grad.numpy()) for _, p in pairs if p.numpy().ndim > 1]
    )
    fig_from_generator = plot_grad_flow(model.named_parameters())
    assert [t.get_text() for t in fig_from_generator.axes[0].get_xticklabels()] == [
        "0.weight",
        "2.weight",
        "4.weight",
    ]


def test_grad_flow_skips_parameters_without_a_gradient():
    model = _model_after_backward()
    model[2].weight.grad = None
    fig = plot_grad_flow(model)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["0.weight", "4.weight"]


def test_grad_flow_changes_neither_parameters_nor_gradients():
    model = _model_after_backward()
    before = _snapshot(model)
    grads_before = {n: p.grad for n, p in model.named_parameters()}
    plot_grad_flow(model, include_bias=True)
    for name, param in model.named_parameters():
        data, grad = before[name]
        np.testing.assert_array_equal(param.numpy(), data)
        assert param.grad is grads_before[name]
        np.testing.assert_array_equal(param.grad.numpy(), grad)
        assert param.grad.numpy().dtype == grad.dtype


def test_grad_flow_shows_an_exactly_zero_gradient_at_the_bottom_without_log_warnings(tmp_path):
    model = _model_after_backward()
    model[0].weight.grad.numpy()[...] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_grad_flow(model)
        _png_is_written(fig, tmp_path / "zero.png")
    ax = fig.axes[0]
    heights = _bar_heights(fig)
    assert heights["L2 norm"][0] == 0.0 and heights["mean |grad|"][0] == 0.0
    assert [t.get_text() for t in ax.texts] == ["0", "0"]
    (zeros,) = [line for line in ax.lines if line.get_label() == "zero gradient"]
    low = ax.get_ylim()[0]
    assert list(zeros.get_ydata()) == [low, low]
    assert low < min(h for h in heights["L2 norm"] if h > 0)
    assert "zero gradient" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_grad_flow_with_every_gradient_zero_still_draws():
    model = _model_after_backward()
    for p in model.parameters():
        p.grad.numpy()[...] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_grad_flow(model)
        fig.canvas.draw()
    assert len(fig.axes[0].texts) == 6


def test_grad_flow_marks_a_non_finite_gradient_at_the_top():
    model = _model_after_backward()
    model[2].weight.grad.numpy()[0, 0] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_grad_flow(model, kind="norm")
        fig.canvas.draw()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["inf"]
    (marks,) = [line for line in ax.lines if line.get_label() == "nan / inf gradient"]
    assert list(marks.get_ydata()) == [ax.get_ylim()[1]]


def test_grad_flow_without_any_gradient_says_to_call_backward():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 1))
    with pytest.raises(ValueError) as error:
        plot_grad_flow(model)
    assert str(error.value) == "plot_grad_flow: no parameter has a gradient yet; call loss.backward() first"


def test_grad_flow_with_only_bias_gradients_points_to_include_bias():
    bias = nn.Parameter(np.ones(3, dtype=np.float32))
    (bias * 2.0).sum().backward()
    with pytest.raises(ValueError, match="include_bias=True"):
        plot_grad_flow([("bias", bias)])
    fig = plot_grad_flow([("bias", bias)], include_bias=True)
    np.testing.assert_allclose(_bar_heights(fig)["L2 norm"], [np.sqrt(12.0)])


def test_grad_flow_rejects_bare_parameters_and_unknown_kind():
    model = _model_after_backward()
    with pytest.raises(TypeError, match=r"named_parameters\(\)"):
        plot_grad_flow(model.parameters())
    with pytest.raises(TypeError, match="nn.Module"):
        plot_grad_flow(3)
    with pytest.raises(ValueError, match="kind must be one of 'both', 'norm', 'mean'"):
        plot_grad_flow(model, kind="max")


def test_grad_flow_draws_into_a_given_axes():
    model = _model_after_backward()
    fig = Figure()
    ax_left, ax_right = fig.subplots(1, 2)
    assert plot_grad_flow(model, ax=ax_right) is fig
    assert ax_right.get_yscale() == "log" and len(ax_right.containers) == 2
    assert ax_left.get_yscale() == "linear" and not ax_left.containers


def test_grad_flow_figure_saves_as_png(tmp_path):
    _png_is_written(plot_grad_flow(_model_after_backward(depth=7)), tmp_path / "x.png")


# ----------------------------------------------------------------------------------------------------
# plot_history

HISTORY = {
    "loss": [1.0, 0.6, 0.4, 0.3],
    "accuracy": [0.5, 0.7, 0.8, 0.85],
    "val_loss": [1.1, 0.8, 0.7, 0.65],
    "val_accuracy": [0.45, 0.6, 0.7, 0.72],
    "lr": [0.1, 0.1, 0.01, 0.01],
}


def _curves(ax) -> dict[str, tuple[list[float], list[float]]]:
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.lines}


def test_history_draws_one_panel_per_family_with_its_validation_curve():
    fig = plot_history(HISTORY)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_ylabel() for ax in visible] == ["loss", "accuracy", "lr"]
    epochs = [1.0, 2.0, 3.0, 4.0]
    assert _curves(visible[0]) == {
        "train": (epochs, HISTORY["loss"]),
        "validation": (epochs, HISTORY["val_loss"]),
    }
    assert _curves(visible[1]) == {
        "train": (epochs, HISTORY["accuracy"]),
        "validation": (epochs, HISTORY["val_accuracy"]),
    }
    assert _curves(visible[2]) == {"train": (epochs, HISTORY["lr"])}
    for ax in visible:
        assert ax.get_xlabel() == "epoch"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == list(_curves(ax))
    assert fig.get_suptitle() == "Training history"


def test_history_accepts_a_list_of_per_epoch_dicts():
    rows = [{key: values[i] for key, values in HISTORY.items()} for i in range(4)]
    from_rows = plot_history(rows, title="run 1")
    from_mapping = plot_history(HISTORY)
    for a, b in zip(from_rows.axes, from_mapping.axes):
        assert _curves(a) == _curves(b)
    assert from_rows.get_suptitle() == "run 1"


def test_history_accepts_an_object_with_a_history_attribute():
    class Record:
        def __init__(self) -> None:
            self.history = {"loss": [3.0, 2.0], "val_loss": [4.0, 3.5]}

    (ax,) = plot_history(Record()).axes
    assert _curves(ax) == {"train": ([1.0, 2.0], [3.0, 2.0]), "validation": ([1.0, 2.0], [4.0, 3.5])}


def test_history_pairs_train_and_test_prefixes_and_keeps_different_lengths():
    history = {"val_loss": [2.0, 1.5], "train_loss": [1.0, 0.8, 0.6], "test_loss": [1.9]}
    (ax,) = plot_history(history).axes
    assert _curves(ax) == {
        "train": ([1.0, 2.0, 3.0], [1.0, 0.8, 0.6]),
        "validation": ([1.0, 2.0], [2.0, 1.5]),
        "test": ([1.0], [1.9]),
    }
    assert ax.get_ylabel() == "loss"


def test_history_rows_missing_a_metric_leave_a_gap_at_the_right_epoch():
    rows = [{"loss": 1.0}, {"loss": 0.5, "val_loss": 0.9}, {"loss": 0.4}, {"loss": 0.3, "val_loss": 0.7}]
    (ax,) = plot_history(rows).axes
    assert _curves(ax)["validation"] == ([2.0, 4.0], [0.9, 0.7])


def test_history_metrics_selects_families_in_the_given_order():
    fig = plot_history(HISTORY, metrics=["accuracy", "val_loss"])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_ylabel() for ax in visible] == ["accuracy", "loss"]
    assert set(_curves(visible[1])) == {"train", "validation"}
    (only,) = plot_history(HISTORY, metrics="lr").axes
    assert only.get_ylabel() == "lr"


def test_history_unknown_metric_names_the_available_ones():
    with pytest.raises(ValueError) as error:
        plot_history(HISTORY, metrics=["loss", "f1"])
    message = str(error.value)
    assert "'f1'" in message and "'loss', 'accuracy', 'lr'" in message
    with pytest.raises(ValueError, match="unknown metric 'val_lr'"):
        plot_history(HISTORY, metrics="val_lr")
    with pytest.raises(ValueError, match="metrics is empty"):
        plot_history(HISTORY, metrics=[])


@pytest.mark.parametrize("empty", [{}, [], {"loss": []}, [{}, {}]])
def test_history_that_is_empty_is_an_error(empty):
    with pytest.raises(ValueError, match="plot_history: the history is empty"):
        plot_history(empty)


def test_history_of_the_wrong_shape_is_a_type_error():
    with pytest.raises(TypeError, match="'loss' must be a list of numbers"):
        plot_history({"loss": 0.5})
    with pytest.raises(TypeError, match="'loss' must hold numbers"):
        plot_history({"loss": [0.5, "low"]})
    with pytest.raises(TypeError, match="one dict per epoch"):
        plot_history([0.5, 0.4])
    with pytest.raises(TypeError, match="expected a mapping"):
        plot_history(0.5)


def test_history_accepts_numpy_arrays_and_scalar_tensors():
    (ax,) = plot_history({"loss": np.array([0.5, 0.25]), "val_loss": [tg.tensor(0.75), tg.tensor(0.5)]}).axes
    assert _curves(ax) == {"train": ([1.0, 2.0], [0.5, 0.25]), "validation": ([1.0, 2.0], [0.75, 0.5])}


def test_history_draws_into_given_axes_one_per_family():
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert plot_history(HISTORY, metrics=["loss", "accuracy"], axes=axes) is fig
    assert [ax.get_ylabel() for ax in axes] == ["loss", "accuracy"]
    assert fig.get_suptitle() == ""
    single = Figure().add_subplot()
    plot_history(HISTORY, metrics="lr", ax=single, title="schedule")
    assert _curves(single) == {"train": ([1.0, 2.0, 3.0, 4.0], HISTORY["lr"])}
    assert single.figure.get_suptitle() == "schedule"
    with pytest.raises(ValueError, match="got 2 axes for 3 metrics"):
        plot_history(HISTORY, axes=Figure().subplots(1, 2))


def test_history_figure_saves_as_png(tmp_path):
    _png_is_written(plot_history(HISTORY), tmp_path / "x.png")


# ----------------------------------------------------------------------------------------------------
# matplotlib missing


def test_importing_viz_does_not_import_matplotlib():
    code = "import sys, tensorgrad.viz; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("function", ["plot_grad_flow", "plot_history"])
def test_missing_matplotlib_names_the_function_and_the_install_command(monkeypatch, function):
    argument = _model_after_backward() if function == "plot_grad_flow" else {"loss": [1.0]}
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.ticker"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError) as error:
        getattr(tensorgrad.viz, function)(argument)
    assert str(error.value) == (
        f"tensorgrad.viz.{function} needs matplotlib: "
        "pip install 'tensorgrad[plot]' (or pip install matplotlib)"
    )
