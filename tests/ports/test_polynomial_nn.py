"""PyTorch's "Learning PyTorch with Examples", part "PyTorch: nn" (pytorch/tutorials,
beginner_source/examples_nn/polynomial_nn.py, read at commit 02d76941; published at
https://pytorch.org/tutorials/beginner/examples_nn/polynomial_nn.html), ported by changing the import only:
the features ``x.unsqueeze(-1).pow(p)`` with ``p = torch.tensor([1, 2, 3])`` (a float tensor raised to an
int64 tensor, broadcast to (2000, 3)), ``torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))``,
``torch.nn.MSELoss(reduction='sum')``, ``model.zero_grad()``, a manual update ``param -= learning_rate *
param.grad`` under ``torch.no_grad()``, then ``model[0]`` and ``linear_layer.weight[:, 0].item()``.

No data set: the program makes its own. Nothing shrunk. The Linear layer starts at random, so the check is
on behaviour: the loss falls to a few tens and the fitted x and x^3 coefficients land near the least-squares
fit (0.85 and -0.092); torch 2.13 with seeds 0-39 ended with losses 8.9-9.6 and these within 0.02 / 0.003.
"""

from __future__ import annotations

import math

import tensorgrad as torch


def test_polynomial_fit_with_nn_sequential():
    torch.manual_seed(0)
    losses = []

    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # For this example, the output y is a linear function of (x, x^2, x^3), so
    # we can consider it as a linear layer neural network. Let's prepare the
    # tensor (x, x^2, x^3).
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    # In the above code, x.unsqueeze(-1) has shape (2000, 1), and p has shape
    # (3,), for this case, broadcasting semantics will apply to obtain a tensor
    # of shape (2000, 3)

    # Use the nn package to define our model as a sequence of layers. nn.Sequential
    # is a Module which contains other Modules, and applies them in sequence to
    # produce its output. The Linear Module computes output from input using a
    # linear function, and holds internal Tensors for its weight and bias.
    # The Flatten layer flatens the output of the linear layer to a 1D tensor,
    # to match the shape of `y`.
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))

    # In order to use :class:`torch.nn.Linear`, we need to prepare our
    # input and output in a format of (batch, D_in) and (batch, D_out)

    # The nn package also contains definitions of popular loss functions; in this
    # case we will use Mean Squared Error (MSE) as our loss function.
    loss_fn = torch.nn.MSELoss(reduction="sum")

    learning_rate = 1e-6
    for t in range(2000):
        # Forward pass: compute predicted y by passing x to the model. Module objects
        # override the __call__ operator so you can call them like functions. When
        # doing so you pass a Tensor of input data to the Module and it produces
        # a Tensor of output data.
        y_pred = model(xx)

        # Compute and print loss. We pass Tensors containing the predicted and true
        # values of y, and the loss function returns a Tensor containing the
        # loss.
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
            losses.append(loss.item())

        # Zero the gradients before running the backward pass.
        model.zero_grad()

        # Backward pass: compute gradient of the loss with respect to all the learnable
        # parameters of the model. Internally, the parameters of each Module are stored
        # in Tensors with requires_grad=True, so this call will compute gradients for
        # all learnable parameters in the model.
        loss.backward()

        # Update the weights using gradient descent. Each parameter is a Tensor, so
        # we can access its gradients like we did before.
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad

    # You can access the first layer of `model` like accessing the first item of a list
    linear_layer = model[0]

    # For linear layer, its parameters are stored as `weight` and `bias`.
    print(
        f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
        f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3"
    )

    assert tuple(xx.shape) == (2000, 3) and tuple(y_pred.shape) == (2000,)
    assert len(losses) == 20 and losses[-1] < 50 and losses[-1] < losses[0]
    assert abs(linear_layer.weight[:, 0].item() - 0.85) < 0.05
    assert abs(linear_layer.weight[:, 2].item() + 0.092) < 0.01
