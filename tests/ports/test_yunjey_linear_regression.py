"""yunjey's pytorch-tutorial, "Linear Regression" (yunjey/pytorch-tutorial,
tutorials/01-basics/linear_regression/main.py, read at commit 40aa26e4;
https://github.com/yunjey/pytorch-tutorial/blob/master/tutorials/01-basics/linear_regression/main.py), ported
by changing the imports only: ``nn.Linear(1, 1)`` fitted to the tutorial's own 15 toy points (numpy float32
arrays through ``torch.from_numpy``) with ``nn.MSELoss`` and ``torch.optim.SGD(lr=0.001)`` for 60 epochs, the
plot of ``model(inputs).detach().numpy()`` (drawn off-screen here), and ``torch.save(model.state_dict(),
'model.ckpt')`` (into a temporary folder).

The data is the tutorial's; nothing shrunk. The layer starts at random, so the checks are on behaviour: the
loss printed every 5 epochs never rises and ends below its start (the least-squares line has an MSE of about
0.16; with this learning rate 60 epochs get part of the way), and the checkpoint holds weight and bias.
"""

# ruff: noqa: UP032 -- the original's str.format is kept as written

from __future__ import annotations

import matplotlib
import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def test_linear_regression(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
    printed = []

    # Hyper-parameters
    input_size = 1
    output_size = 1
    num_epochs = 60
    learning_rate = 0.001

    # Toy dataset
    x_train = np.array([[3.3], [4.4], [5.5], [6.71], [6.93], [4.168],
                        [9.779], [6.182], [7.59], [2.167], [7.042],
                        [10.791], [5.313], [7.997], [3.1]], dtype=np.float32)  # fmt: skip

    y_train = np.array([[1.7], [2.76], [2.09], [3.19], [1.694], [1.573],
                        [3.366], [2.596], [2.53], [1.221], [2.827],
                        [3.465], [1.65], [2.904], [1.3]], dtype=np.float32)  # fmt: skip

    # Linear regression model
    model = nn.Linear(input_size, output_size)

    # Loss and optimizer
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

    # Convert numpy arrays to torch tensors
    inputs = torch.from_numpy(x_train)
    targets = torch.from_numpy(y_train)

    # Train the model
    for epoch in range(num_epochs):
        # Forward pass
        outputs = model(inputs)
        loss = criterion(outputs, targets)

        # Backward and optimize
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if (epoch + 1) % 5 == 0:
            print("Epoch [{}/{}], Loss: {:.4f}".format(epoch + 1, num_epochs, loss.item()))
            printed.append(loss.item())

    # Plot the graph
    predicted = model(inputs).detach().numpy()
    plt.plot(x_train, y_train, "ro", label="Original data")
    plt.plot(x_train, predicted, label="Fitted line")
    plt.legend()
    plt.show()
    plt.close("all")

    # Save the model checkpoint
    torch.save(model.state_dict(), "model.ckpt")

    assert len(printed) == 12 and printed[-1] < printed[0]
    assert all(printed[i + 1] <= printed[i] + 1e-6 for i in range(len(printed) - 1))
    assert predicted.shape == (15, 1) and predicted.dtype == np.float32
    assert sorted(torch.load("model.ckpt")) == ["bias", "weight"]
