"""PyTorch's "Learn the Basics", part "Quickstart" (pytorch/tutorials, beginner_source/basics/
quickstart_tutorial.py, read at commit 07a339ec; published at
https://pytorch.org/tutorials/beginner/basics/quickstart_tutorial.html), ported by changing the imports and
the data only: the FashionMNIST MLP (whose last layer, in this revision, is followed by a ReLU),
``model.to(device)``, ``nn.CrossEntropyLoss``, ``torch.optim.SGD(lr=1e-3)``, the ``train``/``test`` functions
with ``len(dataloader.dataset)``, ``len(dataloader)`` and ``(pred.argmax(1) ==
y).type(torch.float).sum().item()``, then ``torch.save(model.state_dict(), "model.pth")``, a fresh model with
``load_state_dict(torch.load(...))`` and a prediction read as ``classes[pred[0].argmax(0)]``.

The data: instead of FashionMNIST (downloaded by torchvision), 1x28x28 images in [0, 1] of ten classes a
small MLP can tell apart: class k is a bright bar at rows 2k+4 and 2k+5 over faint uniform noise; 320
training and 192 test images (the tutorial: 60000 and 10000). The five epochs are kept. Files go to a
temporary folder. With random initial weights and only 25 SGD steps at lr 1e-3 the checks are on behaviour:
the test loss after the five epochs is below the loss before them (measured by one extra call of the
tutorial's ``test``, marked in the code), the accuracies are fractions, the reloaded model's prediction names
a class, and the checkpoint file exists.
"""

# ruff: noqa: UP008, UP032 -- the original's super(NeuralNetwork, self) and str.format are kept as written

from __future__ import annotations

import numpy as np

import tensorgrad as torch
from tensorgrad import nn


def bar_images(count: int, seed: int):
    from tensorgrad.utils.data import TensorDataset

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    images = rng.uniform(0.0, 0.3, (count, 1, 28, 28)).astype(np.float32)
    for k in range(10):
        images[labels == k, 0, 2 * k + 4 : 2 * k + 6, 4:24] = 1.0
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


def test_quickstart_tutorial_runs_unchanged(tmp_path, monkeypatch):
    from tensorgrad.utils.data import DataLoader  # the tutorial's import; here, not at the top, so that while
    # tensorgrad.utils is missing only this test fails, not the collection of the suite

    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
    training_data = bar_images(320, seed=1)
    test_data = bar_images(192, seed=2)
    losses = []

    batch_size = 64

    # Create data loaders.
    train_dataloader = DataLoader(training_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)

    for X, y in test_dataloader:
        print("Shape of X [N, C, H, W]: ", X.shape)
        print("Shape of y: ", y.shape, y.dtype)
        assert tuple(X.shape) == (64, 1, 28, 28) and y.dtype == torch.int64
        break

    # Get cpu or gpu device for training.
    device = "cuda" if torch.cuda.is_available() else "cpu"
    print("Using {} device".format(device))

    # Define model
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super(NeuralNetwork, self).__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512),
                nn.ReLU(),
                nn.Linear(512, 512),
                nn.ReLU(),
                nn.Linear(512, 10),
                nn.ReLU(),
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    model = NeuralNetwork().to(device)
    print(model)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)

            # Compute prediction error
            pred = model(X)
            loss = loss_fn(pred, y)

            # Backpropagation
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

            if batch % 100 == 0:
                loss, current = loss.item(), batch * len(X)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
        losses.append((test_loss, correct))

    test(test_dataloader, model, loss_fn)  # not in the tutorial: the loss before training, for the check
    epochs = 5
    for t in range(epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        test(test_dataloader, model, loss_fn)
    print("Done!")

    torch.save(model.state_dict(), "model.pth")
    print("Saved PyTorch Model State to model.pth")

    model = NeuralNetwork()
    model.load_state_dict(torch.load("model.pth"))

    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]

    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')

    assert len(losses) == 6 and losses[-1][0] < losses[0][0]
    assert all(0.0 <= accuracy <= 1.0 for _, accuracy in losses)
    assert predicted in classes and actual == classes[int(y)]
    assert (tmp_path / "model.pth").exists()
