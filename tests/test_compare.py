"""compare_optimizers: a controlled experiment (same weights, same batches), its table, JSON and plot; and the
quality bars of the built-in models on the digits."""

import json
import re

import numpy as np
import pytest

import tensorgrad as tg
import tensorgrad.data
from tensorgrad import nn, optim
from tensorgrad.experiments.compare import Comparison, Run, compare_optimizers, plot_comparison, write_outputs
from tensorgrad.experiments.datasets import DATASETS, load_dataset
from tensorgrad.experiments.models import cnn, mlp
from tensorgrad.experiments.optimizers import DEFAULT_LR, make_optimizer
from tests.values import backward_order


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", seed=0)


def small(digits, n_train=160, n_test=80):
    """The first digits only: enough to train on in a fraction of a second."""
    train_x, train_y = (a[:n_train] for a in digits.train.tensors)
    test_x, test_y = (a[:n_test] for a in digits.test.tensors)
    return (train_x, train_y), (test_x, test_y)


def test_every_optimizer_starts_from_the_same_weights_and_sees_the_same_batches(digits):
    seen = {}

    def recording(name):
        def build(params):
            params = list(params)
            seen[name] = [p.numpy().copy() for p in params]
            return optim.SGD(params, lr=0.05)

        return build

    result = compare_optimizers(
        lambda: mlp(), small(digits), {"a": recording("a"), "b": recording("b")}, epochs=2, progress=False
    )
    for before_a, before_b in zip(seen["a"], seen["b"]):
        np.testing.assert_array_equal(before_a, before_b)
    # the same rule on the same weights and batches gives the same run, step by step
    assert result.runs["a"].history.steps["loss"] == result.runs["b"].history.steps["loss"]
    assert result.runs["a"].history.history["val_loss"] == result.runs["b"].history.history["val_loss"]


