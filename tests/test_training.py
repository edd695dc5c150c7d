"""tensorgrad.training: fit, evaluate, accuracy, History and the progress reports."""

from __future__ import annotations

import copy
import itertools
import json
import math
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import nn, optim
from tensorgrad.nn.utils import clip_grad_norm_
from tensorgrad.training import History, LambdaCallback, accuracy, evaluate, fit, metrics

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def blobs(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs in 2-D, labels 0 and 1, shuffled."""
    rng = np.random.default_rng(seed)
    half = n // 2
    x = np.concatenate([rng.normal(-1.0, 0.7, (half, 2)), rng.normal(1.0, 0.7, (n - half, 2))])
    y = np.array([0] * half + [1] * (n - half))
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


def batches(x: np.ndarray, y: np.ndarray, size: int) -> list[tuple[tg.Tensor, tg.Tensor]]:
    return [(tg.tensor(x[i : i + size]), tg.tensor(y[i : i + size])) for i in range(0, len(x), size)]


def mlp(seed: int = 0, hidden: int = 8) -> nn.Sequential:
    tg.manual_seed(seed)
    return nn.Sequential(nn.Dense(2, hidden), nn.Tanh(), nn.Dense(hidden, 2))


def equal_states(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)


# ------------------------------------------------------------------------------------------------- fit
def test_fit_learns_xor_to_full_accuracy_with_a_falling_loss():
    model = mlp(seed=3)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, [(XOR_X, XOR_Y)], epochs=150, progress=False)
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] < 0.05 * history["loss"][0]
    assert evaluate(model, nn.CrossEntropyLoss(), [(XOR_X, XOR_Y)])["accuracy"] == 1.0


def hand_loop(model, optimizer, data, epochs, grad_clip=None):
    loss_fn, losses = nn.CrossEntropyLoss(), []
    for _ in range(epochs):
        model.train()
        for x, y in data:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            if grad_clip is not None:
                clip_grad_norm_(model.parameters(), grad_clip)
            optimizer.step()
            losses.append(loss.item())
    return losses


def test_fit_ends_with_exactly_the_parameters_of_a_hand_written_loop():
    data = batches(*blobs(60), size=16)  # 16, 16, 16, 12
    by_hand = mlp(seed=1)
    hand_losses = hand_loop(by_hand, optim.Adam(by_hand.parameters(), lr=0.05), data, epochs=4)
    by_fit = mlp(seed=1)
    history = fit(
        by_fit,
        nn.CrossEntropyLoss(),
        optim.Adam(by_fit.parameters(), lr=0.05),
        data,
        4,
        val_loader=data,
        progress=False,
    )
    assert equal_states(by_hand, by_fit)
    assert history.steps["loss"] == hand_losses
    assert not equal_states(by_fit, mlp(seed=1))  # it did train


def test_grad_clip_matches_clipping_by_hand_and_changes_the_result():
    data = batches(*blobs(40), size=10)
    by_hand = mlp(seed=2)
    hand_loop(by_hand, optim.SGD(by_hand.parameters(), lr=0.5), data, epochs=3, grad_clip=0.05)
    clipped = mlp(seed=2)
    fit(
        clipped,
        nn.CrossEntropyLoss(),
        optim.SGD(clipped.parameters(), lr=0.5),
        data,
        3,
        progress=False,
        grad_clip=0.05,
    )
    unclipped = mlp(seed=2)
    fit(unclipped, nn.CrossEntropyLoss(), optim.SGD(unclipped.parameters(), lr=0.5), data, 3, progress=False)
    assert equal_states(by_hand, clipped)
    assert not equal_states(clipped, unclipped)


def test_history_has_one_value_per_epoch_for_every_key_and_one_per_step():
    train, val = batches(*blobs(50), size=16), batches(*blobs(20, seed=1), size=8)
    model = mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        train,
        3,
        val_loader=val,
        progress=False,
    )
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"}
    assert history.epochs == 3
    assert all(len(values) == 3 for values in history.history.values())
    assert len(history.steps["loss"]) == len(history.steps["lr"]) == 3 * len(train)
    assert all(t > 0 for t in history["time"])
    assert history["val_loss"][-1] == pytest.approx(
        evaluate(model, nn.CrossEntropyLoss(), val)["loss"], rel=1e-6
    )


def test_train_loss_is_the_sample_weighted_mean_of_the_step_losses():
    train = batches(*blobs(50), size=16)  # 16, 16, 16, 2: an unweighted mean would differ
    sizes = [len(x) for x, _ in train]
    model = mlp()
    history = fit(
        model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.3), train, 3, progress=False
    )
    for epoch in range(3):
        steps = history.steps["loss"][epoch * 4 : (epoch + 1) * 4]
        weighted = sum(n * v for n, v in zip(sizes, steps)) / sum(sizes)
        assert history["loss"][epoch] == pytest.approx(weighted, rel=1e-12)
        assert history["loss"][epoch] != pytest.approx(np.mean(steps), rel=1e-6)


def test_train_accuracy_comes_from_the_training_forward_passes_without_a_second_pass():
    train = batches(*blobs(40), size=10)
    model = mlp()
    seen = []
    model.register_forward_hook(lambda module, inputs, output: seen.append(output.numpy().argmax(1)))
    history = fit(
        model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5), train, 2, progress=False
    )
    assert len(seen) == 2 * len(train)  # one forward per step, nothing more
    labels = np.concatenate([y.numpy() for _, y in train])
    for epoch in range(2):
        predicted = np.concatenate(seen[epoch * 4 : (epoch + 1) * 4])
        assert history["accuracy"][epoch] == np.mean(predicted == labels)


def test_step_lr_scheduler_changes_the_recorded_lr_at_the_right_epochs():
    train = batches(*blobs(20), size=10)
    model = mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, 5, scheduler=scheduler, progress=False)
    assert history["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert history.steps["lr"] == pytest.approx([0.1] * 4 + [0.05] * 4 + [0.025] * 2)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025)  # epoch 6 would still use 0.025


class RecordingPlateau(optim.lr_scheduler.ReduceLROnPlateau):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.received = []

    def step(self, metrics):
        self.received.append(metrics)
        super().step(metrics)


@pytest.mark.parametrize("with_validation", [True, False])
def test_reduce_lr_on_plateau_receives_the_val_loss_or_else_the_train_loss(with_validation):
    train, val = batches(*blobs(20), size=10), batches(*blobs(20, seed=5), size=10)
    model = mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    scheduler = RecordingPlateau(optimizer, patience=0, factor=0.5)
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        train,
        4,
        val_loader=val if with_validation else None,
        scheduler=scheduler,
        progress=False,
    )
    assert scheduler.received == history["val_loss" if with_validation else "loss"]


def test_a_nan_loss_stops_training_naming_the_epoch_and_step_before_the_update():
    train = batches(*blobs(40), size=10)  # 4 steps per epoch
    calls = []
    snapshots = []

    def loss_fn(outputs, targets):
        calls.append(None)
        loss = nn.functional.cross_entropy(outputs, targets)
        return loss * float("nan") if len(calls) == 7 else loss  # epoch 2, step 3

    model = mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    model.register_forward_pre_hook(
        lambda module, inputs: snapshots.append(copy.deepcopy(module.state_dict()))
    )
    with pytest.raises(
        FloatingPointError, match=r"fit: the loss became nan at epoch 2, step 3; try a smaller"
    ):
        fit(model, loss_fn, optimizer, train, 5, progress=False)
    last = snapshots[-1]
    assert all(np.array_equal(value, last[key]) for key, value in model.state_dict().items())


def test_regression_with_mse_reports_no_accuracy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)).astype(np.float32)
    tg.manual_seed(0)
    model = nn.Dense(3, 1)
    history = fit(
        model,
        nn.MSELoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(x, y)],
        30,
        val_loader=[(x, y)],
        progress=False,
    )
    assert set(history.history) == {"loss", "val_loss", "lr", "time"}
    assert history["loss"][-1] < 0.1 * history["loss"][0]


def test_custom_metrics_are_reported_for_training_and_validation_as_sample_weighted_means():
    train = batches(*blobs(30), size=8)  # 8, 8, 8, 6

    def mean_top_logit(outputs, targets):
        assert not tg.is_grad_enabled()  # custom metrics record no graph
        return outputs.numpy().max(axis=1).mean()

    model = mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.0),
        train,
        1,
        val_loader=train,
        metrics={"top": mean_top_logit},
        progress=False,
    )
    with tg.no_grad():
        expected = np.mean(np.concatenate([model(x).numpy().max(axis=1) for x, _ in train]))
    assert set(history.history) == {"loss", "top", "val_loss", "val_top", "lr", "time"}
    assert history["top"][0] == pytest.approx(expected, rel=1e-5)  # lr 0: the model did not move
    assert history["val_top"][0] == pytest.approx(expected, rel=1e-5)


def test_metrics_empty_reports_only_the_loss_even_for_classification():
    model = mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        2,
        metrics=(),
        progress=False,
    )
    assert set(history.history) == {"loss", "lr", "time"}


def test_bce_with_logits_accuracy_thresholds_the_logits_at_zero():
    x, y = blobs(40)
    tg.manual_seed(0)
    model = nn.Dense(2, 1)
    targets = y.reshape(-1, 1).astype(np.float32)
    results = evaluate(model, nn.BCEWithLogitsLoss(), [(x, targets)])
    with tg.no_grad():
        logits = model(tg.tensor(x)).numpy()
    assert results["accuracy"] == np.mean((logits[:, 0] > 0) == (y == 1))


def test_fit_accepts_numpy_batches_and_leaves_the_model_in_training_mode():
    model = mlp()
    model.eval()
    fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        1,
        progress=False,
    )
    assert model.training and all(m.training for m in model.modules())


def test_fit_stops_after_the_epoch_in_which_a_callback_sets_stop_training():
    def stop_at_two(epoch, logs, trainer):
        trainer.stop_training = epoch == 2

    model = mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        10,
        callbacks=[LambdaCallback(on_epoch_end=stop_at_two)],
        progress=False,
    )
    assert history.epochs == 2


def test_callback_hooks_run_in_order_with_epochs_counted_from_one():
    events = []
    callback = LambdaCallback(
        on_train_begin=lambda trainer: events.append("begin"),
        on_epoch_begin=lambda epoch, trainer: events.append(f"epoch {epoch}"),
        on_epoch_end=lambda epoch, logs, trainer: events.append(f"end {epoch} {trainer.history.epochs}"),
        on_train_end=lambda trainer: events.append("done"),
    )
    model = mlp()
    fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        2,
        callbacks=callback,
        progress=False,
    )
    assert events == ["begin", "epoch 1", "end 1 1", "epoch 2", "end 2 2", "done"]


def test_keys_a_callback_writes_into_the_logs_are_recorded_in_the_history():
    def add(epoch, logs, trainer):
        if epoch >= 2:
            logs["double_loss"] = 2 * logs["loss"]

    model = mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        3,
        callbacks=[LambdaCallback(on_epoch_end=add)],
        progress=False,
    )
    assert math.isnan(history["double_loss"][0])
    assert history["double_loss"][1:] == [2 * v for v in history["loss"][1:]]


class OneShot:
    """Iterable once, like a generator: the second pass yields nothing."""

    def __init__(self, data):
        self.iterator = iter(data)

    def __iter__(self):
        return self.iterator


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"model": lambda x: x}, TypeError, "fit: model must be an nn.Module"),
        ({"optimizer": "sgd"}, TypeError, "fit: optimizer must be a tensorgrad Optimizer"),
        ({"epochs": 0}, ValueError, "fit: epochs must be a positive integer"),
        ({"grad_clip": -1.0}, ValueError, "fit: grad_clip must be a positive number"),
        ({"callbacks": [print]}, TypeError, "fit: callbacks must be Callback instances"),
        ({"train_loader": 5}, TypeError, "fit: train_loader must be an iterable"),
        ({"train_loader": [(XOR_X, XOR_Y, XOR_Y)]}, TypeError, r"pairs, got a 3-tuple"),
        ({"train_loader": []}, ValueError, "yielded no batches in epoch 1"),
        ({"train_loader": OneShot([(XOR_X, XOR_Y)])}, ValueError, "epoch 2 .a generator is spent"),
        ({"loss_fn": nn.CrossEntropyLoss(reduction="none")}, ValueError, r"shape \(4,\); expected a scalar"),
        (
            {"loss_fn": lambda outputs, targets: 1.0},
            TypeError,
            "loss_fn must return a scalar Tensor, got float",
        ),
        ({"metrics": ["f1"]}, ValueError, "unknown metric 'f1'"),
        ({"metrics": {"loss": np.mean}}, ValueError, "metric name 'loss' is taken"),
    ],
)
def test_fit_rejects_bad_arguments_with_a_clear_error(change, error, message):
    model = mlp()
    arguments = {
        "model": model,
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": optim.SGD(model.parameters(), lr=0.1),
        "train_loader": [(XOR_X, XOR_Y)],
        "epochs": 2,
        "progress": False,
        **change,
    }
    with pytest.raises(error, match=message):
        fit(**arguments)


# -------------------------------------------------------------------------------------------- progress
def test_progress_false_prints_nothing(capsys):
    model = mlp()
    fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        3,
        val_loader=[(XOR_X, XOR_Y)],
        progress=False,
    )
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_shows_a_tqdm_bar_per_epoch_on_stderr_with_train_and_val_metrics(capsys):
    train = batches(*blobs(40), size=2)  # 20 steps: the postfix is refreshed mid-epoch too
    model = mlp()
    fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        train,
        2,
        val_loader=[(XOR_X, XOR_Y)],
        progress=True,
    )
    err = capsys.readouterr().err
    assert "Epoch 1/2" in err and "Epoch 2/2" in err
    assert "20/20" in err
    assert "val_loss=" in err and "val_accuracy=" in err and "lr=0.1" in err


def test_without_tqdm_fit_prints_one_plain_line_per_epoch(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm... now raises ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    model = mlp()
    fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        3,
        val_loader=[(XOR_X, XOR_Y)],
    )
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 3
    for epoch, line in enumerate(lines, 1):
        assert line.startswith(f"Epoch {epoch}/3: loss ")
        assert "accuracy" in line and "val_loss" in line and line.endswith(" s)")
    assert captured.err == ""


# -------------------------------------------------------------------------------------------- evaluate
def test_evaluate_weights_uneven_batches_to_the_full_batch_loss_and_accuracy():
    x, y = blobs(50)
    model = mlp(hidden=4)
    loss_fn = nn.CrossEntropyLoss()
    split = evaluate(model, loss_fn, batches(x, y, size=16))  # 16, 16, 16, 2
    whole = evaluate(model, loss_fn, [(x, y)])
    with tg.no_grad():
        direct = loss_fn(model(tg.tensor(x)), y).item()
    assert split["loss"] == pytest.approx(direct, rel=1e-6)
    assert whole["loss"] == pytest.approx(direct, rel=1e-6)
    assert split["accuracy"] == whole["accuracy"]


@given(cuts=st.lists(st.integers(min_value=1, max_value=29), max_size=6, unique=True))
def test_evaluate_gives_the_full_batch_loss_for_any_split_of_the_data(cuts):
    x, y = blobs(30, seed=4)
    model = mlp(hidden=4)
    edges = [0, *sorted(cuts), 30]
    loader = [(x[a:b], y[a:b]) for a, b in itertools.pairwise(edges)]
    with tg.no_grad():
        direct = nn.functional.cross_entropy(model(tg.tensor(x)), y).item()
    results = evaluate(model, nn.CrossEntropyLoss(), loader)
    assert results["loss"] == pytest.approx(direct, rel=1e-5)
    assert results["accuracy"] == accuracy(model(tg.tensor(x)), y)


def test_evaluate_runs_in_eval_mode_and_gives_every_module_its_mode_back():
    model = nn.Sequential(nn.Dense(2, 4), nn.Dropout(0.5), nn.Dense(4, 2))
    model[1].eval()  # a mixed state: only the dropout is in eval mode
    during = []
    model.register_forward_hook(
        lambda module, inputs, output: during.append([m.training for m in model.modules()])
    )
    evaluate(model, nn.CrossEntropyLoss(), [(XOR_X, XOR_Y)])
    assert during == [[False] * 4]
    assert [m.training for m in model.modules()] == [True, True, False, True]


def test_evaluate_gives_the_modes_back_when_the_loss_raises():
    model = mlp()

    def broken(outputs, targets):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        evaluate(model, broken, [(XOR_X, XOR_Y)])
    assert all(m.training for m in model.modules())
    assert tg.is_grad_enabled()


def test_evaluate_records_no_graph():
    model = mlp()
    outputs = []
    model.register_forward_hook(lambda module, inputs, output: outputs.append(output))
    evaluate(model, nn.CrossEntropyLoss(), [(XOR_X, XOR_Y)])
    assert outputs[0].grad_fn is None and not outputs[0].requires_grad
    assert all(p.grad is None for p in model.parameters())


def test_evaluate_rejects_an_empty_loader_and_a_non_module():
    with pytest.raises(ValueError, match="evaluate: the loader yielded no samples"):
        evaluate(mlp(), nn.CrossEntropyLoss(), [])
    with pytest.raises(TypeError, match="evaluate: model must be an nn.Module"):
        evaluate(lambda x: x, nn.CrossEntropyLoss(), [(XOR_X, XOR_Y)])


def test_evaluate_counts_accuracy_over_the_labels_cross_entropy_does_not_ignore():
    logits = tg.tensor([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 2.0]])
    labels = np.array([0, 0, -100, -100])  # -100: ignored by CrossEntropyLoss
    results = evaluate(nn.Identity(), nn.CrossEntropyLoss(), [(logits, labels)])
    assert results["accuracy"] == 0.5
    assert results["loss"] == pytest.approx(nn.functional.cross_entropy(logits, labels).item())


# -------------------------------------------------------------------------------------------- accuracy
def test_accuracy_of_class_scores_against_integer_labels():
    scores = tg.tensor([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]])
    assert accuracy(scores, [1, 0, 2, 0]) == 0.75
    assert accuracy(scores, tg.tensor([1, 0, 2, 1])) == 1.0
    assert accuracy(scores, np.array([2, 2, 0, 0])) == 0.0


def test_accuracy_reads_one_hot_and_probability_targets_by_their_argmax():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.4, 0.6]])
    assert accuracy(scores, np.eye(2)[[1, 1, 1]]) == pytest.approx(2 / 3)
    assert accuracy(scores, np.array([[0.3, 0.7], [0.6, 0.4], [0.9, 0.1]])) == pytest.approx(2 / 3)


def test_accuracy_counts_every_position_of_one_hot_sequence_targets():
    """(N, C, L) scores against (N, C, L) one-hot targets: N * L predictions, each counted once."""
    labels = np.array([[0, 1, 2, 1], [2, 2, 0, 1]])  # 2 sequences of 4 positions, 3 classes
    predicted = np.array([[0, 1, 0, 1], [2, 0, 0, 0]])  # 3 of 4 right, then 2 of 4 right
    scores = np.moveaxis(np.eye(3)[predicted], -1, 1)  # (2, 3, 4)
    one_hot = np.moveaxis(np.eye(3)[labels], -1, 1)
    assert accuracy(scores, one_hot) == 5 / 8
    assert accuracy(scores, labels) == 5 / 8
    assert metrics.count_correct(scores, one_hot) == (5, 8)


def test_accuracy_of_sigmoid_outputs_thresholds_at_one_half():
    assert accuracy(np.array([0.9, 0.4, 0.6, 0.2]), np.array([1, 0, 0, 0])) == 0.75
    assert accuracy(np.array([[0.9], [0.4], [0.6], [0.51]]), np.array([[1.0], [0.0], [1.0], [1.0]])) == 1.0
    assert accuracy(
        np.array([2.0, -1.0, 0.3]), np.array([True, False, False]), threshold=0.0
    ) == pytest.approx(2 / 3)


def test_accuracy_takes_classes_on_axis_one_for_per_pixel_labels():
    scores = np.zeros((2, 3, 2))  # 2 images, 3 classes, 2 pixels
    scores[0, 1, 0] = scores[0, 2, 1] = scores[1, 0, 0] = scores[1, 0, 1] = 1.0
    assert accuracy(scores, np.array([[1, 2], [0, 1]])) == 0.75


def test_accuracy_leaves_out_the_ignored_label():
    scores = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    assert accuracy(scores, np.array([0, 0, -100]), ignore_index=-100) == 0.5
    assert math.isnan(accuracy(scores, np.array([-1, -1, -1]), ignore_index=-1))


@pytest.mark.parametrize(
    ("outputs", "targets", "message"),
    [
        (
            np.zeros((4, 3)),
            np.zeros(5, int),
            r"outputs of shape \(4, 3\) and targets of shape \(5,\) do not match",
        ),
        (np.zeros((4, 3)), np.zeros((4, 2)), r"\(4, 3\) and targets of shape \(4, 2\)"),
        (np.zeros(4), np.zeros((4, 2)), r"outputs of shape \(4,\) and targets of shape \(4, 2\)"),
        (np.zeros((4, 3)), np.array([0, 1, 3, 0]), r"labels must lie in \[0, 3\).*from 0 to 3"),
        (np.zeros((2, 3)), np.array([0.5, 1.0]), "integer class labels, got fractional values"),
        (np.zeros(3), np.array([0, 2, 1]), "binary outputs of shape \\(3,\\) need 0/1 targets"),
        (np.zeros((0, 3)), np.zeros(0, int), "hold no samples"),
    ],
)
def test_accuracy_rejects_mismatched_inputs_naming_both_shapes(outputs, targets, message):
    with pytest.raises(ValueError, match=message):
        accuracy(outputs, targets)


@given(
    n=st.integers(1, 12),
    classes=st.integers(2, 5),
    seed=st.integers(0, 2**16),
)
def test_accuracy_equals_counting_matches_one_sample_at_a_time(n, classes, seed):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(n, classes))
    labels = rng.integers(0, classes, n)
    matches = sum(int(max(range(classes), key=lambda c: scores[i, c]) == labels[i]) for i in range(n))
    assert accuracy(scores, labels) == pytest.approx(matches / n)


# --------------------------------------------------------------------------------------------- history
def test_history_to_dict_is_json_and_reads_back():
    model = mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        [(XOR_X, XOR_Y)],
        2,
        progress=False,
    )
    history.record_epoch({"loss": float("nan")})  # a gap reads back as nan
    text = json.dumps(history.to_dict(), allow_nan=False)
    again = History.from_dict(json.loads(text))
    assert again.epochs == 3
    assert again["loss"][:2] == history["loss"][:2] and math.isnan(again["loss"][2])
    assert again.steps == history.steps


def test_history_lists_stay_aligned_and_missing_keys_name_the_recorded_ones():
    history = History()
    history.record_epoch({"loss": 1.0})
    history.record_epoch({"loss": 0.5, "val_loss": 0.7})
    assert history["loss"] == [1.0, 0.5]
    assert math.isnan(history["val_loss"][0]) and history["val_loss"][1] == 0.7
    assert repr(history) == "History(epochs=2, last: loss=0.5, val_loss=0.7)"
    with pytest.raises(KeyError, match="no metric 'accuracy'; recorded: loss, val_loss"):
        history["accuracy"]


def test_history_plots_with_plot_history():
    pytest.importorskip("matplotlib")
    history = History()
    history.record_epoch({"loss": 1.0, "val_loss": 1.2})
    history.record_epoch({"loss": 0.5, "val_loss": 0.8})
    figure = tg.viz.plot_history(history)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 1


def test_progress_run_draws_one_labelled_bar_over_all_epochs(capsys):
    train = batches(*blobs(40), size=4)  # 10 steps per epoch
    model = mlp()
    fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        train,
        3,
        progress="run",
        label="sgd",
    )
    err = capsys.readouterr().err
    assert "Epoch" not in err  # not one bar per epoch
    assert "sgd: 100%" in err and "30/30" in err  # one bar: 3 epochs of 10 steps
    assert "epoch=3/3" in err and "loss=" in err


def test_progress_must_be_true_false_epoch_or_run():
    model = mlp()
    with pytest.raises(ValueError, match="progress must be True, False, 'epoch' or 'run', got 'steps'"):
        fit(
            model,
            nn.CrossEntropyLoss(),
            optim.SGD(model.parameters(), lr=0.1),
            [(XOR_X, XOR_Y)],
            1,
            progress="steps",
        )


def test_a_nan_loss_error_carries_the_history_recorded_until_then():
    train = batches(*blobs(40), size=10)  # 4 steps per epoch
    calls = []

    def loss_fn(outputs, targets):
        calls.append(None)
        loss = nn.functional.cross_entropy(outputs, targets)
        return loss * float("nan") if len(calls) == 7 else loss  # epoch 2, step 3

    model = mlp()
    with pytest.raises(FloatingPointError) as caught:
        fit(model, loss_fn, optim.SGD(model.parameters(), lr=0.1), train, 5, progress=False)
    history = caught.value.history
    assert len(history.steps["loss"]) == 6 and all(np.isfinite(history.steps["loss"]))  # 4 + 2 steps
    assert history.epochs == 1 and len(history.history["loss"]) == 1  # the finished epoch
