"""PyTorch's tutorial "Training a Classifier" (pytorch/tutorials, beginner_source/blitz/cifar10_tutorial.py),
ported by changing the imports only: its network, its training loop and its two evaluation loops, which read
predictions with ``_, predicted = torch.max(outputs, 1)`` and count per class with ``classes[label]``.

The data: instead of CIFAR-10 (downloaded by torchvision), 3x32x32 images of ten classes that a small CNN can
tell apart: class k is a bright horizontal band at rows 3k..3k+2 in one colour channel, plus noise. The
tutorial trains 2 epochs of 12,500 batches; here 2 epochs of 375 batches of 4, so the checks are on behaviour
(far above chance, and the counts consistent), not on the tutorial's printed numbers.
"""

from __future__ import annotations

import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
import tensorgrad.optim as optim
from tensorgrad.data import DataLoader, TensorDataset

classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
batch_size = 4


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def banded_images(count: int, seed: int) -> TensorDataset:
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    images = rng.normal(0.0, 0.3, (count, 3, 32, 32)).astype(np.float32)
    for k in range(10):
        images[labels == k, k % 3, 3 * k : 3 * k + 3, :] += 3.0
    return TensorDataset(images, labels)


def test_training_a_classifier_tutorial_runs_unchanged_and_its_per_class_counts_add_up():
    torch.manual_seed(0)
    trainloader = DataLoader(banded_images(1500, seed=1), batch_size=batch_size, shuffle=True)
    testloader = DataLoader(banded_images(200, seed=2), batch_size=batch_size, shuffle=False)

    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

    for epoch in range(2):  # loop over the dataset multiple times
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            # get the inputs; data is a list of [inputs, labels]
            inputs, labels = data
            # zero the parameter gradients
            optimizer.zero_grad()
            # forward + backward + optimize
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 100 == 99:  # print every 100 mini-batches (the tutorial: every 2000)
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 100:.3f}")
                running_loss = 0.0

    dataiter = iter(testloader)
    images, labels = next(dataiter)
    outputs = net(images)
    _, predicted = torch.max(outputs, 1)
    shown = " ".join(f"{classes[predicted[j]]:5s}" for j in range(4))
    assert len(shown.split()) == 4 and all(name in classes for name in shown.split())

    correct = 0
    total = 0
    # since we're not training, we don't need to calculate the gradients for our outputs
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            # calculate outputs by running images through the network
            outputs = net(images)
            # the class with the highest energy is what we choose as prediction
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()

    # prepare to count predictions for each class
    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}
    # again no gradients needed
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predictions = torch.max(outputs, 1)
            # collect the correct predictions for each class
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1

    assert total == 200 and correct / total > 0.9  # ten classes: chance is 10%; seeds 0-2 gave 100%
    assert total_pred == {classname: 20 for classname in classes}
    assert sum(correct_pred.values()) == correct
