"""PyTorch's "Learning PyTorch with Examples", part "PyTorch: Tensors" (pytorch/tutorials,
beginner_source/examples_tensor/polynomial_tensor.py, read at commit 088bc52a; published at
https://pytorch.org/tutorials/beginner/examples_tensor/polynomial_tensor.html), ported by changing the import
only: a third-order polynomial fitted to sin(x) on [-pi, pi] with the forward pass, the loss and the backward
pass all written by hand with tensor ops (``torch.matmul(input=..., other=...)``, ``x.pow``, ``a -= ...`` on
0-d tensors).

No data set: the program makes its own (2000 points of sin). Nothing shrunk. The weights start from
``torch.randn(())``, so the check is on behaviour: whatever the start, 2000 steps of this gradient descent
bring the summed squared error from the thousands down to a few tens (the tutorial prints about 9) and the
odd coefficients near the least-squares fit (b about 0.85, d about -0.09).
"""

from __future__ import annotations

import math

import tensorgrad as torch


def test_polynomial_fit_with_hand_written_backward_pass():
    torch.manual_seed(0)
    losses = []

    dtype = torch.float
    device = torch.device("cpu")
    # device = torch.device("cuda:0") # Uncomment this to run on GPU

    # Create random input and output data
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)

    # Randomly initialize weights
    a = torch.randn((), device=device, dtype=dtype)
    b = torch.randn((), device=device, dtype=dtype)
    c = torch.randn((), device=device, dtype=dtype)
    d = torch.randn((), device=device, dtype=dtype)

    learning_rate = 1e-6
    for t in range(2000):
        # Forward pass: compute predicted y
        y_pred = a + (b * x) + (c * x.pow(2)) + (d * x.pow(3))

        # Compute and print loss
        loss = (y_pred - y).pow(2).sum().item()
        if t % 100 == 99:
            print(t, loss)
            losses.append(loss)

        # Backprop to compute gradients of a, b, c, d with respect to loss
        grad_y_pred = -2.0 * (y - y_pred)
        grad_a = grad_y_pred.sum()
        grad_b = torch.matmul(input=grad_y_pred, other=x).sum()
        grad_c = torch.matmul(input=grad_y_pred, other=x.pow(2)).sum()
        grad_d = torch.matmul(input=grad_y_pred, other=x.pow(3)).sum()

        # Update weights using gradient descent
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d

    print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")

    assert len(losses) == 20
    assert losses[-1] < 50 and losses[-1] < losses[0]
    assert abs(b.item() - 0.85) < 0.05 and abs(d.item() + 0.092) < 0.01
    assert isinstance(loss, float)
