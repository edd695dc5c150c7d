"""tensorgrad.training callbacks: EarlyStopping, ModelCheckpoint, LambdaCallback."""

from __future__ import annotations

import copy
import os

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn, optim
from tensorgrad.training import (
    Callback,
    EarlyStopping,
    History,
    LambdaCallback,
    ModelCheckpoint,
    Trainer,
    fit,
)

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def mlp(seed: int = 0) -> nn.Sequential:
    tg.manual_seed(seed)
    return nn.Sequential(nn.Dense(2, 8), nn.Tanh(), nn.Dense(8, 2))


def fake_trainer(model: nn.Module | None = None) -> Trainer:
    model = model or mlp()
    return Trainer(model, optim.SGD(model.parameters(), lr=0.1), History())


def drive(callback: Callback, values: list[float], monitor: str = "val_loss") -> int:
    """Feed ``values`` of ``monitor`` epoch by epoch, as fit would; return the number of epochs run."""
    trainer = fake_trainer()
    callback.on_train_begin(trainer)
    epoch = 0
    for epoch, value in enumerate(values, 1):
        callback.on_epoch_end(epoch, {"loss": 1.0, monitor: value}, trainer)
        if trainer.stop_training:
            break
    callback.on_train_end(trainer)
    return epoch


def scripted(values: list[float], key: str = "val_loss") -> LambdaCallback:
    """A callback that writes ``values[epoch - 1]`` into the logs under ``key``."""

    def write(epoch, logs, trainer):
        logs[key] = values[epoch - 1]

    return LambdaCallback(on_epoch_end=write)


def train(callbacks, epochs: int, model: nn.Module | None = None, **kwargs):
    model = model or mlp()
    optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        [(XOR_X, XOR_Y)],
        epochs,
        callbacks=callbacks,
        progress=False,
        **kwargs,
    )
    return model, history


# --------------------------------------------------------------------------------------- EarlyStopping
def test_early_stopping_stops_when_patience_epochs_pass_without_improvement():
    stopper = EarlyStopping(patience=2)
    assert drive(stopper, [1.0, 0.9, 0.95, 0.96, 0.5, 0.4]) == 4
    assert (stopper.stopped_epoch, stopper.best, stopper.best_epoch) == (4, 0.9, 2)


def test_early_stopping_resets_its_wait_on_each_improvement():
    stopper = EarlyStopping(patience=2)
    assert drive(stopper, [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.86, 0.1]) == 7
    assert stopper.best == 0.8


def test_early_stopping_runs_every_epoch_while_the_value_improves():
    stopper = EarlyStopping(patience=1)
    assert drive(stopper, [5.0, 4.0, 3.0, 2.0]) == 4
    assert stopper.stopped_epoch == 0


def test_early_stopping_min_delta_ignores_improvements_smaller_than_it():
    assert drive(EarlyStopping(patience=2), [1.0, 0.95, 0.93, 0.92, 0.91]) == 5  # small gains still count
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    assert drive(stopper, [1.0, 0.95, 0.93, 0.92, 0.91]) == 3
    assert stopper.best == 1.0


def test_early_stopping_maximises_accuracy_in_auto_and_max_mode():
    for stopper in (
        EarlyStopping("val_accuracy", patience=2),
        EarlyStopping("score", patience=2, mode="max"),
    ):
        monitor = stopper.monitor
        assert drive(stopper, [0.5, 0.7, 0.6, 0.65, 0.9], monitor=monitor) == 4
        assert stopper.best == 0.7


def test_early_stopping_with_patience_zero_stops_at_the_first_epoch_without_improvement():
    assert drive(EarlyStopping(patience=0), [3.0, 2.0, 2.5, 1.0]) == 3


def test_early_stopping_in_fit_stops_at_the_epoch_the_scripted_val_loss_says():
    losses = [1.0, 0.8, 0.9, 0.85, 0.7, 0.6]
    stopper = EarlyStopping(patience=2)
    _, history = train([scripted(losses), stopper], epochs=6)
    assert history.epochs == 4 and stopper.stopped_epoch == 4
    assert history["val_loss"] == losses[:4]


def test_early_stopping_restores_the_exact_weights_of_the_best_epoch():
    snapshots = []
    keep = LambdaCallback(
        on_epoch_end=lambda epoch, logs, trainer: snapshots.append(copy.deepcopy(trainer.model.state_dict()))
    )
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    model, history = train([scripted([1.0, 0.5, 0.7, 0.8, 0.1]), keep, stopper], epochs=5)
    assert history.epochs == 4
    best, last = snapshots[1], snapshots[3]
    state = model.state_dict()
    assert all(np.array_equal(state[key], best[key]) for key in state)
    assert not all(np.array_equal(state[key], last[key]) for key in state)


def test_early_stopping_without_restore_keeps_the_last_weights():
    snapshots = []
    keep = LambdaCallback(
        on_epoch_end=lambda epoch, logs, trainer: snapshots.append(copy.deepcopy(trainer.model.state_dict()))
    )
    model, _ = train([scripted([1.0, 0.5, 0.7, 0.8]), keep, EarlyStopping(patience=2)], epochs=4)
    state = model.state_dict()
    assert all(np.array_equal(state[key], snapshots[-1][key]) for key in state)


def test_early_stopping_on_a_missing_key_lists_the_available_ones():
    expected = (
        r"monitor 'val_loss' is not among the logs of epoch 1 .pass val_loader.*available: loss, accuracy, lr"
    )
    with pytest.raises(ValueError, match=expected):
        train([EarlyStopping()], epochs=3)


