"""PyTorch's "Learning PyTorch with Examples", part "PyTorch: Control Flow + Weight Sharing"
(pytorch/tutorials, beginner_source/examples_nn/dynamic_net.py, read at commit 1d189709; published at
https://pytorch.org/tutorials/beginner/examples_nn/dynamic_net.html), ported by changing the import only: a
Module whose forward draws ``random.randint(4, 6)`` on every call and reuses one Parameter ``e`` for the x^4
and x^5 terms, so each step builds a different graph; trained with ``torch.optim.SGD(lr=1e-8, momentum=0.9)``.

No data set: the program makes its own. Shrunk: 3000 steps instead of 30000 (so one progress line instead of
fifteen). The parameters start at random and the graph changes at random, so the check is on behaviour: the
loss at the end is well below the loss at the start (torch 2.13, seeds 0-19: 4 or more times lower;
the test asks for 2) and the
five scalars are the model's parameters.
"""

from __future__ import annotations

import math
import random

import tensorgrad as torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        """
        In the constructor we instantiate five parameters and assign them as members.
        """
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        """
        For the forward pass of the model, we randomly choose either 4, 5
        and reuse the e parameter to compute the contribution of these orders.

        Since each forward pass builds a dynamic computation graph, we can use normal
        Python control-flow operators like loops or conditional statements when
        defining the forward pass of the model.

        Here we also see that it is perfectly safe to reuse the same parameter many
        times when defining a computational graph.
        """
        y = self.a + self.b * x + self.c * x**2 + self.d * x**3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x**exp
        return y

    def string(self):
        """
        Just like any class in Python, you can also define custom method on PyTorch modules
        """
        return (
            f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + "
            f"{self.e.item()} x^4 ? + {self.e.item()} x^5 ?"
        )


def test_dynamic_net_with_weight_sharing_trains():
    torch.manual_seed(0)
    random.seed(0)
    losses = []

    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # Construct our model by instantiating the class defined above
    model = DynamicNet()

    # Construct our loss function and an Optimizer. Training this strange model with
    # vanilla stochastic gradient descent is tough, so we use momentum
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t in range(3000):  # the tutorial: 30000
        # Forward pass: Compute predicted y by passing x to the model
        y_pred = model(x)

        # Compute and print loss
        loss = criterion(y_pred, y)
        losses.append(loss.item())
        if t % 2000 == 1999:
            print(t, loss.item())

        # Zero gradients, perform a backward pass, and update the weights.
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(f"Result: {model.string()}")

    assert len(list(model.parameters())) == 5
    assert min(losses[-10:]) < min(losses[:10]) / 2
