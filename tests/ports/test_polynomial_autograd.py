"""PyTorch's "Learning PyTorch with Examples", part "PyTorch: Tensors and autograd" (pytorch/tutorials,
beginner_source/examples_autograd/polynomial_autograd.py, read at commit 92f11a17; published at
https://pytorch.org/tutorials/beginner/examples_autograd/polynomial_autograd.html), ported by changing the
import only: the same polynomial fit to sin(x), now with ``requires_grad=True`` weights, ``loss.backward()``,
an update under ``torch.no_grad()`` and ``a.grad = None`` to reset. This revision picks its device with
``torch.cuda.is_available()`` and makes it the default with ``torch.set_default_device``.

No data set: the program makes its own. Nothing shrunk. The weights start from ``torch.randn``, so the check
is on behaviour (as for the Tensors part): the loss falls to a few tens and b, d land near the least-squares
fit.
"""

from __future__ import annotations

import math

import tensorgrad as torch


def test_polynomial_fit_with_autograd_and_no_grad_updates():
    torch.manual_seed(0)
    losses = []

    dtype = torch.float
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.set_default_device(device)

    # Create Tensors to hold input and outputs.
    # By default, requires_grad=False, which indicates that we do not need to
    # compute gradients with respect to these Tensors during the backward pass.
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)

    # Create random Tensors for weights. For a third order polynomial, we need
    # 4 weights: y = a + b x + c x^2 + d x^3
    # Setting requires_grad=True indicates that we want to compute gradients with
    # respect to these Tensors during the backward pass.
    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)

    learning_rate = 1e-6
    for t in range(2000):
        # Forward pass: compute predicted y using operations on Tensors.
        y_pred = a + b * x + c * x**2 + d * x**3

        # Compute and print loss using operations on Tensors.
        # Now loss is a Tensor of shape (1,)
        # loss.item() gets the scalar value held in the loss.
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
            losses.append(loss.item())

        # Use autograd to compute the backward pass. This call will compute the
        # gradient of loss with respect to all Tensors with requires_grad=True.
        # After this call a.grad, b.grad. c.grad and d.grad will be Tensors holding
        # the gradient of the loss with respect to a, b, c, d respectively.
        loss.backward()

        # Manually update weights using gradient descent. Wrap in torch.no_grad()
        # because weights have requires_grad=True, but we don't need to track this
        # in autograd.
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad

            # Manually zero the gradients after updating weights
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")

    assert len(losses) == 20 and losses[-1] < 50 and losses[-1] < losses[0]
    assert abs(b.item() - 0.85) < 0.05 and abs(d.item() + 0.092) < 0.01
    assert a.requires_grad and a.grad is None and a.grad_fn is None