def test_the_comparison_matches_a_hand_written_loop_with_the_same_seed(digits):
    (x, y), test = small(digits)
    result = compare_optimizers(
        lambda: mlp(), ((x, y), test), ["momentum"], epochs=2, batch_size=40, progress=False
    )

    tg.manual_seed(0)
    model = mlp()
    optimizer = make_optimizer("momentum", model.parameters())
    losses = []
    loader = tg.data.DataLoader(tg.data.TensorDataset(x, y), batch_size=40, shuffle=True, seed=0)
    for _epoch in range(2):
        for inputs, labels in loader:
            optimizer.zero_grad()
            loss = nn.CrossEntropyLoss()(model(inputs), labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    assert result.runs["momentum"].history.steps["loss"] == losses


def test_runs_record_steps_epochs_and_time_and_the_table_shows_them(digits):
    result = compare_optimizers(
        lambda: mlp(), small(digits), ["sgd", "adam"], epochs=3, batch_size=32, progress=False
    )
    assert list(result.runs) == ["sgd", "adam"]
    assert result.steps_per_epoch == 5
    for name, run in result.runs.items():
        assert run.lr == DEFAULT_LR[name]
        assert len(run.history.steps["loss"]) == 15
        assert len(run.history.history["val_accuracy"]) == 3
        assert all(t > 0 for t in run.history.history["time"])
    lines = result.table().splitlines()
    assert lines[0].split() == [
        "optimizer",
        "lr",
        "train",
        "loss",
        "test",
        "loss",
        "test",
        "accuracy",
        "time/epoch",
    ]
    adam = result.runs["adam"].final
    assert lines[3].split()[:5] == [
        "adam",
        f"{DEFAULT_LR['adam']:g}",
        f"{adam['loss']:.4f}",
        f"{adam['val_loss']:.4f}",
        f"{100 * adam['val_accuracy']:.1f}%",
    ]


def test_learning_rates_can_be_given_by_name_and_errors_name_the_problem(digits):
    result = compare_optimizers(lambda: mlp(), small(digits), {"sgd": 0.02}, epochs=1, progress=False)
    assert result.runs["sgd"].lr == 0.02
    result = compare_optimizers(
        lambda: mlp(), small(digits), ["adam"], epochs=1, lr={"adam": 0.01}, progress=False
    )
    assert result.runs["adam"].lr == 0.01
    with pytest.raises(ValueError, match="unknown optimizer 'adamax'"):
        compare_optimizers(lambda: mlp(), small(digits), ["adamax"], epochs=1, progress=False)
    with pytest.raises(ValueError, match="learning rate must be a positive number"):
        compare_optimizers(lambda: mlp(), small(digits), {"sgd": -1.0}, epochs=1, progress=False)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        compare_optimizers(lambda: mlp(), small(digits), ["sgd"], epochs=0, progress=False)
    with pytest.raises(TypeError, match="DataSplit .* or a pair"):
        compare_optimizers(lambda: mlp(), "digits", ["sgd"], epochs=1, progress=False)


def test_results_are_json_with_every_run_and_no_nan(digits):
    result = compare_optimizers(lambda: mlp(), small(digits), ["sgd", "rmsprop"], epochs=2, progress=False)
    loaded = json.loads(result.to_json())
    assert set(loaded["runs"]) == {"sgd", "rmsprop"}
    assert (
        loaded["runs"]["sgd"]["history"]["val_accuracy"] == result.runs["sgd"].history.history["val_accuracy"]
    )
    assert len(loaded["runs"]["rmsprop"]["steps"]["loss"]) == 2 * result.steps_per_epoch
    assert loaded["epochs"] == 2 and loaded["batch_size"] == 32


def test_plot_comparison_draws_three_labelled_panels_with_a_legend_per_optimizer(digits):
    result = compare_optimizers(lambda: mlp(), small(digits), ["sgd", "momentum"], epochs=2, progress=False)
    result.info.update(dataset="digits", model="mlp")
    figure = plot_comparison(result)
    axes = figure.get_axes()
    assert [ax.get_title() for ax in axes] == [
        "Training loss per step",
        "Test loss per epoch",
        "Test accuracy per epoch",
    ]
    assert [ax.get_xlabel() for ax in axes] == ["epoch"] * 3
    assert axes[2].get_ylabel() == "accuracy (%)"
    assert axes[0].get_yscale() == "log"
    legend = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert legend == ["sgd (lr 0.1)", "momentum (lr 0.05)"]
    final = 100 * result.runs["momentum"].history.history["val_accuracy"][-1]
    assert f"momentum: {final:.1f}%" in [t.get_text() for t in axes[2].get_legend().get_texts()]
    assert (
        figure._suptitle.get_text()
        == "The mlp on digits: 2 optimizers from the same initial weights (2 epochs, batch 32)"
    )


def test_write_outputs_writes_the_curves_results_and_backward_graph(digits, tmp_path):
    result = compare_optimizers(lambda: mlp(), small(digits), ["adam"], epochs=1, progress=False)
    written = write_outputs(result, tmp_path, mlp(), digits)
    names = sorted(p.name for p in written)
    assert names == [
        "comparison.png",
        "comparison.svg",
        "graph.html",
        "graph.svg",
        "results.json",
        "results.txt",
    ]
    assert (tmp_path / "comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "graph.svg").read_text()
    assert (tmp_path / "graph.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads((tmp_path / "results.json").read_text())["runs"]["adam"]["lr"] == DEFAULT_LR["adam"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temporary files left


def comparison(losses, diverged=None, steps_per_epoch=3):
    """A Comparison of runs given by their step losses (name -> list), without training; ``diverged`` names
    the runs whose loss became nan after their last step."""
    runs = {}
    for name, steps in losses.items():
        history = tg.training.History()
        history.steps["loss"] = list(steps)
        note = None
        if name == diverged:
            note = f"the loss became nan at epoch 1, step {len(steps) + 1}"
        else:
            for epoch in range(len(steps) // steps_per_epoch):
                history.record_epoch({"loss": steps[epoch], "val_loss": steps[epoch], "val_accuracy": 0.5})
        runs[name] = Run(name, DEFAULT_LR[name], history, note)
    return Comparison(runs, epochs=2, batch_size=32, seed=0, steps_per_epoch=steps_per_epoch)


def test_a_diverged_runs_blow_up_does_not_flatten_the_other_curves_and_is_marked_where_it_leaves():
    adam = [2.3, 1.9, 1.2, 0.9, 0.7, 0.5]
    result = comparison({"sgd": [2.3, 2.5e23], "adam": adam}, diverged="sgd")
    step_ax, loss_ax, _ = plot_comparison(result).get_axes()
    bottom, top = step_ax.get_ylim()
    assert 0.3 < bottom <= min(adam) and max(adam) <= top < 3.0  # adam's range (and a margin), not 1e24
    marks = [line for line in step_ax.get_lines() if line.get_marker() == "^"]
    assert len(marks) == 1 and (marks[0].get_xdata()[0], marks[0].get_ydata()[0]) == (2 / 3, top)  # step 2
    assert marks[0].get_color() == "tab:blue" and not marks[0].get_clip_on()  # sgd's colour, on the edge
    assert [t.get_text() for t in step_ax.texts] == ["sgd diverged at step 3"]
    assert loss_ax.get_ylim()[1] < 3.0


def test_the_smoothed_training_loss_is_the_bias_corrected_moving_average_of_the_step_losses():
    losses = [4.0, 2.0, 1.0, 3.0, 0.5, 0.25]
    for weight in (0.5, None):  # given, and the default (about half an epoch: 1 - 2 / (3 / 2 + 1) = 0.2)
        figure = plot_comparison(comparison({"adam": losses}), smoothing=weight)
        smoothed = next(
            line for line in figure.get_axes()[0].get_lines() if line.get_label() == "adam (lr 0.003)"
        )
        w = 0.2 if weight is None else weight
        average, expected = 0.0, []
        for t, loss in enumerate(losses, start=1):  # a_t = w a_(t-1) + (1 - w) x_t, shown as a_t / (1 - w^t)
            average = w * average + (1 - w) * loss
            expected.append(average / (1 - w**t))
        np.testing.assert_allclose(smoothed.get_ydata(), expected, rtol=1e-12)
        assert smoothed.get_ydata()[0] == losses[0]  # the first point is the first loss, not (1 - w) times it


def test_the_cnns_backward_pass_that_compare_draws_fits_a_laptop_screen(digits, tmp_path):
    write_outputs(comparison({"adam": [2.3, 1.9, 1.2]}), tmp_path, cnn(), digits)
    svg = (tmp_path / "graph.svg").read_text()
    width, height = (
        float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    )
    # at its natural size (fonts readable), in pixels: at most 2000 either way (it was 1426 x 2325)
    assert width * 4 / 3 <= 2000 and height * 4 / 3 <= 2000, (width * 4 / 3, height * 4 / 3)


def explorer_data(path):
    """The data a saved explorer page carries (its ``<script type="application/json">``)."""
    (text,) = re.findall(
        r'<script type="application/json" id="tg-data">(.*?)</script>', path.read_text(), re.S
    )
    return json.loads(text.replace("<\\/", "</"))


@pytest.mark.parametrize("model_fn", [mlp, cnn], ids=["mlp", "cnn"])
def test_graph_html_steps_through_the_same_backward_pass_as_graph_svg(model_fn, digits, tmp_path):
    result = comparison({"adam": [2.3, 1.9, 1.2]})
    result.info.update(model="cnn", dataset="digits")
    tg.manual_seed(5)
    model = model_fn()
    tg.manual_seed(6)  # the cnn's dropout: the same draws below
    write_outputs(result, tmp_path, model, digits)
    page = tmp_path / "graph.html"
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and not re.search(r"\b(src|href)\s*=", text)
    assert page.stat().st_size < 300_000  # 120-160 KB: a page to open, not a download
    data = explorer_data(page)
    assert data["title"] == "the cnn's backward pass on a batch of 4 from digits"
    assert data["backward"] and data["recorded"] and data["folded"] == []
    # the engine's pass on the same batch (the first 4 training images), recomputed here
    inputs, labels = (t[:4] for t in digits.train.tensors)
    model.zero_grad()
    tg.manual_seed(6)
    loss = nn.CrossEntropyLoss()(model(tg.tensor(inputs)), tg.tensor(labels))
    loss.backward()
    engine = backward_order(loss)
    steps = [data["nodes"][s["node"]] for s in data["steps"]]
    assert [(n["op"], n["shape"]) for n in steps] == [(t._node.name, list(t.shape)) for t in engine]
    np.testing.assert_allclose(steps[0]["value"]["values"], [loss.item()], rtol=1e-5)
    nodes = {n["name"]: n for n in data["nodes"]}
    for name, param in model.named_parameters():  # the page's gradients are this batch's
        grad = nodes[name]["grad"]
        norm = grad["stats"]["norm"] if grad.get("summarised") else float(np.linalg.norm(grad["values"]))
        np.testing.assert_allclose(norm, np.linalg.norm(param.grad.numpy()), rtol=1e-4)
    svg_texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "graph.svg").read_text()))
    assert all(n["op"] in svg_texts for n in steps)  # the picture draws the same ops


def test_every_named_dataset_loads_as_a_train_test_split():
    for name in ("digits", "xor", "spiral", "moons"):
        split = load_dataset(name)
        x, y = split.train.tensors
        assert x.shape[1:] == split.input_shape
        assert (len(split.train), len(split.test)) == ((1437, 360) if name == "digits" else (720, 180))
        assert set(np.unique(y)) == set(range(split.classes))
    names = load_dataset("names")  # (context, next character) examples of the bundled census names
    x, y = names.train.tensors
    assert x.shape[1:] == names.input_shape == (8,) and names.classes == len(names.vocab) == 27
    assert (len(names.train), len(names.test)) == (28883, 3609)
    assert set(np.unique(y.numpy())) == set(range(27))
    assert set(DATASETS) == {"digits", "xor", "spiral", "moons", "mnist", "fashion", "cifar10", "names"}
    with pytest.raises(ValueError, match="unknown dataset 'imagenet'"):
        load_dataset("imagenet")


# The quality bars: the default models on the digits (stratified 80/20 split, seed 0), as `tensorgrad compare`
# trains them, reach these test accuracies. These are shortened runs (the command's default is 20 epochs).


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_the_default_cnn_reaches_97_percent_on_the_digits(digits, optimizer):
    result = compare_optimizers(lambda: cnn(), digits, [optimizer], epochs=12, seed=0, progress=False)
    assert result.runs[optimizer].history.history["val_accuracy"][-1] >= 0.97


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_the_default_mlp_reaches_95_percent_on_the_digits(digits, optimizer):
    result = compare_optimizers(lambda: mlp(), digits, [optimizer], epochs=12, seed=0, progress=False)
    assert result.runs[optimizer].history.history["val_accuracy"][-1] >= 0.95


def test_without_graphviz_the_backward_pass_is_written_as_dot_source(digits, tmp_path, monkeypatch):
    result = compare_optimizers(lambda: mlp(), small(digits), ["sgd"], epochs=1, progress=False)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` to be found
    written = write_outputs(result, out, mlp(), digits)
    assert "graph.dot" in [p.name for p in written] and not (out / "graph.svg").exists()
    assert (out / "graph.dot").read_text().startswith("digraph")
    # the page is laid out by dot too: without it there is no graph.html, and no half-written file
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert "graph.html" not in [p.name for p in written]


def test_an_optimizer_that_diverges_is_a_result_not_a_crash(digits, tmp_path):
    result = compare_optimizers(
        lambda: mlp(), small(digits), {"sgd": 1e9, "adam": 3e-3}, epochs=2, progress=False
    )
    sgd, adam = result.runs["sgd"], result.runs["adam"]
    assert sgd.diverged == "the loss became nan at epoch 1, step 3"
    assert len(sgd.history.steps["loss"]) == 2  # the two finite steps before it
    assert adam.diverged is None and len(adam.history.history["val_accuracy"]) == 2
    lines = result.table().splitlines()
    assert lines[2].split() == ["sgd", "1e+09", "diverged", "-", "-", "-"]
    assert lines[-1] == "sgd diverged: the loss became nan at epoch 1, step 3"
    assert json.loads(result.to_json())["runs"]["sgd"]["diverged"] == sgd.diverged
    legend = [t.get_text() for t in plot_comparison(result).get_axes()[2].get_legend().get_texts()]
    assert legend[0] == "sgd: diverged"


def test_a_scheduler_and_gradient_clipping_apply_to_every_run_alike(digits):
    result = compare_optimizers(
        lambda: mlp(hidden=(16,)),
        small(digits),
        {"sgd": 0.2, "adam": 0.01},
        epochs=3,
        scheduler=lambda opt: optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5),
        grad_clip=0.5,
        progress=False,
    )
    for name, start in (("sgd", 0.2), ("adam", 0.01)):
        np.testing.assert_allclose(result.runs[name].history.history["lr"], [start, start / 2, start / 4])
    with pytest.raises(ValueError):  # fit's own check of grad_clip reaches the caller
        compare_optimizers(lambda: mlp(hidden=(16,)), small(digits), ["sgd"], epochs=1, grad_clip=-1.0)
