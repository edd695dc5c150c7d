"""PyTorch's examples, "Basic MNIST Example" (pytorch/examples, mnist/main.py; the revision read is the
index's copy at commit 09654b86, whose code is upstream's 2023 version with ``--no-mps`` and ``--dry-run``
plus long Chinese annotation comments, dropped here, and an ``--epochs`` default of 3 where upstream says 14;
https://github.com/pytorch/examples/blob/main/mnist/main.py), ported by changing the imports and the data
only: a CNN with two ``nn.Conv2d``, ``F.max_pool2d``, ``nn.Dropout``, ``torch.flatten`` and ``F.log_softmax``,
trained with ``F.nll_loss``, ``optim.Adadelta(lr=1.0)`` and ``StepLR(step_size=1, gamma=0.7)``, evaluated with
``F.nll_loss(..., reduction='sum')``, ``output.argmax(dim=1, keepdim=True)`` and
``pred.eq(target.view_as(pred)).sum().item()``; the device is chosen with ``torch.cuda.is_available()`` and
``torch.backends.mps.is_available()``, and the command line is parsed by argparse.

The data: instead of ``datasets.MNIST`` with ``ToTensor`` and ``Normalize((0.1307,), (0.3081,))``, generated
1x28x28 images of ten classes (class k is a bright bar at rows 2k+4 and 2k+5 over faint noise), normalized the
same way: 128 for training and 64 for testing (MNIST: 60000 and 10000). The command line is ``--epochs 2
--batch-size 16 --log-interval 2`` (the defaults otherwise), to keep this CNN's 20 MFLOP per image within a
few seconds. The weights start at random, so the checks read the program's own printout: two test reports, the
second with at least 90% accuracy (ten classes: chance is 10%), and the training losses logged in the second
epoch below those of the first.
"""

# ruff: noqa: UP008, UP032, UP010 -- the original's super(Net, self), str.format and print_function are kept

from __future__ import annotations, print_function

import argparse
import re
import sys

import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
import tensorgrad.optim as optim
from tensorgrad.optim.lr_scheduler import StepLR


def mnist_standin(count: int, seed: int):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    images = rng.uniform(0.0, 0.3, (count, 1, 28, 28)).astype(np.float32)
    for k in range(10):
        images[labels == k, 0, 2 * k + 4 : 2 * k + 6, 4:24] = 1.0
    images = (images - 0.1307) / 0.3081  # transforms.Normalize((0.1307,), (0.3081,))
    return torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

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


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(
                "Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                    epoch,
                    batch_idx * len(data),
                    len(train_loader.dataset),
                    100.0 * batch_idx / len(train_loader),
                    loss.item(),
                )
            )
            if args.dry_run:
                break


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

    test_loss /= len(test_loader.dataset)

    print(
        "\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
            test_loss, correct, len(test_loader.dataset), 100.0 * correct / len(test_loader.dataset)
        )
    )


test.__test__ = False  # not a pytest test: the example's evaluation function


def main():
    # Training settings
    parser = argparse.ArgumentParser(description="PyTorch MNIST Example")
    parser.add_argument(
        "--batch-size", type=int, default=64, metavar="N", help="input batch size for training (default: 64)"
    )
    parser.add_argument(
        "--test-batch-size",
        type=int,
        default=1000,
        metavar="N",
        help="input batch size for testing (default: 1000)",
    )
    parser.add_argument(
        "--epochs", type=int, default=3, metavar="N", help="number of epochs to train (default: 14)"
    )
    parser.add_argument("--lr", type=float, default=1.0, metavar="LR", help="learning rate (default: 1.0)")
    parser.add_argument(
        "--gamma", type=float, default=0.7, metavar="M", help="Learning rate step gamma (default: 0.7)"
    )
    parser.add_argument("--no-cuda", action="store_true", default=False, help="disables CUDA training")
    parser.add_argument("--no-mps", action="store_true", default=False, help="disables macOS GPU training")
    parser.add_argument("--dry-run", action="store_true", default=False, help="quickly check a single pass")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default: 1)")
    parser.add_argument(
        "--log-interval",
        type=int,
        default=10,
        metavar="N",
        help="how many batches to wait before logging training status",
    )
    parser.add_argument(
        "--save-model", action="store_true", default=False, help="For Saving the current Model"
    )
    args = parser.parse_args()
    use_cuda = not args.no_cuda and torch.cuda.is_available()
    use_mps = not args.no_mps and torch.backends.mps.is_available()

    torch.manual_seed(args.seed)

    if use_cuda:
        device = torch.device("cuda")
    elif use_mps:
        device = torch.device("mps")
    else:
        device = torch.device("cpu")

    train_kwargs = {"batch_size": args.batch_size}
    test_kwargs = {"batch_size": args.test_batch_size}
    if use_cuda:
        cuda_kwargs = {"num_workers": 1, "pin_memory": True, "shuffle": True}
        train_kwargs.update(cuda_kwargs)
        test_kwargs.update(cuda_kwargs)

    dataset1 = mnist_standin(128, seed=14)
    dataset2 = mnist_standin(64, seed=15)
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = torch.utils.data.DataLoader(dataset2, **test_kwargs)

    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test(model, device, test_loader)
        scheduler.step()

    if args.save_model:
        torch.save(model.state_dict(), "mnist_cnn.pt")


def test_basic_mnist_example(monkeypatch, capsys):
    monkeypatch.setattr(
        sys, "argv", ["main.py", "--epochs", "2", "--batch-size", "16", "--log-interval", "2"]
    )
    main()
    out = capsys.readouterr().out
    reports = re.findall(r"Accuracy: (\d+)/(\d+)", out)
    losses = [(int(e), float(v)) for e, v in re.findall(r"Train Epoch: (\d) .*Loss: ([\d.]+)", out)]
    assert len(reports) == 2 and all(int(total) == 64 for _, total in reports)
    assert int(reports[-1][0]) >= 58
    assert len(losses) == 8
    assert max(v for e, v in losses if e == 2) < max(v for e, v in losses if e == 1)
