"""yunjey's pytorch-tutorial, "Feedforward Neural Network" (yunjey/pytorch-tutorial,
tutorials/01-basics/feedforward_neural_network/main.py, read at commit 78c6afe6;
https://github.com/yunjey/pytorch-tutorial/blob/master/tutorials/01-basics/feedforward_neural_network/main.py),
ported by changing the imports and the data only: ``torch.device('cuda' if torch.cuda.is_available() else
'cpu')``, a ``NeuralNet`` module (784 -> 500 -> ReLU -> 10) moved ``.to(device)``,
``torch.utils.data.DataLoader`` reached as an attribute, ``nn.CrossEntropyLoss``,
``torch.optim.Adam(lr=0.001)``, ``images.reshape(-1, 28*28).to(device)``, ``torch.max(outputs.data, 1)`` and
``(predicted == labels).sum().item()``, and ``torch.save(model.state_dict(), 'model.ckpt')`` (into a temporary
folder).

The data: instead of ``torchvision.datasets.MNIST`` (downloaded), 1x28x28 images in [0, 1] of ten classes
(class k is a bright bar at rows 2k+4 and 2k+5 over faint noise): 800 for training and 300 for testing
(MNIST: 60000 and 10000). The five epochs, batch size and learning rate are kept (40 Adam steps). The weights
start at random, so the checks are on behaviour: the test accuracy is far above chance (torch 2.13 reaches
100%) and the checkpoint has the four parameter tensors.
"""

# ruff: noqa: UP008, UP032 -- the original's super(NeuralNet, self) and str.format are kept as written

from __future__ import annotations

import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn


def bar_images(count: int, seed: int):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    images = rng.uniform(0.0, 0.3, (count, 1, 28, 28)).astype(np.float32)
    for k in range(10):
        images[labels == k, 0, 2 * k + 4 : 2 * k + 6, 4:24] = 1.0
    return torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


# Fully connected neural network with one hidden layer
class NeuralNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(NeuralNet, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out


def test_feedforward_neural_network(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)

    # Device configuration
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    # Hyper-parameters
    input_size = 784
    hidden_size = 500
    num_classes = 10
    num_epochs = 5
    batch_size = 100
    learning_rate = 0.001

    # MNIST dataset
    train_dataset = bar_images(800, seed=12)

    test_dataset = bar_images(300, seed=13)

    # Data loader
    train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True)

    test_loader = torch.utils.data.DataLoader(dataset=test_dataset, batch_size=batch_size, shuffle=False)

    model = NeuralNet(input_size, hidden_size, num_classes).to(device)

    # Loss and optimizer
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)

    # Train the model
    total_step = len(train_loader)
    for epoch in range(num_epochs):
        for i, (images, labels) in enumerate(train_loader):
            # Move tensors to the configured device
            images = images.reshape(-1, 28 * 28).to(device)
            labels = labels.to(device)

            # Forward pass
            outputs = model(images)
            loss = criterion(outputs, labels)

            # Backward and optimize
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

            if (i + 1) % 100 == 0:
                print(
                    "Epoch [{}/{}], Step [{}/{}], Loss: {:.4f}".format(
                        epoch + 1, num_epochs, i + 1, total_step, loss.item()
                    )
                )

    # Test the model
    # In test phase, we don't need to compute gradients (for memory efficiency)
    with torch.no_grad():
        correct = 0
        total = 0
        for images, labels in test_loader:
            images = images.reshape(-1, 28 * 28).to(device)
            labels = labels.to(device)
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()

        print("Accuracy of the network on the 10000 test images: {} %".format(100 * correct / total))

    # Save the model checkpoint
    torch.save(model.state_dict(), "model.ckpt")

    assert total == 300 and correct / total > 0.9  # ten classes: chance is 10%
    assert sorted(torch.load("model.ckpt")) == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]
