"""PyTorch's "Learning PyTorch with Examples", part "PyTorch: optim" (pytorch/tutorials,
beginner_source/examples_nn/polynomial_optim.py, read at commit 02d76941; published at
https://pytorch.org/tutorials/beginner/examples_nn/polynomial_optim.html), ported by changing the import only:
the nn version of the polynomial fit, stepped by ``torch.optim.SGD(model.parameters(), lr=1e-6)`` with
``optimizer.zero_grad()`` / ``optimizer.step()`` (this revision uses SGD; its comments still speak of Adam).

No data set: the program makes its own. Nothing shrunk. The Linear layer starts at random, so the check is on
behaviour: the loss falls to a few tens and the x and x^3 coefficients land near the least-squares fit.
"""

from __future__ import annotations

import math

import tensorgrad as torch


def test_polynomial_fit_with_torch_optim_sgd():
    torch.manual_seed(0)
    losses = []

    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # Prepare the input tensor (x, x^2, x^3).
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    # Use the nn package to define our model and loss function.
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction="sum")

    # Use the optim package to define an Optimizer that will update the weights of
    # the model for us. Here we will use Adam; the optim package contains many other
    # optimization algorithms. The first argument to the Adam constructor tells the
    # optimizer which Tensors it should update.
    learning_rate = 1e-6
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    for t in range(2000):
        # Forward pass: compute predicted y by passing x to the model.
        y_pred = model(xx)

        # Compute and print loss.
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
            losses.append(loss.item())

        # Before the backward pass, use the optimizer object to zero all of the
        # gradients for the variables it will update (which are the learnable
        # weights of the model). This is because by default, gradients are
        # accumulated in buffers( i.e, not overwritten) whenever .backward()
        # is called. Checkout docs of torch.autograd.backward for more details.
        optimizer.zero_grad()

        # Backward pass: compute gradient of the loss with respect to model
        # parameters
        loss.backward()

        # Calling the step function on an Optimizer makes an update to its
        # parameters
        optimizer.step()

    linear_layer = model[0]
    print(
        f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
        f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3"
    )

    assert len(losses) == 20 and losses[-1] < 50 and losses[-1] < losses[0]
    assert abs(linear_layer.weight[:, 0].item() - 0.85) < 0.05
    assert abs(linear_layer.weight[:, 2].item() + 0.092) < 0.01
