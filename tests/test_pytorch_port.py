"""PyTorch code ports with an import change: the training and test functions of PyTorch's MNIST example,
as they are written there, run on tensorgrad after replacing the imports (and learn)."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
import tensorgrad.optim as optim
from tensorgrad.optim.lr_scheduler import StepLR


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(8 * 4 * 4, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(model, device, train_loader, optimizer):
    model.train()
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()
    return test_loss / 64, correct / 64


test.__test__ = False  # PyTorch's name for it; not a pytest test


def batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Two classes of 12x12 images: a bright left half or a bright right half, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, 64)
    images = rng.normal(0.0, 0.3, (64, 1, 12, 12)).astype(np.float32)
    images[labels == 0, :, :, :6] += 1.0
    images[labels == 1, :, :, 6:] += 1.0
    return [(torch.tensor(images[i : i + 16]), torch.tensor(labels[i : i + 16])) for i in range(0, 64, 16)]


def test_pytorch_mnist_example_runs_unchanged_and_learns():
    torch.manual_seed(1)
    use_cuda = torch.cuda.is_available()
    device = torch.device("cuda" if use_cuda else "cpu")
    model = Net().to(device)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    train_loader, test_loader = batches(0), batches(1)
    loss_before, _ = test(model, device, test_loader)
    for _epoch in range(1, 4):
        train(model, device, train_loader, optimizer)
        scheduler.step()
    loss_after, accuracy = test(model, device, test_loader)
    assert accuracy > 0.9
    assert loss_after < 0.5 * loss_before
    assert scheduler.get_last_lr() == pytest.approx([0.01 * 0.7**3])


def test_common_tensor_spellings():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.clone()
    assert y.grad_fn is not None and not np.shares_memory(y.data, x.data)
    (y * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((2, 2), 2.0))
    assert x.eq(x).all() and not x.ne(x).any() and x.lt(x + 1).all() and x.ge(x).all()
    assert torch.zeros(4).view_as(x).shape == (2, 2)
    assert torch.ones(1, 2).expand_as(x).shape == (2, 2)
    assert torch.tensor([1, 2]).type_as(x).dtype == np.float32
    assert (
        torch.mm(x, x).shape == (2, 2)
        and torch.is_tensor(x)
        and not torch.is_tensor(x.numpy())
        and torch.is_tensor(x.data)
    )
    assert sorted(torch.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    shared = np.ones(3, np.float32)
    assert np.shares_memory(torch.as_tensor(shared).data, shared)
    w = torch.zeros(3, requires_grad=True)
    with torch.no_grad():
        w.fill_(0.5)
        w.copy_(w * 2)
    np.testing.assert_array_equal(w.data, [1.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="in-place assignment into a tensor that requires grad"):
        w.zero_()
    assert torch.device("cuda").type == "cuda"  # a device object, as in PyTorch; using it is the error
    with pytest.raises(ValueError, match="tensorgrad runs on the CPU only"):
        torch.zeros(1).to(torch.device("cuda"))
