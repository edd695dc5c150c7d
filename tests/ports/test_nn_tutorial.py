"""PyTorch's tutorial "What is torch.nn really?" by Jeremy Howard (pytorch/tutorials,
beginner_source/nn_tutorial.py, read at commit 05e7ce2c; published at
https://pytorch.org/tutorials/beginner/nn_tutorial.html), ported by changing the imports and the data only:
MNIST logistic regression written from scratch (``weights.requires_grad_()``, a hand-written ``log_softmax``,
``nll`` as ``-input[range(target.shape[0]), target].mean()``, updates under ``torch.no_grad()`` and
``grad.zero_()``), then refactored step by step to ``F.cross_entropy``, ``nn.Module`` + ``nn.Parameter``,
``nn.Linear``, ``optim.SGD``, ``TensorDataset`` slicing, ``DataLoader``, a validation loop summing tensors
with Python's ``sum``, ``fit()`` / ``get_data()``, a CNN with ``F.avg_pool2d``, the same CNN as
``nn.Sequential`` with a ``Lambda`` module and ``nn.AvgPool2d``, a ``WrappedDataLoader`` generator with
``nn.AdaptiveAvgPool2d``, and the "Using your GPU" section (which runs on the CPU when CUDA is absent).

The data: instead of downloading ``mnist.pkl.gz`` with requests and unpickling it, the same four arrays are
generated: flattened 28x28 images in [0, 1] (float32) and int64 labels, where class k is a fixed 4x4 binary
pattern of its own, tiled over the image, on faint uniform noise (a local texture, so the CNNs, which average
over positions, can see it too); 768 training and 128 validation images (MNIST: 50000 and 10000). The pyplot
preview and the IPython ``set_trace`` import are dropped. Nothing else is shrunk (2 epochs, batch 64, as in
the tutorial). Everything starts at random, so the checks are on behaviour: each refactoring trains (its loss
on the last batch or the validation set ends below where it started) and the final CNN classifies the
validation set far above chance.
"""

# ruff: noqa: B007, RUF059 -- the tutorial's unused loop variables and
# unpacked ``c`` are kept as written

from __future__ import annotations

import math

import numpy as np
import pytest

import tensorgrad as torch


def mnist_standin(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    patterns = np.random.default_rng(0).integers(0, 2, (10, 4, 4)).astype(np.float32)  # one per class
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count).astype(np.int64)
    images = rng.uniform(0.0, 0.3, (count, 28, 28)).astype(np.float32)
    images += 0.7 * np.tile(patterns[labels], (1, 7, 7))
    return images.reshape(count, 784), labels


