"""PyTorch's "Learn the Basics", part "Automatic Differentiation with torch.autograd" (pytorch/tutorials,
beginner_source/basics/autogradqs_tutorial.py, read at commit 1532c0de; published at
https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html), ported by changing the import only:
a one-layer net with ``torch.nn.functional.binary_cross_entropy_with_logits``, ``z.grad_fn`` /
``loss.grad_fn``, ``w.grad`` and ``b.grad``, ``torch.no_grad()`` and ``detach()``, then the Jacobian-product
section: ``torch.eye(4, 5, requires_grad=True)``, ``(inp+1).pow(2).t()``, ``out.backward(torch.ones_like(out),
retain_graph=True)`` three times with ``inp.grad.zero_()`` before the third.

No data set; nothing shrunk. ``w`` and ``b`` are random, so their gradients are checked against the formula
(d loss / d z_j = sigmoid(z_j) / 3 with y = 0 and x = ones, the same for every row of w). The Jacobian-product
section is exact and matches the tutorial's printed output: 4 on the diagonal and 2 elsewhere, then doubled by
accumulation, then back after zeroing.
"""

from __future__ import annotations

import numpy as np

import tensorgrad as torch


def test_automatic_differentiation_with_torch_autograd():
    torch.manual_seed(0)
    x = torch.ones(5)  # input tensor
    y = torch.zeros(3)  # expected output
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")
    assert z.grad_fn is not None and loss.grad_fn is not None

    loss.backward()
    print(w.grad)
    print(b.grad)
    dz = 1 / (1 + np.exp(-z.detach().numpy())) / 3
    assert np.allclose(b.grad.numpy(), dz, rtol=1e-5)
    assert np.allclose(w.grad.numpy(), np.tile(dz, (5, 1)), rtol=1e-5)

    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    assert z.requires_grad is True

    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)
    assert z.requires_grad is False

    z = torch.matmul(x, w) + b
    z_det = z.detach()
    print(z_det.requires_grad)
    assert z_det.requires_grad is False

    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    first = inp.grad.numpy().copy()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nSecond call\n{inp.grad}")
    second = inp.grad.numpy().copy()
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nCall after zeroing gradients\n{inp.grad}")

    expected = 2 * (np.eye(4, 5) + 1)  # the tutorial's "First call" output
    assert first.tolist() == expected.tolist()
    assert second.tolist() == (2 * expected).tolist()
    assert inp.grad.numpy().tolist() == expected.tolist()
