"""PyTorch's 60-minute blitz, part "Neural Networks" (pytorch/tutorials,
beginner_source/blitz/neural_networks_tutorial.py, the revision read at commit 06dc9778; published at
https://pytorch.org/tutorials/beginner/blitz/neural_networks_tutorial.html), ported by changing the imports
only: LeNet with ``F.max_pool2d(..., (2, 2))``, ``x.view(-1, self.num_flat_features(x))`` (which iterates over
``x.size()[1:]``), ``list(net.parameters())``, ``out.backward(torch.randn(1, 10))``, ``nn.MSELoss`` against
``torch.arange(1, 11).view(1, -1)`` (an int64 target), walking ``loss.grad_fn.next_functions``, the
``conv1.bias.grad`` before and after backward, and one ``optim.SGD`` step.

No data set: the tutorial feeds one ``torch.randn(1, 1, 32, 32)`` image. Nothing shrunk. The values are
random, so the checks are on structure: 10 parameter tensors, their shapes, ``None`` gradients after
``net.zero_grad()`` (PyTorch 2 sets them to None), a (6,) bias gradient after backward, and that the SGD step
moves the weights by exactly lr times their gradients.
"""

# ruff: noqa: UP008 -- the original's super(Net, self) are kept as written

from __future__ import annotations

import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
import tensorgrad.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution
        # kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # Max pooling over a (2, 2) window
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # If the size is a square you can only specify a single number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]  # all dimensions except the batch dimension
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


def test_neural_networks_tutorial():
    torch.manual_seed(0)
    net = Net()
    print(net)

    params = list(net.parameters())
    print(len(params))
    print(params[0].size())  # conv1's .weight
    assert len(params) == 10 and params[0].size() == (6, 1, 5, 5)

    input = torch.randn(1, 1, 32, 32)
    out = net(input)
    print(out)
    assert out.size() == (1, 10)

    net.zero_grad()
    out.backward(torch.randn(1, 10))

    output = net(input)
    target = torch.arange(1, 11)  # a dummy target, for example
    target = target.view(1, -1)  # make it the same shape as output
    criterion = nn.MSELoss()

    loss = criterion(output, target)
    print(loss)
    expected = np.mean((output.detach().numpy() - np.arange(1, 11)) ** 2)
    assert np.isclose(loss.item(), expected, rtol=1e-5)

    print(loss.grad_fn)  # MSELoss
    print(loss.grad_fn.next_functions[0][0])  # Linear
    print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU

    net.zero_grad()  # zeroes the gradient buffers of all parameters

    print("conv1.bias.grad before backward")
    print(net.conv1.bias.grad)
    assert net.conv1.bias.grad is None

    loss.backward()

    print("conv1.bias.grad after backward")
    print(net.conv1.bias.grad)
    assert net.conv1.bias.grad.size() == (6,)

    # create your optimizer
    optimizer = optim.SGD(net.parameters(), lr=0.01)

    # in your training loop:
    optimizer.zero_grad()  # zero the gradient buffers
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    before = net.fc3.weight.detach().numpy().copy()
    grad = net.fc3.weight.grad.numpy().copy()
    optimizer.step()  # Does the update
    assert np.allclose(net.fc3.weight.detach().numpy(), before - 0.01 * grad, atol=1e-7)