def test_what_is_torch_nn_really():
    torch.manual_seed(0)
    checks = {}
    (x_train, y_train), (x_valid, y_valid) = mnist_standin(768, seed=5), mnist_standin(128, seed=6)

    print(x_train.shape)

    x_train, y_train, x_valid, y_valid = map(torch.tensor, (x_train, y_train, x_valid, y_valid))
    n, c = x_train.shape
    x_train, x_train.shape, y_train.min(), y_train.max()
    print(x_train, y_train)
    print(x_train.shape)
    print(y_train.min(), y_train.max())

    weights = torch.randn(784, 10) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    bs = 64  # batch size

    xb = x_train[0:bs]  # a mini-batch from x
    preds = model(xb)  # predictions
    preds[0], preds.shape
    print(preds[0], preds.shape)

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    loss_func = nll

    yb = y_train[0:bs]
    print(loss_func(preds, yb))
    checks["scratch, before"] = loss_func(preds, yb).item()

    def accuracy(out, yb):
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    print(accuracy(preds, yb))

    lr = 0.5  # learning rate
    epochs = 2  # how many epochs to train for

    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            #         set_trace()
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()

    print(loss_func(model(xb), yb), accuracy(model(xb), yb))
    checks["scratch, after"] = loss_func(model(xb), yb).item()

    import tensorgrad.nn.functional as F

    loss_func = F.cross_entropy

    def model(xb):
        return xb @ weights + bias

    print(loss_func(model(xb), yb), accuracy(model(xb), yb))
    checks["F.cross_entropy, same model"] = loss_func(model(xb), yb).item()

    from tensorgrad import nn

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(torch.randn(784, 10) / math.sqrt(784))
            self.bias = nn.Parameter(torch.zeros(10))

        def forward(self, xb):
            return xb @ self.weights + self.bias

    model = Mnist_Logistic()

    print(loss_func(model(xb), yb))
    checks["nn.Module, before"] = loss_func(model(xb), yb).item()

    def fit():
        for epoch in range(epochs):
            for i in range((n - 1) // bs + 1):
                start_i = i * bs
                end_i = start_i + bs
                xb = x_train[start_i:end_i]
                yb = y_train[start_i:end_i]
                pred = model(xb)
                loss = loss_func(pred, yb)

                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= p.grad * lr
                    model.zero_grad()

    fit()

    print(loss_func(model(xb), yb))
    checks["nn.Module, after"] = loss_func(model(xb), yb).item()

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    model = Mnist_Logistic()
    print(loss_func(model(xb), yb))
    checks["nn.Linear, before"] = loss_func(model(xb), yb).item()

    fit()

    print(loss_func(model(xb), yb))
    checks["nn.Linear, after"] = loss_func(model(xb), yb).item()

    from tensorgrad import optim

    def get_model():
        model = Mnist_Logistic()
        return model, optim.SGD(model.parameters(), lr=lr)

    model, opt = get_model()
    print(loss_func(model(xb), yb))
    checks["optim, before"] = loss_func(model(xb), yb).item()

    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()

    print(loss_func(model(xb), yb))
    checks["optim, after"] = loss_func(model(xb), yb).item()

    from tensorgrad.utils.data import TensorDataset

    train_ds = TensorDataset(x_train, y_train)

    model, opt = get_model()

    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            xb, yb = train_ds[i * bs : i * bs + bs]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()

    print(loss_func(model(xb), yb))
    checks["Dataset slices, after"] = loss_func(model(xb), yb).item()

    from tensorgrad.utils.data import DataLoader

    train_ds = TensorDataset(x_train, y_train)
    train_dl = DataLoader(train_ds, batch_size=bs)

    model, opt = get_model()

    for epoch in range(epochs):
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()

    print(loss_func(model(xb), yb))
    checks["DataLoader, after"] = loss_func(model(xb), yb).item()

    train_ds = TensorDataset(x_train, y_train)
    train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)

    valid_ds = TensorDataset(x_valid, y_valid)
    valid_dl = DataLoader(valid_ds, batch_size=bs * 2)

    model, opt = get_model()

    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            opt.step()
            opt.zero_grad()

        model.eval()
        with torch.no_grad():
            valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)

        print(epoch, valid_loss / len(valid_dl))
    checks["validation, after"] = (valid_loss / len(valid_dl)).item()

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)

        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()

        return loss.item(), len(xb)

    val_losses = []

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
        for epoch in range(epochs):
            model.train()
            for xb, yb in train_dl:
                loss_batch(model, loss_func, xb, yb, opt)

            model.eval()
            with torch.no_grad():
                losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
            val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)

            print(epoch, val_loss)
            val_losses.append(val_loss)

    def get_data(train_ds, valid_ds, bs):
        return (
            DataLoader(train_ds, batch_size=bs, shuffle=True),
            DataLoader(valid_ds, batch_size=bs * 2),
        )

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    model, opt = get_model()
    fit(epochs, model, loss_func, opt, train_dl, valid_dl)

    class Mnist_CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)

        def forward(self, xb):
            xb = xb.view(-1, 1, 28, 28)
            xb = F.relu(self.conv1(xb))
            xb = F.relu(self.conv2(xb))
            xb = F.relu(self.conv3(xb))
            xb = F.avg_pool2d(xb, 4)
            return xb.view(-1, xb.size(1))

    lr = 0.1

    model = Mnist_CNN()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    fit(epochs, model, loss_func, opt, train_dl, valid_dl)

    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x):
        return x.view(-1, 1, 28, 28)

    model = nn.Sequential(
        Lambda(preprocess),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AvgPool2d(4),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )

    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    fit(epochs, model, loss_func, opt, train_dl, valid_dl)

    def preprocess(x, y):
        return x.view(-1, 1, 28, 28), y

    class WrappedDataLoader:
        def __init__(self, dl, func):
            self.dl = dl
            self.func = func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            batches = iter(self.dl)
            for b in batches:
                yield (self.func(*b))

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    train_dl = WrappedDataLoader(train_dl, preprocess)
    valid_dl = WrappedDataLoader(valid_dl, preprocess)

    model = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )

    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    fit(epochs, model, loss_func, opt, train_dl, valid_dl)

    print(torch.cuda.is_available())

    dev = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")

    def preprocess(x, y):
        return x.view(-1, 1, 28, 28).to(dev), y.to(dev)

    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    train_dl = WrappedDataLoader(train_dl, preprocess)
    valid_dl = WrappedDataLoader(valid_dl, preprocess)

    model.to(dev)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    fit(epochs, model, loss_func, opt, train_dl, valid_dl)

    # the checks: every refactoring trains, and the last CNN tells the classes apart
    print(checks, val_losses)
    assert checks["scratch, after"] < checks["scratch, before"] / 2
    assert checks["F.cross_entropy, same model"] == pytest.approx(
        checks["scratch, after"], rel=1e-3, abs=1e-5
    )
    for stage in ("nn.Module", "nn.Linear", "optim"):
        assert checks[f"{stage}, after"] < checks[f"{stage}, before"] / 2
    assert checks["Dataset slices, after"] < 1.0 and checks["DataLoader, after"] < 1.0
    assert checks["validation, after"] < 1.0
    assert len(val_losses) == 5 * epochs and val_losses[1] < 1.0
    assert val_losses[-1] < val_losses[2] and min(val_losses[2:]) < 1.0  # the CNNs train too
    with torch.no_grad():
        correct = sum((model(xb).argmax(1) == yb).float().sum().item() for xb, yb in valid_dl)
    assert correct / len(valid_ds) > 0.6  # ten classes: chance is 10%
