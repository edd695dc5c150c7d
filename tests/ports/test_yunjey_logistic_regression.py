"""yunjey's pytorch-tutorial, "Logistic Regression" (yunjey/pytorch-tutorial,
tutorials/01-basics/logistic_regression/main.py, read at commit 3008d882;
https://github.com/yunjey/pytorch-tutorial/blob/master/tutorials/01-basics/logistic_regression/main.py),
ported by changing the imports and the data only: ``torch.utils.data.DataLoader(dataset=..., batch_size=100,
shuffle=True)`` reached as an attribute, ``nn.Linear(784, 10)``, ``nn.CrossEntropyLoss``,
``torch.optim.SGD(lr=0.001)``, ``images.reshape(-1, input_size)``, ``torch.max(outputs.data, 1)``, a count
``correct += (predicted == labels).sum()`` that stays a tensor, ``100 * correct / total``, and
``torch.save(model.state_dict(), 'model.ckpt')`` (into a temporary folder).

The data: instead of ``torchvision.datasets.MNIST`` (downloaded), two datasets of 1x28x28 images in [0, 1] of
ten classes (class k is a bright bar at rows 2k+4 and 2k+5 over faint noise): 2000 for training and 500 for
testing (MNIST: 60000 and 10000). The five epochs, batch size and learning rate are kept, which makes only 100
SGD steps at lr 0.001, so the checks are on behaviour: the mean loss of the last epoch is below that of the
first, the accuracy is a percentage over the 500 test images, and the checkpoint holds weight and bias.
"""

# ruff: noqa: UP032 -- the original's str.format is kept as written

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


def test_logistic_regression(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
    epoch_losses = []

    # Hyper-parameters
    input_size = 28 * 28  # 784
    num_classes = 10
    num_epochs = 5
    batch_size = 100
    learning_rate = 0.001

    # MNIST dataset (images and labels)
    train_dataset = bar_images(2000, seed=10)

    test_dataset = bar_images(500, seed=11)

    # Data loader (input pipeline)
    train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True)

    test_loader = torch.utils.data.DataLoader(dataset=test_dataset, batch_size=batch_size, shuffle=False)

    # Logistic regression model
    model = nn.Linear(input_size, num_classes)

    # Loss and optimizer
    # nn.CrossEntropyLoss() computes softmax internally
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

    # Train the model
    total_step = len(train_loader)
    for epoch in range(num_epochs):
        epoch_losses.append([])
        for i, (images, labels) in enumerate(train_loader):
            # Reshape images to (batch_size, input_size)
            images = images.reshape(-1, input_size)

            # Forward pass
            outputs = model(images)
            loss = criterion(outputs, labels)
            epoch_losses[-1].append(loss.item())

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
            images = images.reshape(-1, input_size)
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum()

        print("Accuracy of the model on the 10000 test images: {} %".format(100 * correct / total))

    # Save the model checkpoint
    torch.save(model.state_dict(), "model.ckpt")

    assert total_step == 20 and total == 500
    assert np.mean(epoch_losses[-1]) < np.mean(epoch_losses[0])
    assert 0 <= (100 * correct / total).item() <= 100
    assert sorted(torch.load("model.ckpt")) == ["bias", "weight"]