def test_early_stopping_rejects_a_monitor_whose_direction_it_cannot_guess_and_bad_settings():
    with pytest.raises(ValueError, match="cannot tell whether 'f1' should go down or up"):
        EarlyStopping("f1")
    with pytest.raises(ValueError, match="mode must be 'auto', 'min' or 'max'"):
        EarlyStopping(mode="lowest")
    with pytest.raises(ValueError, match="patience must be an integer >= 0"):
        EarlyStopping(patience=-1)


def test_early_stopping_starts_afresh_in_a_second_fit():
    stopper = EarlyStopping(patience=1)
    train([scripted([1.0, 2.0, 3.0]), stopper], epochs=3)
    assert stopper.stopped_epoch == 2
    _, history = train([scripted([5.0, 4.0, 3.0]), stopper], epochs=3)
    assert history.epochs == 3 and stopper.stopped_epoch == 0 and stopper.best == 3.0


# ------------------------------------------------------------------------------------- ModelCheckpoint
def test_model_checkpoint_writes_only_on_improvement_with_the_formatted_name(tmp_path):
    snapshots = []
    keep = LambdaCallback(
        on_epoch_end=lambda epoch, logs, trainer: snapshots.append(copy.deepcopy(trainer.model.state_dict()))
    )
    checkpoint = ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}-{val_loss:.3f}.npz")
    train([scripted([1.0, 0.8, 0.9, 0.7]), keep, checkpoint], epochs=4)
    names = ["ckpt-01-1.000.npz", "ckpt-02-0.800.npz", "ckpt-04-0.700.npz"]
    assert sorted(os.listdir(tmp_path)) == names
    assert checkpoint.saved == [str(tmp_path / name) for name in names]
    assert checkpoint.best_path == str(tmp_path / "ckpt-04-0.700.npz") and checkpoint.best == 0.7
    for name, epoch in zip(names, (1, 2, 4)):
        loaded = tg.load(tmp_path / name)
        assert loaded.keys() == snapshots[epoch - 1].keys()
        assert all(np.array_equal(loaded[key], snapshots[epoch - 1][key]) for key in loaded)


def test_model_checkpoint_contents_load_back_into_a_fresh_model(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "best.npz", monitor="loss")
    model, _ = train([checkpoint], epochs=5)
    fresh = mlp(seed=9)
    fresh.load_state_dict(tg.load(checkpoint.best_path))
    assert np.array_equal(
        fresh(tg.tensor(XOR_X)).numpy(), model(tg.tensor(XOR_X)).numpy()
    )  # the loss kept falling


def test_model_checkpoint_saves_every_epoch_unless_save_best_only(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "sub" / "epoch{epoch}.npz", save_best_only=False)
    train([scripted([1.0, 0.5, 0.9]), checkpoint], epochs=3)
    assert sorted(os.listdir(tmp_path / "sub")) == ["epoch1.npz", "epoch2.npz", "epoch3.npz"]
    assert checkpoint.best_path == str(tmp_path / "sub" / "epoch2.npz")


def test_model_checkpoint_maximises_accuracy(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "acc{epoch}.npz", monitor="val_accuracy")
    train([scripted([0.5, 0.75, 0.5, 1.0], key="val_accuracy"), checkpoint], epochs=4)
    assert sorted(os.listdir(tmp_path)) == ["acc1.npz", "acc2.npz", "acc4.npz"]


def test_model_checkpoint_names_an_unknown_template_key_and_the_available_ones(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "ckpt-{val_los}.npz")
    with pytest.raises(
        ValueError, match=r"names \{val_los\}, which is not a log key; available: epoch, loss"
    ):
        train([scripted([1.0]), checkpoint], epochs=1)
    assert os.listdir(tmp_path) == []


# -------------------------------------------------------------------------------------- LambdaCallback
def test_lambda_callback_passes_the_epoch_logs_and_trainer():
    seen = []
    callback = LambdaCallback(
        on_epoch_end=lambda epoch, logs, trainer: seen.append((epoch, dict(logs), trainer))
    )
    model, history = train([callback], epochs=2)
    assert [epoch for epoch, _, _ in seen] == [1, 2]
    assert seen[1][1]["loss"] == history["loss"][1]
    trainer = seen[0][2]
    assert trainer.model is model and trainer.history is history and trainer.epochs == 2


def test_lambda_callback_rejects_a_hook_that_is_not_a_function():
    with pytest.raises(TypeError, match="LambdaCallback: on_epoch_end must be a function"):
        LambdaCallback(on_epoch_end=3)


def test_callback_base_hooks_do_nothing_and_subclasses_override_them():
    class Counter(Callback):
        def __init__(self):
            self.epochs = 0

        def on_epoch_begin(self, epoch, trainer):
            self.epochs += 1

    counter = Counter()
    _, history = train([Callback(), counter], epochs=3)
    assert counter.epochs == history.epochs == 3


def test_on_step_end_sees_every_step_its_loss_and_the_parameters_after_the_update():
    path = []

    class RecordPath(Callback):
        def on_step_end(self, step, loss, trainer):
            path.append((step, loss, trainer.model[0].weight.numpy().copy()))

    steps = []
    model, history = train(
        [RecordPath(), LambdaCallback(on_step_end=lambda step, loss, trainer: steps.append(step))], epochs=3
    )
    per_epoch = len(history.steps["loss"]) // 3
    assert [step for step, _, _ in path] == steps == list(range(1, 3 * per_epoch + 1))
    assert [loss for _, loss, _ in path] == history.steps["loss"]
    np.testing.assert_array_equal(path[-1][2], model[0].weight.numpy())  # recorded after the update
    assert not np.array_equal(path[0][2], path[-1][2])
