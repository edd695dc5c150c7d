"""PyTorch's "Learn the Basics", part "Optimizing Model Parameters" (pytorch/tutorials,
beginner_source/basics/optimization_tutorial.py, read at commit 009a87b0; published at
https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html), ported by changing the imports and
the data only: the FashionMNIST MLP, the hyperparameters, ``train_loop`` (with ``model.train()`` and ``batch *
batch_size + len(X)``) and ``test_loop`` (with ``model.eval()``), trained with ``nn.CrossEntropyLoss`` and
``torch.optim.SGD(lr=1e-3)`` for the tutorial's final 10 epochs.

The data: instead of FashionMNIST (downloaded by torchvision), 1x28x28 images in [0, 1] of ten classes: class
k is a bright bar at rows 2k+4 and 2k+5 over faint uniform noise; 320 training and 320 test images (the
tutorial: 60000 and 10000). With random initial weights and 50 SGD steps at lr 1e-3 the checks are on
behaviour: the test loss after every epoch is below the one before (torch 2.13 does so too), and the
accuracies are fractions.
"""

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


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def test_optimizing_model_parameters_tutorial():
    from tensorgrad.utils.data import DataLoader  # the tutorial's import; here, not at the top, so that while
    # tensorgrad.utils is missing only this test fails, not the collection of the suite

    torch.manual_seed(0)
    training_data = bar_images(320, seed=3)
    test_data = bar_images(320, seed=4)
    results = []

    train_dataloader = DataLoader(training_data, batch_size=64)
    test_dataloader = DataLoader(test_data, batch_size=64)

    model = NeuralNetwork()

    learning_rate = 1e-3
    batch_size = 64
    epochs = 5

    # Initialize the loss function
    loss_fn = nn.CrossEntropyLoss()

    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

    def train_loop(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        # Set the model to training mode - important for batch normalization and dropout layers
        # Unnecessary in this situation but added for best practices
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            # Compute prediction and loss
            pred = model(X)
            loss = loss_fn(pred, y)

            # Backpropagation
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

            if batch % 100 == 0:
                loss, current = loss.item(), batch * batch_size + len(X)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test_loop(dataloader, model, loss_fn):
        # Set the model to evaluation mode - important for batch normalization and dropout layers
        # Unnecessary in this situation but added for best practices
        model.eval()
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        test_loss, correct = 0, 0

        # Evaluating the model with torch.no_grad() ensures that no gradients are computed during test mode
        # also serves to reduce unnecessary gradient computations and memory usage for tensors with
        # requires_grad=True
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()

        test_loss /= num_batches
        correct /= size
        print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
        results.append((test_loss, correct))

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

    epochs = 10
    for t in range(epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train_loop(train_dataloader, model, loss_fn, optimizer)
        test_loop(test_dataloader, model, loss_fn)
    print("Done!")

    assert len(results) == 10
    assert all(results[i + 1][0] < results[i][0] for i in range(len(results) - 1))
    assert all(0.0 <= accuracy <= 1.0 for _, accuracy in results)
