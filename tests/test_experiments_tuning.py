"""training_objective: a training run as a function of lr, batch size and momentum, swept with sweep."""

import math

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import nn, optim
from tensorgrad.data import DataLoader, TensorDataset
from tensorgrad.experiments import DataSplit, load_dataset, models, plot_sweep, sweep, training_objective
from tensorgrad.training import fit


@pytest.fixture(scope="module")
def split():
    digits = load_dataset("digits")
    (x, y), (tx, ty) = digits.train.tensors, digits.test.tensors
    return DataSplit(
        "digits", TensorDataset(x[:200], y[:200]), TensorDataset(tx[:100], ty[:100]), (1, 8, 8), 10, ""
    )


def test_the_objective_is_the_training_run_it_names(split):
    objective = training_objective(models.mlp, split, optimizer="momentum", epochs=2)
    metrics = objective(lr=0.05, batch_size=16, seed=3, momentum=0.8)

    tg.manual_seed(3)
    model = models.mlp()
    history = fit(
        model,
        nn.CrossEntropyLoss(),
        optim.Momentum(model.parameters(), lr=0.05, momentum=0.8),
        DataLoader(split.train, batch_size=16, shuffle=True, seed=3),
        2,
        val_loader=DataLoader(split.test, batch_size=256),
        progress=False,
    )
    assert metrics == {
        "loss": history["loss"][-1],
        "val_loss": history["val_loss"][-1],
        "val_accuracy": history["val_accuracy"][-1],
    }


def test_a_learning_rate_sweep_records_divergence_as_nan_and_finds_a_good_rate(split):
    objective = training_objective(models.mlp, split, optimizer="sgd", epochs=3)
    result = sweep(objective, {"lr": [0.01, 0.3, 1e4], "batch_size": [16, 64]})
    assert [(row["lr"], row["batch_size"]) for row in result.rows] == [
        (0.01, 16), (0.01, 64), (0.3, 16), (0.3, 64), (1e4, 16), (1e4, 64)
    ]  # fmt: skip
    blown_up = [row["loss"] for row in result.rows if row["lr"] == 1e4]
    assert any(math.isnan(loss) for loss in blown_up)  # diverged: recorded as nan, not an error
    assert all(math.isnan(loss) or loss > 100 for loss in blown_up)
    best = result.best("val_accuracy")  # mode "auto": the largest accuracy
    assert (best["lr"], best["batch_size"]) == (0.3, 16) and best["val_accuracy"] > 0.6
    assert result.rows[0]["val_accuracy"] < best["val_accuracy"]  # lr 0.01 learns too slowly in 3 epochs
    figure = plot_sweep(result, "lr", "val_accuracy", by="batch_size")
    ax = figure.get_axes()[0]
    assert ax.get_xscale() == "log"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["batch_size=16", "batch_size=64"]
    assert "diverged (nan)" in legend
    best_entry = next(text for text in legend if text.startswith("best: "))
    assert best_entry.startswith("best: val_accuracy=0.") and best_entry.endswith("at lr=0.3, batch_size=16")
    assert result.table(sort_by="val_accuracy").splitlines()[2].split()[:2] == ["0.3", "16"]  # best first


def test_repeats_pass_each_seed_to_the_objective(split):
    objective = training_objective(models.mlp, split, optimizer="adam", epochs=1)
    result = sweep(objective, {"lr": [0.003]}, repeats=2, seed=5)
    row = result.rows[0]
    runs = [objective(lr=0.003, seed=seed) for seed in (5, 6)]
    assert row["val_loss"] == pytest.approx(np.mean([r["val_loss"] for r in runs]), rel=1e-12)
    assert row["val_loss_std"] > 0


def test_an_unknown_optimizer_is_named():
    with pytest.raises(ValueError, match="unknown optimizer 'lion'"):
        training_objective(models.mlp, load_dataset("xor"), optimizer="lion")
