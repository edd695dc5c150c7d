"""End to end: PyTorch-style training loops with nn and optim, and the model summary."""

from __future__ import annotations

import numpy as np

import tensorgrad as tg
from tensorgrad import nn, optim


def small_cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2D(1, 4, 3, padding=1),
        nn.BatchNorm2D(4),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Conv2D(4, 8, 3, padding=1),
        nn.ReLU(),
        nn.AvgPool2D(2),
        nn.Flatten(),
        nn.Dropout(0.1),
        nn.Dense(8 * 2 * 2, 3),
    )


def test_tiny_cnn_overfits_a_few_batches_to_zero_training_error():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    batches = [
        (tg.tensor(rng.normal(size=(8, 1, 8, 8)).astype(np.float32)), rng.integers(0, 3, 8)) for _ in range(3)
    ]
    model = small_cnn()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    first_loss = None
    for _ in range(60):
        for x, y in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            first_loss = first_loss or loss.item()
    model.eval()
    with tg.no_grad():
        errors = sum(int((model(x).numpy().argmax(1) != y).sum()) for x, y in batches)
        final_loss = np.mean([loss_fn(model(x), y).item() for x, y in batches])
    assert errors == 0
    assert final_loss < 0.1 * first_loss


def test_mlp_learns_xor_with_nn_and_sgd_momentum():
    tg.manual_seed(3)
    x = tg.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = nn.Sequential(nn.Dense(2, 8), nn.Tanh(), nn.Dense(8, 2))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(300):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.05
    np.testing.assert_array_equal(model(x).numpy().argmax(1), y)


def test_summary_lists_layers_shapes_and_parameter_counts():
    report = nn.summary(small_cnn(), (2, 1, 8, 8))
    assert [(name, kind, shape) for name, kind, shape, _ in report.rows] == [
        ("0", "Conv2D", "(2, 4, 8, 8)"),
        ("1", "BatchNorm2D", "(2, 4, 8, 8)"),
        ("2", "ReLU", "(2, 4, 8, 8)"),
        ("3", "MaxPool2D", "(2, 4, 4, 4)"),
        ("4", "Conv2D", "(2, 8, 4, 4)"),
        ("5", "ReLU", "(2, 8, 4, 4)"),
        ("6", "AvgPool2D", "(2, 8, 2, 2)"),
        ("7", "Flatten", "(2, 32)"),
        ("8", "Dropout", "(2, 32)"),
        ("9", "Dense", "(2, 3)"),
    ]
    counts = [count for *_, count in report.rows]
    assert counts == [4 * 9 + 4, 8, 0, 0, 8 * 4 * 9 + 8, 0, 0, 0, 0, 32 * 3 + 3]
    assert report.total_params == report.trainable_params == sum(counts)
    text = str(report)
    assert "4 (Conv2D)" in text and f"Total params: {sum(counts):,}" in text


def test_summary_counts_frozen_parameters_as_non_trainable():
    model = small_cnn()
    frozen = model[0]  # the first convolution: 4 * 9 weights and 4 biases
    for p in frozen.parameters():
        p.requires_grad_(False)
    report = nn.summary(model, (2, 1, 8, 8))
    total = sum(p.numpy().size for p in model.parameters())
    assert report.total_params == total
    assert report.trainable_params == total - (4 * 9 + 4)
    assert f"Non-trainable params: {4 * 9 + 4:,}" in str(report)


def test_summary_leaves_the_model_as_it_was():
    model = small_cnn()
    before = model.state_dict()
    nn.summary(model, (1, 1, 8, 8))
    assert all(m.training for m in model.modules())
    assert all(not m._forward_hooks for m in model.modules())
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])
