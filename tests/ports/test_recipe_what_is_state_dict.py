"""PyTorch's recipe "What is a state_dict in PyTorch" (pytorch/tutorials,
recipes_source/recipes/what_is_state_dict.py, read at commit 0a7e6866; published at
https://pytorch.org/tutorials/recipes/recipes/what_is_state_dict.html), ported by changing the imports only:
the CIFAR-10 LeNet of the recipes (its ``forward`` uses ``F``, which the recipe never imports; forward is
never called, so it runs in PyTorch as well), ``optim.SGD(net.parameters(), lr=0.001, momentum=0.9)``, then
iterating ``net.state_dict()`` (names and ``.size()``) and ``optimizer.state_dict()`` (``state`` and
``param_groups``).

No data; nothing shrunk. Everything printed is determined, so it is compared with PyTorch's: the model's
state_dict names and sizes, in order, and the optimizer's ``state`` (empty before any step) and the recipe's
hyperparameters in ``param_groups`` with ``params`` as the indices 0-9: computed once with torch 2.13.0 (CPU)
from the same program. (PyTorch 2.13's param group also holds ``maximize``, ``foreach``, ``differentiable``
and ``fused``; those implementation flags are not compared.)
"""

# ruff: noqa: UP008, F821, F401 -- the recipe's super(Net, self), its forward's unimported F and its unused
# import torch are kept as written

from __future__ import annotations

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.optim as optim

# computed once with torch 2.13.0 (CPU) from the same program: (name, size) for each entry of net.state_dict()
TORCH_MODEL_STATE = [
    ("conv1.weight", (6, 3, 5, 5)),
    ("conv1.bias", (6,)),
    ("conv2.weight", (16, 6, 5, 5)),
    ("conv2.bias", (16,)),
    ("fc1.weight", (120, 400)),
    ("fc1.bias", (120,)),
    ("fc2.weight", (84, 120)),
    ("fc2.bias", (84,)),
    ("fc3.weight", (10, 84)),
    ("fc3.bias", (10,)),
]
# computed once with torch 2.13.0 (CPU) from the same program: optimizer.state_dict(), less the flags above
TORCH_OPTIMIZER_STATE = {
    "state": {},
    "param_groups": [
        {
            "lr": 0.001,
            "momentum": 0.9,
            "dampening": 0,
            "weight_decay": 0,
            "nesterov": False,
            "params": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        }
    ],
}


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def test_what_is_a_state_dict():
    net = Net()
    print(net)

    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

    model_state = []
    # Print model's state_dict
    print("Model's state_dict:")
    for param_tensor in net.state_dict():
        print(param_tensor, "\t", net.state_dict()[param_tensor].size())
        model_state.append((param_tensor, tuple(net.state_dict()[param_tensor].size())))

    print()

    optimizer_state = {}
    # Print optimizer's state_dict
    print("Optimizer's state_dict:")
    for var_name in optimizer.state_dict():
        print(var_name, "\t", optimizer.state_dict()[var_name])
        optimizer_state[var_name] = optimizer.state_dict()[var_name]

    assert model_state == TORCH_MODEL_STATE
    assert sorted(optimizer_state) == sorted(TORCH_OPTIMIZER_STATE)
    assert optimizer_state["state"] == TORCH_OPTIMIZER_STATE["state"]
    (group,) = optimizer_state["param_groups"]
    (expected,) = TORCH_OPTIMIZER_STATE["param_groups"]
    assert {key: group.get(key, "<missing>") for key in expected} == expected
