"""PyTorch's "Learning PyTorch with Examples", part "PyTorch: Custom nn Modules" (pytorch/tutorials,
beginner_source/examples_nn/polynomial_module.py, read at commit 1d189709; published at
https://pytorch.org/tutorials/beginner/examples_nn/polynomial_module.html), ported by changing the import
only: a ``torch.nn.Module`` subclass holding four ``torch.nn.Parameter(torch.randn(()))`` scalars, a
custom ``string()`` method, ``torch.nn.MSELoss(reduction='sum')`` and ``torch.optim.SGD(..., lr=1e-6)``.

No data set: the program makes its own. Nothing shrunk. The parameters start at random, so the check is on
behaviour: the loss falls to a few tens, the four scalars are found by ``parameters()``, and b, d land near
the least-squares fit.
"""

from __future__ import annotations

import math

import tensorgrad as torch


class Polynomial3(torch.nn.Module):
    def __init__(self):
        """
        In the constructor we instantiate four parameters and assign them as
        member parameters.
        """
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        """
        In the forward function we accept a Tensor of input data and we must return
        a Tensor of output data. We can use Modules defined in the constructor as
        well as arbitrary operators on Tensors.
        """
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def string(self):
        """
        Just like any class in Python, you can also define custom method on PyTorch modules
        """
        return f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3"


def test_polynomial_fit_with_custom_module():
    torch.manual_seed(0)
    losses = []

    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # Construct our model by instantiating the class defined above
    model = Polynomial3()

    # Construct our loss function and an Optimizer. The call to model.parameters()
    # in the SGD constructor will contain the learnable parameters (defined
    # with torch.nn.Parameter) which are members of the model.
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(2000):
        # Forward pass: Compute predicted y by passing x to the model
        y_pred = model(x)

        # Compute and print loss
        loss = criterion(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
            losses.append(loss.item())

        # Zero gradients, perform a backward pass, and update the weights.
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(f"Result: {model.string()}")

    assert len(list(model.parameters())) == 4
    assert len(losses) == 20 and losses[-1] < 50 and losses[-1] < losses[0]
    assert abs(model.b.item() - 0.85) < 0.05 and abs(model.d.item() + 0.092) < 0.01
    assert model.string().startswith("y = ")
